# cases_busy.sh - a busy registry is not an error: a command that writes while another
# connection holds the write lock waits PT_BUSY_WAIT_MS, then exits 75 (EX_TEMPFAIL) saying
# nothing was changed; the retry once the lock is gone is made. Sourced by tests/cli/run.

# --- busy registry ----------------------------------------------------------------
# (hold_lock and release_lock are defined in tests/cli/run)
busy_msg="the registry is busy with another write; nothing was changed, so it is safe to try again in a moment"

p busy-init 0 --db busy.db init
cp "$DATA/sites_small.csv" busy_sites.csv
hold_lock busy.db
p busy-import 75 --db busy.db import sites busy_sites.csv
err_line "protect: busy_sites.csv: $busy_msg"
err_line "protect: busy_sites.csv: nothing imported"
release_lock
p busy-nothing-imported 0 --db busy.db sites list
out_has "0 sites"
p busy-import-retry 0 --db busy.db import sites busy_sites.csv
out_has "busy_sites.csv: 4 sites imported (4 created, 0 updated)"
# The server's wait is an option within bounds (checked before anything listens).
p busy-wait-zero 64 --db busy.db serve --busy-wait 0
err_line "protect serve: --busy-wait: '0' is not milliseconds 1-60000"
p busy-wait-too-long 64 --db busy.db serve --busy-wait 60001
err_line "protect serve: --busy-wait: '60001' is not milliseconds 1-60000"
