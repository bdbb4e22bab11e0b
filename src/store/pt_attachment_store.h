/* pt_attachment_store.h - the attachments of sites and surveys (table
 * attachments, migration 030, issue 16 item 3): SQL only. */
#ifndef PT_ATTACHMENT_STORE_H
#define PT_ATTACHMENT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../formats/pt_attachment.h"
#include "pt_store.h"

/**
 * In one write transaction: insert a (its id ignored; its fields checked
 * by src/app) with the bytes data[0, a->size), as uploaded by the database's
 * actor (pt_db_set_actor: user id kept beside the name a->uploaded_by),
 * and append the audit entry "attachment.add" covering the site (the
 * detail: id, type, size, sha256, survey, retention; never the name or
 * caption). *id gets the new id. An unknown site is PT_ENOTFOUND.
 */
enum pt_err pt_db_attachment_add(struct pt_db *db, const struct pt_attachment *a,
				 const unsigned char *data, long long *id, struct pt_diag *d);

/**
 * The attachments of site_id not past their retention at now, by id, into
 * *items (malloc'd, *n of them; the caller frees with free(); NULL when
 * none): of survey survey_id only when it is > 0. At most
 * PT_ATTACH_LIST_MAX (PT_ELIMIT).
 */
enum pt_err pt_db_attachments_of_site(struct pt_db *db, const char *site_id,
				      long long survey_id, int64_t now,
				      struct pt_attachment **items, size_t *n, struct pt_diag *d);

/**
 * Attachment id into *a, not past its retention at now; with data not
 * NULL its bytes too (*data malloc'd, a->size bytes; the caller frees it).
 * PT_ENOTFOUND without a message when there is none.
 */
enum pt_err pt_db_attachment_get(struct pt_db *db, long long id, int64_t now,
				 struct pt_attachment *a, unsigned char **data, struct pt_diag *d);

/**
 * In one write transaction: delete attachment id (of site site_id, covered
 * by the entry) and append the audit entry "attachment.delete".
 * PT_ENOTFOUND when there is none.
 */
enum pt_err pt_db_attachment_delete(struct pt_db *db, long long id, const char *site_id,
				    struct pt_diag *d);

/**
 * In one write transaction: delete every attachment whose retention ended
 * at or before now, each with an audit entry "attachment.expired" as the
 * database's actor (src/app sets the system administrator). *n (may be
 * NULL) counts them. At most PT_ATTACH_LIST_MAX at a time (the rest: the
 * next purge).
 */
enum pt_err pt_db_attachments_purge(struct pt_db *db, int64_t now, size_t *n,
				    struct pt_diag *d);

#endif
