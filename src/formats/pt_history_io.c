/* pt_history_io.c - a snapshot's stored JSON document (written and read back, all or
 * nothing), and the JSON and CSV of snapshots and comparisons (issue 16 item 6). */
#include "pt_history_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pt_csv.h"
#include "pt_diag.h"
#include "pt_marking_io.h"

void pt_hist_time_text(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		pt_strlcpy(buf, "1970-01-01T00:00:00Z", size);
}

/* ---- writing the stored document ---- */

/* Append o to a (NULL o or a failure: nonzero). */
static int push(json_t *a, json_t *o)
{
	return !o || json_array_append_new(a, o) != 0;
}

static json_t *range_json(const struct pt_range *r)
{
	return json_pack("[fff]", r->min, r->mode, r->max);
}

static json_t *ids_json(const long long *ids, size_t n)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < n; i++)
		if (push(a, json_integer(ids[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *settings_json(const struct pt_config *cfg)
{
	json_t *o = json_object();
	size_t i;
	for (i = 0; o && i < pt_config_key_count(); i++) {
		char text[PT_SETTING_VALUE_MAX];
		if (pt_config_get_text(cfg, pt_config_key_name(i), text, sizeof text) != PT_OK)
			continue;
		if (json_object_set_new(o, pt_config_key_name(i), json_string(text))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

json_t *pt_hist_inputs_to_json(const struct pt_hist_inputs *in)
{
	json_t *root = json_object(), *a;
	size_t i;
	int bad = !root;
	if (bad)
		return NULL;
	bad |= json_object_set_new(root, "format", json_string(PT_HIST_FORMAT)) != 0;
	bad |= json_object_set_new(root, "settings", settings_json(&in->cfg)) != 0;
	bad |= json_object_set_new(root, "levels", a = json_array()) != 0;
	for (i = 0; !bad && i < in->n_levels; i++) {
		const struct pt_level_change *c = &in->levels[i].change;
		bad |= push(a, json_pack("{sssssssb}", "scope", pt_level_scope_name(c->scope),
					 "scope_id", c->scope_id, "level",
					 pt_threat_level_name(c->level), "below", c->below));
	}
	bad |= json_object_set_new(root, "sites", a = json_array()) != 0;
	for (i = 0; !bad && i < in->n_sites; i++) {
		const struct pt_hist_site *s = &in->sites[i];
		bad |= push(a, json_pack("{sssssssssssssssIsososf}", "id", s->site.id, "name",
					 s->site.name, "kind", s->site.kind, "sector",
					 s->site.sector, "region", s->site.region, "owner",
					 s->site.owner, "tlp", pt_tlp_name(s->site.tlp),
					 "owner_org_id", (json_int_t)s->owner_org_id, "partners",
					 ids_json(in->ids ? in->ids + s->partners_at : NULL, s->n_partners),
					 "red_readers",
					 ids_json(in->ids ? in->ids + s->readers_at : NULL, s->n_readers),
					 "downstream_eur", s->downstream_eur));
	}
	bad |= json_object_set_new(root, "quant", a = json_array()) != 0;
	for (i = 0; !bad && i < in->n_quant; i++) {
		const struct pt_quant_row *q = &in->quant[i];
		bad |= push(a, json_pack("{sssssososososo}", "site_id", q->site_id, "threat_id",
					 q->threat_id, "p_attempt",
					 range_json(&q->var[PT_QV_P_ATTEMPT]), "p_success",
					 range_json(&q->var[PT_QV_P_SUCCESS]), "fatalities",
					 range_json(&q->var[PT_QV_FATALITIES]), "injuries",
					 range_json(&q->var[PT_QV_INJURIES]), "loss_eur",
					 range_json(&q->var[PT_QV_LOSS_EUR])));
	}
	bad |= json_object_set_new(root, "fema", a = json_array()) != 0;
	for (i = 0; !bad && i < in->n_fema; i++) {
		const struct pt_fema_row *f = &in->fema[i];
		bad |= push(a, json_pack("{sssssisisi}", "site_id", f->site_id, "threat_id",
					 f->threat_id, "asset_value", f->asset_value,
					 "threat_rating", f->threat_rating, "vulnerability_rating",
					 f->vulnerability_rating));
	}
	bad |= json_object_set_new(root, "measures", a = json_array()) != 0;
	for (i = 0; !bad && i < in->n_measures; i++) {
		const struct pt_hist_measure *m = &in->measures[i];
		bad |= push(a, json_pack("{ssssss}", "site_id", m->site_id, "measure_id",
					 m->measure_id, "status",
					 pt_site_measure_status_name(m->status)));
	}
	bad |= json_object_set_new(root, "effects", a = json_array()) != 0;
	for (i = 0; !bad && i < in->n_effects; i++) {
		const struct pt_hist_effect *e = &in->effects[i];
		bad |= push(a, json_pack("{sssssfsf}", "measure_id", e->measure_id, "threat_id",
					 e->threat_id, "v", e->v, "c", e->c));
	}
	bad |= json_object_set_new(root, "decisions", a = json_array()) != 0;
	for (i = 0; !bad && i < in->n_decisions; i++) {
		const struct pt_hist_decision *x = &in->decisions[i];
		bad |= push(a, json_pack("{sssssssssssb}", "site_id", x->site_id, "threat_id",
					 x->threat_id, "treatment", pt_treatment_name(x->treatment),
					 "responsible", x->responsible, "review_date",
					 x->review_date, "approved", x->approved));
	}
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* ---- reading it back (all or nothing) ---- */

/* The failure of member path[i].key: PT_EINVAL naming it. */
static enum pt_err bad_member(struct pt_diag *d, const char *array, size_t i, const char *key,
			      const char *what)
{
	char field[64];
	if (array)
		snprintf(field, sizeof field, "%s[%zu].%s", array, i, key);
	else
		snprintf(field, sizeof field, "%s", key);
	return pt_diag_set(d, PT_EINVAL, 0, field, "%s %s", field, what);
}

static enum pt_err get_text(json_t *o, const char *array, size_t i, const char *key, char *dst,
			    size_t cap, struct pt_diag *d)
{
	json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);
	if (!s)
		return bad_member(d, array, i, key, "must be a string");
	if (strlen(s) >= cap)
		return bad_member(d, array, i, key, "is too long");
	pt_strlcpy(dst, s, cap);
	return PT_OK;
}

static enum pt_err get_num(json_t *o, const char *array, size_t i, const char *key, double lo,
			   double hi, double *out, struct pt_diag *d)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < lo ||
	    json_number_value(v) > hi)
		return bad_member(d, array, i, key, "must be a number in range");
	*out = json_number_value(v);
	return PT_OK;
}

static enum pt_err get_int(json_t *o, const char *array, size_t i, const char *key, long long lo,
			   long long hi, long long *out, struct pt_diag *d)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return bad_member(d, array, i, key, "must be a whole number in range");
	*out = (long long)json_integer_value(v);
	return PT_OK;
}

static enum pt_err get_range(json_t *o, const char *array, size_t i, const char *key,
			     struct pt_range *r, struct pt_diag *d)
{
	json_t *v = json_object_get(o, key);
	double x[3];
	size_t k;
	if (!json_is_array(v) || json_array_size(v) != 3)
		return bad_member(d, array, i, key, "must be [min, mode, max]");
	for (k = 0; k < 3; k++) {
		json_t *e = json_array_get(v, k);
		if (!json_is_number(e) || !isfinite(json_number_value(e)) || json_number_value(e) < 0)
			return bad_member(d, array, i, key, "must hold three numbers >= 0");
		x[k] = json_number_value(e);
	}
	if (x[0] > x[1] || x[1] > x[2])
		return bad_member(d, array, i, key, "must have min <= mode <= max");
	r->min = x[0];
	r->mode = x[1];
	r->max = x[2];
	return PT_OK;
}

/* The array member key of root (at most max elements) in *a, its size in *n. */
static enum pt_err get_array(json_t *root, const char *key, size_t max, json_t **a, size_t *n,
			     struct pt_diag *d)
{
	*a = json_object_get(root, key);
	if (!json_is_array(*a))
		return bad_member(d, NULL, 0, key, "must be an array");
	*n = json_array_size(*a);
	if (*n > max)
		return pt_diag_set(d, PT_ELIMIT, 0, key, "%s holds %zu entries, more than %zu", key,
				   *n, max);
	return PT_OK;
}

/* calloc(n ? n : 1, size) into *p. */
static enum pt_err room(void *p, size_t n, size_t size, struct pt_diag *d)
{
	void **pp = p;
	if (!(*pp = calloc(n ? n : 1, size)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	return PT_OK;
}

static enum pt_err read_settings(json_t *root, struct pt_config *cfg, struct pt_diag *d)
{
	json_t *o = json_object_get(root, "settings"), *v;
	const char *key;
	pt_config_defaults(cfg);
	if (!json_is_object(o))
		return bad_member(d, NULL, 0, "settings", "must be an object");
	json_object_foreach(o, key, v)
	{
		const char *s = json_string_value(v);
		size_t k;
		if (pt_config_key_index(key, &k) != PT_OK)
			continue; /* a setting this build no longer knows changes nothing it computes */
		if (!s || pt_config_set(cfg, key, s, NULL) != PT_OK)
			return pt_diag_set(d, PT_EINVAL, 0, "settings", "settings.%s is not valid",
					   key);
	}
	return PT_OK;
}

static enum pt_err read_levels(json_t *root, struct pt_hist_inputs *in, struct pt_diag *d)
{
	json_t *a;
	size_t n, i;
	enum pt_err err;
	if ((err = get_array(root, "levels", 1024, &a, &n, d)) != PT_OK ||
	    (err = room(&in->levels, n, sizeof *in->levels, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		struct pt_level_change *c = &in->levels[i].change;
		char scope[16], level[16];
		if ((err = get_text(o, "levels", i, "scope", scope, sizeof scope, d)) != PT_OK ||
		    (err = get_text(o, "levels", i, "scope_id", c->scope_id, sizeof c->scope_id,
				    d)) != PT_OK ||
		    (err = get_text(o, "levels", i, "level", level, sizeof level, d)) != PT_OK)
			return err;
		if (pt_level_scope_parse(scope, &c->scope) != PT_OK)
			return bad_member(d, "levels", i, "scope", "is not a scope");
		if (pt_threat_level_parse(level, &c->level) != PT_OK)
			return bad_member(d, "levels", i, "level", "is not a threat level");
		c->below = json_is_true(json_object_get(o, "below"));
		in->n_levels++;
	}
	return PT_OK;
}

/* The ids of array member key of o appended to in->ids. */
static enum pt_err read_ids(json_t *o, size_t i, const char *key, struct pt_hist_inputs *in,
			    size_t *cap, size_t *at, size_t *n, struct pt_diag *d)
{
	json_t *a = json_object_get(o, key);
	size_t k, m;
	if (!json_is_array(a))
		return bad_member(d, "sites", i, key, "must be an array");
	m = json_array_size(a);
	*at = in->n_ids;
	*n = m;
	if (in->n_ids + m > PT_HIST_IDS_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "sites", "more than %d partner and reader ids",
				   PT_HIST_IDS_MAX);
	if (in->n_ids + m > *cap) {
		size_t want = (in->n_ids + m) * 2;
		long long *p = realloc(in->ids, want * sizeof *p);
		if (!p)
			return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		in->ids = p;
		*cap = want;
	}
	for (k = 0; k < m; k++) {
		json_t *e = json_array_get(a, k);
		if (!json_is_integer(e))
			return bad_member(d, "sites", i, key, "must hold whole numbers");
		in->ids[in->n_ids++] = (long long)json_integer_value(e);
	}
	return PT_OK;
}

static enum pt_err read_sites(json_t *root, struct pt_hist_inputs *in, struct pt_diag *d)
{
	json_t *a;
	size_t n, i, cap = 0;
	enum pt_err err;
	if ((err = get_array(root, "sites", PT_HIST_SITES_MAX, &a, &n, d)) != PT_OK ||
	    (err = room(&in->sites, n, sizeof *in->sites, d)) != PT_OK ||
	    (err = room(&in->ids, 1, sizeof *in->ids, d)) != PT_OK) /* never NULL: offsets into it */
		return err;
	cap = 1;
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		struct pt_hist_site *s = &in->sites[i];
		char tlp[16];
		long long org;
		if ((err = get_text(o, "sites", i, "id", s->site.id, sizeof s->site.id, d)) != PT_OK ||
		    (err = get_text(o, "sites", i, "name", s->site.name, sizeof s->site.name, d)) !=
			    PT_OK ||
		    (err = get_text(o, "sites", i, "kind", s->site.kind, sizeof s->site.kind, d)) !=
			    PT_OK ||
		    (err = get_text(o, "sites", i, "sector", s->site.sector, sizeof s->site.sector,
				    d)) != PT_OK ||
		    (err = get_text(o, "sites", i, "region", s->site.region, sizeof s->site.region,
				    d)) != PT_OK ||
		    (err = get_text(o, "sites", i, "owner", s->site.owner, sizeof s->site.owner,
				    d)) != PT_OK ||
		    (err = get_text(o, "sites", i, "tlp", tlp, sizeof tlp, d)) != PT_OK ||
		    (err = get_int(o, "sites", i, "owner_org_id", -1, INT64_MAX / 2, &org, d)) !=
			    PT_OK ||
		    (err = get_num(o, "sites", i, "downstream_eur", 0, 1e20, &s->downstream_eur,
				   d)) != PT_OK ||
		    (err = read_ids(o, i, "partners", in, &cap, &s->partners_at, &s->n_partners,
				    d)) != PT_OK ||
		    (err = read_ids(o, i, "red_readers", in, &cap, &s->readers_at, &s->n_readers,
				    d)) != PT_OK)
			return err;
		if (!s->site.id[0])
			return bad_member(d, "sites", i, "id", "is empty");
		if (pt_tlp_parse(tlp, &s->site.tlp) != PT_OK)
			return bad_member(d, "sites", i, "tlp", "is not a TLP label");
		s->owner_org_id = org;
		in->n_sites++;
	}
	return PT_OK;
}

static enum pt_err read_quant(json_t *root, struct pt_hist_inputs *in, struct pt_diag *d)
{
	static const char *const vars[PT_QV_COUNT] = {"p_attempt", "p_success", "fatalities",
						       "injuries", "loss_eur"};
	json_t *a;
	size_t n, i, v;
	enum pt_err err;
	if ((err = get_array(root, "quant", PT_HIST_ROWS_MAX, &a, &n, d)) != PT_OK ||
	    (err = room(&in->quant, n, sizeof *in->quant, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		struct pt_quant_row *q = &in->quant[i];
		if ((err = get_text(o, "quant", i, "site_id", q->site_id, sizeof q->site_id, d)) !=
			    PT_OK ||
		    (err = get_text(o, "quant", i, "threat_id", q->threat_id, sizeof q->threat_id,
				    d)) != PT_OK)
			return err;
		for (v = 0; v < PT_QV_COUNT; v++)
			if ((err = get_range(o, "quant", i, vars[v], &q->var[v], d)) != PT_OK)
				return err;
		if (q->var[PT_QV_P_ATTEMPT].max > 1 || q->var[PT_QV_P_SUCCESS].max > 1)
			return bad_member(d, "quant", i, "p_attempt", "probabilities must be 0-1");
		in->n_quant++;
	}
	return PT_OK;
}

static enum pt_err read_fema(json_t *root, struct pt_hist_inputs *in, struct pt_diag *d)
{
	json_t *a;
	size_t n, i;
	enum pt_err err;
	if ((err = get_array(root, "fema", PT_HIST_ROWS_MAX, &a, &n, d)) != PT_OK ||
	    (err = room(&in->fema, n, sizeof *in->fema, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		struct pt_fema_row *f = &in->fema[i];
		long long av, tr, vr;
		if ((err = get_text(o, "fema", i, "site_id", f->site_id, sizeof f->site_id, d)) !=
			    PT_OK ||
		    (err = get_text(o, "fema", i, "threat_id", f->threat_id, sizeof f->threat_id,
				    d)) != PT_OK ||
		    (err = get_int(o, "fema", i, "asset_value", 1, 10, &av, d)) != PT_OK ||
		    (err = get_int(o, "fema", i, "threat_rating", 1, 10, &tr, d)) != PT_OK ||
		    (err = get_int(o, "fema", i, "vulnerability_rating", 1, 10, &vr, d)) != PT_OK)
			return err;
		f->asset_value = (int)av;
		f->threat_rating = (int)tr;
		f->vulnerability_rating = (int)vr;
		in->n_fema++;
	}
	return PT_OK;
}

static enum pt_err read_measures(json_t *root, struct pt_hist_inputs *in, struct pt_diag *d)
{
	json_t *a;
	size_t n, i;
	enum pt_err err;
	if ((err = get_array(root, "measures", PT_HIST_ROWS_MAX, &a, &n, d)) != PT_OK ||
	    (err = room(&in->measures, n, sizeof *in->measures, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		struct pt_hist_measure *m = &in->measures[i];
		char status[16];
		if ((err = get_text(o, "measures", i, "site_id", m->site_id, sizeof m->site_id, d)) !=
			    PT_OK ||
		    (err = get_text(o, "measures", i, "measure_id", m->measure_id,
				    sizeof m->measure_id, d)) != PT_OK ||
		    (err = get_text(o, "measures", i, "status", status, sizeof status, d)) != PT_OK)
			return err;
		if (pt_site_measure_status_parse(status, &m->status) != PT_OK)
			return bad_member(d, "measures", i, "status", "is not a measure state");
		in->n_measures++;
	}
	if ((err = get_array(root, "effects", PT_HIST_ROWS_MAX, &a, &n, d)) != PT_OK ||
	    (err = room(&in->effects, n, sizeof *in->effects, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		struct pt_hist_effect *e = &in->effects[i];
		if ((err = get_text(o, "effects", i, "measure_id", e->measure_id,
				    sizeof e->measure_id, d)) != PT_OK ||
		    (err = get_text(o, "effects", i, "threat_id", e->threat_id, sizeof e->threat_id,
				    d)) != PT_OK ||
		    (err = get_num(o, "effects", i, "v", 0, 1, &e->v, d)) != PT_OK ||
		    (err = get_num(o, "effects", i, "c", 0, 1, &e->c, d)) != PT_OK)
			return err;
		in->n_effects++;
	}
	return PT_OK;
}

static enum pt_err read_decisions(json_t *root, struct pt_hist_inputs *in, struct pt_diag *d)
{
	json_t *a;
	size_t n, i;
	enum pt_err err;
	if ((err = get_array(root, "decisions", PT_HIST_ROWS_MAX, &a, &n, d)) != PT_OK ||
	    (err = room(&in->decisions, n, sizeof *in->decisions, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		struct pt_hist_decision *x = &in->decisions[i];
		char treatment[16];
		if ((err = get_text(o, "decisions", i, "site_id", x->site_id, sizeof x->site_id,
				    d)) != PT_OK ||
		    (err = get_text(o, "decisions", i, "threat_id", x->threat_id,
				    sizeof x->threat_id, d)) != PT_OK ||
		    (err = get_text(o, "decisions", i, "treatment", treatment, sizeof treatment,
				    d)) != PT_OK ||
		    (err = get_text(o, "decisions", i, "responsible", x->responsible,
				    sizeof x->responsible, d)) != PT_OK ||
		    (err = get_text(o, "decisions", i, "review_date", x->review_date,
				    sizeof x->review_date, d)) != PT_OK)
			return err;
		if (pt_treatment_parse(treatment, &x->treatment) != PT_OK)
			return bad_member(d, "decisions", i, "treatment", "is not a treatment");
		x->approved = json_is_true(json_object_get(o, "approved"));
		in->n_decisions++;
	}
	return PT_OK;
}

enum pt_err pt_hist_inputs_from_json(const char *buf, size_t len, struct pt_hist_inputs *out,
				     struct pt_diag *d)
{
	json_error_t je;
	json_t *root;
	enum pt_err err;
	memset(out, 0, sizeof *out);
	if (len > (size_t)PT_HIST_JSON_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "a snapshot of %zu bytes, more than %ld",
				   len, PT_HIST_JSON_MAX);
	if (!(root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)))
		return pt_diag_set(d, PT_EINVAL, je.line, "", "not JSON: %s", je.text);
	if (!json_is_object(root) ||
	    !json_is_string(json_object_get(root, "format")) ||
	    strcmp(json_string_value(json_object_get(root, "format")), PT_HIST_FORMAT) != 0)
		err = bad_member(d, NULL, 0, "format", "must be \"" PT_HIST_FORMAT "\"");
	else if ((err = read_settings(root, &out->cfg, d)) == PT_OK &&
		 (err = read_levels(root, out, d)) == PT_OK &&
		 (err = read_sites(root, out, d)) == PT_OK &&
		 (err = read_quant(root, out, d)) == PT_OK &&
		 (err = read_fema(root, out, d)) == PT_OK &&
		 (err = read_measures(root, out, d)) == PT_OK)
		err = read_decisions(root, out, d);
	json_decref(root);
	if (err == PT_OK) {
		size_t i;
		pt_hist_inputs_sort(out);
		for (i = 1; i < out->n_sites && err == PT_OK; i++) /* each site once */
			if (strcmp(out->sites[i].site.id, out->sites[i - 1].site.id) == 0)
				err = pt_diag_set(d, PT_EINVAL, 0, "sites", "site %s is given twice",
						  out->sites[i].site.id);
	}
	if (err != PT_OK)
		pt_hist_inputs_clear(out);
	return err;
}

/* ---- summaries, views and comparisons ---- */

json_t *pt_hist_meta_json(const struct pt_hist_meta *m)
{
	char at[PT_TIMESTAMP_MAX];
	pt_hist_time_text(m->taken_at, at, sizeof at);
	if (!m->id)
		return json_pack("{sosssssoss}", "id", json_null(), "name", "now", "taken_at", at,
				 "taken_by", json_null(), "method", pt_method_name(m->method));
	return json_pack("{sIssssssss}", "id", (json_int_t)m->id, "name", m->name, "taken_at", at,
			 "taken_by", m->taken_by, "method", pt_method_name(m->method));
}

void pt_hist_view_clear(struct pt_hist_view *v)
{
	if (!v)
		return;
	free(v->rows);
	free(v->tlp);
	free(v->nation);
	free(v->sectors);
	free(v->regions);
	free(v->decisions);
	memset(v, 0, sizeof *v);
}

/* A figure as JSON: a FEMA score is a whole number, a quant one EUR to the cent. */
static json_t *figure(const struct pt_hist_view *v, double x)
{
	if (v->method == PT_METHOD_FEMA)
		return json_integer((json_int_t)llround(x));
	return json_real(round(x * 100) / 100);
}

static json_t *changes_json(const struct pt_hist_view *v, const double *delta)
{
	json_t *o = json_object();
	size_t c;
	for (c = 0; o && c < PT_HIST_CAUSE_COUNT; c++)
		if (json_object_set_new(o, pt_hist_cause_name((enum pt_hist_cause)c),
					figure(v, delta[c]))) {
			json_decref(o);
			return NULL;
		}
	return o;
}

/* The cause of the largest change of delta, "" when nothing changed. */
static const char *main_cause(const double *delta)
{
	size_t c, best = PT_HIST_CAUSE_COUNT;
	double big = 0;
	for (c = 0; c < PT_HIST_CAUSE_COUNT; c++)
		if (fabs(delta[c]) > big * (1 + 1e-12) && fabs(delta[c]) > 1e-9) {
			big = fabs(delta[c]);
			best = c;
		}
	return best < PT_HIST_CAUSE_COUNT ? pt_hist_cause_name((enum pt_hist_cause)best) : "";
}

static const char *row_change(const struct pt_hist_row *r)
{
	return r->from_site < 0 ? "new" : r->to_site < 0 ? "removed" : "kept";
}

static json_t *row_json(const struct pt_hist_view *v, size_t i)
{
	const struct pt_hist_row *r = &v->rows[i];
	json_t *o;
	if (!v->compare)
		return json_pack("{sssssssssssssssosssI}", "site_id", r->site.id, "name",
				 r->site.name, "kind", r->site.kind, "sector", r->site.sector,
				 "region", r->site.region, "owner", r->site.owner, "tlp",
				 pt_tlp_name(v->tlp[i]), "risk", figure(v, r->risk_to), "band",
				 pt_band_name(r->band_to), "measures", (json_int_t)r->measures_to);
	o = json_pack("{sssssssssssssssssosossssso}", "site_id", r->site.id, "name", r->site.name,
		      "kind", r->site.kind, "sector", r->site.sector, "region", r->site.region,
		      "owner", r->site.owner, "tlp", pt_tlp_name(v->tlp[i]), "change",
		      row_change(r), "risk_from", figure(v, r->risk_from), "risk_to",
		      figure(v, r->risk_to), "band_from", pt_band_name(r->band_from), "band_to",
		      pt_band_name(r->band_to), "changes", changes_json(v, r->delta));
	if (o && (json_object_set_new(o, "risk_change", figure(v, r->risk_to - r->risk_from)) ||
		  json_object_set_new(o, "main_cause", json_string(main_cause(r->delta))) ||
		  json_object_set_new(o, "measures_from", json_integer((json_int_t)r->measures_from)) ||
		  json_object_set_new(o, "measures_to", json_integer((json_int_t)r->measures_to)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *total_json(const struct pt_hist_view *v, const struct pt_hist_total *t,
			  const char *key_name)
{
	json_t *o = json_pack("{sIsososo}", "sites", (json_int_t)t->sites, "risk_from",
			      figure(v, t->risk_from), "risk_to", figure(v, t->risk_to),
			      "changes", changes_json(v, t->delta));
	if (o && key_name && json_object_set_new(o, key_name, json_string(t->key))) {
		json_decref(o);
		return NULL;
	}
	if (o && json_object_set_new(o, "risk_change", figure(v, t->risk_to - t->risk_from))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *totals_json(const struct pt_hist_view *v, const struct pt_hist_total *t, size_t n,
			   const char *key_name)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < n; i++)
		if (push(a, total_json(v, &t[i], key_name))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *pt_hist_view_json(const struct pt_hist_view *v)
{
	json_t *root = json_object(), *rows = json_array();
	size_t i;
	int bad = !root || !rows;
	for (i = 0; !bad && i < v->n; i++)
		bad |= push(rows, row_json(v, i));
	if (!bad && v->compare)
		bad |= json_object_set_new(root, "from", pt_hist_meta_json(&v->from)) != 0;
	if (!bad)
		bad |= json_object_set_new(root, v->compare ? "to" : "snapshot",
					   pt_hist_meta_json(&v->to)) != 0;
	if (!bad)
		bad |= json_object_set_new(root, "method", json_string(pt_method_name(v->method))) ||
		       json_object_set_new(root, "threat_level", json_string(v->level_text)) ||
		       json_object_set_new(root, "rows", rows);
	rows = NULL;
	if (!bad && v->compare) {
		static const char *const basis[] = {"later", "level", "own"};
		bad |= json_object_set_new(root, "basis", json_string(basis[v->basis % 3])) ||
		       json_object_set_new(root, "nation",
					   v->nation ? total_json(v, v->nation, NULL) : json_null()) ||
		       json_object_set_new(root, "sectors",
					   totals_json(v, v->sectors, v->n_sectors, "sector")) ||
		       json_object_set_new(root, "regions",
					   totals_json(v, v->regions, v->n_regions, "region"));
	}
	if (!bad && !v->compare) {
		json_t *a = json_array();
		bad |= json_object_set_new(root, "decisions", a) != 0;
		for (i = 0; !bad && i < v->n_decisions; i++) {
			const struct pt_hist_decision *x = &v->decisions[i];
			bad |= push(a, json_pack("{sssssssssssb}", "site_id", x->site_id,
						 "threat_id", x->threat_id, "treatment",
						 pt_treatment_name(x->treatment), "responsible",
						 x->responsible, "review_date", x->review_date,
						 "approved", x->approved));
		}
	}
	json_decref(rows);
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return pt_marking_json(root, v->marking);
}

static void csv_figure(FILE *f, const struct pt_hist_view *v, double x)
{
	if (v->method == PT_METHOD_FEMA)
		fprintf(f, ",%lld", llround(x));
	else
		fprintf(f, ",%.2f", x);
}

static void csv_changes(FILE *f, const struct pt_hist_view *v, const double *delta)
{
	size_t c;
	for (c = 0; c < PT_HIST_CAUSE_COUNT; c++)
		csv_figure(f, v, delta[c]);
}

void pt_hist_view_csv(FILE *f, const struct pt_hist_view *v)
{
	size_t i, c;
	pt_marking_csv_line(f, v->marking);
	if (!v->compare) {
		fputs("site_id,name,sector,region,tlp,risk,band,measures\n", f);
		for (i = 0; i < v->n; i++) {
			const struct pt_hist_row *r = &v->rows[i];
			pt_csv_write_field(f, r->site.id);
			fputc(',', f);
			pt_csv_write_field(f, r->site.name);
			fputc(',', f);
			pt_csv_write_field(f, r->site.sector);
			fputc(',', f);
			pt_csv_write_field(f, r->site.region);
			fprintf(f, ",%s", pt_tlp_name(v->tlp[i]));
			csv_figure(f, v, r->risk_to);
			fprintf(f, ",%s,%zu\n", pt_band_name(r->band_to), r->measures_to);
		}
		return;
	}
	fputs("site_id,name,sector,region,tlp,change,risk_from,risk_to,risk_change", f);
	for (c = 0; c < PT_HIST_CAUSE_COUNT; c++)
		fprintf(f, ",%s", pt_hist_cause_name((enum pt_hist_cause)c));
	fputs(",main_cause\n", f);
	for (i = 0; i < v->n; i++) {
		const struct pt_hist_row *r = &v->rows[i];
		pt_csv_write_field(f, r->site.id);
		fputc(',', f);
		pt_csv_write_field(f, r->site.name);
		fputc(',', f);
		pt_csv_write_field(f, r->site.sector);
		fputc(',', f);
		pt_csv_write_field(f, r->site.region);
		fprintf(f, ",%s,%s", pt_tlp_name(v->tlp[i]), row_change(r));
		csv_figure(f, v, r->risk_from);
		csv_figure(f, v, r->risk_to);
		csv_figure(f, v, r->risk_to - r->risk_from);
		csv_changes(f, v, r->delta);
		fprintf(f, ",%s\n", main_cause(r->delta));
	}
	if (v->nation) {
		fputs("TOTAL,,,,,", f);
		csv_figure(f, v, v->nation->risk_from);
		csv_figure(f, v, v->nation->risk_to);
		csv_figure(f, v, v->nation->risk_to - v->nation->risk_from);
		csv_changes(f, v, v->nation->delta);
		fprintf(f, ",%s\n", main_cause(v->nation->delta));
	}
}
