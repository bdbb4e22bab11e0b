/* pt_http_imports.c - CSV uploads of sites and assessments: parsed by the formats
 * readers, every row checked against the access rules inside the import's transaction, all-or-nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_assess_io.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_sites_io.h"
#include "../store/pt_users.h"
#include "pt_http_api.h"

#define WARNINGS_MAX 100 /* warnings returned (the count is exact) */

static void catalogs_free(struct pt_catalogs *cat)
{
	pt_catalog_free(&cat->kinds);
	pt_catalog_free(&cat->sectors);
	pt_catalog_free(&cat->threats);
}

struct warnings {
	json_t *list;
	long count;
};

static void collect_warning(void *ctx, const char *file, long line, const char *field,
			    const char *msg)
{
	struct warnings *w = ctx;
	(void)file;
	w->count++;
	if (w->list && json_array_size(w->list) < WARNINGS_MAX)
		json_array_append_new(w->list, json_pack("{s:I,s:s,s:s}", "line", (json_int_t)line,
							 "field", field ? field : "", "message", msg));
}

/* Why a row was refused inside the transaction: the reply to make. */
struct refusal {
	unsigned status; /* 0: none */
	long line;
	const char *field;
	char msg[512];
};

static enum pt_err refuse(struct refusal *f, unsigned status, long line, const char *field,
			  const char *what, const char *id)
{
	f->status = status;
	f->line = line;
	f->field = field;
	snprintf(f->msg, sizeof f->msg, "line %ld: %s: %s%s", line, field, what, id);
	return PT_ECONFLICT;
}

struct sites_write {
	struct pt_req *r;
	struct pt_diag *d;
	const struct pt_site_list *list;
	struct refusal refused;
	size_t created, updated;
};

/* Every row checked against the rules with the index and sites as stored now, then imported. */
static enum pt_err write_sites(struct pt_db *db, void *ctx)
{
	struct sites_write *w = ctx;
	struct pt_access_index *ix = NULL;
	enum pt_err err;
	size_t i;
	if ((err = pt_access_index_load(db, &ix, w->d)) != PT_OK)
		return err;
	for (i = 0; i < w->list->n && err == PT_OK; i++) {
		const struct pt_site *row = &w->list->items[i];
		struct pt_access_record rec;
		struct pt_site old;
		enum pt_access a;
		long line = w->list->lines[i];
		err = pt_db_site_get(db, row->id, &old, w->d);
		if (err != PT_OK && err != PT_ENOTFOUND)
			break;
		if (err == PT_OK)
			pt_access_index_record(ix, &old, &rec);
		a = pt_access_import(pt_api_who(w->r), pt_access_index_org_id(ix, row->owner),
				     err == PT_OK ? &rec : NULL);
		err = PT_OK;
		if (a == PT_ACCESS_NOT_FOUND) /* a site the caller may not see: as if it did not exist */
			err = refuse(&w->refused, 403, line, "id", "you may not create or change site ",
				     row->id);
		else if (a != PT_ACCESS_OK)
			err = refuse(&w->refused, 403, line, "owner",
				     "you may only import sites your organisation owns; not ", row->owner);
	}
	pt_access_index_free(ix);
	if (err != PT_OK)
		return err;
	return pt_db_sites_import(db, w->list, &w->created, &w->updated, w->d);
}

