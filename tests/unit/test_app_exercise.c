/* test_app_exercise.c - unit tests of the headless exercise run (issue 15): the
 * run id, the reruns' figures, the outcome against the baseline, contingencies
 * with scripted decisions, refused roles, threads, and the JSON and table output. */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_exercise.h"
#include "formats/pt_exercise_run_io.h"
#include "exercise_fixture.h"
#include "pt_test.h"

/* An attack at hospital 0 with 80 victims, ambulances the bottleneck. */
static void sim_of(struct pt_mci_scenario *s)
{
	static const char *const kv[][2] = {
		{"attack.victims", "80"},
		{"hospitals.0.name", "Orrinford General Hospital"},
		{"hospitals.0.locked_down", "true"},
		{"hospitals.1.name", "Brackwater District Hospital"},
		{"hospitals.2.name", "Kessling Community Hospital"},
		{"attack.sites.0.hospital_index", "0"},
		{"attack.sites.0.hospital_travel_min.0", "1"},
		{"attack.sites.0.hospital_travel_min.1", "25"},
		{"attack.sites.0.hospital_travel_min.2", "30"},
		{"response.bases.0.ambulances", "10"},
		{"response.bases.1.ambulances", "10"},
		{"attack.sites.0.base_travel_min.1", "25"},
		{"response.ambulances", "20"},
	};
	size_t i;
	pt_mci_defaults(s);
	for (i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		memset(&diag, 0, sizeof diag);
		CHECK_INT(pt_mci_set(s, kv[i][0], kv[i][1], &diag), PT_OK);
	}
	CHECK_INT(pt_mci_check(s, &diag), PT_OK);
}

static struct pt_ex_made made_of(const struct pt_ex_scenario *sc, double t, const char *id,
				 const char *value, const char *role)
{
	struct pt_ex_made m;
	memset(&m, 0, sizeof m);
	m.decision = (uint32_t)pt_ex_decision_find(sc, id);
	m.t_min = t;
	pt_strlcpy(m.value, value, sizeof m.value);
	pt_strlcpy(m.role, role, sizeof m.role);
	return m;
}

/* The fixture with a baseline: 12 ambulances at 00:05, the scene declared safe at 00:15. */
static struct pt_ex_scenario *with_baseline(void)
{
	struct pt_ex_scenario *sc = scenario(1);
	sc->sim_replications = 20;
	sc->sim_to = pt_ex_alloc(sc, sizeof *sc->sim_to);
	sc->sim_to[0] = dup(sc, "ems");
	sc->n_sim_to = 1;
	sc->baseline = pt_ex_alloc(sc, 2 * sizeof *sc->baseline);
	sc->baseline[0] = made_of(sc, 5, "ambulances", "12", "ems");
	sc->baseline[1] = made_of(sc, 15, "scene_safe", "", "police");
	sc->n_baseline = 2;
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_OK);
	return sc;
}

static struct pt_app_ex_auto_result *play(const struct pt_ex_scenario *sc,
					  const struct pt_mci_scenario *sim,
					  const struct pt_ex_made *made, size_t n, uint64_t seed,
					  unsigned threads)
{
	struct pt_app_ex_auto_opts o;
	struct pt_app_ex_auto_result *r = NULL;
	memset(&o, 0, sizeof o);
	o.sc = sc;
	o.sim = sim;
	o.decisions = made;
	o.n_decisions = n;
	o.seed = seed;
	o.threads = threads;
	o.outcome_replications = 60;
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_app_exercise_auto(&o, &r, &diag), PT_OK);
	if (!r)
		fprintf(stderr, "pt_app_exercise_auto: %s: %s\n", diag.field, diag.msg);
	return r;
}

