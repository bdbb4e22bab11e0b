/* pt_audit.c - writing the audit log: entries chained by HMAC-SHA-256 under
 * the key beside the database, the records they cover, the chain head at commit, rekey. */
#include "pt_audit_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../formats/pt_diag.h"
#include "pt_store_int.h"

/* The statement table of this file. */
enum audit_stmt {
	ST_LAST,
	ST_MAC_OF,
	ST_ENTRIES,
	ST_INSERT,
	ST_COVER,
	ST_LAST_BREAK,
	ST_ROW_OF,
	ST_RANGE_COUNT,
	ST_COVER_HAS,
	ST_COVER_COUNT,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_LAST] = "SELECT seq, time, user_id, user_name, org_id, action, record_table, "
		    "record_id, detail, mac FROM audit_log ORDER BY seq DESC LIMIT 1",
	[ST_MAC_OF] = "SELECT mac FROM audit_log WHERE seq = ?1",
	[ST_ENTRIES] = "SELECT count(*) FROM audit_log",
	[ST_INSERT] = "INSERT INTO audit_log (seq, time, user_id, user_name, org_id, action, "
		      "record_table, record_id, detail, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		      "?8, ?9, ?10)",
	[ST_COVER] = "INSERT OR IGNORE INTO audit_records (seq, record_table, record_id) "
		     "VALUES (?1, ?2, ?3)",
	[ST_LAST_BREAK] = "SELECT coalesce(max(seq), 1) FROM audit_log "
			  "WHERE action = '" PT_AUDIT_REKEY_ACTION "'",
	[ST_ROW_OF] = "SELECT seq, time, user_id, user_name, org_id, action, record_table, "
		      "record_id, detail, mac FROM audit_log WHERE seq = ?1",
	[ST_RANGE_COUNT] = "SELECT count(*) FROM audit_log WHERE seq BETWEEN ?1 AND ?2",
	[ST_COVER_HAS] = "SELECT count(*) FROM audit_records WHERE seq = ?1 AND record_table = ?2 "
			 "AND record_id = ?3",
	[ST_COVER_COUNT] = "SELECT count(*) FROM audit_records WHERE seq BETWEEN ?1 AND ?2",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_AUDIT, ST_COUNT, stmt_sql};

#define SAVEPOINTS_MAX 64 /* savepoints whose audit state is kept (deeper: a rollback refuses the commit) */

/* What a savepoint restores when it is rolled back: the appends before it. */
struct audit_mark {
	int pending;
	long long pending_seq, first_seq, cover_rows;
	unsigned char pending_mac[PT_AUDIT_MAC_BYTES], base_mac[PT_AUDIT_MAC_BYTES];
};

/* One connection's audit state. */
struct audit_state {
	int mem;          /* the key is in memory (pt_audit_set_key): no key file */
	struct pt_audit_keyfile kf; /* mem: the key and head; else the file as read at the transaction's first append */
	int loaded;       /* kf holds the key file of the open transaction */
	int pending;      /* entries appended in the open transaction */
	long long pending_seq;
	unsigned char pending_mac[PT_AUDIT_MAC_BYTES];
	int new_key;      /* the open transaction rekeyed: write kf as a new key file */
	/* Audit that cannot be switched off (docs/audit.md): */
	long long first_seq; /* the first entry the open transaction appended */
	long long cover_rows; /* audit_records rows the open transaction's inserts wrote */
	unsigned char base_mac[PT_AUDIT_MAC_BYTES]; /* the MAC of the entry before it (a break: none) */
	int unkept;       /* an entry of the open transaction was not kept as written: no commit */
	int depth;        /* savepoints opened (since the state exists) and still open */
	struct audit_mark marks[SAVEPOINTS_MAX];
};

/* What src/store/pt_db.c calls around each transaction of a connection with audit state. */
static void audit_savepoint(struct pt_db *db, int event);
static const struct pt_db_tx_hooks audit_hooks = {pt_audit_tx_commit_prepare, pt_audit_tx_done,
						  pt_audit_state_free, audit_savepoint};

static struct audit_state *state_of(struct pt_db *db, int create)
{
	struct audit_state *s = pt_db_tx_state(db);
	if (!s && create && (s = calloc(1, sizeof *s)))
		pt_db_set_tx_hooks(db, &audit_hooks, s);
	return s;
}

void pt_audit_state_free(void *state)
{
	if (state)
		sodium_memzero(state, sizeof(struct audit_state));
	free(state);
}

int pt_audit_mem_key(struct pt_db *db, struct pt_audit_keyfile *kf)
{
	struct audit_state *s = state_of(db, 0);
	if (!s || !s->mem)
		return 0;
	if (kf)
		*kf = s->kf;
	return 1;
}

/* ---- the log's last entry ---------------------------------------------------- */

