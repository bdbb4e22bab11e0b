/* pt_app_exercise_runs.c - live exercise runs (issue 15): loading a run and
 * restoring its engine, saving it back with its events, and the use cases
 * that change it: create, assign, the clock, tick, decide. */
#include "pt_app_exercise_runs.h"

#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_embedded.h"
#include "../formats/pt_exercise_io.h"
#include "../formats/pt_exercise_run_io.h"
#include "../formats/pt_scenario_io.h"
#include "../formats/pt_sim_situation.h"
#include "../store/pt_audit.h"
#include "../store/pt_exercise_report_store.h"
#include "../store/pt_user_store.h"
#include "../store/pt_users.h"
#include "pt_app_alerts_int.h"
#include "pt_app_audit.h"
#include "pt_app_exercise_runs_int.h"
#include "pt_app_simulate.h"

#define BUILTIN_PREFIX "scenarios/" /* data/scenarios/ as embedded (tools/embed.c drops data/) */

static const char *const inject_status_names[] = {"pending", "delivered", "skipped", "cancelled"};
static const char *const clock_state_names[] = {"ready", "running", "paused", "ended"};

static enum pt_err nomem(struct pt_diag *d)
{
	return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
}

static enum pt_err not_found(long long id, struct pt_diag *d)
{
	return pt_diag_set(d, PT_ENOTFOUND, 0, "run", "no exercise run %lld", id);
}

const char *pt_app_run_who(const struct pt_caller *c)
{
	return c->name[0] ? c->name : "system";
}

int64_t pt_app_run_now_ms(const struct pt_caller *c)
{
	return pt_app_now(c->now) * 1000;
}

unsigned long pt_app_run_role_bit(const struct pt_ex_scenario *sc, const char *role)
{
	int i = role ? pt_ex_role_find(sc, role) : -1;
	return i >= 0 && i < 32 ? 1ul << i : 0;
}

void pt_app_run_agency(struct pt_db *db, const struct pt_caller *c, char *buf, size_t size)
{
	struct pt_user u;
	struct pt_diag d;
	buf[0] = '\0';
	memset(&d, 0, sizeof d);
	if (!c->who.system && c->who.user_id > 0 && pt_db_user_get_id(db, c->who.user_id, &u, &d) == PT_OK)
		pt_strlcpy_utf8(buf, u.org_name, size);
}

enum pt_err pt_app_run_audit(struct pt_db *db, long long id, const char *action,
			     const char *detail, struct pt_diag *d)
{
	char rid[32];
	snprintf(rid, sizeof rid, "%lld", id);
	return pt_audit_append(db, action, "exercise_runs", rid, detail, d);
}

/* ---- attack review 7, 8: refusals of a run, its texts ---- */

enum pt_err pt_app_run_refused(const struct pt_caller *c, struct pt_db *db, const char *action,
			       const char *rid, enum pt_err err, const struct pt_diag *d)
{
	char detail[PT_AUDIT_DETAIL_MAX];
	struct pt_diag ad = PT_DIAG_INIT;
	int hidden = err == PT_ENOTFOUND && d && strcmp(d->field, "run") == 0;
	int quota = err == PT_ELIMIT && d && (strcmp(d->field, "run") == 0 ||
					      strcmp(d->field, "user") == 0);
	if (c && c->quiet_refusals) /* attack review N3, round 3: throttled, counted by the face */
		return err;
	if (!(hidden || quota) || !c || c->who.system || !db || pt_db_in_transaction(db))
		return pt_app_refused(c, db, action, "exercise_runs", rid, err, d);
	pt_strlcpy_utf8(detail, action ? action : "a write", sizeof detail);
	pt_strlcat(detail, ": ", sizeof detail);
	if (hidden) {
		pt_strlcat(detail, "not found", sizeof detail);
	} else { /* attack review 4: a quota reached */
		pt_strlcat(detail, d->field, sizeof detail);
		pt_strlcat(detail, ": ", sizeof detail);
		pt_strlcat(detail, d->msg, sizeof detail);
	}
	pt_app_act(c, db);
	(void)pt_audit_append(db, PT_AUDIT_REFUSED_ACTION, "exercise_runs", rid, detail, &ad);
	return err;
}

enum pt_err pt_app_run_text_check(const char *s, int lines, const char *field, struct pt_diag *d)
{
	unsigned long bad = 0;
	char what[96];
	if (!s || pt_text_public_ok(s, lines ? PT_TEXT_LINES_LF : 0, &bad))
		return PT_OK;
	pt_text_public_name(bad, what, sizeof what);
	return pt_diag_set(d, PT_EINVAL, 0, field,
			   "holds %s; a run's text has no control characters but %s, no bidi "
			   "controls (U+202A-U+202E, U+2066-U+2069) and no U+2028/U+2029",
			   what, lines ? "tab and new line (no carriage return)" : "none");
}

/* ---- loading and saving ---- */

static int clock_state_parse(const char *s, enum pt_ex_clock_state *out)
{
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(s, clock_state_names[i]) == 0) {
			*out = (enum pt_ex_clock_state)i;
			return 0;
		}
	return -1;
}

static int inject_status_parse(const char *s, enum pt_ex_inject_status *out)
{
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(s, inject_status_names[i]) == 0) {
			*out = (enum pt_ex_inject_status)i;
			return 0;
		}
	return -1;
}

/* Restore the engine (clock, inject states, decisions made) from the rows. */
static enum pt_err restore(struct pt_db *db, struct pt_app_run_loaded *L, struct pt_diag *d)
{
	struct pt_db_run_inject *rows = NULL;
	size_t n = 0, i;
	enum pt_err err;

