/* pt_http_live.c - issue 15: exercise runs live. The ticker (a thread advancing
 * every running run's clock each second and queuing the simulation reruns on the
 * compute pool) and the Server-Sent Events streams of GET /api/v1/runs/ID/events,
 * which hold no thread while they wait: their connections are suspended until a
 * change, a heartbeat, the client's going or the server's stop resumes them. */
#define _GNU_SOURCE /* POLLRDHUP */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/pt_app_exercise_runs.h"
#include "pt_http_api.h"

#define STREAM_READ_CHUNK 4096 /* the block size MHD asks the reader for */
#define FETCH_MAX 200          /* events read at once for a stream (then the next ones) */
#define STREAM_BUF_MAX (8UL << 20) /* bytes one stream holds to send (200 events at their
				      largest are far less): past it the stream ends */

/* One event stream: a response of MHD_create_response_from_callback. */
struct stream {
	struct pt_live *live;
	struct stream *prev, *next;    /* in live->streams (lock) */
	struct MHD_Connection *conn;
	int fd;                        /* the client's socket, polled while suspended */
	long long run_id, user_id;
	struct pt_caller caller;       /* who reads (its principal, its name) */
	char token[128];               /* its session, checked at each heartbeat */
	char roles[PT_EX_MAX_ROLES][PT_EX_ID_MAX]; /* the run's role ids, for an event's audience */
	size_t n_roles;
	long long last_id;             /* the newest event sent */
	char *buf;                     /* bytes to send: buf[off, len) */
	size_t off, len, cap;
	int end;                       /* end once buf is sent (ENDEX sent, session ended) */
	/* under live->lock: */
	int suspended;                 /* its connection is suspended (resumed under the lock only) */
	int dirty;                     /* new events may be stored */
	int hb_due;                    /* a heartbeat is due */
	int gone;                      /* the client has closed its side */
	long long next_hb_ms;          /* monotonic: when the next heartbeat is due */
};

/* A SIM_DUE event waiting for the compute pool. */
struct sim_due {
	long long run_id, event;
};

struct pt_live {
	struct pt_http_server *srv;
	struct pt_db *db;              /* the ticker's own connection */
	pthread_mutex_t lock;          /* guards everything below */
	pthread_cond_t wake;
	struct stream *streams;
	size_t n_streams;
	int stopping, kicked, started;
	pthread_t tid;
	struct sim_due sims[PT_LIVE_SIM_PENDING_MAX];
	size_t n_sims;
	long long heartbeat_ms;
};

static long long mono_ms(void)
{
	return pt_http_now_ms();
}

/* ---- waking streams ---- */

/* Resume st's connection if it is suspended (lock held). */
static void resume(struct stream *st)
{
	if (st->suspended) {
		st->suspended = 0;
		MHD_resume_connection(st->conn);
	}
}

void pt_live_wake(struct pt_live *l, long long run_id)
{
	struct stream *st;
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	for (st = l->streams; st; st = st->next)
		if (st->run_id == run_id) {
			st->dirty = 1;
			resume(st);
		}
	pthread_mutex_unlock(&l->lock);
}

/* Queue a SIM_DUE for the ticker (lock held). */
static void sim_queue(struct pt_live *l, long long run_id, long long event)
{
	size_t i;
	for (i = 0; i < l->n_sims; i++)
		if (l->sims[i].event == event)
			return;
	if (l->n_sims >= PT_LIVE_SIM_PENDING_MAX) {
		fprintf(stderr, "protect serve: run %lld: simulation rerun %lld dropped (%d waiting)\n",
			run_id, event, PT_LIVE_SIM_PENDING_MAX);
		return;
	}
	l->sims[l->n_sims].run_id = run_id;
	l->sims[l->n_sims++].event = event;
}

void pt_live_changed(struct pt_live *l, const struct pt_app_run_done *done)
{
	size_t i;
	if (!l || !done || done->run_id <= 0)
		return;
	pt_live_wake(l, done->run_id);
	if (!done->n_sim_due)
		return;
	pthread_mutex_lock(&l->lock);
	for (i = 0; i < done->n_sim_due && i < PT_APP_RUN_SIM_DUE_MAX; i++)
		sim_queue(l, done->run_id, done->sim_due[i]);
	l->kicked = 1; /* the ticker prepares them now */
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
}

