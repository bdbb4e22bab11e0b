/* pt_user_store.c - organisations (types, partners) and users (roles,
 * argon2id passwords through libsodium), in SQLite. */
#include <pthread.h>
#include <pwquality.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pt_audit.h"
#include "pt_store_int.h"
#include "pt_user_store.h"

#define PT_DB_MAX_ORGS 4000000 /* organisations one list may hold */

/* The statement table of this file. */
enum user_stmt {
	ST_ORG_ADD,
	ST_ORG_GET,
	ST_ORG_FIND,
	ST_ORG_SET_NAME,
	ST_ORG_SET_TYPE,
	ST_PARTNERS,
	ST_PARTNERS_CLEAR,
	ST_PARTNER_ADD,
	ST_ORG_EXISTS,
	ST_ORGS_ALL,
	ST_USER_ADD,
	ST_USER_BY_NAME,
	ST_USER_BY_ID,
	ST_USERS_ALL,
	ST_USER_SET_HASH,
	ST_USER_SET_ROLE,
	ST_SESSIONS_OF_USER_DELETE,
	ST_USER_MAKER_ADD, /* separation of duties (migration 018) */
	ST_USER_MAKER_IDS,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_ORG_ADD] = "INSERT INTO organisations (name, type) VALUES (?1, ?2)",
	[ST_ORG_GET] = "SELECT id, name, type FROM organisations WHERE id = ?1",
	[ST_ORG_FIND] = "SELECT id, name, type FROM organisations WHERE name = ?1",
	[ST_ORG_SET_NAME] = "UPDATE organisations SET name = ?2 WHERE id = ?1",
	[ST_ORG_SET_TYPE] = "UPDATE organisations SET type = ?2 WHERE id = ?1",
	[ST_PARTNERS] = "SELECT partner_id FROM organisation_partners WHERE org_id = ?1 ORDER BY partner_id",
	[ST_PARTNERS_CLEAR] = "DELETE FROM organisation_partners WHERE org_id = ?1",
	[ST_PARTNER_ADD] = "INSERT INTO organisation_partners (org_id, partner_id) VALUES (?1, ?2)",
	[ST_ORG_EXISTS] = "SELECT 1 FROM organisations WHERE id = ?1",
	[ST_ORGS_ALL] = "SELECT id, name, type FROM organisations ORDER BY name, id",
	[ST_USER_ADD] = "INSERT INTO users (name, password_hash, role, org_id, created, admin_by_system, role_by_system) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_USER_BY_NAME] = "SELECT " PT_DB_USER_COLUMNS "WHERE u.name = ?1 COLLATE NOCASE",
	[ST_USER_BY_ID] = "SELECT " PT_DB_USER_COLUMNS "WHERE u.id = ?1",
	[ST_USERS_ALL] = "SELECT " PT_DB_USER_COLUMNS "WHERE ?1 <= 0 OR u.org_id = ?1 ORDER BY u.name",
	[ST_USER_SET_HASH] = "UPDATE users SET password_hash = ?2 WHERE id = ?1",
	[ST_USER_SET_ROLE] = "UPDATE users SET role = ?2, admin_by_system = ?3, role_by_system = ?4 WHERE id = ?1",
	[ST_SESSIONS_OF_USER_DELETE] = "DELETE FROM sessions WHERE user_id = ?1",
	/* separation of duties (migration 018) */
	[ST_USER_MAKER_ADD] = "INSERT OR IGNORE INTO user_makers (user_id, how, made_by) VALUES (?1, ?2, ?3)",
	[ST_USER_MAKER_IDS] = "SELECT DISTINCT u.id FROM user_makers m JOIN users u ON u.name = m.made_by "
			      "COLLATE NOCASE WHERE m.user_id = ?1 AND u.id <> ?1 ORDER BY u.id",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_USER, ST_COUNT, stmt_sql};

/* ---- helpers ------------------------------------------------------------- */

static enum pt_err sodium_ready(struct pt_diag *d)
{
	if (sodium_init() < 0)
		return pt_diag_set(d, PT_EINTERNAL, 0, "", "libsodium could not be initialised");
	return PT_OK;
}

/* Nonzero when statement which, with one integer parameter returns a row. */
static int exists_id(struct pt_db *db, enum user_stmt which, long long id)
{
	sqlite3_stmt *st;
	int rc;
	if (pt_db_prepare(db, &stmts, which, &st, NULL) != PT_OK)
		return 0;
	rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
}

