# runs.py - issue 15: exercise runs over HTTP and their live stream (docs/api.md,
# "Exercise runs"). Two groups, each with its own server and registry:
#   runs      an end-to-end run with a facilitator, three players and an evaluator (injects
#             reaching only their roles, pause/resume/shift, a decision changing the next
#             simulated figures, a contingency fired and one cancelled, ENDEX reaching every
#             stream at once, Last-Event-ID replay), access and bad input of every field;
#   runs-sse  the stream's own rules: heartbeats, 256 streams in all and 8 per user (429), a
#             client going away frees its stream, a logged-out session ends it, the server stopping ends every
#             stream at once, and a run restored after a restart goes on (injects due while
#             the server was down delivered at once, in order).
# Nothing asserts a duration: waits are for an event to arrive, with a generous deadline.
import copy
import http.client
import json
import os
import re
import sqlite3
import threading
import time

from httplib import Client, Server, run_protect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WAIT_S = 30  # the longest wait for an event that must come
# The longest wait for the figures of reruns at the facilitator's budget (2,000 x 2,000 victims),
# two of which may compute one after the other: on a CI machine whose cores are shared with other
# test stages and the sanitizer build (.ci/run), more than WAIT_S. A deadline, not what is tested.
HEAVY_WAIT_S = 150

# A small exercise whose times suit a clock at 60 scenario minutes per wall minute (a scenario
# minute a second). Four roles, three players (police and pio: one player), a simulation.
SCENARIO = {
    "id": "http-test-exercise",
    "title": "Armed attack at Orrinford General Hospital, short",
    "description": "The HTTP tests' exercise.",
    "simulation": "hospital-attack.json",
    "duration": "06:00",
    "sim_start": "00:00",
    "sim_every_min": 60,
    "sim_replications": 20,
    "sim_to": ["ems"],
    "pio_role": "pio",
    "tlp": "AMBER",
    "stages": [{"id": "attack", "name": "Attack", "description": ""}],
    "roles": [
        {"id": "police", "name": "Police commander", "organisation": "Police", "description": ""},
        {"id": "ems", "name": "EMS commander", "organisation": "EMS", "description": ""},
        {"id": "hospital", "name": "Hospital incident commander", "organisation": "Hospital", "description": ""},
        {"id": "pio", "name": "Public information officer", "organisation": "Ministry", "description": ""},
    ],
    "objectives": [
        {"id": "obj1", "text": "Secure the scene.", "capability": "On-scene Security, Protection, and Law Enforcement",
         "targets": [{"id": "t1", "text": "Scene declared safe within 30 minutes.", "tasks": ["Clear the building"]}]},
    ],
    "injects": [
        {"seq": 1, "stage": "attack", "time": "00:01", "type": "event", "delivery": "radio", "from": "Control",
         "to": ["police"], "description": "POLICE-ONLY: shots reported in the emergency department.",
         "expected_action": "Declare the scene safe.", "capability": "Operational Coordination",
         "deadline": "00:04", "decision": "scene_safe"},
        {"seq": 2, "stage": "attack", "time": "00:02", "type": "information", "delivery": "phone", "from": "Control",
         "to": ["ems"], "description": "EMS-ONLY: casualties at the main entrance."},
        {"seq": 3, "stage": "attack", "time": "00:03", "type": "information", "delivery": "phone", "from": "Control",
         "to": ["hospital"], "description": "HOSPITAL-ONLY: lock down the emergency department?",
         "expected_action": "Lock down the emergency department.", "decision": "lockdown", "deadline": "00:09"},
        {"seq": 4, "stage": "attack", "time": "00:06", "type": "event", "delivery": "radio", "from": "Control",
         "to": ["ems", "hospital"], "description": "CONTINGENCY: still no word from the police.",
         "contingency_of": 1},
        {"seq": 5, "stage": "attack", "time": "00:10", "type": "event", "delivery": "radio", "from": "Control",
         "to": ["police"], "description": "CONTINGENCY: the emergency department is still open.",
         "contingency_of": 3},
        {"seq": 6, "stage": "attack", "time": "02:30", "type": "media", "delivery": "phone", "from": "Courier",
         "to": ["pio"], "description": "A reporter asks for a statement.",
         "expected_action": "Give a statement.", "deadline": "02:40"},
        {"seq": 7, "stage": "attack", "time": "03:00", "type": "information", "delivery": "radio", "from": "Control",
         "to": ["police"], "description": "The last inject."},
    ],
    "decisions": [
        {"id": "scene_safe", "label": "Scene declared safe", "path": "attack.sites.0.secure_min",
         "apply": "at_time", "kind": "none", "roles": ["police"]},
        {"id": "ambulances", "label": "Ambulances dispatched", "path": "response.ambulances",
         "apply": "timed", "kind": "number", "min": 0, "max": 60, "roles": ["ems"]},
        {"id": "lockdown", "label": "Emergency department locked down", "apply": "log", "kind": "none",
         "roles": ["hospital"]},
    ],
    "baseline": [],
}


def simulation():
    with open(os.path.join(ROOT, "data", "scenarios", "hospital-attack.json")) as f:
        return json.load(f)


