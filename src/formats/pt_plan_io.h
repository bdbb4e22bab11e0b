/* pt_plan_io.h - an investment plan for people: the reasons of each
 * chosen and rejected measure as sentences, and the plan as JSON
 * (jansson), CSV and a printable HTML report with the frontier as SVG. */
#ifndef PT_PLAN_IO_H
#define PT_PLAN_IO_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "../core/pt_measure.h"
#include "../core/pt_model.h"
#include "../core/pt_plan.h"
#include "pt_ranking_io.h"
#include "pt_surge_io.h"

/** Everything a writer needs (borrowed; src/app's pt_app_plan_view fills it). */
struct pt_plan_view {
	const struct pt_config *cfg;
	const struct pt_catalog *threats;
	const struct pt_site *sites;       /**< model->n_sites sites, aligned with model->sites */
	const struct pt_measure_catalog *measures;
	const struct pt_plan_model *model;
	const struct pt_plan_result *result;
	const char *threat_level_text;     /**< "SUBSTANTIAL (drone_uas=SEVERE)" */
	/** Per threat of the catalogue its threat-level factor and the national
	 * level (each band says the level it was computed at); NULL: the bands
	 * say threat_level_text. */
	const double *threat_factors;
	enum pt_threat_level national;
	const char *region;                /**< "" all */
	const char *name;                  /**< saved plan name, "" none */
	size_t withheld, outside_region;
	size_t frontier_n;                 /**< 0: no frontier */
	const double *frontier_budget, *frontier_reduction, *frontier_bound;
	int omit_rejected;                 /**< JSON: "rejected_counts" only, no "rejected" list */
	int omit_withheld;                 /**< JSON: no "withheld" (the reader may not be told it) */
	int with_time_limit;               /**< JSON: "exact_time_limit_s" after "not_assessed" */
	double exact_time_limit_s;
	const struct pt_plan_variant *variants; /**< the sensitivity (HTML table, JSON "sensitivity"); NULL none */
	size_t n_variants;
	/* Issue 11 item 6: threat_level_text is the planning level the plan is priced at. */
	const char *today_level_text;      /**< today's levels ("CRITICAL (pbied=SEVERE)"); NULL: not shown */
	struct pt_surge_view surge;        /**< surge.result NULL: no surge section */
	/* Issue 11 review M1: admitted measures not funded. */
	int omit_not_chosen;               /**< JSON: "not_chosen_counts" only, no "not_chosen" list */
};

/** Bytes of pt_plan_priced_at's text with the NUL: two level texts and the words (issue 11 review m1). */
#define PT_PLAN_PRICED_AT_MAX (2 * PT_LEVEL_TEXT_MAX + 64)

/** "priced at planning level SUBSTANTIAL (today: CRITICAL)" for v into buf
 * (PT_PLAN_PRICED_AT_MAX bytes hold the longest). */
void pt_plan_priced_at(const struct pt_plan_view *v, char *buf, size_t size);

/**
 * The reasons for a chosen measure (screening s of site i) as sentences, in
 * order: the risk band and what it admits; the effect (yearly reduction,
 * main threat, benefit-cost ratio); each less intrusive alternative and why
 * it falls short (the first three named, any more counted in one sentence;
 * or that none is less intrusive); a legal-basis flag when
 * it needs one. Writes up to max sentences of up to size bytes each into
 * out[k] (caller's buffers) and returns how many.
 */
size_t pt_plan_reasons(const struct pt_plan_view *v, size_t site, const struct pt_plan_screen *s,
		       char (*out)[512], size_t max);

/** The screening of measure m at site (an index of v->model->sites), NULL when none. */
const struct pt_plan_screen *pt_plan_find_screen(const struct pt_plan_view *v, size_t site,
						uint32_t m);

/**
 * The funded sites (a chosen option with measures) in the writers' order:
 * largest risk reduction first, then by site id. *idx is new (free(); NULL
 * when none), *n how many; PT_ENOMEM.
 */
