# cases_surge.sh - issue 11 item 6: plans priced at the planning threat level
# (plan.planning_level) whatever today's level, temporary surge measures at
# today's level, saved plans' "priced at X, planning level now Y", and the
# surge catalogue's import. Sourced by tests/cli/run (pycheck from cases_plan.sh).

p sg-demo 0 --db sg.db demo
p sg-config 0 --db sg.db config show
if grep -qE '^plan\.planning_level +3 \(SUBSTANTIAL\) ' sg-config.out; then ok; else
	bad "config show lacks the planning level: $(grep planning_level sg-config.out)"; fi
if grep -qE '^plan\.surge_weeks +4 ' sg-config.out; then ok; else bad "config show lacks plan.surge_weeks"; fi

# today SUBSTANTIAL: the plan at EUR 5 M, no surge
p sg-plan-sub 0 --db sg.db plan --budget 5000000 --format json
pycheck "plan at SUBSTANTIAL" sg-plan-sub.out '
assert j["threat_level"] == "SUBSTANTIAL" and j["planning_level"] == "SUBSTANTIAL", j["threat_level"]
assert j["priced_at"] == "priced at planning level SUBSTANTIAL (today: SUBSTANTIAL)", j["priced_at"]
assert j["surge"] == [], j["surge"]
assert j["surge_summary"]["lines"] == 0 and j["surge_summary"]["in_budget"] is False'
cp sg-plan-sub.out sg-sub.json

# today CRITICAL: the same measures and cost (priced at SUBSTANTIAL), and surge lines apart
p sg-critical 0 --db sg.db threat-level set CRITICAL --rationale "attack expected imminently"
p sg-plan-crit 0 --db sg.db plan --budget 5000000 --format json
cp sg-plan-crit.out sg-crit.json
pycheck "plan at CRITICAL keeps its measures" sg-crit.json '
sub = json.load(open("sg-sub.json"))
pick = lambda p: sorted((s["site_id"], m["measure_id"]) for s in p["sites"] for m in s["measures"])
assert pick(j) == pick(sub), "the measures changed with today'"'"'s level"
assert abs(j["totals"]["cost_eur"] - sub["totals"]["cost_eur"]) < 1e-6
assert abs(j["totals"]["risk_before_eur_year"] - sub["totals"]["risk_before_eur_year"]) < 1e-6
assert j["priced_at"] == "priced at planning level SUBSTANTIAL (today: CRITICAL)", j["priced_at"]
s = j["surge"]
assert len(s) >= 1, "no surge line at CRITICAL"
assert j["surge_summary"]["lines"] == len(s)
assert abs(j["surge_summary"]["weekly_cost_eur"] - sum(x["weekly_cost_eur"] for x in s)) < 1e-6
planned = {(x["site_id"], m["measure_id"]) for x in j["sites"] for m in x["measures"]}
for x in s:
    assert x["weeks"] == 4 and abs(x["total_eur"] - 4 * x["weekly_cost_eur"]) < 1e-6, x
    assert x["threat_level"] == "CRITICAL" and x["until"] == "SUBSTANTIAL", x
    assert x["threats"] and x["bcr"] >= 1, x
    assert "until the level returns to SUBSTANTIAL" in x["reason"], x["reason"]
    assert "outside the budgeted plan" in x["reason"], x["reason"]
    assert (x["site_id"], x["measure_id"]) not in planned
assert j["totals"]["cost_eur"] <= j["budget_eur"]'
p sg-plan-crit-text 0 --db sg.db plan --budget 5000000
out_has "Priced at planning level SUBSTANTIAL (today: CRITICAL); horizon 10 years"
out_has "Surge (temporary, not part of the plan or its budget): "
out_has "until the level returns to SUBSTANTIAL"
p sg-plan-crit-html 0 --db sg.db plan --budget 5000000 --format html
out_has "<h2>Surge: temporary measures while today's level is above the planning level</h2>"
out_has "Priced at planning level SUBSTANTIAL (today: CRITICAL)"

# a saved plan keeps the level it was priced at
p sg-save 0 --db sg.db plan --budget 2000000 --save long-run
p sg-show 0 --db sg.db plan show long-run
out_has "priced at planning level SUBSTANTIAL"
# the planning level changes: the plan changes, the saved plan says so
p sg-set-level 0 --db sg.db config set plan.planning_level SEVERE
out_line "plan.planning_level = SEVERE"
p sg-audit 0 --db sg.db audit list
out_has "setting.set"
p sg-show-now 0 --db sg.db plan show long-run
out_has "priced at SUBSTANTIAL, planning level now SEVERE"
p sg-plan-severe 0 --db sg.db plan --budget 5000000 --format json
pycheck "the planning level changes the plan" sg-plan-severe.out '
sub = json.load(open("sg-crit.json"))
assert j["planning_level"] == "SEVERE" and j["priced_at"] == "priced at planning level SEVERE (today: CRITICAL)"
assert j["totals"]["risk_before_eur_year"] > 2 * sub["totals"]["risk_before_eur_year"]
pick = lambda p: sorted((s["site_id"], m["measure_id"]) for s in p["sites"] for m in s["measures"])
assert pick(j) != pick(sub)'
p sg-set-bad 65 --db sg.db config set plan.planning_level URGENT
err_line "protect: plan.planning_level: a level is LOW, MODERATE, SUBSTANTIAL, SEVERE or CRITICAL (or 1-5)"
p sg-set-bad2 65 --db sg.db config set plan.planning_level 6
p sg-set-back 0 --db sg.db config set plan.planning_level 3

