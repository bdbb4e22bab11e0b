/* pt_cer_store.c - critical entities and their sites (migration 028, issue 16 item 8):
 * statements, rows out, one write transaction per change. */
#include "pt_cer_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pt_audit.h"
#include "pt_db.h"
#include "pt_store_int.h"

enum cer_stmt {
	ST_ENTITIES,
	ST_LINKS,
	ST_PUT,
	ST_LINKS_CLEAR,
	ST_LINK_ADD,
	ST_DELETE,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_ENTITIES] = "SELECT c.org_id, o.name, c.designated_on, c.notified_on, "
			"c.risk_assessment_on, c.resilience_plan_on, c.changed_at, c.changed_by "
			"FROM cer_entities c JOIN organisations o ON o.id = c.org_id "
			"ORDER BY o.name, c.org_id",
	[ST_LINKS] = "SELECT org_id, site_id FROM cer_entity_sites ORDER BY org_id, site_id",
	[ST_PUT] = "INSERT INTO cer_entities (org_id, designated_on, notified_on, "
		   "risk_assessment_on, resilience_plan_on, changed_at, changed_by) "
		   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (org_id) DO UPDATE SET "
		   "designated_on = excluded.designated_on, notified_on = excluded.notified_on, "
		   "risk_assessment_on = excluded.risk_assessment_on, "
		   "resilience_plan_on = excluded.resilience_plan_on, "
		   "changed_at = excluded.changed_at, changed_by = excluded.changed_by",
	[ST_LINKS_CLEAR] = "DELETE FROM cer_entity_sites WHERE org_id = ?1",
	[ST_LINK_ADD] = "INSERT INTO cer_entity_sites (org_id, site_id) VALUES (?1, ?2)",
	[ST_DELETE] = "DELETE FROM cer_entities WHERE org_id = ?1",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_CER, ST_COUNT, stmt_sql};

static enum pt_err entity_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_cer_entity_row *e = row;
	enum pt_err err;
	(void)ctx;
	e->org_id = sqlite3_column_int64(st, 0);
	e->changed_at = sqlite3_column_int64(st, 6);
	if ((err = pt_db_col_text(st, 1, e->org_name, sizeof e->org_name, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, e->dates.designated_on, sizeof e->dates.designated_on,
				  d)) != PT_OK ||
	    (err = pt_db_col_text(st, 3, e->dates.notified_on, sizeof e->dates.notified_on, d)) !=
		    PT_OK ||
	    (err = pt_db_col_text(st, 4, e->dates.risk_assessment_on,
				  sizeof e->dates.risk_assessment_on, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 5, e->dates.resilience_plan_on,
				  sizeof e->dates.resilience_plan_on, d)) != PT_OK)
		return err;
	pt_db_col_copy(st, 7, e->changed_by, sizeof e->changed_by);
	return PT_OK;
}

static enum pt_err link_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_cer_link_row *l = row;
	(void)ctx;
	l->org_id = sqlite3_column_int64(st, 0);
	return pt_db_col_text(st, 1, l->site_id, sizeof l->site_id, d);
}

/* Read statement id with fill into a new array of elem_size-byte rows. */
static enum pt_err read_all(struct pt_db *db, int id, pt_db_fill_fn *fill, size_t elem_size,
			    size_t max, const char *what, void **items, size_t *n,
			    struct pt_diag *d)
{
	struct pt_db_rows rows;
	sqlite3_stmt *st;
	enum pt_err err;
	if ((err = pt_db_prepare(db, &stmts, id, &st, d)) != PT_OK)
		return err;
	memset(&rows, 0, sizeof rows);
	rows.elem_size = elem_size;
	rows.max = max;
	rows.too_many = "too many critical-entity rows";
	rows.fill = fill;
	err = pt_db_rows_read(db, st, &rows, what, d);
	*items = rows.items;
	*n = rows.n;
	return err;
}

