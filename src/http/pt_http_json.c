/* pt_http_json.c - the list page of the API: limit and offset in, and the shape
 * every list answers: {"items", "next_offset", "total"}. */
#include <string.h>

#include "pt_http_api.h"

void pt_api_page(const struct pt_req *r, size_t *limit, size_t *offset)
{
	const struct pt_qval *l = pt_req_query(r, "limit"), *o = pt_req_query(r, "offset");
	*limit = l && l->set ? (size_t)l->num : PT_LIST_LIMIT_DEFAULT;
	*offset = o && o->set ? (size_t)o->num : 0;
}

json_t *pt_api_list(json_t *items, size_t offset, size_t shown, size_t total)
{
	json_t *o;
	if (!items)
		return NULL;
	o = json_object();
	if (!o) {
		json_decref(items);
		return NULL;
	}
	if (json_object_set_new(o, "items", items) ||
	    json_object_set_new(o, "next_offset", offset + shown < total
							  ? json_integer((json_int_t)(offset + shown))
							  : json_null()) ||
	    json_object_set_new(o, "total", json_integer((json_int_t)total))) {
		json_decref(o);
		return NULL;
	}
	return o;
}
