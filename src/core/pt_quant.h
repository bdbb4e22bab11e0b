/* pt_quant.h - the quantitative method (RAMCAP / ANSI-AWWA J100):
 * risk = T x V x C per site and threat, exact expected yearly loss, and a
 * Monte Carlo over PERT ranges giving mean, p5, p95 and P(top K). */
#ifndef PT_QUANT_H
#define PT_QUANT_H

#include <stddef.h>
#include <stdint.h>

#include "pt_err.h"
#include "pt_model.h"

/* Limits of one run (PT_ELIMIT above them); docs/internals/quant.md. */
#define PT_QUANT_MAX_CELLS (UINT64_C(1) << 31) /**< sites x samples doubles kept (16 GiB) */
#define PT_QUANT_MAX_SITES (UINT64_C(1) << 28)
#define PT_QUANT_MAX_THREATS (UINT64_C(1) << 20)
#define PT_QUANT_MAX_PAIRS (UINT64_C(1) << 30)
#define PT_QUANT_MAX_SAMPLES (UINT64_C(1) << 24)
#define PT_QUANT_MAX_THREADS 64u      /**< more threads are clamped to this */
#define PT_QUANT_MAX_LAMBDA 1000.0    /**< pert_lambda must be in [0, this] (PT_EINVAL) */
#define PT_QUANT_MAX_FACTOR 1e6       /**< threat factors must be in (0, this] (PT_EINVAL) */
#define PT_QUANT_MAX_EUR 1e20         /**< largest consequence of one pair, EUR (PT_EINVAL) */
/** Site key of the national streams: Z_n of (sample, threat) is the first normal of pt_rng_seed(seed, sample, this, threat key). */
#define PT_QUANT_NATIONAL_KEY UINT64_MAX

/** One assessed (site, threat) pair, by index into the caller's site and threat arrays. */
struct pt_quant_pair {
	uint32_t site;   /**< 0 <= site < n_sites */
	uint32_t threat; /**< 0 <= threat < n_threats */
	struct pt_range var[PT_QV_COUNT];
};

/**
 * Progress callback: done out of total units; return nonzero to cancel.
 * pt_quant_run calls it from one thread at a time, done never decreasing:
 * first with done = 0 once the input is checked and the run set up (the
 * sampling starts), then after each chunk of work; its units are
 * pair-samples, then one per sample for the ranking (total = pairs x
 * samples + samples; pairs when samples == 0).
 */
