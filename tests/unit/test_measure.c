/* test_measure.c - unit tests of src/core/pt_measure.c: names, the
 * catalogue, row checks naming the column, where a measure applies,
 * intrusiveness, the effect matrix, present values and size classes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_measure.h"
#include "pt_test.h"

static struct pt_measure measure(const char *id)
{
	struct pt_measure m;
	memset(&m, 0, sizeof m);
	pt_strlcpy(m.id, id, sizeof m.id);
	pt_strlcpy(m.name, "Hostile vehicle mitigation bollards", sizeof m.name);
	m.family = PT_FAMILY_PHYSICAL;
	m.capex_eur = 100000;
	m.opex_eur_year = 5000;
	m.lifetime_years = 4;
	pt_strlcpy(m.kinds, "*", sizeof m.kinds);
	pt_strlcpy(m.sectors, "*", sizeof m.sectors);
	return m;
}

static void test_names(void)
{
	enum pt_measure_family f = PT_FAMILY_PREVENT;
	CHECK_STR(pt_measure_family_name(PT_FAMILY_PHYSICAL), "physical_protection");
	CHECK_STR(pt_measure_family_name(PT_FAMILY_AWARENESS), "awareness_training");
	CHECK_STR(pt_measure_family_name((enum pt_measure_family)PT_FAMILY_COUNT), "");
	CHECK_INT(pt_measure_family_parse("respond_mitigate", &f), PT_OK);
	CHECK_INT(f, PT_FAMILY_RESPOND);
	CHECK_INT(pt_measure_family_parse("Respond_mitigate", &f), PT_EINVAL);
	CHECK_INT(pt_measure_family_parse(NULL, &f), PT_EINVAL);
	CHECK_STR(pt_right_name(PT_RIGHT_MOVEMENT), "movement");
	CHECK_STR(pt_right_name(PT_RIGHT_DISCRIMINATION), "discrimination");
	CHECK_STR(pt_size_class_name(PT_SIZE_VERY_LARGE), "very large");
	CHECK_STR(pt_size_class_name((enum pt_size_class)9), "");
}

static void test_catalog(void)
{
	struct pt_measure_catalog c;
	struct pt_measure m = measure("hvm_bollards");
	struct pt_measure_effect e;
	memset(&c, 0, sizeof c);
	memset(&e, 0, sizeof e);
	CHECK_INT(pt_measure_catalog_add(&c, &m), PT_OK);
	m = measure("cctv");
	CHECK_INT(pt_measure_catalog_add(&c, &m), PT_OK);
	CHECK_INT(pt_measure_catalog_add(&c, &m), PT_ECONFLICT);
	CHECK_INT(c.n, 2);
	CHECK_INT(pt_measure_catalog_find(&c, "cctv"), 1);
	CHECK_INT(pt_measure_catalog_find(&c, "CCTV"), -1);
	pt_strlcpy(e.measure_id, "cctv", sizeof e.measure_id);
	pt_strlcpy(e.threat_id, "arson", sizeof e.threat_id);
	e.v_reduction = 0.2;
	CHECK_INT(pt_measure_catalog_add_effect(&c, &e), PT_OK);
	pt_strlcpy(e.threat_id, "vehicle_ramming", sizeof e.threat_id);
	CHECK_INT(pt_measure_catalog_add_effect(&c, &e), PT_OK);
	e.v_reduction = 0.5; /* the same pair again, other figures */
	CHECK_INT(pt_measure_catalog_add_effect(&c, &e), PT_ECONFLICT);
	CHECK_INT(c.n_effects, 2);
	pt_measure_catalog_clear(&c);
	CHECK_INT(c.n, 0);
	CHECK(c.items == NULL && c.effects == NULL);
	pt_measure_catalog_clear(NULL);
}

