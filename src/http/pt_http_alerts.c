/* pt_http_alerts.c - issue 13 over HTTP: public alerts composed, previewed,
 * approved and listed through src/app/pt_app_alerts, and the paths without a
 * log-in (/alerts.atom, /alerts/ID.cap): kept between requests and rate-limited. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_alerts.h"
#include "../app/pt_app_exercise_runs.h" /* issue 15: exercise alerts */
#include "../formats/pt_alert_feed.h"
#include "../formats/pt_alert_json.h"
#include "../formats/pt_cap_xml.h"
#include "../formats/pt_diag.h"
#include "pt_http_api.h"

#define CAP_TYPE "application/cap+xml"
#define ATOM_TYPE "application/atom+xml; charset=utf-8"
#define PUBLIC_MAX_AGE_S 30     /* Cache-Control: public, max-age of the public paths */
#define FEED_KEEP_MS 10000      /* a kept feed is built again after this long at most (a
				   message approved by another process moves no data version) */
#define CAP_SLOTS 64            /* CAP files kept (their bytes are final) */
#define FEED_LANG "en"          /* the language of the feed's titles and summaries */
#define CANCELLED_PREFIX "Cancelled: "
#define CANCELLED_SUMMARY "This alert has been cancelled." /* a Cancel without a note */
#define PT_APP_ALERT_SAME_PERSON "same_person" /* the field of the approval refused to the composer */
#define PT_APP_ALERT_NOT_APPOINTED "not_appointed" /* ... to one not appointed to approve */

/* ---- the kept bodies of the public paths ---- */

/* Bytes kept and shared with the responses sending them. */
struct blob {
	atomic_long refs;
	size_t len;
	char etag[72]; /* "\"...\"" */
	char data[];
};

struct pt_alert_cache {
	pthread_mutex_t lock;
	pthread_mutex_t build; /* one request builds the feed; the others wait and take it */
	struct blob *feed;
	unsigned long long feed_version; /* the registry's data version it was built at */
	unsigned long long feed_gen;     /* this server's alert writes then */
	long long feed_built_ms;         /* monotonic */
	int64_t feed_until;              /* the feed changes at this time (an entry leaves) */
	unsigned long long gen;          /* moved by every alert written through this server */
	struct {
		char id[PT_CAP_ID_MAX];
		struct blob *b;
		unsigned long long used;
	} caps[CAP_SLOTS];
	unsigned long long clock;
};

static void blob_release(struct blob *b)
{
	if (b && atomic_fetch_sub(&b->refs, 1) == 1)
		free(b);
}

static void blob_release_cb(void *cls)
{
	blob_release(cls);
}

/* A new blob of data[0, len) with one reference and its ETag; NULL when out of memory. */
static struct blob *blob_new(const char *data, size_t len)
{
	struct blob *b = malloc(sizeof *b + len + 1);
	uint64_t h = 1469598103934665603ULL; /* FNV-1a: the ETag tells versions apart, no more */
	size_t i;
	if (!b)
		return NULL;
	atomic_init(&b->refs, 1);
	b->len = len;
	memcpy(b->data, data, len);
	b->data[len] = '\0';
	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)data[i]) * 1099511628211ULL;
	snprintf(b->etag, sizeof b->etag, "\"%016" PRIx64 "-%zu\"", h, len);
	return b;
}

struct pt_alert_cache *pt_alert_cache_new(void)
{
	struct pt_alert_cache *c = calloc(1, sizeof *c);
	if (c) {
		pthread_mutex_init(&c->lock, NULL);
		pthread_mutex_init(&c->build, NULL);
	}
	return c;
}

