/* pt_http_history.c - the history routes (issue 16 item 6): /api/v1/snapshots (list, take,
 * show, delete) and /api/v1/compare; parse, call src/app/pt_app_history, render with
 * src/formats/pt_history_io. */
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_history.h"
#include "../formats/pt_history_io.h"
#include "pt_http_api.h"
#include "pt_http_int.h"
#include "pt_http_valid.h"

/* The snapshot id of the path, or 0 after answering 404 (not a whole number from 1). */
static long long path_id(struct pt_req *r)
{
	unsigned long long id;
	if (!pt_parse_uint_strict(r->param[0], 1, 1000000000ULL, &id)) {
		pt_reply_not_found(r);
		return 0;
	}
	return (long long)id;
}

/* The method query parameter (fema or quant; the route declared the choices), else dflt. */
static enum pt_method query_method(struct pt_req *r, enum pt_method dflt)
{
	const struct pt_qval *q = pt_req_query(r, "method");
	enum pt_method m = dflt;
	if (q && q->set)
		pt_method_parse(q->str, &m);
	return m;
}

void pt_h_snapshots_list(struct pt_req *r)
{
	struct pt_hist_meta *list = NULL;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	size_t n = 0, limit, offset, i;
	enum pt_err err;
	json_t *items;
	pt_api_page(r, &limit, &offset);
	pt_api_caller(r, &c);
	if ((err = pt_app_snapshots_list(&c, r->db, &list, &n, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	for (i = offset; items && i < n && i - offset < limit; i++) {
		json_t *o = pt_hist_meta_json(&list[i]);
		if (o && json_object_set_new(o, "can_delete",
					     json_boolean(pt_access_snapshot_delete(&c.who) ==
							  PT_ACCESS_OK))) {
			json_decref(o);
			o = NULL;
		}
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	free(list);
	if (!items) {
		pt_reply_json(r, 500, NULL);
		return;
	}
	{
		json_t *body = pt_api_list(items, offset, json_array_size(items), n);
		if (body)
			json_object_set_new(body, "can_take",
					    json_boolean(pt_access_snapshot_take(&c.who) ==
							 PT_ACCESS_OK));
		pt_reply_json(r, 200, body);
	}
}

void pt_h_snapshot_post(struct pt_req *r)
{
	struct pt_hist_meta m;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	const char *name = json_string_value(json_object_get(r->json, "name"));
	const char *method = json_string_value(json_object_get(r->json, "method"));
	enum pt_method me = PT_METHOD_QUANT;
	if (method)
		pt_method_parse(method, &me); /* the route's enum checked it */
	pt_api_caller(r, &c);
	if ((err = pt_app_snapshot_take(&c, r->db, name, me, &m, &d)) != PT_OK) {
		if (err == PT_ECONFLICT)
			pt_reply_error(r, 400, "name", 0, "name: a snapshot named %s exists already",
				       name);
		else
			pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, 201, pt_hist_meta_json(&m));
}

void pt_h_snapshot_get(struct pt_req *r)
{
	struct pt_hist_view v;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	long long id = path_id(r);
	if (!id)
		return;
	pt_api_caller(r, &c);
	if ((err = pt_app_snapshot_show(&c, r->db, id, query_method(r, PT_METHOD_CARVER), &v,
					&d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, 200, pt_hist_view_json(&v));
	pt_hist_view_clear(&v);
}

void pt_h_snapshot_delete(struct pt_req *r)
{
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	long long id = path_id(r);
	if (!id)
		return;
	pt_api_caller(r, &c);
	if ((err = pt_app_snapshot_delete(&c, r->db, id, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "deleted", 1));
}

void pt_h_compare(struct pt_req *r)
{
	const struct pt_qval *from = pt_req_query(r, "from"), *to = pt_req_query(r, "to"),
			     *level = pt_req_query(r, "threat_level");
	struct pt_hist_compare_opts o;
	struct pt_hist_view v;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	unsigned long long to_id = 0;
	enum pt_err err;

	memset(&o, 0, sizeof o);
	if (!from || !from->set) {
		pt_reply_error(r, 400, "from", 0, "from: a snapshot id is required");
		return;
	}
	if (to && to->set && strcmp(to->str, "now") != 0 &&
	    !pt_parse_uint_strict(to->str, 1, 1000000000ULL, &to_id)) {
		pt_reply_error(r, 400, "to", 0, "to: a snapshot id or now");
		return;
	}
	o.method = query_method(r, PT_METHOD_QUANT);
	o.basis = PT_HIST_BASIS_LATER;
	if (level && level->set && strcmp(level->str, "own") == 0)
		o.basis = PT_HIST_BASIS_OWN;
	else if (level && level->set && strcmp(level->str, "later") != 0) {
		pt_threat_level_parse(level->str, &o.level); /* the route's enum checked it */
		o.basis = PT_HIST_BASIS_LEVEL;
	}
	pt_api_caller(r, &c);
	if ((err = pt_app_snapshot_compare(&c, r->db, (long long)from->num, (long long)to_id, &o,
					   &v, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, 200, pt_hist_view_json(&v));
	pt_hist_view_clear(&v);
}
