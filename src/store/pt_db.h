/* pt_db.h - the registry's connection: open and migrate (refusing a schema
 * newer than this program), transactions, and the actor of writes. */
#ifndef PT_DB_H
#define PT_DB_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_err.h"
#include "../core/pt_records.h"

struct pt_db; /**< an open registry (opaque) */

/**
 * Open the database at path (":memory:" for tests). create nonzero creates
 * the file if missing; otherwise a missing file is PT_ENOTFOUND. Applies
 * migrations. WAL, synchronous=FULL, foreign keys on. *out is closed with
 * pt_db_close. Detail in d (file = path). A write waits up to
 * PT_BUSY_WAIT_MS for another connection's write (pt_db_set_busy_wait),
 * then fails with PT_EBUSY, its transaction rolled back.
 */
enum pt_err pt_db_open(const char *path, int create, struct pt_db **out, struct pt_diag *d);

/**
 * Open the existing database at path read-only (SQLITE_OPEN_READONLY): no
 * migration, no pragma that writes, so it works on a read-only copy in a
 * directory the caller may not write (audit verify). A schema newer than
 * this program knows, or a file that is not a registry, is PT_EDB; a
 * missing file PT_ENOTFOUND. Every write on it fails. Close with pt_db_close.
 */
enum pt_err pt_db_open_readonly(const char *path, struct pt_db **out, struct pt_diag *d);

/**
 * The schema version of the open database (PRAGMA user_version) in
 * *current and the newest migration built into this program in *latest
 * (either may be NULL). After a successful pt_db_open they are equal.
 */
enum pt_err pt_db_schema_version(struct pt_db *db, int *current, int *latest,
				 struct pt_diag *d);

/** Close; NULL does nothing. */
void pt_db_close(struct pt_db *db);

/**
 * How long db's statements wait for a lock another connection holds (ms,
 * at most PT_BUSY_WAIT_MAX_MS) before they fail with PT_EBUSY. NULL does nothing.
 */
void pt_db_set_busy_wait(struct pt_db *db, unsigned ms);

/** Run fn inside one transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on error). */
enum pt_err pt_db_transaction(struct pt_db *db, enum pt_err (*fn)(struct pt_db *db, void *ctx),
			      void *ctx, struct pt_diag *d);

/* ---- the actor of writes (every write is audited: src/store/pt_audit.h) ---- */


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

/** Begin a write transaction (BEGIN IMMEDIATE), or a savepoint inside an open one. */
enum pt_err pt_db_begin(struct pt_db *db, struct pt_diag *d);

/** Begin a read transaction (one snapshot), or a savepoint inside an open one. */
enum pt_err pt_db_begin_read(struct pt_db *db, struct pt_diag *d);

/**
 * End what pt_db_begin began: commit when err is PT_OK, roll back
 * otherwise. Returns err, or the commit's failure (rolled back too; a
 * busy commit is PT_EBUSY).
 */
enum pt_err pt_db_end(struct pt_db *db, enum pt_err err, struct pt_diag *d);

/** Nonzero while a transaction is open on db. */
int pt_db_in_transaction(struct pt_db *db);

#endif
