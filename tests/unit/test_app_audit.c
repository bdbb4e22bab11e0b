/* test_app_audit.c - unit tests of src/app/pt_app_audit.c and the audited
 * read log: the list as each reader may see it, verify, rekey, every id kept. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app.h"
#include "app/pt_app_audit.h"
#include "app/pt_app_registry.h"
#include "app/pt_app_sites.h"
#include "formats/pt_audit_io.h"
#include "formats/pt_diag.h"
#include "pt_test.h"
#include "store/pt_audit.h"
#include "store/pt_store.h"
#include "store/pt_store_int.h"
#include "store/pt_users.h"

static void add_entry(struct pt_catalog *c, const char *id, const char *parent)
{
	struct pt_catalog_entry e;
	memset(&e, 0, sizeof e);
	pt_strlcpy(e.id, id, sizeof e.id);
	pt_strlcpy(e.name, id, sizeof e.name);
	pt_strlcpy(e.parent, parent, sizeof e.parent);
	CHECK_INT(pt_catalog_append(c, &e), PT_OK);
}

static struct pt_site site(const char *id, const char *owner, enum pt_tlp tlp)
{
	struct pt_site s;
	memset(&s, 0, sizeof s);
	pt_strlcpy(s.id, id, sizeof s.id);
	pt_strlcpy(s.name, id, sizeof s.name);
	pt_strlcpy(s.kind, "soft_target", sizeof s.kind);
	pt_strlcpy(s.sector, "stadium_arena", sizeof s.sector);
	pt_strlcpy(s.owner, owner, sizeof s.owner);
	pt_strlcpy(s.region, "North", sizeof s.region);
	s.capacity = -1;
	s.tlp = tlp;
	return s;
}

/* The world: a ministry and an operator, their users, four sites of the operator. */
static struct pt_site sites[4];
static long long op_id;

static struct pt_db *open_world(void)
{
	static const unsigned char key[PT_AUDIT_KEY_BYTES] = {5, 4, 3};
	struct pt_catalogs cat;
	struct pt_site_list list;
	struct pt_diag d;
	struct pt_db *db = NULL;
	long long gov = 0, ng = 0, id = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(":memory:", 1, &db, &d), PT_OK);
	if (!db)
		return NULL;
	CHECK_INT(pt_audit_set_key(db, key, &d), PT_OK);
	memset(&cat, 0, sizeof cat);
	add_entry(&cat.kinds, "soft_target", "");
	add_entry(&cat.sectors, "stadium_arena", "soft_target");
	add_entry(&cat.threats, "arson", "");
	CHECK_INT(pt_db_seed(db, &cat, NULL, NULL, 0, &d), PT_OK);
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
	CHECK_INT(pt_db_org_add(db, "Ministry", PT_ORG_GOVERNMENT, &gov, &d), PT_OK);
	CHECK_INT(pt_db_org_add(db, "Northgate", PT_ORG_OPERATOR, &ng, &d), PT_OK);
	CHECK_INT(pt_db_user_add(db, "coord", "pw-of-coord", PT_ROLE_COORDINATOR, gov, &id, &d),
		  PT_OK);
	CHECK_INT(pt_db_user_add(db, "gadmin", "pw-of-gadmin", PT_ROLE_ADMIN, gov, &id, &d), PT_OK);
	CHECK_INT(pt_db_user_add(db, "nadmin", "pw-of-nadmin", PT_ROLE_ADMIN, ng, &id, &d), PT_OK);
	CHECK_INT(pt_db_user_add(db, "nviewer", "pw-of-nviewer", PT_ROLE_VIEWER, ng, &id, &d),
		  PT_OK);
	CHECK_INT(pt_db_user_add(db, "nop", "pw-of-nop", PT_ROLE_OPERATOR, ng, &op_id, &d), PT_OK);
	sites[0] = site("S-AMBER", "Northgate", PT_TLP_AMBER);
	sites[1] = site("S-GREEN", "Northgate", PT_TLP_GREEN);
	sites[2] = site("S-RED", "Northgate", PT_TLP_RED);
	sites[3] = site("S-STRICT", "Northgate", PT_TLP_AMBER_STRICT);
	memset(&list, 0, sizeof list);
	list.items = sites;
	list.n = 4;
	CHECK_INT(pt_db_sites_import(db, &list, NULL, NULL, &d), PT_OK);
	CHECK_INT(pt_db_site_reader_add(db, "S-RED", op_id, &d), PT_OK); /* by the system */
	return db;
}

