/* test_measures_io.c - unit tests of src/formats/pt_measures_io.c: the
 * measures, effects and site measures readers (each check, its line and
 * field), the writers and round trips, and the shipped catalogue and demo files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_assess_io.h"
#include "formats/pt_csv.h"
#include "formats/pt_diag.h"
#include "formats/pt_measures_io.h"
#include "formats/pt_sites_io.h"
#include "pt_test.h"

#define FILE_MAX (16L << 20)

static struct pt_catalogs cat;

static void add(struct pt_catalog *c, const char *id)
{
	struct pt_catalog_entry e;
	memset(&e, 0, sizeof e);
	pt_strlcpy(e.id, id, sizeof e.id);
	pt_strlcpy(e.name, id, sizeof e.name);
	if (pt_catalog_append(c, &e) != PT_OK)
		abort();
}

static void setup(void)
{
	memset(&cat, 0, sizeof cat);
	add(&cat.kinds, "critical_infrastructure");
	add(&cat.kinds, "soft_target");
	add(&cat.kinds, "public_space");
	add(&cat.sectors, "energy");
	add(&cat.sectors, "stadium_arena");
	add(&cat.sectors, "public_square");
	add(&cat.threats, "vehicle_ramming");
	add(&cat.threats, "pbied");
	add(&cat.threats, "arson");
}

static void free_catalogs(struct pt_catalogs *c)
{
	pt_catalog_clear(&c->kinds);
	pt_catalog_clear(&c->sectors);
	pt_catalog_clear(&c->threats);
}

/* The user's view of the last error: "FILE:LINE: field: msg". */
static char shown[2048];

static enum pt_err read_measures(const char *text, struct pt_measure_catalog *c)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, "measures.csv", sizeof d.file);
	shown[0] = '\0';
	err = pt_measures_read_csv(text, strlen(text), &cat, c, &d);
	if (err != PT_OK)
		pt_diag_format(&d, shown, sizeof shown);
	return err;
}

static enum pt_err read_effects(const char *text, const struct pt_measure_catalog *known,
				struct pt_measure_catalog *c)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, "measure_effects.csv", sizeof d.file);
	shown[0] = '\0';
	err = pt_measure_effects_read_csv(text, strlen(text), &cat.threats, known, c, &d);
	if (err != PT_OK)
		pt_diag_format(&d, shown, sizeof shown);
	return err;
}

static enum pt_err read_site_measures(const char *text, struct pt_site_measure_list *l)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, "site_measures.csv", sizeof d.file);
	shown[0] = '\0';
	err = pt_site_measures_read_csv(text, strlen(text), l, &d);
	if (err != PT_OK)
		pt_diag_format(&d, shown, sizeof shown);
	return err;
}

#define HEADER                                                                             \
	"id,name,family,capex_eur,opex_eur_year,lifetime_years,privacy,movement,"        \
	"discrimination,legal_basis,removes_step_free,kinds,sectors,exclusive_group,"    \
	"description\n"
#define NCOL 15
/* What the writer writes: the columns of issue 11 (fit) too. */
#define HEADER_WRITTEN                                                                     \
	"id,name,family,capex_eur,opex_eur_year,lifetime_years,privacy,movement,"        \
	"discrimination,legal_basis,removes_step_free,kinds,sectors,exclusive_group,"    \
	"description,cost_driver,unit_capex_eur,unit_opex_eur_year,needs,safeguards\n"

static const char *const good[NCOL] = {
	"m1",  "Bollards", "physical_protection", "60000", "2000.5", "25", "0", "1", "0",
	"0",   "0",        "soft_target;public_space", "*", "hvm", "\"Crash-rated, step-free\""};

/* The header, two good rows (ids g1, g2) and a third row that is good
 * except column col set to value (col < 0: all good; id g3). */
