/* pt_plan_store.h - measures, plans and the risk register in the registry:
 * the measure catalogue, measures in place or committed per site, running
 * a plan over the sites a caller may read, saved plans, and the register's
 * treatment decisions with their history. */
#ifndef PT_PLAN_STORE_H
#define PT_PLAN_STORE_H

#include <stddef.h>

#include "../core/pt_access.h"
#include "../core/pt_measure.h"
#include "../core/pt_plan.h"
#include "../core/pt_register.h"
#include "../formats/pt_measures_io.h"
#include "pt_ranking.h"
#include "pt_store.h"

#define PT_TIMESTAMP_MAX 32   /**< "2026-11-28T04:28:33Z", bytes with the NUL */
#define PT_DATE_MAX 11        /**< "2027-03-31" */
#define PT_NOTE_MAX 1024      /**< a register note, bytes with the NUL */
#define PT_PLAN_NAME_MAX 64   /**< a saved plan's name: an id (letters, digits, '-', '_', '.') */

/* ---- the measure catalogue --------------------------------------------- */

/**
 * Add or update the measures of cat (matched by id) and replace the effect
 * rows of each measure in cat by cat's, in one transaction (all or
 * nothing); measures not in cat stay. Effects must name measures of the
 * result and threats of the threat catalogue (PT_EINVAL otherwise). Who:
 * NULL is the system administrator; otherwise government admins and
 * coordinators only (PT_EFORBIDDEN for anyone else).
 * Audited ("measures.import", "N measures, M effects").
 */
enum pt_err pt_db_measures_import(struct pt_db *db, const struct pt_principal *who,
				  const struct pt_measure_catalog *cat, struct pt_diag *d);

/** The catalogue in id order (caller frees with pt_measure_catalog_free). */
enum pt_err pt_db_measures_load(struct pt_db *db, struct pt_measure_catalog *out,
				struct pt_diag *d);

/* ---- measures at sites --------------------------------------------------- */

/** Whether a measure at a site is in place or committed by a saved plan. */
enum pt_site_measure_status { PT_SM_EXISTING = 0, PT_SM_COMMITTED };
/** "existing", "committed". */
const char *pt_site_measure_status_name(enum pt_site_measure_status s);

/** A measure at a site as stored. */
struct pt_site_measure_row {
	char site_id[PT_ID_MAX];
	char measure_id[PT_ID_MAX];
	enum pt_site_measure_status status;
	char plan[PT_PLAN_NAME_MAX]; /**< committed: the saved plan; existing: "" */
	char added_at[PT_TIMESTAMP_MAX];
	char added_by[PT_ACTOR_NAME_MAX];
};

/**
 * Import measures in place (site_id, measure_id): all or nothing; every
 * site and measure must exist (PT_EINVAL naming the line and field); who
 * (NULL: system administrator) must be allowed to write each site
 * (pt_access_write: a site it may not see is "unknown site"). A pair
 * already stored as existing is kept; a committed one becomes existing (it
 * is now in place). Audited.
 */
enum pt_err pt_db_site_measures_import(struct pt_db *db, const struct pt_principal *who,
				       const struct pt_site_measure_list *list,
				       struct pt_diag *d);

/**
 * The measures at site_id (NULL or "": every site), ordered by site then
 * measure. *rows is new (free()). Callers filter by site visibility.
 */
enum pt_err pt_db_site_measures_list(struct pt_db *db, const char *site_id,
				     struct pt_site_measure_row **rows, size_t *n,
				     struct pt_diag *d);

/* ---- running a plan ------------------------------------------------------ */

/** What to plan. */
struct pt_plan_opts {
	const struct pt_principal *who; /**< the plan covers the sites it may read; NULL: all */
	const char *region;       /**< only sites of this region; NULL or "": all */
	double budget_eur;        /**< >= 0 */
	enum pt_plan_solver solver;
	/** Also run the exact solver as a check of the fast one: 1 yes, 0 no,
	 * -1 when the model has at most 20,000 options. */
	int check_exact;
	double time_limit_s;      /**< exact solver; 0 = setting plan.exact_time_limit_s */
	size_t frontier_points;   /**< 0: no frontier; else points (101 for --frontier) */
	/** 1: use discount_rate (0-0.5) instead of the setting plan.discount_rate. */
	int set_discount_rate;
	double discount_rate;
	unsigned horizon_years;   /**< 1-100; 0 = setting plan.horizon_years */
};

