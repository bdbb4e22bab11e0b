/* pt_plan_store.c - the measure catalogue, measures at sites, plan runs over
 * the sites a caller may read, saved plans and the risk register, in SQLite. */
#include "pt_plan_store.h"

#include <math.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/pt_matrix.h"
#include "../formats/pt_csv.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_plan_io.h"
#include "pt_audit.h"
#include "pt_store_int.h"
#include "pt_users.h"

#define CHECK_EXACT_MAX_OPTIONS 20000 /* check_exact -1: run GLPK too up to this many options */
#define PLANS_MAX 100000              /* saved plans one list may hold */
#define HISTORY_MAX 100000            /* history rows one list may hold */
#define REGISTER_ROWS_MAX 10000000    /* register rows one read may hold */
#define PLAN_JSON_MAX (256L * 1024 * 1024) /* a saved plan's JSON, bytes */

/* The statement table of this module (cached per connection by address). */
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
static const char SQL_PLAN_EXISTS[] = "SELECT 1 FROM plans WHERE name = ?1";
#define PLAN_COLUMNS                                                                        \
	"name, created_at, created_by, solver, region, threat_level, budget_eur, cost_eur, " \
	"risk_reduction_eur, gap, sites_funded, measures"
static const char SQL_PLAN_ADD[] =
	"INSERT INTO plans (" PLAN_COLUMNS ", json, site_lines, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	"?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, (SELECT coalesce(max(seq), 0) + 1 FROM plans))";
static const char SQL_PLAN_SITES[] = "SELECT site_lines FROM plans WHERE name = ?1";
static const char SQL_PLANS_ALL[] = "SELECT " PLAN_COLUMNS " FROM plans ORDER BY seq DESC";
static const char SQL_PLAN_GET[] = "SELECT " PLAN_COLUMNS ", json FROM plans WHERE name = ?1";
static const char SQL_HISTORY_COMMIT[] =
	"INSERT INTO risk_register_history (site_id, threat_id, at, actor, action, detail) "
	"SELECT q.site_id, q.threat_id, ?3, ?4, 'commit', ?5 FROM quant_assessments q "
	"JOIN measure_effects e ON e.threat_id = q.threat_id AND e.measure_id = ?2 "
	"WHERE q.site_id = ?1 AND (e.v_reduction > 0 OR e.c_reduction > 0) ORDER BY q.threat_id";
#define REGISTER_COLUMNS                                                                   \
	"r.site_id, r.threat_id, r.treatment, coalesce(u.name, ''), r.review_date, "        \
	"r.measures, r.note, r.needs_approval, r.approved, r.approved_by, r.approved_at, "   \
	"r.updated_at, r.updated_by, coalesce(r.responsible_user_id, 0) FROM risk_register r "                                   \
	"LEFT JOIN users u ON u.id = r.responsible_user_id "
static const char SQL_REGISTER_ALL[] =
	"SELECT " REGISTER_COLUMNS "WHERE ?1 = '' OR r.site_id = ?1 ORDER BY r.site_id, r.threat_id";
static const char SQL_REGISTER_GET[] =
	"SELECT " REGISTER_COLUMNS "WHERE r.site_id = ?1 AND r.threat_id = ?2";
static const char SQL_REGISTER_PUT[] =
	"INSERT INTO risk_register (site_id, threat_id, treatment, responsible_user_id, "
	"review_date, measures, note, needs_approval, approved, approved_by, approved_at, "
	"updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
	"ON CONFLICT (site_id, threat_id) DO UPDATE SET treatment = excluded.treatment, "
	"responsible_user_id = excluded.responsible_user_id, review_date = excluded.review_date, "
	"measures = excluded.measures, note = excluded.note, "
	"needs_approval = excluded.needs_approval, approved = excluded.approved, "
	"approved_by = excluded.approved_by, approved_at = excluded.approved_at, "
	"updated_at = excluded.updated_at, updated_by = excluded.updated_by";
static const char SQL_REGISTER_APPROVE[] =
	"UPDATE risk_register SET approved = 1, approved_by = ?3, approved_at = ?4 "
	"WHERE site_id = ?1 AND threat_id = ?2";
static const char SQL_HISTORY_ADD[] =
	"INSERT INTO risk_register_history (site_id, threat_id, at, actor, action, detail) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_HISTORY_GET[] =
	"SELECT at, actor, action, detail FROM risk_register_history "
	"WHERE site_id = ?1 AND threat_id = ?2 ORDER BY id";

/* ---- helpers ------------------------------------------------------------- */

/* Step a statement that must finish (DONE); PT_OK or the failure described as what. */
static enum pt_err step_done(struct pt_db *db, sqlite3_stmt *st, int rc, const char *what,
			     struct pt_diag *d)
{
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pt_db_fail(db, rc, d, what);
	return PT_OK;
}

/* Copy a text column into buf of cap bytes (PT_ELIMIT when it does not fit). */
static enum pt_err col_text(sqlite3_stmt *st, int col, char *buf, size_t cap, struct pt_diag *d)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
	if (!t && sqlite3_column_type(st, col) != SQLITE_NULL)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory reading the database");
	if (n >= cap)
		return pt_diag_set(d, PT_ELIMIT, 0, sqlite3_column_name(st, col),
				   "stored value is %zu bytes, more than the %zu allowed", n, cap - 1);
	if (n)
		memcpy(buf, t, n);
	buf[n] = '\0';
	return PT_OK;
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

/* Nonzero when sql with two text parameters (b may be NULL) returns a row; -1 on failure. */
static int exists2(struct pt_db *db, const char *sql, const char *a, const char *b,
		   struct pt_diag *d)
{
	sqlite3_stmt *st;
	int rc;
	if (pt_db_stmt(db, sql, &st, d) != PT_OK)
		return -1;
	rc = bind_text(st, 1, a);
	if (rc == SQLITE_OK && b)
		rc = bind_text(st, 2, b);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	pt_db_fail(db, rc, d, "reading the registry");
	return -1;
}

/* The actor's time as "YYYY-MM-DDTHH:MM:SSZ" (the clock when the actor has none). */
static void now_text(struct pt_db *db, char buf[PT_TIMESTAMP_MAX])
{
	int64_t now;
	time_t t;
	struct tm tm;
	pt_db_actor(db, NULL, NULL, NULL, &now);
	t = now > 0 ? (time_t)now : time(NULL);
	if (!gmtime_r(&t, &tm) || !strftime(buf, PT_TIMESTAMP_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm))
		pt_strlcpy(buf, "1970-01-01T00:00:00Z", PT_TIMESTAMP_MAX);
}

static const char *actor_name(struct pt_db *db)
{
	const char *name = NULL;
	pt_db_actor(db, NULL, NULL, &name, NULL);
	return name && *name ? name : PT_ACTOR_SYSTEM;
}

static int gov_role(const struct pt_principal *who, enum pt_role role)
{
	return who->org_type == PT_ORG_GOVERNMENT && who->role == role;
}

