/* pt_app_measure_states.c - the state machine of a measure a saved plan
 * proposed at a site (approve, accept, decline, install, verify) and withdrawing a plan. */
#include "pt_app_measures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../formats/pt_diag.h"
#include "../store/pt_access_store.h"
#include "../store/pt_audit.h"
#include "../store/pt_db.h"
#include "../store/pt_measures_store.h"
#include "../store/pt_plans_store.h"
#include "../store/pt_register_store.h"
#include "../store/pt_site_store.h"
#include "../store/pt_user_store.h"
#include "pt_app_audit.h"
#include "pt_app_plan_int.h"

/* The id of user name (0: the system administrator, or no longer known). */
static long long user_id_of(struct pt_db *db, const char *name)
{
	struct pt_user u;
	if (!name || !*name || strcmp(name, PT_ACTOR_SYSTEM) == 0 ||
	    pt_db_user_get(db, name, &u, NULL) != PT_OK)
		return 0;
	return u.id;
}

/* ---- separation of duties (review H1) ---- */

enum pt_err pt_app_maker_chain(struct pt_db *db, long long id, long long *list, struct pt_diag *d)
{
	long long got[PT_DUTY_CHAIN];
	size_t n = 0, k, g, ng;
	enum pt_err err;
	for (k = 0; k < PT_DUTY_CHAIN; k++)
		list[k] = 0;
	for (k = 0; id > 0 && k <= n && n < PT_DUTY_CHAIN; k++) {
		long long of = k == 0 ? id : list[k - 1];
		if ((err = pt_db_user_maker_ids(db, of, got, PT_DUTY_CHAIN, &ng, d)) != PT_OK)
			return err;
		for (g = 0; g < ng && n < PT_DUTY_CHAIN; g++) {
			size_t j;
			for (j = 0; j < n && list[j] != got[g]; j++)
				;
			if (j == n && got[g] != id)
				list[n++] = got[g];
		}
	}
	return PT_OK;
}

/* Fill the separation-of-duties part of *a (its proposer and installer set
 * already) for caller c and measure row: who took each step since it was
 * proposed and the makers pt_access_measure_duty compares. */
static enum pt_err duties_fill(struct pt_db *db, const struct pt_caller *c,
			       const struct pt_site_measure_row *row, struct pt_measure_actors *a,
			       struct pt_diag *d)
{
	struct pt_site_measure_step_actors by;
	enum pt_err err;
	if ((err = pt_db_site_measure_actors(db, row->site_id, row->measure_id, &by, d)) != PT_OK)
		return err;
	for (unsigned k = 0; k < PT_STEP_COUNT; k++)
		a->step_users[k] = user_id_of(db, by.by[k]);
	if ((err = pt_app_maker_chain(db, c->who.system ? 0 : c->who.user_id, a->caller_makers, d)) !=
		    PT_OK ||
	    (err = pt_app_maker_chain(db, a->proposer_user_id, a->proposer_makers, d)) != PT_OK ||
	    (err = pt_app_maker_chain(db, a->step_users[PT_STEP_APPROVE], a->approver_makers, d)) != PT_OK)
		return err;
	return pt_app_maker_chain(db,
			  a->step_users[PT_STEP_INSTALL] > 0 ? a->step_users[PT_STEP_INSTALL]
							     : a->installer_user_id,
			  a->installer_makers, d);
}

/* *a without what the separation of duties compares: the role rules alone. */
static struct pt_measure_actors duties_bare(const struct pt_measure_actors *a)
{
	struct pt_measure_actors bare = *a;
	memset(bare.caller_makers, 0, sizeof bare.caller_makers);
	memset(bare.proposer_makers, 0, sizeof bare.proposer_makers);
	memset(bare.installer_makers, 0, sizeof bare.installer_makers);
	memset(bare.approver_makers, 0, sizeof bare.approver_makers);
	memset(bare.step_users, 0, sizeof bare.step_users);
	return bare;
}

/* Why the separation of duties refuses step to c, in words; NULL when the
 * refusal is another rule's (the role rules speak first). */
