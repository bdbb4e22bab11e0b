/* pt_http_attachments.c - the attachments of a site or survey over HTTP (issue 16
 * item 3): upload a raw JPEG, PNG or PDF body, list, download, delete. */
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_attachments.h"
#include "../core/pt_marking.h"
#include "../formats/pt_attachment.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_marking_io.h"
#include "pt_http_api.h"
#include "pt_http_int.h"

#define ID_MAX ((1ULL << 53) - 1)

/* A download may not run anything in the browser, whatever a file turns out to hold. */
#define DOWNLOAD_CSP "sandbox; default-src 'none'; frame-ancestors 'none'"

/* The path's {id} as an attachment id; 0 (after replying 404) when it cannot be one. */
static long long path_id_or_reply(struct pt_req *r)
{
	unsigned long long id;
	if (!pt_parse_uint_strict(r->param[0], 1, ID_MAX, &id)) {
		pt_reply_not_found(r);
		return 0;
	}
	return (long long)id;
}

/* Reply to a failed upload: a file that is no JPEG, PNG or PDF, or not what it was sent as: 415. */
static void reply_upload_error(struct pt_req *r, enum pt_err err, const struct pt_diag *d)
{
	if (err == PT_EINVAL &&
	    (strcmp(d->field, "type") == 0 || strcmp(d->field, "Content-Type") == 0)) {
		pt_reply_error(r, 415, d->field, 0, "%s", d->msg);
		return;
	}
	if (err == PT_ELIMIT) {
		pt_reply_error(r, 413, d->field[0] ? d->field : NULL, 0, "%s", d->msg);
		return;
	}
	pt_reply_diag(r, err, d); /* 404 unreadable site (as a missing one), 403, 400 */
}

void pt_h_attachment_upload(struct pt_req *r)
{
	const struct pt_qval *name = pt_req_query(r, "name"), *caption = pt_req_query(r, "caption"),
			     *survey = pt_req_query(r, "survey"), *people = pt_req_query(r, "people");
	struct pt_attach_upload in;
	struct pt_attachment a;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_tlp label = PT_TLP_AMBER;
	enum pt_err err;
	char where[64];

	memset(&in, 0, sizeof in);
	pt_api_caller(r, &c);
	in.site_id = r->param[0];
	in.name = name && name->set ? name->str : NULL;
	in.caption = caption && caption->set ? caption->str : NULL;
	in.survey_id = survey && survey->set ? (long long)survey->num : 0;
	in.shows_people = people && people->set && people->num == 1;
	in.declared = pt_attach_type_of_mime(pt_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE));
	in.data = (const unsigned char *)r->body;
	in.len = r->body ? r->body_len : 0;
	if ((err = pt_app_attachment_add(&c, r->db, &in, &a, &label, &d)) != PT_OK) {
		reply_upload_error(r, err, &d);
		return;
	}
	snprintf(where, sizeof where, "/api/v1/attachments/%lld", a.id);
	pt_reply_header(r, "Location", where);
	pt_reply_json(r, 201, pt_attachment_json(&a, label));
}

void pt_h_attachments_list(struct pt_req *r)
{
	const struct pt_qval *survey = pt_req_query(r, "survey");
	struct pt_app_attachment_list l;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	json_t *items = NULL, *root = NULL;
	size_t i;

	pt_api_caller(r, &c);
	err = pt_app_attachments_list(&c, r->db, r->param[0],
				      survey && survey->set ? (long long)survey->num : 0, &l, &d);
	if (err != PT_OK) {
		if (err == PT_ENOMEM || err == PT_EDB || err == PT_EBUSY || err == PT_EIO)
			pt_reply_unaudited(r, err, &d);
		else
			pt_reply_diag(r, err, &d); /* 404 for a site whose attachments c may not read */
		return;
	}
	items = json_array();
	for (i = 0; items && i < l.n; i++)
		if (json_array_append_new(items, pt_attachment_json(&l.items[i], l.label))) {
			json_decref(items);
			items = NULL;
		}
	if (items)
		root = json_pack("{s:s,s:s,s:b,s:o}", "site_id", r->param[0], "label",
				 pt_marking_label(l.label), "can_write", l.can_write, "items", items);
	if (root && survey && survey->set)
		json_object_set_new(root, "survey_id", json_integer((json_int_t)survey->num));
	pt_reply_json(r, root ? 200 : 500, root ? pt_marking_json(root, l.marking) : NULL);
	pt_app_attachment_list_clear(&l);
}

void pt_h_attachment_get(struct pt_req *r)
{
	struct MHD_Response *resp;
	struct pt_attachment a;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	unsigned char *data = NULL;
	enum pt_tlp label = PT_TLP_AMBER;
	enum pt_err err;
	char disposition[512];
	long long id;

	if (!(id = path_id_or_reply(r)))
		return;
	pt_api_caller(r, &c);
	if ((err = pt_app_attachment_get(&c, r->db, id, &a, &data, &label, &d)) != PT_OK) {
		if (err == PT_ENOTFOUND)
			pt_reply_not_found(r);
		else
			pt_reply_unaudited(r, err, &d);
		return;
	}
	resp = MHD_create_response_from_buffer(a.size, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		pt_reply_json(r, 500, NULL);
		return;
	}
	pt_attach_disposition(a.name, disposition, sizeof disposition);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, pt_attach_mime(a.type));
	MHD_add_response_header(resp, "Content-Disposition", disposition);
	MHD_add_response_header(resp, "Content-Security-Policy", DOWNLOAD_CSP);
	MHD_add_response_header(resp, "X-TLP", pt_marking_label(label));
	MHD_add_response_header(resp, "X-Content-SHA256", a.sha256);
	json_decref(r->reply);
	r->reply = NULL;
	r->cause = NULL;
	if (r->raw)
		MHD_destroy_response(r->raw);
	r->raw = resp;
	r->status = 200;
}

void pt_h_attachment_delete(struct pt_req *r)
{
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	long long id;

	if (!(id = path_id_or_reply(r)))
		return;
	pt_api_caller(r, &c);
	if ((err = pt_app_attachment_delete(&c, r->db, id, &d)) == PT_ENOTFOUND) {
		pt_reply_not_found(r); /* hidden or missing: one answer */
		return;
	}
	if (err != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "deleted", 1));
}
