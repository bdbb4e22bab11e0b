/* test_ranking.c - unit tests of src/store/pt_ranking.c: the data version
 * (migration 006) and the watch that reports it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/pt_diag.h"
#include "pt_test.h"
#include "store/pt_audit.h"
#include "store/pt_ranking.h"

/* The watch sees the data version committed by other connections: changes of the data move
 * it, audit entries do not. */
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
		CHECK(v3 > v2);
		/* The watch reports the registry's data version itself. */
		CHECK_INT(pt_db_data_version(db, &v1, &d), PT_OK);
		CHECK_INT(v1, v3);
		/* An audit entry is a commit, but not a change of the data. */
		{
			static const char *const ids[] = {"VM-001"};
			CHECK_INT(pt_audit_reads(db, "ranking.read", "sites", 1, "VM-001", ids, 1, &d),
				  PT_OK);
		}
		CHECK_INT(pt_ranking_watch_version(w, &v2), PT_OK);
		CHECK_INT(v2, v3);
		CHECK_INT(pt_db_data_version(db, &v1, &d), PT_OK);
		CHECK_INT(v1, v3);
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
	RUN(test_watch);
	return TEST_SUMMARY("test_ranking");
}