/* The last entry into *e (found 0 when the log is empty). */
static enum pt_err last_entry(struct pt_db *db, struct pt_audit_entry *e, int *found,
			      struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	*found = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_LAST, &st, d)) != PT_OK)
		return err;
	err = pt_db_row_one(db, st, pt_audit_entry_row, e, NULL, "reading the audit log", d);
	if (err == PT_ENOTFOUND)
		return PT_OK;
	*found = err == PT_OK;
	return err;
}

/* The first column of statement id's one row (no parameters: a count, a max) into *out. */
static enum pt_err first_column(struct pt_db *db, enum audit_stmt id, long long *out,
				struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	if ((err = pt_db_prepare(db, &stmts, id, &st, d)) != PT_OK)
		return err;
	err = pt_db_row_one(db, st, pt_db_id_row, out, NULL, "reading the audit log", d);
	if (err == PT_ENOTFOUND)
		err = pt_db_fail(db, SQLITE_DONE, d, "reading the audit log");
	return err;
}

/* The fill of mac_of: the MAC into row (PT_AUDIT_MAC_BYTES); *ctx nonzero when well formed. */
static enum pt_err mac_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	const char *t = (const char *)sqlite3_column_text(st, 0);
	int *found = ctx;
	(void)d;
	*found = t && pt_audit_hex_to(t, strlen(t), row, PT_AUDIT_MAC_BYTES) == 0;
	return PT_OK;
}

/* The stored MAC of entry seq into mac (found 0 when there is no such entry or it is malformed). */
static enum pt_err mac_of(struct pt_db *db, long long seq, unsigned char mac[PT_AUDIT_MAC_BYTES],
			  int *found, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*found = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_MAC_OF, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, seq)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading the audit log");
	}
	err = pt_db_row_one(db, st, mac_row, mac, found, "reading the audit log", d);
	return err == PT_ENOTFOUND ? PT_OK : err;
}

/*
 * Load the key for the open transaction's first append and check that the
 * log agrees with it: its head entry is there with the head's MAC, and the
 * key verifies the last entry. On success *prev_seq and prev_mac are the
 * entry the next one chains to.
 */
static enum pt_err load_and_check(struct pt_db *db, struct audit_state *s, long long *prev_seq,
				  unsigned char prev_mac[PT_AUDIT_MAC_BYTES], struct pt_diag *d)
{
	struct pt_audit_entry *last = NULL;
	unsigned char mac[PT_AUDIT_MAC_BYTES], chain[PT_AUDIT_MAC_BYTES];
	char path[PATH_MAX];
	long long count = 0;
	enum pt_err err;
	int found = 0;

	last = malloc(sizeof *last);
	if (!last)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = last_entry(db, last, &found, d)) != PT_OK)
		goto out;
	if (!s->mem) {
		if (pt_audit_memory_db(db)) {
			err = pt_diag_set(d, PT_EIO, 0, "",
					  "no audit key: an in-memory database needs pt_audit_set_key "
					  "before any write");
			goto out;
		}
		if (pt_audit_key_path(pt_db_path(db), path, sizeof path) != PT_OK) {
			err = pt_diag_set(d, PT_ELIMIT, 0, "", "database path too long");
			goto out;
		}
		err = pt_audit_keyfile_read(path, &s->kf, d);
		if (err == PT_ENOTFOUND) {
			if (found) {
				if ((err = first_column(db, ST_ENTRIES, &count, d)) != PT_OK)
					goto out;
				err = pt_diag_set(d, PT_EIO, 0, "",
						  "%s: the audit key file is missing, but the audit "
						  "log holds %lld entries, so no write is allowed; "
						  "restore the key file from the backup made with the "
						  "database, or run 'protect audit rekey' to start a "
						  "new chain (the break is recorded)",
						  path, count);
				goto out;
			}
			/* First use: a new key, created now (mode 0600). */
			memset(&s->kf, 0, sizeof s->kf);
			randombytes_buf(s->kf.key, sizeof s->kf.key);
			if ((err = pt_audit_keyfile_write(path, &s->kf, 0, d)) != PT_OK)
				goto out;
		} else if (err != PT_OK) {
			goto out;
		} else if ((err = pt_audit_key_private(path, &s->kf, "no write is allowed", d)) !=
			   PT_OK) {
			goto out;
		}
		s->loaded = 1;
	}
	/* The log must reach the head recorded beside the key. */
	if (s->kf.head_seq > (found ? last->seq : 0)) {
		err = pt_diag_set(d, PT_EIO, 0, "",
				  "the audit log ends at entry %lld, but its key file records entry "
				  "%lld: entries were deleted, so no write is allowed; run 'protect "
				  "audit verify', restore the database from a backup, or run "
				  "'protect audit rekey'",
				  found ? last->seq : 0, s->kf.head_seq);
		goto out;
	}
	if (s->kf.head_seq > 0) {
		int head_found = 0;
		if ((err = mac_of(db, s->kf.head_seq, mac, &head_found, d)) != PT_OK)
			goto out;
		if (!head_found || sodium_memcmp(mac, s->kf.head_mac, sizeof mac) != 0) {
			err = pt_diag_set(d, PT_EIO, 0, "",
					  "audit entry %lld does not match the head recorded in the "
					  "key file (a wrong key file, or an edited log), so no write "
					  "is allowed; run 'protect audit verify', restore the right "
					  "key file, or run 'protect audit rekey'",
					  s->kf.head_seq);
			goto out;
		}
	}
	if (!found) {
		*prev_seq = 0;
		memset(prev_mac, 0, PT_AUDIT_MAC_BYTES);
		goto out;
	}
	/* The key must verify the last entry. */
	memset(chain, 0, sizeof chain);
	if (!pt_audit_is_break(last) && last->seq > 1) {
		int prev_found = 0;
		if ((err = mac_of(db, last->seq - 1, chain, &prev_found, d)) != PT_OK)
			goto out;
		if (!prev_found)
			memset(chain, 0xff, sizeof chain); /* cannot verify: fails below */
	}
	if (!pt_audit_entry_ok(s->kf.key, chain, last)) {
		err = pt_diag_set(d, PT_EIO, 0, "",
				  "the audit key does not verify audit entry %lld (a wrong key file, "
				  "or an edited log), so no write is allowed; run 'protect audit "
				  "verify', restore the right key file, or run 'protect audit rekey'",
				  last->seq);
		goto out;
	}
	*prev_seq = last->seq;
	if (pt_audit_hex_to(last->mac, strlen(last->mac), prev_mac, PT_AUDIT_MAC_BYTES) != 0)
		err = pt_diag_set(d, PT_EINTERNAL, 0, "", "audit entry %lld: malformed MAC",
				  last->seq);
