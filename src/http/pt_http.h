/* pt_http.h - the HTTP server of protect (GNU libmicrohttpd): the JSON API
 * under /api/v1/, the web page and the vendored Leaflet and Chart.js. */
#ifndef PT_HTTP_H
#define PT_HTTP_H

#include <stddef.h>

#include "../core/pt_err.h"

#define PT_HTTP_THREADS_MAX 64                    /**< most worker threads */
#define PT_HTTP_UPLOAD_DEFAULT (16UL * 1024 * 1024) /**< default CSV upload limit, bytes */
#define PT_HTTP_UPLOAD_MAX (512UL * 1024 * 1024)    /**< largest CSV upload limit that may be set */
/* Resource limits of `serve` (issue 10): defaults. */
#define PT_HTTP_BODY_BUDGET_DEFAULT (64UL * 1024 * 1024) /**< bytes of bodies held at once, all connections */
#define PT_HTTP_BODY_BUDGET_MAX (8192UL * 1024 * 1024)   /**< largest body budget that may be set */
#define PT_HTTP_CONNECTIONS_DEFAULT 1000u  /**< open connections */
#define PT_HTTP_CONNECTIONS_MAX 100000u    /**< most open connections that may be set */
#define PT_HTTP_PER_ADDRESS_DEFAULT 64u    /**< open connections per client address */
#define PT_HTTP_IDLE_TIMEOUT_DEFAULT 30u   /**< seconds before an idle connection is closed */
#define PT_HTTP_IDLE_TIMEOUT_MAX 3600u     /**< longest idle timeout that may be set */
#define PT_HTTP_BODY_MIN_RATE_DEFAULT 1024u /**< bytes/s a request body must keep up */
#define PT_HTTP_COMPUTE_THREADS_MAX 64  /**< most compute threads (issue 10's compute pool) */
#define PT_HTTP_COMPUTE_QUEUE_DEFAULT 16 /**< computations that may wait for a compute thread */
#define PT_HTTP_COMPUTE_QUEUE_MAX 4096   /**< the longest compute queue that may be set */
/* issue 13: the rate limit of the public alert paths (per client address, IPv6 per /64) */
#define PT_HTTP_PUBLIC_RATE_DEFAULT 120u       /**< requests a minute */
#define PT_HTTP_PUBLIC_RATE_MAX 1000000000u    /**< the most that may be set */
/* issue 15 attack review 4: a user's writes on one exercise run (responses, log, decisions, observations) */
#define PT_HTTP_RUN_RATE_DEFAULT 60u           /**< writes a minute per user per run */
#define PT_HTTP_RUN_RATE_MAX 1000000u          /**< the most that may be set */

/** How to run the server. Zeroed fields take the defaults named. */
struct pt_http_config {
	const char *db_path;    /**< the registry (must exist and be initialised) */
	const char *bind;       /**< address to listen on; NULL = "127.0.0.1" (IPv4 or IPv6 text) */
	unsigned port;          /**< 0 = a free port chosen by the kernel (pt_http_port tells it) */
	unsigned threads;       /**< worker threads (one database connection each); 0 = CPUs, 2-64 */
	size_t upload_max;      /**< CSV upload limit in bytes; 0 = PT_HTTP_UPLOAD_DEFAULT */
	const char *vendor_dir; /**< Debian's JavaScript packages; NULL = "/usr/share/javascript" */
	unsigned shutdown_timeout_ms; /**< longest wait for in-flight requests at stop; 0 = 30000 */
	/* busy registry: */
	unsigned busy_wait_ms;  /**< how long a write waits for another one before the 503
				 *   (ms, 1-PT_BUSY_WAIT_MAX_MS); 0 = PT_BUSY_WAIT_MS */
	/* Resource limits and the TLS proxy (issue 10); zeroed fields take the defaults above. */
	size_t body_budget;       /**< bytes of request bodies held at once across all connections (0: 64 MiB or 4 x upload_max, the larger) */
	unsigned connections_max; /**< open connections */
	unsigned per_address_max; /**< open connections per client address (behind the proxy: requests) */
	unsigned idle_timeout_s;  /**< a connection idle this long is closed */
	unsigned body_min_rate;   /**< bytes/s a request body must keep up, over 5 s windows */
	const char *proxy;        /**< the trusted proxy's address (NULL: none) */
	const char *proxy_header; /**< the header it names the client in; NULL = "X-Forwarded-For" */
	int behind_tls;           /**< nonzero: clients reach the server over TLS (cookies get Secure) */
	/* plan cache (issue 10): */
	/** MiB of built plan models kept between requests; 0 = PT_HTTP_PLAN_CACHE_MB_DEFAULT, PT_HTTP_PLAN_CACHE_OFF = none. */
	unsigned plan_cache_mb;
	/* The compute pool (issue 10): costly requests run apart from the worker threads. */
	unsigned compute_threads; /**< compute threads (one database connection each); 0 = CPUs, 1-64 */
	unsigned compute_queue;   /**< computations that may wait for a thread; 0 = 16, 1-4096 */
	/* issue 13: the public alert paths */
	unsigned public_rate;     /**< requests a minute per client address on /alerts.atom and /alerts/ID.cap; 0 = PT_HTTP_PUBLIC_RATE_DEFAULT */
	unsigned run_rate;        /**< writes a minute per user per exercise run (attack review 4); 0 = PT_HTTP_RUN_RATE_DEFAULT */
	unsigned run_refusals;    /**< refused requests on runs a minute per user (attack review 6, round 2); 0 = PT_HTTP_RUN_REFUSALS */
};

#define PT_HTTP_PLAN_CACHE_MB_DEFAULT 256u /**< serve --plan-cache-mb's default */
#define PT_HTTP_PLAN_CACHE_MB_MAX 65536u   /**< its largest value */
#define PT_HTTP_PLAN_CACHE_OFF 0xffffffffu /**< plan_cache_mb: keep no built plan model */

struct pt_http_server;

/**
 * Open one database connection per worker thread and start listening.
 * On success *out is a running server the caller stops with
 * pt_http_stop. Errors: PT_ENOTFOUND (no database), PT_EDB, PT_EINVAL (bad
 * bind address or option, detail in d), PT_EIO (cannot listen: the
 * address is in use), PT_ENOMEM.
 */
enum pt_err pt_http_start(const struct pt_http_config *cfg, struct pt_http_server **out,
			  struct pt_diag *d);

/** The port the server listens on (the chosen one when cfg->port was 0). */
unsigned pt_http_port(const struct pt_http_server *s);

/** Nonzero when bind is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x.y.z). */
int pt_http_bind_is_loopback(const char *bind);

/** The number of worker threads the server runs. */
unsigned pt_http_threads(const struct pt_http_server *s);

/** The number of compute threads the server runs (costly requests). */
unsigned pt_http_compute_threads(const struct pt_http_server *s);

/**
 * Graceful stop: stop accepting connections, answer requests that arrive
 * on open connections with 503, cancel the computations of the compute
 * pool (their requests answered 503), let the other requests in flight
 * finish (their responses sent whole, up to cfg->shutdown_timeout_ms),
 * then stop the threads, close the database connections and free s. *cut
 * (may be NULL) counts requests still in flight at the timeout; when a
 * computation is still running then, the server is left to the process's
 * exit (not freed). NULL does nothing.
 */
void pt_http_stop(struct pt_http_server *s, long *cut);

#endif
