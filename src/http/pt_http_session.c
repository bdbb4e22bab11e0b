/* pt_http_session.c - the caller of a request: log-in and log-out, the session
 * cookie and CSRF token, and the adapters that ask src/core/pt_access and write the audit log. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../app/pt_app_second_factor.h"
#include "../app/pt_app_session.h"
#include "../app/pt_app_sites.h"
#include "../core/pt_access.h"
#include "../formats/pt_diag.h"
#include "pt_http_api.h"

/** The caller of one request. */
struct pt_http_session {
	struct pt_app_session a; /* the session and its principal */
	char token[PT_TOKEN_TEXT_MAX];
};

/* A session token as the store makes them: 43 characters of base64url. */
static int token_syntax_ok(const char *t)
{
	size_t n = 0;
	for (; t[n]; n++) {
		char c = t[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_') ||
		    n >= PT_TOKEN_TEXT_MAX - 1)
			return 0;
	}
	return n > 0;
}

/* Who the store's writes of this request are by. */
static void set_actor(struct pt_req *r, struct pt_db *db)
{
	struct pt_caller c;
	pt_api_caller(r, &c);
	pt_app_act(&c, db);
}

int pt_api_session_check(struct pt_req *r)
{
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, PT_SESSION_COOKIE);
	struct pt_http_session *hs;
	struct pt_caller c;
	struct pt_db *db;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;

	if (!cookie || !token_syntax_ok(cookie)) {
		pt_reply_error(r, 401, NULL, 0, "log in first (no session)");
		return 1;
	}
	hs = calloc(1, sizeof *hs);
	if (!hs) {
		pt_reply_json(r, 500, NULL);
		return 1;
	}
	memset(&c, 0, sizeof c);
	c.now = pt_http_now_wall();
	db = pt_dbpool_get(&r->srv->pool);
	err = pt_app_session_get(&c, db, cookie, &hs->a, &d);
	pt_dbpool_put(&r->srv->pool, db);
	if (err == PT_ENOTFOUND) {
		free(hs);
		pt_reply_error(r, 401, NULL, 0, "log in first (the session has ended)");
		return 1;
	}
	if (err != PT_OK) {
		free(hs);
		pt_reply_diag(r, err, &d);
		return 1;
	}
	pt_strlcpy(hs->token, cookie, sizeof hs->token);
	r->session = hs;
	return 0;
}

int pt_api_csrf_check(struct pt_req *r)
{
	const char *token = pt_req_header(r, PT_CSRF_HEADER);
	if (!r->session || !token || !pt_app_session_csrf_ok(&r->session->a, token)) {
		pt_reply_error(r, 403, PT_CSRF_HEADER, 0, "%s: missing or wrong CSRF token",
			       PT_CSRF_HEADER);
		return 1;
	}
	return 0;
}

