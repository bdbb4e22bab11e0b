# filters.py - issue 16 item 5 (and item 1's plan scope): the filters sector, region, kind,
# owner, band and tlp of /sites, /ranking, /register, /plan and /matrix, as their users see
# them: each parameter, repeats and commas, AMBER%2BSTRICT, unknown values (a hidden site's
# region answered as a made-up one), owner=mine, ranks over the filtered set, CSV with its
# marking, a matrix cell's pairs, a saved plan's scope and who approves it. Its own server on
# the demo registry with one more site: a RED site of Northgate in region "Zzsecret".
import csv
import io
import os

from httplib import Client, Server, run_protect

ORDER = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
SITES_HEADER = ("id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,"
                "population_served,economic_value_eur,tlp\n")
HIDDEN = "VM-F16,Zz Control Room,critical_infrastructure,energy,Northgate Utilities,47.05,-12.05,Zzsecret,10,5,100,1000000,RED\n"


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r))
    return c


def items(c, path):
    r = c.get(path)
    return r, (r.json or {}).get("items", [])


def all_sites(c):
    return {s["id"]: s for s in c.get("/api/v1/sites?limit=1000").json["items"]}


def highest(labels):
    return "TLP:" + ORDER[max([ORDER.index(t) for t in labels] or [0])]


def csv_rows(body):
    lines = body.splitlines()
    return lines[0], list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))


def t_each_parameter(res, c, sites):
    """Each parameter on /sites keeps exactly the sites with that value."""
    s0 = next(iter(sites.values()))
    orgs = {o["name"]: o["id"] for o in c.get("/api/v1/organisations?limit=100").json["items"]}
    for field, value, key in (("sector", "health", "sector"), ("region", "Old Town", "region"),
                              ("kind", "public_space", "kind"), ("tlp", "GREEN", "tlp"),
                              ("owner", str(orgs[s0["owner"]]), None)):
        want = {i for i, s in sites.items()
                if (s[key] == value if key else s["owner"] == s0["owner"])}
        r, got = items(c, "/api/v1/sites?limit=1000&%s=%s" % (field, value.replace(" ", "+")))
        res.eq(r.status, 200, "sites?%s=%s" % (field, value))
        res.eq({s["id"] for s in got}, want, "sites?%s=%s: the sites with that %s" % (field, value, field))
        res.eq((r.json or {}).get("total"), len(want), "sites?%s=%s total" % (field, value))
        res.eq((r.json or {}).get("filter", {}).get(field), [value], "sites?%s echoes the filter" % field)
    # the band of /sites is the FEMA ranking's band
    fema = {i["site_id"]: i["band"] for i in c.get("/api/v1/ranking/fema?limit=1000").json["items"]}
    r, got = items(c, "/api/v1/sites?limit=1000&band=high")
    res.eq({s["id"] for s in got}, {i for i, b in fema.items() if b == "high"}, "sites?band=high: FEMA band high")
    r, got = items(c, "/api/v1/ranking/fema?limit=1000&band=very+high,high")
    res.eq({i["site_id"] for i in got}, {i for i, b in fema.items() if b in ("high", "very high")},
           "ranking?band=very+high,high (a space as '+')")


def t_repeats_commas(res, c, sites):
    want = {i for i, s in sites.items() if s["sector"] in ("health", "energy")}
    for q in ("sector=health&sector=energy", "sector=health,energy", "sector=energy,health",
              "sector=health,health,energy"):
        r, got = items(c, "/api/v1/sites?limit=1000&" + q)
        res.eq({s["id"] for s in got}, want, "sites?%s: OR within a parameter" % q)
    r, got = items(c, "/api/v1/sites?limit=1000&sector=health,energy&region=Kessling")
    res.eq({s["id"] for s in got}, {i for i in want if sites[i]["region"] == "Kessling"},
           "sector and region: AND across parameters")
    # a %2C is a comma inside a value, not a separator
    r = c.get("/api/v1/sites?sector=health%2Cenergy")
    res.eq((r.status, (r.json or {}).get("field")), (400, "sector"), "sector=health%2Cenergy is one value")
    res.check('"health,energy"' in (r.json or {}).get("error", ""), "the 400 names it: %r" % r.json)


def t_amber_strict(res, c, sites):
    want = {i for i, s in sites.items() if s["tlp"] == "AMBER+STRICT"}
    res.check(want, "the operator reads an AMBER+STRICT site")
    r, got = items(c, "/api/v1/sites?limit=1000&tlp=AMBER%2BSTRICT")
    res.eq({s["id"] for s in got}, want, "tlp=AMBER%2BSTRICT")
    r = c.get("/api/v1/sites?tlp=AMBER+STRICT")
    res.eq((r.status, (r.json or {}).get("field")), (400, "tlp"), "tlp=AMBER+STRICT ('+' a space)")
    res.check('"AMBER STRICT"' in (r.json or {}).get("error", ""), "names the value: %r" % r.json)


