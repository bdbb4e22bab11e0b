/* pt_app_session.h - the use cases of a caller's session: log in, who am I,
 * log out. Throttling per address stays with the server (in memory). */
#ifndef PT_APP_SESSION_H
#define PT_APP_SESSION_H

#include <stdint.h>

#include "../core/pt_access.h"
#include "../core/pt_err.h"
#include "../core/pt_records.h"
#include "pt_app.h"

/** A session and its user as the access rules see it. Plain data. */
struct pt_app_session {
	struct pt_session session;
	struct pt_principal who;
};

/**
 * Log in user with password at c->now (0: the clock) for the default
 * lifetime. PT_OK: out holds the session and its token (shown once).
 * PT_ENOTFOUND: wrong user name or password (one answer for both; the
 * failure is counted for the name). PT_ELIMIT: the name is blocked for now;
 * out->retry_after says how long (a NULL user or password is a wrong one).
 * PT_EFORBIDDEN (field code) "second factor required" when the user must give
 * a code: the two-step log-in of pt_app_second_factor.h takes it.
 */
enum pt_err pt_app_session_login(const struct pt_caller *c, struct pt_db *db, const char *user,
				 const char *password, struct pt_login *out, struct pt_diag *d);

/**
 * The session of token at c->now into *out (the caller "who am I").
 * PT_ENOTFOUND when there is none or it has ended.
 */
enum pt_err pt_app_session_get(const struct pt_caller *c, struct pt_db *db, const char *token,
			       struct pt_app_session *out, struct pt_diag *d);

/** Log out: end the session of token, audited as its user. PT_ENOTFOUND when there is none. */
enum pt_err pt_app_session_logout(const struct pt_caller *c, struct pt_db *db, const char *token,
				  struct pt_diag *d);

/** Nonzero when token is s's CSRF token (constant time). */
int pt_app_session_csrf_ok(const struct pt_app_session *s, const char *token);

/** The access record of site under snapshot s's access index (arrays borrowed from s). */
void pt_snapshot_site_record(const struct pt_snapshot *s, const struct pt_site *site,
			     struct pt_access_record *rec);

#endif
