/* pt_app_alerts_compose.c - composing a public alert (issue 13): a CAP 1.2
 * message from a template and a site, one info block per language; new,
 * update and cancel, stored pending (Actual) or issued (Exercise, Test). */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_geo_area.h"
#include "../formats/pt_alert_template_io.h"
#include "../formats/pt_cap_xml.h"
#include "../formats/pt_diag.h"
#include "../store/pt_alert_store.h"
#include "../store/pt_audit.h"
#include "../store/pt_catalog_store.h"
#include "../store/pt_store.h"
#include "pt_app_alerts_int.h"
#include "pt_app_audit.h"

#define REFS_MAX 64 /* earlier messages one chain may hold (an Update's references) */

/* Everything one message is made of. */
struct compose {
	const struct pt_alert_template *t;
	const struct pt_site *site;
	const struct pt_config *cfg;
	enum pt_cap_msg_type type;
	enum pt_cap_status status;
	const char *langs[PT_ALERT_MAX_LANGS];
	size_t n_langs;
	double radius_km;
	const char *polygon; /* NULL: the circle (whitespace normalised) */
	int generic_area;
	double circle_lat, circle_lon, circle_km; /* the circle written (generic: snapped) */
	double text_km; /* what {radius_km} says: the circle's radius, or a polygon's reach */
	double duration_h;
	const char *note;
	int64_t now, sent, expires; /* sent: max(now, the chain's latest sent) */
	char identifier[PT_CAP_ID_MAX];
	char *references; /* "" for an Alert */
	const char *incidents;
};

static enum pt_err nomem(struct pt_diag *d)
{
	return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
}

/* PT_EINVAL naming field when s holds a code point a public alert may not carry. */
static enum pt_err text_check(const char *field, const char *s, struct pt_diag *d)
{
	uint32_t cp = 0;
	char name[64];
	if (!s || pt_alert_text_ok(s, &cp))
		return PT_OK;
	pt_text_public_name(cp, name, sizeof name);
	return pt_diag_set(d, PT_EINVAL, 0, field,
			   "holds %s, which a public alert may not carry (control characters, bidi "
			   "controls, U+2028/U+2029, U+FFFE/U+FFFF)", name);
}

/* The site's name and region reach every text: refused with a word for whom to ask. */
static enum pt_err site_text_check(const struct pt_site *site, struct pt_diag *d)
{
	uint32_t cp = 0;
	char name[64];
	if (!pt_alert_text_ok(site->name, &cp) || !pt_alert_text_ok(site->region, &cp)) {
		pt_text_public_name(cp, name, sizeof name);
		return pt_diag_set(d, PT_EINVAL, 0, "site",
				   "the site's %s contains %s, which a public alert may not carry: ask "
				   "its owner to correct it",
				   pt_alert_text_ok(site->name, NULL) ? "region" : "name", name);
	}
	return PT_OK;
}

/* Set text t (PT_ENOMEM / PT_ELIMIT into d). */
static enum pt_err set(struct pt_cap_text *t, const char *s, struct pt_diag *d)
{
	enum pt_err err = pt_cap_text_set(t, s);
	if (err == PT_ELIMIT)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "a text of the alert is too long");
	return err == PT_OK ? PT_OK : nomem(d);
}

static enum pt_err add(struct pt_cap_text **arr, size_t *n, const char *s, struct pt_diag *d)
{
	struct pt_cap_text *t;
	if (pt_cap_text_add(arr, n, &t) != PT_OK)
		return nomem(d);
	return set(t, s, d);
}

/* Render text of the template (field names it in a failure). */
static enum pt_err render(const char *text, const struct pt_alert_vars *v, char *buf,
			  size_t size, const char *field, struct pt_diag *d)
{
	enum pt_err err = pt_alert_render(text, v, buf, size);
	if (err != PT_OK)
		return pt_diag_set(d, PT_EINTERNAL, 0, field, "template: %s: cannot be rendered (%s)",
				   field, pt_strerror(err));
	return PT_OK;
}

/* t = "WORD: text" (text alone when word is NULL). */
static enum pt_err marked(struct pt_cap_text *t, const char *word, const char *text,
			  struct pt_diag *d)
{
	char *h;
	enum pt_err err;
	size_t size = strlen(text) + (word ? strlen(word) : 0) + 3;
	if (!word)
		return set(t, text, d);
	if (!(h = malloc(size)))
		return nomem(d);
	err = pt_alert_mark(word, text, h, size) == PT_OK ? set(t, h, d) : nomem(d);
	free(h);
	return err;
}

