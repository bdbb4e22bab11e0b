# surveys.py - HTTP tests of assessment visits (issue 16 item 3): the questionnaire, a
# visit of the trust's hospital VM-012 by its operator (answers, proposals at the 70 %
# threshold, ratings with and without reasons), confirmation by a second person, which
# visit counts (the latest confirmed one per threat), the edit and import visits, bad input
# naming the field. The clock is tests/http/run's PROTECT_NOW (2026-12-01).
from plan import login

SITE = "VM-012"


def answers(c, sid, pairs):
    return c.request("PATCH", "/api/v1/surveys/%d/answers" % sid,
                     {"answers": [{"question_id": q, "answer": a} for q, a in pairs]})


def proposal(survey, threat):
    return next((p for p in survey.get("proposals", []) if p["threat_id"] == threat), None)


def t_surveys(res, port, protect, db):
    trust = login(res, port, "trust")
    # the questionnaire of the hospital's kind
    r = trust.get("/api/v1/questionnaires/critical_infrastructure")
    res.eq(r.status, 200, "GET the questionnaire")
    qn = r.json or {}
    res.eq((qn.get("kind"), qn.get("version"), len(qn.get("questions", []))),
           ("critical_infrastructure", 1, 24), "kind, version and questions")
    res.check(all(q["family"] in ("prevent", "physical_protection", "respond_mitigate", "recover",
                                  "personnel_security", "awareness_training") and q["threats"]
                  for q in qn.get("questions", [])), "each question has a CER family and threats")
    res.eq(trust.get("/api/v1/questionnaires/no_such_kind").status, 404, "an unknown kind")

    # starting a visit: bad input names the field; only the site's owner records
    bad = [({"method": "carver"}, "method"), ({}, "method"),
           ({"method": "fema", "visited_on": "2026-13-01"}, "visited_on"),
           ({"method": "fema", "visited_on": "2026-12-02"}, "visited_on"),
           ({"method": "fema", "visited_on": "2025-01-01"}, "visited_on"),
           ({"method": "fema", "colour": "red"}, "colour")]
    for body, field in bad:
        r = trust.request("POST", "/api/v1/sites/%s/surveys" % SITE, body)
        res.check(r.status == 400 and (r.json or {}).get("field") == field,
                  "POST %r: %d %r, expected 400 naming %s" % (body, r.status, r.body[:200], field))
    for user in ("viewer", "harbour", "analyst"):
        r = login(res, port, user).request("POST", "/api/v1/sites/%s/surveys" % SITE, {"method": "fema"})
        res.eq(r.status, 403, "%s starts a visit of the trust's hospital" % user)
    r = trust.request("POST", "/api/v1/sites/%s/surveys" % SITE, {"method": "fema"})
    res.eq(r.status, 201, "the trust's operator starts a visit")
    s = r.json or {}
    sid = s.get("id", 0)
    res.eq((s.get("state"), s.get("assessor"), s.get("method"), s.get("source"), s.get("evidence")),
           ("draft", "trust", "fema", "survey", []), "a draft by its assessor")
    res.eq(s.get("questionnaire"), {"kind": "critical_infrastructure", "version": 1},
           "the questionnaire's version is kept")
    res.check(s.get("visited_at", "").startswith("2026-12-01T"), "dated today: %r" % s.get("visited_at"))
    res.check(s.get("can_record") is True and s.get("can_confirm") is False, "the assessor records, not confirms")

    # drone_uas has three questions (weights 2, 2, 1): two answered are 67 %, no proposal
    r = answers(trust, sid, [("ci-recon", "yes"), ("ci-drone-exposure", "no")])
    res.eq(r.status, 200, "answers")
    p = proposal(r.json or {}, "drone_uas") or {}
    res.eq((p.get("questions"), p.get("answered"), p.get("proposed")), (3, 2, False),
           "two of three answered: no proposal")
    r = answers(trust, sid, [("ci-air-intakes", "partly")])
    p = proposal(r.json or {}, "drone_uas") or {}
    # deficiency (2 x 0 + 2 x 1 + 1 x 0.5) / 5 = 0.5; V = round(1 + 9 x 0.5) = 6
    res.eq((p.get("answered"), p.get("proposed"), p.get("deficiency"), p.get("vulnerability_rating")),
           (3, True, 0.5, 6), "three of three: deficiency 0.5, V 6")
    res.eq(p.get("p_success"), {"min": 0.29, "mode": 0.48, "max": 0.67}, "success 0.08 x 6 and its range")
    # a threat none of whose questions is answered has no deficiency: null, not 0 ("no weakness")
    p = proposal(r.json or {}, "hostage_taking") or {}
    res.eq((p.get("answered"), "deficiency" in p, p.get("deficiency"), p.get("proposed")), (0, True, None, False),
           "nothing answered: deficiency null")
    findings = [(f["id"], f["answer"]) for f in (r.json or {}).get("findings", [])]
    res.eq(findings, [("ci-drone-exposure", "no"), ("ci-air-intakes", "partly")], "findings: no, then partly")
    res.eq((r.json or {}).get("findings", [{}])[0].get("measures"), ["drone_detection", "staff_awareness_training"],
           "a finding names the measures that answer it")
    r = answers(trust, sid, [("ci-power", "yes")])
    res.eq((r.json or {}).get("answered"), 4, "a fourth answer")
    r = answers(trust, sid, [("ci-power", None)])
    res.eq(((r.json or {}).get("answered"), "ci-power" in (r.json or {}).get("answers", {})), (3, False),
           "null clears an answer")
    r = answers(trust, sid, [("ci-no-such", "yes")])
    res.check(r.status == 400 and (r.json or {}).get("field") == "answers.ci-no-such", "unknown question: %r" % r.body[:200])
    r = answers(trust, sid, [("ci-recon", "maybe")])
    res.check(r.status == 400 and "answer" in ((r.json or {}).get("field") or ""), "bad answer: %r" % r.body[:200])
    res.eq(answers(login(res, port, "trust-admin"), sid, [("ci-recon", "no")]).status, 403,
           "another user changes the assessor's answers")

    # ratings: drone_uas has no current FEMA rating at VM-012: its asset value and threat rating are needed
    rate = lambda c, items: c.request("PATCH", "/api/v1/surveys/%d/ratings" % sid, {"items": items})
    r = rate(trust, [{"threat_id": "drone_uas"}])
    res.check(r.status == 400 and (r.json or {}).get("field") == "items[0].asset_value", "no current rating: %r" % r.body[:200])
    res.eq((r.json or {}).get("error"), "items[0].asset_value: no current rating of Drone (UAS) (drone_uas): give asset_value",
           "the message names the threat by its name and id")
    r = rate(trust, [{"threat_id": "arson", "vulnerability_rating": 4}])
    res.check(r.status == 400 and (r.json or {}).get("field") == "items[0].reason",
              "a rating without a proposal needs a reason: %r" % r.body[:200])
    r = rate(trust, [{"threat_id": "arson", "vulnerability_rating": 4, "reason": "x" * 1001}])
    res.check(r.status == 400 and (r.json or {}).get("field") == "items[0].reason", "a reason too long: %r" % r.body[:200])
    r = rate(trust, [{"threat_id": "drone_uas", "asset_value": 8, "threat_rating": 2},
                     {"threat_id": "arson", "vulnerability_rating": 4, "reason": "new sprinklers in the stores"}])
    res.eq(r.status, 200, "rate: the proposal confirmed, arson rated with a reason")
    ratings = {x["threat_id"]: x for x in (r.json or {}).get("ratings", [])}
    res.eq((ratings.get("drone_uas", {}).get("vulnerability_rating"), ratings.get("arson", {}).get("reason")),
           (6, "new sprinklers in the stores"), "the visit's ratings")
    res.eq((r.json or {}).get("can_confirm"), False, "its assessor may not confirm it")

    # confirmation: a second person
    r = trust.request("POST", "/api/v1/surveys/%d/confirm" % sid)
    res.check(r.status == 403 and "second person" in ((r.json or {}).get("error") or ""),
              "the assessor confirms its own visit: %r" % r.body[:200])
    res.eq(login(res, port, "viewer").request("POST", "/api/v1/surveys/%d/confirm" % sid).status, 403,
           "a viewer confirms")
    admin = login(res, port, "trust-admin")
    res.eq(admin.get("/api/v1/surveys/%d" % sid).json.get("can_confirm"), True, "the trust's admin may confirm")
    r = admin.request("POST", "/api/v1/surveys/%d/confirm" % sid)
    res.eq(r.status, 200, "the trust's admin confirms")
    res.eq(((r.json or {}).get("state"), (r.json or {}).get("confirmed_by")), ("confirmed", "trust-admin"), "confirmed")
    res.eq(admin.request("POST", "/api/v1/surveys/%d/confirm" % sid).status, 409, "confirmed twice")
    res.eq(answers(trust, sid, [("ci-recon", "no")]).status, 409, "answers after confirmation")
    cur = {x["threat_id"]: x for x in (trust.get("/api/v1/sites/%s/assessments/fema" % SITE).json or {}).get("items", [])}
    res.eq((cur.get("drone_uas", {}).get("vulnerability_rating"), cur.get("arson", {}).get("vulnerability_rating"),
            cur.get("arson", {}).get("asset_value")), (6, 4, 8), "the confirmed ratings count")

    # an older visit confirmed later does not replace a newer one's rating
    r = trust.request("POST", "/api/v1/sites/%s/surveys" % SITE, {"method": "fema", "visited_on": "2026-11-02"})
    old = (r.json or {}).get("id", 0)
    res.eq((r.json or {}).get("visited_at"), "2026-11-02T23:59:59Z", "a visit recorded late")
    trust.request("PATCH", "/api/v1/surveys/%d/ratings" % old,
                  {"items": [{"threat_id": "arson", "vulnerability_rating": 9, "reason": "before the sprinklers"},
                             {"threat_id": "chemical_release", "asset_value": 8, "threat_rating": 2,
                              "vulnerability_rating": 3, "reason": "gas store outside"},
                             {"threat_id": "hostage_taking", "vulnerability_rating": 3, "reason": "drill held"}]})
    r = admin.request("POST", "/api/v1/surveys/%d/confirm" % old)
    res.eq(r.status, 200, "the older visit confirmed")
    cur = {x["threat_id"]: x for x in (trust.get("/api/v1/sites/%s/assessments/fema" % SITE).json or {}).get("items", [])}
    res.eq((cur.get("arson", {}).get("vulnerability_rating"), cur.get("chemical_release", {}).get("vulnerability_rating"),
            cur.get("hostage_taking", {}).get("vulnerability_rating")),
           (4, 3, 6), "arson keeps the newer visit's rating; chemical release, rated by no other, takes the older "
           "visit's; hostage taking keeps the demo import's (2026-12-01)")

    # the existing edit still works, and is a confirmed visit by the editor
    r = trust.request("PATCH", "/api/v1/sites/%s/assessments/fema" % SITE,
                      {"items": [{"threat_id": "arson", "asset_value": 8, "threat_rating": 3, "vulnerability_rating": 5}]})
    res.eq(r.status, 200, "PATCH assessments")
    lst = trust.get("/api/v1/sites/%s/surveys" % SITE).json or {}
    heads = [(x["source"], x["state"], x["assessor"]) for x in lst.get("items", [])]
    res.eq(heads[:2], [("edit", "confirmed", "trust"), ("survey", "confirmed", "trust")],
           "the list, newest first: the edit, then the visit")
    res.check(("import", "confirmed", "system administrator") in heads, "the demo's import is a visit: %r" % heads)
    res.eq(lst.get("tlp"), "TLP:GREEN", "the list is marked with the site's label")

    # a quantitative visit: the success range follows the demo's rule from the proposed V
    r = trust.request("POST", "/api/v1/sites/%s/surveys" % SITE, {"method": "quant"})
    qid = (r.json or {}).get("id", 0)
    # cyber-physical sabotage: 5 of its 6 questions; (3 x 0 + 3 x 0.5 + 2 x 1 + 3 x 0 + 2 x 0) / 13
    # = 0.269; V = round(3.42) = 3; success mode 0.24, min 0.14, max 0.34
    r = answers(trust, qid, [("ci-restricted", "yes"), ("ci-control-systems", "partly"), ("ci-fail-safe", "no"),
                             ("ci-vetting", "yes"), ("ci-power", "yes")])
    p = proposal(r.json or {}, "cyber_physical") or {}
    res.eq((p.get("answered"), p.get("vulnerability_rating"), p.get("p_success")),
           (5, 3, {"min": 0.14, "mode": 0.24, "max": 0.34}), "the quantitative proposal")
    r = trust.request("PATCH", "/api/v1/surveys/%d/ratings" % qid, {"items": [{"threat_id": "cyber_physical"}]})
    res.eq(r.status, 200, "the proposal taken as it is")
    res.eq(admin.request("POST", "/api/v1/surveys/%d/confirm" % qid).status, 200, "confirmed")
    cur = {x["threat_id"]: x for x in (trust.get("/api/v1/sites/%s/assessments/quant" % SITE).json or {}).get("items", [])}
    row = cur.get("cyber_physical", {})
    res.eq((row.get("p_success"), row.get("p_attempt")),
           ({"min": 0.14, "mode": 0.24, "max": 0.34}, {"min": 0.00017, "mode": 0.0005, "max": 0.0015}),
           "the success range counts; the attempt probability is the one rated before")

    # who may read: a site the caller may not read is 404 alike
    pio = login(res, port, "harbour")
    res.eq(pio.get("/api/v1/sites/VM-015/surveys").status, 404, "another organisation's AMBER site")
    res.eq(pio.get("/api/v1/surveys/999999").status, 404, "an unknown visit")
    res.eq(pio.get("/api/v1/surveys/abc").status, 404, "a visit id that is no number")
    res.eq(pio.get("/api/v1/surveys/%d" % sid).status, 200, "a GREEN site's visit is read by all")


def t_survey_drafts(res, port, protect, db):
    """Attack review: a site has at most 20 draft visits at once (a burst cannot push its
    confirmed visits out of the list)."""
    trust = login(res, port, "trust")
    items = (trust.get("/api/v1/sites/VM-013/surveys").json or {}).get("items", [])
    drafts = sum(1 for v in items if v.get("state") == "draft")
    for _ in range(max(0, 20 - drafts)):
        r = trust.request("POST", "/api/v1/sites/VM-013/surveys", {"method": "fema"})
        res.eq(r.status, 201, "a draft within the limit")
    r = trust.request("POST", "/api/v1/sites/VM-013/surveys", {"method": "fema"})
    res.check(r.status == 409 and "20 draft visits" in ((r.json or {}).get("error") or ""),
              "the 21st draft is refused, saying why: %r" % r.json)
    items = (trust.get("/api/v1/sites/VM-013/surveys").json or {}).get("items", [])
    res.check(any(v.get("state") == "confirmed" for v in items), "the confirmed visits are still listed")


TESTS = [("surveys", t_surveys), ("survey-drafts", t_survey_drafts)]