static struct pt_caller as(struct pt_db *db, const char *name)
{
	struct pt_caller c;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_caller_as_user(db, name, &c, &d), PT_OK);
	c.audit_reads = 1;
	c.now = 1735725600;
	return c;
}

/* The operator's entries: three reads, two register notes, a write on a deleted site. */
static void operator_acts(struct pt_db *db)
{
	struct pt_caller op = as(db, "nop");
	struct pt_read_log log;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	memset(&log, 0, sizeof log);
	pt_read_log_note(&log, &sites[0]);
	pt_read_log_note(&log, &sites[1]); /* GREEN: not kept */
	pt_read_log_note(&log, &sites[2]);
	pt_read_log_note(&log, &sites[3]);
	CHECK_INT(log.n, 3);
	CHECK_INT(pt_read_log_commit(&op, db, "sites.list", &log, &d), PT_OK);
	CHECK(log.all == NULL && log.n == 0); /* emptied */
	pt_read_log_note(&log, &sites[3]);
	CHECK_INT(pt_read_log_commit(&op, db, "site.read", &log, &d), PT_OK);
	pt_read_log_note(&log, &sites[2]);
	CHECK_INT(pt_read_log_commit(&op, db, "site.read", &log, &d), PT_OK);
	pt_app_act(&op, db);
	CHECK_INT(pt_audit_append(db, "register.set", "risk_register", "S-RED/arson",
				  "note \"the red secret\"", &d),
		  PT_OK);
	CHECK_INT(pt_audit_append(db, "register.set", "risk_register", "S-GREEN/arson",
				  "note \"a green note\"", &d),
		  PT_OK);
	CHECK_INT(pt_audit_append(db, "sites.import", "sites", "S-GONE", "1 sites: 0 created", &d),
		  PT_OK);
	pt_db_set_actor(db, 0, 0, NULL, 0);
}

/* "action record|detail" of item i, or "action (withheld)". */
static void show(const struct pt_audit_page *p, size_t i, char *buf, size_t size)
{
	if (p->withheld[i])
		snprintf(buf, size, "%s (withheld)", p->items[i].action);
	else
		snprintf(buf, size, "%s %s|%s", p->items[i].action, p->items[i].record_id,
			 p->items[i].detail);
}

