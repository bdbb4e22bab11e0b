/* test_assess_io.c - unit tests of src/formats/pt_assess_io.c: the three
 * assessment CSVs (recognition, checks, messages, round trips), catalogues and settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_assess_io.h"
#include "formats/pt_diag.h"
#include "pt_test.h"

static struct pt_catalog threats;
static char shown[2048];

static void add(struct pt_catalog *c, const char *id)
{
	struct pt_catalog_entry e;
	memset(&e, 0, sizeof e);
	pt_strlcpy(e.id, id, sizeof e.id);
	pt_strlcpy(e.name, id, sizeof e.name);
	if (pt_catalog_append(c, &e) != PT_OK)
		abort();
}

static enum pt_err read_as(const char *file, const char *text, struct pt_assessment_set *s)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, file, sizeof d.file);
	shown[0] = '\0';
	err = pt_assessments_read_csv(text, strlen(text), &threats, s, &d);
	if (err != PT_OK)
		pt_diag_format(&d, shown, sizeof shown);
	return err;
}

/* Expect text to be rejected with exactly msg; the set stays empty. */
static void expect_bad(const char *file, const char *text, const char *msg)
{
	struct pt_assessment_set s;
	memset(&s, 0, sizeof s);
	CHECK_INT(read_as(file, text, &s), PT_EINVAL);
	CHECK_STR(shown, msg);
	CHECK_INT(s.n, 0);
	CHECK(!s.fema && !s.carver && !s.quant && !s.lines);
	pt_assessment_set_clear(&s);
}

#define FEMA_H "site_id,threat_id,asset_value,threat_rating,vulnerability_rating\n"
#define CARVER_H                                                                           \
	"site_id,criticality,accessibility,recuperability,vulnerability,effect,"           \
	"recognizability,shock\n"
#define QUANT_H                                                                            \
	"site_id,threat_id,p_attempt_min,p_attempt_mode,p_attempt_max,p_success_min,"      \
	"p_success_mode,p_success_max,fatalities_min,fatalities_mode,fatalities_max,"      \
	"injuries_min,injuries_mode,injuries_max,loss_eur_min,loss_eur_mode,loss_eur_max\n"

static void test_fema(void)
{
	struct pt_assessment_set s;
	memset(&s, 0, sizeof s);
	CHECK_INT(read_as("fema.csv",
			  FEMA_H "H-001,vehicle_ramming,9,6,7\r\n\r\nH-001,arson,9,3,4\n"
				 "S-2,vehicle_ramming,1,10,1",
			  &s),
		  PT_OK);
	CHECK_INT(s.method, PT_METHOD_FEMA);
	CHECK_INT(s.n, 3);
	if (s.n == 3) {
		CHECK_STR(s.fema[0].site_id, "H-001");
		CHECK_STR(s.fema[0].threat_id, "vehicle_ramming");
		CHECK_INT(s.fema[0].asset_value, 9);
		CHECK_INT(s.fema[0].threat_rating, 6);
		CHECK_INT(s.fema[0].vulnerability_rating, 7);
		CHECK_INT(s.lines[0], 2);
		CHECK_INT(s.lines[1], 4);
		CHECK_STR(s.fema[2].site_id, "S-2");
		CHECK_INT(s.fema[2].threat_rating, 10);
	}
	CHECK(s.carver == NULL && s.quant == NULL);
	pt_assessment_set_clear(&s);
	/* columns in another order */
	CHECK_INT(read_as("fema.csv",
			  "vulnerability_rating,threat_rating,asset_value,threat_id,site_id\n"
			  "7,6,9,arson,H-001\n",
			  &s),
		  PT_OK);
	CHECK_INT(s.n, 1);
	if (s.n == 1) {
		CHECK_INT(s.fema[0].asset_value, 9);
		CHECK_INT(s.fema[0].vulnerability_rating, 7);
		CHECK_STR(s.fema[0].threat_id, "arson");
	}
	pt_assessment_set_clear(&s);
}

