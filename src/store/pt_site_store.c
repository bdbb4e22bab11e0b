/* pt_site_store.c - the sites of the registry (import, list, get) and
 * their assessments (FEMA, CARVER + Shock, quantitative), in SQLite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pt_audit.h"
#include "pt_site_store.h"
#include "pt_store_int.h"
#include "pt_survey_store.h"

/* The statement table of this file. */
enum site_stmt {
	ST_KIND_EXISTS,
	ST_SECTOR_EXISTS,
	ST_THREAT_EXISTS,
	ST_SITE_EXISTS,
	ST_SITE_READER_ADD,
	ST_ORG_FIND,
	ST_ORG_ADD,
	ST_SITE_COUNT,
	ST_SITE_PUT,
	ST_SITE_ED_PUT, /* issue 16 (item 2): a site's emergency department, migration 028 */
	ST_SITE_ED_DROP,
	ST_SITES_LIST,
	ST_SITES_WITHHELD,
	ST_SITE_GET,
	ST_FEMA_PUT,
	ST_FEMA_COUNT,
	ST_FEMA_ALL,
	ST_FEMA_SITE_COUNT,
	ST_FEMA_SITE,
	ST_CARVER_PUT,
	ST_CARVER_COUNT,
	ST_CARVER_ALL,
	ST_CARVER_SITE_COUNT,
	ST_CARVER_SITE,
	ST_QUANT_PUT,
	ST_QUANT_COUNT,
	ST_QUANT_ALL,
	ST_QUANT_SITE_COUNT,
	ST_QUANT_SITE,
	ST_COUNT
};

#define SITE_COLUMNS                                                                      \
	"s.id, s.name, s.kind_id, s.sector_id, coalesce(o.name, ''), s.lat, s.lon, s.region, " \
	"s.capacity, s.peak_occupancy, s.population_served, s.economic_value_eur, s.tlp, "      \
	"s.staff, s.entrances, s.perimeter_m, s.vehicle_approaches, s.screened_per_day, "       \
	"s.control_systems, s.enclosure, s.staffed, s.legal_basis, s.fenced, e.has "             \
	"FROM sites s JOIN tlp_labels t ON t.name = s.tlp "                                     \
	"LEFT JOIN organisations o ON o.id = s.owner_id "                                       \
	"LEFT JOIN site_emergency_departments e ON e.site_id = s.id "
#define FEMA_COLUMNS "site_id, threat_id, asset_value, threat_rating, vulnerability_rating"
#define CARVER_COLUMNS                                                                    \
	"site_id, criticality, accessibility, recuperability, vulnerability, effect, "       \
	"recognizability, shock"
#define QUANT_COLUMNS                                                                     \
	"site_id, threat_id, p_attempt_min, p_attempt_mode, p_attempt_max, p_success_min, "  \
	"p_success_mode, p_success_max, fatalities_min, fatalities_mode, fatalities_max, "   \
	"injuries_min, injuries_mode, injuries_max, loss_eur_min, loss_eur_mode, loss_eur_max"

