/* pt_http_runs.c - issue 15 over HTTP: exercise runs (docs/api.md, "Exercise runs"):
 * the built-in scenarios, runs created, listed and read as the caller may see them,
 * participants, the facilitator's clock and injects, players' decisions, responses and
 * ICS 214 log, evaluators' observations and ratings, the improvement plan. Each handler
 * checks its body (declared in pt_http_routes.c), calls one use case of
 * src/app/pt_app_exercise_runs and wakes the run's event streams (pt_http_live.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_exercise_runs.h"
#include "../formats/pt_embedded.h"
#include "../formats/pt_exercise_io.h"
#include "pt_http_api.h"

#define BUILTIN_PREFIX "scenarios/" /* data/scenarios/ as embedded (tools/embed.c drops data/) */

static const char *const clock_names[] = {"ready", "running", "paused", "ended"};
static const char *const status_names[] = {"pending", "delivered", "skipped", "cancelled"};

static const char *clock_name(enum pt_ex_clock_state s)
{
	return (unsigned)s <= PT_EX_CLOCK_ENDED ? clock_names[s] : "";
}

/* ---- answers ---- */

/* The body's name of a use case's field. */
static const char *body_field(const char *field)
{
	if (strcmp(field, "time") == 0)
		return "t_min";
	if (strcmp(field, "speed") == 0)
		return "factor";
	if (strcmp(field, "inject") == 0)
		return "seq"; /* the path's {seq} */
	return field;
}

/*
 * A use case's error: 404 (a run the caller may not see is the same as one
 * that does not exist; another missing thing names its field), 403 naming
 * the field, 409, 400 naming the body's field ("sim" is "simulation").
 */
static void reply_run_error(struct pt_req *r, enum pt_err err, const struct pt_diag *d)
{
	char field[sizeof d->field + 16];
	const char *msg = d->msg[0] ? d->msg : pt_strerror(err);
	if (strncmp(d->field, "sim", 3) == 0 && (d->field[3] == '\0' || d->field[3] == '.'))
		snprintf(field, sizeof field, "simulation%s", d->field + 3);
	else
		snprintf(field, sizeof field, "%s", body_field(d->field));
	if (err == PT_ENOTFOUND || err == PT_EFORBIDDEN ||
	    (err == PT_ELIMIT && (strcmp(d->field, "run") == 0 || strcmp(d->field, "user") == 0)) ||
	    (err == PT_ECONFLICT && strcmp(d->field, "runs") == 0)) /* N2, round 3: the run cap */
		pt_http_run_refused(r); /* audited refusals: attack review 6, round 2 */
	switch (err) {
	case PT_ENOTFOUND:
		if (!field[0] || strcmp(field, "run") == 0)
			pt_reply_not_found(r);
		else
			pt_reply_error(r, 404, field, 0, "%s: %s", field, msg);
		return;
	case PT_EFORBIDDEN:
		pt_reply_error(r, 403, field[0] ? field : NULL, 0, "%s", msg);
		return;
	case PT_ECONFLICT:
		pt_reply_error(r, 409, field[0] ? field : NULL, 0, "%s", msg);
		return;
	case PT_EINVAL:
	case PT_ELIMIT:
		if (field[0] && d->line > 0)
			pt_reply_error(r, 400, field, 0, "%s: line %ld: %s", field, d->line, msg);
		else if (field[0])
			pt_reply_error(r, 400, field, 0, "%s: %s", field, msg);
		else
			pt_reply_error(r, 400, NULL, 0, "%s", msg);
		return;
	default:
		pt_reply_diag(r, err, d);
	}
}

/* The run id of the path, or 0 after replying 404 (its refusals counted: attack review 6,
 * round 2). */
static long long path_run_or_reply(struct pt_req *r)
{
	unsigned long long id;
	pt_http_run_refusals_mark(r);
	if (!pt_parse_uint_strict(r->param[0], 1, (1ULL << 53) - 1, &id)) {
		pt_reply_not_found(r);
		return 0;
	}
	return (long long)id;
}

/* The inject seq of the path, or 0 after replying 404. */
static uint32_t path_seq_or_reply(struct pt_req *r)
{
	unsigned long long seq;
	if (!pt_parse_uint_strict(r->param[1], 1, 999999, &seq)) {
		pt_reply_not_found(r);
		return 0;
	}
	return (uint32_t)seq;
}

/* A number as JSON: a whole one as an integer, else a real. */
static json_t *num(double x)
{
	if (x == floor(x) && fabs(x) < 9007199254740992.0)
		return json_integer((json_int_t)x);
	return json_real(x);
}

