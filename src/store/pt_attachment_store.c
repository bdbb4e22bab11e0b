/* pt_attachment_store.c - the attachments of sites and surveys in SQLite (issue 16
 * item 3): statements, rows in and out, the audit entries of their writes. */
#include "pt_attachment_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pt_audit.h"
#include "pt_store_int.h"

#define ATT_COLUMNS                                                                            \
	"id, site_id, COALESCE(survey_id, 0), name, caption, content_type, size, sha256, "     \
	"shows_people, uploaded_at, uploaded_by, COALESCE(retain_until, 0)"
#define ATT_LIVE "(retain_until IS NULL OR retain_until > ?2)"

enum att_stmt {
	ST_ATT_ADD,
	ST_ATT_OF_SITE,
	ST_ATT_OF_SURVEY,
	ST_ATT_GET,
	ST_ATT_DATA,
	ST_ATT_DELETE,
	ST_ATT_EXPIRED,
	ST_SITE_EXISTS,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_ATT_ADD] = "INSERT INTO attachments (site_id, survey_id, name, caption, content_type, "
		       "size, sha256, shows_people, uploaded_at, uploaded_by, uploaded_by_id, "
		       "retain_until, data) VALUES (?1, NULLIF(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		       "?10, ?11, NULLIF(?12, 0), ?13)",
	[ST_ATT_OF_SITE] = "SELECT " ATT_COLUMNS " FROM attachments WHERE site_id = ?1 AND "
			   ATT_LIVE " ORDER BY id LIMIT ?3",
	[ST_ATT_OF_SURVEY] = "SELECT " ATT_COLUMNS " FROM attachments WHERE site_id = ?1 AND "
			     ATT_LIVE " AND survey_id = ?4 ORDER BY id LIMIT ?3",
	[ST_ATT_GET] = "SELECT " ATT_COLUMNS " FROM attachments WHERE id = ?1 AND " ATT_LIVE,
	[ST_ATT_DATA] = "SELECT data FROM attachments WHERE id = ?1",
	[ST_ATT_DELETE] = "DELETE FROM attachments WHERE id = ?1",
	[ST_ATT_EXPIRED] = "SELECT " ATT_COLUMNS " FROM attachments WHERE retain_until IS NOT NULL "
			   "AND retain_until <= ?2 ORDER BY id LIMIT ?3",
	[ST_SITE_EXISTS] = "SELECT 1 FROM sites WHERE id = ?1",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_ATTACHMENTS, ST_COUNT, stmt_sql};

/* One ATT_COLUMNS row into row (a struct pt_attachment). */
static enum pt_err att_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_attachment *a = row;
	char type[32];
	enum pt_err err;
	(void)ctx;
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(st, 0);
	a->survey_id = sqlite3_column_int64(st, 2);
	if ((err = pt_db_col_text(st, 1, a->site_id, sizeof a->site_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 3, a->name, sizeof a->name, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 4, a->caption, sizeof a->caption, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 5, type, sizeof type, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 7, a->sha256, sizeof a->sha256, d)) != PT_OK)
		return err;
	pt_db_col_copy(st, 10, a->uploaded_by, sizeof a->uploaded_by);
	a->type = pt_attach_type_of_mime(type);
	a->size = (size_t)sqlite3_column_int64(st, 6);
	a->shows_people = sqlite3_column_int(st, 8) != 0;
	a->uploaded_at = sqlite3_column_int64(st, 9);
	a->retain_until = sqlite3_column_int64(st, 11);
	if (a->type == PT_ATTACH_NONE)
		return pt_diag_set(d, PT_EDB, 0, "type", "attachment %lld: stored type '%s' unknown",
				   a->id, type);
	return PT_OK;
}

/* Read statement id's rows (parameters site/id ?1, now ?2, limit ?3, survey ?4) into *items. */
static enum pt_err read_list(struct pt_db *db, int id, const char *site, long long survey,
			     int64_t now, struct pt_attachment **items, size_t *n,
			     struct pt_diag *d)
{
	struct pt_db_rows rows = {.elem_size = sizeof **items,
				  .max = PT_ATTACH_LIST_MAX,
				  .too_many = "too many attachments",
				  .fill = att_row};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc = SQLITE_OK;

	*items = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, id, &st, d)) != PT_OK)
		return err;
	if (site)
		rc = pt_db_bind_text(st, 1, site);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, PT_ATTACH_LIST_MAX);
	if (rc == SQLITE_OK && id == ST_ATT_OF_SURVEY)
		rc = sqlite3_bind_int64(st, 4, survey);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading attachments");
	}
	if ((err = pt_db_rows_read(db, st, &rows, "reading attachments", d)) != PT_OK)
		return err;
	*items = rows.items;
	*n = rows.n;
	return PT_OK;
}

enum pt_err pt_db_attachments_of_site(struct pt_db *db, const char *site_id,
				      long long survey_id, int64_t now,
				      struct pt_attachment **items, size_t *n, struct pt_diag *d)
{
	enum pt_err err;
	*items = NULL;
	*n = 0;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	err = read_list(db, survey_id > 0 ? ST_ATT_OF_SURVEY : ST_ATT_OF_SITE,
			site_id ? site_id : "", survey_id, now, items, n, d);
	return pt_db_end(db, err, d);
}

/* Attachment id's bytes into *data (malloc'd), which must be size bytes. */
static enum pt_err read_data(struct pt_db *db, long long id, size_t size, unsigned char **data,
			     struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_ATT_DATA, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		if (n != size || !b)
			err = pt_diag_set(d, PT_EDB, 0, "", "attachment %lld: %zu bytes stored, %zu listed",
					  id, n, size);
		else if (!(*data = malloc(n)))
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		else
			memcpy(*data, b, n);
	} else if (rc == SQLITE_DONE) {
		err = PT_ENOTFOUND;
	} else {
		err = pt_db_fail(db, rc, d, "reading an attachment");
	}
	sqlite3_reset(st);
	return err;
}