class Stream:
    """A Server-Sent Events client on a thread of its own: events as dicts, comments counted."""

    def __init__(self, port, cookie, run_id, last_id=None, query_last=None):
        self.events = []
        self.comments = []
        self.closed = False
        self.status = None
        self.body = ""
        self.headers = {}
        self.cond = threading.Condition()
        h = {"Cookie": "pt_session=" + cookie, "Accept": "text/event-stream"}
        if last_id is not None:
            h["Last-Event-ID"] = str(last_id)
        path = "/api/v1/runs/%s/events" % run_id
        if query_last is not None:
            path += "?last_event_id=%s" % query_last
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.conn.request("GET", path, headers=h)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}
        if self.status != 200:
            self.body = self.resp.read().decode(errors="replace")
            self.closed = True
            self.conn.close()
            return
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        pending = b""
        try:
            while True:
                b = self.resp.read1(65536)
                if not b:
                    break
                pending += b
                while b"\n\n" in pending:
                    block, pending = pending.split(b"\n\n", 1)
                    self._block(block.decode())
        except Exception:
            pass
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def _block(self, block):
        ev = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                with self.cond:
                    self.comments.append(line)
                    self.cond.notify_all()
            elif ":" in line:
                k, v = line.split(":", 1)
                ev[k] = v[1:] if v.startswith(" ") else v
        if "data" in ev:
            try:
                ev["json"] = json.loads(ev["data"])
            except ValueError:
                ev["json"] = None
            with self.cond:
                self.events.append(ev)
                self.cond.notify_all()

    def wait(self, pred, timeout=WAIT_S):
        """Wait until pred(self) holds or the stream closed; returns pred's value."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                v = pred(self)
                if v or self.closed:
                    return v
                left = deadline - time.monotonic()
                if left <= 0:
                    return v
                self.cond.wait(left)

    def wait_kind(self, kind, count=1, where=None, timeout=WAIT_S):
        def have(s):
            got = [e for e in s.events if e.get("event") == kind and (where is None or where(e["json"]))]
            return got if len(got) >= count else None
        return self.wait(have, timeout)

    def wait_closed(self, timeout=WAIT_S):
        return self.wait(lambda s: s.closed, timeout)

    def kinds(self):
        with self.cond:
            return [e.get("event") for e in self.events]

    def texts(self):
        with self.cond:
            return [(e["json"] or {}).get("text", "") for e in self.events]

    def close(self):
        try:
            self.conn.sock and self.conn.sock.shutdown(2)
        except OSError:
            pass
        self.conn.close()


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r))
    return c


def add_user(res, protect, db, name, org, role):
    rc, out, err = run_protect(protect, "--db", db, "user", "add", name, "--org", org, "--role", role,
                               "--password-stdin", stdin="demo-%s\n" % name)
    res.eq(rc, 0, "protect user add %s: %s" % (name, err))


def live_env():
    """The environment of a server whose exercise clocks run: the wall clock, not PROTECT_NOW
    (tests/http/run fixes it for the other groups)."""
    env = dict(os.environ)
    env.pop("PROTECT_NOW", None)
    return env


def start_server(res, protect, work, name, extra=()):
    db = os.path.join(work, name + ".db")
    rc, out, err = run_protect(protect, "--db", db, "demo")
    res.eq(rc, 0, "protect demo: %s" % err)
    srv = Server(protect, db, ["--threads", "4", "--compute-threads", "1"] + list(extra), env=live_env()).start()
    return srv, db


def expect(res, r, status, field, what):
    ok = res.check(r.status == status, "%s: %d, expected %d (%s)" % (what, r.status, status, r.body[:200]))
    if ok and field is not None:
        res.check(r.json is not None and r.json.get("field") == field,
                  "%s: field %r, expected %r (%s)" % (what, r.json and r.json.get("field"), field, r.body[:200]))


def create_custom(c, **extra):
    body = {"scenario": SCENARIO, "simulation": simulation(), "seed": 11}
    body.update(extra)
    return c.request("POST", "/api/v1/runs", body)


# ---- group "runs" ----------------------------------------------------------------------

def t_exercises(res, f, viewer):
    r = viewer.get("/api/v1/exercises")
    res.eq(r.status, 200, "GET /exercises (any logged-in user)")
    items = (r.json or {}).get("items", [])
    ids = [x.get("id") for x in items]
    res.check("hospital-attack-exercise" in ids, "the reference exercise is offered: %r" % ids)
    ref = next((x for x in items if x.get("id") == "hospital-attack-exercise"), {})
    res.eq(len(ref.get("roles", [])), 7, "its seven roles")
    res.eq(len(ref.get("stages", [])), 4, "its four stages")
    res.check(any(d.get("id") == "ambulances_dispatched" for d in ref.get("decisions", [])), "its decisions")
    res.check(ref.get("injects", 0) >= 24 and "baseline" not in ref, "the MSEL's length only: %r" % ref.get("injects"))
    expect(res, f.get("/api/v1/exercises?x=1"), 400, "x", "GET /exercises?x=1")


def t_create(res, f, player, viewer):
    r = f.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise", "title": "December drill", "tlp": "GREEN"})
    res.eq(r.status, 201, "create from the built-in scenario: %s" % r.body[:200])
    j = r.json or {}
    res.eq(r.header("location"), "/api/v1/runs/%s" % j.get("id"), "Location")
    res.eq((j.get("title"), j.get("tlp"), j.get("view"), j.get("clock", {}).get("state")),
           ("December drill", "GREEN", "facilitator", "ready"), "the run as created")
    res.check(any(p.get("lead") and p.get("user") == "facilitator" for p in j.get("participants", [])),
              "the creator is the lead facilitator: %r" % j.get("participants"))
    res.check(all(i.get("status") == "pending" for i in j.get("injects", [])) and len(j.get("injects", [])) >= 24,
              "every inject pending")
    res.eq(len(j.get("scenario", {}).get("injects", [])), len(j.get("injects", [])), "the whole scenario to the facilitator")
    for who, c in (("player", player), ("viewer", viewer)):
        expect(res, c.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise"}), 403, "role",
               "a %s creates a run" % who)
    # Bad input: every field.
    sc_bad = copy.deepcopy(SCENARIO)
    sc_bad["injects"][0]["to"] = ["nobody"]
    sim_bad = simulation()
    sim_bad["attack"]["victims"] = -3
    sc_nosim = copy.deepcopy(SCENARIO)
    del sc_nosim["simulation"]
    for body, status, field in (
            ({}, 400, "scenario"),
            ({"builtin": "hospital-attack-exercise", "scenario": SCENARIO}, 400, "scenario"),
            ({"builtin": "no-such-exercise"}, 404, "builtin"),
            ({"builtin": "../etc/passwd"}, 400, "builtin"),
            ({"builtin": ""}, 400, "builtin"),
            ({"builtin": 5}, 400, "builtin"),
            ({"builtin": "hospital-attack-exercise", "simulation": simulation()}, 400, "simulation"),
            ({"scenario": "hospital-attack-exercise"}, 400, "scenario"),
            ({"scenario": SCENARIO}, 400, "simulation"),
            ({"scenario": SCENARIO, "simulation": []}, 400, "simulation"),
            ({"scenario": sc_bad, "simulation": simulation()}, 400, "scenario.injects.0.to.0"),
            ({"scenario": SCENARIO, "simulation": sim_bad}, 400, "simulation.attack.victims"),
            ({"scenario": sc_nosim, "simulation": simulation()}, 400, "simulation"),
            ({"builtin": "hospital-attack-exercise", "title": ""}, 400, "title"),
            ({"builtin": "hospital-attack-exercise", "title": "x" * 200}, 400, "title"),
            ({"builtin": "hospital-attack-exercise", "title": "a\u0001b"}, 400, "title"),
            ({"builtin": "hospital-attack-exercise", "tlp": "PURPLE"}, 400, "tlp"),
            ({"builtin": "hospital-attack-exercise", "seed": -1}, 400, "seed"),
            ({"builtin": "hospital-attack-exercise", "seed": 1.5}, 400, "seed"),
            ({"builtin": "hospital-attack-exercise", "seed": 2 ** 53}, 400, "seed"),
            ({"builtin": "hospital-attack-exercise", "colour": "red"}, 400, "colour")):
        expect(res, f.request("POST", "/api/v1/runs", body), status, field, "create %s" % json.dumps(body)[:80])
    r = f.request("POST", "/api/v1/runs", b'{"builtin": "hospital-attack-exercise"', ctype="application/json")
    res.eq(r.status, 400, "create: malformed JSON")
    r = f.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise"}, csrf=False)
    expect(res, r, 403, "X-CSRF-Token", "create without the CSRF token")
    r = f.request("POST", "/api/v1/runs", {"scenario": {"x": "y" * (300 * 1024)}, "simulation": {}})
    res.eq(r.status, 413, "create: a body over 256 KiB")
    r = create_custom(f)
    res.eq(r.status, 201, "create from an uploaded scenario and simulation: %s" % r.body[:300])
    return (r.json or {}).get("id")


def t_assign(res, f, rid, viewer):
    base = "/api/v1/runs/%s/participants" % rid
    for user, member, role in (("player", "player", "police"), ("player", "player", "pio"),
                               ("player2", "player", "ems"), ("player3", "player", "hospital"),
                               ("evaluator", "evaluator", None)):
        body = {"user": user, "member": member}
        if role:
            body["role"] = role
        r = f.request("POST", base, body)
        res.eq(r.status, 201, "assign %s as %s %s: %s" % (user, member, role, r.body[:200]))
    res.eq((r.json or {}).get("organisation"), "Vellmark Ministry of the Interior", "the participant's organisation")
    for body, status, field in (({"member": "player", "role": "ems"}, 400, "user"),
                                ({"user": "player2", "role": "ems"}, 400, "member"),
                                ({"user": "player2", "member": "king"}, 400, "member"),
                                ({"user": "player2", "member": "player"}, 400, "role"),
                                ({"user": "evaluator", "member": "evaluator", "role": "ems"}, 400, "role"),
                                ({"user": "player2", "member": "player", "role": "no_such_role"}, 400, "role"),
                                ({"user": "nobody-here", "member": "player", "role": "ems"}, 404, "user"),
                                ({"user": "bad name", "member": "player", "role": "ems"}, 400, "user"),
                                ({"user": "viewer", "member": "player", "role": "ems"}, 403, "user"),
                                ({"user": "player2", "member": "player", "role": "ems"}, 409, None),
                                ({"user": "player2", "member": "evaluator"}, 403, "user"),
                                ({"user": "player2", "member": "player", "role": "ems", "x": 1}, 400, "x")):
        expect(res, f.request("POST", base, body), status, field, "assign %r" % body)
    # unassign and assign again (a role of a player; the lead facilitator stays)
    r = f.request("DELETE", base + "/player3?role=hospital")
    res.eq(r.status, 204, "unassign player3's role: %s" % r.body[:200])
    expect(res, f.request("DELETE", base + "/player3?role=hospital"), 404, "user", "unassign again")
    expect(res, f.request("DELETE", base + "/facilitator"), 409, None, "unassign the lead facilitator")
    expect(res, f.request("DELETE", base + "/player3?colour=x"), 400, "colour", "unassign with an unknown parameter")
    expect(res, f.request("DELETE", base + "/player3?role="), 400, "role", "unassign with an empty role")
    expect(res, f.request("DELETE", base + "/player3?role=a&role=b"), 400, "role", "unassign with two roles")
    expect(res, f.request("DELETE", base + "/nobody-here"), 404, "user", "unassign a user not assigned")
    res.eq(f.request("POST", base, {"user": "player3", "member": "player", "role": "hospital"}).status, 201,
           "player3 assigned again")
    expect(res, viewer.request("POST", base, {"user": "viewer", "member": "player", "role": "ems"}), 404, None,
           "a viewer assigns (the run does not exist for it)")


def t_access(res, rid, f, p1, viewer, coord, ev):
    path = "/api/v1/runs/%s" % rid
    expect(res, viewer.get(path), 404, None, "a viewer reads the run")
    res.check(rid not in [x["id"] for x in (viewer.get("/api/v1/runs").json or {}).get("items", [])],
              "the viewer's list does not show it")
    r = coord.get(path)
    res.eq((r.status, (r.json or {}).get("view")), (200, "observer"), "a government coordinator reads as an observer")
    s = Stream(coord.port, coord.cookie, rid)
    res.eq(s.status, 200, "the coordinator's stream opens")
    s.close()
    s = Stream(viewer.port, viewer.cookie, rid)
    res.eq(s.status, 404, "the viewer's stream: 404")
    for c, who in ((viewer, "viewer"),):
        for sub, body in (("start", None), ("pause", None), ("shift", {"minutes": 5}), ("speed", {"factor": 2}),
                          ("endex", None), ("decisions", {"decision": "ambulances", "role": "ems", "value": 3}),
                          ("log", {"activity": "x"}), ("observations", {"text": "x"}),
                          ("ratings", {"target": "t1", "rating": "P"}),
                          ("improvements", {"issue": "i", "action": "a", "element": "training", "responsible": "r"}),
                          ("injects/1/trigger", None), ("injects/1/responses", {"role": "ems", "text": "x"}),
                          ("alerts", {"template": "armed-attack", "site_id": "VM-012"})):
            expect(res, c.request("POST", "%s/%s" % (path, sub), body), 404, None, "%s POST %s" % (who, sub))
    for sub, body in (("start", None), ("shift", {"minutes": 5}), ("speed", {"factor": 2}), ("endex", None),
                      ("injects/1/trigger", None),
                      ("improvements", {"issue": "i", "action": "a", "element": "training", "responsible": "r"})):
        expect(res, p1.request("POST", "%s/%s" % (path, sub), body), 403, "role", "a player POSTs %s" % sub)
        expect(res, ev.request("POST", "%s/%s" % (path, sub), body), 403, "role", "an evaluator POSTs %s" % sub)
    expect(res, coord.request("POST", path + "/start"), 403, "role", "the coordinator starts the clock")
    expect(res, coord.request("POST", path + "/log", {"activity": "x"}), 403, None, "the coordinator logs")
    expect(res, p1.request("POST", path + "/observations", {"text": "x"}), 403, None, "a player observes")
    for bad in ("0", "-1", "x", "1.5", "99999999"):
        expect(res, f.get("/api/v1/runs/" + bad), 404, None, "GET /runs/%s" % bad)
    expect(res, f.request("POST", "/api/v1/runs/99999/start"), 404, None, "start a missing run")


def t_clock_input(res, f, rid):
    path = "/api/v1/runs/%s" % rid
    for sub, body, status, field in (
            ("shift", {}, 400, "minutes"), ("shift", {"minutes": "5"}, 400, "minutes"),
            ("shift", {"minutes": 20161}, 400, "minutes"), ("shift", {"minutes": 0}, 400, "minutes"),
            ("speed", {}, 400, "factor"), ("speed", {"factor": 0.05}, 400, "factor"),
            ("speed", {"factor": 61}, 400, "factor"), ("speed", {"factor": True}, 400, "factor"),
            ("endex", {"message": 5}, 400, "message"), ("endex", {"message": "x" * 4000}, 400, "message"),
            ("endex", {"real_world": "yes"}, 400, "real_world"), ("start", {"x": 1}, 400, "x"),
            ("pause", None, 409, None), ("resume", None, 409, None),
            ("injects/1/trigger", {"now": True}, 400, "now"), ("injects/999/trigger", None, 404, "seq"),
            ("injects/x/skip", None, 404, None), ("injects/0/skip", None, 404, None),
            ("injects/2/done", None, 400, "seq")):
        expect(res, f.request("POST", "%s/%s" % (path, sub), body), status, field, "POST %s %r" % (sub, body))
    r = f.request("POST", path + "/start", b"x", ctype="text/plain")
    res.eq(r.status, 415, "start with a text body")


def t_run(res, srv, protect, db):
    port = srv.port
    f = login(res, port, "facilitator")
    p1 = login(res, port, "player")
    p2 = login(res, port, "player2")
    p3 = login(res, port, "player3")
    ev = login(res, port, "evaluator")
    viewer = login(res, port, "viewer")
    coord = login(res, port, "coordinator")
    t_exercises(res, f, viewer)
    rid = t_create(res, f, p1, viewer)
    if not rid:
        return
    t_assign(res, f, rid, viewer)
    t_access(res, rid, f, p1, viewer, coord, ev)
    t_clock_input(res, f, rid)
    path = "/api/v1/runs/%s" % rid

    # Streams of everyone, then the clock at a scenario minute a second.
    streams = {name: Stream(port, c.cookie, rid) for name, c in
               (("facilitator", f), ("player", p1), ("player2", p2), ("player3", p3), ("evaluator", ev),
                ("coordinator", coord))}
    for name, s in streams.items():
        res.eq(s.status, 200, "%s's stream opens" % name)
    res.check((streams["facilitator"].headers.get("content-type") or "").startswith("text/event-stream"),
              "text/event-stream: %r" % streams["facilitator"].headers.get("content-type"))
    r = f.request("POST", path + "/speed", {"factor": 60})
    res.eq((r.status, (r.json or {}).get("state")), (200, "ready"), "speed 60: %s" % r.body)
    r = f.request("POST", path + "/start")
    res.eq((r.status, (r.json or {}).get("state")), (200, "running"), "start: %s" % r.body)
    expect(res, f.request("POST", path + "/start"), 409, None, "start twice")
    # the first rerun (minute 0) reaches the EMS commander
    sims = streams["player2"].wait_kind("sim")
    res.check(bool(sims), "the first simulated figures reach the EMS commander: %r" % streams["player2"].kinds())
    first_sim = sims[0]["json"] if sims else {}
    res.check(isinstance(first_sim.get("detail"), dict) and first_sim.get("from") == "Simulation cell",
              "figures as the detail, from the simulation cell: %r" % str(first_sim)[:200])
    # injects reach their roles only
    for name, seq, role in (("player", 1, "police"), ("player2", 2, "ems"), ("player3", 3, "hospital")):
        got = streams[name].wait_kind("inject", where=lambda j, q=seq: j.get("seq") == q)
        res.check(bool(got), "%s receives inject %d: %r" % (name, seq, streams[name].kinds()))
        if got:
            j = got[0]["json"]
            res.eq((j.get("audience"), j.get("roles"), j.get("kind"), got[0].get("id")),
                   ("roles", [role], "inject", str(j.get("id"))), "inject %d's event: audience, roles, id" % seq)
    streams["facilitator"].wait_kind("inject", where=lambda j: j.get("seq") == 3)
    own = {"player": "POLICE-ONLY", "player2": "EMS-ONLY", "player3": "HOSPITAL-ONLY"}
    for name, mine in own.items():
        texts = " ".join(streams[name].texts())
        for other in own.values():
            if other != mine:
                res.check(other not in texts, "%s does not receive %s" % (name, other))
    res.check(not any(k == "sim" for k in streams["player"].kinds()), "the police commander gets no figures")
    res.check(not any(k == "sim_due" for k in streams["player2"].kinds()), "players get no sim_due")
    res.check(any(k == "sim_due" for k in streams["facilitator"].kinds()), "the facilitator sees sim_due")
    for name in ("evaluator", "coordinator"):
        got = streams[name].wait_kind("inject", count=3)
        res.check(bool(got), "%s sees every inject: %r" % (name, streams[name].kinds()))
    # the hospital locks down in time: its contingency (seq 5) is cancelled; the police does
    # not declare the scene safe: its contingency (seq 4) fires to EMS and the hospital
    r = p3.request("POST", path + "/decisions", {"decision": "lockdown", "role": "hospital"})
    res.eq(r.status, 201, "the hospital decides lockdown: %s" % r.body[:200])
    got = streams["facilitator"].wait_kind("cancel", where=lambda j: j.get("seq") == 5)
    res.check(bool(got), "contingency 5 cancelled: %r" % streams["facilitator"].kinds())
    # review finding 1: who did it, and with which value (lockdown takes none)
    st = {i["seq"]: i for i in (f.get(path).json or {}).get("injects", [])}
    res.eq((st.get(3, {}).get("done_by"), st.get(3, {}).get("done_value", "absent")), ("lockdown", None),
           "inject 3 done by the lockdown decision, no value")
    got = streams["player2"].wait_kind("inject", where=lambda j: j.get("seq") == 4)
    res.check(bool(got), "contingency 4 fires to EMS: %r" % streams["player2"].texts())
    res.check(bool(streams["player3"].wait_kind("inject", where=lambda j: j.get("seq") == 4)),
              "and to the hospital")
    res.check("CONTINGENCY: still" not in " ".join(streams["player"].texts()), "not to the police")
    # a decision changing the next simulated figures
    r = p2.request("POST", path + "/decisions", {"decision": "ambulances", "role": "ems", "value": 1})
    res.eq(r.status, 201, "EMS dispatches one ambulance: %s" % r.body[:200])
    sims = streams["player2"].wait_kind("sim", count=2)
    res.check(bool(sims), "a second rerun after the decision: %r" % streams["player2"].kinds())
    if sims:
        a, b = sims[0]["json"].get("detail"), sims[1]["json"].get("detail")
        res.check(a != b, "the figures changed with the decision")
        res.check(sims[1]["json"].get("text") != sims[0]["json"].get("text"), "their words too")
    # decisions: bad input and access
    for c, body, status, field in (
            (p2, {"decision": "no_such", "role": "ems"}, 404, "decision"),
            (p2, {"decision": "ambulances", "role": "police"}, 403, "role"),
            (p2, {"decision": "scene_safe", "role": "ems"}, 403, None),
            (p2, {"decision": "ambulances", "role": "ems", "value": 61}, 400, "value"),
            (p2, {"decision": "ambulances", "role": "ems", "value": "many"}, 400, "value"),
            (p2, {"decision": "ambulances", "role": "ems", "value": [1]}, 400, "value"),
            (p2, {"decision": "ambulances", "role": "ems", "value": {"n": 1}}, 400, "value"),
            (p2, {"decision": "ambulances", "value": 3}, 400, "role"),
            (p2, {"role": "ems", "value": 3}, 400, "decision"),
            (p2, {"decision": "ambulances", "role": "ems", "value": 3, "why": "x"}, 400, "why"),
            (p2, {"decision": "a b", "role": "ems"}, 400, "decision"),
            (coord, {"decision": "ambulances", "role": "ems", "value": 3}, 403, None),
            (ev, {"decision": "ambulances", "role": "ems", "value": 3}, 403, None)):
        expect(res, c.request("POST", path + "/decisions", body), status, field, "decide %r as %s" % (body, c.user))
    # pause, resume, shift
    r = f.request("POST", path + "/pause")
    res.eq((r.status, (r.json or {}).get("state")), (200, "paused"), "pause")
    res.check(bool(streams["player"].wait_kind("pause")), "the pause reaches a player")
    n1 = f.get(path).json["clock"]["now_min"]
    time.sleep(1.5)
    n2 = f.get(path).json["clock"]["now_min"]
    res.eq(n1, n2, "a paused clock stands still")
    expect(res, p1.request("POST", path + "/decisions", {"decision": "scene_safe", "role": "police"}), 409, "clock",
           "a decision while paused")
    before = {i["seq"]: i["due_min"] for i in f.get(path).json["injects"] if i["status"] == "pending"}
    r = f.request("POST", path + "/shift", {"minutes": 15})
    res.eq(r.status, 200, "shift +15: %s" % r.body[:200])
    after = {i["seq"]: i["due_min"] for i in f.get(path).json["injects"] if i["status"] == "pending"}
    res.eq(after, {k: v + 15 for k, v in before.items()}, "every pending inject 15 minutes later, the gaps kept")
    res.check(bool(streams["player"].wait_kind("shift")), "the shift reaches a player")
    expect(res, f.request("POST", path + "/shift", {"minutes": -2000}), 400, "minutes", "shift into the past")
    r = f.request("POST", path + "/resume")
    res.eq((r.status, (r.json or {}).get("state")), (200, "running"), "resume")
    # trigger, skip, done
    r = f.request("POST", path + "/injects/6/trigger")
    res.eq(r.status, 200, "trigger inject 6: %s" % r.body[:200])
    res.check(bool(streams["player"].wait_kind("inject", where=lambda j: j.get("seq") == 6)),
              "the triggered inject reaches the pio (player)")
    expect(res, f.request("POST", path + "/injects/6/trigger"), 409, None, "trigger it again")
    res.eq(f.request("POST", path + "/injects/6/done").status, 200, "its expected action marked done")
    expect(res, f.request("POST", path + "/injects/6/done"), 409, None, "done twice")
    res.eq(f.request("POST", path + "/injects/7/skip").status, 200, "skip inject 7")
    res.check(bool(streams["facilitator"].wait_kind("skip")), "the skip reaches the facilitator")
    # responses
    r = p2.request("POST", path + "/injects/2/responses", {"role": "ems", "text": "Two crews sent.\nTriage point at gate B."})
    res.eq(r.status, 201, "EMS answers inject 2: %s" % r.body[:200])
    res.check(bool(streams["evaluator"].wait_kind("response")), "the evaluator sees the response")
    for c, seq, body, status, field in ((p2, 1, {"role": "ems", "text": "x"}, 404, "seq"),
                                        (p2, 2, {"role": "police", "text": "x"}, 403, "role"),
                                        (p2, 2, {"role": "ems", "text": ""}, 400, "text"),
                                        (p2, 2, {"role": "ems"}, 400, "text"),
                                        (p2, 2, {"text": "x"}, 400, "role"),
                                        (p2, 2, {"role": "ems", "text": "x" * 4000}, 400, "text"),
                                        (p2, 2, {"role": "ems", "text": "a\u0007b"}, 400, "text"),
                                        (p2, 999, {"role": "ems", "text": "x"}, 404, "seq")):
        expect(res, c.request("POST", "%s/injects/%d/responses" % (path, seq), body), status, field,
               "respond %d %r" % (seq, body))
    # the ICS 214 log
    r = p1.request("POST", path + "/log", {"activity": "Cordon set at the main entrance", "role": "police", "t_min": 2})
    res.eq(r.status, 201, "police log entry: %s" % r.body[:200])
    res.check(isinstance((r.json or {}).get("id"), int), "its id")
    res.eq(ev.request("POST", path + "/log", {"activity": "Watching the EMS cell"}).status, 201, "an evaluator's entry")
    for body, status, field in (({"activity": "x", "role": "police", "t_min": 500}, 400, "t_min"),
                                ({"activity": "x", "role": "police", "t_min": -1}, 400, "t_min"),
                                ({"activity": "x", "role": "ems"}, 403, "role"),
                                ({"role": "police"}, 400, "activity"),
                                ({"activity": "", "role": "police"}, 400, "activity"),
                                ({"activity": "x", "role": "police", "at": 3}, 400, "at")):
        expect(res, p1.request("POST", path + "/log", body), status, field, "log %r" % body)
    # observations, ratings, improvements
    r = ev.request("POST", path + "/observations", {"kind": "strength", "text": "Fast triage", "target": "t1", "t_min": 3})
    res.eq(r.status, 201, "an observation: %s" % r.body[:200])
    res.eq(ev.request("POST", path + "/observations",
                      {"text": "Radio discipline", "capability": "operational coordination"}).status, 201,
           "an observation with a capability (any case)")
    for body, status, field in (({"text": "x", "capability": "Juggling"}, 400, "capability"),
                                ({"text": "x", "kind": "praise"}, 400, "kind"),
                                ({"text": "x", "target": "no_target"}, 404, "target"),
                                ({"kind": "strength"}, 400, "text"),
                                ({"text": "x", "t_min": 9999}, 400, "t_min"),
                                ({"text": "x", "t_min": "now"}, 400, "t_min")):
        expect(res, ev.request("POST", path + "/observations", body), status, field, "observe %r" % body)
    r = ev.request("POST", path + "/ratings", {"target": "t1", "rating": "S", "note": "Some delay"})
    res.eq((r.status, (r.json or {}).get("rating"), (r.json or {}).get("final")), (200, "S", False), "a rating: %s" % r.body)
    expect(res, ev.request("POST", path + "/ratings", {"target": "t1", "rating": "P", "final": True}), 403, None,
           "an evaluator's final rating")
    r = f.request("POST", path + "/ratings", {"target": "t1", "rating": "M", "final": True})
    res.eq((r.status, (r.json or {}).get("final")), (200, True), "the facilitator's final rating: %s" % r.body)
    for body, status, field in (({"target": "t1", "rating": "X"}, 400, "rating"),
                                ({"target": "t1"}, 400, "rating"),
                                ({"rating": "P"}, 400, "target"),
                                ({"target": "nope", "rating": "P"}, 404, "target"),
                                ({"target": "t1", "rating": "P", "final": 1}, 400, "final")):
        expect(res, ev.request("POST", path + "/ratings", body), status, field, "rate %r" % body)
    good = {"issue": "Late scene-safe call", "action": "Train commanders on the declaration",
            "element": "training", "responsible": "Vellmark National Police", "capability": "Operational Coordination",
            "due": "2027-03-01", "start": "2027-01-15", "target": "t1", "analysis": "No trigger for the call",
            "poc": "Cdr. Ilse Varga"}
    r = f.request("POST", path + "/improvements", good)
    res.eq(r.status, 201, "an improvement item: %s" % r.body[:200])
    for change, status, field in (({"element": "money"}, 400, "element"), ({"due": "2027-3-1"}, 400, "due"),
                                  ({"due": "tomorrow"}, 400, "due"), ({"capability": "Juggling"}, 400, "capability"),
                                  ({"measure": "no_such_measure"}, 404, "measure"),
                                  ({"risk_site": "VM-012"}, 400, "risk_threat"),
                                  ({"responsible": ""}, 400, "responsible"), ({"issue": None}, 400, "issue"),
                                  # HSEEP (review finding 7): real dates, in order, linked to an AFI or target
                                  ({"due": "2026-02-30"}, 400, "due"), ({"start": "2027-04-01"}, 400, "due"),
                                  ({"start": None}, 400, "start"), ({"due": None}, 400, "due"),
                                  ({"target": None}, 400, "afi"), ({"target": "nope"}, 404, "target"),
                                  ({"afi": 987654}, 404, "afi")):
        body = dict(good)
        body.update(change)
        body = {k: v for k, v in body.items() if v is not None}
        expect(res, f.request("POST", path + "/improvements", body), status, field, "improvement %r" % change)
    expect(res, ev.request("POST", path + "/improvements", good), 403, None, "an evaluator adds an improvement")
    # an exercise alert by the run's PIO (the player holds pio), never in the public feed
    r = p1.request("POST", path + "/alerts", {"template": "armed-attack", "site_id": "VM-012"})
    res.eq(r.status, 201, "the run's PIO issues an exercise alert: %s" % r.body[:300])
    ident = (r.json or {}).get("identifier", "none")
    res.eq((r.json or {}).get("status"), "Exercise", "status Exercise")
    res.check(bool(streams["player3"].wait_kind("alert")), "the alert event reaches every participant")
    res.check(ident not in Client(port).get("/alerts.atom").body, "not in the public feed")
    expect(res, p1.request("POST", path + "/alerts", {"template": "armed-attack", "site_id": "VM-012", "status": "Actual"}),
           400, "status", "an exercise alert with status Actual")
    expect(res, p2.request("POST", path + "/alerts", {"template": "armed-attack", "site_id": "VM-012"}), 403, None,
           "a player who is not the PIO issues an alert")
    expect(res, p1.request("POST", path + "/alerts", {"template": "armed-attack"}), 400, "site_id", "an alert without a site")
    # what a player sees
    r = p2.get(path)
    j = r.json or {}
    res.eq((r.status, j.get("view"), j.get("my_roles")), (200, "player", ["ems"]), "the EMS player's view")
    seqs = [i["seq"] for i in j.get("scenario", {}).get("injects", [])]
    res.eq(sorted(seqs), [2, 4], "a player's scenario holds only its delivered injects")
    res.eq((j.get("observations"), j.get("ratings"), j.get("improvements")), ([], [], []), "no evaluation for a player")
    res.check(all(d.get("role") == "ems" for d in j.get("decisions", [])), "its roles' decisions only")
    res.eq([d.get("decision") for d in j.get("decisions", [])], ["ambulances"], "its decision")
    j = f.get(path).json or {}
    res.eq(len(j.get("observations", [])), 2, "the facilitator sees the observations")
    res.eq(len(j.get("improvements", [])), 1, "and the improvement plan")
    it = (j.get("improvements") or [{}])[0]
    res.eq({k: it.get(k) for k in ("afi", "objective", "target", "analysis", "poc", "start", "due")},
           {"afi": None, "objective": it.get("objective"), "target": "t1", "analysis": "No trigger for the call",
            "poc": "Cdr. Ilse Varga", "start": "2027-01-15", "due": "2027-03-01"}, "the item's HSEEP fields")
    res.check(isinstance(it.get("objective"), str) and it.get("objective"), "the target's objective: %r" % it)
    res.check(any(g.get("final") for g in j.get("ratings", [])), "and the final rating")
    res.check(any(l.get("position") == "police" and l.get("t_min") == 2 for l in j.get("log", [])), "and the log")
    res.eq([x["status"] for x in j.get("injects", []) if x["seq"] in (4, 5, 6, 7)],
           ["delivered", "cancelled", "delivered", "skipped"], "the injects' states")
    # Last-Event-ID replay: from the header and from the parameter
    fe = streams["facilitator"].events
    mid = int(fe[len(fe) // 2]["id"])
    rs = Stream(port, f.cookie, rid, last_id=mid)
    got = rs.wait(lambda s: len(s.events) >= 3 and s.events)
    want = [e["id"] for e in fe if int(e["id"]) > mid][:3]
    res.eq([e.get("id") for e in (got or [])[:3]], want, "the replay starts right after Last-Event-ID %d" % mid)
    res.check(bool(got) and all(int(e["id"]) > mid for e in got), "nothing at or before it")
    rs.close()
    rq = Stream(port, f.cookie, rid, query_last=mid)
    got = rq.wait(lambda s: s.events)
    res.check(bool(got) and int(got[0]["id"]) > mid, "last_event_id replays the same")
    rq.close()
    for bad in ("x", "-1", "1.5"):
        b = Stream(port, f.cookie, rid, last_id=bad)
        expect(res, type("R", (), {"status": b.status, "body": b.body, "json": json.loads(b.body or "{}")})(),
               400, "Last-Event-ID", "Last-Event-ID %r" % bad)
    for bad in ("x", "-1", str(2 ** 53)):
        b = Stream(port, f.cookie, rid, query_last=bad)
        res.eq(b.status, 400, "last_event_id=%s" % bad)
        res.check('"field":"last_event_id"' in b.body, "the 400 names last_event_id: %r" % b.body)
    # ENDEX reaches every stream at once, and each stream ends
    r = f.request("POST", path + "/endex", {"message": "Drill over, thank you"})
    res.eq((r.status, (r.json or {}).get("state")), (200, "ended"), "ENDEX: %s" % r.body[:200])
    for name, s in streams.items():
        got = s.wait_kind("endex")
        res.check(bool(got) and "Drill over" in got[0]["json"].get("text", ""), "%s receives ENDEX" % name)
        res.check(bool(s.wait_closed()), "%s's stream ends after ENDEX" % name)
    endex_id = int(streams["facilitator"].wait_kind("endex")[0]["id"])
    expect(res, f.request("POST", path + "/endex"), 409, None, "ENDEX twice")
    expect(res, p2.request("POST", path + "/decisions", {"decision": "ambulances", "role": "ems", "value": 4}), 409,
           None, "a decision after ENDEX")
    expect(res, p2.request("POST", path + "/injects/2/responses", {"role": "ems", "text": "late"}), 409, None,
           "a response after ENDEX")
    res.eq(p2.request("POST", path + "/log", {"activity": "Completed after the drill", "role": "ems"}).status, 201,
           "the log is completed after ENDEX")
    e = Stream(port, p2.cookie, rid, last_id=endex_id)
    res.eq(e.status, 204, "the stream of an ended run with nothing left: 204")
    e = Stream(port, p2.cookie, rid)
    res.eq(e.status, 200, "an ended run's whole history still replays")
    res.check(bool(e.wait_kind("endex")) and bool(e.wait_closed()), "ending with ENDEX")
    r = f.get("/api/v1/runs")
    res.check(any(x["id"] == rid and x["ended"] for x in (r.json or {}).get("items", [])), "the list shows it ended")
    for s in streams.values():
        s.close()
    # a real-world emergency stops a run at once, even one not started, and says so
    r = create_custom(f)
    rid2 = (r.json or {}).get("id")
    res.eq(f.request("POST", "/api/v1/runs/%s/participants" % rid2,
                     {"user": "player2", "member": "player", "role": "ems"}).status, 201, "a second run's player")
    s2 = Stream(port, p2.cookie, rid2)
    r = f.request("POST", "/api/v1/runs/%s/endex" % rid2, {"real_world": True, "message": "Fire alarm in the building"})
    res.eq((r.status, (r.json or {}).get("state")), (200, "ended"), "a real-world ENDEX of a ready run: %s" % r.body[:200])
    got = s2.wait_kind("endex")
    res.check(bool(got) and got[0]["json"].get("text", "").startswith("REAL-WORLD EMERGENCY") and
              "Fire alarm" in got[0]["json"].get("text", ""), "the player reads the emergency: %r" % s2.texts())
    res.check(bool(s2.wait_closed()), "and its stream ends")
    s2.close()
    t_suspend(res, port, f, p2)
    t_long_choice(res, f, p2)
    t_delivered_text(res, port, f, p2)


def t_suspend(res, port, f, p2):
    """Review finding 9: a real-world emergency suspends the run (STOPEX) and it resumes, or ENDEX."""
    r = create_custom(f)
    rid = (r.json or {}).get("id")
    path = "/api/v1/runs/%s" % rid
    res.eq(f.request("POST", path + "/participants", {"user": "player2", "member": "player", "role": "ems"}).status,
           201, "the suspended run's player")
    expect(res, f.request("POST", path + "/suspend", {"message": "Fire alarm"}), 409, "clock",
           "suspending a run not started")
    res.eq(f.request("POST", path + "/start").status, 200, "start the run to suspend")
    s = Stream(port, p2.cookie, rid)
    res.eq(p2.request("POST", path + "/decisions", {"decision": "ambulances", "role": "ems", "value": 3}).status,
           201, "a decision before the suspension")
    r = p2.request("POST", path + "/decisions", {"decision": "ambulances", "role": "ems", "value": 3})
    expect(res, r, 409, "value", "the same value decided again")
    res.check("already" in r.body and "Ambulances" in r.body, "it says the value is in force: %s" % r.body[:200])
    expect(res, p2.request("POST", path + "/suspend", {"message": "x"}), 403, "role", "a player suspends")
    expect(res, f.request("POST", path + "/suspend", {"message": 5}), 400, "message", "a message not text")
    r = f.request("POST", path + "/suspend", {"message": "Fire alarm in the building: evacuate"})
    res.eq((r.status, (r.json or {}).get("state")), (200, "paused"), "suspend: %s" % r.body[:200])
    got = s.wait_kind("suspend")
    res.check(bool(got) and got[0]["json"].get("text", "").startswith("REAL-WORLD EMERGENCY - EXERCISE SUSPENDED: "
                                                                      "Fire alarm in the building"),
              "the player's stream carries the suspension: %r" % s.kinds())
    j = p2.get(path).json or {}
    res.check((j.get("suspended") or {}).get("text", "").endswith("evacuate") and
              j.get("clock", {}).get("state") == "paused", "the run says it is suspended: %r" % j.get("suspended"))
    r = p2.request("POST", path + "/decisions", {"decision": "ambulances", "role": "ems", "value": 5})
    expect(res, r, 409, "clock", "a decision while suspended")
    res.check("suspended" in r.body and "Fire alarm" in r.body, "the refusal says why: %s" % r.body[:200])
    expect(res, p2.request("POST", path + "/log", {"activity": "Evacuating", "role": "ems"}), 409, "clock",
           "a player's log while suspended")
    for step in ("pause", "start", "suspend"):
        expect(res, f.request("POST", path + "/" + step), 409, "clock", "%s while suspended" % step)
    expect(res, f.request("POST", path + "/shift", {"minutes": 5}), 409, "clock", "a shift while suspended")
    r = f.request("POST", path + "/resume")
    res.eq((r.status, (r.json or {}).get("state")), (200, "running"), "resume after the suspension: %s" % r.body)
    got = s.wait_kind("resume")
    res.check(bool(got) and "suspension" in got[0]["json"].get("text", ""), "the player reads that it resumes")
    res.eq((p2.get(path).json or {}).get("suspended", "absent"), None, "no longer suspended")
    res.eq(p2.request("POST", path + "/decisions", {"decision": "ambulances", "role": "ems", "value": 5}).status, 201,
           "a decision after the resumption")
    res.eq(f.request("POST", path + "/suspend").status, 200, "suspend again (the default message)")
    r = f.request("POST", path + "/endex", {"message": "Exercise cancelled"})
    res.eq((r.status, (r.json or {}).get("state")), (200, "ended"), "ENDEX ends a suspended run: %s" % r.body[:200])
    res.check(bool(s.wait_kind("endex")) and bool(s.wait_closed()), "the stream ends with ENDEX")
    res.eq((f.get(path).json or {}).get("suspended", "absent"), None, "an ended run is not suspended")
    s.close()


# A choice of 94 bytes (49 characters), Macedonian Cyrillic and accented Latin (attack review 2, finding 1).
LONG_CHOICE = "Изјава за медиумите: евакуација" + "é" * 18


def t_long_choice(res, f, p2):
    """Attack review 2, finding 1: a long non-Latin choice is stored whole, read back whole and the
    same value decided again is 409; a choice the run could not store is refused up front."""
    res.eq((len(LONG_CHOICE.encode()), len(LONG_CHOICE)), (94, 49), "the long choice's bytes and characters")
    sc = copy.deepcopy(SCENARIO)
    sc["decisions"].append({"id": "statement", "label": "Statement", "apply": "log", "kind": "choice",
                            "choices": [LONG_CHOICE, "None yet"], "roles": ["ems"]})
    r = create_custom(f, scenario=sc)
    res.eq(r.status, 201, "a run with a 94-byte choice: %s" % r.body[:200])
    rid = (r.json or {}).get("id")
    path = "/api/v1/runs/%s" % rid
    res.eq(f.request("POST", path + "/participants", {"user": "player2", "member": "player", "role": "ems"}).status,
           201, "the long choice's player")
    res.eq(f.request("POST", path + "/start").status, 200, "start the long choice's run")
    r = p2.request("POST", path + "/decisions", {"decision": "statement", "role": "ems", "value": LONG_CHOICE})
    res.eq(r.status, 201, "decide the long choice: %s" % r.body[:200])
    for who, c in (("facilitator", f), ("player", p2)):
        r = c.get(path)
        res.eq(r.status, 200, "GET the run with the long choice (%s): %s" % (who, r.body[:200]))
        made = [m.get("value") for m in (r.json or {}).get("decisions", []) if m.get("decision") == "statement"]
        res.eq(made, [LONG_CHOICE], "the value read back whole (%s)" % who)
    r = p2.request("POST", path + "/decisions", {"decision": "statement", "role": "ems", "value": LONG_CHOICE})
    expect(res, r, 409, "value", "the long choice decided again")
    r = f.get(path + "/report?format=html")
    res.eq(r.status, 200, "the report with the long choice")
    res.check(LONG_CHOICE in r.body, "the report names the whole choice")
    sc["decisions"][-1]["choices"] = ["A" * 64, "None yet"]
    r = create_custom(f, scenario=sc)
    res.check(r.status == 400 and "characters" in r.body and "choices" in ((r.json or {}).get("field") or ""),
              "a choice of 64 characters is refused: %d %s" % (r.status, r.body[:200]))


def t_delivered_text(res, port, f, p2):
    """Attack review 2, findings 3 and 8: GET /runs/{id} gives a delivered inject's text as
    delivered (placeholders filled) to every view; a player gets no `undecided` and, in events,
    only its own roles (a sim event does not list sim_to)."""
    sc = copy.deepcopy(SCENARIO)
    sc["sim_to"] = ["ems", "hospital"]
    sc["undecided"] = [{"path": "response.ambulances", "value": "4"}]
    template = "EMS-ONLY: {decision:ambulances|no} ambulances committed."
    sc["injects"][1]["description"] = template
    sc["injects"][6]["description"] = "Later: {decision:ambulances|none yet} in all."
    r = create_custom(f, scenario=sc)
    res.eq(r.status, 201, "a run with placeholders: %s" % r.body[:200])
    rid = (r.json or {}).get("id")
    path = "/api/v1/runs/%s" % rid
    res.eq(f.request("POST", path + "/participants", {"user": "player2", "member": "player", "role": "ems"}).status,
           201, "the placeholders' player")
    ps, fs = Stream(port, p2.cookie, rid), Stream(port, f.cookie, rid)
    res.eq(f.request("POST", path + "/start").status, 200, "start the placeholders' run")
    got, fgot = ps.wait_kind("sim"), fs.wait_kind("sim")
    res.check(bool(got) and got[0]["json"].get("roles") == ["ems"],
              "the player's sim event names its own role only: %r" % (got and got[0]["json"].get("roles")))
    res.check(bool(fgot) and fgot[0]["json"].get("roles") == ["ems", "hospital"],
              "the facilitator's names every sim_to role: %r" % (fgot and fgot[0]["json"].get("roles")))
    res.eq(p2.request("POST", path + "/decisions", {"decision": "ambulances", "role": "ems", "value": 7}).status,
           201, "decide 7 ambulances")
    res.eq(f.request("POST", path + "/injects/2/trigger").status, 200, "deliver inject 2 now")
    got = ps.wait_kind("inject", where=lambda j: j.get("seq") == 2)
    filled = "EMS-ONLY: 7 ambulances committed."
    res.check(bool(got) and got[0]["json"].get("text") == filled,
              "the event carries the filled text: %r" % (got and got[0]["json"].get("text")))
    ps.close()
    fs.close()
    for who, c in (("player", p2), ("facilitator", f)):
        j = c.get(path).json or {}
        injects = {x.get("seq"): x.get("description") for x in (j.get("scenario") or {}).get("injects", [])}
        res.eq(injects.get(2), filled, "%s reads inject 2 as delivered" % who)
        res.check("{decision:" not in json.dumps(injects.get(2)), "%s sees no placeholder" % who)
    j = f.get(path).json or {}
    injects = {x.get("seq"): x.get("description") for x in (j.get("scenario") or {}).get("injects", [])}
    res.eq(injects.get(7), "Later: {decision:ambulances|none yet} in all.",
           "a pending inject: the facilitator reads the template")
    res.eq((j.get("scenario") or {}).get("undecided"), sc["undecided"], "the facilitator reads undecided")
    pj = p2.get(path).json or {}
    res.check("undecided" not in (pj.get("scenario") or {}) and "sim_to" not in (pj.get("scenario") or {}),
              "a player's scenario has no undecided nor sim_to: %r" % sorted((pj.get("scenario") or {}).keys()))


def audit_rows(protect, db):
    """The registry's audit log as the command line lists it (newest first)."""
    rc, out, err = run_protect(protect, "--db", db, "audit", "list", "--format", "json", "--limit", "1000")
    try:
        return json.loads(out) if rc == 0 else []
    except ValueError:
        return []


