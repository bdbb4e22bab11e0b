# cer.py - HTTP tests of issue 16, item 8: organisations designated as critical entities
# under the EU CER Directive, as each user sees them on the demo (data/demo/README.md,
# "Critical entities"; the tests' clock is 2026-12-01): who sees which designation, what
# each owes by when, linked sites withheld from those who may not read them, who may
# designate and record, clear 400s naming the field, the same 404 for a hidden designation
# and none, and every change audited. Each test puts back what it changed.
import json

from httplib import Client, run_protect


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r.status))
    return c


def org_ids(c):
    items = (c.get("/api/v1/organisations?limit=100").json or {}).get("items", [])
    return {o["name"]: o["id"] for o in items}


def entities(c):
    body = c.get("/api/v1/cer").json or {}
    return body, {e["organisation"]: e for e in body.get("items", [])}


def t_cer_list(res, port, protect, db):
    coord = login(res, port, "coordinator")
    body, by = entities(coord)
    res.eq(sorted(by), ["Harbourlight Group", "Northgate Utilities", "Vellmark Hospitals Trust",
                        "Vellmark Rail and Ports"], "the coordinator sees the four designated entities")
    res.eq((body.get("today"), body.get("lacking_risk_assessment"), body.get("lacking_resilience_plan"),
            body.get("may_designate")), ("2026-12-01", 2, 3, True), "the coordinator's totals")
    trust = by.get("Vellmark Hospitals Trust", {})
    res.eq((trust.get("risk_assessment"), trust.get("risk_assessment_due"), trust.get("resilience_plan"),
            trust.get("resilience_plan_due"), trust.get("lacks")),
           ("overdue", "2026-10-26", "overdue", "2026-11-26", ["risk_assessment", "resilience_plan"]),
           "the trust, notified 2026-01-26, owed its risk assessment by 2026-10-26 and its plan by 2026-11-26")
    north = by.get("Northgate Utilities", {})
    res.eq((north.get("risk_assessment"), north.get("risk_assessment_due"), north.get("resilience_plan"),
            north.get("lacks")), ("current", "2030-06-30", "current", []),
           "Northgate's assessment of 2026-06-30 is current for four years")
    res.eq((north.get("sites"), north.get("sites_withheld")), (["VM-001", "VM-003"], 2),
           "Northgate's AMBER+STRICT and RED sites are withheld from the coordinator, counted")
    rail = by.get("Vellmark Rail and Ports", {})
    res.eq((rail.get("risk_assessment"), rail.get("risk_assessment_due"), rail.get("resilience_plan"),
            rail.get("obligations_from")), ("due", "2027-02-18", "due", "2027-03-18"),
           "Rail and Ports, notified 2026-05-18, is within its first deadlines")
    res.eq(by.get("Harbourlight Group", {}).get("lacks"), ["resilience_plan"], "Harbourlight lacks its plan")

    _, by = entities(login(res, port, "analyst"))
    north = by.get("Northgate Utilities", {})
    res.check(len(by) == 4 and "sites_withheld" not in north and north.get("sites") == ["VM-001", "VM-003"],
              "an analyst sees the list, but no count of what it may not read: %r" % north)
    res.check(not north.get("may_report"), "an analyst may not record an entity's dates")

    body, by = entities(login(res, port, "trust"))
    res.eq(sorted(by), ["Vellmark Hospitals Trust"], "the trust's operator sees its own designation only")
    res.eq((body.get("entities"), body.get("may_designate")), (1, False), "its totals cover what it sees")
    _, by = entities(login(res, port, "operator"))
    res.eq(by.get("Northgate Utilities", {}).get("sites"), ["VM-001", "VM-002", "VM-003", "VM-004"],
           "Northgate's operator sees all its linked sites")
    for user in ("viewer", "relief", "police", "security"):
        body, by = entities(login(res, port, user))
        res.eq((body.get("items"), body.get("entities")), ([], 0), user + " sees no designation")


