/* test_history.c - history and comparison (issue 16 item 6): a site's risk from a snapshot's
 * inputs and the fixed-order attribution against figures computed by hand, totals, the
 * stored JSON document read back, and the access rule of a row (then AND now). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_access.h"
#include "core/pt_history.h"
#include "formats/pt_diag.h"
#include "formats/pt_history_io.h"
#include "pt_test.h"

/* A site of sector in region, labelled tlp, owned by organisation 7. */
static void add_site(struct pt_hist_inputs *in, const char *id, const char *sector,
		     const char *region, enum pt_tlp tlp)
{
	struct pt_hist_site *s = &in->sites[in->n_sites++];
	memset(s, 0, sizeof *s);
	strcpy(s->site.id, id);
	strcpy(s->site.name, id);
	strcpy(s->site.kind, "soft_target");
	strcpy(s->site.sector, sector);
	strcpy(s->site.region, region);
	strcpy(s->site.owner, "Owner");
	s->site.tlp = tlp;
	s->owner_org_id = 7;
}

/* A quant row with constant ranges: attempt p, success v, loss EUR, no casualties. */
static void add_quant(struct pt_hist_inputs *in, const char *site, const char *threat, double p,
		      double v, double loss)
{
	struct pt_quant_row *q = &in->quant[in->n_quant++];
	memset(q, 0, sizeof *q);
	strcpy(q->site_id, site);
	strcpy(q->threat_id, threat);
	q->var[PT_QV_P_ATTEMPT].min = q->var[PT_QV_P_ATTEMPT].mode = q->var[PT_QV_P_ATTEMPT].max = p;
	q->var[PT_QV_P_SUCCESS].min = q->var[PT_QV_P_SUCCESS].mode = q->var[PT_QV_P_SUCCESS].max = v;
	q->var[PT_QV_LOSS_EUR].min = q->var[PT_QV_LOSS_EUR].mode = q->var[PT_QV_LOSS_EUR].max = loss;
}

static void add_fema(struct pt_hist_inputs *in, const char *site, const char *threat, int a,
		     int t, int v)
{
	struct pt_fema_row *f = &in->fema[in->n_fema++];
	memset(f, 0, sizeof *f);
	strcpy(f->site_id, site);
	strcpy(f->threat_id, threat);
	f->asset_value = a;
	f->threat_rating = t;
	f->vulnerability_rating = v;
}

static void national(struct pt_hist_inputs *in, enum pt_threat_level l)
{
	memset(&in->levels[0], 0, sizeof in->levels[0]);
	in->levels[0].change.scope = PT_LEVEL_SCOPE_NATIONAL;
	in->levels[0].change.level = l;
	in->n_levels = 1;
}

static void alloc_inputs(struct pt_hist_inputs *in)
{
	memset(in, 0, sizeof *in);
	pt_config_defaults(&in->cfg);
	in->sites = calloc(4, sizeof *in->sites);
	in->quant = calloc(4, sizeof *in->quant);
	in->fema = calloc(4, sizeof *in->fema);
	in->measures = calloc(4, sizeof *in->measures);
	in->effects = calloc(4, sizeof *in->effects);
	in->levels = calloc(4, sizeof *in->levels);
	in->ids = calloc(1, sizeof *in->ids);
	in->decisions = calloc(1, sizeof *in->decisions);
}

/*
 * From (a year ago, SEVERE): S1 attempt 0.1, success 0.5, loss 1e6; S2 attempt 0.2, success
 * 0.5, loss 2e5 (removed since). To (now, SUBSTANTIAL): S1 reassessed to success 0.4 and a
 * measure installed (V -25 %, C -20 % against arson); S3 new (0.05, 1, 1e5).
 */