/* Binary search of id in a list of sites ordered by id; -1 if absent. */
static long site_find(const struct pt_site_list *sites, const char *id)
{
	size_t lo = 0, hi = sites->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(sites->items[mid].id, id);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * The stored site id and what who may do with it (check: pt_access_write,
 * pt_access_treat or pt_access_read; NULL who: OK). *ix is loaded (caller
 * frees) so callers can look up organisations. PT_ENOTFOUND when the site
 * does not exist (not an access answer).
 */
static enum pt_err site_access(struct pt_db *db, const struct pt_principal *who, const char *id,
			       enum pt_access (*check)(const struct pt_principal *,
						       const struct pt_access_record *),
			       struct pt_site *site, struct pt_access_index **ix,
			       enum pt_access *a, struct pt_diag *d)
{
	struct pt_access_record rec;
	enum pt_err err;
	*a = PT_ACCESS_NOT_FOUND;
	if (!*ix && (err = pt_access_index_load(db, ix, d)) != PT_OK)
		return err;
	if ((err = pt_db_site_get(db, id, site, d)) != PT_OK)
		return err;
	pt_access_index_record(*ix, site, &rec);
	*a = who ? check(who, &rec) : PT_ACCESS_OK;
	return PT_OK;
}

/* ---- the measure catalogue ----------------------------------------------- */

const char *pt_site_measure_status_name(enum pt_site_measure_status s)
{
	return s == PT_SM_EXISTING ? "existing" : s == PT_SM_COMMITTED ? "committed" : "";
}

static void catalogs_free(struct pt_catalogs *cat)
{
	pt_catalog_free(&cat->kinds);
	pt_catalog_free(&cat->sectors);
	pt_catalog_free(&cat->threats);
}

/* Put d's message behind "measure ID: " so the user knows which row was wrong. */
static enum pt_err name_measure(struct pt_diag *d, enum pt_err err, const char *what,
				const char *id)
{
	char prefix[PT_ID_MAX + 64];
	size_t pl, ml;
	if (!d)
		return err;
	pl = strlen(what) + strlen(id) + 3 < sizeof prefix ? strlen(what) + strlen(id) + 3 : 0;
	ml = strlen(d->msg);
	if (!pl || pl + ml >= sizeof d->msg)
		return err;
	memcpy(prefix, what, strlen(what));
	prefix[strlen(what)] = ' ';
	memcpy(prefix + strlen(what) + 1, id, strlen(id));
	memcpy(prefix + pl - 2, ": ", 2);
	memmove(d->msg + pl, d->msg, ml + 1);
	memcpy(d->msg, prefix, pl);
	return err;
}

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

enum pt_err pt_db_measures_import(struct pt_db *db, const struct pt_principal *who,
				  const struct pt_measure_catalog *cat, struct pt_diag *d)
{
	struct pt_catalogs cats;
	sqlite3_stmt *st;
	char detail[128];
	enum pt_err err;
	size_t i;
	int rc;

	if (!db || !cat)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no catalogue");
	if (who && !gov_role(who, PT_ROLE_ADMIN) && !gov_role(who, PT_ROLE_COORDINATOR))
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				   "only government admins and coordinators change the measure "
				   "catalogue");
	memset(&cats, 0, sizeof cats);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_catalogs_load(db, &cats, d)) != PT_OK)
		goto out;
	for (i = 0; i < cat->n; i++)
		if ((err = pt_measure_check(&cat->items[i], &cats, d, 0)) != PT_OK) {
			name_measure(d, err, "measure", cat->items[i].id);
			goto out;
		}
	for (i = 0; i < cat->n_effects; i++) {
		const struct pt_measure_effect *e = &cat->effects[i];
		int known;
		if ((err = pt_measure_effect_check(e, d, 0)) != PT_OK) {
			name_measure(d, err, "effect of measure", e->measure_id);
			goto out;
		}
		if (pt_catalog_find(&cats.threats, e->threat_id) < 0) {
			err = pt_diag_set(d, PT_EINVAL, 0, "threat_id",
					  "effect of measure %s: unknown threat %s", e->measure_id,
					  e->threat_id);
			goto out;
		}
		known = pt_measure_catalog_find(cat, e->measure_id) >= 0;
		if (!known && (known = exists2(db, SQL_MEASURE_EXISTS, e->measure_id, NULL, d)) < 0) {
			err = PT_EDB;
			goto out;
		}
		if (!known) {
			err = pt_diag_set(d, PT_EINVAL, 0, "measure_id",
					  "effect on %s names unknown measure %s", e->threat_id,
					  e->measure_id);
			goto out;
		}
	}
	for (i = 0; i < cat->n; i++) {
		if ((err = measure_put(db, &cat->items[i], d)) != PT_OK)
			goto out;
		if ((err = pt_db_stmt(db, SQL_EFFECTS_CLEAR, &st, d)) != PT_OK)
			goto out;
		rc = bind_text(st, 1, cat->items[i].id);
		if ((err = step_done(db, st, rc, "replacing measure effects", d)) != PT_OK)
			goto out;
	}
	for (i = 0; i < cat->n_effects; i++)
		if ((err = effect_put(db, &cat->effects[i], d)) != PT_OK)
			goto out;
	snprintf(detail, sizeof detail, "%zu measures, %zu effects", cat->n, cat->n_effects);
	err = pt_audit_append(db, "measures.import", "measures", "", detail, d);
out:
	catalogs_free(&cats);
	return pt_db_end(db, err, d);
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

/* ---- measures at sites --------------------------------------------------- */

enum pt_err pt_db_site_measures_import(struct pt_db *db, const struct pt_principal *who,
				       const struct pt_site_measure_list *list,
				       struct pt_diag *d)
{
	struct pt_access_index *ix = NULL;
	struct pt_site site;
	sqlite3_stmt *st;
	char now[PT_TIMESTAMP_MAX], detail[128];
	const char *actor;
	enum pt_err err;
	size_t i, added = 0;
	int rc;

	if (!db || !list)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no list");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	now_text(db, now);
	actor = actor_name(db);
	for (i = 0; i < list->n; i++) {
		const struct pt_site_measure *m = &list->items[i];
		enum pt_access a;
		int found;
		err = site_access(db, who, m->site_id, pt_access_write, &site, &ix, &a, d);
		if (err == PT_ENOTFOUND || (err == PT_OK && a == PT_ACCESS_NOT_FOUND)) {
			err = pt_diag_set(d, PT_EINVAL, m->line, "site_id", "unknown site %s",
					  m->site_id);
			goto out;
		}
		if (err != PT_OK)
			goto out;
		if (a != PT_ACCESS_OK) {
			err = pt_diag_set(d, PT_EFORBIDDEN, m->line, "site_id",
					  "your role or organisation may not change the measures of "
					  "site %s",
					  m->site_id);
			goto out;
		}
		if ((found = exists2(db, SQL_MEASURE_EXISTS, m->measure_id, NULL, d)) < 0) {
			err = PT_EDB;
			goto out;
		}
		if (!found) {
			err = pt_diag_set(d, PT_EINVAL, m->line, "measure_id", "unknown measure %s",
					  m->measure_id);
			goto out;
		}
		if ((err = pt_db_stmt(db, SQL_SITE_MEASURE_EXISTING, &st, d)) != PT_OK)
			goto out;
		rc = bind_text(st, 1, m->site_id);
		if (rc == SQLITE_OK)
			rc = bind_text(st, 2, m->measure_id);
		if (rc == SQLITE_OK)
			rc = bind_text(st, 3, now);
		if (rc == SQLITE_OK)
			rc = bind_text(st, 4, actor);
		if ((err = step_done(db, st, rc, "storing a site measure", d)) != PT_OK) {
			if (d)
				d->line = m->line;
			goto out;
		}
		added += (size_t)sqlite3_changes(pt_db_sqlite(db));
	}
	snprintf(detail, sizeof detail, "%zu rows, %zu new or now in place", list->n, added);
	err = pt_audit_append(db, "site_measures.import", "site_measures", "", detail, d);
out:
	pt_access_index_free(ix);
	return pt_db_end(db, err, d);
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

/* ---- running a plan ------------------------------------------------------ */

/* Which sites a run covers: visible to who (else withheld), then in region (else outside). */
struct run_filter {
	struct pt_access_filter access;
	int check_access;
	const char *region;  /* NULL or "": every region */
	const char *site_id; /* NULL: every site; else only this one (not counted) */
	size_t withheld, outside_region;
};

static int run_visible(void *ctx, const struct pt_site *s)
{
	struct run_filter *f = ctx;
	if (f->site_id && strcmp(s->id, f->site_id) != 0)
		return 0;
	if (f->check_access && !pt_access_site_visible(&f->access, s)) {
		f->withheld++;
		return 0;
	}
	if (f->region && *f->region && strcmp(s->region, f->region) != 0) {
		f->outside_region++;
		return 0;
	}
	return 1;
}

/*
 * The quant ranking (exact figures, samples 0) of the sites f lets
 * through, inside the caller's read transaction (the access index is read
 * in it too).
 */
static enum pt_err quant_ranking(struct pt_db *db, const struct pt_principal *who,
				 struct run_filter *f, struct pt_ranking **out, struct pt_diag *d)
{
	struct pt_ranking_opts o;
	struct pt_access_index *ix = NULL;
	enum pt_err err;
	if (who) {
		if ((err = pt_access_index_load(db, &ix, d)) != PT_OK)
			return err;
		f->access.ix = ix;
		f->access.who = *who;
		f->check_access = 1;
	}
	memset(&o, 0, sizeof o);
	o.method = PT_METHOD_QUANT;
	o.visible = run_visible;
	o.visible_ctx = f;
	o.samples_set = 1;
	o.samples = 0;
	o.threads = 1;
	err = pt_ranking_run(db, &o, out, d);
	f->access.ix = NULL;
	pt_access_index_free(ix);
	return err;
}

/* One assessed pair of a ranking: its site, threat and exact figures. */
struct pair_ref {
	uint32_t site, threat;
	const struct pt_quant_pair_result *q;
};

/*
 * The quant pairs of r in the order pt_ranking_run gave them to the
 * method (assessment rows of covered sites, by site then threat). *out: free().
 */
static enum pt_err ranking_pairs(const struct pt_ranking *r, struct pair_ref **out, size_t *n,
				 struct pt_diag *d)
{
	struct pair_ref *p;
	size_t i, k = 0;
	*out = NULL;
	*n = 0;
	p = malloc((r->set.n ? r->set.n : 1) * sizeof *p);
	if (!p)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; i < r->set.n; i++) {
		long s = site_find(&r->sites, r->set.quant[i].site_id);
		long t = pt_catalog_find(&r->cat.threats, r->set.quant[i].threat_id);
		if (s < 0)
			continue;
		if (t < 0 || !r->quant || k >= r->quant->n_pairs) {
			free(p);
			return pt_diag_set(d, PT_EINTERNAL, 0, "",
					   "quant pairs do not line up with the assessments");
		}
		p[k].site = (uint32_t)s;
		p[k].threat = (uint32_t)t;
		p[k].q = &r->quant->pairs[k];
		k++;
	}
	if (r->quant && k != r->quant->n_pairs) {
		free(p);
		return pt_diag_set(d, PT_EINTERNAL, 0, "",
				   "quant pairs do not line up with the assessments");
	}
	*out = p;
	*n = k;
	return PT_OK;
}