enum pt_err pt_db_cer_load(struct pt_db *db, struct pt_cer_entity_row **rows, size_t *n,
			   struct pt_cer_link_row **links, size_t *n_links, struct pt_diag *d)
{
	void *a = NULL, *b = NULL;
	enum pt_err err;
	*rows = NULL;
	*links = NULL;
	*n = *n_links = 0;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	err = read_all(db, ST_ENTITIES, entity_row, sizeof **rows, PT_CER_ENTITIES_MAX,
		       "reading the critical entities", &a, n, d);
	if (err == PT_OK)
		err = read_all(db, ST_LINKS, link_row, sizeof **links,
			       (size_t)PT_CER_ENTITIES_MAX * 10, "reading the critical entities' sites",
			       &b, n_links, d);
	err = pt_db_end(db, err, d);
	if (err != PT_OK) {
		free(a);
		free(b);
		*n = *n_links = 0;
		return err;
	}
	*rows = a;
	*links = b;
	return PT_OK;
}

enum pt_err pt_db_cer_put(struct pt_db *db, long long org_id, const struct pt_cer_dates *dates,
			  const char (*sites)[PT_ID_MAX], size_t n_sites, const char *action,
			  const char *detail, struct pt_diag *d)
{
	const char **cover = NULL;
	long long user_id, actor_org;
	const char *actor = "";
	int64_t now = 0;
	char rid[32];
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc;

	pt_db_actor(db, &user_id, &actor_org, &actor, &now);
	if (now <= 0)
		now = (int64_t)time(NULL);
	if (sites && n_sites && !(cover = calloc(n_sites, sizeof *cover)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_begin(db, d)) != PT_OK) {
		free(cover);
		return err;
	}
	if ((err = pt_db_prepare(db, &stmts, ST_PUT, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, org_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 2, dates->designated_on, sizeof dates->designated_on);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 3, dates->notified_on, sizeof dates->notified_on);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 4, dates->risk_assessment_on,
				      sizeof dates->risk_assessment_on);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 5, dates->resilience_plan_on,
				      sizeof dates->resilience_plan_on);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, now);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 7, actor);
	if ((err = pt_db_step_done(db, st, rc, "keeping a critical entity", d)) != PT_OK) {
		if (err == PT_EDB && strstr(d->msg, "FOREIGN KEY"))
			err = pt_diag_set(d, PT_EINVAL, 0, "organisation", "no organisation %lld",
					  org_id);
		goto out;
	}
	if (sites) {
		if ((err = pt_db_prepare(db, &stmts, ST_LINKS_CLEAR, &st, d)) != PT_OK)
			goto out;
		rc = sqlite3_bind_int64(st, 1, org_id);
		if ((err = pt_db_step_done(db, st, rc, "unlinking sites", d)) != PT_OK)
			goto out;
		for (i = 0; i < n_sites; i++) {
			if ((err = pt_db_prepare(db, &stmts, ST_LINK_ADD, &st, d)) != PT_OK)
				goto out;
			rc = sqlite3_bind_int64(st, 1, org_id);
			if (rc == SQLITE_OK)
				rc = pt_db_bind_field(st, 2, sites[i], PT_ID_MAX);
			if ((err = pt_db_step_done(db, st, rc, "linking a site", d)) != PT_OK) {
				if (strstr(d->msg, "FOREIGN KEY"))
					err = pt_diag_set(d, PT_EINVAL, 0, "sites", "no site %s",
							  sites[i]);
				else if (strstr(d->msg, "UNIQUE"))
					err = pt_diag_set(d, PT_EINVAL, 0, "sites",
							  "site %s is named twice", sites[i]);
				goto out;
			}
			cover[i] = sites[i];
		}
	}
	snprintf(rid, sizeof rid, "%lld", org_id);
	err = pt_audit_append_records(db, action, "organisations", rid, detail, "sites", cover,
				      sites ? n_sites : 0, d);
out:
	free(cover);
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_cer_delete(struct pt_db *db, long long org_id, const char *detail,
			     struct pt_diag *d)
{
	char rid[32];
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(db, &stmts, ST_DELETE, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, org_id);
	if ((err = pt_db_step_done(db, st, rc, "revoking a critical entity", d)) != PT_OK)
		goto out;
	if (pt_db_changes(db) < 1) {
		err = PT_ENOTFOUND;
		goto out;
	}
	snprintf(rid, sizeof rid, "%lld", org_id);
	err = pt_audit_append(db, "cer.revoke", "organisations", rid, detail, d);
out:
	return pt_db_end(db, err, d);
}