static const char *duty_refusal(const struct pt_caller *c, const struct pt_access_record *rec,
				enum pt_measure_step step, const struct pt_measure_actors *a,
				char *buf, size_t cap)
{
	struct pt_measure_actors bare = duties_bare(a);
	enum pt_measure_step taken = PT_STEP_APPROVE;
	enum pt_duty_conflict k = pt_access_measure_duty(&c->who, step, a, &taken);
	if (k == PT_DUTY_NONE)
		return NULL;
	/* the proposer approving, the installer verifying: refusal() says so */
	if ((step == PT_STEP_APPROVE && c->who.user_id == a->proposer_user_id) ||
	    (step == PT_STEP_VERIFY && c->who.user_id == (a->step_users[PT_STEP_INSTALL] > 0
							      ? a->step_users[PT_STEP_INSTALL]
							      : a->installer_user_id)))
		return NULL;
	if (pt_access_measure_step(&c->who, rec, step, &bare) != PT_ACCESS_OK)
		return NULL;
	if (k == PT_DUTY_TWO_STEPS) {
		snprintf(buf, cap,
			 "separation of duties: one user takes at most one of the steps approve, "
			 "accept or install, verify of a measure, and you took '%s' of this one; "
			 "another user takes '%s'",
			 pt_measure_step_name(taken), pt_measure_step_name(step));
		return buf;
	}
	if (k == PT_DUTY_RELATED_APPROVER)
		return "four-eyes principle: a user the approver made (created, or set its role or "
		       "password, directly or through users it made), or who made the approver, "
		       "cannot verify the measure it approved; a government coordinator or analyst "
		       "independent of the approver and the installer verifies it";
	return step == PT_STEP_APPROVE
		       ? "four-eyes principle: a user the proposer made (created, or set its role or "
			 "password, directly or through users it made), or who made the proposer, "
			 "cannot approve its proposal; a government coordinator or admin independent "
			 "of the proposer approves it"
		       : "four-eyes principle: a user the installer made (created, or set its role or "
			 "password, directly or through users it made), or who made the installer, "
			 "cannot verify its installation; a government coordinator or analyst "
			 "independent of the installer verifies it";
}

struct step_ctx {
	const struct pt_caller *c;
	const char *site_id, *measure_id;
	enum pt_measure_step step;
	const struct pt_measure_step_input *in; /* issue 16: NULL nothing besides date and who */
	struct pt_site_measure_row *out;
	struct pt_diag *d;
};

/* ---- measures through their life (issue 16, item 4) ---- */

/* "" for NULL. */
static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* The form of in for step, before anything is read: PT_EINVAL naming the field. */
static enum pt_err step_input_check(enum pt_measure_step step,
				    const struct pt_measure_step_input *in, struct pt_diag *d)
{
	enum pt_verify_method method;
	const char *on = in ? str_or_empty(in->on_date) : "";
	const char *next = in ? str_or_empty(in->reverify_by) : "";
	const char *how = in ? str_or_empty(in->method) : "";
	if (in && in->note && strlen(in->note) >= PT_NOTE_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "note", "note longer than %d bytes",
				   PT_NOTE_MAX - 1);
	if (*on && step != PT_STEP_INSTALL && step != PT_STEP_VERIFY)
		return pt_diag_set(d, PT_EINVAL, 0, "on_date",
				   "only install and verify take a date (on_date)");
	if (*on && !pt_date_valid(on))
		return pt_diag_set(d, PT_EINVAL, 0, "on_date",
				   "'%s' is not a date (YYYY-MM-DD, a real calendar day)", on);
	if (step != PT_STEP_VERIFY) {
		if (*how || *next)
			return pt_diag_set(d, PT_EINVAL, 0, *how ? "method" : "reverify_by",
					   "only verify takes a method and a re-verification date");
		return PT_OK;
	}
	if (!*how)
		return pt_diag_set(d, PT_EINVAL, 0, "method",
				   "verifying a measure needs a method: test or inspection");
	if (pt_verify_method_parse(how, &method) != PT_OK)
		return pt_diag_set(d, PT_EINVAL, 0, "method",
				   "unknown method '%s' (test or inspection)", how);
	if (!*next)
		return pt_diag_set(d, PT_EINVAL, 0, "reverify_by",
				   "verifying a measure needs a re-verification date (YYYY-MM-DD, "
				   "within %d years of the verification)",
				   PT_REVERIFY_HORIZON_YEARS);
	if (!pt_date_valid(next))
		return pt_diag_set(d, PT_EINVAL, 0, "reverify_by",
				   "'%s' is not a date (YYYY-MM-DD, a real calendar day)", next);
	return PT_OK;
}

