/* pt_http_server.c - the libmicrohttpd glue: start with a thread pool, route
 * each request, read bodies within their limits, dispatch, reply, graceful stop. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../app/pt_app_plan.h" /* plan cache (issue 10) */
#include "../formats/pt_alert_feed.h" /* issue 13: libxml2 prepared before the threads */
#include "../formats/pt_attachment.h" /* issue 16 item 3: the attachments' body limit and types */
#include "../formats/pt_diag.h"
#include "pt_http_api.h"
#include "pt_http_int.h"

static int stopping(struct pt_http_server *s)
{
	int v;
	pthread_mutex_lock(&s->lock);
	v = s->stopping;
	pthread_mutex_unlock(&s->lock);
	return v;
}

/* Queue r's reply. Returns MHD_YES/MHD_NO as MHD expects. */
static enum MHD_Result send_reply(struct pt_req *r)
{
	struct MHD_Response *resp = r->raw;
	enum MHD_Result ret;
	size_t i;
	int is_static = r->route && (r->route->flags & PT_R_STATIC);
	r->raw = NULL;
	if (!r->status) {
		pt_reply_error(r, 500, NULL, 0, "the handler gave no reply");
		r->cause = "no reply";
	}
	if (!resp) {
		if (r->reply) {
			char *text = pt_json_text(r->reply);
			if (!text)
				return MHD_NO;
			resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
			if (!resp) {
				free(text);
				return MHD_NO;
			}
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
						"application/json; charset=utf-8");
		} else {
			resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
			if (!resp)
				return MHD_NO;
		}
	}
	for (i = 0; i < r->n_hdr; i++)
		MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* --behind-tls: browsers keep to HTTPS for a year (the proxy serves TLS; README "Serving") */
	if (r->srv->cfg.behind_tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (r->route && (r->route->flags & PT_R_CACHEABLE) && (r->status == 200 || r->status == 304)) {
		/* issue 13: the public alert paths set their own Cache-Control */
	} else if (!is_static || r->status != 200) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	} else {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
		MHD_add_response_header(resp, "Content-Security-Policy",
					"default-src 'self'; img-src 'self' data:; "
					"style-src 'self' 'unsafe-inline'; object-src 'none'; "
					"base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
	}
	if (stopping(r->srv))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	pt_reply_log(r); /* busy registry: every 5xx logged, here only */
	ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	r->replied = 1;
	return ret;
}

/* ---- routing ---- */

/* Match path against pattern, capturing {params}. 1 on a match. */
static int match_route(const char *pattern, const char *path, struct pt_req *r, int capture)
{
	size_t k = 0;
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *end = strchr(pattern, '}');
			size_t n = strcspn(path, "/");
			if (!end || n == 0 || n >= PT_PATH_PARAM_MAX || k >= PT_PATH_PARAMS)
				return 0;
			if (capture) {
				memcpy(r->param[k], path, n);
				r->param[k][n] = '\0';
			}
			k++;
			pattern = end + 1;
			path += n;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	return *pattern == '\0' && *path == '\0';
}

static int method_is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Find the route; 0 found, else 404 or 405 with Allow filled. */
static unsigned find_route(struct pt_req *r, char *allow, size_t allow_size)
{
	const struct pt_route *rt;
	int path_known = 0;
	const char *method = method_is(r->method, "HEAD") ? "GET" : r->method;
	allow[0] = '\0';
	for (rt = pt_routes; rt->method; rt++) {
		int hit;
		if (rt->flags & PT_R_STATIC)
			hit = strncmp(r->url, rt->pattern, strlen(rt->pattern)) == 0 &&
			      strncmp(r->url, "/api/", 5) != 0;
		else
			hit = match_route(rt->pattern, r->url, r, 0);
		if (!hit)
			continue;
		if (rt->flags & PT_R_STATIC) {
			if (method_is(method, "GET")) {
				r->route = rt;
				return 0;
			}
			path_known = 1;
			snprintf(allow, allow_size, "GET, HEAD");
			break;
		}
		path_known = 1;
		if (method_is(method, rt->method)) {
			r->route = rt;
			match_route(rt->pattern, r->url, r, 1);
			return 0;
		}
		{
			size_t used = strlen(allow);
			snprintf(allow + used, allow_size - used, "%s%s%s", used ? ", " : "", rt->method,
				 method_is(rt->method, "GET") ? ", HEAD" : "");
		}
	}
	return path_known ? 405 : 404;
}

struct query_walk {
	struct pt_req *r;
	int bad;
	char field[64];
	char msg[256];
};

/*
 * Decode a PT_V_QUERY_TEXT value in place (the connection's own storage):
 * '+' is a space, then libmicrohttpd's MHD_http_unescape. Nonzero when the
 * escapes are well formed and the text is min..max bytes without control
 * characters.
 */