static void run_inputs_free(struct pt_plan_inputs *in);

void pt_plan_run_free(struct pt_plan_run *r)
{
	if (!r)
		return;
	if (r->inputs) {
		run_inputs_free(r->inputs);
		free(r->inputs);
	}
	pt_plan_result_free(&r->result);
	pt_plan_model_free(r->model);
	pt_measure_catalog_free(&r->measures);
	pt_ranking_free(r->ranking);
	free(r->frontier_budget);
	free(r->frontier_reduction);
	free(r->frontier_bound);
	free(r);
}

/* Per-site inputs of the model: pairs, existing and committed measures (CSR arrays). */
struct pt_plan_inputs {
	struct pt_plan_site *sites;
	struct pt_plan_pair *pairs;
	uint32_t *existing, *committed;
	double *v, *c;
};

static void run_inputs_free(struct pt_plan_inputs *in)
{
	free(in->sites);
	free(in->pairs);
	free(in->existing);
	free(in->committed);
	free(in->v);
	free(in->c);
}

static enum pt_err run_inputs_build(const struct pt_ranking *ranking,
				    const struct pt_measure_catalog *measures,
				    const struct pair_ref *refs, size_t n_refs,
				    const struct pt_site_measure_row *sm, size_t n_sm,
				    struct pt_plan_inputs *in, struct pt_diag *d)
{
	const struct pt_site_list *sites = &ranking->sites;
	size_t n = sites->n, i, *pair_at = NULL, *ex_at = NULL, *co_at = NULL;
	long *sm_site = NULL, *sm_measure = NULL;
	enum pt_err err = PT_OK;

	in->sites = calloc(n ? n : 1, sizeof *in->sites);
	in->pairs = calloc(n_refs ? n_refs : 1, sizeof *in->pairs);
	in->existing = calloc(n_sm ? n_sm : 1, sizeof *in->existing);
	in->committed = calloc(n_sm ? n_sm : 1, sizeof *in->committed);
	pair_at = calloc(n + 1, sizeof *pair_at);
	ex_at = calloc(n + 1, sizeof *ex_at);
	co_at = calloc(n + 1, sizeof *co_at);
	sm_site = calloc(n_sm ? n_sm : 1, sizeof *sm_site);
	sm_measure = calloc(n_sm ? n_sm : 1, sizeof *sm_measure);
	if (!in->sites || !in->pairs || !in->existing || !in->committed || !pair_at || !ex_at ||
	    !co_at || !sm_site || !sm_measure) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	/* Counts per site, then offsets, then fill (each list keeps its order). */
	for (i = 0; i < n_refs; i++)
		pair_at[refs[i].site + 1]++;
	for (i = 0; i < n_sm; i++) {
		sm_site[i] = site_find(sites, sm[i].site_id);
		sm_measure[i] = pt_measure_catalog_find(measures, sm[i].measure_id);
		if (sm_site[i] < 0 || sm_measure[i] < 0)
			continue; /* a site not covered (or a measure since removed) */
		if (sm[i].status == PT_SM_EXISTING)
			ex_at[sm_site[i] + 1]++;
		else
			co_at[sm_site[i] + 1]++;
	}
	for (i = 0; i < n; i++) {
		pair_at[i + 1] += pair_at[i];
		ex_at[i + 1] += ex_at[i];
		co_at[i + 1] += co_at[i];
		in->sites[i].site = &sites->items[i];
		in->sites[i].pairs = in->pairs + pair_at[i];
		in->sites[i].existing = in->existing + ex_at[i];
		in->sites[i].committed = in->committed + co_at[i];
	}
	for (i = 0; i < n_refs; i++) {
		struct pt_plan_site *s = &in->sites[refs[i].site];
		struct pt_plan_pair *p = &in->pairs[pair_at[refs[i].site] + s->n_pairs++];
		p->threat = refs[i].threat;
		p->p_attack = refs[i].q->e_attempt;
		p->p_success = refs[i].q->e_success;
		p->consequence_eur = refs[i].q->e_consequence_eur;
	}
	for (i = 0; i < n_sm; i++) {
		struct pt_plan_site *s;
		if (sm_site[i] < 0 || sm_measure[i] < 0)
			continue;
		s = &in->sites[sm_site[i]];
		if (sm[i].status == PT_SM_EXISTING)
			in->existing[ex_at[sm_site[i]] + s->n_existing++] = (uint32_t)sm_measure[i];
		else
			in->committed[co_at[sm_site[i]] + s->n_committed++] = (uint32_t)sm_measure[i];
	}
	err = pt_measure_effect_matrix(measures, &ranking->cat.threats, &in->v, &in->c, d);
out:
	free(pair_at);
	free(ex_at);
	free(co_at);
	free(sm_site);
	free(sm_measure);
	return err;
}

/* The exact solver as a check of the fast one: result.exact_reduction_eur and gap_to_exact. */
static enum pt_err check_with_exact(struct pt_plan_run *run, double time_limit_s,
				    struct pt_diag *d)
{
	struct pt_plan_result exact;
	enum pt_err err;
	memset(&exact, 0, sizeof exact);
	err = pt_plan_solve(run->model, run->result.budget_eur, PT_SOLVER_EXACT, time_limit_s,
			    &exact, d);
	if (err == PT_OK) {
		double e = exact.risk_reduction_eur, f = run->result.risk_reduction_eur;
		run->result.exact_reduction_eur = e;
		run->result.gap_to_exact = e > 0 ? (e - f) / e : 0;
	}
	pt_plan_result_free(&exact);
	return err;
}

enum pt_err pt_plan_run(struct pt_db *db, const struct pt_plan_opts *o, struct pt_plan_run **out,
			struct pt_diag *d)
{
	struct pt_plan_run *run;
	struct run_filter filter;
	struct pair_ref *refs = NULL;
	struct pt_site_measure_row *sm = NULL;
	struct pt_plan_inputs *in;
	size_t n_refs = 0, n_sm = 0;
	double time_limit;
	enum pt_err err;

