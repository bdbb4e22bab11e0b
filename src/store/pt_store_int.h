/* pt_store_int.h - what the files of src/store share and nothing outside it
 * sees: the SQLite handle, statement tables, the row reader, transaction hooks. */
#ifndef PT_STORE_INT_H
#define PT_STORE_INT_H

#include <sqlite3.h>
#include <stddef.h>

#include "../core/pt_records.h"
#include "../formats/pt_diag.h"
#include "pt_store.h"

/* ---- statement tables --------------------------------------------------- */

/** The store files that own a statement table (one cache per file and connection). */
enum pt_db_module {
	PT_DBM_DB,         /**< pt_db.c */
	PT_DBM_CATALOG,    /**< pt_catalog_store.c */
	PT_DBM_SITE,       /**< pt_site_store.c */
	PT_DBM_USER,       /**< pt_user_store.c */
	PT_DBM_ACCESS,     /**< pt_access_store.c */
	PT_DBM_SESSION,    /**< pt_session_store.c */
	PT_DBM_MEASURES,   /**< pt_measures_store.c */
	PT_DBM_PLANS,      /**< pt_plans_store.c */
	PT_DBM_REGISTER,   /**< pt_register_store.c */
	PT_DBM_AUDIT,      /**< pt_audit.c */
	PT_DBM_AUDIT_READ, /**< pt_audit_read.c */
	PT_DBM_RANKING,    /**< pt_ranking.c */
	PT_DBM_RESETS,     /**< pt_resets.c */
	PT_DBM_SECOND_FACTOR, /**< pt_second_factor_store.c (issue 10) */
	PT_DBM_SURGE,      /**< pt_surge_store.c (issue 11 item 6) */
	PT_DBM_DOWNSTREAM, /**< pt_downstream_store.c (issue 12) */
	PT_DBM_DEPS,       /**< pt_deps_store.c (issue 12: dependencies) */
	PT_DBM_ALERTS,     /**< pt_alert_store.c (issue 13: public alerts) */
	PT_DBM_EXERCISE,   /**< pt_exercise_store.c (issue 15: exercise runs) */
	PT_DBM_EXERCISE_LINKS, /**< pt_exercise_report_store.c (issue 15: improvement links) */
	PT_DBM_CER,        /**< pt_cer_store.c (issue 16: critical entities) */
	PT_DBM_SURVEY,     /**< pt_survey_store.c (issue 16 item 3: surveys) */
	PT_DBM_ATTACHMENTS, /**< pt_attachment_store.c (issue 16 item 3: attachments) */
	PT_DBM_HISTORY,    /**< pt_history_store.c (issue 16 item 6: snapshots) */
	PT_DBM_COUNT
};

/**
 * A file's statement table: n SQL texts indexed by the file's own enum
 * (fixed text, bound parameters only). Static, never changed.
 */
struct pt_db_stmt_table {
	enum pt_db_module module;
	size_t n;
	const char *const *sql;
};

/**
 * The prepared statement id of table t on db, reset with no bindings:
 * prepared once per connection on first use (SQLITE_PREPARE_PERSISTENT),
 * finalized by pt_db_close. The one way store files prepare statements.
 */
enum pt_err pt_db_prepare(struct pt_db *db, const struct pt_db_stmt_table *t, int id,
			  sqlite3_stmt **out, struct pt_diag *d);

/** Run statement id of t to its end (its rows, if any, ignored). */
enum pt_err pt_db_exec(struct pt_db *db, const struct pt_db_stmt_table *t, int id,
		       struct pt_diag *d);

/**
 * Run statement id of t (text bound as ?1 when not NULL); *out is the first
 * row's first column, 0 when there is no row.
 */
enum pt_err pt_db_query_int(struct pt_db *db, const struct pt_db_stmt_table *t, int id,
			    const char *text, long long *out, struct pt_diag *d);

/**
 * The ids (first column) of statement id of table t with its parameter 1
 * bound to key (text), or to id when key is NULL; at most max (PT_ELIMIT).
 * *ids: caller frees with free() (NULL when *n is 0).
 */
enum pt_err pt_db_ids_read(struct pt_db *db, const struct pt_db_stmt_table *t, int id_stmt,
			   const char *key, long long id, size_t max, long long **ids, size_t *n,
			   struct pt_diag *d);

