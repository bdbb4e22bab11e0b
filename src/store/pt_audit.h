/* pt_audit.h - the audit log: who did what to which record and when, each
 * entry's HMAC chained to the previous one, keyed by a secret kept outside the database. */
#ifndef PT_AUDIT_H
#define PT_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "pt_store.h"

#define PT_AUDIT_KEY_BYTES 32     /**< the HMAC-SHA-256 key */
#define PT_AUDIT_MAC_BYTES 32     /**< one entry's MAC */
#define PT_AUDIT_MAC_HEX 65       /**< the MAC as lower-case hex + NUL */
#define PT_AUDIT_ACTION_MAX 64    /**< action, e.g. "sites.import", + NUL */
#define PT_AUDIT_TABLE_MAX 32     /**< record table, e.g. "sites", + NUL */
#define PT_AUDIT_RECORD_MAX 256   /**< record id + NUL */
#define PT_AUDIT_DETAIL_MAX 1024  /**< free detail + NUL (longer is cut with "...") */
#define PT_AUDIT_LIST_MAX 100000  /**< entries one list may return */

/** One entry of the audit log. */
struct pt_audit_entry {
	long long seq;    /**< 1, 2, 3, ... without gaps */
	int64_t time;     /**< unix seconds */
	long long user_id; /**< 0: the system administrator (the command line) */
	char user_name[PT_ACTOR_NAME_MAX];
	long long org_id; /**< the user's organisation, 0 for none */
	char org_name[PT_NAME_MAX]; /**< filled by pt_audit_list ("" for none) */
	char action[PT_AUDIT_ACTION_MAX];
	char record_table[PT_AUDIT_TABLE_MAX];
	char record_id[PT_AUDIT_RECORD_MAX];
	char detail[PT_AUDIT_DETAIL_MAX];
	char mac[PT_AUDIT_MAC_HEX];
};

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
 * rekey'). A missing key file with an empty log is created (mode 0600).
 */
enum pt_err pt_audit_append(struct pt_db *db, const char *action, const char *record_table,
			    const char *record_id, const char *detail, struct pt_diag *d);

/**
 * The one entry of a request that read sensitive records (AMBER,
 * AMBER+STRICT or RED): action such as "sites.read", n_records records of
 * table, their ids comma-separated in ids (may be cut). In its own write
 * transaction; nothing is written when n_records is 0.
 */
enum pt_err pt_audit_reads(struct pt_db *db, const char *action, const char *record_table,
			   size_t n_records, const char *ids, struct pt_diag *d);

/**
 * Entries newest first, skipping offset and returning at most limit (at
 * most PT_AUDIT_LIST_MAX) in *entries (caller frees with free(); NULL
 * when *n is 0); only those by users of org_id when org_id > 0.
 * *total (may be NULL) counts every matching entry.
 */
enum pt_err pt_audit_list(struct pt_db *db, long long org_id, size_t limit, size_t offset,
			  struct pt_audit_entry **entries, size_t *n, size_t *total,
			  struct pt_diag *d);

/** What pt_audit_verify found. */
struct pt_audit_report {
	int intact;            /**< nonzero when nothing is wrong */
	long long entries;     /**< entries in the log */
	long long verified;    /**< entries whose MAC was checked and held */
	long long bad_seq;     /**< the first entry found wrong (0 when the fault is not one entry) */
	long long head_seq;    /**< the chain head recorded beside the key */
	long long breaks;      /**< rekey break entries in the log */
	long long unverifiable; /**< entries before the last break whose key is not kept */
	char message[512];     /**< what is wrong, or "intact" */
};

/**
 * Check the whole log against the key: every entry's MAC over its fields
 * and the previous entry's MAC, sequence numbers 1, 2, ... without gaps,
 * break entries, and the last entry against the head kept beside the key
 * (a deleted tail). Detects an edited, inserted, reordered or deleted
 * entry and says which. Returns PT_OK when the check ran (the verdict is in
 * *rep), PT_ENOTFOUND when the key file is missing, PT_EIO when it cannot
 * be read or is not a key file (or an in-memory database has no key), PT_EDB.
 */
enum pt_err pt_audit_verify(struct pt_db *db, struct pt_audit_report *rep, struct pt_diag *d);

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
 * takes the log's last entry (inside the transaction) as the head to record.
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
