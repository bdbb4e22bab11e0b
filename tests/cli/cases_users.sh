# cases_users.sh - command-line cases of organisations, users and the audit
# log (`protect org`, `protect user`, `protect audit`), sourced by tests/cli/run
# after cases.sh (cwd is a scratch directory; p, err_line, out_has... are defined there).

# --- the demo's organisations and users ----------------------------------------
p u-demo 0 --db u.db demo
out_has "u.db: demo region loaded (9 organisations, 16 users; log-ins in README.md)"
if [ "$(stat -c %a u.db.key 2>/dev/null)" = 600 ]; then ok; else bad "u.db.key missing or not mode 600"; fi
p u-org-list 0 --db u.db org list
out_has "government       Vellmark Ministry of the Interior"
out_has "government       Vellmark National Police"
out_has "private_security Sentinel Guarding Services"
out_has "ngo              Orrinford Community Relief"
if grep -qE '^ +[0-9]+  operator +Northgate Utilities +Sentinel Guarding Services$' u-org-list.out; then ok; else
	bad "Northgate Utilities does not name Sentinel Guarding Services as its partner: $(cat u-org-list.out)"; fi
out_has "operator         Vellmark Hospitals Trust"
out_has "9 organisations"
p u-user-list 0 --db u.db user list --format csv
out_has "name,role,organisation,organisation_type"
out_has "coordinator,coordinator,Vellmark Ministry of the Interior,government"
out_has "security,operator,Sentinel Guarding Services,private_security"
out_has "trust,operator,Vellmark Hospitals Trust,operator"
out_has "trust-admin,admin,Vellmark Hospitals Trust,operator"
for role in admin coordinator analyst operator viewer pio facilitator player evaluator; do
	if awk -F, -v r="$role" 'NR > 1 && $2 == r { found = 1 } END { exit !found }' u-user-list.out; then ok; else
		bad "no demo user has the role $role"; fi
done
if [ "$(wc -l < u-user-list.out)" -eq 17 ]; then ok; else bad "expected 16 demo users"; fi
# Every TLP label has sites; the RED ones name a reader (entries in the log).
p u-sites-red 0 --db u.db export sites --format csv --max-tlp RED
for tlp in CLEAR GREEN AMBER AMBER+STRICT RED; do
	# the label, then the nine optional columns of issue 11 (staff ... legal_basis) and issue 16's
	# emergency_department
	if grep -qE ",${tlp//+/[+]}(,[^,]*){10}\$" u-sites-red.out; then ok; else bad "no demo site is $tlp"; fi
done
p u-audit-demo 0 --db u.db audit list --limit 200 --format csv
out_has ",system administrator,,registry.seed,"
out_has ",sites.import,sites,"
out_has ",assessments.import,quant_assessments,"
out_has ",user.create,users,coordinator,coordinator of Vellmark Ministry of the Interior"
out_has ",org.partners,organisations,"
out_has ",site.reader.add,sites,VM-"
# Demo again: refreshed, nobody added twice, and still intact.
p u-demo-again 0 --db u.db demo
p u-user-list-2 0 --db u.db user list
out_has "16 users"
p u-verify-demo 0 --db u.db audit verify
out_has "audit log intact:"