/* The JSON text of a result (malloc'd). */
static char *json_text(const struct pt_ex_scenario *sc, const struct pt_app_ex_auto_result *r,
		       uint64_t seed)
{
	struct pt_ex_run_line lines[256];
	struct pt_ex_run_doc doc;
	json_t *j;
	char *s;
	size_t i;
	CHECK(r->n_entries <= 256);
	for (i = 0; i < r->n_entries && i < 256; i++) {
		lines[i].ev = &r->entries[i].ev;
		lines[i].sim = r->entries[i].sim;
		lines[i].n_made = r->entries[i].n_made;
	}
	memset(&doc, 0, sizeof doc);
	doc.run_id = r->run_id;
	doc.seed = seed;
	doc.sc = sc;
	doc.run = &r->run;
	doc.lines = lines;
	doc.n_lines = i;
	doc.outcome = r->outcome;
	doc.baseline = r->baseline;
	doc.difference = r->difference;
	j = pt_ex_run_json(&doc);
	CHECK(j != NULL);
	s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(j);
	return s;
}

static char *table_text(const struct pt_ex_scenario *sc, const struct pt_app_ex_auto_result *r)
{
	struct pt_ex_run_line lines[256];
	struct pt_ex_run_doc doc;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	for (i = 0; i < r->n_entries && i < 256; i++) {
		lines[i].ev = &r->entries[i].ev;
		lines[i].sim = r->entries[i].sim;
		lines[i].n_made = r->entries[i].n_made;
	}
	memset(&doc, 0, sizeof doc);
	doc.run_id = r->run_id;
	doc.seed = 7;
	doc.sc = sc;
	doc.run = &r->run;
	doc.lines = lines;
	doc.n_lines = i;
	doc.outcome = r->outcome;
	doc.baseline = r->baseline;
	doc.difference = r->difference;
	CHECK_INT(pt_ex_run_table(f, &doc), PT_OK);
	fclose(f);
	return buf;
}

static long deaths_index(void)
{
	size_t i;
	for (i = 0; i < pt_mci_output_count(); i++)
		if (strcmp(pt_mci_output_name(i), "deaths") == 0)
			return (long)i;
	return 0;
}

static void test_time_text(void)
{
	char b[16];
	pt_ex_run_time_text(0, b, sizeof b);
	CHECK_STR(b, "00:00");
	pt_ex_run_time_text(59.99, b, sizeof b);
	CHECK_STR(b, "00:59");
	pt_ex_run_time_text(1590, b, sizeof b);
	CHECK_STR(b, "26:30");
	pt_ex_run_time_text(-1, b, sizeof b);
	CHECK_STR(b, "-");
}

static void test_baseline_run(void)
{
	static struct pt_mci_scenario sim;
	struct pt_ex_scenario *sc = with_baseline();
	struct pt_app_ex_auto_result *r, *again, *other;
	size_t i, sims = 0;
	long dk = deaths_index();
	sim_of(&sim);
	r = play(sc, &sim, NULL, 0, 7, 1);
	if (!r)
		goto out;
	/* the id comes from the seed: "run-" and 16 hex digits */
	CHECK_INT((long long)strlen(r->run_id), 20);
	CHECK(strncmp(r->run_id, "run-", 4) == 0);
	CHECK(strspn(r->run_id + 4, "0123456789abcdef") == 16);
	/* every rerun has its figures, with the scenario's replications */
	for (i = 0; i < r->n_entries; i++) {
		const struct pt_app_ex_entry *e = &r->entries[i];
		if (e->ev.kind == PT_EX_EV_SIM_DUE) {
			sims++;
			CHECK(e->sim != NULL);
			if (e->sim)
				CHECK_INT((long long)e->sim->replications, 20);
		} else {
			CHECK(e->sim == NULL);
		}
	}
	/* periodic at 10, 25, ..., 115 (8) and after the two decisions */
	CHECK_INT((long long)sims, 10);
	CHECK_INT(r->entries[r->n_entries - 1].ev.kind, PT_EX_EV_ENDEX);
	CHECK_INT((long long)r->run.n_made, 2);
	/* the baseline's own decisions: the outcome is the baseline */
	CHECK(r->outcome && r->baseline);
	if (r->outcome && r->baseline)
		CHECK_NEAR(r->outcome->rows[0].stats[dk].mean, r->baseline->rows[0].stats[dk].mean, 0);
	/* and the paired difference is exactly 0 */
	CHECK(r->difference != NULL);
	if (r->difference) {
		CHECK_NEAR(r->difference[dk].mean, 0, 0);
		CHECK_NEAR(r->difference[dk].lo, 0, 0);
		CHECK_INT((long long)r->difference[dk].n, 60);
	}
	/* #1's action done at 00:15 (deadline 00:20): its contingency #3 cancelled; #5's by the
	 * ambulances at 00:05: #6 cancelled */
	CHECK_INT(r->run.inj[2].status, PT_EX_CANCELLED);
	CHECK_INT(r->run.inj[5].status, PT_EX_CANCELLED);
	CHECK_NEAR(r->run.inj[0].done_min, 15, 0);
	/* same seed, same run; another seed, another id and other figures */
	again = play(sc, &sim, NULL, 0, 7, 2);
	other = play(sc, &sim, NULL, 0, 8, 1);
	if (again && other) {
		char *a = json_text(sc, r, 7), *b = json_text(sc, again, 7), *c = json_text(sc, other, 8);
		CHECK_STR(again->run_id, r->run_id);
		CHECK(strcmp(other->run_id, r->run_id) != 0);
		CHECK(a && b && strcmp(a, b) == 0); /* threads 1 and 2 */
		CHECK(r->outcome->rows[0].stats[dk].mean != other->outcome->rows[0].stats[dk].mean);
		CHECK(c && strcmp(a, c) != 0);
		free(a);
		free(b);
		free(c);
	}
	pt_app_ex_auto_result_free(again);
	pt_app_ex_auto_result_free(other);
	pt_app_ex_auto_result_free(r);
out:
	pt_ex_scenario_free(sc);
}

