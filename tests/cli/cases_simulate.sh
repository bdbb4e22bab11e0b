# cases_simulate.sh - issue 14: `protect simulate` (the reference scenario's
# table, same seed same bytes whatever the threads, a sweep over ambulances,
# CSV and JSON, --trace, bad files and keys, limits) and `protect scenario
# from-site` on the demo registry (a hospital, a site a user may not read).
# Sourced by tests/cli/run (pycheck comes from cases_plan.sh).

SCN=$top/data/scenarios
OUTPUTS="deaths deaths_scene deaths_transport deaths_hospital killed_outright later_deaths critical critical_deaths critical_mortality first_treatment_min surgery_min transported walked ambulance_trips ambulances_used events"

# --- the reference scenario, as the README shows it ------------------------------------
p sim-table 0 simulate --scenario "$SCN/hospital-attack.json" --replications 200
out_line "scenario: Armed attack at Orrinford General Hospital (armed_assault_team, 80 victims)"
out_line "200 replications, seed 1; mean [95% confidence interval of the mean]"
for o in deaths deaths_scene first_treatment_min surgery_min; do
	if grep -qE "^$o +[0-9]+\.[0-9]{2} \[[0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}\]$" sim-table.out; then ok; else
		bad "no '$o MEAN [LO, HI]' line: $(grep "^$o " sim-table.out)"; fi
done
out_has "Orrinford General Hospital"
if [ ! -s sim-table.err ]; then ok; else bad "stderr should be empty when piped: $(head -c 300 sim-table.err)"; fi

# same seed, same bytes: twice, and on 1 and 2 threads
p sim-again 0 simulate --scenario "$SCN/hospital-attack.json" --replications 200
same_files sim-table.out sim-again.out
p sim-t1 0 simulate --scenario "$SCN/square-vehicle-ramming.json" --replications 150 --threads 1 --format json
p sim-t2 0 simulate --scenario "$SCN/square-vehicle-ramming.json" --replications 150 --threads 2 --format json
same_files sim-t1.out sim-t2.out
p sim-seed 0 simulate --scenario "$SCN/square-vehicle-ramming.json" --replications 150 --seed 2 --format json
if cmp -s sim-t1.out sim-seed.out; then bad "another seed gave the same numbers"; else ok; fi

# JSON: every output with its interval and percentiles, the hospitals' mean load series
pycheck "simulate JSON" sim-t1.out '
names = "'"$OUTPUTS"'".split()
assert list(j) == ["scenario", "threat", "victims", "seed", "replications", "sweep", "load_step_min", "rows"], list(j)
assert j["replications"] == 150 and j["seed"] == 1 and j["sweep"] is None and j["victims"] == 100
r = j["rows"][0]
assert list(r["outputs"]) == names, list(r["outputs"])
for k in names:
    s = r["outputs"][k]
    assert list(s) == ["mean", "lo", "hi", "p025", "p975", "n"], (k, list(s))
    if s["mean"] is not None and s["lo"] is not None:
        assert s["lo"] <= s["mean"] <= s["hi"] and s["p025"] <= s["p975"], (k, s)