void pt_alert_cache_free(struct pt_alert_cache *c)
{
	size_t i;
	if (!c)
		return;
	blob_release(c->feed);
	for (i = 0; i < CAP_SLOTS; i++)
		blob_release(c->caps[i].b);
	pthread_mutex_destroy(&c->build);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* An alert was written through this server: the kept feed is old. */
static void alerts_changed(struct pt_alert_cache *c)
{
	pthread_mutex_lock(&c->lock);
	c->gen++;
	pthread_mutex_unlock(&c->lock);
}

/* The kept feed with a reference when it is still the feed of version at now, else NULL. */
static struct blob *feed_get(struct pt_alert_cache *c, unsigned long long version, int64_t now,
			     long long now_ms)
{
	struct blob *b = NULL;
	pthread_mutex_lock(&c->lock);
	if (c->feed && c->feed_version == version && c->feed_gen == c->gen && now < c->feed_until &&
	    now_ms - c->feed_built_ms < FEED_KEEP_MS) {
		b = c->feed;
		atomic_fetch_add(&b->refs, 1);
	}
	pthread_mutex_unlock(&c->lock);
	return b;
}

/* The kept CAP file of id with a reference, or NULL. */
static struct blob *cap_get(struct pt_alert_cache *c, const char *id)
{
	struct blob *b = NULL;
	size_t i;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < CAP_SLOTS; i++)
		if (c->caps[i].b && strcmp(c->caps[i].id, id) == 0) {
			b = c->caps[i].b;
			atomic_fetch_add(&b->refs, 1);
			c->caps[i].used = ++c->clock;
			break;
		}
	pthread_mutex_unlock(&c->lock);
	return b;
}

/* Keep b (a reference of its own) as the CAP file of id, the least recently used out. */
static void cap_put(struct pt_alert_cache *c, const char *id, struct blob *b)
{
	size_t i, victim = 0;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < CAP_SLOTS; i++) {
		if (!c->caps[i].b || strcmp(c->caps[i].id, id) == 0) {
			victim = i;
			break;
		}
		if (c->caps[i].used < c->caps[victim].used)
			victim = i;
	}
	blob_release(c->caps[victim].b);
	atomic_fetch_add(&b->refs, 1);
	c->caps[victim].b = b;
	pt_strlcpy(c->caps[victim].id, id, sizeof c->caps[victim].id);
	c->caps[victim].used = ++c->clock;
	pthread_mutex_unlock(&c->lock);
}

/* ---- replies ---- */

/* Make resp (taken) the request's reply in place of any JSON or earlier response. */
static void use_response(struct pt_req *r, struct MHD_Response *resp)
{
	json_decref(r->reply);
	r->reply = NULL;
	r->cause = NULL;
	if (r->raw)
		MHD_destroy_response(r->raw);
	r->raw = resp;
}

/* Reply status with bytes (copied) of type ctype. */
static void reply_bytes(struct pt_req *r, unsigned status, const char *data, size_t len,
			const char *ctype)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);
	if (!resp) {
		pt_reply_json(r, 500, NULL);
		return;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	use_response(r, resp);
	r->status = status;
}

/* Nonzero when the If-None-Match header lists etag (or "*"); weak tags compare as strong. */
static int etag_matches(const char *header, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = header;
	while (p && *p) {
		size_t len;
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		len = strcspn(p, ",");
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if ((len == 1 && p[0] == '*') || (len == n && strncmp(p, etag, n) == 0))
			return 1;
		p = strchr(p, ',');
	}
	return 0;
}

/*
 * Answer a public path from b (takes the reference): 304 when the client
 * holds it already, else 200 with the bytes; ETag and Cache-Control: public
 * (max_age seconds) either way.
 */
static void reply_public(struct pt_req *r, struct blob *b, const char *ctype, long max_age)
{
	const char *inm = pt_req_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);
	struct MHD_Response *resp;
	char cc[64];
	if (max_age < 0)
		max_age = 0;
	snprintf(cc, sizeof cc, "public, max-age=%ld", max_age);
	if (inm && etag_matches(inm, b->etag)) {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (resp)
			r->status = 304;
		blob_release(b);
		b = NULL;
	} else {
		resp = MHD_create_response_from_buffer_with_free_callback_cls(b->len, b->data,
									       blob_release_cb, b);
		if (resp) {
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
			r->status = 200;
		}
	}
	if (!resp) {
		blob_release(b);
		pt_reply_json(r, 500, NULL);
		return;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cc);
	use_response(r, resp);
}

/* The rate limit of the paths without a log-in: 0, or 1 after replying 429 with Retry-After. */
static int public_rate_or_reply(struct pt_req *r)
{
	char key[96];
	long wait;
	pt_req_client_key(r, key, sizeof key);
	if ((wait = pt_rate_take(r->srv->public_rate, key, pt_http_now_ms())) == 0)
		return 0;
	pt_reply_too_many(r, wait, "requests from your address");
	return 1;
}

