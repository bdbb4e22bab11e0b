/* pt_audit_read.c - reading the audit log: a page of entries with the
 * records they cover, and the check of the whole chain against the key. */
#include "pt_audit_int.h"

#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"

/* The statement table of this module (cached per connection by address). */
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
static const char SQL_COVERED[] =
	"SELECT record_table, record_id FROM audit_records WHERE seq = ?1";

/* Call on_record for every record covered by an entry of page (n entries): one
 * lookup by primary key per entry, so the cost follows the page, not the log. */
static enum pt_err covered(struct pt_db *db, const struct pt_audit_entry *page, size_t n,
			   pt_audit_record_fn on_record, void *ctx, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	int rc = SQLITE_DONE;
	if ((err = pt_db_stmt(db, SQL_COVERED, &st, d)) != PT_OK)
		return err;
	for (i = 0; i < n && rc == SQLITE_DONE; i++) {
		rc = sqlite3_bind_int64(st, 1, page[i].seq);
		while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *table = (const char *)sqlite3_column_text(st, 0);
			const char *id = (const char *)sqlite3_column_text(st, 1);
			on_record(ctx, i, table ? table : "", id ? id : "");
			rc = SQLITE_OK;
		}
		sqlite3_reset(st);
	}
	if (rc != SQLITE_DONE)
		return pt_db_fail(db, rc, d, "reading the records of the audit log");
	return PT_OK;
}

enum pt_err pt_audit_list(struct pt_db *db, long long org_id, size_t limit, size_t offset,
			  struct pt_audit_entry **entries, size_t *n, size_t *total,
			  struct pt_diag *d)
{
	return pt_audit_list_covered(db, org_id, limit, offset, entries, n, total, NULL, NULL, d);
}

enum pt_err pt_audit_list_covered(struct pt_db *db, long long org_id, size_t limit,
				  size_t offset, struct pt_audit_entry **entries, size_t *n,
				  size_t *total, pt_audit_record_fn on_record, void *ctx,
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
			pt_audit_entry_from_row(st, &list[count]);
			pt_audit_col_copy(st, 10, list[count].org_name, sizeof list[count].org_name);
			count++;
			rc = SQLITE_OK;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			err = pt_db_fail(db, rc, d, "reading the audit log");
	}
	if (err == PT_OK && count && on_record)
		err = covered(db, list, count, on_record, ctx, d);
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

enum pt_err pt_audit_verify(struct pt_db *db, struct pt_audit_report *rep, struct pt_diag *d)
{
	struct pt_audit_keyfile *kf = NULL;
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
	if ((err = pt_audit_sodium_ready(d)) != PT_OK)
		return err;
	kf = calloc(1, sizeof *kf);
	e = calloc(1, sizeof *e);
	if (!kf || !e) {
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
	/* First pass: the last break entry (the chain the current key signs). */
	if ((err = pt_db_stmt(db, SQL_ALL, &st, d)) != PT_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		pt_audit_entry_from_row(st, e);
		if (pt_audit_is_break(e))
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
		pt_audit_entry_from_row(st, e);
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
		if (pt_audit_is_break(e)) {
			rep->breaks++;
			memset(chain, 0, sizeof chain);
			seg_start = e->seq;
			key = key_for(kf, seg_start, last_break);
		}
		if (!key) {
			rep->unverifiable++;
		} else if (!pt_audit_entry_ok(key, chain, e)) {
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
