/* pt_surge_store.c - the surge catalogue in SQLite (issue 11 item 6):
 * statements, rows in and out, nothing else. */
#include "pt_surge_store.h"

#include <stdint.h>
#include <string.h>

#include "pt_store_int.h"

#define SURGE_COLUMNS                                                                     \
	"id, name, family, weekly_eur, privacy, movement, discrimination, legal_basis, "   \
	"removes_step_free, kinds, sectors, description, needs, "                          \
	"cost_driver, unit_weekly_eur, safeguards" /* issue 11 M3 (016), M5 (017) */

enum surge_stmt {
	ST_SURGE_PUT,
	ST_SURGE_ALL,
	ST_SURGE_EXISTS,
	ST_SURGE_EFFECTS_CLEAR,
	ST_SURGE_EFFECT_PUT,
	ST_SURGE_EFFECTS_ALL,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_SURGE_PUT] =
		"INSERT INTO surge_measures (" SURGE_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		"?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) ON CONFLICT (id) DO UPDATE SET "
		"name = excluded.name, "
		"family = excluded.family, weekly_eur = excluded.weekly_eur, "
		"privacy = excluded.privacy, movement = excluded.movement, "
		"discrimination = excluded.discrimination, legal_basis = excluded.legal_basis, "
		"removes_step_free = excluded.removes_step_free, kinds = excluded.kinds, "
		"sectors = excluded.sectors, description = excluded.description, "
		"needs = excluded.needs, "
		"cost_driver = excluded.cost_driver, unit_weekly_eur = excluded.unit_weekly_eur, "
		"safeguards = excluded.safeguards",
	[ST_SURGE_ALL] = "SELECT " SURGE_COLUMNS " FROM surge_measures ORDER BY id",
	[ST_SURGE_EXISTS] = "SELECT 1 FROM surge_measures WHERE id = ?1",
	[ST_SURGE_EFFECTS_CLEAR] = "DELETE FROM surge_effects WHERE measure_id = ?1",
	[ST_SURGE_EFFECT_PUT] =
		"INSERT INTO surge_effects (measure_id, threat_id, v_reduction, c_reduction) "
		"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (measure_id, threat_id) DO UPDATE SET "
		"v_reduction = excluded.v_reduction, c_reduction = excluded.c_reduction",
	[ST_SURGE_EFFECTS_ALL] = "SELECT measure_id, threat_id, v_reduction, c_reduction "
				 "FROM surge_effects ORDER BY measure_id, threat_id",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_SURGE, ST_COUNT, stmt_sql};

static enum pt_err surge_put(struct pt_db *db, const struct pt_measure *m, double weekly,
			     struct pt_diag *d)
{
	sqlite3_stmt *st;
	char needs[256], guards[256];
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_SURGE_PUT, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, m->id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, m->name);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 3, pt_measure_family_name(m->family));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 4, weekly);
	for (int r = 0; r < PT_RIGHT_COUNT && rc == SQLITE_OK; r++)
		rc = sqlite3_bind_int(st, 5 + r, m->rights[r]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 8, m->legal_basis);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 9, m->removes_step_free);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 10, m->kinds);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 11, m->sectors);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 12, m->description);
	/* needs and guards outlive the binds: pt_db_bind_text does not copy */
	if (rc == SQLITE_OK) { /* issue 11 M3: the conditions it needs of the site */
		pt_measure_format_flags(m->needs, 0, needs, sizeof needs);
		rc = pt_db_bind_text(st, 13, needs);
	}
	if (rc == SQLITE_OK) /* issue 11 M5 */
		rc = pt_db_bind_text(st, 14, pt_cost_driver_name(m->cost_driver));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 15, m->unit_opex_eur_year);
	if (rc == SQLITE_OK) {
		pt_measure_format_flags(m->safeguards, 1, guards, sizeof guards);
		rc = pt_db_bind_text(st, 16, guards);
	}
	return pt_db_step_done(db, st, rc, "storing a surge measure", d);
}