static const char *const stmt_sql[ST_COUNT] = {
	[ST_KIND_EXISTS] = "SELECT 1 FROM kinds WHERE id = ?1",
	[ST_SECTOR_EXISTS] = "SELECT 1 FROM sectors WHERE id = ?1",
	[ST_THREAT_EXISTS] = "SELECT 1 FROM threats WHERE id = ?1",
	[ST_SITE_EXISTS] = "SELECT 1 FROM sites WHERE id = ?1",
	[ST_SITE_READER_ADD] = "INSERT INTO site_readers (site_id, user_id) VALUES (?1, ?2) "
			       "ON CONFLICT DO NOTHING",
	[ST_ORG_FIND] = "SELECT id FROM organisations WHERE name = ?1",
	[ST_ORG_ADD] = "INSERT INTO organisations (name, type) VALUES (?1, ?2)",
	[ST_SITE_COUNT] = "SELECT count(*) FROM sites",
	[ST_SITE_PUT] = "INSERT INTO sites (id, name, kind_id, sector_id, owner_id, lat, lon, region, "
			"capacity, peak_occupancy, population_served, economic_value_eur, tlp, "
			"staff, entrances, perimeter_m, vehicle_approaches, screened_per_day, "
			"control_systems, enclosure, staffed, legal_basis, fenced) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
			"?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23) "
			"ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
			"kind_id = excluded.kind_id, sector_id = excluded.sector_id, "
			"owner_id = excluded.owner_id, lat = excluded.lat, lon = excluded.lon, "
			"region = excluded.region, capacity = excluded.capacity, "
			"peak_occupancy = excluded.peak_occupancy, "
			"population_served = excluded.population_served, "
			"economic_value_eur = excluded.economic_value_eur, tlp = excluded.tlp, "
			"staff = excluded.staff, entrances = excluded.entrances, "
			"perimeter_m = excluded.perimeter_m, "
			"vehicle_approaches = excluded.vehicle_approaches, "
			"screened_per_day = excluded.screened_per_day, "
			"control_systems = excluded.control_systems, enclosure = excluded.enclosure, "
			"staffed = excluded.staffed, legal_basis = excluded.legal_basis, "
			"fenced = excluded.fenced",
	[ST_SITE_ED_PUT] = "INSERT INTO site_emergency_departments (site_id, has) VALUES (?1, ?2) "
			   "ON CONFLICT (site_id) DO UPDATE SET has = excluded.has "
			   "WHERE has IS NOT excluded.has",
	[ST_SITE_ED_DROP] = "DELETE FROM site_emergency_departments WHERE site_id = ?1",
	[ST_SITES_LIST] = "SELECT " SITE_COLUMNS "WHERE t.rank <= ?1 ORDER BY s.id",
	[ST_SITES_WITHHELD] = "SELECT count(*) FROM sites s JOIN tlp_labels t ON t.name = s.tlp "
			      "WHERE t.rank > ?1",
	[ST_SITE_GET] = "SELECT " SITE_COLUMNS "WHERE s.id = ?1",
	[ST_FEMA_PUT] = "INSERT INTO fema_assessments (" FEMA_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5) "
			"ON CONFLICT (site_id, threat_id) DO UPDATE SET "
			"asset_value = excluded.asset_value, threat_rating = excluded.threat_rating, "
			"vulnerability_rating = excluded.vulnerability_rating",
	[ST_FEMA_COUNT] = "SELECT count(*) FROM fema_assessments",
	[ST_FEMA_ALL] = "SELECT " FEMA_COLUMNS " FROM fema_assessments ORDER BY site_id, threat_id",
	[ST_FEMA_SITE_COUNT] = "SELECT count(*) FROM fema_assessments WHERE site_id = ?1",
	[ST_FEMA_SITE] = "SELECT " FEMA_COLUMNS " FROM fema_assessments WHERE site_id = ?1 "
			 "ORDER BY site_id, threat_id",
	[ST_CARVER_PUT] = "INSERT INTO carver_assessments (" CARVER_COLUMNS ") "
			  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (site_id) DO UPDATE SET "
			  "criticality = excluded.criticality, accessibility = excluded.accessibility, "
			  "recuperability = excluded.recuperability, "
			  "vulnerability = excluded.vulnerability, effect = excluded.effect, "
			  "recognizability = excluded.recognizability, shock = excluded.shock",
	[ST_CARVER_COUNT] = "SELECT count(*) FROM carver_assessments",
	[ST_CARVER_ALL] = "SELECT " CARVER_COLUMNS " FROM carver_assessments ORDER BY site_id",
	[ST_CARVER_SITE_COUNT] = "SELECT count(*) FROM carver_assessments WHERE site_id = ?1",
	[ST_CARVER_SITE] = "SELECT " CARVER_COLUMNS " FROM carver_assessments WHERE site_id = ?1",
	[ST_QUANT_PUT] = "INSERT INTO quant_assessments (" QUANT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, "
			 "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) "
			 "ON CONFLICT (site_id, threat_id) DO UPDATE SET "
			 "p_attempt_min = excluded.p_attempt_min, "
			 "p_attempt_mode = excluded.p_attempt_mode, "
			 "p_attempt_max = excluded.p_attempt_max, "
			 "p_success_min = excluded.p_success_min, "
			 "p_success_mode = excluded.p_success_mode, "
			 "p_success_max = excluded.p_success_max, "
			 "fatalities_min = excluded.fatalities_min, "
			 "fatalities_mode = excluded.fatalities_mode, "
			 "fatalities_max = excluded.fatalities_max, "
			 "injuries_min = excluded.injuries_min, "
			 "injuries_mode = excluded.injuries_mode, "
			 "injuries_max = excluded.injuries_max, "
			 "loss_eur_min = excluded.loss_eur_min, "
			 "loss_eur_mode = excluded.loss_eur_mode, "
			 "loss_eur_max = excluded.loss_eur_max",
	[ST_QUANT_COUNT] = "SELECT count(*) FROM quant_assessments",
	[ST_QUANT_ALL] = "SELECT " QUANT_COLUMNS " FROM quant_assessments ORDER BY site_id, threat_id",
	[ST_QUANT_SITE_COUNT] = "SELECT count(*) FROM quant_assessments WHERE site_id = ?1",
	[ST_QUANT_SITE] = "SELECT " QUANT_COLUMNS " FROM quant_assessments WHERE site_id = ?1 "
			  "ORDER BY site_id, threat_id",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_SITE, ST_COUNT, stmt_sql};

/* ---- sites ------------------------------------------------------------- */