/* ---- the feed ---- */

/* What the feed is built from, freed by feed_parts_free. */
struct feed_parts {
	struct pt_app_alert_feed *f;
	struct pt_alert_feed_entry *e;
	struct pt_cap_alert **models;    /* per item: its message read back */
	struct pt_cap_alert **cancelled; /* per Cancel: the message it cancels */
	char **titles;                   /* per Cancel: "Cancelled: " + that headline */
	struct pt_cap_problems *problems;
};

static void feed_parts_free(struct feed_parts *p)
{
	size_t i;
	for (i = 0; p->f && i < p->f->n; i++) {
		if (p->models)
			pt_cap_alert_free(p->models[i]);
		if (p->cancelled)
			pt_cap_alert_free(p->cancelled[i]);
		if (p->titles)
			free(p->titles[i]);
	}
	free(p->models);
	free(p->cancelled);
	free(p->titles);
	free(p->e);
	free(p->problems);
	pt_app_alert_feed_free(p->f);
	memset(p, 0, sizeof *p);
}

/*
 * Read a message's bytes back into *out (the feed's texts come from the
 * bytes as issued). PT_EINTERNAL when they do not read (they were checked
 * when composed).
 */
static enum pt_err read_model(struct feed_parts *p, const struct pt_app_alert *a,
			      struct pt_cap_alert **out, struct pt_diag *d)
{
	enum pt_err err = pt_cap_xml_read(a->xml, a->xml_len, out, p->problems);
	if (err == PT_ENOMEM)
		return pt_diag_set(d, err, 0, "", "out of memory");
	if (err != PT_OK || !*out)
		return pt_diag_set(d, PT_EINTERNAL, 0, "", "alert %s: its stored bytes do not read",
				   a->identifier);
	return PT_OK;
}

/* Review fix: one message left out of the feed, named in the server's log (stderr). */
static void feed_skip(const char *id, const char *why)
{
	fprintf(stderr, "protect serve: /alerts.atom: alert %s left out: %s\n", id, why);
}

/*
 * Build the feed at now into *out (a blob with one reference) and the time
 * it changes by itself (*until: the first time an entry leaves it). An
 * entry's title is the English headline of the chain's latest message; a
 * Cancel has no headline of its own: its title is "Cancelled: " and the
 * event and area of the message it cancels (pt_alert_feed_cancel_title;
 * pt_app_alert_public: an issued Actual message, as the chain's are), its
 * summary its note, and it leaves the feed when that message would have
 * expired. An entry's updated is when its message became public (approval).
 * A message whose bytes fail their check (the audited hash, or they do not
 * read as CAP) is left out and logged, not the whole feed refused.
 */
static enum pt_err feed_build(struct pt_req *r, int64_t now, struct blob **out, int64_t *until,
			      struct pt_diag *d)
{
	struct pt_alert_feed_head head;
	struct feed_parts p;
	char *xml = NULL;
	size_t i, len = 0, n, k = 0;
	int64_t updated = 0;
	enum pt_err err;

