/* test_app_second_factor.c - unit tests of the second factor (src/app/
 * pt_app_second_factor): enrolment, codes at fixed times, replay, recovery, reset. */
#include <oath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/pt_app_second_factor.h"
#include "app/pt_app_session.h"
#include "app/pt_app_users.h"
#include "formats/pt_diag.h"
#include "pt_test.h"
#include "store/pt_users.h"

#define T0 1700000010 /* a fixed time: the first second of a 30-second step */

static char tmpdir[64], dbpath[128];

/* A registry requiring a second factor, with analyst "ana" and viewer "vic". */
static struct pt_db *open_db(void)
{
	struct pt_db *db = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller sys;
	long long org = 0;
	snprintf(dbpath, sizeof dbpath, "%s/sf.db", tmpdir);
	CHECK_INT(pt_app_db_open(dbpath, 1, &db, &d), PT_OK);
	if (!db)
		return NULL;
	pt_caller_system(&sys);
	CHECK_INT(pt_app_second_factor_policy_set(&sys, db, 1, &d), PT_OK);
	CHECK_INT(pt_db_org_add(db, "Ministry", PT_ORG_GOVERNMENT, &org, &d), PT_OK);
	CHECK_INT(pt_db_user_add(db, "ana", "secret-ana", PT_ROLE_ANALYST, org, NULL, &d), PT_OK);
	CHECK_INT(pt_db_user_add(db, "vic", "secret-vic", PT_ROLE_VIEWER, org, NULL, &d), PT_OK);
	return db;
}

static void close_db(struct pt_db *db)
{
	static const char *const ext[] = {"", "-wal", "-shm", ".key"};
	char path[160];
	size_t i;
	pt_app_db_close(db);
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(path, sizeof path, "%s%s", dbpath, ext[i]);
		remove(path);
	}
}

/* The code an authenticator app shows at time t for secret (base32), by liboath. */
static void code_at(const char *secret, long long t, char out[8])
{
	char *bin = NULL;
	size_t len = 0;
	out[0] = '\0';
	CHECK_INT(oath_base32_decode(secret, strlen(secret), &bin, &len), OATH_OK);
	if (!bin)
		return;
	CHECK_INT(oath_totp_generate(bin, len, (time_t)t, 30, 0, 6, out), OATH_OK);
	free(bin);
}

/* A caller at time t (the face brings the clock). */
static struct pt_caller at(long long t)
{
	struct pt_caller c;
	memset(&c, 0, sizeof c);
	pt_strlcpy(c.name, "anonymous", sizeof c.name);
	c.now = t;
	return c;
}

