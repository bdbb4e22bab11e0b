/* test_gen.c - unit tests of the data: the fictional demo region is
 * complete and valid under the import rules; the synthetic generator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_gen.h"
#include "core/pt_model.h"
#include "core/pt_score.h"
#include "formats/pt_assess_io.h"
#include "formats/pt_csv.h"
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
	pt_catalog_clear(&cat->kinds);
	pt_catalog_clear(&cat->sectors);
	pt_catalog_clear(&cat->threats);
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
	pt_site_list_clear(&sites);
	pt_assessment_set_clear(&fema);
	pt_assessment_set_clear(&carver);
	pt_assessment_set_clear(&quant);
	free_catalogs(&cat);
}

static void test_gen_check(void)
{
	struct pt_catalogs cat, empty;
	struct pt_gen_params p;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	memset(&empty, 0, sizeof empty);
	if (!load_catalogs(&cat))
		goto out;
	p.seed = 1;
	p.n_sites = 10;
	p.n_threats = 0;
	CHECK_INT(pt_gen_check(&p, &cat, &d), PT_OK);
	CHECK_INT(p.n_threats, cat.threats.n); /* 0 means every threat */
	p.n_threats = 3;
	CHECK_INT(pt_gen_check(&p, &cat, &d), PT_OK);
	CHECK_INT(p.n_threats, 3);
	p.n_threats = cat.threats.n + 1;
	CHECK_INT(pt_gen_check(&p, &cat, &d), PT_EINVAL);
	CHECK_STR(d.field, "threats");
	CHECK_STR(d.msg, "at most 13 (the threat scenarios of the catalogue)");
	p.n_threats = 0;
	p.n_sites = 0;
	CHECK_INT(pt_gen_check(&p, &cat, &d), PT_EINVAL);
	CHECK_STR(d.field, "sites");
	p.n_sites = PT_GEN_SITES_MAX + 1;
	CHECK_INT(pt_gen_check(&p, &cat, &d), PT_ELIMIT);
	CHECK_STR(d.field, "sites");
	p.n_sites = PT_GEN_SITES_MAX;
	CHECK_INT(pt_gen_check(&p, &cat, &d), PT_OK);
	CHECK_INT(pt_gen_check(&p, &empty, &d), PT_EINVAL);
	CHECK_STR(d.field, "catalogues");
out:
	free_catalogs(&cat);
}

static void test_gen_ids_and_limits(void)
{
	struct pt_catalogs cat;
	struct pt_gen_params p = { 7, 2000000, 0 };
	struct pt_site s;
	struct pt_fema_row f;
	struct pt_quant_row q;
	if (!load_catalogs(&cat))
		goto out;
	CHECK_INT(pt_gen_check(&p, &cat, NULL), PT_OK);
	CHECK_INT(pt_gen_site(&p, &cat, 0, &s), PT_OK);
	CHECK_STR(s.id, "S000001");
	CHECK_INT(pt_gen_site(&p, &cat, 41, &s), PT_OK);
	CHECK_STR(s.id, "S000042");
	CHECK_INT(pt_gen_site(&p, &cat, 1234566, &s), PT_OK);
	CHECK_STR(s.id, "S1234567");
	CHECK_INT(pt_gen_site(&p, &cat, 2000000, &s), PT_EINVAL); /* past N */
	CHECK_INT(pt_gen_fema(&p, &cat, 0, cat.threats.n, &f), PT_EINVAL);
	/* K = 3: the first three threats of the catalogue. */
	p.n_threats = 3;
	CHECK_INT(pt_gen_fema(&p, &cat, 5, 2, &f), PT_OK);
	CHECK_STR(f.threat_id, cat.threats.items[2].id);
	CHECK_STR(f.site_id, "S000006");
	CHECK_INT(pt_gen_quant(&p, &cat, 5, 0, &q), PT_OK);
	CHECK_STR(q.threat_id, cat.threats.items[0].id);
	CHECK_INT(pt_gen_quant(&p, &cat, 5, 3, &q), PT_EINVAL);
out:
	free_catalogs(&cat);
}

