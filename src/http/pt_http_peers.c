/* pt_http_peers.c - a site against its sector and what a measure would change (issue 16,
 * item 7): GET /api/v1/sites/{id}/peers and /what-if. */
#include <string.h>

#include "../app/pt_app_peers.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_peers_json.h"
#include "pt_http_api.h"

/* The method query parameter (default fema); 0, or nonzero after a 400. */
static int method_of(struct pt_req *r, int allow_carver, enum pt_method *m)
{
	const struct pt_qval *q = pt_req_query(r, "method");
	*m = PT_METHOD_FEMA;
	if (q && q->set &&
	    (pt_method_parse(q->str, m) != PT_OK || (!allow_carver && *m == PT_METHOD_CARVER))) {
		pt_reply_error(r, 400, "method", 0, "method: must be %s",
			       allow_carver ? "fema, carver or quant" : "fema or quant");
		return 1;
	}
	return 0;
}

void pt_h_site_peers(struct pt_req *r)
{
	struct pt_peer_view v;
	enum pt_method m;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	json_t *o;
	memset(&d, 0, sizeof d);
	if (method_of(r, 1, &m))
		return;
	pt_api_caller(r, &c);
	if ((err = pt_app_site_peers(&c, r->db, r->param[0], m, &v, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	o = pt_json_peer_view(&v);
	pt_peer_view_clear(&v);
	if (!o) {
		pt_reply_diag(r, PT_ENOMEM, NULL);
		return;
	}
	pt_reply_json(r, 200, o);
}

void pt_h_site_what_if(struct pt_req *r)
{
	const struct pt_qval *measure = pt_req_query(r, "measure");
	struct pt_what_if w;
	enum pt_method m;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	json_t *o;
	memset(&d, 0, sizeof d);
	if (method_of(r, 0, &m))
		return;
	if (!measure || !measure->set) {
		pt_reply_error(r, 400, "measure", 0, "measure: required (a measure id of the catalogue)");
		return;
	}
	pt_api_caller(r, &c);
	if ((err = pt_app_site_what_if(&c, r->db, r->param[0], measure->str, m, &w, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	if (!(o = pt_json_what_if(&w))) {
		pt_reply_diag(r, PT_ENOMEM, NULL);
		return;
	}
	pt_reply_json(r, 200, o);
}
