/* app_fixture.h - what the src/app unit tests share: an in-memory registry
 * with an audit key and a tiny catalogue, organisations, users, callers. */
#ifndef APP_FIXTURE_H
#define APP_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/pt_app.h"
#include "formats/pt_diag.h"
#include "pt_test.h"
#include "store/pt_audit.h"
#include "store/pt_store.h"
#include "store/pt_users.h"

#define T0 1735725600 /* 2025-01-01T10:00:00Z, the tests' "now" */
#define SITES_HEADER "id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy," \
		     "population_served,economic_value_eur,tlp\n"

static inline void fx_entry(struct pt_catalog *c, const char *id, const char *parent)
{
	struct pt_catalog_entry e;
	memset(&e, 0, sizeof e);
	pt_strlcpy(e.id, id, sizeof e.id);
	pt_strlcpy(e.name, id, sizeof e.name);
	pt_strlcpy(e.parent, parent, sizeof e.parent);
	CHECK_INT(pt_catalog_append(c, &e), PT_OK);
}

static inline struct pt_db *fx_open(void)
{
	static const unsigned char key[PT_AUDIT_KEY_BYTES] = {42, 7};
	struct pt_catalogs cat;
	struct pt_diag d;
	struct pt_db *db = NULL;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(":memory:", 1, &db, &d), PT_OK);
	if (!db)
		return NULL;
	CHECK_INT(pt_audit_set_key(db, key, &d), PT_OK);
	memset(&cat, 0, sizeof cat);
	fx_entry(&cat.kinds, "soft_target", "");
	fx_entry(&cat.sectors, "stadium_arena", "soft_target");
	fx_entry(&cat.threats, "arson", "");
	CHECK_INT(pt_db_seed(db, &cat, NULL, NULL, 0, &d), PT_OK);
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
	return db;
}

/* Remove a closed test database at path (with its key, WAL and shared-memory files) and its directory dir. */
static inline void fx_remove_db(const char *path, const char *dir)
{
	static const char *const ext[] = {"", ".key", "-wal", "-shm"};
	char p[512];
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
		snprintf(p, sizeof p, "%s%s", path, ext[i]);
		unlink(p);
	}
	rmdir(dir);
}

static inline long long fx_org(struct pt_db *db, const char *name, enum pt_org_type type)
{
	struct pt_diag d;
	long long id = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_org_add(db, name, type, &id, &d), PT_OK);
	return id;
}

static inline long long fx_user(struct pt_db *db, const char *name, enum pt_role role, long long org_id)
{
	struct pt_diag d;
	long long id = 0;
	char pw[80];
	memset(&d, 0, sizeof d);
	snprintf(pw, sizeof pw, "pw-of-%s", name);
	CHECK_INT(pt_db_user_add(db, name, pw, role, org_id, &id, &d), PT_OK);
	return id;
}

/* The caller for user name at T0 (reads audited, as the API's). */
static inline struct pt_caller fx_caller(struct pt_db *db, const char *name)
{
	struct pt_caller c;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_caller_as_user(db, name, &c, &d), PT_OK);
	c.now = T0;
	c.audit_reads = 1;
	return c;
}

/* How many audit entries hold action (and record id, when not NULL). */
static inline int fx_audited(struct pt_db *db, const char *action, const char *record)
{
	struct pt_audit_entry *e = NULL;
	struct pt_diag d;
	size_t n = 0, i;
	int found = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_audit_list(db, 0, 1000, 0, &e, &n, NULL, &d), PT_OK);
	for (i = 0; i < n; i++)
		if (strcmp(e[i].action, action) == 0 && (!record || strcmp(e[i].record_id, record) == 0))
			found++;
	free(e);
	return found;
}

/* Nonzero when name logs in with password at now. */
static inline int fx_logs_in(struct pt_db *db, const char *name, const char *password, int64_t now)
{
	struct pt_login out;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	return pt_db_login(db, name, password, now, 0, &out, &d) == PT_OK;
}

#endif
