# cases_exercise.sh - issue 15: `protect exercise` import-msel (default columns, a column
# mapping, --into), export-msel (the shipped MSEL is the reference exercise's), check (the
# reference's one-line summary, a decision path the simulation lacks) and every bad MSEL of
# the issue: the exact FILE:LINE: field: problem, exit 65, and --out never written.
# Sourced by tests/cli/run.

XSCN=$top/data/scenarios
XREF=$XSCN/hospital-attack-exercise.json

# --- check: the reference exercise and its simulation ------------------------------------
p ex-check 0 exercise check "$XREF"
out_line "$XREF: ok: 4 stages, 7 roles, 8 objectives, 31 injects (5 contingency), 11 decisions (7 reach the simulation), 11 baseline decisions, simulation hospital-attack.json"
# review 15B item 8: inject 20 means either answer and says so (decision_value "any"): no warning
if [ ! -s ex-check.err ]; then ok; else bad "ex-check: no warning expected: $(cat ex-check.err)"; fi
# review finding 10: without "any" the yes/no decision warns on stderr, exit 0
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
for i in j["injects"]:
    if i["seq"] == 20: del i["decision_value"]
json.dump(j, open("ex-anyless.json", "w"), indent=1)' "$XREF"
cp "$XSCN/hospital-attack.json" .
p ex-check-anyless 0 exercise check ex-anyless.json
err_line "protect: ex-anyless.json: warning: inject 20: decision \"brackwater_lockdown\" is yes/no and the inject gives no decision_value: any answer, \"no\" too, counts as doing its expected action (add decision_value \"true\" if only \"yes\" should)"
if [ "$(wc -l <ex-check-anyless.err)" -eq 1 ]; then ok; else bad "ex-check-anyless: one warning expected: $(cat ex-check-anyless.err)"; fi
# review 15B item 1: an expected answer that is already the simulation's starting value warns
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
for d in j["decisions"]:
    if d["id"] == "ed_lockdown": d["apply"] = "timed"; d["path"] = "hospitals.0.locked_down"
json.dump(j, open("ex-noop.json", "w"), indent=1)' "$XREF"
p ex-check-noop 0 exercise check ex-noop.json
err_line "protect: ex-noop.json: warning: inject 8: its decision_value \"true\" of \"ed_lockdown\" is what the simulation has at the start (hospitals.0.locked_down, and no undecided entry changes it): the expected answer can never change the outcome (make the decision \"apply\": \"log\" if it is not a simulation parameter, or state the starting value under \"undecided\")"
if [ "$(wc -l <ex-check-noop.err)" -eq 1 ]; then ok; else bad "ex-check-noop: one warning expected: $(cat ex-check-noop.err)"; fi
# an undecided entry that opens the hospital makes the decision the players' again: no warning
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
j["undecided"].append({"path": "hospitals.0.locked_down", "value": "false"})
json.dump(j, open("ex-noop-open.json", "w"), indent=1)' ex-noop.json
p ex-check-noop-open 0 exercise check ex-noop-open.json
if [ ! -s ex-check-noop-open.err ]; then ok; else bad "ex-check-noop-open: no warning expected: $(cat ex-check-noop-open.err)"; fi
# an inject earlier than a lower sequence number of its stage: a mistyped time (01:30 for 03:10)
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
for i in j["injects"]:
    if i["seq"] == 25: i["time"] = "1:30"
json.dump(j, open("ex-typo.json", "w"), indent=1)' "$XREF"
cp "$XSCN/hospital-attack.json" .
p ex-check-typo 0 exercise check ex-typo.json
err_has "protect: ex-typo.json: warning: inject 25 at 1:30 comes before inject "
err_has "whose sequence number is lower: is a time mistyped?"