static void test_scripted(void)
{
	static struct pt_mci_scenario sim;
	struct pt_ex_scenario *sc = with_baseline();
	struct pt_ex_made script[2];
	struct pt_app_ex_auto_result *r;
	long dk = deaths_index();
	sim_of(&sim);
	/* two ambulances, the scene declared safe late (00:40, after the contingency at 00:30) */
	script[0] = made_of(sc, 40, "scene_safe", "", "police");
	script[1] = made_of(sc, 5, "ambulances", "2", "ems"); /* out of order: sorted */
	r = play(sc, &sim, script, 2, 7, 1);
	if (r) {
		char *json = json_text(sc, r, 7), *table = table_text(sc, r);
		json_t *j = json ? json_loads(json, 0, NULL) : NULL;
		/* fewer ambulances and a later scene: more deaths than the baseline */
		CHECK(r->outcome->rows[0].stats[dk].mean > r->baseline->rows[0].stats[dk].mean + 1);
		/* the contingency of #1 fired at 00:30 */
		CHECK_INT(r->run.inj[2].status, PT_EX_DELIVERED);
		CHECK_NEAR(r->run.inj[2].delivered_min, 30, 0);
		CHECK_NEAR(r->run.made[0].t_min, 5, 0);
		/* the JSON: the timeline and the injects' final statuses */
		CHECK(j != NULL);
		if (j) {
			json_t *tl = json_object_get(j, "timeline"), *inj = json_object_get(j, "injects");
			json_t *first = json_array_get(tl, 0), *one = json_array_get(inj, 0);
			json_t *deaths = json_object_get(
				json_object_get(json_object_get(j, "outcome"), "outputs"), "deaths");
			CHECK_STR(json_string_value(json_object_get(j, "run")), r->run_id);
			CHECK_STR(json_string_value(json_object_get(first, "time")), "00:00");
			CHECK_STR(json_string_value(json_object_get(first, "kind")), "inject");
			CHECK_INT(json_integer_value(json_object_get(first, "seq")), 1);
			CHECK_STR(json_string_value(json_object_get(first, "deadline")), "00:20");
			CHECK_STR(json_string_value(json_object_get(one, "status")), "delivered");
			CHECK(json_is_true(json_object_get(one, "done")));
			CHECK_STR(json_string_value(json_object_get(one, "done_at")), "00:40");
			CHECK(json_is_false(json_object_get(one, "by_deadline")));
			CHECK_STR(json_string_value(json_object_get(json_array_get(inj, 2), "status")),
				  "delivered");
			CHECK_STR(json_string_value(json_object_get(json_array_get(inj, 5), "status")),
				  "cancelled");
			/* paired by replication: an interval around the difference of the means */
			{
				json_t *df = json_object_get(deaths, "difference");
				double dm = json_real_value(json_object_get(df, "mean"));
				double am = json_real_value(json_object_get(json_object_get(deaths, "decisions"), "mean"));
				double bm = json_real_value(json_object_get(json_object_get(deaths, "baseline"), "mean"));
				CHECK(dm > 1);
				CHECK_NEAR(dm, am - bm, 1e-9);
				CHECK(json_real_value(json_object_get(df, "lo")) > 0);
				CHECK(json_real_value(json_object_get(df, "lo")) < dm);
				CHECK(json_real_value(json_object_get(df, "hi")) > dm);
			}
		}
		/* the table: #1 late, #3 (its contingency) expected an action never done */
		CHECK(table && strstr(table, "EXPECTED ACTIONS LATE OR NOT DONE\n"));
		CHECK(table && strstr(table, "\n#1      00:00  00:20    00:40    declare the scene safe\n"));
		CHECK(table && strstr(table, "\n#3      00:30  -        not done declare the scene safe now\n"));
		CHECK(table && strstr(table, "OUTCOME OF THE DECISIONS MADE (2) VS THE BASELINE (2)\n"));
		json_decref(j);
		free(json);
		if (getenv("SHOW_TABLE") && table) fputs(table, stdout);
		free(table);
		pt_app_ex_auto_result_free(r);
	}
	pt_ex_scenario_free(sc);
}

