/* pt_app_attachments.c - the use cases of attachments (issue 16 item 3): add (checked
 * by the bytes, metadata removed, hashed), list, get, delete, purge after retention. */
#include "pt_app_attachments.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_access.h"
#include "../core/pt_config.h"
#include "../formats/pt_csv.h"
#include "../store/pt_attachment_store.h"
#include "../store/pt_survey_store.h"
#include "pt_app_audit.h"
#include "pt_app_registry.h"

#define DAY_S 86400

/* The snapshot's site id when c may read its attachments (*rec, *site set), else NULL. */
static const struct pt_site *site_of(const struct pt_caller *c, const struct pt_snapshot *snap,
				     const char *id, struct pt_access_record *rec)
{
	long k = id ? pt_snapshot_find(snap, id) : -1;
	if (k < 0)
		return NULL;
	pt_snapshot_record(snap, (size_t)k, rec);
	if (pt_access_attachment_read(&c->who, rec) != PT_ACCESS_OK)
		return NULL;
	return &snap->sites.items[k];
}

/* Audit c's read of site's attachments (as a record at their label) as action. */
static enum pt_err audit_read(const struct pt_caller *c, struct pt_db *db, const struct pt_site *s,
			      const char *action, struct pt_diag *d)
{
	struct pt_read_log log;
	struct pt_site *copy;
	enum pt_err err;
	if (!c->audit_reads)
		return PT_OK;
	if (!(copy = malloc(sizeof *copy)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	*copy = *s;
	copy->tlp = pt_access_attachment_label(s->tlp);
	memset(&log, 0, sizeof log);
	pt_read_log_note(&log, copy);
	free(copy);
	err = pt_read_log_commit(c, db, action, &log, d);
	return err;
}

/* Nonzero when s is valid UTF-8 without control characters (tab excepted in a caption). */
static int text_ok(const char *s, int tab)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	while (i < len) {
		const char *why;
		size_t n = pt_utf8_char(p + i, len - i, &why);
		if (!n || (n == 1 && (p[i] < 0x20 ? !(tab && p[i] == '\t') : p[i] == 0x7f)))
			return 0;
		i += n;
	}
	return 1;
}

static enum pt_err check_upload(const struct pt_attach_upload *in, struct pt_diag *d)
{
	size_t n = in->name ? strlen(in->name) : 0;
	if (!n || n > PT_ATTACH_NAME_MAX || !text_ok(in->name, 0))
		return pt_diag_set(d, PT_EINVAL, 0, "name",
				   "a file name of 1 to %d bytes of text without control characters",
				   PT_ATTACH_NAME_MAX);
	if (in->caption && (strlen(in->caption) > PT_ATTACH_CAPTION_MAX || !text_ok(in->caption, 1)))
		return pt_diag_set(d, PT_EINVAL, 0, "caption",
				   "at most %d bytes of text without control characters",
				   PT_ATTACH_CAPTION_MAX);
	if (in->survey_id < 0)
		return pt_diag_set(d, PT_EINVAL, 0, "survey", "a survey id is a whole number above 0");
	return PT_OK;
}

/* PT_OK when site_id has room for one more attachment of len bytes (review item 4:
 * PT_ATTACH_SITE_MAX files, PT_ATTACH_SITE_BYTES bytes), else PT_ELIMIT, field "site". */
static enum pt_err site_room(struct pt_db *db, const char *site_id, size_t len, int64_t now,
			     struct pt_diag *d)
{
	struct pt_attachment *items = NULL;
	size_t n = 0, i, bytes = len;
	enum pt_err err = pt_db_attachments_of_site(db, site_id, 0, now, &items, &n, d);
	if (err != PT_OK)
		return err;
	for (i = 0; i < n; i++)
		bytes += items[i].size;
	free(items);
	if (n >= PT_ATTACH_SITE_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "site",
				   "site %s has %zu attachments; at most %d per site: delete one first",
				   site_id, n, PT_ATTACH_SITE_MAX);
	if (bytes > PT_ATTACH_SITE_BYTES)
		return pt_diag_set(d, PT_ELIMIT, 0, "site",
				   "site %s would hold %zu bytes of attachments; at most %lu (200 MiB) "
				   "per site: delete some first",
				   site_id, bytes, PT_ATTACH_SITE_BYTES);
	return PT_OK;
}

enum pt_err pt_app_attachment_add(const struct pt_caller *c, struct pt_db *db,
				  const struct pt_attach_upload *in, struct pt_attachment *out,
				  enum pt_tlp *label, struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	const struct pt_site *site;
	struct pt_access_record rec;
	struct pt_config cfg;
	unsigned char *clean = NULL, hash[crypto_hash_sha256_BYTES];
	const char *refused = NULL;
	enum pt_attach_type type;
	size_t len = 0;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	if ((err = pt_app_attachments_purge(c, db, NULL, d)) != PT_OK)
		return err;
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if (!(site = site_of(c, snap, in->site_id, &rec))) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "", "unknown site id \"%s\"",
				  in->site_id ? in->site_id : "");
		goto out;
	}
	if (pt_access_attachment_write(&c->who, &rec) != PT_ACCESS_OK) {
		refused = in->site_id;
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				  "your role or organisation may not add attachments to site %s",
				  in->site_id);
		goto out;
	}
	if ((err = check_upload(in, d)) != PT_OK)
		goto out;
	if (in->survey_id > 0) { /* evidence of a visit of this very site */
		struct pt_survey sv;
		err = pt_db_survey_get(db, in->survey_id, &sv, d);
		if (err == PT_ENOTFOUND || (err == PT_OK && strcmp(sv.site_id, in->site_id) != 0)) {
			err = pt_diag_set(d, PT_EINVAL, 0, "survey", "no visit %lld of site %s",
					  in->survey_id, in->site_id);
			goto out;
		}
		if (err != PT_OK)
			goto out;
	}
	if ((err = pt_attach_clean(in->data, in->len, &type, &clean, &len, d)) != PT_OK)
		goto out;
	if (in->declared != PT_ATTACH_NONE && in->declared != type) {
		err = pt_diag_set(d, PT_EINVAL, 0, "Content-Type",
				  "the file is a %s by its bytes, not %s as declared",
				  pt_attach_type_name(type), pt_attach_mime(in->declared));
		goto out;
	}
	if ((err = site_room(db, in->site_id, len, pt_app_now(c->now), d)) != PT_OK)
		goto out;
	if ((err = pt_app_config_get(c, db, &cfg, d)) != PT_OK)
		goto out;
	*label = pt_access_attachment_label(site->tlp);
	pt_strlcpy(out->site_id, in->site_id, sizeof out->site_id);
	out->survey_id = in->survey_id;
	pt_attach_typed_name(in->name, type, out->name, sizeof out->name);
	pt_strlcpy(out->caption, in->caption ? in->caption : "", sizeof out->caption);
	out->type = type;
	out->size = len;
	crypto_hash_sha256(hash, clean, len);
	sodium_bin2hex(out->sha256, sizeof out->sha256, hash, sizeof hash);
	out->shows_people = in->shows_people != 0;
	out->uploaded_at = pt_app_now(c->now);
	pt_strlcpy(out->uploaded_by, c->name, sizeof out->uploaded_by);
	if (out->shows_people)
		out->retain_until = out->uploaded_at + (int64_t)cfg.attachments_retention_days * DAY_S;
	pt_app_act(c, db);
	err = pt_db_attachment_add(db, out, clean, &out->id, d);
