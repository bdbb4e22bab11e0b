/* pt_deps_store.c - the dependencies between sites in SQLite (issue 12):
 * statements, rows in and out, nothing else. */
#include "pt_deps_store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_audit.h"
#include "pt_store_int.h"

#define DEP_COLUMNS \
	"provider_id, consumer_id, type, autonomy_hours, service_loss, COALESCE(group_name, '')"

enum deps_stmt {
	ST_DEPS_ALL,
	ST_DEPS_OF_SITE,
	ST_DEPS_EXISTS,
	ST_DEPS_PUT,
	ST_SITE_EXISTS,
	ST_DEPS_GROUP_SET, /* review of issue 12: a group's hours and loss are its consumer's */
	ST_DEPS_DELETE,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_DEPS_ALL] = "SELECT " DEP_COLUMNS " FROM dependencies ORDER BY provider_id, consumer_id",
	[ST_DEPS_OF_SITE] = "SELECT " DEP_COLUMNS " FROM dependencies "
			    "WHERE provider_id = ?1 OR consumer_id = ?1 "
			    "ORDER BY provider_id, consumer_id",
	[ST_DEPS_EXISTS] = "SELECT 1 FROM dependencies WHERE provider_id = ?1 AND consumer_id = ?2",
	[ST_DEPS_PUT] =
		"INSERT INTO dependencies (provider_id, consumer_id, type, autonomy_hours, "
		"service_loss, group_name) VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, '')) "
		"ON CONFLICT (provider_id, consumer_id) DO UPDATE SET type = excluded.type, "
		"autonomy_hours = excluded.autonomy_hours, service_loss = excluded.service_loss, "
		"group_name = excluded.group_name",
	[ST_SITE_EXISTS] = "SELECT 1 FROM sites WHERE id = ?1",
	[ST_DEPS_GROUP_SET] = "UPDATE dependencies SET autonomy_hours = ?3, service_loss = ?4 "
			      "WHERE consumer_id = ?1 AND group_name = ?2 "
			      "AND (autonomy_hours <> ?3 OR service_loss <> ?4)",
	[ST_DEPS_DELETE] = "DELETE FROM dependencies WHERE provider_id = ?1 AND consumer_id = ?2",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_DEPS, ST_COUNT, stmt_sql};

/* Append a row (DEP_COLUMNS) to the list ctx. */
static enum pt_err dep_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_dependency dep;
	char type[32];
	enum pt_err err;
	(void)row;
	memset(&dep, 0, sizeof dep);
	if ((err = pt_db_col_text(st, 0, dep.provider_id, sizeof dep.provider_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, dep.consumer_id, sizeof dep.consumer_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, type, sizeof type, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 5, dep.group, sizeof dep.group, d)) != PT_OK)
		return err;
	if (pt_dep_type_parse(type, &dep.type) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "type", "dependency %s -> %s: stored type '%s' unknown",
				   dep.provider_id, dep.consumer_id, type);
	dep.autonomy_hours = sqlite3_column_double(st, 3);
	dep.service_loss = sqlite3_column_double(st, 4);
	if ((err = pt_dep_list_append(ctx, &dep, 0)) != PT_OK)
		return pt_diag_set(d, err, 0, "", "loading dependencies: %s", pt_strerror(err));
	return PT_OK;
}

static enum pt_err load(struct pt_db *db, int id, const char *site, struct pt_dep_list *out,
			struct pt_diag *d)
{
	struct pt_db_rows rows = {.max = SIZE_MAX, .fill = dep_row, .ctx = out};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc = SQLITE_OK;

	pt_dep_list_clear(out);
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(db, &stmts, id, &st, d)) != PT_OK)
		goto out;
	if (site)
		rc = pt_db_bind_text(st, 1, site);
	if (rc != SQLITE_OK) {
		err = pt_db_fail(db, rc, d, "reading dependencies");
		sqlite3_reset(st);
		goto out;
	}
	err = pt_db_rows_read(db, st, &rows, "reading dependencies", d);
out:
	if (err != PT_OK)
		pt_dep_list_clear(out);
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_deps_load(struct pt_db *db, struct pt_dep_list *out, struct pt_diag *d)
{
	return load(db, ST_DEPS_ALL, NULL, out, d);
}

