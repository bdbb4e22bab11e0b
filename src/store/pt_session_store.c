/* pt_session_store.c - log-in (argon2id checks, failure counts per user
 * name), sessions with CSRF tokens stored as hashes, log-out, in SQLite. */
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_audit.h"
#include "pt_session_store.h"
#include "pt_store_int.h"
#include "pt_user_store.h"

#define LOGIN_FAILURE_ROWS_MAX 100000 /* names whose failures are remembered */

/*
 * An argon2id hash (INTERACTIVE limits) of a fixed decoy: a log-in as an
 * unknown user is checked against it, so it costs what a wrong password
 * costs and the answer's timing does not tell which names exist.
 */
static const char DECOY_HASH[] =
	"$argon2id$v=19$m=65536,t=2,p=1$oGtjzts/tpmYiTHCy/iV+w$"
	"GsrSOAAN5uRyUr5cn3Yun+zXKyO3Rl4fvXQcrbMiUng";

/* The statement table of this file. */
enum session_stmt {
	ST_USER_HASH,
	ST_SESSION_ADD,
	ST_SESSION_GET,
	ST_SESSION_DELETE,
	ST_SESSIONS_PURGE,
	ST_FAIL_GET,
	ST_FAIL_PUT,
	ST_FAIL_CLEAR,
	ST_FAIL_PURGE,
	ST_FAIL_COUNT,
	ST_FAIL_TRIM,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_USER_HASH] = "SELECT password_hash FROM users WHERE name = ?1 COLLATE NOCASE",
	[ST_SESSION_ADD] = "INSERT INTO sessions (token_hash, user_id, csrf, created, expires) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_SESSION_GET] = "SELECT s.id, s.created, s.expires, s.csrf, " PT_DB_USER_COLUMNS
		"JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = ?1",
	[ST_SESSION_DELETE] = "DELETE FROM sessions WHERE id = ?1",
	[ST_SESSIONS_PURGE] = "DELETE FROM sessions WHERE expires <= ?1",
	[ST_FAIL_GET] = "SELECT failures, first_at, blocked_until FROM login_failures WHERE name = ?1",
	[ST_FAIL_PUT] = "INSERT INTO login_failures (name, failures, first_at, blocked_until) "
		"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET failures = excluded.failures, "
		"first_at = excluded.first_at, blocked_until = excluded.blocked_until",
	[ST_FAIL_CLEAR] = "DELETE FROM login_failures WHERE name = ?1",
	[ST_FAIL_PURGE] = "DELETE FROM login_failures WHERE first_at <= ?1 AND blocked_until <= ?2",
	[ST_FAIL_COUNT] = "SELECT count(*) FROM login_failures",
	[ST_FAIL_TRIM] = "DELETE FROM login_failures WHERE name IN (SELECT name FROM login_failures "
		"ORDER BY first_at LIMIT ?1)",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_SESSION, ST_COUNT, stmt_sql};

/* ---- helpers ------------------------------------------------------------- */

static enum pt_err sodium_ready(struct pt_diag *d)
{
	if (sodium_init() < 0)
		return pt_diag_set(d, PT_EINTERNAL, 0, "", "libsodium could not be initialised");
	return PT_OK;
}

/* The actor of the database, saved so a function may act as someone else for a moment. */
struct saved_actor {
	long long id, org;
	char name[PT_ACTOR_NAME_MAX];
	int64_t now;
};

static void actor_save(struct pt_db *db, struct saved_actor *a)
{
	const char *name;
	pt_db_actor(db, &a->id, &a->org, &name, &a->now);
	pt_strlcpy(a->name, name, sizeof a->name);
}

static void actor_restore(struct pt_db *db, const struct saved_actor *a)
{
	pt_db_set_actor(db, a->id, a->org, a->name, a->now);
}

/* ---- log-in and sessions --------------------------------------------------- */

