/* pt_store.c - the SQLite registry: open and migrate, the statement table,
 * transactions, and every read and write of catalogues, settings and records. */
#include "pt_store.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../formats/pt_diag.h"
#include "../formats/pt_embedded.h"
#include "pt_audit.h"

#define PT_DB_BUSY_TIMEOUT_MS 5000
#define PT_DB_MAX_MIGRATIONS 999
#define PT_DB_MAX_ORGS 4000000 /* organisations one list may hold */
#define PT_DB_MAX_LEVELS 100000 /* per-threat level overrides one read may hold */
#define PT_DB_MAX_SETTINGS 100000 /* stored settings one list may hold */
#define PT_DB_APPLICATION_ID 1347571540 /* 'PROT', set by 001_schema.sql */
#define MIGRATION_PREFIX "src/store/"
#define PT_DB_EXT_STMTS 96 /* statements of the store's other modules, cached per connection */

/* Every SQL statement of the store, prepared once per connection on first use. */
enum pt_stmt {
	ST_BEGIN,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_USER_VERSION,
	ST_APPLICATION_ID,
	ST_TABLE_COUNT,
	ST_IS_INITIALISED,
	ST_KIND_PUT,
	ST_SECTOR_PUT,
	ST_THREAT_PUT,
	ST_KINDS_ALL,
	ST_SECTORS_ALL,
	ST_THREATS_ALL,
	ST_KIND_EXISTS,
	ST_SECTOR_EXISTS,
	ST_THREAT_EXISTS,
	ST_SITE_EXISTS,
	ST_SITE_READER_ADD,
	ST_SETTING_SEED,
	ST_SETTING_PUT,
	ST_SETTINGS_ALL,
	ST_ORG_FIND,
	ST_ORG_ADD,
	ST_ORGS_ALL,
	ST_SITE_COUNT,
	ST_SITE_PUT,
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
	ST_LEVEL_PUT,
	ST_LEVELS_ALL,
	ST_COUNT
};

#define SITE_COLUMNS                                                                      \
	"s.id, s.name, s.kind_id, s.sector_id, coalesce(o.name, ''), s.lat, s.lon, s.region, " \
	"s.capacity, s.peak_occupancy, s.population_served, s.economic_value_eur, s.tlp "       \
	"FROM sites s JOIN tlp_labels t ON t.name = s.tlp "                                     \
	"LEFT JOIN organisations o ON o.id = s.owner_id "
#define FEMA_COLUMNS "site_id, threat_id, asset_value, threat_rating, vulnerability_rating"
#define CARVER_COLUMNS                                                                    \
	"site_id, criticality, accessibility, recuperability, vulnerability, effect, "       \
	"recognizability, shock"
#define QUANT_COLUMNS                                                                     \
	"site_id, threat_id, p_attempt_min, p_attempt_mode, p_attempt_max, p_success_min, "  \
	"p_success_mode, p_success_max, fatalities_min, fatalities_mode, fatalities_max, "   \
	"injuries_min, injuries_mode, injuries_max, loss_eur_min, loss_eur_mode, loss_eur_max"

/* The statement table: fixed text, bound parameters only. */
static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT pt_nested",
	[ST_RELEASE] = "RELEASE pt_nested",
	[ST_ROLLBACK_TO] = "ROLLBACK TO pt_nested",
	[ST_USER_VERSION] = "PRAGMA user_version",
	[ST_APPLICATION_ID] = "PRAGMA application_id",
	[ST_TABLE_COUNT] = "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
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
	[ST_KINDS_ALL] = "SELECT id, name, '', description FROM kinds ORDER BY id",
	[ST_SECTORS_ALL] = "SELECT id, name, coalesce(kind_id, ''), description FROM sectors "
			   "ORDER BY id",
	[ST_THREATS_ALL] = "SELECT id, name, '', description FROM threats ORDER BY id",
	[ST_KIND_EXISTS] = "SELECT 1 FROM kinds WHERE id = ?1",
	[ST_SECTOR_EXISTS] = "SELECT 1 FROM sectors WHERE id = ?1",
	[ST_THREAT_EXISTS] = "SELECT 1 FROM threats WHERE id = ?1",
	[ST_SITE_EXISTS] = "SELECT 1 FROM sites WHERE id = ?1",
	[ST_SITE_READER_ADD] = "INSERT INTO site_readers (site_id, user_id) VALUES (?1, ?2) "
			       "ON CONFLICT DO NOTHING",
	[ST_SETTING_SEED] = "INSERT INTO settings (key, value) VALUES (?1, ?2) "
			    "ON CONFLICT (key) DO NOTHING",
	[ST_SETTING_PUT] = "INSERT INTO settings (key, value) VALUES (?1, ?2) "
			   "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_SETTINGS_ALL] = "SELECT key, value FROM settings ORDER BY key",
	[ST_ORG_FIND] = "SELECT id FROM organisations WHERE name = ?1",
	[ST_ORG_ADD] = "INSERT INTO organisations (name, type) VALUES (?1, ?2)",
	[ST_ORGS_ALL] = "SELECT id, name, type FROM organisations ORDER BY name, id",
	[ST_SITE_COUNT] = "SELECT count(*) FROM sites",
	[ST_SITE_PUT] = "INSERT INTO sites (id, name, kind_id, sector_id, owner_id, lat, lon, region, "
			"capacity, peak_occupancy, population_served, economic_value_eur, tlp) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
			"ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
			"kind_id = excluded.kind_id, sector_id = excluded.sector_id, "
			"owner_id = excluded.owner_id, lat = excluded.lat, lon = excluded.lon, "
			"region = excluded.region, capacity = excluded.capacity, "
			"peak_occupancy = excluded.peak_occupancy, "
			"population_served = excluded.population_served, "
			"economic_value_eur = excluded.economic_value_eur, tlp = excluded.tlp",
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
	[ST_LEVEL_PUT] = "INSERT INTO threat_levels (threat_id, level) VALUES (?1, ?2) "
			 "ON CONFLICT (coalesce(threat_id, '')) DO UPDATE SET level = excluded.level",
	[ST_LEVELS_ALL] = "SELECT threat_id, level FROM threat_levels "
			  "ORDER BY threat_id IS NOT NULL, threat_id",
};

/* A statement of another store module, cached by its SQL text's address. */
struct ext_stmt {
	const char *sql;
	sqlite3_stmt *st;
};

struct pt_db {
	sqlite3 *sql;
	sqlite3_stmt *stmt[ST_COUNT];
	int tx_depth; /* 0 outside a transaction; >0 nesting (savepoints inside) */
	char *path;   /* as opened */
	/* The actor of writes (pt_db_set_actor): the system administrator by default. */
	long long actor_id, actor_org;
	char actor_name[PT_ACTOR_NAME_MAX];
	int64_t actor_now; /* 0: the clock at each write */
	struct ext_stmt ext[PT_DB_EXT_STMTS];
	size_t n_ext;
	void *audit; /* pt_audit.c's state */
};

