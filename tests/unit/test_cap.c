/* test_cap.c - unit tests of the CAP 1.2 model (core/pt_cap.c): enumerations,
 * the rules of pt_cap_check, date-times, identifiers, cell-broadcast pages, geometry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_cap.h"
#include "pt_test.h"

static struct pt_cap_problems P;

/* A minimal valid message: Alert, Public, one info with one circle area. */
static struct pt_cap_alert *sample(void)
{
	struct pt_cap_alert *a = NULL;
	struct pt_cap_info *in;
	struct pt_cap_area *ar;
	struct pt_cap_text *t;
	if (pt_cap_alert_new(&a) != PT_OK)
		return NULL;
	pt_cap_text_set(&a->identifier, "PT-20261201T000000Z-00000001");
	pt_cap_text_set(&a->sender, "crisis-centre@vellmark.example");
	pt_cap_text_set(&a->sent, "2026-12-01T00:00:00-00:00");
	pt_cap_text_set(&a->status, "Actual");
	pt_cap_text_set(&a->msg_type, "Alert");
	pt_cap_text_set(&a->scope, "Public");
	pt_cap_info_add(a, &in);
	pt_cap_text_set(&in->language, "en");
	pt_cap_text_add(&in->category, &in->n_category, &t);
	pt_cap_text_set(t, "Security");
	pt_cap_text_set(&in->event, "Armed attack");
	pt_cap_text_set(&in->urgency, "Immediate");
	pt_cap_text_set(&in->severity, "Extreme");
	pt_cap_text_set(&in->certainty, "Observed");
	pt_cap_text_set(&in->expires, "2026-12-01T04:00:00+01:00");
	pt_cap_area_add(in, &ar);
	pt_cap_text_set(&ar->desc, "Orrinford centre");
	pt_cap_text_add(&ar->circle, &ar->n_circle, &t);
	pt_cap_text_set(t, "41.99,21.43 0.5");
	return a;
}

static void check(const struct pt_cap_alert *a)
{
	pt_cap_problems_clear(&P);
	pt_cap_check(a, &P);
}

/* The problem on element el of kind k, or NULL. */
static const struct pt_cap_problem *find(enum pt_cap_problem_kind k, const char *el)
{
	for (size_t i = 0; i < P.n; i++)
		if (P.list[i].kind == k && strcmp(P.list[i].element, el) == 0)
			return &P.list[i];
	return NULL;
}

static void test_enums(void)
{
	int v = -1;
	CHECK_STR(pt_cap_enum_name(PT_CAP_ENUM_STATUS, PT_CAP_ACTUAL), "Actual");
	CHECK_STR(pt_cap_enum_name(PT_CAP_ENUM_RESPONSE, PT_CAP_RESP_ALLCLEAR), "AllClear");
	CHECK_STR(pt_cap_enum_name(PT_CAP_ENUM_CATEGORY, PT_CAP_CAT_CBRNE), "CBRNE");
	CHECK_STR(pt_cap_enum_name(PT_CAP_ENUM_CERTAINTY, PT_CAP_CERT_UNKNOWN), "Unknown");
	CHECK(pt_cap_enum_name(PT_CAP_ENUM_SCOPE, 3) == NULL);
	CHECK(pt_cap_enum_name(PT_CAP_ENUM_SCOPE, -1) == NULL);
	CHECK_INT(pt_cap_enum_parse(PT_CAP_ENUM_MSG_TYPE, "Cancel", &v), PT_OK);
	CHECK_INT(v, PT_CAP_CANCEL);
	CHECK_INT(pt_cap_enum_parse(PT_CAP_ENUM_MSG_TYPE, "cancel", &v), PT_EINVAL);
	CHECK_INT(pt_cap_enum_parse(PT_CAP_ENUM_MSG_TYPE, "Cancel ", &v), PT_EINVAL);
	CHECK_INT(pt_cap_enum_parse(PT_CAP_ENUM_CERTAINTY, "Very Likely", &v), PT_EINVAL);
	for (int e = PT_CAP_ENUM_STATUS; e <= PT_CAP_ENUM_CERTAINTY; e++)
		for (int i = 0; pt_cap_enum_name((enum pt_cap_enum)e, i); i++) {
			CHECK_INT(pt_cap_enum_parse((enum pt_cap_enum)e,
						    pt_cap_enum_name((enum pt_cap_enum)e, i), &v),
				  PT_OK);
			CHECK_INT(v, i);
		}
}