/* A time that may not have happened (< 0: null). */
static json_t *maybe_min(double x)
{
	return x < 0 ? json_null() : num(x);
}

static json_t *str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *capability_json(int i)
{
	const char *n = i >= 0 ? pt_ex_capability_name((size_t)i) : NULL;
	return n ? json_string(n) : json_null();
}

/* The change a use case reported. */
static json_t *change_json(const struct pt_app_run_done *done)
{
	return json_pack("{s:I,s:s,s:o,s:I,s:I}", "run", (json_int_t)done->run_id, "state",
			 clock_name(done->state), "now_min", num(done->now_min), "events",
			 (json_int_t)done->n_events, "last_event", (json_int_t)done->last_event);
}

/* Answer a change: its error, else status with the change; wakes the run's streams. */
static void answer_change(struct pt_req *r, enum pt_err err, const struct pt_diag *d,
			  struct pt_app_run_done *done, long long id, unsigned status)
{
	if (err != PT_OK) {
		reply_run_error(r, err, d);
		return;
	}
	if (!done->run_id)
		done->run_id = id;
	pt_live_changed(r->srv->live, done);
	pt_reply_json(r, status, change_json(done));
}

static json_t *clock_json(const struct pt_ex_clock *c, double now_min)
{
	return json_pack("{s:s,s:o,s:o}", "state", clock_name(c->state), "speed", num(c->speed),
			 "now_min", num(now_min));
}

static json_t *summary_json(const struct pt_app_run_summary *s)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:b,s:I,s:s}", "id", (json_int_t)s->id, "title",
			 s->title, "scenario_id", s->scenario_id, "tlp", pt_tlp_name(s->tlp), "view",
			 pt_run_view_name(s->view), "clock", clock_json(&s->clock, s->now_min), "ended",
			 s->ended, "created_at", (json_int_t)s->created_at, "created_by",
			 s->created_by);
}

static json_t *participant_json(const struct pt_app_run_participant *p)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:b}", "user", p->user, "organisation", p->org, "member",
			 pt_run_member_name(p->member), "role",
			 p->member == PT_RUN_PLAYER ? str_or_null(p->role) : json_null(), "lead",
			 p->lead);
}

/* HSEEP 2020 (review finding 7): an improvement item's AFI link, analysis, POC and start. */
static int improvement_hseep_json(json_t *o, const struct pt_app_run_improvement *m)
{
	if (!o)
		return 1;
	return json_object_set_new(o, "afi", m->afi ? json_integer((json_int_t)m->afi) : json_null()) ||
	       json_object_set_new(o, "objective", str_or_null(m->objective)) ||
	       json_object_set_new(o, "target", str_or_null(m->target)) ||
	       json_object_set_new(o, "analysis", str_or_null(m->analysis ? m->analysis : "")) ||
	       json_object_set_new(o, "poc", str_or_null(m->poc)) ||
	       json_object_set_new(o, "start", str_or_null(m->start));
}

static json_t *rating_json(const struct pt_app_run_rating *g)
{
	return json_pack("{s:s,s:s,s:s,s:b,s:I,s:s}", "target", g->target, "user", g->user, "rating",
			 pt_app_run_rating_name(g->rating), "final", g->final, "at",
			 (json_int_t)g->at, "note", g->note ? g->note : "");
}

/* Append v to array a; nonzero when v is NULL (out of memory). */
static int push(json_t *a, json_t *v)
{
	return !v || json_array_append_new(a, v) != 0;
}

/* A suspension for a real-world emergency, or null (review finding 9). */
static json_t *suspension_json(const struct pt_app_run_suspension *s)
{
	if (!s->event)
		return json_null();
	return json_pack("{s:I,s:o,s:I,s:s}", "event", (json_int_t)s->event, "t_min", num(s->t_min),
			 "at_ms", (json_int_t)s->at_ms, "text", s->text);
}