/* One info block for language l. */
static enum pt_err info_add(struct pt_cap_alert *a, const struct compose *m,
			    const struct pt_alert_template_lang *l, struct pt_diag *d)
{
	struct pt_cap_info *in;
	struct pt_cap_area *area;
	struct pt_cap_pair *code;
	struct pt_alert_vars v;
	const char *word;
	char *buf = malloc(PT_ALERT_TEXT_MAX * 3), *site = buf, *sender, *tmp;
	char when[32], circle[96];
	enum pt_err err = PT_OK;
	size_t i;

	if (!buf)
		return nomem(d);
	sender = buf + PT_ALERT_TEXT_MAX;
	tmp = buf + 2 * PT_ALERT_TEXT_MAX;
	memset(&v, 0, sizeof v);
	v.site = "";
	v.region = m->site->region;
	v.radius_km = m->text_km;
	v.expires = m->expires;
	v.utc_offset_min = m->cfg->alert_utc_offset_min;
	v.sender = "";
	if ((err = render(l->sender_name, &v, sender, PT_ALERT_TEXT_MAX, "sender_name", d)) != PT_OK)
		goto out;
	v.sender = sender;
	if (m->generic_area) {
		if ((err = render(l->generic_site, &v, site, PT_ALERT_TEXT_MAX, "generic_site", d)) !=
		    PT_OK)
			goto out;
	} else {
		pt_strlcpy(site, m->site->name, PT_ALERT_TEXT_MAX);
	}
	v.site = site;
	if (pt_cap_info_add(a, &in) != PT_OK) {
		err = nomem(d);
		goto out;
	}
	if ((err = set(&in->language, l->lang, d)) != PT_OK)
		goto out;
	for (i = 0; i < m->t->n_categories; i++)
		if ((err = add(&in->category, &in->n_category,
			       pt_cap_enum_name(PT_CAP_ENUM_CATEGORY, m->t->categories[i]), d)) != PT_OK)
			goto out;
	if ((err = render(l->event, &v, tmp, PT_ALERT_TEXT_MAX, "event", d)) != PT_OK ||
	    (err = set(&in->event, tmp, d)) != PT_OK)
		goto out;
	for (i = 0; i < m->t->n_responses; i++)
		if ((err = add(&in->response, &in->n_response,
			       pt_cap_enum_name(PT_CAP_ENUM_RESPONSE, m->t->responses[i]), d)) != PT_OK)
			goto out;
	if ((err = set(&in->urgency, pt_cap_enum_name(PT_CAP_ENUM_URGENCY, (int)m->t->urgency), d)) !=
		    PT_OK ||
	    (err = set(&in->severity, pt_cap_enum_name(PT_CAP_ENUM_SEVERITY, (int)m->t->severity),
		       d)) != PT_OK ||
	    (err = set(&in->certainty,
		       pt_cap_enum_name(PT_CAP_ENUM_CERTAINTY, (int)m->t->certainty), d)) != PT_OK)
		goto out;
	if (pt_cap_pair_add(&in->event_code, &in->n_event_code, &code) != PT_OK) {
		err = nomem(d);
		goto out;
	}
	if ((err = set(&code->name, "protect:template", d)) != PT_OK ||
	    (err = set(&code->value, m->t->id, d)) != PT_OK)
		goto out;
	pt_cap_time_format(m->expires, when, sizeof when);
	if ((err = set(&in->expires, when, d)) != PT_OK || (err = set(&in->sender_name, sender, d)) != PT_OK)
		goto out;
	/* The headline and the description: "EXERCISE: ..." / "TEST: ..." first for an
	 * Exercise or a Test (issue 13 review: a separator, and apps show the description). */
	word = pt_alert_status_word(l, m->status);
	if ((err = render(l->headline, &v, tmp, PT_ALERT_TEXT_MAX, "headline", d)) != PT_OK ||
	    (err = marked(&in->headline, word, tmp, d)) != PT_OK)
		goto out;
	if (l->description[0] || word) {
		if ((err = render(l->description, &v, tmp, PT_ALERT_TEXT_MAX, "description", d)) != PT_OK)
			goto out;
		if (!tmp[0])
			err = set(&in->description, word, d);
		else
			err = marked(&in->description, word, tmp, d);
		if (err != PT_OK)
			goto out;
	}
	if ((err = render(l->instruction, &v, tmp, PT_ALERT_TEXT_MAX, "instruction", d)) != PT_OK ||
	    (err = set(&in->instruction, tmp, d)) != PT_OK)
		goto out;
	/* issue 13 review: <web> is alert.web_url (a public page), never this server's address */
	if (m->cfg->alert_web_url[0] && strcmp(m->cfg->alert_web_url, "none") != 0 &&
	    (err = set(&in->web, m->cfg->alert_web_url, d)) != PT_OK)
		goto out;
	if (pt_cap_area_add(in, &area) != PT_OK) {
		err = nomem(d);
		goto out;
	}
	if ((err = render(m->generic_area ? l->generic_area_desc : l->area_desc, &v, tmp,
			  PT_ALERT_TEXT_MAX, "area_desc", d)) != PT_OK ||
	    (err = set(&area->desc, tmp, d)) != PT_OK)
		goto out;
	if (m->polygon) {
		err = add(&area->polygon, &area->n_polygon, m->polygon, d);
	} else {
		pt_cap_circle_format(m->circle_lat, m->circle_lon, m->circle_km, circle, sizeof circle);
		err = add(&area->circle, &area->n_circle, circle, d);
	}
out:
	free(buf);
	return err;
}

/* The CAP model of m into *out. */
static enum pt_err build(const struct compose *m, struct pt_cap_alert **out, struct pt_diag *d)
{
	struct pt_cap_alert *a = NULL;
	char sent[32], note[PT_APP_ALERT_NOTE_MAX + 64];
	enum pt_err err;
	size_t i;

