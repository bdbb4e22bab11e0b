/* test_exercise_run.c - unit tests of the exercise run engine (issue 15): the
 * clock, the schedule, trigger and skip, shifts, contingencies, decisions and
 * their roles, simulation reruns, ENDEX, and the simulation scenario of decisions. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_exercise.h"
#include "core/pt_mci.h"
#include "exercise_fixture.h"
#include "pt_test.h"

/* ---- the events a run gives, as text: "T kind #seq" ---- */

struct log {
	const struct pt_ex_scenario *sc;
	char text[8192];
	size_t n;
};

static void on_event(void *ctx, const struct pt_ex_event *ev)
{
	struct log *l = ctx;
	char line[96];
	if (ev->inject != UINT32_MAX)
		snprintf(line, sizeof line, "%g %s #%u\n", ev->t_min, pt_ex_event_kind_name(ev->kind),
			 l->sc->injects[ev->inject].seq);
	else if (ev->kind == PT_EX_EV_SIM_DUE || ev->kind == PT_EX_EV_SHIFT)
		snprintf(line, sizeof line, "%g %s %g\n", ev->t_min, pt_ex_event_kind_name(ev->kind),
			 ev->value);
	else
		snprintf(line, sizeof line, "%g %s\n", ev->t_min, pt_ex_event_kind_name(ev->kind));
	if (l->n + strlen(line) < sizeof l->text) {
		memcpy(l->text + l->n, line, strlen(line) + 1);
		l->n += strlen(line);
	}
}

static void log_reset(struct log *l, const struct pt_ex_scenario *sc)
{
	l->sc = sc;
	l->n = 0;
	l->text[0] = '\0';
}

static enum pt_err decide(struct pt_ex_run *run, const char *id, const char *role,
			  const char *value, struct log *l)
{
	memset(&diag, 0, sizeof diag);
	return pt_ex_run_decide(run, (size_t)pt_ex_decision_find(run->sc, id), role, value,
				on_event, l, &diag);
}

/* ---- the clock ---- */

