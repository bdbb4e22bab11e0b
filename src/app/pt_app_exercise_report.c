/* pt_app_exercise_report.c - the after-action report of an exercise run
 * (issue 15): read it in one transaction, compute the simulated outcome of
 * the run's decisions against the baseline off the database, and turn
 * improvement items into measures at sites or notes on register risks. */
#include "pt_app_exercise_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_csv.h"
#include "../formats/pt_exercise_run_io.h"
#include "../formats/pt_scenario_io.h"
#include "../store/pt_audit.h"
#include "../store/pt_exercise_report_store.h"
#include "../store/pt_exercise_store.h"
#include "../store/pt_measures_store.h"
#include "../store/pt_register_store.h"
#include "pt_app_audit.h"
#include "pt_app_exercise.h"
#include "pt_app_exercise_report_int.h"
#include "pt_app_exercise_runs_int.h"
#include "pt_app_plan_int.h"
#include "pt_app_register.h"
#include "pt_app_simulate.h"

static enum pt_err nomem(struct pt_diag *d)
{
	return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

void pt_app_run_report_free(struct pt_app_run_report *j)
{
	if (!j)
		return;
	pt_ex_report_free(j->doc);
	free(j->sim_run);
	free(j->sim_base);
	free(j);
}

/* ---- reading ---- */

static enum pt_err read_people(struct pt_ex_report *r, const struct pt_app_run_loaded *L,
			       struct pt_diag *d)
{
	size_t i;
	if (!L->n_members)
		return PT_OK;
	if (!(r->people = calloc(L->n_members, sizeof *r->people)))
		return nomem(d);
	for (i = 0; i < L->n_members; i++) {
		const struct pt_db_run_member *m = &L->members[i];
		struct pt_ex_report_person *p = &r->people[r->n_people++];
		pt_strlcpy(p->user, m->user_name, sizeof p->user);
		pt_strlcpy(p->org, m->org_name, sizeof p->org);
		pt_strlcpy(p->part, m->member, sizeof p->part);
		pt_strlcpy(p->role, m->role, sizeof p->role);
		p->lead = m->lead;
	}
	return PT_OK;
}

static enum pt_err read_made(struct pt_ex_report *r, const struct pt_app_run_loaded *L,
			     struct pt_diag *d)
{
	size_t i;
	if (!L->run.n_made)
		return PT_OK;
	if (!(r->made = calloc(L->run.n_made, sizeof *r->made)))
		return nomem(d);
	for (i = 0; i < L->run.n_made; i++) {
		r->made[i].m = L->run.made[i];
		if (i < L->n_made_rows) {
			pt_strlcpy(r->made[i].user, L->made_rows[i].user_name, sizeof r->made[i].user);
			r->made[i].at = L->made_rows[i].made_at;
		}
	}
	r->n_made = L->run.n_made;
	return PT_OK;
}

static enum pt_err read_obs(struct pt_db *db, struct pt_ex_report *r, struct pt_diag *d)
{
	struct pt_db_run_entry *e = NULL;
	size_t n = 0, i;
	enum pt_err err;
	if ((err = pt_db_run_entries(db, r->run_id, NULL, &e, &n, d)) != PT_OK)
		return err;
	if (n && !(r->obs = calloc(n, sizeof *r->obs))) {
		pt_db_run_entries_free(e, n);
		return nomem(d);
	}
	for (i = 0; i < n; i++) {
		struct pt_ex_report_obs *o = &r->obs[r->n_obs];
		if (strcmp(e[i].kind, "observation") != 0 && strcmp(e[i].kind, "strength") != 0 &&
		    strcmp(e[i].kind, "improvement") != 0)
			continue;
		pt_strlcpy(o->user, e[i].user_name, sizeof o->user);
		o->t_min = e[i].t_min;
		o->at = e[i].at;
		o->capability = e[i].capability;
		pt_strlcpy(o->target, e[i].target, sizeof o->target);
		pt_strlcpy(o->kind, e[i].kind, sizeof o->kind);
		if (!(o->text = dup_or_empty(e[i].text))) {
			pt_db_run_entries_free(e, n);
			return nomem(d);
		}
		r->n_obs++;
	}
	pt_db_run_entries_free(e, n);
	return PT_OK;
}

static enum pt_err read_ratings(struct pt_db *db, struct pt_ex_report *r, struct pt_diag *d)
{
	struct pt_db_run_rating *x = NULL;
	size_t n = 0, i;
	enum pt_err err;
	if ((err = pt_db_run_ratings(db, r->run_id, &x, &n, d)) != PT_OK)
		return err;
	if (n && !(r->ratings = calloc(n, sizeof *r->ratings))) {
		pt_db_run_ratings_free(x, n);
		return nomem(d);
	}
	for (i = 0; i < n; i++) {
		struct pt_ex_report_rating *ra = &r->ratings[r->n_ratings];
		pt_strlcpy(ra->target, x[i].target, sizeof ra->target);
		pt_strlcpy(ra->user, x[i].user_name, sizeof ra->user);
		ra->rating = x[i].rating[0];
		ra->final = x[i].final;
		ra->at = x[i].at;
		if (!(ra->note = dup_or_empty(x[i].note))) {
			pt_db_run_ratings_free(x, n);
			return nomem(d);
		}
		r->n_ratings++;
	}
	pt_db_run_ratings_free(x, n);
	return PT_OK;
}

/* The state of measure_id at site_id as who may know it: "" when it may not read the site. */
static enum pt_err measure_state(struct pt_db *db, const struct pt_principal *who,
				 const char *site_id, const char *measure_id, char *out, size_t size,
				 struct pt_diag *d)
{
	struct pt_site_measure_row row;
	struct pt_site site;
	enum pt_access a;
	enum pt_err err;
	out[0] = '\0';
	err = pt_app_site_access(db, who, site_id, pt_access_read, &site, NULL, &a, d);
	if (err == PT_ENOTFOUND) {
		pt_diag_clear(d);
		return PT_OK; /* gone, or never there: "linked" */
	}
	if (err != PT_OK || a != PT_ACCESS_OK)
		return err;
	err = pt_db_site_measure_get(db, site_id, measure_id, &row, d);
	if (err == PT_ENOTFOUND) {
		pt_diag_clear(d);
		pt_strlcpy(out, "not at the site", size);
		return PT_OK;
	}
	if (err != PT_OK)
		return err;
	pt_strlcpy(out, pt_site_measure_status_name(row.status), size);
	return PT_OK;
}

static enum pt_err read_items(struct pt_db *db, const struct pt_caller *c, struct pt_ex_report *r,
			      struct pt_diag *d)
{
	struct pt_db_run_improvement *x = NULL;
	struct pt_db_improvement_link *links = NULL;
	struct pt_db_improvement_status *given = NULL;
	struct pt_db_improvement_plan *plans = NULL;
	size_t n = 0, n_links = 0, n_given = 0, n_plans = 0, i, k;
	enum pt_err err;
	if ((err = pt_db_run_improvements(db, r->run_id, &x, &n, d)) != PT_OK)
		return err;
	if ((err = pt_db_improvement_links_of_run(db, r->run_id, &links, &n_links, d)) != PT_OK ||
	    (err = pt_db_improvement_statuses(db, r->run_id, &given, &n_given, d)) != PT_OK ||
	    (err = pt_db_improvement_plans(db, r->run_id, &plans, &n_plans, d)) != PT_OK)
		goto out;
	if (n && !(r->items = calloc(n, sizeof *r->items))) {
		err = nomem(d);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct pt_ex_report_item *it = &r->items[r->n_items];
		it->id = x[i].id;
		it->capability = x[i].capability;
		pt_strlcpy(it->element, x[i].element, sizeof it->element);
		pt_strlcpy(it->responsible, x[i].responsible, sizeof it->responsible);
		pt_strlcpy(it->due, x[i].due, sizeof it->due);
		pt_strlcpy(it->measure_id, x[i].measure_id, sizeof it->measure_id);
		pt_strlcpy(it->risk_site, x[i].risk_site, sizeof it->risk_site);
		pt_strlcpy(it->risk_threat, x[i].risk_threat, sizeof it->risk_threat);
		it->issue = dup_or_empty(x[i].issue);
		it->action = dup_or_empty(x[i].action);
		for (k = 0; k < n_plans && plans[k].item_id != it->id; k++)
			;
		if (k < n_plans) {
			it->afi = plans[k].afi;
			pt_strlcpy(it->objective, plans[k].objective, sizeof it->objective);
			pt_strlcpy(it->target, plans[k].target, sizeof it->target);
			pt_strlcpy(it->poc, plans[k].poc, sizeof it->poc);
			pt_strlcpy(it->start, plans[k].start, sizeof it->start);
		}
		it->analysis = dup_or_empty(k < n_plans ? plans[k].analysis : "");
		r->n_items++;
		if (!it->issue || !it->action || !it->analysis) {
			err = nomem(d);
			goto out;
		}
		for (k = 0; k < n_links; k++) {
			const struct pt_db_improvement_link *l = &links[k];
			if (l->item_id != it->id)
				continue;
			if (strcmp(l->kind, "measure") == 0) {
				pt_strlcpy(it->linked_site, l->site_id, sizeof it->linked_site);
				pt_strlcpy(it->linked_measure, l->measure_id, sizeof it->linked_measure);
				if ((err = measure_state(db, &c->who, l->site_id, l->measure_id,
							 it->measure_state, sizeof it->measure_state,
							 d)) != PT_OK)
					goto out;
			} else {
				pt_strlcpy(it->noted_site, l->site_id, sizeof it->noted_site);
				pt_strlcpy(it->noted_threat, l->threat_id, sizeof it->noted_threat);
			}
		}
		for (k = 0; k < n_given; k++)
			if (given[k].item_id == it->id)
				pt_strlcpy(it->given_status, given[k].status, sizeof it->given_status);
		pt_ex_report_item_status(it);
	}
out:
	pt_db_run_improvements_free(x, n);
	free(links);
	free(given);
	free(plans);
	return err;
}

/* The players' outputs: responses to injects and ICS 214 entries, in the order written. */
static enum pt_err read_entries(struct pt_db *db, struct pt_ex_report *r, struct pt_diag *d)
{
	static const char *const kinds[] = {"response", "log"};
	struct pt_db_run_entry *e[2] = {NULL, NULL};
	size_t n[2] = {0, 0}, i, k, at[2] = {0, 0};
	enum pt_err err = PT_OK;
	for (k = 0; k < 2 && err == PT_OK; k++)
		err = pt_db_run_entries(db, r->run_id, kinds[k], &e[k], &n[k], d);
	if (err == PT_OK && n[0] + n[1] &&
	    !(r->entries = calloc(n[0] + n[1], sizeof *r->entries)))
		err = nomem(d);
	for (i = 0; err == PT_OK && i < n[0] + n[1]; i++) {
		/* merge by id: the order they were written */
		struct pt_ex_report_entry *x = &r->entries[r->n_entries];
		const struct pt_db_run_entry *y;
		k = at[0] < n[0] && (at[1] >= n[1] || e[0][at[0]].id < e[1][at[1]].id) ? 0 : 1;
		y = &e[k][at[k]++];
		pt_strlcpy(x->kind, y->kind, sizeof x->kind);
		x->seq = y->seq;
		pt_strlcpy(x->role, y->role, sizeof x->role);
		pt_strlcpy(x->user, y->user_name, sizeof x->user);
		pt_strlcpy(x->agency, y->agency, sizeof x->agency);
		x->t_min = y->t_min;
		x->at = y->at;
		if (!(x->text = dup_or_empty(y->text)))
			err = nomem(d);
		else
			r->n_entries++;
	}
	pt_db_run_entries_free(e[0], n[0]);
	pt_db_run_entries_free(e[1], n[1]);
	return err;
}

/* The clock's history and the exercise alerts issued. A pause whose text is
 * not the facilitator's plain one (pt_app_exercise_runs.c) is the server's
 * (pt_app_exercise_runs_suspend.c, serve --pause-runs-on-restart): its text says why. */
static enum pt_err read_marks(struct pt_db *db, struct pt_ex_report *r, struct pt_diag *d)
{
	struct pt_db_run_mark *m = NULL;
	size_t n = 0, i;
	enum pt_err err;
	if ((err = pt_db_run_marks(db, r->run_id, &m, &n, d)) != PT_OK)
		return err;
	if (n && !(r->marks = calloc(n, sizeof *r->marks))) {
		pt_db_run_marks_free(m, n);
		return nomem(d);
	}
	for (i = 0; i < n; i++) {
		struct pt_ex_report_mark *x = &r->marks[i];
		pt_strlcpy(x->kind, m[i].kind, sizeof x->kind);
		x->t_min = m[i].t_min;
		x->at = m[i].at_ms / 1000;
		x->value = m[i].value;
		x->text = m[i].text; /* owned by the report now */
		m[i].text = NULL;
		x->server = strcmp(x->kind, "pause") == 0 && x->text[0] &&
			    strcmp(x->text, "The exercise clock is paused") != 0;
		pt_strlcpy(x->composer, m[i].composer, sizeof x->composer);
		pt_strlcpy(x->site, m[i].site_id, sizeof x->site);
		pt_strlcpy(x->state, m[i].state, sizeof x->state);
	}
	r->n_marks = n;
	pt_db_run_marks_free(m, n);
	return PT_OK;
}

/* Each delivered inject's text as its inject event stored it (placeholders filled). */
static enum pt_err read_sent(struct pt_db *db, struct pt_ex_report *r,
			     const struct pt_ex_scenario *sc, struct pt_diag *d)
{
	struct pt_db_run_inject_text *x = NULL;
	size_t n = 0, i;
	enum pt_err err;
	int k;
	if (!sc->n_injects)
		return PT_OK;
	if ((err = pt_db_run_inject_texts(db, r->run_id, &x, &n, d)) != PT_OK)
		return err;
	if (!(r->sent = calloc(sc->n_injects, sizeof *r->sent))) {
		pt_db_run_inject_texts_free(x, n);
		return nomem(d);
	}
	r->n_sent = sc->n_injects;
	for (i = 0; i < n; i++) {
		if ((k = pt_ex_inject_find(sc, x[i].seq)) < 0 || r->sent[k])
			continue; /* not of the scenario, or delivered once already */
		r->sent[k] = x[i].text;
		x[i].text = NULL;
	}
	pt_db_run_inject_texts_free(x, n);
	return PT_OK;
}

/* Under the hospital table (review 15C item A): each hospital the simulation file locks down at
 * the start, until the file's own decision that reopens it, and the run's decisions that changed
 * its parameters. */
static void hospital_note(struct pt_ex_report *doc, const struct pt_mci_scenario *sim,
			  double start_min, const struct pt_app_run_loaded *L)
{
	const struct pt_ex_scenario *sc = doc->sc;
	char one[512], t[32], pre[32];
	size_t h, k;
	doc->hospital_note[0] = '\0';
	for (h = 0; h < sim->n_hospitals && h < PT_MCI_MAX_HOSPITALS; h++) {
		double reopen = -1;
		if (!sim->hospitals[h].locked_down)
			continue;
		snprintf(pre, sizeof pre, "hospitals.%zu.", h);
		for (k = 0; k < sim->n_decisions; k++)
			if (strncmp(sim->decisions[k].path, pre, strlen(pre)) == 0 &&
			    strcmp(sim->decisions[k].path + strlen(pre), "locked_down") == 0 &&
			    strcmp(sim->decisions[k].value, "false") == 0 &&
			    (reopen < 0 || sim->decisions[k].t_min < reopen))
				reopen = sim->decisions[k].t_min;
		if (reopen >= 0) {
			pt_ex_run_time_text(start_min + reopen, t, sizeof t);
			snprintf(one, sizeof one,
				 "%s%s (the attacked hospital) receives nobody until simulation minute "
				 "%.0f (%s in this run); its patients are those still waiting then.",
				 doc->hospital_note[0] ? " " : "", sim->hospitals[h].name, reopen, t);
		} else
			snprintf(one, sizeof one,
				 "%s%s (the attacked hospital) receives nobody for the whole simulation.",
				 doc->hospital_note[0] ? " " : "", sim->hospitals[h].name);
		pt_strlcat(doc->hospital_note, one, sizeof doc->hospital_note);
		for (k = 0; k < L->run.n_made; k++) {
			const struct pt_ex_made *m = &L->run.made[k];
			const struct pt_ex_decision *dc;
			if (m->decision >= sc->n_decisions)
				continue;
			dc = &sc->decisions[m->decision];
			if (dc->apply == PT_EX_APPLY_LOG || !dc->path ||
			    strncmp(dc->path, pre, strlen(pre)) != 0)
				continue;
			pt_ex_run_time_text(m->t_min, t, sizeof t);
			snprintf(one, sizeof one, " The run's decision \"%s\" (%s) at %s changed it (%s).",
				 dc->label ? dc->label : dc->id, m->value[0] ? m->value : "made", t,
				 dc->path);
			pt_strlcat(doc->hospital_note, one, sizeof doc->hospital_note);
		}
	}
}

/* Both simulation scenarios of the report: the run's decisions and the baseline. */
static enum pt_err prepare_sims(struct pt_app_run_report *j, const struct pt_app_run_loaded *L,
				struct pt_diag *d)
{
	const struct pt_ex_scenario *sc = j->doc->sc;
	struct pt_mci_scenario *sim;
	enum pt_err err;
	size_t i;
	if (!sc->simulation)
		return PT_OK;
	if (!L->row.sim_json) {
		snprintf(j->doc->sim_note, sizeof j->doc->sim_note,
			 "the run stored no copy of the scenario's simulation (%s)", sc->simulation);
		return PT_OK;
	}
	if (!(sim = calloc(1, sizeof *sim)) || !(j->sim_run = calloc(1, sizeof *j->sim_run)) ||
	    !(j->sim_base = calloc(1, sizeof *j->sim_base))) {
		free(sim);
		return nomem(d);
	}
	err = pt_scenario_read(L->row.sim_json, L->row.sim_len, NULL, sim, d);
	if (err == PT_OK)
		hospital_note(j->doc, sim, L->run.sim_start_min, L);
	if (err == PT_OK)
		err = pt_ex_sim_scenario_at(sc, L->run.sim_start_min, sim, L->run.made,
					    L->run.n_made, j->sim_run, d);
	if (err == PT_OK)
		err = pt_ex_sim_scenario(sc, sim, sc->baseline, sc->n_baseline, j->sim_base, d);
	free(sim);
	if (err == PT_ENOMEM)
		return err;
	if (err != PT_OK) { /* the report without its outcome, saying why */
		snprintf(j->doc->sim_note, sizeof j->doc->sim_note,
			 "the run's simulation could not be prepared: %.40s%s%.160s", d->field,
			 d->field[0] ? ": " : "", d->msg[0] ? d->msg : pt_strerror(err));
		pt_diag_clear(d);
		free(j->sim_run);
		free(j->sim_base);
		j->sim_run = j->sim_base = NULL;
		return PT_OK;
	}
	j->doc->has_sim = 1;
	j->doc->outcome.replications = j->replications;
	j->doc->outcome.seed = j->doc->seed;
	j->doc->outcome.n_baseline = sc->n_baseline;
	for (i = 0; i < L->run.n_made; i++) {
		uint32_t k = L->run.made[i].decision;
		j->doc->outcome.n_decisions += k < sc->n_decisions &&
					       sc->decisions[k].apply != PT_EX_APPLY_LOG;
	}
	for (i = 0, j->doc->outcome.n_baseline = 0; i < sc->n_baseline; i++) {
		uint32_t k = sc->baseline[i].decision;
		j->doc->outcome.n_baseline += k < sc->n_decisions &&
					      sc->decisions[k].apply != PT_EX_APPLY_LOG;
	}
	return PT_OK;
}

static enum pt_err report_read(const struct pt_caller *c, struct pt_db *db, long long id,
			       struct pt_app_run_report *j, struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	struct pt_ex_report *r;
	enum pt_access a;
	enum pt_err err;
	int64_t at_ms;
	char *text = NULL;

	if ((err = pt_app_run_load(c, db, id, 1, &L, d)) != PT_OK)
		goto out;
	a = pt_access_run_report(&c->who, &L.ra);
	if (a == PT_ACCESS_NOT_FOUND) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "run", "no exercise run %lld", id);
		goto out;
	}
	if (a != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				  "the after-action report is for the run's facilitators, evaluators "
				  "and observers; a player sees its own roles only");
		goto out;
	}
	if (!(r = j->doc = calloc(1, sizeof *j->doc))) {
		err = nomem(d);
		goto out;
	}
	r->run_id = L.row.id;
	pt_strlcpy(r->title, L.row.title, sizeof r->title);
	r->tlp = L.ra.tlp;
	r->seed = L.row.seed;
	r->created_at = L.row.created_at;
	pt_strlcpy(r->created_by, L.row.created_by_name, sizeof r->created_by);
	pt_strlcpy(r->clock_state, L.row.clock_state, sizeof r->clock_state);
	r->now_min = L.run.now_min;
	r->sim_start_min = L.run.sim_start_min;
	if (L.sc->n_injects) {
		if (!(r->inj = malloc(L.sc->n_injects * sizeof *r->inj))) {
			err = nomem(d);
			goto out;
		}
		memcpy(r->inj, L.run.inj, L.sc->n_injects * sizeof *r->inj);
	} else if (!(r->inj = calloc(1, sizeof *r->inj))) {
		err = nomem(d);
		goto out;
	}
	err = pt_db_run_event_first(db, id, "start", &at_ms, &text, d);
	if (err == PT_OK)
		r->started_at = at_ms / 1000;
	free(text);
	text = NULL;
	if (err == PT_OK || err == PT_ENOTFOUND)
		err = pt_db_run_event_first(db, id, "endex", &at_ms, &text, d);
	if (err == PT_OK) {
		r->ended_at = at_ms / 1000;
		r->endex_text = text;
		text = NULL;
	}
	if (err == PT_ENOTFOUND)
		err = PT_OK;
	if (err == PT_OK)
		err = read_people(r, &L, d);
	if (err == PT_OK)
		err = read_made(r, &L, d);
	if (err == PT_OK)
		err = read_obs(db, r, d);
	if (err == PT_OK)
		err = read_ratings(db, r, d);
	if (err == PT_OK)
		err = read_items(db, c, r, d);
	if (err == PT_OK)
		err = read_entries(db, r, d);
	if (err == PT_OK)
		err = read_marks(db, r, d);
	if (err == PT_OK)
		err = read_sent(db, r, L.sc, d);
	if (err != PT_OK)
		goto out;
	r->sc = L.sc; /* the run's scenario, whole: now the report's */
	err = prepare_sims(j, &L, d);
	if (L.engine) {
		pt_ex_run_free(&L.run);
		L.engine = 0;
	}
	L.sc = NULL;
