/* pt_audit_read.c - reading the audit log: a page of entries with the
 * records they cover, and the check of the whole chain against the key. */
#include "pt_audit_int.h"

#include <limits.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"

/* The statement table of this file. */
enum audit_read_stmt {
	ST_ALL,
	ST_LIST,
	ST_LIST_COUNT,
	ST_COVERED,
	ST_TRIGGERS,
	ST_COVER_HAS,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_ALL] = "SELECT seq, time, user_id, user_name, org_id, action, record_table, record_id, "
		   "detail, mac FROM audit_log ORDER BY seq",
	[ST_LIST] = "SELECT a.seq, a.time, a.user_id, a.user_name, a.org_id, a.action, "
		    "a.record_table, a.record_id, a.detail, a.mac, coalesce(o.name, '') "
		    "FROM audit_log a LEFT JOIN organisations o ON o.id = a.org_id "
		    "WHERE ?1 <= 0 OR a.org_id = ?1 ORDER BY a.seq DESC LIMIT ?2 OFFSET ?3",
	[ST_LIST_COUNT] = "SELECT count(*) FROM audit_log WHERE ?1 <= 0 OR org_id = ?1",
	[ST_COVERED] = "SELECT record_table, record_id FROM audit_records WHERE seq = ?1",
	/* Every schema object, and whether it touches the audit tables (on them, naming them,
	 * or named as theirs; LIKE ignores case): the objects of protect's schema that do are
	 * its tables audit_log and audit_records and their index, nothing else. */
	[ST_TRIGGERS] = "SELECT type, name, tbl_name, sql, lower(tbl_name) IN ('audit_log', "
			"'audit_records') OR sql LIKE '%audit_log%' OR sql LIKE '%audit_records%' "
			"OR name LIKE 'audit%' FROM sqlite_master ORDER BY name",
	[ST_COVER_HAS] = "SELECT count(*) FROM audit_records WHERE seq = ?1 AND record_table = ?2 "
			 "AND record_id = ?3",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_AUDIT_READ, ST_COUNT, stmt_sql};

/* Where the records covered by the entries of a page go. */
struct covered_ctx {
	pt_audit_record_fn on_record;
	void *ctx;
	size_t entry; /* the page's entry being read */
	struct pt_audit_named *named; /* the records the entry names in its own text */
	size_t rows, found; /* its audit_records rows, and those of named records */
};

/* An audit_records row (table, id) to the callback of ctx (a struct covered_ctx). */
static enum pt_err covered_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct covered_ctx *c = ctx;
	const char *table = (const char *)sqlite3_column_text(st, 0);
	const char *id = (const char *)sqlite3_column_text(st, 1);
	(void)row;
	(void)d;
	c->rows++;
	if (table && id && c->named->table && strcmp(table, c->named->table) == 0 &&
	    pt_audit_named_has(c->named, id))
		c->found++;
	c->on_record(c->ctx, c->entry, table ? table : "", id ? id : "");
	return PT_OK;
}

/*
 * Call on_record for every record covered by an entry of page (n entries): one
 * lookup by primary key per entry, so the cost follows the page, not the log.
 * Fail closed: an entry naming records in its own text (a site, the ids of a
 * read) whose audit_records rows lack one of them (deleted, or suppressed by
 * a trigger) also gets a record whose id is not known (""), which nobody but
 * the system administrator may read: the entry is withheld.
 */