# the surge catalogue's import: all or nothing, FILE:LINE: field
printf 'id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,removes_step_free,kinds,sectors,description\nsurge_x,Extra X,prevent,1000,0,0,0,0,0,*,*,One more\n' >sg-ok.csv
printf 'measure_id,threat_id,v_reduction,c_reduction\nsurge_x,pbied,0.1,0\n' >sg-ok-eff.csv
p sg-import 0 --db sg.db import surge sg-ok.csv sg-ok-eff.csv
out_line "sg-ok.csv: 1 surge measures imported, sg-ok-eff.csv: 1 effect rows"
p sg-import-audit 0 --db sg.db audit list
out_has "surge.import"
printf 'id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,removes_step_free,kinds,sectors\nsurge_y,Y,prevent,-5,0,0,0,0,0,*,*\n' >sg-neg.csv
p sg-import-neg 65 --db sg.db import surge sg-neg.csv sg-ok-eff.csv
err_line "protect: sg-neg.csv:2: weekly_eur: must be an amount from 0 to 1000000000 EUR a week"
err_line "protect: sg-neg.csv: nothing imported"
printf 'id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,removes_step_free,kinds,sectors\nsurge_y,Y,prevent,5,4,0,0,0,0,*,*\n' >sg-priv.csv
p sg-import-priv 65 --db sg.db import surge sg-priv.csv sg-ok-eff.csv
err_has "sg-priv.csv:2: privacy:"
printf 'id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,removes_step_free,kinds,sectors\nsurge_y,Y,prevent,5,0,0,0,0,0,*,*\n' >sg-y.csv
printf 'measure_id,threat_id,v_reduction,c_reduction\nsurge_y,pbied,0.1,0\nsurge_y,martians,0.1,0\n' >sg-bad-eff.csv
p sg-import-bad-threat 65 --db sg.db import surge sg-y.csv sg-bad-eff.csv
err_has "sg-bad-eff.csv:3: threat_id: unknown threat \"martians\""
err_line "protect: sg-bad-eff.csv: nothing imported"
printf 'measure_id,threat_id,v_reduction,c_reduction\nsurge_zz,pbied,0.1,0\n' >sg-unknown-eff.csv
p sg-import-unknown 65 --db sg.db import surge sg-y.csv sg-unknown-eff.csv
err_has "sg-unknown-eff.csv:2: measure_id: unknown surge measure \"surge_zz\"; it is not a surge measure of the file"
# issue 11 review L5: a surge id is never a measure of the catalogue's.
printf 'id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,removes_step_free,kinds,sectors\ncctv,CCTV again,prevent,5,0,0,0,0,0,*,*\n' >sg-dup.csv
printf 'measure_id,threat_id,v_reduction,c_reduction\ncctv,pbied,0.1,0\n' >sg-dup-eff.csv
p sg-import-dup-id 65 --db sg.db import surge sg-dup.csv sg-dup-eff.csv
err_has "id: surge measure cctv: the id is a measure of the measure catalogue"
p sg-import-missing 64 --db sg.db import surge sg-y.csv
p sg-plan-after 0 --db sg.db plan --budget 5000000 --format json
pycheck "nothing of the failed imports was stored" sg-plan-after.out '
assert "surge_y" not in {x["measure_id"] for x in j["surge"]}'

# issue 11 M5: the surge lines not chosen with their reasons, the safeguards a chosen
# one needs, weekly costs by the site's cost driver (today CRITICAL, planning SUBSTANTIAL)
p sg-m5-json 0 --db sg.db plan --budget 5000000 --format json
pycheck "surge lines not chosen, with reasons" sg-m5-json.out '
sum_ = j["surge_summary"]; rej = j["surge_rejected"]
assert j["threat_level"] == "SUBSTANTIAL" and "today: CRITICAL" in j["priced_at"], j["priced_at"]
counts = sum_["rejected_counts"]
assert len(rej) == sum_["rejected_listed"] == sum(counts.values()) > 0, (len(rej), counts)
assert counts["legal_basis"] > 0 and counts["bcr"] > 0, counts
for v in counts:
    assert counts[v] == sum(1 for r in rej if r["verdict"] == v), v
for r in rej:
    assert r["site_id"] and r["measure_id"] and r["reason"] and r["threat_level"] == "CRITICAL", r
