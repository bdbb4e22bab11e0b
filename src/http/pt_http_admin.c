/* pt_http_admin.c - organisations and users over HTTP: the body parsed,
 * src/app's use case called, its answer rendered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_users.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_people_json.h"
#include "pt_http_api.h"

/* ---- organisations ---- */

void pt_h_orgs_list(struct pt_req *r)
{
	struct pt_org_list orgs;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	size_t i, limit, offset, shown = 0;
	json_t *items;
	memset(&d, 0, sizeof d);
	pt_api_page(r, &limit, &offset);
	pt_api_caller(r, &c);
	if ((err = pt_app_orgs_list(&c, r->db, &orgs, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	for (i = offset; items && i < orgs.n && shown < limit; i++, shown++) {
		json_t *o = pt_json_org(&orgs.items[i].org, orgs.items[i].partners,
					orgs.items[i].n_partners);
		if (!o) {
			json_decref(items);
			pt_org_list_clear(&orgs);
			pt_reply_diag(r, PT_ENOMEM, NULL);
			return;
		}
		json_array_append_new(items, o);
	}
	pt_reply_json(r, 200, pt_api_list(items, offset, shown, orgs.n));
	pt_org_list_clear(&orgs);
}

/* The edit the body asks for; partner ids into *ids (caller frees). 0, or nonzero when out of memory. */
static int org_edit(const json_t *body, struct pt_org_edit *e, enum pt_org_type *type,
		    long long **ids)
{
	const char *type_text = json_string_value(json_object_get(body, "type"));
	json_t *a = json_object_get(body, "partners"), *v;
	size_t i;
	memset(e, 0, sizeof *e);
	*ids = NULL;
	e->name = json_string_value(json_object_get(body, "name"));
	if (type_text && pt_org_type_parse(type_text, type) == PT_OK)
		e->type = type;
	e->set_partners = a != NULL;
	if (a && json_array_size(a)) {
		if (!(*ids = malloc(json_array_size(a) * sizeof **ids)))
			return 1;
		json_array_foreach(a, i, v)
			(*ids)[i] = (long long)json_integer_value(v);
		e->n_partners = json_array_size(a);
	}
	e->partners = *ids;
	return 0;
}

static void reply_org(struct pt_req *r, const struct pt_caller *c, unsigned status, long long id)
{
	struct pt_org_entry o;
	struct pt_diag d;
	enum pt_err err;
	json_t *obj;
	memset(&d, 0, sizeof d);
	if ((err = pt_app_org_get(c, r->db, id, &o, &d)) != PT_OK) {
		pt_org_entry_clear(&o);
		pt_reply_diag(r, err, &d);
		return;
	}
	obj = pt_json_org(&o.org, o.partners, o.n_partners);
	pt_org_entry_clear(&o);
	if (!obj) {
		pt_reply_diag(r, PT_ENOMEM, NULL);
		return;
	}
	pt_reply_json(r, status, obj);
}

void pt_h_org_post(struct pt_req *r)
{
	struct pt_org_edit e;
	enum pt_org_type type = PT_ORG_OPERATOR;
	long long *ids = NULL, id = 0;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_api_caller(r, &c);
	if (org_edit(r->json, &e, &type, &ids)) {
		pt_reply_diag(r, PT_ENOMEM, NULL);
		return;
	}
	err = pt_app_org_create(&c, r->db, &e, &id, &d);
	free(ids);
	if (err != PT_OK) {
		pt_reply_diag(r, err == PT_ECONFLICT ? PT_EINVAL : err, &d);
		return;
	}
	reply_org(r, &c, 201, id);
}

void pt_h_org_patch(struct pt_req *r)
{
	unsigned long long id;
	struct pt_org_edit e;
	enum pt_org_type type = PT_ORG_OPERATOR;
	long long *ids = NULL;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	if (!pt_parse_uint_strict(r->param[0], 1, 9007199254740991ULL, &id)) {
		pt_reply_not_found(r);
		return;
	}
	pt_api_caller(r, &c);
	if (org_edit(r->json, &e, &type, &ids)) {
		pt_reply_diag(r, PT_ENOMEM, NULL);
		return;
	}
	err = pt_app_org_update(&c, r->db, (long long)id, &e, &d);
	free(ids);
	if (err != PT_OK) {
		pt_reply_diag(r, err == PT_ECONFLICT ? PT_EINVAL : err, &d);
		return;
	}
	reply_org(r, &c, 200, (long long)id);
}

/* ---- users ---- */

void pt_h_users_list(struct pt_req *r)
{
	struct pt_user_list users;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	size_t i, limit, offset, shown = 0;
	json_t *items;
	memset(&d, 0, sizeof d);
	pt_api_page(r, &limit, &offset);
	pt_api_caller(r, &c);
	if ((err = pt_app_users_list(&c, r->db, 0, &users, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	for (i = offset; items && i < users.n && shown < limit; i++, shown++)
		json_array_append_new(items, pt_json_user(&users.items[i]));
	pt_reply_json(r, 200, pt_api_list(items, offset, shown, users.n));
	pt_user_list_clear(&users);
}

void pt_h_user_post(struct pt_req *r)
{
	struct pt_user_new in;
	struct pt_user u;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	in.name = json_string_value(json_object_get(r->json, "name"));
	in.password = json_string_value(json_object_get(r->json, "password"));
	in.org_id = (long long)json_integer_value(json_object_get(r->json, "organisation_id"));
	in.role = PT_ROLE_VIEWER;
	pt_role_parse(json_string_value(json_object_get(r->json, "role")), &in.role);
	pt_api_caller(r, &c);
	err = pt_app_user_create(&c, r->db, &in, &u, &d);
	if (err != PT_OK) {
		pt_reply_diag(r, err == PT_ECONFLICT ? PT_EINVAL : err, &d);
		return;
	}
	pt_reply_json(r, 201, pt_json_user(&u));
}

/* "2026-01-02T03:04:05Z" for unix seconds t into buf. */
static void iso_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	buf[0] = '\0';
	if (gmtime_r(&tt, &tm))
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void pt_h_user_patch(struct pt_req *r)
{
	const char *role_text = json_string_value(json_object_get(r->json, "role"));
	struct pt_user_change_result res;
	struct pt_user_change ch;
	enum pt_role role;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	json_t *body;
	memset(&d, 0, sizeof d);
	ch.role = role_text && pt_role_parse(role_text, &role) == PT_OK ? &role : NULL;
	ch.password = json_string_value(json_object_get(r->json, "password"));
	pt_api_caller(r, &c);
	err = pt_app_user_update(&c, r->db, r->param[0], &ch, &res, &d);
	if (err != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	body = pt_json_user(&res.user);
	if (body && res.reset_pending) {
		char requested[32], expires[32];
		iso_time(res.reset.requested, requested, sizeof requested);
		iso_time(res.reset.expires, expires, sizeof expires);
		json_object_set_new(body, "password_reset",
				    json_pack("{s:s,s:s,s:s,s:s}", "status", "pending", "requested_by",
					      res.reset.requested_by, "requested", requested,
					      "expires", expires));
	}
	pt_reply_json(r, res.reset_pending ? 202 : 200, body);
}

void pt_h_password_reset_approve(struct pt_req *r)
{
	struct pt_user u;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_api_caller(r, &c);
	err = pt_app_password_reset_approve(&c, r->db, r->param[0], &u, &d);
	if (err != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, 200, pt_json_user(&u));
}
