/* pt_http_int.h - what the files of src/http share: the server and
 * request structs, the route table, reply helpers, the database pool. */
#ifndef PT_HTTP_INT_H
#define PT_HTTP_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "../app/pt_app.h"
#include "pt_http.h"
#include "pt_http_valid.h"

#define PT_PATH_PARAM_MAX 256 /**< bytes of one {param} path segment */
#define PT_PATH_PARAMS 2      /**< most {params} in one route */
#define PT_HEADERS_MAX 4      /**< extra response headers a handler may set */

/** A pool of database connections, one per worker thread. */
struct pt_dbpool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct pt_db **conns;
	unsigned char *busy;
	size_t n;
};

struct pt_throttle;
struct pt_http_cache;
struct pt_addr_count;

/** An IPv6 address, or an IPv4 one mapped into IPv6 (::ffff:a.b.c.d). */
struct pt_addr {
	unsigned char b[16];
};

/** The running server. */
struct pt_http_server {
	struct MHD_Daemon *daemon;
	struct pt_http_config cfg;
	char bind[64];
	char vendor_dir[4096];
	unsigned port, threads, compute_threads;
	struct pt_dbpool pool;
	struct pt_throttle *throttle;
	struct pt_ranking_watch *watch; /* tells when the registry changed */
	struct pt_http_cache *cache;    /* sites snapshot and rendered bodies until then */
	struct pt_snapshot_source snapshots; /* src/app's snapshots, from the cache */
	struct pt_plan_cache *plan_cache; /* built plan models (issue 10); NULL: none */
	struct pt_work *work;           /* the compute pool (pt_http_work.c) */
	struct pt_audit_batch *batch;   /* the group commit of audited reads (pt_http_work.c) */
	struct pt_db *batch_db;         /* its connection, taken from pool for the server's life */
	pthread_mutex_t lock; /* guards in_flight and stopping */
	pthread_cond_t idle;
	long in_flight;
	int stopping;
	/* Requests the URI log callback made that no handler has taken yet: freed when their
	 * connection closes (libmicrohttpd reports no completion for a request it refused while
	 * reading its headers). */
	pthread_mutex_t pending_lock;
	struct pt_req *pending;
	/* Limits (issue 10): bodies held, clients behind the trusted proxy (pt_http_limits.c). */
	atomic_size_t body_held;          /* bytes reserved for request bodies, all requests */
	struct pt_addr_count *per_client; /* with a proxy: connections and requests per client */
	struct pt_addr proxy;             /* cfg.proxy parsed */
	int proxy_set;
	char proxy_header[64];
	char db_dir[4096], cwd[4096]; /* never in an answer (pt_http_names_path) */
	/* Body bytes per user (issue 10 fix F4, pt_http_limits.c): one user holds at most
	 * user_body_share of body_held. */
	struct pt_user_bytes *per_user;
	size_t user_body_share;
	/* issue 13: the public alert paths (pt_http_alerts.c, pt_http_rate.c) */
	struct pt_rate *public_rate;    /* requests per client address */
	struct pt_rate *run_rate;       /* attack review 4: a user's writes per exercise run */
	struct pt_rate *run_refusals;   /* attack review 6, round 2: a user's refused run requests */
	struct pt_rate *run_refusals_note; /* ... and the audit row saying they are throttled */
	struct pt_alert_cache *alerts;  /* the feed and CAP files kept between requests */
	/* issue 15: exercise runs' ticker and event streams (pt_http_live.c) */
	struct pt_live *live;
	struct pt_db *live_db;          /* the ticker's connection, taken from pool for the server's life */
};

struct pt_req;

/** A route handler: fills the reply of r (pt_reply_*). */
typedef void (*pt_handler_fn)(struct pt_req *r);

