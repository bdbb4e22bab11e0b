/* pt_measures_store.h - the measure catalogue (measures, measure_effects)
 * and the measures in place or committed at each site (site_measures): SQL only. */
#ifndef PT_MEASURES_STORE_H
#define PT_MEASURES_STORE_H

#include <stddef.h>

#include "../core/pt_measure.h"
#include "../core/pt_plan_records.h"
#include "../formats/pt_measures_io.h"
#include "pt_store.h"

/**
 * Inside the caller's write transaction: add or update the measures of cat
 * (matched by id) and replace the effect rows of each by cat's. Checks
 * nothing (src/app does); constraint failures are PT_EDB/PT_EINVAL.
 */
enum pt_err pt_db_measures_put(struct pt_db *db, const struct pt_measure_catalog *cat,
			       struct pt_diag *d);

/** 1 when measure id is stored, 0 when not, -1 on failure (d filled). */
int pt_db_measure_exists(struct pt_db *db, const char *id, struct pt_diag *d);

/** The catalogue in id order, in one read (caller empties with pt_measure_catalog_clear). */
enum pt_err pt_db_measures_load(struct pt_db *db, struct pt_measure_catalog *out,
				struct pt_diag *d);

/**
 * Store (site_id, measure_id) as in place, at now by actor: a pair already
 * in place is kept, one in any state of a plan becomes in place. *changed 1 when a
 * row was added or changed.
 */
enum pt_err pt_db_site_measure_put(struct pt_db *db, const char *site_id, const char *measure_id,
				   const char *now, const char *actor, int *changed,
				   struct pt_diag *d);

/**
 * Store (site_id, measure_id) as proposed by plan unless the pair is
 * already stored in a state other than declined (a declined proposal is
 * proposed again; nothing else is downgraded). *added 1 when the row is
 * new or proposed again.
 */
enum pt_err pt_db_site_measure_propose(struct pt_db *db, const char *site_id,
				       const char *measure_id, const char *plan, const char *now,
				       const char *actor, int *added, struct pt_diag *d);

/**
 * Issue 16, item 4: store (site_id, measure_id) as committed by the site's
 * owner outside a plan (accepted, plan "") unless the pair is already
 * stored in a state other than declined; the committer is recorded as the
 * pair's 'accept' actor. *added 1 when the row is new or was declined. No
 * history row (the caller writes one with its note).
 */
enum pt_err pt_db_site_measure_commit(struct pt_db *db, const char *site_id,
				      const char *measure_id, const char *now, const char *actor,
				      int *added, struct pt_diag *d);

/** The most steps kept for one site's measures that one read returns. */
#define PT_SITE_MEASURE_HISTORY_MAX 10000

/** Inside the caller's write transaction: keep one step of a measure at a site (migration 031). */
enum pt_err pt_db_site_measure_history_add(struct pt_db *db,
					   const struct pt_site_measure_event *ev,
					   struct pt_diag *d);

/**
 * The steps of every measure at site_id, by measure then oldest first.
 * *rows is new (free()). Proposing and marking in place (pt_db_site_measure_propose,
 * pt_db_site_measure_put) keep theirs themselves.
 */
enum pt_err pt_db_site_measure_history(struct pt_db *db, const char *site_id,
				       struct pt_site_measure_event **rows, size_t *n,
				       struct pt_diag *d);

/** 1 when measure_id is in place or committed (accepted, installed, verified) at site_id, 0 when not, -1 on failure. */
int pt_db_site_measure_at(struct pt_db *db, const char *site_id, const char *measure_id,
			  struct pt_diag *d);

/**
 * The measures at site_id (NULL or "": every site), ordered by site then
 * measure. *rows is new (free()). Callers filter by site visibility.
 */
enum pt_err pt_db_site_measures_list(struct pt_db *db, const char *site_id,
				     struct pt_site_measure_row **rows, size_t *n,
				     struct pt_diag *d);

/** One measure at a site into *out. PT_ENOTFOUND (d names it) when the pair is not stored. */
enum pt_err pt_db_site_measure_get(struct pt_db *db, const char *site_id, const char *measure_id,
				   struct pt_site_measure_row *out, struct pt_diag *d);

/**
 * Inside the caller's write transaction: move (site_id, measure_id) from
 * state from to state to, at now by actor. *changed 0 when the pair was
 * no longer in state from (nothing changed).
 */
enum pt_err pt_db_site_measure_step(struct pt_db *db, const char *site_id,
				    const char *measure_id, enum pt_site_measure_status from,
				    enum pt_site_measure_status to, const char *now,
				    const char *actor, int *changed, struct pt_diag *d);

/** Who took each step of a measure at a site since it was last proposed. Plain data. */
struct pt_site_measure_step_actors {
	char by[PT_STEP_COUNT][PT_ACTOR_NAME_MAX]; /**< by enum pt_measure_step; "" not taken */
};

/**
 * Read who took the steps of measure_id at site_id (separation of duties,
 * migration 018; pt_db_site_measure_step records them, a new proposal
 * clears them). *out all "" when none is recorded.
 */
enum pt_err pt_db_site_measure_actors(struct pt_db *db, const char *site_id,
				      const char *measure_id, struct pt_site_measure_step_actors *out,
				      struct pt_diag *d);

/** The measures plan proposed (any state but existing), by site then measure. *rows new (free()). */
enum pt_err pt_db_plan_measures(struct pt_db *db, const char *plan,
				struct pt_site_measure_row **rows, size_t *n, struct pt_diag *d);

/**
 * Inside the caller's write transaction: remove (site_id, measure_id) of
 * plan if it is not installed yet (proposed, approved, accepted, declined).
 * *removed 1 when a row went.
 */
enum pt_err pt_db_plan_measure_remove(struct pt_db *db, const char *site_id,
				      const char *measure_id, const char *plan, int *removed,
				      struct pt_diag *d);

#endif