static void test_refused(void)
{
	static struct pt_mci_scenario sim;
	struct pt_ex_scenario *sc = with_baseline();
	struct pt_app_ex_auto_opts o;
	struct pt_app_ex_auto_result *r = NULL;
	struct pt_ex_made script[2];
	sim_of(&sim);
	memset(&o, 0, sizeof o);
	o.sc = sc;
	o.sim = &sim;
	o.decisions = script;
	o.seed = 1;
	/* a role not allowed to make it */
	script[0] = made_of(sc, 5, "note", "", "ems");
	script[1] = made_of(sc, 6, "ambulances", "3", "police");
	o.n_decisions = 2;
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_app_exercise_auto(&o, &r, &diag), PT_EINVAL);
	CHECK(r == NULL);
	CHECK_STR(diag.field, "decisions.1.role");
	CHECK_STR(diag.msg, "role police may not make decision ambulances");
	/* a decision at the end: after ENDEX */
	script[1] = made_of(sc, 120, "ambulances", "3", "ems");
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_app_exercise_auto(&o, &r, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "decisions.1.time");
	CHECK_STR(diag.msg, "02:00 (ambulances) is not before the scenario's end 02:00: the run ends "
			    "there (ENDEX is final)");
	/* a seed beyond 2^53-1 */
	o.n_decisions = 1;
	o.seed = UINT64_C(1) << 53;
	CHECK_INT(pt_app_exercise_auto(&o, &r, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "seed");
	pt_ex_scenario_free(sc);
}

static void test_without_simulation(void)
{
	struct pt_ex_scenario *sc = with_baseline();
	struct pt_app_ex_auto_result *r;
	size_t i;
	sc->simulation = NULL;
	r = play(sc, NULL, NULL, 0, 1, 1);
	if (r) {
		for (i = 0; i < r->n_entries; i++)
			CHECK(r->entries[i].ev.kind != PT_EX_EV_SIM_DUE && !r->entries[i].sim);
		CHECK(r->outcome == NULL && r->baseline == NULL && r->difference == NULL);
		{
			char *json = json_text(sc, r, 1);
			CHECK(json && strstr(json, "\"outcome\": null"));
			free(json);
		}
		pt_app_ex_auto_result_free(r);
	}
	pt_ex_scenario_free(sc);
}

int main(void)
{
	RUN(test_time_text);
	RUN(test_baseline_run);
	RUN(test_scripted);
	RUN(test_refused);
	RUN(test_without_simulation);
	return TEST_SUMMARY("test_app_exercise");
}
