/* pt_exercise_report_store.c - improvement items linked to measures and
 * register risks (issue 15, migration 025) and their HSEEP details
 * (migration 027), a run's first event of a kind, the text each inject was
 * delivered with and its clock history:
 * statements, rows in and out. */
#include "pt_exercise_report_store.h"

#include <stdlib.h>
#include <string.h>

#include "pt_store_int.h"

#define LINK_COLUMNS "run_id, item_id, kind, site_id, measure_id, threat_id, user_id, user_name, at "

enum link_stmt {
	ST_LINK_ADD,
	ST_LINKS_RUN,
	ST_LINKS_SITE,
	ST_EVENT_FIRST,
	ST_STATUS_ADD,
	ST_STATUSES,
	ST_PLAN_ADD,
	ST_PLANS,
	ST_MARKS,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_LINK_ADD] = "INSERT INTO exercise_improvement_links (" LINK_COLUMNS
			") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_LINKS_RUN] = "SELECT " LINK_COLUMNS "FROM exercise_improvement_links WHERE run_id = ?1 "
			 "ORDER BY item_id, kind",
	[ST_LINKS_SITE] = "SELECT " LINK_COLUMNS "FROM exercise_improvement_links WHERE site_id = ?1 "
			  "AND kind = 'measure' ORDER BY measure_id, run_id, item_id",
	[ST_EVENT_FIRST] = "SELECT at_ms, text FROM exercise_run_events WHERE run_id = ?1 AND "
			   "kind = ?2 ORDER BY id LIMIT 1",
	[ST_STATUS_ADD] = "INSERT INTO exercise_improvement_status (run_id, item_id, status, user_id, "
			  "user_name, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_STATUSES] = "SELECT run_id, item_id, status, user_id, user_name, at FROM "
			"exercise_improvement_status WHERE id IN (SELECT max(id) FROM "
			"exercise_improvement_status WHERE run_id = ?1 GROUP BY item_id) ORDER BY item_id",
	[ST_PLAN_ADD] = "INSERT INTO exercise_improvement_plan (item_id, run_id, afi, objective, "
			"target, analysis, poc, start) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_PLANS] = "SELECT item_id, run_id, afi, objective, target, analysis, poc, start FROM "
		     "exercise_improvement_plan WHERE run_id = ?1 ORDER BY item_id",
	[ST_MARKS] = "SELECT e.kind, e.t_min, e.at_ms, e.value, e.text, coalesce(a.composer, ''), "
		     "coalesce(a.site_id, ''), coalesce(a.state, '') FROM exercise_run_events e "
		     "LEFT JOIN alerts a ON e.kind = 'alert' AND json_valid(e.detail) AND "
		     "a.identifier = json_extract(e.detail, '$.identifier') WHERE e.run_id = ?1 AND "
		     "e.kind IN ('start', 'pause', 'resume', 'speed', 'shift', 'suspend', 'endex', "
		     "'alert') "
		     "ORDER BY e.id",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_EXERCISE_LINKS, ST_COUNT, stmt_sql};

enum pt_err pt_db_improvement_link_add(struct pt_db *db, const struct pt_db_improvement_link *l,
				       struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc, x;
	if ((err = pt_db_prepare(db, &stmts, ST_LINK_ADD, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, l->run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, l->item_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 3, l->kind, sizeof l->kind);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 4, l->site_id, sizeof l->site_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 5, l->measure_id, sizeof l->measure_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 6, l->threat_id, sizeof l->threat_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 7, l->user_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 8, l->user_name, sizeof l->user_name);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 9, l->at);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		x = sqlite3_extended_errcode(pt_db_sqlite(db));
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return PT_OK;
		if ((rc & 0xff) == SQLITE_CONSTRAINT && x == SQLITE_CONSTRAINT_PRIMARYKEY)
			return pt_diag_set(d, PT_ECONFLICT, 0, "item",
					   "improvement item %lld is linked to a %s already",
					   l->item_id,
					   strcmp(l->kind, "measure") == 0 ? "measure"
									   : "register risk");
		return pt_db_fail(db, rc, d, "storing an improvement link");
	}
	sqlite3_reset(st);
	return pt_db_fail(db, rc, d, "storing an improvement link");
}

