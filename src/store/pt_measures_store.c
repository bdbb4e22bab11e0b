/* pt_measures_store.c - the measure catalogue and the measures at sites in
 * SQLite: statements, rows in and out, nothing else. */
#include "pt_measures_store.h"

#include <stdint.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "pt_store_int.h"

#define MEASURE_COLUMNS                                                                    \
	"id, name, family, capex_eur, opex_eur_year, lifetime_years, privacy, movement, "   \
	"discrimination, legal_basis, removes_step_free, kinds, sectors, exclusive_group, " \
	"description, basis, cost_driver, unit_capex_eur, unit_opex_eur_year, needs, "   \
	"safeguards"

#define SM_COLUMNS "site_id, measure_id, status, plan, added_at, added_by, changed_at, changed_by"

/* The statement table of this file. */
enum measures_stmt {
	ST_MEASURE_PUT,
	ST_MEASURES_ALL,
	ST_MEASURE_EXISTS,
	ST_EFFECTS_CLEAR,
	ST_EFFECT_PUT,
	ST_EFFECTS_ALL,
	ST_SITE_MEASURE_EXISTING,
	ST_SITE_MEASURE_PROPOSE,
	ST_SITE_MEASURES,
	ST_SITE_MEASURE_AT,
	ST_SITE_MEASURE_GET,
	ST_SITE_MEASURE_STEP,
	ST_PLAN_MEASURES,
	ST_PLAN_MEASURE_REMOVE,
	ST_SM_STEPS_CLEAR, /* separation of duties (migration 018) */
	ST_SM_STEP_ACTOR,
	ST_SM_STEPS_GET,
	ST_SMH_ADD, /* measures through their life (migration 031) */
	ST_SMH_LIST,
	ST_SITE_MEASURE_COMMIT,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_MEASURE_PUT] =
		"INSERT INTO measures (" MEASURE_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21) "
		"ON CONFLICT (id) DO UPDATE SET "
		"name = excluded.name, family = excluded.family, capex_eur = excluded.capex_eur, "
		"opex_eur_year = excluded.opex_eur_year, lifetime_years = excluded.lifetime_years, "
		"privacy = excluded.privacy, movement = excluded.movement, "
		"discrimination = excluded.discrimination, legal_basis = excluded.legal_basis, "
		"removes_step_free = excluded.removes_step_free, kinds = excluded.kinds, "
		"sectors = excluded.sectors, exclusive_group = excluded.exclusive_group, "
		"description = excluded.description, basis = excluded.basis, "
		"cost_driver = excluded.cost_driver, unit_capex_eur = excluded.unit_capex_eur, "
		"unit_opex_eur_year = excluded.unit_opex_eur_year, needs = excluded.needs, "
		"safeguards = excluded.safeguards",
	[ST_MEASURES_ALL] = "SELECT " MEASURE_COLUMNS " FROM measures ORDER BY id",
	[ST_MEASURE_EXISTS] = "SELECT 1 FROM measures WHERE id = ?1",
	[ST_EFFECTS_CLEAR] = "DELETE FROM measure_effects WHERE measure_id = ?1",
	[ST_EFFECT_PUT] =
		"INSERT INTO measure_effects (measure_id, threat_id, v_reduction, c_reduction) "
		"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (measure_id, threat_id) DO UPDATE SET "
		"v_reduction = excluded.v_reduction, c_reduction = excluded.c_reduction",
	[ST_EFFECTS_ALL] = "SELECT measure_id, threat_id, v_reduction, c_reduction "
			   "FROM measure_effects ORDER BY measure_id, threat_id",
	[ST_SITE_MEASURE_EXISTING] =
		"INSERT INTO site_measures (site_id, measure_id, status, plan, added_at, added_by) "
		"VALUES (?1, ?2, 'existing', '', ?3, ?4) ON CONFLICT (site_id, measure_id) DO "
		"UPDATE SET status = 'existing', plan = '', added_at = excluded.added_at, "
		"added_by = excluded.added_by, changed_at = '', changed_by = '' "
		"WHERE status <> 'existing'",
	/* a declined proposal may be proposed again; anything else is kept */
	[ST_SITE_MEASURE_PROPOSE] =
		"INSERT INTO site_measures (site_id, measure_id, status, plan, added_at, added_by) "
		"VALUES (?1, ?2, 'proposed', ?3, ?4, ?5) ON CONFLICT (site_id, measure_id) "
		"DO UPDATE SET status = 'proposed', plan = excluded.plan, added_at = "
		"excluded.added_at, added_by = excluded.added_by, changed_at = '', changed_by = '' "
		"WHERE status = 'declined'",
	[ST_SITE_MEASURES] = "SELECT " SM_COLUMNS " FROM site_measures WHERE ?1 = '' OR site_id = ?1 "
			     "ORDER BY site_id, measure_id",
	[ST_SITE_MEASURE_AT] = "SELECT 1 FROM site_measures WHERE site_id = ?1 AND measure_id = ?2 "
			       "AND status IN ('existing', 'accepted', 'installed', 'verified')",
	[ST_SITE_MEASURE_GET] = "SELECT " SM_COLUMNS " FROM site_measures "
				"WHERE site_id = ?1 AND measure_id = ?2",
	[ST_SITE_MEASURE_STEP] = "UPDATE site_measures SET status = ?3, changed_at = ?4, "
				 "changed_by = ?5 WHERE site_id = ?1 AND measure_id = ?2 "
				 "AND status = ?6",
	[ST_PLAN_MEASURES] = "SELECT " SM_COLUMNS " FROM site_measures WHERE plan = ?1 "
			     "AND status <> 'existing' ORDER BY site_id, measure_id",
	[ST_PLAN_MEASURE_REMOVE] = "DELETE FROM site_measures WHERE site_id = ?1 AND "
				   "measure_id = ?2 AND plan = ?3 AND status IN ('proposed', "
				   "'approved', 'accepted', 'declined')",
	/* separation of duties (migration 018) */
	[ST_SM_STEPS_CLEAR] = "DELETE FROM site_measure_steps WHERE site_id = ?1 AND measure_id = ?2",
	[ST_SM_STEP_ACTOR] = "INSERT OR REPLACE INTO site_measure_steps (site_id, measure_id, step, "
			     "actor) VALUES (?1, ?2, ?3, ?4)",
	[ST_SM_STEPS_GET] = "SELECT step, actor FROM site_measure_steps WHERE site_id = ?1 AND "
			    "measure_id = ?2",
	/* measures through their life (migration 031) */
	[ST_SMH_ADD] = "INSERT INTO site_measure_history (site_id, measure_id, step, status, plan, "
		       "at, actor, on_date, method, reverify_by, note) VALUES (?1, ?2, ?3, ?4, ?5, "
		       "?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_SMH_LIST] = "SELECT site_id, measure_id, step, status, plan, at, actor, on_date, method, "
			"reverify_by, note FROM site_measure_history WHERE site_id = ?1 "
			"ORDER BY measure_id, at, id",
	/* the owner commits a measure outside a plan: new, or declined before */
	[ST_SITE_MEASURE_COMMIT] =
		"INSERT INTO site_measures (site_id, measure_id, status, plan, added_at, added_by) "
		"VALUES (?1, ?2, 'accepted', '', ?3, ?4) ON CONFLICT (site_id, measure_id) "
		"DO UPDATE SET status = 'accepted', plan = '', added_at = excluded.added_at, "
		"added_by = excluded.added_by, changed_at = '', changed_by = '' "
		"WHERE status = 'declined'",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_MEASURES, ST_COUNT, stmt_sql};