/* One embedded migration script. */
struct migration {
	int version;
	const struct pt_embedded_file *file;
};

/* ---- errors ------------------------------------------------------------ */

static enum pt_err err_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return PT_OK;
	case SQLITE_NOMEM:
		return PT_ENOMEM;
	case SQLITE_CONSTRAINT:
		return PT_EINVAL;
	case SQLITE_TOOBIG:
		return PT_ELIMIT;
	default:
		return PT_EDB;
	}
}

/* Record SQLite's error for rc on d: "what: SQLite's message". */
static enum pt_err db_fail(struct pt_db *db, int rc, struct pt_diag *d, long line, const char *what)
{
	const char *msg = db && db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc);
	return pt_diag_set(d, err_of(rc) == PT_OK ? PT_EDB : err_of(rc), line, "", "%s: %s", what,
			   msg);
}

/* ---- statements -------------------------------------------------------- */

/* The prepared statement id, reset with no bindings; prepared on first use. */
static enum pt_err prep(struct pt_db *db, enum pt_stmt id, sqlite3_stmt **out, struct pt_diag *d)
{
	int rc;
	if (!db->stmt[id]) {
		rc = sqlite3_prepare_v3(db->sql, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					&db->stmt[id], NULL);
		if (rc != SQLITE_OK) {
			db->stmt[id] = NULL;
			return db_fail(db, rc, d, 0, "preparing a statement");
		}
	} else {
		sqlite3_reset(db->stmt[id]);
		sqlite3_clear_bindings(db->stmt[id]);
	}
	*out = db->stmt[id];
	return PT_OK;
}

/* Run a statement that returns no rows (or whose rows do not matter). */
static enum pt_err exec_stmt(struct pt_db *db, enum pt_stmt id, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = prep(db, id, &st, d)) != PT_OK)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, d, 0, stmt_sql[id]);
	return PT_OK;
}

/* Run a statement whose first row's first column is an integer (0 when no row). */
static enum pt_err query_int(struct pt_db *db, enum pt_stmt id, const char *text, long long *out,
			     struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = 0;
	if ((err = prep(db, id, &st, d)) != PT_OK)
		return err;
	if (text && sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC) != SQLITE_OK) {
		err = db_fail(db, SQLITE_NOMEM, d, 0, "binding");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		err = db_fail(db, rc, d, 0, stmt_sql[id]);
out:
	sqlite3_reset(st);
	return err;
}

/* Bind a NUL-terminated field of a fixed-size array (never reads past cap). */
static int bind_field(sqlite3_stmt *st, int i, const char *s, size_t cap)
{
	return sqlite3_bind_text(st, i, s, (int)strnlen(s, cap), SQLITE_STATIC);
}

/* Nonzero when the fixed-size field s holds a NUL-terminated, non-empty string. */
static int field_ok(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	return n > 0 && n < cap;
}

/* Copy text column col into buf of size cap (PT_ELIMIT if it does not fit). */
static enum pt_err col_text(sqlite3_stmt *st, int col, char *buf, size_t cap, struct pt_diag *d)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n;
	if (!t) {
		buf[0] = '\0';
		if (sqlite3_column_type(st, col) != SQLITE_NULL)
			return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory reading the database");
		return PT_OK;
	}
	n = (size_t)sqlite3_column_bytes(st, col);
	if (n >= cap)
		return pt_diag_set(d, PT_ELIMIT, 0, sqlite3_column_name(st, col),
				   "stored value is %zu bytes, more than the %zu allowed", n, cap - 1);
	memcpy(buf, t, n);
	buf[n] = '\0';
	return PT_OK;
}

/* An integer column that must fit an int (the ratings and scores). */
static int col_int(sqlite3_stmt *st, int col)
{
	long long v = sqlite3_column_int64(st, col);
	if (v > INT_MAX)
		return INT_MAX;
	if (v < INT_MIN)
		return INT_MIN;
	return (int)v;
}

/* ---- transactions ------------------------------------------------------ */

/* Begin a transaction, or a savepoint inside one already open. */
static enum pt_err tx_open(struct pt_db *db, enum pt_stmt begin, struct pt_diag *d)
{
	enum pt_err err = exec_stmt(db, db->tx_depth ? ST_SAVEPOINT : begin, d);
	if (err == PT_OK)
		db->tx_depth++;
	return err;
}

/* A write transaction: takes the write lock at once (BEGIN IMMEDIATE). */
static enum pt_err tx_begin(struct pt_db *db, struct pt_diag *d)
{
	return tx_open(db, ST_BEGIN, d);
}

/* A read transaction: one consistent snapshot, no write lock. */
static enum pt_err tx_begin_read(struct pt_db *db, struct pt_diag *d)
{
	return tx_open(db, ST_BEGIN_READ, d);
}

/*
 * End what tx_begin began: commit (release) when err is PT_OK, roll back
 * otherwise. Returns err, or the commit's failure. d keeps the first error.
 */
static enum pt_err tx_end(struct pt_db *db, enum pt_err err, struct pt_diag *d)
{
	struct pt_diag scratch;
	memset(&scratch, 0, sizeof scratch);
	if (db->tx_depth <= 0)
		return err == PT_OK ? pt_diag_set(d, PT_EINTERNAL, 0, "", "no transaction open") : err;
	db->tx_depth--;
	if (sqlite3_get_autocommit(db->sql)) {
		/* SQLite already rolled the whole transaction back (I/O error, full disk). */
		pt_audit_tx_done(db, 0, &scratch); /* its audit entries are gone too */
		if (err == PT_OK)
			err = pt_diag_set(d, PT_EDB, 0, "", "the transaction was rolled back by SQLite");
		return err;
	}
	if (db->tx_depth > 0) {
		if (err == PT_OK)
			return exec_stmt(db, ST_RELEASE, d);
		exec_stmt(db, ST_ROLLBACK_TO, &scratch);
		exec_stmt(db, ST_RELEASE, &scratch);
		return err;
	}
	if (err == PT_OK)
		err = pt_audit_tx_commit_prepare(db, d);
	if (err == PT_OK) {
		err = exec_stmt(db, ST_COMMIT, d);
		if (err == PT_OK)
			/* The key file's chain head follows the committed entries. */
			return pt_audit_tx_done(db, 1, d);
	}
	if (!sqlite3_get_autocommit(db->sql))
		exec_stmt(db, ST_ROLLBACK, &scratch);
	pt_audit_tx_done(db, 0, &scratch);
	return err;
}