# --- users ------------------------------------------------------------------------
printf 'a-long-secret\n' > pw.txt
printf 'short\n' > pw-short.txt
: > pw-empty.txt
p u-add 0 --db u.db user add alice --org "Harbourlight Group" --role analyst < pw.txt
out_has "user alice added: analyst of Harbourlight Group"
p u-add-stdin-flag 0 --db u.db user add bob --org "Orrinford Community Relief" --role viewer --password-stdin < pw.txt
p u-add-dup 65 --db u.db user add alice --org "Harbourlight Group" --role viewer < pw.txt
err_line 'protect: name: a user named "alice" exists'
p u-add-short 65 --db u.db user add carol --org "Harbourlight Group" --role viewer < pw-short.txt
err_line "protect: password: a password is 8 to 1024 bytes"
p u-add-empty 65 --db u.db user add carol --org "Harbourlight Group" --role viewer < pw-empty.txt
err_line "protect: no password given (it is read from standard input)"
p u-add-bad-role 64 --db u.db user add carol --org "Harbourlight Group" --role boss < pw.txt
err_has "'boss' is not a role"
p u-add-no-org 64 --db u.db user add carol --role viewer < pw.txt
err_has "user add needs NAME, --org ORGANISATION and --role ROLE"
p u-add-unknown-org 65 --db u.db user add carol --org "Nowhere Ltd" --role viewer < pw.txt
err_line "protect: no organisation named \"Nowhere Ltd\"; 'protect org list' shows them"
p u-add-bad-name 65 --db u.db user add "carol smith" --org "Harbourlight Group" --role viewer < pw.txt
err_has "a user name is 1-63 characters"
p u-list-org 0 --db u.db user list --org "Harbourlight Group"
out_has "alice"
out_has "harbour"
out_lacks "coordinator"
out_has "3 users"
p u-list-json 0 --db u.db user list --format json
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); a=[u for u in d if u["name"]=="alice"][0]; assert a["role"]=="analyst" and a["organisation"]["name"]=="Harbourlight Group" and len(d)==18' u-list-json.out; then ok; else bad "user list json"; fi
if grep -q "a-long-secret" u-list-json.out; then bad "the password shows in the list"; else ok; fi
printf 'another-secret\n' > pw2.txt
p u-passwd 0 --db u.db user passwd alice < pw2.txt
out_has "password of alice changed; its sessions ended"
p u-passwd-unknown 65 --db u.db user passwd nobody < pw2.txt
err_has 'no user named "nobody"'
p u-role 0 --db u.db user role alice operator
out_has "alice is now operator"
p u-role-bad 64 --db u.db user role alice boss
p u-user-what 64 --db u.db user delete alice
p u-audit-users 0 --db u.db audit list --limit 4 --format csv
out_has ",user.role,users,alice,role: analyst -> operator; sessions ended"
out_has ",user.password,users,alice,password changed; sessions ended"
if grep -q "another-secret" u-audit-users.out; then bad "a password reached the audit log"; else ok; fi
# The hash, never the password, is stored.
if command -v sqlite3 >/dev/null; then
	if [ "$(sqlite3 u.db "SELECT count(*) FROM users WHERE password_hash LIKE '\$argon2id\$%' AND instr(password_hash, 'secret') = 0")" = 18 ]; then ok; else
		bad "passwords not all stored as argon2id hashes"; fi
fi

# --- organisations ------------------------------------------------------------------
p o-add 0 --db u.db org add "Brackwater Hospital Trust" --type operator --partner "Sentinel Guarding Services"
out_has "organisation Brackwater Hospital Trust added"
p o-add-dup 65 --db u.db org add "Brackwater Hospital Trust" --type ngo
err_line 'protect: name: an organisation named "Brackwater Hospital Trust" exists'
p o-add-no-type 64 --db u.db org add "Somewhere" 
p o-add-bad-type 64 --db u.db org add "Somewhere" --type club
err_has "'club' is not government, operator, private_security or ngo"
p o-add-bad-partner 65 --db u.db org add "Somewhere" --type ngo --partner "Nobody"
err_line "protect: no organisation named \"Nobody\"; 'protect org list' shows them"
# ... and the organisation was not created either (all or nothing).
p o-list-1 0 --db u.db org list --format csv
out_lacks "Somewhere"
out_has ",Brackwater Hospital Trust,operator,8"
p o-set-type 0 --db u.db org set "Orrinford City Council" --type government
out_has "organisation Orrinford City Council changed"
p o-set-rename 0 --db u.db org set "Brackwater Hospital Trust" --name "Brackwater Health Trust"
p o-set-partners 0 --db u.db org set "Brackwater Health Trust" --partner "Orrinford Community Relief" --partner "Sentinel Guarding Services"
p o-list-2 0 --db u.db org list --format json
if /usr/bin/python3 -c '
import json,sys
d={o["name"]: o for o in json.load(open(sys.argv[1]))}
t=d["Brackwater Health Trust"]
assert t["type"]=="operator" and sorted(t["partners"])==sorted([d["Orrinford Community Relief"]["id"], d["Sentinel Guarding Services"]["id"]])
assert d["Orrinford City Council"]["type"]=="government"
assert d["Sentinel Guarding Services"]["partners"]==[]' o-list-2.out; then ok; else bad "org list json after set: $(cat o-list-2.out)"; fi
p o-set-self 65 --db u.db org set "Brackwater Health Trust" --partner "Brackwater Health Trust"
err_line "protect: partners: an organisation cannot be its own partner"
p o-set-none 0 --db u.db org set "Brackwater Health Trust" --no-partners
p o-set-nothing 64 --db u.db org set "Brackwater Health Trust"
p o-set-unknown 65 --db u.db org set "Nowhere" --type ngo
p o-set-taken 65 --db u.db org set "Brackwater Health Trust" --name "Harbourlight Group"
p o-audit 0 --db u.db audit list --limit 10 --format csv
out_has ",org.update,organisations,"
out_has ",type: operator -> government"
out_has ",name: Brackwater Hospital Trust -> Brackwater Health Trust"
out_has ",org.partners,organisations,"
out_has ",partners: none"

