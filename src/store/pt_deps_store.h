/* pt_deps_store.h - the dependencies between sites (table dependencies,
 * migration 019, issue 12): SQL only. */
#ifndef PT_DEPS_STORE_H
#define PT_DEPS_STORE_H

#include "../formats/pt_deps_io.h"
#include "pt_store.h"

/**
 * Every dependency, ordered by provider_id then consumer_id, into out (an
 * empty list; pt_dep_list_clear), in one read (in the caller's transaction
 * when one is open). lines are 0.
 */
enum pt_err pt_db_deps_load(struct pt_db *db, struct pt_dep_list *out, struct pt_diag *d);

/**
 * The dependencies site_id takes part in, as provider or consumer, ordered
 * by provider_id then consumer_id, into out (an empty list). No rows for an
 * unknown site.
 */
enum pt_err pt_db_deps_of_site(struct pt_db *db, const char *site_id, struct pt_dep_list *out,
			       struct pt_diag *d);

/**
 * In one write transaction: insert each dependency of deps, or update the
 * stored one of the same provider and consumer (upsert by key; other stored
 * rows are kept, but each row of a group sets the autonomy_hours and
 * service_loss of every stored row of its consumer and group), and append the audit entry "dependencies.import" covering
 * the consumers. *created, *updated (may be NULL) count the rows. Checks
 * nothing (src/app does); a constraint failure names deps->lines[i]
 * (PT_EINVAL), an unknown site id is PT_EINVAL with field provider_id or
 * consumer_id.
 */
enum pt_err pt_db_deps_import(struct pt_db *db, const struct pt_dep_list *deps, size_t *created,
			      size_t *updated, struct pt_diag *d);

/**
 * In one write transaction: delete the dependency of consumer_id on
 * provider_id and append the audit entry "dependencies.delete" covering the
 * consumer (the data version rises: migration 019's trigger). PT_ENOTFOUND,
 * nothing written, when there is no such row. Checks no right (src/app does).
 */
enum pt_err pt_db_deps_delete(struct pt_db *db, const char *provider_id, const char *consumer_id,
			      struct pt_diag *d);

#endif
