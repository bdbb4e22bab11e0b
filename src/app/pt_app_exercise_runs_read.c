/* pt_app_exercise_runs_read.c - live exercise runs (issue 15): what a run's
 * participants read and write besides the clock: list and get as the caller
 * may see them, the event stream, responses, ICS 214 logs, observations,
 * ratings, the improvement plan, simulation reruns and exercise alerts. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_exercise_io.h"
#include "../formats/pt_exercise_run_io.h"
#include "../formats/pt_scenario_io.h"
#include "../store/pt_audit.h"
#include "../store/pt_measures_store.h"
#include "../store/pt_user_store.h"
#include "pt_app_alerts_int.h"
#include "pt_app_audit.h"
#include "pt_app_exercise_report_int.h"
#include "pt_app_exercise_runs.h"
#include "pt_app_exercise_runs_int.h"
#include "pt_app_simulate.h"
#include "../formats/pt_sim_situation.h"

static enum pt_err nomem(struct pt_diag *d)
{
	return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
}

/* ---- names ---- */

static const char *const obs_names[] = {"observation", "strength", "improvement"};
static const char *const rating_names[] = {"P", "S", "M", "U"};
static const char *const element_names[] = {"planning", "organisation", "equipment", "training",
					    "exercise"};

const char *pt_app_run_obs_kind_name(enum pt_run_obs_kind k)
{
	return (unsigned)k < 3 ? obs_names[k] : "";
}

