/* test_gen.c - unit tests of the data: the fictional demo region is
 * complete and valid under the import rules; the synthetic generator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_model.h"
#include "formats/pt_assess_io.h"
#include "formats/pt_diag.h"
#include "formats/pt_sites_io.h"
#include "pt_test.h"

#define FILE_MAX (8L << 20)

/* Read a whole file (tests run from the repository root); NULL on failure. */
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

/* Load one catalogue file into c; reports a failure with its diagnostic. */
static int load_catalog(const char *path, struct pt_catalog *c)
{
	struct pt_diag d;
	size_t len = 0;
	char *buf = slurp(path, &len);
	enum pt_err err;
	char msg[1600];
	memset(&d, 0, sizeof d);
	CHECK(buf != NULL);
	if (!buf)
		return 0;
	err = pt_catalog_read_csv(buf, len, c, &d);
	free(buf);
	if (err != PT_OK) {
		pt_diag_format(&d, msg, sizeof msg);
		fprintf(stderr, "%s: %s\n", path, msg);
	}
	CHECK_INT(err, PT_OK);
	return err == PT_OK;
}

static int load_catalogs(struct pt_catalogs *cat)
{
	memset(cat, 0, sizeof *cat);
	return load_catalog("data/catalog/kinds.csv", &cat->kinds) &&
	       load_catalog("data/catalog/sectors.csv", &cat->sectors) &&
	       load_catalog("data/catalog/threats.csv", &cat->threats);
}

static void free_catalogs(struct pt_catalogs *cat)
{
	pt_catalog_free(&cat->kinds);
	pt_catalog_free(&cat->sectors);
	pt_catalog_free(&cat->threats);
}

static void test_catalogs(void)
{
	static const char *const threats[] = {
		"vehicle_ramming", "vbied_small", "vbied_large", "pbied", "armed_assault_lone",
		"armed_assault_team", "bladed_weapon", "arson", "chemical_release", "drone_uas",
		"cyber_physical", "insider_sabotage", "hostage_taking"
	};
	static const char *const cer[] = { "energy", "transport", "banking",
					   "financial_market_infrastructure", "health",
					   "drinking_water", "waste_water", "digital_infrastructure",
					   "public_administration", "space", "food" };
	struct pt_catalogs cat;
	size_t i;
	long k;
	if (!load_catalogs(&cat))
		goto out;
	CHECK_INT(cat.kinds.n, 3);
	CHECK(pt_catalog_find(&cat.kinds, "critical_infrastructure") >= 0);
	CHECK(pt_catalog_find(&cat.kinds, "soft_target") >= 0);
	CHECK(pt_catalog_find(&cat.kinds, "public_space") >= 0);
	for (i = 0; i < sizeof threats / sizeof threats[0]; i++) {
		k = pt_catalog_find(&cat.threats, threats[i]);
		CHECK(k >= 0);
		if (k >= 0)
			CHECK(cat.threats.items[k].description[0] != '\0');
	}
	/* The eleven CER Directive sectors are critical infrastructure. */
	for (i = 0; i < sizeof cer / sizeof cer[0]; i++) {
		k = pt_catalog_find(&cat.sectors, cer[i]);
		CHECK(k >= 0);
		if (k >= 0)
			CHECK_STR(cat.sectors.items[k].parent, "critical_infrastructure");
	}
	k = pt_catalog_find(&cat.sectors, "stadium_arena");
	CHECK(k >= 0);
	if (k >= 0)
		CHECK_STR(cat.sectors.items[k].parent, "soft_target");
	k = pt_catalog_find(&cat.sectors, "market");
	CHECK(k >= 0);
	if (k >= 0)
		CHECK_STR(cat.sectors.items[k].parent, "public_space");
	CHECK_INT(cat.sectors.n, 21);
	/* Every sector's kind exists. */
	for (i = 0; i < cat.sectors.n; i++)
		CHECK(pt_catalog_find(&cat.kinds, cat.sectors.items[i].parent) >= 0);
out:
	free_catalogs(&cat);
}

/* Parse an assessment file of the demo; the reader applies every import rule. */
static int load_assessments(const char *path, const struct pt_catalogs *cat,
			    struct pt_assessment_set *set)
{
	struct pt_diag d;
	size_t len = 0;
	char *buf = slurp(path, &len);
	char msg[1600];
	enum pt_err err;
	memset(&d, 0, sizeof d);
	memset(set, 0, sizeof *set);
	CHECK(buf != NULL);
	if (!buf)
		return 0;
	err = pt_assessments_read_csv(buf, len, &cat->threats, set, &d);
	free(buf);
	if (err != PT_OK) {
		pt_diag_format(&d, msg, sizeof msg);
		fprintf(stderr, "%s: %s\n", path, msg);
	}
	CHECK_INT(err, PT_OK);
	return err == PT_OK;
}

static long site_index(const struct pt_site_list *l, const char *id)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->items[i].id, id) == 0)
			return (long)i;
	return -1;
}

