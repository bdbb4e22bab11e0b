/* test_app_simulate.c - the simulation use cases (issue 14): chunked runs
 * summarise as one pass would, a runner splitting replications into blocks
 * (as MPI does) changes nothing, sweeps and overrides, errors, haversine. */
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_simulate.h"
#include "formats/pt_diag.h"
#include "pt_test.h"

/* A small scenario: 12 victims, two hospitals, one base. */
static void small(struct pt_mci_scenario *s)
{
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	pt_mci_defaults(s);
	s->attack.victims = 12;
	CHECK_INT(pt_mci_set(s, "hospitals.0.name", "A", &d), PT_OK);
	CHECK_INT(pt_mci_set(s, "hospitals.1.name", "B", &d), PT_OK);
	CHECK_INT(pt_mci_set(s, "response.bases.0.ambulances", "6", &d), PT_OK);
	CHECK_INT(pt_mci_set(s, "response.ambulances", "6", &d), PT_OK);
	/* a travel time per hospital and per base (issue 14 review: required) */
	CHECK_INT(pt_mci_set(s, "attack.sites.0.hospital_travel_min.0", "20", &d), PT_OK);
	CHECK_INT(pt_mci_set(s, "attack.sites.0.hospital_travel_min.1", "20", &d), PT_OK);
	CHECK_INT(pt_mci_set(s, "attack.sites.0.base_travel_min.0", "15", &d), PT_OK);
	CHECK_INT(pt_mci_check(s, &d), PT_OK);
}

/* A runner that runs each chunk in three uneven blocks, as ranks would. */
static enum pt_err blocks_runner(void *ctx, const struct pt_mci_scenario *s, uint64_t seed,
				 uint64_t first_rep, size_t n, unsigned threads,
				 struct pt_mci_rep *reps, pt_mci_progress_fn progress,
				 void *progress_ctx, int *complete, struct pt_diag *d)
{
	size_t cut[4] = { 0, n / 3, n / 3 + n / 4, n }, b;
	(void)ctx;
	(void)progress;
	(void)progress_ctx;
	(void)d;
	*complete = 1;
	for (b = 0; b < 3; b++) {
		enum pt_err err = pt_mci_run_many(s, seed, first_rep + cut[b], cut[b + 1] - cut[b],
						  threads, reps + cut[b], NULL, NULL);
		if (err != PT_OK)
			return err;
	}
	return PT_OK;
}

static int same_stats(const struct pt_mci_stat *a, const struct pt_mci_stat *b)
{
	/* bit for bit, NaN equal to NaN */
	return memcmp(a, b, sizeof *a) == 0;
}

static int same_results(const struct pt_sim_result *a, const struct pt_sim_result *b)
{
	size_t i, k, h, t;
	if (a->n_rows != b->n_rows)
		return 0;
	for (i = 0; i < a->n_rows; i++) {
		const struct pt_sim_row *x = &a->rows[i], *y = &b->rows[i];
		for (k = 0; k < pt_mci_output_count(); k++)
			if (!same_stats(&x->stats[k], &y->stats[k]))
				return 0;
		if (x->n_hospitals != y->n_hospitals || x->n_steps != y->n_steps)
			return 0;
		for (h = 0; h < x->n_hospitals; h++) {
			if (x->hospitals[h].peak_mean != y->hospitals[h].peak_mean)
				return 0;
			for (t = 0; t < x->n_steps; t++)
				if (x->hospitals[h].load_mean[t] != y->hospitals[h].load_mean[t])
					return 0;
		}
	}
	return 1;
}

static void test_threads_and_blocks(void)
{
	struct pt_mci_scenario *s = malloc(sizeof *s);
	struct pt_app_sim_opts o;
	struct pt_sim_result *one = NULL, *two = NULL, *blocks = NULL;
	struct pt_diag d;
	small(s);
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.scenario = s;
	o.replications = 97;
	o.seed = 5;
	o.threads = 1;
	CHECK_INT(pt_app_simulate_run(&o, &one, &d), PT_OK);
	o.threads = 3;
	CHECK_INT(pt_app_simulate_run(&o, &two, &d), PT_OK);
	o.runner = blocks_runner;
	CHECK_INT(pt_app_simulate_run(&o, &blocks, &d), PT_OK);
	CHECK(one && two && blocks);
	if (one && two && blocks) {
		CHECK(same_results(one, two));
		CHECK(same_results(one, blocks));
		CHECK_INT(one->n_rows, 1);
		CHECK_INT(one->rows[0].n_hospitals, 2);
		CHECK_STR(one->rows[0].hospitals[1].name, "B");
		CHECK_INT(one->rows[0].stats[0].n, 97);
	}
	pt_sim_result_free(one);
	pt_sim_result_free(two);
	pt_sim_result_free(blocks);
	free(s);
}