enum pt_err pt_db_transaction(struct pt_db *db, enum pt_err (*fn)(struct pt_db *db, void *ctx),
			      void *ctx, struct pt_diag *d)
{
	enum pt_err err;
	if (!db || !fn)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no function");
	if ((err = tx_begin(db, d)) != PT_OK)
		return err;
	err = fn(db, ctx);
	return tx_end(db, err, d);
}

/* ---- open, migrate, close ---------------------------------------------- */

static int migration_cmp(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;
	return (x->version > y->version) - (x->version < y->version);
}

/*
 * The embedded migrations "src/store/NNN_name.sql" sorted by NNN, which
 * must run 1, 2, ... without gaps. *list: caller frees.
 */
static enum pt_err migrations_find(struct migration **list, size_t *n, struct pt_diag *d)
{
	const struct pt_embedded_file *f;
	struct migration *m = NULL;
	size_t count = 0, cap = 0, i;
	size_t plen = strlen(MIGRATION_PREFIX);
	enum pt_err err = PT_OK;

	for (f = pt_embedded_files; f->name; f++) {
		const char *s = f->name + plen;
		size_t len = strlen(f->name);
		if (strncmp(f->name, MIGRATION_PREFIX, plen) != 0 || len < plen + 8 ||
		    strcmp(f->name + len - 4, ".sql") != 0)
			continue;
		if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] < '0' ||
		    s[2] > '9' || s[3] != '_')
			continue;
		if ((err = pt_db_grow((void **)&m, &cap, count, sizeof *m, PT_DB_MAX_MIGRATIONS, "too many migrations", d)) != PT_OK)
			goto out;
		m[count].version = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
		m[count].file = f;
		count++;
	}
	if (count)
		qsort(m, count, sizeof *m, migration_cmp);
	for (i = 0; i < count; i++)
		if (m[i].version != (int)i + 1) {
			err = pt_diag_set(d, PT_EINTERNAL, 0, "",
					  "migration %s: expected number %03zu (migrations run 1, 2, ... "
					  "without gaps or duplicates)",
					  m[i].file->name, i + 1);
			goto out;
		}
	if (!count)
		err = pt_diag_set(d, PT_EINTERNAL, 0, "",
				  "no schema built in (src/store/001_schema.sql missing)");
out:
	if (err != PT_OK) {
		free(m);
		m = NULL;
		count = 0;
	}
	*list = m;
	*n = count;
	return err;
}

/* Apply migration m if the database is still below its version (one transaction). */
static enum pt_err migrate_one(struct pt_db *db, const struct migration *m, struct pt_diag *d)
{
	long long version = 0;
	char *errmsg = NULL;
	enum pt_err err;
	int rc;

	if ((err = tx_begin(db, d)) != PT_OK)
		return err;
	/* Read again under the write lock: another process may have migrated meanwhile. */
	if ((err = query_int(db, ST_USER_VERSION, NULL, &version, d)) != PT_OK ||
	    version >= m->version)
		goto out;
	rc = sqlite3_exec(db->sql, m->file->data, NULL, NULL, &errmsg);
	if (rc != SQLITE_OK) {
		err = pt_diag_set(d, err_of(rc) == PT_OK ? PT_EDB : err_of(rc), 0, "",
				  "applying %s: %s", m->file->name,
				  errmsg ? errmsg : sqlite3_errstr(rc));
		goto out;
	}
	if ((err = query_int(db, ST_USER_VERSION, NULL, &version, d)) != PT_OK)
		goto out;
	if (version != m->version)
		err = pt_diag_set(d, PT_EINTERNAL, 0, "", "%s left user_version at %lld, not %d",
				  m->file->name, version, m->version);
out:
	sqlite3_free(errmsg);
	return tx_end(db, err, d);
}

/* Bring the schema up to the newest embedded migration. */
static enum pt_err migrate(struct pt_db *db, struct pt_diag *d)
{
	struct migration *list = NULL;
	size_t n = 0, i;
	long long version = 0, app_id = 0, tables = 0;
	enum pt_err err;

	if ((err = migrations_find(&list, &n, d)) != PT_OK)
		goto out;
	/* One snapshot, in case another process is creating the schema right now. */
	if ((err = tx_begin_read(db, d)) != PT_OK)
		goto out;
	if ((err = query_int(db, ST_USER_VERSION, NULL, &version, d)) == PT_OK &&
	    (err = query_int(db, ST_APPLICATION_ID, NULL, &app_id, d)) == PT_OK)
		err = query_int(db, ST_TABLE_COUNT, NULL, &tables, d);
	if ((err = tx_end(db, err, d)) != PT_OK)
		goto out;
	if (tables > 0 && app_id != PT_DB_APPLICATION_ID) {
		err = pt_diag_set(d, PT_EDB, 0, "",
				  "a SQLite database, but not a protect registry (application_id %lld)",
				  app_id);
		goto out;
	}
	if (version > (long long)n) {
		err = pt_diag_set(d, PT_EDB, 0, "",
				  "schema version %lld is newer than this protect knows (%zu); "
				  "use a newer protect",
				  version, n);
		goto out;
	}
	for (i = (size_t)version; i < n; i++)
		if ((err = migrate_one(db, &list[i], d)) != PT_OK)
			goto out;
out:
	free(list);
	return err;
}

enum pt_err pt_db_open(const char *path, int create, struct pt_db **out, struct pt_diag *d)
{
	static const char *const pragmas[] = {
		"PRAGMA foreign_keys = ON",
		"PRAGMA journal_mode = WAL",
		"PRAGMA synchronous = FULL",
		"PRAGMA cache_size = -32768",
	};
	struct pt_db *db = NULL;
	struct stat sb;
	enum pt_err err = PT_OK;
	size_t i;
	int rc, flags;

