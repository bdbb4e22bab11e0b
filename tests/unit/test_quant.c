/* test_quant.c - unit tests of the quantitative method: exact scores, the
 * threat-level factor, the Monte Carlo summaries, threads, bad input. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_quant.h"
#include "core/pt_rng.h"
#include "pt_test.h"

#define VSL 3600000.0
#define VI 468000.0

static struct pt_range R(double min, double mode, double max)
{
	struct pt_range r;
	r.min = min;
	r.mode = mode;
	r.max = max;
	return r;
}

static struct pt_range C(double v)
{
	return R(v, v, v);
}

static struct pt_quant_pair P(uint32_t site, uint32_t threat, struct pt_range t, struct pt_range v,
			      struct pt_range fat, struct pt_range inj, struct pt_range loss)
{
	struct pt_quant_pair p;
	memset(&p, 0, sizeof p);
	p.site = site;
	p.threat = threat;
	p.var[PT_QV_P_ATTEMPT] = t;
	p.var[PT_QV_P_SUCCESS] = v;
	p.var[PT_QV_FATALITIES] = fat;
	p.var[PT_QV_INJURIES] = inj;
	p.var[PT_QV_LOSS_EUR] = loss;
	return p;
}

static struct pt_quant_params params_default(void)
{
	struct pt_quant_params p;
	memset(&p, 0, sizeof p);
	p.value_statistical_life_eur = VSL;
	p.value_injury_eur = VI;
	p.pert_lambda = 4;
	p.seed = 1;
	p.threads = 1;
	p.top_k = 1;
	return p;
}

static enum pt_err run(size_t n_sites, size_t n_threats, const struct pt_quant_pair *pairs,
		       size_t n_pairs, const struct pt_quant_params *p, struct pt_quant_result **out,
		       struct pt_diag *d)
{
	memset(d, 0, sizeof *d);
	return pt_quant_run(n_sites, n_threats, pairs, n_pairs, p, out, d);
}

/* Variance of a PERT range: (mu - a)(b - mu) / (lambda + 3). */
static double pert_var(struct pt_range r, double lambda)
{
	double mu = pt_pert_mean(&r, lambda);
	return (mu - r.min) * (r.max - mu) / (lambda + 3);
}

/* Variance of T V C for one pair (independent factors, no threat factor). */
static double pair_var(const struct pt_quant_pair *q, double lambda)
{
	double et = pt_pert_mean(&q->var[0], lambda), ev = pt_pert_mean(&q->var[1], lambda);
	double et2 = pert_var(q->var[0], lambda) + et * et;
	double ev2 = pert_var(q->var[1], lambda) + ev * ev;
	double ec = pt_pert_mean(&q->var[2], lambda) * VSL + pt_pert_mean(&q->var[3], lambda) * VI +
		    pt_pert_mean(&q->var[4], lambda);
	double vc = VSL * VSL * pert_var(q->var[2], lambda) + VI * VI * pert_var(q->var[3], lambda) +
		    pert_var(q->var[4], lambda);
	return et2 * ev2 * (vc + ec * ec) - (et * ev * ec) * (et * ev * ec);
}

static void test_pert_mean(void)
{
	struct pt_range r = R(0.1, 0.2, 0.6), c = C(0.3);
	CHECK_NEAR(pt_pert_mean(&r, 4), 0.25, 1e-16);
	CHECK_NEAR(pt_pert_mean(&r, 0), (0.1 + 0.6) / 2, 1e-16);
	CHECK(pt_pert_mean(&c, 4) == 0.3);
}

static void test_exact_score_by_hand(void)
{
	/*
	 * Site 0, threat 0: E[T] = (0.01 + 4 x 0.02 + 0.05) / 6 = 0.14 / 6, E[V] = 0.5,
	 * E[fat] = 3, E[inj] = 40 / 6, E[loss] = 1.35e6, so
	 * E[C] = 3 x 3.6e6 + 40 / 6 x 468000 + 1.35e6 = 15.27e6 and risk = 178150.
	 * Site 0, threat 1, constants: 0.1 x 0.5 x 3.6e6 = 180000 (the worst).
	 * Site 1, threat 0: E[T] = 0.01, V = 1, E[inj] = 50 / 6, loss 1e5:
	 * 0.01 x (3.9e6 + 1e5) = 40000. Site 2 has no assessment.
	 */
	struct pt_quant_pair pairs[3];
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct pt_diag d;
	pairs[0] = P(0, 0, R(0.01, 0.02, 0.05), R(0.2, 0.5, 0.8), R(0, 2, 10), R(0, 5, 20),
		     R(1e5, 1e6, 4e6));
	pairs[1] = P(1, 0, R(0, 0, 0.06), C(1), C(0), R(0, 10, 10), C(1e5));
	pairs[2] = P(0, 1, C(0.1), C(0.5), C(1), C(0), C(0));
	CHECK_INT(run(3, 2, pairs, 3, &p, &res, &d), PT_OK);
	if (!res)
		return;
	CHECK_NEAR(res->pairs[0].e_attempt, 0.14 / 6, 1e-17);
	CHECK_NEAR(res->pairs[0].e_success, 0.5, 1e-16);
	CHECK_NEAR(res->pairs[0].e_consequence_eur, 15.27e6, 1e-8);
	CHECK_NEAR(res->pairs[0].risk_eur, 178150, 1e-9);
	CHECK_NEAR(res->pairs[1].risk_eur, 40000, 1e-9);
	CHECK_NEAR(res->pairs[2].risk_eur, 180000, 1e-9);
	CHECK_NEAR(res->sites[0].score_eur, 358150, 1e-9);
	CHECK_INT(res->sites[0].worst_threat, 1);
	CHECK_NEAR(res->sites[0].worst_risk_eur, 180000, 1e-9);
	CHECK_INT(res->sites[0].n_pairs, 2);
	CHECK_NEAR(res->sites[1].score_eur, 40000, 1e-9);
	CHECK_INT(res->sites[1].worst_threat, 0);
	CHECK_INT(res->sites[2].n_pairs, 0);
	CHECK_INT(res->sites[2].worst_threat, -1);
	CHECK(res->sites[2].score_eur == 0);
	CHECK_NEAR(res->total_score_eur, 398150, 1e-8);
	/* No samples: the sampled figures are not numbers. */
	CHECK(isnan(res->sites[0].mean_eur) && isnan(res->sites[0].p5_eur));
	CHECK(isnan(res->sites[0].p_topk) && isnan(res->total_mean_eur));
	CHECK_INT(res->variates_drawn, 0);
	pt_quant_result_free(res);
}