# --- audit list and verify ---------------------------------------------------------------
p a-list 0 --db u.db audit list --limit 3
if [ "$(grep -cE '^ +[0-9]+  20' a-list.out)" -eq 3 ]; then ok; else bad "audit list --limit 3 did not show 3 entries"; fi
out_has "3 of "
p a-list-bad-limit 64 --db u.db audit list --limit 0
p a-list-bad-format 64 --db u.db audit list --format xml
p a-what 64 --db u.db audit erase
p a-verify 0 --db u.db audit verify
out_has "audit log intact:"
p a-verify-extra 64 --db u.db audit verify now

# Tampering with the database behind protect's back (the sqlite3 shell) is detected.
if ! command -v sqlite3 >/dev/null; then
	bad "the sqlite3 command is missing (scripts/install-deps installs it); the tampering cases did not run"
else
	last=$(sqlite3 u.db "SELECT max(seq) FROM audit_log")
	tamper_case() { # tamper_case NAME SQL EXPECTED-MESSAGE
		cp u.db t.db
		cp u.db.key t.db.key
		rm -f t.db-wal t.db-shm
		sqlite3 t.db "$2"
		p "a-tamper-$1" 65 --db t.db audit verify
		err_has "protect: audit log NOT intact: $3"
	}
	tamper_case edit "UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 10" \
		"entry 10 fails its MAC"
	tamper_case edit-user "UPDATE audit_log SET user_name = 'coordinator' WHERE seq = 12" \
		"entry 12 fails its MAC"
	tamper_case delete "DELETE FROM audit_log WHERE seq = 7" "entry 7 missing before entry 8 (deleted)"
	tamper_case reorder "UPDATE audit_log SET seq = 999999 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = 999999" \
		"entry 4 fails its MAC"
	tamper_case insert "UPDATE audit_log SET seq = seq + 100000 WHERE seq >= 20; UPDATE audit_log SET seq = seq - 99999 WHERE seq >= 100000; INSERT INTO audit_log SELECT 20, time, user_id, user_name, org_id, action, record_table, 'forged', detail, mac FROM audit_log WHERE seq = 19" \
		"entry 20 fails its MAC"
	tamper_case tail "DELETE FROM audit_log WHERE seq >= $((last - 1))" \
		"the log ends at entry $((last - 2)), but the key file records entry $last as its last: the tail was deleted"
	# ... and no write goes on top of a deleted tail.
	p a-tail-write 74 --db t.db threat-level set SEVERE --rationale test
	err_has "entries were deleted, so no write is allowed"

	# A lost key file stops writes and says what to do; rekey starts a new chain.
	cp u.db k.db
	rm -f k.db-wal k.db-shm k.db.key
	p a-lost-key-write 74 --db k.db config set quant.samples 500
	err_line "protect: k.db.key: the audit key file is missing, but the audit log holds $last entries, so no write is allowed; restore the key file from the backup made with the database, or run 'protect audit rekey' to start a new chain (the break is recorded)"
	p a-lost-key-unchanged 0 --db k.db config show
	if grep -q "^quant.samples  *500 " a-lost-key-unchanged.out; then bad "the write went through without its audit entry"; else ok; fi
	p a-lost-key-verify 66 --db k.db audit verify
	err_has "k.db.key: the audit key file is missing, so the log cannot be verified"
	p a-rekey 0 --db k.db audit rekey --reason "key file lost in the move"
	out_has "new audit chain started; key written to k.db.key"
	if [ "$(stat -c %a k.db.key 2>/dev/null)" = 600 ]; then ok; else bad "k.db.key not mode 600"; fi
	p a-rekey-verify 0 --db k.db audit verify
	out_has "audit log intact: $((last + 1)) entries, 1 verified, chain head at entry $((last + 1)), 1 rekey break"
	out_has "note: $last entries before a rekey break cannot be verified"
	p a-rekey-write 0 --db k.db config set quant.samples 500
	p a-rekey-list 0 --db k.db audit list --limit 2 --format csv
	out_has ",audit.rekey,audit_log,,"
	out_has "reason: key file lost in the move"
	out_has ",setting.set,settings,quant.samples,500"

	# A wrong key file (another registry's) stops writes too.
	cp u.db w.db
	rm -f w.db-wal w.db-shm
	cp k.db.key w.db.key
	p a-wrong-key-write 74 --db w.db threat-level set SEVERE --rationale test
	err_has "no write is allowed"
	err_has "protect audit rekey"
	p a-wrong-key-verify 65 --db w.db audit verify
