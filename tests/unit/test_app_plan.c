/* test_app_plan.c - unit tests of the plan's use cases (src/app/pt_app_plan*.c,
 * pt_app_measures.c) and their store files on ":memory:": the measure
 * catalogue, measures at sites, plan runs, saved plans and their site lines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_assess_io.h"
#include "formats/pt_diag.h"
#include "formats/pt_embedded.h"
#include "formats/pt_sites_io.h"
#include "pt_test.h"
#include "store/pt_audit.h"
#include "app/pt_app_measures.h"
#include "app/pt_app_plan.h"
#include "app/pt_app_register.h"
#include "store/pt_measures_store.h"
#include "store/pt_plans_store.h"
#include "store/pt_ranking.h"
#include "store/pt_users.h"

/* The callers of the tests: a government coordinator, operators of A and B. */
static struct pt_principal coord, opa, opb;
static long long coord_id, opa_id, opb_id, gov_org, a_org, b_org;

/* The caller of a use case for who (NULL: the system administrator), named as the user. */
static const struct pt_caller *as(const struct pt_principal *who)
{
	static struct pt_caller callers[4];
	static unsigned next;
	struct pt_caller *c = &callers[next++ % 4];
	pt_caller_system(c);
	if (who) {
		c->who = *who;
		pt_strlcpy(c->name,
			   who == &coord ? "coord" : who == &opa ? "opa" : who == &opb ? "opb" : "user",
			   sizeof c->name);
	}
	return c;
}

/* The whole register as who sees it: *e new (free()). */
static enum pt_err reg_list(struct pt_db *db, const struct pt_principal *who, const char *site,
			    struct pt_register_entry **e, size_t *n, struct pt_diag *d)
{
	struct pt_register_list l;
	enum pt_err err = pt_app_register_list(as(who), db, site, 0, (size_t)-1, NULL, &l, d);
	*e = l.items;
	*n = l.n;
	free(l.can_treat);
	return err;
}

static void load_catalog(const char *name, struct pt_catalog *c)
{
	const struct pt_embedded_file *f = pt_embedded_find(name);
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK(f != NULL);
	if (f)
		CHECK_INT(pt_catalog_read_csv(f->data, f->len, c, &d), PT_OK);
}

static void site_make(struct pt_site *s, const char *id, const char *owner, const char *region,
		      enum pt_tlp tlp)
{
	memset(s, 0, sizeof *s);
	pt_strlcpy(s->id, id, sizeof s->id);
	snprintf(s->name, sizeof s->name, "Test site %s", id);
	pt_strlcpy(s->kind, "soft_target", sizeof s->kind);
	pt_strlcpy(s->sector, "stadium_arena", sizeof s->sector);
	pt_strlcpy(s->owner, owner, sizeof s->owner);
	s->lat = 50;
	s->lon = 10;
	pt_strlcpy(s->region, region, sizeof s->region);
	s->capacity = 2000;
	s->peak_occupancy = 1000;
	s->population_served = 0;
	s->economic_value_eur = 50e6;
	s->tlp = tlp;
}

static void quant_add(struct pt_assessment_set *set, const char *site, const char *threat,
		      double p_attempt, double p_success, double loss_eur)
{
	struct pt_quant_row q;
	const double v[PT_QV_COUNT] = {p_attempt, p_success, 0, 0, loss_eur};
	memset(&q, 0, sizeof q);
	pt_strlcpy(q.site_id, site, sizeof q.site_id);
	pt_strlcpy(q.threat_id, threat, sizeof q.threat_id);
	for (int i = 0; i < PT_QV_COUNT; i++)
		q.var[i].min = q.var[i].mode = q.var[i].max = v[i];
	CHECK_INT(pt_assessment_set_add_quant(set, &q, 0), PT_OK);
}

static void user_make(struct pt_db *db, const char *name, enum pt_role role, long long org,
		      long long *id, struct pt_principal *p)
{
	struct pt_user u;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_user_add(db, name, "password-of-tests", role, org, id, &d), PT_OK);
	CHECK_INT(pt_db_user_get(db, name, &u, &d), PT_OK);
	pt_user_principal(&u, p);
}