/* A random 256-bit token as 43 base64url characters. */
static void new_token(char out[PT_TOKEN_TEXT_MAX])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, PT_TOKEN_TEXT_MAX, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

/* Nonzero when t looks like a token (43 base64url characters). */
static int token_shape_ok(const char *t)
{
	size_t i;
	if (!t || strnlen(t, PT_TOKEN_TEXT_MAX) != PT_TOKEN_TEXT_MAX - 1)
		return 0;
	for (i = 0; i < PT_TOKEN_TEXT_MAX - 1; i++) {
		char c = t[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* The stored form of a session token: BLAKE2b-256 as hex. */
static void token_hash(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/*
 * The key of name's failed log-ins: BLAKE2b-256 of the name folded to lower
 * case, as 43 base64url characters. The name as typed is never stored (people
 * type passwords there), and "Alice" and "alice" count together.
 */
static void failure_key(const char *name, char out[PT_TOKEN_TEXT_MAX])
{
	static const char context[] = "protect login failures v1:";
	unsigned char h[32];
	char folded[PT_USER_NAME_MAX];
	crypto_generichash_state state;
	size_t i, n = strnlen(name, PT_USER_NAME_MAX - 1);
	for (i = 0; i < n; i++)
		folded[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	crypto_generichash_init(&state, NULL, 0, sizeof h);
	crypto_generichash_update(&state, (const unsigned char *)context, sizeof context - 1);
	crypto_generichash_update(&state, (const unsigned char *)folded, n);
	crypto_generichash_final(&state, h, sizeof h);
	sodium_bin2base64(out, PT_TOKEN_TEXT_MAX, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(folded, sizeof folded);
}

/* The stored failures of name at now: seconds still blocked (0: free). */
static enum pt_err failures_wait(struct pt_db *db, const char *name, int64_t now, long *wait,
				 long long *failures, long long *first_at, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*wait = 0;
	*failures = 0;
	*first_at = 0;
	char key[PT_TOKEN_TEXT_MAX];
	if ((err = pt_db_prepare(db, &stmts, ST_FAIL_GET, &st, d)) != PT_OK)
		return err;
	failure_key(name, key);
	rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		long long blocked = sqlite3_column_int64(st, 2);
		*failures = sqlite3_column_int64(st, 0);
		*first_at = sqlite3_column_int64(st, 1);
		/* at most the window: a request whose clock was read before another's block
		 * was written would otherwise be told a second more than the window */
		if (blocked > now)
			*wait = blocked - now > PT_LOGIN_WINDOW_S ? (long)PT_LOGIN_WINDOW_S
								  : (long)(blocked - now);
	} else if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "reading failed log-ins");
	}
	sqlite3_reset(st);
	return err;
}

enum pt_err pt_db_login_wait(struct pt_db *db, const char *name, int64_t now, long *retry_after,
			     struct pt_diag *d)
{
	long long failures, first_at;
	if (!db || !retry_after)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*retry_after = 0;
	if (!pt_user_name_valid(name))
		return PT_OK;
	return failures_wait(db, name, now, retry_after, &failures, &first_at, d);
}

/*
 * Count a failed log-in of name at now, in its own write transaction (BEGIN
 * IMMEDIATE, so the read and the write are one step whatever the concurrency).
 * reserve: an attempt about to be checked; when the name is blocked,
 * PT_ELIMIT with *retry_after and nothing counted.
 */
static enum pt_err failure_count(struct pt_db *db, const char *name, int64_t now, int reserve,
				 long *retry_after, struct pt_diag *d)
{
	long long failures, first_at, rows = 0, blocked = 0;
	char key[PT_TOKEN_TEXT_MAX];
	sqlite3_stmt *st;
	enum pt_err err;
	long wait;
	int rc;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = failures_wait(db, name, now, &wait, &failures, &first_at, d)) != PT_OK)
		goto out;
	if (reserve && wait > 0) {
		*retry_after = wait;
		err = pt_diag_set(d, PT_ELIMIT, 0, "", "too many failed log-ins; try again in %ld second%s",
				  wait, wait == 1 ? "" : "s");
		goto out;
	}
	if (!failures || now - first_at >= PT_LOGIN_WINDOW_S) {
		failures = 0;
		first_at = now;
	}
	failures++;
	if (failures >= PT_LOGIN_FAILS_MAX)
		blocked = now + PT_LOGIN_WINDOW_S;
	/* Forget stale names, and keep the table bounded. */
	if ((err = pt_db_prepare(db, &stmts, ST_FAIL_PURGE, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, now - PT_LOGIN_WINDOW_S);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, now);
	if ((err = pt_db_step_done(db, st, rc, "forgetting old failures", d)) != PT_OK)
		goto out;
	if ((err = pt_db_prepare(db, &stmts, ST_FAIL_COUNT, &st, d)) != PT_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		rows = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rows >= LOGIN_FAILURE_ROWS_MAX) {
		if ((err = pt_db_prepare(db, &stmts, ST_FAIL_TRIM, &st, d)) != PT_OK ||
		    (err = pt_db_step_done(db, st,
				     sqlite3_bind_int64(st, 1, rows - LOGIN_FAILURE_ROWS_MAX + 1),
				     "forgetting old failures", d)) != PT_OK)
			goto out;
	}
	if ((err = pt_db_prepare(db, &stmts, ST_FAIL_PUT, &st, d)) != PT_OK)
		goto out;
	failure_key(name, key);
	rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, failures);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, first_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, blocked);
	err = pt_db_step_done(db, st, rc, "counting a failed log-in", d);
out:
	return pt_db_end(db, err, d);
}