static void test_sample_mean_agrees_with_score(void)
{
	struct pt_quant_pair pairs[5];
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct pt_diag d;
	double var_site[3] = { 0, 0, 0 }, var_total = 0;
	size_t i;
	pairs[0] = P(0, 0, R(0.01, 0.02, 0.05), R(0.2, 0.5, 0.8), R(0, 2, 10), R(0, 5, 20),
		     R(1e5, 1e6, 4e6));
	pairs[1] = P(0, 1, R(0, 0.001, 0.2), R(0.05, 0.1, 0.9), R(0, 0, 50), C(3), R(0, 1e7, 1e7));
	pairs[2] = P(1, 0, R(0.3, 0.6, 0.7), R(0.9, 0.95, 1), C(0), C(0), R(1e3, 5e3, 1e6));
	pairs[3] = P(2, 2, R(0, 0.5, 1), R(0, 0.5, 1), R(1, 2, 3), R(0, 1, 2), R(0, 0, 1e5));
	pairs[4] = P(2, 0, C(0.02), R(0.1, 0.2, 0.4), R(0, 1, 5), C(0), C(0));
	p.samples = 20000;
	p.threads = 2;
	p.seed = 99;
	CHECK_INT(run(3, 3, pairs, 5, &p, &res, &d), PT_OK);
	if (!res)
		return;
	for (i = 0; i < 5; i++) {
		var_site[pairs[i].site] += pair_var(&pairs[i], 4);
		var_total += pair_var(&pairs[i], 4);
	}
	for (i = 0; i < 3; i++) {
		double se = sqrt(var_site[i] / p.samples);
		CHECK(fabs(res->sites[i].mean_eur - res->sites[i].score_eur) < 4 * se);
		CHECK(res->sites[i].p5_eur <= res->sites[i].mean_eur);
		CHECK(res->sites[i].mean_eur <= res->sites[i].p95_eur);
	}
	CHECK(fabs(res->total_mean_eur - res->total_score_eur) < 4 * sqrt(var_total / p.samples));
	CHECK(res->max_mean_z >= 0 && res->max_mean_z < 4);
	CHECK_INT(res->variates_drawn, (uint64_t)(5 + 4 + 3 + 5 + 2) * p.samples);
	pt_quant_result_free(res);
}

static void test_percentiles(void)
{
	/* Type 7 on known data (numpy.percentile gives 1.45 and 9.55). */
	double x[10] = { 10, 3, 7, 1, 9, 2, 8, 4, 6, 5 }, y[4] = { 3, 1, 2, 2 }, v;
	CHECK_INT(pt_quant_percentile(x, 10, 0.05, &v), PT_OK);
	CHECK_NEAR(v, 1.45, 1e-15);
	CHECK_INT(pt_quant_percentile(x, 10, 0.95, &v), PT_OK);
	CHECK_NEAR(v, 9.55, 1e-14);
	CHECK(x[0] == 10 && x[1] == 3); /* input untouched */
	CHECK_INT(pt_quant_percentile(y, 4, 0.5, &v), PT_OK);
	CHECK(v == 2);
	CHECK_INT(pt_quant_percentile(y, 4, 0.9, &v), PT_OK);
	CHECK_NEAR(v, 2.7, 1e-15);
	CHECK_INT(pt_quant_percentile(y, 4, 1, &v), PT_OK);
	CHECK(v == 3);
	CHECK_INT(pt_quant_percentile(y, 1, 0.3, &v), PT_OK);
	CHECK(v == 3);
	CHECK_INT(pt_quant_percentile(y, 0, 0.5, &v), PT_EINVAL);
	CHECK_INT(pt_quant_percentile(y, 4, 1.5, &v), PT_EINVAL);
	y[2] = NAN;
	CHECK_INT(pt_quant_percentile(y, 4, 0.5, &v), PT_EINVAL);
}