static void test_fema_errors(void)
{
	expect_bad("fema.csv", FEMA_H "H-001,vehicle_ramming,11,6,7\n",
		   "fema.csv:2: asset_value: 11 is out of range 1 to 10");
	expect_bad("fema.csv", FEMA_H "H-001,vehicle_ramming,9,0,7\n",
		   "fema.csv:2: threat_rating: 0 is out of range 1 to 10");
	expect_bad("fema.csv", FEMA_H "H-001,vehicle_ramming,9,6,7.5\n",
		   "fema.csv:2: vulnerability_rating: \"7.5\" is not a whole number");
	expect_bad("fema.csv", FEMA_H "H-001,vehicle_ramming,9,,7\n",
		   "fema.csv:2: threat_rating: missing value (a whole number is required)");
	expect_bad("fema.csv", FEMA_H "H-001,vehicle_ramming,nine,6,7\n",
		   "fema.csv:2: asset_value: \"nine\" is not a number");
	expect_bad("fema.csv", FEMA_H "H-001,stadium_bomb,9,6,7\n",
		   "fema.csv:2: threat_id: unknown threat \"stadium_bomb\"; valid: vehicle_ramming, "
		   "vbied_small, arson");
	expect_bad("fema.csv", FEMA_H "H 001,arson,9,6,7\n",
		   "fema.csv:2: site_id: \"H 001\" is not a valid id (1-63 letters, digits, '.', '_' "
		   "or '-')");
	expect_bad("fema.csv", FEMA_H ",arson,9,6,7\n", "fema.csv:2: site_id: missing value");
	expect_bad("fema.csv",
		   FEMA_H "H-001,arson,9,6,7\nH-001,vehicle_ramming,9,6,7\n\n\"H-001\",arson,1,1,1\n",
		   "fema.csv:5: site_id: duplicate row for site \"H-001\" and threat \"arson\" "
		   "(first on line 2)");
	expect_bad("fema.csv", FEMA_H "H-001,arson,9,6\n",
		   "fema.csv:2: the row has 4 fields; the header has 5");
	expect_bad("fema.csv",
		   "site_id,threat_id,asset_value,threat_rating\nH-001,arson,9,6\n",
		   "fema.csv:1: vulnerability_rating: required column missing");
	expect_bad("fema.csv",
		   "site_id,threat_id,asset_value,threat_rating,vulnerability_rating,notes\n",
		   "fema.csv:1: unknown column \"notes\"; known columns: site_id, threat_id, "
		   "asset_value, threat_rating, vulnerability_rating");
	expect_bad("fema.csv",
		   "site_id,threat_id,asset_value,threat_rating,vulnerability_rating,asset_value\n",
		   "fema.csv:1: asset_value: duplicate column (columns 3 and 6)");
	/* a quoted value spanning lines moves the line of the next error */
	expect_bad("fema.csv",
		   FEMA_H "\"H-001\",\"arson\",9,6,7\nH-002,arson,9,6,\"7\n\"\nH-003,arson,12,1,1\n",
		   "fema.csv:3: vulnerability_rating: \"7\\x0A\" is not a number");
}

static void test_carver(void)
{
	struct pt_assessment_set s;
	memset(&s, 0, sizeof s);
	CHECK_INT(read_as("carver.csv", CARVER_H "H-001,8,6,7,5,9,8,10\nS-2,1,1,1,1,1,1,1\n", &s),
		  PT_OK);
	CHECK_INT(s.method, PT_METHOD_CARVER);
	CHECK_INT(s.n, 2);
	if (s.n == 2) {
		const struct pt_carver_row *r = &s.carver[0];
		CHECK_STR(r->site_id, "H-001");
		CHECK_INT(r->criticality, 8);
		CHECK_INT(r->accessibility, 6);
		CHECK_INT(r->recuperability, 7);
		CHECK_INT(r->vulnerability, 5);
		CHECK_INT(r->effect, 9);
		CHECK_INT(r->recognizability, 8);
		CHECK_INT(r->shock, 10);
		CHECK_INT(s.lines[1], 3);
	}
	pt_assessment_set_clear(&s);
	expect_bad("carver.csv", CARVER_H "H-001,8,6,7,5,9,8,11\n",
		   "carver.csv:2: shock: 11 is out of range 1 to 10");
	expect_bad("carver.csv", CARVER_H "H-001,8,6,7,5,9,8,10\nH-001,1,1,1,1,1,1,1\n",
		   "carver.csv:3: site_id: duplicate row for site \"H-001\" (first on line 2)");
	expect_bad("carver.csv",
		   "site_id,criticality,accessibility,recuperability,vulnerability,effect,shock\n",
		   "carver.csv:1: recognizability: required column missing");
}