static enum pt_err covered(struct pt_db *db, const struct pt_audit_entry *page, size_t n,
			   pt_audit_record_fn on_record, void *ctx, struct pt_diag *d)
{
	static const char what[] = "reading the records of the audit log";
	struct covered_ctx c = {on_record, ctx, 0, NULL, 0, 0};
	sqlite3_stmt *st;
	enum pt_err err = PT_OK;
	int rc;
	if (!(c.named = malloc(sizeof *c.named)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (c.entry = 0; c.entry < n; c.entry++) {
		struct pt_db_rows rows = {.max = SIZE_MAX, .fill = covered_row, .ctx = &c};
		pt_audit_named_of(&page[c.entry], c.named);
		c.rows = c.found = 0;
		if ((err = pt_db_prepare(db, &stmts, ST_COVERED, &st, d)) != PT_OK)
			break;
		if ((rc = sqlite3_bind_int64(st, 1, page[c.entry].seq)) != SQLITE_OK) {
			sqlite3_reset(st);
			err = pt_db_fail(db, rc, d, what);
			break;
		}
		if ((err = pt_db_rows_read(db, st, &rows, what, d)) != PT_OK)
			break;
		if (c.found < c.named->n)
			on_record(ctx, c.entry, c.named->table, "");
	}
	free(c.named);
	return err;
}

enum pt_err pt_audit_list(struct pt_db *db, long long org_id, size_t limit, size_t offset,
			  struct pt_audit_entry **entries, size_t *n, size_t *total,
			  struct pt_diag *d)
{
	return pt_audit_list_covered(db, org_id, limit, offset, entries, n, total, NULL, NULL, d);
}

/* A row of ST_LIST into row (a struct pt_audit_entry): the entry and its organisation's name. */
static enum pt_err list_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_audit_entry *e = row;
	enum pt_err err = pt_audit_entry_row(st, row, ctx, d);
	pt_db_col_copy(st, 10, e->org_name, sizeof e->org_name);
	return err;
}

enum pt_err pt_audit_list_covered(struct pt_db *db, long long org_id, size_t limit,
				  size_t offset, struct pt_audit_entry **entries, size_t *n,
				  size_t *total, pt_audit_record_fn on_record, void *ctx,
				  struct pt_diag *d)
{
	struct pt_db_rows list = {.elem_size = sizeof **entries,
				  .max = limit,
				  .too_many = "too many audit entries",
				  .fill = list_row};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;

	if (!db || !entries || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*entries = NULL;
	*n = 0;
	if (total)
		*total = 0;
	if (limit > PT_AUDIT_LIST_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "limit", "at most %d entries at once",
				   PT_AUDIT_LIST_MAX);
	if (offset > (size_t)LLONG_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "offset", "offset too large");
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if (total) {
		long long count = 0;
		if ((err = pt_db_prepare(db, &stmts, ST_LIST_COUNT, &st, d)) != PT_OK)
			goto out;
		if ((rc = sqlite3_bind_int64(st, 1, org_id)) != SQLITE_OK) {
			sqlite3_reset(st);
			err = pt_db_fail(db, rc, d, "counting the audit log");
			goto out;
		}
		err = pt_db_row_one(db, st, pt_db_id_row, &count, NULL, "counting the audit log", d);
		if (err == PT_ENOTFOUND)
			err = pt_db_fail(db, SQLITE_DONE, d, "counting the audit log");
		if (err != PT_OK)
			goto out;
		*total = (size_t)count;
	}
	if (!limit)
		goto out;
	if ((err = pt_db_prepare(db, &stmts, ST_LIST, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_int64(st, 1, org_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, (sqlite3_int64)offset);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		err = pt_db_fail(db, rc, d, "reading the audit log");
		goto out;
	}
	if ((err = pt_db_rows_read(db, st, &list, "reading the audit log", d)) == PT_OK &&
	    list.n && on_record)
		err = covered(db, list.items, list.n, on_record, ctx, d);
out:
	err = pt_db_end(db, err, d);
	if (err != PT_OK || !list.n) {
		free(list.items);
		list.items = NULL;
		list.n = 0;
	}
	*entries = list.items;
	*n = list.n;
	return err;
}

/* The key that verifies the chain starting at first_seq, or NULL. */
static const unsigned char *key_for(const struct pt_audit_keyfile *kf, long long first_seq,
				    long long last_break)
{
	size_t i;
	if (first_seq == last_break)
		return kf->key;
	for (i = 0; i < kf->n_old; i++)
		if (kf->old[i].first_seq == first_seq)
			return kf->old[i].key;
	return NULL;
}

/* Verdict helper: the log is not intact at entry seq. */
static void verdict(struct pt_audit_report *rep, long long seq, const char *msg)
{
	if (!rep->intact)
		return; /* keep the first fault */
	rep->intact = 0;
	rep->bad_seq = seq;
	pt_strlcpy(rep->message, msg, sizeof rep->message);
}

static enum pt_err check_named(struct pt_db *db, struct pt_audit_named *named,
			       struct pt_audit_report *rep, const struct pt_audit_entry *e,
			       struct pt_diag *d);

/* What the check of the chain carries from one entry to the next. */
struct verify {
	const struct pt_audit_keyfile *kf;
	struct pt_audit_report *rep;
	struct pt_audit_entry *e;          /* the entry being read */
	const unsigned char *key;          /* the key of the chain being read, NULL: none */
	unsigned char chain[PT_AUDIT_MAC_BYTES]; /* the MAC the next entry chains to */
	long long expect, last_break, last_seq;
	int have_last, head_seen;
	struct pt_db *db;
	struct pt_audit_named *named; /* room for the records an entry names */
};

/* First pass: note the last break entry (the chain the current key signs). */
static enum pt_err last_break_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct verify *v = ctx;
	(void)row;
	pt_audit_entry_row(st, v->e, NULL, d);
	if (pt_audit_is_break(v->e))
		v->last_break = v->e->seq;
	return PT_OK;
}

/* Second pass: one entry's sequence, chain and MAC. */
static enum pt_err verify_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct verify *v = ctx;
	struct pt_audit_report *rep = v->rep;
	const struct pt_audit_keyfile *kf = v->kf;
	struct pt_audit_entry *e = v->e;
	unsigned char mac[PT_AUDIT_MAC_BYTES];
	char msg[512];
	(void)row;
	pt_audit_entry_row(st, e, NULL, d);
	rep->entries++;
	if (e->seq != v->expect) {
		if (e->seq > v->expect)
			snprintf(msg, sizeof msg,
				 "entr%s %lld%s%.0lld missing before entry %lld (deleted)",
				 e->seq - v->expect > 1 ? "ies" : "y", v->expect,
				 e->seq - v->expect > 1 ? "-" : "",
				 e->seq - v->expect > 1 ? e->seq - 1 : 0LL, e->seq);
		else
			snprintf(msg, sizeof msg, "entry %lld out of order", e->seq);
		verdict(rep, v->expect, msg);
		v->expect = e->seq;
	}
	if (pt_audit_is_break(e)) {
		rep->breaks++;
		memset(v->chain, 0, sizeof v->chain);
		v->key = key_for(kf, e->seq, v->last_break);
	}
	if (!v->key) {
		rep->unverifiable++;
	} else if (!pt_audit_entry_ok(v->key, v->chain, e)) {
		snprintf(msg, sizeof msg,
			 "entry %lld fails its MAC: it was edited, inserted or moved, or an "
			 "entry before it was deleted",
			 e->seq);
		verdict(rep, e->seq, msg);
	} else {
		rep->verified++;
	}
	if (pt_audit_hex_to(e->mac, strlen(e->mac), mac, sizeof mac) != 0) {
		snprintf(msg, sizeof msg, "entry %lld has a malformed MAC", e->seq);
		verdict(rep, e->seq, msg);
		memset(mac, 0, sizeof mac);
	}
	if (kf->head_seq > 0 && e->seq == kf->head_seq) {
		v->head_seen = 1;
		if (sodium_memcmp(mac, kf->head_mac, sizeof mac) != 0) {
			snprintf(msg, sizeof msg,
				 "entry %lld is not the entry the key file records as the "
				 "chain head",
				 e->seq);
			verdict(rep, e->seq, msg);
		}
	}
	if (v->rep->intact && v->db) {
		enum pt_err err = check_named(v->db, v->named, rep, e, d);
		if (err != PT_OK)
			return err;
	}
	memcpy(v->chain, mac, sizeof v->chain);
	v->last_seq = e->seq;
	v->have_last = 1;
	if (v->expect < LLONG_MAX)
		v->expect++;
	return PT_OK;
}

/* ---- the schema: nothing on or naming the audit tables but protect's own ---- */

#define SCHEMA_REF_MAX 16    /* objects of protect's schema touching the audit tables */
#define SCHEMA_SQL_MAX 4096  /* the longest CREATE statement of them */

/* A schema object of protect's own schema that touches the audit tables. */
struct schema_obj {
	char type[16], name[72], tbl[72];
	char sql[SCHEMA_SQL_MAX];
	int has_sql;
};

/* Column col as text, or NULL. */
static const char *col_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

/* A fill: an ST_TRIGGERS row of the reference schema that touches the audit tables. */
static enum pt_err ref_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct schema_obj *o = row;
	(void)ctx;
	if (!sqlite3_column_int(st, 4))
		return PT_OK; /* kept, but marked as not touching: name cleared */
	pt_db_col_copy(st, 0, o->type, sizeof o->type);
	pt_db_col_copy(st, 1, o->name, sizeof o->name);
	pt_db_col_copy(st, 2, o->tbl, sizeof o->tbl);
	if (col_text(st, 3) && strlen(col_text(st, 3)) >= sizeof o->sql)
		return pt_diag_set(d, PT_EINTERNAL, 0, "", "a schema statement is too long");
	o->has_sql = col_text(st, 3) != NULL;
	pt_db_col_copy(st, 3, o->sql, sizeof o->sql);
	return PT_OK;
}

/* What the check of the schema compares the database's objects with. */
struct schema_check {
	struct pt_audit_report *rep;
	const struct schema_obj *ref;
	size_t n_ref;
	int has_records; /* out: the database has protect's table audit_records (version 7 on) */
};

/* Nonzero when t is one of the types SQLite itself writes into sqlite_master. */
static int sqlite_type(const char *t)
{
	return strcmp(t, "table") == 0 || strcmp(t, "index") == 0 || strcmp(t, "view") == 0 ||
	       strcmp(t, "trigger") == 0;
}

/*
 * A fill: one object of the database's schema against protect's own: an
 * object touching the audit tables must be one of protect's, by type, name,
 * table and SQL text; and every object has a type SQLite writes (another,
 * such as "TRIGGER", is an edit of the schema that hid it from a search).
 */
static enum pt_err schema_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct schema_check *c = ctx;
	const char *type = col_text(st, 0), *name = col_text(st, 1), *tbl = col_text(st, 2);
	const char *sql = col_text(st, 3);
	char kind[16], msg[512], hidden[160];
	int touches = sqlite3_column_int(st, 4), same_name = 0;
	size_t i;
	(void)row;
	(void)d;
	type = type ? type : "";
	name = name ? name : "";
	tbl = tbl ? tbl : "";
	hidden[0] = '\0';
	if (!sqlite_type(type))
		snprintf(hidden, sizeof hidden,
			 ", hidden as type \"%.16s\" (the schema was edited with PRAGMA "
			 "writable_schema)",
			 type);
	if (touches) {
		for (i = 0; i < c->n_ref; i++) {
			const struct schema_obj *o = &c->ref[i];
			if (!o->name[0] || strcmp(o->name, name) != 0)
				continue;
			same_name = 1;
			if (strcmp(o->type, type) == 0 && strcmp(o->tbl, tbl) == 0 &&
			    o->has_sql == (sql != NULL) && (!sql || strcmp(o->sql, sql) == 0)) {
				if (strcmp(type, "table") == 0 && strcmp(name, "audit_records") == 0)
					c->has_records = 1;
				return PT_OK;
			}
		}
		for (i = 0; i < sizeof kind - 1 && type[i]; i++)
			kind[i] = (char)(type[i] >= 'A' && type[i] <= 'Z' ? type[i] - 'A' + 'a'
									   : type[i]);
		kind[i] = '\0';
		if (same_name)
			snprintf(msg, sizeof msg,
				 "the database's %s \"%.64s\" is not the one protect's schema makes "
				 "(its definition was edited%s): an audit table changed behind the "
				 "program can suppress, rewrite or delete audit entries; restore the "
				 "database from a backup",
				 kind, name, hidden);
		else if (strcmp(kind, "trigger") == 0 && !hidden[0])
			snprintf(msg, sizeof msg,
				 "the database has a trigger \"%.64s\" on table %.64s that protect's "
				 "schema does not make: a trigger on or naming the audit tables can "
				 "suppress, rewrite or delete audit entries; find out who made it, and "
				 "remove it (DROP TRIGGER)",
				 name, tbl);
		else
			snprintf(msg, sizeof msg,
				 "the database has %s %s \"%.64s\" on %.64s naming the audit tables "
				 "that protect's schema does not make%s: it can suppress, rewrite or "
				 "delete audit entries; find out who made it, and remove it (DROP "
				 "%s%s) or restore the database from a backup",
				 kind[0] && strchr("aeiou", kind[0]) ? "an" : "a",
				 kind[0] ? kind : "schema object", name, tbl, hidden,
				 strcmp(kind, "view") == 0    ? "VIEW"
				 : strcmp(kind, "index") == 0 ? "INDEX"
				 : strcmp(kind, "table") == 0 ? "TABLE"
							      : "TRIGGER",
				 hidden[0] ? ", after setting its type back" : "");
		verdict(c->rep, 0, msg);
	} else if (hidden[0]) {
		snprintf(msg, sizeof msg,
			 "the database's schema has an object \"%.64s\" on %.64s of type \"%.16s\", "
			 "which SQLite does not write: the schema was edited with PRAGMA "
			 "writable_schema, which can hide a trigger; find out who did it, and "
			 "restore the database from a backup",
			 name, tbl, type);
		verdict(c->rep, 0, msg);
	}
	return PT_OK;
}

