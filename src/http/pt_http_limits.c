/* pt_http_limits.c - what one client may hold of the server: bytes of bodies across all
 * connections and per user, connections per address (IPv6 per /64; behind a trusted proxy, per
 * forwarded client), NUL in targets. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "pt_http_int.h"

#define BUCKETS 1024

struct node {
	struct pt_addr addr;
	unsigned count;
	int next; /* next node of the bucket or of the free list; -1 ends */
};

struct pt_addr_count {
	pthread_mutex_t lock;
	int bucket[BUCKETS];
	int free_list;
	struct node *nodes;
	size_t cap;
};

/* ---- addresses ---- */

int pt_addr_from_sockaddr(const struct sockaddr *sa, struct pt_addr *out)
{
	memset(out, 0, sizeof *out);
	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)(const void *)sa;
		out->b[10] = 0xff;
		out->b[11] = 0xff;
		memcpy(out->b + 12, &a->sin_addr, 4);
		return 1;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)(const void *)sa;
		memcpy(out->b, &a->sin6_addr, 16);
		return 1;
	}
	return 0;
}

static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

struct pt_addr pt_addr_limit_key(const struct pt_addr *a)
{
	struct pt_addr k = *a;
	if (memcmp(k.b, v4_mapped, sizeof v4_mapped) != 0)
		memset(k.b + 8, 0, 8); /* IPv6: the /64 (one subscriber's network) */
	return k;
}

int pt_addr_parse(const char *text, struct pt_addr *out)
{
	struct in_addr a4;
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, text, &a4) == 1) {
		out->b[10] = 0xff;
		out->b[11] = 0xff;
		memcpy(out->b + 12, &a4, 4);
		return 1;
	}
	return inet_pton(AF_INET6, text, out->b) == 1;
}

void pt_addr_text(const struct pt_addr *a, char *buf, size_t size)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	buf[0] = '\0';
	if (memcmp(a->b, mapped, 12) == 0)
		inet_ntop(AF_INET, a->b + 12, buf, (socklen_t)size);
	else
		inet_ntop(AF_INET6, a->b, buf, (socklen_t)size);
}

int pt_http_bind_is_loopback(const char *bind)
{
	struct pt_addr a;
	static const unsigned char v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!bind || !pt_addr_parse(bind, &a))
		return 0;
	if (memcmp(a.b, mapped, 12) == 0)
		return a.b[12] == 127;
	return memcmp(a.b, v6_loopback, 16) == 0;
}

/* ---- counts per address ---- */

struct pt_addr_count *pt_addr_count_new(size_t cap)
{
	struct pt_addr_count *c = calloc(1, sizeof *c);
	size_t i;
	if (!c)
		return NULL;
	c->nodes = calloc(cap ? cap : 1, sizeof *c->nodes);
	if (!c->nodes) {
		free(c);
		return NULL;
	}
	c->cap = cap ? cap : 1;
	for (i = 0; i < BUCKETS; i++)
		c->bucket[i] = -1;
	for (i = 0; i < c->cap; i++)
		c->nodes[i].next = i + 1 < c->cap ? (int)(i + 1) : -1;
	c->free_list = 0;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void pt_addr_count_free(struct pt_addr_count *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c->nodes);
	free(c);
}

static size_t addr_hash(const struct pt_addr *a)
{
	uint32_t h = 2166136261u;
	size_t i;
	for (i = 0; i < sizeof a->b; i++)
		h = (h ^ a->b[i]) * 16777619u;
	return h % BUCKETS;
}

/* The node of a in its bucket (prev: the link that points at it), or -1. Locked. */
static int find_node(struct pt_addr_count *c, const struct pt_addr *a, int **link)
{
	int *l = &c->bucket[addr_hash(a)];
	while (*l >= 0) {
		if (memcmp(c->nodes[*l].addr.b, a->b, sizeof a->b) == 0) {
			if (link)
				*link = l;
			return *l;
		}
		l = &c->nodes[*l].next;
	}
	return -1;
}

unsigned pt_addr_count_get(struct pt_addr_count *c, const struct pt_addr *addr)
{
	struct pt_addr key = pt_addr_limit_key(addr), *a = &key;
	unsigned n = 0;
	int k;
	pthread_mutex_lock(&c->lock);
	if ((k = find_node(c, a, NULL)) >= 0)
		n = c->nodes[k].count;
	pthread_mutex_unlock(&c->lock);
	return n;
}

