# simulate.py - HTTP tests of issue 14: POST /api/v1/simulations runs a mass-casualty scenario
# (the body's, or one built at a site the caller may read) and answers the CLI's JSON summary;
# the same seed gives the same numbers, a sweep gives a row per value, roles and limits hold.
import json
import os
import socket

from httplib import Client, Server, run_protect

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIO = os.path.join(TOP, "data", "scenarios", "hospital-attack.json")
PATH = "/api/v1/simulations"


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r))
    return c


def scenario():
    with open(SCENARIO) as f:
        return json.load(f)


def post(c, body):
    return c.request("POST", PATH, body=body)


def t_simulate_success(res, port, protect, db):
    co = login(res, port, "coordinator")
    r = post(co, {"scenario": scenario(), "replications": 40, "seed": 7})
    res.check(r.status == 200, "simulation: 200: %r" % (r,))
    body = r.json or {}
    res.check(body.get("replications") == 40 and body.get("seed") == 7 and body.get("victims") == 80,
              "simulation: replications, seed, victims: %r" % ({k: body.get(k) for k in
                                                                ("replications", "seed", "victims")},))
    res.check(len(body.get("rows", [])) == 1 and body.get("sweep") is None, "simulation: one row, no sweep")
    # the CLI's --format json for the same scenario and seed: the same JSON
    rc, out, err = run_protect(protect, "--db", db, "simulate", "--scenario", SCENARIO,
                               "--replications", "40", "--seed", "7", "--threads", "1",
                               "--format", "json")
    res.check(rc == 0, "protect simulate: rc %d: %s" % (rc, err))
    if rc == 0:
        res.check(json.loads(out) == body, "the API's summary is the CLI's --format json")


def t_simulate_determinism(res, port, protect, db):
    an = login(res, port, "analyst")
    a = post(an, {"scenario": scenario(), "replications": 30, "seed": 11})
    b = post(an, {"scenario": scenario(), "replications": 30, "seed": 11})
    c = post(an, {"scenario": scenario(), "replications": 30, "seed": 12})
    res.check(a.status == b.status == c.status == 200, "determinism: 200s: %r %r %r" % (a, b, c))
    if a.status == b.status == c.status == 200:
        res.check(a.body == b.body, "same seed: the same bytes")
        res.check(a.json["rows"] != c.json["rows"], "another seed: other numbers")


def t_simulate_sweep(res, port, protect, db):
    fa = login(res, port, "facilitator")
    r = post(fa, {"scenario": scenario(), "replications": 60, "seed": 3,
                  "set": {"response.triage_crews": 2},
                  "sweep": {"key": "response.ambulances", "values": [1, 40]}})
    res.check(r.status == 200, "sweep: 200: %r" % (r,))
    if r.status != 200:
        return
    body = r.json
    res.check(body.get("sweep") == "response.ambulances", "sweep: the key: %r" % body.get("sweep"))
    rows = body.get("rows", [])
    res.check([row.get("value") for row in rows] == ["1", "40"], "sweep: a row per value: %r" %
              [row.get("value") for row in rows])
    rc, out, err = run_protect(protect, "--db", db, "simulate", "--scenario", SCENARIO,
                               "--replications", "60", "--seed", "3", "--threads", "1",
                               "--set", "response.triage_crews=2",
                               "--sweep", "response.ambulances=1,40", "--format", "json")
    res.check(rc == 0 and json.loads(out) == body, "sweep: the CLI's JSON (rc %d %s)" % (rc, err))


