/* pt_app_attachments.h - the use cases of attachments (issue 16 item 3): photos and
 * documents of a site or of a survey visit, checked by their bytes, without their
 * metadata, labelled at least AMBER, kept for a while when they show people. */
#ifndef PT_APP_ATTACHMENTS_H
#define PT_APP_ATTACHMENTS_H

#include <stddef.h>

#include "../formats/pt_attachment.h"
#include "pt_app.h"

/** An upload as a face received it. The pointers are borrowed. */
struct pt_attach_upload {
	const char *site_id;
	long long survey_id;           /**< the survey visit it is evidence of; 0: none */
	const char *name;              /**< the file name (1-120 bytes; a path is cut to its last part) */
	const char *caption;           /**< may be NULL (0-500 bytes) */
	int shows_people;              /**< shows people or number plates: kept attachments.retention_days */
	enum pt_attach_type declared;  /**< the declared type (Content-Type); PT_ATTACH_NONE: none */
	const unsigned char *data;
	size_t len;
};

/**
 * Add an attachment to a site as c: first the expired attachments are
 * purged (pt_app_attachments_purge, as the system); then the site must be
 * one c may read at the attachment's label (else PT_ENOTFOUND, as a
 * missing site) and write (pt_access_attachment_write: else PT_EFORBIDDEN,
 * audited as refused); the name and caption are checked (PT_EINVAL naming
 * "name" or "caption"); the bytes are recognised, checked and stripped of
 * their metadata (pt_attach_clean: PT_EINVAL naming "type" when they are
 * no JPEG, PNG or PDF, "body" when broken; PT_ELIMIT over PT_ATTACH_MAX), a
 * declared type other than what the bytes are is PT_EINVAL naming
 * "Content-Type". The stored bytes' SHA-256 is kept; a file that shows
 * people gets retain_until = now + attachments.retention_days. Audited
 * ("attachment.add"). *out gets the stored attachment and *label its
 * label; nothing is stored on any error.
 */
enum pt_err pt_app_attachment_add(const struct pt_caller *c, struct pt_db *db,
				  const struct pt_attach_upload *in, struct pt_attachment *out,
				  enum pt_tlp *label, struct pt_diag *d);

/** A site's attachments as one caller sees them. Caller-owned: pt_app_attachment_list_clear. */
struct pt_app_attachment_list {
	struct pt_attachment *items; /**< by id */
	size_t n;
	enum pt_tlp label;           /**< the attachments' label (pt_access_attachment_label) */
	/** what a list of them is marked with: label when it lists any, else the site's own label
	 * (an empty list shows nothing above the site: the site page's banner stays the site's) */
	enum pt_tlp marking;
	int can_write;               /**< may c add and delete them (pt_access_attachment_write)? */
};

/** Free what l holds and zero it; NULL does nothing. */
void pt_app_attachment_list_clear(struct pt_app_attachment_list *l);

/**
 * The attachments of site_id not past their retention (of survey survey_id
 * only when it is > 0: a survey's evidence), when c may read them
 * (pt_access_attachment_read; else PT_ENOTFOUND without a message, as a
 * missing site). The read is audited when c's reads are
 * ("attachments.list").
 */
enum pt_err pt_app_attachments_list(const struct pt_caller *c, struct pt_db *db,
				    const char *site_id, long long survey_id,
				    struct pt_app_attachment_list *out, struct pt_diag *d);

/**
 * Attachment id with its bytes (*data malloc'd, out->size bytes; the caller
 * frees it) and its label, when c may read it (else PT_ENOTFOUND, as for a
 * missing one or one past its retention). The stored SHA-256 is checked
 * against the bytes (PT_EDB when they differ). Audited as a read
 * ("attachment.read") when c's reads are.
 */
enum pt_err pt_app_attachment_get(const struct pt_caller *c, struct pt_db *db, long long id,
				  struct pt_attachment *out, unsigned char **data,
				  enum pt_tlp *label, struct pt_diag *d);

/**
 * Delete attachment id as c: PT_ENOTFOUND when there is none or c may not
 * read it; PT_EFORBIDDEN (audited as refused) when c may read but not write
 * its site. Audited ("attachment.delete").
 */
enum pt_err pt_app_attachment_delete(const struct pt_caller *c, struct pt_db *db, long long id,
				     struct pt_diag *d);

/**
 * Delete every attachment whose retention has ended (at c's time,
 * pt_app_now), each audited as "attachment.expired" by the system
 * administrator whoever c is; *n (may be NULL) counts them. Run by every
 * upload and delete, by `protect attachment purge` and when `serve` starts.
 */
enum pt_err pt_app_attachments_purge(const struct pt_caller *c, struct pt_db *db, size_t *n,
				     struct pt_diag *d);

#endif