/* ---- the simulation reruns: prepared by the ticker, computed on the pool, stored there ---- */

struct sim_task {
	struct pt_live *live;
	struct pt_app_run_sim_job *job;
};

static void sim_task_run(void *ctx, int cancelled)
{
	struct sim_task *t = ctx;
	struct pt_http_server *s = t->live->srv;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_app_run_done done;
	struct pt_caller c;
	struct pt_db *db;
	enum pt_err err;
	if (!cancelled && (err = pt_app_run_sim_compute(t->job, 1, &d)) == PT_OK) {
		pt_caller_system(&c);
		c.now = pt_http_now_wall();
		memset(&done, 0, sizeof done);
		db = pt_dbpool_get(&s->pool);
		err = pt_app_run_sim_store(&c, db, t->job, &done, &d);
		pt_dbpool_put(&s->pool, db);
		if (err == PT_OK)
			pt_live_wake(t->live, t->job->run_id);
		else if (err != PT_ECONFLICT) /* stored already: another server's, nothing lost */
			fprintf(stderr, "protect serve: run %lld: simulation rerun not stored: %s\n",
				t->job->run_id, pt_err_name(err));
	} else if (!cancelled) {
		fprintf(stderr, "protect serve: run %lld: simulation rerun failed: %s\n",
			t->job->run_id, pt_err_name(err));
	}
	pt_app_run_sim_free(t->job);
	free(t);
}

/* Prepare the queued SIM_DUEs and hand them to the compute pool (the ticker's thread). */
static void sims_submit(struct pt_live *l)
{
	struct sim_due todo[PT_LIVE_SIM_PENDING_MAX];
	size_t n, i, kept = 0;
	pthread_mutex_lock(&l->lock);
	n = l->n_sims;
	memcpy(todo, l->sims, n * sizeof *todo);
	l->n_sims = 0;
	pthread_mutex_unlock(&l->lock);
	for (i = 0; i < n; i++) {
		struct pt_diag d = PT_DIAG_INIT;
		struct pt_app_run_sim_job *job = NULL;
		struct sim_task *t;
		enum pt_err err = pt_app_run_sim_prepare(l->db, todo[i].run_id, todo[i].event, &job, &d);
		if (err == PT_EBUSY) { /* try again at the next tick */
			todo[kept++] = todo[i];
			continue;
		}
		if (err != PT_OK) { /* stored already, no simulation: nothing to do */
			if (err != PT_ECONFLICT && err != PT_EINVAL)
				fprintf(stderr, "protect serve: run %lld: simulation rerun %lld: %s\n",
					todo[i].run_id, todo[i].event, pt_err_name(err));
			continue;
		}
		if (!(t = calloc(1, sizeof *t))) {
			pt_app_run_sim_free(job);
			todo[kept++] = todo[i];
			continue;
		}
		t->live = l;
		t->job = job;
		if (pt_work_submit_fn(l->srv->work, sim_task_run, t) != 0) {
			/* the queue is full (or the pool stopping): prepared again at the next tick */
			pt_app_run_sim_free(job);
			free(t);
			todo[kept++] = todo[i];
		}
	}
	if (kept) {
		pthread_mutex_lock(&l->lock);
		for (i = 0; i < kept; i++)
			sim_queue(l, todo[i].run_id, todo[i].event);
		pthread_mutex_unlock(&l->lock);
	}
}

/* ---- the ticker ---- */

/* Nonzero when the client of fd has closed its side (a suspended connection is not watched). */
static int client_gone(int fd)
{
	struct pollfd p;
	int n;
	if (fd < 0)
		return 0;
	p.fd = fd;
	p.events = POLLRDHUP;
	p.revents = 0;
	n = poll(&p, 1, 0);
	return (n > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))) ||
	       (n < 0 && errno != EINTR && errno != ENOMEM);
}

/* Heartbeats due and clients gone: resume those streams (lock held). */
static void streams_check(struct pt_live *l)
{
	long long now = mono_ms();
	struct stream *st;
	for (st = l->streams; st; st = st->next) {
		if (!st->suspended)
			continue;
		if (client_gone(st->fd)) {
			st->gone = 1;
			resume(st);
		} else if (now >= st->next_hb_ms) {
			st->hb_due = 1;
			resume(st);
		}
	}
}