def t_cer_record(res, port, protect, db):
    coord = login(res, port, "coordinator")
    ids = org_ids(coord)
    trust_id = ids["Vellmark Hospitals Trust"]
    path = "/api/v1/organisations/%d/cer" % trust_id
    r = coord.request("PATCH", path, {"risk_assessment_on": "2026-11-30"})
    res.eq((r.status, (r.json or {}).get("risk_assessment"), (r.json or {}).get("risk_assessment_due"),
            (r.json or {}).get("lacks")), (200, "current", "2030-11-30", ["resilience_plan"]),
           "the coordinator records the trust's risk assessment")
    for body, field, words in (({"risk_assessment_on": "2026-12-02"}, "risk_assessment_on", "after today"),
                               ({"risk_assessment_on": "2026-02-30"}, "risk_assessment_on", "YYYY-MM-DD"),
                               ({"notified_on": "2026-01-01"}, "notified_on", "art. 6(3)"),
                               ({"sites": ["VM-023"]}, "sites", "another organisation"),
                               ({"sites": ["VM-012", "VM-012"]}, "sites", "twice"),
                               ({"sites": ["VM-999"]}, "sites", "no site VM-999"),
                               ({"resilience_plan_on": 7}, "resilience_plan_on", "")):
        r = coord.request("PATCH", path, body)
        res.check(r.status == 400 and (r.json or {}).get("field") == field and
                  words in (r.json or {}).get("error", ""),
                  "%r: 400 naming %s (%r)" % (body, field, r.json))
    # A hidden site is answered as a missing one.
    north_path = "/api/v1/organisations/%d/cer" % ids["Northgate Utilities"]
    hid = coord.request("PATCH", north_path, {"sites": ["VM-004"]})
    none = coord.request("PATCH", north_path, {"sites": ["VM-998"]})
    res.eq((hid.status, (hid.json or {}).get("error", "").replace("VM-004", "X")),
           (none.status, (none.json or {}).get("error", "").replace("VM-998", "X")),
           "a site the coordinator may not read is answered as one that does not exist")
    # The coordinator replaces Northgate's sites: the two it may not read stay linked.
    r = coord.request("PATCH", north_path, {"sites": ["VM-003"]})
    res.eq(((r.json or {}).get("sites"), (r.json or {}).get("sites_withheld")), (["VM-003"], 2),
           "replacing the sites keeps the ones the caller cannot see")
    coord.request("PATCH", north_path, {"sites": ["VM-001", "VM-003"]})

    op = login(res, port, "trust")
    r = op.request("PATCH", path, {"resilience_plan_on": "2026-11-30"})
    res.eq((r.status, (r.json or {}).get("field")), (403, "resilience_plan_on"),
           "the trust's operator may not record the plan")
    adm = login(res, port, "trust-admin")
    r = adm.request("PATCH", path, {"resilience_plan_on": "2026-11-30"})
    res.eq((r.status, (r.json or {}).get("resilience_plan"), (r.json or {}).get("lacks")),
           (200, "current", []), "the trust's admin records its resilience plan")
    r = adm.request("PATCH", path, {"designated_on": "2026-01-13"})
    res.eq((r.status, (r.json or {}).get("field")), (403, "designated_on"),
           "the entity's admin may not change its designation")
    hidden = adm.request("PATCH", "/api/v1/organisations/%d/cer" % ids["Harbourlight Group"],
                         {"resilience_plan_on": "2026-11-30"})
    missing = adm.request("PATCH", "/api/v1/organisations/99999/cer", {"resilience_plan_on": "2026-11-30"})
    undesignated = adm.request("PATCH", "/api/v1/organisations/%d/cer" % ids["Orrinford City Council"],
                               {"resilience_plan_on": "2026-11-30"})
    res.eq([x.status for x in (hidden, missing, undesignated)], [404, 404, 404],
           "another entity's designation, none and an unknown organisation: the same 404")
    r = adm.request("DELETE", path)
    res.eq(r.status, 403, "the entity's admin may not revoke its designation")

    r = coord.request("PATCH", path, {"risk_assessment_on": "", "resilience_plan_on": ""})
    res.eq((r.status, (r.json or {}).get("lacks")), (200, ["risk_assessment", "resilience_plan"]),
           "the dates can be cleared again")
    audit = (coord.get("/api/v1/audit?limit=200").json or {}).get("items", [])
    acts = [(e.get("action"), e.get("user")) for e in audit]
    res.check(("cer.update", "coordinator") in acts and ("cer.update", "trust-admin") in acts,
              "the changes are audited with who made them")
    res.check(any(e.get("action") == "refused" and e.get("user") == "trust" for e in audit),
              "the refused change is audited")


