/* pt_app_plan_saved.c - saving a plan (its summary, JSON, funded sites and
 * proposed measures) and reading saved plans as each caller may see them. */
#include "pt_app_plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_marking.h"
#include "../formats/pt_csv.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_filter_io.h"
#include "../formats/pt_plan_saved_io.h"
#include "../store/pt_audit.h"
#include "../store/pt_measures_store.h"
#include "../store/pt_plans_store.h"
#include "../store/pt_ranking.h"
#include "../store/pt_store.h"
#include "pt_app_plan_int.h"
#include "pt_app_audit.h"

#define PLAN_JSON_MAX (256L * 1024 * 1024) /* a saved plan's JSON, bytes */

/* Propose measure_id at site_id under plan (issue 11, item 7: no longer committed for good). */
static enum pt_err propose_measure(struct pt_db *db, const char *site_id, const char *measure_id,
				   const char *plan, const char *now, const char *actor,
				   size_t *added, struct pt_diag *d)
{
	enum pt_err err;
	int is_new;
	if ((err = pt_db_site_measure_propose(db, site_id, measure_id, plan, now, actor, &is_new,
					      d)) != PT_OK)
		return err;
	if (is_new)
		(*added)++; /* else in place or in a state of another plan: kept */
	return PT_OK;
}

/*
 * The one organisation owning every site run considered (its region within
 * its author's view, funded or not) into org (org_size bytes), or "" when
 * they are owned by several (or one has no owner, or there are none): a
 * plan is made for one organisation by what it looks at, not by where its
 * money lands (review m9).
 */
static void scope_org(const struct pt_plan_run *run, char *org, size_t org_size)
{
	size_t i;
	org[0] = '\0';
	for (i = 0; i < run->ranking->sites.n; i++) {
		const char *owner = run->ranking->sites.items[i].owner;
		if (!owner[0] || (i > 0 && strcmp(org, owner) != 0)) {
			org[0] = '\0';
			return;
		}
		if (i == 0)
			pt_strlcpy(org, owner, org_size);
	}
}

/* The funded sites of run with their figures. *out: free(). */
static enum pt_err site_lines(const struct pt_plan_run *run, struct pt_plan_site_line **out,
			      size_t *n, struct pt_diag *d)
{
	const struct pt_plan_model *m = run->model;
	struct pt_plan_site_line *l;
	size_t i, k = 0;
	*out = NULL;
	*n = 0;
	l = calloc(m->n_sites ? m->n_sites : 1, sizeof *l);
	if (!l)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; i < m->n_sites && i < run->result.n_sites; i++) {
		const struct pt_plan_option *op;
		if (!run->result.choice[i] || run->result.choice[i] >= m->sites[i].n_options)
			continue;
		op = &m->options[m->sites[i].first_option + run->result.choice[i]];
		pt_strlcpy(l[k].site_id, run->ranking->sites.items[i].id, sizeof l[k].site_id);
		l[k].cost_eur = op->cost_eur;
		l[k].risk_reduction_eur = op->benefit_eur;
		l[k].measures = (long long)op->n_measures;
		k++;
	}
	*out = l;
	*n = k;
	return PT_OK;
}

#define AUTHOR_VIEW_KEY "author_view" /* kept in the stored JSON, never shown */

/*
 * Keep in the plan's JSON the ids of every site its author may read now
 * (c's view of its snapshot): the figures over the author's whole view are
 * then shown only to readers who may read all of these (reader_covers), even
 * after labels change.
 */
static enum pt_err add_author_view(const struct pt_caller *c, struct pt_db *db, json_t *plan,
				   struct pt_diag *d)
{
	struct pt_snapshot *snap = pt_app_snapshot(c, db, d);
	unsigned char *bits = NULL;
	json_t *ids = NULL;
	enum pt_err err = PT_OK;
	size_t i;
	if (!snap)
		return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
	if (!(bits = calloc(snap->sites.n ? snap->sites.n : 1, 1)) || !(ids = json_array())) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	pt_app_view_bits(c, snap, 0, bits);
	for (i = 0; i < snap->sites.n; i++)
		if ((bits[i] & 1) && json_array_append_new(ids, json_string(snap->sites.items[i].id))) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto out;
		}
	if (json_object_set_new(plan, AUTHOR_VIEW_KEY, ids))
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	ids = NULL;
out:
	json_decref(ids);
	free(bits);
	pt_snapshot_release(snap);
	return err;
}

