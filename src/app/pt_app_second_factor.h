/* pt_app_second_factor.h - the second factor at log-in (issue 10): TOTP
 * (RFC 6238, liboath) enrolment with a QR code, recovery codes, the two-step
 * log-in, the registry's setting and the system administrator's reset. */
#ifndef PT_APP_SECOND_FACTOR_H
#define PT_APP_SECOND_FACTOR_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_err.h"
#include "../core/pt_records.h"
#include "../store/pt_second_factor_store.h"
#include "pt_app.h"

#define PT_TOTP_STEP_S 30          /**< seconds of one TOTP step (RFC 6238's default) */
#define PT_TOTP_DIGITS 6           /**< digits of a code */
#define PT_TOTP_WINDOW 1           /**< steps either side of now a code may come from */
#define PT_RECOVERY_CODE_TEXT 20   /**< a recovery code "XXXX-XXXX-XXXX-XXXX" plus the NUL */
#define PT_OTPAUTH_URI_MAX 256     /**< an otpauth:// URI, bytes with the NUL */

/** Where a log-in stands after a step. */
enum pt_login_step {
	PT_LOGIN_DONE = 0, /**< a session was made (login) */
	PT_LOGIN_CODE,     /**< the password was right; a code is needed (pending) */
	PT_LOGIN_ENROL     /**< the password was right; the user must enrol first (pending) */
};

/** The answer of a log-in step. Plain data. */
struct pt_app_login {
	enum pt_login_step step;
	struct pt_login login;            /**< DONE: the session and its token (shown once) */
	char pending[PT_TOKEN_TEXT_MAX];  /**< CODE, ENROL: the pending log-in's token */
	int64_t pending_expires;          /**< CODE, ENROL: when it ends (unix seconds) */
	long retry_after;                 /**< PT_ELIMIT: seconds to wait */
	size_t n_recovery;                /**< recovery codes made by this step (enrolment), else 0 */
	char recovery[PT_RECOVERY_CODES][PT_RECOVERY_CODE_TEXT]; /**< shown once, stored hashed */
};

/** A new TOTP secret waiting for its first code. *qr_svg is the caller's (pt_app_enrolment_clear). */
struct pt_app_enrolment {
	char secret[PT_TOTP_SECRET_MAX]; /**< base32, for typing into an app by hand */
	char uri[PT_OTPAUTH_URI_MAX];    /**< otpauth://totp/protect:NAME?secret=...&issuer=protect */
	char *qr_svg;                    /**< the URI as a QR code, an SVG document (malloc'd) */
};

/** Free what e holds and empty it (e itself is the caller's). */
void pt_app_enrolment_clear(struct pt_app_enrolment *e);

/**
 * Log in user with password at c->now, and code when one is given (NULL:
 * none). A user with a confirmed second factor, or one whose role must
 * have one (pt_access_second_factor_required) in a registry whose setting
 * second_factor is "required", does not get a session from the password
 * alone: out->step is CODE (or ENROL for one not enrolled yet) with a
 * pending token living PT_LOGIN_PENDING_TTL_S seconds. With a right code
 * (a TOTP code or an unused recovery code) the step is DONE at once.
 * PT_ENOTFOUND "wrong user name or password" or "wrong code" (counted as a
 * failed log-in of the name), PT_ELIMIT (out->retry_after). The password and
 * the code are each checked only once their attempt is counted
 * (pt_db_login_reserve; given back when right), so concurrent guesses never
 * get more checks than the limit.
 */
enum pt_err pt_app_login_start(const struct pt_caller *c, struct pt_db *db, const char *user,
			       const char *password, const char *code, struct pt_app_login *out,
			       struct pt_diag *d);

/**
 * The second step: the pending log-in of token and code at c->now. For an
 * enrolled user the code is a TOTP code or an unused recovery code (used
 * up); while enrolling (pt_app_second_factor_enrol under token) it is the
 * first TOTP code, which confirms the secret and makes PT_RECOVERY_CODES
 * recovery codes (out->recovery, shown once). A code is accepted once
 * (a replay within its window is refused). DONE: a session, the pending
 * log-in gone. PT_ENOTFOUND for an unknown or expired token (field
 * pending_token) or a wrong code (field code, counted as a failed log-in of
 * the user: 5 block the name as wrong passwords do; the attempt is counted
 * before the code is checked), PT_ELIMIT, PT_EINVAL for an ENROL log-in that
 * has not started enrolment.
 */
enum pt_err pt_app_login_finish(const struct pt_caller *c, struct pt_db *db, const char *token,
				const char *code, struct pt_app_login *out, struct pt_diag *d);

/**
 * Start enrolment: a new random 160-bit TOTP secret for the user of the
 * pending log-in token, or for the caller (c->who.user_id) when token is
 * NULL, stored unconfirmed; its otpauth:// URI and QR code into *out.
 * PT_ECONFLICT when the user has a confirmed second factor already. *out is
 * overwritten (clear a used one first); on failure it holds nothing.
 */
enum pt_err pt_app_second_factor_enrol(const struct pt_caller *c, struct pt_db *db,
				       const char *token, struct pt_app_enrolment *out,
				       struct pt_diag *d);

/**
 * Confirm the caller's enrolment (a logged-in user, no pending log-in) with
 * its first code at c->now; recovery codes into out->recovery (out->step
 * DONE, no session made). PT_ENOTFOUND for a wrong code (counted).
 */
enum pt_err pt_app_second_factor_confirm(const struct pt_caller *c, struct pt_db *db,
					 const char *code, struct pt_app_login *out,
					 struct pt_diag *d);

/** What pt_app_second_factor_reset did. */
struct pt_app_second_factor_reset {
	char name[PT_USER_NAME_MAX]; /**< the user's name as stored (names fold case) */
	int removed; /**< 1: a second factor or recovery codes removed; 0: there were none */
};

/**
 * Remove user name's second factor and end its sessions (the user enrols
 * again at its next log-in), audited. The system administrator, or an admin
 * who may manage the user's organisation (pt_access_manage_users);
 * PT_EFORBIDDEN otherwise, PT_ENOTFOUND for an unknown user. A user without
 * a second factor is left alone, not audited (out->removed 0). out may be NULL.
 */
enum pt_err pt_app_second_factor_reset(const struct pt_caller *c, struct pt_db *db,
				       const char *name, struct pt_app_second_factor_reset *out,
				       struct pt_diag *d);

/**
 * The registry's setting: *required 1 when second_factor is "required".
 */
enum pt_err pt_app_second_factor_policy(const struct pt_caller *c, struct pt_db *db,
					int *required, struct pt_diag *d);

/**
 * Set the registry's setting second_factor to "required" or "optional"
 * (the system administrator only: PT_EFORBIDDEN), audited.
 */
enum pt_err pt_app_second_factor_policy_set(const struct pt_caller *c, struct pt_db *db,
					    int required, struct pt_diag *d);

/**
 * Nonzero when password may be used by user name although the password
 * check would refuse it: the registry is the demo (its log-in setting
 * demo_passwords is "1") and password follows the demo's documented pattern:
 * it begins with "demo-NAME" (the demo's own tests use variants such as
 * "demo-NAME2"). Never outside the demo.
 */
int pt_app_demo_password(struct pt_db *db, const char *name, const char *password);

#endif