static void test_quant(void)
{
	struct pt_assessment_set s;
	memset(&s, 0, sizeof s);
	CHECK_INT(read_as("quant.csv",
			  QUANT_H "H-001,vehicle_ramming,0.01,0.02,0.05,0.2,0.4,0.7,0,3,25,5,20,"
				  "120,1e5,2e6,1.5e7\n"
				  "H-001,arson,0,0,0,1,1,1,0,0,0,0,0,0,0,0,0\n",
			  &s),
		  PT_OK);
	CHECK_INT(s.method, PT_METHOD_QUANT);
	CHECK_INT(s.n, 2);
	if (s.n == 2) {
		const struct pt_quant_row *r = &s.quant[0];
		CHECK_STR(r->threat_id, "vehicle_ramming");
		CHECK_NEAR(r->var[PT_QV_P_ATTEMPT].min, 0.01, 0);
		CHECK_NEAR(r->var[PT_QV_P_ATTEMPT].mode, 0.02, 0);
		CHECK_NEAR(r->var[PT_QV_P_ATTEMPT].max, 0.05, 0);
		CHECK_NEAR(r->var[PT_QV_P_SUCCESS].mode, 0.4, 0);
		CHECK_NEAR(r->var[PT_QV_FATALITIES].max, 25, 0);
		CHECK_NEAR(r->var[PT_QV_INJURIES].min, 5, 0);
		CHECK_NEAR(r->var[PT_QV_LOSS_EUR].max, 1.5e7, 0);
	}
	pt_assessment_set_clear(&s);
}

