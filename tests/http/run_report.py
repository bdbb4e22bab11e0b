# run_report.py - HTTP tests of issue 15's after-action report (group runs-report, a server and
# demo registry of its own): GET /api/v1/runs/ID/report?format=html|csv for the run's
# facilitator, evaluator and an observing coordinator, refused to its player and to outsiders;
# the HTML self-contained with its CSP, the CSV the improvement plan; the improvement items
# turned into a measure at a site and a note on a register risk (POST .../measure, .../register),
# each side naming the other. The run is stored by tests/cli/data/exercise_run_fixture.py.
import os
import subprocess
import sys

from httplib import Client, Server, run_protect

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(TOP, "tests", "cli", "data", "exercise_run_fixture.py")


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r))
    return c


def t_report(res, port, run, item1, item2):
    base = "/api/v1/runs/%d/report" % run
    fac = login(res, port, "facilitator")
    r = fac.get(base + "?format=html")
    res.eq(r.status, 200, "facilitator: the HTML report")
    res.eq(r.header("content-type"), "text/html; charset=utf-8", "HTML content type")
    res.check("default-src 'none'" in (r.header("content-security-policy") or ""), "the HTML has a strict CSP")
    body = r.body
    for want in ("<h2>Overview</h2>", "<h2>Timeline</h2>", "<h2>Ratings per capability target</h2>",
                 "<h2>Simulated outcome: the run's decisions against the baseline</h2>",
                 "<h2>Improvement plan</h2>", "1000 replications each with the run&#39;s seed 7",
                 "Orrinford drill &lt;script&gt;alert(1)&lt;/script&gt;", "late by 41 min"):
        res.check(want in body, "the HTML report holds %r" % want)
    res.check("<script>" not in body, "no script in the report")
    res.eq(body.count(">TLP:AMBER</span>"), 2, "the marking at top and bottom")
    # the same page from the CLI: the same bytes
    r2 = login(res, port, "evaluator").get(base)  # html by default
    res.eq(r2.status, 200, "evaluator: the report (html by default)")
    res.check(r2.body == body, "the evaluator's page is the facilitator's (same seed, same figures)")

    ev = login(res, port, "evaluator")
    r = ev.get(base + "?format=csv")
    res.eq(r.status, 200, "evaluator: the CSV")
    res.eq(r.header("content-type"), "text/csv; charset=utf-8", "CSV content type")
    lines = r.body.split("\r\n")
    res.eq(lines[0], "# TLP:AMBER", "the CSV's marking line")
    res.eq(lines[1], "run_id,item,capability,objective,target,area_for_improvement,issue,analysis,"
           "corrective_action,capability_element,responsible_organisation,point_of_contact,start,due,status,"
           "measure_site,measure_id,register_site,register_threat",
           "the CSV's columns")
    res.check(lines[2].startswith("%d,%d," % (run, item1)) and lines[3].startswith("%d,%d," % (run, item2)),
              "one row per item: %r" % lines[2:4])
    res.eq(login(res, port, "coordinator").get(base + "?format=csv").status, 200, "an observing coordinator")
    res.eq(login(res, port, "player").get(base + "?format=csv").status, 403, "the player: 403")
    res.eq(login(res, port, "viewer").get(base + "?format=csv").status, 404, "an outsider: 404")
    res.eq(Client(port).get(base + "?format=csv").status, 401, "no session: 401")
    res.eq(ev.get(base + "?format=pdf").status, 400, "format=pdf: 400")
    res.eq(ev.get("/api/v1/runs/999/report?format=csv").status, 404, "no such run: 404")
    res.eq(ev.get("/api/v1/runs/x/report?format=csv").status, 404, "a bad run id: 404")