def t_records(res, srv, protect, db):
    """Attack review 4, 6, 7, 8: quotas, the write rate, paging, the player's view, the audit of
    outsiders and of a non-Exercise alert, the texts refused."""
    port = srv.port
    f = login(res, port, "facilitator")
    p1 = login(res, port, "player")
    p2 = login(res, port, "player2")
    ev = login(res, port, "evaluator")
    viewer = login(res, port, "viewer")
    r = create_custom(f)
    rid = (r.json or {}).get("id")
    res.eq(r.status, 201, "a run for the records: %s" % r.body[:200])
    if not rid:
        return
    path = "/api/v1/runs/%s" % rid
    for user, member, role in (("player", "player", "police"), ("player", "player", "pio"),
                               ("player2", "player", "ems"), ("evaluator", "evaluator", None)):
        body = {"user": user, "member": member}
        if role:
            body["role"] = role
        res.eq(f.request("POST", path + "/participants", body).status, 201, "assign %s %s" % (user, role))
    # texts: CR, other controls and the bidi controls refused, naming the field
    for c, sub, body, field in (
            (p1, "log", {"activity": "a\rb", "role": "police"}, "activity"),
            (p1, "log", {"activity": "gate \u202eB", "role": "police"}, "activity"),
            (p1, "log", {"activity": "isolate \u2066x", "role": "police"}, "activity"),
            (ev, "observations", {"text": "ok\r"}, "text"),
            (ev, "observations", {"text": "\u202dspoof"}, "text"),
            (f, "improvements", {"issue": "i\r", "action": "a", "element": "training", "responsible": "r"}, "issue"),
            (f, "endex", {"message": "over\r"}, "message")):
        expect(res, c.request("POST", "%s/%s" % (path, sub), body), 400, field, "POST %s %r" % (sub, body))
    expect(res, f.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise", "title": "Drill \u202e1"}),
           400, "title", "a title with U+202E")
    res.eq(p1.request("POST", path + "/log", {"activity": "Cordon\tset\nGate B open", "role": "police"}).status, 201,
           "tab and new line pass")
    # what a player no longer receives; the evaluator still does
    j = p1.get(path).json or {}
    sc = j.get("scenario") or {}
    res.check("seed" not in j and "sim_start_min" not in j and "next_sim_min" not in j,
              "a player's run has no seed or simulation times: %r" % sorted(j)[:40])
    res.eq(j.get("sim_figures"), False, "the police commander receives no figures")
    res.eq((p2.get(path).json or {}).get("sim_figures"), True, "the EMS commander receives the figures")
    for k in ("objectives", "baseline", "simulation", "sim_start", "sim_every_min", "sim_replications", "sim_to"):
        res.check(k not in sc, "a player's scenario has no %s" % k)
    j = ev.get(path).json or {}
    sc = j.get("scenario") or {}
    res.eq(j.get("seed"), 11, "the evaluator sees the seed")
    res.check(any(t.get("tasks") for o in sc.get("objectives", []) for t in o.get("targets", [])),
              "the evaluator sees the objectives' targets and critical tasks: %r" % sc.get("objectives"))
    res.eq((sc.get("simulation"), sc.get("sim_replications"), sc.get("sim_to")),
           ("hospital-attack.json", 20, ["ems"]), "and the simulation settings")
    items = (p1.get("/api/v1/exercises").json or {}).get("items", [])
    res.check(items and all("objectives" not in x and "sim_to" not in x and "simulation" not in x for x in items),
              "a player's list of built-in exercises has no evaluation guide: %r" % [sorted(x) for x in items][:1])
    items = (ev.get("/api/v1/exercises").json or {}).get("items", [])
    res.check(items and all(x.get("objectives") for x in items), "the evaluator's has it")
    # attack review 2, finding 8: by system role, not "not a player": a viewer's and a
    # coordinator's (commanders play with such accounts) have none; the facilitator's has it
    for who, c in (("viewer", viewer), ("coordinator", login(res, port, "coordinator"))):
        items = (c.get("/api/v1/exercises").json or {}).get("items", [])
        res.check(items and all("objectives" not in x and "sim_to" not in x and "simulation" not in x and
                                "sim_start_min" not in x for x in items),
                  "the %s's list of built-in exercises has no evaluation guide" % who)
    items = (f.get("/api/v1/exercises").json or {}).get("items", [])
    res.check(items and all(x.get("objectives") and x.get("sim_to") for x in items), "the facilitator's has it")
    # paging: newest first, with a cursor
    ids = []
    for k in range(3):
        r = p1.request("POST", path + "/log", {"activity": "entry %d" % k, "role": "police"})
        ids.append((r.json or {}).get("id"))
    r = f.get(path + "?limit=2")
    j = r.json or {}
    res.eq([x.get("id") for x in j.get("log", [])], [ids[2], ids[1]], "the first page: the newest two")
    page = j.get("entries") or {}
    res.eq((page.get("limit"), page.get("more"), page.get("next_before")), (2, True, ids[1]), "more to come: %r" % page)
    j = f.get(path + "?limit=2&before=%s" % ids[1]).json or {}
    res.eq([x.get("activity") for x in j.get("log", [])], ["entry 0", "Cordon\tset\nGate B open"],
           "the next page, before=%s" % ids[1])
    res.eq(((j.get("entries") or {}).get("more"), (j.get("entries") or {}).get("before")), (False, ids[1]),
           "the last page")
    j = p1.get(path).json or {}
    res.eq(((j.get("entries") or {}).get("limit"), (j.get("entries") or {}).get("more")), (200, False),
           "the default page: 200")
    for q, field in (("limit=1001", "limit"), ("limit=0", "limit"), ("before=0", "before"), ("before=x", "before"),
                     ("after=3", "after")):
        expect(res, f.get(path + "?" + q), 400, field, "GET ?%s" % q)
    # a player at its log quota; another player and the evaluator go on
    conn = sqlite3.connect(db, timeout=30)
    try:
        uid = conn.execute("SELECT id FROM users WHERE name = 'player'").fetchone()[0]
        have = conn.execute("SELECT count(*) FROM exercise_run_entries WHERE run_id = ? AND user_id = ? AND "
                            "kind = 'log'", (rid, uid)).fetchone()[0]
        conn.executemany("INSERT INTO exercise_run_entries (run_id, kind, role, user_id, user_name, t_min, at, text) "
                         "VALUES (?, 'log', 'police', ?, 'player', 0, 0, 'filled')",
                         [(rid, uid)] * (499 - have))
        conn.commit()
    finally:
        conn.close()
    res.eq(p1.request("POST", path + "/log", {"activity": "the 500th", "role": "police"}).status, 201,
           "the player's 500th log entry")
    r = p1.request("POST", path + "/log", {"activity": "one more", "role": "police"})
    expect(res, r, 400, "user", "the player's 501st log entry")
    res.check("500 log entries" in r.body, "the refusal says the quota: %s" % r.body[:200])
    res.eq(ev.request("POST", path + "/observations", {"text": "The police log is full"}).status, 201,
           "the evaluator still observes")
    res.eq(p2.request("POST", path + "/log", {"activity": "EMS still logs", "role": "ems"}).status, 201,
           "another player still logs")
    # the write rate: 60 a minute per user and run, then 429 with Retry-After
    got = None
    for k in range(200):
        r = p2.request("POST", path + "/log", {"activity": "burst %d" % k, "role": "ems"})
        if r.status != 201:
            got = (k, r)
            break
    res.check(got is not None and got[1].status == 429, "a burst of writes ends in 429: %r" % (got and got[1].body[:200]))
    if got:
        res.check(got[0] >= 59, "not before the 60th write: %d" % got[0])
        res.check((got[1].header("retry-after") or "").isdigit() and int(got[1].header("retry-after")) >= 1,
                  "Retry-After: %r" % got[1].header("retry-after"))
        expect(res, p2.request("POST", path + "/decisions", {"decision": "ambulances", "role": "ems", "value": 3}),
               429, None, "a decision counts against the same rate")
    res.eq(ev.request("POST", path + "/observations", {"text": "Another user's rate is its own"}).status, 201,
           "the evaluator's rate is its own")
    # outsiders' attempts: 404 as for a run that does not exist, audited as refused
    for sub, body in (("start", None), ("log", {"activity": "x"}), ("participants", {"user": "viewer", "member": "player", "role": "ems"}),
                      ("improvements/1/status", {"status": "done"})):
        expect(res, viewer.request("POST", "%s/%s" % (path, sub), body), 404, None, "an outsider POSTs %s" % sub)
    expect(res, viewer.get(path), 404, None, "an outsider reads the run")
    expect(res, viewer.get(path + "/report?format=csv"), 404, None, "an outsider reads the report")
    r = p1.request("POST", path + "/alerts", {"template": "armed-attack", "site_id": "VM-012", "status": "Actual"})
    expect(res, r, 400, "status", "the PIO asks for an Actual alert")
    rows = [a for a in audit_rows(protect, db) if a.get("action") == "refused" and a.get("record") == str(rid)]
    details = [(a.get("user"), a.get("detail")) for a in rows]
    for want in (("viewer", "run.start: not found"), ("viewer", "run.log: not found"),
                 ("viewer", "run.assign: not found"), ("viewer", "run.improvement.status: not found"),
                 ("viewer", "run.read: not found"), ("viewer", "run.report: not found"),
                 ("player", "run.alert: status: an alert from within an exercise has status Exercise"),
                 ("player", "run.log: user: you have written 500 log entries in this run, the most one participant may")):
        res.check(want in details, "audited as refused: %r (%r)" % (want, details[:8]))


