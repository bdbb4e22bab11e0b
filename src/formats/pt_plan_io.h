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

/** Everything a writer needs (borrowed; src/app's pt_app_plan_view fills it). */
struct pt_plan_view {
	const struct pt_config *cfg;
	const struct pt_catalog *threats;
	const struct pt_site *sites;       /**< model->n_sites sites, aligned with model->sites */
	const struct pt_measure_catalog *measures;
	const struct pt_plan_model *model;
	const struct pt_plan_result *result;
	const char *threat_level_text;     /**< "SUBSTANTIAL (drone_uas=SEVERE)" */
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
};

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
 *   sites: [{site_id, name, region, lat, lon, band, size_class, cost_eur,
 *            risk_before_eur, risk_after_eur (yearly), risk_reduction_eur (PV),
 *            bcr, measures: [{measure_id, name, family, cost_eur,
 *            reduction_eur_year, bcr, intrusiveness, legal_basis, reasons: [..]}]}]
 *            (funded sites only, largest reduction first),
 *   rejected: [{site_id, measure_id, verdict, reason}],
 *   frontier: [{budget_eur, risk_reduction_eur, bound_eur}] (when computed),
 *   withheld (unless omit_withheld), outside_region, not_assessed,
 *   exact_time_limit_s (with_time_limit), sensitivity (when variants) }
 */
json_t *pt_plan_to_json(const struct pt_plan_view *v);

/** The sensitivity rows as a JSON array of {discount_rate, horizon_years,
 * cost_eur, risk_reduction_eur, bcr, net_benefit_eur, sites_funded,
 * measures, measures_in_common, base}; new reference, NULL when out of memory. */
json_t *pt_plan_sensitivity_json(const struct pt_plan_variant *v, size_t n);

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

#endif
