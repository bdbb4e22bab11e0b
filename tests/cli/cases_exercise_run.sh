# cases_exercise_run.sh - issue 15: `protect exercise run FILE --auto` (the headless
# run): a small exercise without a simulation against golden files (the baseline, and
# scripted decisions that make a contingency fire), the reference hospital-attack
# exercise (same bytes twice and on 1 and 2 threads, another seed other figures, a
# slower response costs lives), refused roles and usage errors.
# Sourced by tests/cli/run (pycheck comes from cases_plan.sh).

EX=$top/data/scenarios/hospital-attack-exercise.json

# --- a small exercise, no simulation: the timeline as the golden files show it ------------
cp "$DATA/exercise-small.json" "$DATA/exercise-small-late.json" .
p exrun-small 0 exercise run exercise-small.json --auto
golden exercise-run-small.txt
if [ ! -s exrun-small.err ]; then ok; else bad "stderr should be empty when piped: $(head -c 300 exrun-small.err)"; fi
# the baseline cancels the contingency #2 (#1's action done at 00:10, before 00:20)
out_line "00:10  cancel   #2 not needed: the expected action of #1 was done"
out_line "#3      00:30  00:45    00:50    Confirm the closure and the diversions."
# decisions made late: the contingency fires, #1 is late
p exrun-small-late 0 exercise run exercise-small.json --auto --decisions exercise-small-late.json --format json
golden exercise-run-small-late.json
pycheck "small late JSON" exrun-small-late.out '
assert list(j) == ["run", "scenario", "title", "seed", "simulation", "sim_replications", "duration", "ended", "timeline", "injects", "outcome"], list(j)
assert j["run"] == "run-910a2dec89025cc1" and j["scenario"] == "small-exercise" and j["outcome"] is None
kinds = [(e["time"], e["kind"], e.get("seq")) for e in j["timeline"]]
assert kinds == [("00:05", "inject", 1), ("00:20", "inject", 2), ("00:25", "decision", None), ("00:25", "done", 1),
                 ("00:30", "inject", 3), ("00:40", "decision", None), ("00:40", "done", 3), ("01:00", "inject", 4),
                 ("01:30", "endex", None)], kinds
assert j["timeline"][1]["contingency_of"] == 1
d = j["timeline"][2]
assert (d["decision"], d["label"], d["value"], d["role"]) == ("evacuate", "Concourse evacuated", "", "station_manager"), d
st = {i["seq"]: i for i in j["injects"]}
assert st[1]["status"] == "delivered" and st[1]["done"] is True and st[1]["done_at"] == "00:25" and st[1]["by_deadline"] is False, st[1]
assert st[2]["status"] == "delivered" and st[2]["expected_action"] is False and st[2]["done"] is None, st[2]
assert st[3]["by_deadline"] is True and st[4]["done"] is None, st'

# --- the reference exercise ---------------------------------------------------------------
p exrun-ref 0 exercise run "$EX" --auto
out_line "exercise: Armed attack at Orrinford General Hospital (VM-012): table-top and simulation exercise (hospital-attack-exercise), 06:00"
out_line "run run-910a2dec89025cc1, seed 1, headless: scenario time only"
out_line "EXPECTED ACTIONS LATE OR NOT DONE"
out_line "OUTCOME OF THE DECISIONS MADE (11) VS THE BASELINE (11)"
out_line "1000 replications each, seed 1, the same random numbers; mean [95% confidence interval of the mean]; the difference paired by replication"
out_line "00:45  sim_due  simulation with 0 decisions (200 replications)"
# review 3: the players get the situation at the minute, in whole numbers; the controllers the projection
out_line "                situation to ems_commander, hospital_ic, crisis_centre (minute 0 of the attack):"
# review 15B item 5: nobody can count inside before police or the rescue task force are in
out_line "                  dead so far and casualties still inside the hot or warm zone: not known yet: nobody is inside"
out_line "                  their own way to hospital: not known yet; arrived at hospital: none yet; ambulances: 0 at the"
out_line "                  about 17 dead so far; about 45 casualties still inside the hot or warm zone; at the casualty"
out_has "projected outcome (controllers only): deaths "
out_has "situation unchanged: nothing sent to the players"
# review 4: the inject text follows play; the attacker is down on the main line
out_line "01:05  inject   #15 [attack] event by radio, Armed response unit Tango-3 -> police_commander, ems_commander, hospital_ic, security_manager"
# review 15B item 4: the figures are the rerun of the inject's own minute, and the text says when
out_line "                Control: 30 ambulances committed. Control's count at 01:30: 21 at the scene, 3 on their way to it a~"
out_line "                Kessling Community Hospital: 5 casualties of the attack had arrived by 02:30, by ambulance or on th~"
out_line "00:48  cancel   #9 not needed: the expected action of #8 was done"
if grep -qE "^deaths +[0-9]+\.[0-9]{2} \[[0-9.]+, [0-9.]+\] +[0-9]+\.[0-9]{2} \[[0-9.]+, [0-9.]+\] +\+0\.00 \[\+0\.00, \+0\.00\]$" exrun-ref.out; then ok; else
	bad "the baseline against itself: $(grep '^deaths ' exrun-ref.out)"; fi
