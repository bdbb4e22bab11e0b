/* test_sites_io.c - unit tests of src/formats/pt_sites_io.c: the sites CSV
 * and GeoJSON readers (every check, the exact message), the writers and round trips. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_marking.h"
#include "formats/pt_csv.h"
#include "formats/pt_diag.h"
#include "formats/pt_sites_io.h"
#include "pt_test.h"

static struct pt_catalogs cat;
static char warnings[4096];

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
	add(&cat.kinds, "critical_infrastructure", "");
	add(&cat.kinds, "soft_target", "");
	add(&cat.kinds, "public_space", "");
	add(&cat.sectors, "energy", "critical_infrastructure");
	add(&cat.sectors, "health", "critical_infrastructure");
	add(&cat.sectors, "stadium_arena", "soft_target");
	add(&cat.sectors, "public_square", "public_space");
	add(&cat.threats, "vehicle_ramming", "");
}

static void teardown(void)
{
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
}

static void collect_warning(void *ctx, const char *file, long line, const char *field,
			    const char *msg)
{
	size_t used = strlen(warnings);
	(void)ctx;
	snprintf(warnings + used, sizeof warnings - used, "%s:%ld: %s: %s\n", file, line, field,
		 msg);
}

/* The user's view of the last error: "FILE:LINE: field: msg". */
static char shown[2048];

static enum pt_err read_csv(const char *text, struct pt_site_list *l)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, "sites.csv", sizeof d.file);
	d.warn_cb = collect_warning;
	warnings[0] = '\0';
	shown[0] = '\0';
	err = pt_sites_read_csv(text, strlen(text), &cat, l, &d);
	if (err != PT_OK)
		pt_diag_format(&d, shown, sizeof shown);
	return err;
}

static enum pt_err read_geojson(const char *text, struct pt_site_list *l)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, "sites.geojson", sizeof d.file);
	d.warn_cb = collect_warning;
	warnings[0] = '\0';
	shown[0] = '\0';
	err = pt_sites_read_geojson(text, strlen(text), &cat, l, &d);
	if (err != PT_OK)
		pt_diag_format(&d, shown, sizeof shown);
	return err;
}

#define HEADER                                                                             \
	"id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_"   \
	"served,economic_value_eur,tlp\n"
/* What the writers write: the columns of issue 11 (fit) too. */
#define HEADER_ALL                                                                         \
	"id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_"   \
	"served,economic_value_eur,tlp,staff,entrances,perimeter_m,vehicle_approaches,"  \
	"screened_per_day,control_systems,enclosure,staffed,legal_basis\n"
/* What the writers write since issue 16 (item 2): HEADER_ALL and emergency_department (a file
 * with HEADER_ALL still reads: the column is optional). */
#define HEADER_WRITTEN                                                                     \
	"id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_"   \
	"served,economic_value_eur,tlp,staff,entrances,perimeter_m,vehicle_approaches,"  \
	"screened_per_day,control_systems,enclosure,staffed,legal_basis,"                 \
	"emergency_department\n"

static const char *const good[PT_SITE_COLUMNS] = {
	"H-001",  "Saint Aurel Hospital", "critical_infrastructure", "health",
	"Valmora Health Trust", "48.2", "16.37", "Valmora North", "1200", "900", "250000",
	"350000000", "AMBER"};

/*
 * A file: the header, two good rows (ids G-1, G-2) and a third row that is
 * good except column col set to value (col < 0: all good).
 */
static char file_buf[1 << 15];
static const char *file_with(int col, const char *value)
{
	size_t used, r;
	int c;
	used = (size_t)snprintf(file_buf, sizeof file_buf, "%s", HEADER);
	for (r = 0; r < 3; r++) {
		for (c = 0; c < PT_SITE_COLUMNS; c++) {
			const char *v = good[c];
			char id[16];
			if (c == 0) {
				snprintf(id, sizeof id, "G-%zu", r + 1);
				v = id;
			}
			if (r == 2 && c == col)
				v = value;
			used += (size_t)snprintf(file_buf + used, sizeof file_buf - used, "%s%s",
						 c ? "," : "", v);
		}
		used += (size_t)snprintf(file_buf + used, sizeof file_buf - used, "\n");
	}
	return file_buf;
}

/* Expect the file with column col set to value to fail with the message msg on line 4. */
static void expect_bad(int col, const char *value, const char *msg)
{
	struct pt_site_list l;
	char want[1400];
	memset(&l, 0, sizeof l);
	CHECK_INT(read_csv(file_with(col, value), &l), PT_EINVAL);
	snprintf(want, sizeof want, "sites.csv:4: %s", msg);
	CHECK_STR(shown, want);
	CHECK_INT(l.n, 0);
	CHECK(l.items == NULL);
}

static void test_csv_good(void)
{
	struct pt_site_list l;
	const struct pt_site *s;
	const char *text =
		"\xEF\xBB\xBFtlp,id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,"
		"population_served,economic_value_eur\r\n"
		"RED,H-001,\"Saint Aurel Hospital, \"\"East\"\" Wing\",critical_infrastructure,"
		"health,Valmora Health Trust,48.2,-16.375,Valmora North,1200,900,250000,"
		"350000000.5\r\n"
		"\r\n"
		"CLEAR,SQ.7,Old Town Square,public_space,public_square,City of Valmora,48.25,16.4,"
		"Valmora Centre,,15000,0,0\r\n";
	memset(&l, 0, sizeof l);
	CHECK_INT(read_csv(text, &l), PT_OK);
	CHECK_INT(l.n, 2);
	if (l.n != 2)
		return;
	s = &l.items[0];
	CHECK_STR(s->id, "H-001");
	CHECK_STR(s->name, "Saint Aurel Hospital, \"East\" Wing");
	CHECK_STR(s->kind, "critical_infrastructure");
	CHECK_STR(s->sector, "health");
	CHECK_STR(s->owner, "Valmora Health Trust");
	CHECK_NEAR(s->lat, 48.2, 0);
	CHECK_NEAR(s->lon, -16.375, 0);
	CHECK_STR(s->region, "Valmora North");
	CHECK_INT(s->capacity, 1200);
	CHECK_INT(s->peak_occupancy, 900);
	CHECK_INT(s->population_served, 250000);
	CHECK_NEAR(s->economic_value_eur, 350000000.5, 0);
	CHECK_INT(s->tlp, PT_TLP_RED);
	CHECK_INT(l.lines[0], 2);
	s = &l.items[1];
	CHECK_STR(s->id, "SQ.7");
	CHECK_INT(s->capacity, -1); /* empty: a public square */
	CHECK_INT(s->tlp, PT_TLP_CLEAR);
	CHECK_INT(l.lines[1], 4);
	CHECK_STR(warnings, "");
	pt_site_list_clear(&l);
	CHECK(l.items == NULL);
	/* a header alone is an empty, valid file */
	CHECK_INT(read_csv(HEADER, &l), PT_OK);
	CHECK_INT(l.n, 0);
	pt_site_list_clear(&l);
	/* TLP:-prefixed labels are accepted */
	CHECK_INT(read_csv(file_with(PT_SITE_COLUMNS - 1, "TLP:AMBER+STRICT"), &l), PT_OK);
	CHECK_INT(l.n, 3);
	if (l.n == 3)
		CHECK_INT(l.items[2].tlp, PT_TLP_AMBER_STRICT);
	pt_site_list_clear(&l);
}