/* The run as the caller may see it (docs/api.md, "GET /api/v1/runs/{id}"). */
static json_t *run_json(const struct pt_app_run *run)
{
	json_t *o = summary_json(&run->s), *a;
	size_t i;
	int bad = !o;
	if (bad)
		return NULL;
	if (run->guide) { /* attack review 6: not a player's */
		bad |= json_object_set_new(o, "seed", json_integer((json_int_t)run->seed)) != 0;
		bad |= json_object_set_new(o, "sim_start_min", num(run->sim_start_min)) != 0;
		bad |= json_object_set_new(o, "next_sim_min", num(run->next_sim_min)) != 0;
	}
	bad |= json_object_set_new(o, "sim_figures", json_boolean(run->sim_figures)) != 0;
	bad |= json_object_set_new(o, "last_event", json_integer(run->last_event)) != 0;
	bad |= json_object_set_new(o, "suspended", suspension_json(&run->suspension)) != 0;
	a = json_array();
	for (i = 0; a && i < run->n_my_roles; i++)
		bad |= push(a, json_string(run->my_roles[i]));
	bad |= json_object_set_new(o, "my_roles", a) != 0;
	bad |= json_object_set_new(o, "scenario", run->sc ? pt_ex_scenario_to_json(run->sc)
							    : json_null()) != 0;
	if (!run->guide && (a = json_object_get(o, "scenario")) && json_is_object(a)) {
		static const char *const hidden[] = {"objectives", "baseline", "simulation",
						     "sim_start", "sim_every_min",
						     "sim_replications", "sim_to"};
		for (i = 0; i < sizeof hidden / sizeof *hidden; i++)
			json_object_del(a, hidden[i]);
	}
	/* attack review 4: the page of responses, log and observations */
	bad |= json_object_set_new(o, "entries",
				   json_pack("{s:I,s:o,s:b,s:o}", "limit",
					     (json_int_t)run->page_limit, "before",
					     run->page_before > 0 ? json_integer(run->page_before)
								  : json_null(),
					     "more", run->page_more, "next_before",
					     run->page_more ? json_integer(run->page_next)
							    : json_null())) != 0;
	a = json_array();
	for (i = 0; a && run->sc && i < run->sc->n_injects; i++) {
		const struct pt_ex_run_inject *s = &run->inj[i];
		json_t *by, *by_value = json_null(); /* done_value: review finding 1 */
		if (s->done_min < 0)
			by = json_null();
		else if (s->done_by == UINT32_MAX)
			by = json_string("facilitator");
		else if (s->done_by < run->n_made) {
			by = json_string(run->made[s->done_by].decision_id);
			if (run->made[s->done_by].m.value[0]) {
				json_decref(by_value);
				by_value = json_string(run->made[s->done_by].m.value);
			}
		} else
			by = json_string("decision");
		bad |= push(a, json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "seq",
					 (json_int_t)run->sc->injects[i].seq, "status",
					 (unsigned)s->status <= PT_EX_CANCELLED ? status_names[s->status]
										: "",
					 "due_min", num(s->due_min), "deadline_min",
					 maybe_min(s->deadline_min), "delivered_min",
					 maybe_min(s->delivered_min), "done_min", maybe_min(s->done_min),
					 "done_by", by, "done_value", by_value));
	}
	bad |= json_object_set_new(o, "injects", a) != 0;
	a = json_array();
	for (i = 0; a && i < run->n_participants; i++)
		bad |= push(a, participant_json(&run->participants[i]));
	bad |= json_object_set_new(o, "participants", a) != 0;
	a = json_array();
	for (i = 0; a && i < run->n_made; i++) {
		const struct pt_app_run_made *m = &run->made[i];
		const char *label = run->sc && m->m.decision < run->sc->n_decisions
					    ? run->sc->decisions[m->m.decision].label
					    : m->decision_id;
		bad |= push(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:I}", "decision",
					 m->decision_id, "label", label, "value", m->m.value, "role",
					 m->m.role, "user", m->user, "t_min", num(m->m.t_min), "at",
					 (json_int_t)m->at));
	}
	bad |= json_object_set_new(o, "decisions", a) != 0;
	a = json_array();
	for (i = 0; a && i < run->n_responses; i++) {
		const struct pt_app_run_response *p = &run->responses[i];
		bad |= push(a, json_pack("{s:I,s:I,s:s,s:s,s:o,s:I,s:s}", "id", (json_int_t)p->id,
					 "seq", (json_int_t)p->seq, "role", p->role, "user", p->user,
					 "t_min", num(p->t_min), "at", (json_int_t)p->at, "text",
					 p->text ? p->text : ""));
	}
	bad |= json_object_set_new(o, "responses", a) != 0;
	a = json_array();
	for (i = 0; a && i < run->n_log; i++) {
		const struct pt_app_run_log *g = &run->log[i];
		bad |= push(a, json_pack("{s:I,s:s,s:s,s:s,s:o,s:I,s:s}", "id", (json_int_t)g->id,
					 "user", g->user, "position", g->position, "agency", g->agency,
					 "t_min", num(g->t_min), "at", (json_int_t)g->at, "activity",
					 g->activity ? g->activity : ""));
	}
	bad |= json_object_set_new(o, "log", a) != 0;
	a = json_array();
	for (i = 0; a && i < run->n_observations; i++) {
		const struct pt_app_run_observation *b = &run->observations[i];
		bad |= push(a, json_pack("{s:I,s:s,s:o,s:I,s:o,s:o,s:s,s:s}", "id",
					 (json_int_t)b->id, "user", b->user, "t_min", num(b->t_min),
					 "at", (json_int_t)b->at, "capability",
					 capability_json(b->capability), "target",
					 str_or_null(b->target), "kind",
					 pt_app_run_obs_kind_name(b->kind), "text",
					 b->text ? b->text : ""));
	}
	bad |= json_object_set_new(o, "observations", a) != 0;
	a = json_array();
	for (i = 0; a && i < run->n_ratings; i++)
		bad |= push(a, rating_json(&run->ratings[i]));
	bad |= json_object_set_new(o, "ratings", a) != 0;
	a = json_array();
	for (i = 0; a && i < run->n_improvements; i++) {
		const struct pt_app_run_improvement *m = &run->improvements[i];
		bad |= push(a, json_pack("{s:I,s:o,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:I}", "id",
					 (json_int_t)m->id, "capability",
					 capability_json(m->capability), "issue",
					 m->issue ? m->issue : "", "action", m->action ? m->action : "",
					 "element", pt_app_run_element_name(m->element), "responsible",
					 m->responsible, "due", str_or_null(m->due), "measure",
					 str_or_null(m->measure_id), "risk_site",
					 str_or_null(m->risk_site), "risk_threat",
					 str_or_null(m->risk_threat), "user", m->user, "at",
					 (json_int_t)m->at));
		bad |= improvement_hseep_json(json_array_get(a, json_array_size(a) - 1), m);
	}
	bad |= json_object_set_new(o, "improvements", a) != 0;
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- the built-in exercise scenarios ---- */

