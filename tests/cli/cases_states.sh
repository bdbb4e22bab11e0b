# tests/cli/cases_states.sh - the state machine of a measure at a site (issue 11, item 7):
# a saved plan proposes, a coordinator other than the proposer approves, the site's owner
# accepts or declines and installs, a government coordinator or analyst verifies; a plan
# can be withdrawn; committed rows of an older registry migrate as accepted (migration 013).
# Sourced by tests/cli/run (p, ok, bad, out_has, err_has, pycheck of cases_plan.sh).

# pairs FILE SQL: the rows of a query on st.db, "SITE MEASURE" per line.
st_query() {
	/usr/bin/python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print(*r)' st.db "$1"
}
# the proposed pairs of plan st-plan at sites of organisation $1, in order
st_pairs() {
	st_query "SELECT m.site_id, m.measure_id FROM site_measures m JOIN sites s ON s.id = m.site_id
		  JOIN organisations o ON o.id = s.owner_id WHERE m.plan = 'st-plan' AND o.name = '$1'
		  ORDER BY 1, 2"
}

p st-demo 0 --db st.db demo
p st-before 0 --db st.db plan --budget 2000000 --format json
cp st-before.out st-before.json
p st-save 0 --db st.db plan --budget 2000000 --save st-plan --as coordinator --format json
cp st-save.out st-saved.json
err_has "saved plan st-plan: "
err_has " measures proposed at "
p st-list 0 --db st.db plan list
out_has " proposed"
p st-show 0 --db st.db plan show st-plan
out_has "State proposed"
# The README's own example no longer moves every later plan's starting point.
p st-later 0 --db st.db plan --budget 2000000 --format json
pycheck "pending proposals: not proposed twice, not in risk before" st-later.out '
before = json.load(open("st-before.json")); saved = json.load(open("st-saved.json"))
proposed = {(s["site_id"], m["measure_id"]) for s in saved["sites"] for m in s["measures"]}
now = {(s["site_id"], m["measure_id"]) for s in j["sites"] for m in s["measures"]}
now |= {(r["site_id"], r["measure_id"]) for r in j["rejected"]}
assert proposed and not (proposed & now), proposed & now
assert j["totals"]["risk_before_eur_year"] == before["totals"]["risk_before_eur_year"]'
p st-register 0 --db st.db register list --format json
pycheck "pending proposals are not committed in the register" st-register.out '
# issue 16 item 6: the demo installed access control at VM-012 (its own measure, no plan of this test)
assert all(e["committed_measures"] == (e["site_id"] == "VM-012") for e in j["items"]), [e for e in j["items"] if e["committed_measures"]][:1]'

st_pairs "Harbourlight Group" >harbour_pairs
read -r hs hm < harbour_pairs
read -r hs2 hm2 < <(sed -n 2p harbour_pairs)
if [ -n "$hs" ] && [ -n "$hs2" ]; then ok; else bad "the plan proposes under two measures at Harbourlight sites"; fi

# approve: not by the proposer (77), not by an operator (77); by another government admin.
p st-approve-own 77 --db st.db measures approve "$hs" "$hm" --as coordinator
err_has "the proposer of a plan cannot approve its own proposal"
p st-approve-operator 77 --db st.db measures approve "$hs" "$hm" --as harbour
p st-accept-early 65 --db st.db measures accept "$hs" "$hm" --as harbour
err_has "is proposed; accept needs it approved"
p st-approve 0 --db st.db measures approve "$hs" "$hm" --as admin
out_line "measure $hm at $hs: approved (plan st-plan)"
p st-approve-again 65 --db st.db measures approve "$hs" "$hm" --as admin
err_has "is approved; approve needs it proposed"
# accept: the site's owner only; another organisation that reads the site is refused (77).
p st-accept-other-org 77 --db st.db measures accept "$hs" "$hm" --as operator
err_has "only the site's owner"
p st-accept 0 --db st.db measures accept "$hs" "$hm" --as harbour
out_line "measure $hm at $hs: accepted (plan st-plan)"
p st-install 0 --db st.db measures install "$hs" "$hm" --as harbour
p st-verify-owner 77 --db st.db measures verify "$hs" "$hm" --method inspection --next 2028-12-01 --as harbour
p st-verify 0 --db st.db measures verify "$hs" "$hm" --method inspection --next 2028-12-01 --as analyst
out_line "measure $hm at $hs: verified (plan st-plan)"
export HM=$hm
p st-at 0 --db st.db measures at "$hs" --format json
pycheck "verified at the site" st-at.out '
import os
r = [m for m in j["items"] if m["measure_id"] == os.environ["HM"]][0]
assert r["status"] == "verified" and r["plan"] == "st-plan" and r["changed_by"] == "analyst", r'
# a second one: approved, then declined by its owner; a later plan may propose it again
p st-approve-2 0 --db st.db measures approve "$hs2" "$hm2" --as admin
p st-decline-2 0 --db st.db measures decline "$hs2" "$hm2" --as harbour
out_line "measure $hm2 at $hs2: declined (plan st-plan)"
p st-install-declined 65 --db st.db measures install "$hs2" "$hm2" --as harbour
p st-no-such 66 --db st.db measures approve "$hs" no_such_measure --as admin
p st-bad-usage 64 --db st.db measures approve "$hs"
# the verified measure counts now: risk before falls below the first plan's
p st-later-2 0 --db st.db plan --budget 2000000 --format json
pycheck "verified counts in risk before" st-later-2.out '
before = json.load(open("st-before.json"))
assert j["totals"]["risk_before_eur_year"] < before["totals"]["risk_before_eur_year"]'