/*
 * The dates of ev (the step being taken, its on_date "" for today) against
 * today (pt_app_now) and the measure's life: an installation or
 * verification is not dated in the future; a verification not before the
 * measure's last installation; re-verification after the verification and
 * within PT_REVERIFY_HORIZON_YEARS. ev->on_date set to today when empty.
 */
static enum pt_err step_dates_check(struct pt_db *db, const struct pt_site_measure_row *row,
				    struct pt_site_measure_event *ev, const char *today,
				    struct pt_diag *d)
{
	char since[PT_DATE_MAX];
	struct pt_site_measure_event *h = NULL;
	size_t n = 0, i;
	enum pt_err err;
	if (strcmp(ev->step, "install") != 0 && strcmp(ev->step, "verify") != 0)
		return PT_OK;
	if (!ev->on_date[0])
		pt_strlcpy(ev->on_date, today, sizeof ev->on_date);
	if (strcmp(ev->on_date, today) > 0)
		return pt_diag_set(d, PT_EINVAL, 0, "on_date",
				   "%s is after today (%s): record a step once it is done",
				   ev->on_date, today);
	since[0] = '\0';
	if (strcmp(ev->step, "verify") == 0) {
		/* not before its last installation */
		if ((err = pt_db_site_measure_history(db, row->site_id, &h, &n, d)) != PT_OK)
			return err;
		for (i = 0; i < n; i++)
			if (strcmp(h[i].measure_id, row->measure_id) == 0 &&
			    strcmp(h[i].step, "install") == 0)
				pt_strlcpy(since, h[i].on_date[0] ? h[i].on_date : h[i].at,
					   sizeof since);
		free(h);
	}
	if (strcmp(ev->on_date, since) < 0)
		return pt_diag_set(d, PT_EINVAL, 0, "on_date",
				   "%s is before the measure was installed (%s)", ev->on_date,
				   since);
	if (strcmp(ev->step, "verify") != 0)
		return PT_OK;
	if (strcmp(ev->reverify_by, ev->on_date) <= 0)
		return pt_diag_set(d, PT_EINVAL, 0, "reverify_by",
				   "re-verification date %s is not after the verification (%s)",
				   ev->reverify_by, ev->on_date);
	if (pt_date_beyond_years(ev->reverify_by, ev->on_date, PT_REVERIFY_HORIZON_YEARS))
		return pt_diag_set(d, PT_EINVAL, 0, "reverify_by",
				   "re-verification date %s is more than %d years after the "
				   "verification (%s): verify a measure at least that often",
				   ev->reverify_by, PT_REVERIFY_HORIZON_YEARS, ev->on_date);
	return PT_OK;
}

/* Why step is refused to its caller, in words. */
static const char *refusal(enum pt_measure_step step, int own)
{
	switch (step) {
	case PT_STEP_APPROVE:
		return own ? "the proposer of a plan cannot approve its own proposal; another "
			     "government coordinator or admin (or, for a plan made for one organisation, its admin) approves it"
			   : "only a government coordinator or admin (for a plan made for one organisation: that "
			     "organisation's admin) other than the proposer approves a proposed measure";
	case PT_STEP_ACCEPT:
	case PT_STEP_DECLINE:
	case PT_STEP_INSTALL:
		return "only the site's owner (operators, analysts and admins of the owning "
		       "organisation) accepts, declines or installs a measure at its site";
	case PT_STEP_VERIFY:
		return own ? "whoever installed a measure cannot verify it; another government "
			     "coordinator or analyst verifies it"
			   : "only government coordinators and analysts verify an installed measure";
	}
	return "not allowed";
}

