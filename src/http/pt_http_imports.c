/* pt_http_imports.c - CSV uploads of sites and assessments: parsed by the
 * formats readers, every row checked against what the caller may write, all-or-nothing, audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_assess_io.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_sites_io.h"
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

struct sites_write {
	struct pt_req *r;
	struct pt_diag *d;
	const struct pt_site_list *list;
	size_t created, updated;
};

static enum pt_err write_sites(struct pt_db *db, void *ctx)
{
	struct sites_write *w = ctx;
	char detail[128];
	enum pt_err err;
	if ((err = pt_db_sites_import(db, w->list, &w->created, &w->updated, w->d)) != PT_OK)
		return err;
	snprintf(detail, sizeof detail, "%zu created, %zu updated", w->created, w->updated);
	return pt_api_audit_write(w->r, "import.sites", "sites", detail, w->d);
}

void pt_h_import_sites(struct pt_req *r)
{
	struct pt_catalogs cat;
	struct pt_site_list list;
	struct warnings warn;
	struct sites_write w;
	struct pt_diag d;
	enum pt_err err;
	size_t i;

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
	for (i = 0; i < list.n; i++) {
		const struct pt_site *s = &list.items[i];
		struct pt_site old;
		struct pt_diag gd;
		memset(&gd, 0, sizeof gd);
		err = pt_db_site_get(r->db, s->id, &old, &gd);
		if (err == PT_OK) {
			if (!pt_api_can_write(r, &old) || !pt_api_can_read(r, &old)) {
				pt_reply_error(r, 403, "id", list.lines[i],
					       "line %ld: id: site %s cannot be written by your organisation",
					       list.lines[i], s->id);
				goto out;
			}
		} else if (err != PT_ENOTFOUND) {
			pt_reply_diag(r, err, &gd);
			goto out;
		}
		if (!pt_api_may_import_for(r, s)) {
			pt_reply_error(r, 403, "owner", list.lines[i],
				       "line %ld: owner: you may only import sites your organisation owns",
				       list.lines[i]);
			goto out;
		}
	}
	w.r = r;
	w.d = &d;
	w.list = &list;
	if ((err = pt_db_transaction(r->db, write_sites, &w, &d)) != PT_OK) {
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

struct rows_write {
	struct pt_req *r;
	struct pt_diag *d;
	const struct pt_assessment_set *set;
};

static enum pt_err write_rows(struct pt_db *db, void *ctx)
{
	struct rows_write *w = ctx;
	char detail[128];
	enum pt_err err;
	if ((err = pt_db_assessments_import(db, w->set, w->d)) != PT_OK)
		return err;
	snprintf(detail, sizeof detail, "%s: %zu rows", pt_method_name(w->set->method), w->set->n);
	return pt_api_audit_write(w->r, "import.assessments", "assessments", detail, w->d);
}

static const char *row_site(const struct pt_assessment_set *set, size_t i)
{
	return set->method == PT_METHOD_FEMA ? set->fema[i].site_id
	       : set->method == PT_METHOD_CARVER ? set->carver[i].site_id
						  : set->quant[i].site_id;
}

void pt_h_import_assessments(struct pt_req *r)
{
	struct pt_catalogs cat;
	struct pt_assessment_set set;
	struct rows_write w;
	struct pt_diag d;
	enum pt_err err;
	size_t i;

	memset(&cat, 0, sizeof cat);
	memset(&set, 0, sizeof set);
	memset(&d, 0, sizeof d);
	if ((err = pt_db_catalogs_load(r->db, &cat, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	err = pt_assessments_read_csv(r->body ? r->body : "", r->body_len, &cat.threats, &set, &d);
	if (err != PT_OK) {
		pt_reply_diag(r, err == PT_ELIMIT ? PT_EINVAL : err, &d);
		goto out;
	}
	for (i = 0; i < set.n; i++) {
		const char *id = row_site(&set, i);
		struct pt_site s;
		struct pt_diag gd;
		memset(&gd, 0, sizeof gd);
		if (i > 0 && strcmp(id, row_site(&set, i - 1)) == 0)
			continue; /* rows of one site follow each other: checked already */
		err = pt_db_site_get(r->db, id, &s, &gd);
		/* A site the caller may not see is answered as one that does not exist. */
		if (err == PT_ENOTFOUND || (err == PT_OK && !pt_api_can_read(r, &s))) {
			pt_reply_error(r, 400, "site_id", set.lines[i], "line %ld: site_id: unknown site '%s'",
				       set.lines[i], id);
			goto out;
		}
		if (err != PT_OK) {
			pt_reply_diag(r, err, &gd);
			goto out;
		}
		if (!pt_api_can_write(r, &s)) {
			pt_reply_error(r, 403, "site_id", set.lines[i],
				       "line %ld: site_id: your role or organisation may not change the "
				       "assessments of site %s",
				       set.lines[i], id);
			goto out;
		}
	}
	w.r = r;
	w.d = &d;
	w.set = &set;
	if ((err = pt_db_transaction(r->db, write_rows, &w, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	pt_reply_json(r, 200, json_pack("{s:s,s:I}", "method", pt_method_name(set.method), "rows",
					(json_int_t)set.n));
out:
	pt_assessment_set_free(&set);
	catalogs_free(&cat);
}
