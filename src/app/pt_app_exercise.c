/* pt_app_exercise.c - the headless exercise run (issue 15): plays a scenario's
 * MSEL with scripted decisions on the run engine, then reruns the mass-casualty
 * simulation at each rerun the engine asked for and compares the decisions made
 * with the baseline. Scenario time only: the same inputs give the same result. */
#include "pt_app_exercise.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_rng.h"
#include "../formats/pt_exercise_run_io.h"
#include "pt_app_simulate.h"

#define MAX_ENTRIES 1000000 /* events of one headless run (PT_ELIMIT) */

/* Collects the engine's events. */
struct collect {
	struct pt_app_ex_auto_result *r;
	size_t cap;
	int failed; /* out of memory or past MAX_ENTRIES */
	enum pt_err err;
};

static void on_event(void *ctx, const struct pt_ex_event *ev)
{
	struct collect *c = ctx;
	struct pt_app_ex_entry *e;
	if (c->failed)
		return;
	if (c->r->n_entries == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct pt_app_ex_entry *p;
		if (c->cap >= MAX_ENTRIES) {
			c->failed = 1;
			c->err = PT_ELIMIT;
			return;
		}
		if (cap > MAX_ENTRIES)
			cap = MAX_ENTRIES;
		if (!(p = realloc(c->r->entries, cap * sizeof *p))) {
			c->failed = 1;
			c->err = PT_ENOMEM;
			return;
		}
		c->r->entries = p;
		c->cap = cap;
	}
	e = &c->r->entries[c->r->n_entries++];
	memset(e, 0, sizeof *e);
	e->ev = *ev;
	e->n_made = c->r->run.n_made;
}

void pt_app_ex_auto_result_free(struct pt_app_ex_auto_result *r)
{
	size_t i;
	if (!r)
		return;
	for (i = 0; i < r->n_entries; i++)
		pt_sim_result_free(r->entries[i].sim);
	free(r->entries);
	pt_ex_run_free(&r->run);
	pt_sim_result_free(r->outcome);
	pt_sim_result_free(r->baseline);
	free(r->difference);
	free(r);
}

/* The progress of all simulation runs as one count of replications. */
struct progress {
	pt_mci_progress_fn fn;
	void *ctx;
	size_t before, total;
};

static int progress_fn(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;
	(void)total;
	return p->fn(p->ctx, p->before + done, p->total);
}

/* The simulation of the decisions made[0, n): reps replications with o's seed. */
static enum pt_err simulate(const struct pt_app_ex_auto_opts *o, const struct pt_ex_made *made,
			    size_t n, size_t reps, double snap_min, struct pt_mci_scenario *scratch,
			    struct progress *pr, struct pt_sim_result **out, struct pt_diag *d)
{
	struct pt_app_sim_opts so;
	enum pt_err err;
	if ((err = pt_ex_sim_scenario(o->sc, o->sim, made, n, scratch, d)) != PT_OK)
		return err;
	if (snap_min >= 0) { /* issue 15 review 3: the situation the players get */
		scratch->snapshot = 1;
		scratch->snapshot_min = snap_min < scratch->horizon_min ? snap_min
									: scratch->horizon_min;
	}
	memset(&so, 0, sizeof so);
	so.scenario = scratch;
	so.replications = reps;
	so.threads = o->threads ? o->threads : 1;
	so.seed = o->seed;
	if (o->progress) {
		so.progress = progress_fn;
		so.progress_ctx = pr;
	}
	err = pt_app_simulate_run(&so, out, d);
	pr->before += reps;
	return err;
}

#define PAIRED_CHUNK 256 /* replications of each side run at once for the paired difference */

/*
 * The paired difference a - b of every output over replications 0 .. n-1
 * (the same seed: replication k of both meets the same random numbers),
 * summed in replication order; a replication where either side has no value
 * is left out. out[pt_mci_output_count()] is malloc'd.
 */
static enum pt_err paired_difference(const struct pt_app_ex_auto_opts *o,
				     const struct pt_mci_scenario *a,
				     const struct pt_mci_scenario *b, size_t n,
				     struct progress *pr, struct pt_mci_stat **out,
				     struct pt_diag *d)
{
	size_t outs = pt_mci_output_count(), chunk = n < PAIRED_CHUNK ? n : PAIRED_CHUNK;
	size_t first, j, k, *m = NULL;
	struct pt_mci_rep *ra = NULL, *rb = NULL;
	struct pt_mci_stat *st = NULL;
	double *x = NULL;
	enum pt_err err = PT_OK;

