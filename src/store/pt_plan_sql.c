/* pt_plan_sql.c - the SQL helpers shared by the measures, saved-plans and
 * register store files (private to src/store). */
#include "pt_plan_sql_int.h"

#include <string.h>

#include "../formats/pt_diag.h"

enum pt_err pt_sql_step_done(struct pt_db *db, sqlite3_stmt *st, int rc, const char *what,
			     struct pt_diag *d)
{
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pt_db_fail(db, rc, d, what);
	return PT_OK;
}

enum pt_err pt_sql_col_text(sqlite3_stmt *st, int col, char *buf, size_t cap, struct pt_diag *d)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
	if (!t && sqlite3_column_type(st, col) != SQLITE_NULL)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory reading the database");
	if (n >= cap)
		return pt_diag_set(d, PT_ELIMIT, 0, sqlite3_column_name(st, col),
				   "stored value is %zu bytes, more than the %zu allowed", n, cap - 1);
	if (n)
		memcpy(buf, t, n);
	buf[n] = '\0';
	return PT_OK;
}

int pt_sql_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

int pt_sql_exists(struct pt_db *db, const char *sql, const char *a, const char *b,
		  struct pt_diag *d)
{
	sqlite3_stmt *st;
	int rc;
	if (pt_db_stmt(db, sql, &st, d) != PT_OK)
		return -1;
	rc = pt_sql_bind_text(st, 1, a);
	if (rc == SQLITE_OK && b)
		rc = pt_sql_bind_text(st, 2, b);
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
