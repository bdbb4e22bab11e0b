/* pt_quant.c - the quantitative method (RAMCAP / J100): exact expected
 * yearly loss per pair and site, and the threaded, keyed PERT Monte Carlo. */
#include "pt_quant.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "pt_rng.h"

/* ---------------------------------------------------------------------------
 * Exact expectations
 * ------------------------------------------------------------------------- */

double pt_pert_mean(const struct pt_range *r, double lambda)
{
	if (!r)
		return NAN;
	if (r->min == r->max)
		return r->min;
	return (r->min + lambda * r->mode + r->max) / (lambda + 2);
}

/* Beta shape parameters of a PERT range with min < max. */
static void pert_shape(const struct pt_range *r, double lambda, double *alpha, double *beta)
{
	double scale = r->max - r->min;
	*alpha = 1 + lambda * (r->mode - r->min) / scale;
	*beta = 1 + lambda * (r->max - r->mode) / scale;
}

/*
 * Narrow ranges: with q = (1 - a)^f and rr = s / (1 - a),
 * 1 - (1 - T)^f = (1 - q) - q sum_{k>=1} C(f, k) (-rr X)^k, X ~ Beta(alpha, beta),
 * E[X^k] = prod_{j<k} (alpha + j) / (alpha + beta + j). Both parts are >= 0,
 * so nothing cancels between them. Once k + 1 >= 2 f rr successive terms
 * shrink by at least rr <= 1/2, so the tail after a term is at most that term.
 */
static double scaled_series(double a, double rr, double alpha, double beta, double f)
{
	double one_minus_q = -expm1(f * log1p(-a)), q = 1 - one_minus_q;
	double c = 1, m = 1, sum = 0;
	int k;
	for (k = 1; k <= 2000; k++) {
		double term;
		c *= -(f - (k - 1)) / k * rr;
		m *= (alpha + (k - 1)) / (alpha + beta + (k - 1));
		term = c * m;
		sum += term;
		if (term == 0 || ((k + 1) >= 2 * f * rr && fabs(term) <= 1e-17 * fabs(sum)))
			break;
	}
	return one_minus_q - q * sum;
}

struct scaled_ctx {
	double a, b, s, one_minus_b; /* T = a + s X, X ~ Beta(alpha, beta) */
	double alpha, beta, log_mode; /* log of the largest x^(alpha-1) (1-x)^(beta-1) */
	double f;
};

/* Weight (density x Jacobian, relative to the mode) and weight x g at node t. */
static void ts_node(const struct scaled_ctx *c, double t, double *w, double *wg)
{
	double u = M_PI_2 * sinh(t), e, x, y, lx, ly, T, g;
	if (t >= 0) {
		e = exp(-2 * u);
		x = 1 / (1 + e);
		y = e / (1 + e);
		lx = -log1p(e);
		ly = -2 * u - log1p(e);
	} else {
		e = exp(2 * u);
		y = 1 / (1 + e);
		x = e / (1 + e);
		ly = -log1p(e);
		lx = 2 * u - log1p(e);
	}
	/* dx/dt = pi cosh(t) x (1 - x): the x (1 - x) joins the density's powers. */
	*w = exp(c->alpha * lx + c->beta * ly - c->log_mode) * M_PI * cosh(t);
	if (*w == 0) {
		*wg = 0;
		return;
	}
	T = x <= 0.5 ? c->a + c->s * x : c->b - c->s * y;
	if (T < 0.5) {
		g = -expm1(c->f * log1p(-T));
	} else {
		double one_minus_t = c->one_minus_b + c->s * y;
		g = one_minus_t > 0 ? -expm1(c->f * log(one_minus_t)) : 1;
	}
	*wg = *w * g;
}

double pt_pert_mean_scaled_quadrature(const struct pt_range *r, double lambda, double factor)
{
	const double t_max = 4; /* beyond, x (1 - x) < 1e-37 */
	struct scaled_ctx c;
	double num = 0, den = 0, h = 0.5, prev = NAN, cur = NAN;
	int level;
	if (!r || !(r->min >= 0 && r->min < r->max && r->max <= 1) || !(lambda >= 0) ||
	    !(r->mode >= r->min && r->mode <= r->max) || isnan(factor))
		return NAN;
	c.a = r->min;
	c.b = r->max;
	c.s = r->max - r->min;
	c.one_minus_b = 1 - r->max;
	c.f = factor;
	pert_shape(r, lambda, &c.alpha, &c.beta);
	c.log_mode = 0;
	if (c.alpha + c.beta > 2) {
		double xm = (c.alpha - 1) / (c.alpha + c.beta - 2);
		if (c.alpha > 1)
			c.log_mode += (c.alpha - 1) * log(xm);
		if (c.beta > 1)
			c.log_mode += (c.beta - 1) * log1p(-xm);
	}
	/* Weights and sums are relative to the mode so nothing overflows; the
	 * density's normalisation cancels in num / den. */
	for (level = 0; level <= 9; level++) {
		/* Level 0 takes every multiple of h; later levels the odd multiples of the halved h. */
		long n = (long)(t_max / h), k = level == 0 ? -n : -n + 1, step = level == 0 ? 1 : 2;
		for (; k <= n; k += step) {
			double w, wg;
			ts_node(&c, (double)k * h, &w, &wg);
			den += w;
			num += wg;
		}
		prev = cur;
		cur = num / den;
		if (level >= 3 && fabs(cur - prev) <= 1e-12 * fabs(cur))
			break;
		h *= 0.5;
	}
	return cur;
}

