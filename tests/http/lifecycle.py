# lifecycle.py - HTTP tests of measures through their life (issue 16, item 4): the hospital
# trust commits a measure it funds itself at VM-012, installs it (dated), a government analyst
# verifies it by inspection (method, dates, note; each field's 400), every step kept with its
# date and who in GET /api/v1/sites/{id}/measures; a server with a later PROTECT_NOW shows it
# "verification due" and the analyst verifies it again; a register decision links any measure
# that reduces its risk (committing it) and refuses one that does not. A registry and servers of
# its own (the clock moves).
import os

from httplib import Client, Server, run_protect

SITE = "VM-012"            # Orrinford General Hospital, the trust's (GREEN)
MEASURE = "security_guards"


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r))
    return c


def row_of(c, measure=MEASURE, site=SITE):
    items = (c.get("/api/v1/sites/%s/measures" % site).json or {}).get("items", [])
    rows = [m for m in items if m["measure_id"] == measure]
    return rows[0] if rows else None


def post(c, what, body=None, measure=MEASURE, site=SITE):
    return c.request("POST", "/api/v1/sites/%s/measures/%s/%s" % (site, measure, what), body)


def field_400(res, r, field, text, what):
    res.eq(r.status, 400, what)
    j = r.json or {}
    res.eq(j.get("field"), field, what + ": the field named: %r" % j)
    res.check(text in (j.get("error") or ""), what + ": %r says %r" % (j.get("error"), text))


