/* pt_catalog_store.c - the catalogues (kinds, sectors, threats), the
 * settings and the threat levels, in SQLite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pt_audit.h"
#include "pt_catalog_store.h"
#include "pt_store_int.h"

#define PT_DB_MAX_LEVELS 100000   /* threat-level changes one read may hold */
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
	ST_SECTOR_EXISTS,
	ST_REGION_EXISTS,
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
	[ST_LEVEL_PUT] = "INSERT INTO threat_levels (scope_kind, scope_id, level, below, rationale, "
			 "set_by, set_at, expires_at, replaced) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_LEVELS_ALL] = "SELECT id, scope_kind, scope_id, level, below, rationale, set_by, set_at, "
			  "coalesce(expires_at, 0), replaced FROM threat_levels ORDER BY CASE scope_kind "
			  "WHEN 'national' THEN 0 WHEN 'sector' THEN 1 WHEN 'region' THEN 2 ELSE 3 END, "
			  "scope_id, id",
	[ST_SECTOR_EXISTS] = "SELECT 1 FROM sectors WHERE id = ?1",
	[ST_REGION_EXISTS] = "SELECT 1 FROM sites WHERE region = ?1 LIMIT 1",
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
	if (strncmp(key, PT_CONFIG_RESTART_PREFIX, strlen(PT_CONFIG_RESTART_PREFIX)) == 0) {
		canonical = key; /* issue 12: a restart-time override, checked by pt_config_set */
	} else if (pt_config_key_index(key, &index) != PT_OK) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, key, "unknown setting");
		goto out;
	} else {
		canonical = pt_config_key_name(index);
	}
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

/* ---- threat levels (issue 11: a history of changes per scope) -------------- */

/* A threat_levels row: one change. */
static enum pt_err level_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_level_change *c = row;
	char text[32];
	enum pt_err err;
	(void)ctx;
	c->id = sqlite3_column_int64(st, 0);
	if ((err = pt_db_col_text(st, 1, text, sizeof text, d)) != PT_OK)
		return err;
	if (pt_level_scope_parse(text, &c->scope) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "scope_kind", "stored scope \"%s\" is unknown", text);
	if ((err = pt_db_col_text(st, 2, c->scope_id, sizeof c->scope_id, d)) != PT_OK)
		return err;
	c->cleared = sqlite3_column_type(st, 3) == SQLITE_NULL;
	if (!c->cleared) {
		if ((err = pt_db_col_text(st, 3, text, sizeof text, d)) != PT_OK)
			return err;
		if (pt_threat_level_parse(text, &c->level) != PT_OK)
			return pt_diag_set(d, PT_EDB, 0, "level",
					   "stored threat level \"%s\" is unknown", text);
	}
	c->below = sqlite3_column_int(st, 4) != 0;
	if ((err = pt_db_col_text(st, 5, c->rationale, sizeof c->rationale, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 6, c->set_by, sizeof c->set_by, d)) != PT_OK)
		return err;
	c->set_at = sqlite3_column_int64(st, 7);
	c->expires_at = sqlite3_column_int64(st, 8);
	c->replaced_set = sqlite3_column_type(st, 9) != SQLITE_NULL;
	if (c->replaced_set) {
		if ((err = pt_db_col_text(st, 9, text, sizeof text, d)) != PT_OK)
			return err;
		if (pt_threat_level_parse(text, &c->replaced) != PT_OK)
			return pt_diag_set(d, PT_EDB, 0, "replaced",
					   "stored threat level \"%s\" is unknown", text);
	}
	return PT_OK;
}

enum pt_err pt_db_threat_level_history(struct pt_db *db, struct pt_level_change **changes,
				       size_t *n, struct pt_diag *d)
{
	struct pt_db_rows rows = {NULL, 0, 0, sizeof **changes, PT_DB_MAX_LEVELS + 1,
				  "too many threat-level changes", level_row, NULL};
	sqlite3_stmt *st;
	enum pt_err err;

	if (!db || !changes || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*changes = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_LEVELS_ALL, &st, d)) != PT_OK ||
	    (err = pt_db_rows_read(db, st, &rows, "reading threat levels", d)) != PT_OK)
		return err;
	if (!rows.n) {
		free(rows.items);
		rows.items = NULL;
	}
	*changes = rows.items;
	*n = rows.n;
	return PT_OK;
}

/* Is the scope of c one the registry knows (a sector of the catalogue, a region some site is in,
 * a threat of the catalogue)? PT_EINVAL naming the field otherwise. */
