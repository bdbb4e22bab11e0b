/* pt_exercise_run.c - an exercise run (issue 15): the facilitator's clock as a
 * function of wall time given by the caller, and the run engine that delivers
 * injects, fires or cancels contingencies, records decisions and says when the
 * simulation reruns; plus the simulation scenario of a set of decisions. Pure. */
#include "pt_exercise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the clock ------------------------------------------------------------ */

void pt_ex_clock_init(struct pt_ex_clock *c)
{
	memset(c, 0, sizeof *c);
	c->state = PT_EX_CLOCK_READY;
	c->speed = 1;
}

double pt_ex_clock_now(const struct pt_ex_clock *c, int64_t now_ms)
{
	double elapsed;
	if (c->state != PT_EX_CLOCK_RUNNING)
		return c->base_min;
	/* a wall clock stepped back never moves the scenario backwards */
	elapsed = now_ms > c->base_wall_ms ? (double)(now_ms - c->base_wall_ms) / 60000.0 : 0;
	return c->base_min + elapsed * c->speed;
}

/* Rebase at now_ms: the scenario minute reached becomes base_min. */
static void rebase(struct pt_ex_clock *c, int64_t now_ms)
{
	c->base_min = pt_ex_clock_now(c, now_ms);
	c->base_wall_ms = now_ms;
}

static enum pt_err clock_state_error(const struct pt_ex_clock *c, struct pt_diag *d,
				     const char *msg)
{
	if (c->state == PT_EX_CLOCK_ENDED)
		return pt_diag_put(d, PT_ECONFLICT, 0, "clock", "the run has ended (ENDEX is final)");
	return pt_diag_put(d, PT_ECONFLICT, 0, "clock", msg);
}

enum pt_err pt_ex_clock_start(struct pt_ex_clock *c, int64_t now_ms, struct pt_diag *d)
{
	if (c->state != PT_EX_CLOCK_READY)
		return clock_state_error(c, d, "the clock has started already");
	c->base_wall_ms = now_ms;
	c->state = PT_EX_CLOCK_RUNNING;
	return PT_OK;
}

enum pt_err pt_ex_clock_pause(struct pt_ex_clock *c, int64_t now_ms, struct pt_diag *d)
{
	if (c->state != PT_EX_CLOCK_RUNNING)
		return clock_state_error(c, d, "the clock is not running");
	rebase(c, now_ms);
	c->state = PT_EX_CLOCK_PAUSED;
	return PT_OK;
}

enum pt_err pt_ex_clock_resume(struct pt_ex_clock *c, int64_t now_ms, struct pt_diag *d)
{
	if (c->state != PT_EX_CLOCK_PAUSED)
		return clock_state_error(c, d, "the clock is not paused");
	c->base_wall_ms = now_ms;
	c->state = PT_EX_CLOCK_RUNNING;
	return PT_OK;
}

enum pt_err pt_ex_clock_speed(struct pt_ex_clock *c, int64_t now_ms, double speed,
			      struct pt_diag *d)
{
	if (c->state == PT_EX_CLOCK_ENDED)
		return clock_state_error(c, d, "");
	if (!(speed >= PT_EX_SPEED_MIN && speed <= PT_EX_SPEED_MAX))
		return pt_diag_put(d, PT_EINVAL, 0, "speed",
				   "must be 0.1 to 60 scenario minutes per wall minute");
	if (c->state == PT_EX_CLOCK_RUNNING)
		rebase(c, now_ms);
	c->speed = speed;
	return PT_OK;
}

enum pt_err pt_ex_clock_suspend(struct pt_ex_clock *c, int64_t now_ms, struct pt_diag *d)
{
	if (c->state == PT_EX_CLOCK_READY)
		return pt_diag_put(d, PT_ECONFLICT, 0, "clock",
				   "the clock has not started: there is nothing to suspend");
	if (c->state == PT_EX_CLOCK_ENDED)
		return clock_state_error(c, d, "");
	if (c->state == PT_EX_CLOCK_RUNNING)
		rebase(c, now_ms);
	c->state = PT_EX_CLOCK_PAUSED;
	return PT_OK;
}

