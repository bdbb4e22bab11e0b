/* pt_downstream_store.c - the dependency network as the cascade reads it
 * (issue 12): statements, rows out, nothing else. */
#include "pt_downstream_store.h"

#include <stdint.h>
#include <string.h>

#include "pt_store_int.h"

enum downstream_stmt { ST_LINKS_ALL, ST_COUNT };

static const char *const stmt_sql[ST_COUNT] = {
	[ST_LINKS_ALL] = "SELECT provider_id, consumer_id, autonomy_hours, service_loss, "
			 "COALESCE(group_name, '') FROM dependencies "
			 "ORDER BY consumer_id, group_name, provider_id",
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
