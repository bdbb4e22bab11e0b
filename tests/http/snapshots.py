# snapshots.py - HTTP tests of history and comparison (issue 16 item 6): the demo's
# "2025 baseline" compared with now as the hospital trust's operator sees it (checked against
# the ranking and the register, not against hard-coded figures), the attribution summing to
# the change, totals summing the rows, who may take, list, read and delete snapshots, bad
# input, and the audit of every write. Runs on the shared demo server; the label then/now rule
# over every role and relation is in matrix.py (check_history).
from httplib import Client


def login(res, port, user):
    c = Client(port)
    res.eq(c.login(user, "demo-" + user).status, 200, "log-in as " + user)
    return c


def near(a, b, tol=0.02):
    return a is not None and b is not None and abs(a - b) <= tol


def baseline_id(res, c):
    items = (c.get("/api/v1/snapshots").json or {}).get("items", [])
    ids = [s["id"] for s in items if s["name"] == "2025 baseline"]
    res.check(len(ids) == 1, "the demo holds the 2025 baseline: %r" % items)
    return ids[0] if ids else 0


def t_snapshot_story(res, port, protect, db):
    """The trust's operator compares last year's snapshot with now: VM-012's risk fell by the
    measure installed since, the mosque's by its reassessment, the guesthouse is new."""
    tr = login(res, port, "trust")
    sid = baseline_id(res, tr)
    listed = tr.get("/api/v1/snapshots").json or {}
    res.eq(listed.get("can_take"), False, "an operator may not take a snapshot")
    base = [s for s in listed.get("items", []) if s["id"] == sid]
    res.eq(base and base[0]["taken_at"], "2025-12-01T00:00:00Z", "the baseline is dated a year before the clock")
    r = tr.get("/api/v1/compare?from=%d&to=now" % sid)
    if not res.eq(r.status, 200, "compare the baseline with now: %s" % r.body[:200]):
        return
    cmp = r.json
    rows = {x["site_id"]: x for x in cmp["rows"]}
    res.eq((cmp["from"]["name"], cmp["to"]["name"], cmp["basis"]), ("2025 baseline", "now", "later"),
           "from the baseline to now at the later one's level")
    res.check(cmp["threat_level"].startswith("SUBSTANTIAL"), "at today's level: %r" % cmp["threat_level"])
    # VM-012 then: its ratings with no measure applying = the ranking's score today (same level);
    # now: the register's residual risk summed over its threats (access control installed).
    rank = tr.get("/api/v1/ranking/quant?samples=0&limit=1000").json or {}
    score = {s["site_id"]: s["score"] for s in rank.get("items", [])}
    reg = tr.get("/api/v1/register?site=VM-012&limit=100").json or {}
    residual = sum(e["residual_eur_year"] for e in reg.get("items", []))
    h = rows.get("VM-012", {})
    res.check(near(h.get("risk_from"), score.get("VM-012")),
              "VM-012 then = its ranking score: %r vs %r" % (h.get("risk_from"), score.get("VM-012")))
    res.check(near(h.get("risk_to"), residual), "VM-012 now = its residual risk: %r vs %r" % (h.get("risk_to"), residual))
    res.check(h.get("risk_to", 0) < h.get("risk_from", 0), "VM-012's risk fell")
    res.eq(h.get("main_cause"), "installed_measures", "VM-012's fall comes from the installed measures")
    res.eq((h.get("measures_from"), h.get("measures_to")), (0, 1), "one measure applies now, none then")
    res.check(near(h.get("changes", {}).get("installed_measures"), h.get("risk_to", 0) - h.get("risk_from", 0)),
              "the whole of VM-012's change is the measure's: %r" % h.get("changes"))
    res.eq(rows.get("VM-036", {}).get("main_cause"), "reassessments", "the mosque was reassessed")
    res.check(rows.get("VM-036", {}).get("changes", {}).get("reassessments", 0) < 0, "its reassessment lowered its risk")
    g = rows.get("VM-067", {})
    res.eq((g.get("change"), g.get("risk_from"), g.get("main_cause")), ("new", 0, "new_sites"), "the guesthouse is new")
    res.check(near(g.get("risk_to"), score.get("VM-067")), "a new site's risk is its ranking score")
    # every row: the causes sum to the change; the nation's total sums the rows
    for x in cmp["rows"]:
        if not near(sum(x["changes"].values()), x["risk_to"] - x["risk_from"], 0.05):
            res.bad("%s: the causes %r do not sum to the change" % (x["site_id"], x["changes"]))
            break
    n = cmp["nation"]
    res.eq(n["sites"], len(cmp["rows"]), "the nation's total counts the rows shown")
    res.check(near(n["risk_to"], sum(x["risk_to"] for x in cmp["rows"]), 0.5), "the total sums the rows")
    res.check(near(sum(s["risk_to"] for s in cmp["sectors"]), n["risk_to"], 0.5), "the sectors sum to the nation")
    res.check(near(sum(s["risk_to"] for s in cmp["regions"]), n["risk_to"], 0.5), "the regions sum to the nation")
    # what the trust may not read is not there; the answer is marked by its strictest row
    visible = {s["id"] for s in (tr.get("/api/v1/sites?limit=1000").json or {}).get("items", [])}
    res.check(set(rows) <= visible | {"VM-067"} and set(rows) >= {"VM-012", "VM-015"},
              "rows only of sites the trust reads: %r" % sorted(set(rows) - visible))
    res.eq(cmp["tlp"], "TLP:AMBER", "marked with the trust's AMBER laboratory")
    # each at its own level: the baseline's SEVERE shows as the threat level's part
    own = tr.get("/api/v1/compare?from=%d&threat_level=own" % sid).json or {}
    h2 = {x["site_id"]: x for x in own.get("rows", [])}.get("VM-012", {})
    res.check(h2.get("changes", {}).get("threat_level", 0) < 0 and near(h2.get("risk_to"), h.get("risk_to")),
              "at its own level the baseline was higher (SEVERE then): %r" % h2.get("changes"))
    # one fixed level for both: higher than today's, the same causes
    sev = tr.get("/api/v1/compare?from=%d&threat_level=SEVERE" % sid).json or {}
    h3 = {x["site_id"]: x for x in sev.get("rows", [])}.get("VM-012", {})
    res.check(h3.get("risk_to", 0) > h.get("risk_to", 0) and h3.get("changes", {}).get("threat_level") == 0,
              "at SEVERE for both: higher, no threat-level part: %r" % h3)
    # FEMA: measures are not in its ratings; the mosque's vulnerability rating fell by one
    fema = tr.get("/api/v1/compare?from=%d&method=fema" % sid).json or {}
    fr = {x["site_id"]: x for x in fema.get("rows", [])}
    res.eq(fr.get("VM-012", {}).get("risk_change"), 0, "FEMA: VM-012 unchanged")
    res.eq(fr.get("VM-036", {}).get("main_cause"), "reassessments", "FEMA: the mosque reassessed")
    # the snapshot alone, at its own levels
    r = tr.get("/api/v1/snapshots/%d" % sid)
    res.eq(r.status, 200, "the trust reads the baseline")
    snap = {x["site_id"]: x for x in (r.json or {}).get("rows", [])}
    res.check("VM-067" not in snap and "VM-012" in snap, "the baseline has no guesthouse")
    res.check((r.json or {}).get("threat_level", "").startswith("SEVERE"), "the baseline's own level")