static enum pt_err link_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_improvement_link *l = row;
	enum pt_err err;
	(void)ctx;
	memset(l, 0, sizeof *l);
	l->run_id = sqlite3_column_int64(st, 0);
	l->item_id = sqlite3_column_int64(st, 1);
	l->user_id = sqlite3_column_int64(st, 6);
	l->at = sqlite3_column_int64(st, 8);
	if ((err = pt_db_col_text(st, 2, l->kind, sizeof l->kind, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 3, l->site_id, sizeof l->site_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 4, l->measure_id, sizeof l->measure_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 5, l->threat_id, sizeof l->threat_id, d)) != PT_OK)
		return err;
	return pt_db_col_text(st, 7, l->user_name, sizeof l->user_name, d);
}

/* The rows of statement id for run_id (site_id NULL) or site_id through fill (elem_size each),
 * at most PT_DB_LINKS_MAX; *out: free(). */
static enum pt_err rows_of(struct pt_db *db, int id, long long run_id, const char *site_id,
			   size_t elem_size, pt_db_fill_fn *fill, const char *what, void **out,
			   size_t *n, struct pt_diag *d)
{
	struct pt_db_rows rows;
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, id, &st, d)) != PT_OK)
		return err;
	rc = site_id ? pt_db_bind_text(st, 1, site_id) : sqlite3_bind_int64(st, 1, run_id);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, what);
	}
	memset(&rows, 0, sizeof rows);
	rows.elem_size = elem_size;
	rows.max = PT_DB_LINKS_MAX;
	rows.too_many = "too many rows for one exercise run";
	rows.fill = fill;
	if ((err = pt_db_rows_read(db, st, &rows, what, d)) != PT_OK)
		return err;
	*out = rows.items;
	*n = rows.n;
	return PT_OK;
}

enum pt_err pt_db_improvement_links_of_run(struct pt_db *db, long long run_id,
					   struct pt_db_improvement_link **out, size_t *n,
					   struct pt_diag *d)
{
	return rows_of(db, ST_LINKS_RUN, run_id, NULL, sizeof **out, link_row,
		       "reading improvement links", (void **)out, n, d);
}

enum pt_err pt_db_improvement_links_of_site(struct pt_db *db, const char *site_id,
					    struct pt_db_improvement_link **out, size_t *n,
					    struct pt_diag *d)
{
	return rows_of(db, ST_LINKS_SITE, 0, site_id, sizeof **out, link_row,
		       "reading improvement links", (void **)out, n, d);
}

enum pt_err pt_db_run_event_first(struct pt_db *db, long long run_id, const char *kind,
				  int64_t *at_ms, char **text, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*at_ms = 0;
	*text = NULL;
	if ((err = pt_db_prepare(db, &stmts, ST_EVENT_FIRST, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, run_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, kind);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 1);
		*at_ms = sqlite3_column_int64(st, 0);
		*text = strdup(t ? (const char *)t : "");
		pt_utf8_repair(*text);
		sqlite3_reset(st);
		return *text ? PT_OK : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return PT_ENOTFOUND;
	return pt_db_fail(db, rc, d, "reading a run's events");
}

enum pt_err pt_db_improvement_status_add(struct pt_db *db, const struct pt_db_improvement_status *x,
					 struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_STATUS_ADD, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, x->run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, x->item_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 3, x->status, sizeof x->status);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, x->user_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 5, x->user_name, sizeof x->user_name);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, x->at);
	return pt_db_step_done(db, st, rc, "storing an improvement item's status", d);
}

static enum pt_err status_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_improvement_status *x = row;
	enum pt_err err;
	(void)ctx;
	memset(x, 0, sizeof *x);
	x->run_id = sqlite3_column_int64(st, 0);
	x->item_id = sqlite3_column_int64(st, 1);
	x->user_id = sqlite3_column_int64(st, 3);
	x->at = sqlite3_column_int64(st, 5);
	if ((err = pt_db_col_text(st, 2, x->status, sizeof x->status, d)) != PT_OK)
		return err;
	return pt_db_col_text(st, 4, x->user_name, sizeof x->user_name, d);
}