static void test_csv_header_errors(void)
{
	struct pt_site_list l;
	memset(&l, 0, sizeof l);
	CHECK_INT(read_csv("", &l), PT_EINVAL);
	CHECK_STR(shown, "sites.csv:1: empty file: the header row is missing");
	CHECK_INT(read_csv("id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,"
			   "population_served,economic_value_eur,tlp,colour\n",
			   &l),
		  PT_EINVAL);
	CHECK_STR(shown, "sites.csv:1: unknown column \"colour\"; known columns: id, name, kind, "
			 "sector, owner, lat, lon, region, capacity, peak_occupancy, "
			 "population_served, economic_value_eur, tlp, staff, entrances, perimeter_m, "
			 "vehicle_approaches, screened_per_day, control_systems, enclosure, staffed, "
			 "legal_basis, emergency_department");
	CHECK_INT(read_csv("id,name,kind,sector,owner,lat,region,capacity,peak_occupancy,"
			   "population_served,economic_value_eur,tlp\n",
			   &l),
		  PT_EINVAL);
	CHECK_STR(shown, "sites.csv:1: lon: required column missing");
	CHECK_INT(read_csv("id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,"
			   "population_served,economic_value_eur,tlp,lat\n",
			   &l),
		  PT_EINVAL);
	CHECK_STR(shown, "sites.csv:1: lat: duplicate column (columns 6 and 14)");
	/* the capacity column is required even though its values may be empty */
	CHECK_INT(read_csv("id,name,kind,sector,owner,lat,lon,region,peak_occupancy,"
			   "population_served,economic_value_eur,tlp\n",
			   &l),
		  PT_EINVAL);
	CHECK_STR(shown, "sites.csv:1: capacity: required column missing");
	CHECK_INT(l.n, 0);
}

static void test_csv_row_shape(void)
{
	struct pt_site_list l;
	char text[2048];
	memset(&l, 0, sizeof l);
	snprintf(text, sizeof text, "%s%s", file_with(-1, ""), "X-1,only,three\n");
	CHECK_INT(read_csv(text, &l), PT_EINVAL);
	CHECK_STR(shown, "sites.csv:5: the row has 3 fields; the header has 13");
	CHECK_INT(l.n, 0);
	snprintf(text, sizeof text, "%s%s", file_with(-1, ""),
		 "X-1,n,soft_target,health,o,1,2,r,3,2,1,0,GREEN,extra\n");
	CHECK_INT(read_csv(text, &l), PT_EINVAL);
	CHECK_STR(shown, "sites.csv:5: the row has 14 fields; the header has 13");
}

static void test_csv_field_errors(void)
{
	char long_name[300], long_region[200], long_id[80];
	memset(long_name, 'n', 256);
	long_name[256] = '\0';
	memset(long_region, 'r', 128);
	long_region[128] = '\0';
	memset(long_id, 'i', 64);
	long_id[64] = '\0';

	expect_bad(0, "", "id: missing value");
	expect_bad(0, "H 01", "id: \"H 01\" is not a valid id (1-63 letters, digits, '.', '_' or "
			      "'-')");
	expect_bad(0, long_id, "id: too long (64 bytes; at most 63)");
	expect_bad(1, "", "name: missing value");
	expect_bad(1, long_name, "name: too long (256 bytes; at most 255)");
	expect_bad(1, "\"bell\a\"", "name: contains a control character (0x07)");
	expect_bad(2, "\"soft_target\n\"", "kind: contains a control character (0x0A); this field "
					     "is one line of text");
	expect_bad(2, "stadium", "kind: unknown kind \"stadium\"; valid: critical_infrastructure, "
				 "soft_target, public_space");
	expect_bad(2, "", "kind: missing value");
	expect_bad(3, "mall", "sector: unknown sector \"mall\"; valid: energy, health, "
			      "stadium_arena, public_square");
	expect_bad(4, "", "owner: missing value");
	expect_bad(5, "91.5", "lat: 91.5 is out of range -90 to 90");
	expect_bad(5, "-90.0001", "lat: -90.0001 is out of range -90 to 90");
	expect_bad(5, "12abc", "lat: \"12abc\" is not a number");
	expect_bad(5, "nan", "lat: \"nan\" is not a number");
	expect_bad(5, "inf", "lat: \"inf\" is not a number");
	expect_bad(5, "", "lat: missing value (a number is required)");
	expect_bad(5, "\"48,2\"", "lat: \"48,2\" is not a number");
	expect_bad(6, "180.5", "lon: 180.5 is out of range -180 to 180");
	expect_bad(6, "1e999", "lon: \"1e999\" is too large");
	expect_bad(7, "", "region: missing value");
	expect_bad(7, long_region, "region: too long (128 bytes; at most 127)");
	expect_bad(8, "-5", "capacity: -5 is negative; it must be 0 or more, or empty when unknown");
	expect_bad(8, "-1", "capacity: -1 is negative; it must be 0 or more, or empty when unknown");
	expect_bad(8, "1.5", "capacity: \"1.5\" is not a whole number");
	expect_bad(9, "", "peak_occupancy: missing value (a whole number is required)");
	expect_bad(9, "-3", "peak_occupancy: -3 is negative; it must be 0 or more");
	expect_bad(9, "12abc", "peak_occupancy: \"12abc\" is not a number");
	expect_bad(10, "1e3", "population_served: \"1e3\" is not a whole number");
	expect_bad(11, "-0.5", "economic_value_eur: -0.5 is negative; it must be 0 or more");
	expect_bad(11, "inf", "economic_value_eur: \"inf\" is not a number");
	expect_bad(12, "amber", "tlp: unknown label \"amber\"; valid: CLEAR, GREEN, AMBER, "
				"AMBER+STRICT, RED");
	expect_bad(12, "WHITE", "tlp: unknown label \"WHITE\"; valid: CLEAR, GREEN, AMBER, "
				"AMBER+STRICT, RED");
	expect_bad(12, "", "tlp: missing value");
	/* invalid UTF-8 is named by the column it is in */
	expect_bad(1, "Caf\xE9 Central", "name: invalid UTF-8 (byte 0xE9: an incomplete multi-byte "
					 "character); save the file as UTF-8");
}

static void test_csv_lines_after_multiline_field(void)
{
	struct pt_site_list l;
	const char *text = HEADER
		"A-1,\"Hall\",soft_target,stadium_arena,\"Owner\nwith a second line\",1,2,r,10,5,"
		"0,0,GREEN\n"
		"\n"
		"A-2,\"Hall\r\nEast\",soft_target,stadium_arena,o,91.5,2,r,10,5,0,0,GREEN\n";
	memset(&l, 0, sizeof l);
	/* names and owners may span lines; the next record's error names its own line */
	CHECK_INT(read_csv(text, &l), PT_EINVAL);
	CHECK_STR(shown, "sites.csv:5: lat: 91.5 is out of range -90 to 90");
	text = HEADER "A-1,\"Hall\",soft_target,stadium_arena,\"O\",1,2,\"r\",10,5,0,0,GREEN\n"
		      "\"A-2\"\r\n"
		      ",Hall,soft_target,stadium_arena,o,91.5,2,r,10,5,0,0,GREEN\n";
	CHECK_INT(read_csv(text, &l), PT_EINVAL);
	/* "A-2"CRLF ends a record of one field on line 3 */
	CHECK_STR(shown, "sites.csv:3: the row has 1 fields; the header has 13");
	text = HEADER "A-1,\"Hall\",soft_target,stadium_arena,\"O\",1,2,\"r\",10,5,0,0,GREEN\n"
		      "\"A\n2\",Hall,soft_target,stadium_arena,o,91.5,2,r,10,5,0,0,GREEN\n"
		      "A-3,Hall,soft_target,stadium_arena,o,95,2,r,10,5,0,0,GREEN\n";
	CHECK_INT(read_csv(text, &l), PT_EINVAL);
	/* the id with a line break is invalid: named at line 3 where the record starts */
	CHECK_STR(shown, "sites.csv:3: id: \"A\\x0A2\" is not a valid id (1-63 letters, digits, "
			 "'.', '_' or '-')");
	CHECK_INT(l.n, 0);
	/* a good file with a two-line name keeps the line break and the lines of the rows */
	text = HEADER "A-1,\"Saint Ivo\r\nChapel, Old Town\",soft_target,stadium_arena,o,1,2,r,"
		      "10,5,0,0,GREEN\r\n"
		      "A-2,Hall,soft_target,stadium_arena,o,1,2,r,10,5,0,0,GREEN\r\n";
	CHECK_INT(read_csv(text, &l), PT_OK);
	CHECK_INT(l.n, 2);
	if (l.n == 2) {
		CHECK_STR(l.items[0].name, "Saint Ivo\r\nChapel, Old Town");
		CHECK_INT(l.lines[0], 2);
		CHECK_INT(l.lines[1], 4);
	}
	pt_site_list_clear(&l);
}

