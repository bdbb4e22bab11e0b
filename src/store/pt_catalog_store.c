/* pt_catalog_store.c - the catalogues (kinds, sectors, threats), the
 * settings and the threat levels, in SQLite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_audit.h"
#include "pt_catalog_store.h"
#include "pt_store_int.h"

#define PT_DB_MAX_LEVELS 100000   /* per-threat level overrides one read may hold */
#define PT_DB_MAX_SETTINGS 100000 /* stored settings one list may hold */

/* The statement table of this file. */
enum catalog_stmt {
	ST_IS_INITIALISED,
	ST_KIND_PUT,
	ST_SECTOR_PUT,
	ST_THREAT_PUT,
	ST_KINDS_ALL,
	ST_SECTORS_ALL,
	ST_THREATS_ALL,
	ST_THREAT_EXISTS,
	ST_SETTING_SEED,
	ST_SETTING_PUT,
	ST_SETTINGS_ALL,
	ST_LEVEL_PUT,
	ST_LEVELS_ALL,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_IS_INITIALISED] = "SELECT EXISTS (SELECT 1 FROM kinds) AND EXISTS (SELECT 1 FROM sectors) "
			      "AND EXISTS (SELECT 1 FROM threats)",
	[ST_KIND_PUT] = "INSERT INTO kinds (id, name, description) VALUES (?1, ?2, ?3) "
			"ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
			"description = excluded.description",
	[ST_SECTOR_PUT] = "INSERT INTO sectors (id, kind_id, name, description) "
			  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET "
			  "kind_id = excluded.kind_id, name = excluded.name, "
			  "description = excluded.description",
	[ST_THREAT_PUT] = "INSERT INTO threats (id, name, description) VALUES (?1, ?2, ?3) "
			  "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
			  "description = excluded.description",
	[ST_KINDS_ALL] = "SELECT id, name, '', description, rowid FROM kinds ORDER BY id",
	[ST_SECTORS_ALL] = "SELECT id, name, coalesce(kind_id, ''), description, rowid FROM sectors "
			   "ORDER BY id",
	[ST_THREATS_ALL] = "SELECT id, name, '', description, rowid FROM threats ORDER BY id",
	[ST_THREAT_EXISTS] = "SELECT 1 FROM threats WHERE id = ?1",
	[ST_SETTING_SEED] = "INSERT INTO settings (key, value) VALUES (?1, ?2) "
			    "ON CONFLICT (key) DO NOTHING",
	[ST_SETTING_PUT] = "INSERT INTO settings (key, value) VALUES (?1, ?2) "
			   "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_SETTINGS_ALL] = "SELECT key, value FROM settings ORDER BY key",
	[ST_LEVEL_PUT] = "INSERT INTO threat_levels (threat_id, level) VALUES (?1, ?2) "
			 "ON CONFLICT (coalesce(threat_id, '')) DO UPDATE SET level = excluded.level",
	[ST_LEVELS_ALL] = "SELECT threat_id, level FROM threat_levels "
			  "ORDER BY threat_id IS NOT NULL, threat_id",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_CATALOG, ST_COUNT, stmt_sql};

int pt_db_is_initialised(struct pt_db *db)
{
	long long yes = 0;
	if (!db || pt_db_query_int(db, &stmts, ST_IS_INITIALISED, NULL, &yes, NULL) != PT_OK)
		return 0;
	return yes != 0;
}

/* ---- catalogues and settings ------------------------------------------- */