def t_links(res, port, run, item1, item2):
    path = "/api/v1/runs/%d/improvements/%%d/%%s" % run
    fac = login(res, port, "facilitator")
    co = login(res, port, "coordinator")
    ev = login(res, port, "evaluator")
    body = {"site_id": "VM-012", "measure_id": "cctv"}
    r = ev.request("POST", path % (item1, "measure"), body=body)
    res.eq(r.status, 403, "an evaluator may not link: %r" % r)
    r = fac.request("POST", path % (item1, "measure"), body=body)
    res.eq(r.status, 403, "the facilitator may not change the hospital's site: %r" % r)
    res.check((r.json or {}).get("field") == "site" or "VM-012" in r.body, "the refusal names the site: %r" % r)
    r = co.request("POST", path % (item1, "measure"), body={"site_id": "VM-012"})
    res.eq(r.status, 400, "measure_id is required")
    r = co.request("POST", path % (item1, "measure"), body={"site_id": "VM-012", "measure_id": "teleporter"})
    res.eq(r.status, 400, "an unknown measure: 400: %r" % r)
    r = co.request("POST", path % (999, "measure"), body=body)
    res.eq(r.status, 404, "no such item: 404")
    r = co.request("POST", path % (item1, "measure"), body=body)
    res.eq(r.status, 201, "the coordinator links item 1 to cctv at VM-012: %r" % r)
    res.eq((r.json or {}).get("measure_id"), "cctv", "the reply names the measure")
    r = co.request("POST", path % (item1, "measure"), body={"site_id": "VM-012", "measure_id": "access_control"})
    res.eq(r.status, 400, "a second measure link: 400")
    r = co.request("POST", path % (item2, "register"), body={})
    res.eq(r.status, 400, "item 2 names no register risk: 400")
    r = co.request("POST", path % (item1, "register"), body={"site_id": "VM-012"})
    res.eq(r.status, 400, "site_id without threat_id: 400")
    r = co.request("POST", path % (item1, "register"), body={})
    res.eq(r.status, 201, "item 1 noted on its own register risk: %r" % r)
    # the measure's side
    r = co.get("/api/v1/sites/VM-012/measures")
    res.eq(r.status, 200, "the site's measures")
    items = {m.get("measure_id"): m for m in (r.json or {}).get("items", [])}
    res.eq(items.get("cctv", {}).get("from_exercise"), {"run": run, "item": item1},
           "the site's measure names the run and the item")
    res.check(all("from_exercise" not in m for k, m in items.items() if k != "cctv"), "only cctv is linked")
    # the register's side
    r = co.get("/api/v1/register?site=VM-012")
    res.eq(r.status, 200, "the register")
    notes = [e.get("note", "") for e in (r.json or {}).get("items", []) if e.get("threat_id") == "armed_assault_lone"]
    res.check(notes and notes[0].startswith("From exercise run %d, item %d: Stock 500 triage tags" % (run, item1)),
              "the register note names the run and the item: %r" % notes)
    # the facilitators' status of an item
    r = ev.request("POST", path % (item2, "status"), body={"status": "done"})
    res.eq(r.status, 403, "an evaluator may not set a status")
    r = fac.request("POST", path % (item2, "status"), body={"status": "finished"})
    res.eq(r.status, 400, "an unknown status: 400")
    r = fac.request("POST", path % (item2, "status"), body={"status": "done"})
    res.eq(r.status, 200, "the facilitator sets item 2 done: %r" % r)
    res.eq((r.json or {}).get("status"), "done", "the reply names the status")
    # the item's side
    r = co.get("/api/v1/runs/%d/report?format=csv" % run)
    res.check(",in place,VM-012,cctv,VM-012,armed_assault_lone\r\n" in r.body,
              "the plan names the measure and the note: %r" % r.body[-300:])
    res.check(",planning,Vellmark Ministry of Health,,,,done,,,,\r\n" in r.body, "item 2 is done: %r" % r.body[-300:])


