/* pt_second_factor_store.c - the second factor at log-in in SQLite (migration
 * 011): log-in settings, TOTP secrets, recovery codes (hashed), pending log-ins. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "pt_audit.h"
#include "pt_second_factor_store.h"
#include "pt_store_int.h"

/* The statement table of this file. */
enum sf_stmt {
	ST_SETTING_GET,
	ST_SETTING_PUT,
	ST_TOTP_GET,
	ST_TOTP_PUT,
	ST_TOTP_STEP,
	ST_TOTP_CONFIRM,
	ST_CODES_CLEAR,
	ST_CODE_ADD,
	ST_CODE_USE,
	ST_CODES_COUNT,
	ST_TOTP_DELETE,
	ST_PENDING_OF_USER_DELETE,
	ST_SESSIONS_OF_USER_DELETE,
	ST_PENDING_ADD,
	ST_PENDING_GET,
	ST_PENDING_DELETE,
	ST_PENDING_PURGE,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_SETTING_GET] = "SELECT value FROM auth_settings WHERE key = ?1",
	[ST_SETTING_PUT] = "INSERT INTO auth_settings (key, value) VALUES (?1, ?2) "
		"ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_TOTP_GET] = "SELECT secret, confirmed, last_step FROM user_totp WHERE user_id = ?1",
	[ST_TOTP_PUT] = "INSERT INTO user_totp (user_id, secret, confirmed, last_step, created) "
		"VALUES (?1, ?2, 0, -1, ?3) ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, "
		"last_step = -1, created = excluded.created WHERE confirmed = 0",
	[ST_TOTP_STEP] = "UPDATE user_totp SET last_step = ?2 WHERE user_id = ?1 AND last_step < ?2",
	[ST_TOTP_CONFIRM] = "UPDATE user_totp SET confirmed = 1 WHERE user_id = ?1",
	[ST_CODES_CLEAR] = "DELETE FROM recovery_codes WHERE user_id = ?1",
	[ST_CODE_ADD] = "INSERT OR IGNORE INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)",
	[ST_CODE_USE] = "DELETE FROM recovery_codes WHERE user_id = ?1 AND code_hash = ?2",
	[ST_CODES_COUNT] = "SELECT count(*) FROM recovery_codes WHERE user_id = ?1",
	[ST_TOTP_DELETE] = "DELETE FROM user_totp WHERE user_id = ?1",
	[ST_PENDING_OF_USER_DELETE] = "DELETE FROM login_pending WHERE user_id = ?1",
	[ST_SESSIONS_OF_USER_DELETE] = "DELETE FROM sessions WHERE user_id = ?1",
	[ST_PENDING_ADD] = "INSERT INTO login_pending (token_hash, user_id, created, expires) "
		"VALUES (?1, ?2, ?3, ?4)",
	[ST_PENDING_GET] = "SELECT user_id, expires FROM login_pending WHERE token_hash = ?1",
	[ST_PENDING_DELETE] = "DELETE FROM login_pending WHERE token_hash = ?1",
	[ST_PENDING_PURGE] = "DELETE FROM login_pending WHERE expires <= ?1",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_SECOND_FACTOR, ST_COUNT, stmt_sql};

/* ---- helpers --------------------------------------------------------------- */

/* Run statement which with one integer parameter to its end. */
static enum pt_err run_id(struct pt_db *db, enum sf_stmt which, long long id, const char *what,
			  struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	if ((err = pt_db_prepare(db, &stmts, which, &st, d)) != PT_OK)
		return err;
	return pt_db_step_done(db, st, sqlite3_bind_int64(st, 1, id), what, d);
}

/* Append an audit entry as user (id, name) at the actor's time, the actor kept. */
static enum pt_err audit_as(struct pt_db *db, long long user_id, const char *user_name,
			    const char *action, const char *detail, struct pt_diag *d)
{
	long long id, org;
	const char *name;
	char saved[PT_ACTOR_NAME_MAX];
	int64_t now;
	enum pt_err err;
	struct pt_user u;
	pt_db_actor(db, &id, &org, &name, &now);
	pt_strlcpy(saved, name ? name : "", sizeof saved);
	if ((err = pt_db_user_lookup(db, NULL, user_id, &u, d)) != PT_OK)
		return err;
	pt_db_set_actor(db, user_id, u.org_id, user_name, now);
	err = pt_audit_append(db, action, "users", user_name, detail, d);
	pt_db_set_actor(db, id, org, saved, now);
	return err;
}

