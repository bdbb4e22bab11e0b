/* pt_ranking.c - the registry's data version (migration 006), the sites
 * snapshot's reads, and the watch that tells the server when the data changed. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "pt_ranking.h"
#include "pt_store_int.h"

/* The statement table of this file (the watch prepares its two on a connection of its own). */
enum ranking_stmt {
	ST_DATA_VERSION,
	ST_PRAGMA_DATA_VERSION,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_DATA_VERSION] = "SELECT version FROM data_version WHERE id = 1",
	[ST_PRAGMA_DATA_VERSION] = "PRAGMA data_version",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_RANKING, ST_COUNT, stmt_sql};

enum pt_err pt_db_data_version(struct pt_db *db, unsigned long long *version, struct pt_diag *d)
{
	static const char what[] = "reading the data version";
	sqlite3_stmt *st;
	long long v = 0;
	enum pt_err err;
	*version = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_DATA_VERSION, &st, d)) != PT_OK)
		return err;
	err = pt_db_row_one(db, st, pt_db_id_row, &v, NULL, what, d);
	if (err == PT_ENOTFOUND) /* migration 006 writes the row: without it the file is corrupt */
		return pt_db_fail(db, SQLITE_CORRUPT, d, what);
	if (err == PT_OK)
		*version = (unsigned long long)v;
	return err;
}

enum pt_err pt_ranking_load_view_at(struct pt_db *db, struct pt_site_list *out,
				    struct pt_access_index **ix, unsigned long long *version,
				    struct pt_diag *d)
{
	enum pt_err err;
	*ix = NULL;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_data_version(db, version, d)) == PT_OK &&
	    (err = pt_db_sites_list(db, PT_TLP_RED, out, NULL, d)) == PT_OK)
		err = pt_access_index_load(db, ix, d);
	err = pt_db_end(db, err, err == PT_OK ? d : NULL);
	if (err != PT_OK) {
		pt_access_index_free(*ix);
		*ix = NULL;
		pt_site_list_clear(out);
	}
	return err;
}

/* ---- the change watch ---- */

struct pt_ranking_watch {
	pthread_mutex_t lock;
	sqlite3 *conn;
	sqlite3_stmt *data_version; /* PRAGMA data_version: any commit by another connection */
	sqlite3_stmt *counter;      /* the data_version table: commits that changed the data */
	long long last;             /* PRAGMA data_version last seen; -1 before the first */
	unsigned long long version; /* the counter read when that last changed */
};

enum pt_err pt_ranking_watch_open(const char *path, struct pt_ranking_watch **out,
				  struct pt_diag *d)
{
	struct pt_ranking_watch *w;
	*out = NULL;
	w = calloc(1, sizeof *w);
	if (!w)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	pthread_mutex_init(&w->lock, NULL);
	if (sqlite3_open_v2(path, &w->conn, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v3(w->conn, stmt_sql[ST_PRAGMA_DATA_VERSION], -1,
			       SQLITE_PREPARE_PERSISTENT, &w->data_version, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(w->conn, stmt_sql[ST_DATA_VERSION], -1, SQLITE_PREPARE_PERSISTENT,
			       &w->counter, NULL) != SQLITE_OK) {
		pt_diag_set(d, PT_EDB, 0, "", "%s: %s", path,
			    w->conn ? sqlite3_errmsg(w->conn) : "cannot open");
		pt_ranking_watch_close(w);
		return PT_EDB;
	}
	w->last = -1;
	*out = w;
	return PT_OK;
}

enum pt_err pt_ranking_watch_version(struct pt_ranking_watch *w, unsigned long long *version)
{
	enum pt_err err = PT_OK;
	long long v = -1;
	pthread_mutex_lock(&w->lock);
	if (sqlite3_step(w->data_version) == SQLITE_ROW)
		v = sqlite3_column_int64(w->data_version, 0);
	else
		err = PT_EDB;
	sqlite3_reset(w->data_version);
	/* Only a commit since the last look can have moved the counter. */
	if (err == PT_OK && v != w->last) {
		if (sqlite3_step(w->counter) == SQLITE_ROW) {
			w->version = (unsigned long long)sqlite3_column_int64(w->counter, 0);
			w->last = v;
		} else {
			err = PT_EDB;
		}
		sqlite3_reset(w->counter);
	}
	*version = err == PT_OK ? w->version : 0;
	pthread_mutex_unlock(&w->lock);
	return err;
}

void pt_ranking_watch_close(struct pt_ranking_watch *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->data_version);
	sqlite3_finalize(w->counter);
	sqlite3_close(w->conn);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/* ---- statement counting, for measurements ---- */

/*
 * PT_STMT_TRACE=FILE (read once at start-up): every connection opened
 * afterwards appends one line per statement it runs (not counting the
 * statements of triggers) to FILE. Unset, this costs one getenv.
 */
static FILE *trace_out;

static int trace_statement(unsigned type, void *ctx, void *stmt, void *sql)
{
	const char *text = sql;
	(void)ctx;
	(void)stmt;
	if (type == SQLITE_TRACE_STMT && trace_out && !(text[0] == '-' && text[1] == '-')) {
		fprintf(trace_out, "%.60s\n", text);
		fflush(trace_out);
	}
	return 0;
}

static int trace_connection(sqlite3 *conn, const char **err, const void *api)
{
	(void)err;
	(void)api;
	sqlite3_trace_v2(conn, SQLITE_TRACE_STMT, trace_statement, NULL);
	return SQLITE_OK;
}

__attribute__((constructor)) static void trace_init(void)
{
	const char *path = getenv("PT_STMT_TRACE");
	if (path && *path && (trace_out = fopen(path, "a")))
		sqlite3_auto_extension((void (*)(void))trace_connection);
}