static void test_quant_errors(void)
{
	expect_bad("quant.csv",
		   QUANT_H "H-001,arson,0.01,0.02,0.05,0.5,0.3,0.7,0,3,25,5,20,120,0,1,2\n",
		   "quant.csv:2: p_success: min 0.5 is greater than mode 0.3");
	expect_bad("quant.csv",
		   QUANT_H "H-001,arson,0.01,0.02,0.05,0.2,0.3,0.7,0,30,25,5,20,120,0,1,2\n",
		   "quant.csv:2: fatalities: mode 30 is greater than max 25");
	expect_bad("quant.csv",
		   QUANT_H "H-001,arson,0.01,0.02,1.2,0.2,0.3,0.7,0,3,25,5,20,120,0,1,2\n",
		   "quant.csv:2: p_attempt_max: 1.2 is out of range 0 to 1");
	expect_bad("quant.csv",
		   QUANT_H "H-001,arson,0.01,0.02,0.05,-0.1,0.3,0.7,0,3,25,5,20,120,0,1,2\n",
		   "quant.csv:2: p_success_min: -0.1 is out of range 0 to 1");
	expect_bad("quant.csv",
		   QUANT_H "H-001,arson,0.01,0.02,0.05,0.2,0.3,0.7,0,3,25,-5,20,120,0,1,2\n",
		   "quant.csv:2: injuries_min: -5 is negative; it must be 0 or more");
	expect_bad("quant.csv",
		   QUANT_H "H-001,arson,0.01,0.02,0.05,0.2,0.3,0.7,0,3,25,5,20,120,0,1,inf\n",
		   "quant.csv:2: loss_eur_max: \"inf\" is not a number");
	expect_bad("quant.csv",
		   QUANT_H "H-001,arson,0.01,0.02,0.05,0.2,0.3,0.7,0,3,25,5,20,120,0,1,1e999\n",
		   "quant.csv:2: loss_eur_max: \"1e999\" is too large");
	expect_bad("quant.csv",
		   QUANT_H "H-001,arson,0.01,,0.05,0.2,0.3,0.7,0,3,25,5,20,120,0,1,2\n",
		   "quant.csv:2: p_attempt_mode: missing value (a number is required)");
	expect_bad("quant.csv",
		   QUANT_H "H-001,arson,0.01,0.02,0.05,0.2,0.3,0.7,0,3,25,5,20,120,0,1,2\n"
			   "H-001,arson,0.01,0.02,0.05,0.2,0.3,0.7,0,3,25,5,20,120,0,1,2\n",
		   "quant.csv:3: site_id: duplicate row for site \"H-001\" and threat \"arson\" "
		   "(first on line 2)");
	expect_bad("quant.csv",
		   QUANT_H "H-001,drone,0.01,0.02,0.05,0.2,0.3,0.7,0,3,25,5,20,120,0,1,2\n",
		   "quant.csv:2: threat_id: unknown threat \"drone\"; valid: vehicle_ramming, "
		   "vbied_small, arson");
	/* a quant header missing one column says which */
	expect_bad("quant.csv",
		   "site_id,threat_id,p_attempt_min,p_attempt_mode,p_attempt_max,p_success_min,"
		   "p_success_mode,p_success_max,fatalities_min,fatalities_mode,fatalities_max,"
		   "injuries_min,injuries_mode,injuries_max,loss_eur_min,loss_eur_max\n",
		   "quant.csv:1: loss_eur_mode: required column missing");
}

static void test_recognition(void)
{
	static const char none[] =
		"x.csv:1: the header fits none of the assessment formats; FEMA 426/452: "
		"site_id,threat_id,asset_value,threat_rating,vulnerability_rating; CARVER + Shock: "
		"site_id,criticality,accessibility,recuperability,vulnerability,effect,"
		"recognizability,shock; quantitative: site_id,threat_id,p_attempt_min,p_attempt_mode,"
		"p_attempt_max,p_success_min,p_success_mode,p_success_max,fatalities_min,"
		"fatalities_mode,fatalities_max,injuries_min,injuries_mode,injuries_max,loss_eur_min,"
		"loss_eur_mode,loss_eur_max";
	expect_bad("x.csv", "id,name,kind\n", none);
	expect_bad("x.csv", "site_id,threat_id\nA,arson\n", none);
	/* as many FEMA as CARVER columns: no method fits better */
	expect_bad("x.csv", "site_id,asset_value,criticality\n", none);
	expect_bad("x.csv", "", "x.csv:1: empty file: the header row is missing");
	expect_bad("x.csv", "\n\n", "x.csv:1: empty file: the header row is missing");
	/* a header alone is a valid, empty file of its method */
	{
		struct pt_assessment_set s;
		memset(&s, 0, sizeof s);
		CHECK_INT(read_as("c.csv", CARVER_H, &s), PT_OK);
		CHECK_INT(s.method, PT_METHOD_CARVER);
		CHECK_INT(s.n, 0);
		pt_assessment_set_clear(&s);
	}
	/* a FEMA header with a CARVER column is FEMA with an unknown column */
	expect_bad("x.csv",
		   "site_id,threat_id,asset_value,threat_rating,vulnerability_rating,criticality\n",
		   "x.csv:1: unknown column \"criticality\"; known columns: site_id, threat_id, "
		   "asset_value, threat_rating, vulnerability_rating");
}

/* ---- writers: round trips ---- */

static char *write_set(const struct pt_assessment_set *s, enum pt_err *err)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	if (!f) {
		*err = PT_EIO;
		return NULL;
	}
	*err = pt_assessments_write_csv(f, s);
	fclose(f);
	return mem;
}