if [ ! -s exrun-ref.err ]; then ok; else bad "stderr should be empty when piped: $(head -c 300 exrun-ref.err)"; fi
# the same inputs print the same bytes: twice, and on 1 and 2 threads
p exrun-ref-again 0 exercise run "$EX" --auto
same_files exrun-ref.out exrun-ref-again.out
p exrun-t1 0 exercise run "$EX" --auto --threads 1 --format json
p exrun-t2 0 exercise run "$EX" --auto --threads 2 --format json
same_files exrun-t1.out exrun-t2.out
pycheck "reference JSON" exrun-t1.out '
figs = ["replications", "deaths", "deaths_scene", "deaths_transport", "deaths_hospital", "critical_mortality", "first_treatment_min", "surgery_min", "hospitals"]
sims = [e for e in j["timeline"] if e["kind"] == "sim_due"]
# every 15 minutes from 00:45 to 06:00 (22) and after each of the 7 decisions that reach the simulation
# (review 15B item 1: the ED lockdown is logged only)
assert len(sims) == 22 + 7, len(sims)
assert len({(e["time"], e["decisions"]) for e in sims}) == len(sims), "a rerun twice"
prev = None
for e in sims:
    assert list(e["figures"]) == figs, list(e["figures"])
    # review 3: the situation at the rerun minute, sent only when a commander would see a change
    s = e["situation"]
    assert list(s) == ["minute", "dead", "hot_zone", "ccp", "transport", "walking", "hospitals", "ambulances"], list(s)
    assert s["minute"] == int(e["time"][:2]) * 60 + int(e["time"][3:]) - 45, (e["time"], s["minute"])
    # review 15B item 5: the dead and the hot zone are not known (null) until the RTF is in (baseline 00:58)
    # review 15C item B: so are the walking wounded making their own way
    assert (s["dead"] is None) == (s["hot_zone"] is None) == (s["walking"] is None) == (e["time"] < "01:00"), (e["time"], s)
    if s["dead"] is not None:
        placed = s["dead"] + s["hot_zone"] + sum(s["ccp"].values()) + s["transport"] + s["walking"] + sum(h["arrived"] for h in s["hospitals"])
        assert 75 <= placed <= 85, (e["time"], placed)  # 80 victims, each mean rounded
    strip = lambda x: {k: v for k, v in x.items() if k != "minute"}
    assert e["sent"] == (prev is None or strip(prev) != strip(s)), (e["time"], e["sent"])
    prev = s
    assert e["figures"]["replications"] == 200 and e["to"] == ["ems_commander", "hospital_ic", "crisis_centre"]
    s = e["figures"]["deaths"]
    assert s["lo"] <= s["mean"] <= s["hi"], s
    assert [h["name"] for h in e["figures"]["hospitals"]] == ["Orrinford General Hospital", "Brackwater District Hospital", "Kessling Community Hospital"]