void pt_h_import_sites(struct pt_req *r)
{
	struct pt_catalogs cat;
	struct pt_site_list list;
	struct warnings warn;
	struct sites_write w;
	struct pt_diag d;
	enum pt_err err;

	memset(&cat, 0, sizeof cat);
	memset(&list, 0, sizeof list);
	memset(&d, 0, sizeof d);
	memset(&w, 0, sizeof w);
	warn.list = json_array();
	warn.count = 0;
	if (!warn.list) {
		pt_reply_json(r, 500, NULL);
		return;
	}
	d.warn_cb = collect_warning;
	d.warn_ctx = &warn;
	if ((err = pt_db_catalogs_load(r->db, &cat, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	if ((err = pt_sites_read_csv(r->body ? r->body : "", r->body_len, &cat, &list, &d)) != PT_OK) {
		pt_reply_diag(r, err == PT_ELIMIT ? PT_EINVAL : err, &d);
		goto out;
	}
	w.r = r;
	w.d = &d;
	w.list = &list;
	if ((err = pt_db_transaction(r->db, write_sites, &w, &d)) != PT_OK) {
		if (w.refused.status)
			pt_reply_error(r, w.refused.status, w.refused.field, w.refused.line, "%s",
				       w.refused.msg);
		else
			pt_reply_diag(r, err, &d);
		goto out;
	}
	pt_reply_json(r, 200, json_pack("{s:I,s:I,s:I,s:O}", "created", (json_int_t)w.created,
					"updated", (json_int_t)w.updated, "warning_count",
					(json_int_t)warn.count, "warnings", warn.list));
out:
	json_decref(warn.list);
	pt_site_list_free(&list);
	catalogs_free(&cat);
}

static const char *row_site(const struct pt_assessment_set *set, size_t i)
{
	return set->method == PT_METHOD_FEMA ? set->fema[i].site_id
	       : set->method == PT_METHOD_CARVER ? set->carver[i].site_id
						  : set->quant[i].site_id;
}

struct rows_write {
	struct pt_req *r;
	struct pt_diag *d;
	const struct pt_assessment_set *set;
	struct refusal refused;
};

/* Every row's site checked against the rules as stored now, then the rows imported. */
static enum pt_err write_rows(struct pt_db *db, void *ctx)
{
	struct rows_write *w = ctx;
	struct pt_access_index *ix = NULL;
	enum pt_err err;
	size_t i;
	if ((err = pt_access_index_load(db, &ix, w->d)) != PT_OK)
		return err;
	for (i = 0; i < w->set->n && err == PT_OK; i++) {
		const char *id = row_site(w->set, i);
		struct pt_access_record rec;
		struct pt_site s;
		enum pt_access a;
		long line = w->set->lines[i];
		if (i > 0 && strcmp(id, row_site(w->set, i - 1)) == 0)
			continue; /* rows of one site follow each other: checked already */
		err = pt_db_site_get(db, id, &s, w->d);
		if (err == PT_ENOTFOUND) {
			err = refuse(&w->refused, 400, line, "site_id", "unknown site ", id);
			break;
		}
		if (err != PT_OK)
			break;
		pt_access_index_record(ix, &s, &rec);
		a = pt_access_write(pt_api_who(w->r), &rec);
		/* A site the caller may not see is answered as one that does not exist. */
		if (a == PT_ACCESS_NOT_FOUND)
			err = refuse(&w->refused, 400, line, "site_id", "unknown site ", id);
		else if (a != PT_ACCESS_OK)
			err = refuse(&w->refused, 403, line, "site_id",
				     "your role or organisation may not change the assessments of site ", id);
	}
	pt_access_index_free(ix);
	if (err != PT_OK)
		return err;
	return pt_db_assessments_import(db, w->set, w->d);
}

void pt_h_import_assessments(struct pt_req *r)
{
	struct pt_catalogs cat;
	struct pt_assessment_set set;
	struct rows_write w;
	struct pt_diag d;
	enum pt_err err;

	memset(&cat, 0, sizeof cat);
	memset(&set, 0, sizeof set);
	memset(&d, 0, sizeof d);
	memset(&w, 0, sizeof w);
	if ((err = pt_db_catalogs_load(r->db, &cat, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	err = pt_assessments_read_csv(r->body ? r->body : "", r->body_len, &cat.threats, &set, &d);
	if (err != PT_OK) {
		pt_reply_diag(r, err == PT_ELIMIT ? PT_EINVAL : err, &d);
		goto out;
	}
	w.r = r;
	w.d = &d;
	w.set = &set;
	if ((err = pt_db_transaction(r->db, write_rows, &w, &d)) != PT_OK) {
		if (w.refused.status)
			pt_reply_error(r, w.refused.status, w.refused.field, w.refused.line, "%s",
				       w.refused.msg);
		else
			pt_reply_diag(r, err, &d);
		goto out;
	}
	pt_reply_json(r, 200, json_pack("{s:s,s:I}", "method", pt_method_name(set.method), "rows",
					(json_int_t)set.n));
out:
	pt_assessment_set_free(&set);
	catalogs_free(&cat);
}
