/* pt_http_states.c - the steps of a measure a saved plan proposed at a site
 * and withdrawing a saved plan over HTTP (issue 11, item 7; docs/api.md). */
#include <string.h>

#include "../app/pt_app_marking.h"
#include "../app/pt_app_measures.h"
#include "../formats/pt_marking_io.h"
#include "../formats/pt_measures_io.h"
#include "pt_http_api.h"

static void reply_row_marked(struct pt_req *r, const struct pt_caller *cp,
			     const struct pt_site_measure_row *rowp);

/* An error of a step or a withdrawal: 404, 403, 409 (wrong state), else as pt_reply_diag. */
static void reply_state_error(struct pt_req *r, enum pt_err err, const struct pt_diag *d)
{
	if (err == PT_ENOTFOUND)
		pt_reply_not_found(r);
	else if (err == PT_ECONFLICT)
		pt_reply_error(r, 409, d->field[0] ? d->field : NULL, 0, "%s",
			       d->msg[0] ? d->msg : "conflict");
	else
		pt_reply_diag(r, err, d);
}

void pt_h_site_measure_step(struct pt_req *r)
{
	struct pt_site_measure_row row;
	enum pt_measure_step step;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	const char *last = r->url ? strrchr(r->url, '/') : NULL; /* the route's last segment */
	if (!pt_valid_id(r->param[0]) || !pt_valid_id(r->param[1]) || !last ||
	    pt_measure_step_parse(last + 1, &step) != PT_OK) {
		pt_reply_not_found(r);
		return;
	}
	pt_api_caller(r, &c);
	{ /* issue 16, item 4: what the step records (the body, when sent) */
		struct pt_measure_step_input in;
		in.on_date = json_string_value(json_object_get(r->json, "on_date"));
		in.method = json_string_value(json_object_get(r->json, "method"));
		in.reverify_by = json_string_value(json_object_get(r->json, "reverify_by"));
		in.note = json_string_value(json_object_get(r->json, "note"));
		err = pt_app_site_measure_step(&c, r->db, r->param[0], r->param[1], step, &in, &row,
					       &d);
	}
	if (err != PT_OK) {
		reply_state_error(r, err, &d);
		return;
	}
	reply_row_marked(r, &c, &row);
}

/* issue 16, item 4: POST /api/v1/sites/{id}/measures/{measure}/commit */
void pt_h_site_measure_commit(struct pt_req *r)
{
	struct pt_site_measure_row row;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	if (!pt_valid_id(r->param[0]) || !pt_valid_id(r->param[1])) {
		pt_reply_not_found(r);
		return;
	}
	pt_api_caller(r, &c);
	err = pt_app_site_measure_commit(&c, r->db, r->param[0], r->param[1],
					 json_string_value(json_object_get(r->json, "note")), &row,
					 &d);
	if (err != PT_OK) {
		reply_state_error(r, err, &d);
		return;
	}
	reply_row_marked(r, &c, &row);
}

/* The row of a measure at a site, marked with its site's label. */
static void reply_row_marked(struct pt_req *r, const struct pt_caller *cp,
			     const struct pt_site_measure_row *rowp)
{
	struct pt_caller c = *cp;
	struct pt_site_measure_row row = *rowp;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	{ /* issue 11 review M2: the answer carries the site's measure: marked with its label */
		const char *site = row.site_id;
		enum pt_tlp tlp = PT_TLP_CLEAR;
		if ((err = pt_app_sites_marking(&c, r->db, &site, 1, &tlp, &d)) != PT_OK) {
			pt_reply_diag(r, err, &d);
			return;
		}
		pt_reply_json(r, 200,
			      pt_marking_json(pt_site_measure_to_json(&row, NULL,
								      PT_MEASURE_JSON_TEXT),
					      tlp));
	}
}

void pt_h_plan_withdraw(struct pt_req *r)
{
	struct pt_plan_withdrawal w;
	enum pt_tlp tlp = PT_TLP_CLEAR;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	if (!pt_valid_id(r->param[0])) {
		pt_reply_not_found(r);
		return;
	}
	pt_api_caller(r, &c);
	/* issue 11 review M2: the counts cover the plan's sites: marked with their highest
	 * label, read before the withdrawal removes the measures */
	if ((err = pt_app_plan_sites_marking(&c, r->db, r->param[0], &tlp, &d)) != PT_OK) {
		reply_state_error(r, err, &d);
		return;
	}
	if ((err = pt_app_plan_withdraw(&c, r->db, r->param[0], &w, &d)) != PT_OK) {
		reply_state_error(r, err, &d);
		return;
	}
	pt_reply_json(r, 200,
		      pt_marking_json(json_pack("{s:s,s:s,s:I,s:I}", "name", r->param[0], "state",
						"withdrawn", "removed", (json_int_t)w.removed,
						"kept", (json_int_t)w.kept),
				      tlp));
}