/* A built-in scenario as GET /exercises shows it: the file's members but its MSEL and baseline. */
static json_t *exercise_json(const struct pt_ex_scenario *sc)
{
	json_t *o = pt_ex_scenario_to_json(sc), *roles, *stages, *decisions, *objectives;
	json_t *out;
	size_t i;
	if (!o)
		return NULL;
	stages = json_object_get(o, "stages");
	roles = json_object_get(o, "roles");
	objectives = json_object_get(o, "objectives");
	decisions = json_object_get(o, "decisions");
	out = json_pack("{s:s,s:s,s:s,s:i,s:i,s:s,s:o,s:o,s:I,s:O,s:O,s:O,s:O}", "id", sc->id,
			"title", sc->title, "description", sc->description ? sc->description : "",
			"duration_min", (int)sc->duration_min, "sim_start_min",
			(int)sc->sim_start_min, "tlp", sc->tlp ? sc->tlp : "AMBER", "simulation",
			str_or_null(sc->simulation), "pio_role", str_or_null(sc->pio_role),
			"injects", (json_int_t)sc->n_injects, "stages",
			stages ? stages : json_array(), "roles", roles ? roles : json_array(),
			"objectives", objectives ? objectives : json_array(), "decisions",
			decisions ? decisions : json_array());
	if (out) {
		json_t *to = json_array();
		for (i = 0; to && i < sc->n_sim_to; i++)
			json_array_append_new(to, json_string(sc->sim_to[i]));
		json_object_set_new(out, "sim_to", to ? to : json_array());
	}
	json_decref(o);
	return out;
}

void pt_h_exercises(struct pt_req *r)
{
	const struct pt_embedded_file *f;
	json_t *items = json_array();
	size_t n = 0, plen = strlen(BUILTIN_PREFIX);
	struct pt_caller c;
	if (!items) {
		pt_reply_json(r, 500, NULL);
		return;
	}
	pt_api_caller(r, &c);
	/* Every embedded data/scenarios/NAME.json that reads as an exercise scenario (the others are
	 * simulation scenarios). */
	for (f = pt_embedded_files; f->name; f++) {
		struct pt_ex_scenario *sc = NULL;
		struct pt_diag d = PT_DIAG_INIT;
		size_t len = strlen(f->name);
		json_t *e;
		if (strncmp(f->name, BUILTIN_PREFIX, plen) != 0 || len < plen + 6 ||
		    strcmp(f->name + len - 5, ".json") != 0 || strchr(f->name + plen, '/'))
			continue;
		if (pt_ex_scenario_read(f->data, f->len, NULL, &sc, &d) != PT_OK) {
			pt_ex_scenario_free(sc);
			continue;
		}
		e = exercise_json(sc);
		pt_ex_scenario_free(sc);
		if (e && pt_access_exercise_guide(&c.who) != PT_ACCESS_OK) { /* attack review 6 */
			json_object_del(e, "objectives");
			json_object_del(e, "sim_to");
			json_object_del(e, "simulation");
			json_object_del(e, "sim_start_min");
		}
		if (push(items, e)) {
			json_decref(items);
			pt_reply_json(r, 500, NULL);
			return;
		}
		n++;
	}
	pt_reply_json(r, 200, pt_api_list(items, 0, n, n));
}