enum pt_err pt_app_run_obs_kind_parse(const char *s, enum pt_run_obs_kind *out)
{
	for (unsigned i = 0; s && i < 3; i++)
		if (strcmp(s, obs_names[i]) == 0) {
			*out = (enum pt_run_obs_kind)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

const char *pt_app_run_rating_name(enum pt_run_rating r)
{
	return (unsigned)r < 4 ? rating_names[r] : "";
}

enum pt_err pt_app_run_rating_parse(const char *s, enum pt_run_rating *out)
{
	for (unsigned i = 0; s && s[0] && !s[1] && i < 4; i++)
		if ((s[0] & ~0x20) == rating_names[i][0]) {
			*out = (enum pt_run_rating)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

const char *pt_app_run_element_name(enum pt_run_element e)
{
	return (unsigned)e < 5 ? element_names[e] : "";
}

enum pt_err pt_app_run_element_parse(const char *s, enum pt_run_element *out)
{
	for (unsigned i = 0; s && i < 5; i++)
		if (strcmp(s, element_names[i]) == 0) {
			*out = (enum pt_run_element)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

/* ---- shared ---- */

static const char *const clock_names[] = {"ready", "running", "paused", "ended"};

static void summary_fill(const struct pt_db_run *row, const struct pt_ex_clock *clk,
			 enum pt_run_view view, int64_t now_ms, struct pt_app_run_summary *s)
{
	memset(s, 0, sizeof *s);
	s->id = row->id;
	pt_strlcpy_utf8(s->title, row->title, sizeof s->title);
	pt_strlcpy_utf8(s->scenario_id, row->scenario_id, sizeof s->scenario_id);
	if (pt_tlp_parse(row->tlp, &s->tlp) != PT_OK)
		s->tlp = PT_TLP_RED;
	s->clock = *clk;
	s->now_min = pt_ex_clock_now(clk, now_ms);
	s->ended = row->ended;
	s->created_at = row->created_at;
	pt_strlcpy_utf8(s->created_by, row->created_by_name, sizeof s->created_by);
	s->view = view;
}

/* The clock of a stored row. */
static void row_clock(const struct pt_db_run *row, struct pt_ex_clock *clk)
{
	pt_ex_clock_init(clk);
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(row->clock_state, clock_names[i]) == 0)
			clk->state = (enum pt_ex_clock_state)i;
	clk->base_wall_ms = row->base_wall_ms;
	clk->base_min = row->base_min;
	clk->speed = row->speed;
}

/* Text of 1 to PT_APP_RUN_TEXT_MAX - 1 bytes (pt_app_run_text_check), else PT_EINVAL naming field. */
static enum pt_err text_ok(const char *s, const char *field, struct pt_diag *d)
{
	if (!s || !s[0])
		return pt_diag_set(d, PT_EINVAL, 0, field, "must not be empty");
	if (strlen(s) >= PT_APP_RUN_TEXT_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, field, "at most %d bytes", PT_APP_RUN_TEXT_MAX - 1);
	return pt_app_run_text_check(s, 1, field, d);
}

/* A scenario minute given by the caller (< 0: now), not later than now. */
static enum pt_err minute_of(const struct pt_app_run_loaded *L, int64_t now_ms, double t_min,
			     double *out, struct pt_diag *d)
{
	double now = pt_ex_clock_now(&L->clock, now_ms);
	if (!isfinite(t_min))
		return pt_diag_set(d, PT_EINVAL, 0, "time", "not a number");
	if (t_min < 0) {
		*out = now;
		return PT_OK;
	}
	if (t_min > now + 1e-9) {
		char t[16];
		pt_ex_run_time_text(now, t, sizeof t); /* review finding 10: HH:MM */
		return pt_diag_set(d, PT_EINVAL, 0, "time", "later than the exercise clock (%s)", t);
	}
	*out = t_min;
	return PT_OK;
}

/* The capability target id of the scenario, its objective's capability into *cap; 0 or -1. */
static int target_find(const struct pt_ex_scenario *sc, const char *id, int *cap)
{
	for (size_t i = 0; id && i < sc->n_objectives; i++)
		for (size_t k = 0; k < sc->objectives[i].n_targets; k++)
			if (strcmp(sc->objectives[i].targets[k].id, id) == 0) {
				if (cap)
					*cap = sc->objectives[i].capability;
				return 0;
			}
	return -1;
}

/* The change of one use case: fn runs on the loaded run inside one write transaction. */
typedef enum pt_err write_fn(const struct pt_caller *c, struct pt_db *db,
			     struct pt_app_run_loaded *L, int64_t now_ms, void *ctx, char *detail,
			     size_t size, struct pt_diag *d);

static enum pt_err with_run(const struct pt_caller *c, struct pt_db *db, long long id,
			    const char *action, write_fn *fn, void *ctx,
			    struct pt_app_run_done *done, struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	int64_t now_ms = pt_app_run_now_ms(c);
	char detail[512], rid[32];
	enum pt_err err;

	snprintf(rid, sizeof rid, "%lld", id);
	detail[0] = '\0';
	if (done) {
		memset(done, 0, sizeof *done);
		done->run_id = id;
	}
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_app_run_load(c, db, id, 1, &L, d)) != PT_OK)
		goto out;
	if ((err = fn(c, db, &L, now_ms, ctx, detail, sizeof detail, d)) != PT_OK)
		goto out;
	if (L.n_pending && (err = pt_app_run_store(db, &L, now_ms, done, d)) != PT_OK)
		goto out;
	err = pt_app_run_audit(db, id, action, detail[0] ? detail : NULL, d);
out:
	err = pt_db_end(db, err, d);
	pt_app_run_unload(&L);
	return pt_app_run_refused(c, db, action, rid, err, d);
}

/* What an entry counts against (attack review 4). */
enum quota_kind { QUOTA_RESPONSE, QUOTA_LOG, QUOTA_OBSERVATION };

/*
 * Room for one more entry of kind by c in the run (docs/exercises.md, "Quotas"):
 * PT_APP_RUN_RECORDS_MAX of every kind together, PT_APP_RUN_PLAYERS_MAX of the
 * players' (player: a response or a log entry in an exercise role), and each
 * user's own caps per kind (the system administrator has none). PT_ELIMIT
 * field "run" (the run's room) or "user" (the caller's own).
 */
static enum pt_err entries_room(const struct pt_caller *c, struct pt_db *db, long long id,
				enum quota_kind kind, int player, struct pt_diag *d)
{
	static const char *const words[] = {"responses", "log entries", "observations"};
	static const long long caps[] = {PT_APP_RUN_USER_RESPONSES_MAX, PT_APP_RUN_USER_LOG_MAX,
					 PT_APP_RUN_USER_OBS_MAX};
	struct pt_db_run_entry_counts n;
	long long mine;
	enum pt_err err = pt_db_run_entry_counts(db, id, c->who.system ? 0 : c->who.user_id, &n, d);
	if (err != PT_OK)
		return err;
	if (n.all >= PT_APP_RUN_RECORDS_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "run", "a run keeps at most %d entries",
				   PT_APP_RUN_RECORDS_MAX);
	if (player && n.players >= PT_APP_RUN_PLAYERS_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "run",
				   "the run's players have written %d responses and log entries, the "
				   "most a run keeps of theirs (the rest is the evaluators' and "
				   "facilitators')",
				   PT_APP_RUN_PLAYERS_MAX);
	if (c->who.system)
		return PT_OK;
	mine = kind == QUOTA_RESPONSE ? n.user_responses
	       : kind == QUOTA_LOG    ? n.user_log
				      : n.user_observations;
	if (mine >= caps[kind])
		return pt_diag_set(d, PT_ELIMIT, 0, "user",
				   "you have written %lld %s in this run, the most one participant "
				   "may",
				   mine, words[kind]);
	return PT_OK;
}

/* ---- respond ---- */

struct respond_args {
	uint32_t seq;
	const char *role, *text;
	struct pt_app_run_done *done;
};

static enum pt_err respond_fn(const struct pt_caller *c, struct pt_db *db,
			      struct pt_app_run_loaded *L, int64_t now_ms, void *ctx, char *detail,
			      size_t size, struct pt_diag *d)
{
	struct respond_args *a = ctx;
	struct pt_db_run_entry e;
	struct pt_ex_event ev;
	char words[PT_APP_RUN_TEXT_MAX + 128];
	int r = a->role ? pt_ex_role_find(L->sc, a->role) : -1, k;
	unsigned long bit;
	enum pt_err err;
	size_t i;
	int to_role = 0;

	if (pt_access_run_play(&c->who, &L->ra, r < 0 ? 32u : (unsigned)r) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				   "you do not play the role '%s' in this run", a->role ? a->role : "");
	bit = 1ul << r;
	if (L->row.ended)
		return pt_diag_set(d, PT_ECONFLICT, 0, "clock", "the run has ended (ENDEX)");
	if ((err = pt_app_run_suspended_refuse(db, L, d)) != PT_OK)
		return err; /* review finding 9 */
	if ((err = text_ok(a->text, "text", d)) != PT_OK)
		return err;
	k = pt_ex_inject_find(L->sc, a->seq);
	if (k >= 0)
		for (i = 0; i < L->sc->injects[k].n_to; i++)
			if (strcmp(L->sc->injects[k].to[i], a->role) == 0)
				to_role = 1;
	if (k < 0 || !to_role || L->run.inj[k].status != PT_EX_DELIVERED)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "seq", "no inject %u was delivered to %s",
				   a->seq, a->role);
	if ((err = entries_room(c, db, L->row.id, QUOTA_RESPONSE, 1, d)) != PT_OK)
		return err;
	memset(&e, 0, sizeof e);
	e.run_id = L->row.id;
	pt_strlcpy_utf8(e.kind, "response", sizeof e.kind);
	e.seq = a->seq;
	pt_strlcpy_utf8(e.role, a->role, sizeof e.role);
	e.user_id = c->who.system ? 0 : c->who.user_id;
	pt_strlcpy_utf8(e.user_name, pt_app_run_who(c), sizeof e.user_name);
	pt_app_run_agency(db, c, e.agency, sizeof e.agency);
	e.capability = L->sc->injects[k].capability;
	e.t_min = pt_ex_clock_now(&L->clock, now_ms);
	e.at = now_ms / 1000;
	e.text = (char *)a->text;
	if ((err = pt_db_run_entry_add(db, &e, NULL, d)) != PT_OK)
		return err;
	memset(&ev, 0, sizeof ev);
	ev.kind = PT_EX_EV_INJECT; /* the kind "response" is given; ev carries the inject */
	ev.t_min = e.t_min;
	ev.inject = (uint32_t)k;
	ev.made = UINT32_MAX;
	snprintf(words, sizeof words, "Response to inject %u (%s): %s", a->seq, a->role, a->text);
	pt_utf8_cut(words);
	if ((err = pt_app_run_note(L, &ev, "response", bit, words, NULL, d)) != PT_OK)
		return err;
	snprintf(detail, size, "seq=%u role=%s bytes=%zu", a->seq, a->role, strlen(a->text));
	return PT_OK;
}

enum pt_err pt_app_run_respond(const struct pt_caller *c, struct pt_db *db, long long id,
			       uint32_t seq, const char *role, const char *text,
			       struct pt_app_run_done *done, struct pt_diag *d)
{
	struct respond_args a = {seq, role, text, done};
	return with_run(c, db, id, "run.respond", respond_fn, &a, done, d);
}

/* ---- the ICS 214 activity log ---- */

struct log_args {
	const char *role, *activity;
	double t_min;
	long long *entry_id;
};

static enum pt_err log_fn(const struct pt_caller *c, struct pt_db *db, struct pt_app_run_loaded *L,
			  int64_t now_ms, void *ctx, char *detail, size_t size, struct pt_diag *d)
{
	struct log_args *a = ctx;
	struct pt_db_run_entry e;
	enum pt_err err;
	const char *position;

	if (pt_access_run_log(&c->who, &L->ra) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				   "only the run's participants keep an activity log");
	if (L->view == PT_RUN_VIEW_PLAYER || (c->who.system && a->role && a->role[0])) {
		int r = a->role ? pt_ex_role_find(L->sc, a->role) : -1;
		if (pt_access_run_play(&c->who, &L->ra, r < 0 ? 32u : (unsigned)r) != PT_ACCESS_OK)
			return pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
					   "you do not play the role '%s' in this run",
					   a->role ? a->role : "");
		position = a->role;
		if ((err = pt_app_run_suspended_refuse(db, L, d)) != PT_OK)
			return err; /* review finding 9: the players' logs wait */
	} else {
		if (a->role && a->role[0])
			return pt_diag_set(d, PT_EINVAL, 0, "role",
					   "a facilitator's or evaluator's log has no exercise role");
		position = L->ra.member == PT_RUN_EVALUATOR ? "evaluator" : "facilitator";
	}
	if ((err = text_ok(a->activity, "activity", d)) != PT_OK)
		return err;
	if ((err = entries_room(c, db, L->row.id, QUOTA_LOG,
				strcmp(position, "facilitator") != 0 && strcmp(position, "evaluator") != 0,
				d)) != PT_OK)
		return err;
	memset(&e, 0, sizeof e);
	e.run_id = L->row.id;
	pt_strlcpy_utf8(e.kind, "log", sizeof e.kind);
	pt_strlcpy_utf8(e.role, position, sizeof e.role);
	e.user_id = c->who.system ? 0 : c->who.user_id;
	pt_strlcpy_utf8(e.user_name, pt_app_run_who(c), sizeof e.user_name);
	pt_app_run_agency(db, c, e.agency, sizeof e.agency);
	e.capability = -1;
	if ((err = minute_of(L, now_ms, a->t_min, &e.t_min, d)) != PT_OK)
		return err;
	e.at = now_ms / 1000;
	e.text = (char *)a->activity;
	if ((err = pt_db_run_entry_add(db, &e, a->entry_id, d)) != PT_OK)
		return err;
	snprintf(detail, size, "position=%s t=%.2f bytes=%zu", position, e.t_min,
		 strlen(a->activity));
	return PT_OK;
}

enum pt_err pt_app_run_log_add(const struct pt_caller *c, struct pt_db *db, long long id,
			       const char *role, double t_min, const char *activity,
			       long long *entry_id, struct pt_diag *d)
{
	struct log_args a = {role, activity, t_min, entry_id};
	long long local;
	if (!a.entry_id)
		a.entry_id = &local;
	*a.entry_id = 0;
	return with_run(c, db, id, "run.log", log_fn, &a, NULL, d);
}

/* ---- observations and ratings ---- */

struct observe_args {
	const struct pt_app_run_obs_opts *o;
	long long *obs_id;
};

static enum pt_err observe_fn(const struct pt_caller *c, struct pt_db *db,
			      struct pt_app_run_loaded *L, int64_t now_ms, void *ctx, char *detail,
			      size_t size, struct pt_diag *d)
{
	const struct pt_app_run_obs_opts *o = ((struct observe_args *)ctx)->o;
	struct pt_db_run_entry e;
	enum pt_err err;
	int cap = o->capability;

	if (pt_access_run_evaluate(&c->who, &L->ra) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				   "only the run's evaluators record observations");
	if ((unsigned)o->kind > PT_RUN_OBS_IMPROVEMENT)
		return pt_diag_set(d, PT_EINVAL, 0, "kind",
				   "observation, strength or improvement");
	if (cap < -1 || (cap >= 0 && (size_t)cap >= pt_ex_capability_count()))
		return pt_diag_set(d, PT_EINVAL, 0, "capability", "not a core capability");
	if (o->target && o->target[0]) {
		int tcap = -1;
		if (target_find(L->sc, o->target, &tcap) != 0)
			return pt_diag_set(d, PT_ENOTFOUND, 0, "target",
					   "the scenario has no capability target '%s'", o->target);
		if (cap < 0)
			cap = tcap;
	}
	if ((err = text_ok(o->text, "text", d)) != PT_OK ||
	    (err = entries_room(c, db, L->row.id, QUOTA_OBSERVATION, 0, d)) != PT_OK)
		return err;
	memset(&e, 0, sizeof e);
	e.run_id = L->row.id;
	pt_strlcpy_utf8(e.kind, pt_app_run_obs_kind_name(o->kind), sizeof e.kind);
	e.user_id = c->who.system ? 0 : c->who.user_id;
	pt_strlcpy_utf8(e.user_name, pt_app_run_who(c), sizeof e.user_name);
	pt_app_run_agency(db, c, e.agency, sizeof e.agency);
	e.capability = cap;
	pt_strlcpy_utf8(e.target, o->target ? o->target : "", sizeof e.target);
	if ((err = minute_of(L, now_ms, o->t_min, &e.t_min, d)) != PT_OK)
		return err;
	e.at = now_ms / 1000;
	e.text = (char *)o->text;
	if ((err = pt_db_run_entry_add(db, &e, ((struct observe_args *)ctx)->obs_id, d)) != PT_OK)
		return err;
	snprintf(detail, size, "kind=%s target=%s t=%.2f", e.kind, e.target, e.t_min);
	return PT_OK;
}

enum pt_err pt_app_run_observe(const struct pt_caller *c, struct pt_db *db, long long id,
			       const struct pt_app_run_obs_opts *o, long long *obs_id,
			       struct pt_diag *d)
{
	long long local;
	struct observe_args a = {o, obs_id ? obs_id : &local};
	*a.obs_id = 0;
	if (!o)
		return pt_diag_set(d, PT_EINVAL, 0, "text", "nothing to record");
	return with_run(c, db, id, "run.observe", observe_fn, &a, NULL, d);
}

struct rate_args {
	const char *target, *note;
	enum pt_run_rating rating;
	int final;
};

static enum pt_err rate_fn(const struct pt_caller *c, struct pt_db *db, struct pt_app_run_loaded *L,
			   int64_t now_ms, void *ctx, char *detail, size_t size, struct pt_diag *d)
{
	struct rate_args *a = ctx;
	struct pt_db_run_rating r;
	enum pt_err err;

	if (a->final ? pt_access_run_drive(&c->who, &L->ra) != PT_ACCESS_OK
		     : pt_access_run_evaluate(&c->who, &L->ra) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				   a->final ? "only the run's facilitators give the final rating"
					    : "only the run's evaluators rate");
	if (!a->target || target_find(L->sc, a->target, NULL) != 0)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "target",
				   "the scenario has no capability target '%s'",
				   a->target ? a->target : "");
	if ((unsigned)a->rating > PT_RUN_RATING_U)
		return pt_diag_set(d, PT_EINVAL, 0, "rating", "P, S, M or U");
	if (a->note && strlen(a->note) >= PT_APP_RUN_TEXT_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "note", "at most %d bytes",
				   PT_APP_RUN_TEXT_MAX - 1);
	if ((err = pt_app_run_text_check(a->note, 1, "note", d)) != PT_OK)
		return err;
	memset(&r, 0, sizeof r);
	r.run_id = L->row.id;
	pt_strlcpy_utf8(r.target, a->target, sizeof r.target);
	r.final = a->final;
	r.user_id = c->who.system ? 0 : c->who.user_id;
	pt_strlcpy_utf8(r.user_name, pt_app_run_who(c), sizeof r.user_name);
	pt_strlcpy_utf8(r.rating, pt_app_run_rating_name(a->rating), sizeof r.rating);
	r.note = (char *)(a->note ? a->note : "");
	r.at = now_ms / 1000;
	if ((err = pt_db_run_rating_put(db, &r, d)) != PT_OK)
		return err;
	snprintf(detail, size, "target=%s rating=%s%s", a->target, r.rating,
		 a->final ? " final" : "");
	return PT_OK;
}