/* The id of organisation name, created as an operator if unknown. */
static enum pt_err org_resolve(struct pt_db *db, const char *name, size_t cap, long long *id,
			       long line, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	if ((err = pt_db_prepare(db, &stmts, ST_ORG_FIND, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_field(st, 1, name, cap);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return PT_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pt_db_fail_at(db, rc, d, line, "looking up the owner");
	if ((err = pt_db_prepare(db, &stmts, ST_ORG_ADD, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_field(st, 1, name, cap);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, pt_org_type_name(PT_ORG_OPERATOR), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err = pt_db_fail_at(db, rc, d, line, "creating the owner organisation");
		if (d)
			pt_strlcpy(d->field, "owner", sizeof d->field);
		return err;
	}
	*id = pt_db_last_id(db);
	{
		char rid[32];
		char detail[PT_NAME_MAX + 64];
		snprintf(rid, sizeof rid, "%lld", *id);
		snprintf(detail, sizeof detail, "%.*s (operator, named as an owner by an import)",
			 (int)strnlen(name, cap), name);
		err = pt_audit_append(db, "org.create", "organisations", rid, detail, d);
	}
	return err;
}

/*
 * Turn "CHECK constraint failed: lat_range" (or name_length, or "NOT NULL
 * constraint failed: sites.lat") into the field "lat"; fills field (empty
 * when the constraint has no such name).
 */
static void constraint_field(const char *msg, char *field, size_t cap)
{
	const char *p = strstr(msg, "constraint failed: ");
	const char *dot;
	size_t n;
	field[0] = '\0';
	if (!p)
		return;
	p += strlen("constraint failed: ");
	n = strcspn(p, " ,");
	dot = memchr(p, '.', n);
	if (dot) { /* NOT NULL or UNIQUE: "table.column" */
		n -= (size_t)(dot + 1 - p);
		p = dot + 1;
	} else if (n > 6 && strncmp(p + n - 6, "_range", 6) == 0) { /* named CHECK */
		n -= 6;
	} else if (n > 7 && strncmp(p + n - 7, "_length", 7) == 0) {
		n -= 7;
	} else {
		return;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(field, p, n);
	field[n] = '\0';
}

/* Explain a failed write of a site at line. */
static enum pt_err site_fail(struct pt_db *db, int rc, const struct pt_site *s, long line,
			     struct pt_diag *d)
{
	char field[64];
	enum pt_err err;
	if (pt_db_err_of(rc) == PT_EBUSY)
		return pt_db_fail(db, rc, d, "writing a site"); /* no line: not the row's fault */
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
		if (!pt_db_exists(db, &stmts, ST_KIND_EXISTS, s->kind, sizeof s->kind))
			return pt_diag_set(d, PT_EINVAL, line, "kind",
					   "unknown kind \"%.*s\" (not in the kinds catalogue)",
					   (int)strnlen(s->kind, sizeof s->kind), s->kind);
		if (!pt_db_exists(db, &stmts, ST_SECTOR_EXISTS, s->sector, sizeof s->sector))
			return pt_diag_set(d, PT_EINVAL, line, "sector",
					   "unknown sector \"%.*s\" (not in the sectors catalogue)",
					   (int)strnlen(s->sector, sizeof s->sector), s->sector);
	}
	err = pt_diag_set(d, pt_db_err_of(rc) == PT_OK ? PT_EDB : pt_db_err_of(rc), line, "",
			  "site \"%.*s\": %s", (int)strnlen(s->id, sizeof s->id), s->id,
			  pt_db_errmsg(db));
	if (d && (rc & 0xff) == SQLITE_CONSTRAINT) {
		constraint_field(pt_db_errmsg(db), field, sizeof field);
		pt_strlcpy(d->field, field, sizeof d->field);
	}
	return err;
}

/* Write one site (owner_id < 0: no owner). */
static int site_put(struct pt_db *db, sqlite3_stmt *st, const struct pt_site *s,
		    long long owner_id)
{
	int rc;
	(void)db;
	rc = pt_db_bind_field(st, 1, s->id, sizeof s->id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 2, s->name, sizeof s->name);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 3, s->kind, sizeof s->kind);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 4, s->sector, sizeof s->sector);
	if (rc == SQLITE_OK)
		rc = owner_id < 0 ? sqlite3_bind_null(st, 5) : sqlite3_bind_int64(st, 5, owner_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 6, s->lat);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 7, s->lon);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 8, s->region, sizeof s->region);
	if (rc == SQLITE_OK)
		rc = s->capacity == -1 ? sqlite3_bind_null(st, 9)
				       : sqlite3_bind_int64(st, 9, s->capacity);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 10, s->peak_occupancy);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 11, s->population_served);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 12, s->economic_value_eur);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 13, pt_tlp_name(s->tlp), -1, SQLITE_STATIC);
	for (int k = 0; k < PT_DRIVER_COUNT && rc == SQLITE_OK; k++)
		rc = (s->drivers_known & (1u << k)) ? sqlite3_bind_int64(st, 14 + k, s->drivers[k])
						    : sqlite3_bind_null(st, 14 + k);
	if (rc == SQLITE_OK)
		rc = s->enclosed == PT_TRI_UNKNOWN ?
			     sqlite3_bind_null(st, 20) :
			     sqlite3_bind_text(st, 20, /* fenced: 'open' + fenced 1 (016) */
					       s->enclosed == PT_ENCLOSURE_ENCLOSED ? "enclosed" : "open",
					       -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 23, s->enclosed == PT_ENCLOSURE_FENCED);
	if (rc == SQLITE_OK)
		rc = s->staffed == PT_TRI_UNKNOWN ?
			     sqlite3_bind_null(st, 21) :
			     sqlite3_bind_text(st, 21, s->staffed == PT_TRI_YES ? "yes" : "no", -1,
					       SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = s->legal_basis <= 0 ?
			     sqlite3_bind_null(st, 22) :
			     sqlite3_bind_text(st, 22, pt_legal_basis_name(pt_site_legal_basis(s)), -1,
					       SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	return rc;
}

/* issue 16 (item 2): write the site's emergency department beside it (unknown: no row). */
static enum pt_err site_ed_put(struct pt_db *db, const struct pt_site *s, long line,
			       struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int known = s->emergency_department != PT_TRI_UNKNOWN, rc;
	if ((err = pt_db_prepare(db, &stmts, known ? ST_SITE_ED_PUT : ST_SITE_ED_DROP, &st, d)) !=
	    PT_OK)
		return err;
	rc = pt_db_bind_field(st, 1, s->id, sizeof s->id);
	if (rc == SQLITE_OK && known)
		rc = sqlite3_bind_text(st, 2, s->emergency_department == PT_TRI_YES ? "yes" : "no", -1,
				       SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pt_db_fail_at(db, rc, d, line, "writing the emergency department");
	return PT_OK;
}

enum pt_err pt_db_sites_import(struct pt_db *db, const struct pt_site_list *sites,
			       size_t *created, size_t *updated, struct pt_diag *d)
{
	return pt_db_sites_import_noted(db, sites, NULL, created, updated, d);
}

enum pt_err pt_db_sites_import_noted(struct pt_db *db, const struct pt_site_list *sites,
				     const char *changes, size_t *created, size_t *updated,
				     struct pt_diag *d)
{
	const char *last_owner = NULL;
	const char **ids = NULL;
	long long last_owner_id = -1, before = 0, after = 0, actor_id = 0;
	int is_new;
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc;

	if (created)
		*created = 0;
	if (updated)
		*updated = 0;
	if (!db || !sites || (sites->n && !sites->items))
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no sites");
	pt_db_actor(db, &actor_id, NULL, NULL, NULL);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_query_int(db, &stmts, ST_SITE_COUNT, NULL, &before, d)) != PT_OK)
		goto out;
	for (i = 0; i < sites->n; i++) {
		const struct pt_site *s = &sites->items[i];
		long line = sites->lines ? sites->lines[i] : 0;
		long long owner_id = -1;
		if (!pt_db_field_ok(s->id, sizeof s->id)) {
			err = pt_diag_set(d, PT_EINVAL, line, "id", "a site needs an id");
			goto out;
		}
		if ((int)s->tlp < 0 || (int)s->tlp >= PT_TLP_COUNT) {
			err = pt_diag_set(d, PT_EINVAL, line, "tlp", "not a TLP label");
			goto out;
		}
		if (strnlen(s->owner, sizeof s->owner) >= sizeof s->owner) {
			err = pt_diag_set(d, PT_ELIMIT, line, "owner", "owner name too long");
			goto out;
		}
		if (s->owner[0]) {
			if (last_owner && strcmp(last_owner, s->owner) == 0) {
				owner_id = last_owner_id;
			} else {
				if ((err = org_resolve(db, s->owner, sizeof s->owner, &owner_id, line,
						       d)) != PT_OK)
					goto out;
				last_owner = s->owner;
				last_owner_id = owner_id;
			}
		}
		/* A logged-in user's new site names its creator as a reader (RED). */
		is_new = actor_id > 0 && !pt_db_exists(db, &stmts, ST_SITE_EXISTS, s->id, sizeof s->id);
		if ((err = pt_db_prepare(db, &stmts, ST_SITE_PUT, &st, d)) != PT_OK)
			goto out;
		rc = site_put(db, st, s, owner_id);
		if (rc != SQLITE_DONE) {
			err = site_fail(db, rc, s, line, d);
			sqlite3_reset(st);
			goto out;
		}
		sqlite3_reset(st);
		if ((err = site_ed_put(db, s, line, d)) != PT_OK)
			goto out;
		if (is_new) {
			if ((err = pt_db_prepare(db, &stmts, ST_SITE_READER_ADD, &st, d)) != PT_OK)
				goto out;
			rc = pt_db_bind_field(st, 1, s->id, sizeof s->id);
			if (rc == SQLITE_OK)
				rc = sqlite3_bind_int64(st, 2, actor_id);
			if (rc == SQLITE_OK)
				rc = sqlite3_step(st);
			sqlite3_reset(st);
			if (rc != SQLITE_DONE) {
				err = pt_db_fail_at(db, rc, d, line, "naming the creator as a reader");
				goto out;
			}
		}
	}
	if ((err = pt_db_query_int(db, &stmts, ST_SITE_COUNT, NULL, &after, d)) != PT_OK)
		goto out;
	{
		size_t made = after > before ? (size_t)(after - before) : 0;
		char detail[PT_AUDIT_DETAIL_MAX];
		snprintf(detail, sizeof detail, "%zu sites: %zu created, %zu updated%s%s", sites->n,
			 made, sites->n - made, changes && changes[0] ? "; " : "",
			 changes ? changes : "");
		/* The entry covers every site imported: its detail is shown only to those who
		 * may read them all (docs/access.md, The audit log). */
		if (!(ids = malloc((sites->n ? sites->n : 1) * sizeof *ids))) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto out;
		}
		for (i = 0; i < sites->n; i++)
			ids[i] = sites->items[i].id;
		err = pt_audit_append_records(db, "sites.import", "sites",
					      sites->n == 1 ? sites->items[0].id : "", detail,
					      "sites", ids, sites->n, d);
	}
