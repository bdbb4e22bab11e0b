/* pt_access_store.c - the named readers of RED sites and the access index
 * (organisations, partners and readers of every site, read in one go), in SQLite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_access_store.h"
#include "pt_audit.h"
#include "pt_store_int.h"
#include "pt_user_store.h"

#define INDEX_ROWS_MAX 4000000 /* organisations, partner pairs or reader pairs in an index */

/* The statement table of this file. */
enum access_stmt {
	ST_SITE_EXISTS,
	ST_READERS,
	ST_READER_ADD,
	ST_READER_REMOVE,
	ST_IX_ORGS,
	ST_IX_ORG_COUNT,
	ST_IX_PARTNERS,
	ST_IX_PARTNER_COUNT,
	ST_IX_READERS,
	ST_IX_READER_COUNT,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_SITE_EXISTS] = "SELECT 1 FROM sites WHERE id = ?1",
	[ST_READERS] = "SELECT user_id FROM site_readers WHERE site_id = ?1 ORDER BY user_id",
	[ST_READER_ADD] = "INSERT INTO site_readers (site_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
	[ST_READER_REMOVE] = "DELETE FROM site_readers WHERE site_id = ?1 AND user_id = ?2",
	[ST_IX_ORGS] = "SELECT id, name, type FROM organisations ORDER BY name",
	[ST_IX_ORG_COUNT] = "SELECT count(*) FROM organisations",
	[ST_IX_PARTNERS] = "SELECT org_id, partner_id FROM organisation_partners ORDER BY org_id, partner_id",
	[ST_IX_PARTNER_COUNT] = "SELECT count(*) FROM organisation_partners",
	[ST_IX_READERS] = "SELECT site_id, user_id FROM site_readers ORDER BY site_id, user_id",
	[ST_IX_READER_COUNT] = "SELECT count(*) FROM site_readers",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_ACCESS, ST_COUNT, stmt_sql};

/* ---- RED readers -------------------------------------------------------------- */

enum pt_err pt_db_site_readers(struct pt_db *db, const char *site_id, long long **user_ids,
			       size_t *n, struct pt_diag *d)
{
	if (!db || !site_id || !user_ids || !n)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database, site or output");
	return pt_db_ids_read(db, &stmts, ST_READERS, site_id, 0, PT_USERS_MAX, user_ids, n, d);
}

/* Add or remove (add == 0) a named reader, audited. */
static enum pt_err reader_change(struct pt_db *db, const char *site_id, long long user_id,
				 int add, struct pt_diag *d)
{
	sqlite3_stmt *st;
	struct pt_user u;
	enum pt_err err;
	char detail[PT_USER_NAME_MAX + 48];
	int rc;
	if (!db || !site_id)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no site");
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_prepare(db, &stmts, ST_SITE_EXISTS, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, site_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? pt_diag_set(d, PT_ENOTFOUND, 0, "site_id",
						      "no site with id \"%s\"", site_id)
					: pt_db_fail(db, rc, d, "reading a site");
		goto out;
	}
	if ((err = pt_db_user_lookup(db, NULL, user_id, &u, d)) != PT_OK)
		goto out;
	if ((err = pt_db_prepare(db, &stmts, add ? ST_READER_ADD : ST_READER_REMOVE, &st, d)) != PT_OK)
		goto out;
	rc = sqlite3_bind_text(st, 1, site_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, user_id);
	if ((err = pt_db_step_done(db, st, rc, "changing the readers", d)) != PT_OK)
		goto out;
	if (!add && pt_db_changes(db) == 0) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "user",
				  "user \"%s\" is not named on site \"%s\"", u.name, site_id);
		goto out;
	}
	snprintf(detail, sizeof detail, "%s %s", add ? "named" : "no longer named", u.name);
	err = pt_audit_append(db, add ? "site.reader.add" : "site.reader.remove", "sites", site_id,
			      detail, d);
out:
	return pt_db_end(db, err, d);
}

enum pt_err pt_db_site_reader_add(struct pt_db *db, const char *site_id, long long user_id,
				  struct pt_diag *d)
{
	return reader_change(db, site_id, user_id, 1, d);
}

enum pt_err pt_db_site_reader_remove(struct pt_db *db, const char *site_id, long long user_id,
				     struct pt_diag *d)
{
	return reader_change(db, site_id, user_id, 0, d);
}

/* ---- the access index ------------------------------------------------------------ */

struct ix_org {
	long long id;
	enum pt_org_type type;
	char *name;
	size_t first_partner, n_partners; /* into partner_ids */
};

struct ix_site {
	char *id;
	size_t first_reader, n_readers; /* into reader_ids */
};

