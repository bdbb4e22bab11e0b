/* test_surge.c - issue 11 item 6: the surge catalogue and the screening of
 * surge measures at today's level above the planning level, and its CSV reader. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_surge.h"
#include "formats/pt_diag.h"
#include "formats/pt_plan_saved_io.h"
#include "formats/pt_surge_io.h"
#include "pt_test.h"

static struct pt_measure measure(const char *id, int privacy, int step_free, int legal)
{
	struct pt_measure m;
	memset(&m, 0, sizeof m);
	pt_strlcpy(m.id, id, sizeof m.id);
	pt_strlcpy(m.name, id, sizeof m.name);
	m.lifetime_years = 1;
	m.rights[PT_RIGHT_PRIVACY] = privacy;
	m.removes_step_free = step_free;
	m.legal_basis = legal;
	pt_strlcpy(m.kinds, "*", sizeof m.kinds);
	pt_strlcpy(m.sectors, "*", sizeof m.sectors);
	return m;
}

static struct pt_site site(const char *id, long long occupancy)
{
	struct pt_site s;
	memset(&s, 0, sizeof s);
	pt_strlcpy(s.id, id, sizeof s.id);
	pt_strlcpy(s.kind, "soft_target", sizeof s.kind);
	pt_strlcpy(s.sector, "health", sizeof s.sector);
	s.peak_occupancy = occupancy; /* 1000: medium, size factor 1 */
	s.legal_basis = PT_BASIS_ENTRY + 1; /* a condition of entry (0 would be unknown) */
	return s;
}

/* Two threats; measure k's v-effect on threat t is v[k * 2 + t]. */
struct fixture {
	struct pt_config cfg;
	struct pt_surge_catalog cat;
	double v[8], c[8];
	struct pt_surge_result r;
};

static void fx_init(struct fixture *f)
{
	struct pt_measure a = measure("patrols", 1, 0, 0);
	struct pt_measure b = measure("kerb", 0, 1, 0);
	struct pt_measure c = measure("checkpoints", 2, 0, PT_BASIS_ENTRY);
	struct pt_measure d = measure("threat1_only", 0, 0, 0);
	memset(f, 0, sizeof *f);
	pt_config_defaults(&f->cfg);
	CHECK_INT(pt_surge_catalog_add(&f->cat, &a, 1000), PT_OK);
	CHECK_INT(pt_surge_catalog_add(&f->cat, &b, 1000), PT_OK);
	CHECK_INT(pt_surge_catalog_add(&f->cat, &c, 1000), PT_OK);
	CHECK_INT(pt_surge_catalog_add(&f->cat, &d, 1000), PT_OK);
	CHECK_INT(pt_surge_catalog_add(&f->cat, &a, 1000), PT_ECONFLICT);
	f->v[0] = 0.5; /* patrols on threat 0 */
	f->v[2] = 0.5; /* kerb on threat 0 */
	f->v[4] = 0.5; /* checkpoints on threat 0 */
	f->v[7] = 0.5; /* threat1_only on threat 1 */
}

static void fx_clear(struct fixture *f)
{
	pt_surge_catalog_clear(&f->cat);
	pt_surge_result_clear(&f->r);
}

/* The line of measure m, or NULL. */
static const struct pt_surge_line *line_of(const struct pt_surge_result *r, uint32_t m)
{
	size_t i;
	for (i = 0; i < r->n; i++)
		if (r->lines[i].measure == m)
			return &r->lines[i];
	return NULL;
}

