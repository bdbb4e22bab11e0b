# cases_exercise_report.sh - issue 15: `protect exercise report RUN --format html|csv` (the
# after-action report of a stored run) and `protect exercise link RUN ITEM` (an improvement
# item made a measure at a site or a note on a register risk, linked both ways). The run is
# stored in a demo registry by tests/cli/data/exercise_run_fixture.py as the live-run use
# cases would have left it. Sourced by tests/cli/run.

current=exreport-setup
if "$PROTECT" --db exrep.db demo >/dev/null 2>exrep-setup.err &&
	ids=$(python3 "$DATA/exercise_run_fixture.py" exrep.db 2>>exrep-setup.err); then ok; else
	bad "setup: $(head -c 600 exrep-setup.err)"
fi
read -r exrun exitem1 exitem2 <<<"${ids:-0 0 0}"

# --- the improvement plan as CSV: the marking, the documented columns, one row per item ---
p exreport-csv 0 --db exrep.db exercise report "$exrun" --format csv
golden exercise-report-plan.csv
p exreport-csv-file 0 --db exrep.db exercise report "$exrun" --format csv --out plan.csv
if cmp -s plan.csv exreport-csv.out && [ ! -s exreport-csv-file.out ]; then ok; else bad "--out plan.csv differs from stdout"; fi

# --- the HTML: every section, the figures, the hostile text escaped, the marking twice ---
p exreport-html 0 --db exrep.db exercise report "$exrun" --format html --threads 1
out_has "<h1>After-action report: Orrinford drill &lt;script&gt;alert(1)&lt;/script&gt;</h1>"
out_lacks "<script>"
out_lacks "<b>bold"
out_has "<h2>Executive summary</h2>"
out_has "<td>t_alert</td><td>Public Information and Warning</td><td class=\"late\">gap: not rated</td>"
out_has "1 of 9 capability targets rated; 8 left unrated (gaps in the evaluation)."
out_has "<strong>Mission areas</strong>: Prevention, Protection, Mitigation, Response, Recovery."
out_has "<h2>Clock history</h2>"
out_has "<td class=\"n\">00:00</td><td>2025-12-01 08:00 UTC</td><td>clock started</td>"
# review 15b, 4: the facilitator's pause, the server's pause with its reason, the suspension
# with its message escaped, the resume that ends it as such
out_has "<tr><td class=\"n\">00:20</td><td>2025-12-01 08:20 UTC</td><td>paused</td></tr>"
out_has "<tr><td class=\"n\">00:20</td><td>2025-12-01 08:22 UTC</td><td>resumed</td></tr>"
out_has "<tr><td class=\"n\">00:30</td><td>2025-12-01 08:40 UTC</td><td>The exercise clock is paused at 00:30: the server stopped and started again; the facilitator resumes it</td></tr>"
out_has "<tr><td class=\"n\">00:30</td><td>2025-12-01 08:43 UTC</td><td>resumed</td></tr>"
out_has "<tr class=\"late\"><td class=\"n\">00:45</td><td>2025-12-01 08:58 UTC</td><td>REAL-WORLD EMERGENCY - EXERCISE SUSPENDED: Real fire at &lt;b&gt;Gate 2&lt;/b&gt; &amp; the car park</td></tr>"
out_has "<tr><td class=\"n\">00:45</td><td>2025-12-01 09:10 UTC</td><td>resumed after the real-world emergency</td></tr>"
out_lacks "<b>Gate"
out_has "<h2>Annex: players' outputs</h2>"
out_has "<h2>Overview</h2>"
out_has "<tr><th scope=\"row\">Started</th><td>2025-12-01 08:00 UTC</td></tr>"
out_has "<tr><th scope=\"row\">Ended (ENDEX)</th><td>2025-12-01 09:10 UTC</td></tr>"
out_has "<td>player</td><td>Police commander</td><td>Vellmark Police</td><td>player</td><td>Harbourlight Group</td>"
out_has "<h2>Timeline</h2>"
out_has "<td class=\"late\">late by 41 min</td>"
out_has "<td class=\"ontime\">on time</td>"
out_has "Rescue task force entry: true (player, Police commander)"
# skipped and cancelled injects keep their place at the time they were due; the table in time order
out_has "<td class=\"n\">01:15</td><td>17</td>"
out_has "<td>skipped at 01:02</td>"
out_has "<td class=\"n\">01:10</td><td>16</td>"
out_has "<td>cancelled at 00:50 (contingency not needed)</td>"
if python3 - exreport-html.out <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
table = page.split("<h3>Injects</h3>")[1].split("<h3>Decisions</h3>")[0]
times = [int(h) * 60 + int(m) for h, m in re.findall(r'<tr><td class="n">(\d\d):(\d\d)', table)]
sys.exit(0 if len(times) == 31 and times == sorted(times) else 1)
PY
then ok; else bad "the inject table is not in time order"; fi
# what the players read: #19 (triggered at 01:05) with its placeholders filled, the file's text as a note
out_has "<td class=\"n\">01:05<div class=\"meta\">file 01:30</div></td><td>19</td>"
out_has "</div>Control: only the 4 of the first wave ambulances committed. Control&#39;s count at 01:00: 4 at the scene, none on their way"
out_has "<div class=\"meta\">Controller&#39;s note, the MSEL&#39;s text: Control: {decision:ambulances_dispatched|only the 4 of the first wave} ambulances committed. Control&#39;s count at {sim:time|the attack}: {sim:ambulances_at_scene|none} at the scene"
# review 15C item D: and one on each inject nobody received, under the same label
if [ "$(grep -o 'Controller&#39;s note' exreport-html.out | wc -l)" -eq $((1 + $(grep -o '(not delivered: nobody received it)<div class="meta">Controller&#39;s note' exreport-html.out | wc -l))) ] &&
	[ "$(grep -o 'Controller&#39;s note' exreport-html.out | wc -l)" -gt 2 ]; then ok; else bad "a note on an inject delivered as written"; fi