struct pt_access_index {
	struct ix_org *orgs;          /* by name */
	size_t n_orgs;
	long long *org_by_id;         /* indexes into orgs sorted by id: ids then positions */
	size_t *org_pos;
	long long *partner_ids;
	size_t n_partner_ids;
	struct ix_site *sites;        /* sites with named readers, by id */
	size_t n_sites;
	long long *reader_ids;
	size_t n_reader_ids;
};

void pt_access_index_free(struct pt_access_index *ix)
{
	size_t i;
	if (!ix)
		return;
	for (i = 0; i < ix->n_orgs; i++)
		free(ix->orgs[i].name);
	for (i = 0; i < ix->n_sites; i++)
		free(ix->sites[i].id);
	free(ix->orgs);
	free(ix->org_by_id);
	free(ix->org_pos);
	free(ix->partner_ids);
	free(ix->sites);
	free(ix->reader_ids);
	free(ix);
}

/* count(*) of statement which into *n, checked against INDEX_ROWS_MAX. */
static enum pt_err ix_count(struct pt_db *db, enum access_stmt which, size_t *n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	long long v = 0;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, which, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return pt_db_fail(db, rc, d, "counting");
	if (v < 0 || v > INDEX_ROWS_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "more than %d rows for the access index",
				   INDEX_ROWS_MAX);
	*n = (size_t)v;
	return PT_OK;
}

/* Position of org id in ix (sorted id array), or -1. */
static long ix_org_of_id(const struct pt_access_index *ix, long long id)
{
	size_t lo = 0, hi = ix->n_orgs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->org_by_id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n_orgs && ix->org_by_id[lo] == id)
		return (long)ix->org_pos[lo];
	return -1;
}

/* Sort helper: org positions by id. */
struct id_pos {
	long long id;
	size_t pos;
};

static int cmp_id_pos(const void *a, const void *b)
{
	const struct id_pos *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* An organisation row appended to the index ctx. */
static enum pt_err ix_org_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_access_index *ix = ctx;
	struct ix_org *io = &ix->orgs[ix->n_orgs];
	struct pt_org o;
	enum pt_err err;
	(void)row;
	if ((err = pt_db_org_from_row(st, &o, d)) != PT_OK)
		return err;
	io->id = o.id;
	io->type = o.type;
	if (!(io->name = strdup(o.name)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	ix->n_orgs++;
	return PT_OK;
}

static enum pt_err ix_load_orgs(struct pt_db *db, struct pt_access_index *ix, struct pt_diag *d)
{
	struct pt_db_rows rows = {NULL, 0, 0, 0, 0, "organisations changed while loading",
				  ix_org_row, ix};
	struct id_pos *byid = NULL;
	sqlite3_stmt *st;
	enum pt_err err;
	size_t n = 0, i;
	if ((err = ix_count(db, ST_IX_ORG_COUNT, &n, d)) != PT_OK)
		return err;
	rows.max = n;
	ix->orgs = calloc(n ? n : 1, sizeof *ix->orgs);
	ix->org_by_id = calloc(n ? n : 1, sizeof *ix->org_by_id);
	ix->org_pos = calloc(n ? n : 1, sizeof *ix->org_pos);
	byid = calloc(n ? n : 1, sizeof *byid);
	if (!ix->orgs || !ix->org_by_id || !ix->org_pos || !byid) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if ((err = pt_db_prepare(db, &stmts, ST_IX_ORGS, &st, d)) != PT_OK ||
	    (err = pt_db_rows_read(db, st, &rows, "reading organisations", d)) != PT_OK)
		goto out;
	for (i = 0; i < ix->n_orgs; i++) {
		byid[i].id = ix->orgs[i].id;
		byid[i].pos = i;
	}
	qsort(byid, ix->n_orgs, sizeof *byid, cmp_id_pos);
	for (i = 0; i < ix->n_orgs; i++) {
		ix->org_by_id[i] = byid[i].id;
		ix->org_pos[i] = byid[i].pos;
	}
out:
	free(byid);
	return err;
}

/* A partner pair (owner, partner) appended to the index ctx; rows come by owner. */
static enum pt_err ix_partner_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_access_index *ix = ctx;
	long long owner = sqlite3_column_int64(st, 0);
	long pos = ix_org_of_id(ix, owner);
	(void)row;
	(void)d;
	if (pos >= 0) {
		if (!ix->orgs[pos].n_partners)
			ix->orgs[pos].first_partner = ix->n_partner_ids;
		ix->orgs[pos].n_partners++;
	}
	ix->partner_ids[ix->n_partner_ids++] = sqlite3_column_int64(st, 1);
	return PT_OK;
}

static enum pt_err ix_load_partners(struct pt_db *db, struct pt_access_index *ix,
				    struct pt_diag *d)
{
	struct pt_db_rows rows = {NULL, 0, 0, 0, 0, "partners changed while loading",
				  ix_partner_row, ix};
	sqlite3_stmt *st;
	enum pt_err err;
	size_t n = 0;
	if ((err = ix_count(db, ST_IX_PARTNER_COUNT, &n, d)) != PT_OK)
		return err;
	rows.max = n;
	ix->partner_ids = calloc(n ? n : 1, sizeof *ix->partner_ids);
	if (!ix->partner_ids)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_prepare(db, &stmts, ST_IX_PARTNERS, &st, d)) != PT_OK)
		return err;
	return pt_db_rows_read(db, st, &rows, "reading partners", d);
}

