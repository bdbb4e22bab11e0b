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
#include "../app/pt_app_simulate.h"
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
	char token[128];               /* its session, checked before each send and each heartbeat */
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

/*
 * The simulation reruns (attack review 2 and 3): each run has at most one rerun waiting and one
 * computing; a newer SIM_DUE of the run supersedes the waiting one (recorded as skipped); the
 * runs' waiting reruns go to the compute pool in the order they came (one place per run, kept
 * when superseded, so no run can pass or evict another's), one rerun of all runs at a time and
 * only when no other computation waits for the pool (interactive work goes first); the end of
 * a run drops its waiting rerun and cancels its computing one.
 */
#define SIM_RUNNING_MAX 1 /* reruns on the compute pool at once, of every run together */
#define SIM_SKIPS_MAX 256 /* superseded reruns waiting to be recorded (the ticker records them) */

struct sim_task;

/* One run's reruns (in live->sim_runs, under live->lock). */
struct sim_run {
	long long run_id;
	long long waiting;             /* the SIM_DUE event waiting, 0: none */
	unsigned long long place;      /* its place in the queue (the order reruns came in) */
	long long computing;           /* the SIM_DUE event on the pool, 0: none */
	struct sim_task *task;         /* its task (cancelled through it) */
	int preparing;                 /* the ticker is reading it (outside the lock) */
	int ended;                     /* the run has ended: nothing more is queued */
};