/* ---- runs ---- */

void pt_h_runs_list(struct pt_req *r)
{
	struct pt_app_run_list *l = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	size_t limit, offset, i;
	enum pt_err err;
	json_t *items;
	pt_api_page(r, &limit, &offset);
	pt_api_caller(r, &c);
	if ((err = pt_app_run_list(&c, r->db, &l, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	for (i = offset; items && i < l->n && i < offset + limit; i++)
		if (push(items, summary_json(&l->items[i]))) {
			json_decref(items);
			items = NULL;
		}
	pt_reply_json(r, 200, pt_api_list(items, offset, i > offset ? i - offset : 0, l->n));
	pt_app_run_list_free(l);
}

/* Reply status with run id as the caller may see it. */
static void reply_run(struct pt_req *r, long long id, unsigned status)
{
	struct pt_app_run *run = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	enum pt_err err;
	pt_api_caller(r, &c);
	if ((err = pt_app_run_get(&c, r->db, id, &run, &d)) != PT_OK) {
		reply_run_error(r, err, &d);
		return;
	}
	pt_reply_json(r, status, run_json(run));
	pt_app_run_free(run);
}

void pt_h_run_create(struct pt_req *r)
{
	struct pt_app_run_create_opts o;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	json_t *v, *scenario = json_object_get(r->json, "scenario"),
		*sim = json_object_get(r->json, "simulation");
	char *stext = NULL, *simtext = NULL, where[64];
	long long id = 0;
	enum pt_err err;

	pt_http_run_refusals_mark(r); /* attack review 6, round 2: a refused creation is audited too */
	memset(&o, 0, sizeof o);
	o.builtin = json_string_value(json_object_get(r->json, "builtin"));
	if (!o.builtin == !scenario) {
		pt_reply_error(r, 400, "scenario", 0,
			       "scenario: give either builtin (a built-in scenario's id) or scenario "
			       "(an exercise scenario file's JSON)");
		return;
	}
	if (o.builtin && sim) {
		pt_reply_error(r, 400, "simulation", 0,
			       "simulation: a built-in scenario brings its own simulation");
		return;
	}
	if (scenario) {
		/* The reader reads the file's JSON text: the body's object written out again. */
		if (!(stext = json_dumps(scenario, JSON_PRESERVE_ORDER | JSON_INDENT(1))) ||
		    (sim && !(simtext = json_dumps(sim, JSON_PRESERVE_ORDER | JSON_INDENT(1))))) {
			free(stext);
			pt_reply_json(r, 500, NULL);
			return;
		}
		o.scenario = stext;
		o.scenario_len = strlen(stext);
		o.sim = simtext;
		o.sim_len = simtext ? strlen(simtext) : 0;
	}
	o.title = json_string_value(json_object_get(r->json, "title"));
	if ((v = json_object_get(r->json, "tlp"))) {
		o.tlp_set = 1;
		pt_tlp_parse(json_string_value(v), &o.tlp); /* the route's enum checked it */
	}
	if ((v = json_object_get(r->json, "seed"))) {
		o.seed_set = 1;
		o.seed = (uint64_t)json_integer_value(v);
	}
	pt_api_caller(r, &c);
	err = pt_app_run_create(&c, r->db, &o, &id, &d);
	free(stext);
	free(simtext);
	if (err != PT_OK) {
		reply_run_error(r, err, &d);
		return;
	}
	snprintf(where, sizeof where, "/api/v1/runs/%lld", id);
	pt_reply_header(r, "Location", where);
	reply_run(r, id, 201);
}

void pt_h_run_get(struct pt_req *r)
{
	const struct pt_qval *limit = pt_req_query(r, "limit"), *before = pt_req_query(r, "before");
	struct pt_app_run *run = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	long long id = path_run_or_reply(r);
	enum pt_err err;
	if (!id)
		return;
	pt_api_caller(r, &c);
	err = pt_app_run_get_page(&c, r->db, id, before && before->set ? (long long)before->num : 0,
				  limit && limit->set ? (size_t)limit->num : 0, &run, &d);
	if (err != PT_OK) {
		reply_run_error(r, err, &d);
		return;
	}
	pt_reply_json(r, 200, run_json(run));
	pt_app_run_free(run);
}


void pt_h_run_assign(struct pt_req *r)
{
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	enum pt_run_member member;
	const char *user = json_string_value(json_object_get(r->json, "user"));
	const char *role = json_string_value(json_object_get(r->json, "role"));
	struct pt_app_run_participant p;
	long long id = path_run_or_reply(r);
	enum pt_err err;
	if (!id)
		return;
	pt_run_member_parse(json_string_value(json_object_get(r->json, "member")), &member);
	if (member == PT_RUN_PLAYER && !role) {
		pt_reply_error(r, 400, "role", 0, "role: required for a player (an exercise role id)");
		return;
	}
	if (member != PT_RUN_PLAYER && role) {
		pt_reply_error(r, 400, "role", 0, "role: only a player plays an exercise role");
		return;
	}
	pt_api_caller(r, &c);
	if ((err = pt_app_run_assign(&c, r->db, id, user, member, role, &d)) != PT_OK) {
		reply_run_error(r, err, &d);
		return;
	}
	pt_live_wake(r->srv->live, id);
	memset(&p, 0, sizeof p);
	pt_strlcpy(p.user, user, sizeof p.user);
	p.member = member;
	pt_strlcpy(p.role, role ? role : "", sizeof p.role);
	/* The organisation as the run shows it: read back (the caller drives the run, so sees it). */
	{
		struct pt_app_run *run = NULL;
		size_t i;
		if (pt_app_run_get(&c, r->db, id, &run, &d) == PT_OK) {
			for (i = 0; i < run->n_participants; i++)
				if (strcmp(run->participants[i].user, user) == 0 &&
				    run->participants[i].member == member &&
				    strcmp(run->participants[i].role, p.role) == 0)
					p = run->participants[i];
			pt_app_run_free(run);
		}
	}
	pt_reply_json(r, 201, participant_json(&p));
}

void pt_h_run_unassign(struct pt_req *r)
{
	const struct pt_qval *q = pt_req_query(r, "role");
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	long long id = path_run_or_reply(r);
	enum pt_err err;
	if (!id)
		return;
	if (!pt_valid_id(r->param[1])) {
		pt_reply_error(r, 404, "user", 0, "user: not assigned to this run");
		return;
	}
	pt_api_caller(r, &c);
	err = pt_app_run_unassign(&c, r->db, id, r->param[1], q && q->set ? q->str : NULL, &d);
	if (err != PT_OK) {
		reply_run_error(r, err, &d);
		return;
	}
	pt_live_wake(r->srv->live, id);
	pt_reply_empty(r, 204);
}

/* The last segment of the route's pattern ("start", "trigger"). */
static const char *route_step(const struct pt_req *r)
{
	const char *s = strrchr(r->route->pattern, '/');
	return s ? s + 1 : "";
}

void pt_h_run_clock(struct pt_req *r)
{
	const char *step = route_step(r);
	struct pt_app_run_done done;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	long long id = path_run_or_reply(r);
	enum pt_err err;
	if (!id)
		return;
	memset(&done, 0, sizeof done);
	pt_api_caller(r, &c);
	if (strcmp(step, "start") == 0)
		err = pt_app_run_start(&c, r->db, id, &done, &d);
	else if (strcmp(step, "pause") == 0)
		err = pt_app_run_pause(&c, r->db, id, &done, &d);
	else if (strcmp(step, "resume") == 0)
		err = pt_app_run_resume(&c, r->db, id, &done, &d);
	else if (strcmp(step, "shift") == 0) {
		double m = json_number_value(json_object_get(r->json, "minutes"));
		if (m == 0) {
			pt_reply_error(r, 400, "minutes", 0, "minutes: a number of minutes, not 0");
			return;
		}
		err = pt_app_run_shift(&c, r->db, id, m, &done, &d);
	} else if (strcmp(step, "speed") == 0)
		err = pt_app_run_speed(&c, r->db, id,
				       json_number_value(json_object_get(r->json, "factor")), &done, &d);
	else if (strcmp(step, "suspend") == 0) { /* review finding 9: a real-world emergency */
		const char *msg = r->json ? json_string_value(json_object_get(r->json, "message"))
					  : NULL;
		err = pt_app_run_suspend(&c, r->db, id, msg && msg[0] ? msg : NULL, &done, &d);
	} else { /* endex */
		const char *msg = r->json ? json_string_value(json_object_get(r->json, "message"))
					  : NULL;
		int real = r->json && json_is_true(json_object_get(r->json, "real_world"));
		err = pt_app_run_endex(&c, r->db, id,
				       real ? PT_RUN_ENDEX_REAL_WORLD : PT_RUN_ENDEX_EXERCISE,
				       msg && msg[0] ? msg : NULL, &done, &d);
	}
	answer_change(r, err, &d, &done, id, 200);
}

void pt_h_run_inject(struct pt_req *r)
{
	const char *step = route_step(r);
	struct pt_app_run_done done;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	long long id = path_run_or_reply(r);
	uint32_t seq;
	enum pt_err err;
	if (!id || !(seq = path_seq_or_reply(r)))
		return;
	memset(&done, 0, sizeof done);
	pt_api_caller(r, &c);
	if (strcmp(step, "trigger") == 0)
		err = pt_app_run_trigger(&c, r->db, id, seq, &done, &d);
	else if (strcmp(step, "skip") == 0)
		err = pt_app_run_skip(&c, r->db, id, seq, &done, &d);
	else
		err = pt_app_run_mark_done(&c, r->db, id, seq, &done, &d);
	answer_change(r, err, &d, &done, id, 200);
}

void pt_h_run_respond(struct pt_req *r)
{
	struct pt_app_run_done done;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	long long id = path_run_or_reply(r);
	uint32_t seq;
	enum pt_err err;
	if (!id || !(seq = path_seq_or_reply(r)))
		return;
	memset(&done, 0, sizeof done);
	pt_api_caller(r, &c);
	if (pt_http_run_rate_or_reply(r, &c, id))
		return;
	err = pt_app_run_respond(&c, r->db, id, seq,
				 json_string_value(json_object_get(r->json, "role")),
				 json_string_value(json_object_get(r->json, "text")), &done, &d);
	answer_change(r, err, &d, &done, id, 201);
}

void pt_h_run_decide(struct pt_req *r)
{
	struct pt_app_run_done done;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	json_t *v = json_object_get(r->json, "value");
	char text[64];
	const char *value = NULL;
	long long id = path_run_or_reply(r);
	enum pt_err err;
	if (!id)
		return;
	if (json_is_string(v)) {
		value = json_string_value(v);
	} else if (json_is_integer(v)) {
		snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
		value = text;
	} else if (json_is_real(v)) {
		snprintf(text, sizeof text, "%.17g", json_real_value(v));
		value = text;
	} else if (json_is_boolean(v)) {
		value = json_is_true(v) ? "true" : "false";
	}
	memset(&done, 0, sizeof done);
	pt_api_caller(r, &c);
	if (pt_http_run_rate_or_reply(r, &c, id))
		return;
	err = pt_app_run_decide(&c, r->db, id, json_string_value(json_object_get(r->json, "role")),
				json_string_value(json_object_get(r->json, "decision")), value,
				&done, &d);
	answer_change(r, err, &d, &done, id, 201);
}

/* Reply 201 {"id": N} or the error. */
static void answer_id(struct pt_req *r, enum pt_err err, const struct pt_diag *d,
		      long long rid, long long new_id)
{
	if (err != PT_OK) {
		reply_run_error(r, err, d);
		return;
	}
	pt_live_wake(r->srv->live, rid);
	pt_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)new_id));
}