static void test_demo_complete(void)
{
	struct pt_catalogs cat;
	struct pt_site_list sites;
	struct pt_assessment_set fema, carver, quant;
	struct pt_diag d;
	int tlp_seen[PT_TLP_COUNT] = { 0 };
	int *n_fema = NULL, *n_carver = NULL, *n_quant = NULL;
	size_t len = 0, i;
	char *buf = NULL;
	int empty_capacity_square = 0, hospital = 0;
	char msg[1600];
	enum pt_err err;

	memset(&sites, 0, sizeof sites);
	memset(&fema, 0, sizeof fema);
	memset(&carver, 0, sizeof carver);
	memset(&quant, 0, sizeof quant);
	memset(&d, 0, sizeof d);
	if (!load_catalogs(&cat))
		goto out;
	buf = slurp("data/demo/sites.csv", &len);
	CHECK(buf != NULL);
	if (!buf)
		goto out;
	err = pt_sites_read_csv(buf, len, &cat, &sites, &d);
	if (err != PT_OK) {
		pt_diag_format(&d, msg, sizeof msg);
		fprintf(stderr, "data/demo/sites.csv: %s\n", msg);
	}
	CHECK_INT(err, PT_OK);
	CHECK_INT(d.warnings, 0);
	CHECK(sites.n >= 60);
	if (sites.n < 1)
		goto out;

	/* Every kind and every sector has a site; all five TLP labels are used. */
	for (i = 0; i < cat.kinds.n; i++) {
		size_t s;
		int found = 0;
		for (s = 0; s < sites.n; s++)
			found |= strcmp(sites.items[s].kind, cat.kinds.items[i].id) == 0;
		if (!found)
			fprintf(stderr, "demo: no site of kind %s\n", cat.kinds.items[i].id);
		CHECK(found);
	}
	for (i = 0; i < cat.sectors.n; i++) {
		size_t s;
		int found = 0;
		for (s = 0; s < sites.n; s++)
			found |= strcmp(sites.items[s].sector, cat.sectors.items[i].id) == 0;
		if (!found)
			fprintf(stderr, "demo: no site of sector %s\n", cat.sectors.items[i].id);
		CHECK(found);
	}
	for (i = 0; i < sites.n; i++) {
		const struct pt_site *s = &sites.items[i];
		long k = pt_catalog_find(&cat.sectors, s->sector);
		tlp_seen[s->tlp] = 1;
		if (strcmp(s->sector, "public_square") == 0 && s->capacity < 0)
			empty_capacity_square = 1;
		if (strcmp(s->sector, "health") == 0 && strstr(s->name, "Hospital"))
			hospital = 1;
		/* kind agrees with the sector's kind */
		CHECK(k >= 0);
		if (k >= 0)
			CHECK_STR(s->kind, cat.sectors.items[k].parent);
		CHECK(s->owner[0] != '\0');
		/* the small invented bounding box, in open ocean */
		CHECK(s->lat > 46.9 && s->lat < 47.3);
		CHECK(s->lon > -12.3 && s->lon < -11.7);
		CHECK(s->capacity < 0 || s->peak_occupancy <= s->capacity);
	}
	for (i = 0; i < PT_TLP_COUNT; i++)
		CHECK(tlp_seen[i]);
	CHECK(empty_capacity_square);
	CHECK(hospital);

	/* All three methods: every site has a CARVER row and >= 3 FEMA and quant rows. */
	if (!load_assessments("data/demo/fema.csv", &cat, &fema) ||
	    !load_assessments("data/demo/carver.csv", &cat, &carver) ||
	    !load_assessments("data/demo/quant.csv", &cat, &quant))
		goto out;
	CHECK_INT(fema.method, PT_METHOD_FEMA);
	CHECK_INT(carver.method, PT_METHOD_CARVER);
	CHECK_INT(quant.method, PT_METHOD_QUANT);
	n_fema = calloc(sites.n, sizeof *n_fema);
	n_carver = calloc(sites.n, sizeof *n_carver);
	n_quant = calloc(sites.n, sizeof *n_quant);
	CHECK(n_fema && n_carver && n_quant);
	if (!n_fema || !n_carver || !n_quant)
		goto out;
	for (i = 0; i < fema.n; i++) {
		long s = site_index(&sites, fema.fema[i].site_id);
		CHECK(s >= 0);
		if (s >= 0)
			n_fema[s]++;
	}
	for (i = 0; i < carver.n; i++) {
		long s = site_index(&sites, carver.carver[i].site_id);
		CHECK(s >= 0);
		if (s >= 0)
			n_carver[s]++;
	}
	for (i = 0; i < quant.n; i++) {
		long s = site_index(&sites, quant.quant[i].site_id);
		size_t f;
		int same = 0;
		CHECK(s >= 0);
		if (s >= 0)
			n_quant[s]++;
		/* quant and FEMA assess the same threats of a site */
		for (f = 0; f < fema.n; f++)
			same |= strcmp(fema.fema[f].site_id, quant.quant[i].site_id) == 0 &&
				strcmp(fema.fema[f].threat_id, quant.quant[i].threat_id) == 0;
		CHECK(same);
	}
	for (i = 0; i < sites.n; i++) {
		if (n_fema[i] < 3 || n_quant[i] < 3 || n_carver[i] != 1)
			fprintf(stderr, "demo: site %s has %d FEMA, %d quant, %d CARVER rows\n",
				sites.items[i].id, n_fema[i], n_quant[i], n_carver[i]);
		CHECK(n_fema[i] >= 3);
		CHECK(n_quant[i] >= 3);
		CHECK_INT(n_carver[i], 1);
	}
out:
	free(n_fema);
	free(n_carver);
	free(n_quant);
	free(buf);
	pt_site_list_free(&sites);
	pt_assessment_set_free(&fema);
	pt_assessment_set_free(&carver);
	pt_assessment_set_free(&quant);
	free_catalogs(&cat);
}

int main(void)
{
	RUN(test_catalogs);
	RUN(test_demo_complete);
	return TEST_SUMMARY("test_gen");
}
