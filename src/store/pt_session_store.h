/* pt_session_store.h - log-in with stored failure counts (throttling per
 * user name), sessions with CSRF tokens, log-out. */
#ifndef PT_SESSION_STORE_H
#define PT_SESSION_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_err.h"
#include "../core/pt_records.h"
#include "pt_db.h"

#define PT_SESSION_TTL_DEFAULT (8 * 3600) /**< seconds a session lives when not told otherwise */
#define PT_SESSION_TTL_MAX (30 * 86400)   /**< longest session, seconds */

/* Failed log-ins, stored per user name (known or not; folded to lower case and kept
 * only as a hash, never as typed). */
#define PT_LOGIN_FAILS_MAX 5    /**< failures within the window that block the name */
#define PT_LOGIN_WINDOW_S 300   /**< the window and the block, seconds */

/* ---- log-in and sessions ------------------------------------------------ */

/**
 * Log in user name with password at time now (unix seconds) for ttl
 * seconds (0: PT_SESSION_TTL_DEFAULT; at most PT_SESSION_TTL_MAX):
 * - PT_OK: a new session in out (random 256-bit token and CSRF token from
 *   libsodium; the token is stored as its BLAKE2b hash), the name's failure
 *   count cleared, audited ("session.login").
 * - PT_ENOTFOUND: unknown user or wrong password (the same code and message
 *   "wrong user name or password" for both, after the same argon2id work);
 *   the failure is counted for the name.
 * - PT_ELIMIT: the name had PT_LOGIN_FAILS_MAX failures within
 *   PT_LOGIN_WINDOW_S seconds; out->retry_after says how long to wait. The
 *   password is not checked. Nothing ever sleeps.
 */
enum pt_err pt_db_login(struct pt_db *db, const char *name, const char *password, int64_t now,
			int64_t ttl, struct pt_login *out, struct pt_diag *d);

/**
 * The first half of pt_db_login: the throttle and the password, no session.
 * PT_OK: the user (its stored name, whatever the case typed) into *user.
 * PT_ENOTFOUND and PT_ELIMIT (*retry_after) as pt_db_login; a failure is
 * counted for the name folded to lower case (stored only as a hash). The
 * attempt is reserved (pt_db_login_reserve) before the password is checked
 * and given back when it is right, so concurrent guesses never pass the limit.
 */
enum pt_err pt_db_login_password(struct pt_db *db, const char *name, const char *password,
				 int64_t now, struct pt_user *user, long *retry_after,
				 struct pt_diag *d);

/**
 * The second half of pt_db_login: a new session of user u at now for ttl
 * seconds (0: the default), the name's failures cleared, audited
 * ("session.login").
 */
enum pt_err pt_db_session_open(struct pt_db *db, const struct pt_user *u, int64_t now,
			       int64_t ttl, struct pt_login *out, struct pt_diag *d);

/** Count a failed log-in step (a wrong second factor) for user name at now. */
enum pt_err pt_db_login_fail(struct pt_db *db, const char *name, int64_t now, struct pt_diag *d);

/**
 * Reserve one log-in attempt of user name at now before its secret (a
 * password, a second factor's code) is checked: in one write transaction
 * (BEGIN IMMEDIATE), PT_ELIMIT with *retry_after when the name is blocked
 * (nothing counted), else the attempt counted as a failure (the
 * PT_LOGIN_FAILS_MAX-th within the window blocks the name). A right secret
 * then clears the count (pt_db_session_open) or gives the attempt back
 * (pt_db_login_release); a wrong one leaves it counted. So no more than
 * PT_LOGIN_FAILS_MAX wrong secrets are ever checked per window, however
 * many requests run at once. A name that is not valid is never counted.
 */
enum pt_err pt_db_login_reserve(struct pt_db *db, const char *name, int64_t now, long *retry_after,
				struct pt_diag *d);

/**
 * Give back an attempt pt_db_login_reserve counted for name (its secret was
 * right, or it was never checked): the count less one, and a block lifted
 * when the count is below the limit again.
 */
enum pt_err pt_db_login_release(struct pt_db *db, const char *name, int64_t now, struct pt_diag *d);

/**
 * Seconds user name must still wait at now before a log-in is tried
 * (0: it may try), from the stored failure counts.
 */
enum pt_err pt_db_login_wait(struct pt_db *db, const char *name, int64_t now, long *retry_after,
			     struct pt_diag *d);

/**
 * The session of token at now into *out. PT_ENOTFOUND when there is none
 * or it has expired (an expired one is deleted unless a transaction is
 * open; pt_db_sessions_purge removes the rest).
 */
enum pt_err pt_db_session_get(struct pt_db *db, const char *token, int64_t now,
			      struct pt_session *out, struct pt_diag *d);

/** Log out: delete the session of token (PT_ENOTFOUND if none). Audited ("session.logout"). */
enum pt_err pt_db_session_delete(struct pt_db *db, const char *token, struct pt_diag *d);

/** Delete every session expired at now; *removed (may be NULL) counts them. Not audited. */
enum pt_err pt_db_sessions_purge(struct pt_db *db, int64_t now, size_t *removed,
				 struct pt_diag *d);

/** Nonzero when token equals the session's CSRF token (constant-time compare; NULL: 0). */
int pt_session_csrf_ok(const struct pt_session *s, const char *token);

#endif
