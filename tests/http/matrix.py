# matrix.py - the access-matrix test: every endpoint and method x every role x the
# record's relation to the caller x every TLP label, against a hand-written table of
# expectations (docs/access.md). Lists, rankings and matrices are checked by their
# bodies. A registry holding only the five fixture sites, so every count is exact.
import hashlib
import json
import os
import re

from httplib import Client, Server, run_protect

ROLES = ["admin", "coordinator", "analyst", "operator", "viewer", "pio", "facilitator", "player",
         "evaluator"]
TLPS = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
# The caller's relation to the records (all owned by "Matrix Owner"):
#   own       a user of the owning organisation, not named on the RED record
#   partner   a user of the organisation the owner names as partner
#   gov       a user of another, government organisation
#   other     a user of another, non-government organisation
#   named     a user of another non-government organisation, named on the RED record
#   namedown  a user of the owning organisation, named on the RED record
RELATIONS = ["own", "partner", "gov", "other", "named", "namedown"]
ORG_OF = {"own": "Matrix Owner", "partner": "Matrix Partner", "gov": "Matrix Ministry",
          "other": "Matrix Other", "named": "Matrix Other", "namedown": "Matrix Owner"}

ALL = frozenset(ROLES)
NONE = frozenset()
WRITERS = frozenset({"operator", "analyst", "admin"})

# ---- the hand-written table: who reads, who writes, who imports ------------------------
READ = {
    "own":      {"CLEAR": ALL, "GREEN": ALL, "AMBER": ALL, "AMBER+STRICT": ALL, "RED": NONE},
    "partner":  {"CLEAR": ALL, "GREEN": ALL, "AMBER": ALL, "AMBER+STRICT": NONE, "RED": NONE},
    "gov":      {"CLEAR": ALL, "GREEN": ALL, "AMBER": frozenset({"coordinator", "analyst"}),
                 "AMBER+STRICT": NONE, "RED": NONE},
    "other":    {"CLEAR": ALL, "GREEN": ALL, "AMBER": NONE, "AMBER+STRICT": NONE, "RED": NONE},
    "named":    {"CLEAR": ALL, "GREEN": ALL, "AMBER": NONE, "AMBER+STRICT": NONE, "RED": ALL},
    "namedown": {"CLEAR": ALL, "GREEN": ALL, "AMBER": ALL, "AMBER+STRICT": ALL, "RED": ALL},
}
WRITE = {
    "own":      {"CLEAR": WRITERS, "GREEN": WRITERS, "AMBER": WRITERS, "AMBER+STRICT": WRITERS,
                 "RED": NONE},
    "partner":  {"CLEAR": NONE, "GREEN": NONE, "AMBER": NONE, "AMBER+STRICT": NONE, "RED": NONE},
    "gov":      {"CLEAR": NONE, "GREEN": NONE, "AMBER": NONE, "AMBER+STRICT": NONE, "RED": NONE},
    "other":    {"CLEAR": NONE, "GREEN": NONE, "AMBER": NONE, "AMBER+STRICT": NONE, "RED": NONE},
    "named":    {"CLEAR": NONE, "GREEN": NONE, "AMBER": NONE, "AMBER+STRICT": NONE, "RED": NONE},
    "namedown": {"CLEAR": WRITERS, "GREEN": WRITERS, "AMBER": WRITERS, "AMBER+STRICT": WRITERS,
                 "RED": WRITERS},
}
# Re-importing a site's row (same owner): its writers; a government coordinator for any
# owner, over the records it may read.
COORD = frozenset({"coordinator"})
IMPORT_SITE = {
    "own":      WRITE["own"],
    "partner":  WRITE["partner"],
    "gov":      {"CLEAR": COORD, "GREEN": COORD, "AMBER": COORD, "AMBER+STRICT": NONE, "RED": NONE},
    "other":    WRITE["other"],
    "named":    WRITE["named"],
    "namedown": WRITE["namedown"],
}
# Creating a new site owned by "Matrix Owner" (a missing id): its writers, government
# coordinators. A row over a record the caller may not see answers as that row over a
# missing id (403 "owner", the same body) unless the caller could create it: then the id
# is taken (409 "id"), which creating it necessarily reveals (issue 9, "Import as an
# existence oracle"; before, every such row answered 403 "id", telling hidden from missing).
CREATE_FOR_OWNER = {
    "own": WRITERS, "partner": NONE, "gov": COORD, "other": NONE, "named": NONE,
    "namedown": WRITERS,
}
# Actions about no record: (relation, role) pairs allowed.
SET_THREAT_LEVEL = {("gov", "coordinator")}
AUDIT_ALL = {("gov", "coordinator"), ("gov", "admin")}
# Told counts of hidden records (pt_access_hidden_counts): cascade and SPOF withheld (issue 12).
HIDDEN_COUNTS = {("gov", "coordinator")}
AUDIT_OWN = {(rel, "admin") for rel in RELATIONS if rel != "gov"}
LIST_USERS_ALL = {("gov", "admin")}
LIST_USERS_OWN = {(rel, "admin") for rel in RELATIONS if rel != "gov"}
CREATE_ORG = {("gov", "admin")}
SET_OWNER_PARTNERS = {("gov", "admin"), ("own", "admin"), ("namedown", "admin")}
# Issue 13: public alerts. Compose (and preview) public information officers and coordinators
# of a government organisation; approve the same minus the composer; a pending message is read
# by those who may compose and read its site, an issued Actual one by everyone.
ALERT_COMPOSE = {("gov", "pio"), ("gov", "coordinator")}
ALERT_COMPOSER = ("gov", "pio")  # composes each cell's pending message

# ---- the fixture ----------------------------------------------------------------------
SITE_OF = {t: "M-%d" % (i + 1) for i, t in enumerate(TLPS)}
# FEMA rows far inside the default classes: site k lands in matrix cell (k, k).
FEMA_ROW = {t: (a, a) for t, a in zip(TLPS, (1, 3, 5, 7, 10))}  # (asset value, T = V)
SITES_HEADER = ("id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,"
                "population_served,economic_value_eur,tlp\n")
FEMA_HEADER = "site_id,threat_id,asset_value,threat_rating,vulnerability_rating\n"
CARVER_HEADER = "site_id,criticality,accessibility,recuperability,vulnerability,effect,recognizability,shock\n"
QUANT_HEADER = ("site_id,threat_id,p_attempt_min,p_attempt_mode,p_attempt_max,p_success_min,"
                "p_success_mode,p_success_max,fatalities_min,fatalities_mode,fatalities_max,"
                "injuries_min,injuries_mode,injuries_max,loss_eur_min,loss_eur_mode,loss_eur_max\n")


# Issue 12: the fixture's dependencies. M-1 (CLEAR, read by all) supplies the others, M-3 also
# supplies M-5: every site fails with M-1.
DEPS_HEADER = "provider_id,consumer_id,type,autonomy_hours,service_loss,group\n"
DEPS = [("M-1", "M-2"), ("M-1", "M-3"), ("M-1", "M-4"), ("M-1", "M-5"), ("M-3", "M-5")]
SPOF_ROLES = frozenset({"admin", "coordinator", "analyst", "operator"})


def dep_row(provider, consumer):
    return "%s,%s,physical,0,1,\n" % (provider, consumer)


