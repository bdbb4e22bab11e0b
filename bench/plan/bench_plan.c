/* bench_plan.c - the planner's fast MCKP solver against GLPK on synthetic
 * national datasets (1,000 and 10,000 sites x 20 measures x 13 threats),
 * option sets built by the real plan model (screening, Pareto bundles);
 * with --db, a budget change on a registry with a cold and a warm model. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/pt_app_plan.h"
#include "core/pt_config.h"
#include "core/pt_gen.h"
#include "core/pt_mckp.h"
#include "core/pt_measure.h"
#include "core/pt_plan.h"
#include "formats/pt_assess_io.h"
#include "formats/pt_embedded.h"
#include "formats/pt_measures_io.h"

#define BENCH_MEASURES 20
#define BENCH_THREATS 13
#define BENCH_MAX_RUNS 64
/* The current threat level of the benchmark's country. */
#define BENCH_LEVEL PT_LEVEL_SUBSTANTIAL

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, enum pt_err err, const struct pt_diag *d)
{
	fprintf(stderr, "bench_plan: %s: %s%s%s\n", what, pt_strerror(err), d && d->msg[0] ? ": " : "",
		d ? d->msg : "");
	exit(70);
}

static void load_catalog(const char *name, struct pt_catalog *c)
{
	const struct pt_embedded_file *f = pt_embedded_find(name);
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	if (!f)
		die(name, PT_ENOTFOUND, NULL);
	if ((err = pt_catalog_read_csv(f->data, f->len, c, &d)))
		die(name, err, &d);
}

/* The built-in catalogues and the first BENCH_MEASURES measures with their effects. */
static void load_inputs(struct pt_catalogs *cat, struct pt_measure_catalog *measures)
{
	const struct pt_embedded_file *fm = pt_embedded_find("catalog/measures.csv");
	const struct pt_embedded_file *fe = pt_embedded_find("catalog/measure_effects.csv");
	struct pt_measure_catalog all;
	struct pt_diag d;
	enum pt_err err;
	size_t i;
	memset(cat, 0, sizeof *cat);
	memset(&all, 0, sizeof all);
	memset(measures, 0, sizeof *measures);
	memset(&d, 0, sizeof d);
	load_catalog("catalog/kinds.csv", &cat->kinds);
	load_catalog("catalog/sectors.csv", &cat->sectors);
	load_catalog("catalog/threats.csv", &cat->threats);
	if (!fm || !fe)
		die("catalog/measures.csv", PT_ENOTFOUND, NULL);
	if ((err = pt_measures_read_csv(fm->data, fm->len, cat, &all, &d)))
		die("measures.csv", err, &d);
	if ((err = pt_measure_effects_read_csv(fe->data, fe->len, &cat->threats, NULL, &all, &d)))
		die("measure_effects.csv", err, &d);
	if (all.n < BENCH_MEASURES || cat->threats.n != BENCH_THREATS) {
		fprintf(stderr, "bench_plan: the catalogue has %zu measures and %zu threats, want >= %d and %d\n",
			all.n, cat->threats.n, BENCH_MEASURES, BENCH_THREATS);
		exit(70);
	}
	for (i = 0; i < BENCH_MEASURES; i++)
		if ((err = pt_measure_catalog_add(measures, &all.items[i])))
			die("measures", err, NULL);
	for (i = 0; i < all.n_effects; i++)
		if (pt_measure_catalog_find(measures, all.effects[i].measure_id) >= 0 &&
		    (err = pt_measure_catalog_add_effect(measures, &all.effects[i])))
			die("effects", err, NULL);
	pt_measure_catalog_clear(&all);
}

/* PERT mean of a (min, mode, max) range. */
static double pert_mean(const struct pt_range *r, double lambda)
{
	return (r->min + lambda * r->mode + r->max) / (lambda + 2);
}

struct instance {
	struct pt_site *sites;
	struct pt_plan_pair *pairs;
	struct pt_plan_site *plan_sites;
	struct pt_plan_model *model;
	struct pt_mckp p;
};

/* n sites of the synthetic dataset of seed, their quantitative expected
 * values at the current threat level, and the plan model over them. */
