/* test_audit.c - unit tests of the audit log (src/store/pt_audit.c): the
 * chain verifies; edits, insertions, reordering, deletions and a deleted tail are caught; keys. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/pt_diag.h"
#include "pt_test.h"
#include "store/pt_audit.h"
#include "store/pt_store.h"
#include "store/pt_store_int.h"

/* What migration 012 (issue 11, fit) added: undone with the versions a test rolls back,
 * since migrations run again and ALTER TABLE ADD COLUMN cannot be repeated. */
#define UNDO_012                                                                          \
	/* and 016 (issue 11 review M3), which the reopening runs again */                \
	"ALTER TABLE sites DROP COLUMN fenced; ALTER TABLE surge_measures DROP COLUMN needs; " \
	"ALTER TABLE sites DROP COLUMN staff; ALTER TABLE sites DROP COLUMN entrances; "   \
	"ALTER TABLE sites DROP COLUMN perimeter_m; "                                      \
	"ALTER TABLE sites DROP COLUMN vehicle_approaches; "                               \
	"ALTER TABLE sites DROP COLUMN screened_per_day; "                                 \
	"ALTER TABLE sites DROP COLUMN control_systems; "                                  \
	"ALTER TABLE sites DROP COLUMN enclosure; ALTER TABLE sites DROP COLUMN staffed; " \
	"ALTER TABLE sites DROP COLUMN legal_basis; ALTER TABLE measures DROP COLUMN basis; " \
	"ALTER TABLE measures DROP COLUMN cost_driver; "                                   \
	"ALTER TABLE measures DROP COLUMN unit_capex_eur; "                                \
	"ALTER TABLE measures DROP COLUMN unit_opex_eur_year; "                            \
	"ALTER TABLE measures DROP COLUMN needs; ALTER TABLE measures DROP COLUMN safeguards; "

/* issue 13: migration 022 (role_by_system) runs again too */
#define UNDO_022 "ALTER TABLE users DROP COLUMN role_by_system; "

/* issue 11 M5: migration 017 (surge costs and safeguards) runs again too */
#define UNDO_017                                                                          \
	"ALTER TABLE surge_measures DROP COLUMN cost_driver; "                             \
	"ALTER TABLE surge_measures DROP COLUMN unit_weekly_eur; "                         \
	"ALTER TABLE surge_measures DROP COLUMN safeguards; "


static char tmpdir[64];
static const unsigned char KEY[PT_AUDIT_KEY_BYTES] = {9, 8, 7, 6, 5, 4, 3, 2, 1};

/* An in-memory registry with the key in memory and n audited writes (settings). */
static struct pt_db *open_mem(int n)
{
	struct pt_db *db = NULL;
	struct pt_diag d;
	int i;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(":memory:", 1, &db, &d), PT_OK);
	if (!db)
		return NULL;
	CHECK_INT(pt_audit_set_key(db, KEY, &d), PT_OK);
	for (i = 0; i < n; i++) {
		char rec[32];
		snprintf(rec, sizeof rec, "record-%d", i + 1);
		pt_db_set_actor(db, i % 3, i % 2, i % 3 ? "olivia" : NULL, 1735725600 + i);
		CHECK_INT(pt_audit_append(db, "test.write", "things", rec, "detail text", &d), PT_OK);
	}
	pt_db_set_actor(db, 0, 0, NULL, 0);
	return db;
}

/* Run SQL (the tamperer's sqlite3 shell) on db. */
static void tamper(struct pt_db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(pt_db_sqlite(db), sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "tamper: %s: %s\n", sql, msg ? msg : "?");
	CHECK_INT(rc, SQLITE_OK);
	sqlite3_free(msg);
}

static struct pt_audit_report verify(struct pt_db *db)
{
	struct pt_audit_report rep;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	memset(&rep, 0, sizeof rep);
	CHECK_INT(pt_audit_verify(db, &rep, &d), PT_OK);
	return rep;
}

static void test_chain_verifies(void)
{
	struct pt_db *db = open_mem(6);
	struct pt_audit_report rep;
	struct pt_audit_entry *e = NULL;
	struct pt_diag d;
	size_t n = 0, total = 0;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 6);
	CHECK_INT(rep.verified, 6);
	CHECK_INT(rep.head_seq, 6);
	CHECK_STR(rep.message, "intact");
	/* The list: newest first, who and when as the actor said. */
	CHECK_INT(pt_audit_list(db, 0, 4, 1, &e, &n, &total, &d), PT_OK);
	CHECK_INT(total, 6);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_INT(e[0].seq, 5);
		CHECK_INT(e[0].time, 1735725604);
		CHECK_STR(e[0].user_name, "olivia");
		CHECK_INT(e[0].user_id, 1);
		CHECK_STR(e[0].record_table, "things");
		CHECK_STR(e[0].record_id, "record-5");
		CHECK_INT(strlen(e[0].mac), 64);
		CHECK_INT(e[3].seq, 2);
	}
	free(e);
	/* By organisation: entries of org 1 only (the odd ones). */
	CHECK_INT(pt_audit_list(db, 1, 100, 0, &e, &n, &total, &d), PT_OK);
	CHECK_INT(total, 3);
	CHECK_INT(n, 3);
	free(e);
	/* The system administrator by default, at the clock's time. */
	CHECK_INT(pt_audit_list(db, 0, 1, 5, &e, &n, NULL, &d), PT_OK);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(e[0].seq, 1);
		CHECK_STR(e[0].user_name, PT_ACTOR_SYSTEM);
		CHECK_INT(e[0].user_id, 0);
	}
	free(e);
	CHECK_INT(pt_audit_list(db, 0, PT_AUDIT_LIST_MAX + 1, 0, &e, &n, NULL, &d), PT_ELIMIT);
	/* Bad actions are refused. */
	CHECK_INT(pt_audit_append(db, "", "t", "r", NULL, &d), PT_EINVAL);
	CHECK_INT(pt_audit_append(db, NULL, "t", "r", NULL, &d), PT_EINVAL);
	pt_db_close(db);
}

