/* test_plan_io.c - unit tests of src/formats/pt_plan_io.c on a small plan
 * built by hand (no store): the reasons and rejection sentences, JSON keys
 * and values, CSV quoting, HTML escaping and the frontier's SVG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_marking.h"
#include "formats/pt_plan_io.h"
#include "formats/pt_plan_saved_io.h"
#include "pt_test.h"

/* Threats 0 pbied, 1 vehicle_ramming, 2 drone_uas. */
enum { PBIED, RAMMING, DRONE };
/* Measures of the catalogue. */
enum { BAG, CCTV, STEWARD, SCANNER, BOLLARDS, TURNSTILES, FACE };

static struct pt_config cfg;
static struct pt_catalog threats;
static struct pt_measure_catalog measures;
static struct pt_site sites[2];
static struct pt_plan_site_model site_models[2];
static struct pt_plan_screen screens[9];
static struct pt_plan_alt alts[12];
static struct pt_plan_effect effects[12];
static struct pt_plan_option options[4];
static uint32_t option_measures[4];
static struct pt_plan_model model;
static size_t choice[2];
static struct pt_plan_result result;
static struct pt_plan_view view;
static double factors[3]; /* per threat: drone_uas at SEVERE, the others SUBSTANTIAL */
static double fr_budget[3] = {0, 500000, 1000000};
static double fr_reduction[3] = {0, 700000, 1070000};
static double fr_bound[3] = {0, 750000, 1070000};

static void add_threat(const char *id)
{
	struct pt_catalog_entry e;
	memset(&e, 0, sizeof e);
	pt_strlcpy(e.id, id, sizeof e.id);
	pt_strlcpy(e.name, id, sizeof e.name);
	if (pt_catalog_append(&threats, &e) != PT_OK)
		abort();
}

static void add_measure(const char *id, const char *name, int privacy, int movement,
			int legal, int step_free)
{
	struct pt_measure m;
	memset(&m, 0, sizeof m);
	pt_strlcpy(m.id, id, sizeof m.id);
	pt_strlcpy(m.name, name, sizeof m.name);
	m.family = PT_FAMILY_PHYSICAL;
	m.capex_eur = 10000;
	m.lifetime_years = 10;
	m.rights[PT_RIGHT_PRIVACY] = privacy;
	m.rights[PT_RIGHT_MOVEMENT] = movement;
	m.legal_basis = legal ? PT_BASIS_STATUTE : PT_BASIS_NONE; /* 1: a statute (issue 11) */
	m.removes_step_free = step_free;
	pt_strlcpy(m.kinds, "*", sizeof m.kinds);
	pt_strlcpy(m.sectors, "*", sizeof m.sectors);
	if (pt_measure_catalog_add(&measures, &m) != PT_OK)
		abort();
}

static void screen(size_t k, uint32_t m, enum pt_plan_verdict verdict, int intr,
		   enum pt_band site_band, enum pt_band needed, double cost, double red, double bcr,
		   int32_t main_threat)
{
	struct pt_plan_screen *s = &screens[k];
	memset(s, 0, sizeof *s);
	s->measure = m;
	s->verdict = verdict;
	s->intrusiveness = intr;
	s->site_band = site_band;
	s->needed_band = needed;
	s->cost_eur = cost;
	s->reduction_eur_year = red;
	s->benefit_eur = red * 8.53;
	s->bcr = bcr;
	s->main_threat = main_threat;
	s->alternative = -1;
}

static void alt(size_t k, uint32_t m, int intr, double cost, double red, int less, int costly)
{
	alts[k].measure = m;
	alts[k].intrusiveness = intr;
	alts[k].cost_eur = cost;
	alts[k].reduction_eur_year = red;
	alts[k].less_reduction = less;
	alts[k].too_costly = costly;
	alts[k].short_threat = less ? PBIED : -1;
	alts[k].short_reduction_eur_year = less ? red : 0;
	alts[k].not_addressed = 0;
	alts[k].still_pays = 0;
	alts[k].remaining_bcr = NAN;
}

/* Effect n of the model: screen k reduces threat t by red a year (its aim
 * when aim), the pair of t is in band b; a screen's effects are consecutive. */
static void effect(size_t n, size_t k, uint32_t t, enum pt_band b, double red, int aim)
{
	effects[n].threat = t;
	effects[n].band = b;
	effects[n].reduction_eur_year = red;
	if (screens[k].n_effects == 0)
		screens[k].first_effect = n;
	screens[k].n_effects++;
	if (aim) {
		screens[k].n_aim++;
		if ((int)b > (int)screens[k].risk_band)
			screens[k].risk_band = b;
	}
}

/*
 * Two sites: VM-100 (band high) funded with cctv, scanner and bollards;
 * VM-200 (band medium) with bag_search admitted but not funded, and a
 * rejection of each kind across both.
 */