cp = [r for r in rej if r["site_id"] == "VM-051" and r["measure_id"] == "surge_vehicle_checkpoints"]
assert cp and cp[0]["verdict"] == "legal_basis", cp
assert cp[0]["reason"] == "Needs a legal basis (statute) the site does not have (its basis: entry); plan.allow_legal_basis is 0.", cp
bags = [r for r in rej if r["site_id"] == "VM-045" and r["measure_id"] == "surge_event_bag_checks"]
assert bags and bags[0]["verdict"] == "bcr" and "at EUR 24,000 a week" in bags[0]["reason"], bags
lines = {(x["site_id"], x["measure_id"]): x for x in j["surge"]}
pat = lines[("VM-045", "surge_extra_patrols")]
assert [g["id"] for g in pat["safeguards"]] == ["non_discrimination_policy"], pat["safeguards"]
assert "non-discrimination policy" in pat["safeguards"][0]["text"]
bar = lines[("VM-052", "surge_temporary_barriers")]
assert bar["cost_driver"] == "vehicle_approaches" and bar["cost_estimated"] is False, bar
assert abs(bar["weekly_cost_eur"] - 6 * 1750) < 1e-6, bar["weekly_cost_eur"]
assert all(x["legal_basis_missing"] is False for x in j["surge"])'
p sg-m5-text 0 --db sg.db plan --budget 5000000
out_has "Safeguards for surge_extra_patrols (2 sites):"
out_has "  - A written non-discrimination policy: everyone or a random selection is searched"
out_has "Surge lines not chosen: "
out_has "  VM-001   surge_vehicle_checkpoints    legal_basis: Needs a legal basis (statute) the site does not have (its basis: entry); plan.allow_legal_basis is 0."
out_has "more (--format json lists up to 500 with their reasons)"
p sg-m5-html 0 --db sg.db plan --budget 5000000 --format html
out_has "<h3>Surge lines not chosen: "
out_has "<li>Safeguard: A written non-discrimination policy"
# plan.allow_legal_basis admits a surge line without its basis, flagged
p sg-m5-allow 0 --db sg.db config set plan.allow_legal_basis 1
p sg-m5-allow-bcr 0 --db sg.db config set plan.min_bcr 0 # every line past the legal rule shows
p sg-m5-allow-json 0 --db sg.db plan --budget 5000000 --format json
pycheck "surge without its legal basis is flagged" sg-m5-allow-json.out '
miss = [x for x in j["surge"] if x["legal_basis_missing"]]
assert miss, "nothing admitted without its basis"
for x in miss:
    assert "admitted only because plan.allow_legal_basis is 1" in x["reason"], x["reason"]
assert j["surge_summary"]["rejected_counts"]["legal_basis"] == 0'
p sg-m5-allow-back 0 --db sg.db config set plan.allow_legal_basis 0
p sg-m5-allow-bcr-back 0 --db sg.db config set plan.min_bcr 1
# the surge catalogue's new columns
printf 'id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,removes_step_free,kinds,sectors,description,cost_driver,unit_weekly_eur,safeguards\nsurge_z,Z,prevent,1000,1,0,0,none,0,*,*,Z,entrances,200,signage\n' >sg-cost.csv
printf 'measure_id,threat_id,v_reduction,c_reduction\nsurge_z,pbied,0.1,0\n' >sg-z-eff.csv
p sg-m5-import 0 --db sg.db import surge sg-cost.csv sg-z-eff.csv
printf 'id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,removes_step_free,kinds,sectors,description,cost_driver,unit_weekly_eur,safeguards\nsurge_z,Z,prevent,1000,1,0,0,none,0,*,*,Z,entrances,,\n' >sg-nounit.csv
p sg-m5-import-nounit 65 --db sg.db import surge sg-nounit.csv sg-ok-eff.csv
err_line "protect: sg-nounit.csv:2: unit_weekly_eur: missing value: a cost driver of the site needs a unit weekly cost"
printf 'id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,removes_step_free,kinds,sectors,description,cost_driver,unit_weekly_eur,safeguards\nsurge_z,Z,prevent,1000,1,0,0,none,0,*,*,Z,size,,prayer\n' >sg-badguard.csv
p sg-m5-import-badguard 65 --db sg.db import surge sg-badguard.csv sg-ok-eff.csv
err_has "sg-badguard.csv:2: safeguards: unknown safeguard \"prayer\""
p sg-m5-after-import 0 --db sg.db plan --budget 5000000 --format json
pycheck "the stored cost driver prices the imported surge measure" sg-m5-after-import.out '
adm = [x for x in j["surge"] if x["site_id"] == "VM-045" and x["measure_id"] == "surge_z"]
rej = [x for x in j["surge_rejected"] if x["site_id"] == "VM-045" and x["measure_id"] == "surge_z"]
assert len(adm) + len(rej) == 1, (adm, rej)
if adm:
    assert abs(adm[0]["weekly_cost_eur"] - 8 * 200) < 1e-6 and adm[0]["cost_driver"] == "entrances", adm
    assert [g["id"] for g in adm[0]["safeguards"]] == ["signage"], adm
else:
    assert "at EUR 1,600 a week" in rej[0]["reason"], rej'