static enum pt_err scope_check(struct pt_db *db, const struct pt_level_change *c,
			       struct pt_diag *d)
{
	static const char *const field[PT_LEVEL_SCOPE_COUNT] = {"", "sector_id", "region",
								 "threat_id"};
	static const char *const where[PT_LEVEL_SCOPE_COUNT] = {
		"", "not in the sectors catalogue", "no site of the registry is in it",
		"not in the threats catalogue"};
	int exists;
	if (c->scope == PT_LEVEL_SCOPE_NATIONAL)
		return c->scope_id[0] ? pt_diag_set(d, PT_EINVAL, 0, "scope",
						    "the national level has no scope id")
				      : PT_OK;
	if ((int)c->scope < 0 || (int)c->scope >= PT_LEVEL_SCOPE_COUNT)
		return pt_diag_set(d, PT_EINVAL, 0, "scope", "not a threat-level scope");
	if (!c->scope_id[0])
		return pt_diag_set(d, PT_EINVAL, 0, field[c->scope], "empty %s",
				   pt_level_scope_name(c->scope));
	exists = pt_db_exists(db, &stmts,
			      c->scope == PT_LEVEL_SCOPE_SECTOR   ? ST_SECTOR_EXISTS
			      : c->scope == PT_LEVEL_SCOPE_REGION ? ST_REGION_EXISTS
								  : ST_THREAT_EXISTS,
			      c->scope_id, sizeof c->scope_id);
	if (!exists)
		return pt_diag_set(d, PT_EINVAL, 0, field[c->scope], "unknown %s \"%s\" (%s)",
				   pt_level_scope_name(c->scope), c->scope_id, where[c->scope]);
	return PT_OK;
}

enum pt_err pt_db_threat_level_audit(struct pt_db *db, const struct pt_level_change *c,
				     const char *note, struct pt_diag *d)
{
	char detail[PT_LEVEL_RATIONALE_MAX + 160 + PT_DB_LEVEL_NOTE_MAX];
	/* "SEVERE below (was CRITICAL; until 2027-01-31T00:00:00Z): the reason" */
	{
		char until[48] = "";
		time_t t = (time_t)c->expires_at;
		struct tm tm;
		if (c->expires_at && gmtime_r(&t, &tm))
			strftime(until, sizeof until, "; until %Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(detail, sizeof detail, "%s%s (was %s%s): %s%s%.*s",
			 c->cleared ? "cleared" : pt_threat_level_name(c->level),
			 c->below ? " below" : "",
			 c->replaced_set ? pt_threat_level_name(c->replaced) : "none", until,
			 c->rationale, note && note[0] ? "; " : "", PT_DB_LEVEL_NOTE_MAX - 1,
			 note ? note : "");
	}
	{
		char record[PT_LEVEL_SCOPE_ID_MAX + 16];
		if (c->scope == PT_LEVEL_SCOPE_NATIONAL)
			snprintf(record, sizeof record, "national");
		else if (c->scope == PT_LEVEL_SCOPE_THREAT)
			snprintf(record, sizeof record, "%s", c->scope_id);
		else
			snprintf(record, sizeof record, "%s:%s", pt_level_scope_name(c->scope),
				 c->scope_id);
		return pt_audit_append(db, c->cleared ? "threat_level.clear" : "threat_level.set",
				       "threat_levels", record, detail, d);
	}
}

enum pt_err pt_db_threat_level_change(struct pt_db *db, struct pt_level_change *c,
				      struct pt_diag *d)
{
	return pt_db_threat_level_change_ex(db, c, 1, d);
}