static void build(void)
{
	memset(&cfg, 0, sizeof cfg);
	pt_config_defaults(&cfg);
	cfg.plan_horizon_years = 10;
	cfg.plan_discount_rate = 0.03;
	cfg.plan_alternative_cost_factor = 1.2;
	cfg.plan_min_bcr = 1;
	cfg.plan_max_measures = 4;
	if (threats.n == 0) {
		add_threat("pbied");
		add_threat("vehicle_ramming");
		add_threat("drone_uas");
		add_measure("bag_search", "Bag search at entrances", 1, 1, 0, 0);
		add_measure("cctv", "CCTV with recording", 2, 0, 0, 0);
		add_measure("stewarding", "Trained stewards", 0, 1, 0, 0);
		add_measure("walkthrough_scanner", "Walk-through scanners", 3, 2, 1, 0);
		add_measure("bollards", "Fixed bollards", 0, 0, 0, 0);
		add_measure("turnstiles", "Full-height turnstiles", 0, 3, 0, 1);
		add_measure("face_recognition", "Live facial recognition", 3, 0, 1, 0);
	}
	memset(sites, 0, sizeof sites);
	pt_strlcpy(sites[0].id, "VM-100", sizeof sites[0].id);
	pt_strlcpy(sites[0].name, "Hall \"A\", <script>alert(1)</script>", sizeof sites[0].name);
	pt_strlcpy(sites[0].region, "Brackwater", sizeof sites[0].region);
	sites[0].lat = 47.2;
	sites[0].lon = -12.1;
	pt_strlcpy(sites[1].id, "VM-200", sizeof sites[1].id);
	pt_strlcpy(sites[1].name, "Kessling Market", sizeof sites[1].name);
	pt_strlcpy(sites[1].region, "Kessling", sizeof sites[1].region);
	sites[1].tlp = PT_TLP_AMBER; /* the plan's marking (issue 11): the higher of CLEAR, AMBER */

	/* VM-100 */
	screen(0, CCTV, PT_VERDICT_ADMITTED, 2, PT_BAND_HIGH, PT_BAND_MEDIUM, 211750, 41287, 1.66,
	       PBIED);
	screens[0].first_alt = 0;
	screens[0].n_alts = 2;
	alt(0, BAG, 1, 50000, 18000, 1, 0);
	alt(1, STEWARD, 1, 310000, 50000, 0, 1);
	screen(1, SCANNER, PT_VERDICT_ADMITTED, 3, PT_BAND_HIGH, PT_BAND_HIGH, 300000, 60000, 1.7,
	       PBIED);
	screens[1].first_alt = 2;
	screens[1].n_alts = 1;
	alt(2, CCTV, 2, 400000, 59980, 1, 1);
	screen(2, BOLLARDS, PT_VERDICT_ADMITTED, 0, PT_BAND_HIGH, PT_BAND_NONE, 88250, 30000, 2.9,
	       RAMMING);
	screen(3, TURNSTILES, PT_VERDICT_STEP_FREE, 3, PT_BAND_HIGH, PT_BAND_HIGH, 90000, 20000,
	       1.9, PBIED);
	/* VM-200 */
	screen(4, FACE, PT_VERDICT_BAND, 3, PT_BAND_MEDIUM, PT_BAND_HIGH, 500000, 30000, 0.5,
	       PBIED);
	screen(5, CCTV, PT_VERDICT_LESS_INTRUSIVE, 2, PT_BAND_MEDIUM, PT_BAND_MEDIUM, 70000, 19000,
	       2.3, PBIED);
	screens[5].alternative = BAG;
	screen(6, BAG, PT_VERDICT_ADMITTED, 1, PT_BAND_MEDIUM, PT_BAND_LOW, 60000, 20000, 2.8,
	       PBIED);
	screen(7, STEWARD, PT_VERDICT_BCR, 1, PT_BAND_MEDIUM, PT_BAND_LOW, 250000, 11700, 0.4, -1);
	screen(8, SCANNER, PT_VERDICT_LEGAL_BASIS, 3, PT_BAND_MEDIUM, PT_BAND_HIGH, 300000, 20000,
	       0.57, PBIED);

	memset(options, 0, sizeof options);
	options[0].risk_after_eur_year = 100000;
	options[1].cost_eur = 600000;
	options[1].benefit_eur = 900000;
	options[1].risk_after_eur_year = 40000;
	options[1].first_measure = 0;
	options[1].n_measures = 3;
	option_measures[0] = CCTV;
	option_measures[1] = SCANNER;
	option_measures[2] = BOLLARDS;
	options[2].risk_after_eur_year = 50000;
	options[3].cost_eur = 60000;
	options[3].benefit_eur = 170000;
	options[3].risk_after_eur_year = 30000;
	options[3].first_measure = 3;
	options[3].n_measures = 1;
	option_measures[3] = BAG;

	/* effects per threat, the aims and their risk bands */
	effect(0, 0, PBIED, PT_BAND_HIGH, 41287, 1);
	effect(1, 1, PBIED, PT_BAND_HIGH, 60000, 1);
	effect(2, 2, RAMMING, PT_BAND_MEDIUM, 30000, 1);
	effect(3, 3, PBIED, PT_BAND_HIGH, 20000, 1);
	effect(4, 4, PBIED, PT_BAND_MEDIUM, 30000, 1);
	effect(5, 5, PBIED, PT_BAND_MEDIUM, 17000, 1);
	effect(6, 5, RAMMING, PT_BAND_MEDIUM, 2000, 0);
	effect(7, 6, PBIED, PT_BAND_MEDIUM, 18000, 1);
	effect(8, 6, RAMMING, PT_BAND_MEDIUM, 2000, 0);
	effect(9, 8, PBIED, PT_BAND_MEDIUM, 20000, 1);
	/* at VM-200 bag_search (screen 6) rules cctv out */
	alt(8, BAG, 1, 60000, 20000, 0, 0);
	alts[8].remaining_bcr = 0.4;
	screens[5].first_alt = 8;
	screens[5].n_alts = 1;

	memset(site_models, 0, sizeof site_models);
	site_models[0].band = PT_BAND_HIGH;
	site_models[0].worst_threat = PBIED;
	site_models[0].risk_before_eur_year = 100000;
	site_models[0].assessed = 1;
	site_models[0].first_option = 0;
	site_models[0].n_options = 2;
	site_models[0].first_screen = 0;
	site_models[0].n_screens = 4;
	site_models[1].band = PT_BAND_MEDIUM;
	site_models[1].worst_threat = RAMMING;
	site_models[1].risk_before_eur_year = 50000;
	site_models[1].assessed = 1;
	site_models[1].first_option = 2;
	site_models[1].n_options = 2;
	site_models[1].first_screen = 4;
	site_models[1].n_screens = 5;

	memset(&model, 0, sizeof model);
	model.n_sites = 2;
	model.sites = site_models;
	model.options = options;
	model.n_options = 4;
	model.option_measures = option_measures;
	model.screens = screens;
	model.n_screens = 9;
	model.alts = alts;
	model.n_alts = 9;
	model.effects = effects;
	model.n_effects = 10;
	model.risk_before_eur_year = 150000;

	choice[0] = 1;
	choice[1] = 0;
	memset(&result, 0, sizeof result);
	result.solver = PT_SOLVER_FAST;
	result.budget_eur = 2000000;
	result.n_sites = 2;
	result.choice = choice;
	result.cost_eur = 600000;
	result.risk_before_eur_year = 150000;
	result.risk_after_eur_year = 90000;
	result.risk_reduction_eur = 900000;
	result.bound_eur = 930000;
	result.gap = 30000.0 / 930000;
	result.sites_funded = 1;
	result.measures_chosen = 3;
	result.exact_reduction_eur = NAN;
	result.gap_to_exact = NAN;

	memset(&view, 0, sizeof view);
	view.cfg = &cfg;
	view.threats = &threats;
	view.sites = sites;
	view.measures = &measures;
	view.model = &model;
	view.result = &result;
	view.threat_level_text = "SUBSTANTIAL (drone_uas=SEVERE)";
	factors[PBIED] = factors[RAMMING] = cfg.level_factor[PT_LEVEL_SUBSTANTIAL];
	factors[DRONE] = cfg.level_factor[PT_LEVEL_SEVERE];
	view.threat_factors = factors;
	view.national = PT_LEVEL_SUBSTANTIAL;
	view.region = "";
	view.name = "";
	view.withheld = 3;
}

