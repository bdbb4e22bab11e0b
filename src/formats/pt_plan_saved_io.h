/* pt_plan_saved_io.h - saved plans as JSON (jansson): a saved plan's
 * summary, and a stored plan's JSON cut down to the sites a reader may see. */
#ifndef PT_PLAN_SAVED_IO_H
#define PT_PLAN_SAVED_IO_H

#include <jansson.h>

#include "../core/pt_plan_records.h"

/**
 * A saved plan's summary: {name, created_at, created_by, solver, region,
 * threat_level, budget_eur, cost_eur, risk_reduction_eur, gap (null when
 * !gap_known), sites_funded, measures, state (pt_saved_plan_phase),
 * state_text (pt_saved_plan_state_text), measure_states {proposed,
 * approved, accepted, declined, installed, verified: counts},
 * scope_organisation, withdrawn_at, withdrawn_by} and, when with_hidden,
 * hidden_sites. New reference; NULL when out of memory.
 */
json_t *pt_saved_plan_to_json(const struct pt_saved_plan *p, int gap_known, int with_hidden,
			      long long hidden_sites);

/**
 * Where p's measures are, in words, into buf (size bytes, truncated):
 * pt_saved_plan_phase, then for "in progress" and "done" the counts by
 * state, e.g. "in progress (25 approved, 3 accepted, 1 installed, 2
 * declined of 31)", and for "withdrawn" what it kept ("withdrawn (1
 * verified kept)"). Review m6.
 */
void pt_saved_plan_state_text(const struct pt_saved_plan *p, char *buf, size_t size);

/**
 * Keep in plan (a plan object as pt_plan_to_json wrote it; stolen) the
 * funded sites, rejected measures and surge lines whose site keep(ctx, site_id)
 * accepts; *hidden counts the funded sites left out. When some are, or
 * when partial (the reader may not see everything the author saw), the
 * rejection counts and the totals are those of what is kept, and figures
 * over the author's whole view go (risk before and after, the bound, the
 * gap, the frontier, the surge summary; outside_region and not_assessed become null).
 * Returns plan, or NULL when out of memory (plan freed).
 */
json_t *pt_plan_json_keep(json_t *plan, int (*keep)(void *ctx, const char *site_id), void *ctx,
			  int partial, size_t *hidden);

/** Copy the totals of plan (cost, risk reduction, gap, sites funded, measures) into p. */
void pt_plan_json_totals(const json_t *plan, struct pt_saved_plan *p);

#endif
