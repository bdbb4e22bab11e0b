/* pt_user_store.h - organisations (types, partners) and users (roles,
 * argon2id passwords) of the registry. */
#ifndef PT_USER_STORE_H
#define PT_USER_STORE_H

#include <stddef.h>

#include "../core/pt_access.h"
#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "../core/pt_records.h"
#include "pt_db.h"

#define PT_PARTNERS_MAX 256     /**< partners one organisation may name */
#define PT_USERS_MAX 1000000    /**< users one list may hold */

/** All organisations ordered by name (*orgs: caller frees with free()). */
enum pt_err pt_db_orgs_list(struct pt_db *db, struct pt_org **orgs, size_t *n,
			    struct pt_diag *d);


/* ---- organisations ------------------------------------------------------ */

/**
 * Create organisation name (1-255 bytes) of type; *id (may be NULL) gets
 * its id. A taken name is PT_ECONFLICT (field name). Audited
 * ("org.create") in the same transaction.
 */
enum pt_err pt_db_org_add(struct pt_db *db, const char *name, enum pt_org_type type,
			  long long *id, struct pt_diag *d);

/** Organisation id into *out (PT_ENOTFOUND, field id, if none). */
enum pt_err pt_db_org_get(struct pt_db *db, long long id, struct pt_org *out, struct pt_diag *d);

/** Organisation by exact name into *out (PT_ENOTFOUND, field name, if none). */
enum pt_err pt_db_org_find(struct pt_db *db, const char *name, struct pt_org *out,
			   struct pt_diag *d);

/**
 * Change organisation id: a new name when name is not NULL, a new type
 * when type is not NULL. PT_ENOTFOUND, PT_ECONFLICT (name taken),
 * PT_EINVAL. Audited ("org.update") in the same transaction.
 */
enum pt_err pt_db_org_update(struct pt_db *db, long long id, const char *name,
			     const enum pt_org_type *type, struct pt_diag *d);

/**
 * The organisations id names as partners (those that may read its AMBER),
 * ascending, in *ids (caller frees with free(); NULL when *n is 0).
 */
enum pt_err pt_db_org_partners(struct pt_db *db, long long id, long long **ids, size_t *n,
			       struct pt_diag *d);

/**
 * Replace the partners of organisation id with ids[0..n) (at most
 * PT_PARTNERS_MAX; each an existing organisation other than id;
 * duplicates are merged). Sharing is directional: the owner names who
 * may read its AMBER. PT_ENOTFOUND naming the unknown id, PT_EINVAL for
 * itself, PT_ELIMIT. Audited ("org.partners") in the same transaction.
 */
enum pt_err pt_db_org_set_partners(struct pt_db *db, long long id, const long long *ids,
				   size_t n, struct pt_diag *d);

/* ---- users -------------------------------------------------------------- */

/** Nonzero when name is a valid user name (1-63 bytes of [A-Za-z0-9._-]). */
int pt_user_name_valid(const char *name);

/**
 * Check a password's length (PT_PASSWORD_MIN to PT_PASSWORD_MAX bytes, no
 * NUL inside: len is its length). PT_EINVAL (field password) with the rule.
 */
enum pt_err pt_password_check(const char *password, size_t len, struct pt_diag *d);

/**
 * Check password as NIST SP 800-63B 5.1.1.2 asks: pt_password_check's length,
 * then libpwquality (pwquality_check with user as the user argument): not in
 * (nor a simple variation of a word in) cracklib's dictionary of common
 * passwords, and not containing the user name in some form. No composition
 * rules; /etc/security/pwquality.conf is not read. PT_EINVAL (field password)
 * with libpwquality's reason; PT_EINTERNAL when the dictionary is missing.
 * The demo's documented passwords are exempted by the caller (src/app).
 */
enum pt_err pt_password_quality(const char *password, const char *user, struct pt_diag *d);

/**
 * Hash a password with argon2id (libsodium crypto_pwhash_str, the
 * INTERACTIVE limits: about 64 MiB and a tenth of a second) into out
 * (at least PT_PASSWORD_HASH_MAX bytes). PT_EINVAL for a bad length,
 * PT_ENOMEM when the memory for hashing cannot be had.
 */
enum pt_err pt_password_hash(const char *password, size_t len, char *out, size_t out_size,
			     struct pt_diag *d);
#define PT_PASSWORD_HASH_MAX 128 /**< crypto_pwhash_STRBYTES */

