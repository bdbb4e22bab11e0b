# busy.py - a busy registry is not an error: while another connection holds the write
# lock, writes, log-ins and audited reads answer 503 with Retry-After and say that nothing
# was changed; the server logs each 5xx as one line; once the lock is gone the retry is made.
import os
import re
import shutil
import sqlite3
import tempfile

from httplib import Client, Server, run_protect

BUSY_WAIT_MS = 300  # serve --busy-wait: the bounded wait, short to keep the test quick
LOG_LINE = re.compile(r"^protect serve: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (\S+) (\S+) (\d{3}) (\S+)$")


class WriteLock:
    """The registry's write lock held from outside, as a CLI import holds it."""

    def __init__(self, db):
        self.conn = sqlite3.connect(db, timeout=10, isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self):
        self.conn.execute("ROLLBACK")
        self.conn.close()


def check_busy(res, r, what):
    res.eq(r.status, 503, what)
    ra = r.header("retry-after")
    res.check(ra is not None and ra.isdigit() and int(ra) > 0, "%s: Retry-After %r" % (what, ra))
    msg = (r.json or {}).get("error", "")
    res.check("the registry is busy" in msg and "nothing was changed" in msg,
              "%s: the message says busy and nothing changed: %r" % (what, r.body))
    res.check("locked" not in msg and "BEGIN" not in msg, "%s: no SQLite words: %r" % (what, msg))


def t_busy(res, port, protect, db):
    del port, db  # a server and registry of its own: the lock would stall the shared one
    work = tempfile.mkdtemp(prefix="pt_busy_")
    srv = None
    lock = None
    try:
        reg = os.path.join(work, "busy.db")
        rc, _, err = run_protect(protect, "--db", reg, "demo")
        if not res.check(rc == 0, "protect demo: %s" % err):
            return
        srv = Server(protect, reg, ["--threads", "2", "--busy-wait", str(BUSY_WAIT_MS)]).start()
        op = Client(srv.port)
        co = Client(srv.port)
        res.eq(op.login("operator", "demo-operator").status, 200, "operator logs in")
        res.eq(co.login("coordinator", "demo-coordinator").status, 200, "coordinator logs in")
        before = (op.get("/api/v1/sites/VM-003").json or {}).get("peak_occupancy")
        res.check(isinstance(before, int), "VM-003 has a peak occupancy: %r" % before)

        lock = WriteLock(reg)
        r = op.request("PATCH", "/api/v1/sites/VM-003", {"peak_occupancy": before + 1})
        check_busy(res, r, "PATCH while the registry is busy")
        r = Client(srv.port).login("analyst", "demo-analyst")
        check_busy(res, r, "a correct log-in while the registry is busy")
        r = co.get("/api/v1/sites/VM-001")  # TLP:AMBER: the read writes its audit entry
        check_busy(res, r, "an audited read while the registry is busy")
        r = co.get("/api/v1/sites?limit=7&offset=0")  # the list reads AMBER sites: audited
        check_busy(res, r, "an audited list while the registry is busy")
        # A read that writes nothing is answered meanwhile, and the busy PATCH left nothing.
        r = op.get("/api/v1/sites/VM-003")
        res.eq(r.status, 200, "a plain read while the registry is busy")
        res.eq((r.json or {}).get("peak_occupancy"), before, "the busy PATCH changed nothing")
        lock.release()
        lock = None

        r = op.request("PATCH", "/api/v1/sites/VM-003", {"peak_occupancy": before + 1})
        res.eq(r.status, 200, "the PATCH retried once the lock is gone")
        res.eq((op.get("/api/v1/sites/VM-003").json or {}).get("peak_occupancy"), before + 1,
               "the retried PATCH is made")
        an = Client(srv.port)
        res.eq(an.login("analyst", "demo-analyst").status, 200, "the log-in retried")
        res.eq(an.get("/api/v1/session").status, 200, "the retried log-in's session works")
        res.eq(co.get("/api/v1/sites/VM-001").status, 200, "the audited read retried")
        res.eq(co.get("/api/v1/sites?limit=7&offset=0").status, 200, "the audited list retried")
    finally:
        if lock:
            lock.release()
        out = err = ""
        if srv:
            status, out, err = srv.stop()
            res.eq(status, 0, "the busy server's exit status")
        shutil.rmtree(work, ignore_errors=True)

    # One line on stderr per 5xx answered, naming the route's pattern and the cause, no data.
    logged = [LOG_LINE.match(line) for line in err.splitlines()
              if re.match(r"protect serve: \d{4}-", line)]  # not libmicrohttpd's own messages
    res.check(all(logged), "every server log line has the documented shape: %r" % err[-600:])
    got = [m.groups() for m in logged if m]
    want = [("PATCH", "/api/v1/sites/{id}", "503", "PT_EBUSY"),
            ("POST", "/api/v1/session", "503", "PT_EBUSY"),
            ("GET", "/api/v1/sites/{id}", "503", "PT_EBUSY"),
            ("GET", "/api/v1/sites", "503", "PT_EBUSY")]
    res.eq(got, want, "the 5xx log lines, one per 503 and none for the answers that succeeded")
    for secret in ("VM-003", "VM-001", "limit", "analyst", "coordinator", "operator", "demo-",
                   "peak_occupancy"):
        res.check(secret not in err, "the server log holds %r: %r" % (secret, err[-600:]))


TESTS = [("busy", t_busy)]
