/* pt_audit.c - the audit log: entries chained by HMAC-SHA-256 (libsodium)
 * under a key kept in DB.key beside the database, with the chain head; verify and rekey. */
#include "pt_audit.h"

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

#define KEY_FILE_MAX 16384   /* bytes of a key file */
#define KEY_FILE_OLD_MAX 64  /* earlier keys a key file keeps */
#define KEY_FILE_MAGIC "protect-audit-key 1"
#define REKEY_ACTION "audit.rekey"
#define MAC_DOMAIN "protect-audit-v1"

/* The statement table of this module (cached per connection by address). */
static const char SQL_LAST[] =
	"SELECT seq, time, user_id, user_name, org_id, action, record_table, record_id, detail, mac "
	"FROM audit_log ORDER BY seq DESC LIMIT 1";
static const char SQL_MAC_OF[] = "SELECT mac FROM audit_log WHERE seq = ?1";
static const char SQL_COUNT[] = "SELECT count(*) FROM audit_log";
static const char SQL_INSERT[] =
	"INSERT INTO audit_log (seq, time, user_id, user_name, org_id, action, record_table, "
	"record_id, detail, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_ALL[] =
	"SELECT seq, time, user_id, user_name, org_id, action, record_table, record_id, detail, mac "
	"FROM audit_log ORDER BY seq";
static const char SQL_LIST[] =
	"SELECT a.seq, a.time, a.user_id, a.user_name, a.org_id, a.action, a.record_table, "
	"a.record_id, a.detail, a.mac, coalesce(o.name, '') FROM audit_log a "
	"LEFT JOIN organisations o ON o.id = a.org_id "
	"WHERE ?1 <= 0 OR a.org_id = ?1 ORDER BY a.seq DESC LIMIT ?2 OFFSET ?3";
static const char SQL_LIST_COUNT[] =
	"SELECT count(*) FROM audit_log WHERE ?1 <= 0 OR org_id = ?1";

/* A key of an earlier chain, kept to verify the entries it signed. */
struct old_key {
	long long first_seq; /* the chain's first entry (1 or a break) */
	unsigned char key[PT_AUDIT_KEY_BYTES];
};

/* The contents of a key file (or of the in-memory key). */
struct keyfile {
	unsigned char key[PT_AUDIT_KEY_BYTES];
	long long head_seq; /* the last committed entry (0: none) */
	unsigned char head_mac[PT_AUDIT_MAC_BYTES];
	struct old_key old[KEY_FILE_OLD_MAX];
	size_t n_old;
};

/* One connection's audit state. */
struct audit_state {
	int mem;          /* the key is in memory (pt_audit_set_key): no key file */
	struct keyfile kf; /* mem: the key and head; else the file as read at the transaction's first append */
	int loaded;       /* kf holds the key file of the open transaction */
	int pending;      /* entries appended in the open transaction */
	long long pending_seq;
	unsigned char pending_mac[PT_AUDIT_MAC_BYTES];
	int new_key;      /* the open transaction rekeyed: write kf as a new key file */
};

/* ---- small helpers -------------------------------------------------------- */

static enum pt_err sodium_ready(struct pt_diag *d)
{
	if (sodium_init() < 0)
		return pt_diag_set(d, PT_EINTERNAL, 0, "", "libsodium could not be initialised");
	return PT_OK;
}

/* What src/store/pt_db.c calls around each transaction of a connection with audit state. */
static const struct pt_db_tx_hooks audit_hooks = {pt_audit_tx_commit_prepare, pt_audit_tx_done,
						  pt_audit_state_free};

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

static void hex_of(const unsigned char *bin, size_t n, char *out)
{
	sodium_bin2hex(out, n * 2 + 1, bin, n);
}

/* Parse exactly n bytes of lower- or upper-case hex (2n digits). 0 on success. */
static int hex_to(const char *hex, size_t len, unsigned char *out, size_t n)
{
	size_t got = 0;
	if (len != n * 2)
		return -1;
	if (sodium_hex2bin(out, n, hex, len, NULL, &got, NULL) != 0 || got != n)
		return -1;
	return 0;
}

/* Copy a text column into buf (cut to fit; the schema's limits keep it whole). */
static void col_copy(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(buf, t, n);
	buf[n] = '\0';
}

