# siteedit.py - HTTP tests of editing a site (issue 16, item 2): PATCH /api/v1/sites/{id} of each
# field the page edits (name, occupancy, capacity, population served, economic value, location,
# TLP label, the emergency department) by the owner's operator, the 400 naming a bad field, the
# 403 of a reader who may not write, the 404 of a hidden site, the audit entry, the named readers
# of a RED record. On a demo registry and server of its own (it changes the trust's sites).
import os

from httplib import Client, Server, run_protect

SITE = "VM-013"  # Brackwater District Hospital, GREEN, the trust's


def login(res, port, user):
    c = Client(port)
    res.eq(c.login(user, "demo-" + user).status, 200, "log-in as %s" % user)
    return c


def patch(c, sid, body):
    return c.request("PATCH", "/api/v1/sites/%s" % sid, body)


def t_fields(res, tr):
    """Each field the page edits, written and read back."""
    before = tr.get("/api/v1/sites/" + SITE).json or {}
    res.eq(before.get("emergency_department"), "yes", "the demo hospital has an emergency department")
    res.eq(before.get("can_edit"), True, "the trust's operator may edit its hospital")
    changes = [
        {"name": "Brackwater District Hospital (east wing)"},
        {"peak_occupancy": 1200},
        {"capacity": 1500},
        {"capacity": None},
        {"population_served": 125000},
        {"economic_value_eur": 212500000.5},
        {"lat": 47.18, "lon": -12.2},
        {"tlp": "AMBER"},
        {"emergency_department": "no"},
        {"emergency_department": None},
        {"emergency_department": "yes"},
    ]
    for body in changes:
        r = patch(tr, SITE, body)
        got = r.json or {}
        res.check(r.status == 200 and all(got.get(k) == v for k, v in body.items()),
                  "PATCH %r: 200 and the site as changed: %r" % (body, r))
        again = tr.get("/api/v1/sites/" + SITE).json or {}
        res.check(all(again.get(k) == v for k, v in body.items()), "PATCH %r is stored: %r" % (
            body, {k: again.get(k) for k in body}))


def t_bad(res, tr):
    """Bad values: 400 naming the field, nothing written."""
    before = tr.get("/api/v1/sites/" + SITE).json or {}
    cases = [
        ({"name": ""}, "name"), ({"name": "x" * 256}, "name"),
        ({"peak_occupancy": -1}, "peak_occupancy"), ({"peak_occupancy": 1.5}, "peak_occupancy"),
        ({"peak_occupancy": "1200"}, "peak_occupancy"),
        ({"capacity": -3}, "capacity"), ({"population_served": -1}, "population_served"),
        ({"economic_value_eur": -5}, "economic_value_eur"), ({"economic_value_eur": 1e19}, "economic_value_eur"),
        ({"lat": 90.5}, "lat"), ({"lon": -181}, "lon"), ({"lat": "north"}, "lat"),
        ({"tlp": "PINK"}, "tlp"), ({"emergency_department": "maybe"}, "emergency_department"),
        ({"emergency_department": True}, "emergency_department"),
        ({"owner": "Someone Else"}, "owner"), ({"id": "VM-999"}, "id"),
        # a good field beside a bad one: nothing of it written
        ({"peak_occupancy": 1, "lat": 91}, "lat"),
    ]
    for body, field in cases:
        r = patch(tr, SITE, body)
        res.check(r.status == 400 and (r.json or {}).get("field") == field and (r.json or {}).get("error"),
                  "PATCH %r: 400 naming %s: %r" % (body, field, r))
    r = patch(tr, SITE, {})
    res.eq(r.status, 400, "an empty change")
    after = tr.get("/api/v1/sites/" + SITE).json or {}
    res.eq(after, before, "no refused change wrote anything")
    # issue 16: an emergency department is a hospital's (the health sector): not beside a change
    # of the site to another sector
    r = patch(tr, SITE, {"sector": "energy", "emergency_department": "yes"})
    res.check(r.status == 400 and (r.json or {}).get("field") == "emergency_department" and
              "health-sector" in (r.json or {}).get("error", ""),
              "yes on a site of another sector: 400 emergency_department: %r" % (r,))


