/* pt_register_store.c - the risk register's decisions and history in
 * SQLite: statements, rows in and out, nothing else. */
#include "pt_register_store.h"

#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "pt_store_int.h"

#define HISTORY_MAX 100000         /* history rows one list may hold */
#define REGISTER_ROWS_MAX 10000000 /* register rows one read may hold */

#define REGISTER_COLUMNS                                                                   \
	"r.site_id, r.threat_id, r.treatment, coalesce(u.name, ''), r.review_date, "        \
	"r.measures, r.note, r.needs_approval, r.approved, r.approved_by, r.approved_at, "   \
	"r.updated_at, r.updated_by, coalesce(r.responsible_user_id, 0), r.decided_band, "    \
	"r.decided_level FROM risk_register r "                                              \
	"LEFT JOIN users u ON u.id = r.responsible_user_id "

/* The statement table of this file. */
enum register_stmt {
	ST_HISTORY_COMMIT,
	ST_REGISTER_ALL,
	ST_REGISTER_GET,
	ST_REGISTER_PUT,
	ST_REGISTER_APPROVE,
	ST_HISTORY_ADD,
	ST_HISTORY_GET,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_HISTORY_COMMIT] =
		"INSERT INTO risk_register_history (site_id, threat_id, at, actor, action, detail) "
		"SELECT q.site_id, q.threat_id, ?3, ?4, 'commit', ?5 FROM quant_assessments q "
		"JOIN measure_effects e ON e.threat_id = q.threat_id AND e.measure_id = ?2 "
		"WHERE q.site_id = ?1 AND (e.v_reduction > 0 OR e.c_reduction > 0) "
		"ORDER BY q.threat_id",
	[ST_REGISTER_ALL] = "SELECT " REGISTER_COLUMNS "WHERE ?1 = '' OR r.site_id = ?1 "
			    "ORDER BY r.site_id, r.threat_id",
	[ST_REGISTER_GET] = "SELECT " REGISTER_COLUMNS "WHERE r.site_id = ?1 AND r.threat_id = ?2",
	[ST_REGISTER_PUT] =
		"INSERT INTO risk_register (site_id, threat_id, treatment, responsible_user_id, "
		"review_date, measures, note, needs_approval, approved, approved_by, approved_at, "
		"updated_at, updated_by, decided_band, decided_level) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		"?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT (site_id, threat_id) DO UPDATE SET treatment = excluded.treatment, "
		"responsible_user_id = excluded.responsible_user_id, "
		"review_date = excluded.review_date, measures = excluded.measures, "
		"note = excluded.note, needs_approval = excluded.needs_approval, "
		"approved = excluded.approved, approved_by = excluded.approved_by, "
		"approved_at = excluded.approved_at, updated_at = excluded.updated_at, "
		"updated_by = excluded.updated_by, decided_band = excluded.decided_band, "
		"decided_level = excluded.decided_level",
	[ST_REGISTER_APPROVE] = "UPDATE risk_register SET approved = 1, needs_approval = 1, "
				"approved_by = ?3, approved_at = ?4, decided_band = ?5, "
				"decided_level = ?6 WHERE site_id = ?1 AND threat_id = ?2",
	[ST_HISTORY_ADD] =
		"INSERT INTO risk_register_history (site_id, threat_id, at, actor, action, detail) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_HISTORY_GET] = "SELECT at, actor, action, detail FROM risk_register_history "
			   "WHERE site_id = ?1 AND threat_id = ?2 ORDER BY id",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_REGISTER, ST_COUNT, stmt_sql};

/* A stored register row (columns of REGISTER_COLUMNS) into e; *responsible_id may be NULL. */
static enum pt_err register_row(sqlite3_stmt *st, struct pt_register_entry *e,
				long long *responsible_id, struct pt_diag *d)
{
	char treatment[16];
	enum pt_err err;
	if ((err = pt_db_col_text(st, 0, e->site_id, sizeof e->site_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, e->threat_id, sizeof e->threat_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, treatment, sizeof treatment, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 3, e->responsible, sizeof e->responsible, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 4, e->review_date, sizeof e->review_date, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 5, e->measures, sizeof e->measures, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 6, e->note, sizeof e->note, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 9, e->approved_by, sizeof e->approved_by, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 10, e->approved_at, sizeof e->approved_at, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 11, e->updated_at, sizeof e->updated_at, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 12, e->updated_by, sizeof e->updated_by, d)) != PT_OK)
		return err;
	if (pt_treatment_parse(treatment, &e->treatment) != PT_OK)
		e->treatment = PT_TREAT_NONE;
	{
		char band[16];
		int b;
		if ((err = pt_db_col_text(st, 14, band, sizeof band, d)) != PT_OK ||
		    (err = pt_db_col_text(st, 15, e->decided_level, sizeof e->decided_level, d)) !=
			    PT_OK)
			return err;
		e->decided_band = PT_BAND_NONE;
		for (b = PT_BAND_LOW; b <= PT_BAND_VERY_HIGH && band[0]; b++)
			if (strcmp(band, pt_band_name((enum pt_band)b)) == 0)
				e->decided_band = (enum pt_band)b;
	}
	e->needs_approval = sqlite3_column_int(st, 7) != 0;
	e->approved = sqlite3_column_int(st, 8) != 0;
	if (responsible_id)
		*responsible_id = sqlite3_column_int64(st, 13);
	return PT_OK;
}

