/* test_store.c - unit tests of the SQLite registry (src/store): migrations,
 * seeding, settings, imports, all-or-nothing, TLP filter, threat levels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "formats/pt_diag.h"
#include "formats/pt_embedded.h"
#include "pt_test.h"
#include "store/pt_audit.h"
#include "store/pt_store.h"
#include "store/pt_store_int.h"
#include "store/pt_user_store.h"
#include "store/pt_measures_store.h"

static char tmpdir[64];

/* A path inside the test's temporary directory. */
static void tmp_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmpdir, name);
}

/* Remove a database file and its WAL companions. */
static void remove_db(const char *path)
{
	char buf[256];
	remove(path);
	snprintf(buf, sizeof buf, "%s-wal", path);
	remove(buf);
	snprintf(buf, sizeof buf, "%s-shm", path);
	remove(buf);
	snprintf(buf, sizeof buf, "%s.key", path); /* the audit key beside it */
	remove(buf);
}

/* Every write is audited: an in-memory registry needs its audit key in memory. */
static void give_audit_key(struct pt_db *db)
{
	static const unsigned char key[PT_AUDIT_KEY_BYTES] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_audit_set_key(db, key, &d), PT_OK);
}

static void add_entry(struct pt_catalog *c, const char *id, const char *name, const char *parent)
{
	struct pt_catalog_entry e;
	memset(&e, 0, sizeof e);
	pt_strlcpy(e.id, id, sizeof e.id);
	pt_strlcpy(e.name, name, sizeof e.name);
	pt_strlcpy(e.parent, parent, sizeof e.parent);
	pt_strlcpy(e.description, "test entry", sizeof e.description);
	CHECK_INT(pt_catalog_append(c, &e), PT_OK);
}

/* A small fictional catalogue set. */
static void make_catalogs(struct pt_catalogs *cat)
{
	memset(cat, 0, sizeof *cat);
	add_entry(&cat->kinds, "critical_infrastructure", "Critical infrastructure", "");
	add_entry(&cat->kinds, "soft_target", "Soft target", "");
	add_entry(&cat->kinds, "public_space", "Public space", "");
	add_entry(&cat->sectors, "energy", "Energy", "critical_infrastructure");
	add_entry(&cat->sectors, "health", "Health", "critical_infrastructure");
	add_entry(&cat->sectors, "stadium", "Stadium and arena", "soft_target");
	add_entry(&cat->sectors, "public_square", "Public square", "public_space");
	add_entry(&cat->threats, "vehicle_ramming", "Vehicle ramming", "");
	add_entry(&cat->threats, "arson", "Arson", "");
	add_entry(&cat->threats, "armed_assault_lone", "Armed assault (lone)", "");
}

static void free_catalogs(struct pt_catalogs *cat)
{
	pt_catalog_clear(&cat->kinds);
	pt_catalog_clear(&cat->sectors);
	pt_catalog_clear(&cat->threats);
}

static const char *const seed_keys[] = {"quant.vsl_eur", "quant.samples", "fema.band.low_max",
					"fema.band.medium_max"};
static const char *const seed_values[] = {"3500000", "2000", "60", "175"};
#define N_SEED (sizeof seed_keys / sizeof seed_keys[0])

/* An open, seeded in-memory registry. */
static struct pt_db *open_seeded(void)
{
	struct pt_catalogs cat;
	struct pt_diag d;
	struct pt_db *db = NULL;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(":memory:", 1, &db, &d), PT_OK);
	if (!db)
		return NULL;
	give_audit_key(db);
	make_catalogs(&cat);
	CHECK_INT(pt_db_seed(db, &cat, seed_keys, seed_values, N_SEED, &d), PT_OK);
	free_catalogs(&cat);
	return db;
}

static struct pt_site make_site(const char *id, const char *name, const char *kind,
				const char *sector, const char *owner, enum pt_tlp tlp)
{
	struct pt_site s;
	memset(&s, 0, sizeof s);
	pt_strlcpy(s.id, id, sizeof s.id);
	pt_strlcpy(s.name, name, sizeof s.name);
	pt_strlcpy(s.kind, kind, sizeof s.kind);
	pt_strlcpy(s.sector, sector, sizeof s.sector);
	pt_strlcpy(s.owner, owner, sizeof s.owner);
	pt_strlcpy(s.region, "Eastmarch", sizeof s.region);
	s.lat = 47.25;
	s.lon = 8.5;
	s.capacity = 1200;
	s.peak_occupancy = 900;
	s.population_served = 40000;
	s.economic_value_eur = 2.5e7;
	s.tlp = tlp;
	return s;
}

/* Import the given sites as lines 2, 3, ... of a file. */
static enum pt_err import_sites(struct pt_db *db, const struct pt_site *s, size_t n,
				size_t *created, size_t *updated, struct pt_diag *d)
{
	struct pt_site_list l;
	enum pt_err err;
	size_t i;
	memset(&l, 0, sizeof l);
	for (i = 0; i < n; i++)
		CHECK_INT(pt_site_list_append(&l, &s[i], (long)i + 2), PT_OK);
	err = pt_db_sites_import(db, &l, created, updated, d);
	pt_site_list_clear(&l);
	return err;
}

/* Two sites every assessment test uses: HOSP-01 and STAD-01. */
static void import_two_sites(struct pt_db *db)
{
	struct pt_site s[2];
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	s[0] = make_site("HOSP-01", "Lindenfeld General Hospital", "critical_infrastructure",
			 "health", "Lindenfeld Health Trust", PT_TLP_GREEN);
	s[1] = make_site("STAD-01", "Brackwater Arena", "soft_target", "stadium",
			 "Brackwater Events Ltd", PT_TLP_CLEAR);
	CHECK_INT(import_sites(db, s, 2, NULL, NULL, &d), PT_OK);
}

static struct pt_fema_row fema_row(const char *site, const char *threat, int a, int t, int v)
{
	struct pt_fema_row r;
	memset(&r, 0, sizeof r);
	pt_strlcpy(r.site_id, site, sizeof r.site_id);
	pt_strlcpy(r.threat_id, threat, sizeof r.threat_id);
	r.asset_value = a;
	r.threat_rating = t;
	r.vulnerability_rating = v;
	return r;
}

static struct pt_quant_row quant_row(const char *site, const char *threat, double scale)
{
	struct pt_quant_row r;
	int v;
	memset(&r, 0, sizeof r);
	pt_strlcpy(r.site_id, site, sizeof r.site_id);
	pt_strlcpy(r.threat_id, threat, sizeof r.threat_id);
	for (v = 0; v < PT_QV_COUNT; v++) {
		double hi = v <= PT_QV_P_SUCCESS ? 1.0 : 1000.0 * scale;
		r.var[v].min = hi * 0.1 * scale / (1 + scale);
		r.var[v].mode = hi * 0.3 * scale / (1 + scale);
		r.var[v].max = hi * 0.7 * scale / (1 + scale);
	}
	return r;
}

