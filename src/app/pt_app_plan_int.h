/* pt_app_plan_int.h - private to src/app: what the plan, register and
 * measures use cases share (the quant figures of the covered sites, the
 * model's per-site inputs, the time and actor of a write). */
#ifndef PT_APP_PLAN_INT_H
#define PT_APP_PLAN_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/pt_plan.h"
#include "../core/pt_plan_records.h"
#include "../store/pt_ranking.h"
#include "pt_app.h"
#include "pt_app_plan.h"
#include "pt_app_ranking.h"

/* Which sites a run covers: visible to who (else withheld), then in region (else outside). */
struct pt_run_filter {
	struct pt_access_filter access;
	int check_access;
	const char *region;  /* NULL or "": every region */
	const char *site_id; /* NULL: every site; else only this one (not counted) */
	size_t withheld, outside_region;
	int at_planning_level; /* issue 11 item 6: price at plan.planning_level (the plan's runs) */
	/* issue 16 item 5: the sites of snap a filter keeps (keep[i]); others are outside */
	const struct pt_snapshot *scope_snap;
	const unsigned char *scope_keep;
};

/* One assessed pair of a ranking: its site, threat and exact figures. */
struct pt_pair_ref {
	uint32_t site, threat;
	const struct pt_quant_pair_result *q;
	size_t row; /* its row of r->set.quant (and of r->pair_levels) */
};

/* Per-site inputs of the model: pairs, existing and committed measures (CSR arrays). */
struct pt_plan_inputs {
	struct pt_plan_site *sites;
	struct pt_plan_pair *pairs;
	uint32_t *existing, *committed, *pending;
	double *v, *c;
};

/* What a built plan model is kept under (pt_app_plan_cache.c): the data
 * version, the caller's view (one byte per site of the snapshot, as
 * pt_app_view_bits gives it), the region and the options that change the
 * model. Settings, measures, measures at sites, threat levels and
 * assessments are covered by the data version. */
struct pt_plan_key {
	unsigned long long version;
	const unsigned char *view; /* n_view bytes (borrowed; the entry keeps its own copy) */
	size_t n_view;
	char region[PT_REGION_MAX];
	char scope[2048]; /* issue 16 item 5: the filter's key text (pt_site_filter_key) */
	int set_discount_rate;
	double discount_rate;
	unsigned horizon_years;
	int planning_level; /* issue 11 item 6: the level the model is priced at (settings: also in version) */
};

/* A built model and what it was built from, shared (read-only) by the runs
 * that use it and the cache (reference counted). */
struct pt_plan_built {
	atomic_long refs;
	struct pt_plan_key key;    /* key.view == view */
	unsigned char *view;
	struct pt_ranking *ranking;
	struct pt_measure_catalog measures;
	struct pt_plan_model *model;
	struct pt_plan_inputs *inputs;
	size_t withheld, outside_region;
	size_t bytes;              /* pt_plan_built_bytes, counted against the cache's bound */
	struct pt_plan_surge *surge; /* issue 11 item 6: the surge at today's level */
};

/* Drop a reference (the last frees it all); NULL does nothing. */
void pt_plan_built_release(struct pt_plan_built *b);

/* An estimate of b's memory: its model's, ranking's, inputs' and catalogue's arrays. */
size_t pt_plan_built_bytes(const struct pt_plan_built *b);

/* The entry for k with a new reference (a hit), or NULL (a miss, which
 * also drops the entries of older data versions). NULL c: NULL. */
struct pt_plan_built *pt_plan_cache_get(struct pt_plan_cache *c, const struct pt_plan_key *k);

/* Keep b (the cache takes its own reference): entries of older data
 * versions go, then the least recently used until b fits the bound; b is
 * not kept when larger than the bound. */
void pt_plan_cache_put(struct pt_plan_cache *c, struct pt_plan_built *b);

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

/*
 * Issue 16, item 4 (pt_app_measure_states.c): inside the caller's write
 * transaction, commit measure m at site as actor at now (the caller asked
 * pt_access_measure_commit): accepted with no plan, kept in the history
 * with note, a register history 'commit' row per threat it affects there,
 * audited "site.measure.commit". PT_ECONFLICT (field "measure") when it is
 * at the site in a state other than declined; PT_EINVAL when m does not
 * apply to the site's kind or sector. *out: the row (NULL: not wanted).
 */
enum pt_err pt_app_measure_commit_in(struct pt_db *db, const struct pt_site *site,
				     const struct pt_measure *m, const char *note,
				     const char *now, const char *actor,
				     struct pt_site_measure_row *out, struct pt_diag *d);

/* ---- issue 11 item 6: a plan's surge (pt_app_surge.c) ---- */

/* Screen s->catalog (filled by the caller) at the covered sites of r at
 * today's levels (national and per-threat levels as read with r) into
 * s->result; s->planning and s->today_text too. */
enum pt_err pt_app_surge_build(const struct pt_ranking *r, enum pt_threat_level national,
			       const struct pt_threat_level_entry *levels, size_t n_levels,
			       struct pt_plan_surge *s, struct pt_diag *d);

#endif