static void test_catalog_limit(void)
{
	struct pt_measure_catalog c;
	struct pt_measure m = measure("m");
	size_t i;
	memset(&c, 0, sizeof c);
	for (i = 0; i < PT_MEASURES_MAX; i++) {
		char id[16];
		size_t k = i, n = 0;
		char rev[16];
		do {
			rev[n++] = (char)('0' + k % 10);
			k /= 10;
		} while (k);
		id[0] = 'm';
		for (k = 0; k < n; k++)
			id[k + 1] = rev[n - 1 - k];
		id[n + 1] = '\0';
		pt_strlcpy(m.id, id, sizeof m.id);
		if (pt_measure_catalog_add(&c, &m) != PT_OK)
			break;
	}
	CHECK_INT(c.n, PT_MEASURES_MAX);
	pt_strlcpy(m.id, "one_more", sizeof m.id);
	CHECK_INT(pt_measure_catalog_add(&c, &m), PT_ELIMIT);
	pt_measure_catalog_clear(&c);
}

/* pt_measure_check fails on field with msg. */
static void check_bad(const struct pt_measure *m, const struct pt_catalogs *cat,
		      const char *field, const char *msg)
{
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_measure_check(m, cat, &d, 7), PT_EINVAL);
	CHECK_INT(d.line, 7);
	CHECK_STR(d.field, field);
	CHECK_STR(d.msg, msg);
}

static void test_check(void)
{
	struct pt_catalogs cat;
	struct pt_catalog_entry e;
	struct pt_measure m = measure("hvm_bollards"), bad;
	struct pt_diag d;
	memset(&cat, 0, sizeof cat);
	memset(&e, 0, sizeof e);
	memset(&d, 0, sizeof d);
	pt_strlcpy(e.id, "soft_target", sizeof e.id);
	pt_catalog_append(&cat.kinds, &e);
	pt_strlcpy(e.id, "health", sizeof e.id);
	pt_catalog_append(&cat.sectors, &e);
	pt_strlcpy(e.id, "retail", sizeof e.id);
	pt_catalog_append(&cat.sectors, &e);

	CHECK_INT(pt_measure_check(&m, &cat, &d, 2), PT_OK);
	pt_strlcpy(m.sectors, "health;retail", sizeof m.sectors);
	pt_strlcpy(m.kinds, "soft_target", sizeof m.kinds);
	CHECK_INT(pt_measure_check(&m, &cat, &d, 2), PT_OK);

	bad = m;
	bad.id[0] = '\0';
	check_bad(&bad, &cat, "id", "missing value");
	bad = m;
	pt_strlcpy(bad.id, "hvm bollards", sizeof bad.id);
	check_bad(&bad, &cat, "id",
		  "\"hvm bollards\" is not a valid id (1-63 letters, digits, '.', '_' or '-')");
	bad = m;
	bad.name[0] = '\0';
	check_bad(&bad, &cat, "name", "missing value");
	bad = m;
	bad.capex_eur = -1;
	check_bad(&bad, &cat, "capex_eur", "must be a number from 0 to 1000000000000");
	bad = m;
	bad.opex_eur_year = NAN;
	check_bad(&bad, &cat, "opex_eur_year", "must be a number from 0 to 1000000000000");
	bad = m;
	bad.lifetime_years = 0;
	check_bad(&bad, &cat, "lifetime_years", "must be a whole number from 1 to 100");
	bad = m;
	bad.lifetime_years = 101;
	check_bad(&bad, &cat, "lifetime_years", "must be a whole number from 1 to 100");
	bad = m;
	bad.rights[PT_RIGHT_DISCRIMINATION] = 4;
	check_bad(&bad, &cat, "discrimination", "must be a whole number from 0 to 3");
	bad = m;
	bad.rights[PT_RIGHT_PRIVACY] = -1;
	check_bad(&bad, &cat, "privacy", "must be a whole number from 0 to 3");
	bad = m;
	bad.legal_basis = 3;
	check_bad(&bad, &cat, "legal_basis", "must be none, entry or statute");
	bad = m;
	bad.cost_driver = PT_COST_DRIVER_COUNT;
	check_bad(&bad, &cat, "cost_driver",
		  "must be one of size, site, staff, entrances, perimeter_m, vehicle_approaches, "
		  "screened_per_day, control_systems");
	bad = m;
	bad.needs = 8;
	check_bad(&bad, &cat, "needs", "unknown condition");
	bad = m;
	bad.removes_step_free = -1;
	check_bad(&bad, &cat, "removes_step_free", "must be 0 or 1");
	bad = m;
	pt_strlcpy(bad.kinds, "soft_target;stadium", sizeof bad.kinds);
	check_bad(&bad, &cat, "kinds", "unknown kind \"stadium\"");
	bad = m;
	pt_strlcpy(bad.sectors, "health;;retail", sizeof bad.sectors);
	check_bad(&bad, &cat, "sectors", "empty id in the list");
	bad = m;
	bad.sectors[0] = '\0';
	check_bad(&bad, &cat, "sectors", "missing value; \"*\" or ids separated by ';'");
	bad = m;
	pt_strlcpy(bad.exclusive_group, "a group", sizeof bad.exclusive_group);
	check_bad(&bad, &cat, "exclusive_group",
		  "\"a group\" is not a valid id (1-63 letters, digits, '.', '_' or '-')");
	/* Without catalogues, ids are checked for form only. */
	bad = m;
	pt_strlcpy(bad.kinds, "stadium", sizeof bad.kinds);
	CHECK_INT(pt_measure_check(&bad, NULL, &d, 3), PT_OK);
	pt_strlcpy(bad.kinds, "sta dium", sizeof bad.kinds);
	CHECK_INT(pt_measure_check(&bad, NULL, &d, 3), PT_EINVAL);
	CHECK_STR(d.field, "kinds");
	/* An unterminated id is too long, never read past its end. */
	bad = m;
	memset(bad.id, 'a', sizeof bad.id);
	check_bad(&bad, &cat, "id", "too long (at most 63 bytes)");

	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
}