static void test_edit_detected(void)
{
	static const char *const edits[] = {
		"UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 3",
		"UPDATE audit_log SET user_name = 'someone else' WHERE seq = 3",
		"UPDATE audit_log SET time = time + 1 WHERE seq = 3",
		"UPDATE audit_log SET record_id = 'record-9' WHERE seq = 3",
		"UPDATE audit_log SET action = 'audit.rekey' WHERE seq = 3",
		"UPDATE audit_log SET mac = '" "0000000000000000000000000000000000000000000000000000000000000000"
		"' WHERE seq = 3",
	};
	size_t i;
	for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		struct pt_db *db = open_mem(5);
		struct pt_audit_report rep;
		if (!db)
			return;
		tamper(db, edits[i]);
		rep = verify(db);
		CHECK_INT(rep.intact, 0);
		CHECK_INT(rep.bad_seq, 3);
		CHECK(strstr(rep.message, "entry 3") != NULL);
		pt_db_close(db);
	}
}

static void test_insert_detected(void)
{
	struct pt_db *db = open_mem(5);
	struct pt_audit_report rep;
	if (!db)
		return;
	/* Make room after entry 2 and insert a forged entry 3 (a copy of entry 2's MAC). */
	tamper(db, "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3");
	tamper(db, "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000");
	tamper(db, "INSERT INTO audit_log SELECT 3, time, user_id, user_name, org_id, 'test.write', "
		   "record_table, 'forged', detail, mac FROM audit_log WHERE seq = 2");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 3);
	CHECK_INT(rep.entries, 6);
	pt_db_close(db);
	/* An entry appended at the end without the key. */
	db = open_mem(5);
	if (!db)
		return;
	tamper(db, "INSERT INTO audit_log SELECT 6, time, user_id, user_name, org_id, action, "
		   "record_table, record_id, detail, mac FROM audit_log WHERE seq = 5");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 6);
	pt_db_close(db);
}

static void test_reorder_detected(void)
{
	struct pt_db *db = open_mem(5);
	struct pt_audit_report rep;
	if (!db)
		return;
	/* Swap entries 2 and 4 (each keeps its own MAC, fields and all). */
	tamper(db, "UPDATE audit_log SET seq = 100 WHERE seq = 2");
	tamper(db, "UPDATE audit_log SET seq = 2 WHERE seq = 4");
	tamper(db, "UPDATE audit_log SET seq = 4 WHERE seq = 100");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 2);
	pt_db_close(db);
}

static void test_delete_detected(void)
{
	struct pt_db *db = open_mem(5);
	struct pt_audit_report rep;
	if (!db)
		return;
	tamper(db, "DELETE FROM audit_log WHERE seq = 3");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 3);
	CHECK(strstr(rep.message, "entry 3 missing") != NULL);
	pt_db_close(db);
	/* Deleted and renumbered: the chain breaks at 3. */
	db = open_mem(5);
	if (!db)
		return;
	tamper(db, "DELETE FROM audit_log WHERE seq = 3");
	tamper(db, "UPDATE audit_log SET seq = seq - 1 WHERE seq > 3");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 3);
	pt_db_close(db);
	/* The first entry. */
	db = open_mem(5);
	if (!db)
		return;
	tamper(db, "DELETE FROM audit_log WHERE seq = 1");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 1);
	pt_db_close(db);
}

static void test_deleted_tail_detected(void)
{
	struct pt_db *db = open_mem(5);
	struct pt_audit_report rep;
	struct pt_diag d;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	tamper(db, "DELETE FROM audit_log WHERE seq >= 4");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 4);
	CHECK(strstr(rep.message, "tail") != NULL);
	/* ... and no write is allowed on top of it (it would hide the deletion). */
	CHECK_INT(pt_audit_append(db, "test.write", "things", "x", NULL, &d), PT_EIO);
	CHECK(strstr(d.msg, "deleted") != NULL);
	pt_db_close(db);
	/* The whole log. */
	db = open_mem(2);
	if (!db)
		return;
	tamper(db, "DELETE FROM audit_log");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 1);
	pt_db_close(db);
}

/* A rolled-back write leaves no entry and keeps the head; nested writes chain. */
static enum pt_err two_writes(struct pt_db *db, void *ctx)
{
	struct pt_diag *d = ctx;
	enum pt_err err = pt_audit_append(db, "nested.one", "", "", NULL, d);
	if (err == PT_OK)
		err = pt_audit_append(db, "nested.two", "", "", NULL, d);
	return err;
}

static enum pt_err write_then_fail(struct pt_db *db, void *ctx)
{
	struct pt_diag *d = ctx;
	enum pt_err err = pt_audit_append(db, "doomed", "", "", NULL, d);
	return err == PT_OK ? PT_EINVAL : err;
}

static void test_transactions(void)
{
	struct pt_db *db = open_mem(2);
	struct pt_audit_report rep;
	struct pt_diag d;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_transaction(db, write_then_fail, &d, &d), PT_EINVAL);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 2);
	CHECK_INT(rep.head_seq, 2);
	CHECK_INT(pt_db_transaction(db, two_writes, &d, &d), PT_OK);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 4);
	CHECK_INT(rep.head_seq, 4);
	/* A store write and its entry commit together. */
	CHECK_INT(pt_db_threat_level_set(db, "no_such_threat", PT_LEVEL_SEVERE, &d), PT_EINVAL);
	rep = verify(db);
	CHECK_INT(rep.entries, 4);
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_OK);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 5);
	/* The one entry of a request that read sensitive records. */
	{
		static const char *const ids[] = {"VM-001", "VM-002"};
		CHECK_INT(pt_audit_reads(db, "sites.read", "sites", 0, "", NULL, 0, &d), PT_OK);
		CHECK_INT(pt_audit_reads(db, "sites.read", "sites", 2, "VM-001,VM-002", ids, 2, &d),
			  PT_OK);
	}
	{
		struct pt_audit_entry *e = NULL;
		size_t n = 0;
		CHECK_INT(pt_audit_list(db, 0, 2, 0, &e, &n, NULL, &d), PT_OK);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_STR(e[0].action, "sites.read");
			CHECK_STR(e[0].detail, "2 records: VM-001,VM-002");
			CHECK_STR(e[1].action, "threat_level.set");
			CHECK_STR(e[1].record_id, "national");
			/* issue 11: the level, the one it replaced and the rationale */
			CHECK_STR(e[1].detail, "SEVERE (was none): set through the store");
		}
		free(e);
	}
	pt_db_close(db);
}

