/* pt_http_filter.c - issue 16 item 5: the filter parameters of a request (sector, region,
 * kind, owner, band, tlp; decoded by the server's query walk) as a struct pt_site_filter. */
#include <stdio.h>
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

int pt_api_wants_csv(const struct pt_req *r)
{
	const struct pt_qval *q = pt_req_query(r, "format");
	return q && q->set && q->str && strcmp(q->str, "csv") == 0;
}

void pt_api_csv_page(const struct pt_req *r, size_t *limit, size_t *offset)
{
	const struct pt_qval *l = pt_req_query(r, "limit");
	pt_api_page(r, limit, offset);
	if (!l || !l->set)
		*limit = (size_t)-1;
}

void pt_api_reply_csv(struct pt_req *r, char *buf, size_t len, const char *filename)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	char disposition[128];
	if (!resp) {
		free(buf);
		pt_reply_json(r, 500, NULL);
		return;
	}
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/csv; charset=utf-8");
	MHD_add_response_header(resp, "Content-Disposition", disposition);
	if (r->raw)
		MHD_destroy_response(r->raw);
	json_decref(r->reply);
	r->reply = NULL;
	r->raw = resp;
	r->status = 200;
}