/* Summarise n replications of s run in chunks by the use case and in one pass: the same. */
static void check_chunked(struct pt_mci_scenario *s, size_t n)
{
	struct pt_app_sim_opts o;
	struct pt_sim_result *r = NULL;
	struct pt_mci_rep *reps = NULL;
	struct pt_diag d;
	size_t k, h, t, j;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.scenario = s;
	o.replications = n;
	o.seed = 11;
	o.threads = 2;
	CHECK_INT(pt_app_simulate_run(&o, &r, &d), PT_OK);
	CHECK_INT(pt_mci_reps_new(s, n, &reps), PT_OK);
	CHECK_INT(pt_mci_run_many(s, 11, 0, n, 2, reps, NULL, NULL), PT_OK);
	for (k = 0; r && k < pt_mci_output_count(); k++) {
		struct pt_mci_stat st;
		CHECK_INT(pt_mci_summarise(reps, n, k, &st), PT_OK);
		if (!same_stats(&st, &r->rows[0].stats[k]))
			fprintf(stderr, "output %s differs\n", pt_mci_output_name(k));
		CHECK(same_stats(&st, &r->rows[0].stats[k]));
	}
	/* the mean load: summed in replication order */
	for (h = 0; r && h < s->n_hospitals; h++)
		for (t = 0; t < r->rows[0].n_steps; t += 7) {
			double sum = 0;
			for (j = 0; j < n; j++)
				sum += reps[j].load[h * reps[j].n_steps + t];
			CHECK(sum / (double)n == r->rows[0].hospitals[h].load_mean[t]);
		}
	pt_mci_reps_free(reps);
	pt_sim_result_free(r);
}

/* More replications than a chunk (PT_APP_SIM_CHUNK, or fewer for long load series). */
static void test_chunks(void)
{
	struct pt_mci_scenario *s = malloc(sizeof *s);
	struct pt_diag d;
	size_t h;
	small(s);
	s->attack.victims = 3;
	check_chunked(s, PT_APP_SIM_CHUNK + 37);
	/* 32 hospitals over a week: 519 replications a chunk */
	memset(&d, 0, sizeof d);
	for (h = 2; h < PT_MCI_MAX_HOSPITALS; h++) {
		char path[48];
		snprintf(path, sizeof path, "hospitals.%zu.ed_beds", h);
		CHECK_INT(pt_mci_set(s, path, "3", &d), PT_OK);
		snprintf(path, sizeof path, "attack.sites.0.hospital_travel_min.%zu", h);
		CHECK_INT(pt_mci_set(s, path, "20", &d), PT_OK);
	}
	CHECK_INT(pt_mci_set(s, "horizon_min", "10080", &d), PT_OK);
	CHECK_INT(pt_mci_check(s, &d), PT_OK);
	check_chunked(s, 1100);
	free(s);
}

static void test_sweep_and_errors(void)
{
	struct pt_mci_scenario *s = malloc(sizeof *s), *built = malloc(sizeof *built);
	struct pt_app_sim_opts o;
	struct pt_app_sim_set sets[2] = { { "response.triage", "SALT" }, { "hospitals.1.icu_beds", "9" } };
	const char *values[3] = { "1", "6", "x" };
	struct pt_sim_result *r = NULL, *alone = NULL;
	struct pt_diag d;
	small(s);
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.scenario = s;
	o.replications = 40;
	o.sets = sets;
	o.n_sets = 2;
	CHECK_INT(pt_app_simulate_scenario(&o, NULL, built, &d), PT_OK);
	CHECK_INT(built->response.triage, PT_MCI_TRIAGE_SALT);
	CHECK_INT(built->hospitals[1].icu_beds, 9);
	o.sweep_key = "response.ambulances";
	o.sweep_values = values;
	o.n_sweep = 2;
	CHECK_INT(pt_app_simulate_run(&o, &r, &d), PT_OK);
	CHECK(r && r->n_rows == 2 && strcmp(r->rows[1].value, "6") == 0);
	CHECK_STR(r ? r->sweep_key : "", "response.ambulances");
	/* the row of a value equals the scenario run with that value alone */
	o.sweep_key = NULL;
	o.n_sweep = 0;
	sets[1].path = "response.ambulances";
	sets[1].value = "6";
	CHECK_INT(pt_app_simulate_run(&o, &alone, &d), PT_OK);
	if (r && alone) {
		size_t k;
		for (k = 0; k < pt_mci_output_count(); k++)
			CHECK(same_stats(&r->rows[1].stats[k], &alone->rows[0].stats[k]));
	}
	pt_sim_result_free(r);
	pt_sim_result_free(alone);
	/* a bad value fails before anything runs, naming the key */
	sets[1].path = "hospitals.1.icu_beds";
	sets[1].value = "9";
	o.sweep_key = "response.ambulances";
	o.n_sweep = 3;
	r = NULL;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_simulate_run(&o, &r, &d), PT_EINVAL);
	CHECK(r == NULL);
	CHECK_STR(d.field, "response.ambulances");
	/* an unknown key */
	o.sweep_key = "response.ambulancez";
	o.n_sweep = 1;
	CHECK_INT(pt_app_simulate_run(&o, &r, &d), PT_ENOTFOUND);
	CHECK_STR(d.field, "response.ambulancez");
	/* limits */
	o.sweep_key = NULL;
	o.replications = 0;
	CHECK_INT(pt_app_simulate_run(&o, &r, &d), PT_ELIMIT);
	o.replications = 10;
	o.seed = PT_APP_SIM_SEED_MAX + 1;
	CHECK_INT(pt_app_simulate_run(&o, &r, &d), PT_EINVAL);
	o.seed = 0;
	o.threads = PT_APP_SIM_MAX_THREADS + 1;
	CHECK_INT(pt_app_simulate_run(&o, &r, &d), PT_ELIMIT);
	free(s);
	free(built);
}