enum pt_err pt_ex_clock_end(struct pt_ex_clock *c, int64_t now_ms, struct pt_diag *d)
{
	if (c->state == PT_EX_CLOCK_ENDED)
		return clock_state_error(c, d, "");
	if (c->state == PT_EX_CLOCK_RUNNING)
		rebase(c, now_ms);
	else
		c->base_wall_ms = now_ms;
	c->state = PT_EX_CLOCK_ENDED;
	return PT_OK;
}

int64_t pt_ex_clock_wall_until(const struct pt_ex_clock *c, int64_t now_ms, double t)
{
	double now, ms;
	if (c->state != PT_EX_CLOCK_RUNNING || !(c->speed > 0))
		return INT64_MAX;
	now = pt_ex_clock_now(c, now_ms);
	if (!(t > now))
		return 0;
	ms = ceil((t - now) / c->speed * 60000.0);
	if (!(ms < 9.0e18))
		return INT64_MAX;
	return (int64_t)ms;
}

/* ---- the run engine ------------------------------------------------------- */

static const char *const event_names[] = {
	"start", "pause", "resume", "speed", "shift", "inject",
	"skip", "cancel", "decision", "done", "sim_due", "endex", "suspend",
};

const char *pt_ex_event_kind_name(enum pt_ex_event_kind k)
{
	if ((size_t)k >= sizeof event_names / sizeof event_names[0])
		return "";
	return event_names[k];
}

static void emit(pt_ex_event_fn fn, void *ctx, enum pt_ex_event_kind kind, double t,
		 uint32_t inject, uint32_t made, double value)
{
	struct pt_ex_event ev;
	if (!fn)
		return;
	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.t_min = t;
	ev.inject = inject;
	ev.made = made;
	ev.value = value;
	fn(ctx, &ev);
}

enum pt_err pt_ex_run_init(struct pt_ex_run *run, const struct pt_ex_scenario *sc)
{
	size_t i;
	memset(run, 0, sizeof *run);
	run->sc = sc;
	run->inj = calloc(sc->n_injects + 1, sizeof *run->inj);
	if (!run->inj)
		return PT_ENOMEM;
	for (i = 0; i < sc->n_injects; i++) {
		struct pt_ex_run_inject *ri = &run->inj[i];
		ri->status = PT_EX_PENDING;
		ri->due_min = sc->injects[i].t_min;
		ri->deadline_min = sc->injects[i].deadline_min >= 0 ? sc->injects[i].deadline_min : -1;
		ri->delivered_min = -1;
		ri->done_min = -1;
		ri->done_by = UINT32_MAX;
	}
	run->now_min = 0;
	run->end_min = sc->duration_min;
	run->next_sim_min = sc->simulation ? sc->sim_start_min : -1;
	run->ended = 0;
	run->sim_start_min = sc->sim_start_min;
	return PT_OK;
}

void pt_ex_run_free(struct pt_ex_run *run)
{
	if (!run)
		return;
	free(run->inj);
	free(run->made);
	run->inj = NULL;
	run->made = NULL;
	run->n_made = run->cap_made = 0;
}

/* Nonzero when decision index i reaches the simulation. */
static int reaches_sim(const struct pt_ex_scenario *sc, uint32_t i)
{
	return i < sc->n_decisions && sc->decisions[i].apply != PT_EX_APPLY_LOG &&
	       sc->decisions[i].path && sc->decisions[i].path[0];
}

/*
 * A simulation rerun at t with the decisions made so far, unless the run has
 * no simulation or one was due at this minute with these decisions already:
 * the last decision made reached the simulation at t.
 */