/* Insert or update the entries of one catalogue. */
static enum pt_err catalog_put(struct pt_db *db, enum catalog_stmt id, const char *what,
			       const struct pt_catalog *c, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc, col;

	for (i = 0; i < c->n; i++) {
		const struct pt_catalog_entry *e = &c->items[i];
		if (!pt_db_field_ok(e->id, sizeof e->id) || !pt_db_field_ok(e->name, sizeof e->name))
			return pt_diag_set(d, PT_EINVAL, 0, "id",
					   "%s entry %zu: the id and the name must be non-empty", what,
					   i + 1);
		if (id == ST_SECTOR_PUT && !pt_db_field_ok(e->parent, sizeof e->parent))
			return pt_diag_set(d, PT_EINVAL, 0, "kind", "sector \"%s\": no kind given",
					   e->id);
		if ((err = pt_db_prepare(db, &stmts, id, &st, d)) != PT_OK)
			return err;
		col = 1;
		rc = pt_db_bind_field(st, col++, e->id, sizeof e->id);
		if (rc == SQLITE_OK && id == ST_SECTOR_PUT)
			rc = pt_db_bind_field(st, col++, e->parent, sizeof e->parent);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_field(st, col++, e->name, sizeof e->name);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_field(st, col, e->description, sizeof e->description);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return pt_diag_set(d, PT_EINVAL, 0, "kind",
					   "sector \"%s\": unknown kind \"%s\"", e->id, e->parent);
		if (rc != SQLITE_DONE) {
			char where[128];
			snprintf(where, sizeof where, "%s \"%s\"", what, e->id);
			return pt_db_fail(db, rc, d, where);
		}
	}
	return PT_OK;
}

/* Validate the seed settings as a whole: defaults, each key, cross-field rules. */
static enum pt_err settings_validate(const char *const *keys, const char *const *values, size_t n,
				     struct pt_diag *d)
{
	struct pt_config c;
	enum pt_err err;
	size_t i;
	pt_config_defaults(&c);
	for (i = 0; i < n; i++) {
		if (!keys[i] || !values[i])
			return pt_diag_set(d, PT_EINVAL, 0, "", "setting %zu has no key or value", i + 1);
		if (strlen(keys[i]) >= PT_SETTING_KEY_MAX || strlen(values[i]) >= PT_SETTING_VALUE_MAX)
			return pt_diag_set(d, PT_ELIMIT, 0, keys[i], "setting too long");
		if ((err = pt_config_set(&c, keys[i], values[i], d)) != PT_OK)
			return err;
	}
	return pt_config_check(&c, d);
}

enum pt_err pt_db_seed(struct pt_db *db, const struct pt_catalogs *cat,
		       const char *const *settings_keys, const char *const *settings_values,
		       size_t n_settings, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc;

	if (!db || !cat || (n_settings && (!settings_keys || !settings_values)))
		return pt_diag_set(d, PT_EINVAL, 0, "", "nothing to seed");
	if ((err = settings_validate(settings_keys, settings_values, n_settings, d)) != PT_OK)
		return err;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = catalog_put(db, ST_KIND_PUT, "kind", &cat->kinds, d)) != PT_OK ||
	    (err = catalog_put(db, ST_SECTOR_PUT, "sector", &cat->sectors, d)) != PT_OK ||
	    (err = catalog_put(db, ST_THREAT_PUT, "threat", &cat->threats, d)) != PT_OK)
		goto out;
	for (i = 0; i < n_settings; i++) {
		size_t index = 0;
		/* Stored under the key table's own spelling (validated above). */
		if (pt_config_key_index(settings_keys[i], &index) != PT_OK) {
			err = pt_diag_set(d, PT_ENOTFOUND, 0, settings_keys[i], "unknown setting");
			goto out;
		}
		if ((err = pt_db_prepare(db, &stmts, ST_SETTING_SEED, &st, d)) != PT_OK)
			goto out;
		rc = sqlite3_bind_text(st, 1, pt_config_key_name(index), -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, settings_values[i], -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			err = pt_db_fail(db, rc, d, "storing a setting");
			goto out;
		}
	}
	{
		char detail[160];
		snprintf(detail, sizeof detail, "%zu kinds, %zu sectors, %zu threats, %zu settings",
			 cat->kinds.n, cat->sectors.n, cat->threats.n, n_settings);
		err = pt_audit_append(db, "registry.seed", "", "", detail, d);
	}
out:
	return pt_db_end(db, err, d);
}

/* Append a catalogue row (id, name, parent, description, rowid) to the catalogue ctx. */
static enum pt_err catalog_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_catalog_entry e;
	enum pt_err err;
	(void)row;
	memset(&e, 0, sizeof e);
	if ((err = pt_db_col_text(st, 0, e.id, sizeof e.id, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 1, e.name, sizeof e.name, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, e.parent, sizeof e.parent, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 3, e.description, sizeof e.description, d)) != PT_OK)
		return err;
	e.position = sqlite3_column_int64(st, 4); /* the rowid: the order it was imported in */
	if ((err = pt_catalog_append(ctx, &e)) != PT_OK)
		return pt_diag_set(d, err, 0, "", "reading a catalogue: %s", pt_strerror(err));
	return PT_OK;
}

