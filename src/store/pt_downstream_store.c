/* pt_downstream_store.c - the dependency network as the cascade reads it
 * (issue 12): statements, rows out, nothing else. */
#include "pt_downstream_store.h"

#include <stdint.h>
#include <string.h>

#include "pt_ranking.h"
#include "pt_store_int.h"

enum downstream_stmt {
	ST_LINKS_ALL,
	ST_STATE_GET,
	ST_ROWS_ALL,
	ST_ROWS_CLEAR,
	ST_ROW_PUT,
	ST_STATE_PUT,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_LINKS_ALL] = "SELECT provider_id, consumer_id, autonomy_hours, service_loss, "
			 "COALESCE(group_name, '') FROM dependencies "
			 "ORDER BY consumer_id, group_name, provider_id",
	[ST_STATE_GET] = "SELECT version FROM downstream_state WHERE id = 1",
	[ST_ROWS_ALL] = "SELECT site_id, person_hours FROM downstream WHERE version = "
			"(SELECT version FROM downstream_state WHERE id = 1) ORDER BY site_id",
	[ST_ROWS_CLEAR] = "DELETE FROM downstream",
	[ST_ROW_PUT] = "INSERT INTO downstream (site_id, person_hours, version) "
		       "SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?1)",
	[ST_STATE_PUT] = "INSERT INTO downstream_state (id, version) VALUES (1, ?1) "
			 "ON CONFLICT (id) DO UPDATE SET version = excluded.version",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_DOWNSTREAM, ST_COUNT, stmt_sql};

static enum pt_err link_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_cascade_link *l = row;
	enum pt_err err;
	(void)ctx;
	if ((err = pt_db_col_text(st, 0, l->provider_id, sizeof l->provider_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, l->consumer_id, sizeof l->consumer_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 4, l->group, sizeof l->group, d)) != PT_OK)
		return err;
	l->autonomy_hours = sqlite3_column_double(st, 2);
	l->service_loss = sqlite3_column_double(st, 3);
	return PT_OK;
}

enum pt_err pt_db_cascade_links_load(struct pt_db *db, struct pt_cascade_link **links, size_t *n,
				     struct pt_diag *d)
{
	struct pt_db_rows rows;
	sqlite3_stmt *st;
	enum pt_err err;

	*links = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_LINKS_ALL, &st, d)) != PT_OK)
		return err;
	memset(&rows, 0, sizeof rows);
	rows.elem_size = sizeof **links;
	rows.max = (size_t)PT_CASCADE_LINKS_MAX;
	rows.too_many = "too many dependencies";
	rows.fill = link_row;
	err = pt_db_rows_read(db, st, &rows, "reading the dependencies", d);
	*links = rows.items;
	*n = rows.n;
	return err;
}

static enum pt_err downstream_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_downstream_row *r = row;
	(void)ctx;
	r->person_hours = sqlite3_column_double(st, 1);
	return pt_db_col_text(st, 0, r->site_id, sizeof r->site_id, d);
}

enum pt_err pt_db_downstream_load(struct pt_db *db, unsigned long long *version,
				  struct pt_downstream_row **rows, size_t *n, struct pt_diag *d)
{
	struct pt_db_rows out;
	sqlite3_stmt *st;
	long long v = 0;
	enum pt_err err;

	*rows = NULL;
	*n = 0;
	*version = 0;
	if ((err = pt_db_query_int(db, &stmts, ST_STATE_GET, NULL, &v, d)) != PT_OK)
		return err;
	if (v <= 0)
		return PT_OK;
	if ((err = pt_db_prepare(db, &stmts, ST_ROWS_ALL, &st, d)) != PT_OK)
		return err;
	memset(&out, 0, sizeof out);
	out.elem_size = sizeof **rows;
	out.max = (size_t)PT_DOWNSTREAM_ROWS_MAX;
	out.too_many = "too many downstream rows";
	out.fill = downstream_row;
	if ((err = pt_db_rows_read(db, st, &out, "reading the downstream cache", d)) != PT_OK)
		return err;
	*rows = out.items;
	*n = out.n;
	*version = (unsigned long long)v;
	return PT_OK;
}

enum pt_err pt_db_downstream_save(struct pt_db *db, unsigned long long version,
				  const struct pt_downstream_row *rows, size_t n, int *saved,
				  struct pt_diag *d)
{
	unsigned long long now = 0;
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc;

	*saved = 0;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_data_version(db, &now, d)) != PT_OK || now != version)
		goto out; /* moved on meanwhile: what was computed is stale already */
	if ((err = pt_db_exec(db, &stmts, ST_ROWS_CLEAR, d)) != PT_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if ((err = pt_db_prepare(db, &stmts, ST_ROW_PUT, &st, d)) != PT_OK)
			goto out;
		rc = pt_db_bind_field(st, 1, rows[i].site_id, sizeof rows[i].site_id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 2, rows[i].person_hours);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 3, (sqlite3_int64)version);
		if ((err = pt_db_step_done(db, st, rc, "storing the downstream cache", d)) != PT_OK)
			goto out;
	}
	if ((err = pt_db_prepare(db, &stmts, ST_STATE_PUT, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)version);
	if ((err = pt_db_step_done(db, st, rc, "storing the downstream cache", d)) != PT_OK)
		goto out;
	*saved = 1;
out:
	return pt_db_end(db, err, d);
}
