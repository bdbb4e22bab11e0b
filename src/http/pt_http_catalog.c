/* pt_http_catalog.c - the catalogues (kinds, sectors, threats) and the
 * national threat level: parse, call src/app/pt_app_registry, render. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/pt_app_registry.h"
#include "../app/pt_app_simulate.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_time_io.h"
#include "../core/pt_marking.h"
#include "../formats/pt_marking_io.h"
#include "pt_http_api.h"

void pt_h_catalog(struct pt_req *r)
{
	struct pt_catalog cat;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	json_t *items;
	size_t limit, offset, i, shown = 0;
	int sectors = strcmp(r->param[0], "sectors") == 0;

	memset(&cat, 0, sizeof cat);
	pt_api_caller(r, &c);
	if ((err = pt_app_catalog_get(&c, r->db, r->param[0], &cat, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_api_page(r, &limit, &offset);
	items = json_array();
	for (i = offset; items && i < cat.n && shown < limit; i++, shown++) {
		const struct pt_catalog_entry *e = &cat.items[i];
		json_t *o = json_pack("{s:s,s:s,s:s}", "id", e->id, "name", e->name, "description",
				      e->description);
		if (o && sectors)
			json_object_set_new(o, "kind", json_string(e->parent));
		/* issue 14: may the simulation attack with it (the page offers only these) */
		if (o && strcmp(r->param[0], "threats") == 0)
			json_object_set_new(o, "casualty_mix",
					    json_boolean(pt_app_sim_threat_has_mix(e->id)));
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	pt_reply_json(r, 200, pt_api_list(items, offset, shown, cat.n));
	pt_catalog_clear(&cat);
}

/* "2027-01-31T00:00:00Z", or JSON null for 0 (never). */
static json_t *time_json(int64_t at)
{
	char buf[32];
	time_t t = (time_t)at;
	struct tm tm;
	if (!at || !gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(buf);
}

/* One threat-level change as the API shows it (issue 11). */
static json_t *level_change_json(const struct pt_level_change *c)
{
	return json_pack("{s:s,s:s?,s:o,s:b,s:s,s:s,s:o,s:o,s:o}", "scope",
			 pt_level_scope_name(c->scope), "scope_id",
			 c->scope == PT_LEVEL_SCOPE_NATIONAL ? NULL : c->scope_id, "level",
			 c->cleared ? json_null() : json_string(pt_threat_level_name(c->level)),
			 "below", c->below, "rationale", c->rationale, "set_by", c->set_by, "set_at",
			 time_json(c->set_at), "expires_at", time_json(c->expires_at), "replaced",
			 c->replaced_set ? json_string(pt_threat_level_name(c->replaced))
					 : json_null());
}

/* The threat levels as the API shows them, or NULL after replying with the error. */
static json_t *threat_level_body(struct pt_req *r, const struct pt_caller *c)
{
	struct pt_app_threat_levels levels;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	size_t i;
	json_t *o, *list, *entries;
	if ((err = pt_app_threat_levels_get(c, r->db, &levels, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return NULL;
	}
	list = json_array();
	for (i = 0; list && i < levels.n; i++)
		json_array_append_new(list, json_pack("{s:s,s:s}", "threat_id",
						      levels.entries[i].threat_id, "level",
						      pt_threat_level_name(levels.entries[i].level)));
	entries = json_array();
	for (i = 0; entries && i < levels.n_in_force; i++) {
		json_t *e = level_change_json(&levels.in_force[i].change);
		if (e)
			json_object_set_new(e, "reverted", json_boolean(levels.in_force[i].reverted));
		json_array_append_new(entries, e);
	}
	o = json_pack("{s:s,s:o,s:o,s:o}", "national", pt_threat_level_name(levels.national),
		      "threats", list, "entries", entries, "at", time_json(levels.at));
	pt_app_threat_levels_clear(&levels);
	if (!o)
		pt_reply_json(r, 500, NULL);
	return o;
}

void pt_h_threat_level_get(struct pt_req *r)
{
	struct pt_caller c;
	json_t *o;
	pt_api_caller(r, &c);
	if ((o = threat_level_body(r, &c)))
		pt_reply_json(r, 200, o);
}

void pt_h_threat_level_put(struct pt_req *r)
{
	const char *threat_id = json_string_value(json_object_get(r->json, "threat_id"));
	const char *sector_id = json_string_value(json_object_get(r->json, "sector_id"));
	const char *region = json_string_value(json_object_get(r->json, "region"));
	const char *until = json_string_value(json_object_get(r->json, "until"));
	json_t *level = json_object_get(r->json, "level");
	struct pt_app_level_change in;
	struct pt_app_level_result res;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	json_t *o, *reopened;
	size_t i;
	memset(&in, 0, sizeof in);
	if (!!threat_id + !!sector_id + !!region > 1) {
		pt_reply_error(r, 400, "threat_id", 0, "give one of threat_id, sector_id, region");
		return;
	}
	in.scope = threat_id   ? PT_LEVEL_SCOPE_THREAT
		   : sector_id ? PT_LEVEL_SCOPE_SECTOR
		   : region    ? PT_LEVEL_SCOPE_REGION
			       : PT_LEVEL_SCOPE_NATIONAL;
	in.scope_id = threat_id ? threat_id : sector_id ? sector_id : region;
	in.clear = json_is_null(level);
	if (!in.clear)
		pt_threat_level_parse(json_string_value(level), &in.level);
	in.below = json_is_true(json_object_get(r->json, "below"));
	in.rationale = json_string_value(json_object_get(r->json, "rationale"));
	if (until && pt_time_parse_utc(until, &in.until)) {
		pt_reply_error(r, 400, "until", 0,
			       "not a date or time (2027-01-31 or 2027-01-31T00:00Z, UTC)");
		return;
	}
	pt_api_caller(r, &c);
	if ((err = pt_app_threat_level_change(&c, r->db, &in, &res, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	if ((o = threat_level_body(r, &c))) {
		reopened = json_array();
		for (i = 0; reopened && i < res.n_reopened; i++)
			json_array_append_new(
				reopened,
				json_pack("{s:s,s:s,s:s,s:s,s:s}", "site_id", res.reopened[i].site_id,
					  "site_name", res.reopened[i].site_name, "threat_id",
					  res.reopened[i].threat_id, "decided_band",
					  pt_band_name(res.reopened[i].decided_band), "band",
					  pt_band_name(res.reopened[i].band)));
		json_object_set_new(o, "change", level_change_json(&res.change));
		json_object_set_new(o, "reopened", reopened ? reopened : json_array());
		{ /* issue 11 review M2: the re-opened decisions carry their sites' labels */
			enum pt_tlp tlp = PT_TLP_CLEAR;
			for (i = 0; i < res.n_reopened; i++)
				tlp = pt_marking_max(tlp, res.reopened[i].site_tlp);
			o = pt_marking_json(o, tlp);
		}
		pt_reply_json(r, 200, o);
	}
	pt_app_level_result_clear(&res);
}
