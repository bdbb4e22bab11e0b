/* test_app_dependencies.c - unit tests of src/app/pt_app_dependencies.c:
 * import all or nothing with the access rule (write the consumer), hidden
 * sites answered as unknown ones, export and a site's links with withheld counts. */
#include "app/pt_app_dependencies.h"
#include "app/pt_app_sites.h"
#include "app_fixture.h"
#include "store/pt_deps_store.h"
#include "store/pt_ranking.h"
#include "store/pt_store_int.h"

#define DEPS_HEADER "provider_id,consumer_id,type,autonomy_hours,service_loss,group\n"

static struct pt_db *setup(void)
{
	static const char rows[] = SITES_HEADER
		"A-1,Substation A,soft_target,stadium_arena,Org A,47.1,-12.1,R,100,50,0,1000000,GREEN\n"
		"A-2,Hospital A,soft_target,stadium_arena,Org A,47.1,-12.1,R,100,50,0,1000000,GREEN\n"
		"B-GREEN,Stadium B,soft_target,stadium_arena,Org B,47.2,-12.2,R,100,50,0,1000000,GREEN\n"
		"B-RED,Arena B,soft_target,stadium_arena,Org B,47.3,-12.3,R,100,50,0,1000000,RED\n";
	struct pt_sites_import in;
	struct pt_sites_import_result res;
	struct pt_caller sys;
	struct pt_diag d;
	struct pt_db *db;
	long long a, b;
	memset(&d, 0, sizeof d);
	memset(&in, 0, sizeof in);
	in.data = rows;
	in.len = strlen(rows);
	if (!(db = fx_open()))
		return NULL;
	a = fx_org(db, "Org A", PT_ORG_OPERATOR);
	b = fx_org(db, "Org B", PT_ORG_OPERATOR);
	fx_user(db, "op-a", PT_ROLE_OPERATOR, a);
	fx_user(db, "view-a", PT_ROLE_VIEWER, a);
	fx_user(db, "op-b", PT_ROLE_OPERATOR, b);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_sites_import(&sys, db, &in, &res, &d), PT_OK);
	return db;
}

static enum pt_err import_as(struct pt_db *db, const struct pt_caller *c, const char *text,
			     struct pt_deps_import_result *res, struct pt_diag *d)
{
	memset(d, 0, sizeof *d);
	pt_strlcpy(d->file, "deps.csv", sizeof d->file);
	return pt_app_dependencies_import(c, db, text, strlen(text), res, d);
}

static size_t stored(struct pt_db *db)
{
	struct pt_app_dep_list l;
	struct pt_caller sys;
	struct pt_diag d;
	size_t n;
	memset(&d, 0, sizeof d);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_dependencies_list(&sys, db, PT_TLP_RED, &l, &d), PT_OK);
	n = l.n;
	pt_app_dep_list_clear(&l);
	return n;
}