/*
 * A registry of four sites: PS-001 (A, GREEN, North; a very high vehicle
 * ramming risk and a low pbied one), PS-002 (A, AMBER, South), PS-003
 * (B, GREEN, North), PS-004 (B, AMBER, North); three users.
 */
static struct pt_db *open_registry(void)
{
	static const unsigned char key[PT_AUDIT_KEY_BYTES] = {4, 2, 4, 2};
	struct pt_catalogs cat;
	struct pt_site_list sites;
	struct pt_assessment_set set;
	struct pt_site s;
	struct pt_diag d;
	struct pt_db *db = NULL;
	const struct pt_embedded_file *f;
	char **keys = NULL, **values = NULL;
	size_t n = 0;

	memset(&cat, 0, sizeof cat);
	memset(&sites, 0, sizeof sites);
	memset(&set, 0, sizeof set);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(":memory:", 1, &db, &d), PT_OK);
	CHECK_INT(pt_audit_set_key(db, key, &d), PT_OK);
	load_catalog("catalog/kinds.csv", &cat.kinds);
	load_catalog("catalog/sectors.csv", &cat.sectors);
	load_catalog("catalog/threats.csv", &cat.threats);
	f = pt_embedded_find("catalog/settings.csv");
	CHECK(f != NULL);
	CHECK_INT(pt_settings_read_csv(f->data, f->len, &keys, &values, &n, &d), PT_OK);
	CHECK_INT(pt_db_seed(db, &cat, (const char *const *)keys, (const char *const *)values, n, &d),
		  PT_OK);
	pt_settings_free(keys, values, n);
	CHECK_INT(pt_db_org_add(db, "Ministry", PT_ORG_GOVERNMENT, &gov_org, &d), PT_OK);
	CHECK_INT(pt_db_org_add(db, "Operator A", PT_ORG_OPERATOR, &a_org, &d), PT_OK);
	CHECK_INT(pt_db_org_add(db, "Operator B", PT_ORG_OPERATOR, &b_org, &d), PT_OK);
	site_make(&s, "PS-001", "Operator A", "North", PT_TLP_GREEN);
	CHECK_INT(pt_site_list_append(&sites, &s, 0), PT_OK);
	site_make(&s, "PS-002", "Operator A", "South", PT_TLP_AMBER);
	CHECK_INT(pt_site_list_append(&sites, &s, 0), PT_OK);
	site_make(&s, "PS-003", "Operator B", "North", PT_TLP_GREEN);
	CHECK_INT(pt_site_list_append(&sites, &s, 0), PT_OK);
	site_make(&s, "PS-004", "Operator B", "North", PT_TLP_AMBER);
	CHECK_INT(pt_site_list_append(&sites, &s, 0), PT_OK);
	CHECK_INT(pt_db_sites_import(db, &sites, NULL, NULL, &d), PT_OK);
	set.method = PT_METHOD_QUANT;
	quant_add(&set, "PS-001", "vehicle_ramming", 0.05, 0.5, 200e6);
	quant_add(&set, "PS-001", "pbied", 0.0001, 0.1, 1e5);
	quant_add(&set, "PS-002", "vehicle_ramming", 0.01, 0.3, 50e6);
	quant_add(&set, "PS-003", "vehicle_ramming", 0.02, 0.5, 100e6);
	quant_add(&set, "PS-004", "vehicle_ramming", 0.02, 0.5, 100e6);
	CHECK_INT(pt_db_assessments_import(db, &set, &d), PT_OK);
	user_make(db, "coord", PT_ROLE_COORDINATOR, gov_org, &coord_id, &coord);
	user_make(db, "opa", PT_ROLE_OPERATOR, a_org, &opa_id, &opa);
	user_make(db, "opb", PT_ROLE_OPERATOR, b_org, &opb_id, &opb);
	pt_assessment_set_free(&set);
	pt_site_list_free(&sites);
	pt_catalog_free(&cat.kinds);
	pt_catalog_free(&cat.sectors);
	pt_catalog_free(&cat.threats);
	return db;
}