enum pt_err pt_db_improvement_statuses(struct pt_db *db, long long run_id,
				       struct pt_db_improvement_status **out, size_t *n,
				       struct pt_diag *d)
{
	return rows_of(db, ST_STATUSES, run_id, NULL, sizeof **out, status_row,
		       "reading improvement statuses", (void **)out, n, d);
}

enum pt_err pt_db_improvement_plan_add(struct pt_db *db, const struct pt_db_improvement_plan *x,
				       struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_PLAN_ADD, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, x->item_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, x->run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, x->afi);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 4, x->objective, sizeof x->objective);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 5, x->target, sizeof x->target);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 6, x->analysis, sizeof x->analysis);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 7, x->poc, sizeof x->poc);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 8, x->start, sizeof x->start);
	return pt_db_step_done(db, st, rc, "storing an improvement item's plan", d);
}

static enum pt_err plan_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_improvement_plan *x = row;
	enum pt_err err;
	(void)ctx;
	memset(x, 0, sizeof *x);
	x->item_id = sqlite3_column_int64(st, 0);
	x->run_id = sqlite3_column_int64(st, 1);
	x->afi = sqlite3_column_int64(st, 2);
	if ((err = pt_db_col_text(st, 3, x->objective, sizeof x->objective, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 4, x->target, sizeof x->target, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 5, x->analysis, sizeof x->analysis, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 6, x->poc, sizeof x->poc, d)) != PT_OK)
		return err;
	return pt_db_col_text(st, 7, x->start, sizeof x->start, d);
}

/* The marks read so far (the row reader keeps none: each owns its text). */
struct mark_list {
	struct pt_db_run_mark *items;
	size_t n, cap;
};

static enum pt_err mark_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct mark_list *l = ctx;
	struct pt_db_run_mark *x;
	const unsigned char *s;
	enum pt_err err;
	int len;
	(void)row;
	if ((err = pt_db_grow((void **)&l->items, &l->cap, l->n, sizeof *l->items, PT_DB_LINKS_MAX,
			      "too many rows for one exercise run", d)) != PT_OK)
		return err;
	x = &l->items[l->n];
	memset(x, 0, sizeof *x);
	x->t_min = sqlite3_column_double(st, 1);
	x->at_ms = sqlite3_column_int64(st, 2);
	x->value = sqlite3_column_double(st, 3);
	if ((err = pt_db_col_text(st, 0, x->kind, sizeof x->kind, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 5, x->composer, sizeof x->composer, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 6, x->site_id, sizeof x->site_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 7, x->state, sizeof x->state, d)) != PT_OK)
		return err;
	s = sqlite3_column_text(st, 4);
	len = sqlite3_column_bytes(st, 4);
	if (len < 0)
		len = 0;
	if (!(x->text = malloc((size_t)len + 1)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if (s && len)
		memcpy(x->text, s, (size_t)len);
	x->text[len] = '\0';
	l->n++;
	return PT_OK;
}

void pt_db_run_marks_free(struct pt_db_run_mark *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++)
		free(m[i].text);
	free(m);
}

enum pt_err pt_db_improvement_plans(struct pt_db *db, long long run_id,
				    struct pt_db_improvement_plan **out, size_t *n,
				    struct pt_diag *d)
{
	return rows_of(db, ST_PLANS, run_id, NULL, sizeof **out, plan_row,
		       "reading a run's improvement plan", (void **)out, n, d);
}

enum pt_err pt_db_run_marks(struct pt_db *db, long long run_id, struct pt_db_run_mark **out,
			    size_t *n, struct pt_diag *d)
{
	struct pt_db_rows rows;
	struct mark_list l;
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_MARKS, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, run_id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a run's clock history");
	}
	memset(&rows, 0, sizeof rows);
	memset(&l, 0, sizeof l);
	rows.max = PT_DB_LINKS_MAX;
	rows.too_many = "too many rows for one exercise run";
	rows.fill = mark_row;
	rows.ctx = &l;
	if ((err = pt_db_rows_read(db, st, &rows, "reading a run's clock history", d)) != PT_OK) {
		pt_db_run_marks_free(l.items, l.n);
		return err;
	}
	if (!l.n)
		free(l.items);
	else {
		*out = l.items;
		*n = l.n;
	}
	return PT_OK;
}