/* Run a writer into a new string (free()). */
static char *capture(enum pt_err (*w)(FILE *, const struct pt_plan_view *), enum pt_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	*err = w(f, &view);
	fclose(f);
	return buf;
}

static void test_reasons_chosen(void)
{
	char out[8][512];
	size_t n;
	build();
	n = pt_plan_reasons(&view, 0, &screens[0], out, 8);
	CHECK_INT(n, 4);
	CHECK_STR(out[0], "Aim: pbied; risk band high (pbied) at SUBSTANTIAL; intrusiveness 2 needs "
			  "at least medium.");
	CHECK_STR(out[1], "Reduces expected loss by EUR 41,300 a year (mostly pbied); cost EUR "
			  "212,000 over 10 years; benefit-cost ratio 1.7.");
	CHECK_STR(out[2], "Less intrusive bag_search considered: reduces pbied less (EUR 18,000 a "
			  "year against this measure's EUR 41,300).");
	CHECK_STR(out[3], "Less intrusive stewarding considered: costs EUR 310,000, above 1.2 x "
			  "this measure's cost.");

	/* an alternative short on both counts, a legal basis flag; the equal rounded figure shows whole euros */
	screens[1].basis_missing = 1; /* admitted under plan.allow_legal_basis 1 (issue 11) */
	n = pt_plan_reasons(&view, 0, &screens[1], out, 8);
	screens[1].basis_missing = 0;
	CHECK_INT(n, 4);
	CHECK_STR(out[0], "Aim: pbied; risk band high (pbied) at SUBSTANTIAL; intrusiveness 3 needs "
			  "at least high.");
	CHECK_STR(out[2], "Less intrusive cctv considered: reduces pbied less (EUR 59,980 a year "
			  "against this measure's EUR 60,000); it costs EUR 400,000, above 1.2 x this "
			  "measure's cost.");
	CHECK_STR(out[3], "Needs a statute authorising it; the site has no specific basis. Admitted "
			  "only because plan.allow_legal_basis is 1: confirm the basis before "
			  "procurement.");

	/* intrusiveness 0 */
	n = pt_plan_reasons(&view, 0, &screens[2], out, 8);
	CHECK_INT(n, 3);
	CHECK_STR(out[0], "Aim: vehicle_ramming; risk band medium (vehicle_ramming) at SUBSTANTIAL; "
			  "intrusiveness 0 needs no particular band.");
	CHECK_STR(out[1], "Reduces expected loss by EUR 30,000 a year (mostly vehicle_ramming); cost "
			  "EUR 88,300 over 10 years; benefit-cost ratio 2.9.");
	CHECK_STR(out[2], "Not intrusive: every rights score is 0.");

	/* no less intrusive measure; the aim leaves out the threat below 80% */
	n = pt_plan_reasons(&view, 1, &screens[6], out, 8);
	CHECK_INT(n, 3);
	CHECK_STR(out[0], "Aim: pbied; risk band medium (pbied) at SUBSTANTIAL; intrusiveness 1 "
			  "needs at least low.");
	CHECK_STR(out[2], "No less intrusive measure acts on its aim (pbied).");

	/* three alternatives are named, the rest counted */
	screens[6].first_alt = 3;
	screens[6].n_alts = 5;
	model.n_alts = 8;
	alt(3, STEWARD, 0, 70000, 15000, 1, 0);
	alt(4, BOLLARDS, 0, 90000, 14000, 1, 1);
	alt(5, STEWARD, 0, 71000, 13000, 1, 0);
	alt(6, BOLLARDS, 0, 92000, 12000, 1, 0);
	alt(7, STEWARD, 0, 73000, 11000, 1, 0);
	n = pt_plan_reasons(&view, 1, &screens[6], out, 8);
	CHECK_INT(n, 6);
	CHECK_STR(out[2], "Less intrusive stewarding considered: reduces pbied less (EUR 15,000 a "
			  "year against this measure's EUR 18,000).");
	CHECK_STR(out[5], "2 other less intrusive measures acting on its aim fall short too (each "
			  "reduces a threat of the aim less, costs more than 1.2 x this measure's "
			  "cost, or leaves it paying for itself).");
	screens[6].n_alts = 4; /* four: all named */
	n = pt_plan_reasons(&view, 1, &screens[6], out, 8);
	CHECK_INT(n, 6);
	CHECK_STR(out[5], "Less intrusive bollards considered: reduces pbied less (EUR 12,000 a year "
			  "against this measure's EUR 18,000).");

	/* max limits the sentences */
	CHECK_INT(pt_plan_reasons(&view, 0, &screens[0], out, 2), 2);
	CHECK_INT(pt_plan_reasons(&view, 0, &screens[0], out, 0), 0);
	CHECK_INT(pt_plan_reasons(&view, 5, &screens[0], out, 8), 0);
}

