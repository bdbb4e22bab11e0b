/* bench_risk.c - the quantitative engine on a synthetic national dataset
 * (100,000 sites x 12 threats, 200 samples) at 1 and 2 threads against numpy,
 * without and with the national share; end to end on a registry with --db. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/pt_app_ranking.h"
#include "core/pt_quant.h"
#include "store/pt_db.h"

#define BENCH_THREATS 12
#define BENCH_VSL 3600000.0
#define BENCH_VI 468000.0
#define BENCH_LAMBDA 4.0
#define BENCH_TOP_K 100u
#define BENCH_SEED 20240601u

/* The benchmark's own generator (splitmix64), independent of the library's. */
static uint64_t bench_state = UINT64_C(0x243f6a8885a308d3);

static double bench_uniform(void)
{
	uint64_t z = (bench_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1.0p-53;
}

/* A (min, mode, max) range with min < max: min in [lo, lo + spread), a mode
 * inside, max at most cap. */
static struct pt_range bench_range(double lo, double spread, double width, double cap)
{
	struct pt_range r;
	r.min = lo + spread * bench_uniform();
	r.max = r.min + width * (0.05 + bench_uniform());
	if (r.max > cap)
		r.max = cap;
	if (r.min >= r.max)
		r.min = r.max * 0.5;
	r.mode = r.min + (r.max - r.min) * bench_uniform() * bench_uniform();
	return r;
}

static void bench_generate(struct pt_quant_pair *pairs, size_t n_sites)
{
	size_t s, t;
	for (s = 0; s < n_sites; s++) {
		/* Sites differ in size: a few large venues, many small ones. */
		double size = exp(4 * bench_uniform());
		for (t = 0; t < BENCH_THREATS; t++) {
			struct pt_quant_pair *p = &pairs[s * BENCH_THREATS + t];
			p->site = (uint32_t)s;
			p->threat = (uint32_t)t;
			p->var[PT_QV_P_ATTEMPT] = bench_range(0, 0.002, 0.02, 1);
			p->var[PT_QV_P_SUCCESS] = bench_range(0.05, 0.3, 0.5, 1);
			p->var[PT_QV_FATALITIES] = bench_range(0, 2 * size, 20 * size, 1e6);
			p->var[PT_QV_INJURIES] = bench_range(0, 5 * size, 60 * size, 1e6);
			p->var[PT_QV_LOSS_EUR] = bench_range(1e5, 1e6 * size, 2e7 * size, 1e12);
		}
	}
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Input of the numpy peer: a little-endian header then per-pair records. */
static int write_input(const char *path, const struct pt_quant_pair *pairs, size_t n_pairs,
		       size_t n_sites, uint32_t samples)
{
	FILE *f = fopen(path, "wb");
	double head[8];
	size_t i;
	int ok;
	if (!f)
		return -1;
	head[0] = (double)n_sites;
	head[1] = (double)n_pairs;
	head[2] = (double)samples;
	head[3] = BENCH_VSL;
	head[4] = BENCH_VI;
	head[5] = BENCH_LAMBDA;
	head[6] = BENCH_TOP_K;
	head[7] = BENCH_SEED;
	ok = fwrite(head, sizeof head, 1, f) == 1;
	for (i = 0; ok && i < n_pairs; i++) {
		double rec[2 + 3 * PT_QV_COUNT];
		int v;
		rec[0] = pairs[i].site;
		rec[1] = pairs[i].threat;
		for (v = 0; v < PT_QV_COUNT; v++) {
			rec[2 + 3 * v] = pairs[i].var[v].min;
			rec[3 + 3 * v] = pairs[i].var[v].mode;
			rec[4 + 3 * v] = pairs[i].var[v].max;
		}
		ok = fwrite(rec, sizeof rec, 1, f) == 1;
	}
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

/* Times of one run: set-up (or load), sampling, ranking, from the progress
 * callback's first report (done = 0) and the one that ends the sampling. */
struct split {
	double t0, t_start, t_sampled, cpu0;
	uint64_t sample_units; /* UINT64_MAX: total minus samples, from the first report */
	uint64_t samples;
};

static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct split *s = ctx;
	if (s->sample_units == UINT64_MAX)
		s->sample_units = total - s->samples;
	if (done == 0 && s->t_start == 0)
		s->t_start = now_seconds();
	if (done >= s->sample_units && s->t_sampled == 0)
		s->t_sampled = now_seconds();
	return 0;
}

struct timing {
	double total, setup, sample, rank;
	double cpu; /* CPU seconds of the process over the run (all threads) */
};

/* CPU time of the process: on a machine shared with others' work, the
 * 1-thread figures in CPU time are steadier than the wall clock. */
static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void split_done(struct split *s, struct timing *t)
{
	double end = now_seconds();
	if (s->t_start == 0) /* no report at the start (a library before issue 10) */
		s->t_start = s->t0;
	if (s->t_sampled == 0)
		s->t_sampled = end;
	t->cpu = cpu_seconds() - s->cpu0;
	t->total = end - s->t0;
	t->setup = s->t_start - s->t0;
	t->sample = s->t_sampled - s->t_start;
	t->rank = end - s->t_sampled;
}

static int run_c(const struct pt_quant_pair *pairs, size_t n_pairs, size_t n_sites,
		 uint32_t samples, double share, unsigned threads, struct pt_quant_result **out,
		 struct timing *t)
{
	struct pt_quant_params p;
	struct pt_diag d;
	struct split sp;
	enum pt_err err;
	memset(&p, 0, sizeof p);
	memset(&d, 0, sizeof d);
	memset(&sp, 0, sizeof sp);
	p.value_statistical_life_eur = BENCH_VSL;
	p.value_injury_eur = BENCH_VI;
	p.pert_lambda = BENCH_LAMBDA;
	p.national_share = share;
	p.samples = samples;
	p.seed = BENCH_SEED;
	p.threads = threads;
	p.top_k = BENCH_TOP_K;
	p.progress = on_progress;
	p.progress_ctx = &sp;
	sp.sample_units = (uint64_t)n_pairs * samples;
	sp.cpu0 = cpu_seconds();
	sp.t0 = now_seconds();
	err = pt_quant_run(n_sites, BENCH_THREATS, pairs, n_pairs, &p, out, &d);
	split_done(&sp, t);
	if (err != PT_OK) {
		fprintf(stderr, "bench_risk: pt_quant_run: %s: %s\n", pt_strerror(err), d.msg);
		return -1;
	}
	return 0;
}

/* Keep the fastest run of each kind (the total decides, its split goes with it). */
static void keep_fastest(struct timing *best, const struct timing *t)
{
	if (t->total < best->total)
		*best = *t;
}

static void print_timing(const char *label, const struct timing *t, uint64_t variates,
			 const char *setup_name)
{
	printf("%-13s: %8.3f s  %6.2f ns/variate  (%s %.3f s, sample %.3f s, rank %.3f s; cpu %.3f s)\n",
	       label, t->total, 1e9 * t->total / (double)variates, setup_name, t->setup, t->sample,
	       t->rank, t->cpu);
}

/* Do two results hold the same bits? */
static int same_results(const struct pt_quant_result *a, const struct pt_quant_result *b)
{
	return a->n_sites == b->n_sites &&
	       memcmp(a->sites, b->sites, a->n_sites * sizeof *a->sites) == 0 &&
	       memcmp(&a->total_mean_eur, &b->total_mean_eur, sizeof a->total_mean_eur) == 0 &&
	       a->variates_drawn == b->variates_drawn;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_risk [--sites N] [--samples S] [--repeat R] [--peer numpy_peer.py] [--no-peer] [--tmp DIR] [--db FILE]\n"
			"  --repeat R  run each measurement R times and keep the fastest (a shared machine)\n"
			"  --db FILE   also rank the registry FILE end to end (load, sample, rank) at its settings\n");
	exit(64);
}

/* Run the numpy peer once; its seconds and figures into the out-parameters. */
static int run_peer(const char *peer, const char *in_path, const char *out_path, double *seconds,
		    double *variates, double *total_mean, double *p_top, double *cpu)
{
	char cmd[9000];
	FILE *f;
	int status, ok;
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s' '%s'", peer, in_path, out_path);
	fflush(stdout);
	status = system(cmd);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_risk: the numpy peer failed (%s)\n", cmd);
		remove(out_path);
		return -1;
	}
	f = fopen(out_path, "r");
	ok = f && fscanf(f, "%lf %lf %lf %lf %lf", seconds, variates, total_mean, p_top, cpu) == 5;
	if (f)
		fclose(f);
	remove(out_path);
	if (!ok)
		fprintf(stderr, "bench_risk: cannot read the peer's result %s\n", out_path);
	return ok ? 0 : -1;
}

