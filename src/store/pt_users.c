/* pt_users.c - organisations and partners, users with argon2id passwords
 * (libsodium), sessions and CSRF tokens, failed log-ins, RED readers, the access index. */
#include "pt_users.h"

#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../formats/pt_diag.h"
#include "pt_audit.h"

#define LOGIN_FAILURE_ROWS_MAX 100000 /* names whose failures are remembered */
#define INDEX_ROWS_MAX 4000000        /* organisations, partner pairs or reader pairs in an index */

/*
 * An argon2id hash (INTERACTIVE limits) of a fixed decoy: a log-in as an
 * unknown user is checked against it, so it costs what a wrong password
 * costs and the answer's timing does not tell which names exist.
 */
static const char DECOY_HASH[] =
	"$argon2id$v=19$m=65536,t=2,p=1$oGtjzts/tpmYiTHCy/iV+w$"
	"GsrSOAAN5uRyUr5cn3Yun+zXKyO3Rl4fvXQcrbMiUng";

/* The statement table of this module (cached per connection by address). */
static const char SQL_ORG_ADD[] = "INSERT INTO organisations (name, type) VALUES (?1, ?2)";
static const char SQL_ORG_GET[] = "SELECT id, name, type FROM organisations WHERE id = ?1";
static const char SQL_ORG_FIND[] = "SELECT id, name, type FROM organisations WHERE name = ?1";
static const char SQL_ORG_SET_NAME[] = "UPDATE organisations SET name = ?2 WHERE id = ?1";
static const char SQL_ORG_SET_TYPE[] = "UPDATE organisations SET type = ?2 WHERE id = ?1";
static const char SQL_PARTNERS[] =
	"SELECT partner_id FROM organisation_partners WHERE org_id = ?1 ORDER BY partner_id";
static const char SQL_PARTNERS_CLEAR[] = "DELETE FROM organisation_partners WHERE org_id = ?1";
static const char SQL_PARTNER_ADD[] =
	"INSERT INTO organisation_partners (org_id, partner_id) VALUES (?1, ?2)";
static const char SQL_ORG_EXISTS[] = "SELECT 1 FROM organisations WHERE id = ?1";
#define USER_COLUMNS                                                                       \
	"u.id, u.name, u.role, u.org_id, o.name, o.type FROM users u "                       \
	"JOIN organisations o ON o.id = u.org_id "
static const char SQL_USER_ADD[] =
	"INSERT INTO users (name, password_hash, role, org_id, created) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_USER_BY_NAME[] = "SELECT " USER_COLUMNS "WHERE u.name = ?1";
static const char SQL_USER_BY_ID[] = "SELECT " USER_COLUMNS "WHERE u.id = ?1";
static const char SQL_USERS_ALL[] =
	"SELECT " USER_COLUMNS "WHERE ?1 <= 0 OR u.org_id = ?1 ORDER BY u.name";
static const char SQL_USER_HASH[] = "SELECT password_hash FROM users WHERE name = ?1";
static const char SQL_USER_SET_HASH[] = "UPDATE users SET password_hash = ?2 WHERE id = ?1";
static const char SQL_USER_SET_ROLE[] = "UPDATE users SET role = ?2 WHERE id = ?1";
static const char SQL_SESSIONS_OF_USER_DELETE[] = "DELETE FROM sessions WHERE user_id = ?1";
static const char SQL_SESSION_ADD[] =
	"INSERT INTO sessions (token_hash, user_id, csrf, created, expires) "
	"VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_SESSION_GET[] =
	"SELECT s.id, s.created, s.expires, s.csrf, " USER_COLUMNS
	"JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = ?1";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE id = ?1";
static const char SQL_SESSIONS_PURGE[] = "DELETE FROM sessions WHERE expires <= ?1";
static const char SQL_FAIL_GET[] =
	"SELECT failures, first_at, blocked_until FROM login_failures WHERE name = ?1";
static const char SQL_FAIL_PUT[] =
	"INSERT INTO login_failures (name, failures, first_at, blocked_until) "
	"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET failures = excluded.failures, "
	"first_at = excluded.first_at, blocked_until = excluded.blocked_until";
static const char SQL_FAIL_CLEAR[] = "DELETE FROM login_failures WHERE name = ?1";
static const char SQL_FAIL_PURGE[] =
	"DELETE FROM login_failures WHERE first_at <= ?1 AND blocked_until <= ?2";
static const char SQL_FAIL_COUNT[] = "SELECT count(*) FROM login_failures";
static const char SQL_FAIL_TRIM[] =
	"DELETE FROM login_failures WHERE name IN (SELECT name FROM login_failures "
	"ORDER BY first_at LIMIT ?1)";