enum pt_err pt_db_threat_level_change_ex(struct pt_db *db, struct pt_level_change *c, int audit,
					 struct pt_diag *d)
{
	struct pt_level_change *hist = NULL;
	struct pt_level_entry *now_in_force = NULL;
	size_t n = 0, n_in = 0, i;
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	if (!db || !c)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no change");
	if (!c->cleared && ((int)c->level < 0 || (int)c->level >= PT_LEVEL_COUNT))
		return pt_diag_set(d, PT_EINVAL, 0, "level", "not a threat level");
	if (!c->rationale[0])
		return pt_diag_set(d, PT_EINVAL, 0, "rationale",
				   "a threat-level change needs a rationale");
	if (c->below && (c->scope != PT_LEVEL_SCOPE_THREAT || c->cleared))
		return pt_diag_set(d, PT_EINVAL, 0, "below",
				   "only a threat scenario's level may be marked below");
	if (c->expires_at && c->expires_at <= c->set_at)
		return pt_diag_set(d, PT_EINVAL, 0, "until", "the expiry has passed already");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = scope_check(db, c, d)) != PT_OK ||
	    (err = pt_db_threat_level_history(db, &hist, &n, d)) != PT_OK)
		goto out;
	if (n && !(now_in_force = malloc(n * sizeof *now_in_force))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	pt_levels_in_force(hist, n, c->set_at, now_in_force, &n_in);
	c->replaced_set = 0;
	for (i = 0; i < n_in; i++)
		if (now_in_force[i].change.scope == c->scope &&
		    strcmp(now_in_force[i].change.scope_id, c->scope_id) == 0) {
			c->replaced_set = 1;
			c->replaced = now_in_force[i].change.level;
		}
	if (c->cleared && !c->replaced_set) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, pt_level_scope_name(c->scope),
				  "the %s%s%s has no level of its own to clear",
				  pt_level_scope_name(c->scope), c->scope_id[0] ? " " : "", c->scope_id);
		goto out;
	}
	if ((err = pt_db_prepare(db, &stmts, ST_LEVEL_PUT, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, pt_level_scope_name(c->scope), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, c->scope_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = c->cleared ? sqlite3_bind_null(st, 3)
				: sqlite3_bind_text(st, 3, pt_threat_level_name(c->level), -1,
						    SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 4, c->below ? 1 : 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 5, c->rationale, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 6, c->set_by, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 7, c->set_at);
	if (rc == SQLITE_OK)
		rc = c->expires_at ? sqlite3_bind_int64(st, 8, c->expires_at)
				   : sqlite3_bind_null(st, 8);
	if (rc == SQLITE_OK)
		rc = c->replaced_set ? sqlite3_bind_text(st, 9, pt_threat_level_name(c->replaced),
							 -1, SQLITE_STATIC)
				     : sqlite3_bind_null(st, 9);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "storing the threat level");
		goto out;
	}
	c->id = sqlite3_last_insert_rowid(pt_db_sqlite(db));
	if (audit)
		err = pt_db_threat_level_audit(db, c, NULL, d);
out:
	free(hist);
	free(now_in_force);
	return pt_db_end(db, err, d);
}

/* The actor's time, else the clock. */
static int64_t actor_now(struct pt_db *db)
{
	int64_t now = 0;
	pt_db_actor(db, NULL, NULL, NULL, &now);
	return now > 0 ? now : (int64_t)time(NULL);
}

enum pt_err pt_db_threat_level_set(struct pt_db *db, const char *threat_id,
				   enum pt_threat_level level, struct pt_diag *d)
{
	struct pt_level_change c;
	const char *name = NULL;
	memset(&c, 0, sizeof c);
	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if (threat_id && (!threat_id[0] || strlen(threat_id) >= PT_ID_MAX))
		return pt_diag_set(d, PT_EINVAL, 0, "threat_id", "unknown threat id \"%.*s\"",
				   PT_ID_MAX, threat_id);
	c.scope = threat_id ? PT_LEVEL_SCOPE_THREAT : PT_LEVEL_SCOPE_NATIONAL;
	if (threat_id)
		pt_strlcpy(c.scope_id, threat_id, sizeof c.scope_id);
	c.level = level;
	pt_strlcpy(c.rationale, "set through the store", sizeof c.rationale);
	pt_db_actor(db, NULL, NULL, &name, NULL);
	pt_strlcpy(c.set_by, name ? name : "", sizeof c.set_by);
	c.set_at = actor_now(db);
	return pt_db_threat_level_change(db, &c, d);
}

enum pt_err pt_db_threat_levels(struct pt_db *db, enum pt_threat_level *national,
				struct pt_threat_level_entry **entries, size_t *n,
				struct pt_diag *d)
{
	struct pt_level_change *hist = NULL;
	struct pt_level_entry *in = NULL;
	struct pt_threat_level_entry *list = NULL;
	size_t n_hist = 0, n_in = 0, i, k = 0;
	enum pt_err err;

	if (!db || !national || !entries || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*entries = NULL;
	*n = 0;
	if ((err = pt_db_threat_level_history(db, &hist, &n_hist, d)) != PT_OK)
		return err;
	in = malloc((n_hist ? n_hist : 1) * sizeof *in);
	list = malloc((n_hist ? n_hist : 1) * sizeof *list);
	if (!in || !list) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	pt_levels_in_force(hist, n_hist, actor_now(db), in, &n_in);
	*national = pt_level_national(in, n_in);
	for (i = 0; i < n_in; i++)
		if (in[i].change.scope == PT_LEVEL_SCOPE_THREAT) {
			pt_strlcpy(list[k].threat_id, in[i].change.scope_id, sizeof list[k].threat_id);
			list[k].level = in[i].change.level;
			k++;
		}
	if (k) {
		*entries = list;
		*n = k;
		list = NULL;
	}
out:
	free(hist);
	free(in);
	free(list);
	return err;
}