int pt_api_import_check(struct pt_req *r, enum pt_import_kind kind)
{
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	pt_api_caller(r, &c);
	if ((err = pt_app_import_right(&c, kind, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return 1;
	}
	return 0;
}

void pt_api_request_done(struct pt_req *r)
{
	free(r->session);
	r->session = NULL;
}

void pt_api_prepare_db(struct pt_req *r)
{
	set_actor(r, r->db);
}

void pt_api_caller(const struct pt_req *r, struct pt_caller *c)
{
	memset(c, 0, sizeof *c);
	if (r->session) {
		c->who = r->session->a.who;
		pt_strlcpy(c->name, r->session->a.session.user.name, sizeof c->name);
	} else {
		pt_strlcpy(c->name, "anonymous", sizeof c->name);
	}
	c->now = pt_http_now_wall();
	c->audit_reads = 1;
	c->quiet_refusals = r->run_quiet; /* issue 15 attack review N3, round 3 */
	c->snapshots = &r->srv->snapshots;
	c->read_sink = &r->read_sink; /* group commit (issue 10): written before the reply is sent */
}

/* ---- log-in, who am I, log-out ---- */

static json_t *session_body(const struct pt_session *s)
{
	return json_pack("{s:{s:s,s:s,s:{s:I,s:s,s:s}},s:s,s:I}", "user", "name", s->user.name, "role",
			 pt_role_name(s->user.role), "organisation", "id", (json_int_t)s->user.org_id,
			 "name", s->user.org_name, "type", pt_org_type_name(s->user.org_type),
			 "csrf_token", s->csrf, "expires", (json_int_t)s->expires);
}

/* The client's address as text, for the per-address throttle: behind the trusted proxy, the
 * client it names; an IPv6 client by its /64 (issue 10 fix F7: pt_req_client_key). */
static void client_address(struct pt_req *r, char *buf, size_t size)
{
	pt_req_client_key(r, buf, size);
}

/* "; Secure" when the clients reach the server over TLS (serve --behind-tls). */
static const char *cookie_secure(const struct pt_req *r)
{
	return r->srv->cfg.behind_tls ? "; Secure" : "";
}

static void reply_429(struct pt_req *r, long wait)
{
	pt_reply_too_many(r, wait, "failed log-ins");
}

/* The per-address throttle's key of a log-in step (the password or the second factor's code). */
static void login_throttle_key(struct pt_req *r, char *key, size_t size)
{
	char addr[64];
	client_address(r, addr, sizeof addr);
	snprintf(key, size, "addr:%s", addr);
}

/* The answer of a log-in step (the second factor, issue 10): a session, or the next step. */
static void login_reply(struct pt_req *r, const struct pt_app_login *l)
{
	char cookie[160];
	json_t *body, *codes;
	size_t i;
	if (l->step != PT_LOGIN_DONE) {
		pt_reply_json(r, 401,
			      json_pack("{s:s,s:s,s:s,s:I}", "error",
					l->step == PT_LOGIN_ENROL ? "second factor enrolment required"
								  : "second factor required",
					"second_factor", l->step == PT_LOGIN_ENROL ? "enrol" : "code",
					"pending_token", l->pending, "expires",
					(json_int_t)l->pending_expires));
		return;
	}
	snprintf(cookie, sizeof cookie, "%s=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%lld%s",
		 PT_SESSION_COOKIE, l->login.token,
		 (long long)(l->login.session.expires - l->login.session.created), cookie_secure(r));
	pt_reply_header(r, "Set-Cookie", cookie);
	body = session_body(&l->login.session);
	if (body && l->n_recovery) {
		codes = json_array();
		for (i = 0; codes && i < l->n_recovery; i++)
			json_array_append_new(codes, json_string(l->recovery[i]));
		json_object_set_new(body, "recovery_codes", codes);
	}
	pt_reply_json(r, 200, body);
}

/*
 * A log-in step's failure: 429, 401 (the address's reserved attempt stays
 * counted), or the error (the attempt given back).
 */
static void login_fail_reply(struct pt_req *r, enum pt_err err, const struct pt_app_login *l,
			     const struct pt_diag *d, const char *key)
{
	if (err != PT_ENOTFOUND && err != PT_EINVAL)
		pt_throttle_release(r->srv->throttle, key, PT_THROTTLE_ADDR_FAILS);
	if (err == PT_ELIMIT) {
		reply_429(r, l->retry_after);
		return;
	}
	if (err == PT_ENOTFOUND || err == PT_EINVAL) {
		/* A wrong code or pending token says so; anything else about the password does not. */
		if (strcmp(d->field, "code") == 0 || strcmp(d->field, "pending_token") == 0)
			pt_reply_error(r, 401, d->field, 0, "%s", d->msg);
		else
			pt_reply_error(r, 401, NULL, 0, "wrong user name or password");
		return;
	}
	pt_reply_diag(r, err, d);
}

void pt_h_session_post(struct pt_req *r)
{
	const char *user = json_string_value(json_object_get(r->json, "user"));
	const char *password = json_string_value(json_object_get(r->json, "password"));
	const char *code = json_string_value(json_object_get(r->json, "code"));
	char key[80];
	struct pt_app_login *login;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	long long now = pt_http_now_mono();
	long wait;

	pt_api_caller(r, &c);
	if (!(login = calloc(1, sizeof *login))) {
		pt_reply_json(r, 500, NULL);
		return;
	}
	/* The address's attempt is counted before anything is checked (given back unless wrong). */
	login_throttle_key(r, key, sizeof key);
	if ((wait = pt_throttle_reserve(r->srv->throttle, key, PT_THROTTLE_ADDR_FAILS, now)) > 0) {
		free(login);
		reply_429(r, wait);
		return;
	}
	err = pt_app_login_start(&c, r->db, user, password, code, login, &d);
	if (err != PT_OK) {
		login_fail_reply(r, err, login, &d, key);
	} else {
		pt_throttle_release(r->srv->throttle, key, PT_THROTTLE_ADDR_FAILS);
		login_reply(r, login);
	}
	free(login);
}

void pt_h_session_get(struct pt_req *r)
{
	pt_reply_json(r, 200, session_body(&r->session->a.session));
}

void pt_h_session_delete(struct pt_req *r)
{
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	pt_api_caller(r, &c);
	err = pt_app_session_logout(&c, r->db, r->session->token, &d);
	if (err != PT_OK && err != PT_ENOTFOUND) {
		pt_reply_diag(r, err, &d);
		return;
	}
	{
		char cookie[128];
		snprintf(cookie, sizeof cookie, "%s=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s",
			 PT_SESSION_COOKIE, cookie_secure(r));
		pt_reply_header(r, "Set-Cookie", cookie);
	}
	pt_reply_empty(r, 204);
}

/* ---- the second factor (issue 10): the log-in's second step, enrolment ---- */

void pt_h_session_second_factor(struct pt_req *r)
{
	const char *token = json_string_value(json_object_get(r->json, "pending_token"));
	const char *code = json_string_value(json_object_get(r->json, "code"));
	char key[80];
	struct pt_app_login *login;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	long long now = pt_http_now_mono();
	long wait;

	pt_api_caller(r, &c);
	if (!(login = calloc(1, sizeof *login))) {
		pt_reply_json(r, 500, NULL);
		return;
	}
	login_throttle_key(r, key, sizeof key);
	if ((wait = pt_throttle_reserve(r->srv->throttle, key, PT_THROTTLE_ADDR_FAILS, now)) > 0) {
		free(login);
		reply_429(r, wait);
		return;
	}
	err = pt_app_login_finish(&c, r->db, token, code, login, &d);
	if (err == PT_EINVAL && strcmp(d.field, "code") == 0) {
		pt_throttle_release(r->srv->throttle, key, PT_THROTTLE_ADDR_FAILS); /* no code checked */
		pt_reply_error(r, 409, "code", 0, "%s", d.msg);
	} else if (err != PT_OK) {
		login_fail_reply(r, err, login, &d, key);
	} else {
		pt_throttle_release(r->srv->throttle, key, PT_THROTTLE_ADDR_FAILS);
		login_reply(r, login);
	}
	free(login);
}

/* {"secret", "otpauth_uri", "qr_svg"} of a new enrolment. */
static void enrolment_reply(struct pt_req *r, enum pt_err err, struct pt_app_enrolment *e,
			    const struct pt_diag *d)
{
	if (err == PT_ENOTFOUND && strcmp(d->field, "pending_token") == 0)
		pt_reply_error(r, 401, d->field, 0, "%s", d->msg);
	else if (err == PT_ECONFLICT) /* a confirmed second factor is set up already */
		pt_reply_error(r, 409, NULL, 0, "%s", d->msg);
	else if (err != PT_OK)
		pt_reply_diag(r, err, d);
	else
		pt_reply_json(r, 200, json_pack("{s:s,s:s,s:s}", "secret", e->secret, "otpauth_uri",
						e->uri, "qr_svg", e->qr_svg));
	pt_app_enrolment_clear(e);
}

void pt_h_session_enrolment(struct pt_req *r)
{
	const char *token = json_string_value(json_object_get(r->json, "pending_token"));
	struct pt_app_enrolment e = {{0}, {0}, NULL};
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	pt_api_caller(r, &c);
	enrolment_reply(r, pt_app_second_factor_enrol(&c, r->db, token, &e, &d), &e, &d);
}

void pt_h_account_second_factor(struct pt_req *r)
{
	struct pt_app_enrolment e = {{0}, {0}, NULL};
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	pt_api_caller(r, &c);
	enrolment_reply(r, pt_app_second_factor_enrol(&c, r->db, NULL, &e, &d), &e, &d);
}

void pt_h_account_second_factor_confirm(struct pt_req *r)
{
	const char *code = json_string_value(json_object_get(r->json, "code"));
	struct pt_app_login *login;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	json_t *codes;
	size_t i;
	pt_api_caller(r, &c);
	if (!(login = calloc(1, sizeof *login))) {
		pt_reply_json(r, 500, NULL);
		return;
	}
	err = pt_app_second_factor_confirm(&c, r->db, code, login, &d);
	if (err == PT_ENOTFOUND)
		pt_reply_error(r, 422, "code", 0, "%s", d.msg);
	else if (err == PT_EINVAL)
		pt_reply_error(r, 409, "code", 0, "%s", d.msg);
	else if (err != PT_OK)
		pt_reply_diag(r, err, &d);
	else {
		codes = json_array();
		for (i = 0; codes && i < login->n_recovery; i++)
			json_array_append_new(codes, json_string(login->recovery[i]));
		pt_reply_json(r, 200, json_pack("{s:o}", "recovery_codes", codes));
	}
	free(login);
}

/* The use case's snapshot source for one request: the request's own snapshot (ctx). */
static struct pt_snapshot *request_snapshot(void *ctx, struct pt_db *db, struct pt_diag *d)
{
	(void)db;
	(void)d;
	return pt_snapshot_retain(ctx);
}

void pt_api_caller_snapshot(const struct pt_req *r, struct pt_snapshot *snap,
			    struct pt_snapshot_source *src, struct pt_caller *c)
{
	pt_api_caller(r, c);
	src->get = request_snapshot;
	src->ctx = snap;
	c->snapshots = src;
}

/* ---- issue 15: an event stream checks its session at its heartbeats ---- */

const char *pt_api_session_token(const struct pt_req *r)
{
	return r->session ? r->session->token : NULL;
}

int pt_api_session_open(struct pt_db *db, const char *token, long long now)
{
	struct pt_app_session a;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	memset(&c, 0, sizeof c);
	c.now = now;
	err = pt_app_session_get(&c, db, token, &a, &d);
	return err == PT_OK ? 1 : err == PT_ENOTFOUND ? 0 : -1;
}
