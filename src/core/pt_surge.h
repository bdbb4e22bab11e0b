/* pt_surge.h - temporary surge measures (issue 11 item 6): the surge
 * catalogue, and their screening at today's threat level where it is above
 * the planning level, costed per week. Pure: no I/O; text is src/formats'. */
#ifndef PT_SURGE_H
#define PT_SURGE_H

#include <stddef.h>
#include <stdint.h>

#include "pt_config.h"
#include "pt_err.h"
#include "pt_measure.h"
#include "pt_model.h"
#include "pt_score.h"

#define PT_SURGE_MAX_WEEKLY_EUR 1e9 /**< largest weekly cost of one surge measure */

/**
 * The surge catalogue: measures (rights, kinds, sectors, family, effects as
 * in the measure catalogue; capex, opex and lifetime unused: 0, 0, 1) and a
 * weekly cost per measure. A measure's cost_driver, unit_opex_eur_year (read
 * as its weekly cost per unit of the driver) and safeguards are used as the
 * plan uses them; unit_capex_eur is unused (0). Empty with
 * pt_surge_catalog_clear.
 */
struct pt_surge_catalog {
	struct pt_measure_catalog base;
	double *weekly_eur; /**< base.n entries: cost a week at a site of size factor 1 */
	size_t cap_weekly;
};

/** Append m with its weekly cost (errors as pt_measure_catalog_add). */
enum pt_err pt_surge_catalog_add(struct pt_surge_catalog *c, const struct pt_measure *m,
				 double weekly_eur);

/** Free everything; c becomes empty. */
void pt_surge_catalog_clear(struct pt_surge_catalog *c);

/**
 * Validate a surge measure: pt_measure_check's rules, a weekly cost and a
 * unit weekly cost (m->unit_opex_eur_year, field "unit_weekly_eur") finite
 * in [0, PT_SURGE_MAX_WEEKLY_EUR] (field "weekly_eur"). PT_EINVAL with
 * d naming line and field; d may be NULL.
 */
enum pt_err pt_surge_check(const struct pt_measure *m, double weekly_eur,
			   const struct pt_catalogs *cat, struct pt_diag *d, long line);

/** One assessed threat of a site at today's level. */
struct pt_surge_pair {
	uint32_t threat;              /**< index into the threat catalogue */
	enum pt_threat_level today;   /**< the level that applies today to this site and threat */
	double p_attack;              /**< E[T'] at today's level */
	double p_success;             /**< E[V] (measures in place) */
	double consequence_eur;       /**< E[C] */
};

/** One site's inputs (borrowed). */
struct pt_surge_site {
	const struct pt_site *site;
	const struct pt_surge_pair *pairs;
	size_t n_pairs;
};

/** What the screening decided for one surge measure at one site. */
enum pt_surge_verdict {
	PT_SURGE_ADMITTED = 0,
	PT_SURGE_STEP_FREE,   /**< removes step-free access */
	PT_SURGE_LEGAL_BASIS, /**< needs a legal basis and plan.allow_legal_basis is 0 */
	PT_SURGE_BAND,        /**< the risk band of its raised threats at today's level is too low */
	PT_SURGE_BCR,         /**< benefit over the surge below plan.min_bcr x its cost */
	PT_SURGE_DOES_NOT_FIT /**< the site does not meet a need (pt_measure_misfit), as in the plan */
};
#define PT_SURGE_VERDICT_COUNT 6
/** "admitted", "step_free", "legal_basis", "band", "bcr", "does_not_fit"; "" out of range. */
const char *pt_surge_verdict_name(enum pt_surge_verdict v);

/** One screened surge measure at one site. */
struct pt_surge_line {
	uint32_t site;              /**< index into the sites given */
	uint32_t measure;           /**< index into the surge catalogue */
	enum pt_surge_verdict verdict;
	enum pt_threat_level today; /**< highest of today's levels of its raised threats */
	enum pt_band band;          /**< risk band (matrix) of its raised threats' pairs, today */
	enum pt_band needed_band;   /**< what its intrusiveness needs (PT_BAND_NONE for 0) */
	int intrusiveness;
	double weekly_eur;          /**< weekly cost at this site (pt_surge_weekly_cost) */
	int cost_estimated;         /**< 1: its cost driver is unknown at the site (size rule) */
	unsigned weeks;             /**< plan.surge_weeks */
	double total_eur;           /**< weekly_eur x weeks */
	double reduction_eur_year;  /**< yearly rate of risk reduction at today's level */
	double benefit_eur;         /**< reduction over the weeks: rate x weeks / 52 */
	double bcr;                 /**< benefit / total (inf when total is 0 and benefit > 0) */
	size_t first_threat, n_threats; /**< its raised threats it reduces: result threats[] */
};

/** The screening of every site. Empty with pt_surge_result_clear. */
struct pt_surge_result {
	struct pt_surge_line *lines; /**< by site, then catalogue order */
	size_t n;
	uint32_t *threats;           /**< threat indexes the lines point into */
	size_t n_threats;
	enum pt_threat_level planning; /**< the planning level of cfg */
	unsigned weeks;
	size_t admitted;             /**< lines with PT_SURGE_ADMITTED */
	size_t rejected[PT_SURGE_VERDICT_COUNT]; /**< lines per verdict ([0] = admitted) */
	double weekly_total_eur;     /**< admitted lines' weekly costs */
	double total_eur;            /**< admitted lines' totals */
};

/**
 * Screen every surge measure of cat at every site: a measure is screened
 * at a site when it applies to the site's kind and sector and reduces (v or
 * c > 0) at least one of the site's threats whose today level is above
 * cfg's planning level (its "raised" threats). Rules in order (the first
 * failing is the verdict): removes step-free access; the site does not
 * meet a need of the measure (pt_measure_misfit, as the plan: does_not_fit);
 * the site lacks the basis it needs there (pt_measure_basis_at) while
 * plan.allow_legal_basis is 0; the worst matrix band of its raised
 * threats' pairs at today's level below what its intrusiveness needs
 * (plan.band.intrusiveness_K); its reduction over plan.surge_weeks weeks
 * (yearly rate of sum over raised threats of T'(V C - V(1-v) C(1-c)), x
 * weeks / 52, undiscounted) below plan.min_bcr x its cost
 * (pt_surge_weekly_cost x weeks). v_effect and c_effect are
 * pt_measure_effect_matrix's of cat->base (measure-major, threats_n wide).
 * out is overwritten. PT_EINVAL for bad figures (d names the site), PT_ENOMEM.
 */
enum pt_err pt_surge_screen(const struct pt_config *cfg, const struct pt_surge_catalog *cat,
			    const double *v_effect, const double *c_effect, size_t threats_n,
			    const struct pt_surge_site *sites, size_t n_sites,
			    struct pt_surge_result *out, struct pt_diag *d);

/**
 * Weekly cost of surge measure m of cat at site s, by the measure's cost
 * driver as pt_measure_site_cost prices a plan's measure: unit weekly cost x
 * the site's driver value, once per site (PT_COST_SITE), or weekly_eur x
 * size_factor (PT_COST_SIZE, and when the site lacks the driver: then
 * *estimated, which may be NULL, is 1).
 */
double pt_surge_weekly_cost(const struct pt_surge_catalog *cat, size_t m,
			    const struct pt_site *s, double size_factor, int *estimated);

/** Free the result's arrays; r becomes empty; NULL does nothing. */
void pt_surge_result_clear(struct pt_surge_result *r);

#endif