	memset(&p, 0, sizeof p);
	*out = NULL;
	*until = INT64_MAX;
	if ((err = pt_app_alert_feed(r->db, now, &p.f, d)) != PT_OK)
		return err;
	for (i = 0; i < p.f->n_skipped; i++)
		feed_skip(p.f->skipped[i], "its stored bytes differ from the audited hash");
	n = p.f->n;
	if (!(p.problems = malloc(sizeof *p.problems)) ||
	    !(p.e = calloc(n ? n : 1, sizeof *p.e)) ||
	    !(p.models = calloc(n ? n : 1, sizeof *p.models)) ||
	    !(p.cancelled = calloc(n ? n : 1, sizeof *p.cancelled)) ||
	    !(p.titles = calloc(n ? n : 1, sizeof *p.titles))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct pt_app_alert *a = &p.f->items[i];
		const char *headline = NULL, *summary = NULL;
		int64_t leaves = a->expires;
		if ((err = read_model(&p, a, &p.models[i], d)) != PT_OK) {
			if (err == PT_ENOMEM)
				goto out;
			feed_skip(a->identifier, d->msg);
			continue;
		}
		if (a->msg_type == PT_CAP_CANCEL) {
			struct pt_app_alert *prev = NULL;
			if ((err = pt_app_alert_public(r->db, a->references, &prev, d)) != PT_OK ||
			    (err = read_model(&p, prev, &p.cancelled[i], d)) != PT_OK) {
				pt_app_alert_free(prev);
				if (err == PT_ENOMEM || err == PT_EDB || err == PT_EBUSY)
					goto out;
				feed_skip(a->identifier, err == PT_ENOTFOUND
								 ? "it cancels a message not issued"
								 : d->msg);
				continue;
			}
			leaves = prev->expires;
			pt_app_alert_free(prev);
			if (!(p.titles[i] = pt_alert_feed_cancel_title(p.cancelled[i], FEED_LANG)) &&
			    !(p.titles[i] = strdup(CANCELLED_PREFIX))) {
				err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
				goto out;
			}
			headline = p.titles[i];
			summary = p.models[i]->note.s && p.models[i]->note.s[0]
					  ? p.models[i]->note.s
					  : CANCELLED_SUMMARY;
		} else {
			pt_alert_feed_texts(p.models[i], FEED_LANG, &headline, &summary);
		}
		p.e[k].chain = a->chain;
		p.e[k].cap_id = a->identifier;
		p.e[k].title = headline ? headline : a->identifier;
		p.e[k].summary = summary;
		p.e[k].updated = a->decided_at ? a->decided_at : a->sent; /* when it became public */
		if (p.e[k].updated > updated)
			updated = p.e[k].updated;
		k++;
		if (leaves < *until)
			*until = leaves;
	}
	err = PT_OK;
	head.public_url = p.f->public_url;
	head.sender = p.f->sender;
	head.updated = updated ? updated : now;
	if ((err = pt_alert_feed_write(&head, p.e, k, &xml, &len)) != PT_OK) {
		pt_diag_set(d, err, 0, "", "the feed could not be written (alert.public_url %s)",
			    p.f->public_url);
		goto out;
	}
	if (!(*out = blob_new(xml, len)))
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
out:
	free(xml);
	feed_parts_free(&p);
	return err;
}

void pt_h_alerts_feed(struct pt_req *r)
{
	struct pt_alert_cache *c = r->srv->alerts;
	unsigned long long version;
	int64_t now = pt_app_now(pt_http_now_wall()), until = INT64_MAX;
	long long now_ms = pt_http_now_ms();
	struct pt_diag d = PT_DIAG_INIT;
	struct blob *b;
	enum pt_err err;

	if (public_rate_or_reply(r))
		return;
	if (pt_app_watch_version(r->srv->watch, &version) != PT_OK) {
		pt_reply_diag(r, PT_EDB, &d);
		return;
	}
	if (!(b = feed_get(c, version, now, now_ms))) {
		unsigned long long gen;
		pthread_mutex_lock(&c->build);
		if (!(b = feed_get(c, version, now, now_ms))) {
			pthread_mutex_lock(&c->lock);
			gen = c->gen; /* read before the feed: a write meanwhile makes it old at once */
			pthread_mutex_unlock(&c->lock);
			if ((err = feed_build(r, now, &b, &until, &d)) != PT_OK) {
				pthread_mutex_unlock(&c->build);
				fprintf(stderr, "protect serve: /alerts.atom: %s\n",
					d.msg[0] ? d.msg : pt_strerror(err));
				pt_reply_diag(r, err == PT_EBUSY ? err : PT_EINTERNAL, &d);
				return;
			}
			pthread_mutex_lock(&c->lock);
			blob_release(c->feed);
			atomic_fetch_add(&b->refs, 1);
			c->feed = b;
			c->feed_version = version;
			c->feed_gen = gen;
			c->feed_built_ms = now_ms;
			c->feed_until = until;
			pthread_mutex_unlock(&c->lock);
		}
		pthread_mutex_unlock(&c->build);
	}
	pthread_mutex_lock(&c->lock);
	until = c->feed == b ? c->feed_until : now + PUBLIC_MAX_AGE_S;
	pthread_mutex_unlock(&c->lock);
	pt_reply_header(r, "ETag", b->etag);
	/* a client keeps it no longer than until an entry leaves */
	reply_public(r, b, ATOM_TYPE,
		     until - now < PUBLIC_MAX_AGE_S ? (long)(until - now) : PUBLIC_MAX_AGE_S);
}