static const char SQL_SITE_EXISTS[] = "SELECT 1 FROM sites WHERE id = ?1";
static const char SQL_READERS[] =
	"SELECT user_id FROM site_readers WHERE site_id = ?1 ORDER BY user_id";
static const char SQL_READER_ADD[] =
	"INSERT INTO site_readers (site_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char SQL_READER_REMOVE[] =
	"DELETE FROM site_readers WHERE site_id = ?1 AND user_id = ?2";
static const char SQL_IX_ORGS[] = "SELECT id, name, type FROM organisations ORDER BY name";
static const char SQL_IX_ORG_COUNT[] = "SELECT count(*) FROM organisations";
static const char SQL_IX_PARTNERS[] =
	"SELECT org_id, partner_id FROM organisation_partners ORDER BY org_id, partner_id";
static const char SQL_IX_PARTNER_COUNT[] = "SELECT count(*) FROM organisation_partners";
static const char SQL_IX_READERS[] =
	"SELECT site_id, user_id FROM site_readers ORDER BY site_id, user_id";
static const char SQL_IX_READER_COUNT[] = "SELECT count(*) FROM site_readers";

/* ---- helpers ------------------------------------------------------------- */

static enum pt_err sodium_ready(struct pt_diag *d)
{
	if (sodium_init() < 0)
		return pt_diag_set(d, PT_EINTERNAL, 0, "", "libsodium could not be initialised");
	return PT_OK;
}

/* Step a statement that must finish (DONE); PT_OK or the failure described as what. */
static enum pt_err step_done(struct pt_db *db, sqlite3_stmt *st, int rc, const char *what,
			     struct pt_diag *d)
{
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pt_db_fail(db, rc, d, what);
	return PT_OK;
}

/* Copy a text column into buf of cap bytes (PT_ELIMIT when it does not fit). */
static enum pt_err col_text(sqlite3_stmt *st, int col, char *buf, size_t cap, struct pt_diag *d)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
	if (!t && sqlite3_column_type(st, col) != SQLITE_NULL)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory reading the database");
	if (n >= cap)
		return pt_diag_set(d, PT_ELIMIT, 0, sqlite3_column_name(st, col),
				   "stored value is %zu bytes, more than the %zu allowed", n, cap - 1);
	if (n)
		memcpy(buf, t, n);
	buf[n] = '\0';
	return PT_OK;
}

/* Nonzero when statement sql with one integer parameter returns a row. */
static int exists_id(struct pt_db *db, const char *sql, long long id)
{
	sqlite3_stmt *st;
	int rc;
	if (pt_db_stmt(db, sql, &st, NULL) != PT_OK)
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
static enum pt_err org_from_row(sqlite3_stmt *st, struct pt_org *o, struct pt_diag *d)
{
	char type[32];
	enum pt_err err;
	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	if ((err = col_text(st, 1, o->name, sizeof o->name, d)) != PT_OK ||
	    (err = col_text(st, 2, type, sizeof type, d)) != PT_OK)
		return err;
	if (pt_org_type_parse(type, &o->type) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "type", "organisation %lld: stored type \"%s\" is unknown",
				   o->id, type);
	return PT_OK;
}

/* Read a USER_COLUMNS row starting at column col into u. */
static enum pt_err user_from_row(sqlite3_stmt *st, int col, struct pt_user *u, struct pt_diag *d)
{
	char role[32], type[32];
	enum pt_err err;
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, col);
	u->org_id = sqlite3_column_int64(st, col + 3);
	if ((err = col_text(st, col + 1, u->name, sizeof u->name, d)) != PT_OK ||
	    (err = col_text(st, col + 2, role, sizeof role, d)) != PT_OK ||
	    (err = col_text(st, col + 4, u->org_name, sizeof u->org_name, d)) != PT_OK ||
	    (err = col_text(st, col + 5, type, sizeof type, d)) != PT_OK)
		return err;
	if (pt_role_parse(role, &u->role) != PT_OK || pt_org_type_parse(type, &u->org_type) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "role", "user \"%s\": stored role or type unknown",
				   u->name);
	return PT_OK;
}

/* Run a one-row organisation query by integer or text key. */
static enum pt_err org_query(struct pt_db *db, const char *sql, long long id, const char *name,
			     struct pt_org *out, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_stmt(db, sql, &st, d)) != PT_OK)
		return err;
	rc = name ? sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) : sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		err = org_from_row(st, out, d);
	else if (rc == SQLITE_DONE)
		err = name ? pt_diag_set(d, PT_ENOTFOUND, 0, "name", "no organisation named \"%s\"",
					 name)
			   : pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no organisation with id %lld", id);
	else
		err = pt_db_fail(db, rc, d, "reading an organisation");
	sqlite3_reset(st);
	return err;
}

