/* pt_http_withheld.c - GET /api/v1/withheld (issue 16, item 8): what a government coordinator
 * may know of the sites it may not read, for a national plan to say what it leaves out. */
#include <string.h>

#include "../app/pt_app_withheld.h"
#include "../core/pt_disclosure.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_withheld_json.h"
#include "pt_http_api.h"

static json_t *cells_json(const struct pt_withheld_cell *cells, size_t n)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < n; i++) {
		struct pt_withheld_json_cell c = {cells[i].id, cells[i].name, cells[i].count,
						  cells[i].suppressed};
		if (json_array_append_new(a, pt_json_withheld_cell(&c, PT_DISCLOSURE_MIN))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

void pt_h_withheld(struct pt_req *r)
{
	const struct pt_qval *m = pt_req_query(r, "method");
	enum pt_method method = PT_METHOD_FEMA;
	struct pt_withheld_totals t;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	json_t *sectors, *bands, *body;

	memset(&d, 0, sizeof d);
	if (m && m->set && (pt_method_parse(m->str, &method) != PT_OK || method == PT_METHOD_CARVER)) {
		pt_reply_error(r, 400, "method", 0, "method: must be fema or quant");
		return;
	}
	pt_api_caller(r, &c);
	if ((err = pt_app_withheld_totals(&c, r->db, method, &t, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	sectors = cells_json(t.sectors, t.n_sectors);
	bands = cells_json(t.bands, PT_WITHHELD_BANDS);
	body = sectors && bands
		       ? json_pack("{s:s, s:I, s:o, s:o, s:i}", "method", pt_method_name(t.method),
				   "total", (json_int_t)t.total, "by_sector", sectors, "by_band",
				   bands, "fewer_than", PT_DISCLOSURE_MIN)
		       : NULL;
	pt_withheld_totals_clear(&t);
	if (!body) {
		if (!sectors || !bands) {
			json_decref(sectors);
			json_decref(bands);
		}
		pt_reply_diag(r, PT_ENOMEM, NULL);
		return;
	}
	pt_reply_json(r, 200, body);
}