/* Build a set of one method from rows, lines 2, 3, ... */
static void fema_set(struct pt_assessment_set *set, const struct pt_fema_row *rows, size_t n)
{
	size_t i;
	memset(set, 0, sizeof *set);
	set->method = PT_METHOD_FEMA;
	for (i = 0; i < n; i++)
		CHECK_INT(pt_assessment_set_add_fema(set, &rows[i], (long)i + 2), PT_OK);
}

static void test_migration_from_empty(void)
{
	struct pt_db *db = NULL;
	struct pt_diag d;
	struct pt_catalogs cat;
	char path[128];
	int current = -1, latest = -1;

	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(":memory:", 1, &db, &d), PT_OK);
	CHECK(db != NULL);
	if (!db)
		return;
	CHECK_INT(pt_db_schema_version(db, &current, &latest, &d), PT_OK);
	CHECK(latest >= 1);
	CHECK_INT(current, latest);
	CHECK_INT(pt_db_is_initialised(db), 0);
	/* The schema works: catalogues load empty, a default national level. */
	memset(&cat, 0, sizeof cat);
	CHECK_INT(pt_db_catalogs_load(db, &cat, &d), PT_OK);
	CHECK_INT(cat.threats.n, 0);
	free_catalogs(&cat);
	pt_db_close(db);

	/* On a file: created, migrated once, reopened without create as is. */
	tmp_path(path, sizeof path, "fresh.db");
	db = NULL;
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	pt_db_close(db);
	db = NULL;
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_OK);
	CHECK_INT(pt_db_schema_version(db, &current, &latest, &d), PT_OK);
	CHECK_INT(current, latest);
	pt_db_close(db);
	remove_db(path);
}

static void test_seed_then_reseed_keeps_user_value(void)
{
	struct pt_db *db = open_seeded();
	struct pt_catalogs cat, loaded;
	struct pt_config c;
	struct pt_setting *settings = NULL;
	struct pt_diag d;
	size_t n = 0, i;
	double v = 0;
	int found = 0;

	if (!db)
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_is_initialised(db), 1);
	CHECK_INT(pt_db_config_load(db, &c, &d), PT_OK);
	CHECK_INT(pt_config_get(&c, "quant.vsl_eur", &v), PT_OK);
	CHECK_NEAR(v, 3500000, 0);

	CHECK_INT(pt_db_setting_set(db, "quant.vsl_eur", "4200000", &d), PT_OK);

	/* Re-seed with a renamed threat: catalogue rows are replaced by id,
	 * the value the user set survives. */
	make_catalogs(&cat);
	pt_strlcpy(cat.threats.items[1].name, "Arson attack", sizeof cat.threats.items[1].name);
	CHECK_INT(pt_db_seed(db, &cat, seed_keys, seed_values, N_SEED, &d), PT_OK);
	free_catalogs(&cat);

	CHECK_INT(pt_db_config_load(db, &c, &d), PT_OK);
	CHECK_INT(pt_config_get(&c, "quant.vsl_eur", &v), PT_OK);
	CHECK_NEAR(v, 4200000, 0);
	CHECK_INT(pt_config_get(&c, "quant.samples", &v), PT_OK);
	CHECK_NEAR(v, 2000, 0);

	memset(&loaded, 0, sizeof loaded);
	CHECK_INT(pt_db_catalogs_load(db, &loaded, &d), PT_OK);
	CHECK_INT(loaded.kinds.n, 3);
	CHECK_INT(loaded.sectors.n, 4);
	CHECK_INT(loaded.threats.n, 3);
	if (loaded.threats.n == 3) {
		long arson = pt_catalog_find(&loaded.threats, "arson");
		CHECK(arson >= 0);
		if (arson >= 0)
			CHECK_STR(loaded.threats.items[arson].name, "Arson attack");
	}
	if (loaded.sectors.n == 4) {
		long st = pt_catalog_find(&loaded.sectors, "stadium");
		CHECK(st >= 0);
		if (st >= 0)
			CHECK_STR(loaded.sectors.items[st].parent, "soft_target");
	}
	free_catalogs(&loaded);

	CHECK_INT(pt_db_settings_list(db, &settings, &n, &d), PT_OK);
	CHECK_INT(n, N_SEED);
	for (i = 0; i < n; i++)
		if (strcmp(settings[i].key, "quant.vsl_eur") == 0) {
			found = 1;
			CHECK_STR(settings[i].value, "4200000");
		}
	CHECK(found);
	for (i = 1; i < n; i++)
		CHECK(strcmp(settings[i - 1].key, settings[i].key) < 0);
	free(settings);
	pt_db_close(db);
}

static void test_seed_rejects_bad_setting(void)
{
	static const char *const keys[] = {"quant.samples"};
	static const char *const values[] = {"-3"};
	struct pt_catalogs cat;
	struct pt_db *db = NULL;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(":memory:", 1, &db, &d), PT_OK);
	if (!db)
		return;
	give_audit_key(db);
	make_catalogs(&cat);
	CHECK_INT(pt_db_seed(db, &cat, keys, values, 1, &d), PT_EINVAL);
	CHECK_STR(d.field, "quant.samples");
	/* Nothing of the seed was stored. */
	CHECK_INT(pt_db_is_initialised(db), 0);
	free_catalogs(&cat);
	pt_db_close(db);
}

static void test_setting_validation(void)
{
	struct pt_db *db = open_seeded();
	struct pt_config c;
	struct pt_diag d;
	double v = 0;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_setting_set(db, "quant.samples", "-5", &d), PT_EINVAL);
	CHECK_STR(d.field, "quant.samples");
	CHECK_INT(pt_db_setting_set(db, "quant.samples", "many", &d), PT_EINVAL);
	CHECK_INT(pt_db_setting_set(db, "quant.no_such_key", "1", &d), PT_ENOTFOUND);
	/* A value fine on its own that breaks a rule between keys (low < medium). */
	CHECK_INT(pt_db_setting_set(db, "fema.band.low_max", "500", &d), PT_EINVAL);
	CHECK(d.msg[0] != '\0');
	/* Nothing changed. */
	CHECK_INT(pt_db_config_load(db, &c, &d), PT_OK);
	CHECK_INT(pt_config_get(&c, "quant.samples", &v), PT_OK);
	CHECK_NEAR(v, 2000, 0);
	CHECK_INT(c.fema_low_max, 60);
	/* A good value is stored and read back. */
	CHECK_INT(pt_db_setting_set(db, "quant.samples", "500", &d), PT_OK);
	CHECK_INT(pt_db_config_load(db, &c, &d), PT_OK);
	CHECK_INT(c.samples, 500);
	pt_db_close(db);
}

