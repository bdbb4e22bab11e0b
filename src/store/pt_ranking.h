/* pt_ranking.h - what rankings and other results are read at: the data
 * version, the sites snapshot's reads, and the watch on the registry's data version. */
#ifndef PT_RANKING_H
#define PT_RANKING_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_model.h"
#include "../formats/pt_sites_io.h"
#include "pt_store.h"
#include "pt_users.h"

/**
 * Every site (by id), the access index and the data version, read in one
 * read transaction so they agree. out is an empty list (caller frees with
 * pt_site_list_clear); *ix is freed with pt_access_index_free.
 */
enum pt_err pt_ranking_load_view_at(struct pt_db *db, struct pt_site_list *out,
				    struct pt_access_index **ix, unsigned long long *version,
				    struct pt_diag *d);

/**
 * The registry's data version (migration 006): a counter that every change
 * of the data results are computed from moves on, and that audit entries,
 * sessions, failed log-ins and password changes do not. Read it in the
 * transaction whose reads it versions.
 */
enum pt_err pt_db_data_version(struct pt_db *db, unsigned long long *version, struct pt_diag *d);

/**
 * A watch on the registry file: its data version (pt_db_data_version) as
 * committed by any connection, of this process or another, so rankings and
 * lists computed from the registry can be kept until the data changes. One
 * read-only SQLite connection of its own: PRAGMA data_version each time,
 * the counter only when that moved; safe to use from several threads.
 */
struct pt_ranking_watch;

/** Open a watch on the registry at path. *out is closed with pt_ranking_watch_close. */
enum pt_err pt_ranking_watch_open(const char *path, struct pt_ranking_watch **out,
				  struct pt_diag *d);

/**
 * The registry's committed data version (increasing, never reused; 1 for a
 * new registry), 0 with PT_EDB when it cannot be read.
 */
enum pt_err pt_ranking_watch_version(struct pt_ranking_watch *w, unsigned long long *version);

/** Close; NULL does nothing. */
void pt_ranking_watch_close(struct pt_ranking_watch *w);

#endif