def site_row(t):
    i = TLPS.index(t) + 1
    return ("%s,Matrix site %d,critical_infrastructure,energy,Matrix Owner,47.1%d,-12.1,Test,100,50,1000,%d000000,%s\n"
            % (SITE_OF[t], i, i, i, t))


def fema_row(t):
    a, tv = FEMA_ROW[t]
    return "%s,arson,%d,%d,%d\n" % (SITE_OF[t], a, tv, tv)


def carver_row(t):
    i = TLPS.index(t) + 1
    return "%s,%d,%d,%d,%d,%d,%d,%d\n" % ((SITE_OF[t],) + (i,) * 7)


def quant_row(t):
    i = TLPS.index(t) + 1
    return "%s,arson,%g,%g,%g,0.2,0.3,0.4,0,%d,%d,0,%d,%d,%d,%d,%d\n" % (
        SITE_OF[t], 0.001 * i, 0.002 * i, 0.004 * i, i, 2 * i, i, 3 * i, 1e6 * i, 2e6 * i, 4e6 * i)


def user_name(rel, role):
    return "m-%s-%s" % (rel, role)


def password(name):
    # Not the user's name in any form (issue 10: such passwords are refused); one per user.
    return "mx-" + hashlib.sha256(name.encode()).hexdigest()[:12] + "-fixture"


def setup(protect, work):
    db = os.path.join(work, "matrix.db")
    # A registry made by init requires a second factor of admins, coordinators and analysts
    # (issue 10); the access matrix is about TLP, so this fixture logs in with passwords alone.
    steps = [["init"], ["user", "second-factor", "optional"],
             ["org", "add", "Matrix Owner", "--type", "operator"],
             ["org", "add", "Matrix Partner", "--type", "private_security"],
             ["org", "add", "Matrix Ministry", "--type", "government"],
             ["org", "add", "Matrix Other", "--type", "ngo"],
             ["org", "set", "Matrix Owner", "--partner", "Matrix Partner"]]
    for args in steps:
        rc, out, err = run_protect(protect, "--db", db, *args)
        if rc != 0:
            raise RuntimeError("protect %s: %s" % (" ".join(args), err))
    users = [("m-importer", "Matrix Owner", "operator")]
    users += [(user_name(rel, role), ORG_OF[rel], role) for rel in RELATIONS for role in ROLES]
    for name, org, role in users:
        rc, out, err = run_protect(protect, "--db", db, "user", "add", name, "--org", org, "--role", role,
                                   "--password-stdin", stdin=password(name) + "\n")
        if rc != 0:
            raise RuntimeError("protect user add %s: %s" % (name, err))
    return db


def load_fixture(res, port):
    """The importer (an operator of the owner) creates the sites and their assessments, and names the readers."""
    c = Client(port)
    res.eq(c.login("m-importer", password("m-importer")).status, 200, "importer log-in")
    r = c.request("POST", "/api/v1/imports/sites", SITES_HEADER + "".join(site_row(t) for t in TLPS), ctype="text/csv")
    res.eq(r.status, 200, "fixture sites import: %r" % r.body[:200])
    for header, row in ((FEMA_HEADER, fema_row), (CARVER_HEADER, carver_row), (QUANT_HEADER, quant_row)):
        r = c.request("POST", "/api/v1/imports/assessments", header + "".join(row(t) for t in TLPS), ctype="text/csv")
        res.eq(r.status, 200, "fixture assessments import: %r" % r.body[:200])
    r = c.request("POST", "/api/v1/imports/dependencies", DEPS_HEADER + "".join(dep_row(*d) for d in DEPS),
                  ctype="text/csv")
    res.eq((r.status, r.json), (200, {"created": len(DEPS), "updated": 0, "regrouped": 0}), "fixture dependencies import")
    red = SITE_OF["RED"]
    for rel in ("named", "namedown"):
        for role in ROLES:
            r = c.request("POST", "/api/v1/sites/%s/readers" % red, {"user": user_name(rel, role)})
            res.eq(r.status, 200, "name %s on %s: %r" % (user_name(rel, role), red, r.body[:200]))
    r = c.get("/api/v1/sites/%s/readers" % red)
    names = {u["name"] for u in (r.json or {}).get("items", [])}
    res.check(user_name("own", "operator") not in names and "m-importer" in names,
              "RED readers: the importer, not the owner's other users: %r" % sorted(names))


def exact_scores(protect, db, method):
    rc, out, err = run_protect(protect, "--db", db, "assess", "--method", method, "--format", "json",
                               *(["--samples", "0"] if method == "quant" else []))
    return {s["site_id"]: s["score"] for s in json.loads(out)["sites"]}


def expect_status(res, r, want, what):
    res.check(r.status == want, "%s: %d, expected %d (%s)" % (what, r.status, want, r.body[:160]))


def check_aggregates(res, c, who, visible, writable, scores):
    """Lists, rankings and matrices: by their bodies."""
    r = c.get("/api/v1/sites?limit=1000")
    items = (r.json or {}).get("items", [])
    res.eq({i["id"] for i in items}, visible, who + " GET /sites ids")
    res.eq((r.json or {}).get("total"), len(visible), who + " GET /sites total")
    res.eq({i["id"] for i in items if i.get("can_edit")}, writable, who + " GET /sites can_edit")
    for method in ("fema", "carver", "quant"):
        r = c.get("/api/v1/ranking/quant?samples=0" if method == "quant" else "/api/v1/ranking/" + method)
        body = r.json or {}
        got = [i["site_id"] for i in body.get("items", [])]
        res.eq(set(got), visible, "%s ranking/%s ids" % (who, method))
        res.eq(body.get("ranked"), len(visible), "%s ranking/%s ranked" % (who, method))
        res.eq(body.get("not_assessed"), 0, "%s ranking/%s not_assessed" % (who, method))
        res.check(all(abs(i["score"] - scores[method][i["site_id"]]) <= 1e-6 * max(1, scores[method][i["site_id"]])
                      for i in body.get("items", [])), "%s ranking/%s scores as computed over all" % (who, method))
        res.eq([i["rank"] for i in body.get("items", [])], list(range(1, len(got) + 1)),
               "%s ranking/%s ranks" % (who, method))
        if method == "quant":
            want = sum(scores["quant"][s] for s in visible)
            tot = (body.get("total") or {}).get("score")
            res.check(tot is not None and abs(tot - want) <= 1e-9 * max(1.0, want),
                      "%s ranking/quant total %r, expected %r (the visible sites only)" % (who, tot, want))
    r = c.get("/api/v1/matrix/fema")
    cells = {(x["likelihood"], x["consequence"]): x["count"] for x in (r.json or {}).get("cells", [])}
    want = {(l, k): 0 for l in range(1, 6) for k in range(1, 6)}
    for t in TLPS:
        if SITE_OF[t] in visible:
            k = TLPS.index(t) + 1
            want[(k, k)] += 1
    res.eq(cells, want, who + " matrix/fema cells")
    res.eq((r.json or {}).get("total"), len(visible), who + " matrix/fema total")
    r = c.get("/api/v1/matrix/quant")
    res.eq((r.json or {}).get("total"), len(visible), who + " matrix/quant total")
    res.eq(sum(x["count"] for x in (r.json or {}).get("cells", [])), len(visible), who + " matrix/quant cells")