static void test_sites_import_creates_owner_and_updates(void)
{
	struct pt_db *db = open_seeded();
	struct pt_site s[3], got;
	struct pt_org *orgs = NULL;
	struct pt_diag d;
	size_t created = 99, updated = 99, n = 0;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	s[0] = make_site("SUB-01", "Kestrel Hill Substation", "critical_infrastructure", "energy",
			 "Valemark Grid Operator", PT_TLP_AMBER);
	s[1] = make_site("SQ-01", "Old Market Square", "public_space", "public_square",
			 "Valemark City Council", PT_TLP_CLEAR);
	s[1].capacity = -1;
	CHECK_INT(import_sites(db, s, 2, &created, &updated, &d), PT_OK);
	CHECK_INT(created, 2);
	CHECK_INT(updated, 0);

	CHECK_INT(pt_db_orgs_list(db, &orgs, &n, &d), PT_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		/* Ordered by name; both unknown before, so created as operators. */
		CHECK_STR(orgs[0].name, "Valemark City Council");
		CHECK_STR(orgs[1].name, "Valemark Grid Operator");
		CHECK_INT(orgs[0].type, PT_ORG_OPERATOR);
		CHECK_INT(orgs[1].type, PT_ORG_OPERATOR);
	}
	free(orgs);

	CHECK_INT(pt_db_site_get(db, "SQ-01", &got, &d), PT_OK);
	CHECK_INT(got.capacity, -1);
	CHECK_STR(got.owner, "Valemark City Council");
	CHECK_STR(got.sector, "public_square");
	CHECK_INT(got.tlp, PT_TLP_CLEAR);
	CHECK_INT(pt_db_site_get(db, "SUB-01", &got, &d), PT_OK);
	CHECK_INT(got.capacity, 1200);
	CHECK_NEAR(got.lat, 47.25, 0);
	CHECK_NEAR(got.economic_value_eur, 2.5e7, 0);
	CHECK_INT(got.tlp, PT_TLP_AMBER);

	/* Re-import: SUB-01 renamed and re-owned (updated), one new site (created). */
	pt_strlcpy(s[0].name, "Kestrel Hill Substation North", sizeof s[0].name);
	pt_strlcpy(s[0].owner, "Valemark City Council", sizeof s[0].owner);
	s[0].peak_occupancy = 12;
	s[2] = make_site("HOSP-07", "St Aldric Hospital", "critical_infrastructure", "health",
			 "Valemark City Council", PT_TLP_GREEN);
	CHECK_INT(import_sites(db, s, 3, &created, &updated, &d), PT_OK);
	CHECK_INT(created, 1);
	CHECK_INT(updated, 2);
	CHECK_INT(pt_db_site_get(db, "SUB-01", &got, &d), PT_OK);
	CHECK_STR(got.name, "Kestrel Hill Substation North");
	CHECK_STR(got.owner, "Valemark City Council");
	CHECK_INT(got.peak_occupancy, 12);
	CHECK_INT(pt_db_orgs_list(db, &orgs, &n, &d), PT_OK);
	CHECK_INT(n, 2);
	free(orgs);

	CHECK_INT(pt_db_site_get(db, "NOPE-01", &got, &d), PT_ENOTFOUND);
	pt_db_close(db);
}

/* Every site's id and name, joined, to compare the registry before and after. */
static void registry_snapshot(struct pt_db *db, char *buf, size_t size)
{
	struct pt_site_list l;
	struct pt_org *orgs = NULL;
	struct pt_assessment_set set;
	struct pt_diag d;
	size_t withheld = 0, n = 0, i, used = 0;
	memset(&l, 0, sizeof l);
	memset(&d, 0, sizeof d);
	buf[0] = '\0';
	CHECK_INT(pt_db_sites_list(db, PT_TLP_RED, &l, &withheld, &d), PT_OK);
	for (i = 0; i < l.n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s=%s/%s;", l.items[i].id,
					 l.items[i].name, l.items[i].owner);
	pt_site_list_clear(&l);
	CHECK_INT(pt_db_orgs_list(db, &orgs, &n, &d), PT_OK);
	for (i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "org %s;", orgs[i].name);
	free(orgs);
	CHECK_INT(pt_db_assessments_load(db, PT_METHOD_FEMA, &set, &d), PT_OK);
	for (i = 0; i < set.n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "fema %s/%s=%d;", set.fema[i].site_id,
					 set.fema[i].threat_id, set.fema[i].asset_value);
	pt_assessment_set_clear(&set);
}

