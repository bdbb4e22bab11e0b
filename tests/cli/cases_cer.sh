# cases_cer.sh - issue 16, item 8: `protect cer`: the demo's critical entities under the CER
# Directive as the system administrator sees them (golden, at the tests' clock 2026-12-01),
# as the trust's operator sees them (its own only), bad dates with the field and exit 65, the
# roles' refusals (exit 77), a designation kept and revoked. Sourced by tests/cli/run.

p cer-demo 0 --db cer.db demo
p cer-list 0 --db cer.db cer list
golden cer-list.txt
p cer-list-trust 0 --db cer.db cer list --as trust --format csv
out_line "Vellmark Hospitals Trust,2026-01-12,2026-01-26,,2026-10-26,overdue,,2026-11-26,overdue,VM-012 VM-013 VM-014"
if [ "$(wc -l <cer-list-trust.out)" -eq 2 ]; then ok; else bad "the trust sees another entity"; fi
p cer-list-json 0 --db cer.db cer list --format json
pycheck "cer JSON" cer-list-json.out '
e = {x["organisation"]: x for x in j["items"]}
assert (j["entities"], j["lacking_risk_assessment"], j["lacking_resilience_plan"]) == (4, 2, 3), j
assert e["Harbourlight Group"]["lacks"] == ["resilience_plan"], e["Harbourlight Group"]
assert e["Northgate Utilities"]["sites"] == ["VM-001", "VM-002", "VM-003", "VM-004"]'

p cer-future 65 --db cer.db cer set "Vellmark Hospitals Trust" --risk-assessment 2026-12-02
err_line "protect: risk_assessment_on: must not be after today (2026-12-01)"
p cer-bad-day 65 --db cer.db cer set "Vellmark Hospitals Trust" --resilience-plan 2026-02-29
err_line "protect: resilience_plan_on: must be a day from 1970-01-01 to 9999-12-31 as YYYY-MM-DD"
p cer-foreign-site 65 --db cer.db cer set "Vellmark Hospitals Trust" --site VM-001
err_line "protect: sites: site VM-001 belongs to another organisation: a critical entity's sites are its own"
p cer-operator 77 --db cer.db cer set "Vellmark Hospitals Trust" --resilience-plan 2026-11-30 --as trust
err_has "protect: resilience_plan_on: only the entity's admins"
p cer-analyst 77 --db cer.db cer designate "Orrinford City Council" --designated 2026-11-02 --notified 2026-11-16 --as analyst
p cer-other 66 --db cer.db cer set "Harbourlight Group" --resilience-plan 2026-11-30 --as trust-admin
err_has "no designated critical entity"
p cer-usage 64 --db cer.db cer designate "Orrinford City Council" --designated 2026-11-02
err_has "designate needs --designated DATE and --notified DATE"

p cer-record 0 --db cer.db cer set "Vellmark Hospitals Trust" --risk-assessment 2026-11-30 --resilience-plan 2026-11-30 --as trust-admin
out_line "Vellmark Hospitals Trust: designation kept"
p cer-after 0 --db cer.db cer list --as trust-admin
out_line "  risk assessment (art. 12): current; last 2026-11-30; next due 2030-11-30"
out_line "  resilience plan (art. 13): current; dated 2026-11-30; owed from 2026-11-26"
p cer-designate 0 --db cer.db cer designate "Orrinford City Council" --designated 2026-11-02 --notified 2026-11-16 --site VM-024 --as coordinator
p cer-after2 0 --db cer.db cer list --format csv
out_line "Orrinford City Council,2026-11-02,2026-11-16,,2027-08-16,due,,2027-09-16,due,VM-024"
p cer-revoke 0 --db cer.db cer revoke "Orrinford City Council"
out_line "revoked the designation of Orrinford City Council"
p cer-revoke-again 66 --db cer.db cer revoke "Orrinford City Council"
p cer-audit 0 --db cer.db audit list --format csv
out_has "cer.revoke"
out_has "cer.designate"

# the coordinator's counts of what it may not read; nobody else's
p cer-withheld 0 --db cer.db withheld --as coordinator --format json
pycheck "withheld JSON" cer-withheld.out '
assert j["total"] == 8 and j["fewer_than"] == 3, j
assert all((c["count"] is None) == ("fewer_than" in c) for c in j["by_sector"] + j["by_band"]), j
assert all(c["count"] is None or c["count"] >= 3 for c in j["by_sector"] + j["by_band"]), j'
p cer-withheld-analyst 77 --db cer.db withheld --as analyst
err_line "protect: only government coordinators are told about the sites they may not read"
p cer-withheld-carver 64 --db cer.db withheld --method carver --as coordinator