enum pt_err pt_db_attachment_get(struct pt_db *db, long long id, int64_t now,
				 struct pt_attachment *a, unsigned char **data, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	if (data)
		*data = NULL;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(db, &stmts, ST_ATT_GET, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, now);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		err = pt_db_fail(db, rc, d, "reading an attachment");
		goto out;
	}
	if ((err = pt_db_row_one(db, st, att_row, a, NULL, "reading an attachment", d)) != PT_OK)
		goto out;
	if (data)
		err = read_data(db, id, a->size, data, d);
out:
	if (err != PT_OK && data) {
		free(*data);
		*data = NULL;
	}
	return pt_db_end(db, err, d);
}

/* The audit detail of a (never its name or caption: the entry may be shown to the site's readers). */
static void detail_of(const struct pt_attachment *a, char *buf, size_t size)
{
	int n = snprintf(buf, size, "attachment %lld of %s: %s, %zu bytes, sha256 %s", a->id,
			 a->site_id, pt_attach_mime(a->type), a->size, a->sha256);
	if (n > 0 && (size_t)n < size && a->survey_id > 0)
		n += snprintf(buf + n, size - (size_t)n, ", survey %lld", a->survey_id);
	if (n > 0 && (size_t)n < size && a->shows_people) {
		char until[32] = "?";
		struct tm tm;
		time_t t = (time_t)a->retain_until;
		if (gmtime_r(&t, &tm))
			strftime(until, sizeof until, "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(buf + n, size - (size_t)n, ", shows people or plates: kept until %s", until);
	}
}

enum pt_err pt_db_attachment_add(struct pt_db *db, const struct pt_attachment *a,
				 const unsigned char *data, long long *id, struct pt_diag *d)
{
	const char *ids[1] = {a->site_id};
	struct pt_attachment kept = *a;
	long long user_id = 0, org_id = 0;
	const char *actor = NULL;
	int64_t now = 0;
	char detail[400], idtext[32];
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	*id = 0;
	pt_db_actor(db, &user_id, &org_id, &actor, &now);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if (!pt_db_exists(db, &stmts, ST_SITE_EXISTS, a->site_id, sizeof a->site_id)) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site id \"%s\"", a->site_id);
		goto out;
	}
	if ((err = pt_db_prepare(db, &stmts, ST_ATT_ADD, &st, d)) != PT_OK)
		goto out;
	rc = pt_db_bind_field(st, 1, a->site_id, sizeof a->site_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, a->survey_id > 0 ? a->survey_id : 0);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 3, a->name, sizeof a->name);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 4, a->caption, sizeof a->caption);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 5, pt_attach_mime(a->type));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, (sqlite3_int64)a->size);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 7, a->sha256, sizeof a->sha256);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 8, a->shows_people ? 1 : 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 9, a->uploaded_at);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 10, a->uploaded_by, sizeof a->uploaded_by);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 11, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 12, a->shows_people ? a->retain_until : 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob64(st, 13, data, (sqlite3_uint64)a->size, SQLITE_STATIC);
	if ((err = pt_db_step_done(db, st, rc, "storing an attachment", d)) != PT_OK)
		goto out;
	kept.id = *id = pt_db_last_id(db);
	detail_of(&kept, detail, sizeof detail);
	snprintf(idtext, sizeof idtext, "%lld", kept.id);
	err = pt_audit_append_records(db, "attachment.add", "attachments", idtext, detail, "sites",
				      ids, 1, d);
out:
	if (err != PT_OK)
		*id = 0;
	return pt_db_end(db, err, d);
}

/* Delete attachment a and append its entry (action) in the open transaction. */
static enum pt_err delete_one(struct pt_db *db, const struct pt_attachment *a, const char *action,
			      struct pt_diag *d)
{
	const char *ids[1] = {a->site_id};
	char detail[400], idtext[32];
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_ATT_DELETE, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, a->id);
	if ((err = pt_db_step_done(db, st, rc, "deleting an attachment", d)) != PT_OK)
		return err;
	if (pt_db_changes(db) < 1)
		return PT_ENOTFOUND;
	detail_of(a, detail, sizeof detail);
	snprintf(idtext, sizeof idtext, "%lld", a->id);
	return pt_audit_append_records(db, action, "attachments", idtext, detail, "sites", ids, 1,
				       d);
}

enum pt_err pt_db_attachment_delete(struct pt_db *db, long long id, const char *site_id,
				    struct pt_diag *d)
{
	struct pt_attachment a;
	enum pt_err err;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	/* read whatever its retention: a delete of an expired one still removes it */
	err = pt_db_attachment_get(db, id, INT64_MIN, &a, NULL, d);
	if (err == PT_OK && strcmp(a.site_id, site_id ? site_id : "") != 0)
		err = PT_ENOTFOUND;
	if (err == PT_OK)
		err = delete_one(db, &a, "attachment.delete", d);
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_attachments_purge(struct pt_db *db, int64_t now, size_t *n, struct pt_diag *d)
{
	struct pt_attachment *items = NULL;
	size_t count = 0, i;
	enum pt_err err;
	if (n)
		*n = 0;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = read_list(db, ST_ATT_EXPIRED, NULL, 0, now, &items, &count, d)) != PT_OK)
		goto out;
	for (i = 0; i < count && err == PT_OK; i++)
		err = delete_one(db, &items[i], "attachment.expired", d);
	if (err == PT_OK && n)
		*n = count;
out:
	free(items);
	return pt_db_end(db, err, d);
}