out:
	if (err != PT_OK && !s->mem) {
		sodium_memzero(&s->kf, sizeof s->kf);
		s->loaded = 0;
	}
	free(last);
	return err;
}

/*
 * The refusal of a write whose audit entry seq was not kept as written
 * (a trigger that ignores, rewrites or deletes it): how names what was found.
 */
static enum pt_err unkept(struct audit_state *s, long long seq, const char *how,
			  struct pt_diag *d)
{
	s->unkept = 1;
	return pt_diag_set(d, PT_EIO, 0, "",
			   "the audit table audit_log did not keep entry %lld as written (%s): a "
			   "trigger or another change to the database file is suppressing or "
			   "rewriting audit entries, so no write is allowed and this one was rolled "
			   "back; run 'protect audit verify'",
			   seq, how);
}

/* Nonzero when the stored row got holds exactly entry want. */
static int same_entry(const struct pt_audit_entry *got, const struct pt_audit_entry *want)
{
	return got->seq == want->seq && got->time == want->time &&
	       got->user_id == want->user_id && got->org_id == want->org_id &&
	       strcmp(got->user_name, want->user_name) == 0 &&
	       strcmp(got->action, want->action) == 0 &&
	       strcmp(got->record_table, want->record_table) == 0 &&
	       strcmp(got->record_id, want->record_id) == 0 &&
	       strcmp(got->detail, want->detail) == 0 && strcmp(got->mac, want->mac) == 0;
}

/*
 * Audit that cannot be switched off: the insert of e wrote exactly one row,
 * that row (rowid = seq), and the row reads back as written.
 */
static enum pt_err check_kept(struct pt_db *db, struct audit_state *s,
			      const struct pt_audit_entry *e, struct pt_diag *d)
{
	struct pt_audit_entry *got;
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (pt_db_changes(db) != 1)
		return unkept(s, e->seq, "its insert wrote no row", d);
	if (pt_db_last_id(db) != e->seq)
		return unkept(s, e->seq, "its insert wrote another row", d);
	if (!(got = malloc(sizeof *got)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_prepare(db, &stmts, ST_ROW_OF, &st, d)) != PT_OK)
		goto out;
	if ((rc = sqlite3_bind_int64(st, 1, e->seq)) != SQLITE_OK) {
		sqlite3_reset(st);
		err = pt_db_fail(db, rc, d, "reading the audit log");
		goto out;
	}
	err = pt_db_row_one(db, st, pt_audit_entry_row, got, NULL, "reading the audit log", d);
	if (err == PT_ENOTFOUND)
		err = unkept(s, e->seq, "it is gone after its insert", d);
	else if (err == PT_OK && !same_entry(got, e))
		err = unkept(s, e->seq, "it was changed after its insert", d);
out:
	free(got);
	return err;
}