def t_unknown_values(res, c):
    for path in ("/api/v1/sites", "/api/v1/ranking/fema", "/api/v1/register", "/api/v1/plan?budget=1000",
                 "/api/v1/matrix/quant"):
        sep = "&" if "?" in path else "?"
        for field, value in (("sector", "volcanoes"), ("kind", "castle"), ("region", "Atlantis"),
                             ("owner", "999"), ("owner", "abc"), ("band", "extreme"), ("tlp", "PURPLE")):
            r = c.get(path + sep + field + "=" + value)
            res.eq((r.status, (r.json or {}).get("field")), (400, field), "%s %s=%s" % (path, field, value))
            res.check('"%s"' % value in (r.json or {}).get("error", ""), "%s %s=%s: the error names it: %r"
                      % (path, field, value, r.json))
        r = c.get(path + sep + "region=")
        res.eq((r.status, (r.json or {}).get("field")), (400, "region"), path + " an empty value")


def t_hidden_region(res, analyst, operator):
    """A region of a site the caller may not read is answered as a made-up one."""
    hidden = analyst.get("/api/v1/sites?region=Zzsecret")
    made_up = analyst.get("/api/v1/sites?region=Zzfake")
    res.eq(hidden.status, 400, "the analyst: region of a RED site it may not read")
    res.eq(hidden.body.replace("Zzsecret", "X"), made_up.body.replace("Zzfake", "X"),
           "the same 400 as a made-up region")
    for path in ("/api/v1/ranking/fema", "/api/v1/register", "/api/v1/plan?budget=1000"):
        sep = "&" if "?" in path else "?"
        a, b = analyst.get(path + sep + "region=Zzsecret"), analyst.get(path + sep + "region=Zzfake")
        res.eq((a.status, a.body.replace("Zzsecret", "X")), (b.status, b.body.replace("Zzfake", "X")),
               path + ": hidden region as made-up")
    # the RED site's owner's operator is not named on it either; the system sees it (CLI below)
    res.eq(operator.get("/api/v1/sites?region=Zzsecret").status, 400, "the operator, not named on it")


def t_owner_mine(res, port):
    for user, org in (("trust", "Vellmark Hospitals Trust"), ("operator", "Northgate Utilities"),
                      ("coordinator", "Vellmark Ministry of the Interior")):
        c = login(res, port, user)
        sites = all_sites(c)
        want = {i for i, s in sites.items() if s["owner"] == org}
        r, got = items(c, "/api/v1/sites?limit=1000&owner=mine")
        res.eq(r.status, 200, "%s owner=mine" % user)
        res.eq({s["id"] for s in got}, want, "%s owner=mine: its organisation's sites it reads" % user)
        ids = (r.json or {}).get("filter", {}).get("owner_ids")
        res.check(ids and len(ids) == 1, "%s owner=mine resolved: %r" % (user, ids))
        r, got = items(c, "/api/v1/ranking/fema?limit=1000&owner=mine")
        res.eq({i["site_id"] for i in got}, {i for i in want}, "%s ranking owner=mine" % user)
    res.check(want, "the ministry owns sites the coordinator reads")


def t_ranks_recomputed(res, c):
    full = c.get("/api/v1/ranking/quant?samples=0&limit=1000").json
    part = c.get("/api/v1/ranking/quant?samples=0&limit=1000&sector=health,school").json
    order = [i["site_id"] for i in full["items"]]
    got = [i["site_id"] for i in part["items"]]
    res.check(got and got[0] != order[0], "the filtered ranking starts elsewhere: %r" % got[:3])
    res.eq(got, [s for s in order if s in set(got)], "the same order as the full ranking")
    res.eq([i["rank"] for i in part["items"]], list(range(1, len(got) + 1)), "ranks 1.. of the filtered set")
    res.eq(part["ranked"], len(got), "ranked: the filtered count")
    want = sum(i["score"] for i in part["items"])
    res.check(abs(part["total"]["score"] - want) <= 1e-6 * max(1, want),
              "the total is the filtered sites' (%r, %r)" % (part["total"]["score"], want))
    # a band filter: the sites of that band, ranked among themselves
    high = c.get("/api/v1/ranking/quant?samples=0&limit=1000&band=high").json
    res.eq([i["site_id"] for i in high["items"]], [i["site_id"] for i in full["items"] if i["band"] == "high"],
           "band=high: the high sites in order")
    res.eq([i["rank"] for i in high["items"]], list(range(1, len(high["items"]) + 1)), "band=high ranks")
    # the matrix agrees with the filtered register (both count quant pairs)
    m = c.get("/api/v1/matrix/quant?sector=health").json
    reg = c.get("/api/v1/register?sector=health&limit=1").json
    res.eq(m["total"], reg["total"], "matrix?sector=health counts the register's health pairs")
    cell = next(x for x in m["cells"] if x["count"])
    r = c.get("/api/v1/matrix/quant?sector=health&likelihood=%d&consequence=%d" % (cell["likelihood"], cell["consequence"]))
    body = r.json or {}
    res.eq(body.get("cell", {}).get("total"), cell["count"], "the cell's list holds its count")
    res.check(all(p["site_id"] in {s for s in order} for p in body.get("cell", {}).get("items", [])),
              "the cell's pairs are of ranked sites")
    res.eq(c.get("/api/v1/matrix/quant?likelihood=3").json.get("field"), "consequence", "a cell needs both classes")