/* A name: 1 to cap-1 bytes, no control characters. */
static int name_ok(const char *s, size_t cap)
{
	size_t n;
	if (!s)
		return 0;
	n = strnlen(s, cap);
	if (n == 0 || n >= cap)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* Read an organisation row (id, name, type) into o. */
enum pt_err pt_db_org_from_row(sqlite3_stmt *st, struct pt_org *o, struct pt_diag *d)
{
	char type[32];
	enum pt_err err;
	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	if ((err = pt_db_col_text(st, 1, o->name, sizeof o->name, d)) != PT_OK ||
	    (err = pt_db_col_text(st, 2, type, sizeof type, d)) != PT_OK)
		return err;
	if (pt_org_type_parse(type, &o->type) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "type", "organisation %lld: stored type \"%s\" is unknown",
				   o->id, type);
	return PT_OK;
}

/* Read a PT_DB_USER_COLUMNS row starting at column col into u. */
enum pt_err pt_db_user_from_row(sqlite3_stmt *st, int col, struct pt_user *u, struct pt_diag *d)
{
	char role[32], type[32];
	enum pt_err err;
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, col);
	u->org_id = sqlite3_column_int64(st, col + 3);
	if ((err = pt_db_col_text(st, col + 1, u->name, sizeof u->name, d)) != PT_OK ||
	    (err = pt_db_col_text(st, col + 2, role, sizeof role, d)) != PT_OK ||
	    (err = pt_db_col_text(st, col + 4, u->org_name, sizeof u->org_name, d)) != PT_OK ||
	    (err = pt_db_col_text(st, col + 5, type, sizeof type, d)) != PT_OK)
		return err;
	if (pt_role_parse(role, &u->role) != PT_OK || pt_org_type_parse(type, &u->org_type) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "role", "user \"%s\": stored role or type unknown",
				   u->name);
	u->admin_by_system =
		pt_access_appointed_admin(u->role, sqlite3_column_int64(st, col + 6) == 1);
	if (sqlite3_column_type(st, col + 7) != SQLITE_NULL)
		u->second_factor = sqlite3_column_int(st, col + 7) == 1 ? PT_SF_ENROLLED : PT_SF_PENDING;
	u->recovery_codes = sqlite3_column_int64(st, col + 8);
	u->role_by_system = sqlite3_column_int64(st, col + 9) == 1; /* issue 13: migration 022 */
	return PT_OK;
}

/* pt_db_org_from_row as a pt_db_fill_fn. */
static enum pt_err org_one(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	(void)ctx;
	return pt_db_org_from_row(st, row, d);
}

/* Run a one-row organisation query by integer or text key. */
static enum pt_err org_query(struct pt_db *db, enum user_stmt which, long long id,
			     const char *name, struct pt_org *out, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, which, &st, d)) != PT_OK)
		return err;
	rc = name ? sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) : sqlite3_bind_int64(st, 1, id);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading an organisation");
	}
	err = pt_db_row_one(db, st, org_one, out, NULL, "reading an organisation", d);
	if (err != PT_ENOTFOUND)
		return err;
	return name ? pt_diag_set(d, PT_ENOTFOUND, 0, "name", "no organisation named \"%s\"", name)
		    : pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no organisation with id %lld", id);
}

/* ---- organisations ------------------------------------------------------- */

enum pt_err pt_db_org_add(struct pt_db *db, const char *name, enum pt_org_type type,
			  long long *id, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	char rid[32], detail[PT_NAME_MAX + 64];
	long long new_id;
	int rc;

	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if (!name_ok(name, PT_NAME_MAX))
		return pt_diag_set(d, PT_EINVAL, 0, "name",
				   "an organisation name is 1-%d bytes without control characters",
				   PT_NAME_MAX - 1);
	if ((unsigned)type > PT_ORG_NGO)
		return pt_diag_set(d, PT_EINVAL, 0, "type", "not an organisation type");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(db, &stmts, ST_ORG_ADD, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, pt_org_type_name(type), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "name", "an organisation named \"%s\" exists",
				  name);
		goto out;
	}
	if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "creating an organisation");
		goto out;
	}
	new_id = pt_db_last_id(db);
	snprintf(rid, sizeof rid, "%lld", new_id);
	snprintf(detail, sizeof detail, "%s (%s)", name, pt_org_type_name(type));
	if ((err = pt_audit_append(db, "org.create", "organisations", rid, detail, d)) != PT_OK)
		goto out;
	if (id)
		*id = new_id;