# a decision path the simulation does not have: named with the file's line
sed 's/"path": "response.triage"/"path": "response.triage_rule"/' "$XREF" >ex-badpath.json
cp "$XSCN/hospital-attack.json" .
p ex-check-path 65 exercise check ex-badpath.json
line=$(grep -n '"response.triage_rule"' ex-badpath.json | cut -d: -f1)
err_line "protect: ex-badpath.json:$line: decisions.triage_method.path: \"response.triage_rule\" is not a key of the simulation scenario (docs/scenarios.md lists them)"
# a JSON error names the line and the path
sed 's/"time": "00:52"/"time": "7:5x"/' "$XREF" >ex-badtime.json
line=$(grep -n '"7:5x"' ex-badtime.json | cut -d: -f1)
p ex-check-time 65 exercise check ex-badtime.json
err_line "protect: ex-badtime.json:$line: injects.9.time: \"7:5x\" is not a time (H:MM or HH:MM from the start, such as 0:45 or 26:30)"
p ex-check-missing 66 exercise check no-such-exercise.json
# review 4: inject placeholders are checked, named with the file's line
sed 's/{sim:arrived_2|no}/{sim:arrived_two|no}/' "$XREF" >ex-ph-sim.json
line=$(grep -n 'arrived_two' ex-ph-sim.json | cut -d: -f1)
p ex-ph-sim 65 exercise check ex-ph-sim.json
err_line "protect: ex-ph-sim.json:$line: injects.24.description: {sim:arrived_two}: not a simulated figure (docs/exercises.md lists them)"
sed 's/{decision:ambulances_dispatched|only the 4 of the first wave}/{decision:ambulance_dispatched|some}/' "$XREF" >ex-ph-dec.json
line=$(grep -n 'ambulance_dispatched|' ex-ph-dec.json | cut -d: -f1)
p ex-ph-dec 65 exercise check ex-ph-dec.json
err_line "protect: ex-ph-dec.json:$line: injects.18.description: {decision:ambulance_dispatched}: not a decision of the scenario"
sed 's/{sim:hot_zone|many}/{sim:hot_zone}/' "$XREF" >ex-ph-fb.json
line=$(grep -n '{sim:hot_zone}' ex-ph-fb.json | cut -d: -f1)
p ex-ph-fb 65 exercise check ex-ph-fb.json
err_line "protect: ex-ph-fb.json:$line: injects.15.description: a placeholder needs a fallback for when the value is not known yet: {kind:name|fallback}"
# review 3: undecided entries and the H-hour
python3 -c "
import sys; s = open(sys.argv[1]).read()
open('ex-und-path.json', 'w').write(s.replace('\"response.rtf\",\n      \"value\": \"false\"', '\"response.ccp_staff\",\n      \"value\": \"3\"', 1))
open('ex-und-value.json', 'w').write(s.replace('\"response.ambulances\",\n      \"value\": \"4\"', '\"response.ambulances\",\n      \"value\": \"many\"', 1))
open('ex-und-space.json', 'w').write(s.replace('\"response.ambulances\",\n      \"value\": \"4\"', '\"response.ambulances\",\n      \"value\": \" 4\"', 1))
open('ex-und-range.json', 'w').write(s.replace('\"response.ambulances\",\n      \"value\": \"4\"', '\"response.ambulances\",\n      \"value\": \"2000\"', 1))
open('ex-hhour.json', 'w').write(s.replace('\"h_hour\": \"08:00\"', '\"h_hour\": \"24:00\"', 1))" "$XREF"
p ex-und-path 65 exercise check ex-und-path.json
err_line "protect: ex-und-path.json:18: undecided.0.path: no timed decision sets this path, so it would never be decided"
p ex-und-value 65 exercise check ex-und-value.json
err_line "protect: ex-und-value.json:23: undecided.1.value: \"many\" is not a number (from 0 to 60); decision ambulances_dispatched sets this path"
# attack review 2, finding 9: checked against the decision's range, no spaces around it
p ex-und-space 65 exercise check ex-und-space.json
err_line "protect: ex-und-space.json:23: undecided.1.value: spaces before or after the value"
p ex-und-range 65 exercise check ex-und-range.json
err_line "protect: ex-und-range.json:23: undecided.1.value: out of range for ambulances_dispatched (from 0 to 60); decision ambulances_dispatched sets this path"
p ex-hhour 65 exercise check ex-hhour.json
err_line "protect: ex-hhour.json:15: h_hour: a clock time from 00:00 to 23:59 expected"
# review 15b, 9: an empty site is named, on a whole line of its own (ending with a new line)
python3 -c "
import sys; s = open(sys.argv[1]).read()
open('ex-site-empty.json', 'w').write(s.replace('\"site\": \"VM-012\"', '\"site\": \"\"', 1))" "$XREF"
p ex-site-empty 65 exercise check ex-site-empty.json
if [ "$(cat ex-site-empty.err)" = "protect: ex-site-empty.json:27: site: missing value" ] &&
	[ "$(tail -c 1 ex-site-empty.err | od -An -c | tr -d ' ')" = '\n' ]; then ok; else
	bad "the empty site's error is not one whole line: $(od -c ex-site-empty.err | tail -3)"