static enum pt_err measure_put(struct pt_db *db, const struct pt_measure *m, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	char needs[256], guards[256];
	if ((err = pt_db_prepare(db, &stmts, ST_MEASURE_PUT, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, m->id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, m->name);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 3, pt_measure_family_name(m->family));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 4, m->capex_eur);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 5, m->opex_eur_year);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 6, m->lifetime_years);
	for (int r = 0; r < PT_RIGHT_COUNT && rc == SQLITE_OK; r++)
		rc = sqlite3_bind_int(st, 7 + r, m->rights[r]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 10, m->legal_basis != PT_BASIS_NONE);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 11, m->removes_step_free);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 12, m->kinds);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 13, m->sectors);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 14, m->exclusive_group);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 15, m->description);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 16, pt_legal_basis_name((enum pt_legal_basis)m->legal_basis));
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 17, pt_cost_driver_name(m->cost_driver));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 18, m->unit_capex_eur);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 19, m->unit_opex_eur_year);
	/* bound without a copy: each list keeps its own buffer until the step */
	pt_measure_format_flags(m->needs, 0, needs, sizeof needs);
	pt_measure_format_flags(m->safeguards, 1, guards, sizeof guards);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 20, needs);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 21, guards);
	return pt_db_step_done(db, st, rc, "storing a measure", d);
}

