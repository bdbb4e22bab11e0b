# cases_ops.sh - what a system administrator meets on a deployment day: the registry file
# private to its owner, the help's exit statuses, threat-level without an action, names
# in their stored spelling. Sourced by tests/cli/run.

# --- the registry file is created 0600 (it holds password hashes and second-factor keys) ----
mode_of() { stat -c %a "$1" 2>/dev/null; }
(
	umask 022
	"$PROTECT" --db ops.db init >ops-init.out 2>ops-init.err
	"$PROTECT" --db ops-demo.db demo >ops-demo.out 2>ops-demo.err
)
current=ops-init-mode
for f in ops.db ops.db.key ops-demo.db ops-demo.db.key; do
	if [ "$(mode_of "$f")" = 600 ]; then ok; else bad "$f has mode $(mode_of "$f"), expected 600"; fi
done
# the -wal and -shm files take the database file's mode (SQLite), while a command holds them
/usr/bin/python3 -c '
import sqlite3, sys, os
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA journal_mode=WAL")
c.execute("SELECT count(*) FROM users").fetchall()
for suffix in ("-wal", "-shm"):
    p = sys.argv[1] + suffix
    print(suffix, oct(os.stat(p).st_mode & 0o777) if os.path.exists(p) else "absent")
' ops.db >ops-wal.out 2>&1
current=ops-wal-mode
if grep -qx -- '-wal 0o600' ops-wal.out && grep -qx -- '-shm 0o600' ops-wal.out; then ok; else
	bad "-wal/-shm modes: $(cat ops-wal.out)"
fi
# an existing file keeps its mode; a registry readable by others is warned about, not refused
chmod 644 ops.db
p ops-exposed-write 0 --db ops.db threat-level set SEVERE --rationale test
err_line "protect: warning: ops.db can be read or written by users other than its owner (mode 0644); it holds password hashes and second-factor keys: make it private with 'chmod 600 ops.db ops.db-wal ops.db-shm'"
if [ "$(mode_of ops.db)" = 644 ]; then ok; else bad "ops.db mode changed to $(mode_of ops.db)"; fi
chmod 600 ops.db
p ops-private-write 0 --db ops.db threat-level set SUBSTANTIAL --rationale test
if [ -s ops-private-write.err ]; then bad "stderr not empty: $(cat ops-private-write.err)"; else ok; fi

# --- help names every exit status; threat-level alone shows the level -------------------------
p ops-help 0 help
out_has "75 busy (try again), 77 forbidden."
p ops-level-bare 0 --db ops.db threat-level
out_has "national threat level: SUBSTANTIAL (attempt probabilities"
p ops-level-show 0 --db ops.db threat-level show
same_files ops-level-bare.out ops-level-show.out
p ops-level-extra 64 --db ops.db threat-level show now

# --- names answer in their stored spelling; a clash names the user that exists -----------------
printf 'Correct-Horse-Battery-41\n' > ops-pw.txt
p ops-add-clash 65 --db ops-demo.db user add Admin --org "Vellmark Ministry of the Interior" --role viewer --password-stdin < ops-pw.txt
err_line 'protect: name: a user named "admin" exists (names are compared without regard to case)'
p ops-add-same 65 --db ops-demo.db user add admin --org "Vellmark Ministry of the Interior" --role viewer --password-stdin < ops-pw.txt
err_line 'protect: name: a user named "admin" exists'
p ops-role-case 0 --db ops-demo.db user role ANALYST analyst
out_line "analyst is now analyst; its sessions ended"
p ops-reset-none 0 --db ops-demo.db user reset-2fa PIO
out_line "pio has no second factor; nothing to reset"

# --- audit list: the action column holds the longest action the program writes ---------------
current=ops-audit-width
longest=$(grep -rhoE "[\"'][a-z_]+(\.[a-z_]+)+[\"']" "$top/src/store" "$top/src/app" | tr -d "\"'" |
	grep -vE '\.(h|c|sql|db|key|md|csv|json|geojson)$' | awk '{ if (length($0) > n) n = length($0) } END { print n }')
width=$(sed -n 's/^#define AUDIT_ACTION_WIDTH \([0-9]*\)$/\1/p' "$top/src/cli/cmd_audit.c")
if [ -n "$longest" ] && [ -n "$width" ] && [ "$longest" -le "$width" ]; then ok; else
	bad "the longest audit action ($longest characters) does not fit the column ($width)"
fi
p ops-sf-required 0 --db ops-demo.db user second-factor required
p ops-audit-table 0 --db ops-demo.db audit list --limit 1
if grep -qE '  registry\.login_setting      auth_settings' ops-audit-table.out; then ok; else
	bad "the action cut or misplaced: $(cat ops-audit-table.out)"
fi
out_has "seq  time (UTC)            user                   action                      record"

# --- a global --busy-wait (or PROTECT_BUSY_WAIT): scripts beside long writes wait longer --------
p ops-busy-init 0 --db ops-busy.db init
hold_lock ops-busy.db
p ops-busy-short 75 --busy-wait 100 --db ops-busy.db threat-level set SEVERE --rationale test
err_has "the registry is busy with another write; nothing was changed"
# a wait longer than the default 5 s: the lock goes after 6 s, the write waits and is made
( sleep 6; touch busy.release ) &
p ops-busy-long 0 --busy-wait 30000 --db ops-busy.db threat-level set SEVERE --rationale test
out_line "national threat level: SEVERE (was SUBSTANTIAL, the default)"
wait "$busy_holder"
wait
hold_lock ops-busy.db
current=ops-busy-env
PROTECT_BUSY_WAIT=100 "$PROTECT" --db ops-busy.db threat-level set LOW --rationale test >ops-busy-env.out 2>ops-busy-env.err
st=$?
if [ "$st" = 75 ]; then ok; else bad "PROTECT_BUSY_WAIT=100: exit $st, expected 75"; fi
release_lock
p ops-busy-zero 64 --busy-wait 0 --db ops-busy.db threat-level
err_line "protect: --busy-wait: '0' is not milliseconds 1-60000"
current=ops-busy-env-bad
PROTECT_BUSY_WAIT=soon "$PROTECT" --db ops-busy.db threat-level >ops-busy-env-bad.out 2>ops-busy-env-bad.err
st=$?
if [ "$st" = 64 ]; then ok; else bad "PROTECT_BUSY_WAIT=soon: exit $st, expected 64"; fi
err_line "protect: PROTECT_BUSY_WAIT: 'soon' is not milliseconds 1-60000"
p ops-busy-eq 0 --busy-wait=2000 --db ops-busy.db threat-level
out_has "national threat level: SEVERE"
