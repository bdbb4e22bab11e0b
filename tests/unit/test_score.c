/* test_score.c - unit tests of src/core/pt_score.c: FEMA risk and colour
 * bands, CARVER + Shock sums and bands, worst pairs, the ranking order. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/pt_score.h"
#include "pt_test.h"

static struct pt_fema_row fema(const char *site, const char *threat, int a, int t, int v)
{
	struct pt_fema_row r;
	memset(&r, 0, sizeof r);
	pt_strlcpy(r.site_id, site, sizeof r.site_id);
	pt_strlcpy(r.threat_id, threat, sizeof r.threat_id);
	r.asset_value = a;
	r.threat_rating = t;
	r.vulnerability_rating = v;
	return r;
}

static struct pt_carver_row carver(int c, int a, int r, int v, int e, int rec, int s)
{
	struct pt_carver_row row;
	memset(&row, 0, sizeof row);
	pt_strlcpy(row.site_id, "S000001", sizeof row.site_id);
	row.criticality = c;
	row.accessibility = a;
	row.recuperability = r;
	row.vulnerability = v;
	row.effect = e;
	row.recognizability = rec;
	row.shock = s;
	return row;
}

static void test_band_names(void)
{
	CHECK_STR(pt_band_name(PT_BAND_NONE), "none");
	CHECK_STR(pt_band_name(PT_BAND_LOW), "low");
	CHECK_STR(pt_band_name(PT_BAND_MEDIUM), "medium");
	CHECK_STR(pt_band_name(PT_BAND_HIGH), "high");
	CHECK_STR(pt_band_name(PT_BAND_VERY_HIGH), "very high");
}

static void test_fema_risk_bands(void)
{
	struct pt_config c;
	struct pt_fema_row r = fema("S1", "arson", 10, 10, 10);
	pt_config_defaults(&c);
	CHECK_INT(pt_fema_risk(&r), 1000);
	r = fema("S1", "arson", 3, 4, 5);
	CHECK_INT(pt_fema_risk(&r), 60);
	/* FEMA 426 colour code: low 1-60, medium 61-175, high 176-1000. */
	CHECK_STR(pt_band_name(pt_fema_band(&c, 1)), "low");
	CHECK_STR(pt_band_name(pt_fema_band(&c, 60)), "low");
	CHECK_STR(pt_band_name(pt_fema_band(&c, 61)), "medium");
	CHECK_STR(pt_band_name(pt_fema_band(&c, 175)), "medium");
	CHECK_STR(pt_band_name(pt_fema_band(&c, 176)), "high");
	CHECK_STR(pt_band_name(pt_fema_band(&c, 1000)), "high");
	CHECK_STR(pt_band_name(pt_fema_band(&c, 0)), "none");
	/* Configurable. */
	CHECK_INT(pt_config_set(&c, "fema.band.low_max", "50", NULL), PT_OK);
	CHECK_STR(pt_band_name(pt_fema_band(&c, 51)), "medium");
	CHECK_STR(pt_band_name(pt_fema_band(&c, 50)), "low");
}

static void test_quant_bands(void)
{
	struct pt_config c;
	pt_config_defaults(&c);
	/* Defaults: low below EUR 10,000 a year, high from EUR 100,000. */
	CHECK_STR(pt_band_name(pt_quant_band(&c, 0)), "low");
	CHECK_STR(pt_band_name(pt_quant_band(&c, 9999.99)), "low");
	CHECK_STR(pt_band_name(pt_quant_band(&c, 10000)), "medium");
	CHECK_STR(pt_band_name(pt_quant_band(&c, 99999.99)), "medium");
	CHECK_STR(pt_band_name(pt_quant_band(&c, 100000)), "high");
	CHECK_STR(pt_band_name(pt_quant_band(&c, -1)), "none");
	CHECK_STR(pt_band_name(pt_quant_band(&c, NAN)), "none");
	CHECK_INT(pt_config_set(&c, "quant.band.high_min_eur", "50000", NULL), PT_OK);
	CHECK_STR(pt_band_name(pt_quant_band(&c, 60000)), "high");
}

static void test_fema_check(void)
{
	struct pt_diag d;
	struct pt_fema_row r = fema("S000001", "pbied", 1, 10, 5);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_fema_check(&r, &d, 3), PT_OK);
	r.vulnerability_rating = 11;
	CHECK_INT(pt_fema_check(&r, &d, 3), PT_EINVAL);
	CHECK_STR(d.field, "vulnerability_rating");
	CHECK_STR(d.msg, "must be a whole number from 1 to 10");
	CHECK_INT(d.line, 3);
	r.vulnerability_rating = 5;
	r.asset_value = 0;
	CHECK_INT(pt_fema_check(&r, &d, 4), PT_EINVAL);
	CHECK_STR(d.field, "asset_value");
	CHECK_INT(d.line, 4);
	r.asset_value = 5;
	r.threat_rating = -3;
	CHECK_INT(pt_fema_check(&r, &d, 5), PT_EINVAL);
	CHECK_STR(d.field, "threat_rating");
	r.threat_rating = 3;
	r.threat_id[0] = '\0';
	CHECK_INT(pt_fema_check(&r, &d, 6), PT_EINVAL);
	CHECK_STR(d.field, "threat_id");
	CHECK_INT(pt_fema_check(&r, NULL, 6), PT_EINVAL);
}

