/* test_plan.c - unit tests of src/core/pt_plan.c: risk before, the
 * proportionality rules one by one (each with a case that admits and one
 * that rejects), existing and committed measures, exclusive groups,
 * Pareto bundles against brute force, bad inputs, and solving. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_plan.h"
#include "core/pt_rng.h"
#include "pt_test.h"

#define NT 3   /* threats: 0 vehicle_ramming, 1 arson, 2 armed_assault */
#define NM 16  /* measures at most in a fixture */

struct fixture {
	struct pt_config cfg;
	struct pt_measure_catalog cat;
	double v[NM * NT], c[NM * NT];
};

static void fx_init(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	pt_config_defaults(&f->cfg);
	/* Figures a reader checks by hand: no discounting, costs = capex. */
	f->cfg.plan_discount_rate = 0;
	f->cfg.plan_horizon_years = 10;
}

/* Add a measure bought once in the horizon (lifetime 10), no running cost. */
static uint32_t fx_add(struct fixture *f, const char *id, double capex, int privacy,
		       int movement, int discrimination)
{
	struct pt_measure m;
	memset(&m, 0, sizeof m);
	pt_strlcpy(m.id, id, sizeof m.id);
	pt_strlcpy(m.name, id, sizeof m.name);
	m.family = PT_FAMILY_PHYSICAL;
	m.capex_eur = capex;
	m.lifetime_years = 10;
	m.rights[PT_RIGHT_PRIVACY] = privacy;
	m.rights[PT_RIGHT_MOVEMENT] = movement;
	m.rights[PT_RIGHT_DISCRIMINATION] = discrimination;
	pt_strlcpy(m.kinds, "*", sizeof m.kinds);
	pt_strlcpy(m.sectors, "*", sizeof m.sectors);
	CHECK_INT(pt_measure_catalog_add(&f->cat, &m), PT_OK);
	return (uint32_t)(f->cat.n - 1);
}

static void fx_effect(struct fixture *f, uint32_t m, uint32_t t, double v, double c)
{
	f->v[m * NT + t] = v;
	f->c[m * NT + t] = c;
}

static struct pt_site site(const char *id)
{
	struct pt_site s;
	memset(&s, 0, sizeof s);
	pt_strlcpy(s.id, id, sizeof s.id);
	pt_strlcpy(s.kind, "soft_target", sizeof s.kind);
	pt_strlcpy(s.sector, "health", sizeof s.sector);
	s.peak_occupancy = 1000; /* medium: size factor 1 */
	return s;
}

/* P(successful attack) 0.005 (class 4) x C 5e7 (class 3) = 12: high; risk 250000/yr. */
static const struct pt_plan_pair high_pair = { 0, 0.01, 0.5, 5e7 };
/* 0.005 (class 4) x C 5e6 (class 2) = 8: medium; risk 25000/yr. */
static const struct pt_plan_pair medium_pair = { 0, 0.01, 0.5, 5e6 };

static enum pt_err fx_build(struct fixture *f, const struct pt_plan_site *sites, size_t n,
			    struct pt_plan_model **m, struct pt_diag *d)
{
	return pt_plan_model_build(&f->cfg, &f->cat, f->v, f->c, NT, sites, n, m, d);
}

static const struct pt_plan_screen *screen_of(const struct pt_plan_model *m, size_t s,
					      uint32_t measure)
{
	size_t i;
	for (i = 0; i < m->sites[s].n_screens; i++)
		if (m->screens[m->sites[s].first_screen + i].measure == measure)
			return &m->screens[m->sites[s].first_screen + i];
	return NULL;
}

/* Nonzero when measure is in some option of site s. */
static int in_some_option(const struct pt_plan_model *m, size_t s, uint32_t measure)
{
	size_t o, k;
	for (o = 0; o < m->sites[s].n_options; o++) {
		const struct pt_plan_option *op = &m->options[m->sites[s].first_option + o];
		for (k = 0; k < op->n_measures; k++)
			if (m->option_measures[op->first_measure + k] == measure)
				return 1;
	}
	return 0;
}

static void test_names(void)
{
	enum pt_plan_solver s = PT_SOLVER_FAST;
	CHECK_STR(pt_plan_verdict_name(PT_VERDICT_ADMITTED), "admitted");
	CHECK_STR(pt_plan_verdict_name(PT_VERDICT_STEP_FREE), "step_free");
	CHECK_STR(pt_plan_verdict_name(PT_VERDICT_LESS_INTRUSIVE), "less_intrusive");
	CHECK_STR(pt_plan_verdict_name(PT_VERDICT_BCR), "bcr");
	CHECK_STR(pt_plan_verdict_name((enum pt_plan_verdict)99), "");
	CHECK_STR(pt_plan_solver_name(PT_SOLVER_EXACT), "exact");
	CHECK_INT(pt_plan_solver_parse("exact", &s), PT_OK);
	CHECK_INT(s, PT_SOLVER_EXACT);
	CHECK_INT(pt_plan_solver_parse("glpk", &s), PT_EINVAL);
}