static void test_reject_reasons(void)
{
	char buf[512];
	build();
	pt_plan_reject_reason(&view, 0, &screens[3], buf, sizeof buf);
	CHECK_STR(buf, "Removes step-free access: never chosen (accessibility must be kept).");
	pt_plan_reject_reason(&view, 1, &screens[4], buf, sizeof buf);
	CHECK_STR(buf, "Intrusiveness 3 needs a risk band of at least high; its aim's (pbied) is "
		       "medium (pbied) at SUBSTANTIAL.");
	pt_plan_reject_reason(&view, 1, &screens[5], buf, sizeof buf);
	CHECK_STR(buf, "bag_search (intrusiveness 1) serves the same aim (pbied EUR 18,000 a year "
		       "against this measure's EUR 17,000) for EUR 60,000, within 1.2 x the cost; "
		       "with it in place this measure's benefit-cost ratio falls to 0.4, below the "
		       "minimum 1.");
	pt_plan_reject_reason(&view, 1, &screens[7], buf, sizeof buf);
	CHECK_STR(buf, "Benefit-cost ratio 0.4 is below the minimum 1 (cost EUR 250,000 over 10 years).");
	pt_plan_reject_reason(&view, 1, &screens[8], buf, sizeof buf);
	CHECK_STR(buf, "Needs a statute authorising it; Kessling Market has no specific basis "
		       "(unknown counts as none) (plan.allow_legal_basis is 0).");
	/* the configured factor and minimum are the ones shown */
	cfg.plan_alternative_cost_factor = 1.5;
	cfg.plan_min_bcr = 1.25;
	pt_plan_reject_reason(&view, 1, &screens[5], buf, sizeof buf);
	CHECK(strstr(buf, "within 1.5 x the cost;") != NULL);
	CHECK(strstr(buf, "below the minimum 1.25.") != NULL);
	pt_plan_reject_reason(&view, 1, &screens[7], buf, sizeof buf);
	CHECK_STR(buf, "Benefit-cost ratio 0.4 is below the minimum 1.25 (cost EUR 250,000 over 10 "
		       "years).");
	/* a short buffer is cut, still terminated */
	pt_plan_reject_reason(&view, 1, &screens[7], buf, 10);
	CHECK_INT(strlen(buf), 9);
}

static json_t *plan_json(void)
{
	enum pt_err err;
	char *text = capture(pt_plan_write_json, &err);
	json_error_t je;
	json_t *j;
	CHECK_INT(err, PT_OK);
	CHECK(text && strlen(text) > 0 && text[strlen(text) - 1] == '\n');
	j = json_loads(text ? text : "", 0, &je);
	free(text);
	CHECK(j != NULL);
	return j;
}