static void test_valid_sample(void)
{
	struct pt_cap_alert *a = sample();
	CHECK(a != NULL);
	check(a);
	CHECK_INT(P.n, 0);
	CHECK(!pt_cap_problems_fail(&P));
	pt_cap_alert_free(a);
	pt_cap_alert_free(NULL);
}

static void test_required_and_enums(void)
{
	struct pt_cap_alert *a = sample();
	pt_cap_text_set(&a->scope, NULL);
	pt_cap_text_set(&a->status, "Real");
	pt_cap_text_set(&a->info[0].urgency, NULL);
	check(a);
	CHECK(find(PT_CAP_SCHEMA, "scope") != NULL);
	CHECK(find(PT_CAP_SCHEMA, "status") != NULL);
	CHECK(find(PT_CAP_SCHEMA, "urgency") != NULL);
	CHECK_INT(P.n_schema, 3);
	CHECK(pt_cap_problems_fail(&P));
	pt_cap_alert_free(a);
}

static void test_identifier_rules(void)
{
	struct pt_cap_alert *a = sample();
	CHECK(pt_cap_identifier_ok("2.49.0.1.124.6bddbc91.2012"));
	CHECK(!pt_cap_identifier_ok(""));
	CHECK(!pt_cap_identifier_ok("a b"));
	CHECK(!pt_cap_identifier_ok("a,b"));
	CHECK(!pt_cap_identifier_ok("a<b"));
	CHECK(!pt_cap_identifier_ok("a&b"));
	CHECK(!pt_cap_identifier_ok("a\tb"));
	pt_cap_text_set(&a->identifier, "id with space");
	pt_cap_text_set(&a->sender, "a&b");
	check(a);
	CHECK(find(PT_CAP_RULE, "identifier") != NULL);
	CHECK(find(PT_CAP_RULE, "sender") != NULL);
	CHECK_INT(P.n_schema, 0);
	pt_cap_alert_free(a);
}

static void test_scope_rules(void)
{
	struct pt_cap_alert *a = sample();
	pt_cap_text_set(&a->scope, "Restricted");
	check(a);
	CHECK(find(PT_CAP_RULE, "restriction") != NULL);
	pt_cap_text_set(&a->restriction, "emergency services only");
	check(a);
	CHECK_INT(P.n, 0);
	pt_cap_text_set(&a->scope, "Private");
	check(a);
	CHECK(find(PT_CAP_RULE, "addresses") != NULL);
	CHECK(find(PT_CAP_WARNING, "restriction") != NULL);
	pt_cap_text_set(&a->addresses, "ops@vellmark.example \"Orrinford Police\"");
	pt_cap_text_set(&a->restriction, NULL);
	check(a);
	CHECK_INT(P.n, 0);
	/* empty restriction and addresses with scope Public: warnings, as in canada.cap */
	pt_cap_text_set(&a->scope, "Public");
	pt_cap_text_set(&a->addresses, "");
	pt_cap_text_set(&a->restriction, "");
	check(a);
	CHECK_INT(P.n_warning, 2);
	CHECK(!pt_cap_problems_fail(&P));
	pt_cap_alert_free(a);
}

static void test_references_rule(void)
{
	struct pt_cap_alert *a = sample();
	pt_cap_text_set(&a->msg_type, "Update");
	check(a);
	CHECK(find(PT_CAP_RULE, "references") != NULL);
	CHECK_INT(P.n_rule, 1);
	pt_cap_text_set(&a->references, "   ");
	check(a);
	CHECK_INT(P.n_rule, 1);
	CHECK(find(PT_CAP_RULE, "references") &&
	      strstr(find(PT_CAP_RULE, "references")->msg, "empty references"));
	/* earlier and equal sent: fine (oldest first, whitespace free) */
	pt_cap_text_set(&a->references,
			"\n crisis-centre@vellmark.example,PT-20261130T230000Z-00000000,"
			"2026-11-30T23:00:00-00:00  crisis-centre@vellmark.example,"
			"PT-20261201T000000Z-00000000,2026-12-01T01:00:00+01:00\n");
	check(a);
	CHECK_INT(P.n, 0);
	/* a reference sent after the message */
	pt_cap_text_set(&a->references,
			"crisis-centre@vellmark.example,PT-x,2026-12-01T00:00:01-00:00");
	check(a);
	CHECK_INT(P.n_rule, 1);
	CHECK(find(PT_CAP_RULE, "references") != NULL);
	/* not triples */
	pt_cap_text_set(&a->references, "a,b c,d,e,f a,,2026-12-01T00:00:00-00:00 a,b,yesterday");
	check(a);
	CHECK_INT(P.n_rule, 4);
	pt_cap_alert_free(a);
}