/**
 * Run statement id of table t with the texts params[0..n) bound to its
 * parameters 1..n (NULL binds "", pt_db_bind_text) and step it to its end;
 * PT_OK, or the failure described as what. The statement is reset.
 */
enum pt_err pt_db_run_texts(struct pt_db *db, const struct pt_db_stmt_table *t, int id,
			    const char *const *params, size_t n, const char *what,
			    struct pt_diag *d);

/** Step st (unless rc, a binding's result, already failed) to DONE, then reset; PT_OK or "what: ...". */
enum pt_err pt_db_step_done(struct pt_db *db, sqlite3_stmt *st, int rc, const char *what,
			    struct pt_diag *d);

/** Nonzero when statement id of t, with text (cut at cap bytes) bound as ?1, returns a row. */
int pt_db_exists(struct pt_db *db, const struct pt_db_stmt_table *t, int id, const char *text,
		 size_t cap);

/**
 * 1 when statement id of t, with text a bound as ?1 and b (unless NULL) as
 * ?2 (NULL a binds ""), returns a row; 0 when not; -1 on failure (d filled).
 */
int pt_db_row_exists(struct pt_db *db, const struct pt_db_stmt_table *t, int id, const char *a,
		     const char *b, struct pt_diag *d);

/* ---- the row reader ----------------------------------------------------- */

/** Fill one element (row: NULL when the reader keeps no array) from the current row of st. */
typedef enum pt_err pt_db_fill_fn(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d);

/**
 * Where the row reader puts rows: a growing array of elem_size-byte
 * elements (at most max; too_many is the PT_ELIMIT message), or, with
 * elem_size 0, nothing (fill keeps each row itself through ctx).
 */
struct pt_db_rows {
	void *items;   /**< out: the array (caller frees with free()); NULL when n is 0 */
	size_t n, cap; /**< out: rows read, elements allocated */
	size_t elem_size, max;
	const char *too_many;
	pt_db_fill_fn *fill;
	void *ctx;
};

/**
 * The one row reader: step st, make room (pt_db_grow), fill, until the end;
 * reset st. On an error the array is freed and n is 0; what names the read
 * in SQLite's failures.
 */
enum pt_err pt_db_rows_read(struct pt_db *db, sqlite3_stmt *st, struct pt_db_rows *rows,
			    const char *what, struct pt_diag *d);

/**
 * Read st's one row with fill into row; reset st. PT_ENOTFOUND without a
 * message when there is no row (the caller says what was not found).
 */
enum pt_err pt_db_row_one(struct pt_db *db, sqlite3_stmt *st, pt_db_fill_fn *fill, void *row,
			  void *ctx, const char *what, struct pt_diag *d);

/** A fill: the row's first column as a long long (rows of elem_size sizeof(long long)). */
enum pt_err pt_db_id_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d);

/** An organisation row (id, name, type) into o (pt_user_store.c). */
enum pt_err pt_db_org_from_row(sqlite3_stmt *st, struct pt_org *o, struct pt_diag *d);

/**
 * Make room for element count of the array *list (capacity *cap, elements of
 * elem_size bytes), doubling up to max elements. PT_ELIMIT with too_many as
 * the message when count reaches max; PT_ENOMEM. *list stays owned by the caller.
 */
enum pt_err pt_db_grow(void **list, size_t *cap, size_t count, size_t elem_size, size_t max,
		       const char *too_many, struct pt_diag *d);

/* ---- columns and bindings ----------------------------------------------- */

/** Copy text column col into buf of size cap (PT_ELIMIT if it does not fit; NULL is ""). */
enum pt_err pt_db_col_text(sqlite3_stmt *st, int col, char *buf, size_t cap,
			   struct pt_diag *d);

/** Copy text column col into buf of size cap, cut to fit (NULL is ""). */
void pt_db_col_copy(sqlite3_stmt *st, int col, char *buf, size_t cap);

/** An integer column that must fit an int (clamped). */
int pt_db_col_int(sqlite3_stmt *st, int col);