/* Save run under name (checked by the caller) as c, in one transaction; *p_out: the summary stored. */
static enum pt_err save_run(const struct pt_caller *c, struct pt_db *db, const char *name,
			    const struct pt_plan_run *run, const struct pt_site_filter *scope,
			    struct pt_saved_plan *p_out, struct pt_diag *d)
{
	struct pt_plan_view v;
	struct pt_saved_plan p;
	struct pt_plan_site_line *lines = NULL;
	const char **funded = NULL;
	const struct pt_plan_model *m;
	json_t *j;
	char *json = NULL, now[PT_TIMESTAMP_MAX], detail[256];
	const char *actor;
	enum pt_err err;
	size_t i, k, added = 0, n_lines = 0;
	int taken;

	if (!run->model || !run->ranking)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no plan");
	m = run->model;
	pt_app_plan_view(run, name, &v);
	v.omit_withheld = 0; /* stored whole; readers see what they may */
	j = pt_plan_to_json(&v);
	if (j && (err = add_author_view(c, db, j, d)) != PT_OK) {
		json_decref(j);
		return err;
	}
	/* issue 16 item 1: the plan's scope as it was applied ("mine" resolved in owner_ids) */
	if (j && json_object_set_new(j, "filter", pt_site_filter_json(scope))) {
		json_decref(j);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	if (j)
		json = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	if (!json)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory writing the plan as JSON");
	if (strlen(json) > (size_t)PLAN_JSON_MAX) {
		free(json);
		return pt_diag_set(d, PT_ELIMIT, 0, "", "the plan's JSON is larger than %ld bytes",
				   PLAN_JSON_MAX);
	}
	if ((err = site_lines(run, &lines, &n_lines, d)) != PT_OK) {
		free(json);
		return err;
	}
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK) {
		free(json);
		free(lines);
		return err;
	}
	pt_app_stamp(db, now, &actor);
	if ((taken = pt_db_plan_exists(db, name, d)) != 0) {
		err = taken < 0 ? PT_EDB
				: pt_diag_set(d, PT_ECONFLICT, 0, "name", "a plan named %s exists", name);
		goto out;
	}
	memset(&p, 0, sizeof p);
	pt_strlcpy(p.name, name, sizeof p.name);
	pt_strlcpy(p.created_at, now, sizeof p.created_at);
	pt_strlcpy(p.created_by, actor, sizeof p.created_by);
	pt_strlcpy(p.solver, pt_plan_solver_name(run->result.solver), sizeof p.solver);
	pt_strlcpy(p.region, run->region, sizeof p.region);
	/* issue 11 item 6: the level the plan was priced at (the planning level) */
	pt_strlcpy(p.threat_level, pt_threat_level_name(pt_config_planning_level(&run->ranking->cfg)),
		   sizeof p.threat_level);
	p.budget_eur = run->result.budget_eur;
	p.cost_eur = run->result.cost_eur;
	p.risk_reduction_eur = run->result.risk_reduction_eur;
	p.gap = isfinite(run->result.gap) ? run->result.gap : 0; /* as stored */
	p.sites_funded = (long long)run->result.sites_funded;
	p.measures = (long long)run->result.measures_chosen;
	pt_strlcpy(p.state, "proposed", sizeof p.state);
	scope_org(run, p.scope_org, sizeof p.scope_org);
	if ((err = pt_db_plan_add(db, &p, json, lines, n_lines, d)) != PT_OK)
		goto out;
	for (i = 0; i < m->n_sites && i < run->result.n_sites; i++) {
		const struct pt_plan_site_model *sm = &m->sites[i];
		const struct pt_plan_option *op;
		size_t ch = run->result.choice[i];
		if (ch == 0 || ch >= sm->n_options)
			continue;
		op = &m->options[sm->first_option + ch];
		for (k = 0; k < op->n_measures; k++) {
			uint32_t mi = m->option_measures[op->first_measure + k];
			if (mi >= run->measures.n) {
				err = pt_diag_set(d, PT_EINTERNAL, 0, "", "plan names measure %u of %zu",
						  (unsigned)mi, run->measures.n);
				goto out;
			}
			if ((err = propose_measure(db, run->ranking->sites.items[i].id,
						  run->measures.items[mi].id, name, now, actor, &added,
						  d)) != PT_OK)
				goto out;
		}
	}
	snprintf(detail, sizeof detail,
		 "budget %.0f EUR, cost %.0f EUR, %zu measures proposed at %zu sites", run->result.budget_eur,
		 run->result.cost_eur, added, run->result.sites_funded);
	/* The entry covers the funded sites: its detail (the cost, the measures) is shown
	 * only to those who may read them all (docs/access.md, The audit log). */
	if (!(funded = malloc((n_lines ? n_lines : 1) * sizeof *funded))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < n_lines; i++)
		funded[i] = lines[i].site_id;
	if ((err = pt_audit_append_records(db, "plan.save", "plans", name, detail, "sites", funded,
					   n_lines, d)) == PT_OK) {
		p.by_status[PT_SM_PROPOSED] = (long long)added; /* the rows it added (review m6) */
		*p_out = p;
	}
out:
	free(funded);
	free(json);
	free(lines);
	return pt_db_end(db, err, d);
}