	pt_ex_clock_init(&L->clock);
	if (clock_state_parse(L->row.clock_state, &L->clock.state) != 0)
		return pt_diag_set(d, PT_EDB, 0, "clock", "run %lld: stored clock state '%s' unknown",
				   L->row.id, L->row.clock_state);
	L->clock.base_wall_ms = L->row.base_wall_ms;
	L->clock.base_min = L->row.base_min;
	L->clock.speed = L->row.speed;
	if ((err = pt_ex_run_init(&L->run, L->sc)) != PT_OK)
		return pt_diag_set(d, err, 0, "run", "restoring run %lld: %s", L->row.id,
				   pt_strerror(err));
	L->engine = 1;
	if ((err = pt_db_run_injects(db, L->row.id, &rows, &n, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		int k = pt_ex_inject_find(L->sc, rows[i].seq);
		struct pt_ex_run_inject *s;
		if (k < 0)
			continue;
		s = &L->run.inj[k];
		if (inject_status_parse(rows[i].status, &s->status) != 0) {
			free(rows);
			return pt_diag_set(d, PT_EDB, 0, "inject", "run %lld: inject %u: status '%s'",
					   L->row.id, rows[i].seq, rows[i].status);
		}
		s->due_min = rows[i].due_min;
		s->deadline_min = rows[i].deadline_min;
		s->delivered_min = rows[i].delivered_min;
		s->done_min = rows[i].done_min;
		s->done_by = rows[i].done_by < 0 ? UINT32_MAX : (uint32_t)rows[i].done_by;
	}
	free(rows);
	if ((err = pt_db_run_decisions(db, L->row.id, &L->made_rows, &L->n_made_rows, d)) != PT_OK)
		return err;
	if (L->n_made_rows) {
		struct pt_ex_made *m = realloc(L->run.made, L->n_made_rows * sizeof *m);
		if (!m)
			return nomem(d);
		L->run.made = m;
		L->run.cap_made = L->n_made_rows;
		for (i = 0; i < L->n_made_rows; i++) {
			int k = pt_ex_decision_find(L->sc, L->made_rows[i].decision);
			if (k < 0)
				return pt_diag_set(d, PT_EDB, 0, "decision",
						   "run %lld: stored decision '%s' unknown", L->row.id,
						   L->made_rows[i].decision);
			memset(&m[i], 0, sizeof m[i]);
			m[i].decision = (uint32_t)k;
			m[i].t_min = L->made_rows[i].t_min;
			pt_strlcpy_utf8(m[i].value, L->made_rows[i].value, sizeof m[i].value);
			pt_strlcpy_utf8(m[i].role, L->made_rows[i].role, sizeof m[i].role);
		}
	}
	L->run.n_made = L->n_made_rows;
	L->run.now_min = L->row.now_min;
	L->run.next_sim_min = L->row.next_sim_min;
	L->run.end_min = L->row.end_min;
	L->run.ended = L->row.ended;
	/* review finding 2: the run's own attack time (-1: stored before migration 026) */
	L->run.sim_start_min = L->row.sim_start_min >= 0 ? L->row.sim_start_min
							 : (double)L->sc->sim_start_min;
	L->saved_made = L->run.n_made;
	if ((err = pt_db_run_suspended(db, L->row.id, &L->suspended, d)) != PT_OK)
		return err; /* review finding 9: suspended for a real-world emergency */
	if (L->sc->n_injects) {
		if (!(L->saved_inj = malloc(L->sc->n_injects * sizeof *L->saved_inj)))
			return nomem(d);
		memcpy(L->saved_inj, L->run.inj, L->sc->n_injects * sizeof *L->saved_inj);
	}
	return PT_OK;
}

enum pt_err pt_app_run_load(const struct pt_caller *c, struct pt_db *db, long long id, int engine,
			    struct pt_app_run_loaded *L, struct pt_diag *d)
{
	enum pt_err err;
	size_t i;
	memset(L, 0, sizeof *L);
	L->c = c;
	if (id <= 0)
		return not_found(id, d);
	if ((err = pt_db_run_get(db, id, 1, &L->row, d)) != PT_OK)
		return err == PT_ENOTFOUND ? not_found(id, d) : err;
	if ((err = pt_ex_scenario_read(L->row.scenario_json, L->row.scenario_len, NULL, &L->sc, d)) !=
	    PT_OK)
		return err;
	if ((err = pt_db_run_members(db, id, &L->members, &L->n_members, d)) != PT_OK)
		return err;
	L->ra.owner_org_id = L->row.owner_org_id;
	if (pt_tlp_parse(L->row.tlp, &L->ra.tlp) != PT_OK)
		L->ra.tlp = PT_TLP_RED; /* never looser than stored */
	L->ra.ended = L->row.ended;
	for (i = 0; i < L->n_members && !c->who.system; i++) {
		const struct pt_db_run_member *m = &L->members[i];
		enum pt_run_member k = PT_RUN_NONE;
		if (m->user_id != c->who.user_id || pt_run_member_parse(m->member, &k) != PT_OK)
			continue;
		if (k > L->ra.member)
			L->ra.member = k;
		if (k == PT_RUN_PLAYER) {
			L->ra.roles |= pt_app_run_role_bit(L->sc, m->role);
			if (L->sc->pio_role && strcmp(L->sc->pio_role, m->role) == 0)
				L->ra.pio = 1;
		}
	}
	L->view = pt_access_run_view(&c->who, &L->ra);
	if (L->view == PT_RUN_VIEW_NONE)
		return not_found(id, d);
	return engine ? restore(db, L, d) : PT_OK;
}

void pt_app_run_unload(struct pt_app_run_loaded *L)
{
	size_t i;
	if (!L)
		return;
	for (i = 0; i < L->n_pending; i++) {
		free(L->pending[i].text);
		free(L->pending[i].detail);
	}
	free(L->pending);
	free(L->situation);
	L->situation = NULL;
	if (L->engine)
		pt_ex_run_free(&L->run);
	pt_ex_scenario_free(L->sc);
	free(L->members);
	free(L->saved_inj);
	free(L->made_rows);
	pt_db_run_clear(&L->row);
	memset(L, 0, sizeof *L);
}

static struct pt_app_run_pending *pending_add(struct pt_app_run_loaded *L)
{
	struct pt_app_run_pending *p;
	if (L->n_pending >= PT_APP_RUN_EV_MAX) {
		L->overflow = 1;
		return NULL;
	}
	if (L->n_pending == L->cap_pending) {
		size_t cap = L->cap_pending ? L->cap_pending * 2 : 16;
		p = realloc(L->pending, cap * sizeof *p);
		if (!p) {
			L->overflow = 1;
			return NULL;
		}
		L->pending = p;
		L->cap_pending = cap;
	}
	p = &L->pending[L->n_pending++];
	memset(p, 0, sizeof *p);
	p->n_made = L->engine ? L->run.n_made : 0;
	return p;
}

void pt_app_run_collect(void *ctx, const struct pt_ex_event *ev)
{
	struct pt_app_run_loaded *L = ctx;
	struct pt_app_run_pending *p = pending_add(L);
	if (p)
		p->ev = *ev;
}

enum pt_err pt_app_run_note(struct pt_app_run_loaded *L, const struct pt_ex_event *ev,
			    const char *kind, unsigned long roles, const char *text,
			    const char *detail, struct pt_diag *d)
{
	struct pt_app_run_pending *p = pending_add(L);
	if (!p)
		return pt_diag_set(d, PT_ELIMIT, 0, "run", "too many events at once");
	p->ev = *ev;
	p->roles = roles;
	if (kind)
		pt_strlcpy_utf8(p->kind, kind, sizeof p->kind);
	if ((text && !(p->text = strdup(text))) || (detail && !(p->detail = strdup(detail))))
		return nomem(d);
	return PT_OK;
}

/* The roles an inject goes to, as bits. */
static unsigned long inject_roles(const struct pt_ex_scenario *sc, const struct pt_ex_inject *in)
{
	unsigned long bits = 0;
	for (size_t i = 0; i < in->n_to; i++)
		bits |= pt_app_run_role_bit(sc, in->to[i]);
	return bits;
}

/* The decision label and value in words: "Ambulances dispatched: 12". */
static void decision_words(const struct pt_ex_scenario *sc, const struct pt_ex_made *m, char *buf,
			   size_t size)
{
	const struct pt_ex_decision *x = &sc->decisions[m->decision];
	if (m->value[0])
		snprintf(buf, size, "%s: %s (%s)", x->label, m->value, m->role);
	else
		snprintf(buf, size, "%s (%s)", x->label, m->role);
	pt_utf8_cut(buf);
}

/* issue 15 review 3 and 4 (declared in pt_app_exercise_runs_int.h) */
enum pt_err pt_app_run_latest_situation(struct pt_db *db, long long id, char **out,
					struct pt_diag *d)
{
	struct pt_db_run_event ev;
	long long last = 0;
	enum pt_err err;
	json_t *j, *s;
	*out = NULL;
	if ((err = pt_db_run_event_last_sim(db, id, &last, d)) != PT_OK || !last)
		return err;
	if ((err = pt_db_run_event_get(db, last, &ev, d)) != PT_OK)
		return err;
	j = ev.detail ? json_loads(ev.detail, 0, NULL) : NULL;
	s = json_object_get(j, "situation");
	if (s && !(*out = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS)))
		err = nomem(d);
	json_decref(j);
	pt_db_run_event_clear(&ev);
	return err;
}

/* An inject's description with its placeholders filled (issue 15 review 4): the decisions
 * in force at t and the latest figures' situation. */
static void inject_text(const struct pt_app_run_loaded *L, const struct pt_ex_inject *in, double t,
			char *buf, size_t size)
{
	json_t *sit = L->situation ? json_loads(L->situation, 0, NULL) : NULL;
	json_t *minute = json_object_get(sit, "minute"); /* review 15B item 4: {sim:time|..} */
	if (json_is_number(minute))
		json_object_set_new(sit, "time",
				    json_integer((json_int_t)(L->run.sim_start_min +
							      json_number_value(minute) + 0.5)));
	pt_ex_text_fill(L->sc, in->description, L->engine ? L->run.made : NULL,
			L->engine ? L->run.n_made : 0, t, pt_sim_situation_value, sit, buf, size);
	json_decref(sit);
}

/* Fill row from pending event p of L (text: words when p has none). */
static enum pt_err event_row(struct pt_app_run_loaded *L, const struct pt_app_run_pending *p,
			     int64_t now_ms, struct pt_db_run_event *row, char **words,
			     struct pt_diag *d)
{
	const struct pt_ex_scenario *sc = L->sc;
	const struct pt_ex_inject *in =
		p->ev.inject != UINT32_MAX && p->ev.inject < sc->n_injects ? &sc->injects[p->ev.inject]
									     : NULL;
	const struct pt_ex_made *m =
		L->engine && p->ev.made != UINT32_MAX && p->ev.made < L->run.n_made
			? &L->run.made[p->ev.made]
			: NULL;
	enum pt_run_audience aud = PT_RUN_TO_ALL;
	unsigned long roles = 0;
	char buf[PT_EX_TEXT_MAX + 256];