/** Bind a NUL-terminated field of a fixed-size array (never reads past cap). */
int pt_db_bind_field(sqlite3_stmt *st, int i, const char *s, size_t cap);

/** Bind s (NULL: "") as parameter i, borrowed until the statement is reset. */
int pt_db_bind_text(sqlite3_stmt *st, int i, const char *s);

/** Nonzero when the fixed-size field s holds a NUL-terminated, non-empty string. */
int pt_db_field_ok(const char *s, size_t cap);

/* ---- errors and the connection ------------------------------------------ */

/**
 * The pt_err of SQLite result rc (PT_OK for OK, ROW and DONE; PT_EBUSY for
 * SQLITE_BUSY and SQLITE_LOCKED with any extended code, BUSY_SNAPSHOT too).
 */
enum pt_err pt_db_err_of(int rc);

/**
 * Record SQLite's failure rc on d as "what: SQLite's message"; returns the
 * error code. A busy rc is PT_EBUSY with pt_strerror(PT_EBUSY) as the message.
 */
enum pt_err pt_db_fail(struct pt_db *db, int rc, struct pt_diag *d, const char *what);

/** pt_db_fail at line of an input file. */
enum pt_err pt_db_fail_at(struct pt_db *db, int rc, struct pt_diag *d, long line,
			  const char *what);

/** The connection's SQLite handle. */
sqlite3 *pt_db_sqlite(struct pt_db *db);

/** The rowid of the connection's last insert. */
long long pt_db_last_id(struct pt_db *db);

/** Rows changed by the connection's last statement. */
long long pt_db_changes(struct pt_db *db);

/** SQLite's message for the connection's last failure. */
const char *pt_db_errmsg(struct pt_db *db);

/* ---- transaction hooks -------------------------------------------------- */

/**
 * What a module (the audit log) does around each outermost transaction of
 * a connection: commit_prepare just before COMMIT (an error rolls back),
 * done after it (committed nonzero) or after a rollback, free_state at
 * pt_db_close. Each may be NULL.
 */
struct pt_db_tx_hooks {
	enum pt_err (*commit_prepare)(struct pt_db *db, struct pt_diag *d);
	enum pt_err (*done)(struct pt_db *db, int committed, struct pt_diag *d);
	void (*free_state)(void *state);
	/* audit: a savepoint inside the transaction was opened (PT_DB_SP_OPEN),
	 * released (PT_DB_SP_RELEASE) or rolled back and released (PT_DB_SP_ROLLBACK) */
	void (*savepoint)(struct pt_db *db, int event);
};

/** The events of pt_db_tx_hooks.savepoint. */
enum { PT_DB_SP_OPEN, PT_DB_SP_RELEASE, PT_DB_SP_ROLLBACK };

/** Register hooks (static, not copied) and their per-connection state (freed by hooks->free_state). */
void pt_db_set_tx_hooks(struct pt_db *db, const struct pt_db_tx_hooks *hooks, void *state);

/** The state registered with pt_db_set_tx_hooks, NULL before. */
void *pt_db_tx_state(struct pt_db *db);

/* ---- shared SQL fragments ------------------------------------------------ */

/**
 * A user with its organisation: id, name, role, org_id, org name, org type, admin_by_system,
 * its second factor (NULL none, 0 pending, 1 enrolled), its recovery codes left and
 * role_by_system (migration 022).
 */
#define PT_DB_USER_COLUMNS                                                                   \
	"u.id, u.name, u.role, u.org_id, o.name, o.type, u.admin_by_system, "                \
	"(SELECT t.confirmed FROM user_totp t WHERE t.user_id = u.id), "                     \
	"(SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.id), u.role_by_system "  \
	"FROM users u "                                                                      \
	"JOIN organisations o ON o.id = u.org_id "

/** Read a PT_DB_USER_COLUMNS row starting at column col into u (pt_user_store.c). */
enum pt_err pt_db_user_from_row(sqlite3_stmt *st, int col, struct pt_user *u,
				struct pt_diag *d);

/** One user by name (or by id when name is NULL) into *out; PT_ENOTFOUND naming name or id. */
enum pt_err pt_db_user_lookup(struct pt_db *db, const char *name, long long id,
			      struct pt_user *out, struct pt_diag *d);

#endif