static void build_instance(struct instance *in, const struct pt_catalogs *cat,
			   const struct pt_measure_catalog *measures, const double *v,
			   const double *c, const struct pt_config *cfg, uint64_t seed, size_t n)
{
	struct pt_gen_params gp;
	struct pt_diag d;
	enum pt_err err;
	size_t i, j;
	double level = cfg->level_factor[BENCH_LEVEL];
	memset(in, 0, sizeof *in);
	memset(&d, 0, sizeof d);
	gp.seed = seed;
	gp.n_sites = n;
	gp.n_threats = BENCH_THREATS;
	if ((err = pt_gen_check(&gp, cat, &d)))
		die("gen", err, &d);
	in->sites = calloc(n, sizeof *in->sites);
	in->pairs = calloc(n * BENCH_THREATS, sizeof *in->pairs);
	in->plan_sites = calloc(n, sizeof *in->plan_sites);
	if (!in->sites || !in->pairs || !in->plan_sites)
		die("instance", PT_ENOMEM, NULL);
	for (i = 0; i < n; i++) {
		if ((err = pt_gen_site(&gp, cat, i, &in->sites[i])))
			die("gen site", err, NULL);
		for (j = 0; j < BENCH_THREATS; j++) {
			struct pt_quant_row q;
			struct pt_plan_pair *pp = &in->pairs[i * BENCH_THREATS + j];
			double lambda = cfg->pert_lambda;
			if ((err = pt_gen_quant(&gp, cat, i, j, &q)))
				die("gen quant", err, NULL);
			pp->threat = (uint32_t)j;
			pp->p_attack = 1 - pow(1 - pert_mean(&q.var[PT_QV_P_ATTEMPT], lambda), level);
			pp->p_success = pert_mean(&q.var[PT_QV_P_SUCCESS], lambda);
			pp->consequence_eur =
				pert_mean(&q.var[PT_QV_FATALITIES], lambda) * cfg->value_statistical_life_eur +
				pert_mean(&q.var[PT_QV_INJURIES], lambda) * cfg->value_injury_eur +
				pert_mean(&q.var[PT_QV_LOSS_EUR], lambda);
		}
		in->plan_sites[i].site = &in->sites[i];
		in->plan_sites[i].pairs = &in->pairs[i * BENCH_THREATS];
		in->plan_sites[i].n_pairs = BENCH_THREATS;
	}
	if ((err = pt_plan_model_build(cfg, measures, v, c, BENCH_THREATS, in->plan_sites, n,
				       &in->model, &d)))
		die("plan model", err, &d);
	pt_plan_model_mckp(in->model, &in->p);
}

static void free_instance(struct instance *in)
{
	pt_plan_model_free(in->model);
	free(in->sites);
	free(in->pairs);
	free(in->plan_sites);
}

struct row {
	double ratio, gap;
};

static int run_size(const struct pt_catalogs *cat, const struct pt_measure_catalog *measures,
		    const double *v, const double *c, const struct pt_config *cfg, size_t n,
		    unsigned seeds, double glpk_limit, double budget_share, struct row *rows)
{
	unsigned k;
	printf("\n%zu sites x %d measures x %d threats, budget %.0f%% of the cost of everything, "
	       "GLPK limit %.0f s\n",
	       n, BENCH_MEASURES, BENCH_THREATS, budget_share * 100, glpk_limit);
	printf("gaps are relative: (GLPK value - fast value) / GLPK value, (best bound - fast value) / best\n"
	       "bound, and the fast solver's own (LP bound - value) / LP bound\n");
	printf("%-5s %8s %8s %8s %10s %10s %9s %16s %16s %16s %9s %9s %9s %5s\n", "seed", "options",
	       "movable", "fast_ms", "glpk_ms", "ratio", "states", "fast_value", "glpk_value",
	       "glpk_bound", "gap_glpk", "gap_bound", "fast_gap", "stop");
	for (k = 0; k < seeds; k++) {
		struct instance in;
		struct pt_mckp_solution f, x;
		struct pt_diag d;
		double times[BENCH_MAX_RUNS], t0, fast_ms, glpk_ms, budget, gap_glpk, gap_bound, best_bound;
		size_t runs = 0, g, movable = 0;
		enum pt_err err;
		uint64_t seed = 1000 + k;
		memset(&d, 0, sizeof d);
		build_instance(&in, cat, measures, v, c, cfg, seed, n);
		for (g = 0; g < in.p.n_groups; g++)
			movable += in.p.group_start[g + 1] - in.p.group_start[g] > 1;
		budget = budget_share * in.model->cost_of_everything;
		/* The fast solver: the median of repeated runs (at least 5, about 1 s). */
		t0 = now_ms();
		while (runs < BENCH_MAX_RUNS && (runs < 5 || now_ms() - t0 < 1000)) {
			double t1 = now_ms();
			if ((err = pt_mckp_solve_fast(&in.p, budget, &f, &d)))
				die("fast", err, &d);
			times[runs++] = now_ms() - t1;
			if (runs < BENCH_MAX_RUNS && (runs < 5 || now_ms() - t0 < 1000))
				pt_mckp_solution_clear(&f);
		}
		fast_ms = median(times, runs);
		t0 = now_ms();
		if ((err = pt_mckp_solve_exact(&in.p, budget, glpk_limit, &x, &d)))
			die("exact", err, &d);
		glpk_ms = now_ms() - t0;
		best_bound = fmin(f.bound, x.bound);
		gap_glpk = x.value > 0 ? (x.value - f.value) / x.value : 0;
		gap_bound = best_bound > 0 ? (best_bound - f.value) / best_bound : 0;
		printf("%-5" PRIu64 " %8zu %8zu %8.2f %10.1f %10.1f %9" PRIu64
		       " %16.2f %16.2f %16.2f %9.2e %9.2e %9.2e %5s\n",
		       seed, (size_t)in.p.group_start[n], movable, fast_ms, glpk_ms, glpk_ms / fast_ms,
		       f.repair_states, f.value, x.value, x.bound, gap_glpk, gap_bound, f.gap, x.time_limit_hit ? "limit" : (x.optimal ? "opt" : "?"));
		fflush(stdout);
		rows[k].ratio = glpk_ms / fast_ms;
		rows[k].gap = gap_glpk;
		pt_mckp_solution_clear(&f);
		pt_mckp_solution_clear(&x);
		free_instance(&in);
	}
	return 0;
}