/* Read a list of integers (first column) of statement sql bound to key (text or id). */
static enum pt_err id_list(struct pt_db *db, const char *sql, const char *key, long long id,
			   size_t max, long long **ids, size_t *n, struct pt_diag *d)
{
	long long *list = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*ids = NULL;
	*n = 0;
	if ((err = pt_db_stmt(db, sql, &st, d)) != PT_OK)
		return err;
	rc = key ? sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) : sqlite3_bind_int64(st, 1, id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = pt_db_grow((void **)&list, &cap, count, sizeof *list, max, "too many entries", d)) != PT_OK)
			goto out;
		list[count++] = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, "reading a list");
out:
	sqlite3_reset(st);
	if (err != PT_OK || !count) {
		free(list);
		list = NULL;
		count = 0;
	}
	*ids = list;
	*n = count;
	return err;
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
	if ((err = pt_db_stmt(db, SQL_ORG_ADD, &st, d)) != PT_OK)
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
	new_id = sqlite3_last_insert_rowid(pt_db_sqlite(db));
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
	return org_query(db, SQL_ORG_GET, id, NULL, out, d);
}

enum pt_err pt_db_org_find(struct pt_db *db, const char *name, struct pt_org *out,
			   struct pt_diag *d)
{
	if (!db || !name || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, name or output");
	return org_query(db, SQL_ORG_FIND, 0, name, out, d);
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
	if ((err = org_query(db, SQL_ORG_GET, id, NULL, &before, d)) != PT_OK)
		goto out;
	detail[0] = '\0';
	if (name) {
		if ((err = pt_db_stmt(db, SQL_ORG_SET_NAME, &st, d)) != PT_OK)
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
		if ((err = pt_db_stmt(db, SQL_ORG_SET_TYPE, &st, d)) != PT_OK)
			goto out;
		rc = sqlite3_bind_int64(st, 1, id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, pt_org_type_name(*type), -1, SQLITE_STATIC);
		if ((err = step_done(db, st, rc, "changing an organisation's type", d)) != PT_OK)
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
	return id_list(db, SQL_PARTNERS, NULL, id, PT_PARTNERS_MAX, ids, n, d);
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
	if (!exists_id(db, SQL_ORG_EXISTS, id)) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no organisation with id %lld", id);
		goto out;
	}
	for (i = 0; i < m; i++) {
		if (sorted[i] == id) {
			err = pt_diag_set(d, PT_EINVAL, 0, "partners",
					  "an organisation cannot be its own partner");
			goto out;
		}
		if (!exists_id(db, SQL_ORG_EXISTS, sorted[i])) {
			err = pt_diag_set(d, PT_ENOTFOUND, 0, "partners",
					  "no organisation with id %lld", sorted[i]);
			goto out;
		}
	}
	if ((err = pt_db_stmt(db, SQL_PARTNERS_CLEAR, &st, d)) != PT_OK ||
	    (err = step_done(db, st, sqlite3_bind_int64(st, 1, id), "clearing partners", d)) != PT_OK)
		goto out;
	used = (size_t)snprintf(detail, sizeof detail, "partners:");
	for (i = 0; i < m; i++) {
		if ((err = pt_db_stmt(db, SQL_PARTNER_ADD, &st, d)) != PT_OK)
			goto out;
		rc = sqlite3_bind_int64(st, 1, id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 2, sorted[i]);
		if ((err = step_done(db, st, rc, "adding a partner", d)) != PT_OK)
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
}

enum pt_err pt_db_user_add(struct pt_db *db, const char *name, const char *password,
			   enum pt_role role, long long org_id, long long *id, struct pt_diag *d)
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
	if ((unsigned)role >= PT_ROLE_COUNT)
		return pt_diag_set(d, PT_EINVAL, 0, "role", "not a role");
	/* The slow hashing happens before the write lock is taken. */
	if ((err = pt_password_hash(password, password ? strlen(password) : 0, hash, sizeof hash,
				    d)) != PT_OK)
		return err;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		goto done;
	if ((err = org_query(db, SQL_ORG_GET, org_id, NULL, &org, d)) != PT_OK) {
		if (err == PT_ENOTFOUND && d)
			pt_strlcpy(d->field, "organisation", sizeof d->field);
		goto out;
	}
	{
		int64_t actor_now;
		pt_db_actor(db, NULL, NULL, NULL, &actor_now);
		now = actor_now > 0 ? actor_now : (long long)time(NULL);
	}
	if ((err = pt_db_stmt(db, SQL_USER_ADD, &st, d)) != PT_OK)
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
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "name", "a user named \"%s\" exists", name);
		goto out;
	}
	if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "creating a user");
		goto out;
	}
	new_id = sqlite3_last_insert_rowid(pt_db_sqlite(db));
	snprintf(rid, sizeof rid, "%s", name);
	snprintf(detail, sizeof detail, "%s of %s (organisation %lld)", pt_role_name(role), org.name,
		 org_id);
	if ((err = pt_audit_append(db, "user.create", "users", rid, detail, d)) != PT_OK)
		goto out;
	if (id)
		*id = new_id;