/* P(success) 0.05 (class 5) x C 5e7 (class 3): very high at CRITICAL; risk 2.5e6/yr. */
static void test_screen_critical(void)
{
	struct fixture f;
	struct pt_site s = site("S-1", 1000);
	struct pt_surge_pair pairs[2] = { { 0, PT_LEVEL_CRITICAL, 0.1, 0.5, 5e7 },
					  { 1, PT_LEVEL_SUBSTANTIAL, 0.1, 0.5, 5e7 } };
	struct pt_surge_site ss = { &s, pairs, 2 };
	const struct pt_surge_line *ln;
	fx_init(&f);
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &ss, 1, &f.r, NULL), PT_OK);
	CHECK_INT(f.r.planning, PT_LEVEL_SUBSTANTIAL);
	CHECK_INT(f.r.weeks, 4);
	CHECK_INT(f.r.n, 3); /* threat1_only: its threat is not raised, not screened */
	CHECK(line_of(&f.r, 3) == NULL);
	ln = line_of(&f.r, 0);
	CHECK(ln != NULL);
	if (ln) {
		CHECK_INT(ln->verdict, PT_SURGE_ADMITTED);
		CHECK_INT(ln->today, PT_LEVEL_CRITICAL);
		CHECK_NEAR(ln->reduction_eur_year, 1.25e6, 1e-6);
		CHECK_NEAR(ln->benefit_eur, 1.25e6 * 4 / 52, 1e-6);
		CHECK_NEAR(ln->weekly_eur, 1000, 1e-9);
		CHECK_NEAR(ln->total_eur, 4000, 1e-9);
		CHECK_NEAR(ln->bcr, 1.25e6 * 4 / 52 / 4000, 1e-9);
		CHECK_INT(ln->n_threats, 1);
		CHECK_INT(f.r.threats[ln->first_threat], 0);
	}
	ln = line_of(&f.r, 1);
	CHECK(ln && ln->verdict == PT_SURGE_STEP_FREE);
	ln = line_of(&f.r, 2); /* needs a condition of entry: the site has one */
	CHECK(ln && ln->verdict == PT_SURGE_ADMITTED);
	CHECK_INT(f.r.admitted, 2);
	CHECK_NEAR(f.r.weekly_total_eur, 2000, 1e-9);
	CHECK_NEAR(f.r.total_eur, 8000, 1e-9);
	pt_surge_result_clear(&f.r);
	/* a site without the basis (unknown counts as none) */
	s.legal_basis = 0;
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &ss, 1, &f.r, NULL), PT_OK);
	ln = line_of(&f.r, 2);
	CHECK(ln && ln->verdict == PT_SURGE_LEGAL_BASIS);
	CHECK_INT(f.r.rejected[PT_SURGE_LEGAL_BASIS], 1);
	fx_clear(&f);
}

/* Today at or below the planning level: no surge; a higher planning level takes it away. */
static void test_no_surge(void)
{
	struct fixture f;
	struct pt_site s = site("S-1", 1000);
	struct pt_surge_pair sub[1] = { { 0, PT_LEVEL_SUBSTANTIAL, 0.1, 0.5, 5e7 } };
	struct pt_surge_pair crit[1] = { { 0, PT_LEVEL_CRITICAL, 0.1, 0.5, 5e7 } };
	struct pt_surge_site a = { &s, sub, 1 }, b = { &s, crit, 1 };
	fx_init(&f);
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &a, 1, &f.r, NULL), PT_OK);
	CHECK_INT(f.r.n, 0);
	CHECK_INT(f.r.admitted, 0);
	pt_surge_result_clear(&f.r);
	CHECK_INT(pt_config_set(&f.cfg, "plan.planning_level", "CRITICAL", NULL), PT_OK);
	CHECK_INT(pt_config_planning_level(&f.cfg), PT_LEVEL_CRITICAL);
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &b, 1, &f.r, NULL), PT_OK);
	CHECK_INT(f.r.n, 0);
	pt_surge_result_clear(&f.r);
	CHECK_INT(pt_config_set(&f.cfg, "plan.planning_level", "4", NULL), PT_OK);
	CHECK_INT(pt_config_planning_level(&f.cfg), PT_LEVEL_SEVERE);
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &b, 1, &f.r, NULL), PT_OK);
	CHECK_INT(f.r.admitted, 2);
	fx_clear(&f);
}