static void test_clock(void)
{
	struct pt_ex_clock c;
	pt_ex_clock_init(&c);
	CHECK_INT(c.state, PT_EX_CLOCK_READY);
	CHECK_NEAR(pt_ex_clock_now(&c, 5000), 0, 0);
	CHECK(pt_ex_clock_wall_until(&c, 0, 10) == INT64_MAX);
	CHECK_INT(pt_ex_clock_pause(&c, 0, &diag), PT_ECONFLICT);
	CHECK_INT(pt_ex_clock_resume(&c, 0, &diag), PT_ECONFLICT);
	CHECK_INT(pt_ex_clock_start(&c, 1000000, &diag), PT_OK);
	CHECK_INT(pt_ex_clock_start(&c, 1000000, &diag), PT_ECONFLICT);
	/* real time: a wall minute is a scenario minute */
	CHECK_NEAR(pt_ex_clock_now(&c, 1000000 + 60000), 1, 1e-12);
	CHECK_NEAR(pt_ex_clock_now(&c, 1000000 + 90000), 1.5, 1e-12);
	CHECK(pt_ex_clock_wall_until(&c, 1000000, 10) == 600000);
	CHECK(pt_ex_clock_wall_until(&c, 1000000 + 600000, 10) == 0);
	CHECK(pt_ex_clock_wall_until(&c, 1000000 + 700000, 10) == 0);
	/* a wall clock stepped back does not move the scenario back */
	CHECK_NEAR(pt_ex_clock_now(&c, 999000), 0, 0);
	/* paused at 10 minutes: frozen */
	CHECK_INT(pt_ex_clock_pause(&c, 1000000 + 600000, &diag), PT_OK);
	CHECK_INT(c.state, PT_EX_CLOCK_PAUSED);
	CHECK_NEAR(pt_ex_clock_now(&c, 1000000 + 600000), 10, 1e-12);
	CHECK_NEAR(pt_ex_clock_now(&c, 9000000), 10, 1e-12);
	CHECK(pt_ex_clock_wall_until(&c, 9000000, 20) == INT64_MAX);
	CHECK_INT(pt_ex_clock_pause(&c, 9000000, &diag), PT_ECONFLICT);
	/* a speed set while paused applies from the resume */
	CHECK_INT(pt_ex_clock_speed(&c, 9000000, 0.05, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "speed");
	CHECK_INT(pt_ex_clock_speed(&c, 9000000, 61, &diag), PT_EINVAL);
	CHECK_INT(pt_ex_clock_speed(&c, 9000000, 2, &diag), PT_OK);
	CHECK_NEAR(pt_ex_clock_now(&c, 9500000), 10, 1e-12);
	CHECK_INT(pt_ex_clock_resume(&c, 10000000, &diag), PT_OK);
	CHECK_NEAR(pt_ex_clock_now(&c, 10000000 + 60000), 12, 1e-12);
	/* at speed 2, ten scenario minutes take five wall minutes */
	CHECK(pt_ex_clock_wall_until(&c, 10000000, 20) == 300000);
	/* a speed change while running keeps the minute reached */
	CHECK_INT(pt_ex_clock_speed(&c, 10000000 + 60000, 0.5, &diag), PT_OK);
	CHECK_NEAR(pt_ex_clock_now(&c, 10000000 + 60000), 12, 1e-12);
	CHECK_NEAR(pt_ex_clock_now(&c, 10000000 + 180000), 13, 1e-12);
	CHECK(pt_ex_clock_wall_until(&c, 10000000 + 180000, 14) == 120000);
	/* restored from its stored fields, it reads the same */
	{
		struct pt_ex_clock copy = c;
		CHECK_NEAR(pt_ex_clock_now(&copy, 10000000 + 300000), 14, 1e-12);
	}
	/* ENDEX is final */
	CHECK_INT(pt_ex_clock_end(&c, 10000000 + 300000, &diag), PT_OK);
	CHECK_INT(c.state, PT_EX_CLOCK_ENDED);
	CHECK_NEAR(pt_ex_clock_now(&c, 99000000), 14, 1e-12);
	CHECK_INT(pt_ex_clock_end(&c, 99000000, &diag), PT_ECONFLICT);
	CHECK_INT(pt_ex_clock_resume(&c, 99000000, &diag), PT_ECONFLICT);
	CHECK_INT(pt_ex_clock_start(&c, 99000000, &diag), PT_ECONFLICT);
	CHECK_INT(pt_ex_clock_speed(&c, 99000000, 1, &diag), PT_ECONFLICT);
	CHECK(pt_ex_clock_wall_until(&c, 99000000, 20) == INT64_MAX);
}

/* Review finding 9: a suspension stops the clock; resume goes on from there; ENDEX ends it. */
static void test_clock_suspend(void)
{
	struct pt_ex_clock c;
	pt_ex_clock_init(&c);
	CHECK_INT(pt_ex_clock_suspend(&c, 0, &diag), PT_ECONFLICT);
	CHECK_STR(diag.field, "clock");
	CHECK_INT(pt_ex_clock_start(&c, 1000000, &diag), PT_OK);
	CHECK_INT(pt_ex_clock_suspend(&c, 1000000 + 300000, &diag), PT_OK);
	CHECK_INT(c.state, PT_EX_CLOCK_PAUSED);
	CHECK_NEAR(pt_ex_clock_now(&c, 9000000), 5, 1e-12);
	/* a paused clock stays paused at its minute */
	CHECK_INT(pt_ex_clock_suspend(&c, 9000000, &diag), PT_OK);
	CHECK_NEAR(pt_ex_clock_now(&c, 9000000), 5, 1e-12);
	CHECK_INT(pt_ex_clock_resume(&c, 9000000, &diag), PT_OK);
	CHECK_NEAR(pt_ex_clock_now(&c, 9000000 + 60000), 6, 1e-12);
	CHECK_INT(pt_ex_clock_suspend(&c, 9000000 + 120000, &diag), PT_OK);
	CHECK_INT(pt_ex_clock_end(&c, 9500000, &diag), PT_OK);
	CHECK_NEAR(pt_ex_clock_now(&c, 9500000), 7, 1e-12);
	CHECK_INT(pt_ex_clock_suspend(&c, 9600000, &diag), PT_ECONFLICT);
}

/* The fixture is a scenario the checks accept. */
static void test_fixture_valid(void)
{
	struct pt_ex_scenario *sc = scenario(1);
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_OK);
	if (diag.msg[0])
		fprintf(stderr, "fixture: %s: %s\n", diag.field, diag.msg);
	pt_ex_scenario_free(sc);
}

static void test_event_names(void)
{
	CHECK_STR(pt_ex_event_kind_name(PT_EX_EV_START), "start");
	CHECK_STR(pt_ex_event_kind_name(PT_EX_EV_INJECT), "inject");
	CHECK_STR(pt_ex_event_kind_name(PT_EX_EV_SIM_DUE), "sim_due");
	CHECK_STR(pt_ex_event_kind_name(PT_EX_EV_ENDEX), "endex");
	CHECK_STR(pt_ex_event_kind_name(PT_EX_EV_SUSPEND), "suspend");
	CHECK_STR(pt_ex_event_kind_name((enum pt_ex_event_kind)99), "");
}

/* ---- the schedule ---- */

static void test_schedule_without_decisions(void)
{
	struct pt_ex_scenario *sc = scenario(0);
	struct pt_ex_run run;
	struct log l;
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 4, on_event, &l);
	CHECK_STR(l.text, "0 inject #1\n");
	CHECK_NEAR(run.now_min, 4, 0);
	/* never backwards, nor to NaN */
	pt_ex_run_advance(&run, 2, on_event, &l);
	CHECK_NEAR(run.now_min, 4, 0);
	pt_ex_run_advance(&run, NAN, on_event, &l);
	CHECK_NEAR(run.now_min, 4, 0);
	CHECK_STR(l.text, "0 inject #1\n");
	log_reset(&l, sc);
	pt_ex_run_advance(&run, 1000, on_event, &l);
	/* no simulation: no reruns; the contingencies fire (nothing was done); ENDEX at 2:00 */
	CHECK_STR(l.text, "5 inject #2\n30 inject #3\n30 inject #4\n60 inject #5\n70 inject #6\n"
			  "120 endex\n");
	CHECK(run.ended);
	CHECK_NEAR(run.now_min, 120, 0);
	CHECK_INT(run.inj[2].status, PT_EX_DELIVERED);
	CHECK_NEAR(run.inj[2].delivered_min, 30, 0);
	CHECK_NEAR(run.inj[0].done_min, -1, 0);
	/* ended: nothing more */
	log_reset(&l, sc);
	pt_ex_run_advance(&run, 2000, on_event, &l);
	CHECK_STR(l.text, "");
	CHECK_INT(decide(&run, "note", "police", "", &l), PT_ECONFLICT);
	CHECK_INT(pt_ex_run_endex(&run, on_event, &l, &diag), PT_ECONFLICT);
	pt_ex_run_free(&run);
	pt_ex_scenario_free(sc);
}