/* Copy s into dst of cap bytes, cut on a UTF-8 boundary, with "..." when cut. */
static void copy_cut(char *dst, size_t cap, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < cap) {
		memcpy(dst, s ? s : "", n + 1);
		return;
	}
	n = cap - 4;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(dst, s, n);
	memcpy(dst + n, "...", 4);
}

static void put_u64(crypto_auth_hmacsha256_state *h, unsigned long long v)
{
	unsigned char b[8];
	int i;
	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	crypto_auth_hmacsha256_update(h, b, sizeof b);
}

static void put_str(crypto_auth_hmacsha256_state *h, const char *s)
{
	size_t n = strlen(s);
	put_u64(h, (unsigned long long)n);
	crypto_auth_hmacsha256_update(h, (const unsigned char *)s, n);
}

/* The MAC of entry e chained to prev (all zero for the first entry of a chain). */
static void entry_mac(const unsigned char key[PT_AUDIT_KEY_BYTES],
		      const unsigned char prev[PT_AUDIT_MAC_BYTES], const struct pt_audit_entry *e,
		      unsigned char out[PT_AUDIT_MAC_BYTES])
{
	crypto_auth_hmacsha256_state h;
	crypto_auth_hmacsha256_init(&h, key, PT_AUDIT_KEY_BYTES);
	crypto_auth_hmacsha256_update(&h, (const unsigned char *)MAC_DOMAIN, sizeof MAC_DOMAIN - 1);
	crypto_auth_hmacsha256_update(&h, prev, PT_AUDIT_MAC_BYTES);
	put_u64(&h, (unsigned long long)e->seq);
	put_u64(&h, (unsigned long long)e->time);
	put_u64(&h, (unsigned long long)e->user_id);
	put_u64(&h, (unsigned long long)e->org_id);
	put_str(&h, e->user_name);
	put_str(&h, e->action);
	put_str(&h, e->record_table);
	put_str(&h, e->record_id);
	put_str(&h, e->detail);
	crypto_auth_hmacsha256_final(&h, out);
	sodium_memzero(&h, sizeof h);
}

/* Nonzero when e's stored MAC is the MAC under key chained to prev (constant time). */
static int entry_ok(const unsigned char *key, const unsigned char *prev,
		    const struct pt_audit_entry *e)
{
	unsigned char want[PT_AUDIT_MAC_BYTES], got[PT_AUDIT_MAC_BYTES];
	if (hex_to(e->mac, strlen(e->mac), got, sizeof got) != 0)
		return 0;
	entry_mac(key, prev, e, want);
	return sodium_memcmp(want, got, sizeof want) == 0;
}

/* A break entry starts a new chain (its MAC is over an all-zero previous MAC). */
static int is_break(const struct pt_audit_entry *e)
{
	return strcmp(e->action, REKEY_ACTION) == 0;
}

/* Fill e from a row of SQL_LAST / SQL_ALL columns. */
static void entry_from_row(sqlite3_stmt *st, struct pt_audit_entry *e)
{
	memset(e, 0, sizeof *e);
	e->seq = sqlite3_column_int64(st, 0);
	e->time = sqlite3_column_int64(st, 1);
	e->user_id = sqlite3_column_int64(st, 2);
	col_copy(st, 3, e->user_name, sizeof e->user_name);
	e->org_id = sqlite3_column_int64(st, 4);
	col_copy(st, 5, e->action, sizeof e->action);
	col_copy(st, 6, e->record_table, sizeof e->record_table);
	col_copy(st, 7, e->record_id, sizeof e->record_id);
	col_copy(st, 8, e->detail, sizeof e->detail);
	col_copy(st, 9, e->mac, sizeof e->mac);
}

/* ---- the key file ------------------------------------------------------------ */

enum pt_err pt_audit_key_path(const char *db_path, char *buf, size_t size)
{
	int n;
	if (!db_path || !buf || !size)
		return PT_EINVAL;
	n = snprintf(buf, size, "%s.key", db_path);
	if (n < 0 || (size_t)n >= size)
		return PT_ELIMIT;
	return PT_OK;
}

/* Nonzero when the database lives in memory (no file to put a key beside). */
static int memory_db(struct pt_db *db)
{
	const char *p = pt_db_path(db);
	return !p[0] || strcmp(p, ":memory:") == 0 || strncmp(p, "file::memory:", 13) == 0;
}

