/* pt_db.c - the registry's connection: open and migrate, the one way to
 * prepare statements, the row reader, transactions and their hooks, the actor. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../formats/pt_embedded.h"
#include "pt_store_int.h"

#define PT_DB_MAX_MIGRATIONS 999
#define PT_DB_APPLICATION_ID 1347571540 /* 'PROT', set by 001_schema.sql */
#define MIGRATION_PREFIX "src/store/"

/* The statement table of this file. */
enum db_stmt {
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
	ST_NAMES_FOLD_CLASH,
	ST_COUNT
};

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
	/* Issue 10, before migration 010: user names that differ only in case, "Alice, alice; BOB, bob". */
	[ST_NAMES_FOLD_CLASH] = "SELECT group_concat(names, '; ') FROM (SELECT group_concat(name, ', ') "
		"AS names FROM (SELECT name FROM users ORDER BY lower(name), name) GROUP BY lower(name) "
		"HAVING count(*) > 1 ORDER BY lower(name))",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_DB, ST_COUNT, stmt_sql};

struct pt_db {
	sqlite3 *sql;
	sqlite3_stmt **stmt[PT_DBM_COUNT]; /* per statement table, allocated on first use */
	size_t n_stmt[PT_DBM_COUNT];
	int tx_depth; /* 0 outside a transaction; >0 nesting (savepoints inside) */
	char *path;   /* as opened */
	/* The actor of writes (pt_db_set_actor): the system administrator by default. */
	long long actor_id, actor_org;
	char actor_name[PT_ACTOR_NAME_MAX];
	int64_t actor_now; /* 0: the clock at each write */
	const struct pt_db_tx_hooks *hooks; /* pt_db_set_tx_hooks */
	void *hooks_state;
};

/* One embedded migration script. */
struct migration {
	int version;
	const struct pt_embedded_file *file;
};

/* ---- errors ------------------------------------------------------------ */

enum pt_err pt_db_err_of(int rc)
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
	case SQLITE_BUSY:   /* another connection writes (also BUSY_SNAPSHOT, BUSY_RECOVERY) */
	case SQLITE_LOCKED: /* a conflict inside this process's shared cache */
		return PT_EBUSY;
	default:
		return PT_EDB;
	}
}

enum pt_err pt_db_fail_at(struct pt_db *db, int rc, struct pt_diag *d, long line,
			  const char *what)
{
	const char *msg = db && db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc);
	enum pt_err err = pt_db_err_of(rc);
	if (err == PT_EBUSY) /* the same words for every busy, on no line: not the input's fault */
		return pt_diag_put(d, PT_EBUSY, 0, "", pt_strerror(PT_EBUSY));
	return pt_diag_set(d, err == PT_OK ? PT_EDB : err, line, "", "%s: %s", what, msg);
}

enum pt_err pt_db_fail(struct pt_db *db, int rc, struct pt_diag *d, const char *what)
{
	return pt_db_fail_at(db, rc, d, 0, what);
}

/* ---- statements -------------------------------------------------------- */

/* *slot prepared from sql on first use, else reset with no bindings. */
static enum pt_err stmt_ready(struct pt_db *db, const char *sql, sqlite3_stmt **slot,
			      struct pt_diag *d)
{
	int rc;
	if (*slot) {
		sqlite3_reset(*slot);
		sqlite3_clear_bindings(*slot);
		return PT_OK;
	}
	rc = sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL);
	if (rc != SQLITE_OK) {
		*slot = NULL;
		return pt_db_fail(db, rc, d, "preparing a statement");
	}
	return PT_OK;
}

enum pt_err pt_db_prepare(struct pt_db *db, const struct pt_db_stmt_table *t, int id,
			  sqlite3_stmt **out, struct pt_diag *d)
{
	enum pt_err err;
	size_t m;
	*out = NULL;
	if (!db || !t || (unsigned)t->module >= PT_DBM_COUNT || id < 0 || (size_t)id >= t->n)
		return pt_diag_set(d, PT_EINTERNAL, 0, "", "no such statement");
	m = (size_t)t->module;
	if (!db->stmt[m]) {
		db->stmt[m] = calloc(t->n, sizeof *db->stmt[m]);
		if (!db->stmt[m])
			return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		db->n_stmt[m] = t->n;
	}
	if ((err = stmt_ready(db, t->sql[id], &db->stmt[m][id], d)) != PT_OK)
		return err;
	*out = db->stmt[m][id];
	return PT_OK;
}

