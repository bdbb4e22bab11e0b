/* pt_http_catalog.c - the catalogues (kinds, sectors, threats) and the
 * national threat level: parse, call src/app/pt_app_registry, render. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_registry.h"
#include "../formats/pt_diag.h"
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
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	pt_reply_json(r, 200, pt_api_list(items, offset, shown, cat.n));
	pt_catalog_clear(&cat);
}

/* The threat levels as the API shows them, or NULL after replying with the error. */
static json_t *threat_level_body(struct pt_req *r, const struct pt_caller *c)
{
	struct pt_app_threat_levels levels;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	size_t i;
	json_t *o, *list;
	if ((err = pt_app_threat_levels_get(c, r->db, &levels, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return NULL;
	}
	list = json_array();
	for (i = 0; list && i < levels.n; i++)
		json_array_append_new(list, json_pack("{s:s,s:s}", "threat_id",
						      levels.entries[i].threat_id, "level",
						      pt_threat_level_name(levels.entries[i].level)));
	o = json_pack("{s:s,s:o}", "national", pt_threat_level_name(levels.national), "threats",
		      list);
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
	enum pt_threat_level level = PT_LEVEL_SUBSTANTIAL;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	json_t *o;
	pt_api_caller(r, &c);
	pt_threat_level_parse(json_string_value(json_object_get(r->json, "level")), &level);
	if ((err = pt_app_threat_level_set(&c, r->db, threat_id, level, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	if ((o = threat_level_body(r, &c)))
		pt_reply_json(r, 200, o);
}
