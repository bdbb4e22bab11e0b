# cases_audit.sh - command-line cases of audit that cannot be switched off (a
# trigger on the audit table, a deleted last entry), the key file's permissions,
# `audit verify` on a read-only copy as an unprivileged user, and refused writes
# audited; sourced by tests/cli/run (cwd is a scratch directory; p, err_line,
# out_has... are defined there).

p au-demo 0 --db au.db demo
au_entries=$(sqlite3 au.db "SELECT count(*) FROM audit_log" 2>/dev/null)

# --- a refused write leaves an entry "refused": who, what, why; not the refused data ------
p au-refused 77 --db au.db register set VM-001 vehicle_ramming --treatment accept \
	--note "secret plan B" --as viewer
err_line "protect: only the owning organisation or a government coordinator records decisions on VM-001"
p au-refused-list 0 --db au.db audit list --limit 1 --format csv
out_has ",viewer,Northgate Utilities,refused,risk_register,VM-001/vehicle_ramming,register.set: only the owning organisation or a government coordinator records decisions on VM-001"
out_lacks "secret plan B"
p au-refused-register 0 --db au.db register list --format csv
out_lacks "secret plan B"
p au-refused-verify 0 --db au.db audit verify
out_has "audit log intact: $((au_entries + 1)) entries"
au_entries=$((au_entries + 1))

if ! command -v sqlite3 >/dev/null; then
	bad "the sqlite3 command is missing (scripts/install-deps installs it); the audit tampering cases did not run"
else
	# --- a trigger that ignores inserts into the audit table: writes are refused ----------
	au_tamper() { # au_tamper NAME SQL: t.db, a copy of au.db with SQL run on it
		cp au.db "t-$1.db"
		cp au.db.key "t-$1.db.key"
		sqlite3 "t-$1.db" "$2"
	}
	au_tamper ignore "CREATE TRIGGER audit_off BEFORE INSERT ON audit_log BEGIN SELECT RAISE(IGNORE); END;"
	p au-ignore-write 74 --db t-ignore.db threat-level set SEVERE --rationale test
	err_line "protect: the audit table audit_log did not keep entry $((au_entries + 1)) as written (its insert wrote no row): a trigger or another change to the database file is suppressing or rewriting audit entries, so no write is allowed and this one was rolled back; run 'protect audit verify'"
	p au-ignore-level 0 --db t-ignore.db threat-level show
	out_has "national threat level: SUBSTANTIAL"
	if [ "$(sqlite3 t-ignore.db "SELECT count(*) FROM audit_log")" = "$au_entries" ]; then ok; else
		bad "the refused write changed the audit log"; fi
	p au-ignore-verify 65 --db t-ignore.db audit verify
	err_line "protect: audit log NOT intact: the database has a trigger \"audit_off\" on table audit_log that protect's schema does not make: a trigger on or naming the audit tables can suppress, rewrite or delete audit entries; find out who made it, and remove it (DROP TRIGGER)"
	# ... one that rewrites the inserted row, and one that deletes it
	au_tamper rewrite "CREATE TRIGGER audit_off AFTER INSERT ON audit_log BEGIN UPDATE audit_log SET detail = 'nothing' WHERE seq = NEW.seq; END;"
	p au-rewrite-write 74 --db t-rewrite.db config set quant.samples 500
	err_has "did not keep entry $((au_entries + 1)) as written (it was changed after its insert)"
	p au-rewrite-config 0 --db t-rewrite.db config show
	if grep -q "^quant.samples  *500 " au-rewrite-config.out; then bad "the write went through without its audit entry"; else ok; fi
	au_tamper delete "CREATE TRIGGER audit_off AFTER INSERT ON audit_log BEGIN DELETE FROM audit_log WHERE seq = NEW.seq; END;"
	p au-delete-write 74 --db t-delete.db threat-level set SEVERE --rationale test
	err_has "did not keep entry $((au_entries + 1)) as written (it is gone after its insert)"
	# --- the last entry deleted: verify names the key file's count and the table's -------
	au_tamper last "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log);"
	p au-last-verify 65 --db t-last.db audit verify
	err_has "(the key file records $au_entries entries, the table holds $((au_entries - 1)))"
	p au-last-write 74 --db t-last.db threat-level set SEVERE --rationale test
	err_has "entries were deleted, so no write is allowed"
	# --- a trigger hidden by an edit of its type (PRAGMA writable_schema): verify names it ----
	au_hide="PRAGMA writable_schema = ON; UPDATE sqlite_master SET type = 'TRIGGER' WHERE name = 't3';"
	au_tamper hidden "CREATE TRIGGER t3 BEFORE INSERT ON audit_records BEGIN SELECT RAISE(IGNORE); END; $au_hide"
	p au-hidden-verify 65 --db t-hidden.db audit verify
	err_line "protect: audit log NOT intact: the database has a trigger \"t3\" on audit_records naming the audit tables that protect's schema does not make, hidden as type \"TRIGGER\" (the schema was edited with PRAGMA writable_schema): it can suppress, rewrite or delete audit entries; find out who made it, and remove it (DROP TRIGGER, after setting its type back) or restore the database from a backup"
	# ... and what it does: a write naming a RED site does not get through without the record it covers
	p au-hidden-write 74 --db t-hidden.db register set VM-004 vbied_large --treatment accept --review-date 2027-03-31
	err_line "protect: the audit table audit_records did not keep record \"VM-004\" of entry $((au_entries + 1)) (its insert wrote no row): a trigger or another change to the database file is suppressing the records audit entries cover, so no write is allowed and this one was rolled back; run 'protect audit verify'"
	if [ "$(sqlite3 t-hidden.db "SELECT count(*) FROM audit_log")" = "$au_entries" ]; then ok; else
		bad "the refused write changed the audit log"; fi
	# ... the same on audit_log: writes refused, verify names the trigger
	au_tamper hidlog "CREATE TRIGGER t3 BEFORE INSERT ON audit_log BEGIN SELECT RAISE(IGNORE); END; $au_hide"
	p au-hidlog-write 74 --db t-hidlog.db threat-level set SEVERE --rationale test
	err_has "the audit table audit_log did not keep entry $((au_entries + 1)) as written (its insert wrote no row)"
	p au-hidlog-verify 65 --db t-hidlog.db audit verify
	err_has "protect: audit log NOT intact: the database has a trigger \"t3\" on audit_log naming the audit tables that protect's schema does not make, hidden as type \"TRIGGER\""
	# ... a view over the audit table
	au_tamper view "CREATE VIEW entries AS SELECT * FROM Audit_Log;"
	p au-view-verify 65 --db t-view.db audit verify
	err_has "the database has a view \"entries\" on entries naming the audit tables that protect's schema does not make"
	# --- the records an entry covers deleted: verify names the entry and the record ------------
	# (the last entry is the refused register.set on VM-001 above: it covers VM-001)
	au_tamper records "DELETE FROM audit_records WHERE seq = (SELECT max(seq) FROM audit_log);"
	p au-records-verify 65 --db t-records.db audit verify
	err_has "protect: audit log NOT intact: entry $au_entries names record sites \"VM-001\", but the table audit_records does not hold it among the records the entry covers: they were deleted, or their insert suppressed (the audit list withholds the entry from every reader but the system administrator)"
