/* pt_gen.h - the deterministic synthetic national dataset of `protect gen`:
 * sites, assessments and dependencies of any size, one element at a time, keyed by index. */
#ifndef PT_GEN_H
#define PT_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "pt_cascade.h"
#include "pt_err.h"
#include "pt_model.h"

/** Most sites one dataset may have (ids run S000001 ... S10000000). */
#define PT_GEN_SITES_MAX 10000000ULL

/** What to generate. Validate with pt_gen_check before the element functions. */
struct pt_gen_params {
	uint64_t seed;     /**< same seed, same dataset */
	uint64_t n_sites;  /**< 1 to PT_GEN_SITES_MAX */
	size_t n_threats;  /**< K: the first K threats of the catalogue; 0 = all */
};

/**
 * Check p against cat (non-empty catalogues, every sector's kind known,
 * 1 <= n_sites <= PT_GEN_SITES_MAX, K <= number of threats) and resolve
 * n_threats 0 to the whole catalogue. PT_EINVAL (or PT_ELIMIT for too many
 * sites) with the reason in d (field "sites" or "threats"); d may be NULL.
 */
enum pt_err pt_gen_check(struct pt_gen_params *p, const struct pt_catalogs *cat,
			 struct pt_diag *d);

/**
 * Site i (0-based; id "S" + i+1 in at least six digits). Every sector of
 * the catalogue appears among the first sectors-count sites, so any N of
 * at least that many covers all kinds and sectors; the first five sites
 * carry the five TLP labels. Names, owners and regions are invented; the
 * coordinates lie inside an invented box in open ocean (40-48 N, 22-14 W).
 * Returns PT_EINVAL if i >= n_sites or the catalogues are empty.
 */
enum pt_err pt_gen_site(const struct pt_gen_params *p, const struct pt_catalogs *cat,
			uint64_t i, struct pt_site *out);

/**
 * FEMA 426/452 ratings of site i against threat j (0 <= j < n_threats):
 * asset value from the site's people, population served and value; threat
 * and vulnerability from the threat scenario and the site's kind.
 */
enum pt_err pt_gen_fema(const struct pt_gen_params *p, const struct pt_catalogs *cat,
			uint64_t i, size_t j, struct pt_fema_row *out);

/** CARVER + Shock scores of site i, consistent with its FEMA ratings. */
enum pt_err pt_gen_carver(const struct pt_gen_params *p, const struct pt_catalogs *cat,
			  uint64_t i, struct pt_carver_row *out);

/**
 * Quantitative ranges of site i against threat j, consistent with the FEMA
 * ratings of the same pair: p_attempt small (about 1e-5 to 0.05 a year),
 * fatalities and injuries scaled by the peak occupancy, loss by the
 * economic value and population served. Every range satisfies
 * min <= mode <= max within the import limits; some are constants (min = max).
 */
enum pt_err pt_gen_quant(const struct pt_gen_params *p, const struct pt_catalogs *cat,
			 uint64_t i, size_t j, struct pt_quant_row *out);

/** Most dependencies one generated site consumes. */
#define PT_GEN_DEPS_MAX 5

/**
 * The supplies of site i (issue 12): out[0..*n) are dependencies with
 * consumer i, 1 to PT_GEN_DEPS_MAX of them (0 only when the dataset has no
 * site of a providing sector besides i). Layered as real networks are: the
 * providers are sites of the energy, drinking_water, digital_infrastructure
 * and transport sectors, drawn with a heavy tail (a few serve most sites;
 * the other sectors supply nobody); power for every site, water, telecom and
 * transport for many; some power feeds and telecom uplinks come in redundant
 * pairs (group "power" or "uplink", equal autonomy and loss). Autonomy in
 * whole hours, loss in steps of 0.05 within 0.05-1; no self-dependency, no
 * pair twice. Depends on (seed, i) only, so chunks may be written in any
 * size. PT_EINVAL for bad arguments.
 */
enum pt_err pt_gen_dependencies(const struct pt_gen_params *p, const struct pt_catalogs *cat,
				uint64_t i, struct pt_dependency out[PT_GEN_DEPS_MAX], size_t *n);

#endif
