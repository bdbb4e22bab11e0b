/* pt_peers_json.c - peers and what-if answers as JSON (jansson). */
#include "pt_peers_json.h"

#include <math.h>

static json_t *num_or_null(double x, int known)
{
	return known && isfinite(x) ? json_real(x) : json_null();
}

json_t *pt_json_peer_view(const struct pt_peer_view *v)
{
	json_t *o, *factors = json_array(), *named = json_array(), *q;
	size_t i;
	int bad = !factors || !named;
	for (i = 0; !bad && i < v->n_factors; i++) {
		const struct pt_peer_factor *f = &v->factors[i];
		bad = json_array_append_new(
			factors, json_pack("{s:s, s:s, s:f, s:o}", "id", f->id, "name", f->name, "value",
					   f->value, "percentile",
					   num_or_null(f->percentile, f->comparable))) != 0;
	}
	for (i = 0; !bad && i < v->n_named; i++) {
		const struct pt_peer_named *p = &v->named[i];
		bad = json_array_append_new(named, json_pack("{s:s, s:s, s:f, s:s}", "site_id", p->id,
							     "name", p->name, "score", p->score,
							     "band", pt_band_name(p->band))) != 0;
	}
	q = v->comparable ? json_pack("{s:f, s:f, s:f}", "p25", v->p25, "p50", v->p50, "p75", v->p75)
			  : json_null();
	if (bad || !q) {
		json_decref(factors);
		json_decref(named);
		json_decref(q);
		return NULL;
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:i, s:o, s:o, s:o}", "site_id",
		      v->site_id, "sector", v->sector, "peer_group", v->by_kind ? "kind" : "sector",
		      "group", v->group, "method", pt_method_name(v->method), "assessed",
		      v->assessed, "comparable", v->comparable, "min_peers", PT_PEERS_MIN,
		      "quartiles", q, "factors", factors, "named_peers", named);
	if (o && v->show_count && json_object_set_new(o, "peers", json_integer((json_int_t)v->peers))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *standing(const struct pt_standing *s)
{
	return json_pack("{s:b, s:o, s:o, s:I, s:o}", "ranked", s->ranked, "score",
			 num_or_null(s->score, s->ranked), "rank",
			 s->ranked ? json_integer((json_int_t)s->rank) : json_null(), "of",
			 (json_int_t)s->of, "band",
			 s->ranked ? json_string(pt_band_name(s->band)) : json_null());
}

json_t *pt_json_what_if(const struct pt_what_if *w)
{
	int both = w->before.ranked && w->after.ranked;
	json_t *change = json_pack("{s:o, s:o}", "score",
				   num_or_null(w->after.score - w->before.score, both), "rank",
				   both ? json_integer((json_int_t)w->before.rank - (json_int_t)w->after.rank)
					: json_null());
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:b, s:b, s:b, s:I, s:o, s:o, s:o}", "site_id",
			 w->site_id, "method", pt_method_name(w->method), "measure", "id",
			 w->measure_id, "name", w->measure_name, "applies", w->applies, "in_place",
			 w->in_place, "committed", w->committed, "threats_reduced", (json_int_t)w->threats_reduced, "before",
			 standing(&w->before), "after", standing(&w->after), "change", change);
}