int pt_addr_count_take(struct pt_addr_count *c, const struct pt_addr *addr, unsigned max)
{
	struct pt_addr key = pt_addr_limit_key(addr), *a = &key;
	int k, ok = 0;
	pthread_mutex_lock(&c->lock);
	k = find_node(c, a, NULL);
	if (k >= 0) {
		if (c->nodes[k].count < max) {
			c->nodes[k].count++;
			ok = 1;
		}
	} else if (max > 0 && c->free_list >= 0) {
		size_t b = addr_hash(a);
		k = c->free_list;
		c->free_list = c->nodes[k].next;
		c->nodes[k].addr = *a;
		c->nodes[k].count = 1;
		c->nodes[k].next = c->bucket[b];
		c->bucket[b] = k;
		ok = 1;
	}
	pthread_mutex_unlock(&c->lock);
	return ok;
}

void pt_addr_count_give(struct pt_addr_count *c, const struct pt_addr *addr)
{
	struct pt_addr key = pt_addr_limit_key(addr), *a = &key;
	int *link = NULL, k;
	pthread_mutex_lock(&c->lock);
	k = find_node(c, a, &link);
	if (k >= 0 && --c->nodes[k].count == 0) {
		*link = c->nodes[k].next;
		c->nodes[k].next = c->free_list;
		c->free_list = k;
	}
	pthread_mutex_unlock(&c->lock);
}

/* ---- the trusted proxy ---- */

struct last_value {
	const char *name;
	const char *value;
};

static enum MHD_Result last_header(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct last_value *lv = cls;
	(void)kind;
	if (key && strcasecmp(key, lv->name) == 0)
		lv->value = value;
	return MHD_YES;
}

/* The peer of r's connection. 0 when MHD does not know it. */
static int peer_address(struct pt_req *r, struct pt_addr *out)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	return pt_addr_from_sockaddr(ci ? ci->client_addr : NULL, out);
}

/*
 * The client the proxy names: the last address of the last header
 * srv->proxy_header ("client, proxy1" lists end with the peer the proxy saw).
 * 0 when there is none or it is not an address.
 */
static int forwarded_client(struct pt_req *r, struct pt_addr *out)
{
	struct last_value lv;
	char text[64];
	const char *v, *start, *end;
	lv.name = r->srv->proxy_header;
	lv.value = NULL;
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, last_header, &lv);
	if (!(v = lv.value))
		return 0;
	start = strrchr(v, ',');
	start = start ? start + 1 : v;
	while (*start == ' ' || *start == '\t')
		start++;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == start || (size_t)(end - start) >= sizeof text)
		return 0;
	memcpy(text, start, (size_t)(end - start));
	text[end - start] = '\0';
	return pt_addr_parse(text, out);
}

const char *pt_req_client(struct pt_req *r)
{
	if (!r->client[0]) {
		struct pt_addr a;
		if (r->fwd_known)
			pt_addr_text(&r->fwd, r->client, sizeof r->client);
		else if (peer_address(r, &a))
			pt_addr_text(&a, r->client, sizeof r->client);
	}
	return r->client;
}

void pt_req_client_key(struct pt_req *r, char *buf, size_t size)
{
	struct pt_addr a, k;
	char text[64];
	buf[0] = '\0';
	if (r->fwd_known)
		a = r->fwd;
	else if (!peer_address(r, &a))
		return;
	k = pt_addr_limit_key(&a);
	pt_addr_text(&k, text, sizeof text);
	snprintf(buf, size, "%s%s", text, memcmp(a.b, v4_mapped, sizeof v4_mapped) ? "/64" : "");
}

int pt_http_limits_check(struct pt_req *r)
{
	struct pt_http_server *s = r->srv;
	struct pt_addr peer;
	if (!s->proxy_set || !peer_address(r, &peer) ||
	    memcmp(peer.b, s->proxy.b, sizeof peer.b) != 0)
		return 0; /* a direct client: limited per connection (MHD, or pt_http_accept) */
	if (!forwarded_client(r, &r->fwd)) {
		pt_reply_error(r, 400, s->proxy_header, 0,
			       "%s: the proxy named no client address (the last entry must be an "
			       "IPv4 or IPv6 address)",
			       s->proxy_header);
		return 1;
	}
	r->fwd_known = 1;
	if (!pt_addr_count_take(s->per_client, &r->fwd, s->cfg.per_address_max)) {
		pt_reply_error(r, 429, NULL, 0,
			       "too many requests at once from your address (at most %u); try again "
			       "shortly",
			       s->cfg.per_address_max);
		pt_reply_header(r, "Retry-After", "5");
		return 1;
	}
	r->fwd_counted = 1;
	return 0;
}

