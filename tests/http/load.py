# load.py - a bounded load test (about 12 s): mixed reads and writes from several demo users on
# threads, one kill -9 of the server while an import is being written and a restart on the same
# database; then nothing acknowledged is lost: every 2xx write is there, every refused one is
# not, a write cut by the kill is there whole or not at all, the registry's counts (sites,
# organisations, plans, audit entries per action) match exactly, and `audit verify` is intact.
import csv
import http.client
import io
import os
import random
import shutil
import signal
import tempfile
import threading
import time

from httplib import Client, Server, run_protect

PHASE_S = 5.0           # load before the kill, and again after the restart
IMPORT_ROWS = 300       # rows of each import of the coordinator (the writes the kill cuts)
KILL_AFTER_S = (0.002, 0.04)  # the kill comes this long (drawn) after an import was sent, if unanswered
SITES_HEADER = ("id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,"
                "population_served,economic_value_eur,tlp")


class Live:
    """The server the workers talk to: its port changes at the restart; up is clear meanwhile."""

    def __init__(self, port):
        self.port = port
        self.up = threading.Event()
        self.up.set()
        self.stop = threading.Event()
        self.lock = threading.Lock()


class Write:
    """One write as its client saw it: ack (2xx), refused (an answer, not 2xx; or never
    connected) or cut (sent, no answer: the kill)."""

    def __init__(self, kind, key, value=None):
        self.kind = kind
        self.key = key
        self.value = value
        self.outcome = None
        self.status = None
        self.sent_at = None
        self.created = 0


class Worker(threading.Thread):
    """A demo user's thread: its own session, a loop of requests until live.stop."""

    def __init__(self, live, user, errors):
        super().__init__(daemon=True)
        self.live = live
        self.user = user
        self.errors = errors
        self.client = None
        self.writes = []
        self.reads = 0
        self.inflight = None  # the Write being sent (for the kill)
        self.logins = 0

    def login(self):
        while not self.live.stop.is_set():
            self.live.up.wait()
            c = Client(self.live.port)
            try:
                r = c.login(self.user, "demo-" + self.user)
            except OSError:
                continue  # the server went away meanwhile
            if r.status == 200:
                self.client = c
                self.logins += 1
                return True
            self.errors.append("log-in of %s: %r" % (self.user, r))
            return False
        return False

    def call(self, method, path, body=None, ctype=None, write=None):
        """One request; None when the server was not there (the caller goes on after the restart)."""
        self.live.up.wait()
        self.client.port = self.live.port
        if write:
            write.sent_at = time.monotonic()
            self.inflight = write
            self.writes.append(write)
        try:
            r = self.client.request(method, path, body=body, ctype=ctype)
        except ConnectionRefusedError:
            if write:
                write.outcome = "refused"  # never reached a server
            r = None
        except (http.client.HTTPException, OSError):
            if write:
                write.outcome = "cut"
            r = None
        finally:
            self.inflight = None
        if r is None:
            self.live.up.wait(30)
            return None
        if r.status == 401:  # a session lost (none should be): log in again
            self.errors.append("%s %s as %s: 401 (session lost)" % (method, path, self.user))
            self.login()
        if write:
            write.status = r.status
            write.outcome = "ack" if 200 <= r.status < 300 else "refused"
        else:
            self.reads += 1
        return r

    def run(self):
        try:
            if self.login():
                self.loop()
        except Exception as e:  # a crash of the worker is a failure
            self.errors.append("%s: %s: %r" % (self.user, type(e).__name__, e))

    def loop(self):
        raise NotImplementedError


class Importer(Worker):
    """Imports new sites (ids PREFIX-NNNNN) owned by owner, rows per import."""

    def __init__(self, live, user, errors, prefix, owner, rows, pause):
        super().__init__(live, user, errors)
        self.prefix, self.owner, self.rows, self.pause = prefix, owner, rows, pause

    def loop(self):
        n = 0
        while not self.live.stop.is_set():
            ids = ["%s-%05d" % (self.prefix, n + i) for i in range(self.rows)]
            n += self.rows
            body = SITES_HEADER + "\n" + "".join(
                "%s,Load site %s,soft_target,stadium_arena,%s,47.2,-12.1,Brackwater,100,50,0,1000,GREEN\n"
                % (i, i, self.owner) for i in ids)
            w = Write("import", self.prefix, ids)
            r = self.call("POST", "/api/v1/imports/sites", body=body, ctype="text/csv", write=w)
            if r is not None and w.outcome == "ack":
                w.created = (r.json or {}).get("created", -1)
            time.sleep(self.pause)


