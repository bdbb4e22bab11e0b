/* pt_app_users.h - the use cases of organisations and users: lists,
 * creation, changes, and password resets that a second admin approves. */
#ifndef PT_APP_USERS_H
#define PT_APP_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_records.h"
#include "pt_app.h"

/* ---- organisations ------------------------------------------------------- */

/** An organisation with the ids of the partners it shares AMBER with. */
struct pt_org_entry {
	struct pt_org org;
	long long *partners; /**< ascending ids; owned by the entry's list or its _clear */
	size_t n_partners;
};

/** Organisations by name. Caller-owned; emptied by pt_org_list_clear. */
struct pt_org_list {
	struct pt_org_entry *items;
	size_t n;
};

/** Free what l holds and zero it. */
void pt_org_list_clear(struct pt_org_list *l);

/** Empty e's partners (e itself is the caller's). */
void pt_org_entry_clear(struct pt_org_entry *e);

/** Every organisation with its partners, into *out (an empty list). Any caller. */
enum pt_err pt_app_orgs_list(const struct pt_caller *c, struct pt_db *db, struct pt_org_list *out,
			     struct pt_diag *d);

/** Organisation id with its partners into *out (pt_org_entry_clear). PT_ENOTFOUND. */
enum pt_err pt_app_org_get(const struct pt_caller *c, struct pt_db *db, long long id,
			   struct pt_org_entry *out, struct pt_diag *d);

/** Organisation by exact name into *out. PT_ENOTFOUND (field name). */
enum pt_err pt_app_org_find(const struct pt_caller *c, struct pt_db *db, const char *name,
			    struct pt_org *out, struct pt_diag *d);

/** A change to an organisation (or a new one). Borrowed. */
struct pt_org_edit {
	const char *name;             /**< the (new) name; NULL: unchanged */
	const enum pt_org_type *type; /**< the (new) type; NULL: unchanged (a new one: operator) */
	int set_partners;             /**< nonzero: replace the partners with partners[0..n_partners) */
	const long long *partners;
	size_t n_partners;
};

/**
 * Create an organisation (pt_access_org_create) with its partners, in one
 * transaction; *id gets its id. PT_EFORBIDDEN; a taken name PT_ECONFLICT
 * (field name); a bad partner list PT_EINVAL with field partners.
 */
enum pt_err pt_app_org_create(const struct pt_caller *c, struct pt_db *db,
			      const struct pt_org_edit *in, long long *id, struct pt_diag *d);

/**
 * Change organisation id (pt_access_org_change decides on what ch
 * touches), in one transaction. PT_ENOTFOUND for an unknown id;
 * PT_EFORBIDDEN; errors as pt_app_org_create.
 */
enum pt_err pt_app_org_update(const struct pt_caller *c, struct pt_db *db, long long id,
			      const struct pt_org_edit *ch, struct pt_diag *d);

/* ---- users ---------------------------------------------------------------- */

/** Users by name. Caller-owned; emptied by pt_user_list_clear. */
struct pt_user_list {
	struct pt_user *items;
	size_t n;
};

/** Free what l holds and zero it. */
void pt_user_list_clear(struct pt_user_list *l);

/**
 * The users c may list (pt_access_list_users), of organisation org_id only
 * when org_id > 0, into *out. PT_EFORBIDDEN when c may list none ("only
 * admins list users").
 */
enum pt_err pt_app_users_list(const struct pt_caller *c, struct pt_db *db, long long org_id,
			      struct pt_user_list *out, struct pt_diag *d);

/** User name into *out; PT_ENOTFOUND (field name) for an unknown user or one c may not list. */
enum pt_err pt_app_user_get(const struct pt_caller *c, struct pt_db *db, const char *name,
			    struct pt_user *out, struct pt_diag *d);

/** A new user. Borrowed. */
struct pt_user_new {
	const char *name;
	const char *password;
	enum pt_role role;
	long long org_id;
};

/**
 * Create a user (pt_access_manage_users on its organisation); *out (may be
 * NULL) gets it. PT_EFORBIDDEN (field organisation_id); an unknown
 * organisation PT_EINVAL (field organisation_id); a taken name
 * PT_ECONFLICT; a bad name or password PT_EINVAL.
 */
enum pt_err pt_app_user_create(const struct pt_caller *c, struct pt_db *db,
			       const struct pt_user_new *in, struct pt_user *out,
			       struct pt_diag *d);

/** A change to a user. Borrowed. */
struct pt_user_change {
	const enum pt_role *role; /**< NULL: unchanged */
	const char *password;     /**< NULL: unchanged */
};

/** A password reset waiting for a second admin. Plain data. */
struct pt_reset_pending {
	char requested_by[PT_USER_NAME_MAX]; /**< the admin who set it */
	int64_t requested, expires;          /**< unix seconds */
};

/** What a change did. Plain data. */
struct pt_user_change_result {
	struct pt_user user;           /**< the user after the change */
	int reset_pending;             /**< nonzero: the password waits for approval (HTTP 202) */
	struct pt_reset_pending reset; /**< when reset_pending */
};

/**
 * Change user name's role and/or password for c, in one transaction. A
 * user c may not list (nor is itself) is PT_ENOTFOUND, as a missing one;
 * a change its role may not make PT_EFORBIDDEN. The password of a user
 * named on a RED record, set by an admin, is kept pending
 * (pt_access_password_reset says NEEDS_APPROVAL; read from one snapshot):
 * out->reset_pending, the user's password unchanged until a second admin
 * approves (pt_app_password_reset_approve) within PT_RESET_TTL_S seconds.
 */
enum pt_err pt_app_user_update(const struct pt_caller *c, struct pt_db *db, const char *name,
			       const struct pt_user_change *in, struct pt_user_change_result *out,
			       struct pt_diag *d);

/**
 * Approve the pending password reset of user name: c must be a second
 * admin (pt_access_password_reset_approve). The password becomes the
 * user's, its sessions end; audited. PT_ENOTFOUND for a user c may not
 * list, or when no reset is pending (or it expired); PT_EFORBIDDEN for the
 * requester itself, the user itself, or a caller who is not an admin of
 * the user's organisation or of government.
 */
enum pt_err pt_app_password_reset_approve(const struct pt_caller *c, struct pt_db *db,
					  const char *name, struct pt_user *out,
					  struct pt_diag *d);

/**
 * Check a new password's length (PT_PASSWORD_MIN to PT_PASSWORD_MAX bytes,
 * len its length). PT_EINVAL (field password) with the rule.
 */
enum pt_err pt_app_password_check(const char *password, size_t len, struct pt_diag *d);

/** Nonzero when name is a valid user name (1-63 bytes of [A-Za-z0-9._-]). */
int pt_app_user_name_valid(const char *name);

/**
 * Nonzero when user user_id is named on a RED site of snap (a RED reader:
 * its password resets need a second admin).
 */
int pt_app_user_reads_red(const struct pt_snapshot *snap, long long user_id);

#endif