out:
	free(ids);
	err = pt_db_end(db, err, d);
	if (err == PT_OK) {
		size_t made = after > before ? (size_t)(after - before) : 0;
		if (created)
			*created = made;
		if (updated)
			*updated = sites->n - made;
	}
	return err;
}

/* Fill s from a row of SITE_COLUMNS. */
static enum pt_err site_from_row(sqlite3_stmt *st, struct pt_site *s, struct pt_diag *d)
{
	char tlp[32];
	enum pt_err err;
	memset(s, 0, sizeof *s);
	if ((err = pt_db_col_text(st, 0, s->id, sizeof s->id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, s->name, sizeof s->name, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, s->kind, sizeof s->kind, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 3, s->sector, sizeof s->sector, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 4, s->owner, sizeof s->owner, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 7, s->region, sizeof s->region, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 12, tlp, sizeof tlp, d)) != PT_OK)
		return err;
	s->lat = sqlite3_column_double(st, 5);
	s->lon = sqlite3_column_double(st, 6);
	s->capacity = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 8);
	s->peak_occupancy = sqlite3_column_int64(st, 9);
	s->population_served = sqlite3_column_int64(st, 10);
	s->economic_value_eur = sqlite3_column_double(st, 11);
	for (int k = 0; k < PT_DRIVER_COUNT; k++)
		if (sqlite3_column_type(st, 13 + k) != SQLITE_NULL) {
			s->drivers[k] = sqlite3_column_int64(st, 13 + k);
			s->drivers_known |= 1u << k;
		}
	{
		const unsigned char *t = sqlite3_column_text(st, 19);
		enum pt_legal_basis b;
		if (t)
			s->enclosed = strcmp((const char *)t, "enclosed") == 0 ? PT_ENCLOSURE_ENCLOSED
				      : sqlite3_column_int(st, 22)            ? PT_ENCLOSURE_FENCED
									      : PT_ENCLOSURE_OPEN;
		t = sqlite3_column_text(st, 20);
		if (t)
			s->staffed = strcmp((const char *)t, "yes") == 0 ? PT_TRI_YES : PT_TRI_NO;
		t = sqlite3_column_text(st, 21);
		if (t && pt_legal_basis_parse((const char *)t, &b) == PT_OK)
			s->legal_basis = (int)b + 1;
		t = sqlite3_column_text(st, 23); /* issue 16 (item 2) */
		if (t)
			s->emergency_department =
				strcmp((const char *)t, "yes") == 0 ? PT_TRI_YES : PT_TRI_NO;
	}
	if (pt_tlp_parse(tlp, &s->tlp) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "tlp", "site \"%s\": stored TLP \"%s\" is not a label",
				   s->id, tlp);
	return PT_OK;
}