static void test_sites_all_or_nothing(void)
{
	struct pt_db *db = open_seeded();
	struct pt_site s[4];
	struct pt_diag d;
	char before[2048], after[2048], shown[1200];
	size_t created = 7, updated = 7;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	import_two_sites(db);
	registry_snapshot(db, before, sizeof before);
	CHECK(strstr(before, "HOSP-01=Lindenfeld General Hospital") != NULL);

	/* Rows 1-3 are fine (an update, a new site with a new owner); row 4,
	 * line 5, names a sector that does not exist. */
	s[0] = make_site("HOSP-01", "Renamed Hospital", "critical_infrastructure", "health",
			 "Lindenfeld Health Trust", PT_TLP_GREEN);
	s[1] = make_site("SUB-02", "Fernbrook Substation", "critical_infrastructure", "energy",
			 "Fernbrook Power Cooperative", PT_TLP_GREEN);
	s[2] = make_site("SUB-03", "Marrow Ford Substation", "critical_infrastructure", "energy",
			 "Fernbrook Power Cooperative", PT_TLP_GREEN);
	s[3] = make_site("MALL-01", "Greywater Mall", "soft_target", "shopping_galaxy",
			 "Greywater Retail", PT_TLP_GREEN);
	pt_strlcpy(d.file, "sites.csv", sizeof d.file);
	CHECK_INT(import_sites(db, s, 4, &created, &updated, &d), PT_EINVAL);
	CHECK_INT(d.line, 5);
	CHECK_STR(d.field, "sector");
	CHECK(strstr(d.msg, "shopping_galaxy") != NULL);
	pt_diag_format(&d, shown, sizeof shown);
	CHECK(strncmp(shown, "sites.csv:5: sector: unknown sector", 35) == 0);
	CHECK_INT(created, 0);
	CHECK_INT(updated, 0);
	registry_snapshot(db, after, sizeof after);
	CHECK_STR(after, before);

	/* A value out of range caught by the schema's CHECK, last row again. */
	s[3] = make_site("MALL-01", "Greywater Mall", "soft_target", "stadium", "Greywater Retail",
			 PT_TLP_GREEN);
	s[3].lat = 95.0;
	CHECK_INT(import_sites(db, s, 4, NULL, NULL, &d), PT_EINVAL);
	CHECK_INT(d.line, 5);
	CHECK_STR(d.field, "lat");
	registry_snapshot(db, after, sizeof after);
	CHECK_STR(after, before);

	/* Not a number is caught too (SQLite stores NaN as NULL). */
	s[3].lat = NAN;
	CHECK_INT(import_sites(db, s, 4, NULL, NULL, &d), PT_EINVAL);
	CHECK_INT(d.line, 5);
	CHECK_STR(d.field, "lat");
	/* A name filling its whole array without a NUL (256 bytes, one too
	 * many) is read no further than the array and stopped by the schema. */
	s[3].lat = 47.0;
	memset(s[3].name, 'x', sizeof s[3].name);
	CHECK_INT(import_sites(db, s, 4, NULL, NULL, &d), PT_EINVAL);
	CHECK_INT(d.line, 5);
	CHECK_STR(d.field, "name");
	registry_snapshot(db, after, sizeof after);
	CHECK_STR(after, before);

	/* The same file without the bad row goes in. */
	CHECK_INT(import_sites(db, s, 3, &created, &updated, &d), PT_OK);
	CHECK_INT(created, 2);
	CHECK_INT(updated, 1);
	registry_snapshot(db, after, sizeof after);
	CHECK(strstr(after, "HOSP-01=Renamed Hospital") != NULL);
	CHECK(strstr(after, "org Fernbrook Power Cooperative;") != NULL);
	pt_db_close(db);
}

static void test_assessments_unknown_site_names_line(void)
{
	struct pt_db *db = open_seeded();
	struct pt_fema_row rows[3];
	struct pt_assessment_set set, loaded;
	struct pt_diag d;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	import_two_sites(db);
	rows[0] = fema_row("HOSP-01", "arson", 8, 4, 6);
	rows[1] = fema_row("STAD-01", "vehicle_ramming", 7, 6, 7);
	rows[2] = fema_row("GHOST-9", "arson", 5, 5, 5);
	fema_set(&set, rows, 3);
	CHECK_INT(pt_db_assessments_import(db, &set, &d), PT_EINVAL);
	CHECK_INT(d.line, 4);
	CHECK_STR(d.field, "site_id");
	CHECK_STR(d.msg, "unknown site id \"GHOST-9\" (import the sites first)");
	pt_assessment_set_clear(&set);
	/* All-or-nothing: the two good rows were not kept. */
	CHECK_INT(pt_db_assessments_load(db, PT_METHOD_FEMA, &loaded, &d), PT_OK);
	CHECK_INT(loaded.n, 0);
	pt_assessment_set_clear(&loaded);

	/* An unknown threat id on line 3. */
	rows[1] = fema_row("STAD-01", "dragon_attack", 7, 6, 7);
	fema_set(&set, rows, 2);
	CHECK_INT(pt_db_assessments_import(db, &set, &d), PT_EINVAL);
	CHECK_INT(d.line, 3);
	CHECK_STR(d.field, "threat_id");
	CHECK(strstr(d.msg, "\"dragon_attack\"") != NULL);
	pt_assessment_set_clear(&set);
	pt_db_close(db);
}

static void test_assessments_replace_by_key(void)
{
	struct pt_db *db = open_seeded();
	struct pt_fema_row rows[3];
	struct pt_quant_row q[3];
	struct pt_carver_row cr;
	struct pt_assessment_set set, loaded;
	struct pt_diag d;
	size_t i;
	int v;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	import_two_sites(db);

	/* Given out of order; loaded by site id then threat id. */
	rows[0] = fema_row("STAD-01", "vehicle_ramming", 7, 6, 7);
	rows[1] = fema_row("HOSP-01", "vehicle_ramming", 9, 3, 4);
	rows[2] = fema_row("HOSP-01", "arson", 8, 4, 6);
	fema_set(&set, rows, 3);
	CHECK_INT(pt_db_assessments_import(db, &set, &d), PT_OK);
	pt_assessment_set_clear(&set);
	rows[0] = fema_row("HOSP-01", "arson", 10, 2, 3);
	fema_set(&set, rows, 1);
	CHECK_INT(pt_db_assessments_import(db, &set, &d), PT_OK);
	pt_assessment_set_clear(&set);

	CHECK_INT(pt_db_assessments_load(db, PT_METHOD_FEMA, &loaded, &d), PT_OK);
	CHECK_INT(loaded.method, PT_METHOD_FEMA);
	CHECK_INT(loaded.n, 3);
	if (loaded.n == 3) {
		CHECK_STR(loaded.fema[0].site_id, "HOSP-01");
		CHECK_STR(loaded.fema[0].threat_id, "arson");
		CHECK_INT(loaded.fema[0].asset_value, 10);
		CHECK_INT(loaded.fema[0].threat_rating, 2);
		CHECK_INT(loaded.fema[0].vulnerability_rating, 3);
		CHECK_STR(loaded.fema[1].threat_id, "vehicle_ramming");
		CHECK_INT(loaded.fema[1].asset_value, 9);
		CHECK_STR(loaded.fema[2].site_id, "STAD-01");
		CHECK_INT(loaded.lines[2], 0);
	}
	pt_assessment_set_clear(&loaded);
	CHECK_INT(pt_db_site_assessments(db, "STAD-01", PT_METHOD_FEMA, &loaded, &d), PT_OK);
	CHECK_INT(loaded.n, 1);
	if (loaded.n == 1)
		CHECK_INT(loaded.fema[0].threat_rating, 6);
	pt_assessment_set_clear(&loaded);

	/* Quantitative rows round-trip exactly and replace by key. */
	q[0] = quant_row("STAD-01", "arson", 0.3);
	q[1] = quant_row("HOSP-01", "armed_assault_lone", 1.0 / 3.0);
	q[2] = quant_row("STAD-01", "arson", 2.0);
	memset(&set, 0, sizeof set);
	set.method = PT_METHOD_QUANT;
	CHECK_INT(pt_assessment_set_add_quant(&set, &q[0], 2), PT_OK);
	CHECK_INT(pt_assessment_set_add_quant(&set, &q[1], 3), PT_OK);
	CHECK_INT(pt_db_assessments_import(db, &set, &d), PT_OK);
	pt_assessment_set_clear(&set);
	set.method = PT_METHOD_QUANT;
	CHECK_INT(pt_assessment_set_add_quant(&set, &q[2], 2), PT_OK);
	CHECK_INT(pt_db_assessments_import(db, &set, &d), PT_OK);
	pt_assessment_set_clear(&set);
	CHECK_INT(pt_db_assessments_load(db, PT_METHOD_QUANT, &loaded, &d), PT_OK);
	CHECK_INT(loaded.n, 2);
	if (loaded.n == 2) {
		CHECK_STR(loaded.quant[0].site_id, "HOSP-01");
		CHECK_STR(loaded.quant[1].site_id, "STAD-01");
		for (v = 0; v < PT_QV_COUNT; v++) {
			CHECK(loaded.quant[0].var[v].min == q[1].var[v].min);
			CHECK(loaded.quant[0].var[v].mode == q[1].var[v].mode);
			CHECK(loaded.quant[0].var[v].max == q[1].var[v].max);
			CHECK(loaded.quant[1].var[v].max == q[2].var[v].max);
		}
	}
	pt_assessment_set_clear(&loaded);

	/* CARVER: one row per site, replaced by site id. */
	memset(&cr, 0, sizeof cr);
	pt_strlcpy(cr.site_id, "STAD-01", sizeof cr.site_id);
	cr.criticality = 6, cr.accessibility = 8, cr.recuperability = 3, cr.vulnerability = 7;
	cr.effect = 5, cr.recognizability = 9, cr.shock = 10;
	for (i = 0; i < 2; i++) {
		memset(&set, 0, sizeof set);
		set.method = PT_METHOD_CARVER;
		CHECK_INT(pt_assessment_set_add_carver(&set, &cr, 2), PT_OK);
		CHECK_INT(pt_db_assessments_import(db, &set, &d), PT_OK);
		pt_assessment_set_clear(&set);
		cr.shock = 4;
	}
	CHECK_INT(pt_db_assessments_load(db, PT_METHOD_CARVER, &loaded, &d), PT_OK);
	CHECK_INT(loaded.method, PT_METHOD_CARVER);
	CHECK_INT(loaded.n, 1);
	if (loaded.n == 1) {
		CHECK_INT(loaded.carver[0].shock, 4);
		CHECK_INT(loaded.carver[0].recognizability, 9);
	}
	pt_assessment_set_clear(&loaded);
	pt_db_close(db);
}

