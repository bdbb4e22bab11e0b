/* pt_second_factor_store.h - the second factor at log-in in SQLite: the
 * registry's log-in settings, TOTP secrets, recovery codes, pending log-ins. */
#ifndef PT_SECOND_FACTOR_STORE_H
#define PT_SECOND_FACTOR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_err.h"
#include "../core/pt_records.h"
#include "pt_db.h"

#define PT_TOTP_SECRET_MAX 65      /**< a base32 TOTP secret, plus the NUL */
#define PT_RECOVERY_CODES 10       /**< recovery codes made at enrolment */
#define PT_RECOVERY_HASH_TEXT 65   /**< a stored recovery code hash: 64 hex digits + NUL */
#define PT_LOGIN_PENDING_TTL_S 300 /**< seconds a log-in waits for its second factor */

/** The stored TOTP of a user. Plain data. */
struct pt_totp_row {
	char secret[PT_TOTP_SECRET_MAX]; /**< base32 (RFC 4648), as in the otpauth:// URI */
	int confirmed;                   /**< 0 while enrolment waits for its first code */
	long long last_step;             /**< 30-second step of the last code accepted (-1: none) */
};

/**
 * The log-in setting key ("second_factor" or "demo_passwords") into value
 * (cap bytes; "" when absent).
 */
enum pt_err pt_db_auth_setting(struct pt_db *db, const char *key, char *value, size_t cap,
			       struct pt_diag *d);

/**
 * Set log-in setting key to value (only when it is absent if only_if_absent).
 * Audited ("registry.login_setting", "key: value") when it changes.
 */
enum pt_err pt_db_auth_setting_set(struct pt_db *db, const char *key, const char *value,
				   int only_if_absent, struct pt_diag *d);

/** The TOTP of user_id into *out; PT_ENOTFOUND when the user has none. */
enum pt_err pt_db_totp_get(struct pt_db *db, long long user_id, struct pt_totp_row *out,
			   struct pt_diag *d);

/**
 * Store a new, unconfirmed TOTP secret (base32) for user_id at now, replacing
 * an unconfirmed one. PT_ECONFLICT when the user has a confirmed one (reset it
 * first). Not audited (nothing is in force until confirmed).
 */
enum pt_err pt_db_totp_begin(struct pt_db *db, long long user_id, const char *secret, int64_t now,
			     struct pt_diag *d);

/**
 * Accept a code of 30-second step for user_id (user_name for the audit), in
 * one transaction: *accepted is 1 when step is later than the last step
 * accepted (a code is never accepted twice), else 0 and nothing changes. An
 * unconfirmed TOTP becomes confirmed, its recovery codes (hashes[0..n), hex)
 * replace any stored, audited as the user ("user.second_factor.enrol").
 */
enum pt_err pt_db_totp_accept(struct pt_db *db, long long user_id, const char *user_name,
			      long long step, const char *const *hashes, size_t n, int *accepted,
			      struct pt_diag *d);

/**
 * Use the recovery code of hash (hex) of user_id: *accepted 1 and the code
 * deleted (audited as the user, "user.second_factor.recovery", with the codes
 * left), or 0 when there is no such code.
 */
enum pt_err pt_db_recovery_code_use(struct pt_db *db, long long user_id, const char *user_name,
				    const char *hash, int *accepted, struct pt_diag *d);

/** How many unused recovery codes user_id has, into *n. */
enum pt_err pt_db_recovery_codes_left(struct pt_db *db, long long user_id, size_t *n,
				      struct pt_diag *d);

/**
 * Remove user name's second factor (secret, recovery codes, pending log-ins)
 * and end its sessions, audited ("user.second_factor.reset"). PT_ENOTFOUND
 * (field name) for an unknown user. A user with neither a secret nor recovery
 * codes is left alone (no audit entry): *removed (may be NULL) 1 when
 * something was removed, 0 otherwise.
 */
enum pt_err pt_db_second_factor_reset(struct pt_db *db, const char *name, int *removed,
				      struct pt_diag *d);

/**
 * Remember a log-in of user_id waiting for its second factor: a new random
 * token (43 base64url characters, stored as its BLAKE2b-256 hash) into
 * token, living PT_LOGIN_PENDING_TTL_S seconds from now. Expired ones go.
 */
enum pt_err pt_db_login_pending_add(struct pt_db *db, long long user_id, int64_t now,
				    char token[PT_TOKEN_TEXT_MAX], struct pt_diag *d);

/** The user waiting under token at now into *user_id; PT_ENOTFOUND when none or expired. */
enum pt_err pt_db_login_pending_get(struct pt_db *db, const char *token, int64_t now,
				    long long *user_id, struct pt_diag *d);

/** Forget the pending log-in of token (none: PT_OK). */
enum pt_err pt_db_login_pending_delete(struct pt_db *db, const char *token, struct pt_diag *d);

#endif