/* Insert entry e (its MAC computed here under key, chained to prev), and check it was kept. */
static enum pt_err insert_entry(struct pt_db *db, struct audit_state *s, const unsigned char *key,
				const unsigned char prev[PT_AUDIT_MAC_BYTES],
				struct pt_audit_entry *e, unsigned char mac[PT_AUDIT_MAC_BYTES],
				struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	pt_audit_entry_mac(key, prev, e, mac);
	pt_audit_hex_of(mac, PT_AUDIT_MAC_BYTES, e->mac);
	if ((err = pt_db_prepare(db, &stmts, ST_INSERT, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, e->seq);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, e->time);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, e->user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 4, e->user_name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, e->org_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 6, e->action, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 7, e->record_table, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 8, e->record_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 9, e->detail, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 10, e->mac, -1, SQLITE_STATIC);
	if ((err = pt_db_step_done(db, st, rc, "writing the audit log", d)) != PT_OK)
		return err;
	return check_kept(db, s, e, d);
}

/* Fill the who and when of e from the database's actor. */
static void entry_actor(struct pt_db *db, struct pt_audit_entry *e)
{
	const char *name;
	int64_t now;
	pt_db_actor(db, &e->user_id, &e->org_id, &name, &now);
	pt_audit_copy_cut(e->user_name, sizeof e->user_name, name);
	e->time = now > 0 ? now : (int64_t)time(NULL);
}

/* ---- public ------------------------------------------------------------------- */

enum pt_err pt_audit_set_key(struct pt_db *db, const unsigned char key[PT_AUDIT_KEY_BYTES],
			     struct pt_diag *d)
{
	struct audit_state *s;
	enum pt_err err;
	if (!db || !key)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no key");
	if ((err = pt_audit_sodium_ready(d)) != PT_OK)
		return err;
	if (pt_db_in_transaction(db))
		return pt_diag_set(d, PT_EINVAL, 0, "", "cannot change the audit key in a transaction");
	s = state_of(db, 1);
	if (!s)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	memset(s, 0, sizeof *s);
	s->mem = 1;
	memcpy(s->kf.key, key, PT_AUDIT_KEY_BYTES);
	return PT_OK;
}

enum pt_err pt_audit_key_check(struct pt_db *db, const char *what, struct pt_diag *d)
{
	struct pt_audit_keyfile *kf;
	char path[PATH_MAX];
	enum pt_err err;
	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if (pt_audit_mem_key(db, NULL) || pt_audit_memory_db(db))
		return PT_OK;
	if (pt_audit_key_path(pt_db_path(db), path, sizeof path) != PT_OK)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "database path too long");
	if (!(kf = malloc(sizeof *kf)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	err = pt_audit_keyfile_read(path, kf, d);
	if (err == PT_ENOTFOUND)
		err = PT_OK; /* made on the first write, mode 0600 */
	else if (err == PT_OK)
		err = pt_audit_key_private(path, kf, what, d);
	sodium_memzero(kf, sizeof *kf);
	free(kf);
	return err;
}

/*
 * The refusal of a write whose audit entry seq did not keep its covered
 * record id in audit_records (a trigger that ignores or deletes it): how
 * names what was found. The transaction cannot commit.
 */
static enum pt_err unkept_cover(struct audit_state *s, long long seq, const char *id,
				const char *how, struct pt_diag *d)
{
	s->unkept = 1;
	return pt_diag_set(d, PT_EIO, 0, "",
			   "the audit table audit_records did not keep record \"%s\" of entry %lld "
			   "(%s): a trigger or another change to the database file is suppressing "
			   "the records audit entries cover, so no write is allowed and this one "
			   "was rolled back; run 'protect audit verify'",
			   id, seq, how);
}

/* *n: audit_records rows of entry seq for record id of table (0 or 1). */
static enum pt_err cover_has(struct pt_db *db, long long seq, const char *table, const char *id,
			     long long *n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_COVER_HAS, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, seq);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading the records of an audit entry");
	}
	err = pt_db_row_one(db, st, pt_db_id_row, n, NULL, "reading the records of an audit entry",
			    d);
	return err == PT_ENOTFOUND ? PT_OK : err;
}

/*
 * Note that entry seq covers record id of table (in the entry's
 * transaction), and check it was kept: the insert wrote its row (or the
 * row was there already: the same id twice), and the row reads back.
 */
static enum pt_err insert_cover(struct pt_db *db, struct audit_state *s, long long seq,
				const char *table, const char *id, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	long long changes, there = 0;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_COVER, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, seq);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	if ((err = pt_db_step_done(db, st, rc, "writing the records of an audit entry", d)) !=
	    PT_OK)
		return err;
	changes = pt_db_changes(db);
	if (changes > 1)
		return unkept_cover(s, seq, id, "its insert wrote more than one row", d);
	if ((err = cover_has(db, seq, table, id, &there, d)) != PT_OK)
		return err;
	if (!there)
		return unkept_cover(s, seq, id,
				    changes ? "it is gone after its insert" : "its insert wrote no row",
				    d);
	s->cover_rows += changes;
	return PT_OK;
}