/* Give back one attempt failure_count reserved for name (its own write transaction). */
static enum pt_err failure_release(struct pt_db *db, const char *name, int64_t now,
				   struct pt_diag *d)
{
	long long failures, first_at;
	char key[PT_TOKEN_TEXT_MAX];
	sqlite3_stmt *st;
	enum pt_err err;
	long wait;
	int rc;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = failures_wait(db, name, now, &wait, &failures, &first_at, d)) != PT_OK ||
	    failures <= 0)
		goto out;
	failures--;
	if ((err = pt_db_prepare(db, &stmts, ST_FAIL_PUT, &st, d)) != PT_OK)
		goto out;
	failure_key(name, key);
	rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, failures);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, first_at);
	/* Below the limit again: a block this attempt set is lifted. */
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, failures < PT_LOGIN_FAILS_MAX || wait <= 0 ? 0 : now + wait);
	err = pt_db_step_done(db, st, rc, "giving back a log-in attempt", d);
out:
	return pt_db_end(db, err, d);
}

/* Create the session of u at now for ttl seconds; the token into out->token. */
static enum pt_err session_create(struct pt_db *db, const struct pt_user *u, int64_t now,
				  int64_t ttl, struct pt_login *out, struct pt_diag *d)
{
	char hash[65], rid[32], detail[64], fkey[PT_TOKEN_TEXT_MAX];
	struct saved_actor saved;
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	new_token(out->token);
	new_token(out->session.csrf);
	token_hash(out->token, hash);
	out->session.user = *u;
	out->session.created = now;
	out->session.expires = now + ttl;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	failure_key(u->name, fkey);
	if ((err = pt_db_prepare(db, &stmts, ST_FAIL_CLEAR, &st, d)) != PT_OK ||
	    (err = pt_db_step_done(db, st, sqlite3_bind_text(st, 1, fkey, -1, SQLITE_TRANSIENT),
			     "clearing failed log-ins", d)) != PT_OK)
		goto out;
	if ((err = pt_db_prepare(db, &stmts, ST_SESSION_ADD, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, u->id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, out->session.csrf, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, now + ttl);
	if ((err = pt_db_step_done(db, st, rc, "creating a session", d)) != PT_OK)
		goto out;
	out->session.id = pt_db_last_id(db);
	/* The log-in is the user's own act. */
	actor_save(db, &saved);
	pt_db_set_actor(db, u->id, u->org_id, u->name, now);
	snprintf(rid, sizeof rid, "%lld", out->session.id);
	snprintf(detail, sizeof detail, "session until %lld", (long long)(now + ttl));
	err = pt_audit_append(db, "session.login", "sessions", rid, detail, d);
	actor_restore(db, &saved);
out:
	sodium_memzero(hash, sizeof hash);
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_login(struct pt_db *db, const char *name, const char *password, int64_t now,
			int64_t ttl, struct pt_login *out, struct pt_diag *d)
{
	struct pt_user u;
	enum pt_err err;
	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	memset(out, 0, sizeof *out);
	if (ttl > PT_SESSION_TTL_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "ttl", "a session lasts at most %d seconds",
				   PT_SESSION_TTL_MAX);
	if ((err = pt_db_login_password(db, name, password, now, &u, &out->retry_after, d)) != PT_OK)
		return err;
	return pt_db_session_open(db, &u, now, ttl, out, d);
}

enum pt_err pt_db_session_open(struct pt_db *db, const struct pt_user *u, int64_t now,
			       int64_t ttl, struct pt_login *out, struct pt_diag *d)
{
	if (!db || !u || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, user or output");
	memset(out, 0, sizeof *out);
	if ((ttl <= 0 ? (ttl = PT_SESSION_TTL_DEFAULT) : ttl) > PT_SESSION_TTL_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "ttl", "a session lasts at most %d seconds",
				   PT_SESSION_TTL_MAX);
	return session_create(db, u, now, ttl, out, d);
}

enum pt_err pt_db_login_fail(struct pt_db *db, const char *name, int64_t now, struct pt_diag *d)
{
	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	return pt_user_name_valid(name) ? failure_count(db, name, now, 0, NULL, d) : PT_OK;
}

enum pt_err pt_db_login_reserve(struct pt_db *db, const char *name, int64_t now, long *retry_after,
				struct pt_diag *d)
{
	if (!db || !retry_after)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*retry_after = 0;
	return pt_user_name_valid(name) ? failure_count(db, name, now, 1, retry_after, d) : PT_OK;
}

enum pt_err pt_db_login_release(struct pt_db *db, const char *name, int64_t now, struct pt_diag *d)
{
	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	return pt_user_name_valid(name) ? failure_release(db, name, now, d) : PT_OK;
}

enum pt_err pt_db_login_password(struct pt_db *db, const char *name, const char *password,
				 int64_t now, struct pt_user *user, long *retry_after,
				 struct pt_diag *d)
{
	char hash[PT_PASSWORD_HASH_MAX];
	sqlite3_stmt *st;
	size_t plen;
	enum pt_err err;
	int rc, known = 0, match, counted = 0;

	if (!db || !user || !retry_after)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	memset(user, 0, sizeof *user);
	*retry_after = 0;
	if ((err = sodium_ready(d)) != PT_OK)
		return err;
	plen = password ? strnlen(password, PT_PASSWORD_MAX + 1) : 0;
	if (pt_user_name_valid(name)) {
		/* The attempt is counted before the password is checked (a failure until it
		 * proves right), so parallel guesses never get past the limit. */
		if ((err = failure_count(db, name, now, 1, retry_after, d)) != PT_OK)
			return err;
		counted = 1;
		if ((err = pt_db_prepare(db, &stmts, ST_USER_HASH, &st, d)) != PT_OK)
			goto give_back;
		rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			known = pt_db_col_text(st, 0, hash, sizeof hash, d) == PT_OK;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			err = pt_db_fail(db, rc, d, "reading a user");
			goto give_back;
		}
	}
	/* The same argon2id work whether or not the user exists. */
	match = pt_password_verify(known ? hash : DECOY_HASH, password ? password : "",
				   plen <= PT_PASSWORD_MAX ? plen : 0) &&
		known && plen <= PT_PASSWORD_MAX;
	sodium_memzero(hash, sizeof hash);
	if (!match) /* counted already */
		return pt_diag_set(d, PT_ENOTFOUND, 0, "", "wrong user name or password");
	if ((err = pt_db_user_lookup(db, name, 0, user, d)) != PT_OK)
		goto give_back;
	/* The right password: its attempt is given back. */
	if ((err = failure_release(db, name, now, d)) != PT_OK)
		memset(user, 0, sizeof *user);
	return err;
give_back:
	if (counted)
		failure_release(db, name, now, NULL);
	return err;
}

enum pt_err pt_db_session_get(struct pt_db *db, const char *token, int64_t now,
			      struct pt_session *out, struct pt_diag *d)
{
	char hash[65];
	sqlite3_stmt *st;
	enum pt_err err;
	long long id = 0;
	int rc, expired = 0;

	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	memset(out, 0, sizeof *out);
	if (!token_shape_ok(token))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "", "no such session");
	token_hash(token, hash);
	if ((err = pt_db_prepare(db, &stmts, ST_SESSION_GET, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		out->id = id;
		out->created = sqlite3_column_int64(st, 1);
		out->expires = sqlite3_column_int64(st, 2);
		if ((err = pt_db_col_text(st, 3, out->csrf, sizeof out->csrf, d)) == PT_OK)
			err = pt_db_user_from_row(st, 4, &out->user, d);
		expired = out->expires <= now;
	} else if (rc == SQLITE_DONE) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "", "no such session");
	} else {
		err = pt_db_fail(db, rc, d, "reading a session");
	}
	sqlite3_reset(st);
	if (err == PT_OK && expired) {
		memset(out, 0, sizeof *out);
		if (!pt_db_in_transaction(db) && pt_db_prepare(db, &stmts, ST_SESSION_DELETE, &st, NULL) == PT_OK)
			pt_db_step_done(db, st, sqlite3_bind_int64(st, 1, id), "", NULL);
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "", "the session has expired");
	}
	if (err != PT_OK)
		memset(out, 0, sizeof *out);
	return err;
}

enum pt_err pt_db_session_delete(struct pt_db *db, const char *token, struct pt_diag *d)
{
	struct pt_session s;
	struct saved_actor saved;
	sqlite3_stmt *st;
	char rid[32];
	enum pt_err err;
	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	/* Expired or not: any stored session of this token. */
	if ((err = pt_db_session_get(db, token, INT64_MIN, &s, d)) != PT_OK)
		goto out;
	if ((err = pt_db_prepare(db, &stmts, ST_SESSION_DELETE, &st, d)) != PT_OK ||
	    (err = pt_db_step_done(db, st, sqlite3_bind_int64(st, 1, s.id), "ending a session", d)) !=
		    PT_OK)
		goto out;
	actor_save(db, &saved);
	pt_db_set_actor(db, s.user.id, s.user.org_id, s.user.name, saved.now);
	snprintf(rid, sizeof rid, "%lld", s.id);
	err = pt_audit_append(db, "session.logout", "sessions", rid, "", d);
	actor_restore(db, &saved);
out:
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_sessions_purge(struct pt_db *db, int64_t now, size_t *removed,
				 struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	if (removed)
		*removed = 0;
	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if ((err = pt_db_prepare(db, &stmts, ST_SESSIONS_PURGE, &st, d)) != PT_OK)
		return err;
	err = pt_db_step_done(db, st, sqlite3_bind_int64(st, 1, now), "removing expired sessions", d);
	if (err == PT_OK && removed)
		*removed = (size_t)pt_db_changes(db);
	return err;
}

int pt_session_csrf_ok(const struct pt_session *s, const char *token)
{
	if (!s || !token || !s->csrf[0] || strnlen(token, PT_TOKEN_TEXT_MAX) != strlen(s->csrf))
		return 0;
	return sodium_memcmp(s->csrf, token, strlen(s->csrf)) == 0;
}