enum pt_err pt_db_exec(struct pt_db *db, const struct pt_db_stmt_table *t, int id,
		       struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, t, id, &st, d)) != PT_OK)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pt_db_fail(db, rc, d, t->sql[id]);
	return PT_OK;
}

enum pt_err pt_db_query_int(struct pt_db *db, const struct pt_db_stmt_table *t, int id,
			    const char *text, long long *out, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = 0;
	if ((err = pt_db_prepare(db, t, id, &st, d)) != PT_OK)
		return err;
	if (text && sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC) != SQLITE_OK) {
		err = pt_db_fail(db, SQLITE_NOMEM, d, "binding");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, t->sql[id]);
out:
	sqlite3_reset(st);
	return err;
}

enum pt_err pt_db_step_done(struct pt_db *db, sqlite3_stmt *st, int rc, const char *what,
			    struct pt_diag *d)
{
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pt_db_fail(db, rc, d, what);
	return PT_OK;
}

enum pt_err pt_db_ids_read(struct pt_db *db, const struct pt_db_stmt_table *t, int id_stmt,
			   const char *key, long long id, size_t max, long long **ids, size_t *n,
			   struct pt_diag *d)
{
	struct pt_db_rows rows = {NULL, 0, 0, sizeof **ids, max, "too many entries", pt_db_id_row,
				  NULL};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*ids = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, t, id_stmt, &st, d)) != PT_OK)
		return err;
	rc = key ? sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) : sqlite3_bind_int64(st, 1, id);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a list");
	}
	err = pt_db_rows_read(db, st, &rows, "reading a list", d);
	*ids = rows.items;
	*n = rows.n;
	return err;
}

enum pt_err pt_db_run_texts(struct pt_db *db, const struct pt_db_stmt_table *t, int id,
			    const char *const *params, size_t n, const char *what,
			    struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc = SQLITE_OK;
	if ((err = pt_db_prepare(db, t, id, &st, d)) != PT_OK)
		return err;
	for (i = 0; i < n && rc == SQLITE_OK; i++)
		rc = pt_db_bind_text(st, (int)i + 1, params[i]);
	return pt_db_step_done(db, st, rc, what, d);
}

int pt_db_exists(struct pt_db *db, const struct pt_db_stmt_table *t, int id, const char *text,
		 size_t cap)
{
	sqlite3_stmt *st;
	int rc;
	if (pt_db_prepare(db, t, id, &st, NULL) != PT_OK)
		return 0;
	rc = pt_db_bind_field(st, 1, text, cap);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
}

int pt_db_row_exists(struct pt_db *db, const struct pt_db_stmt_table *t, int id, const char *a,
		     const char *b, struct pt_diag *d)
{
	sqlite3_stmt *st;
	int rc;
	if (pt_db_prepare(db, t, id, &st, d) != PT_OK)
		return -1;
	rc = pt_db_bind_text(st, 1, a);
	if (rc == SQLITE_OK && b)
		rc = pt_db_bind_text(st, 2, b);
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

/* ---- the row reader ------------------------------------------------------ */

enum pt_err pt_db_rows_read(struct pt_db *db, sqlite3_stmt *st, struct pt_db_rows *rows,
			    const char *what, struct pt_diag *d)
{
	enum pt_err err = PT_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		void *row = NULL;
		if (rows->elem_size) {
			if ((err = pt_db_grow(&rows->items, &rows->cap, rows->n, rows->elem_size,
					      rows->max, rows->too_many, d)) != PT_OK)
				goto out;
			row = (char *)rows->items + rows->n * rows->elem_size;
			memset(row, 0, rows->elem_size);
		} else if (rows->n >= rows->max) {
			err = pt_diag_set(d, PT_ELIMIT, 0, "", "%s", rows->too_many);
			goto out;
		}
		if ((err = rows->fill(st, row, rows->ctx, d)) != PT_OK)
			goto out;
		rows->n++;
	}
	if (rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, what);
out:
	sqlite3_reset(st);
	if (err != PT_OK || !rows->n) {
		free(rows->items);
		rows->items = NULL;
		rows->n = rows->cap = 0;
	}
	return err;
}