out:
	err = pt_db_end(db, err, d);
done:
	sodium_memzero(hash, sizeof hash);
	return err;
}

/* One user by name or id. */
static enum pt_err user_query(struct pt_db *db, const char *name, long long id,
			      struct pt_user *out, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	if ((err = pt_db_stmt(db, name ? SQL_USER_BY_NAME : SQL_USER_BY_ID, &st, d)) != PT_OK)
		return err;
	rc = name ? sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) : sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		err = user_from_row(st, 0, out, d);
	else if (rc == SQLITE_DONE)
		err = name ? pt_diag_set(d, PT_ENOTFOUND, 0, "name", "no user named \"%s\"", name)
			   : pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no user with id %lld", id);
	else
		err = pt_db_fail(db, rc, d, "reading a user");
	sqlite3_reset(st);
	return err;
}

enum pt_err pt_db_user_get(struct pt_db *db, const char *name, struct pt_user *out,
			   struct pt_diag *d)
{
	if (!name)
		return pt_diag_set(d, PT_EINVAL, 0, "name", "no user name");
	return user_query(db, name, 0, out, d);
}

enum pt_err pt_db_user_get_id(struct pt_db *db, long long id, struct pt_user *out,
			      struct pt_diag *d)
{
	return user_query(db, NULL, id, out, d);
}