void pt_h_alerts_cap_public(struct pt_req *r)
{
	char id[PT_PATH_PARAM_MAX];
	size_t n = strlen(r->param[0]);
	struct pt_app_alert *a = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct blob *b;
	enum pt_err err;

	if (public_rate_or_reply(r))
		return;
	/* /alerts/{file}: ID.cap, ID an identifier as the project writes them */
	if (n <= 4 || strcmp(r->param[0] + n - 4, ".cap") != 0) {
		pt_reply_not_found(r);
		return;
	}
	memcpy(id, r->param[0], n - 4);
	id[n - 4] = '\0';
	if (!pt_valid_id(id)) {
		pt_reply_not_found(r);
		return;
	}
	/* Kept once served: an issued Actual message's bytes are final and stay public. */
	if (!(b = cap_get(r->srv->alerts, id))) {
		if ((err = pt_app_alert_public(r->db, id, &a, &d)) != PT_OK) {
			if (err == PT_EINTERNAL) /* bytes failing their check: never served (logged) */
				fprintf(stderr, "protect serve: /alerts/%s.cap: not served: %s\n", id,
					d.msg);
			if (err == PT_ENOTFOUND || err == PT_EINTERNAL)
				pt_reply_not_found(r);
			else
				pt_reply_diag(r, err, &d);
			return;
		}
		b = blob_new(a->xml, a->xml_len);
		pt_app_alert_free(a);
		if (!b) {
			pt_reply_json(r, 500, NULL);
			return;
		}
		cap_put(r->srv->alerts, id, b);
	}
	pt_reply_header(r, "ETag", b->etag);
	reply_public(r, b, CAP_TYPE, PUBLIC_MAX_AGE_S);
}

/* ---- the API (a session; writes with the CSRF token) ---- */

/* The body's name of a use case's field. */
static const char *body_field(const char *field)
{
	if (strcmp(field, "site") == 0)
		return "site_id";
	if (strcmp(field, "lang") == 0)
		return "languages";
	return field;
}

/*
 * An error of a use case: 404 (the same for missing and hidden: a site the
 * caller may not read names field site_id), 403 (code "same_person" when
 * the composer approves its own message), 409 (not the latest, a pending
 * message exists, not pending, too old), 400 naming the body's field.
 */
static void reply_alert_error(struct pt_req *r, enum pt_err err, const struct pt_diag *d)
{
	if (err == PT_ENOTFOUND) {
		if (strcmp(d->field, "site") == 0)
			pt_reply_error(r, 404, "site_id", 0, "site_id: not found");
		else
			pt_reply_not_found(r);
	} else if (err == PT_EFORBIDDEN && strcmp(d->field, PT_APP_ALERT_SAME_PERSON) == 0) {
		json_t *o = json_pack("{s:s,s:s}", "error",
				      d->msg[0] ? d->msg
						: "the composer may not approve its own message: a "
						  "second person must",
				      "code", "same_person");
		pt_reply_json(r, 403, o);
	} else if (err == PT_EFORBIDDEN && strcmp(d->field, PT_APP_ALERT_NOT_APPOINTED) == 0) {
		/* review fix: an approver not appointed (pt_access: appointed approvers) */
		json_t *o = json_pack("{s:s,s:s}", "error",
				      d->msg[0] ? d->msg : "you are not appointed to approve alerts",
				      "code", "not_appointed");
		pt_reply_json(r, 403, o);
	} else if (err == PT_EINTERNAL && strcmp(d->field, "sha256") == 0) {
		/* review fix: say what is wrong (bytes tampered with), logged with the identifier */
		fprintf(stderr, "protect serve: %s\n", d->msg);
		pt_reply_error(r, 500, NULL, 0, "%s", d->msg);
	} else if (err == PT_ECONFLICT) {
		pt_reply_error(r, 409, d->field[0] ? body_field(d->field) : NULL, 0, "%s",
			       d->msg[0] ? d->msg : "conflict");
	} else if (err == PT_EINVAL && d->field[0]) {
		pt_reply_error(r, 400, body_field(d->field), 0, "%s: %s", body_field(d->field),
			       d->msg[0] ? d->msg : "invalid");
	} else {
		pt_reply_diag(r, err, d);
	}
}