def t_access(res, port, tr):
    """A reader who may not write: 403; a hidden site: 404 as a missing one; the audit entry."""
    co = login(res, port, "coordinator")
    r = co.get("/api/v1/sites/VM-014")
    res.eq((r.status, (r.json or {}).get("can_edit")), (200, False), "the coordinator reads, not edits, VM-014")
    r = patch(co, "VM-014", {"peak_occupancy": 1})
    res.eq(r.status, 403, "a reader who may not write: 403: %r" % (r,))
    r = patch(co, "VM-014", {"emergency_department": "no"})
    res.eq(r.status, 403, "a reader who may not write sets the emergency department: 403: %r" % (r,))
    res.eq((co.get("/api/v1/sites/VM-014").json or {}).get("emergency_department"), "yes", "nothing written")
    op = login(res, port, "operator")
    hidden = patch(op, "VM-015", {"peak_occupancy": 1})
    missing = patch(op, "VM-999", {"peak_occupancy": 1})
    res.check(hidden.status == 404 and hidden.body == missing.body,
              "a hidden site: the same 404 as a missing one: %r / %r" % (hidden, missing))
    r = patch(tr, "VM-014", {"peak_occupancy": 400, "emergency_department": "no", "lat": 47.025})
    res.eq(r.status, 200, "the trust changes VM-014: %r" % (r,))
    items = (co.get("/api/v1/audit?limit=20").json or {"items": []})["items"]
    mine = [a for a in items if a.get("record") == "VM-014" and a.get("action") == "sites.import"]
    detail = mine[0].get("detail", "") if mine else ""
    res.check(mine and "peak_occupancy 380->400" in detail and "emergency_department yes->no" in detail and
              "lat 47.020670->47.025000" in detail,
              "the audit entry names the fields changed, old and new: %r" % (mine[:1],))
    res.check(mine and mine[0].get("user") == "trust" and
              mine[0].get("organisation") == "Vellmark Hospitals Trust",
              "the audit entry names the trust's operator: %r" % (mine[:1],))


def t_readers(res, port, tr):
    """The named readers of a RED record: the one who makes it RED is named; others are added."""
    r = patch(tr, "VM-014", {"tlp": "RED"})
    res.eq((r.status, (r.json or {}).get("tlp")), (200, "RED"), "the trust makes VM-014 RED")
    names = [x["name"] for x in (tr.get("/api/v1/sites/VM-014/readers").json or {}).get("items", [])]
    res.check("trust" in names, "whoever makes it RED is named: %r" % (names,))
    co = login(res, port, "coordinator")
    res.eq(co.get("/api/v1/sites/VM-014").status, 404, "the coordinator, not named, no longer sees it")
    r = tr.request("POST", "/api/v1/sites/VM-014/readers", {"user": "coordinator"})
    res.check(r.status == 200 and "coordinator" in [x["name"] for x in (r.json or {}).get("items", [])],
              "the trust names the coordinator: %r" % (r,))
    res.eq(co.get("/api/v1/sites/VM-014").status, 200, "the named coordinator reads it")
    r = tr.request("POST", "/api/v1/sites/VM-014/readers", {"user": "nobody-here"})
    res.eq((r.status, (r.json or {}).get("field")), (400, "user"), "an unknown user: 400 user")
    r = co.request("POST", "/api/v1/sites/VM-014/readers", {"user": "viewer"})
    res.eq(r.status, 403, "a named reader who may not write names nobody")
    r = tr.request("DELETE", "/api/v1/sites/VM-014/readers/coordinator")
    res.eq(r.status, 204, "the trust un-names the coordinator")
    res.eq(co.get("/api/v1/sites/VM-014").status, 404, "and it no longer sees the site")


def run(res, protect, work):
    db = os.path.join(work, "siteedit.db")
    rc, out, err = run_protect(protect, "--db", db, "demo")
    if not res.eq(rc, 0, "protect demo: %s" % err[-300:]):
        return
    rc, out, err = run_protect(protect, "--db", db, "user", "second-factor", "optional")
    res.eq(rc, 0, "demo: second factor optional: %s" % err[-300:])
    srv = Server(protect, db, ["--threads", "2"]).start()
    try:
        tr = login(res, srv.port, "trust")
        t_fields(res, tr)
        t_bad(res, tr)
        t_access(res, srv.port, tr)
        t_readers(res, srv.port, tr)
    finally:
        status, out, err = srv.stop()
        res.eq(status, 0, "siteedit server exit status")