	if (out)
		*out = NULL;
	if (!path || !path[0] || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database path given");
	if (d)
		pt_strlcpy(d->file, path, sizeof d->file);
	db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	pt_strlcpy(db->actor_name, PT_ACTOR_SYSTEM, sizeof db->actor_name);
	flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	rc = sqlite3_open_v2(path, &db->sql, flags, NULL);
	if (rc != SQLITE_OK) {
		if (!create && (rc & 0xff) == SQLITE_CANTOPEN && stat(path, &sb) != 0 &&
		    errno == ENOENT)
			/* d->file names the path: "PATH: database does not exist; ..." */
			err = pt_diag_put(d, PT_ENOTFOUND, 0, "",
					  "database does not exist; run 'protect init' or "
					  "'protect demo' to create it");
		else if (!db->sql)
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		else
			err = pt_diag_set(d, PT_EDB, 0, "", "cannot open the database: %s",
					  sqlite3_errmsg(db->sql));
		goto out;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	sqlite3_busy_timeout(db->sql, PT_DB_BUSY_TIMEOUT_MS);
	for (i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
		rc = sqlite3_exec(db->sql, pragmas[i], NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			err = pt_diag_set(d, err_of(rc) == PT_ENOMEM ? PT_ENOMEM : PT_EDB, 0, "",
					  "cannot use the database: %s", sqlite3_errmsg(db->sql));
			goto out;
		}
	}
	err = migrate(db, d);
out:
	if (err != PT_OK) {
		pt_db_close(db);
		return err;
	}
	*out = db;
	return PT_OK;
}

void pt_db_close(struct pt_db *db)
{
	size_t i;
	if (!db)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(db->stmt[i]);
	for (i = 0; i < db->n_ext; i++)
		sqlite3_finalize(db->ext[i].st);
	sqlite3_close(db->sql);
	pt_audit_state_free(db->audit);
	free(db->path);
	free(db);
}

/* ---- the actor, and what the store's other modules share --------------- */

void pt_db_set_actor(struct pt_db *db, long long user_id, long long org_id, const char *name,
		     int64_t now)
{
	size_t n;
	if (!db)
		return;
	db->actor_id = user_id > 0 ? user_id : 0;
	db->actor_org = org_id > 0 ? org_id : 0;
	if ((!name || !name[0]) && db->actor_id == 0)
		name = PT_ACTOR_SYSTEM;
	/* Cut on a UTF-8 character boundary. */
	n = strnlen(name ? name : "", sizeof db->actor_name - 1);
	if (name && name[n])
		while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	if (name)
		memcpy(db->actor_name, name, n);
	db->actor_name[n] = '\0';
	db->actor_now = now > 0 ? now : 0;
}

void pt_db_actor(struct pt_db *db, long long *user_id, long long *org_id, const char **name,
		 int64_t *now)
{
	if (user_id)
		*user_id = db ? db->actor_id : 0;
	if (org_id)
		*org_id = db ? db->actor_org : 0;
	if (name)
		*name = db ? db->actor_name : PT_ACTOR_SYSTEM;
	if (now)
		*now = db ? db->actor_now : 0;
}

const char *pt_db_path(struct pt_db *db)
{
	return db && db->path ? db->path : "";
}

struct sqlite3 *pt_db_sqlite(struct pt_db *db)
{
	return db ? db->sql : NULL;
}

enum pt_err pt_db_stmt(struct pt_db *db, const char *sql, struct sqlite3_stmt **out,
		       struct pt_diag *d)
{
	size_t i;
	int rc;
	*out = NULL;
	for (i = 0; i < db->n_ext; i++)
		if (db->ext[i].sql == sql) {
			sqlite3_reset(db->ext[i].st);
			sqlite3_clear_bindings(db->ext[i].st);
			*out = db->ext[i].st;
			return PT_OK;
		}
	if (db->n_ext == PT_DB_EXT_STMTS)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "more than %d module statements",
				   PT_DB_EXT_STMTS);
	rc = sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, &db->ext[i].st, NULL);
	if (rc != SQLITE_OK) {
		db->ext[i].st = NULL;
		return db_fail(db, rc, d, 0, "preparing a statement");
	}
	db->ext[i].sql = sql;
	db->n_ext++;
	*out = db->ext[i].st;
	return PT_OK;
}

enum pt_err pt_db_begin(struct pt_db *db, struct pt_diag *d)
{
	return tx_begin(db, d);
}

enum pt_err pt_db_begin_read(struct pt_db *db, struct pt_diag *d)
{
	return tx_begin_read(db, d);
}

enum pt_err pt_db_end(struct pt_db *db, enum pt_err err, struct pt_diag *d)
{
	return tx_end(db, err, d);
}

int pt_db_in_transaction(struct pt_db *db)
{
	return db && db->tx_depth > 0;
}

enum pt_err pt_db_fail(struct pt_db *db, int rc, struct pt_diag *d, const char *what)
{
	return db_fail(db, rc, d, 0, what);
}

void **pt_db_audit_slot(struct pt_db *db)
{
	return &db->audit;
}

enum pt_err pt_db_schema_version(struct pt_db *db, int *current, int *latest, struct pt_diag *d)
{
	struct migration *list = NULL;
	size_t n = 0;
	long long version = 0;
	enum pt_err err;
	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if ((err = query_int(db, ST_USER_VERSION, NULL, &version, d)) != PT_OK ||
	    (err = migrations_find(&list, &n, d)) != PT_OK)
		return err;
	free(list);
	if (current)
		*current = (int)version;
	if (latest)
		*latest = (int)n;
	return PT_OK;
}

int pt_db_is_initialised(struct pt_db *db)
{
	long long yes = 0;
	if (!db || query_int(db, ST_IS_INITIALISED, NULL, &yes, NULL) != PT_OK)
		return 0;
	return yes != 0;
}

/* ---- catalogues and settings ------------------------------------------- */

