/* pt_app_plan.h - the investment plan's use cases: run a plan over the
 * sites the caller may read, its sensitivity, save it, list and read saved plans. */
#ifndef PT_APP_PLAN_H
#define PT_APP_PLAN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/pt_measure.h"
#include "../core/pt_plan.h"
#include "../core/pt_plan_records.h"
#include "../core/pt_surge.h"
#include "../formats/pt_plan_io.h"
#include "pt_app.h"

struct pt_ranking;     /**< the quant figures a run was computed from (src/store) */
struct pt_plan_inputs; /**< the model's per-site inputs (private to src/app) */
struct pt_plan_built;  /**< a built model kept by a struct pt_plan_cache (private to src/app) */
/**
 * Built plan models kept between runs (a server's; pt_plan_cache_new), so
 * that a run differing only in budget, solver, frontier or check solves
 * again without reading and building: keyed by the caller's view (the
 * sites it may read), region, discount rate and horizon options and the
 * registry's data version (which every write to sites, assessments,
 * settings, measures, measures at sites and threat levels changes), within
 * a memory bound. Safe from several threads.
 */
struct pt_plan_cache;

/** What to plan. Plain data; region borrowed. */
struct pt_plan_opts {
	const char *region;       /**< only sites of this region; NULL or "": all */
	double budget_eur;        /**< >= 0 */
	enum pt_plan_solver solver;
	/** Also run the exact solver as a check of the fast one: 1 yes, 0 no,
	 * -1 when the model has at most 20,000 options. */
	int check_exact;
	/** The exact solver's time limit: > 0 this many seconds; 0 the setting
	 * plan.exact_time_limit_s; < 0 the setting, at most -time_limit_s (a server's cap). */
	double time_limit_s;
	size_t frontier_points;   /**< 0: no frontier; else points (101 for --frontier) */
	/** 1: use discount_rate (0-0.5) instead of the setting plan.discount_rate. */
	int set_discount_rate;
	double discount_rate;
	unsigned horizon_years;   /**< 1-100; 0 = setting plan.horizon_years */
	/** The audit action of the read ("plan.read"); NULL: the read is not audited. */
	const char *read_action;
	/** Nonzero: a region (non-empty) with no site the caller may read is
	 * PT_EINVAL ("no site of region ..."), nothing computed nor saved (the
	 * command line's rule; the API answers an empty plan). */
	int region_required;
	/** Where built models are kept between runs (not owned); NULL: built each time. */
	struct pt_plan_cache *cache;
	/** Optional: asked while the exact solver searches (from the calling thread);
	 * nonzero stops the run with PT_EINTERNAL "cancelled" (a server's client gone). */
	int (*stop)(void *ctx);
	void *stop_ctx;
	/** issue 16 item 5 and item 1: the plan's scope, the sites the filter keeps among those
	 * c may read (NULL: every one; checked in place, PT_EINVAL naming the field and value;
	 * its band the quant ranking's band today); the budget applies to them. With a region
	 * filter, region above is not taken (NULL). */
	struct pt_site_filter *filter;
};

/** A plan's surge (issue 11 item 6): temporary measures at today's level, apart from the plan. */
struct pt_plan_surge {
	struct pt_surge_catalog catalog;  /**< the surge catalogue as read */
	struct pt_surge_result result;    /**< its screening at the covered sites */
	enum pt_threat_level planning;    /**< the planning level the plan is priced at */
	char today_text[512];             /**< today's level text, "CRITICAL (pbied=SEVERE)" */
};

/** Free a surge and what it holds; NULL does nothing. */
void pt_plan_surge_free(struct pt_plan_surge *s);

/** A plan run: what it was computed from and its result. Free with pt_plan_run_free. */
struct pt_plan_run {
	struct pt_ranking *ranking;  /**< quant ranking, exact values: cfg, cat, sites (by id), level_text */
	struct pt_measure_catalog measures;
	struct pt_plan_model *model; /**< model->sites[i] is ranking->sites.items[i] */
	struct pt_plan_result result;
	char region[PT_REGION_MAX];
	size_t withheld;             /**< sites left out by visibility */
	size_t outside_region;       /**< sites left out by region (issue 16: or by the filter) */
	int show_withheld;           /**< the caller may be told withheld (pt_access_hidden_counts) */
	double time_limit_s;         /**< the exact solver's time limit used (seconds) */
	size_t frontier_n;
	double *frontier_budget, *frontier_reduction, *frontier_bound; /**< frontier_n each */
	struct pt_plan_inputs *inputs; /**< the model's inputs, for the sensitivity */
	/** When set, ranking, measures, model and inputs are borrowed from this
	 * cached model (read-only; released by pt_plan_run_free), else owned. */
	struct pt_plan_built *built;
	int cache_hit;               /**< the model came from o->cache */
	/** A copy of *model with this run's stop hook, which the solver reads
	 * (model may be shared with other runs through the cache). */
	struct pt_plan_model solve_model;
	/** Issue 11 item 6: the surge (borrowed from built when set, else owned). */
	struct pt_plan_surge *surge;
};

/**
 * Plan over the sites c may read: sites, quant assessments, threat levels,
 * settings, measures and site measures in one read transaction; exact
 * quant figures at the current threat level; the model, solved, checked
 * with the exact solver as o asks, and the frontier. The read is audited
 * as o->read_action for c. *out is new (pt_plan_run_free).
 */
enum pt_err pt_app_plan_run(const struct pt_caller *c, struct pt_db *db,
			    const struct pt_plan_opts *o, struct pt_plan_run **out,
			    struct pt_diag *d);