static void measure_make(struct pt_measure *m, const char *id, double capex, double opex,
			 int movement, int removes_step_free)
{
	memset(m, 0, sizeof *m);
	pt_strlcpy(m->id, id, sizeof m->id);
	snprintf(m->name, sizeof m->name, "Measure %s", id);
	m->family = PT_FAMILY_PHYSICAL;
	m->capex_eur = capex;
	m->opex_eur_year = opex;
	m->lifetime_years = 20;
	m->rights[PT_RIGHT_MOVEMENT] = movement;
	m->removes_step_free = removes_step_free;
	pt_strlcpy(m->kinds, "*", sizeof m->kinds);
	pt_strlcpy(m->sectors, "*", sizeof m->sectors);
}

static void effect_add(struct pt_measure_catalog *c, const char *measure, const char *threat,
		       double v)
{
	struct pt_measure_effect e;
	memset(&e, 0, sizeof e);
	pt_strlcpy(e.measure_id, measure, sizeof e.measure_id);
	pt_strlcpy(e.threat_id, threat, sizeof e.threat_id);
	e.v_reduction = v;
	CHECK_INT(pt_measure_catalog_add_effect(c, &e), PT_OK);
}

/* Three measures: film (not intrusive), guards (movement 1), ramps removed (never chosen). */
static void catalogue_make(struct pt_measure_catalog *c)
{
	struct pt_measure m;
	memset(c, 0, sizeof *c);
	measure_make(&m, "film", 10000, 0, 0, 0);
	CHECK_INT(pt_measure_catalog_add(c, &m), PT_OK);
	measure_make(&m, "guards", 0, 20000, 1, 0);
	CHECK_INT(pt_measure_catalog_add(c, &m), PT_OK);
	measure_make(&m, "no_ramps", 5000, 0, 0, 1);
	CHECK_INT(pt_measure_catalog_add(c, &m), PT_OK);
	effect_add(c, "film", "vehicle_ramming", 0.3);
	effect_add(c, "guards", "vehicle_ramming", 0.5);
	effect_add(c, "guards", "pbied", 0.2);
	effect_add(c, "no_ramps", "vehicle_ramming", 0.9);
}

static struct pt_db *open_with_measures(void)
{
	struct pt_db *db = open_registry();
	struct pt_measure_catalog c;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	catalogue_make(&c);
	CHECK_INT(pt_app_measures_import(as(NULL), db, &c, &d), PT_OK);
	pt_measure_catalog_free(&c);
	return db;
}

static void sm_add(struct pt_site_measure_list *l, const char *site, const char *measure,
		   long line)
{
	struct pt_site_measure m;
	memset(&m, 0, sizeof m);
	pt_strlcpy(m.site_id, site, sizeof m.site_id);
	pt_strlcpy(m.measure_id, measure, sizeof m.measure_id);
	m.line = line;
	CHECK_INT(pt_site_measure_list_append(l, &m), PT_OK);
}

/* ---- the measure catalogue ----------------------------------------------- */

static void test_measures_round_trip(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_measure_catalog c;
	struct pt_diag d;
	long i;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_measures_load(db, &c, &d), PT_OK);
	CHECK_INT(c.n, 3);
	CHECK_INT(c.n_effects, 4);
	CHECK_STR(c.items[0].id, "film"); /* id order */
	CHECK_STR(c.items[1].id, "guards");
	CHECK_STR(c.items[2].id, "no_ramps");
	i = pt_measure_catalog_find(&c, "guards");
	CHECK(i >= 0);
	if (i >= 0) {
		CHECK_STR(c.items[i].name, "Measure guards");
		CHECK_INT(c.items[i].family, PT_FAMILY_PHYSICAL);
		CHECK_NEAR(c.items[i].opex_eur_year, 20000, 0);
		CHECK_INT(c.items[i].rights[PT_RIGHT_MOVEMENT], 1);
		CHECK_INT(c.items[i].lifetime_years, 20);
		CHECK_STR(c.items[i].kinds, "*");
	}
	CHECK_INT(c.items[2].removes_step_free, 1);
	CHECK_STR(c.effects[1].measure_id, "guards");
	CHECK_STR(c.effects[1].threat_id, "pbied");
	CHECK_NEAR(c.effects[1].v_reduction, 0.2, 0);
	pt_measure_catalog_free(&c);
	pt_db_close(db);
}

