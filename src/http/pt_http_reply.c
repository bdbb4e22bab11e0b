/* pt_http_reply.c - what every handler of src/http uses: the clocks, the
 * pool of database connections, building the reply, reading the request. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../formats/pt_diag.h"
#include "pt_http_int.h"

long long pt_http_now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

long long pt_http_now_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec;
}

/* ---- database pool ---- */

void pt_dbpool_close(struct pt_dbpool *p)
{
	size_t i;
	for (i = 0; i < p->n; i++)
		pt_app_db_close(p->conns[i]);
	free(p->conns);
	free(p->busy);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
	memset(p, 0, sizeof *p);
}

enum pt_err pt_dbpool_open(struct pt_dbpool *p, const char *path, size_t n, struct pt_diag *d)
{
	enum pt_err err = PT_OK;
	memset(p, 0, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->conns = calloc(n, sizeof *p->conns);
	p->busy = calloc(n, 1);
	if (!p->conns || !p->busy)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (p->n = 0; p->n < n; p->n++) {
		if ((err = pt_app_db_open(path, 0, &p->conns[p->n], d)) != PT_OK)
			return err;
		if (!pt_app_db_is_initialised(p->conns[p->n])) {
			p->n++;
			return pt_diag_set(d, PT_EINVAL, 0, "",
					   "%s is not initialised; run 'protect init' or 'protect demo'", path);
		}
	}
	return PT_OK;
}

struct pt_db *pt_dbpool_get(struct pt_dbpool *p)
{
	struct pt_db *db = NULL;
	size_t i;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		for (i = 0; i < p->n; i++)
			if (!p->busy[i]) {
				p->busy[i] = 1;
				db = p->conns[i];
				break;
			}
		if (db)
			break;
		pthread_cond_wait(&p->freed, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return db;
}

void pt_dbpool_busy_wait(struct pt_dbpool *p, unsigned ms)
{
	size_t i;
	for (i = 0; i < p->n; i++)
		pt_app_db_busy_wait(p->conns[i], ms);
}

void pt_dbpool_put(struct pt_dbpool *p, struct pt_db *db)
{
	size_t i;
	if (!db)
		return;
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n; i++)
		if (p->conns[i] == db)
			p->busy[i] = 0;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

/* ---- replies ---- */

void pt_reply_json(struct pt_req *r, unsigned status, json_t *body)
{
	json_decref(r->reply);
	r->reply = NULL;
	r->cause = NULL;
	if (!body) {
		r->status = 500;
		r->reply = json_pack("{s:s}", "error", "out of memory");
		r->cause = "out of memory";
		return;
	}
	r->status = status;
	r->reply = body;
}

char *pt_json_text(const json_t *body)
{
	return json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
}

void pt_reply_too_many(struct pt_req *r, long wait, const char *what)
{
	char text[32];
	if (wait < 1)
		wait = 1;
	snprintf(text, sizeof text, "%ld", wait);
	pt_reply_error(r, 429, NULL, 0, "too many %s; try again in %s second%s", what, text,
		       wait > 1 ? "s" : "");
	pt_reply_header(r, "Retry-After", text);
}

void pt_reply_error(struct pt_req *r, unsigned status, const char *field, long line,
		    const char *fmt, ...)
{
	char msg[1536];
	json_t *o;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (r->srv && pt_http_names_path(r->srv, msg)) {
		/* No answer names a path of the server (issue 10): the detail goes to the log. */
		fprintf(stderr, "protect serve: a %u answer named a path of the server; sent as 500: %s\n",
			status, msg);
		status = 500;
		field = NULL;
		line = 0;
		snprintf(msg, sizeof msg, "internal error (the server's log has the detail)");
	}
	o = json_object();
	if (o) {
		json_object_set_new(o, "error", json_string(msg));
		if (field && field[0])
			json_object_set_new(o, "field", json_string(field));
		if (line > 0)
			json_object_set_new(o, "line", json_integer(line));
	}
	pt_reply_json(r, status, o);
}

void pt_reply_not_found(struct pt_req *r)
{
	pt_reply_error(r, MHD_HTTP_NOT_FOUND, NULL, 0, "not found");
}

void pt_reply_empty(struct pt_req *r, unsigned status)
{
	json_decref(r->reply);
	r->reply = NULL;
	r->cause = NULL;
	r->status = status;
}

void pt_reply_diag(struct pt_req *r, enum pt_err err, const struct pt_diag *d)
{
	unsigned status;
	const char *msg = d && d->msg[0] ? d->msg : pt_strerror(err);
	switch (err) {
	case PT_EINVAL:
	case PT_EUSAGE:
	case PT_ECONFLICT: status = 400; break;
	case PT_ELIMIT: status = 413; break;
	case PT_ENOTFOUND: status = 404; break;
	case PT_EFORBIDDEN: status = 403; break;
	case PT_EBUSY: status = 503; break;
	default: status = 500; break;
	}
	if (status == 503) {
		char seconds[16];
		pt_reply_error(r, status, NULL, 0, "%s", pt_strerror(PT_EBUSY));
		snprintf(seconds, sizeof seconds, "%d", PT_HTTP_BUSY_RETRY_S);
		pt_reply_header(r, "Retry-After", seconds);
		r->cause = pt_err_name(err);
		return;
	}
	if (status == 404) {
		pt_reply_not_found(r);
		return;
	}
	if (status == 413 && (!d || d->line <= 0))
		status = 400; /* a limit of the data (rows, fields), not of the body */
	if (status == 500) {
		pt_reply_error(r, status, NULL, 0, "%s", pt_strerror(err));
		r->cause = pt_err_name(err);
	} else if (d && d->field[0] && d->line > 0)
		pt_reply_error(r, status, d->field, d->line, "line %ld: %s: %s", d->line, d->field, msg);
	else if (d && d->field[0])
		pt_reply_error(r, status, d->field, 0, "%s: %s", d->field, msg);
	else if (d && d->line > 0)
		pt_reply_error(r, status, NULL, d->line, "line %ld: %s", d->line, msg);
	else
		pt_reply_error(r, status, NULL, 0, "%s", msg);
}

void pt_reply_unaudited(struct pt_req *r, enum pt_err err, const struct pt_diag *d)
{
	if (err == PT_EBUSY) {
		pt_reply_diag(r, err, d);
		return;
	}
	/* The detail (it may name the key file's path) goes to the log, not to the client. */
	fprintf(stderr, "protect serve: the read could not be audited: %s\n",
		d && d->msg[0] ? d->msg : pt_strerror(err));
	pt_reply_error(r, 500, NULL, 0, "the read could not be audited, so it is not answered");
	r->cause = pt_err_name(err);
}

void pt_reply_log(const struct pt_req *r)
{
	char line[256], when[32], method[16];
	struct tm tm;
	time_t now;
	size_t i;
	if (r->status < 500)
		return;
	now = time(NULL);
	if (!gmtime_r(&now, &tm) || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
		pt_strlcpy(when, "-", sizeof when);
	/* The method as sent only when it is a plain token (it reaches here before any route). */
	for (i = 0; r->method && r->method[i] && i + 1 < sizeof method; i++)
		if (r->method[i] < 'A' || r->method[i] > 'Z')
			break;
	if (r->method && i > 0 && !r->method[i])
		pt_strlcpy(method, r->method, sizeof method);
	else
		pt_strlcpy(method, "-", sizeof method);
	snprintf(line, sizeof line, "protect serve: %s %s %s %u %s\n", when, method,
		 r->route ? r->route->pattern : "-", r->status, r->cause ? r->cause : "unspecified");
	fputs(line, stderr); /* one write: stderr is unbuffered */
}

void pt_reply_header(struct pt_req *r, const char *name, const char *value)
{
	if (r->n_hdr >= PT_HEADERS_MAX)
		return;
	r->hdr_name[r->n_hdr] = strdup(name);
	r->hdr_value[r->n_hdr] = strdup(value);
	if (!r->hdr_name[r->n_hdr] || !r->hdr_value[r->n_hdr]) {
		free(r->hdr_name[r->n_hdr]);
		free(r->hdr_value[r->n_hdr]);
		return;
	}
	r->n_hdr++;
}

const char *pt_req_header(struct pt_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const struct pt_qval *pt_req_query(const struct pt_req *r, const char *name)
{
	size_t i;
	if (!r->route || !r->route->query)
		return NULL;
	for (i = 0; r->route->query[i].name && i < PT_QUERY_MAX; i++)
		if (strcmp(r->route->query[i].name, name) == 0)
			return &r->query[i];
	return NULL;
}

/* ---- paths of the server, never in an answer (issue 10) ---- */

void pt_http_paths_note(struct pt_http_server *s)
{
	char *abs, *slash;
	s->db_dir[0] = s->cwd[0] = '\0';
	if (!getcwd(s->cwd, sizeof s->cwd))
		s->cwd[0] = '\0';
	if (s->cfg.db_path && (abs = realpath(s->cfg.db_path, NULL))) {
		if ((slash = strrchr(abs, '/')))
			*slash = '\0';
		snprintf(s->db_dir, sizeof s->db_dir, "%s", abs);
		free(abs);
	}
}

int pt_http_names_path(const struct pt_http_server *s, const char *msg)
{
	const char *db = s->cfg.db_path;
	/* A directory of one character ("/") would match every message with a slash. */
	return (strlen(s->db_dir) > 1 && strstr(msg, s->db_dir)) ||
	       (strlen(s->cwd) > 1 && strstr(msg, s->cwd)) ||
	       (db && strchr(db, '/') && strstr(msg, db));
}