	*out = NULL;
	if (pt_cap_alert_new(&a) != PT_OK)
		return nomem(d);
	pt_cap_time_format(m->sent, sent, sizeof sent);
	note[0] = '\0';
	if (m->status == PT_CAP_EXERCISE)
		pt_strlcpy(note, "EXERCISE - not a real alert", sizeof note);
	else if (m->status == PT_CAP_TEST)
		pt_strlcpy(note, "TEST - not a real alert", sizeof note);
	if (m->note && m->note[0]) {
		if (note[0])
			pt_strlcat(note, ". ", sizeof note);
		pt_strlcat(note, m->note, sizeof note);
	}
	if ((err = set(&a->identifier, m->identifier, d)) != PT_OK ||
	    (err = set(&a->sender, m->cfg->alert_sender, d)) != PT_OK ||
	    (err = set(&a->sent, sent, d)) != PT_OK ||
	    (err = set(&a->status, pt_cap_enum_name(PT_CAP_ENUM_STATUS, (int)m->status), d)) != PT_OK ||
	    (err = set(&a->msg_type, pt_cap_enum_name(PT_CAP_ENUM_MSG_TYPE, (int)m->type), d)) != PT_OK ||
	    (err = set(&a->scope, "Public", d)) != PT_OK)
		goto fail;
	if (note[0] && (err = set(&a->note, note, d)) != PT_OK)
		goto fail;
	if (m->references && m->references[0] && (err = set(&a->references, m->references, d)) != PT_OK)
		goto fail;
	if (m->incidents && m->incidents[0] && (err = set(&a->incidents, m->incidents, d)) != PT_OK)
		goto fail;
	if (m->type != PT_CAP_CANCEL)
		for (i = 0; i < m->n_langs; i++) {
			const struct pt_alert_template_lang *l = pt_alert_template_lang(m->t, m->langs[i]);
			if (!l) {
				err = pt_diag_set(d, PT_EINVAL, 0, "lang",
						  "template %s has no language '%s'", m->t->id, m->langs[i]);
				goto fail;
			}
			if ((err = info_add(a, m, l, d)) != PT_OK)
				goto fail;
		}
	*out = a;
	return PT_OK;
fail:
	pt_cap_alert_free(a);
	return err;
}

/* The message of m checked and written into r (bytes, hash, cell broadcast, warnings). */
static enum pt_err make(const struct compose *m, struct pt_app_alert *r, struct pt_diag *d)
{
	struct pt_cap_alert *a = NULL;
	struct pt_cap_problems *p = NULL;
	enum pt_err err;
	size_t i;

	if ((err = build(m, &a, d)) != PT_OK)
		return err;
	if (!(p = malloc(sizeof *p))) {
		err = nomem(d);
		goto out;
	}
	pt_cap_problems_clear(p);
	pt_cap_check(a, p);
	if (pt_cap_problems_fail(p)) { /* a composed message must be valid: a bug */
		const struct pt_cap_problem *e = NULL;
		for (i = 0; i < p->n && !e; i++)
			if (p->list[i].kind != PT_CAP_WARNING)
				e = &p->list[i];
		err = pt_diag_set(d, PT_EINTERNAL, 0, e ? e->element : "",
				  "composed alert is not valid CAP: %s: %s", e ? e->element : "?",
				  e ? e->msg : "?");
		goto out;
	}
	for (i = 0; i < p->n; i++) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s: %s", p->list[i].element, p->list[i].msg);
		pt_app_alert_warn(r, "cap", msg);
	}
	if ((err = pt_cap_xml_write(a, &r->xml, &r->xml_len)) != PT_OK) {
		err = pt_diag_set(d, err, 0, "", "writing the alert's XML: %s", pt_strerror(err));
		goto out;
	}
	{ /* issue 13 review: a message the project cannot read back is never stored */
		struct pt_cap_alert *back = NULL;
		pt_cap_problems_clear(p);
		if (pt_cap_xml_read(r->xml, r->xml_len, &back, p) != PT_OK || !back ||
		    pt_cap_problems_fail(p)) {
			const struct pt_cap_problem *e = NULL;
			for (i = 0; i < p->n && !e; i++)
				if (p->list[i].kind != PT_CAP_WARNING)
					e = &p->list[i];
			pt_cap_alert_free(back);
			err = pt_diag_set(d, PT_EINTERNAL, 0, e ? e->element : "",
					  "the composed alert does not read back: %s: %s",
					  e ? e->element : "?", e ? e->msg : "?");
			goto out;
		}
		pt_cap_alert_free(back);
	}
	pt_app_alert_sha256(r->xml, r->xml_len, r->sha256);
	for (i = 0; i < a->n_info && i < PT_ALERT_MAX_LANGS; i++) {
		struct pt_app_alert_cb *cb = &r->cb[i];
		pt_app_alert_cb_fill(cb, a->info[i].language.s, a->info[i].headline.s,
				     a->info[i].instruction.s, m->cfg->alert_cb_pages);
		if (!cb->fits) {
			char msg[256];
			snprintf(msg, sizeof msg,
				 "%s: the headline and instruction need %zu cell-broadcast pages "
				 "(alert.cb_pages allows %u): shorten them or send the rest another way",
				 cb->lang, cb->count.pages, cb->max_pages);
			pt_app_alert_warn(r, "cell_broadcast", msg);
		}
	}
out:
	free(p);
	pt_cap_alert_free(a);
	return err;
}

