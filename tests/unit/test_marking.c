/* test_marking.c - unit tests of issue 11's output marking (core/pt_marking, formats/pt_marking_io,
 * the CSV reader's leading "#" line) and of tied FEMA worst pairs (core/pt_ranking_core). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_marking.h"
#include "core/pt_ranking_core.h"
#include "formats/pt_csv.h"
#include "formats/pt_diag.h"
#include "formats/pt_marking_io.h"
#include "formats/pt_ranking_io.h"
#include "pt_test.h"

static void test_labels(void)
{
	struct pt_site s[3];
	memset(s, 0, sizeof s);
	CHECK_STR(pt_marking_label(PT_TLP_CLEAR), "TLP:CLEAR");
	CHECK_STR(pt_marking_label(PT_TLP_AMBER_STRICT), "TLP:AMBER+STRICT");
	CHECK_STR(pt_marking_label(PT_TLP_RED), "TLP:RED");
	CHECK_INT(pt_marking_max(PT_TLP_AMBER, PT_TLP_GREEN), PT_TLP_AMBER);
	CHECK_INT(pt_marking_max(PT_TLP_AMBER, PT_TLP_AMBER_STRICT), PT_TLP_AMBER_STRICT);
	/* no site data: CLEAR */
	CHECK_INT(pt_marking_sites(NULL, 0), PT_TLP_CLEAR);
	s[0].tlp = PT_TLP_GREEN;
	s[1].tlp = PT_TLP_AMBER;
	s[2].tlp = PT_TLP_CLEAR;
	CHECK_INT(pt_marking_sites(s, 3), PT_TLP_AMBER);
	CHECK_INT(pt_marking_sites(s, 1), PT_TLP_GREEN); /* only the sites in the output count */
	CHECK_STR(pt_marking_css(PT_TLP_AMBER), "color:#FFC000;background:#000");
	CHECK_STR(pt_marking_css(PT_TLP_RED), "color:#FF2B2B;background:#000");
}

static void test_json_and_csv(void)
{
	json_t *j = pt_marking_json(json_object(), PT_TLP_AMBER);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	CHECK(j != NULL);
	CHECK_STR(json_string_value(json_object_get(j, "tlp")), "TLP:AMBER");
	json_decref(j);
	CHECK(pt_marking_json(NULL, PT_TLP_RED) == NULL);
	CHECK(pt_marking_json(json_array(), PT_TLP_RED) == NULL); /* not an object: freed */
	f = open_memstream(&buf, &len);
	CHECK(f != NULL);
	if (!f)
		return;
	pt_marking_csv_line(f, PT_TLP_AMBER_STRICT);
	fclose(f);
	CHECK_STR(buf, "# TLP:AMBER+STRICT\n");
	free(buf);
}

/* The reader skips one leading "#" line (after a BOM) and keeps physical line numbers. */
static void test_csv_skips_marking(void)
{
	static const char text[] = "\xEF\xBB\xBF# TLP:AMBER\r\nid,name\r\nA,#not a comment\r\n";
	struct pt_csv *c = NULL;
	struct pt_diag d;
	char **fields;
	size_t n;
	long line;
	int eof;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_csv_open(text, sizeof text - 1, &c), PT_OK);
	CHECK_INT(pt_csv_next(c, &fields, &n, &line, &eof, &d), PT_OK);
	CHECK_INT(line, 2);
	CHECK_INT(n, 2);
	CHECK_STR(fields[0], "id");
	CHECK_INT(pt_csv_next(c, &fields, &n, &line, &eof, &d), PT_OK);
	CHECK_INT(line, 3);
	CHECK_STR(fields[1], "#not a comment");
	pt_csv_free(c);
	/* only the first line: a second "#" line is a record */
	CHECK_INT(pt_csv_open("# a\n# b\n", 8, &c), PT_OK);
	CHECK_INT(pt_csv_next(c, &fields, &n, &line, &eof, &d), PT_OK);
	CHECK_INT(line, 2);
	CHECK_STR(fields[0], "# b");
	pt_csv_free(c);
}

static struct pt_fema_row fema(const char *site, const char *threat, int a, int t, int v)
{
	struct pt_fema_row r;
	memset(&r, 0, sizeof r);
	pt_strlcpy(r.site_id, site, sizeof r.site_id);
	pt_strlcpy(r.threat_id, threat, sizeof r.threat_id);
	r.asset_value = a;
	r.threat_rating = t;
	r.vulnerability_rating = v;
	return r;
}

/* Item 10: a site's pairs tied at its worst risk are all kept, in catalogue order (the
 * order the catalogue was imported in), not in the order of the ids. */