def t_simulate_limits(res, port, protect, db):
    fa = login(res, port, "facilitator")  # 2,000 replications in all, 2,000 victims
    co = login(res, port, "coordinator")  # 10,000 and 5,000
    s = scenario()
    cases = [
        (fa, {"scenario": s, "replications": 2001}, 413, "replications"),
        (fa, {"scenario": s, "replications": 1000,
              "sweep": {"key": "response.ambulances", "values": [2, 4, 8]}}, 413, "replications"),
        (fa, {"scenario": s, "replications": 10, "set": {"attack.victims": 2001}}, 413,
         "scenario.attack.victims"),
        (co, {"scenario": s, "replications": 10001}, 413, "replications"),
        (co, {"scenario": s, "replications": 0}, 400, "replications"),
        (co, {"scenario": s, "replications": 2.5}, 400, "replications"),
        (co, {"scenario": s, "seed": -1}, 400, "seed"),
        (co, {"scenario": s, "replications": 5, "set": {"response.no_such_key": 1}}, 400,
         "response.no_such_key"),
        (co, {"scenario": s, "replications": 5, "set": {"response.ambulances": "many"}}, 400,
         "response.ambulances"),
        (co, {"scenario": dict(s, horizon_min="soon"), "replications": 5}, 400, "scenario.horizon_min"),
        (co, {"scenario": dict(s, colour="red"), "replications": 5}, 400, "scenario.colour"),
        (co, {"replications": 5}, 400, "scenario"),
        (co, {"scenario": s, "site_id": "VM-012", "threat": "pbied"}, 400, "scenario"),
        (co, {"scenario": s, "speed": 1}, 400, "speed"),
        (co, {"scenario": s, "sweep": {"key": "response.ambulances", "values": []}}, 400, "sweep.values"),
        (co, {"site_id": "VM 012", "threat": "pbied"}, 400, "site_id"),
        (co, {"site_id": "VM-012"}, 400, "threat"),
        (co, {"site_id": "VM-012", "threat": "pbied", "victims": 0}, 400, "victims"),
    ]
    for c, body, status, field in cases:
        r = post(c, body)
        got = (r.json or {}).get("field")
        res.check(r.status == status and got == field,
                  "limits: %s: %d field %r expected, got %d %r" %
                  (json.dumps({k: v for k, v in body.items() if k != "scenario"}), status, field,
                   r.status, r.json))


def t_simulate_roles(res, port, protect, db):
    for user in ("relief", "operator", "pio", "player", "evaluator", "viewer"):
        c = login(res, port, user)
        r = post(c, {"scenario": scenario(), "replications": 5})
        res.check(r.status == 403, "roles: %s: 403: %r" % (user, r))
    for user in ("coordinator", "analyst", "facilitator"):
        c = login(res, port, user)
        r = post(c, {"scenario": scenario(), "replications": 5})
        res.check(r.status == 200, "roles: %s: 200: %r" % (user, r))
    r = post(Client(port), {"scenario": scenario(), "replications": 5})
    res.check(r.status == 401, "roles: no session: 401: %r" % (r,))


def t_simulate_site(res, port, protect, db):
    an = login(res, port, "analyst")
    r = post(an, {"site_id": "VM-012", "threat": "armed_assault_team", "victims": 60,
                  "replications": 20, "seed": 5})
    res.check(r.status == 200, "site: 200: %r" % (r,))
    if r.status == 200:
        res.check(r.json.get("victims") == 60 and r.json.get("threat") == "armed_assault_team",
                  "site: the threat and victims asked: %r" % ({k: r.json.get(k) for k in
                                                               ("threat", "victims")},))
    # a site the analyst may not read answers as one that does not exist
    visible = {s["id"] for s in (an.get("/api/v1/sites?limit=1000").json or {}).get("items", [])}
    rc, out, err = run_protect(protect, "--db", db, "sites", "list", "--format", "json")
    listed = json.loads(out) if rc == 0 else []
    items = listed if isinstance(listed, list) else listed.get("sites", listed.get("items", []))
    hidden = sorted(s["id"] for s in items if s["id"] not in visible)
    res.check(bool(hidden), "site: the analyst has a site it may not read")
    missing = post(an, {"site_id": "VM-999", "threat": "pbied"})
    res.check(missing.status == 404, "site: a missing site: 404: %r" % (missing,))
    if hidden:
        h = post(an, {"site_id": hidden[0], "threat": "pbied"})
        res.check(h.status == 404 and h.body == missing.body,
                  "site: a hidden site: the same 404 as a missing one: %r" % (h,))
        res.check(hidden[0] not in h.body, "site: the hidden id is not echoed")
    bad = post(an, {"site_id": "VM-012", "threat": "no_such_threat"})
    res.check(bad.status == 400 and (bad.json or {}).get("field") == "threat",
              "site: an unknown threat: 400 threat: %r" % (bad,))