/* Split "en,mk,sq" (or the option's array) into m->langs; checked against the template. */
static enum pt_err langs_set(struct compose *m, const struct pt_app_alert_opts *o,
			     char (*prev)[PT_ALERT_LANG_MAX], size_t n_prev, struct pt_diag *d)
{
	size_t i, j;
	m->n_langs = 0;
	if (o && o->n_langs) {
		if (o->n_langs > PT_ALERT_MAX_LANGS)
			return pt_diag_set(d, PT_EINVAL, 0, "lang", "at most %d languages",
					   PT_ALERT_MAX_LANGS);
		for (i = 0; i < o->n_langs; i++) {
			if (!o->langs[i] || !pt_alert_template_lang(m->t, o->langs[i])) {
				char have[128] = "";
				for (j = 0; j < m->t->n_langs; j++) {
					if (j)
						pt_strlcat(have, ", ", sizeof have);
					pt_strlcat(have, m->t->langs[j].lang, sizeof have);
				}
				return pt_diag_set(d, PT_EINVAL, 0, "lang",
						   "unknown language '%s' (template %s has %s)",
						   o->langs[i] ? o->langs[i] : "", m->t->id, have);
			}
			for (j = 0; j < i; j++)
				if (strcmp(o->langs[j], o->langs[i]) == 0)
					return pt_diag_set(d, PT_EINVAL, 0, "lang",
							   "language '%s' given twice", o->langs[i]);
			m->langs[m->n_langs++] = o->langs[i];
		}
		return PT_OK;
	}
	if (n_prev) {
		for (i = 0; i < n_prev; i++)
			if (pt_alert_template_lang(m->t, prev[i]))
				m->langs[m->n_langs++] = prev[i];
		if (m->n_langs)
			return PT_OK;
	}
	for (i = 0; i < m->t->n_langs; i++)
		m->langs[m->n_langs++] = m->t->langs[i].lang;
	return PT_OK;
}

/* The template id (PT_EINVAL field "template" naming the known ones). */
static enum pt_err template_get(const char *id, const struct pt_alert_template **out,
				struct pt_diag *d)
{
	const struct pt_alert_template *all = NULL;
	size_t n = 0, i;
	char have[512] = "";
	*out = id && id[0] ? pt_alert_template_find(id) : NULL;
	if (*out)
		return PT_OK;
	if (pt_alert_templates_builtin(&all, &n, NULL) == PT_OK)
		for (i = 0; i < n; i++) {
			if (i)
				pt_strlcat(have, ", ", sizeof have);
			pt_strlcat(have, all[i].id, sizeof have);
		}
	if (!id || !id[0])
		return pt_diag_set(d, PT_EINVAL, 0, "template", "a template is needed (%s)", have);
	return pt_diag_set(d, PT_EINVAL, 0, "template", "unknown template '%s' (%s)", id, have);
}

/* Check the options that do not depend on the chain; fill m. */
static enum pt_err opts_check(const struct pt_app_alert_opts *o, struct compose *m,
			      struct pt_diag *d)
{
	enum pt_err err;
	if (o->radius_set && !(o->radius_km >= 0.05 && o->radius_km <= 100))
		return pt_diag_set(d, PT_EINVAL, 0, "radius_km",
				   "must be a number from 0.05 to 100 (km)");
	if (o->duration_set && !(o->duration_h >= 0.25 && o->duration_h <= 168))
		return pt_diag_set(d, PT_EINVAL, 0, "duration_h",
				   "must be a number from 0.25 to 168 (hours)");
	if (o->status_set && o->status != PT_CAP_ACTUAL && o->status != PT_CAP_EXERCISE &&
	    o->status != PT_CAP_TEST)
		return pt_diag_set(d, PT_EINVAL, 0, "status", "must be Actual, Exercise or Test");
	if (o->note && strlen(o->note) > PT_APP_ALERT_NOTE_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "note", "longer than %d bytes",
				   PT_APP_ALERT_NOTE_MAX);
	if (o->note && (err = text_check("note", o->note, d)) != PT_OK)
		return err;
	if (o->polygon) {
		double *lat = malloc(PT_CAP_MAX_POINTS * sizeof *lat);
		double *lon = malloc(PT_CAP_MAX_POINTS * sizeof *lon);
		size_t n = 0;
		err = lat && lon ? pt_cap_polygon_parse(o->polygon, lat, lon,
								     PT_CAP_MAX_POINTS, &n)
					     : PT_ENOMEM;
		free(lat);
		free(lon);
		if (err == PT_ENOMEM)
			return nomem(d);
		if (err != PT_OK)
			return pt_diag_set(d, PT_EINVAL, 0, "polygon",
					   "not a CAP polygon: \"lat,lon lat,lon ...\", closed (the last "
					   "point the first), at least 4 points, at most %d",
					   PT_CAP_MAX_POINTS);
		m->polygon = o->polygon;
	}
	m->note = o->note;
	return PT_OK;
}

/*
 * issue 13 review: the area written. A polygon: whitespace normalised into
 * *norm, a simple ring of area > 0, every vertex within
 * PT_ALERT_POLYGON_MAX_KM of the site, the site inside or within
 * PT_ALERT_POLYGON_NEAR_KM; {radius_km} says its farthest vertex (rounded
 * up to 0.1 km). A generic circle: centre on a grid, radius enlarged.
 */