/*
 * Check db's schema against the one protect's migrations make (built now
 * in memory): into rep's verdict.
 */
static enum pt_err check_schema(struct pt_db *db, struct pt_audit_report *rep, int *has_records,
				struct pt_diag *d)
{
	struct pt_db_rows refs = {.elem_size = sizeof(struct schema_obj),
				  .max = 256,
				  .too_many = "too many schema objects",
				  .fill = ref_row};
	struct pt_db_rows objs = {.max = SIZE_MAX, .fill = schema_row};
	struct schema_check c = {rep, NULL, 0, 0};
	struct pt_db *ref = NULL;
	sqlite3_stmt *st;
	enum pt_err err;
	if ((err = pt_db_open(":memory:", 1, &ref, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(ref, &stmts, ST_TRIGGERS, &st, d)) == PT_OK)
		err = pt_db_rows_read(ref, st, &refs, "reading protect's schema", d);
	pt_db_close(ref);
	if (err != PT_OK)
		return err;
	c.ref = refs.items;
	c.n_ref = refs.n;
	objs.ctx = &c;
	if ((err = pt_db_prepare(db, &stmts, ST_TRIGGERS, &st, d)) == PT_OK)
		err = pt_db_rows_read(db, st, &objs, "reading the database's schema", d);
	free(refs.items);
	*has_records = c.has_records;
	if (err == PT_OK && !c.has_records) {
		int version = 0;
		if ((err = pt_db_schema_version(db, &version, NULL, d)) == PT_OK && version >= 7)
			verdict(rep, 0,
				"the table audit_records, which protect's schema makes from version 7 "
				"on, is missing: the records audit entries cover were removed, so "
				"entries cannot be withheld from readers who may not read them; "
				"restore the database from a backup");
	}
	return err;
}

/*
 * The records entry e names in its own text must be among those audit_records
 * holds for it (docs/audit.md): otherwise into the verdict (v->named: room).
 */
static enum pt_err check_named(struct pt_db *db, struct pt_audit_named *named,
			       struct pt_audit_report *rep, const struct pt_audit_entry *e,
			       struct pt_diag *d)
{
	static const char what[] = "reading the records of the audit log";
	char msg[512];
	size_t i;
	pt_audit_named_of(e, named);
	for (i = 0; i < named->n; i++) {
		long long n = 0;
		sqlite3_stmt *st;
		enum pt_err err;
		int rc;
		if ((err = pt_db_prepare(db, &stmts, ST_COVER_HAS, &st, d)) != PT_OK)
			return err;
		rc = sqlite3_bind_int64(st, 1, e->seq);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, named->table, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 3, named->id[i], -1, SQLITE_STATIC);
		if (rc != SQLITE_OK) {
			sqlite3_reset(st);
			return pt_db_fail(db, rc, d, what);
		}
		if ((err = pt_db_row_one(db, st, pt_db_id_row, &n, NULL, what, d)) != PT_OK &&
		    err != PT_ENOTFOUND)
			return err;
		if (n > 0)
			continue;
		snprintf(msg, sizeof msg,
			 "entry %lld names record %.31s \"%.64s\", but the table audit_records does "
			 "not hold it among the records the entry covers: they were deleted, or "
			 "their insert suppressed (the audit list withholds the entry from every "
			 "reader but the system administrator)",
			 e->seq, named->table, named->id[i]);
		verdict(rep, e->seq, msg);
		break;
	}
	return PT_OK;
}