def t_live(res, port):
    """A run made and played through the API, then both report formats (review findings 6, 7)."""
    fac = login(res, port, "facilitator")
    r = fac.request("POST", "/api/v1/runs", {"builtin": "hospital-attack-exercise", "title": "API drill"})
    res.eq(r.status, 201, "a run through the API: %r" % r)
    rid = (r.json or {}).get("id")
    path = "/api/v1/runs/%s" % rid
    for body in ({"user": "evaluator", "member": "evaluator"},
                 {"user": "player", "member": "player", "role": "ems_commander"},
                 {"user": "player", "member": "player", "role": "pio"}):
        r = fac.request("POST", path + "/participants", body)
        res.eq(r.status, 201, "assign %r: %r" % (body, r))
    pl = login(res, port, "player")
    ev = login(res, port, "evaluator")
    res.eq(fac.request("POST", path + "/start").status, 200, "start")
    r = pl.request("POST", path + "/log", {"activity": "Declared major incident, METHANE sent", "role": "ems_commander"})
    res.eq(r.status, 201, "the player's ICS 214 entry: %r" % r)
    r = ev.request("POST", path + "/observations", {"text": "No METHANE readback", "kind": "improvement",
                                                    "target": "t_triage"})
    res.eq(r.status, 201, "an area for improvement: %r" % r)
    afi = (r.json or {}).get("id")
    r = pl.request("POST", path + "/alerts", {"template": "armed-attack", "site_id": "VM-012"})
    res.eq(r.status, 201, "the PIO's exercise alert: %r" % r)
    ident = (r.json or {}).get("identifier", "?")
    res.eq(fac.request("POST", path + "/pause").status, 200, "pause")
    res.eq(fac.request("POST", path + "/shift", {"minutes": 10}).status, 200, "shift +10")
    res.eq(fac.request("POST", path + "/resume").status, 200, "resume")
    # review 15b, 4: a real-world-emergency suspension and its end, in the clock history
    r = fac.request("POST", path + "/suspend", {"message": "Real fire at <b>Gate 2</b>"})
    res.eq(r.status, 200, "suspend: %r" % r)
    res.eq(fac.request("POST", path + "/resume").status, 200, "resume after the suspension")
    item = {"issue": "No METHANE readback", "action": "Train the readback", "element": "training",
            "responsible": "Vellmark EMS", "afi": afi, "analysis": "Not in the checklist", "poc": "Duty officer",
            "start": "2027-01-01", "due": "2026-02-30"}
    r = fac.request("POST", path + "/improvements", item)
    res.eq((r.status, (r.json or {}).get("field")), (400, "due"), "2026-02-30 is no date: %r" % r)
    item["due"] = "1969-12-31"  # review 15b, 9: the range said
    r = fac.request("POST", path + "/improvements", item)
    res.eq((r.status, (r.json or {}).get("field"), (r.json or {}).get("error")),
           (400, "due", "due: '1969-12-31' is not a day from 1970-01-01 to 9999-12-31 as YYYY-MM-DD"),
           "1969-12-31 is out of range: %r" % r)
    item["due"] = "2027-06-30"
    r = fac.request("POST", path + "/improvements", item)
    res.eq(r.status, 201, "the improvement item: %r" % r)
    res.eq(fac.request("POST", path + "/endex", {"message": "drill over"}).status, 200, "ENDEX")
    r = ev.get(path + "/report?format=csv")
    res.eq(r.status, 200, "the CSV of the API's run")
    rows = r.body.split("\r\n")
    res.check(len(rows) > 2 and (",obj_ems,t_triage,%s,No METHANE readback,Not in the checklist,Train the readback,"
                                 "training,Vellmark EMS,Duty officer,2027-01-01,2027-06-30,open," % afi) in rows[2],
              "the item's HSEEP columns: %r" % rows[2:3])
    r = fac.get(path + "/report?format=html")
    res.eq(r.status, 200, "the HTML of the API's run")
    for want in ("<h2>Executive summary</h2>", "<h2>Clock history</h2>", "<td>paused</td>",
                 "<td>pending injects shifted by +10 min (later)</td>", "ENDEX: drill over",
                 "<h2>Annex: players' outputs</h2>", "<h3>EMS commander</h3>",
                 "<td>Declared major incident, METHANE sent</td>", "<td>Duty officer</td>",
                 "<h3>Exercise alerts issued</h3>",
                 "<td>REAL-WORLD EMERGENCY - EXERCISE SUSPENDED: Real fire at &lt;b&gt;Gate 2&lt;/b&gt;</td>",
                 "<td>resumed after the real-world emergency</td>",
                 # the shift came before the attack: it moved it (review 2, item 9)
                 "<tr><th scope=\"row\">H-hour</th><td>08:00 (the clock time of scenario time 00:00)</td></tr>",
                 "<tr><th scope=\"row\">Attack (simulation minute 0)</th><td>scenario time 00:55 (08:55) in this "
                 "run: the clock shifts moved it by +10 min from the scenario&#39;s 00:45 (08:45)</td></tr>"):
        res.check(want in r.body, "the HTML holds %r" % want)
    res.check("<b>Gate" not in r.body, "the suspension's message is escaped")
    res.check(("<td>EXERCISE alert %s issued: " % ident) in r.body and "<td>VM-012</td><td>player</td><td>issued</td>" in r.body,
              "the annex names the alert, its site, its composer and its state")


def run(res, protect, work):
    d = os.path.join(work, "runs-report")
    os.makedirs(d, exist_ok=True)
    db = os.path.join(d, "demo.db")
    rc, out, err = run_protect(protect, "--db", db, "demo")
    if not res.check(rc == 0, "protect demo: %s" % err):
        return
    p = subprocess.run([sys.executable, FIXTURE, db], capture_output=True, text=True)
    if not res.check(p.returncode == 0, "the run fixture: %s" % p.stderr):
        return
    run_id, item1, item2 = (int(x) for x in p.stdout.split())
    srv = Server(protect, db, ["--threads", "2"]).start()
    try:
        t_report(res, srv.port, run_id, item1, item2)
        t_links(res, srv.port, run_id, item1, item2)
        t_live(res, srv.port)
    finally:
        status, out, err = srv.stop()
        res.eq(status, 0, "runs-report server exit status")