# withdraw: not by an operator (77); by the proposer; what is installed stays.
total=$(st_query "SELECT count(*) FROM site_measures WHERE plan = 'st-plan'")
p st-withdraw-operator 77 --db st.db plan withdraw st-plan --as harbour
p st-withdraw 0 --db st.db plan withdraw st-plan --as coordinator
out_line "withdrew plan st-plan: $((total - 1)) measures not yet installed removed, 1 installed or verified kept"
if [ "$(st_query "SELECT site_id, measure_id, status FROM site_measures WHERE plan = 'st-plan'")" = "$hs $hm verified" ]; then ok; else
	bad "after withdrawing, the plan's rows are: $(st_query "SELECT * FROM site_measures WHERE plan = 'st-plan'")"; fi
p st-withdraw-again 65 --db st.db plan withdraw st-plan --as coordinator
err_has "plan st-plan was withdrawn on "
p st-withdraw-missing 66 --db st.db plan withdraw no-such-plan
p st-list-withdrawn 0 --db st.db plan list --format json
pycheck "withdrawn plan" st-list-withdrawn.out '
p = [x for x in j if x["name"] == "st-plan"][0]
assert p["state"] == "withdrawn" and p["withdrawn_by"] == "coordinator", p'
p st-audit 0 --db st.db audit list --limit 60 --format csv
for a in site.measure.approve site.measure.accept site.measure.decline site.measure.install \
	site.measure.verify plan.withdraw refused; do out_has "$a"; done

# Legacy: a registry of migration 012 whose plan committed its measures (rows 'committed'),
# built from today's by undoing migrations 015, 014 and 013 (the schema a registry had at 012:
# the real upgrade path runs 013, 014 and 015 on it).
p lg-demo 0 --db lg.db demo
p lg-save 0 --db lg.db plan --budget 2000000 --save old-plan --format json
cp lg-save.out lg-saved.json
/usr/bin/python3 - lg.db <<'PY' || bad "could not build the old registry"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""
-- undo 016 (issue 11 review M3): no fenced sites
ALTER TABLE sites DROP COLUMN fenced;
-- undo 015: no surge catalogue
DROP TABLE surge_effects;
DROP TABLE surge_measures;
-- undo 014: one level per threat (NULL: the national level), no decided band or level
CREATE TABLE tl_old (
	id INTEGER PRIMARY KEY,
	threat_id TEXT REFERENCES threats (id) ON DELETE CASCADE,
	level TEXT NOT NULL
		CHECK (level IN ('LOW', 'MODERATE', 'SUBSTANTIAL', 'SEVERE', 'CRITICAL'))
);
INSERT INTO tl_old (threat_id, level)
	SELECT CASE scope_kind WHEN 'national' THEN NULL ELSE scope_id END, level FROM threat_levels t
	WHERE scope_kind IN ('national', 'threat') AND level IS NOT NULL AND id =
		(SELECT max(id) FROM threat_levels u WHERE u.scope_kind = t.scope_kind AND u.scope_id = t.scope_id);