static void test_tlp_filter_and_withheld(void)
{
	struct pt_db *db = open_seeded();
	struct pt_site s[5];
	struct pt_site_list l;
	struct pt_diag d;
	size_t withheld = 99;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	memset(&l, 0, sizeof l);
	s[0] = make_site("A-CLEAR", "Site A", "soft_target", "stadium", "Owner A", PT_TLP_CLEAR);
	s[1] = make_site("B-GREEN", "Site B", "soft_target", "stadium", "Owner A", PT_TLP_GREEN);
	s[2] = make_site("C-AMBER", "Site C", "soft_target", "stadium", "Owner A", PT_TLP_AMBER);
	s[3] = make_site("D-STRICT", "Site D", "soft_target", "stadium", "Owner A",
			 PT_TLP_AMBER_STRICT);
	s[4] = make_site("E-RED", "Site E", "soft_target", "stadium", "Owner A", PT_TLP_RED);
	CHECK_INT(import_sites(db, s, 5, NULL, NULL, &d), PT_OK);

	CHECK_INT(pt_db_sites_list(db, PT_TLP_GREEN, &l, &withheld, &d), PT_OK);
	CHECK_INT(l.n, 2);
	CHECK_INT(withheld, 3);
	if (l.n == 2) {
		CHECK_STR(l.items[0].id, "A-CLEAR");
		CHECK_STR(l.items[1].id, "B-GREEN");
	}
	pt_site_list_clear(&l);
	CHECK_INT(pt_db_sites_list(db, PT_TLP_CLEAR, &l, &withheld, &d), PT_OK);
	CHECK_INT(l.n, 1);
	CHECK_INT(withheld, 4);
	pt_site_list_clear(&l);
	CHECK_INT(pt_db_sites_list(db, PT_TLP_AMBER_STRICT, &l, &withheld, &d), PT_OK);
	CHECK_INT(l.n, 4);
	CHECK_INT(withheld, 1);
	pt_site_list_clear(&l);
	CHECK_INT(pt_db_sites_list(db, PT_TLP_RED, &l, NULL, &d), PT_OK);
	CHECK_INT(l.n, 5);
	if (l.n == 5) {
		CHECK_STR(l.items[4].id, "E-RED");
		CHECK_INT(l.items[4].tlp, PT_TLP_RED);
	}
	pt_site_list_clear(&l);
	pt_db_close(db);
}

static void test_threat_levels(void)
{
	struct pt_db *db = open_seeded();
	struct pt_threat_level_entry *e = NULL;
	enum pt_threat_level national = PT_LEVEL_LOW;
	struct pt_diag d;
	size_t n = 99;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_threat_levels(db, &national, &e, &n, &d), PT_OK);
	CHECK_INT(national, PT_LEVEL_SUBSTANTIAL);
	CHECK_INT(n, 0);
	free(e);

	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_OK);
	CHECK_INT(pt_db_threat_level_set(db, "vehicle_ramming", PT_LEVEL_LOW, &d), PT_OK);
	CHECK_INT(pt_db_threat_level_set(db, "arson", PT_LEVEL_MODERATE, &d), PT_OK);
	CHECK_INT(pt_db_threat_level_set(db, "vehicle_ramming", PT_LEVEL_CRITICAL, &d), PT_OK);
	CHECK_INT(pt_db_threat_level_set(db, "meteor_strike", PT_LEVEL_LOW, &d), PT_EINVAL);
	CHECK_STR(d.field, "threat_id");
	CHECK(strstr(d.msg, "meteor_strike") != NULL);

	e = NULL;
	CHECK_INT(pt_db_threat_levels(db, &national, &e, &n, &d), PT_OK);
	CHECK_INT(national, PT_LEVEL_SEVERE);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(e[0].threat_id, "arson");
		CHECK_INT(e[0].level, PT_LEVEL_MODERATE);
		CHECK_STR(e[1].threat_id, "vehicle_ramming");
		CHECK_INT(e[1].level, PT_LEVEL_CRITICAL);
	}
	free(e);
	/* Setting the national level again replaces it. */
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_LOW, &d), PT_OK);
	e = NULL;
	CHECK_INT(pt_db_threat_levels(db, &national, &e, &n, &d), PT_OK);
	CHECK_INT(national, PT_LEVEL_LOW);
	CHECK_INT(n, 2);
	free(e);
	pt_db_close(db);
}

