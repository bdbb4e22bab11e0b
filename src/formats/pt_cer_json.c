/* pt_cer_json.c - a designated critical entity as JSON (jansson). */
#include "pt_cer_json.h"

#include <time.h>

static json_t *date_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

json_t *pt_json_cer_entity(const struct pt_cer_json_in *in)
{
	json_t *o = json_object(), *lacks = json_array(), *sites = json_array();
	char when[32] = "";
	time_t t = (time_t)in->changed_at;
	struct tm tm;
	size_t i;
	int bad = !o || !lacks || !sites;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!bad && in->status->lacks_risk_assessment)
		bad |= json_array_append_new(lacks, json_string("risk_assessment"));
	if (!bad && in->status->lacks_resilience_plan)
		bad |= json_array_append_new(lacks, json_string("resilience_plan"));
	for (i = 0; !bad && i < in->n_sites; i++)
		bad |= json_array_append_new(sites, json_string(in->sites[i]));
	if (!bad)
		bad |= json_object_set_new(o, "organisation_id", json_integer(in->org_id)) |
		       json_object_set_new(o, "organisation", json_string(in->org_name)) |
		       json_object_set_new(o, "designated_on", json_string(in->dates->designated_on)) |
		       json_object_set_new(o, "notified_on", json_string(in->dates->notified_on)) |
		       json_object_set_new(o, "obligations_from",
					   json_string(in->status->obligations_from)) |
		       json_object_set_new(o, "risk_assessment_on",
					   date_or_null(in->dates->risk_assessment_on)) |
		       json_object_set_new(o, "risk_assessment_due",
					   json_string(in->status->risk_due)) |
		       json_object_set_new(o, "risk_assessment",
					   json_string(pt_cer_state_name(in->status->risk))) |
		       json_object_set_new(o, "resilience_plan_on",
					   date_or_null(in->dates->resilience_plan_on)) |
		       json_object_set_new(o, "resilience_plan_due",
					   json_string(in->status->plan_due)) |
		       json_object_set_new(o, "resilience_plan",
					   json_string(pt_cer_state_name(in->status->plan))) |
		       json_object_set(o, "lacks", lacks) | json_object_set(o, "sites", sites) |
		       json_object_set_new(o, "changed_at", json_string(when)) |
		       json_object_set_new(o, "changed_by", json_string(in->changed_by)) |
		       json_object_set_new(o, "may_report", json_boolean(in->may_report));
	if (!bad && in->sites_withheld >= 0)
		bad |= json_object_set_new(o, "sites_withheld", json_integer(in->sites_withheld));
	json_decref(lacks);
	json_decref(sites);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}