static void fixture(struct pt_hist_inputs *from, struct pt_hist_inputs *to)
{
	alloc_inputs(from);
	alloc_inputs(to);
	national(from, PT_LEVEL_SEVERE);
	national(to, PT_LEVEL_SUBSTANTIAL);
	add_site(from, "S1", "health", "North", PT_TLP_GREEN);
	add_site(from, "S2", "energy", "South", PT_TLP_CLEAR);
	add_quant(from, "S1", "arson", 0.1, 0.5, 1e6);
	add_quant(from, "S2", "arson", 0.2, 0.5, 2e5);
	add_fema(from, "S1", "arson", 5, 4, 6);
	add_fema(from, "S1", "drone", 5, 2, 9);
	add_site(to, "S1", "health", "North", PT_TLP_AMBER);
	add_site(to, "S3", "health", "South", PT_TLP_GREEN);
	add_quant(to, "S1", "arson", 0.1, 0.4, 1e6);
	add_quant(to, "S3", "arson", 0.05, 1, 1e5);
	add_fema(to, "S1", "arson", 5, 4, 5);
	add_fema(to, "S1", "drone", 5, 2, 9);
	strcpy(to->measures[0].site_id, "S1");
	strcpy(to->measures[0].measure_id, "access_control");
	to->measures[0].status = PT_SM_INSTALLED;
	to->n_measures = 1;
	strcpy(to->effects[0].measure_id, "access_control");
	strcpy(to->effects[0].threat_id, "arson");
	to->effects[0].v = 0.25;
	to->effects[0].c = 0.2;
	to->n_effects = 1;
	pt_hist_inputs_sort(from);
	pt_hist_inputs_sort(to);
}

static const struct pt_hist_row *row_of(const struct pt_hist_row *rows, size_t n, const char *id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(rows[i].site.id, id) == 0)
			return &rows[i];
	return NULL;
}

/* At the later one's level (SUBSTANTIAL, factor 1): S1 0.1 x 0.5 x 1e6 = 50 000 then;
 * reassessed 0.1 x 0.4 x 1e6 = 40 000 (-10 000); with the measure 0.1 x 0.3 x 0.8e6 = 24 000
 * (-16 000). S2 removed: -0.2 x 0.5 x 2e5 = -20 000. S3 new: 0.05 x 1 x 1e5 = 5 000. */
static void test_attribution_later(void)
{
	struct pt_hist_inputs from, to;
	struct pt_hist_compare_opts o = {PT_METHOD_QUANT, PT_HIST_BASIS_LATER, PT_LEVEL_LOW};
	struct pt_hist_row *rows = NULL;
	struct pt_hist_total *t = NULL;
	const struct pt_hist_row *r;
	size_t n = 0, nt = 0;
	fixture(&from, &to);
	CHECK_INT(pt_hist_compare(&from, &to, &o, &rows, &n, NULL), PT_OK);
	CHECK_INT(n, 3);
	r = row_of(rows, n, "S1");
	CHECK(r != NULL);
	if (r) {
		CHECK_NEAR(r->risk_from, 50000, 1e-6);
		CHECK_NEAR(r->risk_to, 24000, 1e-6);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_LEVEL], 0, 1e-9);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_REASSESS], -10000, 1e-6);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_MEASURES], -16000, 1e-6);
		CHECK_INT(r->measures_from, 0);
		CHECK_INT(r->measures_to, 1);
		CHECK_INT(r->site.tlp, PT_TLP_AMBER); /* the later record */
		CHECK_INT(r->band_from, PT_BAND_MEDIUM); /* 10 000 <= 50 000 < 100 000 */
	}
	r = row_of(rows, n, "S2");
	CHECK(r && r->to_site < 0);
	if (r) {
		CHECK_NEAR(r->risk_from, 20000, 1e-6);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_REMOVED], -20000, 1e-6);
	}
	r = row_of(rows, n, "S3");
	CHECK(r && r->from_site < 0);
	if (r) {
		CHECK_NEAR(r->risk_to, 5000, 1e-6);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_NEW], 5000, 1e-6);
		CHECK_INT(r->band_to, PT_BAND_LOW);
	}
	/* totals: the nation, then by sector (energy, health) */
	CHECK_INT(pt_hist_totals(rows, n, NULL, PT_HIST_BY_NATION, &t, &nt, NULL), PT_OK);
	CHECK_INT(nt, 1);
	CHECK_NEAR(t[0].risk_from, 70000, 1e-6);
	CHECK_NEAR(t[0].risk_to, 29000, 1e-6);
	CHECK_NEAR(t[0].delta[PT_HIST_CAUSE_MEASURES], -16000, 1e-6);
	free(t);
	{
		unsigned char keep[3] = {1, 1, 1};
		keep[1] = 0; /* rows are by id: S1, S2, S3; S2 hidden */
		CHECK_INT(pt_hist_totals(rows, n, keep, PT_HIST_BY_SECTOR, &t, &nt, NULL), PT_OK);
		CHECK_INT(nt, 1);
		CHECK_STR(t[0].key, "health");
		CHECK_INT(t[0].sites, 2);
		CHECK_NEAR(t[0].risk_to, 29000, 1e-6);
		free(t);
	}
	free(rows);
	pt_hist_inputs_clear(&from);
	pt_hist_inputs_clear(&to);
}