/* A reader pair (site, user) appended to the index ctx; rows come by site. */
static enum pt_err ix_reader_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_access_index *ix = ctx;
	const char *site = (const char *)sqlite3_column_text(st, 0);
	(void)row;
	if (!site)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if (!ix->n_sites || strcmp(ix->sites[ix->n_sites - 1].id, site) != 0) {
		struct ix_site *s = &ix->sites[ix->n_sites];
		if (!(s->id = strdup(site)))
			return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		s->first_reader = ix->n_reader_ids;
		ix->n_sites++;
	}
	ix->sites[ix->n_sites - 1].n_readers++;
	ix->reader_ids[ix->n_reader_ids++] = sqlite3_column_int64(st, 1);
	return PT_OK;
}

static enum pt_err ix_load_readers(struct pt_db *db, struct pt_access_index *ix,
				   struct pt_diag *d)
{
	struct pt_db_rows rows = {NULL, 0, 0, 0, 0, "site readers changed while loading",
				  ix_reader_row, ix};
	sqlite3_stmt *st;
	enum pt_err err;
	size_t n = 0;
	if ((err = ix_count(db, ST_IX_READER_COUNT, &n, d)) != PT_OK)
		return err;
	rows.max = n;
	ix->reader_ids = calloc(n ? n : 1, sizeof *ix->reader_ids);
	ix->sites = calloc(n ? n : 1, sizeof *ix->sites);
	if (!ix->reader_ids || !ix->sites)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_prepare(db, &stmts, ST_IX_READERS, &st, d)) != PT_OK)
		return err;
	return pt_db_rows_read(db, st, &rows, "reading site readers", d);
}

enum pt_err pt_access_index_load(struct pt_db *db, struct pt_access_index **out,
				 struct pt_diag *d)
{
	struct pt_access_index *ix;
	enum pt_err err;
	if (!db || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no output");
	*out = NULL;
	ix = calloc(1, sizeof *ix);
	if (!ix)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_begin_read(db, d)) != PT_OK) {
		free(ix);
		return err;
	}
	if ((err = ix_load_orgs(db, ix, d)) == PT_OK && (err = ix_load_partners(db, ix, d)) == PT_OK)
		err = ix_load_readers(db, ix, d);
	err = pt_db_end(db, err, d);
	if (err != PT_OK) {
		pt_access_index_free(ix);
		return err;
	}
	*out = ix;
	return PT_OK;
}

/* Position of organisation name in ix->orgs (sorted by name, byte order), or -1. */
static long ix_org_of_name(const struct pt_access_index *ix, const char *name)
{
	size_t lo = 0, hi = ix->n_orgs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->orgs[mid].name, name);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

long long pt_access_index_org_id(const struct pt_access_index *ix, const char *name)
{
	long pos;
	if (!ix || !name || !name[0])
		return 0;
	pos = ix_org_of_name(ix, name);
	return pos >= 0 ? ix->orgs[pos].id : 0;
}

void pt_access_index_record(const struct pt_access_index *ix, const struct pt_site *s,
			    struct pt_access_record *rec)
{
	long pos;
	size_t lo, hi;
	memset(rec, 0, sizeof *rec);
	if (!s) {
		rec->tlp = PT_TLP_RED;
		return;
	}
	rec->tlp = s->tlp;
	if (!ix)
		return;
	pos = s->owner[0] ? ix_org_of_name(ix, s->owner) : -1;
	if (pos >= 0) {
		const struct ix_org *o = &ix->orgs[pos];
		rec->owner_org_id = o->id;
		rec->partners = o->n_partners ? ix->partner_ids + o->first_partner : NULL;
		rec->n_partners = o->n_partners;
	}
	lo = 0;
	hi = ix->n_sites;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->sites[mid].id, s->id);
		if (c == 0) {
			rec->red_readers = ix->reader_ids + ix->sites[mid].first_reader;
			rec->n_red_readers = ix->sites[mid].n_readers;
			break;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
}
