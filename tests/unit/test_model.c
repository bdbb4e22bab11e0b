/* test_model.c - unit tests of src/core/pt_model.c: enum names and
 * parsers, threat-level scaling, catalogues, range checks, number text. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_model.h"
#include "pt_test.h"

static void test_tlp(void)
{
	enum pt_tlp t = PT_TLP_RED;
	CHECK_STR(pt_tlp_name(PT_TLP_CLEAR), "CLEAR");
	CHECK_STR(pt_tlp_name(PT_TLP_GREEN), "GREEN");
	CHECK_STR(pt_tlp_name(PT_TLP_AMBER), "AMBER");
	CHECK_STR(pt_tlp_name(PT_TLP_AMBER_STRICT), "AMBER+STRICT");
	CHECK_STR(pt_tlp_name(PT_TLP_RED), "RED");
	CHECK_INT(pt_tlp_parse("AMBER+STRICT", &t), PT_OK);
	CHECK_INT(t, PT_TLP_AMBER_STRICT);
	CHECK_INT(pt_tlp_parse("TLP:GREEN", &t), PT_OK);
	CHECK_INT(t, PT_TLP_GREEN);
	CHECK_INT(pt_tlp_parse("CLEAR", &t), PT_OK);
	CHECK_INT(t, PT_TLP_CLEAR);
	t = PT_TLP_RED;
	CHECK_INT(pt_tlp_parse("amber", &t), PT_EINVAL);
	CHECK_INT(pt_tlp_parse("WHITE", &t), PT_EINVAL); /* TLP 1.0 name, not 2.0 */
	CHECK_INT(pt_tlp_parse("AMBER ", &t), PT_EINVAL);
	CHECK_INT(pt_tlp_parse("", &t), PT_EINVAL);
	CHECK_INT(pt_tlp_parse("TLP:", &t), PT_EINVAL);
	CHECK_INT(pt_tlp_parse(NULL, &t), PT_EINVAL);
	CHECK_INT(t, PT_TLP_RED); /* unchanged on failure */
	CHECK_STR(pt_tlp_name((enum pt_tlp)9), "?");
}

static void test_levels(void)
{
	enum pt_threat_level l = PT_LEVEL_LOW;
	CHECK_STR(pt_threat_level_name(PT_LEVEL_LOW), "LOW");
	CHECK_STR(pt_threat_level_name(PT_LEVEL_MODERATE), "MODERATE");
	CHECK_STR(pt_threat_level_name(PT_LEVEL_SUBSTANTIAL), "SUBSTANTIAL");
	CHECK_STR(pt_threat_level_name(PT_LEVEL_SEVERE), "SEVERE");
	CHECK_STR(pt_threat_level_name(PT_LEVEL_CRITICAL), "CRITICAL");
	CHECK_INT(pt_threat_level_parse("severe", &l), PT_OK);
	CHECK_INT(l, PT_LEVEL_SEVERE);
	CHECK_INT(pt_threat_level_parse("Critical", &l), PT_OK);
	CHECK_INT(l, PT_LEVEL_CRITICAL);
	CHECK_INT(pt_threat_level_parse("SUBSTANTIAL", &l), PT_OK);
	CHECK_INT(l, PT_LEVEL_SUBSTANTIAL);
	CHECK_INT(pt_threat_level_parse("HIGH", &l), PT_EINVAL);
	CHECK_INT(pt_threat_level_parse("LO", &l), PT_EINVAL);
	CHECK_INT(pt_threat_level_parse("LOWER", &l), PT_EINVAL);
	CHECK_INT(l, PT_LEVEL_SUBSTANTIAL);
}