void pt_http_limits_done(struct pt_http_server *s, struct pt_req *r)
{
	if (r->fwd_counted) {
		pt_addr_count_give(s->per_client, &r->fwd);
		r->fwd_counted = 0;
	}
	pt_body_release(s, r);
}

enum MHD_Result pt_http_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct pt_http_server *s = cls;
	struct pt_addr a;
	(void)addrlen;
	/* Direct clients are counted here, not by MHD (which would count each IPv6 /128). */
	if (!pt_addr_from_sockaddr(addr, &a) ||
	    (s->proxy_set && memcmp(a.b, s->proxy.b, sizeof a.b) == 0))
		return MHD_YES;
	return pt_addr_count_get(s->per_client, &a) < s->cfg.per_address_max ? MHD_YES : MHD_NO;
}

static void pending_closed(struct pt_http_server *s, struct MHD_Connection *conn);

void pt_http_connection_event(void *cls, struct MHD_Connection *conn, void **socket_context,
			      enum MHD_ConnectionNotificationCode toe)
{
	struct pt_http_server *s = cls;
	const union MHD_ConnectionInfo *ci;
	struct pt_addr a;
	if (toe == MHD_CONNECTION_NOTIFY_CLOSED)
		pending_closed(s, conn);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !pt_addr_from_sockaddr(ci->client_addr, &a) ||
	    (s->proxy_set && memcmp(a.b, s->proxy.b, sizeof a.b) == 0))
		return;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		/* Counted whatever the limit: pt_http_accept refused those over it. */
		if (pt_addr_count_take(s->per_client, &a, ~0u))
			*socket_context = s;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context == s) {
		pt_addr_count_give(s->per_client, &a);
		*socket_context = NULL;
	}
}

/* ---- the bytes of bodies held, in all and per user ---- */

struct user_node {
	long long user;
	size_t held;
	int next; /* next node of the bucket or of the free list; -1 ends */
};

/* Users holding body bytes: chained in BUCKETS buckets, nodes from a fixed pool. */
struct pt_user_bytes {
	pthread_mutex_t lock;
	int bucket[BUCKETS];
	int free_list;
	struct user_node *nodes;
	size_t cap;
};

struct pt_user_bytes *pt_user_bytes_new(size_t cap)
{
	struct pt_user_bytes *t = calloc(1, sizeof *t);
	size_t i;
	if (!t)
		return NULL;
	t->cap = cap ? cap : 1;
	if (!(t->nodes = calloc(t->cap, sizeof *t->nodes))) {
		free(t);
		return NULL;
	}
	for (i = 0; i < BUCKETS; i++)
		t->bucket[i] = -1;
	for (i = 0; i < t->cap; i++)
		t->nodes[i].next = i + 1 < t->cap ? (int)(i + 1) : -1;
	t->free_list = 0;
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void pt_user_bytes_free(struct pt_user_bytes *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->nodes);
	free(t);
}

/* The link that points at user's node (*link < 0: none). Locked. */
static int *user_link(struct pt_user_bytes *t, long long user)
{
	int *l = &t->bucket[(unsigned long long)user % BUCKETS];
	while (*l >= 0 && t->nodes[*l].user != user)
		l = &t->nodes[*l].next;
	return l;
}

/* Count n more bytes for user, at most max in all: 1, or 0 (nothing counted). */
static int user_take(struct pt_user_bytes *t, long long user, size_t n, size_t max)
{
	int *l, k, ok = 0;
	if (!n)
		return 1;
	pthread_mutex_lock(&t->lock);
	l = user_link(t, user);
	if ((k = *l) < 0 && n <= max && t->free_list >= 0) {
		k = t->free_list;
		t->free_list = t->nodes[k].next;
		t->nodes[k].user = user;
		t->nodes[k].held = 0;
		t->nodes[k].next = -1;
		*l = k;
	}
	if (k >= 0 && n <= max && t->nodes[k].held <= max - n) {
		t->nodes[k].held += n;
		ok = 1;
	}
	pthread_mutex_unlock(&t->lock);
	return ok;
}

