/* test_plans_store.c - unit tests of src/store/pt_plans_store.c and of
 * migration 005: a version-4 registry built from the embedded 001-004
 * scripts, with a saved plan whose site lines are packed CSV, opened with
 * the current code: the lines are rows of plan_site_lines, the column gone. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/pt_diag.h"
#include "formats/pt_embedded.h"
#include "pt_test.h"
#include "store/pt_plans_store.h"

static const char *const v4_scripts[] = {
	"src/store/001_schema.sql", "src/store/002_access.sql", "src/store/003_measures.sql",
	"src/store/004_plan_sites.sql",
};

/* A registry at version 4 in path, with plan "old-plan" (two funded sites) and "empty". */
static int make_v4(const char *path)
{
	sqlite3 *db = NULL;
	char *err = NULL;
	size_t i;
	int rc = sqlite3_open(path, &db);
	for (i = 0; rc == SQLITE_OK && i < sizeof v4_scripts / sizeof v4_scripts[0]; i++) {
		const struct pt_embedded_file *f = pt_embedded_find(v4_scripts[i]);
		CHECK(f != NULL);
		if (!f)
			rc = SQLITE_ERROR;
		else if ((rc = sqlite3_exec(db, "BEGIN", NULL, NULL, &err)) == SQLITE_OK &&
			 (rc = sqlite3_exec(db, f->data, NULL, NULL, &err)) == SQLITE_OK)
			rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &err);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(
			db,
			"INSERT INTO plans (name, created_at, created_by, solver, region, threat_level, "
			"budget_eur, cost_eur, risk_reduction_eur, gap, sites_funded, measures, json, seq, "
			"site_lines) VALUES ('old-plan', '2026-11-01T10:00:00Z', 'coord', 'fast', '', "
			"'SUBSTANTIAL', 1000000, 350000.25, 1234567.5, 0.01, 2, 3, '{\"sites\":[]}', 1, "
			"'VM-002,300000.25,1000000.125,2' || char(10) || "
			"'VM-001,50000,234567.375,1'), "
			"('empty', '2026-11-02T10:00:00Z', 'coord', 'exact', 'North', 'LOW', 0, 0, 0, 0, "
			"0, 0, '{}', 2, '')",
			NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fprintf(stderr, "make_v4: %s\n", err ? err : sqlite3_errmsg(db));
	sqlite3_free(err);
	sqlite3_close(db);
	return rc;
}

static int has_column(const char *path, const char *table, const char *column)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int found = 0;
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT 1 FROM pragma_table_info('%s') WHERE name = '%s'", table,
		 column);
	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK)
		found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return found;
}

static void test_migration_005(void)
{
	char path[] = "/tmp/pt_test_plans_XXXXXX";
	struct pt_plan_site_line *lines = NULL;
	struct pt_saved_plan p;
	struct pt_db *db = NULL;
	struct pt_diag d;
	int fd = mkstemp(path), current = 0, latest = 0;
	size_t n = 0;
	char *json = NULL;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	CHECK_INT(make_v4(path), SQLITE_OK);
	CHECK(has_column(path, "plans", "site_lines"));
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_OK);
	if (!db) {
		fprintf(stderr, "open: %s\n", d.msg);
		unlink(path);
		return;
	}
	CHECK_INT(pt_db_schema_version(db, &current, &latest, &d), PT_OK);
	CHECK(current >= 5);
	CHECK_INT(pt_db_plan_site_lines(db, "old-plan", &lines, &n, &d), PT_OK);
	CHECK_INT(n, 2);
	if (n == 2) { /* in the order written, the figures as they were */
		CHECK_STR(lines[0].site_id, "VM-002");
		CHECK_NEAR(lines[0].cost_eur, 300000.25, 0);
		CHECK_NEAR(lines[0].risk_reduction_eur, 1000000.125, 0);
		CHECK_INT(lines[0].measures, 2);
		CHECK_STR(lines[1].site_id, "VM-001");
		CHECK_NEAR(lines[1].cost_eur, 50000, 0);
		CHECK_NEAR(lines[1].risk_reduction_eur, 234567.375, 0);
		CHECK_INT(lines[1].measures, 1);
	}
	free(lines);
	CHECK_INT(pt_db_plan_site_lines(db, "empty", &lines, &n, &d), PT_OK);
	CHECK_INT(n, 0);
	free(lines);
	CHECK_INT(pt_db_plan_site_lines(db, "no-such", &lines, &n, &d), PT_ENOTFOUND);
	CHECK_INT(pt_db_plan_get(db, "old-plan", &p, &json, &d), PT_OK);
	CHECK_STR(p.created_by, "coord");
	CHECK_INT(p.sites_funded, 2);
	CHECK_STR(json, "{\"sites\":[]}");
	free(json);
	pt_db_close(db);
	CHECK(!has_column(path, "plans", "site_lines"));
	CHECK(has_column(path, "plan_site_lines", "site_id"));
	unlink(path);
}

/* A plan added with its lines reads back the same; a taken name is refused by the table. */
static void test_plan_add(void)
{
	struct pt_db *db = NULL;
	struct pt_diag d;
	struct pt_saved_plan p, *all = NULL;
	struct pt_plan_site_line in[3], *out = NULL;
	size_t n = 0, i;
	memset(&d, 0, sizeof d);
	memset(&p, 0, sizeof p);
	memset(in, 0, sizeof in);
	CHECK_INT(pt_db_open(":memory:", 1, &db, &d), PT_OK);
	if (!db)
		return;
	pt_strlcpy(p.name, "p1", sizeof p.name);
	pt_strlcpy(p.created_at, "2026-12-01T00:00:00Z", sizeof p.created_at);
	pt_strlcpy(p.solver, "fast", sizeof p.solver);
	p.sites_funded = 3;
	for (i = 0; i < 3; i++) {
		snprintf(in[i].site_id, sizeof in[i].site_id, "S-%zu", 3 - i);
		in[i].cost_eur = 0.1 * (double)(i + 1);
		in[i].risk_reduction_eur = 1.0 / 3.0 * (double)(i + 1);
		in[i].measures = (long long)i;
	}
	CHECK_INT(pt_db_begin(db, &d), PT_OK);
	CHECK_INT(pt_db_plan_exists(db, "p1", &d), 0);
	CHECK_INT(pt_db_plan_add(db, &p, "{}", in, 3, &d), PT_OK);
	CHECK_INT(pt_db_plan_exists(db, "p1", &d), 1);
	CHECK_INT(pt_db_end(db, PT_OK, &d), PT_OK);
	CHECK_INT(pt_db_plan_site_lines(db, "p1", &out, &n, &d), PT_OK);
	CHECK_INT(n, 3);
	for (i = 0; i < n && i < 3; i++) {
		CHECK_STR(out[i].site_id, in[i].site_id);
		CHECK(out[i].cost_eur == in[i].cost_eur);
		CHECK(out[i].risk_reduction_eur == in[i].risk_reduction_eur);
		CHECK_INT(out[i].measures, in[i].measures);
	}
	free(out);
	CHECK_INT(pt_db_plans_list(db, &all, &n, &d), PT_OK);
	CHECK_INT(n, 1);
	free(all);
	pt_db_close(db);
}

int main(void)
{
	RUN(test_migration_005);
	RUN(test_plan_add);
	return TEST_SUMMARY("test_plans_store");
}