static void test_enrol_and_log_in(void)
{
	static struct pt_app_login l, l2;
	struct pt_app_enrolment e;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c = at(T0);
	struct pt_login plain;
	char code[8], wrong[8], secret[PT_TOTP_SECRET_MAX], pending[PT_TOKEN_TEXT_MAX];
	struct pt_db *db = open_db();
	if (!db)
		return;
	/* The password alone: enrolment required (an analyst, the rule on). */
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", NULL, &l, &d), PT_OK);
	CHECK_INT(l.step, PT_LOGIN_ENROL);
	CHECK_STR(l.login.token, "");
	CHECK_INT(strlen(l.pending), PT_TOKEN_TEXT_MAX - 1);
	CHECK_INT(l.pending_expires, T0 + PT_LOGIN_PENDING_TTL_S);
	pt_strlcpy(pending, l.pending, sizeof pending);
	/* The one-step use case cannot take a code. */
	CHECK_INT(pt_app_session_login(&c, db, "ana", "secret-ana", &plain, &d), PT_EFORBIDDEN);
	CHECK_STR(d.msg, "second factor required");
	/* Enrol: a secret, its otpauth:// URI and a QR code. */
	CHECK_INT(pt_app_second_factor_enrol(&c, db, pending, &e, &d), PT_OK);
	CHECK_INT(strlen(e.secret), 32);
	CHECK(strncmp(e.uri, "otpauth://totp/protect:ana?secret=", 34) == 0);
	CHECK(strstr(e.uri, e.secret) != NULL);
	CHECK(e.qr_svg && strncmp(e.qr_svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	CHECK(e.qr_svg && strstr(e.qr_svg, "</svg>") != NULL);
	pt_strlcpy(secret, e.secret, sizeof secret);
	pt_app_enrolment_clear(&e);
	/* A wrong code is refused (and counted); the right one logs in with recovery codes. */
	code_at(secret, T0, code);
	snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
	CHECK_INT(pt_app_login_finish(&c, db, pending, wrong, &l, &d), PT_ENOTFOUND);
	CHECK_STR(d.field, "code");
	CHECK_INT(pt_app_login_finish(&c, db, pending, code, &l, &d), PT_OK);
	CHECK_INT(l.step, PT_LOGIN_DONE);
	CHECK_STR(l.login.session.user.name, "ana");
	CHECK_INT(strlen(l.login.token), PT_TOKEN_TEXT_MAX - 1);
	CHECK_INT(l.n_recovery, PT_RECOVERY_CODES);
	CHECK_INT(strlen(l.recovery[0]), 19);
	CHECK(strcmp(l.recovery[0], l.recovery[1]) != 0);
	/* The pending log-in is used up. */
	CHECK_INT(pt_app_login_finish(&c, db, pending, code, &l2, &d), PT_ENOTFOUND);
	CHECK_STR(d.field, "pending_token");
	/* Next log-in: a code is needed; the code just used is refused (a replay in its window). */
	c = at(T0 + 5);
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", NULL, &l2, &d), PT_OK);
	CHECK_INT(l2.step, PT_LOGIN_CODE);
	pt_strlcpy(pending, l2.pending, sizeof pending);
	CHECK_INT(pt_app_login_finish(&c, db, pending, code, &l2, &d), PT_ENOTFOUND);
	/* The next step's code is taken (one window ahead). */
	code_at(secret, T0 + 30, code);
	CHECK_INT(pt_app_login_finish(&c, db, pending, code, &l2, &d), PT_OK);
	CHECK_INT(l2.n_recovery, 0);
	/* One request with the code, the user name in another case. */
	c = at(T0 + 60);
	code_at(secret, T0 + 60, code);
	CHECK_INT(pt_app_login_start(&c, db, "ANA", "secret-ana", code, &l2, &d), PT_OK);
	CHECK_INT(l2.step, PT_LOGIN_DONE);
	CHECK_STR(l2.login.session.user.name, "ana");
	/* A code too old is refused. */
	c = at(T0 + 300);
	code_at(secret, T0 + 200, code);
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", code, &l2, &d), PT_ENOTFOUND);
	/* A recovery code works once, in any case and without its dashes. */
	c = at(T0 + 400);
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", NULL, &l2, &d), PT_OK);
	pt_strlcpy(pending, l2.pending, sizeof pending);
	CHECK_INT(pt_app_login_finish(&c, db, pending, l.recovery[3], &l2, &d), PT_OK);
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", l.recovery[3], &l2, &d), PT_ENOTFOUND);
	{
		char lower[PT_RECOVERY_CODE_TEXT];
		size_t i, k = 0;
		for (i = 0; l.recovery[4][i]; i++)
			if (l.recovery[4][i] != '-')
				lower[k++] = (char)(l.recovery[4][i] >= 'A' && l.recovery[4][i] <= 'Z'
							    ? l.recovery[4][i] - 'A' + 'a'
							    : l.recovery[4][i]);
		lower[k] = '\0';
		CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", lower, &l2, &d), PT_OK);
	}
	/* A viewer needs none. */
	CHECK_INT(pt_app_login_start(&c, db, "vic", "secret-vic", NULL, &l2, &d), PT_OK);
	CHECK_INT(l2.step, PT_LOGIN_DONE);
	close_db(db);
}

static void test_code_failures_block(void)
{
	static struct pt_app_login l;
	struct pt_app_second_factor_reset res;
	struct pt_app_enrolment e;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c = at(T0), sys;
	char code[8], pending[PT_TOKEN_TEXT_MAX];
	int i;
	struct pt_db *db = open_db();
	if (!db)
		return;
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", NULL, &l, &d), PT_OK);
	pt_strlcpy(pending, l.pending, sizeof pending);
	CHECK_INT(pt_app_second_factor_enrol(&c, db, pending, &e, &d), PT_OK);
	code_at(e.secret, T0, code);
	pt_app_enrolment_clear(&e);
	for (i = 0; i < PT_LOGIN_FAILS_MAX; i++)
		CHECK_INT(pt_app_login_finish(&c, db, pending, "12345x", &l, &d), PT_ENOTFOUND);
	/* Blocked now, even with the right code (or password), as wrong passwords block. */
	CHECK_INT(pt_app_login_finish(&c, db, pending, code, &l, &d), PT_ELIMIT);
	CHECK(l.retry_after > 0);
	CHECK_INT(pt_app_login_start(&c, db, "Ana", "secret-ana", NULL, &l, &d), PT_ELIMIT);
	/* The system administrator resets the factor: the user enrols again. */
	pt_caller_system(&sys);
	CHECK_INT(pt_app_second_factor_reset(&sys, db, "ANA", &res, &d), PT_OK);
	CHECK_STR(res.name, "ana"); /* the stored spelling */
	CHECK_INT(res.removed, 1);
	/* Again: nothing left to reset, said so (and not audited: pt_db_second_factor_reset). */
	CHECK_INT(pt_app_second_factor_reset(&sys, db, "ana", &res, &d), PT_OK);
	CHECK_INT(res.removed, 0);
	CHECK_INT(pt_app_second_factor_reset(&sys, db, "nobody", NULL, &d), PT_ENOTFOUND);
	c = at(T0 + PT_LOGIN_WINDOW_S + 1);
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", NULL, &l, &d), PT_OK);
	CHECK_INT(l.step, PT_LOGIN_ENROL);
	/* The rule off: an analyst without a factor logs in with the password alone. */
	CHECK_INT(pt_app_second_factor_policy_set(&sys, db, 0, &d), PT_OK);
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", NULL, &l, &d), PT_OK);
	CHECK_INT(l.step, PT_LOGIN_DONE);
	close_db(db);
}

/* A code's attempt is reserved before the code is checked (issue 10 fix): attempts in flight
 * count; a right code gives its own back (the session clears the count). */
static void test_code_attempt_reserved(void)
{
	static struct pt_app_login l;
	struct pt_app_enrolment e;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c = at(T0);
	char code[8], pending[PT_TOKEN_TEXT_MAX], secret[PT_TOTP_SECRET_MAX];
	long wait = 0;
	int i;
	struct pt_db *db = open_db();
	if (!db)
		return;
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", NULL, &l, &d), PT_OK);
	pt_strlcpy(pending, l.pending, sizeof pending);
	CHECK_INT(pt_app_second_factor_enrol(&c, db, pending, &e, &d), PT_OK);
	pt_strlcpy(secret, e.secret, sizeof secret);
	code_at(secret, T0, code);
	pt_app_enrolment_clear(&e);
	/* Four wrong guesses in flight: the right code is the fifth attempt and is taken. */
	for (i = 0; i < PT_LOGIN_FAILS_MAX - 1; i++)
		CHECK_INT(pt_db_login_reserve(db, "ana", T0, &wait, &d), PT_OK);
	CHECK_INT(pt_app_login_finish(&c, db, pending, code, &l, &d), PT_OK);
	CHECK_INT(l.step, PT_LOGIN_DONE);
	/* The right password gets a pending log-in (its attempt given back); then, with five
	 * attempts in flight... */
	c = at(T0 + 30);
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", NULL, &l, &d), PT_OK);
	CHECK_INT(l.step, PT_LOGIN_CODE);
	pt_strlcpy(pending, l.pending, sizeof pending);
	for (i = 0; i < PT_LOGIN_FAILS_MAX; i++)
		CHECK_INT(pt_db_login_reserve(db, "ana", T0 + 30, &wait, &d), PT_OK);
	/* ...but no code is checked, right or wrong, in the log-in or as the second step. */
	code_at(secret, T0 + 30, code);
	CHECK_INT(pt_app_login_finish(&c, db, pending, code, &l, &d), PT_ELIMIT);
	CHECK(l.retry_after > 0);
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", code, &l, &d), PT_ELIMIT);
	/* After the window the code (the next step's) is taken once. */
	c = at(T0 + 60 + PT_LOGIN_WINDOW_S);
	code_at(secret, T0 + 60 + PT_LOGIN_WINDOW_S, code);
	CHECK_INT(pt_app_login_start(&c, db, "ana", "secret-ana", code, &l, &d), PT_OK);
	CHECK_INT(l.step, PT_LOGIN_DONE);
	close_db(db);
}

static void test_voluntary_enrolment(void)
{
	static struct pt_app_login l;
	struct pt_app_enrolment e;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c = at(T0);
	struct pt_user u;
	char code[8];
	struct pt_db *db = open_db();
	if (!db)
		return;
	/* A logged-in viewer sets one up from its account. */
	CHECK_INT(pt_db_user_get(db, "vic", &u, &d), PT_OK);
	pt_user_principal(&u, &c.who);
	CHECK_INT(pt_app_second_factor_enrol(&c, db, NULL, &e, &d), PT_OK);
	code_at(e.secret, T0, code);
	pt_app_enrolment_clear(&e);
	CHECK_INT(pt_app_second_factor_confirm(&c, db, "000000x", &l, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_second_factor_confirm(&c, db, code, &l, &d), PT_OK);
	CHECK_INT(l.n_recovery, PT_RECOVERY_CODES);
	CHECK_INT(pt_app_second_factor_confirm(&c, db, code, &l, &d), PT_EINVAL);
	/* A second enrolment over a confirmed factor is refused. */
	CHECK_INT(pt_app_second_factor_enrol(&c, db, NULL, &e, &d), PT_ECONFLICT);
	/* From now on the viewer gives a code too. */
	c = at(T0 + 60);
	CHECK_INT(pt_app_login_start(&c, db, "vic", "secret-vic", NULL, &l, &d), PT_OK);
	CHECK_INT(l.step, PT_LOGIN_CODE);
	pt_app_enrolment_clear(&e);
	close_db(db);
}

static void test_password_rules(void)
{
	struct pt_user_new in;
	struct pt_user u;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller sys;
	struct pt_org org;
	struct pt_db *db = open_db();
	if (!db)
		return;
	pt_caller_system(&sys);
	CHECK_INT(pt_db_org_find(db, "Ministry", &org, &d), PT_OK);
	memset(&in, 0, sizeof in);
	in.role = PT_ROLE_VIEWER;
	in.org_id = org.id;
	/* A common password, the user's own name, a dictionary word: refused, saying why. */
	in.name = "olga";
	in.password = "password1";
	CHECK_INT(pt_app_user_create(&sys, db, &in, &u, &d), PT_EINVAL);
	CHECK_STR(d.field, "password");
	CHECK(strstr(d.msg, "dictionary") != NULL);
	in.password = "olga-2024!";
	CHECK_INT(pt_app_user_create(&sys, db, &in, &u, &d), PT_EINVAL);
	CHECK_STR(d.msg, "too easy to guess: The password contains the user name in some form; "
			 "choose another (a few unrelated words make a good one)");
	in.password = "12345678";
	CHECK_INT(pt_app_user_create(&sys, db, &in, &u, &d), PT_EINVAL);
	/* Outside the demo its pattern gets no exemption. */
	in.password = "demo-olga";
	CHECK_INT(pt_app_user_create(&sys, db, &in, &u, &d), PT_EINVAL);
	/* No composition rules: a long passphrase of words passes. */
	in.password = "copper kettle winter";
	CHECK_INT(pt_app_user_create(&sys, db, &in, &u, &d), PT_OK);
	/* User names are unique without regard to case. */
	in.name = "OLGA";
	in.password = "another kettle song";
	CHECK_INT(pt_app_user_create(&sys, db, &in, &u, &d), PT_ECONFLICT);
	/* In the demo database, the documented demo-NAME passes. */
	CHECK_INT(pt_db_auth_setting_set(db, "demo_passwords", "1", 0, &d), PT_OK);
	in.name = "dora";
	in.password = "demo-dora";
	CHECK_INT(pt_app_user_create(&sys, db, &in, &u, &d), PT_OK);
	in.name = "rita";
	in.password = "demo-dora-rita";
	CHECK_INT(pt_app_user_create(&sys, db, &in, &u, &d), PT_EINVAL);
	close_db(db);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/pt_test_sf_XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_enrol_and_log_in);
	RUN(test_code_failures_block);
	RUN(test_code_attempt_reserved);
	RUN(test_voluntary_enrolment);
	RUN(test_password_rules);
	rmdir(tmpdir);
	return TEST_SUMMARY("test_app_second_factor");
}