static void test_gen_deterministic(void)
{
	struct pt_catalogs cat;
	struct pt_gen_params a = { 42, 500, 0 }, b = { 42, 100000, 0 }, c = { 43, 500, 0 };
	struct pt_site s1, s2;
	struct pt_quant_row q1, q2;
	struct pt_carver_row c1, c2;
	uint64_t i;
	int differs = 0;
	if (!load_catalogs(&cat))
		goto out;
	pt_gen_check(&a, &cat, NULL);
	pt_gen_check(&b, &cat, NULL);
	pt_gen_check(&c, &cat, NULL);
	/* Same seed: the same elements, whatever N and whatever was made before. */
	for (i = 0; i < 500; i += 37) {
		CHECK_INT(pt_gen_site(&a, &cat, i, &s1), PT_OK);
		CHECK_INT(pt_gen_site(&b, &cat, i, &s2), PT_OK);
		CHECK(memcmp(&s1, &s2, sizeof s1) == 0);
		CHECK_INT(pt_gen_quant(&a, &cat, i, 4, &q1), PT_OK);
		CHECK_INT(pt_gen_quant(&b, &cat, i, 4, &q2), PT_OK);
		CHECK(memcmp(&q1, &q2, sizeof q1) == 0);
		CHECK_INT(pt_gen_carver(&a, &cat, i, &c1), PT_OK);
		CHECK_INT(pt_gen_carver(&b, &cat, i, &c2), PT_OK);
		CHECK(memcmp(&c1, &c2, sizeof c1) == 0);
		/* Another seed, another dataset. */
		CHECK_INT(pt_gen_site(&c, &cat, i, &s2), PT_OK);
		differs |= s1.lat != s2.lat || strcmp(s1.name, s2.name) != 0;
	}
	CHECK(differs);
out:
	free_catalogs(&cat);
}