class Patcher(Worker):
    """Renames one site it may edit, name ... #N each time."""

    def __init__(self, live, user, errors, site):
        super().__init__(live, user, errors)
        self.site = site

    def loop(self):
        n = 0
        while not self.live.stop.is_set():
            n += 1
            name = "Load rename %s #%d" % (self.user, n)
            self.call("PATCH", "/api/v1/sites/" + self.site, body={"name": name},
                      write=Write("rename", self.site, name))
            time.sleep(0.02)


class OrgMaker(Worker):
    def loop(self):
        n = 0
        while not self.live.stop.is_set():
            n += 1
            name = "Load organisation %d" % n
            self.call("POST", "/api/v1/organisations", body={"name": name, "type": "ngo"},
                      write=Write("org", name))
            time.sleep(0.03)


class Noter(Worker):
    """Records decisions on one risk of the register: note "load N"."""

    def __init__(self, live, user, errors, pair):
        super().__init__(live, user, errors)
        self.pair = pair

    def loop(self):
        n = 0
        while not self.live.stop.is_set():
            n += 1
            note = "load %s %d" % (self.user, n)
            self.call("POST", "/api/v1/register/%s/%s" % self.pair, body={"note": note},
                      write=Write("note", self.pair, note))
            time.sleep(0.03)


class Planner(Worker):
    def loop(self):
        n = 0
        while not self.live.stop.is_set():
            n += 1
            name = "load-plan-%d" % n
            self.call("POST", "/api/v1/plans", body={"name": name, "budget_eur": 250000},
                      write=Write("plan", name))
            time.sleep(0.2)


class Reader(Worker):
    """Reads in a loop; each path answers the same (200, or 403/404 where the role may not) each time."""
    PATHS = ["/api/v1/sites?limit=100", "/api/v1/sites/VM-001", "/api/v1/sites/VM-010/assessments",
             "/api/v1/ranking/fema?limit=20", "/api/v1/matrix/fema", "/api/v1/threat-level",
             "/api/v1/register?limit=20", "/api/v1/plans", "/api/v1/catalog/threats"]

    def loop(self):
        i = 0
        first = {}
        while not self.live.stop.is_set():
            path = self.PATHS[i % len(self.PATHS)]
            i += 1
            r = self.call("GET", path)
            if r is None:
                continue
            want = first.setdefault(path, r.status)
            if r.status != want or r.status not in (200, 403, 404):
                self.errors.append("GET %s as %s: %r (before: %d)" % (path, self.user, r, want))


def cli_csv(res, protect, db, *args):
    rc, out, err = run_protect(protect, "--db", db, *args, "--format", "csv")
    res.check(rc == 0, "protect %s: exit %d %s" % (" ".join(args), rc, err.strip()))
    if out.startswith("#"):  # the TLP marking line of a CSV with site data (issue 11)
        out = out.split("\n", 1)[1] if "\n" in out else ""
    return list(csv.DictReader(io.StringIO(out)))


def registry(res, protect, db):
    """What the command line sees: site ids, organisation names, plan names, audit entries."""
    return {
        "sites": {r["id"]: r for r in cli_csv(res, protect, db, "sites", "list")},
        "orgs": {r["name"] for r in cli_csv(res, protect, db, "org", "list")},
        "plans": {r["name"] for r in cli_csv(res, protect, db, "plan", "list")},
        "audit": cli_csv(res, protect, db, "audit", "list", "--limit", "100000"),
    }


def audit_count(reg, user, action):
    return sum(1 for e in reg["audit"] if e["user"] == user and e["action"] == action)


def check_creates(res, writes, present, what):
    """Every acknowledged create is there, every refused one is not, a cut one whole or not at all.
    Returns (acknowledged, cut and there) in rows."""
    acked = there = 0
    for w in writes:
        keys = w.value if w.kind == "import" else [w.key]
        n = sum(1 for k in keys if k in present)
        if w.outcome == "ack":
            acked += len(keys)
            res.check(n == len(keys), "%s %s acknowledged (%s) but %d of %d there after the restart"
                      % (what, keys[0], w.status, n, len(keys)))
            if w.kind == "import":
                res.eq(w.created, len(keys), "%s %s: created" % (what, keys[0]))
        elif w.outcome == "cut":
            res.check(n in (0, len(keys)), "%s %s cut by the kill: %d of %d rows there (not all or nothing)"
                      % (what, keys[0], n, len(keys)))
            there += n
        else:
            res.check(n == 0, "%s %s refused (%s) but %d of %d there" % (what, keys[0], w.status, n, len(keys)))
    return acked, there