out:
	err = pt_app_refused(c, db, "attachment.add", "sites", refused, err, d);
	if (err != PT_OK)
		memset(out, 0, sizeof *out);
	free(clean);
	pt_snapshot_release(snap);
	return err;
}

void pt_app_attachment_list_clear(struct pt_app_attachment_list *l)
{
	if (!l)
		return;
	free(l->items);
	memset(l, 0, sizeof *l);
}

enum pt_err pt_app_attachments_list(const struct pt_caller *c, struct pt_db *db,
				    const char *site_id, long long survey_id,
				    struct pt_app_attachment_list *out, struct pt_diag *d)
{
	struct pt_snapshot *snap;
	struct pt_access_record rec;
	const struct pt_site *s;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if (!(s = site_of(c, snap, site_id, &rec))) {
		err = PT_ENOTFOUND;
		goto out;
	}
	out->label = pt_access_attachment_label(s->tlp);
	out->can_write = pt_access_attachment_write(&c->who, &rec) == PT_ACCESS_OK;
	if ((err = pt_db_attachments_of_site(db, site_id, survey_id, pt_app_now(c->now),
					     &out->items, &out->n, d)) != PT_OK)
		goto out;
	out->marking = out->n ? out->label : s->tlp;
	if (!out->n) /* nothing above the site's own label was read */
		goto out;
	err = audit_read(c, db, s, "attachments.list", d);
out:
	if (err != PT_OK)
		pt_app_attachment_list_clear(out);
	pt_snapshot_release(snap);
	return err;
}