enum pt_err pt_audit_append_records(struct pt_db *db, const char *action,
				    const char *record_table, const char *record_id,
				    const char *detail, const char *cover_table,
				    const char *const *cover_ids, size_t n_cover, struct pt_diag *d)
{
	struct pt_audit_entry *e = NULL;
	struct audit_state *s;
	unsigned char prev[PT_AUDIT_MAC_BYTES], mac[PT_AUDIT_MAC_BYTES];
	long long prev_seq = 0;
	enum pt_err err;
	size_t alen, i;

	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	alen = action ? strlen(action) : 0;
	if (alen == 0 || alen >= PT_AUDIT_ACTION_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "action", "an audit action is 1-%d bytes",
				   PT_AUDIT_ACTION_MAX - 1);
	if (record_table && strlen(record_table) >= PT_AUDIT_TABLE_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "record_table", "table name too long");
	if (n_cover && (!cover_table || !cover_table[0] ||
			strlen(cover_table) >= PT_AUDIT_TABLE_MAX || !cover_ids))
		return pt_diag_set(d, PT_EINVAL, 0, "record_table", "no table for the records covered");
	if ((err = pt_audit_sodium_ready(d)) != PT_OK)
		return err;
	s = state_of(db, 1);
	e = calloc(1, sizeof *e);
	if (!s || !e) {
		free(e);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	if ((err = pt_db_begin(db, d)) != PT_OK) {
		free(e);
		return err;
	}
	if (s->pending) {
		prev_seq = s->pending_seq;
		memcpy(prev, s->pending_mac, sizeof prev);
	} else if ((err = load_and_check(db, s, &prev_seq, prev, d)) != PT_OK) {
		goto out;
	}
	if (prev_seq >= LLONG_MAX) {
		err = pt_diag_set(d, PT_ELIMIT, 0, "", "the audit log is full");
		goto out;
	}
	e->seq = prev_seq + 1;
	entry_actor(db, e);
	pt_audit_copy_cut(e->action, sizeof e->action, action);
	pt_audit_copy_cut(e->record_table, sizeof e->record_table, record_table ? record_table : "");
	pt_audit_copy_cut(e->record_id, sizeof e->record_id, record_id ? record_id : "");
	pt_audit_copy_cut(e->detail, sizeof e->detail, detail ? detail : "");
	if ((err = insert_entry(db, s, s->kf.key, prev, e, mac, d)) != PT_OK)
		goto out;
	if (!s->pending) {
		s->first_seq = e->seq;
		s->cover_rows = 0;
		memcpy(s->base_mac, prev, sizeof s->base_mac);
	}
	for (i = 0; i < n_cover; i++) {
		const char *id = cover_ids[i] ? cover_ids[i] : "";
		if ((err = insert_cover(db, s, e->seq, cover_table,
					strlen(id) < PT_AUDIT_RECORD_MAX ? id : "", d)) != PT_OK)
			goto out;
	}
	s->pending = 1;
	s->pending_seq = e->seq;
	memcpy(s->pending_mac, mac, sizeof mac);
out:
	free(e);
	/* Commits (and moves the key file's head) only when this opened the transaction. */
	return pt_db_end(db, err, d);
}

/*
 * The site whose label governs a write's one record: a site itself, or
 * the site of a register entry ("SITE/THREAT": site ids hold no '/').
 * Into site (PT_AUDIT_RECORD_MAX bytes); 0 when the record has no site.
 */
static int covered_site(const char *table, const char *id, char *site)
{
	const char *slash;
	if (!table || !id || !id[0] || strlen(id) >= PT_AUDIT_RECORD_MAX)
		return 0;
	if (strcmp(table, "sites") == 0) {
		memcpy(site, id, strlen(id) + 1);
		return 1;
	}
	if (strcmp(table, "risk_register") == 0 && (slash = strchr(id, '/')) && slash > id) {
		memcpy(site, id, (size_t)(slash - id));
		site[slash - id] = '\0';
		return 1;
	}
	return 0;
}

/* qsort's comparison of two ids (const char *). */
static int id_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Nonzero when detail is a read entry's "N record(s): IDS" (digits, " record", ": "),
 * *ids then its list; the pattern of migration 007. */
static int read_detail(const char *detail, const char **ids)
{
	const char *p = detail;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (strncmp(p, " record", 7) != 0 || !(p = strstr(p, ": ")))
		return 0;
	*ids = p + 2;
	return 1;
}

void pt_audit_named_of(const struct pt_audit_entry *e, struct pt_audit_named *out)
{
	const char *list;
	char *p, *next;
	size_t i, k;
	out->table = NULL;
	out->n = 0;
	out->buf[0] = '\0';
	if (strcmp(e->record_table, "sites") == 0 && read_detail(e->detail, &list)) {
		pt_strlcpy(out->buf, list, sizeof out->buf);
		for (p = out->buf; p; p = next) {
			size_t len;
			if ((next = strchr(p, ',')))
				*next++ = '\0';
			len = strlen(p);
			/* "..." (a cut list) or "ID..." (a cut id) names no whole id */
			if (!len || (len >= 3 && strcmp(p + len - 3, "...") == 0))
				continue;
			if (out->n < PT_AUDIT_NAMED_MAX)
				out->id[out->n++] = p;
		}
	} else if (covered_site(e->record_table, e->record_id, out->buf)) {
		out->id[out->n++] = out->buf;
	}
	if (!out->n)
		return;
	out->table = "sites";
	qsort(out->id, out->n, sizeof out->id[0], id_cmp);
	for (i = k = 1; i < out->n; i++)
		if (strcmp(out->id[i], out->id[k - 1]) != 0)
			out->id[k++] = out->id[i];
	out->n = k;
}

int pt_audit_named_has(const struct pt_audit_named *named, const char *id)
{
	return named->n && bsearch(&id, named->id, named->n, sizeof named->id[0], id_cmp) != NULL;
}

enum pt_err pt_audit_append(struct pt_db *db, const char *action, const char *record_table,
			    const char *record_id, const char *detail, struct pt_diag *d)
{
	char site[PT_AUDIT_RECORD_MAX];
	const char *ids[1];
	if (!covered_site(record_table, record_id, site))
		return pt_audit_append_records(db, action, record_table, record_id, detail, NULL,
					       NULL, 0, d);
	ids[0] = site;
	return pt_audit_append_records(db, action, record_table, record_id, detail, "sites", ids,
				       1, d);
}

/* audit: a savepoint opened, released or rolled back (pt_db_tx_hooks.savepoint). */
static void audit_savepoint(struct pt_db *db, int event)
{
	struct audit_state *s = state_of(db, 0);
	struct audit_mark *m;
	if (!s)
		return;
	if (event == PT_DB_SP_OPEN) {
		if (s->depth < SAVEPOINTS_MAX) {
			m = &s->marks[s->depth];
			m->pending = s->pending;
			m->pending_seq = s->pending_seq;
			m->first_seq = s->first_seq;
			m->cover_rows = s->cover_rows;
			memcpy(m->pending_mac, s->pending_mac, sizeof m->pending_mac);
			memcpy(m->base_mac, s->base_mac, sizeof m->base_mac);
		}
		s->depth++;
		return;
	}
	if (s->depth == 0) {
		/* A savepoint opened before this connection's first append: it held every
		 * entry of the transaction. */
		if (event == PT_DB_SP_ROLLBACK) {
			s->pending = 0;
			s->cover_rows = 0;
		}
		return;
	}
	s->depth--;
	if (event != PT_DB_SP_ROLLBACK)
		return;
	if (s->depth >= SAVEPOINTS_MAX) {
		s->unkept = 1; /* too deep to know what was undone: refuse the commit */
		return;
	}
	m = &s->marks[s->depth];
	s->pending = m->pending;
	s->pending_seq = m->pending_seq;
	s->first_seq = m->first_seq;
	s->cover_rows = m->cover_rows;
	memcpy(s->pending_mac, m->pending_mac, sizeof s->pending_mac);
	memcpy(s->base_mac, m->base_mac, sizeof s->base_mac);
}

/* *n = the rows of statement which (a count over seq BETWEEN ?1 AND ?2) from first to last. */
static enum pt_err count_between(struct pt_db *db, int which, long long first, long long last,
				 long long *n, const char *what, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, which, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, first);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, last);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, what);
	}
	return pt_db_row_one(db, st, pt_db_id_row, n, NULL, what, d);
}