static void test_round_trip_fema(void)
{
	struct pt_assessment_set s, back;
	struct pt_fema_row r;
	enum pt_err err;
	char *text;
	size_t i;
	memset(&s, 0, sizeof s);
	memset(&back, 0, sizeof back);
	for (i = 0; i < 30; i++) {
		memset(&r, 0, sizeof r);
		snprintf(r.site_id, sizeof r.site_id, "S-%zu", i / 3);
		pt_strlcpy(r.threat_id, threats.items[i % 3].id, sizeof r.threat_id);
		r.asset_value = (int)(i % 10) + 1;
		r.threat_rating = (int)((i * 7) % 10) + 1;
		r.vulnerability_rating = (int)((i * 3) % 10) + 1;
		CHECK_INT(pt_assessment_set_add_fema(&s, &r, 0), PT_OK);
	}
	text = write_set(&s, &err);
	CHECK_INT(err, PT_OK);
	CHECK(text && strncmp(text, FEMA_H "S-0,vehicle_ramming,1,1,1\n", strlen(FEMA_H) + 26) == 0);
	CHECK_INT(read_as("rt.csv", text ? text : "", &back), PT_OK);
	CHECK_INT(back.method, PT_METHOD_FEMA);
	CHECK_INT(back.n, s.n);
	for (i = 0; i < back.n && i < s.n; i++)
		CHECK(memcmp(&back.fema[i], &s.fema[i], sizeof r) == 0);
	free(text);
	pt_assessment_set_clear(&s);
	pt_assessment_set_clear(&back);
}

static void test_round_trip_carver(void)
{
	struct pt_assessment_set s, back;
	struct pt_carver_row r;
	enum pt_err err;
	char *text;
	size_t i;
	memset(&s, 0, sizeof s);
	memset(&back, 0, sizeof back);
	for (i = 0; i < 20; i++) {
		memset(&r, 0, sizeof r);
		snprintf(r.site_id, sizeof r.site_id, "site.%zu", i);
		r.criticality = (int)(i % 10) + 1;
		r.accessibility = (int)((i + 1) % 10) + 1;
		r.recuperability = (int)((i + 2) % 10) + 1;
		r.vulnerability = (int)((i + 3) % 10) + 1;
		r.effect = (int)((i + 4) % 10) + 1;
		r.recognizability = (int)((i + 5) % 10) + 1;
		r.shock = (int)((i + 6) % 10) + 1;
		CHECK_INT(pt_assessment_set_add_carver(&s, &r, 0), PT_OK);
	}
	text = write_set(&s, &err);
	CHECK_INT(err, PT_OK);
	CHECK(text && strncmp(text, CARVER_H "site.0,1,2,3,4,5,6,7\n", strlen(CARVER_H) + 21) == 0);
	CHECK_INT(read_as("rt.csv", text ? text : "", &back), PT_OK);
	CHECK_INT(back.method, PT_METHOD_CARVER);
	CHECK_INT(back.n, s.n);
	for (i = 0; i < back.n && i < s.n; i++)
		CHECK(memcmp(&back.carver[i], &s.carver[i], sizeof r) == 0);
	free(text);
	pt_assessment_set_clear(&s);
	pt_assessment_set_clear(&back);
}

