/* pt_app_second_factor.c - the second factor at log-in: TOTP codes checked
 * with liboath at the caller's time, recovery codes, the two-step log-in. */
#include "pt_app_second_factor.h"

#include <oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/pt_access.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_qr_svg.h"
#include "../store/pt_users.h"

#define SECRET_BYTES 20   /* 160 bits, RFC 4226's recommended length */
#define RECOVERY_BYTES 10 /* 80 bits: 16 base32 characters */

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ready_rc = OATH_OK;

static void oath_start(void)
{
	oath_ready_rc = oath_init();
}

/* liboath and libsodium initialised once. */
static enum pt_err libs_ready(struct pt_diag *d)
{
	pthread_once(&oath_once, oath_start);
	if (oath_ready_rc != OATH_OK || sodium_init() < 0)
		return pt_diag_set(d, PT_EINTERNAL, 0, "", "liboath or libsodium could not be initialised");
	return PT_OK;
}

/* The caller's time, or the clock's. */
static int64_t now_of(const struct pt_caller *c)
{
	return c && c->now > 0 ? c->now : (int64_t)time(NULL);
}

void pt_app_enrolment_clear(struct pt_app_enrolment *e)
{
	if (!e)
		return;
	free(e->qr_svg);
	sodium_memzero(e, sizeof *e);
}

/* raw[0..n) as base32 into out (cap bytes, no padding). */
static enum pt_err base32(const unsigned char *raw, size_t n, char *out, size_t cap,
			  struct pt_diag *d)
{
	char *b32 = NULL;
	size_t len = 0;
	if (oath_base32_encode((const char *)raw, n, &b32, &len) != OATH_OK || !b32)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory encoding a secret");
	while (len && b32[len - 1] == '=')
		len--;
	b32[len] = '\0';
	if (len >= cap) {
		free(b32);
		return pt_diag_set(d, PT_EINTERNAL, 0, "", "a secret is too long");
	}
	memcpy(out, b32, len + 1);
	sodium_memzero(b32, len);
	free(b32);
	return PT_OK;
}

/*
 * The 30-second step of code for secret (base32) at now, within
 * PT_TOTP_WINDOW steps: 1 and *step when it matches, else 0.
 */