/* Append a SITE_COLUMNS row to the site list ctx. */
static enum pt_err site_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_site *s = malloc(sizeof *s);
	enum pt_err err;
	(void)row;
	if (!s)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = site_from_row(st, s, d)) == PT_OK &&
	    (err = pt_site_list_append(ctx, s, 0)) != PT_OK) {
		if (err == PT_ELIMIT)
			pt_diag_set(d, err, 0, "", "more than %ld sites to list", PT_SITES_MAX);
		else
			pt_diag_set(d, err, 0, "", "listing sites: %s", pt_strerror(err));
	}
	free(s);
	return err;
}

enum pt_err pt_db_sites_list(struct pt_db *db, enum pt_tlp max_tlp, struct pt_site_list *out,
			     size_t *withheld, struct pt_diag *d)
{
	struct pt_db_rows rows = {NULL, 0, 0, 0, SIZE_MAX, "too many sites", site_row, out};
	sqlite3_stmt *st = NULL;
	long long hidden = 0;
	enum pt_err err;
	int rc;

	if (withheld)
		*withheld = 0;
	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	if ((int)max_tlp < 0 || (int)max_tlp >= PT_TLP_COUNT)
		return pt_diag_set(d, PT_EINVAL, 0, "tlp", "not a TLP label");
	/* One read transaction so the list and the withheld count agree. */
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(db, &stmts, ST_SITES_LIST, &st, d)) != PT_OK)
		goto out;
	if ((rc = sqlite3_bind_int(st, 1, (int)max_tlp)) != SQLITE_OK) {
		err = pt_db_fail(db, rc, d, "listing sites");
		goto out;
	}
	if ((err = pt_db_rows_read(db, st, &rows, "listing sites", d)) != PT_OK)
		goto out;
	if ((err = pt_db_prepare(db, &stmts, ST_SITES_WITHHELD, &st, d)) != PT_OK)
		goto out;
	if ((rc = sqlite3_bind_int(st, 1, (int)max_tlp)) != SQLITE_OK ||
	    (rc = sqlite3_step(st)) != SQLITE_ROW) {
		err = pt_db_fail(db, rc, d, "counting withheld sites");
		sqlite3_reset(st);
		goto out;
	}
	hidden = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (withheld)
		*withheld = (size_t)hidden;
out:
	err = pt_db_end(db, err, d);
	if (err != PT_OK) {
		pt_site_list_clear(out);
		if (withheld)
			*withheld = 0;
	}
	return err;
}