/* Each at its own level: S1 then at SEVERE (factor 3): 1 - 0.9^3 = 0.271, x 0.5 x 1e6 =
 * 135 500; the level's part 50 000 - 135 500 = -85 500; the rest as at the later level. One
 * level for both (CRITICAL, factor 10): 1 - 0.9^10 = 0.6513215599; S1 then 325 660.78,
 * reassessed 260 528.62, with the measure 156 317.17. */
static void test_attribution_own_and_level(void)
{
	struct pt_hist_inputs from, to;
	struct pt_hist_compare_opts own = {PT_METHOD_QUANT, PT_HIST_BASIS_OWN, PT_LEVEL_LOW};
	struct pt_hist_compare_opts crit = {PT_METHOD_QUANT, PT_HIST_BASIS_LEVEL, PT_LEVEL_CRITICAL};
	struct pt_hist_row *rows = NULL;
	const struct pt_hist_row *r;
	size_t n = 0;
	double p10 = 1 - pow(0.9, 10);
	fixture(&from, &to);
	CHECK_INT(pt_hist_compare(&from, &to, &own, &rows, &n, NULL), PT_OK);
	r = row_of(rows, n, "S1");
	CHECK(r != NULL);
	if (r) {
		CHECK_NEAR(r->risk_from, 135500, 1e-4);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_LEVEL], -85500, 1e-4);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_REASSESS], -10000, 1e-6);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_MEASURES], -16000, 1e-6);
	}
	r = row_of(rows, n, "S2"); /* removed: at its own level then, 1 - 0.8^3 = 0.488 */
	CHECK(r != NULL);
	if (r)
		CHECK_NEAR(r->risk_from, 0.488 * 0.5 * 2e5, 1e-4);
	free(rows);
	CHECK_INT(pt_hist_compare(&from, &to, &crit, &rows, &n, NULL), PT_OK);
	r = row_of(rows, n, "S1");
	CHECK(r != NULL);
	if (r) {
		CHECK_NEAR(r->risk_from, p10 * 0.5 * 1e6, 1e-4);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_LEVEL], 0, 1e-9);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_REASSESS], p10 * -0.1 * 1e6, 1e-4);
		CHECK_NEAR(r->risk_to, p10 * 0.3 * 0.8e6, 1e-4);
	}
	free(rows);
	crit.level = (enum pt_threat_level)9;
	CHECK_INT(pt_hist_compare(&from, &to, &crit, &rows, &n, NULL), PT_EINVAL);
	pt_hist_inputs_clear(&from);
	pt_hist_inputs_clear(&to);
}