def t_csv(res, c):
    for path, name in (("/api/v1/sites?sector=health,energy&format=csv", "sites.csv"),
                       ("/api/v1/ranking/fema?sector=health,energy&format=csv", "ranking-fema.csv"),
                       ("/api/v1/register?sector=health&format=csv", "register.csv"),
                       ("/api/v1/plan?budget=500000&sector=health&format=csv", "plan.csv")):
        r = c.get(path)
        res.eq(r.status, 200, path)
        res.check((r.header("content-type") or "").startswith("text/csv"), path + " is CSV")
        res.check(name in (r.header("content-disposition") or ""), path + " a download named " + name)
        first, rows = csv_rows(r.body)
        res.check(rows, path + " has rows")
        ids = {row.get("site_id") or row.get("id") for row in rows}
        sites = all_sites(c)
        res.eq(first.strip(), "# " + highest(sites[i]["tlp"] for i in ids), path + ": marked with its rows' highest label")
    # the ranking's CSV is the JSON's rows
    js = [i["site_id"] for i in c.get("/api/v1/ranking/fema?sector=health,energy&limit=1000").json["items"]]
    _, rows = csv_rows(c.get("/api/v1/ranking/fema?sector=health,energy&format=csv").body)
    res.eq([r["site_id"] for r in rows], js, "ranking CSV rows as the JSON's")
    res.eq([r["rank"] for r in rows], [str(k) for k in range(1, len(js) + 1)], "ranking CSV ranks")
    res.eq(c.get("/api/v1/ranking/fema?format=csv&offset=2").json.get("field"), "offset", "CSV from rank 1")


def t_plan_scope(res, port):
    trust = login(res, port, "trust")
    r = trust.get("/api/v1/plan?budget=500000&owner=mine")
    body = r.json or {}
    res.eq(r.status, 200, "trust plans its own sites")
    mine = {i for i, s in all_sites(trust).items() if s["owner"] == "Vellmark Hospitals Trust"}
    res.check(body.get("sites") and {s["site_id"] for s in body["sites"]} <= mine, "only its sites funded")
    res.check(body["totals"]["cost_eur"] <= 500000, "within its budget")
    co = login(res, port, "coordinator")
    orgs = {o["name"]: o["id"] for o in co.get("/api/v1/organisations?limit=100").json["items"]}
    trust_id = orgs["Vellmark Hospitals Trust"]
    r = co.request("POST", "/api/v1/plans", {"name": "f16-trust", "budget_eur": 300000,
                                              "filter": {"owner": [str(trust_id)]}})
    res.eq(r.status, 201, "the coordinator saves a plan scoped to the trust")
    r = co.request("POST", "/api/v1/plans", {"name": "f16-bad", "budget_eur": 1, "filter": {"tlp": ["AMBER STRICT"]}})
    res.eq((r.status, (r.json or {}).get("field")), (400, "filter.tlp"), "a saved plan's unknown scope value")
    saved = co.get("/api/v1/plans/f16-trust").json or {}
    res.eq(saved.get("filter", {}).get("owner"), [str(trust_id)], "GET /plans/{name} shows its scope")
    res.eq(saved.get("filter", {}).get("owner_ids"), [trust_id], "its owner resolved")
    res.eq(saved.get("saved", {}).get("scope_organisation"), "Vellmark Hospitals Trust", "made for one organisation")
    site = saved["sites"][0]
    measure = site["measures"][0]["measure_id"]
    step = "/api/v1/sites/%s/measures/%s/approve" % (site["site_id"], measure)
    res.eq(co.request("POST", step).status, 403, "a plan scoped to one organisation: not the coordinator's to approve")
    res.eq(login(res, port, "trust-admin").request("POST", step).status, 200, "its admin approves it")