/* Band of the raised threats at today's level, the BCR over the weeks, the size factor. */
static void test_band_bcr_size(void)
{
	struct fixture f;
	struct pt_site big = site("S-2", 6000); /* large: x2 */
	/* P(success) 1e-5 (class 1) x C 5e5 (class 1) = 1: low; risk 5/yr */
	struct pt_surge_pair low[1] = { { 0, PT_LEVEL_CRITICAL, 2e-5, 0.5, 5e5 } };
	struct pt_surge_pair high[1] = { { 0, PT_LEVEL_CRITICAL, 0.1, 0.5, 5e7 } };
	struct pt_surge_site a = { &big, low, 1 }, b = { &big, high, 1 };
	const struct pt_surge_line *ln;
	fx_init(&f);
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &a, 1, &f.r, NULL), PT_OK);
	ln = line_of(&f.r, 2); /* privacy 2 needs band medium: the band is low */
	CHECK(ln && ln->verdict == PT_SURGE_BAND && ln->band == PT_BAND_LOW);
	ln = line_of(&f.r, 0); /* privacy 1: any band; the benefit is tiny */
	CHECK(ln && ln->verdict == PT_SURGE_BCR);
	CHECK_INT(f.r.admitted, 0);
	pt_surge_result_clear(&f.r);
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &b, 1, &f.r, NULL), PT_OK);
	ln = line_of(&f.r, 0);
	CHECK(ln && ln->verdict == PT_SURGE_ADMITTED);
	if (ln) {
		CHECK_NEAR(ln->weekly_eur, 2000, 1e-9);
		CHECK_NEAR(ln->total_eur, 8000, 1e-9);
	}
	pt_surge_result_clear(&f.r);
	f.cfg.plan_surge_weeks = 10;
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &b, 1, &f.r, NULL), PT_OK);
	ln = line_of(&f.r, 0);
	CHECK(ln && ln->weeks == 10 && fabs(ln->total_eur - 20000) < 1e-9);
	fx_clear(&f);
}

/* Issue 11 M5: the weekly cost by the site's cost driver, as the plan's measures. */
static void test_cost_driver(void)
{
	struct fixture f;
	struct pt_site s = site("S-1", 6000); /* large: size factor 2 */
	struct pt_surge_pair crit[1] = { { 0, PT_LEVEL_CRITICAL, 0.1, 0.5, 5e7 } };
	struct pt_surge_site a = { &s, crit, 1 };
	const struct pt_surge_line *ln;
	int est = -1;
	fx_init(&f);
	f.cat.base.items[0].cost_driver = PT_COST_DRIVER + PT_DRIVER_ENTRANCES;
	f.cat.base.items[0].unit_opex_eur_year = 300; /* EUR 300 a week an entrance */
	f.cat.base.items[2].cost_driver = PT_COST_SITE;
	s.drivers[PT_DRIVER_ENTRANCES] = 4;
	s.drivers_known = 1u << PT_DRIVER_ENTRANCES;
	CHECK_NEAR(pt_surge_weekly_cost(&f.cat, 0, &s, 2, &est), 1200, 1e-9);
	CHECK_INT(est, 0);
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &a, 1, &f.r, NULL), PT_OK);
	ln = line_of(&f.r, 0);
	CHECK(ln && fabs(ln->weekly_eur - 1200) < 1e-9 && ln->cost_estimated == 0);
	CHECK(ln && fabs(ln->total_eur - 4800) < 1e-9);
	ln = line_of(&f.r, 2); /* once per site: no size factor */
	CHECK(ln && fabs(ln->weekly_eur - 1000) < 1e-9 && ln->cost_estimated == 0);
	pt_surge_result_clear(&f.r);
	/* the site gives no entrances: weekly_eur x size factor, estimated */
	s.drivers_known = 0;
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &a, 1, &f.r, NULL), PT_OK);
	ln = line_of(&f.r, 0);
	CHECK(ln && fabs(ln->weekly_eur - 2000) < 1e-9 && ln->cost_estimated == 1);
	CHECK_NEAR(pt_surge_weekly_cost(&f.cat, 0, &s, 2, &est), 2000, 1e-9);
	CHECK_INT(est, 1);
	CHECK_NEAR(pt_surge_weekly_cost(&f.cat, 99, &s, 2, NULL), 0, 0);
	f.cat.base.items[0].unit_opex_eur_year = 2e9;
	CHECK_INT(pt_surge_check(&f.cat.base.items[0], 1, NULL, NULL, 4), PT_EINVAL);
	fx_clear(&f);
}

