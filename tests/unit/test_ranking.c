/* test_ranking.c - unit tests of src/store/pt_ranking.c: rankings and
 * matrices over the demo region, whole and filtered to the sites a caller may see. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/pt_assess_io.h"
#include "formats/pt_diag.h"
#include "formats/pt_embedded.h"
#include "formats/pt_sites_io.h"
#include "pt_test.h"
#include "store/pt_audit.h"
#include "store/pt_ranking.h"

static void load_catalog(const char *name, struct pt_catalog *c)
{
	const struct pt_embedded_file *f = pt_embedded_find(name);
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK(f != NULL);
	if (f)
		CHECK_INT(pt_catalog_read_csv(f->data, f->len, c, &d), PT_OK);
}

/* An in-memory registry holding the demo region (the data `protect demo` loads). */
static struct pt_db *open_demo(void)
{
	static const char *const files[] = {"demo/fema.csv", "demo/carver.csv", "demo/quant.csv"};
	struct pt_catalogs cat;
	struct pt_site_list sites;
	struct pt_diag d;
	struct pt_db *db = NULL;
	const struct pt_embedded_file *f;
	char **keys = NULL, **values = NULL;
	size_t n = 0, i;

	memset(&cat, 0, sizeof cat);
	memset(&sites, 0, sizeof sites);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(":memory:", 1, &db, &d), PT_OK);
	{ /* every write is audited: an in-memory registry needs its audit key in memory */
		static const unsigned char key[PT_AUDIT_KEY_BYTES] = {7, 1, 7, 1};
		CHECK_INT(pt_audit_set_key(db, key, &d), PT_OK);
	}
	load_catalog("catalog/kinds.csv", &cat.kinds);
	load_catalog("catalog/sectors.csv", &cat.sectors);
	load_catalog("catalog/threats.csv", &cat.threats);
	f = pt_embedded_find("catalog/settings.csv");
	CHECK(f != NULL);
	CHECK_INT(pt_settings_read_csv(f->data, f->len, &keys, &values, &n, &d), PT_OK);
	CHECK_INT(pt_db_seed(db, &cat, (const char *const *)keys, (const char *const *)values, n, &d),
		  PT_OK);
	pt_settings_free(keys, values, n);
	f = pt_embedded_find("demo/sites.csv");
	CHECK(f != NULL);
	CHECK_INT(pt_sites_read_csv(f->data, f->len, &cat, &sites, &d), PT_OK);
	CHECK_INT(pt_db_sites_import(db, &sites, NULL, NULL, &d), PT_OK);
	pt_site_list_free(&sites);
	for (i = 0; i < 3; i++) {
		struct pt_assessment_set set;
		memset(&set, 0, sizeof set);
		f = pt_embedded_find(files[i]);
		CHECK(f != NULL);
		CHECK_INT(pt_assessments_read_csv(f->data, f->len, &cat.threats, &set, &d), PT_OK);
		CHECK_INT(pt_db_assessments_import(db, &set, &d), PT_OK);
		pt_assessment_set_free(&set);
	}
	pt_catalog_free(&cat.kinds);
	pt_catalog_free(&cat.sectors);
	pt_catalog_free(&cat.threats);
	return db;
}

/* A filter: sites labelled at most *max. */
static int tlp_at_most(void *ctx, const struct pt_site *s)
{
	return s->tlp <= *(const enum pt_tlp *)ctx;
}

static int keep_none(void *ctx, const struct pt_site *s)
{
	(void)ctx;
	(void)s;
	return 0;
}

static size_t count_sites(struct pt_db *db, enum pt_tlp max)
{
	struct pt_site_list l;
	struct pt_diag d;
	size_t n;
	memset(&l, 0, sizeof l);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_sites_list(db, max, &l, NULL, &d), PT_OK);
	n = l.n;
	pt_site_list_free(&l);
	return n;
}

static long row_of(const struct pt_ranking *r, const char *site_id)
{
	size_t i;
	for (i = 0; i < r->n_rows; i++)
		if (strcmp(r->sites.items[r->rows[i].site].id, site_id) == 0)
			return (long)i;
	return -1;
}

