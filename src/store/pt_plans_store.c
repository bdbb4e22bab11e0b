/* pt_plans_store.c - saved plans and their funded sites in SQLite:
 * statements, rows in and out, nothing else. */
#include "pt_plans_store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "pt_store_int.h"

#define PLANS_MAX 100000          /* saved plans one list may hold */
#define PLAN_LINES_MAX 10000000   /* funded sites of one plan */

#define PLAN_COLUMNS                                                                        \
	"name, created_at, created_by, solver, region, threat_level, budget_eur, cost_eur, " \
	"risk_reduction_eur, gap, sites_funded, measures"
/* The plan's state (migration 013): plan_states joined to plans as s */
#define PLAN_STATE_COLUMNS                                                          \
	"coalesce(s.state, 'proposed'), coalesce(s.scope_org, ''), "                  \
	"coalesce(s.withdrawn_at, ''), coalesce(s.withdrawn_by, '')"
#define PLAN_FROM " FROM plans LEFT JOIN plan_states s ON s.plan = plans.name"

/* The statement table of this file. */
enum plans_stmt {
	ST_PLAN_EXISTS,
	ST_PLAN_ADD,
	ST_PLAN_LINE_ADD,
	ST_PLAN_LINES,
	ST_PLANS_ALL,
	ST_PLAN_GET,
	ST_PLAN_WITHDRAW,
	ST_PLAN_STATE_ADD,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_PLAN_EXISTS] = "SELECT 1 FROM plans WHERE name = ?1",
	[ST_PLAN_ADD] = "INSERT INTO plans (" PLAN_COLUMNS ", json, seq) VALUES (?1, ?2, ?3, ?4, "
			"?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
			"(SELECT coalesce(max(seq), 0) + 1 FROM plans))",
	[ST_PLAN_LINE_ADD] = "INSERT INTO plan_site_lines (plan, ord, site_id, cost_eur, "
			     "risk_reduction_eur, measures) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_PLAN_LINES] = "SELECT site_id, cost_eur, risk_reduction_eur, measures "
			  "FROM plan_site_lines WHERE plan = ?1 ORDER BY ord",
	[ST_PLANS_ALL] = "SELECT " PLAN_COLUMNS ", " PLAN_STATE_COLUMNS PLAN_FROM " ORDER BY seq DESC",
	[ST_PLAN_GET] = "SELECT " PLAN_COLUMNS ", " PLAN_STATE_COLUMNS ", json" PLAN_FROM
			" WHERE name = ?1",
	[ST_PLAN_WITHDRAW] = "INSERT INTO plan_states (plan, state, withdrawn_at, withdrawn_by) "
			     "VALUES (?1, 'withdrawn', ?2, ?3) ON CONFLICT (plan) DO UPDATE SET "
			     "state = 'withdrawn', withdrawn_at = excluded.withdrawn_at, "
			     "withdrawn_by = excluded.withdrawn_by WHERE state <> 'withdrawn'",
	[ST_PLAN_STATE_ADD] = "INSERT INTO plan_states (plan, state, scope_org) VALUES (?1, ?2, ?3)",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_PLANS, ST_COUNT, stmt_sql};

int pt_db_plan_exists(struct pt_db *db, const char *name, struct pt_diag *d)
{
	return pt_db_row_exists(db, &stmts, ST_PLAN_EXISTS, name, NULL, d);
}

enum pt_err pt_db_plan_add(struct pt_db *db, const struct pt_saved_plan *p, const char *json,
			   const struct pt_plan_site_line *lines, size_t n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_PLAN_ADD, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, p->name);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, p->created_at);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 3, p->created_by);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 4, p->solver);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 5, p->region);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 6, p->threat_level);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 7, p->budget_eur);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 8, p->cost_eur);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 9, p->risk_reduction_eur);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 10, isfinite(p->gap) ? p->gap : 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 11, (sqlite3_int64)p->sites_funded);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 12, (sqlite3_int64)p->measures);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 13, json);
	if ((err = pt_db_step_done(db, st, rc, "saving the plan", d)) != PT_OK)
		return err;
	{
		const char *params[] = {p->name, p->state[0] ? p->state : "proposed", p->scope_org};
		if ((err = pt_db_run_texts(db, &stmts, ST_PLAN_STATE_ADD, params, 3,
					   "saving the plan's state", d)) != PT_OK)
			return err;
	}
	for (i = 0; i < n; i++) {
		if ((err = pt_db_prepare(db, &stmts, ST_PLAN_LINE_ADD, &st, d)) != PT_OK)
			return err;
		rc = pt_db_bind_text(st, 1, p->name);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)(i + 1));
		if (rc == SQLITE_OK)
			rc = pt_db_bind_text(st, 3, lines[i].site_id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 4, lines[i].cost_eur);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 5, lines[i].risk_reduction_eur);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 6, (sqlite3_int64)lines[i].measures);
		if ((err = pt_db_step_done(db, st, rc, "saving the plan's sites", d)) != PT_OK)
			return err;
	}
	return PT_OK;
}