static void test_import(void)
{
	struct pt_db *db = setup();
	struct pt_deps_import_result res;
	struct pt_caller sys, op_a, op_b, view_a;
	struct pt_diag d;
	if (!db)
		return;
	pt_caller_system(&sys);
	op_a = fx_caller(db, "op-a");
	op_b = fx_caller(db, "op-b");
	view_a = fx_caller(db, "view-a");
	CHECK_INT(import_as(db, &sys, DEPS_HEADER "A-1,A-2,physical,8,1,\nB-RED,A-2,cyber,2,0.5,\n",
			    &res, &d),
		  PT_OK);
	CHECK_INT(res.created, 2);
	CHECK_INT(fx_audited(db, "dependencies.import", NULL), 1);
	/* again, changed: updated in place, the others kept */
	CHECK_INT(import_as(db, &sys, DEPS_HEADER "A-1,A-2,physical,6,1,\n", &res, &d), PT_OK);
	CHECK_INT(res.created, 0);
	CHECK_INT(res.updated, 1);
	CHECK_INT(stored(db), 2);
	/* an operator writes its own consumers, with a provider of another organisation */
	CHECK_INT(import_as(db, &op_b, DEPS_HEADER "A-1,B-GREEN,physical,4,1,\n", &res, &d), PT_OK);
	CHECK_INT(stored(db), 3);
	/* not the consumers of another organisation: refused at the line, nothing written */
	CHECK_INT(import_as(db, &op_b,
			    DEPS_HEADER "A-2,B-GREEN,physical,4,1,\nB-GREEN,A-1,physical,4,1,\n",
			    &res, &d),
		  PT_EFORBIDDEN);
	CHECK_INT(d.line, 3);
	CHECK_STR(d.field, "consumer_id");
	CHECK_STR(d.msg, "your role or organisation may not change the dependencies of site A-1");
	CHECK_INT(stored(db), 3);
	CHECK_INT(fx_audited(db, "refused", NULL) >= 1, 1);
	/* a site the caller may not see reads as an unknown one */
	CHECK_INT(import_as(db, &op_a, DEPS_HEADER "B-RED,A-1,physical,4,1,\n", &res, &d), PT_EINVAL);
	CHECK_INT(d.line, 2);
	CHECK_STR(d.field, "provider_id");
	CHECK_STR(d.msg, "unknown site id \"B-RED\" (import the sites first)");
	CHECK_INT(import_as(db, &op_a, DEPS_HEADER "NOPE,A-1,physical,4,1,\n", &res, &d), PT_EINVAL);
	CHECK_STR(d.msg, "unknown site id \"NOPE\" (import the sites first)");
	CHECK_STR(d.file, "deps.csv");
	/* a viewer may import nothing */
	CHECK_INT(import_as(db, &view_a, DEPS_HEADER "A-1,A-2,physical,4,1,\n", &res, &d),
		  PT_EFORBIDDEN);
	CHECK_INT(d.line, 0);
	/* a bad row: nothing written */
	CHECK_INT(import_as(db, &sys, DEPS_HEADER "A-2,A-1,physical,4,1,\nA-1,A-1,physical,4,1,\n",
			    &res, &d),
		  PT_EINVAL);
	CHECK_INT(d.line, 3);
	CHECK_INT(stored(db), 3);
	pt_app_db_close(db);
}

/*
 * A group's hours and loss are its consumer's (review of issue 12): a row of
 * a group sets every stored row of the consumer's group, hidden ones too, and
 * no stored value is compared or told; only rows the caller sees are counted.
 */
static void test_group_with_stored(void)
{
	struct pt_db *db = setup();
	struct pt_deps_import_result res;
	struct pt_app_dep_list l;
	struct pt_caller sys, op_a;
	struct pt_diag d;
	size_t i;
	if (!db)
		return;
	pt_caller_system(&sys);
	op_a = fx_caller(db, "op-a"); /* writes A-2, does not see B-RED */
	CHECK_INT(import_as(db, &sys,
			    DEPS_HEADER "A-1,A-2,physical,8,1,power\nB-RED,A-2,physical,8,1,power\n",
			    &res, &d),
		  PT_OK);
	CHECK_INT(import_as(db, &op_a, DEPS_HEADER "B-GREEN,A-2,physical,6,0.5,power\n", &res, &d),
		  PT_OK);
	CHECK_INT(res.created, 1);
	CHECK_INT(res.regrouped, 1); /* A-1's row; B-RED's is set but not told */
	CHECK_INT(pt_app_dependencies_list(&sys, db, PT_TLP_RED, &l, &d), PT_OK);
	CHECK_INT(l.n, 3);
	for (i = 0; i < l.n; i++) {
		CHECK(l.items[i].autonomy_hours == 6);
		CHECK(l.items[i].service_loss == 0.5);
	}
	pt_app_dep_list_clear(&l);
	/* the file's own rows of one group must still agree */
	CHECK_INT(import_as(db, &sys,
			    DEPS_HEADER "B-GREEN,A-2,physical,6,1,power\nA-1,A-2,physical,5,1,power\n",
			    &res, &d),
		  PT_EINVAL);
	CHECK_INT(d.line, 3);
	CHECK_STR(d.field, "autonomy_hours");
	/* a row leaving the group sets nothing else */
	CHECK_INT(import_as(db, &sys, DEPS_HEADER "A-1,A-2,physical,1,1,\n", &res, &d), PT_OK);
	CHECK_INT(res.regrouped, 0);
	pt_app_db_close(db);
}