struct tx_ctx {
	const struct pt_site *sites;
	const struct pt_assessment_set *bad;
	enum pt_err result;
};

/* Imports sites, then an assessment set that fails, then returns ctx->result. */
static enum pt_err tx_body(struct pt_db *db, void *p)
{
	struct tx_ctx *ctx = p;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK_INT(import_sites(db, ctx->sites, 1, NULL, NULL, &d), PT_OK);
	CHECK_INT(pt_db_assessments_import(db, ctx->bad, &d), PT_EINVAL);
	return ctx->result;
}

static void test_transaction_helper(void)
{
	struct pt_db *db = open_seeded();
	struct pt_site s;
	struct pt_fema_row rows[2];
	struct pt_assessment_set bad, loaded;
	struct pt_site got;
	struct tx_ctx ctx;
	struct pt_diag d;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	s = make_site("PUMP-01", "Ashcombe Pumping Station", "critical_infrastructure", "energy",
		      "Ashcombe Water", PT_TLP_GREEN);
	rows[0] = fema_row("PUMP-01", "arson", 5, 5, 5);
	rows[1] = fema_row("NOT-THERE", "arson", 5, 5, 5);
	fema_set(&bad, rows, 2);
	ctx.sites = &s;
	ctx.bad = &bad;

	/* The body fails: the site it imported is rolled back too. */
	ctx.result = PT_ECONFLICT;
	CHECK_INT(pt_db_transaction(db, tx_body, &ctx, &d), PT_ECONFLICT);
	CHECK_INT(pt_db_site_get(db, "PUMP-01", &got, &d), PT_ENOTFOUND);

	/* The body succeeds: the site stays, the failed inner import left nothing. */
	ctx.result = PT_OK;
	CHECK_INT(pt_db_transaction(db, tx_body, &ctx, &d), PT_OK);
	CHECK_INT(pt_db_site_get(db, "PUMP-01", &got, &d), PT_OK);
	CHECK_INT(pt_db_assessments_load(db, PT_METHOD_FEMA, &loaded, &d), PT_OK);
	CHECK_INT(loaded.n, 0);
	pt_assessment_set_clear(&loaded);
	pt_assessment_set_clear(&bad);

	/* Back outside any transaction, plain writes still commit. */
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_OK);
	pt_db_close(db);
}

static void test_not_a_database(void)
{
	struct pt_db *db = NULL;
	struct pt_diag d;
	char path[128];
	FILE *f;
	memset(&d, 0, sizeof d);
	tmp_path(path, sizeof path, "notes.db");
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("These are meeting notes, not a registry. They are long enough to fill a header "
	      "page of a database file and then some more text follows here.\n",
	      f);
	fclose(f);
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_EDB);
	CHECK(db == NULL);
	CHECK(strstr(d.msg, "not a database") != NULL);
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_EDB);
	CHECK(db == NULL);
	remove_db(path);
}

static void test_missing_file(void)
{
	struct pt_db *db = NULL;
	struct pt_diag d;
	char path[128], shown[1200];
	FILE *f;
	memset(&d, 0, sizeof d);
	tmp_path(path, sizeof path, "absent.db");
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_ENOTFOUND);
	CHECK(db == NULL);
	pt_diag_format(&d, shown, sizeof shown);
	CHECK(strstr(shown, path) != NULL);
	CHECK(strstr(shown, "protect init") != NULL);
	CHECK(strstr(shown, "protect demo") != NULL);
	/* ... and nothing was created. */
	f = fopen(path, "r");
	CHECK(f == NULL);
	if (f)
		fclose(f);
	/* A directory that does not exist cannot be created into. */
	tmp_path(path, sizeof path, "no/such/dir.db");
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_EDB);
	CHECK(db == NULL);
}

static void test_persists_across_reopen(void)
{
	struct pt_catalogs cat;
	struct pt_db *db = NULL;
	struct pt_site s;
	struct pt_site got;
	struct pt_diag d;
	char path[128];
	memset(&d, 0, sizeof d);
	tmp_path(path, sizeof path, "registry.db");
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	if (!db)
		return;
	make_catalogs(&cat);
	CHECK_INT(pt_db_seed(db, &cat, seed_keys, seed_values, N_SEED, &d), PT_OK);
	free_catalogs(&cat);
	s = make_site("TH-01", "Orrin Vale Transport Hub", "soft_target", "stadium", "Orrin Vale Rail",
		      PT_TLP_AMBER);
	CHECK_INT(import_sites(db, &s, 1, NULL, NULL, &d), PT_OK);
	pt_db_close(db);
	db = NULL;
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_OK);
	CHECK_INT(pt_db_is_initialised(db), 1);
	CHECK_INT(pt_db_site_get(db, "TH-01", &got, &d), PT_OK);
	CHECK_STR(got.owner, "Orrin Vale Rail");
	pt_db_close(db);
	remove_db(path);
}

/* A database migrated by a newer protect (user_version past the newest
 * migration built in) is refused, with a message naming both versions. */
static void test_refuses_newer_schema(void)
{
	struct pt_db *db = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	char path[128], sql[64], want[96];
	int current = -1, latest = -1;

	tmp_path(path, sizeof path, "newer.db");
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	if (!db)
		return;
	CHECK_INT(pt_db_schema_version(db, &current, &latest, &d), PT_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", latest + 1);
	CHECK_INT(sqlite3_exec(pt_db_sqlite(db), sql, NULL, NULL, NULL), SQLITE_OK);
	pt_db_close(db);
	db = NULL;
	pt_diag_clear(&d);
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_EDB);
	CHECK(db == NULL);
	CHECK_INT(pt_err_exit_status(PT_EDB), 74);
	snprintf(want, sizeof want, "schema version %d is newer than %d,", latest + 1, latest);
	CHECK(strstr(d.msg, want) != NULL);
	CHECK(strstr(d.msg, "use a newer protect") != NULL);
	CHECK_STR(d.file, path);
	/* Refused every time: nothing was changed by the attempt. */
	pt_diag_clear(&d);
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_EDB);
	pt_db_close(db);
	remove_db(path);
}

/* Migration 014 (issue 11) keeps the threat levels set before it: the national row and each
 * threat's row become the first changes of their scopes. */
/* issue 13: migration 021 runs again unchanged (a registry wound back to 20 keeps its alerts),
 * and the table stays append-only. */
