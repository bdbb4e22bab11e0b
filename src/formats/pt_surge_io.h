/* pt_surge_io.h - the surge catalogue (surge_measures.csv, surge_effects.csv;
 * issue 11 item 6) read all or nothing with FILE:LINE: field messages, and
 * a plan's surge lines as JSON and sentences. docs/formats.md. */
#ifndef PT_SURGE_IO_H
#define PT_SURGE_IO_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "../core/pt_surge.h"

/**
 * Read surge_measures.csv (header: id,name,family,weekly_eur,privacy,
 * movement,discrimination,legal_basis,removes_step_free,kinds,sectors,
 * description,cost_driver,unit_weekly_eur,safeguards; any order,
 * description and the last three optional) into out (emptied on
 * entry), each row checked with pt_surge_check against cat (NULL: form
 * only). Duplicate ids are rejected. On failure out is empty and d has line
 * and field. PT_EINVAL, PT_ELIMIT, PT_ENOMEM.
 */
enum pt_err pt_surge_read_csv(const char *buf, size_t len, const struct pt_catalogs *cat,
			      struct pt_surge_catalog *out, struct pt_diag *d);

/**
 * Read surge_effects.csv (the header of measure_effects.csv) into out's
 * effects: every measure_id one of out's or known's (NULL: out's only),
 * threat_id one of threats (NULL: form only). On failure the effects read
 * by this call are removed again.
 */
enum pt_err pt_surge_effects_read_csv(const char *buf, size_t len,
				      const struct pt_catalog *threats,
				      const struct pt_surge_catalog *known,
				      struct pt_surge_catalog *out, struct pt_diag *d);

/** What the writers need of a plan's surge (borrowed). */
struct pt_surge_view {
	const struct pt_config *cfg;
	const struct pt_catalog *threats;
	const struct pt_site *sites;           /**< the screened sites, as indexed by lines */
	const struct pt_surge_catalog *catalog;
	const struct pt_surge_result *result;
};

/**
 * Why surge line ln was admitted, as one sentence into buf: today's level
 * above the planning level for its threats, its band, benefit-cost over the
 * surge, its duration and "until the level returns to SUBSTANTIAL", and
 * that it is not part of the budgeted plan.
 */
void pt_surge_reason(const struct pt_surge_view *v, const struct pt_surge_line *ln, char *buf,
		     size_t size);

/** "vehicle_ramming, pbied": ln's threats' ids into buf. */
void pt_surge_threat_list(const struct pt_surge_view *v, const struct pt_surge_line *ln,
			  char *buf, size_t size);

/**
 * The admitted surge lines as a JSON array (a new reference; NULL on out of
 * memory): [{site_id, site_name, measure_id, name, weekly_cost_eur, weeks,
 * total_eur, risk_reduction_eur_year, benefit_eur, bcr, threats: [ids],
 * threat_level, planning_level, until, reason, safeguards: [{id}] (the
 * plan's writer adds each one's text), cost_driver, cost_estimated,
 * legal_basis_missing}], in the result's order.
 */
json_t *pt_surge_lines_json(const struct pt_surge_view *v);

/**
 * The surge's summary as a JSON object (a new reference; NULL on out of
 * memory): {planning_level, weeks, lines, weekly_cost_eur, total_eur,
 * rejected_counts: {step_free, legal_basis, band, bcr}, in_budget: false,
 * rejected_listed}.
 */
json_t *pt_surge_summary_json(const struct pt_surge_view *v);

/* ---- issue 11 M5: rejected surge lines ---- */

#define PT_SURGE_REJECTED_LIST_MAX 500 /**< rejected lines listed (JSON, HTML, the page) */

/** Nonzero when ln's measure needs a legal basis its site lacks (admitted only by plan.allow_legal_basis). */
int pt_surge_basis_missing(const struct pt_surge_view *v, const struct pt_surge_line *ln);

/** How many rejected lines the lists show: all of them up to PT_SURGE_REJECTED_LIST_MAX. */
size_t pt_surge_rejected_listed(const struct pt_surge_result *r);

/**
 * Why rejected surge line ln was not chosen, as one sentence into buf: the
 * rule (step-free access; the legal basis the measure needs and the
 * site's; the band its intrusiveness needs and the band at today's level;
 * its benefit-cost against plan.min_bcr).
 */
void pt_surge_reject_reason(const struct pt_surge_view *v, const struct pt_surge_line *ln,
			    char *buf, size_t size);

/**
 * The first pt_surge_rejected_listed rejected lines as a JSON array (a new
 * reference; NULL on out of memory): [{site_id, measure_id, name, verdict,
 * threat_level, reason}], in the result's order.
 */
json_t *pt_surge_rejected_json(const struct pt_surge_view *v);

#endif
