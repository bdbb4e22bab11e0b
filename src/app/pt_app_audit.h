/* pt_app_audit.h - the audit log's use cases: a page of it as the caller
 * may see it, the check of its chain, a new chain, (docs/internals/audit.md). */
#ifndef PT_APP_AUDIT_H
#define PT_APP_AUDIT_H

#include <stddef.h>

#include "../core/pt_audit_entry.h"
#include "pt_app.h"

/** A page of the audit log as one caller may see it. Empty it with pt_audit_page_clear. */
struct pt_audit_page {
	struct pt_audit_entry *items; /**< newest first (owned); a withheld item's record_id and detail are "" */
	unsigned char *withheld;      /**< per item: nonzero when its record and detail are withheld (owned) */
	size_t n;                     /**< items */
	size_t total;                 /**< entries in the caller's scope */
};

/** Free what p holds and zero it; NULL does nothing. */
void pt_audit_page_clear(struct pt_audit_page *p);

/**
 * The audit log newest first, skipping offset, at most limit entries (at
 * most PT_AUDIT_LIST_MAX), of the caller's scope (pt_access_audit_scope:
 * PT_EFORBIDDEN when it has none). Each entry is judged by the labels
 * today of the records it covers (the access index of c's snapshot):
 * one the caller may not see in full (pt_access_audit_entry) keeps its
 * time, actor and action, and loses its record id and detail
 * (withheld[i]). Fills *out (the caller empties it with pt_audit_page_clear).
 */
enum pt_err pt_app_audit_list(const struct pt_caller *c, struct pt_db *db, size_t limit,
			      size_t offset, struct pt_audit_page *out, struct pt_diag *d);

/**
 * Check the whole chain against the key file (pt_audit_verify): PT_OK
 * when the check ran (the verdict in *rep), PT_ENOTFOUND without a key
 * file, PT_EIO; PT_EFORBIDDEN for a caller other than the system
 * administrator (pt_access_audit_keys).
 */
enum pt_err pt_app_audit_verify(const struct pt_caller *c, struct pt_db *db,
				struct pt_audit_report *rep, struct pt_diag *d);

/**
 * Start a new chain with a new key, as c (a break entry with reason);
 * key_path (size bytes, may be NULL) gets the new key file's path.
 * PT_EFORBIDDEN for a caller other than the system administrator.
 */
enum pt_err pt_app_audit_rekey(const struct pt_caller *c, struct pt_db *db, const char *reason,
			       char *key_path, size_t size, struct pt_diag *d);

/**
 * Open the registry at path read-only for pt_app_audit_verify (no
 * migration, nothing written: a read-only copy in a directory the caller
 * may not write will do); close with pt_app_db_close.
 */
enum pt_err pt_app_audit_open(const char *path, struct pt_db **out, struct pt_diag *d);

/**
 * Check that db's audit key file is private to its owner (before `serve`
 * starts): PT_EIO naming the file, its mode and the remedy when users other
 * than its owner may read or write it; what says what is refused.
 */
enum pt_err pt_app_audit_key_check(struct pt_db *db, const char *what, struct pt_diag *d);

#define PT_AUDIT_REFUSED_ACTION "refused" /**< the action of a refused write's entry */

/**
 * A write refused by the access rules is audited (docs/audit.md): when err
 * is PT_EFORBIDDEN, append an entry "refused" as c (who), naming the record
 * (record_table, record_id: may be "" or NULL) and, in its detail, what was
 * tried (action, e.g. "site.update") and why (d's message as the caller
 * gets it, with its line and field); never the refused data itself. It is
 * written in its own transaction (c's write was rolled back), only outside
 * an open transaction, and not when c->quiet_refusals (a user past the
 * limit of refused run requests: the face writes one row a minute instead).
 * Returns err and leaves d as it was: the caller's
 * answer is the refusal, whether or not its entry could be written.
 */
enum pt_err pt_app_refused(const struct pt_caller *c, struct pt_db *db, const char *action,
			   const char *record_table, const char *record_id, enum pt_err err,
			   const struct pt_diag *d);

#endif