static void test_effect_check(void)
{
	struct pt_measure_effect e;
	struct pt_diag d;
	memset(&e, 0, sizeof e);
	memset(&d, 0, sizeof d);
	pt_strlcpy(e.measure_id, "cctv", sizeof e.measure_id);
	pt_strlcpy(e.threat_id, "arson", sizeof e.threat_id);
	e.v_reduction = 1;
	e.c_reduction = 0;
	CHECK_INT(pt_measure_effect_check(&e, &d, 4), PT_OK);
	e.v_reduction = 1.5;
	CHECK_INT(pt_measure_effect_check(&e, &d, 4), PT_EINVAL);
	CHECK_STR(d.field, "v_reduction");
	CHECK_STR(d.msg, "must be a number from 0 to 1");
	CHECK_INT(d.line, 4);
	e.v_reduction = 0.5;
	e.c_reduction = NAN;
	CHECK_INT(pt_measure_effect_check(&e, &d, 5), PT_EINVAL);
	CHECK_STR(d.field, "c_reduction");
	e.c_reduction = 0;
	e.threat_id[0] = '\0';
	CHECK_INT(pt_measure_effect_check(&e, &d, 6), PT_EINVAL);
	CHECK_STR(d.field, "threat_id");
}

static void test_intrusiveness_applies(void)
{
	struct pt_measure m = measure("screening");
	CHECK_INT(pt_measure_intrusiveness(&m), 0);
	m.rights[PT_RIGHT_PRIVACY] = 1;
	m.rights[PT_RIGHT_MOVEMENT] = 3;
	m.rights[PT_RIGHT_DISCRIMINATION] = 2;
	CHECK_INT(pt_measure_intrusiveness(&m), 3);
	m.rights[PT_RIGHT_MOVEMENT] = 0;
	CHECK_INT(pt_measure_intrusiveness(&m), 2);

	CHECK(pt_measure_applies(&m, "soft_target", "health"));
	pt_strlcpy(m.kinds, "soft_target;public_space", sizeof m.kinds);
	pt_strlcpy(m.sectors, "health", sizeof m.sectors);
	CHECK(pt_measure_applies(&m, "public_space", "health"));
	CHECK(pt_measure_applies(&m, "soft_target", "health"));
	CHECK(!pt_measure_applies(&m, "critical_infrastructure", "health"));
	CHECK(!pt_measure_applies(&m, "soft_target", "energy"));
	/* Exact ids: a prefix or a longer id does not match. */
	CHECK(!pt_measure_applies(&m, "soft", "health"));
	CHECK(!pt_measure_applies(&m, "soft_target", "health_care"));
	CHECK(!pt_measure_applies(&m, "", "health"));
	CHECK(!pt_measure_applies(&m, NULL, "health"));
}