enum pt_err pt_app_run_rate(const struct pt_caller *c, struct pt_db *db, long long id,
			    const char *target, enum pt_run_rating rating, const char *note,
			    struct pt_diag *d)
{
	struct rate_args a = {target, note, rating, 0};
	return with_run(c, db, id, "run.rate", rate_fn, &a, NULL, d);
}

enum pt_err pt_app_run_rate_final(const struct pt_caller *c, struct pt_db *db, long long id,
				  const char *target, enum pt_run_rating rating, const char *note,
				  struct pt_diag *d)
{
	struct rate_args a = {target, note, rating, 1};
	return with_run(c, db, id, "run.rate.final", rate_fn, &a, NULL, d);
}

/* ---- the improvement plan ---- */

struct improvement_args {
	const struct pt_app_run_improvement_opts *o;
	long long *item_id;
};

static enum pt_err improvement_fn(const struct pt_caller *c, struct pt_db *db,
				  struct pt_app_run_loaded *L, int64_t now_ms, void *ctx,
				  char *detail, size_t size, struct pt_diag *d)
{
	struct improvement_args *a = ctx;
	const struct pt_app_run_improvement_opts *o = a->o;
	struct pt_db_run_improvement it;
	struct pt_db_improvement_plan plan; /* HSEEP details (pt_app_exercise_report.c) */
	enum pt_err err;

	if (pt_access_run_drive(&c->who, &L->ra) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				   "only the run's facilitators keep its improvement plan");
	if ((err = text_ok(o->issue, "issue", d)) != PT_OK ||
	    (err = text_ok(o->action, "action", d)) != PT_OK)
		return err;
	if ((unsigned)o->element > PT_RUN_ELEMENT_EXERCISE)
		return pt_diag_set(d, PT_EINVAL, 0, "element",
				   "planning, organisation, equipment, training or exercise");
	if (o->capability < -1 ||
	    (o->capability >= 0 && (size_t)o->capability >= pt_ex_capability_count()))
		return pt_diag_set(d, PT_EINVAL, 0, "capability", "not a core capability");
	if (!o->responsible || !o->responsible[0] || strlen(o->responsible) >= PT_APP_RUN_NAME_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "responsible",
				   "the responsible organisation, 1 to %d bytes",
				   PT_APP_RUN_NAME_MAX - 1);
	if (o->due && o->due[0] && !pt_app_date_real(o->due))
		return pt_diag_set(d, PT_EINVAL, 0, "due", "'%.16s' is not " PT_APP_DATE_WORDS, o->due);
	if (o->measure_id && o->measure_id[0]) {
		int ex = strlen(o->measure_id) < PT_EX_ID_MAX ? pt_db_measure_exists(db, o->measure_id, d)
							      : 0;
		if (ex < 0)
			return PT_EDB;
		if (!ex)
			return pt_diag_set(d, PT_ENOTFOUND, 0, "measure",
					   "no measure '%s' in the catalogue", o->measure_id);
	}
	if ((o->risk_site && o->risk_site[0]) != (o->risk_threat && o->risk_threat[0]))
		return pt_diag_set(d, PT_EINVAL, 0, o->risk_site && o->risk_site[0] ? "risk_threat"
										  : "risk_site",
				   "a register entry is a site and a threat");
	if (o->risk_site && o->risk_site[0]) {
		struct pt_snapshot *s = pt_app_snapshot(c, db, d);
		struct pt_access_record rec;
		long k;
		int ok;
		if (!s)
			return PT_EDB;
		k = pt_snapshot_find(s, o->risk_site);
		if (k >= 0)
			pt_snapshot_record(s, (size_t)k, &rec);
		ok = k >= 0 && pt_access_read(&c->who, &rec) == PT_ACCESS_OK;
		pt_snapshot_release(s);
		if (!ok)
			return pt_diag_set(d, PT_ENOTFOUND, 0, "risk_site", "no site '%s'",
					   o->risk_site);
		if (strlen(o->risk_threat) >= PT_EX_ID_MAX)
			return pt_diag_set(d, PT_EINVAL, 0, "risk_threat", "too long");
	}
	if ((err = pt_app_run_item_plan_check(db, L, o, &plan, d)) != PT_OK)
		return err;
	memset(&it, 0, sizeof it);
	it.run_id = L->row.id;
	it.capability = o->capability;
	it.issue = (char *)o->issue;
	it.action = (char *)o->action;
	pt_strlcpy_utf8(it.element, pt_app_run_element_name(o->element), sizeof it.element);
	pt_strlcpy_utf8(it.responsible, o->responsible, sizeof it.responsible);
	pt_strlcpy_utf8(it.due, o->due ? o->due : "", sizeof it.due);
	pt_strlcpy_utf8(it.measure_id, o->measure_id ? o->measure_id : "", sizeof it.measure_id);
	pt_strlcpy_utf8(it.risk_site, o->risk_site ? o->risk_site : "", sizeof it.risk_site);
	pt_strlcpy_utf8(it.risk_threat, o->risk_threat ? o->risk_threat : "", sizeof it.risk_threat);
	it.user_id = c->who.system ? 0 : c->who.user_id;
	pt_strlcpy_utf8(it.user_name, pt_app_run_who(c), sizeof it.user_name);
	it.at = now_ms / 1000;
	if ((err = pt_db_run_improvement_add(db, &it, a->item_id, d)) != PT_OK)
		return err;
	plan.item_id = *a->item_id;
	if ((err = pt_db_improvement_plan_add(db, &plan, d)) != PT_OK)
		return err;
	snprintf(detail, size, "element=%s responsible=%s start=%s due=%s afi=%lld target=%s "
		 "measure=%s risk=%s%s%s",
		 it.element, it.responsible, plan.start, it.due, plan.afi, plan.target,
		 it.measure_id, it.risk_site, it.risk_site[0] ? "/" : "", it.risk_threat);
	return PT_OK;
}

