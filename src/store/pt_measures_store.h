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
 * in place is kept, a committed one becomes in place. *changed 1 when a
 * row was added or changed.
 */
enum pt_err pt_db_site_measure_put(struct pt_db *db, const char *site_id, const char *measure_id,
				   const char *now, const char *actor, int *changed,
				   struct pt_diag *d);

/**
 * Store (site_id, measure_id) as committed by plan unless the pair is
 * already stored (never downgraded). *added 1 when the row is new.
 */
enum pt_err pt_db_site_measure_commit(struct pt_db *db, const char *site_id,
				      const char *measure_id, const char *plan, const char *now,
				      const char *actor, int *added, struct pt_diag *d);

/** 1 when measure_id is in place or committed at site_id, 0 when not, -1 on failure. */
int pt_db_site_measure_at(struct pt_db *db, const char *site_id, const char *measure_id,
			  struct pt_diag *d);

/**
 * The measures at site_id (NULL or "": every site), ordered by site then
 * measure. *rows is new (free()). Callers filter by site visibility.
 */
enum pt_err pt_db_site_measures_list(struct pt_db *db, const char *site_id,
				     struct pt_site_measure_row **rows, size_t *n,
				     struct pt_diag *d);

#endif
