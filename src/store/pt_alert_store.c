/* pt_alert_store.c - public alerts in SQLite (issue 13, migration 021):
 * statements, rows in and out, nothing else. */
#include "pt_alert_store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pt_store_int.h"

#define ALERT_COLUMNS                                                                         \
	"a.identifier, a.chain, a.references_id, a.msg_type, a.status, a.state, a.site_id, "  \
	"a.template, a.languages, a.radius_km, a.polygon, a.generic_area, a.sent, a.expires, " \
	"a.feed_until, a.composer_id, a.composer, a.approver_id, a.approver, a.composed_at, " \
	"a.decided_at, a.reason, a.sha256, "                                                   \
	"(a.state = 'issued' AND NOT EXISTS (SELECT 1 FROM alerts b WHERE b.chain = a.chain " \
	"AND b.state = 'issued' AND b.rowid > a.rowid)) "
#define ALERT_XML_COL 24

enum alert_stmt {
	ST_INSERT,
	ST_GET,
	ST_GET_XML,
	ST_DECIDE,
	ST_LIST,
	ST_CHAIN_ISSUED,
	ST_CHAIN_PENDING,
	ST_FEED,
	ST_AUDIT_DETAIL,
	ST_LIST_NO_RUNS, /* issue 15 attack review 2, round 2 */
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_INSERT] = "INSERT INTO alerts (identifier, chain, references_id, msg_type, status, "
		      "state, site_id, template, languages, radius_km, polygon, generic_area, sent, "
		      "expires, feed_until, composer_id, composer, approver_id, approver, "
		      "composed_at, decided_at, reason, sha256, xml) VALUES (?1, ?2, ?3, ?4, ?5, "
		      "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
		      "?22, ?23, ?24)",
	[ST_GET] = "SELECT " ALERT_COLUMNS "FROM alerts a WHERE a.identifier = ?1",
	[ST_GET_XML] = "SELECT " ALERT_COLUMNS ", a.xml FROM alerts a WHERE a.identifier = ?1",
	[ST_DECIDE] = "UPDATE alerts SET state = ?2, approver_id = ?3, approver = ?4, "
		      "decided_at = ?5, reason = ?6 WHERE identifier = ?1 AND state = 'pending'",
	[ST_LIST] = "SELECT " ALERT_COLUMNS "FROM alerts a ORDER BY a.rowid DESC LIMIT ?1",
	/* the messages but those issued from within exercise runs (their 'alert' events) */
	[ST_LIST_NO_RUNS] = "SELECT " ALERT_COLUMNS "FROM alerts a WHERE a.identifier NOT IN "
			    "(SELECT json_extract(e.detail, '$.identifier') FROM exercise_run_events e "
			    "WHERE e.kind = 'alert' AND json_valid(e.detail)) "
			    "ORDER BY a.rowid DESC LIMIT ?1",
	[ST_CHAIN_ISSUED] = "SELECT " ALERT_COLUMNS "FROM alerts a WHERE a.chain = ?1 AND "
			    "a.state = 'issued' ORDER BY a.rowid LIMIT ?2",
	[ST_CHAIN_PENDING] = "SELECT 1 FROM alerts WHERE chain = ?1 AND state = 'pending'",
	[ST_FEED] = "SELECT " ALERT_COLUMNS ", a.xml FROM alerts a WHERE a.state = 'issued' AND "
		    "a.status = 'Actual' AND NOT EXISTS (SELECT 1 FROM alerts b WHERE "
		    "b.chain = a.chain AND b.state = 'issued' AND b.rowid > a.rowid) AND "
		    "a.feed_until > ?1 ORDER BY a.decided_at DESC, a.rowid DESC LIMIT ?2",
	[ST_AUDIT_DETAIL] = "SELECT detail FROM audit_log WHERE record_table = 'alerts' AND "
			    "record_id = ?1 AND action IN ('alert.compose', 'alert.issue') "
			    "ORDER BY seq LIMIT 1",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_ALERTS, ST_COUNT, stmt_sql};