/*
 * The options of a body (preview, compose, update) into o; langs holds the
 * languages' texts (the body's). 0, or 1 after replying 400.
 */
static int opts_from_body(struct pt_req *r, struct pt_app_alert_opts *o,
			  const char *langs[PT_ALERT_MAX_LANGS])
{
	json_t *b = r->json, *v;
	memset(o, 0, sizeof *o);
	o->template_id = json_string_value(json_object_get(b, "template"));
	o->site_id = json_string_value(json_object_get(b, "site_id"));
	if ((v = json_object_get(b, "radius_km"))) {
		o->radius_set = 1;
		o->radius_km = json_number_value(v);
	}
	if ((v = json_object_get(b, "languages"))) {
		size_t i;
		json_t *l;
		json_array_foreach(v, i, l) {
			if (i >= PT_ALERT_MAX_LANGS) /* the schema's bound */
				break;
			langs[i] = json_string_value(l);
			o->n_langs = i + 1;
		}
		o->langs = langs;
	}
	if ((v = json_object_get(b, "status"))) {
		int s;
		if (pt_cap_enum_parse(PT_CAP_ENUM_STATUS, json_string_value(v), &s) != PT_OK) {
			pt_reply_error(r, 400, "status", 0, "status: must be Actual, Exercise or Test");
			return 1;
		}
		o->status_set = 1;
		o->status = (enum pt_cap_status)s;
	}
	o->polygon = json_string_value(json_object_get(b, "polygon"));
	o->generic_area = json_is_true(json_object_get(b, "generic_area"));
	if ((v = json_object_get(b, "duration_h"))) {
		o->duration_set = 1;
		o->duration_h = json_number_value(v);
	}
	o->note = json_string_value(json_object_get(b, "note"));
	if (o->note && !o->note[0])
		o->note = NULL;
	return 0;
}

/* ALERT JSON of a (the writer the command line uses too), with its bytes when with_xml. */
static json_t *alert_json(const struct pt_app_alert *a, int with_xml)
{
	struct pt_alert_json_msg v;
	pt_app_alert_view(a, &v);
	return pt_alert_json(&v, with_xml);
}

/* Reply status with a message as ALERT JSON (with its bytes); out of memory: 500. */
static void reply_alert(struct pt_req *r, unsigned status, const struct pt_app_alert *a)
{
	pt_reply_json(r, status, alert_json(a, 1));
}

/* A write's result: 201 with a Location, and the kept feed is old. */
static void reply_written(struct pt_req *r, const struct pt_app_alert *a)
{
	char where[PT_CAP_ID_MAX + 32];
	alerts_changed(r->srv->alerts);
	snprintf(where, sizeof where, "/api/v1/alerts/%s", a->identifier);
	pt_reply_header(r, "Location", where);
	reply_alert(r, 201, a);
}

/* How a handler answers a use case that succeeded. */
enum answer {
	ANSWER_READ,    /* 200 ALERT */
	ANSWER_DECIDED, /* the kept feed is old; 200 ALERT */
	ANSWER_WRITTEN, /* reply_written: 201 ALERT with a Location */
	ANSWER_CAP      /* 200 with the bytes, application/cap+xml */
};

/* Answer a use case's outcome: its error, else a as how says. Frees a. */
static void answer(struct pt_req *r, enum pt_err err, const struct pt_diag *d,
		   struct pt_app_alert *a, enum answer how)
{
	if (err != PT_OK) {
		reply_alert_error(r, err, d);
	} else if (how == ANSWER_WRITTEN) {
		reply_written(r, a);
	} else if (how == ANSWER_CAP) {
		reply_bytes(r, 200, a->xml, a->xml_len, CAP_TYPE);
	} else {
		if (how == ANSWER_DECIDED)
			alerts_changed(r->srv->alerts);
		reply_alert(r, 200, a);
	}
	pt_app_alert_free(a);
}

/* 0 when the path's {id} may name an alert, else 1 after replying 404. */
static int bad_path_id(struct pt_req *r)
{
	if (pt_valid_id(r->param[0]))
		return 0;
	pt_reply_not_found(r);
	return 1;
}