double pt_pert_mean_scaled(const struct pt_range *r, double lambda, double factor)
{
	double alpha, beta, rr;
	if (!r || isnan(factor) || isnan(lambda) || isnan(r->min) || isnan(r->mode) ||
	    isnan(r->max))
		return NAN;
	if (factor == 1.0)
		return pt_pert_mean(r, lambda);
	if (r->min == r->max)
		return pt_threat_level_scale(r->min, factor);
	if (factor <= 0)
		return 0;
	if (!(r->min >= 0 && r->min < r->max && r->max <= 1 && r->mode >= r->min &&
	      r->mode <= r->max && lambda >= 0))
		return NAN;
	pert_shape(r, lambda, &alpha, &beta);
	rr = (r->max - r->min) / (1 - r->min);
	if (rr <= 0.5 && factor * rr <= 4)
		return scaled_series(r->min, rr, alpha, beta, factor);
	return pt_pert_mean_scaled_quadrature(r, lambda, factor);
}

/* ---------------------------------------------------------------------------
 * Selection (order statistics) on (key, index) with the index breaking ties
 * ------------------------------------------------------------------------- */

struct sel {
	double key;
	uint32_t idx;
};

static int sel_less(const struct sel *a, const struct sel *b)
{
	return a->key < b->key || (a->key == b->key && a->idx < b->idx);
}

static void sel_swap(struct sel *a, size_t i, size_t j)
{
	struct sel t = a[i];
	a[i] = a[j];
	a[j] = t;
}

static void sel_sift(struct sel *a, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && sel_less(&a[child], &a[child + 1]))
			child++;
		if (!sel_less(&a[root], &a[child]))
			return;
		sel_swap(a, root, child);
		root = child;
	}
}

/* Heapsort a[0, n): the fallback that keeps selection O(n log n) at worst. */
static void sel_heapsort(struct sel *a, size_t n)
{
	size_t i;
	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;)
		sel_sift(a, i, n);
	for (i = n - 1; i > 0; i--) {
		sel_swap(a, 0, i);
		sel_sift(a, 0, i);
	}
}

/*
 * Rearrange a[0, n) so a[k] is the element of rank k and nothing before it
 * is greater, nothing after it less (quickselect with median-of-three,
 * Numerical Recipes 8.5; heapsort when the partitions stop shrinking).
 */
static void sel_select(struct sel *a, size_t n, size_t k)
{
	size_t l = 0, ir = n - 1;
	unsigned budget = 64;
	size_t m = n;
	while (m >>= 1)
		budget += 2;
	for (;;) {
		size_t i, j, mid;
		struct sel pivot;
		if (ir <= l + 1) {
			if (ir == l + 1 && sel_less(&a[ir], &a[l]))
				sel_swap(a, l, ir);
			return;
		}
		if (budget-- == 0) {
			sel_heapsort(a + l, ir - l + 1);
			return;
		}
		mid = l + (ir - l) / 2;
		sel_swap(a, mid, l + 1);
		if (sel_less(&a[ir], &a[l]))
			sel_swap(a, l, ir);
		if (sel_less(&a[ir], &a[l + 1]))
			sel_swap(a, l + 1, ir);
		if (sel_less(&a[l + 1], &a[l]))
			sel_swap(a, l, l + 1);
		i = l + 1;
		j = ir;
		pivot = a[l + 1];
		for (;;) {
			do
				i++;
			while (sel_less(&a[i], &pivot));
			do
				j--;
			while (sel_less(&pivot, &a[j]));
			if (j < i)
				break;
			sel_swap(a, i, j);
		}
		a[l + 1] = a[j];
		a[j] = pivot;
		if (j >= k)
			ir = j - 1;
		if (j <= k)
			l = i;
	}
}

/*
 * Percentile q of the n keys in a (reordered), by linear interpolation
 * between order statistics at h = q (n - 1) (Hyndman & Fan type 7, numpy's
 * default; numpy's lerp, which is exact at both ends).
 */
static double sel_percentile(struct sel *a, size_t n, double q)
{
	double h = q * (double)(n - 1), t, lo_v, hi_v, diff;
	size_t lo = (size_t)floor(h), i;
	if (lo >= n - 1) {
		sel_select(a, n, n - 1);
		return a[n - 1].key;
	}
	t = h - (double)lo;
	sel_select(a, n, lo);
	lo_v = a[lo].key;
	hi_v = a[lo + 1].key;
	for (i = lo + 2; i < n; i++)
		if (a[i].key < hi_v)
			hi_v = a[i].key;
	diff = hi_v - lo_v;
	return t >= 0.5 ? hi_v - diff * (1 - t) : lo_v + diff * t;
}