static void test_sim_reruns(void)
{
	struct pt_ex_scenario *sc = scenario(1);
	struct pt_ex_run run;
	struct log l;
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 25, on_event, &l);
	/* reruns from sim_start (00:10) every 15 minutes; value = decisions made */
	CHECK_STR(l.text, "0 inject #1\n5 inject #2\n10 sim_due 0\n25 sim_due 0\n");
	/* a decision that reaches the simulation reruns it; a log entry does not */
	log_reset(&l, sc);
	pt_ex_run_advance(&run, 26, on_event, &l);
	CHECK_INT(decide(&run, "note", "ems", "", &l), PT_OK);
	CHECK_STR(l.text, "26 decision\n");
	log_reset(&l, sc);
	CHECK_INT(decide(&run, "ambulances", "ems", "12", &l), PT_OK);
	/* it satisfies #5 before its delivery, which cancels #5's contingency #6 */
	CHECK_STR(l.text, "26 decision\n26 done #5\n26 cancel #6\n26 sim_due 2\n");
	/* a decision exactly at a periodic rerun's minute, made before the run got there: one rerun */
	log_reset(&l, sc);
	pt_ex_run_advance(&run, 29, on_event, &l);
	CHECK_STR(l.text, "");
	run.now_min = 40; /* as a live run that jumps to 40 before advancing (the clock ran) */
	CHECK_INT(decide(&run, "ambulances", "ems", "14", &l), PT_OK);
	CHECK_STR(l.text, "40 decision\n40 sim_due 3\n");
	log_reset(&l, sc);
	pt_ex_run_advance(&run, 40, on_event, &l);
	/* #3 and #4 (due at 30) overdue: delivered now; 40's periodic rerun already ran with
	 * these decisions */
	CHECK_STR(l.text, "40 inject #3\n40 inject #4\n");
	pt_ex_run_free(&run);
	pt_ex_scenario_free(sc);

	/* through a whole run: 10, 25, ..., 115, then ENDEX at 120 (115 + 15 is past it) */
	sc = scenario(1);
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 120, on_event, &l);
	CHECK_STR(l.text, "0 inject #1\n5 inject #2\n10 sim_due 0\n25 sim_due 0\n30 inject #3\n"
			  "30 inject #4\n40 sim_due 0\n55 sim_due 0\n60 inject #5\n70 sim_due 0\n"
			  "70 inject #6\n85 sim_due 0\n100 sim_due 0\n115 sim_due 0\n120 endex\n");
	pt_ex_run_free(&run);
	/* a rerun falls on the end: it comes before ENDEX */
	sc->sim_start_min = 0;
	sc->sim_every_min = 60;
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 500, on_event, &l);
	CHECK_STR(l.text, "0 sim_due 0\n0 inject #1\n5 inject #2\n30 inject #3\n30 inject #4\n"
			  "60 sim_due 0\n60 inject #5\n70 inject #6\n120 sim_due 0\n120 endex\n");
	pt_ex_run_free(&run);
	pt_ex_scenario_free(sc);
}

static void test_trigger_skip(void)
{
	struct pt_ex_scenario *sc = scenario(0);
	struct pt_ex_run run;
	struct log l;
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 10, on_event, &l);
	log_reset(&l, sc);
	/* #4 (index 3) delivered now, #2 already delivered */
	CHECK_INT(pt_ex_run_trigger(&run, 3, on_event, &l, &diag), PT_OK);
	CHECK_STR(l.text, "10 inject #4\n");
	CHECK_NEAR(run.inj[3].delivered_min, 10, 0);
	CHECK_INT(pt_ex_run_trigger(&run, 3, on_event, &l, &diag), PT_ECONFLICT);
	CHECK_INT(pt_ex_run_trigger(&run, 1, on_event, &l, &diag), PT_ECONFLICT);
	CHECK_INT(pt_ex_run_trigger(&run, 99, on_event, &l, &diag), PT_EINVAL);
	/* #5 skipped: never delivered; its contingency #6 still fires (its action was not done) */
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_skip(&run, 4, on_event, &l, &diag), PT_OK);
	CHECK_STR(l.text, "10 skip #5\n");
	CHECK_INT(pt_ex_run_skip(&run, 4, on_event, &l, &diag), PT_ECONFLICT);
	CHECK_INT(pt_ex_run_trigger(&run, 4, on_event, &l, &diag), PT_ECONFLICT);
	log_reset(&l, sc);
	pt_ex_run_advance(&run, 119, on_event, &l);
	CHECK_STR(l.text, "30 inject #3\n70 inject #6\n");
	CHECK_INT(run.inj[4].status, PT_EX_SKIPPED);
	/* the facilitator's ENDEX: pending injects stay pending */
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_endex(&run, on_event, &l, &diag), PT_OK);
	CHECK_STR(l.text, "119 endex\n");
	CHECK_INT(pt_ex_run_trigger(&run, 0, on_event, &l, &diag), PT_ECONFLICT);
	CHECK_INT(pt_ex_run_shift(&run, 5, on_event, &l, &diag), PT_ECONFLICT);
	pt_ex_run_free(&run);
	pt_ex_scenario_free(sc);
}

