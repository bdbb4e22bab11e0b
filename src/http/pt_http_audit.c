/* pt_http_audit.c - GET /api/v1/audit: a page of the audit log as the
 * caller may see it (src/app/pt_app_audit.c), each entry by the one JSON writer. */
#include <string.h>

#include "../app/pt_app_audit.h"
#include "../formats/pt_audit_io.h"
#include "../formats/pt_diag.h"
#include "pt_http_api.h"

void pt_h_audit_list(struct pt_req *r)
{
	struct pt_audit_page page;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	size_t limit, offset, i;
	json_t *items;
	memset(&d, 0, sizeof d);
	pt_api_caller(r, &c);
	pt_api_page(r, &limit, &offset);
	if ((err = pt_app_audit_list(&c, r->db, limit, offset, &page, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	for (i = 0; items && i < page.n; i++)
		json_array_append_new(items, pt_audit_entry_json(&page.items[i], page.withheld[i]));
	pt_reply_json(r, 200, pt_api_list(items, offset, page.n, page.total));
	pt_audit_page_clear(&page);
}