typedef int (*pt_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/** Parameters of one run. */
struct pt_quant_params {
	double value_statistical_life_eur;
	double value_injury_eur;
	double pert_lambda;     /**< 4 for classic PERT */
	double national_share;  /**< 0-1, share of p_attempt uncertainty common to all sites per (sample, threat) */
	const double *threat_factor; /**< n_threats factors f for p -> 1-(1-p)^f; NULL = all 1 */
	/** Issue 11 (threat-level governance): n_pairs factors, one per pair as given, which
	 * replace threat_factor (a site's sector and region count); NULL: threat_factor. */
	const double *pair_factor;
	int conditional;        /**< nonzero: J100 conditional risk, T = 1 */
	uint32_t samples;       /**< Monte Carlo samples; 0 = exact values only */
	uint64_t seed;
	unsigned threads;       /**< >= 1 (0 counts as 1, above PT_QUANT_MAX_THREADS clamped); results do not depend on it */
	uint32_t top_k;         /**< K of p_topk (clamped to the sites with pairs) */
	/**
	 * The stream key of each site (n_sites entries), pt_rng_id_key of its
	 * id, so that a site's draws do not depend on its index or on which
	 * other sites are in the run; NULL: the index is the key.
	 */
	const uint64_t *site_key;
	/** The stream key of each threat (n_threats entries, pt_rng_id_key of its id); NULL: the index. */
	const uint64_t *threat_key;
	pt_progress_fn progress; /**< optional */
	void *progress_ctx;
};

/** Exact per-pair figures (no sampling). */
struct pt_quant_pair_result {
	double e_attempt;   /**< E[T'] after the threat-level factor (1 when conditional) */
	double e_success;   /**< E[V] */
	double e_consequence_eur; /**< E[C] = E[fat] VSL + E[inj] VI + E[loss] */
	double risk_eur;    /**< E[T'] E[V] E[C] */
};

/** Per-site results. */
struct pt_quant_site_result {
	double score_eur;  /**< exact expected yearly loss: sum over threats of E[T'] E[V] E[C] */
	double mean_eur;   /**< sample mean (NaN when samples == 0) */
	double p5_eur, p95_eur; /**< sample 5th / 95th percentiles (NaN when samples == 0) */
	/** Share of samples in which the site ranks in the top K of the sites with
	 * pairs (ties to the lower site index); 0 for a site without pairs, NaN
	 * when samples == 0. */
	double p_topk;
	int32_t worst_threat; /**< threat index of the largest pair risk, -1 if none */
	double worst_risk_eur;
	uint32_t n_pairs;  /**< assessed threats of the site */
};

/** Results of a run; free with pt_quant_result_free. */
struct pt_quant_result {
	size_t n_sites, n_pairs;
	struct pt_quant_site_result *sites; /**< n_sites entries */
	struct pt_quant_pair_result *pairs; /**< n_pairs entries, same order as the input */
	double total_score_eur;            /**< national exact total */
	double total_mean_eur, total_p5_eur, total_p95_eur; /**< over samples of the national total (NaN when samples == 0) */
	/** Largest |mean - score| / (sample sd / sqrt(samples)) over sites whose
	 * samples vary: the built-in check (about 4-5 at most for thousands of
	 * sites when all is well); 0 if none varies, NaN when samples == 0. */
	double max_mean_z;
	/** PERT variates drawn (each a beta variate, or under the national share
	 * the quantile of one attempt probability); constant ranges and pairs
	 * that are zero in every sample draw none. For ns per variate. */
	uint64_t variates_drawn;
};

/**
 * Run the method over pairs (any order; each (site, threat) at most once).
 * Same seed gives the same numbers whatever params->threads: the stream of
 * (sample, site, threat) is pt_rng_seed(seed, sample, site key, threat key)
 * (params->site_key and threat_key; the indexes without them), so a site's
 * mean, p5 and p95 depend only on its own pairs, the seed and the samples;
 * P(top K) and the totals depend on every site of the run.
 * Ranges: p_attempt and p_success within [0, 1], the others >= 0, all
 * finite with min <= mode <= max. Keeps sites x samples doubles in memory.
 * On success *out is a new result the caller frees with pt_quant_result_free.
 * Returns PT_EINVAL for bad ranges, indexes, duplicates or parameters (d
 * gets the field and "pair N (site S, threat T): what is wrong"; d may be
 * NULL), PT_ENOMEM, PT_ELIMIT above the PT_QUANT_MAX_* limits (sites x
 * samples above 2^31 among them), PT_EINTERNAL if cancelled ("cancelled").
 */
enum pt_err pt_quant_run(size_t n_sites, size_t n_threats, const struct pt_quant_pair *pairs,
			 size_t n_pairs, const struct pt_quant_params *params,
			 struct pt_quant_result **out, struct pt_diag *d);

/** Free a result; NULL does nothing. */
void pt_quant_result_free(struct pt_quant_result *r);

/**
 * Percentile q (0-1) of x[0, n) by linear interpolation between order
 * statistics at h = q (n - 1) (Hyndman & Fan type 7, numpy's and R's
 * default), the definition of p5 and p95. x is not changed; a scratch copy
 * is allocated and freed inside. PT_EINVAL for n == 0, a NULL pointer, a
 * NaN in x or q outside [0, 1]; PT_ENOMEM.
 */
enum pt_err pt_quant_percentile(const double *x, size_t n, double q, double *out);

/** E[g(X)] helpers, exposed for tests: PERT mean (min + lambda*mode + max)/(lambda + 2); min itself when min == max; NaN for NULL. */
double pt_pert_mean(const struct pt_range *r, double lambda);

/**
 * Exact E[1 - (1 - T)^f] for T ~ PERT(r, lambda), T in [0, 1], relative
 * error below 1e-9: f = 1 is the closed-form mean, a constant range gives
 * pt_threat_level_scale(min, f), a narrow range (r = (max - min) / (1 - min)
 * <= 1/2 and f r <= 4) the binomial series of (1 - r X)^f over the beta
 * moments, any other the quadrature below. f <= 0 gives 0; NaN in, NaN out.
 */
double pt_pert_mean_scaled(const struct pt_range *r, double lambda, double factor);

/**
 * The quadrature behind pt_pert_mean_scaled, exposed for tests: tanh-sinh
 * over the beta density, levels halved until two agree to 1e-12. Needs
 * 0 <= min < max <= 1 and lambda >= 0; NaN otherwise.
 */
double pt_pert_mean_scaled_quadrature(const struct pt_range *r, double lambda, double factor);

#endif