/* Issue 11 M5: every rejected line with its rule and reason; safeguards of an admitted one. */
static void test_reasons(void)
{
	struct fixture f;
	struct pt_site s = site("S-1", 1000);
	struct pt_surge_pair crit[1] = { { 0, PT_LEVEL_CRITICAL, 0.1, 0.5, 5e7 } };
	struct pt_surge_site a = { &s, crit, 1 };
	struct pt_catalog threats;
	struct pt_catalog_entry t;
	struct pt_surge_view v;
	char buf[1024];
	json_t *rej, *adm, *o;
	size_t i;
	memset(&threats, 0, sizeof threats);
	memset(&t, 0, sizeof t);
	pt_strlcpy(t.id, "pbied", sizeof t.id);
	CHECK_INT(pt_catalog_append(&threats, &t), PT_OK);
	pt_strlcpy(t.id, "arson", sizeof t.id);
	CHECK_INT(pt_catalog_append(&threats, &t), PT_OK);
	fx_init(&f);
	s.legal_basis = 0; /* unknown: none */
	f.cat.base.items[0].safeguards = (1u << PT_SAFEGUARD_SIGNAGE) |
					 (1u << PT_SAFEGUARD_NON_DISCRIMINATION);
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &a, 1, &f.r, NULL), PT_OK);
	memset(&v, 0, sizeof v);
	v.cfg = &f.cfg;
	v.threats = &threats;
	v.sites = &s;
	v.catalog = &f.cat;
	v.result = &f.r;
	CHECK_INT(pt_surge_rejected_listed(&f.r), 2); /* kerb (step-free), checkpoints (basis) */
	pt_surge_reject_reason(&v, line_of(&f.r, 2), buf, sizeof buf);
	CHECK_STR(buf, "Needs a legal basis (entry) the site does not have (its basis: none); "
		       "plan.allow_legal_basis is 0.");
	pt_surge_reject_reason(&v, line_of(&f.r, 1), buf, sizeof buf);
	CHECK_STR(buf, "Removes step-free access: never chosen.");
	rej = pt_surge_rejected_json(&v);
	CHECK_INT(json_array_size(rej), 2);
	for (i = 0; i < json_array_size(rej); i++) {
		o = json_array_get(rej, i);
		CHECK_STR(json_string_value(json_object_get(o, "site_id")), "S-1");
		CHECK(strlen(json_string_value(json_object_get(o, "reason"))) > 10);
	}
	CHECK_STR(json_string_value(json_object_get(json_array_get(rej, 1), "verdict")),
		  "legal_basis");
	json_decref(rej);
	adm = pt_surge_lines_json(&v);
	CHECK_INT(json_array_size(adm), 1);
	o = json_object_get(json_array_get(adm, 0), "safeguards");
	CHECK_INT(json_array_size(o), 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(o, 0), "id")), "signage");
	CHECK_STR(json_string_value(json_object_get(json_array_get(o, 1), "id")),
		  "non_discrimination_policy");
	/* the texts are the plan's: pt_plan_io.c adds them (cases_surge.sh checks) */
	CHECK_STR(json_string_value(json_object_get(json_array_get(adm, 0), "cost_driver")), "size");
	CHECK(json_is_false(json_object_get(json_array_get(adm, 0), "legal_basis_missing")));
	json_decref(adm);
	/* plan.allow_legal_basis admits the checkpoints, flagged */
	pt_surge_result_clear(&f.r);
	f.cfg.plan_allow_legal_basis = 1;
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &a, 1, &f.r, NULL), PT_OK);
	CHECK(line_of(&f.r, 2) && line_of(&f.r, 2)->verdict == PT_SURGE_ADMITTED);
	CHECK(pt_surge_basis_missing(&v, line_of(&f.r, 2)));
	pt_surge_reason(&v, line_of(&f.r, 2), buf, sizeof buf);
	CHECK(strstr(buf, "admitted only because plan.allow_legal_basis is 1") != NULL);
	free(threats.items);
	fx_clear(&f);
}