/* seen[0]: the last time, seen[1]: 1 when out of order, seen[2]: events */
static void trace_fn(void *ctx, const struct pt_mci_trace_event *ev)
{
	double *seen = ctx;
	if (ev->t_min < seen[0])
		seen[1] = 1;
	seen[0] = ev->t_min;
	seen[2]++;
}

static void test_trace(void)
{
	struct pt_mci_scenario *s = malloc(sizeof *s);
	struct pt_app_sim_opts o;
	struct pt_diag d;
	double seen[3] = { 0, 0, 0 };
	small(s);
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.scenario = s;
	CHECK_INT(pt_app_simulate_trace(&o, 2, trace_fn, seen, &d), PT_OK);
	CHECK(seen[2] >= 12); /* at least one event per victim */
	CHECK(seen[1] == 0);
	o.sweep_key = "response.ambulances";
	CHECK_INT(pt_app_simulate_trace(&o, 0, trace_fn, seen, &d), PT_EINVAL);
	free(s);
}

static void test_haversine(void)
{
	/* one degree of longitude on the equator: 6371 x pi / 180 */
	CHECK_NEAR(pt_app_haversine_km(0, 0, 0, 1), 111.19492664455873, 1e-9);
	CHECK_NEAR(pt_app_haversine_km(47.09915, -12.00058, 47.09915, -12.00058), 0, 0);
	/* the demo's general and district hospitals */
	CHECK_NEAR(pt_app_haversine_km(47.09915, -12.00058, 47.17241, -12.19496), 16.81, 0.01);
}

/* ---- review fixes of issue 14 ---- */

/* The paired difference from the first row: the same on 1 and 3 threads and over blocks
 * (as MPI ranks), equal to the difference of the means, narrower than a row's interval. */
static void test_paired_diff(void)
{
	struct pt_mci_scenario s;
	struct pt_app_sim_opts o;
	struct pt_sim_result *a = NULL, *b = NULL, *c = NULL;
	const char *values[] = { "6", "1", "0" };
	struct pt_diag d;
	size_t k, i, outs = pt_mci_output_count();
	memset(&d, 0, sizeof d);
	memset(&o, 0, sizeof o);
	small(&s);
	o.scenario = &s;
	o.sweep_key = "response.ambulances";
	o.sweep_values = values;
	o.n_sweep = 3;
	o.replications = 120;
	o.seed = 4;
	o.threads = 1;
	CHECK_INT(pt_app_simulate_run(&o, &a, &d), PT_OK);
	o.threads = 3;
	CHECK_INT(pt_app_simulate_run(&o, &b, &d), PT_OK);
	o.threads = 2;
	o.runner = blocks_runner;
	CHECK_INT(pt_app_simulate_run(&o, &c, &d), PT_OK);
	if (!a || !b || !c)
		goto out;
	CHECK(a->rows[0].diff == NULL && a->rows[1].diff && a->rows[2].diff);
	CHECK(a->victims == 12 && a->rows[2].victims == 12);
	for (i = 1; i < 3; i++)
		for (k = 0; k < outs; k++) {
			const struct pt_mci_stat *x = &a->rows[i].diff[k], *y = &b->rows[i].diff[k],
						 *z = &c->rows[i].diff[k];
			CHECK(memcmp(x, y, sizeof *x) == 0 && memcmp(x, z, sizeof *x) == 0);
		}
	k = 0; /* deaths */
	CHECK(strcmp(pt_mci_output_name(k), "deaths") == 0);
	{
		const struct pt_mci_stat *df = &a->rows[2].diff[0];
		double means = a->rows[2].stats[0].mean - a->rows[0].stats[0].mean;
		CHECK(df->n == 120 && df->lo <= df->mean && df->mean <= df->hi);
		CHECK(df->mean - means < 1e-9 && means - df->mean < 1e-9);
		CHECK(df->hi - df->lo < a->rows[2].stats[0].hi - a->rows[2].stats[0].lo);
	}
	/* no sweep: no difference */
	o.sweep_key = NULL;
	o.n_sweep = 0;
	o.runner = NULL;
	pt_sim_result_free(b);
	b = NULL;
	CHECK_INT(pt_app_simulate_run(&o, &b, &d), PT_OK);
	CHECK(b && b->rows[0].diff == NULL);
out:
	pt_sim_result_free(a);
	pt_sim_result_free(b);
	pt_sim_result_free(c);
}

