/* pt_app_measures.h - the measure catalogue's use cases: read it, import
 * measures and their effects, measures in place at sites (import, list). */
#ifndef PT_APP_MEASURES_H
#define PT_APP_MEASURES_H

#include <stddef.h>

#include "../core/pt_measure.h"
#include "../core/pt_plan_records.h"
#include "../formats/pt_measures_io.h"
#include "pt_app.h"

/** The catalogue in id order (anyone may read it). out is emptied first; pt_measure_catalog_clear. */
enum pt_err pt_app_measures_list(const struct pt_caller *c, struct pt_db *db,
				 struct pt_measure_catalog *out, struct pt_diag *d);

/**
 * Add or update the measures of cat (matched by id) and replace the effect
 * rows of each measure in cat by cat's, in one transaction (all or
 * nothing); measures not in cat stay. Effects must name measures of the
 * result and threats of the catalogue (PT_EINVAL). c must pass
 * pt_access_measures_change (PT_EFORBIDDEN). Audited ("measures.import").
 */
enum pt_err pt_app_measures_import(const struct pt_caller *c, struct pt_db *db,
				   const struct pt_measure_catalog *cat, struct pt_diag *d);

/**
 * Import measures in place (site_id, measure_id): all or nothing; every
 * site and measure must exist (PT_EINVAL naming the line and field; a site
 * c may not see is "unknown site"); c must pass pt_access_write on each
 * site (PT_EFORBIDDEN). A pair already in place is kept; one in any state
 * of a plan becomes in place. Audited ("site_measures.import").
 */
enum pt_err pt_app_site_measures_import(const struct pt_caller *c, struct pt_db *db,
					const struct pt_site_measure_list *list,
					struct pt_diag *d);

/** Issue 15: the exercise run improvement item a measure at a site came from. Plain data. */
struct pt_site_measure_from {
	long long run_id; /**< 0: none */
	long long item_id;
};

/**
 * Issue 16, item 4: where a measure at a site stands in its life, from its
 * history. Plain data.
 */
struct pt_site_measure_life {
	char installed_on[PT_DATE_MAX];   /**< the day installed (the last install); "" none */
	const struct pt_site_measure_event *verification; /**< the last verify step, or NULL
							     (points into the history) */
	int verification_due;             /**< verified, its re-verification date passed */
	size_t history_first, history_n;  /**< its steps: history[first .. first + n) */
};

/** The measures at one site, with the catalogue to name them. Clear with pt_site_measures_clear. */
struct pt_site_measures {
	struct pt_site site;               /**< the site */
	struct pt_site_measure_row *rows;  /**< n, by measure id */
	size_t n;
	struct pt_measure_catalog catalog;
	/* issue 15: the exercise improvement item each row came from (run_id 0: none) */
	struct pt_site_measure_from *from; /**< n, NULL when no row came from an exercise */
	/* issue 16, item 4: every step of each measure, oldest first, and where each stands */
	struct pt_site_measure_event *history; /**< n_history, by measure then oldest first */
	size_t n_history;
	struct pt_site_measure_life *life;     /**< n, by row */
	char today[PT_DATE_MAX];               /**< the day "verification due" was judged on */
	int can_commit; /**< the caller may commit a measure here itself (pt_access_measure_commit) */
};

/** Empty m (the struct stays). */
void pt_site_measures_clear(struct pt_site_measures *m);

/**
 * The measures in place or committed at site_id when c may read the site
 * (PT_ENOTFOUND otherwise, as for a missing site); the read is audited as
 * read_action (NULL: not audited).
 */
enum pt_err pt_app_site_measures_list(const struct pt_caller *c, struct pt_db *db,
				      const char *site_id, const char *read_action,
				      struct pt_site_measures *out, struct pt_diag *d);

/* ---- measure states at a site (issue 11, item 7) ---- */

/**
 * Issue 16, item 4: what a step records besides its date and who. Strings
 * borrowed; NULL or "" for none.
 */
struct pt_measure_step_input {
	const char *on_date;     /**< install, verify: the day done (YYYY-MM-DD); none: today */
	const char *method;      /**< verify (required): "test" or "inspection" */
	const char *reverify_by; /**< verify (required): after on_date, within
				      PT_REVERIFY_HORIZON_YEARS years of it */
	const char *note;        /**< any step: up to PT_NOTE_MAX - 1 bytes */
};