	memset(row, 0, sizeof *row);
	*words = NULL;
	buf[0] = '\0';
	row->run_id = L->row.id;
	pt_strlcpy_utf8(row->kind, p->kind[0] ? p->kind : pt_ex_event_kind_name(p->ev.kind),
		   sizeof row->kind);
	row->t_min = p->ev.t_min;
	row->at_ms = now_ms;
	row->seq = in ? in->seq : 0;
	row->made = p->ev.made != UINT32_MAX ? (long long)p->ev.made : -1;
	row->n_made = (long long)p->n_made;
	row->value = isfinite(p->ev.value) ? p->ev.value : 0;
	row->detail = p->detail;
	row->answers = p->answers;
	if (p->kind[0]) { /* the use cases' own: response (its role), sim (sim_to), alert (all) */
		roles = p->roles;
		aud = strcmp(p->kind, "alert") == 0 ? PT_RUN_TO_ALL : PT_RUN_TO_ROLES;
		if (strcmp(p->kind, "sim_skip") == 0) /* issue 15: a rerun not computed */
			aud = PT_RUN_TO_FACILITATORS;
		if (strcmp(p->kind, "outcome") == 0) /* issue 15 review 3: controllers only */
			aud = PT_RUN_TO_EVALUATORS;
		if (strcmp(p->kind, "sim") == 0 || strcmp(p->kind, "outcome") == 0) {
			pt_strlcpy_utf8(row->type, pt_ex_inject_type_name(PT_EX_INJECT_INFORMATION),
				   sizeof row->type);
			pt_strlcpy_utf8(row->sender, PT_APP_RUN_SIM_FROM, sizeof row->sender);
		}
	} else {
		switch (p->ev.kind) {
		case PT_EX_EV_START:
			snprintf(buf, sizeof buf, "The exercise clock started");
			break;
		case PT_EX_EV_PAUSE:
			snprintf(buf, sizeof buf, "The exercise clock is paused");
			break;
		case PT_EX_EV_RESUME:
			snprintf(buf, sizeof buf, "The exercise clock runs again");
			break;
		case PT_EX_EV_SPEED:
			snprintf(buf, sizeof buf, "The clock runs at %g scenario minutes a minute",
				 p->ev.value);
			break;
		case PT_EX_EV_SHIFT:
			snprintf(buf, sizeof buf, "Pending injects moved by %+g minutes", p->ev.value);
			break;
		case PT_EX_EV_INJECT:
			aud = PT_RUN_TO_ROLES;
			roles = in ? inject_roles(sc, in) : 0;
			if (in) {
				json_t *j = json_pack("{s:s, s:s}", "delivery", in->delivery ? in->delivery : "",
						      "stage", in->stage ? in->stage : "");
				pt_strlcpy_utf8(row->type, pt_ex_inject_type_name(in->type), sizeof row->type);
				pt_strlcpy_utf8(row->sender, in->from ? in->from : "", sizeof row->sender);
				inject_text(L, in, p->ev.t_min, buf, sizeof buf);
				if (j && !row->detail)
					row->detail = json_dumps(j, JSON_COMPACT);
				json_decref(j);
			}
			break;
		case PT_EX_EV_SKIP:
			aud = PT_RUN_TO_FACILITATORS;
			snprintf(buf, sizeof buf, "Inject %lld skipped", row->seq);
			break;
		case PT_EX_EV_CANCEL:
			aud = PT_RUN_TO_FACILITATORS;
			snprintf(buf, sizeof buf,
				 "Contingency inject %lld cancelled: the expected action was done",
				 row->seq);
			break;
		case PT_EX_EV_DECISION:
			aud = PT_RUN_TO_ROLES;
			if (m) {
				roles = pt_app_run_role_bit(sc, m->role);
				decision_words(sc, m, buf, sizeof buf);
			}
			break;
		case PT_EX_EV_DONE:
			aud = PT_RUN_TO_EVALUATORS;
			snprintf(buf, sizeof buf, "The expected action of inject %lld is done%s",
				 row->seq, m ? "" : " (marked by a facilitator)");
			break;
		case PT_EX_EV_SIM_DUE:
			aud = PT_RUN_TO_FACILITATORS;
			snprintf(buf, sizeof buf, "Simulation rerun due with %zu decision%s", p->n_made,
				 p->n_made == 1 ? "" : "s");
			break;
		case PT_EX_EV_ENDEX:
			snprintf(buf, sizeof buf, "%s",
				 L->endex_text ? L->endex_text : "ENDEX: the exercise is over");
			break;
		case PT_EX_EV_SUSPEND: /* to everyone, its text given (pt_app_run_suspend) */
			snprintf(buf, sizeof buf, "The exercise is suspended");
			break;
		}
	}
	pt_strlcpy_utf8(row->audience, pt_run_audience_name(aud), sizeof row->audience);
	row->roles = roles;
	if (p->text)
		row->text = p->text;
	else if (!(row->text = *words = strdup(buf)))
		return nomem(d);
	return PT_OK;
}

enum pt_err pt_app_run_store(struct pt_db *db, struct pt_app_run_loaded *L, int64_t now_ms,
			     struct pt_app_run_done *done, struct pt_diag *d)
{
	struct pt_db_run_inject row;
	enum pt_err err;
	size_t i;

	if (L->overflow)
		return pt_diag_set(d, PT_ELIMIT, 0, "run", "too many events at once (over %d)",
				   PT_APP_RUN_EV_MAX);
	if (done) {
		memset(done, 0, sizeof *done);
		done->run_id = L->row.id;
	}
	if (L->engine) {
		pt_strlcpy_utf8(L->row.clock_state, clock_state_names[L->clock.state],
			   sizeof L->row.clock_state);
		L->row.base_wall_ms = L->clock.base_wall_ms;
		L->row.base_min = L->clock.base_min;
		L->row.speed = L->clock.speed;
		L->row.now_min = L->run.now_min;
		L->row.next_sim_min = L->run.next_sim_min;
		L->row.end_min = L->run.end_min;
		L->row.sim_start_min = L->run.sim_start_min;
		L->row.ended = L->run.ended || L->clock.state == PT_EX_CLOCK_ENDED;
		L->row.updated_at = now_ms / 1000;
		if ((err = pt_db_run_save(db, &L->row, d)) != PT_OK)
			return err;
		for (i = 0; i < L->sc->n_injects; i++) {
			const struct pt_ex_run_inject *s = &L->run.inj[i];
			if (L->saved_inj && memcmp(s, &L->saved_inj[i], sizeof *s) == 0)
				continue;
			memset(&row, 0, sizeof row);
			row.seq = L->sc->injects[i].seq;
			pt_strlcpy_utf8(row.status, inject_status_names[s->status], sizeof row.status);
			row.due_min = s->due_min;
			row.deadline_min = s->deadline_min;
			row.delivered_min = s->delivered_min;
			row.done_min = s->done_min;
			row.done_by = s->done_by == UINT32_MAX ? -1 : (long long)s->done_by;
			if ((err = pt_db_run_injects_put(db, L->row.id, &row, 1, d)) != PT_OK)
				return err;
			if (L->saved_inj)
				L->saved_inj[i] = *s;
		}
		for (i = L->saved_made; i < L->run.n_made; i++) {
			struct pt_db_run_decision m;
			memset(&m, 0, sizeof m);
			m.run_id = L->row.id;
			m.n = (long long)i;
			pt_strlcpy_utf8(m.decision, L->sc->decisions[L->run.made[i].decision].id,
				   sizeof m.decision);
			m.t_min = L->run.made[i].t_min;
			pt_strlcpy_utf8(m.value, L->run.made[i].value, sizeof m.value);
			pt_strlcpy_utf8(m.role, L->run.made[i].role, sizeof m.role);
			m.user_id = L->c->who.system ? 0 : L->c->who.user_id;
			pt_strlcpy_utf8(m.user_name, pt_app_run_who(L->c), sizeof m.user_name);
			m.made_at = now_ms / 1000;
			if ((err = pt_db_run_decision_add(db, &m, d)) != PT_OK)
				return err;
		}
		L->saved_made = L->run.n_made;
		if (done) {
			done->state = L->clock.state;
			done->now_min = L->run.now_min;
		}
	}
	for (i = 0; i < L->n_pending; i++) {
		struct pt_db_run_event row_ev;
		char *words = NULL;
		long long id = 0;
		if (L->pending[i].ev.kind == PT_EX_EV_INJECT && !L->pending[i].kind[0] &&
		    !L->situation_loaded) { /* issue 15 review 4: for {sim:...} */
			if ((err = pt_app_run_latest_situation(db, L->row.id, &L->situation, d)) !=
			    PT_OK)
				return err;
			L->situation_loaded = 1;
		}
		if ((err = event_row(L, &L->pending[i], now_ms, &row_ev, &words, d)) != PT_OK)
			return err;
		err = pt_db_run_event_add(db, &row_ev, &id, d);
		if (row_ev.detail != L->pending[i].detail)
			free(row_ev.detail);
		free(words);
		if (err != PT_OK)
			return err;
		if (done) {
			done->n_events++;
			done->last_event = id;
			if (L->pending[i].ev.kind == PT_EX_EV_SIM_DUE && !L->pending[i].kind[0] &&
			    done->n_sim_due < PT_APP_RUN_SIM_DUE_MAX)
				done->sim_due[done->n_sim_due++] = id;
		}
	}
	for (i = 0; i < L->n_pending; i++) {
		free(L->pending[i].text);
		free(L->pending[i].detail);
	}
	L->n_pending = 0;
	if (done && !done->last_event)
		return pt_db_run_event_last(db, L->row.id, &done->last_event, d);
	return PT_OK;
}

/* ---- create ---- */

/* The embedded file data/scenarios/NAME, or NULL (NAME: letters, digits, '-', '_', '.'). */
static const struct pt_embedded_file *builtin_file(const char *name)
{
	char path[128];
	size_t i, n = strlen(name);
	if (n == 0 || n > 64 || name[0] == '.')
		return NULL;
	for (i = 0; i < n; i++) {
		char ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '-' || ch == '_' || ch == '.'))
			return NULL;
	}
	snprintf(path, sizeof path, BUILTIN_PREFIX "%s", name);
	return pt_embedded_find(path);
}