out:
	pt_app_run_unload(&L);
	return err;
}

enum pt_err pt_app_run_report_prepare(const struct pt_caller *c, struct pt_db *db, long long id,
				      struct pt_app_run_report **out, struct pt_diag *d)
{
	struct pt_app_run_report *j;
	enum pt_err err;
	*out = NULL;
	if (!c || !db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no caller or database");
	if (!(j = calloc(1, sizeof *j)))
		return nomem(d);
	j->replications = PT_APP_EX_OUTCOME_REPS;
	if ((err = pt_db_begin_read(db, d)) != PT_OK) {
		free(j);
		return err;
	}
	err = report_read(c, db, id, j, d);
	err = pt_db_end(db, err, d);
	if (err == PT_OK && c->audit_reads && j->doc->tlp >= PT_TLP_AMBER) {
		char detail[96];
		snprintf(detail, sizeof detail, "after-action report, %s",
			 pt_tlp_name(j->doc->tlp));
		pt_app_act(c, db);
		if ((err = pt_db_begin(db, d)) == PT_OK)
			err = pt_db_end(db, pt_app_run_audit(db, id, "run.report", detail, d), d);
	}
	if (err == PT_EFORBIDDEN || err == PT_ENOTFOUND) {
		char rid[32];
		snprintf(rid, sizeof rid, "%lld", id);
		err = pt_app_run_refused(c, db, "run.report", rid, err, d); /* attack review 7 */
	}
	if (err != PT_OK) {
		pt_app_run_report_free(j);
		return err;
	}
	*out = j;
	return PT_OK;
}

/* ---- computing ---- */

/* Each replication's value of every output, kept as the runner fills them. */
struct capture {
	double *v;         /* [replications][outputs] */
	size_t reps, outputs;
};

static enum pt_err capture_runner(void *ctx, const struct pt_mci_scenario *s, uint64_t seed,
				  uint64_t first_rep, size_t n, unsigned threads,
				  struct pt_mci_rep *reps, pt_mci_progress_fn progress,
				  void *progress_ctx, int *complete, struct pt_diag *d)
{
	struct capture *cap = ctx;
	enum pt_err err;
	size_t i, k;
	err = pt_mci_run_many(s, seed, first_rep, n, threads, reps, progress, progress_ctx);
	if (err != PT_OK)
		return pt_diag_set(d, err, 0, "", "simulating: %s", pt_strerror(err));
	*complete = 1;
	for (i = 0; i < n && first_rep + i < cap->reps; i++)
		for (k = 0; k < cap->outputs; k++)
			cap->v[(first_rep + i) * cap->outputs + k] = pt_mci_output_value(&reps[i], k);
	return PT_OK;
}

static enum pt_err simulate(const struct pt_mci_scenario *s, uint64_t seed, size_t reps,
			    unsigned threads, struct capture *cap, struct pt_sim_result **out,
			    struct pt_diag *d)
{
	struct pt_app_sim_opts so;
	memset(&so, 0, sizeof so);
	so.scenario = s;
	so.replications = reps;
	so.threads = threads ? threads : 1;
	so.seed = seed;
	so.runner = capture_runner;
	so.runner_ctx = cap;
	return pt_app_simulate_run(&so, out, d);
}

/* The paired difference a - b of output k over the replications both have a value for. */
static void paired(const struct capture *a, const struct capture *b, size_t k,
		   struct pt_mci_stat *out)
{
	double sum = 0, sq = 0, mean, sd, half, t;
	size_t i, n = 0;
	memset(out, 0, sizeof *out);
	out->mean = out->lo = out->hi = out->p025 = out->p975 = NAN;
	for (i = 0; i < a->reps; i++) {
		double x = a->v[i * a->outputs + k], y = b->v[i * b->outputs + k];
		if (isfinite(x) && isfinite(y)) {
			sum += x - y;
			n++;
		}
	}
	out->n = n;
	if (!n)
		return;
	mean = sum / (double)n;
	for (i = 0; i < a->reps; i++) {
		double x = a->v[i * a->outputs + k], y = b->v[i * b->outputs + k];
		if (isfinite(x) && isfinite(y))
			sq += (x - y - mean) * (x - y - mean);
	}
	out->mean = mean;
	if (n < 2)
		return;
	sd = sqrt(sq / (double)(n - 1));
	t = pt_mci_t_quantile(0.05, (double)(n - 1));
	half = t * sd / sqrt((double)n);
	out->lo = mean - half;
	out->hi = mean + half;
}

enum pt_err pt_app_run_report_compute(struct pt_app_run_report *j, unsigned threads,
				      struct pt_diag *d)
{
	struct pt_ex_report_outcome *oc;
	struct capture a, b;
	enum pt_err err;
	size_t k, outputs = pt_mci_output_count();
	if (!j || !j->doc)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no report");
	if (!j->doc->has_sim || !j->sim_run || !j->sim_base)
		return PT_OK;
	oc = &j->doc->outcome;
	if (oc->run) /* computed already */
		return PT_OK;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.reps = b.reps = j->replications;
	a.outputs = b.outputs = outputs;
	a.v = calloc(j->replications * outputs, sizeof *a.v);
	b.v = calloc(j->replications * outputs, sizeof *b.v);
	oc->diff = calloc(outputs, sizeof *oc->diff);
	if (!a.v || !b.v || !oc->diff) {
		err = nomem(d);
		goto out;
	}
	for (k = 0; k < j->replications * outputs; k++)
		a.v[k] = b.v[k] = NAN;
	if ((err = simulate(j->sim_run, j->doc->seed, j->replications, threads, &a, &oc->run, d)) !=
		    PT_OK ||
	    (err = simulate(j->sim_base, j->doc->seed, j->replications, threads, &b, &oc->baseline,
			    d)) != PT_OK)
		goto out;
	for (k = 0; k < outputs; k++)
		paired(&a, &b, k, &oc->diff[k]);
out:
	if (err != PT_OK && err != PT_ENOMEM) { /* the report without its outcome, saying why */
		snprintf(j->doc->sim_note, sizeof j->doc->sim_note, "the simulation failed: %.200s",
			 d->msg[0] ? d->msg : pt_strerror(err));
		pt_diag_clear(d);
	}
	if (err != PT_OK) {
		pt_sim_result_free(oc->run);
		pt_sim_result_free(oc->baseline);
		free(oc->diff);
		oc->run = oc->baseline = NULL;
		oc->diff = NULL;
	}
	free(a.v);
	free(b.v);
	return err == PT_ENOMEM ? err : PT_OK;
}

enum pt_err pt_app_run_report(const struct pt_caller *c, struct pt_db *db, long long id,
			      unsigned threads, struct pt_app_run_report **out, struct pt_diag *d)
{
	enum pt_err err = pt_app_run_report_prepare(c, db, id, out, d);
	if (err == PT_OK && (err = pt_app_run_report_compute(*out, threads, d)) != PT_OK) {
		pt_app_run_report_free(*out);
		*out = NULL;
	}
	return err;
}

/* ---- links ---- */

/* Inside the caller's write transaction: run id as c may link its items (drive: keep its plan),
 * and item item_id of it. */
static enum pt_err item_check(const struct pt_caller *c, struct pt_db *db, long long id,
			      long long item_id, int drive, struct pt_db_run_improvement *item,
			      struct pt_diag *d)
{
	struct pt_app_run_loaded L;
	struct pt_db_run_improvement *x = NULL;
	size_t n = 0, i;
	enum pt_access a;
	enum pt_err err;
	if ((err = pt_app_run_load(c, db, id, 0, &L, d)) != PT_OK)
		goto out;
	a = drive ? pt_access_run_drive(&c->who, &L.ra) : pt_access_run_link(&c->who, &L.ra);
	if (a == PT_ACCESS_NOT_FOUND) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "run", "no exercise run %lld", id);
		goto out;
	}
	if (a != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				  drive ? "only the run's facilitators keep its improvement plan"
					: "only the run's facilitators and government coordinators turn "
					  "its improvement plan into measures and register notes");
		goto out;
	}
	if ((err = pt_db_run_improvements(db, id, &x, &n, d)) != PT_OK)
		goto out;
	for (i = 0; i < n; i++)
		if (x[i].id == item_id)
			break;
	if (i == n) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "item", "run %lld has no improvement item %lld",
				  id, item_id);
		goto out;
	}
	*item = x[i];
	/* keep the item's texts: take them from the array */
	x[i].issue = x[i].action = NULL;