static void test_measures_import_all_or_nothing(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_measure_catalog c, back;
	struct pt_measure m;
	struct pt_diag d;

	/* A changed measure with an effect on an unknown threat: nothing changes. */
	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	measure_make(&m, "film", 99999, 0, 0, 0);
	pt_strlcpy(m.name, "Renamed film", sizeof m.name);
	CHECK_INT(pt_measure_catalog_add(&c, &m), PT_OK);
	effect_add(&c, "film", "alien_invasion", 0.5);
	CHECK_INT(pt_app_measures_import(as(NULL), db, &c, &d), PT_EINVAL);
	CHECK_STR(d.field, "threat_id");
	CHECK(strstr(d.msg, "unknown threat alien_invasion") != NULL);
	pt_measure_catalog_free(&c);

	/* An effect naming a measure that is neither imported nor stored. */
	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_measure_catalog_add(&c, &m), PT_OK);
	effect_add(&c, "ghost", "pbied", 0.5);
	CHECK_INT(pt_app_measures_import(as(NULL), db, &c, &d), PT_EINVAL);
	CHECK_STR(d.field, "measure_id");
	CHECK(strstr(d.msg, "unknown measure ghost") != NULL);
	pt_measure_catalog_free(&c);

	/* A measure with a bad field names the measure and the field. */
	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	measure_make(&m, "broken", 1, 0, 0, 0);
	m.rights[PT_RIGHT_PRIVACY] = 7;
	CHECK_INT(pt_measure_catalog_add(&c, &m), PT_OK);
	CHECK_INT(pt_app_measures_import(as(NULL), db, &c, &d), PT_EINVAL);
	CHECK_STR(d.field, "privacy");
	CHECK(strncmp(d.msg, "measure broken: ", 16) == 0);
	pt_measure_catalog_free(&c);

	/* Only government admins and coordinators change the catalogue. */
	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	measure_make(&m, "film", 99999, 0, 0, 0);
	CHECK_INT(pt_measure_catalog_add(&c, &m), PT_OK);
	CHECK_INT(pt_app_measures_import(as(&opa), db, &c, &d), PT_EFORBIDDEN);

	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_measures_load(db, &back, &d), PT_OK);
	CHECK_INT(back.n, 3);
	CHECK_INT(back.n_effects, 4);
	CHECK_STR(back.items[0].name, "Measure film");
	CHECK_NEAR(back.items[0].capex_eur, 10000, 0);
	pt_measure_catalog_free(&back);

	/* The coordinator may; the film's effect rows are replaced by none. */
	CHECK_INT(pt_app_measures_import(as(&coord), db, &c, &d), PT_OK);
	CHECK_INT(pt_db_measures_load(db, &back, &d), PT_OK);
	CHECK_NEAR(back.items[0].capex_eur, 99999, 0);
	CHECK_INT(back.n_effects, 3);
	pt_measure_catalog_free(&back);
	pt_measure_catalog_free(&c);
	pt_db_close(db);
}

/* ---- measures at sites --------------------------------------------------- */

