/* pt_site_json.c - a site and its assessment rows as JSON, one writer each
 * for the command line and the API. */
#include "pt_site_json.h"

#include <math.h>

/* A number, or null when not finite; integers print as integers when whole and exact. */
static json_t *num(double v)
{
	if (!isfinite(v))
		return json_null();
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

json_t *pt_json_site(const struct pt_site *s, int can_edit)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (json_object_set_new(o, "id", json_string(s->id)) ||
	    json_object_set_new(o, "name", json_string(s->name)) ||
	    json_object_set_new(o, "kind", json_string(s->kind)) ||
	    json_object_set_new(o, "sector", json_string(s->sector)) ||
	    json_object_set_new(o, "owner", json_string(s->owner)) ||
	    json_object_set_new(o, "lat", json_real(s->lat)) ||
	    json_object_set_new(o, "lon", json_real(s->lon)) ||
	    json_object_set_new(o, "region", json_string(s->region)) ||
	    json_object_set_new(o, "capacity",
				s->capacity < 0 ? json_null() : json_integer(s->capacity)) ||
	    json_object_set_new(o, "peak_occupancy", json_integer(s->peak_occupancy)) ||
	    json_object_set_new(o, "population_served", json_integer(s->population_served)) ||
	    json_object_set_new(o, "economic_value_eur", num(s->economic_value_eur)) ||
	    json_object_set_new(o, "tlp", json_string(pt_tlp_name(s->tlp))) ||
	    pt_site_fit_json(o, s) ||
	    json_object_set_new(o, "can_edit", json_boolean(can_edit))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *pt_json_fema_row(const struct pt_fema_row *row)
{
	return json_pack("{s:s,s:i,s:i,s:i}", "threat_id", row->threat_id, "asset_value",
			 row->asset_value, "threat_rating", row->threat_rating,
			 "vulnerability_rating", row->vulnerability_rating);
}

json_t *pt_json_carver_row(const struct pt_carver_row *row)
{
	return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "criticality", row->criticality,
			 "accessibility", row->accessibility, "recuperability", row->recuperability,
			 "vulnerability", row->vulnerability, "effect", row->effect, "recognizability",
			 row->recognizability, "shock", row->shock);
}

json_t *pt_json_quant_row(const struct pt_quant_row *row)
{
	json_t *o = json_pack("{s:s}", "threat_id", row->threat_id);
	int v;
	if (!o)
		return NULL;
	for (v = 0; v < PT_QV_COUNT; v++) {
		const struct pt_range *g = &row->var[v];
		json_t *r = json_pack("{s:o,s:o,s:o}", "min", num(g->min), "mode", num(g->mode), "max",
				      num(g->max));
		if (!r || json_object_set_new(o, pt_quant_var_name((enum pt_quant_var)v), r)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

json_t *pt_json_assessment_rows(const struct pt_assessment_set *set)
{
	json_t *a = json_array();
	size_t i;
	if (!a)
		return NULL;
	for (i = 0; i < set->n; i++) {
		json_t *row = set->method == PT_METHOD_FEMA ? pt_json_fema_row(&set->fema[i])
			      : set->method == PT_METHOD_CARVER ? pt_json_carver_row(&set->carver[i])
								 : pt_json_quant_row(&set->quant[i]);
		if (!row || json_array_append_new(a, row)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}


/* ---- issue 11 (fit) ---- */

/* Set key to val (stolen; NULL: out of memory); nonzero on failure. */
static int put_fit(json_t *o, const char *key, json_t *val)
{
	return !val || json_object_set_new(o, key, val) != 0;
}

int pt_site_fit_json(json_t *o, const struct pt_site *s)
{
	int k;
	for (k = 0; k < PT_DRIVER_COUNT; k++)
		if (put_fit(o, pt_site_driver_name((enum pt_site_driver)k),
			    (s->drivers_known & (1u << k)) ? json_integer((json_int_t)s->drivers[k]) :
							      json_null()))
			return -1;
	if (put_fit(o, "enclosure",
		    s->enclosed == PT_ENCLOSURE_UNKNOWN ? json_null() :
		    json_string(pt_enclosure_name(s->enclosed))) ||
	    put_fit(o, "staffed",
		    s->staffed == PT_TRI_UNKNOWN ? json_null() :
		    json_string(s->staffed == PT_TRI_YES ? "yes" : "no")) ||
	    put_fit(o, "legal_basis",
		    s->legal_basis > 0 ? json_string(pt_legal_basis_name(pt_site_legal_basis(s))) :
					 json_null()) ||
	    put_fit(o, "emergency_department", /* issue 16 (item 2) */
		    s->emergency_department == PT_TRI_UNKNOWN ? json_null() :
		    json_string(s->emergency_department == PT_TRI_YES ? "yes" : "no")))
		return -1;
	return 0;
}