static void test_effect_matrix(void)
{
	struct pt_measure_catalog c;
	struct pt_catalog threats;
	struct pt_catalog_entry t;
	struct pt_measure m;
	struct pt_measure_effect e;
	struct pt_diag d;
	double *v = NULL, *cr = NULL;
	memset(&c, 0, sizeof c);
	memset(&threats, 0, sizeof threats);
	memset(&t, 0, sizeof t);
	memset(&e, 0, sizeof e);
	memset(&d, 0, sizeof d);
	pt_strlcpy(t.id, "arson", sizeof t.id);
	pt_catalog_append(&threats, &t);
	pt_strlcpy(t.id, "vehicle_ramming", sizeof t.id);
	pt_catalog_append(&threats, &t);
	m = measure("bollards");
	pt_measure_catalog_add(&c, &m);
	m = measure("sprinklers");
	pt_measure_catalog_add(&c, &m);
	pt_strlcpy(e.measure_id, "bollards", sizeof e.measure_id);
	pt_strlcpy(e.threat_id, "vehicle_ramming", sizeof e.threat_id);
	e.v_reduction = 0.8;
	pt_measure_catalog_add_effect(&c, &e);
	pt_strlcpy(e.measure_id, "sprinklers", sizeof e.measure_id);
	pt_strlcpy(e.threat_id, "arson", sizeof e.threat_id);
	e.v_reduction = 0.1;
	e.c_reduction = 0.6;
	pt_measure_catalog_add_effect(&c, &e);
	CHECK_INT(pt_measure_effect_matrix(&c, &threats, &v, &cr, &d), PT_OK);
	if (v && cr) {
		CHECK_NEAR(v[0 * 2 + 0], 0, 0);   /* bollards x arson: no row */
		CHECK_NEAR(v[0 * 2 + 1], 0.8, 0); /* bollards x vehicle_ramming */
		CHECK_NEAR(cr[0 * 2 + 1], 0, 0);
		CHECK_NEAR(v[1 * 2 + 0], 0.1, 0);
		CHECK_NEAR(cr[1 * 2 + 0], 0.6, 0);
		CHECK_NEAR(cr[1 * 2 + 1], 0, 0);
	}
	free(v);
	free(cr);
	/* An effect for a threat not in the catalogue names it. */
	pt_strlcpy(e.threat_id, "drone", sizeof e.threat_id);
	pt_measure_catalog_add_effect(&c, &e);
	CHECK_INT(pt_measure_effect_matrix(&c, &threats, &v, &cr, &d), PT_EINVAL);
	CHECK(v == NULL && cr == NULL);
	CHECK_STR(d.field, "threat_id");
	CHECK_STR(d.msg, "\"drone\" is not a threat of the catalogue");
	pt_measure_catalog_clear(&c);
	pt_catalog_clear(&threats);
}

static void test_annuity(void)
{
	double want = 0;
	int t;
	CHECK_NEAR(pt_annuity_factor(0, 10), 10, 0);
	CHECK_NEAR(pt_annuity_factor(0, 1), 1, 0);
	for (t = 1; t <= 10; t++)
		want += 1 / pow(1.03, t);
	CHECK_NEAR(pt_annuity_factor(0.03, 10), want, 1e-9);
	/* The closed form (1 - 1.03^-10) / 0.03 = 8.5302 (table value). */
	CHECK_NEAR(pt_annuity_factor(0.03, 10), 8.530203, 1e-6);
}