	*out = NULL;
	st = calloc(outs, sizeof *st);
	m = calloc(outs, sizeof *m);
	x = malloc(outs * n * sizeof *x + 1);
	if (!st || !m || !x || (err = pt_mci_reps_new(a, chunk ? chunk : 1, &ra)) != PT_OK ||
	    (err = pt_mci_reps_new(b, chunk ? chunk : 1, &rb)) != PT_OK) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (first = 0; first < n; first += chunk) {
		size_t c = n - first < chunk ? n - first : chunk;
		unsigned threads = o->threads ? o->threads : 1;
		if ((err = pt_mci_run_many(a, o->seed, first, c, threads, ra, NULL, NULL)) != PT_OK ||
		    (err = pt_mci_run_many(b, o->seed, first, c, threads, rb, NULL, NULL)) != PT_OK) {
			pt_diag_set(d, err, 0, "", "%s", pt_strerror(err));
			goto out;
		}
		for (j = 0; j < c; j++)
			for (k = 0; k < outs; k++) {
				double v = pt_mci_output_value(&ra[j], k) - pt_mci_output_value(&rb[j], k);
				if (isfinite(v))
					x[k * n + m[k]++] = v;
			}
		pr->before += 2 * c;
		if (pr->fn && pr->fn(pr->ctx, pr->before, pr->total)) {
			err = pt_diag_set(d, PT_EINTERNAL, 0, "", "cancelled");
			goto out;
		}
	}
	for (k = 0; k < outs; k++) {
		double sum = 0, ss = 0, mean;
		size_t i;
		st[k].mean = st[k].lo = st[k].hi = st[k].p025 = st[k].p975 = NAN;
		st[k].n = m[k];
		if (m[k] == 0)
			continue;
		for (i = 0; i < m[k]; i++)
			sum += x[k * n + i];
		mean = sum / (double)m[k];
		for (i = 0; i < m[k]; i++)
			ss += (x[k * n + i] - mean) * (x[k * n + i] - mean);
		st[k].mean = mean;
		if (m[k] > 1) {
			double half = pt_mci_t_quantile(0.05, (double)(m[k] - 1)) *
				      sqrt(ss / (double)(m[k] - 1) / (double)m[k]);
			st[k].lo = mean - half;
			st[k].hi = mean + half;
		}
	}
	*out = st;
	st = NULL;
out:
	pt_mci_reps_free(ra);
	pt_mci_reps_free(rb);
	free(st);
	free(m);
	free(x);
	return err;
}

/* Insertion sort of a copy by time, stable: scripted decisions in time order. */
static void sort_by_time(struct pt_ex_made *m, size_t n)
{
	size_t i, j;
	for (i = 1; i < n; i++) {
		struct pt_ex_made x = m[i];
		for (j = i; j > 0 && m[j - 1].t_min > x.t_min; j--)
			m[j] = m[j - 1];
		m[j] = x;
	}
}

enum pt_err pt_app_exercise_auto(const struct pt_app_ex_auto_opts *o,
				 struct pt_app_ex_auto_result **out, struct pt_diag *d)
{
	struct pt_app_ex_auto_result *r = NULL;
	struct pt_mci_scenario *scratch = NULL, *scratch_b = NULL;
	struct pt_ex_made *script = NULL;
	const struct pt_ex_scenario *sc;
	struct collect col;
	struct progress pr;
	size_t n_script, i, reps, out_reps, n_sims = 0;
	uint64_t id;
	enum pt_err err = PT_OK;