/* A generated dataset of n sites, through the formats writers and readers. */
static void test_gen_valid_and_covering(void)
{
	struct pt_catalogs cat;
	struct pt_gen_params p = { 20240601, 400, 0 };
	struct pt_site_list sites, back;
	struct pt_assessment_set fema, carver, quant, fema_back, quant_back, carver_back;
	struct pt_diag d;
	int tlp_seen[PT_TLP_COUNT] = { 0 };
	int *sector_seen = NULL, empty_capacity = 0, constant_ranges = 0;
	double fat_big = 0, fat_small = 0, pa_high = 0, pa_low = 0;
	int n_big = 0, n_small = 0, n_high = 0, n_low = 0;
	uint64_t i;
	size_t j, k;
	long pbied;
	FILE *f = NULL;
	char *buf = NULL, msg[1600];
	size_t len = 0;

	memset(&sites, 0, sizeof sites);
	memset(&back, 0, sizeof back);
	memset(&fema, 0, sizeof fema);
	memset(&carver, 0, sizeof carver);
	memset(&quant, 0, sizeof quant);
	memset(&fema_back, 0, sizeof fema_back);
	memset(&quant_back, 0, sizeof quant_back);
	memset(&carver_back, 0, sizeof carver_back);
	memset(&d, 0, sizeof d);
	if (!load_catalogs(&cat))
		goto out;
	CHECK_INT(pt_gen_check(&p, &cat, &d), PT_OK);
	pbied = pt_catalog_find(&cat.threats, "pbied");
	sector_seen = calloc(cat.sectors.n, sizeof *sector_seen);
	CHECK(sector_seen != NULL && pbied >= 0);
	if (!sector_seen || pbied < 0)
		goto out;
	for (i = 0; i < p.n_sites; i++) {
		struct pt_site s;
		struct pt_carver_row cr;
		long sec;
		CHECK_INT(pt_gen_site(&p, &cat, i, &s), PT_OK);
		sec = pt_catalog_find(&cat.sectors, s.sector);
		CHECK(sec >= 0);
		if (sec >= 0) {
			sector_seen[sec] = 1;
			CHECK_STR(s.kind, cat.sectors.items[sec].parent);
		}
		tlp_seen[s.tlp] = 1;
		empty_capacity |= s.capacity < 0;
		CHECK(s.lat >= 40 && s.lat <= 48 && s.lon >= -22 && s.lon <= -14);
		CHECK(s.capacity < 0 || s.peak_occupancy <= s.capacity);
		CHECK(s.name[0] && s.owner[0] && s.region[0]);
		CHECK_INT(pt_site_check(&s, &cat, (long)i + 2, &d), PT_OK);
		CHECK_INT(pt_site_list_append(&sites, &s, (long)i + 2), PT_OK);
		CHECK_INT(pt_gen_carver(&p, &cat, i, &cr), PT_OK);
		CHECK_INT(pt_carver_check(&cr, &d, 1), PT_OK);
		CHECK_INT(pt_assessment_set_add_carver(&carver, &cr, 0), PT_OK);
		for (j = 0; j < p.n_threats; j++) {
			struct pt_fema_row fr;
			struct pt_quant_row qr;
			CHECK_INT(pt_gen_fema(&p, &cat, i, j, &fr), PT_OK);
			CHECK_INT(pt_fema_check(&fr, &d, 1), PT_OK);
			CHECK_INT(pt_gen_quant(&p, &cat, i, j, &qr), PT_OK);
			for (k = 0; k < PT_QV_COUNT; k++) {
				double hi = k <= PT_QV_P_SUCCESS ? 1.0 : 1e15;
				CHECK_INT(pt_range_check(&qr.var[k], 0, hi, &d, 1,
							 pt_quant_var_name((enum pt_quant_var)k)),
					  PT_OK);
				constant_ranges += qr.var[k].min == qr.var[k].max;
			}
			/* attempts are rare */
			CHECK(qr.var[PT_QV_P_ATTEMPT].mode <= 0.5);
			CHECK(qr.var[PT_QV_FATALITIES].mode <= (double)s.peak_occupancy ||
			      strncmp(qr.threat_id, "vbied", 5) == 0 ||
			      strcmp(qr.threat_id, "chemical_release") == 0);
			/* FEMA and quant agree: the threat rating drives p_attempt */
			if (fr.threat_rating >= 6) {
				pa_high += qr.var[PT_QV_P_ATTEMPT].mode;
				n_high++;
			} else if (fr.threat_rating <= 3) {
				pa_low += qr.var[PT_QV_P_ATTEMPT].mode;
				n_low++;
			}
			/* occupancy drives fatalities */
			if ((long)j == pbied && s.peak_occupancy >= 10000) {
				fat_big += qr.var[PT_QV_FATALITIES].mode;
				n_big++;
			} else if ((long)j == pbied && s.peak_occupancy <= 300) {
				fat_small += qr.var[PT_QV_FATALITIES].mode;
				n_small++;
			}
			CHECK_INT(pt_assessment_set_add_fema(&fema, &fr, 0), PT_OK);
			CHECK_INT(pt_assessment_set_add_quant(&quant, &qr, 0), PT_OK);
		}
	}
	for (k = 0; k < cat.sectors.n; k++)
		CHECK(sector_seen[k]);
	for (k = 0; k < PT_TLP_COUNT; k++)
		CHECK(tlp_seen[k]);
	CHECK(empty_capacity);
	CHECK(constant_ranges > 0);
	CHECK(n_high > 0 && n_low > 0 && n_big > 0 && n_small > 0);
	if (n_high && n_low)
		CHECK(pa_high / n_high > 10 * (pa_low / n_low));
	if (n_big && n_small)
		CHECK(fat_big / n_big > 5 * (fat_small / n_small));

	/* What `protect gen` writes, the importers accept. */
#define ROUND_TRIP(writer, reader_call, label)                                          \
	do {                                                                            \
		f = tmpfile();                                                          \
		CHECK(f != NULL);                                                       \
		if (!f)                                                                 \
			goto out;                                                       \
		CHECK_INT(writer, PT_OK);                                               \
		len = (size_t)ftell(f);                                                 \
		rewind(f);                                                              \
		buf = malloc(len + 1);                                                  \
		CHECK(buf != NULL);                                                     \
		if (!buf)                                                               \
			goto out;                                                       \
		CHECK_INT(fread(buf, 1, len, f), len);                                  \
		fclose(f);                                                              \
		f = NULL;                                                               \
		if (reader_call != PT_OK) {                                             \
			pt_diag_format(&d, msg, sizeof msg);                            \
			fprintf(stderr, "%s: %s\n", label, msg);                        \
			CHECK(0);                                                       \
		}                                                                       \
		free(buf);                                                              \
		buf = NULL;                                                             \
	} while (0)
	ROUND_TRIP(pt_sites_write_csv(f, sites.items, sites.n),
		   pt_sites_read_csv(buf, len, &cat, &back, &d), "sites");
	CHECK_INT(back.n, p.n_sites);
	CHECK_INT(d.warnings, 0);
	ROUND_TRIP(pt_assessments_write_csv(f, &fema),
		   pt_assessments_read_csv(buf, len, &cat.threats, &fema_back, &d), "fema");
	CHECK_INT(fema_back.n, p.n_sites * p.n_threats);
	ROUND_TRIP(pt_assessments_write_csv(f, &carver),
		   pt_assessments_read_csv(buf, len, &cat.threats, &carver_back, &d), "carver");
	CHECK_INT(carver_back.n, p.n_sites);
	ROUND_TRIP(pt_assessments_write_csv(f, &quant),
		   pt_assessments_read_csv(buf, len, &cat.threats, &quant_back, &d), "quant");
	CHECK_INT(quant_back.n, p.n_sites * p.n_threats);
#undef ROUND_TRIP
out:
	if (f)
		fclose(f);
	free(buf);
	free(sector_seen);
	pt_site_list_clear(&sites);
	pt_site_list_clear(&back);
	pt_assessment_set_clear(&fema);
	pt_assessment_set_clear(&carver);
	pt_assessment_set_clear(&quant);
	pt_assessment_set_clear(&fema_back);
	pt_assessment_set_clear(&carver_back);
	pt_assessment_set_clear(&quant_back);
	free_catalogs(&cat);
}