static enum pt_err effect_put(struct pt_db *db, const struct pt_measure_effect *e,
			      struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_EFFECT_PUT, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, e->measure_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, e->threat_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 3, e->v_reduction);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 4, e->c_reduction);
	return pt_db_step_done(db, st, rc, "storing a measure effect", d);
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
		if ((err = pt_db_prepare(db, &stmts, ST_EFFECTS_CLEAR, &st, d)) != PT_OK)
			return err;
		rc = pt_db_bind_text(st, 1, cat->items[i].id);
		if ((err = pt_db_step_done(db, st, rc, "replacing measure effects", d)) != PT_OK)
			return err;
	}
	for (i = 0; i < cat->n_effects; i++)
		if ((err = effect_put(db, &cat->effects[i], d)) != PT_OK)
			return err;
	return PT_OK;
}

int pt_db_measure_exists(struct pt_db *db, const char *id, struct pt_diag *d)
{
	return pt_db_row_exists(db, &stmts, ST_MEASURE_EXISTS, id, NULL, d);
}

/* Add a measures row (MEASURE_COLUMNS) to the catalogue ctx. */
static enum pt_err measure_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_measure m;
	char family[64];
	enum pt_err err;
	(void)row;
	memset(&m, 0, sizeof m);
	if ((err = pt_db_col_text(st, 0, m.id, sizeof m.id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, m.name, sizeof m.name, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, family, sizeof family, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 11, m.kinds, sizeof m.kinds, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 12, m.sectors, sizeof m.sectors, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 13, m.exclusive_group, sizeof m.exclusive_group, d)) !=
		    PT_OK ||
	    (err = pt_db_col_text(st, 14, m.description, sizeof m.description, d)) != PT_OK)
		return err;
	if (pt_measure_family_parse(family, &m.family) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "family", "measure %s: stored family '%s' unknown",
				   m.id, family);
	m.capex_eur = sqlite3_column_double(st, 3);
	m.opex_eur_year = sqlite3_column_double(st, 4);
	m.lifetime_years = sqlite3_column_int(st, 5);
	for (int r = 0; r < PT_RIGHT_COUNT; r++)
		m.rights[r] = sqlite3_column_int(st, 6 + r);
	m.removes_step_free = sqlite3_column_int(st, 10);
	{
		char basis[16], driver[32], needs[256], guards[256];
		enum pt_legal_basis b;
		if ((err = pt_db_col_text(st, 15, basis, sizeof basis, d)) != PT_OK ||
		    (err = pt_db_col_text(st, 16, driver, sizeof driver, d)) != PT_OK ||
		    (err = pt_db_col_text(st, 19, needs, sizeof needs, d)) != PT_OK ||
		    (err = pt_db_col_text(st, 20, guards, sizeof guards, d)) != PT_OK)
			return err;
		if (pt_legal_basis_parse(basis, &b) != PT_OK ||
		    pt_cost_driver_parse(driver, &m.cost_driver) != PT_OK ||
		    pt_measure_parse_flags(needs, 0, &m.needs, NULL, 0, "needs") != PT_OK ||
		    pt_measure_parse_flags(guards, 1, &m.safeguards, NULL, 0, "safeguards") != PT_OK)
			return pt_diag_set(d, PT_EDB, 0, "basis",
					   "measure %s: stored basis, driver, needs or safeguards unknown",
					   m.id);
		m.legal_basis = (int)b;
		m.unit_capex_eur = sqlite3_column_double(st, 17);
		m.unit_opex_eur_year = sqlite3_column_double(st, 18);
	}
	if ((err = pt_measure_catalog_add(ctx, &m)) != PT_OK)
		return pt_diag_set(d, err, 0, "", "loading measure %s: %s", m.id, pt_strerror(err));
	return PT_OK;
}

/* Add a measure_effects row to the catalogue ctx. */
static enum pt_err effect_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_measure_effect e;
	enum pt_err err;
	(void)row;
	memset(&e, 0, sizeof e);
	if ((err = pt_db_col_text(st, 0, e.measure_id, sizeof e.measure_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, e.threat_id, sizeof e.threat_id, d)) != PT_OK)
		return err;
	e.v_reduction = sqlite3_column_double(st, 2);
	e.c_reduction = sqlite3_column_double(st, 3);
	if ((err = pt_measure_catalog_add_effect(ctx, &e)) != PT_OK)
		return pt_diag_set(d, err, 0, "", "loading effects: %s", pt_strerror(err));
	return PT_OK;
}