assert sims[0]["situation"]["ambulances"]["committed"] == 4, sims[0]["situation"]  # undecided: the first wave only
assert 5 <= len([e for e in sims if not e["sent"]]) < len(sims) - 5, [e["sent"] for e in sims]
late = [e for e in sims if e["time"] == "06:00"][0]["situation"]
assert late["hot_zone"] == 0 and late["ambulances"]["committed"] == 30, late
assert j["timeline"][-1] == {"time": "06:00", "kind": "endex"}, j["timeline"][-1]
assert len(j["injects"]) == len([e for e in j["timeline"] if e["kind"] in ("inject", "cancel")])
o = j["outcome"]
assert o["replications"] == 1000 and o["decisions"] == 11 and o["baseline_decisions"] == 11
for k, v in o["outputs"].items():
    assert v["decisions"] == v["baseline"] and v["difference"]["mean"] == 0, (k, v)'
# another seed: another run id, other figures
p exrun-seed 0 exercise run "$EX" --auto --seed 2 --format json
pycheck "another seed" exrun-seed.out '
a = json.load(open("exrun-t1.out"))
assert j["run"] != a["run"] and j["seed"] == 2
assert j["outcome"]["outputs"]["deaths"]["decisions"]["mean"] != a["outcome"]["outputs"]["deaths"]["decisions"]["mean"]'

