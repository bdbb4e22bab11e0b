/* test_exercise_store.c - unit tests of src/store/pt_exercise_store.c (issue 15,
 * migration 024) on ":memory:": runs and their engine state, members, inject
 * states, decisions, events (ids, audiences, the one answer per rerun),
 * entries, ratings that replace, the improvement plan, and what the
 * triggers refuse (scenario copies final, ENDEX final, append-only rows). */
#include <sqlite3.h>

#include "app_fixture.h"
#include "store/pt_exercise_store.h"
#include "store/pt_store_int.h"

static struct pt_db_run sample_run(void)
{
	static char scenario[] = "{\"id\": \"x\"}";
	static char sim[] = "{\"name\": \"sim\"}";
	struct pt_db_run r;
	memset(&r, 0, sizeof r);
	pt_strlcpy(r.title, "Hospital attack, 5 Dec", sizeof r.title);
	pt_strlcpy(r.scenario_id, "hospital-attack-exercise", sizeof r.scenario_id);
	memset(r.scenario_sha256, 'a', 64);
	pt_strlcpy(r.tlp, "AMBER", sizeof r.tlp);
	r.seed = 42;
	r.owner_org_id = 1;
	r.created_by = 1;
	pt_strlcpy(r.created_by_name, "fac", sizeof r.created_by_name);
	r.created_at = T0;
	pt_strlcpy(r.clock_state, "ready", sizeof r.clock_state);
	r.speed = 1;
	r.next_sim_min = 45;
	r.updated_at = T0;
	r.scenario_json = scenario;
	r.scenario_len = strlen(scenario);
	r.sim_json = sim;
	r.sim_len = strlen(sim);
	return r;
}

/* Run sql directly (what a trigger must refuse); the SQLite result code. */
static int raw(struct pt_db *db, const char *sql)
{
	return sqlite3_exec(pt_db_sqlite(db), sql, NULL, NULL, NULL);
}

static void test_runs(void)
{
	struct pt_db *db = fx_open();
	struct pt_db_run r = sample_run(), got, *list = NULL;
	struct pt_diag d;
	long long id = 0, id2 = 0, *ids = NULL;
	size_t n = 0;
	memset(&d, 0, sizeof d);
	if (!db)
		return;
	CHECK_INT(pt_db_run_insert(db, &r, &id, &d), PT_OK);
	CHECK(id > 0);
	r.sim_json = NULL;
	r.sim_len = 0;
	pt_strlcpy(r.title, "Second", sizeof r.title);
	CHECK_INT(pt_db_run_insert(db, &r, &id2, &d), PT_OK);
	CHECK(id2 > id);

	/* read back, with and without the files */
	CHECK_INT(pt_db_run_get(db, id, 1, &got, &d), PT_OK);
	CHECK_STR(got.title, "Hospital attack, 5 Dec");
	CHECK_STR(got.tlp, "AMBER");
	CHECK_STR(got.clock_state, "ready");
	CHECK(got.seed == 42);
	CHECK(got.scenario_json && strcmp(got.scenario_json, "{\"id\": \"x\"}") == 0);
	CHECK(got.sim_json && got.sim_len == strlen("{\"name\": \"sim\"}"));
	pt_db_run_clear(&got);
	CHECK_INT(pt_db_run_get(db, id2, 1, &got, &d), PT_OK);
	CHECK(got.sim_json == NULL && got.scenario_json != NULL);
	pt_db_run_clear(&got);
	CHECK_INT(pt_db_run_get(db, id2, 0, &got, &d), PT_OK);
	CHECK(got.scenario_json == NULL);
	CHECK_INT(pt_db_run_get(db, 999, 0, &got, &d), PT_ENOTFOUND);

	/* the engine's state saved and restored exactly */
	CHECK_INT(pt_db_run_get(db, id, 0, &got, &d), PT_OK);
	pt_strlcpy(got.clock_state, "running", sizeof got.clock_state);
	got.base_wall_ms = 1735725600123LL;
	got.base_min = 12.5;
	got.speed = 2.25;
	got.now_min = 13.0625;
	got.next_sim_min = 60;
	got.end_min = 390.5;
	CHECK_INT(pt_db_run_save(db, &got, &d), PT_OK);
	memset(&got, 0, sizeof got);
	CHECK_INT(pt_db_run_get(db, id, 0, &got, &d), PT_OK);
	CHECK_STR(got.clock_state, "running");
	CHECK(got.base_wall_ms == 1735725600123LL && got.base_min == 12.5 && got.speed == 2.25 &&
	      got.now_min == 13.0625 && got.next_sim_min == 60 &&
	      got.end_min == 390.5);
	CHECK_INT(pt_db_run_running(db, &ids, &n, &d), PT_OK);
	CHECK(n == 1 && ids && ids[0] == id);
	free(ids);

	/* newest first */
	CHECK_INT(pt_db_run_list(db, 10, &list, &n, &d), PT_OK);
	CHECK(n == 2 && list[0].id == id2 && list[1].id == id);
	free(list);
	CHECK_INT(pt_db_run_list(db, 1, &list, &n, &d), PT_OK);
	CHECK(n == 1 && list[0].id == id2);
	free(list);

	/* ENDEX is final; the copies, the seed and the owner never change */
	got.ended = 1;
	pt_strlcpy(got.clock_state, "ended", sizeof got.clock_state);
	CHECK_INT(pt_db_run_save(db, &got, &d), PT_OK);
	pt_strlcpy(got.clock_state, "running", sizeof got.clock_state);
	CHECK(pt_db_run_save(db, &got, &d) != PT_OK);
	CHECK(raw(db, "UPDATE exercise_runs SET seed = 7") != SQLITE_OK);
	CHECK(raw(db, "UPDATE exercise_runs SET scenario_json = 'x'") != SQLITE_OK);
	CHECK(raw(db, "UPDATE exercise_runs SET owner_org_id = 9") != SQLITE_OK);
	got.id = 999;
	CHECK_INT(pt_db_run_save(db, &got, &d), PT_ENOTFOUND);
	/* a bad label is refused by the schema */
	r = sample_run();
	pt_strlcpy(r.tlp, "PINK", sizeof r.tlp);
	CHECK(pt_db_run_insert(db, &r, &id2, &d) != PT_OK);
	pt_db_close(db);
}