enum pt_err pt_db_measures_load(struct pt_db *db, struct pt_measure_catalog *out,
				struct pt_diag *d)
{
	struct pt_db_rows measures = {.max = SIZE_MAX, .fill = measure_row, .ctx = out};
	struct pt_db_rows effects = {.max = SIZE_MAX, .fill = effect_row, .ctx = out};
	sqlite3_stmt *st;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(db, &stmts, ST_MEASURES_ALL, &st, d)) != PT_OK ||
	    (err = pt_db_rows_read(db, st, &measures, "reading the measures", d)) != PT_OK ||
	    (err = pt_db_prepare(db, &stmts, ST_EFFECTS_ALL, &st, d)) != PT_OK)
		goto out;
	err = pt_db_rows_read(db, st, &effects, "reading the measure effects", d);
out:
	if (err != PT_OK)
		pt_measure_catalog_clear(out);
	return pt_db_end(db, err, d);
}

static enum pt_err step_actor_record(struct pt_db *db, const char *site_id,
				     const char *measure_id, enum pt_site_measure_status to,
				     const char *actor, struct pt_diag *d);

/* Keep a step without an installation or verification in the history (issue 16). */
static enum pt_err history_simple(struct pt_db *db, const char *site_id, const char *measure_id,
				  const char *step, enum pt_site_measure_status status,
				  const char *plan, const char *now, const char *actor,
				  struct pt_diag *d)
{
	struct pt_site_measure_event ev;
	memset(&ev, 0, sizeof ev);
	pt_strlcpy(ev.site_id, site_id, sizeof ev.site_id);
	pt_strlcpy(ev.measure_id, measure_id, sizeof ev.measure_id);
	pt_strlcpy(ev.step, step, sizeof ev.step);
	ev.status = status;
	pt_strlcpy(ev.plan, plan ? plan : "", sizeof ev.plan);
	pt_strlcpy(ev.at, now, sizeof ev.at);
	pt_strlcpy(ev.actor, actor ? actor : "", sizeof ev.actor);
	return pt_db_site_measure_history_add(db, &ev, d);
}

enum pt_err pt_db_site_measure_put(struct pt_db *db, const char *site_id, const char *measure_id,
				   const char *now, const char *actor, int *changed,
				   struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*changed = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_SITE_MEASURE_EXISTING, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, measure_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 3, now);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 4, actor);
	if ((err = pt_db_step_done(db, st, rc, "storing a site measure", d)) != PT_OK)
		return err;
	*changed = pt_db_changes(db) > 0;
	if (*changed) /* issue 16: the history keeps it */
		return history_simple(db, site_id, measure_id, "in place", PT_SM_EXISTING, "", now,
				      actor, d);
	return PT_OK;
}

enum pt_err pt_db_site_measure_propose(struct pt_db *db, const char *site_id,
				       const char *measure_id, const char *plan, const char *now,
				       const char *actor, int *added, struct pt_diag *d)
{
	const char *params[] = {site_id, measure_id, plan, now, actor};
	enum pt_err err;
	*added = 0;
	if ((err = pt_db_run_texts(db, &stmts, ST_SITE_MEASURE_PROPOSE, params, 5,
				   "proposing a measure", d)) != PT_OK)
		return err;
	*added = pt_db_changes(db) > 0;
	/* a new proposal starts without step actors (separation of duties) */
	if (*added &&
	    (err = pt_db_run_texts(db, &stmts, ST_SM_STEPS_CLEAR, params, 2, "proposing a measure",
				   d)) != PT_OK)
		return err;
	if (*added) /* issue 16: the history keeps it */
		return history_simple(db, site_id, measure_id, "propose", PT_SM_PROPOSED, plan, now,
				      actor, d);
	return PT_OK;
}

enum pt_err pt_db_site_measure_commit(struct pt_db *db, const char *site_id,
				      const char *measure_id, const char *now, const char *actor,
				      int *added, struct pt_diag *d)
{
	const char *params[] = {site_id, measure_id, now, actor};
	enum pt_err err;
	*added = 0;
	if ((err = pt_db_run_texts(db, &stmts, ST_SITE_MEASURE_COMMIT, params, 4,
				   "committing a measure", d)) != PT_OK)
		return err;
	*added = pt_db_changes(db) > 0;
	if (!*added)
		return PT_OK;
	/* the committer is the owner's answer: its 'accept' (separation of duties) */
	if ((err = pt_db_run_texts(db, &stmts, ST_SM_STEPS_CLEAR, params, 2, "committing a measure",
				   d)) != PT_OK)
		return err;
	return step_actor_record(db, site_id, measure_id, PT_SM_ACCEPTED, actor, d);
}