static void test_site_percentiles_follow_distribution(void)
{
	/* Loss = V x 1e6 with V ~ PERT(0.2, 0.5, 0.9): p5 and p95 are its quantiles. */
	struct pt_quant_pair pair = P(0, 0, C(1), R(0.2, 0.5, 0.9), C(0), C(0), C(1e6));
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct pt_diag d;
	struct pt_pert v;
	p.samples = 40000;
	CHECK_INT(run(1, 1, &pair, 1, &p, &res, &d), PT_OK);
	if (!res)
		return;
	pt_pert_prepare(&v, &pair.var[PT_QV_P_SUCCESS], 4);
	/* Standard errors of the 5% and 95% quantiles here are about 4e2 EUR. */
	CHECK_NEAR(res->sites[0].p5_eur, 1e6 * pt_pert_quantile(&v, 0.05), 2500);
	CHECK_NEAR(res->sites[0].p95_eur, 1e6 * pt_pert_quantile(&v, 0.95), 2500);
	CHECK_NEAR(res->sites[0].mean_eur, res->sites[0].score_eur, 4 * 1e6 * sqrt(pert_var(pair.var[1], 4) / 40000));
	CHECK(res->sites[0].p_topk == 1); /* the only site */
	pt_quant_result_free(res);
}

/* A varied dataset: sites x threats with ranges from a small LCG, a site without pairs. */
static size_t make_dataset(struct pt_quant_pair *pairs, size_t n_sites, size_t n_threats)
{
	uint64_t s = 12345;
	size_t i, t, n = 0;
	for (i = 0; i < n_sites; i++) {
		if (i == 3)
			continue;
		for (t = 0; t < n_threats; t++) {
			double u[10];
			int k;
			if ((i + t) % 4 == 1)
				continue;
			for (k = 0; k < 10; k++) {
				s = s * 6364136223846793005u + 1442695040888963407u;
				u[k] = (double)(s >> 11) * 0x1.0p-53;
			}
			pairs[n++] = P((uint32_t)i, (uint32_t)t, R(0, 0.05 * u[0], 0.05 * u[0] + 0.1 * u[1]),
				       R(0.1 * u[2], 0.5, 0.6 + 0.4 * u[3]), R(0, 3 * u[4], 10 * u[4] + 1),
				       (i + t) % 3 == 0 ? C(2) : R(0, 5 * u[5], 30), R(1e4 * u[6], 1e5, 1e5 + 1e7 * u[7]));
		}
	}
	return n;
}

static int same_result(const struct pt_quant_result *a, const struct pt_quant_result *b)
{
	return a->n_sites == b->n_sites && a->n_pairs == b->n_pairs &&
	       memcmp(a->sites, b->sites, a->n_sites * sizeof *a->sites) == 0 &&
	       memcmp(a->pairs, b->pairs, a->n_pairs * sizeof *a->pairs) == 0 &&
	       memcmp(&a->total_score_eur, &b->total_score_eur, sizeof(double)) == 0 &&
	       memcmp(&a->total_mean_eur, &b->total_mean_eur, sizeof(double)) == 0 &&
	       memcmp(&a->total_p5_eur, &b->total_p5_eur, sizeof(double)) == 0 &&
	       memcmp(&a->total_p95_eur, &b->total_p95_eur, sizeof(double)) == 0 &&
	       memcmp(&a->max_mean_z, &b->max_mean_z, sizeof(double)) == 0 &&
	       a->variates_drawn == b->variates_drawn;
}

static void test_thread_invariance(void)
{
	enum { SITES = 61, THREATS = 7 };
	static struct pt_quant_pair pairs[SITES * THREATS];
	double factors[THREATS] = { 1, 3, 0.3, 1, 10, 1, 0.1 };
	size_t n = make_dataset(pairs, SITES, THREATS), k;
	double shares[2] = { 0, 0.4 };
	for (k = 0; k < 2; k++) {
		struct pt_quant_params p = params_default();
		struct pt_quant_result *r1 = NULL, *r2 = NULL, *r3 = NULL;
		struct pt_diag d;
		p.samples = 301;
		p.top_k = 5;
		p.seed = 2024;
		p.threat_factor = factors;
		p.national_share = shares[k];
		p.threads = 1;
		CHECK_INT(run(SITES, THREATS, pairs, n, &p, &r1, &d), PT_OK);
		p.threads = 2;
		CHECK_INT(run(SITES, THREATS, pairs, n, &p, &r2, &d), PT_OK);
		p.threads = 3;
		CHECK_INT(run(SITES, THREATS, pairs, n, &p, &r3, &d), PT_OK);
		CHECK(r1 && r2 && r3);
		if (r1 && r2 && r3) {
			CHECK(same_result(r1, r2));
			CHECK(same_result(r1, r3));
			CHECK(r1->sites[3].n_pairs == 0 && r1->sites[3].p_topk == 0);
			CHECK(r1->variates_drawn > 0);
		}
		pt_quant_result_free(r1);
		pt_quant_result_free(r2);
		pt_quant_result_free(r3);
	}
}

