/* pt_history_store.h - the snapshots table (issue 16 item 6, migration 032): a snapshot's
 * summary and its stored inputs document; SQL only. */
#ifndef PT_HISTORY_STORE_H
#define PT_HISTORY_STORE_H

#include <stddef.h>

#include "../formats/pt_history_io.h"
#include "pt_store.h"

#define PT_HIST_LIST_MAX 10000 /**< snapshots one registry keeps */

/**
 * Inside the caller's write transaction: store a snapshot (m's name,
 * taken_at, taken_by, method; json of len bytes); *id its new id.
 * PT_ECONFLICT (field "name") when the name is taken, PT_ELIMIT when the
 * registry holds PT_HIST_LIST_MAX snapshots already.
 */
enum pt_err pt_db_snapshot_add(struct pt_db *db, const struct pt_hist_meta *m, const char *json,
			       size_t len, long long *id, struct pt_diag *d);

/** Every snapshot's summary, oldest first (by taken_at, then id). *out: free(). */
enum pt_err pt_db_snapshots_list(struct pt_db *db, struct pt_hist_meta **out, size_t *n,
				 struct pt_diag *d);

/**
 * Snapshot id's summary into *m and (json not NULL) its document into
 * *json (malloc'd, NUL-terminated; free()) of *len bytes. PT_ENOTFOUND.
 */
enum pt_err pt_db_snapshot_get(struct pt_db *db, long long id, struct pt_hist_meta *m,
			       char **json, size_t *len, struct pt_diag *d);

/** Inside the caller's write transaction: delete snapshot id. PT_ENOTFOUND. */
enum pt_err pt_db_snapshot_delete(struct pt_db *db, long long id, struct pt_diag *d);

#endif
