/* test_app_plan.c - unit tests of src/app/pt_app_plan.c and
 * pt_app_plan_saved.c on ":memory:": plan runs (existing measures, region,
 * visibility), saving a plan, saved plans as each caller sees them. */
#include "app_plan_fixture.h"
#include "formats/pt_plan_saved_io.h"
#include "formats/pt_ranking_io.h"
#include "app/pt_app_audit.h"

static long run_site(const struct pt_plan_run *r, const char *id)
{
	for (size_t i = 0; i < r->ranking->sites.n; i++)
		if (strcmp(r->ranking->sites.items[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* Nonzero when any option of site s holds measure id. */
static int offered(const struct pt_plan_run *r, long s, const char *id)
{
	long mi = pt_measure_catalog_find(&r->measures, id);
	const struct pt_plan_site_model *sm = &r->model->sites[s];
	for (size_t o = sm->first_option; o < sm->first_option + sm->n_options; o++)
		for (uint32_t k = 0; k < r->model->options[o].n_measures; k++)
			if ((long)r->model->option_measures[r->model->options[o].first_measure + k] == mi)
				return 1;
	return 0;
}

/* The verdict on measure id at site s, -1 when it was not screened. */
static int verdict(const struct pt_plan_run *r, long s, const char *id)
{
	long mi = pt_measure_catalog_find(&r->measures, id);
	const struct pt_plan_site_model *sm = &r->model->sites[s];
	for (size_t k = sm->first_screen; k < sm->first_screen + sm->n_screens; k++)
		if ((long)r->model->screens[k].measure == mi)
			return (int)r->model->screens[k].verdict;
	return -1;
}

static enum pt_err run(struct pt_db *db, const struct pt_principal *who, const char *region,
		       double budget, struct pt_plan_run **out)
{
	struct pt_plan_opts o;
	struct pt_diag d;
	enum pt_err err;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.region = region;
	o.budget_eur = budget;
	o.solver = PT_SOLVER_FAST;
	o.check_exact = -1;
	err = pt_app_plan_run(as(who), db, &o, out, &d);
	if (err != PT_OK)
		fprintf(stderr, "pt_plan_run: %s\n", d.msg);
	return err;
}

/* Compute and save a plan at budget as who (pt_app_plan_save); opts as run()'s. */
static enum pt_err save(struct pt_db *db, const struct pt_principal *who, const char *name,
			double budget, struct pt_plan_saved *out, struct pt_diag *d)
{
	struct pt_plan_opts o;
	memset(&o, 0, sizeof o);
	memset(d, 0, sizeof *d);
	o.budget_eur = budget;
	o.solver = PT_SOLVER_FAST;
	o.check_exact = -1;
	return pt_app_plan_save(as(who), db, name, &o, out, d);
}

/* How many audit entries hold action. */
static int audited(struct pt_db *db, const char *action)
{
	struct pt_audit_entry *e = NULL;
	struct pt_diag d;
	size_t n = 0, i;
	int found = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_audit_list(db, 0, 1000, 0, &e, &n, NULL, &d), PT_OK);
	for (i = 0; i < n; i++)
		found += strcmp(e[i].action, action) == 0;
	free(e);
	return found;
}

static void test_plan_run_existing_and_filters(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_site_measure_list l;
	struct pt_plan_run *r = NULL;
	struct pt_diag d;
	long s;

	memset(&l, 0, sizeof l);
	memset(&d, 0, sizeof d);
	sm_add(&l, "PS-003", "film", 2);
	CHECK_INT(pt_app_site_measures_import(as(NULL), db, &l, &d), PT_OK);
	pt_site_measure_list_clear(&l);

	CHECK_INT(run(db, NULL, NULL, 1e9, &r), PT_OK);
	if (r) {
		CHECK_INT(r->ranking->sites.n, 4);
		CHECK_INT(r->withheld, 0);
		CHECK_INT(r->outside_region, 0);
		s = run_site(r, "PS-003");
		CHECK(s >= 0);
		if (s >= 0) { /* in place: neither offered nor screened, but guards are */
			CHECK(!offered(r, s, "film"));
			CHECK_INT(verdict(r, s, "film"), -1);
			CHECK(offered(r, s, "guards"));
		}
		s = run_site(r, "PS-004");
		CHECK(s >= 0);
		if (s >= 0) {
			CHECK(offered(r, s, "film"));
			CHECK(!offered(r, s, "no_ramps")); /* removes step-free access */
			CHECK_INT(verdict(r, s, "no_ramps"), PT_VERDICT_STEP_FREE);
		}
		CHECK(r->result.measures_chosen > 0);
		CHECK(isfinite(r->result.exact_reduction_eur)); /* the small model is checked */
		CHECK(r->result.gap_to_exact > -1e-9 && r->result.gap_to_exact < 0.01);
	}
	pt_plan_run_free(r);
	r = NULL;

	/* Region: only South's site; the others are outside, none withheld. */
	CHECK_INT(run(db, NULL, "South", 1e9, &r), PT_OK);
	if (r) {
		CHECK_INT(r->ranking->sites.n, 1);
		CHECK_STR(r->ranking->sites.items[0].id, "PS-002");
		CHECK_INT(r->outside_region, 3);
		CHECK_INT(r->withheld, 0);
		CHECK_STR(r->region, "South");
	}
	pt_plan_run_free(r);
	r = NULL;

	/* Operator A reads its own sites and B's GREEN one: B's AMBER site is withheld. */
	CHECK_INT(run(db, &opa, NULL, 1e9, &r), PT_OK);
	if (r) {
		CHECK_INT(r->ranking->sites.n, 3);
		CHECK_INT(r->withheld, 1);
		CHECK(run_site(r, "PS-004") < 0);
	}
	pt_plan_run_free(r);
	r = NULL;
	CHECK_INT(run(db, &opa, "North", 1e9, &r), PT_OK);
	if (r) {
		CHECK_INT(r->ranking->sites.n, 2);
		CHECK_INT(r->withheld, 1);
		CHECK_INT(r->outside_region, 1);
	}
	pt_plan_run_free(r);
	r = NULL;

	/* A frontier on request; a bad budget is refused. */
	{
		struct pt_plan_opts o;
		memset(&o, 0, sizeof o);
		o.budget_eur = 100000;
		o.frontier_points = 11;
		CHECK_INT(pt_app_plan_run(as(NULL), db, &o, &r, &d), PT_OK);
		if (r) {
			CHECK_INT(r->frontier_n, 11);
			CHECK_NEAR(r->frontier_budget[0], 0, 0);
			CHECK_NEAR(r->frontier_reduction[0], 0, 1e-9);
			CHECK(r->frontier_reduction[10] > 0);
			CHECK(r->frontier_bound[10] >= r->frontier_reduction[10] - 1e-6);
			CHECK(isnan(r->result.exact_reduction_eur)); /* check_exact 0: not run */
		}
		pt_plan_run_free(r);
		r = NULL;
		o.budget_eur = -1;
		CHECK_INT(pt_app_plan_run(as(NULL), db, &o, &r, &d), PT_EINVAL);
		CHECK_STR(d.field, "budget");
		CHECK(r == NULL);
	}
	pt_db_close(db);
}

static void test_plan_save_commits(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_plan_run *r = NULL, *again = NULL;
	struct pt_site_measure_row *rows = NULL;
	struct pt_saved_plan *plans = NULL, one;
	struct pt_register_history_row *h = NULL;
	struct pt_plan_saved sv;
	struct pt_saved_plan_read read;
	struct pt_diag d;
	char *json = NULL;
	size_t n = 0, i, committed = 0;
	double before = 0;
	long s;

	memset(&d, 0, sizeof d);
	CHECK_INT(run(db, NULL, NULL, 1e9, &r), PT_OK);
	if (!r) {
		pt_db_close(db);
		return;
	}
	s = run_site(r, "PS-001");
	CHECK(s >= 0 && offered(r, s, "film") && r->result.choice[s] > 0);
	before = r->model->sites[s].risk_before_eur_year;

	CHECK_INT(save(db, &opa, "first", 1e9, &sv, &d), PT_EFORBIDDEN);
	CHECK(sv.run == NULL);
	CHECK_INT(save(db, NULL, "not a name", 1e9, &sv, &d), PT_EINVAL);
	CHECK_STR(d.field, "name");
	pt_db_set_actor(db, coord_id, gov_org, "coord", 0);
	CHECK_INT(save(db, &coord, "first", 1e9, &sv, &d), PT_OK);
	CHECK(sv.run && sv.run->result.measures_chosen == r->result.measures_chosen);
	/* The summary it returns is the one a read of the saved plan gives, byte for byte. */
	CHECK_INT(pt_app_plan_get(as(&coord), db, "first", NULL, &read, &d), PT_OK);
	{
		json_t *a = pt_saved_plan_to_json(&sv.seen.plan, !sv.seen.partial, sv.show_hidden,
						  sv.seen.hidden_sites);
		json_t *b = pt_saved_plan_to_json(&read.seen.plan, !read.seen.partial,
						  read.show_hidden, read.seen.hidden_sites);
		char *ta = a ? json_dumps(a, 0) : NULL, *tb = b ? json_dumps(b, 0) : NULL;
		CHECK(ta && tb && strcmp(ta, tb) == 0);
		CHECK(sv.show_hidden); /* a government coordinator */
		free(ta);
		free(tb);
		json_decref(a);
		json_decref(b);
	}
	pt_saved_plan_read_clear(&read);
	pt_plan_saved_clear(&sv);
	CHECK(sv.run == NULL);
	CHECK_INT(save(db, &coord, "first", 1e9, &sv, &d), PT_ECONFLICT);
	CHECK_STR(d.msg, "a plan named first exists");
	CHECK(sv.run == NULL);

	/* Every chosen measure is now proposed at its site by the plan (issue 11, item 7). */
	CHECK_INT(pt_db_site_measures_list(db, NULL, &rows, &n, &d), PT_OK);
	for (i = 0; i < n; i++) {
		CHECK_INT(rows[i].status, PT_SM_PROPOSED);
		CHECK_STR(rows[i].plan, "first");
		CHECK_STR(rows[i].added_by, "coord");
		committed++;
	}
	CHECK_INT(committed, r->result.measures_chosen);
	free(rows);

	/* A new run does not propose them again, and PS-001's risk before stays: pending. */
	CHECK_INT(run(db, NULL, NULL, 1e9, &again), PT_OK);
	if (again) {
		long t = run_site(again, "PS-001");
		CHECK(t >= 0 && !offered(again, t, "film"));
		CHECK(t >= 0 && again->model->sites[t].risk_before_eur_year == before);
	}
	pt_plan_run_free(again);
	again = NULL;
	/* Approved (by the system administrator: the proposer "coord" may not) and accepted at
	 * PS-001: now it counts, and the register's history records the commitment. */
	{
		struct pt_site_measure_row row;
		CHECK_INT(pt_app_site_measure_step(as(&coord), db, "PS-001", "film", PT_STEP_APPROVE, NULL,
						   &row, &d), PT_EFORBIDDEN);
		CHECK_INT(pt_app_site_measure_step(as(NULL), db, "PS-001", "film", PT_STEP_ACCEPT, NULL,
						   &row, &d), PT_ECONFLICT);
		CHECK_INT(pt_app_site_measure_step(as(NULL), db, "PS-001", "film", PT_STEP_APPROVE, NULL,
						   &row, &d), PT_OK);
		CHECK_INT(pt_app_site_measure_step(as(NULL), db, "PS-001", "film", PT_STEP_ACCEPT, NULL,
						   &row, &d), PT_OK);
		CHECK_INT(row.status, PT_SM_ACCEPTED);
	}
	CHECK_INT(run(db, NULL, NULL, 1e9, &again), PT_OK);
	if (again) {
		long t = run_site(again, "PS-001");
		CHECK(t >= 0 && !offered(again, t, "film"));
		CHECK(t >= 0 && again->model->sites[t].risk_before_eur_year < before);
	}
	pt_plan_run_free(again);

	/* Saved plans, newest first, with their JSON. */
	CHECK_INT(save(db, NULL, "second", 1e9, &sv, &d), PT_OK);
	pt_plan_saved_clear(&sv);
	CHECK_INT(pt_db_plans_list(db, &plans, &n, &d), PT_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(plans[0].name, "second");
		CHECK_STR(plans[1].name, "first");
		CHECK_STR(plans[1].created_by, "coord");
		CHECK_STR(plans[1].solver, "fast");
		CHECK_NEAR(plans[1].cost_eur, r->result.cost_eur, 1e-6);
		CHECK_INT(plans[1].measures, r->result.measures_chosen);
	}
	free(plans);
	CHECK_INT(pt_db_plan_get(db, "first", &one, &json, &d), PT_OK);
	CHECK(json && strstr(json, "\"rejected\"") && strstr(json, "\"PS-001\""));
	free(json);
	CHECK_INT(pt_db_plan_get(db, "third", &one, &json, &d), PT_ENOTFOUND);

	/* The register's history of an affected pair records the commitment. */
	CHECK_INT(pt_app_register_history(as(NULL), db, "PS-001", "vehicle_ramming", &h, &n, &d), PT_OK);
	CHECK(n >= 1);
	if (n >= 1) {
		CHECK_STR(h[0].action, "commit");
		CHECK(strstr(h[0].detail, "measure film approved -> accepted (plan first)") != NULL);
	}
	free(h);
	pt_plan_run_free(r);
	pt_db_close(db);
}

/* Saving is refused before anything is read or computed for a role that may save no plan: no
 * run, no read audited (issue 16: an operator may save its own organisation's plan, so its
 * wider scope is judged, and refused, once "mine" is resolved: below). */
static void test_plan_save_refused_first(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_plan_opts o;
	struct pt_plan_saved sv;
	struct pt_principal viewer = opa;
	struct pt_caller c;
	viewer.role = PT_ROLE_VIEWER;
	c = *as(&viewer);
	struct pt_diag d;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	c.audit_reads = 1;
	o.budget_eur = 1e9;
	o.solver = PT_SOLVER_FAST;
	o.check_exact = -1;
	o.read_action = "plan.read"; /* a run would audit its read of A's AMBER PS-002 */
	CHECK_INT(pt_app_plan_save(&c, db, "mine", &o, &sv, &d), PT_EFORBIDDEN);
	CHECK(sv.run == NULL);
	CHECK_INT(audited(db, "plan.read"), 0);
	o.horizon_years = 1000; /* a run would refuse this (PT_EINVAL); the permission comes first */
	CHECK_INT(pt_app_plan_save(&c, db, "mine", &o, &sv, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_app_plan_save(as(&coord), db, "mine", &o, &sv, &d), PT_EINVAL);
	CHECK_STR(d.field, "horizon_years");
	CHECK_INT(audited(db, "plan.save"), 0);
	/* an operator: a national scope is not its organisation's, refused naming the filter */
	o.horizon_years = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_plan_save(as(&opa), db, "opa-national", &o, &sv, &d), PT_EFORBIDDEN);
	CHECK_STR(d.field, "filter");
	CHECK(sv.run == NULL);
	CHECK_INT(audited(db, "plan.save"), 0);
	/* The command line's rule: a region with no site it may read is an error, nothing saved. */
	o.horizon_years = 0;
	o.region = "Nowhere";
	o.region_required = 1;
	CHECK_INT(pt_app_plan_save(as(&coord), db, "mine", &o, &sv, &d), PT_EINVAL);
	CHECK_STR(d.msg, "no site of region \"Nowhere\"; 'protect sites list' shows the regions");
	CHECK_INT(audited(db, "plan.save"), 0);
	o.region_required = 0; /* the API's: an empty plan, saved */
	CHECK_INT(pt_app_plan_save(as(&coord), db, "mine", &o, &sv, &d), PT_OK);
	CHECK(sv.run && sv.run->result.sites_funded == 0);
	pt_plan_saved_clear(&sv);
	CHECK_INT(audited(db, "plan.save"), 1);
	pt_db_close(db);
}

/* ---- the risk register --------------------------------------------------- */


/* Counts of hidden sites go to government coordinators only; the rest see the sites they may read. */
static void test_saved_plan_for_callers(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_plan_run *r = NULL, *mine = NULL;
	struct pt_saved_plan_read whole, part;
	struct pt_plan_saved sv;
	struct pt_saved_plans l;
	struct pt_plan_view v;
	struct pt_diag d;
	json_t *j;
	long s4;
	size_t i;

	memset(&d, 0, sizeof d);
	CHECK_INT(run(db, &coord, NULL, 1e9, &r), PT_OK);
	CHECK_INT(run(db, &opa, NULL, 1e9, &mine), PT_OK);
	if (!r || !mine) {
		pt_plan_run_free(r);
		pt_plan_run_free(mine);
		pt_db_close(db);
		return;
	}
	/* A run: the coordinator is told what is withheld, the operator is not. */
	CHECK(r->show_withheld);
	CHECK(!mine->show_withheld);
	CHECK_INT(mine->withheld, 1); /* PS-004: B's AMBER */
	pt_app_plan_view(mine, NULL, &v);
	j = pt_plan_to_json(&v);
	CHECK(j && !json_object_get(j, "withheld") && json_object_get(j, "outside_region"));
	json_decref(j);
	pt_app_plan_view(r, NULL, &v);
	j = pt_plan_to_json(&v);
	CHECK(j && json_is_integer(json_object_get(j, "withheld")));
	json_decref(j);

	CHECK_INT(save(db, &coord, "whole", 1e9, &sv, &d), PT_OK);
	CHECK(sv.run && sv.run->result.sites_funded == r->result.sites_funded);
	pt_plan_saved_clear(&sv);
	s4 = run_site(r, "PS-004");
	CHECK(s4 >= 0 && r->result.choice[s4] > 0); /* B's AMBER site is funded */

	CHECK_INT(pt_app_plan_get(as(&coord), db, "whole", NULL, &whole, &d), PT_OK);
	CHECK(whole.show_hidden && !whole.seen.partial);
	CHECK_INT(whole.seen.hidden_sites, 0);
	CHECK(json_is_integer(json_object_get(whole.plan, "hidden_sites")));
	CHECK_INT(whole.seen.plan.sites_funded, (long long)r->result.sites_funded);

	CHECK_INT(pt_app_plan_get(as(&opa), db, "whole", NULL, &part, &d), PT_OK);
	CHECK(!part.show_hidden && part.seen.partial);
	CHECK(!json_object_get(part.plan, "hidden_sites") && !json_object_get(part.plan, "withheld"));
	CHECK_INT(part.seen.plan.sites_funded, (long long)r->result.sites_funded - 1);
	for (i = 0; i < json_array_size(json_object_get(part.plan, "sites")); i++)
		CHECK(strcmp(json_string_value(json_object_get(
				     json_array_get(json_object_get(part.plan, "sites"), i), "site_id")),
			     "PS-004") != 0);
	CHECK(part.seen.plan.cost_eur < whole.seen.plan.cost_eur);

	/* The list agrees with the plan for each caller, from the plan's site lines. */
	CHECK_INT(pt_app_plans_list(as(&opa), db, 0, 10, &l, &d), PT_OK);
	CHECK_INT(l.n, 1);
	CHECK(!l.show_hidden);
	if (l.n == 1) {
		CHECK(l.items[0].partial);
		CHECK_NEAR(l.items[0].plan.cost_eur, part.seen.plan.cost_eur, 1e-6);
		CHECK_INT(l.items[0].plan.sites_funded, part.seen.plan.sites_funded);
		CHECK_INT(l.items[0].plan.measures, part.seen.plan.measures);
		j = pt_saved_plan_to_json(&l.items[0].plan, !l.items[0].partial, l.show_hidden,
					  l.items[0].hidden_sites);
		CHECK(j && json_is_null(json_object_get(j, "gap")) && !json_object_get(j, "hidden_sites"));
		json_decref(j);
	}
	pt_saved_plans_clear(&l);
	CHECK_INT(pt_app_plans_list(as(&coord), db, 0, 10, &l, &d), PT_OK);
	CHECK(l.show_hidden && l.n == 1 && !l.items[0].partial);
	pt_saved_plans_clear(&l);
	CHECK_INT(pt_app_plans_list(as(&coord), db, 1, 10, &l, &d), PT_OK);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.total, 1);
	pt_saved_plans_clear(&l);
	pt_saved_plan_read_clear(&part);
	CHECK_INT(pt_app_plan_get(as(&opa), db, "nope", NULL, &part, &d), PT_ENOTFOUND);

	pt_saved_plan_read_clear(&whole);
	pt_saved_plan_read_clear(&part);
	pt_plan_run_free(r);
	pt_plan_run_free(mine);
	pt_db_close(db);
}

/*
 * What a saved plan tells a reader who may not see everything its author saw
 * (attack test F3, F4): figures over the author's whole view are left out even
 * when none of the funded sites is hidden, and the save's audit entry covers
 * the funded sites.
 */
static void test_saved_plan_whole_view(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_saved_plan_read got;
	struct pt_plan_saved sv;
	struct pt_saved_plans l;
	struct pt_audit_page page;
	struct pt_principal gadmin;
	struct pt_diag d;
	const json_t *t;
	long long id;
	size_t i, saves = 0;

	memset(&d, 0, sizeof d);
	/* Nothing funded: no funded site is hidden from anyone. */
	CHECK_INT(save(db, &coord, "nothing", 0, &sv, &d), PT_OK);
	pt_plan_saved_clear(&sv);
	CHECK_INT(pt_app_plan_get(as(&coord), db, "nothing", NULL, &got, &d), PT_OK);
	t = json_object_get(got.plan, "totals");
	CHECK(!got.seen.partial && json_object_get(t, "risk_before_eur_year") &&
	      json_is_integer(json_object_get(got.plan, "not_assessed")));
	pt_saved_plan_read_clear(&got);
	/* opa may not read PS-004 (B's AMBER) that the coordinator may: its risk would show
	 * in the difference of risk before between the saved plan and opa's own. */
	CHECK_INT(pt_app_plan_get(as(&opa), db, "nothing", NULL, &got, &d), PT_OK);
	t = json_object_get(got.plan, "totals");
	CHECK(got.seen.partial);
	CHECK(!json_object_get(t, "risk_before_eur_year") && !json_object_get(t, "risk_after_eur_year") &&
	      !json_object_get(t, "bound_eur") && json_is_null(json_object_get(t, "gap")));
	CHECK(json_is_null(json_object_get(got.plan, "outside_region")) &&
	      json_is_null(json_object_get(got.plan, "not_assessed")));
	pt_saved_plan_read_clear(&got);
	CHECK_INT(pt_app_plans_list(as(&opa), db, 0, 10, &l, &d), PT_OK);
	CHECK(l.n == 1 && l.items[0].partial); /* the list's gap is null too */
	pt_saved_plans_clear(&l);
	/* The author's own plan, read by a reader who sees all it saw: whole. */
	CHECK_INT(save(db, &opa, "opa-own", 0, &sv, &d), PT_EFORBIDDEN); /* operators do not save */
	pt_plan_saved_clear(&sv);

	/* A plan funding PS-004: its save is withheld from a government admin (no AMBER). */
	CHECK_INT(save(db, &coord, "funds-b", 1e9, &sv, &d), PT_OK);
	pt_plan_saved_clear(&sv);
	user_make(db, "gadmin", PT_ROLE_ADMIN, gov_org, &id, &gadmin);
	memset(&page, 0, sizeof page);
	CHECK_INT(pt_app_audit_list(as(&gadmin), db, 100, 0, &page, &d), PT_OK);
	for (i = 0; i < page.n; i++) {
		if (strcmp(page.items[i].action, "plan.save") != 0)
			continue;
		saves++;
		/* "nothing" funds no site: shown whole; "funds-b" funds PS-004: withheld */
		if (page.withheld[i])
			CHECK(!page.items[i].detail[0] && !page.items[i].record_id[0]);
		else
			CHECK_STR(page.items[i].record_id, "nothing");
	}
	CHECK_INT(saves, 2);
	pt_audit_page_clear(&page);
	/* Measures put in place at PS-004 (B's AMBER): withheld from gadmin too. */
	{
		struct pt_site_measure_list sml;
		struct pt_caller sys;
		size_t n_import = 0;
		memset(&sml, 0, sizeof sml);
		sm_add(&sml, "PS-004", "guards", 2);
		pt_caller_system(&sys);
		CHECK_INT(pt_app_site_measures_import(&sys, db, &sml, &d), PT_OK);
		pt_site_measure_list_clear(&sml);
		CHECK_INT(pt_app_audit_list(as(&gadmin), db, 100, 0, &page, &d), PT_OK);
		for (i = 0; i < page.n; i++)
			if (strcmp(page.items[i].action, "site_measures.import") == 0) {
				n_import++;
				CHECK(page.withheld[i] && !page.items[i].detail[0]);
			}
		CHECK_INT(n_import, 1);
		pt_audit_page_clear(&page);
	}
	CHECK_INT(pt_app_audit_list(as(&coord), db, 100, 0, &page, &d), PT_OK);
	for (i = 0; i < page.n; i++)
		if (strcmp(page.items[i].action, "plan.save") == 0)
			CHECK(!page.withheld[i]); /* the coordinator reads PS-004 */
	pt_audit_page_clear(&page);

	/* The author's view is the one it saved under (re-attack N1): gadmin sees the GREEN
	 * PS-001 and PS-003; opa sees them too, so it reads gadmin's plan whole ... */
	CHECK_INT(save(db, &gadmin, "g0", 0, &sv, &d), PT_OK);
	pt_plan_saved_clear(&sv);
	CHECK_INT(pt_app_plan_get(as(&opa), db, "g0", NULL, &got, &d), PT_OK);
	CHECK(!got.seen.partial &&
	      json_object_get(json_object_get(got.plan, "totals"), "risk_before_eur_year"));
	CHECK(!json_object_get(got.plan, "author_view")); /* kept, never shown */
	pt_saved_plan_read_clear(&got);
	/* ... until PS-003 turns RED: gadmin's view today shrinks to PS-001, which opa still
	 * covers, but the plan's figures include PS-003's risk, which opa may not read now. */
	{
		struct pt_site_list one;
		struct pt_site s3;
		memset(&one, 0, sizeof one);
		site_make(&s3, "PS-003", "Operator B", "North", PT_TLP_RED);
		CHECK_INT(pt_site_list_append(&one, &s3, 0), PT_OK);
		CHECK_INT(pt_db_sites_import(db, &one, NULL, NULL, &d), PT_OK);
		pt_site_list_clear(&one);
	}
	CHECK_INT(pt_app_plan_get(as(&opa), db, "g0", NULL, &got, &d), PT_OK);
	CHECK(got.seen.partial &&
	      !json_object_get(json_object_get(got.plan, "totals"), "risk_before_eur_year"));
	pt_saved_plan_read_clear(&got);
	pt_db_close(db);
}

/* The sensitivity: the base first, then other rates and horizons from the same inputs. */
static void test_plan_sensitivity(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_plan_run *r = NULL;
	struct pt_plan_variant rows[PT_PLAN_VARIANTS_MAX];
	struct pt_plan_opts o;
	struct pt_diag d;
	size_t n = 0, i;
	memset(&d, 0, sizeof d);
	memset(&o, 0, sizeof o);
	o.budget_eur = 1e9;
	o.solver = PT_SOLVER_FAST;
	CHECK_INT(pt_app_plan_run(as(NULL), db, &o, &r, &d), PT_OK);
	if (r) {
		CHECK_INT(pt_app_plan_sensitivity(&o, r, rows, &n, &d), PT_OK);
		CHECK(n >= 4 && n <= PT_PLAN_VARIANTS_MAX);
		CHECK(rows[0].base && rows[0].cost_eur == r->result.cost_eur);
		for (i = 1; i < n; i++)
			CHECK(!rows[i].base);
	}
	CHECK_INT(pt_app_plan_sensitivity(&o, NULL, rows, &n, &d), PT_EINVAL);
	pt_plan_run_free(r);
	pt_db_close(db);
}

/* Two runs chose the same measures at the same cost and reduction. */
static int same_plan(const struct pt_plan_run *a, const struct pt_plan_run *b)
{
	return a->result.n_sites == b->result.n_sites && a->result.cost_eur == b->result.cost_eur &&
	       a->result.risk_reduction_eur == b->result.risk_reduction_eur &&
	       a->result.measures_chosen == b->result.measures_chosen &&
	       memcmp(a->result.choice, b->result.choice,
		      a->result.n_sites * sizeof *a->result.choice) == 0;
}

static struct pt_plan_run *cached_run(struct pt_db *db, const struct pt_principal *who,
				      struct pt_plan_cache *cache, double budget)
{
	struct pt_plan_run *r = NULL;
	struct pt_plan_opts o;
	struct pt_diag d;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.budget_eur = budget;
	o.solver = PT_SOLVER_FAST;
	o.cache = cache;
	CHECK_INT(pt_app_plan_run(as(who), db, &o, &r, &d), PT_OK);
	return r;
}

static void test_plan_cache(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_plan_cache *cache = NULL, *small = NULL;
	struct pt_plan_cache_stats st;
	struct pt_plan_run *r1, *r2, *plain, *r3, *r4;
	struct pt_site_measure_list l;
	struct pt_diag d;
	size_t one;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_plan_cache_new(64u << 20, &cache), PT_OK);
	if (!cache)
		return;

	/* The first run builds and keeps the model; a budget change reuses it. */
	r1 = cached_run(db, NULL, cache, 1e9);
	r2 = cached_run(db, NULL, cache, 5e4);
	plain = cached_run(db, NULL, NULL, 5e4);
	CHECK(r1 && r2 && plain);
	if (r1 && r2 && plain) {
		CHECK(!r1->cache_hit && r2->cache_hit && !plain->cache_hit);
		CHECK(r2->model == r1->model); /* shared, not built again */
		CHECK(same_plan(r2, plain));  /* the same plan as one built afresh */
		CHECK(r2->result.cost_eur <= 5e4 && r1->result.cost_eur > r2->result.cost_eur);
	}
	pt_plan_cache_stats(cache, &st);
	CHECK_INT(st.hits, 1);
	CHECK_INT(st.misses, 1);
	CHECK_INT(st.entries, 1);
	CHECK(st.bytes > 0 && st.bytes <= st.max_bytes);
	one = st.bytes;
	pt_plan_run_free(plain);

	/* Another view (the operator of A reads fewer sites) is another model. */
	r3 = cached_run(db, &opa, cache, 5e4);
	CHECK(r3 && !r3->cache_hit && r3->ranking->sites.n < r1->ranking->sites.n);
	pt_plan_run_free(r3);
	r3 = cached_run(db, &opa, cache, 1e9);
	CHECK(r3 && r3->cache_hit);
	pt_plan_run_free(r3);
	pt_plan_cache_stats(cache, &st);
	CHECK_INT(st.entries, 2);

	/* A write (measures in place at a site) changes the data version: built again. */
	memset(&l, 0, sizeof l);
	sm_add(&l, "PS-003", "film", 2);
	CHECK_INT(pt_app_site_measures_import(as(NULL), db, &l, &d), PT_OK);
	pt_site_measure_list_clear(&l);
	r3 = cached_run(db, NULL, cache, 5e4);
	CHECK(r3 && !r3->cache_hit && r3->model != r1->model);
	pt_plan_cache_stats(cache, &st);
	CHECK_INT(st.entries, 1); /* the older version's models are dropped */
	CHECK_INT(st.evictions, 2);
	pt_plan_run_free(r3);

	/* The bound: room for one model; a second view evicts the first. */
	CHECK_INT(pt_plan_cache_new(one + one / 2, &small), PT_OK);
	r3 = cached_run(db, NULL, small, 5e4);
	r4 = cached_run(db, &opa, small, 5e4);
	pt_plan_run_free(r3);
	pt_plan_run_free(r4);
	pt_plan_cache_stats(small, &st);
	CHECK_INT(st.entries, 1);
	CHECK_INT(st.evictions, 1);
	CHECK(st.bytes <= one + one / 2);
	r3 = cached_run(db, NULL, small, 5e4);
	CHECK(r3 && !r3->cache_hit);
	pt_plan_run_free(r3);
	pt_plan_cache_free(small);
	/* A model larger than the bound is not kept. */
	CHECK_INT(pt_plan_cache_new(16, &small), PT_OK);
	r3 = cached_run(db, NULL, small, 5e4);
	CHECK(r3 && !r3->cache_hit && r3->result.measures_chosen > 0);
	pt_plan_cache_stats(small, &st);
	CHECK_INT(st.entries, 0);
	pt_plan_run_free(r3);
	pt_plan_cache_free(small);

	/* Runs outlive the cache: the model they share stays until the last goes. */
	pt_plan_cache_free(cache);
	if (r1 && r2)
		CHECK(r2->model->n_sites == r1->model->n_sites);
	pt_plan_run_free(r1);
	pt_plan_run_free(r2);
	CHECK_INT(pt_plan_cache_new(1, NULL), PT_EINVAL);
	pt_plan_cache_free(NULL);
	pt_db_close(db);
}

int main(void)
{
	RUN(test_plan_run_existing_and_filters);
	RUN(test_plan_save_commits);
	RUN(test_plan_save_refused_first);
	RUN(test_saved_plan_for_callers);
	RUN(test_saved_plan_whole_view);
	RUN(test_plan_sensitivity);
	RUN(test_plan_cache);
	return TEST_SUMMARY("app_plan");
}
