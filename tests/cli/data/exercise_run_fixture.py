#!/usr/bin/python3
# exercise_run_fixture.py DB - store an ended run of the reference exercise in a demo registry
# (protect demo), as the live-run use cases would have left it, for the after-action report's
# CLI and HTTP tests (issue 15): the facilitator "facilitator" leads, "evaluator" evaluates,
# "player" plays the police commander; a decision on time, an inject marked done late, a
# contingency cancelled, one skipped, #19 triggered early (its text as delivered), a pause, a
# server pause at a restart, a real-world-emergency suspension, ENDEX at 01:10; a strength, an area for improvement,
# ratings (the evaluator's S, the facilitator's final M); two improvement items, the first
# naming the register risk VM-012 / armed_assault_lone. Hostile text tests the escaping.
# Prints "RUN ITEM1 ITEM2". Times are fixed (2025-12-01), so the outputs are the same bytes.
import hashlib
import json
import os
import sqlite3
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCEN = os.path.join(TOP, "data", "scenarios")
T0 = 1764576000  # 2025-12-01T08:00:00Z
FILLED_19 = ("Control: only the 4 of the first wave ambulances committed. Control's count at 01:00: 4 at the scene, none on their way to it "
             "and none carrying patients. 8 more can come from the neighbouring region in 40 minutes. Brackwater "
             "District has 4 resuscitation bays, Kessling Community 2.")
EMS = 26          # "Public Health, Healthcare, and Emergency Medical Services" (src/core/pt_exercise.c)


