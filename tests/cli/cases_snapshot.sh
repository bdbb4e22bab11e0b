# cases_snapshot.sh - issue 16 item 6: `protect snapshot` and `protect compare` on the demo's
# "2025 baseline" (the trust's VM-012 had no access control then, the mosque VM-036 was
# assessed more vulnerable, the guesthouse VM-067 was not registered, the level was SEVERE),
# who may take and delete, bad input. Sourced by tests/cli/run.

# hs_csv WHAT FILE CODE: python CODE over the CSV text t (its marking line first) passes.
hs_csv() {
	local what=$1 file=$2 code=$3 msg
	if msg=$(/usr/bin/python3 -c "
import sys
t = open(sys.argv[1]).read()
$code
" "$file" 2>&1); then ok; else bad "$what: $(echo "$msg" | tail -3)"; fi
}

p hs-demo 0 --db hs.db demo
p hs-list 0 --db hs.db snapshot list
golden snapshot_list.txt

# the trust's operator: VM-012's risk fell by the measure installed since
p hs-compare 0 --db hs.db compare 1 now --changed --as trust
golden compare_baseline_trust.txt
err_line "TLP:AMBER"
if grep -qE '^VM-012 +Orrinford General Hospital +195,894 +174,317 +-21,578 +installed_measures$' hs-compare.out
then ok; else bad "VM-012 should fall by the installed measure: $(grep VM-012 hs-compare.out)"; fi
p hs-compare-all 0 --db hs.db compare 1 now --as trust
out_has "VM-015    Vellmark Public Health Reference La" # every site it reads, changed or not
out_lacks "VM-001 " # Northgate's AMBER power station is not the trust's to read

# each at its own level: the baseline's SEVERE is the threat level's part
p hs-own 0 --db hs.db compare 1 --threat-level own --as trust --format csv
out_line "# TLP:AMBER"
hs_csv "compare own CSV" hs-own.out '
import csv, io
rows = {r["site_id"]: r for r in csv.DictReader(io.StringIO(t.split("\n", 1)[1]))}
h = rows["VM-012"]
assert float(h["threat_level"]) < 0 and float(h["installed_measures"]) < 0, h
assert h["main_cause"] == "threat_level", h
tot = rows["TOTAL"]
parts = sum(float(tot[k]) for k in ("threat_level", "reassessments", "installed_measures", "new_sites", "removed_sites"))
assert abs(parts - float(tot["risk_change"])) < 0.1, (parts, tot["risk_change"])'

# the snapshot alone, as JSON: its own level, no guesthouse
p hs-show 0 --db hs.db snapshot show 1 --format json --as trust
pycheck "snapshot show JSON" hs-show.out '
assert j["snapshot"]["name"] == "2025 baseline" and j["threat_level"].startswith("SEVERE"), j["snapshot"]
ids = {r["site_id"] for r in j["rows"]}
assert "VM-012" in ids and "VM-067" not in ids and "VM-001" not in ids, sorted(ids)
assert j["tlp"] == "TLP:AMBER"'

# who may take and delete
p hs-take-trust 77 --db hs.db snapshot take "trust view" --as trust
err_line "protect: only government coordinators and admins take snapshots"
p hs-take 0 --db hs.db snapshot take "2026 review" --method fema --as coordinator
out_line 'snapshot 2 "2026 review" taken'
p hs-take-again 65 --db hs.db snapshot take "2026 review" --as coordinator
err_line "protect: name: a snapshot named 2026 review exists"
p hs-rm-coord 77 --db hs.db snapshot rm 2 --as coordinator
err_line "protect: only government admins delete snapshots"
p hs-rm 0 --db hs.db snapshot rm 2 --as admin
out_line "snapshot 2 deleted"
p hs-rm-again 66 --db hs.db snapshot rm 2
p hs-compare-missing 66 --db hs.db compare 7 now

# bad usage
p hs-usage-none 64 --db hs.db compare
p hs-usage-level 64 --db hs.db compare 1 --threat-level HIGH
p hs-usage-carver 64 --db hs.db compare 1 --method carver
p hs-usage-id 64 --db hs.db snapshot show first
p hs-usage-sub 64 --db hs.db snapshot restore 1
p hs-usage-name 65 --db hs.db snapshot take "$(printf 'a\tb')"