enum pt_err pt_audit_tx_commit_prepare(struct pt_db *db, struct pt_diag *d)
{
	struct audit_state *s = db ? state_of(db, 0) : NULL;
	struct pt_audit_entry *last;
	unsigned char mac[PT_AUDIT_MAC_BYTES];
	long long kept = 0;
	enum pt_err err;
	int found = 0;
	if (!s)
		return PT_OK;
	if (s->unkept)
		return pt_diag_set(d, PT_EIO, 0, "",
				   "an entry of this transaction was not kept in the audit tables "
				   "audit_log and audit_records as written, so no write is allowed and this one was "
				   "rolled back; run 'protect audit verify'");
	if (!s->pending)
		return PT_OK;
	/* The log must end at the last entry this transaction appended (savepoints rolled
	 * back inside it restored what was appended before them), and hold every entry
	 * it appended: nothing ignored, deleted or added since. */
	last = malloc(sizeof *last);
	if (!last)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = last_entry(db, last, &found, d)) != PT_OK)
		goto out;
	if (!found || last->seq != s->pending_seq ||
	    pt_audit_hex_to(last->mac, strlen(last->mac), mac, sizeof mac) != 0 ||
	    sodium_memcmp(mac, s->pending_mac, sizeof mac) != 0) {
		char how[160];
		if (!found)
			snprintf(how, sizeof how, "the table is empty at commit");
		else if (last->seq != s->pending_seq)
			snprintf(how, sizeof how, "the table ends at entry %lld at commit", last->seq);
		else
			snprintf(how, sizeof how, "it was changed before the commit");
		err = unkept(s, s->pending_seq, how, d);
		goto out;
	}
	err = count_between(db, ST_RANGE_COUNT, s->first_seq, s->pending_seq, &kept,
			    "reading the audit log", d);
	if (err == PT_OK && kept != s->pending_seq - s->first_seq + 1) {
		char how[160];
		snprintf(how, sizeof how, "the table holds %lld of the entries %lld-%lld at commit",
			 kept, s->first_seq, s->pending_seq);
		err = unkept(s, s->first_seq, how, d);
	}
	/* ... and every audit_records row their inserts wrote (none deleted since). */
	if (err == PT_OK && s->cover_rows > 0) {
		long long rows = 0;
		err = count_between(db, ST_COVER_COUNT, s->first_seq, s->pending_seq, &rows,
				    "reading the records of the audit log", d);
		if (err == PT_OK && rows < s->cover_rows) {
			s->unkept = 1;
			err = pt_diag_set(d, PT_EIO, 0, "",
					  "the audit table audit_records holds %lld of the %lld "
					  "records covered by entries %lld-%lld at commit: a trigger "
					  "or another change to the database file is deleting the "
					  "records audit entries cover, so no write is allowed and "
					  "this one was rolled back; run 'protect audit verify'",
					  rows, s->cover_rows, s->first_seq, s->pending_seq);
		}
	}
	/* ... and the entry they chain to is still there as it was. */
	if (err == PT_OK && s->first_seq > 1 && !sodium_is_zero(s->base_mac, sizeof s->base_mac)) {
		int base_found = 0;
		if ((err = mac_of(db, s->first_seq - 1, mac, &base_found, d)) == PT_OK &&
		    (!base_found || sodium_memcmp(mac, s->base_mac, sizeof mac) != 0))
			err = unkept(s, s->first_seq - 1,
				     base_found ? "it was changed before the commit"
						: "it is gone at commit",
				     d);
	}
