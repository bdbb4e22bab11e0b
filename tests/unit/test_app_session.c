/* test_app_session.c - unit tests of the session use cases (src/app/
 * pt_app_session): log in, who am I, CSRF, log out, wrong passwords, blocking. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/pt_app_session.h"
#include "formats/pt_diag.h"
#include "pt_test.h"
#include "store/pt_users.h"

static char tmpdir[64], dbpath[128];

/* A registry with one organisation and one analyst "ana" (password "secret-ana"). */
static struct pt_db *open_db(void)
{
	struct pt_db *db = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	long long org = 0;
	snprintf(dbpath, sizeof dbpath, "%s/session.db", tmpdir);
	CHECK_INT(pt_app_db_open(dbpath, 1, &db, &d), PT_OK);
	if (!db)
		return NULL;
	CHECK_INT(pt_db_org_add(db, "Ministry", PT_ORG_GOVERNMENT, &org, &d), PT_OK);
	CHECK_INT(pt_db_user_add(db, "ana", "secret-ana", PT_ROLE_ANALYST, org, NULL, &d), PT_OK);
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

static void test_login_whoami_logout(void)
{
	struct pt_caller c;
	struct pt_login login;
	struct pt_app_session s;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_db *db = open_db();
	if (!db)
		return;
	memset(&c, 0, sizeof c);
	c.now = 1700000000;
	CHECK_INT(pt_app_session_login(&c, db, "ana", "secret-ana", &login, &d), PT_OK);
	CHECK_INT(strlen(login.token), PT_TOKEN_TEXT_MAX - 1);
	CHECK_STR(login.session.user.name, "ana");
	CHECK_INT(login.session.created, c.now);
	CHECK(login.session.expires > c.now);
	/* Who am I: the session's user as a principal. */
	c.now += 60;
	CHECK_INT(pt_app_session_get(&c, db, login.token, &s, &d), PT_OK);
	CHECK_STR(s.session.user.name, "ana");
	CHECK_INT(s.who.user_id, s.session.user.id);
	CHECK_INT(s.who.role, PT_ROLE_ANALYST);
	CHECK_INT(s.who.org_type, PT_ORG_GOVERNMENT);
	CHECK(!s.who.system);
	CHECK(pt_app_session_csrf_ok(&s, login.session.csrf));
	CHECK(!pt_app_session_csrf_ok(&s, login.token));
	CHECK(!pt_app_session_csrf_ok(&s, NULL));
	/* Past its end the session is gone. */
	c.now = login.session.expires;
	CHECK_INT(pt_app_session_get(&c, db, login.token, &s, &d), PT_ENOTFOUND);
	/* Log out ends a live session; a second log-out finds nothing. */
	c.now = 1700000100;
	CHECK_INT(pt_app_session_login(&c, db, "ana", "secret-ana", &login, &d), PT_OK);
	CHECK_INT(pt_app_session_logout(&c, db, login.token, &d), PT_OK);
	CHECK_INT(pt_app_session_get(&c, db, login.token, &s, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_session_logout(&c, db, login.token, &d), PT_ENOTFOUND);
	close_db(db);
}

static void test_wrong_passwords_block_the_name(void)
{
	struct pt_caller c;
	struct pt_login login;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_db *db = open_db();
	int i;
	if (!db)
		return;
	memset(&c, 0, sizeof c);
	c.now = 1700000000;
	/* A missing user and a wrong password answer alike. */
	CHECK_INT(pt_app_session_login(&c, db, "nobody", "secret-ana", &login, &d), PT_ENOTFOUND);
	CHECK_STR(d.msg, "wrong user name or password");
	pt_diag_clear(&d);
	CHECK_INT(pt_app_session_login(&c, db, NULL, NULL, &login, &d), PT_ENOTFOUND);
	for (i = 0; i < PT_LOGIN_FAILS_MAX; i++) {
		pt_diag_clear(&d);
		CHECK_INT(pt_app_session_login(&c, db, "ana", "wrong-password", &login, &d),
			  PT_ENOTFOUND);
		CHECK_STR(d.msg, "wrong user name or password");
	}
	/* Blocked now, even with the right password, and told for how long. */
	CHECK_INT(pt_app_session_login(&c, db, "ana", "secret-ana", &login, &d), PT_ELIMIT);
	CHECK_INT(login.retry_after, PT_LOGIN_WINDOW_S);
	c.now += PT_LOGIN_WINDOW_S;
	CHECK_INT(pt_app_session_login(&c, db, "ana", "secret-ana", &login, &d), PT_OK);
	close_db(db);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/pt_test_app_session_XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_login_whoami_logout);
	RUN(test_wrong_passwords_block_the_name);
	rmdir(tmpdir);
	return TEST_SUMMARY("test_app_session");
}