static char file_buf[1 << 14];
static const char *file_with(int col, const char *value)
{
	size_t used, r;
	int c;
	used = (size_t)snprintf(file_buf, sizeof file_buf, "%s", HEADER);
	for (r = 0; r < 3; r++) {
		for (c = 0; c < NCOL; c++) {
			const char *v = good[c];
			char id[16];
			if (c == 0) {
				snprintf(id, sizeof id, "g%zu", r + 1);
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

/* The file with column col set to value fails with msg on line 4; out stays empty. */
static void expect_bad(int col, const char *value, const char *msg)
{
	struct pt_measure_catalog c;
	char want[1400];
	memset(&c, 0, sizeof c);
	CHECK_INT(read_measures(file_with(col, value), &c), PT_EINVAL);
	snprintf(want, sizeof want, "measures.csv:4: %s", msg);
	CHECK_STR(shown, want);
	CHECK_INT(c.n, 0);
	CHECK(c.items == NULL);
}

static void test_measures_good(void)
{
	struct pt_measure_catalog c;
	const struct pt_measure *m;
	memset(&c, 0, sizeof c);
	CHECK_INT(read_measures(file_with(-1, NULL), &c), PT_OK);
	CHECK_INT(c.n, 3);
	m = &c.items[2];
	CHECK_STR(m->id, "g3");
	CHECK_STR(m->name, "Bollards");
	CHECK_INT(m->family, PT_FAMILY_PHYSICAL);
	CHECK_NEAR(m->capex_eur, 60000, 0);
	CHECK_NEAR(m->opex_eur_year, 2000.5, 0);
	CHECK_INT(m->lifetime_years, 25);
	CHECK_INT(m->rights[PT_RIGHT_PRIVACY], 0);
	CHECK_INT(m->rights[PT_RIGHT_MOVEMENT], 1);
	CHECK_INT(m->rights[PT_RIGHT_DISCRIMINATION], 0);
	CHECK_STR(m->kinds, "soft_target;public_space");
	CHECK_STR(m->sectors, "*");
	CHECK_STR(m->exclusive_group, "hvm");
	CHECK_STR(m->description, "Crash-rated, step-free");
	CHECK_INT(pt_measure_catalog_find(&c, "g2"), 1);
	pt_measure_catalog_clear(&c);
}

static void test_measures_optional_columns_any_order(void)
{
	static const char text[] =
		"sectors,kinds,removes_step_free,legal_basis,discrimination,movement,privacy,"
		"lifetime_years,opex_eur_year,capex_eur,family,name,id\n"
		"energy,critical_infrastructure,0,1,1,0,2,5,8000,5000,personnel_security,"
		"Vetting,vet\n";
	struct pt_measure_catalog c;
	memset(&c, 0, sizeof c);
	CHECK_INT(read_measures(text, &c), PT_OK);
	CHECK_INT(c.n, 1);
	CHECK_STR(c.items[0].id, "vet");
	CHECK_INT(c.items[0].family, PT_FAMILY_PERSONNEL);
	CHECK_INT(c.items[0].rights[PT_RIGHT_PRIVACY], 2);
	CHECK_INT(c.items[0].legal_basis, PT_BASIS_STATUTE); /* an old file's 1 is a statute */
	CHECK_INT(c.items[0].cost_driver, PT_COST_SIZE);      /* no driver column: size */
	CHECK_STR(c.items[0].exclusive_group, "");
	CHECK_STR(c.items[0].description, "");
	CHECK_STR(c.items[0].sectors, "energy");
	pt_measure_catalog_clear(&c);
}

static void test_measures_field_errors(void)
{
	expect_bad(0, "a b", "id: \"a b\" is not a valid id (1-63 letters, digits, '.', '_' or '-')");
	expect_bad(1, "", "name: missing value");
	expect_bad(2, "defend",
		   "family: unknown family \"defend\"; valid: prevent, physical_protection, "
		   "respond_mitigate, recover, personnel_security, awareness_training");
	expect_bad(3, "-5", "capex_eur: must be a number from 0 to 1000000000000");
	expect_bad(3, "12abc", "capex_eur: \"12abc\" is not a number");
	expect_bad(4, "2e12", "opex_eur_year: must be a number from 0 to 1000000000000");
	expect_bad(5, "0", "lifetime_years: must be a whole number from 1 to 100");
	expect_bad(5, "101", "lifetime_years: must be a whole number from 1 to 100");
	expect_bad(6, "4", "privacy: must be a whole number from 0 to 3");
	expect_bad(6, "1.5", "privacy: \"1.5\" is not a whole number");
	expect_bad(6, "99999999999", "privacy: must be a whole number from 0 to 3");
	expect_bad(7, "-1", "movement: must be a whole number from 0 to 3");
	expect_bad(8, "4", "discrimination: must be a whole number from 0 to 3");
	expect_bad(9, "2", "legal_basis: unknown basis \"2\"; valid: none, entry, statute (or 0 = "
		   "none, 1 = statute)");
	expect_bad(9, "", "legal_basis: missing value");
	expect_bad(10, "2", "removes_step_free: must be 0 or 1");
	expect_bad(11, "soft_target;castle", "kinds: unknown kind \"castle\"");
	expect_bad(11, "", "kinds: missing value");
	expect_bad(12, "moon_base", "sectors: unknown sector \"moon_base\"");
	expect_bad(13, "a group", "exclusive_group: \"a group\" is not a valid id (1-63 letters, "
				  "digits, '.', '_' or '-')");
}

static void test_measures_duplicate_and_shape(void)
{
	struct pt_measure_catalog c;
	char text[1 << 14];
	memset(&c, 0, sizeof c);
	expect_bad(0, "g1", "id: duplicate id \"g1\" (first on line 2)");
	/* a row with one field too few */
	snprintf(text, sizeof text, "%sx,y\n", file_with(-1, NULL));
	CHECK_INT(read_measures(text, &c), PT_EINVAL);
	CHECK_STR(shown, "measures.csv:5: the row has 2 fields; the header has 15");
	CHECK_INT(c.n, 0);
}

static void test_measures_header_errors(void)
{
	struct pt_measure_catalog c;
	memset(&c, 0, sizeof c);
	/* kinds missing */
	CHECK_INT(read_measures("id,name,family,capex_eur,opex_eur_year,lifetime_years,privacy,"
				"movement,discrimination,legal_basis,removes_step_free,sectors\n",
				&c),
		  PT_EINVAL);
	CHECK(strstr(shown, "measures.csv:1:") == shown);
	CHECK(strstr(shown, "kinds") != NULL);
	CHECK(strstr(shown, "missing") != NULL);
	/* an unknown column */
	CHECK_INT(read_measures("id,name,family,capex_eur,opex_eur_year,lifetime_years,privacy,"
				"movement,discrimination,legal_basis,removes_step_free,kinds,"
				"sectors,colour\n",
				&c),
		  PT_EINVAL);
	CHECK(strstr(shown, "measures.csv:1:") == shown);
	CHECK(strstr(shown, "unknown column") != NULL);
	CHECK(strstr(shown, "colour") != NULL);
	/* an empty file */
	CHECK_INT(read_measures("", &c), PT_EINVAL);
	CHECK_INT(c.n, 0);
}

static void test_measures_crlf_bom(void)
{
	struct pt_measure_catalog c;
	char text[1 << 14];
	size_t i, o = 0;
	const char *src = file_with(-1, NULL);
	memcpy(text, "\xEF\xBB\xBF", 3);
	o = 3;
	for (i = 0; src[i] && o + 3 < sizeof text; i++) {
		if (src[i] == '\n')
			text[o++] = '\r';
		text[o++] = src[i];
	}
	text[o] = '\0';
	memset(&c, 0, sizeof c);
	CHECK_INT(read_measures(text, &c), PT_OK);
	CHECK_INT(c.n, 3);
	if (c.n == 3) {
		CHECK_STR(c.items[0].id, "g1");
		CHECK_STR(c.items[2].description, "Crash-rated, step-free");
	}
	pt_measure_catalog_clear(&c);
	/* a bad field after CRLF lines is still on its physical line */
	text[0] = '\0';
	snprintf(text, sizeof text, "%s", file_with(6, "7"));
	for (i = 0, o = 0; file_buf[i]; i++) {
		if (file_buf[i] == '\n')
			text[o++] = '\r';
		text[o++] = file_buf[i];
	}
	text[o] = '\0';
	CHECK_INT(read_measures(text, &c), PT_EINVAL);
	CHECK_STR(shown, "measures.csv:4: privacy: must be a whole number from 0 to 3");
}

/* Text of the effects file for the catalogue of file_with(-1) (g1-g3). */
#define EFFECTS_HEADER "measure_id,threat_id,v_reduction,c_reduction\n"

static void test_effects(void)
{
	struct pt_measure_catalog c;
	memset(&c, 0, sizeof c);
	CHECK_INT(read_measures(file_with(-1, NULL), &c), PT_OK);
	CHECK_INT(read_effects(EFFECTS_HEADER "g1,vehicle_ramming,0.6,0.1\n"
				"g2,pbied,0,0.25\n",
			       NULL, &c),
		  PT_OK);
	CHECK_INT(c.n_effects, 2);
	if (c.n_effects == 2) {
		CHECK_STR(c.effects[1].measure_id, "g2");
		CHECK_STR(c.effects[1].threat_id, "pbied");
		CHECK_NEAR(c.effects[0].v_reduction, 0.6, 0);
		CHECK_NEAR(c.effects[1].c_reduction, 0.25, 0);
	}

	/* every failure leaves the two effects read before, and only them */
	CHECK_INT(read_effects(EFFECTS_HEADER "g3,arson,0.1,0\ng3,pbied,1.5,0\n", NULL, &c),
		  PT_EINVAL);
	CHECK_STR(shown, "measure_effects.csv:3: v_reduction: must be a number from 0 to 1");
	CHECK_INT(c.n_effects, 2);
	CHECK_INT(read_effects(EFFECTS_HEADER "g3,arson,0,-0.1\n", NULL, &c), PT_EINVAL);
	CHECK_STR(shown, "measure_effects.csv:2: c_reduction: must be a number from 0 to 1");
	CHECK_INT(read_effects(EFFECTS_HEADER "g3,arson,0.1,0\ng3,meteor,0.1,0\n", NULL, &c),
		  PT_EINVAL);
	CHECK_STR(shown, "measure_effects.csv:3: threat_id: unknown threat \"meteor\"; valid: "
			 "vehicle_ramming, pbied, arson");
	CHECK_INT(c.n_effects, 2);
	CHECK_INT(read_effects(EFFECTS_HEADER "g9,arson,0.1,0\n", NULL, &c), PT_EINVAL);
	CHECK_STR(shown, "measure_effects.csv:2: measure_id: unknown measure \"g9\"; it is not in "
			 "the measure catalogue");
	CHECK_INT(read_effects(EFFECTS_HEADER "g3,arson,0.1,0\n\ng3,arson,0.2,0\n", NULL, &c),
		  PT_EINVAL);
	CHECK_STR(shown, "measure_effects.csv:4: threat_id: duplicate effect of \"g3\" on "
			 "\"arson\" (first on line 2)");
	CHECK_INT(read_effects(EFFECTS_HEADER "g1,vehicle_ramming,0.5,0\n", NULL, &c), PT_EINVAL);
	CHECK_STR(shown, "measure_effects.csv:2: threat_id: duplicate effect of \"g1\" on "
			 "\"vehicle_ramming\" (already in the catalogue)");
	CHECK_INT(read_effects(EFFECTS_HEADER "g3,arson,x,0\n", NULL, &c), PT_EINVAL);
	CHECK_STR(shown, "measure_effects.csv:2: v_reduction: \"x\" is not a number");
	CHECK_INT(read_effects("measure_id,threat_id,v_reduction\ng3,arson,0.1\n", NULL, &c),
		  PT_EINVAL);
	CHECK(strstr(shown, "c_reduction") != NULL);
	CHECK_INT(c.n_effects, 2);
	pt_measure_catalog_clear(&c);
}

static void test_effects_known(void)
{
	struct pt_measure_catalog known, c;
	memset(&known, 0, sizeof known);
	memset(&c, 0, sizeof c);
	CHECK_INT(read_measures(file_with(-1, NULL), &known), PT_OK);
	/* effects of measures held elsewhere (the store's catalogue) */
	CHECK_INT(read_effects(EFFECTS_HEADER "g2,arson,0.2,0.1\n", &known, &c), PT_OK);
	CHECK_INT(c.n_effects, 1);
	CHECK_INT(read_effects(EFFECTS_HEADER "zz,arson,0.2,0.1\n", &known, &c), PT_EINVAL);
	CHECK_INT(c.n_effects, 1);
	pt_measure_catalog_clear(&known);
	pt_measure_catalog_clear(&c);
}

static void test_site_measures(void)
{
	struct pt_site_measure_list l;
	memset(&l, 0, sizeof l);
	CHECK_INT(read_site_measures("measure_id,site_id\r\ncctv,VM-001\r\n\r\ncctv,VM-002\r\n", &l),
		  PT_OK);
	CHECK_INT(l.n, 2);
	if (l.n == 2) {
		CHECK_STR(l.items[1].site_id, "VM-002");
		CHECK_STR(l.items[1].measure_id, "cctv");
		CHECK_INT(l.items[1].line, 4);
	}
	CHECK_INT(read_site_measures("site_id,measure_id\nVM-001,cctv\nVM-001,cctv\n", &l),
		  PT_EINVAL);
	CHECK_STR(shown, "site_measures.csv:3: measure_id: duplicate measure \"cctv\" at "
			 "\"VM-001\" (first on line 2)");
	CHECK_INT(l.n, 0);
	CHECK(l.items == NULL);
	CHECK_INT(read_site_measures("site_id,measure_id\nVM 1,cctv\n", &l), PT_EINVAL);
	CHECK_STR(shown, "site_measures.csv:2: site_id: \"VM 1\" is not a valid id (1-63 "
			 "letters, digits, '.', '_' or '-')");
	CHECK_INT(read_site_measures("site_id,measure_id\nVM-1,\n", &l), PT_EINVAL);
	CHECK_STR(shown, "site_measures.csv:2: measure_id: missing value");
	CHECK_INT(read_site_measures("site_id,measure_id,note\nVM-1,cctv,x\n", &l), PT_EINVAL);
	CHECK(strstr(shown, "unknown column") != NULL);
	CHECK_INT(read_site_measures("site_id\nVM-1\n", &l), PT_EINVAL);
	CHECK(strstr(shown, "measure_id") != NULL);
	CHECK_INT(l.n, 0);
}

/* Write c as both files into memory. */
static int write_both(const struct pt_measure_catalog *c, char **m, size_t *mlen, char **e,
		      size_t *elen)
{
	FILE *f = open_memstream(m, mlen);
	enum pt_err err;
	if (!f)
		return 0;
	err = pt_measures_write_csv(f, c);
	if (fclose(f) != 0 || err != PT_OK)
		return 0;
	f = open_memstream(e, elen);
	if (!f)
		return 0;
	err = pt_measure_effects_write_csv(f, c);
	return fclose(f) == 0 && err == PT_OK;
}

static int same_measure(const struct pt_measure *a, const struct pt_measure *b)
{
	int r;
	for (r = 0; r < PT_RIGHT_COUNT; r++)
		if (a->rights[r] != b->rights[r])
			return 0;
	return strcmp(a->id, b->id) == 0 && strcmp(a->name, b->name) == 0 &&
	       a->family == b->family && a->capex_eur == b->capex_eur &&
	       a->opex_eur_year == b->opex_eur_year && a->lifetime_years == b->lifetime_years &&
	       a->legal_basis == b->legal_basis && a->removes_step_free == b->removes_step_free &&
	       strcmp(a->kinds, b->kinds) == 0 && strcmp(a->sectors, b->sectors) == 0 &&
	       strcmp(a->exclusive_group, b->exclusive_group) == 0 &&
	       strcmp(a->description, b->description) == 0;
}

static void test_round_trip(void)
{
	static const char text[] =
		HEADER "a,\"Quoted, \"\"name\"\"\",recover,0.1,1e6,1,3,3,3,1,1,*,*,,\"two\nlines\"\n"
		       "b,B,awareness_training,123456789.125,0,100,0,0,0,0,0,"
		       "critical_infrastructure,energy;stadium_arena,grp, leading space\n";
	struct pt_measure_catalog c, back;
	char *m1 = NULL, *e1 = NULL, *m2 = NULL, *e2 = NULL;
	size_t m1len = 0, e1len = 0, m2len = 0, e2len = 0, i;
	memset(&c, 0, sizeof c);
	memset(&back, 0, sizeof back);
	CHECK_INT(read_measures(text, &c), PT_OK);
	CHECK_INT(read_effects(EFFECTS_HEADER "a,arson,0.1,0.123456789\nb,pbied,1,0\n", NULL, &c),
		  PT_OK);
	CHECK(write_both(&c, &m1, &m1len, &e1, &e1len));
	CHECK_INT(read_measures(m1 ? m1 : "", &back), PT_OK);
	CHECK_INT(read_effects(e1 ? e1 : "", NULL, &back), PT_OK);
	CHECK_INT(back.n, c.n);
	CHECK_INT(back.n_effects, c.n_effects);
	for (i = 0; i < c.n && i < back.n; i++)
		CHECK(same_measure(&c.items[i], &back.items[i]));
	for (i = 0; i < c.n_effects && i < back.n_effects; i++) {
		CHECK_STR(back.effects[i].measure_id, c.effects[i].measure_id);
		CHECK_STR(back.effects[i].threat_id, c.effects[i].threat_id);
		CHECK(back.effects[i].v_reduction == c.effects[i].v_reduction);
		CHECK(back.effects[i].c_reduction == c.effects[i].c_reduction);
	}
	/* writing what was read back gives the same bytes */
	CHECK(write_both(&back, &m2, &m2len, &e2, &e2len));
	CHECK(m1 && m2 && m1len == m2len && memcmp(m1, m2, m1len) == 0);
	CHECK(e1 && e2 && e1len == e2len && memcmp(e1, e2, e1len) == 0);
	CHECK(m1 && strncmp(m1, HEADER_WRITTEN, strlen(HEADER_WRITTEN)) == 0);
	free(m1);
	free(e1);
	free(m2);
	free(e2);
	pt_measure_catalog_clear(&c);
	pt_measure_catalog_clear(&back);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < FILE_MAX &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

/* Read a shipped file with reader r (0 catalogue, 1 measures, 2 effects, 3 site measures, 4 sites). */
static int load(const char *path, int r, struct pt_catalogs *cats, struct pt_catalog *entries,
		struct pt_measure_catalog *mc, struct pt_site_measure_list *sm,
		struct pt_site_list *sites)
{
	struct pt_diag d;
	size_t len = 0;
	char *buf = slurp(path, &len), msg[1600];
	enum pt_err err = PT_EIO;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, path, sizeof d.file);
	CHECK(buf != NULL);
	if (!buf)
		return 0;
	if (r == 0)
		err = pt_catalog_read_csv(buf, len, entries, &d);
	else if (r == 1)
		err = pt_measures_read_csv(buf, len, cats, mc, &d);
	else if (r == 2)
		err = pt_measure_effects_read_csv(buf, len, &cats->threats, NULL, mc, &d);
	else if (r == 3)
		err = pt_site_measures_read_csv(buf, len, sm, &d);
	else
		err = pt_sites_read_csv(buf, len, cats, sites, &d);
	free(buf);
	if (err != PT_OK) {
		pt_diag_format(&d, msg, sizeof msg);
		fprintf(stderr, "%s\n", msg);
	}
	CHECK_INT(err, PT_OK);
	return err == PT_OK;
}

static void test_shipped_catalogue(void)
{
	struct pt_catalogs real;
	struct pt_measure_catalog mc;
	struct pt_site_measure_list sm;
	struct pt_site_list sites;
	int families[PT_FAMILY_COUNT] = {0}, step_free = 0, legal = 0, f;
	size_t i, j;
	memset(&real, 0, sizeof real);
	memset(&mc, 0, sizeof mc);
	memset(&sm, 0, sizeof sm);
	memset(&sites, 0, sizeof sites);
	if (!load("data/catalog/kinds.csv", 0, NULL, &real.kinds, NULL, NULL, NULL) ||
	    !load("data/catalog/sectors.csv", 0, NULL, &real.sectors, NULL, NULL, NULL) ||
	    !load("data/catalog/threats.csv", 0, NULL, &real.threats, NULL, NULL, NULL) ||
	    !load("data/catalog/measures.csv", 1, &real, NULL, &mc, NULL, NULL) ||
	    !load("data/catalog/measure_effects.csv", 2, &real, NULL, &mc, NULL, NULL))
		goto out;
	CHECK(mc.n >= 20);
	for (i = 0; i < mc.n; i++) {
		const struct pt_measure *m = &mc.items[i];
		size_t effects = 0, group = 0;
		families[m->family]++;
		step_free += m->removes_step_free;
		legal += m->legal_basis;
		for (j = 0; j < mc.n_effects; j++)
			if (strcmp(mc.effects[j].measure_id, m->id) == 0)
				effects++;
		if (!effects)
			fprintf(stderr, "measure %s has no effect\n", m->id);
		CHECK(effects > 0);
		if (!m->exclusive_group[0])
			continue;
		for (j = 0; j < mc.n; j++)
			if (strcmp(mc.items[j].exclusive_group, m->exclusive_group) == 0)
				group++;
		if (group < 2)
			fprintf(stderr, "group %s has one member\n", m->exclusive_group);
		CHECK(group >= 2);
	}
	for (f = 0; f < PT_FAMILY_COUNT; f++) {
		if (!families[f])
			fprintf(stderr, "no measure of family %s\n",
				pt_measure_family_name((enum pt_measure_family)f));
		CHECK(families[f] > 0);
	}
	CHECK(step_free >= 1);
	CHECK(legal >= 1);

	/* the demo's measures in place name demo sites and catalogue measures */
	if (!load("data/demo/site_measures.csv", 3, NULL, NULL, NULL, &sm, NULL) ||
	    !load("data/demo/sites.csv", 4, &real, NULL, NULL, NULL, &sites))
		goto out;
	CHECK(sm.n >= 30);
	for (i = 0; i < sm.n; i++) {
		int site_found = 0;
		if (pt_measure_catalog_find(&mc, sm.items[i].measure_id) < 0) {
			fprintf(stderr, "site_measures.csv:%ld: unknown measure %s\n", sm.items[i].line,
				sm.items[i].measure_id);
			CHECK(0);
		}
		for (j = 0; j < sites.n; j++)
			if (strcmp(sites.items[j].id, sm.items[i].site_id) == 0)
				site_found = 1;
		if (!site_found)
			fprintf(stderr, "site_measures.csv:%ld: unknown site %s\n", sm.items[i].line,
				sm.items[i].site_id);
		CHECK(site_found);
	}
out:
	pt_site_list_clear(&sites);
	pt_site_measure_list_clear(&sm);
	pt_measure_catalog_clear(&mc);
	free_catalogs(&real);
}

/* issue 11 (fit): the optional columns: driver, unit costs, needs, safeguards, basis names. */
static void fit_measure_bad(const char *tail, const char *msg)
{
	struct pt_measure_catalog c;
	char text[1024];
	memset(&c, 0, sizeof c);
	snprintf(text, sizeof text, "%sm1,Bollards,physical_protection,60000,2000,25,0,1,0,none,0,*,*,,%s\n",
		 HEADER_WRITTEN, tail);
	CHECK_INT(read_measures(text, &c), PT_EINVAL);
	CHECK_STR(shown, msg);
	CHECK_INT(c.n, 0);
	pt_measure_catalog_clear(&c);
}

static void test_measures_fit_columns(void)
{
	struct pt_measure_catalog c;
	char text[1024];
	memset(&c, 0, sizeof c);
	snprintf(text, sizeof text,
		 "%sm1,Screening,prevent,80000,175000,8,2,2,2,entry,0,*,*,,d,screened_per_day,33,70,"
		 "enclosed;staffed,signage;non_discrimination_policy\n"
		 "m2,Film,prevent,1,1,8,0,0,0,statute,0,*,*,,d,site,,,,\n",
		 HEADER_WRITTEN);
	CHECK_INT(read_measures(text, &c), PT_OK);
	CHECK_INT(c.n, 2);
	if (c.n == 2) {
		CHECK_INT(c.items[0].legal_basis, PT_BASIS_ENTRY);
		CHECK_INT(c.items[0].cost_driver, PT_COST_DRIVER + PT_DRIVER_SCREENED_PER_DAY);
		CHECK_NEAR(c.items[0].unit_capex_eur, 33, 0);
		CHECK_NEAR(c.items[0].unit_opex_eur_year, 70, 0);
		CHECK_INT(c.items[0].needs, PT_NEED_ENCLOSED | PT_NEED_STAFFED);
		CHECK_INT(c.items[0].safeguards, (1u << PT_SAFEGUARD_SIGNAGE) |
						      (1u << PT_SAFEGUARD_NON_DISCRIMINATION));
		CHECK_INT(c.items[1].legal_basis, PT_BASIS_STATUTE);
		CHECK_INT(c.items[1].cost_driver, PT_COST_SITE);
		CHECK_INT(c.items[1].needs, 0);
	}
	pt_measure_catalog_clear(&c);
	fit_measure_bad("d,people,1,1,,", "measures.csv:2: cost_driver: unknown driver \"people\"; "
			"valid: size, site, staff, entrances, perimeter_m, vehicle_approaches, "
			"screened_per_day, control_systems");
	fit_measure_bad("d,staff,,,,", "measures.csv:2: unit_capex_eur: missing value: a cost "
			"driver of the site needs unit costs");
	fit_measure_bad("d,staff,-1,1,,", "measures.csv:2: unit_capex_eur: must be a number from 0 "
			"to 1000000000000");
	fit_measure_bad("d,staff,1,x,,", "measures.csv:2: unit_opex_eur_year: \"x\" is not a number");
	fit_measure_bad("d,size,,,roofed,", "measures.csv:2: needs: unknown condition \"roofed\"; "
			"valid: enclosed, staffed, controlled_entry");
	fit_measure_bad("d,size,,,,dpia;consent", "measures.csv:2: safeguards: unknown safeguard "
			"\"consent\"; valid: dpia, signage, retention_limit, "
			"non_discrimination_policy, human_review");
}

int main(void)
{
	setup();
	RUN(test_measures_good);
	RUN(test_measures_optional_columns_any_order);
	RUN(test_measures_field_errors);
	RUN(test_measures_fit_columns);
	RUN(test_measures_duplicate_and_shape);
	RUN(test_measures_header_errors);
	RUN(test_measures_crlf_bom);
	RUN(test_effects);
	RUN(test_effects_known);
	RUN(test_site_measures);
	RUN(test_round_trip);
	RUN(test_shipped_catalogue);
	free_catalogs(&cat);
	return TEST_SUMMARY("test_measures_io");
}