def check_filters(res, c, who, rel, visible):
    """Issue 16 item 5: the filters over exactly the records the caller may read."""
    top = max([TLPS.index(t) for t in TLPS if SITE_OF[t] in visible] or [0])
    for t in ("AMBER+STRICT", "RED"):
        want = {SITE_OF[t]} & visible
        q = t.replace("+", "%2B")
        r = c.get("/api/v1/sites?tlp=" + q)
        res.eq({i["id"] for i in (r.json or {}).get("items", [])}, want, "%s sites?tlp=%s" % (who, t))
        r = c.get("/api/v1/ranking/fema?tlp=" + q)
        res.eq([i["site_id"] for i in (r.json or {}).get("items", [])], sorted(want), "%s ranking?tlp=%s" % (who, t))
        k = TLPS.index(t) + 1  # site k lands in cell (k, k)
        r = c.get("/api/v1/matrix/fema?likelihood=%d&consequence=%d&tlp=%s" % (k, k, q))
        res.eq({p["site_id"] for p in (r.json or {}).get("cell", {}).get("items", [])}, want,
               "%s matrix/fema cell (%d, %d) of tlp=%s" % (who, k, k, t))
    # owner=mine: the owner's users get the sites they read, the others none
    r = c.get("/api/v1/sites?owner=mine")
    res.eq({i["id"] for i in (r.json or {}).get("items", [])}, visible if ORG_OF[rel] == "Matrix Owner" else set(),
           who + " sites?owner=mine")
    # every fixture site is of region Test, which every caller reads (CLEAR)
    r = c.get("/api/v1/register?region=Test&limit=100")
    res.eq((r.json or {}).get("total"), len(visible), who + " register?region=Test")
    r = c.get("/api/v1/sites?region=Test&format=csv")
    res.eq(r.body.splitlines()[0] if r.status == 200 else r.status, "# TLP:" + TLPS[top],
           who + " sites CSV marked with its rows' highest label")


def check_records(res, c, who, rel, role, visible, writable, missing_body):
    """Each record, each endpoint and method."""
    for t in TLPS:
        sid = SITE_OF[t]
        cell = "%s %s" % (who, t)
        reads, writes = sid in visible, sid in writable
        for path in ("/api/v1/sites/%s" % sid, "/api/v1/sites/%s/assessments" % sid,
                     "/api/v1/sites/%s/assessments/fema" % sid, "/api/v1/sites/%s/assessments/carver" % sid,
                     "/api/v1/sites/%s/assessments/quant" % sid, "/api/v1/sites/%s/readers" % sid):
            r = c.get(path)
            if reads:
                expect_status(res, r, 200, cell + " GET " + path)
            else:
                expect_status(res, r, 404, cell + " GET " + path)
                res.eq(r.body, missing_body, cell + " GET %s: the 404 body is a missing record's" % path)
        if reads:
            r = c.get("/api/v1/sites/%s" % sid)
            res.eq((r.json or {}).get("can_edit"), writes, cell + " can_edit")
            res.eq((r.json or {}).get("tlp"), t, cell + " tlp")
        want = 200 if writes else (403 if reads else 404)
        r = c.request("PATCH", "/api/v1/sites/%s" % sid, {"peak_occupancy": 50})
        expect_status(res, r, want, cell + " PATCH site")
        if want == 404:
            res.eq(r.body, missing_body, cell + " PATCH site: the 404 body is a missing record's")
        i = TLPS.index(t) + 1
        a, tv = FEMA_ROW[t]
        bodies = {"fema": {"items": [{"threat_id": "arson", "asset_value": a, "threat_rating": tv,
                                      "vulnerability_rating": tv}]},
                  "carver": {"items": [{k: i for k in ("criticality", "accessibility", "recuperability",
                                                       "vulnerability", "effect", "recognizability", "shock")}]},
                  "quant": {"items": [{"threat_id": "arson",
                                       "p_attempt": {"min": 0.001 * i, "mode": 0.002 * i, "max": 0.004 * i},
                                       "p_success": {"min": 0.2, "mode": 0.3, "max": 0.4},
                                       "fatalities": {"min": 0, "mode": i, "max": 2 * i},
                                       "injuries": {"min": 0, "mode": i, "max": 3 * i},
                                       "loss_eur": {"min": 1e6 * i, "mode": 2e6 * i, "max": 4e6 * i}}]}}
        for method, body in bodies.items():
            r = c.request("PATCH", "/api/v1/sites/%s/assessments/%s" % (sid, method), body)
            expect_status(res, r, want, "%s PATCH assessments/%s" % (cell, method))
        other = "m-other-viewer"
        r = c.request("POST", "/api/v1/sites/%s/readers" % sid, {"user": other})
        expect_status(res, r, want, cell + " POST readers")
        r = c.request("DELETE", "/api/v1/sites/%s/readers/%s" % (sid, other))
        expect_status(res, r, 204 if writes else (403 if reads else 404), cell + " DELETE reader")
        r = c.request("POST", "/api/v1/imports/sites", SITES_HEADER + site_row(t), ctype="text/csv")
        if reads:
            expect_status(res, r, 200 if role in IMPORT_SITE[rel][t] else 403, cell + " import sites")
        elif role in CREATE_FOR_OWNER[rel]:
            expect_status(res, r, 409, cell + " import sites over a hidden id (taken)")
            res.eq((r.json or {}).get("field"), "id", cell + " import sites: the taken id")
        else:
            expect_status(res, r, 403, cell + " import sites over a hidden id")
            missing = c.request("POST", "/api/v1/imports/sites",
                                SITES_HEADER + site_row(t).replace(SITE_OF[t] + ",", "MX-NONE,", 1),
                                ctype="text/csv")
            res.eq((r.status, r.body), (missing.status, missing.body),
                   cell + " import sites: a hidden id answers as a missing one")
        r = c.request("POST", "/api/v1/imports/assessments", FEMA_HEADER + fema_row(t), ctype="text/csv")
        if role not in WRITERS:
            # Issue 10: a role that may never import assessments is refused before the body is
            # read, with one answer whatever the file names (visible, hidden or missing sites).
            expect_status(res, r, 403, cell + " import assessments (no right to import)")
            res.check("may not import assessments" in r.body,
                      cell + " import assessments: refused for the role: %r" % r.body[:120])
        else:
            expect_status(res, r, 200 if writes else (403 if reads else 400), cell + " import assessments")
            if not reads:
                res.check("unknown site" in r.body,
                          cell + " import of an invisible site reads as an unknown one: %r" % r.body[:120])


# Issue 16, item 4: the owner commits its own measure at its site (the first writer of each
# site; later writers find it there: 409); the list says who may.
LIFECYCLE_MEASURE = "staff_awareness_training"  # kinds and sectors "*": applies everywhere


def check_lifecycle(res, c, who, visible, writable, missing_body, committed):
    for t in TLPS:
        sid = SITE_OF[t]
        cell = "%s %s" % (who, t)
        r = c.get("/api/v1/sites/%s/measures" % sid)
        if sid in visible:
            res.eq((r.json or {}).get("can_commit"), sid in writable, cell + " can_commit")
        r = c.request("POST", "/api/v1/sites/%s/measures/%s/commit" % (sid, LIFECYCLE_MEASURE),
                      {"note": "matrix"})
        if sid not in visible:
            expect_status(res, r, 404, cell + " POST measure commit")
            res.eq(r.body, missing_body, cell + " POST measure commit: a missing record's 404")
        elif sid not in writable:
            expect_status(res, r, 403, cell + " POST measure commit")
        else:
            expect_status(res, r, 409 if sid in committed else 200, cell + " POST measure commit")
            committed.add(sid)