	*out = NULL;
	if (!o || !o->sc)
		return pt_diag_set(d, PT_EINVAL, 0, "scenario", "no scenario");
	sc = o->sc;
	if (o->seed > PT_APP_SIM_SEED_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "seed", "must be 0 to 2^53-1");
	if (o->threads > PT_APP_SIM_MAX_THREADS)
		return pt_diag_set(d, PT_ELIMIT, 0, "threads", "at most %d", PT_APP_SIM_MAX_THREADS);
	n_script = o->decisions ? o->n_decisions : sc->n_baseline;
	if (n_script > PT_EX_MAX_MADE)
		return pt_diag_set(d, PT_ELIMIT, 0, "decisions", "more than %d decisions",
				   PT_EX_MAX_MADE);
	reps = sc->sim_replications ? sc->sim_replications : 1;
	out_reps = o->outcome_replications ? o->outcome_replications : PT_APP_EX_OUTCOME_REPS;
	if (out_reps > PT_MCI_MAX_REPLICATIONS)
		return pt_diag_set(d, PT_ELIMIT, 0, "replications", "at most %d",
				   PT_MCI_MAX_REPLICATIONS);
	r = calloc(1, sizeof *r);
	script = malloc((n_script + 1) * sizeof *script);
	if (!r || !script) {
		free(r);
		free(script);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	if (n_script)
		memcpy(script, o->decisions ? o->decisions : sc->baseline, n_script * sizeof *script);
	sort_by_time(script, n_script);

	/* the run's id: the first splitmix64 output of the seed */
	id = pt_rng_mix(o->seed + UINT64_C(0x9e3779b97f4a7c15));
	snprintf(r->run_id, sizeof r->run_id, "run-%016llx", (unsigned long long)id);

	if ((err = pt_ex_run_init(&r->run, sc)) != PT_OK) {
		pt_diag_set(d, err, 0, "", "out of memory");
		goto out;
	}
	memset(&col, 0, sizeof col);
	col.r = r;

	/* play: each scripted decision at its time, then to the end */
	for (i = 0; i < n_script; i++) {
		const struct pt_ex_made *m = &script[i];
		const char *id_text = m->decision < sc->n_decisions ? sc->decisions[m->decision].id : "?";
		char field[64];
		snprintf(field, sizeof field, "decisions.%zu", i);
		if (m->decision >= sc->n_decisions) {
			err = pt_diag_set(d, PT_EINVAL, 0, field, "no such decision");
			goto out;
		}
		if (!(m->t_min >= 0) || m->t_min >= r->run.end_min) {
			char at[32], end[32];
			pt_ex_run_time_text(m->t_min, at, sizeof at);
			pt_ex_run_time_text(r->run.end_min, end, sizeof end);
			snprintf(field, sizeof field, "decisions.%zu.time", i);
			err = pt_diag_set(d, PT_EINVAL, 0, field,
					  "%s (%s) is not before the scenario's end %s: the run ends "
					  "there (ENDEX is final)",
					  at, id_text, end);
			goto out;
		}
		pt_ex_run_advance(&r->run, m->t_min, on_event, &col);
		err = pt_ex_run_decide(&r->run, m->decision, m->role, m->value, on_event, &col, d);
		if (err == PT_EFORBIDDEN) {
			snprintf(field, sizeof field, "decisions.%zu.role", i);
			err = pt_diag_set(d, PT_EINVAL, 0, field, "role %s may not make decision %s",
					  m->role, id_text);
			goto out;
		}
		if (err == PT_EINVAL) {
			char why[sizeof d->msg];
			pt_strlcpy(why, d && d->msg[0] ? d->msg : "a bad value", sizeof why);
			snprintf(field, sizeof field, "decisions.%zu.value", i);
			err = pt_diag_set(d, PT_EINVAL, 0, field, "%s", why);
			goto out;
		}
		if (err != PT_OK)
			goto out;
		if (col.failed)
			break;
	}
	if (!col.failed)
		pt_ex_run_advance(&r->run, r->run.end_min, on_event, &col);
	if (col.failed) {
		err = pt_diag_set(d, col.err, 0, "", col.err == PT_ENOMEM ? "out of memory"
								    : "more than %d events", MAX_ENTRIES);
		goto out;
	}
	if (!o->sim)
		goto out;

	/* the simulation: each rerun with the decisions made up to it, then outcome vs baseline */
	for (i = 0; i < r->n_entries; i++)
		n_sims += r->entries[i].ev.kind == PT_EX_EV_SIM_DUE;
	memset(&pr, 0, sizeof pr);
	pr.fn = o->progress;
	pr.ctx = o->progress_ctx;
	pr.total = n_sims * reps + 4 * out_reps;
	if (!(scratch = malloc(sizeof *scratch))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < r->n_entries; i++) {
		struct pt_app_ex_entry *e = &r->entries[i];
		if (e->ev.kind != PT_EX_EV_SIM_DUE)
			continue;
		double at = e->ev.t_min - r->run.sim_start_min;
		if ((err = simulate(o, r->run.made, e->n_made, reps, at > 0 ? at : 0, scratch, &pr,
				    &e->sim, d)) != PT_OK)
			goto out;
	}
	if ((err = simulate(o, r->run.made, r->run.n_made, out_reps, -1, scratch, &pr,
			    &r->outcome, d)) != PT_OK ||
	    (err = simulate(o, sc->baseline, sc->n_baseline, out_reps, -1, scratch, &pr,
			    &r->baseline, d)) != PT_OK)
		goto out;
	/* the paired difference: both scenarios again, replication by replication */
	if (!(scratch_b = malloc(sizeof *scratch_b))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if ((err = pt_ex_sim_scenario_at(sc, r->run.sim_start_min, o->sim, r->run.made,
					 r->run.n_made, scratch, d)) != PT_OK ||
	    (err = pt_ex_sim_scenario(sc, o->sim, sc->baseline, sc->n_baseline, scratch_b, d)) !=
		    PT_OK ||
	    (err = paired_difference(o, scratch, scratch_b, out_reps, &pr, &r->difference, d)) !=
		    PT_OK)
		goto out;
out:
	free(script);
	free(scratch);
	free(scratch_b);
	if (err != PT_OK) {
		pt_app_ex_auto_result_free(r);
		return err;
	}
	*out = r;
	return PT_OK;
}
