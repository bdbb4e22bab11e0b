/* pt_http_work.c - work done apart from the request threads while connections wait suspended:
 * the compute pool (rankings, plans; queue, sharing, cancel) and the audit's group commit. */
#define _GNU_SOURCE /* POLLRDHUP */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pt_http_api.h"

#define CHECK_EVERY_MS 100 /* how often a running job looks whether its clients are still there */

/* One computation and the requests waiting for it (the first one runs it). */
struct pt_job {
	struct pt_job *next;    /* in the queue or the running list */
	char *key;              /* coalescing key (owned), NULL: never shared */
	int heavy;
	long long user_id;      /* whose computation it is (its first waiter's), for the per-user cap */
	struct pt_req **waiters; /* waiters[0] runs the handler; the others run theirs again after */
	int *fds;               /* each waiter's socket, -1 once seen closed */
	size_t n_waiters, cap;
	atomic_int cancel;      /* CANCEL_* */
	atomic_llong next_check_ms;
	/* issue 15: a job of no request (pt_work_submit_fn): fn runs instead of a handler */
	void (*fn)(void *ctx, int cancelled);
	void *fn_ctx;
};

enum { CANCEL_NONE = 0, CANCEL_GONE = 1, CANCEL_STOP = 2 };

struct pt_work {
	struct pt_http_server *srv;
	pthread_mutex_t lock;    /* guards everything below */
	pthread_cond_t wake;
	struct pt_job *queue;    /* waiting to run, oldest first */
	struct pt_job *running;
	size_t queued, queue_max;
	unsigned threads, heavy_running, started;
	int stopping;
	unsigned long long cancelled; /* computations stopped because their clients went away */
	pthread_t *tids;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The most heavy jobs running at once: one thread stays for the light ones. */
static unsigned heavy_max(const struct pt_work *w)
{
	return w->threads > 1 ? w->threads - 1 : 1;
}

/* The oldest queued job a thread may take now (lock held), unlinked; NULL if none. */
static struct pt_job *take(struct pt_work *w)
{
	struct pt_job **p;
	for (p = &w->queue; *p; p = &(*p)->next) {
		struct pt_job *j = *p;
		if (j->heavy && w->heavy_running >= heavy_max(w) && !w->stopping)
			continue;
		*p = j->next;
		j->next = NULL;
		w->queued--;
		return j;
	}
	return NULL;
}

static void unlink_running(struct pt_work *w, struct pt_job *j)
{
	struct pt_job **p;
	for (p = &w->running; *p; p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			break;
		}
	j->next = NULL;
}

/* Nonzero when every waiter's client has closed its connection (lock held). A suspended
 * connection is not watched by libmicrohttpd, so its socket is polled here: POLLRDHUP reports
 * the peer's FIN even when bytes it sent after its request are still unread (a peek would read
 * those as a live client). */
static int all_gone(struct pt_job *j)
{
	size_t i;
	int alive = 0;
	for (i = 0; i < j->n_waiters; i++) {
		struct pollfd p;
		int n;
		if (j->fds[i] < 0)
			continue;
		p.fd = j->fds[i];
		p.events = POLLRDHUP;
		p.revents = 0;
		n = poll(&p, 1, 0);
		if ((n > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))) ||
		    (n < 0 && errno != EINTR && errno != ENOMEM))
			j->fds[i] = -1;
		else
			alive = 1;
	}
	return !alive;
}

static void job_free(struct pt_job *j)
{
	if (!j)
		return;
	free(j->key);
	free(j->waiters);
	free(j->fds);
	free(j);
}

/* Add r to j's waiters (lock held). 0, or nonzero when out of memory. */
static int add_waiter(struct pt_job *j, struct pt_req *r)
{
	const union MHD_ConnectionInfo *ci;
	if (j->n_waiters == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 4;
		struct pt_req **nw = realloc(j->waiters, cap * sizeof *nw);
		int *nf;
		if (!nw)
			return 1;
		j->waiters = nw;
		if (!(nf = realloc(j->fds, cap * sizeof *nf)))
			return 1;
		j->fds = nf;
		j->cap = cap;
	}
	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	j->waiters[j->n_waiters] = r;
	j->fds[j->n_waiters] = ci ? ci->connect_fd : -1;
	j->n_waiters++;
	r->job = j;
	return 0;
}

