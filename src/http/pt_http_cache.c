/* pt_http_cache.c - what the server keeps between requests until the registry
 * data changes (its data version, migration 006): a snapshot of the sites, and rendered
 * bodies keyed by request and caller's view. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "pt_http_int.h"

struct pt_cache_body {
	atomic_long refs;
	size_t len;
	char data[];
};

struct slot {
	char *key;
	unsigned long long version;
	unsigned long long last_used;
	struct pt_cache_body *body;
};

struct pt_http_cache {
	pthread_mutex_t lock;
	struct slot slots[PT_CACHE_SLOTS];
	unsigned long long clock;
	struct pt_snapshot *snapshot; /* the newest, one reference held here */
};

struct pt_http_cache *pt_cache_new(void)
{
	struct pt_http_cache *c = calloc(1, sizeof *c);
	if (c)
		pthread_mutex_init(&c->lock, NULL);
	return c;
}

void pt_cache_body_release(struct pt_cache_body *b)
{
	if (b && atomic_fetch_sub(&b->refs, 1) == 1)
		free(b);
}

void pt_cache_free(struct pt_http_cache *c)
{
	size_t i;
	if (!c)
		return;
	for (i = 0; i < PT_CACHE_SLOTS; i++) {
		free(c->slots[i].key);
		pt_cache_body_release(c->slots[i].body);
	}
	pt_snapshot_release(c->snapshot);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

struct pt_cache_body *pt_cache_get(struct pt_http_cache *c, const char *key,
				   unsigned long long version)
{
	struct pt_cache_body *b = NULL;
	size_t i;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < PT_CACHE_SLOTS; i++) {
		struct slot *s = &c->slots[i];
		if (s->body && s->version == version && strcmp(s->key, key) == 0) {
			b = s->body;
			atomic_fetch_add(&b->refs, 1);
			s->last_used = ++c->clock;
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return b;
}

void pt_cache_put(struct pt_http_cache *c, const char *key, unsigned long long version,
		  const char *data, size_t len)
{
	struct pt_cache_body *b;
	char *k;
	size_t i, victim = 0;
	if (len > PT_CACHE_BODY_MAX || version == 0)
		return;
	b = malloc(sizeof *b + len);
	k = strdup(key);
	if (!b || !k) { /* a cache that cannot grow just does not keep it */
		free(b);
		free(k);
		return;
	}
	atomic_init(&b->refs, 1);
	b->len = len;
	memcpy(b->data, data, len);
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < PT_CACHE_SLOTS; i++) {
		struct slot *s = &c->slots[i];
		if (!s->body || s->version != version || strcmp(s->key, key) == 0) {
			victim = i; /* empty, stale or the same key */
			break;
		}
		if (s->last_used < c->slots[victim].last_used)
			victim = i;
	}
	free(c->slots[victim].key);
	pt_cache_body_release(c->slots[victim].body);
	c->slots[victim].key = k;
	c->slots[victim].body = b;
	c->slots[victim].version = version;
	c->slots[victim].last_used = ++c->clock;
	pthread_mutex_unlock(&c->lock);
}

static void release_cb(void *cls)
{
	pt_cache_body_release(cls);
}

void pt_reply_cached(struct pt_req *r, unsigned status, struct pt_cache_body *b)
{
	struct MHD_Response *resp;
	resp = MHD_create_response_from_buffer_with_free_callback_cls(b->len, b->data, release_cb, b);
	if (!resp) {
		pt_cache_body_release(b);
		pt_reply_json(r, 500, NULL);
		return;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
	json_decref(r->reply);
	r->reply = NULL;
	if (r->raw)
		MHD_destroy_response(r->raw);
	r->raw = resp;
	r->status = status;
}

/* The snapshot source of src/app: ctx is the server. */
static struct pt_snapshot *server_snapshot(void *ctx, struct pt_db *db, struct pt_diag *d)
{
	struct pt_http_server *srv = ctx;
	struct pt_http_cache *c = srv->cache;
	struct pt_snapshot *s, *fresh;
	unsigned long long version;

	/* The watch is cheap (PRAGMA data_version; the counter only after a commit). */
	if (pt_app_watch_version(srv->watch, &version) != PT_OK) {
		pt_diag_set(d, PT_EDB, 0, "", "cannot read the registry's version");
		return NULL;
	}
	pthread_mutex_lock(&c->lock);
	s = c->snapshot;
	if (s && s->version == version) {
		atomic_fetch_add(&s->refs, 1);
		pthread_mutex_unlock(&c->lock);
		return s;
	}
	pthread_mutex_unlock(&c->lock);
	/* Tagged with the data version read in the same transaction as the sites: two
	 * snapshots of one version hold the same data. */
	if (!(fresh = pt_snapshot_load(db, d)))
		return NULL;
	atomic_store(&fresh->refs, 2); /* the caller's and the cache's */
	pthread_mutex_lock(&c->lock);
	if (!c->snapshot || c->snapshot->version < fresh->version) {
		pt_snapshot_release(c->snapshot);
		c->snapshot = fresh;
	} else {
		atomic_fetch_sub(&fresh->refs, 1); /* as new a one is there already */
	}
	pthread_mutex_unlock(&c->lock);
	return fresh;
}

void pt_http_snapshot_source(struct pt_http_server *srv, struct pt_snapshot_source *out)
{
	out->get = server_snapshot;
	out->ctx = srv;
}

struct pt_snapshot *pt_sites_snapshot_get(struct pt_req *r, struct pt_diag *d)
{
	return server_snapshot(r->srv, r->db, d);
}

struct pt_snapshot *pt_req_snapshot(struct pt_req *r, struct pt_diag *d)
{
	if (!r->snap) {
		struct pt_db *db = r->db;
		if (!db) /* asked before the handler holds a connection */
			r->db = pt_dbpool_get(&r->srv->pool);
		r->snap = pt_sites_snapshot_get(r, d);
		if (!db) {
			pt_dbpool_put(&r->srv->pool, r->db);
			r->db = NULL;
		}
	}
	return r->snap;
}

void pt_reply_json_keep(struct pt_req *r, json_t *body, const char *key,
			unsigned long long version)
{
	char *text;
	struct pt_cache_body *b;
	if (!body || !key) {
		pt_reply_json(r, 200, body);
		return;
	}
	text = pt_json_text(body);
	if (!text) {
		json_decref(body);
		pt_reply_json(r, 500, NULL);
		return;
	}
	pt_cache_put(r->srv->cache, key, version, text, strlen(text));
	b = pt_cache_get(r->srv->cache, key, version);
	if (b) {
		pt_reply_cached(r, 200, b);
		json_decref(body);
	} else {
		pt_reply_json(r, 200, body); /* not kept (too large, out of memory): send it anyway */
	}
	free(text);
}
