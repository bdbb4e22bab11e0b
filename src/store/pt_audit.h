/* pt_audit.h - the audit log: who did what to which record and when, each
 * entry's HMAC chained to the previous one, keyed by a secret kept outside the database. */
#ifndef PT_AUDIT_H
#define PT_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_audit_entry.h"
#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "pt_store.h"

_Static_assert(PT_AUDIT_ACTOR_MAX == PT_ACTOR_NAME_MAX, "an entry's actor is the store's actor");

/**
 * Supply the audit key in memory (for ":memory:" databases, i.e. unit
 * tests): the chain head is then kept in memory too, no key file is read
 * or written. Copies key. Without it, a ":memory:" database refuses every
 * audited write (PT_EIO, "no audit key").
 */
enum pt_err pt_audit_set_key(struct pt_db *db, const unsigned char key[PT_AUDIT_KEY_BYTES],
			     struct pt_diag *d);

/**
 * The key file of a database at db_path: "<db_path>.key" into buf.
 * PT_ELIMIT when it does not fit.
 */
enum pt_err pt_audit_key_path(const char *db_path, char *buf, size_t size);

/**
 * Append an entry for a write by the database's actor (pt_db_set_actor) at
 * its time: action (1-63 bytes), record table and id (may be "" or NULL),
 * detail (may be NULL; cut at PT_AUDIT_DETAIL_MAX - 1 bytes). Runs inside
 * the caller's open transaction (or opens its own), so the write and its
 * entry commit together; the key file's chain head is updated when the
 * outermost transaction commits.
 *
 * Before writing it checks the key: a missing key file while the log holds
 * entries, a key that does not verify the last entry, or a log that does
 * not reach the head recorded in the key file stop the write with PT_EIO
 * and a message saying what to do (restore DB.key, or 'protect audit
 * rekey'); so does a key file open to other users (chmod 600). A missing
 * key file with an empty log is created (mode 0600). After the insert it
 * checks that the entry was kept as written (one row, its seq, read back
 * unchanged): a trigger that ignores, rewrites or deletes it makes the write
 * PT_EIO naming audit_log, and its transaction cannot commit.
 */
enum pt_err pt_audit_append(struct pt_db *db, const char *action, const char *record_table,
			    const char *record_id, const char *detail, struct pt_diag *d);

/**
 * pt_audit_append with the records the entry covers given: n_cover ids of
 * cover_table (an id of PT_AUDIT_RECORD_MAX bytes or more, or NULL, is
 * kept as "": a record whose id is not known), kept in the side table
 * audit_records in the entry's transaction; they are not part of the
 * entry's MAC. Each row is read back after its insert (and counted again
 * before the commit): one not kept makes the write PT_EIO naming
 * audit_records, and its transaction cannot commit. The audit list shows an entry's record and detail only to
 * readers who may read every record it covers (pt_access_audit_entry).
 * pt_audit_append itself covers the one site a write names: record_table
 * "sites" with its id, or "risk_register" with "SITE/THREAT" (a register
 * entry belongs to its site); other entries cover none.
 */
enum pt_err pt_audit_append_records(struct pt_db *db, const char *action,
				    const char *record_table, const char *record_id,
				    const char *detail, const char *cover_table,
				    const char *const *cover_ids, size_t n_cover, struct pt_diag *d);

/**
 * The one entry of a request that read sensitive records (AMBER,
 * AMBER+STRICT or RED): action such as "sites.read", n_records records of
 * record_table, their ids comma-separated in ids (may be cut: the detail
 * is "N records: IDS"), the record id the one id when n_records is 1;
 * every id read in all_ids (n_all of them; may be NULL), kept whole in
 * audit_records. In its own write transaction (or the caller's); nothing
 * is written when n_records is 0.
 */
enum pt_err pt_audit_reads(struct pt_db *db, const char *action, const char *record_table,
			   size_t n_records, const char *ids, const char *const *all_ids,
			   size_t n_all, struct pt_diag *d);

/**
 * Entries newest first, skipping offset and returning at most limit (at
 * most PT_AUDIT_LIST_MAX) in *entries (caller frees with free(); NULL
 * when *n is 0); only those by users of org_id when org_id > 0.
 * *total (may be NULL) counts every matching entry.
 */
