/* pt_history_store.c - the snapshots table (issue 16 item 6): statements, rows out,
 * nothing else. */
#include "pt_history_store.h"

#include <stdlib.h>
#include <string.h>

#include "pt_store_int.h"

enum history_stmt { ST_ADD, ST_COUNT_ALL, ST_NAME_TAKEN, ST_LIST, ST_GET, ST_DELETE, ST_COUNT };

static const char *const stmt_sql[ST_COUNT] = {
	[ST_ADD] = "INSERT INTO snapshots (name, taken_at, taken_by, method, inputs) "
		   "VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_COUNT_ALL] = "SELECT count(*) FROM snapshots",
	[ST_NAME_TAKEN] = "SELECT 1 FROM snapshots WHERE name = ?1",
	[ST_LIST] = "SELECT id, name, taken_at, taken_by, method FROM snapshots "
		    "ORDER BY taken_at, id",
	[ST_GET] = "SELECT id, name, taken_at, taken_by, method, inputs FROM snapshots "
		   "WHERE id = ?1",
	[ST_DELETE] = "DELETE FROM snapshots WHERE id = ?1",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_HISTORY, ST_COUNT, stmt_sql};

enum pt_err pt_db_snapshot_add(struct pt_db *db, const struct pt_hist_meta *m, const char *json,
			       size_t len, long long *id, struct pt_diag *d)
{
	sqlite3_stmt *st;
	long long count = 0;
	enum pt_err err;
	int rc, taken;

	*id = 0;
	if ((taken = pt_db_row_exists(db, &stmts, ST_NAME_TAKEN, m->name, NULL, d)) != 0)
		return taken < 0 ? PT_EDB
				 : pt_diag_set(d, PT_ECONFLICT, 0, "name",
					       "a snapshot named %s exists", m->name);
	if ((err = pt_db_query_int(db, &stmts, ST_COUNT_ALL, NULL, &count, d)) != PT_OK)
		return err;
	if (count >= PT_HIST_LIST_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "the registry keeps %d snapshots already; "
				   "delete one first", PT_HIST_LIST_MAX);
	if ((err = pt_db_prepare(db, &stmts, ST_ADD, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_field(st, 1, m->name, sizeof m->name);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)m->taken_at);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 3, m->taken_by, sizeof m->taken_by);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 4, pt_method_name(m->method), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob64(st, 5, json, (sqlite3_uint64)len, SQLITE_STATIC);
	if ((err = pt_db_step_done(db, st, rc, "storing the snapshot", d)) == PT_OK)
		*id = pt_db_last_id(db);
	return err;
}

static enum pt_err meta_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_hist_meta *m = row;
	char method[16];
	enum pt_err err;
	(void)ctx;
	m->id = sqlite3_column_int64(st, 0);
	m->taken_at = sqlite3_column_int64(st, 2);
	if ((err = pt_db_col_text(st, 1, m->name, sizeof m->name, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 3, m->taken_by, sizeof m->taken_by, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 4, method, sizeof method, d)) != PT_OK)
		return err;
	if (pt_method_parse(method, &m->method) != PT_OK)
		m->method = PT_METHOD_QUANT;
	return PT_OK;
}

enum pt_err pt_db_snapshots_list(struct pt_db *db, struct pt_hist_meta **out, size_t *n,
				 struct pt_diag *d)
{
	struct pt_db_rows rows;
	sqlite3_stmt *st;
	enum pt_err err;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_LIST, &st, d)) != PT_OK)
		return err;
	memset(&rows, 0, sizeof rows);
	rows.elem_size = sizeof **out;
	rows.max = PT_HIST_LIST_MAX;
	rows.too_many = "too many snapshots";
	rows.fill = meta_row;
	err = pt_db_rows_read(db, st, &rows, "listing the snapshots", d);
	*out = rows.items;
	*n = rows.n;
	return err;
}

/* Where a snapshot's document goes (ctx of get_row). */
struct doc {
	char **json;
	size_t *len;
};

static enum pt_err get_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct doc *doc = ctx;
	const void *blob;
	size_t len;
	enum pt_err err;
	if ((err = meta_row(st, row, NULL, d)) != PT_OK || !doc->json)
		return err;
	blob = sqlite3_column_blob(st, 5);
	len = (size_t)sqlite3_column_bytes(st, 5);
	if (!(*doc->json = malloc(len + 1)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory reading a snapshot");
	if (len)
		memcpy(*doc->json, blob, len);
	(*doc->json)[len] = '\0';
	*doc->len = len;
	return PT_OK;
}

enum pt_err pt_db_snapshot_get(struct pt_db *db, long long id, struct pt_hist_meta *m,
			       char **json, size_t *len, struct pt_diag *d)
{
	struct doc doc = {json, len};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (json)
		*json = NULL;
	if ((err = pt_db_prepare(db, &stmts, ST_GET, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a snapshot");
	}
	err = pt_db_row_one(db, st, get_row, m, &doc, "reading a snapshot", d);
	if (err == PT_ENOTFOUND)
		pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no snapshot %lld", id);
	if (err != PT_OK && json) {
		free(*json);
		*json = NULL;
	}
	return err;
}

enum pt_err pt_db_snapshot_delete(struct pt_db *db, long long id, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_DELETE, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	if ((err = pt_db_step_done(db, st, rc, "deleting a snapshot", d)) != PT_OK)
		return err;
	if (pt_db_changes(db) == 0)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no snapshot %lld", id);
	return PT_OK;
}