def t_round2(res, srv, protect, db):
    """Attack review round 2: 2 (exercise alerts under the run rate, 50 a run, the console without
    them unless ?runs=1), 5 (8 runs not ended per facilitator), 6 (refused run requests throttled),
    7 (an exercise alert's site is one every participant may read)."""
    port = srv.port
    add_user(res, protect, db, "fac3", "Vellmark National Police", "facilitator")
    add_user(res, protect, db, "outsider", "Northgate Utilities", "viewer")
    f = login(res, port, "fac3")
    made = []
    for k in range(8):
        r = f.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise", "title": "Cap %d" % k})
        res.eq(r.status, 201, "fac3's run %d of 8: %s" % (k + 1, r.body[:200]))
        made.append((r.json or {}).get("id"))
    r = f.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise", "title": "One too many"})
    expect(res, r, 409, "runs", "a ninth run not ended")
    res.check("8 runs not ended" in r.body and "ENDEX" in r.body, "the refusal names the cap: %s" % r.body[:200])
    res.eq(f.request("POST", "/api/v1/runs/%s/endex" % made[0], None).status, 200, "ENDEX of one")
    r = f.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise", "title": "After ENDEX"})
    res.eq(r.status, 201, "after an ENDEX one more: %s" % r.body[:200])
    rows = [(a.get("user"), a.get("detail")) for a in audit_rows(protect, db) if a.get("action") == "refused"]
    res.check(any(u == "fac3" and (d or "").startswith("run.create: runs: you have 8 runs not ended") for u, d in rows),
              "the refused creation is audited: %r" % rows[:4])
    # an exercise alert: player2 (Ministry) is the PIO, player (Harbourlight) the police commander
    rid = made[1]
    path = "/api/v1/runs/%s" % rid
    for user, role in (("player2", "pio"), ("player", "police_commander")):
        r = f.request("POST", path + "/participants", {"user": user, "member": "player", "role": role})
        res.eq(r.status, 201, "assign %s as %s: %s" % (user, role, r.body[:200]))
    res.eq(f.request("POST", path + "/start", None).status, 200, "start")
    p2, p1 = login(res, port, "player2"), login(res, port, "player")
    # VM-023, the ministry's own AMBER headquarters (since issue 16 the AMBER laboratory VM-015
    # is the hospital trust's, which player2 no longer reads)
    res.eq(p2.get("/api/v1/sites/VM-023").status, 200, "the PIO (Ministry) reads VM-023 (the ministry's AMBER)")
    res.eq(p1.get("/api/v1/sites/VM-023").status, 404, "the police commander may not read VM-023 (AMBER)")
    r = p2.request("POST", path + "/alerts", {"template": "armed-attack", "site_id": "VM-023"})
    expect(res, r, 400, "site_id", "an alert on a site not every participant may read")
    res.check("not every participant" in r.body and "player" not in r.body,
              "the refusal names no participant: %s" % r.body[:300])
    res.check("Ministry of the Interior Headquarters" not in json.dumps(f.get(path).json or {}),
              "no event names the AMBER site")
    # 50 alerts a run, then 400 "run", audited; they count against the run rate
    ids = []
    for k in range(50):
        r = p2.request("POST", path + "/alerts", {"template": "armed-attack", "site_id": "VM-012"})
        if r.status != 201:
            res.check(False, "exercise alert %d: %d %s" % (k + 1, r.status, r.body[:200]))
            break
        ids.append((r.json or {}).get("identifier"))
    r = p2.request("POST", path + "/alerts", {"template": "armed-attack", "site_id": "VM-012"})
    expect(res, r, 400, "run", "the 51st exercise alert of the run")
    res.check("50 exercise alerts" in r.body, "the refusal names the cap: %s" % r.body[:200])
    rows = [(a.get("user"), a.get("detail")) for a in audit_rows(protect, db)
            if a.get("action") == "refused" and a.get("record") == str(rid)]
    res.check(("player2", "run.alert: run: this run has issued 50 exercise alerts, the most one run may issue") in rows,
              "the 51st is audited as refused: %r" % rows[:4])
    got = None
    for k in range(60):
        r = p2.request("POST", path + "/log", {"activity": "after the alerts %d" % k, "role": "pio"})
        if r.status != 201:
            got = (k, r)
            break
    res.check(got is not None and got[1].status == 429 and got[0] < 30,
              "the alerts took from the same rate: 429 after %r log entries" % (got and got[0]))
    pio = login(res, port, "pio")
    listed = [a.get("identifier") for a in (pio.get("/api/v1/alerts").json or {}).get("alerts", [])]
    res.check(ids and not set(ids) & set(listed), "the console leaves a run's alerts out: %d of %d listed"
              % (len(set(ids) & set(listed)), len(ids)))
    listed = [a.get("identifier") for a in (pio.get("/api/v1/alerts?runs=1").json or {}).get("alerts", [])]
    res.check(ids and set(ids) <= set(listed), "?runs=1 lists them: %d of %d" % (len(set(ids) & set(listed)), len(ids)))
    expect(res, pio.get("/api/v1/alerts?runs=2"), 400, "runs", "?runs=2")
    # refused run requests: 30 a minute audited; past them (round 3, N3) the same answers without
    # a row of their own, and one row saying so
    o = login(res, port, "outsider")
    codes = [o.get("/api/v1/runs/%d" % (9000000 + k)).status for k in range(40)]
    res.eq(codes, [404] * 40, "refusals past the limit answer as before, not 429")
    r = o.get("/api/v1/runs/%s/events" % rid)
    res.eq(r.status, 404, "the stream too: %s" % r.body[:200])
    r = o.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise"})
    expect(res, r, 403, "role", "a throttled viewer's creation")
    mine = [a.get("detail") or "" for a in audit_rows(protect, db)
            if a.get("action") == "refused" and a.get("user") == "outsider"]
    n = sum(1 for d in mine if d.startswith("run.read: not found"))
    res.check(30 <= n < 40, "30 refusals audited, not all 40: %d (%r)" % (n, mine[:3]))
    res.eq(sum(1 for d in mine if d.startswith("run requests throttled")), 1, "and one row says the rest were throttled")
    res.eq(sum(1 for d in mine if d.startswith("run.create")), 0, "the throttled creation has no row: %r" % mine[:3])
    res.eq(login(res, port, "viewer").get("/api/v1/runs/9000001").status, 404, "another user is not throttled")
    return f, p2, rid


