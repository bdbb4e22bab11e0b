/* test_alert_template.c - the alert templates (issue 13): the built-in set
 * parses, checks and fits cell broadcast; rendering; the reader's errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_alert_template.h"
#include "core/pt_cap.h"
#include "core/pt_config.h"
#include "core/pt_geo_area.h"
#include "formats/pt_alert_template_io.h"
#include "formats/pt_diag.h"
#include "pt_test.h"

#define SITE30 "Vellmark Central Hospital West" /* 30 characters */
#define SITE45 "Orrinford Combined-Cycle Power Station Annexe" /* 45 characters */

/* 2026-12-05T13:30:00Z */
#define EXPIRES 1796477400LL

static void test_builtin_set(void)
{
	static const char *const ids[] = {"all-clear", "armed-attack", "armed-attack-hospital",
					  "chemical-release", "explosion", "vehicle-attack"};
	const struct pt_alert_template *all;
	struct pt_diag d = PT_DIAG_INIT;
	size_t n = 0, i;
	CHECK_INT(pt_alert_templates_builtin(&all, &n, &d), PT_OK);
	CHECK_STR(d.msg, "");
	CHECK_INT(n, 6);
	for (i = 0; i < n && i < 6; i++) {
		struct pt_diag c = PT_DIAG_INIT;
		CHECK_STR(all[i].id, ids[i]);
		CHECK_INT(pt_alert_template_check(&all[i], &c), PT_OK);
		CHECK_INT(all[i].n_langs, 3);
		CHECK_STR(all[i].langs[0].lang, "en"); /* the file's order */
		CHECK_STR(all[i].langs[1].lang, "mk");
		CHECK_STR(all[i].langs[2].lang, "sq");
		CHECK_STR(all[i].langs[0].exercise_word, "EXERCISE");
		CHECK_STR(all[i].langs[1].exercise_word, "EXERCISE – ВЕЖБА");
		CHECK_STR(all[i].langs[2].exercise_word, "EXERCISE – USHTRIM");
		CHECK(pt_alert_template_find(ids[i]) == &all[i]);
		CHECK_INT(all[i].all_clear, strcmp(ids[i], "all-clear") == 0);
	}
	CHECK(pt_alert_template_find("nuclear") == NULL);
	CHECK(pt_alert_template_find(NULL) == NULL);
}

static void test_builtin_values(void)
{
	const struct pt_alert_template *a = pt_alert_template_find("armed-attack");
	const struct pt_alert_template *c = pt_alert_template_find("chemical-release");
	const struct pt_alert_template *ac = pt_alert_template_find("all-clear");
	CHECK(a && c && ac);
	if (!a || !c || !ac)
		return;
	CHECK_INT(a->n_categories, 1);
	CHECK_INT(a->categories[0], PT_CAP_CAT_SECURITY);
	CHECK_INT(a->urgency, PT_CAP_URG_IMMEDIATE);
	CHECK_INT(a->severity, PT_CAP_SEV_EXTREME);
	CHECK_INT(a->certainty, PT_CAP_CERT_OBSERVED);
	CHECK_NEAR(a->radius_km, 1, 0);
	CHECK_NEAR(a->duration_h, 2, 0);
	CHECK_STR(pt_alert_template_lang(a, "mk")->event, "Вооружен напад");
	CHECK(pt_alert_template_lang(a, "de") == NULL);
	CHECK_INT(c->n_responses, 1);
	CHECK_INT(c->responses[0], PT_CAP_RESP_SHELTER);
	CHECK_INT(c->categories[0], PT_CAP_CAT_CBRNE);
	CHECK_INT(ac->n_responses, 1);
	CHECK_INT(ac->responses[0], PT_CAP_RESP_ALLCLEAR);
	CHECK_INT(ac->urgency, PT_CAP_URG_PAST);
	CHECK_INT(ac->severity, PT_CAP_SEV_MINOR);
}

/* Every language of every template fits alert.cb_pages (the setting's default, 6) pages with
 * a 45-character site name and the exercise (or test) marking (issue 13 review). */