enum pt_err pt_quant_percentile(const double *x, size_t n, double q, double *out)
{
	struct sel *a;
	size_t i;
	if (!x || !out || n == 0 || !(q >= 0 && q <= 1) || n > UINT32_MAX)
		return PT_EINVAL;
	a = malloc(n * sizeof *a);
	if (!a)
		return PT_ENOMEM;
	for (i = 0; i < n; i++) {
		if (isnan(x[i])) {
			free(a);
			return PT_EINVAL;
		}
		a[i].key = x[i];
		a[i].idx = (uint32_t)i;
	}
	*out = sel_percentile(a, n, q);
	free(a);
	return PT_OK;
}

/* Mean of x[0, n) computed about x[0], so a constant series gives x[0] exactly. */
static double shifted_mean(const double *x, size_t n)
{
	double sum = 0;
	size_t i;
	for (i = 0; i < n; i++)
		sum += x[i] - x[0];
	return x[0] + sum / (double)n;
}

/* ---------------------------------------------------------------------------
 * The run
 * ------------------------------------------------------------------------- */

enum { SEL_BLOCK = 8 };
#define PT_QUANT_NATIONAL_Z_MAX ((uint64_t)1 << 22) /* threats x samples national normals kept */                 /* samples gathered per pass of the ranking */
#define SEL_SCRATCH_MAX ((size_t)1 << 22) /* entries of a worker's ranking scratch */

struct quant_job {
	const struct pt_quant_pair *pairs;
	const struct pt_quant_params *params;
	size_t n_sites;
	size_t samples;
	double lambda;
	const size_t *site_start;   /* n_sites + 1: the site's pairs in order[] */
	const uint32_t *order;      /* pair indexes grouped by site, input order within */
	const uint64_t *sample_key; /* pt_rng_key1(seed, sample) */
	double *loss;               /* n_sites x samples: yearly loss of each site in each sample */
	const uint32_t *ranked;     /* sites with pairs, in index order */
	size_t n_ranked, top_k;
	size_t block;               /* samples per ranking pass */
	double *totals;             /* samples: national total of each sample */
	struct pt_quant_result *res;
	double sqrt_share, sqrt_rest;
	int national;
	const struct pt_pert_table *table; /* the run's PERT quantile table (samples > 0) */
	const double *national_z;   /* n_threats x samples: Z_n of (threat, sample), or NULL */
	/* Work sharing: units are sites (phase 1) or sample blocks (phase 2). */
	atomic_size_t next;
	size_t n_units, chunk;
	atomic_int cancel;
	pthread_mutex_t lock; /* around done and the progress callback */
	uint64_t done, total;
};

struct quant_worker {
	struct quant_job *job;
	struct sel *row;      /* samples: a site's losses, for its percentiles */
	struct sel *cols;     /* block x n_ranked: losses of a few samples, for the ranking */
	uint32_t *in_top;     /* n_ranked: samples in which ranked site i was in the top K */
	uint64_t variates;
	double max_z;
	pthread_t thread;
	char pad[64]; /* keeps each worker's counters off its neighbours' cache lines */
};

static void job_progress(struct quant_job *j, uint64_t units)
{
	const struct pt_quant_params *p = j->params;
	pthread_mutex_lock(&j->lock);
	j->done += units;
	if (p->progress && !atomic_load(&j->cancel) && p->progress(p->progress_ctx, j->done, j->total))
		atomic_store(&j->cancel, 1);
	pthread_mutex_unlock(&j->lock);
}