fi

# --- export-msel: the shipped spreadsheet is the reference's MSEL; import gives it back ------
p ex-export 0 exercise export-msel "$XREF"
same_files ex-export.out "$XSCN/hospital-attack-msel.csv"
p ex-export-file 0 exercise export-msel "$XREF" --out ex-msel.csv
same_files ex-msel.csv "$XSCN/hospital-attack-msel.csv"
p ex-import-into 0 exercise import-msel ex-msel.csv --into "$XREF"
same_files ex-import-into.out "$XREF"
# without a scenario: roles, stages and log-only decisions come from the spreadsheet
p ex-import-fresh 0 exercise import-msel ex-msel.csv --out ex-fresh.json
err_line "protect: ex-fresh.json: 31 injects in 4 stages for 7 roles"
p ex-fresh-check 0 exercise check ex-fresh.json
out_line "ex-fresh.json: ok: 4 stages, 7 roles, 0 objectives, 31 injects (5 contingency), 10 decisions (0 reach the simulation), 0 baseline decisions"
p ex-fresh-export 0 exercise export-msel ex-fresh.json
same_files ex-fresh-export.out ex-msel.csv

# --- a planner's own spreadsheet through a column mapping ---------------------------------
p ex-import-map 0 exercise import-msel "$XSCN/msel-planner-example.csv" --map "$XSCN/msel-map-example.csv" --into "$XREF"
pycheck "mapped MSEL" ex-import-map.out '
i = j["injects"]
assert [x["seq"] for x in i] == [1, 2, 3, 4, 5, 6], i
assert [x["stage"] for x in i] == ["warning", "warning", "attack", "attack", "response", "recovery"]
assert [x["time"] for x in i] == ["00:10", "00:30", "00:45", "00:55", "01:35", "03:45"]
assert i[1]["to"] == ["security_manager", "hospital_ic"] and i[1]["contingency_of"] == 1
assert i[4]["to"] == ["crisis_centre", "moh_liaison"] and i[4]["deadline"] == "01:50"
assert i[2]["type"] == "event" and i[2]["delivery"] == "Phone (112)" and i[5]["type"] == "social media"
assert i[3]["capability"] == "Public Information and Warning"
assert "Notes" not in str(i) and "SimCell" not in str(i)
assert len(j["roles"]) == 7 and j["baseline"]'
# an error names the column as the planner's spreadsheet calls it
sed 's/^3,Attack and lockdown,0:45,/3,Attack and lockdown,0:4,/' "$XSCN/msel-planner-example.csv" >ex-planner-bad.csv
p ex-import-map-bad 65 exercise import-msel ex-planner-bad.csv --map "$XSCN/msel-map-example.csv" --into "$XREF" --out ex-planner.json
err_line "protect: ex-planner-bad.csv:4: Scenario time: \"0:4\" is not a time (H:MM or HH:MM from the start, such as 0:45 or 26:30)"
if [ ! -e ex-planner.json ]; then ok; else bad "--out written on failure"; fi
# review 15B item 6: a clock time past the end (H-hour 08:00) and older capability names,
# all in one pass, each on its row's line, two on one row
sed -e 's/^3,Attack and lockdown,0:45,/3,Attack and lockdown,08:52,/' \
    -e 's/^\(3,.*\),Operational Coordination,$/\1,On-Site Incident Management,/' \
    -e 's/^\(4,.*\)Public Information and Warning/\1Public Health and Medical Services/' \
    "$XSCN/msel-planner-example.csv" >ex-planner-old.csv