static void test_date_times(void)
{
	int64_t t = 0;
	CHECK_INT(pt_cap_time_parse("2026-12-01T00:00:00-00:00", &t), PT_OK);
	CHECK_INT(t, 1796083200);
	CHECK_INT(pt_cap_time_parse("2026-12-01T01:00:00+01:00", &t), PT_OK);
	CHECK_INT(t, 1796083200);
	CHECK_INT(pt_cap_time_parse("2026-11-30T19:00:00-05:00", &t), PT_OK);
	CHECK_INT(t, 1796083200);
	CHECK_INT(pt_cap_time_parse("2024-02-29T12:00:00-00:00", &t), PT_OK);
	CHECK_INT(pt_cap_time_parse("2026-12-01T24:00:00-00:00", &t), PT_OK);
	CHECK_INT(t, 1796083200 + 86400);
	CHECK_INT(pt_cap_time_parse("2026-12-01T00:00:00+14:00", &t), PT_OK);
	static const char *const bad[] = {
		"2026-12-01T00:00:00.5-00:00", "2026-12-01T00:00:00Z", "2026-12-01T00:00:00",
		"2026-13-01T00:00:00-00:00",   "2026-02-30T00:00:00-00:00", "2023-02-29T00:00:00-00:00",
		"2026-12-01T00:00:00+15:00",   "2026-12-01T00:00:00+14:01", "2026-12-01T00:00:60-00:00",
		"2026-12-01T24:00:01-00:00",   "2026-12-01T00:00:00,01:00", "0000-01-01T00:00:00-00:00",
		"2026-12-01 00:00:00-00:00",   " 2026-12-01T00:00:00-00:00", "", NULL
	};
	for (int i = 0; bad[i]; i++)
		CHECK_INT(pt_cap_time_parse(bad[i], &t), PT_EINVAL);
	char buf[32];
	pt_cap_time_format(1796083200, buf, sizeof(buf));
	CHECK_STR(buf, "2026-12-01T00:00:00-00:00");
	pt_cap_time_format(-1, buf, sizeof(buf));
	CHECK_STR(buf, "1969-12-31T23:59:59-00:00");
	for (int64_t x = -86400 * 400; x < 86400LL * 366 * 60; x += 86400 * 7 + 3607) {
		pt_cap_time_format(x, buf, sizeof(buf));
		CHECK_INT(pt_cap_time_parse(buf, &t), PT_OK);
		CHECK_INT(t, x);
	}
	/* the check: +00:00 a warning, a fraction a schema problem */
	struct pt_cap_alert *a = sample();
	pt_cap_text_set(&a->sent, "2026-12-01T00:00:00+00:00");
	pt_cap_text_set(&a->info[0].expires, "2026-12-01T04:00:00.000-00:00");
	check(a);
	CHECK(find(PT_CAP_WARNING, "sent") != NULL);
	CHECK(find(PT_CAP_SCHEMA, "expires") != NULL);
	CHECK_INT(P.n, 2);
	pt_cap_alert_free(a);
}

static void test_identifiers(void)
{
	char a[PT_CAP_ID_MAX], b[PT_CAP_ID_MAX], c[PT_CAP_ID_MAX];
	CHECK_INT(pt_cap_identifier_make("PT", 1796083200, 0xdeadbeef, a, sizeof(a)), PT_OK);
	CHECK_STR(a, "PT-20261201T000000Z-deadbeef");
	CHECK_INT(pt_cap_identifier_make("PT", 1796083201, 0x00000001, b, sizeof(b)), PT_OK);
	CHECK_INT(pt_cap_identifier_make("PT", 1796090000, 0x00000000, c, sizeof(c)), PT_OK);
	CHECK_STR(b, "PT-20261201T000001Z-00000001");
	/* sortable by time as strings, URL-safe, valid CAP identifiers */
	CHECK(strcmp(a, b) < 0 && strcmp(b, c) < 0);
	for (const char *s = a; *s; s++)
		CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~",
			     *s) != NULL);
	CHECK(pt_cap_identifier_ok(a));
	CHECK_INT(pt_cap_identifier_make("P T", 0, 0, a, sizeof(a)), PT_EINVAL);
	CHECK_INT(pt_cap_identifier_make("", 0, 0, a, sizeof(a)), PT_EINVAL);
	CHECK_INT(pt_cap_identifier_make("a/b", 0, 0, a, sizeof(a)), PT_EINVAL);
	CHECK_INT(pt_cap_identifier_make("PT", 0, 0, a, 10), PT_EINVAL);
}