/* Sample one pair in every sample and add its risk to the site's row. */
static void sample_pair(struct quant_worker *w, const struct pt_quant_pair *q, struct pt_pert *pt,
			double factor, double *row)
{
	const struct quant_job *j = w->job;
	const struct pt_quant_params *p = j->params;
	const uint64_t *sample_key = j->sample_key;
	const struct pt_pert *pa = &pt[PT_QV_P_ATTEMPT], *pv = &pt[PT_QV_P_SUCCESS];
	const struct pt_pert *pf = &pt[PT_QV_FATALITIES], *pi = &pt[PT_QV_INJURIES];
	const struct pt_pert *pl = &pt[PT_QV_LOSS_EUR];
	const double vsl = p->value_statistical_life_eur, vi = p->value_injury_eur;
	const int conditional = p->conditional != 0, scaled = factor != 1.0;
	const uint64_t site_key = p->site_key ? p->site_key[q->site] : q->site;
	const uint64_t threat_key = p->threat_key ? p->threat_key[q->threat] : q->threat;
	uint64_t k23 = pt_rng_key23(p->seed, site_key, threat_key);
	size_t s, n = j->samples;
	unsigned drawn;
	/* A pair that is zero in every sample adds nothing; its streams are its own. */
	if ((!conditional && pa->max == 0) || pv->max == 0 ||
	    pf->max * vsl + pi->max * vi + pl->max == 0)
		return;
	drawn = (unsigned)(!conditional && !pa->constant) + (unsigned)!pv->constant +
		(unsigned)!pf->constant + (unsigned)!pi->constant + (unsigned)!pl->constant;
	w->variates += (uint64_t)drawn * n;
	if (j->national && !conditional && !pa->constant) {
		/* T = F^-1(Phi(sqrt(s) Z_n + sqrt(1-s) Z_l)): Z_n shared by every site. */
		uint64_t kn = pt_rng_key23(p->seed, PT_QUANT_NATIONAL_KEY, threat_key);
		const double *nz = j->national_z ? j->national_z + (size_t)q->threat * n : NULL;
		for (s = 0; s < n; s++) {
			struct pt_rng r, rn;
			double zn, zl, t, v, f, inj, l;
			if (nz) {
				zn = nz[s];
			} else {
				pt_rng_seed_parts(&rn, sample_key[s], kn);
				zn = pt_rng_normal(&rn);
			}
			pt_rng_seed_parts(&r, sample_key[s], k23);
			zl = pt_rng_normal(&r);
			t = pt_pert_table_quantile(pa, j->sqrt_share * zn + j->sqrt_rest * zl);
			if (scaled)
				t = pt_threat_level_scale(t, factor);
			v = pt_pert_draw_table(pv, &r);
			f = pt_pert_draw_table(pf, &r);
			inj = pt_pert_draw_table(pi, &r);
			l = pt_pert_draw_table(pl, &r);
			row[s] += t * v * (f * vsl + inj * vi + l);
		}
		return;
	}
	for (s = 0; s < n; s++) {
		struct pt_rng r;
		double t, v, f, inj, l;
		pt_rng_seed_parts(&r, sample_key[s], k23);
		if (conditional) {
			t = 1;
		} else {
			t = pt_pert_draw_table(pa, &r);
			if (scaled)
				t = pt_threat_level_scale(t, factor);
		}
		v = pt_pert_draw_table(pv, &r);
		f = pt_pert_draw_table(pf, &r);
		inj = pt_pert_draw_table(pi, &r);
		l = pt_pert_draw_table(pl, &r);
		row[s] += t * v * (f * vsl + inj * vi + l);
	}
}

/* Exact figures of one site's pairs, then its samples and their summary. */
static void do_site(struct quant_worker *w, size_t site)
{
	const struct quant_job *j = w->job;
	const struct pt_quant_params *p = j->params;
	struct pt_quant_site_result *sr = &j->res->sites[site];
	size_t b = j->site_start[site], e = j->site_start[site + 1], n = j->samples, k;
	double *row = n ? j->loss + site * n : NULL;
	double score = 0, worst = 0;
	int32_t worst_threat = -1;
	for (k = b; k < e; k++) {
		uint32_t idx = j->order[k];
		const struct pt_quant_pair *q = &j->pairs[idx];
		struct pt_quant_pair_result *pr = &j->res->pairs[idx];
		struct pt_pert pt[PT_QV_COUNT];
		double factor = p->pair_factor     ? p->pair_factor[idx]
				: p->threat_factor ? p->threat_factor[q->threat]
						   : 1.0;
		int v;
		if (p->conditional)
			pr->e_attempt = 1;
		else if (factor == 1.0)
			pr->e_attempt = pt_pert_mean(&q->var[PT_QV_P_ATTEMPT], j->lambda);
		else
			pr->e_attempt = pt_pert_mean_scaled(&q->var[PT_QV_P_ATTEMPT], j->lambda, factor);
		pr->e_success = pt_pert_mean(&q->var[PT_QV_P_SUCCESS], j->lambda);
		pr->e_consequence_eur =
			pt_pert_mean(&q->var[PT_QV_FATALITIES], j->lambda) * p->value_statistical_life_eur +
			pt_pert_mean(&q->var[PT_QV_INJURIES], j->lambda) * p->value_injury_eur +
			pt_pert_mean(&q->var[PT_QV_LOSS_EUR], j->lambda);
		pr->risk_eur = pr->e_attempt * pr->e_success * pr->e_consequence_eur;
		score += pr->risk_eur;
		if (worst_threat < 0 || pr->risk_eur > worst ||
		    (pr->risk_eur == worst && (int32_t)q->threat < worst_threat)) {
			worst = pr->risk_eur;
			worst_threat = (int32_t)q->threat;
		}
		if (n) {
			for (v = 0; v < PT_QV_COUNT; v++) {
				pt_pert_prepare(&pt[v], &q->var[v], j->lambda);
				pt_pert_use_table(&pt[v], j->table);
			}
			sample_pair(w, q, pt, factor, row);
		}
	}
	sr->score_eur = score;
	sr->worst_threat = worst_threat;
	sr->worst_risk_eur = worst;
	sr->n_pairs = (uint32_t)(e - b);
	if (!n) {
		sr->mean_eur = sr->p5_eur = sr->p95_eur = sr->p_topk = NAN;
		return;
	}
	sr->mean_eur = shifted_mean(row, n);
	for (k = 0; k < n; k++) {
		w->row[k].key = row[k];
		w->row[k].idx = (uint32_t)k;
	}
	sr->p5_eur = sel_percentile(w->row, n, 0.05);
	sr->p95_eur = sel_percentile(w->row, n, 0.95);
	if (n > 1) {
		double ss = 0, sd, z;
		for (k = 0; k < n; k++)
			ss += (row[k] - sr->mean_eur) * (row[k] - sr->mean_eur);
		sd = sqrt(ss / (double)(n - 1));
		if (sd > 0) {
			z = fabs(sr->mean_eur - score) / (sd / sqrt((double)n));
			if (z > w->max_z)
				w->max_z = z;
		}
	}
}