static void test_bad_input(void)
{
	struct fixture f;
	struct pt_site s = site("S-1", 1000);
	struct pt_surge_pair bad[1] = { { 0, PT_LEVEL_CRITICAL, 1.5, 0.5, 5e7 } };
	struct pt_surge_site a = { &s, bad, 1 };
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_measure m = measure("x", 0, 0, 0);
	fx_init(&f);
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 2, &a, 1, &f.r, &d), PT_EINVAL);
	CHECK_STR(d.field, "S-1");
	CHECK_INT(f.r.n, 0);
	CHECK_INT(pt_surge_check(&m, -1, NULL, NULL, 3), PT_EINVAL);
	CHECK_INT(pt_surge_check(&m, NAN, NULL, NULL, 3), PT_EINVAL);
	CHECK_INT(pt_surge_check(&m, 2e9, NULL, NULL, 3), PT_EINVAL);
	CHECK_INT(pt_surge_check(&m, 0, NULL, NULL, 3), PT_OK);
	fx_clear(&f);
	pt_surge_catalog_clear(NULL);
	pt_surge_result_clear(NULL);
}

static void test_read_csv(void)
{
	static const char good[] =
		"id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,"
		"removes_step_free,kinds,sectors\n"
		"a,A,prevent,100,0,1,0,0,0,*,*\nb,B,physical_protection,2.5,1,0,0,1,0,*,*\n";
	static const char negative[] =
		"id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,"
		"removes_step_free,kinds,sectors\na,A,prevent,100,0,1,0,0,0,*,*\n"
		"b,B,prevent,-1,0,0,0,0,0,*,*\n";
	static const char dup[] =
		"id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,"
		"removes_step_free,kinds,sectors\na,A,prevent,1,0,0,0,0,0,*,*\n"
		"a,A,prevent,1,0,0,0,0,0,*,*\n";
	static const char effects[] = "measure_id,threat_id,v_reduction,c_reduction\na,t,0.2,0\n";
#define HDR "id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis," \
	    "removes_step_free,kinds,sectors,description,cost_driver,unit_weekly_eur,safeguards\n"
	static const char costs[] = HDR
		"a,A,prevent,3000,1,1,1,entry,0,*,*,Bags,entrances,750,signage;non_discrimination_policy\n"
		"b,B,prevent,100,0,0,0,none,0,*,*,,,,\n";
	static const char no_unit[] = HDR "a,A,prevent,3000,1,1,1,entry,0,*,*,Bags,entrances,,\n";
	static const char bad_guard[] = HDR "a,A,prevent,3000,1,1,1,entry,0,*,*,B,size,,blessing\n";
	static const char bad_driver[] = HDR "a,A,prevent,3000,1,1,1,entry,0,*,*,B,doors,1,\n";
#undef HDR
	struct pt_surge_catalog c;
	struct pt_diag d = PT_DIAG_INIT;
	memset(&c, 0, sizeof c);
	CHECK_INT(pt_surge_read_csv(good, strlen(good), NULL, &c, &d), PT_OK);
	CHECK_INT(c.base.n, 2);
	CHECK_NEAR(c.weekly_eur[1], 2.5, 1e-12);
	CHECK_INT(c.base.items[1].legal_basis, PT_BASIS_STATUTE); /* the old 1 */
	CHECK_INT(pt_surge_effects_read_csv(effects, strlen(effects), NULL, NULL, &c, &d), PT_OK);
	CHECK_INT(c.base.n_effects, 1);
	CHECK_INT(pt_surge_read_csv(negative, strlen(negative), NULL, &c, &d), PT_EINVAL);
	CHECK_INT(c.base.n, 0); /* all or nothing */
	CHECK_INT(d.line, 3);
	CHECK_STR(d.field, "weekly_eur");
	pt_diag_clear(&d);
	CHECK_INT(pt_surge_read_csv(dup, strlen(dup), NULL, &c, &d), PT_EINVAL);
	CHECK_INT(d.line, 3);
	CHECK_STR(d.msg, "duplicate id \"a\" (first on line 2)");
	pt_diag_clear(&d);
	{ /* issue 11 review M3: an optional needs column, checked, all or nothing */
		static const char needs[] =
			"id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,"
			"removes_step_free,kinds,sectors,needs\na,A,prevent,1,0,0,0,0,0,*,*,\n"
			"b,B,prevent,1,1,0,0,entry,0,*,*,controlled_entry\n";
		static const char bad_needs[] =
			"id,name,family,weekly_eur,privacy,movement,discrimination,legal_basis,"
			"removes_step_free,kinds,sectors,needs\na,A,prevent,1,0,0,0,0,0,*,*,\n"
			"b,B,prevent,1,1,0,0,entry,0,*,*,roofed\n";
		CHECK_INT(pt_surge_read_csv(needs, strlen(needs), NULL, &c, &d), PT_OK);
		CHECK_INT(c.base.n, 2);
		CHECK_INT(c.base.n == 2 ? c.base.items[1].needs : 0, PT_NEED_CONTROLLED_ENTRY);
		CHECK_INT(pt_surge_read_csv(bad_needs, strlen(bad_needs), NULL, &c, &d), PT_EINVAL);
		CHECK_INT(c.base.n, 0);
		CHECK_INT(d.line, 3);
		CHECK_STR(d.field, "needs");
	}
	/* issue 11 M5: cost driver, unit weekly cost and safeguards (optional, at the end) */
	CHECK_INT(pt_surge_read_csv(costs, strlen(costs), NULL, &c, &d), PT_OK);
	CHECK_INT(c.base.n, 2);
	CHECK_INT(c.base.items[0].cost_driver, PT_COST_DRIVER + PT_DRIVER_ENTRANCES);
	CHECK_NEAR(c.base.items[0].unit_opex_eur_year, 750, 1e-12);
	CHECK_INT(c.base.items[0].safeguards,
		  (1u << PT_SAFEGUARD_SIGNAGE) | (1u << PT_SAFEGUARD_NON_DISCRIMINATION));
	CHECK_INT(c.base.items[1].cost_driver, PT_COST_SIZE);
	CHECK_INT(c.base.items[1].safeguards, 0);
	CHECK_INT(pt_surge_read_csv(no_unit, strlen(no_unit), NULL, &c, &d), PT_EINVAL);
	CHECK_INT(d.line, 2);
	CHECK_STR(d.field, "unit_weekly_eur");
	pt_diag_clear(&d);
	CHECK_INT(pt_surge_read_csv(bad_guard, strlen(bad_guard), NULL, &c, &d), PT_EINVAL);
	CHECK_STR(d.field, "safeguards");
	CHECK(strstr(d.msg, "unknown safeguard \"blessing\"") != NULL);
	pt_diag_clear(&d);
	CHECK_INT(pt_surge_read_csv(bad_driver, strlen(bad_driver), NULL, &c, &d), PT_EINVAL);
	CHECK_STR(d.field, "cost_driver");
	pt_surge_catalog_clear(&c);
}