/* A plan_site_lines row into row (a struct pt_plan_site_line). */
static enum pt_err line_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_plan_site_line *l = row;
	enum pt_err err;
	(void)ctx;
	if ((err = pt_db_col_text(st, 0, l->site_id, sizeof l->site_id, d)) != PT_OK)
		return err;
	l->cost_eur = sqlite3_column_double(st, 1);
	l->risk_reduction_eur = sqlite3_column_double(st, 2);
	l->measures = sqlite3_column_int64(st, 3);
	return PT_OK;
}

enum pt_err pt_db_plan_site_lines(struct pt_db *db, const char *name,
				  struct pt_plan_site_line **lines, size_t *n, struct pt_diag *d)
{
	struct pt_db_rows list = {.elem_size = sizeof **lines,
				  .max = PLAN_LINES_MAX,
				  .too_many = "too many sites in a saved plan",
				  .fill = line_row};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc, found;
	*lines = NULL;
	*n = 0;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((found = pt_db_plan_exists(db, name, d)) <= 0) {
		err = found < 0 ? PT_EDB
				: pt_diag_set(d, PT_ENOTFOUND, 0, "name", "no saved plan named %s", name);
		goto out;
	}
	if ((err = pt_db_prepare(db, &stmts, ST_PLAN_LINES, &st, d)) != PT_OK)
		goto out;
	if ((rc = pt_db_bind_text(st, 1, name)) != SQLITE_OK) {
		sqlite3_reset(st);
		err = pt_db_fail(db, rc, d, "reading a saved plan's sites");
		goto out;
	}
	err = pt_db_rows_read(db, st, &list, "reading a saved plan's sites", d);
out:
	err = pt_db_end(db, err, d);
	if (err != PT_OK) {
		free(list.items);
		return err;
	}
	*lines = list.items;
	*n = list.n;
	return PT_OK;
}

/* A row of PLAN_COLUMNS into row (a struct pt_saved_plan). */
static enum pt_err plan_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_saved_plan *p = row;
	enum pt_err err;
	(void)ctx;
	memset(p, 0, sizeof *p);
	if ((err = pt_db_col_text(st, 0, p->name, sizeof p->name, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, p->created_at, sizeof p->created_at, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, p->created_by, sizeof p->created_by, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 3, p->solver, sizeof p->solver, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 4, p->region, sizeof p->region, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 5, p->threat_level, sizeof p->threat_level, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 12, p->state, sizeof p->state, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 13, p->scope_org, sizeof p->scope_org, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 14, p->withdrawn_at, sizeof p->withdrawn_at, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 15, p->withdrawn_by, sizeof p->withdrawn_by, d)) != PT_OK)
		return err;
	p->budget_eur = sqlite3_column_double(st, 6);
	p->cost_eur = sqlite3_column_double(st, 7);
	p->risk_reduction_eur = sqlite3_column_double(st, 8);
	p->gap = sqlite3_column_double(st, 9);
	p->sites_funded = sqlite3_column_int64(st, 10);
	p->measures = sqlite3_column_int64(st, 11);
	return PT_OK;
}

enum pt_err pt_db_plans_list(struct pt_db *db, struct pt_saved_plan **plans, size_t *n,
			     struct pt_diag *d)
{
	struct pt_db_rows list = {.elem_size = sizeof **plans,
				  .max = PLANS_MAX,
				  .too_many = "too many saved plans",
				  .fill = plan_row};
	sqlite3_stmt *st;
	enum pt_err err;
	*plans = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_PLANS_ALL, &st, d)) != PT_OK ||
	    (err = pt_db_rows_read(db, st, &list, "reading the saved plans", d)) != PT_OK)
		return err;
	*plans = list.items;
	*n = list.n;
	return PT_OK;
}

/* A plan row with its JSON (column 16) into row; ctx is where the JSON goes (NULL: not wanted). */
static enum pt_err plan_json_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	char **json = ctx;
	const unsigned char *t;
	size_t len;
	enum pt_err err;
	if ((err = plan_row(st, row, NULL, d)) != PT_OK || !json)
		return err;
	t = sqlite3_column_text(st, 16);
	len = t ? (size_t)sqlite3_column_bytes(st, 16) : 0;
	*json = malloc(len + 1);
	if (!*json)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if (len)
		memcpy(*json, t, len);
	(*json)[len] = '\0';
	return PT_OK;
}

enum pt_err pt_db_plan_get(struct pt_db *db, const char *name, struct pt_saved_plan *out,
			   char **json, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (json)
		*json = NULL;
	if ((err = pt_db_prepare(db, &stmts, ST_PLAN_GET, &st, d)) != PT_OK)
		return err;
	if ((rc = pt_db_bind_text(st, 1, name)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a saved plan");
	}
	err = pt_db_row_one(db, st, plan_json_row, out, json, "reading a saved plan", d);
	if (err == PT_ENOTFOUND)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "name", "no plan named %s", name ? name : "");
	return err;
}

enum pt_err pt_db_plan_withdraw(struct pt_db *db, const char *name, const char *now,
				const char *actor, int *changed, struct pt_diag *d)
{
	const char *params[] = {name, now, actor};
	enum pt_err err;
	*changed = 0;
	if ((err = pt_db_run_texts(db, &stmts, ST_PLAN_WITHDRAW, params, 3, "withdrawing a plan",
				   d)) != PT_OK)
		return err;
	*changed = pt_db_changes(db) > 0;
	return PT_OK;
}
