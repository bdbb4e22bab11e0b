/* pt_app_exercise_report_int.h - the after-action report's part of adding an
 * improvement item (issue 15, review finding 7): its HSEEP details checked
 * and stored beside the item. Internal to src/app. */
#ifndef PT_APP_EXERCISE_REPORT_INT_H
#define PT_APP_EXERCISE_REPORT_INT_H

#include "../store/pt_exercise_report_store.h"
#include "pt_app_exercise_runs.h"
#include "pt_app_exercise_runs_int.h"

/**
 * Check o's HSEEP details for run L (inside the caller's write transaction)
 * into *out (item_id 0 until stored): start and due real dates YYYY-MM-DD
 * (fields "start", "due"; 2026-02-30 is refused), due not before start; the
 * item linked to an area for improvement (afi: an entry of kind
 * improvement of the run, else PT_ENOTFOUND field "afi") or to an objective
 * or capability target of the scenario (else PT_ENOTFOUND field
 * "objective" / "target"; none of the three: PT_EINVAL field "afi"); a
 * target given with its objective must be that objective's; the afi's
 * target fills an empty target, a target's objective an empty objective;
 * analysis at most PT_APP_RUN_TEXT_MAX - 1 bytes, poc at most
 * PT_APP_RUN_NAME_MAX - 1.
 */
enum pt_err pt_app_run_item_plan_check(struct pt_db *db, const struct pt_app_run_loaded *L,
				       const struct pt_app_run_improvement_opts *o,
				       struct pt_db_improvement_plan *out, struct pt_diag *d);

/**
 * Fill the HSEEP details of run_id's items items[0, n) (pt_app_run_get's
 * view) from exercise_improvement_plan; an item without a row keeps "" / 0.
 */
enum pt_err pt_app_run_items_plan(struct pt_db *db, long long run_id,
				  struct pt_app_run_improvement *items, size_t n, struct pt_diag *d);

/** Nonzero when s is a real calendar date YYYY-MM-DD (1970 to 9999). */
int pt_app_date_real(const char *s);

/** What pt_app_date_real accepts, in the words of every date error (review 15b, 9). */
#define PT_APP_DATE_WORDS "a day from 1970-01-01 to 9999-12-31 as YYYY-MM-DD"

#endif