static int query_text_decode(const char *value, unsigned long long min, unsigned long long max)
{
	char *v = (char *)(uintptr_t)value, *p;
	size_t len;
	if (!v)
		return min == 0;
	for (p = v; *p; p++) {
		if (*p == '%' && !(isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])))
			return 0;
		if (*p == '+')
			*p = ' ';
	}
	len = MHD_http_unescape(v);
	v[len] = '\0';
	return len >= min && len <= max && strlen(v) == len && pt_valid_text(v);
}

/* Decode a PT_V_INT value's percent escapes in place (the connection's own storage).
 * Nonzero when they are well formed. */
static int query_int_decode(const char *value)
{
	char *v = (char *)(uintptr_t)value, *p;
	size_t len;
	if (!v || !strchr(v, '%'))
		return 1;
	for (p = v; *p; p++)
		if (*p == '%' && !(isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])))
			return 0;
	len = MHD_http_unescape(v);
	v[len] = '\0';
	return strlen(v) == len;
}

/* issue 16 item 5: add the values of one occurrence of list parameter i (value as sent,
 * split on its raw commas, each part decoded as query text) to w's request. Nonzero when
 * every part is well formed; else w->msg says why. */
static int query_list_add(struct query_walk *w, size_t i, const char *value)
{
	struct pt_qval *qv = &w->r->query[i];
	const struct pt_vquery *q = &w->r->route->query[i];
	const char *p = value ? value : "";
	char part[3 * PT_QUERY_LIST_VALUE_MAX + 1];
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t raw = comma ? (size_t)(comma - p) : strlen(p), len;
		char *grown;
		if (raw == 0) {
			snprintf(w->msg, sizeof w->msg, "an empty value (values are separated by commas)");
			return 0;
		}
		if (raw >= sizeof part) {
			snprintf(w->msg, sizeof w->msg, "a value longer than %d bytes",
				 PT_QUERY_LIST_VALUE_MAX);
			return 0;
		}
		memcpy(part, p, raw);
		part[raw] = '\0';
		if (!query_text_decode(part, 1, PT_QUERY_LIST_VALUE_MAX)) {
			snprintf(w->msg, sizeof w->msg,
				 "each value must be text of 1 to %d bytes without control "
				 "characters, its escapes well formed",
				 PT_QUERY_LIST_VALUE_MAX);
			return 0;
		}
		len = strlen(part);
		if (qv->n_list >= PT_QUERY_LIST_MAX || qv->list_len + len + 1 > q->max) {
			snprintf(w->msg, sizeof w->msg, "more than %d values or %llu bytes",
				 PT_QUERY_LIST_MAX, q->max);
			return 0;
		}
		if (!(grown = realloc(qv->list, qv->list_len + len + 1))) {
			snprintf(w->msg, sizeof w->msg, "out of memory");
			return 0;
		}
		qv->list = grown;
		memcpy(qv->list + qv->list_len, part, len + 1);
		qv->list_len += len + 1;
		qv->n_list++;
		if (!comma)
			return 1;
		p = comma + 1;
	}
}

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct query_walk *w = cls;
	const struct pt_vquery *q = w->r->route->query;
	size_t i;
	(void)kind;
	if (w->bad)
		return MHD_NO;
	for (i = 0; q && q[i].name && i < PT_QUERY_MAX; i++)
		if (strcmp(q[i].name, key) == 0)
			break;
	snprintf(w->field, sizeof w->field, "%s", key);
	if (!q || !q[i].name || i >= PT_QUERY_MAX) {
		w->bad = 1;
		snprintf(w->msg, sizeof w->msg, "unknown query parameter");
		return MHD_NO;
	}
	if (q[i].type == PT_V_QUERY_LIST) { /* issue 16 item 5: repeatable */
		w->r->query[i].set = 1;
		if (!query_list_add(w, i, value)) {
			w->bad = 1;
			return MHD_NO;
		}
		return MHD_YES;
	}
	if (w->r->query[i].set) {
		w->bad = 1;
		snprintf(w->msg, sizeof w->msg, "given more than once");
		return MHD_NO;
	}
	w->r->query[i].set = 1;
	w->r->query[i].str = value ? value : "";
	if (q[i].type == PT_V_QUERY_TEXT) {
		if (!query_text_decode(value, q[i].min, q[i].max)) {
			w->bad = 1;
			snprintf(w->msg, sizeof w->msg,
				 "must be text of %llu to %llu bytes without control characters", q[i].min,
				 q[i].max);
			return MHD_NO;
		}
	} else if (q[i].type == PT_V_INT) {
		/* percent-decoded once like text ("%31%30" is 10); a '+' stays and is refused */
		if (!query_int_decode(value) ||
		    !pt_parse_uint_strict(value, q[i].min, q[i].max, &w->r->query[i].num)) {
			w->bad = 1;
			snprintf(w->msg, sizeof w->msg, "must be a whole number from %llu to %llu", q[i].min,
				 q[i].max);
			return MHD_NO;
		}
	} else {
		size_t len = value ? strlen(value) : 0;
		int ok = len >= q[i].min && len <= q[i].max;
		if (ok && q[i].choices) {
			const char *const *c;
			ok = 0;
			for (c = q[i].choices; *c; c++)
				if (strcmp(*c, value) == 0)
					ok = 1;
		}
		if (ok && value && !pt_valid_text(value))
			ok = 0;
		if (!ok) {
			w->bad = 1;
			snprintf(w->msg, sizeof w->msg, "has a value that is not allowed");
			return MHD_NO;
		}
	}
	return MHD_YES;
}