static void sim_due(struct pt_ex_run *run, double t, pt_ex_event_fn fn, void *ctx)
{
	const struct pt_ex_scenario *sc = run->sc;
	if (!sc->simulation)
		return;
	if (run->n_made && run->made[run->n_made - 1].t_min == t &&
	    reaches_sim(sc, run->made[run->n_made - 1].decision))
		return;
	emit(fn, ctx, PT_EX_EV_SIM_DUE, t, UINT32_MAX, UINT32_MAX, (double)run->n_made);
}

/* Nonzero when inject i is a contingency whose parent's expected action was done. */
static int contingency_unneeded(const struct pt_ex_run *run, size_t i)
{
	const struct pt_ex_inject *in = &run->sc->injects[i];
	int p;
	if (!in->contingency_of)
		return 0;
	p = pt_ex_inject_find(run->sc, in->contingency_of);
	return p >= 0 && run->inj[p].done_min >= 0;
}

/* Cancel the pending contingencies of inject p (its expected action is done) now. */
static void cancel_contingencies(struct pt_ex_run *run, size_t p, pt_ex_event_fn fn, void *ctx)
{
	const struct pt_ex_scenario *sc = run->sc;
	size_t i;
	for (i = 0; i < sc->n_injects; i++)
		if (sc->injects[i].contingency_of == sc->injects[p].seq &&
		    run->inj[i].status == PT_EX_PENDING) {
			run->inj[i].status = PT_EX_CANCELLED;
			run->inj[i].delivered_min = run->now_min;
			emit(fn, ctx, PT_EX_EV_CANCEL, run->now_min, (uint32_t)i, UINT32_MAX, 0);
		}
}

static void deliver(struct pt_ex_run *run, size_t i, pt_ex_event_fn fn, void *ctx)
{
	run->inj[i].status = PT_EX_DELIVERED;
	run->inj[i].delivered_min = run->now_min;
	emit(fn, ctx, PT_EX_EV_INJECT, run->now_min, (uint32_t)i, UINT32_MAX, 0);
}

/* The pending inject due at or before t that comes first in (due, seq) order, or -1. */
static long first_due(const struct pt_ex_run *run, double t)
{
	const struct pt_ex_scenario *sc = run->sc;
	long best = -1;
	size_t i;
	for (i = 0; i < sc->n_injects; i++) {
		const struct pt_ex_run_inject *ri = &run->inj[i];
		if (ri->status != PT_EX_PENDING || ri->due_min > t)
			continue;
		if (best < 0 || ri->due_min < run->inj[best].due_min ||
		    (ri->due_min == run->inj[best].due_min &&
		     sc->injects[i].seq < sc->injects[best].seq))
			best = (long)i;
	}
	return best;
}

void pt_ex_run_advance(struct pt_ex_run *run, double t, pt_ex_event_fn fn, void *ctx)
{
	const struct pt_ex_scenario *sc = run->sc;
	if (!(t >= run->now_min))
		return; /* never backwards (nor to NaN) */
	while (!run->ended) {
		double at = run->end_min;
		int sim_now;
		long i;
		size_t k;
		if (run->next_sim_min >= 0 && run->next_sim_min < at)
			at = run->next_sim_min;
		for (k = 0; k < sc->n_injects; k++)
			if (run->inj[k].status == PT_EX_PENDING && run->inj[k].due_min < at)
				at = run->inj[k].due_min;
		if (at > t)
			break;
		if (at < run->now_min)
			at = run->now_min; /* overdue: now */
		run->now_min = at;
		/* ties: the simulation rerun, then contingencies cancelled, then deliveries */
		sim_now = run->next_sim_min >= 0 && run->next_sim_min <= at;
		if (sim_now) {
			sim_due(run, at, fn, ctx);
			if (sc->sim_every_min > 0)
				while (run->next_sim_min <= at)
					run->next_sim_min += sc->sim_every_min;
			else
				run->next_sim_min = -1;
		}
		for (k = 0; k < sc->n_injects; k++)
			if (run->inj[k].status == PT_EX_PENDING && run->inj[k].due_min <= at &&
			    contingency_unneeded(run, k)) {
				run->inj[k].status = PT_EX_CANCELLED;
				run->inj[k].delivered_min = at;
				emit(fn, ctx, PT_EX_EV_CANCEL, at, (uint32_t)k, UINT32_MAX, 0);
			}
		while ((i = first_due(run, at)) >= 0)
			deliver(run, (size_t)i, fn, ctx);
		if (at >= run->end_min) {
			run->ended = 1;
			emit(fn, ctx, PT_EX_EV_ENDEX, at, UINT32_MAX, UINT32_MAX, 0);
		}
	}
	if (!run->ended && t > run->now_min)
		run->now_min = t;
}