/* Insert or update the entries of one catalogue. */
static enum pt_err catalog_put(struct pt_db *db, enum pt_stmt id, const char *what,
			       const struct pt_catalog *c, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc, col;

	for (i = 0; i < c->n; i++) {
		const struct pt_catalog_entry *e = &c->items[i];
		if (!field_ok(e->id, sizeof e->id) || !field_ok(e->name, sizeof e->name))
			return pt_diag_set(d, PT_EINVAL, 0, "id",
					   "%s entry %zu: the id and the name must be non-empty", what,
					   i + 1);
		if (id == ST_SECTOR_PUT && !field_ok(e->parent, sizeof e->parent))
			return pt_diag_set(d, PT_EINVAL, 0, "kind", "sector \"%s\": no kind given",
					   e->id);
		if ((err = prep(db, id, &st, d)) != PT_OK)
			return err;
		col = 1;
		rc = bind_field(st, col++, e->id, sizeof e->id);
		if (rc == SQLITE_OK && id == ST_SECTOR_PUT)
			rc = bind_field(st, col++, e->parent, sizeof e->parent);
		if (rc == SQLITE_OK)
			rc = bind_field(st, col++, e->name, sizeof e->name);
		if (rc == SQLITE_OK)
			rc = bind_field(st, col, e->description, sizeof e->description);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return pt_diag_set(d, PT_EINVAL, 0, "kind",
					   "sector \"%s\": unknown kind \"%s\"", e->id, e->parent);
		if (rc != SQLITE_DONE) {
			char where[128];
			snprintf(where, sizeof where, "%s \"%s\"", what, e->id);
			return db_fail(db, rc, d, 0, where);
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
	if ((err = tx_begin(db, d)) != PT_OK)
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
		if ((err = prep(db, ST_SETTING_SEED, &st, d)) != PT_OK)
			goto out;
		rc = sqlite3_bind_text(st, 1, pt_config_key_name(index), -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, settings_values[i], -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			err = db_fail(db, rc, d, 0, "storing a setting");
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
	return tx_end(db, err, d);
}

/* Read one catalogue table (id, name, parent, description) into c. */
static enum pt_err catalog_load(struct pt_db *db, enum pt_stmt id, struct pt_catalog *c,
				struct pt_diag *d)
{
	struct pt_catalog_entry *e = NULL;
	sqlite3_stmt *st = NULL;
	enum pt_err err;
	int rc;

	e = calloc(1, sizeof *e);
	if (!e)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = prep(db, id, &st, d)) != PT_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = col_text(st, 0, e->id, sizeof e->id, d)) != PT_OK ||
		    (err = col_text(st, 1, e->name, sizeof e->name, d)) != PT_OK ||
		    (err = col_text(st, 2, e->parent, sizeof e->parent, d)) != PT_OK ||
		    (err = col_text(st, 3, e->description, sizeof e->description, d)) != PT_OK)
			goto out;
		if ((err = pt_catalog_append(c, e)) != PT_OK) {
			pt_diag_set(d, err, 0, "", "reading a catalogue: %s", pt_strerror(err));
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		err = db_fail(db, rc, d, 0, "reading a catalogue");
out:
	sqlite3_reset(st);
	free(e);
	return err;
}

enum pt_err pt_db_catalogs_load(struct pt_db *db, struct pt_catalogs *cat, struct pt_diag *d)
{
	enum pt_err err;
	if (!db || !cat)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no catalogues");
	if ((err = catalog_load(db, ST_KINDS_ALL, &cat->kinds, d)) != PT_OK ||
	    (err = catalog_load(db, ST_SECTORS_ALL, &cat->sectors, d)) != PT_OK ||
	    (err = catalog_load(db, ST_THREATS_ALL, &cat->threats, d)) != PT_OK) {
		pt_catalog_free(&cat->kinds);
		pt_catalog_free(&cat->sectors);
		pt_catalog_free(&cat->threats);
	}
	return err;
}

/* Defaults overlaid with every stored setting, then the cross-field check. */
static enum pt_err config_read(struct pt_db *db, struct pt_config *c, struct pt_diag *d)
{
	sqlite3_stmt *st;
	char key[PT_SETTING_KEY_MAX], value[PT_SETTING_VALUE_MAX];
	enum pt_err err;
	int rc;

	pt_config_defaults(c);
	if ((err = prep(db, ST_SETTINGS_ALL, &st, d)) != PT_OK)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = col_text(st, 0, key, sizeof key, d)) != PT_OK ||
		    (err = col_text(st, 1, value, sizeof value, d)) != PT_OK)
			goto out;
		if ((err = pt_config_set(c, key, value, d)) != PT_OK) {
			char why[sizeof d->msg];
			if (!d)
				goto out;
			pt_strlcpy(why, d->msg, sizeof why);
			pt_diag_set(d, err == PT_ENOTFOUND ? PT_EINVAL : err, 0, key,
				    "stored setting rejected (fix it with 'protect config set'): %s",
				    why);
			err = err == PT_ENOTFOUND ? PT_EINVAL : err;
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		err = db_fail(db, rc, d, 0, "reading the settings");
		goto out;
	}
	err = pt_config_check(c, d);
out:
	sqlite3_reset(st);
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
	if ((err = tx_begin(db, d)) != PT_OK)
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
	if ((err = prep(db, ST_SETTING_PUT, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, canonical, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err = db_fail(db, rc, d, 0, "storing the setting");
		goto out;
	}
	err = pt_audit_append(db, "setting.set", "settings", canonical, value, d);
out:
	return tx_end(db, err, d);
}

enum pt_err pt_db_grow(void **list, size_t *cap, size_t count, size_t elem_size, size_t max,
		       const char *too_many, struct pt_diag *d)
{
	size_t want;
	void *grown;
	if (count < *cap)
		return PT_OK;
	if (count >= max)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "%s", too_many);
	want = *cap ? *cap * 2 : 16;
	if (want > max)
		want = max;
	grown = realloc(*list, want * elem_size);
	if (!grown)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	*list = grown;
	*cap = want;
	return PT_OK;
}

enum pt_err pt_db_settings_list(struct pt_db *db, struct pt_setting **settings, size_t *n,
				struct pt_diag *d)
{
	struct pt_setting *list = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	enum pt_err err;
	int rc;

	if (!db || !settings || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*settings = NULL;
	*n = 0;
	if ((err = prep(db, ST_SETTINGS_ALL, &st, d)) != PT_OK)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = pt_db_grow((void **)&list, &cap, count, sizeof *list, PT_DB_MAX_SETTINGS, "too many settings", d)) != PT_OK)
			goto out;
		if ((err = col_text(st, 0, list[count].key, sizeof list[count].key, d)) != PT_OK ||
		    (err = col_text(st, 1, list[count].value, sizeof list[count].value, d)) != PT_OK)
			goto out;
		count++;
	}
	if (rc != SQLITE_DONE)
		err = db_fail(db, rc, d, 0, "reading the settings");
out:
	sqlite3_reset(st);
	if (err != PT_OK || !count) {
		free(list);
		list = NULL;
		count = 0;
	}
	*settings = list;
	*n = count;
	return err;
}

/* ---- organisations and sites ------------------------------------------- */

/* The id of organisation name, created as an operator if unknown. */
static enum pt_err org_resolve(struct pt_db *db, const char *name, size_t cap, long long *id,
			       long line, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	if ((err = prep(db, ST_ORG_FIND, &st, d)) != PT_OK)
		return err;
	rc = bind_field(st, 1, name, cap);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return PT_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, d, line, "looking up the owner");
	if ((err = prep(db, ST_ORG_ADD, &st, d)) != PT_OK)
		return err;
	rc = bind_field(st, 1, name, cap);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, pt_org_type_name(PT_ORG_OPERATOR), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err = db_fail(db, rc, d, line, "creating the owner organisation");
		if (d)
			pt_strlcpy(d->field, "owner", sizeof d->field);
		return err;
	}
	*id = sqlite3_last_insert_rowid(db->sql);
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