static int totp_match(const char *secret, int64_t now, const char *code, long long *step)
{
	char *bin = NULL;
	size_t binlen = 0, i;
	int pos = 0, rc;
	if (!code || strlen(code) != PT_TOTP_DIGITS)
		return 0;
	for (i = 0; i < PT_TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	if (oath_base32_decode(secret, strlen(secret), &bin, &binlen) != OATH_OK || !bin)
		return 0;
	rc = oath_totp_validate2(bin, binlen, (time_t)now, PT_TOTP_STEP_S, 0, PT_TOTP_WINDOW, &pos,
				 code);
	sodium_memzero(bin, binlen);
	free(bin);
	if (rc < 0)
		return 0;
	*step = (long long)(now / PT_TOTP_STEP_S) + pos;
	return 1;
}

/*
 * A recovery code as stored: its 16 base32 characters (dashes and spaces
 * dropped, upper case) hashed with BLAKE2b-256 keyed by the user's id, hex.
 * 0 when code is not shaped like one.
 */
static int recovery_hash(long long user_id, const char *code, char out[PT_RECOVERY_HASH_TEXT])
{
	char norm[RECOVERY_BYTES * 8 / 5 + 1], key[48];
	unsigned char h[32];
	size_t n = 0;
	if (!code)
		return 0;
	for (; *code; code++) {
		char ch = *code;
		if (ch == '-' || ch == ' ')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7')) || n >= sizeof norm - 1)
			return 0;
		norm[n++] = ch;
	}
	if (n != sizeof norm - 1)
		return 0;
	norm[n] = '\0';
	snprintf(key, sizeof key, "protect recovery code v1 user %lld", user_id);
	crypto_generichash(h, sizeof h, (const unsigned char *)norm, n, (const unsigned char *)key,
			   strlen(key));
	sodium_bin2hex(out, PT_RECOVERY_HASH_TEXT, h, sizeof h);
	sodium_memzero(norm, sizeof norm);
	return 1;
}

/* PT_RECOVERY_CODES new codes into out->recovery and their hashes into hashes. */
static enum pt_err recovery_make(long long user_id, struct pt_app_login *out,
				 char hashes[PT_RECOVERY_CODES][PT_RECOVERY_HASH_TEXT],
				 struct pt_diag *d)
{
	unsigned char raw[RECOVERY_BYTES];
	char b32[RECOVERY_BYTES * 8 / 5 + 1];
	enum pt_err err;
	size_t i;
	for (i = 0; i < PT_RECOVERY_CODES; i++) {
		randombytes_buf(raw, sizeof raw);
		if ((err = base32(raw, sizeof raw, b32, sizeof b32, d)) != PT_OK)
			return err;
		snprintf(out->recovery[i], PT_RECOVERY_CODE_TEXT, "%.4s-%.4s-%.4s-%.4s", b32, b32 + 4,
			 b32 + 8, b32 + 12);
		if (!recovery_hash(user_id, out->recovery[i], hashes[i]))
			return pt_diag_set(d, PT_EINTERNAL, 0, "", "a recovery code came out malformed");
	}
	sodium_memzero(raw, sizeof raw);
	out->n_recovery = PT_RECOVERY_CODES;
	return PT_OK;
}

/*
 * Check code for user u (stored TOTP row): a TOTP code (which confirms an
 * unconfirmed secret and makes recovery codes into out), or for a confirmed
 * one an unused recovery code. *ok 1 when accepted; 0 counts a failure.
 */
static enum pt_err code_check(struct pt_db *db, const struct pt_user *u,
			      const struct pt_totp_row *row, const char *code, int64_t now,
			      struct pt_app_login *out, int *ok, struct pt_diag *d)
{
	char hashes[PT_RECOVERY_CODES][PT_RECOVERY_HASH_TEXT], one[PT_RECOVERY_HASH_TEXT];
	const char *ptrs[PT_RECOVERY_CODES];
	long long step = 0;
	enum pt_err err = PT_OK;
	size_t i;
	*ok = 0;
	if (totp_match(row->secret, now, code, &step)) {
		if (!row->confirmed) {
			if ((err = recovery_make(u->id, out, hashes, d)) != PT_OK)
				goto out;
			for (i = 0; i < PT_RECOVERY_CODES; i++)
				ptrs[i] = hashes[i];
		}
		err = pt_db_totp_accept(db, u->id, u->name, step, ptrs,
					row->confirmed ? 0 : PT_RECOVERY_CODES, ok, d);
		if (!*ok) {
			sodium_memzero(out->recovery, sizeof out->recovery);
			out->n_recovery = 0;
		}
	} else if (row->confirmed && recovery_hash(u->id, code, one)) {
		err = pt_db_recovery_code_use(db, u->id, u->name, one, ok, d);
	}
out:
	sodium_memzero(hashes, sizeof hashes);
	return err;
}

/* The answer to a wrong code (PT_ENOTFOUND, field code). */
static enum pt_err wrong_code_said(struct pt_diag *d)
{
	return pt_diag_set(d, PT_ENOTFOUND, 0, "code",
			   "wrong code (or one used already); use the code your app shows now, or a "
			   "recovery code");
}

/* Count a wrong code for u and answer it (PT_ENOTFOUND, field code). */
static enum pt_err wrong_code(struct pt_db *db, const struct pt_user *u, int64_t now,
			      struct pt_diag *d)
{
	enum pt_err err;
	if ((err = pt_db_login_fail(db, u->name, now, d)) != PT_OK)
		return err;
	return wrong_code_said(d);
}

/*
 * Check code for u's log-in with its attempt reserved first (pt_db_login_reserve:
 * PT_ELIMIT when the name is blocked), so parallel codes never pass the limit: a
 * right code ends the pending log-in of token (when not NULL) and opens the
 * session (clearing the count), a wrong one stays counted (PT_ENOTFOUND, field
 * code), any other failure gives the attempt back.
 */
static enum pt_err code_login(struct pt_db *db, const struct pt_user *u,
			      const struct pt_totp_row *row, const char *token, const char *code,
			      int64_t now, struct pt_app_login *out, struct pt_diag *d)
{
	enum pt_err err;
	int ok = 0;
	if ((err = pt_db_login_reserve(db, u->name, now, &out->retry_after, d)) != PT_OK)
		return err;
	if ((err = code_check(db, u, row, code, now, out, &ok, d)) == PT_OK) {
		if (!ok)
			return wrong_code_said(d); /* counted by the reservation */
		if (!token || (err = pt_db_login_pending_delete(db, token, d)) == PT_OK)
			err = pt_db_session_open(db, u, now, 0, &out->login, d);
	}
	if (err != PT_OK)
		pt_db_login_release(db, u->name, now, NULL);
	return err;
}

/* Is the registry's setting second_factor "required"? */
static enum pt_err policy_required(struct pt_db *db, int *required, struct pt_diag *d)
{
	char value[32];
	enum pt_err err = pt_db_auth_setting(db, "second_factor", value, sizeof value, d);
	*required = err == PT_OK && strcmp(value, "required") == 0;
	return err;
}

enum pt_err pt_app_login_start(const struct pt_caller *c, struct pt_db *db, const char *user,
			       const char *password, const char *code, struct pt_app_login *out,
			       struct pt_diag *d)
{
	struct pt_totp_row row;
	struct pt_user u;
	int64_t now = now_of(c);
	enum pt_err err;
	int has = 0, required = 0;

	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	memset(out, 0, sizeof *out);
	if ((err = libs_ready(d)) != PT_OK)
		return err;
	if ((err = pt_db_login_password(db, user, password, now, &u, &out->retry_after, d)) != PT_OK)
		return err;
	err = pt_db_totp_get(db, u.id, &row, NULL);
	if (err != PT_OK && err != PT_ENOTFOUND)
		return pt_diag_set(d, err, 0, "", "reading the second factor failed");
	has = err == PT_OK && row.confirmed;
	if (!has && (err = policy_required(db, &required, d)) != PT_OK)
		goto out;
	required = required && pt_access_second_factor_required(u.role);
	if (!has && !required) {
		err = pt_db_session_open(db, &u, now, 0, &out->login, d);
		goto out;
	}
	if (has && code && code[0]) {
		err = code_login(db, &u, &row, NULL, code, now, out, d);
		goto out;
	}
	if ((err = pt_db_login_pending_add(db, u.id, now, out->pending, d)) != PT_OK)
		goto out;
	out->pending_expires = now + PT_LOGIN_PENDING_TTL_S;
	out->step = has ? PT_LOGIN_CODE : PT_LOGIN_ENROL;
out:
	sodium_memzero(&row, sizeof row);
	return err;
}

enum pt_err pt_app_login_finish(const struct pt_caller *c, struct pt_db *db, const char *token,
				const char *code, struct pt_app_login *out, struct pt_diag *d)
{
	struct pt_totp_row row;
	struct pt_user u;
	long long user_id = 0;
	int64_t now = now_of(c);
	enum pt_err err;

	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	memset(out, 0, sizeof *out);
	memset(&row, 0, sizeof row);
	if ((err = libs_ready(d)) != PT_OK ||
	    (err = pt_db_login_pending_get(db, token, now, &user_id, d)) != PT_OK ||
	    (err = pt_db_user_get_id(db, user_id, &u, d)) != PT_OK ||
	    (err = pt_db_login_wait(db, u.name, now, &out->retry_after, d)) != PT_OK)
		return err;
	if (out->retry_after > 0)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "too many failed log-ins; try again in %ld second%s",
				   out->retry_after, out->retry_after == 1 ? "" : "s");
	err = pt_db_totp_get(db, u.id, &row, d);
	if (err == PT_ENOTFOUND)
		return pt_diag_set(d, PT_EINVAL, 0, "code",
				   "set up the second factor first (enrolment), then give its first code");
	if (err != PT_OK)
		return err;
	err = code_login(db, &u, &row, token, code, now, out, d);
	sodium_memzero(&row, sizeof row);
	return err;
}