/* Grow run->made to hold one more (at most PT_EX_MAX_MADE). */
static enum pt_err made_reserve(struct pt_ex_run *run, struct pt_diag *d)
{
	struct pt_ex_made *m;
	size_t cap;
	if (run->n_made >= PT_EX_MAX_MADE)
		return pt_diag_put(d, PT_ELIMIT, 0, "decisions", "more than 4096 decisions in one run");
	if (run->n_made < run->cap_made)
		return PT_OK;
	cap = run->cap_made ? run->cap_made * 2 : 16;
	if (cap > PT_EX_MAX_MADE)
		cap = PT_EX_MAX_MADE;
	m = realloc(run->made, cap * sizeof *m);
	if (!m)
		return pt_diag_put(d, PT_ENOMEM, 0, "", "out of memory");
	run->made = m;
	run->cap_made = cap;
	return PT_OK;
}

static enum pt_err ended_error(struct pt_diag *d)
{
	return pt_diag_put(d, PT_ECONFLICT, 0, "run", "the run has ended (ENDEX is final)");
}

/* issue 15: decision_value */
int pt_ex_value_satisfies(const struct pt_ex_scenario *sc, const struct pt_ex_inject *in,
			  const char *value)
{
	int k;
	char *end;
	double a, b;
	if (!in->satisfied_value || pt_ex_value_is_any(in->satisfied_value))
		return 1;
	k = in->satisfied_by ? pt_ex_decision_find(sc, in->satisfied_by) : -1;
	if (k >= 0 && sc->decisions[k].kind == PT_EX_VALUE_NUMBER) {
		a = strtod(in->satisfied_value, &end);
		if (*end)
			return 0;
		b = strtod(value, &end);
		return !*end && a == b;
	}
	return strcmp(in->satisfied_value, value) == 0;
}