static void test_csv_physical_line_numbers(void)
{
	struct pt_site_list l;
	/* quoted fields spanning lines push the following records' line numbers */
	const char *text =
		"id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,"
		"economic_value_eur,tlp\n"
		"A-1,Hall,soft_target,stadium_arena,o,1,2,r,10,5,0,\"1\",\"GR\"\"\"\"EEN\"\n";
	memset(&l, 0, sizeof l);
	CHECK_INT(read_csv(text, &l), PT_EINVAL);
	CHECK_STR(shown, "sites.csv:2: tlp: unknown label \"GR\\\"\\\"EEN\"; valid: CLEAR, GREEN, "
			 "AMBER, AMBER+STRICT, RED");
	text = HEADER "\n\n\n"
		      "A-1,Hall,soft_target,stadium_arena,o,1,2,r,10,5,0,0,GREEN\n"
		      "A-2,Hall,soft_target,stadium_arena,o,1,200,r,10,5,0,0,GREEN\n";
	CHECK_INT(read_csv(text, &l), PT_EINVAL);
	CHECK_STR(shown, "sites.csv:6: lon: 200 is out of range -180 to 180");
}

static void test_csv_duplicate_id(void)
{
	struct pt_site_list l;
	const char *text = HEADER "A-1,Hall,soft_target,stadium_arena,o,1,2,r,10,5,0,0,GREEN\n"
				  "A-2,Hall,soft_target,stadium_arena,o,1,2,r,10,5,0,0,GREEN\n"
				  "\n"
				  "A-1,Hall,soft_target,stadium_arena,o,1,2,r,10,5,0,0,GREEN\n";
	memset(&l, 0, sizeof l);
	CHECK_INT(read_csv(text, &l), PT_EINVAL);
	CHECK_STR(shown, "sites.csv:5: id: duplicate id \"A-1\" (first on line 2)");
	CHECK_INT(l.n, 0);
}

static void test_csv_warning(void)
{
	struct pt_site_list l;
	const char *text = HEADER "A-1,Hall,soft_target,stadium_arena,o,1,2,r,3000,5000,0,0,GREEN\n"
				  "A-2,Sq,public_space,public_square,o,1,2,r,,5000,0,0,GREEN\n"
				  "A-3,Hall,soft_target,stadium_arena,o,1,2,r,3000,3000,0,0,GREEN\n";
	memset(&l, 0, sizeof l);
	CHECK_INT(read_csv(text, &l), PT_OK);
	CHECK_INT(l.n, 3);
	CHECK_STR(warnings, "sites.csv:2: peak_occupancy: 5000 is above the capacity 3000\n");
	pt_site_list_clear(&l);
}

static void test_csv_all_or_nothing(void)
{
	struct pt_site_list l;
	struct pt_site s;
	memset(&l, 0, sizeof l);
	memset(&s, 0, sizeof s);
	/* a list holding sites before the call is emptied; an error leaves it empty */
	CHECK_INT(pt_site_list_append(&l, &s, 1), PT_OK);
	CHECK_INT(read_csv(file_with(5, "100"), &l), PT_EINVAL);
	CHECK_INT(l.n, 0);
	CHECK(l.items == NULL && l.lines == NULL);
	CHECK_INT(read_csv(file_with(-1, ""), &l), PT_OK);
	CHECK_INT(l.n, 3);
	pt_site_list_clear(&l);
}

static void test_csv_bad_bytes(void)
{
	struct pt_site_list l;
	char text[1024];
	size_t n;
	memset(&l, 0, sizeof l);
	n = (size_t)snprintf(text, sizeof text, "%s", file_with(-1, ""));
	text[n - 5] = '\0'; /* a NUL inside the last row's tlp */
	CHECK_INT(pt_sites_read_csv(text, n, &cat, &l, NULL), PT_EINVAL); /* d may be NULL */
	{
		struct pt_diag d;
		memset(&d, 0, sizeof d);
		pt_strlcpy(d.file, "sites.csv", sizeof d.file);
		CHECK_INT(pt_sites_read_csv(text, n, &cat, &l, &d), PT_EINVAL);
		pt_diag_format(&d, shown, sizeof shown);
		CHECK_STR(shown, "sites.csv:4: tlp: NUL byte in the data (is this a binary or UTF-16 "
				 "file?)");
	}
	CHECK_INT(l.n, 0);
}

/* ---- GeoJSON ---- */

#define FEATURE(id_member, coords, props)                                                  \
	"{\"type\":\"Feature\"," id_member "\"geometry\":{\"type\":\"Point\",\"coordinates\":" \
	coords "},\"properties\":{" props "}}"

#define PROPS_REST                                                                         \
	"\"name\":\"Saint Aurel Hospital\",\"kind\":\"critical_infrastructure\","          \
	"\"sector\":\"health\",\"owner\":\"Valmora Health Trust\",\"region\":\"Valmora "   \
	"North\",\"capacity\":1200,\"peak_occupancy\":900,\"population_served\":250000,"   \
	"\"economic_value_eur\":350000000,\"tlp\":\"AMBER\""

static void test_geojson_good(void)
{
	struct pt_site_list l;
	const char *text =
		"\xEF\xBB\xBF{\"type\":\"FeatureCollection\",\"name\":\"Valmora\",\"features\":["
		FEATURE("", "[16.37,48.2]", "\"id\":\"H-001\"," PROPS_REST) ","
		FEATURE("\"id\":42,", "[16.4,48.25,180.0]",
			"\"name\":\"Old Town Square\",\"kind\":\"public_space\","
			"\"sector\":\"public_square\",\"owner\":\"City of Valmora\","
			"\"lat\":48.25,\"region\":\"Valmora Centre\",\"capacity\":null,"
			"\"peak_occupancy\":15000.0,\"population_served\":0,"
			"\"economic_value_eur\":0.5,\"tlp\":\"CLEAR\"") ","
		FEATURE("\"id\":\"X-9\",", "[0,0]",
			"\"id\":\"X-9\",\"name\":\"Substation 9\",\"kind\":\"critical_infrastructure\","
			"\"sector\":\"energy\",\"owner\":\"Valmora Grid\",\"region\":\"r\","
			"\"peak_occupancy\":3,\"population_served\":90000,"
			"\"economic_value_eur\":1e7,\"tlp\":\"RED\"") "]}";
	memset(&l, 0, sizeof l);
	CHECK_INT(read_geojson(text, &l), PT_OK);
	CHECK_INT(l.n, 3);
	if (l.n != 3) {
		fprintf(stderr, "%s\n", shown);
		return;
	}
	CHECK_STR(l.items[0].id, "H-001");
	CHECK_NEAR(l.items[0].lat, 48.2, 0);
	CHECK_NEAR(l.items[0].lon, 16.37, 0);
	CHECK_INT(l.items[0].capacity, 1200);
	CHECK_INT(l.items[0].tlp, PT_TLP_AMBER);
	CHECK_NEAR(l.items[0].economic_value_eur, 350000000, 0);
	CHECK_STR(l.items[1].id, "42"); /* a numeric feature id */
	CHECK_INT(l.items[1].capacity, -1);
	CHECK_INT(l.items[1].peak_occupancy, 15000);
	CHECK_NEAR(l.items[1].economic_value_eur, 0.5, 0);
	CHECK_INT(l.items[2].capacity, -1); /* absent */
	CHECK_INT(l.lines[2], 3);
	pt_site_list_clear(&l);
}

