/* test_csv_formulas.c - the guard against spreadsheet formulas through every CSV reader and
 * writer of src/formats: guarded cells read without the guard, written back byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_assess_io.h"
#include "formats/pt_csv.h"
#include "formats/pt_diag.h"
#include "formats/pt_measures_io.h"
#include "formats/pt_sites_io.h"
#include "pt_test.h"

static struct pt_catalogs cat;
static char shown[2048];

static void add(struct pt_catalog *c, const char *id, const char *parent)
{
	struct pt_catalog_entry e;
	memset(&e, 0, sizeof e);
	pt_strlcpy(e.id, id, sizeof e.id);
	pt_strlcpy(e.name, id, sizeof e.name);
	pt_strlcpy(e.parent, parent, sizeof e.parent);
	if (pt_catalog_append(c, &e) != PT_OK)
		abort();
}

static void setup(void)
{
	memset(&cat, 0, sizeof cat);
	add(&cat.kinds, "soft_target", "");
	add(&cat.kinds, "public_space", "");
	add(&cat.sectors, "stadium_arena", "soft_target");
	add(&cat.sectors, "public_square", "public_space");
	add(&cat.threats, "arson", "");
	add(&cat.threats, "pbied", "");
}

static void teardown(void)
{
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
}

static struct pt_diag *diag(const char *file)
{
	static struct pt_diag d;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, file, sizeof d.file);
	shown[0] = '\0';
	return &d;
}

/* Sites: text columns guarded, numbers (a negative longitude and latitude) as they are. */
static const char sites_csv[] =
	"id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,"
	"economic_value_eur,tlp,staff,entrances,perimeter_m,vehicle_approaches,screened_per_day,"
	"control_systems,enclosure,staffed,legal_basis,emergency_department\n"
	"\"'-5\",\"'=HYPERLINK(\"\"http://x.example/\"\",\"\"y\"\")\",soft_target,stadium_arena,"
	"\"'@risk Ltd\",45.5,-3.5,\"'+44 line\",100,50,0,1000,GREEN,,,,,,,,,,\n"
	"F-2,\"'-5 Hall\",public_space,public_square,\"''=Owner\",-45.25,12.5,\"'\tTab region\","
	",10,0,2.5,CLEAR,,,,,,,,,,\n"
	"F-3,'plain,public_space,public_square,O'Neill,1,2,Hall -5,,10,0,2.5,CLEAR,,,,,,,,,,\n";

static void test_sites(void)
{
	struct pt_site_list l;
	char *mem = NULL;
	size_t len = 0;
	FILE *f;
	struct pt_diag *d = diag("sites.csv");
	memset(&l, 0, sizeof l);
	if (pt_sites_read_csv(sites_csv, strlen(sites_csv), &cat, &l, d) != PT_OK)
		pt_diag_format(d, shown, sizeof shown);
	CHECK_STR(shown, "");
	CHECK_INT(l.n, 3);
	if (l.n != 3)
		return;
	CHECK_STR(l.items[0].id, "-5");
	CHECK_STR(l.items[0].name, "=HYPERLINK(\"http://x.example/\",\"y\")");
	CHECK_STR(l.items[0].owner, "@risk Ltd");
	CHECK_STR(l.items[0].region, "+44 line");
	CHECK(l.items[0].lon == -3.5);
	CHECK_STR(l.items[1].name, "-5 Hall");
	CHECK_STR(l.items[1].owner, "'=Owner");
	CHECK_STR(l.items[1].region, "\tTab region");
	CHECK(l.items[1].lat == -45.25);
	CHECK_STR(l.items[2].name, "'plain");
	CHECK_STR(l.items[2].owner, "O'Neill");
	/* written back: the same bytes (guards where they were, numbers bare) */
	f = open_memstream(&mem, &len);
	if (!f) {
		CHECK(0);
		pt_site_list_clear(&l);
		return;
	}
	CHECK_INT(pt_sites_write_csv(f, l.items, l.n), PT_OK);
	fclose(f);
	CHECK_STR(mem, sites_csv);
	free(mem);
	pt_site_list_clear(&l);
}

/* Guards after ; tab and line breaks inside a text (a spreadsheet in a semicolon locale
 * starts a cell there): read without them, written back byte for byte. */