void pt_h_alert_templates(struct pt_req *r)
{
	const struct pt_alert_template *t = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	size_t n = 0;
	if ((err = pt_app_alert_templates(&t, &n, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, 200, pt_alert_templates_json(t, n));
}

/* The body's members other than note with "cancels": the first one, or NULL. */
static const char *not_for_cancel(const json_t *b)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)(uintptr_t)b, key, v) {
		(void)v;
		if (strcmp(key, "note") != 0 && strcmp(key, "cancels") != 0 &&
		    strcmp(key, "updates") != 0)
			return key;
	}
	return NULL;
}

void pt_h_alert_preview(struct pt_req *r)
{
	const char *langs[PT_ALERT_MAX_LANGS];
	const char *updates = json_string_value(json_object_get(r->json, "updates"));
	const char *cancels = json_string_value(json_object_get(r->json, "cancels"));
	struct pt_app_alert_opts o;
	struct pt_app_alert *a = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	enum pt_err err;
	const char *extra;
	if (updates && cancels) {
		pt_reply_error(r, 400, "cancels", 0, "cancels: give updates or cancels, not both");
		return;
	}
	if (cancels && (extra = not_for_cancel(r->json))) {
		pt_reply_error(r, 400, extra, 0, "%s: a cancel takes only note", extra);
		return;
	}
	if (!updates && !cancels) {
		const char *missing = !json_object_get(r->json, "template") ? "template"
				      : !json_object_get(r->json, "site_id") ? "site_id"
									      : NULL;
		if (missing) {
			pt_reply_error(r, 400, missing, 0, "%s: required (or updates or cancels)",
				       missing);
			return;
		}
	}
	if (opts_from_body(r, &o, langs))
		return;
	pt_api_caller(r, &c);
	if (cancels)
		err = pt_app_alert_cancel(&c, r->db, cancels, &o, 1, &a, &d);
	else if (updates)
		err = pt_app_alert_update(&c, r->db, updates, &o, 1, &a, &d);
	else
		err = pt_app_alert_new(&c, r->db, &o, 1, &a, &d);
	answer(r, err, &d, a, ANSWER_READ);
}

/* POST a new message (id NULL) or an update of message id, from the body's options. */
static void alert_write(struct pt_req *r, const char *id)
{
	const char *langs[PT_ALERT_MAX_LANGS];
	struct pt_app_alert_opts o;
	struct pt_app_alert *a = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	enum pt_err err;
	if (opts_from_body(r, &o, langs))
		return;
	pt_api_caller(r, &c);
	err = id ? pt_app_alert_update(&c, r->db, id, &o, 0, &a, &d)
		 : pt_app_alert_new(&c, r->db, &o, 0, &a, &d);
	answer(r, err, &d, a, ANSWER_WRITTEN);
}

void pt_h_alert_post(struct pt_req *r)
{
	alert_write(r, NULL);
}

void pt_h_alert_update(struct pt_req *r)
{
	if (!bad_path_id(r))
		alert_write(r, r->param[0]);
}

void pt_h_alert_cancel(struct pt_req *r)
{
	struct pt_app_alert_opts o;
	struct pt_app_alert *a = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	enum pt_err err;
	if (bad_path_id(r))
		return;
	memset(&o, 0, sizeof o);
	o.note = json_string_value(json_object_get(r->json, "note"));
	if (o.note && !o.note[0])
		o.note = NULL;
	pt_api_caller(r, &c);
	err = pt_app_alert_cancel(&c, r->db, r->param[0], &o, 0, &a, &d);
	answer(r, err, &d, a, ANSWER_WRITTEN);
}

/*
 * Approve message {id} (the optional body {"sha256"}: the hash the approver
 * reviewed, a mismatch is 409) or reject it (body {"reason"}).
 */
static void alert_decide(struct pt_req *r, int approve)
{
	const char *reason = json_string_value(json_object_get(r->json, "reason"));
	struct pt_app_alert *a = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	enum pt_err err;
	if (bad_path_id(r))
		return;
	pt_api_caller(r, &c);
	if (approve)
		err = pt_app_alert_approve_reviewed(
			&c, r->db, r->param[0],
			r->json ? json_string_value(json_object_get(r->json, "sha256")) : NULL, &a,
			&d);
	else
		err = pt_app_alert_reject(&c, r->db, r->param[0],
					  reason && reason[0] ? reason : NULL, &a, &d);
	answer(r, err, &d, a, ANSWER_DECIDED);
}

