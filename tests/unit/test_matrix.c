/* test_matrix.c - unit tests of src/core/pt_matrix.c: classes at their
 * edges for FEMA and quantitative results, cell bands, counts. */
#include <math.h>
#include <string.h>

#include "core/pt_matrix.h"
#include "pt_test.h"

static struct pt_fema_row fema(int a, int t, int v)
{
	struct pt_fema_row r;
	memset(&r, 0, sizeof r);
	r.asset_value = a;
	r.threat_rating = t;
	r.vulnerability_rating = v;
	return r;
}

static void test_class(void)
{
	const double e[4] = { 4, 16, 36, 64 };
	CHECK_INT(pt_matrix_class(e, 0), 1);
	CHECK_INT(pt_matrix_class(e, 4), 1);
	CHECK_INT(pt_matrix_class(e, 4.0001), 2);
	CHECK_INT(pt_matrix_class(e, 16), 2);
	CHECK_INT(pt_matrix_class(e, 17), 3);
	CHECK_INT(pt_matrix_class(e, 36), 3);
	CHECK_INT(pt_matrix_class(e, 64), 4);
	CHECK_INT(pt_matrix_class(e, 65), 5);
	CHECK_INT(pt_matrix_class(e, INFINITY), 5);
	CHECK_INT(pt_matrix_class(e, NAN), 5);
}

static void test_fema_classes(void)
{
	struct pt_config c;
	struct pt_fema_row r;
	int l = 0, k = 0;
	pt_config_defaults(&c);
	r = fema(2, 2, 2); /* T x V = 4 */
	pt_matrix_fema_classes(&c, &r, &l, &k);
	CHECK_INT(l, 1);
	CHECK_INT(k, 1);
	r = fema(3, 2, 3); /* T x V = 6 */
	pt_matrix_fema_classes(&c, &r, &l, &k);
	CHECK_INT(l, 2);
	CHECK_INT(k, 2);
	r = fema(8, 8, 8); /* 64 */
	pt_matrix_fema_classes(&c, &r, &l, &k);
	CHECK_INT(l, 4);
	CHECK_INT(k, 4);
	r = fema(9, 9, 8); /* 72 */
	pt_matrix_fema_classes(&c, &r, &l, &k);
	CHECK_INT(l, 5);
	CHECK_INT(k, 5);
	r = fema(10, 10, 10);
	pt_matrix_fema_classes(&c, &r, &l, &k);
	CHECK_INT(l, 5);
	CHECK_INT(k, 5);
	/* Asset value drives consequence only; T x V likelihood only. */
	r = fema(1, 10, 10);
	pt_matrix_fema_classes(&c, &r, &l, &k);
	CHECK_INT(l, 5);
	CHECK_INT(k, 1);
	/* A new mapping takes effect. */
	CHECK_INT(pt_config_set(&c, "matrix.fema.consequence.1", "1", NULL), PT_OK);
	r = fema(2, 1, 1);
	pt_matrix_fema_classes(&c, &r, &l, &k);
	CHECK_INT(k, 2);
}

static void test_quant_classes(void)
{
	struct pt_config c;
	int l = 0, k = 0;
	pt_config_defaults(&c);
	/* Decades: 1e-5 .. 1e-2 a year, EUR 1 million .. 1 billion. */
	pt_matrix_quant_classes(&c, 1e-5, 1e6, &l, &k);
	CHECK_INT(l, 1);
	CHECK_INT(k, 1);
	pt_matrix_quant_classes(&c, 1.0001e-5, 1000001, &l, &k);
	CHECK_INT(l, 2);
	CHECK_INT(k, 2);
	pt_matrix_quant_classes(&c, 5e-4, 5e7, &l, &k);
	CHECK_INT(l, 3);
	CHECK_INT(k, 3);
	pt_matrix_quant_classes(&c, 0.01, 1e9, &l, &k);
	CHECK_INT(l, 4);
	CHECK_INT(k, 4);
	pt_matrix_quant_classes(&c, 0.02, 2e9, &l, &k);
	CHECK_INT(l, 5);
	CHECK_INT(k, 5);
	pt_matrix_quant_classes(&c, 0, 0, &l, &k);
	CHECK_INT(l, 1);
	CHECK_INT(k, 1);
	/* One statistical life (EUR 3.6 million) is class 2; 28 lives class 4. */
	pt_matrix_quant_classes(&c, 1e-3, 3.6e6, &l, &k);
	CHECK_INT(l, 3);
	CHECK_INT(k, 2);
	pt_matrix_quant_classes(&c, 1e-3, 28 * 3.6e6, &l, &k);
	CHECK_INT(k, 4);
}

static void test_bands(void)
{
	struct pt_config c;
	pt_config_defaults(&c);
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 1, 1)), "low");
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 2, 2)), "low");
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 1, 4)), "low");
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 1, 5)), "medium");
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 3, 3)), "medium");
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 2, 5)), "high");
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 4, 4)), "high");
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 5, 3)), "high");
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 4, 5)), "very high");
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 5, 5)), "very high");
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 0, 5)), "none");
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 6, 1)), "none");
	CHECK_INT(pt_config_set(&c, "matrix.band.high_max", "20", NULL), PT_OK);
	CHECK_STR(pt_band_name(pt_matrix_band(&c, 4, 5)), "high");
}

static void test_counts(void)
{
	struct pt_matrix m;
	pt_matrix_clear(&m);
	pt_matrix_add(&m, 1, 5);
	pt_matrix_add(&m, 1, 5);
	pt_matrix_add(&m, 5, 1);
	pt_matrix_add(&m, 3, 3);
	pt_matrix_add(&m, 0, 3); /* ignored */
	pt_matrix_add(&m, 3, 6); /* ignored */
	CHECK_INT(m.count[0][4], 2);
	CHECK_INT(m.count[4][0], 1);
	CHECK_INT(m.count[2][2], 1);
	CHECK_INT(m.count[4][4], 0);
	CHECK_INT(m.total, 4);
}

int main(void)
{
	RUN(test_class);
	RUN(test_fema_classes);
	RUN(test_quant_classes);
	RUN(test_bands);
	RUN(test_counts);
	return TEST_SUMMARY("test_matrix");
}