/* Checks made when the headers are in, before any body is read. 0: go on. */
static int on_headers(struct pt_req *r)
{
	char allow[128];
	unsigned status;
	const struct pt_route *rt;
	const char *clen, *ctype;
	struct query_walk w;

	r->rate_mark_ms = pt_http_now_ms(); /* a body's first rate window starts now */
	if (pt_req_target_has_nul(r)) {
		pt_reply_error(r, 400, NULL, 0, "the request target holds a NUL byte");
		return 1;
	}
	if (stopping(r->srv)) {
		pt_reply_error(r, 503, NULL, 0, "the server is shutting down");
		pt_reply_header(r, "Retry-After", "5");
		r->cause = "shutting down";
		return 1;
	}
	if (pt_http_limits_check(r))
		return 1; /* 400 or 429 replied (a request through the proxy) */
	if ((status = find_route(r, allow, sizeof allow)) != 0) {
		if (status == 405) {
			pt_reply_error(r, 405, NULL, 0, "method %s is not allowed here", r->method);
			pt_reply_header(r, "Allow", allow);
		} else {
			pt_reply_not_found(r);
		}
		return 1;
	}
	rt = r->route;
	if (rt->flags & PT_R_STATIC)
		return 0;
	memset(&w, 0, sizeof w);
	w.r = r;
	if (!(rt->flags & PT_R_QUERY_IGNORED)) /* issue 13 review fix: the public alert paths */
		MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_arg, &w);
	if (w.bad) {
		pt_reply_error(r, 400, w.field, 0, "%s: %s", w.field, w.msg);
		return 1;
	}
	if (!(rt->flags & PT_R_PUBLIC)) {
		if (pt_api_session_check(r) != 0)
			return 1; /* 401 (or 500) replied */
		if (!method_is(rt->method, "GET") && !(rt->flags & PT_R_NO_CSRF) &&
		    pt_api_csrf_check(r) != 0)
			return 1; /* 403 replied */
		/* The right to import depends on the caller alone: asked before any body byte. */
		if ((rt->flags & (PT_R_IMPORT_SITES | PT_R_IMPORT_ASSESSMENTS)) &&
		    pt_api_import_check(r, (rt->flags & PT_R_IMPORT_SITES) ? PT_IMPORT_SITES
									   : PT_IMPORT_ASSESSMENTS) != 0)
			return 1; /* 403 replied */
	}
	/* A public route (no session: the log-in steps) takes a small body only, so callers
	 * without a log-in cannot fill the body budget. */
	r->body_max = (rt->flags & PT_R_CSV) ? r->srv->cfg.upload_max
			: (rt->flags & PT_R_ATTACHMENT) ? PT_ATTACH_MAX /* issue 16 item 3 */
			: !(rt->flags & PT_R_JSON) ? 0
			: (rt->flags & PT_R_PUBLIC) ? PT_PUBLIC_BODY_MAX
			: (rt->flags & PT_R_JSON_ROWS) ? PT_JSON_ROWS_BODY_MAX : PT_JSON_ROUTE_BODY_MAX;
	if (r->session) { /* issue 10 fix F4: the caller's bodies count against its share too */
		struct pt_caller c;
		pt_api_caller(r, &c);
		r->body_user = c.who.user_id > 0 ? c.who.user_id : -1;
	}
	clen = pt_req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (clen && clen[0]) {
		unsigned long long n;
		if (!pt_parse_uint_strict(clen, 0, ~0ULL, &n)) {
			pt_reply_error(r, 400, "Content-Length", 0, "Content-Length is not a number");
			return 1;
		}
		if (n > r->body_max) {
			if (!r->body_max)
				pt_reply_error(r, 413, NULL, 0, "this request takes no body");
			else
				pt_reply_error(r, 413, NULL, 0, "the body is over its limit of %zu bytes",
					       r->body_max);
			return 1;
		}
		r->body_expect = (size_t)n;
	}
	ctype = pt_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	/* issue 13 review fix: an optional body may be left out, Content-Type and all */
	if ((rt->flags & PT_R_JSON_OPTIONAL) && !ctype && !r->body_expect)
		r->json_absent = 1;
	else if (rt->flags & (PT_R_JSON | PT_R_CSV)) {
		const char *want = (rt->flags & PT_R_JSON) ? "application/json" : "text/csv";
		size_t n = strlen(want);
		int geo = (rt->flags & PT_R_GEOJSON) && ctype &&
			  strncasecmp(ctype, "application/geo+json", 20) == 0 &&
			  (!ctype[20] || ctype[20] == ';' || ctype[20] == ' ');
		if (!geo && (!ctype || strncasecmp(ctype, want, n) != 0 ||
			     (ctype[n] && ctype[n] != ';' && ctype[n] != ' '))) {
			pt_reply_error(r, 415, "Content-Type", 0, "the body must be sent as %s%s", want,
				       (rt->flags & PT_R_GEOJSON) ? " or application/geo+json" : "");
			return 1;
		}
	}
	/* issue 16 item 3: an attachment is sent as what it claims to be (its bytes decide) */
	if ((rt->flags & PT_R_ATTACHMENT) && pt_attach_type_of_mime(ctype) == PT_ATTACH_NONE &&
	    !(ctype && strncasecmp(ctype, "application/octet-stream", 24) == 0)) {
		pt_reply_error(r, 415, "Content-Type", 0,
			       "an attachment is sent as image/jpeg, image/png, application/pdf or "
			       "application/octet-stream");
		return 1;
	}
	/* A declared length is held from now on, so a full budget answers before the body. */
	if (r->body_max && r->body_expect && !pt_body_reserve(r->srv, r, r->body_expect + 1)) {
		pt_reply_bodies_full(r);
		return 1;
	}
	r->rate_mark_ms = pt_http_now_ms(); /* the checks above may have waited for the database */
	return 0;
}

