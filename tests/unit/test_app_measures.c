/* test_app_measures.c - unit tests of src/app/pt_app_measures.c and the
 * measures store on ":memory:": the catalogue, its import (all or nothing,
 * who may), measures in place at sites. */
#include "app_plan_fixture.h"

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
	pt_measure_catalog_clear(&c);
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
	pt_measure_catalog_clear(&c);

	/* An effect naming a measure that is neither imported nor stored. */
	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_measure_catalog_add(&c, &m), PT_OK);
	effect_add(&c, "ghost", "pbied", 0.5);
	CHECK_INT(pt_app_measures_import(as(NULL), db, &c, &d), PT_EINVAL);
	CHECK_STR(d.field, "measure_id");
	CHECK(strstr(d.msg, "unknown measure ghost") != NULL);
	pt_measure_catalog_clear(&c);

	/* A measure with a bad field names the measure and the field. */
	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	measure_make(&m, "broken", 1, 0, 0, 0);
	m.rights[PT_RIGHT_PRIVACY] = 7;
	CHECK_INT(pt_measure_catalog_add(&c, &m), PT_OK);
	CHECK_INT(pt_app_measures_import(as(NULL), db, &c, &d), PT_EINVAL);
	CHECK_STR(d.field, "privacy");
	CHECK(strncmp(d.msg, "measure broken: ", 16) == 0);
	pt_measure_catalog_clear(&c);

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
	pt_measure_catalog_clear(&back);

	/* The coordinator may; the film's effect rows are replaced by none. */
	CHECK_INT(pt_app_measures_import(as(&coord), db, &c, &d), PT_OK);
	CHECK_INT(pt_db_measures_load(db, &back, &d), PT_OK);
	CHECK_NEAR(back.items[0].capex_eur, 99999, 0);
	CHECK_INT(back.n_effects, 3);
	pt_measure_catalog_clear(&back);
	pt_measure_catalog_clear(&c);
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
	pt_site_measure_list_clear(&l);

	memset(&d, 0, sizeof d);
	sm_add(&l, "PS-001", "film", 2);
	sm_add(&l, "PS-001", "teleporter", 3);
	CHECK_INT(pt_app_site_measures_import(as(NULL), db, &l, &d), PT_EINVAL);
	CHECK_INT(d.line, 3);
	CHECK_STR(d.field, "measure_id");
	CHECK_STR(d.msg, "unknown measure teleporter");
	pt_site_measure_list_clear(&l);

	/* Operator A: B's AMBER site is unknown to it, B's GREEN site not its to change. */
	memset(&d, 0, sizeof d);
	sm_add(&l, "PS-001", "film", 2);
	sm_add(&l, "PS-004", "film", 3);
	CHECK_INT(pt_app_site_measures_import(as(&opa), db, &l, &d), PT_EINVAL);
	CHECK_INT(d.line, 3);
	CHECK_STR(d.msg, "unknown site PS-004");
	pt_site_measure_list_clear(&l);
	memset(&d, 0, sizeof d);
	sm_add(&l, "PS-001", "film", 2);
	sm_add(&l, "PS-003", "film", 3);
	CHECK_INT(pt_app_site_measures_import(as(&opa), db, &l, &d), PT_EFORBIDDEN);
	CHECK_INT(d.line, 3);
	CHECK_STR(d.field, "site_id");
	pt_site_measure_list_clear(&l);

	/* Nothing of the refused files was stored. */
	CHECK_INT(pt_db_site_measures_list(db, NULL, &rows, &n, &d), PT_OK);
	CHECK_INT(n, 0);
	free(rows);

	sm_add(&l, "PS-001", "film", 2);
	CHECK_INT(pt_app_site_measures_import(as(&opa), db, &l, &d), PT_OK);
	pt_site_measure_list_clear(&l);
	sm_add(&l, "PS-003", "film", 2);
	sm_add(&l, "PS-003", "guards", 3);
	CHECK_INT(pt_app_site_measures_import(as(&opb), db, &l, &d), PT_OK);
	pt_site_measure_list_clear(&l);
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


/* The measures at one site, for those who may read it. */
static void test_site_measures_list(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_site_measure_list l;
	struct pt_site_measures m;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	memset(&l, 0, sizeof l);
	sm_add(&l, "PS-004", "film", 2);
	CHECK_INT(pt_app_site_measures_import(as(NULL), db, &l, &d), PT_OK);
	pt_site_measure_list_clear(&l);
	CHECK_INT(pt_app_site_measures_list(as(&opb), db, "PS-004", NULL, &m, &d), PT_OK);
	CHECK_INT(m.n, 1);
	CHECK(m.n == 1 && strcmp(m.rows[0].measure_id, "film") == 0 &&
	      m.rows[0].status == PT_SM_EXISTING);
	CHECK(pt_measure_catalog_find(&m.catalog, "film") >= 0);
	pt_site_measures_clear(&m);
	/* B's AMBER site: hidden from A's operator, as a missing one is. */
	CHECK_INT(pt_app_site_measures_list(as(&opa), db, "PS-004", NULL, &m, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_site_measures_list(as(&opa), db, "PS-999", NULL, &m, &d), PT_ENOTFOUND);
	pt_db_close(db);
}

int main(void)
{
	RUN(test_measures_round_trip);
	RUN(test_measures_import_all_or_nothing);
	RUN(test_site_measures_import);
	RUN(test_site_measures_list);
	return TEST_SUMMARY("app_measures");
}