# review H1: every victim an expectant re-triaged each minute for a week (50 M events a replication)
SLOW = {"attack.victims": 5000, "response.retriage_min": 1, "horizon_min": 10080,
        "response.misclass.START.T3.T3": 0, "response.misclass.START.T3.T2": 0,
        "response.misclass.START.T3.T1": 0, "response.misclass.START.T3.DEAD": 1,
        "response.misclass.START.T2.T2": 0, "response.misclass.START.T2.T3": 0,
        "response.misclass.START.T2.T1": 0, "response.misclass.START.T2.DEAD": 1,
        "attack.mix.killed": 0, "attack.mix.niss16": 0, "attack.mix.niss9": 0, "attack.mix.niss1": 1,
        "response.triage_crews": 1000, "response.walking_share": 0}


def t_simulate_cost(res, port, protect, db):
    an = login(res, port, "analyst")
    s = scenario()
    r = post(an, {"scenario": s, "replications": 40, "set": SLOW})
    res.check(r.status == 413 and (r.json or {}).get("field") == "events" and
              "more than 1100000 events in one replication" in (r.json or {}).get("error", ""),
              "cost: a replication past its event limit: 413 events: %r" % (r,))
    r = post(an, {"scenario": s, "replications": 10000,
                  "set": {"attack.victims": 5000, "response.retriage_min": 1, "horizon_min": 10080}})
    res.check(r.status == 413 and (r.json or {}).get("field") == "replications" and
              "events" in (r.json or {}).get("error", ""),
              "cost: the estimate (horizon / re-triage) past the role's events: 413: %r" % (r,))
    r = post(an, {"scenario": s, "replications": 0})
    res.check(r.status == 400 and "1-10000" in (r.json or {}).get("error", ""),
              "cost: a bad count names the role's limit: %r" % (r,))
    r = post(an, {"scenario": s, "replications": 2, "set": {"name": "x" * 200}})
    res.check(r.status == 400 and (r.json or {}).get("field") == "name",
              "a name too long: 400 name: %r" % (r,))


def t_simulate_diff(res, port, protect, db):
    an = login(res, port, "analyst")
    r = post(an, {"scenario": scenario(), "replications": 50, "seed": 2,
                  "sweep": {"key": "response.triage", "values": ["START", "SALT"]}})
    res.check(r.status == 200, "diff: 200: %r" % (r,))
    if r.status != 200:
        return
    rows = r.json["rows"]
    res.check("diff" not in rows[0]["outputs"]["deaths"], "diff: none in the first row")
    d = rows[1]["outputs"]["deaths"].get("diff") or {}
    res.check(d.get("n") == 50 and d["lo"] <= d["mean"] <= d["hi"] and
              abs(d["mean"] - (rows[1]["outputs"]["deaths"]["mean"] - rows[0]["outputs"]["deaths"]["mean"])) < 1e-9,
              "diff: the paired difference of deaths with its interval: %r" % (d,))
    res.check(d["hi"] - d["lo"] < rows[1]["outputs"]["deaths"]["hi"] - rows[1]["outputs"]["deaths"]["lo"],
              "diff: the paired interval is narrower than a row's")
    r = post(an, {"scenario": scenario(), "replications": 5,
                  "sweep": {"key": "attack.victims", "values": [10, 20]}})
    res.check(r.status == 200 and r.json["victims"] == 10 and
              [row["victims"] for row in r.json["rows"]] == [10, 20],
              "victims as simulated, per row (review L2): %r" % ((r.json or {}).get("victims"),))