def t_round3(res, srv, protect, db, f, p2, rid):
    """Attack re-check round 3: N1 (a participant added after an exercise alert must read its site
    too), N2 (the 8-run cap's 409 counts in the refusal throttle), N3 (a throttled user's own run
    still answers, its facilitator still suspends it)."""
    port = srv.port
    path = "/api/v1/runs/%s" % rid
    # N3: player2, past the limit of refusals, still reads and writes its own run
    codes = [p2.get("/api/v1/runs/%d" % (9100000 + k)).status for k in range(35)]
    res.eq(codes, [404] * 35, "player2's refusals")
    r = p2.get(path)
    res.eq(r.status, 200, "the throttled player reads its own run: %s" % r.body[:200])
    mine = [a.get("detail") or "" for a in audit_rows(protect, db)
            if a.get("action") == "refused" and a.get("user") == "player2"]
    n = sum(1 for d in mine if d.startswith("run.read: not found"))
    res.check(0 < n < 35, "player2's refusals audited up to the limit (30 a minute): %d of 35" % n)
    res.eq(sum(1 for d in mine if d.startswith("run requests throttled")), 1, "one row says player2's were throttled")
    # N2: fac3 at the cap, 35 creations refused: 409 each, audited up to the limit
    before = sum(1 for a in audit_rows(protect, db) if a.get("action") == "refused" and a.get("user") == "fac3"
                 and (a.get("detail") or "").startswith("run.create: runs:"))
    codes = [f.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise"}).status for k in range(35)]
    res.eq(codes, [409] * 35, "the cap refuses each creation")
    # N3: the throttled facilitator suspends its run (STOPEX), at once
    r = f.request("POST", path + "/suspend", {"message": "Fire alarm"})
    res.eq((r.status, (r.json or {}).get("state")), (200, "paused"), "the throttled facilitator suspends: %s" % r.body[:200])
    rows = [a.get("detail") or "" for a in audit_rows(protect, db)
            if a.get("action") == "refused" and a.get("user") == "fac3"]
    n = sum(1 for d in rows if d.startswith("run.create: runs:")) - before
    res.check(n < 35, "not every refused creation has a row: %d of 35" % n)
    res.eq(sum(1 for d in rows if d.startswith("run requests throttled")), 1, "one row says fac3's were throttled")
    # N1: fac4 (Harbourlight) runs an exercise whose PIO alerts about VM-008 (Harbourlight's)
    add_user(res, protect, db, "fac4", "Harbourlight Group", "facilitator")
    f4, pl = login(res, port, "fac4"), login(res, port, "player")
    r = f4.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise", "title": "N1"})
    res.eq(r.status, 201, "fac4's run: %s" % r.body[:200])
    path = "/api/v1/runs/%s" % (r.json or {}).get("id")
    res.eq(f4.request("POST", path + "/participants", {"user": "player", "member": "player", "role": "pio"}).status,
           201, "player as PIO")
    res.eq(f4.request("POST", path + "/start", None).status, 200, "start")
    r = pl.request("POST", path + "/alerts", {"template": "armed-attack", "site_id": "VM-008"})
    res.eq(r.status, 201, "an alert every participant may read: %s" % r.body[:200])
    p3 = login(res, port, "player3")
    res.eq(p3.get("/api/v1/sites/VM-008").status, 404, "player3 (Police) may not read VM-008")
    r = f4.request("POST", path + "/participants", {"user": "player3", "member": "player", "role": "police_commander"})
    expect(res, r, 409, "user", "a participant who may not read the alert's site")
    res.check("exercise alerts about a site player3 may not read" in r.body and "VM-008" not in r.body
              and "Harbourlight Bank" not in r.body, "the refusal names no site: %s" % r.body[:300])
    r = f4.request("POST", path + "/participants", {"user": "evaluator", "member": "evaluator"})
    ok = login(res, port, "evaluator").get("/api/v1/sites/VM-008").status == 200
    res.eq(r.status, 201 if ok else 409, "the evaluator, who %s read VM-008: %s" % ("may" if ok else "may not", r.body[:200]))
    res.eq(p3.get(path).status, 404, "player3 is not in the run")


def run(res, protect, work):
    """Group runs: its own server and registry."""
    srv, db = start_server(res, protect, work, "runs")
    try:
        add_user(res, protect, db, "player2", "Vellmark Ministry of the Interior", "player")
        add_user(res, protect, db, "player3", "Vellmark National Police", "player")
        t_run(res, srv, protect, db)
        t_records(res, srv, protect, db)  # attack review 4, 6, 7, 8
        f, p2, rid = t_round2(res, srv, protect, db)  # attack review round 2: 2, 5, 6, 7
        t_round3(res, srv, protect, db, f, p2, rid)  # attack re-check round 3: N1, N2, N3
    finally:
        status, out, err = srv.stop()
        res.eq(status, 0, "runs server exit status")
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])