static int keep_a(void *ctx, const char *site_id)
{
	(void)ctx;
	return site_id && strcmp(site_id, "A") == 0;
}

/* A saved plan read by someone who may not see site B: B's surge lines go too. */
static void test_saved_keep(void)
{
	json_t *plan = json_loads("{\"sites\": [], \"rejected\": [], \"totals\": {},"
				  "\"surge\": [{\"site_id\": \"A\"}, {\"site_id\": \"B\"}],"
				  "\"surge_rejected\": [{\"site_id\": \"B\"}, {\"site_id\": \"A\"}],"
				  "\"surge_summary\": {\"lines\": 2}}", 0, NULL);
	size_t hidden = 0;
	CHECK(plan != NULL);
	if (!plan)
		return;
	plan = pt_plan_json_keep(plan, keep_a, NULL, 1, &hidden);
	CHECK(plan != NULL);
	CHECK_INT(json_array_size(json_object_get(plan, "surge")), 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(plan, "surge"), 0),
						    "site_id")), "A");
	CHECK(json_object_get(plan, "surge_summary") == NULL);
	CHECK_INT(json_array_size(json_object_get(plan, "surge_rejected")), 1); /* M5 */
	CHECK_STR(json_string_value(json_object_get(
			  json_array_get(json_object_get(plan, "surge_rejected"), 0), "site_id")), "A");
	json_decref(plan);
}

