/* test_app_registry.c - unit tests of the registry's use cases (src/app/
 * pt_app_registry): init, demo, settings, threat levels and who may set them, catalogues. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/pt_app_dependencies.h"
#include "app/pt_app_registry.h"
#include "formats/pt_diag.h"
#include "pt_test.h"

static char tmpdir[64];

/* Open (creating) the registry name in the test's directory. */
static struct pt_db *open_db(const char *name)
{
	struct pt_db *db = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	char path[128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	CHECK_INT(pt_app_db_open(path, 1, &db, &d), PT_OK);
	return db;
}

/* Remove the registry name and its companions (WAL, audit key). */
static void remove_db(const char *name)
{
	static const char *const ext[] = {"", "-wal", "-shm", ".key"};
	char path[160];
	size_t i;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(path, sizeof path, "%s/%s%s", tmpdir, name, ext[i]);
		remove(path);
	}
}

/* A user of a government organisation with role, as the access rules see it. */
static void caller_as(struct pt_caller *c, enum pt_role role)
{
	memset(c, 0, sizeof *c);
	c->who.user_id = 7;
	c->who.org_id = 1;
	c->who.org_type = PT_ORG_GOVERNMENT;
	c->who.role = role;
	pt_strlcpy(c->name, "someone", sizeof c->name);
}

static void test_builtin_catalogs(void)
{
	struct pt_catalogs cat;
	struct pt_diag d = PT_DIAG_INIT;
	memset(&cat, 0, sizeof cat);
	CHECK_INT(pt_app_catalogs_builtin(&cat, &d), PT_OK);
	CHECK(cat.kinds.n >= 3);
	CHECK(cat.sectors.n > 0);
	CHECK(cat.threats.n > 0);
	pt_app_catalogs_clear(&cat);
	CHECK_INT(cat.threats.n, 0);
	CHECK(cat.threats.items == NULL);
}

static void test_init_then_catalogs(void)
{
	struct pt_caller c;
	struct pt_catalog threats, sectors, none;
	struct pt_catalogs builtin;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_db *db = open_db("init.db");
	if (!db)
		return;
	pt_caller_system(&c);
	memset(&threats, 0, sizeof threats);
	memset(&sectors, 0, sizeof sectors);
	memset(&none, 0, sizeof none);
	memset(&builtin, 0, sizeof builtin);
	/* Before init the catalogues are empty. */
	CHECK_INT(pt_app_catalog_get(&c, db, "threats", &threats, &d), PT_OK);
	CHECK_INT(threats.n, 0);
	CHECK_INT(pt_app_registry_init(&c, db, &d), PT_OK);
	/* Twice is fine: the same catalogues, nothing lost. */
	CHECK_INT(pt_app_registry_init(&c, db, &d), PT_OK);
	CHECK_INT(pt_app_catalogs_builtin(&builtin, &d), PT_OK);
	CHECK_INT(pt_app_catalog_get(&c, db, "threats", &threats, &d), PT_OK);
	CHECK_INT(threats.n, builtin.threats.n);
	CHECK_INT(pt_app_catalog_get(&c, db, "sectors", &sectors, &d), PT_OK);
	CHECK_INT(sectors.n, builtin.sectors.n);
	CHECK(sectors.n > 0 && sectors.items[0].parent[0] != '\0');
	CHECK_INT(pt_app_catalog_get(&c, db, "measures", &none, &d), PT_ENOTFOUND);
	CHECK_INT(none.n, 0);
	pt_catalog_clear(&threats);
	pt_catalog_clear(&sectors);
	pt_app_catalogs_clear(&builtin);
	pt_app_db_close(db);
	remove_db("init.db");
}

static void test_config_get_set(void)
{
	struct pt_caller c;
	struct pt_config cfg, defaults;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_db *db = open_db("config.db");
	double v = 0;
	if (!db)
		return;
	pt_caller_system(&c);
	CHECK_INT(pt_app_registry_init(&c, db, &d), PT_OK);
	CHECK_INT(pt_app_config_get(&c, db, &cfg, &d), PT_OK);
	pt_config_defaults(&defaults);
	CHECK_INT(pt_app_config_set(&c, db, "quant.pert_lambda", "6", &d), PT_OK);
	CHECK_INT(pt_app_config_get(&c, db, &cfg, &d), PT_OK);
	CHECK_INT(pt_config_get(&cfg, "quant.pert_lambda", &v), PT_OK);
	CHECK_NEAR(v, 6, 0);
	/* An unknown key, and a bad value that leaves the stored one as it was. */
	pt_diag_clear(&d);
	CHECK_INT(pt_app_config_set(&c, db, "quant.no_such_key", "1", &d), PT_ENOTFOUND);
	pt_diag_clear(&d);
	CHECK_INT(pt_app_config_set(&c, db, "quant.pert_lambda", "-5", &d), PT_EINVAL);
	CHECK(d.msg[0] != '\0');
	CHECK_INT(pt_app_config_get(&c, db, &cfg, &d), PT_OK);
	CHECK_INT(pt_config_get(&cfg, "quant.pert_lambda", &v), PT_OK);
	CHECK_NEAR(v, 6, 0);
	pt_app_db_close(db);
	remove_db("config.db");
}