enum pt_err pt_audit_list(struct pt_db *db, long long org_id, size_t limit, size_t offset,
			  struct pt_audit_entry **entries, size_t *n, size_t *total,
			  struct pt_diag *d);

/**
 * Called for each record an entry of a page covers: item is the entry's
 * index in the page, table and id the record's ("" when the id was not
 * kept). Strings valid during the call.
 */
typedef void (*pt_audit_record_fn)(void *ctx, size_t item, const char *table, const char *id);

/**
 * pt_audit_list, and in the same read transaction on_record (may be NULL)
 * for every record covered by an entry of the page. Fail closed: an entry
 * whose rows lack a site it names in its own text (pt_audit_named_of) gets
 * one more record, ("sites", ""), which only the system administrator may read.
 */
enum pt_err pt_audit_list_covered(struct pt_db *db, long long org_id, size_t limit,
				  size_t offset, struct pt_audit_entry **entries, size_t *n,
				  size_t *total, pt_audit_record_fn on_record, void *ctx,
				  struct pt_diag *d);

/**
 * Check the whole log against the key: every entry's MAC over its fields
 * and the previous entry's MAC, sequence numbers 1, 2, ... without gaps,
 * break entries, and the last entry against the head kept beside the key
 * (a deleted tail; the message then adds the key file's count and the
 * table's). Detects an edited, inserted, reordered or deleted entry and
 * says which; any schema object on or naming the audit tables that is not
 * one protect's migrations make (by type, name and SQL text; a trigger, a
 * view), any object of a type SQLite does not write (an edit with PRAGMA
 * writable_schema), a missing audit_records table; and an entry whose
 * covered records lack a site it names. Reads only: works on a pt_db_open_readonly connection.
 * rep->key_mode and key_exposed tell the key file's permissions. Returns PT_OK when the check ran (the verdict is in
 * *rep), PT_ENOTFOUND when the key file is missing, PT_EIO when it cannot
 * be read or is not a key file (or an in-memory database has no key), PT_EDB.
 */
enum pt_err pt_audit_verify(struct pt_db *db, struct pt_audit_report *rep, struct pt_diag *d);

/**
 * Check that db's key file (if there is one yet) is private to its owner:
 * PT_EIO naming the file and its mode when users other than its owner may
 * read or write it (what: what is refused, e.g. "the server does not
 * start"); PT_OK for a private file, no file yet, or an in-memory key.
 * Every write makes the same check (and refuses with "no write is allowed").
 */
enum pt_err pt_audit_key_check(struct pt_db *db, const char *what, struct pt_diag *d);

/**
 * Start a new chain with a new key (the system administrator's remedy for
 * a lost or wrong key file): writes a new key file (mode 0600; the old one,
 * if readable and valid, is kept in it to verify the earlier entries) and a
 * break entry ("audit.rekey", detail: reason and the last entry before
 * it), whose MAC starts the new chain. For ":memory:" databases the key
 * given with pt_audit_set_key is replaced by a random one.
 */
enum pt_err pt_audit_rekey(struct pt_db *db, const char *reason, struct pt_diag *d);

/* ---- for src/store/pt_store.c only ---- */

/**
 * Called by the store just before the outermost transaction commits:
 * checks that the log ends at the last entry the transaction appended and
 * holds all of them (PT_EIO naming audit_log otherwise: the commit is
 * refused); that entry becomes the head to record.
 */
enum pt_err pt_audit_tx_commit_prepare(struct pt_db *db, struct pt_diag *d);

/**
 * Called by the store when the outermost transaction ended: committed
 * nonzero writes the chain head of the entries it appended to the key file
 * (temporary file, fsync, rename); zero forgets them. PT_EIO when the key
 * file cannot be written (the data are committed; the message says so).
 */
enum pt_err pt_audit_tx_done(struct pt_db *db, int committed, struct pt_diag *d);

/** Free the audit state of a connection (pt_db_close); NULL does nothing. */
void pt_audit_state_free(void *state);

#endif
