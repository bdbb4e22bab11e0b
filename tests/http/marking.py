# marking.py - HTTP tests of the TLP marking (issue 11, item 11): every API route that returns
# site data carries a top-level "tlp", the highest label of the sites the caller is shown.
from httplib import Client

ORDER = ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"]


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r))
    return c


def highest(labels):
    """The highest of bare labels ("AMBER") as a marking ("TLP:AMBER")."""
    got = [ORDER.index("TLP:" + l) for l in labels]
    return ORDER[max(got)] if got else "TLP:CLEAR"


def t_json_marking(res, port, protect, db):
    co = login(res, port, "coordinator")
    relief = login(res, port, "relief")
    marks = {}
    for who, c in (("coordinator", co), ("relief", relief)):
        r = c.get("/api/v1/sites?limit=1000")
        res.eq(r.status, 200, "sites as %s" % who)
        body = r.json or {}
        res.eq(body.get("tlp"), highest(it["tlp"] for it in body.get("items", [])),
               "GET /sites as %s: tlp is the highest label of its sites" % who)
        marks[who] = body.get("tlp")
        page = c.get("/api/v1/sites?limit=3&offset=0").json or {}
        res.eq(page.get("tlp"), highest(it["tlp"] for it in page.get("items", [])),
               "GET /sites?limit=3 as %s: the label of the page's sites only" % who)
        r = c.get("/api/v1/ranking/fema")
        body = r.json or {}
        res.eq(r.status, 200, "ranking as %s" % who)
        res.eq(body.get("tlp"), highest(it["tlp"] for it in body.get("items", [])),
               "GET /ranking/fema as %s: tlp of its ranked sites" % who)
        for path in ("/api/v1/plan?budget=1000000", "/api/v1/register?limit=5"):
            r = c.get(path)
            res.eq(r.status, 200, "GET %s as %s" % (path, who))
            res.check((r.json or {}).get("tlp") in ORDER, "GET %s as %s has a tlp: %r" % (path, who, (r.json or {}).get("tlp")))
    res.check(ORDER.index(marks["relief"]) < ORDER.index(marks["coordinator"]),
              "relief's sites are marked lower than the coordinator's: %r" % marks)
    res.eq(co.get("/api/v1/register?limit=1000").json.get("tlp"), marks["coordinator"],
           "the coordinator's register: the label of all its sites")
    r = co.get("/api/v1/sites/VM-029/measures")
    site = co.get("/api/v1/sites/VM-029").json or {}
    res.eq((r.json or {}).get("tlp"), "TLP:" + site.get("tlp", "?"), "a site's measures carry its label")


def t_report_marking(res, port, protect, db):
    co = login(res, port, "coordinator")
    r = co.get("/api/v1/plan/report?budget=1000000")
    res.eq(r.status, 200, "the printable report")
    body = r.body.decode() if isinstance(r.body, bytes) else r.body
    mark = (co.get("/api/v1/plan?budget=1000000").json or {}).get("tlp", "?")
    res.check("<thead><tr><td><span class=\"tlp tlp-header\"" in body and mark in body.split("</thead>")[0],
              "the report's header (repeated on every printed page) shows %s" % mark)
    res.check("<tfoot><tr><td><span class=\"tlp tlp-footer\"" in body and mark in body.split("<tfoot>")[1].split("</tfoot>")[0],
              "the report's footer shows %s" % mark)


def t_site_marking(res, port, protect, db):
    """Issue 11 review (m4): an answer about one site carries that site's label, empty or not."""
    co = login(res, port, "coordinator")
    for site, threat in (("VM-015", "cyber_physical"), ("VM-029", "pbied")):
        label = "TLP:" + ((co.get("/api/v1/sites/" + site).json or {}).get("tlp") or "?")
        r = co.get("/api/v1/register/%s/%s/history" % (site, threat))
        res.eq(r.status, 200, "history of %s %s" % (site, threat))
        res.eq((r.json or {}).get("tlp"), label, "the history of %s %s is marked with its site's label" % (site, threat))
    # a site with no measure in place or proposed: its own label, not TLP:CLEAR
    r = co.get("/api/v1/sites/VM-015/measures")
    label = "TLP:" + ((co.get("/api/v1/sites/VM-015").json or {}).get("tlp") or "?")
    res.eq(((r.json or {}).get("items"), (r.json or {}).get("tlp")), ([], label),
           "the empty measures of VM-015 (AMBER) carry its label %s" % label)


TESTS = [("marking", t_json_marking), ("marking-report", t_report_marking), ("marking-site", t_site_marking)]