p ex-import-map-old 65 exercise import-msel ex-planner-old.csv --map "$XSCN/msel-map-example.csv" --into "$XREF" --out ex-planner.json
err_line "protect: ex-planner-old.csv:4: Scenario time: 08:52 is past the scenario's end 06:00; it looks like a clock time: 00:52 from the start (H-hour 08:00)?"
err_line "protect: ex-planner-old.csv:4: Core capability: \"On-Site Incident Management\" is not a FEMA core capability (docs/exercises.md lists them); did you mean \"Operational Coordination\"? (the core capability that took its place)"
err_line "protect: ex-planner-old.csv:5: Core capability: \"Public Health and Medical Services\" is not a FEMA core capability (docs/exercises.md lists them); did you mean \"Public Health, Healthcare, and Emergency Medical Services\"? (the core capability that took its place)"
if [ ! -e ex-planner.json ]; then ok; else bad "--out written on failure"; fi
# a mapping file's own errors
printf 'from_column,to_column\nInject #,sequence\nPhase,period\n' >ex-map-bad.csv
p ex-map-bad 65 exercise import-msel "$XSCN/msel-planner-example.csv" --map ex-map-bad.csv
err_line "protect: ex-map-bad.csv:3: to_column: \"period\" is not an MSEL column (sequence, time, type, delivery, from, to, description, expected_action, capability, stage, deadline, contingency_of, decision, decision_value; or - to drop the column)"
# without the map, the planner's columns are unknown
p ex-nomap 65 exercise import-msel "$XSCN/msel-planner-example.csv"
err_line "protect: $XSCN/msel-planner-example.csv:1: Inject #: unknown column \"Inject #\" (columns: sequence, time, type, delivery, from, to, description, expected_action, capability, stage, deadline, contingency_of, decision, decision_value; a mapping file renames or drops columns)"

# --- bad MSELs: FILE:LINE: field: problem, exit 65, --out not written ----------------------
# reject_msel NAME 'CONTENT (printf format)' 'MESSAGE' [--into FILE]
reject_msel() {
	local name=$1 content=$2 msg=$3
	shift 3
	printf "$content" >"$name.csv"
	rm -f "$name.json"
	p "ex-$name" 65 exercise import-msel "$name.csv" "$@" --out "$name.json"
	err_line "protect: $name.csv:$msg"
	if [ ! -e "$name.json" ]; then ok; else bad "$name: --out written on failure"; fi
}
reject_msel m-nocol 'sequence,time,type,description\n1,0:10,event,Text\n' \
	'1: to: missing column (sequence, time, type, to and description are mandatory)'
reject_msel m-time 'sequence,time,type,to,description\n1,7:5x,event,pio,Text\n' \
	'2: time: "7:5x" is not a time (H:MM or HH:MM from the start, such as 0:45 or 26:30)'
reject_msel m-hours 'sequence,time,type,to,description\n1,0:10,event,pio,Text\n2,400:00,event,pio,Text\n' \
	'3: time: "400:00" is past the latest scenario time 336:00 (two weeks)'
reject_msel m-type 'sequence,time,type,to,description\n1,0:10,tweet,pio,Text\n' \
	'2: type: "tweet" is not an inject type (information, event, media, social media)'
reject_msel m-role 'sequence,time,type,to,description\n1,0:10,event,pio; Mayor,Text\n' \
	"2: to: \"Mayor\" is not a role of the scenario (give a role's id or name)" --into "$XREF"
