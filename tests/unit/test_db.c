/* test_db.c - unit tests of the registry's connection (src/store/pt_db.c) when
 * another connection holds the write lock: busy is PT_EBUSY, rolled back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/pt_diag.h"
#include "pt_test.h"
#include "store/pt_db.h"
#include "store/pt_store_int.h"

#define TEST_BUSY_WAIT_MS 50 /* keep the tests quick: the wait itself is SQLite's */

static char tmpdir[64];
static char path[128];

static void remove_db(const char *p)
{
	char buf[256];
	remove(p);
	snprintf(buf, sizeof buf, "%s-wal", p);
	remove(buf);
	snprintf(buf, sizeof buf, "%s-shm", p);
	remove(buf);
	snprintf(buf, sizeof buf, "%s.key", p);
	remove(buf);
}

/* A registry file with a scratch table, and two connections to it. */
static int open_two(struct pt_db **a, struct pt_db **b)
{
	struct pt_diag d = PT_DIAG_INIT;
	*a = *b = NULL;
	snprintf(path, sizeof path, "%s/busy.db", tmpdir);
	remove_db(path);
	CHECK_INT(pt_db_open(path, 1, a, &d), PT_OK);
	if (!*a)
		return 0;
	CHECK_INT(sqlite3_exec(pt_db_sqlite(*a), "CREATE TABLE scratch (x INTEGER)", NULL, NULL, NULL),
		  SQLITE_OK);
	CHECK_INT(pt_db_open(path, 0, b, &d), PT_OK);
	if (!*b) {
		pt_db_close(*a);
		return 0;
	}
	pt_db_set_busy_wait(*a, TEST_BUSY_WAIT_MS);
	pt_db_set_busy_wait(*b, TEST_BUSY_WAIT_MS);
	return 1;
}

static void close_two(struct pt_db *a, struct pt_db *b)
{
	pt_db_close(a);
	pt_db_close(b);
	remove_db(path);
}

/* Insert x into the scratch table through db, SQLite's failure mapped by the store. */
static enum pt_err scratch_insert(struct pt_db *db, int x, struct pt_diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(pt_db_sqlite(db), "INSERT INTO scratch (x) VALUES (?1)", -1, &st,
				    NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 1, x);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? PT_OK : pt_db_fail(db, rc, d, "inserting");
}

