# tests/cli/cases_surveys.sh - assessment visits (issue 16 item 3): the questionnaire, a visit
# of the trust's hospital VM-012 by its operator, its proposed ratings (golden), a rating
# with a reason, confirmation by a second person, which visit counts, bad input.
# Sourced by tests/cli/run (p, ok, bad, out_has, out_line, err_has, golden).

p sv-demo 0 --db sv.db demo
p sv-questionnaire 0 --db sv.db survey questionnaire soft_target
out_line "soft_target, version 1: Soft targets: stadiums, shopping centres, places of worship, venues"
p sv-questionnaire-none 66 --db sv.db survey questionnaire no_such_kind
err_has "no questionnaire for kind no_such_kind"
# the import of the demo is a confirmed visit of each site, by the system administrator
p sv-list-demo 0 --db sv.db survey list VM-012
out_has "import    confirmed system administrator"
p sv-start-carver 65 --db sv.db survey start VM-012 --method carver --as trust
err_has "method: a questionnaire visit rates fema or quant"
p sv-start-future 65 --db sv.db survey start VM-012 --method fema --date 2026-12-02 --as trust
err_has "visited_on 2026-12-02 is in the future"
p sv-start-viewer 77 --db sv.db survey start VM-012 --method fema --as viewer
p sv-start 0 --db sv.db survey start VM-012 --method fema --as trust --format json
sv_id=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' sv-start.out)
p sv-answer 0 --db sv.db survey answer "$sv_id" ci-recon=yes ci-drone-exposure=no ci-air-intakes=partly \
	ci-standoff=yes ci-deliveries=partly ci-glazing=no ci-power=yes --as trust
golden survey-answer.txt
p sv-answer-bad 65 --db sv.db survey answer "$sv_id" ci-nope=yes --as trust
err_has "no question 'ci-nope' in the questionnaire of critical_infrastructure, version 1"
p sv-answer-other 77 --db sv.db survey answer "$sv_id" ci-recon=no --as trust-admin
err_has "only the visit's assessor (trust) may change its answers and ratings"
p sv-rate-noreason 65 --db sv.db survey rate "$sv_id" arson --vulnerability 4 --as trust
err_has "items[0].reason"
p sv-rate 0 --db sv.db survey rate "$sv_id" arson --vulnerability 4 --reason "sprinklers in the stores" --as trust
p sv-rate-drone 0 --db sv.db survey rate "$sv_id" drone_uas --asset-value 8 --threat-rating 2 --as trust
out_has "drone_uas            asset 8, threat 2, vulnerability 6"
p sv-confirm-self 77 --db sv.db survey confirm "$sv_id" --as trust
err_has "a second person confirms a visit: its assessor (trust) may not"
p sv-confirm 0 --db sv.db survey confirm "$sv_id" --as trust-admin
out_line "visit $sv_id confirmed: 2 of its ratings now count"
p sv-confirm-again 65 --db sv.db survey confirm "$sv_id" --as trust-admin
err_has "is confirmed already"
# the confirmed ratings are the site's current ones
current=sv-current
/usr/bin/python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute("SELECT threat_id, asset_value, threat_rating, vulnerability_rating FROM fema_assessments WHERE site_id = ? AND threat_id IN (?, ?) ORDER BY 1", ("VM-012", "arson", "drone_uas")):
    print(*r)' sv.db >sv-current.out
if [ "$(cat sv-current.out)" = "arson 8 3 4
drone_uas 8 2 6" ]; then ok; else bad "current ratings after the confirmation: $(cat sv-current.out)"; fi
p sv-show 0 --db sv.db survey show "$sv_id" --as viewer
out_line "confirmed by trust-admin at 2026-12-01T00:00:00Z"