static void tick(struct pt_live *l)
{
	struct pt_app_run_ticks *t = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	size_t i;
	pt_caller_system(&c);
	c.now = pt_http_now_wall();
	/* A run whose tick failed (a busy registry) is caught up at the next one. */
	if (pt_app_run_tick_all(&c, l->db, &t, &d) == PT_OK && t)
		for (i = 0; i < t->n; i++)
			pt_live_changed(l, &t->runs[i]);
	pt_app_run_ticks_free(t);
}

/*
 * At the start: the SIM_DUEs of the runs not ended whose figures a stopped server did not
 * store (pt_app_run_sim_prepare refuses those stored already), queued again.
 */
static void sims_recover(struct pt_live *l)
{
	struct pt_app_run_list *runs = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	size_t i, j;
	pt_caller_system(&c);
	c.now = pt_http_now_wall();
	if (pt_app_run_list(&c, l->db, &runs, &d) != PT_OK)
		return;
	for (i = 0; i < runs->n; i++) {
		long long after = 0;
		if (runs->items[i].ended)
			continue;
		for (;;) {
			struct pt_app_run_events *ev = NULL;
			if (pt_app_run_events(&c, l->db, runs->items[i].id, after, 0, &ev, &d) != PT_OK)
				break;
			pthread_mutex_lock(&l->lock);
			for (j = 0; j < ev->n; j++)
				if (strcmp(ev->items[j].kind, "sim_due") == 0)
					sim_queue(l, runs->items[i].id, ev->items[j].id);
			j = l->n_sims >= PT_LIVE_SIM_PENDING_MAX / 2;
			pthread_mutex_unlock(&l->lock);
			if (j) /* those stored already are refused at once: make room */
				sims_submit(l);
			if (ev->n)
				after = ev->items[ev->n - 1].id;
			j = ev->more && ev->n;
			pt_app_run_events_free(ev);
			if (!j)
				break;
		}
	}
	pt_app_run_list_free(runs);
}

static void *ticker(void *arg)
{
	struct pt_live *l = arg;
	long long next = mono_ms();
	sims_recover(l);
	pthread_mutex_lock(&l->lock);
	while (!l->stopping) {
		long long now = mono_ms();
		int due = now >= next;
		pthread_mutex_unlock(&l->lock);
		if (due) {
			tick(l);
			next = now + PT_LIVE_TICK_MS;
		}
		sims_submit(l);
		pthread_mutex_lock(&l->lock);
		streams_check(l);
		if (!l->stopping && !l->kicked) {
			struct timespec until;
			long long wait = next - mono_ms();
			if (wait < 1)
				wait = 1;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += (time_t)(wait / 1000);
			until.tv_nsec += (long)(wait % 1000) * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&l->wake, &l->lock, &until);
		}
		l->kicked = 0;
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

struct pt_live *pt_live_new(struct pt_http_server *s, struct pt_db *db)
{
	struct pt_live *l = calloc(1, sizeof *l);
	long long idle_ms;
	if (!l)
		return NULL;
	l->srv = s;
	l->db = db;
	/* Heartbeats well inside the idle timeout (a quiet stream must not be closed as idle). */
	idle_ms = (long long)s->cfg.idle_timeout_s * 1000;
	l->heartbeat_ms = PT_LIVE_HEARTBEAT_MS;
	if (idle_ms > 0 && idle_ms / 2 < l->heartbeat_ms)
		l->heartbeat_ms = idle_ms / 2 > 500 ? idle_ms / 2 : 500;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->wake, NULL);
	if (pthread_create(&l->tid, NULL, ticker, l) != 0) {
		pthread_mutex_destroy(&l->lock);
		pthread_cond_destroy(&l->wake);
		free(l);
		return NULL;
	}
	l->started = 1;
	return l;
}

void pt_live_stop(struct pt_live *l)
{
	struct stream *st;
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	l->stopping = 1;
	for (st = l->streams; st; st = st->next)
		resume(st); /* its reader sees stopping and ends the stream */
	pthread_cond_broadcast(&l->wake);
	pthread_mutex_unlock(&l->lock);
	if (l->started) {
		pthread_join(l->tid, NULL);
		l->started = 0;
	}
}

void pt_live_free(struct pt_live *l)
{
	if (!l)
		return;
	pt_live_stop(l);
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->wake);
	free(l);
}