static void test_json(void)
{
	json_t *j, *t, *s, *m, *r;
	size_t k;
	build();
	j = plan_json();
	if (!j)
		return;
	CHECK_NEAR(json_number_value(json_object_get(j, "budget_eur")), 2000000, 1e-6);
	CHECK_STR(json_string_value(json_object_get(j, "solver")), "fast");
	CHECK_STR(json_string_value(json_object_get(j, "tlp")), "TLP:AMBER"); /* issue 11 */
	CHECK_STR(json_string_value(json_object_get(j, "threat_level")),
		  "SUBSTANTIAL (drone_uas=SEVERE)");
	CHECK_INT(json_integer_value(json_object_get(j, "horizon_years")), 10);
	CHECK_NEAR(json_number_value(json_object_get(j, "discount_rate")), 0.03, 1e-12);
	CHECK_INT(json_integer_value(json_object_get(j, "withheld")), 3);
	CHECK_INT(json_integer_value(json_object_get(j, "not_assessed")), 0);
	CHECK(json_object_get(j, "frontier") == NULL);

	t = json_object_get(j, "totals");
	CHECK_NEAR(json_number_value(json_object_get(t, "cost_eur")), 600000, 1e-6);
	CHECK_NEAR(json_number_value(json_object_get(t, "risk_reduction_eur")), 900000, 1e-6);
	CHECK_NEAR(json_number_value(json_object_get(t, "net_benefit_eur")), 300000, 1e-6);
	CHECK_NEAR(json_number_value(json_object_get(t, "bcr")), 1.5, 1e-12);
	CHECK_NEAR(json_number_value(json_object_get(t, "gap")), 30000.0 / 930000, 1e-12);
	CHECK_NEAR(json_number_value(json_object_get(t, "risk_before_eur_year")), 150000, 1e-6);
	CHECK_NEAR(json_number_value(json_object_get(t, "risk_after_eur_year")), 90000, 1e-6);
	CHECK(json_is_null(json_object_get(t, "exact_reduction_eur")));
	CHECK(json_is_null(json_object_get(t, "gap_to_exact")));
	CHECK(json_is_false(json_object_get(t, "optimal")));
	CHECK_INT(json_integer_value(json_object_get(t, "sites_funded")), 1);
	CHECK_INT(json_integer_value(json_object_get(t, "measures")), 3);

	s = json_object_get(j, "sites");
	CHECK_INT(json_array_size(s), 1); /* funded sites only */
	s = json_array_get(s, 0);
	CHECK_STR(json_string_value(json_object_get(s, "site_id")), "VM-100");
	CHECK_STR(json_string_value(json_object_get(s, "name")),
		  "Hall \"A\", <script>alert(1)</script>");
	CHECK(json_object_get(s, "band") == NULL); /* renamed: which band it is */
	CHECK_STR(json_string_value(json_object_get(s, "risk_band")), "high");
	CHECK_STR(json_string_value(json_array_get(json_object_get(s, "risk_band_threats"), 0)),
		  "pbied");
	CHECK_STR(json_string_value(json_object_get(s, "threat_level")), "SUBSTANTIAL");
	/* EUR 100,000 a year before: at the default edges (10,000 and 100,000) high */
	CHECK_STR(json_string_value(json_object_get(s, "loss_band")), "high");
	CHECK_NEAR(json_number_value(json_object_get(s, "cost_eur")), 600000, 1e-6);
	CHECK_NEAR(json_number_value(json_object_get(s, "risk_before_eur")), 100000, 1e-6);
	CHECK_NEAR(json_number_value(json_object_get(s, "risk_after_eur")), 40000, 1e-6);
	CHECK_NEAR(json_number_value(json_object_get(s, "risk_reduction_eur")), 900000, 1e-6);
	CHECK_NEAR(json_number_value(json_object_get(s, "bcr")), 1.5, 1e-12);
	m = json_object_get(s, "measures");
	CHECK_INT(json_array_size(m), 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 0), "measure_id")), "cctv");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 1), "measure_id")),
		  "walkthrough_scanner");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 1), "legal_basis")), "statute");
	CHECK(json_is_false(json_object_get(json_array_get(m, 1), "cost_estimated")));
	CHECK(json_is_array(json_object_get(json_array_get(m, 1), "safeguards")));
	CHECK_INT(json_integer_value(json_object_get(json_array_get(m, 1), "intrusiveness")), 3);
	CHECK_NEAR(json_number_value(json_object_get(json_array_get(m, 0), "reduction_eur_year")),
		   41287, 1e-6);
	CHECK_STR(json_string_value(json_array_get(json_object_get(json_array_get(m, 0), "aim_threats"), 0)),
		  "pbied");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 0), "risk_band")), "high");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 0), "threat_level")),
		  "SUBSTANTIAL");
	r = json_object_get(json_array_get(m, 0), "reasons");
	CHECK_INT(json_array_size(r), 4);
	CHECK_STR(json_string_value(json_array_get(r, 2)),
		  "Less intrusive bag_search considered: reduces pbied less (EUR 18,000 a year "
		  "against this measure's EUR 41,300).");

	r = json_object_get(j, "rejected");
	CHECK_INT(json_array_size(r), 5);
	CHECK_STR(json_string_value(json_object_get(json_array_get(r, 0), "site_id")), "VM-100");
	CHECK_STR(json_string_value(json_object_get(json_array_get(r, 0), "measure_id")), "turnstiles");
	CHECK_STR(json_string_value(json_object_get(json_array_get(r, 0), "verdict")), "step_free");
	for (k = 0; k < json_array_size(r); k++) {
		const char *why = json_string_value(json_object_get(json_array_get(r, k), "reason"));
		CHECK(why && strlen(why) > 20);
	}
	CHECK_STR(json_string_value(json_object_get(json_array_get(r, 4), "verdict")), "legal_basis");
	{ /* the less intrusive rejection: the aim and both effects */
		json_t *li = json_array_get(r, 2), *alt = json_object_get(li, "alternative"), *e;
		CHECK_STR(json_string_value(json_object_get(li, "verdict")), "less_intrusive");
		CHECK_STR(json_string_value(json_array_get(json_object_get(li, "aim_threats"), 0)),
			  "pbied");
		CHECK_STR(json_string_value(json_object_get(li, "risk_band")), "medium");
		CHECK_STR(json_string_value(json_object_get(alt, "measure_id")), "bag_search");
		CHECK_NEAR(json_number_value(json_object_get(alt, "remaining_bcr")), 0.4, 1e-12);
		e = json_array_get(json_object_get(alt, "effects"), 0);
		CHECK_STR(json_string_value(json_object_get(e, "threat_id")), "pbied");
		CHECK_NEAR(json_number_value(json_object_get(e, "reduction_eur_year")), 17000, 1e-6);
		CHECK_NEAR(json_number_value(json_object_get(e, "alternative_reduction_eur_year")),
			   18000, 1e-6);
		CHECK(json_object_get(json_array_get(r, 1), "alternative") == NULL);
	}
	json_decref(j);

	/* both funded: largest reduction first; the exact check and the frontier shown */
	choice[1] = 1;
	options[3].benefit_eur = 950000;
	result.exact_reduction_eur = 1000000;
	result.gap_to_exact = 0.05;
	view.frontier_n = 3;
	view.frontier_budget = fr_budget;
	view.frontier_reduction = fr_reduction;
	view.frontier_bound = fr_bound;
	view.name = "draft-1";
	j = plan_json();
	if (!j)
		return;
	s = json_object_get(j, "sites");
	CHECK_INT(json_array_size(s), 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(s, 0), "site_id")), "VM-200");
	CHECK_STR(json_string_value(json_object_get(json_array_get(s, 1), "site_id")), "VM-100");
	t = json_object_get(j, "totals");
	CHECK_NEAR(json_number_value(json_object_get(t, "exact_reduction_eur")), 1000000, 1e-6);
	CHECK_NEAR(json_number_value(json_object_get(t, "gap_to_exact")), 0.05, 1e-12);
	CHECK_STR(json_string_value(json_object_get(j, "name")), "draft-1");
	r = json_object_get(j, "frontier");
	CHECK_INT(json_array_size(r), 3);
	CHECK_NEAR(json_number_value(json_object_get(json_array_get(r, 1), "risk_reduction_eur")),
		   700000, 1e-6);
	CHECK_NEAR(json_number_value(json_object_get(json_array_get(r, 1), "bound_eur")), 750000,
		   1e-6);
	json_decref(j);

	/* an infinite ratio (no cost) is null, not invalid JSON */
	build();
	screens[2].bcr = INFINITY;
	j = plan_json();
	if (!j)
		return;
	m = json_object_get(json_array_get(json_object_get(j, "sites"), 0), "measures");
	CHECK(json_is_null(json_object_get(json_array_get(m, 2), "bcr")));
	json_decref(j);
	CHECK(pt_plan_to_json(NULL) == NULL);
}