	*out = NULL;
	if (!db || !o)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no options");
	if (!isfinite(o->budget_eur) || o->budget_eur < 0)
		return pt_diag_set(d, PT_EINVAL, 0, "budget", "the budget must be a finite amount >= 0");
	if (o->frontier_points == 1 || o->frontier_points > 100000)
		return pt_diag_set(d, PT_EINVAL, 0, "frontier",
				   "a frontier needs 2 to 100000 points, not %zu", o->frontier_points);
	if (o->set_discount_rate && !(o->discount_rate >= 0 && o->discount_rate <= 0.5))
		return pt_diag_set(d, PT_EINVAL, 0, "discount_rate",
				   "the discount rate is 0 to 0.5, not %g", o->discount_rate);
	if (o->horizon_years > 100)
		return pt_diag_set(d, PT_EINVAL, 0, "horizon_years",
				   "the horizon is 1 to 100 years, not %u", o->horizon_years);
	if (o->region && strlen(o->region) >= PT_REGION_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "region", "region longer than %d bytes",
				   PT_REGION_MAX - 1);
	memset(&filter, 0, sizeof filter);
	filter.region = o->region;
	run = calloc(1, sizeof *run);
	if (run && !(run->inputs = calloc(1, sizeof *run->inputs))) {
		free(run);
		run = NULL;
	}
	if (!run)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	in = run->inputs;
	run->result.exact_reduction_eur = NAN;
	run->result.gap_to_exact = NAN;
	pt_strlcpy(run->region, o->region ? o->region : "", sizeof run->region);

	/* Every read in one snapshot. */
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		goto fail;
	if ((err = quant_ranking(db, o->who, &filter, &run->ranking, d)) == PT_OK &&
	    (err = pt_db_measures_load(db, &run->measures, d)) == PT_OK)
		err = pt_db_site_measures_list(db, NULL, &sm, &n_sm, d);
	if ((err = pt_db_end(db, err, d)) != PT_OK)
		goto fail;
	run->withheld = filter.withheld;
	run->outside_region = filter.outside_region;
	if (o->set_discount_rate)
		run->ranking->cfg.plan_discount_rate = o->discount_rate;
	if (o->horizon_years)
		run->ranking->cfg.plan_horizon_years = o->horizon_years;

	if ((err = ranking_pairs(run->ranking, &refs, &n_refs, d)) != PT_OK ||
	    (err = run_inputs_build(run->ranking, &run->measures, refs, n_refs, sm, n_sm, in,
				    d)) != PT_OK ||
	    (err = pt_plan_model_build(&run->ranking->cfg, &run->measures, in->v, in->c,
				       run->ranking->cat.threats.n, in->sites, run->ranking->sites.n,
				       &run->model, d)) != PT_OK)
		goto fail;
	time_limit = o->time_limit_s > 0 ? o->time_limit_s : run->ranking->cfg.plan_exact_time_limit_s;
	if ((err = pt_plan_solve(run->model, o->budget_eur, o->solver, time_limit, &run->result,
				 d)) != PT_OK)
		goto fail;
	run->result.exact_reduction_eur = NAN;
	run->result.gap_to_exact = NAN;
	if (o->solver == PT_SOLVER_FAST &&
	    (o->check_exact > 0 ||
	     (o->check_exact < 0 && run->model->n_options <= CHECK_EXACT_MAX_OPTIONS)) &&
	    (err = check_with_exact(run, time_limit, d)) != PT_OK)
		goto fail;
	if (o->frontier_points) {
		struct pt_mckp p;
		size_t k = o->frontier_points;
		run->frontier_budget = calloc(k, sizeof *run->frontier_budget);
		run->frontier_reduction = calloc(k, sizeof *run->frontier_reduction);
		run->frontier_bound = calloc(k, sizeof *run->frontier_bound);
		if (!run->frontier_budget || !run->frontier_reduction || !run->frontier_bound) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto fail;
		}
		pt_plan_model_mckp(run->model, &p);
		if ((err = pt_mckp_frontier(&p, k, run->frontier_budget, run->frontier_reduction,
					    run->frontier_bound, d)) != PT_OK)
			goto fail;
		run->frontier_n = k;
	}
	free(refs);
	free(sm);
	*out = run;
	return PT_OK;
fail:
	free(refs);
	free(sm);
	pt_plan_run_free(run);
	return err;
}


enum pt_err pt_plan_sensitivity(const struct pt_plan_opts *o, const struct pt_plan_run *base,
				struct pt_plan_variant *out, size_t *n, struct pt_diag *d)
{
	static const double rates[] = { 0, 0.03, 0.05, 0.07 };
	const size_t n_rates = sizeof rates / sizeof rates[0];
	const struct pt_plan_inputs *in;
	struct pt_config cfg;
	unsigned horizons[2];
	double time_limit;
	size_t k;
	enum pt_err err = PT_OK;

	*n = 0;
	if (!o || !base || !base->inputs || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no options or plan");
	in = base->inputs;
	cfg = base->ranking->cfg;
	horizons[0] = cfg.plan_horizon_years / 2 ? cfg.plan_horizon_years / 2 : 1;
	horizons[1] = cfg.plan_horizon_years * 2 <= 100 ? cfg.plan_horizon_years * 2 : 100;
	time_limit = o->time_limit_s > 0 ? o->time_limit_s : cfg.plan_exact_time_limit_s;
	out[(*n)++] = (struct pt_plan_variant){ cfg.plan_discount_rate, cfg.plan_horizon_years,
						 base->result.cost_eur,
						 base->result.risk_reduction_eur,
						 base->result.sites_funded,
						 base->result.measures_chosen,
						 base->result.measures_chosen, 1 };
	/* The same inputs (one snapshot) with another rate or horizon: model and plan again. */
	for (k = 0; k < n_rates + 2 && err == PT_OK; k++) {
		struct pt_config vc = cfg;
		struct pt_plan_model *model = NULL;
		struct pt_plan_result result;
		if (k < n_rates)
			vc.plan_discount_rate = rates[k];
		else
			vc.plan_horizon_years = horizons[k - n_rates];
		if (fabs(vc.plan_discount_rate - cfg.plan_discount_rate) < 1e-12 &&
		    vc.plan_horizon_years == cfg.plan_horizon_years)
			continue;
		memset(&result, 0, sizeof result);
		if ((err = pt_plan_model_build(&vc, &base->measures, in->v, in->c,
					       base->ranking->cat.threats.n, in->sites,
					       base->ranking->sites.n, &model, d)) == PT_OK &&
		    (err = pt_plan_solve(model, o->budget_eur, o->solver, time_limit, &result,
					 d)) == PT_OK)
			out[(*n)++] = (struct pt_plan_variant){
				vc.plan_discount_rate, vc.plan_horizon_years, result.cost_eur,
				result.risk_reduction_eur, result.sites_funded, result.measures_chosen,
				pt_plan_common_measures(base->model, &base->result, model, &result), 0
			};
		pt_plan_result_free(&result);
		pt_plan_model_free(model);
	}
	return err;
}

/* ---- saved plans --------------------------------------------------------- */

static int may_plan(const struct pt_principal *who)
{
	return !who || gov_role(who, PT_ROLE_ADMIN) || gov_role(who, PT_ROLE_COORDINATOR);
}

/* Commit measure index mi of run's catalogue at site_id under plan name. */
static enum pt_err commit_measure(struct pt_db *db, const char *site_id, const char *measure_id,
				  const char *plan, const char *now, const char *actor,
				  size_t *added, struct pt_diag *d)
{
	sqlite3_stmt *st;
	char detail[PT_ID_MAX + PT_PLAN_NAME_MAX + 64];
	enum pt_err err;
	int rc;
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
	if (sqlite3_changes(pt_db_sqlite(db)) == 0)
		return PT_OK; /* already in place or committed: never downgraded */
	(*added)++;
	snprintf(detail, sizeof detail, "measure %s committed by plan %s", measure_id, plan);
	if ((err = pt_db_stmt(db, SQL_HISTORY_COMMIT, &st, d)) != PT_OK)
		return err;
	rc = bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, measure_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 3, now);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 4, actor);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 5, detail);
	return step_done(db, st, rc, "recording the commitment in the register", d);
}

