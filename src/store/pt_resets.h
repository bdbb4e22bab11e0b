/* pt_resets.h - password resets waiting for a second admin's approval
 * (table password_resets, migration 008): request, read, apply, drop. */
#ifndef PT_RESETS_H
#define PT_RESETS_H

#include <stdint.h>

#include "../core/pt_err.h"
#include "pt_store.h"

#define PT_RESET_TTL_S (24 * 3600) /**< seconds a pending reset waits for approval */

/** A pending password reset as callers see it (never the hash). Plain data. */
struct pt_password_reset {
	long long user_id;        /**< whose password */
	long long requested_by;   /**< the admin who set it */
	char requested_by_name[64]; /**< its name as the audit log shows it */
	int64_t requested;        /**< unix seconds */
	int64_t expires;          /**< unix seconds; approvals from then on are refused */
};

/**
 * Keep password (checked and hashed with pt_password_hash) as the pending
 * reset of user user_id, asked for by requested_by (named requested_by_name)
 * at now, expiring at expires; it replaces an older pending reset of the
 * user. The user's password is not changed. PT_EINVAL (field password) for
 * a bad password. Audited ("user.password.request"). Inside the caller's
 * transaction or its own.
 */
enum pt_err pt_db_password_reset_request(struct pt_db *db, long long user_id,
					 const char *user_name, const char *password,
					 long long requested_by, const char *requested_by_name,
					 int64_t now, int64_t expires, struct pt_diag *d);

/**
 * The pending reset of user user_id at now into *out; PT_ENOTFOUND when
 * there is none or it has expired (an expired one stays until applied or
 * replaced: pt_db_password_reset_apply refuses it).
 */
enum pt_err pt_db_password_reset_get(struct pt_db *db, long long user_id, int64_t now,
				     struct pt_password_reset *out, struct pt_diag *d);

/**
 * Make the pending reset of user user_id (named user_name) its password at
 * now: the hash is stored, the user's sessions are ended and the pending
 * reset removed. PT_ENOTFOUND when there is none or it expired. Audited
 * ("user.password.approve", naming the requester). Inside the caller's
 * transaction or its own.
 */
enum pt_err pt_db_password_reset_apply(struct pt_db *db, long long user_id, const char *user_name,
				       int64_t now, struct pt_diag *d);

#endif