/* One end-to-end ranking of the registry: load (the store's reads, the
 * pairs, the run's set-up), sample, rank (the national totals, P(top K),
 * the order of the rows). */
static int run_db(struct pt_db *db, uint32_t samples, int share_set, double share,
		  unsigned threads, struct timing *t, size_t *n_pairs, uint64_t *variates,
		  double *used_share)
{
	struct pt_ranking_opts o;
	struct pt_ranking *r = NULL;
	struct pt_diag d;
	struct split sp;
	enum pt_err err;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	memset(&sp, 0, sizeof sp);
	o.method = PT_METHOD_QUANT;
	o.samples_set = 1;
	o.samples = samples;
	o.national_share_set = share_set;
	o.national_share = share;
	o.threads = threads;
	o.progress = on_progress;
	o.progress_ctx = &sp;
	/* The pairs are known only once loaded: the callback's total tells them. */
	sp.sample_units = UINT64_MAX;
	sp.samples = samples;
	sp.cpu0 = cpu_seconds();
	sp.t0 = now_seconds();
	err = pt_ranking_run(db, &o, &r, &d);
	if (err == PT_OK && r->quant) {
		*n_pairs = r->quant->n_pairs;
		*variates = r->quant->variates_drawn;
		*used_share = r->params.national_share;
	}
	split_done(&sp, t);
	pt_ranking_free(r);
	if (err != PT_OK) {
		fprintf(stderr, "bench_risk: pt_ranking_run: %s: %s\n", pt_strerror(err), d.msg);
		return -1;
	}
	return 0;
}