enum pt_err pt_db_plan_save(struct pt_db *db, const struct pt_principal *who, const char *name,
			    const struct pt_plan_run *run, struct pt_diag *d)
{
	struct pt_plan_view v;
	const struct pt_plan_model *m;
	json_t *j;
	char *json = NULL, *site_lines = NULL, now[PT_TIMESTAMP_MAX], detail[256];
	const char *actor;
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i, k, added = 0;
	int rc, taken;

	if (!db || !run || !run->model || !run->ranking)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no plan");
	if (!may_plan(who))
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				   "only government admins and coordinators save plans");
	if (!name || !pt_id_valid(name) || strlen(name) >= PT_PLAN_NAME_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "name",
				   "a plan's name is 1 to 63 letters, digits, '-', '_' or '.'");
	m = run->model;
	memset(&v, 0, sizeof v);
	v.cfg = &run->ranking->cfg;
	v.threats = &run->ranking->cat.threats;
	v.sites = run->ranking->sites.items;
	v.measures = &run->measures;
	v.model = m;
	v.result = &run->result;
	v.threat_level_text = run->ranking->level_text;
	v.region = run->region;
	v.name = name;
	v.withheld = run->withheld;
	v.outside_region = run->outside_region;
	v.frontier_n = run->frontier_n;
	v.frontier_budget = run->frontier_budget;
	v.frontier_reduction = run->frontier_reduction;
	v.frontier_bound = run->frontier_bound;
	j = pt_plan_to_json(&v);
	if (j)
		json = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	if (!json)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory writing the plan as JSON");
	if (strlen(json) > (size_t)PLAN_JSON_MAX) {
		free(json);
		return pt_diag_set(d, PT_ELIMIT, 0, "", "the plan's JSON is larger than %ld bytes",
				   PLAN_JSON_MAX);
	}
	{ /* the funded sites with their figures, for listing without the JSON */
		size_t used = 0, cap = 1;
		for (i = 0; i < m->n_sites && i < run->result.n_sites; i++)
			if (run->result.choice[i])
				cap += strlen(run->ranking->sites.items[i].id) + 96;
		if (!(site_lines = malloc(cap))) {
			free(json);
			return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		}
		site_lines[0] = '\0';
		for (i = 0; i < m->n_sites && i < run->result.n_sites; i++) {
			const struct pt_plan_option *op;
			int w;
			if (!run->result.choice[i] || run->result.choice[i] >= m->sites[i].n_options)
				continue;
			op = &m->options[m->sites[i].first_option + run->result.choice[i]];
			w = snprintf(site_lines + used, cap - used, "%s%s,%.17g,%.17g,%u",
				     used ? "\n" : "", run->ranking->sites.items[i].id, op->cost_eur,
				     op->benefit_eur, (unsigned)op->n_measures);
			if (w < 0 || (size_t)w >= cap - used) {
				free(json);
				free(site_lines);
				return pt_diag_set(d, PT_EINTERNAL, 0, "", "a plan's site line is too long");
			}
			used += (size_t)w;
		}
	}
	if ((err = pt_db_begin(db, d)) != PT_OK) {
		free(json);
		free(site_lines);
		return err;
	}
	now_text(db, now);
	actor = actor_name(db);
	if ((taken = exists2(db, SQL_PLAN_EXISTS, name, NULL, d)) != 0) {
		err = taken < 0 ? PT_EDB
				: pt_diag_set(d, PT_ECONFLICT, 0, "name", "a plan named %s exists", name);
		goto out;
	}
	if ((err = pt_db_stmt(db, SQL_PLAN_ADD, &st, d)) != PT_OK)
		goto out;
	rc = bind_text(st, 1, name);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, now);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 3, actor);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 4, pt_plan_solver_name(run->result.solver));
	if (rc == SQLITE_OK)
		rc = bind_text(st, 5, run->region);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 6, run->ranking->level_text);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 7, run->result.budget_eur);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 8, run->result.cost_eur);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 9, run->result.risk_reduction_eur);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 10, isfinite(run->result.gap) ? run->result.gap : 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 11, (sqlite3_int64)run->result.sites_funded);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 12, (sqlite3_int64)run->result.measures_chosen);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 13, json);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 14, site_lines);
	if ((err = step_done(db, st, rc, "saving the plan", d)) != PT_OK)
		goto out;
	for (i = 0; i < m->n_sites && i < run->result.n_sites; i++) {
		const struct pt_plan_site_model *sm = &m->sites[i];
		const struct pt_plan_option *op;
		size_t c = run->result.choice[i];
		if (c == 0 || c >= sm->n_options)
			continue;
		op = &m->options[sm->first_option + c];
		for (k = 0; k < op->n_measures; k++) {
			uint32_t mi = m->option_measures[op->first_measure + k];
			if (mi >= run->measures.n) {
				err = pt_diag_set(d, PT_EINTERNAL, 0, "", "plan names measure %u of %zu",
						  (unsigned)mi, run->measures.n);
				goto out;
			}
			if ((err = commit_measure(db, run->ranking->sites.items[i].id,
						  run->measures.items[mi].id, name, now, actor, &added,
						  d)) != PT_OK)
				goto out;
		}
	}
	snprintf(detail, sizeof detail,
		 "budget %.0f EUR, cost %.0f EUR, %zu measures committed at %zu sites", run->result.budget_eur,
		 run->result.cost_eur, added, run->result.sites_funded);
	err = pt_audit_append(db, "plan.save", "plans", name, detail, d);
out:
	free(json);
	free(site_lines);
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_plan_site_lines(struct pt_db *db, const char *name, char **lines,
				struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*lines = NULL;
	if ((err = pt_db_stmt(db, SQL_PLAN_SITES, &st, d)) != PT_OK)
		return err;
	rc = bind_text(st, 1, name);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		*lines = strdup(t ? t : "");
		err = *lines ? PT_OK : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	} else if (rc == SQLITE_DONE) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "name", "no saved plan named %s", name);
	} else {
		err = pt_db_fail(db, rc, d, "reading a saved plan");
	}
	sqlite3_reset(st);
	return err;
}

static enum pt_err plan_row(sqlite3_stmt *st, struct pt_saved_plan *p, struct pt_diag *d)
{
	enum pt_err err;
	memset(p, 0, sizeof *p);
	if ((err = col_text(st, 0, p->name, sizeof p->name, d)) != PT_OK ||
	    (err = col_text(st, 1, p->created_at, sizeof p->created_at, d)) != PT_OK ||
	    (err = col_text(st, 2, p->created_by, sizeof p->created_by, d)) != PT_OK ||
	    (err = col_text(st, 3, p->solver, sizeof p->solver, d)) != PT_OK ||
	    (err = col_text(st, 4, p->region, sizeof p->region, d)) != PT_OK ||
	    (err = col_text(st, 5, p->threat_level, sizeof p->threat_level, d)) != PT_OK)
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
	struct pt_saved_plan *list = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*plans = NULL;
	*n = 0;
	if ((err = pt_db_stmt(db, SQL_PLANS_ALL, &st, d)) != PT_OK)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = pt_db_grow((void **)&list, &cap, count, sizeof *list, PLANS_MAX,
				      "too many saved plans", d)) != PT_OK ||
		    (err = plan_row(st, &list[count], d)) != PT_OK)
			break;
		count++;
	}
	sqlite3_reset(st);
	if (err == PT_OK && rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, "reading the saved plans");
	if (err != PT_OK) {
		free(list);
		return err;
	}
	*plans = list;
	*n = count;
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
	if ((err = pt_db_stmt(db, SQL_PLAN_GET, &st, d)) != PT_OK)
		return err;
	rc = bind_text(st, 1, name);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return pt_diag_set(d, PT_ENOTFOUND, 0, "name", "no plan named %s", name ? name : "");
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a saved plan");
	}
	err = plan_row(st, out, d);
	if (err == PT_OK && json) {
		const unsigned char *t = sqlite3_column_text(st, 12);
		size_t len = t ? (size_t)sqlite3_column_bytes(st, 12) : 0;
		*json = malloc(len + 1);
		if (!*json)
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		else {
			if (len)
				memcpy(*json, t, len);
			(*json)[len] = '\0';
		}
	}
	sqlite3_reset(st);
	return err;
}

/* ---- the risk register --------------------------------------------------- */