static void test_site_measures_import(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_site_measure_list l;
	struct pt_site_measure_row *rows = NULL;
	struct pt_diag d;
	size_t n = 0;

	memset(&l, 0, sizeof l);
	memset(&d, 0, sizeof d);
	sm_add(&l, "PS-001", "film", 2);
	sm_add(&l, "VM-999", "film", 3);
	CHECK_INT(pt_app_site_measures_import(as(NULL), db, &l, &d), PT_EINVAL);
	CHECK_INT(d.line, 3);
	CHECK_STR(d.field, "site_id");
	CHECK_STR(d.msg, "unknown site VM-999");
	pt_site_measure_list_free(&l);

	memset(&d, 0, sizeof d);
	sm_add(&l, "PS-001", "film", 2);
	sm_add(&l, "PS-001", "teleporter", 3);
	CHECK_INT(pt_app_site_measures_import(as(NULL), db, &l, &d), PT_EINVAL);
	CHECK_INT(d.line, 3);
	CHECK_STR(d.field, "measure_id");
	CHECK_STR(d.msg, "unknown measure teleporter");
	pt_site_measure_list_free(&l);

	/* Operator A: B's AMBER site is unknown to it, B's GREEN site not its to change. */
	memset(&d, 0, sizeof d);
	sm_add(&l, "PS-001", "film", 2);
	sm_add(&l, "PS-004", "film", 3);
	CHECK_INT(pt_app_site_measures_import(as(&opa), db, &l, &d), PT_EINVAL);
	CHECK_INT(d.line, 3);
	CHECK_STR(d.msg, "unknown site PS-004");
	pt_site_measure_list_free(&l);
	memset(&d, 0, sizeof d);
	sm_add(&l, "PS-001", "film", 2);
	sm_add(&l, "PS-003", "film", 3);
	CHECK_INT(pt_app_site_measures_import(as(&opa), db, &l, &d), PT_EFORBIDDEN);
	CHECK_INT(d.line, 3);
	CHECK_STR(d.field, "site_id");
	pt_site_measure_list_free(&l);

	/* Nothing of the refused files was stored. */
	CHECK_INT(pt_db_site_measures_list(db, NULL, &rows, &n, &d), PT_OK);
	CHECK_INT(n, 0);
	free(rows);

	sm_add(&l, "PS-001", "film", 2);
	CHECK_INT(pt_app_site_measures_import(as(&opa), db, &l, &d), PT_OK);
	pt_site_measure_list_free(&l);
	sm_add(&l, "PS-003", "film", 2);
	sm_add(&l, "PS-003", "guards", 3);
	CHECK_INT(pt_app_site_measures_import(as(&opb), db, &l, &d), PT_OK);
	pt_site_measure_list_free(&l);
	CHECK_INT(pt_db_site_measures_list(db, "PS-003", &rows, &n, &d), PT_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(rows[0].measure_id, "film");
		CHECK_STR(rows[1].measure_id, "guards");
		CHECK_INT(rows[1].status, PT_SM_EXISTING);
		CHECK_STR(rows[1].plan, "");
		CHECK_STR(pt_site_measure_status_name(rows[1].status), "existing");
	}
	free(rows);
	pt_db_close(db);
}

/* ---- running and saving plans -------------------------------------------- */

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
	pt_site_measure_list_free(&l);

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

	CHECK_INT(pt_app_plan_save(as(&opa), db, "first", r, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_app_plan_save(as(NULL), db, "not a name", r, &d), PT_EINVAL);
	CHECK_STR(d.field, "name");
	pt_db_set_actor(db, coord_id, gov_org, "coord", 0);
	CHECK_INT(pt_app_plan_save(as(&coord), db, "first", r, &d), PT_OK);
	CHECK_INT(pt_app_plan_save(as(&coord), db, "first", r, &d), PT_ECONFLICT);
	CHECK_STR(d.msg, "a plan named first exists");

	/* Every chosen measure is now committed at its site by the plan. */
	CHECK_INT(pt_db_site_measures_list(db, NULL, &rows, &n, &d), PT_OK);
	for (i = 0; i < n; i++) {
		CHECK_INT(rows[i].status, PT_SM_COMMITTED);
		CHECK_STR(rows[i].plan, "first");
		CHECK_STR(rows[i].added_by, "coord");
		committed++;
	}
	CHECK_INT(committed, r->result.measures_chosen);
	free(rows);

	/* A new run does not offer them again, and PS-001's risk before falls. */
	CHECK_INT(run(db, NULL, NULL, 1e9, &again), PT_OK);
	if (again) {
		long t = run_site(again, "PS-001");
		CHECK(t >= 0 && !offered(again, t, "film"));
		CHECK(t >= 0 && again->model->sites[t].risk_before_eur_year < before);
	}
	pt_plan_run_free(again);

	/* Saved plans, newest first, with their JSON. */
	CHECK_INT(pt_app_plan_save(as(NULL), db, "second", r, &d), PT_OK);
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
		CHECK(strstr(h[0].detail, "committed by plan first") != NULL);
	}
	free(h);
	pt_plan_run_free(r);
	pt_db_close(db);
}

/* ---- the risk register --------------------------------------------------- */

static const struct pt_register_entry *entry(const struct pt_register_entry *e, size_t n,
					     const char *site, const char *threat)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].site_id, site) == 0 && strcmp(e[i].threat_id, threat) == 0)
			return &e[i];
	return NULL;
}

