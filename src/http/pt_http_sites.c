/* pt_http_sites.c - the handlers of sites and their assessments: list, get,
 * update, each decided by the access rules, every write checked again inside its transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_score.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_sites_io.h"
#include "../store/pt_users.h"
#include "pt_http_api.h"

static void catalogs_free(struct pt_catalogs *cat)
{
	pt_catalog_free(&cat->kinds);
	pt_catalog_free(&cat->sectors);
	pt_catalog_free(&cat->threats);
}

/*
 * The site named by the path, when the caller may see it (from the
 * request's snapshot). 0 with *s filled, or nonzero after replying 404
 * (missing and invisible alike) or 500.
 */
static int visible_site(struct pt_req *r, struct pt_site *s)
{
	const struct pt_snapshot *snap;
	const struct pt_site *found;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	if (!pt_valid_id(r->param[0])) {
		pt_reply_not_found(r);
		return 1;
	}
	if (!(snap = pt_req_snapshot(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		return 1;
	}
	found = pt_http_snapshot_site(snap, r->param[0]);
	if (!found || !pt_api_can_read(r, found)) {
		pt_reply_not_found(r);
		return 1;
	}
	*s = *found;
	return 0;
}

/*
 * Inside a write transaction: the site as stored now, and whether the
 * caller may still write it (the access index read afresh in the same
 * transaction). PT_ECONFLICT when the answer changed since the request's
 * snapshot (a concurrent change); the handler answers 409.
 */
static enum pt_err recheck_write(struct pt_db *db, const struct pt_req *r, const char *id,
				 struct pt_site *cur, struct pt_diag *d)
{
	struct pt_access_index *ix = NULL;
	struct pt_access_record rec;
	enum pt_access a;
	enum pt_err err;
	if ((err = pt_db_site_get(db, id, cur, d)) == PT_ENOTFOUND)
		return pt_diag_set(d, PT_ECONFLICT, 0, "", "site %s changed meanwhile; try again", id);
	if (err != PT_OK || (err = pt_access_index_load(db, &ix, d)) != PT_OK)
		return err;
	pt_access_index_record(ix, cur, &rec);
	a = pt_access_write(pt_api_who(r), &rec);
	pt_access_index_free(ix);
	if (a != PT_ACCESS_OK)
		return pt_diag_set(d, PT_ECONFLICT, 0, "", "site %s changed meanwhile; try again", id);
	return PT_OK;
}

/* Reply for a failed write transaction: 409 for a concurrent change, else by the error. */
static void reply_write_failure(struct pt_req *r, enum pt_err err, const struct pt_diag *d)
{
	if (err == PT_ECONFLICT && strstr(d->msg, "changed meanwhile"))
		pt_reply_error(r, 409, NULL, 0, "%s", d->msg);
	else
		pt_reply_diag(r, err, d);
}

int pt_api_view(struct pt_req *r, const struct pt_snapshot *snap, const char *prefix,
		int with_write, struct pt_view *v)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, plen = strlen(prefix);
	memset(v, 0, sizeof *v);
	v->n = snap->sites.n;
	v->bits = calloc(v->n ? v->n : 1, 1);
	if (!v->bits) {
		pt_reply_json(r, 500, NULL);
		return 1;
	}
	for (i = 0; i < v->n; i++) {
		const struct pt_site *s = &snap->sites.items[i];
		if (pt_api_can_read(r, s))
			v->bits[i] = (unsigned char)(1 | (with_write && pt_api_can_write(r, s) ? 2 : 0));
	}
	if (snap->version == 0 || v->n > PT_VIEW_KEY_SITES_MAX)
		return 0;
	v->key = malloc(plen + 2 + (v->n + 1) / 2 + 1);
	if (!v->key)
		return 0; /* just not cached */
	memcpy(v->key, prefix, plen);
	v->key[plen] = '#';
	for (i = 0; i < v->n; i += 2)
		v->key[plen + 1 + i / 2] =
			hex[(v->bits[i] << 2) | (i + 1 < v->n ? v->bits[i + 1] : 0)];
	v->key[plen + 1 + (v->n + 1) / 2] = '\0';
	return 0;
}

void pt_api_view_free(struct pt_view *v)
{
	free(v->bits);
	free(v->key);
	memset(v, 0, sizeof *v);
}

void pt_h_sites_list(struct pt_req *r)
{
	struct pt_snapshot *snap;
	struct pt_read_log log;
	struct pt_view view;
	struct pt_cache_body *cached = NULL;
	struct pt_diag d;
	json_t *items = NULL;
	char prefix[64];
	size_t limit, offset, i, seen = 0, shown = 0;

	memset(&log, 0, sizeof log);
	memset(&view, 0, sizeof view);
	memset(&d, 0, sizeof d);
	pt_api_page(r, &limit, &offset);
	if (!(snap = pt_sites_snapshot_get(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		return;
	}
	snprintf(prefix, sizeof prefix, "sites?limit=%zu&offset=%zu", limit, offset);
	if (pt_api_view(r, snap, prefix, 1, &view))
		goto out;
	/* The sensitive sites of the page, for the audit (whether the body is kept or not). */
	for (i = 0; i < view.n; i++) {
		if (!(view.bits[i] & 1))
			continue;
		if (seen >= offset && shown < limit) {
			pt_read_note(&log, &snap->sites.items[i]);
			shown++;
		}
		seen++;
	}
	if (view.key)
		cached = pt_cache_get(r->srv->cache, view.key, snap->version);
	if (!cached) {
		items = json_array();
		if (!items) {
			pt_reply_json(r, 500, NULL);
			goto out;
		}
		for (i = 0, seen = 0, shown = 0; i < view.n; i++) {
			json_t *o;
			if (!(view.bits[i] & 1))
				continue;
			if (seen++ < offset || shown >= limit)
				continue;
			o = pt_json_site(&snap->sites.items[i], (view.bits[i] & 2) != 0);
			if (!o || json_array_append_new(items, o)) {
				pt_reply_json(r, 500, NULL);
				goto out;
			}
			shown++;
		}
	}
	if (pt_api_audit_reads(r, "sites.list", &log))
		goto out;
	if (cached) {
		pt_reply_cached(r, 200, cached);
		cached = NULL;
	} else {
		pt_reply_json_keep(r, pt_api_list(items, offset, shown, seen), view.key, snap->version);
		items = NULL;
	}
out:
	pt_read_log_clear(&log);
	pt_cache_body_release(cached);
	json_decref(items);
	pt_api_view_free(&view);
	pt_snapshot_release(snap);
}

void pt_h_site_get(struct pt_req *r)
{
	struct pt_site s;
	struct pt_read_log log;
	memset(&log, 0, sizeof log);
	if (visible_site(r, &s))
		return;
	pt_read_note(&log, &s);
	if (pt_api_audit_reads(r, "site.read", &log))
		return;
	pt_reply_json(r, 200, pt_json_site(&s, pt_api_can_write(r, &s)));
}

struct site_write {
	struct pt_req *r;
	struct pt_diag *d;
	const struct pt_catalogs *cat;
	struct pt_site result;
};

/* Apply the validated members of body to s. */
static void apply_site_patch(const json_t *body, struct pt_site *s)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)body, key, v) {
		if (strcmp(key, "name") == 0)
			pt_strlcpy(s->name, json_string_value(v), sizeof s->name);
		else if (strcmp(key, "kind") == 0)
			pt_strlcpy(s->kind, json_string_value(v), sizeof s->kind);
		else if (strcmp(key, "sector") == 0)
			pt_strlcpy(s->sector, json_string_value(v), sizeof s->sector);
		else if (strcmp(key, "region") == 0)
			pt_strlcpy(s->region, json_string_value(v), sizeof s->region);
		else if (strcmp(key, "lat") == 0)
			s->lat = json_number_value(v);
		else if (strcmp(key, "lon") == 0)
			s->lon = json_number_value(v);
		else if (strcmp(key, "capacity") == 0)
			s->capacity = json_is_null(v) ? -1 : (long long)json_integer_value(v);
		else if (strcmp(key, "peak_occupancy") == 0)
			s->peak_occupancy = (long long)json_integer_value(v);
		else if (strcmp(key, "population_served") == 0)
			s->population_served = (long long)json_integer_value(v);
		else if (strcmp(key, "economic_value_eur") == 0)
			s->economic_value_eur = json_number_value(v);
		else if (strcmp(key, "tlp") == 0)
			pt_tlp_parse(json_string_value(v), &s->tlp);
	}
}