/* One feature with members/props; expect the user to see msg. */
static void expect_geo(const char *feature, const char *msg)
{
	struct pt_site_list l;
	char text[4096];
	memset(&l, 0, sizeof l);
	snprintf(text, sizeof text,
		 "{\"type\":\"FeatureCollection\",\"features\":[%s,\n%s]}",
		 FEATURE("\"id\":\"OK-1\",", "[1,2]", PROPS_REST), feature);
	CHECK_INT(read_geojson(text, &l), PT_EINVAL);
	CHECK_STR(shown, msg);
	CHECK_INT(l.n, 0);
}

static void test_geojson_errors(void)
{
	struct pt_site_list l;
	memset(&l, 0, sizeof l);
	expect_geo(FEATURE("\"id\":\"A\",", "[16.37,91.5]", PROPS_REST),
		   "sites.geojson:2: lat: 91.5 is out of range -90 to 90 (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[-180.5,1]", PROPS_REST),
		   "sites.geojson:2: lon: -180.5 is out of range -180 to 180 (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1]", PROPS_REST),
		   "sites.geojson:2: coordinates: must be [longitude, latitude] in degrees "
		   "(features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[\"1\",2]", PROPS_REST),
		   "sites.geojson:2: coordinates: must be [longitude, latitude] in degrees "
		   "(features[1])");
	expect_geo("{\"type\":\"Feature\",\"id\":\"A\",\"geometry\":{\"type\":\"Polygon\","
		   "\"coordinates\":[]},\"properties\":{" PROPS_REST "}}",
		   "sites.geojson:2: geometry: must be a Point, not \"Polygon\" (features[1])");
	expect_geo("{\"type\":\"Feature\",\"id\":\"A\",\"geometry\":null,\"properties\":{" PROPS_REST
		   "}}",
		   "sites.geojson:2: geometry: missing; a site needs a Point geometry (features[1])");
	expect_geo("{\"type\":\"Thing\"}",
		   "sites.geojson:2: type: a feature's type must be \"Feature\" (features[1])");
	expect_geo("[]", "sites.geojson:2: a feature must be a JSON object (features[1])");
	expect_geo(FEATURE("", "[1,2]", PROPS_REST),
		   "sites.geojson:2: id: missing property (or a feature id) (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1,2]", "\"id\":\"B\"," PROPS_REST),
		   "sites.geojson:2: id: properties.id differs from the feature id (features[1])");
	expect_geo(FEATURE("\"id\":\"A B\",", "[1,2]", PROPS_REST),
		   "sites.geojson:2: id: \"A B\" is not a valid id (1-63 letters, digits, '.', '_' "
		   "or '-') (features[1])");
	expect_geo(FEATURE("\"id\":\"OK-1\",", "[1,2]", PROPS_REST),
		   "sites.geojson:2: id: duplicate id \"OK-1\" (features[0] and features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1,2]", "\"colour\":\"red\"," PROPS_REST),
		   "sites.geojson:2: properties: unknown property \"colour\"; known properties: id, "
		   "name, kind, sector, owner, lat, lon, region, capacity, peak_occupancy, "
		   "population_served, economic_value_eur, tlp, staff, entrances, perimeter_m, "
		   "vehicle_approaches, screened_per_day, control_systems, enclosure, staffed, "
		   "legal_basis, emergency_department (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1,2]",
			   "\"kind\":\"soft_target\",\"sector\":\"health\",\"owner\":\"o\","
			   "\"region\":\"r\",\"peak_occupancy\":1,\"population_served\":1,"
			   "\"economic_value_eur\":1,\"tlp\":\"GREEN\""),
		   "sites.geojson:2: name: missing property (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1,2]",
			   "\"name\":7,\"kind\":\"soft_target\",\"sector\":\"health\",\"owner\":\"o\","
			   "\"region\":\"r\",\"peak_occupancy\":1,\"population_served\":1,"
			   "\"economic_value_eur\":1,\"tlp\":\"GREEN\""),
		   "sites.geojson:2: name: must be a string (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1,2]",
			   "\"name\":\"n\",\"kind\":\"stadium\",\"sector\":\"health\",\"owner\":\"o\","
			   "\"region\":\"r\",\"peak_occupancy\":1,\"population_served\":1,"
			   "\"economic_value_eur\":1,\"tlp\":\"GREEN\""),
		   "sites.geojson:2: kind: unknown kind \"stadium\"; valid: critical_infrastructure, "
		   "soft_target, public_space (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1,2]",
			   "\"name\":\"n\",\"kind\":\"soft_target\",\"sector\":\"health\",\"owner\":"
			   "\"o\",\"region\":\"r\",\"peak_occupancy\":\"12\",\"population_served\":1,"
			   "\"economic_value_eur\":1,\"tlp\":\"GREEN\""),
		   "sites.geojson:2: peak_occupancy: must be a whole number (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1,2]",
			   "\"name\":\"n\",\"kind\":\"soft_target\",\"sector\":\"health\",\"owner\":"
			   "\"o\",\"region\":\"r\",\"peak_occupancy\":1.5,\"population_served\":1,"
			   "\"economic_value_eur\":1,\"tlp\":\"GREEN\""),
		   "sites.geojson:2: peak_occupancy: 1.5 is not a whole number (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1,2]",
			   "\"name\":\"n\",\"kind\":\"soft_target\",\"sector\":\"health\",\"owner\":"
			   "\"o\",\"region\":\"r\",\"capacity\":-4,\"peak_occupancy\":1,"
			   "\"population_served\":1,\"economic_value_eur\":1,\"tlp\":\"GREEN\""),
		   "sites.geojson:2: capacity: -4 is negative; it must be 0 or more, or null when "
		   "unknown (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1,2]",
			   "\"name\":\"n\",\"kind\":\"soft_target\",\"sector\":\"health\",\"owner\":"
			   "\"o\",\"region\":\"r\",\"peak_occupancy\":1,\"population_served\":1,"
			   "\"economic_value_eur\":\"1\",\"tlp\":\"GREEN\""),
		   "sites.geojson:2: economic_value_eur: must be a number (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1,2]",
			   "\"name\":\"n\",\"kind\":\"soft_target\",\"sector\":\"health\",\"owner\":"
			   "\"o\",\"region\":\"r\",\"peak_occupancy\":1,\"population_served\":1,"
			   "\"economic_value_eur\":1,\"tlp\":\"amber\""),
		   "sites.geojson:2: tlp: unknown label \"amber\"; valid: CLEAR, GREEN, AMBER, "
		   "AMBER+STRICT, RED (features[1])");
	expect_geo(FEATURE("\"id\":\"A\",", "[1,2]", "\"lat\":3," PROPS_REST),
		   "sites.geojson:2: lat: differs from the latitude of the geometry (features[1])");

	/* whole-document errors */
	CHECK_INT(read_geojson("{\"type\":\"FeatureCollection\",\n\"features\":[\n{,}]}", &l),
		  PT_EINVAL);
	CHECK_STR(shown, "sites.geojson:3: invalid JSON: string or '}' expected near ','");
	CHECK_INT(read_geojson("{\"type\":\"Feature\"}", &l), PT_EINVAL);
	CHECK_STR(shown, "sites.geojson: type: not a GeoJSON FeatureCollection (the top-level "
			 "object needs \"type\": \"FeatureCollection\")");
	CHECK_INT(read_geojson("{\"type\":\"FeatureCollection\"}", &l), PT_EINVAL);
	CHECK_STR(shown, "sites.geojson: features: missing or not an array");
	CHECK_INT(read_geojson("{\"type\":\"FeatureCollection\",\"type\":\"x\",\"features\":[]}", &l),
		  PT_EINVAL);
	CHECK_STR(shown, "sites.geojson:1: invalid JSON: duplicate object key near '\"type\"'");
	CHECK_INT(read_geojson("", &l), PT_EINVAL);
	CHECK(strncmp(shown, "sites.geojson:1: invalid JSON: ", 31) == 0);
	CHECK_INT(read_geojson("{\"type\":\"FeatureCollection\",\"features\":[]}", &l), PT_OK);
	CHECK_INT(l.n, 0);
	/* nesting far beyond the depth limit is an error, not a crash */
	{
		size_t depth = 100000, i;
		char *deep = malloc(2 * depth + 1);
		if (deep) {
			for (i = 0; i < depth; i++) {
				deep[i] = '[';
				deep[depth + i] = ']';
			}
			deep[2 * depth] = '\0';
			CHECK_INT(read_geojson(deep, &l), PT_EINVAL);
			CHECK(strstr(shown, "invalid JSON") != NULL);
			free(deep);
		}
	}
}

