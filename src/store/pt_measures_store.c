/* pt_measures_store.c - the measure catalogue and the measures at sites in
 * SQLite: statements, rows in and out, nothing else. */
#include "pt_measures_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "pt_plan_sql_int.h"

#define step_done pt_sql_step_done
#define col_text pt_sql_col_text
#define bind_text pt_sql_bind_text

/* The statements of this file (cached per connection by address). */
#define MEASURE_COLUMNS                                                                    \
	"id, name, family, capex_eur, opex_eur_year, lifetime_years, privacy, movement, "   \
	"discrimination, legal_basis, removes_step_free, kinds, sectors, exclusive_group, " \
	"description"
static const char SQL_MEASURE_PUT[] =
	"INSERT INTO measures (" MEASURE_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	"?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
	"family = excluded.family, capex_eur = excluded.capex_eur, "
	"opex_eur_year = excluded.opex_eur_year, lifetime_years = excluded.lifetime_years, "
	"privacy = excluded.privacy, movement = excluded.movement, "
	"discrimination = excluded.discrimination, legal_basis = excluded.legal_basis, "
	"removes_step_free = excluded.removes_step_free, kinds = excluded.kinds, "
	"sectors = excluded.sectors, exclusive_group = excluded.exclusive_group, "
	"description = excluded.description";
static const char SQL_MEASURES_ALL[] = "SELECT " MEASURE_COLUMNS " FROM measures ORDER BY id";
static const char SQL_MEASURE_EXISTS[] = "SELECT 1 FROM measures WHERE id = ?1";
static const char SQL_EFFECTS_CLEAR[] = "DELETE FROM measure_effects WHERE measure_id = ?1";
static const char SQL_EFFECT_PUT[] =
	"INSERT INTO measure_effects (measure_id, threat_id, v_reduction, c_reduction) "
	"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (measure_id, threat_id) DO UPDATE SET "
	"v_reduction = excluded.v_reduction, c_reduction = excluded.c_reduction";
static const char SQL_EFFECTS_ALL[] =
	"SELECT measure_id, threat_id, v_reduction, c_reduction FROM measure_effects "
	"ORDER BY measure_id, threat_id";
static const char SQL_SITE_MEASURE_EXISTING[] =
	"INSERT INTO site_measures (site_id, measure_id, status, plan, added_at, added_by) "
	"VALUES (?1, ?2, 'existing', '', ?3, ?4) ON CONFLICT (site_id, measure_id) DO UPDATE SET "
	"status = 'existing', plan = '', added_at = excluded.added_at, "
	"added_by = excluded.added_by WHERE status = 'committed'";
static const char SQL_SITE_MEASURE_COMMIT[] =
	"INSERT INTO site_measures (site_id, measure_id, status, plan, added_at, added_by) "
	"VALUES (?1, ?2, 'committed', ?3, ?4, ?5) ON CONFLICT (site_id, measure_id) DO NOTHING";
static const char SQL_SITE_MEASURES[] =
	"SELECT site_id, measure_id, status, plan, added_at, added_by FROM site_measures "
	"WHERE ?1 = '' OR site_id = ?1 ORDER BY site_id, measure_id";
static const char SQL_SITE_MEASURE_AT[] =
	"SELECT 1 FROM site_measures WHERE site_id = ?1 AND measure_id = ?2";
static enum pt_err measure_put(struct pt_db *db, const struct pt_measure *m, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_stmt(db, SQL_MEASURE_PUT, &st, d)) != PT_OK)
		return err;
	rc = bind_text(st, 1, m->id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, m->name);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 3, pt_measure_family_name(m->family));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 4, m->capex_eur);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 5, m->opex_eur_year);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 6, m->lifetime_years);
	for (int r = 0; r < PT_RIGHT_COUNT && rc == SQLITE_OK; r++)
		rc = sqlite3_bind_int(st, 7 + r, m->rights[r]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 10, m->legal_basis);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 11, m->removes_step_free);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 12, m->kinds);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 13, m->sectors);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 14, m->exclusive_group);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 15, m->description);
	return step_done(db, st, rc, "storing a measure", d);
}