static void test_cell_broadcast(void)
{
	struct pt_cap_cb_count c;
	char text[400];
	memset(text, 'a', 93);
	text[93] = '\0';
	pt_cap_cb_count(text, &c);
	CHECK_INT(c.ucs2, 0);
	CHECK_INT(c.units, 93);
	CHECK_INT(c.per_page, 93);
	CHECK_INT(c.pages, 1);
	strcat(text, "b");
	pt_cap_cb_count(text, &c);
	CHECK_INT(c.pages, 2);
	pt_cap_cb_count("", &c);
	CHECK_INT(c.pages, 0);
	/* GSM-7 letters of the default alphabet count one: é, Ä, Ω, £, @, newline */
	pt_cap_cb_count("é Ä Ω £ @\n", &c);
	CHECK_INT(c.ucs2, 0);
	CHECK_INT(c.units, 10);
	/* extension characters count two septets */
	pt_cap_cb_count("€", &c);
	CHECK_INT(c.ucs2, 0);
	CHECK_INT(c.units, 2);
	pt_cap_cb_count("[x]", &c);
	CHECK_INT(c.units, 5);
	memset(text, 'a', 92);
	text[92] = '\0';
	strcat(text, "{");
	pt_cap_cb_count(text, &c);
	CHECK_INT(c.units, 94);
	CHECK_INT(c.pages, 2);
	/* Cyrillic and the Albanian ë force UCS-2, 41 a page */
	pt_cap_cb_count("Вежба", &c);
	CHECK_INT(c.ucs2, 1);
	CHECK_INT(c.units, 5);
	CHECK_INT(c.per_page, 41);
	CHECK_INT(c.pages, 1);
	pt_cap_cb_count("Largohuni menjëherë nga zona", &c);
	CHECK_INT(c.ucs2, 1);
	CHECK_INT(c.units, 28);
	text[0] = '\0';
	for (int i = 0; i < 42; i++)
		strcat(text, "ë");
	pt_cap_cb_count(text, &c);
	CHECK_INT(c.units, 42);
	CHECK_INT(c.pages, 2);
	/* in UCS-2 an extension character is one unit; an astral character two */
	pt_cap_cb_count("ж€", &c);
	CHECK_INT(c.units, 2);
	pt_cap_cb_count("a😀", &c);
	CHECK_INT(c.ucs2, 1);
	CHECK_INT(c.units, 3);
	/* '`' is not in GSM-7; invalid UTF-8 counts as replacement characters */
	pt_cap_cb_count("`", &c);
	CHECK_INT(c.ucs2, 1);
	pt_cap_cb_count("a\xff\xfe", &c);
	CHECK_INT(c.ucs2, 1);
	CHECK_INT(c.units, 3);
}

static void test_geometry(void)
{
	double lat[8], lon[8];
	size_t n = 0;
	char buf[64];
	CHECK_INT(pt_cap_polygon_parse("1,1 1,2 2,2 1,1", lat, lon, 8, &n), PT_OK);
	CHECK_INT(n, 4);
	CHECK_NEAR(lon[1], 2, 0);
	CHECK_INT(pt_cap_polygon_parse(" 42.3481,-82.9314\n42.3363,-82.6937  42.1,-82.5 42.3481,-82.9314 ",
				       lat, lon, 8, &n),
		  PT_OK);
	CHECK_NEAR(lat[0], 42.3481, 1e-12);
	CHECK_NEAR(lon[0], -82.9314, 1e-12);
	CHECK_INT(pt_cap_polygon_parse("1,1 1,2 1,1", lat, lon, 8, &n), PT_EINVAL);      /* 3 points */
	CHECK_INT(pt_cap_polygon_parse("1,1 1,2 2,2 2,1", lat, lon, 8, &n), PT_EINVAL);  /* open */
	CHECK_INT(pt_cap_polygon_parse("91,1 1,2 2,2 91,1", lat, lon, 8, &n), PT_EINVAL); /* range */
	CHECK_INT(pt_cap_polygon_parse("1;1 1,2 2,2 1;1", lat, lon, 8, &n), PT_EINVAL);
	CHECK_INT(pt_cap_polygon_parse("1,1 1,2 2,2 3,3 4,4 1,1", lat, lon, 4, &n), PT_ELIMIT);
	CHECK_INT(pt_cap_polygon_parse("", lat, lon, 8, &n), PT_EINVAL);
	pt_cap_circle_format(41.99, 21.43, 0.5, buf, sizeof(buf));
	CHECK_STR(buf, "41.99,21.43 0.5");
	pt_cap_circle_format(-12.5, 130.25, 10, buf, sizeof(buf));
	CHECK_STR(buf, "-12.5,130.25 10");

	struct pt_cap_alert *a = sample();
	struct pt_cap_area *ar = &a->info[0].area[0];
	struct pt_cap_text *t;
	pt_cap_text_set(&ar->circle[0], "41.99,21.43 -1");
	pt_cap_text_add(&ar->circle, &ar->n_circle, &t);
	pt_cap_text_set(t, "41.99,21.43");
	pt_cap_text_add(&ar->polygon, &ar->n_polygon, &t);
	pt_cap_text_set(t, "1,1 1,2 2,2");
	pt_cap_text_set(&ar->ceiling, "1000");
	check(a);
	CHECK_INT(P.n_rule, 4);
	CHECK(find(PT_CAP_RULE, "ceiling") != NULL);
	CHECK(find(PT_CAP_RULE, "polygon") != NULL);
	CHECK_INT(P.n_schema, 0);
	pt_cap_text_set(&ar->altitude, "abc");
	check(a);
	CHECK(find(PT_CAP_SCHEMA, "altitude") != NULL);
	CHECK(find(PT_CAP_RULE, "ceiling") == NULL);
	pt_cap_alert_free(a);
}

