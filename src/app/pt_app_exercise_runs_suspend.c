/* pt_app_exercise_runs_suspend.c - a live exercise run suspended for a real-world
 * emergency (STOPEX, issue 15 review finding 9): the clock stops, every screen is
 * covered with the facilitator's message, the players' writes are refused until
 * the facilitator resumes or ends the run; and the runs the server pauses when it
 * stops or starts again (serve --pause-runs-on-restart). docs/exercises.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_exercise_run_io.h"
#include "pt_app_audit.h"
#include "pt_app_exercise_runs_int.h"

#define SUSPEND_DEFAULT "stop all exercise play now and follow the real-world instructions"

/* An event of L at its engine's minute with text (kind's own words when NULL). */
static enum pt_err note(struct pt_app_run_loaded *L, enum pt_ex_event_kind kind, double t_min,
			const char *text, struct pt_diag *d)
{
	struct pt_ex_event ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.t_min = t_min;
	ev.inject = UINT32_MAX;
	ev.made = UINT32_MAX;
	return pt_app_run_note(L, &ev, NULL, 0, text, NULL, d);
}

/* Advance L's running run to the clock's time at now_ms (ENDEX at the end stops the clock). */
static void advance(struct pt_app_run_loaded *L, int64_t now_ms)
{
	if (L->clock.state != PT_EX_CLOCK_RUNNING || L->run.ended)
		return;
	pt_ex_run_advance(&L->run, pt_ex_clock_now(&L->clock, now_ms), pt_app_run_collect, L);
	if (L->run.ended && L->clock.state != PT_EX_CLOCK_ENDED)
		(void)pt_ex_clock_end(&L->clock, now_ms, NULL);
}

enum pt_err pt_app_run_suspension(struct pt_db *db, long long id, struct pt_app_run_suspension *s,
				  struct pt_diag *d)
{
	struct pt_db_run_event ev;
	enum pt_err err;
	memset(s, 0, sizeof *s);
	if ((err = pt_db_run_suspended(db, id, &s->event, d)) != PT_OK || !s->event)
		return err;
	memset(&ev, 0, sizeof ev);
	if ((err = pt_db_run_event_get(db, s->event, &ev, d)) != PT_OK)
		return err;
	s->t_min = ev.t_min;
	s->at_ms = ev.at_ms;
	pt_strlcpy(s->text, ev.text ? ev.text : "", sizeof s->text);
	pt_db_run_event_clear(&ev);
	return PT_OK;
}

enum pt_err pt_app_run_suspend(const struct pt_caller *c, struct pt_db *db, long long id,
			       const char *message, struct pt_app_run_done *done,
			       struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	struct pt_app_run_done local;
	int64_t now_ms = pt_app_run_now_ms(c);
	char rid[32], text[PT_APP_RUN_TEXT_MAX + 64];
	enum pt_err err;

	if (!done)
		done = &local;
	memset(done, 0, sizeof *done);
	memset(&L, 0, sizeof L);
	done->run_id = id;
	snprintf(rid, sizeof rid, "%lld", id);
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_app_run_load(c, db, id, 1, &L, d)) != PT_OK)
		goto out;
	if (pt_access_run_drive(&c->who, &L.ra) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				  "only the run's facilitators suspend the exercise");
		goto out;
	}
	if (message && strlen(message) >= PT_APP_RUN_TEXT_MAX) {
		err = pt_diag_set(d, PT_EINVAL, 0, "message", "at most %d bytes",
				  PT_APP_RUN_TEXT_MAX - 1);
		goto out;
	}
	if (L.clock.state == PT_EX_CLOCK_ENDED) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "clock", "the run has ended (ENDEX)");
		goto out;
	}
	if (L.suspended) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "clock",
				  "the exercise is suspended already: resume it or end it (ENDEX)");
		goto out;
	}
	advance(&L, now_ms);
	if (L.clock.state == PT_EX_CLOCK_ENDED) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "clock",
				  "the run reached its end (ENDEX) before the suspension");
		goto out;
	}
	if ((err = pt_ex_clock_suspend(&L.clock, now_ms, d)) != PT_OK)
		goto out;
	snprintf(text, sizeof text, "REAL-WORLD EMERGENCY - EXERCISE SUSPENDED: %s",
		 message && message[0] ? message : SUSPEND_DEFAULT);
	if ((err = note(&L, PT_EX_EV_SUSPEND, L.run.now_min, text, d)) != PT_OK ||
	    (err = pt_app_run_store(db, &L, now_ms, done, d)) != PT_OK)
		goto out;
	err = pt_app_run_audit(db, id, "run.suspend", text, d);
