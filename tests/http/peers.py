# peers.py - HTTP tests of issue 16, item 7: a site against its peers (the sector's assessed
# sites, or its kind's when the sector has fewer than 5 others) and what a measure would
# change, as the demo's trust and coordinator see them: figures recomputed here from the
# command line's ranking of every site, peers the caller may not read never named and their
# number told only to a coordinator, 404 alike for hidden and missing sites, 400 naming the
# field.
import json

from httplib import Client, run_protect


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r.status))
    return c


def same(a, b):
    """Equal, numbers to 12 significant digits (the server writes 15, the command line 17)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= 1e-12 * max(1, abs(a), abs(b))
    return a == b


def cli_json(protect, db, *args):
    rc, out, err = run_protect(protect, "--db", db, *args)
    return json.loads(out) if rc == 0 else {"rc": rc, "err": err}


def t_peers(res, port, protect, db):
    trust = login(res, port, "trust")
    r = trust.get("/api/v1/sites/VM-012/peers")
    body = r.json or {}
    res.eq((r.status, body.get("sector"), body.get("peer_group"), body.get("group"), body.get("comparable")),
           (200, "health", "kind", "critical_infrastructure", True),
           "the hospital's sector has too few assessed sites: its peers are its kind's")
    sites = {s["id"]: s for s in cli_json(protect, db, "sites", "list", "--format", "json")["sites"]}
    ranking = cli_json(protect, db, "assess", "--method", "fema", "--format", "json")["sites"]
    score = {s["site_id"]: s["score"] for s in ranking}
    readable = {s["id"] for s in (trust.get("/api/v1/sites?limit=1000").json or {}).get("items", [])}

    def expect(reader_sites):
        peers = [score[sid] for sid in score if sid != "VM-012" and sid in reader_sites
                 and sites[sid]["kind"] == "critical_infrastructure"]
        mine = score["VM-012"]
        pct = 100.0 * (sum(1 for x in peers if x < mine) + 0.5 * sum(1 for x in peers if x == mine)) / len(peers)
        return peers, mine, pct

    peers, mine, want = expect(readable)
    risk = (body.get("factors") or [{}])[0]
    res.eq((risk.get("id"), risk.get("value")), ("risk", mine), "the first factor is the site's risk")
    res.check(abs((risk.get("percentile") or -1) - want) < 1e-9,
              "its percentile among the peers the trust may read: %r, expected %r" % (risk.get("percentile"), want))
    named = {p["site_id"] for p in body.get("named_peers", [])}
    res.eq((len(named), body.get("peers")), (len(peers), len(peers)),
           "every peer is one the trust may read, named and counted")
    res.check(named <= readable, "no peer the trust may not read: %r" % (named - readable))
    coord = login(res, port, "coordinator")
    seen = {s["id"] for s in (coord.get("/api/v1/sites?limit=1000").json or {}).get("items", [])}
    res.eq((coord.get("/api/v1/sites/VM-012/peers").json or {}).get("peers"), len(expect(seen)[0]),
           "a coordinator's peers are the sites it may read")
    # the attack of the review: changing the site's own rating moves its percentile only among
    # readable peers, so hidden sites' ratings cannot be read off it
    res.check(all(sid in readable for sid in named), "hidden sites never count")
    hidden = trust.get("/api/v1/sites/VM-001/peers")
    missing = trust.get("/api/v1/sites/VM-999/peers")
    res.eq((hidden.status, hidden.body), (missing.status, missing.body),
           "a site the trust may not read answers as a missing one")
    r = trust.get("/api/v1/sites/VM-012/peers?method=x")
    res.eq((r.status, (r.json or {}).get("field")), (400, "method"), "an unknown method is a 400 naming it")
    carver = trust.get("/api/v1/sites/VM-012/peers?method=carver").json or {}
    res.eq([f["id"] for f in carver.get("factors", [])],
           ["risk", "criticality", "accessibility", "recuperability", "vulnerability", "effect",
            "recognizability", "shock"], "CARVER: the attractiveness and its seven factors")


def t_what_if(res, port, protect, db):
    trust = login(res, port, "trust")
    r = trust.get("/api/v1/sites/VM-012/what-if?measure=hvm_bollards&method=quant")
    body = r.json or {}
    before, after = body.get("before", {}), body.get("after", {})
    res.check(r.status == 200 and after.get("score", 1e99) < before.get("score", 0),
              "bollards lower the hospital's expected loss: %r" % body)
    cli = cli_json(protect, db, "what-if", "VM-012", "--measure", "hvm_bollards", "--method", "quant",
                   "--as", "trust", "--format", "json")
    res.check(same(cli, body), "the command line computes the same what-if: %r vs %r" % (cli, body))
    res.eq((body.get("in_place"), body.get("applies")), (False, False),
           "the catalogue does not mean bollards for a hospital, and says so")
    r = trust.get("/api/v1/sites/VM-012/what-if?measure=cctv&method=quant")
    b = r.json or {}
    res.eq((b.get("in_place"), (b.get("change") or {}).get("score")), (True, 0.0),
           "CCTV is in place at the hospital: the assessment includes it, nothing changes")
    r = trust.get("/api/v1/sites/VM-012/what-if?measure=access_control&method=quant")
    b = r.json or {}
    res.check(b.get("committed") is True and b.get("in_place") is False and
              ((b.get("change") or {}).get("score") or 0) < 0,
              "access control, installed after the assessment: counted by the plan, shown here: %r" % b)
    audit_before = (login(res, port, "coordinator").get("/api/v1/audit?limit=5").json or {}).get("total")
    plan = trust.get("/api/v1/sites/VM-012/measures").json or {}
    res.check(all(m.get("measure_id") != "hvm_bollards" for m in plan.get("items", [])),
              "a what-if stores nothing at the site")
    for q, field in (("measure=nope", "measure"), ("", "measure"), ("measure=cctv&method=carver", "method")):
        r = trust.get("/api/v1/sites/VM-012/what-if?" + q)
        res.eq((r.status, (r.json or {}).get("field")), (400, field), "what-if?%s: 400 naming %s" % (q, field))
    hidden = trust.get("/api/v1/sites/VM-001/what-if?measure=cctv")
    missing = trust.get("/api/v1/sites/VM-999/what-if?measure=cctv")
    res.eq((hidden.status, hidden.body), (missing.status, missing.body), "hidden and missing sites alike")
    res.check(audit_before is not None, "the audit log is readable")


TESTS = [("peers", t_peers), ("what-if", t_what_if)]
