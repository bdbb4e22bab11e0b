/* pt_register_store.h - the risk register's stored decisions
 * (risk_register) and their history (risk_register_history): SQL only. */
#ifndef PT_REGISTER_STORE_H
#define PT_REGISTER_STORE_H

#include <stddef.h>

#include "../core/pt_plan_records.h"
#include "pt_store.h"

/**
 * Every stored decision of site_id (NULL or "": every site), ordered by
 * site then threat, into *rows (new, free()); only the stored fields
 * (treatment to updated_by) are filled.
 */
enum pt_err pt_db_register_rows(struct pt_db *db, const char *site_id,
				struct pt_register_entry **rows, size_t *n, struct pt_diag *d);

/**
 * The stored decision on (site_id, threat_id) into cur with its
 * responsible user's id; *exists 0 (cur zeroed, treatment none) when none.
 */
enum pt_err pt_db_register_get(struct pt_db *db, const char *site_id, const char *threat_id,
			       struct pt_register_entry *cur, long long *responsible_id,
			       int *exists, struct pt_diag *d);

/**
 * Store e (its site, threat and decision fields, decided_band and
 * decided_level among them; responsible_id <= 0: none) as the decision on
 * its pair, updated at now by actor.
 */
enum pt_err pt_db_register_put(struct pt_db *db, const struct pt_register_entry *e,
			       long long responsible_id, const char *now, const char *actor,
			       struct pt_diag *d);

/**
 * Mark the decision on (site_id, threat_id) approved by actor at now, at
 * band and threat level level (issue 11: the decision's band from then on).
 */
enum pt_err pt_db_register_approved(struct pt_db *db, const char *site_id, const char *threat_id,
				    const char *actor, const char *now, enum pt_band band,
				    const char *level, struct pt_diag *d);

/** Add a history row to (site_id, threat_id). */
enum pt_err pt_db_register_history_add(struct pt_db *db, const char *site_id,
				       const char *threat_id, const char *at, const char *actor,
				       const char *action, const char *detail, struct pt_diag *d);

/**
 * Add a "commit" history row with detail to every assessed pair of
 * site_id whose threat measure_id has an effect on.
 */
enum pt_err pt_db_register_history_commit(struct pt_db *db, const char *site_id,
					  const char *measure_id, const char *at,
					  const char *actor, const char *detail,
					  struct pt_diag *d);

/** The history of (site_id, threat_id), oldest first. *rows is new (free()). */
enum pt_err pt_db_register_history(struct pt_db *db, const char *site_id, const char *threat_id,
				   struct pt_register_history_row **rows, size_t *n,
				   struct pt_diag *d);

#endif