enum pt_err pt_app_run_improvement_add(const struct pt_caller *c, struct pt_db *db, long long id,
				       const struct pt_app_run_improvement_opts *o,
				       long long *item_id, struct pt_diag *d)
{
	long long local;
	struct improvement_args a = {o, item_id ? item_id : &local};
	*a.item_id = 0;
	if (!o)
		return pt_diag_set(d, PT_EINVAL, 0, "issue", "nothing to add");
	return with_run(c, db, id, "run.improvement", improvement_fn, &a, NULL, d);
}

/* ---- list and get ---- */

void pt_app_run_list_free(struct pt_app_run_list *l)
{
	if (!l)
		return;
	free(l->items);
	free(l);
}

enum pt_err pt_app_run_list(const struct pt_caller *c, struct pt_db *db,
			    struct pt_app_run_list **out, struct pt_diag *d)
{
	struct pt_app_run_list *l;
	struct pt_db_run *rows = NULL;
	size_t n = 0, i, k;
	int64_t now_ms = pt_app_run_now_ms(c);
	enum pt_err err;

	*out = NULL;
	if (!(l = calloc(1, sizeof *l)))
		return nomem(d);
	if ((err = pt_db_begin_read(db, d)) != PT_OK) {
		free(l);
		return err;
	}
	if ((err = pt_db_run_list(db, PT_APP_RUN_LIST_MAX, &rows, &n, d)) != PT_OK)
		goto out;
	if (n && !(l->items = calloc(n, sizeof *l->items))) {
		err = nomem(d);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct pt_db_run_member *m = NULL;
		struct pt_run_access ra;
		struct pt_ex_clock clk;
		size_t nm = 0;
		enum pt_run_view v;
		memset(&ra, 0, sizeof ra);
		ra.owner_org_id = rows[i].owner_org_id;
		if (pt_tlp_parse(rows[i].tlp, &ra.tlp) != PT_OK)
			ra.tlp = PT_TLP_RED;
		ra.ended = rows[i].ended;
		if (!c->who.system) {
			if ((err = pt_db_run_members(db, rows[i].id, &m, &nm, d)) != PT_OK)
				goto out;
			for (k = 0; k < nm; k++) {
				enum pt_run_member p = PT_RUN_NONE;
				if (m[k].user_id == c->who.user_id &&
				    pt_run_member_parse(m[k].member, &p) == PT_OK && p > ra.member)
					ra.member = p;
			}
			free(m);
		}
		if ((v = pt_access_run_view(&c->who, &ra)) == PT_RUN_VIEW_NONE)
			continue;
		row_clock(&rows[i], &clk);
		summary_fill(&rows[i], &clk, v, now_ms, &l->items[l->n++]);
	}
out:
	err = pt_db_end(db, err, d);
	free(rows);
	if (err != PT_OK) {
		pt_app_run_list_free(l);
		return err;
	}
	*out = l;
	return PT_OK;
}

void pt_app_run_free(struct pt_app_run *r)
{
	size_t i;
	if (!r)
		return;
	pt_ex_scenario_free(r->sc);
	free(r->inj);
	free(r->participants);
	free(r->made);
	for (i = 0; i < r->n_responses; i++)
		free(r->responses[i].text);
	free(r->responses);
	for (i = 0; i < r->n_log; i++)
		free(r->log[i].activity);
	free(r->log);
	for (i = 0; i < r->n_observations; i++)
		free(r->observations[i].text);
	free(r->observations);
	for (i = 0; i < r->n_ratings; i++)
		free(r->ratings[i].note);
	free(r->ratings);
	for (i = 0; i < r->n_improvements; i++) {
		free(r->improvements[i].issue);
		free(r->improvements[i].action);
		free(r->improvements[i].analysis);
	}
	free(r->improvements);
	free(r);
}

/* Nonzero when inject in goes to one of the roles in bits. */
static int inject_to(const struct pt_ex_scenario *sc, const struct pt_ex_inject *in,
		     unsigned long bits)
{
	for (size_t i = 0; i < in->n_to; i++)
		if (pt_app_run_role_bit(sc, in->to[i]) & bits)
			return 1;
	return 0;
}

/* A player's view of the scenario: its roles' delivered injects (without the controllers'
 * notes), the decisions its roles may make; no baseline, objectives or simulation settings.
 * In place (the arena keeps the rest). */
static void player_scenario(struct pt_ex_scenario *sc, struct pt_ex_run_inject *inj,
			    unsigned long bits)
{
	size_t i, k = 0;
	for (i = 0; i < sc->n_injects; i++) {
		if (inj[i].status != PT_EX_DELIVERED || !inject_to(sc, &sc->injects[i], bits))
			continue;
		sc->injects[k] = sc->injects[i];
		inj[k] = inj[i];
		sc->injects[k].expected_action = (char *)"";
		sc->injects[k].satisfied_by = NULL;
		sc->injects[k].contingency_of = 0;
		sc->injects[k].deadline_min = -1;
		inj[k].deadline_min = -1;
		inj[k].done_min = -1;
		inj[k].done_by = UINT32_MAX;
		k++;
	}
	sc->n_injects = k;
	sc->n_baseline = 0;
	for (i = 0, k = 0; i < sc->n_decisions; i++) {
		const struct pt_ex_decision *x = &sc->decisions[i];
		int may = 0;
		for (size_t r = 0; r < x->n_roles; r++)
			if (pt_app_run_role_bit(sc, x->roles[r]) & bits)
				may = 1;
		if (may)
			sc->decisions[k++] = *x;
	}
	sc->n_decisions = k;
	/* attack review 6: no evaluation guide, no simulation settings */
	sc->n_objectives = 0;
	sc->simulation = NULL;
	sc->n_sim_to = 0;
	sc->sim_replications = 0;
	sc->sim_every_min = 0;
	sc->sim_start_min = 0;
	sc->n_undecided = 0; /* attack review 2, finding 8: it names simulation paths */
}

/* Attack review 2, finding 3: for every view, a delivered inject's description is the text
 * it was delivered with (its "inject" event's, placeholders filled), not the template. */
static enum pt_err delivered_texts(struct pt_db *db, struct pt_app_run_loaded *L,
				   struct pt_diag *d)
{
	struct pt_db_run_inject_text *t = NULL;
	size_t n = 0, i;
	enum pt_err err;
	if ((err = pt_db_run_inject_texts(db, L->row.id, &t, &n, d)) != PT_OK)
		return err;
	for (i = 0; i < L->sc->n_injects && n; i++) {
		struct pt_ex_inject *in = &L->sc->injects[i];
		size_t lo = 0, hi = n, len;
		char *s;
		if (L->run.inj[i].status != PT_EX_DELIVERED)
			continue;
		while (lo < hi) { /* t is in seq order */
			size_t mid = lo + (hi - lo) / 2;
			if (t[mid].seq < in->seq)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == n || t[lo].seq != in->seq || !t[lo].text)
			continue;
		len = strlen(t[lo].text);
		if (!(s = pt_ex_alloc(L->sc, len + 1))) {
			pt_db_run_inject_texts_free(t, n);
			return nomem(d);
		}
		memcpy(s, t[lo].text, len + 1);
		in->description = s;
	}
	pt_db_run_inject_texts_free(t, n);
	return PT_OK;
}

#define ENTRIES_BATCH 500 /* rows one read of a page takes */

