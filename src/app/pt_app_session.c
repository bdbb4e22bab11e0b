/* pt_app_session.c - log in, who am I and log out: the session store asked
 * for the caller, the session's user turned into a principal. */
#include "pt_app_session.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../formats/pt_diag.h"
#include "../store/pt_users.h"
#include "pt_app_second_factor.h"

/* The caller's time, or the clock's. */
static int64_t now_of(const struct pt_caller *c)
{
	return c && c->now > 0 ? c->now : (int64_t)time(NULL);
}

enum pt_err pt_app_session_login(const struct pt_caller *c, struct pt_db *db, const char *user,
				 const char *password, struct pt_login *out, struct pt_diag *d)
{
	struct pt_app_login *l;
	struct pt_caller at;
	enum pt_err err;
	if (!out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no output");
	memset(out, 0, sizeof *out);
	l = calloc(1, sizeof *l);
	if (!l)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	memset(&at, 0, sizeof at);
	if (c)
		at = *c;
	at.now = now_of(c);
	err = pt_app_login_start(&at, db, user, password, NULL, l, d);
	if (err == PT_OK && l->step != PT_LOGIN_DONE) {
		/* This use case cannot take a code: the pending log-in is left to expire. */
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "code", "second factor required");
	} else {
		*out = l->login;
		out->retry_after = l->retry_after;
	}
	sodium_memzero(l, sizeof *l);
	free(l);
	return err;
}

enum pt_err pt_app_session_get(const struct pt_caller *c, struct pt_db *db, const char *token,
			       struct pt_app_session *out, struct pt_diag *d)
{
	enum pt_err err;
	memset(out, 0, sizeof *out);
	if ((err = pt_db_session_get(db, token, now_of(c), &out->session, d)) != PT_OK)
		return err;
	pt_user_principal(&out->session.user, &out->who);
	return PT_OK;
}

enum pt_err pt_app_session_logout(const struct pt_caller *c, struct pt_db *db, const char *token,
				  struct pt_diag *d)
{
	pt_app_act(c, db);
	return pt_db_session_delete(db, token, d);
}

int pt_app_session_csrf_ok(const struct pt_app_session *s, const char *token)
{
	return s && pt_session_csrf_ok(&s->session, token);
}

void pt_snapshot_site_record(const struct pt_snapshot *s, const struct pt_site *site,
			     struct pt_access_record *rec)
{
	pt_access_index_record(s ? s->ix : NULL, site, rec);
}