out:
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_org_get(struct pt_db *db, long long id, struct pt_org *out, struct pt_diag *d)
{
	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	return org_query(db, ST_ORG_GET, id, NULL, out, d);
}

enum pt_err pt_db_org_find(struct pt_db *db, const char *name, struct pt_org *out,
			   struct pt_diag *d)
{
	if (!db || !name || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, name or output");
	return org_query(db, ST_ORG_FIND, 0, name, out, d);
}

enum pt_err pt_db_org_update(struct pt_db *db, long long id, const char *name,
			     const enum pt_org_type *type, struct pt_diag *d)
{
	struct pt_org before;
	sqlite3_stmt *st;
	enum pt_err err;
	char rid[32], detail[2 * PT_NAME_MAX + 96];
	size_t used = 0;
	int rc;

	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if (!name && !type)
		return pt_diag_set(d, PT_EINVAL, 0, "", "nothing to change");
	if (name && !name_ok(name, PT_NAME_MAX))
		return pt_diag_set(d, PT_EINVAL, 0, "name",
				   "an organisation name is 1-%d bytes without control characters",
				   PT_NAME_MAX - 1);
	if (type && (unsigned)*type > PT_ORG_NGO)
		return pt_diag_set(d, PT_EINVAL, 0, "type", "not an organisation type");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = org_query(db, ST_ORG_GET, id, NULL, &before, d)) != PT_OK)
		goto out;
	detail[0] = '\0';
	if (name) {
		if ((err = pt_db_prepare(db, &stmts, ST_ORG_SET_NAME, &st, d)) != PT_OK)
			goto out;
		rc = sqlite3_bind_int64(st, 1, id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_CONSTRAINT_UNIQUE) {
			err = pt_diag_set(d, PT_ECONFLICT, 0, "name",
					  "an organisation named \"%s\" exists", name);
			goto out;
		}
		if (rc != SQLITE_DONE) {
			err = pt_db_fail(db, rc, d, "renaming an organisation");
			goto out;
		}
		used += (size_t)snprintf(detail + used, sizeof detail - used, "name: %s -> %s",
					 before.name, name);
	}
	if (type) {
		if ((err = pt_db_prepare(db, &stmts, ST_ORG_SET_TYPE, &st, d)) != PT_OK)
			goto out;
		rc = sqlite3_bind_int64(st, 1, id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, pt_org_type_name(*type), -1, SQLITE_STATIC);
		if ((err = pt_db_step_done(db, st, rc, "changing an organisation's type", d)) != PT_OK)
			goto out;
		if (used < sizeof detail)
			snprintf(detail + used, sizeof detail - used, "%stype: %s -> %s",
				 used ? "; " : "", pt_org_type_name(before.type),
				 pt_org_type_name(*type));
	}
	snprintf(rid, sizeof rid, "%lld", id);
	err = pt_audit_append(db, "org.update", "organisations", rid, detail, d);