static void test_list_as_each_reader(void)
{
	struct pt_db *db = open_world();
	struct pt_audit_page p;
	struct pt_caller c, sys;
	struct pt_diag d;
	char line[1600];
	size_t i;
	if (!db)
		return;
	operator_acts(db);
	memset(&d, 0, sizeof d);

	/* Northgate's admin: its operator's six entries; the RED ones and the deleted site withheld. */
	c = as(db, "nadmin");
	CHECK_INT(pt_app_audit_list(&c, db, 100, 0, &p, &d), PT_OK);
	CHECK_INT(p.total, 6);
	CHECK_INT(p.n, 6);
	if (p.n == 6) {
		static const char *const want[] = {
			"sites.import (withheld)",
			"register.set S-GREEN/arson|note \"a green note\"",
			"register.set (withheld)",
			"site.read (withheld)",
			"site.read S-STRICT|1 record: S-STRICT",
			"sites.list (withheld)",
		};
		for (i = 0; i < 6; i++) {
			show(&p, i, line, sizeof line);
			CHECK_STR(line, want[i]);
			CHECK_STR(p.items[i].user_name, "nop");
			CHECK_INT(p.items[i].time, 1735725600);
		}
		CHECK_STR(p.items[2].detail, "");
		CHECK_STR(p.items[2].record_id, "");
	}
	pt_audit_page_clear(&p);
	CHECK(p.items == NULL && p.n == 0);

	/* A page: offset and limit count entries, whatever is withheld. */
	CHECK_INT(pt_app_audit_list(&c, db, 2, 2, &p, &d), PT_OK);
	CHECK_INT(p.n, 2);
	CHECK_INT(p.total, 6);
	if (p.n == 2) {
		show(&p, 1, line, sizeof line);
		CHECK_STR(line, "site.read (withheld)");
	}
	pt_audit_page_clear(&p);

	/* The government coordinator: every entry; not RED nor AMBER+STRICT ones. */
	c = as(db, "coord");
	CHECK_INT(pt_app_audit_list(&c, db, 100, 0, &p, &d), PT_OK);
	for (i = 0; i < p.n; i++) {
		show(&p, i, line, sizeof line);
		CHECK(!strstr(line, "S-RED") && !strstr(line, "S-STRICT") && !strstr(line, "secret"));
		if (strcmp(p.items[i].action, "site.reader.add") == 0)
			CHECK(p.withheld[i]); /* the reader named on the RED site */
		if (strcmp(p.items[i].action, "user.create") == 0)
			CHECK(!p.withheld[i]); /* no labelled record */
		if (strcmp(p.items[i].action, "sites.import") == 0 && !p.items[i].user_id &&
		    !p.items[i].record_id[0])
			CHECK(p.withheld[i]); /* the fixture's import covers S-RED and S-STRICT too */
	}
	CHECK(p.n >= 12);
	if (p.n >= 2) {
		show(&p, 1, line, sizeof line);
		CHECK_STR(line, "register.set S-GREEN/arson|note \"a green note\"");
	}
	pt_audit_page_clear(&p);

	/* The system administrator (the command line) sees everything. */
	pt_caller_system(&sys);
	CHECK_INT(pt_app_audit_list(&sys, db, 100, 0, &p, &d), PT_OK);
	for (i = 0; i < p.n; i++)
		CHECK(!p.withheld[i]);
	if (p.n >= 4) {
		show(&p, 3, line, sizeof line);
		CHECK_STR(line, "site.read S-RED|1 record: S-RED");
	}
	pt_audit_page_clear(&p);

	/* A viewer reads no audit log; a limit past the maximum is refused. */
	c = as(db, "nviewer");
	CHECK_INT(pt_app_audit_list(&c, db, 10, 0, &p, &d), PT_EFORBIDDEN);
	CHECK_STR(d.msg, "your role may not read the audit log");
	CHECK_INT(pt_app_audit_list(&sys, db, PT_AUDIT_LIST_MAX + 1, 0, &p, &d), PT_ELIMIT);
	pt_db_close(db);
}

/*
 * The records an entry covers deleted behind the program (the attack on
 * audit_records): the entry fails closed, withheld from a reader who may
 * not read the RED site it names, instead of shown whole for covering
 * nothing; the system administrator still sees it, and verify names it.
 */