/* The demo region's supply network (issue 12) under the import rules, until
 * the dependencies reader checks it too: known sites, no self-dependency or
 * repeated pair, types, hours >= 0, loss 0-1, the rows of a group agree; the
 * district hospital hangs on the main substation alone, the general
 * hospital has a redundant feed from the other substation. */
static void test_demo_dependencies(void)
{
	static const char *const head[] = { "provider_id", "consumer_id", "type",
					    "autonomy_hours", "service_loss", "group" };
	static const char *const types[] = { "physical", "cyber", "geographic", "logical" };
	struct pt_catalogs cat;
	struct pt_site_list sites;
	struct pt_csv *csv = NULL;
	struct pt_diag d;
	struct row {
		char p[PT_ID_MAX], c[PT_ID_MAX], g[PT_ID_MAX];
		double h, l;
	} *rows = NULL;
	size_t len = 0, n, k, m, nrows = 0, cap = 0;
	char *buf = NULL, **f;
	long line;
	int eof = 0, bad = 0, district_alone = 0, general_group = 0, general_other = 0;

	memset(&sites, 0, sizeof sites);
	memset(&d, 0, sizeof d);
	if (!load_catalogs(&cat))
		goto out;
	buf = slurp("data/demo/sites.csv", &len);
	CHECK(buf != NULL);
	if (!buf || pt_sites_read_csv(buf, len, &cat, &sites, &d) != PT_OK)
		goto out;
	free(buf);
	buf = slurp("data/demo/dependencies.csv", &len);
	CHECK(buf != NULL);
	if (!buf || pt_csv_open(buf, len, &csv) != PT_OK)
		goto out;
	CHECK_INT(pt_csv_next(csv, &f, &n, &line, &eof, &d), PT_OK);
	CHECK_INT((long long)n, 6);
	for (k = 0; k < n && k < 6; k++)
		CHECK_STR(f[k], head[k]);
	for (;;) {
		struct row r;
		int type_ok = 0, known = 0;
		char *end;
		if (pt_csv_next(csv, &f, &n, &line, &eof, &d) != PT_OK || eof)
			break;
		if (n != 6 || strlen(f[0]) >= PT_ID_MAX || strlen(f[1]) >= PT_ID_MAX ||
		    strlen(f[5]) >= PT_ID_MAX) {
			fprintf(stderr, "dependencies.csv:%ld: bad row\n", line);
			bad++;
			continue;
		}
		memset(&r, 0, sizeof r);
		pt_strlcpy(r.p, f[0], sizeof r.p);
		pt_strlcpy(r.c, f[1], sizeof r.c);
		pt_strlcpy(r.g, f[5], sizeof r.g);
		r.h = strtod(f[3], &end);
		bad += *end != '\0' || !(r.h >= 0 && r.h <= 1e6);
		r.l = strtod(f[4], &end);
		bad += *end != '\0' || !(r.l >= 0 && r.l <= 1);
		for (k = 0; k < 4; k++)
			type_ok |= strcmp(f[2], types[k]) == 0;
		for (k = 0; k < sites.n; k++)
			known += (strcmp(sites.items[k].id, r.p) == 0) +
				 (strcmp(sites.items[k].id, r.c) == 0);
		bad += !type_ok + (known != 2) + (strcmp(r.p, r.c) == 0);
		for (m = 0; m < nrows; m++) {
			bad += strcmp(rows[m].p, r.p) == 0 && strcmp(rows[m].c, r.c) == 0;
			bad += r.g[0] && strcmp(rows[m].c, r.c) == 0 && strcmp(rows[m].g, r.g) == 0 &&
			       (rows[m].h != r.h || rows[m].l != r.l);
		}
		if (bad)
			fprintf(stderr, "dependencies.csv:%ld: %d problems so far\n", line, bad);
		district_alone += strcmp(r.p, "VM-002") == 0 && strcmp(r.c, "VM-013") == 0 && !r.g[0];
		general_group += strcmp(r.p, "VM-002") == 0 && strcmp(r.c, "VM-012") == 0 && r.g[0];
		general_other += strcmp(r.p, "VM-065") == 0 && strcmp(r.c, "VM-012") == 0 && r.g[0];
		if (nrows == cap) {
			struct row *grown = realloc(rows, (cap = cap ? 2 * cap : 64) * sizeof *rows);
			CHECK(grown != NULL);
			if (!grown)
				goto out;
			rows = grown;
		}
		rows[nrows++] = r;
	}
	CHECK(eof);
	CHECK_INT(bad, 0);
	CHECK(nrows >= 60);
	CHECK_INT(district_alone, 1);
	CHECK(general_group == 1 && general_other == 1);
out:
	free(rows);
	pt_csv_free(csv);
	free(buf);
	pt_site_list_clear(&sites);
	free_catalogs(&cat);
}