def t_snapshot_writes(res, port, protect, db):
    co = login(res, port, "coordinator")
    r = co.request("POST", "/api/v1/snapshots", {"name": "http 2026 review", "method": "fema"})
    if not res.eq(r.status, 201, "a coordinator takes a snapshot: %s" % r.body[:200]):
        return
    sid = r.json["id"]
    res.eq((r.json["name"], r.json["method"], r.json["taken_by"]), ("http 2026 review", "fema", "coordinator"),
           "its summary")
    res.eq(co.request("POST", "/api/v1/snapshots", {"name": "http 2026 review"}).status, 400, "a name taken")
    for body, field in (({}, "name"), ({"name": ""}, "name"), ({"name": "x" * 128}, "name"),
                        ({"name": "a\nb"}, "name"), ({"name": "ok", "method": "carver"}, "method"),
                        ({"name": "ok", "extra": 1}, "extra")):
        r = co.request("POST", "/api/v1/snapshots", body)
        res.eq((r.status, (r.json or {}).get("field")), (400, field), "bad body %r" % body)
    for user in ("trust", "analyst", "operator"):
        res.eq(login(res, port, user).request("POST", "/api/v1/snapshots", {"name": "by " + user}).status, 403,
               user + " may not take a snapshot")
    res.eq(co.request("POST", "/api/v1/snapshots", {"name": "no csrf"}, csrf=False).status, 403, "no CSRF token")
    # the rows at one level (a whole FEMA score), the default method the snapshot's own
    r = co.get("/api/v1/snapshots/%d" % sid)
    res.eq((r.status, (r.json or {}).get("method")), (200, "fema"), "shown by its method")
    res.check(all(isinstance(x["risk"], int) for x in r.json["rows"]), "FEMA scores are whole numbers")
    res.eq(co.get("/api/v1/snapshots/%d?method=quant" % sid).json.get("method"), "quant", "or by another")
    for path in ("/api/v1/snapshots/0", "/api/v1/snapshots/abc", "/api/v1/snapshots/99999"):
        res.eq(co.get(path).status, 404, "GET " + path)
    for q, field in (("to=now", "from"), ("from=0", "from"), ("from=1&to=yesterday", "to"),
                     ("from=1&method=carver", "method"), ("from=1&threat_level=HIGH", "threat_level"),
                     ("from=1&samples=3", "samples")):
        r = co.get("/api/v1/compare?" + q)
        res.eq((r.status, (r.json or {}).get("field")), (400, field), "compare?" + q)
    res.eq(co.get("/api/v1/compare?from=99999").status, 404, "compare a missing snapshot")
    # a snapshot with itself: nothing changed
    same = co.get("/api/v1/compare?from=%d&to=%d" % (sid, sid)).json or {}
    res.check(same.get("rows") and all(x["risk_change"] == 0 for x in same["rows"]), "a snapshot with itself")
    # delete: a government admin only; audited
    res.eq(co.request("DELETE", "/api/v1/snapshots/%d" % sid).status, 403, "a coordinator may not delete")
    ad = login(res, port, "admin")
    r = ad.request("DELETE", "/api/v1/snapshots/%d" % sid)
    res.eq((r.status, (r.json or {}).get("deleted")), (200, True), "the admin deletes it")
    res.eq(ad.request("DELETE", "/api/v1/snapshots/%d" % sid).status, 404, "deleted already")
    res.eq(ad.get("/api/v1/snapshots/%d" % sid).status, 404, "gone")
    log = (ad.get("/api/v1/audit?limit=200").json or {}).get("items", [])
    actions = [(e.get("action"), e.get("record")) for e in log]
    res.check(("snapshot.take", str(sid)) in actions and ("snapshot.delete", str(sid)) in actions,
              "taking and deleting are audited")
    res.check(any(e.get("action") == "refused" and "snapshot.take" in (e.get("detail") or "") for e in log),
              "a refused take is audited")


TESTS = [("snapshots", t_snapshot_story), ("snapshots-writes", t_snapshot_writes)]