static void test_seed_changes_samples(void)
{
	enum { SITES = 20, THREATS = 4 };
	static struct pt_quant_pair pairs[SITES * THREATS];
	size_t n = make_dataset(pairs, SITES, THREATS), i, differ = 0;
	struct pt_quant_params p = params_default();
	struct pt_quant_result *a = NULL, *b = NULL, *c = NULL;
	struct pt_diag d;
	p.samples = 100;
	p.seed = 1;
	CHECK_INT(run(SITES, THREATS, pairs, n, &p, &a, &d), PT_OK);
	CHECK_INT(run(SITES, THREATS, pairs, n, &p, &c, &d), PT_OK);
	p.seed = 2;
	CHECK_INT(run(SITES, THREATS, pairs, n, &p, &b, &d), PT_OK);
	if (!a || !b || !c)
		goto out;
	CHECK(same_result(a, c)); /* same seed, same numbers */
	for (i = 0; i < SITES; i++) {
		CHECK(a->sites[i].score_eur == b->sites[i].score_eur);
		if (a->sites[i].n_pairs && a->sites[i].mean_eur != b->sites[i].mean_eur)
			differ++;
	}
	CHECK_INT(differ, SITES - 1); /* every assessed site's samples differ */
out:
	pt_quant_result_free(a);
	pt_quant_result_free(b);
	pt_quant_result_free(c);
}

static void test_threat_factor_constant(void)
{
	/* Constant T = 0.1 at factor 3: E[T'] = 1 - 0.9^3 = 0.271, and every sample the same. */
	struct pt_quant_pair pair = P(0, 1, C(0.1), C(0.5), C(2), C(0), C(0));
	double factors[2] = { 1, 3 };
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct pt_diag d;
	p.threat_factor = factors;
	p.samples = 50;
	CHECK_INT(run(1, 2, &pair, 1, &p, &res, &d), PT_OK);
	if (!res)
		return;
	CHECK_NEAR(res->pairs[0].e_attempt, 0.271, 1e-15);
	CHECK_NEAR(res->sites[0].score_eur, 0.271 * 0.5 * 2 * VSL, 1e-8);
	CHECK(res->sites[0].mean_eur == res->sites[0].score_eur);
	CHECK(res->sites[0].p5_eur == res->sites[0].score_eur);
	CHECK(res->sites[0].p95_eur == res->sites[0].score_eur);
	CHECK(res->max_mean_z == 0);
	CHECK_INT(res->variates_drawn, 0);
	pt_quant_result_free(res);
	CHECK_NEAR(pt_pert_mean_scaled(&pair.var[0], 4, 3), 0.271, 1e-15);
	CHECK_NEAR(pt_pert_mean_scaled(&pair.var[0], 4, 0.5), 1 - sqrt(0.9), 1e-15);
}

/* E[1 - (1 - T)^n] for integer n from the raw moments of T = a + s X, X ~ Beta. */
static double scaled_by_binomial(struct pt_range r, double lambda, int n)
{
	double a = r.min, s = r.max - r.min;
	double alpha = 1 + lambda * (r.mode - r.min) / s, beta = 1 + lambda * (r.max - r.mode) / s;
	double mx[16], et[16], sum = 0, c;
	int k, j;
	mx[0] = 1;
	for (j = 1; j <= n; j++)
		mx[j] = mx[j - 1] * (alpha + j - 1) / (alpha + beta + j - 1);
	for (k = 0; k <= n; k++) {
		et[k] = 0;
		c = 1; /* C(k, j) */
		for (j = 0; j <= k; j++) {
			et[k] += c * pow(a, k - j) * pow(s, j) * mx[j];
			c = c * (k - j) / (j + 1);
		}
	}
	c = 1; /* C(n, k) */
	for (k = 0; k <= n; k++) {
		sum += c * ((k % 2) ? -et[k] : et[k]);
		c = c * (n - k) / (k + 1);
	}
	return 1 - sum;
}

static void test_scaled_mean_integer_factor(void)
{
	/* Narrow ranges take the series, wide ones the quadrature: both against the
	 * binomial expansion, relative error below 1e-9. */
	static const struct {
		struct pt_range r;
		int f;
	} cases[] = {
		{ { 0.01, 0.02, 0.05 }, 3 }, { { 0.001, 0.002, 0.01 }, 5 }, { { 0.2, 0.5, 0.9 }, 3 },
		{ { 0, 0.3, 1 }, 2 },        { { 0, 0, 1 }, 4 },            { { 0.5, 1, 1 }, 6 },
		{ { 0, 0.05, 0.3 }, 2 },     { { 0.1, 0.12, 0.6 }, 10 },
	};
	size_t k;
	for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		double want = scaled_by_binomial(cases[k].r, 4, cases[k].f);
		double got = pt_pert_mean_scaled(&cases[k].r, 4, cases[k].f);
		double quad = pt_pert_mean_scaled_quadrature(&cases[k].r, 4, cases[k].f);
		CHECK_NEAR(got / want, 1, 1e-9);
		CHECK_NEAR(quad / want, 1, 1e-9);
	}
}