out:
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_org_partners(struct pt_db *db, long long id, long long **ids, size_t *n,
			       struct pt_diag *d)
{
	if (!db || !ids || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	return pt_db_ids_read(db, &stmts, ST_PARTNERS, NULL, id, PT_PARTNERS_MAX, ids, n, d);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

enum pt_err pt_db_org_set_partners(struct pt_db *db, long long id, const long long *ids,
				   size_t n, struct pt_diag *d)
{
	long long *sorted = NULL;
	sqlite3_stmt *st;
	enum pt_err err;
	char rid[32], detail[PT_AUDIT_DETAIL_MAX];
	size_t i, m = 0, used;
	int rc;

	if (!db || (n && !ids))
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no partners");
	if (n > PT_PARTNERS_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "partners", "at most %d partners",
				   PT_PARTNERS_MAX);
	if (n) {
		sorted = malloc(n * sizeof *sorted);
		if (!sorted)
			return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		memcpy(sorted, ids, n * sizeof *sorted);
		qsort(sorted, n, sizeof *sorted, cmp_ll);
		for (i = 0; i < n; i++)
			if (!m || sorted[m - 1] != sorted[i])
				sorted[m++] = sorted[i];
	}
	if ((err = pt_db_begin(db, d)) != PT_OK)
		goto done;
	if (!exists_id(db, ST_ORG_EXISTS, id)) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no organisation with id %lld", id);
		goto out;
	}
	for (i = 0; i < m; i++) {
		if (sorted[i] == id) {
			err = pt_diag_set(d, PT_EINVAL, 0, "partners",
					  "an organisation cannot be its own partner");
			goto out;
		}
		if (!exists_id(db, ST_ORG_EXISTS, sorted[i])) {
			err = pt_diag_set(d, PT_ENOTFOUND, 0, "partners",
					  "no organisation with id %lld", sorted[i]);
			goto out;
		}
	}
	if ((err = pt_db_prepare(db, &stmts, ST_PARTNERS_CLEAR, &st, d)) != PT_OK ||
	    (err = pt_db_step_done(db, st, sqlite3_bind_int64(st, 1, id), "clearing partners", d)) != PT_OK)
		goto out;
	used = (size_t)snprintf(detail, sizeof detail, "partners:");
	for (i = 0; i < m; i++) {
		if ((err = pt_db_prepare(db, &stmts, ST_PARTNER_ADD, &st, d)) != PT_OK)
			goto out;
		rc = sqlite3_bind_int64(st, 1, id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 2, sorted[i]);
		if ((err = pt_db_step_done(db, st, rc, "adding a partner", d)) != PT_OK)
			goto out;
		if (used < sizeof detail)
			used += (size_t)snprintf(detail + used, sizeof detail - used, "%s %lld",
						 i ? "," : "", sorted[i]);
	}
	if (!m)
		snprintf(detail, sizeof detail, "partners: none");
	snprintf(rid, sizeof rid, "%lld", id);
	err = pt_audit_append(db, "org.partners", "organisations", rid, detail, d);
out:
	err = pt_db_end(db, err, d);
done:
	free(sorted);
	return err;
}

enum pt_err pt_db_orgs_list(struct pt_db *db, struct pt_org **orgs, size_t *n, struct pt_diag *d)
{
	struct pt_db_rows rows = {NULL, 0, 0, sizeof **orgs, PT_DB_MAX_ORGS, "too many organisations",
				  org_one, NULL};
	sqlite3_stmt *st;
	enum pt_err err;

	if (!db || !orgs || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*orgs = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_ORGS_ALL, &st, d)) != PT_OK)
		return err;
	err = pt_db_rows_read(db, st, &rows, "listing organisations", d);
	*orgs = rows.items;
	*n = rows.n;
	return err;
}

/* ---- passwords ------------------------------------------------------------- */