enum pt_err pt_plan_funded_sites(const struct pt_plan_view *v, size_t **idx, size_t *n);

/** The threat level threat t was computed at ("CRITICAL"), or the plan's
 * threat_level_text when the view has no factors. */
const char *pt_plan_threat_level(const struct pt_plan_view *v, long t);

/** "high (vehicle_ramming) at CRITICAL": the risk band of a measure's aim
 * (the aim's threats at its worst band, then the level) into buf. */
void pt_plan_risk_band_text(const struct pt_plan_view *v, const struct pt_plan_screen *s,
			    char *buf, size_t size);

/** The loss band of site (an index of v->model->sites): its expected yearly
 * loss before the plan on quant.band.*; PT_BAND_NONE when not assessed. */
enum pt_band pt_plan_loss_band(const struct pt_plan_view *v, size_t site);

/** "Risk band high (armed_assault_team) at SUBSTANTIAL; loss band medium at
 * SUBSTANTIAL.": both bands of a site, each with its threat level, into buf. */
void pt_plan_site_bands_text(const struct pt_plan_view *v, size_t site, char *buf, size_t size);

/** The reason a measure was rejected, as one sentence, into buf. */
void pt_plan_reject_reason(const struct pt_plan_view *v, size_t site,
			   const struct pt_plan_screen *s, char *buf, size_t size);

/**
 * The plan as a JSON object (a new reference; NULL on out of memory):
 * { budget_eur, solver, threat_level, region, horizon_years, discount_rate,
 *   totals: {cost_eur, risk_before_eur_year, risk_after_eur_year,
 *            risk_reduction_eur, bcr, net_benefit_eur, bound_eur, gap,
 *            optimal, exact_reduction_eur, gap_to_exact, sites_funded,
 *            measures},
 *   sites: [{site_id, name, region, lat, lon, risk_band (its worst pair),
 *            risk_band_threats, threat_level (of those threats), loss_band
 *            (of risk_before_eur, at the plan's threat_level), size_class, cost_eur,
 *            risk_before_eur, risk_after_eur (yearly), risk_reduction_eur (PV),
 *            bcr, measures: [{measure_id, name, family, cost_eur,
 *            reduction_eur_year, bcr, intrusiveness, legal_basis, aim_threats,
 *            risk_band, risk_band_threats, threat_level (of its aim), reasons: [..]}]}]
 *            (funded sites only, largest reduction first),
 *   rejected: [{site_id, measure_id, verdict, reason, aim_threats, risk_band,
 *               risk_band_threats, threat_level,
 *               alternative (less_intrusive: {measure_id, intrusiveness,
 *               cost_eur, remaining_bcr, effects: [{threat_id,
 *               reduction_eur_year, alternative_reduction_eur_year}]})}],
 *   frontier: [{budget_eur, risk_reduction_eur, bound_eur}] (when computed),
 *   withheld (unless omit_withheld), outside_region, not_assessed,
 *   exact_time_limit_s (with_time_limit), sensitivity (when variants) }
 */
json_t *pt_plan_to_json(const struct pt_plan_view *v);

/** The sensitivity rows as a JSON array of {discount_rate, horizon_years,
 * cost_eur, risk_reduction_eur, bcr, net_benefit_eur, sites_funded,
 * measures, measures_in_common, base}; new reference, NULL when out of memory. */
json_t *pt_plan_sensitivity_json(const struct pt_plan_variant *v, size_t n);

/**
 * The marking of a plan: the highest TLP of the sites it covers
 * (v->sites[0, v->model->n_sites)), TLP:CLEAR for none. Its JSON carries it
 * as "tlp", its CSV as a first line "# TLP:...", its HTML report in the
 * header and footer of every printed page.
 */
enum pt_tlp pt_plan_marking(const struct pt_plan_view *v);

/** Write pt_plan_to_json, indented, with a final newline. PT_EIO, PT_ENOMEM. */
enum pt_err pt_plan_write_json(FILE *f, const struct pt_plan_view *v);