/* ---- audit that cannot be switched off ---------------------------------------- */

/* The national threat level as stored. */
static enum pt_threat_level national_level(struct pt_db *db)
{
	enum pt_threat_level level = PT_LEVEL_LOW;
	struct pt_threat_level_entry *entries = NULL;
	struct pt_diag d;
	size_t n = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_threat_levels(db, &level, &entries, &n, &d), PT_OK);
	free(entries);
	return level;
}

/*
 * A trigger (installed by whoever can write the file) makes the audit
 * insert of a write ignored, rewritten or deleted: the write is refused
 * naming the audit table, nothing changes, and verify names the trigger.
 */
static void unkept_case(const char *trigger, const char *how)
{
	struct pt_db *db = open_mem(3);
	struct pt_audit_report rep;
	struct pt_diag d;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(national_level(db), PT_LEVEL_SUBSTANTIAL);
	tamper(db, trigger);
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_EIO);
	CHECK(strstr(d.msg, "the audit table audit_log did not keep entry ") != NULL);
	CHECK(strstr(d.msg, how) != NULL);
	if (!strstr(d.msg, how))
		fprintf(stderr, "  message: %s\n", d.msg);
	CHECK(strstr(d.msg, "no write is allowed") != NULL);
	/* nothing else changed: the level, the log */
	CHECK_INT(national_level(db), PT_LEVEL_SUBSTANTIAL);
	CHECK_INT(pt_db_in_transaction(db), 0);
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.entries, 3);
	CHECK_INT(rep.verified, 3);
	CHECK_INT(rep.head_seq, 3);
	CHECK(strstr(rep.message, "trigger \"audit_off\" on table audit_log") != NULL);
	/* A direct append is refused too, and a later one once the trigger is gone goes on. */
	CHECK_INT(pt_audit_append(db, "test.write", "things", "x", NULL, &d), PT_EIO);
	tamper(db, "DROP TRIGGER audit_off");
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_OK);
	CHECK_INT(national_level(db), PT_LEVEL_SEVERE);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 4);
	CHECK_INT(rep.head_seq, 4);
	pt_db_close(db);
}

static void test_unkept_entry_refused(void)
{
	unkept_case("CREATE TRIGGER audit_off BEFORE INSERT ON audit_log "
		    "BEGIN SELECT RAISE(IGNORE); END",
		    "entry 4 as written (its insert wrote no row)");
	unkept_case("CREATE TRIGGER audit_off AFTER INSERT ON audit_log BEGIN "
		    "UPDATE audit_log SET detail = 'nothing happened' WHERE seq = NEW.seq; END",
		    "entry 4 as written (it was changed after its insert)");
	unkept_case("CREATE TRIGGER audit_off AFTER INSERT ON audit_log BEGIN "
		    "DELETE FROM audit_log WHERE seq = NEW.seq; END",
		    "entry 4 as written (it is gone after its insert)");
	/* A row put in its place (same seq, the tamperer's fields) is not the entry written. */
	unkept_case("CREATE TRIGGER audit_off BEFORE INSERT ON audit_log BEGIN "
		    "INSERT INTO audit_log SELECT NEW.seq, NEW.time, NEW.user_id, NEW.user_name, "
		    "NEW.org_id, 'nothing', '', '', '', NEW.mac; SELECT RAISE(IGNORE); END",
		    "its insert wrote no row");
	/* The entry before it (the last one, the head) deleted as the new one goes in. */
	unkept_case("CREATE TRIGGER audit_off AFTER INSERT ON audit_log BEGIN "
		    "DELETE FROM audit_log WHERE seq = NEW.seq - 1; END",
		    "entry 3 as written (it is gone at commit)");
}

/* Audit entries deleted later in the transaction (a trigger on another table). */
static enum pt_err append_then_write(struct pt_db *db, void *ctx)
{
	struct pt_diag *d = ctx;
	enum pt_err err = pt_audit_append(db, "test.write", "things", "y", NULL, d);
	if (err == PT_OK)
		err = pt_db_setting_set(db, "quant.samples", "500", d);
	return err;
}

static void test_unkept_later_in_transaction(void)
{
	struct pt_db *db = open_mem(3);
	struct pt_audit_report rep;
	struct pt_diag d;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	tamper(db, "CREATE TRIGGER audit_off AFTER INSERT ON settings BEGIN "
		   "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log); END");
	CHECK_INT(pt_db_transaction(db, append_then_write, &d, &d), PT_EIO);
	CHECK(strstr(d.msg, "audit_log") != NULL);
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.entries, 3);
	CHECK(strstr(rep.message, "trigger \"audit_off\" on table settings") != NULL);
	pt_db_close(db);
}

/* A savepoint rolled back inside a transaction undoes its entries; the rest commits and chains. */
static enum pt_err inner_fails(struct pt_db *db, void *ctx)
{
	struct pt_diag *d = ctx;
	enum pt_err err = pt_audit_append(db, "inner.doomed", "", "", NULL, d);
	return err == PT_OK ? PT_EINVAL : err;
}

static enum pt_err outer_survives(struct pt_db *db, void *ctx)
{
	struct pt_diag *d = ctx;
	enum pt_err err = pt_audit_append(db, "outer.one", "", "", NULL, d);
	if (err == PT_OK && pt_db_transaction(db, inner_fails, d, d) != PT_EINVAL)
		err = PT_EINTERNAL;
	if (err == PT_OK)
		err = pt_audit_append(db, "outer.two", "", "", NULL, d);
	return err;
}

