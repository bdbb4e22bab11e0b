/* pt_rng.h - fast seeded random streams and the PERT (scaled beta)
 * sampler of the Monte Carlo. A stream is keyed, so results do not depend
 * on which thread draws them. */
#ifndef PT_RNG_H
#define PT_RNG_H

#include <math.h>
#include <stdint.h>

#include "pt_model.h"

/*
 * The hot path (next, uniform, normal, gamma, PERT draw, keyed seeding) is
 * static inline so the Monte Carlo loop in pt_quant.c compiles into one
 * function; the rare paths (ziggurat wedges and tail, quantiles) live in
 * pt_rng.c. docs/internals/quant.md explains the choices.
 */

/** xoshiro256** state. Plain struct: copy freely. */
struct pt_rng {
	uint64_t s[4];
};

/* Force inlining of the hot path where the compiler allows it. */
#if defined(__GNUC__)
#define PT_RNG_INLINE static inline __attribute__((always_inline))
#define PT_RNG_RARE(x) __builtin_expect(!!(x), 0) /* a branch almost never taken */
#else
#define PT_RNG_INLINE static inline
#define PT_RNG_RARE(x) (x)
#endif

/** The splitmix64 finaliser: a bijection of 64-bit words that mixes every bit. */
PT_RNG_INLINE uint64_t pt_rng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/**
 * The part of a stream key that depends on (seed, key1), key1 being the
 * sample in the Monte Carlo. Precompute it once per sample.
 */
uint64_t pt_rng_key1(uint64_t seed, uint64_t key1);

/**
 * The part of a stream key that depends on (seed, key2, key3), (site,
 * threat) in the Monte Carlo. Precompute it once per pair.
 */
uint64_t pt_rng_key23(uint64_t seed, uint64_t key2, uint64_t key3);

/**
 * Seed r from the two precomputed key parts: four splitmix64 outputs
 * starting at part1 + part23. Never gives the all-zero state.
 * pt_rng_seed_parts(r, pt_rng_key1(s, k1), pt_rng_key23(s, k2, k3)) is
 * exactly pt_rng_seed(r, s, k1, k2, k3).
 */
PT_RNG_INLINE void pt_rng_seed_parts(struct pt_rng *r, uint64_t part1, uint64_t part23)
{
	const uint64_t golden = UINT64_C(0x9e3779b97f4a7c15);
	uint64_t x = part1 + part23;
	r->s[0] = pt_rng_mix(x + golden);
	r->s[1] = pt_rng_mix(x + 2 * golden);
	r->s[2] = pt_rng_mix(x + 3 * golden);
	r->s[3] = pt_rng_mix(x + 4 * golden);
}

/**
 * The stable 64-bit stream key of a record id (a site's or a threat's):
 * FNV-1a 64 over the id's bytes (offset basis 0xcbf29ce484222325, prime
 * 0x100000001b3), then the splitmix64 finaliser (pt_rng_mix). The same id
 * gives the same key on every machine and in every run; docs/methodology.md.
 */
uint64_t pt_rng_id_key(const char *id);

/** Seed a stream from (seed, key1, key2, key3) via splitmix64 mixing. */
void pt_rng_seed(struct pt_rng *r, uint64_t seed, uint64_t key1, uint64_t key2, uint64_t key3);

/** Next 64 random bits (xoshiro256**, Blackman & Vigna 2018). */
PT_RNG_INLINE uint64_t pt_rng_next(struct pt_rng *r)
{
	uint64_t *s = r->s;
	uint64_t x = s[1] * 5;
	uint64_t result = ((x << 7) | (x >> 57)) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return result;
}

/** Uniform double in [0, 1) with 53 random bits. */
PT_RNG_INLINE double pt_rng_uniform(struct pt_rng *r)
{
	return (double)(pt_rng_next(r) >> 11) * 0x1.0p-53;
}