/* Index of a generated id "S000042" -> 41; UINT64_MAX if it is not one. */
static uint64_t gen_index(const char *id)
{
	char *end;
	unsigned long long v;
	if (id[0] != 'S' || strlen(id) < 7)
		return UINT64_MAX;
	v = strtoull(id + 1, &end, 10);
	return *end || v == 0 ? UINT64_MAX : (uint64_t)v - 1;
}

/* The dependencies (issue 12): valid rows, layered (providers only from the
 * infrastructure sectors, most sites supply nobody, heavy-tailed out-degree). */
static void test_gen_dependencies(void)
{
	static const struct {
		const char *sector;
		enum pt_dep_type type;
	} providing[] = { { "energy", PT_DEP_PHYSICAL },
			  { "drinking_water", PT_DEP_PHYSICAL },
			  { "digital_infrastructure", PT_DEP_CYBER },
			  { "transport", PT_DEP_LOGICAL } };
	struct pt_catalogs cat;
	struct pt_gen_params p = { 77, 6000, 0 }, one = { 77, 1, 0 };
	struct pt_dependency deps[PT_GEN_DEPS_MAX];
	struct pt_site prov;
	unsigned *outdeg = NULL;
	size_t n, k, m, total = 0, suppliers = 0, groups = 0, counts[PT_GEN_DEPS_MAX + 1] = { 0 };
	unsigned max = 0;
	uint64_t i, a;
	int bad_rows = 0;
	char id[PT_ID_MAX];
	if (!load_catalogs(&cat))
		goto out;
	CHECK_INT(pt_gen_check(&p, &cat, NULL), PT_OK);
	CHECK_INT(pt_gen_check(&one, &cat, NULL), PT_OK);
	outdeg = calloc((size_t)p.n_sites, sizeof *outdeg);
	CHECK(outdeg != NULL);
	if (!outdeg)
		goto out;
	for (i = 0; i < p.n_sites; i++) {
		CHECK_INT(pt_gen_dependencies(&p, &cat, i, deps, &n), PT_OK);
		counts[n < PT_GEN_DEPS_MAX ? n : PT_GEN_DEPS_MAX]++;
		total += n;
		for (k = 0; k < n; k++) {
			const struct pt_dependency *d = &deps[k];
			int sector_ok = 0;
			a = gen_index(d->provider_id);
			bad_rows += a >= p.n_sites || a == i || gen_index(d->consumer_id) != i;
			bad_rows += !(d->autonomy_hours >= 0 && d->autonomy_hours <= 168 &&
				      d->autonomy_hours == (double)(long)d->autonomy_hours);
			bad_rows += !(d->service_loss > 0 && d->service_loss <= 1);
			bad_rows += d->group[0] && strcmp(d->group, "power") != 0 &&
				    strcmp(d->group, "uplink") != 0;
			for (m = 0; m < k; m++) {
				bad_rows += strcmp(deps[m].provider_id, d->provider_id) == 0;
				if (d->group[0] && strcmp(deps[m].group, d->group) == 0) {
					groups++;
					bad_rows += deps[m].autonomy_hours != d->autonomy_hours ||
						    deps[m].service_loss != d->service_loss;
				}
			}
			if (a >= p.n_sites)
				continue;
			outdeg[a]++;
			CHECK_INT(pt_gen_site(&p, &cat, a, &prov), PT_OK);
			for (m = 0; m < sizeof providing / sizeof providing[0]; m++)
				sector_ok |= strcmp(prov.sector, providing[m].sector) == 0 &&
					     d->type == providing[m].type;
			bad_rows += !sector_ok;
		}
	}
	CHECK_INT(bad_rows, 0);
	CHECK_INT(counts[0], 0); /* every site consumes 1-5 supplies */
	CHECK(counts[1] > 0 && counts[5] > 0);
	CHECK(groups > 100);
	for (i = 0; i < p.n_sites; i++) {
		suppliers += outdeg[i] > 0;
		if (outdeg[i] > max)
			max = outdeg[i];
	}
	/* Layered: most sites supply nobody (the four providing sectors are 4 of 21). */
	CHECK(suppliers * 4 < p.n_sites);
	CHECK(suppliers > 50);
	/* Heavy tail: the largest provider serves many times the average one. */
	CHECK((double)max > 20.0 * (double)total / (double)suppliers);

	/* Deterministic: the same rows in any order of the calls; another seed differs. */
	{
		struct pt_gen_params b = p, c = p;
		struct pt_dependency again[PT_GEN_DEPS_MAX];
		size_t n2;
		int differs = 0;
		c.seed = 78;
		for (i = p.n_sites; i-- > 0;) {
			if (i % 97)
				continue;
			CHECK_INT(pt_gen_dependencies(&b, &cat, i, again, &n2), PT_OK);
			CHECK_INT(pt_gen_dependencies(&p, &cat, i, deps, &n), PT_OK);
			CHECK(n == n2 && memcmp(deps, again, n * sizeof *deps) == 0);
			CHECK_INT(pt_gen_dependencies(&c, &cat, i, again, &n2), PT_OK);
			differs |= n != n2 || memcmp(deps, again, n * sizeof *deps) != 0;
		}
		CHECK(differs);
	}
	/* One site depends on nobody; out of range and NULL are refused. */
	CHECK_INT(pt_gen_dependencies(&one, &cat, 0, deps, &n), PT_OK);
	CHECK_INT((long long)n, 0);
	CHECK_INT(pt_gen_dependencies(&p, &cat, p.n_sites, deps, &n), PT_EINVAL);
	CHECK_INT(pt_gen_dependencies(&p, &cat, 0, deps, NULL), PT_EINVAL);
	snprintf(id, sizeof id, "S%06d", 1);
	CHECK_INT(pt_gen_dependencies(&p, &cat, 0, deps, &n), PT_OK);
	CHECK_STR(deps[0].consumer_id, id);
out:
	free(outdeg);
	free_catalogs(&cat);
}

int main(void)
{
	RUN(test_catalogs);
	RUN(test_demo_complete);
	RUN(test_demo_dependencies);
	RUN(test_gen_check);
	RUN(test_gen_ids_and_limits);
	RUN(test_gen_deterministic);
	RUN(test_gen_valid_and_covering);
	RUN(test_gen_dependencies);
	return TEST_SUMMARY("test_gen");
}