enum pt_err pt_audit_verify(struct pt_db *db, struct pt_audit_report *rep, struct pt_diag *d)
{
	struct pt_audit_keyfile *kf = NULL;
	struct verify v;
	struct pt_db_rows first = {.max = SIZE_MAX, .fill = last_break_row, .ctx = &v};
	struct pt_db_rows second = {.max = SIZE_MAX, .fill = verify_row, .ctx = &v};
	char path[PATH_MAX], msg[512];
	sqlite3_stmt *st;
	enum pt_err err;
	int has_records = 0;

	if (!db || !rep)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no report");
	memset(rep, 0, sizeof *rep);
	rep->intact = 1;
	if ((err = pt_audit_sodium_ready(d)) != PT_OK)
		return err;
	memset(&v, 0, sizeof v);
	kf = calloc(1, sizeof *kf);
	v.e = calloc(1, sizeof *v.e);
	v.named = malloc(sizeof *v.named);
	v.db = db;
	if (!kf || !v.e || !v.named) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto done;
	}
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		goto done;
	if (pt_audit_mem_key(db, kf)) {
		/* the in-memory key (pt_audit_set_key) */
	} else if (pt_audit_memory_db(db)) {
		err = pt_diag_set(d, PT_EIO, 0, "", "no audit key for an in-memory database");
		goto out;
	} else {
		if (pt_audit_key_path(pt_db_path(db), path, sizeof path) != PT_OK) {
			err = pt_diag_set(d, PT_ELIMIT, 0, "", "database path too long");
			goto out;
		}
		err = pt_audit_keyfile_read(path, kf, d);
		if (err == PT_ENOTFOUND) {
			err = pt_diag_set(d, PT_ENOTFOUND, 0, "",
					  "%s: the audit key file is missing, so the log cannot be "
					  "verified; restore it from the backup made with the "
					  "database (or run 'protect audit rekey' to start a new "
					  "chain; the entries before it stay unverifiable)",
					  path);
			goto out;
		}
		if (err != PT_OK)
			goto out;
	}
	rep->head_seq = kf->head_seq;
	rep->key_mode = kf->mode;
	rep->key_exposed = (kf->mode & PT_AUDIT_KEY_EXPOSED) != 0;
	if ((err = check_schema(db, rep, &has_records, d)) != PT_OK)
		goto out;
	v.kf = kf;
	v.rep = rep;
	if (!has_records) /* an older schema (verified as it is): no records to check */
		v.db = NULL;
	v.expect = 1;
	v.last_break = 1;
	if ((err = pt_db_prepare(db, &stmts, ST_ALL, &st, d)) != PT_OK ||
	    (err = pt_db_rows_read(db, st, &first, "reading the audit log", d)) != PT_OK)
		goto out;
	v.key = key_for(kf, 1, v.last_break);
	if ((err = pt_db_prepare(db, &stmts, ST_ALL, &st, d)) != PT_OK ||
	    (err = pt_db_rows_read(db, st, &second, "reading the audit log", d)) != PT_OK)
		goto out;
	if (kf->head_seq > (v.have_last ? v.last_seq : 0) || (kf->head_seq > 0 && !v.head_seen)) {
		snprintf(msg, sizeof msg,
			 "the log ends at entry %lld, but the key file records entry %lld as its "
			 "last: the tail was deleted",
			 v.have_last ? v.last_seq : 0, kf->head_seq);
		verdict(rep, (v.have_last ? v.last_seq : 0) + 1, msg);
	}
	if (!rep->intact && rep->entries < kf->head_seq) {
		/* entries are numbered 1, 2, ... across breaks: the head is their count */
		size_t used = strlen(rep->message);
		snprintf(rep->message + used, sizeof rep->message - used,
			 " (the key file records %lld entries, the table holds %lld)", kf->head_seq,
			 rep->entries);
	}
	if (rep->intact)
		snprintf(rep->message, sizeof rep->message, "intact");
out:
	err = pt_db_end(db, err, d);
done:
	if (kf) {
		sodium_memzero(kf, sizeof *kf);
		free(kf);
	}
	free(v.e);
	free(v.named);
	return err;
}