reject_msel m-dup 'sequence,time,type,to,description\n1,0:10,event,pio,Text\n1,0:20,event,pio,Other\n' \
	'3: sequence: sequence 1 is used twice (first on line 2)'
reject_msel m-cont-unknown 'sequence,time,type,to,description,expected_action,contingency_of\n1,0:10,event,pio,Text,Act,\n2,0:30,event,pio,Other,,9\n' \
	'3: contingency_of: no inject has sequence 9'
reject_msel m-cont-later 'sequence,time,type,to,description,expected_action,contingency_of\n1,1:00,event,pio,Text,Act,\n2,0:30,event,pio,Other,,1\n' \
	"3: contingency_of: inject 1 comes later (1:00, after this inject's 0:30)"
reject_msel m-cont-cont 'sequence,time,type,to,description,expected_action,contingency_of\n1,0:10,event,pio,Text,Act,\n2,0:30,event,pio,Other,Act,1\n3,0:40,event,pio,Third,,2\n' \
	'4: contingency_of: inject 2 is itself a contingency (of 1)'
reject_msel m-cont-noaction 'sequence,time,type,to,description,contingency_of\n1,0:10,event,pio,Text,\n2,0:30,event,pio,Other,1\n' \
	'3: contingency_of: inject 1 has no expected action'
reject_msel m-cont-deadline 'sequence,time,type,to,description,expected_action,deadline,contingency_of\n1,0:10,event,pio,Text,Act,0:40,\n2,0:30,event,pio,Other,,,1\n' \
	"3: contingency_of: inject 1's deadline 0:40 is after this inject's time 0:30"
reject_msel m-capability 'sequence,time,type,to,description,capability\n1,0:10,event,pio,Text,Cyber Warfare\n' \
	'2: capability: "Cyber Warfare" is not a FEMA core capability (docs/exercises.md lists them)'
reject_msel m-deadline 'sequence,time,type,to,description,expected_action,deadline\n1,0:10,event,pio,Text,Act,0:05\n' \
	"2: deadline: deadline 0:05 is before the inject's time 0:10"
reject_msel m-long "sequence,time,type,delivery,to,description\n1,0:10,event,$(printf 'x%.0s' $(seq 250)),pio,Text\n" \
	'2: delivery: too long (250 bytes; at most 199)'
reject_msel m-empty '' \
	'1: empty file: the header row is missing (columns: sequence, time, type, delivery, from, to, description, expected_action, capability, stage, deadline, contingency_of, decision, decision_value)'
reject_msel m-binary '\177ELF\002\001\001\000\000\000\377\376' \
	'1: NUL byte in the data (is this a binary or UTF-16 file?) (field 1)'
reject_msel m-header-only 'sequence,time,type,to,description\n' \
	'2: no injects: the file has a header row only'
reject_msel m-fields 'sequence,time,type,to,description\n1,0:10,event,pio\n' \
	'2: expected 5 fields, found 4'

# --- review finding 5: every bad row in one pass, blank rows skipped, stages in any case,
# capabilities without FEMA's punctuation, a ';' file named, the simulation's path ----------
reject_msel m-many 'sequence,time,type,to,description,stage,capability\n1,0:05,Phone call,ems_commander,x,Attack,\n2,0:10,information,nobody,y,ATTACK,\n3,7:5x,event,pio,w,attack,\n3,0:20,event,pio,v,attack,\n4,0:30,event,pio,u,attack,Cyber Warfare\n,,,,,,\n,,,,,,\n' \
	'2: type: "Phone call" is not an inject type (information, event, media, social media)' --into "$XREF"