# ---- group "runs-sse" ------------------------------------------------------------------

def new_run(res, f, **extra):
    r = create_custom(f, **extra)
    res.eq(r.status, 201, "create a run: %s" % r.body[:200])
    return (r.json or {}).get("id")


def t_sse(res, protect, work):
    # a 4 s idle timeout: heartbeats every 2 s (half of it), so the test sees them soon
    # room for 256 streams and more from 127.0.0.1
    srv, db = start_server(res, protect, work, "runs-sse", ["--idle-timeout", "4", "--per-address-max", "320",
                                                              "--connections-max", "400"])
    try:
        port = srv.port
        f = login(res, port, "facilitator")
        rid = new_run(res, f)
        t_total_limit(res, protect, db, port, f, rid)
        # heartbeats on a quiet stream (the run is not started), and the stream outlives the
        # idle timeout
        s = Stream(port, f.cookie, rid)
        res.eq(s.status, 200, "a stream of a ready run")
        res.check(bool(s.wait(lambda x: len([c for c in x.comments if "heartbeat" in c]) >= 3)),
                  "heartbeats on a quiet stream: %r" % s.comments)
        res.check(not s.closed, "the stream outlives the idle timeout")
        # streams per user: 8 (the one above and seven more), the ninth 429
        more = [Stream(port, f.cookie, rid) for _ in range(7)]
        res.eq([m.status for m in more], [200] * 7, "eight streams of one user")
        ninth = Stream(port, f.cookie, rid)
        res.eq(ninth.status, 429, "the ninth: 429 (%s)" % ninth.body[:120])
        res.check(ninth.headers.get("retry-after") == "10", "with Retry-After: %r" % ninth.headers.get("retry-after"))
        # more streams than the server has threads (4): none holds one, requests are answered
        res.eq(f.get("/api/v1/session").status, 200, "a request answered beside 8 streams on 4 threads")
        other = login(res, port, "coordinator")
        o = Stream(port, other.cookie, rid)
        res.eq(o.status, 200, "another user's stream meanwhile")
        o.close()
        # clients that go away free their streams (within about a second: the ticker polls)
        for m in more:
            m.close()
        deadline = time.monotonic() + WAIT_S
        again = None
        while time.monotonic() < deadline:
            again = Stream(port, f.cookie, rid)
            if again.status == 200:
                break
            time.sleep(0.5)
        res.eq(again.status if again else None, 200, "a stream again once the others' clients went away")
        opened = [again] + [Stream(port, f.cookie, rid) for _ in range(6)]
        res.eq([m.status for m in opened], [200] * 7, "seven streams again (the freed ones' places)")
        for m in opened:
            m.close()
        # a session logged out ends its stream at the next heartbeat
        p = login(res, port, "coordinator")
        ps = Stream(port, p.cookie, rid)
        res.eq(ps.status, 200, "the coordinator's stream")
        res.eq(p.request("DELETE", "/api/v1/session").status, 204, "the coordinator logs out")
        res.check(bool(ps.wait_closed()), "its stream ends")
        res.check(any("session has ended" in c for c in ps.comments), "saying why: %r" % ps.comments)
        # a run restored after a restart goes on: injects due while the server was down come at
        # once, in order
        r = f.request("POST", "/api/v1/runs/%s/speed" % rid, {"factor": 60})
        res.eq(r.status, 200, "speed 60")
        res.eq(f.request("POST", "/api/v1/runs/%s/start" % rid).status, 200, "start")
        # the stream of before the restart sees the server stop: it ends at once
        s.close()
        watch = Stream(port, f.cookie, rid)
        res.eq(watch.status, 200, "a stream open while the server stops")
        status, out, err = srv.stop()
        res.eq(status, 0, "the server stops with streams open (exit 0)")
        res.check("still running at the shutdown timeout" not in err,
                  "no stream held the drain to its timeout: %s" % err[-300:])
        res.check(bool(watch.wait_closed(5)), "the open stream has ended")
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])
        time.sleep(4)  # the clock runs on: minutes 1 to 3 come due while the server is down
        srv = Server(protect, db, ["--threads", "4", "--compute-threads", "1", "--idle-timeout", "4"],
                     env=live_env()).start()
        f = login(res, srv.port, "facilitator")
        back = Stream(srv.port, f.cookie, rid)
        got = back.wait_kind("inject", count=3)
        res.check(bool(got), "the injects due while the server was down: %r" % back.kinds())
        if got:
            seqs = [e["json"]["seq"] for e in got[:3]]
            res.eq(seqs, [1, 2, 3], "delivered in order")
            ids = [int(e["id"]) for e in back.events]
            res.eq(ids, sorted(ids), "ids increase")
            ts = [e["json"]["t_min"] for e in got[:3]]
            res.eq(ts, [1, 2, 3], "each at its own scenario minute")
        sims = back.wait_kind("sim", where=lambda j: j.get("t_min") == 0)
        res.check(bool(sims), "the figures of minute 0 exist after the restart (computed before the stop, "
                  "or again after it): %r" % back.kinds())
        back.close()
        r = f.get("/api/v1/runs/%s" % rid)
        res.eq((r.json or {}).get("clock", {}).get("state"), "running", "the clock still runs")
        srv = t_pause_on_restart(res, protect, db, srv, rid)
    finally:
        status, out, err = srv.stop()
        res.check(status == 0 or status is None, "runs-sse server exit status %r" % status)
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])