/**
 * Ziggurat tables of the standard normal (256 layers of equal area, Marsaglia
 * & Tsang 2000, 52-bit magnitudes), defined in pt_rng.c. Internal to the
 * inline sampler; layer 0 is the base strip with the tail beyond
 * PT_ZIG_R, layer 1 the top. pt_zig_w[i] is the layer's right edge / 2^52,
 * pt_zig_f[i] the density exp(-x^2/2) at that edge, pt_zig_k[i] the
 * magnitude below which a point is inside the layer under it.
 */
extern const uint64_t pt_zig_k[256];
extern const double pt_zig_w[256];
extern const double pt_zig_f[256];
/** Right edge of the base rectangle, where the ziggurat's tail starts. */
#define PT_ZIG_R 3.6541528853610088
/** Area of each ziggurat layer (of the unnormalised density exp(-x^2/2)). */
#define PT_ZIG_V 0.0049286732339746554

/** Slow path of pt_rng_normal (wedges and tail) for the 64 bits already drawn; internal. */
double pt_rng_normal_slow(struct pt_rng *r, uint64_t bits);

/**
 * Standard normal variate (ziggurat): the low 8 bits pick the layer, the top
 * 53 bits read as a signed integer give sign and magnitude (Marsaglia &
 * Tsang's RNOR with 64-bit words); no branch on the sign.
 */
PT_RNG_INLINE double pt_rng_normal(struct pt_rng *r)
{
	uint64_t bits = pt_rng_next(r);
	unsigned layer = (unsigned)(bits & 0xff);
	int64_t value = (int64_t)bits >> 11; /* arithmetic shift: in [-2^52, 2^52) */
	int64_t sign = value >> 63;
	uint64_t mag = (uint64_t)((value ^ sign) - sign);
	if (PT_RNG_RARE(mag >= pt_zig_k[layer]))
		return pt_rng_normal_slow(r, bits);
	return (double)value * pt_zig_w[layer];
}

/**
 * Standard gamma variate of shape a >= 1 by Marsaglia & Tsang (2000), given
 * d = a - 1/3 and c = 1 / sqrt(9 d) (see struct pt_pert). The test
 * log u < A, A = x^2/2 + d (1 - v + log v), is decided without logarithms
 * whenever bounds suffice: with y = c x, |y| < 1, A = d h(y) where
 * h(y) = -3 sum_{k>=4} (-y)^k / k lies between lo = -3/4 y^4 + 3/5 y^5
 * - 1/2 y^6 - 3/7 |y|^7 / (1 - |y|) and hi = -3/4 y^4 + 3/5 y^5, and for
 * 0 < u <= 1, (u^2 - 1) / (2u) <= log u <= 2 (u - 1) / (u + 1). Same
 * distribution as the paper's test; about 4% of draws (a = 1) to 0.1%
 * (a = 5) still take the logarithms.
 */