/**
 * Take step on measure_id at site_id (a measure a saved plan proposed, or
 * one its owner committed: pt_app_site_measure_commit), as c, in one
 * transaction; audited as "site.measure.STEP" covering the site (a refusal
 * as "refused"), kept in the measure's history with in (NULL: nothing
 * besides date and who; verify needs in). Accepting also adds a register
 * history row per threat the measure affects there. Verify also takes a
 * verified measure (re-verification). *out: the row as it is now.
 * PT_EINVAL: a field of in is wrong (d names it: method, on_date,
 * reverify_by, note); PT_ENOTFOUND: no such site (or c may not read it) or
 * no such measure there; PT_EFORBIDDEN: pt_access_measure_step refuses c;
 * PT_ECONFLICT: the measure is in place, or not in the state step needs.
 */
enum pt_err pt_app_site_measure_step(const struct pt_caller *c, struct pt_db *db,
				     const char *site_id, const char *measure_id,
				     enum pt_measure_step step,
				     const struct pt_measure_step_input *in,
				     struct pt_site_measure_row *out, struct pt_diag *d);

/**
 * Issue 16, item 4: the site's owner commits measure_id at site_id itself,
 * outside a saved plan (it funds it): the measure becomes accepted with no
 * plan, and then follows the steps install and verify. note may be NULL.
 * One transaction, audited "site.measure.commit", kept in the history, a
 * register history 'commit' row per threat it affects there. PT_ENOTFOUND:
 * no such site (or c may not read it) or no such measure in the catalogue
 * (field "measure"); PT_EFORBIDDEN: pt_access_measure_commit refuses c;
 * PT_ECONFLICT: the measure is at the site already (in place, proposed,
 * ...; a declined one may be committed); PT_EINVAL: the measure does not
 * apply to this kind of site or sector, or note too long.
 */
enum pt_err pt_app_site_measure_commit(const struct pt_caller *c, struct pt_db *db,
				       const char *site_id, const char *measure_id,
				       const char *note, struct pt_site_measure_row *out,
				       struct pt_diag *d);

/** What withdrawing a plan did. Plain data. */
struct pt_plan_withdrawal {
	size_t removed; /**< measures not yet installed, removed */
	size_t kept;    /**< measures installed or verified, kept */
};

/**
 * Withdraw saved plan name as c (its proposer or a government coordinator:
 * pt_access_plan_withdraw, else PT_EFORBIDDEN): every measure of the plan
 * not yet installed (proposed, approved, accepted, declined) is removed,
 * installed and verified ones stay; the plan is marked withdrawn. One
 * transaction, audited "plan.withdraw" covering the plan's sites.
 * PT_ENOTFOUND: no such plan; PT_ECONFLICT: withdrawn already.
 */
enum pt_err pt_app_plan_withdraw(const struct pt_caller *c, struct pt_db *db, const char *name,
				 struct pt_plan_withdrawal *out, struct pt_diag *d);

/**
 * The steps c may take now on each row of sm (read from
 * pt_app_site_measures_list): steps[i] (n of them, the caller's array) gets
 * bit 1 << PT_STEP_x for each step the row's state allows and
 * pt_access_measure_step grants (0 for measures in place). For the page's
 * buttons; every step is checked again when taken.
 */
enum pt_err pt_app_site_measures_steps(const struct pt_caller *c, struct pt_db *db,
				       const struct pt_site_measures *sm, unsigned *steps,
				       struct pt_diag *d);

/** 1 when c may withdraw saved plan p now (not withdrawn, pt_access_plan_withdraw), else 0. */
int pt_app_plan_can_withdraw(const struct pt_caller *c, struct pt_db *db,
			     const struct pt_saved_plan *p);

/**
 * The makers of user id (pt_db_user_maker_ids), their makers, ... into list (PT_DUTY_CHAIN
 * entries, 0 ends it; breadth first, each once, without id; none for id <= 0): what the
 * separation of duties compares, for the measure steps and the confirmation of a visit.
 */
enum pt_err pt_app_maker_chain(struct pt_db *db, long long id, long long *list, struct pt_diag *d);

#endif
