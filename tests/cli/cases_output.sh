# cases_output.sh - output that cannot be written (issue 10): a full disk, a closed
# descriptor or pipe ends every command with exit 74 and one message, never a silent 0.
# Sourced by tests/cli/run (p, err_line, ok, bad... are defined there).

p io-demo 0 --db io.db demo

# full NAME ARGS...: stdout on /dev/full; exit 74 and exactly one line on stderr.
full() {
	current=$1
	shift
	"$PROTECT" "$@" >/dev/full 2>"$current.err"
	local got=$?
	if [ "$got" -ne 74 ]; then
		bad "exit status $got writing to /dev/full, expected 74 (protect $*); stderr: $(head -c 600 "$current.err")"
		return
	fi
	ok
	if [ "$(cat "$current.err")" = "protect: cannot write to standard output: No space left on device" ]; then ok; else
		bad "stderr is not the one line about standard output (protect $*): $(head -c 600 "$current.err")"
	fi
}

if [ -w /dev/full ]; then
	# the commands of the issue, in every format they take
	for f in table csv json; do
		full "full-register-list-$f" --db io.db register list --format "$f"
		full "full-register-history-$f" --db io.db register history VM-029 pbied --format "$f"
		full "full-audit-list-$f" --db io.db audit list --format "$f"
		full "full-measures-list-$f" --db io.db measures list --format "$f"
		full "full-user-list-$f" --db io.db user list --format "$f"
		full "full-org-list-$f" --db io.db org list --format "$f"
	done
	for f in table csv json geojson; do
		full "full-sites-list-$f" --db io.db sites list --format "$f"
	done
	full full-config-show --db io.db config show
	full full-threat-level-show --db io.db threat-level show
	# and the others: the check is at the end of every run, not in each command
	for f in csv json geojson; do
		full "full-export-$f" --db io.db export sites --format "$f" --max-tlp RED
	done
	for f in table csv json; do
		full "full-assess-$f" --db io.db assess --method fema --format "$f"
		full "full-matrix-$f" --db io.db matrix --format "$f"
		full "full-measures-at-$f" --db io.db measures at VM-001 --format "$f"
		full "full-plan-list-$f" --db io.db plan list --format "$f"
	done
	for f in table csv json html; do
		full "full-plan-$f" --db io.db plan --budget 2000000 --format "$f"
	done
	full full-plan-frontier --db io.db plan --budget 2000000 --frontier --format csv
	full full-measures-export --db io.db measures export
	full full-measures-export-effects --db io.db measures export --effects
	full full-sites-show --db io.db sites show VM-001
	full full-version --version
	full full-help --help
	full full-help-cmd help assess
	# a command that fails on its own keeps its status (and wrote nothing)
	current=full-missing-db
	"$PROTECT" --db nowhere.db sites list >/dev/full 2>"$current.err"
	rc=$?
	if [ "$rc" = 66 ] && ! grep -q "standard output" "$current.err"; then ok; else
		bad "exit $rc for a missing database with stdout on /dev/full: $(cat "$current.err")"; fi
	# a write command whose report cannot be printed: the write is done, the exit says the report was lost
	current=full-level-set
	"$PROTECT" --db io.db threat-level set SEVERE --rationale test >/dev/full 2>"$current.err"
	rc=$?
	if [ "$rc" = 74 ] && grep -qx "protect: cannot write to standard output: No space left on device" "$current.err"; then ok; else
		bad "exit $rc setting the level with stdout on /dev/full: $(cat "$current.err")"; fi
	p full-level-after 0 --db io.db threat-level show
	out_has "SEVERE"
fi

# a closed standard output: exit 74 naming the cause; a command that writes nothing is fine
current=closed-version
"$PROTECT" --version >&- 2>"$current.err"
rc=$?
if [ "$rc" = 74 ] && [ "$(cat "$current.err")" = "protect: cannot write to standard output: Bad file descriptor" ]; then ok; else
	bad "exit $rc for --version with stdout closed: $(cat "$current.err")"; fi

# a pipe whose reader has gone, with SIGPIPE ignored (as under some supervisors): EPIPE is 74
current=closed-pipe
if msg=$(/usr/bin/python3 - "$PROTECT" <<'PY' 2>&1
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run([sys.argv[1], "--db", "io.db", "sites", "list", "--format", "json"],
                   stdout=w, stderr=subprocess.PIPE, restore_signals=False)
err = p.stderr.decode()
if p.returncode != 74 or err != "protect: cannot write to standard output: Broken pipe\n":
    sys.exit("exit %d, stderr %r" % (p.returncode, err))
PY
); then ok; else bad "closed pipe: $msg"; fi