/* A stored register row (columns of REGISTER_COLUMNS) into e; *responsible_id may be NULL. */
static enum pt_err register_row(sqlite3_stmt *st, struct pt_register_entry *e,
				long long *responsible_id, struct pt_diag *d)
{
	char treatment[16];
	enum pt_err err;
	if ((err = col_text(st, 0, e->site_id, sizeof e->site_id, d)) != PT_OK ||
	    (err = col_text(st, 1, e->threat_id, sizeof e->threat_id, d)) != PT_OK ||
	    (err = col_text(st, 2, treatment, sizeof treatment, d)) != PT_OK ||
	    (err = col_text(st, 3, e->responsible, sizeof e->responsible, d)) != PT_OK ||
	    (err = col_text(st, 4, e->review_date, sizeof e->review_date, d)) != PT_OK ||
	    (err = col_text(st, 5, e->measures, sizeof e->measures, d)) != PT_OK ||
	    (err = col_text(st, 6, e->note, sizeof e->note, d)) != PT_OK ||
	    (err = col_text(st, 9, e->approved_by, sizeof e->approved_by, d)) != PT_OK ||
	    (err = col_text(st, 10, e->approved_at, sizeof e->approved_at, d)) != PT_OK ||
	    (err = col_text(st, 11, e->updated_at, sizeof e->updated_at, d)) != PT_OK ||
	    (err = col_text(st, 12, e->updated_by, sizeof e->updated_by, d)) != PT_OK)
		return err;
	if (pt_treatment_parse(treatment, &e->treatment) != PT_OK)
		e->treatment = PT_TREAT_NONE;
	e->needs_approval = sqlite3_column_int(st, 7) != 0;
	e->approved = sqlite3_column_int(st, 8) != 0;
	if (responsible_id)
		*responsible_id = sqlite3_column_int64(st, 13);
	return PT_OK;
}

static int entry_key_cmp(const void *a, const void *b)
{
	const struct pt_register_entry *x = a, *y = b;
	int c = strcmp(x->site_id, y->site_id);
	return c ? c : strcmp(x->threat_id, y->threat_id);
}

static int entry_risk_cmp(const void *a, const void *b)
{
	const struct pt_register_entry *x = a, *y = b;
	if (x->risk_eur_year != y->risk_eur_year)
		return x->risk_eur_year < y->risk_eur_year ? 1 : -1;
	return entry_key_cmp(a, b);
}

/* The band of a pair on the quant matrix of cfg. */
static enum pt_band pair_band(const struct pt_config *cfg, const struct pt_quant_pair_result *q)
{
	int l = 0, c = 0;
	pt_matrix_quant_classes(cfg, q->e_attempt * q->e_success, q->e_consequence_eur, &l, &c);
	return pt_matrix_band(cfg, l, c);
}

/* Overlay the stored decisions (ordered by site, threat) on entries (sorted the same way). */
static enum pt_err register_merge(struct pt_db *db, const char *site_id,
				  struct pt_register_entry *e, size_t n, struct pt_diag *d)
{
	struct pt_register_entry row;
	sqlite3_stmt *st;
	enum pt_err err;
	size_t k = 0, rows = 0;
	int rc;
	if ((err = pt_db_stmt(db, SQL_REGISTER_ALL, &st, d)) != PT_OK)
		return err;
	rc = bind_text(st, 1, site_id);
	while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++rows > REGISTER_ROWS_MAX) {
			err = pt_diag_set(d, PT_ELIMIT, 0, "", "more than %d register rows",
					  REGISTER_ROWS_MAX);
			break;
		}
		memset(&row, 0, sizeof row);
		if ((err = register_row(st, &row, NULL, d)) != PT_OK)
			break;
		while (k < n && entry_key_cmp(&e[k], &row) < 0)
			k++;
		if (k < n && entry_key_cmp(&e[k], &row) == 0) {
			struct pt_register_entry *x = &e[k];
			x->treatment = row.treatment;
			memcpy(x->responsible, row.responsible, sizeof x->responsible);
			memcpy(x->review_date, row.review_date, sizeof x->review_date);
			memcpy(x->measures, row.measures, sizeof x->measures);
			memcpy(x->note, row.note, sizeof x->note);
			x->needs_approval = row.needs_approval;
			x->approved = row.approved;
			memcpy(x->approved_by, row.approved_by, sizeof x->approved_by);
			memcpy(x->approved_at, row.approved_at, sizeof x->approved_at);
			memcpy(x->updated_at, row.updated_at, sizeof x->updated_at);
			memcpy(x->updated_by, row.updated_by, sizeof x->updated_by);
		}
	}
	sqlite3_reset(st);
	if (err == PT_OK && rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, "reading the risk register");
	return err;
}

enum pt_err pt_db_register_list(struct pt_db *db, const struct pt_principal *who,
				const char *site_id, struct pt_register_entry **out, size_t *n,
				struct pt_diag *d)
{
	struct run_filter filter;
	struct pt_ranking *r = NULL;
	struct pair_ref *refs = NULL;
	struct pt_register_entry *e = NULL;
	struct pt_measure_catalog measures;
	struct pt_site_measure_row *sm = NULL;
	struct pt_plan_inputs in;
	size_t n_refs = 0, n_sm = 0, i;
	enum pt_err err;

	*out = NULL;
	*n = 0;
	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	memset(&measures, 0, sizeof measures);
	memset(&in, 0, sizeof in);
	memset(&filter, 0, sizeof filter);
	filter.site_id = site_id && *site_id ? site_id : NULL;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = quant_ranking(db, who, &filter, &r, d)) != PT_OK)
		goto read_done;
	if (filter.site_id && r->sites.n == 0) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site %s", site_id);
		goto read_done;
	}
	if ((err = ranking_pairs(r, &refs, &n_refs, d)) != PT_OK ||
	    (err = pt_db_measures_load(db, &measures, d)) != PT_OK ||
	    (err = pt_db_site_measures_list(db, filter.site_id, &sm, &n_sm, d)) != PT_OK ||
	    (err = run_inputs_build(r, &measures, refs, n_refs, sm, n_sm, &in, d)) != PT_OK)
		goto read_done;
	e = calloc(n_refs ? n_refs : 1, sizeof *e);
	if (!e) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto read_done;
	}
	for (i = 0; i < n_refs; i++) {
		const struct pt_site *s = &r->sites.items[refs[i].site];
		pt_strlcpy(e[i].site_id, s->id, sizeof e[i].site_id);
		pt_strlcpy(e[i].site_name, s->name, sizeof e[i].site_name);
		pt_strlcpy(e[i].threat_id, pt_ranking_threat_id(r, (long)refs[i].threat),
			   sizeof e[i].threat_id);
		pt_strlcpy(e[i].owner_org, s->owner, sizeof e[i].owner_org);
		e[i].band = pair_band(&r->cfg, refs[i].q);
		e[i].risk_eur_year = refs[i].q->risk_eur;
		e[i].treatment = PT_TREAT_NONE;
		{
			const struct pt_plan_site *ps = &in.sites[refs[i].site];
			pt_register_residual(&r->cfg, refs[i].q->e_attempt, refs[i].q->e_success,
					     refs[i].q->e_consequence_eur, ps->committed,
					     ps->n_committed, measures.n, in.v, in.c,
					     r->cat.threats.n, refs[i].threat,
					     &e[i].residual_eur_year, &e[i].residual_band);
			e[i].n_committed = ps->n_committed;
		}
	}
	if (n_refs)
		qsort(e, n_refs, sizeof *e, entry_key_cmp);
	err = register_merge(db, filter.site_id, e, n_refs, d);
read_done:
	err = pt_db_end(db, err, d);
	pt_ranking_free(r);
	free(refs);
	free(sm);
	run_inputs_free(&in);
	pt_measure_catalog_free(&measures);
	if (err != PT_OK) {
		free(e);
		return err;
	}
	if (n_refs)
		qsort(e, n_refs, sizeof *e, entry_risk_cmp);
	*out = e;
	*n = n_refs;
	return PT_OK;
}

/* Nonzero for a real calendar date written YYYY-MM-DD. */
static int date_valid(const char *s)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, dd, i, leap;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	dd = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || dd < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return dd <= days[m - 1] + (m == 2 && leap);
}