/* Parse a key file's text into kf. PT_EINVAL naming the line on any fault. */
static enum pt_err keyfile_parse(const char *path, char *text, struct keyfile *kf,
				 struct pt_diag *d)
{
	char *line = text, *next;
	long lineno = 0;
	int have_key = 0, have_seq = 0, have_mac = 0;
	memset(kf, 0, sizeof *kf);
	for (; line && *line; line = next) {
		char *sp;
		size_t len;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		len = strlen(line);
		if (lineno == 1) {
			if (strcmp(line, KEY_FILE_MAGIC) != 0)
				goto bad;
			continue;
		}
		if (!len || line[0] == '#')
			continue;
		sp = strchr(line, ' ');
		if (!sp)
			goto bad;
		*sp++ = '\0';
		if (strcmp(line, "key") == 0 && !have_key) {
			if (hex_to(sp, strlen(sp), kf->key, sizeof kf->key) != 0)
				goto bad;
			have_key = 1;
		} else if (strcmp(line, "seq") == 0 && !have_seq) {
			char *end;
			errno = 0;
			kf->head_seq = strtoll(sp, &end, 10);
			if (errno || *end || kf->head_seq < 0 || sp[0] == '-' || sp[0] == '+' || !sp[0])
				goto bad;
			have_seq = 1;
		} else if (strcmp(line, "mac") == 0 && !have_mac) {
			if (hex_to(sp, strlen(sp), kf->head_mac, sizeof kf->head_mac) != 0)
				goto bad;
			have_mac = 1;
		} else if (strcmp(line, "old") == 0) {
			char *hex = strchr(sp, ' '), *end;
			struct old_key *o;
			if (!hex || kf->n_old == KEY_FILE_OLD_MAX)
				goto bad;
			*hex++ = '\0';
			o = &kf->old[kf->n_old];
			errno = 0;
			o->first_seq = strtoll(sp, &end, 10);
			if (errno || *end || o->first_seq < 1 ||
			    hex_to(hex, strlen(hex), o->key, sizeof o->key) != 0)
				goto bad;
			kf->n_old++;
		} else {
			goto bad;
		}
	}
	if (!have_key || !have_seq || !have_mac) {
		sodium_memzero(kf, sizeof *kf);
		return pt_diag_set(d, PT_EIO, 0, "",
				   "%s: not a complete audit key file (key, seq and mac lines needed); "
				   "restore it from a backup, or run 'protect audit rekey'",
				   path);
	}
	return PT_OK;
bad:
	sodium_memzero(kf, sizeof *kf);
	return pt_diag_set(d, PT_EIO, 0, "",
			   "%s:%ld: not an audit key file line; restore the key file from a backup, "
			   "or run 'protect audit rekey'",
			   path, lineno);
}

/*
 * Read the key file at path into kf. PT_ENOTFOUND when it does not exist
 * (d untouched), PT_EIO when it cannot be read or parsed.
 */
static enum pt_err keyfile_read(const char *path, struct keyfile *kf, struct pt_diag *d)
{
	char *text = NULL;
	size_t used = 0;
	ssize_t got;
	enum pt_err err = PT_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return PT_ENOTFOUND;
		return pt_diag_set(d, PT_EIO, 0, "", "%s: cannot read the audit key: %s", path,
				   strerror(errno));
	}
	text = malloc(KEY_FILE_MAX + 1);
	if (!text) {
		close(fd);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	while (used < KEY_FILE_MAX && (got = read(fd, text + used, KEY_FILE_MAX - used)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			err = pt_diag_set(d, PT_EIO, 0, "", "%s: cannot read the audit key: %s", path,
					  strerror(errno));
			goto out;
		}
		used += (size_t)got;
	}
	if (used == KEY_FILE_MAX) {
		err = pt_diag_set(d, PT_EIO, 0, "", "%s: larger than an audit key file can be", path);
		goto out;
	}
	text[used] = '\0';
	if (strlen(text) != used) {
		err = pt_diag_set(d, PT_EIO, 0, "", "%s: not an audit key file (binary data)", path);
		goto out;
	}
	err = keyfile_parse(path, text, kf, d);
out:
	close(fd);
	sodium_memzero(text, KEY_FILE_MAX + 1);
	free(text);
	return err;
}

/* The directory part of path ("." when none) into buf. */
static void dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		snprintf(buf, size, ".");
		return;
	}
	if (slash == path) {
		snprintf(buf, size, "/");
		return;
	}
	snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/* Write all of buf to fd. 0 or -1 (errno set). */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Replace the key file at path with kf atomically: a temporary file (mode
 * 0600) in the same directory, fsync, rename, fsync of the directory; all
 * under an exclusive flock of the directory, so writers of several
 * connections do not interleave. only_if_newer: keep a file whose head is
 * already at or past kf's (another connection committed later entries).
 */