DROP TABLE threat_levels;
ALTER TABLE tl_old RENAME TO threat_levels;
CREATE UNIQUE INDEX threat_levels_scope ON threat_levels (coalesce(threat_id, ''));
CREATE TRIGGER data_version_threat_levels_insert AFTER INSERT ON threat_levels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_threat_levels_update AFTER UPDATE ON threat_levels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_threat_levels_delete AFTER DELETE ON threat_levels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
ALTER TABLE risk_register DROP COLUMN decided_band;
ALTER TABLE risk_register DROP COLUMN decided_level;
-- undo 013: a saved plan's measures 'committed', no plan states
CREATE TABLE sm_old (
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	measure_id TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
	status TEXT NOT NULL CHECK (status IN ('existing', 'committed')),
	plan TEXT NOT NULL DEFAULT '' CHECK (length(plan) <= 63),
	added_at TEXT NOT NULL CHECK (length(added_at) BETWEEN 1 AND 31),
	added_by TEXT NOT NULL CHECK (length(added_by) <= 63),
	PRIMARY KEY (site_id, measure_id)
) WITHOUT ROWID;
INSERT INTO sm_old SELECT site_id, measure_id,
	CASE status WHEN 'existing' THEN 'existing' ELSE 'committed' END, plan, added_at, added_by
	FROM site_measures;