/** The per-site inputs a run's model was built from (private to the store). */
struct pt_plan_inputs;

/** A plan run: what it was computed from and its result. Free with pt_plan_run_free. */
struct pt_plan_run {
	struct pt_ranking *ranking;  /**< quant ranking, exact values: cfg, cat, sites (by id), factors, level_text */
	struct pt_measure_catalog measures;
	struct pt_plan_model *model; /**< model->sites[i] is ranking->sites.items[i] */
	struct pt_plan_result result;
	char region[PT_REGION_MAX];
	size_t withheld;             /**< sites left out by visibility */
	size_t outside_region;       /**< sites left out by region */
	size_t frontier_n;
	double *frontier_budget, *frontier_reduction, *frontier_bound; /**< frontier_n each */
	struct pt_plan_inputs *inputs; /**< the model's inputs (owned), for pt_plan_sensitivity */
};

/**
 * Run a plan: read sites, quant assessments, threat levels, settings,
 * measures and site measures in one read transaction; exact quant figures
 * at the current threat level; build the model, solve, and optionally
 * check with the exact solver (result.exact_reduction_eur / gap_to_exact)
 * and compute the frontier. *out is new (pt_plan_run_free).
 */
enum pt_err pt_plan_run(struct pt_db *db, const struct pt_plan_opts *o, struct pt_plan_run **out,
			struct pt_diag *d);

/** Free a run; NULL does nothing. */
void pt_plan_run_free(struct pt_plan_run *r);

/**
 * Sensitivity: base (run with o) solved again at the same budget at
 * discount rates 0, 3, 5 and 7% and at half and twice its horizon (the
 * base's own values skipped): the model is rebuilt from base's inputs (the
 * same snapshot, nothing read again) with that rate or horizon and solved
 * with o's solver (no exact check, no frontier). out (room for
 * PT_PLAN_VARIANTS_MAX) gets the base first, then the variants; *n their
 * count.
 */
enum pt_err pt_plan_sensitivity(const struct pt_plan_opts *o, const struct pt_plan_run *base,
				struct pt_plan_variant *out, size_t *n, struct pt_diag *d);

/* ---- saved plans --------------------------------------------------------- */

/** A saved plan's summary. */
struct pt_saved_plan {
	char name[PT_PLAN_NAME_MAX];
	char created_at[PT_TIMESTAMP_MAX];
	char created_by[PT_ACTOR_NAME_MAX];
	char solver[16];
	char region[PT_REGION_MAX];
	char threat_level[512];
	double budget_eur, cost_eur, risk_reduction_eur, gap;
	long long sites_funded, measures;
};

/**
 * Save run under name (PT_ECONFLICT if taken; PT_EINVAL if not an id):
 * the summary, the plan's JSON (pt_plan_write_json) and every chosen
 * measure as a committed measure of its site, in one transaction. Who:
 * NULL system administrator, else government coordinators and admins
 * (PT_EFORBIDDEN for anyone else). Audited ("plan.save").
 */
enum pt_err pt_db_plan_save(struct pt_db *db, const struct pt_principal *who, const char *name,
			    const struct pt_plan_run *run, struct pt_diag *d);

/**
 * The funded sites of saved plan name, one "site_id,cost_eur,
 * risk_reduction_eur,measures" line each ('\n' between, "" when none; the
 * figures as in the plan's JSON): *lines new (free()). PT_ENOTFOUND if
 * there is no such plan.
 */
enum pt_err pt_db_plan_site_lines(struct pt_db *db, const char *name, char **lines,
				  struct pt_diag *d);

/** Every saved plan, newest first. *plans is new (free()). */
enum pt_err pt_db_plans_list(struct pt_db *db, struct pt_saved_plan **plans, size_t *n,
			     struct pt_diag *d);

/** One saved plan and its JSON (*json new, free()). PT_ENOTFOUND if none. */
enum pt_err pt_db_plan_get(struct pt_db *db, const char *name, struct pt_saved_plan *out,
			   char **json, struct pt_diag *d);

/* ---- the risk register --------------------------------------------------- */

