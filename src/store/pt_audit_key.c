/* pt_audit_key.c - the audit log's key file beside the database (read,
 * parse, write atomically) and the HMAC chain's primitives: an entry's MAC. */
#include "pt_audit_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../formats/pt_diag.h"

#define KEY_FILE_MAX 16384   /* bytes of a key file */
#define KEY_FILE_MAGIC "protect-audit-key 1"
#define MAC_DOMAIN "protect-audit-v1"

enum pt_err pt_audit_sodium_ready(struct pt_diag *d)
{
	if (sodium_init() < 0)
		return pt_diag_set(d, PT_EINTERNAL, 0, "", "libsodium could not be initialised");
	return PT_OK;
}

void pt_audit_hex_of(const unsigned char *bin, size_t n, char *out)
{
	sodium_bin2hex(out, n * 2 + 1, bin, n);
}

/* Parse exactly n bytes of lower- or upper-case hex (2n digits). 0 on success. */
int pt_audit_hex_to(const char *hex, size_t len, unsigned char *out, size_t n)
{
	size_t got = 0;
	if (len != n * 2)
		return -1;
	if (sodium_hex2bin(out, n, hex, len, NULL, &got, NULL) != 0 || got != n)
		return -1;
	return 0;
}

/* Copy s into dst of cap bytes, cut on a UTF-8 boundary, with "..." when cut. */
void pt_audit_copy_cut(char *dst, size_t cap, const char *s)
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
void pt_audit_entry_mac(const unsigned char key[PT_AUDIT_KEY_BYTES],
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
int pt_audit_entry_ok(const unsigned char *key, const unsigned char *prev,
		    const struct pt_audit_entry *e)
{
	unsigned char want[PT_AUDIT_MAC_BYTES], got[PT_AUDIT_MAC_BYTES];
	if (pt_audit_hex_to(e->mac, strlen(e->mac), got, sizeof got) != 0)
		return 0;
	pt_audit_entry_mac(key, prev, e, want);
	return sodium_memcmp(want, got, sizeof want) == 0;
}

int pt_audit_is_break(const struct pt_audit_entry *e)
{
	return strcmp(e->action, PT_AUDIT_REKEY_ACTION) == 0;
}

/* An audit_log row (its ten columns in table order, texts cut to fit) into row. */
enum pt_err pt_audit_entry_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_audit_entry *e = row;
	(void)ctx;
	(void)d;
	memset(e, 0, sizeof *e);
	e->seq = sqlite3_column_int64(st, 0);
	e->time = sqlite3_column_int64(st, 1);
	e->user_id = sqlite3_column_int64(st, 2);
	pt_db_col_copy(st, 3, e->user_name, sizeof e->user_name);
	e->org_id = sqlite3_column_int64(st, 4);
	pt_db_col_copy(st, 5, e->action, sizeof e->action);
	pt_db_col_copy(st, 6, e->record_table, sizeof e->record_table);
	pt_db_col_copy(st, 7, e->record_id, sizeof e->record_id);
	pt_db_col_copy(st, 8, e->detail, sizeof e->detail);
	pt_db_col_copy(st, 9, e->mac, sizeof e->mac);
	return PT_OK;
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
int pt_audit_memory_db(struct pt_db *db)
{
	const char *p = pt_db_path(db);
	return !p[0] || strcmp(p, ":memory:") == 0 || strncmp(p, "file::memory:", 13) == 0;
}

/* Parse a key file's text into kf. PT_EINVAL naming the line on any fault. */
static enum pt_err keyfile_parse(const char *path, char *text, struct pt_audit_keyfile *kf,
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
			if (pt_audit_hex_to(sp, strlen(sp), kf->key, sizeof kf->key) != 0)
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
			if (pt_audit_hex_to(sp, strlen(sp), kf->head_mac, sizeof kf->head_mac) != 0)
				goto bad;
			have_mac = 1;
		} else if (strcmp(line, "old") == 0) {
			char *hex = strchr(sp, ' '), *end;
			struct pt_audit_old_key *o;
			if (!hex || kf->n_old == PT_AUDIT_OLD_KEYS_MAX)
				goto bad;
			*hex++ = '\0';
			o = &kf->old[kf->n_old];
			errno = 0;
			o->first_seq = strtoll(sp, &end, 10);
			if (errno || *end || o->first_seq < 1 ||
			    pt_audit_hex_to(hex, strlen(hex), o->key, sizeof o->key) != 0)
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
 * Read the key file open at fd (named path) into kf; its text, NUL-terminated, into text
 * (KEY_FILE_MAX + 1 bytes), its length into *len. PT_EIO when it cannot be read or parsed.
 */
static enum pt_err keyfile_read_fd(int fd, const char *path, char *text, size_t *len,
				   struct pt_audit_keyfile *kf, struct pt_diag *d)
{
	size_t used = 0;
	ssize_t got;
	enum pt_err err;
	char *copy;
	while (used < KEY_FILE_MAX && (got = pread(fd, text + used, KEY_FILE_MAX - used,
						   (off_t)used)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return pt_diag_set(d, PT_EIO, 0, "", "%s: cannot read the audit key: %s", path,
					   strerror(errno));
		}
		used += (size_t)got;
	}
	if (used == KEY_FILE_MAX)
		return pt_diag_set(d, PT_EIO, 0, "", "%s: larger than an audit key file can be", path);
	text[used] = '\0';
	*len = used;
	if (strlen(text) != used)
		return pt_diag_set(d, PT_EIO, 0, "", "%s: not an audit key file (binary data)", path);
	if (!(copy = malloc(used + 1)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	memcpy(copy, text, used + 1); /* the parse cuts its lines */
	err = keyfile_parse(path, copy, kf, d);
	sodium_memzero(copy, used + 1);
	free(copy);
	if (err == PT_OK) {
		struct stat sb;
		kf->mode = fstat(fd, &sb) == 0 ? (unsigned)(sb.st_mode & 07777) : 0777u;
	}
	return err;
}

/* Take flock op on fd, retrying on EINTR; a file system without locks is read unlocked. */
static int lock_fd(int fd, int op)
{
	while (flock(fd, op) != 0)
		if (errno != EINTR)
			return errno == ENOLCK || errno == EOPNOTSUPP || errno == ENOSYS ? 0 : -1;
	return 0;
}

/*
 * Read the key file at path into kf. PT_ENOTFOUND when it does not exist
 * (d untouched), PT_EIO when it cannot be read or parsed. Under a shared
 * flock of the file, so that a head written in place is never read half
 * written (pt_audit_keyfile_write).
 */
enum pt_err pt_audit_keyfile_read(const char *path, struct pt_audit_keyfile *kf, struct pt_diag *d)
{
	char *text = NULL;
	size_t used = 0;
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
	if (lock_fd(fd, LOCK_SH) != 0)
		err = pt_diag_set(d, PT_EIO, 0, "", "%s: cannot lock the audit key: %s", path,
				  strerror(errno));
	else
		err = keyfile_read_fd(fd, path, text, &used, kf, d);
	close(fd); /* releases the lock */
	sodium_memzero(text, KEY_FILE_MAX + 1);
	free(text);
	return err;
}

enum pt_err pt_audit_key_private(const char *path, const struct pt_audit_keyfile *kf,
				 const char *what, struct pt_diag *d)
{
	if (!(kf->mode & PT_AUDIT_KEY_EXPOSED))
		return PT_OK;
	return pt_diag_set(d, PT_EIO, 0, "",
			   "%s: the audit key file can be read or written by users other than its "
			   "owner (mode %04o), so %s; make it private with 'chmod 600 %s', and if "
			   "others may have read it run 'protect audit rekey' (whoever holds the "
			   "key can rewrite the log)",
			   path, kf->mode, what, path);
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

/* The head in a key file's text: the seq line (the number zero-padded to a fixed width)
 * and the mac line, so that every head has the same length and place in the file. */
#define HEAD_SEQ_DIGITS 20
#define HEAD_LEN (4 + HEAD_SEQ_DIGITS + 1 + 4 + PT_AUDIT_MAC_BYTES * 2 + 1)

/*
 * kf as a key file's text into text (KEY_FILE_MAX bytes): *len its length, *head_at
 * where its head (HEAD_LEN bytes) begins.
 */
static enum pt_err keyfile_text(const char *path, const struct pt_audit_keyfile *kf, char *text,
				size_t *len, size_t *head_at, struct pt_diag *d)
{
	char hex[PT_AUDIT_KEY_BYTES * 2 + 1];
	size_t used, i;
	pt_audit_hex_of(kf->key, sizeof kf->key, hex);
	used = (size_t)snprintf(text, KEY_FILE_MAX,
				KEY_FILE_MAGIC "\n"
				"# The audit log's HMAC key and chain head (docs/internals/audit.md).\n"
				"# Keep it secret and back it up with the database; without it the\n"
				"# log cannot be verified or extended.\n"
				"key %s\n",
				hex);
	*head_at = used;
	used += (size_t)snprintf(text + used, KEY_FILE_MAX - used, "seq %0*lld\n", HEAD_SEQ_DIGITS,
				 kf->head_seq);
	pt_audit_hex_of(kf->head_mac, sizeof kf->head_mac, hex);
	used += (size_t)snprintf(text + used, KEY_FILE_MAX - used, "mac %s\n", hex);
	for (i = 0; i < kf->n_old && used < KEY_FILE_MAX; i++) {
		pt_audit_hex_of(kf->old[i].key, sizeof kf->old[i].key, hex);
		used += (size_t)snprintf(text + used, KEY_FILE_MAX - used, "old %lld %s\n",
					 kf->old[i].first_seq, hex);
	}
	sodium_memzero(hex, sizeof hex);
	if (used >= KEY_FILE_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "%s: key file too large", path);
	*len = used;
	return PT_OK;
}

/*
 * Move the head of the key file at path to kf's in place (the directory's flock held):
 * when the file holds kf's key and old keys in exactly the text this program writes, its
 * head (seq and mac lines, HEAD_LEN bytes at a fixed place in the file's first 512 bytes)
 * is overwritten with one pwrite and made durable with one fdatasync, under an exclusive
 * flock of the file (readers take a shared one). A head already at or past kf's is kept.
 * *done 1 when the head is written or kept; 0 when the file must be replaced whole
 * (missing, another key, another layout, an older program's text), d untouched then.
 */
static enum pt_err head_in_place(const char *path, const struct pt_audit_keyfile *kf, int *done,
				 struct pt_diag *d)
{
	struct pt_audit_keyfile *cur = NULL;
	struct pt_diag scratch = PT_DIAG_INIT;
	char *text = NULL, *canon = NULL, *next = NULL;
	size_t used = 0, clen = 0, nlen = 0, chead = 0, nhead = 0, off;
	enum pt_err err = PT_OK;
	int fd;
	*done = 0;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return PT_OK;
	cur = malloc(sizeof *cur);
	text = malloc(KEY_FILE_MAX + 1);
	canon = malloc(KEY_FILE_MAX);
	next = malloc(KEY_FILE_MAX);
	if (!cur || !text || !canon || !next) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if (lock_fd(fd, LOCK_EX) != 0 ||
	    keyfile_read_fd(fd, path, text, &used, cur, &scratch) != PT_OK ||
	    sodium_memcmp(cur->key, kf->key, sizeof kf->key) != 0)
		goto out; /* replaced whole */
	if (cur->head_seq >= kf->head_seq) {
		*done = 1; /* a later commit already moved the head */
		goto out;
	}
	if (keyfile_text(path, cur, canon, &clen, &chead, &scratch) != PT_OK ||
	    keyfile_text(path, kf, next, &nlen, &nhead, &scratch) != PT_OK)
		goto out;
	/* Only the head may differ: the same key and old keys, the same layout. */
	if (clen != used || memcmp(canon, text, clen) != 0 || nlen != clen || nhead != chead ||
	    nhead + HEAD_LEN > 512 || memcmp(canon, next, nhead) != 0 ||
	    memcmp(canon + nhead + HEAD_LEN, next + nhead + HEAD_LEN, clen - nhead - HEAD_LEN) != 0)
		goto out;
	for (off = 0; off < HEAD_LEN;) {
		ssize_t w = pwrite(fd, next + nhead + off, HEAD_LEN - off, (off_t)(nhead + off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = pt_diag_set(d, PT_EIO, 0, "", "%s: cannot write the audit key file: %s",
					  path, w < 0 ? strerror(errno) : "nothing written");
			goto out;
		}
		off += (size_t)w;
	}
	if (fdatasync(fd) != 0) {
		err = pt_diag_set(d, PT_EIO, 0, "", "%s: cannot sync the audit key file: %s", path,
				  strerror(errno));
		goto out;
	}
	*done = 1;
out:
	close(fd); /* releases the lock */
	if (cur) {
		sodium_memzero(cur, sizeof *cur);
		free(cur);
	}
	if (text) {
		sodium_memzero(text, KEY_FILE_MAX + 1);
		free(text);
	}
	if (canon) {
		sodium_memzero(canon, KEY_FILE_MAX);
		free(canon);
	}
	if (next) {
		sodium_memzero(next, KEY_FILE_MAX);
		free(next);
	}
	return err;
}

/*
 * Remove the temporary copies of the key file at path ("KEY.XXXXXX", as mkstemp
 * names them) a writer killed before its rename left in the directory dfd. Every
 * writer holds the directory's flock while its copy exists, so under that lock
 * any such file is stale; each holds the whole key, and a copy of the directory
 * would carry it away.
 */
static atomic_int stale_temps_checked; /* the first write of a process looks for them */

static void remove_stale_temps(int dfd, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;
	DIR *dir;
	struct dirent *e;
	int fd = dup(dfd);
	base = base ? base + 1 : path;
	n = strlen(base);
	if (fd < 0)
		return;
	if (!(dir = fdopendir(fd))) {
		close(fd);
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		size_t i;
		int temp = strlen(e->d_name) == n + 7 && strncmp(e->d_name, base, n) == 0 &&
			   e->d_name[n] == '.';
		for (i = n + 1; temp && i < n + 7; i++)
			temp = isalnum((unsigned char)e->d_name[i]) != 0;
		if (temp)
			unlinkat(dirfd(dir), e->d_name, 0);
	}
	closedir(dir);
}

/*
 * Write kf to the key file at path, under an exclusive flock of the directory, so
 * writers of several connections do not interleave. only_if_newer (a commit moving the
 * head): keep a file whose head is already at or past kf's (another connection committed
 * later entries), and move the head in place when the file allows it (head_in_place: one
 * pwrite, one fdatasync). Otherwise (a new key file, a rekey, a file in another layout)
 * replace the file atomically: a temporary file (mode 0600) in the same directory, fsync,
 * rename, fsync of the directory.
 */
enum pt_err pt_audit_keyfile_write(const char *path, const struct pt_audit_keyfile *kf, int only_if_newer,
				 struct pt_diag *d)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 16];
	char *text = NULL;
	size_t used = 0, head_at = 0;
	int dfd = -1, fd = -1;
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
	if (!atomic_exchange(&stale_temps_checked, 1))
		remove_stale_temps(dfd, path); /* once a process: a killed writer's copy */
	if (only_if_newer) {
		int done = 0;
		if ((err = head_in_place(path, kf, &done, d)) != PT_OK || done)
			goto out;
	}
	text = malloc(KEY_FILE_MAX);
	if (!text) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if ((err = keyfile_text(path, kf, text, &used, &head_at, d)) != PT_OK)
		goto out;
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