static void test_round_trip_quant(void)
{
	struct pt_assessment_set s, back;
	struct pt_quant_row r;
	enum pt_err err;
	char *text;
	size_t i, v, same = 0;
	unsigned long long x = 0x2545F4914F6CDD1DULL;
	memset(&s, 0, sizeof s);
	memset(&back, 0, sizeof back);
	for (i = 0; i < 60; i++) {
		memset(&r, 0, sizeof r);
		snprintf(r.site_id, sizeof r.site_id, "Q-%zu", i / 3);
		pt_strlcpy(r.threat_id, threats.items[i % 3].id, sizeof r.threat_id);
		for (v = 0; v < PT_QV_COUNT; v++) {
			double a, b, c, t, scale = v < 2 ? 1.0 : (v == PT_QV_LOSS_EUR ? 1e8 : 300.0);
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			a = (double)(x % 1000003) / 1000003.0 * scale;
			b = (double)((x >> 20) % 1000033) / 1000033.0 * scale;
			c = (double)((x >> 40) % 1000037) / 1000037.0 * scale;
			if (a > b) {
				t = a;
				a = b;
				b = t;
			}
			if (b > c) {
				t = b;
				b = c;
				c = t;
			}
			if (a > b) {
				t = a;
				a = b;
				b = t;
			}
			r.var[v].min = a;
			r.var[v].mode = b;
			r.var[v].max = c;
		}
		CHECK_INT(pt_assessment_set_add_quant(&s, &r, 0), PT_OK);
	}
	text = write_set(&s, &err);
	CHECK_INT(err, PT_OK);
	CHECK_INT(read_as("rt.csv", text ? text : "", &back), PT_OK);
	CHECK_INT(back.method, PT_METHOD_QUANT);
	CHECK_INT(back.n, s.n);
	for (i = 0; i < back.n && i < s.n; i++) {
		int ok = strcmp(back.quant[i].site_id, s.quant[i].site_id) == 0 &&
			 strcmp(back.quant[i].threat_id, s.quant[i].threat_id) == 0;
		for (v = 0; v < PT_QV_COUNT; v++)
			ok = ok && back.quant[i].var[v].min == s.quant[i].var[v].min &&
			     back.quant[i].var[v].mode == s.quant[i].var[v].mode &&
			     back.quant[i].var[v].max == s.quant[i].var[v].max;
		same += (size_t)ok;
	}
	CHECK_INT(same, s.n);
	free(text);
	pt_assessment_set_clear(&s);
	pt_assessment_set_clear(&back);
	/* the exact text of a simple row */
	memset(&s, 0, sizeof s);
	memset(&r, 0, sizeof r);
	pt_strlcpy(r.site_id, "H-001", sizeof r.site_id);
	pt_strlcpy(r.threat_id, "arson", sizeof r.threat_id);
	r.var[PT_QV_P_ATTEMPT].min = 0.01;
	r.var[PT_QV_P_ATTEMPT].mode = 0.02;
	r.var[PT_QV_P_ATTEMPT].max = 0.05;
	r.var[PT_QV_P_SUCCESS].mode = 0.3;
	r.var[PT_QV_P_SUCCESS].max = 1;
	r.var[PT_QV_LOSS_EUR].min = 1e5;
	r.var[PT_QV_LOSS_EUR].mode = 2.5e6;
	r.var[PT_QV_LOSS_EUR].max = 1.5e7;
	CHECK_INT(pt_assessment_set_add_quant(&s, &r, 0), PT_OK);
	text = write_set(&s, &err);
	CHECK_STR(text ? text : "",
		  QUANT_H "H-001,arson,0.01,0.02,0.05,0,0.3,1,0,0,0,0,0,0,100000,2500000,15000000\n");
	free(text);
	pt_assessment_set_clear(&s);
}

static void test_write_in_chunks(void)
{
	struct pt_assessment_set s, back;
	struct pt_fema_row r;
	char *mem = NULL;
	size_t len = 0, i;
	FILE *f;
	memset(&s, 0, sizeof s);
	memset(&back, 0, sizeof back);
	memset(&r, 0, sizeof r);
	pt_strlcpy(r.threat_id, "arson", sizeof r.threat_id);
	r.asset_value = r.threat_rating = r.vulnerability_rating = 5;
	f = open_memstream(&mem, &len);
	if (!f) {
		CHECK(0);
		return;
	}
	/* two chunks of one reused set, the header only before the first */
	for (i = 0; i < 6; i++) {
		if (i == 3) {
			CHECK_INT(pt_assessments_write_csv_rows(f, &s, 1), PT_OK);
			s.n = 0;
		}
		snprintf(r.site_id, sizeof r.site_id, "C-%zu", i);
		CHECK_INT(pt_assessment_set_add_fema(&s, &r, 0), PT_OK);
	}
	CHECK_INT(pt_assessments_write_csv_rows(f, &s, 0), PT_OK);
	fclose(f);
	CHECK_STR(mem, FEMA_H "C-0,arson,5,5,5\nC-1,arson,5,5,5\nC-2,arson,5,5,5\n"
			      "C-3,arson,5,5,5\nC-4,arson,5,5,5\nC-5,arson,5,5,5\n");
	CHECK_INT(read_as("chunks.csv", mem, &back), PT_OK);
	CHECK_INT(back.n, 6);
	free(mem);
	pt_assessment_set_clear(&s);
	pt_assessment_set_clear(&back);
}