static void test_missing_records_withheld(void)
{
	struct pt_db *db = open_world();
	struct pt_audit_page p;
	struct pt_audit_report rep;
	struct pt_caller c, sys;
	struct pt_diag d;
	char line[1600];
	size_t i;
	int seen = 0;
	if (!db)
		return;
	operator_acts(db);
	memset(&d, 0, sizeof d);
	/* the operator's read of S-RED and its register note: their records removed */
	CHECK_INT(sqlite3_exec(pt_db_sqlite(db),
			       "DELETE FROM audit_records WHERE seq IN (SELECT seq FROM audit_log "
			       "WHERE record_id IN ('S-RED', 'S-RED/arson'))",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	CHECK_INT(sqlite3_changes(pt_db_sqlite(db)), 3); /* and the system's site.reader.add */
	c = as(db, "coord");
	CHECK_INT(pt_app_audit_list(&c, db, 100, 0, &p, &d), PT_OK);
	for (i = 0; i < p.n; i++) {
		show(&p, i, line, sizeof line);
		CHECK(!strstr(line, "S-RED") && !strstr(line, "secret"));
		if (strcmp(p.items[i].user_name, "nop") == 0 &&
		    (strcmp(p.items[i].action, "site.read") == 0 ||
		     strcmp(p.items[i].action, "register.set") == 0) &&
		    p.withheld[i])
			seen++;
	}
	CHECK_INT(seen, 3); /* S-RED's read and note, and S-STRICT's read as before */
	pt_audit_page_clear(&p);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_audit_list(&sys, db, 100, 0, &p, &d), PT_OK);
	if (p.n >= 4) {
		show(&p, 3, line, sizeof line);
		CHECK_STR(line, "site.read S-RED|1 record: S-RED");
		CHECK(!p.withheld[3]);
	}
	pt_audit_page_clear(&p);
	CHECK_INT(pt_app_audit_verify(&sys, db, &rep, &d), PT_OK);
	CHECK_INT(rep.intact, 0);
	CHECK(strstr(rep.message, "names record sites \"S-RED\", but the table audit_records does "
				  "not hold it") != NULL);
	pt_db_close(db);
}

/* The one JSON writer: a withheld entry has null record and detail. */
static void test_entry_json(void)
{
	struct pt_audit_entry e;
	json_t *j;
	char *text;
	memset(&e, 0, sizeof e);
	e.seq = 7;
	e.time = 1735725600;
	pt_strlcpy(e.user_name, "nop", sizeof e.user_name);
	pt_strlcpy(e.org_name, "Northgate", sizeof e.org_name);
	pt_strlcpy(e.action, "site.read", sizeof e.action);
	pt_strlcpy(e.record_table, "sites", sizeof e.record_table);
	pt_strlcpy(e.record_id, "S-1", sizeof e.record_id);
	pt_strlcpy(e.detail, "1 record: S-1", sizeof e.detail);
	j = pt_audit_entry_json(&e, 0);
	text = json_dumps(j, JSON_COMPACT);
	CHECK_STR(text, "{\"seq\":7,\"time\":\"2025-01-01T10:00:00Z\",\"user\":\"nop\","
			"\"organisation\":\"Northgate\",\"action\":\"site.read\",\"table\":\"sites\","
			"\"record\":\"S-1\",\"detail\":\"1 record: S-1\",\"withheld\":false}");
	free(text);
	json_decref(j);
	j = pt_audit_entry_json(&e, 1);
	text = json_dumps(j, JSON_COMPACT);
	CHECK_STR(text, "{\"seq\":7,\"time\":\"2025-01-01T10:00:00Z\",\"user\":\"nop\","
			"\"organisation\":\"Northgate\",\"action\":\"site.read\",\"table\":\"sites\","
			"\"record\":null,\"detail\":null,\"withheld\":true}");
	free(text);
	json_decref(j);
}

/* Counts the records pt_audit_list_covered reports for item 0. */
static void count_first(void *ctx, size_t item, const char *table, const char *id)
{
	size_t *n = ctx;
	(void)table;
	if (item == 0 && id[0])
		(*n)++;
}

/* A read of many records: the detail is cut as before, every id is kept. */
static void test_read_log_keeps_every_id(void)
{
	struct pt_db *db = open_world();
	struct pt_read_log log;
	struct pt_caller c;
	struct pt_audit_entry *e = NULL;
	struct pt_diag d;
	size_t n = 0, kept = 0, i;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	memset(&log, 0, sizeof log);
	for (i = 0; i < 300; i++) {
		char id[32];
		struct pt_site s;
		snprintf(id, sizeof id, "SITE-WITH-A-LONG-ID-%04zu", i);
		s = site(id, "Northgate", PT_TLP_AMBER);
		pt_read_log_note(&log, &s);
	}
	CHECK_INT(log.n, 300);
	CHECK(strlen(log.ids) < sizeof log.ids);
	CHECK(strstr(log.ids, ",...") != NULL);
	c = as(db, "nop");
	CHECK_INT(pt_read_log_commit(&c, db, "sites.list", &log, &d), PT_OK);
	CHECK_INT(pt_audit_list_covered(db, 0, 1, 0, &e, &n, NULL, count_first, &kept, &d), PT_OK);
	CHECK_INT(kept, 300);
	if (n == 1) {
		CHECK_STR(e[0].action, "sites.list");
		CHECK(strncmp(e[0].detail, "300 records: SITE-WITH-A-LONG-ID-0000,", 38) == 0);
		CHECK(strstr(e[0].detail, ",...") != NULL);
	}
	free(e);
	/* Not audited (the command line): nothing written, the log emptied all the same. */
	pt_read_log_note(&log, &sites[2]);
	c.audit_reads = 0;
	CHECK_INT(pt_read_log_commit(&c, db, "sites.list", &log, &d), PT_OK);
	CHECK(log.all == NULL && log.n == 0);
	pt_read_log_clear(&log);
	pt_read_log_clear(NULL);
	pt_db_close(db);
}

static void test_verify_and_rekey(void)
{
	struct pt_db *db = open_world();
	struct pt_audit_report rep;
	struct pt_audit_page p;
	struct pt_caller sys, c;
	struct pt_diag d;
	char path[256];
	if (!db)
		return;
	operator_acts(db);
	memset(&d, 0, sizeof d);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_audit_verify(&sys, db, &rep, &d), PT_OK);
	CHECK_INT(rep.intact, 1);
	CHECK(rep.entries >= 12);
	CHECK_INT(rep.verified, rep.entries);
	/* Users do not check the chain nor start a new one. */
	c = as(db, "gadmin");
	CHECK_INT(pt_app_audit_verify(&c, db, &rep, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_app_audit_rekey(&c, db, "no", path, sizeof path, &d), PT_EFORBIDDEN);
	/* A new chain: a break entry by the caller; the log still verifies. */
	CHECK_INT(pt_app_audit_rekey(&sys, db, "rotation", path, sizeof path, &d), PT_OK);
	CHECK_STR(path, ":memory:.key");
	CHECK_INT(pt_app_audit_list(&sys, db, 1, 0, &p, &d), PT_OK);
	if (p.n == 1) {
		CHECK_STR(p.items[0].action, "audit.rekey");
		CHECK_STR(p.items[0].user_name, "system administrator");
		CHECK(strstr(p.items[0].detail, "reason: rotation") != NULL);
	}
	pt_audit_page_clear(&p);
	CHECK_INT(pt_app_audit_verify(&sys, db, &rep, &d), PT_OK);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.breaks, 1);
	pt_db_close(db);
}