void pt_plan_saved_clear(struct pt_plan_saved *s)
{
	pt_plan_run_free(s->run);
	memset(s, 0, sizeof *s);
}

enum pt_err pt_app_plan_save(const struct pt_caller *c, struct pt_db *db, const char *name,
			     const struct pt_plan_opts *o, struct pt_plan_saved *out,
			     struct pt_diag *d)
{
	enum pt_err err;
	memset(out, 0, sizeof *out);
	if (!c || !db || !o)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no options");
	/* refused before anything is computed */
	if (pt_access_plan_save_any(&c->who) != PT_ACCESS_OK)
		return pt_app_refused(c, db, "plan.save", "plans", "",
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "",
						  "only government admins and coordinators, and an "
						  "organisation's operators and admins for their own "
						  "organisation, save plans"),
				      d);
	if (!name || !pt_id_valid(name) || strlen(name) >= PT_PLAN_NAME_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "name",
				   "a plan's name is 1 to 63 letters, digits, '-', '_' or '.'");
	if ((err = pt_app_plan_run(c, db, o, &out->run, d)) != PT_OK) {
		pt_plan_saved_clear(out);
		return err;
	}
	/* issue 16 item 1: the scope (the filter, checked by the run: "mine" resolved) decides
	 * for an organisation's own planners: their organisation alone, nothing wider */
	if (pt_access_plan_save(&c->who, o->filter ? o->filter->owner_ids : NULL,
				o->filter ? o->filter->n[PT_FILTER_OWNER] : 0) != PT_ACCESS_OK) {
		pt_plan_saved_clear(out);
		return pt_app_refused(c, db, "plan.save", "plans", name,
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "filter",
						  "an organisation's operators and admins save plans "
						  "only for their own organisation: the filter's owner "
						  "must be it alone (\"mine\"); a wider plan is saved "
						  "by a government coordinator or admin"),
				      d);
	}
	if ((err = save_run(c, db, name, out->run, o->filter, &out->seen.plan, d)) != PT_OK) {
		pt_plan_saved_clear(out);
		return err;
	}
	/* The run covered only sites c may read, so c reads every funded site. */
	out->seen.partial = 0;
	out->seen.hidden_sites = 0;
	out->show_hidden = pt_access_hidden_counts(&c->who) == PT_ACCESS_OK;
	return PT_OK;
}