/* Append to a history detail, "; " between parts; cut with "..." when full. */
static void detail_add(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void detail_add(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;
	int w;
	if (used + 8 >= size)
		return;
	if (used) {
		memcpy(buf + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	w = vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= size - used)
		memcpy(buf + size - 4, "...", 4);
}

/* One field's change for the history: "field old -> new", "field -> new", "field old -> (none)". */
static void detail_change(char *buf, size_t size, const char *field, const char *old,
			  const char *now)
{
	if (strcmp(old, now) == 0)
		return;
	if (!*old)
		detail_add(buf, size, "%s -> %s", field, now);
	else
		detail_add(buf, size, "%s %s -> %s", field, old, *now ? now : "(none)");
}

/* Normalise a measures list ("a; b,c") into ';'-joined ids each at the site. */
static enum pt_err measures_parse(struct pt_db *db, const char *site_id, const char *in,
				  char *out, size_t size, struct pt_diag *d)
{
	size_t used = 0;
	const char *p = in;
	out[0] = '\0';
	while (*p) {
		char id[PT_ID_MAX];
		size_t len;
		int at;
		while (*p == ' ' || *p == ';' || *p == ',' || *p == '\t')
			p++;
		len = strcspn(p, ";,");
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (!len)
			break;
		if (len >= sizeof id)
			return pt_diag_set(d, PT_EINVAL, 0, "measures", "measure id longer than %d bytes",
					   PT_ID_MAX - 1);
		memcpy(id, p, len);
		id[len] = '\0';
		p += len;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!pt_id_valid(id))
			return pt_diag_set(d, PT_EINVAL, 0, "measures", "'%s' is not a measure id", id);
		if ((at = exists2(db, SQL_SITE_MEASURE_AT, site_id, id, d)) < 0)
			return PT_EDB;
		if (!at)
			return pt_diag_set(d, PT_EINVAL, 0, "measures",
					   "measure %s is not in place or committed at %s", id, site_id);
		{ /* skip a repeated id */
			const char *q = out;
			int dup = 0;
			while (*q && !dup) {
				size_t l = strcspn(q, ";");
				dup = l == len && memcmp(q, id, len) == 0;
				q += l + (q[l] == ';');
			}
			if (dup)
				continue;
		}
		if (used + len + 2 > size)
			return pt_diag_set(d, PT_EINVAL, 0, "measures", "more measures than fit in %zu bytes",
					   size - 1);
		if (used)
			out[used++] = ';';
		memcpy(out + used, id, len + 1);
		used += len;
	}
	return PT_OK;
}

/*
 * The band and figures of (site_id, threat_id) at the current threat level
 * and the configuration; PT_ENOTFOUND when the pair is not assessed.
 */
static enum pt_err pair_figures(struct pt_db *db, const char *site_id, const char *threat_id,
				struct pt_config *cfg, enum pt_band *band, struct pt_diag *d)
{
	struct run_filter filter;
	struct pt_ranking *r = NULL;
	struct pair_ref *refs = NULL;
	size_t n = 0, i;
	enum pt_err err;
	memset(&filter, 0, sizeof filter);
	filter.site_id = site_id;
	if ((err = quant_ranking(db, NULL, &filter, &r, d)) != PT_OK ||
	    (err = ranking_pairs(r, &refs, &n, d)) != PT_OK)
		goto out;
	err = pt_diag_set(d, PT_ENOTFOUND, 0, "threat_id",
			  "site %s has no quantitative assessment of threat %s", site_id, threat_id);
	for (i = 0; i < n; i++)
		if (strcmp(pt_ranking_threat_id(r, (long)refs[i].threat), threat_id) == 0) {
			*cfg = r->cfg;
			*band = pair_band(&r->cfg, refs[i].q);
			err = PT_OK;
			if (d)
				pt_diag_clear(d);
			break;
		}
out:
	free(refs);
	pt_ranking_free(r);
	return err;
}

/* The stored decision on a pair into cur (treatment none and *exists 0 when none). */
static enum pt_err register_get(struct pt_db *db, const char *site_id, const char *threat_id,
				struct pt_register_entry *cur, long long *responsible_id,
				int *exists, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	memset(cur, 0, sizeof *cur);
	*responsible_id = 0;
	*exists = 0;
	if ((err = pt_db_stmt(db, SQL_REGISTER_GET, &st, d)) != PT_OK)
		return err;
	rc = bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, threat_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*exists = 1;
		err = register_row(st, cur, responsible_id, d);
	} else if (rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, "reading the risk register");
	sqlite3_reset(st);
	return err;
}

static enum pt_err history_add(struct pt_db *db, const char *site_id, const char *threat_id,
			       const char *at, const char *actor, const char *action,
			       const char *detail, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_stmt(db, SQL_HISTORY_ADD, &st, d)) != PT_OK)
		return err;
	rc = bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, threat_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 3, at);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 4, actor);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 5, action);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 6, detail);
	return step_done(db, st, rc, "recording the register's history", d);
}

/* The audit record id of a pair: "SITE/THREAT". */
static void pair_record(char *buf, size_t size, const char *site_id, const char *threat_id)
{
	size_t a = strlen(site_id), b = strlen(threat_id);
	if (a + b + 2 > size) {
		pt_strlcpy(buf, site_id, size);
		return;
	}
	memcpy(buf, site_id, a);
	buf[a] = '/';
	memcpy(buf + a + 1, threat_id, b + 1);
}