/* dependencies delete (review of issue 12): 404 hidden or missing, 403 reader, else gone. */
static void test_delete(void)
{
	struct pt_db *db = setup();
	struct pt_deps_import_result res;
	struct pt_app_dep_list l;
	struct pt_caller sys, op_a, op_b;
	struct pt_diag d;
	if (!db)
		return;
	pt_caller_system(&sys);
	op_a = fx_caller(db, "op-a");
	op_b = fx_caller(db, "op-b");
	CHECK_INT(import_as(db, &sys, DEPS_HEADER "A-1,A-2,physical,8,1,\nB-RED,A-2,cyber,2,0.5,\n",
			    &res, &d),
		  PT_OK);
	pt_diag_clear(&d);
	CHECK_INT(pt_app_dependency_delete(&op_a, db, "B-RED", "A-2", &d), PT_ENOTFOUND);
	pt_diag_clear(&d);
	CHECK_INT(pt_app_dependency_delete(&op_a, db, "B-GREEN", "A-2", &d), PT_ENOTFOUND);
	pt_diag_clear(&d);
	CHECK_INT(pt_app_dependency_delete(&op_b, db, "A-1", "A-2", &d), PT_EFORBIDDEN);
	pt_diag_clear(&d);
	CHECK_INT(pt_app_dependency_delete(&op_a, db, "A-1", "A-2", &d), PT_OK);
	pt_diag_clear(&d);
	CHECK_INT(pt_app_dependency_delete(&op_a, db, "A-1", "A-2", &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_dependencies_list(&sys, db, PT_TLP_RED, &l, &d), PT_OK);
	CHECK_INT(l.n, 1);
	CHECK_STR(l.items[0].provider_id, "B-RED");
	pt_app_dep_list_clear(&l);
	pt_app_db_close(db);
}

static void test_read(void)
{
	struct pt_db *db = setup();
	struct pt_deps_import_result res;
	struct pt_app_dep_list l;
	struct pt_app_site_deps s;
	struct pt_caller sys, op_a, op_b;
	struct pt_diag d;
	if (!db)
		return;
	pt_caller_system(&sys);
	op_a = fx_caller(db, "op-a");
	op_b = fx_caller(db, "op-b");
	CHECK_INT(import_as(db, &sys,
			    DEPS_HEADER "A-1,A-2,physical,8,1,\nB-RED,A-2,cyber,2,0.5,\n"
					"A-2,B-GREEN,logical,1,0.1,\n",
			    &res, &d),
		  PT_OK);
	/* op-a does not see B-RED: one withheld */
	CHECK_INT(pt_app_dependencies_list(&op_a, db, PT_TLP_RED, &l, &d), PT_OK);
	CHECK_INT(l.n, 2);
	CHECK_INT(l.withheld, 1);
	CHECK_INT(l.show_withheld, 0); /* counts of hidden records: coordinators and the system */
	CHECK_STR(l.items[0].provider_id, "A-1");
	CHECK_STR(l.names[0], "Substation A");
	CHECK_STR(l.names[1], "Hospital A");
	CHECK_STR(l.items[1].consumer_id, "B-GREEN");
	CHECK_INT(l.tlp, PT_TLP_GREEN);
	pt_app_dep_list_clear(&l);
	/* op-b (named on B-RED) sees all three, labelled RED */
	{
		struct pt_user u;
		CHECK_INT(pt_db_user_get(db, "op-b", &u, &d), PT_OK);
		CHECK_INT(pt_db_site_reader_add(db, "B-RED", u.id, &d), PT_OK);
	}
	op_b = fx_caller(db, "op-b");
	CHECK_INT(pt_app_dependencies_list(&op_b, db, PT_TLP_RED, &l, &d), PT_OK);
	CHECK_INT(l.n, 3);
	CHECK_INT(l.withheld, 0);
	CHECK_INT(l.tlp, PT_TLP_RED);
	pt_app_dep_list_clear(&l);
	/* the label filter withholds too */
	CHECK_INT(pt_app_dependencies_list(&sys, db, PT_TLP_CLEAR, &l, &d), PT_OK);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.withheld, 3);
	pt_app_dep_list_clear(&l);
	/* a site's providers and consumers */
	CHECK_INT(pt_app_site_dependencies(&op_a, db, "A-2", &s, &d), PT_OK);
	CHECK_INT(s.providers.n, 1);
	CHECK_STR(s.providers.items[0].provider_id, "A-1");
	CHECK_INT(s.consumers.n, 1);
	CHECK_STR(s.consumers.items[0].consumer_id, "B-GREEN");
	CHECK_STR(s.consumers.names[1], "Stadium B");
	CHECK_INT(s.withheld, 1);
	pt_app_site_deps_clear(&s);
	CHECK_INT(pt_app_site_dependencies(&op_a, db, "B-RED", &s, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_site_dependencies(&op_a, db, "NOPE", &s, &d), PT_ENOTFOUND);
	pt_app_db_close(db);
}

/* The store: a change raises the data version; a deleted site takes its dependencies along. */
static void test_store(void)
{
	struct pt_db *db = setup();
	struct pt_deps_import_result res;
	struct pt_dep_list l;
	struct pt_caller sys;
	struct pt_diag d;
	unsigned long long v0 = 0, v1 = 0;
	if (!db)
		return;
	memset(&l, 0, sizeof l);
	pt_caller_system(&sys);
	CHECK_INT(pt_db_data_version(db, &v0, &d), PT_OK);
	CHECK_INT(import_as(db, &sys, DEPS_HEADER "A-1,A-2,physical,8,1,g\nB-GREEN,A-2,physical,8,1,g\n"
					"A-2,B-GREEN,cyber,0,0.5,\n", &res, &d),
		  PT_OK);
	CHECK_INT(pt_db_data_version(db, &v1, &d), PT_OK);
	CHECK(v1 > v0);
	CHECK_INT(pt_db_deps_load(db, &l, &d), PT_OK);
	CHECK_INT(l.n, 3);
	CHECK_STR(l.items[0].provider_id, "A-1"); /* ordered by provider, consumer */
	CHECK_STR(l.items[1].consumer_id, "B-GREEN");
	CHECK_STR(l.items[2].provider_id, "B-GREEN");
	CHECK_STR(l.items[2].group, "g");
	CHECK_STR(l.items[1].group, "");
	CHECK_INT(pt_db_deps_of_site(db, "A-1", &l, &d), PT_OK);
	CHECK_INT(l.n, 1);
	CHECK_INT(sqlite3_exec(pt_db_sqlite(db), "DELETE FROM sites WHERE id = 'B-GREEN'", NULL, NULL,
			       NULL),
		  SQLITE_OK);
	CHECK_INT(pt_db_deps_load(db, &l, &d), PT_OK);
	CHECK_INT(l.n, 1);
	pt_dep_list_clear(&l);
	pt_app_db_close(db);
}

int main(void)
{
	RUN(test_import);
	RUN(test_group_with_stored);
	RUN(test_read);
	RUN(test_delete);
	RUN(test_store);
	return TEST_SUMMARY("app_dependencies");
}
