/* pt_audit_int.h - what the audit log's files (pt_audit.c, pt_audit_key.c,
 * pt_audit_read.c) share: the key file, the MAC of an entry; not for callers outside them. */
#ifndef PT_AUDIT_INT_H
#define PT_AUDIT_INT_H

#include <stddef.h>

#include "pt_audit.h"
#include "pt_store_int.h"

#define PT_AUDIT_OLD_KEYS_MAX 64          /**< earlier keys a key file keeps */
#define PT_AUDIT_REKEY_ACTION "audit.rekey" /**< the action of a break entry */

/** A key of an earlier chain, kept to verify the entries it signed. */
struct pt_audit_old_key {
	long long first_seq; /**< the chain's first entry (1 or a break) */
	unsigned char key[PT_AUDIT_KEY_BYTES];
};

/** The contents of a key file (or of the in-memory key). Plain data; zero it after use. */
struct pt_audit_keyfile {
	unsigned char key[PT_AUDIT_KEY_BYTES];
	long long head_seq; /**< the last committed entry (0: none) */
	unsigned char head_mac[PT_AUDIT_MAC_BYTES];
	struct pt_audit_old_key old[PT_AUDIT_OLD_KEYS_MAX];
	size_t n_old;
	unsigned mode; /**< the file's permission bits as read (0: the in-memory key) */
};

/** The permission bits that open a key file to users other than its owner. */
#define PT_AUDIT_KEY_EXPOSED 077u

/**
 * PT_EIO with a message naming path and its mode when kf (read from the
 * key file at path) is open to other users (PT_AUDIT_KEY_EXPOSED); what
 * is what the message says is refused ("no write is allowed").
 */
enum pt_err pt_audit_key_private(const char *path, const struct pt_audit_keyfile *kf,
				 const char *what, struct pt_diag *d);

/** PT_EINTERNAL when libsodium cannot be initialised. */
enum pt_err pt_audit_sodium_ready(struct pt_diag *d);

/** n bytes of bin as lower-case hex into out (2n + 1 bytes). */
void pt_audit_hex_of(const unsigned char *bin, size_t n, char *out);

/** Parse exactly n bytes of hex (2n digits, len of them) into out. 0 on success. */
int pt_audit_hex_to(const char *hex, size_t len, unsigned char *out, size_t n);

/** Copy s (NULL: "") into dst of cap bytes, cut on a UTF-8 boundary with "..." when cut. */
void pt_audit_copy_cut(char *dst, size_t cap, const char *s);

/** The MAC of entry e under key, chained to prev (all zero for a chain's first entry). */
void pt_audit_entry_mac(const unsigned char key[PT_AUDIT_KEY_BYTES],
			const unsigned char prev[PT_AUDIT_MAC_BYTES], const struct pt_audit_entry *e,
			unsigned char out[PT_AUDIT_MAC_BYTES]);

/** Nonzero when e's stored MAC is its MAC under key chained to prev (constant time). */
int pt_audit_entry_ok(const unsigned char *key, const unsigned char *prev,
		      const struct pt_audit_entry *e);

/** Nonzero for a break entry (a rekey: it starts a new chain). */
int pt_audit_is_break(const struct pt_audit_entry *e);

/**
 * A fill of the row reader (pt_db_fill_fn): a row whose first ten columns are
 * audit_log's, in table order, into row (a struct pt_audit_entry, cleared
 * first; texts cut to fit). Always PT_OK.
 */
enum pt_err pt_audit_entry_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d);

/** The most record ids an entry's own text can name (its detail is PT_AUDIT_DETAIL_MAX bytes). */
#define PT_AUDIT_NAMED_MAX (PT_AUDIT_DETAIL_MAX / 2 + 1)

/** The records an entry names in its own text (the part its MAC covers). */
struct pt_audit_named {
	const char *table;       /**< the table of the ids ("sites"), or NULL when none is named */
	size_t n;                /**< ids in id[], sorted by strcmp, each once */
	const char *id[PT_AUDIT_NAMED_MAX]; /**< into buf */
	char buf[PT_AUDIT_DETAIL_MAX + PT_AUDIT_RECORD_MAX];
};

/**
 * The records entry e names in its own text, which audit_records must hold
 * for it (docs/audit.md, The records an entry covers): the site of a write
 * naming one (record "sites"/ID, "risk_register"/"SITE/THREAT"), the whole
 * ids in a read entry's detail ("N records: ID,ID,..."; a cut id is not
 * named). Into *out (pointers into out->buf).
 */
void pt_audit_named_of(const struct pt_audit_entry *e, struct pt_audit_named *out);

/** Nonzero when id is among named's ids (binary search). */
int pt_audit_named_has(const struct pt_audit_named *named, const char *id);

/** Nonzero when db lives in memory (no file to put a key beside). */
int pt_audit_memory_db(struct pt_db *db);

/**
 * Read the key file at path into kf, under a shared flock of the file (a head
 * moved in place is never read half written). PT_ENOTFOUND when it does not
 * exist (d untouched), PT_EIO when it cannot be read or parsed.
 */
enum pt_err pt_audit_keyfile_read(const char *path, struct pt_audit_keyfile *kf,
				  struct pt_diag *d);

/**
 * Write kf to the key file at path, under a flock of the directory.
 * only_if_newer (a commit moving the head): keep a file whose head is
 * already at or past kf's, and move the head in place (one pwrite, one
 * fdatasync, under an exclusive flock of the file) when the file holds kf's
 * key and old keys in this program's layout. Otherwise the file is replaced
 * atomically (temporary file, fsync, rename, fsync of the directory).
 */
enum pt_err pt_audit_keyfile_write(const char *path, const struct pt_audit_keyfile *kf,
				   int only_if_newer, struct pt_diag *d);

/**
 * The in-memory key of db (pt_audit_set_key) into kf (may be NULL):
 * nonzero when there is one, 0 when the key lives in a key file.
 */
int pt_audit_mem_key(struct pt_db *db, struct pt_audit_keyfile *kf);

#endif