static void test_whole_ranking_in_order(void)
{
	struct pt_db *db = open_demo();
	struct pt_ranking_opts o;
	struct pt_ranking *r = NULL;
	struct pt_diag d;
	enum pt_method m;
	size_t i, all = count_sites(db, PT_TLP_RED);
	CHECK(all >= 60);
	for (m = PT_METHOD_FEMA; m <= PT_METHOD_QUANT; m++) {
		memset(&o, 0, sizeof o);
		memset(&d, 0, sizeof d);
		o.method = m;
		o.samples_set = 1;
		o.samples = 0;
		CHECK_INT(pt_ranking_run(db, &o, &r, &d), PT_OK);
		if (!r)
			continue;
		CHECK_INT(r->sites.n, all);
		CHECK_INT(r->n_rows + r->not_assessed, all);
		CHECK_INT(r->withheld, 0);
		CHECK(r->n_rows > 0);
		for (i = 1; i < r->n_rows; i++)
			CHECK(r->rows[i - 1].score >= r->rows[i].score);
		if (m == PT_METHOD_FEMA) {
			CHECK(r->rows[0].fema != NULL);
			CHECK(r->rows[0].score >= 1 && r->rows[0].score <= 1000);
			CHECK(pt_ranking_threat_id(r, r->rows[0].worst_threat)[0] != '\0');
		} else if (m == PT_METHOD_CARVER) {
			CHECK(r->rows[0].carver != NULL);
			CHECK(r->rows[0].score >= 7 && r->rows[0].score <= 70);
			CHECK_STR(pt_ranking_threat_id(r, -1), "");
		} else {
			CHECK(r->rows[0].quant != NULL);
			CHECK_STR(r->level_text, "SUBSTANTIAL");
		}
		pt_ranking_free(r);
		r = NULL;
	}
	pt_db_close(db);
}

/* A filtered ranking holds only the kept sites, in the whole ranking's relative order, and
 * its quantitative total is the sum of their exact scores (nothing of the others leaks in). */
static void test_filtered_ranking(void)
{
	struct pt_db *db = open_demo();
	struct pt_ranking_opts o;
	struct pt_ranking *whole = NULL, *part = NULL;
	struct pt_diag d;
	enum pt_tlp max = PT_TLP_GREEN;
	enum pt_method m;
	size_t i, green = count_sites(db, PT_TLP_GREEN), all = count_sites(db, PT_TLP_RED);
	CHECK(green > 0 && green < all);
	for (m = PT_METHOD_FEMA; m <= PT_METHOD_QUANT; m++) {
		double sum = 0;
		long last = -1;
		memset(&o, 0, sizeof o);
		memset(&d, 0, sizeof d);
		o.method = m;
		o.samples_set = 1;
		o.samples = m == PT_METHOD_QUANT ? 200 : 0;
		o.top_k_set = 1;
		o.top_k = 5;
		CHECK_INT(pt_ranking_run(db, &o, &whole, &d), PT_OK);
		o.visible = tlp_at_most;
		o.visible_ctx = &max;
		CHECK_INT(pt_ranking_run(db, &o, &part, &d), PT_OK);
		if (!whole || !part)
			break;
		CHECK_INT(part->sites.n, green);
		CHECK_INT(part->withheld, all - green);
		CHECK_INT(part->n_rows + part->not_assessed, green);
		for (i = 0; i < part->n_rows; i++) {
			const struct pt_site *s = &part->sites.items[part->rows[i].site];
			long w = row_of(whole, s->id);
			CHECK(s->tlp <= PT_TLP_GREEN);
			CHECK(w > last); /* same relative order as in the whole ranking */
			last = w;
			if (w >= 0)
				CHECK_NEAR(part->rows[i].score, whole->rows[w].score, 1e-9);
			sum += part->rows[i].score;
		}
		if (m == PT_METHOD_QUANT) {
			CHECK_NEAR(part->quant->total_score_eur, sum, 1e-6 * sum);
			CHECK(part->quant->total_score_eur < whole->quant->total_score_eur);
			for (i = 0; i < part->n_rows; i++)
				CHECK(part->rows[i].quant->p_topk >= 0 && part->rows[i].quant->p_topk <= 1);
		}
		pt_ranking_free(whole);
		pt_ranking_free(part);
		whole = part = NULL;
	}
	pt_db_close(db);
}

static void test_filter_keeping_nothing(void)
{
	struct pt_db *db = open_demo();
	struct pt_ranking_opts o;
	struct pt_ranking *r = NULL;
	struct pt_risk_matrix rm;
	struct pt_diag d;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.method = PT_METHOD_QUANT;
	o.visible = keep_none;
	CHECK_INT(pt_ranking_run(db, &o, &r, &d), PT_OK);
	if (r) {
		CHECK_INT(r->n_rows, 0);
		CHECK_INT(r->sites.n, 0);
		CHECK_NEAR(r->quant->total_score_eur, 0, 0);
	}
	pt_ranking_free(r);
	CHECK_INT(pt_ranking_matrix(db, PT_METHOD_FEMA, NULL, keep_none, NULL, &rm, &d), PT_OK);
	CHECK_INT(rm.m.total, 0);
	pt_db_close(db);
}

