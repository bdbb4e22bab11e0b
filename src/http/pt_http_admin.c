/* pt_http_admin.c - organisations and users over HTTP; every
 * permission asked of src/core/pt_access, every write audited by the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "../store/pt_users.h"
#include "pt_http_api.h"

/* ---- organisations ---- */

static json_t *org_json(struct pt_db *db, const struct pt_org *o, struct pt_diag *d,
			enum pt_err *err)
{
	long long *ids = NULL;
	size_t n = 0, i;
	json_t *partners, *obj;
	if ((*err = pt_db_org_partners(db, o->id, &ids, &n, d)) != PT_OK)
		return NULL;
	partners = json_array();
	for (i = 0; partners && i < n; i++)
		json_array_append_new(partners, json_integer(ids[i]));
	free(ids);
	obj = json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)o->id, "name", o->name, "type",
			pt_org_type_name(o->type), "partners", partners);
	if (!obj)
		*err = PT_ENOMEM;
	return obj;
}

void pt_h_orgs_list(struct pt_req *r)
{
	struct pt_org *orgs = NULL;
	struct pt_diag d;
	enum pt_err err;
	size_t n = 0, i, limit, offset, shown = 0;
	json_t *items;
	memset(&d, 0, sizeof d);
	pt_api_page(r, &limit, &offset);
	if ((err = pt_db_orgs_list(r->db, &orgs, &n, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	for (i = offset; items && i < n && shown < limit; i++, shown++) {
		json_t *o = org_json(r->db, &orgs[i], &d, &err);
		if (!o) {
			json_decref(items);
			free(orgs);
			pt_reply_diag(r, err, &d);
			return;
		}
		json_array_append_new(items, o);
	}
	free(orgs);
	pt_reply_json(r, 200, pt_api_list(items, offset, shown, n));
}

/* Partner ids of the body as an array (NULL with *n 0 when absent). */
static long long *partner_ids(const json_t *body, size_t *n, int *given)
{
	json_t *a = json_object_get(body, "partners"), *v;
	long long *ids;
	size_t i;
	*n = 0;
	*given = a != NULL;
	if (!a || !json_array_size(a))
		return NULL;
	ids = malloc(json_array_size(a) * sizeof *ids);
	if (!ids)
		return NULL;
	json_array_foreach(a, i, v)
		ids[i] = (long long)json_integer_value(v);
	*n = json_array_size(a);
	return ids;
}

struct org_write {
	const json_t *body;
	struct pt_diag *d;
	long long id; /* 0: create */
};

static enum pt_err write_org(struct pt_db *db, void *ctx)
{
	struct org_write *w = ctx;
	const char *name = json_string_value(json_object_get(w->body, "name"));
	const char *type_text = json_string_value(json_object_get(w->body, "type"));
	enum pt_org_type type = PT_ORG_OPERATOR;
	long long *ids;
	size_t n;
	int given;
	enum pt_err err = PT_OK;
	if (type_text)
		pt_org_type_parse(type_text, &type);
	if (w->id == 0)
		err = pt_db_org_add(db, name, type, &w->id, w->d);
	else if (name || type_text)
		err = pt_db_org_update(db, w->id, name, type_text ? &type : NULL, w->d);
	if (err != PT_OK)
		return err;
	ids = partner_ids(w->body, &n, &given);
	if (given && n && !ids)
		return pt_diag_set(w->d, PT_ENOMEM, 0, "", "out of memory");
	if (given)
		err = pt_db_org_set_partners(db, w->id, ids, n, w->d);
	free(ids);
	if (err == PT_ENOTFOUND || err == PT_EINVAL || err == PT_ELIMIT) {
		/* about the partner list: name the field */
		pt_strlcpy(w->d->field, "partners", sizeof w->d->field);
		err = PT_EINVAL;
	}
	return err;
}

static void reply_org(struct pt_req *r, unsigned status, long long id)
{
	struct pt_org o;
	struct pt_diag d;
	enum pt_err err;
	json_t *obj;
	memset(&d, 0, sizeof d);
	if ((err = pt_db_org_get(r->db, id, &o, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	if (!(obj = org_json(r->db, &o, &d, &err))) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, status, obj);
}

void pt_h_org_post(struct pt_req *r)
{
	struct org_write w;
	struct pt_diag d;
	enum pt_err err;
	if (pt_access_org_create(pt_api_who(r)) != PT_ACCESS_OK) {
		pt_reply_error(r, 403, NULL, 0, "only admins of a government organisation create organisations");
		return;
	}
	memset(&d, 0, sizeof d);
	w.body = r->json;
	w.d = &d;
	w.id = 0;
	if ((err = pt_db_transaction(r->db, write_org, &w, &d)) != PT_OK) {
		pt_reply_diag(r, err == PT_ECONFLICT ? PT_EINVAL : err, &d);
		return;
	}
	reply_org(r, 201, w.id);
}

void pt_h_org_patch(struct pt_req *r)
{
	unsigned long long id;
	unsigned changes = 0;
	struct org_write w;
	struct pt_org o;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	if (!pt_parse_uint_strict(r->param[0], 1, 9007199254740991ULL, &id) ||
	    pt_db_org_get(r->db, (long long)id, &o, &d) != PT_OK) {
		pt_reply_not_found(r);
		return;
	}
	if (json_object_get(r->json, "name"))
		changes |= PT_ORG_CHANGE_NAME;
	if (json_object_get(r->json, "type"))
		changes |= PT_ORG_CHANGE_TYPE;
	if (json_object_get(r->json, "partners"))
		changes |= PT_ORG_CHANGE_PARTNERS;
	if (pt_access_org_change(pt_api_who(r), (long long)id, changes) != PT_ACCESS_OK) {
		pt_reply_error(r, 403, NULL, 0, "your role may not make this change to organisation %s",
			       o.name);
		return;
	}
	memset(&d, 0, sizeof d);
	w.body = r->json;
	w.d = &d;
	w.id = (long long)id;
	if ((err = pt_db_transaction(r->db, write_org, &w, &d)) != PT_OK) {
		pt_reply_diag(r, err == PT_ECONFLICT ? PT_EINVAL : err, &d);
		return;
	}
	reply_org(r, 200, w.id);
}

/* ---- users ---- */

static json_t *user_json(const struct pt_user *u)
{
	return json_pack("{s:s,s:s,s:{s:I,s:s,s:s}}", "name", u->name, "role", pt_role_name(u->role),
			 "organisation", "id", (json_int_t)u->org_id, "name", u->org_name, "type",
			 pt_org_type_name(u->org_type));
}

void pt_h_users_list(struct pt_req *r)
{
	const struct pt_principal *who = pt_api_who(r);
	struct pt_user *users = NULL;
	struct pt_diag d;
	enum pt_err err;
	size_t n = 0, i, limit, offset, seen = 0, shown = 0;
	json_t *items;
	memset(&d, 0, sizeof d);
	if (pt_access_list_users(who, who->org_id) != PT_ACCESS_OK) {
		pt_reply_error(r, 403, NULL, 0, "only admins list users");
		return;
	}
	pt_api_page(r, &limit, &offset);
	if ((err = pt_db_users_list(r->db, 0, &users, &n, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	for (i = 0; items && i < n; i++) {
		if (pt_access_list_users(who, users[i].org_id) != PT_ACCESS_OK)
			continue;
		if (seen++ < offset || shown >= limit)
			continue;
		json_array_append_new(items, user_json(&users[i]));
		shown++;
	}
	free(users);
	pt_reply_json(r, 200, pt_api_list(items, offset, shown, seen));
}

static void reply_user(struct pt_req *r, unsigned status, const char *name)
{
	struct pt_user u;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	if ((err = pt_db_user_get(r->db, name, &u, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, status, user_json(&u));
}

void pt_h_user_post(struct pt_req *r)
{
	const char *name = json_string_value(json_object_get(r->json, "name"));
	const char *password = json_string_value(json_object_get(r->json, "password"));
	long long org = (long long)json_integer_value(json_object_get(r->json, "organisation_id"));
	enum pt_role role = PT_ROLE_VIEWER;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_role_parse(json_string_value(json_object_get(r->json, "role")), &role);
	if (pt_access_manage_users(pt_api_who(r), org) != PT_ACCESS_OK) {
		pt_reply_error(r, 403, "organisation_id", 0,
			       "organisation_id: your role may not create users of organisation %lld", org);
		return;
	}
	err = pt_db_user_add(r->db, name, password, role, org, NULL, &d);
	if (err == PT_ENOTFOUND) {
		pt_reply_error(r, 400, "organisation_id", 0, "organisation_id: no organisation %lld", org);
		return;
	}
	if (err != PT_OK) {
		pt_reply_diag(r, err == PT_ECONFLICT ? PT_EINVAL : err, &d);
		return;
	}
	reply_user(r, 201, name);
}

struct user_write {
	const json_t *body;
	const char *name;
	struct pt_diag *d;
};

static enum pt_err write_user(struct pt_db *db, void *ctx)
{
	struct user_write *w = ctx;
	const char *password = json_string_value(json_object_get(w->body, "password"));
	const char *role_text = json_string_value(json_object_get(w->body, "role"));
	enum pt_role role;
	enum pt_err err = PT_OK;
	if (role_text && pt_role_parse(role_text, &role) == PT_OK)
		err = pt_db_user_set_role(db, w->name, role, w->d);
	if (err == PT_OK && password)
		err = pt_db_user_set_password(db, w->name, password, w->d);
	return err;
}

void pt_h_user_patch(struct pt_req *r)
{
	const struct pt_principal *who = pt_api_who(r);
	struct user_write w;
	struct pt_user u;
	struct pt_diag d;
	enum pt_err err;
	int sees, may = 1;
	memset(&d, 0, sizeof d);
	if (!pt_user_name_valid(r->param[0]) || pt_db_user_get(r->db, r->param[0], &u, &d) != PT_OK) {
		pt_reply_not_found(r);
		return;
	}
	/* A user the caller may not list is not there for it (404), as a missing one. */
	sees = u.id == who->user_id || pt_access_list_users(who, u.org_id) == PT_ACCESS_OK;
	if (json_object_get(r->json, "role") && pt_access_manage_users(who, u.org_id) != PT_ACCESS_OK)
		may = 0;
	if (json_object_get(r->json, "password") &&
	    pt_access_own_password(who, u.id, u.org_id) != PT_ACCESS_OK)
		may = 0;
	if (!sees) {
		pt_reply_not_found(r);
		return;
	}
	if (!may) {
		pt_reply_error(r, 403, NULL, 0, "your role may not make this change to user %s", u.name);
		return;
	}
	w.body = r->json;
	w.name = u.name;
	w.d = &d;
	if ((err = pt_db_transaction(r->db, write_user, &w, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	reply_user(r, 200, u.name);
}