#define PT_REGISTER_MEASURES_MAX 1024 /**< linked measure ids joined by ';', bytes with the NUL */

/** One site-threat risk with its decision (treatment none when none recorded). */
struct pt_register_entry {
	char site_id[PT_ID_MAX];
	char site_name[PT_NAME_MAX];
	char threat_id[PT_ID_MAX];
	enum pt_band band;           /**< the pair's band on the quant matrix, current threat level */
	double risk_eur_year;        /**< the pair's E[T'] E[V] E[C] */
	/** The risk once the measures committed at the site are in place, and its band. */
	double residual_eur_year;
	enum pt_band residual_band;
	size_t n_committed;          /**< measures committed at the site (0: residual = risk) */
	enum pt_treatment treatment;
	char owner_org[PT_NAME_MAX]; /**< the site's owning organisation (who records decisions) */
	char responsible[PT_ACTOR_NAME_MAX]; /**< responsible user's name, "" none */
	char review_date[PT_DATE_MAX];       /**< "" none */
	char measures[PT_REGISTER_MEASURES_MAX]; /**< linked measure ids, ';'-joined */
	char note[PT_NOTE_MAX];
	int needs_approval;          /**< 1: accepted above register.accept_max_band */
	int approved;                /**< 1: approved by a government coordinator */
	char approved_by[PT_ACTOR_NAME_MAX];
	char approved_at[PT_TIMESTAMP_MAX];
	char updated_at[PT_TIMESTAMP_MAX];
	char updated_by[PT_ACTOR_NAME_MAX];
};

/**
 * The register: one entry per quantitatively assessed site-threat pair of
 * the sites who may read (NULL: all), site_id NULL/"" for every site,
 * ordered by risk, largest first. *out is new (free()).
 */
enum pt_err pt_db_register_list(struct pt_db *db, const struct pt_principal *who,
				const char *site_id, struct pt_register_entry **out, size_t *n,
				struct pt_diag *d);

/** A change to a decision; NULL fields are left as they are. */
struct pt_register_change {
	const char *treatment;   /**< "accept", "reduce", "transfer", "avoid" */
	const char *responsible; /**< a user name of the owning organisation; "" clears */
	const char *review_date; /**< YYYY-MM-DD, a real date; "" clears */
	const char *measures;    /**< ';' or ','-separated measure ids existing or committed at the site; "" clears */
	const char *note;        /**< free text up to PT_NOTE_MAX - 1 bytes */
};

/**
 * Record a decision on (site_id, threat_id): the pair must be assessed
 * (PT_ENOTFOUND otherwise, also for a site who may not read); who (NULL
 * system administrator) must pass pt_access_treat (PT_EFORBIDDEN otherwise). Accepting above register.accept_max_band leaves the
 * decision awaiting approval unless who is a government coordinator (or
 * the system administrator), whose acceptance is approved at once; any
 * later change of treatment clears an approval. One history row per call
 * with what changed. Audited ("register.set").
 */
enum pt_err pt_db_register_set(struct pt_db *db, const struct pt_principal *who,
			       const char *site_id, const char *threat_id,
			       const struct pt_register_change *change, struct pt_diag *d);

/**
 * Approve an acceptance awaiting approval: who must be a coordinator of a
 * government organisation (or NULL, the system administrator); PT_EINVAL
 * when nothing awaits approval. Audited, with a history row.
 */
enum pt_err pt_db_register_approve(struct pt_db *db, const struct pt_principal *who,
				   const char *site_id, const char *threat_id,
				   struct pt_diag *d);

/** One change of a register entry. */
struct pt_register_history_row {
	char at[PT_TIMESTAMP_MAX];
	char actor[PT_ACTOR_NAME_MAX];
	char action[32];   /**< "set", "approve", "commit" */
	char detail[PT_NOTE_MAX + 512]; /**< "treatment accept -> reduce; review_date 2027-03-31" */
};

/** The history of (site_id, threat_id), oldest first; visibility as pt_db_register_list. */
enum pt_err pt_db_register_history(struct pt_db *db, const struct pt_principal *who,
				   const char *site_id, const char *threat_id,
				   struct pt_register_history_row **rows, size_t *n,
				   struct pt_diag *d);

#endif