static void test_scaled_mean_closed_form(void)
{
	/*
	 * max = 1: 1 - T = s Y with Y = 1 - X ~ Beta(beta, alpha), so
	 * E[(1 - T)^f] = s^f B(beta + f, alpha) / B(beta, alpha) for any f,
	 * including the (1 - T)^f kink at T = 1 when f < 1.
	 */
	static const struct {
		struct pt_range r;
		double f;
	} cases[] = {
		{ { 0.1, 0.6, 1 }, 0.3 }, { { 0.1, 0.6, 1 }, 2.7 }, { { 0.1, 0.6, 1 }, 10.5 },
		{ { 0, 0.2, 1 }, 0.5 },   { { 0.5, 1, 1 }, 0.5 },   { { 0, 1, 1 }, 0.1 },
		{ { 0.9, 0.95, 1 }, 100 },
	};
	size_t k;
	for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct pt_range r = cases[k].r;
		double s = r.max - r.min, f = cases[k].f;
		double alpha = 1 + 4 * (r.mode - r.min) / s, beta = 1 + 4 * (r.max - r.mode) / s;
		double ey = exp(lgamma(beta + f) + lgamma(alpha + beta) - lgamma(beta) -
				lgamma(alpha + beta + f));
		double want = 1 - pow(s, f) * ey;
		CHECK_NEAR(pt_pert_mean_scaled(&r, 4, f) / want, 1, 1e-9);
	}
}

static void test_scaled_mean_series_and_quadrature_agree(void)
{
	static const struct pt_range ranges[] = { { 0.001, 0.003, 0.02 }, { 0, 0, 0.4 },
						  { 1e-7, 2e-7, 1e-6 }, { 0.3, 0.4, 0.6 } };
	static const double fs[] = { 0.001, 0.3, 2.5, 7.5, 100 };
	size_t k, i;
	for (k = 0; k < sizeof ranges / sizeof ranges[0]; k++) {
		double prev = 0;
		for (i = 0; i < sizeof fs / sizeof fs[0]; i++) {
			double a = pt_pert_mean_scaled(&ranges[k], 4, fs[i]);
			double b = pt_pert_mean_scaled_quadrature(&ranges[k], 4, fs[i]);
			CHECK_NEAR(a / b, 1, 1e-10);
			CHECK(a > prev && a <= 1); /* grows with the factor, stays a probability */
			prev = a;
		}
	}
}

static void test_scaled_mean_matches_monte_carlo(void)
{
	struct pt_range rg = R(0.05, 0.1, 0.4);
	struct pt_pert p;
	struct pt_rng r;
	const size_t n = 1000000;
	double sum = 0, sum2 = 0, mean, se;
	size_t i;
	pt_pert_prepare(&p, &rg, 4);
	pt_rng_seed(&r, 5, 5, 5, 5);
	for (i = 0; i < n; i++) {
		double g = pt_threat_level_scale(pt_pert_draw(&p, &r), 2.5);
		sum += g;
		sum2 += g * g;
	}
	mean = sum / (double)n;
	se = sqrt((sum2 / (double)n - mean * mean) / (double)n);
	CHECK(fabs(pt_pert_mean_scaled(&rg, 4, 2.5) - mean) < 4 * se);
	CHECK(se < 2e-4);
}

static void test_scaled_mean_edges(void)
{
	struct pt_range r = R(0.01, 0.02, 0.05), big = R(0.2, 0.3, 0.5), bad = R(0.3, 0.2, 0.5);
	CHECK(pt_pert_mean_scaled(&r, 4, 1) == pt_pert_mean(&r, 4));
	CHECK(pt_pert_mean_scaled(&r, 4, 0) == 0);
	CHECK(isnan(pt_pert_mean_scaled(&r, 4, NAN)));
	CHECK(isnan(pt_pert_mean_scaled(&bad, 4, 2)));
	CHECK(pt_pert_mean_scaled(&big, 4, 1000) <= 1);
	CHECK(pt_pert_mean_scaled(&big, 4, 1000) > 0.999999);
	CHECK(isnan(pt_pert_mean_scaled_quadrature(&bad, 4, 2)));
}