static void test_savepoint_rolled_back(void)
{
	struct pt_db *db = open_mem(2);
	struct pt_audit_report rep;
	struct pt_audit_entry *e = NULL;
	struct pt_diag d;
	size_t n = 0;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_transaction(db, outer_survives, &d, &d), PT_OK);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 4);
	CHECK_INT(rep.head_seq, 4);
	CHECK_INT(pt_audit_list(db, 0, 2, 0, &e, &n, NULL, &d), PT_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(e[0].action, "outer.two");
		CHECK_STR(e[1].action, "outer.one");
	}
	free(e);
	/* Only the inner savepoint's entry, first in its transaction: nothing commits. */
	CHECK_INT(pt_db_transaction(db, inner_fails, &d, &d), PT_EINVAL);
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_LOW, &d), PT_OK);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 5);
	pt_db_close(db);
}

/* The last row deleted behind protect's back: verify names the counts, writes stop. */
static void test_last_row_deleted(void)
{
	struct pt_db *db = open_mem(4);
	struct pt_audit_report rep;
	struct pt_diag d;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	tamper(db, "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK(strstr(rep.message, "the key file records 4 entries, the table holds 3") != NULL);
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_EIO);
	CHECK_INT(national_level(db), PT_LEVEL_SUBSTANTIAL);
	pt_db_close(db);
}

/* Collects the records pt_audit_list_covered reports as "ITEM table/id;". */
static void collect(void *ctx, size_t item, const char *table, const char *id)
{
	char *buf = ctx, one[128];
	snprintf(one, sizeof one, "%zu %s/%s;", item, table, id);
	pt_strlcat(buf, one, 1024);
}

/* The records an entry covers: a site, a register entry's site, every id a read listed. */
static void test_covered_records(void)
{
	static const char *const ids[] = {"VM-001", "VM-002", "VM-003"};
	struct pt_db *db = open_mem(1);
	struct pt_audit_entry *e = NULL;
	struct pt_audit_report rep;
	struct pt_diag d;
	size_t n = 0, total = 0;
	char seen[1024] = "";
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_audit_append(db, "sites.import", "sites", "VM-004", "1 sites", &d), PT_OK);
	CHECK_INT(pt_audit_append(db, "register.set", "risk_register", "VM-005/arson", "note", &d),
		  PT_OK);
	CHECK_INT(pt_audit_append(db, "user.create", "users", "alice", "", &d), PT_OK);
	/* The detail keeps the cut text; the side table every id. */
	CHECK_INT(pt_audit_reads(db, "sites.list", "sites", 3, "VM-001,...", ids, 3, &d), PT_OK);
	CHECK_INT(pt_audit_list_covered(db, 0, 3, 0, &e, &n, &total, collect, seen, &d), PT_OK);
	CHECK_INT(n, 3);
	CHECK_INT(total, 5);
	CHECK_STR(seen, "0 sites/VM-001;0 sites/VM-002;0 sites/VM-003;2 sites/VM-005;");
	if (n == 3)
		CHECK_STR(e[0].detail, "3 records: VM-001,...");
	free(e);
	/* The side table is outside the MACs: the chain verifies as before. */
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 5);
	pt_db_close(db);
}

/*
 * The schema, not only objects typed 'trigger': a trigger hidden by an edit
 * of its type (PRAGMA writable_schema), a view and an INSTEAD OF trigger
 * naming the audit tables, a trigger naming them in capitals, an edited
 * definition of audit_log, an odd type anywhere: verify names each.
 */
static void schema_case(const char *sql, const char *want)
{
	struct pt_db *db = open_mem(2);
	struct pt_audit_report rep;
	if (!db)
		return;
	tamper(db, sql);
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.entries, 2);
	CHECK(strstr(rep.message, want) != NULL);
	if (!strstr(rep.message, want))
		fprintf(stderr, "  message: %s\n", rep.message);
	pt_db_close(db);
}

static void test_schema_tampering_named(void)
{
	struct pt_db *db = open_mem(2);
	struct pt_audit_report rep;
	if (!db)
		return;
	rep = verify(db); /* protect's own schema: nothing named */
	CHECK_INT(rep.intact, 1);
	pt_db_close(db);
	schema_case("CREATE TRIGGER t3 BEFORE INSERT ON audit_records BEGIN SELECT RAISE(IGNORE); "
		    "END; PRAGMA writable_schema = ON; "
		    "UPDATE sqlite_master SET type = 'TRIGGER' WHERE name = 't3'; "
		    "PRAGMA writable_schema = OFF;",
		    "the database has a trigger \"t3\" on audit_records naming the audit tables "
		    "that protect's schema does not make, hidden as type \"TRIGGER\" (the schema "
		    "was edited with PRAGMA writable_schema)");
	schema_case("CREATE TRIGGER t4 BEFORE INSERT ON audit_log BEGIN SELECT RAISE(IGNORE); "
		    "END; PRAGMA writable_schema = ON; "
		    "UPDATE sqlite_master SET type = 'Trigger' WHERE name = 't4'; "
		    "PRAGMA writable_schema = OFF;",
		    "trigger \"t4\" on audit_log naming the audit tables that protect's schema does "
		    "not make, hidden as type \"Trigger\"");
	schema_case("CREATE VIEW entries AS SELECT * FROM audit_log; "
		    "CREATE TRIGGER via INSTEAD OF INSERT ON entries BEGIN SELECT 1; END;",
		    "the database has a view \"entries\" on entries naming the audit tables that "
		    "protect's schema does not make: it can suppress, rewrite or delete audit "
		    "entries; find out who made it, and remove it (DROP VIEW)");
	schema_case("CREATE TRIGGER quiet AFTER INSERT ON settings BEGIN "
		    "DELETE FROM AUDIT_LOG WHERE seq = 0; END;",
		    "the database has a trigger \"quiet\" on table settings that protect's schema "
		    "does not make");
	schema_case("PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = "
		    "replace(sql, 'CHECK (seq >= 1)', 'CHECK (seq >= 0)') WHERE name = 'audit_log'; "
		    "PRAGMA writable_schema = OFF;",
		    "the database's table \"audit_log\" is not the one protect's schema makes (its "
		    "definition was edited)");
	schema_case("CREATE INDEX settings_x ON settings (key); PRAGMA writable_schema = ON; "
		    "UPDATE sqlite_master SET type = 'INDEX' WHERE name = 'settings_x'; "
		    "PRAGMA writable_schema = OFF;",
		    "the database's schema has an object \"settings_x\" on settings of type "
		    "\"INDEX\", which SQLite does not write: the schema was edited with PRAGMA "
		    "writable_schema");
}