def delivered(j):
    return sorted(i["seq"] for i in j.get("injects", []) if i.get("status") == "delivered")


def t_pause_on_restart(res, protect, db, srv, rid):
    """Review finding 10: serve --pause-runs-on-restart pauses the runs instead of a burst after an outage."""
    path = "/api/v1/runs/%s" % rid
    status, out, err = srv.stop()  # without the option: the run is left running (a crash does the same)
    res.eq(status, 0, "the server stops")
    time.sleep(3)
    srv = Server(protect, db, ["--threads", "4", "--compute-threads", "1", "--pause-runs-on-restart"],
                 env=live_env()).start()
    f = login(res, srv.port, "facilitator")
    j = f.get(path).json or {}
    res.eq(j.get("clock", {}).get("state"), "paused", "a run left running is paused at start-up: %r" % j.get("clock"))
    at = j.get("clock", {}).get("now_min")
    before = delivered(j)
    res.check(all(i.get("due_min", 0) > at for i in j.get("injects", []) if i.get("status") == "pending"),
              "nothing due by the minute it stopped at is left pending (%r)" % at)
    s = Stream(srv.port, f.cookie, rid)
    got = s.wait_kind("pause", where=lambda e: "server" in e.get("text", ""))
    res.check(bool(got) and "server stopped and started again" in got[0]["json"].get("text", ""),
              "the pause says why: %r" % s.texts())
    s.close()
    time.sleep(2)
    res.eq(delivered(f.get(path).json or {}), before, "nothing delivered while paused")
    r = f.request("POST", path + "/resume")
    res.eq((r.status, (r.json or {}).get("state")), (200, "running"), "the facilitator resumes it")
    status, out, err = srv.stop()  # with the option: paused as the server stops
    res.eq(status, 0, "the server stops")
    res.check("1 exercise run paused (--pause-runs-on-restart)" in out, "the stop says it paused the run: %r" % out[-300:])
    res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])
    srv = Server(protect, db, ["--threads", "4", "--compute-threads", "1"], env=live_env()).start()
    f = login(res, srv.port, "facilitator")
    j = f.get(path).json or {}
    res.eq(j.get("clock", {}).get("state"), "paused", "still paused after a restart without the option")
    s = Stream(srv.port, f.cookie, rid)
    got = s.wait_kind("pause", where=lambda e: "server is stopping" in e.get("text", ""))
    res.check(bool(got), "the pause at the stop says why: %r" % s.texts())
    s.close()
    return srv