static void test_geojson_warning(void)
{
	struct pt_site_list l;
	memset(&l, 0, sizeof l);
	CHECK_INT(read_geojson("{\"type\":\"FeatureCollection\",\"features\":["
			       FEATURE("\"id\":\"A\",", "[1,2]",
				       "\"name\":\"n\",\"kind\":\"soft_target\",\"sector\":"
				       "\"stadium_arena\",\"owner\":\"o\",\"region\":\"r\","
				       "\"capacity\":10,\"peak_occupancy\":11,\"population_served\":1,"
				       "\"economic_value_eur\":1,\"tlp\":\"GREEN\"") "]}",
			       &l),
		  PT_OK);
	CHECK_STR(warnings, "sites.geojson:1: peak_occupancy: 11 is above the capacity 10\n");
	pt_site_list_clear(&l);
}

/* ---- writers ---- */

static void sample_sites(struct pt_site *s, size_t n)
{
	static const char *const names[] = {"Saint Aurel Hospital", "Arena \"Nord\", Valmora",
					    "Caf\xC3\xA9 Plaza \xE2\x82\xAC", "Pumping Station 3",
					    "Saint Ivo\r\nChapel\tOld Town"};
	size_t i;
	unsigned long long x = 0x9E3779B97F4A7C15ULL;
	memset(s, 0, n * sizeof *s);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		snprintf(s[i].id, sizeof s[i].id, "S-%03zu", i);
		pt_strlcpy(s[i].name, names[i % 5], sizeof s[i].name);
		pt_strlcpy(s[i].kind, i % 2 ? "soft_target" : "critical_infrastructure",
			   sizeof s[i].kind);
		pt_strlcpy(s[i].sector, i % 2 ? "stadium_arena" : "energy", sizeof s[i].sector);
		pt_strlcpy(s[i].owner, "Valmora Grid, Ltd.", sizeof s[i].owner);
		s[i].lat = (double)(x % 180000000) / 1e6 - 90 + 1.0 / 3;
		if (s[i].lat > 90)
			s[i].lat = 90;
		s[i].lon = -180 + (double)(x >> 11) / 9007199254740992.0 * 360;
		pt_strlcpy(s[i].region, "Valmora North", sizeof s[i].region);
		s[i].capacity = i % 3 == 0 ? -1 : (long long)(x % 100000);
		s[i].peak_occupancy = (long long)(x % 1000);
		s[i].population_served = (long long)(x % 5000000);
		s[i].economic_value_eur = i % 2 ? (double)(x % 1000000000) : (double)(x % 1000) * 0.01 + 1e15;
		s[i].tlp = (enum pt_tlp)(i % PT_TLP_COUNT);
	}
}

static int same_site(const struct pt_site *a, const struct pt_site *b)
{
	return strcmp(a->id, b->id) == 0 && strcmp(a->name, b->name) == 0 &&
	       strcmp(a->kind, b->kind) == 0 && strcmp(a->sector, b->sector) == 0 &&
	       strcmp(a->owner, b->owner) == 0 && a->lat == b->lat && a->lon == b->lon &&
	       strcmp(a->region, b->region) == 0 && a->capacity == b->capacity &&
	       a->peak_occupancy == b->peak_occupancy &&
	       a->population_served == b->population_served &&
	       a->economic_value_eur == b->economic_value_eur && a->tlp == b->tlp;
}

static void test_write_csv_exact(void)
{
	struct pt_site s[2];
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	sample_sites(s, 2);
	s[0].lat = 48.2;
	s[0].lon = 16.37;
	s[0].economic_value_eur = 350000000;
	s[0].capacity = -1;
	s[0].peak_occupancy = 900;
	s[0].population_served = 250000;
	s[1].lat = -33.8688197;
	s[1].lon = 0.1;
	s[1].economic_value_eur = 1234567.89;
	s[1].capacity = 20000;
	s[1].peak_occupancy = 18000;
	s[1].population_served = 0;
	if (!f) {
		CHECK(0);
		return;
	}
	CHECK_INT(pt_sites_write_csv(f, s, 2), PT_OK);
	fclose(f);
	CHECK_STR(mem, HEADER_WRITTEN
		  "S-000,Saint Aurel Hospital,critical_infrastructure,energy,\"Valmora Grid, Ltd.\","
		  "48.2,16.37,Valmora North,,900,250000,350000000,CLEAR,,,,,,,,,,\n"
		  "S-001,\"Arena \"\"Nord\"\", Valmora\",soft_target,stadium_arena,\"Valmora Grid, "
		  "Ltd.\",-33.8688197,0.1,Valmora North,20000,18000,0,1234567.89,GREEN,,,,,,,,,,\n");
	free(mem);
}

static void test_round_trip_csv(void)
{
	enum { N = 200 };
	static struct pt_site s[N];
	struct pt_site_list l;
	char *mem = NULL;
	size_t len = 0, i, same = 0;
	FILE *f = open_memstream(&mem, &len);
	if (!f) {
		CHECK(0);
		return;
	}
	sample_sites(s, N);
	CHECK_INT(pt_sites_write_csv(f, s, N), PT_OK);
	fclose(f);
	memset(&l, 0, sizeof l);
	CHECK_INT(read_csv(mem, &l), PT_OK);
	CHECK_INT(l.n, N);
	for (i = 0; i < l.n && i < N; i++)
		same += (size_t)same_site(&s[i], &l.items[i]);
	CHECK_INT(same, N);
	pt_site_list_clear(&l);
	free(mem);
}

static void test_write_csv_in_chunks(void)
{
	enum { N = 50 };
	static struct pt_site s[N];
	struct pt_site_list l;
	char *mem = NULL;
	size_t len = 0, i, same = 0;
	FILE *f = open_memstream(&mem, &len);
	if (!f) {
		CHECK(0);
		return;
	}
	sample_sites(s, N);
	/* the header once, then chunks of rows: one file */
	CHECK_INT(pt_sites_write_csv_rows(f, s, 20, 1), PT_OK);
	CHECK_INT(pt_sites_write_csv_rows(f, s + 20, 30, 0), PT_OK);
	CHECK_INT(pt_sites_write_csv_rows(f, s, 0, 0), PT_OK);
	fclose(f);
	CHECK(strncmp(mem, HEADER_WRITTEN, strlen(HEADER_WRITTEN)) == 0);
	CHECK(strstr(mem + 1, "\nid,") == NULL);
	memset(&l, 0, sizeof l);
	CHECK_INT(read_csv(mem, &l), PT_OK);
	CHECK_INT(l.n, N);
	for (i = 0; i < l.n && i < N; i++)
		same += (size_t)same_site(&s[i], &l.items[i]);
	CHECK_INT(same, N);
	pt_site_list_clear(&l);
	free(mem);
}

static void test_round_trip_geojson(void)
{
	enum { N = 200 };
	static struct pt_site s[N];
	struct pt_site_list l;
	char *mem = NULL;
	size_t len = 0, i, same = 0;
	FILE *f = open_memstream(&mem, &len);
	if (!f) {
		CHECK(0);
		return;
	}
	sample_sites(s, N);
	CHECK_INT(pt_sites_write_geojson(f, s, N), PT_OK);
	fclose(f);
	memset(&l, 0, sizeof l);
	CHECK_INT(read_geojson(mem, &l), PT_OK);
	CHECK_INT(l.n, N);
	for (i = 0; i < l.n && i < N; i++)
		same += (size_t)same_site(&s[i], &l.items[i]);
	CHECK_INT(same, N);
	pt_site_list_clear(&l);
	free(mem);
}