/* The row reader's fill: a register row into row (a struct pt_register_entry). */
static enum pt_err register_fill(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	(void)ctx;
	return register_row(st, row, NULL, d);
}

/* Where pt_db_register_get's one row goes besides the entry. */
struct register_found {
	long long *responsible_id;
	int *exists;
};

/* The fill of pt_db_register_get: the row exists; the entry and its responsible user's id. */
static enum pt_err register_get_fill(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct register_found *found = ctx;
	*found->exists = 1;
	return register_row(st, row, found->responsible_id, d);
}

enum pt_err pt_db_register_rows(struct pt_db *db, const char *site_id,
				struct pt_register_entry **rows, size_t *n, struct pt_diag *d)
{
	struct pt_db_rows list = {.elem_size = sizeof **rows,
				  .max = REGISTER_ROWS_MAX,
				  .too_many = "too many register rows",
				  .fill = register_fill};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*rows = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_REGISTER_ALL, &st, d)) != PT_OK)
		return err;
	if ((rc = pt_db_bind_text(st, 1, site_id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading the risk register");
	}
	if ((err = pt_db_rows_read(db, st, &list, "reading the risk register", d)) != PT_OK)
		return err;
	*rows = list.items;
	*n = list.n;
	return PT_OK;
}

/* The stored decision on a pair into cur (treatment none and *exists 0 when none). */
enum pt_err pt_db_register_get(struct pt_db *db, const char *site_id, const char *threat_id,
				struct pt_register_entry *cur, long long *responsible_id,
				int *exists, struct pt_diag *d)
{
	struct register_found found;
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	memset(cur, 0, sizeof *cur);
	*responsible_id = 0;
	*exists = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_REGISTER_GET, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, threat_id);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading the risk register");
	}
	found.responsible_id = responsible_id;
	found.exists = exists;
	err = pt_db_row_one(db, st, register_get_fill, cur, &found, "reading the risk register", d);
	return err == PT_ENOTFOUND ? PT_OK : err;
}

enum pt_err pt_db_register_history_add(struct pt_db *db, const char *site_id, const char *threat_id,
			       const char *at, const char *actor, const char *action,
			       const char *detail, struct pt_diag *d)
{
	const char *params[] = {site_id, threat_id, at, actor, action, detail};
	return pt_db_run_texts(db, &stmts, ST_HISTORY_ADD, params, 6,
			       "recording the register's history", d);
}

enum pt_err pt_db_register_put(struct pt_db *db, const struct pt_register_entry *e,
			       long long responsible_id, const char *now, const char *actor,
			       struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_REGISTER_PUT, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, e->site_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, e->threat_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 3, pt_treatment_name(e->treatment));
	if (rc == SQLITE_OK)
		rc = responsible_id > 0 ? sqlite3_bind_int64(st, 4, responsible_id)
					: sqlite3_bind_null(st, 4);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 5, e->review_date);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 6, e->measures);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 7, e->note);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 8, e->needs_approval);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 9, e->approved);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 10, e->approved_by);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 11, e->approved_at);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 12, now);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 13, actor);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 14, e->decided_band == PT_BAND_NONE
						     ? ""
						     : pt_band_name(e->decided_band));
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 15, e->decided_level);
	return pt_db_step_done(db, st, rc, "recording the decision", d);
}

enum pt_err pt_db_register_approved(struct pt_db *db, const char *site_id, const char *threat_id,
				    const char *actor, const char *now, enum pt_band band,
				    const char *level, struct pt_diag *d)
{
	const char *params[] = {site_id, threat_id, actor, now,
				band == PT_BAND_NONE ? "" : pt_band_name(band), level ? level : ""};
	return pt_db_run_texts(db, &stmts, ST_REGISTER_APPROVE, params, 6,
			       "approving the acceptance", d);
}

enum pt_err pt_db_register_history_commit(struct pt_db *db, const char *site_id,
					  const char *measure_id, const char *at,
					  const char *actor, const char *detail,
					  struct pt_diag *d)
{
	const char *params[] = {site_id, measure_id, at, actor, detail};
	return pt_db_run_texts(db, &stmts, ST_HISTORY_COMMIT, params, 5,
			       "recording the commitment in the register", d);
}

/* A risk_register_history row into row (a struct pt_register_history_row). */
static enum pt_err history_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_register_history_row *h = row;
	enum pt_err err;
	(void)ctx;
	if ((err = pt_db_col_text(st, 0, h->at, sizeof h->at, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, h->actor, sizeof h->actor, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, h->action, sizeof h->action, d)) != PT_OK)
		return err;
	return pt_db_col_text(st, 3, h->detail, sizeof h->detail, d);
}

enum pt_err pt_db_register_history(struct pt_db *db, const char *site_id, const char *threat_id,
				   struct pt_register_history_row **rows, size_t *n,
				   struct pt_diag *d)
{
	struct pt_db_rows list = {.elem_size = sizeof **rows,
				  .max = HISTORY_MAX,
				  .too_many = "too many history rows",
				  .fill = history_row};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	*rows = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_HISTORY_GET, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, threat_id);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading the register's history");
	}
	if ((err = pt_db_rows_read(db, st, &list, "reading the register's history", d)) != PT_OK)
		return err;
	*rows = list.items;
	*n = list.n;
	return PT_OK;
}