static void test_members(void)
{
	struct pt_db *db = fx_open();
	struct pt_db_run r = sample_run();
	struct pt_db_run_member m, *ms = NULL;
	struct pt_diag d;
	long long run = 0, org, fac, pl, removed = 0;
	size_t n = 0;
	memset(&d, 0, sizeof d);
	if (!db)
		return;
	org = fx_org(db, "Orrinford Police", PT_ORG_GOVERNMENT);
	fac = fx_user(db, "fac", PT_ROLE_FACILITATOR, org);
	pl = fx_user(db, "alice", PT_ROLE_PLAYER, org);
	CHECK_INT(pt_db_run_insert(db, &r, &run, &d), PT_OK);
	memset(&m, 0, sizeof m);
	m.run_id = run;
	m.user_id = fac;
	pt_strlcpy(m.member, "facilitator", sizeof m.member);
	m.lead = 1;
	m.assigned_at = T0;
	CHECK_INT(pt_db_run_member_add(db, &m, &d), PT_OK);
	CHECK_INT(pt_db_run_member_add(db, &m, &d), PT_ECONFLICT);
	m.user_id = pl;
	m.lead = 0;
	pt_strlcpy(m.member, "player", sizeof m.member);
	pt_strlcpy(m.role, "police_commander", sizeof m.role);
	CHECK_INT(pt_db_run_member_add(db, &m, &d), PT_OK);
	pt_strlcpy(m.role, "pio", sizeof m.role);
	CHECK_INT(pt_db_run_member_add(db, &m, &d), PT_OK);
	/* a player needs a role; the others have none */
	m.role[0] = '\0';
	CHECK(pt_db_run_member_add(db, &m, &d) != PT_OK);
	pt_strlcpy(m.member, "evaluator", sizeof m.member);
	pt_strlcpy(m.role, "pio", sizeof m.role);
	CHECK(pt_db_run_member_add(db, &m, &d) != PT_OK);

	CHECK_INT(pt_db_run_members(db, run, &ms, &n, &d), PT_OK);
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(ms[0].member, "facilitator");
		CHECK_STR(ms[0].user_name, "fac");
		CHECK(ms[0].lead == 1);
		CHECK_STR(ms[1].role, "pio");
		CHECK_STR(ms[2].role, "police_commander");
		CHECK_STR(ms[2].user_role, "player");
		CHECK_STR(ms[2].org_name, "Orrinford Police");
		CHECK(ms[2].org_id == org);
	}
	free(ms);
	CHECK_INT(pt_db_run_member_remove(db, run, pl, "pio", &removed, &d), PT_OK);
	CHECK(removed == 1);
	CHECK_INT(pt_db_run_member_remove(db, run, pl, "pio", &removed, &d), PT_OK);
	CHECK(removed == 0);
	CHECK_INT(pt_db_run_member_remove(db, run, pl, NULL, &removed, &d), PT_OK);
	CHECK(removed == 1);
	CHECK_INT(pt_db_run_members(db, run, &ms, &n, &d), PT_OK);
	CHECK(n == 1);
	free(ms);
	pt_db_close(db);
}