enum pt_err pt_db_site_measure_history_add(struct pt_db *db,
					   const struct pt_site_measure_event *ev,
					   struct pt_diag *d)
{
	const char *params[] = {ev->site_id, ev->measure_id, ev->step,
				pt_site_measure_status_name(ev->status), ev->plan, ev->at, ev->actor,
				ev->on_date, ev->method, ev->reverify_by, ev->note};
	return pt_db_run_texts(db, &stmts, ST_SMH_ADD, params, 11,
			       "recording a step of a site measure", d);
}

/* A site_measure_history row into row (a struct pt_site_measure_event). */
static enum pt_err history_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_site_measure_event *h = row;
	char status[16];
	enum pt_err err;
	(void)ctx;
	if ((err = pt_db_col_text(st, 0, h->site_id, sizeof h->site_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, h->measure_id, sizeof h->measure_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, h->step, sizeof h->step, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 3, status, sizeof status, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 4, h->plan, sizeof h->plan, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 5, h->at, sizeof h->at, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 6, h->actor, sizeof h->actor, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 7, h->on_date, sizeof h->on_date, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 8, h->method, sizeof h->method, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 9, h->reverify_by, sizeof h->reverify_by, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 10, h->note, sizeof h->note, d)) != PT_OK)
		return err;
	if (pt_site_measure_status_parse(status, &h->status) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "status",
				   "site measure history of %s at %s: stored state '%s' unknown",
				   h->measure_id, h->site_id, status);
	return PT_OK;
}

enum pt_err pt_db_site_measure_history(struct pt_db *db, const char *site_id,
				       struct pt_site_measure_event **rows, size_t *n,
				       struct pt_diag *d)
{
	struct pt_db_rows list = {.elem_size = sizeof **rows,
				  .max = (size_t)PT_SITE_MEASURE_HISTORY_MAX,
				  .too_many = "too many steps in the site's measure history",
				  .fill = history_row};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*rows = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_SMH_LIST, &st, d)) != PT_OK)
		return err;
	if ((rc = pt_db_bind_text(st, 1, site_id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a site's measure history");
	}
	if ((err = pt_db_rows_read(db, st, &list, "reading a site's measure history", d)) != PT_OK)
		return err;
	*rows = list.items;
	*n = list.n;
	return PT_OK;
}

int pt_db_site_measure_at(struct pt_db *db, const char *site_id, const char *measure_id,
			  struct pt_diag *d)
{
	return pt_db_row_exists(db, &stmts, ST_SITE_MEASURE_AT, site_id, measure_id, d);
}

/* A site_measures row into row (a struct pt_site_measure_row). */
static enum pt_err site_measure_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_site_measure_row *r = row;
	char status[16];
	enum pt_err err;
	(void)ctx;
	if ((err = pt_db_col_text(st, 0, r->site_id, sizeof r->site_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, r->measure_id, sizeof r->measure_id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, status, sizeof status, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 3, r->plan, sizeof r->plan, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 4, r->added_at, sizeof r->added_at, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 5, r->added_by, sizeof r->added_by, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 6, r->changed_at, sizeof r->changed_at, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 7, r->changed_by, sizeof r->changed_by, d)) != PT_OK)
		return err;
	if (pt_site_measure_status_parse(status, &r->status) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "status", "site measure %s at %s: stored state '%s' unknown",
				   r->measure_id, r->site_id, status);
	return PT_OK;
}