/* ---- reading saved plans ------------------------------------------------- */

/* Which funded sites the caller may read, from its snapshot; the kept ones noted in log. */
struct keep_ctx {
	const struct pt_caller *c;
	struct pt_snapshot *snap;
	struct pt_read_log *log;
	enum pt_tlp tlp; /* the marking: the highest label of the sites the reader is shown */
};

/*
 * Nonzero when k's caller may read every site the author of a saved plan
 * (its created_by) may read today: then the plan's figures over the author's
 * whole view (risk before and after, the bound, the gap, the rejections by
 * rule, the sites outside the region or not assessed) tell it nothing hidden.
 * Government coordinators are told them anyway (pt_access_hidden_counts). An
 * author no longer known is judged as the system administrator (sees all).
 */
static int reader_covers_author(struct pt_db *db, const struct keep_ctx *k, const char *author)
{
	struct pt_principal who;
	struct pt_user u;
	if (pt_access_hidden_counts(&k->c->who) == PT_ACCESS_OK)
		return 1;
	if (author && strcmp(author, PT_ACTOR_SYSTEM) != 0 &&
	    pt_db_user_get(db, author, &u, NULL) == PT_OK)
		pt_user_principal(&u, &who);
	else
		pt_principal_system(&who);
	return pt_snapshot_view_covers(k->snap, &k->c->who, &who);
}

/*
 * 1 when k's caller may read today every site of view (the ids its author
 * could read when it saved the plan; a site since deleted counts as not
 * readable), or is told hidden counts anyway; 0 when not; -1 when the plan
 * kept no view.
 */
static int reader_covers_view(const struct keep_ctx *k, const json_t *view)
{
	size_t i;
	if (!json_is_array(view))
		return -1;
	if (pt_access_hidden_counts(&k->c->who) == PT_ACCESS_OK)
		return 1;
	for (i = 0; i < json_array_size(view); i++) {
		const char *id = json_string_value(json_array_get(view, i));
		long at = id ? pt_snapshot_find(k->snap, id) : -1;
		struct pt_access_record rec;
		if (at < 0)
			return 0;
		pt_snapshot_record(k->snap, (size_t)at, &rec);
		if (pt_access_read(&k->c->who, &rec) != PT_ACCESS_OK)
			return 0;
	}
	return 1;
}

static int keep_site(void *ctx, const char *site_id)
{
	struct keep_ctx *k = ctx;
	struct pt_access_record rec;
	long i = site_id ? pt_snapshot_find(k->snap, site_id) : -1;
	if (i < 0)
		return 0;
	pt_snapshot_record(k->snap, (size_t)i, &rec);
	if (pt_access_read(&k->c->who, &rec) != PT_ACCESS_OK)
		return 0;
	pt_read_log_note(k->log, &k->snap->sites.items[i]);
	k->tlp = pt_marking_max(k->tlp, k->snap->sites.items[i].tlp);
	return 1;
}

/* The marking of the author's view (ids) as far as k's caller reads it into k->tlp. */
static void mark_view(struct keep_ctx *k, const json_t *view)
{
	size_t i;
	for (i = 0; i < json_array_size(view); i++) {
		const char *id = json_string_value(json_array_get(view, i));
		long at = id ? pt_snapshot_find(k->snap, id) : -1;
		struct pt_access_record rec;
		if (at < 0)
			continue;
		pt_snapshot_record(k->snap, (size_t)at, &rec);
		if (pt_access_read(&k->c->who, &rec) == PT_ACCESS_OK)
			k->tlp = pt_marking_max(k->tlp, k->snap->sites.items[at].tlp);
	}
}

/*
 * Count plan p's measures by state into p->by_status, at the sites k's
 * caller may read (review m6: the plan's state says where its measures are).
 */