static void test_fema_ties(void)
{
	static const char *const ids[4] = {"arson", "bladed_weapon", "pbied", "vehicle_ramming"};
	static const long long position[4] = {8, 7, 4, 1}; /* data/catalog/threats.csv order */
	struct pt_catalog threats;
	struct pt_config cfg;
	struct pt_site sites[2];
	struct pt_fema_row rows[5];
	struct pt_ranking_row out[2];
	const struct pt_fema_row **worst = NULL;
	size_t n_rows = 5, n_out = 0, not_assessed = 0, i;
	struct pt_diag d;
	memset(&threats, 0, sizeof threats);
	memset(sites, 0, sizeof sites);
	memset(out, 0, sizeof out);
	memset(&d, 0, sizeof d);
	pt_config_defaults(&cfg);
	for (i = 0; i < 4; i++) { /* loaded by id, as the store loads it */
		struct pt_catalog_entry e;
		memset(&e, 0, sizeof e);
		pt_strlcpy(e.id, ids[i], sizeof e.id);
		pt_strlcpy(e.name, ids[i], sizeof e.name);
		e.position = position[i];
		CHECK_INT(pt_catalog_append(&threats, &e), PT_OK);
	}
	pt_strlcpy(sites[0].id, "S1", sizeof sites[0].id);
	pt_strlcpy(sites[1].id, "S2", sizeof sites[1].id);
	rows[0] = fema("S1", "bladed_weapon", 8, 6, 8);   /* 384 */
	rows[1] = fema("S1", "arson", 4, 4, 4);           /* 64 */
	rows[2] = fema("S1", "vehicle_ramming", 8, 8, 6); /* 384: a tie */
	rows[3] = fema("S1", "pbied", 6, 8, 8);           /* 384: a tie of three */
	rows[4] = fema("S2", "bladed_weapon", 5, 5, 5);   /* 125 alone */
	CHECK_INT(pt_ranking_fema(&cfg, sites, 2, &threats, rows, &n_rows, out, &n_out, &not_assessed,
				  &worst, &d),
		  PT_OK);
	CHECK_INT(n_out, 2);
	CHECK_INT(out[0].score, 384);
	CHECK_INT(out[0].n_fema_worst, 3);
	if (out[0].n_fema_worst == 3) {
		CHECK_STR(out[0].fema_worst[0]->threat_id, "vehicle_ramming");
		CHECK_STR(out[0].fema_worst[1]->threat_id, "pbied");
		CHECK_STR(out[0].fema_worst[2]->threat_id, "bladed_weapon");
	}
	/* the one worst threat named alone is the first of the tie in catalogue order */
	CHECK_STR(threats.items[out[0].worst_threat].id, "vehicle_ramming");
	CHECK_STR(out[0].fema->threat_id, "vehicle_ramming");
	CHECK_INT(out[1].n_fema_worst, 1);
	CHECK_STR(out[1].fema_worst[0]->threat_id, "bladed_weapon");
	free(worst);
	pt_catalog_clear(&threats);
}

/* issue 11 review M1: any page of a ranking is marked with every covered site (its totals,
 * ranks and p_topk come from all of them), not only the page's rows. */
static void test_ranking_page_marking(void)
{
	struct pt_ranking r;
	struct pt_ranking_row rows[2];
	struct pt_site s[2];
	memset(&r, 0, sizeof r);
	memset(rows, 0, sizeof rows);
	memset(s, 0, sizeof s);
	s[0].tlp = PT_TLP_CLEAR;
	s[1].tlp = PT_TLP_RED;
	rows[0].site = 0;
	rows[1].site = 1;
	r.sites.items = s;
	r.sites.n = 2;
	r.rows = rows;
	r.n_rows = 2;
	CHECK_INT(pt_ranking_marking(&r, 0, 1), PT_TLP_RED); /* the page shows only the CLEAR site */
	CHECK_INT(pt_ranking_marking(&r, 40, 1), PT_TLP_RED); /* past the end: the totals still */
	r.n_rows = 1; /* the RED site covered without a row (not assessed): still counted */
	CHECK_INT(pt_ranking_marking(&r, 0, 0), PT_TLP_RED);
	r.sites.n = 1;
	CHECK_INT(pt_ranking_marking(&r, 0, 0), PT_TLP_CLEAR);
}

int main(void)
{
	RUN(test_labels);
	RUN(test_ranking_page_marking);
	RUN(test_json_and_csv);
	RUN(test_csv_skips_marking);
	RUN(test_fema_ties);
	return TEST_SUMMARY("test_marking");
}