void pt_h_alert_approve(struct pt_req *r)
{
	alert_decide(r, 1);
}

void pt_h_alert_reject(struct pt_req *r)
{
	alert_decide(r, 0);
}

void pt_h_alerts_list(struct pt_req *r)
{
	struct pt_app_alert_list *l = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	enum pt_err err;
	json_t *items;
	size_t i;
	const struct pt_qval *runs = pt_req_query(r, "runs");
	pt_api_caller(r, &c);
	/* attack review 2, round 2: a run's exercise alerts only with ?runs=1 */
	if ((err = pt_app_alert_list_runs(&c, r->db, runs && runs->set && runs->num == 1, &l,
					  &d)) != PT_OK) {
		reply_alert_error(r, err, &d);
		return;
	}
	items = json_array();
	for (i = 0; items && i < l->n; i++)
		if (json_array_append_new(items, alert_json(&l->items[i], 0)) != 0) {
			json_decref(items);
			items = NULL;
		}
	pt_app_alert_list_free(l);
	pt_reply_json(r, 200,
		      items ? json_pack("{s:o,s:s}", "alerts", items, "feed_url", "/alerts.atom")
			    : NULL);
}

/* GET one message the caller may read, answered as how says. */
static void alert_show(struct pt_req *r, enum answer how)
{
	struct pt_app_alert *a = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	enum pt_err err;
	if (bad_path_id(r))
		return;
	pt_api_caller(r, &c);
	err = pt_app_alert_show(&c, r->db, r->param[0], &a, &d);
	answer(r, err, &d, a, how);
}

void pt_h_alert_get(struct pt_req *r)
{
	alert_show(r, ANSWER_READ);
}

void pt_h_alert_cap(struct pt_req *r)
{
	alert_show(r, ANSWER_CAP);
}

/* ---- issue 15: an exercise alert from within a run (POST /api/v1/runs/{id}/alerts) ---- */

void pt_h_run_alert(struct pt_req *r)
{
	const char *langs[PT_ALERT_MAX_LANGS];
	struct pt_app_alert_opts o;
	struct pt_app_alert *a = NULL;
	struct pt_app_run_done done;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	unsigned long long id;
	enum pt_err err;
	pt_http_run_refusals_mark(r); /* attack review 6, round 2; N3, round 3 */
	if (!pt_parse_uint_strict(r->param[0], 1, (1ULL << 53) - 1, &id)) {
		pt_reply_not_found(r);
		return;
	}
	if (opts_from_body(r, &o, langs))
		return;
	/* a status other than Exercise: the use case refuses it (400 "status"), audited once it
	 * knows the caller may see the run (attack review 7) */
	memset(&done, 0, sizeof done);
	pt_api_caller(r, &c);
	if (pt_http_run_rate_or_reply(r, &c, (long long)id))
		return; /* attack review 2, round 2: the run's per-user write rate */
	err = pt_app_run_alert(&c, r->db, (long long)id, &o, &a, &done, &d);
	if (err == PT_OK) {
		if (!done.run_id)
			done.run_id = (long long)id;
		pt_live_changed(r->srv->live, &done);
	} else if (err == PT_ENOTFOUND && strcmp(d.field, "run") == 0) {
		pt_http_run_refused(r);
		pt_reply_not_found(r);
		pt_app_alert_free(a);
		return;
	} else if (err == PT_ECONFLICT || err == PT_EFORBIDDEN) {
		if (err == PT_EFORBIDDEN)
			pt_http_run_refused(r);
		pt_reply_error(r, err == PT_ECONFLICT ? 409 : 403, d.field[0] ? d.field : NULL, 0, "%s",
			       d.msg[0] ? d.msg : pt_strerror(err));
		pt_app_alert_free(a);
		return;
	} else if (err == PT_ELIMIT && strcmp(d.field, "run") == 0) { /* the run's cap */
		pt_http_run_refused(r);
		pt_reply_error(r, 400, "run", 0, "run: %s", d.msg);
		pt_app_alert_free(a);
		return;
	}
	answer(r, err, &d, a, ANSWER_WRITTEN);
}