static int bench_db(const char *path, uint32_t samples, unsigned repeat)
{
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	int share_set;
	memset(&d, 0, sizeof d);
	if ((err = pt_db_open(path, 0, &db, &d)) != PT_OK) {
		fprintf(stderr, "bench_risk: %s: %s: %s\n", path, pt_strerror(err), d.msg);
		return 66;
	}
	printf("\nend to end (pt_ranking_run, as `protect assess --method quant --samples %" PRIu32
	       "` without the output) on %s:\n", samples, path);
	for (share_set = 0; share_set < 2; share_set++) {
		struct timing best[2];
		size_t n_pairs = 0;
		uint64_t variates = 0;
		double used_share = NAN;
		unsigned threads, k;
		for (threads = 1; threads <= 2; threads++) {
			best[threads - 1].total = HUGE_VAL;
			for (k = 0; k < repeat; k++) {
				struct timing t;
				if (run_db(db, samples, share_set, 0, threads, &t, &n_pairs, &variates,
					   &used_share) != 0) {
					pt_db_close(db);
					return 70;
				}
				keep_fastest(&best[threads - 1], &t);
			}
		}
		printf("%s (national share %g), %zu pairs:\n",
		       share_set ? "--national-share 0" : "default settings", used_share, n_pairs);
		print_timing("  1 thread", &best[0], variates, "load");
		print_timing("  2 threads", &best[1], variates, "load");
		printf("  2 threads vs 1: %.2fx end to end, %.2fx in the sampling\n",
		       best[0].total / best[1].total, best[0].sample / best[1].sample);
	}
	pt_db_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	size_t n_sites = 100000, n_pairs, i;
	uint32_t samples = 200;
	unsigned repeat = 1, k;
	const char *peer = "bench/risk/numpy_peer.py", *tmp = getenv("TMPDIR"), *db_path = NULL;
	char in_path[4096], out_path[4096];
	struct pt_quant_pair *pairs;
	/* Rows: [0] no national share, [1] the default settings (national share 0.5). */
	static const double shares[2] = { 0, 0.5 };
	struct pt_quant_result *r1[2] = { NULL, NULL }, *r2[2] = { NULL, NULL };
	struct timing t1[2], t2[2];
	double tp = HUGE_VAL, tp_cpu = HUGE_VAL;
	double np_variates = NAN, np_total_mean = NAN, np_p_top = NAN;
	int use_peer = 1, rc = 0, a, row;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--sites") && a + 1 < argc)
			n_sites = strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--samples") && a + 1 < argc)
			samples = (uint32_t)strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--repeat") && a + 1 < argc)
			repeat = (unsigned)strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--peer") && a + 1 < argc)
			peer = argv[++a];
		else if (!strcmp(argv[a], "--no-peer"))
			use_peer = 0;
		else if (!strcmp(argv[a], "--tmp") && a + 1 < argc)
			tmp = argv[++a];
		else if (!strcmp(argv[a], "--db") && a + 1 < argc)
			db_path = argv[++a];
		else
			usage();
	}
	if (n_sites < 1 || n_sites > 10000000 || samples < 1 || samples > 100000 || repeat < 1 ||
	    repeat > 100)
		usage();
	if (!tmp || !*tmp)
		tmp = "/tmp";
	n_pairs = n_sites * BENCH_THREATS;
	pairs = malloc(n_pairs * sizeof *pairs);
	if (!pairs) {
		fprintf(stderr, "bench_risk: out of memory\n");
		return 70;
	}
	bench_generate(pairs, n_sites);
	printf("risk benchmark: %zu sites x %d threats = %zu pairs, %" PRIu32
	       " samples, PERT lambda 4; times split into set-up, sample and rank\n",
	       n_sites, BENCH_THREATS, n_pairs, samples);
	if (repeat > 1)
		printf("each measurement repeated %u times, the fastest kept\n", repeat);

	for (row = 0; row < 2; row++) {
		t1[row].total = t2[row].total = HUGE_VAL;
		for (k = 0; k < repeat; k++) {
			struct pt_quant_result *a1 = NULL, *a2 = NULL;
			struct timing s1, s2;
			if (run_c(pairs, n_pairs, n_sites, samples, shares[row], 1, &a1, &s1) != 0 ||
			    run_c(pairs, n_pairs, n_sites, samples, shares[row], 2, &a2, &s2) != 0) {
				pt_quant_result_free(a1);
				rc = 70;
				goto out;
			}
			keep_fastest(&t1[row], &s1);
			keep_fastest(&t2[row], &s2);
			if (!r1[row]) {
				r1[row] = a1;
				r2[row] = a2;
			} else {
				if (!same_results(r1[row], a1) || !same_results(r1[row], a2))
					printf("C: a repeated run gave different numbers\n");
				pt_quant_result_free(a1);
				pt_quant_result_free(a2);
			}
		}
		printf("%s:\n", row ? "default settings (national share 0.5)" : "no national share");
		print_timing("C, 1 thread", &t1[row], r1[row]->variates_drawn, "set-up");
		print_timing("C, 2 threads", &t2[row], r2[row]->variates_drawn, "set-up");
		printf("C, 1 and 2 threads give identical results: %s\n",
		       same_results(r1[row], r2[row]) ? "yes" : "NO");
		printf("C: national exact total %.6g EUR/yr, sample mean %.6g (p5 %.6g, p95 %.6g), max |mean - score| / se %.2f\n",
		       r1[row]->total_score_eur, r1[row]->total_mean_eur, r1[row]->total_p5_eur,
		       r1[row]->total_p95_eur, r1[row]->max_mean_z);
	}

	if (use_peer) {
		snprintf(in_path, sizeof in_path, "%s/bench_risk_in.%ld.bin", tmp, (long)getpid());
		snprintf(out_path, sizeof out_path, "%s/bench_risk_out.%ld.txt", tmp, (long)getpid());
		if (write_input(in_path, pairs, n_pairs, n_sites, samples) != 0) {
			fprintf(stderr, "bench_risk: cannot write %s: %s\n", in_path, strerror(errno));
			remove(in_path);
			rc = 74;
			goto out;
		}
		for (k = 0; k < repeat; k++) {
			double s, c;
			if (run_peer(peer, in_path, out_path, &s, &np_variates, &np_total_mean, &np_p_top,
				     &c) != 0) {
				remove(in_path);
				rc = 70;
				goto out;
			}
			if (s < tp)
				tp = s;
			if (c < tp_cpu)
				tp_cpu = c;
		}
		remove(in_path);
		printf("numpy (no national share): %8.3f s  %6.2f ns/variate  (%.0f variates; cpu %.3f s)\n",
		       tp, 1e9 * tp / np_variates, np_variates, tp_cpu);
		printf("numpy: national sample mean %.6g EUR/yr (%+.2f%% from the C exact total)\n",
		       np_total_mean, 100 * (np_total_mean / r1[0]->total_score_eur - 1));
		{
			/* The site with the largest exact score: its p_topk in each. */
			size_t best = 0;
			for (i = 1; i < r1[0]->n_sites; i++)
				if (r1[0]->sites[i].score_eur > r1[0]->sites[best].score_eur)
					best = i;
			printf("p_topk of the top site (%zu): C %.3f, numpy %.3f\n", best,
			       r1[0]->sites[best].p_topk, np_p_top);
		}
		printf("ratio C 1 thread vs numpy, no national share      : %.2fx (cpu %.2fx)\n",
		       tp / t1[0].total, tp_cpu / t1[0].cpu);
		printf("ratio C 1 thread vs numpy, default settings (0.5) : %.2fx (cpu %.2fx)\n",
		       tp / t1[1].total, tp_cpu / t1[1].cpu);
	}
	printf("ratio C 2 threads vs 1, no national share      : %.2fx\n", t1[0].total / t2[0].total);
	printf("ratio C 2 threads vs 1, default settings (0.5) : %.2fx\n", t1[1].total / t2[1].total);
	if (db_path)
		rc = bench_db(db_path, samples, repeat);
out:
	for (row = 0; row < 2; row++) {
		pt_quant_result_free(r1[row]);
		pt_quant_result_free(r2[row]);
	}
	free(pairs);
	return rc;
}
