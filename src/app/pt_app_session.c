/* pt_app_session.c - log in, who am I and log out: the session store asked
 * for the caller, the session's user turned into a principal. */
#include "pt_app_session.h"

#include <string.h>
#include <time.h>

#include "../formats/pt_diag.h"
#include "../store/pt_users.h"

/* The caller's time, or the clock's. */
static int64_t now_of(const struct pt_caller *c)
{
	return c && c->now > 0 ? c->now : (int64_t)time(NULL);
}

enum pt_err pt_app_session_login(const struct pt_caller *c, struct pt_db *db, const char *user,
				 const char *password, struct pt_login *out, struct pt_diag *d)
{
	return pt_db_login(db, user, password, now_of(c), 0, out, d);
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