static void test_shift(void)
{
	struct pt_ex_scenario *sc = scenario(0);
	struct pt_ex_run run;
	struct log l;
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 20, on_event, &l);
	/* forward 15: pending injects (#3 .. #6) and the end move, the gaps kept */
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_shift(&run, 15, on_event, &l, &diag), PT_OK);
	CHECK_STR(l.text, "20 shift 15\n");
	CHECK_NEAR(run.inj[2].due_min, 45, 0);
	CHECK_NEAR(run.inj[5].due_min, 85, 0);
	CHECK_NEAR(run.inj[0].due_min, 0, 0); /* delivered: stays */
	CHECK_NEAR(run.inj[0].deadline_min, 20, 0);
	CHECK_NEAR(run.end_min, 135, 0);
	/* back 30 would put #3 (at 45) before now (20): refused, naming the most (25) */
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_run_shift(&run, -30, on_event, &l, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "minutes");
	CHECK_STR(diag.msg, "would move pending injects into the past: at most 25 minutes back");
	CHECK_NEAR(run.inj[2].due_min, 45, 0);
	/* back 25: #3 and #4 due now */
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_shift(&run, -25, on_event, &l, &diag), PT_OK);
	CHECK_NEAR(run.inj[2].due_min, 20, 0);
	CHECK_NEAR(run.inj[4].due_min, 50, 0);
	pt_ex_run_advance(&run, 20, on_event, &l);
	CHECK_STR(l.text, "20 shift -25\n20 inject #3\n20 inject #4\n");
	/* not past the latest scenario time */
	CHECK_INT(pt_ex_run_shift(&run, PT_EX_TIME_MAX, on_event, &l, &diag), PT_EINVAL);
	log_reset(&l, sc);
	pt_ex_run_advance(&run, 1000, on_event, &l);
	CHECK_STR(l.text, "50 inject #5\n60 inject #6\n110 endex\n");
	pt_ex_run_free(&run);
	pt_ex_scenario_free(sc);

	/* a deadline moves with its pending inject */
	sc = scenario(0);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	CHECK_INT(pt_ex_run_shift(&run, 10, NULL, NULL, &diag), PT_OK);
	CHECK_NEAR(run.inj[0].due_min, 10, 0);
	CHECK_NEAR(run.inj[0].deadline_min, 30, 0);
	CHECK_NEAR(run.inj[1].deadline_min, -1, 0);
	pt_ex_run_free(&run);
	pt_ex_scenario_free(sc);
}

static void test_contingency(void)
{
	struct pt_ex_scenario *sc = scenario(0);
	struct pt_ex_run run;
	struct log l;

	/* the decision after the parent's delivery, before the contingency: cancelled then */
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 15, on_event, &l);
	log_reset(&l, sc);
	CHECK_INT(decide(&run, "scene_safe", "police", "", &l), PT_OK);
	CHECK_STR(l.text, "15 decision\n15 done #1\n15 cancel #3\n");
	CHECK_NEAR(run.inj[0].done_min, 15, 0);
	CHECK_INT(run.inj[0].done_by, 0);
	CHECK_INT(run.inj[2].status, PT_EX_CANCELLED);
	CHECK_NEAR(run.inj[2].delivered_min, 15, 0);
	log_reset(&l, sc);
	pt_ex_run_advance(&run, 40, on_event, &l);
	CHECK_STR(l.text, "30 inject #4\n");
	/* a decision by a role not allowed: refused, nothing recorded */
	memset(&diag, 0, sizeof diag);
	CHECK_INT(decide(&run, "ambulances", "police", "10", &l), PT_EFORBIDDEN);
	CHECK_INT((long long)run.n_made, 1);
	CHECK_INT(decide(&run, "ambulances", "ems", "1000", &l), PT_EINVAL);
	CHECK_INT((long long)run.n_made, 1);
	pt_ex_run_free(&run);

	/* the decision before the parent's delivery: the parent's action is done at once */
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 50, on_event, &l);
	log_reset(&l, sc);
	CHECK_INT(decide(&run, "ambulances", "ems", "20", &l), PT_OK);
	CHECK_STR(l.text, "50 decision\n50 done #5\n50 cancel #6\n");
	log_reset(&l, sc);
	pt_ex_run_advance(&run, 200, on_event, &l);
	CHECK_STR(l.text, "60 inject #5\n120 endex\n");
	CHECK_INT(run.inj[4].status, PT_EX_DELIVERED);
	CHECK_NEAR(run.inj[4].done_min, 50, 0);
	CHECK_INT(run.inj[5].status, PT_EX_CANCELLED);
	pt_ex_run_free(&run);

	/* marked done by the facilitator */
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 29, on_event, &l);
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_mark_done(&run, 0, on_event, &l, &diag), PT_OK);
	CHECK_STR(l.text, "29 done #1\n29 cancel #3\n");
	CHECK(run.inj[0].done_by == UINT32_MAX);
	CHECK_INT(pt_ex_run_mark_done(&run, 0, on_event, &l, &diag), PT_ECONFLICT);
	CHECK_INT(pt_ex_run_mark_done(&run, 1, on_event, &l, &diag), PT_EINVAL); /* none expected */
	/* the decision later: already done, nothing more */
	log_reset(&l, sc);
	CHECK_INT(decide(&run, "scene_safe", "police", "", &l), PT_OK);
	CHECK_STR(l.text, "29 decision\n");
	pt_ex_run_free(&run);

	/* done too late: the contingency fired at 30, the decision at 31 */
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 31, on_event, &l);
	log_reset(&l, sc);
	CHECK_INT(decide(&run, "scene_safe", "police", "", &l), PT_OK);
	CHECK_STR(l.text, "31 decision\n31 done #1\n");
	CHECK_INT(run.inj[2].status, PT_EX_DELIVERED);
	pt_ex_run_free(&run);

	/* done at the contingency's own minute, after it was delivered: it fired */
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 30, on_event, &l);
	CHECK_INT(decide(&run, "scene_safe", "police", "", &l), PT_OK);
	CHECK_INT(run.inj[2].status, PT_EX_DELIVERED);
	pt_ex_run_free(&run);
	pt_ex_scenario_free(sc);
}