enum pt_err pt_db_row_one(struct pt_db *db, sqlite3_stmt *st, pt_db_fill_fn *fill, void *row,
			  void *ctx, const char *what, struct pt_diag *d)
{
	enum pt_err err;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		err = fill(st, row, ctx, d);
	else if (rc == SQLITE_DONE)
		err = PT_ENOTFOUND;
	else
		err = pt_db_fail(db, rc, d, what);
	sqlite3_reset(st);
	return err;
}

enum pt_err pt_db_id_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	(void)ctx;
	(void)d;
	*(long long *)row = sqlite3_column_int64(st, 0);
	return PT_OK;
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

/* ---- columns and bindings ------------------------------------------------ */

int pt_db_bind_field(sqlite3_stmt *st, int i, const char *s, size_t cap)
{
	return sqlite3_bind_text(st, i, s, (int)strnlen(s, cap), SQLITE_STATIC);
}

int pt_db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

int pt_db_field_ok(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	return n > 0 && n < cap;
}

enum pt_err pt_db_col_text(sqlite3_stmt *st, int col, char *buf, size_t cap,
			   struct pt_diag *d)
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

void pt_db_col_copy(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(buf, t, n);
	buf[n] = '\0';
}

int pt_db_col_int(sqlite3_stmt *st, int col)
{
	long long v = sqlite3_column_int64(st, col);
	if (v > INT_MAX)
		return INT_MAX;
	if (v < INT_MIN)
		return INT_MIN;
	return (int)v;
}

/* ---- transactions ------------------------------------------------------ */

/* audit: tell the hooks that a savepoint was opened, released or rolled back. */
static void savepoint_event(struct pt_db *db, int event)
{
	if (db->hooks && db->hooks->savepoint)
		db->hooks->savepoint(db, event);
}

/* Begin a transaction, or a savepoint inside one already open. */
static enum pt_err tx_open(struct pt_db *db, enum db_stmt begin, struct pt_diag *d)
{
	enum pt_err err = pt_db_exec(db, &stmts, db->tx_depth ? (int)ST_SAVEPOINT : (int)begin, d);
	if (err == PT_OK && db->tx_depth)
		savepoint_event(db, PT_DB_SP_OPEN);
	if (err == PT_OK)
		db->tx_depth++;
	return err;
}

/* The done hook after a commit (committed) or a rollback. */
static enum pt_err hook_done(struct pt_db *db, int committed, struct pt_diag *d)
{
	if (db->hooks && db->hooks->done)
		return db->hooks->done(db, committed, d);
	return PT_OK;
}

/*
 * End what tx_open began: commit (release) when err is PT_OK, roll back
 * otherwise. Returns err, or the commit's failure. d keeps the first error.
 */
static enum pt_err tx_end(struct pt_db *db, enum pt_err err, struct pt_diag *d)
{
	struct pt_diag scratch = PT_DIAG_INIT;
	if (db->tx_depth <= 0)
		return err == PT_OK ? pt_diag_set(d, PT_EINTERNAL, 0, "", "no transaction open") : err;
	db->tx_depth--;
	if (sqlite3_get_autocommit(db->sql)) {
		/* SQLite already rolled the whole transaction back (I/O error, full disk). */
		hook_done(db, 0, &scratch);
		if (err == PT_OK)
			err = pt_diag_set(d, PT_EDB, 0, "", "the transaction was rolled back by SQLite");
		return err;
	}
	if (db->tx_depth > 0) {
		if (err == PT_OK) {
			if ((err = pt_db_exec(db, &stmts, ST_RELEASE, d)) == PT_OK)
				savepoint_event(db, PT_DB_SP_RELEASE);
			return err;
		}
		pt_db_exec(db, &stmts, ST_ROLLBACK_TO, &scratch);
		pt_db_exec(db, &stmts, ST_RELEASE, &scratch);
		savepoint_event(db, PT_DB_SP_ROLLBACK);
		return err;
	}
	if (err == PT_OK && db->hooks && db->hooks->commit_prepare)
		err = db->hooks->commit_prepare(db, d);
	if (err == PT_OK) {
		err = pt_db_exec(db, &stmts, ST_COMMIT, d);
		if (err == PT_OK)
			return hook_done(db, 1, d);
	}
	if (!sqlite3_get_autocommit(db->sql))
		pt_db_exec(db, &stmts, ST_ROLLBACK, &scratch);
	hook_done(db, 0, &scratch);
	return err;
}

