/* pt_store.h - the SQLite registry: schema and migrations, catalogues,
 * settings, organisations, sites, assessments, threat levels. The only
 * part of protect that includes sqlite3.h. */
#ifndef PT_STORE_H
#define PT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_people.h"
#include "../core/pt_config.h"
#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "../formats/pt_assess_io.h"
#include "../formats/pt_sites_io.h"

struct pt_db;

/**
 * Open the database at path (":memory:" for tests). create nonzero creates
 * the file if missing; otherwise a missing file is PT_ENOTFOUND. Applies
 * migrations. WAL, synchronous=FULL, foreign keys on. *out is closed with
 * pt_db_close. Detail in d (file = path).
 */
enum pt_err pt_db_open(const char *path, int create, struct pt_db **out, struct pt_diag *d);

/**
 * The schema version of the open database (PRAGMA user_version) in
 * *current and the newest migration built into this program in *latest
 * (either may be NULL). After a successful pt_db_open they are equal.
 */
enum pt_err pt_db_schema_version(struct pt_db *db, int *current, int *latest,
				 struct pt_diag *d);

/** Close; NULL does nothing. */
void pt_db_close(struct pt_db *db);

/** Nonzero when the catalogues have been loaded (the database is initialised). */
int pt_db_is_initialised(struct pt_db *db);

/**
 * Load the catalogues and settings into a new database in one transaction
 * (replacing catalogue rows of the same ids; settings keep values already set).
 * settings_keys/values: n_settings pairs from settings.csv (validated).
 */
enum pt_err pt_db_seed(struct pt_db *db, const struct pt_catalogs *cat,
		       const char *const *settings_keys, const char *const *settings_values,
		       size_t n_settings, struct pt_diag *d);

/** Read the three catalogues into cat (caller frees each with pt_catalog_free). */
enum pt_err pt_db_catalogs_load(struct pt_db *db, struct pt_catalogs *cat, struct pt_diag *d);

/** Build the configuration: defaults overlaid with the settings table. */
enum pt_err pt_db_config_load(struct pt_db *db, struct pt_config *c, struct pt_diag *d);

/**
 * Set a setting after validating it with pt_config_set on a copy of the
 * loaded configuration and pt_config_check (PT_ENOTFOUND unknown key,
 * PT_EINVAL bad value; the stored value is then unchanged).
 */
enum pt_err pt_db_setting_set(struct pt_db *db, const char *key, const char *value,
			      struct pt_diag *d);

#define PT_SETTING_KEY_MAX 128   /**< setting key, bytes including the NUL */
#define PT_SETTING_VALUE_MAX 256 /**< setting value as stored, bytes including the NUL */

/** A stored setting (a row of the settings table). */
struct pt_setting {
	char key[PT_SETTING_KEY_MAX];
	char value[PT_SETTING_VALUE_MAX];
};

/**
 * The stored settings ordered by key (*settings: caller frees with free();
 * NULL when *n is 0). Keys never stored are at their defaults.
 */
enum pt_err pt_db_settings_list(struct pt_db *db, struct pt_setting **settings, size_t *n,
				struct pt_diag *d);

/**
 * Import sites: insert or update by id, creating unknown owner
 * organisations as operators, in one transaction (all-or-nothing).
 * *created and *updated (may be NULL) count the rows.
 */
enum pt_err pt_db_sites_import(struct pt_db *db, const struct pt_site_list *sites,
			       size_t *created, size_t *updated, struct pt_diag *d);

/**
 * All sites with tlp <= max_tlp, ordered by id, appended to out (an empty
 * list; caller frees with pt_site_list_free; lines are 0). *withheld (may
 * be NULL) counts the sites above max_tlp. PT_ELIMIT past PT_SITES_MAX.
 */
enum pt_err pt_db_sites_list(struct pt_db *db, enum pt_tlp max_tlp, struct pt_site_list *out,
			     size_t *withheld, struct pt_diag *d);

/** One site by id (PT_ENOTFOUND if none). */
enum pt_err pt_db_site_get(struct pt_db *db, const char *id, struct pt_site *out,
			   struct pt_diag *d);

/**
 * Import assessments of set->method in one transaction: each row replaces
 * the row of the same key; an unknown site id is PT_EINVAL naming the line
 * (set->lines) and field site_id.
 */
enum pt_err pt_db_assessments_import(struct pt_db *db, const struct pt_assessment_set *set,
				     struct pt_diag *d);

/**
 * Load every assessment of method into out (out->method set; rows ordered
 * by site id then threat id; lines are 0). Caller frees with
 * pt_assessment_set_free. PT_ELIMIT past PT_ASSESS_ROWS_MAX rows.
 */
enum pt_err pt_db_assessments_load(struct pt_db *db, enum pt_method method,
				   struct pt_assessment_set *out, struct pt_diag *d);