static enum pt_err area_set(struct compose *m, char **norm, struct pt_diag *d)
{
	if (m->polygon) {
		double *lat = malloc(PT_CAP_MAX_POINTS * sizeof *lat);
		double *lon = malloc(PT_CAP_MAX_POINTS * sizeof *lon);
		double far = 0;
		size_t n = 0, len = 0;
		const char *p;
		enum pt_geo_polygon_verdict v = PT_GEO_POLYGON_NOMEM;
		enum pt_err err = PT_OK;
		if (lat && lon && (*norm = malloc(strlen(m->polygon) + 1)) != NULL) {
			for (p = m->polygon; *p; p++) {
				int ws = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
				if (!ws)
					(*norm)[len++] = *p;
				else if (len && (*norm)[len - 1] != ' ')
					(*norm)[len++] = ' ';
			}
			while (len && (*norm)[len - 1] == ' ')
				len--;
			(*norm)[len] = '\0';
			if (pt_cap_polygon_parse(*norm, lat, lon, PT_CAP_MAX_POINTS, &n) != PT_OK)
				v = PT_GEO_POLYGON_DEGENERATE;
			else
				v = pt_geo_polygon_check(lat, lon, n, m->site->lat, m->site->lon,
							 PT_ALERT_POLYGON_MAX_KM,
							 PT_ALERT_POLYGON_NEAR_KM, &far);
		}
		free(lat);
		free(lon);
		switch (v) {
		case PT_GEO_POLYGON_OK:
			break;
		case PT_GEO_POLYGON_NOMEM: err = nomem(d); break;
		case PT_GEO_POLYGON_DEGENERATE:
			err = pt_diag_set(d, PT_EINVAL, 0, "polygon",
					  "has no area: it needs three distinct corners that are not on "
					  "one line");
			break;
		case PT_GEO_POLYGON_CROSSES:
			err = pt_diag_set(d, PT_EINVAL, 0, "polygon",
					  "crosses itself: give its corners in order around the area");
			break;
		case PT_GEO_POLYGON_TOO_FAR:
			err = pt_diag_set(d, PT_EINVAL, 0, "polygon",
					  "reaches %.0f km from site %s: at most %.0f km", far, m->site->id,
					  PT_ALERT_POLYGON_MAX_KM);
			break;
		case PT_GEO_POLYGON_NOT_NEAR:
			err = pt_diag_set(d, PT_EINVAL, 0, "polygon",
					  "neither contains site %s nor passes within %.0f km of it",
					  m->site->id, PT_ALERT_POLYGON_NEAR_KM);
			break;
		}
		if (err != PT_OK)
			return err;
		m->polygon = *norm;
		m->text_km = pt_geo_ceil_tenth(far);
		return PT_OK;
	}
	if (m->generic_area) {
		pt_geo_generic_circle(m->site->lat, m->site->lon, m->radius_km,
				      PT_ALERT_GENERIC_GRID_DEG, PT_ALERT_GENERIC_MARGIN_KM,
				      &m->circle_lat, &m->circle_lon, &m->circle_km);
	} else {
		m->circle_lat = m->site->lat;
		m->circle_lon = m->site->lon;
		m->circle_km = m->radius_km;
	}
	m->text_km = m->circle_km;
	return PT_OK;
}

/* "sender,identifier,sent" of every issued message of chain, oldest first;
 * *latest_sent: the latest sent among them. */
static enum pt_err references_make(struct pt_db *db, const char *sender, const char *chain,
				   char **out, int64_t *latest_sent, struct pt_diag *d)
{
	struct pt_db_alert *rows = NULL;
	size_t n = 0, i, len = 1;
	enum pt_err err;
	char sent[32];
	*out = NULL;
	if ((err = pt_db_alert_chain_issued(db, chain, REFS_MAX, &rows, &n, d)) != PT_OK) {
		if (err == PT_ELIMIT)
			err = pt_diag_set(d, PT_ELIMIT, 0, "id",
					  "a chain holds at most %d messages: start a new alert",
					  REFS_MAX);
		return err;
	}
	for (i = 0; i < n; i++)
		len += strlen(sender) + strlen(rows[i].identifier) + 32 + 3;
	if (!(*out = malloc(len))) {
		free(rows);
		return nomem(d);
	}
	(*out)[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			pt_strlcat(*out, " ", len);
		pt_cap_time_format(rows[i].sent, sent, sizeof sent);
		if (rows[i].sent > *latest_sent)
			*latest_sent = rows[i].sent;
		pt_strlcat(*out, sender, len);
		pt_strlcat(*out, ",", len);
		pt_strlcat(*out, rows[i].identifier, len);
		pt_strlcat(*out, ",", len);
		pt_strlcat(*out, sent, len);
	}
	free(rows);
	return PT_OK;
}

/*
 * issue 13 review: a pending message of chain that may still be approved
 * (composed within alert.approval_min and not expired) into id; "" when
 * none. A draft past that has lapsed and no longer blocks its chain.
 */
static enum pt_err live_pending(struct pt_db *db, const char *chain, int64_t now,
				unsigned approval_min, char *id, size_t size, struct pt_diag *d)
{
	struct pt_db_alert *rows = NULL;
	size_t n = 0, i;
	int pending;
	enum pt_err err;
	id[0] = '\0';
	if ((pending = pt_db_alert_chain_pending(db, chain, d)) <= 0)
		return pending < 0 ? PT_EDB : PT_OK;
	if ((err = pt_db_alert_list(db, 1000000, &rows, &n, d)) != PT_OK)
		return err;
	for (i = 0; i < n && !id[0]; i++)
		if (strcmp(rows[i].chain, chain) == 0 && strcmp(rows[i].state, "pending") == 0 &&
		    now - rows[i].composed_at <= (int64_t)approval_min * 60 && now < rows[i].expires)
			pt_strlcpy(id, rows[i].identifier, size);
	free(rows);
	return PT_OK;
}

/*
 * The one path of new, update and cancel: prev is the message updated or
 * cancelled (NULL for a new Alert), checked inside the write transaction.
 */