enum pt_err pt_db_deps_of_site(struct pt_db *db, const char *site_id, struct pt_dep_list *out,
			       struct pt_diag *d)
{
	return load(db, ST_DEPS_OF_SITE, site_id ? site_id : "", out, d);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Set the hours and loss of every stored row of x's consumer and group to x's; *n += rows changed. */
static enum pt_err group_set(struct pt_db *db, const struct pt_dependency *x, long line, size_t *n,
			     struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!x->group[0])
		return PT_OK;
	if ((err = pt_db_prepare(db, &stmts, ST_DEPS_GROUP_SET, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, x->consumer_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, x->group);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 3, x->autonomy_hours);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 4, x->service_loss);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		err = pt_db_fail_at(db, rc, d, line, "setting the hours and loss of a group");
		sqlite3_reset(st);
		return err;
	}
	sqlite3_reset(st);
	*n += (size_t)pt_db_changes(db);
	return PT_OK;
}

enum pt_err pt_db_deps_import(struct pt_db *db, const struct pt_dep_list *deps, size_t *created,
			      size_t *updated, struct pt_diag *d)
{
	const char **ids = NULL;
	size_t i, n_ids = 0, made = 0, changed = 0, regrouped = 0;
	sqlite3_stmt *st;
	enum pt_err err;
	int rc, had;

	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	for (i = 0; i < deps->n; i++) {
		const struct pt_dependency *x = &deps->items[i];
		long line = deps->lines ? deps->lines[i] : 0;
		for (int k = 0; k < 2; k++) {
			const char *id = k ? x->consumer_id : x->provider_id;
			int there = pt_db_row_exists(db, &stmts, ST_SITE_EXISTS, id, NULL, d);
			if (there < 0) {
				err = PT_EDB;
				goto out;
			}
			if (!there) {
				err = pt_diag_set(d, PT_EINVAL, line, k ? "consumer_id" : "provider_id",
						  "unknown site id \"%s\" (import the sites first)", id);
				goto out;
			}
		}
		if ((had = pt_db_row_exists(db, &stmts, ST_DEPS_EXISTS, x->provider_id,
					    x->consumer_id, d)) < 0) {
			err = PT_EDB;
			goto out;
		}
		if ((err = pt_db_prepare(db, &stmts, ST_DEPS_PUT, &st, d)) != PT_OK)
			goto out;
		rc = pt_db_bind_text(st, 1, x->provider_id);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_text(st, 2, x->consumer_id);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_text(st, 3, pt_dep_type_name(x->type));
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 4, x->autonomy_hours);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 5, x->service_loss);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_text(st, 6, x->group);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc != SQLITE_DONE) {
			err = pt_db_fail_at(db, rc, d, line, "storing a dependency");
			sqlite3_reset(st);
			goto out;
		}
		sqlite3_reset(st);
		if (had)
			changed++;
		else
			made++;
	}
	/* then each group the file sets, over its stored rows too (the file's rows agree) */
	for (i = 0; i < deps->n; i++)
		if ((err = group_set(db, &deps->items[i], deps->lines ? deps->lines[i] : 0,
				     &regrouped, d)) != PT_OK)
			goto out;
	/* The entry covers the consumers written (each once). */
	if (!(ids = malloc((deps->n ? deps->n : 1) * sizeof *ids))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < deps->n; i++)
		ids[i] = deps->items[i].consumer_id;
	qsort(ids, deps->n, sizeof *ids, by_text);
	for (i = 0; i < deps->n; i++)
		if (!n_ids || strcmp(ids[n_ids - 1], ids[i]) != 0)
			ids[n_ids++] = ids[i];
	{
		char detail[160];
		int k = snprintf(detail, sizeof detail, "%zu dependencies (%zu created, %zu updated)",
				 deps->n, made, changed);
		if (regrouped && k > 0 && (size_t)k < sizeof detail)
			snprintf(detail + k, sizeof detail - (size_t)k,
				 "; %zu more of their groups set to the same hours and loss",
				 regrouped);
		err = pt_audit_append_records(db, "dependencies.import", "dependencies", "", detail,
					      "sites", ids, n_ids, d);
	}
out:
	free(ids);
	err = pt_db_end(db, err, d);
	if (err == PT_OK) {
		if (created)
			*created = made;
		if (updated)
			*updated = changed;
	}
	return err;
}

enum pt_err pt_db_deps_delete(struct pt_db *db, const char *provider_id, const char *consumer_id,
			      struct pt_diag *d)
{
	const char *ids[1] = {consumer_id};
	char detail[160];
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(db, &stmts, ST_DEPS_DELETE, &st, d)) != PT_OK)
		goto out;
	rc = pt_db_bind_text(st, 1, provider_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, consumer_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "deleting a dependency");
		goto out;
	}
	if (pt_db_changes(db) < 1) {
		err = PT_ENOTFOUND;
		goto out;
	}
	snprintf(detail, sizeof detail, "dependency %s -> %s", provider_id, consumer_id);
	err = pt_audit_append_records(db, "dependencies.delete", "dependencies", "", detail, "sites",
				      ids, 1, d);
out:
	return pt_db_end(db, err, d);
}