static void test_national_share(void)
{
	enum { SITES = 100 };
	static struct pt_quant_pair pairs[SITES];
	struct pt_quant_result *res[2] = { NULL, NULL };
	double shares[2] = { 0, 0.9 }, se;
	size_t i, k;
	for (i = 0; i < SITES; i++)
		pairs[i] = P((uint32_t)i, 0, R(0.01, 0.05, 0.2), R(0.5, 0.6, 0.7), C(1), C(0), C(0));
	se = sqrt(pair_var(&pairs[0], 4) / 4000);
	for (k = 0; k < 2; k++) {
		struct pt_quant_params p = params_default();
		struct pt_diag d;
		p.samples = 4000;
		p.threads = 2;
		p.national_share = shares[k];
		CHECK_INT(run(SITES, 1, pairs, SITES, &p, &res[k], &d), PT_OK);
		if (!res[k])
			return;
		/* Each site's marginal is still PERT: its mean agrees with the exact score. */
		for (i = 0; i < SITES; i++)
			CHECK(fabs(res[k]->sites[i].mean_eur - res[k]->sites[i].score_eur) < 4.5 * se);
		CHECK(fabs(res[k]->total_mean_eur - res[k]->total_score_eur) <
		      4.5 * se * SITES); /* even fully correlated */
	}
	/* The national total spreads far more when the attempt probability is shared. */
	CHECK(res[1]->total_p95_eur - res[1]->total_p5_eur >
	      3 * (res[0]->total_p95_eur - res[0]->total_p5_eur));
	CHECK(res[0]->total_score_eur == res[1]->total_score_eur);
	pt_quant_result_free(res[0]);
	pt_quant_result_free(res[1]);
}

static void test_national_share_one_ties(void)
{
	/* Share 1 and identical sites with a constant V and C: every site draws the
	 * same T in a sample, all tie, and the lowest index wins every time. */
	struct pt_quant_pair pairs[4];
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct pt_diag d;
	size_t i;
	for (i = 0; i < 4; i++)
		pairs[i] = P((uint32_t)i, 0, R(0.01, 0.05, 0.2), C(0.5), C(1), C(0), C(0));
	p.samples = 200;
	p.national_share = 1;
	p.top_k = 1;
	CHECK_INT(run(4, 1, pairs, 4, &p, &res, &d), PT_OK);
	if (!res)
		return;
	CHECK(res->sites[0].p_topk == 1);
	for (i = 1; i < 4; i++) {
		CHECK(res->sites[i].p_topk == 0);
		CHECK(res->sites[i].mean_eur == res->sites[0].mean_eur);
	}
	CHECK(res->sites[0].p95_eur > res->sites[0].p5_eur);
	pt_quant_result_free(res);
}

static void test_p_topk(void)
{
	struct pt_quant_pair pairs[5];
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct pt_diag d;
	size_t i;
	double sum = 0;
	for (i = 0; i < 5; i++)
		pairs[i] = P((uint32_t)i, 0, R(0.1, 0.2, 0.3), R(0.2, 0.3, 0.4), C(0), C(0),
			     i == 3 ? R(1e9, 2e9, 3e9) : R(0, 1e5, 1e6));
	p.samples = 500;
	p.top_k = 1;
	CHECK_INT(run(6, 1, pairs, 5, &p, &res, &d), PT_OK);
	if (!res)
		return;
	/* Site 3 dominates every sample; site 5 has no assessment and never ranks. */
	CHECK(res->sites[3].p_topk == 1);
	for (i = 0; i < 6; i++)
		if (i != 3)
			CHECK(res->sites[i].p_topk == 0);
	pt_quant_result_free(res);
	p.top_k = 2;
	CHECK_INT(run(6, 1, pairs, 5, &p, &res, &d), PT_OK);
	if (!res)
		return;
	CHECK(res->sites[3].p_topk == 1);
	for (i = 0; i < 6; i++)
		sum += res->sites[i].p_topk;
	CHECK_NEAR(sum, 2, 1e-12); /* K sites are in the top K in every sample */
	for (i = 0; i < 5; i++)
		CHECK(res->sites[i].p_topk > 0 && res->sites[i].p_topk <= 1);
	pt_quant_result_free(res);
	p.top_k = 100; /* more than the assessed sites: every one of them is in */
	CHECK_INT(run(6, 1, pairs, 5, &p, &res, &d), PT_OK);
	if (!res)
		return;
	for (i = 0; i < 5; i++)
		CHECK(res->sites[i].p_topk == 1);
	CHECK(res->sites[5].p_topk == 0);
	pt_quant_result_free(res);
}

static void test_ties_by_site_index(void)
{
	struct pt_quant_pair pairs[4];
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct pt_diag d;
	size_t i;
	/* Listed in reverse: the order of the input does not matter, the site index does. */
	for (i = 0; i < 4; i++)
		pairs[i] = P((uint32_t)(3 - i), 0, C(0.1), C(0.5), C(1), C(0), C(0));
	p.samples = 10;
	p.top_k = 2;
	CHECK_INT(run(4, 1, pairs, 4, &p, &res, &d), PT_OK);
	if (!res)
		return;
	CHECK(res->sites[0].p_topk == 1 && res->sites[1].p_topk == 1);
	CHECK(res->sites[2].p_topk == 0 && res->sites[3].p_topk == 0);
	pt_quant_result_free(res);
}