static const char sites_breaks_csv[] =
	"id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,"
	"economic_value_eur,tlp,staff,entrances,perimeter_m,vehicle_approaches,screened_per_day,"
	"control_systems,enclosure,staffed,legal_basis,emergency_department\n"
	"S-1,Hall;'=1+1;,public_space,public_square,\"Owner\n'@x\",1.5,-2,R;'-1\t'+2,,10,0,2.5,"
	"CLEAR,,,,,,,,,,\n"
	"S-2,a;b;;c,public_space,public_square,x;''=kept;' =y,1,2,\"'=;'\"\"-\",,10,0,2.5,CLEAR,,,,,,,,,,\n";

static void test_sites_cell_breaks(void)
{
	struct pt_site_list l;
	char *mem = NULL;
	size_t len = 0;
	FILE *f;
	struct pt_diag *d = diag("sites.csv");
	memset(&l, 0, sizeof l);
	if (pt_sites_read_csv(sites_breaks_csv, strlen(sites_breaks_csv), &cat, &l, d) != PT_OK)
		pt_diag_format(d, shown, sizeof shown);
	CHECK_STR(shown, "");
	CHECK_INT(l.n, 2);
	if (l.n != 2)
		return;
	CHECK_STR(l.items[0].name, "Hall;=1+1;");
	CHECK_STR(l.items[0].owner, "Owner\n@x");
	CHECK_STR(l.items[0].region, "R;-1\t+2");
	CHECK(l.items[0].lon == -2);
	CHECK_STR(l.items[1].name, "a;b;;c");
	CHECK_STR(l.items[1].owner, "x;'=kept;' =y");
	CHECK_STR(l.items[1].region, "=;\"-");
	f = open_memstream(&mem, &len);
	if (!f) {
		CHECK(0);
		pt_site_list_clear(&l);
		return;
	}
	CHECK_INT(pt_sites_write_csv(f, l.items, l.n), PT_OK);
	fclose(f);
	CHECK_STR(mem, sites_breaks_csv);
	free(mem);
	pt_site_list_clear(&l);
}

/* A text that merely looks like a number is text: a site named "-5" is guarded. */
static void test_site_named_like_a_number(void)
{
	struct pt_site s;
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	memset(&s, 0, sizeof s);
	pt_strlcpy(s.id, "S1", sizeof s.id);
	pt_strlcpy(s.name, "-5", sizeof s.name);
	pt_strlcpy(s.kind, "public_space", sizeof s.kind);
	pt_strlcpy(s.sector, "public_square", sizeof s.sector);
	pt_strlcpy(s.owner, "Owner", sizeof s.owner);
	pt_strlcpy(s.region, "R", sizeof s.region);
	s.lat = -5;
	s.lon = -3.5;
	s.capacity = -1;
	s.economic_value_eur = -0.0;
	if (!f) {
		CHECK(0);
		return;
	}
	CHECK_INT(pt_sites_write_csv_rows(f, &s, 1, 0), PT_OK);
	fclose(f);
	CHECK_STR(mem, "S1,\"'-5\",public_space,public_square,Owner,-5,-3.5,R,,0,0,0,CLEAR,,,,,,,,,,\n");
	free(mem);
}

static const char measures_csv[] =
	"id,name,family,capex_eur,opex_eur_year,lifetime_years,privacy,movement,discrimination,"
	"legal_basis,removes_step_free,kinds,sectors,exclusive_group,description,cost_driver,"
	"unit_capex_eur,unit_opex_eur_year,needs,safeguards\n"
	"\"'-m\",\"'=SUM(1,2)\",awareness_training,5000,200,10,0,0,0,none,0,*,*,\"'-grp\","
	"\"'@description +1\",size,0,0,,\n"
	"plain,\"'+44 hotline\",prevent,1.5,0,1,1,0,0,none,0,*,*,,\"'\tTabbed\nand \"\"quoted\"\"\","
	"size,0,0,,\n";
static const char effects_csv[] =
	"measure_id,threat_id,v_reduction,c_reduction\n"
	"\"'-m\",arson,0.1,0\n"
	"plain,pbied,0.25,0.5\n";