/* Issue 10 fix: a body past its limit (or the budget) ends its connection at once, so nothing
 * more of it is read. No answer can be sent: libmicrohttpd (0.9.75) queues a reply only before
 * the body's first byte or after its last, and a body with a Content-Length was judged before
 * its first byte already (413 or 503); so this is a chunked body. */
static enum MHD_Result body_refuse(struct pt_req *r)
{
	free(r->body);
	r->body = NULL;
	r->body_len = r->body_cap = 0;
	pt_body_release(r->srv, r);
	r->replied = 1; /* nothing is answered */
	return MHD_NO;
}

/*
 * Take n bytes of r's body: cut the connection (MHD_NO) when the body comes
 * slower than cfg.body_min_rate over a window, or when it passes the body's
 * limit or the server's body budget (body_refuse).
 */
static enum MHD_Result body_take(struct pt_req *r, const char *upload, size_t n)
{
	struct pt_http_server *s = r->srv;
	long long now = pt_http_now_ms(), span = now - r->rate_mark_ms;
	r->body_seen += n;
	/* A body that is all in is never cut (the server may have been slow to read it). */
	if (span >= PT_HTTP_RATE_WINDOW_MS && !(r->body_expect && r->body_seen >= r->body_expect)) {
		if ((unsigned long long)(r->body_seen - r->rate_mark_seen) * 1000ULL <
		    (unsigned long long)s->cfg.body_min_rate * (unsigned long long)span)
			return MHD_NO; /* too slow: the connection is closed */
		r->rate_mark_ms = now;
		r->rate_mark_seen = r->body_seen;
	}
	if (r->replied)
		return MHD_NO; /* refused already: nothing more is read */
	if (r->body_len + n > r->body_max) {
		r->body_too_large = 1;
		return body_refuse(r);
	}
	if (r->body_len + n + 1 > r->body_cap) {
		size_t cap = r->body_cap ? r->body_cap : 4096;
		char *nb;
		if (r->body_expect)
			cap = r->body_expect + 1; /* held since the headers */
		while (cap < r->body_len + n + 1)
			cap *= 2;
		if (cap > r->body_max + 1)
			cap = r->body_max + 1;
		if (cap > r->body_held && !pt_body_reserve(s, r, cap - r->body_held)) {
			r->body_over_budget = 1;
			return body_refuse(r);
		}
		nb = realloc(r->body, cap);
		if (!nb)
			return MHD_NO;
		r->body = nb;
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, upload, n);
	r->body_len += n;
	r->body[r->body_len] = '\0';
	return MHD_YES;
}