/* Prefix d's field with "scenario." or "sim.". */
static enum pt_err field_prefix(enum pt_err err, const char *prefix, struct pt_diag *d)
{
	char f[sizeof d->field];
	if (!d)
		return err;
	pt_strlcpy_utf8(f, prefix, sizeof f);
	if (d->field[0]) {
		pt_strlcat(f, ".", sizeof f);
		pt_strlcat(f, d->field, sizeof f);
	}
	pt_strlcpy_utf8(d->field, f, sizeof d->field);
	return err;
}

/* attack review 2: one rerun of sc's simulation sim within the facilitator role's budget for one
 * computation (pt_access_run_sim_budget), whoever creates the run. PT_ELIMIT naming the field. */
static enum pt_err run_sim_budget(const struct pt_ex_scenario *sc, const struct pt_mci_scenario *sim,
				  struct pt_diag *d)
{
	struct pt_simulate_budget b;
	double cost;
	pt_access_run_sim_budget(&b);
	if (sc->sim_replications > b.replications_max)
		return pt_diag_set(d, PT_ELIMIT, 0, "scenario.sim_replications",
				   "%u replications a rerun; a live run's rerun may have at most %zu "
				   "(a facilitator's simulation)",
				   (unsigned)sc->sim_replications, b.replications_max);
	if (sim->attack.victims > b.victims_max)
		return pt_diag_set(d, PT_ELIMIT, 0, "sim.attack.victims",
				   "%u victims; a live run's rerun may simulate at most %u "
				   "(a facilitator's simulation)",
				   sim->attack.victims, b.victims_max);
	cost = pt_app_sim_cost(sim) * (double)sc->sim_replications;
	if (cost > b.events_max)
		return pt_diag_set(d, PT_ELIMIT, 0, "scenario.sim_replications",
				   "%u replications x about %.3g events each (the simulation's "
				   "attack.victims x (4 + horizon_min / response.retriage_min)) is about "
				   "%.3g events; a live run's rerun may cost at most %.3g (a facilitator's "
				   "simulation): fewer replications or victims, or a shorter horizon",
				   (unsigned)sc->sim_replications, pt_app_sim_cost(sim), cost, b.events_max);
	return PT_OK;
}

enum pt_err pt_app_run_create(const struct pt_caller *c, struct pt_db *db,
			      const struct pt_app_run_create_opts *o, long long *id,
			      struct pt_diag *d)
{
	struct pt_ex_scenario *sc = NULL;
	struct pt_mci_scenario *sim = NULL;
	struct pt_ex_run run;
	struct pt_db_run row;
	const char *sbuf = NULL, *simbuf = NULL;
	size_t slen = 0, simlen = 0, i;
	char detail[512];
	int run_ok = 0, in_tx = 0, capped = 0;
	enum pt_err err;