static void test_measures(void)
{
	struct pt_measure_catalog c;
	char *m = NULL, *e = NULL;
	size_t mlen = 0, elen = 0;
	FILE *f;
	struct pt_diag *d = diag("measures.csv");
	memset(&c, 0, sizeof c);
	if (pt_measures_read_csv(measures_csv, strlen(measures_csv), &cat, &c, d) != PT_OK ||
	    pt_measure_effects_read_csv(effects_csv, strlen(effects_csv), &cat.threats, NULL, &c,
					d) != PT_OK)
		pt_diag_format(d, shown, sizeof shown);
	CHECK_STR(shown, "");
	CHECK_INT(c.n, 2);
	CHECK_INT(c.n_effects, 2);
	if (c.n != 2 || c.n_effects != 2) {
		pt_measure_catalog_clear(&c);
		return;
	}
	CHECK_STR(c.items[0].id, "-m");
	CHECK_STR(c.items[0].name, "=SUM(1,2)");
	CHECK_STR(c.items[0].exclusive_group, "-grp");
	CHECK_STR(c.items[0].description, "@description +1");
	CHECK_STR(c.items[1].name, "+44 hotline");
	CHECK_STR(c.items[1].description, "\tTabbed\nand \"quoted\"");
	CHECK_STR(c.effects[0].measure_id, "-m");
	f = open_memstream(&m, &mlen);
	if (f) {
		CHECK_INT(pt_measures_write_csv(f, &c), PT_OK);
		fclose(f);
		CHECK_STR(m, measures_csv);
	}
	f = open_memstream(&e, &elen);
	if (f) {
		CHECK_INT(pt_measure_effects_write_csv(f, &c), PT_OK);
		fclose(f);
		CHECK_STR(e, effects_csv);
	}
	free(m);
	free(e);
	pt_measure_catalog_clear(&c);
}

static void test_site_measures(void)
{
	static const char text[] = "site_id,measure_id\n\"'-5\",\"'-m\"\n'-6,-m\n-7,'x\n";
	struct pt_site_measure_list l;
	struct pt_diag *d = diag("site_measures.csv");
	memset(&l, 0, sizeof l);
	if (pt_site_measures_read_csv(text, strlen(text), &l, d) != PT_OK)
		pt_diag_format(d, shown, sizeof shown);
	/* 'x is not guarded and stays an invalid id */
	CHECK_STR(shown, "site_measures.csv:4: measure_id: \"'x\" is not a valid id (1-63 letters, "
			 "digits, '.', '_' or '-')");
	d = diag("site_measures.csv");
	if (pt_site_measures_read_csv(text, strlen(text) - strlen("-7,'x\n"), &l, d) != PT_OK)
		pt_diag_format(d, shown, sizeof shown);
	CHECK_STR(shown, "");
	CHECK_INT(l.n, 2);
	if (l.n == 2) {
		CHECK_STR(l.items[0].site_id, "-5");
		CHECK_STR(l.items[0].measure_id, "-m");
		CHECK_STR(l.items[1].site_id, "-6");
		CHECK_STR(l.items[1].measure_id, "-m");
	}
	pt_site_measure_list_clear(&l);
}

static void round_trip_assessments(const char *text)
{
	struct pt_assessment_set s;
	char *mem = NULL;
	size_t len = 0;
	FILE *f;
	struct pt_diag *d = diag("assessments.csv");
	memset(&s, 0, sizeof s);
	if (pt_assessments_read_csv(text, strlen(text), &cat.threats, &s, d) != PT_OK)
		pt_diag_format(d, shown, sizeof shown);
	CHECK_STR(shown, "");
	CHECK_INT(s.n, 2);
	f = open_memstream(&mem, &len);
	if (f) {
		CHECK_INT(pt_assessments_write_csv(f, &s), PT_OK);
		fclose(f);
		CHECK_STR(mem, text);
	}
	if (s.n == 2 && s.method == PT_METHOD_FEMA)
		CHECK_STR(s.fema[0].site_id, "-5");
	if (s.n == 2 && s.method == PT_METHOD_CARVER)
		CHECK_STR(s.carver[1].site_id, "-6");
	free(mem);
	pt_assessment_set_clear(&s);
}

static void test_assessments(void)
{
	round_trip_assessments("site_id,threat_id,asset_value,threat_rating,vulnerability_rating\n"
			       "\"'-5\",arson,8,3,3\n"
			       "S-1,pbied,1,10,2\n");
	round_trip_assessments("site_id,criticality,accessibility,recuperability,vulnerability,"
			       "effect,recognizability,shock\n"
			       "S-1,1,2,3,4,5,6,7\n"
			       "\"'-6\",10,9,8,7,6,5,4\n");
}

int main(void)
{
	setup();
	RUN(test_sites);
	RUN(test_sites_cell_breaks);
	RUN(test_site_named_like_a_number);
	RUN(test_measures);
	RUN(test_site_measures);
	RUN(test_assessments);
	teardown();
	return TEST_SUMMARY("test_csv_formulas");
}
