/* pt_alert_tpl_json.c - alert templates as JSON for the API (issue 13), with
 * jansson: the raw texts with their placeholders, enumerations as CAP spells them. */
#include "pt_alert_tpl_json.h"

/* [names of vals[0, n)] of enumeration e. */
static json_t *enum_list(enum pt_cap_enum e, const int *vals, size_t n)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < n; i++) {
		const char *name = pt_cap_enum_name(e, vals[i]);
		if (json_array_append_new(a, json_string(name ? name : "")) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static const char *enum_name(enum pt_cap_enum e, int v)
{
	const char *name = pt_cap_enum_name(e, v);
	return name ? name : "";
}

json_t *pt_alert_templates_json(const struct pt_alert_template *t, size_t n)
{
	json_t *list = json_array();
	size_t i, k;
	for (i = 0; list && i < n; i++) {
		json_t *langs = json_array(), *o;
		for (k = 0; langs && k < t[i].n_langs; k++) {
			const struct pt_alert_template_lang *l = &t[i].langs[k];
			if (json_array_append_new(langs, json_pack("{s:s,s:s,s:s,s:s}", "language", l->lang,
								   "event", l->event, "headline",
								   l->headline, "instruction",
								   l->instruction)) != 0) {
				json_decref(langs);
				langs = NULL;
			}
		}
		o = langs ? json_pack("{s:s,s:b,s:f,s:f,s:o,s:o,s:s,s:s,s:s,s:o}", "id", t[i].id,
				      "all_clear", t[i].all_clear, "radius_km", t[i].radius_km,
				      "duration_h", t[i].duration_h, "categories",
				      enum_list(PT_CAP_ENUM_CATEGORY, t[i].categories, t[i].n_categories),
				      "responses",
				      enum_list(PT_CAP_ENUM_RESPONSE, t[i].responses, t[i].n_responses),
				      "urgency", enum_name(PT_CAP_ENUM_URGENCY, (int)t[i].urgency),
				      "severity", enum_name(PT_CAP_ENUM_SEVERITY, (int)t[i].severity),
				      "certainty", enum_name(PT_CAP_ENUM_CERTAINTY, (int)t[i].certainty),
				      "languages", langs)
		      : NULL;
		if (!o || json_array_append_new(list, o) != 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list ? json_pack("{s:o}", "templates", list) : NULL;
}