static void test_carver(void)
{
	struct pt_config c;
	struct pt_diag d;
	struct pt_carver_row r = carver(1, 2, 3, 4, 5, 6, 7);
	static const char *const fields[7] = { "criticality", "accessibility", "recuperability",
					       "vulnerability", "effect", "recognizability",
					       "shock" };
	int i;
	pt_config_defaults(&c);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_carver_sum(&r), 28);
	CHECK_STR(pt_band_name(pt_carver_band(&c, 28)), "low");
	CHECK_STR(pt_band_name(pt_carver_band(&c, 7)), "low");
	CHECK_STR(pt_band_name(pt_carver_band(&c, 29)), "medium");
	CHECK_STR(pt_band_name(pt_carver_band(&c, 49)), "medium");
	CHECK_STR(pt_band_name(pt_carver_band(&c, 50)), "high");
	CHECK_STR(pt_band_name(pt_carver_band(&c, 70)), "high");
	CHECK_STR(pt_band_name(pt_carver_band(&c, 0)), "none");
	r = carver(10, 10, 10, 10, 10, 10, 10);
	CHECK_INT(pt_carver_sum(&r), 70);
	CHECK_INT(pt_carver_check(&r, &d, 2), PT_OK);
	/* Each attribute is checked and named. */
	for (i = 0; i < 7; i++) {
		int *v[7];
		r = carver(5, 5, 5, 5, 5, 5, 5);
		v[0] = &r.criticality;
		v[1] = &r.accessibility;
		v[2] = &r.recuperability;
		v[3] = &r.vulnerability;
		v[4] = &r.effect;
		v[5] = &r.recognizability;
		v[6] = &r.shock;
		*v[i] = i % 2 ? 0 : 11;
		CHECK_INT(pt_carver_check(&r, &d, 10 + i), PT_EINVAL);
		CHECK_STR(d.field, fields[i]);
		CHECK_INT(d.line, 10 + i);
	}
	r = carver(5, 5, 5, 5, 5, 5, 5);
	r.site_id[0] = '\0';
	CHECK_INT(pt_carver_check(&r, &d, 1), PT_EINVAL);
	CHECK_STR(d.field, "site_id");
}

static void test_fema_sites(void)
{
	struct pt_config c;
	struct pt_fema_row rows[6];
	/* site 0: threats 3 (A5 T4 V5 = 100) and 1 (A5 T5 V4 = 100, a tie) and 2 (60);
	 * site 1: nothing; site 2: one pair 7*8*9 = 504; one row of a site not in the run. */
	uint32_t site_of[6] = { 0, 0, 0, 2, 7, 0 };
	uint32_t threat_of[6] = { 3, 1, 2, 0, 0, 4 };
	struct pt_fema_site_score out[3];
	pt_config_defaults(&c);
	rows[0] = fema("S0", "t3", 5, 4, 5);
	rows[1] = fema("S0", "t1", 5, 5, 4);
	rows[2] = fema("S0", "t2", 3, 4, 5);
	rows[3] = fema("S2", "t0", 7, 8, 9);
	rows[4] = fema("S7", "t0", 10, 10, 10);
	rows[5] = fema("S0", "t4", 1, 1, 1);
	pt_fema_score_sites(&c, rows, site_of, threat_of, 6, 3, out);
	CHECK_INT(out[0].risk, 100);
	CHECK_INT(out[0].worst_threat, 1); /* the tie keeps the lowest threat index */
	CHECK_STR(pt_band_name(out[0].band), "medium");
	CHECK_INT(out[1].risk, 0);
	CHECK_INT(out[1].worst_threat, -1);
	CHECK_STR(pt_band_name(out[1].band), "none");
	CHECK_INT(out[2].risk, 504);
	CHECK_INT(out[2].worst_threat, 0);
	CHECK_STR(pt_band_name(out[2].band), "high");
}

static void test_rank_order(void)
{
	double score[6] = { 10, 30, 20, 30, NAN, 20 };
	const char *keys[6] = { "S000004", "S000002", "S000009", "S000001", "S000003", "S000005" };
	size_t order[6], want[6] = { 3, 1, 5, 2, 0, 4 };
	size_t i;
	CHECK_INT(pt_rank_order(score, keys, 6, order), PT_OK);
	for (i = 0; i < 6; i++)
		CHECK_INT(order[i], want[i]);
	/* Without keys, ties go by index. */
	CHECK_INT(pt_rank_order(score, NULL, 6, order), PT_OK);
	CHECK_INT(order[0], 1);
	CHECK_INT(order[1], 3);
	CHECK_INT(order[2], 2);
	CHECK_INT(order[3], 5);
	CHECK_INT(order[5], 4);
	/* Same score and same key (should not happen, still total): by index. */
	{
		double s2[3] = { 5, 5, 5 };
		const char *k2[3] = { "S1", "S1", "S0" };
		CHECK_INT(pt_rank_order(s2, k2, 3, order), PT_OK);
		CHECK_INT(order[0], 2);
		CHECK_INT(order[1], 0);
		CHECK_INT(order[2], 1);
	}
	/* -0 and 0 tie and go by key; negative scores rank below zero. */
	{
		double s3[3] = { -1, 0.0, -0.0 };
		const char *k3[3] = { "A", "C", "B" };
		CHECK_INT(pt_rank_order(s3, k3, 3, order), PT_OK);
		CHECK_INT(order[0], 2);
		CHECK_INT(order[1], 1);
		CHECK_INT(order[2], 0);
	}
	CHECK_INT(pt_rank_order(score, keys, 0, order), PT_OK);
	CHECK_INT(pt_rank_order(NULL, keys, 2, order), PT_EINVAL);
}

int main(void)
{
	RUN(test_band_names);
	RUN(test_fema_risk_bands);
	RUN(test_quant_bands);
	RUN(test_fema_check);
	RUN(test_carver);
	RUN(test_fema_sites);
	RUN(test_rank_order);
	return TEST_SUMMARY("test_score");
}