enum pt_err pt_ex_run_decide(struct pt_ex_run *run, size_t decision, const char *role,
			     const char *value, pt_ex_event_fn fn, void *ctx, struct pt_diag *d)
{
	const struct pt_ex_scenario *sc = run->sc;
	char canon[PT_MCI_VALUE_MAX];
	struct pt_ex_made *m;
	uint32_t index;
	enum pt_err err;
	size_t i;

	if (run->ended)
		return ended_error(d);
	if (decision >= sc->n_decisions)
		return pt_diag_put(d, PT_EINVAL, 0, "decision", "no such decision");
	if ((err = pt_ex_decision_value(sc, decision, role ? role : "", value ? value : "", canon,
					d)) != PT_OK)
		return err;
	if (sc->decisions[decision].apply == PT_EX_APPLY_TIMED) {
		/* review (attack 1): past the simulation's room, every rerun and the report failed */
		size_t timed = 0;
		for (i = 0; i < run->n_made; i++)
			if (sc->decisions[run->made[i].decision].apply == PT_EX_APPLY_TIMED)
				timed++;
		if (timed >= PT_EX_MAX_SIM_MADE)
			return pt_diag_put(d, PT_ELIMIT, 0, "decision",
					   "this run has made 192 decisions that reach the simulation, the most "
					   "one run may make");
	}
	if ((err = made_reserve(run, d)) != PT_OK)
		return err;
	index = (uint32_t)run->n_made;
	m = &run->made[run->n_made++];
	memset(m, 0, sizeof *m);
	m->decision = (uint32_t)decision;
	m->t_min = run->now_min;
	pt_strlcpy(m->value, canon, sizeof m->value);
	pt_strlcpy(m->role, role ? role : "", sizeof m->role);
	emit(fn, ctx, PT_EX_EV_DECISION, run->now_min, UINT32_MAX, index, 0);
	/* the expected actions it satisfies, delivered or not yet */
	for (i = 0; i < sc->n_injects; i++) {
		const struct pt_ex_inject *in = &sc->injects[i];
		struct pt_ex_run_inject *ri = &run->inj[i];
		if (!in->satisfied_by || strcmp(in->satisfied_by, sc->decisions[decision].id) != 0 ||
		    !pt_ex_value_satisfies(sc, in, m->value) ||
		    !in->expected_action || !in->expected_action[0] || ri->done_min >= 0 ||
		    ri->status == PT_EX_CANCELLED)
			continue;
		ri->done_min = run->now_min;
		ri->done_by = index;
		emit(fn, ctx, PT_EX_EV_DONE, run->now_min, (uint32_t)i, index, 0);
		cancel_contingencies(run, i, fn, ctx);
	}
	if (reaches_sim(sc, m->decision) && sc->simulation)
		emit(fn, ctx, PT_EX_EV_SIM_DUE, run->now_min, UINT32_MAX, UINT32_MAX,
		     (double)run->n_made);
	return PT_OK;
}

enum pt_err pt_ex_run_mark_done(struct pt_ex_run *run, size_t i, pt_ex_event_fn fn, void *ctx,
				struct pt_diag *d)
{
	const struct pt_ex_scenario *sc = run->sc;
	if (run->ended)
		return ended_error(d);
	if (i >= sc->n_injects)
		return pt_diag_put(d, PT_EINVAL, 0, "inject", "no such inject");
	if (!sc->injects[i].expected_action || !sc->injects[i].expected_action[0])
		return pt_diag_put(d, PT_EINVAL, 0, "inject", "the inject expects no action");
	if (run->inj[i].done_min >= 0)
		return pt_diag_put(d, PT_ECONFLICT, 0, "inject", "its expected action is done already");
	if (run->inj[i].status == PT_EX_CANCELLED)
		return pt_diag_put(d, PT_ECONFLICT, 0, "inject", "the inject was cancelled");
	run->inj[i].done_min = run->now_min;
	run->inj[i].done_by = UINT32_MAX;
	emit(fn, ctx, PT_EX_EV_DONE, run->now_min, (uint32_t)i, UINT32_MAX, 0);
	cancel_contingencies(run, i, fn, ctx);
	return PT_OK;
}

/* Inject i exists and is pending in a run that goes on. */
static enum pt_err pending_check(const struct pt_ex_run *run, size_t i, struct pt_diag *d)
{
	if (run->ended)
		return ended_error(d);
	if (i >= run->sc->n_injects)
		return pt_diag_put(d, PT_EINVAL, 0, "inject", "no such inject");
	if (run->inj[i].status != PT_EX_PENDING)
		return pt_diag_put(d, PT_ECONFLICT, 0, "inject",
				   run->inj[i].status == PT_EX_DELIVERED ? "delivered already"
				   : run->inj[i].status == PT_EX_SKIPPED ? "skipped already"
									  : "cancelled: not needed");
	return PT_OK;
}

enum pt_err pt_ex_run_trigger(struct pt_ex_run *run, size_t i, pt_ex_event_fn fn, void *ctx,
			      struct pt_diag *d)
{
	enum pt_err err = pending_check(run, i, d);
	if (err != PT_OK)
		return err;
	deliver(run, i, fn, ctx);
	return PT_OK;
}