static long long scratch_count(struct pt_db *db)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;
	if (sqlite3_prepare_v2(pt_db_sqlite(db), "SELECT count(*) FROM scratch", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_busy_error_kind(void)
{
	CHECK_INT(pt_err_exit_status(PT_EBUSY), 75);
	CHECK(strstr(pt_strerror(PT_EBUSY), "the registry is busy") != NULL);
	CHECK(strstr(pt_strerror(PT_EBUSY), "nothing was changed") != NULL);
	CHECK_STR(pt_err_name(PT_EBUSY), "PT_EBUSY");
	CHECK_STR(pt_err_name(PT_EDB), "PT_EDB");
	CHECK(PT_BUSY_WAIT_MS > 0 && PT_BUSY_WAIT_MS <= PT_BUSY_WAIT_MAX_MS);
}

/* Every busy or locked result code, extended ones too, is PT_EBUSY; other failures are not. */
static void test_err_of_busy_codes(void)
{
	struct pt_diag d = PT_DIAG_INIT;
	CHECK_INT(pt_db_err_of(SQLITE_BUSY), PT_EBUSY);
	CHECK_INT(pt_db_err_of(SQLITE_BUSY_SNAPSHOT), PT_EBUSY);
	CHECK_INT(pt_db_err_of(SQLITE_BUSY_RECOVERY), PT_EBUSY);
	CHECK_INT(pt_db_err_of(SQLITE_BUSY_TIMEOUT), PT_EBUSY);
	CHECK_INT(pt_db_err_of(SQLITE_LOCKED), PT_EBUSY);
	CHECK_INT(pt_db_err_of(SQLITE_LOCKED_SHAREDCACHE), PT_EBUSY);
	CHECK_INT(pt_db_err_of(SQLITE_IOERR), PT_EDB);
	CHECK_INT(pt_db_err_of(SQLITE_CORRUPT), PT_EDB);
	CHECK_INT(pt_db_err_of(SQLITE_FULL), PT_EDB);
	/* The message is the same for every busy, with no line even for a row of a file. */
	CHECK_INT(pt_db_fail_at(NULL, SQLITE_BUSY_SNAPSHOT, &d, 12, "writing a site"), PT_EBUSY);
	CHECK_STR(d.msg, pt_strerror(PT_EBUSY));
	CHECK_INT(d.line, 0);
	CHECK_STR(d.field, "");
}

static enum pt_err write_one(struct pt_db *db, void *ctx)
{
	int *called = ctx;
	struct pt_diag d = PT_DIAG_INIT;
	(*called)++;
	return scratch_insert(db, 7, &d);
}

/* While a holds the write lock, b's BEGIN IMMEDIATE waits, then is PT_EBUSY; nothing of b's is written. */
static void test_begin_while_locked(void)
{
	struct pt_db *a, *b;
	struct pt_diag d = PT_DIAG_INIT;
	int called = 0;
	if (!open_two(&a, &b))
		return;
	CHECK_INT(pt_db_begin(a, &d), PT_OK);
	CHECK_INT(scratch_insert(a, 1, &d), PT_OK);

	CHECK_INT(pt_db_begin(b, &d), PT_EBUSY);
	CHECK_STR(d.msg, pt_strerror(PT_EBUSY));
	CHECK_INT(pt_db_in_transaction(b), 0);
	pt_diag_clear(&d);
	CHECK_INT(pt_db_transaction(b, write_one, &called, &d), PT_EBUSY);
	CHECK_INT(called, 0);
	CHECK_STR(d.msg, pt_strerror(PT_EBUSY));
	CHECK_INT(pt_db_in_transaction(b), 0);
	/* A write outside any transaction is busy too. */
	CHECK_INT(scratch_insert(b, 2, &d), PT_EBUSY);

	CHECK_INT(pt_db_end(a, PT_OK, &d), PT_OK);
	/* The lock is free again: the retry is made. */
	CHECK_INT(pt_db_transaction(b, write_one, &called, &d), PT_OK);
	CHECK_INT(called, 1);
	CHECK_INT(scratch_count(a), 2); /* a's 1 and b's retried 7, nothing of the busy attempts */
	close_two(a, b);
}

/*
 * b read the registry in a read transaction, a committed a write since: b's
 * write in that transaction is SQLITE_BUSY_SNAPSHOT (no wait helps), which
 * is PT_EBUSY, and ending it rolls b back so a retry starts afresh.
 */
static void test_stale_snapshot(void)
{
	struct pt_db *a, *b;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	if (!open_two(&a, &b))
		return;
	CHECK_INT(pt_db_begin_read(b, &d), PT_OK);
	CHECK_INT(scratch_count(b), 0); /* b's snapshot starts here */
	CHECK_INT(pt_db_begin(a, &d), PT_OK);
	CHECK_INT(scratch_insert(a, 1, &d), PT_OK);
	CHECK_INT(pt_db_end(a, PT_OK, &d), PT_OK);

	CHECK_INT(pt_db_begin(b, &d), PT_OK); /* a savepoint inside b's read transaction */
	err = scratch_insert(b, 2, &d);
	CHECK_INT(err, PT_EBUSY);
	CHECK_STR(d.msg, pt_strerror(PT_EBUSY));
	CHECK_INT(pt_db_end(b, err, &d), PT_EBUSY);
	CHECK_INT(pt_db_end(b, PT_EBUSY, &d), PT_EBUSY);
	CHECK_INT(pt_db_in_transaction(b), 0);
	CHECK_INT(sqlite3_get_autocommit(pt_db_sqlite(b)), 1);

	/* Retried in a fresh transaction, the write is made. */
	CHECK_INT(pt_db_begin(b, &d), PT_OK);
	CHECK_INT(scratch_insert(b, 2, &d), PT_OK);
	CHECK_INT(pt_db_end(b, PT_OK, &d), PT_OK);
	CHECK_INT(scratch_count(a), 2);
	close_two(a, b);
}

/* Opening a registry that needs no migration reads only: it works while another connection writes. */
static void test_open_while_locked(void)
{
	struct pt_db *a, *b, *c = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	if (!open_two(&a, &b))
		return;
	CHECK_INT(pt_db_begin(a, &d), PT_OK);
	CHECK_INT(pt_db_open(path, 0, &c, &d), PT_OK);
	pt_db_close(c);
	CHECK_INT(pt_db_end(a, PT_OK, &d), PT_OK);
	close_two(a, b);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/pt_test_db_XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_busy_error_kind);
	RUN(test_err_of_busy_codes);
	RUN(test_begin_while_locked);
	RUN(test_stale_snapshot);
	RUN(test_open_while_locked);
	rmdir(tmpdir);
	return TEST_SUMMARY("db");
}