static enum pt_err effect_put(struct pt_db *db, const struct pt_measure_effect *e,
			      struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_stmt(db, SQL_EFFECT_PUT, &st, d)) != PT_OK)
		return err;
	rc = bind_text(st, 1, e->measure_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, e->threat_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 3, e->v_reduction);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 4, e->c_reduction);
	return step_done(db, st, rc, "storing a measure effect", d);
}

enum pt_err pt_db_measures_put(struct pt_db *db, const struct pt_measure_catalog *cat,
			       struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc;
	for (i = 0; i < cat->n; i++) {
		if ((err = measure_put(db, &cat->items[i], d)) != PT_OK)
			return err;
		if ((err = pt_db_stmt(db, SQL_EFFECTS_CLEAR, &st, d)) != PT_OK)
			return err;
		rc = bind_text(st, 1, cat->items[i].id);
		if ((err = step_done(db, st, rc, "replacing measure effects", d)) != PT_OK)
			return err;
	}
	for (i = 0; i < cat->n_effects; i++)
		if ((err = effect_put(db, &cat->effects[i], d)) != PT_OK)
			return err;
	return PT_OK;
}

int pt_db_measure_exists(struct pt_db *db, const char *id, struct pt_diag *d)
{
	return pt_sql_exists(db, SQL_MEASURE_EXISTS, id, NULL, d);
}

enum pt_err pt_db_measures_load(struct pt_db *db, struct pt_measure_catalog *out,
				struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	char family[64];
	int rc;

	memset(out, 0, sizeof *out);
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_stmt(db, SQL_MEASURES_ALL, &st, d)) != PT_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pt_measure m;
		memset(&m, 0, sizeof m);
		if ((err = col_text(st, 0, m.id, sizeof m.id, d)) != PT_OK ||
		    (err = col_text(st, 1, m.name, sizeof m.name, d)) != PT_OK ||
		    (err = col_text(st, 2, family, sizeof family, d)) != PT_OK ||
		    (err = col_text(st, 11, m.kinds, sizeof m.kinds, d)) != PT_OK ||
		    (err = col_text(st, 12, m.sectors, sizeof m.sectors, d)) != PT_OK ||
		    (err = col_text(st, 13, m.exclusive_group, sizeof m.exclusive_group, d)) != PT_OK ||
		    (err = col_text(st, 14, m.description, sizeof m.description, d)) != PT_OK)
			break;
		if (pt_measure_family_parse(family, &m.family) != PT_OK) {
			err = pt_diag_set(d, PT_EDB, 0, "family", "measure %s: stored family '%s' unknown",
					  m.id, family);
			break;
		}
		m.capex_eur = sqlite3_column_double(st, 3);
		m.opex_eur_year = sqlite3_column_double(st, 4);
		m.lifetime_years = sqlite3_column_int(st, 5);
		for (int r = 0; r < PT_RIGHT_COUNT; r++)
			m.rights[r] = sqlite3_column_int(st, 6 + r);
		m.legal_basis = sqlite3_column_int(st, 9);
		m.removes_step_free = sqlite3_column_int(st, 10);
		if ((err = pt_measure_catalog_add(out, &m)) != PT_OK) {
			pt_diag_set(d, err, 0, "", "loading measure %s: %s", m.id, pt_strerror(err));
			break;
		}
	}
	sqlite3_reset(st);
	if (err == PT_OK && rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, "reading the measures");
	if (err != PT_OK || (err = pt_db_stmt(db, SQL_EFFECTS_ALL, &st, d)) != PT_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pt_measure_effect e;
		memset(&e, 0, sizeof e);
		if ((err = col_text(st, 0, e.measure_id, sizeof e.measure_id, d)) != PT_OK ||
		    (err = col_text(st, 1, e.threat_id, sizeof e.threat_id, d)) != PT_OK)
			break;
		e.v_reduction = sqlite3_column_double(st, 2);
		e.c_reduction = sqlite3_column_double(st, 3);
		if ((err = pt_measure_catalog_add_effect(out, &e)) != PT_OK) {
			pt_diag_set(d, err, 0, "", "loading effects: %s", pt_strerror(err));
			break;
		}
	}
	sqlite3_reset(st);
	if (err == PT_OK && rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, "reading the measure effects");