enum pt_err pt_app_second_factor_enrol(const struct pt_caller *c, struct pt_db *db,
				       const char *token, struct pt_app_enrolment *out,
				       struct pt_diag *d)
{
	unsigned char raw[SECRET_BYTES];
	struct pt_user u;
	long long user_id = c ? c->who.user_id : 0;
	int64_t now = now_of(c);
	enum pt_err err;

	if (out)
		memset(out, 0, sizeof *out);
	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	if ((err = libs_ready(d)) != PT_OK)
		return err;
	if (token && (err = pt_db_login_pending_get(db, token, now, &user_id, d)) != PT_OK)
		return err;
	if (user_id <= 0)
		return pt_diag_set(d, PT_EINVAL, 0, "", "a second factor is set up by a user");
	if ((err = pt_db_user_get_id(db, user_id, &u, d)) != PT_OK)
		return err;
	randombytes_buf(raw, sizeof raw);
	err = base32(raw, sizeof raw, out->secret, sizeof out->secret, d);
	sodium_memzero(raw, sizeof raw);
	if (err != PT_OK)
		goto out;
	snprintf(out->uri, sizeof out->uri,
		 "otpauth://totp/protect:%s?secret=%s&issuer=protect&algorithm=SHA1&digits=%d&period=%d",
		 u.name, out->secret, PT_TOTP_DIGITS, PT_TOTP_STEP_S);
	if ((err = pt_qr_svg(out->uri, &out->qr_svg, d)) != PT_OK)
		goto out;
	if (c)
		pt_app_act(c, db);
	err = pt_db_totp_begin(db, u.id, out->secret, now, d);
out:
	if (err != PT_OK)
		pt_app_enrolment_clear(out);
	return err;
}