enum pt_err pt_db_surge_put(struct pt_db *db, const struct pt_surge_catalog *cat,
			    struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc;
	for (i = 0; i < cat->base.n; i++) {
		if ((err = surge_put(db, &cat->base.items[i], cat->weekly_eur[i], d)) != PT_OK)
			return err;
		if ((err = pt_db_prepare(db, &stmts, ST_SURGE_EFFECTS_CLEAR, &st, d)) != PT_OK)
			return err;
		rc = pt_db_bind_text(st, 1, cat->base.items[i].id);
		if ((err = pt_db_step_done(db, st, rc, "replacing surge effects", d)) != PT_OK)
			return err;
	}
	for (i = 0; i < cat->base.n_effects; i++) {
		const struct pt_measure_effect *e = &cat->base.effects[i];
		if ((err = pt_db_prepare(db, &stmts, ST_SURGE_EFFECT_PUT, &st, d)) != PT_OK)
			return err;
		rc = pt_db_bind_text(st, 1, e->measure_id);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_text(st, 2, e->threat_id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 3, e->v_reduction);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 4, e->c_reduction);
		if ((err = pt_db_step_done(db, st, rc, "storing a surge effect", d)) != PT_OK)
			return err;
	}
	return PT_OK;
}

int pt_db_surge_exists(struct pt_db *db, const char *id, struct pt_diag *d)
{
	return pt_db_row_exists(db, &stmts, ST_SURGE_EXISTS, id, NULL, d);
}

/* Add a surge_measures row (SURGE_COLUMNS) to the catalogue ctx. */
static enum pt_err surge_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_measure m;
	char family[64], needs[256], driver[64], guards[256];
	enum pt_err err;
	(void)row;
	memset(&m, 0, sizeof m);
	if ((err = pt_db_col_text(st, 0, m.id, sizeof m.id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, m.name, sizeof m.name, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, family, sizeof family, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 9, m.kinds, sizeof m.kinds, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 10, m.sectors, sizeof m.sectors, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 11, m.description, sizeof m.description, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 12, needs, sizeof needs, d)) != PT_OK ||
	    (err = pt_measure_parse_flags(needs, 0, &m.needs, d, 0, "needs")) != PT_OK ||
	    (err = pt_db_col_text(st, 13, driver, sizeof driver, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 15, guards, sizeof guards, d)) != PT_OK)
		return err;
	if (pt_cost_driver_parse(driver, &m.cost_driver) != PT_OK ||
	    pt_measure_parse_flags(guards, 1, &m.safeguards, NULL, 0, "safeguards") != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "cost_driver",
				   "surge measure %s: stored cost driver '%s' or safeguards '%s' unknown",
				   m.id, driver, guards);
	m.unit_opex_eur_year = sqlite3_column_double(st, 14);
	if (pt_measure_family_parse(family, &m.family) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "family",
				   "surge measure %s: stored family '%s' unknown", m.id, family);
	m.lifetime_years = 1;
	for (int r = 0; r < PT_RIGHT_COUNT; r++)
		m.rights[r] = sqlite3_column_int(st, 4 + r);
	m.legal_basis = sqlite3_column_int(st, 7);
	m.removes_step_free = sqlite3_column_int(st, 8);
	if ((err = pt_surge_catalog_add(ctx, &m, sqlite3_column_double(st, 3))) != PT_OK)
		return pt_diag_set(d, err, 0, "", "loading surge measure %s: %s", m.id,
				   pt_strerror(err));
	return PT_OK;
}

/* Add a surge_effects row to the catalogue ctx. */
static enum pt_err effect_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_surge_catalog *c = ctx;
	struct pt_measure_effect e;
	enum pt_err err;
	(void)row;
	memset(&e, 0, sizeof e);
	if ((err = pt_db_col_text(st, 0, e.measure_id, sizeof e.measure_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, e.threat_id, sizeof e.threat_id, d)) != PT_OK)
		return err;
	e.v_reduction = sqlite3_column_double(st, 2);
	e.c_reduction = sqlite3_column_double(st, 3);
	if ((err = pt_measure_catalog_add_effect(&c->base, &e)) != PT_OK)
		return pt_diag_set(d, err, 0, "", "loading surge effects: %s", pt_strerror(err));
	return PT_OK;
}

enum pt_err pt_db_surge_load(struct pt_db *db, struct pt_surge_catalog *out, struct pt_diag *d)
{
	struct pt_db_rows measures = {.max = SIZE_MAX, .fill = surge_row, .ctx = out};
	struct pt_db_rows effects = {.max = SIZE_MAX, .fill = effect_row, .ctx = out};
	sqlite3_stmt *st;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(db, &stmts, ST_SURGE_ALL, &st, d)) != PT_OK ||
	    (err = pt_db_rows_read(db, st, &measures, "reading the surge measures", d)) != PT_OK ||
	    (err = pt_db_prepare(db, &stmts, ST_SURGE_EFFECTS_ALL, &st, d)) != PT_OK)
		goto out;
	err = pt_db_rows_read(db, st, &effects, "reading the surge effects", d);
out:
	if (err != PT_OK)
		pt_surge_catalog_clear(out);
	return pt_db_end(db, err, d);
}