void pt_db_alert_clear(struct pt_db_alert *a)
{
	if (!a)
		return;
	free(a->xml);
	a->xml = NULL;
	a->xml_len = 0;
}

enum pt_err pt_db_alert_insert(struct pt_db *db, const struct pt_db_alert *a, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_INSERT, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_field(st, 1, a->identifier, sizeof a->identifier);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 2, a->chain, sizeof a->chain);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 3, a->references_id, sizeof a->references_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 4, a->msg_type, sizeof a->msg_type);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 5, a->status, sizeof a->status);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 6, a->state, sizeof a->state);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 7, a->site_id, sizeof a->site_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 8, a->template_id, sizeof a->template_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 9, a->languages, sizeof a->languages);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 10, a->radius_km);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 11, a->polygon != 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 12, a->generic_area != 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 13, a->sent);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 14, a->expires);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 15, a->feed_until);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 16, a->composer_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 17, a->composer, sizeof a->composer);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 18, a->approver_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 19, a->approver, sizeof a->approver);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 20, a->composed_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 21, a->decided_at);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 22, a->reason, sizeof a->reason);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 23, a->sha256, sizeof a->sha256);
	if (rc == SQLITE_OK)
		rc = a->xml ? sqlite3_bind_blob(st, 24, a->xml, (int)a->xml_len, SQLITE_STATIC)
			    : SQLITE_MISUSE;
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return PT_OK;
		if (rc == SQLITE_CONSTRAINT &&
		    sqlite3_extended_errcode(pt_db_sqlite(db)) == SQLITE_CONSTRAINT_PRIMARYKEY)
			return pt_diag_set(d, PT_ECONFLICT, 0, "identifier",
					   "alert %s exists already", a->identifier);
	}
	sqlite3_reset(st);
	return pt_db_fail(db, rc, d, "storing an alert");
}

/* One row (ALERT_COLUMNS, the bytes after them when ctx is nonzero) into row. */
static enum pt_err alert_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_alert *a = row;
	enum pt_err err;
	memset(a, 0, sizeof *a);
	if ((err = pt_db_col_text(st, 0, a->identifier, sizeof a->identifier, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, a->chain, sizeof a->chain, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, a->references_id, sizeof a->references_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 3, a->msg_type, sizeof a->msg_type, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 4, a->status, sizeof a->status, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 5, a->state, sizeof a->state, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 6, a->site_id, sizeof a->site_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 7, a->template_id, sizeof a->template_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 8, a->languages, sizeof a->languages, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 16, a->composer, sizeof a->composer, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 18, a->approver, sizeof a->approver, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 21, a->reason, sizeof a->reason, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 22, a->sha256, sizeof a->sha256, d)) != PT_OK)
		return err;
	a->radius_km = sqlite3_column_double(st, 9);
	a->polygon = sqlite3_column_int(st, 10);
	a->generic_area = sqlite3_column_int(st, 11);
	a->sent = sqlite3_column_int64(st, 12);
	a->expires = sqlite3_column_int64(st, 13);
	a->feed_until = sqlite3_column_int64(st, 14);
	a->composer_id = sqlite3_column_int64(st, 15);
	a->approver_id = sqlite3_column_int64(st, 17);
	a->composed_at = sqlite3_column_int64(st, 19);
	a->decided_at = sqlite3_column_int64(st, 20);
	a->latest = sqlite3_column_int(st, 23);
	if (ctx) {
		const void *b = sqlite3_column_blob(st, ALERT_XML_COL);
		int len = sqlite3_column_bytes(st, ALERT_XML_COL);
		a->xml = malloc((size_t)(len > 0 ? len : 0) + 1);
		if (!a->xml)
			return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		if (len > 0)
			memcpy(a->xml, b, (size_t)len);
		a->xml[len > 0 ? len : 0] = '\0';
		a->xml_len = (size_t)(len > 0 ? len : 0);
	}
	return PT_OK;
}