static void test_migration_021_alerts(void)
{
	struct pt_db *db = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	char path[128];
	long long n = -1;
	sqlite3_stmt *st = NULL;
	static const char insert[] =
		"INSERT INTO alerts (identifier, chain, msg_type, status, state, site_id, template, "
		"languages, radius_km, polygon, generic_area, sent, expires, feed_until, composer_id, "
		"composer, composed_at, sha256, xml) VALUES ('PT-1', 'PT-1', 'Alert', 'Actual', "
		"'pending', 'S', 'armed-attack', 'en', 1, 0, 0, 1, 2, 2, 0, 'system', 1, "
		"printf('%064d', 0), x'3c612f3e')";

	tmp_path(path, sizeof path, "alerts21.db");
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	if (!db)
		return;
	CHECK_INT(sqlite3_exec(pt_db_sqlite(db), insert, NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_exec(pt_db_sqlite(db),
			       /* issue 13 review: migration 022 runs again too */
			       "ALTER TABLE users DROP COLUMN role_by_system; PRAGMA user_version = 20",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	pt_db_close(db);
	db = NULL;
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_OK);
	if (!db)
		return;
	if (sqlite3_prepare_v2(pt_db_sqlite(db), "SELECT count(*) FROM alerts", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	CHECK_INT(n, 1);
	CHECK(sqlite3_exec(pt_db_sqlite(db), "DELETE FROM alerts", NULL, NULL, NULL) != SQLITE_OK);
	CHECK(sqlite3_exec(pt_db_sqlite(db), "UPDATE alerts SET xml = x'00'", NULL, NULL, NULL) !=
	      SQLITE_OK);
	/* the one change a row sees: its decision, once */
	CHECK_INT(sqlite3_exec(pt_db_sqlite(db), "UPDATE alerts SET state = 'issued', decided_at = 2",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	CHECK(sqlite3_exec(pt_db_sqlite(db), "UPDATE alerts SET state = 'rejected'", NULL, NULL,
			   NULL) != SQLITE_OK);
	pt_db_close(db);
	remove_db(path);
}

/* issue 13 review (attack 1): migration 022 takes the users there as appointed (role_by_system
 * 1), as 009 did for admins; undone and run again, it does so again; the store's own calls
 * appoint (the command line), a user's (by_system 0, the API) does not, on creation and on a
 * role change; the column takes 0 or 1 only. */
static void test_migration_022_role_grants(void)
{
	static const unsigned char key[PT_AUDIT_KEY_BYTES] = {42, 22};
	struct pt_db *db = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_user u;
	struct pt_principal who;
	char path[128];
	long long org = 0;

	tmp_path(path, sizeof path, "grants22.db");
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	if (!db)
		return;
	CHECK_INT(pt_audit_set_key(db, key, &d), PT_OK);
	CHECK_INT(pt_db_org_add(db, "Crisis Centre", PT_ORG_GOVERNMENT, &org, &d), PT_OK);
	CHECK_INT(pt_db_user_add_by(db, "api-pio", "pw-of-api-pio", PT_ROLE_PIO, org, 0, NULL, &d),
		  PT_OK);
	CHECK_INT(pt_db_user_get(db, "api-pio", &u, &d), PT_OK);
	CHECK_INT(u.role_by_system, 0);
	pt_user_principal(&u, &who);
	CHECK_INT(who.role_by_system, 0);
	/* back to version 21: the migration takes every user as appointed */
	CHECK_INT(sqlite3_exec(pt_db_sqlite(db),
			       "ALTER TABLE users DROP COLUMN role_by_system; PRAGMA user_version = 21",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	pt_db_close(db);
	db = NULL;
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_OK);
	if (!db)
		return;
	CHECK_INT(pt_audit_set_key(db, key, &d), PT_OK);
	CHECK_INT(pt_db_user_get(db, "api-pio", &u, &d), PT_OK);
	CHECK_INT(u.role_by_system, 1);
	/* re-roled over the API: no longer appointed; by the command line: again */
	CHECK_INT(pt_db_user_set_role_by(db, "api-pio", PT_ROLE_PIO, 0, &d), PT_OK);
	CHECK_INT(pt_db_user_get(db, "api-pio", &u, &d), PT_OK);
	CHECK_INT(u.role_by_system, 0);
	CHECK_INT(pt_db_user_set_role(db, "api-pio", PT_ROLE_COORDINATOR, &d), PT_OK);
	CHECK_INT(pt_db_user_get(db, "api-pio", &u, &d), PT_OK);
	CHECK_INT(u.role_by_system, 1);
	CHECK_INT(pt_db_user_add(db, "cli-pio", "pw-of-cli-pio", PT_ROLE_PIO, org, NULL, &d), PT_OK);
	CHECK_INT(pt_db_user_get(db, "cli-pio", &u, &d), PT_OK);
	CHECK_INT(u.role_by_system, 1);
	CHECK(sqlite3_exec(pt_db_sqlite(db), "UPDATE users SET role_by_system = 2", NULL, NULL,
			   NULL) != SQLITE_OK);
	pt_db_close(db);
	remove_db(path);
}

static void test_migration_014_keeps_levels(void)
{
	struct pt_db *db = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_level_change *h = NULL;
	struct pt_threat_level_entry *e = NULL;
	enum pt_threat_level national;
	char path[128];
	size_t n = 0;

	tmp_path(path, sizeof path, "levels13.db");
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	if (!db)
		return;
	/* back to the shape before 014, with two levels set */
	CHECK_INT(sqlite3_exec(pt_db_sqlite(db),
			       "DROP TABLE threat_levels; CREATE TABLE threat_levels (id INTEGER "
			       "PRIMARY KEY, threat_id TEXT, level TEXT NOT NULL); "
			       "INSERT INTO threat_levels (threat_id, level) VALUES ('arson', 'LOW'), "
			       "(NULL, 'SEVERE'); "
			       "ALTER TABLE risk_register DROP COLUMN decided_band; "
			       "ALTER TABLE risk_register DROP COLUMN decided_level; "
			       /* and before 016's columns (issue 11 review M3) */
			       "ALTER TABLE sites DROP COLUMN fenced; "
			       "ALTER TABLE surge_measures DROP COLUMN needs; "
			       /* issue 11 M5: migration 017 runs again too */
			       "ALTER TABLE surge_measures DROP COLUMN cost_driver; "
			       "ALTER TABLE surge_measures DROP COLUMN unit_weekly_eur; "
			       "ALTER TABLE surge_measures DROP COLUMN safeguards; "
			       /* issue 13 review: migration 022 runs again too */
			       "ALTER TABLE users DROP COLUMN role_by_system; "
			       "PRAGMA user_version = 13",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	pt_db_close(db);
	db = NULL;
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_OK);
	if (!db)
		return;
	CHECK_INT(pt_db_threat_level_history(db, &h, &n, &d), PT_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(h[0].scope, PT_LEVEL_SCOPE_NATIONAL);
		CHECK_INT(h[0].level, PT_LEVEL_SEVERE);
		CHECK_STR(h[0].rationale, "set before threat-level governance (migration 014)");
		CHECK_INT(h[1].scope, PT_LEVEL_SCOPE_THREAT);
		CHECK_STR(h[1].scope_id, "arson");
		CHECK_INT(h[1].level, PT_LEVEL_LOW);
		CHECK_INT(h[1].expires_at, 0);
	}
	free(h);
	CHECK_INT(pt_db_threat_levels(db, &national, &e, &n, &d), PT_OK);
	CHECK_INT(national, PT_LEVEL_SEVERE);
	CHECK_INT(n, 1);
	free(e);
	pt_db_close(db);
	remove_db(path);
}

/*
 * Migration 012 (issue 11): a registry at version 11 (built from the
 * embedded 001-011 scripts) with a measure needing a "specific legal basis"
 * (1), the old default plan.allow_legal_basis 1 and a site, opened with the
 * current code: the measure needs a statute, the setting is 0 again and
 * loads, the site's new attributes are unknown, and new values store.
 */
static void test_migration_012(void)
{
	static const char *const scripts[] = {
		"src/store/001_schema.sql", "src/store/002_access.sql",
		"src/store/003_measures.sql", "src/store/004_plan_sites.sql",
		"src/store/005_plan_site_lines.sql", "src/store/006_data_version.sql",
		"src/store/007_audit_records.sql", "src/store/008_password_resets.sql",
		"src/store/009_admin_grants.sql", "src/store/010_user_names_nocase.sql",
		"src/store/011_second_factor.sql",
	};
	char path[512];
	sqlite3 *raw = NULL;
	char *err = NULL;
	struct pt_db *db = NULL;
	struct pt_diag d;
	struct pt_measure_catalog cat;
	struct pt_config cfg;
	struct pt_site site;
	size_t i;
	int rc;
	snprintf(path, sizeof path, "%s/v11.db", tmpdir);
	rc = sqlite3_open(path, &raw);
	for (i = 0; rc == SQLITE_OK && i < sizeof scripts / sizeof scripts[0]; i++) {
		const struct pt_embedded_file *f = pt_embedded_find(scripts[i]);
		CHECK(f != NULL);
		if (!f)
			rc = SQLITE_ERROR;
		else if ((rc = sqlite3_exec(raw, "BEGIN", NULL, NULL, &err)) == SQLITE_OK &&
			 (rc = sqlite3_exec(raw, f->data, NULL, NULL, &err)) == SQLITE_OK)
			rc = sqlite3_exec(raw, "COMMIT", NULL, NULL, &err);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(
			raw,
			"INSERT INTO settings (key, value) VALUES ('plan.allow_legal_basis', '1');"
			"INSERT INTO kinds (id, name) VALUES ('soft_target', 'Soft target');"
			"INSERT INTO sectors (id, kind_id, name) VALUES ('stadium_arena', "
			"'soft_target', 'Stadium');"
			"INSERT INTO sites (id, name, kind_id, sector_id, lat, lon, region, capacity, "
			"peak_occupancy, population_served, economic_value_eur, tlp) VALUES ('S-1', "
			"'Arena', 'soft_target', 'stadium_arena', 47, -12, 'North', 100, 90, 0, 1e6, "
			"'CLEAR');"
			"INSERT INTO measures (id, name, family, capex_eur, opex_eur_year, "
			"lifetime_years, privacy, movement, discrimination, legal_basis, "
			"removes_step_free, kinds, sectors) VALUES ('face', 'Face', 'prevent', 1, 1, 5, "
			"3, 1, 3, 1, 0, '*', '*'), ('film', 'Film', 'prevent', 1, 1, 5, 0, 0, 0, 0, 0, "
			"'*', '*');",
			NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fprintf(stderr, "v11: %s\n", err ? err : sqlite3_errmsg(raw));
	sqlite3_free(err);
	sqlite3_close(raw);
	CHECK_INT(rc, SQLITE_OK);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_OK);
	if (!db) {
		fprintf(stderr, "open: %s\n", d.msg);
		return;
	}
	memset(&cat, 0, sizeof cat);
	CHECK_INT(pt_db_measures_load(db, &cat, &d), PT_OK);
	CHECK_INT(cat.n, 2);
	if (cat.n == 2) {
		CHECK_STR(cat.items[0].id, "face");
		CHECK_INT(cat.items[0].legal_basis, PT_BASIS_STATUTE);
		CHECK_INT(cat.items[0].cost_driver, PT_COST_SIZE);
		CHECK_INT(cat.items[1].legal_basis, PT_BASIS_NONE);
	}
	pt_measure_catalog_clear(&cat);
	pt_config_defaults(&cfg);
	cfg.plan_allow_legal_basis = 1;
	CHECK_INT(pt_db_config_load(db, &cfg, &d), PT_OK);
	CHECK_INT(cfg.plan_allow_legal_basis, 0);
	CHECK_INT(pt_db_site_get(db, "S-1", &site, &d), PT_OK);
	CHECK_INT(site.drivers_known, 0);
	CHECK_INT(site.enclosed, PT_TRI_UNKNOWN);
	CHECK_INT(site.legal_basis, 0);
	pt_db_close(db);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/pt_test_store_XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_migration_012);
	RUN(test_migration_from_empty);
	RUN(test_seed_then_reseed_keeps_user_value);
	RUN(test_seed_rejects_bad_setting);
	RUN(test_setting_validation);
	RUN(test_sites_import_creates_owner_and_updates);
	RUN(test_sites_all_or_nothing);
	RUN(test_assessments_unknown_site_names_line);
	RUN(test_assessments_replace_by_key);
	RUN(test_tlp_filter_and_withheld);
	RUN(test_threat_levels);
	RUN(test_transaction_helper);
	RUN(test_not_a_database);
	RUN(test_missing_file);
	RUN(test_persists_across_reopen);
	RUN(test_refuses_newer_schema);
	RUN(test_migration_014_keeps_levels);
	RUN(test_migration_021_alerts); /* issue 13 */
	RUN(test_migration_022_role_grants); /* issue 13 review */
	rmdir(tmpdir);
	return TEST_SUMMARY("test_store");
}