enum pt_err pt_db_begin(struct pt_db *db, struct pt_diag *d)
{
	return tx_open(db, ST_BEGIN, d);
}

enum pt_err pt_db_begin_read(struct pt_db *db, struct pt_diag *d)
{
	return tx_open(db, ST_BEGIN_READ, d);
}

enum pt_err pt_db_end(struct pt_db *db, enum pt_err err, struct pt_diag *d)
{
	return tx_end(db, err, d);
}

int pt_db_in_transaction(struct pt_db *db)
{
	return db && db->tx_depth > 0;
}

void pt_db_set_tx_hooks(struct pt_db *db, const struct pt_db_tx_hooks *hooks, void *state)
{
	if (!db)
		return;
	db->hooks = hooks;
	db->hooks_state = state;
}

void *pt_db_tx_state(struct pt_db *db)
{
	return db ? db->hooks_state : NULL;
}

enum pt_err pt_db_transaction(struct pt_db *db, enum pt_err (*fn)(struct pt_db *db, void *ctx),
			      void *ctx, struct pt_diag *d)
{
	enum pt_err err;
	if (!db || !fn)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no function");
	if ((err = pt_db_begin(db, d)) != PT_OK)
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

/*
 * Before migration 010 (issue 10): PT_ECONFLICT naming every group of stored
 * user names that differ only in case, so nothing is merged silently.
 */
static enum pt_err names_fold_check(struct pt_db *db, struct pt_diag *d)
{
	char names[1024];
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_NAMES_FOLD_CLASH, &st, d)) != PT_OK)
		return err;
	names[0] = '\0';
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
		pt_strlcpy(names, (const char *)sqlite3_column_text(st, 0), sizeof names);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return pt_db_fail(db, rc, d, "looking for user names that differ only in case");
	if (!names[0])
		return PT_OK;
	return pt_diag_set(d, PT_ECONFLICT, 0, "name",
			   "migration 010 makes user names unique without regard to case, but these "
			   "users differ only in case: %s; rename or remove all but one of each (the "
			   "sqlite3 shell), then open the registry again", names);
}

