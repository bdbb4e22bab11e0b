/* pt_withheld_json.c - one cell of the counts of withheld sites as JSON (jansson). */
#include "pt_withheld_json.h"

json_t *pt_json_withheld_cell(const struct pt_withheld_json_cell *c, int min)
{
	json_t *o = json_pack("{s:s, s:s}", "id", c->id, "name", c->name);
	if (!o)
		return NULL;
	if (c->suppressed ? json_object_set_new(o, "count", json_null()) ||
				    json_object_set_new(o, "fewer_than", json_integer(min))
			  : json_object_set_new(o, "count", json_integer((json_int_t)c->count))) {
		json_decref(o);
		return NULL;
	}
	return o;
}