out:
	pt_db_run_improvements_free(x, n);
	pt_app_run_unload(&L);
	return err;
}

/* The site's rule: pt_access_treat (a site c may not read is not found). */
static enum pt_err site_check(const struct pt_caller *c, struct pt_db *db, const char *site_id,
			      struct pt_diag *d)
{
	struct pt_site site;
	enum pt_access a;
	enum pt_err err;
	if (!site_id || !pt_id_valid(site_id))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "site", "unknown site %s",
				   site_id ? site_id : "");
	err = pt_app_site_access(db, &c->who, site_id, pt_access_treat, &site, NULL, &a, d);
	if (err == PT_ENOTFOUND || (err == PT_OK && a == PT_ACCESS_NOT_FOUND))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "site", "unknown site %s", site_id);
	if (err != PT_OK)
		return err;
	if (a != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "site",
				   "only the organisation owning %s or a government coordinator "
				   "turns an improvement item into work on it",
				   site_id);
	return PT_OK;
}

static void link_fill(const struct pt_caller *c, long long id, long long item_id,
		      const char *kind, struct pt_db_improvement_link *l)
{
	memset(l, 0, sizeof *l);
	l->run_id = id;
	l->item_id = item_id;
	pt_strlcpy(l->kind, kind, sizeof l->kind);
	l->user_id = c->who.system ? 0 : c->who.user_id;
	pt_strlcpy(l->user_name, pt_app_run_who(c), sizeof l->user_name);
	l->at = pt_app_now(c->now);
}