def check_resilience(res, c, who, role, visible, writable, missing_body, rel=None):
    """Issue 12: dependencies, their import, a cascade and the SPOF sweep."""
    # review of issue 12: dependencies are written as a sites import writes the consumer (M4)
    writable = {SITE_OF[t] for t in TLPS if role in IMPORT_SITE[rel][t]} if rel else writable
    dep_importer = role in WRITERS or (rel, role) == ("gov", "coordinator")
    told = (rel, role) in HIDDEN_COUNTS
    counts = told
    shown = [d for d in DEPS if d[0] in visible and d[1] in visible]
    hidden_ids = [sid for sid in SITE_OF.values() if sid not in visible]
    r = c.get("/api/v1/dependencies?limit=1000")
    body = r.json or {}
    res.eq(sorted((d["provider_id"], d["consumer_id"]) for d in body.get("dependencies", [])), sorted(shown),
           who + " GET /dependencies: those of two visible sites")
    res.eq(body.get("withheld"), len(DEPS) - len(shown) if told else None, who + " GET /dependencies withheld")
    for sid in SITE_OF.values():
        r = c.get("/api/v1/sites/%s/dependencies" % sid)
        if sid in visible:
            expect_status(res, r, 200, "%s GET /sites/%s/dependencies" % (who, sid))
            mine = [d for d in DEPS if sid in d]
            got = [(d["provider_id"], d["consumer_id"]) for k in ("providers", "consumers")
                   for d in (r.json or {}).get(k, [])]
            res.eq(sorted(got), sorted(d for d in mine if d in shown), "%s %s's dependencies" % (who, sid))
            res.eq((r.json or {}).get("withheld"), len([d for d in mine if d not in shown]) if told else None,
                   "%s %s's dependencies withheld" % (who, sid))
        else:
            expect_status(res, r, 404, "%s GET /sites/%s/dependencies" % (who, sid))
            res.eq(r.body, missing_body, "%s GET /sites/%s/dependencies: a missing record's 404" % (who, sid))
        # Re-importing the site's supply from M-1 (the values stored): the consumer's writers.
        r = c.request("POST", "/api/v1/imports/dependencies", DEPS_HEADER + dep_row("M-1", sid),
                      ctype="text/csv")
        if not dep_importer:
            expect_status(res, r, 403, "%s import dependencies of %s (no right to import)" % (who, sid))
        elif sid == "M-1":
            expect_status(res, r, 400, who + " import a self-dependency")
        else:
            expect_status(res, r, 200 if sid in writable else (403 if sid in visible else 400),
                          "%s import dependencies of %s" % (who, sid))
            if sid not in visible:
                res.check("unknown site" in r.body, "%s import over hidden %s reads as unknown: %r" % (who, sid, r.body[:120]))
        # review of issue 12: deleting M-1's supply of the site (and putting it back)
        r = c.request("DELETE", "/api/v1/dependencies/M-1/" + sid)
        if ("M-1", sid) not in shown:
            gone = c.request("DELETE", "/api/v1/dependencies/M-1/M-NOPE")
            res.eq((r.status, r.body), (404, gone.body), "%s DELETE dependency M-1 -> %s: a missing one's 404" % (who, sid))
        elif sid in writable:
            expect_status(res, r, 200, "%s DELETE dependency M-1 -> %s" % (who, sid))
            r = c.request("POST", "/api/v1/imports/dependencies", DEPS_HEADER + dep_row("M-1", sid), ctype="text/csv")
            expect_status(res, r, 200, "%s puts M-1 -> %s back" % (who, sid))
        else:
            expect_status(res, r, 403, "%s DELETE dependency M-1 -> %s (reads, may not write)" % (who, sid))
    r = c.get("/api/v1/cascade?fail=M-1")
    body = r.json or {}
    expect_status(res, r, 200, who + " GET /cascade?fail=M-1")
    res.eq({a["site_id"] for a in body.get("affected", [])}, visible, who + " cascade: the visible sites fail")
    # withheld only for those told counts of hidden records (docs/access.md)
    res.eq(body.get("withheld"), 5 - len(visible) if counts else None, who + " cascade withheld")
    res.check(not any(h in r.body for h in hidden_ids), who + " cascade names no hidden site: %r" % r.body[:200])
    missing = c.get("/api/v1/cascade?fail=M-NOPE")
    expect_status(res, missing, 404, who + " cascade of a missing site")
    for sid in hidden_ids:
        r = c.get("/api/v1/cascade?fail=M-1," + sid)
        res.eq((r.status, r.body), (404, missing.body), "%s cascade of hidden %s: a missing site's 404" % (who, sid))
    r = c.get("/api/v1/spof")
    if role in SPOF_ROLES:
        expect_status(res, r, 200, who + " GET /spof")
        rows = (r.json or {}).get("spof", [])
        res.eq({w["site_id"] for w in rows}, {"M-1", "M-3"} & visible, who + " spof rows")
        if counts:
            res.eq(len(rows) + (r.json or {}).get("withheld", -1), 2, who + " spof: rows + withheld = the 2 suppliers")
            res.eq((r.json or {}).get("supplying_sites"), 2, who + " spof: supplying_sites counts every site")
        else:
            res.check("withheld" not in (r.json or {}), who + " spof: no withheld count")
            res.eq((r.json or {}).get("supplying_sites"), len(rows), who + " spof: supplying_sites counts the readable ones")
        res.check(not any(h in r.body for h in hidden_ids), who + " spof names no hidden site")
    else:
        expect_status(res, r, 403, who + " GET /spof (not open to the role)")


def check_actions(res, c, who, rel, role, orgs):
    """Actions about no record."""
    key = (rel, role)
    owner_id = orgs["Matrix Owner"]
    not_mine = orgs["Matrix Partner" if ORG_OF[rel] == "Matrix Other" else "Matrix Other"]
    expect_status(res, c.get("/api/v1/threat-level"), 200, who + " GET threat-level")
    r = c.request("PUT", "/api/v1/threat-level", {"level": "SUBSTANTIAL", "rationale": "matrix test"})
    expect_status(res, r, 200 if key in SET_THREAT_LEVEL else 403, who + " PUT threat-level")
    r = c.get("/api/v1/audit?limit=1000")
    if key in AUDIT_ALL or key in AUDIT_OWN:
        expect_status(res, r, 200, who + " GET audit")
        orgs_seen = {e["organisation"] for e in (r.json or {}).get("items", [])}
        if key in AUDIT_OWN:
            res.check(orgs_seen <= {ORG_OF[rel]}, who + " audit shows only its organisation's entries: %r" % orgs_seen)
        else:
            res.check(len(orgs_seen) > 1, who + " audit shows every organisation's entries")
        # An entry names only records the caller may read (issue 9): the others are withheld.
        visible = {SITE_OF[t] for t in TLPS if role in READ[rel][t]}
        for e in (r.json or {}).get("items", []):
            named = set(re.findall(r"\bM-[1-5]\b", (e.get("record") or "") + " " + (e.get("detail") or "")))
            res.check(named <= visible, who + " audit names only sites it may read: %r" % e)
            res.check(e.get("withheld") is (e.get("record") is None), who + " audit: withheld iff no record: %r" % e)
    else:
        expect_status(res, r, 403, who + " GET audit")
    r = c.get("/api/v1/users?limit=1000")
    if key in LIST_USERS_ALL or key in LIST_USERS_OWN:
        expect_status(res, r, 200, who + " GET users")
        orgs_seen = {u["organisation"]["name"] for u in (r.json or {}).get("items", [])}
        res.eq(orgs_seen, {ORG_OF[rel]} if key in LIST_USERS_OWN else set(ORG_OF.values()),
               who + " GET users organisations")
    else:
        expect_status(res, r, 403, who + " GET users")
    r = c.request("POST", "/api/v1/users", {"name": "m-new-%s-%s" % (rel, role), "password": "new-password-1",
                                           "role": "viewer", "organisation_id": not_mine})
    expect_status(res, r, 201 if key in LIST_USERS_ALL else 403, who + " POST user for another organisation")
    expect_status(res, c.get("/api/v1/organisations?limit=1000"), 200, who + " GET organisations")
    r = c.request("POST", "/api/v1/organisations", {"name": "Matrix new %s %s" % (rel, role), "type": "ngo"})
    expect_status(res, r, 201 if key in CREATE_ORG else 403, who + " POST organisation")
    r = c.request("PATCH", "/api/v1/organisations/%d" % owner_id, {"partners": [orgs["Matrix Partner"]]})
    expect_status(res, r, 200 if key in SET_OWNER_PARTNERS else 403, who + " PATCH owner's partners")


