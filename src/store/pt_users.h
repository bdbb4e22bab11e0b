/* pt_users.h - organisations (types, partners), users (roles, argon2id
 * passwords), sessions with CSRF tokens, failed log-ins, RED readers and the access index. */
#ifndef PT_USERS_H
#define PT_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_people.h"
#include "../core/pt_access.h"
#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "pt_store.h"

/* PT_USER_NAME_MAX, PT_PASSWORD_MIN/MAX: src/core/pt_people.h */
#define PT_TOKEN_TEXT_MAX 44    /**< a session or CSRF token: 43 base64url characters + NUL */
#define PT_PARTNERS_MAX 256     /**< partners one organisation may name */
#define PT_USERS_MAX 1000000    /**< users one list may hold */
#define PT_SESSION_TTL_DEFAULT (8 * 3600) /**< seconds a session lives when not told otherwise */
#define PT_SESSION_TTL_MAX (30 * 86400)   /**< longest session, seconds */

/* Failed log-ins, stored per user name (known or not). */
#define PT_LOGIN_FAILS_MAX 5    /**< failures within the window that block the name */
#define PT_LOGIN_WINDOW_S 300   /**< the window and the block, seconds */

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

/* struct pt_user: src/core/pt_people.h */

/** Nonzero when name is a valid user name (1-63 bytes of [A-Za-z0-9._-]). */
int pt_user_name_valid(const char *name);

/**
 * Check a password's length (PT_PASSWORD_MIN to PT_PASSWORD_MAX bytes, no
 * NUL inside: len is its length). PT_EINVAL (field password) with the rule.
 */
enum pt_err pt_password_check(const char *password, size_t len, struct pt_diag *d);

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

/** Set user name's role. Ends its sessions. PT_ENOTFOUND, PT_EINVAL. Audited ("user.role"). */
enum pt_err pt_db_user_set_role(struct pt_db *db, const char *name, enum pt_role role,
				struct pt_diag *d);

/** The caller as the access rules see it, from a user. */
void pt_user_principal(const struct pt_user *u, struct pt_principal *out);

/* ---- log-in and sessions ------------------------------------------------ */

/** A session: its user and its CSRF token. The session token itself is only returned at log-in. */
struct pt_session {
	long long id;
	struct pt_user user;
	int64_t created, expires; /**< unix seconds */
	char csrf[PT_TOKEN_TEXT_MAX];
};

/** What a log-in answers. */
struct pt_login {
	struct pt_session session;        /**< on PT_OK */
	char token[PT_TOKEN_TEXT_MAX];    /**< on PT_OK: the cookie value (shown once; stored hashed) */
	long retry_after;                 /**< on PT_ELIMIT: seconds until the name may try again */
};

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

/* ---- RED readers -------------------------------------------------------- */

/**
 * The users named on site site_id (who may read it when RED), ascending
 * ids in *user_ids (caller frees with free(); NULL when *n is 0).
 */
enum pt_err pt_db_site_readers(struct pt_db *db, const char *site_id, long long **user_ids,
			       size_t *n, struct pt_diag *d);

/**
 * Name user_id on site site_id (nothing when already named). PT_ENOTFOUND
 * for an unknown site or user. Audited ("site.reader.add"). A site
 * created by a logged-in user's import names that user at once.
 */
enum pt_err pt_db_site_reader_add(struct pt_db *db, const char *site_id, long long user_id,
				  struct pt_diag *d);

/** Un-name user_id on site_id (PT_ENOTFOUND when not named). Audited ("site.reader.remove"). */
enum pt_err pt_db_site_reader_remove(struct pt_db *db, const char *site_id, long long user_id,
				     struct pt_diag *d);

/* ---- the access index --------------------------------------------------- */

/**
 * What the access rules need about every record, read in one go: the
 * organisations (id, name, type, partners) and the named readers of every
 * site. Build pt_access_record values from it for sites read by the
 * store. Read-only after loading, so one index may serve several threads.
 */
struct pt_access_index;

/** Load the index (one read transaction). *out is freed with pt_access_index_free. */
enum pt_err pt_access_index_load(struct pt_db *db, struct pt_access_index **out,
				 struct pt_diag *d);

/** Free; NULL does nothing. */
void pt_access_index_free(struct pt_access_index *ix);

/**
 * The access record of site s (its owner by name, partners of the owner,
 * its named readers) into *rec, whose arrays point into ix (valid until
 * pt_access_index_free). A site without owner, or whose owner is not an
 * organisation (yet), has owner_org_id 0.
 */
void pt_access_index_record(const struct pt_access_index *ix, const struct pt_site *s,
			    struct pt_access_record *rec);

/** The id of organisation name in ix, 0 when there is none. */
long long pt_access_index_org_id(const struct pt_access_index *ix, const char *name);

/** A caller and an index: the context of pt_access_site_visible. */
struct pt_access_filter {
	const struct pt_access_index *ix;
	struct pt_principal who;
};

/**
 * A pt_site_filter_fn (src/store/pt_ranking.h): nonzero when the caller of
 * ctx (a struct pt_access_filter) may read site (pt_access_read).
 */
int pt_access_site_visible(void *ctx, const struct pt_site *site);

#endif