static void item_clear(struct pt_db_run_improvement *it)
{
	free(it->issue);
	free(it->action);
	memset(it, 0, sizeof *it);
}

enum pt_err pt_app_run_improvement_measure(const struct pt_caller *c, struct pt_db *db,
					   long long id, long long item_id, const char *site_id,
					   const char *measure_id, struct pt_diag *d)
{
	struct pt_db_run_improvement item;
	struct pt_db_improvement_link l;
	char detail[256], rid[32];
	enum pt_err err;
	int ex;
	memset(&item, 0, sizeof item);
	if (!c || !db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no caller or database");
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = item_check(c, db, id, item_id, 0, &item, d)) != PT_OK ||
	    (err = site_check(c, db, site_id, d)) != PT_OK)
		goto out;
	if (!measure_id || !pt_id_valid(measure_id) ||
	    (ex = pt_db_measure_exists(db, measure_id, d)) == 0) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "measure", "unknown measure %s",
				  measure_id ? measure_id : "");
		goto out;
	}
	if (ex < 0) {
		err = PT_EDB;
		goto out;
	}
	link_fill(c, id, item_id, "measure", &l);
	pt_strlcpy(l.site_id, site_id, sizeof l.site_id);
	pt_strlcpy(l.measure_id, measure_id, sizeof l.measure_id);
	if ((err = pt_db_improvement_link_add(db, &l, d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail, "item %lld -> measure %s at site %s", item_id, measure_id,
		 site_id);
	err = pt_app_run_audit(db, id, "run.improvement.measure", detail, d);
out:
	item_clear(&item);
	err = pt_db_end(db, err, d);
	snprintf(rid, sizeof rid, "%lld", id);
	return pt_app_run_refused(c, db, "run.improvement.measure", rid, err, d);
}

enum pt_err pt_app_run_improvement_register(const struct pt_caller *c, struct pt_db *db,
					    long long id, long long item_id, const char *site_id,
					    const char *threat_id, struct pt_diag *d)
{
	struct pt_db_run_improvement item;
	struct pt_db_improvement_link l;
	struct pt_register_entry cur, out_entry;
	struct pt_register_change change;
	char note[PT_NOTE_MAX], add[PT_NOTE_MAX], tail[256], detail[256], rid[32];
	long long responsible_id = 0;
	size_t room, head;
	enum pt_err err;
	int exists = 0;
	memset(&item, 0, sizeof item);
	if (!c || !db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no caller or database");
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = item_check(c, db, id, item_id, 0, &item, d)) != PT_OK)
		goto out;
	if (!site_id || !*site_id) {
		site_id = item.risk_site;
		threat_id = item.risk_threat;
	}
	if (!site_id[0] || !threat_id || !threat_id[0]) {
		err = pt_diag_set(d, PT_EINVAL, 0, "site",
				  "name the register risk (site and threat): item %lld names none",
				  item_id);
		goto out;
	}
	if ((err = site_check(c, db, site_id, d)) != PT_OK)
		goto out;
	if (!pt_id_valid(threat_id)) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "threat", "unknown threat %s", threat_id);
		goto out;
	}
	if ((err = pt_db_register_get(db, site_id, threat_id, &cur, &responsible_id, &exists, d)) !=
	    PT_OK)
		goto out;
	/* the risk's note, then "From exercise run N, item M: ACTION (responsible R, due D)" */
	snprintf(tail, sizeof tail, " (responsible %s%s%s)", item.responsible,
		 item.due[0] ? ", due " : "", item.due);
	head = (size_t)snprintf(add, sizeof add, "%s %lld, item %lld: ", PT_APP_LINK_NOTE_PREFIX, id,
				item_id);
	room = sizeof note - 1;
	if (exists && cur.note[0])
		room = room > strlen(cur.note) + 1 ? room - strlen(cur.note) - 1 : 0;
	if (room < head + strlen(tail) + 8) {
		err = pt_diag_set(d, PT_ELIMIT, 0, "note",
				  "the note of %s / %s has no room left for item %lld (%d bytes at "
				  "most)",
				  site_id, threat_id, item_id, PT_NOTE_MAX - 1);
		goto out;
	}
	{
		size_t max_action = room - head - strlen(tail);
		size_t len = strlen(item.action);
		if (len > max_action) {
			len = max_action - 3;
			while (len > 0 && ((unsigned char)item.action[len] & 0xC0) == 0x80)
				len--; /* not inside a UTF-8 sequence */
			snprintf(add + head, sizeof add - head, "%.*s...%s", (int)len, item.action,
				 tail);
		} else
			snprintf(add + head, sizeof add - head, "%s%s", item.action, tail);
	}
	note[0] = '\0';
	if (exists && cur.note[0]) {
		pt_strlcpy(note, cur.note, sizeof note);
		pt_strlcat(note, "\n", sizeof note);
	}
	pt_strlcat(note, add, sizeof note);
	memset(&change, 0, sizeof change);
	change.note = note;
	if ((err = pt_app_register_set(c, db, site_id, threat_id, &change, &out_entry, NULL, d)) !=
	    PT_OK) {
		if (err == PT_ENOTFOUND && !strcmp(d->field, "threat_id"))
			pt_strlcpy(d->field, "threat", sizeof d->field);
		else if (err == PT_ENOTFOUND && !strcmp(d->field, "site_id"))
			pt_strlcpy(d->field, "site", sizeof d->field);
		goto out;
	}
	link_fill(c, id, item_id, "register", &l);
	pt_strlcpy(l.site_id, site_id, sizeof l.site_id);
	pt_strlcpy(l.threat_id, threat_id, sizeof l.threat_id);
	if ((err = pt_db_improvement_link_add(db, &l, d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail, "item %lld -> note on register risk %s / %s", item_id,
		 site_id, threat_id);
	err = pt_app_run_audit(db, id, "run.improvement.register", detail, d);
out:
	item_clear(&item);
	err = pt_db_end(db, err, d);
	snprintf(rid, sizeof rid, "%lld", id);
	return pt_app_run_refused(c, db, "run.improvement.register", rid, err, d);
}

enum pt_err pt_app_run_improvement_status(const struct pt_caller *c, struct pt_db *db, long long id,
					  long long item_id, const char *status, struct pt_diag *d)
{
	static const char *const statuses[] = {"open", "in progress", "done", "cancelled", NULL};
	struct pt_db_run_improvement item;
	struct pt_db_improvement_status x;
	char detail[96], rid[32];
	enum pt_err err;
	size_t i;
	memset(&item, 0, sizeof item);
	if (!c || !db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no caller or database");
	for (i = 0; status && statuses[i] && strcmp(statuses[i], status) != 0; i++)
		;
	if (!status || !statuses[i])
		return pt_diag_set(d, PT_EINVAL, 0, "status", "'%.40s' is no status (%s)",
				   status ? status : "", PT_APP_ITEM_STATUSES);
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = item_check(c, db, id, item_id, 1, &item, d)) != PT_OK)
		goto out;
	memset(&x, 0, sizeof x);
	x.run_id = id;
	x.item_id = item_id;
	pt_strlcpy(x.status, status, sizeof x.status);
	x.user_id = c->who.system ? 0 : c->who.user_id;
	pt_strlcpy(x.user_name, pt_app_run_who(c), sizeof x.user_name);
	x.at = pt_app_now(c->now);
	if ((err = pt_db_improvement_status_add(db, &x, d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail, "item %lld: %s", item_id, status);
	err = pt_app_run_audit(db, id, "run.improvement.status", detail, d);
out:
	item_clear(&item);
	err = pt_db_end(db, err, d);
	snprintf(rid, sizeof rid, "%lld", id);
	return pt_app_run_refused(c, db, "run.improvement.status", rid, err, d);
}

/* ---- an improvement item's HSEEP details (pt_app_run_improvement_add) ---- */

int pt_app_date_real(const char *s)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, dd, i;
	if (!s || strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	dd = atoi(s + 8);
	if (y < 1970 || m < 1 || m > 12 || dd < 1)
		return 0;
	return dd <= days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

static enum pt_err date_field(const char *s, const char *field, struct pt_diag *d)
{
	if (!s || !s[0])
		return pt_diag_set(d, PT_EINVAL, 0, field, "the %s date is required (YYYY-MM-DD)",
				   field);
	if (!pt_app_date_real(s))
		return pt_diag_set(d, PT_EINVAL, 0, field, "'%.16s' is not " PT_APP_DATE_WORDS, s);
	return PT_OK;
}

/* The objective and target of target id tg in sc: -1 when none. */
static int target_of(const struct pt_ex_scenario *sc, const char *tg, size_t *obj)
{
	size_t o, t;
	for (o = 0; o < sc->n_objectives; o++)
		for (t = 0; t < sc->objectives[o].n_targets; t++)
			if (strcmp(sc->objectives[o].targets[t].id, tg) == 0) {
				*obj = o;
				return (int)t;
			}
	return -1;
}

enum pt_err pt_app_run_item_plan_check(struct pt_db *db, const struct pt_app_run_loaded *L,
				       const struct pt_app_run_improvement_opts *o,
				       struct pt_db_improvement_plan *out, struct pt_diag *d)
{
	const struct pt_ex_scenario *sc = L->sc;
	const char *objective = o->objective ? o->objective : "";
	const char *target = o->target ? o->target : "";
	size_t k, obj = 0;
	enum pt_err err;
	memset(out, 0, sizeof *out);
	out->run_id = L->row.id;
	if ((err = date_field(o->start, "start", d)) != PT_OK ||
	    (err = date_field(o->due, "due", d)) != PT_OK)
		return err;
	if (strcmp(o->due, o->start) < 0)
		return pt_diag_set(d, PT_EINVAL, 0, "due", "the due date %s is before the start date %s",
				   o->due, o->start);
	if (o->analysis && strlen(o->analysis) >= sizeof out->analysis)
		return pt_diag_set(d, PT_EINVAL, 0, "analysis", "at most %zu bytes",
				   sizeof out->analysis - 1);
	if (o->poc && strlen(o->poc) >= PT_APP_RUN_NAME_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "poc", "at most %d bytes", PT_APP_RUN_NAME_MAX - 1);
	for (k = 0; o->poc && o->poc[k]; k++)
		if ((unsigned char)o->poc[k] < 0x20 || o->poc[k] == 0x7f)
			return pt_diag_set(d, PT_EINVAL, 0, "poc",
					   "the point of contact is one line: no tab, new line or "
					   "control character");
	if (o->afi < 0 || (!o->afi && !objective[0] && !target[0]))
		return pt_diag_set(d, PT_EINVAL, 0, "afi",
				   "link the item to the area for improvement it answers (an "
				   "observation of kind improvement) or to an objective or target");
	if (o->afi) {
		struct pt_db_run_entry *e = NULL;
		size_t n = 0;
		if ((err = pt_db_run_entries(db, L->row.id, "improvement", &e, &n, d)) != PT_OK)
			return err;
		for (k = 0; k < n && e[k].id != o->afi; k++)
			;
		if (k == n) {
			pt_db_run_entries_free(e, n);
			return pt_diag_set(d, PT_ENOTFOUND, 0, "afi",
					   "run %lld has no area for improvement %lld", L->row.id,
					   o->afi);
		}
		if (!target[0])
			pt_strlcpy(out->target, e[k].target, sizeof out->target);
		pt_db_run_entries_free(e, n);
		out->afi = o->afi;
	}
	if (target[0])
		pt_strlcpy(out->target, target, sizeof out->target);
	if (out->target[0]) {
		if (target_of(sc, out->target, &obj) < 0)
			return pt_diag_set(d, PT_ENOTFOUND, 0, "target",
					   "the scenario has no capability target '%.63s'", out->target);
		if (objective[0] && strcmp(objective, sc->objectives[obj].id) != 0)
			return pt_diag_set(d, PT_EINVAL, 0, "target",
					   "target '%.63s' is of objective '%.63s', not '%.63s'",
					   out->target, sc->objectives[obj].id, objective);
		pt_strlcpy(out->objective, sc->objectives[obj].id, sizeof out->objective);
	} else if (objective[0]) {
		for (k = 0; k < sc->n_objectives && strcmp(sc->objectives[k].id, objective); k++)
			;
		if (k == sc->n_objectives)
			return pt_diag_set(d, PT_ENOTFOUND, 0, "objective",
					   "the scenario has no objective '%.63s'", objective);
		pt_strlcpy(out->objective, objective, sizeof out->objective);
	}
	pt_strlcpy(out->analysis, o->analysis ? o->analysis : "", sizeof out->analysis);
	pt_strlcpy(out->poc, o->poc ? o->poc : "", sizeof out->poc);
	pt_strlcpy(out->start, o->start, sizeof out->start);
	return PT_OK;
}

enum pt_err pt_app_run_items_plan(struct pt_db *db, long long run_id,
				  struct pt_app_run_improvement *items, size_t n, struct pt_diag *d)
{
	struct pt_db_improvement_plan *plans = NULL;
	size_t n_plans = 0, i, k;
	enum pt_err err;
	if (!n)
		return PT_OK;
	if ((err = pt_db_improvement_plans(db, run_id, &plans, &n_plans, d)) != PT_OK)
		return err;
	for (i = 0; i < n && err == PT_OK; i++) {
		for (k = 0; k < n_plans && plans[k].item_id != items[i].id; k++)
			;
		if (k == n_plans)
			continue;
		items[i].afi = plans[k].afi;
		pt_strlcpy(items[i].objective, plans[k].objective, sizeof items[i].objective);
		pt_strlcpy(items[i].target, plans[k].target, sizeof items[i].target);
		pt_strlcpy(items[i].poc, plans[k].poc, sizeof items[i].poc);
		pt_strlcpy(items[i].start, plans[k].start, sizeof items[i].start);
		if (!(items[i].analysis = strdup(plans[k].analysis)))
			err = nomem(d);
	}
	free(plans);
	return err;
}