/* t_min of the body (absent: -1, now). */
static double body_minute(const struct pt_req *r)
{
	json_t *v = json_object_get(r->json, "t_min");
	return v ? json_number_value(v) : -1;
}

/* A capability name of the body into *out (absent: -1). 0, or 1 after a 400. */
static int body_capability_or_reply(struct pt_req *r, int *out)
{
	const char *s = json_string_value(json_object_get(r->json, "capability"));
	*out = -1;
	if (!s)
		return 0;
	if ((*out = pt_ex_capability_find(s)) < 0) {
		pt_reply_error(r, 400, "capability", 0,
			       "capability: '%s' is none of FEMA's 32 core capabilities "
			       "(\"Operational Coordination\", \"Mass Care Services\", ...)",
			       s);
		return 1;
	}
	return 0;
}

void pt_h_run_log(struct pt_req *r)
{
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	long long id = path_run_or_reply(r), entry = 0;
	enum pt_err err;
	if (!id)
		return;
	pt_api_caller(r, &c);
	if (pt_http_run_rate_or_reply(r, &c, id))
		return;
	err = pt_app_run_log_add(&c, r->db, id, json_string_value(json_object_get(r->json, "role")),
				 body_minute(r),
				 json_string_value(json_object_get(r->json, "activity")), &entry, &d);
	answer_id(r, err, &d, id, entry);
}

