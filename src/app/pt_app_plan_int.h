/* pt_app_plan_int.h - private to src/app: what the plan, register and
 * measures use cases share (the quant figures of the covered sites, the
 * model's per-site inputs, the time and actor of a write). */
#ifndef PT_APP_PLAN_INT_H
#define PT_APP_PLAN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_plan.h"
#include "../core/pt_plan_records.h"
#include "../store/pt_ranking.h"
#include "pt_app.h"
#include "pt_app_ranking.h"

/* Which sites a run covers: visible to who (else withheld), then in region (else outside). */
struct pt_run_filter {
	struct pt_access_filter access;
	int check_access;
	const char *region;  /* NULL or "": every region */
	const char *site_id; /* NULL: every site; else only this one (not counted) */
	size_t withheld, outside_region;
};

/* One assessed pair of a ranking: its site, threat and exact figures. */
struct pt_pair_ref {
	uint32_t site, threat;
	const struct pt_quant_pair_result *q;
};

/* Per-site inputs of the model: pairs, existing and committed measures (CSR arrays). */
struct pt_plan_inputs {
	struct pt_plan_site *sites;
	struct pt_plan_pair *pairs;
	uint32_t *existing, *committed;
	double *v, *c;
};

/* The quant ranking (exact figures) of the sites f lets through (who: NULL or system = all). */
enum pt_err pt_app_quant_ranking(struct pt_db *db, const struct pt_principal *who,
				 struct pt_run_filter *f, struct pt_ranking **out,
				 struct pt_diag *d);

/* The quant pairs of r by site then threat. *out: free(). */
enum pt_err pt_app_ranking_pairs(const struct pt_ranking *r, struct pt_pair_ref **out,
				 size_t *n, struct pt_diag *d);

/* Build the model's inputs from a ranking, the catalogue and the measures at sites. */
enum pt_err pt_app_inputs_build(const struct pt_ranking *ranking,
				const struct pt_measure_catalog *measures,
				const struct pt_pair_ref *refs, size_t n_refs,
				const struct pt_site_measure_row *sm, size_t n_sm,
				struct pt_plan_inputs *in, struct pt_diag *d);

/* Empty in (the struct stays). */
void pt_app_inputs_clear(struct pt_plan_inputs *in);

/* The band of a pair on the quant matrix of cfg. */
enum pt_band pt_app_pair_band(const struct pt_config *cfg, const struct pt_quant_pair_result *q);

/* The time of db's actor as "YYYY-MM-DDTHH:MM:SSZ" (the clock when it has none) and its name. */
void pt_app_stamp(struct pt_db *db, char now[PT_TIMESTAMP_MAX], const char **actor);

/*
 * Site id as stored and what c->who may do with it (check: pt_access_*),
 * with its access record's owner org id. PT_ENOTFOUND when no such site.
 */
enum pt_err pt_app_site_access(struct pt_db *db, const struct pt_principal *who, const char *id,
			       enum pt_access (*check)(const struct pt_principal *,
						       const struct pt_access_record *),
			       struct pt_site *site, long long *owner_org_id, enum pt_access *a,
			       struct pt_diag *d);

/* pt_app_site_access over an access index the caller loaded (once, for many sites). */
enum pt_err pt_app_site_access_in(struct pt_db *db, const struct pt_access_index *ix,
				  const struct pt_principal *who, const char *id,
				  enum pt_access (*check)(const struct pt_principal *,
							  const struct pt_access_record *),
				  struct pt_site *site, long long *owner_org_id, enum pt_access *a,
				  struct pt_diag *d);

#endif