/* Nonzero when id exists according to the *_EXISTS statement which. */
static int exists(struct pt_db *db, enum pt_stmt which, const char *id, size_t cap)
{
	sqlite3_stmt *st;
	int rc;
	if (prep(db, which, &st, NULL) != PT_OK)
		return 0;
	rc = bind_field(st, 1, id, cap);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
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
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
		if (!exists(db, ST_KIND_EXISTS, s->kind, sizeof s->kind))
			return pt_diag_set(d, PT_EINVAL, line, "kind",
					   "unknown kind \"%.*s\" (not in the kinds catalogue)",
					   (int)strnlen(s->kind, sizeof s->kind), s->kind);
		if (!exists(db, ST_SECTOR_EXISTS, s->sector, sizeof s->sector))
			return pt_diag_set(d, PT_EINVAL, line, "sector",
					   "unknown sector \"%.*s\" (not in the sectors catalogue)",
					   (int)strnlen(s->sector, sizeof s->sector), s->sector);
	}
	err = pt_diag_set(d, err_of(rc) == PT_OK ? PT_EDB : err_of(rc), line, "",
			  "site \"%.*s\": %s", (int)strnlen(s->id, sizeof s->id), s->id,
			  sqlite3_errmsg(db->sql));
	if (d && (rc & 0xff) == SQLITE_CONSTRAINT) {
		constraint_field(sqlite3_errmsg(db->sql), field, sizeof field);
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
	rc = bind_field(st, 1, s->id, sizeof s->id);
	if (rc == SQLITE_OK)
		rc = bind_field(st, 2, s->name, sizeof s->name);
	if (rc == SQLITE_OK)
		rc = bind_field(st, 3, s->kind, sizeof s->kind);
	if (rc == SQLITE_OK)
		rc = bind_field(st, 4, s->sector, sizeof s->sector);
	if (rc == SQLITE_OK)
		rc = owner_id < 0 ? sqlite3_bind_null(st, 5) : sqlite3_bind_int64(st, 5, owner_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 6, s->lat);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 7, s->lon);
	if (rc == SQLITE_OK)
		rc = bind_field(st, 8, s->region, sizeof s->region);
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
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	return rc;
}

enum pt_err pt_db_sites_import(struct pt_db *db, const struct pt_site_list *sites,
			       size_t *created, size_t *updated, struct pt_diag *d)
{
	const char *last_owner = NULL;
	long long last_owner_id = -1, before = 0, after = 0;
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
	if ((err = tx_begin(db, d)) != PT_OK)
		return err;
	if ((err = query_int(db, ST_SITE_COUNT, NULL, &before, d)) != PT_OK)
		goto out;
	for (i = 0; i < sites->n; i++) {
		const struct pt_site *s = &sites->items[i];
		long line = sites->lines ? sites->lines[i] : 0;
		long long owner_id = -1;
		if (!field_ok(s->id, sizeof s->id)) {
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
		is_new = db->actor_id > 0 && !exists(db, ST_SITE_EXISTS, s->id, sizeof s->id);
		if ((err = prep(db, ST_SITE_PUT, &st, d)) != PT_OK)
			goto out;
		rc = site_put(db, st, s, owner_id);
		if (rc != SQLITE_DONE) {
			err = site_fail(db, rc, s, line, d);
			sqlite3_reset(st);
			goto out;
		}
		sqlite3_reset(st);
		if (is_new) {
			if ((err = prep(db, ST_SITE_READER_ADD, &st, d)) != PT_OK)
				goto out;
			rc = bind_field(st, 1, s->id, sizeof s->id);
			if (rc == SQLITE_OK)
				rc = sqlite3_bind_int64(st, 2, db->actor_id);
			if (rc == SQLITE_OK)
				rc = sqlite3_step(st);
			sqlite3_reset(st);
			if (rc != SQLITE_DONE) {
				err = db_fail(db, rc, d, line, "naming the creator as a reader");
				goto out;
			}
		}
	}
	if ((err = query_int(db, ST_SITE_COUNT, NULL, &after, d)) != PT_OK)
		goto out;
	{
		size_t made = after > before ? (size_t)(after - before) : 0;
		char detail[96];
		snprintf(detail, sizeof detail, "%zu sites: %zu created, %zu updated", sites->n, made,
			 sites->n - made);
		err = pt_audit_append(db, "sites.import", "sites",
				      sites->n == 1 ? sites->items[0].id : "", detail, d);
	}
out:
	err = tx_end(db, err, d);
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
	if ((err = col_text(st, 0, s->id, sizeof s->id, d)) != PT_OK ||
	    (err = col_text(st, 1, s->name, sizeof s->name, d)) != PT_OK ||
	    (err = col_text(st, 2, s->kind, sizeof s->kind, d)) != PT_OK ||
	    (err = col_text(st, 3, s->sector, sizeof s->sector, d)) != PT_OK ||
	    (err = col_text(st, 4, s->owner, sizeof s->owner, d)) != PT_OK ||
	    (err = col_text(st, 7, s->region, sizeof s->region, d)) != PT_OK ||
	    (err = col_text(st, 12, tlp, sizeof tlp, d)) != PT_OK)
		return err;
	s->lat = sqlite3_column_double(st, 5);
	s->lon = sqlite3_column_double(st, 6);
	s->capacity = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 8);
	s->peak_occupancy = sqlite3_column_int64(st, 9);
	s->population_served = sqlite3_column_int64(st, 10);
	s->economic_value_eur = sqlite3_column_double(st, 11);
	if (pt_tlp_parse(tlp, &s->tlp) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "tlp", "site \"%s\": stored TLP \"%s\" is not a label",
				   s->id, tlp);
	return PT_OK;
}

enum pt_err pt_db_sites_list(struct pt_db *db, enum pt_tlp max_tlp, struct pt_site_list *out,
			     size_t *withheld, struct pt_diag *d)
{
	struct pt_site *s = NULL;
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
	s = malloc(sizeof *s);
	if (!s)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	/* One read transaction so the list and the withheld count agree. */
	if ((err = tx_begin_read(db, d)) != PT_OK) {
		free(s);
		return err;
	}
	if ((err = prep(db, ST_SITES_LIST, &st, d)) != PT_OK)
		goto out;
	if ((rc = sqlite3_bind_int(st, 1, (int)max_tlp)) != SQLITE_OK) {
		err = db_fail(db, rc, d, 0, "listing sites");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = site_from_row(st, s, d)) != PT_OK)
			goto out;
		if ((err = pt_site_list_append(out, s, 0)) != PT_OK) {
			if (err == PT_ELIMIT)
				pt_diag_set(d, err, 0, "", "more than %ld sites to list", PT_SITES_MAX);
			else
				pt_diag_set(d, err, 0, "", "listing sites: %s", pt_strerror(err));
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		err = db_fail(db, rc, d, 0, "listing sites");
		goto out;
	}
	sqlite3_reset(st);
	if ((err = prep(db, ST_SITES_WITHHELD, &st, d)) != PT_OK)
		goto out;
	if ((rc = sqlite3_bind_int(st, 1, (int)max_tlp)) != SQLITE_OK ||
	    (rc = sqlite3_step(st)) != SQLITE_ROW) {
		err = db_fail(db, rc, d, 0, "counting withheld sites");
		goto out;
	}
	hidden = sqlite3_column_int64(st, 0);
	if (withheld)
		*withheld = (size_t)hidden;