static enum pt_err step_in(struct pt_db *db, void *ctx)
{
	struct step_ctx *s = ctx;
	struct pt_access_index *ix = NULL;
	struct pt_access_record rec;
	struct pt_site site;
	struct pt_site_measure_row row;
	struct pt_saved_plan plan;
	struct pt_measure_actors actors;
	enum pt_site_measure_status to;
	enum pt_access a;
	enum pt_err err;
	char now[PT_TIMESTAMP_MAX], record[2 * PT_ID_MAX], detail[512], today[PT_DATE_MAX];
	const char *actor, *cover[1];
	struct pt_site_measure_event ev; /* issue 16: the step as the history keeps it */
	int changed, own;
	char why_buf[320]; /* separation of duties (review H1) */
	const char *why;

	pt_app_stamp(db, now, &actor);
	if ((err = pt_access_index_load(db, &ix, s->d)) != PT_OK)
		return err;
	if ((err = pt_db_site_get(db, s->site_id, &site, s->d)) != PT_OK)
		goto out;
	pt_access_index_record(ix, &site, &rec);
	if (pt_access_read(&s->c->who, &rec) != PT_ACCESS_OK) {
		err = pt_diag_set(s->d, PT_ENOTFOUND, 0, "site", "no site with id %s", s->site_id);
		goto out;
	}
	if ((err = pt_db_site_measure_get(db, s->site_id, s->measure_id, &row, s->d)) != PT_OK)
		goto out;
	/* issue 16: a measure the owner committed itself (no plan) follows the steps too */
	if (row.status == PT_SM_EXISTING) {
		err = pt_diag_set(s->d, PT_ECONFLICT, 0, "measure",
				  "measure %s at %s is in place, not proposed by a plan nor committed: "
				  "it has no steps to take", s->measure_id, s->site_id);
		goto out;
	}
	memset(&actors, 0, sizeof actors);
	memset(&plan, 0, sizeof plan);
	if ((err = pt_db_plan_get(db, row.plan, &plan, NULL, s->d)) != PT_OK && err != PT_ENOTFOUND)
		goto out;
	memset(s->d, 0, sizeof *s->d);
	actors.proposer_user_id = user_id_of(db, plan.created_by[0] ? plan.created_by : row.added_by);
	actors.scope_org_id = plan.scope_org[0] ? pt_access_index_org_id(ix, plan.scope_org) : 0;
	if (row.status == PT_SM_INSTALLED)
		actors.installer_user_id = user_id_of(db, row.changed_by);
	if ((err = duties_fill(db, s->c, &row, &actors, s->d)) != PT_OK) /* review H1 */
		goto out;
	a = pt_access_measure_step(&s->c->who, &rec, s->step, &actors);
	if (a == PT_ACCESS_NOT_FOUND) {
		err = pt_diag_set(s->d, PT_ENOTFOUND, 0, "site", "no site with id %s", s->site_id);
		goto out;
	}
	if (a != PT_ACCESS_OK &&
	    (why = duty_refusal(s->c, &rec, s->step, &actors, why_buf, sizeof why_buf))) {
		err = pt_diag_set(s->d, PT_EFORBIDDEN, 0, "", "%s", why); /* review H1 */
		goto out;
	}
	if (a != PT_ACCESS_OK) {
		/* review m7: the role reason before the proposer's or installer's */
		struct pt_measure_actors bare = duties_bare(&actors); /* review H1 */
		own = pt_access_measure_step_why(&s->c->who, &rec, s->step, &bare) ==
		      PT_STEP_REFUSED_OWN;
		err = pt_diag_set(s->d, PT_EFORBIDDEN, 0, "", "%s", refusal(s->step, own));
		goto out;
	}
	if (pt_site_measure_next(row.status, s->step, &to) != PT_OK) {
		err = pt_diag_set(s->d, PT_ECONFLICT, 0, "state",
				  "measure %s at %s is %s; %s needs it %s", s->measure_id,
				  s->site_id, pt_site_measure_status_name(row.status),
				  pt_measure_step_name(s->step),
				  s->step == PT_STEP_APPROVE   ? "proposed"
				  : s->step == PT_STEP_INSTALL ? "accepted"
				  : s->step == PT_STEP_VERIFY  ? "installed (or verified, to verify it again)"
							       : "approved");
		goto out;
	}
	{ /* issue 16: what the step records, its dates against the measure's life */
		memset(&ev, 0, sizeof ev);
		pt_strlcpy(ev.site_id, s->site_id, sizeof ev.site_id);
		pt_strlcpy(ev.measure_id, s->measure_id, sizeof ev.measure_id);
		pt_strlcpy(ev.step, pt_measure_step_name(s->step), sizeof ev.step);
		ev.status = to;
		pt_strlcpy(ev.plan, row.plan, sizeof ev.plan);
		pt_strlcpy(ev.at, now, sizeof ev.at);
		pt_strlcpy(ev.actor, actor, sizeof ev.actor);
		if (s->in) {
			pt_strlcpy(ev.on_date, str_or_empty(s->in->on_date), sizeof ev.on_date);
			pt_strlcpy(ev.method, str_or_empty(s->in->method), sizeof ev.method);
			pt_strlcpy(ev.reverify_by, str_or_empty(s->in->reverify_by),
				   sizeof ev.reverify_by);
			pt_strlcpy(ev.note, str_or_empty(s->in->note), sizeof ev.note);
			pt_utf8_repair(ev.note); /* a command line's bytes: kept readable as JSON */
		}
		{ /* today at the clock of verification dates (pt_app_now) */
			time_t t = (time_t)pt_app_now(s->c->now);
			struct tm tm;
			if (!gmtime_r(&t, &tm) || !strftime(today, sizeof today, "%Y-%m-%d", &tm))
				pt_strlcpy(today, now, sizeof today);
		}
		if ((err = step_dates_check(db, &row, &ev, today, s->d)) != PT_OK)
			goto out;
	}
	if ((err = pt_db_site_measure_step(db, s->site_id, s->measure_id, row.status, to, now,
					   actor, &changed, s->d)) != PT_OK)
		goto out;
	if (!changed) {
		err = pt_diag_set(s->d, PT_ECONFLICT, 0, "state",
				  "measure %s at %s changed meanwhile; read it again", s->measure_id,
				  s->site_id);
		goto out;
	}
	if ((err = pt_db_site_measure_history_add(db, &ev, s->d)) != PT_OK) /* issue 16 */
		goto out;
	if (s->step == PT_STEP_VERIFY)
		snprintf(detail, sizeof detail,
			 "measure %s %s -> %s (plan %s): %s on %s, again by %s", s->measure_id,
			 pt_site_measure_status_name(row.status), pt_site_measure_status_name(to),
			 row.plan[0] ? row.plan : "none: committed by its owner", ev.method,
			 ev.on_date, ev.reverify_by);
	else if (s->step == PT_STEP_INSTALL)
		snprintf(detail, sizeof detail, "measure %s %s -> %s (plan %s): installed on %s",
			 s->measure_id, pt_site_measure_status_name(row.status),
			 pt_site_measure_status_name(to),
			 row.plan[0] ? row.plan : "none: committed by its owner", ev.on_date);
	else
		snprintf(detail, sizeof detail, "measure %s %s -> %s (plan %s)", s->measure_id,
			 pt_site_measure_status_name(row.status), pt_site_measure_status_name(to),
			 row.plan);
	if (to == PT_SM_ACCEPTED &&
	    (err = pt_db_register_history_commit(db, s->site_id, s->measure_id, now, actor, detail,
						 s->d)) != PT_OK)
		goto out;
	snprintf(record, sizeof record, "%s/%s", s->site_id, s->measure_id);
	cover[0] = s->site_id;
	{
		char action[40];
		snprintf(action, sizeof action, "site.measure.%s", pt_measure_step_name(s->step));
		if ((err = pt_audit_append_records(db, action, "site_measures", record, detail,
						   "sites", cover, 1, s->d)) != PT_OK)
			goto out;
	}
	row.status = to;
	pt_strlcpy(row.changed_at, now, sizeof row.changed_at);
	pt_strlcpy(row.changed_by, actor, sizeof row.changed_by);
	*s->out = row;
out:
	pt_access_index_free(ix);
	return err;
}