enum pt_err pt_db_site_measures_list(struct pt_db *db, const char *site_id,
				     struct pt_site_measure_row **rows, size_t *n,
				     struct pt_diag *d)
{
	struct pt_db_rows list = {.elem_size = sizeof **rows,
				  .max = (size_t)PT_SITE_MEASURES_MAX,
				  .too_many = "too many site measures",
				  .fill = site_measure_row};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	*rows = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_SITE_MEASURES, &st, d)) != PT_OK)
		return err;
	if ((rc = pt_db_bind_text(st, 1, site_id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading site measures");
	}
	if ((err = pt_db_rows_read(db, st, &list, "reading site measures", d)) != PT_OK)
		return err;
	*rows = list.items;
	*n = list.n;
	return PT_OK;
}

enum pt_err pt_db_site_measure_get(struct pt_db *db, const char *site_id, const char *measure_id,
				   struct pt_site_measure_row *out, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	memset(out, 0, sizeof *out);
	if ((err = pt_db_prepare(db, &stmts, ST_SITE_MEASURE_GET, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, measure_id);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a site measure");
	}
	err = pt_db_row_one(db, st, site_measure_row, out, NULL, "reading a site measure", d);
	if (err == PT_ENOTFOUND)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "measure", "no measure %s at site %s",
				   measure_id, site_id);
	return err;
}

/* Record actor as who took the step that led to status to (separation of duties). */
static enum pt_err step_actor_record(struct pt_db *db, const char *site_id,
				     const char *measure_id, enum pt_site_measure_status to,
				     const char *actor, struct pt_diag *d)
{
	const char *step = to == PT_SM_APPROVED    ? "approve"
			   : to == PT_SM_ACCEPTED  ? "accept"
			   : to == PT_SM_DECLINED  ? "decline"
			   : to == PT_SM_INSTALLED ? "install"
			   : to == PT_SM_VERIFIED  ? "verify"
						   : NULL;
	const char *params[] = {site_id, measure_id, step, actor};
	if (!step || !actor || !*actor)
		return PT_OK;
	return pt_db_run_texts(db, &stmts, ST_SM_STEP_ACTOR, params, 4,
			       "recording who took a site measure's step", d);
}

enum pt_err pt_db_site_measure_step(struct pt_db *db, const char *site_id,
				    const char *measure_id, enum pt_site_measure_status from,
				    enum pt_site_measure_status to, const char *now,
				    const char *actor, int *changed, struct pt_diag *d)
{
	const char *params[] = {site_id, measure_id, pt_site_measure_status_name(to), now, actor,
				pt_site_measure_status_name(from)};
	enum pt_err err;
	*changed = 0;
	if ((err = pt_db_run_texts(db, &stmts, ST_SITE_MEASURE_STEP, params, 6,
				   "changing a site measure's state", d)) != PT_OK)
		return err;
	*changed = pt_db_changes(db) > 0;
	if (*changed)
		return step_actor_record(db, site_id, measure_id, to, actor, d);
	return PT_OK;
}

enum pt_err pt_db_site_measure_actors(struct pt_db *db, const char *site_id,
				      const char *measure_id, struct pt_site_measure_step_actors *out,
				      struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	memset(out, 0, sizeof *out);
	if ((err = pt_db_prepare(db, &stmts, ST_SM_STEPS_GET, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, measure_id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *step = (const char *)sqlite3_column_text(st, 0);
		const char *actor = (const char *)sqlite3_column_text(st, 1);
		enum pt_measure_step k;
		if (step && actor && pt_measure_step_parse(step, &k) == PT_OK)
			pt_strlcpy(out->by[k], actor, sizeof out->by[k]);
		rc = SQLITE_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pt_db_fail(db, rc, d, "reading who took a site measure's steps");
	return PT_OK;
}

enum pt_err pt_db_plan_measures(struct pt_db *db, const char *plan,
				struct pt_site_measure_row **rows, size_t *n, struct pt_diag *d)
{
	struct pt_db_rows list = {.elem_size = sizeof **rows,
				  .max = (size_t)PT_SITE_MEASURES_MAX,
				  .too_many = "too many site measures",
				  .fill = site_measure_row};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	*rows = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_PLAN_MEASURES, &st, d)) != PT_OK)
		return err;
	if ((rc = pt_db_bind_text(st, 1, plan)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a plan's measures");
	}
	if ((err = pt_db_rows_read(db, st, &list, "reading a plan's measures", d)) != PT_OK)
		return err;
	*rows = list.items;
	*n = list.n;
	return PT_OK;
}

enum pt_err pt_db_plan_measure_remove(struct pt_db *db, const char *site_id,
				      const char *measure_id, const char *plan, int *removed,
				      struct pt_diag *d)
{
	const char *params[] = {site_id, measure_id, plan};
	enum pt_err err;
	*removed = 0;
	if ((err = pt_db_run_texts(db, &stmts, ST_PLAN_MEASURE_REMOVE, params, 3,
				   "removing a plan's measure", d)) != PT_OK)
		return err;
	*removed = pt_db_changes(db) > 0;
	return PT_OK;
}