# --- review 3: deciding nothing costs lives (undecided: no RTF, 4 ambulances until decided) ---
echo '[]' >exercise-decisions-none.json
p exrun-nothing 0 exercise run "$EX" --auto --decisions exercise-decisions-none.json --format json
pycheck "no decisions" exrun-nothing.out '
o = j["outcome"]["outputs"]
d = o["deaths"]
assert d["difference"]["lo"] > 2.5, d  # measured +3.23 [+3.10, +3.36] with seed 1
assert o["first_treatment_min"]["difference"]["lo"] > 20, o["first_treatment_min"]
t = {e["seq"]: e for e in j["timeline"] if e["kind"] == "inject"}
assert t[19]["description"].startswith("Control: only the 4 of the first wave ambulances committed. Control'"'"'s count at 01:30: 3 at the scene"), t[19]["description"]
assert t[25]["description"].startswith("Kessling Community Hospital: 0 casualties of the attack had arrived by 02:30"), t[25]["description"]
# review 15B item 4: the inject and the situation of its minute give the same counts
s = [e for e in j["timeline"] if e["kind"] == "sim_due" and e["time"] == t[19]["time"]][-1]["situation"]["ambulances"]
assert "%d at the scene, %d on their way to it and %d carrying" % (s["at_scene"], s["en_route"], s["transporting"]) in t[19]["description"], (s, t[19]["description"])'
p exrun-nothing-table 0 exercise run "$EX" --auto --decisions exercise-decisions-none.json
out_line "deaths                   28.73 [28.45, 29.01]       25.50 [25.25, 25.75]       +3.23 [+3.10, +3.36]"

# --- a slower response: ten ambulances, no rescue task force, the scene declared safe at 02:30
cp "$DATA/exercise-decisions-slow.json" "$DATA/exercise-decisions-badrole.json" .
p exrun-slow 0 exercise run "$EX" --auto --decisions exercise-decisions-slow.json --format json
pycheck "slower response" exrun-slow.out '
o = j["outcome"]["outputs"]
d = o["deaths"]
assert d["difference"]["mean"] > 1 and d["difference"]["lo"] > 0, d
assert abs(d["difference"]["mean"] - (d["decisions"]["mean"] - d["baseline"]["mean"])) < 1e-9, d
assert d["decisions"]["lo"] > d["baseline"]["hi"], d
assert o["deaths_scene"]["difference"]["lo"] > 1 and o["first_treatment_min"]["difference"]["lo"] > 10, o
st = {i["seq"]: i for i in j["injects"]}
# no lockdown decision: the contingency #9 of #8 fires (the baseline cancels it)
assert st[9]["status"] == "delivered" and st[8]["done"] is False, (st[8], st[9])
base = {i["seq"]: i for i in json.load(open("exrun-t1.out"))["injects"]}
assert base[9]["status"] == "cancelled", base[9]'
p exrun-slow-table 0 exercise run "$EX" --auto --decisions exercise-decisions-slow.json
out_line "OUTCOME OF THE DECISIONS MADE (3) VS THE BASELINE (11)"
out_line "#8      00:46  00:50    not done Lock down the emergency department and the main entrance and announce the lockdown code over the pu~"
out_has "no decision satisfies the expected actions of #1, #2, #3,"

# --- review finding 1: "no" is a decision, not the expected action (decision_value "true") ---
cat > exercise-decisions-no.json <<'EOF2'
[{"time": "00:47", "decision": "ed_lockdown", "value": "false", "role": "hospital_ic"},
 {"time": "00:53", "decision": "rtf_entry", "value": "FALSE", "role": "police_commander"}]
EOF2
p exrun-no 0 exercise run "$EX" --auto --decisions exercise-decisions-no.json --format json
pycheck "no lockdown, no RTF" exrun-no.out '
st = {i["seq"]: i for i in j["injects"]}
assert (st[8]["satisfied_by"], st[8]["satisfied_value"]) == ("ed_lockdown", "true"), st[8]
assert (st[10]["satisfied_by"], st[10]["satisfied_value"]) == ("rtf_entry", "true"), st[10]
assert st[7]["satisfied_value"] is None, st[7]
assert st[8]["done"] is False and st[9]["status"] == "delivered", (st[8], st[9])
assert st[10]["done"] is False and st[16]["status"] == "delivered", (st[10], st[16])
kinds = [e["kind"] for e in j["timeline"] if e["kind"] in ("done", "cancel")]
assert kinds == [], kinds'
cat > exercise-decisions-yes.json <<'EOF2'
[{"time": "00:47", "decision": "ed_lockdown", "value": "TRUE", "role": "hospital_ic"},
 {"time": "00:53", "decision": "rtf_entry", "value": "true", "role": "police_commander"}]
EOF2
p exrun-yes 0 exercise run "$EX" --auto --decisions exercise-decisions-yes.json
out_line "00:47  done     #8 expected action done (decision ed_lockdown)"
out_line "00:47  cancel   #9 not needed: the expected action of #8 was done"
out_line "00:53  cancel   #16 not needed: the expected action of #10 was done"

# --- refused --------------------------------------------------------------------------------
p exrun-badrole 65 exercise run "$EX" --auto --decisions exercise-decisions-badrole.json
err_line 'protect: exercise-decisions-badrole.json:3: 1.role: role "pio" may not make scene_safe (police_commander may)'
if [ ! -s exrun-badrole.out ]; then ok; else bad "nothing on stdout when refused"; fi
cp "$DATA/exercise-decisions-at-end.json" .
p exrun-at-end 65 exercise run "$EX" --auto --decisions exercise-decisions-at-end.json
err_line "protect: exercise-decisions-at-end.json: decisions.0.time: 06:00 (ambulances_dispatched) is not before the scenario's end 06:00: the run ends there (ENDEX is final)"
p exrun-live 64 exercise run "$EX"
err_line "protect exercise: run: a live run is started from the server (protect serve); --auto plays the exercise headless here"
p exrun-csv 64 exercise run "$EX" --auto --format csv
err_line "protect exercise: --format: 'csv' is not table or json"
p exrun-seed-bad 64 exercise run "$EX" --auto --seed -1
p exrun-threads-bad 64 exercise run "$EX" --auto --threads 0
p exrun-two 64 exercise run "$EX" "$EX" --auto
p exrun-none 64 exercise run --auto
p exrun-missing 66 exercise run no-such-exercise.json --auto
p exrun-missing-decisions 66 exercise run "$EX" --auto --decisions no-such-decisions.json
# the simulation file is looked for beside the exercise file
mkdir -p exrun-lonely && cp "$EX" exrun-lonely/exercise.json
p exrun-no-sim 66 exercise run exrun-lonely/exercise.json --auto
err_has "exrun-lonely/hospital-attack.json"
