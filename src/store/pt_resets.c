/* pt_resets.c - password resets waiting for a second admin's approval:
 * the SQL of table password_resets (migration 008), each write audited. */
#include "pt_resets.h"
#include "pt_store_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "pt_audit.h"
#include "pt_user_store.h"
#include "pt_users.h"

/* The statement table of this file. */
enum resets_stmt {
	ST_RESET_PUT,
	ST_RESET_GET,
	ST_RESET_DELETE,
	ST_RESET_SET_HASH,
	ST_RESET_END_SESSIONS,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_RESET_PUT] = "INSERT OR REPLACE INTO password_resets (user_id, password_hash, "
			 "requested_by, requested_by_name, requested, expires) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_RESET_GET] = "SELECT user_id, requested_by, requested_by_name, requested, expires, "
			 "password_hash FROM password_resets WHERE user_id = ?1",
	[ST_RESET_DELETE] = "DELETE FROM password_resets WHERE user_id = ?1",
	[ST_RESET_SET_HASH] = "UPDATE users SET password_hash = ?2 WHERE id = ?1",
	[ST_RESET_END_SESSIONS] = "DELETE FROM sessions WHERE user_id = ?1",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_RESETS, ST_COUNT, stmt_sql};

/* Run statement id binding one id. */
static enum pt_err exec_id(struct pt_db *db, enum resets_stmt id, long long user_id,
			   const char *what, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	if ((err = pt_db_prepare(db, &stmts, id, &st, d)) != PT_OK)
		return err;
	return pt_db_step_done(db, st, sqlite3_bind_int64(st, 1, user_id), what, d);
}

enum pt_err pt_db_password_reset_request(struct pt_db *db, long long user_id,
					 const char *user_name, const char *password,
					 long long requested_by, const char *requested_by_name,
					 int64_t now, int64_t expires, struct pt_diag *d)
{
	char hash[PT_PASSWORD_HASH_MAX];
	char detail[160];
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !user_name || !requested_by_name || expires <= now)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, user or requester");
	if ((err = pt_password_hash(password, password ? strlen(password) : 0, hash, sizeof hash,
				    d)) != PT_OK)
		return err;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		goto done;
	if ((err = pt_db_prepare(db, &stmts, ST_RESET_PUT, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, requested_by);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 4, requested_by_name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, expires);
	if ((err = pt_db_step_done(db, st, rc, "storing the pending password reset", d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail,
		 "password reset pending a second admin's approval (user named on a RED record); "
		 "expires in %llds", (long long)(expires - now));
	err = pt_audit_append(db, "user.password.request", "users", user_name, detail, d);
out:
	err = pt_db_end(db, err, d);
done:
	sodium_memzero(hash, sizeof hash);
	return err;
}

/* A password_resets row into row (a struct pt_password_reset), the hash into ctx when not NULL. */
static enum pt_err reset_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_password_reset *out = row;
	char *hash = ctx;
	(void)d;
	out->user_id = sqlite3_column_int64(st, 0);
	out->requested_by = sqlite3_column_int64(st, 1);
	pt_db_col_copy(st, 2, out->requested_by_name, sizeof out->requested_by_name);
	out->requested = sqlite3_column_int64(st, 3);
	out->expires = sqlite3_column_int64(st, 4);
	if (hash)
		pt_db_col_copy(st, 5, hash, PT_PASSWORD_HASH_MAX);
	return PT_OK;
}

/* Read the pending row of user_id (hash, of PT_PASSWORD_HASH_MAX bytes, when not NULL). */
static enum pt_err reset_read(struct pt_db *db, long long user_id, int64_t now,
			      struct pt_password_reset *out, char *hash, struct pt_diag *d)
{
	static const char what[] = "reading the pending password reset";
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	memset(out, 0, sizeof *out);
	if ((err = pt_db_prepare(db, &stmts, ST_RESET_GET, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, user_id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, what);
	}
	err = pt_db_row_one(db, st, reset_row, out, hash, what, d);
	if (err == PT_ENOTFOUND)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "password", "no password reset is pending");
	if (err != PT_OK)
		return err;
	if (now >= out->expires)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "password",
				   "the pending password reset has expired; set the password again");
	return PT_OK;
}

enum pt_err pt_db_password_reset_get(struct pt_db *db, long long user_id, int64_t now,
				     struct pt_password_reset *out, struct pt_diag *d)
{
	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	return reset_read(db, user_id, now, out, NULL, d);
}

enum pt_err pt_db_password_reset_apply(struct pt_db *db, long long user_id, const char *user_name,
				       int64_t now, struct pt_diag *d)
{
	struct pt_password_reset r;
	char hash[PT_PASSWORD_HASH_MAX];
	char detail[200];
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !user_name)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no user name");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = reset_read(db, user_id, now, &r, hash, d)) != PT_OK ||
	    (err = pt_db_prepare(db, &stmts, ST_RESET_SET_HASH, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	if ((err = pt_db_step_done(db, st, rc, "storing the password", d)) != PT_OK ||
	    (err = exec_id(db, ST_RESET_END_SESSIONS, user_id, "ending sessions", d)) != PT_OK ||
	    (err = exec_id(db, ST_RESET_DELETE, user_id, "removing the pending reset", d)) != PT_OK)
		goto out;
	/* the requester chose the password: it made the user (separation of duties) */
	if ((err = pt_db_user_maker_add(db, user_id, "password", r.requested_by_name, d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail,
		 "password reset by %s approved; password changed; sessions ended",
		 r.requested_by_name);
	err = pt_audit_append(db, "user.password.approve", "users", user_name, detail, d);
out:
	sodium_memzero(hash, sizeof hash);
	return pt_db_end(db, err, d);
}