static void test_pv_cost(void)
{
	struct pt_measure m = measure("bollards");
	double want;
	/* capex 100000 every 4 years: bought at t = 0, 4, 8 within 10 years; no
	 * residual value for the purchase at 8 that lasts to 12. */
	want = 100000 * (1 + pow(1.03, -4) + pow(1.03, -8)) + 5000 * pt_annuity_factor(0.03, 10);
	CHECK_NEAR(pt_measure_pv_cost(&m, 1, 0.03, 10), want, 1e-6);
	CHECK_NEAR(pt_measure_pv_cost(&m, 1, 0.03, 10), 100000 + 88848.71 + 78940.92 + 42651.02,
		   0.01);
	/* The size factor scales everything. */
	CHECK_NEAR(pt_measure_pv_cost(&m, 2, 0.03, 10), 2 * want, 1e-6);
	/* At rate 0: 3 purchases and 10 years of running costs. */
	CHECK_NEAR(pt_measure_pv_cost(&m, 1, 0, 10), 300000 + 50000, 0);
	/* A lifetime equal to the horizon: one purchase; one year longer too. */
	m.lifetime_years = 10;
	CHECK_NEAR(pt_measure_pv_cost(&m, 1, 0, 10), 100000 + 50000, 0);
	m.lifetime_years = 9;
	CHECK_NEAR(pt_measure_pv_cost(&m, 1, 0, 10), 200000 + 50000, 0);
	m.lifetime_years = 1;
	CHECK_NEAR(pt_measure_pv_cost(&m, 1, 0, 10), 1000000 + 50000, 0);
}

static void test_size_class(void)
{
	struct pt_config cfg;
	struct pt_site s;
	pt_config_defaults(&cfg);
	memset(&s, 0, sizeof s);
	s.peak_occupancy = 499;
	s.economic_value_eur = 9999999;
	CHECK_INT(pt_site_size_class(&cfg, &s), PT_SIZE_SMALL);
	s.peak_occupancy = 500; /* plan.size.occupancy.medium_min */
	CHECK_INT(pt_site_size_class(&cfg, &s), PT_SIZE_MEDIUM);
	s.peak_occupancy = 4999;
	CHECK_INT(pt_site_size_class(&cfg, &s), PT_SIZE_MEDIUM);
	s.peak_occupancy = 5000;
	CHECK_INT(pt_site_size_class(&cfg, &s), PT_SIZE_LARGE);
	s.peak_occupancy = 25000;
	CHECK_INT(pt_site_size_class(&cfg, &s), PT_SIZE_VERY_LARGE);
	/* The larger of the two classes: few people, high value. */
	s.peak_occupancy = 10;
	s.economic_value_eur = 100000000;
	CHECK_INT(pt_site_size_class(&cfg, &s), PT_SIZE_LARGE);
	s.economic_value_eur = 500000000;
	CHECK_INT(pt_site_size_class(&cfg, &s), PT_SIZE_VERY_LARGE);
	s.economic_value_eur = 499999999;
	s.peak_occupancy = 30000;
	CHECK_INT(pt_site_size_class(&cfg, &s), PT_SIZE_VERY_LARGE);
	/* Value not given (negative or NaN) counts as nothing. */
	s.peak_occupancy = 0;
	s.economic_value_eur = -1;
	CHECK_INT(pt_site_size_class(&cfg, &s), PT_SIZE_SMALL);
	s.economic_value_eur = NAN;
	CHECK_INT(pt_site_size_class(&cfg, &s), PT_SIZE_SMALL);
}

