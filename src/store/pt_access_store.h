/* pt_access_store.h - the named readers of RED sites and the access index
 * (owners, partners and readers of every site, read in one go). */
#ifndef PT_ACCESS_STORE_H
#define PT_ACCESS_STORE_H

#include <stddef.h>

#include "../core/pt_access.h"
#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "pt_db.h"

/* ---- RED readers -------------------------------------------------------- */

/**
 * The users named on site site_id (who may read it when RED), ascending
 * ids in *user_ids (caller frees with free(); NULL when *n is 0).
 */
enum pt_err pt_db_site_readers(struct pt_db *db, const char *site_id, long long **user_ids,
			       size_t *n, struct pt_diag *d);

/**
 * Name user_id on site site_id (nothing when already named). PT_ENOTFOUND
 * for an unknown site or user. Audited ("site.reader.add"). A site
 * created by a logged-in user's import names that user at once.
 */
enum pt_err pt_db_site_reader_add(struct pt_db *db, const char *site_id, long long user_id,
				  struct pt_diag *d);

/** Un-name user_id on site_id (PT_ENOTFOUND when not named). Audited ("site.reader.remove"). */
enum pt_err pt_db_site_reader_remove(struct pt_db *db, const char *site_id, long long user_id,
				     struct pt_diag *d);

/* ---- the access index --------------------------------------------------- */

/**
 * What the access rules need about every record, read in one go: the
 * organisations (id, name, type, partners) and the named readers of every
 * site. Build pt_access_record values from it for sites read by the
 * store. Read-only after loading, so one index may serve several threads.
 */
struct pt_access_index;

/** Load the index (one read transaction). *out is freed with pt_access_index_free. */
enum pt_err pt_access_index_load(struct pt_db *db, struct pt_access_index **out,
				 struct pt_diag *d);

/** Free; NULL does nothing. */
void pt_access_index_free(struct pt_access_index *ix);

/**
 * The access record of site s (its owner by name, partners of the owner,
 * its named readers) into *rec, whose arrays point into ix (valid until
 * pt_access_index_free). A site without owner, or whose owner is not an
 * organisation (yet), has owner_org_id 0.
 */
void pt_access_index_record(const struct pt_access_index *ix, const struct pt_site *s,
			    struct pt_access_record *rec);

/** The id of organisation name in ix, 0 when there is none. */
long long pt_access_index_org_id(const struct pt_access_index *ix, const char *name);


#endif