/* site_from_row as a pt_db_fill_fn. */
static enum pt_err site_one(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	(void)ctx;
	return site_from_row(st, row, d);
}

enum pt_err pt_db_site_get(struct pt_db *db, const char *id, struct pt_site *out,
			   struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;

	if (!db || !id || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, id or output");
	if ((err = pt_db_prepare(db, &stmts, ST_SITE_GET, &st, d)) != PT_OK)
		return err;
	if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, SQLITE_NOMEM, d, "reading a site");
	}
	err = pt_db_row_one(db, st, site_one, out, NULL, "reading a site", d);
	if (err == PT_ENOTFOUND)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "no site with id \"%s\"", id);
	return err;
}

/* ---- assessments ------------------------------------------------------- */

/* Bind and write row i of set with the prepared statement st. */
static int assessment_put(sqlite3_stmt *st, const struct pt_assessment_set *set, size_t i)
{
	int rc = SQLITE_OK, col, v;
	if (set->method == PT_METHOD_FEMA) {
		const struct pt_fema_row *r = &set->fema[i];
		rc = pt_db_bind_field(st, 1, r->site_id, sizeof r->site_id);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_field(st, 2, r->threat_id, sizeof r->threat_id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int(st, 3, r->asset_value);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int(st, 4, r->threat_rating);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int(st, 5, r->vulnerability_rating);
	} else if (set->method == PT_METHOD_CARVER) {
		const struct pt_carver_row *r = &set->carver[i];
		const int scores[7] = {r->criticality, r->accessibility, r->recuperability,
				       r->vulnerability, r->effect, r->recognizability, r->shock};
		rc = pt_db_bind_field(st, 1, r->site_id, sizeof r->site_id);
		for (v = 0; v < 7 && rc == SQLITE_OK; v++)
			rc = sqlite3_bind_int(st, 2 + v, scores[v]);
	} else {
		const struct pt_quant_row *r = &set->quant[i];
		rc = pt_db_bind_field(st, 1, r->site_id, sizeof r->site_id);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_field(st, 2, r->threat_id, sizeof r->threat_id);
		col = 3;
		for (v = 0; v < PT_QV_COUNT && rc == SQLITE_OK; v++) {
			rc = sqlite3_bind_double(st, col++, r->var[v].min);
			if (rc == SQLITE_OK)
				rc = sqlite3_bind_double(st, col++, r->var[v].mode);
			if (rc == SQLITE_OK)
				rc = sqlite3_bind_double(st, col++, r->var[v].max);
		}
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	return rc;
}

/* The site id and threat id (or NULL) of row i. */
static void assessment_key(const struct pt_assessment_set *set, size_t i, const char **site,
			   const char **threat)
{
	*threat = NULL;
	if (set->method == PT_METHOD_FEMA) {
		*site = set->fema[i].site_id;
		*threat = set->fema[i].threat_id;
	} else if (set->method == PT_METHOD_CARVER) {
		*site = set->carver[i].site_id;
	} else {
		*site = set->quant[i].site_id;
		*threat = set->quant[i].threat_id;
	}
}

/* Explain a failed write of assessment row i at line. */
static enum pt_err assessment_fail(struct pt_db *db, int rc, const struct pt_assessment_set *set,
				   size_t i, long line, struct pt_diag *d)
{
	const char *site, *threat;
	char field[64];
	enum pt_err err;
	assessment_key(set, i, &site, &threat);
	if (pt_db_err_of(rc) == PT_EBUSY)
		return pt_db_fail(db, rc, d, "writing an assessment");
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
		if (!pt_db_exists(db, &stmts, ST_SITE_EXISTS, site, PT_ID_MAX))
			return pt_diag_set(d, PT_EINVAL, line, "site_id",
					   "unknown site id \"%.*s\" (import the sites first)",
					   (int)strnlen(site, PT_ID_MAX), site);
		if (threat && !pt_db_exists(db, &stmts, ST_THREAT_EXISTS, threat, PT_ID_MAX))
			return pt_diag_set(d, PT_EINVAL, line, "threat_id",
					   "unknown threat id \"%.*s\" (not in the threats catalogue)",
					   (int)strnlen(threat, PT_ID_MAX), threat);
	}
	err = pt_diag_set(d, pt_db_err_of(rc) == PT_OK ? PT_EDB : pt_db_err_of(rc), line, "",
			  "site \"%.*s\": %s", (int)strnlen(site, PT_ID_MAX), site,
			  pt_db_errmsg(db));
	if (d && (rc & 0xff) == SQLITE_CONSTRAINT) {
		constraint_field(pt_db_errmsg(db), field, sizeof field);
		pt_strlcpy(d->field, field, sizeof d->field);
	}
	return err;
}

enum pt_err pt_db_assessments_import(struct pt_db *db, const struct pt_assessment_set *set,
				     struct pt_diag *d)
{
	return pt_db_assessments_import_as(db, set, PT_SOURCE_IMPORT, NULL, d);
}

/* The actor's clock (else the real clock) as "YYYY-MM-DDTHH:MM:SSZ". */
static void actor_stamp(struct pt_db *db, char out[PT_STAMP_MAX])
{
	int64_t at = 0;
	time_t t;
	struct tm tm;
	pt_db_actor(db, NULL, NULL, NULL, &at);
	t = at > 0 ? (time_t)at : time(NULL);
	if (!gmtime_r(&t, &tm) || !strftime(out, PT_STAMP_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm))
		pt_strlcpy(out, "1970-01-01T00:00:00Z", PT_STAMP_MAX);
}

/* Write set's rows into the table of current ratings (in the caller's transaction). */
static enum pt_err assessments_write(struct pt_db *db, const struct pt_assessment_set *set,
				     struct pt_diag *d)
{
	static const int put[] = {ST_FEMA_PUT, ST_CARVER_PUT, ST_QUANT_PUT};
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc;
	for (i = 0; i < set->n; i++) {
		long line = set->lines ? set->lines[i] : 0;
		const char *site, *threat;
		assessment_key(set, i, &site, &threat);
		if (!pt_db_field_ok(site, PT_ID_MAX))
			return pt_diag_set(d, PT_EINVAL, line, "site_id", "a site id is needed");
		if (threat && !pt_db_field_ok(threat, PT_ID_MAX))
			return pt_diag_set(d, PT_EINVAL, line, "threat_id", "a threat id is needed");
		if ((err = pt_db_prepare(db, &stmts, put[set->method], &st, d)) != PT_OK)
			return err;
		rc = assessment_put(st, set, i);
		if (rc != SQLITE_DONE) {
			err = assessment_fail(db, rc, set, i, line, d);
			sqlite3_reset(st);
			return err;
		}
		sqlite3_reset(st);
	}
	return PT_OK;
}

enum pt_err pt_db_assessments_put(struct pt_db *db, const struct pt_assessment_set *set,
				  struct pt_diag *d)
{
	if (!db || !set || (int)set->method < 0 || (int)set->method > PT_METHOD_QUANT)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no assessments");
	return assessments_write(db, set, d);
}

enum pt_err pt_db_assessments_import_as(struct pt_db *db, const struct pt_assessment_set *set,
					enum pt_survey_source source, const char *visited_at,
					struct pt_diag *d)
{
	char stamp[PT_STAMP_MAX];
	const char **ids = NULL;
	enum pt_err err;
	size_t i;

	if (!db || !set)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no assessments");
	if ((int)set->method < 0 || (int)set->method > PT_METHOD_QUANT)
		return pt_diag_set(d, PT_EINVAL, 0, "", "unknown assessment method");
	if (set->n && ((set->method == PT_METHOD_FEMA && !set->fema) ||
		       (set->method == PT_METHOD_CARVER && !set->carver) ||
		       (set->method == PT_METHOD_QUANT && !set->quant)))
		return pt_diag_set(d, PT_EINVAL, 0, "", "assessment rows missing");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = assessments_write(db, set, d)) != PT_OK)
		goto out;
	/* issue 16 item 3: the rows are a confirmed visit of each of their sites */
	if (visited_at && *visited_at)
		pt_strlcpy(stamp, visited_at, sizeof stamp);
	else
		actor_stamp(db, stamp);
	if ((err = pt_db_surveys_record_set(db, set, source, stamp, d)) != PT_OK)
		goto out;
	{
		static const char *const tables[] = {"fema_assessments", "carver_assessments",
						     "quant_assessments"};
		char detail[96];
		snprintf(detail, sizeof detail, "%zu %s rows", set->n, pt_method_name(set->method));
		/* The entry covers the sites of its rows (a repeated one is kept once). */
		if (!(ids = malloc((set->n ? set->n : 1) * sizeof *ids))) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto out;
		}
		for (i = 0; i < set->n; i++) {
			const char *threat;
			assessment_key(set, i, &ids[i], &threat);
		}
		err = pt_audit_append_records(db, "assessments.import", tables[set->method], "",
					      detail, "sites", ids, set->n, d);
	}