	*id = 0;
	memset(&row, 0, sizeof row);
	if (pt_access_run_create(&c->who) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				  "only a facilitator may create an exercise run");
		return pt_app_run_refused(c, db, "run.create", "", err, d);
	}
	if (!o || (!o->builtin == !o->scenario))
		return pt_diag_set(d, PT_EINVAL, 0, "scenario",
				   "give either a built-in scenario id or a scenario file");
	if (o->builtin) {
		char name[80];
		const struct pt_embedded_file *f;
		snprintf(name, sizeof name, "%s.json", o->builtin);
		if (strlen(o->builtin) > 60 || !(f = builtin_file(name)))
			return pt_diag_set(d, PT_ENOTFOUND, 0, "builtin",
					   "no built-in exercise scenario '%s'", o->builtin);
		sbuf = f->data;
		slen = f->len;
	} else {
		sbuf = o->scenario;
		slen = o->scenario_len;
	}
	if (slen > (size_t)PT_EX_FILE_MAX_BYTES)
		return pt_diag_set(d, PT_ELIMIT, 0, "scenario", "the scenario file is over %ld bytes",
				   (long)PT_EX_FILE_MAX_BYTES);
	if ((err = pt_ex_scenario_read(sbuf, slen, NULL, &sc, d)) != PT_OK)
		return field_prefix(err, "scenario", d);
	if (sc->simulation) {
		if (o->builtin) {
			const struct pt_embedded_file *f = builtin_file(sc->simulation);
			if (!f) {
				err = pt_diag_set(d, PT_EINTERNAL, 0, "sim",
						  "the built-in simulation %s is missing", sc->simulation);
				goto out;
			}
			simbuf = f->data;
			simlen = f->len;
		} else if (!o->sim) {
			err = pt_diag_set(d, PT_EINVAL, 0, "sim",
					  "the scenario drives the simulation %s: give its file too",
					  sc->simulation);
			goto out;
		} else {
			simbuf = o->sim;
			simlen = o->sim_len;
		}
		if (simlen > (size_t)PT_SCENARIO_MAX_BYTES) {
			err = pt_diag_set(d, PT_ELIMIT, 0, "sim", "the simulation file is over %ld bytes",
					  (long)PT_SCENARIO_MAX_BYTES);
			goto out;
		}
		if (!(sim = malloc(sizeof *sim))) {
			err = nomem(d);
			goto out;
		}
		if ((err = pt_scenario_read(simbuf, simlen, NULL, sim, d)) != PT_OK) {
			field_prefix(err, "sim", d);
			goto out;
		}
		if ((err = pt_ex_scenario_check_sim(sc, sim, d)) != PT_OK) {
			field_prefix(err, "scenario", d);
			goto out;
		}
		if ((err = run_sim_budget(sc, sim, d)) != PT_OK)
			goto out;
	} else if (o->sim) {
		err = pt_diag_set(d, PT_EINVAL, 0, "sim",
				  "the scenario names no simulation; leave the simulation file out");
		goto out;
	}

	/* the run's row */
	if (o->title && o->title[0]) {
		if (strlen(o->title) >= sizeof row.title) {
			err = pt_diag_set(d, PT_EINVAL, 0, "title", "at most %zu bytes",
					  sizeof row.title - 1);
			goto out;
		}
		if ((err = pt_app_run_text_check(o->title, 0, "title", d)) != PT_OK)
			goto out; /* attack review 8 */
		pt_strlcpy(row.title, o->title, sizeof row.title);
	} else {
		pt_strlcpy(row.title, sc->title && sc->title[0] ? sc->title : sc->id, sizeof row.title);
	}
	if (o->tlp_set) {
		if ((unsigned)o->tlp >= PT_TLP_COUNT) {
			err = pt_diag_set(d, PT_EINVAL, 0, "tlp", "unknown label");
			goto out;
		}
		pt_strlcpy(row.tlp, pt_tlp_name(o->tlp), sizeof row.tlp);
	} else {
		enum pt_tlp t = PT_TLP_AMBER;
		if (sc->tlp && sc->tlp[0] && pt_tlp_parse(sc->tlp, &t) != PT_OK)
			t = PT_TLP_AMBER;
		pt_strlcpy(row.tlp, pt_tlp_name(t), sizeof row.tlp);
	}
	if (o->seed_set && o->seed > PT_APP_SIM_SEED_MAX) {
		err = pt_diag_set(d, PT_EINVAL, 0, "seed", "0 to %llu",
				  (unsigned long long)PT_APP_SIM_SEED_MAX);
		goto out;
	}
	if (o->seed_set) {
		row.seed = o->seed;
	} else {
		uint64_t r;
		randombytes_buf(&r, sizeof r);
		row.seed = r & PT_APP_SIM_SEED_MAX;
	}
	pt_strlcpy(row.scenario_id, sc->id, sizeof row.scenario_id);
	pt_app_alert_sha256(sbuf, slen, row.scenario_sha256);
	row.owner_org_id = c->who.system ? 0 : c->who.org_id;
	row.created_by = c->who.system ? 0 : c->who.user_id;
	pt_strlcpy(row.created_by_name, pt_app_run_who(c), sizeof row.created_by_name);
	row.created_at = pt_app_now(c->now);
	if ((err = pt_ex_run_init(&run, sc)) != PT_OK) {
		pt_diag_set(d, err, 0, "scenario", "cannot start a run of %s", sc->id);
		goto out;
	}
	run_ok = 1;
	pt_strlcpy(row.clock_state, clock_state_names[PT_EX_CLOCK_READY], sizeof row.clock_state);
	{
		struct pt_ex_clock clk;
		pt_ex_clock_init(&clk);
		row.base_wall_ms = clk.base_wall_ms;
		row.base_min = clk.base_min;
		row.speed = clk.speed;
	}
	row.now_min = run.now_min;
	row.next_sim_min = run.next_sim_min;
	row.end_min = run.end_min;
	row.sim_start_min = run.sim_start_min;
	row.updated_at = row.created_at;
	row.scenario_json = (char *)sbuf; /* borrowed for the insert */
	row.scenario_len = slen;
	row.sim_json = (char *)simbuf;
	row.sim_len = simlen;

	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		goto out;
	in_tx = 1;
	if (!c->who.system) { /* attack review 5, round 2: a facilitator's runs not ended */
		long long open = 0;
		if ((err = pt_db_run_open_count(db, c->who.user_id, &open, d)) != PT_OK)
			goto out;
		if (open >= PT_APP_RUN_OPEN_MAX) {
			err = pt_diag_set(d, PT_ECONFLICT, 0, "runs",
					  "you have %lld runs not ended, the most one facilitator may "
					  "hold (%d): end one (ENDEX) before creating another",
					  open, PT_APP_RUN_OPEN_MAX);
			capped = 1;
			goto out;
		}
	}
	if ((err = pt_db_run_insert(db, &row, id, d)) != PT_OK)
		goto out;
	for (i = 0; i < sc->n_injects; i++) {
		struct pt_db_run_inject r;
		const struct pt_ex_run_inject *s = &run.inj[i];
		memset(&r, 0, sizeof r);
		r.seq = sc->injects[i].seq;
		pt_strlcpy(r.status, inject_status_names[s->status], sizeof r.status);
		r.due_min = s->due_min;
		r.deadline_min = s->deadline_min;
		r.delivered_min = s->delivered_min;
		r.done_min = s->done_min;
		r.done_by = s->done_by == UINT32_MAX ? -1 : (long long)s->done_by;
		if ((err = pt_db_run_injects_put(db, *id, &r, 1, d)) != PT_OK)
			goto out;
	}
	if (!c->who.system) {
		struct pt_db_run_member m;
		memset(&m, 0, sizeof m);
		m.run_id = *id;
		m.user_id = c->who.user_id;
		pt_strlcpy(m.member, pt_run_member_name(PT_RUN_FACILITATOR), sizeof m.member);
		m.lead = 1;
		m.assigned_at = row.created_at;
		if ((err = pt_db_run_member_add(db, &m, d)) != PT_OK)
			goto out;
	}
	snprintf(detail, sizeof detail, "scenario=%s sha256=%s tlp=%s seed=%llu injects=%zu%s%s",
		 sc->id, row.scenario_sha256, row.tlp, (unsigned long long)row.seed, sc->n_injects,
		 sc->simulation ? " simulation=" : "", sc->simulation ? sc->simulation : "");
	err = pt_app_run_audit(db, *id, "run.create", detail, d);
out:
	if (in_tx)
		err = pt_db_end(db, err, d);
	if (err != PT_OK)
		*id = 0;
	if (run_ok)
		pt_ex_run_free(&run);
	free(sim);
	pt_ex_scenario_free(sc);
	if (capped && !c->quiet_refusals) { /* the refusal audited, once the transaction is over */
		char why[PT_AUDIT_DETAIL_MAX];
		struct pt_diag ad = PT_DIAG_INIT;
		pt_strlcpy(why, "run.create: runs: ", sizeof why);
		pt_strlcat(why, d->msg, sizeof why);
		pt_app_act(c, db);
		(void)pt_audit_append(db, PT_AUDIT_REFUSED_ACTION, "exercise_runs", "", why, &ad);
	}
	return err;
}

/* ---- assign, unassign ---- */

/* Attack review N1, round 3: an exercise alert names its site to every participant (its
 * event, the report's annex), so each must be able to read it, those added later too:
 * PT_ECONFLICT "user" when u may not read the site of one of the run's exercise alerts,
 * naming no site (the facilitator who assigns may not read it either). */
static enum pt_err alert_sites_readable(const struct pt_caller *c, struct pt_db *db,
					long long id, const struct pt_user *u, struct pt_diag *d)
{
	struct pt_db_run_mark *m = NULL;
	struct pt_snapshot *s = NULL;
	struct pt_principal who;
	enum pt_err err;
	size_t n = 0, i;
	if ((err = pt_db_run_marks(db, id, &m, &n, d)) != PT_OK)
		return err;
	pt_user_principal(u, &who);
	for (i = 0; i < n && err == PT_OK; i++) {
		struct pt_access_record rec;
		long k;
		if (strcmp(m[i].kind, "alert") != 0 || !m[i].site_id[0])
			continue;
		if (!s && !(s = pt_app_snapshot(c, db, d))) {
			err = PT_EDB;
			break;
		}
		if ((k = pt_snapshot_find(s, m[i].site_id)) < 0)
			continue; /* a site deleted since: named to nobody any more */
		pt_snapshot_record(s, (size_t)k, &rec);
		if (pt_access_read(&who, &rec) != PT_ACCESS_OK)
			err = pt_diag_set(d, PT_ECONFLICT, 0, "user",
					  "this run has issued exercise alerts about a site %s may "
					  "not read; every participant sees the alerts' sites",
					  u->name);
	}
	if (s)
		pt_snapshot_release(s);
	pt_db_run_marks_free(m, n);
	return err;
}

