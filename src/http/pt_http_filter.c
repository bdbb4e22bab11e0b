/* pt_http_filter.c - issue 16 item 5: the filter parameters of a request (sector, region,
 * kind, owner, band, tlp; decoded by the server's query walk) as a struct pt_site_filter. */
#include <stdlib.h>
#include <string.h>

#include "../core/pt_site_filter.h"
#include "../formats/pt_filter_io.h"
#include "pt_http_api.h"

int pt_api_filter_or_reply(struct pt_req *r, struct pt_site_filter *f)
{
	size_t field, i;
	for (field = 0; field < PT_FILTER_FIELDS; field++) {
		const char *name = pt_filter_field_name((enum pt_filter_field)field);
		const struct pt_qval *q = pt_req_query(r, name);
		const char *v;
		if (!q || !q->set)
			continue;
		for (i = 0, v = q->list; v && i < q->n_list; i++, v += strlen(v) + 1) {
			enum pt_err err = pt_site_filter_add(f, (enum pt_filter_field)field, v);
			if (err == PT_ENOMEM) {
				pt_reply_json(r, 500, NULL);
				return 1;
			}
			if (err != PT_OK) {
				pt_reply_error(r, 400, name, 0, "%s: \"%s\" is not a value it takes",
					       name, v);
				return 1;
			}
		}
	}
	return 0;
}

char *pt_api_filter_prefix(const struct pt_req *r, const char *prefix,
			   const struct pt_site_filter *f)
{
	struct pt_caller c;
	size_t size = strlen(prefix) + 1, i, j;
	char *out;
	for (i = 0; i < PT_FILTER_FIELDS; i++)
		for (j = 0; j < f->n[i]; j++)
			size += strlen(f->values[i][j]) + 32;
	if (!(out = malloc(size)))
		return NULL;
	memcpy(out, prefix, strlen(prefix) + 1);
	pt_api_caller(r, &c);
	if (pt_site_filter_key(f, c.who.org_id, out, size) != PT_OK) {
		free(out);
		return NULL;
	}
	return out;
}