void pt_h_run_observe(struct pt_req *r)
{
	struct pt_app_run_obs_opts o;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	const char *kind = json_string_value(json_object_get(r->json, "kind"));
	long long id = path_run_or_reply(r), obs = 0;
	enum pt_err err;
	if (!id)
		return;
	memset(&o, 0, sizeof o);
	if (body_capability_or_reply(r, &o.capability))
		return;
	o.kind = PT_RUN_OBS_OBSERVATION;
	if (kind)
		pt_app_run_obs_kind_parse(kind, &o.kind); /* the route's enum checked it */
	o.t_min = body_minute(r);
	o.target = json_string_value(json_object_get(r->json, "target"));
	o.text = json_string_value(json_object_get(r->json, "text"));
	pt_api_caller(r, &c);
	if (pt_http_run_rate_or_reply(r, &c, id))
		return;
	err = pt_app_run_observe(&c, r->db, id, &o, &obs, &d);
	answer_id(r, err, &d, id, obs);
}

void pt_h_run_rate(struct pt_req *r)
{
	struct pt_app_run_rating g;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	const char *target = json_string_value(json_object_get(r->json, "target"));
	const char *note = json_string_value(json_object_get(r->json, "note"));
	int final = json_is_true(json_object_get(r->json, "final"));
	enum pt_run_rating rating = PT_RUN_RATING_P;
	long long id = path_run_or_reply(r);
	enum pt_err err;
	if (!id)
		return;
	pt_app_run_rating_parse(json_string_value(json_object_get(r->json, "rating")), &rating);
	pt_api_caller(r, &c);
	err = final ? pt_app_run_rate_final(&c, r->db, id, target, rating, note, &d)
		    : pt_app_run_rate(&c, r->db, id, target, rating, note, &d);
	if (err != PT_OK) {
		reply_run_error(r, err, &d);
		return;
	}
	pt_live_wake(r->srv->live, id);
	memset(&g, 0, sizeof g);
	pt_strlcpy(g.target, target, sizeof g.target);
	pt_strlcpy(g.user, c.name, sizeof g.user);
	g.rating = rating;
	g.final = final;
	g.at = c.now;
	g.note = (char *)(uintptr_t)(note ? note : "");
	pt_reply_json(r, 200, rating_json(&g));
}

