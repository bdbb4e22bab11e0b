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

#endif