def t_load(res, port, protect, db_unused):
    work = tempfile.mkdtemp(prefix="pt_load_")
    srv = None
    errors = []
    try:
        db = os.path.join(work, "load.db")
        rc, out, err = run_protect(protect, "--db", db, "demo")
        if not res.check(rc == 0, "protect demo: %s" % err):
            return
        before = registry(res, protect, db)
        srv = Server(protect, db, ["--threads", "4"]).start()
        live = Live(srv.port)

        # The site harbour renames and the risk northgate-admin annotates.
        h = Client(srv.port)
        h.login("harbour", "demo-harbour")
        mine = [s["id"] for s in h.get("/api/v1/sites?limit=1000").json["items"]
                if s["can_edit"] and s["owner"] == "Harbourlight Group"]
        n = Client(srv.port)
        n.login("northgate-admin", "demo-northgate-admin")
        pairs = [(e["site_id"], e["threat_id"]) for e in n.get("/api/v1/register?limit=1000").json["items"]
                 if e["can_treat"]]
        if not res.check(mine and pairs, "harbour edits a site (%d), northgate-admin treats a risk (%d)"
                         % (len(mine), len(pairs))):
            return

        importer = Importer(live, "coordinator", errors, "LD-C", "Orrinford City Council", IMPORT_ROWS, 0.15)
        workers = [
            importer,
            Importer(live, "operator", errors, "LD-N", "Northgate Utilities", 10, 0.05),
            Patcher(live, "harbour", errors, mine[0]),
            OrgMaker(live, "admin", errors),
            Noter(live, "northgate-admin", errors, pairs[0]),
            Planner(live, "coordinator", errors),
            Reader(live, "analyst", errors), Reader(live, "viewer", errors), Reader(live, "relief", errors),
        ]
        t0 = time.monotonic()
        for w in workers:
            w.start()
        time.sleep(PHASE_S)

        # kill -9 while the coordinator's import is in flight, then restart on the same database.
        cut = None
        kill_after = random.uniform(*KILL_AFTER_S)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            w = importer.inflight
            if w is not None and time.monotonic() - w.sent_at >= kill_after:
                with live.lock:
                    live.up.clear()
                    srv.proc.send_signal(signal.SIGKILL)
                cut = w
                break
            time.sleep(0.001)
        if not res.check(cut is not None, "an import was in flight to be cut"):
            live.stop.set()
            live.up.set()
            return
        status, _, err = srv.stop(signalled=True)
        res.eq(status, -signal.SIGKILL, "the server died of SIGKILL")
        t_kill = time.monotonic()
        srv = Server(protect, db, ["--threads", "4"]).start()
        live.port = srv.port
        live.up.set()
        restart_s = time.monotonic() - t_kill
        time.sleep(PHASE_S)
        live.stop.set()
        for w in workers:
            w.join(30)
            res.check(not w.is_alive(), "worker %s stopped" % w.user)
        load_s = time.monotonic() - t0
        status, out, err = srv.stop()
        srv = None
        res.eq(status, 0, "exit status after SIGTERM")
        res.check("runtime error" not in err and "AddressSanitizer" not in err, "sanitizer report: %s" % err[-2000:])
        for e in errors[:20]:
            res.bad(e)
        res.check(not errors, "%d requests answered unexpectedly" % len(errors))
        res.check(cut.outcome == "cut", "the import in flight at the kill got no answer (%s)" % cut.outcome)

        after = registry(res, protect, db)
        writes = [x for w in workers for x in w.writes]
        by = lambda kind: [x for x in writes if x.kind == kind]  # noqa: E731
        res.check(all(x.outcome in ("ack", "refused", "cut") for x in writes), "every write has an outcome")
        outcomes = {o: sum(1 for x in writes if x.outcome == o) for o in ("ack", "refused", "cut")}
        res.check(outcomes["ack"] > 20, "enough acknowledged writes: %r" % outcomes)

        # Sites: the imports' rows, exactly.
        acked, there = check_creates(res, by("import"), after["sites"], "import")
        cut_there = sum(1 for x in by("import") if x.outcome == "cut" and x.value[0] in after["sites"])
        res.eq(len(after["sites"]), len(before["sites"]) + acked + there,
               "sites after = before + acknowledged rows + rows of cut imports that are there")
        for u in ("coordinator", "operator"):
            mine_w = [x for x in by("import") if x.value[0].startswith("LD-C" if u == "coordinator" else "LD-N")]
            made = sum(1 for x in mine_w if x.outcome == "ack" or (x.outcome == "cut" and x.value[0] in after["sites"]))
            res.eq(audit_count(after, u, "sites.import") - audit_count(before, u, "sites.import"), made,
                   "%s's sites.import audit entries" % u)
        # Organisations and plans: by name, exactly.
        for kind, key, user, action in (("org", "orgs", "admin", "org.create"),
                                        ("plan", "plans", "coordinator", "plan.save")):
            acked, there = check_creates(res, by(kind), after[key], kind)
            cut_there += there
            res.eq(len(after[key]), len(before[key]) + acked + there, "%s after = before + acknowledged + cut and there" % key)
            res.eq(audit_count(after, user, action) - audit_count(before, user, action), acked + there,
                   "%s audit entries" % action)
        # The renamed site: the last acknowledged name, or a later one cut by the kill.
        ren = by("rename")
        last = max((i for i, x in enumerate(ren) if x.outcome == "ack"), default=None)
        if res.check(last is not None, "a rename was acknowledged"):
            allowed = {ren[last].value} | {x.value for x in ren[last + 1:] if x.outcome == "cut"}
            res.check(after["sites"][mine[0]]["name"] in allowed, "site %s named %r, expected one of %r"
                      % (mine[0], after["sites"][mine[0]]["name"], sorted(allowed)))
        entries = audit_count(after, "harbour", "sites.import") - audit_count(before, "harbour", "sites.import")
        a = sum(1 for x in ren if x.outcome == "ack")
        c = sum(1 for x in ren if x.outcome == "cut")
        res.check(a <= entries <= a + c, "harbour's renames audited: %d entries, %d acknowledged, %d cut" % (entries, a, c))
        # The register's notes: each acknowledged note in its audit entry.
        details = [e["detail"] for e in after["audit"] if e["user"] == "northgate-admin" and e["action"] == "register.set"]
        for x in by("note"):
            found = sum(1 for d in details if ('note "%s"' % x.value) in d)
            if x.outcome == "ack":
                res.check(found == 1, "note %r acknowledged, in %d audit entries" % (x.value, found))
            elif x.outcome == "refused":
                res.check(found == 0, "note %r refused (%s) but audited" % (x.value, x.status))
            else:
                res.check(found <= 1, "note %r cut by the kill, in %d entries" % (x.value, found))
                cut_there += found
        a = sum(1 for x in by("note") if x.outcome == "ack")
        c = sum(1 for x in by("note") if x.outcome == "cut")
        res.check(a <= len(details) - audit_count(before, "northgate-admin", "register.set") <= a + c,
                  "register.set entries: %d, %d acknowledged, %d cut" % (len(details), a, c))
        # Log-ins (all before the kill): one entry each.
        logins = 2 + sum(w.logins for w in workers)
        res.eq(sum(1 for e in after["audit"] if e["action"] == "session.login")
               - sum(1 for e in before["audit"] if e["action"] == "session.login"), logins,
               "session.login audit entries")
        # The audit log's chain, over every entry listed.
        rc, out, err = run_protect(protect, "--db", db, "audit", "verify")
        res.check(rc == 0 and "intact: %d entries" % len(after["audit"]) in out,
                  "audit verify after the kill: exit %d %s %s (%d entries listed)" % (rc, out.strip(), err.strip(), len(after["audit"])))
        print("load: %.1f s of load, %d reads and %d writes (%d acknowledged, %d refused, %d cut by the kill "
              "%.0f ms into an import, which is %s; %d cut writes there), restart %.2f s; sites %d -> %d, organisations %d -> %d, "
              "plans %d -> %d, audit entries %d -> %d"
              % (load_s, sum(w.reads for w in workers), len(writes), outcomes["ack"], outcomes["refused"],
                 outcomes["cut"], kill_after * 1000, "there" if cut.value[0] in after["sites"] else "not there",
                 cut_there, restart_s, len(before["sites"]), len(after["sites"]), len(before["orgs"]),
                 len(after["orgs"]), len(before["plans"]), len(after["plans"]), len(before["audit"]),
                 len(after["audit"])), flush=True)
    finally:
        if srv:
            srv.stop(signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


TESTS = [("load", t_load)]