static void test_write_geojson_shape(void)
{
	struct pt_site s[1];
	char *mem = NULL;
	size_t len = 0;
	json_t *root, *feat;
	json_error_t jerr;
	FILE *f = open_memstream(&mem, &len);
	if (!f) {
		CHECK(0);
		return;
	}
	sample_sites(s, 1);
	s[0].lat = 48.2;
	s[0].lon = 16.37;
	s[0].economic_value_eur = 1234567.5;
	CHECK_INT(pt_sites_write_geojson(f, s, 1), PT_OK);
	fclose(f);
	/* short numbers, not 17-digit noise */
	CHECK(strstr(mem, "16.37,") != NULL || strstr(mem, "16.37\n") != NULL);
	CHECK(strstr(mem, "48.200000000000003") == NULL);
	root = json_loads(mem, 0, &jerr);
	CHECK(root != NULL);
	if (!root) {
		free(mem);
		return;
	}
	CHECK_STR(json_string_value(json_object_get(root, "type")), "FeatureCollection");
	/* the marking as a foreign member (issue 11) */
	CHECK_STR(json_string_value(json_object_get(root, "tlp")), pt_marking_label(s[0].tlp));
	feat = json_array_get(json_object_get(root, "features"), 0);
	CHECK_STR(json_string_value(json_object_get(feat, "type")), "Feature");
	CHECK_STR(json_string_value(json_object_get(feat, "id")), "S-000");
	CHECK_STR(json_string_value(
			  json_object_get(json_object_get(feat, "geometry"), "type")),
		  "Point");
	CHECK_NEAR(json_number_value(json_array_get(
			   json_object_get(json_object_get(feat, "geometry"), "coordinates"), 0)),
		   16.37, 0);
	CHECK(json_is_null(json_object_get(json_object_get(feat, "properties"), "capacity")));
	CHECK_STR(json_string_value(json_object_get(json_object_get(feat, "properties"), "tlp")),
		  "CLEAR");
	json_decref(root);
	free(mem);
}

static void test_write_json(void)
{
	struct pt_site s[3];
	char *mem = NULL;
	size_t len = 0, i;
	json_t *root, *doc;
	json_error_t jerr;
	FILE *f = open_memstream(&mem, &len);
	if (!f) {
		CHECK(0);
		return;
	}
	sample_sites(s, 3);
	/* numbers are written with as many digits as the longest one needs */
	for (i = 0; i < 3; i++) {
		s[i].lat = 50.125 + (double)i;
		s[i].lon = -3.5;
		s[i].economic_value_eur = 1e6 * (double)i;
	}
	s[1].lat = 50.1;
	CHECK_INT(pt_sites_write_json(f, s, 3), PT_OK);
	fclose(f);
	CHECK(strstr(mem, "\"lat\": 50.1,") != NULL);
	CHECK(strstr(mem, "\"capacity\": null") != NULL);
	doc = json_loads(mem, 0, &jerr);
	/* {"tlp": the highest label of the sites (issue 11), "sites": [...]} */
	CHECK(json_is_object(doc));
	CHECK_STR(json_string_value(json_object_get(doc, "tlp")),
		  pt_marking_label(pt_marking_sites(s, 3)));
	root = json_object_get(doc, "sites");
	CHECK(json_is_array(root));
	CHECK_INT(json_array_size(root), 3);
	for (i = 0; i < json_array_size(root); i++) {
		json_t *o = json_array_get(root, i);
		const char *key;
		json_t *v;
		size_t k = 0;
		/* the CSV's keys, in its order */
		json_object_foreach(o, key, v) {
			CHECK_STR(key, pt_site_columns[k]);
			k++;
		}
		CHECK_INT(k, PT_SITE_COLUMNS_ALL);
		CHECK_STR(json_string_value(json_object_get(o, "id")), s[i].id);
		CHECK(json_number_value(json_object_get(o, "lat")) == s[i].lat);
		CHECK(json_number_value(json_object_get(o, "lon")) == s[i].lon);
		CHECK(json_number_value(json_object_get(o, "economic_value_eur")) ==
		      s[i].economic_value_eur);
		if (s[i].capacity < 0)
			CHECK(json_is_null(json_object_get(o, "capacity")));
		else
			CHECK_INT(json_integer_value(json_object_get(o, "capacity")), s[i].capacity);
		CHECK_STR(json_string_value(json_object_get(o, "tlp")), pt_tlp_name(s[i].tlp));
	}
	json_decref(doc);
	free(mem);
	/* an empty list is [], marked TLP:CLEAR */
	mem = NULL;
	f = open_memstream(&mem, &len);
	if (!f)
		return;
	CHECK_INT(pt_sites_write_json(f, s, 0), PT_OK);
	fclose(f);
	CHECK_STR(mem, "{\n  \"tlp\": \"TLP:CLEAR\",\n  \"sites\": []\n}\n");
	free(mem);
}

static void test_write_failure(void)
{
	struct pt_site s[2];
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		return; /* no /dev/full here: nothing to test against */
	setvbuf(f, NULL, _IONBF, 0);
	sample_sites(s, 2);
	CHECK_INT(pt_sites_write_csv(f, s, 2), PT_EIO);
	clearerr(f);
	CHECK_INT(pt_sites_write_json(f, s, 2), PT_EIO);
	clearerr(f);
	CHECK_INT(pt_sites_write_geojson(f, s, 2), PT_EIO);
	fclose(f);
}

static void test_site_check_direct(void)
{
	struct pt_site s[1];
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	sample_sites(s, 1);
	CHECK_INT(pt_site_check(&s[0], &cat, 3, &d), PT_OK);
	s[0].capacity = -2;
	CHECK_INT(pt_site_check(&s[0], &cat, 3, &d), PT_EINVAL);
	CHECK_STR(d.field, "capacity");
	s[0].capacity = -1;
	s[0].economic_value_eur = NAN;
	CHECK_INT(pt_site_check(&s[0], &cat, 3, &d), PT_EINVAL);
	CHECK_STR(d.field, "economic_value_eur");
	CHECK_STR(d.msg, "not a finite number");
	s[0].economic_value_eur = 1;
	s[0].lat = NAN;
	CHECK_INT(pt_site_check(&s[0], &cat, 3, &d), PT_EINVAL);
	CHECK_STR(d.msg, "nan is out of range -90 to 90");
	s[0].lat = 0;
	s[0].tlp = (enum pt_tlp)7;
	CHECK_INT(pt_site_check(&s[0], &cat, 3, &d), PT_EINVAL);
	CHECK_STR(d.field, "tlp");
}

static void test_list_append(void)
{
	struct pt_site_list l;
	struct pt_site s;
	size_t i;
	memset(&l, 0, sizeof l);
	memset(&s, 0, sizeof s);
	for (i = 0; i < 1000; i++) {
		snprintf(s.id, sizeof s.id, "S%zu", i);
		CHECK_INT(pt_site_list_append(&l, &s, (long)i + 2), PT_OK);
	}
	CHECK_INT(l.n, 1000);
	CHECK_STR(l.items[999].id, "S999");
	CHECK_INT(l.lines[999], 1001);
	pt_site_list_clear(&l);
	pt_site_list_clear(&l); /* twice is fine */
	CHECK_INT(l.n, 0);
}

/* issue 11 (fit): the optional columns read, write back, and fail with file/line/field. */
#define FIT_ROW "F-1,Fit Hall,soft_target,stadium_arena,Owner,48.2,16.37,North,100,90,0,1000000,CLEAR"

static void fit_bad(const char *tail, const char *msg)
{
	struct pt_site_list l;
	char text[1024];
	memset(&l, 0, sizeof l);
	snprintf(text, sizeof text, "%s%s%s\n", HEADER_ALL, FIT_ROW, tail);
	CHECK_INT(read_csv(text, &l), PT_EINVAL);
	CHECK_STR(shown, msg);
	CHECK_INT(l.n, 0);
	pt_site_list_clear(&l);
}