/* Review M3 of issue 11: the surge screens by the plan's fit rule (bag checks need
 * controlled entry) and legal rule (a statute at an open public space). */
static void test_fit_rule(void)
{
	struct fixture f;
	struct pt_site s = site("S-1", 1000);
	struct pt_surge_pair pairs[1] = { { 0, PT_LEVEL_CRITICAL, 0.1, 0.5, 5e7 } };
	struct pt_surge_site ss = { &s, pairs, 1 };
	const struct pt_surge_line *ln;
	fx_init(&f);
	f.cat.base.items[2].needs = PT_NEED_CONTROLLED_ENTRY; /* checkpoints as bag checks */
	CHECK_STR(pt_surge_verdict_name(PT_SURGE_DOES_NOT_FIT), "does_not_fit");
	s.enclosed = PT_ENCLOSURE_OPEN;
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 1, &ss, 1, &f.r, NULL), PT_OK);
	ln = line_of(&f.r, 2);
	CHECK(ln && ln->verdict == PT_SURGE_DOES_NOT_FIT);
	CHECK_INT(f.r.rejected[PT_SURGE_DOES_NOT_FIT], 1);
	ln = line_of(&f.r, 0); /* patrols (privacy 1) at an open soft target: a statute */
	CHECK(ln && ln->verdict == PT_SURGE_LEGAL_BASIS);
	pt_surge_result_clear(&f.r);
	s.enclosed = PT_ENCLOSURE_FENCED;
	CHECK_INT(pt_surge_screen(&f.cfg, &f.cat, f.v, f.c, 1, &ss, 1, &f.r, NULL), PT_OK);
	ln = line_of(&f.r, 2);
	CHECK(ln && ln->verdict == PT_SURGE_ADMITTED);
	ln = line_of(&f.r, 0);
	CHECK(ln && ln->verdict == PT_SURGE_ADMITTED);
	fx_clear(&f);
}

int main(void)
{
	RUN(test_screen_critical);
	RUN(test_no_surge);
	RUN(test_band_bcr_size);
	RUN(test_cost_driver);
	RUN(test_reasons);
	RUN(test_bad_input);
	RUN(test_read_csv);
	RUN(test_fit_rule); /* issue 11 review M3 */
	RUN(test_saved_keep);
	return TEST_SUMMARY("test_surge");
}