/* Replace whatever r's handler answered with 503: the server is stopping. */
static void reply_stopping(struct pt_req *r)
{
	if (r->raw) {
		MHD_destroy_response(r->raw);
		r->raw = NULL;
	}
	pt_reply_error(r, 503, NULL, 0, "the server is shutting down");
	pt_reply_header(r, "Retry-After", "5");
	r->cause = "shutting down";
}

/* Answer j's waiters (503, nobody reads it: their clients are gone) and resume them. */
static void abandon(struct pt_job *j)
{
	size_t i;
	fprintf(stderr, "protect serve: %s %s: computation stopped, its client went away\n",
		j->waiters[0]->method, j->waiters[0]->route->pattern);
	for (i = 0; i < j->n_waiters; i++) {
		struct pt_req *r = j->waiters[i];
		struct MHD_Connection *conn = r->conn;
		reply_stopping(r);
		r->job = NULL;
		r->work = PT_WORK_DONE;
		r->rerun = 0;
		MHD_resume_connection(conn);
	}
	job_free(j);
}

/* Drop the queued jobs whose clients have all gone (lock held), making room in the queue. */
static void drop_abandoned(struct pt_work *w)
{
	struct pt_job **p = &w->queue;
	while (*p) {
		struct pt_job *j = *p;
		if (j->fn || atomic_load(&j->cancel) || !all_gone(j)) { /* issue 15: fn has no client */
			p = &j->next;
			continue;
		}
		*p = j->next;
		w->queued--;
		w->cancelled++;
		abandon(j);
	}
}

/* The computations of user queued or running, not cancelled (lock held). */
static unsigned user_jobs(const struct pt_work *w, long long user_id)
{
	const struct pt_job *lists[2] = {w->queue, w->running}, *j;
	unsigned n = 0;
	size_t l;
	for (l = 0; l < 2; l++)
		for (j = lists[l]; j; j = j->next)
			if (j->user_id == user_id && !atomic_load(&j->cancel))
				n++;
	return n;
}

/* Run j's first waiter's handler on this thread, with a database connection of its own. */
static void run_job(struct pt_work *w, struct pt_job *j)
{
	struct pt_req *r;
	if (j->fn) { /* issue 15: no request, no client to watch */
		j->fn(j->fn_ctx, atomic_load(&j->cancel) != CANCEL_NONE);
		return;
	}
	r = j->waiters[0];
	pthread_mutex_lock(&w->lock);
	if (!atomic_load(&j->cancel) && all_gone(j))
		atomic_store(&j->cancel, CANCEL_GONE);
	pthread_mutex_unlock(&w->lock);
	if (!atomic_load(&j->cancel)) {
		r->db = pt_dbpool_get(&w->srv->pool);
		pt_api_prepare_db(r);
		r->in_pool = 1;
		r->route->handler(r);
		r->in_pool = 0;
		pt_dbpool_put(&w->srv->pool, r->db);
		r->db = NULL;
	}
	switch (atomic_load(&j->cancel)) {
	case CANCEL_STOP:
		reply_stopping(r);
		break;
	case CANCEL_GONE:
		pthread_mutex_lock(&w->lock);
		w->cancelled++;
		pthread_mutex_unlock(&w->lock);
		fprintf(stderr, "protect serve: %s %s: computation stopped, its client went away\n",
			r->method, r->route->pattern);
		reply_stopping(r); /* nobody reads it */
		break;
	default:
		break;
	}
}

