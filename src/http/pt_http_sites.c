/* pt_http_sites.c - the handlers of sites, their assessments and their
 * named readers: the request parsed, src/app's use case called, its answer rendered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_filter.h"
#include "../app/pt_app_marking.h"
#include "../app/pt_app_ranking.h"
#include "../app/pt_app_sites.h"
#include "../core/pt_score.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_filter_io.h"
#include "../formats/pt_marking_io.h"
#include "../formats/pt_site_json.h"
#include "../formats/pt_sites_io.h"
#include "pt_http_api.h"

/* Reply for a failed use case: 409 for a concurrent change, else by the error. */
static void reply_failure(struct pt_req *r, enum pt_err err, int raced, const struct pt_diag *d)
{
	if (err == PT_ECONFLICT && raced)
		pt_reply_error(r, 409, NULL, 0, "%s", d->msg);
	else
		pt_reply_diag(r, err, d);
}

/* The path's site id, or 0 after replying 404 for an id that cannot be one. */
static const char *site_param(struct pt_req *r)
{
	if (!pt_valid_id(r->param[0])) {
		pt_reply_not_found(r);
		return NULL;
	}
	return r->param[0];
}

int pt_api_view(struct pt_req *r, const struct pt_snapshot *snap, const char *prefix,
		int with_write, struct pt_view *v)
{
	static const char hex[] = "0123456789abcdef";
	struct pt_caller c;
	size_t i, plen = strlen(prefix);
	memset(v, 0, sizeof *v);
	v->n = snap->sites.n;
	v->bits = calloc(v->n ? v->n : 1, 1);
	if (!v->bits) {
		pt_reply_json(r, 500, NULL);
		return 1;
	}
	pt_api_caller(r, &c);
	pt_app_view_bits(&c, snap, with_write, v->bits);
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

void pt_api_view_clear(struct pt_view *v)
{
	free(v->bits);
	free(v->key);
	memset(v, 0, sizeof *v);
}

/* issue 16 item 5: the sites of snap that the request's filter keeps among those of view
 * (keep, snap->sites.n bytes), and view's bits with the others cleared (what is shown, and
 * audited). 0, or nonzero after replying (400 naming an unknown value). */
static int sites_filter(struct pt_req *r, struct pt_snapshot *snap, struct pt_view *view,
			struct pt_site_filter *f, unsigned char *keep)
{
	struct pt_snapshot_source src;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	unsigned char *visible;
	size_t i, kept = 0;
	enum pt_err err;
	if (!(visible = malloc(view->n ? view->n : 1))) {
		pt_reply_json(r, 500, NULL);
		return 1;
	}
	for (i = 0; i < view->n; i++)
		visible[i] = view->bits[i] & 1;
	pt_api_caller_snapshot(r, snap, &src, &c);
	if ((err = pt_app_filter_check(&c, r->db, snap, visible, f, &d)) != PT_OK ||
	    (err = pt_app_filter_sites(r->db, snap, visible, f, keep, &kept, &d)) != PT_OK) {
		free(visible);
		pt_reply_diag(r, err, &d);
		return 1;
	}
	for (i = 0; i < view->n; i++)
		if (!keep[i])
			view->bits[i] &= (unsigned char)~1u;
	free(visible);
	return 0;
}

/* issue 16 item 5: the sites view shows (from offset, at most limit) as CSV in a new *buf:
 * the marking line (the highest label of those rows), then pt_sites_write_csv's. 0, or
 * nonzero after replying 500. */
static int sites_csv(struct pt_req *r, const struct pt_snapshot *snap, const struct pt_view *view,
		     size_t limit, size_t offset, char **buf, size_t *len)
{
	struct pt_site_list rows;
	size_t i, seen = 0;
	enum pt_err err = PT_OK;
	FILE *f;
	memset(&rows, 0, sizeof rows);
	for (i = 0; err == PT_OK && i < view->n; i++) {
		if (!(view->bits[i] & 1) || seen++ < offset || rows.n >= limit)
			continue;
		err = pt_site_list_append(&rows, &snap->sites.items[i], 0);
	}
	*buf = NULL;
	if (err != PT_OK || !(f = open_memstream(buf, len))) {
		pt_site_list_clear(&rows);
		pt_reply_json(r, 500, NULL);
		return 1;
	}
	pt_marking_csv_line(f, pt_marking_sites(rows.items, rows.n));
	err = pt_sites_write_csv(f, rows.items, rows.n);
	if (fclose(f) != 0 || err != PT_OK) {
		free(*buf);
		*buf = NULL;
		pt_site_list_clear(&rows);
		pt_reply_json(r, 500, NULL);
		return 1;
	}
	pt_site_list_clear(&rows);
	return 0;
}

void pt_h_sites_list(struct pt_req *r)
{
	struct pt_snapshot *snap;
	struct pt_view view;
	struct pt_cache_body *cached = NULL;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_site_filter filter; /* issue 16 item 5 */
	enum pt_err err;
	json_t *items = NULL, *body;
	char prefix[64], *fprefix = NULL;
	unsigned char *keep = NULL;
	size_t limit, offset, i, seen = 0, shown = 0;
	enum pt_tlp marking = PT_TLP_CLEAR; /* the highest label of the page's sites */
	int csv = pt_api_wants_csv(r);

	memset(&view, 0, sizeof view);
	memset(&filter, 0, sizeof filter);
	if (csv)
		pt_api_csv_page(r, &limit, &offset);
	else
		pt_api_page(r, &limit, &offset);
	if (pt_api_filter_or_reply(r, &filter))
		return;
	/* The request's snapshot: the one its view, its page and its audit are worked out from. */
	if (!(snap = pt_req_snapshot(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		goto out;
	}
	snprintf(prefix, sizeof prefix, "sites%s?limit=%zu&offset=%zu", csv ? ".csv" : "", limit,
		 offset);
	if (!(fprefix = pt_api_filter_prefix(r, prefix, &filter))) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	if (pt_api_view(r, snap, fprefix, 1, &view))
		goto out;
	if (pt_site_filter_active(&filter)) {
		if (!(keep = malloc(view.n ? view.n : 1))) {
			pt_reply_json(r, 500, NULL);
			goto out;
		}
		if (sites_filter(r, snap, &view, &filter, keep))
			goto out;
	}
	if (csv) { /* issue 16 item 5: the download of what is shown, never kept */
		char *buf = NULL;
		size_t len = 0;
		if (sites_csv(r, snap, &view, limit, offset, &buf, &len))
			goto out;
		pt_api_caller(r, &c);
		if ((err = pt_app_view_audit(&c, r->db, snap, view.bits, offset, limit, "sites.list",
					     &d)) != PT_OK) {
			free(buf);
			pt_reply_unaudited(r, err, &d);
			goto out;
		}
		pt_api_reply_csv(r, buf, len, "sites.csv");
		goto out;
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
			marking = pt_marking_max(marking, snap->sites.items[i].tlp);
			if (!o || json_array_append_new(items, o)) {
				pt_reply_json(r, 500, NULL);
				goto out;
			}
			shown++;
		}
	}
	/* The sensitive sites of the page are audited whether the body is kept or not; a
	 * read that cannot be audited is not answered. */
	pt_api_caller(r, &c);
	if ((err = pt_app_view_audit(&c, r->db, snap, view.bits, offset, limit, "sites.list", &d)) !=
	    PT_OK) {
		pt_reply_unaudited(r, err, &d); /* 503 when busy */
		goto out;
	}
	if (cached) {
		pt_reply_cached(r, 200, cached);
		cached = NULL;
	} else {
		body = pt_marking_json(pt_api_list(items, offset, shown, seen), marking);
		items = NULL;
		/* issue 16 item 5: the filter applied */
		if (!body || json_object_set_new(body, "filter", pt_site_filter_json(&filter))) {
			json_decref(body);
			pt_reply_json(r, 500, NULL);
			goto out;
		}
		pt_reply_json_keep(r, body, view.key, snap->version);
	}
out:
	pt_cache_body_release(cached);
	json_decref(items);
	pt_api_view_clear(&view);
	pt_site_filter_clear(&filter);
	free(fprefix);
	free(keep);
}

void pt_h_site_get(struct pt_req *r)
{
	const char *id = site_param(r);
	struct pt_caller c;
	struct pt_site s;
	struct pt_diag d;
	enum pt_err err;
	int can_write = 0;
	if (!id)
		return;
	memset(&d, 0, sizeof d);
	pt_api_caller(r, &c);
	if ((err = pt_app_site_get(&c, r->db, id, &s, &can_write, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, 200, pt_json_site(&s, can_write));
}

/* The validated members of body as a change. */
static void site_patch_of(const json_t *body, struct pt_site_patch *p)
{
	const char *key;
	json_t *v;
	memset(p, 0, sizeof *p);
	json_object_foreach((json_t *)body, key, v) {
		if (strcmp(key, "name") == 0) {
			p->fields |= PT_SITE_F_NAME;
			pt_strlcpy(p->v.name, json_string_value(v), sizeof p->v.name);
		} else if (strcmp(key, "kind") == 0) {
			p->fields |= PT_SITE_F_KIND;
			pt_strlcpy(p->v.kind, json_string_value(v), sizeof p->v.kind);
		} else if (strcmp(key, "sector") == 0) {
			p->fields |= PT_SITE_F_SECTOR;
			pt_strlcpy(p->v.sector, json_string_value(v), sizeof p->v.sector);
		} else if (strcmp(key, "region") == 0) {
			p->fields |= PT_SITE_F_REGION;
			pt_strlcpy(p->v.region, json_string_value(v), sizeof p->v.region);
		} else if (strcmp(key, "lat") == 0) {
			p->fields |= PT_SITE_F_LAT;
			p->v.lat = json_number_value(v);
		} else if (strcmp(key, "lon") == 0) {
			p->fields |= PT_SITE_F_LON;
			p->v.lon = json_number_value(v);
		} else if (strcmp(key, "capacity") == 0) {
			p->fields |= PT_SITE_F_CAPACITY;
			p->v.capacity = json_is_null(v) ? -1 : (long long)json_integer_value(v);
		} else if (strcmp(key, "peak_occupancy") == 0) {
			p->fields |= PT_SITE_F_PEAK;
			p->v.peak_occupancy = (long long)json_integer_value(v);
		} else if (strcmp(key, "population_served") == 0) {
			p->fields |= PT_SITE_F_POPULATION;
			p->v.population_served = (long long)json_integer_value(v);
		} else if (strcmp(key, "economic_value_eur") == 0) {
			p->fields |= PT_SITE_F_VALUE;
			p->v.economic_value_eur = json_number_value(v);
		} else if (strcmp(key, "tlp") == 0 &&
			   pt_tlp_parse(json_string_value(v), &p->v.tlp) == PT_OK) {
			p->fields |= PT_SITE_F_TLP;
		} else if (strcmp(key, "enclosure") == 0) { /* issue 11 (fit); null: unknown */
			p->fields |= PT_SITE_F_ENCLOSURE;
			p->v.enclosed = PT_ENCLOSURE_UNKNOWN; /* null; else checked by the route's enum */
			if (!json_is_null(v))
				(void)pt_enclosure_parse(json_string_value(v), &p->v.enclosed);
		} else if (strcmp(key, "staffed") == 0) {
			p->fields |= PT_SITE_F_STAFFED;
			p->v.staffed = json_is_null(v) ? PT_TRI_UNKNOWN :
				       strcmp(json_string_value(v), "yes") == 0 ? PT_TRI_YES : PT_TRI_NO;
		} else if (strcmp(key, "emergency_department") == 0) { /* issue 16 (item 2) */
			p->fields |= PT_SITE_F_EMERGENCY;
			p->v.emergency_department =
				json_is_null(v) ? PT_TRI_UNKNOWN :
				strcmp(json_string_value(v), "yes") == 0 ? PT_TRI_YES : PT_TRI_NO;
		} else if (strcmp(key, "legal_basis") == 0) {
			enum pt_legal_basis b = PT_BASIS_NONE;
			p->fields |= PT_SITE_F_LEGAL_BASIS;
			p->v.legal_basis = json_is_null(v) ? 0 :
					   pt_legal_basis_parse(json_string_value(v), &b) == PT_OK ?
									(int)b + 1 : 0;
		} else {
			enum pt_site_driver dr;
			if (pt_site_driver_parse(key, &dr) == PT_OK) {
				p->fields |= (unsigned)PT_SITE_F_DRIVER << dr;
				if (!json_is_null(v)) {
					p->v.drivers[dr] = (long long)json_integer_value(v);
					p->v.drivers_known |= 1u << dr;
				}
			}
		}
	}
}

void pt_h_site_patch(struct pt_req *r)
{
	const char *id = site_param(r);
	struct pt_site_write_result res;
	struct pt_site_patch patch;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	if (!id)
		return;
	memset(&d, 0, sizeof d);
	site_patch_of(r->json, &patch);
	pt_api_caller(r, &c);
	if ((err = pt_app_site_patch(&c, r->db, id, &patch, &res, &d)) != PT_OK) {
		reply_failure(r, err, res.raced, &d);
		return;
	}
	pt_reply_json(r, 200, pt_json_site(&res.site, 1));
}

void pt_h_assessments_get(struct pt_req *r)
{
	const char *id = site_param(r);
	struct pt_site_assessments a;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_method m;
	enum pt_err err;
	json_t *o;
	if (!id)
		return;
	memset(&d, 0, sizeof d);
	pt_api_caller(r, &c);
	if ((err = pt_app_assessments_get(&c, r->db, id, -1, &a, &d)) != PT_OK) {
		pt_site_assessments_clear(&a);
		pt_reply_diag(r, err, &d);
		return;
	}
	o = json_pack("{s:s,s:s}", "site_id", a.site.id, "tlp", pt_tlp_name(a.site.tlp));
	for (m = PT_METHOD_FEMA; o && m <= PT_METHOD_QUANT; m++)
		json_object_set_new(o, pt_method_name(m), pt_json_assessment_rows(&a.sets[m]));
	pt_site_assessments_clear(&a);
	pt_reply_json(r, o ? 200 : 500, o);
}

/* {"site_id", "method", "items"} of rows. */
static json_t *rows_body(const char *site_id, enum pt_method m,
			 const struct pt_assessment_set *rows)
{
	return json_pack("{s:s,s:s,s:o}", "site_id", site_id, "method", pt_method_name(m), "items",
			 pt_json_assessment_rows(rows));
}

void pt_h_assessment_get(struct pt_req *r)
{
	const char *id = site_param(r);
	struct pt_site_assessments a;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_method m;
	enum pt_err err;
	json_t *o;
	if (!id)
		return;
	memset(&d, 0, sizeof d);
	memset(&a, 0, sizeof a);
	pt_api_caller(r, &c);
	/* An unknown method: 404, as for a missing or hidden site. */
	if (pt_method_parse(r->param[1], &m) != PT_OK) {
		pt_reply_not_found(r);
		return;
	}
	if ((err = pt_app_assessments_get(&c, r->db, id, (int)m, &a, &d)) != PT_OK) {
		pt_site_assessments_clear(&a);
		pt_reply_diag(r, err, &d);
		return;
	}
	o = pt_marking_json(rows_body(a.site.id, m, &a.sets[m]), a.site.tlp); /* review M2 */
	pt_site_assessments_clear(&a);
	pt_reply_json(r, o ? 200 : 500, o);
}

struct rows_input {
	const json_t *items;
};

/* Build the set from the validated items (a pt_rows_builder): errors name items[i].field. */
static enum pt_err rows_from_json(void *ctx, const struct pt_site *s,
				  const struct pt_catalogs *cat, struct pt_assessment_set *set,
				  struct pt_diag *out)
{
	const struct rows_input *in = ctx;
	const struct pt_catalog *threats = &cat->threats;
	enum pt_method m = set->method;
	json_t *it;
	struct pt_diag d;
	char field[PT_FIELD_PATH_MAX];
	size_t i, k;
	enum pt_err err = PT_OK;

	memset(&d, 0, sizeof d);
	json_array_foreach((json_t *)in->items, i, it) {
		const char *threat = json_string_value(json_object_get(it, "threat_id"));
		long line = (long)i + 1;
		if (m != PT_METHOD_CARVER && pt_catalog_find(threats, threat) < 0) {
			snprintf(field, sizeof field, "items[%zu].threat_id", i);
			return pt_diag_set(out, PT_EINVAL, 0, field, "unknown threat scenario '%s'",
					   threat);
		}
		if (m != PT_METHOD_CARVER)
			for (k = 0; k < i; k++)
				if (strcmp(threat, json_string_value(json_object_get(
								json_array_get(in->items, k), "threat_id"))) == 0) {
					snprintf(field, sizeof field, "items[%zu].threat_id", i);
					return pt_diag_set(out, PT_EINVAL, 0, field,
							   "'%s' is given twice", threat);
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
				return pt_diag_set(out, PT_EINVAL, 0, field, "%s", d.msg);
			}
			*out = d;
			return err;
		}
	}
	return PT_OK;
}

void pt_h_assessment_patch(struct pt_req *r)
{
	const char *id = site_param(r);
	const char *slash = strrchr(r->url, '/');
	struct pt_assessment_set rows;
	struct rows_input in;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_method m;
	enum pt_err err;
	int raced = 0;
	json_t *o;

	if (!id)
		return;
	memset(&d, 0, sizeof d);
	memset(&rows, 0, sizeof rows);
	if (!slash || pt_method_parse(slash + 1, &m) != PT_OK) {
		pt_reply_not_found(r);
		return;
	}
	in.items = json_object_get(r->json, "items");
	pt_api_caller(r, &c);
	err = pt_app_assessments_patch(&c, r->db, id, m, rows_from_json, &in, &rows, &raced, &d);
	if (err != PT_OK) {
		reply_failure(r, err, raced, &d);
		goto out;
	}
	o = rows_body(id, m, &rows);
	pt_reply_json(r, o ? 200 : 500, o);
out:
	pt_assessment_set_clear(&rows);
}

/* ---- the users named on a site (who read it when RED) ---- */

/* 200 {"site_id", "items": [{"name", "organisation"}]} of the site's named readers in list. */
static void reply_readers(struct pt_req *r, const struct pt_caller *c, const char *site_id,
			  struct pt_reader_list *list)
{
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_tlp tlp = PT_TLP_CLEAR;
	json_t *items;
	size_t i;
	/* issue 11 review M2: the answer names the site's readers: marked with its label */
	if (pt_app_sites_marking(c, r->db, &site_id, 1, &tlp, &d) != PT_OK) {
		pt_reader_list_clear(list);
		pt_reply_diag(r, PT_EDB, &d);
		return;
	}
	items = json_array();
	for (i = 0; items && i < list->n; i++)
		json_array_append_new(items, json_pack("{s:s,s:s}", "name", list->items[i].name,
						       "organisation", list->items[i].org_name));
	pt_reader_list_clear(list);
	pt_reply_json(r, 200, pt_marking_json(json_pack("{s:s,s:o}", "site_id", site_id, "items",
							items),
					      tlp));
}

void pt_h_readers_get(struct pt_req *r)
{
	const char *id = site_param(r);
	struct pt_reader_list list;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	if (!id)
		return;
	memset(&d, 0, sizeof d);
	pt_api_caller(r, &c);
	if ((err = pt_app_site_readers(&c, r->db, id, &list, &d)) != PT_OK)
		pt_reply_diag(r, err, &d);
	else
		reply_readers(r, &c, id, &list);
}

/* POST names body.user, DELETE un-names the {name} of the path. */
static void change_reader(struct pt_req *r, const char *name, int add)
{
	const char *id = site_param(r);
	struct pt_reader_list list;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	int raced = 0;
	if (!id)
		return;
	memset(&d, 0, sizeof d);
	pt_api_caller(r, &c);
	err = pt_app_site_reader_change(&c, r->db, id, name, add, &raced, add ? &list : NULL, &d);
	if (err != PT_OK) {
		if (err == PT_ENOTFOUND)
			pt_reply_not_found(r);
		else
			reply_failure(r, err, raced, &d);
		return;
	}
	if (add)
		reply_readers(r, &c, id, &list);
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