void pt_h_run_improve(struct pt_req *r)
{
	struct pt_app_run_improvement_opts o;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	long long id = path_run_or_reply(r), item = 0;
	enum pt_err err;
	if (!id)
		return;
	memset(&o, 0, sizeof o);
	if (body_capability_or_reply(r, &o.capability))
		return;
	if (!!json_object_get(r->json, "risk_site") != !!json_object_get(r->json, "risk_threat")) {
		const char *missing = json_object_get(r->json, "risk_site") ? "risk_threat" : "risk_site";
		pt_reply_error(r, 400, missing, 0,
			       "%s: risk_site and risk_threat name a register entry together", missing);
		return;
	}
	o.issue = json_string_value(json_object_get(r->json, "issue"));
	o.action = json_string_value(json_object_get(r->json, "action"));
	pt_app_run_element_parse(json_string_value(json_object_get(r->json, "element")), &o.element);
	o.responsible = json_string_value(json_object_get(r->json, "responsible"));
	o.due = json_string_value(json_object_get(r->json, "due"));
	o.measure_id = json_string_value(json_object_get(r->json, "measure"));
	o.risk_site = json_string_value(json_object_get(r->json, "risk_site"));
	o.risk_threat = json_string_value(json_object_get(r->json, "risk_threat"));
	o.afi = (long long)json_integer_value(json_object_get(r->json, "afi"));
	o.objective = json_string_value(json_object_get(r->json, "objective"));
	o.target = json_string_value(json_object_get(r->json, "target"));
	o.analysis = json_string_value(json_object_get(r->json, "analysis"));
	o.poc = json_string_value(json_object_get(r->json, "poc"));
	o.start = json_string_value(json_object_get(r->json, "start"));
	pt_api_caller(r, &c);
	err = pt_app_run_improvement_add(&c, r->db, id, &o, &item, &d);
	answer_id(r, err, &d, id, item);
}