def t_total_limit(res, protect, db, port, f, rid):
    """256 streams in all: 32 government coordinators (observers of the AMBER run) with 8 each."""
    names = ["watch%02d" % i for i in range(32)]
    for n in names:
        add_user(res, protect, db, n, "Vellmark Ministry of the Interior", "coordinator")
    watchers = [login(res, port, n) for n in names]
    opened = []
    for c in watchers:
        opened += [Stream(port, c.cookie, rid) for _ in range(8)]
    res.eq(sum(1 for o in opened if o.status == 200), 256, "256 streams open")
    over = Stream(port, f.cookie, rid)
    res.eq(over.status, 429, "the 257th (another user's first): 429 (%s)" % over.body[:120])
    res.check("256 event streams" in over.body, "saying the server's limit: %r" % over.body[:160])
    for o in opened:
        o.close()
    deadline = time.monotonic() + WAIT_S
    again = None
    while time.monotonic() < deadline:
        again = Stream(port, f.cookie, rid)
        if again.status == 200:
            break
        time.sleep(0.5)
    res.eq(again.status if again else None, 200, "a stream again once those clients went away")
    if again:
        again.close()


def run_sse(res, protect, work):
    """Group runs-sse: its own server (restarted once) and registry; the reruns' share of the
    compute pool on another."""
    t_sse(res, protect, work)
    t_reruns(res, protect, work)


# ---- group "runs-sse": the reruns' share of the compute pool (attack review 2, 3, 5, 8) -------

def heavy_scenario(**extra):
    """The test exercise at the most one rerun may cost (the facilitator role's budget: 2,000
    replications of 2,000 victims at 52 events each), so a rerun computes a while."""
    sc = copy.deepcopy(SCENARIO)
    sc["sim_replications"] = 2000
    sc.update(extra)
    sim = simulation()
    sim["attack"]["victims"] = 2000
    return sc, sim


def t_budget(res, f):
    """A run whose rerun would cost more than a facilitator's simulation is refused at creation."""
    sc, sim = heavy_scenario(sim_replications=2001)
    r = f.request("POST", "/api/v1/runs", {"scenario": sc, "simulation": sim})
    expect(res, r, 400, "scenario.sim_replications", "2001 replications a rerun")
    res.check("2001 replications" in r.body and "at most 2000" in r.body, "saying the limit: %r" % r.body[:300])
    sc, sim = heavy_scenario()
    sim["attack"]["victims"] = 2001
    r = f.request("POST", "/api/v1/runs", {"scenario": sc, "simulation": sim})
    expect(res, r, 400, "simulation.attack.victims", "2001 victims a rerun")
    res.check("2001 victims" in r.body and "at most 2000" in r.body, "saying the limit: %r" % r.body[:300])
    sc, sim = heavy_scenario(sim_replications=500)
    sim["horizon_min"] = 10080  # 2000 victims x (4 + 10080 / 15) events (at most the model's limit)
    r = f.request("POST", "/api/v1/runs", {"scenario": sc, "simulation": sim})
    expect(res, r, 400, "scenario.sim_replications", "500 replications of a week's horizon")
    res.check("events" in r.body, "saying the cost in events: %r" % r.body[:300])
    sc, sim = heavy_scenario()
    r = f.request("POST", "/api/v1/runs", {"scenario": sc, "simulation": sim})
    res.eq(r.status, 201, "a run at the budget exactly: %s" % r.body[:200])
    return (r.json or {}).get("id")


def t_supersede_endex(res, port, f, p2, rid):
    """Decisions faster than the reruns: one rerun waits per run, each newer one supersedes it
    (an event sim_skip for the facilitators); ENDEX drops the waiting one and cancels the one
    computing (the server's log says so)."""
    path = "/api/v1/runs/%s" % rid
    res.eq(f.request("POST", path + "/participants", {"user": "player2", "member": "player", "role": "ems"}).status,
           201, "the EMS player of the heavy run")
    fs = Stream(port, f.cookie, rid)
    ps = Stream(port, p2.cookie, rid)
    res.eq(f.request("POST", path + "/start").status, 200, "start the heavy run")
    for k in range(6):
        r = p2.request("POST", path + "/decisions", {"decision": "ambulances", "role": "ems", "value": 10 + k})
        res.eq(r.status, 201, "decision %d: %s" % (k, r.body[:200]))
    dues = fs.wait_kind("sim_due", count=7)
    res.check(bool(dues), "seven reruns due (the start and six decisions): %r" % fs.kinds())
    skips = fs.wait_kind("sim_skip", count=4)
    res.check(bool(skips), "at least four superseded (one computes, one waits): %r" % fs.kinds())
    due_ids = [int(e["id"]) for e in (dues or [])]
    for e in skips or []:
        j = e["json"]
        res.check(j.get("audience") == "facilitators" and "supersedes" in j.get("text", ""),
                  "a skip to the facilitators saying why: %r" % j)
    skipped = [int(e["json"]["text"].split()[2]) for e in skips or []]
    res.check(due_ids[-1] not in skipped if due_ids else False, "the newest rerun is not skipped")
    res.check(all(x in due_ids for x in skipped), "the skipped ones are reruns due: %r %r" % (skipped, due_ids))
    res.check(not any(k == "sim_skip" for k in ps.kinds()), "the player gets no sim_skip")
    # the newest rerun's figures come with all six decisions (the sixth: 15 ambulances)
    got = ps.wait_kind("sim", where=lambda j: "15 committed in all" in j.get("text", ""), timeout=HEAVY_WAIT_S)
    res.check(bool(got), "the figures of the newest rerun (six decisions): %r" % ps.texts())
    # ENDEX while reruns compute and wait: two more decisions, then ENDEX at once
    for k in range(2):
        p2.request("POST", path + "/decisions", {"decision": "ambulances", "role": "ems", "value": 30 + k})
    r = f.request("POST", path + "/endex")
    res.eq(r.status, 200, "ENDEX with reruns waiting: %s" % r.body[:200])
    res.check(bool(fs.wait_closed()), "the facilitator's stream ends")
    due_ids = [int(e["id"]) for e in fs.events if e.get("event") == "sim_due"]
    fs.close()
    ps.close()
    return due_ids


def t_role_change(res, protect, db, port, f, p3, rid):
    """A player whose role changes (its sessions end) gets no event after it: the stream ends
    before the next inject, not at the next heartbeat."""
    path = "/api/v1/runs/%s" % rid
    res.eq(f.request("POST", path + "/participants", {"user": "player3", "member": "player", "role": "hospital"}).status,
           201, "player3 holds the hospital")
    s = Stream(port, p3.cookie, rid)
    res.eq(s.status, 200, "player3's stream")
    res.eq(f.request("POST", path + "/start").status, 200, "start")
    rc, out, err = run_protect(protect, "--db", db, "user", "role", "player3", "viewer")
    res.eq(rc, 0, "protect user role player3 viewer: %s" % err)
    res.eq(f.request("POST", path + "/injects/3/trigger").status, 200, "the hospital's inject triggered")
    res.check(bool(s.wait_closed()), "player3's stream ends")
    res.check(not any("HOSPITAL-ONLY" in t for t in s.texts()), "without the inject: %r" % s.texts())
    res.check(any("session has ended" in c for c in s.comments), "saying why: %r" % s.comments)
    s.close()


def t_last_event_id_spaces(res, port, f, rid):
    """Last-Event-ID with the optional whitespace around it (trimmed); anything else 400."""
    fs = Stream(port, f.cookie, rid)
    got = fs.wait(lambda s: len(s.events) >= 3 and s.events)
    fs.close()
    if not got:
        res.bad("no events to replay")
        return
    mid = int(got[1]["id"])
    for spelled in (" %d " % mid, "\t%d" % mid, "%d  " % mid):
        s = Stream(port, f.cookie, rid, last_id=spelled)
        res.eq(s.status, 200, "Last-Event-ID %r" % spelled)
        first = s.wait(lambda x: x.events)
        res.check(bool(first) and int(first[0]["id"]) > mid and first[0]["id"] == got[2]["id"],
                  "the replay starts after %d: %r" % (mid, first and first[0]["id"]))
        s.close()
    for bad in ("%d x" % mid, "%d 1" % mid, " ", "+%d" % mid):
        b = Stream(port, f.cookie, rid, last_id=bad)
        res.eq(b.status, 400, "Last-Event-ID %r: 400" % bad)


def t_reruns(res, protect, work):
    srv, db = start_server(res, protect, work, "runs-reruns")
    stopped = False
    try:
        add_user(res, protect, db, "player2", "Vellmark Ministry of the Interior", "player")
        add_user(res, protect, db, "player3", "Vellmark National Police", "player")
        port = srv.port
        f = login(res, port, "facilitator")
        p2 = login(res, port, "player2")
        p3 = login(res, port, "player3")
        heavy = t_budget(res, f)
        if not heavy:
            return
        due_ids = t_supersede_endex(res, port, f, p2, heavy)
        light = new_run(res, f)
        t_role_change(res, protect, db, port, f, p3, light)
        t_last_event_id_spaces(res, port, f, light)
        # the ended run: no figures after its ENDEX (its reruns were dropped or cancelled)
        e = Stream(port, f.cookie, heavy)
        res.check(bool(e.wait_kind("endex")) and bool(e.wait_closed()), "the heavy run's history replays")
        kinds = e.kinds()
        res.check("sim" not in kinds[kinds.index("endex"):] if "endex" in kinds else False,
                  "no figures after ENDEX: %r" % kinds[-8:])
        # the server stops with a rerun computing and others waiting: it cancels them and exits
        sc, sim = heavy_scenario()
        r = f.request("POST", "/api/v1/runs", {"scenario": sc, "simulation": sim})
        busy = (r.json or {}).get("id")
        res.eq(f.request("POST", "/api/v1/runs/%s/participants" % busy,
                         {"user": "player2", "member": "player", "role": "ems"}).status, 201, "a second heavy run")
        res.eq(f.request("POST", "/api/v1/runs/%s/start" % busy).status, 200, "started")
        for k in range(3):
            p2.request("POST", "/api/v1/runs/%s/decisions" % busy, {"decision": "ambulances", "role": "ems", "value": k})
        status, out, err = srv.stop()
        stopped = True
        res.eq(status, 0, "the server stops with reruns computing and waiting")
        res.check("still running at the shutdown timeout" not in err, "nothing held the stop: %s" % err[-300:])
        ended = re.findall(r"run %s: simulation rerun (\d+) (dropped|cancelled): the run has ended" % heavy, err)
        res.check(bool(ended), "the log says ENDEX dropped or cancelled the heavy run's reruns: %r" % err[-600:])
        res.check(all(int(x) in due_ids for x, _ in ended), "reruns due of the run: %r %r" % (ended, due_ids))
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])
    finally:
        if not stopped:
            status, out, err = srv.stop()
            res.check(status == 0 or status is None, "runs-reruns server exit status %r" % status)