/* Read one catalogue table into c. */
static enum pt_err catalog_load(struct pt_db *db, enum catalog_stmt id, struct pt_catalog *c,
				struct pt_diag *d)
{
	struct pt_db_rows rows = {NULL, 0, 0, 0, SIZE_MAX, "too many catalogue entries",
				  catalog_row, c};
	sqlite3_stmt *st;
	enum pt_err err;
	if ((err = pt_db_prepare(db, &stmts, id, &st, d)) != PT_OK)
		return err;
	return pt_db_rows_read(db, st, &rows, "reading a catalogue", d);
}

enum pt_err pt_db_catalogs_load(struct pt_db *db, struct pt_catalogs *cat, struct pt_diag *d)
{
	enum pt_err err;
	if (!db || !cat)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no catalogues");
	if ((err = catalog_load(db, ST_KINDS_ALL, &cat->kinds, d)) != PT_OK ||
	    (err = catalog_load(db, ST_SECTORS_ALL, &cat->sectors, d)) != PT_OK ||
	    (err = catalog_load(db, ST_THREATS_ALL, &cat->threats, d)) != PT_OK) {
		pt_catalog_clear(&cat->kinds);
		pt_catalog_clear(&cat->sectors);
		pt_catalog_clear(&cat->threats);
	}
	return err;
}

/* A settings row (key, value). */
static enum pt_err setting_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_setting *set = row;
	enum pt_err err;
	(void)ctx;
	if ((err = pt_db_col_text(st, 0, set->key, sizeof set->key, d)) != PT_OK)
		return err;
	return pt_db_col_text(st, 1, set->value, sizeof set->value, d);
}

/* Every stored setting, ordered by key (*list: caller frees). */
static enum pt_err settings_read(struct pt_db *db, struct pt_setting **list, size_t *n,
				 struct pt_diag *d)
{
	struct pt_db_rows rows = {NULL, 0, 0, sizeof **list, PT_DB_MAX_SETTINGS,
				  "too many settings", setting_row, NULL};
	sqlite3_stmt *st;
	enum pt_err err;
	*list = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_SETTINGS_ALL, &st, d)) != PT_OK)
		return err;
	err = pt_db_rows_read(db, st, &rows, "reading the settings", d);
	*list = rows.items;
	*n = rows.n;
	return err;
}

/* Defaults overlaid with every stored setting, then the cross-field check. */
static enum pt_err config_read(struct pt_db *db, struct pt_config *c, struct pt_diag *d)
{
	struct pt_setting *list = NULL;
	enum pt_err err;
	size_t n = 0, i;