static enum pt_err members_change(const struct pt_caller *c, struct pt_db *db, long long id,
				  const char *user_name, int add, enum pt_run_member member,
				  const char *role, struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	struct pt_user u;
	char detail[256], rid[32];
	const char *action = add ? "run.assign" : "run.unassign";
	enum pt_err err;
	size_t i;

	snprintf(rid, sizeof rid, "%lld", id);
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_app_run_load(c, db, id, 0, &L, d)) != PT_OK)
		goto out;
	if (pt_access_run_drive(&c->who, &L.ra) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				  "only the run's facilitators assign its participants");
		goto out;
	}
	if (L.row.ended) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "run", "the run has ended (ENDEX)");
		goto out;
	}
	if (!user_name || !user_name[0] || pt_db_user_get(db, user_name, &u, d) != PT_OK) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "user", "no user '%s'",
				  user_name ? user_name : "");
		goto out;
	}
	if (add) {
		struct pt_db_run_member m;
		if (member == PT_RUN_PLAYER) {
			if (!role || pt_ex_role_find(L.sc, role) < 0) {
				err = pt_diag_set(d, PT_EINVAL, 0, "role",
						  "the scenario has no exercise role '%s'",
						  role ? role : "");
				goto out;
			}
		} else if (role && role[0]) {
			err = pt_diag_set(d, PT_EINVAL, 0, "role",
					  "only players take an exercise role");
			goto out;
		}
		if (pt_access_run_member(&L.ra, u.role, u.org_id, member) != PT_ACCESS_OK) {
			if (L.ra.tlp == PT_TLP_AMBER_STRICT && u.org_id != L.ra.owner_org_id &&
			    (unsigned)member <= PT_RUN_FACILITATOR && member != PT_RUN_NONE)
				err = pt_diag_set(d, PT_EFORBIDDEN, 0, "user",
						  "the run is TLP:AMBER+STRICT: only users of its "
						  "owning organisation take part");
			else
				err = pt_diag_set(d, PT_EFORBIDDEN, 0, "user",
						  "%s's role (%s) may not take part as %s", u.name,
						  pt_role_name(u.role), pt_run_member_name(member));
			goto out;
		}
		if ((err = alert_sites_readable(c, db, id, &u, d)) != PT_OK)
			goto out;
		for (i = 0; i < L.n_members; i++)
			if (L.members[i].user_id == u.id &&
			    strcmp(L.members[i].member, pt_run_member_name(member)) != 0) {
				err = pt_diag_set(d, PT_ECONFLICT, 0, "member",
						  "%s takes part as %s already", u.name,
						  L.members[i].member);
				goto out;
			}
		memset(&m, 0, sizeof m);
		m.run_id = id;
		m.user_id = u.id;
		pt_strlcpy_utf8(m.member, pt_run_member_name(member), sizeof m.member);
		pt_strlcpy_utf8(m.role, member == PT_RUN_PLAYER ? role : "", sizeof m.role);
		m.assigned_at = pt_app_now(c->now);
		if ((err = pt_db_run_member_add(db, &m, d)) != PT_OK)
			goto out;
		snprintf(detail, sizeof detail, "user=%s member=%s%s%s", u.name,
			 pt_run_member_name(member), member == PT_RUN_PLAYER ? " role=" : "",
			 member == PT_RUN_PLAYER ? role : "");
	} else {
		long long removed = 0;
		for (i = 0; i < L.n_members; i++)
			if (L.members[i].user_id == u.id && L.members[i].lead) {
				err = pt_diag_set(d, PT_ECONFLICT, 0, "user",
						  "%s created the run: its lead facilitator stays",
						  u.name);
				goto out;
			}
		if ((err = pt_db_run_member_remove(db, id, u.id, role && role[0] ? role : NULL,
						   &removed, d)) != PT_OK)
			goto out;
		if (!removed) {
			err = pt_diag_set(d, PT_ENOTFOUND, 0, "user", "%s has no such part in the run",
					  u.name);
			goto out;
		}
		snprintf(detail, sizeof detail, "user=%s%s%s parts=%lld", u.name,
			 role && role[0] ? " role=" : "", role && role[0] ? role : "", removed);
	}
	err = pt_app_run_audit(db, id, action, detail, d);
out:
	err = pt_db_end(db, err, d);
	pt_app_run_unload(&L);
	return pt_app_run_refused(c, db, action, rid, err, d); /* attack review 7 */
}

enum pt_err pt_app_run_assign(const struct pt_caller *c, struct pt_db *db, long long id,
			      const char *user_name, enum pt_run_member member, const char *role,
			      struct pt_diag *d)
{
	if (member != PT_RUN_PLAYER && member != PT_RUN_EVALUATOR && member != PT_RUN_FACILITATOR)
		return pt_diag_set(d, PT_EINVAL, 0, "member",
				   "a part is player, evaluator or facilitator");
	return members_change(c, db, id, user_name, 1, member, role, d);
}

enum pt_err pt_app_run_unassign(const struct pt_caller *c, struct pt_db *db, long long id,
				const char *user_name, const char *role, struct pt_diag *d)
{
	return members_change(c, db, id, user_name, 0, PT_RUN_NONE, role, d);
}

/* ---- the clock, tick and decide: one path ---- */

enum op {
	OP_START,
	OP_PAUSE,
	OP_RESUME,
	OP_SHIFT,
	OP_SPEED,
	OP_TRIGGER,
	OP_SKIP,
	OP_DONE,
	OP_ENDEX,
	OP_TICK,
	OP_DECIDE
};

static const char *const op_actions[] = {"run.start", "run.pause",  "run.resume",
					 "run.shift", "run.speed",  "run.trigger",
					 "run.skip",  "run.done",   "run.endex",
					 "run.advance", "run.decide"};

struct op_args {
	double x;
	uint32_t seq;
	enum pt_run_endex why;
	const char *message;
	const char *role, *decision, *value;
};

/* Advance L's run to the clock's time at now_ms when it runs; ENDEX at the end stops the clock. */
static void advance(struct pt_app_run_loaded *L, int64_t now_ms)
{
	if (L->clock.state != PT_EX_CLOCK_RUNNING || L->run.ended)
		return;
	pt_ex_run_advance(&L->run, pt_ex_clock_now(&L->clock, now_ms), pt_app_run_collect, L);
	if (L->run.ended && L->clock.state != PT_EX_CLOCK_ENDED)
		(void)pt_ex_clock_end(&L->clock, now_ms, NULL);
}

static enum pt_err clock_event(struct pt_app_run_loaded *L, enum pt_ex_event_kind k, double value,
			       struct pt_diag *d)
{
	struct pt_ex_event ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = k;
	ev.t_min = L->run.now_min;
	ev.inject = UINT32_MAX;
	ev.made = UINT32_MAX;
	ev.value = value;
	return pt_app_run_note(L, &ev, NULL, 0, NULL, NULL, d);
}

/* The scenario inject index of seq, or PT_ENOTFOUND field "seq". */
static enum pt_err inject_of(const struct pt_app_run_loaded *L, uint32_t seq, size_t *i,
			     struct pt_diag *d)
{
	int k = pt_ex_inject_find(L->sc, seq);
	if (k < 0)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "seq", "the scenario has no inject %u", seq);
	*i = (size_t)k;
	return PT_OK;
}

/* ---- a suspension for a real-world emergency (review finding 9) ---- */

enum pt_err pt_app_run_suspended_refuse(struct pt_db *db, const struct pt_app_run_loaded *L,
					struct pt_diag *d)
{
	struct pt_db_run_event ev;
	char t[16];
	enum pt_err err;
	if (!L->suspended)
		return PT_OK;
	memset(&ev, 0, sizeof ev);
	if ((err = pt_db_run_event_get(db, L->suspended, &ev, d)) != PT_OK)
		return err == PT_ENOTFOUND ? pt_diag_set(d, PT_ECONFLICT, 0, "clock",
							 "the exercise is suspended")
					   : err;
	pt_ex_run_time_text(ev.t_min, t, sizeof t);
	err = pt_diag_set(d, PT_ECONFLICT, 0, "clock",
			  "the exercise is suspended since %s (%s): nothing is recorded until the "
			  "facilitator resumes it",
			  t, ev.text ? ev.text : "a real-world emergency");
	pt_db_run_event_clear(&ev);
	return err;
}

enum pt_err pt_app_run_unsuspend_note(struct pt_app_run_loaded *L, struct pt_diag *d)
{
	struct pt_ex_event ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = PT_EX_EV_RESUME;
	ev.t_min = L->run.now_min;
	ev.inject = UINT32_MAX;
	ev.made = UINT32_MAX;
	return pt_app_run_note(L, &ev, NULL, 0,
			       "The exercise resumes: the suspension for the real-world emergency is over",
			       NULL, d);
}