# Issue 16, item 8: critical entities under the CER Directive. "Matrix Owner" is designated with
# its CLEAR and RED sites (run()); who sees the designation, records its dates, designates.
CER_READ = {("gov", r) for r in ("coordinator", "analyst", "admin")} | \
    {(rel, r) for rel in ("own", "namedown") for r in ("admin", "operator")}
CER_REPORT = {("gov", "coordinator"), ("gov", "admin"), ("own", "admin"), ("namedown", "admin")}
CER_DESIGNATE = {("gov", "coordinator"), ("gov", "admin")}
# Who sees a designation of "Matrix Other" (the organisation of "other" and "named").
CER_READ_OTHER = {("gov", r) for r in ("coordinator", "analyst", "admin")} | \
    {(rel, r) for rel in ("other", "named") for r in ("admin", "operator")}


def check_cer(res, c, who, rel, role, orgs):
    key = (rel, role)
    r = c.get("/api/v1/cer")
    expect_status(res, r, 200, who + " GET cer")
    mine = [e for e in (r.json or {}).get("items", []) if e.get("organisation") == "Matrix Owner"]
    res.eq(len(mine), 1 if key in CER_READ else 0, who + " sees the owner's designation")
    if mine:
        visible = [SITE_OF[t] for t in ("CLEAR", "RED") if role in READ[rel][t]]
        res.eq(mine[0].get("sites"), visible, who + " cer: the linked sites it may read")
        res.eq("sites_withheld" in mine[0], key in HIDDEN_COUNTS, who + " cer: told the withheld count")
        if key in HIDDEN_COUNTS:
            res.eq(mine[0]["sites_withheld"], 2 - len(visible), who + " cer: the withheld count")
    path = "/api/v1/organisations/%d/cer" % orgs["Matrix Owner"]
    r = c.request("PATCH", path, {"risk_assessment_on": ""})
    expect_status(res, r, 200 if key in CER_REPORT else 403 if key in CER_READ else 404,
                  who + " PATCH the owner's risk assessment date")
    other = "/api/v1/organisations/%d/cer" % orgs["Matrix Other"]
    r = c.request("PUT", other, {"designated_on": "2026-02-02", "notified_on": "2026-02-16"})
    expect_status(res, r, 200 if key in CER_DESIGNATE else 403 if key in CER_READ_OTHER else 404,
                  who + " PUT a designation")
    if key in CER_DESIGNATE:
        expect_status(res, c.request("DELETE", other), 204, who + " DELETE the designation")
    r = c.get("/api/v1/withheld")
    expect_status(res, r, 200 if key in HIDDEN_COUNTS else 403, who + " GET withheld")
    if key in HIDDEN_COUNTS:
        hidden = len(TLPS) - len([t for t in TLPS if role in READ[rel][t]])
        res.eq((r.json or {}).get("total"), hidden, who + " withheld total")
def check_peers(res, c, who, rel, role, missing_body):
    """Issue 16, item 7: peers and what-if of each fixture site: 200 where the caller reads the
    site, else the body of a missing site; peers it may not read never named."""
    visible = {SITE_OF[t] for t in TLPS if role in READ[rel][t]}
    for t in TLPS:
        sid = SITE_OF[t]
        for path in ("/api/v1/sites/%s/peers" % sid, "/api/v1/sites/%s/what-if?measure=cctv" % sid):
            r = c.get(path)
            if sid in visible:
                expect_status(res, r, 200, who + " GET " + path)
                named = {p["site_id"] for p in (r.json or {}).get("named_peers", [])}
                res.check(named <= visible, who + " %s names only readable peers: %r" % (path, named))
                res.eq("peers" in (r.json or {}) and "named_peers" in (r.json or {}), ("peers" in (r.json or {})),
                       who + " peers count only when told")
            else:
                res.eq((r.status, r.body), (404, missing_body.replace("M-NOPE", sid)) if "M-NOPE" in missing_body
                       else (404, missing_body), who + " GET " + path + " (hidden)")


def check_alerts(res, c, who, rel, role, port, composer, missing_body):
    """Issue 13: compose per site label, and a pending message of the composer's: read, approve,
    its public CAP (no log-in)."""
    key = (rel, role)
    missing = c.request("POST", "/api/v1/alerts/preview", {"template": "explosion", "site_id": "M-NOPE"})
    for t in TLPS:
        sid = SITE_OF[t]
        r = c.request("POST", "/api/v1/alerts/preview", {"template": "explosion", "site_id": sid})
        if key not in ALERT_COMPOSE:
            expect_status(res, r, 403, "%s %s preview an alert (may not compose)" % (who, t))
        elif role in READ[rel][t]:
            expect_status(res, r, 200, "%s %s preview an alert" % (who, t))
            res.eq((r.json or {}).get("state"), "preview", "%s %s: a preview" % (who, t))
        else:
            expect_status(res, r, 404, "%s %s preview an alert of a hidden site" % (who, t))
            res.eq(r.body, missing.body, "%s %s: a hidden site answers as a missing one" % (who, t))
    expect_status(res, c.get("/api/v1/alerts"), 200, who + " GET /alerts")
    expect_status(res, c.get("/api/v1/alert-templates"), 200, who + " GET /alert-templates")
    # the composer's pending message about the CLEAR site, one per cell
    r = composer.request("POST", "/api/v1/alerts", {"template": "explosion", "site_id": SITE_OF["CLEAR"]})
    expect_status(res, r, 201, who + ": the composer's pending message")
    aid = (r.json or {}).get("identifier", "PT-NONE")
    reads = key in ALERT_COMPOSE
    r = c.get("/api/v1/alerts/" + aid)
    expect_status(res, r, 200 if reads else 404, who + " GET a pending alert")
    if not reads:
        res.eq(r.body, missing_body, who + " GET a pending alert: a missing record's 404")
    listed = {a["identifier"] for a in (c.get("/api/v1/alerts").json or {}).get("alerts", [])}
    res.eq(aid in listed, reads, who + " lists the pending alert")
    r = c.request("POST", "/api/v1/alerts/%s/approve" % aid)
    want = 403 if key == ALERT_COMPOSER else (200 if reads else 404)
    expect_status(res, r, want, who + " approve the pending alert")
    if key == ALERT_COMPOSER:
        res.eq((r.json or {}).get("code"), "same_person", who + ": its own message")
    public = Client(port).get("/alerts/%s.cap" % aid)
    expect_status(res, public, 200 if want == 200 else 404, who + ": the public CAP after the approval")
    if want == 200:
        expect_status(res, c.get("/api/v1/alerts/" + aid), 200, who + " GET the issued alert")