	pt_config_defaults(c);
	if ((err = settings_read(db, &list, &n, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		if ((err = pt_config_set(c, list[i].key, list[i].value, d)) != PT_OK) {
			char why[sizeof d->msg];
			if (!d)
				goto out;
			pt_strlcpy(why, d->msg, sizeof why);
			pt_diag_set(d, err == PT_ENOTFOUND ? PT_EINVAL : err, 0, list[i].key,
				    "stored setting rejected (fix it with 'protect config set'): %s",
				    why);
			err = err == PT_ENOTFOUND ? PT_EINVAL : err;
			goto out;
		}
	}
	err = pt_config_check(c, d);
out:
	free(list);
	return err;
}

enum pt_err pt_db_config_load(struct pt_db *db, struct pt_config *c, struct pt_diag *d)
{
	struct pt_config tmp;
	enum pt_err err;
	if (!db || !c)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no configuration");
	if ((err = config_read(db, &tmp, d)) != PT_OK)
		return err;
	*c = tmp;
	return PT_OK;
}

enum pt_err pt_db_setting_set(struct pt_db *db, const char *key, const char *value,
			      struct pt_diag *d)
{
	struct pt_config c;
	sqlite3_stmt *st;
	const char *canonical;
	size_t index = 0;
	enum pt_err err;
	int rc;

	if (!db || !key || !value)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, key or value");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = config_read(db, &c, d)) != PT_OK ||
	    (err = pt_config_set(&c, key, value, d)) != PT_OK || (err = pt_config_check(&c, d)) != PT_OK)
		goto out;
	/* Stored under the key table's own spelling, so re-seeding finds it. */
	if (pt_config_key_index(key, &index) != PT_OK) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, key, "unknown setting");
		goto out;
	}
	canonical = pt_config_key_name(index);
	if (strlen(value) >= PT_SETTING_VALUE_MAX) {
		err = pt_diag_set(d, PT_ELIMIT, 0, canonical, "value longer than %d bytes",
				  PT_SETTING_VALUE_MAX - 1);
		goto out;
	}
	if ((err = pt_db_prepare(db, &stmts, ST_SETTING_PUT, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, canonical, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "storing the setting");
		goto out;
	}
	err = pt_audit_append(db, "setting.set", "settings", canonical, value, d);
out:
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_settings_list(struct pt_db *db, struct pt_setting **settings, size_t *n,
				struct pt_diag *d)
{
	if (!db || !settings || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	return settings_read(db, settings, n, d);
}

/* ---- threat levels ----------------------------------------------------- */

enum pt_err pt_db_threat_level_set(struct pt_db *db, const char *threat_id,
				   enum pt_threat_level level, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if ((int)level < 0 || (int)level >= PT_LEVEL_COUNT)
		return pt_diag_set(d, PT_EINVAL, 0, "level", "not a threat level");
	if (threat_id && (!threat_id[0] || strlen(threat_id) >= PT_ID_MAX))
		return pt_diag_set(d, PT_EINVAL, 0, "threat_id", "unknown threat id \"%.*s\"",
				   PT_ID_MAX, threat_id);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if (threat_id && !pt_db_exists(db, &stmts, ST_THREAT_EXISTS, threat_id, PT_ID_MAX)) {
		err = pt_diag_set(d, PT_EINVAL, 0, "threat_id",
				  "unknown threat id \"%s\" (not in the threats catalogue)", threat_id);
		goto out;
	}
	if ((err = pt_db_prepare(db, &stmts, ST_LEVEL_PUT, &st, d)) != PT_OK)
		goto out;
	rc = threat_id ? sqlite3_bind_text(st, 1, threat_id, -1, SQLITE_STATIC)
		       : sqlite3_bind_null(st, 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, pt_threat_level_name(level), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "storing the threat level");
		goto out;
	}
	err = pt_audit_append(db, "threat_level.set", "threat_levels",
			      threat_id ? threat_id : "national", pt_threat_level_name(level), d);
out:
	return pt_db_end(db, err, d);
}

/* A threat_levels row (threat_id, or "" for the national level; level). */
static enum pt_err level_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_threat_level_entry *e = row;
	char text[32];
	enum pt_err err;
	(void)ctx;
	if ((err = pt_db_col_text(st, 1, text, sizeof text, d)) != PT_OK)
		return err;
	if (pt_threat_level_parse(text, &e->level) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "level", "stored threat level \"%s\" is unknown",
				   text);
	return pt_db_col_text(st, 0, e->threat_id, sizeof e->threat_id, d);
}

enum pt_err pt_db_threat_levels(struct pt_db *db, enum pt_threat_level *national,
				struct pt_threat_level_entry **entries, size_t *n,
				struct pt_diag *d)
{
	struct pt_db_rows rows = {NULL, 0, 0, sizeof **entries, PT_DB_MAX_LEVELS + 1,
				  "too many threat levels", level_row, NULL};
	struct pt_threat_level_entry *list;
	sqlite3_stmt *st;
	enum pt_err err;

	if (!db || !national || !entries || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*entries = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_LEVELS_ALL, &st, d)) != PT_OK ||
	    (err = pt_db_rows_read(db, st, &rows, "reading threat levels", d)) != PT_OK)
		return err;
	list = rows.items;
	*national = PT_LEVEL_SUBSTANTIAL;
	/* The national level (threat_id NULL) sorts first. */
	if (rows.n && !list[0].threat_id[0]) {
		*national = list[0].level;
		memmove(list, list + 1, (rows.n - 1) * sizeof *list);
		rows.n--;
	}
	if (!rows.n) {
		free(list);
		list = NULL;
	}
	*entries = list;
	*n = rows.n;
	return PT_OK;
}