/* ---- one stream ---- */

/* Append text[0, n) to st's bytes to send. 0, or nonzero when out of memory. */
static int put(struct stream *st, const char *text, size_t n)
{
	if (st->len + n > STREAM_BUF_MAX)
		return 1;
	if (st->len + n > st->cap) {
		size_t cap = st->cap ? st->cap : 4096;
		char *nb;
		while (cap < st->len + n)
			cap *= 2;
		if (!(nb = realloc(st->buf, cap)))
			return 1;
		st->buf = nb;
		st->cap = cap;
	}
	memcpy(st->buf + st->len, text, n);
	st->len += n;
	return 0;
}

static int puts_(struct stream *st, const char *text)
{
	return put(st, text, strlen(text));
}

/* A number as JSON: a whole one as an integer, else a real. */
static json_t *num(double x)
{
	if (x == (double)(long long)x && x > -9007199254740992.0 && x < 9007199254740992.0)
		return json_integer((json_int_t)x);
	return json_real(x);
}

/* An event as the data: line's JSON (docs/api.md, "The live stream"). */
static json_t *event_json(const struct stream *st, const struct pt_app_run_event *e)
{
	json_t *o = json_object(), *roles = json_array(), *detail = NULL;
	size_t i;
	if (!o || !roles) {
		json_decref(o);
		json_decref(roles);
		return NULL;
	}
	if (e->audience == PT_RUN_TO_ROLES)
		for (i = 0; i < st->n_roles && i < 32; i++)
			if (e->roles & (1UL << i))
				json_array_append_new(roles, json_string(st->roles[i]));
	if (e->detail && e->detail[0]) {
		json_error_t err;
		detail = json_loads(e->detail, JSON_DECODE_ANY, &err);
		if (!detail)
			detail = json_string(e->detail);
	}
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "run", json_integer(e->run_id));
	json_object_set_new(o, "kind", json_string(e->kind));
	json_object_set_new(o, "t_min", num(e->t_min));
	json_object_set_new(o, "at_ms", json_integer((json_int_t)e->at_ms));
	json_object_set_new(o, "seq", e->seq ? json_integer(e->seq) : json_null());
	json_object_set_new(o, "made", e->made >= 0 ? json_integer(e->made) : json_null());
	json_object_set_new(o, "value", strcmp(e->kind, "speed") == 0 || strcmp(e->kind, "shift") == 0
						? num(e->value)
						: json_null());
	json_object_set_new(o, "audience", json_string(pt_run_audience_name(e->audience)));
	json_object_set_new(o, "roles", roles);
	json_object_set_new(o, "type", json_string(e->type));
	json_object_set_new(o, "from", json_string(e->from));
	json_object_set_new(o, "text", json_string(e->text ? e->text : ""));
	json_object_set_new(o, "detail", detail ? detail : json_null());
	return o;
}

/* Read the events after st->last_id into st's bytes. 0, or nonzero: end the stream. */
static int fetch(struct stream *st, struct pt_db *db, int *more)
{
	struct pt_app_run_events *ev = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	size_t i;
	*more = 0;
	st->caller.now = pt_http_now_wall();
	err = pt_app_run_events(&st->caller, db, st->run_id, st->last_id, FETCH_MAX, &ev, &d);
	if (err == PT_EBUSY) {
		*more = 1; /* the registry is busy: read again at the next wake */
		return 0;
	}
	if (err != PT_OK)
		return 1; /* the run is no longer the caller's to see (unassigned), or an error */
	for (i = 0; i < ev->n; i++) {
		const struct pt_app_run_event *e = &ev->items[i];
		json_t *o = event_json(st, e);
		char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
		char head[128];
		json_decref(o);
		if (!text) {
			pt_app_run_events_free(ev);
			return 1;
		}
		snprintf(head, sizeof head, "id: %lld\nevent: %s\ndata: ", e->id, e->kind);
		if (puts_(st, head) || puts_(st, text) || puts_(st, "\n\n")) {
			free(text);
			pt_app_run_events_free(ev);
			return 1;
		}
		free(text);
		st->last_id = e->id;
		if (strcmp(e->kind, "endex") == 0)
			st->end = 1; /* the run is over: nothing more comes */
	}
	*more = ev->more;
	pt_app_run_events_free(ev);
	return 0;
}