/* issue 15, review finding 1: an inject's decision_value names the value that does its
 * expected action; another value of the decision does not cancel the contingency */
static void test_decision_value(void)
{
	struct pt_ex_scenario *sc = scenario(0);
	struct pt_ex_run run;
	struct log l;

	sc->injects[4].satisfied_value = dup(sc, "20.0"); /* #5: ambulances = 20 */
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_OK);
	CHECK_STR(sc->injects[4].satisfied_value, "20"); /* canonical */
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 62, on_event, &l);
	log_reset(&l, sc);
	/* another value: recorded, but the action is not done, the contingency still fires */
	CHECK_INT(decide(&run, "ambulances", "ems", "10", &l), PT_OK);
	CHECK_STR(l.text, "62 decision\n");
	CHECK_NEAR(run.inj[4].done_min, -1, 0);
	log_reset(&l, sc);
	pt_ex_run_advance(&run, 64, on_event, &l);
	/* the value named, written another way: done, by the second decision */
	CHECK_INT(decide(&run, "ambulances", "ems", "20", &l), PT_OK);
	CHECK_STR(l.text, "64 decision\n64 done #5\n64 cancel #6\n");
	CHECK_INT(run.inj[4].done_by, 1);
	pt_ex_run_free(&run);
	pt_ex_scenario_free(sc);

	/* without a decision_value any value does it, as before */
	sc = scenario(0);
	log_reset(&l, sc); /* the log names the injects of this scenario, not the freed one */
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_OK);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 62, on_event, &l);
	log_reset(&l, sc);
	CHECK_INT(decide(&run, "ambulances", "ems", "0", &l), PT_OK);
	CHECK_STR(l.text, "62 decision\n62 done #5\n62 cancel #6\n");
	pt_ex_run_free(&run);
	pt_ex_scenario_free(sc);

	/* the check: the value must be one the decision takes, and needs a decision */
	sc = scenario(0);
	sc->injects[4].satisfied_value = dup(sc, "1000");
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "injects.4.decision_value");
	CHECK_STR(diag.msg, "out of range for ambulances (from 0 to 100)");
	pt_ex_scenario_free(sc);
	sc = scenario(0);
	sc->injects[0].satisfied_value = dup(sc, "true"); /* scene_safe takes no value */
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "injects.0.decision_value");
	CHECK_STR(diag.msg, "scene_safe takes no value: leave decision_value empty");
	pt_ex_scenario_free(sc);
	sc = scenario(0);
	sc->injects[1].satisfied_value = dup(sc, "true"); /* no decision */
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "injects.1.decision_value");
	pt_ex_scenario_free(sc);
}

/* ---- the simulation scenario of decisions ---- */

static void sim_base(struct pt_mci_scenario *s)
{
	pt_mci_defaults(s);
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_mci_set(s, "hospitals.0.name", "Orrinford General", &diag), PT_OK);
	CHECK_INT(pt_mci_set(s, "response.bases.0.ambulances", "5", &diag), PT_OK);
	CHECK_INT(pt_mci_set(s, "response.ambulances", "5", &diag), PT_OK);
	CHECK_INT(pt_mci_set(s, "attack.sites.0.base_travel_min.0", "10", &diag), PT_OK);
	CHECK_INT(pt_mci_set(s, "attack.sites.0.hospital_travel_min.0", "10", &diag), PT_OK);
	CHECK_INT(pt_mci_set(s, "decisions.0.t_min", "120", &diag), PT_OK);
	CHECK_INT(pt_mci_set(s, "decisions.0.path", "hospitals.0.locked_down", &diag), PT_OK);
	CHECK_INT(pt_mci_set(s, "decisions.0.value", "false", &diag), PT_OK);
	CHECK_INT(pt_mci_check(s, &diag), PT_OK);
}