enum pt_err pt_app_second_factor_confirm(const struct pt_caller *c, struct pt_db *db,
					 const char *code, struct pt_app_login *out,
					 struct pt_diag *d)
{
	struct pt_totp_row row;
	struct pt_user u;
	int64_t now = now_of(c);
	enum pt_err err;
	int ok = 0;
	if (!c || !db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no caller, database or output");
	memset(out, 0, sizeof *out);
	if ((err = libs_ready(d)) != PT_OK ||
	    (err = pt_db_user_get_id(db, c->who.user_id, &u, d)) != PT_OK)
		return err;
	err = pt_db_totp_get(db, u.id, &row, d);
	if (err == PT_ENOTFOUND || (err == PT_OK && row.confirmed)) {
		sodium_memzero(&row, sizeof row);
		return pt_diag_set(d, PT_EINVAL, 0, "code",
				   err == PT_OK ? "the second factor is set up already"
						: "start setting up the second factor first");
	}
	if (err != PT_OK)
		return err;
	err = code_check(db, &u, &row, code, now, out, &ok, d);
	sodium_memzero(&row, sizeof row);
	if (err == PT_OK && !ok)
		err = wrong_code(db, &u, now, d);
	return err;
}

enum pt_err pt_app_second_factor_reset(const struct pt_caller *c, struct pt_db *db,
				       const char *name, struct pt_app_second_factor_reset *out,
				       struct pt_diag *d)
{
	struct pt_user u;
	enum pt_err err;
	if (out)
		memset(out, 0, sizeof *out);
	if (!c || !db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no caller or database");
	if ((err = pt_db_user_get(db, name, &u, d)) != PT_OK)
		return err;
	if (pt_access_manage_users(&c->who, u.org_id) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				   "your role may not reset the second factor of user %s", u.name);
	if (out)
		pt_strlcpy(out->name, u.name, sizeof out->name);
	pt_app_act(c, db);
	return pt_db_second_factor_reset(db, u.name, out ? &out->removed : NULL, d);
}

enum pt_err pt_app_second_factor_policy(const struct pt_caller *c, struct pt_db *db,
					int *required, struct pt_diag *d)
{
	(void)c;
	if (!db || !required)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	return policy_required(db, required, d);
}

enum pt_err pt_app_second_factor_policy_set(const struct pt_caller *c, struct pt_db *db,
					    int required, struct pt_diag *d)
{
	if (!c || !db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no caller or database");
	if (!c->who.system)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				   "only the system administrator sets the second factor rule");
	pt_app_act(c, db);
	return pt_db_auth_setting_set(db, "second_factor", required ? "required" : "optional", 0, d);
}

int pt_app_demo_password(struct pt_db *db, const char *name, const char *password)
{
	char value[8], expected[PT_USER_NAME_MAX + 8];
	if (!db || !name || !password)
		return 0;
	if (pt_db_auth_setting(db, "demo_passwords", value, sizeof value, NULL) != PT_OK ||
	    strcmp(value, "1") != 0)
		return 0;
	snprintf(expected, sizeof expected, "demo-%s", name);
	return strncmp(password, expected, strlen(expected)) == 0;
}