static void test_conditional(void)
{
	struct pt_quant_pair pair = P(0, 0, R(0.01, 0.02, 0.03), C(0.5), C(0), C(0), C(1000));
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct pt_diag d;
	p.samples = 20;
	CHECK_INT(run(1, 1, &pair, 1, &p, &res, &d), PT_OK);
	if (!res)
		return;
	CHECK_NEAR(res->sites[0].score_eur, 10, 1e-12);
	CHECK_INT(res->variates_drawn, 20);
	pt_quant_result_free(res);
	p.conditional = 1;
	CHECK_INT(run(1, 1, &pair, 1, &p, &res, &d), PT_OK);
	if (!res)
		return;
	/* J100 conditional risk: T = 1, so risk = E[V] E[C] and nothing is drawn. */
	CHECK(res->pairs[0].e_attempt == 1);
	CHECK_NEAR(res->sites[0].score_eur, 500, 1e-12);
	CHECK(res->sites[0].mean_eur == 500 && res->sites[0].p95_eur == 500);
	CHECK_INT(res->variates_drawn, 0);
	pt_quant_result_free(res);
}

static void test_zero_pairs_draw_nothing(void)
{
	/* T is 0 for sure: the pair adds nothing and draws nothing. */
	struct pt_quant_pair pairs[2];
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct pt_diag d;
	pairs[0] = P(0, 0, C(0), R(0, 0.5, 1), R(0, 1, 2), R(0, 1, 2), R(0, 1, 2));
	pairs[1] = P(0, 1, R(0, 0.1, 0.2), C(0.5), R(0, 1, 2), C(3), R(0, 1, 2));
	p.samples = 10;
	CHECK_INT(run(1, 2, pairs, 2, &p, &res, &d), PT_OK);
	if (!res)
		return;
	CHECK_INT(res->variates_drawn, 3 * 10);
	CHECK(res->pairs[0].risk_eur == 0);
	pt_quant_result_free(res);
}

struct progress_log {
	int calls, cancel_at;
	uint64_t last_done, total;
	int monotone;
	uint64_t first_done;
};

static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress_log *log = ctx;
	log->calls++;
	if (log->calls == 1)
		log->first_done = done;
	if (done < log->last_done || done > total)
		log->monotone = 0;
	log->last_done = done;
	log->total = total;
	return log->cancel_at && log->calls >= log->cancel_at;
}

static void test_progress_and_cancel(void)
{
	enum { SITES = 200, THREATS = 3 };
	static struct pt_quant_pair pairs[SITES * THREATS];
	size_t n = make_dataset(pairs, SITES, THREATS);
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct progress_log log = { 0, 0, 0, 0, 1, UINT64_MAX };
	struct pt_diag d;
	p.samples = 64;
	p.threads = 2;
	p.progress = on_progress;
	p.progress_ctx = &log;
	CHECK_INT(run(SITES, THREATS, pairs, n, &p, &res, &d), PT_OK);
	CHECK(log.calls > 1 && log.monotone);
	CHECK_INT(log.first_done, 0); /* the start of the sampling is announced */
	CHECK_INT(log.last_done, log.total);
	CHECK_INT(log.total, (uint64_t)n * 64 + 64);
	pt_quant_result_free(res);
	res = NULL;
	memset(&log, 0, sizeof log);
	log.monotone = 1;
	log.cancel_at = 1;
	CHECK_INT(run(SITES, THREATS, pairs, n, &p, &res, &d), PT_EINTERNAL);
	CHECK(res == NULL);
	CHECK_STR(d.msg, "cancelled");
	CHECK(log.calls >= 1);
}