def t_steps(res, port):
    trust, analyst, co = login(res, port, "trust"), login(res, port, "analyst"), login(res, port, "coordinator")
    res.eq((trust.get("/api/v1/sites/%s/measures" % SITE).json or {}).get("can_commit"), True,
           "the trust may commit a measure at its hospital")
    res.eq((analyst.get("/api/v1/sites/%s/measures" % SITE).json or {}).get("can_commit"), False,
           "a government analyst may not commit the trust's money")
    res.eq(post(analyst, "commit").status, 403, "the analyst commits")
    # committed outside a plan: accepted, no plan
    r = post(trust, "commit", {"note": "funded by the trust itself"})
    res.eq(r.status, 200, "the trust commits %s: %s" % (MEASURE, r.body[:200]))
    res.eq(((r.json or {}).get("status"), (r.json or {}).get("plan")), ("accepted", ""), "committed, no plan")
    res.eq(post(trust, "commit").status, 409, "committed twice")
    res.eq(post(trust, "commit", measure="no_such_measure").status, 404, "an unknown measure")
    row = row_of(trust) or {}
    res.eq(row.get("steps"), ["install"], "the trust's next step is install")
    # install, dated before the step is recorded
    field_400(res, post(trust, "install", {"on_date": "2027-01-10"}), "on_date", "after today",
              "installed in the future")
    field_400(res, post(trust, "install", {"on_date": "2026-11-20", "method": "test"}), "method", "",
              "install takes no method")
    r = post(trust, "install", {"on_date": "2026-11-20", "note": "two guards at the main entrance"})
    res.eq(r.status, 200, "the trust installs: %s" % r.body[:200])
    res.eq((r.json or {}).get("status"), "installed", "installed")
    # verify: its body checked field by field
    field_400(res, analyst.request("POST", "/api/v1/sites/%s/measures/%s/verify" % (SITE, MEASURE)),
              "method", "needs a method", "verify without a body")
    field_400(res, post(analyst, "verify", {"method": "audit", "reverify_by": "2028-12-01"}), "method", "",
              "an unknown method")
    field_400(res, post(analyst, "verify", {"method": "inspection"}), "reverify_by",
              "needs a re-verification date", "no re-verification date")
    field_400(res, post(analyst, "verify", {"method": "inspection", "reverify_by": "2032-12-01"}),
              "reverify_by", "more than 5 years", "re-verification beyond five years")
    field_400(res, post(analyst, "verify", {"method": "inspection", "reverify_by": "2026-11-30"}),
              "reverify_by", "not after the verification", "re-verification before the verification")
    field_400(res, post(analyst, "verify", {"method": "inspection", "reverify_by": "2028-12-01",
                                            "on_date": "2026-11-10"}),
              "on_date", "before the measure was installed (2026-11-20)", "verified before it was installed")
    field_400(res, post(analyst, "verify", {"method": "inspection", "reverify_by": "2028-02-30"}),
              "reverify_by", "not a date", "a day that does not exist")
    field_400(res, post(analyst, "verify", {"method": "inspection", "reverify_by": "2028-12-01",
                                            "by": "x"}), "by", "", "an unknown field")
    r = post(trust, "verify", {"method": "inspection", "reverify_by": "2027-11-30"})
    res.eq(r.status, 403, "the installer (the trust) verifies")
    r = post(analyst, "verify", {"method": "inspection", "reverify_by": "2027-11-30",
                                 "note": "both posts staffed, logbook kept"})
    res.eq(r.status, 200, "the analyst verifies by inspection: %s" % r.body[:200])
    res.eq(((r.json or {}).get("status"), (r.json or {}).get("changed_by")), ("verified", "analyst"),
           "verified by the analyst")
    # the history: each step with its date and who, not only the last
    row = row_of(co) or {}
    hist = row.get("history") or []
    res.eq([(h["step"], h["status"], h["by"]) for h in hist],
           [("commit", "accepted", "trust"), ("install", "installed", "trust"), ("verify", "verified", "analyst")],
           "every step kept: %r" % hist)
    res.check(all(len(h.get("at") or "") == 20 and h["at"].endswith("Z") for h in hist), "each step dated: %r" % hist)
    res.eq([h.get("note") for h in hist],
           ["funded by the trust itself", "two guards at the main entrance", "both posts staffed, logbook kept"],
           "each step's note")
    res.eq(row.get("installed_on"), "2026-11-20", "installed on the day given")
    v = row.get("verification") or {}
    res.eq((v.get("method"), v.get("verified_on"), v.get("reverify_by"), v.get("by")),
           ("inspection", "2026-12-01", "2027-11-30", "analyst"), "the verification: %r" % v)
    res.eq(row.get("verification_due"), False, "not due yet")
    res.eq((row_of(analyst) or {}).get("steps"), ["verify"], "the verifier may verify it again (any time)")
    res.eq((row_of(trust) or {}).get("steps"), [], "the trust, its installer, may not verify")
    res.eq((row_of(co) or {}).get("steps"), ["verify"], "a coordinator may verify it again")
    audit = co.get("/api/v1/audit?limit=50").json or {"items": []}
    acts = {e["action"] for e in audit["items"]}
    res.check({"site.measure.commit", "site.measure.install", "site.measure.verify"} <= acts,
              "each step audited: %r" % sorted(acts))


def t_plan_history(res, port):
    """A plan's measure: its proposal and each step kept with who took it and when."""
    co, ad = login(res, port, "coordinator"), login(res, port, "admin")
    r = co.request("POST", "/api/v1/plans", {"name": "lc-plan", "budget_eur": 300000, "solver": "fast"})
    if not res.eq(r.status, 201, "save a plan: %s" % r.body[:200]):
        return
    saved = co.get("/api/v1/plans/lc-plan").json or {}
    pairs = [(x["site_id"], m["measure_id"]) for x in saved.get("sites", []) for m in x["measures"]]
    if not res.check(pairs, "the plan proposes a measure"):
        return
    site, measure = pairs[0]
    res.eq(post(ad, "approve", {"note": "within the programme"}, measure=measure, site=site).status, 200,
           "another government admin approves")
    row = row_of(co, measure, site) or {}
    res.eq([(h["step"], h["status"], h["by"], h["plan"], h["note"]) for h in row.get("history") or []],
           [("propose", "proposed", "coordinator", "lc-plan", ""),
            ("approve", "approved", "admin", "lc-plan", "within the programme")],
           "the proposal and the approval kept: %r" % row.get("history"))