static void *worker(void *arg)
{
	struct pt_work *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct pt_job *j;
		size_t i;
		while (!(j = take(w)) && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		if (!j)
			break; /* stopping with nothing queued */
		j->next = w->running;
		w->running = j;
		if (j->heavy)
			w->heavy_running++;
		pthread_mutex_unlock(&w->lock);
		run_job(w, j);
		pthread_mutex_lock(&w->lock);
		unlink_running(w, j);
		if (j->heavy)
			w->heavy_running--;
		pthread_cond_broadcast(&w->wake);
		pthread_mutex_unlock(&w->lock);
		/* Unlinked: no one joins j now. Each waiter is told, then resumed, after which
		 * its request may complete and be freed at any time. The others run their
		 * handlers again and find the result kept; after a cancel there is none, and
		 * they are answered as the first one was. */
		for (i = 0; i < j->n_waiters; i++) {
			struct pt_req *r = j->waiters[i];
			struct MHD_Connection *conn = r->conn;
			int cancelled = atomic_load(&j->cancel) != CANCEL_NONE;
			if (i > 0 && cancelled)
				reply_stopping(r);
			r->job = NULL;
			r->work = PT_WORK_DONE;
			r->rerun = i > 0 && !cancelled;
			MHD_resume_connection(conn);
		}
		job_free(j);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct pt_work *pt_work_new(struct pt_http_server *srv, unsigned threads, size_t queue_max)
{
	struct pt_work *w = calloc(1, sizeof *w);
	unsigned i;
	if (!w)
		return NULL;
	w->srv = srv;
	w->threads = threads ? threads : 1;
	w->queue_max = queue_max;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (!(w->tids = calloc(w->threads, sizeof *w->tids))) {
		pt_work_free(w);
		return NULL;
	}
	for (i = 0; i < w->threads; i++) {
		if (pthread_create(&w->tids[i], NULL, worker, w) != 0)
			break;
		w->started++;
	}
	if (!w->started) {
		pt_work_free(w);
		return NULL;
	}
	return w;
}

void pt_work_shutdown(struct pt_work *w)
{
	struct pt_job *j;
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	for (j = w->queue; j; j = j->next)
		atomic_store(&j->cancel, CANCEL_STOP);
	for (j = w->running; j; j = j->next)
		atomic_store(&j->cancel, CANCEL_STOP);
	pthread_cond_broadcast(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

int pt_work_busy(struct pt_work *w)
{
	const struct pt_job *j;
	int busy = 0;
	if (!w)
		return 0;
	pthread_mutex_lock(&w->lock);
	/* issue 15: a job of no request (a rerun) suspends no connection: pt_work_free waits for
	 * it (it stops at its cancel), so it does not keep the server from stopping */
	for (j = w->running; j && !busy; j = j->next)
		busy = !j->fn;
	for (j = w->queue; j && !busy; j = j->next)
		busy = !j->fn;
	pthread_mutex_unlock(&w->lock);
	return busy;
}

size_t pt_work_waiting(struct pt_work *w)
{
	size_t n;
	if (!w)
		return 0;
	pthread_mutex_lock(&w->lock);
	n = w->queued;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void pt_work_free(struct pt_work *w)
{
	unsigned i;
	if (!w)
		return;
	pt_work_shutdown(w);
	for (i = 0; i < w->started; i++)
		pthread_join(w->tids[i], NULL);
	free(w->tids);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w);
}

int pt_work_defer(struct pt_req *r, const char *key, int heavy)
{
	if (r->in_pool)
		return 0; /* this is the pool's run: compute */
	free(r->work_key);
	r->work_key = NULL;
	if (key && !(r->work_key = strdup(key))) {
		pt_reply_json(r, 500, NULL);
		return 1;
	}
	r->work_heavy = heavy;
	r->work = PT_WORK_DEFERRED;
	return 1;
}

int pt_work_submit(struct pt_req *r)
{
	struct pt_work *w = r->srv->work;
	struct pt_job *j = NULL;
	char *key = r->work_key;
	char retry[32];
	struct pt_caller c;
	pt_api_caller(r, &c);
	r->work_key = NULL;
	r->work = PT_WORK_NONE;
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		free(key);
		pt_reply_error(r, 503, NULL, 0, "the server is shutting down");
		pt_reply_header(r, "Retry-After", "5");
		r->cause = "shutting down";
		return 0;
	}
	if (key) { /* the same computation asked already: wait for its result */
		struct pt_job *lists[2] = {w->queue, w->running};
		size_t l;
		for (l = 0; l < 2 && !j; l++)
			for (j = lists[l]; j; j = j->next)
				if (j->key && !atomic_load(&j->cancel) && strcmp(j->key, key) == 0)
					break;
		if (j) {
			free(key);
			if (add_waiter(j, r) != 0) {
				pthread_mutex_unlock(&w->lock);
				pt_reply_json(r, 500, NULL);
				return 0;
			}
			r->work = PT_WORK_WAITING;
			MHD_suspend_connection(r->conn);
			pthread_mutex_unlock(&w->lock);
			return 1;
		}
	}
	/* One user's computations at once are capped, so one caller cannot fill the queue and
	 * keep everyone else's answered 429 (joining an identical computation costs nothing). */
	drop_abandoned(w);
	if (user_jobs(w, c.who.user_id) >= PT_WORK_PER_USER_MAX) {
		pthread_mutex_unlock(&w->lock);
		free(key);
		pt_reply_error(r, 429, NULL, 0,
			       "you have %d computations in progress already, the most one user may "
			       "have; wait for one to finish",
			       PT_WORK_PER_USER_MAX);
		snprintf(retry, sizeof retry, "%d", PT_WORK_RETRY_AFTER_S);
		pt_reply_header(r, "Retry-After", retry);
		r->cause = "too many computations of this user";
		return 0;
	}
	if (w->queued >= w->queue_max) {
		pthread_mutex_unlock(&w->lock);
		free(key);
		pt_reply_error(r, 429, NULL, 0,
			       "the server is busy with %zu computations waiting; try again later",
			       w->queue_max);
		snprintf(retry, sizeof retry, "%d", PT_WORK_RETRY_AFTER_S);
		pt_reply_header(r, "Retry-After", retry);
		return 0;
	}
	if (!(j = calloc(1, sizeof *j)) || add_waiter(j, r)) {
		pthread_mutex_unlock(&w->lock);
		free(key);
		job_free(j);
		r->job = NULL;
		pt_reply_json(r, 500, NULL);
		return 0;
	}
	j->key = key;
	j->heavy = r->work_heavy;
	j->user_id = c.who.user_id;
	atomic_store(&j->next_check_ms, now_ms() + CHECK_EVERY_MS);
	{
		struct pt_job **p = &w->queue;
		while (*p)
			p = &(*p)->next;
		*p = j;
	}
	w->queued++;
	/* Suspended before any thread can take the job, so its resume always follows; from
	 * the unlock on, r is the compute thread's until it resumes the connection. */
	r->work = PT_WORK_WAITING;
	MHD_suspend_connection(r->conn);
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return 1;
}

int pt_work_submit_fn(struct pt_work *w, void (*fn)(void *ctx, int cancelled), void *ctx)
{
	struct pt_job *j, **p;
	pthread_mutex_lock(&w->lock);
	if (w->stopping || w->queued >= w->queue_max || !(j = calloc(1, sizeof *j))) {
		pthread_mutex_unlock(&w->lock);
		return 1;
	}
	j->fn = fn;
	j->fn_ctx = ctx;
	j->user_id = 0; /* the server's own: no user's share */
	for (p = &w->queue; *p; p = &(*p)->next)
		;
	*p = j;
	w->queued++;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

int pt_work_stop_asked(void *ctx)
{
	struct pt_req *r = ctx;
	struct pt_job *j = r->job;
	struct pt_work *w = r->srv->work;
	long long now;
	int gone;
	if (!j)
		return 0;
	if (atomic_load(&j->cancel))
		return 1;
	now = now_ms();
	if (now < atomic_load(&j->next_check_ms))
		return 0;
	atomic_store(&j->next_check_ms, now + CHECK_EVERY_MS);
	pthread_mutex_lock(&w->lock);
	gone = all_gone(j);
	if (gone)
		atomic_store(&j->cancel, CANCEL_GONE);
	pthread_mutex_unlock(&w->lock);
	return gone;
}

int pt_work_progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)done;
	(void)total;
	return pt_work_stop_asked(ctx);
}

/* ---- the group commit of audited reads (issue 10) ---- */

/*
 * A request whose handler read AMBER or above holds its reads' entries (r->reads) instead of
 * having written them; before its reply is sent it waits here, suspended, while one thread
 * writes the entries of every waiting request in one transaction (one commit, one update of
 * the key file's head), then answers them all: a read is answered only once its entry is
 * durable, and a waiting request holds no thread.
 */
struct pt_audit_batch {
	struct pt_http_server *srv;
	pthread_mutex_t lock;     /* guards the list and stopping */
	pthread_cond_t wake;
	struct pt_req *head, *tail; /* waiting, oldest first (r->batch_next) */
	int stopping, started;
	int writing;              /* a batch is being written (its requests suspended) */
	pthread_t tid;
	struct pt_db *db;         /* the batch thread's own connection */
};

/* The request's read sink (struct pt_caller's read_sink): keep the entry in order. */
static int keep_read(void *ctx, struct pt_read_entry *e)
{
	struct pt_req *r = ctx;
	struct pt_read_entry **p = &r->reads;
	while (*p)
		p = &(*p)->next;
	e->next = NULL;
	*p = e;
	return 0;
}

void pt_req_read_sink(struct pt_req *r)
{
	r->read_sink.put = keep_read;
	r->read_sink.ctx = r;
}

void pt_req_reads_free(struct pt_req *r)
{
	while (r->reads) {
		struct pt_read_entry *e = r->reads;
		r->reads = e->next;
		pt_read_entry_free(e);
	}
}

/* Write the entries of reqs[0..n) (in order) in one transaction; answer and resume each. */
static void write_batch(struct pt_audit_batch *b, struct pt_req **reqs, size_t n)
{
	struct pt_read_entry **entries = NULL, *e;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err = PT_OK;
	size_t count = 0, i, k = 0;
	for (i = 0; i < n; i++)
		for (e = reqs[i]->reads; e; e = e->next)
			count++;
	if (!(entries = malloc((count ? count : 1) * sizeof *entries)))
		err = pt_diag_set(&d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; entries && i < n; i++)
		for (e = reqs[i]->reads; e; e = e->next)
			entries[k++] = e;
	if (err == PT_OK)
		err = pt_app_reads_write(b->db, entries, count, &d);
	free(entries);
	for (i = 0; i < n; i++) {
		struct pt_req *r = reqs[i];
		struct MHD_Connection *conn = r->conn;
		pt_req_reads_free(r);
		if (err != PT_OK) { /* 503 when the registry was busy, else 500; detail to the log */
			if (r->raw) {
				MHD_destroy_response(r->raw);
				r->raw = NULL;
			}
			pt_reply_unaudited(r, err, &d);
		}
		r->work = PT_WORK_DONE;
		r->rerun = 0;
		MHD_resume_connection(conn); /* r may be gone from here on */
	}
}

static void *batch_thread(void *arg)
{
	struct pt_audit_batch *b = arg;
	struct pt_req *reqs[PT_AUDIT_BATCH_MAX];
	pthread_mutex_lock(&b->lock);
	for (;;) {
		size_t n = 0;
		while (!b->head && !b->stopping)
			pthread_cond_wait(&b->wake, &b->lock);
		if (!b->head)
			break; /* stopping, nothing waits */
		/* The batch: whatever arrived while the last one was written, at most the maximum. */
		while (b->head && n < PT_AUDIT_BATCH_MAX) {
			reqs[n++] = b->head;
			b->head = b->head->batch_next;
		}
		if (!b->head)
			b->tail = NULL;
		b->writing = 1;
		pthread_mutex_unlock(&b->lock);
		write_batch(b, reqs, n);
		pthread_mutex_lock(&b->lock);
		b->writing = 0;
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

struct pt_audit_batch *pt_audit_batch_new(struct pt_http_server *srv, struct pt_db *db)
{
	struct pt_audit_batch *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->srv = srv;
	b->db = db;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->wake, NULL);
	if (pthread_create(&b->tid, NULL, batch_thread, b) != 0) {
		pthread_mutex_destroy(&b->lock);
		pthread_cond_destroy(&b->wake);
		free(b);
		return NULL;
	}
	b->started = 1;
	return b;
}

void pt_audit_batch_free(struct pt_audit_batch *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->lock);
	b->stopping = 1;
	pthread_cond_broadcast(&b->wake);
	pthread_mutex_unlock(&b->lock);
	if (b->started)
		pthread_join(b->tid, NULL); /* writes what still waits first */
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->wake);
	free(b);
}

int pt_audit_batch_busy(struct pt_audit_batch *b)
{
	int busy;
	if (!b)
		return 0;
	pthread_mutex_lock(&b->lock);
	busy = b->head != NULL || b->writing;
	pthread_mutex_unlock(&b->lock);
	return busy;
}

int pt_audit_batch_submit(struct pt_req *r)
{
	struct pt_audit_batch *b = r->srv->batch;
	pthread_mutex_lock(&b->lock);
	r->batch_next = NULL;
	if (b->tail)
		b->tail->batch_next = r;
	else
		b->head = r;
	b->tail = r;
	r->work = PT_WORK_WAITING;
	/* Suspended before the batch thread can see r, so its resume always follows. */
	MHD_suspend_connection(r->conn);
	pthread_cond_signal(&b->wake);
	pthread_mutex_unlock(&b->lock);
	return 1;
}