static void test_bad_input(void)
{
	struct pt_quant_pair pairs[2], bad[2];
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct pt_diag d;
	double factors[2] = { 1, 0 };
	pairs[0] = P(0, 0, R(0.01, 0.02, 0.05), C(0.5), C(1), C(0), C(0));
	pairs[1] = P(1, 1, R(0.01, 0.02, 0.05), C(0.5), C(1), C(0), C(0));

	memcpy(bad, pairs, sizeof bad);
	bad[1].site = 5;
	CHECK_INT(run(2, 2, bad, 2, &p, &res, &d), PT_EINVAL);
	CHECK(res == NULL);
	CHECK_STR(d.field, "site");
	CHECK_STR(d.msg, "pair 2 (site 5, threat 1): site index out of range");

	memcpy(bad, pairs, sizeof bad);
	bad[0].threat = 2;
	CHECK_INT(run(2, 2, bad, 2, &p, &res, &d), PT_EINVAL);
	CHECK_STR(d.field, "threat");

	memcpy(bad, pairs, sizeof bad);
	bad[0].var[PT_QV_P_ATTEMPT] = R(0.3, 0.2, 0.5);
	CHECK_INT(run(2, 2, bad, 2, &p, &res, &d), PT_EINVAL);
	CHECK_STR(d.field, "p_attempt");
	CHECK_STR(d.msg, "pair 1 (site 0, threat 0): min 0.3 is greater than mode 0.2");

	memcpy(bad, pairs, sizeof bad);
	bad[1].var[PT_QV_P_SUCCESS] = R(0.5, 0.9, 1.5);
	CHECK_INT(run(2, 2, bad, 2, &p, &res, &d), PT_EINVAL);
	CHECK_STR(d.field, "p_success");

	memcpy(bad, pairs, sizeof bad);
	bad[1].var[PT_QV_FATALITIES] = R(-1, 0, 1);
	CHECK_INT(run(2, 2, bad, 2, &p, &res, &d), PT_EINVAL);
	CHECK_STR(d.field, "fatalities");

	memcpy(bad, pairs, sizeof bad);
	bad[1].var[PT_QV_LOSS_EUR] = R(0, NAN, 1);
	CHECK_INT(run(2, 2, bad, 2, &p, &res, &d), PT_EINVAL);
	CHECK_STR(d.field, "loss_eur");

	memcpy(bad, pairs, sizeof bad);
	bad[1].var[PT_QV_LOSS_EUR] = R(0, 1, 1e300);
	CHECK_INT(run(2, 2, bad, 2, &p, &res, &d), PT_EINVAL);

	memcpy(bad, pairs, sizeof bad);
	bad[1].site = 0;
	bad[1].threat = 0; /* (0, 0) twice */
	CHECK_INT(run(2, 2, bad, 2, &p, &res, &d), PT_EINVAL);
	CHECK_STR(d.msg, "pair 2 (site 0, threat 0): the site is assessed against this threat twice");

	p.pert_lambda = -1;
	CHECK_INT(run(2, 2, pairs, 2, &p, &res, &d), PT_EINVAL);
	CHECK_STR(d.field, "pert_lambda");
	p = params_default();
	p.national_share = 1.5;
	CHECK_INT(run(2, 2, pairs, 2, &p, &res, &d), PT_EINVAL);
	p = params_default();
	p.value_statistical_life_eur = NAN;
	CHECK_INT(run(2, 2, pairs, 2, &p, &res, &d), PT_EINVAL);
	p = params_default();
	p.threat_factor = factors;
	CHECK_INT(run(2, 2, pairs, 2, &p, &res, &d), PT_EINVAL);
	CHECK_STR(d.field, "threat_factor");

	/* Too many values to keep: refused before anything is allocated. */
	p = params_default();
	p.samples = 1u << 12;
	CHECK_INT(run((size_t)1 << 20, 2, NULL, 0, &p, &res, &d), PT_ELIMIT);
	p.samples = (1u << 24) + 1;
	CHECK_INT(run(1, 2, NULL, 0, &p, &res, &d), PT_ELIMIT);
	p = params_default();
	CHECK_INT(run(2, 2, NULL, 1, &p, &res, &d), PT_EINVAL);
	CHECK_INT(run(2, 2, pairs, 2, NULL, &res, &d), PT_EINVAL);
	CHECK_INT(run(2, 2, pairs, 2, &p, NULL, &d), PT_EINVAL);
	CHECK(res == NULL);
	/* d may be NULL. */
	CHECK_INT(pt_quant_run(1, 2, pairs, 2, &p, &res, NULL), PT_EINVAL);
}

static void test_empty_and_threads_edge(void)
{
	struct pt_quant_params p = params_default();
	struct pt_quant_result *res = NULL;
	struct pt_diag d;
	struct pt_quant_pair pair = P(0, 0, R(0.1, 0.2, 0.3), C(1), C(1), C(0), C(0));
	p.samples = 10;
	CHECK_INT(run(0, 0, NULL, 0, &p, &res, &d), PT_OK);
	CHECK(res && res->n_sites == 0 && res->total_score_eur == 0 && res->total_mean_eur == 0);
	pt_quant_result_free(res);
	pt_quant_result_free(NULL);
	/* threads 0 counts as 1; 1000 is clamped; top_k 0 ranks nobody. */
	p.threads = 0;
	p.top_k = 0;
	CHECK_INT(run(1, 1, &pair, 1, &p, &res, &d), PT_OK);
	CHECK(res && res->sites[0].p_topk == 0);
	pt_quant_result_free(res);
	p.threads = 1000;
	p.samples = 1;
	p.top_k = 1;
	CHECK_INT(run(1, 1, &pair, 1, &p, &res, &d), PT_OK);
	CHECK(res && res->sites[0].p5_eur == res->sites[0].p95_eur && res->sites[0].p_topk == 1);
	pt_quant_result_free(res);
}

int main(void)
{
	RUN(test_pert_mean);
	RUN(test_exact_score_by_hand);
	RUN(test_sample_mean_agrees_with_score);
	RUN(test_percentiles);
	RUN(test_site_percentiles_follow_distribution);
	RUN(test_thread_invariance);
	RUN(test_seed_changes_samples);
	RUN(test_threat_factor_constant);
	RUN(test_scaled_mean_integer_factor);
	RUN(test_scaled_mean_closed_form);
	RUN(test_scaled_mean_series_and_quadrature_agree);
	RUN(test_scaled_mean_matches_monte_carlo);
	RUN(test_scaled_mean_edges);
	RUN(test_national_share);
	RUN(test_national_share_one_ties);
	RUN(test_p_topk);
	RUN(test_ties_by_site_index);
	RUN(test_conditional);
	RUN(test_zero_pairs_draw_nothing);
	RUN(test_progress_and_cancel);
	RUN(test_bad_input);
	RUN(test_empty_and_threads_edge);
	return TEST_SUMMARY("test_quant");
}