static void summary(size_t n, struct row *rows, unsigned seeds)
{
	double r[BENCH_MAX_RUNS], g[BENCH_MAX_RUNS];
	unsigned k;
	for (k = 0; k < seeds; k++) {
		r[k] = rows[k].ratio;
		g[k] = rows[k].gap;
	}
	printf("%zu sites: median ratio GLPK/fast %.1fx, median gap of fast to GLPK %.2e (%.5f%%)\n",
	       n, median(r, seeds), median(g, seeds), median(g, seeds) * 100);
}

/* The server's snapshot source, reduced to one snapshot kept for the run. */
static struct pt_snapshot *bench_snapshot(void *ctx, struct pt_db *db, struct pt_diag *d)
{
	struct pt_snapshot **kept = ctx;
	if (!*kept && !(*kept = pt_snapshot_load(db, d)))
		return NULL;
	return pt_snapshot_retain(*kept);
}

/* One plan run as the page asks it (fast solver, checked by GLPK up to
 * 20,000 options, frontier points as given); its milliseconds. */
static double bench_plan_run(const struct pt_caller *c, struct pt_db *db,
			     struct pt_plan_cache *cache, double budget, size_t frontier,
			     struct pt_plan_run **out)
{
	struct pt_plan_opts o;
	struct pt_diag d;
	enum pt_err err;
	double t0;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.budget_eur = budget;
	o.solver = PT_SOLVER_FAST;
	o.check_exact = -1;
	o.time_limit_s = -30;
	o.frontier_points = frontier;
	o.cache = cache;
	t0 = now_ms();
	if ((err = pt_app_plan_run(c, db, &o, out, &d)) != PT_OK)
		die("pt_app_plan_run", err, &d);
	return now_ms() - t0;
}

/* A budget change on the registry at path: the first run builds the model
 * (cold: read, screening, bundles, solve), the next ones only solve (warm). */
static void bench_db(const char *path)
{
	struct pt_db *db = NULL;
	struct pt_snapshot *kept = NULL;
	struct pt_snapshot_source src = { bench_snapshot, &kept };
	struct pt_plan_cache *cache = NULL;
	struct pt_plan_cache_stats st;
	struct pt_plan_run *run = NULL;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	double all, cold, warm[3], cold_f, warm_f, t0;
	size_t all_sites;
	int k;
	memset(&d, 0, sizeof d);
	if ((err = pt_app_db_open(path, 0, &db, &d)) != PT_OK)
		die(path, err, &d);
	if ((err = pt_plan_cache_new((size_t)4096 << 20, &cache)) != PT_OK)
		die("cache", err, NULL);
	pt_caller_system(&c);
	c.snapshots = &src;
	t0 = now_ms();
	if (!(kept = pt_snapshot_load(db, &d)))
		die("snapshot", PT_EDB, &d);
	printf("\n%s: sites snapshot %.0f ms (the server keeps it)\n", path, now_ms() - t0);
	/* The model's cost of everything sets the budgets: 30%, then 20, 25, 35%. */
	cold = bench_plan_run(&c, db, NULL, 1e6, 0, &run);
	all = run->model->cost_of_everything;
	all_sites = run->model->n_sites;
	printf("%zu sites, %zu options; budget change on the page (fast solver, GLPK check up to 20,000 options):\n",
	       run->model->n_sites, run->model->n_options);
	pt_plan_run_free(run);
	cold = bench_plan_run(&c, db, cache, 0.3 * all, 0, &run);
	pt_plan_run_free(run);
	for (k = 0; k < 3; k++) {
		static const double shares[3] = { 0.2, 0.25, 0.35 };
		warm[k] = bench_plan_run(&c, db, cache, shares[k] * all, 0, &run);
		if (!run->cache_hit)
			printf("  (run %d was not served from the cache)\n", k);
		pt_plan_run_free(run);
	}
	printf("  cold model (read, screen, bundles, solve)       : %10.1f ms\n", cold);
	printf("  budget change with a warm model (solve only)     : %10.1f ms  (%.1f, %.1f, %.1f)\n",
	       median(warm, 3), warm[0], warm[1], warm[2]);
	if (all_sites <= 20000) { /* the frontier is computed each time (the page asks it once) */
		cold_f = bench_plan_run(&c, db, NULL, 0.3 * all, 101, &run);
		pt_plan_run_free(run);
		warm_f = bench_plan_run(&c, db, cache, 0.25 * all, 101, &run);
		pt_plan_run_free(run);
		printf("  with the frontier (101 points), cold / warm      : %10.1f / %.1f ms\n", cold_f,
		       warm_f);
	}
	pt_plan_cache_stats(cache, &st);
	printf("  cache: %zu model(s), %.1f MiB counted, %" PRIu64 " hits, %" PRIu64 " misses\n",
	       st.entries, (double)st.bytes / 1048576.0, st.hits, st.misses);
	pt_plan_cache_free(cache);
	pt_snapshot_release(kept);
	pt_app_db_close(db);
}