/* Ranks and national totals of the samples of one block. */
static void do_block(struct quant_worker *w, size_t block)
{
	struct quant_job *j = w->job;
	size_t s0 = block * j->block, nb = j->block, n = j->samples, nr = j->n_ranked, i, c;
	double tot[SEL_BLOCK] = { 0 };
	if (s0 + nb > n)
		nb = n - s0;
	for (i = 0; i < nr; i++) {
		const double *x = j->loss + (size_t)j->ranked[i] * n + s0;
		for (c = 0; c < nb; c++) {
			tot[c] += x[c];
			w->cols[c * nr + i].key = -x[c]; /* rank 0 = the largest loss */
			w->cols[c * nr + i].idx = (uint32_t)i;
		}
	}
	for (c = 0; c < nb; c++) {
		j->totals[s0 + c] = tot[c];
		if (j->top_k > 0 && j->top_k < nr) {
			struct sel *col = w->cols + c * nr;
			sel_select(col, nr, j->top_k - 1);
			for (i = 0; i < j->top_k; i++)
				w->in_top[col[i].idx]++;
		}
	}
}

static void *phase1(void *arg)
{
	struct quant_worker *w = arg;
	struct quant_job *j = w->job;
	for (;;) {
		size_t first, last, site;
		uint64_t units = 0;
		if (atomic_load(&j->cancel))
			break;
		first = atomic_fetch_add(&j->next, j->chunk);
		if (first >= j->n_units)
			break;
		last = first + j->chunk < j->n_units ? first + j->chunk : j->n_units;
		for (site = first; site < last; site++)
			do_site(w, site);
		units = (uint64_t)(j->site_start[last] - j->site_start[first]) *
			(j->samples ? j->samples : 1);
		job_progress(j, units);
	}
	return NULL;
}

static void *phase2(void *arg)
{
	struct quant_worker *w = arg;
	struct quant_job *j = w->job;
	for (;;) {
		size_t block, nb;
		if (atomic_load(&j->cancel))
			break;
		block = atomic_fetch_add(&j->next, 1);
		if (block >= j->n_units)
			break;
		do_block(w, block);
		nb = j->samples - block * j->block;
		job_progress(j, nb < j->block ? nb : j->block);
	}
	return NULL;
}

/* Run fn on every worker: worker 0 in this thread, the others in their own
 * (a worker whose thread cannot start just does nothing; the rest share its work). */
static void run_phase(struct quant_worker *w, size_t n_workers, void *(*fn)(void *),
		      size_t n_units, size_t chunk)
{
	struct quant_job *j = w[0].job;
	char *started;
	size_t i;
	atomic_store(&j->next, 0);
	j->n_units = n_units;
	j->chunk = chunk;
	started = calloc(n_workers, 1);
	for (i = 1; started && i < n_workers; i++)
		started[i] = pthread_create(&w[i].thread, NULL, fn, &w[i]) == 0;
	fn(&w[0]);
	for (i = 1; started && i < n_workers; i++)
		if (started[i])
			pthread_join(w[i].thread, NULL);
	free(started);
}