out:
	free(ids);
	return pt_db_end(db, err, d);
}

/* Fill row i of out from the current row of st. */
static enum pt_err assessment_from_row(sqlite3_stmt *st, struct pt_assessment_set *out, size_t i,
				       struct pt_diag *d)
{
	enum pt_err err;
	int v, col;
	if (out->method == PT_METHOD_FEMA) {
		struct pt_fema_row *r = &out->fema[i];
		if ((err = pt_db_col_text(st, 0, r->site_id, sizeof r->site_id, d)) != PT_OK ||
		    (err = pt_db_col_text(st, 1, r->threat_id, sizeof r->threat_id, d)) != PT_OK)
			return err;
		r->asset_value = pt_db_col_int(st, 2);
		r->threat_rating = pt_db_col_int(st, 3);
		r->vulnerability_rating = pt_db_col_int(st, 4);
	} else if (out->method == PT_METHOD_CARVER) {
		struct pt_carver_row *r = &out->carver[i];
		if ((err = pt_db_col_text(st, 0, r->site_id, sizeof r->site_id, d)) != PT_OK)
			return err;
		r->criticality = pt_db_col_int(st, 1);
		r->accessibility = pt_db_col_int(st, 2);
		r->recuperability = pt_db_col_int(st, 3);
		r->vulnerability = pt_db_col_int(st, 4);
		r->effect = pt_db_col_int(st, 5);
		r->recognizability = pt_db_col_int(st, 6);
		r->shock = pt_db_col_int(st, 7);
	} else {
		struct pt_quant_row *r = &out->quant[i];
		if ((err = pt_db_col_text(st, 0, r->site_id, sizeof r->site_id, d)) != PT_OK ||
		    (err = pt_db_col_text(st, 1, r->threat_id, sizeof r->threat_id, d)) != PT_OK)
			return err;
		col = 2;
		for (v = 0; v < PT_QV_COUNT; v++) {
			r->var[v].min = sqlite3_column_double(st, col++);
			r->var[v].mode = sqlite3_column_double(st, col++);
			r->var[v].max = sqlite3_column_double(st, col++);
		}
	}
	return PT_OK;
}

