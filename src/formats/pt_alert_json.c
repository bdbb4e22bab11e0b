/* pt_alert_json.c - the ALERT JSON object and the template list (issue 13),
 * built with jansson; docs/api.md describes both. */
#include "pt_alert_json.h"

#include <string.h>

/* A string, or null for NULL (and for "" when empty_null). */
static json_t *str_or_null(const char *s, int empty_null)
{
	if (!s || (empty_null && !s[0]))
		return json_null();
	return json_string(s);
}

static json_t *time_json(int64_t t)
{
	char buf[32];
	if (t <= 0)
		return json_null();
	pt_cap_time_format(t, buf, sizeof buf);
	return json_string(buf);
}

/* Set key of o to v (stolen); nonzero on failure. */
static int put(json_t *o, const char *key, json_t *v)
{
	return !v || json_object_set_new(o, key, v) != 0;
}

json_t *pt_alert_json(const struct pt_alert_json_msg *m, int with_xml)
{
	json_t *o = json_object(), *langs = json_array(), *cb = json_array(), *w = json_array();
	size_t i;
	int bad = !o || !langs || !cb || !w;

	for (i = 0; !bad && i < m->n_langs; i++)
		bad = json_array_append_new(langs, json_string(m->langs[i])) != 0;
	for (i = 0; !bad && i < m->n_cb; i++) {
		const struct pt_alert_json_cb *c = &m->cb[i];
		json_t *e = json_pack("{s:s, s:s, s:I, s:I, s:b, s:I, s:I, s:b}", "language",
				      c->language ? c->language : "", "headline",
				      c->headline ? c->headline : "", "pages", (json_int_t)c->count.pages,
				      "max_pages", (json_int_t)c->max_pages, "ucs2", c->count.ucs2 != 0,
				      "units", (json_int_t)c->count.units, "per_page",
				      (json_int_t)c->count.per_page, "fits", c->fits != 0);
		bad = !e || json_array_append_new(cb, e) != 0;
	}
	for (i = 0; !bad && i < m->n_warnings; i++) {
		json_t *e = json_pack("{s:s, s:s}", "code", m->warnings[i].code ? m->warnings[i].code : "",
				      "message", m->warnings[i].message ? m->warnings[i].message : "");
		bad = !e || json_array_append_new(w, e) != 0;
	}
	if (!bad)
		bad = put(o, "identifier", json_string(m->identifier ? m->identifier : "")) ||
		      put(o, "chain", json_string(m->chain ? m->chain : "")) ||
		      put(o, "references", str_or_null(m->references, 1)) ||
		      put(o, "msg_type", json_string(m->msg_type ? m->msg_type : "")) ||
		      put(o, "status", json_string(m->status ? m->status : "")) ||
		      put(o, "state", json_string(m->state ? m->state : "")) ||
		      put(o, "site_id", str_or_null(m->site_id, 0)) ||
		      put(o, "site_name", str_or_null(m->site_name, 0)) ||
		      (m->site_withheld && put(o, "site_withheld", json_true())) ||
		      put(o, "template", json_string(m->template_id ? m->template_id : "")) ||
		      put(o, "languages", json_incref(langs)) ||
		      put(o, "radius_km", m->has_polygon ? json_null() : json_real(m->radius_km)) ||
		      put(o, "polygon", json_boolean(m->has_polygon)) ||
		      put(o, "generic_area", json_boolean(m->generic_area)) ||
		      put(o, "sent", time_json(m->sent)) || put(o, "expires", time_json(m->expires)) ||
		      put(o, "composer", json_string(m->composer ? m->composer : "")) ||
		      put(o, "approver", str_or_null(m->approver, 1)) ||
		      put(o, "composed_at", time_json(m->composed_at)) ||
		      put(o, "decided_at", time_json(m->decided_at)) ||
		      put(o, "reason", str_or_null(m->reason, 1)) ||
		      put(o, "latest", json_boolean(m->latest)) ||
		      put(o, "in_feed", json_boolean(m->in_feed)) ||
		      put(o, "sha256", json_string(m->sha256 ? m->sha256 : "")) ||
		      put(o, "cb", json_incref(cb)) || put(o, "warnings", json_incref(w));
	if (!bad && with_xml && m->xml)
		bad = put(o, "xml", json_stringn(m->xml, m->xml_len));
	json_decref(langs);
	json_decref(cb);
	json_decref(w);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The names of enumeration e of values v[0, n) as an array. */
static json_t *names(enum pt_cap_enum e, const int *v, size_t n)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < n; i++) {
		const char *s = pt_cap_enum_name(e, v[i]);
		if (json_array_append_new(a, json_string(s ? s : "")) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *pt_alert_templates_json(const struct pt_alert_template *t, size_t n)
{
	json_t *list = json_array(), *root;
	size_t i, j;
	for (i = 0; list && i < n; i++) {
		json_t *langs = json_array(), *o;
		for (j = 0; langs && j < t[i].n_langs; j++) {
			const struct pt_alert_template_lang *l = &t[i].langs[j];
			json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "language", l->lang, "event",
					      l->event, "headline", l->headline, "instruction",
					      l->instruction);
			if (!e || json_array_append_new(langs, e) != 0) {
				json_decref(langs);
				langs = NULL;
			}
		}
		o = langs ? json_pack("{s:s, s:b, s:f, s:f, s:o, s:o, s:s, s:s, s:s, s:o}", "id",
				      t[i].id, "all_clear", t[i].all_clear != 0, "radius_km",
				      t[i].radius_km, "duration_h", t[i].duration_h, "categories",
				      names(PT_CAP_ENUM_CATEGORY, t[i].categories, t[i].n_categories),
				      "responses",
				      names(PT_CAP_ENUM_RESPONSE, t[i].responses, t[i].n_responses),
				      "urgency", pt_cap_enum_name(PT_CAP_ENUM_URGENCY, (int)t[i].urgency),
				      "severity",
				      pt_cap_enum_name(PT_CAP_ENUM_SEVERITY, (int)t[i].severity),
				      "certainty",
				      pt_cap_enum_name(PT_CAP_ENUM_CERTAINTY, (int)t[i].certainty),
				      "languages", langs)
			  : NULL;
		if (!o || json_array_append_new(list, o) != 0) {
			json_decref(list);
			return NULL;
		}
	}
	if (!list)
		return NULL;
	root = json_pack("{s:o}", "templates", list);
	return root;
}