/** Nonzero when password matches hash (constant time in the password). */
int pt_password_verify(const char *hash, const char *password, size_t len);

/**
 * Create user name with password (hashed, never stored as given) and role
 * in organisation org_id; *id (may be NULL) gets its id. PT_ECONFLICT (field
 * name) when taken, PT_EINVAL for a bad name, password or role,
 * PT_ENOTFOUND (field organisation) for an unknown organisation. Audited
 * ("user.create").
 */
enum pt_err pt_db_user_add(struct pt_db *db, const char *name, const char *password,
			   enum pt_role role, long long org_id, long long *id, struct pt_diag *d);

/**
 * pt_db_user_add saying who grants the role: by_system nonzero for the
 * system administrator (the command line), 0 for a user (the API). An
 * admin made by the system administrator is appointed (admin_by_system 1:
 * it may approve password resets, docs/access.md); one made by a user is
 * not. pt_db_user_add is this with by_system 1 (a store call is made by
 * whoever holds the database file): src/app passes its caller's. Issue 13:
 * users.role_by_system is by_system, whatever the role (an appointed user
 * may approve public alerts).
 */
enum pt_err pt_db_user_add_by(struct pt_db *db, const char *name, const char *password,
			      enum pt_role role, long long org_id, int by_system, long long *id,
			      struct pt_diag *d);

/**
 * Record made_by (a user name) as a maker of user user_id, how "create",
 * "role" or "password" (separation of duties, migration 018; table
 * user_makers). Creating a user, setting its role or its password over the
 * API records the acting user (pt_db_set_actor) by itself; the caller of
 * this function records what the store cannot see (the requester of an
 * approved password reset). Nothing for an empty made_by. Inside or outside
 * a transaction.
 */
enum pt_err pt_db_user_maker_add(struct pt_db *db, long long user_id, const char *how,
				 const char *made_by, struct pt_diag *d);

/**
 * The ids of the users who made user_id (created it, set its role or its
 * password: pt_db_user_maker_add), at most cap of them in ids, ascending;
 * *n how many. None when the system administrator made it, before migration
 * 016, or its makers are gone.
 */
enum pt_err pt_db_user_maker_ids(struct pt_db *db, long long user_id, long long *ids, size_t cap,
				 size_t *n, struct pt_diag *d);

/** User by name, with its organisation, into *out (PT_ENOTFOUND, field name). */
enum pt_err pt_db_user_get(struct pt_db *db, const char *name, struct pt_user *out,
			   struct pt_diag *d);

/** User by id into *out (PT_ENOTFOUND). */
enum pt_err pt_db_user_get_id(struct pt_db *db, long long id, struct pt_user *out,
			      struct pt_diag *d);

/**
 * Users of organisation org_id (all when org_id <= 0), ordered by name, in
 * *users (caller frees with free(); NULL when *n is 0). PT_ELIMIT past
 * PT_USERS_MAX.
 */
enum pt_err pt_db_users_list(struct pt_db *db, long long org_id, struct pt_user **users,
			     size_t *n, struct pt_diag *d);

/**
 * Set user name's password (checked and hashed). Ends every session of
 * the user. PT_ENOTFOUND, PT_EINVAL. Audited ("user.password"; the
 * password itself is never logged).
 */
enum pt_err pt_db_user_set_password(struct pt_db *db, const char *name, const char *password,
				    struct pt_diag *d);

/**
 * Set user name's role, as the system administrator (pt_db_user_set_role_by
 * with by_system 1). Ends its sessions. PT_ENOTFOUND, PT_EINVAL. Audited
 * ("user.role").
 */
enum pt_err pt_db_user_set_role(struct pt_db *db, const char *name, enum pt_role role,
				struct pt_diag *d);

/**
 * Set user name's role, by the system administrator (by_system nonzero) or
 * a user (0): the user is an appointed admin (admin_by_system 1) only when
 * the role is admin and by_system; any other role, or admin set by a user
 * (even over an appointed admin), leaves it 0. users.role_by_system
 * becomes by_system (issue 13: re-roled over the API, a user is no longer
 * appointed). Otherwise as pt_db_user_set_role.
 */
enum pt_err pt_db_user_set_role_by(struct pt_db *db, const char *name, enum pt_role role,
				   int by_system, struct pt_diag *d);

/** The caller as the access rules see it, from a user. */
void pt_user_principal(const struct pt_user *u, struct pt_principal *out);

#endif
