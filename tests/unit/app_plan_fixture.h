/* app_plan_fixture.h - what the tests of the measures, plan and register use
 * cases share: a registry of four sites and three users on ":memory:", a measure catalogue. */
#ifndef APP_PLAN_FIXTURE_H
#define APP_PLAN_FIXTURE_H
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
static inline const struct pt_caller *as(const struct pt_principal *who)
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
static inline enum pt_err reg_list(struct pt_db *db, const struct pt_principal *who, const char *site,
			    struct pt_register_entry **e, size_t *n, struct pt_diag *d)
{
	struct pt_register_list l;
	enum pt_err err = pt_app_register_list(as(who), db, site, 0, (size_t)-1, NULL, &l, d);
	*e = l.items;
	*n = l.n;
	free(l.can_treat);
	return err;
}

static inline void load_catalog(const char *name, struct pt_catalog *c)
{
	const struct pt_embedded_file *f = pt_embedded_find(name);
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK(f != NULL);
	if (f)
		CHECK_INT(pt_catalog_read_csv(f->data, f->len, c, &d), PT_OK);
}

static inline void site_make(struct pt_site *s, const char *id, const char *owner, const char *region,
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

static inline void quant_add(struct pt_assessment_set *set, const char *site, const char *threat,
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

static inline void user_make(struct pt_db *db, const char *name, enum pt_role role, long long org,
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
static inline struct pt_db *open_registry(void)
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
	pt_assessment_set_clear(&set);
	pt_site_list_clear(&sites);
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
	return db;
}

static inline void measure_make(struct pt_measure *m, const char *id, double capex, double opex,
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

static inline void effect_add(struct pt_measure_catalog *c, const char *measure, const char *threat,
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
static inline void catalogue_make(struct pt_measure_catalog *c)
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

static inline struct pt_db *open_with_measures(void)
{
	struct pt_db *db = open_registry();
	struct pt_measure_catalog c;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	catalogue_make(&c);
	CHECK_INT(pt_app_measures_import(as(NULL), db, &c, &d), PT_OK);
	pt_measure_catalog_clear(&c);
	return db;
}

static inline void sm_add(struct pt_site_measure_list *l, const char *site, const char *measure,
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

#endif