static void run_handler(struct pt_req *r)
{
	const struct pt_route *rt = r->route;
	if (r->body_over_budget) {
		pt_reply_bodies_full(r); /* issue 10: the server's body budget was full */
		return;
	}
	if (r->body_too_large) {
		pt_reply_error(r, 413, NULL, 0, "the body is over its limit of %zu bytes", r->body_max);
		return;
	}
	if (rt->flags & PT_R_STATIC) {
		pt_static_serve(r);
		return;
	}
	if (r->json_absent && r->body_len) { /* a body after all, without its Content-Type */
		pt_reply_error(r, 415, "Content-Type", 0, "the body must be sent as application/json");
		return;
	}
	if ((rt->flags & PT_R_JSON) && !r->json_absent) {
		struct pt_verror e;
		enum pt_err err = pt_json_parse_body(r->body, r->body_len, &r->json, &e);
		if (err == PT_OK && rt->body)
			err = pt_validate_object(r->json, rt->body, "", &e);
		if (err != PT_OK) {
			if (e.field[0])
				pt_reply_error(r, err == PT_ELIMIT ? 413 : 400, e.field, 0, "%s: %s", e.field,
					       e.msg);
			else
				pt_reply_error(r, err == PT_ELIMIT ? 413 : 400, NULL, 0, "%s", e.msg);
			return;
		}
	}
	r->db = pt_dbpool_get(&r->srv->pool);
	pt_api_prepare_db(r);
	rt->handler(r); /* may defer r to the compute pool (r->work DEFERRED, pt_work_defer) */
	pt_dbpool_put(&r->srv->pool, r->db);
	r->db = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct pt_http_server *s = cls;
	struct pt_req *r = *con_cls;
	if (!r || !r->srv) { /* the first call: r comes from pt_http_uri_logged */
		if (r)
			pt_req_unpend(s, r);
		else if (!(r = calloc(1, sizeof *r)))
			return MHD_NO;
		*con_cls = r;
		r->srv = s;
		r->conn = conn;
		r->method = method;
		r->url = url;
		r->version = version;
		pt_req_read_sink(r);
		pthread_mutex_lock(&s->lock);
		s->in_flight++;
		r->counted = 1;
		pthread_mutex_unlock(&s->lock);
		if (on_headers(r))
			return send_reply(r);
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		return body_take(r, upload, n);
	}
	if (r->replied)
		return MHD_YES;
	if (r->work == PT_WORK_DONE && !r->rerun) {
		r->work = PT_WORK_NONE; /* resumed with its reply made: by the pool or the batch */
	} else {
		if (r->work == PT_WORK_DONE) { /* it waited for another request's computation */
			r->work = PT_WORK_NONE;
			r->rerun = 0; /* the result is kept: the handler finds it */
		}
		run_handler(r);
		/* Only now, its connection given back, may a deferred request go to the pool. */
		if (r->work == PT_WORK_DEFERRED && pt_work_submit(r))
			return MHD_YES; /* suspended until the compute pool resumes it */
	}
	/* Audited reads: answered once their entries are written (group commit). */
	if (r->reads && pt_audit_batch_submit(r))
		return MHD_YES;
	return send_reply(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct pt_http_server *s = cls;
	struct pt_req *r = *con_cls;
	size_t i;
	(void)conn;
	(void)toe;
	if (!r)
		return;
	*con_cls = NULL;
	pt_req_unpend(s, r);
	if (r->db)
		pt_dbpool_put(&s->pool, r->db);
	pt_api_request_done(r);
	pt_snapshot_release(r->snap);
	json_decref(r->json);
	json_decref(r->reply);
	if (r->raw)
		MHD_destroy_response(r->raw);
	for (i = 0; i < r->n_hdr; i++) {
		free(r->hdr_name[i]);
		free(r->hdr_value[i]);
	}
	free(r->body);
	pt_http_limits_done(s, r); /* issue 10: the body budget and the client's count */
	free(r->work_key);
	for (size_t qi = 0; qi < PT_QUERY_MAX; qi++) /* issue 16 item 5: list parameters */
		free(r->query[qi].list);
	pt_req_reads_free(r);
	if (r->counted) {
		pthread_mutex_lock(&s->lock);
		s->in_flight--;
		pthread_cond_broadcast(&s->idle);
		pthread_mutex_unlock(&s->lock);
	}
	free(r);
}

/* Keep the path and query as sent: no percent-decoding (ids never need it). */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("protect serve: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* The resource limits of cfg (issue 10): defaults, checks, the trusted proxy. */
static enum pt_err limits_setup(struct pt_http_server *s, struct pt_diag *d)
{
	struct pt_http_config *c = &s->cfg;
	if (!c->body_budget) /* 64 MiB, or four uploads of the upload limit when that is more */
		c->body_budget = c->upload_max > PT_HTTP_BODY_BUDGET_DEFAULT / 4
					 ? 4 * c->upload_max
					 : PT_HTTP_BODY_BUDGET_DEFAULT;
	if (!c->connections_max)
		c->connections_max = PT_HTTP_CONNECTIONS_DEFAULT;
	if (!c->per_address_max)
		c->per_address_max = PT_HTTP_PER_ADDRESS_DEFAULT;
	if (!c->idle_timeout_s)
		c->idle_timeout_s = PT_HTTP_IDLE_TIMEOUT_DEFAULT;
	if (!c->body_min_rate)
		c->body_min_rate = PT_HTTP_BODY_MIN_RATE_DEFAULT;
	if (c->body_budget < c->upload_max + 1 || c->body_budget < PT_JSON_BODY_MAX + 1)
		return pt_diag_set(d, PT_EINVAL, 0, "body-budget",
				   "the body budget (%zu bytes) must hold one upload of the upload "
				   "limit (%zu bytes) and one more byte",
				   c->body_budget, c->upload_max);
	if (c->per_address_max > c->connections_max)
		c->per_address_max = c->connections_max;
	/* Issue 10 fix F4/F7: the server counts direct clients itself (an IPv6 client per /64, not
	 * per /128 as MHD would), and one user holds at most two uploads of body bytes at once,
	 * leaving at least one upload of the budget to the others (when the budget has room). */
	if (!(s->per_client = pt_addr_count_new(2 * (size_t)c->connections_max + 16)) ||
	    !(s->per_user = pt_user_bytes_new((size_t)c->connections_max + 16)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	{
		size_t one = (c->upload_max > PT_JSON_ROWS_BODY_MAX ? c->upload_max
								      : PT_JSON_ROWS_BODY_MAX) + 1;
		size_t rest = c->body_budget > one ? c->body_budget - one : 0;
		size_t room = rest > one ? rest : one;
		s->user_body_share = 2 * one < room ? 2 * one : room;
	}
	if (c->proxy) {
		const char *h = c->proxy_header ? c->proxy_header : "X-Forwarded-For";
		size_t i, n = strlen(h);
		if (!pt_addr_parse(c->proxy, &s->proxy))
			return pt_diag_set(d, PT_EINVAL, 0, "proxy", "'%s' is not an IPv4 or IPv6 address",
					   c->proxy);
		for (i = 0; i < n; i++)
			if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '_')
				break;
		if (n == 0 || i < n || n >= sizeof s->proxy_header)
			return pt_diag_set(d, PT_EINVAL, 0, "proxy-header",
					   "'%s' is not a header name (letters, digits, '-', '_'; at "
					   "most %zu)",
					   h, sizeof s->proxy_header - 1);
		snprintf(s->proxy_header, sizeof s->proxy_header, "%s", h);
		/* per_client counts direct clients (one per connection) and proxied ones (one per
		 * request) at once. */
		s->proxy_set = 1;
	}
	pt_http_paths_note(s);
	c->proxy = NULL; /* the caller's text: only the parsed form is kept */
	c->proxy_header = s->proxy_set ? s->proxy_header : NULL;
	return PT_OK;
}

enum pt_err pt_http_start(const struct pt_http_config *cfg, struct pt_http_server **out,
			  struct pt_diag *d)
{
	struct pt_http_server *s;
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	const struct sockaddr *addr;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *info;
	enum pt_err err;
	long ncpu;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->pending_lock, NULL);
	pthread_cond_init(&s->idle, NULL);
	s->cfg = *cfg;
	snprintf(s->bind, sizeof s->bind, "%s", cfg->bind ? cfg->bind : "127.0.0.1");
	snprintf(s->vendor_dir, sizeof s->vendor_dir, "%s",
		 cfg->vendor_dir ? cfg->vendor_dir : "/usr/share/javascript");
	s->cfg.bind = s->bind;
	s->cfg.vendor_dir = s->vendor_dir;
	if (!s->cfg.upload_max)
		s->cfg.upload_max = PT_HTTP_UPLOAD_DEFAULT;
	if (!s->cfg.shutdown_timeout_ms)
		s->cfg.shutdown_timeout_ms = 30000;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	s->threads = cfg->threads ? cfg->threads : (unsigned)(ncpu > 2 ? ncpu : 2);
	if (s->threads > PT_HTTP_THREADS_MAX)
		s->threads = PT_HTTP_THREADS_MAX;
	/* The compute pool (issue 10). */
	s->compute_threads = cfg->compute_threads ? cfg->compute_threads
						  : (unsigned)(ncpu > 1 ? ncpu : 1);
	if (s->compute_threads > PT_HTTP_COMPUTE_THREADS_MAX)
		s->compute_threads = PT_HTTP_COMPUTE_THREADS_MAX;
	if (!s->cfg.compute_queue)
		s->cfg.compute_queue = PT_HTTP_COMPUTE_QUEUE_DEFAULT;
	if (s->cfg.compute_queue > PT_HTTP_COMPUTE_QUEUE_MAX) {
		err = pt_diag_set(d, PT_EINVAL, 0, "compute-queue", "the compute queue is above %d",
				  PT_HTTP_COMPUTE_QUEUE_MAX);
		goto fail;
	}
	if (s->cfg.upload_max > PT_HTTP_UPLOAD_MAX) {
		err = pt_diag_set(d, PT_EINVAL, 0, "upload-max", "the upload limit is above %lu bytes",
				  PT_HTTP_UPLOAD_MAX);
		goto fail;
	}
	if ((err = limits_setup(s, d)) != PT_OK)
		goto fail;
	memset(&a4, 0, sizeof a4);
	memset(&a6, 0, sizeof a6);
	if (inet_pton(AF_INET, s->bind, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)cfg->port);
		addr = (const struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, s->bind, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)cfg->port);
		addr = (const struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	} else {
		err = pt_diag_set(d, PT_EINVAL, 0, "bind", "'%s' is not an IPv4 or IPv6 address", s->bind);
		goto fail;
	}
	if (cfg->port > 65535) {
		err = pt_diag_set(d, PT_EINVAL, 0, "port", "%u is not a port number (0-65535)", cfg->port);
		goto fail;
	}
	if (s->cfg.public_rate > PT_HTTP_PUBLIC_RATE_MAX) { /* issue 13 */
		err = pt_diag_set(d, PT_EINVAL, 0, "public-rate", "the public rate is above %u a minute",
				  PT_HTTP_PUBLIC_RATE_MAX);
		goto fail;
	}
	if (s->cfg.run_refusals > PT_HTTP_RUN_RATE_MAX) { /* attack review 6, round 2 */
		err = pt_diag_set(d, PT_EINVAL, 0, "run-refusals",
				  "the run refusal rate is above %u a minute", PT_HTTP_RUN_RATE_MAX);
		goto fail;
	}
	if (s->cfg.run_rate > PT_HTTP_RUN_RATE_MAX) { /* issue 15, attack review 4 */
		err = pt_diag_set(d, PT_EINVAL, 0, "run-rate", "the run write rate is above %u a minute",
				  PT_HTTP_RUN_RATE_MAX);
		goto fail;
	}
	if (s->cfg.busy_wait_ms > PT_BUSY_WAIT_MAX_MS) {
		err = pt_diag_set(d, PT_EINVAL, 0, "busy-wait", "the busy wait is above %d ms",
				  PT_BUSY_WAIT_MAX_MS);
		goto fail;
	}
	/* One connection per worker thread, one per compute thread, one for the audit batch, one
	 * for the exercise runs' ticker (issue 15). */
	if ((err = pt_dbpool_open(&s->pool, cfg->db_path, s->threads + s->compute_threads + 2,
				  d)) != PT_OK)
		goto fail;
	pt_dbpool_busy_wait(&s->pool, s->cfg.busy_wait_ms ? s->cfg.busy_wait_ms : PT_BUSY_WAIT_MS);
	s->batch_db = pt_dbpool_get(&s->pool);
	if (!(s->batch = pt_audit_batch_new(s, s->batch_db))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "cannot start the audit thread");
		goto fail;
	}
	if (!(s->work = pt_work_new(s, s->compute_threads, s->cfg.compute_queue))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "cannot start the compute threads");
		goto fail;
	}
	/* issue 15: the exercise runs' ticker and event streams */
	s->live_db = pt_dbpool_get(&s->pool);
	if (!(s->live = pt_live_new(s, s->live_db))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "cannot start the exercise runs' ticker");
		goto fail;
	}
	if (!(s->throttle = pt_throttle_new()) || !(s->cache = pt_cache_new()) ||
	    !(s->alerts = pt_alert_cache_new()) || /* issue 13 */
	    !(s->public_rate = pt_rate_new(s->cfg.public_rate ? s->cfg.public_rate
							       : PT_HTTP_PUBLIC_RATE_DEFAULT)) ||
	    !(s->run_rate = pt_rate_new(s->cfg.run_rate ? s->cfg.run_rate
							: PT_HTTP_RUN_RATE_DEFAULT)) ||
	    !(s->run_refusals = pt_rate_new(s->cfg.run_refusals ? s->cfg.run_refusals
								: PT_HTTP_RUN_REFUSALS)) || /* attack review 6, round 2 */
	    !(s->run_refusals_note = pt_rate_new(1))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto fail;
	}
	if ((err = pt_app_watch_open(cfg->db_path, &s->watch, d)) != PT_OK)
		goto fail;
	/* plan cache (issue 10): built plan models kept between requests */
	if (cfg->plan_cache_mb != PT_HTTP_PLAN_CACHE_OFF &&
	    pt_plan_cache_new((size_t)(cfg->plan_cache_mb ? cfg->plan_cache_mb
							: PT_HTTP_PLAN_CACHE_MB_DEFAULT) << 20,
			      &s->plan_cache) != PT_OK) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto fail;
	}
	pt_http_snapshot_source(s, &s->snapshots);
	pt_alert_feed_init(); /* issue 13: libxml2 is used by the request threads (CAP, Atom) */
	/* MHD's per-address limit would count the proxy, and each IPv6 /128: pt_http_accept and
	 * pt_http_connection_event count the direct clients, pt_http_limits_check the proxied ones. */
	s->daemon = MHD_start_daemon(
		flags, (uint16_t)cfg->port, pt_http_accept, s, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR, addr,
		MHD_OPTION_THREAD_POOL_SIZE, s->threads, MHD_OPTION_CONNECTION_LIMIT,
		s->cfg.connections_max, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		0u, MHD_OPTION_CONNECTION_TIMEOUT,
		s->cfg.idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
		pt_http_connection_event, s, MHD_OPTION_URI_LOG_CALLBACK, pt_http_uri_logged, s,
		MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE, 511u,
		MHD_OPTION_END);
	if (!s->daemon) {
		err = pt_diag_set(d, PT_EIO, 0, "", "cannot listen on %s port %u (in use?)", s->bind,
				  cfg->port);
		goto fail;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : cfg->port;
	*out = s;
	return PT_OK;
fail:
	pt_live_stop(s->live); /* issue 15 */
	pt_addr_count_free(s->per_client);
	pt_user_bytes_free(s->per_user); /* issue 10 fix F4 */
	pt_work_free(s->work);
	pt_live_free(s->live);
	pt_audit_batch_free(s->batch);
	pt_throttle_free(s->throttle);
	pt_cache_free(s->cache);
	pt_alert_cache_free(s->alerts); /* issue 13 */
	pt_rate_free(s->public_rate);
	pt_rate_free(s->run_rate);
	pt_rate_free(s->run_refusals);
	pt_rate_free(s->run_refusals_note);
	pt_plan_cache_free(s->plan_cache); /* plan cache (issue 10) */
	pt_app_watch_close(s->watch);
	if (s->pool.conns)
		pt_dbpool_close(&s->pool);
	pt_req_pending_free(s);
	pthread_mutex_destroy(&s->pending_lock);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->idle);
	free(s);
	return err;
}