static void test_engine_rows(void)
{
	struct pt_db *db = fx_open();
	struct pt_db_run r = sample_run();
	struct pt_db_run_inject inj[3], *got = NULL;
	struct pt_db_run_decision m, *ms = NULL;
	struct pt_diag d;
	long long run = 0;
	size_t n = 0;
	memset(&d, 0, sizeof d);
	if (!db)
		return;
	CHECK_INT(pt_db_run_insert(db, &r, &run, &d), PT_OK);
	memset(inj, 0, sizeof inj);
	for (int i = 0; i < 3; i++) {
		inj[i].seq = (uint32_t)(30 - 10 * i);
		pt_strlcpy(inj[i].status, "pending", sizeof inj[i].status);
		inj[i].due_min = 10.0 * (3 - i);
		inj[i].deadline_min = -1;
		inj[i].delivered_min = -1;
		inj[i].done_min = -1;
		inj[i].done_by = -1;
	}
	CHECK_INT(pt_db_run_injects_put(db, run, inj, 3, &d), PT_OK);
	pt_strlcpy(inj[1].status, "delivered", sizeof inj[1].status);
	inj[1].delivered_min = 20.5;
	inj[1].done_min = 22;
	inj[1].done_by = 0;
	CHECK_INT(pt_db_run_injects_put(db, run, &inj[1], 1, &d), PT_OK);
	{
		double due = -1;
		int any = 0;
		CHECK_INT(pt_db_run_next_due(db, run, &due, &any, &d), PT_OK);
		CHECK(any == 1 && due == 10); /* seq 30 (10 min) pending; 20 delivered */
		CHECK_INT(pt_db_run_next_due(db, run + 1, &due, &any, &d), PT_OK);
		CHECK(any == 0);
	}
	CHECK_INT(pt_db_run_injects(db, run, &got, &n, &d), PT_OK);
	CHECK(n == 3);
	if (n == 3) {
		CHECK(got[0].seq == 10 && got[1].seq == 20 && got[2].seq == 30);
		CHECK_STR(got[1].status, "delivered");
		CHECK(got[1].delivered_min == 20.5 && got[1].done_min == 22 && got[1].done_by == 0);
		CHECK_STR(got[0].status, "pending");
	}
	free(got);
	pt_strlcpy(inj[0].status, "lost", sizeof inj[0].status);
	CHECK(pt_db_run_injects_put(db, run, inj, 1, &d) != PT_OK);

	memset(&m, 0, sizeof m);
	m.run_id = run;
	m.n = 0;
	pt_strlcpy(m.decision, "ambulances_dispatched", sizeof m.decision);
	m.t_min = 50.25;
	pt_strlcpy(m.value, "12", sizeof m.value);
	pt_strlcpy(m.role, "ems_commander", sizeof m.role);
	m.user_id = 3;
	pt_strlcpy(m.user_name, "bob", sizeof m.user_name);
	m.made_at = T0 + 60;
	CHECK_INT(pt_db_run_decision_add(db, &m, &d), PT_OK);
	CHECK_INT(pt_db_run_decision_add(db, &m, &d), PT_ECONFLICT);
	m.n = 1;
	pt_strlcpy(m.decision, "scene_safe", sizeof m.decision);
	m.value[0] = '\0';
	CHECK_INT(pt_db_run_decision_add(db, &m, &d), PT_OK);
	CHECK_INT(pt_db_run_decisions(db, run, &ms, &n, &d), PT_OK);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(ms[0].decision, "ambulances_dispatched");
		CHECK_STR(ms[0].value, "12");
		CHECK(ms[0].t_min == 50.25);
		CHECK_STR(ms[1].value, "");
	}
	free(ms);
	/* attack review 2, finding 1: a choice of 94 bytes (47 Cyrillic letters) is stored whole */
	m.n = 2;
	pt_strlcpy(m.decision, "statement", sizeof m.decision);
	m.value[0] = '\0';
	for (int i = 0; i < 47; i++)
		strcat(m.value, "\xd0\x96"); /* U+0416 */
	CHECK(strlen(m.value) == 94);
	CHECK_INT(pt_db_run_decision_add(db, &m, &d), PT_OK);
	/* a bad stored row (a cut inside a character, a stray byte) reads as text, not a failure */
	{
		char sql[200];
		snprintf(sql, sizeof sql,
			 "INSERT INTO exercise_run_decisions VALUES (%lld, 3, 'statement', 60, "
			 "CAST(X'41D0' AS TEXT), 'pio', 3, 'bob', 0)", run);
		CHECK(raw(db, sql) == SQLITE_OK);
	}
	CHECK_INT(pt_db_run_decisions(db, run, &ms, &n, &d), PT_OK);
	CHECK(n == 4);
	if (n == 4) {
		CHECK_STR(ms[2].value, m.value);
		CHECK_STR(ms[3].value, "A?");
	}
	free(ms);
	CHECK(raw(db, "UPDATE exercise_run_decisions SET value = '99'") != SQLITE_OK);
	CHECK(raw(db, "DELETE FROM exercise_run_decisions") != SQLITE_OK);
	pt_db_close(db);
}