/* One entry row into r's lists, taking its text (c's view decided before). */
static void entry_take(struct pt_db_run_entry *e, struct pt_app_run *r)
{
	if (strcmp(e->kind, "response") == 0) {
		struct pt_app_run_response *x = &r->responses[r->n_responses++];
		x->id = e->id;
		x->seq = (uint32_t)e->seq;
		pt_strlcpy_utf8(x->role, e->role, sizeof x->role);
		pt_strlcpy_utf8(x->user, e->user_name, sizeof x->user);
		x->t_min = e->t_min;
		x->at = e->at;
		x->text = e->text;
	} else if (strcmp(e->kind, "log") == 0) {
		struct pt_app_run_log *x = &r->log[r->n_log++];
		x->id = e->id;
		pt_strlcpy_utf8(x->user, e->user_name, sizeof x->user);
		pt_strlcpy_utf8(x->position, e->role, sizeof x->position);
		pt_strlcpy_utf8(x->agency, e->agency, sizeof x->agency);
		x->t_min = e->t_min;
		x->at = e->at;
		x->activity = e->text;
	} else {
		struct pt_app_run_observation *x = &r->observations[r->n_observations++];
		x->id = e->id;
		pt_strlcpy_utf8(x->user, e->user_name, sizeof x->user);
		x->t_min = e->t_min;
		x->at = e->at;
		x->capability = e->capability;
		pt_strlcpy_utf8(x->target, e->target, sizeof x->target);
		if (pt_app_run_obs_kind_parse(e->kind, &x->kind) != PT_OK)
			x->kind = PT_RUN_OBS_OBSERVATION;
		x->text = e->text;
	}
	e->text = NULL;
}

/*
 * The run's entries c may see (a player: its roles' responses and its own log; else every
 * entry), newest first, at most limit of them below the id before (0: the newest).
 */
static enum pt_err entries_fill(const struct pt_caller *c, struct pt_db *db,
				const struct pt_app_run_loaded *L, long long before, size_t limit,
				struct pt_app_run *r, struct pt_diag *d)
{
	int player = L->view == PT_RUN_VIEW_PLAYER, done = 0;
	long long cursor = before;
	size_t taken = 0;

	r->page_limit = limit;
	r->page_before = before;
	if (!(r->responses = calloc(limit, sizeof *r->responses)) ||
	    !(r->log = calloc(limit, sizeof *r->log)) ||
	    !(r->observations = calloc(limit, sizeof *r->observations)))
		return nomem(d);
	while (!done) {
		struct pt_db_run_entry *en = NULL;
		size_t n = 0, i;
		enum pt_err err;
		if ((err = pt_db_run_entries_before(db, L->row.id, cursor, ENTRIES_BATCH, &en, &n, d)) !=
		    PT_OK)
			return err;
		if (n < ENTRIES_BATCH)
			done = 1;
		for (i = 0; i < n; i++) {
			int response = strcmp(en[i].kind, "response") == 0;
			int log = strcmp(en[i].kind, "log") == 0;
			cursor = en[i].id;
			if (player && !(response ? (pt_app_run_role_bit(L->sc, en[i].role) & L->ra.roles)
					 : log	  ? en[i].user_id == c->who.user_id
						  : 0))
				continue;
			if (taken == limit) {
				r->page_more = 1;
				done = 1;
				break;
			}
			entry_take(&en[i], r);
			r->page_next = en[i].id;
			taken++;
		}
		pt_db_run_entries_free(en, n);
	}
	return PT_OK;
}

static enum pt_err get_fill(const struct pt_caller *c, struct pt_db *db,
			    struct pt_app_run_loaded *L, int64_t now_ms, long long before, size_t limit,
			    struct pt_app_run *r, struct pt_diag *d)
{
	int player = L->view == PT_RUN_VIEW_PLAYER;
	unsigned long bits = L->ra.roles;
	size_t n = 0, i;
	enum pt_err err;

	summary_fill(&L->row, &L->clock, L->view, now_ms, &r->s);
	r->next_sim_min = -1;
	r->guide = pt_access_run_guide(&c->who, &L->ra) == PT_ACCESS_OK;
	if (r->guide) { /* attack review 6: not a player's */
		r->next_sim_min = L->run.next_sim_min;
		r->sim_start_min = L->run.sim_start_min;
		r->seed = L->row.seed;
	}
	/* participants, and the caller's roles */
	if (L->n_members && !(r->participants = calloc(L->n_members, sizeof *r->participants)))
		return nomem(d);
	for (i = 0; i < L->n_members; i++) {
		const struct pt_db_run_member *m = &L->members[i];
		struct pt_app_run_participant *p = &r->participants[r->n_participants++];
		p->user_id = m->user_id;
		pt_strlcpy_utf8(p->user, m->user_name, sizeof p->user);
		pt_strlcpy_utf8(p->org, m->org_name, sizeof p->org);
		if (pt_run_member_parse(m->member, &p->member) != PT_OK)
			p->member = PT_RUN_NONE;
		pt_strlcpy_utf8(p->role, m->role, sizeof p->role);
		p->lead = m->lead;
		if (!c->who.system && m->user_id == c->who.user_id && m->role[0] &&
		    r->n_my_roles < PT_EX_MAX_ROLES)
			pt_strlcpy_utf8(r->my_roles[r->n_my_roles++], m->role, sizeof r->my_roles[0]);
	}
	/* decisions made */
	if (L->n_made_rows && !(r->made = calloc(L->n_made_rows, sizeof *r->made)))
		return nomem(d);
	for (i = 0; i < L->n_made_rows && i < L->run.n_made; i++) {
		struct pt_app_run_made *m;
		if (player && !(pt_app_run_role_bit(L->sc, L->run.made[i].role) & bits))
			continue;
		m = &r->made[r->n_made++];
		m->m = L->run.made[i];
		pt_strlcpy_utf8(m->decision_id, L->made_rows[i].decision, sizeof m->decision_id);
		pt_strlcpy_utf8(m->user, L->made_rows[i].user_name, sizeof m->user);
		m->at = L->made_rows[i].made_at;
	}
	/* responses, the log, observations: one page, newest first (attack review 4) */
	if ((err = entries_fill(c, db, L, before, limit, r, d)) != PT_OK)
		return err;
	if (!player) {
		struct pt_db_run_rating *rt = NULL;
		struct pt_db_run_improvement *it = NULL;
		if ((err = pt_db_run_ratings(db, L->row.id, &rt, &n, d)) != PT_OK)
			return err;
		if (n && !(r->ratings = calloc(n, sizeof *r->ratings))) {
			pt_db_run_ratings_free(rt, n);
			return nomem(d);
		}
		for (i = 0; i < n; i++) {
			struct pt_app_run_rating *x = &r->ratings[r->n_ratings++];
			pt_strlcpy_utf8(x->target, rt[i].target, sizeof x->target);
			pt_strlcpy_utf8(x->user, rt[i].user_name, sizeof x->user);
			if (pt_app_run_rating_parse(rt[i].rating, &x->rating) != PT_OK)
				x->rating = PT_RUN_RATING_U;
			x->final = rt[i].final;
			x->at = rt[i].at;
			x->note = rt[i].note;
			rt[i].note = NULL;
		}
		pt_db_run_ratings_free(rt, n);
		if ((err = pt_db_run_improvements(db, L->row.id, &it, &n, d)) != PT_OK)
			return err;
		if (n && !(r->improvements = calloc(n, sizeof *r->improvements))) {
			pt_db_run_improvements_free(it, n);
			return nomem(d);
		}
		for (i = 0; i < n; i++) {
			struct pt_app_run_improvement *x = &r->improvements[r->n_improvements++];
			x->id = it[i].id;
			x->capability = it[i].capability;
			x->issue = it[i].issue;
			x->action = it[i].action;
			it[i].issue = it[i].action = NULL;
			if (pt_app_run_element_parse(it[i].element, &x->element) != PT_OK)
				x->element = PT_RUN_ELEMENT_PLANNING;
			pt_strlcpy_utf8(x->responsible, it[i].responsible, sizeof x->responsible);
			pt_strlcpy_utf8(x->due, it[i].due, sizeof x->due);
			pt_strlcpy_utf8(x->measure_id, it[i].measure_id, sizeof x->measure_id);
			pt_strlcpy_utf8(x->risk_site, it[i].risk_site, sizeof x->risk_site);
			pt_strlcpy_utf8(x->risk_threat, it[i].risk_threat, sizeof x->risk_threat);
			pt_strlcpy_utf8(x->user, it[i].user_name, sizeof x->user);
			x->at = it[i].at;
		}
		pt_db_run_improvements_free(it, n);
		if ((err = pt_app_run_items_plan(db, L->row.id, r->improvements, r->n_improvements,
						 d)) != PT_OK)
			return err;
	}
	if ((err = pt_db_run_event_last(db, L->row.id, &r->last_event, d)) != PT_OK)
		return err;
	/* the scenario and the inject states, as the caller may see them */
	if (L->sc->n_injects) {
		if (!(r->inj = malloc(L->sc->n_injects * sizeof *r->inj)))
			return nomem(d);
		memcpy(r->inj, L->run.inj, L->sc->n_injects * sizeof *r->inj);
	}
	if ((err = delivered_texts(db, L, d)) != PT_OK)
		return err;
	r->sc = L->sc;
	L->sc = NULL; /* the result owns it now (the engine borrowed it and is freed first) */
	for (i = 0; i < r->sc->n_sim_to; i++)
		for (size_t k = 0; k < r->n_my_roles; k++)
			if (strcmp(r->sc->sim_to[i], r->my_roles[k]) == 0)
				r->sim_figures = 1;
	if (player)
		player_scenario(r->sc, r->inj, bits);
	return PT_OK;
}