# ---- issue 15: exercise runs (docs/access.md, "Exercise runs"; docs/api.md) -------------
# Runs of the built-in exercise at each label, created by own/facilitator (the lead), with
# own/player (police_commander) and own/evaluator assigned. What each cell sees of them:
# participants their part at every label (the owning organisation's users); a government
# coordinator observes up to AMBER (not AMBER+STRICT of another organisation, not RED); nobody
# else sees them, whatever its role (a missing run's 404).
RUN_PART = {("own", "facilitator"): "facilitator", ("own", "player"): "player",
            ("own", "evaluator"): "evaluator"}


def run_view(rel, role, tlp):
    part = RUN_PART.get((rel, role))
    if part:
        return part
    if (rel, role) == ("gov", "coordinator") and tlp in ("CLEAR", "GREEN", "AMBER"):
        return "observer"
    return None


def setup_runs(res, port):
    """The fixture runs: {tlp: id}."""
    lead = Client(port)
    res.eq(lead.login(user_name("own", "facilitator"), password(user_name("own", "facilitator"))).status, 200,
           "the runs' lead facilitator logs in")
    runs = {}
    for t in TLPS:
        r = lead.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise", "tlp": t,
                                                  "title": "Matrix run " + t})
        res.eq(r.status, 201, "a run at %s: %s" % (t, r.body[:200]))
        runs[t] = (r.json or {}).get("id", 0)
        for user, member, role in ((user_name("own", "player"), "player", "police_commander"),
                                   (user_name("own", "evaluator"), "evaluator", None)):
            body = {"user": user, "member": member}
            if role:
                body["role"] = role
            r = lead.request("POST", "/api/v1/runs/%s/participants" % runs[t], body)
            res.eq(r.status, 201, "assign %s at %s: %s" % (user, t, r.body[:200]))
    return runs