static void test_events(void)
{
	struct pt_db *db = fx_open();
	struct pt_db_run r = sample_run();
	struct pt_db_run_event e, *es = NULL, one;
	struct pt_diag d;
	long long run = 0, other = 0, ids[5], last = 0;
	size_t n = 0;
	int i;
	memset(&d, 0, sizeof d);
	if (!db)
		return;
	CHECK_INT(pt_db_run_insert(db, &r, &run, &d), PT_OK);
	CHECK_INT(pt_db_run_insert(db, &r, &other, &d), PT_OK);
	CHECK_INT(pt_db_run_event_last(db, run, &last, &d), PT_OK);
	CHECK(last == 0);
	for (i = 0; i < 5; i++) {
		memset(&e, 0, sizeof e);
		e.run_id = i == 2 ? other : run;
		pt_strlcpy(e.kind, i == 4 ? "sim" : "inject", sizeof e.kind);
		e.t_min = i * 5.0;
		e.at_ms = (T0 + i) * 1000LL;
		e.seq = i + 1;
		e.made = -1;
		pt_strlcpy(e.audience, "roles", sizeof e.audience);
		e.roles = 1ull << i;
		pt_strlcpy(e.type, "information", sizeof e.type);
		pt_strlcpy(e.sender, "Hospital switchboard", sizeof e.sender);
		e.text = i == 1 ? NULL : "Shots reported in the emergency department";
		e.detail = i == 4 ? "{\"deaths\": 3}" : NULL;
		e.answers = i == 4 ? 1 : 0;
		CHECK_INT(pt_db_run_event_add(db, &e, &ids[i], &d), PT_OK);
		if (i)
			CHECK(ids[i] > ids[i - 1]);
	}
	/* one answer per rerun */
	CHECK_INT(pt_db_run_event_add(db, &e, NULL, &d), PT_ECONFLICT);
	CHECK_INT(pt_db_run_event_answered(db, 1, &d), 1);
	CHECK_INT(pt_db_run_event_answered(db, 2, &d), 0);

	CHECK_INT(pt_db_run_events(db, run, 0, 100, &es, &n, &d), PT_OK);
	CHECK(n == 4);
	if (n == 4) {
		CHECK(es[0].id == ids[0] && es[2].id == ids[3] && es[3].id == ids[4]);
		CHECK_STR(es[0].kind, "inject");
		CHECK_STR(es[0].audience, "roles");
		CHECK(es[0].roles == 1);
		CHECK_STR(es[0].sender, "Hospital switchboard");
		CHECK_STR(es[1].text, "");
		CHECK(es[0].detail == NULL);
		CHECK(es[3].detail && strcmp(es[3].detail, "{\"deaths\": 3}") == 0);
		CHECK(es[3].answers == 1);
	}
	pt_db_run_events_free(es, n);
	/* since an id, at most max */
	CHECK_INT(pt_db_run_events(db, run, ids[1], 1, &es, &n, &d), PT_OK);
	CHECK(n == 1 && es[0].id == ids[3]);
	pt_db_run_events_free(es, n);
	CHECK_INT(pt_db_run_event_last(db, run, &last, &d), PT_OK);
	CHECK(last == ids[4]);
	CHECK_INT(pt_db_run_event_get(db, ids[2], &one, &d), PT_OK);
	CHECK(one.run_id == other);
	pt_db_run_event_clear(&one);
	CHECK_INT(pt_db_run_event_get(db, 9999, &one, &d), PT_ENOTFOUND);
	/* append-only */
	CHECK(raw(db, "UPDATE exercise_run_events SET text = 'changed'") != SQLITE_OK);
	CHECK(raw(db, "DELETE FROM exercise_run_events") != SQLITE_OK);
	/* a bad audience is refused by the schema */
	pt_strlcpy(e.audience, "press", sizeof e.audience);
	e.answers = 0;
	CHECK(pt_db_run_event_add(db, &e, NULL, &d) != PT_OK);
	pt_db_close(db);
}