/** One CSV row per chosen measure: site_id,site_name,measure_id,measure_name,cost_eur,reduction_eur_year,bcr,reasons (joined by " | "). */
enum pt_err pt_plan_write_csv(FILE *f, const struct pt_plan_view *v);

/** The frontier as CSV: budget_eur,risk_reduction_eur,bound_eur. */
enum pt_err pt_plan_write_frontier_csv(FILE *f, const struct pt_plan_view *v);

/**
 * A printable HTML report (one self-contained page, no script, print CSS):
 * summary and totals with the gap, the frontier as an inline SVG chart
 * (when computed), per site the measures with reasons, the rejected
 * measures, method notes. All text escaped.
 */
enum pt_err pt_plan_write_html(FILE *f, const struct pt_plan_view *v);

/** issue 11 (fit): the text of a safeguard a chosen measure needs (static; "" out of range). */
const char *pt_plan_safeguard_text(enum pt_safeguard g);


/* ---- Issue 11 review M1: admitted measures the plan does not fund ---- */

/** Why an admitted measure is not in its site's chosen bundle. */
enum pt_plan_nc_why {
	PT_NC_BUDGET = 0,      /**< the budget buys more elsewhere (or no efficient bundle holds it) */
	PT_NC_BUNDLE_CAP,      /**< the chosen bundle is at plan.max_measures */
	PT_NC_EXCLUSIVE_GROUP  /**< another measure of its exclusive group is chosen */
};
#define PT_NC_COUNT 3
/** "budget", "bundle_cap", "exclusive_group". */
const char *pt_plan_nc_why_name(enum pt_plan_nc_why w);

/** An admitted measure not funded at a site and why. Plain data. */
struct pt_plan_not_chosen {
	enum pt_plan_nc_why why;
	uint32_t other;          /**< exclusive_group: the chosen measure of its group */
	int has_next;            /**< budget: 1 when a costlier efficient bundle of the site holds it */
	double extra_cost_eur;   /**< budget: that bundle's cost over the chosen one's (PV; NaN none) */
	double extra_benefit_eur; /**< its risk reduction over the chosen one's (PV; NaN none) */
	double marginal_bcr;     /**< extra benefit / extra cost (NaN none) */
};

/** 1 when screening s at site is admitted and not in the site's chosen
 * bundle, with *out set (checked in the order exclusive group, bundle cap,
 * budget); 0 otherwise (*out untouched). */
int pt_plan_not_chosen(const struct pt_plan_view *v, size_t site, const struct pt_plan_screen *s,
		       struct pt_plan_not_chosen *out);

/** The least marginal benefit-cost ratio the plan funded: over funded sites,
 * the chosen bundle against the site's next cheaper one; NaN when none. */
double pt_plan_least_marginal_bcr(const struct pt_plan_view *v);

/** The sentence of a budget reason that compares with the whole plan (what the budget
 * bought, what is left): it starts with this; what comes before is the site's own. */
#define PT_PLAN_NC_PLAN_PART " What the budget bought: "

/** Why nc is not funded at site as sentences into buf; least is
 * pt_plan_least_marginal_bcr(v). */
void pt_plan_not_chosen_text(const struct pt_plan_view *v, size_t site,
			     const struct pt_plan_not_chosen *nc, double least, char *buf,
			     size_t size);

/** Count the admitted measures not funded by why into counts; returns the total. */
size_t pt_plan_not_chosen_counts(const struct pt_plan_view *v, size_t counts[PT_NC_COUNT]);

/** {budget, bundle_cap, exclusive_group}: the counts as a new JSON object; NULL out of memory. */
json_t *pt_plan_not_chosen_counts_json(const struct pt_plan_view *v);

/** The admitted measures not funded, site by site in the model's order, as a
 * new JSON array of {site_id, measure_id, bcr, cost_eur, reduction_eur_year,
 * why, chosen_instead (exclusive_group), marginal_bcr and
 * least_funded_marginal_bcr (budget), reason}; NULL out of memory. */
json_t *pt_plan_not_chosen_json(const struct pt_plan_view *v);

#endif