def open_stream(c, rid):
    """The status of GET /runs/ID/events (the stream closed at once when it opened)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=60)
    try:
        conn.request("GET", "/api/v1/runs/%s/events" % rid, headers={"Cookie": "pt_session=" + c.cookie})
        return conn.getresponse().status
    finally:
        conn.close()


def check_runs(res, c, who, rel, role, runs):
    missing = c.get("/api/v1/runs/999999")
    expect_status(res, missing, 404, who + " GET a missing run")
    listed = {x["id"] for x in (c.get("/api/v1/runs?limit=1000").json or {}).get("items", [])}
    expect_status(res, c.get("/api/v1/exercises"), 200, who + " GET /exercises")
    for t in TLPS:
        rid = runs[t]
        view = run_view(rel, role, t)
        what = "%s run %s" % (who, t)
        r = c.get("/api/v1/runs/%s" % rid)
        if view:
            expect_status(res, r, 200, what + ": GET")
            res.eq((r.json or {}).get("view"), view, what + ": the view")
        else:
            expect_status(res, r, 404, what + ": GET")
            res.eq(r.body, missing.body, what + ": a hidden run answers as a missing one")
        res.eq(rid in listed, bool(view), what + ": listed")
        res.eq(open_stream(c, rid), 200 if view else 404, what + ": its event stream")
        # the clock (ready: a facilitator's pause is 409), the plan, playing, evaluating
        want = {"facilitator": 409, None: 404}.get(view, 403)
        expect_status(res, c.request("POST", "/api/v1/runs/%s/pause" % rid), want, what + ": pause")
        expect_status(res, c.request("POST", "/api/v1/runs/%s/speed" % rid, {"factor": 1}),
                      {"facilitator": 200, None: 404}.get(view, 403), what + ": speed")
        body = {"user": user_name("own", "player"), "member": "player", "role": "police_commander"}
        expect_status(res, c.request("POST", "/api/v1/runs/%s/participants" % rid, body), want,
                      what + ": assign (already assigned: 409 to its facilitator)")
        expect_status(res, c.request("POST", "/api/v1/runs/%s/improvements" % rid,
                                     {"issue": "i", "action": "a", "element": "training", "responsible": "r",
                                      "target": "t_lockdown", "start": "2027-01-01", "due": "2027-02-01"}),
                      {"facilitator": 201, None: 404}.get(view, 403), what + ": an improvement item")
        log = {"activity": "matrix"}
        if view == "player":
            log["role"] = "police_commander"
        expect_status(res, c.request("POST", "/api/v1/runs/%s/log" % rid, log),
                      {"observer": 403, None: 404}.get(view, 201), what + ": an ICS 214 entry")
        expect_status(res, c.request("POST", "/api/v1/runs/%s/observations" % rid, {"text": "matrix"}),
                      {"evaluator": 201, None: 404}.get(view, 403), what + ": an observation")
        expect_status(res, c.request("POST", "/api/v1/runs/%s/ratings" % rid, {"target": "x", "rating": "P"}),
                      {"evaluator": 404, None: 404}.get(view, 403), what + ": a rating (of no target: 404 to an evaluator)")
        expect_status(res, c.request("POST", "/api/v1/runs/%s/decisions" % rid,
                                     {"decision": "scene_safe", "role": "police_commander"}),
                      {"player": 409, None: 404}.get(view, 403), what + ": a decision (the clock is ready: 409 to the player)")
        expect_status(res, c.request("POST", "/api/v1/runs/%s/alerts" % rid, {"template": "explosion", "site_id": "M-NOPE"}),
                      {None: 404}.get(view, 403), what + ": an exercise alert (nobody is its PIO)")
    r = c.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise", "title": "by " + who})
    expect_status(res, r, 201 if role == "facilitator" else 403, who + " creates a run")


# Issue 16 item 0: the demo's hospitals (VM-012 to VM-014, GREEN or CLEAR) and laboratory
# (VM-015, AMBER) belong to Vellmark Hospitals Trust. Its operator writes them; its admin reads
# its own AMBER and manages only the trust's users; the ministry reads the GREEN hospitals and
# (coordinator, analyst) the AMBER laboratory but writes none; Northgate's operator writes none
# and does not see the laboratory. (user, site) -> (GET status, PATCH status).
DEMO_HOSPITALS = {
    ("trust", "VM-012"): (200, 200), ("trust", "VM-015"): (200, 200),
    ("trust-admin", "VM-012"): (200, 200), ("trust-admin", "VM-015"): (200, 200),
    ("coordinator", "VM-012"): (200, 403), ("coordinator", "VM-015"): (200, 403),
    ("analyst", "VM-015"): (200, 403),
    ("admin", "VM-012"): (200, 403), ("admin", "VM-015"): (404, 404),
    ("operator", "VM-012"): (200, 403), ("operator", "VM-015"): (404, 404),
}


def run_demo(res, protect, work):
    db = os.path.join(work, "matrix-demo.db")
    rc, out, err = run_protect(protect, "--db", db, "demo")
    if not res.eq(rc, 0, "protect demo: %s" % err[-300:]):
        return
    rc, out, err = run_protect(protect, "--db", db, "user", "second-factor", "optional")
    res.eq(rc, 0, "demo: second factor optional: %s" % err[-300:])
    srv = Server(protect, db, ["--threads", "2"]).start()
    try:
        clients = {}
        for (user, sid), (read, write) in sorted(DEMO_HOSPITALS.items()):
            if user not in clients:
                clients[user] = Client(srv.port)
                res.eq(clients[user].login(user, "demo-" + user).status, 200, "demo log-in " + user)
            c = clients[user]
            r = c.get("/api/v1/sites/%s" % sid)
            expect_status(res, r, read, "demo %s GET %s" % (user, sid))
            if read == 200:
                res.eq((r.json or {}).get("owner"), "Vellmark Hospitals Trust", "demo %s: the owner" % sid)
                res.eq((r.json or {}).get("can_edit"), write == 200, "demo %s %s can_edit" % (user, sid))
            # the site's own peak occupancy (data/demo/sites.csv): a write that changes nothing
            r = c.request("PATCH", "/api/v1/sites/%s" % sid, {"peak_occupancy": {"VM-012": 3000, "VM-015": 160}[sid]})
            expect_status(res, r, write, "demo %s PATCH %s" % (user, sid))
        r = clients["trust-admin"].get("/api/v1/users?limit=1000")
        res.eq(sorted((u.get("name"), u.get("role")) for u in (r.json or {}).get("items", [])),
               [("trust", "operator"), ("trust-admin", "admin")], "demo: the trust's admin lists the trust's users")
    finally:
        status, out, err = srv.stop()
        res.eq(status, 0, "matrix demo server exit status")


# ---- issue 16 item 3: surveys (assessment visits) ----------------------------------------
# A visit inherits its site's label: read by the site's readers, started by its writers; only
# its assessor (here the importer) changes it; confirmed by a second person among the site's
# writers and the government coordinators and analysts who read it.
GOV_CONFIRM = frozenset({"coordinator", "analyst"})


def confirmers(rel, t):
    return WRITE[rel][t] | (GOV_CONFIRM & READ[rel][t] if rel == "gov" else NONE)


def setup_surveys(res, port):
    """The importer starts a FEMA visit of each fixture site and rates arson: {tlp: visit id}."""
    c = Client(port)
    res.eq(c.login("m-importer", password("m-importer")).status, 200, "importer log-in (surveys)")
    out = {}
    for t in TLPS:
        r = c.request("POST", "/api/v1/sites/%s/surveys" % SITE_OF[t], {"method": "fema"})
        res.eq(r.status, 201, "the importer starts a visit of %s" % SITE_OF[t])
        out[t] = (r.json or {}).get("id", 0)
        r = c.request("PATCH", "/api/v1/surveys/%d/ratings" % out[t],
                      {"items": [{"threat_id": "arson", "vulnerability_rating": 2, "reason": "matrix"}]})
        res.eq(r.status, 200, "the importer rates its visit of %s" % SITE_OF[t])
    return out


def check_surveys(res, c, who, rel, role, visible, writable, missing_body, surveys):
    if c.get("/api/v1/questionnaires/critical_infrastructure").status != 200:
        res.bad(who + " GET questionnaires: the questionnaires are for every user")
    for t in TLPS:
        sid, vid = SITE_OF[t], surveys[t]
        cell = "%s %s" % (who, t)
        reads, writes = sid in visible, sid in writable
        for path in ("/api/v1/sites/%s/surveys" % sid, "/api/v1/surveys/%d" % vid):
            r = c.get(path)
            expect_status(res, r, 200 if reads else 404, cell + " GET " + path)
            if not reads:
                res.eq(r.body, missing_body, cell + " GET %s: the 404 body is a missing record's" % path)
            elif path.startswith("/api/v1/surveys/"):
                res.eq((r.json or {}).get("can_confirm"), role in confirmers(rel, t), cell + " can_confirm")
                res.eq((r.json or {}).get("can_record"), False, cell + " can_record (not the assessor)")
        r = c.request("POST", "/api/v1/sites/%s/surveys" % sid, {"method": "fema"})
        expect_status(res, r, 201 if writes else (403 if reads else 404), cell + " POST surveys")
        r = c.request("PATCH", "/api/v1/surveys/%d/answers" % vid,
                      {"answers": [{"question_id": "ci-cctv", "answer": "yes"}]})
        expect_status(res, r, 403 if reads else 404, cell + " PATCH answers (not the assessor)")
        if role not in confirmers(rel, t):  # a confirmation changes the visit: refusals only
            r = c.request("POST", "/api/v1/surveys/%d/confirm" % vid)
            expect_status(res, r, 403 if reads else 404, cell + " POST confirm")
            if not reads:
                res.eq(r.body, missing_body, cell + " POST confirm: the 404 body is a missing record's")
# ---- issue 16 item 3: attachments (labelled the higher of the site's label and AMBER) ----
ATTACH_LABEL = {"CLEAR": "AMBER", "GREEN": "AMBER", "AMBER": "AMBER", "AMBER+STRICT": "AMBER+STRICT",
                "RED": "RED"}
# A tiny JPEG (the fictional test photo): what the importer attaches to each fixture site.
PHOTO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli", "data", "attach", "photo.jpg")


def setup_attachments(res, port):
    """The importer (an operator of the owner, named on RED) attaches the photo to every site: {tlp: id}."""
    c = Client(port)
    res.eq(c.login("m-importer", password("m-importer")).status, 200, "importer log-in (attachments)")
    with open(PHOTO, "rb") as f:
        photo = f.read()
    out = {}
    for t in TLPS:
        r = c.request("POST", "/api/v1/sites/%s/attachments?name=m.jpg" % SITE_OF[t], body=photo, ctype="image/jpeg")
        res.eq(r.status, 201, "fixture attachment of %s: %r" % (SITE_OF[t], r.body[:200]))
        out[t] = (r.json or {}).get("id", 0)
    return out, photo


def check_attachments(res, c, who, rel, role, missing_body, attach):
    """Issue 16 item 3: list, download, upload and delete each site's attachment, by its label."""
    ids, photo = attach
    for t in TLPS:
        sid, aid, label = SITE_OF[t], ids[t], ATTACH_LABEL[t]
        reads, writes = role in READ[rel][label], role in WRITE[rel][label]
        cell = "%s %s attachments" % (who, t)
        r = c.get("/api/v1/sites/%s/attachments" % sid)
        if reads:
            expect_status(res, r, 200, cell + " list")
            res.eq([a["id"] for a in (r.json or {}).get("items", [])], [aid], cell + " list items")
            res.eq((r.json or {}).get("tlp"), "TLP:" + label, cell + " list marking")
        else:
            res.eq((r.status, r.body), (404, missing_body), cell + " list: a missing site's 404")
        r = c.get("/api/v1/attachments/%d" % aid)
        if reads:
            expect_status(res, r, 200, cell + " download")
            res.check(r.raw == photo, cell + " download: the photo")
        else:
            res.eq((r.status, r.body), (404, missing_body), cell + " download: a missing one's 404")
        r = c.request("POST", "/api/v1/sites/%s/attachments?name=x.jpg" % sid, body=photo, ctype="image/jpeg")
        if writes:
            expect_status(res, r, 201, cell + " upload")
            new = (r.json or {}).get("id", 0)
            expect_status(res, c.request("DELETE", "/api/v1/attachments/%d" % new), 200, cell + " delete")
        else:
            expect_status(res, r, 403 if reads else 404, cell + " upload")
            r = c.request("DELETE", "/api/v1/attachments/%d" % aid)
            expect_status(res, r, 403 if reads else 404, cell + " delete")