/* The newest entry of the log (system view) into *e; 0 when the log is empty. */
static int newest(struct pt_db *db, struct pt_audit_entry *e)
{
	struct pt_audit_entry *items = NULL;
	struct pt_diag d;
	size_t n = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_audit_list(db, 0, 1, 0, &items, &n, NULL, &d), PT_OK);
	if (n == 1)
		*e = items[0];
	free(items);
	return n == 1;
}

/*
 * A write the access rules refuse leaves an entry "refused": who, the
 * record, what was tried and why, never the refused data. A write at a
 * record the caller may not see is answered "not found" and not audited.
 */
static void test_refused_writes(void)
{
	struct pt_db *db = open_world();
	struct pt_caller viewer, op, sys;
	struct pt_audit_report rep;
	struct pt_audit_entry e;
	struct pt_site_patch patch;
	struct pt_site_write_result wr;
	struct pt_sites_import in;
	struct pt_sites_import_result ir;
	struct pt_site now;
	struct pt_diag d;
	static const char csv[] = "id,name,kind,sector,owner,lat,lon,region,capacity,"
				  "peak_occupancy,population_served,economic_value_eur,tlp\n"
				  "S-NEW,The hidden depot,soft_target,stadium_arena,Ministry,"
				  "47.1,-12.1,North,100,50,0,1000000,GREEN\n";
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	viewer = as(db, "nviewer");
	op = as(db, "nop");
	pt_caller_system(&sys);
	/* A viewer's change of a site it reads. */
	memset(&patch, 0, sizeof patch);
	patch.fields = PT_SITE_F_NAME;
	pt_strlcpy(patch.v.name, "Renamed by the viewer", sizeof patch.v.name);
	CHECK_INT(pt_app_site_patch(&viewer, db, "S-GREEN", &patch, &wr, &d), PT_EFORBIDDEN);
	CHECK_STR(d.msg, "your role or organisation may not change site S-GREEN"); /* d as it was */
	CHECK(newest(db, &e));
	CHECK_STR(e.action, "refused");
	CHECK_STR(e.user_name, "nviewer");
	CHECK_STR(e.record_table, "sites");
	CHECK_STR(e.record_id, "S-GREEN");
	CHECK_STR(e.detail, "site.update: your role or organisation may not change site S-GREEN");
	CHECK_INT(pt_db_site_get(db, "S-GREEN", &now, &d), PT_OK);
	CHECK_STR(now.name, "S-GREEN");
	/* An operator's import of a site another organisation owns: the row's id, not its data. */
	memset(&in, 0, sizeof in);
	in.data = csv;
	in.len = sizeof csv - 1;
	in.format = PT_SITES_FORMAT_CSV;
	CHECK_INT(pt_app_sites_import(&op, db, &in, &ir, &d), PT_EFORBIDDEN);
	CHECK(newest(db, &e));
	CHECK_STR(e.action, "refused");
	CHECK_STR(e.user_name, "nop");
	CHECK_STR(e.record_id, "S-NEW");
	CHECK_STR(e.detail, "sites.import: line 2: owner: you may only import sites your "
			    "organisation owns; not Ministry");
	CHECK(strstr(e.detail, "hidden depot") == NULL);
	CHECK_INT(pt_db_site_get(db, "S-NEW", &now, &d), PT_ENOTFOUND);
	/* A threat level set by someone who is not a government coordinator. */
	CHECK_INT(pt_app_threat_level_set(&viewer, db, NULL, PT_LEVEL_CRITICAL, "test", &d), PT_EFORBIDDEN);
	CHECK(newest(db, &e));
	CHECK_STR(e.action, "refused");
	CHECK_STR(e.record_table, "threat_levels");
	CHECK_STR(e.record_id, "national");
	CHECK_STR(e.detail, "threat_level.set: only coordinators of a government organisation "
			    "set the threat level");
	/* A site the viewer may not see: "not found", as for a site that does not exist. */
	CHECK_INT(pt_app_site_patch(&viewer, db, "S-RED", &patch, &wr, &d), PT_ENOTFOUND);
	CHECK(newest(db, &e));
	CHECK_STR(e.record_table, "threat_levels");
	/* A refusal inside the caller's own transaction is not written (it would roll back). */
	CHECK_INT(pt_db_begin(db, &d), PT_OK);
	CHECK_INT(pt_app_refused(&viewer, db, "test.write", "", "", PT_EFORBIDDEN, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_db_end(db, PT_OK, &d), PT_OK);
	CHECK(newest(db, &e));
	CHECK_STR(e.record_table, "threat_levels");
	/* Other errors are not refusals. */
	CHECK_INT(pt_app_refused(&viewer, db, "test.write", "", "", PT_EINVAL, &d), PT_EINVAL);
	CHECK(newest(db, &e));
	CHECK_STR(e.record_table, "threat_levels");
	CHECK_INT(pt_app_audit_verify(&sys, db, &rep, &d), PT_OK);
	CHECK_INT(rep.intact, 1);
	pt_db_close(db);
}

/* Group commit (issue 10): a sink keeps the reads' entries; one write puts them all in the
 * chain in their order, one after the other, and the log still verifies. */
struct kept {
	struct pt_read_entry *e[8];
	size_t n;
};

static int keep(void *ctx, struct pt_read_entry *e)
{
	struct kept *k = ctx;
	if (k->n == 8)
		return 1;
	k->e[k->n++] = e;
	return 0;
}

static void test_group_commit(void)
{
	struct pt_db *db = open_world();
	struct pt_read_sink sink;
	struct kept k;
	struct pt_read_log log;
	struct pt_caller op, co, sys;
	struct pt_audit_entry *e = NULL;
	struct pt_audit_report rep;
	struct pt_diag d;
	size_t n = 0, total0 = 0, total = 0, i;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	memset(&k, 0, sizeof k);
	memset(&log, 0, sizeof log);
	sink.put = keep;
	sink.ctx = &k;
	op = as(db, "nop");
	co = as(db, "coord");
	op.read_sink = &sink;
	co.read_sink = &sink;
	CHECK_INT(pt_audit_list(db, 0, 1, 0, &e, &n, &total0, &d), PT_OK);
	free(e);
	e = NULL;
	pt_read_log_note(&log, &sites[0]);
	pt_read_log_note(&log, &sites[2]);
	CHECK_INT(pt_read_log_commit(&op, db, "sites.list", &log, &d), PT_OK);
	CHECK(log.all == NULL && log.n == 0); /* the entry holds the ids now */
	pt_read_log_note(&log, &sites[3]);
	CHECK_INT(pt_read_log_commit(&co, db, "site.read", &log, &d), PT_OK);
	pt_read_log_note(&log, &sites[1]); /* GREEN: no entry at all */
	CHECK_INT(pt_read_log_commit(&co, db, "site.read", &log, &d), PT_OK);
	CHECK_INT(k.n, 2);
	CHECK_INT(pt_audit_list(db, 0, 1, 0, &e, &n, &total, &d), PT_OK);
	free(e);
	e = NULL;
	CHECK_INT(total, total0); /* kept, not written */
	/* Inside a transaction the entry is written at once, as before. */
	CHECK_INT(pt_db_begin(db, &d), PT_OK);
	pt_read_log_note(&log, &sites[0]);
	CHECK_INT(pt_read_log_commit(&op, db, "register.read", &log, &d), PT_OK);
	CHECK_INT(pt_db_end(db, PT_OK, &d), PT_OK);
	CHECK_INT(k.n, 2);
	/* One write: both, in order, consecutive, each by its reader. */
	CHECK_INT(pt_app_reads_write(db, k.e, k.n, &d), PT_OK);
	CHECK_INT(pt_audit_list(db, 0, 3, 0, &e, &n, &total, &d), PT_OK);
	CHECK_INT(total, total0 + 3);
	if (n == 3) {
		CHECK_STR(e[0].action, "site.read");
		CHECK_STR(e[0].user_name, "coord");
		CHECK_STR(e[0].detail, "1 record: S-STRICT");
		CHECK_STR(e[1].action, "sites.list");
		CHECK_STR(e[1].user_name, "nop");
		CHECK_STR(e[1].detail, "2 records: S-AMBER,S-RED");
		CHECK_STR(e[2].action, "register.read");
		CHECK(e[0].seq == e[1].seq + 1 && e[1].seq == e[2].seq + 1);
	}
	free(e);
	for (i = 0; i < k.n; i++)
		pt_read_entry_free(k.e[i]);
	pt_read_entry_free(NULL);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_audit_verify(&sys, db, &rep, &d), PT_OK);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.verified, rep.entries);
	/* Nothing to write: nothing written. */
	CHECK_INT(pt_app_reads_write(db, NULL, 0, &d), PT_OK);
	pt_db_close(db);
}

int main(void)
{
	RUN(test_list_as_each_reader);
	RUN(test_missing_records_withheld);
	RUN(test_entry_json);
	RUN(test_read_log_keeps_every_id);
	RUN(test_verify_and_rekey);
	RUN(test_refused_writes);
	RUN(test_group_commit);
	return TEST_SUMMARY("test_app_audit");
}