static void test_sim_scenario(void)
{
	static struct pt_mci_scenario sim, out;
	struct pt_ex_scenario *sc = scenario(1);
	struct pt_ex_made made[4];
	memset(made, 0, sizeof made);
	sim_base(&sim);
	/* ambulances at scenario 00:04 (before the attack at 00:10: simulation minute 0) */
	made[0].decision = 1;
	made[0].t_min = 4;
	strcpy(made[0].value, "12");
	strcpy(made[0].role, "ems");
	/* a log entry: not in the simulation */
	made[1].decision = 2;
	made[1].t_min = 20;
	strcpy(made[1].role, "police");
	/* scene declared safe at 00:55: simulation minute 45 */
	made[2].decision = 0;
	made[2].t_min = 55;
	strcpy(made[2].role, "police");
	/* ambulances again at 01:30.5: simulation minute 80.5 */
	made[3].decision = 1;
	made[3].t_min = 90.5;
	strcpy(made[3].value, "20");
	strcpy(made[3].role, "ems");
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_sim_scenario(sc, &sim, made, 4, &out, &diag), PT_OK);
	/* the simulation's own decision first, then the timed ones */
	CHECK_INT((long long)out.n_decisions, 3);
	CHECK_STR(out.decisions[0].path, "hospitals.0.locked_down");
	CHECK_NEAR(out.decisions[1].t_min, 0, 0);
	CHECK_STR(out.decisions[1].path, "response.ambulances");
	CHECK_STR(out.decisions[1].value, "12");
	CHECK_NEAR(out.decisions[2].t_min, 80.5, 1e-12);
	CHECK_STR(out.decisions[2].value, "20");
	/* at_time: the path takes the simulation minute it was made, a fixed time */
	CHECK_NEAR(out.attack.sites[0].secure_min.min, 45, 0);
	CHECK_NEAR(out.attack.sites[0].secure_min.mode, 45, 0);
	CHECK_NEAR(out.attack.sites[0].secure_min.max, 45, 0);
	/* sim itself unchanged */
	CHECK_INT((long long)sim.n_decisions, 1);
	CHECK_NEAR(sim.attack.sites[0].secure_min.mode, 30, 0);
	/* declared safe before the attack's minute: 0 */
	made[2].t_min = 3;
	CHECK_INT(pt_ex_sim_scenario(sc, &sim, made + 2, 1, &out, &diag), PT_OK);
	CHECK_NEAR(out.attack.sites[0].secure_min.mode, 0, 0);
	/* at a fraction of a minute */
	made[2].t_min = 12.25;
	CHECK_INT(pt_ex_sim_scenario(sc, &sim, made + 2, 1, &out, &diag), PT_OK);
	CHECK_NEAR(out.attack.sites[0].secure_min.mode, 2.25, 1e-12);
	/* none: the simulation as it is */
	CHECK_INT(pt_ex_sim_scenario(sc, &sim, NULL, 0, &out, &diag), PT_OK);
	CHECK_INT((long long)out.n_decisions, 1);
	/* a bad value is caught by the simulation's check */
	strcpy(made[0].value, "lots");
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_sim_scenario(sc, &sim, made, 1, &out, &diag), PT_EINVAL);
	/* the simulation's limit of decisions */
	{
		static struct pt_ex_made many[PT_MCI_MAX_DECISIONS];
		size_t i;
		for (i = 0; i < PT_MCI_MAX_DECISIONS; i++) {
			many[i] = made[3];
			many[i].t_min = 20 + (double)i;
		}
		CHECK_INT(pt_ex_sim_scenario(sc, &sim, many, PT_MCI_MAX_DECISIONS - 1, &out, &diag),
			  PT_OK);
		CHECK_INT(pt_ex_sim_scenario(sc, &sim, many, PT_MCI_MAX_DECISIONS, &out, &diag),
			  PT_ELIMIT);
	}
	pt_ex_scenario_free(sc);
}

/* review finding 2: a shift before the attack moves it (and the first periodic rerun) with the
 * pending injects; decisions map to the simulation from the run's attack; after the attack a
 * shift leaves it */
