/* pt_downstream_store.h - what the resilience use cases read (issue 12): the
 * dependency network in the order the cascade builds it. SQL only. */
#ifndef PT_DOWNSTREAM_STORE_H
#define PT_DOWNSTREAM_STORE_H

#include <stddef.h>

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

#endif