enum pt_err pt_app_run_get(const struct pt_caller *c, struct pt_db *db, long long id,
			   struct pt_app_run **out, struct pt_diag *d)
{
	return pt_app_run_get_page(c, db, id, 0, 0, out, d);
}

enum pt_err pt_app_run_get_page(const struct pt_caller *c, struct pt_db *db, long long id,
				long long before, size_t limit, struct pt_app_run **out,
				struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	struct pt_app_run *r;
	int64_t now_ms = pt_app_run_now_ms(c);
	enum pt_err err;

	*out = NULL;
	if (limit > PT_APP_RUN_PAGE_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "limit", "at most %d entries a page",
				   PT_APP_RUN_PAGE_MAX);
	if (before < 0)
		return pt_diag_set(d, PT_EINVAL, 0, "before", "an entry id, 1 or more");
	if (limit == 0)
		limit = PT_APP_RUN_PAGE_DEFAULT;
	if (!(r = calloc(1, sizeof *r)))
		return nomem(d);
	if ((err = pt_db_begin_read(db, d)) != PT_OK) {
		free(r);
		return err;
	}
	if ((err = pt_app_run_load(c, db, id, 1, &L, d)) == PT_OK)
		err = get_fill(c, db, &L, now_ms, before, limit, r, d);
	if (err == PT_OK) /* review finding 9 */
		err = pt_app_run_suspension(db, id, &r->suspension, d);
	err = pt_db_end(db, err, d);
	pt_app_run_unload(&L);
	if (err == PT_OK && c->audit_reads && pt_access_read_audited(r->s.tlp)) {
		char rid[32];
		snprintf(rid, sizeof rid, "%lld", id);
		pt_app_act(c, db);
		err = pt_audit_reads(db, "run.read", "exercise_runs", 1, rid, NULL, 0, d);
	}
	if (err != PT_OK) {
		char rid[32];
		pt_app_run_free(r);
		if (!c->audit_reads) /* the API's reads only, as run.read */
			return err;
		snprintf(rid, sizeof rid, "%lld", id);
		return pt_app_run_refused(c, db, "run.read", rid, err, d); /* attack review 7 */
	}
	*out = r;
	return PT_OK;
}

/* ---- events ---- */

void pt_app_run_events_free(struct pt_app_run_events *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++) {
		free(e->items[i].text);
		free(e->items[i].detail);
	}
	free(e->items);
	free(e);
}

enum pt_err pt_app_run_events(const struct pt_caller *c, struct pt_db *db, long long id,
			      long long after, size_t max, struct pt_app_run_events **out,
			      struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	struct pt_app_run_events *ev;
	enum pt_err err;
	int done = 0;

	*out = NULL;
	if (max == 0 || max > PT_APP_RUN_EVENTS_MAX)
		max = PT_APP_RUN_EVENTS_MAX;
	if (!(ev = calloc(1, sizeof *ev)) || !(ev->items = calloc(max, sizeof *ev->items))) {
		free(ev);
		return nomem(d);
	}
	if ((err = pt_db_begin_read(db, d)) != PT_OK) {
		pt_app_run_events_free(ev);
		return err;
	}
	if ((err = pt_app_run_load(c, db, id, 0, &L, d)) != PT_OK)
		goto out;
	while (!done) {
		struct pt_db_run_event *rows = NULL;
		size_t n = 0, i;
		if ((err = pt_db_run_events(db, id, after, PT_APP_RUN_EVENTS_MAX, &rows, &n, d)) !=
		    PT_OK)
			goto out;
		if (n < PT_APP_RUN_EVENTS_MAX)
			done = 1;
		for (i = 0; i < n; i++) {
			struct pt_app_run_event *x;
			enum pt_run_audience aud;
			after = rows[i].id;
			if (pt_run_audience_parse(rows[i].audience, &aud) != PT_OK ||
			    pt_access_run_event(&c->who, &L.ra, aud, (unsigned long)rows[i].roles) !=
				    PT_ACCESS_OK)
				continue;
			if (ev->n == max) {
				ev->more = 1;
				done = 1;
				break;
			}
			x = &ev->items[ev->n++];
			x->id = rows[i].id;
			x->run_id = rows[i].run_id;
			pt_strlcpy_utf8(x->kind, rows[i].kind, sizeof x->kind);
			x->t_min = rows[i].t_min;
			x->at_ms = rows[i].at_ms;
			x->seq = (uint32_t)rows[i].seq;
			x->made = rows[i].made;
			x->value = rows[i].value;
			x->audience = aud;
			x->roles = (uint32_t)rows[i].roles;
			/* review 2, finding 8: a sim event names the player's own roles, not sim_to (an
			 * inject's recipients stay: its `to` is the player's to read, review finding 10) */
			if (L.view == PT_RUN_VIEW_PLAYER && strcmp(x->kind, "sim") == 0)
				x->roles &= (uint32_t)L.ra.roles;
			pt_strlcpy_utf8(x->type, rows[i].type, sizeof x->type);
			pt_strlcpy_utf8(x->from, rows[i].sender, sizeof x->from);
			x->text = rows[i].text;
			x->detail = rows[i].detail;
			rows[i].text = rows[i].detail = NULL;
		}
		pt_db_run_events_free(rows, n);
	}
out:
	err = pt_db_end(db, err, d);
	pt_app_run_unload(&L);
	if (err != PT_OK) {
		pt_app_run_events_free(ev);
		return err;
	}
	*out = ev;
	return PT_OK;
}

/* ---- the simulation rerun ---- */

void pt_app_run_sim_free(struct pt_app_run_sim_job *j)
{
	if (!j)
		return;
	free(j->sim);
	pt_sim_result_free(j->result);
	free(j->prev_situation);
	free(j);
}

enum pt_err pt_app_run_sim_prepare(struct pt_db *db, long long id, long long sim_due,
				   struct pt_app_run_sim_job **out, struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	struct pt_db_run_event ev;
	struct pt_app_run_sim_job *j;
	struct pt_mci_scenario *base = NULL;
	struct pt_caller sys;
	enum pt_err err;
	int answered;
	size_t i;

	*out = NULL;
	memset(&ev, 0, sizeof ev);
	pt_caller_system(&sys);
	if (!(j = calloc(1, sizeof *j)) || !(j->sim = malloc(sizeof *j->sim)) ||
	    !(base = malloc(sizeof *base))) {
		pt_app_run_sim_free(j);
		return nomem(d);
	}
	if ((err = pt_db_begin_read(db, d)) != PT_OK) {
		pt_app_run_sim_free(j);
		free(base);
		return err;
	}
	if ((err = pt_app_run_load(&sys, db, id, 1, &L, d)) != PT_OK)
		goto out;
	if ((err = pt_db_run_event_get(db, sim_due, &ev, d)) != PT_OK ||
	    ev.run_id != id || strcmp(ev.kind, pt_ex_event_kind_name(PT_EX_EV_SIM_DUE)) != 0) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "event",
				  "event %lld is no simulation rerun of run %lld", sim_due, id);
		goto out;
	}
	if ((answered = pt_db_run_event_answered(db, sim_due, d)) != 0) {
		err = answered < 0 ? PT_EDB
				   : pt_diag_set(d, PT_ECONFLICT, 0, "event",
						 "the figures of rerun %lld are stored already",
						 sim_due);
		goto out;
	}
	if (!L.row.sim_json || !L.sc->simulation) {
		err = pt_diag_set(d, PT_EINVAL, 0, "sim", "run %lld has no simulation", id);
		goto out;
	}
	if ((err = pt_scenario_read(L.row.sim_json, L.row.sim_len, NULL, base, d)) != PT_OK)
		goto out;
	if (ev.n_made < 0 || (size_t)ev.n_made > L.run.n_made) {
		err = pt_diag_set(d, PT_EINTERNAL, 0, "event", "rerun %lld counts %lld decisions",
				  sim_due, ev.n_made);
		goto out;
	}
	if ((err = pt_ex_sim_scenario_at(L.sc, L.run.sim_start_min, base, L.run.made,
					 (size_t)ev.n_made, j->sim, d)) != PT_OK)
		goto out;
	/* issue 15 review 3: the players get the situation at this minute, not the end state */
	j->sim->snapshot = 1;
	j->sim->snapshot_min = ev.t_min - L.run.sim_start_min;
	if (!(j->sim->snapshot_min > 0))
		j->sim->snapshot_min = 0;
	if (j->sim->snapshot_min > j->sim->horizon_min)
		j->sim->snapshot_min = j->sim->horizon_min;
	if ((err = pt_app_run_latest_situation(db, id, &j->prev_situation, d)) != PT_OK)
		goto out;
	j->run_id = id;
	j->sim_due = sim_due;
	j->t_min = ev.t_min;
	j->n_made = (size_t)ev.n_made;
	j->seed = L.row.seed;
	j->replications = L.sc->sim_replications;
	for (i = 0; i < L.sc->n_sim_to; i++)
		j->roles |= (uint32_t)pt_app_run_role_bit(L.sc, L.sc->sim_to[i]);