/* A sector's own level counts for the sites of that sector only. */
static void test_sector_level(void)
{
	struct pt_hist_inputs from, to;
	double risk = 0;
	fixture(&from, &to);
	memset(&to.levels[1], 0, sizeof to.levels[1]);
	to.levels[1].change.scope = PT_LEVEL_SCOPE_SECTOR;
	strcpy(to.levels[1].change.scope_id, "health");
	to.levels[1].change.level = PT_LEVEL_SEVERE;
	to.n_levels = 2;
	CHECK_INT(pt_hist_site_risk(PT_METHOD_QUANT, &to.cfg, to.levels, to.n_levels,
				    &to.sites[0].site, &to, &to, "S1", &risk, NULL), PT_OK);
	CHECK_NEAR(risk, 0.271 * 0.3 * 0.8e6, 1e-4); /* S1 is health: SEVERE */
	CHECK_INT(pt_hist_site_risk(PT_METHOD_QUANT, &to.cfg, to.levels, to.n_levels,
				    &from.sites[1].site, &from, &from, "S2", &risk, NULL), PT_OK);
	CHECK_NEAR(risk, 0.2 * 0.5 * 2e5, 1e-6); /* S2 is energy: SUBSTANTIAL */
	pt_hist_inputs_clear(&from);
	pt_hist_inputs_clear(&to);
}

/* FEMA: the worst pair A x T x V; ratings only (measures and levels are not in FEMA's). S1
 * then max(5x4x6, 5x2x9) = 120, now max(5x4x5, 90) = 100: -20 reassessment. */
static void test_fema(void)
{
	struct pt_hist_inputs from, to;
	struct pt_hist_compare_opts o = {PT_METHOD_FEMA, PT_HIST_BASIS_OWN, PT_LEVEL_LOW};
	struct pt_hist_row *rows = NULL;
	const struct pt_hist_row *r;
	size_t n = 0;
	fixture(&from, &to);
	CHECK_INT(pt_hist_compare(&from, &to, &o, &rows, &n, NULL), PT_OK);
	r = row_of(rows, n, "S1");
	CHECK(r != NULL);
	if (r) {
		CHECK_NEAR(r->risk_from, 120, 0);
		CHECK_NEAR(r->risk_to, 100, 0);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_REASSESS], -20, 0);
		CHECK_NEAR(r->delta[PT_HIST_CAUSE_MEASURES] + r->delta[PT_HIST_CAUSE_LEVEL], 0, 0);
		CHECK_INT(r->band_from, PT_BAND_MEDIUM);
	}
	free(rows);
	o.method = PT_METHOD_CARVER;
	CHECK_INT(pt_hist_compare(&from, &to, &o, &rows, &n, NULL), PT_EINVAL);
	pt_hist_inputs_clear(&from);
	pt_hist_inputs_clear(&to);
}

/* The stored document reads back to the same figures; a bad one is refused naming the member. */
static void test_json_round_trip(void)
{
	struct pt_hist_inputs from, to, back;
	struct pt_hist_compare_opts o = {PT_METHOD_QUANT, PT_HIST_BASIS_OWN, PT_LEVEL_LOW};
	struct pt_hist_row *a = NULL, *b = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	size_t na = 0, nb = 0, i;
	json_t *j;
	char *text;
	fixture(&from, &to);
	j = pt_hist_inputs_to_json(&to);
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	CHECK(text != NULL);
	if (!text)
		return;
	CHECK_INT(pt_hist_inputs_from_json(text, strlen(text), &back, &d), PT_OK);
	CHECK_INT(back.n_sites, 2);
	CHECK_INT(back.n_measures, 1);
	CHECK_INT(back.sites[0].site.tlp, PT_TLP_AMBER);
	CHECK_INT(back.levels[0].change.level, PT_LEVEL_SUBSTANTIAL);
	CHECK_INT(pt_hist_compare(&from, &to, &o, &a, &na, NULL), PT_OK);
	CHECK_INT(pt_hist_compare(&from, &back, &o, &b, &nb, NULL), PT_OK);
	CHECK_INT(na, nb);
	for (i = 0; i < na && i < nb; i++)
		CHECK_NEAR(a[i].risk_to, b[i].risk_to, 1e-9);
	free(a);
	free(b);
	pt_hist_inputs_clear(&back);
	{ /* a label that is not one: all or nothing, the member named */
		char *bad = strdup(text), *p = bad ? strstr(bad, "\"AMBER\"") : NULL;
		if (p)
			memcpy(p, "\"AMBRE\"", 7);
		CHECK_INT(pt_hist_inputs_from_json(bad, bad ? strlen(bad) : 0, &back, &d), PT_EINVAL);
		CHECK_STR(d.field, "sites[0].tlp");
		CHECK_INT(back.n_sites, 0);
		free(bad);
	}
	{ /* a site given twice */
		json_t *doc = pt_hist_inputs_to_json(&to), *sites = json_object_get(doc, "sites");
		char *twice;
		json_array_append(sites, json_array_get(sites, 0));
		twice = json_dumps(doc, JSON_COMPACT);
		json_decref(doc);
		CHECK_INT(pt_hist_inputs_from_json(twice, twice ? strlen(twice) : 0, &back, &d), PT_EINVAL);
		CHECK_STR(d.field, "sites");
		free(twice);
	}
	CHECK_INT(pt_hist_inputs_from_json("{\"format\":\"x\"}", 14, &back, &d), PT_EINVAL);
	CHECK_INT(pt_hist_inputs_from_json("[", 1, &back, &d), PT_EINVAL);
	free(text);
	pt_hist_inputs_clear(&from);
	pt_hist_inputs_clear(&to);
}