/*
 * audit_records is checked like audit_log: a trigger that ignores or deletes
 * the records an entry covers refuses the write (and its transaction); a
 * record deleted before the commit refuses the commit.
 */
static void test_unkept_records_refused(void)
{
	static const char *const red[] = {"VM-025"};
	struct pt_db *db = open_mem(1);
	struct pt_audit_report rep;
	struct pt_diag d;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	tamper(db, "CREATE TRIGGER t3 BEFORE INSERT ON audit_records BEGIN SELECT RAISE(IGNORE); END;");
	CHECK_INT(pt_audit_reads(db, "site.read", "sites", 1, "VM-025", red, 1, &d), PT_EIO);
	CHECK_STR(d.msg, "the audit table audit_records did not keep record \"VM-025\" of entry 2 "
			 "(its insert wrote no row): a trigger or another change to the database "
			 "file is suppressing the records audit entries cover, so no write is "
			 "allowed and this one was rolled back; run 'protect audit verify'");
	CHECK_INT(pt_audit_append(db, "site.update", "sites", "VM-025", "name", &d), PT_EIO);
	CHECK(strstr(d.msg, "did not keep record \"VM-025\" of entry 2") != NULL);
	/* inside the caller's transaction: it cannot commit */
	CHECK_INT(pt_db_begin(db, &d), PT_OK);
	CHECK_INT(pt_audit_append(db, "register.set", "risk_register", "VM-025/arson", "", &d),
		  PT_EIO);
	CHECK_INT(pt_db_end(db, PT_OK, &d), PT_EIO);
	CHECK(strstr(d.msg, "audit_log and audit_records as written") != NULL);
	tamper(db, "DROP TRIGGER t3; CREATE TRIGGER t3 AFTER INSERT ON audit_records BEGIN "
		   "DELETE FROM audit_records WHERE seq = NEW.seq; END;");
	CHECK_INT(pt_audit_reads(db, "site.read", "sites", 1, "VM-025", red, 1, &d), PT_EIO);
	CHECK(strstr(d.msg, "did not keep record \"VM-025\" of entry 2 (it is gone after its "
			    "insert)") != NULL);
	tamper(db, "DROP TRIGGER t3");
	/* deleted later in the transaction, before its commit */
	CHECK_INT(pt_db_begin(db, &d), PT_OK);
	CHECK_INT(pt_audit_reads(db, "site.read", "sites", 1, "VM-025", red, 1, &d), PT_OK);
	tamper(db, "DELETE FROM audit_records WHERE record_id = 'VM-025'");
	CHECK_INT(pt_db_end(db, PT_OK, &d), PT_EIO);
	CHECK(strstr(d.msg, "the audit table audit_records holds 0 of the 1 records covered by "
			    "entries 2-2 at commit") != NULL);
	/* nothing was kept; the same id twice is one record, not a suppressed one */
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 1);
	{
		static const char *const twice[] = {"VM-025", "VM-025", NULL, NULL};
		CHECK_INT(pt_audit_reads(db, "register.list", "sites", 4, "VM-025,VM-025,,", twice,
					 4, &d),
			  PT_OK);
	}
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 2);
	pt_db_close(db);
}

/*
 * An entry whose covered records were deleted or changed after its commit:
 * the list fails closed (an unknown record: withheld from every reader but
 * the system administrator), and verify names the entry and the record.
 */
static void test_missing_records_fail_closed(void)
{
	static const char *const ids[] = {"VM-024", "VM-025"};
	struct pt_db *db = open_mem(1);
	struct pt_audit_entry *e = NULL;
	struct pt_audit_report rep;
	struct pt_diag d;
	size_t n = 0;
	char seen[1024] = "";
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_audit_reads(db, "site.read", "sites", 1, "VM-025", ids + 1, 1, &d), PT_OK);
	CHECK_INT(pt_audit_reads(db, "sites.list", "sites", 2, "VM-024,VM-025", ids, 2, &d), PT_OK);
	CHECK_INT(pt_audit_append(db, "register.set", "risk_register", "VM-025/arson", "", &d),
		  PT_OK);
	CHECK_INT(pt_audit_list_covered(db, 0, 3, 0, &e, &n, NULL, collect, seen, &d), PT_OK);
	CHECK_STR(seen, "0 sites/VM-025;1 sites/VM-024;1 sites/VM-025;2 sites/VM-025;");
	free(e);
	/* the RED site's rows removed (entry 2), changed to another site (entry 4), one of two
	 * removed (entry 3) */
	tamper(db, "DELETE FROM audit_records WHERE seq = 2; "
		   "DELETE FROM audit_records WHERE seq = 3 AND record_id = 'VM-025'; "
		   "UPDATE audit_records SET record_id = 'VM-001' WHERE seq = 4");
	seen[0] = '\0';
	CHECK_INT(pt_audit_list_covered(db, 0, 3, 0, &e, &n, NULL, collect, seen, &d), PT_OK);
	CHECK_STR(seen, "0 sites/VM-001;0 sites/;1 sites/VM-024;1 sites/;2 sites/;");
	free(e);
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 2);
	CHECK_INT(rep.verified, 4); /* the MACs hold: the side table is outside them */
	CHECK_STR(rep.message, "entry 2 names record sites \"VM-025\", but the table audit_records "
			       "does not hold it among the records the entry covers: they were "
			       "deleted, or their insert suppressed (the audit list withholds the "
			       "entry from every reader but the system administrator)");
	/* the table itself gone from a version 7 schema */
	tamper(db, "DROP TABLE audit_records");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK(strstr(rep.message, "the table audit_records, which protect's schema makes from "
				  "version 7 on, is missing") != NULL);
	pt_db_close(db);
}