static void test_csv_fit_columns(void)
{
	struct pt_site_list l;
	char text[1024], *mem = NULL;
	size_t len = 0;
	FILE *f;
	memset(&l, 0, sizeof l);
	snprintf(text, sizeof text, "%s%s,120,4,,2,9000,0,enclosed,yes,entry\n%s%s\n", HEADER_ALL,
		 FIT_ROW, "F-2,Open Square,public_space,public_square,Owner,48.2,16.37,North,,90,0,0,CLEAR",
		 ",,,,,,,,,");
	CHECK_INT(read_csv(text, &l), PT_OK);
	CHECK_INT(l.n, 2);
	if (l.n == 2) {
		const struct pt_site *a = &l.items[0], *b = &l.items[1];
		CHECK_INT(a->drivers[PT_DRIVER_STAFF], 120);
		CHECK_INT(a->drivers[PT_DRIVER_ENTRANCES], 4);
		CHECK(!(a->drivers_known & (1u << PT_DRIVER_PERIMETER_M)));
		CHECK(a->drivers_known & (1u << PT_DRIVER_CONTROL_SYSTEMS));
		CHECK_INT(a->drivers[PT_DRIVER_CONTROL_SYSTEMS], 0);
		CHECK_INT(a->enclosed, PT_TRI_YES);
		CHECK_INT(a->staffed, PT_TRI_YES);
		CHECK_INT(pt_site_legal_basis(a), PT_BASIS_ENTRY);
		/* unknown: nothing known; a public space defaults to open and unstaffed */
		CHECK_INT(b->drivers_known, 0);
		CHECK_INT(b->legal_basis, 0);
		CHECK_INT(pt_site_legal_basis(b), PT_BASIS_NONE);
		CHECK_INT(pt_site_is_enclosed(b), 0);
		CHECK_INT(pt_site_is_staffed(b), 0);
		CHECK_INT(pt_site_is_enclosed(a), 1);
		f = open_memstream(&mem, &len);
		if (f) {
			CHECK_INT(pt_sites_write_csv(f, l.items, 2), PT_OK);
			fclose(f);
			CHECK(strstr(mem, "CLEAR,120,4,,2,9000,0,enclosed,yes,entry,\n") != NULL);
			CHECK(strstr(mem, "CLEAR,,,,,,,,,,\n") != NULL);
			free(mem);
		}
	}
	pt_site_list_clear(&l);
	/* the old 13 columns still read: every attribute unknown */
	CHECK_INT(read_csv(HEADER FIT_ROW "\n", &l), PT_OK);
	CHECK_INT(l.n, 1);
	if (l.n == 1)
		CHECK_INT(l.items[0].drivers_known, 0);
	pt_site_list_clear(&l);

	fit_bad(",-1,,,,,,,,", "sites.csv:2: staff: -1 is out of range 0 to 10000000 (empty when unknown)");
	fit_bad(",,,20000000,,,,,,",
		"sites.csv:2: perimeter_m: 20000000 is out of range 0 to 10000000 (empty when unknown)");
	fit_bad(",,2.5,,,,,,,", "sites.csv:2: entrances: \"2.5\" is not a whole number");
	fit_bad(",,,,,,,closed,,",
		"sites.csv:2: enclosure: \"closed\" is not enclosed, fenced or open (empty when unknown)");
	fit_bad(",,,,,,,,maybe,", "sites.csv:2: staffed: \"maybe\" is not yes or no (empty when unknown)");
	fit_bad(",,,,,,,,,law",
		"sites.csv:2: legal_basis: \"law\" is not none, entry or statute (empty when unknown)");
}

/* issue 11 (fit): the optional properties in GeoJSON: read, null is unknown, bad ones named. */
static void test_geojson_fit(void)
{
	struct pt_site_list l;
	char text[4096];
	memset(&l, 0, sizeof l);
	snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[%s]}",
		 FEATURE("\"id\":\"F-1\",", "[1,2]",
			 PROPS_REST ",\"staff\":900,\"entrances\":null,\"enclosure\":\"open\","
				    "\"staffed\":\"yes\",\"legal_basis\":\"statute\""));
	CHECK_INT(read_geojson(text, &l), PT_OK);
	CHECK_INT(l.n, 1);
	if (l.n == 1) {
		CHECK_INT(l.items[0].drivers[PT_DRIVER_STAFF], 900);
		CHECK_INT(l.items[0].drivers_known, 1u << PT_DRIVER_STAFF);
		CHECK_INT(l.items[0].enclosed, PT_TRI_NO);
		CHECK_INT(pt_site_legal_basis(&l.items[0]), PT_BASIS_STATUTE);
	}
	pt_site_list_clear(&l);
	expect_geo(FEATURE("\"id\":\"F-2\",", "[1,2]", PROPS_REST ",\"staff\":\"many\""),
		   "sites.geojson:2: staff: must be a whole number or null (features[1])");
	expect_geo(FEATURE("\"id\":\"F-2\",", "[1,2]", PROPS_REST ",\"entrances\":-2"),
		   "sites.geojson:2: entrances: -2 is out of range 0 to 10000000 (empty when unknown) "
		   "(features[1])");
	expect_geo(FEATURE("\"id\":\"F-2\",", "[1,2]", PROPS_REST ",\"legal_basis\":1"),
		   "sites.geojson:2: legal_basis: must be a string or null (features[1])");
}

/* issue 11 (owner2): which optional attributes a row leaves out (absent), and the plausibility checks */
static void test_absent_and_plausible(void)
{
	struct pt_site_list l;
	char text[4096];
	unsigned all = PT_SITE_ABSENT_ENCLOSURE | PT_SITE_ABSENT_STAFFED | PT_SITE_ABSENT_LEGAL_BASIS |
		       PT_SITE_ABSENT_EMERGENCY; /* issue 16 (item 2) */
	for (int k = 0; k < PT_DRIVER_COUNT; k++)
		all |= PT_SITE_ABSENT_DRIVER(k);
	memset(&l, 0, sizeof l);
	/* the 13 old columns: all nine absent */
	CHECK_INT(read_csv(HEADER FIT_ROW "\n", &l), PT_OK);
	CHECK(l.n == 1 && l.absent && l.absent[0] == all);
	pt_site_list_clear(&l);
	/* every column, empty cells: none absent (an empty cell is unknown) */
	CHECK_INT(read_csv(HEADER_WRITTEN FIT_ROW ",,,,,,,,,,\n", &l), PT_OK);
	CHECK(l.n == 1 && l.absent && l.absent[0] == 0);
	pt_site_list_clear(&l);
	/* issue 11's columns only: the emergency department absent */
	CHECK_INT(read_csv(HEADER_ALL FIT_ROW ",,,,,,,,,\n", &l), PT_OK);
	CHECK(l.n == 1 && l.absent && l.absent[0] == PT_SITE_ABSENT_EMERGENCY);
	pt_site_list_clear(&l);
	/* some columns: the others absent */
	CHECK_INT(read_csv("id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,"
			   "population_served,economic_value_eur,tlp,staff,legal_basis\n" FIT_ROW
			   ",5,\n",
			   &l),
		  PT_OK);
	CHECK(l.n == 1 && l.absent &&
	      l.absent[0] == (all & ~(PT_SITE_ABSENT_DRIVER(PT_DRIVER_STAFF) | PT_SITE_ABSENT_LEGAL_BASIS)));
	pt_site_list_clear(&l);
	/* GeoJSON: absent property absent, null given */
	snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[%s,%s]}",
		 FEATURE("\"id\":\"F-1\",", "[1,2]", PROPS_REST ",\"staff\":null,\"legal_basis\":\"none\""),
		 FEATURE("\"id\":\"F-2\",", "[1,2]", PROPS_REST));
	CHECK_INT(read_geojson(text, &l), PT_OK);
	CHECK(l.n == 2 && l.absent &&
	      l.absent[0] == (all & ~(PT_SITE_ABSENT_DRIVER(PT_DRIVER_STAFF) | PT_SITE_ABSENT_LEGAL_BASIS)) &&
	      l.absent[1] == all);
	pt_site_list_clear(&l);
	/* a perimeter that cannot hold the peak occupancy (90 people: at least 3.4 m) */
	fit_bad(",,,3,,,,,,", "sites.csv:2: perimeter_m: 3 m cannot enclose 90 people (at most 0.7 m2 of "
			      "ground, 100 people a m2); give the real perimeter, or empty when unknown");
	CHECK_INT(read_csv(HEADER_ALL FIT_ROW ",,,4,,,,,,\n", &l), PT_OK);
	pt_site_list_clear(&l);
	CHECK_INT(read_csv(HEADER_ALL FIT_ROW ",,,0,,,,,,\n", &l), PT_OK); /* 0: none to protect */
	pt_site_list_clear(&l);
	/* no entrance at an enclosed site with people in it; an open one may have none */
	fit_bad(",,0,,,,,enclosed,,", "sites.csv:2: entrances: 0 for an enclosed site that people are "
				      "in; an enclosed site has at least 1 entrance (0 is for an open site)");
	CHECK_INT(read_csv(HEADER_ALL FIT_ROW ",,0,,,,,open,,\n", &l), PT_OK);
	pt_site_list_clear(&l);
	CHECK_INT(read_csv(HEADER_ALL FIT_ROW ",,0,,,,,,,\n", &l), PT_OK); /* enclosure unknown */
	pt_site_list_clear(&l);
}