/* The change, applied to the site as stored now (no update is lost), checked, written. */
static enum pt_err write_site(struct pt_db *db, void *ctx)
{
	struct site_write *w = ctx;
	struct pt_site_list list;
	enum pt_err err;
	memset(&list, 0, sizeof list);
	if ((err = recheck_write(db, w->r, w->r->param[0], &w->result, w->d)) != PT_OK)
		return err;
	apply_site_patch(w->r->json, &w->result);
	if ((err = pt_site_check(&w->result, w->cat, 0, w->d)) != PT_OK ||
	    (err = pt_site_list_append(&list, &w->result, 0)) != PT_OK ||
	    (err = pt_db_sites_import(db, &list, NULL, NULL, w->d)) != PT_OK)
		goto out;
	/* Whoever makes a site RED is named on it, so it does not lock itself out. */
	if (w->result.tlp == PT_TLP_RED)
		err = pt_db_site_reader_add(db, w->result.id, pt_api_who(w->r)->user_id, w->d);
out:
	pt_site_list_free(&list);
	return err;
}

void pt_h_site_patch(struct pt_req *r)
{
	struct site_write w;
	struct pt_site s;
	struct pt_catalogs cat;
	struct pt_diag d;
	enum pt_err err;

	memset(&w, 0, sizeof w);
	memset(&cat, 0, sizeof cat);
	memset(&d, 0, sizeof d);
	if (visible_site(r, &s))
		return;
	if (!pt_api_can_write(r, &s)) {
		pt_reply_error(r, 403, NULL, 0, "your role or organisation may not change site %s", s.id);
		return;
	}
	if ((err = pt_db_catalogs_load(r->db, &cat, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	w.r = r;
	w.d = &d;
	w.cat = &cat;
	if ((err = pt_db_transaction(r->db, write_site, &w, &d)) != PT_OK) {
		reply_write_failure(r, err, &d);
		goto out;
	}
	pt_reply_json(r, 200, pt_json_site(&w.result, 1));
out:
	catalogs_free(&cat);
}

static int method_param(struct pt_req *r, const char *text, enum pt_method *m)
{
	if (pt_method_parse(text, m) != PT_OK) {
		pt_reply_not_found(r);
		return 1;
	}
	return 0;
}

void pt_h_assessments_get(struct pt_req *r)
{
	struct pt_site s;
	struct pt_read_log log;
	json_t *o;
	enum pt_method m;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	memset(&log, 0, sizeof log);
	if (visible_site(r, &s))
		return;
	o = json_pack("{s:s,s:s}", "site_id", s.id, "tlp", pt_tlp_name(s.tlp));
	if (!o) {
		pt_reply_json(r, 500, NULL);
		return;
	}
	for (m = PT_METHOD_FEMA; m <= PT_METHOD_QUANT; m++) {
		struct pt_assessment_set set;
		enum pt_err err;
		memset(&set, 0, sizeof set);
		if ((err = pt_db_site_assessments(r->db, s.id, m, &set, &d)) != PT_OK) {
			json_decref(o);
			pt_reply_diag(r, err, &d);
			return;
		}
		json_object_set_new(o, pt_method_name(m), pt_json_assessment_rows(&set));
		pt_assessment_set_free(&set);
	}
	pt_read_note(&log, &s);
	if (pt_api_audit_reads(r, "assessments.read", &log)) {
		json_decref(o);
		return;
	}
	pt_reply_json(r, 200, o);
}

/* {"site_id", "method", "items"} of the site's rows of m. */
static json_t *rows_body(struct pt_req *r, const struct pt_site *s, enum pt_method m)
{
	struct pt_assessment_set set;
	struct pt_diag d;
	enum pt_err err;
	json_t *o;
	memset(&set, 0, sizeof set);
	memset(&d, 0, sizeof d);
	if ((err = pt_db_site_assessments(r->db, s->id, m, &set, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return NULL;
	}
	o = json_pack("{s:s,s:s,s:o}", "site_id", s->id, "method", pt_method_name(m), "items",
		      pt_json_assessment_rows(&set));
	pt_assessment_set_free(&set);
	if (!o)
		pt_reply_json(r, 500, NULL);
	return o;
}

void pt_h_assessment_get(struct pt_req *r)
{
	struct pt_site s;
	struct pt_read_log log;
	enum pt_method m;
	json_t *o;
	memset(&log, 0, sizeof log);
	if (visible_site(r, &s) || method_param(r, r->param[1], &m))
		return;
	if (!(o = rows_body(r, &s, m)))
		return;
	pt_read_note(&log, &s);
	if (pt_api_audit_reads(r, "assessments.read", &log)) {
		json_decref(o);
		return;
	}
	pt_reply_json(r, 200, o);
}

struct rows_write {
	struct pt_req *r;
	struct pt_diag *d;
	struct pt_assessment_set set;
};

static enum pt_err write_rows(struct pt_db *db, void *ctx)
{
	struct rows_write *w = ctx;
	struct pt_site cur;
	enum pt_err err;
	if ((err = recheck_write(db, w->r, w->r->param[0], &cur, w->d)) != PT_OK)
		return err;
	return pt_db_assessments_import(db, &w->set, w->d);
}

/* Build the set from the validated items; 0, or nonzero after replying 400. */
static int rows_from_json(struct pt_req *r, const struct pt_site *s, enum pt_method m,
			  const struct pt_catalog *threats, struct pt_assessment_set *set)
{
	json_t *items = json_object_get(r->json, "items"), *it;
	struct pt_diag d;
	char field[PT_FIELD_PATH_MAX];
	size_t i, k;
	enum pt_err err = PT_OK;

	memset(&d, 0, sizeof d);
	set->method = m;
	json_array_foreach(items, i, it) {
		const char *threat = json_string_value(json_object_get(it, "threat_id"));
		long line = (long)i + 1;
		if (m != PT_METHOD_CARVER && pt_catalog_find(threats, threat) < 0) {
			snprintf(field, sizeof field, "items[%zu].threat_id", i);
			pt_reply_error(r, 400, field, 0, "%s: unknown threat scenario '%s'", field, threat);
			return 1;
		}
		if (m != PT_METHOD_CARVER)
			for (k = 0; k < i; k++)
				if (strcmp(threat, json_string_value(json_object_get(
								json_array_get(items, k), "threat_id"))) == 0) {
					snprintf(field, sizeof field, "items[%zu].threat_id", i);
					pt_reply_error(r, 400, field, 0, "%s: '%s' is given twice", field,
						       threat);
					return 1;
				}
		if (m == PT_METHOD_FEMA) {
			struct pt_fema_row row;
			memset(&row, 0, sizeof row);
			pt_strlcpy(row.site_id, s->id, sizeof row.site_id);
			pt_strlcpy(row.threat_id, threat, sizeof row.threat_id);
			row.asset_value = (int)json_integer_value(json_object_get(it, "asset_value"));
			row.threat_rating = (int)json_integer_value(json_object_get(it, "threat_rating"));
			row.vulnerability_rating =
				(int)json_integer_value(json_object_get(it, "vulnerability_rating"));
			if ((err = pt_fema_check(&row, &d, line)) == PT_OK)
				err = pt_assessment_set_add_fema(set, &row, line);
		} else if (m == PT_METHOD_CARVER) {
			struct pt_carver_row row;
			memset(&row, 0, sizeof row);
			pt_strlcpy(row.site_id, s->id, sizeof row.site_id);
#define GETI(f) row.f = (int)json_integer_value(json_object_get(it, #f))
			GETI(criticality);
			GETI(accessibility);
			GETI(recuperability);
			GETI(vulnerability);
			GETI(effect);
			GETI(recognizability);
			GETI(shock);
#undef GETI
			if ((err = pt_carver_check(&row, &d, line)) == PT_OK)
				err = pt_assessment_set_add_carver(set, &row, line);
		} else {
			struct pt_quant_row row;
			int v;
			memset(&row, 0, sizeof row);
			pt_strlcpy(row.site_id, s->id, sizeof row.site_id);
			pt_strlcpy(row.threat_id, threat, sizeof row.threat_id);
			for (v = 0; v < PT_QV_COUNT && err == PT_OK; v++) {
				const char *name = pt_quant_var_name((enum pt_quant_var)v);
				json_t *g = json_object_get(it, name);
				double hi = v <= PT_QV_P_SUCCESS ? 1.0 : 1e300;
				row.var[v].min = json_number_value(json_object_get(g, "min"));
				row.var[v].mode = json_number_value(json_object_get(g, "mode"));
				row.var[v].max = json_number_value(json_object_get(g, "max"));
				err = pt_range_check(&row.var[v], 0, hi, &d, line, name);
			}
			if (err == PT_OK)
				err = pt_assessment_set_add_quant(set, &row, line);
		}
		if (err != PT_OK) {
			if (err == PT_EINVAL) {
				snprintf(field, sizeof field, "items[%zu].%s", i, d.field);
				pt_reply_error(r, 400, field, 0, "%s: %s", field, d.msg);
			} else {
				pt_reply_diag(r, err, &d);
			}
			return 1;
		}
	}
	return 0;
}

void pt_h_assessment_patch(struct pt_req *r)
{
	struct rows_write w;
	struct pt_site s;
	struct pt_catalogs cat;
	struct pt_diag d;
	enum pt_method m;
	enum pt_err err;
	const char *slash = strrchr(r->url, '/');
	json_t *o;

	memset(&w, 0, sizeof w);
	memset(&cat, 0, sizeof cat);
	memset(&d, 0, sizeof d);
	if (visible_site(r, &s) || !slash || method_param(r, slash + 1, &m))
		return;
	if (!pt_api_can_write(r, &s)) {
		pt_reply_error(r, 403, NULL, 0, "your role or organisation may not change the "
						"assessments of site %s", s.id);
		return;
	}
	if ((err = pt_db_catalogs_load(r->db, &cat, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	if (rows_from_json(r, &s, m, &cat.threats, &w.set))
		goto out;
	w.r = r;
	w.d = &d;
	if ((err = pt_db_transaction(r->db, write_rows, &w, &d)) != PT_OK) {
		reply_write_failure(r, err, &d);
		goto out;
	}
	if ((o = rows_body(r, &s, m)))
		pt_reply_json(r, 200, o);
out:
	pt_assessment_set_free(&w.set);
	catalogs_free(&cat);
}

/* ---- the users named on a site (who read it when RED) ---- */

/* {"site_id", "items": [{"name", "organisation"}]} of the site's named readers. */
static void reply_readers(struct pt_req *r, unsigned status, const char *site_id)
{
	long long *ids = NULL;
	size_t n = 0, i;
	struct pt_diag d;
	enum pt_err err;
	json_t *items;
	memset(&d, 0, sizeof d);
	if ((err = pt_db_site_readers(r->db, site_id, &ids, &n, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	for (i = 0; items && i < n; i++) {
		struct pt_user u;
		if (pt_db_user_get_id(r->db, ids[i], &u, &d) != PT_OK)
			continue;
		json_array_append_new(items, json_pack("{s:s,s:s}", "name", u.name, "organisation",
						       u.org_name));
	}
	free(ids);
	pt_reply_json(r, status, json_pack("{s:s,s:o}", "site_id", site_id, "items", items));
}

void pt_h_readers_get(struct pt_req *r)
{
	struct pt_site s;
	if (visible_site(r, &s))
		return;
	reply_readers(r, 200, s.id);
}

struct reader_write {
	struct pt_req *r;
	struct pt_diag *d;
	long long user_id;
	int add;
};

static enum pt_err write_reader(struct pt_db *db, void *ctx)
{
	struct reader_write *w = ctx;
	struct pt_site cur;
	enum pt_err err;
	if ((err = recheck_write(db, w->r, w->r->param[0], &cur, w->d)) != PT_OK)
		return err;
	return w->add ? pt_db_site_reader_add(db, cur.id, w->user_id, w->d)
		      : pt_db_site_reader_remove(db, cur.id, w->user_id, w->d);
}

/* POST names body.user, DELETE un-names the {name} of the path. */
static void change_reader(struct pt_req *r, const char *name, int add)
{
	struct reader_write w;
	struct pt_site s;
	struct pt_user u;
	struct pt_diag d;
	enum pt_err err;
	struct pt_access_record rec;
	const struct pt_snapshot *snap;
	memset(&d, 0, sizeof d);
	if (visible_site(r, &s))
		return;
	snap = pt_req_snapshot(r, &d);
	pt_access_index_record(snap->ix, &s, &rec);
	if (pt_access_share(pt_api_who(r), &rec) != PT_ACCESS_OK) {
		pt_reply_error(r, 403, NULL, 0, "your role or organisation may not name the readers of %s",
			       s.id);
		return;
	}
	if (!pt_user_name_valid(name) || pt_db_user_get(r->db, name, &u, &d) != PT_OK) {
		if (add)
			pt_reply_error(r, 400, "user", 0, "user: no user '%s'", name);
		else
			pt_reply_not_found(r);
		return;
	}
	w.r = r;
	w.d = &d;
	w.user_id = u.id;
	w.add = add;
	if ((err = pt_db_transaction(r->db, write_reader, &w, &d)) != PT_OK) {
		if (err == PT_ENOTFOUND && !add)
			pt_reply_not_found(r);
		else
			reply_write_failure(r, err, &d);
		return;
	}
	if (add)
		reply_readers(r, 200, s.id);
	else
		pt_reply_empty(r, 204);
}

void pt_h_reader_post(struct pt_req *r)
{
	change_reader(r, json_string_value(json_object_get(r->json, "user")), 1);
}

void pt_h_reader_delete(struct pt_req *r)
{
	change_reader(r, r->param[1], 0);
}
