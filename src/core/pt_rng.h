/* pt_rng.h - fast seeded random streams and the PERT (scaled beta)
 * sampler of the Monte Carlo. A stream is keyed, so results do not depend
 * on which thread draws them. */
#ifndef PT_RNG_H
#define PT_RNG_H

#include <stdint.h>

#include "pt_model.h"

/** xoshiro256** state. Plain struct: copy freely. */
struct pt_rng {
	uint64_t s[4];
};

/** Seed a stream from (seed, key1, key2, key3) via splitmix64 mixing. */
void pt_rng_seed(struct pt_rng *r, uint64_t seed, uint64_t key1, uint64_t key2, uint64_t key3);

/** Next 64 random bits. */
uint64_t pt_rng_next(struct pt_rng *r);

/** Uniform double in [0, 1) with 53 random bits. */
double pt_rng_uniform(struct pt_rng *r);

/** Standard normal variate (ziggurat). */
double pt_rng_normal(struct pt_rng *r);

/** Precomputed constants of one PERT range (see pt_pert_prepare). */
struct pt_pert {
	double min, scale; /**< min and max - min */
	double alpha, beta;
	double ga_d, ga_c, gb_d, gb_c; /**< Marsaglia-Tsang constants of the two gammas */
	int constant;      /**< min == max: always min */
};

/** Precompute the sampler of PERT(r) with shape lambda (4 = classic). */
void pt_pert_prepare(struct pt_pert *p, const struct pt_range *r, double lambda);

/** Draw one variate of p from r. */
double pt_pert_draw(const struct pt_pert *p, struct pt_rng *r);

/** Quantile (inverse CDF) of p at probability u in [0, 1], for the national share. */
double pt_pert_quantile(const struct pt_pert *p, double u);

/** Standard normal CDF. */
double pt_normal_cdf(double z);

#endif