static void test_level_scale(void)
{
	double p;
	/* f = 1 leaves the assessed value exactly as it was. */
	CHECK(pt_threat_level_scale(0.123456789, 1.0) == 0.123456789);
	/* Closed forms. */
	CHECK_NEAR(pt_threat_level_scale(0.5, 2.0), 0.75, 1e-15);
	CHECK_NEAR(pt_threat_level_scale(0.75, 0.5), 0.5, 1e-15);
	CHECK_NEAR(pt_threat_level_scale(0.1, 3.0), 1 - 0.9 * 0.9 * 0.9, 1e-15);
	/* Small p: 1 - (1-p)^2 = 2p - p^2, accurate to relative 1e-14 (the naive
	 * formula loses every digit at p = 1e-12). */
	p = 1e-12;
	CHECK_NEAR(pt_threat_level_scale(p, 2.0) / (2 * p - p * p), 1.0, 1e-14);
	p = 1e-300;
	CHECK_NEAR(pt_threat_level_scale(p, 10.0) / (10 * p), 1.0, 1e-14);
	/* Stays a probability. */
	CHECK(pt_threat_level_scale(0.9, 100.0) <= 1.0);
	CHECK(pt_threat_level_scale(0.9, 100.0) > 0.999);
	CHECK(pt_threat_level_scale(1.0, 0.25) == 1.0);
	CHECK(pt_threat_level_scale(0.0, 4.0) == 0.0);
	CHECK(pt_threat_level_scale(0.3, 0.0) == 0.0);
	CHECK(pt_threat_level_scale(-0.1, 2.0) == 0.0);
	CHECK(pt_threat_level_scale(1.5, 2.0) == 1.0);
	CHECK(isnan(pt_threat_level_scale(NAN, 2.0)));
	/* Monotone in f: a higher level never lowers the probability. */
	CHECK(pt_threat_level_scale(0.02, 0.3) < pt_threat_level_scale(0.02, 1.0));
	CHECK(pt_threat_level_scale(0.02, 3.0) > 0.02);
	CHECK(pt_threat_level_scale(0.02, 3.0) < 0.06); /* below the linear 3p */
}

static void test_org_method_var(void)
{
	enum pt_org_type o = PT_ORG_NGO;
	enum pt_method m = PT_METHOD_QUANT;
	CHECK_STR(pt_org_type_name(PT_ORG_GOVERNMENT), "government");
	CHECK_STR(pt_org_type_name(PT_ORG_OPERATOR), "operator");
	CHECK_STR(pt_org_type_name(PT_ORG_PRIVATE_SECURITY), "private_security");
	CHECK_STR(pt_org_type_name(PT_ORG_NGO), "ngo");
	CHECK_INT(pt_org_type_parse("private_security", &o), PT_OK);
	CHECK_INT(o, PT_ORG_PRIVATE_SECURITY);
	CHECK_INT(pt_org_type_parse("government", &o), PT_OK);
	CHECK_INT(o, PT_ORG_GOVERNMENT);
	CHECK_INT(pt_org_type_parse("police", &o), PT_EINVAL);
	CHECK_STR(pt_method_name(PT_METHOD_FEMA), "fema");
	CHECK_STR(pt_method_name(PT_METHOD_CARVER), "carver");
	CHECK_STR(pt_method_name(PT_METHOD_QUANT), "quant");
	CHECK_INT(pt_method_parse("carver", &m), PT_OK);
	CHECK_INT(m, PT_METHOD_CARVER);
	CHECK_INT(pt_method_parse("ramcap", &m), PT_EINVAL);
	CHECK_INT(m, PT_METHOD_CARVER);
	CHECK_STR(pt_quant_var_name(PT_QV_P_ATTEMPT), "p_attempt");
	CHECK_STR(pt_quant_var_name(PT_QV_P_SUCCESS), "p_success");
	CHECK_STR(pt_quant_var_name(PT_QV_FATALITIES), "fatalities");
	CHECK_STR(pt_quant_var_name(PT_QV_INJURIES), "injuries");
	CHECK_STR(pt_quant_var_name(PT_QV_LOSS_EUR), "loss_eur");
}

static void test_catalog(void)
{
	struct pt_catalog c = { NULL, 0, 0 };
	struct pt_catalog_entry e;
	size_t i;
	enum pt_err err = PT_OK;

	memset(&e, 0, sizeof e);
	CHECK_INT(pt_catalog_find(&c, "energy"), -1);
	pt_strlcpy(e.id, "energy", sizeof e.id);
	pt_strlcpy(e.name, "Energy", sizeof e.name);
	pt_strlcpy(e.parent, "critical_infrastructure", sizeof e.parent);
	CHECK_INT(pt_catalog_append(&c, &e), PT_OK);
	pt_strlcpy(e.id, "health", sizeof e.id);
	pt_strlcpy(e.name, "Health", sizeof e.name);
	CHECK_INT(pt_catalog_append(&c, &e), PT_OK);
	CHECK_INT(c.n, 2);
	CHECK_INT(pt_catalog_find(&c, "health"), 1);
	CHECK_INT(pt_catalog_find(&c, "energy"), 0);
	CHECK_STR(c.items[0].name, "Energy");
	CHECK_STR(c.items[0].parent, "critical_infrastructure");
	CHECK_INT(pt_catalog_find(&c, "Energy"), -1);
	CHECK_INT(pt_catalog_find(&c, ""), -1);
	CHECK_INT(pt_catalog_find(&c, NULL), -1);

	/* The limit: appends succeed up to PT_CATALOG_MAX, then PT_ELIMIT. */
	for (i = c.n; i < PT_CATALOG_MAX && err == PT_OK; i++)
		err = pt_catalog_append(&c, &e);
	CHECK_INT(err, PT_OK);
	CHECK_INT(c.n, PT_CATALOG_MAX);
	CHECK_INT(pt_catalog_append(&c, &e), PT_ELIMIT);
	CHECK_INT(c.n, PT_CATALOG_MAX);
	pt_catalog_clear(&c);
	CHECK_INT(c.n, 0);
	CHECK(c.items == NULL);
	pt_catalog_clear(&c); /* twice is harmless */
	pt_catalog_clear(NULL);
}

