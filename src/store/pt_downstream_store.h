/* pt_downstream_store.h - what the resilience use cases read (issue 12): the
 * dependency network in the order the cascade builds it. SQL only. */
#ifndef PT_DOWNSTREAM_STORE_H
#define PT_DOWNSTREAM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_err.h"
#include "../core/pt_model.h"

struct pt_db;

#define PT_CASCADE_LINKS_MAX (UINT64_C(1) << 31) /**< most dependencies read (PT_ELIMIT) */

/** One dependency as the cascade needs it (its type does not change the model). */
struct pt_cascade_link {
	char provider_id[PT_ID_MAX];
	char consumer_id[PT_ID_MAX];
	double autonomy_hours;
	double service_loss;
	char group[PT_ID_MAX]; /**< "" when none */
};

/**
 * Every dependency of the registry (migration 019), ordered by consumer,
 * group, provider, in the caller's transaction if one is open. *links:
 * caller frees with free() (NULL when *n is 0). PT_EDB, PT_ENOMEM, PT_ELIMIT.
 */
enum pt_err pt_db_cascade_links_load(struct pt_db *db, struct pt_cascade_link **links, size_t *n,
				     struct pt_diag *d);

/** One supplying site's downstream person-hours (the cache of migration 020). */
struct pt_downstream_row {
	char site_id[PT_ID_MAX];
	double person_hours;
};

#define PT_DOWNSTREAM_ROWS_MAX (UINT64_C(1) << 30) /**< most cached rows (PT_ELIMIT) */

/**
 * The cached downstream person-hours, ordered by site id, and the data
 * version they were computed at (*version 0: none cached), in the caller's
 * transaction if one is open. *rows: caller frees with free() (NULL when *n
 * is 0). PT_EDB, PT_ENOMEM, PT_ELIMIT.
 */
enum pt_err pt_db_downstream_load(struct pt_db *db, unsigned long long *version,
				  struct pt_downstream_row **rows, size_t *n, struct pt_diag *d);

/**
 * Replace the cache with rows[0, n) computed at data version version, in
 * one write transaction, unless the registry has moved past that version
 * meanwhile (then nothing is written, *saved 0). PT_EDB, PT_EBUSY.
 */
enum pt_err pt_db_downstream_save(struct pt_db *db, unsigned long long version,
				  const struct pt_downstream_row *rows, size_t n, int *saved,
				  struct pt_diag *d);

#endif