enum pt_err pt_app_site_measure_step(const struct pt_caller *c, struct pt_db *db,
				     const char *site_id, const char *measure_id,
				     enum pt_measure_step step,
				     const struct pt_measure_step_input *in,
				     struct pt_site_measure_row *out, struct pt_diag *d)
{
	struct step_ctx s;
	char record[2 * PT_ID_MAX], action[40];
	enum pt_err err;
	memset(out, 0, sizeof *out);
	if (!c || !db || !site_id || !measure_id || (unsigned)step >= PT_STEP_COUNT)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, site, measure or step");
	if ((err = step_input_check(step, in, d)) != PT_OK) /* issue 16 */
		return err;
	s.in = in;
	s.c = c;
	s.site_id = site_id;
	s.measure_id = measure_id;
	s.step = step;
	s.out = out;
	s.d = d;
	pt_app_act(c, db);
	err = pt_db_transaction(db, step_in, &s, d);
	if (err == PT_EFORBIDDEN) {
		snprintf(record, sizeof record, "%s", site_id);
		snprintf(action, sizeof action, "site.measure.%s", pt_measure_step_name(step));
		err = pt_app_refused(c, db, action, "sites", record, err, d);
	}
	return err;
}

struct withdraw_ctx {
	const struct pt_caller *c;
	const char *name;
	struct pt_plan_withdrawal *out;
	struct pt_diag *d;
};