static void test_shift_attack(void)
{
	static struct pt_mci_scenario sim, out;
	struct pt_ex_scenario *sc = scenario(1);
	struct pt_ex_run run;
	struct log l;
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	CHECK_NEAR(run.sim_start_min, 10, 0);
	pt_ex_run_advance(&run, 6, on_event, &l);
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_shift(&run, 10, on_event, &l, &diag), PT_OK);
	CHECK_NEAR(run.sim_start_min, 20, 0);
	CHECK_NEAR(run.next_sim_min, 20, 0);
	pt_ex_run_advance(&run, 50, on_event, &l);
	/* the first rerun at the moved attack (20), then every 15 minutes from it */
	CHECK_STR(l.text, "6 shift 10\n20 sim_due 0\n35 sim_due 0\n40 inject #3\n40 inject #4\n"
			  "50 sim_due 0\n");
	/* after the attack: the injects move, the attack and the reruns' rhythm stay */
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_shift(&run, 5, on_event, &l, &diag), PT_OK);
	CHECK_NEAR(run.sim_start_min, 20, 0);
	CHECK_NEAR(run.next_sim_min, 65, 0);
	CHECK_NEAR(run.inj[4].due_min, 75, 0);
	/* a decision at 50 is simulation minute 30 for this run, 40 for the scenario's start */
	CHECK_INT(decide(&run, "scene_safe", "police", "", &l), PT_OK);
	sim_base(&sim);
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_sim_scenario_at(sc, run.sim_start_min, &sim, run.made, run.n_made, &out,
					&diag),
		  PT_OK);
	CHECK_NEAR(out.attack.sites[0].secure_min.mode, 30, 0);
	CHECK_INT(pt_ex_sim_scenario(sc, &sim, run.made, run.n_made, &out, &diag), PT_OK);
	CHECK_NEAR(out.attack.sites[0].secure_min.mode, 40, 0);
	pt_ex_run_free(&run);

	/* back: the attack counts among the pending things that may not go into the past */
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 6, on_event, &l);
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_run_shift(&run, -5, on_event, &l, &diag), PT_EINVAL);
	CHECK_STR(diag.msg, "would move pending injects into the past: at most 4 minutes back");
	CHECK_INT(pt_ex_run_shift(&run, -4, on_event, &l, &diag), PT_OK);
	CHECK_NEAR(run.sim_start_min, 6, 0);
	CHECK_NEAR(run.next_sim_min, 6, 0);
	pt_ex_run_free(&run);
	pt_ex_scenario_free(sc);
}

/* review (attack 1): a run makes at most PT_EX_MAX_SIM_MADE decisions that reach the simulation
 * (the simulation's own fit beside them), so its reruns and its report never fail; log entries go on */
static void test_sim_decision_cap(void)
{
	struct pt_ex_scenario *sc = scenario(1);
	struct pt_ex_run run;
	struct log l;
	int i;
	log_reset(&l, sc);
	CHECK_INT(pt_ex_run_init(&run, sc), PT_OK);
	pt_ex_run_advance(&run, 30, on_event, &l);
	for (i = 0; i < PT_EX_MAX_SIM_MADE; i++) {
		log_reset(&l, sc);
		CHECK_INT(decide(&run, "ambulances", "ems", i % 2 ? "12" : "14", &l), PT_OK);
	}
	log_reset(&l, sc);
	CHECK_INT(decide(&run, "ambulances", "ems", "12", &l), PT_ELIMIT);
	CHECK_STR(diag.field, "decision");
	CHECK_INT(decide(&run, "note", "ems", "", &l), PT_OK);
	pt_ex_run_free(&run);
	pt_ex_scenario_free(sc);
}

/* issue 15 review 3: undecided entries apply from the attack until a decision sets the path */
static void test_undecided(void)
{
	static struct pt_mci_scenario sim, out;
	struct pt_ex_scenario *sc = scenario(1);
	struct pt_ex_made made;
	struct pt_ex_undecided und[1];
	memset(&made, 0, sizeof made);
	sim_base(&sim);
	und[0].path = dup(sc, "response.ambulances");
	und[0].value = dup(sc, "3");
	sc->undecided = und;
	sc->n_undecided = 1;
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_OK);
	CHECK_INT(pt_ex_scenario_check_sim(sc, &sim, &diag), PT_OK);
	/* nothing decided: 3 ambulances from minute 0 */
	CHECK_INT(pt_ex_sim_scenario(sc, &sim, NULL, 0, &out, &diag), PT_OK);
	CHECK_INT(out.response.ambulances, 3);
	/* decided at 00:30 (simulation minute 20): 3 until then, then 12 */
	made.decision = 1;
	made.t_min = 30;
	strcpy(made.value, "12");
	strcpy(made.role, "ems");
	CHECK_INT(pt_ex_sim_scenario(sc, &sim, &made, 1, &out, &diag), PT_OK);
	CHECK_INT(out.response.ambulances, 3);
	CHECK_INT((long long)out.n_decisions, 2);
	CHECK_STR(out.decisions[1].path, "response.ambulances");
	CHECK_NEAR(out.decisions[1].t_min, 20, 0);
	CHECK_STR(out.decisions[1].value, "12");
	/* a path no timed decision sets is refused, and a bad value */
	und[0].path = dup(sc, "response.ccp_staff");
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "undecided.0.path");
	und[0].path = dup(sc, "response.ambulances");
	und[0].value = dup(sc, "lots");
	CHECK_INT(pt_ex_scenario_check_sim(sc, &sim, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "undecided.0.value");
	/* attack review 2, finding 9: checked against the decision setting the path (0 to 100),
	 * no spaces around it */
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "undecided.0.value");
	CHECK(strstr(diag.msg, "not a number") != NULL && strstr(diag.msg, "decision ambulances") != NULL);
	und[0].value = dup(sc, "2000");
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "undecided.0.value");
	CHECK(strstr(diag.msg, "out of range for ambulances (from 0 to 100)") != NULL);
	und[0].value = dup(sc, " 4");
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "undecided.0.value");
	CHECK_STR(diag.msg, "spaces before or after the value");
	und[0].value = dup(sc, "4 ");
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_EINVAL);
	und[0].value = dup(sc, "100");
	CHECK_INT(pt_ex_scenario_check(sc, &diag), PT_OK);
	sc->undecided = NULL;
	sc->n_undecided = 0;
	pt_ex_scenario_free(sc);
}