out:
	err = pt_db_end(db, err, d);
	pt_db_run_event_clear(&ev);
	pt_app_run_unload(&L);
	free(base);
	if (err != PT_OK) {
		pt_app_run_sim_free(j);
		return err;
	}
	*out = j;
	return PT_OK;
}

enum pt_err pt_app_run_sim_compute(struct pt_app_run_sim_job *j, unsigned threads,
				   struct pt_diag *d)
{
	struct pt_app_sim_opts o;
	if (!j || !j->sim)
		return pt_diag_set(d, PT_EINVAL, 0, "sim", "nothing to compute");
	pt_sim_result_free(j->result);
	j->result = NULL;
	memset(&o, 0, sizeof o);
	o.scenario = j->sim;
	o.replications = j->replications ? j->replications : 1;
	o.threads = threads;
	o.seed = j->seed;
	o.progress = j->progress; /* issue 15: the server cancels a rerun (ENDEX, its stop) */
	o.progress_ctx = j->progress_ctx;
	return pt_app_simulate_run(&o, &j->result, d);
}

/* One output's mean and interval in words into buf (appended). */
static void figure_words(const struct pt_sim_result *r, const char *name, const char *label,
			 char *buf, size_t size)
{
	char one[160];
	size_t i;
	if (!r->n_rows)
		return;
	for (i = 0; i < pt_mci_output_count(); i++)
		if (strcmp(pt_mci_output_name(i), name) == 0) {
			const struct pt_mci_stat *s = &r->rows[0].stats[i];
			if (!isfinite(s->mean))
				return;
			snprintf(one, sizeof one, "%s%s %.1f (95%% interval %.1f to %.1f)",
				 buf[0] ? "; " : "", label, s->mean, s->lo, s->hi);
			pt_strlcat(buf, one, size);
			return;
		}
}

/* The players' message of a rerun (issue 15 review 3): the situation now in
 * whole numbers, sent (roles) only when it differs from the last one sent. */
static enum pt_err situation_note(const struct pt_app_run_sim_job *j, char **text, char **detail,
				  int *send, struct pt_diag *d)
{
	json_t *sit = pt_sim_situation_json(&j->result->rows[0]), *prev = NULL, *o;
	char words[2048], head[160];
	long t = lround(j->t_min), m;
	*text = *detail = NULL;
	*send = 1;
	if (!sit)
		return nomem(d);
	m = lround(json_real_value(json_object_get(sit, "minute")));
	if (j->prev_situation)
		prev = json_loads(j->prev_situation, 0, NULL);
	*send = pt_sim_situation_changed(sit, prev);
	json_decref(prev);
	pt_sim_situation_words(sit, words, sizeof words);
	snprintf(head, sizeof head, "Situation at %02ld:%02ld (%ld minute%s after the attack): ",
		 t / 60, t % 60, m, m == 1 ? "" : "s");
	o = json_pack("{s:I, s:b, s:o}", "decisions", (json_int_t)j->n_made, "sent", *send,
		      "situation", sit);
	if (!o || !(*detail = json_dumps(o, JSON_COMPACT))) {
		json_decref(o);
		return nomem(d);
	}
	json_decref(o);
	{
		const char *unsent = *send ? "" : "(unchanged: not sent to the players) ";
		size_t size = strlen(unsent) + strlen(head) + strlen(words) + 1;
		if (!(*text = malloc(size)))
			return nomem(d);
		snprintf(*text, size, "%s%s%s", unsent, head, words);
	}
	return PT_OK;
}

enum pt_err pt_app_run_sim_store(const struct pt_caller *c, struct pt_db *db,
				 const struct pt_app_run_sim_job *j, struct pt_app_run_done *done,
				 struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	struct pt_ex_event ev;
	char words[1024], detail[160], head[160];
	char *json = NULL, *sit_text = NULL, *sit_json = NULL;
	json_t *jr;
	enum pt_err err;
	int send = 1;

	if (!j || !j->result || !j->result->n_rows)
		return pt_diag_set(d, PT_EINVAL, 0, "sim", "no figures to store");
	words[0] = '\0';
	figure_words(j->result, "deaths", "deaths", words, sizeof words);
	figure_words(j->result, "critical", "critically injured", words, sizeof words);
	figure_words(j->result, "critical_deaths", "critically injured who died", words,
		     sizeof words);
	figure_words(j->result, "transported", "transported to hospital", words, sizeof words);
	figure_words(j->result, "first_treatment_min", "minutes to first treatment", words,
		     sizeof words);
	/* review finding 3: the projected end state goes to the controllers only */
	snprintf(head, sizeof head,
		 "Projected outcome at the end of the incident with the %zu decision%s so far "
		 "(%zu runs): ",
		 j->n_made, j->n_made == 1 ? "" : "s", j->result->replications);
	if (!(jr = pt_sim_result_json(j->result)) || !(json = json_dumps(jr, JSON_COMPACT))) {
		json_decref(jr);
		return nomem(d);
	}
	json_decref(jr);
	if (j->result->rows[0].snap.has &&
	    (err = situation_note(j, &sit_text, &sit_json, &send, d)) != PT_OK) {
		free(json);
		free(sit_text);
		free(sit_json);
		return err;
	}
	{
		char text[sizeof words + sizeof head];
		snprintf(text, sizeof text, "%s%s", head, words[0] ? words : "no figures");
		pt_app_act(c, db);
		if ((err = pt_db_begin(db, d)) != PT_OK) {
			free(json);
			free(sit_text);
			free(sit_json);
			return err;
		}
		if ((err = pt_app_run_load(c, db, j->run_id, 0, &L, d)) != PT_OK)
			goto out;
		memset(&ev, 0, sizeof ev);
		ev.kind = PT_EX_EV_SIM_DUE;
		ev.t_min = j->t_min;
		ev.inject = UINT32_MAX;
		ev.made = UINT32_MAX;
		/* the players' "sim" (answers the rerun), then the controllers' "outcome" */
		if ((err = pt_app_run_note(&L, &ev, "sim", send ? j->roles : 0,
					   sit_text ? sit_text : text, sit_text ? sit_json : json,
					   d)) != PT_OK)
			goto out;
		L.pending[L.n_pending - 1].n_made = j->n_made;
		L.pending[L.n_pending - 1].answers = j->sim_due;
		if (sit_text) {
			if ((err = pt_app_run_note(&L, &ev, "outcome", 0, text, json, d)) != PT_OK)
				goto out;
			L.pending[L.n_pending - 1].n_made = j->n_made;
		}
		if ((err = pt_app_run_store(db, &L, pt_app_run_now_ms(c), done, d)) != PT_OK)
			goto out;
		snprintf(detail, sizeof detail,
			 "sim_due=%lld decisions=%zu replications=%zu sent=%s", j->sim_due,
			 j->n_made, j->result->replications, send ? "yes" : "no");
		err = pt_app_run_audit(db, j->run_id, "run.sim", detail, d);
	out:
		err = pt_db_end(db, err, d);
		pt_app_run_unload(&L);
	}
	free(json);
	free(sit_text);
	free(sit_json);
	return err;
}