/* The next row of the assessment set ctx (its row count so far is out->n). */
static enum pt_err assessment_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_assessment_set *out = ctx;
	enum pt_err err;
	(void)row;
	if ((err = assessment_from_row(st, out, out->n, d)) == PT_OK)
		out->n++;
	return err;
}

/* Size of one row of method's array. */
static size_t assessment_row_size(enum pt_method m)
{
	if (m == PT_METHOD_FEMA)
		return sizeof(struct pt_fema_row);
	if (m == PT_METHOD_CARVER)
		return sizeof(struct pt_carver_row);
	return sizeof(struct pt_quant_row);
}

/*
 * Read assessments of method (of one site when site_id is not NULL): count
 * first, allocate once, then fill in key order.
 */
static enum pt_err assessments_read(struct pt_db *db, enum pt_method method, const char *site_id,
				    struct pt_assessment_set *out, struct pt_diag *d)
{
	static const int count_all[] = {ST_FEMA_COUNT, ST_CARVER_COUNT, ST_QUANT_COUNT};
	static const int count_site[] = {ST_FEMA_SITE_COUNT, ST_CARVER_SITE_COUNT,
						  ST_QUANT_SITE_COUNT};
	static const int rows_all[] = {ST_FEMA_ALL, ST_CARVER_ALL, ST_QUANT_ALL};
	static const int rows_site[] = {ST_FEMA_SITE, ST_CARVER_SITE, ST_QUANT_SITE};
	struct pt_db_rows rows = {NULL, 0, 0, 0, 0, "assessment count changed while loading",
				  assessment_row, out};
	sqlite3_stmt *st = NULL;
	long long total = 0;
	void *items = NULL;
	size_t cap;
	enum pt_err err;
	int rc;

	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	if ((int)method < 0 || (int)method > PT_METHOD_QUANT)
		return pt_diag_set(d, PT_EINVAL, 0, "", "unknown assessment method");
	memset(out, 0, sizeof *out);
	out->method = method;
	/* One read transaction so the count and the rows agree. */
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_query_int(db, &stmts, site_id ? count_site[method] : count_all[method], site_id, &total,
			     d)) != PT_OK)
		goto out;
	if (total > PT_ASSESS_ROWS_MAX) {
		err = pt_diag_set(d, PT_ELIMIT, 0, "", "%lld %s assessment rows, more than %ld", total,
				  pt_method_name(method), PT_ASSESS_ROWS_MAX);
		goto out;
	}
	cap = (size_t)total;
	if (!cap)
		goto out;
	rows.max = cap;
	items = calloc(cap, assessment_row_size(method));
	out->lines = calloc(cap, sizeof *out->lines);
	if (!items || !out->lines) {
		free(items);
		items = NULL;
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory loading %lld assessment rows",
				  total);
		goto out;
	}
	if (method == PT_METHOD_FEMA)
		out->fema = items;
	else if (method == PT_METHOD_CARVER)
		out->carver = items;
	else
		out->quant = items;
	out->cap = cap;
	if ((err = pt_db_prepare(db, &stmts, site_id ? rows_site[method] : rows_all[method], &st, d)) != PT_OK)
		goto out;
	if (site_id && (rc = sqlite3_bind_text(st, 1, site_id, -1, SQLITE_STATIC)) != SQLITE_OK) {
		err = pt_db_fail(db, rc, d, "loading assessments");
		goto out;
	}
	if ((err = pt_db_rows_read(db, st, &rows, "loading assessments", d)) != PT_OK)
		goto out;
	if (rows.n != cap)
		err = pt_diag_set(d, PT_EINTERNAL, 0, "", "assessment count changed while loading");
	st = NULL;
	out->n = rows.n;
out:
	if (st)
		sqlite3_reset(st);
	err = pt_db_end(db, err, d);
	if (err != PT_OK) {
		free(out->fema);
		free(out->carver);
		free(out->quant);
		free(out->lines);
		memset(out, 0, sizeof *out);
		out->method = method;
	}
	return err;
}

enum pt_err pt_db_assessments_load(struct pt_db *db, enum pt_method method,
				   struct pt_assessment_set *out, struct pt_diag *d)
{
	return assessments_read(db, method, NULL, out, d);
}

enum pt_err pt_db_site_assessments(struct pt_db *db, const char *site_id, enum pt_method method,
				   struct pt_assessment_set *out, struct pt_diag *d)
{
	if (!site_id)
		return pt_diag_set(d, PT_EINVAL, 0, "site_id", "no site id");
	return assessments_read(db, method, site_id, out, d);
}