static void test_builtin_cell_broadcast(void)
{
	const struct pt_alert_template *all;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_config cfg;
	size_t n = 0, i, j, k;
	pt_config_defaults(&cfg);
	CHECK_INT(cfg.alert_cb_pages, 6);
	CHECK_INT(strlen(SITE45), 45);
	if (pt_alert_templates_builtin(&all, &n, &d) != PT_OK)
		return;
	for (i = 0; i < n; i++)
		for (j = 0; j < all[i].n_langs; j++)
			for (k = 0; k < 3; k++) {
				static const enum pt_cap_status st[] = {PT_CAP_ACTUAL, PT_CAP_EXERCISE,
									PT_CAP_TEST};
				const struct pt_alert_template_lang *l = &all[i].langs[j];
				struct pt_alert_vars v = {SITE45, "Vellmark", all[i].radius_km, EXPIRES,
							  60, l->sender_name};
				const char *word = pt_alert_status_word(l, st[k]);
				char head[PT_ALERT_TEXT_MAX], marked[PT_ALERT_TEXT_MAX];
				char instr[PT_ALERT_TEXT_MAX];
				char both[2 * PT_ALERT_TEXT_MAX + 2];
				struct pt_cap_cb_count cb;
				CHECK_INT(pt_alert_render(l->headline, &v, head, sizeof head), PT_OK);
				CHECK_INT(pt_alert_render(l->instruction, &v, instr, sizeof instr), PT_OK);
				if (word)
					CHECK_INT(pt_alert_mark(word, head, marked, sizeof marked), PT_OK);
				else
					pt_strlcpy(marked, head, sizeof marked);
				snprintf(both, sizeof both, "%s\n%s", marked, instr);
				pt_cap_cb_count(both, &cb);
				if (cb.pages > cfg.alert_cb_pages)
					fprintf(stderr, "%s %s %s: %zu pages (%zu units)\n", all[i].id,
						l->lang, word ? word : "Actual", cb.pages, cb.units);
				CHECK(cb.pages >= 1 && cb.pages <= cfg.alert_cb_pages);
				/* English stays in the GSM 7-bit alphabet; Cyrillic and ë need UCS-2 */
				CHECK_INT(cb.ucs2, strcmp(l->lang, "en") != 0);
				CHECK(strstr(head, SITE45) != NULL); /* the location in every headline */
			}
}