static void test_entries_ratings_plan(void)
{
	struct pt_db *db = fx_open();
	struct pt_db_run r = sample_run();
	struct pt_db_run_entry e, *es = NULL;
	struct pt_db_run_rating rt, *rs = NULL;
	struct pt_db_run_improvement it, *its = NULL;
	struct pt_diag d;
	long long run = 0, id = 0, count = 0;
	size_t n = 0;
	static const char *const kinds[] = {"response", "log", "observation", "strength",
					    "improvement", "log"};
	memset(&d, 0, sizeof d);
	if (!db)
		return;
	CHECK_INT(pt_db_run_insert(db, &r, &run, &d), PT_OK);
	for (int i = 0; i < 6; i++) {
		memset(&e, 0, sizeof e);
		e.run_id = run;
		pt_strlcpy(e.kind, kinds[i], sizeof e.kind);
		e.seq = i == 0 ? 4 : 0;
		pt_strlcpy(e.role, "police_commander", sizeof e.role);
		e.user_id = 2;
		pt_strlcpy(e.user_name, "alice", sizeof e.user_name);
		pt_strlcpy(e.agency, "Orrinford Police", sizeof e.agency);
		e.capability = i >= 2 ? 5 : -1;
		pt_strlcpy(e.target, i >= 2 ? "oc-1" : "", sizeof e.target);
		e.t_min = 10 + i;
		e.at = T0 + i;
		e.text = "Cordon set at the east gate";
		CHECK_INT(pt_db_run_entry_add(db, &e, &id, &d), PT_OK);
	}
	e.text = "";
	CHECK(pt_db_run_entry_add(db, &e, NULL, &d) != PT_OK); /* empty text */
	CHECK_INT(pt_db_run_entries_count(db, run, &count, &d), PT_OK);
	CHECK(count == 6);
	CHECK_INT(pt_db_run_entries(db, run, "log", &es, &n, &d), PT_OK);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(es[0].agency, "Orrinford Police");
		CHECK_STR(es[0].text, "Cordon set at the east gate");
		CHECK(es[0].t_min == 11 && es[1].t_min == 15);
	}
	pt_db_run_entries_free(es, n);
	CHECK_INT(pt_db_run_entries(db, run, NULL, &es, &n, &d), PT_OK);
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(es[0].kind, "observation");
		CHECK_STR(es[2].kind, "improvement");
		CHECK(es[1].capability == 5);
		CHECK_STR(es[1].target, "oc-1");
	}
	pt_db_run_entries_free(es, n);

	/* ratings: one per evaluator and target, replaced; one final */
	memset(&rt, 0, sizeof rt);
	rt.run_id = run;
	pt_strlcpy(rt.target, "oc-1", sizeof rt.target);
	rt.user_id = 5;
	pt_strlcpy(rt.user_name, "eve", sizeof rt.user_name);
	pt_strlcpy(rt.rating, "S", sizeof rt.rating);
	rt.at = T0;
	CHECK_INT(pt_db_run_rating_put(db, &rt, &d), PT_OK);
	pt_strlcpy(rt.rating, "M", sizeof rt.rating);
	rt.note = "late triage";
	CHECK_INT(pt_db_run_rating_put(db, &rt, &d), PT_OK);
	rt.user_id = 6;
	pt_strlcpy(rt.user_name, "evan", sizeof rt.user_name);
	pt_strlcpy(rt.rating, "P", sizeof rt.rating);
	rt.note = NULL;
	CHECK_INT(pt_db_run_rating_put(db, &rt, &d), PT_OK);
	rt.final = 1;
	rt.user_id = 1;
	pt_strlcpy(rt.user_name, "fac", sizeof rt.user_name);
	pt_strlcpy(rt.rating, "S", sizeof rt.rating);
	CHECK_INT(pt_db_run_rating_put(db, &rt, &d), PT_OK);
	rt.user_id = 7; /* another facilitator's final replaces it */
	pt_strlcpy(rt.user_name, "fac2", sizeof rt.user_name);
	CHECK_INT(pt_db_run_rating_put(db, &rt, &d), PT_OK);
	pt_strlcpy(rt.rating, "X", sizeof rt.rating);
	CHECK(pt_db_run_rating_put(db, &rt, &d) != PT_OK);
	CHECK_INT(pt_db_run_ratings(db, run, &rs, &n, &d), PT_OK);
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(rs[0].user_name, "evan");
		CHECK_STR(rs[1].user_name, "eve");
		CHECK_STR(rs[1].rating, "M");
		CHECK_STR(rs[1].note, "late triage");
		CHECK(rs[2].final == 1);
		CHECK_STR(rs[2].user_name, "fac2");
	}
	pt_db_run_ratings_free(rs, n);

	/* the improvement plan */
	memset(&it, 0, sizeof it);
	it.run_id = run;
	it.capability = 5;
	it.issue = "Triage started late";
	it.action = "Train the EMS staff in SALT triage";
	pt_strlcpy(it.element, "training", sizeof it.element);
	pt_strlcpy(it.responsible, "Orrinford EMS", sizeof it.responsible);
	pt_strlcpy(it.due, "2027-03-31", sizeof it.due);
	pt_strlcpy(it.measure_id, "staff_training", sizeof it.measure_id);
	it.user_id = 1;
	pt_strlcpy(it.user_name, "fac", sizeof it.user_name);
	it.at = T0;
	CHECK_INT(pt_db_run_improvement_add(db, &it, &id, &d), PT_OK);
	CHECK(id > 0);
	pt_strlcpy(it.due, "31/03/2027", sizeof it.due);
	CHECK(pt_db_run_improvement_add(db, &it, NULL, &d) != PT_OK);
	pt_strlcpy(it.due, "", sizeof it.due);
	pt_strlcpy(it.element, "money", sizeof it.element);
	CHECK(pt_db_run_improvement_add(db, &it, NULL, &d) != PT_OK);
	CHECK_INT(pt_db_run_improvements(db, run, &its, &n, &d), PT_OK);
	CHECK(n == 1);
	if (n == 1) {
		CHECK_STR(its[0].issue, "Triage started late");
		CHECK_STR(its[0].action, "Train the EMS staff in SALT triage");
		CHECK_STR(its[0].element, "training");
		CHECK_STR(its[0].due, "2027-03-31");
		CHECK_STR(its[0].measure_id, "staff_training");
	}
	pt_db_run_improvements_free(its, n);
	pt_db_close(db);
}

int main(void)
{
	RUN(test_runs);
	RUN(test_members);
	RUN(test_engine_rows);
	RUN(test_events);
	RUN(test_entries_ratings_plan);
	return TEST_SUMMARY("test_exercise_store");
}