/* In memory: no key, no writes; a wrong key stops writes and fails verification. */
static void test_wrong_or_missing_key_in_memory(void)
{
	static const unsigned char other[PT_AUDIT_KEY_BYTES] = {1};
	struct pt_db *db = NULL;
	struct pt_audit_report rep;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(":memory:", 1, &db, &d), PT_OK);
	if (!db)
		return;
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_EIO);
	CHECK(strstr(d.msg, "no audit key") != NULL);
	{
		enum pt_threat_level nat = PT_LEVEL_LOW;
		struct pt_threat_level_entry *entries = NULL;
		size_t n = 0;
		/* ... and the write did not happen. */
		CHECK_INT(pt_db_threat_levels(db, &nat, &entries, &n, &d), PT_OK);
		CHECK_INT(nat, PT_LEVEL_SUBSTANTIAL);
		free(entries);
	}
	pt_db_close(db);
	db = open_mem(3);
	if (!db)
		return;
	CHECK_INT(pt_audit_set_key(db, other, &d), PT_OK);
	CHECK_INT(pt_audit_append(db, "test.write", "", "", NULL, &d), PT_EIO);
	CHECK(strstr(d.msg, "does not verify") != NULL);
	CHECK(strstr(d.msg, "rekey") != NULL);
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 1);
	/* Rekey: a break entry starts a new chain; the old entries cannot be verified. */
	CHECK_INT(pt_audit_rekey(db, "key lost", &d), PT_OK);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.breaks, 1);
	CHECK_INT(rep.entries, 4);
	CHECK_INT(rep.unverifiable, 3);
	CHECK_INT(rep.verified, 1);
	CHECK_INT(pt_audit_append(db, "test.write", "", "", NULL, &d), PT_OK);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.verified, 2);
	pt_db_close(db);
}

static void tmp_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void remove_files(const char *path)
{
	char buf[256];
	static const char *const ext[] = {"", "-wal", "-shm", ".key"};
	size_t i;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(buf, sizeof buf, "%s%s", path, ext[i]);
		remove(buf);
	}
}

/* A file registry: the key file beside it, mode 0600, the head in it; lost, wrong, rekeyed. */
static void test_key_file(void)
{
	struct pt_db *db = NULL;
	struct pt_audit_report rep;
	struct pt_diag d;
	struct stat st;
	char path[128], key[160], saved[176], line[256];
	FILE *f;
	int i;

	memset(&d, 0, sizeof d);
	tmp_path(path, sizeof path, "reg.db");
	CHECK_INT(pt_audit_key_path(path, key, sizeof key), PT_OK);
	snprintf(saved, sizeof saved, "%s.saved", key);
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	if (!db)
		return;
	/* No key file until the first write; then created 0600. */
	CHECK(stat(key, &st) != 0);
	for (i = 0; i < 3; i++)
		CHECK_INT(pt_db_threat_level_set(db, NULL, (enum pt_threat_level)i, &d), PT_OK);
	CHECK_INT(stat(key, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	/* The head: seq 3. */
	f = fopen(key, "r");
	CHECK(f != NULL);
	if (f) {
		int seen = 0;
		while (fgets(line, sizeof line, f))
			if (strcmp(line, "seq 00000000000000000003\n") == 0) /* fixed width */
				seen = 1;
		fclose(f);
		CHECK_INT(seen, 1);
	}
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.head_seq, 3);
	pt_db_close(db);
	db = NULL;
	/* Lost key: writes stop with what to do; verify says it is missing. */
	CHECK_INT(rename(key, saved), 0);
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_OK);
	if (!db)
		goto out;
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_EIO);
	CHECK(strstr(d.msg, "missing") != NULL);
	CHECK(strstr(d.msg, "protect audit rekey") != NULL);
	CHECK(stat(key, &st) != 0); /* not silently recreated */
	memset(&rep, 0, sizeof rep);
	CHECK_INT(pt_audit_verify(db, &rep, &d), PT_ENOTFOUND);
	/* Restored: all is well again. */
	CHECK_INT(rename(saved, key), 0);
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_OK);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 4);
	/* A wrong key file (another database's): writes stop, verification fails. */
	f = fopen(key, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("protect-audit-key 1\n"
		      "key 1111111111111111111111111111111111111111111111111111111111111111\n"
		      "seq 4\n"
		      "mac 2222222222222222222222222222222222222222222222222222222222222222\n",
		      f);
		fclose(f);
	}
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_LOW, &d), PT_EIO);
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	/* Garbage in the key file: a clear error naming the file. */
	f = fopen(key, "w");
	if (f) {
		fputs("this is not a key\n", f);
		fclose(f);
	}
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_LOW, &d), PT_EIO);
	CHECK(strstr(d.msg, key) != NULL);
	/* Rekey: a new key file and a break entry; then writes go on. */
	CHECK_INT(pt_audit_rekey(db, "test: key replaced", &d), PT_OK);
	CHECK_INT(stat(key, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.breaks, 1);
	CHECK_INT(rep.unverifiable, 4);
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_LOW, &d), PT_OK);
	{
		struct pt_audit_entry *e = NULL;
		size_t n = 0;
		CHECK_INT(pt_audit_list(db, 0, 2, 0, &e, &n, NULL, &d), PT_OK);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_STR(e[1].action, "audit.rekey");
			CHECK(strstr(e[1].detail, "previous chain ended at entry 4") != NULL);
			CHECK(strstr(e[1].detail, "test: key replaced") != NULL);
		}
		free(e);
	}
	/* A second rekey with a sound key keeps the old key: everything verifies. */
	CHECK_INT(pt_audit_rekey(db, "rotation", &d), PT_OK);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.breaks, 2);
	CHECK_INT(rep.unverifiable, 4);
	CHECK_INT(rep.verified, 3);
	/* Tampering with the new chain is still caught after reopening. */
	pt_db_close(db);
	db = NULL;
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_OK);
	if (!db)
		goto out;
	tamper(db, "UPDATE audit_log SET detail = 'CRITICAL' WHERE seq = 6");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 6);