def main():
    if len(sys.argv) != 2:
        print("usage: exercise_run_fixture.py DB", file=sys.stderr)
        return 64
    with open(os.path.join(SCEN, "hospital-attack-exercise.json"), "rb") as f:
        scenario = f.read()
    with open(os.path.join(SCEN, "hospital-attack.json"), "rb") as f:
        sim = f.read()
    db = sqlite3.connect(sys.argv[1])
    users = {name: (uid, org) for uid, name, org in db.execute("SELECT id, name, org_id FROM users")}
    fac, fac_org = users["facilitator"]
    ev = users["evaluator"][0]
    pl = users["player"][0]
    cur = db.execute(
        "INSERT INTO exercise_runs (title, scenario_id, scenario_json, sim_json, scenario_sha256, tlp, "
        "seed, owner_org_id, created_by, created_by_name, created_at, clock_state, base_wall_ms, "
        "base_min, speed, now_min, next_sim_min, end_min, ended, updated_at) VALUES "
        "(?, 'hospital-attack-exercise', ?, ?, ?, 'AMBER', 7, ?, ?, 'facilitator', ?, 'ended', ?, 70, 1, "
        "70, -1, 360, 1, ?)",
        ("Orrinford drill <script>alert(1)</script>", scenario, sim, hashlib.sha256(scenario).hexdigest(),
         fac_org, fac, T0, (T0 + 70 * 60) * 1000, T0 + 70 * 60))
    run = cur.lastrowid
    for uid, member, role, lead in ((fac, "facilitator", "", 1), (ev, "evaluator", "", 0),
                                    (pl, "player", "police_commander", 0)):
        db.execute("INSERT INTO exercise_run_members (run_id, user_id, member, role, lead, assigned_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (run, uid, member, role, lead, T0))
    # (seq, status, due, deadline, delivered, done, done_by); the rest stay pending
    for row in ((1, "delivered", 5, 20, 5, 61, -1), (4, "delivered", 25, 40, 25, -1, -1),
                (10, "delivered", 52, 60, 52, 50, 0), (16, "cancelled", 70, -1, 50, -1, -1),
                (17, "skipped", 75, 90, 62, -1, -1), (19, "delivered", 90, 105, 65, -1, -1)):
        db.execute("INSERT INTO exercise_run_injects (run_id, seq, status, due_min, deadline_min, "
                   "delivered_min, done_min, done_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (run,) + row)
    db.execute("INSERT INTO exercise_run_decisions (run_id, n, decision, t_min, value, role, user_id, "
               "user_name, made_at) VALUES (?, 0, 'rtf_entry', 50, 'true', 'police_commander', ?, "
               "'player', ?)", (run, pl, T0 + 50 * 60))
    # the clock: a facilitator's pause, the server's pause at a restart (serve
    # --pause-runs-on-restart), a real-world-emergency suspension with a hostile message, their
    # resumes (wall minutes: the scenario's, later by the stops), ENDEX (texts as the use cases write them)
    for kind, t, wall, text in (
            ("start", 0, 0, ""),
            ("pause", 20, 20, "The exercise clock is paused"),
            ("resume", 20, 22, "The exercise clock runs again"),
            ("pause", 30, 40, "The exercise clock is paused at 00:30: the server stopped and started "
             "again; the facilitator resumes it"),
            ("resume", 30, 43, "The exercise clock runs again"),
            ("suspend", 45, 58, "REAL-WORLD EMERGENCY - EXERCISE SUSPENDED: Real fire at <b>Gate 2</b> "
             "& the car park"),
            ("resume", 45, 70, "The exercise resumes: the suspension for the real-world emergency is over"),
            ("endex", 70, 70, "ENDEX: exercise over")):
        db.execute("INSERT INTO exercise_run_events (run_id, kind, t_min, at_ms, audience, text) "
                   "VALUES (?, ?, ?, ?, 'all', ?)", (run, kind, t, (T0 + wall * 60) * 1000, text))
    # each delivered inject's event holds the text the players read: the file's, or with its
    # placeholders filled (#19, triggered early at 01:05; no ambulances decided, 4 at the scene)
    descr = {i["seq"]: i["description"] for i in json.loads(scenario)["injects"]}
    descr[19] = FILLED_19
    for seq, t in ((1, 5), (4, 25), (10, 52), (19, 65)):
        db.execute("INSERT INTO exercise_run_events (run_id, kind, t_min, at_ms, seq, audience, text) "
                   "VALUES (?, 'inject', ?, ?, ?, 'roles', ?)", (run, t, (T0 + t * 60) * 1000, seq, descr[seq]))
    for kind, cap, target, t, text in (
            ("strength", 24, "t_scene_safe", 40, "Cordon set fast <b>bold</b>"),
            ("improvement", EMS, "t_triage", 61, "Triage tags ran out at the casualty collection point")):
        db.execute("INSERT INTO exercise_run_entries (run_id, kind, user_id, user_name, capability, "
                   "target, t_min, at, text) VALUES (?, ?, ?, 'evaluator', ?, ?, ?, ?, ?)",
                   (run, kind, ev, cap, target, t, T0 + 80 * 60, text))
    db.execute("INSERT INTO exercise_run_ratings (run_id, target, final, rater, user_id, user_name, rating, "
               "note, at) VALUES (?, 't_scene_safe', 0, ?, ?, 'evaluator', 'S', 'declared late', ?)",
               (run, ev, ev, T0 + 80 * 60))
    db.execute("INSERT INTO exercise_run_ratings (run_id, target, final, rater, user_id, user_name, rating, "
               "note, at) VALUES (?, 't_scene_safe', 1, 0, ?, 'facilitator', 'M', '', ?)",
               (run, fac, T0 + 85 * 60))
    items = []
    for cap, issue, action, element, resp, due, site, threat in (
            (EMS, "Triage tags ran out <script>", 'Stock 500 triage tags, "quoted", and more', "equipment",
             "Orrinford General Hospital", "2027-03-31", "VM-012", "armed_assault_lone"),
            (-1, "No family assistance centre", "Plan a family assistance centre", "planning",
             "Vellmark Ministry of Health", "", "", "")):
        cur = db.execute("INSERT INTO exercise_run_improvements (run_id, capability, issue, action, element, "
                         "responsible, due, risk_site, risk_threat, user_id, user_name, at) VALUES "
                         "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'facilitator', ?)",
                         (run, cap, issue, action, element, resp, due, site, threat, fac, T0 + 90 * 60))
        items.append(cur.lastrowid)
    db.commit()
    db.close()
    print(run, *items)
    return 0


if __name__ == "__main__":
    sys.exit(main())