static void check_range_msg(double lo, double hi, double mn, double md, double mx,
			    enum pt_err want, const char *msg)
{
	struct pt_diag d;
	struct pt_range r;
	memset(&d, 0, sizeof d);
	r.min = mn;
	r.mode = md;
	r.max = mx;
	CHECK_INT(pt_range_check(&r, lo, hi, &d, 17, "p_success"), want);
	if (want != PT_OK) {
		CHECK_INT(d.line, 17);
		CHECK_STR(d.field, "p_success");
		CHECK_STR(d.msg, msg);
	}
}

static void test_range_check(void)
{
	struct pt_range r = { 0.1, 0.2, 0.3 };
	check_range_msg(0, 1, 0.1, 0.2, 0.3, PT_OK, "");
	check_range_msg(0, 1, 0.4, 0.4, 0.4, PT_OK, ""); /* degenerate: a constant */
	check_range_msg(0, 1, 0, 0, 1, PT_OK, "");       /* edges are inside */
	check_range_msg(0, INFINITY, 0, 5, 1e12, PT_OK, "");
	check_range_msg(0, 1, 0.3, 0.2, 0.4, PT_EINVAL, "min 0.3 is greater than mode 0.2");
	check_range_msg(0, 1, 0.1, 0.5, 0.4, PT_EINVAL, "mode 0.5 is greater than max 0.4");
	check_range_msg(0, 1, -0.1, 0.2, 0.4, PT_EINVAL, "min -0.1 is below 0");
	check_range_msg(0, 1, 0.1, 0.2, 1.5, PT_EINVAL, "max 1.5 is above 1");
	check_range_msg(0, 1, NAN, 0.2, 0.4, PT_EINVAL, "min is not a finite number");
	check_range_msg(0, INFINITY, 1, 2, INFINITY, PT_EINVAL, "max is not a finite number");
	check_range_msg(0, 1, 0.1, NAN, 0.4, PT_EINVAL, "mode is not a finite number");
	/* d may be NULL. */
	CHECK_INT(pt_range_check(&r, 0.5, 1, NULL, 1, "x"), PT_EINVAL);
	CHECK_INT(pt_range_check(&r, 0, 1, NULL, 1, "x"), PT_OK);
}

static void test_number_format(void)
{
	static const double values[] = { 0,       1,         -1,        0.5,      0.1,
					 0.3,     3600000,   468000,    1e-4,     1e-5,
					 0.00012, 123456789012345.0, 1e15, 1e16, 2.5e-7,
					 -0.25,   1e300,     1e-300,    4.9e-324, DBL_MAX,
					 1.0 / 3, 2.0 / 3,   175,       999999999999999.0,
					 0.1 + 0.2, 12345.678, 9.5, 99.99999999999999,
					 0.000099999999999999, 1e100, 5e-5, 6e-5 };
	char mine[64], ref[64];
	size_t i, n;
	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		n = pt_number_format(values[i], mine, sizeof mine);
		snprintf(ref, sizeof ref, "%.15g", values[i]);
		CHECK_STR(mine, ref);
		CHECK_INT(n, strlen(ref));
	}
	pt_number_format(INFINITY, mine, sizeof mine);
	CHECK_STR(mine, "inf");
	pt_number_format(-INFINITY, mine, sizeof mine);
	CHECK_STR(mine, "-inf");
	pt_number_format(NAN, mine, sizeof mine);
	CHECK_STR(mine, "nan");
	/* Truncation keeps a terminated prefix and reports the full length. */
	n = pt_number_format(3600000, mine, 4);
	CHECK_STR(mine, "360");
	CHECK_INT(n, 7);
	/* Random values against printf. */
	srand(7);
	for (i = 0; i < 20000; i++) {
		double v = ((double)rand() / RAND_MAX - 0.5) *
			   pow(10.0, (double)(rand() % 40 - 20));
		pt_number_format(v, mine, sizeof mine);
		snprintf(ref, sizeof ref, "%.15g", v);
		if (strcmp(mine, ref) != 0) {
			CHECK_STR(mine, ref);
			break;
		}
	}
}

