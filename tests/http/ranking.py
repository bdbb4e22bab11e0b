# ranking.py - HTTP tests of the rankings: a site's own figures are the same whoever asks,
# and a caller whose reads are audited still gets its repeated ranking from the cache.
from httplib import Client


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r))
    return c


def item_of(body, site):
    for it in (body or {}).get("items", []):
        if it.get("site_id") == site:
            return it
    return None


def t_same_figures_for_every_viewer(res, port, protect, db):
    users = ("coordinator", "relief", "harbour")
    clients = [login(res, port, u) for u in users]
    for query in ("samples=300&seed=7", ""):
        seen = {}
        visible = {}
        for user, c in zip(users, clients):
            r = c.get("/api/v1/ranking/quant" + ("?" + query if query else ""))
            res.eq(r.status, 200, "ranking as %s" % user)
            it = item_of(r.json, "VM-029")
            res.check(it is not None, "%s sees the stadium VM-029" % user)
            if it:
                seen[user] = tuple(it[k] for k in ("score", "band", "worst_threat", "mean", "p5", "p95"))
            visible[user] = (r.json or {}).get("ranked")
        res.check(len(set(visible.values())) > 1, "the three see different sets of sites: %r" % visible)
        res.eq(len(set(seen.values())), 1, "VM-029's score, band, worst threat, mean, p5 and p95 (%s): %r" % (query, seen))


def t_audited_ranking_from_cache(res, port, protect, db):
    co = login(res, port, "coordinator")
    for path in ("/api/v1/ranking/fema", "/api/v1/matrix/fema"):
        action = "ranking.read" if "ranking" in path else "matrix.read"
        first = co.get(path)
        res.eq(first.status, 200, "GET " + path)
        login(res, port, "police")  # a log-in elsewhere changes no data
        n0 = co.get("/api/v1/audit?limit=1").json["total"]
        second = co.get(path)
        res.eq(second.status, 200, "GET %s again" % path)
        res.eq(second.header("x-cache"), "hit", "the coordinator's repeated %s is served from the cache" % path)
        res.check(second.raw == first.raw, "the same bytes")
        top = co.get("/api/v1/audit?limit=1").json
        res.eq(top["total"], n0 + 1, "the read served from the cache is audited all the same")
        res.eq((top["items"][0]["user"], top["items"][0]["action"]), ("coordinator", action), "the entry")
    # A change of the data (then undone): computed again each time.
    op = login(res, port, "operator")
    peak = op.get("/api/v1/sites/VM-003").json["peak_occupancy"]
    for value in (peak + 1, peak):
        r = op.request("PATCH", "/api/v1/sites/VM-003", {"peak_occupancy": value})
        res.eq(r.status, 200, "an operator changes its site")
        res.eq(co.get("/api/v1/ranking/fema").header("x-cache"), None, "computed again after a change of the data")
    res.eq(co.get("/api/v1/ranking/fema").header("x-cache"), "hit", "and kept again")


TESTS = [("ranking-viewers", t_same_figures_for_every_viewer), ("ranking-cache", t_audited_ranking_from_cache)]