def t_register_link(res, port):
    trust, co = login(res, port, "trust"), login(res, port, "coordinator")
    # any measure that reduces the risk: staff training for arson at the hospital (not there yet)
    res.eq(row_of(trust, "staff_awareness_training"), None, "staff training is not at VM-012")
    r = trust.request("POST", "/api/v1/register/%s/arson" % SITE,
                      {"treatment": "reduce", "measures": ["staff_awareness_training"]})
    res.eq(r.status, 200, "reduce arson with staff training: %s" % r.body[:300])
    res.eq((r.json or {}).get("measures"), ["staff_awareness_training"], "linked")
    row = row_of(trust, "staff_awareness_training") or {}
    res.eq((row.get("status"), row.get("plan")), ("accepted", ""), "linking committed it at the site")
    res.eq([(h["step"], h["by"]) for h in row.get("history") or []], [("commit", "trust")],
           "the commitment is in its history")
    # a measure that does not reduce the risk it is linked to: refused, clearly
    r = trust.request("POST", "/api/v1/register/%s/cyber_physical" % SITE,
                      {"treatment": "reduce", "measures": ["cctv"]})
    res.eq(r.status, 400, "CCTV for cyber-physical sabotage")
    j = r.json or {}
    res.eq(j.get("field"), "measures", "400 names measures")
    res.check("does not reduce the risk of Cyber-physical sabotage (cyber_physical)" in (j.get("error") or ""), "says why: %r" % j)
    # a coordinator may treat the risk but not commit the trust's money (insider vetting: not at
    # VM-012; the demo installed access control there, data/demo/README.md "History")
    r = co.request("POST", "/api/v1/register/%s/arson" % SITE,
                   {"measures": ["staff_awareness_training", "insider_vetting"]})
    res.eq(r.status, 403, "a coordinator linking a measure not at the site")
    res.check("only the site's owner commits" in ((r.json or {}).get("error") or ""), "says why: %r" % r.json)
    res.eq(row_of(trust, "insider_vetting"), None, "nothing committed by the refused link")


def t_due(res, protect, db):
    """A later clock: the verification is due; the coordinator verifies it again by a test."""
    env = dict(os.environ, PROTECT_NOW="2027-12-15T00:00Z")
    srv = Server(protect, db, ["--threads", "2"], env=env).start()
    try:
        co, trust = login(res, srv.port, "coordinator"), login(res, srv.port, "trust")
        row = row_of(co) or {}
        res.eq(row.get("verification_due"), True, "past 2027-11-30: verification due")
        res.eq(row.get("steps"), ["verify"], "the coordinator may verify it again")
        res.eq((row_of(trust) or {}).get("steps"), [], "the trust may not")
        r = post(co, "verify", {"method": "test", "reverify_by": "2029-12-15", "note": "alarm test"})
        res.eq(r.status, 200, "verified again: %s" % r.body[:200])
        row = row_of(co) or {}
        res.eq(row.get("verification_due"), False, "no longer due")
        res.eq([h["step"] for h in row.get("history") or []], ["commit", "install", "verify", "verify"],
               "both verifications kept")
        res.eq(((row.get("verification") or {}).get("method"), (row.get("verification") or {}).get("by")),
               ("test", "coordinator"), "the last verification counts")
    finally:
        status, out, err = srv.stop()
        res.eq(status, 0, "the later server's exit")
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])


def run(res, protect, work):
    db = os.path.join(work, "lifecycle.db")
    rc, out, err = run_protect(protect, "--db", db, "demo")
    if not res.check(rc == 0, "protect demo for lifecycle: %s" % err):
        return
    srv = Server(protect, db, ["--threads", "2"]).start()
    try:
        t_steps(res, srv.port)
        t_register_link(res, srv.port)
        t_plan_history(res, srv.port)  # after: its plan would propose measures at VM-012 too
    finally:
        status, out, err = srv.stop()
        res.check(status == 0, "lifecycle server exit status %r; its last words: %s" % (status, err[-1500:]))
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])
    t_due(res, protect, db)