static void test_set_add(void)
{
	struct pt_assessment_set s;
	struct pt_fema_row f;
	struct pt_carver_row c;
	memset(&s, 0, sizeof s);
	memset(&f, 0, sizeof f);
	memset(&c, 0, sizeof c);
	CHECK_INT(pt_assessment_set_add_fema(&s, &f, 7), PT_OK);
	CHECK_INT(s.method, PT_METHOD_FEMA);
	CHECK_INT(pt_assessment_set_add_carver(&s, &c, 8), PT_EINVAL); /* another method */
	CHECK_INT(s.n, 1);
	CHECK_INT(s.lines[0], 7);
	pt_assessment_set_clear(&s);
	pt_assessment_set_clear(&s);
	CHECK_INT(pt_assessment_set_add_carver(&s, &c, 8), PT_OK);
	CHECK_INT(s.method, PT_METHOD_CARVER);
	pt_assessment_set_clear(&s);
	/* writing a set of an unknown method */
	s.method = (enum pt_method)9;
	{
		enum pt_err err;
		char *text = write_set(&s, &err);
		CHECK_INT(err, PT_EINVAL);
		free(text);
	}
}

/* ---- catalogues and settings ---- */

static enum pt_err read_catalog(const char *text, struct pt_catalog *c)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, "sectors.csv", sizeof d.file);
	shown[0] = '\0';
	err = pt_catalog_read_csv(text, strlen(text), c, &d);
	if (err != PT_OK)
		pt_diag_format(&d, shown, sizeof shown);
	return err;
}

static void test_catalog(void)
{
	struct pt_catalog c;
	memset(&c, 0, sizeof c);
	CHECK_INT(read_catalog("id,name,kind,description\n"
			       "energy,Energy,critical_infrastructure,\"Electricity, gas and oil\n"
			       "(CER Directive)\"\n"
			       "stadium_arena,Stadium and arena,soft_target,\n",
			       &c),
		  PT_OK);
	CHECK_INT(c.n, 2);
	if (c.n == 2) {
		CHECK_STR(c.items[0].id, "energy");
		CHECK_STR(c.items[0].name, "Energy");
		CHECK_STR(c.items[0].parent, "critical_infrastructure");
		CHECK_STR(c.items[0].description, "Electricity, gas and oil\n(CER Directive)");
		CHECK_STR(c.items[1].parent, "soft_target");
		CHECK_STR(c.items[1].description, "");
	}
	/* a second file appends; kind and description are optional columns */
	CHECK_INT(read_catalog("name,id\nArson,arson\n", &c), PT_OK);
	CHECK_INT(c.n, 3);
	if (c.n == 3) {
		CHECK_STR(c.items[2].id, "arson");
		CHECK_STR(c.items[2].parent, "");
	}
	/* errors leave c as it was */
	CHECK_INT(read_catalog("id,name,description\na,A,x\nb,B,y\na,A again,z\n", &c), PT_EINVAL);
	CHECK_STR(shown, "sectors.csv:4: id: duplicate id \"a\" (first on line 2)");
	CHECK_INT(c.n, 3);
	CHECK_INT(read_catalog("id,name,description\nbad id,A,x\n", &c), PT_EINVAL);
	CHECK_STR(shown, "sectors.csv:2: id: \"bad id\" is not a valid id (1-63 letters, digits, "
			 "'.', '_' or '-')");
	CHECK_INT(read_catalog("id,name,description\nok,,x\n", &c), PT_EINVAL);
	CHECK_STR(shown, "sectors.csv:2: name: missing value");
	CHECK_INT(read_catalog("id,description\nok,x\n", &c), PT_EINVAL);
	CHECK_STR(shown, "sectors.csv:1: name: required column missing");
	CHECK_INT(read_catalog("id,name,colour\n", &c), PT_EINVAL);
	CHECK_STR(shown, "sectors.csv:1: unknown column \"colour\"; known columns: id, name, kind, "
			 "description");
	CHECK_INT(read_catalog("id,name,kind\nx,X,not a kind\n", &c), PT_EINVAL);
	CHECK_STR(shown, "sectors.csv:2: kind: \"not a kind\" is not a valid id (1-63 letters, "
			 "digits, '.', '_' or '-')");
	CHECK_INT(read_catalog("", &c), PT_EINVAL);
	CHECK_STR(shown, "sectors.csv:1: empty file: the header row is missing");
	CHECK_INT(c.n, 3);
	pt_catalog_clear(&c);
}