/* issue 16 (item 2): the emergency department, an optional column and property */
static void test_emergency_department(void)
{
	struct pt_site_list l;
	char text[4096], *mem = NULL;
	size_t len = 0;
	FILE *f;
	memset(&l, 0, sizeof l);
	snprintf(text, sizeof text, "%s,emergency_department\n%s\n%s\n%s\n",
		 "id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,"
		 "economic_value_eur,tlp",
		 "H-1,Hospital,critical_infrastructure,health,T,48.2,16.37,N,100,90,0,1000,GREEN,yes",
		 "H-2,Laboratory,critical_infrastructure,health,T,48.2,16.37,N,100,90,0,1000,GREEN,no",
		 "H-3,Clinic,critical_infrastructure,health,T,48.2,16.37,N,100,90,0,1000,GREEN,");
	CHECK_INT(read_csv(text, &l), PT_OK);
	CHECK_INT(l.n, 3);
	if (l.n == 3) {
		CHECK_INT(l.items[0].emergency_department, PT_TRI_YES);
		CHECK_INT(l.items[1].emergency_department, PT_TRI_NO);
		CHECK_INT(l.items[2].emergency_department, PT_TRI_UNKNOWN);
		CHECK_INT(pt_site_receives_casualties(&l.items[0]), 1);
		CHECK_INT(pt_site_receives_casualties(&l.items[1]), 0);
		CHECK_INT(pt_site_receives_casualties(&l.items[2]), 1); /* unknown: as before 028 */
		CHECK_INT(l.absent[0] & PT_SITE_ABSENT_EMERGENCY, 0);
		f = open_memstream(&mem, &len);
		if (f) {
			CHECK_INT(pt_sites_write_csv(f, l.items, 3), PT_OK);
			fclose(f);
			CHECK(strncmp(mem, HEADER_WRITTEN, strlen(HEADER_WRITTEN)) == 0);
			CHECK(strstr(mem, "GREEN,,,,,,,,,,yes\nH-2,") != NULL);
			CHECK(strstr(mem, "GREEN,,,,,,,,,,no\nH-3,") != NULL);
			CHECK(strstr(mem, "GREEN,,,,,,,,,,\n") != NULL);
			free(mem);
			mem = NULL;
		}
		f = open_memstream(&mem, &len);
		if (f) { /* the JSON (and the API's site object): "yes", "no", null */
			CHECK_INT(pt_sites_write_json(f, l.items, 3), PT_OK);
			fclose(f);
			CHECK(strstr(mem, "\"emergency_department\": \"yes\"") != NULL);
			CHECK(strstr(mem, "\"emergency_department\": \"no\"") != NULL);
			CHECK(strstr(mem, "\"emergency_department\": null") != NULL);
			free(mem);
		}
	}
	pt_site_list_clear(&l);
	/* a bad value, and yes at a site of another sector: the line and the field */
	snprintf(text, sizeof text, "%s,emergency_department\n%s,maybe\n",
		 "id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,"
		 "economic_value_eur,tlp", "H-1,Hospital,critical_infrastructure,health,T,48.2,16.37,N,"
		 "100,90,0,1000,GREEN");
	CHECK_INT(read_csv(text, &l), PT_EINVAL);
	CHECK_STR(shown, "sites.csv:2: emergency_department: \"maybe\" is not yes or no (empty when "
			 "unknown)");
	snprintf(text, sizeof text, "%s,emergency_department\n%s,yes\n",
		 "id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,"
		 "economic_value_eur,tlp", FIT_ROW);
	CHECK_INT(read_csv(text, &l), PT_EINVAL);
	CHECK_STR(shown, "sites.csv:2: emergency_department: yes is for a health-sector site (a "
			 "hospital); this site's sector is stadium_arena (give no, or empty when "
			 "unknown)");
	CHECK_INT(l.n, 0);
	snprintf(text, sizeof text, "%s,emergency_department\n%s,no\n",
		 "id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,"
		 "economic_value_eur,tlp", FIT_ROW);
	CHECK_INT(read_csv(text, &l), PT_OK); /* no: any site */
	pt_site_list_clear(&l);
	/* GeoJSON: a string or null */
	snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[%s,%s]}",
		 FEATURE("\"id\":\"F-1\",", "[1,2]", PROPS_REST ",\"emergency_department\":\"no\""),
		 FEATURE("\"id\":\"F-2\",", "[1,2]", PROPS_REST ",\"emergency_department\":null"));
	CHECK_INT(read_geojson(text, &l), PT_OK);
	CHECK(l.n == 2 && l.items[0].emergency_department == PT_TRI_NO &&
	      l.items[1].emergency_department == PT_TRI_UNKNOWN && l.absent &&
	      !(l.absent[0] & PT_SITE_ABSENT_EMERGENCY) && !(l.absent[1] & PT_SITE_ABSENT_EMERGENCY));
	pt_site_list_clear(&l);
	expect_geo(FEATURE("\"id\":\"F-2\",", "[1,2]", PROPS_REST ",\"emergency_department\":true"),
		   "sites.geojson:2: emergency_department: must be \"yes\", \"no\" or null (features[1])");
	expect_geo(FEATURE("\"id\":\"F-2\",", "[1,2]", PROPS_REST ",\"emergency_department\":\"Yes\""),
		   "sites.geojson:2: emergency_department: \"Yes\" is not yes or no (empty when unknown) "
		   "(features[1])");
}

int main(void)
{
	setup();
	RUN(test_csv_good);
	RUN(test_csv_fit_columns);
	RUN(test_geojson_fit);
	RUN(test_csv_header_errors);
	RUN(test_csv_row_shape);
	RUN(test_csv_field_errors);
	RUN(test_csv_lines_after_multiline_field);
	RUN(test_csv_physical_line_numbers);
	RUN(test_csv_duplicate_id);
	RUN(test_csv_warning);
	RUN(test_csv_all_or_nothing);
	RUN(test_csv_bad_bytes);
	RUN(test_geojson_good);
	RUN(test_geojson_errors);
	RUN(test_geojson_warning);
	RUN(test_write_csv_exact);
	RUN(test_round_trip_csv);
	RUN(test_write_csv_in_chunks);
	RUN(test_round_trip_geojson);
	RUN(test_write_geojson_shape);
	RUN(test_write_json);
	RUN(test_write_failure);
	RUN(test_site_check_direct);
	RUN(test_list_append);
	RUN(test_absent_and_plausible); /* issue 11 (owner2) */
	RUN(test_emergency_department); /* issue 16 (item 2) */
	teardown();
	return TEST_SUMMARY("test_sites_io");
}