/* issue 11 (fit): names, flag lists, the cost by driver with its fallback, and misfits. */
static void test_fit_core(void)
{
	struct pt_measure m;
	struct pt_site s;
	unsigned bits = 0;
	char buf[128];
	int drv = -1, est = -1;
	enum pt_legal_basis b = PT_BASIS_NONE;
	CHECK_STR(pt_cost_driver_name(PT_COST_DRIVER + PT_DRIVER_SCREENED_PER_DAY), "screened_per_day");
	CHECK_INT(pt_cost_driver_parse("site", &drv), PT_OK);
	CHECK_INT(drv, PT_COST_SITE);
	CHECK_INT(pt_cost_driver_parse("people", &drv), PT_EINVAL);
	CHECK_INT(pt_legal_basis_parse("entry", &b), PT_OK);
	CHECK_INT(b, PT_BASIS_ENTRY);
	CHECK_INT(pt_legal_basis_parse("1", &b), PT_EINVAL);
	CHECK_INT(pt_measure_parse_flags("dpia;human_review", 1, &bits, NULL, 0, "safeguards"), PT_OK);
	CHECK_INT(bits, (1u << PT_SAFEGUARD_DPIA) | (1u << PT_SAFEGUARD_HUMAN_REVIEW));
	pt_measure_format_flags(bits, 1, buf, sizeof buf);
	CHECK_STR(buf, "dpia;human_review");
	CHECK_INT(pt_measure_parse_flags("staffed;enclosed", 0, &bits, NULL, 0, "needs"), PT_OK);
	pt_measure_format_flags(bits, 0, buf, sizeof buf);
	CHECK_STR(buf, "enclosed;staffed");
	CHECK_INT(pt_measure_parse_flags("enclosed;", 0, &bits, NULL, 0, "needs"), PT_EINVAL);

	memset(&m, 0, sizeof m);
	m.capex_eur = 1000;
	m.opex_eur_year = 100;
	m.lifetime_years = 10;
	m.cost_driver = PT_COST_DRIVER + PT_DRIVER_ENTRANCES;
	m.unit_capex_eur = 50;
	m.unit_opex_eur_year = 10;
	memset(&s, 0, sizeof s);
	pt_strlcpy(s.kind, "soft_target", sizeof s.kind);
	/* unknown: size rule at factor 2, estimated; 10 years, no discounting */
	CHECK_NEAR(pt_measure_site_cost(&m, &s, 2, 0, 10, &est), 2 * (1000 + 100 * 10.0), 1e-9);
	CHECK_INT(est, 1);
	s.drivers[PT_DRIVER_ENTRANCES] = 6;
	s.drivers_known = 1u << PT_DRIVER_ENTRANCES;
	CHECK_NEAR(pt_measure_site_cost(&m, &s, 2, 0, 10, &est), 6 * (50 + 10 * 10.0), 1e-9);
	CHECK_INT(est, 0);
	CHECK_INT(pt_measure_misfit(&m, &s), 0);
	s.drivers[PT_DRIVER_ENTRANCES] = 0;
	CHECK_INT(pt_measure_misfit(&m, &s), PT_NEED_ALL + 1 + PT_DRIVER_ENTRANCES);
	m.needs = PT_NEED_ENCLOSED;
	s.enclosed = PT_TRI_NO;
	CHECK_INT(pt_measure_misfit(&m, &s), PT_NEED_ENCLOSED);
	/* the defaults of an unknown site: a public space open and unstaffed */
	s.enclosed = PT_TRI_UNKNOWN;
	CHECK_INT(pt_site_is_enclosed(&s), 1);
	pt_strlcpy(s.kind, "public_space", sizeof s.kind);
	CHECK_INT(pt_site_is_enclosed(&s), 0);
	CHECK_INT(pt_site_is_staffed(&s), 0);
	s.staffed = PT_TRI_YES;
	CHECK_INT(pt_site_is_staffed(&s), 1);

	/* issue 11 review M3: enclosed (a building) versus controlled entry */
	CHECK_INT(pt_measure_parse_flags("controlled_entry;staffed", 0, &bits, NULL, 0, "needs"),
		  PT_OK);
	CHECK_INT(bits, PT_NEED_CONTROLLED_ENTRY | PT_NEED_STAFFED);
	pt_measure_format_flags(bits, 0, buf, sizeof buf);
	CHECK_STR(buf, "staffed;controlled_entry");
	{
		int e = 0;
		CHECK_INT(pt_enclosure_parse("fenced", &e), PT_OK);
		CHECK_INT(e, PT_ENCLOSURE_FENCED);
		CHECK_STR(pt_enclosure_name(e), "fenced");
		CHECK_INT(pt_enclosure_parse("open", &e), PT_OK);
		CHECK_INT(e, PT_TRI_NO); /* the old values keep their numbers */
		CHECK_INT(pt_enclosure_parse("roofless", &e), PT_EINVAL);
	}
	memset(&m, 0, sizeof m);
	memset(&s, 0, sizeof s);
	pt_strlcpy(s.kind, "soft_target", sizeof s.kind);
	s.enclosed = PT_ENCLOSURE_FENCED;
	CHECK_INT(pt_site_is_enclosed(&s), 0);
	CHECK_INT(pt_site_has_controlled_entry(&s), 1);
	CHECK_INT(pt_site_is_open_public(&s), 0);
	m.needs = PT_NEED_CONTROLLED_ENTRY;
	CHECK_INT(pt_measure_misfit(&m, &s), 0);
	m.needs = PT_NEED_ENCLOSED;
	CHECK_INT(pt_measure_misfit(&m, &s), PT_NEED_ENCLOSED);
	s.enclosed = PT_ENCLOSURE_OPEN;
	m.needs = PT_NEED_CONTROLLED_ENTRY;
	CHECK_INT(pt_measure_misfit(&m, &s), PT_NEED_CONTROLLED_ENTRY);
	CHECK_INT(pt_site_is_open_public(&s), 1);

	/* review M2: a statute for privacy intrusion at an open public space */
	m.needs = 0;
	m.legal_basis = PT_BASIS_NONE;
	m.rights[PT_RIGHT_PRIVACY] = 1;
	CHECK_INT(pt_measure_basis_at(&m, &s), PT_BASIS_STATUTE);
	m.legal_basis = PT_BASIS_ENTRY;
	CHECK_INT(pt_measure_basis_at(&m, &s), PT_BASIS_STATUTE);
	m.rights[PT_RIGHT_PRIVACY] = 0;
	CHECK_INT(pt_measure_basis_at(&m, &s), PT_BASIS_ENTRY);
	m.rights[PT_RIGHT_PRIVACY] = 2;
	s.enclosed = PT_ENCLOSURE_FENCED;
	CHECK_INT(pt_measure_basis_at(&m, &s), PT_BASIS_ENTRY);
	s.enclosed = PT_ENCLOSURE_UNKNOWN; /* unknown public space: open */
	pt_strlcpy(s.kind, "public_space", sizeof s.kind);
	m.legal_basis = PT_BASIS_NONE;
	CHECK_INT(pt_measure_basis_at(&m, &s), PT_BASIS_STATUTE);
	pt_strlcpy(s.kind, "critical_infrastructure", sizeof s.kind); /* not publicly accessible */
	s.enclosed = PT_ENCLOSURE_OPEN;
	CHECK_INT(pt_measure_basis_at(&m, &s), PT_BASIS_NONE);

	/* review M4: screened_per_day is the yearly average; lanes are bought for the peak */
	memset(&m, 0, sizeof m);
	m.lifetime_years = 10;
	m.cost_driver = PT_COST_DRIVER + PT_DRIVER_SCREENED_PER_DAY;
	m.unit_capex_eur = 33;
	m.unit_opex_eur_year = 70;
	memset(&s, 0, sizeof s);
	s.peak_occupancy = 52000;
	s.drivers[PT_DRIVER_SCREENED_PER_DAY] = 3562; /* 52,000 on 25 days a year */
	s.drivers_known = 1u << PT_DRIVER_SCREENED_PER_DAY;
	CHECK_NEAR(pt_measure_site_cost(&m, &s, 4, 0, 10, NULL), 33 * 52000.0 + 70 * 3562.0 * 10,
		   1e-6);
	s.drivers[PT_DRIVER_SCREENED_PER_DAY] = 60000; /* a station: more a day than at once */
	s.peak_occupancy = 18000;
	CHECK_NEAR(pt_measure_site_cost(&m, &s, 4, 0, 10, NULL), (33 + 70 * 10.0) * 60000, 1e-6);
}

int main(void)
{
	RUN(test_fit_core);
	RUN(test_names);
	RUN(test_catalog);
	RUN(test_catalog_limit);
	RUN(test_check);
	RUN(test_effect_check);
	RUN(test_intrusiveness_applies);
	RUN(test_effect_matrix);
	RUN(test_annuity);
	RUN(test_pv_cost);
	RUN(test_size_class);
	return TEST_SUMMARY("test_measure");
}