/* One measure alone at a high site: risk, band, cost, benefit, BCR by hand. */
static void test_single_measure(void)
{
	struct fixture f;
	struct pt_site s = site("H-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	struct pt_diag d;
	const struct pt_plan_screen *sc;
	uint32_t bollards;
	memset(&d, 0, sizeof d);
	fx_init(&f);
	bollards = fx_add(&f, "bollards", 200000, 0, 1, 0);
	fx_effect(&f, bollards, 0, 0.6, 0.1);
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = &high_pair;
	ps.n_pairs = 1;
	CHECK_INT(fx_build(&f, &ps, 1, &m, &d), PT_OK);
	if (!m)
		return;
	CHECK_NEAR(m->annuity, 10, 0);
	CHECK_INT(m->sites[0].band, PT_BAND_HIGH);
	CHECK_INT(m->sites[0].worst_threat, 0);
	CHECK_INT(m->sites[0].size, PT_SIZE_MEDIUM);
	CHECK_NEAR(m->sites[0].risk_before_eur_year, 0.01 * 0.5 * 5e7, 1e-6);
	sc = screen_of(m, 0, bollards);
	CHECK(sc != NULL);
	if (sc) {
		/* 250000 x (1 - 0.4 x 0.9) = 160000 a year, 1.6 M over 10 years. */
		CHECK_NEAR(sc->reduction_eur_year, 160000, 1e-6);
		CHECK_NEAR(sc->benefit_eur, 1600000, 1e-6);
		CHECK_NEAR(sc->cost_eur, 200000, 0);
		CHECK_NEAR(sc->bcr, 8, 1e-12);
		CHECK_INT(sc->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(sc->intrusiveness, 1);
		CHECK_INT(sc->needed_band, PT_BAND_LOW);
		CHECK_INT(sc->main_threat, 0);
		CHECK_INT(sc->alternative, -1);
	}
	/* Do nothing and the measure. */
	CHECK_INT(m->sites[0].n_options, 2);
	CHECK_NEAR(m->options[1].cost_eur, 200000, 0);
	CHECK_NEAR(m->options[1].risk_after_eur_year, 90000, 1e-6);
	CHECK_INT(m->group_start[0], 0);
	CHECK_INT(m->group_start[1], 2);
	CHECK_NEAR(m->items[1].value, 1600000, 1e-6);
	CHECK_NEAR(m->cost_of_everything, 200000, 0);
	pt_plan_model_free(m);

	/* A very large site pays 4 times the catalogue cost. */
	s.peak_occupancy = 30000;
	CHECK_INT(fx_build(&f, &ps, 1, &m, &d), PT_OK);
	if (m) {
		CHECK_INT(m->sites[0].size, PT_SIZE_VERY_LARGE);
		CHECK_NEAR(m->options[1].cost_eur, 800000, 0);
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

static void test_step_free(void)
{
	struct fixture f;
	struct pt_site s = site("H-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	uint32_t turnstiles, ramps;
	fx_init(&f);
	turnstiles = fx_add(&f, "turnstiles", 10000, 0, 0, 0);
	f.cat.items[turnstiles].removes_step_free = 1;
	ramps = fx_add(&f, "gates_with_ramps", 10000, 0, 0, 0);
	fx_effect(&f, turnstiles, 0, 0.5, 0);
	fx_effect(&f, ramps, 0, 0.5, 0);
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = &high_pair;
	ps.n_pairs = 1;
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (m) {
		/* The same figures: the one removing step-free access is never chosen. */
		CHECK_INT(screen_of(m, 0, turnstiles)->verdict, PT_VERDICT_STEP_FREE);
		CHECK_INT(screen_of(m, 0, ramps)->verdict, PT_VERDICT_ADMITTED);
		CHECK(!in_some_option(m, 0, turnstiles));
		CHECK(in_some_option(m, 0, ramps));
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

static void test_legal_basis(void)
{
	struct fixture f;
	struct pt_site s = site("H-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	uint32_t anpr;
	fx_init(&f);
	anpr = fx_add(&f, "anpr_cameras", 10000, 0, 0, 0);
	f.cat.items[anpr].legal_basis = 1;
	fx_effect(&f, anpr, 0, 0.3, 0);
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = &high_pair;
	ps.n_pairs = 1;
	f.cfg.plan_allow_legal_basis = 1;
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (m)
		CHECK_INT(screen_of(m, 0, anpr)->verdict, PT_VERDICT_ADMITTED);
	pt_plan_model_free(m);
	f.cfg.plan_allow_legal_basis = 0;
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (m) {
		CHECK_INT(screen_of(m, 0, anpr)->verdict, PT_VERDICT_LEGAL_BASIS);
		CHECK(!in_some_option(m, 0, anpr));
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

static void test_band(void)
{
	struct fixture f;
	struct pt_site s[2] = { site("HIGH-1"), site("MED-1") };
	struct pt_plan_site ps[2];
	struct pt_plan_model *m = NULL;
	uint32_t search;
	fx_init(&f);
	search = fx_add(&f, "bag_search", 1000, 3, 2, 1); /* intrusiveness 3 */
	fx_effect(&f, search, 0, 0.5, 0);
	memset(ps, 0, sizeof ps);
	ps[0].site = &s[0];
	ps[0].pairs = &high_pair;
	ps[0].n_pairs = 1;
	ps[1].site = &s[1];
	ps[1].pairs = &medium_pair;
	ps[1].n_pairs = 1;
	CHECK_INT(fx_build(&f, ps, 2, &m, NULL), PT_OK);
	if (m) {
		const struct pt_plan_screen *hi = screen_of(m, 0, search), *md = screen_of(m, 1, search);
		CHECK_INT(m->sites[1].band, PT_BAND_MEDIUM);
		CHECK_INT(hi->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(hi->needed_band, PT_BAND_HIGH);
		CHECK_INT(md->verdict, PT_VERDICT_BAND);
		CHECK_INT(md->site_band, PT_BAND_MEDIUM);
		CHECK_INT(md->needed_band, PT_BAND_HIGH);
		/* Its BCR at the medium site is 125000 / 1000: the band alone rules it out. */
		CHECK(md->bcr > 100);
		CHECK(!in_some_option(m, 1, search));
		CHECK(in_some_option(m, 0, search));
	}
	pt_plan_model_free(m);
	/* Configured down to medium, it is admitted at the medium site. */
	f.cfg.plan_band_for_intrusiveness[3] = PT_BAND_MEDIUM;
	CHECK_INT(fx_build(&f, ps, 2, &m, NULL), PT_OK);
	if (m)
		CHECK_INT(screen_of(m, 1, search)->verdict, PT_VERDICT_ADMITTED);
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

/* Measure B (intrusiveness 2, cost 400000, 100000/yr: BCR 2.5) against a
 * less intrusive A (intrusiveness 1) of the given cost and vulnerability cut
 * on the same threat (the same aim). B is ruled out only when A does as much
 * within 1.2 x the cost and B's remaining benefit with A in place, over its
 * cost, is below plan.min_bcr (1). */
static void less_intrusive_case(double a_capex, double a_v, enum pt_plan_verdict want,
				int less_reduction, int too_costly, int still_pays)
{
	struct fixture f;
	struct pt_site s = site("H-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	uint32_t a, b;
	fx_init(&f);
	a = fx_add(&f, "staff_patrols", a_capex, 1, 0, 0);
	b = fx_add(&f, "facial_recognition", 400000, 2, 0, 1);
	fx_effect(&f, a, 0, a_v, 0);
	fx_effect(&f, b, 0, 0.4, 0); /* 250000 x 0.4 = 100000 a year */
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = &high_pair;
	ps.n_pairs = 1;
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (m) {
		const struct pt_plan_screen *sb = screen_of(m, 0, b), *sa = screen_of(m, 0, a);
		CHECK_INT(sb->verdict, want);
		CHECK_INT(sb->alternative, want == PT_VERDICT_LESS_INTRUSIVE ? (long)a : -1);
		CHECK_INT(sb->n_aim, 1);
		CHECK_INT(m->effects[sb->first_effect].threat, 0);
		CHECK_INT(sb->n_alts, 1);
		if (sb->n_alts == 1) {
			const struct pt_plan_alt *alt = &m->alts[sb->first_alt];
			CHECK_INT(alt->measure, a);
			CHECK_INT(alt->intrusiveness, 1);
			CHECK_NEAR(alt->cost_eur, a_capex, 0);
			CHECK_NEAR(alt->reduction_eur_year, 250000 * a_v, 1e-6);
			CHECK_INT(alt->less_reduction, less_reduction);
			CHECK_INT(alt->short_threat, less_reduction ? 0 : -1);
			CHECK_INT(alt->not_addressed, 0);
			CHECK_INT(alt->too_costly, too_costly);
			CHECK_INT(alt->still_pays, still_pays);
			/* B's remaining benefit: 250000 (1 - a_v) 0.4 a year, 10 years, over 400000 */
			if (!less_reduction && !too_costly)
				CHECK_NEAR(alt->remaining_bcr, 250000 * (1 - a_v) * 0.4 * 10 / 400000,
					   1e-9);
		}
		/* A has intrusiveness 1 and nothing less intrusive to compare with. */
		CHECK_INT(sa->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(sa->n_alts, 0);
		CHECK_INT(in_some_option(m, 0, b), want == PT_VERDICT_ADMITTED);
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

static void test_less_intrusive(void)
{
	/* As much on the aim at exactly 1.2 x the cost, leaving B a BCR of 0.5: ruled out. */
	less_intrusive_case(480000, 0.8, PT_VERDICT_LESS_INTRUSIVE, 0, 0, 0);
	/* More for less money, B's BCR with it 0.25: ruled out too. */
	less_intrusive_case(50000, 0.9, PT_VERDICT_LESS_INTRUSIVE, 0, 0, 0);
	/* At 1.3 x the cost the alternative is too costly: B admitted. */
	less_intrusive_case(520000, 0.8, PT_VERDICT_ADMITTED, 0, 1, 0);
	/* Cheaper but reducing the aim's threat less (75000 < 100000 a year): B admitted. */
	less_intrusive_case(50000, 0.3, PT_VERDICT_ADMITTED, 1, 0, 0);
	/* Both short. */
	less_intrusive_case(600000, 0.3, PT_VERDICT_ADMITTED, 1, 1, 0);
	/* As much on the aim and cheaper, but B still pays for itself with A in
	 * place (250000 x 0.6 x 0.4 x 10 / 400000 = 1.5): both admitted. */
	less_intrusive_case(50000, 0.4, PT_VERDICT_ADMITTED, 0, 0, 1);
}

/* Two measures that each pay for themselves with the other in place are
 * both admitted, and a bundle holds both. */
static void test_both_profitable_together(void)
{
	struct fixture f;
	struct pt_site s = site("H-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	uint32_t a, b;
	size_t o;
	int both = 0;
	fx_init(&f);
	a = fx_add(&f, "stewarding", 50000, 1, 0, 0);
	b = fx_add(&f, "bag_search", 100000, 2, 0, 0);
	fx_effect(&f, a, 0, 0.5, 0); /* 125000 a year */
	fx_effect(&f, b, 0, 0.4, 0); /* 100000 a year; with a in place 50000: BCR 5 */
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = &high_pair;
	ps.n_pairs = 1;
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (m) {
		const struct pt_plan_screen *sb = screen_of(m, 0, b);
		CHECK_INT(screen_of(m, 0, a)->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(sb->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(sb->n_alts, 1);
		if (sb->n_alts == 1) {
			CHECK_INT(m->alts[sb->first_alt].still_pays, 1);
			CHECK_NEAR(m->alts[sb->first_alt].remaining_bcr, 5, 1e-9);
		}
		for (o = 0; o < m->sites[0].n_options; o++)
			both |= m->options[m->sites[0].first_option + o].n_measures == 2;
		CHECK_INT(both, 1);
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

/* A less intrusive measure that protects against another threat is no
 * alternative, however cheap and effective: it rules nothing out (the demo's
 * mass notification against crash-rated bollards). One that acts on part of
 * the aim but not on another of its threats is named with that threat. */
static void test_less_intrusive_other_aim(void)
{
	static const struct pt_plan_pair pairs[2] = { { 0, 0.01, 0.5, 5e7 },   /* ramming: 250000 */
						      { 2, 0.01, 0.5, 5e7 } }; /* assault: 250000 */
	struct fixture f;
	struct pt_site s = site("H-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	uint32_t bollards, notify, partial;
	fx_init(&f);
	bollards = fx_add(&f, "bollards", 400000, 0, 1, 0);
	notify = fx_add(&f, "mass_notification", 10000, 0, 0, 0);
	partial = fx_add(&f, "partial", 10000, 0, 0, 0);
	fx_effect(&f, bollards, 0, 0.8, 0);    /* 200000 a year on ramming: all its aim */
	fx_effect(&f, notify, 2, 0.9, 0);      /* 225000 a year on assault only */
	fx_effect(&f, partial, 0, 0.05, 0);    /* 12500 on ramming */
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = pairs;
	ps.n_pairs = 2;
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (m) {
		const struct pt_plan_screen *sb = screen_of(m, 0, bollards);
		CHECK_INT(sb->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(sb->n_aim, 1);
		/* mass notification acts on none of the aim: not considered; partial falls short */
		CHECK_INT(sb->n_alts, 1);
		if (sb->n_alts == 1) {
			CHECK_INT(m->alts[sb->first_alt].measure, partial);
			CHECK_INT(m->alts[sb->first_alt].less_reduction, 1);
			CHECK_INT(m->alts[sb->first_alt].short_threat, 0);
		}
		CHECK(in_some_option(m, 0, bollards));
	}
	pt_plan_model_free(m);
	/* An alternative covering one aim threat but not the other: "does not address". */
	fx_effect(&f, bollards, 2, 0.8, 0); /* now the aim is ramming and assault */
	fx_effect(&f, notify, 0, 0, 0);
	fx_effect(&f, partial, 0, 0.9, 0);
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (m) {
		const struct pt_plan_screen *sb = screen_of(m, 0, bollards);
		CHECK_INT(sb->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(sb->n_aim, 2);
		CHECK_INT(sb->n_alts, 2);
		if (sb->n_alts == 2) {
			/* by reduction of the aim: notify (225000) then partial (225000, costlier? equal) */
			size_t k;
			for (k = 0; k < 2; k++) {
				const struct pt_plan_alt *al = &m->alts[sb->first_alt + k];
				CHECK_INT(al->less_reduction, 1);
				CHECK_INT(al->not_addressed, 1);
				CHECK_INT(al->short_threat, al->measure == notify ? 0 : 2);
			}
		}
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

/* A measure's aim: the threats making 80% of its reduction, largest first;
 * the band rule uses the aim's worst pair, not the site's. */
static void test_aim_and_risk_band(void)
{
	static const struct pt_plan_pair pairs[3] = { { 0, 0.01, 0.5, 5e7 },  /* high, 250000 */
						      { 1, 0.01, 0.5, 5e6 },  /* medium, 25000 */
						      { 2, 0.01, 0.5, 5e7 } }; /* high, 250000 */
	struct fixture f;
	struct pt_site s = site("H-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	uint32_t scan, arson;
	fx_init(&f);
	scan = fx_add(&f, "scan", 1000, 3, 0, 0);   /* needs high */
	arson = fx_add(&f, "arson_watch", 1000, 3, 0, 0);
	fx_effect(&f, scan, 0, 0.2, 0);  /* 50000 */
	fx_effect(&f, scan, 2, 0.1, 0);  /* 25000 */
	fx_effect(&f, scan, 1, 0.2, 0);  /* 5000: of 80000, 50000 + 25000 reach 80% */
	fx_effect(&f, arson, 1, 0.8, 0); /* 20000 on the medium pair only */
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = pairs;
	ps.n_pairs = 3;
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (m) {
		const struct pt_plan_screen *sc = screen_of(m, 0, scan), *sa = screen_of(m, 0, arson);
		CHECK_INT(m->sites[0].band, PT_BAND_HIGH);
		CHECK_INT(sc->n_effects, 3);
		CHECK_INT(sc->n_aim, 2);
		CHECK_INT(m->effects[sc->first_effect].threat, 0);
		CHECK_INT(m->effects[sc->first_effect + 1].threat, 2);
		CHECK_NEAR(m->effects[sc->first_effect + 2].reduction_eur_year, 5000, 1e-6);
		CHECK_INT(sc->risk_band, PT_BAND_HIGH);
		CHECK_INT(sc->verdict, PT_VERDICT_ADMITTED);
		/* its aim is the medium pair: the site's high band does not admit it */
		CHECK_INT(sa->n_aim, 1);
		CHECK_INT(sa->risk_band, PT_BAND_MEDIUM);
		CHECK_INT(sa->site_band, PT_BAND_HIGH);
		CHECK_INT(sa->verdict, PT_VERDICT_BAND);
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

/* An alternative that fails the band rule itself does not rule a measure out. */
static void test_less_intrusive_needs_admissible(void)
{
	struct fixture f;
	struct pt_site s = site("M-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	uint32_t a, b;
	fx_init(&f);
	f.cfg.plan_band_for_intrusiveness[1] = PT_BAND_HIGH;
	f.cfg.plan_band_for_intrusiveness[2] = PT_BAND_HIGH;
	f.cfg.plan_band_for_intrusiveness[3] = PT_BAND_HIGH;
	a = fx_add(&f, "a", 1000, 1, 0, 0);
	b = fx_add(&f, "b", 1000, 0, 0, 0);
	fx_effect(&f, a, 0, 0.5, 0);
	fx_effect(&f, b, 0, 0.4, 0);
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = &medium_pair;
	ps.n_pairs = 1;
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (m) {
		CHECK_INT(screen_of(m, 0, a)->verdict, PT_VERDICT_BAND);
		/* b has intrusiveness 0: it needs no band and has no alternatives. */
		CHECK_INT(screen_of(m, 0, b)->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(screen_of(m, 0, a)->n_alts, 1); /* b considered, does less */
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

/* B (intrusiveness 2, 800000, 100000 a year: BCR 1.25) against a less
 * intrusive A doing as much at 1.15 x the cost (B's BCR with A in place:
 * 0.75), with plan.min_bcr set to B's BCR times
 * min_bcr_factor. Sets *va and *vb to the verdicts. */
static void bcr_before_necessity_case(double min_bcr_factor, enum pt_plan_verdict *va,
				      enum pt_plan_verdict *vb)
{
	struct fixture f;
	struct pt_site s = site("H-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	uint32_t a, b;
	double bcr_b = 0;
	int pass;
	*va = *vb = PT_VERDICT_ADMITTED;
	fx_init(&f);
	a = fx_add(&f, "staff_patrols", 920000, 1, 0, 0);
	b = fx_add(&f, "facial_recognition", 800000, 2, 0, 1);
	fx_effect(&f, a, 0, 0.4, 0);
	fx_effect(&f, b, 0, 0.4, 0);
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = &high_pair;
	ps.n_pairs = 1;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1)
			f.cfg.plan_min_bcr = bcr_b * min_bcr_factor;
		CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
		if (!m)
			break;
		if (pass == 0) {
			bcr_b = screen_of(m, 0, b)->bcr;
			/* The default rule: A rules B out. */
			CHECK_INT(screen_of(m, 0, b)->verdict, PT_VERDICT_LESS_INTRUSIVE);
			CHECK_NEAR(screen_of(m, 0, a)->bcr, bcr_b / 1.15, 1e-9);
		} else {
			*va = screen_of(m, 0, a)->verdict;
			*vb = screen_of(m, 0, b)->verdict;
			CHECK_INT(in_some_option(m, 0, b), *vb == PT_VERDICT_ADMITTED);
		}
		pt_plan_model_free(m);
		m = NULL;
	}
	pt_measure_catalog_clear(&f.cat);
}

/* The BCR rule comes before the necessity test: an alternative that does not
 * pay for itself rules nothing out, and a measure that does not pay for
 * itself is rejected for that, not for a less intrusive one. */
static void test_bcr_before_less_intrusive(void)
{
	enum pt_plan_verdict va, vb;
	/* min_bcr between A's and B's BCR: A fails, B is admitted (not left with neither). */
	bcr_before_necessity_case(1 / 1.1, &va, &vb);
	CHECK_INT(va, PT_VERDICT_BCR);
	CHECK_INT(vb, PT_VERDICT_ADMITTED);
	/* min_bcr above both: each is rejected on its BCR. */
	bcr_before_necessity_case(1.01, &va, &vb);
	CHECK_INT(va, PT_VERDICT_BCR);
	CHECK_INT(vb, PT_VERDICT_BCR);
	/* min_bcr below both (0.96): the necessity test decides (B's 0.75 with A is below). */
	bcr_before_necessity_case(1 / 1.3, &va, &vb);
	CHECK_INT(va, PT_VERDICT_ADMITTED);
	CHECK_INT(vb, PT_VERDICT_LESS_INTRUSIVE);
}

static void test_bcr(void)
{
	struct fixture f;
	struct pt_site s = site("H-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	uint32_t cheap, dear;
	fx_init(&f);
	/* 250000 x 0.01 = 2500 a year, 25000 over 10 years. */
	dear = fx_add(&f, "signage_dear", 100000, 0, 0, 0);
	cheap = fx_add(&f, "signage_cheap", 20000, 0, 0, 0);
	fx_effect(&f, dear, 0, 0.01, 0);
	fx_effect(&f, cheap, 1, 0.01, 0);
	memset(&ps, 0, sizeof ps);
	{
		struct pt_plan_pair pairs[2] = { high_pair, high_pair };
		pairs[1].threat = 1;
		ps.site = &s;
		ps.pairs = pairs;
		ps.n_pairs = 2;
		CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	}
	if (m) {
		CHECK_NEAR(screen_of(m, 0, dear)->bcr, 0.25, 1e-12);
		CHECK_INT(screen_of(m, 0, dear)->verdict, PT_VERDICT_BCR);
		CHECK_NEAR(screen_of(m, 0, cheap)->bcr, 1.25, 1e-12);
		CHECK_INT(screen_of(m, 0, cheap)->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(screen_of(m, 0, cheap)->main_threat, 1);
		CHECK(!in_some_option(m, 0, dear));
	}
	pt_plan_model_free(m);
	/* With plan.min_bcr 0 both are admitted. */
	f.cfg.plan_min_bcr = 0;
	{
		struct pt_plan_pair pairs[2] = { high_pair, high_pair };
		pairs[1].threat = 1;
		ps.pairs = pairs;
		CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	}
	if (m)
		CHECK_INT(screen_of(m, 0, dear)->verdict, PT_VERDICT_ADMITTED);
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

static void test_existing_committed_applies(void)
{
	struct fixture f;
	struct pt_site s[3] = { site("E-1"), site("C-1"), site("R-1") };
	struct pt_plan_site ps[3];
	struct pt_plan_model *m = NULL;
	uint32_t glazing, guards, retail_only, no_effect;
	uint32_t list_g[1];
	fx_init(&f);
	glazing = fx_add(&f, "glazing_film", 10000, 0, 0, 0);
	guards = fx_add(&f, "guards", 10000, 0, 0, 0);
	retail_only = fx_add(&f, "retail_only", 10000, 0, 0, 0);
	no_effect = fx_add(&f, "drone_detection", 10000, 0, 0, 0);
	pt_strlcpy(f.cat.items[retail_only].sectors, "retail;transport", sizeof f.cat.items[0].sectors);
	fx_effect(&f, glazing, 0, 0.2, 0.5);
	fx_effect(&f, guards, 0, 0.2, 0);
	fx_effect(&f, retail_only, 0, 0.2, 0);
	fx_effect(&f, no_effect, 2, 0.9, 0); /* a threat none of the sites has */
	list_g[0] = glazing;
	memset(ps, 0, sizeof ps);
	ps[0].site = &s[0];
	ps[0].pairs = &high_pair;
	ps[0].n_pairs = 1;
	ps[0].existing = list_g;
	ps[0].n_existing = 1;
	ps[1] = ps[0];
	ps[1].site = &s[1];
	ps[1].existing = NULL;
	ps[1].n_existing = 0;
	ps[1].committed = list_g;
	ps[1].n_committed = 1;
	ps[2] = ps[0];
	ps[2].site = &s[2];
	ps[2].existing = NULL;
	ps[2].n_existing = 0;
	pt_strlcpy(s[2].sector, "retail", sizeof s[2].sector);
	CHECK_INT(fx_build(&f, ps, 3, &m, NULL), PT_OK);
	if (m) {
		/* Existing: in the assessment already; not offered, risk as assessed. */
		CHECK(screen_of(m, 0, glazing) == NULL);
		CHECK_NEAR(m->sites[0].risk_before_eur_year, 250000, 1e-6);
		/* Committed: not offered, and its cuts (V 20%, C 50%) lower the risk before:
		 * 250000 x 0.8 x 0.5 = 100000 a year. */
		CHECK(screen_of(m, 1, glazing) == NULL);
		CHECK_NEAR(m->sites[1].risk_before_eur_year, 100000, 1e-6);
		/* guards then reduce 20% of the lower risk: 20000 a year. */
		CHECK_NEAR(screen_of(m, 1, guards)->reduction_eur_year, 20000, 1e-6);
		/* Sector rules: retail_only is screened at the retail site only. */
		CHECK(screen_of(m, 0, retail_only) == NULL);
		CHECK(screen_of(m, 2, retail_only) != NULL);
		CHECK(screen_of(m, 2, glazing) != NULL);
		/* No effect on an assessed threat: not screened anywhere. */
		CHECK(screen_of(m, 0, no_effect) == NULL);
		CHECK(screen_of(m, 2, no_effect) == NULL);
		CHECK_NEAR(m->risk_before_eur_year, 250000 + 100000 + 250000, 1e-6);
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

static void test_not_assessed(void)
{
	struct fixture f;
	struct pt_site s = site("N-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	uint32_t a;
	fx_init(&f);
	a = fx_add(&f, "guards", 10, 0, 0, 0);
	fx_effect(&f, a, 0, 0.5, 0);
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (m) {
		CHECK_INT(m->sites[0].assessed, 0);
		CHECK_INT(m->sites[0].band, PT_BAND_NONE);
		CHECK_INT(m->sites[0].worst_threat, -1);
		CHECK_INT(m->sites[0].n_options, 1);
		CHECK_INT(m->sites[0].n_screens, 0);
		CHECK_INT(m->options[0].n_measures, 0);
		CHECK_NEAR(m->options[0].cost_eur, 0, 0);
		CHECK_NEAR(m->cost_of_everything, 0, 0);
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

static void test_exclusive_groups(void)
{
	struct fixture f;
	struct pt_site s = site("H-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	uint32_t steel, planters, cctv;
	size_t o, k;
	int both = 0, with_cctv = 0;
	fx_init(&f);
	f.cfg.plan_max_measures = 3;
	steel = fx_add(&f, "steel_bollards", 100000, 0, 0, 0);
	planters = fx_add(&f, "planters", 50000, 0, 0, 0);
	cctv = fx_add(&f, "cctv", 30000, 0, 0, 0);
	pt_strlcpy(f.cat.items[steel].exclusive_group, "hvm", sizeof f.cat.items[0].exclusive_group);
	pt_strlcpy(f.cat.items[planters].exclusive_group, "hvm",
		   sizeof f.cat.items[0].exclusive_group);
	fx_effect(&f, steel, 0, 0.8, 0);
	fx_effect(&f, planters, 0, 0.5, 0);
	fx_effect(&f, cctv, 0, 0.2, 0.1);
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = &high_pair;
	ps.n_pairs = 1;
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (!m)
		return;
	for (o = 0; o < m->sites[0].n_options; o++) {
		const struct pt_plan_option *op = &m->options[m->sites[0].first_option + o];
		int has_s = 0, has_p = 0, has_c = 0;
		for (k = 0; k < op->n_measures; k++) {
			uint32_t me = m->option_measures[op->first_measure + k];
			has_s |= me == steel;
			has_p |= me == planters;
			has_c |= me == cctv;
		}
		both |= has_s && has_p;
		with_cctv |= has_c && (has_s || has_p);
	}
	CHECK(!both);
	CHECK(with_cctv); /* groups only bar their own members */
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

/* A measure that reduces nothing (its threat is never attempted) adds cost
 * without benefit: no option holds it, even with plan.min_bcr 0. */
static void test_useless_measure(void)
{
	struct fixture f;
	struct pt_site s = site("H-1");
	struct pt_plan_site ps;
	struct pt_plan_pair pairs[2] = { high_pair, high_pair };
	struct pt_plan_model *m = NULL;
	uint32_t guards, sprinklers;
	fx_init(&f);
	f.cfg.plan_min_bcr = 0;
	guards = fx_add(&f, "guards", 10000, 0, 0, 0);
	sprinklers = fx_add(&f, "sprinklers", 10000, 0, 0, 0);
	fx_effect(&f, guards, 0, 0.3, 0);
	fx_effect(&f, sprinklers, 1, 0, 0.7);
	pairs[1].threat = 1;
	pairs[1].p_attack = 0;
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = pairs;
	ps.n_pairs = 2;
	CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
	if (m) {
		CHECK_INT(screen_of(m, 0, sprinklers)->verdict, PT_VERDICT_ADMITTED);
		CHECK_NEAR(screen_of(m, 0, sprinklers)->reduction_eur_year, 0, 0);
		CHECK(!in_some_option(m, 0, sprinklers));
		CHECK_INT(m->sites[0].n_options, 2); /* do nothing, guards */
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

/* 13 measures of cost 1000 x 2^i, each on its own threat with a benefit
 * proportional to its cost: every one of the 7099 bundles of at most 8 is
 * Pareto-efficient, more than PT_PLAN_MAX_OPTIONS_PER_SITE; the kept ones
 * stay in cost order with rising benefit and include the costliest. */
static void test_option_cap(void)
{
	struct pt_config cfg;
	struct pt_measure_catalog cat;
	static double v[13 * 13], c[13 * 13];
	struct pt_plan_pair pairs[13];
	struct pt_site s = site("BIG-1");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	size_t i, n;
	pt_config_defaults(&cfg);
	cfg.plan_min_bcr = 0;
	cfg.plan_max_measures = 8;
	memset(&cat, 0, sizeof cat);
	memset(v, 0, sizeof v);
	memset(c, 0, sizeof c);
	for (i = 0; i < 13; i++) {
		struct pt_measure me;
		memset(&me, 0, sizeof me);
		me.id[0] = (char)('a' + i);
		pt_strlcpy(me.name, "measure", sizeof me.name);
		me.capex_eur = 1000 * (double)(1u << i);
		me.lifetime_years = 50;
		pt_strlcpy(me.kinds, "*", sizeof me.kinds);
		pt_strlcpy(me.sectors, "*", sizeof me.sectors);
		CHECK_INT(pt_measure_catalog_add(&cat, &me), PT_OK);
		v[i * 13 + i] = 0.9 * (double)(1u << i) / 4096;
		pairs[i].threat = (uint32_t)i;
		pairs[i].p_attack = 0.01;
		pairs[i].p_success = 0.5;
		pairs[i].consequence_eur = 1e8;
	}
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.pairs = pairs;
	ps.n_pairs = 13;
	CHECK_INT(pt_plan_model_build(&cfg, &cat, v, c, 13, &ps, 1, &m, NULL), PT_OK);
	if (m) {
		n = m->sites[0].n_options;
		CHECK_INT(n, PT_PLAN_MAX_OPTIONS_PER_SITE);
		for (i = 1; i < n; i++) {
			CHECK(m->options[i].cost_eur > m->options[i - 1].cost_eur);
			CHECK(m->options[i].benefit_eur > m->options[i - 1].benefit_eur);
		}
		/* The costliest bundle of 8: the 8 dearest measures, 1000 x (2^13 - 2^5). */
		CHECK_NEAR(m->options[n - 1].cost_eur, 1000.0 * (8192 - 32), 1e-6);
		CHECK_INT(m->options[n - 1].n_measures, 8);
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&cat);
}

/* Cost and benefit of a subset (bit mask of measures) computed directly. */
static void subset_figures(const struct fixture *f, const struct pt_plan_pair *pairs, size_t np,
			   uint32_t mask, size_t nm, double annuity, double *cost, double *benefit)
{
	double before = 0, after = 0;
	size_t p, i;
	*cost = 0;
	for (i = 0; i < nm; i++)
		if (mask & (1u << i))
			*cost += f->cat.items[i].capex_eur;
	for (p = 0; p < np; p++) {
		double vm = 1, cm = 1;
		for (i = 0; i < nm; i++)
			if (mask & (1u << i)) {
				vm *= 1 - f->v[i * NT + pairs[p].threat];
				cm *= 1 - f->c[i * NT + pairs[p].threat];
			}
		before += pairs[p].p_attack * pairs[p].p_success * pairs[p].consequence_eur;
		after += pairs[p].p_attack * pairs[p].p_success * vm * pairs[p].consequence_eur * cm;
	}
	*benefit = (before - after) * annuity;
}

static int subset_allowed(const struct fixture *f, uint32_t mask, size_t nm, unsigned max)
{
	size_t i, j, n = 0;
	for (i = 0; i < nm; i++) {
		if (!(mask & (1u << i)))
			continue;
		n++;
		for (j = i + 1; j < nm; j++)
			if ((mask & (1u << j)) && f->cat.items[i].exclusive_group[0] &&
			    strcmp(f->cat.items[i].exclusive_group, f->cat.items[j].exclusive_group) == 0)
				return 0;
	}
	return n >= 1 && n <= max;
}

/* Pareto options against every subset, on random small instances. */
static void test_pareto_brute_force(void)
{
	struct pt_rng rng;
	int inst;
	pt_rng_seed(&rng, 4242, 0, 0, 0);
	for (inst = 0; inst < 40; inst++) {
		struct fixture f;
		struct pt_site s = site("R-1");
		struct pt_plan_site ps;
		struct pt_plan_pair pairs[NT];
		struct pt_plan_model *m = NULL;
		size_t nm = 3 + (size_t)(pt_rng_uniform(&rng) * 7), i, t, o;
		uint32_t mask;
		char id[8] = "m0";
		fx_init(&f);
		f.cfg.plan_min_bcr = 0;
		f.cfg.plan_max_measures = 1 + (unsigned)(pt_rng_uniform(&rng) * 4);
		f.cfg.plan_discount_rate = 0.03;
		for (i = 0; i < nm; i++) {
			uint32_t me;
			id[1] = (char)('a' + i);
			me = fx_add(&f, id, 1000 + floor(pt_rng_uniform(&rng) * 100) * 1000, 0, 0, 0);
			if (pt_rng_uniform(&rng) < 0.3)
				pt_strlcpy(f.cat.items[me].exclusive_group,
					   pt_rng_uniform(&rng) < 0.5 ? "g1" : "g2",
					   sizeof f.cat.items[me].exclusive_group);
			for (t = 0; t < NT; t++)
				if (pt_rng_uniform(&rng) < 0.7)
					fx_effect(&f, me, (uint32_t)t, pt_rng_uniform(&rng) * 0.8,
						  pt_rng_uniform(&rng) < 0.5 ? pt_rng_uniform(&rng) * 0.5 : 0);
			fx_effect(&f, me, 0, f.v[me * NT] > 0 ? f.v[me * NT] : 0.05, f.c[me * NT]);
		}
		for (t = 0; t < NT; t++) {
			pairs[t].threat = (uint32_t)t;
			pairs[t].p_attack = 0.001 + pt_rng_uniform(&rng) * 0.05;
			pairs[t].p_success = pt_rng_uniform(&rng);
			pairs[t].consequence_eur = 1e6 + pt_rng_uniform(&rng) * 1e8;
		}
		memset(&ps, 0, sizeof ps);
		ps.site = &s;
		ps.pairs = pairs;
		ps.n_pairs = NT;
		CHECK_INT(fx_build(&f, &ps, 1, &m, NULL), PT_OK);
		if (!m) {
			pt_measure_catalog_clear(&f.cat);
			continue;
		}
		/* Every option: its figures match its measures, cost and benefit rise. */
		for (o = 0; o < m->sites[0].n_options; o++) {
			const struct pt_plan_option *op = &m->options[o];
			double cost, benefit;
			mask = 0;
			for (i = 0; i < op->n_measures; i++)
				mask |= 1u << m->option_measures[op->first_measure + i];
			if (o == 0) {
				CHECK_INT(op->n_measures, 0);
				continue;
			}
			CHECK(subset_allowed(&f, mask, nm, f.cfg.plan_max_measures));
			subset_figures(&f, pairs, NT, mask, nm, m->annuity, &cost, &benefit);
			CHECK_NEAR(op->cost_eur, cost, 1e-6);
			CHECK_NEAR(op->benefit_eur, benefit, 1e-6 * (1 + benefit));
			CHECK(op->cost_eur >= m->options[o - 1].cost_eur);
			CHECK(op->benefit_eur > m->options[o - 1].benefit_eur);
		}
		/* Every subset: matched or beaten by an option; none strictly beats an option. */
		for (mask = 1; mask < (1u << nm); mask++) {
			double cost, benefit;
			int covered = 0;
			if (!subset_allowed(&f, mask, nm, f.cfg.plan_max_measures))
				continue;
			subset_figures(&f, pairs, NT, mask, nm, m->annuity, &cost, &benefit);
			for (o = 0; o < m->sites[0].n_options; o++) {
				const struct pt_plan_option *op = &m->options[o];
				double tol = 1e-9 * (1 + benefit);
				if (op->cost_eur <= cost + 1e-9 && op->benefit_eur >= benefit - tol)
					covered = 1;
				if (cost <= op->cost_eur + 1e-9 && benefit > op->benefit_eur + tol &&
				    cost < op->cost_eur - 1e-9)
					CHECK(0 && "an option is dominated by a subset");
			}
			CHECK(covered);
		}
		pt_plan_model_free(m);
		pt_measure_catalog_clear(&f.cat);
	}
}

static void bad_pair_case(struct pt_plan_pair pair, const char *field, const char *msg)
{
	struct fixture f;
	struct pt_site s[2] = { site("OK-1"), site("BAD-7") };
	struct pt_plan_site ps[2];
	struct pt_plan_model *m = NULL;
	struct pt_diag d;
	uint32_t a;
	memset(&d, 0, sizeof d);
	fx_init(&f);
	a = fx_add(&f, "guards", 10, 0, 0, 0);
	fx_effect(&f, a, 0, 0.5, 0);
	memset(ps, 0, sizeof ps);
	ps[0].site = &s[0];
	ps[0].pairs = &high_pair;
	ps[0].n_pairs = 1;
	ps[1].site = &s[1];
	ps[1].pairs = &pair;
	ps[1].n_pairs = 1;
	CHECK_INT(fx_build(&f, ps, 2, &m, &d), PT_EINVAL);
	CHECK(m == NULL);
	CHECK_STR(d.field, field);
	CHECK_STR(d.msg, msg);
	pt_measure_catalog_clear(&f.cat);
}

static void test_bad_inputs(void)
{
	struct pt_plan_pair p = high_pair;
	struct fixture f;
	struct pt_site s = site("BAD-8");
	struct pt_plan_site ps;
	struct pt_plan_model *m = NULL;
	struct pt_diag d;
	uint32_t idx = 5;

	p.p_attack = 1.5;
	bad_pair_case(p, "p_attack", "site BAD-7: yearly attempt probability must be from 0 to 1 (1.5)");
	p = high_pair;
	p.p_success = -0.1;
	bad_pair_case(p, "p_success", "site BAD-7: success probability must be from 0 to 1 (-0.1)");
	p = high_pair;
	p.consequence_eur = NAN;
	bad_pair_case(p, "consequence_eur",
		      "site BAD-7: consequence must be a finite number >= 0 EUR (nan)");
	p = high_pair;
	p.threat = NT;
	bad_pair_case(p, "threat", "site BAD-7: threat index outside the catalogue (3)");

	memset(&d, 0, sizeof d);
	fx_init(&f);
	fx_add(&f, "guards", 10, 0, 0, 0);
	memset(&ps, 0, sizeof ps);
	ps.site = &s;
	ps.existing = &idx;
	ps.n_existing = 1;
	CHECK_INT(fx_build(&f, &ps, 1, &m, &d), PT_EINVAL);
	CHECK_STR(d.msg, "site BAD-8: existing measure index outside the catalogue (5)");
	/* A NaN effect names the measure. */
	ps.existing = NULL;
	ps.n_existing = 0;
	f.v[0] = NAN;
	CHECK_INT(fx_build(&f, &ps, 1, &m, &d), PT_EINVAL);
	CHECK_STR(d.field, "v_reduction");
	CHECK_STR(d.msg, "measure guards: a reduction is not a number from 0 to 1");
	pt_measure_catalog_clear(&f.cat);
}

/* A small multi-site plan: the exact solver matches exhaustive enumeration,
 * the result's totals add up from the chosen options. */
static void test_solve(void)
{
	struct fixture f;
	struct pt_site s[4] = { site("S-1"), site("S-2"), site("S-3"), site("S-4") };
	struct pt_plan_site ps[4];
	struct pt_plan_pair pairs[4][2];
	struct pt_plan_model *m = NULL;
	struct pt_diag d;
	struct pt_rng rng;
	size_t i, j;
	memset(&d, 0, sizeof d);
	pt_rng_seed(&rng, 77, 0, 0, 0);
	fx_init(&f);
	f.cfg.plan_min_bcr = 0;
	f.cfg.plan_max_measures = 2;
	for (i = 0; i < 5; i++) {
		char id[4] = "mA";
		uint32_t me;
		id[1] = (char)('A' + i);
		me = fx_add(&f, id, 20000 + 20000 * (double)i, 0, 0, 0);
		fx_effect(&f, me, (uint32_t)(i % 2), 0.2 + 0.1 * (double)i, 0.05 * (double)i);
	}
	memset(ps, 0, sizeof ps);
	for (i = 0; i < 4; i++) {
		for (j = 0; j < 2; j++) {
			pairs[i][j].threat = (uint32_t)j;
			pairs[i][j].p_attack = 0.005 + 0.01 * pt_rng_uniform(&rng);
			pairs[i][j].p_success = 0.3 + 0.5 * pt_rng_uniform(&rng);
			pairs[i][j].consequence_eur = 2e6 + 3e7 * pt_rng_uniform(&rng);
		}
		ps[i].site = &s[i];
		ps[i].pairs = pairs[i];
		ps[i].n_pairs = 2;
	}
	CHECK_INT(fx_build(&f, ps, 4, &m, &d), PT_OK);
	if (!m)
		return;
	for (i = 0; i <= 10; i++) {
		double budget = m->cost_of_everything * (double)i / 10;
		struct pt_plan_result exact, fast;
		struct pt_mckp p;
		struct pt_mckp_solution en;
		memset(&en, 0, sizeof en);
		pt_plan_model_mckp(m, &p);
		CHECK_INT(pt_mckp_solve_enumerate(&p, budget, 1000000, &en, &d), PT_OK);
		CHECK_INT(pt_plan_solve(m, budget, PT_SOLVER_EXACT, 10, &exact, &d), PT_OK);
		CHECK_INT(pt_plan_solve(m, budget, PT_SOLVER_FAST, 0, &fast, &d), PT_OK);
		CHECK_NEAR(exact.risk_reduction_eur, en.value, 1e-6 * (1 + en.value));
		CHECK(exact.cost_eur <= budget + 1e-6);
		CHECK(fast.cost_eur <= budget + 1e-6);
		CHECK(fast.risk_reduction_eur <= en.value + 1e-6);
		CHECK(fast.bound_eur >= fast.risk_reduction_eur - 1e-6);
		CHECK(isnan(fast.gap_to_exact) && isnan(fast.exact_reduction_eur));
		if (exact.choice) {
			double cost = 0, red = 0, after = 0;
			size_t funded = 0, chosen = 0;
			for (j = 0; j < 4; j++) {
				const struct pt_plan_option *o =
					&m->options[m->sites[j].first_option + exact.choice[j]];
				cost += o->cost_eur;
				red += o->benefit_eur;
				after += o->risk_after_eur_year;
				funded += o->n_measures > 0;
				chosen += o->n_measures;
			}
			CHECK_NEAR(exact.cost_eur, cost, 1e-6);
			CHECK_NEAR(exact.risk_reduction_eur, red, 1e-6);
			CHECK_NEAR(exact.risk_after_eur_year, after, 1e-6);
			CHECK_INT(exact.sites_funded, funded);
			CHECK_INT(exact.measures_chosen, chosen);
			/* The reduction is the PV of the yearly risk cut. */
			CHECK_NEAR((exact.risk_before_eur_year - exact.risk_after_eur_year) * m->annuity,
				   exact.risk_reduction_eur, 1e-6 * (1 + red));
		}
		pt_mckp_solution_clear(&en);
		pt_plan_result_clear(&exact);
		pt_plan_result_clear(&fast);
	}
	{
		struct pt_plan_result r;
		CHECK_INT(pt_plan_solve(m, -1, PT_SOLVER_FAST, 0, &r, &d), PT_EINVAL);
		CHECK_STR(d.field, "budget");
		CHECK_INT(pt_plan_solve(m, NAN, PT_SOLVER_FAST, 0, &r, &d), PT_EINVAL);
		/* Budget 0: nothing funded. */
		CHECK_INT(pt_plan_solve(m, 0, PT_SOLVER_FAST, 0, &r, &d), PT_OK);
		CHECK_INT(r.sites_funded, 0);
		CHECK_NEAR(r.risk_after_eur_year, m->risk_before_eur_year, 1e-9);
		pt_plan_result_clear(&r);
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

/* issue 11, item 7: a pending proposal is not offered again and its effect does not count. */
static void test_pending_not_counted(void)
{
	struct fixture f;
	struct pt_site s[2] = { site("P-1"), site("C-1") };
	struct pt_plan_site ps[2];
	struct pt_plan_model *m = NULL;
	uint32_t glazing, guards, list_g[1];
	fx_init(&f);
	glazing = fx_add(&f, "glazing_film", 10000, 0, 0, 0);
	guards = fx_add(&f, "guards", 10000, 0, 0, 0);
	fx_effect(&f, glazing, 0, 0.2, 0.5);
	fx_effect(&f, guards, 0, 0.2, 0);
	list_g[0] = glazing;
	memset(ps, 0, sizeof ps);
	ps[0].site = &s[0];
	ps[0].pairs = &high_pair;
	ps[0].n_pairs = 1;
	ps[0].pending = list_g;
	ps[0].n_pending = 1;
	ps[1] = ps[0];
	ps[1].site = &s[1];
	ps[1].pending = NULL;
	ps[1].n_pending = 0;
	ps[1].committed = list_g;
	ps[1].n_committed = 1;
	CHECK_INT(fx_build(&f, ps, 2, &m, NULL), PT_OK);
	if (m) {
		/* pending: not offered, the risk before as assessed (250000), guards cut 20% of it */
		CHECK(screen_of(m, 0, glazing) == NULL);
		CHECK_NEAR(m->sites[0].risk_before_eur_year, 250000, 1e-6);
		CHECK_NEAR(screen_of(m, 0, guards)->reduction_eur_year, 50000, 1e-6);
		/* committed (accepted): not offered, its effect counts: 100000 */
		CHECK(screen_of(m, 1, glazing) == NULL);
		CHECK_NEAR(m->sites[1].risk_before_eur_year, 100000, 1e-6);
	}
	pt_plan_model_free(m);
	ps[0].pending = NULL; /* a count without its list is refused */
	CHECK_INT(fx_build(&f, ps, 2, &m, NULL), PT_EINVAL);
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

/* ---- issue 11 (fit): cost drivers, fit and the three-valued legal basis ---- */

/* One site, one high pair; the verdict and cost of measure mi there. */
static const struct pt_plan_screen *fit_screen(struct fixture *f, const struct pt_site *s,
					       uint32_t mi, struct pt_plan_model **m)
{
	struct pt_plan_site ps;
	memset(&ps, 0, sizeof ps);
	ps.site = s;
	ps.pairs = &high_pair;
	ps.n_pairs = 1;
	*m = NULL;
	CHECK_INT(fx_build(f, &ps, 1, m, NULL), PT_OK);
	return *m ? screen_of(*m, 0, mi) : NULL;
}

static void test_cost_driver(void)
{
	struct fixture f;
	struct pt_site hospital = site("HOSP"), station = site("PWR");
	struct pt_plan_model *m = NULL;
	const struct pt_plan_screen *sc;
	uint32_t training;
	fx_init(&f);
	training = fx_add(&f, "staff_training", 2000, 0, 0, 0);
	f.cat.items[training].cost_driver = PT_COST_DRIVER + PT_DRIVER_STAFF;
	f.cat.items[training].unit_capex_eur = 10;
	f.cat.items[training].unit_opex_eur_year = 20;
	fx_effect(&f, training, 0, 0.1, 0);
	/* both very large by size class: costed alike before drivers */
	hospital.peak_occupancy = 3000;
	hospital.economic_value_eur = 520e6;
	station.peak_occupancy = 85;
	station.economic_value_eur = 650e6;
	hospital.drivers[PT_DRIVER_STAFF] = 2600;
	hospital.drivers_known = 1u << PT_DRIVER_STAFF;
	station.drivers[PT_DRIVER_STAFF] = 85;
	station.drivers_known = 1u << PT_DRIVER_STAFF;
	/* 10 years, no discounting, lifetime 10: 2600 x (10 + 20 x 10) */
	sc = fit_screen(&f, &hospital, training, &m);
	if (sc) {
		CHECK_NEAR(sc->cost_eur, 2600 * 210.0, 1e-6);
		CHECK_INT(sc->cost_estimated, 0);
	}
	pt_plan_model_free(m);
	sc = fit_screen(&f, &station, training, &m);
	if (sc) {
		CHECK_NEAR(sc->cost_eur, 85 * 210.0, 1e-6);
		CHECK_INT(sc->cost_estimated, 0);
	}
	pt_plan_model_free(m);
	/* no staff figure: the size rule (very large: x4 of 2000), marked estimated */
	station.drivers_known = 0;
	sc = fit_screen(&f, &station, training, &m);
	if (sc) {
		CHECK_NEAR(sc->cost_eur, 4 * 2000.0, 1e-6);
		CHECK_INT(sc->cost_estimated, 1);
	}
	pt_plan_model_free(m);
	/* a "site" driver: once per site, whatever its size */
	f.cat.items[training].cost_driver = PT_COST_SITE;
	sc = fit_screen(&f, &station, training, &m);
	if (sc) {
		CHECK_NEAR(sc->cost_eur, 2000.0, 1e-6);
		CHECK_INT(sc->cost_estimated, 0);
	}
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

static void test_does_not_fit(void)
{
	struct fixture f;
	struct pt_site festival = site("FEST"), square = site("SQ"), hall = site("HALL");
	struct pt_plan_model *m = NULL;
	const struct pt_plan_screen *sc;
	uint32_t lockdown, training;
	fx_init(&f);
	lockdown = fx_add(&f, "lockdown", 1000, 0, 0, 0);
	f.cat.items[lockdown].needs = PT_NEED_ENCLOSED | PT_NEED_STAFFED;
	training = fx_add(&f, "training", 1000, 0, 0, 0);
	f.cat.items[training].needs = PT_NEED_STAFFED;
	f.cat.items[training].cost_driver = PT_COST_DRIVER + PT_DRIVER_STAFF;
	f.cat.items[training].unit_opex_eur_year = 20;
	fx_effect(&f, lockdown, 0, 0.2, 0);
	fx_effect(&f, training, 0, 0.2, 0);
	CHECK_STR(pt_plan_verdict_name(PT_VERDICT_DOES_NOT_FIT), "does_not_fit");
	festival.enclosed = PT_TRI_NO;
	festival.staffed = PT_TRI_YES;
	sc = fit_screen(&f, &festival, lockdown, &m);
	if (sc) {
		CHECK_INT(sc->verdict, PT_VERDICT_DOES_NOT_FIT);
		CHECK_INT(sc->misfit, PT_NEED_ENCLOSED);
		CHECK(!in_some_option(m, 0, lockdown));
	}
	pt_plan_model_free(m);
	/* a public space with nothing known: open and unstaffed */
	pt_strlcpy(square.kind, "public_space", sizeof square.kind);
	sc = fit_screen(&f, &square, training, &m);
	if (sc) {
		CHECK_INT(sc->verdict, PT_VERDICT_DOES_NOT_FIT);
		CHECK_INT(sc->misfit, PT_NEED_STAFFED);
	}
	pt_plan_model_free(m);
	/* staffed by flag but 0 staff counted: nothing to train */
	hall.staffed = PT_TRI_YES;
	hall.drivers[PT_DRIVER_STAFF] = 0;
	hall.drivers_known = 1u << PT_DRIVER_STAFF;
	sc = fit_screen(&f, &hall, training, &m);
	if (sc)
		CHECK_INT(sc->misfit, PT_NEED_ALL + 1 + PT_DRIVER_STAFF);
	pt_plan_model_free(m);
	/* an enclosed, staffed site (unknown: not a public space) admits both */
	sc = fit_screen(&f, &festival, training, &m);
	if (sc)
		CHECK_INT(sc->verdict, PT_VERDICT_ADMITTED);
	pt_plan_model_free(m);
	hall = site("HALL2");
	sc = fit_screen(&f, &hall, lockdown, &m);
	if (sc)
		CHECK_INT(sc->verdict, PT_VERDICT_ADMITTED);
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

static void test_legal_basis_levels(void)
{
	struct fixture f;
	struct pt_site s = site("S-1");
	struct pt_plan_model *m = NULL;
	const struct pt_plan_screen *sc;
	uint32_t search, face;
	/* site basis (0 unknown, then none, entry, statute) -> admitted? */
	static const int want_search[4] = { 0, 0, 1, 1 }, want_face[4] = { 0, 0, 0, 1 };
	int b;
	fx_init(&f);
	search = fx_add(&f, "bag_search", 1000, 0, 0, 0);
	f.cat.items[search].legal_basis = PT_BASIS_ENTRY;
	face = fx_add(&f, "face_recognition", 1000, 0, 0, 0);
	f.cat.items[face].legal_basis = PT_BASIS_STATUTE;
	fx_effect(&f, search, 0, 0.2, 0);
	fx_effect(&f, face, 0, 0.2, 0);
	for (b = 0; b < 4; b++) {
		s.legal_basis = b;
		sc = fit_screen(&f, &s, search, &m);
		if (sc) {
			CHECK_INT(sc->verdict, want_search[b] ? PT_VERDICT_ADMITTED : PT_VERDICT_LEGAL_BASIS);
			CHECK_INT(sc->basis_missing, !want_search[b]);
		}
		sc = m ? screen_of(m, 0, face) : NULL;
		if (sc)
			CHECK_INT(sc->verdict, want_face[b] ? PT_VERDICT_ADMITTED : PT_VERDICT_LEGAL_BASIS);
		pt_plan_model_free(m);
	}
	/* plan.allow_legal_basis 1: admitted without the basis, flagged */
	f.cfg.plan_allow_legal_basis = 1;
	s.legal_basis = 0;
	sc = fit_screen(&f, &s, face, &m);
	if (sc) {
		CHECK_INT(sc->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(sc->basis_missing, 1);
	}
	pt_plan_model_free(m);
	/* the default is 0 */
	pt_config_defaults(&f.cfg);
	CHECK_INT(f.cfg.plan_allow_legal_basis, 0);
	pt_measure_catalog_clear(&f.cat);
}

/* Review M3/M2 of issue 11: searches follow controlled entry (a fenced festival
 * ground has it, an open square does not), lockdown needs a building; at a
 * publicly accessible space without controlled entry a privacy-intrusive
 * measure needs a statute whatever the catalogue says. */
static void test_controlled_entry_and_public_statute(void)
{
	struct fixture f;
	struct pt_site festival = site("FEST"), square = site("SQ"), hall = site("HALL");
	struct pt_plan_model *m = NULL;
	const struct pt_plan_screen *sc;
	uint32_t search, lockdown, cctv, kits;
	fx_init(&f);
	search = fx_add(&f, "bag_search", 1000, 2, 0, 0);
	f.cat.items[search].needs = PT_NEED_CONTROLLED_ENTRY;
	f.cat.items[search].legal_basis = PT_BASIS_ENTRY;
	lockdown = fx_add(&f, "lockdown", 1000, 0, 0, 0);
	f.cat.items[lockdown].needs = PT_NEED_ENCLOSED;
	cctv = fx_add(&f, "cctv", 1000, 2, 0, 0);
	kits = fx_add(&f, "kits", 1000, 0, 0, 0);
	fx_effect(&f, search, 0, 0.2, 0);
	fx_effect(&f, lockdown, 0, 0.2, 0);
	fx_effect(&f, cctv, 0, 0.2, 0);
	fx_effect(&f, kits, 0, 0.2, 0);
	/* fenced, ticketed: bag search admitted, lockdown does not fit */
	festival.enclosed = PT_ENCLOSURE_FENCED;
	festival.legal_basis = PT_BASIS_ENTRY + 1;
	sc = fit_screen(&f, &festival, search, &m);
	if (sc) {
		CHECK_INT(sc->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(sc->misfit, 0);
		CHECK_INT(sc->basis_missing, 0);
	}
	sc = m ? screen_of(m, 0, lockdown) : NULL;
	CHECK(sc != NULL);
	if (sc) {
		CHECK_INT(sc->verdict, PT_VERDICT_DOES_NOT_FIT);
		CHECK_INT(sc->misfit, PT_NEED_ENCLOSED);
	}
	sc = m ? screen_of(m, 0, cctv) : NULL; /* controlled entry: the catalogue's none holds */
	if (sc)
		CHECK_INT(sc->verdict, PT_VERDICT_ADMITTED);
	pt_plan_model_free(m);
	/* the same ground open: no controlled entry, and CCTV there needs a statute */
	festival.enclosed = PT_ENCLOSURE_OPEN;
	sc = fit_screen(&f, &festival, search, &m);
	if (sc) {
		CHECK_INT(sc->verdict, PT_VERDICT_DOES_NOT_FIT);
		CHECK_INT(sc->misfit, PT_NEED_CONTROLLED_ENTRY);
	}
	sc = m ? screen_of(m, 0, cctv) : NULL;
	if (sc) {
		CHECK_INT(sc->verdict, PT_VERDICT_LEGAL_BASIS);
		CHECK_INT(sc->basis_missing, 1);
	}
	pt_plan_model_free(m);
	/* a public square, enclosure unknown (open), no basis: CCTV needs a statute,
	 * kits (no privacy intrusion) do not */
	pt_strlcpy(square.kind, "public_space", sizeof square.kind);
	square.legal_basis = PT_BASIS_NONE + 1;
	sc = fit_screen(&f, &square, cctv, &m);
	if (sc) {
		CHECK_INT(sc->verdict, PT_VERDICT_LEGAL_BASIS);
		CHECK_INT(sc->basis_missing, 1);
	}
	sc = m ? screen_of(m, 0, kits) : NULL;
	if (sc)
		CHECK_INT(sc->verdict, PT_VERDICT_ADMITTED);
	pt_plan_model_free(m);
	square.legal_basis = PT_BASIS_STATUTE + 1; /* a statute authorises it there */
	sc = fit_screen(&f, &square, cctv, &m);
	if (sc)
		CHECK_INT(sc->verdict, PT_VERDICT_ADMITTED);
	pt_plan_model_free(m);
	/* an enclosed hall with no specific basis: CCTV rests on the catalogue's none */
	hall.enclosed = PT_ENCLOSURE_ENCLOSED;
	sc = fit_screen(&f, &hall, cctv, &m);
	if (sc) {
		CHECK_INT(sc->verdict, PT_VERDICT_ADMITTED);
		CHECK_INT(sc->basis_missing, 0);
	}
	sc = m ? screen_of(m, 0, lockdown) : NULL;
	if (sc)
		CHECK_INT(sc->verdict, PT_VERDICT_ADMITTED);
	pt_plan_model_free(m);
	pt_measure_catalog_clear(&f.cat);
}

int main(void)
{
	RUN(test_names);
	RUN(test_single_measure);
	RUN(test_step_free);
	RUN(test_legal_basis);
	RUN(test_cost_driver);
	RUN(test_does_not_fit);
	RUN(test_legal_basis_levels);
	RUN(test_controlled_entry_and_public_statute); /* issue 11 review M2, M3 */
	RUN(test_band);
	RUN(test_less_intrusive);
	RUN(test_less_intrusive_needs_admissible);
	RUN(test_both_profitable_together);
	RUN(test_less_intrusive_other_aim);
	RUN(test_aim_and_risk_band);
	RUN(test_bcr_before_less_intrusive);
	RUN(test_bcr);
	RUN(test_existing_committed_applies);
	RUN(test_pending_not_counted); /* issue 11, item 7 */
	RUN(test_not_assessed);
	RUN(test_exclusive_groups);
	RUN(test_useless_measure);
	RUN(test_option_cap);
	RUN(test_pareto_brute_force);
	RUN(test_bad_inputs);
	RUN(test_solve);
	return TEST_SUMMARY("test_plan");
}