def t_plan_own_save(res, port):
    """Review fix: an organisation plans and saves its own budget; its admin approves it."""
    co = login(res, port, "coordinator")
    res.eq(co.request("POST", "/api/v1/plans/f16-trust/withdraw").status, 200,
           "the coordinator's trust plan withdrawn (its measures free again)")
    orgs = {o["name"]: o["id"] for o in co.get("/api/v1/organisations?limit=100").json["items"]}
    trust = login(res, port, "trust")
    other = sorted({s["owner"] for s in all_sites(trust).values()} - {"Vellmark Hospitals Trust"})[0]
    for scope, why in (({}, "the nation"),
                       ({"owner": [str(orgs["Vellmark Hospitals Trust"]), str(orgs[other])]},
                        "its organisation and another"),
                       ({"owner": [str(orgs[other])]}, "another organisation"),
                       ({"sector": ["health"]}, "a sector")):
        body = {"name": "f16-own-wide", "budget_eur": 300000}
        if scope:
            body["filter"] = scope
        r = trust.request("POST", "/api/v1/plans", body)
        res.eq((r.status, (r.json or {}).get("field")), (403, "filter"), "trust may not save a plan of " + why)
    res.eq(co.get("/api/v1/plans/f16-own-wide").status, 404, "nothing of a refused plan saved")
    r = trust.request("POST", "/api/v1/plans", {"name": "f16-own", "budget_eur": 300000,
                                                 "filter": {"owner": ["mine"], "sector": ["health"]}})
    res.eq(r.status, 201, "trust saves a plan of its own organisation (narrowed by sector)")
    admin = login(res, port, "trust-admin")
    saved = admin.get("/api/v1/plans/f16-own").json or {}
    res.eq(saved.get("saved", {}).get("scope_organisation"), "Vellmark Hospitals Trust", "made for the trust")
    res.check(saved.get("sites") and saved["sites"][0].get("measures"), "it funds measures")
    site = saved["sites"][0]
    step = "/api/v1/sites/%s/measures/%s/approve" % (site["site_id"], site["measures"][0]["measure_id"])
    res.eq(trust.request("POST", step).status, 403, "trust does not approve its own plan")
    res.eq(co.request("POST", step).status, 403, "nor the coordinator a plan made for one organisation")
    res.eq(admin.request("POST", step).status, 200, "trust-admin approves the trust's plan")
    # withdrawn by its author (its measures free again), the admin saves its own: not its to approve
    res.eq(trust.request("POST", "/api/v1/plans/f16-own/withdraw").status, 200, "trust withdraws its plan")
    r = admin.request("POST", "/api/v1/plans", {"name": "f16-own-admin", "budget_eur": 300000,
                                                 "filter": {"owner": ["mine"]}})
    res.eq(r.status, 201, "trust-admin saves a plan of its own organisation")
    site = (admin.get("/api/v1/plans/f16-own-admin").json or {})["sites"][0]
    step = "/api/v1/sites/%s/measures/%s/approve" % (site["site_id"], site["measures"][0]["measure_id"])
    r = admin.request("POST", step)
    res.eq(r.status, 403, "trust-admin does not approve a plan it saved")
    res.check("propos" in (r.json or {}).get("error", ""), "refused as the proposer: %r" % r.json)
    audit = co.get("/api/v1/audit?limit=50").json or {}
    res.check(any(e.get("action") == "plan.save" and e.get("record") == "f16-own" for e in audit.get("items", [])),
              "the trust's save is audited: %r" % [e.get("action") for e in audit.get("items", [])][:10])

def run(res, protect, work):
    db = os.path.join(work, "filters.db")
    rc, out, err = run_protect(protect, "--db", db, "demo")
    res.eq(rc, 0, "filters: protect demo: %s" % err[-300:])
    path = os.path.join(work, "filters-sites.csv")
    with open(path, "w") as f:
        f.write(SITES_HEADER + HIDDEN)
    rc, out, err = run_protect(protect, "--db", db, "import", "sites", path)
    res.eq(rc, 0, "filters: the hidden site imported: %s" % err[-300:])
    # the command line sees it: its region is known there
    rc, out, err = run_protect(protect, "--db", db, "sites", "list", "--region", "Zzsecret", "--format", "csv")
    res.check(rc == 0 and "VM-F16" in out, "the CLI lists region Zzsecret: %r" % err[-300:])
    srv = Server(protect, db, ["--threads", "2"]).start()
    try:
        analyst = login(res, srv.port, "analyst")
        operator = login(res, srv.port, "operator")
        t_each_parameter(res, analyst, all_sites(analyst))
        t_repeats_commas(res, analyst, all_sites(analyst))
        t_amber_strict(res, operator, all_sites(operator))
        t_unknown_values(res, analyst)
        t_hidden_region(res, analyst, operator)
        t_owner_mine(res, srv.port)
        t_ranks_recomputed(res, analyst)
        t_csv(res, analyst)
        t_plan_scope(res, srv.port)
        t_plan_own_save(res, srv.port)
    finally:
        status, out, err = srv.stop()
        res.eq(status, 0, "filters server exit status")
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])
