/* pt_filter_io.c - issue 16 item 5: the filter an answer applied, echoed as JSON, and the
 * text that keys an answer of it in the server's cache. */
#include "pt_filter_io.h"

#include <stdio.h>
#include <string.h>

json_t *pt_site_filter_json(const struct pt_site_filter *f)
{
	json_t *o = json_object(), *a;
	size_t i, j;
	if (!o || !f)
		return o;
	for (i = 0; i < PT_FILTER_FIELDS; i++) {
		if (!f->n[i])
			continue;
		if (!(a = json_array()) ||
		    json_object_set_new(o, pt_filter_field_name((enum pt_filter_field)i), a))
			goto fail;
		for (j = 0; j < f->n[i]; j++)
			if (json_array_append_new(a, json_string(f->values[i][j])))
				goto fail;
	}
	if (f->n[PT_FILTER_OWNER] && f->owner_ids[0] > 0) {
		if (!(a = json_array()) || json_object_set_new(o, "owner_ids", a))
			goto fail;
		for (j = 0; j < f->n[PT_FILTER_OWNER]; j++)
			if (json_array_append_new(a, json_integer(f->owner_ids[j])))
				goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

enum pt_err pt_site_filter_key(const struct pt_site_filter *f, long long mine_org, char *buf,
			       size_t size)
{
	size_t used = strlen(buf), i, j;
	int n;
	for (i = 0; f && i < PT_FILTER_FIELDS; i++)
		for (j = 0; j < f->n[i]; j++) {
			/* the unit separator cannot be in a value (no control characters) */
			n = snprintf(buf + used, size - used, "\x1f%s=%s",
				     pt_filter_field_name((enum pt_filter_field)i), f->values[i][j]);
			if (n < 0 || (size_t)n >= size - used)
				return PT_ELIMIT;
			used += (size_t)n;
			if (i == PT_FILTER_OWNER && strcmp(f->values[i][j], PT_FILTER_OWNER_MINE) == 0) {
				n = snprintf(buf + used, size - used, "(%lld)", mine_org);
				if (n < 0 || (size_t)n >= size - used)
					return PT_ELIMIT;
				used += (size_t)n;
			}
		}
	return PT_OK;
}