/* Review H1: a replication past its event limit fails with PT_ELIMIT naming "events"; the
 * cost estimate grows with horizon / re-triage and stops at the event limit. */
static void test_event_limit(void)
{
	struct pt_mci_scenario s;
	struct pt_app_sim_opts o;
	struct pt_sim_result *r = NULL;
	struct pt_mci_rep *rep = NULL;
	struct pt_diag d;
	const struct pt_app_sim_set sets[] = {
		{ "attack.victims", "300" }, { "horizon_min", "10080" },
		{ "response.retriage_min", "1" }, { "attack.mix.killed", "0" },
		{ "attack.mix.niss16", "0" }, { "attack.mix.niss9", "0" }, { "attack.mix.niss1", "1" },
		{ "response.triage_crews", "1000" }, { "response.walking_share", "0" },
		{ "response.misclass.START.T3.T3", "0" }, { "response.misclass.START.T3.T2", "0" },
		{ "response.misclass.START.T3.T1", "0" }, { "response.misclass.START.T3.DEAD", "1" },
	};
	memset(&d, 0, sizeof d);
	memset(&o, 0, sizeof o);
	small(&s);
	CHECK(pt_mci_event_limit(&s) == 200 * 12 + 100000);
	/* 12 x (4 + 720 / 15) */
	CHECK(pt_app_sim_cost(&s) > 623.9 && pt_app_sim_cost(&s) < 624.1);
	o.scenario = &s;
	o.replications = 3;
	CHECK_INT(pt_app_simulate_run(&o, &r, &d), PT_OK);
	CHECK(r && r->rows[0].stats[pt_mci_output_count() - 1].mean < 200);
	pt_sim_result_free(r);
	r = NULL;
	o.sets = sets;
	o.n_sets = sizeof sets / sizeof sets[0];
	CHECK_INT(pt_app_simulate_run(&o, &r, &d), PT_ELIMIT);
	CHECK(r == NULL && strcmp(d.field, "events") == 0);
	CHECK(strstr(d.msg, "more than 160000 events in one replication") != NULL);
	{
		struct pt_mci_scenario t;
		CHECK_INT(pt_app_simulate_scenario(&o, NULL, &t, &d), PT_OK);
		CHECK(pt_app_sim_cost(&t) == (double)pt_mci_event_limit(&t)); /* capped */
		CHECK_INT(pt_mci_reps_new(&t, 1, &rep), PT_OK);
		CHECK_INT(pt_mci_run(&t, 1, 0, rep, NULL, NULL), PT_ELIMIT);
	}
	pt_mci_reps_free(rep);
}

/* Review M1: the progress hook is asked after every replication, and stopping stops. */
struct counter {
	size_t calls, stop_at;
};
static int count_progress(void *ctx, size_t done, size_t total)
{
	struct counter *c = ctx;
	(void)total;
	c->calls++;
	return c->stop_at && done >= c->stop_at;
}
static void test_progress_each(void)
{
	struct pt_mci_scenario s;
	struct pt_mci_rep *reps = NULL;
	struct counter c = { 0, 0 };
	small(&s);
	CHECK_INT(pt_mci_reps_new(&s, 20, &reps), PT_OK);
	CHECK_INT(pt_mci_run_many(&s, 1, 0, 20, 1, reps, count_progress, &c), PT_OK);
	CHECK(c.calls == 20);
	c.calls = 0;
	c.stop_at = 3;
	CHECK_INT(pt_mci_run_many(&s, 1, 0, 20, 1, reps, count_progress, &c), PT_EINTERNAL);
	CHECK(c.calls == 3);
	pt_mci_reps_free(reps);
}

int main(void)
{
	RUN(test_threads_and_blocks);
	RUN(test_chunks);
	RUN(test_sweep_and_errors);
	RUN(test_trace);
	RUN(test_haversine);
	RUN(test_paired_diff);
	RUN(test_event_limit);
	RUN(test_progress_each);
	return TEST_SUMMARY("app_simulate");
}