unsigned pt_http_port(const struct pt_http_server *s)
{
	return s->port;
}

unsigned pt_http_threads(const struct pt_http_server *s)
{
	return s->threads;
}

unsigned pt_http_compute_threads(const struct pt_http_server *s)
{
	return s->compute_threads;
}

void pt_http_stop(struct pt_http_server *s, long *cut)
{
	struct timespec until;
	MHD_socket fd;
	if (cut)
		*cut = 0;
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_mutex_unlock(&s->lock);
	pt_work_shutdown(s->work); /* computations stop; their requests are answered 503 */
	pt_live_stop(s->live);     /* issue 15: every event stream ends, the ticker stops */
	fd = MHD_quiesce_daemon(s->daemon); /* MHD accepts no more; closing refuses new connections */
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(s->cfg.shutdown_timeout_ms / 1000);
	until.tv_nsec += (long)(s->cfg.shutdown_timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->lock);
	while (s->in_flight > 0)
		if (pthread_cond_timedwait(&s->idle, &s->lock, &until) == ETIMEDOUT)
			break;
	if (cut)
		*cut = s->in_flight;
	pthread_mutex_unlock(&s->lock);
	if (pt_work_busy(s->work) || pt_audit_batch_busy(s->batch))
		return; /* a computation ignored its cancel (or the audit write hangs): a connection
			   is still suspended, and libmicrohttpd cannot stop with one; the process's
			   exit ends both */
	MHD_stop_daemon(s->daemon);
	pt_addr_count_free(s->per_client);
	pt_user_bytes_free(s->per_user); /* issue 10 fix F4 */
	pt_work_free(s->work);
	pt_live_free(s->live); /* issue 15: after the pool (a rerun may still wake streams) */
	pt_audit_batch_free(s->batch);
	pt_throttle_free(s->throttle);
	pt_cache_free(s->cache);
	pt_alert_cache_free(s->alerts); /* issue 13 */
	pt_rate_free(s->public_rate);
	pt_rate_free(s->run_rate); /* issue 15, attack review 4 */
	pt_rate_free(s->run_refusals); /* attack review 6, round 2 */
	pt_rate_free(s->run_refusals_note);
	pt_plan_cache_free(s->plan_cache); /* plan cache (issue 10) */
	pt_app_watch_close(s->watch);
	pt_dbpool_close(&s->pool);
	pt_req_pending_free(s);
	pthread_mutex_destroy(&s->pending_lock);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->idle);
	free(s);
}