/* ---- a decision already in force (review finding 10) ---- */

enum pt_err pt_app_run_decision_repeat(const struct pt_app_run_loaded *L, size_t k,
				       const char *role, const char *value, struct pt_diag *d)
{
	char canon[PT_MCI_VALUE_MAX], t[16];
	const struct pt_ex_decision *x;
	size_t i;
	if (k >= L->sc->n_decisions)
		return PT_OK;
	x = &L->sc->decisions[k];
	if (x->kind == PT_EX_VALUE_NONE ||
	    pt_ex_decision_value(L->sc, k, role ? role : "", value ? value : "", canon, NULL) != PT_OK)
		return PT_OK; /* an action may be made again; a bad value is the engine's to refuse */
	for (i = L->run.n_made; i-- > 0;) {
		const struct pt_ex_made *m = &L->run.made[i];
		if (m->decision != k)
			continue;
		if (strcmp(m->value, canon) != 0)
			return PT_OK;
		pt_ex_run_time_text(m->t_min, t, sizeof t);
		return pt_diag_set(d, PT_ECONFLICT, 0, "value",
				   "%s is %s already (decided at %s by %s): nothing to change", x->label,
				   x->kind != PT_EX_VALUE_BOOL     ? m->value
				   : strcmp(m->value, "true") == 0 ? "yes"
								   : "no",
				   t, m->role);
	}
	return PT_OK;
}

static enum pt_err change(const struct pt_caller *c, struct pt_db *db, long long id, enum op op,
			  const struct op_args *a, struct pt_app_run_done *done, struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	struct pt_app_run_done local;
	int64_t now_ms = pt_app_run_now_ms(c);
	char detail[512], rid[32], text[PT_APP_RUN_TEXT_MAX + 64];
	enum pt_err err;
	size_t i = 0;

	if (!done)
		done = &local;
	memset(done, 0, sizeof *done);
	done->run_id = id;
	detail[0] = '\0';
	snprintf(rid, sizeof rid, "%lld", id);
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_app_run_load(c, db, id, 1, &L, d)) != PT_OK)
		goto out;
	if (op == OP_DECIDE) {
		int r = a->role ? pt_ex_role_find(L.sc, a->role) : -1;
		if (pt_access_run_play(&c->who, &L.ra, r < 0 ? 32u : (unsigned)r) != PT_ACCESS_OK) {
			err = pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
					  "you do not play the role '%s' in this run",
					  a->role ? a->role : "");
			goto out;
		}
	} else if (op != OP_TICK && pt_access_run_drive(&c->who, &L.ra) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				  "only the run's facilitators drive its clock and injects");
		goto out;
	}
	if (L.clock.state == PT_EX_CLOCK_ENDED && op != OP_TICK) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "clock", "the run has ended (ENDEX)");
		goto out;
	}
	if (L.suspended && op != OP_RESUME && op != OP_ENDEX && op != OP_TICK &&
	    (err = pt_app_run_suspended_refuse(db, &L, d)) != PT_OK)
		goto out; /* review finding 9: only resume or ENDEX end a suspension */
	if (op != OP_START)
		advance(&L, now_ms);
	switch (op) {
	case OP_START:
		if ((err = pt_ex_clock_start(&L.clock, now_ms, d)) != PT_OK ||
		    (err = clock_event(&L, PT_EX_EV_START, 0, d)) != PT_OK)
			goto out;
		advance(&L, now_ms);
		break;
	case OP_PAUSE:
		if ((err = pt_ex_clock_pause(&L.clock, now_ms, d)) != PT_OK ||
		    (err = clock_event(&L, PT_EX_EV_PAUSE, 0, d)) != PT_OK)
			goto out;
		break;
	case OP_RESUME:
		if ((err = pt_ex_clock_resume(&L.clock, now_ms, d)) != PT_OK ||
		    (err = L.suspended ? pt_app_run_unsuspend_note(&L, d)
				       : clock_event(&L, PT_EX_EV_RESUME, 0, d)) != PT_OK)
			goto out;
		if (L.suspended)
			snprintf(detail, sizeof detail, "suspension over");
		advance(&L, now_ms);
		break;
	case OP_SPEED:
		if (!isfinite(a->x)) {
			err = pt_diag_set(d, PT_EINVAL, 0, "speed", "not a number");
			goto out;
		}
		if ((err = pt_ex_clock_speed(&L.clock, now_ms, a->x, d)) != PT_OK ||
		    (err = clock_event(&L, PT_EX_EV_SPEED, a->x, d)) != PT_OK)
			goto out;
		snprintf(detail, sizeof detail, "speed=%g", a->x);
		break;
	case OP_SHIFT:
		if (!isfinite(a->x) || a->x == 0) {
			err = pt_diag_set(d, PT_EINVAL, 0, "minutes", "a number of minutes, not 0");
			goto out;
		}
		if ((err = pt_ex_run_shift(&L.run, a->x, pt_app_run_collect, &L, d)) != PT_OK)
			goto out;
		snprintf(detail, sizeof detail, "minutes=%+g", a->x);
		break;
	case OP_TRIGGER:
	case OP_SKIP:
	case OP_DONE:
		if ((err = inject_of(&L, a->seq, &i, d)) != PT_OK)
			goto out;
		err = op == OP_TRIGGER ? pt_ex_run_trigger(&L.run, i, pt_app_run_collect, &L, d)
		      : op == OP_SKIP  ? pt_ex_run_skip(&L.run, i, pt_app_run_collect, &L, d)
				       : pt_ex_run_mark_done(&L.run, i, pt_app_run_collect, &L, d);
		if (err != PT_OK)
			goto out;
		snprintf(detail, sizeof detail, "seq=%u", a->seq);
		break;
	case OP_ENDEX:
		if (a->message && strlen(a->message) >= PT_APP_RUN_TEXT_MAX) {
			err = pt_diag_set(d, PT_EINVAL, 0, "message", "at most %d bytes",
					  PT_APP_RUN_TEXT_MAX - 1);
			goto out;
		}
		if ((err = pt_app_run_text_check(a->message, 1, "message", d)) != PT_OK)
			goto out; /* attack review 8 */
		if (a->why == PT_RUN_ENDEX_REAL_WORLD)
			snprintf(text, sizeof text, "REAL-WORLD EMERGENCY: %s",
				 a->message && a->message[0] ? a->message
							     : "stop the exercise now");
		else
			snprintf(text, sizeof text, "ENDEX: %s",
				 a->message && a->message[0] ? a->message : "the exercise is over");
		pt_utf8_cut(text);
		L.endex_text = text;
		if ((err = pt_ex_run_endex(&L.run, pt_app_run_collect, &L, d)) != PT_OK)
			goto out;
		if (L.clock.state != PT_EX_CLOCK_ENDED &&
		    (err = pt_ex_clock_end(&L.clock, now_ms, d)) != PT_OK)
			goto out;
		pt_strlcpy_utf8(detail, text, sizeof detail);
		break;
	case OP_TICK:
		break;
	case OP_DECIDE: {
		int k;
		if (L.clock.state != PT_EX_CLOCK_RUNNING) {
			err = pt_diag_set(d, PT_ECONFLICT, 0, "clock", "the exercise clock is %s",
					  clock_state_names[L.clock.state]);
			goto out;
		}
		if (!a->decision || (k = pt_ex_decision_find(L.sc, a->decision)) < 0) {
			err = pt_diag_set(d, PT_ENOTFOUND, 0, "decision", "the scenario has no decision '%s'",
					  a->decision ? a->decision : "");
			goto out;
		}
		if ((err = pt_app_run_decision_repeat(&L, (size_t)k, a->role, a->value, d)) != PT_OK)
			goto out; /* review finding 10: the value in force already */
		if ((err = pt_ex_run_decide(&L.run, (size_t)k, a->role,
					    a->value ? a->value : "", pt_app_run_collect, &L, d)) !=
		    PT_OK)
			goto out;
		snprintf(detail, sizeof detail, "decision=%s role=%s value=%s t=%.2f", a->decision,
			 a->role, L.run.made[L.run.n_made - 1].value, L.run.now_min);
		pt_utf8_cut(detail);
		break;
	}
	}
	if (op == OP_TICK && L.n_pending == 0) { /* nothing happened: nothing to write */
		done->state = L.clock.state;
		done->now_min = L.run.now_min;
		err = pt_db_run_event_last(db, id, &done->last_event, d);
		goto out;
	}
	if ((err = pt_app_run_store(db, &L, now_ms, done, d)) != PT_OK)
		goto out;
	if (op == OP_TICK)
		snprintf(detail, sizeof detail, "events=%zu t=%.2f", done->n_events, done->now_min);
	err = pt_app_run_audit(db, id, op_actions[op], detail[0] ? detail : NULL, d);