static enum pt_err compose(const struct pt_caller *c, struct pt_db *db, const char *prev_id,
			   enum pt_cap_msg_type type, const struct pt_app_alert_opts *o,
			   int dry_run, struct pt_app_alert **out, struct pt_diag *d,
			   const struct pt_run_access *run)
{
	struct pt_app_alert_opts none;
	struct pt_db_alert prev, row;
	struct pt_config cfg;
	struct pt_site site;
	struct compose m;
	struct pt_app_alert *r = NULL;
	char prev_langs[PT_ALERT_MAX_LANGS][PT_ALERT_LANG_MAX];
	size_t n_prev_langs = 0;
	char *polygon_prev = NULL, *polygon_norm = NULL;
	const char *site_id;
	int in_tx = 0;
	enum pt_err err;

	*out = NULL;
	memset(&prev, 0, sizeof prev);
	memset(&m, 0, sizeof m);
	if (!o) {
		memset(&none, 0, sizeof none);
		o = &none;
	}
	if (run) { /* issue 15: the exercise run's public information officer, Exercise only */
		if (pt_access_alert_compose_exercise(&c->who, run) != PT_ACCESS_OK)
			return pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
					   "only the run's public information officer issues exercise "
					   "alerts");
		if (prev_id || !o || !o->status_set || o->status != PT_CAP_EXERCISE)
			return pt_diag_set(d, PT_EINVAL, 0, "status",
					   "an alert from within an exercise is a new one with status "
					   "Exercise");
	} else if (pt_access_alert_compose(&c->who) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				   "only a public information officer or a coordinator of a government "
				   "organisation may compose public alerts");
	if ((err = pt_db_config_load(db, &cfg, d)) != PT_OK)
		return err;
	m.cfg = &cfg;
	m.type = type;
	m.now = pt_app_now(c->now);
	if ((err = opts_check(o, &m, d)) != PT_OK)
		return err;
	if (prev_id) {
		if ((err = pt_app_alert_read_row(c, db, prev_id, 0, &prev, NULL, 0, d)) != PT_OK)
			return err;
		site_id = prev.site_id;
		if (o->site_id && o->site_id[0] && strcmp(o->site_id, prev.site_id) != 0 &&
		    type != PT_CAP_CANCEL)
			return pt_diag_set(d, PT_EINVAL, 0, "site",
					   "an update is about the same site as its chain (%s)",
					   prev.site_id);
	} else {
		site_id = o->site_id;
		if (!site_id || !site_id[0])
			return pt_diag_set(d, PT_EINVAL, 0, "site", "a site is needed (--site ID)");
	}
	if ((err = pt_app_alert_site(c, db, site_id, &site, d)) != PT_OK)
		return err;
	if (type != PT_CAP_CANCEL && (err = site_text_check(&site, d)) != PT_OK)
		return err;
	m.site = &site;
	/* The template, languages, status, area and duration. */
	if (type == PT_CAP_CANCEL) {
		if ((err = template_get(prev.template_id, &m.t, d)) != PT_OK)
			return err;
	} else if ((err = template_get(o->template_id && o->template_id[0] ? o->template_id
						: prev_id ? prev.template_id : o->template_id,
				       &m.t, d)) != PT_OK) {
		return err;
	}
	if (!prev_id && m.t->all_clear)
		return pt_diag_set(d, PT_EINVAL, 0, "template",
				   "an all clear (%s) is an update of an alert: protect alert update ID "
				   "--template %s", m.t->id, m.t->id);
	if (prev_id) {
		char langs[sizeof prev.languages], *p;
		int v = PT_CAP_ACTUAL;
		pt_cap_enum_parse(PT_CAP_ENUM_STATUS, prev.status, &v);
		m.status = (enum pt_cap_status)v;
		if (o->status_set && o->status != m.status && type != PT_CAP_CANCEL)
			return pt_diag_set(d, PT_EINVAL, 0, "status",
					   "a chain keeps its status (%s)", prev.status);
		pt_strlcpy(langs, prev.languages, sizeof langs);
		for (p = strtok(langs, ","); p && n_prev_langs < PT_ALERT_MAX_LANGS; p = strtok(NULL, ","))
			pt_strlcpy(prev_langs[n_prev_langs++], p, PT_ALERT_LANG_MAX);
		m.radius_km = o->radius_set ? o->radius_km : prev.polygon ? m.t->radius_km : prev.radius_km;
		m.generic_area = o->generic_area || prev.generic_area;
		m.duration_h = o->duration_set ? o->duration_h
			       : prev.expires > prev.sent ? (double)(prev.expires - prev.sent) / 3600.0
						       : m.t->duration_h;
		if (!o->polygon && !o->radius_set && prev.polygon && type != PT_CAP_CANCEL) {
			/* the previous message's polygon, from its bytes */
			struct pt_db_alert px;
			struct pt_cap_alert *a = NULL;
			struct pt_cap_problems *pp = malloc(sizeof *pp);
			if (pp && pt_db_alert_get(db, prev.identifier, 1, &px, d) == PT_OK) {
				if (pt_cap_xml_read(px.xml, px.xml_len, &a, pp) == PT_OK && a &&
				    a->n_info && a->info[0].n_area && a->info[0].area[0].n_polygon)
					polygon_prev = strdup(a->info[0].area[0].polygon[0].s);
				pt_cap_alert_free(a);
				pt_db_alert_clear(&px);
			}
			free(pp);
			m.polygon = polygon_prev;
		}
	} else {
		m.status = o->status_set ? o->status : PT_CAP_ACTUAL;
		m.radius_km = o->radius_set ? o->radius_km : m.t->radius_km;
		m.generic_area = o->generic_area;
		m.duration_h = o->duration_set ? o->duration_h : m.t->duration_h;
	}
	if (!dry_run && m.status == PT_CAP_ACTUAL &&
	    pt_access_alert_compose_actual(&c->who) != PT_ACCESS_OK) { /* issue 13 review */
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "system",
				  "an Actual alert needs two named users: compose it as one (--as "
				  "USER), not as the system administrator");
		goto out;
	}
	if ((err = langs_set(&m, type == PT_CAP_CANCEL ? NULL : o, prev_langs, n_prev_langs, d)) !=
	    PT_OK)
		goto out;
	if (type != PT_CAP_CANCEL && (err = area_set(&m, &polygon_norm, d)) != PT_OK)
		goto out;
	if (m.polygon)
		m.radius_km = 0;
	m.sent = m.now;
	if (!(r = calloc(1, sizeof *r))) {
		err = nomem(d);
		goto out;
	}

	/* The chain's state, read and written in one transaction. */
	pt_app_act(c, db);
	if ((err = dry_run ? pt_db_begin_read(db, d) : pt_db_begin(db, d)) != PT_OK)
		goto out;
	in_tx = 1;
	if (prev_id) {
		char pending[PT_DB_ALERT_ID_MAX], when[32];
		pt_db_alert_clear(&prev);
		if ((err = pt_db_alert_get(db, prev_id, 0, &prev, d)) != PT_OK)
			goto out;
		if (strcmp(prev.state, "issued") != 0 || !prev.latest) {
			err = pt_diag_set(d, PT_ECONFLICT, 0, "id",
					  "only the latest issued message of a chain can be %s (%s is %s)",
					  type == PT_CAP_CANCEL ? "cancelled" : "updated", prev_id,
					  strcmp(prev.state, "issued") != 0 ? prev.state
									    : "not the latest");
			goto out;
		}
		if (prev.msg_type[0] == 'C') {
			err = pt_diag_set(d, PT_ECONFLICT, 0, "id",
					  "alert %s is a Cancel: its chain is closed", prev_id);
			goto out;
		}
		/* issue 13 review: an expired message has nothing left to cancel or update */
		if (prev.expires <= m.now) {
			pt_cap_time_format(prev.expires, when, sizeof when);
			err = pt_diag_set(d, PT_ECONFLICT, 0, "id", "%s expired at %s: nothing to %s",
					  prev_id, when, type == PT_CAP_CANCEL ? "cancel" : "update");
			goto out;
		}
		if ((err = live_pending(db, prev.chain, m.now, cfg.alert_approval_min, pending,
					sizeof pending, d)) != PT_OK)
			goto out;
		if (pending[0]) {
			err = pt_diag_set(d, PT_ECONFLICT, 0, "id",
					  "%s awaits approval: approve or reject it first", pending);
			goto out;
		}
		if ((err = references_make(db, cfg.alert_sender, prev.chain, &m.references, &m.sent,
					   d)) != PT_OK)
			goto out;
		m.incidents = prev.chain;
	}
	/* sent = max(now, the chain's latest sent): a chain can always be cancelled */
	m.expires = type == PT_CAP_CANCEL ? prev.expires
					  : m.sent + (int64_t)llround(m.duration_h * 3600.0);
	if (pt_cap_identifier_make("PT", m.sent, randombytes_random(), m.identifier,
				   sizeof m.identifier) != PT_OK) {
		err = pt_diag_set(d, PT_EINTERNAL, 0, "identifier", "cannot make an identifier");
		goto out;
	}
	if ((err = make(&m, r, d)) != PT_OK)
		goto out;

	/* The result, and the row as stored. */
	pt_strlcpy(r->identifier, m.identifier, sizeof r->identifier);
	pt_strlcpy(r->chain, prev_id ? prev.chain : m.identifier, sizeof r->chain);
	pt_strlcpy(r->references, prev_id ? prev.identifier : "", sizeof r->references);
	r->msg_type = type;
	r->status = m.status;
	r->state = dry_run ? PT_APP_ALERT_PREVIEW
			   : m.status == PT_CAP_ACTUAL ? PT_APP_ALERT_PENDING : PT_APP_ALERT_ISSUED;
	pt_strlcpy(r->site_id, site.id, sizeof r->site_id);
	pt_strlcpy(r->site_name, site.name, sizeof r->site_name);
	pt_strlcpy(r->template_id, m.t->id, sizeof r->template_id);
	for (size_t i = 0; i < m.n_langs && type != PT_CAP_CANCEL; i++)
		pt_strlcpy(r->langs[r->n_langs++], m.langs[i], sizeof r->langs[0]);
	if (type == PT_CAP_CANCEL)
		for (size_t i = 0; i < n_prev_langs; i++)
			pt_strlcpy(r->langs[r->n_langs++], prev_langs[i], sizeof r->langs[0]);
	r->radius_km = m.polygon ? 0 : m.radius_km;
	r->has_polygon = m.polygon != NULL;
	r->generic_area = m.generic_area;
	r->sent = m.sent;
	r->expires = m.expires;
	pt_strlcpy(r->composer, c->name, sizeof r->composer);
	r->composed_at = m.now;
	r->decided_at = r->state == PT_APP_ALERT_ISSUED ? m.now : 0;
	r->latest = r->state == PT_APP_ALERT_ISSUED;
	r->in_feed = 0; /* Exercise and Test never; Actual only once approved */
	if (site.tlp >= PT_TLP_AMBER && !m.generic_area && type != PT_CAP_CANCEL) {
		char msg[256];
		snprintf(msg, sizeof msg,
			 "site %s is %s: a public alert reveals its name and place; --generic-area "
			 "(API \"generic_area\": true) uses the template's generic texts instead",
			 site.id, pt_tlp_name(site.tlp));
		pt_app_alert_warn(r, "reveals_site", msg);
	}
	if (!dry_run) {
		char detail[512];
		const char *cover = site.id;
		size_t i;
		memset(&row, 0, sizeof row);
		pt_strlcpy(row.identifier, r->identifier, sizeof row.identifier);
		pt_strlcpy(row.chain, r->chain, sizeof row.chain);
		pt_strlcpy(row.references_id, r->references, sizeof row.references_id);
		pt_strlcpy(row.msg_type, pt_cap_enum_name(PT_CAP_ENUM_MSG_TYPE, (int)type),
			   sizeof row.msg_type);
		pt_strlcpy(row.status, pt_cap_enum_name(PT_CAP_ENUM_STATUS, (int)m.status),
			   sizeof row.status);
		pt_strlcpy(row.state, pt_app_alert_state_name(r->state), sizeof row.state);
		pt_strlcpy(row.site_id, site.id, sizeof row.site_id);
		pt_strlcpy(row.template_id, m.t->id, sizeof row.template_id);
		for (i = 0; i < r->n_langs; i++) {
			if (i)
				pt_strlcat(row.languages, ",", sizeof row.languages);
			pt_strlcat(row.languages, r->langs[i], sizeof row.languages);
		}
		row.radius_km = r->radius_km;
		row.polygon = r->has_polygon;
		row.generic_area = r->generic_area;
		row.sent = r->sent;
		row.expires = r->expires;
		row.feed_until = r->expires; /* a Cancel's: the cancelled message's expires */
		row.composer_id = c->who.system ? 0 : c->who.user_id;
		pt_strlcpy(row.composer, c->name[0] ? c->name : "system", sizeof row.composer);
		row.composed_at = r->composed_at;
		row.decided_at = r->decided_at;
		pt_strlcpy(row.sha256, r->sha256, sizeof row.sha256);
		row.xml = r->xml;
		row.xml_len = r->xml_len;
		if ((err = pt_db_alert_insert(db, &row, d)) != PT_OK)
			goto out;
		snprintf(detail, sizeof detail, "sha256=%s bytes=%zu composer=%s %s %s site=%s%s%s",
			 r->sha256, r->xml_len, row.composer, row.msg_type, row.status, site.id,
			 prev_id ? " references=" : "", prev_id ? prev_id : "");
		if ((err = pt_audit_append_records(db, r->state == PT_APP_ALERT_ISSUED ? "alert.issue"
										       : "alert.compose",
						   "alerts", r->identifier, detail, "sites", &cover, 1,
						   d)) != PT_OK)
			goto out;
		pt_strlcpy(r->composer, row.composer, sizeof r->composer);
	}