static enum pt_err count_states(struct pt_db *db, const struct keep_ctx *k,
				struct pt_saved_plan *p, struct pt_diag *d)
{
	struct pt_site_measure_row *rows = NULL;
	size_t n = 0, i;
	enum pt_err err;
	memset(p->by_status, 0, sizeof p->by_status);
	if ((err = pt_db_plan_measures(db, p->name, &rows, &n, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		struct pt_access_record rec;
		long at = pt_snapshot_find(k->snap, rows[i].site_id);
		if (at < 0 || (unsigned)rows[i].status >= PT_SM_COUNT)
			continue;
		pt_snapshot_record(k->snap, (size_t)at, &rec);
		if (pt_access_read(&k->c->who, &rec) == PT_ACCESS_OK)
			p->by_status[rows[i].status]++;
	}
	free(rows);
	return PT_OK;
}

void pt_saved_plan_read_clear(struct pt_saved_plan_read *r)
{
	free(r->text);
	json_decref(r->plan);
	memset(r, 0, sizeof *r);
}

/* issue 16 item 1: in a saved plan's scope (its "filter" object), keep of its regions and
 * owners only those the reader k may know (the regions and owners of the sites it may read,
 * its own organisation), as a filter's 400 judges them; "partial": true when any is left out. */
static enum pt_err scope_for_reader(const struct keep_ctx *k, json_t *scope)
{
	json_t *regions = json_object_get(scope, "region"), *owners = json_object_get(scope, "owner"),
	       *ids = json_object_get(scope, "owner_ids");
	unsigned char *visible;
	size_t i, j, dropped = 0;
	if (!(visible = malloc(k->snap->sites.n ? k->snap->sites.n : 1)))
		return PT_ENOMEM;
	pt_snapshot_visible(k->snap, &k->c->who, visible);
	for (i = json_array_size(regions); i-- > 0;) {
		const char *v = json_string_value(json_array_get(regions, i));
		for (j = 0; v && j < k->snap->sites.n; j++)
			if (visible[j] && strcmp(k->snap->sites.items[j].region, v) == 0)
				break;
		if (!v || j == k->snap->sites.n) {
			json_array_remove(regions, i);
			dropped++;
		}
	}
	for (i = json_array_size(ids); i-- > 0;) {
		json_int_t id = json_integer_value(json_array_get(ids, i));
		int known = id > 0 && id == k->c->who.org_id;
		for (j = 0; !known && j < k->snap->sites.n; j++) {
			struct pt_access_record rec;
			if (!visible[j])
				continue;
			pt_snapshot_record(k->snap, j, &rec);
			known = rec.owner_org_id == id;
		}
		if (!known) { /* owner and owner_ids are parallel */
			json_array_remove(ids, i);
			json_array_remove(owners, i);
			dropped++;
		}
	}
	free(visible);
	if (regions && !json_array_size(regions))
		json_object_del(scope, "region");
	if (owners && !json_array_size(owners)) {
		json_object_del(scope, "owner");
		json_object_del(scope, "owner_ids");
	}
	if (dropped && json_object_set_new(scope, "partial", json_true()))
		return PT_ENOMEM;
	return PT_OK;
}

/* The plan text as keep lets the caller see it, into out (plan and seen). */
static enum pt_err read_for(struct pt_db *db, struct keep_ctx *k, const struct pt_saved_plan *p,
			    const char *text, struct pt_saved_plan_read *out, struct pt_diag *d)
{
	json_error_t je;
	size_t hidden = 0;
	int covers;
	json_t *j = json_loads(text ? text : "", JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(j)) {
		json_decref(j);
		return pt_diag_set(d, PT_EDB, 0, "", "the stored plan %s cannot be read", p->name);
	}
	covers = reader_covers_view(k, json_object_get(j, AUTHOR_VIEW_KEY));
	if (covers < 0) /* saved before the author's view was kept: judged by today's */
		covers = reader_covers_author(db, k, p->created_by);
	k->tlp = PT_TLP_CLEAR;
	if (covers > 0) /* the figures over the author's view are the reader's to see */
		mark_view(k, json_object_get(j, AUTHOR_VIEW_KEY));
	json_object_del(j, AUTHOR_VIEW_KEY);
	if (!(j = pt_plan_json_keep(j, keep_site, k, !covers, &hidden)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	/* the marking of what this reader is shown (the stored one was the author's) */
	json_object_set_new(j, "tlp", json_string(pt_marking_label(k->tlp)));
	{ /* issue 16 item 1: the scope; {} for plans saved before; its regions and owners only
	   * to readers who may read all its author could (they may name hidden sites' regions) */
		json_t *scope = json_object_get(j, "filter");
		if (!json_is_object(scope))
			json_object_set_new(j, "filter", json_object());
		else if (!covers && scope_for_reader(k, scope) != PT_OK)
			return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	out->seen.plan = *p;
	out->seen.hidden_sites = (long long)hidden;
	out->seen.partial = hidden > 0 || !covers;
	if (out->seen.partial)
		pt_plan_json_totals(j, &out->seen.plan);
	out->show_hidden = pt_access_hidden_counts(&k->c->who) == PT_ACCESS_OK;
	if (out->show_hidden)
		json_object_set_new(j, "hidden_sites", json_integer((json_int_t)hidden));
	else
		json_object_del(j, "withheld");
	out->plan = j;
	return PT_OK;
}

/* Issue 11 review m2: a saved plan's JSON (out->plan and out->text) carries
 * planning_level_now, and priced_at says "priced at X, planning level now Y"
 * when the planning level has changed since it was saved. */
static int set_level_now(json_t *j, const struct pt_saved_plan_read *out, const char *priced)
{
	int bad = json_object_set_new(j, "planning_level_now", json_string(out->planning_now));
	if (strcmp(out->seen.plan.threat_level, out->planning_now) != 0)
		bad |= json_object_set_new(j, "priced_at", json_string(priced));
	return bad;
}

static enum pt_err level_now(struct pt_saved_plan_read *out, struct pt_diag *d)
{
	char priced[sizeof out->seen.plan.threat_level + sizeof out->planning_now + 64];
	json_t *t;
	char *text;
	pt_saved_plan_priced(out, priced, sizeof priced);
	if (!out->planning_now[0])
		return PT_OK;
	if (set_level_now(out->plan, out, priced))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	t = json_loads(out->text ? out->text : "", 0, NULL);
	if (!json_is_object(t) || set_level_now(t, out, priced) ||
	    !(text = json_dumps(t, JSON_INDENT(2)))) {
		json_decref(t);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	json_decref(t);
	free(out->text);
	out->text = text;
	return PT_OK;
}

enum pt_err pt_app_plan_get(const struct pt_caller *c, struct pt_db *db, const char *name,
			    const char *read_action, struct pt_saved_plan_read *out,
			    struct pt_diag *d)
{
	struct pt_read_log log;
	struct keep_ctx k;
	struct pt_saved_plan p;
	enum pt_err err;
	memset(out, 0, sizeof *out);
	memset(&log, 0, sizeof log);
	if (!c || !db || !name)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no name");
	k.c = c;
	k.log = &log;
	if (!(k.snap = pt_app_snapshot(c, db, d)))
		return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
	{ /* issue 11 item 6: the planning level now, beside the level the plan was priced at */
		struct pt_config cfg;
		pt_config_defaults(&cfg);
		if ((err = pt_db_config_load(db, &cfg, d)) != PT_OK) {
			pt_snapshot_release(k.snap);
			return err;
		}
		pt_strlcpy(out->planning_now, pt_threat_level_name(pt_config_planning_level(&cfg)),
			   sizeof out->planning_now);
	}
	if ((err = pt_db_plan_get(db, name, &p, &out->text, d)) == PT_OK &&
	    (err = read_for(db, &k, &p, out->text, out, d)) == PT_OK &&
	    (err = count_states(db, &k, &out->seen.plan, d)) == PT_OK &&
	    (err = level_now(out, d)) == PT_OK && read_action)
		err = pt_read_log_commit(c, db, read_action, &log, d);
	pt_read_log_clear(&log); /* what an error left noted */
	pt_snapshot_release(k.snap);
	if (err != PT_OK)
		pt_saved_plan_read_clear(out);
	return err;
}

void pt_saved_plans_clear(struct pt_saved_plans *l)
{
	free(l->items);
	memset(l, 0, sizeof *l);
}

/*
 * Plan p as k's caller sees it from its funded sites' rows, without
 * reading its JSON. 1 done; 0 when the plan has no rows though it funds
 * sites (the caller reads the JSON).
 */
static int seen_from_rows(struct pt_db *db, struct keep_ctx *k, const struct pt_saved_plan *p,
			  struct pt_saved_plan_seen *s, enum pt_err *err, struct pt_diag *d)
{
	struct pt_plan_site_line *lines = NULL;
	size_t n = 0, i;
	double cost = 0, red = 0;
	long long funded = 0, measures = 0, hidden = 0;
	if ((*err = pt_db_plan_site_lines(db, p->name, &lines, &n, d)) != PT_OK)
		return 1;
	if (!n && p->sites_funded > 0) {
		free(lines);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (!keep_site(k, lines[i].site_id)) {
			hidden++;
			continue;
		}
		funded++;
		cost += lines[i].cost_eur;
		red += lines[i].risk_reduction_eur;
		measures += lines[i].measures;
	}
	free(lines);
	s->plan = *p;
	s->hidden_sites = hidden;
	/* The list reads no JSON, so not the author's kept view: its gap, a figure over that
	 * whole view, is shown to those told hidden counts only. */
	s->partial = hidden > 0 || pt_access_hidden_counts(&k->c->who) != PT_ACCESS_OK;
	if (hidden) {
		s->plan.cost_eur = cost;
		s->plan.risk_reduction_eur = red;
		s->plan.sites_funded = funded;
		s->plan.measures = measures;
	}
	return 1;
}

enum pt_err pt_app_plans_list(const struct pt_caller *c, struct pt_db *db, size_t offset,
			      size_t limit, struct pt_saved_plans *out, struct pt_diag *d)
{
	struct pt_saved_plan *plans = NULL;
	struct pt_read_log log;
	struct keep_ctx k;
	enum pt_err err;
	size_t n = 0, i;
	memset(out, 0, sizeof *out);
	memset(&log, 0, sizeof log);
	if (!c || !db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	k.c = c;
	k.log = &log;
	if (!(k.snap = pt_app_snapshot(c, db, d)))
		return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
	if ((err = pt_db_plans_list(db, &plans, &n, d)) != PT_OK)
		goto out;
	out->total = n;
	out->show_hidden = pt_access_hidden_counts(&c->who) == PT_ACCESS_OK;
	out->items = calloc(n > offset ? (n - offset < limit ? n - offset : limit) + 1 : 1,
			    sizeof *out->items);
	if (!out->items) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = offset; i < n && out->n < limit; i++) {
		struct pt_saved_plan_seen *s = &out->items[out->n];
		if (!seen_from_rows(db, &k, &plans[i], s, &err, d)) {
			struct pt_saved_plan_read r;
			char *text = NULL;
			struct pt_saved_plan p;
			memset(&r, 0, sizeof r);
			if ((err = pt_db_plan_get(db, plans[i].name, &p, &text, d)) == PT_OK)
				err = read_for(db, &k, &p, text, &r, d);
			free(text);
			*s = r.seen;
			pt_saved_plan_read_clear(&r);
		}
		if (err != PT_OK || (err = count_states(db, &k, &s->plan, d)) != PT_OK)
			goto out;
		out->n++;
	}
	err = pt_read_log_commit(c, db, "plans.read", &log, d);
out:
	pt_read_log_clear(&log);
	free(plans);
	pt_snapshot_release(k.snap);
	if (err != PT_OK)
		pt_saved_plans_clear(out);
	return err;
}