static enum pt_err keyfile_write(const char *path, const struct keyfile *kf, int only_if_newer,
				 struct pt_diag *d)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 16], hex[PT_AUDIT_KEY_BYTES * 2 + 1];
	char *text = NULL;
	size_t used = 0, i;
	int dfd = -1, fd = -1, n;
	enum pt_err err = PT_OK;

	if (strlen(path) + 8 >= sizeof tmp)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "%s: path too long", path);
	dir_of(path, dir, sizeof dir);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pt_diag_set(d, PT_EIO, 0, "", "%s: cannot open the directory: %s", dir,
				   strerror(errno));
	while (flock(dfd, LOCK_EX) != 0)
		if (errno != EINTR) {
			err = pt_diag_set(d, PT_EIO, 0, "", "%s: cannot lock: %s", dir, strerror(errno));
			goto out;
		}
	if (only_if_newer) {
		struct keyfile *cur = malloc(sizeof *cur);
		struct pt_diag scratch;
		memset(&scratch, 0, sizeof scratch);
		if (!cur) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto out;
		}
		if (keyfile_read(path, cur, &scratch) == PT_OK &&
		    sodium_memcmp(cur->key, kf->key, sizeof kf->key) == 0 &&
		    cur->head_seq >= kf->head_seq) {
			sodium_memzero(cur, sizeof *cur);
			free(cur);
			goto out; /* a later commit already moved the head */
		}
		sodium_memzero(cur, sizeof *cur);
		free(cur);
	}
	text = malloc(KEY_FILE_MAX);
	if (!text) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	hex_of(kf->key, sizeof kf->key, hex);
	n = snprintf(text, KEY_FILE_MAX,
		     KEY_FILE_MAGIC "\n"
		     "# The audit log's HMAC key and chain head (docs/internals/audit.md).\n"
		     "# Keep it secret and back it up with the database; without it the\n"
		     "# log cannot be verified or extended.\n"
		     "key %s\nseq %lld\n",
		     hex, kf->head_seq);
	used = (size_t)n;
	hex_of(kf->head_mac, sizeof kf->head_mac, hex);
	used += (size_t)snprintf(text + used, KEY_FILE_MAX - used, "mac %s\n", hex);
	for (i = 0; i < kf->n_old && used < KEY_FILE_MAX; i++) {
		hex_of(kf->old[i].key, sizeof kf->old[i].key, hex);
		used += (size_t)snprintf(text + used, KEY_FILE_MAX - used, "old %lld %s\n",
					 kf->old[i].first_seq, hex);
	}
	sodium_memzero(hex, sizeof hex);
	if (used >= KEY_FILE_MAX) {
		err = pt_diag_set(d, PT_ELIMIT, 0, "", "%s: key file too large", path);
		goto out;
	}
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0) {
		err = pt_diag_set(d, PT_EIO, 0, "", "%s: cannot create the audit key file: %s", path,
				  strerror(errno));
		goto out;
	}
	if (fchmod(fd, S_IRUSR | S_IWUSR) != 0 || write_all(fd, text, used) != 0 ||
	    fsync(fd) != 0) {
		err = pt_diag_set(d, PT_EIO, 0, "", "%s: cannot write the audit key file: %s", path,
				  strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		err = pt_diag_set(d, PT_EIO, 0, "", "%s: cannot write the audit key file: %s", path,
				  strerror(errno));
		unlink(tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		err = pt_diag_set(d, PT_EIO, 0, "", "%s: cannot replace the audit key file: %s", path,
				  strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (fsync(dfd) != 0 && errno != EINVAL)
		err = pt_diag_set(d, PT_EIO, 0, "", "%s: cannot sync the directory: %s", dir,
				  strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (text) {
		sodium_memzero(text, KEY_FILE_MAX);
		free(text);
	}
	if (dfd >= 0)
		close(dfd); /* releases the flock */
	return err;
}

/* ---- the log's last entry ---------------------------------------------------- */

/* The last entry into *e (found 0 when the log is empty). */
static enum pt_err last_entry(struct pt_db *db, struct pt_audit_entry *e, int *found,
			      struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*found = 0;
	if ((err = pt_db_stmt(db, SQL_LAST, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		entry_from_row(st, e);
		*found = 1;
	} else if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "reading the audit log");
	}
	sqlite3_reset(st);
	return err;
}

/* The stored MAC of entry seq into mac (found 0 when there is no such entry or it is malformed). */
static enum pt_err mac_of(struct pt_db *db, long long seq, unsigned char mac[PT_AUDIT_MAC_BYTES],
			  int *found, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*found = 0;
	if ((err = pt_db_stmt(db, SQL_MAC_OF, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, seq);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		*found = t && hex_to(t, strlen(t), mac, PT_AUDIT_MAC_BYTES) == 0;
	} else if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "reading the audit log");
	}
	sqlite3_reset(st);
	return err;
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
	sqlite3_stmt *st;
	enum pt_err err;
	int found = 0;

	last = malloc(sizeof *last);
	if (!last)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = last_entry(db, last, &found, d)) != PT_OK)
		goto out;
	if (!s->mem) {
		if (memory_db(db)) {
			err = pt_diag_set(d, PT_EIO, 0, "",
					  "no audit key: an in-memory database needs pt_audit_set_key "
					  "before any write");
			goto out;
		}
		if (pt_audit_key_path(pt_db_path(db), path, sizeof path) != PT_OK) {
			err = pt_diag_set(d, PT_ELIMIT, 0, "", "database path too long");
			goto out;
		}
		err = keyfile_read(path, &s->kf, d);
		if (err == PT_ENOTFOUND) {
			if (found) {
				if ((err = pt_db_stmt(db, SQL_COUNT, &st, d)) != PT_OK)
					goto out;
				if (sqlite3_step(st) == SQLITE_ROW)
					count = sqlite3_column_int64(st, 0);
				sqlite3_reset(st);
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
			if ((err = keyfile_write(path, &s->kf, 0, d)) != PT_OK)
				goto out;
		} else if (err != PT_OK) {
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
	if (!is_break(last) && last->seq > 1) {
		int prev_found = 0;
		if ((err = mac_of(db, last->seq - 1, chain, &prev_found, d)) != PT_OK)
			goto out;
		if (!prev_found)
			memset(chain, 0xff, sizeof chain); /* cannot verify: fails below */
	}
	if (!entry_ok(s->kf.key, chain, last)) {
		err = pt_diag_set(d, PT_EIO, 0, "",
				  "the audit key does not verify audit entry %lld (a wrong key file, "
				  "or an edited log), so no write is allowed; run 'protect audit "
				  "verify', restore the right key file, or run 'protect audit rekey'",
				  last->seq);
		goto out;
	}
	*prev_seq = last->seq;
	if (hex_to(last->mac, strlen(last->mac), prev_mac, PT_AUDIT_MAC_BYTES) != 0)
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

/* Insert entry e (its MAC computed here under key, chained to prev). */
static enum pt_err insert_entry(struct pt_db *db, const unsigned char *key,
				const unsigned char prev[PT_AUDIT_MAC_BYTES],
				struct pt_audit_entry *e, unsigned char mac[PT_AUDIT_MAC_BYTES],
				struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	entry_mac(key, prev, e, mac);
	hex_of(mac, PT_AUDIT_MAC_BYTES, e->mac);
	if ((err = pt_db_stmt(db, SQL_INSERT, &st, d)) != PT_OK)
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
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pt_db_fail(db, rc, d, "writing the audit log");
	return PT_OK;
}

/* Fill the who and when of e from the database's actor. */
static void entry_actor(struct pt_db *db, struct pt_audit_entry *e)
{
	const char *name;
	int64_t now;
	pt_db_actor(db, &e->user_id, &e->org_id, &name, &now);
	copy_cut(e->user_name, sizeof e->user_name, name);
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
	if ((err = sodium_ready(d)) != PT_OK)
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

enum pt_err pt_audit_append(struct pt_db *db, const char *action, const char *record_table,
			    const char *record_id, const char *detail, struct pt_diag *d)
{
	struct pt_audit_entry *e = NULL;
	struct audit_state *s;
	unsigned char prev[PT_AUDIT_MAC_BYTES], mac[PT_AUDIT_MAC_BYTES];
	long long prev_seq = 0;
	enum pt_err err;
	size_t alen;

	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	alen = action ? strlen(action) : 0;
	if (alen == 0 || alen >= PT_AUDIT_ACTION_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "action", "an audit action is 1-%d bytes",
				   PT_AUDIT_ACTION_MAX - 1);
	if (record_table && strlen(record_table) >= PT_AUDIT_TABLE_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "record_table", "table name too long");
	if ((err = sodium_ready(d)) != PT_OK)
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
	copy_cut(e->action, sizeof e->action, action);
	copy_cut(e->record_table, sizeof e->record_table, record_table ? record_table : "");
	copy_cut(e->record_id, sizeof e->record_id, record_id ? record_id : "");
	copy_cut(e->detail, sizeof e->detail, detail ? detail : "");
	if ((err = insert_entry(db, s->kf.key, prev, e, mac, d)) != PT_OK)
		goto out;
	s->pending = 1;
	s->pending_seq = e->seq;
	memcpy(s->pending_mac, mac, sizeof mac);
out:
	free(e);
	/* Commits (and moves the key file's head) only when this opened the transaction. */
	return pt_db_end(db, err, d);
}

enum pt_err pt_audit_tx_commit_prepare(struct pt_db *db, struct pt_diag *d)
{
	struct audit_state *s = db ? state_of(db, 0) : NULL;
	struct pt_audit_entry *last;
	enum pt_err err;
	int found = 0;
	if (!s || !s->pending)
		return PT_OK;
	/* The head is the log's last entry as it will be committed (a savepoint
	 * rolled back inside the transaction may have taken entries away). */
	last = malloc(sizeof *last);
	if (!last)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	err = last_entry(db, last, &found, d);
	if (err == PT_OK && !found)
		s->pending = 0;
	else if (err == PT_OK && hex_to(last->mac, strlen(last->mac), s->pending_mac,
					 sizeof s->pending_mac) == 0)
		s->pending_seq = last->seq;
	else if (err == PT_OK)
		err = pt_diag_set(d, PT_EINTERNAL, 0, "", "audit entry %lld: malformed MAC",
				  last->seq);
	free(last);
	return err;
}

enum pt_err pt_audit_tx_done(struct pt_db *db, int committed, struct pt_diag *d)
{
	struct audit_state *s = db ? state_of(db, 0) : NULL;
	char path[PATH_MAX];
	enum pt_err err = PT_OK;
	if (!s || (!s->pending && !s->loaded))
		return PT_OK;
	if (committed && s->pending) {
		s->kf.head_seq = s->pending_seq;
		memcpy(s->kf.head_mac, s->pending_mac, sizeof s->kf.head_mac);
		if (!s->mem) {
			if (pt_audit_key_path(pt_db_path(db), path, sizeof path) != PT_OK)
				err = pt_diag_set(d, PT_ELIMIT, 0, "", "database path too long");
			else
				err = keyfile_write(path, &s->kf, !s->new_key, d);
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
			   size_t n_records, const char *ids, struct pt_diag *d)
{
	char detail[PT_AUDIT_DETAIL_MAX];
	char head[48];
	if (n_records == 0)
		return PT_OK;
	snprintf(head, sizeof head, "%zu record%s: ", n_records, n_records == 1 ? "" : "s");
	pt_strlcpy(detail, head, sizeof detail);
	copy_cut(detail + strlen(detail), sizeof detail - strlen(detail), ids ? ids : "");
	return pt_audit_append(db, action, record_table, n_records == 1 && ids ? ids : "", detail,
			       d);
}

enum pt_err pt_audit_list(struct pt_db *db, long long org_id, size_t limit, size_t offset,
			  struct pt_audit_entry **entries, size_t *n, size_t *total,
			  struct pt_diag *d)
{
	struct pt_audit_entry *list = NULL;
	sqlite3_stmt *st;
	size_t count = 0;
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
		if ((err = pt_db_stmt(db, SQL_LIST_COUNT, &st, d)) != PT_OK)
			goto out;
		rc = sqlite3_bind_int64(st, 1, org_id);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*total = (size_t)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW) {
			err = pt_db_fail(db, rc, d, "counting the audit log");
			goto out;
		}
	}
	if (!limit)
		goto out;
	list = calloc(limit < 256 ? limit : 256, sizeof *list);
	if (!list) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	{
		size_t cap = limit < 256 ? limit : 256;
		if ((err = pt_db_stmt(db, SQL_LIST, &st, d)) != PT_OK)
			goto out;
		rc = sqlite3_bind_int64(st, 1, org_id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 3, (sqlite3_int64)offset);
		while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (count == cap) {
				struct pt_audit_entry *grown;
				cap = cap * 2 < limit ? cap * 2 : limit;
				grown = realloc(list, cap * sizeof *list);
				if (!grown) {
					sqlite3_reset(st);
					err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
					goto out;
				}
				list = grown;
			}
			entry_from_row(st, &list[count]);
			col_copy(st, 10, list[count].org_name, sizeof list[count].org_name);
			count++;
			rc = SQLITE_OK;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			err = pt_db_fail(db, rc, d, "reading the audit log");
	}
out:
	err = pt_db_end(db, err, d);
	if (err != PT_OK || !count) {
		free(list);
		list = NULL;
		count = 0;
	}
	*entries = list;
	*n = count;
	return err;
}

/* The key that verifies the chain starting at first_seq, or NULL. */
static const unsigned char *key_for(const struct keyfile *kf, long long first_seq,
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

enum pt_err pt_audit_verify(struct pt_db *db, struct pt_audit_report *rep, struct pt_diag *d)
{
	struct audit_state *s;
	struct keyfile *kf = NULL;
	struct pt_audit_entry *e = NULL;
	unsigned char chain[PT_AUDIT_MAC_BYTES], mac[PT_AUDIT_MAC_BYTES];
	const unsigned char *key = NULL;
	char path[PATH_MAX], msg[512];
	long long expect = 1, last_break = 1, seg_start = 1, last_seq = 0;
	int have_last = 0, head_seen = 0, rc;
	sqlite3_stmt *st;
	enum pt_err err;

	if (!db || !rep)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no report");
	memset(rep, 0, sizeof *rep);
	rep->intact = 1;
	if ((err = sodium_ready(d)) != PT_OK)
		return err;
	s = state_of(db, 1);
	kf = calloc(1, sizeof *kf);
	e = calloc(1, sizeof *e);
	if (!s || !kf || !e) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto done;
	}
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		goto done;
	if (s->mem) {
		*kf = s->kf;
	} else if (memory_db(db)) {
		err = pt_diag_set(d, PT_EIO, 0, "", "no audit key for an in-memory database");
		goto out;
	} else {
		if (pt_audit_key_path(pt_db_path(db), path, sizeof path) != PT_OK) {
			err = pt_diag_set(d, PT_ELIMIT, 0, "", "database path too long");
			goto out;
		}
		err = keyfile_read(path, kf, d);
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
	/* First pass: the last break entry (the chain the current key signs). */
	if ((err = pt_db_stmt(db, SQL_ALL, &st, d)) != PT_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		entry_from_row(st, e);
		if (is_break(e))
			last_break = e->seq;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "reading the audit log");
		goto out;
	}
	/* Second pass: sequence, chain and MACs. */
	if ((err = pt_db_stmt(db, SQL_ALL, &st, d)) != PT_OK)
		goto out;
	memset(chain, 0, sizeof chain);
	key = key_for(kf, 1, last_break);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		entry_from_row(st, e);
		rep->entries++;
		if (e->seq != expect) {
			if (e->seq > expect)
				snprintf(msg, sizeof msg,
					 "entr%s %lld%s%.0lld missing before entry %lld (deleted)",
					 e->seq - expect > 1 ? "ies" : "y", expect,
					 e->seq - expect > 1 ? "-" : "",
					 e->seq - expect > 1 ? e->seq - 1 : 0LL, e->seq);
			else
				snprintf(msg, sizeof msg, "entry %lld out of order", e->seq);
			verdict(rep, expect, msg);
			expect = e->seq;
		}
		if (is_break(e)) {
			rep->breaks++;
			memset(chain, 0, sizeof chain);
			seg_start = e->seq;
			key = key_for(kf, seg_start, last_break);
		}
		if (!key) {
			rep->unverifiable++;
		} else if (!entry_ok(key, chain, e)) {
			snprintf(msg, sizeof msg,
				 "entry %lld fails its MAC: it was edited, inserted or moved, or an "
				 "entry before it was deleted",
				 e->seq);
			verdict(rep, e->seq, msg);
		} else {
			rep->verified++;
		}
		if (hex_to(e->mac, strlen(e->mac), mac, sizeof mac) != 0) {
			snprintf(msg, sizeof msg, "entry %lld has a malformed MAC", e->seq);
			verdict(rep, e->seq, msg);
			memset(mac, 0, sizeof mac);
		}
		if (kf->head_seq > 0 && e->seq == kf->head_seq) {
			head_seen = 1;
			if (sodium_memcmp(mac, kf->head_mac, sizeof mac) != 0) {
				snprintf(msg, sizeof msg,
					 "entry %lld is not the entry the key file records as the "
					 "chain head",
					 e->seq);
				verdict(rep, e->seq, msg);
			}
		}
		memcpy(chain, mac, sizeof chain);
		last_seq = e->seq;
		have_last = 1;
		if (expect < LLONG_MAX)
			expect++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err = pt_db_fail(db, rc, d, "reading the audit log");
		goto out;
	}
	if (kf->head_seq > (have_last ? last_seq : 0) || (kf->head_seq > 0 && !head_seen)) {
		snprintf(msg, sizeof msg,
			 "the log ends at entry %lld, but the key file records entry %lld as its "
			 "last: the tail was deleted",
			 have_last ? last_seq : 0, kf->head_seq);
		verdict(rep, (have_last ? last_seq : 0) + 1, msg);
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
	free(e);
	return err;
}

enum pt_err pt_audit_rekey(struct pt_db *db, const char *reason, struct pt_diag *d)
{
	struct audit_state *s;
	struct keyfile *old = NULL;
	struct pt_audit_entry *e = NULL, *last = NULL;
	unsigned char zero[PT_AUDIT_MAC_BYTES], mac[PT_AUDIT_MAC_BYTES],
		chain[PT_AUDIT_MAC_BYTES];
	char path[PATH_MAX];
	struct pt_diag scratch;
	long long seg_start = 1;
	enum pt_err err;
	int found = 0, old_ok = 0;
	sqlite3_stmt *st;
	int rc;

	if (!db)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database");
	if ((err = sodium_ready(d)) != PT_OK)
		return err;
	s = state_of(db, 1);
	old = calloc(1, sizeof *old);
	e = calloc(1, sizeof *e);
	last = calloc(1, sizeof *last);
	if (!s || !old || !e || !last) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto done;
	}
	if (!s->mem && memory_db(db)) {
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
	memset(&scratch, 0, sizeof scratch);
	if (s->mem)
		*old = s->kf;
	if (s->mem || keyfile_read(path, old, &scratch) == PT_OK) {
		old_ok = 1;
		if (found) {
			memset(chain, 0, sizeof chain);
			if (!is_break(last) && last->seq > 1 &&
			    (mac_of(db, last->seq - 1, chain, &rc, &scratch) != PT_OK || !rc))
				old_ok = 0;
			if (old_ok && !entry_ok(old->key, chain, last))
				old_ok = 0;
		}
	}
	if (found) {
		/* Where the chain being closed began: the last break, or entry 1. */
		if ((err = pt_db_stmt(db, SQL_ALL, &st, d)) != PT_OK)
			goto out;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			entry_from_row(st, e);
			if (is_break(e))
				seg_start = e->seq;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			err = pt_db_fail(db, rc, d, "reading the audit log");
			goto out;
		}
	}
	memset(e, 0, sizeof *e);
	e->seq = found ? last->seq + 1 : 1;
	entry_actor(db, e);
	pt_strlcpy(e->action, REKEY_ACTION, sizeof e->action);
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
		copy_cut(e->detail, sizeof e->detail, detail);
	}
	/* The new key file: a new key; the old one kept when it was sound. */
	{
		struct keyfile *nk = &s->kf;
		size_t i, keep = 0;
		struct old_key olds[KEY_FILE_OLD_MAX];
		if (old_ok && found) {
			/* Full: the oldest earlier key goes. */
			for (i = old->n_old >= KEY_FILE_OLD_MAX ? old->n_old - (KEY_FILE_OLD_MAX - 1)
								  : 0;
			     i < old->n_old; i++)
				olds[keep++] = old->old[i];
			olds[keep].first_seq = seg_start;
			memcpy(olds[keep].key, old->key, sizeof olds[keep].key);
			keep++;
		} else if (s->mem || old_ok) {
			for (i = 0; i < old->n_old && keep < KEY_FILE_OLD_MAX; i++)
				olds[keep++] = old->old[i];
		}
		memset(nk, 0, sizeof *nk);
		randombytes_buf(nk->key, sizeof nk->key);
		memcpy(nk->old, olds, keep * sizeof olds[0]);
		nk->n_old = keep;
		sodium_memzero(olds, sizeof olds);
	}
	memset(zero, 0, sizeof zero);
	if ((err = insert_entry(db, s->kf.key, zero, e, mac, d)) != PT_OK)
		goto out;
	s->loaded = 1;
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