out:
	if (in_tx)
		err = pt_db_end(db, err, d); /* a preview wrote nothing */
	free(m.references);
	free(polygon_prev);
	free(polygon_norm);
	pt_db_alert_clear(&prev);
	if (err != PT_OK) {
		pt_app_alert_free(r);
		return err;
	}
	*out = r;
	return PT_OK;
}

enum pt_err pt_app_alert_new(const struct pt_caller *c, struct pt_db *db,
			     const struct pt_app_alert_opts *o, int dry_run,
			     struct pt_app_alert **out, struct pt_diag *d)
{
	enum pt_err err = compose(c, db, NULL, PT_CAP_ALERT, o, dry_run, out, d, NULL);
	return pt_app_refused(c, db, "alert.compose", "alerts", "", err, d); /* audited when refused */
}

enum pt_err pt_app_alert_update(const struct pt_caller *c, struct pt_db *db, const char *id,
				const struct pt_app_alert_opts *o, int dry_run,
				struct pt_app_alert **out, struct pt_diag *d)
{
	enum pt_err err = compose(c, db, id ? id : "", PT_CAP_UPDATE, o, dry_run, out, d, NULL);
	return pt_app_refused(c, db, "alert.update", "alerts", id, err, d);
}

enum pt_err pt_app_alert_cancel(const struct pt_caller *c, struct pt_db *db, const char *id,
				const struct pt_app_alert_opts *o, int dry_run,
				struct pt_app_alert **out, struct pt_diag *d)
{
	enum pt_err err = compose(c, db, id ? id : "", PT_CAP_CANCEL, o, dry_run, out, d, NULL);
	return pt_app_refused(c, db, "alert.cancel", "alerts", id, err, d);
}

/* issue 15: an Exercise alert from within an exercise run (pt_app_exercise_runs_read.c) */
enum pt_err pt_app_alert_new_exercise(const struct pt_caller *c, struct pt_db *db,
				      const struct pt_app_alert_opts *o,
				      const struct pt_run_access *run, struct pt_app_alert **out,
				      struct pt_diag *d)
{
	return compose(c, db, NULL, PT_CAP_ALERT, o, 0, out, d, run);
}