enum pt_err pt_app_run_sim_skip(const struct pt_caller *c, struct pt_db *db, long long id,
				long long sim_due, long long by, struct pt_app_run_done *done,
				struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	struct pt_db_run_event due;
	struct pt_ex_event ev;
	char text[160], detail[128];
	enum pt_err err;
	int answered;

	memset(&due, 0, sizeof due);
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_app_run_load(c, db, id, 0, &L, d)) != PT_OK)
		goto out;
	if ((err = pt_db_run_event_get(db, sim_due, &due, d)) != PT_OK || due.run_id != id ||
	    strcmp(due.kind, pt_ex_event_kind_name(PT_EX_EV_SIM_DUE)) != 0) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "event",
				  "event %lld is no simulation rerun of run %lld", sim_due, id);
		goto out;
	}
	if ((answered = pt_db_run_event_answered(db, sim_due, d)) != 0) {
		err = answered < 0 ? PT_EDB
				   : pt_diag_set(d, PT_ECONFLICT, 0, "event",
						 "rerun %lld is answered already", sim_due);
		goto out;
	}
	if (L.row.ended) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "run", "run %lld has ended", id);
		goto out;
	}
	if (by > 0)
		snprintf(text, sizeof text,
			 "Simulation rerun %lld skipped: rerun %lld, with the decisions made since, "
			 "supersedes it", sim_due, by);
	else
		snprintf(text, sizeof text,
			 "Simulation rerun %lld skipped: over the budget of one rerun", sim_due);
	memset(&ev, 0, sizeof ev);
	ev.kind = PT_EX_EV_SIM_DUE;
	ev.t_min = due.t_min;
	ev.inject = UINT32_MAX;
	ev.made = UINT32_MAX;
	if ((err = pt_app_run_note(&L, &ev, "sim_skip", 0, text, NULL, d)) != PT_OK)
		goto out;
	L.pending[L.n_pending - 1].n_made = due.n_made > 0 ? (size_t)due.n_made : 0;
	L.pending[L.n_pending - 1].answers = sim_due;
	if ((err = pt_app_run_store(db, &L, pt_app_run_now_ms(c), done, d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail, "sim_due=%lld superseded_by=%lld", sim_due, by);
	err = pt_app_run_audit(db, id, "run.sim.skip", detail, d);
out:
	err = pt_db_end(db, err, d);
	pt_db_run_event_clear(&due);
	pt_app_run_unload(&L);
	return err;
}

enum pt_err pt_app_run_sim(const struct pt_caller *c, struct pt_db *db, long long id,
			   long long sim_due, unsigned threads, struct pt_app_run_done *done,
			   struct pt_diag *d)
{
	struct pt_app_run_sim_job *j = NULL;
	enum pt_err err = pt_app_run_sim_prepare(db, id, sim_due, &j, d);
	if (err == PT_OK)
		err = pt_app_run_sim_compute(j, threads, d);
	if (err == PT_OK)
		err = pt_app_run_sim_store(c, db, j, done, d);
	pt_app_run_sim_free(j);
	return err;
}

/* ---- exercise alerts ---- */

/* Attack review 7, round 2: an exercise alert's site is named in its event and the
 * report's annex, which every participant sees: PT_EINVAL "site" unless every member of
 * L may read it (pt_access_read), without saying which may not. A site the caller may
 * not read is left to the alert's own check (404, as for any unknown site). */
static enum pt_err alert_site_for_all(const struct pt_caller *c, struct pt_db *db,
				      const struct pt_app_run_loaded *L, const char *site_id,
				      struct pt_diag *d)
{
	struct pt_snapshot *s;
	struct pt_access_record rec;
	enum pt_err err = PT_OK;
	long k;
	size_t i;
	if (!site_id || !site_id[0] || !(s = pt_app_snapshot(c, db, d)))
		return site_id && site_id[0] ? PT_EDB : PT_OK;
	k = pt_snapshot_find(s, site_id);
	if (k < 0)
		goto out;
	pt_snapshot_record(s, (size_t)k, &rec);
	if (pt_access_read(&c->who, &rec) != PT_ACCESS_OK)
		goto out;
	for (i = 0; i < L->n_members; i++) {
		struct pt_user u;
		struct pt_principal who;
		struct pt_diag ud = PT_DIAG_INIT;
		if (pt_db_user_get_id(db, L->members[i].user_id, &u, &ud) != PT_OK)
			continue; /* gone: reads nothing */
		pt_user_principal(&u, &who);
		if (pt_access_read(&who, &rec) != PT_ACCESS_OK) {
			err = pt_diag_set(d, PT_EINVAL, 0, "site",
					  "not every participant of this run may read site '%s'; an "
					  "exercise alert names its site to all of them: choose a site "
					  "they may all read",
					  site_id);
			break;
		}
	}
out:
	pt_snapshot_release(s);
	return err;
}

enum pt_err pt_app_run_alert(const struct pt_caller *c, struct pt_db *db, long long id,
			     const struct pt_app_alert_opts *o, struct pt_app_alert **out,
			     struct pt_app_run_done *done, struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	struct pt_app_alert_opts x;
	struct pt_ex_event ev;
	char text[512], detail[256], rid[32];
	int64_t now_ms = pt_app_run_now_ms(c);
	enum pt_err err;
	int not_exercise = 0;

	*out = NULL;
	snprintf(rid, sizeof rid, "%lld", id);
	if (done) {
		memset(done, 0, sizeof *done);
		done->run_id = id;
	}
	if (!o)
		return pt_diag_set(d, PT_EINVAL, 0, "template", "a template and a site are needed");
	x = *o;
	x.status_set = 1;
	x.status = PT_CAP_EXERCISE;
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_app_run_load(c, db, id, 1, &L, d)) != PT_OK)
		goto out;
	if (pt_access_run_alert(&c->who, &L.ra) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				  "only the run's public information officer issues exercise alerts");
		goto out;
	}
	if (o->status_set && o->status != PT_CAP_EXERCISE) { /* attack review 7: audited */
		err = pt_diag_set(d, PT_EINVAL, 0, "status",
				  "an alert from within an exercise has status Exercise");
		not_exercise = 1;
		goto out;
	}
	if ((err = pt_app_run_suspended_refuse(db, &L, d)) != PT_OK)
		goto out; /* review finding 9 */
	if (L.clock.state != PT_EX_CLOCK_RUNNING) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "clock", "the exercise clock is not running");
		goto out;
	}
	{ /* attack review 2, round 2: a cap on a run's exercise alerts */
		long long n_alerts = 0;
		if ((err = pt_db_run_alerts_count(db, id, &n_alerts, d)) != PT_OK)
			goto out;
		if (n_alerts >= PT_APP_RUN_ALERTS_MAX) {
			err = pt_diag_set(d, PT_ELIMIT, 0, "run",
					  "this run has issued %d exercise alerts, the most one run "
					  "may issue",
					  PT_APP_RUN_ALERTS_MAX);
			goto out;
		}
	}
	if ((err = alert_site_for_all(c, db, &L, o->site_id, d)) != PT_OK)
		goto out;
	if ((err = pt_app_alert_new_exercise(c, db, &x, &L.ra, out, d)) != PT_OK)
		goto out;
	memset(&ev, 0, sizeof ev);
	ev.kind = PT_EX_EV_INJECT;
	ev.t_min = pt_ex_clock_now(&L.clock, now_ms);
	ev.inject = UINT32_MAX;
	ev.made = UINT32_MAX;
	snprintf(text, sizeof text, "EXERCISE alert %s issued: %s", (*out)->identifier,
		 (*out)->n_langs ? (*out)->cb[0].headline : (*out)->template_id);
	{
		json_t *j = json_pack("{s:s, s:s, s:s}", "identifier", (*out)->identifier, "template",
				      (*out)->template_id, "site", (*out)->site_id);
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (!s) {
			err = nomem(d);
			goto out;
		}
		err = pt_app_run_note(&L, &ev, "alert", 0, text, s, d);
		free(s);
		if (err != PT_OK)
			goto out;
	}
	if ((err = pt_app_run_store(db, &L, now_ms, done, d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail, "alert=%s site=%s", (*out)->identifier, (*out)->site_id);
	err = pt_app_run_audit(db, id, "run.alert", detail, d);
out:
	err = pt_db_end(db, err, d);
	pt_app_run_unload(&L);
	if (err != PT_OK) {
		pt_app_alert_free(*out);
		*out = NULL;
	}
	if (not_exercise && !c->quiet_refusals) { /* past the refusal throttle: no row of its own */
		struct pt_diag ad = PT_DIAG_INIT;
		pt_app_act(c, db);
		(void)pt_audit_append(db, PT_AUDIT_REFUSED_ACTION, "exercise_runs", rid,
				      "run.alert: status: an alert from within an exercise has status "
				      "Exercise",
				      &ad);
		return err;
	}
	if (not_exercise)
		return err;
	return pt_app_run_refused(c, db, "run.alert", rid, err, d);
}