static enum pt_err read_settings(const char *text, char ***k, char ***v, size_t *n)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, "settings.csv", sizeof d.file);
	shown[0] = '\0';
	err = pt_settings_read_csv(text, strlen(text), k, v, n, &d);
	if (err != PT_OK)
		pt_diag_format(&d, shown, sizeof shown);
	return err;
}

static void test_settings(void)
{
	char **k = NULL, **v = NULL;
	size_t n = 0;
	CHECK_INT(read_settings("key,value,description\n"
				"quant.vsl_eur,3600000,\"Value of a statistical life, EUR\"\n"
				"fema.band.low_max,60,FEMA 452 low band\n",
				&k, &v, &n),
		  PT_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(k[0], "quant.vsl_eur");
		CHECK_STR(v[0], "3600000");
		CHECK_STR(k[1], "fema.band.low_max");
		CHECK_STR(v[1], "60");
	}
	pt_settings_free(k, v, n);
	CHECK_INT(read_settings("value,key\n1,a\n", &k, &v, &n), PT_OK);
	CHECK_INT(n, 1);
	pt_settings_free(k, v, n);
	CHECK_INT(read_settings("key,value\na,1\nb,2\na,3\n", &k, &v, &n), PT_EINVAL);
	CHECK_STR(shown, "settings.csv:4: key: duplicate key \"a\" (first on line 2)");
	CHECK(k == NULL && v == NULL);
	CHECK_INT(n, 0);
	CHECK_INT(read_settings("key,value\na,\n", &k, &v, &n), PT_EINVAL);
	CHECK_STR(shown, "settings.csv:2: value: missing value");
	CHECK_INT(read_settings("key,value\n\"a b\",1\n", &k, &v, &n), PT_EINVAL);
	CHECK_STR(shown, "settings.csv:2: key: \"a b\" is not a valid id (1-63 letters, digits, "
			 "'.', '_' or '-')");
	CHECK_INT(read_settings("key,description\n", &k, &v, &n), PT_EINVAL);
	CHECK_STR(shown, "settings.csv:1: value: required column missing");
	pt_settings_free(NULL, NULL, 0);
}

int main(void)
{
	add(&threats, "vehicle_ramming");
	add(&threats, "vbied_small");
	add(&threats, "arson");
	RUN(test_fema);
	RUN(test_fema_errors);
	RUN(test_carver);
	RUN(test_quant);
	RUN(test_quant_errors);
	RUN(test_recognition);
	RUN(test_round_trip_fema);
	RUN(test_round_trip_carver);
	RUN(test_round_trip_quant);
	RUN(test_write_in_chunks);
	RUN(test_set_add);
	RUN(test_catalog);
	RUN(test_settings);
	pt_catalog_clear(&threats);
	return TEST_SUMMARY("test_assess_io");
}