err_line "protect: m-many.csv:3: to: \"nobody\" is not a role of the scenario (give a role's id or name)"
err_line 'protect: m-many.csv:4: time: "7:5x" is not a time (H:MM or HH:MM from the start, such as 0:45 or 26:30)'
err_line 'protect: m-many.csv:6: capability: "Cyber Warfare" is not a FEMA core capability (docs/exercises.md lists them)'
if [ "$(wc -l <ex-m-many.err)" -eq 4 ]; then ok; else bad "m-many: 4 lines expected: $(cat ex-m-many.err)"; fi
printf 'sequence,time,type,to,description,stage,capability\n' >m-over.csv
for k in $(seq 1 55); do printf '%s,0:10,tweet,pio,x,,\n' "$k" >>m-over.csv; done
p ex-m-over 65 exercise import-msel m-over.csv --into "$XREF" --out m-over.json
err_line 'protect: m-over.csv:51: type: "tweet" is not an inject type (information, event, media, social media)'
err_line 'protect: m-over.csv: and 5 more problems'
if [ "$(wc -l <ex-m-over.err)" -eq 51 ]; then ok; else bad "m-over: 51 lines expected"; fi
printf 'sequence,time,type,to,description,stage,capability\n1,0:10,event,pio,x,WARNING,Screening Search and Detection\n2,0:20,event,pio,y,Attack And Lockdown,public health healthcare and emergency medical services\n,,,,,,\n' >m-loose.csv
p ex-m-loose 0 exercise import-msel m-loose.csv --into "$XREF" --out m-loose.json
pycheck "loose names" m-loose.json '
assert [(i["stage"], i["capability"]) for i in j["injects"]] == [("warning", "Screening, Search, and Detection"), ("attack", "Public Health, Healthcare, and Emergency Medical Services")], j["injects"]'
reject_msel m-semicolon 'sequence;time;type;to;description\n1;0:10;event;pio;Text\n' \
	"1: unknown column \"sequence;time;type;to;description\": the file seems to use ';' as its separator: export it as comma-separated CSV"
# review finding 10: --out elsewhere names the simulation relative to the file written
mkdir -p ex-elsewhere/deeper
p ex-out-elsewhere 0 exercise import-msel "$XSCN/hospital-attack-msel.csv" --into "$XREF" --out ex-elsewhere/deeper/p.json
err_has "protect: ex-elsewhere/deeper/p.json: its simulation is \"../"
pycheck "the simulation named from p.json's directory" ex-elsewhere/deeper/p.json "
import os
assert os.path.realpath(os.path.join('ex-elsewhere/deeper', j['simulation'])) == os.path.realpath('$XSCN/hospital-attack.json'), j['simulation']"
p ex-out-elsewhere-check 0 exercise check ex-elsewhere/deeper/p.json
out_has "ex-elsewhere/deeper/p.json: ok: 4 stages"
# a scenario whose simulation is not beside it: left as it is, with a warning
mkdir -p ex-nosim
cp "$XREF" ex-nosim/x.json
p ex-out-nosim 0 exercise import-msel "$XSCN/hospital-attack-msel.csv" --into ex-nosim/x.json --out ex-elsewhere/p.json
err_has "protect: ex-elsewhere/p.json: warning: its simulation \"hospital-attack.json\" is read from its own directory, and ex-elsewhere/hospital-attack.json is not there"
p ex-out-elsewhere-missing 66 exercise check ex-elsewhere/p.json
err_line "protect: ex-elsewhere/p.json: simulation: ex-elsewhere/hospital-attack.json: No such file or directory (\"hospital-attack.json\" is read from the exercise file's directory: move the exercise file beside it, or give its path from there or an absolute one)"
# export-msel's formula guard ('@VellmarkWatch) is read back without the apostrophe
p ex-guard-export 0 exercise export-msel "$XREF" --out ex-guard.csv
if grep -qF "\"'@VellmarkWatch" ex-guard.csv; then ok; else bad "the guard in the export"; fi
p ex-guard-import 0 exercise import-msel ex-guard.csv --into "$XREF" --out ex-guard.json
pycheck "the guard stripped on import" ex-guard.json "
assert any(i.get('from', '').startswith('@VellmarkWatch') for i in j['injects']), [i.get('from') for i in j['injects']]"

# --- usage --------------------------------------------------------------------------------
p ex-usage 64 exercise
p ex-usage-sub 64 exercise frobnicate
p ex-usage-opt 64 exercise import-msel x.csv --colour