static void test_register_list(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_register_entry *e = NULL;
	const struct pt_register_entry *x;
	struct pt_diag d;
	size_t n = 0, i;
	memset(&d, 0, sizeof d);
	CHECK_INT(reg_list(db, NULL, NULL, &e, &n, &d), PT_OK);
	CHECK_INT(n, 5);
	for (i = 1; i < n; i++)
		CHECK(e[i - 1].risk_eur_year >= e[i].risk_eur_year);
	x = entry(e, n, "PS-001", "vehicle_ramming");
	CHECK(x && x->band == PT_BAND_VERY_HIGH && x->treatment == PT_TREAT_NONE);
	CHECK(x && strcmp(x->owner_org, "Operator A") == 0);
	x = entry(e, n, "PS-001", "pbied");
	CHECK(x && x->band == PT_BAND_LOW);
	free(e);
	CHECK_INT(reg_list(db, &opa, NULL, &e, &n, &d), PT_OK);
	CHECK_INT(n, 4); /* PS-004 is B's AMBER */
	CHECK(entry(e, n, "PS-004", "vehicle_ramming") == NULL);
	free(e);
	CHECK_INT(reg_list(db, &opa, "PS-004", &e, &n, &d), PT_ENOTFOUND);
	CHECK_INT(reg_list(db, NULL, "PS-001", &e, &n, &d), PT_OK);
	CHECK_INT(n, 2);
	free(e);
	pt_db_close(db);
}

static enum pt_err set(struct pt_db *db, const struct pt_principal *who, const char *site,
		       const char *threat, const char *treatment, const char *responsible,
		       const char *date, const char *measures, struct pt_diag *d)
{
	struct pt_register_change c;
	memset(&c, 0, sizeof c);
	memset(d, 0, sizeof *d);
	c.treatment = treatment;
	c.responsible = responsible;
	c.review_date = date;
	c.measures = measures;
	return pt_app_register_set(as(who), db, site, threat, &c, d);
}