static enum pt_err withdraw_in(struct pt_db *db, void *ctx)
{
	struct withdraw_ctx *w = ctx;
	struct pt_saved_plan plan;
	struct pt_site_measure_row *rows = NULL;
	const char **cover = NULL, *actor;
	char now[PT_TIMESTAMP_MAX], detail[256];
	size_t n = 0, i, n_cover = 0;
	enum pt_err err;
	int changed;

	pt_app_stamp(db, now, &actor);
	if ((err = pt_db_plan_get(db, w->name, &plan, NULL, w->d)) != PT_OK)
		return err;
	if (pt_access_plan_withdraw(&w->c->who, user_id_of(db, plan.created_by)) != PT_ACCESS_OK)
		return pt_diag_set(w->d, PT_EFORBIDDEN, 0, "",
				   "only the plan's proposer or a government coordinator withdraws "
				   "plan %s", w->name);
	if (strcmp(plan.state, "withdrawn") == 0)
		return pt_diag_set(w->d, PT_ECONFLICT, 0, "state", "plan %s was withdrawn on %s by %s",
				   w->name, plan.withdrawn_at, plan.withdrawn_by);
	if ((err = pt_db_plan_measures(db, w->name, &rows, &n, w->d)) != PT_OK)
		return err;
	if (!(cover = calloc(n ? n : 1, sizeof *cover))) {
		err = pt_diag_set(w->d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		int removed;
		if ((err = pt_db_plan_measure_remove(db, rows[i].site_id, rows[i].measure_id, w->name,
						     &removed, w->d)) != PT_OK)
			goto out;
		if (removed)
			w->out->removed++;
		else
			w->out->kept++;
		if (!n_cover || strcmp(cover[n_cover - 1], rows[i].site_id) != 0)
			cover[n_cover++] = rows[i].site_id;
	}
	if ((err = pt_db_plan_withdraw(db, w->name, now, actor, &changed, w->d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail,
		 "%zu measures not yet installed removed, %zu installed or verified kept",
		 w->out->removed, w->out->kept);
	err = pt_audit_append_records(db, "plan.withdraw", "plans", w->name, detail, "sites", cover,
				      n_cover, w->d);
out:
	free(cover);
	free(rows);
	return err;
}

enum pt_err pt_app_plan_withdraw(const struct pt_caller *c, struct pt_db *db, const char *name,
				 struct pt_plan_withdrawal *out, struct pt_diag *d)
{
	struct withdraw_ctx w;
	enum pt_err err;
	memset(out, 0, sizeof *out);
	if (!c || !db || !name)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no plan name");
	w.c = c;
	w.name = name;
	w.out = out;
	w.d = d;
	pt_app_act(c, db);
	err = pt_db_transaction(db, withdraw_in, &w, d);
	return pt_app_refused(c, db, "plan.withdraw", "plans", name, err, d);
}

enum pt_err pt_app_site_measures_steps(const struct pt_caller *c, struct pt_db *db,
				       const struct pt_site_measures *sm, unsigned *steps,
				       struct pt_diag *d)
{
	struct pt_access_index *ix = NULL;
	struct pt_access_record rec;
	struct pt_saved_plan plan;
	struct pt_measure_actors actors;
	enum pt_err err;
	size_t i;
	memset(&plan, 0, sizeof plan);
	memset(&actors, 0, sizeof actors);
	for (i = 0; i < sm->n; i++)
		steps[i] = 0;
	if (!c || !db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no caller or no database");
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_access_index_load(db, &ix, d)) != PT_OK)
		goto out;
	pt_access_index_record(ix, &sm->site, &rec);
	for (i = 0; i < sm->n; i++) {
		const struct pt_site_measure_row *row = &sm->rows[i];
		if (row->status == PT_SM_EXISTING) /* issue 16: own commitments have steps too */
			continue;
		if (strcmp(plan.name, row->plan) != 0) { /* rows come by measure: plans repeat */
			memset(&plan, 0, sizeof plan);
			if ((err = pt_db_plan_get(db, row->plan, &plan, NULL, d)) != PT_OK &&
			    err != PT_ENOTFOUND)
				goto out;
			err = PT_OK;
			if (d)
				memset(d, 0, sizeof *d);
			pt_strlcpy(plan.name, row->plan, sizeof plan.name);
			actors.proposer_user_id =
				user_id_of(db, plan.created_by[0] ? plan.created_by : row->added_by);
			actors.scope_org_id =
				plan.scope_org[0] ? pt_access_index_org_id(ix, plan.scope_org) : 0;
		}
		actors.installer_user_id =
			row->status == PT_SM_INSTALLED ? user_id_of(db, row->changed_by) : 0;
		if ((err = duties_fill(db, c, row, &actors, d)) != PT_OK) /* review H1 */
			goto out;
		for (unsigned s = 0; s < PT_STEP_COUNT; s++) {
			enum pt_site_measure_status to;
			if (pt_site_measure_next(row->status, (enum pt_measure_step)s, &to) == PT_OK &&
			    pt_access_measure_step(&c->who, &rec, (enum pt_measure_step)s, &actors) ==
				    PT_ACCESS_OK)
				steps[i] |= 1u << s;
		}
	}
out:
	pt_access_index_free(ix);
	return pt_db_end(db, err, d);
}

int pt_app_plan_can_withdraw(const struct pt_caller *c, struct pt_db *db,
			     const struct pt_saved_plan *p)
{
	if (!c || !db || !p || strcmp(p->state, "withdrawn") == 0)
		return 0;
	return pt_access_plan_withdraw(&c->who, user_id_of(db, p->created_by)) == PT_ACCESS_OK;
}

/* ---- issue 16, item 4: a measure its owner commits outside a plan ---- */

enum pt_err pt_app_measure_commit_in(struct pt_db *db, const struct pt_site *site,
				     const struct pt_measure *m, const char *note,
				     const char *now, const char *actor,
				     struct pt_site_measure_row *out, struct pt_diag *d)
{
	struct pt_site_measure_row row;
	struct pt_site_measure_event ev;
	char record[2 * PT_ID_MAX], detail[512];
	const char *cover[1];
	enum pt_err err;
	int added;
	if (!pt_measure_applies(m, site->kind, site->sector))
		return pt_diag_set(d, PT_EINVAL, 0, "measure",
				   "measure %s (%s) does not apply at a site of kind %s in sector %s "
				   "(the catalogue's kinds: %s; sectors: %s)",
				   m->id, m->name, site->kind, site->sector, m->kinds, m->sectors);
	err = pt_db_site_measure_get(db, site->id, m->id, &row, d);
	if (err == PT_OK && row.status != PT_SM_DECLINED)
		return pt_diag_set(d, PT_ECONFLICT, 0, "measure", "measure %s at %s is %s%s%s%s",
				   m->id, site->id,
				   row.status == PT_SM_EXISTING ? "in place"
								: pt_site_measure_status_name(row.status),
				   row.plan[0] ? " (plan " : " already", row.plan,
				   row.plan[0] ? ") already" : "");
	if (err != PT_OK && err != PT_ENOTFOUND)
		return err;
	if (d)
		pt_diag_clear(d);
	if ((err = pt_db_site_measure_commit(db, site->id, m->id, now, actor, &added, d)) != PT_OK)
		return err;
	if (!added)
		return pt_diag_set(d, PT_ECONFLICT, 0, "measure",
				   "measure %s at %s changed meanwhile; read it again", m->id,
				   site->id);
	memset(&ev, 0, sizeof ev);
	pt_strlcpy(ev.site_id, site->id, sizeof ev.site_id);
	pt_strlcpy(ev.measure_id, m->id, sizeof ev.measure_id);
	pt_strlcpy(ev.step, "commit", sizeof ev.step);
	ev.status = PT_SM_ACCEPTED;
	pt_strlcpy(ev.at, now, sizeof ev.at);
	pt_strlcpy(ev.actor, actor, sizeof ev.actor);
	pt_strlcpy(ev.note, str_or_empty(note), sizeof ev.note);
	pt_utf8_repair(ev.note);
	snprintf(detail, sizeof detail, "measure %s committed by its owner (no plan)%s", m->id,
		 row.status == PT_SM_DECLINED && row.plan[0] ? ", declined before" : "");
	snprintf(record, sizeof record, "%s/%s", site->id, m->id);
	cover[0] = site->id;
	if ((err = pt_db_site_measure_history_add(db, &ev, d)) != PT_OK ||
	    (err = pt_db_register_history_commit(db, site->id, m->id, now, actor, detail, d)) !=
		    PT_OK ||
	    (err = pt_audit_append_records(db, "site.measure.commit", "site_measures", record,
					   detail, "sites", cover, 1, d)) != PT_OK)
		return err;
	if (out)
		err = pt_db_site_measure_get(db, site->id, m->id, out, d);
	return err;
}

struct commit_ctx {
	const struct pt_caller *c;
	const char *site_id, *measure_id, *note;
	struct pt_site_measure_row *out;
	struct pt_diag *d;
};

static enum pt_err commit_in(struct pt_db *db, void *ctx)
{
	struct commit_ctx *k = ctx;
	struct pt_measure_catalog cat;
	struct pt_site site;
	enum pt_access a;
	char now[PT_TIMESTAMP_MAX];
	const char *actor;
	enum pt_err err;
	long i;
	memset(&cat, 0, sizeof cat);
	pt_app_stamp(db, now, &actor);
	err = pt_app_site_access(db, &k->c->who, k->site_id, pt_access_measure_commit, &site, NULL,
				 &a, k->d);
	if (err == PT_ENOTFOUND || (err == PT_OK && a == PT_ACCESS_NOT_FOUND))
		return pt_diag_set(k->d, PT_ENOTFOUND, 0, "site", "no site with id %s", k->site_id);
	if (err != PT_OK)
		return err;
	if (a != PT_ACCESS_OK)
		return pt_diag_set(k->d, PT_EFORBIDDEN, 0, "",
				   "only the site's owner (operators, analysts and admins of the "
				   "owning organisation) commits a measure at its site outside a plan");
	if ((err = pt_db_measures_load(db, &cat, k->d)) != PT_OK)
		return err;
	if ((i = pt_measure_catalog_find(&cat, k->measure_id)) < 0)
		err = pt_diag_set(k->d, PT_ENOTFOUND, 0, "measure", "no measure %s in the catalogue",
				  k->measure_id);
	else
		err = pt_app_measure_commit_in(db, &site, &cat.items[i], k->note, now, actor, k->out,
					       k->d);
	pt_measure_catalog_clear(&cat);
	return err;
}

enum pt_err pt_app_site_measure_commit(const struct pt_caller *c, struct pt_db *db,
				       const char *site_id, const char *measure_id,
				       const char *note, struct pt_site_measure_row *out,
				       struct pt_diag *d)
{
	struct commit_ctx k;
	enum pt_err err;
	memset(out, 0, sizeof *out);
	if (!c || !db || !site_id || !measure_id)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, site or measure");
	if (note && strlen(note) >= PT_NOTE_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "note", "note longer than %d bytes",
				   PT_NOTE_MAX - 1);
	k.c = c;
	k.site_id = site_id;
	k.measure_id = measure_id;
	k.note = note;
	k.out = out;
	k.d = d;
	pt_app_act(c, db);
	err = pt_db_transaction(db, commit_in, &k, d);
	if (err == PT_EFORBIDDEN)
		err = pt_app_refused(c, db, "site.measure.commit", "sites", site_id, err, d);
	return err;
}