fi

# --- issue 10: password rules, user names without regard to case, the second factor ----------
# (on a registry of its own: the cases above tamper with u.db)
p f-demo 0 --db f.db demo
p f-sf-demo 0 --db f.db user second-factor
out_has "second factor optional"
printf 'password1\n' > pw-common.txt
p f-add-common 65 --db f.db user add carla --org "Harbourlight Group" --role viewer < pw-common.txt
err_has "protect: password: too easy to guess: The password fails the dictionary check"
printf 'carla-2025!\n' > pw-name.txt
p f-add-own-name 65 --db f.db user add carla --org "Harbourlight Group" --role viewer < pw-name.txt
err_has "The password contains the user name in some form"
printf 'demo-carla\n' > pw-demo.txt
p f-add-demo-pattern 0 --db f.db user add carla --org "Harbourlight Group" --role viewer < pw-demo.txt
p f-add-case 65 --db f.db user add CARLA --org "Harbourlight Group" --role viewer < pw.txt
err_line 'protect: name: a user named "carla" exists (names are compared without regard to case)'
p f-passwd-case 0 --db f.db user passwd Carla < pw.txt
out_has "password of carla changed"
# a second factor enrolled (the page enrols; here the row is written directly)
/usr/bin/python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO user_totp (user_id, secret, confirmed, last_step, created) SELECT id, ?, 1, -1, 0 FROM users WHERE name = ?", ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "coordinator"))
c.execute("INSERT INTO user_totp (user_id, secret, confirmed, last_step, created) SELECT id, ?, 0, -1, 0 FROM users WHERE name = ?", ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "evaluator"))
for h in ("a" * 64, "b" * 64):
    c.execute("INSERT INTO recovery_codes (user_id, code_hash) SELECT id, ? FROM users WHERE name = ?", (h, "coordinator"))
c.commit()
' f.db
# user list shows who has a second factor, in every format
p f-list-sf 0 --db f.db user list --format csv
out_line "coordinator,coordinator,Vellmark Ministry of the Interior,government,enrolled,2"
out_line "analyst,analyst,Vellmark Ministry of the Interior,government,none,0"
out_line "evaluator,evaluator,Vellmark Ministry of the Interior,government,pending,0"
p f-list-sf-table 0 --db f.db user list
out_line "name                 role         type             second_factor codes organisation"
out_line "coordinator          coordinator  government       enrolled          2 Vellmark Ministry of the Interior"
p f-list-sf-json 0 --db f.db user list --format json
out_has '"second_factor": "enrolled",'
out_has '"recovery_codes_left": 2'
p f-reset 0 --db f.db user reset-2fa COORDINATOR
out_line "second factor of coordinator reset; its sessions ended; it sets up a new one at its next log-in"
# none left: said so, exit 0, not audited
p f-reset-none 0 --db f.db user reset-2fa Coordinator
out_line "coordinator has no second factor; nothing to reset"
p f-reset-none-audit 0 --db f.db audit list --format csv
if [ "$(grep -c ',user.second_factor.reset,' f-reset-none-audit.out)" = 1 ]; then ok; else
	bad "expected one user.second_factor.reset entry: $(grep ',user.second_factor' f-reset-none-audit.out)"
fi
p f-reset-unknown 65 --db f.db user reset-2fa nobody
err_has 'no user named "nobody"'
p f-reset-usage 64 --db f.db user reset-2fa
p f-sf-set 0 --db f.db user second-factor required
out_has "second factor required for admins, coordinators and analysts"
p f-sf-bad 64 --db f.db user second-factor always
p f-audit 0 --db f.db audit list --limit 4 --format csv
out_has ",user.second_factor.reset,users,coordinator,second factor and recovery codes removed; sessions ended"
out_has ",registry.login_setting,auth_settings,second_factor,second_factor: optional -> required"
p f-init 0 --db g.db init
p f-sf-init 0 --db g.db user second-factor
out_has "second factor required for admins, coordinators and analysts"