out:
	err = pt_db_end(db, err, d);
	pt_app_run_unload(&L);
	return pt_app_run_refused(c, db, op_actions[op], rid, err, d); /* attack review 7 */
}

enum pt_err pt_app_run_start(const struct pt_caller *c, struct pt_db *db, long long id,
			     struct pt_app_run_done *done, struct pt_diag *d)
{
	struct op_args a = {0};
	return change(c, db, id, OP_START, &a, done, d);
}

enum pt_err pt_app_run_pause(const struct pt_caller *c, struct pt_db *db, long long id,
			     struct pt_app_run_done *done, struct pt_diag *d)
{
	struct op_args a = {0};
	return change(c, db, id, OP_PAUSE, &a, done, d);
}

enum pt_err pt_app_run_resume(const struct pt_caller *c, struct pt_db *db, long long id,
			      struct pt_app_run_done *done, struct pt_diag *d)
{
	struct op_args a = {0};
	return change(c, db, id, OP_RESUME, &a, done, d);
}

enum pt_err pt_app_run_shift(const struct pt_caller *c, struct pt_db *db, long long id,
			     double minutes, struct pt_app_run_done *done, struct pt_diag *d)
{
	struct op_args a = {0};
	a.x = minutes;
	return change(c, db, id, OP_SHIFT, &a, done, d);
}

enum pt_err pt_app_run_speed(const struct pt_caller *c, struct pt_db *db, long long id,
			     double factor, struct pt_app_run_done *done, struct pt_diag *d)
{
	struct op_args a = {0};
	a.x = factor;
	return change(c, db, id, OP_SPEED, &a, done, d);
}

enum pt_err pt_app_run_trigger(const struct pt_caller *c, struct pt_db *db, long long id,
			       uint32_t seq, struct pt_app_run_done *done, struct pt_diag *d)
{
	struct op_args a = {0};
	a.seq = seq;
	return change(c, db, id, OP_TRIGGER, &a, done, d);
}

enum pt_err pt_app_run_skip(const struct pt_caller *c, struct pt_db *db, long long id,
			    uint32_t seq, struct pt_app_run_done *done, struct pt_diag *d)
{
	struct op_args a = {0};
	a.seq = seq;
	return change(c, db, id, OP_SKIP, &a, done, d);
}

enum pt_err pt_app_run_mark_done(const struct pt_caller *c, struct pt_db *db, long long id,
				 uint32_t seq, struct pt_app_run_done *done, struct pt_diag *d)
{
	struct op_args a = {0};
	a.seq = seq;
	return change(c, db, id, OP_DONE, &a, done, d);
}

enum pt_err pt_app_run_endex(const struct pt_caller *c, struct pt_db *db, long long id,
			     enum pt_run_endex why, const char *message,
			     struct pt_app_run_done *done, struct pt_diag *d)
{
	struct op_args a = {0};
	a.why = why;
	a.message = message;
	return change(c, db, id, OP_ENDEX, &a, done, d);
}

/*
 * The ticker's cheap check, in a read transaction: *due nonzero when run id
 * runs and something falls due by now (a pending inject, the next rerun, the
 * end), so that a second of nothing takes no write lock. done filled when not.
 */
static enum pt_err tick_due(const struct pt_caller *c, struct pt_db *db, long long id, int *due,
			    struct pt_app_run_done *done, struct pt_diag *d)
{
	struct pt_db_run row;
	struct pt_ex_clock clk;
	double t, next, inj = 0;
	int any = 0;
	enum pt_err err;
	*due = 0;
	if (done) {
		memset(done, 0, sizeof *done);
		done->run_id = id;
	}
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_run_get(db, id, 0, &row, d)) != PT_OK) {
		if (err == PT_ENOTFOUND)
			err = not_found(id, d);
		goto out;
	}
	pt_ex_clock_init(&clk);
	if (clock_state_parse(row.clock_state, &clk.state) != 0 || clk.state != PT_EX_CLOCK_RUNNING ||
	    row.ended) {
		if (done)
			done->state = clk.state;
		goto last;
	}
	clk.base_wall_ms = row.base_wall_ms;
	clk.base_min = row.base_min;
	clk.speed = row.speed;
	t = pt_ex_clock_now(&clk, pt_app_run_now_ms(c));
	if ((err = pt_db_run_next_due(db, id, &inj, &any, d)) != PT_OK)
		goto out;
	next = row.end_min;
	if (row.next_sim_min >= 0 && row.next_sim_min < next)
		next = row.next_sim_min;
	if (any && inj < next)
		next = inj;
	*due = next <= t;
	if (done) {
		done->state = clk.state;
		done->now_min = row.now_min;
	}
last:
	if (!*due && done)
		err = pt_db_run_event_last(db, id, &done->last_event, d);
out:
	return pt_db_end(db, err, d);
}

enum pt_err pt_app_run_tick(const struct pt_caller *c, struct pt_db *db, long long id,
			    struct pt_app_run_done *done, struct pt_diag *d)
{
	struct op_args a = {0};
	struct pt_caller sys;
	enum pt_err err;
	int due = 0;
	/* the tick changes nothing anyone chose: the system administrator's, at c's time */
	pt_caller_system(&sys);
	sys.now = c->now;
	if ((err = tick_due(&sys, db, id, &due, done, d)) != PT_OK || !due)
		return err;
	return change(&sys, db, id, OP_TICK, &a, done, d);
}

enum pt_err pt_app_run_decide(const struct pt_caller *c, struct pt_db *db, long long id,
			      const char *role, const char *decision_id, const char *value,
			      struct pt_app_run_done *done, struct pt_diag *d)
{
	struct op_args a = {0};
	a.role = role;
	a.decision = decision_id;
	a.value = value;
	return change(c, db, id, OP_DECIDE, &a, done, d);
}

void pt_app_run_ticks_free(struct pt_app_run_ticks *t)
{
	if (!t)
		return;
	free(t->runs);
	free(t);
}

enum pt_err pt_app_run_tick_all(const struct pt_caller *c, struct pt_db *db,
				struct pt_app_run_ticks **out, struct pt_diag *d)
{
	struct pt_app_run_ticks *t;
	long long *ids = NULL;
	size_t n = 0, i;
	enum pt_err err;
	int first_failure = 1;

	*out = NULL;
	if ((err = pt_db_run_running(db, &ids, &n, d)) != PT_OK)
		return err;
	if (!(t = calloc(1, sizeof *t)) || (n && !(t->runs = calloc(n, sizeof *t->runs)))) {
		free(t);
		free(ids);
		return nomem(d);
	}
	for (i = 0; i < n; i++) {
		struct pt_app_run_done done;
		struct pt_diag one;
		memset(&one, 0, sizeof one);
		if (pt_app_run_tick(c, db, ids[i], &done, &one) != PT_OK) {
			if (first_failure && d)
				*d = one;
			first_failure = 0;
			t->failed++;
			continue;
		}
		if (done.n_events)
			t->runs[t->n++] = done;
	}
	free(ids);
	*out = t;
	return PT_OK;
}

/* ---- attack review 6, round 2: refused requests on runs throttled ---- */

enum pt_err pt_app_run_refusals_throttled(const struct pt_caller *c, struct pt_db *db,
					  unsigned per_minute, struct pt_diag *d)
{
	char detail[PT_AUDIT_DETAIL_MAX];
	snprintf(detail, sizeof detail,
		 "run requests throttled: more than %u refused a minute; further refusals are "
		 "answered without an audit row of their own",
		 per_minute);
	pt_app_act(c, db);
	return pt_audit_append(db, PT_AUDIT_REFUSED_ACTION, "exercise_runs", "", detail, d);
}