/* Apply migration m if the database is still below its version (one transaction). */
static enum pt_err migrate_one(struct pt_db *db, const struct migration *m, struct pt_diag *d)
{
	long long version = 0;
	char *errmsg = NULL;
	enum pt_err err;
	int rc;

	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	/* Read again under the write lock: another process may have migrated meanwhile. */
	if ((err = pt_db_query_int(db, &stmts, ST_USER_VERSION, NULL, &version, d)) != PT_OK ||
	    version >= m->version)
		goto out;
	/* Case-insensitive user names (issue 10): refuse, naming them, names that differ only in case. */
	if (m->version == 10 && (err = names_fold_check(db, d)) != PT_OK)
		goto out;
	rc = sqlite3_exec(db->sql, m->file->data, NULL, NULL, &errmsg);
	if (rc != SQLITE_OK && pt_db_err_of(rc) == PT_EBUSY) {
		err = pt_db_fail(db, rc, d, "migrating");
		goto out;
	}
	if (rc != SQLITE_OK) {
		err = pt_diag_set(d, pt_db_err_of(rc) == PT_OK ? PT_EDB : pt_db_err_of(rc), 0, "",
				  "applying %s: %s", m->file->name,
				  errmsg ? errmsg : sqlite3_errstr(rc));
		goto out;
	}
	if ((err = pt_db_query_int(db, &stmts, ST_USER_VERSION, NULL, &version, d)) != PT_OK)
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
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		goto out;
	if ((err = pt_db_query_int(db, &stmts, ST_USER_VERSION, NULL, &version, d)) == PT_OK &&
	    (err = pt_db_query_int(db, &stmts, ST_APPLICATION_ID, NULL, &app_id, d)) == PT_OK)
		err = pt_db_query_int(db, &stmts, ST_TABLE_COUNT, NULL, &tables, d);
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
				  "the database's schema version %lld is newer than %zu, the newest "
				  "this protect knows; use a newer protect",
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
	if (create && strcmp(path, ":memory:") != 0) {
		/* A registry this program creates is private to its owner (SQLite gives the -wal
		 * and -shm files the database file's mode); an existing file keeps its mode. */
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
	}
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
	sqlite3_busy_timeout(db->sql, PT_BUSY_WAIT_MS);
	for (i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
		rc = sqlite3_exec(db->sql, pragmas[i], NULL, NULL, NULL);
		if (rc != SQLITE_OK && pt_db_err_of(rc) == PT_EBUSY) {
			err = pt_db_fail(db, rc, d, "opening");
			goto out;
		}
		if (rc != SQLITE_OK) {
			err = pt_diag_set(d, pt_db_err_of(rc) == PT_ENOMEM ? PT_ENOMEM : PT_EDB, 0, "",
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

/* Finalize db's statements and close its SQLite connection (db itself stays). */
static void pt_db_close_sql(struct pt_db *db)
{
	size_t i;
	for (i = 0; i < PT_DBM_COUNT; i++) {
		size_t k;
		for (k = 0; db->stmt[i] && k < db->n_stmt[i]; k++)
			sqlite3_finalize(db->stmt[i][k]);
		free(db->stmt[i]);
		db->stmt[i] = NULL;
		db->n_stmt[i] = 0;
	}
	sqlite3_close(db->sql);
	db->sql = NULL;
}

/* Open path as an immutable read-only URI ("file:PATH?immutable=1", PATH escaped). */
static enum pt_err open_immutable(struct pt_db *db, const char *path, struct pt_diag *d)
{
	static const char hex[] = "0123456789ABCDEF";
	char uri[3 * PATH_MAX + 32];
	size_t n = 0;
	const unsigned char *p;
	int rc;
	memcpy(uri, "file:", 5);
	n = 5;
	for (p = (const unsigned char *)path; *p; p++) {
		if (n + 4 >= sizeof uri - 16)
			return pt_diag_set(d, PT_ELIMIT, 0, "", "database path too long");
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '/' || *p == '.' || *p == '-' || *p == '_' || *p == '~') {
			uri[n++] = (char)*p;
		} else {
			uri[n++] = '%';
			uri[n++] = hex[*p >> 4];
			uri[n++] = hex[*p & 15];
		}
	}
	memcpy(uri + n, "?immutable=1", sizeof "?immutable=1");
	rc = sqlite3_open_v2(uri, &db->sql, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	if (rc != SQLITE_OK)
		return db->sql ? pt_diag_set(d, PT_EDB, 0, "", "cannot open the database: %s",
					     sqlite3_errmsg(db->sql))
			       : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	sqlite3_extended_result_codes(db->sql, 1);
	return PT_OK;
}

/* audit verify: the read-only open (no migration, no pragma that writes). */
enum pt_err pt_db_open_readonly(const char *path, struct pt_db **out, struct pt_diag *d)
{
	struct migration *list = NULL;
	struct pt_db *db = NULL;
	struct stat sb;
	long long version = 0, app_id = 0;
	size_t n = 0;
	enum pt_err err = PT_OK;
	int rc;

	if (out)
		*out = NULL;
	if (!path || !path[0] || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database path given");
	if (d)
		pt_strlcpy(d->file, path, sizeof d->file);
	if (stat(path, &sb) != 0 && errno == ENOENT)
		return pt_diag_put(d, PT_ENOTFOUND, 0, "",
				   "database does not exist; run 'protect init' or 'protect demo' to "
				   "create it");
	db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	pt_strlcpy(db->actor_name, PT_ACTOR_SYSTEM, sizeof db->actor_name);
	rc = sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		err = db->sql ? pt_diag_set(d, PT_EDB, 0, "", "cannot open the database: %s",
					    sqlite3_errmsg(db->sql))
			      : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	sqlite3_busy_timeout(db->sql, PT_BUSY_WAIT_MS);
	if ((err = migrations_find(&list, &n, d)) != PT_OK)
		goto out;
	err = pt_db_query_int(db, &stmts, ST_APPLICATION_ID, NULL, &app_id, d);
	if (err != PT_OK && ((sqlite3_errcode(db->sql) & 0xff) == SQLITE_READONLY ||
			     (sqlite3_errcode(db->sql) & 0xff) == SQLITE_CANTOPEN)) {
		/* A WAL registry in a directory we may not write: SQLite cannot make its
		 * -shm index. A copy without a -wal file holds every commit: read it as
		 * immutable (no locks, no index). */
		char wal[PATH_MAX + 8];
		snprintf(wal, sizeof wal, "%s-wal", path);
		if (stat(wal, &sb) == 0) {
			err = pt_diag_set(d, PT_EDB, 0, "",
					  "cannot read the database read-only: %s; copy it with its "
					  "-wal and -shm files, or after every connection closed (no "
					  "-wal file), or where the -shm file can be made",
					  sqlite3_errmsg(db->sql));
			goto out;
		}
		pt_db_close_sql(db);
		if ((err = open_immutable(db, path, d)) != PT_OK)
			goto out;
		err = pt_db_query_int(db, &stmts, ST_APPLICATION_ID, NULL, &app_id, d);
	}
	if (err != PT_OK ||
	    (err = pt_db_query_int(db, &stmts, ST_USER_VERSION, NULL, &version, d)) != PT_OK)
		goto out;
	if (app_id != PT_DB_APPLICATION_ID)
		err = pt_diag_set(d, PT_EDB, 0, "",
				  "a SQLite database, but not a protect registry (application_id %lld)",
				  app_id);
	else if (version > (long long)n)
		err = pt_diag_set(d, PT_EDB, 0, "",
				  "the database's schema version %lld is newer than %zu, the newest "
				  "this protect knows; use a newer protect",
				  version, n);
out:
	free(list);
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
	for (i = 0; i < PT_DBM_COUNT; i++) {
		size_t k;
		for (k = 0; db->stmt[i] && k < db->n_stmt[i]; k++)
			sqlite3_finalize(db->stmt[i][k]);
		free(db->stmt[i]);
	}
	sqlite3_close(db->sql);
	if (db->hooks && db->hooks->free_state)
		db->hooks->free_state(db->hooks_state);
	free(db->path);
	free(db);
}

/* ---- the actor ---------------------------------------------------------- */

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

void pt_db_set_busy_wait(struct pt_db *db, unsigned ms)
{
	if (db && db->sql)
		sqlite3_busy_timeout(db->sql, (int)(ms > PT_BUSY_WAIT_MAX_MS ? PT_BUSY_WAIT_MAX_MS : ms));
}

const char *pt_db_path(struct pt_db *db)
{
	return db && db->path ? db->path : "";
}

sqlite3 *pt_db_sqlite(struct pt_db *db)
{
	return db ? db->sql : NULL;
}

long long pt_db_last_id(struct pt_db *db)
{
	return sqlite3_last_insert_rowid(db->sql);
}

long long pt_db_changes(struct pt_db *db)
{
	return sqlite3_changes(db->sql);
}

const char *pt_db_errmsg(struct pt_db *db)
{
	return db && db->sql ? sqlite3_errmsg(db->sql) : "no database";
}

enum pt_err pt_db_schema_version(struct pt_db *db, int *current, int *latest, struct pt_diag *d)
{
	struct migration *list = NULL;
	size_t n = 0;
	long long version = 0;
	enum pt_err err;
	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if ((err = pt_db_query_int(db, &stmts, ST_USER_VERSION, NULL, &version, d)) != PT_OK ||
	    (err = migrations_find(&list, &n, d)) != PT_OK)
		return err;
	free(list);
	if (current)
		*current = (int)version;
	if (latest)
		*latest = (int)n;
	return PT_OK;
}