/** Free a run; NULL does nothing. */
void pt_plan_run_free(struct pt_plan_run *r);

/**
 * A cache of built models of at most max_bytes (an estimate of their
 * arrays; a model larger than that is not kept). *out is new
 * (pt_plan_cache_free). PT_EINVAL, PT_ENOMEM, PT_EINTERNAL.
 */
enum pt_err pt_plan_cache_new(size_t max_bytes, struct pt_plan_cache **out);

/** Free a cache and its models (runs still using one keep it); NULL does nothing. */
void pt_plan_cache_free(struct pt_plan_cache *c);

/** Counters of a cache. Plain data. */
struct pt_plan_cache_stats {
	uint64_t hits, misses, evictions;
	size_t entries, bytes, max_bytes;
};

/** c's counters now into *out (zeros for NULL c). */
void pt_plan_cache_stats(struct pt_plan_cache *c, struct pt_plan_cache_stats *out);

/**
 * The writers' view of run (borrowed from run; name "" or NULL: not
 * saved). Fills every field a run has; the caller adds variants.
 */
void pt_app_plan_view(const struct pt_plan_run *run, const char *name, struct pt_plan_view *v);

/**
 * Sensitivity: base solved again at the same budget at discount rates 0,
 * 3, 5 and 7% and at half and twice its horizon (the base's own values
 * skipped), from base's inputs (nothing read again), with o's solver. out
 * (room for PT_PLAN_VARIANTS_MAX) gets the base first; *n the count.
 */
enum pt_err pt_app_plan_sensitivity(const struct pt_plan_opts *o, const struct pt_plan_run *base,
				    struct pt_plan_variant *out, size_t *n, struct pt_diag *d);

/** A saved plan as one caller sees it. Plain data. */
struct pt_saved_plan_seen {
	struct pt_saved_plan plan;  /**< figures over the funded sites the caller may read */
	int partial;                /**< some funded sites are hidden: figures re-totalled, gap unknown */
	long long hidden_sites;     /**< how many (meaningful only when show_hidden) */
};

/** A plan computed and saved. Clear with pt_plan_saved_clear. */
struct pt_plan_saved {
	struct pt_plan_run *run;        /**< the run saved (owned; a caller may take it, setting NULL) */
	struct pt_saved_plan_seen seen; /**< its summary as stored (every funded site was read by c) */
	int show_hidden;                /**< c may be told hidden_sites (pt_access_hidden_counts) */
};

/** Free what s holds and zero it (the struct stays). */
void pt_plan_saved_clear(struct pt_plan_saved *s);

/**
 * Compute a plan as pt_app_plan_run does with o and save it under name:
 * c must pass pt_access_plan_save (PT_EFORBIDDEN) and name be an id
 * (PT_EINVAL, field "name"), both asked before anything is read or
 * computed; then the summary, the plan's JSON, its funded sites and every
 * chosen measure as a committed measure of its site, in one transaction
 * (PT_ECONFLICT, field "name", if the name is taken). Audited
 * ("plan.save"). out gets the run and the summary built from what was
 * saved (nothing read back); on an error out is empty.
 */
enum pt_err pt_app_plan_save(const struct pt_caller *c, struct pt_db *db, const char *name,
			     const struct pt_plan_opts *o, struct pt_plan_saved *out,
			     struct pt_diag *d);

/** A page of saved plans. Clear with pt_saved_plans_clear. */
struct pt_saved_plans {
	struct pt_saved_plan_seen *items; /**< n, newest first */
	size_t n;
	size_t total;      /**< saved plans in all */
	int show_hidden;   /**< the caller may be told hidden_sites (pt_access_hidden_counts) */
};

/** Empty l (the struct stays). */
void pt_saved_plans_clear(struct pt_saved_plans *l);

/**
 * The saved plans from offset, at most limit, newest first, as c sees
 * them: the funded sites it may not read are left out of each plan's
 * figures. The sites read are audited ("plans.read") for c.
 */
enum pt_err pt_app_plans_list(const struct pt_caller *c, struct pt_db *db, size_t offset,
			      size_t limit, struct pt_saved_plans *out, struct pt_diag *d);

/** One saved plan read by a caller. Clear with pt_saved_plan_read_clear. */
struct pt_saved_plan_read {
	struct pt_saved_plan_seen seen;
	int show_hidden;   /**< as in struct pt_saved_plans */
	char *text;        /**< the plan's JSON as stored (the command line prints it) */
	/** The plan as c may see it (new reference): funded sites and rejected
	 * measures of sites it may not read left out, totals re-done then,
	 * hidden_sites only when show_hidden. */
	json_t *plan;
	/** Issue 11 item 6: the planning level now ("SUBSTANTIAL"); the plan was priced at
	 * seen.plan.threat_level (see pt_saved_plan_priced). */
	char planning_now[32];
};

/**
 * "priced at SUBSTANTIAL, planning level now SEVERE" when the planning
 * level has changed since r's plan was saved, else "priced at planning
 * level SUBSTANTIAL", into buf (issue 11 item 6).
 */
void pt_saved_plan_priced(const struct pt_saved_plan_read *r, char *buf, size_t size);

/** Empty r (the struct stays). */
void pt_saved_plan_read_clear(struct pt_saved_plan_read *r);

/**
 * Saved plan name as c sees it (PT_ENOTFOUND when there is none). The
 * sites shown are audited as read_action (NULL: not audited).
 */
enum pt_err pt_app_plan_get(const struct pt_caller *c, struct pt_db *db, const char *name,
			    const char *read_action, struct pt_saved_plan_read *out,
			    struct pt_diag *d);

#endif
