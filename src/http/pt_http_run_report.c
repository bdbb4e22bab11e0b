/* pt_http_run_report.c - the after-action report of an exercise run (issue
 * 15): GET /api/v1/runs/ID/report?format=html|csv (the HTML's simulated
 * outcome computed on the compute pool), and the improvement plan turned into
 * work on the registry: POST /api/v1/runs/ID/improvements/ITEM/measure and
 * .../register, and an item's status: .../status (docs/api.md, "After-action report"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_exercise_report.h"
#include "../formats/pt_exercise_report_io.h"
#include "pt_http_api.h"

#define RUN_REPORT_CSP                                                                      \
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
	"form-action 'none'; frame-ancestors 'none'"

/* A positive id in path parameter i, or 0 (then the reply is a 404). */
static long long path_id(const struct pt_req *r, int i)
{
	unsigned long long v = 0;
	if (!pt_parse_uint_strict(r->param[i], 1, (1ULL << 53) - 1, &v))
		return 0;
	return (long long)v;
}

static void reply_text(struct pt_req *r, char *buf, size_t len, const char *type, int csp)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(buf);
		pt_reply_json(r, 500, NULL);
		return;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (csp)
		MHD_add_response_header(resp, "Content-Security-Policy", RUN_REPORT_CSP);
	if (r->raw)
		MHD_destroy_response(r->raw);
	json_decref(r->reply);
	r->reply = NULL;
	r->raw = resp;
	r->status = 200;
}

void pt_h_run_report(struct pt_req *r)
{
	const struct pt_qval *q = pt_req_query(r, "format");
	struct pt_app_run_report *rep = NULL;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	long long id = path_id(r, 0);
	int html = !(q && q->set && q->str && strcmp(q->str, "csv") == 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	pt_http_run_refusals_mark(r); /* attack review 6, round 2; N3, round 3 */
	if (!id) {
		pt_reply_not_found(r);
		return;
	}
	/* the HTML's outcome: 2 x 1,000 replications on the compute pool */
	if (html && pt_work_defer(r, NULL, 1))
		return;
	pt_api_caller(r, &c);
	err = html ? pt_app_run_report(&c, r->db, id, 1, &rep, &d)
		   : pt_app_run_report_prepare(&c, r->db, id, &rep, &d);
	if (err != PT_OK) {
		if (err == PT_ENOTFOUND || err == PT_EFORBIDDEN)
			pt_http_run_refused(r);
		pt_reply_diag(r, err, &d);
		return;
	}
	if (!(f = open_memstream(&buf, &len))) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	err = html ? pt_ex_report_html(f, rep->doc) : pt_ex_report_csv(f, rep->doc);
	if (fclose(f) != 0 && err == PT_OK)
		err = PT_EIO;
	if (err != PT_OK) {
		free(buf);
		pt_reply_diag(r, err, NULL);
		goto out;
	}
	reply_text(r, buf, len, html ? "text/html; charset=utf-8" : "text/csv; charset=utf-8", html);
out:
	pt_app_run_report_free(rep);
}

/* POST .../improvements/ITEM/measure {"site_id", "measure_id"} and .../register {"site_id", "threat_id"}. */
static void improvement_link(struct pt_req *r, int measure)
{
	const char *site = NULL, *other = NULL;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	long long id = path_id(r, 0), item = path_id(r, 1);
	json_t *v;

	if (!id || !item) {
		pt_reply_not_found(r);
		return;
	}
	if ((v = json_object_get(r->json, "site_id")))
		site = json_string_value(v);
	if ((v = json_object_get(r->json, measure ? "measure_id" : "threat_id")))
		other = json_string_value(v);
	if (!measure && !!site != !!other) {
		pt_reply_error(r, 400, site ? "threat_id" : "site_id", 0,
			       "give site_id and threat_id together, or neither (the item's own "
			       "register risk)");
		return;
	}
	pt_api_caller(r, &c);
	err = measure ? pt_app_run_improvement_measure(&c, r->db, id, item, site, other, &d)
		      : pt_app_run_improvement_register(&c, r->db, id, item, site, other, &d);
	if (err == PT_ENOTFOUND && (!strcmp(d.field, "run") || !strcmp(d.field, "item"))) {
		pt_reply_not_found(r); /* missing and unreadable alike */
		return;
	}
	if (err == PT_ENOTFOUND) { /* a site, measure or threat named in the body */
		pt_reply_error(r, 400, !strcmp(d.field, "site") ? "site_id"
				       : measure		 ? "measure_id"
							 : "threat_id",
			       0, "%s", d.msg);
		return;
	}
	if (err != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, 201,
		      json_pack("{s:I,s:I,s:s,s:s?,s:s?}", "run", (json_int_t)id, "item",
				(json_int_t)item, "kind", measure ? "measure" : "register", "site_id",
				site, measure ? "measure_id" : "threat_id", other));
}

void pt_h_run_improvement_measure(struct pt_req *r)
{
	improvement_link(r, 1);
}

void pt_h_run_improvement_register(struct pt_req *r)
{
	improvement_link(r, 0);
}

/* POST .../improvements/ITEM/status {"status"} (the route checked its value). */
void pt_h_run_improvement_status(struct pt_req *r)
{
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	long long id = path_id(r, 0), item = path_id(r, 1);
	const char *status = json_string_value(json_object_get(r->json, "status"));
	if (!id || !item) {
		pt_reply_not_found(r);
		return;
	}
	pt_api_caller(r, &c);
	err = pt_app_run_improvement_status(&c, r->db, id, item, status, &d);
	if (err != PT_OK) {
		pt_reply_diag(r, err, &d); /* run or item hidden or missing: 404 alike */
		return;
	}
	pt_reply_json(r, 200, json_pack("{s:I,s:I,s:s}", "run", (json_int_t)id, "item",
					(json_int_t)item, "status", status));
}