static void test_register_decisions(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_register_entry *e = NULL;
	const struct pt_register_entry *x;
	struct pt_register_history_row *h = NULL;
	struct pt_site_measure_list l;
	struct pt_diag d;
	size_t n = 0;

	memset(&l, 0, sizeof l);
	sm_add(&l, "PS-001", "film", 2);
	CHECK_INT(pt_app_site_measures_import(as(NULL), db, &l, &d), PT_OK);
	pt_site_measure_list_free(&l);

	/* The owning operator records reduce. */
	pt_db_set_actor(db, opa_id, a_org, "opa", 0);
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", "reduce", "opa", "2027-03-31", "film",
		      &d),
		  PT_OK);
	CHECK_INT(reg_list(db, &opa, "PS-001", &e, &n, &d), PT_OK);
	x = entry(e, n, "PS-001", "vehicle_ramming");
	CHECK(x != NULL);
	if (x) {
		CHECK_INT(x->treatment, PT_TREAT_REDUCE);
		CHECK_STR(x->responsible, "opa");
		CHECK_STR(x->review_date, "2027-03-31");
		CHECK_STR(x->measures, "film");
		CHECK_STR(x->updated_by, "opa");
		CHECK_INT(x->needs_approval, 0);
	}
	free(e);

	/* Another organisation's operator: B may not see A's AMBER site, nor decide on A's GREEN one. */
	pt_db_set_actor(db, opb_id, b_org, "opb", 0);
	CHECK_INT(set(db, &opb, "PS-002", "vehicle_ramming", "accept", NULL, NULL, NULL, &d),
		  PT_ENOTFOUND);
	CHECK_STR(d.msg, "unknown site PS-002");
	CHECK_INT(set(db, &opb, "PS-001", "vehicle_ramming", "accept", NULL, NULL, NULL, &d),
		  PT_EFORBIDDEN);
	CHECK_STR(d.msg,
		  "only the owning organisation or a government coordinator records decisions on PS-001");

	/* Bad input, each naming its field. */
	pt_db_set_actor(db, opa_id, a_org, "opa", 0);
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", NULL, NULL, "2027-02-30", NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "review_date");
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", NULL, NULL, "31/03/2027", NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "review_date");
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", NULL, "nobody", NULL, NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "responsible");
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", NULL, "opb", NULL, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "responsible");
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", NULL, NULL, NULL, "film;guards", &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "measures");
	CHECK_STR(d.msg, "measure guards is not in place or committed at PS-001");
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", "none", NULL, NULL, NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "treatment");
	CHECK_INT(set(db, &opa, "PS-001", "arson", "reduce", NULL, NULL, NULL, &d), PT_ENOTFOUND);

	/* Accepting a very high risk awaits a government coordinator's approval. */
	CHECK_INT(set(db, &opa, "PS-001", "vehicle_ramming", "accept", NULL, NULL, NULL, &d), PT_OK);
	CHECK_INT(reg_list(db, NULL, "PS-001", &e, &n, &d), PT_OK);
	x = entry(e, n, "PS-001", "vehicle_ramming");
	CHECK(x && x->treatment == PT_TREAT_ACCEPT && x->needs_approval == 1 && x->approved == 0);
	CHECK(x && strcmp(x->responsible, "opa") == 0); /* kept */
	free(e);
	CHECK_INT(pt_app_register_approve(as(&opa), db, "PS-001", "vehicle_ramming", &d), PT_EFORBIDDEN);
	pt_db_set_actor(db, coord_id, gov_org, "coord", 0);
	CHECK_INT(pt_app_register_approve(as(&coord), db, "PS-001", "vehicle_ramming", &d), PT_OK);
	CHECK_INT(pt_app_register_approve(as(&coord), db, "PS-001", "vehicle_ramming", &d), PT_EINVAL);
	CHECK(strstr(d.msg, "nothing awaits approval") != NULL);
	CHECK_INT(reg_list(db, NULL, "PS-001", &e, &n, &d), PT_OK);
	x = entry(e, n, "PS-001", "vehicle_ramming");
	CHECK(x && x->approved == 1 && strcmp(x->approved_by, "coord") == 0);
	x = entry(e, n, "PS-001", "pbied");
	CHECK(x && x->treatment == PT_TREAT_NONE);
	free(e);

	/* Accepting a low risk needs nothing; a coordinator's acceptance is approved at once. */
	pt_db_set_actor(db, opa_id, a_org, "opa", 0);
	CHECK_INT(set(db, &opa, "PS-001", "pbied", "accept", NULL, NULL, NULL, &d), PT_OK);
	pt_db_set_actor(db, coord_id, gov_org, "coord", 0);
	CHECK_INT(set(db, &coord, "PS-002", "vehicle_ramming", "accept", NULL, NULL, NULL, &d), PT_OK);
	CHECK_INT(reg_list(db, NULL, NULL, &e, &n, &d), PT_OK);
	x = entry(e, n, "PS-001", "pbied");
	CHECK(x && x->treatment == PT_TREAT_ACCEPT && x->needs_approval == 0);
	x = entry(e, n, "PS-002", "vehicle_ramming");
	CHECK(x && x->needs_approval == 1 && x->approved == 1);
	free(e);

	/* History in order, with what changed and who changed it. */
	CHECK_INT(pt_app_register_history(as(&opa), db, "PS-001", "vehicle_ramming", &h, &n, &d), PT_OK);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(h[0].action, "set");
		CHECK_STR(h[0].actor, "opa");
		CHECK(strstr(h[0].detail, "treatment none -> reduce") != NULL);
		CHECK(strstr(h[0].detail, "review_date -> 2027-03-31") != NULL);
		CHECK(strstr(h[1].detail, "treatment reduce -> accept") != NULL);
		CHECK(strstr(h[1].detail, "awaits") != NULL);
		CHECK_STR(h[2].action, "approve");
		CHECK_STR(h[2].actor, "coord");
	}
	free(h);
	CHECK_INT(pt_app_register_history(as(&opb), db, "PS-002", "vehicle_ramming", &h, &n, &d),
		  PT_ENOTFOUND);
	pt_db_close(db);
}

int main(void)
{
	RUN(test_measures_round_trip);
	RUN(test_measures_import_all_or_nothing);
	RUN(test_site_measures_import);
	RUN(test_plan_run_existing_and_filters);
	RUN(test_plan_save_commits);
	RUN(test_register_list);
	RUN(test_register_decisions);
	return TEST_SUMMARY("app_plan");
}