static void test_languages_and_copy(void)
{
	struct pt_cap_alert *a = sample(), *b = NULL;
	struct pt_cap_info *in;
	struct pt_cap_text *t;
	pt_cap_info_add(a, &in);
	pt_cap_text_set(&in->language, "en");
	pt_cap_text_add(&in->category, &in->n_category, &t);
	pt_cap_text_set(t, "Security");
	pt_cap_text_set(&in->event, "x");
	pt_cap_text_set(&in->urgency, "Immediate");
	pt_cap_text_set(&in->severity, "Extreme");
	pt_cap_text_set(&in->certainty, "Observed");
	check(a);
	CHECK_INT(P.n_warning, 1);
	CHECK(find(PT_CAP_WARNING, "language") != NULL);
	pt_cap_text_set(&in->language, "en_GB");
	check(a);
	CHECK(find(PT_CAP_SCHEMA, "language") != NULL);
	pt_cap_text_set(&in->language, "sq");
	CHECK_INT(pt_cap_alert_copy(a, &b), PT_OK);
	CHECK(pt_cap_equivalent(a, b));
	/* list-valued texts compare with whitespace normalised */
	pt_cap_text_set(&a->info[0].area[0].circle[0], " 41.99,21.43\n 0.5 ");
	CHECK(pt_cap_equivalent(a, b));
	pt_cap_text_set(&a->info[0].event, "Armed attack ");
	CHECK(!pt_cap_equivalent(a, b));
	pt_cap_alert_free(a);
	pt_cap_alert_free(b);
	/* limits */
	struct pt_cap_text tx = { NULL, 0 };
	char *big = malloc(PT_CAP_TEXT_MAX + 2);
	if (big) {
		memset(big, 'x', PT_CAP_TEXT_MAX + 1);
		big[PT_CAP_TEXT_MAX + 1] = '\0';
		CHECK_INT(pt_cap_text_set(&tx, big), PT_ELIMIT);
		free(big);
	}
	struct pt_cap_alert *c = NULL;
	pt_cap_alert_new(&c);
	enum pt_err e = PT_OK;
	for (int i = 0; i <= PT_CAP_MAX_INFO && e == PT_OK; i++)
		e = pt_cap_info_add(c, &in);
	CHECK_INT(e, PT_ELIMIT);
	CHECK_INT(c->n_info, PT_CAP_MAX_INFO);
	pt_cap_alert_free(c);
}

static void test_problem_limit(void)
{
	pt_cap_problems_clear(&P);
	for (int i = 0; i < PT_CAP_MAX_PROBLEMS + 5; i++)
		pt_cap_problem_add(&P, PT_CAP_WARNING, i, "x", "y");
	CHECK_INT(P.n, PT_CAP_MAX_PROBLEMS);
	CHECK_INT(P.dropped, 5);
	CHECK_INT(P.n_warning, PT_CAP_MAX_PROBLEMS + 5);
	CHECK(!pt_cap_problems_fail(&P));
}

int main(void)
{
	RUN(test_enums);
	RUN(test_valid_sample);
	RUN(test_required_and_enums);
	RUN(test_identifier_rules);
	RUN(test_scope_rules);
	RUN(test_references_rule);
	RUN(test_date_times);
	RUN(test_identifiers);
	RUN(test_cell_broadcast);
	RUN(test_geometry);
	RUN(test_languages_and_copy);
	RUN(test_problem_limit);
	return TEST_SUMMARY("test_cap");
}