out:
	err = pt_db_end(db, err, d);
	pt_app_run_unload(&L);
	return pt_app_refused(c, db, "run.suspend", "exercise_runs", rid, err, d);
}

/* Pause run id (running) as the system administrator: at_last, at the minute last recorded. */
static enum pt_err pause_one(const struct pt_caller *c, struct pt_db *db, long long id,
			     int at_last, struct pt_app_run_done *done, struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	int64_t now_ms = pt_app_run_now_ms(c);
	char rid[32], t[16], text[256];
	enum pt_err err;

	memset(&L, 0, sizeof L);
	snprintf(rid, sizeof rid, "%lld", id);
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_app_run_load(c, db, id, 1, &L, d)) != PT_OK)
		goto out;
	if (L.clock.state != PT_EX_CLOCK_RUNNING || L.run.ended)
		goto out; /* paused or ended meanwhile: nothing to do */
	if (at_last) {
		/* the server was down: the clock stops where the run's last record left it */
		L.clock.base_min = L.run.now_min;
		L.clock.base_wall_ms = now_ms;
		L.clock.state = PT_EX_CLOCK_PAUSED;
	} else {
		advance(&L, now_ms);
		if (L.clock.state != PT_EX_CLOCK_RUNNING)
			goto store;
		if ((err = pt_ex_clock_pause(&L.clock, now_ms, d)) != PT_OK)
			goto out;
	}
	pt_ex_run_time_text(L.run.now_min, t, sizeof t);
	snprintf(text, sizeof text,
		 at_last ? "The exercise clock is paused at %s: the server stopped and started "
			   "again; the facilitator resumes it"
			 : "The exercise clock is paused at %s: the server is stopping; the "
			   "facilitator resumes it when it is back",
		 t);
	if ((err = note(&L, PT_EX_EV_PAUSE, L.run.now_min, text, d)) != PT_OK)
		goto out;
store:
	if ((err = pt_app_run_store(db, &L, now_ms, done, d)) != PT_OK)
		goto out;
	err = pt_app_run_audit(db, id, "run.pause",
			       at_last ? "server restart (--pause-runs-on-restart)"
				       : "server stop (--pause-runs-on-restart)",
			       d);
out:
	err = pt_db_end(db, err, d);
	pt_app_run_unload(&L);
	return pt_app_refused(c, db, "run.pause", "exercise_runs", rid, err, d);
}

enum pt_err pt_app_run_pause_all(const struct pt_caller *c, struct pt_db *db,
				 enum pt_run_pause_when when, size_t *n_paused, struct pt_diag *d)
{
	struct pt_caller sys;
	long long *ids = NULL;
	size_t n = 0, i;
	enum pt_err err, first = PT_OK;

	*n_paused = 0;
	pt_caller_system(&sys);
	sys.now = c->now;
	if ((err = pt_db_run_running(db, &ids, &n, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		struct pt_app_run_done done;
		struct pt_diag one = PT_DIAG_INIT;
		memset(&done, 0, sizeof done);
		err = pause_one(&sys, db, ids[i], when == PT_RUN_PAUSE_AT_RESTART, &done, &one);
		if (err != PT_OK) {
			if (first == PT_OK) {
				first = err;
				if (d)
					*d = one;
			}
			continue;
		}
		if (done.state == PT_EX_CLOCK_PAUSED)
			(*n_paused)++;
	}
	free(ids);
	return first;
}