/* "pair N (site S, threat T): what" into d. */
static enum pt_err pair_fail(struct pt_diag *d, size_t i, const struct pt_quant_pair *q,
			     const char *field, const char *what)
{
	char msg[sizeof d->msg], num[40];
	pt_strlcpy(msg, "pair ", sizeof msg);
	pt_number_format((double)i + 1, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	pt_strlcat(msg, " (site ", sizeof msg);
	pt_number_format((double)q->site, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	pt_strlcat(msg, ", threat ", sizeof msg);
	pt_number_format((double)q->threat, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	pt_strlcat(msg, "): ", sizeof msg);
	pt_strlcat(msg, what, sizeof msg);
	return pt_diag_put(d, PT_EINVAL, 0, field, msg);
}

static enum pt_err check_params(size_t n_sites, size_t n_threats, size_t n_pairs,
				const struct pt_quant_params *p, struct pt_diag *d)
{
	size_t t;
	if (n_sites > PT_QUANT_MAX_SITES)
		return pt_diag_put(d, PT_ELIMIT, 0, "sites", "more sites than the limit of 2^28");
	if (n_threats > PT_QUANT_MAX_THREATS)
		return pt_diag_put(d, PT_ELIMIT, 0, "threats", "more threats than the limit of 2^20");
	if (n_pairs > PT_QUANT_MAX_PAIRS)
		return pt_diag_put(d, PT_ELIMIT, 0, "pairs", "more pairs than the limit of 2^30");
	if (p->samples > PT_QUANT_MAX_SAMPLES)
		return pt_diag_put(d, PT_ELIMIT, 0, "samples", "more samples than the limit of 2^24");
	if ((uint64_t)n_sites * p->samples > PT_QUANT_MAX_CELLS)
		return pt_diag_put(d, PT_ELIMIT, 0, "samples",
				   "sites x samples is above the limit of 2^31 values kept in memory");
	if (!(isfinite(p->value_statistical_life_eur) && p->value_statistical_life_eur >= 0 &&
	      p->value_statistical_life_eur <= PT_QUANT_MAX_EUR))
		return pt_diag_put(d, PT_EINVAL, 0, "value_statistical_life_eur",
				   "must be a number from 0 to 1e20");
	if (!(isfinite(p->value_injury_eur) && p->value_injury_eur >= 0 &&
	      p->value_injury_eur <= PT_QUANT_MAX_EUR))
		return pt_diag_put(d, PT_EINVAL, 0, "value_injury_eur",
				   "must be a number from 0 to 1e20");
	if (!(p->pert_lambda >= 0 && p->pert_lambda <= PT_QUANT_MAX_LAMBDA))
		return pt_diag_put(d, PT_EINVAL, 0, "pert_lambda", "must be a number from 0 to 1000");
	if (!(p->national_share >= 0 && p->national_share <= 1))
		return pt_diag_put(d, PT_EINVAL, 0, "national_share", "must be a number from 0 to 1");
	for (t = 0; p->threat_factor && t < n_threats; t++)
		if (!(p->threat_factor[t] > 0 && p->threat_factor[t] <= PT_QUANT_MAX_FACTOR))
			return pt_diag_put(d, PT_EINVAL, 0, "threat_factor",
					   "each threat level factor must be above 0 and at most 1e6");
	return PT_OK;
}

static enum pt_err check_pair(const struct pt_quant_pair *q, size_t i, size_t n_sites,
			      size_t n_threats, const struct pt_quant_params *p, struct pt_diag *d)
{
	struct pt_diag local;
	int v;
	if (q->site >= n_sites)
		return pair_fail(d, i, q, "site", "site index out of range");
	if (q->threat >= n_threats)
		return pair_fail(d, i, q, "threat", "threat index out of range");
	for (v = 0; v < PT_QV_COUNT; v++) {
		const struct pt_range *r = &q->var[v];
		double hi = v == PT_QV_P_ATTEMPT || v == PT_QV_P_SUCCESS ? 1 : HUGE_VAL;
		const char *name = pt_quant_var_name((enum pt_quant_var)v);
		if (r->min >= 0 && r->min <= r->mode && r->mode <= r->max && r->max <= hi &&
		    isfinite(r->max))
			continue; /* the common case, without building a message */
		memset(&local, 0, sizeof local);
		if (pt_range_check(r, 0, hi, &local, 0, name) != PT_OK)
			return pair_fail(d, i, q, name, local.msg);
	}
	if (!(q->var[PT_QV_FATALITIES].max * p->value_statistical_life_eur +
		      q->var[PT_QV_INJURIES].max * p->value_injury_eur +
		      q->var[PT_QV_LOSS_EUR].max <=
	      PT_QUANT_MAX_EUR))
		return pair_fail(d, i, q, "loss_eur", "largest consequence is above 1e20 EUR");
	if (p->pair_factor && !(p->pair_factor[i] > 0 && p->pair_factor[i] <= PT_QUANT_MAX_FACTOR))
		return pair_fail(d, i, q, "threat_factor",
				 "each threat level factor must be above 0 and at most 1e6");
	return PT_OK;
}

void pt_quant_result_free(struct pt_quant_result *r)
{
	if (!r)
		return;
	free(r->sites);
	free(r->pairs);
	free(r);
}

enum pt_err pt_quant_run(size_t n_sites, size_t n_threats, const struct pt_quant_pair *pairs,
			 size_t n_pairs, const struct pt_quant_params *params,
			 struct pt_quant_result **out, struct pt_diag *d)
{
	struct quant_job job;
	struct quant_worker *workers = NULL;
	struct pt_quant_result *res = NULL;
	struct pt_pert_table *table = NULL;
	double *national_z = NULL;
	size_t *site_start = NULL, n_workers = 0, i, n;
	uint32_t *order = NULL, *seen = NULL, *ranked = NULL;
	uint64_t *sample_key = NULL;
	double *loss = NULL, *totals = NULL;
	struct sel *tot_sel = NULL;
	int lock_ready = 0;
	enum pt_err err;

	memset(&job, 0, sizeof job);
	if (!out)
		return pt_diag_put(d, PT_EINVAL, 0, "", "no place for the result");
	*out = NULL;
	if (!params)
		return pt_diag_put(d, PT_EINVAL, 0, "", "no parameters");
	if (n_pairs && !pairs)
		return pt_diag_put(d, PT_EINVAL, 0, "pairs", "no pairs given");
	if ((err = check_params(n_sites, n_threats, n_pairs, params, d)) != PT_OK)
		return err;
	for (i = 0; i < n_pairs; i++)
		if ((err = check_pair(&pairs[i], i, n_sites, n_threats, params, d)) != PT_OK)
			return err;
	n = params->samples;

	err = PT_ENOMEM;
	res = calloc(1, sizeof *res);
	if (!res)
		goto out;
	res->n_sites = n_sites;
	res->n_pairs = n_pairs;
	res->sites = calloc(n_sites ? n_sites : 1, sizeof *res->sites);
	res->pairs = calloc(n_pairs ? n_pairs : 1, sizeof *res->pairs);
	site_start = calloc(n_sites + 1, sizeof *site_start);
	order = malloc((n_pairs ? n_pairs : 1) * sizeof *order);
	seen = calloc(n_threats ? n_threats : 1, sizeof *seen);
	if (!res->sites || !res->pairs || !site_start || !order || !seen)
		goto out;

	/* Group pairs by site, keeping input order (counting sort); reject duplicates. */
	for (i = 0; i < n_pairs; i++)
		site_start[pairs[i].site + 1]++;
	for (i = 0; i < n_sites; i++)
		site_start[i + 1] += site_start[i];
	{
		size_t *fill = malloc((n_sites ? n_sites : 1) * sizeof *fill);
		if (!fill)
			goto out;
		memcpy(fill, site_start, n_sites * sizeof *fill);
		for (i = 0; i < n_pairs; i++)
			order[fill[pairs[i].site]++] = (uint32_t)i;
		free(fill);
	}
	for (i = 0; i < n_sites; i++) {
		size_t k;
		for (k = site_start[i]; k < site_start[i + 1]; k++) {
			const struct pt_quant_pair *q = &pairs[order[k]];
			if (seen[q->threat] == (uint32_t)i + 1) {
				err = pair_fail(d, order[k], q, "threat",
						"the site is assessed against this threat twice");
				goto out;
			}
			seen[q->threat] = (uint32_t)i + 1;
		}
	}

	/* Sites that take part in the ranking: those with at least one pair. */
	ranked = malloc((n_sites ? n_sites : 1) * sizeof *ranked);
	if (!ranked)
		goto out;
	for (i = 0; i < n_sites; i++)
		if (site_start[i + 1] > site_start[i])
			ranked[job.n_ranked++] = (uint32_t)i;

	if (n) {
		sample_key = malloc(n * sizeof *sample_key);
		loss = calloc(n_sites ? n_sites * n : 1, sizeof *loss);
		totals = calloc(n, sizeof *totals);
		if (!sample_key || !loss || !totals)
			goto out;
		for (i = 0; i < n; i++)
			sample_key[i] = pt_rng_key1(params->seed, i);
		/* Every variate is drawn by inversion through this table, built once per run. */
		if ((err = pt_pert_table_new(params->pert_lambda, &table)) != PT_OK) {
			if (err == PT_ELIMIT)
				err = pt_diag_put(d, PT_ELIMIT, 0, "pert_lambda",
						  "the PERT quantile table of this lambda is too large");
			goto out;
		}
		err = PT_ENOMEM; /* what the allocations below fail with */
	}

	job.pairs = pairs;
	job.params = params;
	job.n_sites = n_sites;
	job.samples = n;
	job.lambda = params->pert_lambda;
	job.site_start = site_start;
	job.order = order;
	job.sample_key = sample_key;
	job.loss = loss;
	job.ranked = ranked;
	job.top_k = params->top_k < job.n_ranked ? params->top_k : job.n_ranked;
	job.totals = totals;
	job.res = res;
	job.table = table;
	job.national = params->national_share > 0;
	/* The national normals Z_n of every (threat, sample), drawn once (the
	 * same numbers each pair would draw from its national stream). */
	if (n && job.national && !params->conditional &&
	    (uint64_t)n_threats * n <= PT_QUANT_NATIONAL_Z_MAX) {
		size_t t;
		national_z = malloc((n_threats ? n_threats : 1) * n * sizeof *national_z);
		if (!national_z)
			goto out;
		for (t = 0; t < n_threats; t++) {
			uint64_t kn = pt_rng_key23(params->seed, PT_QUANT_NATIONAL_KEY,
						   params->threat_key ? params->threat_key[t] : t);
			for (i = 0; i < n; i++) {
				struct pt_rng rn;
				pt_rng_seed_parts(&rn, sample_key[i], kn);
				national_z[t * n + i] = pt_rng_normal(&rn);
			}
		}
		job.national_z = national_z;
	}
	job.sqrt_share = sqrt(params->national_share);
	job.sqrt_rest = sqrt(1 - params->national_share);
	job.block = SEL_BLOCK;
	while (job.block > 1 && job.block * job.n_ranked > SEL_SCRATCH_MAX)
		job.block /= 2;
	if (job.block > n)
		job.block = n ? n : 1;
	job.total = (uint64_t)n_pairs * (n ? n : 1) + n;
	atomic_init(&job.next, 0);
	atomic_init(&job.cancel, 0);
	if (pthread_mutex_init(&job.lock, NULL) != 0) {
		err = PT_EINTERNAL;
		goto out;
	}
	lock_ready = 1;

	n_workers = params->threads ? params->threads : 1;
	if (n_workers > PT_QUANT_MAX_THREADS)
		n_workers = PT_QUANT_MAX_THREADS;
	if (n_workers > n_sites)
		n_workers = n_sites ? n_sites : 1;
	workers = calloc(n_workers, sizeof *workers);
	if (!workers)
		goto out;
	for (i = 0; i < n_workers; i++) {
		size_t n_cols = job.block * job.n_ranked;
		workers[i].job = &job;
		if (n) {
			workers[i].row = malloc(n * sizeof *workers[i].row);
			workers[i].cols = malloc((n_cols ? n_cols : 1) * sizeof *workers[i].cols);
			workers[i].in_top = calloc(job.n_ranked ? job.n_ranked : 1,
						   sizeof *workers[i].in_top);
			if (!workers[i].row || !workers[i].cols || !workers[i].in_top)
				goto out;
		}
	}

	/* Phase 1: sites (exact figures, samples, per-site summaries), announced with done = 0. */
	if (params->progress && params->progress(params->progress_ctx, 0, job.total))
		goto cancelled;
	{
		size_t chunk = n_sites / (n_workers * 64);
		chunk = chunk < 1 ? 1 : chunk > 1024 ? 1024 : chunk;
		run_phase(workers, n_workers, phase1, n_sites, chunk);
	}
	if (atomic_load(&job.cancel))
		goto cancelled;
	/* Phase 2: samples (national totals, top-K ranking). */
	if (n) {
		run_phase(workers, n_workers, phase2, (n + job.block - 1) / job.block, 1);
		if (atomic_load(&job.cancel))
			goto cancelled;
	}

	/* Combine, in a fixed order so the result does not depend on the threads. */
	res->total_score_eur = 0;
	for (i = 0; i < n_sites; i++)
		res->total_score_eur += res->sites[i].score_eur;
	res->max_mean_z = n ? 0 : NAN;
	for (i = 0; i < n_workers; i++) {
		res->variates_drawn += workers[i].variates;
		if (workers[i].max_z > res->max_mean_z)
			res->max_mean_z = workers[i].max_z;
	}
	if (!n) {
		res->total_mean_eur = res->total_p5_eur = res->total_p95_eur = NAN;
	} else {
		for (i = 0; i < job.n_ranked; i++) {
			uint64_t count = 0;
			size_t k;
			if (job.top_k == job.n_ranked)
				count = n;
			else
				for (k = 0; k < n_workers; k++)
					count += workers[k].in_top[i];
			res->sites[ranked[i]].p_topk = (double)count / (double)n;
		}
		tot_sel = malloc(n * sizeof *tot_sel);
		if (!tot_sel)
			goto out;
		for (i = 0; i < n; i++) {
			tot_sel[i].key = totals[i];
			tot_sel[i].idx = (uint32_t)i;
		}
		res->total_mean_eur = shifted_mean(totals, n);
		res->total_p5_eur = sel_percentile(tot_sel, n, 0.05);
		res->total_p95_eur = sel_percentile(tot_sel, n, 0.95);
	}
	*out = res;
	res = NULL;
	err = PT_OK;
	goto out;
cancelled:
	err = pt_diag_put(d, PT_EINTERNAL, 0, "", "cancelled");
out:
	if (err == PT_ENOMEM)
		pt_diag_put(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; workers && i < n_workers; i++) {
		free(workers[i].row);
		free(workers[i].cols);
		free(workers[i].in_top);
	}
	free(workers);
	if (lock_ready)
		pthread_mutex_destroy(&job.lock);
	pt_quant_result_free(res);
	pt_pert_table_free(table);
	free(national_z);
	free(site_start);
	free(order);
	free(seen);
	free(ranked);
	free(sample_key);
	free(loss);
	free(totals);
	free(tot_sel);
	return err;
}