static void test_matrix_counts(void)
{
	struct pt_db *db = open_demo();
	struct pt_risk_matrix whole, part;
	struct pt_assessment_set set;
	struct pt_site_list green;
	struct pt_diag d;
	enum pt_tlp max = PT_TLP_GREEN;
	enum pt_method m;
	size_t i;
	memset(&d, 0, sizeof d);
	memset(&green, 0, sizeof green);
	CHECK_INT(pt_db_sites_list(db, PT_TLP_GREEN, &green, NULL, &d), PT_OK);
	for (m = PT_METHOD_FEMA; m <= PT_METHOD_QUANT; m += 2) {
		long want = 0;
		memset(&set, 0, sizeof set);
		CHECK_INT(pt_db_assessments_load(db, m, &set, &d), PT_OK);
		for (i = 0; i < set.n; i++) {
			const char *site = m == PT_METHOD_FEMA ? set.fema[i].site_id : set.quant[i].site_id;
			size_t k;
			for (k = 0; k < green.n; k++)
				if (strcmp(green.items[k].id, site) == 0)
					want++;
		}
		CHECK_INT(pt_ranking_matrix(db, m, NULL, NULL, NULL, &whole, &d), PT_OK);
		CHECK_INT(pt_ranking_matrix(db, m, NULL, tlp_at_most, &max, &part, &d), PT_OK);
		CHECK_INT(whole.m.total, (long)set.n);
		CHECK_INT(part.m.total, want);
		CHECK(want > 0 && want < (long)set.n);
		CHECK_INT(part.withheld, count_sites(db, PT_TLP_RED) - green.n);
		pt_assessment_set_free(&set);
	}
	pt_site_list_free(&green);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_ranking_matrix(db, PT_METHOD_CARVER, NULL, NULL, NULL, &whole, &d), PT_EINVAL);
	CHECK_STR(d.field, "method");
	pt_db_close(db);
}

static void test_threat_level_override(void)
{
	struct pt_db *db = open_demo();
	struct pt_ranking_opts o;
	struct pt_ranking *before = NULL, *after = NULL;
	struct pt_diag d;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.method = PT_METHOD_QUANT;
	o.samples_set = 1;
	CHECK_INT(pt_ranking_run(db, &o, &before, &d), PT_OK);
	CHECK_INT(pt_db_threat_level_set(db, "arson", PT_LEVEL_SEVERE, &d), PT_OK);
	CHECK_INT(pt_ranking_run(db, &o, &after, &d), PT_OK);
	if (before && after) {
		CHECK_STR(after->level_text, "SUBSTANTIAL (arson=SEVERE)");
		CHECK(after->quant->total_score_eur > before->quant->total_score_eur);
	}
	pt_ranking_free(before);
	pt_ranking_free(after);
	pt_db_close(db);
}

/* The watch sees commits of other connections, and nothing else. */
static void test_watch(void)
{
	char dir[] = "/tmp/pt_test_ranking_XXXXXX", path[128], aux[160];
	struct pt_ranking_watch *w = NULL;
	struct pt_db *db = NULL;
	struct pt_diag d;
	unsigned long long v1 = 0, v2 = 0, v3 = 0;
	memset(&d, 0, sizeof d);
	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof path, "%s/reg.db", dir);
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	CHECK_INT(pt_ranking_watch_open(path, &w, &d), PT_OK);
	if (w && db) {
		CHECK_INT(pt_ranking_watch_version(w, &v1), PT_OK);
		CHECK_INT(pt_ranking_watch_version(w, &v2), PT_OK);
		CHECK_INT(v2, v1); /* nothing committed */
		CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_OK);
		CHECK_INT(pt_ranking_watch_version(w, &v3), PT_OK);
		CHECK(v3 != v2);
	}
	pt_ranking_watch_close(w);
	pt_db_close(db);
	CHECK_INT(pt_ranking_watch_open("/nonexistent/dir/reg.db", &w, &d), PT_EDB);
	CHECK(w == NULL);
	remove(path);
	snprintf(aux, sizeof aux, "%s-wal", path);
	remove(aux);
	snprintf(aux, sizeof aux, "%s-shm", path);
	remove(aux);
	snprintf(aux, sizeof aux, "%s.key", path); /* the audit key beside it */
	remove(aux);
	rmdir(dir);
}

int main(void)
{
	RUN(test_whole_ranking_in_order);
	RUN(test_filtered_ranking);
	RUN(test_filter_keeping_nothing);
	RUN(test_matrix_counts);
	RUN(test_threat_level_override);
	RUN(test_watch);
	return TEST_SUMMARY("test_ranking");
}