static void test_csv(void)
{
	enum pt_err err;
	char *text, *line2, *header;
	build();
	text = capture(pt_plan_write_csv, &err);
	CHECK_INT(err, PT_OK);
	if (!text)
		return;
	/* the marking first (issue 11): the highest label of the plan's sites */
	CHECK(strncmp(text, "# ", 2) == 0 &&
	      strncmp(text + 2, pt_marking_label(pt_plan_marking(&view)),
		      strlen(pt_marking_label(pt_plan_marking(&view)))) == 0);
	header = strstr(text, "\r\n");
	CHECK(header != NULL);
	if (!header) {
		free(text);
		return;
	}
	CHECK(strncmp(header + 2, "site_id,site_name,measure_id,measure_name,cost_eur,reduction_eur_year,"
			    "bcr,reasons\r\n", 80) == 0);
	line2 = strstr(header + 2, "\r\n");
	CHECK(line2 != NULL);
	if (line2)
		CHECK(strncmp(line2 + 2,
			      "VM-100,\"Hall \"\"A\"\", <script>alert(1)</script>\",cctv,CCTV with "
			      "recording,211750,41287,1.66,\"Aim: pbied; risk band high (pbied) at "
			      "SUBSTANTIAL; intrusiveness 2 needs at least medium. | Reduces "
			      "expected loss by "
			      "EUR 41,300 a year",
			      200) == 0);
	/* one row per chosen measure: marking + header + 3 */
	{
		size_t rows = 0;
		const char *p;
		for (p = text; (p = strstr(p, "\r\n")) != NULL; p += 2)
			rows++;
		CHECK_INT(rows, 5);
	}
	free(text);

	view.frontier_n = 3;
	view.frontier_budget = fr_budget;
	view.frontier_reduction = fr_reduction;
	view.frontier_bound = fr_bound;
	text = capture(pt_plan_write_frontier_csv, &err);
	CHECK_INT(err, PT_OK);
	CHECK_STR(text, "budget_eur,risk_reduction_eur,bound_eur\r\n0,0,0\r\n500000,700000,750000\r\n"
			"1000000,1070000,1070000\r\n");
	free(text);
}