fi

# --- a key file readable by others: writes and serve refuse it, verify warns ---------------
cp au.db km.db
cp au.db.key km.db.key
chmod 644 km.db.key
p au-keymode-write 74 --db km.db threat-level set SEVERE --rationale test
err_line "protect: km.db.key: the audit key file can be read or written by users other than its owner (mode 0644), so no write is allowed; make it private with 'chmod 600 km.db.key', and if others may have read it run 'protect audit rekey' (whoever holds the key can rewrite the log)"
p au-keymode-serve 74 --db km.db serve --port 0
err_has "km.db.key: the audit key file can be read or written by users other than its owner (mode 0644), so the server does not start"
p au-keymode-verify 0 --db km.db audit verify
out_has "audit log intact: $au_entries entries"
err_line "protect: warning: km.db.key can be read or written by users other than its owner (mode 0644); writes and 'protect serve' refuse it: make it private with 'chmod 600 km.db.key', and if others may have read it run 'protect audit rekey' (whoever holds the key can rewrite the log)"
chmod 600 km.db.key
p au-keymode-fixed 0 --db km.db threat-level set SEVERE --rationale test

# --- audit verify on a read-only copy, as an unprivileged user ------------------------------
# CI runs as root, which may write anything: the check runs as nobody, on a copy
# in a directory nobody may read but not write, the database file read-only.
if [ "$(id -u)" != 0 ]; then
	echo "SKIP au-readonly: not root, cannot run protect as nobody (the read-only verify case did not run)"
elif command -v setpriv >/dev/null; then
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
elif command -v runuser >/dev/null; then
	as_nobody() { runuser -u nobody -- "$@"; }
else
	echo "SKIP au-readonly: neither setpriv nor runuser is installed (the read-only verify case did not run)"
fi
if [ "$(id -u)" = 0 ] && command -v as_nobody >/dev/null; then
	ro=$(mktemp -d)
	cp "$PROTECT" "$ro/protect"
	cp au.db "$ro/r.db"
	cp au.db.key "$ro/r.db.key"
	rm -f "$ro/r.db-wal" "$ro/r.db-shm"
	# an older schema version, as on a copy made before an upgrade: verify must not migrate
	sqlite3 "$ro/r.db" "PRAGMA user_version = 8"
	chown nobody "$ro/r.db.key"
	chmod 400 "$ro/r.db.key"
	chmod 444 "$ro/r.db"
	chmod 555 "$ro"
	ro_run() { # ro_run NAME STATUS ARGS...: protect as nobody on the copy
		current=$1
		local want=$2
		shift 2
		as_nobody "$ro/protect" --db "$ro/r.db" "$@" >"$current.out" 2>"$current.err"
		local got=$?
		if [ "$got" -eq "$want" ]; then ok; else
			bad "exit status $got, expected $want (protect $* as nobody); stderr: $(head -c 600 "$current.err")"
		fi
	}
	ro_run au-readonly-verify 0 audit verify
	out_has "audit log intact: $au_entries entries, $au_entries verified, chain head at entry $au_entries"
	if [ "$(sqlite3 "$ro/r.db" "PRAGMA user_version")" = 8 ]; then ok; else bad "audit verify migrated the read-only copy"; fi
	if [ "$(ls "$ro" | wc -l)" -eq 3 ]; then ok; else bad "audit verify left files beside the copy: $(ls "$ro")"; fi
	ro_run au-readonly-write 74 threat-level set SEVERE --rationale test
	chmod 755 "$ro"
	rm -rf "$ro"
fi

# --- a temporary copy of the key file a killed writer left is removed by the next write ---
cp au.db st.db && cp au.db.key st.db.key && cp au.db.key st.db.key.Xk9q2Z && chmod 600 st.db.key.Xk9q2Z
p au-stale-temp 0 --db st.db threat-level set SEVERE --rationale test
if [ -e st.db.key.Xk9q2Z ]; then bad "a stale copy of the key file (st.db.key.Xk9q2Z) was left beside the database"; else ok; fi
if [ -e st.db.key ]; then ok; else bad "the key file itself was removed"; fi
p au-stale-verify 0 --db st.db audit verify
out_has "audit log intact"