out:
	pt_db_close(db);
	remove(saved);
	remove_files(path);
}


/* The bytes of file path into buf (cap bytes); their count, or 0 when it cannot be read. */
static size_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	if (!f)
		return 0;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/* Write n bytes of buf over the file at path (as a crash that lost later writes leaves it). */
static void spill(const char *path, const char *buf, size_t n)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(fwrite(buf, 1, n, f), n);
	fclose(f);
}

/*
 * The head moves in place (the same file, one write), and the crash window it leaves:
 * entries committed whose head never reached the key file verify, the next write carries
 * on, and a tail deleted beyond the recorded head cannot be told, but never below it.
 * A key file of an older protect (seq not zero-padded) is replaced whole once.
 */
static void test_head_in_place_and_crash_window(void)
{
	struct pt_db *db = NULL;
	struct pt_audit_report rep;
	struct pt_diag d;
	struct stat st;
	char path[128], key[160], head3[4096], now[4096];
	size_t n3 = 0, n;
	ino_t ino;
	int i;

	memset(&d, 0, sizeof d);
	tmp_path(path, sizeof path, "crash.db");
	CHECK_INT(pt_audit_key_path(path, key, sizeof key), PT_OK);
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	if (!db)
		return;
	for (i = 0; i < 3; i++)
		CHECK_INT(pt_db_threat_level_set(db, NULL, (enum pt_threat_level)i, &d), PT_OK);
	CHECK_INT(stat(key, &st), 0);
	ino = st.st_ino;
	n3 = slurp(key, head3, sizeof head3);
	CHECK(n3 > 0 && strstr(head3, "\nseq 00000000000000000003\n") != NULL);
	/* Three more commits: the head moves in place, the file keeps its length and inode. */
	for (i = 0; i < 3; i++)
		CHECK_INT(pt_db_threat_level_set(db, NULL, (enum pt_threat_level)i, &d), PT_OK);
	CHECK_INT(stat(key, &st), 0);
	CHECK(st.st_ino == ino);
	CHECK_INT(st.st_mode & 0777, 0600);
	n = slurp(key, now, sizeof now);
	CHECK_INT(n, n3);
	CHECK(strstr(now, "\nseq 00000000000000000006\n") != NULL);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.head_seq, 6);
	/* A crash after entries 4-6 committed, before their head was durable: the key file
	 * still records entry 3. The entries beyond it chain under the key: intact. */
	spill(key, head3, n3);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 6);
	CHECK_INT(rep.verified, 6);
	CHECK_INT(rep.head_seq, 3);
	/* ... and the next write carries the chain and the head on. */
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_OK);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 7);
	CHECK_INT(rep.head_seq, 7);
	/* The window again (entries 1-7, the head at 3): a tail deleted beyond the head is
	 * what the window cannot tell ... */
	spill(key, head3, n3);
	tamper(db, "DELETE FROM audit_log WHERE seq >= 5");
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 4);
	/* ... but never fewer entries than the head: deleted down past it, the tail is named. */
	tamper(db, "DELETE FROM audit_log WHERE seq >= 3");
	rep = verify(db);
	CHECK_INT(rep.intact, 0);
	CHECK_INT(rep.bad_seq, 3);
	CHECK(strstr(rep.message, "tail") != NULL);
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_LOW, &d), PT_EIO);
	pt_db_close(db);
	db = NULL;
	remove_files(path);

	/* An older protect's key file (seq not padded): replaced whole, then moved in place. */
	tmp_path(path, sizeof path, "old.db");
	CHECK_INT(pt_audit_key_path(path, key, sizeof key), PT_OK);
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	if (!db)
		return;
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_LOW, &d), PT_OK);
	n = slurp(key, now, sizeof now - 1);
	now[n] = '\0';
	{
		char *seq = strstr(now, "\nseq ");
		char *end = seq ? strchr(seq + 1, '\n') : NULL;
		CHECK(end != NULL);
		if (end) {
			char old[4096];
			snprintf(old, sizeof old, "%.*sseq 1%s", (int)(seq + 1 - now), now, end);
			spill(key, old, strlen(old));
		}
	}
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_OK);
	n = slurp(key, now, sizeof now - 1);
	now[n] = '\0';
	CHECK(strstr(now, "\nseq 00000000000000000002\n") != NULL);
	CHECK_INT(stat(key, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.head_seq, 2);
	pt_db_close(db);
	remove_files(path);
}

/*
 * verify on a read-only open (no migration: the schema version stays as
 * found) and the key file's permissions: open to others, writes and serve
 * refuse it, verify warns.
 */