out:
	if (err != PT_OK)
		pt_measure_catalog_free(out);
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_site_measure_put(struct pt_db *db, const char *site_id, const char *measure_id,
				   const char *now, const char *actor, int *changed,
				   struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*changed = 0;
	if ((err = pt_db_stmt(db, SQL_SITE_MEASURE_EXISTING, &st, d)) != PT_OK)
		return err;
	rc = bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, measure_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 3, now);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 4, actor);
	if ((err = step_done(db, st, rc, "storing a site measure", d)) != PT_OK)
		return err;
	*changed = sqlite3_changes(pt_db_sqlite(db)) > 0;
	return PT_OK;
}

enum pt_err pt_db_site_measure_commit(struct pt_db *db, const char *site_id,
				      const char *measure_id, const char *plan, const char *now,
				      const char *actor, int *added, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*added = 0;
	if ((err = pt_db_stmt(db, SQL_SITE_MEASURE_COMMIT, &st, d)) != PT_OK)
		return err;
	rc = bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, measure_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 3, plan);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 4, now);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 5, actor);
	if ((err = step_done(db, st, rc, "committing a measure", d)) != PT_OK)
		return err;
	*added = sqlite3_changes(pt_db_sqlite(db)) > 0;
	return PT_OK;
}

int pt_db_site_measure_at(struct pt_db *db, const char *site_id, const char *measure_id,
			  struct pt_diag *d)
{
	return pt_sql_exists(db, SQL_SITE_MEASURE_AT, site_id, measure_id, d);
}

enum pt_err pt_db_site_measures_list(struct pt_db *db, const char *site_id,
				     struct pt_site_measure_row **rows, size_t *n,
				     struct pt_diag *d)
{
	struct pt_site_measure_row *list = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	char status[16];
	enum pt_err err;
	int rc = SQLITE_DONE;

	*rows = NULL;
	*n = 0;
	if ((err = pt_db_stmt(db, SQL_SITE_MEASURES, &st, d)) != PT_OK)
		return err;
	if ((rc = bind_text(st, 1, site_id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading site measures");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pt_site_measure_row *r;
		if ((err = pt_db_grow((void **)&list, &cap, count, sizeof *list,
				      (size_t)PT_SITE_MEASURES_MAX, "too many site measures", d)) !=
		    PT_OK)
			break;
		r = &list[count];
		memset(r, 0, sizeof *r);
		if ((err = col_text(st, 0, r->site_id, sizeof r->site_id, d)) != PT_OK ||
		    (err = col_text(st, 1, r->measure_id, sizeof r->measure_id, d)) != PT_OK ||
		    (err = col_text(st, 2, status, sizeof status, d)) != PT_OK ||
		    (err = col_text(st, 3, r->plan, sizeof r->plan, d)) != PT_OK ||
		    (err = col_text(st, 4, r->added_at, sizeof r->added_at, d)) != PT_OK ||
		    (err = col_text(st, 5, r->added_by, sizeof r->added_by, d)) != PT_OK)
			break;
		r->status = strcmp(status, "committed") == 0 ? PT_SM_COMMITTED : PT_SM_EXISTING;
		count++;
	}
	sqlite3_reset(st);
	if (err == PT_OK && rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, "reading site measures");
	if (err != PT_OK) {
		free(list);
		return err;
	}
	*rows = list;
	*n = count;
	return PT_OK;
}