int pt_user_name_valid(const char *name)
{
	size_t n;
	if (!name)
		return 0;
	n = strnlen(name, PT_USER_NAME_MAX);
	if (n == 0 || n >= PT_USER_NAME_MAX)
		return 0;
	for (; *name; name++) {
		char c = *name;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

enum pt_err pt_password_check(const char *password, size_t len, struct pt_diag *d)
{
	if (!password || len < PT_PASSWORD_MIN || len > PT_PASSWORD_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "password", "a password is %d to %d bytes",
				   PT_PASSWORD_MIN, PT_PASSWORD_MAX);
	if (memchr(password, '\0', len))
		return pt_diag_set(d, PT_EINVAL, 0, "password", "a password cannot hold a NUL byte");
	return PT_OK;
}

/* cracklib's dictionary as Debian's cracklib-runtime installs it. */
#define CRACKLIB_DICT "/var/cache/cracklib/cracklib_dict"

/* libpwquality (and cracklib under it) is not known to be thread-safe: one check at a time. */
static pthread_mutex_t quality_lock = PTHREAD_MUTEX_INITIALIZER;

enum pt_err pt_password_quality(const char *password, const char *user, struct pt_diag *d)
{
	pwquality_settings_t *settings;
	char why[PWQ_MAX_ERROR_MESSAGE_LEN];
	void *aux = NULL;
	enum pt_err err = PT_OK;
	int rc;

	if ((err = pt_password_check(password, password ? strlen(password) : 0, d)) != PT_OK)
		return err;
	pthread_mutex_lock(&quality_lock);
	/* libpwquality's defaults, never /etc/security/pwquality.conf (the same answer on every
	 * machine), with no composition rules (NIST SP 800-63B 5.1.1.2): the length rule is
	 * pt_password_check's; what is left is the dictionary and the user name. */
	settings = pwquality_default_settings();
	if (!settings) {
		pthread_mutex_unlock(&quality_lock);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory checking the password");
	}
	pwquality_set_int_value(settings, PWQ_SETTING_MIN_LENGTH, PT_PASSWORD_MIN);
	pwquality_set_int_value(settings, PWQ_SETTING_DIFF_OK, 0);
	pwquality_set_int_value(settings, PWQ_SETTING_MIN_CLASS, 0);
	pwquality_set_int_value(settings, PWQ_SETTING_MAX_REPEAT, 0);
	pwquality_set_int_value(settings, PWQ_SETTING_MAX_CLASS_REPEAT, 0);
	pwquality_set_int_value(settings, PWQ_SETTING_MAX_SEQUENCE, 0);
	pwquality_set_int_value(settings, PWQ_SETTING_DICT_CHECK, 1);
	pwquality_set_int_value(settings, PWQ_SETTING_USER_CHECK, 1);
	pwquality_set_str_value(settings, PWQ_SETTING_DICT_PATH, CRACKLIB_DICT);
	/* cracklib answers a missing dictionary as a failed check: look for it first. */
	rc = access(CRACKLIB_DICT ".pwd", R_OK) == 0 ? pwquality_check(settings, password, NULL, user, &aux)
						      : 1;
	if (rc == 1 && access(CRACKLIB_DICT ".pwd", R_OK) != 0) {
		err = pt_diag_set(d, PT_EINTERNAL, 0, "password",
				  "the dictionary of common passwords (%s.pwd) cannot be read; install "
				  "cracklib-runtime",
				  CRACKLIB_DICT);
	} else if (rc < 0) {
		const char *reason = pwquality_strerror(why, sizeof why, rc, aux);
		err = pt_diag_set(d, PT_EINVAL, 0, "password",
				  "too easy to guess: %s; choose another (a few unrelated words make a "
				  "good one)", reason ? reason : "refused");
	}
	pwquality_free_settings(settings);
	pthread_mutex_unlock(&quality_lock);
	return err;
}

enum pt_err pt_password_hash(const char *password, size_t len, char *out, size_t out_size,
			     struct pt_diag *d)
{
	enum pt_err err;
	if (!out || out_size < crypto_pwhash_STRBYTES)
		return pt_diag_set(d, PT_EINVAL, 0, "", "hash buffer too small");
	if ((err = pt_password_check(password, len, d)) != PT_OK || (err = sodium_ready(d)) != PT_OK)
		return err;
	if (crypto_pwhash_str(out, password, (unsigned long long)len,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return pt_diag_set(d, PT_ENOMEM, 0, "",
				   "out of memory hashing the password (argon2id needs 64 MiB)");
	return PT_OK;
}

int pt_password_verify(const char *hash, const char *password, size_t len)
{
	if (!hash || !password || len > PT_PASSWORD_MAX || sodium_init() < 0)
		return 0;
	if (strnlen(hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
		return 0;
	return crypto_pwhash_str_verify(hash, password, (unsigned long long)len) == 0;
}

/* ---- users ------------------------------------------------------------------ */

void pt_user_principal(const struct pt_user *u, struct pt_principal *out)
{
	memset(out, 0, sizeof *out);
	if (!u)
		return;
	out->user_id = u->id;
	out->org_id = u->org_id;
	out->org_type = u->org_type;
	out->role = u->role;
	out->admin_by_system = pt_access_appointed_admin(u->role, u->admin_by_system);
	out->role_by_system = u->role_by_system != 0; /* issue 13: appointed (alert approvers) */
}

enum pt_err pt_db_user_add(struct pt_db *db, const char *name, const char *password,
			   enum pt_role role, long long org_id, long long *id, struct pt_diag *d)
{
	return pt_db_user_add_by(db, name, password, role, org_id, 1, id, d);
}

enum pt_err pt_db_user_maker_add(struct pt_db *db, long long user_id, const char *how,
				const char *made_by, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || user_id <= 0 || !how || !made_by || !*made_by)
		return PT_OK;
	if ((err = pt_db_prepare(db, &stmts, ST_USER_MAKER_ADD, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, how, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, made_by, -1, SQLITE_STATIC);
	return pt_db_step_done(db, st, rc, "recording who made a user", d);
}

/* Record the acting user (pt_db_set_actor) as a maker of user id, how
 * ("create", "role", "password"): nothing for the system administrator or
 * the user itself (separation of duties, migration 018). */
static enum pt_err actor_made(struct pt_db *db, long long id, const char *how, struct pt_diag *d)
{
	const char *name = NULL;
	long long actor_id = 0;
	pt_db_actor(db, &actor_id, NULL, &name, NULL);
	if (actor_id <= 0 || actor_id == id || !name || !*name)
		return PT_OK;
	return pt_db_user_maker_add(db, id, how, name, d);
}

enum pt_err pt_db_user_maker_ids(struct pt_db *db, long long user_id, long long *ids, size_t cap,
				 size_t *n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*n = 0;
	if (!db || user_id <= 0)
		return PT_OK;
	if ((err = pt_db_prepare(db, &stmts, ST_USER_MAKER_IDS, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, user_id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n < cap)
			ids[(*n)++] = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pt_db_fail(db, rc, d, "reading who made a user");
	return PT_OK;
}

enum pt_err pt_db_user_add_by(struct pt_db *db, const char *name, const char *password,
			      enum pt_role role, long long org_id, int by_system, long long *id,
			      struct pt_diag *d)
{
	char hash[PT_PASSWORD_HASH_MAX];
	char rid[32], detail[PT_NAME_MAX + 64];
	struct pt_org org;
	sqlite3_stmt *st;
	long long new_id, now;
	enum pt_err err;
	int rc;

	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if (!pt_user_name_valid(name))
		return pt_diag_set(d, PT_EINVAL, 0, "name",
				   "a user name is 1-%d characters of A-Z a-z 0-9 . _ -",
				   PT_USER_NAME_MAX - 1);
	if (!pt_role_name(role)[0])
		return pt_diag_set(d, PT_EINVAL, 0, "role", "not a role");
	/* The slow hashing happens before the write lock is taken. */
	if ((err = pt_password_hash(password, password ? strlen(password) : 0, hash, sizeof hash,
				    d)) != PT_OK)
		return err;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		goto done;
	if ((err = org_query(db, ST_ORG_GET, org_id, NULL, &org, d)) != PT_OK) {
		if (err == PT_ENOTFOUND && d)
			pt_strlcpy(d->field, "organisation", sizeof d->field);
		goto out;
	}
	{
		int64_t actor_now;
		pt_db_actor(db, NULL, NULL, NULL, &actor_now);
		now = actor_now > 0 ? actor_now : (long long)time(NULL);
	}
	if ((err = pt_db_prepare(db, &stmts, ST_USER_ADD, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, pt_role_name(role), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, org_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 6, pt_access_appointed_admin(role, by_system) ? 1 : 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 7, by_system ? 1 : 0); /* issue 13: role_by_system */
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		/* name the user that exists, in its stored spelling */
		struct pt_user other;
		if (pt_db_user_lookup(db, name, 0, &other, NULL) == PT_OK &&
		    strcmp(other.name, name) != 0)
			err = pt_diag_set(d, PT_ECONFLICT, 0, "name",
					  "a user named \"%s\" exists (names are compared without "
					  "regard to case)",
					  other.name);
		else
			err = pt_diag_set(d, PT_ECONFLICT, 0, "name", "a user named \"%s\" exists",
					  name);
		goto out;
	}
	if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "creating a user");
		goto out;
	}
	new_id = pt_db_last_id(db);
	snprintf(rid, sizeof rid, "%s", name);
	snprintf(detail, sizeof detail, "%s of %s (organisation %lld)", pt_role_name(role), org.name,
		 org_id);
	if ((err = pt_audit_append(db, "user.create", "users", rid, detail, d)) != PT_OK)
		goto out;
	if ((err = actor_made(db, new_id, "create", d)) != PT_OK)
		goto out;
	if (id)
		*id = new_id;
out:
	err = pt_db_end(db, err, d);
done:
	sodium_memzero(hash, sizeof hash);
	return err;
}

/* A PT_DB_USER_COLUMNS row from column 0, as a pt_db_fill_fn. */
static enum pt_err user_one(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	(void)ctx;
	return pt_db_user_from_row(st, 0, row, d);
}

enum pt_err pt_db_user_lookup(struct pt_db *db, const char *name, long long id,
			      struct pt_user *out, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	if ((err = pt_db_prepare(db, &stmts, name ? ST_USER_BY_NAME : ST_USER_BY_ID, &st, d)) != PT_OK)
		return err;
	rc = name ? sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) : sqlite3_bind_int64(st, 1, id);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a user");
	}
	err = pt_db_row_one(db, st, user_one, out, NULL, "reading a user", d);
	if (err != PT_ENOTFOUND)
		return err;
	return name ? pt_diag_set(d, PT_ENOTFOUND, 0, "name", "no user named \"%s\"", name)
		    : pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no user with id %lld", id);
}

enum pt_err pt_db_user_get(struct pt_db *db, const char *name, struct pt_user *out,
			   struct pt_diag *d)
{
	if (!name)
		return pt_diag_set(d, PT_EINVAL, 0, "name", "no user name");
	return pt_db_user_lookup(db, name, 0, out, d);
}

enum pt_err pt_db_user_get_id(struct pt_db *db, long long id, struct pt_user *out,
			      struct pt_diag *d)
{
	return pt_db_user_lookup(db, NULL, id, out, d);
}

enum pt_err pt_db_users_list(struct pt_db *db, long long org_id, struct pt_user **users,
			     size_t *n, struct pt_diag *d)
{
	struct pt_db_rows rows = {NULL, 0, 0, sizeof **users, PT_USERS_MAX, "too many users",
				  user_one, NULL};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !users || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*users = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_USERS_ALL, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, org_id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "listing users");
	}
	err = pt_db_rows_read(db, st, &rows, "listing users", d);
	*users = rows.items;
	*n = rows.n;
	return err;
}

/* End every session of user id (inside the caller's transaction). */
static enum pt_err end_sessions(struct pt_db *db, long long user_id, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	if ((err = pt_db_prepare(db, &stmts, ST_SESSIONS_OF_USER_DELETE, &st, d)) != PT_OK)
		return err;
	return pt_db_step_done(db, st, sqlite3_bind_int64(st, 1, user_id), "ending sessions", d);
}

enum pt_err pt_db_user_set_password(struct pt_db *db, const char *name, const char *password,
				    struct pt_diag *d)
{
	char hash[PT_PASSWORD_HASH_MAX];
	struct pt_user u;
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !name)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no user name");
	if ((err = pt_password_hash(password, password ? strlen(password) : 0, hash, sizeof hash,
				    d)) != PT_OK)
		return err;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		goto done;
	if ((err = pt_db_user_lookup(db, name, 0, &u, d)) != PT_OK)
		goto out;
	if ((err = pt_db_prepare(db, &stmts, ST_USER_SET_HASH, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, u.id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	if ((err = pt_db_step_done(db, st, rc, "storing the password", d)) != PT_OK ||
	    (err = end_sessions(db, u.id, d)) != PT_OK)
		goto out;
	if ((err = actor_made(db, u.id, "password", d)) != PT_OK)
		goto out;
	err = pt_audit_append(db, "user.password", "users", u.name,
			      "password changed; sessions ended", d);
out:
	err = pt_db_end(db, err, d);
done:
	sodium_memzero(hash, sizeof hash);
	return err;
}

enum pt_err pt_db_user_set_role(struct pt_db *db, const char *name, enum pt_role role,
				struct pt_diag *d)
{
	return pt_db_user_set_role_by(db, name, role, 1, d);
}

enum pt_err pt_db_user_set_role_by(struct pt_db *db, const char *name, enum pt_role role,
				   int by_system, struct pt_diag *d)
{
	struct pt_user u;
	sqlite3_stmt *st;
	enum pt_err err;
	char detail[64];
	int rc;
	if (!db || !name)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no user name");
	if (!pt_role_name(role)[0])
		return pt_diag_set(d, PT_EINVAL, 0, "role", "not a role");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_user_lookup(db, name, 0, &u, d)) != PT_OK)
		goto out;
	if ((err = pt_db_prepare(db, &stmts, ST_USER_SET_ROLE, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, u.id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, pt_role_name(role), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 3, pt_access_appointed_admin(role, by_system) ? 1 : 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 4, by_system ? 1 : 0); /* issue 13: role_by_system */
	if ((err = pt_db_step_done(db, st, rc, "storing the role", d)) != PT_OK ||
	    (err = end_sessions(db, u.id, d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail, "role: %s -> %s; sessions ended", pt_role_name(u.role),
		 pt_role_name(role));
	if (!by_system && (err = actor_made(db, u.id, "role", d)) != PT_OK)
		goto out;
	err = pt_audit_append(db, "user.role", "users", u.name, detail, d);
out:
	return pt_db_end(db, err, d);
}