/* MHD's reader: the bytes ready, else suspend until a wake (returns 0), or the end. */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct stream *st = cls;
	struct pt_live *l = st->live;
	(void)pos;
	for (;;) {
		int dirty, hb, more = 0;
		if (st->off < st->len) {
			size_t n = st->len - st->off;
			if (n > max)
				n = max;
			memcpy(out, st->buf + st->off, n);
			st->off += n;
			pthread_mutex_lock(&l->lock);
			st->next_hb_ms = mono_ms() + l->heartbeat_ms;
			pthread_mutex_unlock(&l->lock);
			return (ssize_t)n;
		}
		st->off = st->len = 0;
		if (st->end)
			return MHD_CONTENT_READER_END_OF_STREAM;
		pthread_mutex_lock(&l->lock);
		if (st->gone) {
			pthread_mutex_unlock(&l->lock);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		if (l->stopping) {
			pthread_mutex_unlock(&l->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		dirty = st->dirty;
		hb = st->hb_due;
		st->dirty = st->hb_due = 0;
		if (!dirty && !hb) {
			/* Suspended under the lock, so the wake that follows always finds it so. */
			st->suspended = 1;
			MHD_suspend_connection(st->conn);
			pthread_mutex_unlock(&l->lock);
			return 0;
		}
		pthread_mutex_unlock(&l->lock);
		if (dirty || hb) {
			struct pt_db *db = pt_dbpool_get(&l->srv->pool);
			int stop = 0;
			if (hb && pt_api_session_open(db, st->token, pt_http_now_wall()) == 0) {
				st->end = 1; /* logged out or expired: the stream ends */
				puts_(st, ": the session has ended\n\n");
			} else {
				stop = fetch(st, db, &more);
			}
			pt_dbpool_put(&l->srv->pool, db);
			if (stop)
				return MHD_CONTENT_READER_END_WITH_ERROR;
			if (more) {
				pthread_mutex_lock(&l->lock);
				st->dirty = 1;
				pthread_mutex_unlock(&l->lock);
			}
			if (hb && st->len == 0 && puts_(st, ": heartbeat\n\n"))
				return MHD_CONTENT_READER_END_WITH_ERROR;
		}
	}
}

/* MHD frees the response: the stream leaves the table. */
static void stream_free(void *cls)
{
	struct stream *st = cls;
	struct pt_live *l = st->live;
	pthread_mutex_lock(&l->lock);
	if (st->prev)
		st->prev->next = st->next;
	else if (l->streams == st)
		l->streams = st->next;
	if (st->next)
		st->next->prev = st->prev;
	l->n_streams--;
	pthread_mutex_unlock(&l->lock);
	free(st->buf);
	free(st);
}

/* The Last-Event-ID header, else the last_event_id parameter, else 0. 0, or 1 after a 400. */
static int start_after_or_reply(struct pt_req *r, long long *after)
{
	const char *h = pt_req_header(r, "Last-Event-ID");
	const struct pt_qval *q = pt_req_query(r, "last_event_id");
	unsigned long long n;
	*after = 0;
	if (h) {
		if (!pt_parse_uint_strict(h, 0, (1ULL << 53) - 1, &n)) {
			pt_reply_error(r, 400, "Last-Event-ID", 0,
				       "Last-Event-ID: must be a whole number (an event id)");
			return 1;
		}
		*after = (long long)n;
	} else if (q && q->set) {
		*after = (long long)q->num;
	}
	return 0;
}

void pt_h_run_events(struct pt_req *r)
{
	struct pt_live *l = r->srv->live;
	struct pt_app_run_events *ev = NULL;
	struct pt_app_run *run = NULL;
	struct pt_app_run_done done;
	struct pt_diag d = PT_DIAG_INIT;
	struct MHD_Response *resp;
	const union MHD_ConnectionInfo *ci;
	struct stream *st, *o;
	struct pt_caller c;
	unsigned long long id;
	long long after;
	size_t mine = 0, i;
	enum pt_err err;
	char retry[64];

	if (!pt_parse_uint_strict(r->param[0], 1, (1ULL << 53) - 1, &id)) {
		pt_reply_not_found(r);
		return;
	}
	if (start_after_or_reply(r, &after))
		return;
	pt_api_caller(r, &c);
	/* The read of the run: who may see it, its roles (audited as run.read from AMBER). */
	if ((err = pt_app_run_get(&c, r->db, (long long)id, &run, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d); /* 404 for a run the caller may not see */
		return;
	}
	/* Advance it to now, so a stream opened on a run whose time has come starts from there. */
	memset(&done, 0, sizeof done);
	if (pt_app_run_tick(&c, r->db, (long long)id, &done, &d) == PT_OK && done.n_events)
		pt_live_changed(l, &done);
	/* An ended run with nothing left to send: 204 (EventSource stops reconnecting). */
	if (run->s.ended || done.state == PT_EX_CLOCK_ENDED) {
		c.now = pt_http_now_wall();
		err = pt_app_run_events(&c, r->db, (long long)id, after, 1, &ev, &d);
		if (err == PT_OK && ev->n == 0) {
			pt_app_run_events_free(ev);
			pt_app_run_free(run);
			pt_reply_empty(r, 204);
			return;
		}
		pt_app_run_events_free(ev);
	}
	if (!(st = calloc(1, sizeof *st))) {
		pt_app_run_free(run);
		pt_reply_json(r, 500, NULL);
		return;
	}
	st->live = l;
	st->conn = r->conn;
	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	st->fd = ci ? ci->connect_fd : -1;
	st->run_id = (long long)id;
	st->user_id = c.who.user_id;
	st->caller = c;
	st->caller.read_sink = NULL; /* the events are not audited (the run's read was) */
	st->caller.audit_reads = 0;
	pt_strlcpy(st->token, pt_api_session_token(r) ? pt_api_session_token(r) : "",
		   sizeof st->token);
	for (i = 0; run->sc && i < run->sc->n_roles && i < PT_EX_MAX_ROLES; i++)
		pt_strlcpy(st->roles[i], run->sc->roles[i].id, sizeof st->roles[i]);
	st->n_roles = i;
	st->last_id = after;
	st->dirty = 1;
	pt_app_run_free(run);
	snprintf(retry, sizeof retry, "retry: %d\n: run %llu\n\n", PT_LIVE_RETRY_MS, id);
	if (puts_(st, retry)) {
		free(st);
		pt_reply_json(r, 500, NULL);
		return;
	}
	/* The limits, and the stream into the table, in one step. */
	pthread_mutex_lock(&l->lock);
	for (o = l->streams; o; o = o->next)
		if (o->user_id == st->user_id)
			mine++;
	if (l->stopping || l->n_streams >= PT_LIVE_STREAMS_MAX || mine >= PT_LIVE_STREAMS_PER_USER) {
		int stopping = l->stopping;
		size_t total = l->n_streams;
		pthread_mutex_unlock(&l->lock);
		free(st->buf);
		free(st);
		snprintf(retry, sizeof retry, "%d", PT_LIVE_RETRY_AFTER_S);
		if (stopping) {
			pt_reply_error(r, 503, NULL, 0, "the server is shutting down");
			r->cause = "shutting down";
		} else if (total >= PT_LIVE_STREAMS_MAX) {
			pt_reply_error(r, 429, NULL, 0,
				       "the server holds %d event streams already, the most it keeps",
				       PT_LIVE_STREAMS_MAX);
		} else {
			pt_reply_error(r, 429, NULL, 0,
				       "you have %d event streams open already, the most one user may "
				       "have; close one",
				       PT_LIVE_STREAMS_PER_USER);
		}
		pt_reply_header(r, "Retry-After", retry);
		return;
	}
	st->next_hb_ms = mono_ms() + l->heartbeat_ms;
	st->next = l->streams;
	if (l->streams)
		l->streams->prev = st;
	l->streams = st;
	l->n_streams++;
	pthread_mutex_unlock(&l->lock);
	/* From here on st is the response's: stream_free takes it out of the table. */
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_READ_CHUNK, stream_read, st,
						 stream_free);
	if (!resp) {
		stream_free(st);
		pt_reply_json(r, 500, NULL);
		return;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no"); /* a proxy passes each event on */
	if (r->raw)
		MHD_destroy_response(r->raw);
	json_decref(r->reply);
	r->reply = NULL;
	r->raw = resp;
	r->status = 200;
	r->cause = NULL;
}