int main(int argc, char **argv)
{
	struct pt_catalogs cat;
	struct pt_measure_catalog measures;
	struct pt_config cfg;
	struct pt_diag d;
	double *v = NULL, *c = NULL, share = 0.3, limit_small = 120, limit_large = 60;
	unsigned seeds_small = 5, seeds_large = 3;
	size_t small = 1000, large = 10000;
	struct row rows[BENCH_MAX_RUNS];
	const char *dbs[4];
	size_t n_dbs = 0, k;
	enum pt_err err;
	int i;
	for (i = 1; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!val) {
			fprintf(stderr, "usage: bench_plan [--small N] [--large N] [--seeds-small K] "
					"[--seeds-large K] [--budget-share F] [--limit-small S] [--limit-large S] "
					"[--db FILE]...\n");
			return 64;
		}
		if (strcmp(argv[i], "--small") == 0)
			small = strtoul(val, NULL, 10);
		else if (strcmp(argv[i], "--large") == 0)
			large = strtoul(val, NULL, 10);
		else if (strcmp(argv[i], "--seeds-small") == 0)
			seeds_small = (unsigned)strtoul(val, NULL, 10);
		else if (strcmp(argv[i], "--seeds-large") == 0)
			seeds_large = (unsigned)strtoul(val, NULL, 10);
		else if (strcmp(argv[i], "--budget-share") == 0)
			share = strtod(val, NULL);
		else if (strcmp(argv[i], "--limit-small") == 0)
			limit_small = strtod(val, NULL);
		else if (strcmp(argv[i], "--limit-large") == 0)
			limit_large = strtod(val, NULL);
		else if (strcmp(argv[i], "--db") == 0 && n_dbs < 4)
			dbs[n_dbs++] = val;
		else {
			fprintf(stderr, "bench_plan: unknown option %s\n", argv[i]);
			return 64;
		}
		i++;
	}
	if (seeds_small > BENCH_MAX_RUNS || seeds_large > BENCH_MAX_RUNS || !(share > 0)) {
		fprintf(stderr, "bench_plan: at most %d seeds, a budget share above 0\n", BENCH_MAX_RUNS);
		return 64;
	}
	memset(&d, 0, sizeof d);
	pt_config_defaults(&cfg);
	load_inputs(&cat, &measures);
	if ((err = pt_measure_effect_matrix(&measures, &cat.threats, &v, &c, &d)))
		die("effects", err, &d);
	printf("bench/plan: fast MCKP solver (hull greedy + exact repair) against GLPK %s\n",
	       "(branch and cut, presolve, mip_gap 0)");
	printf("plan: horizon %u years, discount rate %g, at most %u measures per site, threat level factor %g\n",
	       cfg.plan_horizon_years, cfg.plan_discount_rate, cfg.plan_max_measures,
	       cfg.level_factor[BENCH_LEVEL]);
	if (small && seeds_small) {
		run_size(&cat, &measures, v, c, &cfg, small, seeds_small, limit_small, share, rows);
		summary(small, rows, seeds_small);
	}
	if (large && seeds_large) {
		run_size(&cat, &measures, v, c, &cfg, large, seeds_large, limit_large, share, rows);
		summary(large, rows, seeds_large);
	}
	for (k = 0; k < n_dbs; k++)
		bench_db(dbs[k]);
	free(v);
	free(c);
	pt_measure_catalog_clear(&measures);
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
	return 0;
}