DROP TABLE site_measures;
ALTER TABLE sm_old RENAME TO site_measures;
CREATE INDEX site_measures_measure ON site_measures (measure_id);
CREATE TRIGGER data_version_site_measures_insert AFTER INSERT ON site_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_site_measures_update AFTER UPDATE ON site_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_site_measures_delete AFTER DELETE ON site_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
DROP TABLE plan_states;
-- issue 13 review: migration 022 (users.role_by_system) runs again too
ALTER TABLE users DROP COLUMN role_by_system;
PRAGMA user_version = 12;
""")
c.commit()
PY
p lg-list 0 --db lg.db plan list
out_has "approved (legacy)"
p lg-after 0 --db lg.db plan --budget 2000000 --format json
pycheck "legacy committed rows count as accepted" lg-after.out '
saved = json.load(open("lg-saved.json"))
assert j["totals"]["risk_before_eur_year"] < saved["totals"]["risk_before_eur_year"]'
if [ "$(/usr/bin/python3 -c 'import sqlite3,sys; print(*sqlite3.connect(sys.argv[1]).execute("SELECT group_concat(DISTINCT status) FROM site_measures WHERE plan = ?", ("old-plan",)).fetchone())' lg.db)" = accepted ]; then ok; else
	bad "legacy rows did not become accepted"; fi

# ---- review m6, m7, m9, m10 (issue 11): a plan's state says where its measures are; the role
# reason before the installer's; a plan is made for one organisation by the sites it considered;
# a legacy plan's measures are accepted.
p st-list-after 0 --db st.db plan list
out_has " withdrawn (1 verified kept)"
p lg-show 0 --db lg.db plan show old-plan
out_has " measures accepted (committed before measures had states)"
out_lacks "measures proposed"
out_line "State approved (legacy)"
# m9: the reviewer's case: a Kessling plan (sites of five organisations) that funds one
# Northgate site only is not scoped to Northgate: a government admin approves, not northgate-admin.
p m9-demo 0 --db m9.db demo
p m9-save 0 --db m9.db plan --budget 2300 --region Kessling --save s1 --as coordinator --format json
read -r ms mm < <(/usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(*[(s["site_id"], m["measure_id"]) for s in j["sites"] for m in s["measures"]][0])' m9-save.out)
if [ "$ms" = VM-003 ]; then ok; else bad "the Kessling plan at EUR 2,300 funds $ms, not VM-003"; fi
p m9-list 0 --db m9.db plan list --format json
pycheck "a plan over several organisations' sites is scoped to none" m9-list.out '
p = [x for x in j if x["name"] == "s1"][0]
assert p["scope_organisation"] == "" and p["state"] == "proposed" and p["state_text"] == "proposed", p
assert p["measure_states"] == {"proposed": 1, "approved": 0, "accepted": 0, "declined": 0,
                               "installed": 0, "verified": 0}, p'
p m9-show 0 --db m9.db plan show s1
out_lacks "approved by an admin of"
p m9-approve-northgate 77 --db m9.db measures approve "$ms" "$mm" --as northgate-admin
err_has "only a government coordinator or admin"
p m9-approve 0 --db m9.db measures approve "$ms" "$mm" --as admin
p m9-list-approved 0 --db m9.db plan list
out_has " approved"
p m9-accept 0 --db m9.db measures accept "$ms" "$mm" --as operator
p m9-list-accepted 0 --db m9.db plan list
out_has " in progress (1 accepted of 1)"
p m9-install 0 --db m9.db measures install "$ms" "$mm" --as operator
# m7: the installer (an operator) lacks the role: told the role, not that it installed
p m9-verify-installer 77 --db m9.db measures verify "$ms" "$mm" --method inspection --next 2028-12-01 --as operator
err_has "only government coordinators and analysts verify an installed measure"
p m9-verify 0 --db m9.db measures verify "$ms" "$mm" --method inspection --next 2028-12-01 --as analyst
p m9-list-done 0 --db m9.db plan list
out_has " done (1 verified of 1)"
p m9-show-done 0 --db m9.db plan show s1
out_line "State done (1 verified of 1)"
out_has "1 sites, 1 measures"

# ---- separation of duties (review H1): who made each user; four-eyes on approve and
# verify; one user takes at most one of approve, accept/install, verify of a measure.
du_query() {
	/usr/bin/python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print(*r)' "$1" "$2"
}
printf '%s\n' "demo-du-sock-long" >du-pw.txt
p du-demo 0 --db du.db demo
p du-save-co 0 --db du.db plan --budget 2000000 --save du-co --as coordinator
p du-save-ad 0 --db du.db plan --budget 300000 --save du-ad --as admin
du_query du.db "SELECT m.site_id, m.measure_id FROM site_measures m JOIN sites s ON s.id = m.site_id
	JOIN organisations o ON o.id = s.owner_id WHERE m.plan = 'du-co'
	AND o.name = 'Vellmark Ministry of the Interior' ORDER BY 1, 2" >du_ministry
read -r ms1 mm1 < du_ministry
read -r ms2 mm2 < <(sed -n 2p du_ministry)
read -r as1 am1 < <(du_query du.db "SELECT site_id, measure_id FROM site_measures WHERE plan = 'du-ad' ORDER BY 1, 2 LIMIT 1")
if [ -n "$ms2" ] && [ -n "$as1" ]; then ok; else bad "du-co proposes two measures at ministry sites, du-ad one"; fi
# who created each user: --as USER records it; the system administrator records none
# (user passwd / role on the command line are the system administrator's: nothing recorded)
p du-add-sock 0 --db du.db user add du-sock --org "Vellmark Ministry of the Interior" --role coordinator --as admin --password-stdin <du-pw.txt
out_line "user du-sock added: coordinator of Vellmark Ministry of the Interior"
p du-add-an 0 --db du.db user add du-an --org "Vellmark Ministry of the Interior" --role analyst --as admin --password-stdin <du-pw.txt
p du-add-sys 0 --db du.db user add du-sys --org "Vellmark Ministry of the Interior" --role analyst --password-stdin <du-pw.txt
p du-add-viewer 77 --db du.db user add du-nope --org "Vellmark Ministry of the Interior" --role analyst --as viewer --password-stdin <du-pw.txt
if [ "$(du_query du.db "SELECT u.name || '=' || m.how || ':' || m.made_by FROM user_makers m JOIN users u ON u.id = m.user_id ORDER BY 1" | tr '\n' ' ')" = "du-an=create:admin du-sock=create:admin " ]; then ok; else
	bad "user_makers: $(du_query du.db 'SELECT * FROM user_makers')"; fi
# Repro 1: a coordinator the proposer created does not approve its proposal; an independent one does.
p du-r1-sock 77 --db du.db measures approve "$as1" "$am1" --as du-sock
err_has "protect: four-eyes principle: a user the proposer made (created, or set its role or password, directly or through users it made), or who made the proposer, cannot approve its proposal; a government coordinator or admin independent of the proposer approves it"
p du-r1-indep 0 --db du.db measures approve "$as1" "$am1" --as coordinator
# Repro 2: one user does not approve and accept; accept and install by one owner user is fine;
# the installer (analyst) does not verify.
p du-r2-approve 0 --db du.db measures approve "$ms1" "$mm1" --as admin
p du-r2-accept-approver 77 --db du.db measures accept "$ms1" "$mm1" --as admin
err_has "protect: separation of duties: one user takes at most one of the steps approve, accept or install, verify of a measure, and you took 'approve' of this one; another user takes 'accept'"
p du-r2-accept 0 --db du.db measures accept "$ms1" "$mm1" --as analyst
p du-r2-install 0 --db du.db measures install "$ms1" "$mm1" --as analyst
p du-r2-verify-installer 77 --db du.db measures verify "$ms1" "$mm1" --method inspection --next 2028-12-01 --as analyst
err_has "protect: whoever installed a measure cannot verify it; another government coordinator or analyst verifies it"
# the approver (admin) created du-an: not independent of the approver
p du-r2-verify-made 77 --db du.db measures verify "$ms1" "$mm1" --method inspection --next 2028-12-01 --as du-an
err_has "protect: four-eyes principle: a user the approver made (created, or set its role or password, directly or through users it made), or who made the approver, cannot verify the measure it approved; a government coordinator or analyst independent of the approver and the installer verifies it"
p du-r2-verify 0 --db du.db measures verify "$ms1" "$mm1" --method inspection --next 2028-12-01 --as du-sys
# the admin installs; the analyst it created does not verify; one made by the command line does
p du-r2b-approve 0 --db du.db measures approve "$ms2" "$mm2" --as du-sock
p du-r2b-accept 0 --db du.db measures accept "$ms2" "$mm2" --as admin
p du-r2b-install 0 --db du.db measures install "$ms2" "$mm2" --as admin
p du-r2b-verify-created 77 --db du.db measures verify "$ms2" "$mm2" --method inspection --next 2028-12-01 --as du-an
err_has "protect: four-eyes principle: a user the installer made (created, or set its role or password, directly or through users it made), or who made the installer, cannot verify its installation; a government coordinator or analyst independent of the installer verifies it"
p du-r2b-verify-approver 77 --db du.db measures verify "$ms2" "$mm2" --method inspection --next 2028-12-01 --as du-sock
err_has "protect: separation of duties: one user takes at most one of the steps approve, accept or install, verify of a measure, and you took 'approve' of this one; another user takes 'verify'"
p du-r2b-verify 0 --db du.db measures verify "$ms2" "$mm2" --method inspection --next 2028-12-01 --as du-sys
p du-audit 0 --db du.db audit list --format json
pycheck "refused steps are audited" du-audit.out '
items = j["items"] if isinstance(j, dict) else j
refused = [e for e in items if e["action"] == "refused" and "site.measure." in json.dumps(e)]
assert len(refused) >= 5, items[-8:]'
# Repro 3: an admin of the plan's organisation the government admin created approves a plan
# scoped to it (the proposer is another user), but then does not accept it as well.
# (a plan is scoped to one organisation when every site it considers is that organisation's:
# the council's sites moved to a region of their own, Upper Vell)
p du3-demo 0 --db du3.db demo
p du3-export 0 --db du3.db export sites --max-tlp RED
/usr/bin/python3 - du3-export.out <<'PY'
import csv, sys
lines = [l for l in open(sys.argv[1]) if not l.startswith("#")]
rows = [r for r in csv.DictReader(lines) if r["owner"] == "Orrinford City Council"]
with open("du3-council.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    for r in rows:
        r["region"] = "Upper Vell"
        w.writerow(r)
PY
p du3-import 0 --db du3.db import sites du3-council.csv
p du3-save 0 --db du3.db plan --budget 1500 --region "Upper Vell" --save du3-plan --as coordinator
read -r s3 m3 < <(du_query du3.db "SELECT site_id, measure_id FROM site_measures WHERE plan = 'du3-plan' ORDER BY 1, 2 LIMIT 1")
if [ "$(du_query du3.db "SELECT scope_org FROM plan_states WHERE plan = 'du3-plan'")" = "Orrinford City Council" ] && [ -n "$s3" ]; then ok; else
	bad "du3-plan is scoped to Orrinford City Council"; fi
p du3-add 0 --db du3.db user add du3-council --org "Orrinford City Council" --role admin --as admin --password-stdin <du-pw.txt
p du3-approve 0 --db du3.db measures approve "$s3" "$m3" --as du3-council
p du3-accept 77 --db du3.db measures accept "$s3" "$m3" --as du3-council
err_has "protect: separation of duties: one user takes at most one of the steps approve, accept or install, verify of a measure, and you took 'approve' of this one; another user takes 'accept'"
p du3-decline 77 --db du3.db measures decline "$s3" "$m3" --as du3-council

# ---- issue 16, item 4: measures through their life. The trust commits a measure it funds
# itself at its hospital (no plan), installs it (dated), a government analyst verifies it by
# inspection with a re-verification date; at a later clock it is due and verified again; every
# step kept with its date and who; a register decision links any measure that reduces its risk.
lc_stamps() { # the last command's stdout with its timestamps (the wall clock) as STAMP
	sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/STAMP/g' "$current.out" >"$current.tmp" &&
		mv "$current.tmp" "$current.out"
}
p lc-demo 0 --db lc.db demo
p lc-commit-analyst 77 --db lc.db measures commit VM-012 security_guards --as analyst
err_line "protect: only the site's owner (operators, analysts and admins of the owning organisation) commits a measure at its site outside a plan"
p lc-commit 0 --db lc.db measures commit VM-012 security_guards --note "funded by the trust itself" --as trust
out_line "measure security_guards at VM-012: accepted (committed by its owner, no plan)"
p lc-commit-again 65 --db lc.db measures commit VM-012 security_guards --as trust
err_line "protect: measure: measure security_guards at VM-012 is accepted already"
p lc-commit-in-place 65 --db lc.db measures commit VM-012 cctv --as trust
err_line "protect: measure: measure cctv at VM-012 is in place already"
p lc-install-future 65 --db lc.db measures install VM-012 security_guards --on 2027-01-10 --as trust
err_line "protect: on_date: 2027-01-10 is after today (2026-12-01): record a step once it is done"
p lc-install 0 --db lc.db measures install VM-012 security_guards --on 2026-11-20 --note "two guards at the main entrance" --as trust
out_line "measure security_guards at VM-012: installed (committed by its owner, no plan)"
p lc-verify-usage 64 --db lc.db measures verify VM-012 security_guards --as analyst
err_has "measures verify needs --method test|inspection and --next DATE (the re-verification date)"
p lc-verify-method 65 --db lc.db measures verify VM-012 security_guards --method audit --next 2027-11-30 --as analyst
err_line "protect: method: unknown method 'audit' (test or inspection)"
p lc-verify-far 65 --db lc.db measures verify VM-012 security_guards --method inspection --next 2032-12-01 --as analyst
err_line "protect: reverify_by: re-verification date 2032-12-01 is more than 5 years after the verification (2026-12-01): verify a measure at least that often"
p lc-verify-early 65 --db lc.db measures verify VM-012 security_guards --method inspection --on 2026-11-10 --next 2027-11-30 --as analyst
err_line "protect: on_date: 2026-11-10 is before the measure was installed (2026-11-20)"
p lc-verify-installer 77 --db lc.db measures verify VM-012 security_guards --method inspection --next 2027-11-30 --as trust
p lc-verify 0 --db lc.db measures verify VM-012 security_guards --method inspection --next 2027-11-30 --note "both posts staffed" --as analyst
out_line "measure security_guards at VM-012: verified (committed by its owner, no plan)"
p lc-at 0 --db lc.db measures at VM-012 --history
lc_stamps
golden lc_measures_at_history.txt
p lc-due 0 --db lc.db --now 2027-12-15T00:00Z measures at VM-012
out_line "  verified by inspection on 2026-12-01 by analyst; again by 2027-11-30 (VERIFICATION DUE)"
p lc-reverify 0 --db lc.db --now 2027-12-15T00:00Z measures verify VM-012 security_guards --method test --next 2029-12-15 --as coordinator
p lc-at-json 0 --db lc.db --now 2027-12-15T00:00Z measures at VM-012 --format json
pycheck "every step kept, the last verification counts" lc-at-json.out '
m = [x for x in j["items"] if x["measure_id"] == "security_guards"][0]
assert [(h["step"], h["by"]) for h in m["history"]] == [("commit", "trust"), ("install", "trust"),
    ("verify", "analyst"), ("verify", "coordinator")], m["history"]
assert m["installed_on"] == "2026-11-20" and m["verification_due"] is False, m
v = m["verification"]
assert (v["method"], v["verified_on"], v["reverify_by"], v["by"]) == ("test", "2027-12-15", "2029-12-15", "coordinator"), v'
# the register: staff training reduces arson (committed at the site by linking it); CCTV does
# not reduce cyber-physical sabotage
p lc-link 0 --db lc.db register set VM-012 arson --treatment reduce --measures staff_awareness_training --as trust
p lc-link-at 0 --db lc.db measures at VM-012
out_has "  committed by its owner (no plan)"
out_has "staff_awareness_training accepted  -"
p lc-link-cctv 65 --db lc.db register set VM-012 cyber_physical --treatment reduce --measures cctv --as trust
err_line "protect: measures: measure cctv (CCTV with monitored control room) does not reduce the risk of Cyber-physical sabotage (cyber_physical): the catalogue gives it no effect on that threat; link a measure that reduces it"
p lc-link-coordinator 77 --db lc.db register set VM-012 arson --measures insider_vetting --as coordinator
err_line "protect: measures: measure insider_vetting is not at VM-012, and linking it would commit it there: only the site's owner commits a measure (or a saved plan proposes it)"