out_has "receives nobody until simulation minute 120"
# the H-hour and the attack (no shift: as planned)
out_has "<tr><th scope=\"row\">H-hour</th><td>08:00 (the clock time of scenario time 00:00)</td></tr>"
out_has "<tr><th scope=\"row\">Attack (simulation minute 0)</th><td>scenario time 00:45 (08:45), as the scenario plans it</td></tr>"
out_has "<h2>Ratings per capability target</h2>"
out_has "S (Performed with some challenges) by evaluator: declared late"
out_has "<strong>M (Performed with major challenges)</strong> by facilitator"
out_has "Cordon set fast &lt;b&gt;bold&lt;/b&gt;"
out_has "<h2>Simulated outcome: the run's decisions against the baseline</h2>"
out_has "1000 replications each with the run&#39;s seed 7"
out_has "<h2>Improvement plan</h2>"
out_has "names register risk VM-012 / armed_assault_lone"
if [ "$(grep -o '>TLP:AMBER</span>' exreport-html.out | wc -l)" -eq 2 ]; then ok; else bad "the marking is not at top and bottom once each"; fi
if grep -qE 'https?://|<link|src=' exreport-html.out; then bad "the page loads something from outside"; else ok; fi
# the same run, the same seed: the same page (threads never change a number)
p exreport-html2 0 --db exrep.db exercise report "$exrun" --format html --threads 2
if cmp -s exreport-html.out exreport-html2.out; then ok; else bad "the report differs on 2 threads"; fi

# --- who may read it ---
p exreport-player 77 --db exrep.db exercise report "$exrun" --format csv --as player
err_line "protect: role: the after-action report is for the run's facilitators, evaluators and observers; a player sees its own roles only"
p exreport-evaluator 0 --db exrep.db exercise report "$exrun" --format csv --as evaluator
p exreport-coordinator 0 --db exrep.db exercise report "$exrun" --format csv --as coordinator
p exreport-viewer 66 --db exrep.db exercise report "$exrun" --format csv --as viewer
err_line "protect: run: no exercise run $exrun"
p exreport-missing 66 --db exrep.db exercise report 999 --format csv
err_line "protect: run: no exercise run 999"