enum pt_err pt_db_alert_get(struct pt_db *db, const char *id, int with_xml,
			    struct pt_db_alert *out, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	memset(out, 0, sizeof *out);
	if ((err = pt_db_prepare(db, &stmts, with_xml ? ST_GET_XML : ST_GET, &st, d)) != PT_OK)
		return err;
	if ((rc = pt_db_bind_text(st, 1, id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading an alert");
	}
	err = pt_db_row_one(db, st, alert_row, out, with_xml ? (void *)1 : NULL,
			    "reading an alert", d);
	if (err != PT_OK)
		pt_db_alert_clear(out);
	return err;
}

enum pt_err pt_db_alert_decide(struct pt_db *db, const char *id, const char *state,
			       long long approver_id, const char *approver, int64_t at,
			       const char *reason, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_DECIDE, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, state);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, approver_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 4, approver);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, at);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 6, reason);
	if ((err = pt_db_step_done(db, st, rc, "deciding an alert", d)) != PT_OK)
		return err;
	if (pt_db_changes(db) != 1)
		return pt_diag_set(d, PT_ECONFLICT, 0, "state", "alert %s is not pending", id);
	return PT_OK;
}

/* Read rows of st (parameter binding done) into a new array. */
static enum pt_err rows(struct pt_db *db, sqlite3_stmt *st, size_t max, int with_xml,
			struct pt_db_alert **out, size_t *n, const char *what, struct pt_diag *d)
{
	struct pt_db_rows r = {NULL, 0, 0, sizeof(struct pt_db_alert), max, "too many alerts",
			       alert_row, with_xml ? (void *)1 : NULL};
	enum pt_err err = pt_db_rows_read(db, st, &r, what, d);
	*out = r.items;
	*n = r.n;
	return err;
}

enum pt_err pt_db_alert_list(struct pt_db *db, size_t max, struct pt_db_alert **out, size_t *n,
			     struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_LIST, &st, d)) != PT_OK)
		return err;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	return rows(db, st, max, 0, out, n, "reading the alerts", d);
}

enum pt_err pt_db_alert_list_no_runs(struct pt_db *db, size_t max, struct pt_db_alert **out,
				     size_t *n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_LIST_NO_RUNS, &st, d)) != PT_OK)
		return err;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	return rows(db, st, max, 0, out, n, "reading the alerts", d);
}

enum pt_err pt_db_alert_chain_issued(struct pt_db *db, const char *chain, size_t max,
				     struct pt_db_alert **out, size_t *n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_CHAIN_ISSUED, &st, d)) != PT_OK)
		return err;
	pt_db_bind_text(st, 1, chain);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max + 1);
	return rows(db, st, max, 0, out, n, "reading an alert chain", d);
}

int pt_db_alert_chain_pending(struct pt_db *db, const char *chain, struct pt_diag *d)
{
	return pt_db_row_exists(db, &stmts, ST_CHAIN_PENDING, chain, NULL, d);
}

enum pt_err pt_db_alert_feed(struct pt_db *db, int64_t now, size_t max,
			     struct pt_db_alert **out, size_t *n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_FEED, &st, d)) != PT_OK)
		return err;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return rows(db, st, max, 1, out, n, "reading the alert feed", d);
}

/* The detail column into ctx's buffer (struct of buf and size). */
struct detail_buf {
	char *buf;
	size_t size;
};

static enum pt_err detail_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct detail_buf *b = ctx;
	(void)row;
	(void)d;
	pt_db_col_copy(st, 0, b->buf, b->size);
	return PT_OK;
}

enum pt_err pt_db_alert_audit_detail(struct pt_db *db, const char *id, char *buf, size_t size,
				     struct pt_diag *d)
{
	struct detail_buf b = {buf, size};
	sqlite3_stmt *st;
	enum pt_err err;
	if (size)
		buf[0] = '\0';
	if ((err = pt_db_prepare(db, &stmts, ST_AUDIT_DETAIL, &st, d)) != PT_OK)
		return err;
	pt_db_bind_text(st, 1, id);
	err = pt_db_row_one(db, st, detail_row, NULL, &b, "reading an alert's audit entry", d);
	return err == PT_ENOTFOUND ? PT_OK : err;
}