static void user_give(struct pt_user_bytes *t, long long user, size_t n)
{
	int *l, k;
	pthread_mutex_lock(&t->lock);
	l = user_link(t, user);
	if ((k = *l) >= 0) {
		t->nodes[k].held -= n < t->nodes[k].held ? n : t->nodes[k].held;
		if (!t->nodes[k].held) {
			*l = t->nodes[k].next;
			t->nodes[k].next = t->free_list;
			t->free_list = k;
		}
	}
	pthread_mutex_unlock(&t->lock);
}

int pt_body_reserve(struct pt_http_server *s, struct pt_req *r, size_t n)
{
	size_t held = atomic_load(&s->body_held);
	int by_user = r->body_user && s->per_user;
	if (by_user && !user_take(s->per_user, r->body_user, n, s->user_body_share)) {
		r->body_user_full = 1;
		return 0;
	}
	do {
		if (n > s->cfg.body_budget || held > s->cfg.body_budget - n) {
			if (by_user)
				user_give(s->per_user, r->body_user, n);
			return 0;
		}
	} while (!atomic_compare_exchange_weak(&s->body_held, &held, held + n));
	r->body_held += n;
	return 1;
}

void pt_body_release(struct pt_http_server *s, struct pt_req *r)
{
	if (r->body_held) {
		atomic_fetch_sub(&s->body_held, r->body_held);
		if (r->body_user && s->per_user)
			user_give(s->per_user, r->body_user, r->body_held);
		r->body_held = 0;
	}
}

void pt_reply_bodies_full(struct pt_req *r)
{
	if (r->body_user_full)
		pt_reply_error(r, 503, NULL, 0,
			       "you hold too many request bodies at once (at most %zu bytes); send it "
			       "again once your other uploads are done",
			       r->srv->user_body_share);
	else
		pt_reply_error(r, 503, NULL, 0,
			       "the server holds too many request bodies at once; send it again shortly");
	pt_reply_header(r, "Retry-After", "5");
}

/* ---- the request target ---- */

void *pt_http_uri_logged(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct pt_http_server *s = cls;
	struct pt_req *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->target_len = uri ? strlen(uri) : 0;
	r->conn = conn;
	pthread_mutex_lock(&s->pending_lock);
	r->pending_next = s->pending;
	if (s->pending)
		s->pending->pending_prev = r;
	s->pending = r;
	r->is_pending = 1;
	pthread_mutex_unlock(&s->pending_lock);
	return r;
}

static void unlink_pending(struct pt_http_server *s, struct pt_req *r)
{
	if (r->pending_prev)
		r->pending_prev->pending_next = r->pending_next;
	else
		s->pending = r->pending_next;
	if (r->pending_next)
		r->pending_next->pending_prev = r->pending_prev;
	r->pending_prev = r->pending_next = NULL;
	r->is_pending = 0;
}

void pt_req_unpend(struct pt_http_server *s, struct pt_req *r)
{
	pthread_mutex_lock(&s->pending_lock);
	if (r->is_pending)
		unlink_pending(s, r);
	pthread_mutex_unlock(&s->pending_lock);
}

/* A connection closed: a request of it no handler took (MHD refused its headers) is freed. */
static void pending_closed(struct pt_http_server *s, struct MHD_Connection *conn)
{
	struct pt_req *r, *found = NULL;
	pthread_mutex_lock(&s->pending_lock);
	for (r = s->pending; r; r = r->pending_next)
		if (r->conn == conn) {
			found = r;
			unlink_pending(s, r);
			break;
		}
	pthread_mutex_unlock(&s->pending_lock);
	free(found);
}

void pt_req_pending_free(struct pt_http_server *s)
{
	pthread_mutex_lock(&s->pending_lock);
	while (s->pending) {
		struct pt_req *r = s->pending;
		unlink_pending(s, r);
		free(r);
	}
	pthread_mutex_unlock(&s->pending_lock);
}

int pt_req_target_has_nul(const struct pt_req *r)
{
	/* MHD ends the target where the version starts (one byte before it): a NUL
	 * the client sent ends the text earlier. */
	uintptr_t url = (uintptr_t)r->url, version = (uintptr_t)r->version;
	return !r->version || version <= url || version - url != r->target_len + 1;
}

long long pt_http_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