/** Route flags. */
enum {
	PT_R_PUBLIC = 1,  /**< no session needed (log-in, static files) */
	PT_R_JSON = 2,    /**< takes a JSON object body (PT_JSON_ROUTE_BODY_MAX) checked against body */
	PT_R_CSV = 4,     /**< takes a text/csv body (the upload limit) */
	PT_R_STATIC = 8,  /**< a prefix route for static files (no API headers) */
	PT_R_NO_CSRF = 16, /**< a write that needs no CSRF token (the log-in) */
	PT_R_GEOJSON = 32, /**< with PT_R_CSV: application/geo+json is taken too */
	/* The right to import, asked before the body is read (issue 10). */
	PT_R_IMPORT_SITES = 1 << 12,       /**< an import of sites */
	PT_R_IMPORT_ASSESSMENTS = 1 << 13, /**< an import of assessments */
	PT_R_JSON_ROWS = 1 << 14,          /**< issue 10 fix F4: a JSON body of assessment rows (PT_JSON_ROWS_BODY_MAX) */
	/* issue 13: the public alert paths */
	PT_R_CACHEABLE = 1 << 15,          /**< the handler sets Cache-Control of its 200 and 304 itself */
	/* issue 13 review fix: the approval's optional {"sha256"}; the public paths' query */
	PT_R_JSON_OPTIONAL = 1 << 16,      /**< with PT_R_JSON: no body (nor Content-Type) is fine too (json NULL) */
	PT_R_QUERY_IGNORED = 1 << 17,      /**< query parameters are ignored, not refused (public alert paths) */
	PT_R_ATTACHMENT = 1 << 18          /**< issue 16 item 3: a raw JPEG, PNG or PDF body (PT_ATTACH_MAX) */
};

/** One entry of the route table. */
struct pt_route {
	const char *method;             /**< "GET", "POST", "PATCH", "PUT", "DELETE" */
	const char *pattern;            /**< "/api/v1/sites/{id}"; a STATIC route: a prefix */
	pt_handler_fn handler;
	unsigned flags;
	const struct pt_vquery *query;  /**< allowed query parameters (NULL-name ended) or NULL */
	const struct pt_vschema *body;  /**< PT_R_JSON: the body's declared fields */
};

/** The route table, ended by an entry with method NULL (pt_http_routes.c). */
extern const struct pt_route pt_routes[];

/** A query parameter after validation. */
struct pt_qval {
	int set;
	unsigned long long num;
	const char *str; /**< MHD's storage, valid during the request */
	/** issue 16 item 5, PT_V_QUERY_LIST: n_list decoded values, each NUL-ended, one after
	 * the other in list (the request's, freed with it) */
	char *list;
	size_t n_list, list_len;
};

#define PT_QUERY_MAX 24 /**< most declared query parameters of one route */