enum pt_err pt_app_attachment_get(const struct pt_caller *c, struct pt_db *db, long long id,
				  struct pt_attachment *out, unsigned char **data,
				  enum pt_tlp *label, struct pt_diag *d)
{
	struct pt_snapshot *snap;
	struct pt_access_record rec;
	const struct pt_site *s;
	unsigned char hash[crypto_hash_sha256_BYTES];
	char hex[65];
	enum pt_err err;

	*data = NULL;
	*label = PT_TLP_AMBER;
	memset(out, 0, sizeof *out);
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	/* the bytes are read only once the site says c may read them */
	if ((err = pt_db_attachment_get(db, id, pt_app_now(c->now), out, NULL, d)) != PT_OK)
		goto out;
	if (!(s = site_of(c, snap, out->site_id, &rec))) {
		err = PT_ENOTFOUND;
		goto out;
	}
	*label = pt_access_attachment_label(s->tlp);
	if ((err = pt_db_attachment_get(db, id, pt_app_now(c->now), out, data, d)) != PT_OK)
		goto out;
	crypto_hash_sha256(hash, *data, out->size);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	if (strcmp(hex, out->sha256) != 0) {
		err = pt_diag_set(d, PT_EDB, 0, "", "attachment %lld: its bytes no longer match its sha256",
				  id);
		goto out;
	}
	err = audit_read(c, db, s, "attachment.read", d);
out:
	if (err == PT_ENOTFOUND)
		pt_diag_clear(d);
	if (err != PT_OK) {
		free(*data);
		*data = NULL;
		memset(out, 0, sizeof *out);
	}
	pt_snapshot_release(snap);
	return err;
}

enum pt_err pt_app_attachment_delete(const struct pt_caller *c, struct pt_db *db, long long id,
				     struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_access_record rec;
	struct pt_attachment a;
	const char *refused = NULL;
	enum pt_err err;

	if ((err = pt_app_attachments_purge(c, db, NULL, d)) != PT_OK)
		return err;
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_attachment_get(db, id, pt_app_now(c->now), &a, NULL, d)) != PT_OK)
		goto out;
	if (!site_of(c, snap, a.site_id, &rec)) {
		err = PT_ENOTFOUND;
		goto out;
	}
	if (pt_access_attachment_write(&c->who, &rec) != PT_ACCESS_OK) {
		refused = a.site_id;
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				  "your role or organisation may not delete attachments of site %s",
				  a.site_id);
		goto out;
	}
	pt_app_act(c, db);
	err = pt_db_attachment_delete(db, id, a.site_id, d);
out:
	if (err == PT_ENOTFOUND)
		pt_diag_set(d, PT_ENOTFOUND, 0, "", "no attachment %lld", id);
	err = pt_app_refused(c, db, "attachment.delete", "sites", refused, err, d);
	pt_snapshot_release(snap);
	return err;
}

enum pt_err pt_app_attachments_purge(const struct pt_caller *c, struct pt_db *db, size_t *n,
				     struct pt_diag *d)
{
	struct pt_caller sys;
	pt_caller_system(&sys);
	sys.now = c ? c->now : 0;
	pt_app_act(&sys, db); /* removed by the system, whoever's write set it off */
	return pt_db_attachments_purge(db, pt_app_now(sys.now), n, d);
}