static void test_threat_levels(void)
{
	struct pt_caller sys, coordinator, analyst;
	struct pt_app_threat_levels levels;
	struct pt_catalog threats;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_db *db = open_db("levels.db");
	if (!db)
		return;
	pt_caller_system(&sys);
	caller_as(&coordinator, PT_ROLE_COORDINATOR);
	caller_as(&analyst, PT_ROLE_ANALYST);
	memset(&threats, 0, sizeof threats);
	CHECK_INT(pt_app_registry_init(&sys, db, &d), PT_OK);
	CHECK_INT(pt_app_threat_levels_get(&sys, db, &levels, &d), PT_OK);
	CHECK_INT(levels.national, PT_LEVEL_SUBSTANTIAL);
	CHECK_INT(levels.n, 0);
	CHECK(levels.entries == NULL);
	/* The system administrator and a government coordinator may; an analyst may not. */
	CHECK_INT(pt_app_threat_level_set(&sys, db, NULL, PT_LEVEL_SEVERE, "test", &d), PT_OK);
	pt_diag_clear(&d);
	CHECK_INT(pt_app_threat_level_set(&analyst, db, NULL, PT_LEVEL_LOW, "test", &d), PT_EFORBIDDEN);
	CHECK_STR(d.msg, "only coordinators of a government organisation set the threat level");
	CHECK_INT(pt_app_catalog_get(&sys, db, "threats", &threats, &d), PT_OK);
	CHECK(threats.n > 0);
	if (threats.n)
		CHECK_INT(pt_app_threat_level_set(&coordinator, db, threats.items[0].id,
						  PT_LEVEL_CRITICAL, "test", &d),
			  PT_OK);
	pt_diag_clear(&d);
	CHECK_INT(pt_app_threat_level_set(&sys, db, "no_such_threat", PT_LEVEL_LOW, "test", &d), PT_EINVAL);
	CHECK_STR(d.field, "threat_id");
	CHECK_INT(pt_app_threat_levels_get(&analyst, db, &levels, &d), PT_OK);
	CHECK_INT(levels.national, PT_LEVEL_SEVERE);
	CHECK_INT(levels.n, 1);
	if (levels.n && threats.n) {
		CHECK_STR(levels.entries[0].threat_id, threats.items[0].id);
		CHECK_INT(levels.entries[0].level, PT_LEVEL_CRITICAL);
	}
	pt_app_threat_levels_clear(&levels);
	CHECK_INT(levels.n, 0);
	pt_catalog_clear(&threats);
	pt_app_db_close(db);
	remove_db("levels.db");
}

static void test_demo_twice(void)
{
	struct pt_app_demo_result demo;
	struct pt_caller c, relief;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_db *db = open_db("demo.db");
	if (!db)
		return;
	pt_caller_system(&c);
	CHECK_INT(pt_app_registry_demo(&c, db, &demo, &d), PT_OK);
	CHECK_INT(demo.orgs, 9);
	CHECK_INT(demo.users, 16);
	/* Loading it again keeps what is there. */
	CHECK_INT(pt_app_registry_demo(&c, db, &demo, &d), PT_OK);
	CHECK_INT(demo.users, 16);
	/* The demo's users exist with their documented passwords' roles. */
	CHECK_INT(pt_caller_as_user(db, "relief", &relief, &d), PT_OK);
	CHECK_INT(relief.who.role, PT_ROLE_VIEWER);
	CHECK_INT(relief.who.org_type, PT_ORG_NGO);
	{ /* issue 12: the demo has dependencies between its sites */
		struct pt_app_dep_list deps;
		CHECK_INT(pt_app_dependencies_list(&c, db, PT_TLP_RED, &deps, &d), PT_OK);
		CHECK(deps.n > 0);
		CHECK_INT(deps.withheld, 0);
		pt_app_dep_list_clear(&deps);
	}
	pt_app_db_close(db);
	remove_db("demo.db");
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/pt_test_app_registry_XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_builtin_catalogs);
	RUN(test_init_then_catalogs);
	RUN(test_config_get_set);
	RUN(test_threat_levels);
	RUN(test_demo_twice);
	rmdir(tmpdir);
	return TEST_SUMMARY("test_app_registry");
}