def t_simulate_hospitals(res, port, protect, db):
    an = login(res, port, "analyst")
    base = {"site_id": "VM-032", "threat": "pbied", "replications": 5}
    r = post(an, base)
    ids = [h["id"] for h in (r.json or {}).get("receiving_hospitals", [])]
    # issue 16: the laboratory VM-015 has no emergency department: not a receiving hospital
    res.check(r.status == 200 and sorted(ids) == ["VM-012", "VM-013", "VM-014"] and
              all(h.get("name") for h in r.json["receiving_hospitals"]),
              "hospitals: the three hospitals with an emergency department named (id, name): %r" % (ids,))
    r = post(an, dict(base, hospitals=["VM-012", "VM-015"]))
    res.check(r.status == 400 and (r.json or {}).get("field") == "hospitals" and
              "VM-015 has no emergency department" in (r.json or {}).get("error", ""),
              "hospitals: the laboratory named: 400 hospitals: %r" % (r,))
    r = post(an, dict(base, exclude=["VM-014"]))
    ids2 = [h["id"] for h in (r.json or {}).get("receiving_hospitals", [])]
    res.check(r.status == 200 and ids2 == [i for i in ids if i != "VM-014"],
              "hospitals: one excluded: %r" % (ids2,))
    res.check(r.status == 200 and len(r.json["rows"][0]["hospitals"]) == len(ids2),
              "hospitals: the excluded one is not simulated")
    r = post(an, dict(base, hospitals=[ids[0]]))
    res.check(r.status == 200 and [h["id"] for h in r.json["receiving_hospitals"]] == [ids[0]],
              "hospitals: an explicit list: %r" % (r,))
    r = post(an, dict(base, exclude=["VM-001"]))
    res.check(r.status == 400 and (r.json or {}).get("field") == "exclude",
              "hospitals: a site of another sector: 400 exclude: %r" % (r,))
    r = post(an, dict(base, exclude=["VM-999"]))
    res.check(r.status == 404, "hospitals: a missing site: 404: %r" % (r,))
    fa = login(res, port, "facilitator")
    r = post(fa, base)
    res.check(r.status == 200 and "VM-015" not in [h["id"] for h in r.json["receiving_hospitals"]] and
              "unreadable_left_out" not in r.json,
              "hospitals: a facilitator sees neither the hidden hospital nor a count: %r" % (r,))
    r = post(fa, dict(base, exclude=["VM-015"]))
    missing = post(fa, dict(base, exclude=["VM-999"]))
    res.check(r.status == 404 and r.body == missing.body,
              "hospitals: a hidden one excluded: the same 404 as a missing one: %r" % (r,))
    cat = an.get("/api/v1/catalog/threats?limit=100")
    mix = {t["id"]: t.get("casualty_mix") for t in (cat.json or {}).get("items", [])}
    res.check(mix.get("pbied") is True and mix.get("arson") is False,
              "the threat catalogue says which threats have a casualty mix: %r" % (mix,))


def run_cancel(res, protect, work):
    """A coordinator's largest simulation (10,000 replications of 5,000 victims: minutes of work
    on one core) whose client goes away is stopped: a small one on the only compute thread is
    answered after it, and the server says the computation stopped."""
    db = os.path.join(work, "simulate-cancel.db")
    rc, out, err = run_protect(protect, "--db", db, "demo")
    res.check(rc == 0, "protect demo: %s" % err)
    srv = Server(protect, db, ["--threads", "2", "--compute-threads", "1"]).start()
    try:
        co = login(res, srv.port, "coordinator")
        body = json.dumps({"scenario": scenario(), "replications": 10000,
                           "set": {"attack.victims": 5000}}).encode()
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=60)
        s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nCookie: pt_session=%s\r\nX-CSRF-Token: %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                   % (PATH, co.cookie, co.csrf, len(body))).encode() + body)
        r = co.get("/api/v1/session")  # a cheap request: the costly one has been read
        res.check(r.status == 200, "cancel: a cheap request meanwhile: %r" % (r,))
        s.close()
        r = post(co, {"scenario": scenario(), "replications": 5})
        res.check(r.status == 200, "cancel: a small simulation on the only compute thread after "
                  "the client of the large one went away: %r" % (r,))
        # review H1: a request under the role's limits that would take minutes a replication
        # stops at its event limit and frees the only compute thread
        r = post(co, {"scenario": scenario(), "replications": 40, "set": SLOW})
        res.check(r.status == 413 and (r.json or {}).get("field") == "events",
                  "cancel: a run past its event limit: 413: %r" % (r,))
        r = post(co, {"scenario": scenario(), "replications": 5})
        res.check(r.status == 200, "cancel: the compute thread is free again: %r" % (r,))
    finally:
        status, out, err = srv.stop()
    res.check(status == 0, "cancel: exit status %r" % status)
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])
    res.check("POST /api/v1/simulations: computation stopped, its client went away" in err,
              "cancel: the server says the simulation stopped: %r" % err[-300:])


TESTS = [("simulate-success", t_simulate_success), ("simulate-determinism", t_simulate_determinism),
         ("simulate-sweep", t_simulate_sweep), ("simulate-limits", t_simulate_limits),
         ("simulate-roles", t_simulate_roles), ("simulate-site", t_simulate_site),
         ("simulate-cost", t_simulate_cost), ("simulate-diff", t_simulate_diff),
         ("simulate-hospitals", t_simulate_hospitals)]