out:
	if (st)
		sqlite3_reset(st);
	free(s);
	err = tx_end(db, err, d);
	if (err != PT_OK) {
		pt_site_list_free(out);
		if (withheld)
			*withheld = 0;
	}
	return err;
}

enum pt_err pt_db_site_get(struct pt_db *db, const char *id, struct pt_site *out,
			   struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	if (!db || !id || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, id or output");
	if ((err = prep(db, ST_SITE_GET, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		err = site_from_row(st, out, d);
	else if (rc == SQLITE_DONE)
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "no site with id \"%s\"", id);
	else
		err = db_fail(db, rc, d, 0, "reading a site");
	sqlite3_reset(st);
	return err;
}

enum pt_err pt_db_orgs_list(struct pt_db *db, struct pt_org **orgs, size_t *n, struct pt_diag *d)
{
	struct pt_org *list = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	char type[32];
	enum pt_err err;
	int rc;

	if (!db || !orgs || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*orgs = NULL;
	*n = 0;
	if ((err = prep(db, ST_ORGS_ALL, &st, d)) != PT_OK)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = pt_db_grow((void **)&list, &cap, count, sizeof *list, PT_DB_MAX_ORGS, "too many organisations", d)) != PT_OK)
			goto out;
		list[count].id = sqlite3_column_int64(st, 0);
		if ((err = col_text(st, 1, list[count].name, sizeof list[count].name, d)) != PT_OK ||
		    (err = col_text(st, 2, type, sizeof type, d)) != PT_OK)
			goto out;
		if (pt_org_type_parse(type, &list[count].type) != PT_OK) {
			err = pt_diag_set(d, PT_EDB, 0, "type",
					  "organisation \"%s\": stored type \"%s\" is unknown",
					  list[count].name, type);
			goto out;
		}
		count++;
	}
	if (rc != SQLITE_DONE)
		err = db_fail(db, rc, d, 0, "listing organisations");
out:
	sqlite3_reset(st);
	if (err != PT_OK || !count) {
		free(list);
		list = NULL;
		count = 0;
	}
	*orgs = list;
	*n = count;
	return err;
}

/* ---- assessments ------------------------------------------------------- */

/* Bind and write row i of set with the prepared statement st. */
static int assessment_put(sqlite3_stmt *st, const struct pt_assessment_set *set, size_t i)
{
	int rc = SQLITE_OK, col, v;
	if (set->method == PT_METHOD_FEMA) {
		const struct pt_fema_row *r = &set->fema[i];
		rc = bind_field(st, 1, r->site_id, sizeof r->site_id);
		if (rc == SQLITE_OK)
			rc = bind_field(st, 2, r->threat_id, sizeof r->threat_id);
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
		rc = bind_field(st, 1, r->site_id, sizeof r->site_id);
		for (v = 0; v < 7 && rc == SQLITE_OK; v++)
			rc = sqlite3_bind_int(st, 2 + v, scores[v]);
	} else {
		const struct pt_quant_row *r = &set->quant[i];
		rc = bind_field(st, 1, r->site_id, sizeof r->site_id);
		if (rc == SQLITE_OK)
			rc = bind_field(st, 2, r->threat_id, sizeof r->threat_id);
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
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
		if (!exists(db, ST_SITE_EXISTS, site, PT_ID_MAX))
			return pt_diag_set(d, PT_EINVAL, line, "site_id",
					   "unknown site id \"%.*s\" (import the sites first)",
					   (int)strnlen(site, PT_ID_MAX), site);
		if (threat && !exists(db, ST_THREAT_EXISTS, threat, PT_ID_MAX))
			return pt_diag_set(d, PT_EINVAL, line, "threat_id",
					   "unknown threat id \"%.*s\" (not in the threats catalogue)",
					   (int)strnlen(threat, PT_ID_MAX), threat);
	}
	err = pt_diag_set(d, err_of(rc) == PT_OK ? PT_EDB : err_of(rc), line, "",
			  "site \"%.*s\": %s", (int)strnlen(site, PT_ID_MAX), site,
			  sqlite3_errmsg(db->sql));
	if (d && (rc & 0xff) == SQLITE_CONSTRAINT) {
		constraint_field(sqlite3_errmsg(db->sql), field, sizeof field);
		pt_strlcpy(d->field, field, sizeof d->field);
	}
	return err;
}

enum pt_err pt_db_assessments_import(struct pt_db *db, const struct pt_assessment_set *set,
				     struct pt_diag *d)
{
	static const enum pt_stmt put[] = {ST_FEMA_PUT, ST_CARVER_PUT, ST_QUANT_PUT};
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc;

	if (!db || !set)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no assessments");
	if ((int)set->method < 0 || (int)set->method > PT_METHOD_QUANT)
		return pt_diag_set(d, PT_EINVAL, 0, "", "unknown assessment method");
	if (set->n && ((set->method == PT_METHOD_FEMA && !set->fema) ||
		       (set->method == PT_METHOD_CARVER && !set->carver) ||
		       (set->method == PT_METHOD_QUANT && !set->quant)))
		return pt_diag_set(d, PT_EINVAL, 0, "", "assessment rows missing");
	if ((err = tx_begin(db, d)) != PT_OK)
		return err;
	for (i = 0; i < set->n; i++) {
		long line = set->lines ? set->lines[i] : 0;
		const char *site, *threat;
		assessment_key(set, i, &site, &threat);
		if (!field_ok(site, PT_ID_MAX)) {
			err = pt_diag_set(d, PT_EINVAL, line, "site_id", "a site id is needed");
			goto out;
		}
		if (threat && !field_ok(threat, PT_ID_MAX)) {
			err = pt_diag_set(d, PT_EINVAL, line, "threat_id", "a threat id is needed");
			goto out;
		}
		if ((err = prep(db, put[set->method], &st, d)) != PT_OK)
			goto out;
		rc = assessment_put(st, set, i);
		if (rc != SQLITE_DONE) {
			err = assessment_fail(db, rc, set, i, line, d);
			sqlite3_reset(st);
			goto out;
		}
		sqlite3_reset(st);
	}
	{
		static const char *const tables[] = {"fema_assessments", "carver_assessments",
						     "quant_assessments"};
		char detail[96];
		snprintf(detail, sizeof detail, "%zu %s rows", set->n, pt_method_name(set->method));
		err = pt_audit_append(db, "assessments.import", tables[set->method], "", detail, d);
	}
out:
	return tx_end(db, err, d);
}

/* Fill row i of out from the current row of st. */
static enum pt_err assessment_from_row(sqlite3_stmt *st, struct pt_assessment_set *out, size_t i,
				       struct pt_diag *d)
{
	enum pt_err err;
	int v, col;
	if (out->method == PT_METHOD_FEMA) {
		struct pt_fema_row *r = &out->fema[i];
		if ((err = col_text(st, 0, r->site_id, sizeof r->site_id, d)) != PT_OK ||
		    (err = col_text(st, 1, r->threat_id, sizeof r->threat_id, d)) != PT_OK)
			return err;
		r->asset_value = col_int(st, 2);
		r->threat_rating = col_int(st, 3);
		r->vulnerability_rating = col_int(st, 4);
	} else if (out->method == PT_METHOD_CARVER) {
		struct pt_carver_row *r = &out->carver[i];
		if ((err = col_text(st, 0, r->site_id, sizeof r->site_id, d)) != PT_OK)
			return err;
		r->criticality = col_int(st, 1);
		r->accessibility = col_int(st, 2);
		r->recuperability = col_int(st, 3);
		r->vulnerability = col_int(st, 4);
		r->effect = col_int(st, 5);
		r->recognizability = col_int(st, 6);
		r->shock = col_int(st, 7);
	} else {
		struct pt_quant_row *r = &out->quant[i];
		if ((err = col_text(st, 0, r->site_id, sizeof r->site_id, d)) != PT_OK ||
		    (err = col_text(st, 1, r->threat_id, sizeof r->threat_id, d)) != PT_OK)
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
	static const enum pt_stmt count_all[] = {ST_FEMA_COUNT, ST_CARVER_COUNT, ST_QUANT_COUNT};
	static const enum pt_stmt count_site[] = {ST_FEMA_SITE_COUNT, ST_CARVER_SITE_COUNT,
						  ST_QUANT_SITE_COUNT};
	static const enum pt_stmt rows_all[] = {ST_FEMA_ALL, ST_CARVER_ALL, ST_QUANT_ALL};
	static const enum pt_stmt rows_site[] = {ST_FEMA_SITE, ST_CARVER_SITE, ST_QUANT_SITE};
	sqlite3_stmt *st = NULL;
	long long total = 0;
	void *rows = NULL;
	size_t i = 0, cap;
	enum pt_err err;
	int rc;

	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	if ((int)method < 0 || (int)method > PT_METHOD_QUANT)
		return pt_diag_set(d, PT_EINVAL, 0, "", "unknown assessment method");
	memset(out, 0, sizeof *out);
	out->method = method;
	/* One read transaction so the count and the rows agree. */
	if ((err = tx_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = query_int(db, site_id ? count_site[method] : count_all[method], site_id, &total,
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
	rows = calloc(cap, assessment_row_size(method));
	out->lines = calloc(cap, sizeof *out->lines);
	if (!rows || !out->lines) {
		free(rows);
		rows = NULL;
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory loading %lld assessment rows",
				  total);
		goto out;
	}
	if (method == PT_METHOD_FEMA)
		out->fema = rows;
	else if (method == PT_METHOD_CARVER)
		out->carver = rows;
	else
		out->quant = rows;
	out->cap = cap;
	if ((err = prep(db, site_id ? rows_site[method] : rows_all[method], &st, d)) != PT_OK)
		goto out;
	if (site_id && (rc = sqlite3_bind_text(st, 1, site_id, -1, SQLITE_STATIC)) != SQLITE_OK) {
		err = db_fail(db, rc, d, 0, "loading assessments");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && i < cap) {
		if ((err = assessment_from_row(st, out, i, d)) != PT_OK)
			goto out;
		i++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = db_fail(db, rc, d, 0, "loading assessments");
	else if (rc == SQLITE_ROW || i != cap)
		err = pt_diag_set(d, PT_EINTERNAL, 0, "", "assessment count changed while loading");
	out->n = i;
out:
	if (st)
		sqlite3_reset(st);
	err = tx_end(db, err, d);
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
	if ((err = tx_begin(db, d)) != PT_OK)
		return err;
	if (threat_id && !exists(db, ST_THREAT_EXISTS, threat_id, PT_ID_MAX)) {
		err = pt_diag_set(d, PT_EINVAL, 0, "threat_id",
				  "unknown threat id \"%s\" (not in the threats catalogue)", threat_id);
		goto out;
	}
	if ((err = prep(db, ST_LEVEL_PUT, &st, d)) != PT_OK)
		goto out;
	rc = threat_id ? sqlite3_bind_text(st, 1, threat_id, -1, SQLITE_STATIC)
		       : sqlite3_bind_null(st, 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, pt_threat_level_name(level), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err = db_fail(db, rc, d, 0, "storing the threat level");
		goto out;
	}
	err = pt_audit_append(db, "threat_level.set", "threat_levels",
			      threat_id ? threat_id : "national", pt_threat_level_name(level), d);
out:
	return tx_end(db, err, d);
}

enum pt_err pt_db_threat_levels(struct pt_db *db, enum pt_threat_level *national,
				struct pt_threat_level_entry **entries, size_t *n,
				struct pt_diag *d)
{
	struct pt_threat_level_entry *list = NULL;
	size_t count = 0, cap = 0;
	enum pt_threat_level nat = PT_LEVEL_SUBSTANTIAL, level;
	sqlite3_stmt *st = NULL;
	char text[32];
	enum pt_err err;
	int rc;

	if (!db || !national || !entries || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*entries = NULL;
	*n = 0;
	if ((err = prep(db, ST_LEVELS_ALL, &st, d)) != PT_OK)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = col_text(st, 1, text, sizeof text, d)) != PT_OK)
			goto out;
		if (pt_threat_level_parse(text, &level) != PT_OK) {
			err = pt_diag_set(d, PT_EDB, 0, "level", "stored threat level \"%s\" is unknown",
					  text);
			goto out;
		}
		if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
			nat = level;
			continue;
		}
		if ((err = pt_db_grow((void **)&list, &cap, count, sizeof *list, PT_DB_MAX_LEVELS, "too many threat levels", d)) != PT_OK)
			goto out;
		if ((err = col_text(st, 0, list[count].threat_id, sizeof list[count].threat_id, d)) !=
		    PT_OK)
			goto out;
		list[count].level = level;
		count++;
	}
	if (rc != SQLITE_DONE)
		err = db_fail(db, rc, d, 0, "reading threat levels");
out:
	sqlite3_reset(st);
	if (err != PT_OK || !count) {
		free(list);
		list = NULL;
		count = 0;
	}
	if (err == PT_OK)
		*national = nat;
	*entries = list;
	*n = count;
	return err;
}