/* The stored form of a pending token: BLAKE2b-256 as hex. */
static void token_hash(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* ---- settings ---------------------------------------------------------------- */

enum pt_err pt_db_auth_setting(struct pt_db *db, const char *key, char *value, size_t cap,
			       struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !key || !value || !cap)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, key or output");
	value[0] = '\0';
	if ((err = pt_db_prepare(db, &stmts, ST_SETTING_GET, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		err = pt_db_col_text(st, 0, value, cap, d);
	else if (rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, "reading a log-in setting");
	sqlite3_reset(st);
	return err;
}

enum pt_err pt_db_auth_setting_set(struct pt_db *db, const char *key, const char *value,
				   int only_if_absent, struct pt_diag *d)
{
	char old[64], detail[128];
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !key || !value)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, key or value");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_auth_setting(db, key, old, sizeof old, d)) != PT_OK)
		goto out;
	if ((only_if_absent && old[0]) || strcmp(old, value) == 0)
		goto out;
	if ((err = pt_db_prepare(db, &stmts, ST_SETTING_PUT, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if ((err = pt_db_step_done(db, st, rc, "storing a log-in setting", d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail, "%s: %s -> %s", key, old[0] ? old : "(unset)", value);
	err = pt_audit_append(db, "registry.login_setting", "auth_settings", key, detail, d);
out:
	return pt_db_end(db, err, d);
}

/* ---- TOTP and recovery codes ---------------------------------------------------- */

enum pt_err pt_db_totp_get(struct pt_db *db, long long user_id, struct pt_totp_row *out,
			   struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	memset(out, 0, sizeof *out);
	if ((err = pt_db_prepare(db, &stmts, ST_TOTP_GET, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		err = pt_db_col_text(st, 0, out->secret, sizeof out->secret, d);
		out->confirmed = sqlite3_column_int(st, 1) == 1;
		out->last_step = sqlite3_column_int64(st, 2);
	} else if (rc == SQLITE_DONE) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "", "no second factor");
	} else {
		err = pt_db_fail(db, rc, d, "reading a second factor");
	}
	sqlite3_reset(st);
	if (err != PT_OK)
		sodium_memzero(out, sizeof *out);
	return err;
}

enum pt_err pt_db_totp_begin(struct pt_db *db, long long user_id, const char *secret, int64_t now,
			     struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !secret)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no secret");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(db, &stmts, ST_TOTP_PUT, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, secret, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, now);
	if ((err = pt_db_step_done(db, st, rc, "storing a second factor", d)) != PT_OK)
		goto out;
	if (pt_db_changes(db) == 0)
		err = pt_diag_set(d, PT_ECONFLICT, 0, "",
				  "a second factor is set up already; an admin resets it first "
				  "(protect user reset-2fa NAME)");
out:
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_totp_accept(struct pt_db *db, long long user_id, const char *user_name,
			      long long step, const char *const *hashes, size_t n, int *accepted,
			      struct pt_diag *d)
{
	struct pt_totp_row row;
	sqlite3_stmt *st;
	enum pt_err err;
	char detail[64];
	size_t i;
	int rc;
	if (!db || !accepted || !user_name || (n && !hashes))
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, user or output");
	*accepted = 0;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_totp_get(db, user_id, &row, d)) != PT_OK)
		goto out;
	if ((err = pt_db_prepare(db, &stmts, ST_TOTP_STEP, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, step);
	if ((err = pt_db_step_done(db, st, rc, "recording a code", d)) != PT_OK)
		goto out;
	if (pt_db_changes(db) != 1)
		goto out; /* this step or a later one was used already: a replay */
	*accepted = 1;
	if (row.confirmed)
		goto out;
	if ((err = run_id(db, ST_TOTP_CONFIRM, user_id, "confirming a second factor", d)) != PT_OK ||
	    (err = run_id(db, ST_CODES_CLEAR, user_id, "replacing recovery codes", d)) != PT_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if ((err = pt_db_prepare(db, &stmts, ST_CODE_ADD, &st, d)) != PT_OK)
			goto out;
		rc = sqlite3_bind_int64(st, 1, user_id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, hashes[i], -1, SQLITE_STATIC);
		if ((err = pt_db_step_done(db, st, rc, "storing a recovery code", d)) != PT_OK)
			goto out;
	}
	snprintf(detail, sizeof detail, "TOTP enrolled; %zu recovery codes", n);
	err = audit_as(db, user_id, user_name, "user.second_factor.enrol", detail, d);
out:
	if (err != PT_OK)
		*accepted = 0;
	sodium_memzero(&row, sizeof row);
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_recovery_codes_left(struct pt_db *db, long long user_id, size_t *n,
				      struct pt_diag *d)
{
	long long count = 0;
	enum pt_err err;
	sqlite3_stmt *st;
	int rc;
	if (!db || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_CODES_COUNT, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		count = sqlite3_column_int64(st, 0);
	else
		err = pt_db_fail(db, rc, d, "counting recovery codes");
	sqlite3_reset(st);
	*n = count > 0 ? (size_t)count : 0;
	return err;
}

enum pt_err pt_db_recovery_code_use(struct pt_db *db, long long user_id, const char *user_name,
				    const char *hash, int *accepted, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	char detail[64];
	size_t left = 0;
	int rc;
	if (!db || !hash || !accepted || !user_name)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, code or output");
	*accepted = 0;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(db, &stmts, ST_CODE_USE, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	if ((err = pt_db_step_done(db, st, rc, "using a recovery code", d)) != PT_OK ||
	    pt_db_changes(db) != 1)
		goto out;
	if ((err = pt_db_recovery_codes_left(db, user_id, &left, d)) != PT_OK)
		goto out;
	*accepted = 1;
	snprintf(detail, sizeof detail, "recovery code used; %zu left", left);
	err = audit_as(db, user_id, user_name, "user.second_factor.recovery", detail, d);
out:
	if (err != PT_OK)
		*accepted = 0;
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_second_factor_reset(struct pt_db *db, const char *name, int *removed,
				      struct pt_diag *d)
{
	struct pt_totp_row row;
	struct pt_user u;
	size_t codes = 0;
	enum pt_err err;
	int has_totp = 0;
	if (removed)
		*removed = 0;
	if (!db || !name)
		return pt_diag_set(d, PT_EINVAL, 0, "name", "no database or no user name");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_user_lookup(db, name, 0, &u, d)) != PT_OK)
		goto out;
	/* nothing to reset: no change, no audit entry */
	err = pt_db_totp_get(db, u.id, &row, d);
	sodium_memzero(&row, sizeof row);
	if (err == PT_OK)
		has_totp = 1;
	else if (err != PT_ENOTFOUND)
		goto out;
	if (d)
		pt_diag_clear(d);
	if ((err = pt_db_recovery_codes_left(db, u.id, &codes, d)) != PT_OK)
		goto out;
	if (!has_totp && !codes)
		goto out;
	if ((err = run_id(db, ST_TOTP_DELETE, u.id, "removing a second factor", d)) != PT_OK ||
	    (err = run_id(db, ST_CODES_CLEAR, u.id, "removing recovery codes", d)) != PT_OK ||
	    (err = run_id(db, ST_PENDING_OF_USER_DELETE, u.id, "removing pending log-ins", d)) !=
		    PT_OK ||
	    (err = run_id(db, ST_SESSIONS_OF_USER_DELETE, u.id, "ending sessions", d)) != PT_OK)
		goto out;
	err = pt_audit_append(db, "user.second_factor.reset", "users", u.name,
			      "second factor and recovery codes removed; sessions ended", d);
	if (err == PT_OK && removed)
		*removed = 1;
out:
	return pt_db_end(db, err, d);
}

/* ---- pending log-ins ------------------------------------------------------------- */

enum pt_err pt_db_login_pending_add(struct pt_db *db, long long user_id, int64_t now,
				    char token[PT_TOKEN_TEXT_MAX], struct pt_diag *d)
{
	unsigned char raw[32];
	char hash[65];
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !token)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	if (sodium_init() < 0)
		return pt_diag_set(d, PT_EINTERNAL, 0, "", "libsodium could not be initialised");
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, PT_TOKEN_TEXT_MAX, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	token_hash(token, hash);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = run_id(db, ST_PENDING_PURGE, now, "forgetting old pending log-ins", d)) != PT_OK ||
	    (err = pt_db_prepare(db, &stmts, ST_PENDING_ADD, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, now + PT_LOGIN_PENDING_TTL_S);
	err = pt_db_step_done(db, st, rc, "storing a pending log-in", d);
out:
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_login_pending_get(struct pt_db *db, const char *token, int64_t now,
				    long long *user_id, struct pt_diag *d)
{
	char hash[65];
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !user_id)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*user_id = 0;
	if (!token || strnlen(token, PT_TOKEN_TEXT_MAX) != PT_TOKEN_TEXT_MAX - 1)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "pending_token", "no such pending log-in");
	token_hash(token, hash);
	if ((err = pt_db_prepare(db, &stmts, ST_PENDING_GET, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 1) > now)
		*user_id = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "pending_token",
				  "the log-in has expired; log in again");
	else
		err = pt_db_fail(db, rc, d, "reading a pending log-in");
	sqlite3_reset(st);
	return err;
}

enum pt_err pt_db_login_pending_delete(struct pt_db *db, const char *token, struct pt_diag *d)
{
	char hash[65];
	sqlite3_stmt *st;
	enum pt_err err;
	if (!db || !token)
		return PT_OK;
	token_hash(token, hash);
	if ((err = pt_db_prepare(db, &stmts, ST_PENDING_DELETE, &st, d)) != PT_OK)
		return err;
	return pt_db_step_done(db, st, sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC),
			       "forgetting a pending log-in", d);
}