d = r["outputs"]["deaths"]
parts = sum(r["outputs"][k]["mean"] for k in ("deaths_scene", "deaths_transport", "deaths_hospital"))
assert abs(d["mean"] - parts) < 1e-9, (d["mean"], parts)
# deaths among those alive at the start: deaths - killed outright
later = r["outputs"]["later_deaths"]["mean"]
assert abs(later - (d["mean"] - r["outputs"]["killed_outright"]["mean"])) < 1e-9, later
assert d["n"] == 150
h = r["hospitals"]
assert [x["name"] for x in h] == ["Orrinford General Hospital", "Brackwater District Hospital", "Kessling Community Hospital"]
assert all(len(x["load_mean"]) == 720 // 10 + 1 for x in h), len(h[0]["load_mean"])
assert all(max(x["load_mean"]) <= x["peak_mean"] + 1e-9 for x in h)'

# --- a sweep over the ambulances: the same random numbers, deaths do not rise --------------
p sim-sweep 0 simulate --scenario "$SCN/square-vehicle-ramming.json" --replications 400 \
	--sweep response.ambulances=2,10,40 --format csv
header="key,value"
for o in $OUTPUTS; do header="$header,${o}_mean,${o}_lo,${o}_hi"; done
for o in $OUTPUTS; do header="$header,${o}_diff,${o}_diff_lo,${o}_diff_hi"; done
if [ "$(head -1 sim-sweep.out)" = "$header" ]; then ok; else bad "CSV header: $(head -1 sim-sweep.out)"; fi
# the paired difference from the first row: empty in the first row, mean = the means' difference
nout=$(echo $OUTPUTS | wc -w)
python3 - sim-sweep.out "$nout" <<'PY' && ok || bad "the CSV's paired differences"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows[0]["deaths_diff"] == "" and rows[0]["deaths_diff_lo"] == "", rows[0]["deaths_diff"]
for r in rows[1:]:
    d, lo, hi = float(r["deaths_diff"]), float(r["deaths_diff_lo"]), float(r["deaths_diff_hi"])
    assert lo <= d <= hi, (lo, d, hi)
    assert abs(d - (float(r["deaths_mean"]) - float(rows[0]["deaths_mean"]))) < 1e-9
    assert hi - lo < float(r["deaths_hi"]) - float(r["deaths_lo"]), "paired: narrower than a row's interval"
PY
if [ "$(grep -c '^response.ambulances,' sim-sweep.out)" = 3 ]; then ok; else bad "3 rows expected"; fi
if awk -F, 'NR == 2 { a = $3 } NR == 4 { b = $3 } END { exit !(a > b) }' sim-sweep.out; then ok; else
	bad "deaths with 2 ambulances should be above those with 40: $(cut -d, -f1-5 sim-sweep.out)"; fi
p sim-sweep-table 0 simulate --scenario "$SCN/square-vehicle-ramming.json" --replications 50 \
	--sweep response.ambulances=2,40
out_line "swept: response.ambulances (every value meets the same random numbers); deaths_diff: the mean difference from 2, replication by replication, with its 95% interval"
if grep -qE '^2 +[0-9.]+ \[.* -$' sim-sweep-table.out && grep -qE '^40 +[0-9.]+ \[.* -?[0-9.]+ \[-?[0-9.]+, -?[0-9.]+\]$' sim-sweep-table.out; then ok; else
	bad "a line per value, the difference in the last column: $(cat sim-sweep-table.out)"; fi
if head -4 sim-sweep-table.out | grep -q 'deaths_transport .*surgery_min .*deaths_diff (paired)'; then ok; else
	bad "the sweep table shows transport deaths, surgery time and the difference: $(sed -n 4p sim-sweep-table.out)"; fi
# differences and victims in JSON; the same numbers on 1 and 2 threads
p sim-diff-t1 0 simulate --scenario "$SCN/hospital-attack.json" --replications 300 --threads 1 \
	--sweep attack.victims=80,60 --format json
p sim-diff-t2 0 simulate --scenario "$SCN/hospital-attack.json" --replications 300 --threads 2 \
	--sweep attack.victims=80,60 --format json
same_files sim-diff-t1.out sim-diff-t2.out
pycheck "sweep JSON differences and victims" sim-diff-t1.out '
assert j["victims"] == 80 and [r["victims"] for r in j["rows"]] == [80, 60], [r["victims"] for r in j["rows"]]
assert all("diff" not in o for o in j["rows"][0]["outputs"].values())
d = j["rows"][1]["outputs"]["deaths"]["diff"]
assert list(d) == ["mean", "lo", "hi", "n"] and d["n"] == 300 and d["lo"] <= d["mean"] <= d["hi"] < 0, d'
p sim-set-victims 0 simulate --scenario "$SCN/hospital-attack.json" --replications 5 --set attack.victims=7
out_line "scenario: Armed attack at Orrinford General Hospital (armed_assault_team, 7 victims)"
# untrusted text on a terminal is escaped (review L1)
p sim-esc-name 0 simulate --scenario "$SCN/hospital-attack.json" --replications 2 --set name=$'\e[2Jx\u202e'
out_line 'scenario: \x1b[2Jx\u202e (armed_assault_team, 80 victims)'
printf '{"\\u001b[31mk\\u202e": 1}\n' >sim-esc.json
p sim-esc-key 65 simulate --scenario sim-esc.json
err_line 'protect: sim-esc.json:1: \x1b[31mk\u202e: unknown key (docs/scenarios.md lists the keys)'
# one replication's events are bounded (review H1): every victim an expectant re-triaged each minute for a week
p sim-elimit 65 simulate --scenario "$SCN/hospital-attack.json" --replications 2 --set attack.victims=500 \
	--set response.retriage_min=1 --set horizon_min=10080 --set attack.mix.killed=0 --set attack.mix.niss16=0 \
	--set attack.mix.niss9=0 --set attack.mix.niss1=1 --set response.triage_crews=1000 --set response.walking_share=0 \
	--set response.misclass.START.T3.T3=0 --set response.misclass.START.T3.T2=0 --set response.misclass.START.T3.T1=0 \
	--set response.misclass.START.T3.DEAD=1 --set response.misclass.START.T2.T2=0 --set response.misclass.START.T2.T3=0 \
	--set response.misclass.START.T2.T1=0 --set response.misclass.START.T2.DEAD=1
err_line 'protect: events: more than 200000 events in one replication: 500 victims allow 200 each and 100000 more; raise response.retriage_min or lower horizon_min (docs/scenarios.md, "Limits")'
# a swept value meets the numbers it would meet alone
p sim-sweep-one 0 simulate --scenario "$SCN/square-vehicle-ramming.json" --replications 400 \
	--set response.ambulances=10 --format csv
if [ "$(sed -n 2p sim-sweep-one.out)" = "$(sed -n 3p sim-sweep.out | cut -d, -f3-$((2 + 3 * nout)))" ]; then ok; else
	bad "the sweep's row for 10 differs from --set response.ambulances=10"; fi

# --- --trace: one replication's events in time order ------------------------------------
p sim-trace 0 simulate --scenario "$SCN/hospital-attack.json" --trace
if head -1 sim-trace.out | grep -q '^  T (min)  EVENT'; then ok; else bad "trace header: $(head -1 sim-trace.out)"; fi
if awk 'NR > 1 { if ($1 + 0 < last) exit 1; last = $1 + 0 } END { exit NR < 10 }' sim-trace.out; then ok; else
	bad "trace events out of time order or too few"; fi
p sim-trace0 0 simulate --scenario "$SCN/hospital-attack.json" --trace 0
same_files sim-trace.out sim-trace0.out
p sim-trace5 0 simulate --scenario "$SCN/hospital-attack.json" --trace 5 --format csv
out_line "t_min,what,site,victim,category,ambulance,hospital,detail"
# a death says which clock ran out and the NISS; a decision says what it set
if grep -qE '^[0-9.]+,dies,0,[0-9]+,T[123],,[0-9]*,"(lethal injury|bleeding), NISS [0-9]+"$' sim-trace5.out; then ok; else
	bad "no dies line with its cause and NISS: $(grep ',dies,' sim-trace5.out | head -2)"; fi
if grep -qE '^ +120\.00  decision +\(hospitals\.0\.locked_down=false\)$' sim-trace.out; then ok; else
	bad "the decision line should say hospitals.0.locked_down=false: $(grep decision sim-trace.out)"; fi
p sim-trace-multi 0 simulate --scenario "$SCN/multi-site-bombing.json" --trace
if grep -qE ' site 3( |$)' sim-trace-multi.out; then ok; else bad "the multi-site trace names no site 3"; fi
p sim-trace-sweep 64 simulate --scenario "$SCN/hospital-attack.json" --trace --sweep response.ambulances=2,4
err_has "--trace follows one scenario"

# --- bad scenario files: FILE:LINE: key: message, exit 65 ----------------------------------
printf '{\n  "name": "bad",\n  "hospitals": [{"name": "H", "icu_bedz": 3}]\n}\n' >sim-bad1.json
p sim-bad1 65 simulate --scenario sim-bad1.json
err_line "protect: sim-bad1.json:3: hospitals.0.icu_bedz: unknown key (docs/scenarios.md lists the keys)"
printf '{\n  "hospitals": [{"name": "H"}],\n  "response": {\n    "ambulances": "many"\n  }\n}\n' >sim-bad2.json
p sim-bad2 65 simulate --scenario sim-bad2.json
err_line "protect: sim-bad2.json:4: response.ambulances: a whole number from 0 to 2000 expected"
printf '{\n  "name": "x",\n  "name": "y"\n}\n' >sim-bad3.json
p sim-bad3 65 simulate --scenario sim-bad3.json
err_has "protect: sim-bad3.json:3: invalid JSON: duplicate object key"
printf '{"hospitals": [{"name": "H"}],\n "attack": {"mix": {"killed": 0.9}}}\n' >sim-bad4.json
p sim-bad4 65 simulate --scenario sim-bad4.json
err_line "protect: sim-bad4.json:2: attack.mix: the shares of the severity classes must sum to 1"
p sim-missing 66 simulate --scenario no-such.json
# travel times: one per hospital and one per base, no fewer, no more (issue 14 review, finding 5)
printf '{"hospitals": [{"name": "A"}, {"name": "B"}, {"name": "C"}],\n "attack": {"sites": [{"hospital_travel_min": [5]}]},\n "response": {"ambulances": 0}}\n' >sim-bad5.json
p sim-bad5 65 simulate --scenario sim-bad5.json
err_line "protect: sim-bad5.json:2: attack.sites.0.hospital_travel_min: 1 value for 3 hospitals (one per hospital, in their order)"
p sim-bad6 65 simulate --scenario "$SCN/hospital-attack.json" --set attack.sites.0.hospital_travel_min.3=4
err_line "protect: attack.sites.0.hospital_travel_min: 4 values for 3 hospitals (one per hospital, in their order)"
p sim-bad7 65 simulate --scenario "$SCN/hospital-attack.json" --set response.bases.3.ambulances=2
err_line "protect: attack.sites.0.base_travel_min: 3 values for 4 bases (one per base, in their order)"
# the default ambulances with no base: the hint
printf '{"hospitals": [{"name": "A"}],\n "attack": {"sites": [{"hospital_travel_min": [5]}]}}\n' >sim-bad8.json
p sim-bad8 65 simulate --scenario sim-bad8.json
err_line "protect: sim-bad8.json: response.ambulances: 10 ambulances (the default is 10) need at least one base: add response.bases (with attack.sites.N.base_travel_min), or set response.ambulances to 0"

# --- keys and values of --set and --sweep -------------------------------------------------
p sim-set-unknown 64 simulate --scenario "$SCN/hospital-attack.json" --set response.ambulancez=3
err_has "--set response.ambulancez: unknown key"
p sim-sweep-unknown 64 simulate --scenario "$SCN/hospital-attack.json" --sweep hospitals.0.icu=1,2
err_has "--sweep hospitals.0.icu: unknown key"
p sim-set-bad 65 simulate --scenario "$SCN/hospital-attack.json" --set response.triage=FAST
err_line "protect: response.triage: START or SALT expected"
p sim-sweep-bad 65 simulate --scenario "$SCN/hospital-attack.json" --sweep response.ambulances=2,x
err_line "protect: response.ambulances: a whole number from 0 to 2000 expected"
p sim-set-noeq 64 simulate --scenario "$SCN/hospital-attack.json" --set response.ambulances
p sim-set-ok 0 simulate --scenario "$SCN/hospital-attack.json" --replications 20 --set response.triage=SALT \
	--set hospitals.0.locked_down=false --format csv

# --- limits ------------------------------------------------------------------------------
p sim-no-scenario 64 simulate --replications 10
p sim-reps0 64 simulate --scenario "$SCN/hospital-attack.json" --replications 0
p sim-reps-max 64 simulate --scenario "$SCN/hospital-attack.json" --replications 1000001
p sim-threads 64 simulate --scenario "$SCN/hospital-attack.json" --threads 257
p sim-seed-big 64 simulate --scenario "$SCN/hospital-attack.json" --seed 9007199254740992
many=$(seq -s, 1 65)
p sim-sweep-many 64 simulate --scenario "$SCN/hospital-attack.json" --sweep response.ambulances=$many
p sim-sweep-work 65 simulate --scenario "$SCN/hospital-attack.json" --replications 500000 \
	--sweep response.ambulances=1,2,3
err_line "protect: replications: replications x sweep values is more than 1000000"
head -c 4194305 /dev/zero | tr '\0' ' ' >sim-big.json
p sim-big 65 simulate --scenario sim-big.json
err_line "protect: sim-big.json: file too large (4194305 bytes; at most 4194304)"

# --- scenario from-site on the demo registry --------------------------------------------
p sim-fs-demo 0 --db sim.db demo
p sim-fs 0 --db sim.db scenario from-site VM-012 --threat armed_assault_team --out sim-fs.json
# issue 16: the laboratory VM-015 has no emergency department: three receiving hospitals
err_line "protect: sim-fs.json: 3 receiving hospitals within 30 km, travel times at 1.4 x the straight line and 50 km/h; edit the file to change them"
err_line "protect: the attacked site is receiving hospital 0, locked down (set hospitals.0.locked_down to false to keep its emergency department open)"
pycheck "from-site scenario" sim-fs.json '
assert j["threat"] == "armed_assault_team" and j["attack"]["victims"] == 150, j["attack"]["victims"]
h = j["hospitals"]
assert [x["name"] for x in h][:1] == ["Orrinford General Hospital"] and h[0]["locked_down"] is True
assert len(h) == 3 and "Brackwater District Hospital" in [x["name"] for x in h]
assert "Vellmark Public Health Reference Laboratory" not in [x["name"] for x in h], h
s = j["attack"]["sites"][0]
assert s["hospital_index"] == 0 and s["hospital_travel_min"][0] == 1, s
# 16.8 km to Brackwater x 1.4 / 50 km/h = 28.2 min
assert s["hospital_travel_min"][[x["name"] for x in h].index("Brackwater District Hospital")] == 28.2, s
assert len(j["response"]["bases"]) == 3 and j["response"]["ambulances"] == sum(b["ambulances"] for b in j["response"]["bases"])'
p sim-fs-run 0 simulate --scenario sim-fs.json --replications 50
out_line "scenario: armed_assault_team at Orrinford General Hospital (armed_assault_team, 150 victims)"
p sim-fs-stdout 0 --db sim.db scenario from-site VM-052 --threat vehicle_ramming --victims 40
pycheck "from-site to stdout" sim-fs-stdout.out '
assert j["attack"]["victims"] == 40 and j["attack"]["sites"][0]["hospital_index"] == -1
assert not any(x["locked_down"] for x in j["hospitals"])'
# the settings: a smaller radius keeps fewer hospitals
p sim-fs-radius 0 --db sim.db config set mci.hospital_radius_km 5
p sim-fs-near 0 --db sim.db scenario from-site VM-052 --threat vehicle_ramming
err_has "1 receiving hospital within 5 km"
p sim-fs-radius-none 0 --db sim.db config set mci.hospital_radius_km 0.1
p sim-fs-none 65 --db sim.db scenario from-site VM-052 --threat vehicle_ramming
err_line "protect: hospitals: no health-sector site with an emergency department you may read within 0.1 km of VM-052 (raise mci.hospital_radius_km)"
p sim-fs-radius-back 0 --db sim.db config set mci.hospital_radius_km 30
# a site the user may not read is not found; hospitals it may not read are left out
p sim-fs-hidden 66 --db sim.db scenario from-site VM-015 --threat pbied --as harbour
err_line 'protect: site: no site "VM-015"'
p sim-fs-nosuch 66 --db sim.db scenario from-site VM-999 --threat pbied
err_line 'protect: site: no site "VM-999"'
p sim-fs-as 0 --db sim.db scenario from-site VM-032 --threat pbied --as harbour
err_line "protect: 3 receiving hospitals within 30 km, travel times at 1.4 x the straight line and 50 km/h; edit the file to change them"
err_line "protect: health-sector sites you may not read are left out"
out_lacks "Vellmark Public Health Reference Laboratory"
# --exclude / --hospitals (user review 4): a hospital left out has no hospital and no station
# (issue 16: the laboratory, without an emergency department, is not offered at all)
p sim-fs-ex 0 --db sim.db scenario from-site VM-032 --threat pbied --exclude VM-014 --out sim-fs-ex.json
err_line "protect: 1 health-sector site left out (--exclude): no hospital, no ambulance station"
pycheck "from-site --exclude" sim-fs-ex.json '
names = [x["name"] for x in j["hospitals"]]
assert "Kessling Community Hospital" not in names and len(names) == 2, names
assert not any("Kessling" in b["name"] or "Laboratory" in b["name"] for b in j["response"]["bases"])
assert len(j["response"]["bases"]) == 2'
# issue 16: a site without an emergency department cannot be named a receiving hospital
p sim-fs-hosp-noed 65 --db sim.db scenario from-site VM-032 --threat pbied --hospitals VM-012,VM-015
err_line "protect: hospitals: VM-015 has no emergency department: it receives no casualties"
p sim-fs-hosp 0 --db sim.db scenario from-site VM-032 --threat pbied --hospitals VM-013,VM-012 --out sim-fs-hosp.json
pycheck "from-site --hospitals" sim-fs-hosp.json '
assert sorted(x["name"] for x in j["hospitals"]) == ["Brackwater District Hospital", "Orrinford General Hospital"], j["hospitals"]'
p sim-fs-ex-sector 65 --db sim.db scenario from-site VM-032 --threat pbied --exclude VM-001
err_line "protect: exclude: VM-001 is not a health-sector site"
p sim-fs-ex-twice 65 --db sim.db scenario from-site VM-032 --threat pbied --hospitals VM-013,VM-013
err_line "protect: hospitals: VM-013 is named twice"
p sim-fs-ex-hidden 66 --db sim.db scenario from-site VM-032 --threat pbied --exclude VM-015 --as harbour
err_line 'protect: exclude: no site "VM-015"'
p sim-fs-ex-all 65 --db sim.db scenario from-site VM-032 --threat pbied --hospitals VM-013 --exclude VM-013
err_line "protect: hospitals: no receiving hospital is left: each one is excluded"
p sim-fs-threat 65 --db sim.db scenario from-site VM-032 --threat cyber_physical
err_has 'protect: threat: the model has no casualty mix for "cyber_physical"'
p sim-fs-threat2 65 --db sim.db scenario from-site VM-032 --threat nope
err_line 'protect: threat: no threat "nope" in the catalogue'
p sim-fs-victims 64 --db sim.db scenario from-site VM-032 --threat pbied --victims 0
p sim-fs-nothreat 64 --db sim.db scenario from-site VM-032
p sim-help 0 help simulate
out_has "simulate --scenario FILE"