enum pt_err pt_db_register_set(struct pt_db *db, const struct pt_principal *who,
			       const char *site_id, const char *threat_id,
			       const struct pt_register_change *change, struct pt_diag *d)
{
	struct pt_access_index *ix = NULL;
	struct pt_register_entry cur, next;
	struct pt_site site;
	struct pt_config cfg;
	struct pt_user user;
	enum pt_band band = PT_BAND_NONE;
	enum pt_access a;
	sqlite3_stmt *st;
	char now[PT_TIMESTAMP_MAX], detail[PT_NOTE_MAX + 512], record[2 * PT_ID_MAX];
	const char *actor;
	long long responsible_id = 0;
	enum pt_err err;
	int exists = 0, rc, needs;

	if (!db || !change || !site_id || !threat_id)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, pair or change");
	if (!pt_id_valid(site_id))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site %s", site_id);
	if (!pt_id_valid(threat_id))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "threat_id", "unknown threat %s", threat_id);
	memset(&next, 0, sizeof next);
	if (change->treatment && (pt_treatment_parse(change->treatment, &next.treatment) != PT_OK ||
				  next.treatment == PT_TREAT_NONE))
		return pt_diag_set(d, PT_EINVAL, 0, "treatment",
				   "unknown treatment '%s' (accept, reduce, transfer or avoid)",
				   change->treatment);
	if (change->review_date && *change->review_date && !date_valid(change->review_date))
		return pt_diag_set(d, PT_EINVAL, 0, "review_date",
				   "'%s' is not a date (YYYY-MM-DD, a real calendar day)",
				   change->review_date);
	if (change->note && strlen(change->note) >= PT_NOTE_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "note", "note longer than %d bytes",
				   PT_NOTE_MAX - 1);
	if (change->responsible && strlen(change->responsible) >= PT_USER_NAME_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "responsible", "unknown user %.63s...",
				   change->responsible);

	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	now_text(db, now);
	actor = actor_name(db);
	err = site_access(db, who, site_id, pt_access_treat, &site, &ix, &a, d);
	if (err == PT_ENOTFOUND || (err == PT_OK && a == PT_ACCESS_NOT_FOUND)) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site %s", site_id);
		goto out;
	}
	if (err != PT_OK)
		goto out;
	if (a != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				  "only the owning organisation or a government coordinator records "
				  "decisions on %s",
				  site_id);
		goto out;
	}
	if ((err = pair_figures(db, site_id, threat_id, &cfg, &band, d)) != PT_OK ||
	    (err = register_get(db, site_id, threat_id, &cur, &responsible_id, &exists, d)) != PT_OK)
		goto out;

	next = cur;
	if (change->treatment)
		pt_treatment_parse(change->treatment, &next.treatment);
	if (change->responsible) {
		if (!*change->responsible) {
			responsible_id = 0;
			next.responsible[0] = '\0';
		} else {
			long long owner = pt_access_index_org_id(ix, site.owner);
			err = pt_db_user_get(db, change->responsible, &user, d);
			if (err == PT_ENOTFOUND) {
				err = pt_diag_set(d, PT_EINVAL, 0, "responsible", "unknown user %s",
						  change->responsible);
				goto out;
			}
			if (err != PT_OK)
				goto out;
			if (owner <= 0 || user.org_id != owner) {
				err = pt_diag_set(d, PT_EINVAL, 0, "responsible",
						  "%s is not a user of %s, the organisation owning %s",
						  user.name, *site.owner ? site.owner : "(no owner)",
						  site_id);
				goto out;
			}
			responsible_id = user.id;
			pt_strlcpy(next.responsible, user.name, sizeof next.responsible);
		}
	}
	if (change->review_date)
		pt_strlcpy(next.review_date, change->review_date, sizeof next.review_date);
	if (change->measures &&
	    (err = measures_parse(db, site_id, change->measures, next.measures,
				  sizeof next.measures, d)) != PT_OK)
		goto out;
	if (change->note)
		pt_strlcpy(next.note, change->note, sizeof next.note);

	/* Approval: accepting above the band needs a government coordinator. */
	needs = pt_register_needs_approval(&cfg, next.treatment, band);
	if (!needs || next.treatment != cur.treatment || !cur.needs_approval) {
		next.approved = 0;
		next.approved_by[0] = next.approved_at[0] = '\0';
		if (needs && (!who || gov_role(who, PT_ROLE_COORDINATOR))) {
			next.approved = 1;
			pt_strlcpy(next.approved_by, actor, sizeof next.approved_by);
			pt_strlcpy(next.approved_at, now, sizeof next.approved_at);
		}
	}
	next.needs_approval = needs;

	detail[0] = '\0';
	detail_change(detail, sizeof detail, "treatment", pt_treatment_name(cur.treatment),
		      pt_treatment_name(next.treatment));
	detail_change(detail, sizeof detail, "responsible", cur.responsible, next.responsible);
	detail_change(detail, sizeof detail, "review_date", cur.review_date, next.review_date);
	detail_change(detail, sizeof detail, "measures", cur.measures, next.measures);
	if (strcmp(cur.note, next.note) != 0)
		detail_add(detail, sizeof detail, *next.note ? "note \"%s\"" : "note cleared%s",
			   next.note);
	if (needs && next.approved && !(cur.approved && cur.needs_approval))
		detail_add(detail, sizeof detail,
			   "accepting a %s risk (above %s) approved at once by %s",
			   pt_band_name(band), pt_band_name((enum pt_band)cfg.register_accept_max_band),
			   actor);
	else if (needs && !next.approved)
		detail_add(detail, sizeof detail,
			   "accepting a %s risk (above %s) awaits a government coordinator's approval",
			   pt_band_name(band), pt_band_name((enum pt_band)cfg.register_accept_max_band));
	if (!*detail)
		detail_add(detail, sizeof detail, "no change");

	if ((err = pt_db_stmt(db, SQL_REGISTER_PUT, &st, d)) != PT_OK)
		goto out;
	rc = bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, threat_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 3, pt_treatment_name(next.treatment));
	if (rc == SQLITE_OK)
		rc = responsible_id > 0 ? sqlite3_bind_int64(st, 4, responsible_id)
					: sqlite3_bind_null(st, 4);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 5, next.review_date);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 6, next.measures);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 7, next.note);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 8, next.needs_approval);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 9, next.approved);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 10, next.approved_by);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 11, next.approved_at);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 12, now);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 13, actor);
	if ((err = step_done(db, st, rc, "recording the decision", d)) != PT_OK ||
	    (err = history_add(db, site_id, threat_id, now, actor, "set", detail, d)) != PT_OK)
		goto out;
	pair_record(record, sizeof record, site_id, threat_id);
	err = pt_audit_append(db, "register.set", "risk_register", record, detail, d);
out:
	pt_access_index_free(ix);
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_register_approve(struct pt_db *db, const struct pt_principal *who,
				   const char *site_id, const char *threat_id,
				   struct pt_diag *d)
{
	struct pt_access_index *ix = NULL;
	struct pt_register_entry cur;
	struct pt_site site;
	enum pt_access a;
	sqlite3_stmt *st;
	char now[PT_TIMESTAMP_MAX], detail[256], record[2 * PT_ID_MAX];
	const char *actor;
	long long responsible_id;
	enum pt_err err;
	int exists, rc;

	if (!db || !site_id || !threat_id)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or pair");
	if (who && !gov_role(who, PT_ROLE_COORDINATOR))
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				   "only a government coordinator approves accepting a risk");
	if (!pt_id_valid(site_id) || !pt_id_valid(threat_id))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site or threat");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	now_text(db, now);
	actor = actor_name(db);
	err = site_access(db, who, site_id, pt_access_read, &site, &ix, &a, d);
	if (err == PT_ENOTFOUND || (err == PT_OK && a != PT_ACCESS_OK)) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site %s", site_id);
		goto out;
	}
	if (err != PT_OK ||
	    (err = register_get(db, site_id, threat_id, &cur, &responsible_id, &exists, d)) != PT_OK)
		goto out;
	if (!exists || cur.treatment != PT_TREAT_ACCEPT || !cur.needs_approval || cur.approved) {
		err = pt_diag_set(d, PT_EINVAL, 0, "", "nothing awaits approval for %s/%s", site_id,
				  threat_id);
		goto out;
	}
	if ((err = pt_db_stmt(db, SQL_REGISTER_APPROVE, &st, d)) != PT_OK)
		goto out;
	rc = bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, threat_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 3, actor);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 4, now);
	if ((err = step_done(db, st, rc, "approving the acceptance", d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail, "acceptance approved by %s", actor);
	if ((err = history_add(db, site_id, threat_id, now, actor, "approve", detail, d)) != PT_OK)
		goto out;
	pair_record(record, sizeof record, site_id, threat_id);
	err = pt_audit_append(db, "register.approve", "risk_register", record, detail, d);
out:
	pt_access_index_free(ix);
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_register_history(struct pt_db *db, const struct pt_principal *who,
				   const char *site_id, const char *threat_id,
				   struct pt_register_history_row **rows, size_t *n,
				   struct pt_diag *d)
{
	struct pt_access_index *ix = NULL;
	struct pt_register_history_row *list = NULL;
	struct pt_site site;
	enum pt_access a;
	sqlite3_stmt *st;
	size_t count = 0, cap = 0;
	enum pt_err err;
	int rc = SQLITE_DONE;

	*rows = NULL;
	*n = 0;
	if (!db || !site_id || !threat_id)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or pair");
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	err = site_access(db, who, site_id, pt_access_read, &site, &ix, &a, d);
	if (err == PT_ENOTFOUND || (err == PT_OK && a != PT_ACCESS_OK)) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site %s", site_id);
		goto out;
	}
	if (err != PT_OK || (err = pt_db_stmt(db, SQL_HISTORY_GET, &st, d)) != PT_OK)
		goto out;
	rc = bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, threat_id);
	while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pt_register_history_row *h;
		if ((err = pt_db_grow((void **)&list, &cap, count, sizeof *list, HISTORY_MAX,
				      "too many history rows", d)) != PT_OK)
			break;
		h = &list[count];
		memset(h, 0, sizeof *h);
		if ((err = col_text(st, 0, h->at, sizeof h->at, d)) != PT_OK ||
		    (err = col_text(st, 1, h->actor, sizeof h->actor, d)) != PT_OK ||
		    (err = col_text(st, 2, h->action, sizeof h->action, d)) != PT_OK ||
		    (err = col_text(st, 3, h->detail, sizeof h->detail, d)) != PT_OK)
			break;
		count++;
	}
	sqlite3_reset(st);
	if (err == PT_OK && rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, "reading the register's history");
out:
	pt_access_index_free(ix);
	err = pt_db_end(db, err, d);
	if (err != PT_OK) {
		free(list);
		return err;
	}
	*rows = list;
	*n = count;
	return PT_OK;
}