static void test_strlcat(void)
{
	char buf[8] = "abc";
	pt_strlcat(buf, "de", sizeof buf);
	CHECK_STR(buf, "abcde");
	pt_strlcat(buf, "fghij", sizeof buf);
	CHECK_STR(buf, "abcdefg");
	pt_strlcat(buf, "x", sizeof buf);
	CHECK_STR(buf, "abcdefg");
}

/* issue 13 review (attack 2): texts that reach public alerts. */
static void test_text_public(void)
{
	unsigned long bad = 0;
	char what[96];
	CHECK_INT(pt_text_public_ok("Kessling Wind Farm \xd0\x92\xd0\xb5\xd0\xb6\xd0\xb1\xd0\xb0", 0, &bad), 1);
	CHECK_INT(pt_text_public_ok("two\nlines\tand\r", 1, &bad), 1);
	CHECK_INT(pt_text_public_ok("two\nlines", 0, &bad), 0);
	CHECK_INT(bad, 0x0A);
	/* issue 15 attack review 8: a run's texts take tab and LF, not CR */
	CHECK_INT(pt_text_public_ok("two\nlines\tand", PT_TEXT_LINES_LF, &bad), 1);
	CHECK_INT(pt_text_public_ok("two\r\nlines", PT_TEXT_LINES_LF, &bad), 0);
	CHECK_INT(bad, 0x0D);
	CHECK_INT(pt_text_public_ok("a\xe2\x80\xae", PT_TEXT_LINES_LF, &bad), 0);
	CHECK_INT(bad, 0x202E);
	CHECK_INT(pt_text_public_ok("esc\x1b", 1, &bad), 0);
	CHECK_INT(bad, 0x1B);
	CHECK_STR(pt_text_public_name(bad, what, sizeof what), "0x1B (a control character)");
	CHECK_INT(pt_text_public_ok("del\x7f", 1, &bad), 0);
	CHECK_INT(pt_text_public_ok("next line \xc2\x85", 1, &bad), 0);
	CHECK_INT(bad, 0x85);
	CHECK_INT(pt_text_public_ok("x\xef\xbf\xbe", 1, &bad), 0);
	CHECK_STR(pt_text_public_name(bad, what, sizeof what), "U+FFFE (not an XML character)");
	CHECK_INT(pt_text_public_ok("x\xef\xbf\xbf", 1, &bad), 0);
	CHECK_INT(bad, 0xFFFF);
	CHECK_INT(pt_text_public_ok("\xe2\x80\xaa \xe2\x80\xae", 1, &bad), 0);
	CHECK_INT(bad, 0x202A);
	CHECK_INT(pt_text_public_ok("a\xe2\x81\xa9", 1, &bad), 0);
	CHECK_STR(pt_text_public_name(bad, what, sizeof what),
		  "U+2069 (a bidi control, which reverses what a reader sees)");
	CHECK_INT(pt_text_public_ok("a\xe2\x80\xa8", 1, &bad), 0);
	CHECK_STR(pt_text_public_name(bad, what, sizeof what),
		  "U+2028 (a line or paragraph separator)");
	CHECK_INT(pt_text_public_ok("a\xe2\x80\xa9", 1, &bad), 0);
	/* the marks U+200E, U+200F stay (mixed scripts need them); the last plane too */
	CHECK_INT(pt_text_public_ok("\xe2\x80\x8e\xe2\x80\x8f\xf4\x8f\xbf\xbd", 1, &bad), 1);
	/* not UTF-8: a surrogate, an overlong form, a lone continuation, a cut sequence */
	CHECK_INT(pt_text_public_ok("\xed\xa0\x80", 1, &bad), 0);
	CHECK_STR(pt_text_public_name(bad, what, sizeof what), "bytes that are not UTF-8");
	CHECK_INT(pt_text_public_ok("\xc0\xaf", 1, &bad), 0);
	CHECK_INT(pt_text_public_ok("\xe0\x80\xaf", 1, &bad), 0);
	CHECK_INT(pt_text_public_ok("\x80", 1, &bad), 0);
	CHECK_INT(pt_text_public_ok("\xe2\x80", 1, &bad), 0);
	CHECK_INT(pt_text_public_ok("\xf4\x90\x80\x80", 1, &bad), 0);
	CHECK_INT(pt_text_public_ok(NULL, 1, &bad), 0);
	CHECK_INT(pt_text_public_ok("", 0, NULL), 1);
}

int main(void)
{
	RUN(test_tlp);
	RUN(test_levels);
	RUN(test_level_scale);
	RUN(test_org_method_var);
	RUN(test_catalog);
	RUN(test_range_check);
	RUN(test_number_format);
	RUN(test_strlcat);
	RUN(test_text_public); /* issue 13 review */
	return TEST_SUMMARY("test_model");
}