/** One request from its first call to its completion. */
struct pt_req {
	struct pt_http_server *srv;
	struct MHD_Connection *conn;
	const char *method, *url;
	const struct pt_route *route;
	char param[PT_PATH_PARAMS][PT_PATH_PARAM_MAX]; /**< {params} in route order */
	struct pt_qval query[PT_QUERY_MAX];           /**< by index of route->query */
	char *body;
	size_t body_len, body_cap, body_max;
	int body_too_large;      /* a chunked body passed body_max: connection cut (issue 10 fix) */
	int counted;       /**< counted in srv->in_flight */
	int replied;       /**< a response was queued */
	json_t *json;      /**< the parsed body (PT_R_JSON) */
	int json_absent;   /**< PT_R_JSON_OPTIONAL and no body: json stays NULL (issue 13 review fix) */
	int run_quiet;     /**< past the user's run refusal limit: pt_api_caller's quiet_refusals */
	struct pt_db *db;  /**< the connection held while the handler runs */
	struct pt_http_session *session; /**< the caller, NULL without a session */
	struct pt_snapshot *snap;  /**< the sites and access index the request decides with */
	/* The reply the handler builds. */
	unsigned status;
	json_t *reply;     /**< JSON body (owned) or NULL */
	struct MHD_Response *raw; /**< or a ready response (static files) */
	char *hdr_name[PT_HEADERS_MAX], *hdr_value[PT_HEADERS_MAX];
	size_t n_hdr;
	const char *cause; /**< why a 5xx is answered (static text, e.g. "PT_EBUSY"), for the log */
	/* Limits (issue 10, pt_http_limits.c). */
	const char *version;     /**< the HTTP version as MHD passed it (just after the target) */
	size_t target_len;       /**< the target's length as the URI log callback saw it */
	struct pt_req *pending_prev, *pending_next; /**< in srv->pending until a handler takes it */
	int is_pending;
	size_t body_held;        /**< bytes of srv->body_held this request holds */
	size_t body_expect;      /**< the Content-Length (0: none or chunked) */
	size_t body_seen;        /**< bytes of body received, kept or dropped */
	long long rate_mark_ms;  /**< start of the current rate window (pt_http_now_ms) */
	size_t rate_mark_seen;   /**< body_seen then */
	int body_over_budget;    /**< the server's body budget (or the user's share) was full: connection cut */
	struct pt_addr fwd;      /**< the client the trusted proxy named */
	int fwd_known, fwd_counted;
	char client[64];         /**< the client's address as text ("" until pt_req_client) */
	long long body_user;     /**< issue 10 fix F4: the user whose share body_held counts against (0: none) */
	int body_user_full;      /**< the user's share of the body budget was full (503) */
	/* The compute pool (pt_http_work.c). */
	int work;          /**< PT_WORK_NONE; DEFERRED (handler asked); WAITING (suspended); DONE (resumed) */
	char *work_key;    /**< DEFERRED: the coalescing key (owned) or NULL */
	int work_heavy;    /**< DEFERRED: a heavy job */
	int rerun;         /**< DONE: run the handler again (it waited for another's result) */
	int in_pool;       /**< the handler runs on a pool thread: compute */
	struct pt_job *job; /**< the computation it waits for, while WAITING */
	/* The group commit of audited reads (pt_http_work.c). */
	struct pt_read_sink read_sink;  /**< pt_api_caller's read_sink: keeps entries in reads */
	struct pt_read_entry *reads;    /**< the reads' entries still to write (owned) */
	struct pt_req *batch_next;      /**< in the batch's list, while waiting for it */
};

/** Reply with a JSON body (steals a reference to body; NULL body: out of memory -> 500). */
void pt_reply_json(struct pt_req *r, unsigned status, json_t *body);

