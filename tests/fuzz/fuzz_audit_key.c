/* fuzz_audit_key.c - libFuzzer target of the audit key file reader (DB.key beside the database:
 * key, chain head, old keys), with a write-and-read-back round trip of what it accepts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/pt_audit_int.h"
#include "store/pt_store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The key file code's only uses of the rest of the store, never reached from the key file
 * reader and writer: stubs, so the target links without SQLite's store. */
const char *pt_db_path(struct pt_db *db)
{
	(void)db;
	abort();
}

void pt_db_col_copy(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
	(void)st;
	(void)col;
	(void)buf;
	(void)cap;
	abort();
}

static char dir[64], in_path[96], out_path[96];

static void cleanup(void)
{
	unlink(in_path);
	unlink(out_path);
	rmdir(dir);
}

/* A directory of this process on tmpfs when there is one (the writer fsyncs). */
static void setup(void)
{
	if (dir[0])
		return;
	snprintf(dir, sizeof dir, "%s", access("/dev/shm", W_OK) == 0 ? "/dev/shm/fuzz_key.XXXXXX"
									: "/tmp/fuzz_key.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(in_path, sizeof in_path, "%s/in.key", dir);
	snprintf(out_path, sizeof out_path, "%s/out.key", dir);
	atexit(cleanup);
}

static int same(const struct pt_audit_keyfile *a, const struct pt_audit_keyfile *b)
{
	size_t i;
	if (memcmp(a->key, b->key, sizeof a->key) != 0 || a->head_seq != b->head_seq ||
	    memcmp(a->head_mac, b->head_mac, sizeof a->head_mac) != 0 || a->n_old != b->n_old)
		return 0;
	for (i = 0; i < a->n_old; i++)
		if (a->old[i].first_seq != b->old[i].first_seq ||
		    memcmp(a->old[i].key, b->old[i].key, sizeof a->old[i].key) != 0)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pt_audit_keyfile kf, back;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	FILE *f;
	setup();
	f = fopen(in_path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	memset(&kf, 0, sizeof kf);
	err = pt_audit_keyfile_read(in_path, &kf, &d);
	if (err != PT_OK) {
		static const struct pt_audit_keyfile zero;
		if ((err != PT_EIO && err != PT_ENOMEM) || !d.msg[0] || !same(&kf, &zero))
			__builtin_trap(); /* a reason, and no key left behind */
		return 0;
	}
	if (kf.head_seq < 0 || kf.n_old > PT_AUDIT_OLD_KEYS_MAX)
		__builtin_trap();
	d = (struct pt_diag)PT_DIAG_INIT;
	if (pt_audit_keyfile_write(out_path, &kf, 0, &d) != PT_OK)
		__builtin_trap();
	d = (struct pt_diag)PT_DIAG_INIT;
	if (pt_audit_keyfile_read(out_path, &back, &d) != PT_OK || !same(&kf, &back))
		__builtin_trap();
	return 0;
}