out:
	free(last);
	return err;
}

enum pt_err pt_audit_tx_done(struct pt_db *db, int committed, struct pt_diag *d)
{
	struct audit_state *s = db ? state_of(db, 0) : NULL;
	char path[PATH_MAX];
	enum pt_err err = PT_OK;
	if (s) {
		s->unkept = 0;
		s->depth = 0;
	}
	if (!s || (!s->pending && !s->loaded))
		return PT_OK;
	if (committed && s->pending) {
		s->kf.head_seq = s->pending_seq;
		memcpy(s->kf.head_mac, s->pending_mac, sizeof s->kf.head_mac);
		if (!s->mem) {
			if (pt_audit_key_path(pt_db_path(db), path, sizeof path) != PT_OK)
				err = pt_diag_set(d, PT_ELIMIT, 0, "", "database path too long");
			else
				err = pt_audit_keyfile_write(path, &s->kf, !s->new_key, d);
			if (err != PT_OK && d) {
				char why[sizeof d->msg];
				pt_strlcpy(why, d->msg, sizeof why);
				pt_diag_set(d, err, 0, "",
					    "the change was saved, but the audit key file's chain head "
					    "was not updated (%s); run 'protect audit verify'",
					    why);
			}
		}
	}
	s->pending = 0;
	s->new_key = 0;
	if (!s->mem) {
		sodium_memzero(&s->kf, sizeof s->kf);
		s->loaded = 0;
	} else if (!committed) {
		/* the in-memory key stays; its head is what was committed before */
	}
	return err;
}

enum pt_err pt_audit_reads(struct pt_db *db, const char *action, const char *record_table,
			   size_t n_records, const char *ids, const char *const *all_ids,
			   size_t n_all, struct pt_diag *d)
{
	char detail[PT_AUDIT_DETAIL_MAX];
	char head[48];
	if (n_records == 0)
		return PT_OK;
	snprintf(head, sizeof head, "%zu record%s: ", n_records, n_records == 1 ? "" : "s");
	pt_strlcpy(detail, head, sizeof detail);
	pt_audit_copy_cut(detail + strlen(detail), sizeof detail - strlen(detail), ids ? ids : "");
	return pt_audit_append_records(db, action, record_table, n_records == 1 && ids ? ids : "",
				       detail, record_table, all_ids, all_ids ? n_all : 0, d);
}