static void test_html(void)
{
	enum pt_err err;
	char *text;
	build();
	text = capture(pt_plan_write_html, &err);
	CHECK_INT(err, PT_OK);
	if (!text)
		return;
	CHECK(strncmp(text, "<!DOCTYPE html>", 15) == 0);
	CHECK(strstr(text, "@media print") != NULL);
	CHECK(strstr(text, "<script") == NULL);
	CHECK(strstr(text, "Hall &quot;A&quot;, &lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	CHECK(strstr(text, "<svg") == NULL); /* no frontier given */
	CHECK(strstr(text, "EUR 2,000,000") != NULL);
	CHECK(strstr(text, "SUBSTANTIAL (drone_uas=SEVERE)") != NULL);
	CHECK(strstr(text, "3.23% (bound EUR 930,000: no plan can reduce more)") != NULL);
	CHECK(strstr(text, "not checked") != NULL);
	CHECK(strstr(text, "Less intrusive bag_search considered: reduces pbied less (EUR 18,000 a "
			   "year against this measure&#39;s EUR 41,300).") != NULL);
	CHECK(strstr(text, "Removes step-free access: never chosen (accessibility must be kept).") !=
	      NULL);
	CHECK(strstr(text, "this measure&#39;s cost") != NULL);
	CHECK(strstr(text, "docs/methodology.md") != NULL);
	CHECK(strstr(text, "</html>\n") != NULL);
	/* issue 11: the marking in a header and a footer the printer repeats on every page */
	CHECK(strstr(text, "<table class=\"tlp-page\">\n<thead><tr><td><span class=\"tlp tlp-header\" "
			   "style=\"color:#FFC000;background:#000\">TLP:AMBER</span></td></tr></thead>\n"
			   "<tfoot><tr><td><span class=\"tlp tlp-footer\" "
			   "style=\"color:#FFC000;background:#000\">TLP:AMBER</span></td></tr></tfoot>") != NULL);
	free(text);

	view.frontier_n = 3;
	view.frontier_budget = fr_budget;
	view.frontier_reduction = fr_reduction;
	view.frontier_bound = fr_bound;
	view.name = "<b>x</b>";
	text = capture(pt_plan_write_html, &err);
	CHECK_INT(err, PT_OK);
	if (!text)
		return;
	CHECK(strstr(text, "<svg") != NULL);
	CHECK(strstr(text, "role=\"img\"") != NULL);
	CHECK(strstr(text, "<title id=\"frontier-title\">") != NULL);
	CHECK(strstr(text, "stroke-dasharray") != NULL);
	CHECK(strstr(text, "this budget") != NULL);
	/* round ticks: budgets to 1,000,000 by 200k, reductions to 1,070,000 by 200k */
	CHECK(strstr(text, ">200k</text>") != NULL);
	CHECK(strstr(text, ">1M</text>") != NULL);
	CHECK(strstr(text, ">1.2M</text>") == NULL);
	CHECK(strstr(text, "<b>x</b>") == NULL);
	CHECK(strstr(text, "&lt;b&gt;x&lt;/b&gt;") != NULL);
	free(text);
}

/* Issue 11 review M1: admitted measures not funded, with why, in JSON, HTML and one sentence. */
static void test_not_chosen(void)
{
	struct pt_plan_not_chosen nc;
	json_t *j, *a, *c, *x;
	char buf[640];
	enum pt_err err;
	char *text;

	build();
	/* VM-200's bag_search: admitted, the site not funded */
	CHECK_INT(pt_plan_not_chosen(&view, 0, &screens[0], &nc), 0); /* chosen */
	CHECK_INT(pt_plan_not_chosen(&view, 0, &screens[3], &nc), 0); /* rejected */
	CHECK_INT(pt_plan_not_chosen(&view, 1, &screens[6], &nc), 1);
	CHECK_INT(nc.why, PT_NC_BUDGET);
	CHECK_NEAR(nc.extra_cost_eur, 60000, 1e-9);
	CHECK_NEAR(nc.marginal_bcr, 170000.0 / 60000, 1e-9);
	CHECK_NEAR(pt_plan_least_marginal_bcr(&view), 1.5, 1e-12);
	pt_plan_not_chosen_text(&view, 1, &nc, 1.5, buf, sizeof buf);
	CHECK_STR(buf, "Not funded (the site is not funded): the budget buys more elsewhere. The "
		       "site's cheapest bundle with it costs EUR 60,000 more for EUR 170,000 more risk "
		       "reduction (present values; marginal benefit-cost ratio 2.8). What the budget "
		       "bought: marginal ratios of 1.5 or more; EUR 1,400,000 of it is left.");
	j = plan_json();
	if (!j)
		return;
	c = json_object_get(j, "not_chosen_counts");
	CHECK_INT(json_integer_value(json_object_get(c, "budget")), 1);
	CHECK_INT(json_integer_value(json_object_get(c, "bundle_cap")), 0);
	CHECK_INT(json_integer_value(json_object_get(c, "exclusive_group")), 0);
	a = json_object_get(j, "not_chosen");
	CHECK_INT(json_array_size(a), 1);
	x = json_array_get(a, 0);
	CHECK_STR(json_string_value(json_object_get(x, "site_id")), "VM-200");
	CHECK_STR(json_string_value(json_object_get(x, "measure_id")), "bag_search");
	CHECK_STR(json_string_value(json_object_get(x, "why")), "budget");
	CHECK_NEAR(json_number_value(json_object_get(x, "bcr")), 2.8, 1e-12);
	CHECK_NEAR(json_number_value(json_object_get(x, "cost_eur")), 60000, 1e-9);
	CHECK_NEAR(json_number_value(json_object_get(x, "reduction_eur_year")), 20000, 1e-9);
	CHECK_NEAR(json_number_value(json_object_get(x, "least_funded_marginal_bcr")), 1.5, 1e-12);
	CHECK_STR(json_string_value(json_object_get(x, "reason")), buf);
	json_decref(j);
	view.omit_not_chosen = 1; /* bounded like "rejected": the counts without the list */
	j = plan_json();
	if (!j)
		return;
	CHECK(json_object_get(j, "not_chosen") == NULL);
	CHECK(json_object_get(j, "not_chosen_counts") != NULL);
	json_decref(j);

	/* turnstiles admitted at VM-100, whose bundle holds plan.max_measures = 3 */
	build();
	screens[3].verdict = PT_VERDICT_ADMITTED;
	cfg.plan_max_measures = 3;
	CHECK_INT(pt_plan_not_chosen(&view, 0, &screens[3], &nc), 1);
	CHECK_INT(nc.why, PT_NC_BUNDLE_CAP);
	pt_plan_not_chosen_text(&view, 0, &nc, 1.5, buf, sizeof buf);
	CHECK_STR(buf, "Not chosen: the site's bundle is at plan.max_measures (3); the 3 chosen "
		       "reduce more for their cost together than any bundle with this one.");
	text = capture(pt_plan_write_html, &err);
	CHECK_INT(err, PT_OK);
	if (text) {
		CHECK(strstr(text, "<h2>Admitted but not funded</h2>") != NULL);
		CHECK(strstr(text, "<tr><td>VM-100</td><td>turnstiles</td><td class=\"n\">1.9</td>"
				   "<td class=\"n\">90,000</td><td class=\"n\">20,000</td>"
				   "<td>bundle_cap</td><td>Not chosen: the site&#39;s bundle is at "
				   "plan.max_measures (3)") != NULL);
		free(text);
	}
	/* the same group as the chosen bollards */
	pt_strlcpy(measures.items[TURNSTILES].exclusive_group, "hvm",
		   sizeof measures.items[TURNSTILES].exclusive_group);
	pt_strlcpy(measures.items[BOLLARDS].exclusive_group, "hvm",
		   sizeof measures.items[BOLLARDS].exclusive_group);
	CHECK_INT(pt_plan_not_chosen(&view, 0, &screens[3], &nc), 1);
	CHECK_INT(nc.why, PT_NC_EXCLUSIVE_GROUP);
	CHECK_INT(nc.other, BOLLARDS);
	pt_plan_not_chosen_text(&view, 0, &nc, 1.5, buf, sizeof buf);
	CHECK_STR(buf, "Not chosen: bollards of its exclusive group hvm is chosen at the site, and a "
		       "bundle holds one measure of a group.");
	j = plan_json();
	if (j) {
		x = json_array_get(json_object_get(j, "not_chosen"), 0);
		CHECK_STR(json_string_value(json_object_get(x, "why")), "exclusive_group");
		CHECK_STR(json_string_value(json_object_get(x, "chosen_instead")), "bollards");
		json_decref(j);
	}
	measures.items[TURNSTILES].exclusive_group[0] = '\0';
	measures.items[BOLLARDS].exclusive_group[0] = '\0';
}

/* Issue 11 review m5: every threat tied at the site's worst band, in text, JSON and HTML. */
static void test_band_ties(void)
{
	static uint32_t ties[3] = {PBIED, RAMMING, DRONE};
	json_t *j, *a;
	char buf[640], *text;
	enum pt_err err;

	build();
	model.band_threats = ties; /* VM-100: pbied worst, vehicle_ramming tied */
	model.n_band_threats = 2;
	site_models[0].first_band_threat = 0;
	site_models[0].n_band_threats = 2;
	pt_plan_site_bands_text(&view, 0, buf, sizeof buf);
	CHECK_STR(buf, "Risk band high (pbied, vehicle_ramming) at SUBSTANTIAL; loss band high at "
		       "SUBSTANTIAL (drone_uas=SEVERE).");
	j = plan_json();
	if (j) {
		a = json_object_get(json_array_get(json_object_get(j, "sites"), 0),
				    "risk_band_threats");
		CHECK_INT(json_array_size(a), 2);
		CHECK_STR(json_string_value(json_array_get(a, 0)), "pbied");
		CHECK_STR(json_string_value(json_array_get(a, 1)), "vehicle_ramming");
		json_decref(j);
	}
	text = capture(pt_plan_write_html, &err);
	CHECK(text && strstr(text, "Risk band high (pbied, vehicle_ramming) at SUBSTANTIAL") != NULL);
	free(text);
	/* a tie at another level names each threat's level */
	ties[1] = DRONE;
	pt_plan_site_bands_text(&view, 0, buf, sizeof buf);
	CHECK_STR(buf, "Risk band high (pbied, drone_uas) at pbied=SUBSTANTIAL, drone_uas=SEVERE; "
		       "loss band high at SUBSTANTIAL (drone_uas=SEVERE).");
	ties[1] = RAMMING;
	model.band_threats = NULL;
	model.n_band_threats = 0;
}

static int keep_vm200(void *ctx, const char *site_id)
{
	(void)ctx;
	return site_id && strcmp(site_id, "VM-200") == 0;
}

/* Issue 11 review M1: a saved plan read by someone who may not see VM-100 loses its
 * not-funded measures, the counts are of those kept, and a budget reason keeps only
 * the site's part (the plan's figures are over the author's view). */
static void test_saved_keep_not_chosen(void)
{
	json_t *j, *a, *x;
	size_t hidden = 0;
	build();
	screens[3].verdict = PT_VERDICT_ADMITTED; /* turnstiles at VM-100: not funded */
	cfg.plan_max_measures = 4;
	j = plan_json();
	if (!j)
		return;
	CHECK_INT(json_array_size(json_object_get(j, "not_chosen")), 2);
	j = pt_plan_json_keep(j, keep_vm200, NULL, 1, &hidden);
	if (!j) {
		CHECK(0);
		return;
	}
	a = json_object_get(j, "not_chosen");
	CHECK_INT(json_array_size(a), 1);
	x = json_array_get(a, 0);
	CHECK_STR(json_string_value(json_object_get(x, "site_id")), "VM-200");
	CHECK_STR(json_string_value(json_object_get(x, "why")), "budget");
	CHECK(json_is_null(json_object_get(x, "least_funded_marginal_bcr")));
	CHECK_STR(json_string_value(json_object_get(x, "reason")),
		  "Not funded (the site is not funded): the budget buys more elsewhere. The site's "
		  "cheapest bundle with it costs EUR 60,000 more for EUR 170,000 more risk reduction "
		  "(present values; marginal benefit-cost ratio 2.8).");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(j, "not_chosen_counts"),
						     "budget")), 1);
	json_decref(j);
}

int main(void)
{
	RUN(test_reasons_chosen);
	RUN(test_reject_reasons);
	RUN(test_json);
	RUN(test_csv);
	RUN(test_html);
	RUN(test_not_chosen);
	RUN(test_band_ties);
	RUN(test_saved_keep_not_chosen);
	pt_catalog_clear(&threats);
	pt_measure_catalog_clear(&measures);
	return TEST_SUMMARY("test_plan_io");
}