/** Reply {"error": msg, "field": field, "line": line} (field NULL/"" and line 0 left out). */
void pt_reply_error(struct pt_req *r, unsigned status, const char *field, long line,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/**
 * Reply 429 "too many WHAT; try again in N second(s)" with Retry-After: N
 * (wait seconds, at least 1): the answer of every rate limit.
 */
void pt_reply_too_many(struct pt_req *r, long wait, const char *what);

/**
 * Reply with the status of a store error and d's message, field and line.
 * PT_EBUSY is 503 with Retry-After: PT_HTTP_BUSY_RETRY_S and the words of
 * pt_strerror(PT_EBUSY); a 500 says only pt_strerror(err).
 */
void pt_reply_diag(struct pt_req *r, enum pt_err err, const struct pt_diag *d);

/* busy registry, and the log of 5xx answers: */
#define PT_HTTP_BUSY_RETRY_S 2 /**< the Retry-After of a 503 for a busy registry, seconds */

/**
 * Reply to a read whose audit entry could not be written: 503 as
 * pt_reply_diag when the registry was busy, else 500 saying the read is
 * not answered.
 */
void pt_reply_unaudited(struct pt_req *r, enum pt_err err, const struct pt_diag *d);

/**
 * When r's reply is a 5xx: one line on stderr with the time (UTC), the
 * method, the route's pattern (not the path), the status and r->cause;
 * never a query value, a body or a user name. Called once per reply, by
 * the server as it queues it.
 */
void pt_reply_log(const struct pt_req *r);

/** body as the compact JSON every response uses (caller frees), or NULL when out of memory. */
char *pt_json_text(const json_t *body);

/** Reply 404 {"error": "not found"} (the same for missing and invisible records). */
void pt_reply_not_found(struct pt_req *r);

/** Reply 204 without a body. */
void pt_reply_empty(struct pt_req *r, unsigned status);

/** Add a response header (copied). Silently dropped past PT_HEADERS_MAX or out of memory. */
void pt_reply_header(struct pt_req *r, const char *name, const char *value);

/** Header value of the request (case-insensitive name) or NULL. */
const char *pt_req_header(struct pt_req *r, const char *name);

/** The declared query parameter name of the route (set, num, str) or NULL if undeclared. */
const struct pt_qval *pt_req_query(const struct pt_req *r, const char *name);

/** Open n connections to the initialised registry at path (close with pt_dbpool_close, also after a failure). */
enum pt_err pt_dbpool_open(struct pt_dbpool *p, const char *path, size_t n, struct pt_diag *d);
/** Close every connection of the pool. */
void pt_dbpool_close(struct pt_dbpool *p);
/** Take a connection from the pool (waits for a free one). */
struct pt_db *pt_dbpool_get(struct pt_dbpool *p);
/** Give a connection back. */
void pt_dbpool_put(struct pt_dbpool *p, struct pt_db *db);
/** Make every connection of the pool wait up to ms for a busy registry (pt_app_db_busy_wait). */
void pt_dbpool_busy_wait(struct pt_dbpool *p, unsigned ms);

/** Serve a static file: the page (embedded web/ files) or a vendored library. */
void pt_static_serve(struct pt_req *r);

/** Content-Type for a file name by its extension. */
const char *pt_content_type(const char *name);

/* The failed log-in throttle (pt_http_throttle.c). */
#define PT_THROTTLE_USER_FAILS 5   /**< failed log-ins per window for one user name */
#define PT_THROTTLE_ADDR_FAILS 30  /**< failed log-ins per window from one client address */
#define PT_THROTTLE_WINDOW_S 300   /**< the window, seconds */
#define PT_THROTTLE_KEYS 4096      /**< keys remembered (oldest forgotten first) */

/** A new throttle (NULL when out of memory); free with pt_throttle_free. */
struct pt_throttle *pt_throttle_new(void);
/** Free; NULL does nothing. */
void pt_throttle_free(struct pt_throttle *t);
/** Seconds key must still wait at time now (0: may try). */
long pt_throttle_wait(struct pt_throttle *t, const char *key, long long now);
/**
 * Count a failure of key at now; the limit-th failure within
 * PT_THROTTLE_WINDOW_S seconds blocks key for PT_THROTTLE_WINDOW_S seconds.
 */
void pt_throttle_fail(struct pt_throttle *t, const char *key, int limit, long long now);
/** Forget key's failures (after a successful log-in). */
void pt_throttle_forget(struct pt_throttle *t, const char *key);
/* Attempts reserved before the check (issue 10 fix: parallel log-ins get past the throttle). */
/**
 * Reserve one attempt of key at now before its secret is checked, in one
 * step under the throttle's lock: the seconds key must still wait (nothing
 * counted), or 0 with the attempt counted as a failure (pt_throttle_fail).
 * Give it back with pt_throttle_release when the attempt was no wrong guess.
 */
long pt_throttle_reserve(struct pt_throttle *t, const char *key, int limit, long long now);
/** Give back one attempt pt_throttle_reserve counted (a block it set is lifted). */
void pt_throttle_release(struct pt_throttle *t, const char *key, int limit);
/** Largest JSON body of a public route (the log-in steps: no session), bytes (413 above). */
#define PT_PUBLIC_BODY_MAX 8192
/* Issue 10 fix F4: JSON bodies sized to what the routes need, judged before the body. */
#define PT_JSON_ROUTE_BODY_MAX (64UL * 1024)  /**< largest JSON body of a route with a session, bytes (413 above) */
#define PT_JSON_ROWS_BODY_MAX (256UL * 1024)  /**< ... of an assessment PATCH (PT_R_JSON_ROWS: up to 200 rows) */

/* The cache (pt_http_cache.c): kept until the registry's version changes. */
#define PT_CACHE_SLOTS 64                 /**< rendered bodies kept */
#define PT_CACHE_BODY_MAX (4UL << 20)     /**< larger bodies are not kept */

/** A rendered body shared by the cache and the responses sending it. */
struct pt_cache_body;

/** A new, empty cache (NULL when out of memory); free with pt_cache_free. */
struct pt_http_cache *pt_cache_new(void);
/** Free; NULL does nothing (bodies still being sent stay alive until sent). */
void pt_cache_free(struct pt_http_cache *c);
/** The body kept for key at version, with a reference for the caller, or NULL. */
struct pt_cache_body *pt_cache_get(struct pt_http_cache *c, const char *key,
				   unsigned long long version);
/** Keep a copy of data[0..len) for key at version (not for version 0, nor when out of memory). */
void pt_cache_put(struct pt_http_cache *c, const char *key, unsigned long long version,
		  const char *data, size_t len);
/** Drop a reference to b; NULL does nothing. */
void pt_cache_body_release(struct pt_cache_body *b);
/**
 * Reply with body (status 200), keeping its text in the cache for key at
 * version (key NULL: not kept). Takes the reference to body.
 */
void pt_reply_json_keep(struct pt_req *r, json_t *body, const char *key,
			unsigned long long version);
/** Reply with a cached JSON body (takes the caller's reference to b). */
void pt_reply_cached(struct pt_req *r, unsigned status, struct pt_cache_body *b);
/**
 * The sites at the registry's current version, loaded with r->db when the
 * kept snapshot is older. A reference for the caller (release with
 * pt_snapshot_release), or NULL with d filled.
 */
struct pt_snapshot *pt_sites_snapshot_get(struct pt_req *r, struct pt_diag *d);
/**
 * The request's snapshot, taken at its first use and kept (and released)
 * with the request: every decision and list of one request sees the same
 * registry. NULL with d filled when it cannot be loaded.
 */
struct pt_snapshot *pt_req_snapshot(struct pt_req *r, struct pt_diag *d);
/** The snapshot source of src/app backed by srv's cache (set up by pt_http_start). */
void pt_http_snapshot_source(struct pt_http_server *srv, struct pt_snapshot_source *out);

/* The compute pool (pt_http_work.c): costly handlers run on threads of their own
 * while their connections are suspended, so cheap requests are never kept waiting. */
#define PT_WORK_RETRY_AFTER_S 10     /**< Retry-After of a 429 when the queue is full */
/** A quant ranking asking more samples x visible sites than this is heavy (pt_work_defer). */
#define PT_WORK_LIGHT_SITE_SAMPLES 1000000ULL
/* The compute pool's fair share (issue 10, re-attack): */
/** Computations one user may have queued or running at once; beyond: 429 (pt_work_submit). */
#define PT_WORK_PER_USER_MAX 2

/** Where a request stands with the compute pool (struct pt_req's work). */
enum { PT_WORK_NONE = 0, PT_WORK_DEFERRED, PT_WORK_WAITING, PT_WORK_DONE };

struct pt_work;
struct pt_job;

/**
 * Start threads compute threads (1 when 0) for srv, with room for
 * queue_max computations waiting (0: none waits; a busy pool answers 429).
 * NULL when out of memory or no thread starts. Free with pt_work_free.
 */
struct pt_work *pt_work_new(struct pt_http_server *srv, unsigned threads, size_t queue_max);
/** Cancel every computation queued or running and refuse new ones (503); returns at once. */
void pt_work_shutdown(struct pt_work *w);
/** Nonzero while a computation of a request is queued or running (not a pt_work_submit_fn one). */
int pt_work_busy(struct pt_work *w);
/** issue 15: the computations waiting for a compute thread (queued, not running). */
size_t pt_work_waiting(struct pt_work *w);
/** Shut down, wait for the threads and free; NULL does nothing. Every job must have ended. */
void pt_work_free(struct pt_work *w);
/**
 * Called by a handler where its costly part starts. On a libmicrohttpd
 * thread: note that r is to run on the compute pool (r->work DEFERRED,
 * key copied) and return 1: the handler returns at once without a reply,
 * touching r no more; or reply 500 (out of memory) and return 1. On the
 * compute thread (r->in_pool, r->db its own): 0, go on computing.
 * key: the caller's view, the parameters and the data version, or NULL
 * (never shared). heavy: may run long (see pt_work_submit).
 */
int pt_work_defer(struct pt_req *r, const char *key, int heavy);
/**
 * After a handler deferred r and gave its database connection back (the
 * request thread, r->work DEFERRED): queue r to run its handler again on a
 * compute thread and suspend its connection; returns 1, and r belongs to
 * the pool until it resumes the connection with r->work DONE (the reply
 * made). A request whose key is queued or running already waits for that
 * job instead, then runs its handler again (r->rerun) and finds the result
 * kept in the cache. Heavy jobs may not take the last free thread (one
 * stays for light work). 0 after replying 429 (queue full, Retry-After),
 * 503 (stopping) or 500: send that reply.
 */
int pt_work_submit(struct pt_req *r);
/**
 * For the computing handler's cancel hooks (ctx: its request): nonzero
 * once the server stops or every client waiting for the result has closed
 * its connection (looked at every 100 ms at most).
 */
int pt_work_stop_asked(void *ctx);
/** pt_work_stop_asked as a pt_progress_fn (src/core/pt_quant.h). */
int pt_work_progress(void *ctx, uint64_t done, uint64_t total);

/* The group commit of audited reads (pt_http_work.c). */
#define PT_AUDIT_BATCH_MAX 512 /**< most requests whose entries one transaction writes */

struct pt_audit_batch;

/** Start the batch thread writing with db (the caller's, kept open). NULL when it cannot. */
struct pt_audit_batch *pt_audit_batch_new(struct pt_http_server *srv, struct pt_db *db);
/** Write what still waits, stop the thread and free; NULL does nothing. */
void pt_audit_batch_free(struct pt_audit_batch *b);
/** Nonzero while requests wait for the batch thread (their connections suspended). */
int pt_audit_batch_busy(struct pt_audit_batch *b);
/** Make r's read sink keep its reads' entries in r->reads (at the request's start). */
void pt_req_read_sink(struct pt_req *r);
/** Free r's entries not written. */
void pt_req_reads_free(struct pt_req *r);
/**
 * After r's handler returned with entries in r->reads (its database
 * connection given back): suspend r until the batch thread has written
 * them with others in one transaction (or failed: r's reply becomes a 500
 * "the read could not be audited"), then r->work is DONE and the
 * connection resumed to send the reply. Returns 1 (r is the batch's now).
 */
int pt_audit_batch_submit(struct pt_req *r);

/** Seconds on a monotonic clock (for throttling). */
long long pt_http_now_mono(void);
/** Seconds since the epoch (for sessions and the audit log). */
long long pt_http_now_wall(void);

/* ---- Limits (issue 10): pt_http_limits.c (the paths: pt_http_reply.c) ---- */
#define PT_HTTP_RATE_WINDOW_MS 5000 /**< a body's rate is measured over windows this long */

/** a from a socket address (IPv4 mapped). 0 for another family or NULL. */
int pt_addr_from_sockaddr(const struct sockaddr *sa, struct pt_addr *out);
/** a from IPv4 or IPv6 text. 0 when text is not an address. */
int pt_addr_parse(const char *text, struct pt_addr *out);
/** a as text (IPv4 for a mapped address) into buf. */
void pt_addr_text(const struct pt_addr *a, char *buf, size_t size);
/** A table counting up to cap addresses at once (NULL when out of memory); free with pt_addr_count_free. */
struct pt_addr_count *pt_addr_count_new(size_t cap);
/** Free; NULL does nothing. */
void pt_addr_count_free(struct pt_addr_count *c);
/** The count of a. */
unsigned pt_addr_count_get(struct pt_addr_count *c, const struct pt_addr *a);
/** Count one more of a if it has fewer than max (and the table has room): 1, else 0. */
int pt_addr_count_take(struct pt_addr_count *c, const struct pt_addr *a, unsigned max);
/** Count one less of a. */
void pt_addr_count_give(struct pt_addr_count *c, const struct pt_addr *a);
/**
 * The client's address of r as text: the address the trusted proxy names
 * when r came through it (after pt_http_limits_check), else the peer's.
 * Kept in r; "" when unknown.
 */
const char *pt_req_client(struct pt_req *r);
/**
 * Checks when the headers are in: a request from the trusted proxy must name
 * its client (else 400) and that client may have at most
 * cfg.per_address_max requests in progress (else 429). 0: go on; 1: replied.
 */
int pt_http_limits_check(struct pt_req *r);
/** Give back what r holds (its client's count, its bytes of the body budget). */
void pt_http_limits_done(struct pt_http_server *s, struct pt_req *r);
/** MHD's accept policy: with a proxy, a direct client over its connection limit is refused. */
enum MHD_Result pt_http_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
/** MHD's connection notification: with a proxy, counts the connections of direct clients. */
void pt_http_connection_event(void *cls, struct MHD_Connection *conn, void **socket_context,
			      enum MHD_ConnectionNotificationCode toe);
/** Reserve n bytes of the server's body budget for r: 1, or 0 when that would exceed it. */
int pt_body_reserve(struct pt_http_server *s, struct pt_req *r, size_t n);
/** Give back every byte r reserved. */
void pt_body_release(struct pt_http_server *s, struct pt_req *r);
/** Reply 503 with Retry-After: the body budget is full. */
void pt_reply_bodies_full(struct pt_req *r);
/* Issue 10 fix F4/F7: bodies per user, IPv6 clients per /64. */
struct pt_user_bytes;
/** A table of body bytes held per user, for up to cap users at once (NULL: out of memory). */
struct pt_user_bytes *pt_user_bytes_new(size_t cap);
/** Free t (NULL is fine). */
void pt_user_bytes_free(struct pt_user_bytes *t);
/**
 * The key of a's limits (per-address counts, the log-in throttle): an IPv6
 * address with its last 64 bits zero (a client of a /64 holds them all); an
 * IPv4 address (IPv4-mapped) as it is.
 */
struct pt_addr pt_addr_limit_key(const struct pt_addr *a);
/** The client of r as its limits key in text ("2001:db8::/64", "192.0.2.1"), in buf. */
void pt_req_client_key(struct pt_req *r, char *buf, size_t size);
/** MHD's URI log callback: allocates the request (the connection's context) and notes the target's length. */
void *pt_http_uri_logged(void *cls, const char *uri, struct MHD_Connection *conn);
/** Take r off the server's list of requests no handler has taken yet (no-op when it is not on it). */
void pt_req_unpend(struct pt_http_server *s, struct pt_req *r);
/** Free every request still on the list (the daemon has stopped). */
void pt_req_pending_free(struct pt_http_server *s);
/** Nonzero when r's target held a NUL byte (MHD cut the text there). */
int pt_req_target_has_nul(const struct pt_req *r);
/** Note the server's directories that no answer may name (the database's, the working one). */
void pt_http_paths_note(struct pt_http_server *s);
/** Nonzero when msg names a directory of the server or its database path (pt_reply_error then withholds it). */
int pt_http_names_path(const struct pt_http_server *s, const char *msg);
/** Milliseconds on a monotonic clock. */
long long pt_http_now_ms(void);

/* ---- issue 13: the public alert paths (pt_http_rate.c, pt_http_alerts.c) ---- */
#define PT_HTTP_RUN_REFUSALS 30 /**< refused requests on runs a user may make a minute (attack review 6, round 2) */
#define PT_RATE_KEYS 4096 /**< client addresses a rate limit remembers (least recently refilled forgotten) */

struct pt_rate;
/**
 * A token bucket per client address: per_minute requests a minute, as many
 * at once (a client first seen, or forgotten, has a full bucket). NULL when
 * out of memory or per_minute is 0. Free with pt_rate_free.
 */
struct pt_rate *pt_rate_new(unsigned per_minute);
/** Free; NULL does nothing. */
void pt_rate_free(struct pt_rate *t);
/** Take one request of key at now_ms (monotonic): 0 when allowed, else the seconds until it would be (>= 1). */
long pt_rate_take(struct pt_rate *t, const char *key, long long now_ms);
/**
 * Take one write of c on run id from the per-user run rate (serve --run-rate;
 * issue 15 attack reviews 4 and 2 of round 2): 0 when allowed, 1 after
 * replying 429 with Retry-After. The system administrator is not limited.
 */
int pt_http_run_rate_or_reply(struct pt_req *r, const struct pt_caller *c, long long id);
/** As pt_rate_take without taking (issue 15 attack review 6, round 2): 0 when a request of key
 * at now_ms would be allowed, else the seconds until it would be. */
long pt_rate_peek(struct pt_rate *t, const char *key, long long now_ms);
/**
 * Attack reviews 6 (round 2) and N3 (round 3), called before pt_api_caller by
 * every run request: when r's user has made more refused requests on runs
 * than the limit (PT_HTTP_RUN_REFUSALS a minute), set r->run_quiet, so that
 * the request is served as usual but a refusal of it writes no audit row
 * (pt_caller.quiet_refusals). The system administrator is not limited.
 */
void pt_http_run_refusals_mark(struct pt_req *r);
/** Count one refused request of r's user on a run (a 403, 404, the 8-run cap's 409 or a
 * quota refusal) against the limit of pt_http_run_refusals_mark; past it, one audit row
 * a minute says that further refusals are not audited one by one. */
void pt_http_run_refused(struct pt_req *r);
/** The slot-table hash (djb2) of a client key, shared by the rate limit and the throttle. */
unsigned long pt_http_key_hash(const char *s);

struct pt_alert_cache;
/** An empty cache of the feed and CAP files (NULL when out of memory); free with pt_alert_cache_free. */
struct pt_alert_cache *pt_alert_cache_new(void);
/** Free; NULL does nothing (bodies still being sent stay alive until sent). */
void pt_alert_cache_free(struct pt_alert_cache *c);


/* ---- issue 15: exercise runs' clock ticker and event streams (pt_http_live.c) ---- */
#define PT_LIVE_STREAMS_PER_USER 8   /**< event streams one user may hold at once (429 past it) */
#define PT_LIVE_STREAMS_MAX 256      /**< event streams the server holds at once (429 past it) */
#define PT_LIVE_HEARTBEAT_MS 15000   /**< a comment line on a quiet stream this often (at most) */
#define PT_LIVE_TICK_MS 1000         /**< the runs' clocks are advanced this often */
#define PT_LIVE_RETRY_MS 3000        /**< the reconnection delay a stream tells the browser */
#define PT_LIVE_SIM_PENDING_MAX 256  /**< simulation reruns waiting for the compute pool */
#define PT_LIVE_RETRY_AFTER_S 10     /**< Retry-After of a 429 for too many streams */

struct pt_live;
struct pt_app_run_done;
/**
 * Start the ticker (a thread calling pt_app_run_tick_all every PT_LIVE_TICK_MS
 * with db, the caller's connection for the server's life) and the table of
 * event streams. NULL when out of memory or the thread cannot start.
 */
struct pt_live *pt_live_new(struct pt_http_server *s, struct pt_db *db);
/**
 * Stop: every stream ends at once (its reader reports the end; a suspended
 * one is resumed to do so), the ticker is joined. Called by pt_http_stop
 * before it waits for the requests in flight. NULL does nothing.
 */
void pt_live_stop(struct pt_live *l);
/** Free (after pt_live_stop and once the compute pool has stopped). NULL does nothing. */
void pt_live_free(struct pt_live *l);
/**
 * A use case changed run done->run_id: wake its streams (they read the new
 * events) and queue done's SIM_DUE events for the compute pool (through the
 * ticker). NULL l or done does nothing.
 */
void pt_live_changed(struct pt_live *l, const struct pt_app_run_done *done);
/** Wake the streams of run_id (new events may be stored). */
void pt_live_wake(struct pt_live *l, long long run_id);

/**
 * issue 15: queue fn on the compute pool apart from any request (a
 * simulation rerun of an exercise run): fn(ctx, 0) runs on a compute
 * thread, taking its own database connection as it needs; fn(ctx, 1) when
 * the pool stops first (fn frees ctx either way). 0 queued; nonzero when
 * the queue is full or the pool stopping (fn not called).
 */
int pt_work_submit_fn(struct pt_work *w, void (*fn)(void *ctx, int cancelled), void *ctx);

/** issue 15: the session token of r (valid while r lives), or NULL without a session. */
const char *pt_api_session_token(const struct pt_req *r);
/**
 * issue 15: is the session of token still open at now (unix seconds)? 1 yes, 0 ended
 * (logged out, expired), -1 the registry could not say (busy: ask again later).
 */
int pt_api_session_open(struct pt_db *db, const char *token, long long now);

#endif