/** Assessments of one site for method (same ordering). */
enum pt_err pt_db_site_assessments(struct pt_db *db, const char *site_id, enum pt_method method,
				   struct pt_assessment_set *out, struct pt_diag *d);

/** Set the national level (threat_id NULL) or one threat scenario's level (checked against the catalogue). */
enum pt_err pt_db_threat_level_set(struct pt_db *db, const char *threat_id,
				   enum pt_threat_level level, struct pt_diag *d);

/** A threat scenario's level override. */
struct pt_threat_level_entry {
	char threat_id[PT_ID_MAX];
	enum pt_threat_level level;
};

/**
 * Read the national level (SUBSTANTIAL when never set) and the per-threat
 * overrides (*entries: caller frees with free()).
 */
enum pt_err pt_db_threat_levels(struct pt_db *db, enum pt_threat_level *national,
				struct pt_threat_level_entry **entries, size_t *n,
				struct pt_diag *d);

/* struct pt_org: src/core/pt_people.h */

/** All organisations ordered by name (*orgs: caller frees with free()). */
enum pt_err pt_db_orgs_list(struct pt_db *db, struct pt_org **orgs, size_t *n,
			    struct pt_diag *d);

/** Run fn inside one transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on error). */
enum pt_err pt_db_transaction(struct pt_db *db, enum pt_err (*fn)(struct pt_db *db, void *ctx),
			      void *ctx, struct pt_diag *d);

/* ---- the actor of writes (every write is audited: src/store/pt_audit.h) ---- */

#define PT_ACTOR_NAME_MAX 64 /**< an actor's name as logged, bytes including the NUL */
#define PT_ACTOR_SYSTEM "system administrator" /**< the command line's actor name */

/**
 * Who the writes that follow are done by, and when: the user id (0: the
 * system administrator, that is whoever holds the database file, as the
 * command line does), the user's organisation id (0: none), its name as
 * the audit log shows it (copied, cut to PT_ACTOR_NAME_MAX - 1 bytes;
 * NULL or "" with user id 0 is PT_ACTOR_SYSTEM) and
 * the time in unix seconds (0: the clock at each write). A new connection
 * acts as the system administrator at the clock's time. The HTTP server
 * sets the caller before each request's writes.
 */
void pt_db_set_actor(struct pt_db *db, long long user_id, long long org_id, const char *name,
		     int64_t now);

/** The actor set with pt_db_set_actor (pointers into db; valid until the next set or close). */
void pt_db_actor(struct pt_db *db, long long *user_id, long long *org_id, const char **name,
		 int64_t *now);

/** The path the database was opened with (":memory:" for tests); never NULL. */
const char *pt_db_path(struct pt_db *db);

/* ---- for the store's own modules (pt_users.c, pt_audit.c), not for callers outside src/store ---- */

/**
 * Make room for element count of the array *list (capacity *cap, elements of
 * elem_size bytes), doubling up to max elements. PT_ELIMIT with too_many as
 * the message when count reaches max; PT_ENOMEM. *list stays owned by the caller.
 */
enum pt_err pt_db_grow(void **list, size_t *cap, size_t count, size_t elem_size, size_t max,
		       const char *too_many, struct pt_diag *d);

struct sqlite3;
struct sqlite3_stmt;

/** The connection's SQLite handle. */
struct sqlite3 *pt_db_sqlite(struct pt_db *db);

/**
 * The prepared statement of sql (a string of the module's own statement
 * table: statements are cached by the pointer, prepared once per
 * connection), reset with no bindings. PT_ELIMIT past the cache's size.
 */
enum pt_err pt_db_stmt(struct pt_db *db, const char *sql, struct sqlite3_stmt **out,
		       struct pt_diag *d);

/** Begin a write transaction (BEGIN IMMEDIATE), or a savepoint inside an open one. */
enum pt_err pt_db_begin(struct pt_db *db, struct pt_diag *d);

/** Begin a read transaction (one snapshot), or a savepoint inside an open one. */
enum pt_err pt_db_begin_read(struct pt_db *db, struct pt_diag *d);

/**
 * End what pt_db_begin began: commit when err is PT_OK, roll back
 * otherwise. Returns err, or the commit's failure.
 */
enum pt_err pt_db_end(struct pt_db *db, enum pt_err err, struct pt_diag *d);

/** Nonzero while a transaction is open on db. */
int pt_db_in_transaction(struct pt_db *db);

/** Record SQLite's failure rc on d as "what: SQLite's message"; returns the error code. */
enum pt_err pt_db_fail(struct pt_db *db, int rc, struct pt_diag *d, const char *what);

/** The audit module's state of this connection (owned by pt_audit.c; freed at close). */
void **pt_db_audit_slot(struct pt_db *db);

#endif