/* A rerun not computed, to be recorded as an event sim_skip (pt_app_run_sim_skip). */
struct sim_skip {
	long long run_id, event, by; /* by: the newer SIM_DUE, 0: over the budget */
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
	struct sim_run sim_runs[PT_LIVE_SIM_PENDING_MAX];
	size_t n_sim_runs;
	unsigned long long sim_places; /* places given so far */
	unsigned sims_running;         /* reruns handed to the compute pool, not finished */
	struct sim_skip skips[SIM_SKIPS_MAX];
	size_t n_skips;
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

/* The rerun slot of run_id (lock held), or NULL. */
static struct sim_run *sim_run_find(struct pt_live *l, long long run_id)
{
	size_t i;
	for (i = 0; i < l->n_sim_runs; i++)
		if (l->sim_runs[i].run_id == run_id)
			return &l->sim_runs[i];
	return NULL;
}

/* Free r's place when nothing of it is left (lock held); an ended run's stays while room is. */
static void sim_run_tidy(struct pt_live *l, struct sim_run *r)
{
	if (r->waiting || r->computing || r->preparing || r->ended)
		return;
	*r = l->sim_runs[--l->n_sim_runs];
}

/* The slot of run_id, made when missing (lock held); NULL when every place is taken. */
static struct sim_run *sim_run_get(struct pt_live *l, long long run_id)
{
	struct sim_run *r = sim_run_find(l, run_id);
	size_t i;
	if (r)
		return r;
	if (l->n_sim_runs >= PT_LIVE_SIM_PENDING_MAX) /* reuse an ended run's place */
		for (i = 0; i < l->n_sim_runs; i++)
			if (l->sim_runs[i].ended && !l->sim_runs[i].computing &&
			    !l->sim_runs[i].preparing) {
				l->sim_runs[i] = l->sim_runs[--l->n_sim_runs];
				break;
			}
	if (l->n_sim_runs >= PT_LIVE_SIM_PENDING_MAX)
		return NULL;
	r = &l->sim_runs[l->n_sim_runs++];
	memset(r, 0, sizeof *r);
	r->run_id = run_id;
	return r;
}

/* Note event of run_id as not computed, superseded by by (lock held). */
static void sim_skip(struct pt_live *l, long long run_id, long long event, long long by)
{
	if (l->n_skips >= SIM_SKIPS_MAX) { /* never requeued: sims_recover takes the newest only */
		fprintf(stderr, "protect serve: run %lld: simulation rerun %lld superseded by %lld\n",
			run_id, event, by);
		return;
	}
	l->skips[l->n_skips].run_id = run_id;
	l->skips[l->n_skips].event = event;
	l->skips[l->n_skips++].by = by;
}

/* Queue SIM_DUE event of run_id (lock held): it replaces the run's waiting one (older). */
static void sim_queue(struct pt_live *l, long long run_id, long long event)
{
	struct sim_run *r = sim_run_get(l, run_id);
	if (!r) {
		fprintf(stderr, "protect serve: run %lld: simulation rerun %lld dropped (%d runs have "
				"reruns waiting)\n",
			run_id, event, PT_LIVE_SIM_PENDING_MAX);
		return;
	}
	if (r->ended || event == r->waiting || event == r->computing)
		return;
	if (r->waiting > event || r->computing > event) { /* an older one, come late */
		sim_skip(l, run_id, event, r->waiting > event ? r->waiting : r->computing);
		return;
	}
	if (r->waiting)
		sim_skip(l, run_id, r->waiting, event); /* keeps its place in the queue */
	else
		r->place = ++l->sim_places;
	r->waiting = event;
}

static void sim_task_cancel(struct sim_task *t);

/* Run run_id has ended (lock held): its waiting rerun is dropped, its computing one cancelled. */
static void sim_end_run(struct pt_live *l, long long run_id)
{
	struct sim_run *r = sim_run_get(l, run_id);
	if (!r)
		return;
	if (r->waiting)
		fprintf(stderr, "protect serve: run %lld: simulation rerun %lld dropped: the run has "
				"ended\n",
			run_id, r->waiting);
	r->waiting = 0;
	r->ended = 1;
	if (r->task)
		sim_task_cancel(r->task);
}

void pt_live_changed(struct pt_live *l, const struct pt_app_run_done *done)
{
	size_t i;
	if (!l || !done || done->run_id <= 0)
		return;
	pt_live_wake(l, done->run_id);
	if (!done->n_sim_due && done->state != PT_EX_CLOCK_ENDED)
		return;
	pthread_mutex_lock(&l->lock);
	if (done->state == PT_EX_CLOCK_ENDED) {
		sim_end_run(l, done->run_id);
	} else {
		for (i = 0; i < done->n_sim_due && i < PT_APP_RUN_SIM_DUE_MAX; i++)
			sim_queue(l, done->run_id, done->sim_due[i]);
		l->kicked = 1; /* the ticker prepares them now */
		pthread_cond_signal(&l->wake);
	}
	pthread_mutex_unlock(&l->lock);
}

/* ---- the simulation reruns: prepared by the ticker, computed on the pool, stored there ---- */

struct sim_task {
	struct pt_live *live;
	struct pt_app_run_sim_job *job;
	atomic_int cancel;             /* 1: the run ended; 2: the server stops */
};

static void sim_task_cancel(struct sim_task *t)
{
	int none = 0;
	atomic_compare_exchange_strong(&t->cancel, &none, 1);
}

/* pt_app_run_sim_compute's progress: nonzero stops the replications (a cancel). */
static int sim_task_progress(void *ctx, size_t done, size_t total)
{
	struct sim_task *t = ctx;
	(void)done;
	(void)total;
	return atomic_load(&t->cancel) != 0;
}

static void sim_task_run(void *ctx, int cancelled)
{
	struct sim_task *t = ctx;
	struct pt_live *l = t->live;
	struct pt_http_server *s = l->srv;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_app_run_done done;
	struct pt_caller c;
	struct pt_db *db;
	struct sim_run *r;
	enum pt_err err = PT_OK;
	if (cancelled)
		atomic_store(&t->cancel, 2);
	if (!atomic_load(&t->cancel))
		err = pt_app_run_sim_compute(t->job, 1, &d);
	if (atomic_load(&t->cancel)) {
		if (atomic_load(&t->cancel) == 1)
			fprintf(stderr, "protect serve: run %lld: simulation rerun %lld cancelled: the "
					"run has ended\n",
				t->job->run_id, t->job->sim_due);
	} else if (err == PT_OK) {
		pt_caller_system(&c);
		c.now = pt_http_now_wall();
		memset(&done, 0, sizeof done);
		db = pt_dbpool_get(&s->pool);
		err = pt_app_run_sim_store(&c, db, t->job, &done, &d);
		pt_dbpool_put(&s->pool, db);
		if (err == PT_OK)
			pt_live_wake(l, t->job->run_id);
		else if (err != PT_ECONFLICT) /* stored already: another server's, nothing lost */
			fprintf(stderr, "protect serve: run %lld: simulation rerun not stored: %s\n",
				t->job->run_id, pt_err_name(err));
	} else {
		fprintf(stderr, "protect serve: run %lld: simulation rerun failed: %s\n",
			t->job->run_id, pt_err_name(err));
	}
	pthread_mutex_lock(&l->lock);
	if ((r = sim_run_find(l, t->job->run_id)) && r->task == t) {
		r->task = NULL;
		r->computing = 0;
		sim_run_tidy(l, r);
	}
	l->sims_running--;
	l->kicked = 1; /* the next run's rerun now */
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
	pt_app_run_sim_free(t->job);
	free(t);
}

/* Record the reruns superseded as events sim_skip (the ticker's thread). */
static void sims_record_skips(struct pt_live *l)
{
	struct sim_skip todo[SIM_SKIPS_MAX];
	struct pt_caller c;
	size_t n, i;
	pthread_mutex_lock(&l->lock);
	n = l->n_skips;
	memcpy(todo, l->skips, n * sizeof *todo);
	l->n_skips = 0;
	pthread_mutex_unlock(&l->lock);
	pt_caller_system(&c);
	for (i = 0; i < n; i++) {
		struct pt_diag d = PT_DIAG_INIT;
		struct pt_app_run_done done;
		enum pt_err err;
		c.now = pt_http_now_wall();
		err = pt_app_run_sim_skip(&c, l->db, todo[i].run_id, todo[i].event, todo[i].by, &done,
					  &d);
		if (err == PT_OK)
			pt_live_wake(l, todo[i].run_id);
		else if (err != PT_ECONFLICT) /* answered already, or the run ended */
			fprintf(stderr, "protect serve: run %lld: simulation rerun %lld not computed "
					"(superseded by %lld), not recorded: %s\n",
				todo[i].run_id, todo[i].event, todo[i].by, pt_err_name(err));
	}
}

/* Nonzero when job's simulation is over the budget of one rerun (the facilitator role's). */
static int sim_over_budget(const struct pt_app_run_sim_job *job)
{
	struct pt_simulate_budget b;
	double reps = (double)(job->replications ? job->replications : 1);
	pt_access_run_sim_budget(&b);
	return job->replications > b.replications_max || job->sim->attack.victims > b.victims_max ||
	       pt_app_sim_cost(job->sim) * reps > b.events_max;
}

/* The run whose waiting rerun came first and may be prepared now (lock held), or NULL. */
static struct sim_run *sim_next(struct pt_live *l)
{
	struct sim_run *best = NULL;
	size_t i;
	for (i = 0; i < l->n_sim_runs; i++) {
		struct sim_run *r = &l->sim_runs[i];
		if (!r->waiting || r->computing || r->preparing || r->ended)
			continue;
		if (!best || r->place < best->place)
			best = r;
	}
	return best;
}

/* Prepare the next waiting reruns and hand them to the compute pool (the ticker's thread). */
static void sims_submit(struct pt_live *l)
{
	sims_record_skips(l);
	for (;;) {
		struct pt_diag d = PT_DIAG_INIT;
		struct pt_app_run_sim_job *job = NULL;
		struct sim_task *t = NULL;
		struct sim_run *r;
		long long run_id, event;
		unsigned long long place;
		enum pt_err err;
		pthread_mutex_lock(&l->lock);
		if (l->stopping || l->sims_running >= SIM_RUNNING_MAX ||
		    pt_work_waiting(l->srv->work) || !(r = sim_next(l))) {
			pthread_mutex_unlock(&l->lock);
			return;
		}
		run_id = r->run_id;
		event = r->waiting;
		place = r->place;
		r->waiting = 0;
		r->preparing = 1;
		pthread_mutex_unlock(&l->lock);
		err = pt_app_run_sim_prepare(l->db, run_id, event, &job, &d);
		if (err == PT_OK && sim_over_budget(job)) {
			fprintf(stderr, "protect serve: run %lld: simulation rerun %lld skipped: over "
					"the budget of one rerun\n",
				run_id, event);
			pt_app_run_sim_free(job);
			job = NULL;
			err = PT_ELIMIT;
		}
		if (err == PT_OK && !(t = calloc(1, sizeof *t))) {
			pt_app_run_sim_free(job);
			err = PT_EBUSY; /* out of memory: again at the next tick */
		}
		if (err != PT_OK && err != PT_EBUSY && err != PT_ECONFLICT && err != PT_EINVAL &&
		    err != PT_ELIMIT)
			fprintf(stderr, "protect serve: run %lld: simulation rerun %lld: %s\n", run_id,
				event, pt_err_name(err));
		pthread_mutex_lock(&l->lock);
		r = sim_run_find(l, run_id); /* it stays while preparing */
		r->preparing = 0;
		if (err == PT_ELIMIT)
			sim_skip(l, run_id, event, 0);
		if (err == PT_EBUSY) { /* the registry is busy: again at the next tick */
			if (!r->waiting && !r->ended) {
				r->waiting = event;
				r->place = place;
			}
			sim_run_tidy(l, r);
			pthread_mutex_unlock(&l->lock);
			return;
		}
		if (err != PT_OK || r->ended || l->stopping) { /* stored, no simulation, ended */
			sim_run_tidy(l, r);
			pthread_mutex_unlock(&l->lock);
			pt_app_run_sim_free(job);
			free(t);
			continue;
		}
		t->live = l;
		t->job = job;
		job->progress = sim_task_progress;
		job->progress_ctx = t;
		atomic_init(&t->cancel, 0);
		r->computing = event;
		r->task = t;
		l->sims_running++;
		/* under the lock: sim_task_run takes it to finish, so it cannot finish first */
		if (pt_work_submit_fn(l->srv->work, sim_task_run, t) != 0) {
			/* the queue is full (or the pool stopping): prepared again at the next tick */
			r->computing = 0;
			r->task = NULL;
			l->sims_running--;
			if (!r->waiting) {
				r->waiting = event;
				r->place = place;
			}
			pthread_mutex_unlock(&l->lock);
			pt_app_run_sim_free(job);
			free(t);
			return;
		}
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
 * At the start: the newest SIM_DUE of each run not ended, queued again (its figures a stopped
 * server may not have stored: pt_app_run_sim_prepare refuses those stored already). The older
 * ones are superseded by it: none of them is computed after a restart.
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
		long long after = 0, newest = 0;
		int more;
		if (runs->items[i].ended)
			continue;
		do {
			struct pt_app_run_events *ev = NULL;
			if (pt_app_run_events(&c, l->db, runs->items[i].id, after, 0, &ev, &d) != PT_OK)
				break;
			for (j = 0; j < ev->n; j++)
				if (strcmp(ev->items[j].kind, "sim_due") == 0)
					newest = ev->items[j].id;
			if (ev->n)
				after = ev->items[ev->n - 1].id;
			more = ev->more && ev->n;
			pt_app_run_events_free(ev);
		} while (more);
		if (newest) {
			pthread_mutex_lock(&l->lock);
			sim_queue(l, runs->items[i].id, newest);
			pthread_mutex_unlock(&l->lock);
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
	size_t i;
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	l->stopping = 1;
	for (st = l->streams; st; st = st->next)
		resume(st); /* its reader sees stopping and ends the stream */
	for (i = 0; i < l->n_sim_runs; i++) /* a computing rerun stops at its next replication */
		if (l->sim_runs[i].task)
			atomic_store(&l->sim_runs[i].task->cancel, 2);
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
			/* The session is read again before anything is sent (attack review 5): a
			 * session ended by a log-out, its expiry, a role change or the user's
			 * disabling (by this server or the command line) ends the stream before
			 * the next event, not at the next heartbeat. */
			int session = pt_api_session_open(db, st->token, pt_http_now_wall());
			if (session == 0) {
				st->end = 1;
				puts_(st, ": the session has ended\n\n");
			} else if (session < 0) {
				more = dirty; /* the registry is busy: read again at the next wake */
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
	char id[32];
	*after = 0;
	if (h) {
		/* the optional whitespace around a header's value is no part of it (RFC 9110 5.5) */
		size_t len;
		while (*h == ' ' || *h == '\t')
			h++;
		len = strlen(h);
		while (len && (h[len - 1] == ' ' || h[len - 1] == '\t'))
			len--;
		if (len >= sizeof id)
			len = sizeof id - 1; /* longer than any id: refused below as it is */
		memcpy(id, h, len);
		id[len] = '\0';
		if (strlen(h) >= sizeof id || !pt_parse_uint_strict(id, 0, (1ULL << 53) - 1, &n)) {
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

	pt_http_run_refusals_mark(r); /* attack review 6, round 2; N3, round 3 */
	if (!pt_parse_uint_strict(r->param[0], 1, (1ULL << 53) - 1, &id)) {
		pt_reply_not_found(r);
		return;
	}
	if (start_after_or_reply(r, &after))
		return;
	pt_api_caller(r, &c);
	/* The read of the run: who may see it, its roles (audited as run.read from AMBER). */
	if ((err = pt_app_run_get(&c, r->db, (long long)id, &run, &d)) != PT_OK) {
		if (err == PT_ENOTFOUND || err == PT_EFORBIDDEN)
			pt_http_run_refused(r);
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