# --- usage ---
p exreport-noformat 64 --db exrep.db exercise report "$exrun"
err_has "--format html or --format csv is needed"
p exreport-badformat 64 --db exrep.db exercise report "$exrun" --format pdf
err_has "--format is html or csv"
p exreport-badrun 64 --db exrep.db exercise report x1 --format csv
err_has "RUN: 'x1' is not a run id"
p exlink-usage 64 --db exrep.db exercise link "$exrun" "$exitem1"
err_has "--measure SITE MEASURE or --register SITE THREAT is needed"

# --- links both ways: the facilitator may not change the hospital's site; a coordinator may ---
p exlink-fac 77 --db exrep.db exercise link "$exrun" "$exitem1" --measure VM-012 cctv --as facilitator
err_has "site: only the organisation owning VM-012 or a government coordinator"
p exlink-evaluator 77 --db exrep.db exercise link "$exrun" "$exitem1" --measure VM-012 cctv --as evaluator
p exlink-measure 0 --db exrep.db exercise link "$exrun" "$exitem1" --measure VM-012 cctv --as coordinator
out_line "run $exrun, item $exitem1: measure cctv at site VM-012"
p exlink-again 65 --db exrep.db exercise link "$exrun" "$exitem1" --measure VM-012 access_control
err_has "is linked to a measure already"
p exlink-unknown 66 --db exrep.db exercise link "$exrun" "$exitem1" --register VM-012 no_such_threat
p exlink-register 0 --db exrep.db exercise link "$exrun" "$exitem1" --register VM-012 armed_assault_lone --as coordinator
out_line "run $exrun, item $exitem1: noted on the register risk VM-012 / armed_assault_lone"
# the measure's side names the run and the item
p exlink-measures-at 0 --db exrep.db measures at VM-012
out_line "  from exercise run $exrun, item $exitem1"
p exlink-measures-csv 0 --db exrep.db measures at VM-012 --format csv
out_has "site_id,measure_id,status,plan,added_at,added_by,from_run,from_item"
if grep -q "^VM-012,cctv,.*,$exrun,$exitem1"$'\r'"\$" exlink-measures-csv.out; then ok; else bad "the CSV's cctv row does not name run $exrun, item $exitem1"; fi
if grep -v "^VM-012,cctv," exlink-measures-csv.out | grep -q "^VM-012,.*,,"$'\r'"\$"; then ok; else bad "the other measures have no origin"; fi
p exlink-measures-json 0 --db exrep.db measures at VM-012 --format json
pycheck "measures at: from_exercise" exlink-measures-json.out "
m = [x for x in j['items'] if x['measure_id'] == 'cctv'][0]
assert m['from_exercise'] == {'run': $exrun, 'item': $exitem1}, m
assert all('from_exercise' not in x for x in j['items'] if x['measure_id'] != 'cctv')
"
# the register's side: the note names the run and the item
p exlink-register-list 0 --db exrep.db register list --site VM-012 --format json
pycheck "register: the note names the run and the item" exlink-register-list.out "
e = [x for x in j['items'] if x['threat_id'] == 'armed_assault_lone'][0]
assert e['note'] == 'From exercise run $exrun, item $exitem1: Stock 500 triage tags, \\\"quoted\\\", and more (responsible Orrinford General Hospital, due 2027-03-31)', e['note']
"
# the facilitators' status of an item not made a measure
p exitem-evaluator 77 --db exrep.db exercise item "$exrun" "$exitem2" --status done --as evaluator
err_line "protect: role: only the run's facilitators keep its improvement plan"
p exitem-bad 65 --db exrep.db exercise item "$exrun" "$exitem2" --status finished --as facilitator
err_line "protect: status: 'finished' is no status (open, in progress, done or cancelled)"
p exitem-usage 64 --db exrep.db exercise item "$exrun" "$exitem2"
p exitem 0 --db exrep.db exercise item "$exrun" "$exitem2" --status "in progress" --as facilitator
out_line "run $exrun, item $exitem2: in progress"
# the item's side: the plan names the measure (in place) and the note; item 2 in progress
p exlink-plan 0 --db exrep.db exercise report "$exrun" --format csv
out_has ",2027-03-31,in place,VM-012,cctv,VM-012,armed_assault_lone"
out_has ",planning,Vellmark Ministry of Health,,,,in progress,,,,"