/* A row is read only under every label it had: then AND now; marked with the strictest. */
static void test_access_row(void)
{
	struct pt_principal analyst = {5, 1, PT_ORG_GOVERNMENT, PT_ROLE_ANALYST, 0, 0, 0};
	struct pt_access_record green = {7, PT_TLP_GREEN, NULL, 0, NULL, 0};
	struct pt_access_record amber = {7, PT_TLP_AMBER, NULL, 0, NULL, 0};
	struct pt_access_record red = {7, PT_TLP_RED, NULL, 0, NULL, 0};
	const struct pt_access_record *gn[2] = {&green, &amber};
	const struct pt_access_record *gr[2] = {&green, &red};
	const struct pt_access_record *rg[2] = {&red, &green};
	const struct pt_access_record *none[2] = {NULL, NULL};
	const struct pt_access_record *gone[2] = {&amber, NULL};
	enum pt_tlp t = PT_TLP_CLEAR;
	struct pt_principal sys;
	CHECK_INT(pt_access_history_row(&analyst, gn, 2, &t), PT_ACCESS_OK);
	CHECK_INT(t, PT_TLP_AMBER);
	CHECK_INT(pt_access_history_row(&analyst, gr, 2, &t), PT_ACCESS_NOT_FOUND); /* hidden now */
	CHECK_INT(pt_access_history_row(&analyst, rg, 2, &t), PT_ACCESS_NOT_FOUND); /* hidden then */
	CHECK_INT(pt_access_history_row(&analyst, none, 2, &t), PT_ACCESS_NOT_FOUND);
	CHECK_INT(pt_access_history_row(&analyst, gone, 2, &t), PT_ACCESS_OK); /* removed since */
	pt_principal_system(&sys);
	CHECK_INT(pt_access_history_row(&sys, gr, 2, &t), PT_ACCESS_OK);
	CHECK_INT(t, PT_TLP_RED);
	CHECK_INT(pt_access_snapshot_take(&analyst), PT_ACCESS_FORBIDDEN);
	analyst.role = PT_ROLE_COORDINATOR;
	CHECK_INT(pt_access_snapshot_take(&analyst), PT_ACCESS_OK);
	CHECK_INT(pt_access_snapshot_delete(&analyst), PT_ACCESS_FORBIDDEN);
	analyst.role = PT_ROLE_ADMIN;
	CHECK_INT(pt_access_snapshot_delete(&analyst), PT_ACCESS_OK);
	analyst.org_type = PT_ORG_OPERATOR;
	CHECK_INT(pt_access_snapshot_take(&analyst), PT_ACCESS_FORBIDDEN);
}

int main(void)
{
	RUN(test_attribution_later);
	RUN(test_attribution_own_and_level);
	RUN(test_sector_level);
	RUN(test_fema);
	RUN(test_json_round_trip);
	RUN(test_access_row);
	return TEST_SUMMARY("test_history");
}