/* issue 13 review: what a public alert's text may hold; the marking; the test word. */
static void test_text_safety_and_marking(void)
{
	uint32_t cp = 0;
	char buf[64];
	struct pt_alert_template_lang l;
	CHECK(pt_alert_text_ok("Plain, Ж, ë, tab\tLF\nCR\r", NULL));
	CHECK(!pt_alert_text_ok("a\xEF\xBF\xBE", &cp));
	CHECK_INT(cp, 0xFFFE);
	CHECK(!pt_alert_text_ok("a\xEF\xBF\xBF", &cp));
	CHECK_INT(cp, 0xFFFF);
	CHECK(!pt_alert_text_ok("\xE2\x80\xAE", &cp));
	CHECK_INT(cp, 0x202E);
	CHECK(!pt_alert_text_ok("\xE2\x81\xA6", &cp));
	CHECK_INT(cp, 0x2066);
	CHECK(!pt_alert_text_ok("\xE2\x80\xA9", &cp));
	CHECK_INT(cp, 0x2029);
	CHECK(!pt_alert_text_ok("\x1b[31m", &cp));
	CHECK_INT(cp, 0x1B);
	CHECK(!pt_alert_text_ok("\xED\xA0\x80", &cp)); /* a surrogate in UTF-8: not UTF-8 */
	CHECK_INT(cp, 0xFFFFFFFFu);
	CHECK(!pt_alert_text_ok("\xC0\xAF", &cp)); /* overlong */
	CHECK_INT(cp, 0xFFFFFFFFu);
	CHECK(!pt_alert_text_ok("\xE2\x80", &cp)); /* cut short */
	CHECK_INT(pt_alert_mark("EXERCISE", "Armed attack", buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "EXERCISE: Armed attack");
	CHECK_INT(pt_alert_mark("EXERCISE", "Armed attack", buf, 12), PT_ELIMIT);
	memset(&l, 0, sizeof l);
	pt_strlcpy(l.exercise_word, "EXERCISE – ВЕЖБА", sizeof l.exercise_word);
	CHECK(pt_alert_status_word(&l, PT_CAP_ACTUAL) == NULL);
	CHECK_STR(pt_alert_status_word(&l, PT_CAP_EXERCISE), "EXERCISE – ВЕЖБА");
	CHECK_STR(pt_alert_status_word(&l, PT_CAP_TEST), "TEST");
	pt_strlcpy(l.test_word, "TEST – ТЕСТ", sizeof l.test_word);
	CHECK_STR(pt_alert_status_word(&l, PT_CAP_TEST), "TEST – ТЕСТ");
}

/* issue 13 review: pt_geo_area. */
static void test_geo_area(void)
{
	/* a 0.02-degree square around 47.1,-12.1 */
	static const double sq_lat[] = {47.09, 47.11, 47.11, 47.09, 47.09};
	static const double sq_lon[] = {-12.11, -12.11, -12.09, -12.09, -12.11};
	static const double bow_lat[] = {47.09, 47.11, 47.09, 47.11, 47.09};
	static const double bow_lon[] = {-12.11, -12.09, -12.09, -12.11, -12.11};
	static const double rep_lat[] = {47.09, 47.09, 47.11, 47.11, 47.09, 47.09};
	static const double rep_lon[] = {-12.11, -12.11, -12.11, -12.09, -12.09, -12.11};
	double far = 0, la, lo, r;
	/* one degree of latitude: 111.2 km */
	CHECK_NEAR(pt_geo_distance_km(47, -12, 48, -12), 111.195, 0.01);
	CHECK_NEAR(pt_geo_distance_km(47, -12, 47, -12), 0, 0);
	CHECK_INT(pt_geo_polygon_check(sq_lat, sq_lon, 5, 47.1, -12.1, 100, 5, &far),
		  PT_GEO_POLYGON_OK);
	CHECK_NEAR(far, 1.345, 0.002);
	CHECK_NEAR(pt_geo_ceil_tenth(far), 1.4, 1e-9);
	CHECK_NEAR(pt_geo_ceil_tenth(1.0), 1.0, 1e-9);
	CHECK_NEAR(pt_geo_ceil_tenth(0), 0.1, 1e-9);
	CHECK_INT(pt_geo_polygon_check(bow_lat, bow_lon, 5, 47.1, -12.1, 100, 5, NULL),
		  PT_GEO_POLYGON_CROSSES);
	CHECK_INT(pt_geo_polygon_check(rep_lat, rep_lon, 6, 47.1, -12.1, 100, 5, NULL),
		  PT_GEO_POLYGON_OK); /* a repeated corner is not a crossing */
	CHECK_INT(pt_geo_polygon_check(sq_lat, sq_lon, 5, 47.1, -12.1, 1, 5, NULL),
		  PT_GEO_POLYGON_TOO_FAR);
	CHECK_INT(pt_geo_polygon_check(sq_lat, sq_lon, 5, 47.2, -12.1, 100, 5, NULL),
		  PT_GEO_POLYGON_NOT_NEAR); /* 11 km south of the site */
	CHECK_INT(pt_geo_polygon_check(sq_lat, sq_lon, 5, 47.14, -12.1, 100, 5, NULL),
		  PT_GEO_POLYGON_OK); /* 3.3 km from its edge */
	CHECK_INT(pt_geo_polygon_check(sq_lat, sq_lon, 3, 47.1, -12.1, 100, 5, NULL),
		  PT_GEO_POLYGON_DEGENERATE);
	pt_geo_generic_circle(47.21326, -12.14242, 1, 0.02, 0.5, &la, &lo, &r);
	CHECK_NEAR(la, 47.22, 1e-9);
	CHECK_NEAR(lo, -12.14, 1e-9);
	CHECK_NEAR(r, 2.3, 1e-9);
	/* the moved circle covers the original one */
	CHECK(pt_geo_distance_km(47.21326, -12.14242, la, lo) + 1 <= r);
}

static void test_render(void)
{
	struct pt_alert_vars v = {"Orrinford Stadium", "Orrinford", 0.5, EXPIRES, 60, "NCMC"};
	char buf[PT_ALERT_TEXT_MAX];
	CHECK_INT(pt_alert_render("{site} in {region}, {radius_km} km, until {expires}; {sender}",
				  &v, buf, sizeof buf),
		  PT_OK);
	CHECK_STR(buf, "Orrinford Stadium in Orrinford, 0.5 km, until 14:30 UTC+1 (05.12.2026); NCMC");
	v.radius_km = 1;
	CHECK_INT(pt_alert_render("{radius_km}", &v, buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "1");
	v.radius_km = 2.5;
	CHECK_INT(pt_alert_render("{radius_km}", &v, buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "2.5");
	v.radius_km = 0.25;
	CHECK_INT(pt_alert_render("{radius_km}", &v, buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "0.25");
	v.radius_km = 12;
	CHECK_INT(pt_alert_render("{radius_km}", &v, buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "12");
	/* the local time crosses midnight and the year */
	v.expires = 1798759800LL; /* 2026-12-31T23:30:00Z */
	CHECK_INT(pt_alert_render("{expires}", &v, buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "00:30 UTC+1 (01.01.2027)");
	v.utc_offset_min = -300;
	CHECK_INT(pt_alert_render("{expires}", &v, buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "18:30 UTC-5 (31.12.2026)");
	/* issue 13 review: the zone is said; "UTC" at offset 0, minutes when there are some */
	v.utc_offset_min = 0;
	CHECK_INT(pt_alert_render("{expires}", &v, buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "23:30 UTC (31.12.2026)");
	v.utc_offset_min = 330;
	CHECK_INT(pt_alert_render("{expires}", &v, buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "05:00 UTC+5:30 (01.01.2027)");
	v.utc_offset_min = -60;
	/* other braces are copied */
	CHECK_INT(pt_alert_render("{ site } {} {Site} {site", &v, buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "{ site } {} {Site} {site");
	CHECK_INT(pt_alert_render("Вооружен напад: {site}", &v, buf, sizeof buf), PT_OK);
	CHECK_STR(buf, "Вооружен напад: Orrinford Stadium");
}

static void test_render_errors(void)
{
	struct pt_alert_vars v = {"Orrinford Stadium", "Orrinford", 1, EXPIRES, 60, "NCMC"};
	char buf[PT_ALERT_TEXT_MAX], small[10];
	CHECK_INT(pt_alert_render("at {city}", &v, buf, sizeof buf), PT_EINVAL);
	CHECK_INT(pt_alert_render("at {site_name}", &v, buf, sizeof buf), PT_EINVAL);
	CHECK_INT(pt_alert_render("at {site}", &v, small, sizeof small), PT_ELIMIT);
	CHECK_INT(pt_alert_render("0123456789", &v, small, sizeof small), PT_ELIMIT);
	CHECK_INT(pt_alert_render("012345678", &v, small, sizeof small), PT_OK);
	CHECK_STR(small, "012345678");
}

/* A valid template: the languages key on line 10, mk's headline on line 24. */
static const char base[] =
	"{\n"
	"  \"categories\": [\"Security\"],\n"
	"  \"responses\": [\"Shelter\", \"Avoid\"],\n"
	"  \"urgency\": \"Immediate\",\n"
	"  \"severity\": \"Extreme\",\n"
	"  \"certainty\": \"Observed\",\n"
	"  \"radius_km\": 1,\n"
	"  \"duration_h\": 2,\n"
	"  \"all_clear\": false,\n"
	"  \"languages\": {\n"
	"    \"en\": {\n"
	"      \"event\": \"Armed attack\",\n"
	"      \"headline\": \"Armed attack at {site}\",\n"
	"      \"description\": \"At {site}, {region}, until {expires}.\",\n"
	"      \"instruction\": \"Run, hide, tell.\",\n"
	"      \"area_desc\": \"{site} and {radius_km} km around\",\n"
	"      \"generic_site\": \"a public place in {region}\",\n"
	"      \"generic_area_desc\": \"Part of {region}\",\n"
	"      \"sender_name\": \"Crisis Centre\",\n"
	"      \"exercise_word\": \"EXERCISE\"\n"
	"    },\n"
	"    \"mk\": {\n"
	"      \"event\": \"Вооружен напад\",\n"
	"      \"headline\": \"Вооружен напад: {site}\",\n"
	"      \"description\": \"\",\n"
	"      \"instruction\": \"Бегајте, скријте се, јавете.\",\n"
	"      \"area_desc\": \"{site}\",\n"
	"      \"generic_site\": \"јавно место\",\n"
	"      \"generic_area_desc\": \"{region}\",\n"
	"      \"sender_name\": \"Центар\",\n"
	"      \"exercise_word\": \"EXERCISE – ВЕЖБА\"\n"
	"    }\n"
	"  }\n"
	"}\n";

/* base with the first occurrence of from replaced by to; parse it as "t". */
static enum pt_err parse_variant(const char *from, const char *to, struct pt_alert_template *t,
				 struct pt_diag *d)
{
	char text[8192];
	const char *at = strstr(base, from);
	enum pt_err err;
	if (!at) {
		fprintf(stderr, "parse_variant: \"%s\" is not in the base\n", from);
		return PT_EINTERNAL;
	}
	snprintf(text, sizeof text, "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
	memset(d, 0, sizeof *d);
	err = pt_alert_template_parse(text, strlen(text), "t", t, d);
	return err;
}

static struct pt_alert_template tpl; /* large: not on the stack */

static void test_parse_ok(void)
{
	struct pt_diag d = PT_DIAG_INIT;
	CHECK_INT(pt_alert_template_parse(base, strlen(base), "armed-test", &tpl, &d), PT_OK);
	CHECK_STR(d.msg, "");
	CHECK_STR(tpl.id, "armed-test");
	CHECK_INT(tpl.n_langs, 2);
	CHECK_STR(tpl.langs[1].lang, "mk");
	CHECK_STR(tpl.langs[1].headline, "Вооружен напад: {site}");
	CHECK_INT(tpl.n_responses, 2);
	CHECK_INT(tpl.responses[1], PT_CAP_RESP_AVOID);
	CHECK_INT(tpl.all_clear, 0);
	/* a bad id */
	CHECK_INT(pt_alert_template_parse(base, strlen(base), "Armed", &tpl, &d), PT_EINVAL);
	CHECK_STR(d.field, "id");
}

static void test_parse_errors(void)
{
	struct pt_diag d;
	char msg[1200];
	/* a wrong type: the line of the key and the field path */
	CHECK_INT(parse_variant("\"headline\": \"Вооружен напад: {site}\"", "\"headline\": 7",
				&tpl, &d),
		  PT_EINVAL);
	CHECK_INT(d.line, 24);
	CHECK_STR(d.field, "languages.mk.headline");
	CHECK_STR(d.msg, "must be a string");
	pt_strlcpy(d.file, "data/alerts/t.json", sizeof d.file);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "data/alerts/t.json:24: languages.mk.headline: must be a string");
	CHECK_INT(tpl.n_langs, 0); /* nothing is kept from a rejected file */
	/* a missing required text names the language's key */
	CHECK_INT(parse_variant("      \"event\": \"Вооружен напад\",\n", "", &tpl, &d), PT_EINVAL);
	CHECK_STR(d.field, "languages.mk.event");
	CHECK_STR(d.msg, "missing");
	CHECK_INT(d.line, 22);
	/* an empty required text (the check) also finds its line */
	CHECK_INT(parse_variant("\"instruction\": \"Бегајте, скријте се, јавете.\"",
				"\"instruction\": \"\"", &tpl, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "languages.mk.instruction");
	CHECK_INT(d.line, 26);
	/* an unknown placeholder */
	CHECK_INT(parse_variant("{site} and {radius_km} km around", "{site} and {radius} km", &tpl,
				&d),
		  PT_EINVAL);
	CHECK_STR(d.field, "languages.en.area_desc");
	CHECK_INT(d.line, 16);
	CHECK(strstr(d.msg, "unknown placeholder") != NULL);
	/* enumerations */
	CHECK_INT(parse_variant("[\"Security\"]", "[\"Terror\"]", &tpl, &d), PT_EINVAL);
	CHECK_STR(d.field, "categories");
	CHECK_INT(d.line, 2);
	CHECK_INT(parse_variant("\"Extreme\"", "\"extreme\"", &tpl, &d), PT_EINVAL);
	CHECK_STR(d.field, "severity");
	CHECK_INT(d.line, 5);
	CHECK_INT(parse_variant("\"Avoid\"", "\"AllClear\"", &tpl, &d), PT_EINVAL);
	CHECK_STR(d.field, "responses");
	CHECK_INT(parse_variant("\"radius_km\": 1", "\"radius_km\": 0", &tpl, &d), PT_EINVAL);
	CHECK_STR(d.field, "radius_km");
	CHECK_INT(d.line, 7);
	CHECK_INT(parse_variant("\"duration_h\": 2", "\"duration_h\": \"2\"", &tpl, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "duration_h");
	CHECK_INT(parse_variant("\"all_clear\": false", "\"all_clear\": 0", &tpl, &d), PT_EINVAL);
	CHECK_STR(d.field, "all_clear");
	CHECK_INT(parse_variant("\"mk\": {", "\"en\": {", &tpl, &d), PT_EINVAL); /* duplicate */
	CHECK_INT(parse_variant("\"mk\": {", "\"m k\": {", &tpl, &d), PT_EINVAL);
	CHECK_STR(d.field, "languages");
	/* not JSON: jansson's line */
	CHECK_INT(parse_variant("\"duration_h\": 2,", "\"duration_h\": 2,,", &tpl, &d), PT_EINVAL);
	CHECK_INT(d.line, 8);
	CHECK(strncmp(d.msg, "invalid JSON", 12) == 0);
	CHECK_INT(pt_alert_template_parse("[]", 2, "t", &tpl, &d), PT_EINVAL);
}

static void test_duplicate_and_unknown_keys(void)
{
	struct pt_diag d;
	CHECK_INT(parse_variant("  \"urgency\": \"Immediate\",\n",
				"  \"urgency\": \"Immediate\",\n  \"urgency\": \"Past\",\n", &tpl, &d),
		  PT_EINVAL);
	CHECK_INT(d.line, 5);
	CHECK(strstr(d.msg, "duplicate") != NULL);
	CHECK_INT(parse_variant("      \"headline\": \"Вооружен",
				"      \"event\": \"x\",\n      \"headline\": \"Вооружен", &tpl, &d),
		  PT_EINVAL);
	CHECK_INT(d.line, 24);
	CHECK(strstr(d.msg, "duplicate") != NULL);
	/* unknown keys, at the top and in a language */
	CHECK_INT(parse_variant("  \"radius_km\": 1,\n", "  \"radius_km\": 1,\n  \"colour\": \"red\",\n",
				&tpl, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "colour");
	CHECK_STR(d.msg, "unknown key");
	CHECK_INT(d.line, 8);
	CHECK_INT(parse_variant("      \"sender_name\": \"Центар\",",
				"      \"sendername\": \"Центар\",", &tpl, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "languages.mk.sendername");
	CHECK_INT(d.line, 30);
}

static void test_parse_limits(void)
{
	struct pt_diag d;
	char *big = malloc(PT_ALERT_TEMPLATE_FILE_MAX + 2);
	char *long_text = malloc(PT_ALERT_TEXT_MAX + 16);
	CHECK(big && long_text);
	if (!big || !long_text)
		goto out;
	memset(big, ' ', PT_ALERT_TEMPLATE_FILE_MAX + 1);
	big[PT_ALERT_TEMPLATE_FILE_MAX + 1] = '\0';
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_alert_template_parse(big, PT_ALERT_TEMPLATE_FILE_MAX + 1, "t", &tpl, &d),
		  PT_ELIMIT);
	memset(long_text, 'x', PT_ALERT_TEXT_MAX + 1); /* a text of PT_ALERT_TEXT_MAX bytes */
	long_text[0] = '"';
	long_text[PT_ALERT_TEXT_MAX + 1] = '"';
	long_text[PT_ALERT_TEXT_MAX + 2] = '\0';
	CHECK_INT(parse_variant("\"Run, hide, tell.\"", long_text, &tpl, &d), PT_ELIMIT);
	CHECK_STR(d.field, "languages.en.instruction");
	CHECK_INT(d.line, 15);
	CHECK_INT(parse_variant("\"EXERCISE\"", "\"EXERCISE EXERCISE EXERCISE EXERCISE EXERCISE "
						"EXERCISE EXERCISE EXERCISE\"",
				&tpl, &d),
		  PT_ELIMIT);
	CHECK_STR(d.field, "languages.en.exercise_word");
out:
	free(big);
	free(long_text);
}

int main(void)
{
	RUN(test_builtin_set);
	RUN(test_builtin_values);
	RUN(test_builtin_cell_broadcast);
	RUN(test_render);
	RUN(test_text_safety_and_marking);
	RUN(test_geo_area);
	RUN(test_render_errors);
	RUN(test_parse_ok);
	RUN(test_parse_errors);
	RUN(test_duplicate_and_unknown_keys);
	RUN(test_parse_limits);
	return TEST_SUMMARY("test_alert_template");
}