/* The {sim:...} values of a test: dead 7, ambulances_used 0, time 95 (01:35), nothing else. */
static int sim_values(void *ctx, const char *name, long long *v)
{
	(void)ctx;
	if (strcmp(name, "dead") == 0)
		*v = 7;
	else if (strcmp(name, "time") == 0)
		*v = 95;
	else if (strcmp(name, "ambulances_used") == 0)
		*v = 0;
	else
		return 0;
	return 1;
}

/* issue 15 review 4: placeholders checked and filled from the decisions in force and the figures */
static void test_text_fill(void)
{
	struct pt_ex_scenario *sc = scenario(1);
	struct pt_ex_made made[2];
	char out[256], why[160];
	memset(made, 0, sizeof made);
	made[0].decision = 1;
	made[0].t_min = 10;
	strcpy(made[0].value, "12");
	made[1].decision = 1;
	made[1].t_min = 40;
	strcpy(made[1].value, "30");
	CHECK_INT(pt_ex_text_check(sc, "{decision:ambulances|none} sent, {sim:dead|?} dead, {{x}", why,
				   sizeof why),
		  PT_OK);
	/* at 00:30 the decision in force is the first; the one at 00:40 is not made yet */
	pt_ex_text_fill(sc, "Control: {decision:ambulances|no} ambulances, {sim:dead|an unknown number of} dead, {sim:hot_zone|many} inside, {sim:ambulances_used|?} used {{sic}.",
			made, 2, 30, sim_values, NULL, out, sizeof out);
	CHECK_STR(out, "Control: 12 ambulances, 7 dead, many inside, 0 used {sic}.");
	pt_ex_text_fill(sc, "{decision:ambulances|no} ambulances", made, 2, 40, NULL, NULL, out,
			sizeof out);
	CHECK_STR(out, "30 ambulances");
	pt_ex_text_fill(sc, "{decision:ambulances|no} ambulances; {sim:dead|unknown}", made, 2, 5,
			NULL, NULL, out, sizeof out);
	CHECK_STR(out, "no ambulances; unknown");
	/* review 15B item 4: the figures' scenario time as HH:MM, the fallback before any */
	CHECK_INT(pt_ex_text_check(sc, "count at {sim:time|the start}", why, sizeof why), PT_OK);
	pt_ex_text_fill(sc, "count at {sim:time|the start}: {sim:dead|?} dead", made, 2, 95,
			sim_values, NULL, out, sizeof out);
	CHECK_STR(out, "count at 01:35: 7 dead");
	pt_ex_text_fill(sc, "count at {sim:time|the start}", made, 2, 5, NULL, NULL, out,
			sizeof out);
	CHECK_STR(out, "count at the start");
	/* a decision without a value reads "yes" */
	made[0].decision = 0;
	made[0].value[0] = '\0';
	pt_ex_text_fill(sc, "safe: {decision:scene_safe|not yet}", made, 1, 30, NULL, NULL, out,
			sizeof out);
	CHECK_STR(out, "safe: yes");
	/* truncated, never overrun */
	pt_ex_text_fill(sc, "{decision:scene_safe|not yet} and more", made, 1, 30, NULL, NULL, out, 6);
	CHECK_STR(out, "yes a");
	/* errors */
	CHECK_INT(pt_ex_text_check(sc, "{decision:nope|x}", why, sizeof why), PT_EINVAL);
	CHECK_STR(why, "{decision:nope}: not a decision of the scenario");
	CHECK_INT(pt_ex_text_check(sc, "{sim:deaths|x}", why, sizeof why), PT_EINVAL);
	CHECK_STR(why, "{sim:deaths}: not a simulated figure (docs/exercises.md lists them)");
	CHECK_INT(pt_ex_text_check(sc, "{sim:dead}", why, sizeof why), PT_EINVAL);
	CHECK_INT(pt_ex_text_check(sc, "{sim:dead|x", why, sizeof why), PT_EINVAL);
	CHECK_STR(why, "a placeholder is not closed with }");
	CHECK_INT(pt_ex_text_check(sc, "{weather:rain|x}", why, sizeof why), PT_EINVAL);
	CHECK_INT(pt_ex_text_check(sc, "a { b", why, sizeof why), PT_EINVAL);
	CHECK(pt_ex_sim_name_known("arrived_0") && pt_ex_sim_name_known("arrived_31"));
	CHECK(!pt_ex_sim_name_known("arrived_32") && !pt_ex_sim_name_known("arrived_01") &&
	      !pt_ex_sim_name_known("arrived_") && !pt_ex_sim_name_known("arrived_1x"));
	pt_ex_scenario_free(sc);
}

int main(void)
{
	RUN(test_clock);
	RUN(test_clock_suspend);
	RUN(test_fixture_valid);
	RUN(test_event_names);
	RUN(test_schedule_without_decisions);
	RUN(test_sim_reruns);
	RUN(test_trigger_skip);
	RUN(test_shift);
	RUN(test_contingency);
	RUN(test_decision_value);
	RUN(test_sim_scenario);
	RUN(test_shift_attack);
	RUN(test_sim_decision_cap);
	RUN(test_undecided);
	RUN(test_text_fill);
	return TEST_SUMMARY("test_exercise_run");
}
