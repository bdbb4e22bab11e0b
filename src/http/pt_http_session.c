/* pt_http_session.c - the caller of a request: log-in and log-out, the session
 * cookie and CSRF token, and the adapters that ask src/core/pt_access and write the audit log. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../app/pt_app_session.h"
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

/* The client's address as text, for the per-address throttle. */
static void client_address(struct pt_req *r, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	buf[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
			  buf, (socklen_t)size);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr, buf,
			  (socklen_t)size);
}

static void reply_429(struct pt_req *r, long wait)
{
	char text[32];
	snprintf(text, sizeof text, "%ld", wait > 0 ? wait : 1);
	pt_reply_error(r, 429, NULL, 0, "too many failed log-ins; try again in %s seconds", text);
	pt_reply_header(r, "Retry-After", text);
}

void pt_h_session_post(struct pt_req *r)
{
	const char *user = json_string_value(json_object_get(r->json, "user"));
	const char *password = json_string_value(json_object_get(r->json, "password"));
	char addr[64], key[80], cookie[160];
	struct pt_login login;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	long long now = pt_http_now_mono();
	long wait;

	memset(&login, 0, sizeof login);
	pt_api_caller(r, &c);
	client_address(r, addr, sizeof addr);
	snprintf(key, sizeof key, "addr:%s", addr);
	if ((wait = pt_throttle_wait(r->srv->throttle, key, now)) > 0) {
		reply_429(r, wait);
		return;
	}
	err = pt_app_session_login(&c, r->db, user, password, &login, &d);
	if (err == PT_ELIMIT) {
		reply_429(r, login.retry_after);
		return;
	}
	if (err == PT_ENOTFOUND || err == PT_EINVAL) {
		pt_throttle_fail(r->srv->throttle, key, PT_THROTTLE_ADDR_FAILS, now);
		pt_reply_error(r, 401, NULL, 0, "wrong user name or password");
		return;
	}
	if (err != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	snprintf(cookie, sizeof cookie, "%s=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%lld",
		 PT_SESSION_COOKIE, login.token,
		 (long long)(login.session.expires - login.session.created));
	pt_reply_header(r, "Set-Cookie", cookie);
	pt_reply_json(r, 200, session_body(&login.session));
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
	pt_reply_header(r, "Set-Cookie", PT_SESSION_COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
	pt_reply_empty(r, 204);
}