PT_RNG_INLINE double pt_rng_gamma(struct pt_rng *r, double d, double c)
{
	for (;;) {
		double x, y, v, u;
		do {
			x = pt_rng_normal(r);
			y = c * x;
		} while (y <= -1.0);
		v = (1.0 + y) * (1.0 + y) * (1.0 + y);
		u = pt_rng_uniform(r);
		if (fabs(y) < 1.0) {
			/* lo = p - t / q, and u (2 - lo) < 2 + lo multiplied by q > 0. */
			double ay = fabs(y), y2 = y * y, dy4 = d * y2 * y2, q = 1.0 - ay;
			double hi = dy4 * (0.6 * y - 0.75);
			double p = hi - 0.5 * dy4 * y2, t = (3.0 / 7.0) * dy4 * ay * y2;
			if (u * (q * (2.0 - p) + t) < q * (2.0 + p) - t)
				return d * v; /* log u <= 2 (u - 1) / (u + 1) < lo <= A */
			if (u * (u - 2.0 * hi) >= 1.0)
				continue; /* log u >= (u^2 - 1) / (2u) >= hi >= A */
		}
		if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}

/** Precomputed constants of one PERT range (see pt_pert_prepare). */
struct pt_pert {
	double min, scale; /**< min and max - min */
	double alpha, beta;
	double ga_d, ga_c, gb_d, gb_c; /**< Marsaglia-Tsang constants of the two gammas */
	int constant;      /**< min == max: always min */
	double max;        /**< draws are clamped to [min, max] against rounding */
	double lbeta;      /**< log B(alpha, beta) for the quantile; NaN until pt_pert_prepare_quantile */
	/* Set by pt_pert_use_table (NULL row: no table, the exact quantile): */
	const double *row; /**< cell 0 of the first of the three table rows around this alpha */
	size_t cell_stride; /**< doubles from one cell of the table to the next (4 x its rows) */
	double w[3];       /**< their interpolation weights times max - min (negated when mirrored) */
	double base;       /**< min, or max when mirrored (alpha > beta) */
	double zsign;      /**< 1, or -1 when mirrored */
};

/**
 * Precompute the sampler of PERT(r) with shape lambda (4 = classic):
 * min + (max - min) Beta(alpha, beta), alpha = 1 + lambda (mode - min) / (max - min),
 * beta = 1 + lambda (max - mode) / (max - min). The caller has checked r
 * (finite, min <= mode <= max) and lambda >= 0.
 */
void pt_pert_prepare(struct pt_pert *p, const struct pt_range *r, double lambda);

/** Also precompute log B(alpha, beta), which speeds up pt_pert_quantile and pt_pert_cdf. */
void pt_pert_prepare_quantile(struct pt_pert *p);

/**
 * Draw one variate of p from r: two Marsaglia-Tsang gammas G_a, G_b and
 * min + scale G_a / (G_a + G_b). A constant range draws nothing.
 */
PT_RNG_INLINE double pt_pert_draw(const struct pt_pert *p, struct pt_rng *r)
{
	double ga, gb, t;
	if (p->constant)
		return p->min;
	ga = pt_rng_gamma(r, p->ga_d, p->ga_c);
	gb = pt_rng_gamma(r, p->gb_d, p->gb_c);
	t = p->min + p->scale * (ga / (ga + gb));
	return t > p->max ? p->max : t;
}

/**
 * Quantile of p at probability Phi(z), accurate in both tails (the upper
 * tail is solved from 1 - Phi(z) = Phi(-z) directly).
 */
double pt_pert_quantile_normal(const struct pt_pert *p, double z);

/*
 * The PERT quantile table (docs/internals/quant.md, "The quantile table").
 * For one lambda, PERT is a one-parameter family: Beta(alpha, beta) with
 * alpha + beta = 2 + lambda. The table holds x(alpha, z) = F^-1(Phi(z)) of
 * Beta(alpha, 2 + lambda - alpha) for alpha in [1, 1 + lambda / 2] (the
 * other half by symmetry: x(beta, alpha; z) = 1 - x(alpha, beta; -z)) and
 * normal deviates z in [-PT_PERT_TABLE_Z, PT_PERT_TABLE_Z): per row, cubic
 * Hermite pieces over PT_PERT_TABLE_STEPS cells per unit of z (values and
 * exact slopes dx/dz = phi(z) / f(x) at the cell ends); rows equally spaced
 * in sqrt(alpha), doubled until the quadratic interpolation of three
 * neighbours is within PT_PERT_TABLE_ALPHA_TOL of the rows between them. A draw is one normal
 * and one lookup; |error| <= PT_PERT_TABLE_BOUND of max - min (measured by
 * test_rng over a fine grid); beyond the covered z (probability 1.2e-15)
 * the exact quantile.
 */
#define PT_PERT_TABLE_Z 8        /**< deviates covered: [-8, 8) */
#define PT_PERT_TABLE_STEPS 16   /**< cells per unit of z */
#define PT_PERT_TABLE_CELLS (2 * PT_PERT_TABLE_Z * PT_PERT_TABLE_STEPS)
#define PT_PERT_TABLE_ROWS_USED 3 /**< rows a lookup combines (quadratic in sqrt(alpha)) */
#define PT_PERT_TABLE_ALPHA_TOL 5e-7 /**< largest blend error at a checked midpoint */
#define PT_PERT_TABLE_BOUND 1e-6 /**< documented bound of |table - exact| / (max - min) */
#define PT_PERT_TABLE_MAX_ROWS 4096u /**< PT_ELIMIT above (32 MiB) */

/** The quantile table of one lambda; build with pt_pert_table_new, free with pt_pert_table_free. Read-only once built: threads share it. */
struct pt_pert_table {
	double lambda;
	size_t n_rows;  /**< rows at s = sqrt(alpha) = 1 + k ds, k < n_rows (at least 3) */
	double s_top;   /**< sqrt(1 + lambda / 2), the last row's s */
	double ds;      /**< 0 when lambda is 0 (every row the uniform distribution) */
	double *coef;   /**< PT_PERT_TABLE_CELLS x n_rows x 4 (cell-major, 64-byte aligned): c0 + c1 u + c2 u^2 + c3 u^3, u in [0, 1) across the cell */
};

/**
 * Build the quantile table of lambda (0 to 1000) into *out (the caller
 * frees it with pt_pert_table_free). PT_EINVAL for a bad lambda, PT_ENOMEM,
 * PT_ELIMIT if it would need more than PT_PERT_TABLE_MAX_ROWS rows.
 * 65 rows (520 KiB) and about 10 ms for lambda 4.
 */
enum pt_err pt_pert_table_new(double lambda, struct pt_pert_table **out);

/** Free a table; NULL does nothing. */
void pt_pert_table_free(struct pt_pert_table *t);

/**
 * Make pt_pert_table_quantile and pt_pert_draw_table of p (prepared with
 * the table's lambda) use t, which must outlive p's use. A NULL t, or a p
 * whose alpha + beta is not 2 + t->lambda, leaves p on the exact quantile.
 */
void pt_pert_use_table(struct pt_pert *p, const struct pt_pert_table *t);

/**
 * The PERT value at normal deviate z: F^-1(Phi(z)) from the table (cubic
 * in z and in sqrt(alpha)), clamped to [min, max]; the exact quantile when
 * |z| >= PT_PERT_TABLE_Z or p has no table. Constant ranges give min.
 */
PT_RNG_INLINE double pt_pert_table_quantile(const struct pt_pert *p, double z)
{
	double f, u, x0, x1, x2, t;
	const double *c;
	int i;
	if (p->constant)
		return p->min;
	f = (p->zsign * z + PT_PERT_TABLE_Z) * PT_PERT_TABLE_STEPS;
	if (PT_RNG_RARE(!p->row || !(f >= 0 && f < PT_PERT_TABLE_CELLS)))
		return pt_pert_quantile_normal(p, z);
	i = (int)f; /* a signed conversion is one instruction; f is in [0, cells) */
	u = f - (double)i;
	c = p->row + p->cell_stride * (size_t)i; /* the three rows' cell i: 12 adjacent doubles */
	x0 = ((c[3] * u + c[2]) * u + c[1]) * u + c[0];
	x1 = ((c[7] * u + c[6]) * u + c[5]) * u + c[4];
	x2 = ((c[11] * u + c[10]) * u + c[9]) * u + c[8];
	t = p->base + (p->w[0] * x0 + p->w[1] * x1 + p->w[2] * x2);
	t = t < p->min ? p->min : t; /* min and max instructions, no branches */
	return t > p->max ? p->max : t;
}

/**
 * Draw one variate of p by inversion: one standard normal z from r (the
 * ziggurat: one generator step for 99% of draws) and pt_pert_table_quantile(p, z).
 * A constant range draws nothing.
 */
PT_RNG_INLINE double pt_pert_draw_table(const struct pt_pert *p, struct pt_rng *r)
{
	if (p->constant)
		return p->min;
	return pt_pert_table_quantile(p, pt_rng_normal(r));
}

/** Quantile (inverse CDF) of p at probability u in [0, 1], for the national share. */
double pt_pert_quantile(const struct pt_pert *p, double u);


/** CDF of p at t: the regularised incomplete beta I_x(alpha, beta), x = (t - min) / scale. */
double pt_pert_cdf(const struct pt_pert *p, double t);

/** Standard normal CDF. */
double pt_normal_cdf(double z);

#endif