def t_cer_designate(res, port, protect, db):
    coord = login(res, port, "coordinator")
    council = org_ids(coord)["Orrinford City Council"]
    path = "/api/v1/organisations/%d/cer" % council
    r = login(res, port, "analyst").request("PUT", path, {"designated_on": "2026-11-02",
                                                         "notified_on": "2026-11-16"})
    res.eq((r.status, (r.json or {}).get("field")), (403, "designated_on"), "an analyst may not designate")
    r = coord.request("PUT", path, {"designated_on": "2026-11-02"})
    res.eq((r.status, (r.json or {}).get("field")), (400, "notified_on"), "a designation needs its notification day")
    r = coord.request("PATCH", path, {"risk_assessment_on": "2026-11-30"})
    res.eq((r.status, (r.json or {}).get("field")), (400, "designated_on"),
           "recording dates of an organisation not designated says what is missing")
    r = coord.request("PUT", path, {"designated_on": "2026-11-02", "notified_on": "2026-11-16",
                                    "sites": ["VM-024"]})
    b = r.json or {}
    res.eq((r.status, b.get("risk_assessment"), b.get("risk_assessment_due"), b.get("obligations_from"),
            b.get("sites")), (200, "due", "2027-08-16", "2027-09-16", ["VM-024"]),
           "the coordinator designates the council: its first assessment is due 9 months after notification")
    body, by = entities(coord)
    res.eq((body.get("entities"), "Orrinford City Council" in by), (5, True), "it is on the list")
    r = coord.request("DELETE", path)
    res.eq(r.status, 204, "the coordinator revokes it")
    r = coord.request("DELETE", path)
    res.eq(r.status, 404, "revoked: there is nothing to revoke")
    audit = (coord.get("/api/v1/audit?limit=100").json or {}).get("items", [])
    res.check({"cer.designate", "cer.revoke"} <= {e.get("action") for e in audit},
              "designation and revocation are audited")


def suppressed(counts):
    """The rule of docs/access.md: below 3 hidden, and a second cell when only one is."""
    hide = [c < 3 for c in counts]
    if sum(hide) == 1:
        shown = [i for i, h in enumerate(hide) if not h]
        if shown:
            hide[min(shown, key=lambda i: (counts[i], i))] = True
    return hide


def t_withheld(res, port, protect, db):
    coord = login(res, port, "coordinator")
    seen = {s["id"] for s in (coord.get("/api/v1/sites?limit=1000").json or {}).get("items", [])}
    rc, out, err = run_protect(protect, "--db", db, "sites", "list", "--format", "json")
    everything = {s["id"]: s for s in json.loads(out)["sites"]}
    hidden = [s for sid, s in everything.items() if sid not in seen]
    rc, out, err = run_protect(protect, "--db", db, "assess", "--method", "fema", "--format", "json")
    band = {s["site_id"]: s["band"] for s in json.loads(out)["sites"]}
    r = coord.get("/api/v1/withheld")
    body = r.json or {}
    res.eq((r.status, body.get("total"), body.get("fewer_than")), (200, len(hidden), 3),
           "the coordinator is told how many sites it may not read")
    sectors = body.get("by_sector", [])
    want = [sum(1 for s in hidden if s["sector"] == c["id"]) for c in sectors]
    hide = suppressed(want)
    res.eq([c.get("count") for c in sectors], [None if h else w for w, h in zip(want, hide)],
           "by sector: every count below 3 is withheld")
    res.check(all((c.get("fewer_than") == 3) == (c.get("count") is None) for c in sectors),
              "a withheld count says 'fewer than 3'")
    names = ["low", "medium", "high", "very high", "not assessed"]
    want = [sum(1 for s in hidden if band.get(s["id"], "not assessed") == n) for n in names]
    res.eq([c.get("id") for c in body.get("by_band", [])], names, "the bands")
    res.eq([c.get("count") for c in body.get("by_band", [])],
           [None if h else w for w, h in zip(want, suppressed(want))], "by band, small counts withheld")
    r = coord.get("/api/v1/withheld?sector=health")
    res.eq((r.status, (r.json or {}).get("field")), (400, "sector"), "no filter can narrow the counts")
    r = coord.get("/api/v1/withheld?method=carver")
    res.eq((r.status, (r.json or {}).get("field")), (400, "method"), "CARVER has no risk band")
    for user in ("analyst", "admin", "trust", "operator"):
        r = login(res, port, user).get("/api/v1/withheld")
        res.eq(r.status, 403, user + " is not told about the sites it may not read")


TESTS = [("cer-list", t_cer_list), ("cer-record", t_cer_record), ("cer-designate", t_cer_designate),
         ("withheld", t_withheld)]