enum pt_err pt_db_users_list(struct pt_db *db, long long org_id, struct pt_user **users,
			     size_t *n, struct pt_diag *d)
{
	struct pt_user *list = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (!db || !users || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*users = NULL;
	*n = 0;
	if ((err = pt_db_stmt(db, SQL_USERS_ALL, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, org_id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = pt_db_grow((void **)&list, &cap, count, sizeof *list, PT_USERS_MAX, "too many users", d)) != PT_OK)
			goto out;
		if ((err = user_from_row(st, 0, &list[count], d)) != PT_OK)
			goto out;
		count++;
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, "listing users");
out:
	sqlite3_reset(st);
	if (err != PT_OK || !count) {
		free(list);
		list = NULL;
		count = 0;
	}
	*users = list;
	*n = count;
	return err;
}

/* End every session of user id (inside the caller's transaction). */
static enum pt_err end_sessions(struct pt_db *db, long long user_id, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	if ((err = pt_db_stmt(db, SQL_SESSIONS_OF_USER_DELETE, &st, d)) != PT_OK)
		return err;
	return step_done(db, st, sqlite3_bind_int64(st, 1, user_id), "ending sessions", d);
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
	if ((err = user_query(db, name, 0, &u, d)) != PT_OK)
		goto out;
	if ((err = pt_db_stmt(db, SQL_USER_SET_HASH, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, u.id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	if ((err = step_done(db, st, rc, "storing the password", d)) != PT_OK ||
	    (err = end_sessions(db, u.id, d)) != PT_OK)
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
	struct pt_user u;
	sqlite3_stmt *st;
	enum pt_err err;
	char detail[64];
	int rc;
	if (!db || !name)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no user name");
	if ((unsigned)role >= PT_ROLE_COUNT)
		return pt_diag_set(d, PT_EINVAL, 0, "role", "not a role");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = user_query(db, name, 0, &u, d)) != PT_OK)
		goto out;
	if ((err = pt_db_stmt(db, SQL_USER_SET_ROLE, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, u.id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, pt_role_name(role), -1, SQLITE_STATIC);
	if ((err = step_done(db, st, rc, "storing the role", d)) != PT_OK ||
	    (err = end_sessions(db, u.id, d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail, "role: %s -> %s; sessions ended", pt_role_name(u.role),
		 pt_role_name(role));
	err = pt_audit_append(db, "user.role", "users", u.name, detail, d);
out:
	return pt_db_end(db, err, d);
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
	if ((err = pt_db_stmt(db, SQL_FAIL_GET, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		long long blocked = sqlite3_column_int64(st, 2);
		*failures = sqlite3_column_int64(st, 0);
		*first_at = sqlite3_column_int64(st, 1);
		if (blocked > now)
			*wait = blocked - now > LONG_MAX ? LONG_MAX : (long)(blocked - now);
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

/* Count a failed log-in of name at now (its own transaction). */
static enum pt_err failure_count(struct pt_db *db, const char *name, int64_t now,
				 struct pt_diag *d)
{
	long long failures, first_at, rows = 0, blocked = 0;
	sqlite3_stmt *st;
	enum pt_err err;
	long wait;
	int rc;
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = failures_wait(db, name, now, &wait, &failures, &first_at, d)) != PT_OK)
		goto out;
	if (!failures || now - first_at >= PT_LOGIN_WINDOW_S) {
		failures = 0;
		first_at = now;
	}
	failures++;
	if (failures >= PT_LOGIN_FAILS_MAX)
		blocked = now + PT_LOGIN_WINDOW_S;
	/* Forget stale names, and keep the table bounded. */
	if ((err = pt_db_stmt(db, SQL_FAIL_PURGE, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, now - PT_LOGIN_WINDOW_S);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, now);
	if ((err = step_done(db, st, rc, "forgetting old failures", d)) != PT_OK)
		goto out;
	if ((err = pt_db_stmt(db, SQL_FAIL_COUNT, &st, d)) != PT_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		rows = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rows >= LOGIN_FAILURE_ROWS_MAX) {
		if ((err = pt_db_stmt(db, SQL_FAIL_TRIM, &st, d)) != PT_OK ||
		    (err = step_done(db, st,
				     sqlite3_bind_int64(st, 1, rows - LOGIN_FAILURE_ROWS_MAX + 1),
				     "forgetting old failures", d)) != PT_OK)
			goto out;
	}
	if ((err = pt_db_stmt(db, SQL_FAIL_PUT, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, failures);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, first_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, blocked);
	err = step_done(db, st, rc, "counting a failed log-in", d);
out:
	return pt_db_end(db, err, d);
}

/* Create the session of u at now for ttl seconds; the token into out->token. */
static enum pt_err session_create(struct pt_db *db, const struct pt_user *u, int64_t now,
				  int64_t ttl, struct pt_login *out, struct pt_diag *d)
{
	char hash[65], rid[32], detail[64];
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
	if ((err = pt_db_stmt(db, SQL_FAIL_CLEAR, &st, d)) != PT_OK ||
	    (err = step_done(db, st, sqlite3_bind_text(st, 1, u->name, -1, SQLITE_STATIC),
			     "clearing failed log-ins", d)) != PT_OK)
		goto out;
	if ((err = pt_db_stmt(db, SQL_SESSION_ADD, &st, d)) != PT_OK)
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
	if ((err = step_done(db, st, rc, "creating a session", d)) != PT_OK)
		goto out;
	out->session.id = sqlite3_last_insert_rowid(pt_db_sqlite(db));
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
	char hash[PT_PASSWORD_HASH_MAX];
	struct pt_user u;
	sqlite3_stmt *st;
	long long failures, first_at;
	size_t plen;
	enum pt_err err;
	int rc, known = 0, match;
	long wait = 0;

	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	memset(out, 0, sizeof *out);
	if ((err = sodium_ready(d)) != PT_OK)
		return err;
	if (ttl <= 0)
		ttl = PT_SESSION_TTL_DEFAULT;
	if (ttl > PT_SESSION_TTL_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "ttl", "a session lasts at most %d seconds",
				   PT_SESSION_TTL_MAX);
	plen = password ? strnlen(password, PT_PASSWORD_MAX + 1) : 0;
	if (pt_user_name_valid(name)) {
		if ((err = failures_wait(db, name, now, &wait, &failures, &first_at, d)) != PT_OK)
			return err;
		if (wait > 0) {
			out->retry_after = wait;
			return pt_diag_set(d, PT_ELIMIT, 0, "",
					   "too many failed log-ins; try again in %ld seconds", wait);
		}
		if ((err = pt_db_stmt(db, SQL_USER_HASH, &st, d)) != PT_OK)
			return err;
		rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			known = col_text(st, 0, hash, sizeof hash, d) == PT_OK;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return pt_db_fail(db, rc, d, "reading a user");
	}
	/* The same argon2id work whether or not the user exists. */
	match = pt_password_verify(known ? hash : DECOY_HASH, password ? password : "",
				   plen <= PT_PASSWORD_MAX ? plen : 0) &&
		known && plen <= PT_PASSWORD_MAX;
	sodium_memzero(hash, sizeof hash);
	if (!match) {
		if (pt_user_name_valid(name) && (err = failure_count(db, name, now, d)) != PT_OK)
			return err;
		return pt_diag_set(d, PT_ENOTFOUND, 0, "", "wrong user name or password");
	}
	if ((err = user_query(db, name, 0, &u, d)) != PT_OK)
		return err;
	return session_create(db, &u, now, ttl, out, d);
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
	if ((err = pt_db_stmt(db, SQL_SESSION_GET, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		out->id = id;
		out->created = sqlite3_column_int64(st, 1);
		out->expires = sqlite3_column_int64(st, 2);
		if ((err = col_text(st, 3, out->csrf, sizeof out->csrf, d)) == PT_OK)
			err = user_from_row(st, 4, &out->user, d);
		expired = out->expires <= now;
	} else if (rc == SQLITE_DONE) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "", "no such session");
	} else {
		err = pt_db_fail(db, rc, d, "reading a session");
	}
	sqlite3_reset(st);
	if (err == PT_OK && expired) {
		memset(out, 0, sizeof *out);
		if (!pt_db_in_transaction(db) && pt_db_stmt(db, SQL_SESSION_DELETE, &st, NULL) == PT_OK)
			step_done(db, st, sqlite3_bind_int64(st, 1, id), "", NULL);
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
	if ((err = pt_db_stmt(db, SQL_SESSION_DELETE, &st, d)) != PT_OK ||
	    (err = step_done(db, st, sqlite3_bind_int64(st, 1, s.id), "ending a session", d)) !=
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
	if ((err = pt_db_stmt(db, SQL_SESSIONS_PURGE, &st, d)) != PT_OK)
		return err;
	err = step_done(db, st, sqlite3_bind_int64(st, 1, now), "removing expired sessions", d);
	if (err == PT_OK && removed)
		*removed = (size_t)sqlite3_changes(pt_db_sqlite(db));
	return err;
}

int pt_session_csrf_ok(const struct pt_session *s, const char *token)
{
	if (!s || !token || !s->csrf[0] || strnlen(token, PT_TOKEN_TEXT_MAX) != strlen(s->csrf))
		return 0;
	return sodium_memcmp(s->csrf, token, strlen(s->csrf)) == 0;
}

/* ---- RED readers -------------------------------------------------------------- */

enum pt_err pt_db_site_readers(struct pt_db *db, const char *site_id, long long **user_ids,
			       size_t *n, struct pt_diag *d)
{
	if (!db || !site_id || !user_ids || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, site or output");
	return id_list(db, SQL_READERS, site_id, 0, PT_USERS_MAX, user_ids, n, d);
}

/* Add or remove (add == 0) a named reader, audited. */
static enum pt_err reader_change(struct pt_db *db, const char *site_id, long long user_id,
				 int add, struct pt_diag *d)
{
	sqlite3_stmt *st;
	struct pt_user u;
	enum pt_err err;
	char detail[PT_USER_NAME_MAX + 48];
	int rc;
	if (!db || !site_id)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no site");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_stmt(db, SQL_SITE_EXISTS, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, site_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? pt_diag_set(d, PT_ENOTFOUND, 0, "site_id",
						      "no site with id \"%s\"", site_id)
					: pt_db_fail(db, rc, d, "reading a site");
		goto out;
	}
	if ((err = user_query(db, NULL, user_id, &u, d)) != PT_OK)
		goto out;
	if ((err = pt_db_stmt(db, add ? SQL_READER_ADD : SQL_READER_REMOVE, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, site_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, user_id);
	if ((err = step_done(db, st, rc, "changing the readers", d)) != PT_OK)
		goto out;
	if (!add && sqlite3_changes(pt_db_sqlite(db)) == 0) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "user",
				  "user \"%s\" is not named on site \"%s\"", u.name, site_id);
		goto out;
	}
	snprintf(detail, sizeof detail, "%s %s", add ? "named" : "no longer named", u.name);
	err = pt_audit_append(db, add ? "site.reader.add" : "site.reader.remove", "sites", site_id,
			      detail, d);
out:
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_site_reader_add(struct pt_db *db, const char *site_id, long long user_id,
				  struct pt_diag *d)
{
	return reader_change(db, site_id, user_id, 1, d);
}

enum pt_err pt_db_site_reader_remove(struct pt_db *db, const char *site_id, long long user_id,
				     struct pt_diag *d)
{
	return reader_change(db, site_id, user_id, 0, d);
}

/* ---- the access index ------------------------------------------------------------ */

struct ix_org {
	long long id;
	enum pt_org_type type;
	char *name;
	size_t first_partner, n_partners; /* into partner_ids */
};

struct ix_site {
	char *id;
	size_t first_reader, n_readers; /* into reader_ids */
};

struct pt_access_index {
	struct ix_org *orgs;          /* by name */
	size_t n_orgs;
	long long *org_by_id;         /* indexes into orgs sorted by id: ids then positions */
	size_t *org_pos;
	long long *partner_ids;
	size_t n_partner_ids;
	struct ix_site *sites;        /* sites with named readers, by id */
	size_t n_sites;
	long long *reader_ids;
	size_t n_reader_ids;
};

void pt_access_index_free(struct pt_access_index *ix)
{
	size_t i;
	if (!ix)
		return;
	for (i = 0; i < ix->n_orgs; i++)
		free(ix->orgs[i].name);
	for (i = 0; i < ix->n_sites; i++)
		free(ix->sites[i].id);
	free(ix->orgs);
	free(ix->org_by_id);
	free(ix->org_pos);
	free(ix->partner_ids);
	free(ix->sites);
	free(ix->reader_ids);
	free(ix);
}

/* count(*) of sql into *n, checked against INDEX_ROWS_MAX. */
static enum pt_err ix_count(struct pt_db *db, const char *sql, size_t *n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	long long v = 0;
	int rc;
	if ((err = pt_db_stmt(db, sql, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return pt_db_fail(db, rc, d, "counting");
	if (v < 0 || v > INDEX_ROWS_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "more than %d rows for the access index",
				   INDEX_ROWS_MAX);
	*n = (size_t)v;
	return PT_OK;
}

/* Position of org id in ix (sorted id array), or -1. */
static long ix_org_of_id(const struct pt_access_index *ix, long long id)
{
	size_t lo = 0, hi = ix->n_orgs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->org_by_id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n_orgs && ix->org_by_id[lo] == id)
		return (long)ix->org_pos[lo];
	return -1;
}

/* Sort helper: org positions by id. */
struct id_pos {
	long long id;
	size_t pos;
};

static int cmp_id_pos(const void *a, const void *b)
{
	const struct id_pos *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static enum pt_err ix_load_orgs(struct pt_db *db, struct pt_access_index *ix, struct pt_diag *d)
{
	struct id_pos *byid = NULL;
	sqlite3_stmt *st;
	enum pt_err err;
	size_t n = 0, i;
	int rc;
	if ((err = ix_count(db, SQL_IX_ORG_COUNT, &n, d)) != PT_OK)
		return err;
	ix->orgs = calloc(n ? n : 1, sizeof *ix->orgs);
	ix->org_by_id = calloc(n ? n : 1, sizeof *ix->org_by_id);
	ix->org_pos = calloc(n ? n : 1, sizeof *ix->org_pos);
	byid = calloc(n ? n : 1, sizeof *byid);
	if (!ix->orgs || !ix->org_by_id || !ix->org_pos || !byid) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if ((err = pt_db_stmt(db, SQL_IX_ORGS, &st, d)) != PT_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ix->n_orgs < n) {
		struct pt_org o;
		if ((err = org_from_row(st, &o, d)) != PT_OK)
			break;
		ix->orgs[ix->n_orgs].id = o.id;
		ix->orgs[ix->n_orgs].type = o.type;
		ix->orgs[ix->n_orgs].name = strdup(o.name);
		if (!ix->orgs[ix->n_orgs].name) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			break;
		}
		ix->n_orgs++;
	}
	sqlite3_reset(st);
	if (err != PT_OK)
		goto out;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		err = pt_db_fail(db, rc, d, "reading organisations");
		goto out;
	}
	for (i = 0; i < ix->n_orgs; i++) {
		byid[i].id = ix->orgs[i].id;
		byid[i].pos = i;
	}
	qsort(byid, ix->n_orgs, sizeof *byid, cmp_id_pos);
	for (i = 0; i < ix->n_orgs; i++) {
		ix->org_by_id[i] = byid[i].id;
		ix->org_pos[i] = byid[i].pos;
	}
out:
	free(byid);
	return err;
}

static enum pt_err ix_load_partners(struct pt_db *db, struct pt_access_index *ix,
				    struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	size_t n = 0;
	long long prev = -1;
	int rc;
	if ((err = ix_count(db, SQL_IX_PARTNER_COUNT, &n, d)) != PT_OK)
		return err;
	ix->partner_ids = calloc(n ? n : 1, sizeof *ix->partner_ids);
	if (!ix->partner_ids)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_stmt(db, SQL_IX_PARTNERS, &st, d)) != PT_OK)
		return err;
	/* Rows come by owner: each owner's partners are one run of partner_ids. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ix->n_partner_ids < n) {
		long long owner = sqlite3_column_int64(st, 0);
		long pos = ix_org_of_id(ix, owner);
		if (pos >= 0) {
			if (owner != prev)
				ix->orgs[pos].first_partner = ix->n_partner_ids;
			ix->orgs[pos].n_partners++;
		}
		prev = owner;
		ix->partner_ids[ix->n_partner_ids++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return pt_db_fail(db, rc, d, "reading partners");
	return PT_OK;
}

static enum pt_err ix_load_readers(struct pt_db *db, struct pt_access_index *ix,
				   struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	size_t n = 0;
	int rc;
	if ((err = ix_count(db, SQL_IX_READER_COUNT, &n, d)) != PT_OK)
		return err;
	ix->reader_ids = calloc(n ? n : 1, sizeof *ix->reader_ids);
	ix->sites = calloc(n ? n : 1, sizeof *ix->sites);
	if (!ix->reader_ids || !ix->sites)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_stmt(db, SQL_IX_READERS, &st, d)) != PT_OK)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ix->n_reader_ids < n) {
		const char *site = (const char *)sqlite3_column_text(st, 0);
		if (!site) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			break;
		}
		if (!ix->n_sites || strcmp(ix->sites[ix->n_sites - 1].id, site) != 0) {
			struct ix_site *s = &ix->sites[ix->n_sites];
			s->id = strdup(site);
			if (!s->id) {
				err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
				break;
			}
			s->first_reader = ix->n_reader_ids;
			ix->n_sites++;
		}
		ix->sites[ix->n_sites - 1].n_readers++;
		ix->reader_ids[ix->n_reader_ids++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (err != PT_OK)
		return err;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return pt_db_fail(db, rc, d, "reading site readers");
	return PT_OK;
}

enum pt_err pt_access_index_load(struct pt_db *db, struct pt_access_index **out,
				 struct pt_diag *d)
{
	struct pt_access_index *ix;
	enum pt_err err;
	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*out = NULL;
	ix = calloc(1, sizeof *ix);
	if (!ix)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_begin_read(db, d)) != PT_OK) {
		free(ix);
		return err;
	}
	if ((err = ix_load_orgs(db, ix, d)) == PT_OK && (err = ix_load_partners(db, ix, d)) == PT_OK)
		err = ix_load_readers(db, ix, d);
	err = pt_db_end(db, err, d);
	if (err != PT_OK) {
		pt_access_index_free(ix);
		return err;
	}
	*out = ix;
	return PT_OK;
}

/* Position of organisation name in ix->orgs (sorted by name, byte order), or -1. */
static long ix_org_of_name(const struct pt_access_index *ix, const char *name)
{
	size_t lo = 0, hi = ix->n_orgs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->orgs[mid].name, name);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

long long pt_access_index_org_id(const struct pt_access_index *ix, const char *name)
{
	long pos;
	if (!ix || !name || !name[0])
		return 0;
	pos = ix_org_of_name(ix, name);
	return pos >= 0 ? ix->orgs[pos].id : 0;
}

void pt_access_index_record(const struct pt_access_index *ix, const struct pt_site *s,
			    struct pt_access_record *rec)
{
	long pos;
	size_t lo, hi;
	memset(rec, 0, sizeof *rec);
	if (!s) {
		rec->tlp = PT_TLP_RED;
		return;
	}
	rec->tlp = s->tlp;
	if (!ix)
		return;
	pos = s->owner[0] ? ix_org_of_name(ix, s->owner) : -1;
	if (pos >= 0) {
		const struct ix_org *o = &ix->orgs[pos];
		rec->owner_org_id = o->id;
		rec->partners = o->n_partners ? ix->partner_ids + o->first_partner : NULL;
		rec->n_partners = o->n_partners;
	}
	lo = 0;
	hi = ix->n_sites;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->sites[mid].id, s->id);
		if (c == 0) {
			rec->red_readers = ix->reader_ids + ix->sites[mid].first_reader;
			rec->n_red_readers = ix->sites[mid].n_readers;
			break;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
}

int pt_access_site_visible(void *ctx, const struct pt_site *site)
{
	const struct pt_access_filter *f = ctx;
	struct pt_access_record rec;
	if (!f || !site)
		return 0;
	pt_access_index_record(f->ix, site, &rec);
	return pt_access_read(&f->who, &rec) == PT_ACCESS_OK;
}