# ---- issue 16 item 6: snapshots and comparisons (docs/access.md, "History") ------------
TAKE_SNAPSHOT = frozenset({("gov", "coordinator"), ("gov", "admin")})
DELETE_SNAPSHOT = frozenset({("gov", "admin")})
# The labels now, after the snapshot: each site moves one label up (RED to CLEAR). A site
# made RED now names only its maker (the importer) as reader.
LABEL_NOW = {SITE_OF[t]: TLPS[(i + 1) % len(TLPS)] for i, t in enumerate(TLPS)}


def read_now(rel, role, sid):
    t = LABEL_NOW[sid]
    if t == "RED" and sid != SITE_OF["RED"]:
        return False  # newly RED: its maker alone is named
    return role in READ[rel][t]


def history_setup(res, port):
    """The gov coordinator takes a snapshot of the fixture; the importer moves every label."""
    co = Client(port)
    res.eq(co.login(user_name("gov", "coordinator"), password(user_name("gov", "coordinator"))).status, 200,
           "history: the coordinator logs in")
    r = co.request("POST", "/api/v1/snapshots", {"name": "matrix then"})
    res.eq(r.status, 201, "history: the snapshot: %s" % r.body[:200])
    sid = (r.json or {}).get("id", 0)
    imp = Client(port)
    res.eq(imp.login("m-importer", password("m-importer")).status, 200, "history: importer log-in")
    for t in TLPS:
        r = imp.request("PATCH", "/api/v1/sites/%s" % SITE_OF[t], {"tlp": LABEL_NOW[SITE_OF[t]]})
        res.eq(r.status, 200, "history: relabel %s: %s" % (SITE_OF[t], r.body[:200]))
    return sid


def history_restore(res, port):
    imp = Client(port)
    imp.login("m-importer", password("m-importer"))
    for t in TLPS:
        r = imp.request("PATCH", "/api/v1/sites/%s" % SITE_OF[t], {"tlp": t})
        res.eq(r.status, 200, "history: label back %s" % SITE_OF[t])


def check_history(res, c, who, rel, role, sid):
    """A row only of a site the caller read then (the snapshot's label) AND now, marked with the
    stricter label; writes by their role."""
    then = {SITE_OF[t]: t for t in TLPS}
    want = {s for s in then if role in READ[rel][then[s]] and read_now(rel, role, s)}
    r = c.get("/api/v1/compare?from=%d&to=now" % sid)
    expect_status(res, r, 200, who + " GET compare")
    rows = {x["site_id"]: x["tlp"] for x in (r.json or {}).get("rows", [])}
    res.eq(set(rows), want, who + " compare: the sites read then and now")
    for s, t in rows.items():
        strict = max(TLPS.index(then[s]), TLPS.index(LABEL_NOW[s]))
        res.eq(t, TLPS[strict], "%s compare: %s under the stricter label" % (who, s))
    r = c.get("/api/v1/snapshots/%d" % sid)
    expect_status(res, r, 200, who + " GET snapshot")
    res.eq({x["site_id"] for x in (r.json or {}).get("rows", [])}, want, who + " snapshot: the sites read then and now")
    expect_status(res, c.get("/api/v1/snapshots"), 200, who + " GET snapshots")
    r = c.request("POST", "/api/v1/snapshots", {"name": "matrix " + who})
    expect_status(res, r, 201 if (rel, role) in TAKE_SNAPSHOT else 403, who + " POST snapshot")
    r = c.request("DELETE", "/api/v1/snapshots/999999")
    expect_status(res, r, 404 if (rel, role) in DELETE_SNAPSHOT else 403, who + " DELETE snapshot")

def run(res, protect, work):
    run_demo(res, protect, work)
    db = setup(protect, work)
    # every role's refusals on runs at once: past serve's default throttle of 30 a minute
    srv = Server(protect, db, ["--threads", "4", "--run-refusals", "100000"]).start()
    try:
        load_fixture(res, srv.port)
        scores = {m: exact_scores(protect, db, m) for m in ("fema", "carver", "quant")}
        res.eq(set(scores["fema"]), set(SITE_OF.values()), "the CLI ranks every fixture site")
        runs = setup_runs(res, srv.port)  # issue 15
        rc, out, err = run_protect(protect, "--db", db, "cer", "designate", "Matrix Owner", "--designated",
                                   "2026-01-12", "--notified", "2026-01-26", "--site", SITE_OF["CLEAR"],
                                   "--site", SITE_OF["RED"])  # issue 16, item 8
        res.eq(rc, 0, "the owner designated a critical entity: %s" % err[-300:])
        surveys = setup_surveys(res, srv.port)  # issue 16 item 3
        attach = setup_attachments(res, srv.port)  # issue 16 item 3
        missing, orgs = None, {}
        committed = set()  # issue 16: sites whose measure a writer committed
        composer = Client(srv.port)  # issue 13: composes a pending alert for each cell
        res.eq(composer.login(user_name(*ALERT_COMPOSER), password(user_name(*ALERT_COMPOSER))).status, 200,
               "the alerts' composer log-in")
        for rel in RELATIONS:
            for role in ROLES:
                who = "%s/%s" % (rel, role)
                c = Client(srv.port)
                r = c.login(user_name(rel, role), password(user_name(rel, role)))
                if not res.check(r.status == 200, "log-in %s: %r" % (who, r)):
                    continue
                if missing is None:
                    r = c.get("/api/v1/sites/M-NOPE")
                    res.eq(r.status, 404, "a missing site")
                    missing = r.body
                    orgs = {o["name"]: o["id"] for o in c.get("/api/v1/organisations?limit=1000").json["items"]}
                visible = {SITE_OF[t] for t in TLPS if role in READ[rel][t]}
                writable = {SITE_OF[t] for t in TLPS if role in WRITE[rel][t]}
                check_aggregates(res, c, who, visible, writable, scores)
                check_filters(res, c, who, rel, visible)  # issue 16 item 5
                check_records(res, c, who, rel, role, visible, writable, missing)
                check_resilience(res, c, who, role, visible, writable, missing, rel=rel)  # issue 12
                check_actions(res, c, who, rel, role, orgs)
                check_alerts(res, c, who, rel, role, srv.port, composer, missing)  # issue 13
                check_runs(res, c, who, rel, role, runs)  # issue 15
                check_cer(res, c, who, rel, role, orgs)  # issue 16, item 8
                check_peers(res, c, who, rel, role, missing)  # issue 16, item 7
                check_lifecycle(res, c, who, visible, writable, missing, committed)  # issue 16
                check_surveys(res, c, who, rel, role, visible, writable, missing, surveys)  # issue 16 item 3
                check_attachments(res, c, who, rel, role, missing, attach)  # issue 16 item 3
        history = history_setup(res, srv.port)  # issue 16 item 6
        for rel in RELATIONS:
            for role in ROLES:
                who = "%s/%s" % (rel, role)
                c = Client(srv.port)
                if c.login(user_name(rel, role), password(user_name(rel, role))).status == 200:
                    check_history(res, c, who, rel, role, history)
        history_restore(res, srv.port)
    finally:
        status, out, err = srv.stop()
        res.eq(status, 0, "matrix server exit status")
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])
