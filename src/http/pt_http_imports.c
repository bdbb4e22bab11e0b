/* pt_http_imports.c - uploads of sites (CSV or GeoJSON) and assessments
 * (CSV): parsed into src/app's one import, its answer rendered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_sites.h"
#include "../formats/pt_diag.h"
#include "pt_http_api.h"

#define WARNINGS_MAX 100 /* warnings returned (the count is exact) */

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

/* Nonzero when the request says its body is GeoJSON (Content-Type application/geo+json). */
static int sent_as_geojson(struct pt_req *r)
{
	const char *ctype = pt_req_header(r, "Content-Type");
	return ctype && strncasecmp(ctype, "application/geo+json", 20) == 0;
}

void pt_h_import_sites(struct pt_req *r)
{
	struct pt_sites_import in;
	struct pt_sites_import_result res;
	struct warnings warn;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;

	memset(&d, 0, sizeof d);
	warn.list = json_array();
	warn.count = 0;
	if (!warn.list) {
		pt_reply_json(r, 500, NULL);
		return;
	}
	d.warn_cb = collect_warning;
	d.warn_ctx = &warn;
	in.data = r->body ? r->body : "";
	in.len = r->body_len;
	in.cat = NULL;
	in.format = sent_as_geojson(r) ? PT_SITES_FORMAT_GEOJSON : PT_SITES_FORMAT_AUTO;
	pt_api_caller(r, &c);
	err = pt_app_sites_import(&c, r->db, &in, &res, &d);
	if (err == PT_ECONFLICT && (res.id_taken || res.raced))
		pt_reply_error(r, 409, d.field, d.line, "line %ld: %s: %s", d.line, d.field, d.msg);
	else if (err != PT_OK)
		pt_reply_diag(r, err == PT_ELIMIT ? PT_EINVAL : err, &d);
	else
		pt_reply_json(r, 200,
			      json_pack("{s:I,s:I,s:I,s:O}", "created", (json_int_t)res.created,
					"updated", (json_int_t)res.updated, "warning_count",
					(json_int_t)warn.count, "warnings", warn.list));
	json_decref(warn.list);
}

void pt_h_import_assessments(struct pt_req *r)
{
	struct pt_assessments_import in;
	struct pt_assessments_import_result res;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;

	memset(&d, 0, sizeof d);
	in.data = r->body ? r->body : "";
	in.len = r->body_len;
	in.cat = NULL;
	pt_api_caller(r, &c);
	err = pt_app_assessments_import(&c, r->db, &in, &res, &d);
	if (err != PT_OK) {
		pt_reply_diag(r, err == PT_ELIMIT ? PT_EINVAL : err, &d);
		return;
	}
	pt_reply_json(r, 200, json_pack("{s:s,s:I}", "method", pt_method_name(res.method), "rows",
					(json_int_t)res.rows));
}