static void test_read_only_and_key_mode(void)
{
	struct pt_db *db = NULL;
	struct pt_audit_report rep;
	struct pt_diag d;
	char path[128], key[160];
	sqlite3 *raw = NULL;
	int current = 0, latest = 0;

	memset(&d, 0, sizeof d);
	tmp_path(path, sizeof path, "ro.db");
	CHECK_INT(pt_audit_key_path(path, key, sizeof key), PT_OK);
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	if (!db)
		return;
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_SEVERE, &d), PT_OK);
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_LOW, &d), PT_OK);
	pt_db_close(db);
	db = NULL;
	/* An older schema version, as a copy made before an upgrade would have. */
	CHECK_INT(sqlite3_open(path, &raw), SQLITE_OK);
	CHECK_INT(sqlite3_exec(raw, "PRAGMA user_version = 8", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	CHECK_INT(pt_db_open_readonly(path, &db, &d), PT_OK);
	if (!db)
		goto out;
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 2);
	CHECK_INT(rep.key_mode, 0600);
	CHECK_INT(rep.key_exposed, 0);
	CHECK_INT(pt_db_schema_version(db, &current, &latest, &d), PT_OK);
	CHECK_INT(current, 8); /* not migrated */
	CHECK(pt_db_threat_level_set(db, NULL, PT_LEVEL_CRITICAL, &d) != PT_OK);
	pt_db_close(db);
	db = NULL;
	CHECK_INT(pt_db_open_readonly("/nonexistent/ro.db", &db, &d), PT_ENOTFOUND);
	CHECK_INT(sqlite3_open(path, &raw), SQLITE_OK);
	{
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", latest);
		CHECK_INT(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	}
	sqlite3_close(raw);
	/* A key file others may read: verify warns, writes and serve refuse it. */
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_OK);
	if (!db)
		goto out;
	CHECK_INT(chmod(key, 0640), 0);
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.key_exposed, 1);
	CHECK_INT(rep.key_mode, 0640);
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_CRITICAL, &d), PT_EIO);
	CHECK(strstr(d.msg, "can be read or written by users other than its owner (mode 0640), "
			    "so no write is allowed") != NULL);
	CHECK(strstr(d.msg, "chmod 600") != NULL);
	CHECK_INT(national_level(db), PT_LEVEL_LOW);
	CHECK_INT(pt_audit_key_check(db, "the server does not start", &d), PT_EIO);
	CHECK(strstr(d.msg, "so the server does not start") != NULL);
	CHECK_INT(chmod(key, 0600), 0);
	CHECK_INT(pt_audit_key_check(db, "the server does not start", &d), PT_OK);
	CHECK_INT(pt_db_threat_level_set(db, NULL, PT_LEVEL_CRITICAL, &d), PT_OK);
out:
	pt_db_close(db);
	remove_files(path);
}

/*
 * Migration 007 on a database written before it: the records of existing
 * entries are recovered (a site, a register entry's site, the ids of a
 * read entry's detail; a cut list leaves an unknown record ""), and the
 * chain verifies before and after, its MACs untouched.
 */
static void test_migration_backfill(void)
{
	static const char *const none[] = {NULL};
	struct pt_db *db = NULL;
	struct pt_audit_entry *e = NULL;
	struct pt_audit_report rep;
	struct pt_diag d;
	char path[128], key[160], seen[1024] = "", wal[176];
	size_t n = 0;

	memset(&d, 0, sizeof d);
	tmp_path(path, sizeof path, "old.db");
	CHECK_INT(pt_audit_key_path(path, key, sizeof key), PT_OK);
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	if (!db)
		return;
	CHECK_INT(pt_audit_append(db, "site.reader.add", "sites", "VM-004", "user 3", &d), PT_OK);
	CHECK_INT(pt_audit_append(db, "register.set", "risk_register", "VM-009/arson",
				  "note \"x\"", &d),
		  PT_OK);
	CHECK_INT(pt_audit_append(db, "sites.import", "sites", "", "2 sites: 2 created, 0 updated",
				  &d),
		  PT_OK);
	/* Read entries as they were written before: the ids in the text only. */
	CHECK_INT(pt_audit_reads(db, "site.read", "sites", 1, "VM-001", none, 0, &d), PT_OK);
	CHECK_INT(pt_audit_reads(db, "sites.list", "sites", 3, "VM-001,VM-002,VM-003", NULL, 0, &d),
		  PT_OK);
	CHECK_INT(pt_audit_reads(db, "sites.list", "sites", 9, "VM-005,VM-006,...", NULL, 0, &d),
		  PT_OK);
	/* Back to version 6: no side table, nor what later migrations made (they run again). */
	tamper(db, "DELETE FROM audit_records; DROP TABLE audit_records; "
		   "DROP TABLE IF EXISTS password_resets; "
		   UNDO_012 UNDO_017 UNDO_022 "ALTER TABLE users DROP COLUMN admin_by_system; "
		   /* migration 014 (issue 11): threat levels and register decisions as before */
		   "DROP TABLE threat_levels; CREATE TABLE threat_levels (id INTEGER PRIMARY KEY, "
		   "threat_id TEXT, level TEXT NOT NULL); "
		   "ALTER TABLE risk_register DROP COLUMN decided_band; "
		   "ALTER TABLE risk_register DROP COLUMN decided_level; PRAGMA user_version = 6");
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	pt_db_close(db);
	db = NULL;
	CHECK_INT(pt_db_open(path, 0, &db, &d), PT_OK);
	if (!db)
		return;
	rep = verify(db);
	CHECK_INT(rep.intact, 1);
	CHECK_INT(rep.entries, 6);
	CHECK_INT(rep.verified, 6);
	CHECK_INT(pt_audit_list_covered(db, 0, 10, 0, &e, &n, NULL, collect, seen, &d), PT_OK);
	CHECK_INT(n, 6);
	CHECK_STR(seen, "0 sites/;0 sites/VM-005;0 sites/VM-006;"
			"1 sites/VM-001;1 sites/VM-002;1 sites/VM-003;"
			"2 sites/VM-001;4 sites/VM-009;5 sites/VM-004;");
	free(e);
	pt_db_close(db);
	unlink(path);
	unlink(key);
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/pt_test_audit_XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_chain_verifies);
	RUN(test_edit_detected);
	RUN(test_insert_detected);
	RUN(test_reorder_detected);
	RUN(test_delete_detected);
	RUN(test_deleted_tail_detected);
	RUN(test_transactions);
	RUN(test_unkept_entry_refused);
	RUN(test_unkept_later_in_transaction);
	RUN(test_savepoint_rolled_back);
	RUN(test_last_row_deleted);
	RUN(test_covered_records);
	RUN(test_schema_tampering_named);
	RUN(test_unkept_records_refused);
	RUN(test_missing_records_fail_closed);
	RUN(test_wrong_or_missing_key_in_memory);
	RUN(test_key_file);
	RUN(test_head_in_place_and_crash_window);
	RUN(test_read_only_and_key_mode);
	RUN(test_migration_backfill);
	if (rmdir(tmpdir) != 0)
		fprintf(stderr, "test_audit: %s left behind\n", tmpdir);
	return TEST_SUMMARY("test_audit");
}
