/* pt_plan_sql_int.h - private to src/store: the small SQL helpers that the
 * measures, saved-plans and register store files share (step, bind, copy). */
#ifndef PT_PLAN_SQL_INT_H
#define PT_PLAN_SQL_INT_H

#include <sqlite3.h>
#include <stddef.h>

#include "pt_store.h"
#include "pt_store_int.h"

/** Step st (after binds that gave rc) to DONE and reset it; PT_OK or the failure as what. */
enum pt_err pt_sql_step_done(struct pt_db *db, sqlite3_stmt *st, int rc, const char *what,
			     struct pt_diag *d);

/** Copy text column col into buf of cap bytes (PT_ELIMIT when it does not fit). */
enum pt_err pt_sql_col_text(sqlite3_stmt *st, int col, char *buf, size_t cap, struct pt_diag *d);

/** Bind s (NULL: "") to parameter i, borrowed until the statement is reset. */
int pt_sql_bind_text(sqlite3_stmt *st, int i, const char *s);

/** 1 when sql with text parameters a and b (b may be NULL) returns a row, 0 when not, -1 on failure (d filled). */
int pt_sql_exists(struct pt_db *db, const char *sql, const char *a, const char *b,
		  struct pt_diag *d);

#endif