enum pt_err pt_ex_run_skip(struct pt_ex_run *run, size_t i, pt_ex_event_fn fn, void *ctx,
			   struct pt_diag *d)
{
	enum pt_err err = pending_check(run, i, d);
	if (err != PT_OK)
		return err;
	run->inj[i].status = PT_EX_SKIPPED;
	run->inj[i].delivered_min = run->now_min;
	emit(fn, ctx, PT_EX_EV_SKIP, run->now_min, (uint32_t)i, UINT32_MAX, 0);
	return PT_OK;
}

/* "PREFIX N SUFFIX" into buf (size > 64) with N a whole number >= 0; no stdio in core. */
static void message_with_number(char *buf, size_t size, const char *prefix, double n,
				const char *suffix)
{
	char digits[32];
	size_t nd = 0, len;
	unsigned long long v = n > 0 && n < 1e18 ? (unsigned long long)n : 0;
	do {
		digits[nd++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v && nd < sizeof digits);
	pt_strlcpy(buf, prefix, size);
	len = strlen(buf);
	while (nd && len + 1 < size)
		buf[len++] = digits[--nd];
	buf[len] = '\0';
	if (len + 1 < size)
		pt_strlcpy(buf + len, suffix, size - len);
}

enum pt_err pt_ex_run_shift(struct pt_ex_run *run, double delta, pt_ex_event_fn fn, void *ctx,
			    struct pt_diag *d)
{
	const struct pt_ex_scenario *sc = run->sc;
	double earliest = run->end_min, latest = run->end_min;
	int attack_ahead = run->sim_start_min > run->now_min;
	size_t i;

	if (run->ended)
		return ended_error(d);
	if (!isfinite(delta))
		return pt_diag_put(d, PT_EINVAL, 0, "minutes", "a number of minutes expected");
	if (attack_ahead && run->sim_start_min < earliest)
		earliest = run->sim_start_min;
	/* the pending schedule: every pending inject, its deadline, and the end */
	for (i = 0; i < sc->n_injects; i++) {
		const struct pt_ex_run_inject *ri = &run->inj[i];
		if (ri->status != PT_EX_PENDING)
			continue;
		if (ri->due_min < earliest)
			earliest = ri->due_min;
		if (ri->due_min > latest)
			latest = ri->due_min;
		if (ri->deadline_min > latest)
			latest = ri->deadline_min;
	}
	if (earliest + delta < run->now_min) {
		char msg[160];
		double most = floor(earliest - run->now_min);
		if (most < 0)
			most = 0;
		message_with_number(msg, sizeof msg, "would move pending injects into the past: at most ",
				    most, " minutes back");
		return pt_diag_put(d, PT_EINVAL, 0, "minutes", msg);
	}
	if (latest + delta > PT_EX_TIME_MAX)
		return pt_diag_put(d, PT_EINVAL, 0, "minutes",
				   "would move the schedule past the latest scenario time (336:00)");
	for (i = 0; i < sc->n_injects; i++) {
		struct pt_ex_run_inject *ri = &run->inj[i];
		if (ri->status != PT_EX_PENDING)
			continue;
		ri->due_min += delta;
		if (ri->deadline_min >= 0)
			ri->deadline_min += delta;
	}
	run->end_min += delta;
	/* the attack, still to come, moves with the schedule; the periodic reruns start from it */
	if (attack_ahead) {
		if (run->next_sim_min >= 0 && run->next_sim_min == run->sim_start_min)
			run->next_sim_min += delta;
		run->sim_start_min += delta;
	}
	emit(fn, ctx, PT_EX_EV_SHIFT, run->now_min, UINT32_MAX, UINT32_MAX, delta);
	return PT_OK;
}

enum pt_err pt_ex_run_endex(struct pt_ex_run *run, pt_ex_event_fn fn, void *ctx, struct pt_diag *d)
{
	if (run->ended)
		return ended_error(d);
	run->ended = 1;
	emit(fn, ctx, PT_EX_EV_ENDEX, run->now_min, UINT32_MAX, UINT32_MAX, 0);
	return PT_OK;
}

/* ---- the simulation scenario of a set of decisions ---------------------------- */

/* t >= 0 as shortest decimal text ("45", "45.5"), at most 6 decimals; no stdio in core. */
static void minutes_text(double t, char out[PT_MCI_VALUE_MAX])
{
	unsigned long long whole, frac;
	char digits[32];
	size_t nd = 0, len = 0;
	int places = 6;
	double r = floor(t * 1e6 + 0.5) / 1e6;
	whole = (unsigned long long)floor(r);
	frac = (unsigned long long)floor((r - floor(r)) * 1e6 + 0.5);
	if (frac >= 1000000ULL) {
		whole++;
		frac = 0;
	}
	do {
		digits[nd++] = (char)('0' + (int)(whole % 10));
		whole /= 10;
	} while (whole && nd < sizeof digits);
	while (nd)
		out[len++] = digits[--nd];
	if (frac) {
		while (frac % 10 == 0) {
			frac /= 10;
			places--;
		}
		out[len++] = '.';
		nd = 0;
		while (places-- > 0) {
			digits[nd++] = (char)('0' + (int)(frac % 10));
			frac /= 10;
		}
		while (nd)
			out[len++] = digits[--nd];
	}
	out[len] = '\0';
}

enum pt_err pt_ex_sim_scenario(const struct pt_ex_scenario *sc, const struct pt_mci_scenario *sim,
			       const struct pt_ex_made *made, size_t n, struct pt_mci_scenario *out,
			       struct pt_diag *d)
{
	return pt_ex_sim_scenario_at(sc, sc->sim_start_min, sim, made, n, out, d);
}

enum pt_err pt_ex_sim_scenario_at(const struct pt_ex_scenario *sc, double sim_start_min,
				  const struct pt_mci_scenario *sim, const struct pt_ex_made *made,
				  size_t n, struct pt_mci_scenario *out, struct pt_diag *d)
{
	enum pt_err err;
	size_t k;

	*out = *sim;
	/* issue 15 review 3: the response in force until decided, from the attack on */
	for (k = 0; k < sc->n_undecided; k++)
		if ((err = pt_mci_set(out, sc->undecided[k].path, sc->undecided[k].value, d)) != PT_OK)
			return err;
	for (k = 0; k < n; k++) {
		const struct pt_ex_decision *dc;
		double t;
		if (made[k].decision >= sc->n_decisions)
			return pt_diag_put(d, PT_EINVAL, 0, "decision", "no such decision");
		dc = &sc->decisions[made[k].decision];
		if (!reaches_sim(sc, made[k].decision))
			continue;
		if (strlen(dc->path) >= PT_MCI_PATH_MAX)
			return pt_diag_put(d, PT_EINVAL, 0, "path", "longer than 95 bytes");
		/* scenario minute t is simulation minute t - sim_start_min, never negative */
		t = made[k].t_min - sim_start_min;
		if (!(t > 0))
			t = 0;
		if (dc->apply == PT_EX_APPLY_AT_TIME) {
			char value[PT_MCI_VALUE_MAX];
			minutes_text(t, value);
			if ((err = pt_mci_set(out, dc->path, value, d)) != PT_OK)
				return err;
			continue;
		}
		if (out->n_decisions >= PT_MCI_MAX_DECISIONS)
			return pt_diag_put(d, PT_ELIMIT, 0, "decisions",
					   "more than 256 decisions reach the simulation");
		{
			struct pt_mci_decision *md = &out->decisions[out->n_decisions++];
			memset(md, 0, sizeof *md);
			md->t_min = t;
			pt_strlcpy(md->path, dc->path, sizeof md->path);
			pt_strlcpy(md->value, made[k].value, sizeof md->value);
		}
	}
	return pt_mci_check(out, d);
}