enum pt_err pt_audit_rekey(struct pt_db *db, const char *reason, struct pt_diag *d)
{
	struct audit_state *s;
	struct pt_audit_keyfile *old = NULL;
	struct pt_audit_entry *e = NULL, *last = NULL;
	unsigned char zero[PT_AUDIT_MAC_BYTES], mac[PT_AUDIT_MAC_BYTES],
		chain[PT_AUDIT_MAC_BYTES];
	char path[PATH_MAX];
	struct pt_diag scratch = PT_DIAG_INIT;
	long long seg_start = 1;
	enum pt_err err;
	int found = 0, old_ok = 0;
	int rc;

	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if ((err = pt_audit_sodium_ready(d)) != PT_OK)
		return err;
	s = state_of(db, 1);
	old = calloc(1, sizeof *old);
	e = calloc(1, sizeof *e);
	last = calloc(1, sizeof *last);
	if (!s || !old || !e || !last) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto done;
	}
	if (!s->mem && pt_audit_memory_db(db)) {
		err = pt_diag_set(d, PT_EIO, 0, "", "no audit key for an in-memory database");
		goto done;
	}
	if (!s->mem && pt_audit_key_path(pt_db_path(db), path, sizeof path) != PT_OK) {
		err = pt_diag_set(d, PT_ELIMIT, 0, "", "database path too long");
		goto done;
	}
	if (pt_db_in_transaction(db)) {
		err = pt_diag_set(d, PT_EINVAL, 0, "", "rekey runs in its own transaction");
		goto done;
	}
	if ((err = pt_db_begin(db, d)) != PT_OK)
		goto done;
	if ((err = last_entry(db, last, &found, d)) != PT_OK)
		goto out;
	/* The current key, if it is there and verifies the last entry, is kept for the old chain. */
	if (s->mem)
		*old = s->kf;
	if (s->mem || pt_audit_keyfile_read(path, old, &scratch) == PT_OK) {
		old_ok = 1;
		if (found) {
			memset(chain, 0, sizeof chain);
			if (!pt_audit_is_break(last) && last->seq > 1 &&
			    (mac_of(db, last->seq - 1, chain, &rc, &scratch) != PT_OK || !rc))
				old_ok = 0;
			if (old_ok && !pt_audit_entry_ok(old->key, chain, last))
				old_ok = 0;
		}
	}
	if (found) {
		/* Where the chain being closed began: the last break, or entry 1. */
		if ((err = first_column(db, ST_LAST_BREAK, &seg_start, d)) != PT_OK)
			goto out;
	}
	memset(e, 0, sizeof *e);
	e->seq = found ? last->seq + 1 : 1;
	entry_actor(db, e);
	pt_strlcpy(e->action, PT_AUDIT_REKEY_ACTION, sizeof e->action);
	pt_strlcpy(e->record_table, "audit_log", sizeof e->record_table);
	{
		char detail[PT_AUDIT_DETAIL_MAX];
		snprintf(detail, sizeof detail,
			 "new chain; the previous chain ended at entry %lld (mac %.16s...) and %s; "
			 "reason: %s",
			 found ? last->seq : 0LL, found ? last->mac : "none",
			 old_ok ? "its key is kept to verify it"
				: "its key was missing or did not verify it",
			 reason && reason[0] ? reason : "none given");
		pt_audit_copy_cut(e->detail, sizeof e->detail, detail);
	}
	/* The new key file: a new key; the old one kept when it was sound. */
	{
		struct pt_audit_keyfile *nk = &s->kf;
		size_t i, keep = 0;
		struct pt_audit_old_key olds[PT_AUDIT_OLD_KEYS_MAX];
		if (old_ok && found) {
			/* Full: the oldest earlier key goes. */
			for (i = old->n_old >= PT_AUDIT_OLD_KEYS_MAX ? old->n_old - (PT_AUDIT_OLD_KEYS_MAX - 1)
								  : 0;
			     i < old->n_old; i++)
				olds[keep++] = old->old[i];
			olds[keep].first_seq = seg_start;
			memcpy(olds[keep].key, old->key, sizeof olds[keep].key);
			keep++;
		} else if (s->mem || old_ok) {
			for (i = 0; i < old->n_old && keep < PT_AUDIT_OLD_KEYS_MAX; i++)
				olds[keep++] = old->old[i];
		}
		memset(nk, 0, sizeof *nk);
		randombytes_buf(nk->key, sizeof nk->key);
		memcpy(nk->old, olds, keep * sizeof olds[0]);
		nk->n_old = keep;
		sodium_memzero(olds, sizeof olds);
	}
	memset(zero, 0, sizeof zero);
	if ((err = insert_entry(db, s, s->kf.key, zero, e, mac, d)) != PT_OK)
		goto out;
	s->loaded = 1;
	s->first_seq = e->seq;
	s->cover_rows = 0;
	memset(s->base_mac, 0, sizeof s->base_mac); /* a break: no entry before it in its chain */
	s->pending = 1;
	s->new_key = 1;
	s->pending_seq = e->seq;
	memcpy(s->pending_mac, mac, sizeof mac);
out:
	err = pt_db_end(db, err, d); /* on commit pt_audit_tx_done writes the new key file */
	if (err != PT_OK && s->mem)
		s->kf = *old; /* keep the previous in-memory key */
done:
	if (old) {
		sodium_memzero(old, sizeof *old);
		free(old);
	}
	free(e);
	free(last);
	return err;
}
