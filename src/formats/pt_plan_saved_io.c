/* pt_plan_saved_io.c - saved plans as JSON: the summary and a stored plan
 * cut down to the sites a reader may see, re-totalled. */
#include "pt_plan_saved_io.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double jnum(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : 0;
}

json_t *pt_saved_plan_to_json(const struct pt_saved_plan *p, int gap_known, int with_hidden,
			      long long hidden_sites)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:f,s:f,s:f,s:o,s:I,s:I}", "name", p->name,
			      "created_at", p->created_at, "created_by", p->created_by, "solver",
			      p->solver, "region", p->region, "threat_level", p->threat_level,
			      "budget_eur", p->budget_eur, "cost_eur", p->cost_eur,
			      "risk_reduction_eur", p->risk_reduction_eur, "gap",
			      gap_known ? json_real(p->gap) : json_null(), "sites_funded",
			      (json_int_t)p->sites_funded, "measures", (json_int_t)p->measures);
	/* issue 11, item 7: the plan's state and who approves its measures */
	char text[256];
	json_t *by = json_object();
	static const enum pt_site_measure_status shown[] = {PT_SM_PROPOSED,  PT_SM_APPROVED,
							    PT_SM_ACCEPTED,  PT_SM_DECLINED,
							    PT_SM_INSTALLED, PT_SM_VERIFIED};
	for (size_t i = 0; by && i < sizeof shown / sizeof *shown; i++)
		if (json_object_set_new(by, pt_site_measure_status_name(shown[i]),
					json_integer((json_int_t)p->by_status[shown[i]]))) {
			json_decref(by);
			by = NULL;
		}
	pt_saved_plan_state_text(p, text, sizeof text);
	/* review m6: where the plan's measures are */
	if (o && (json_object_set_new(o, "state", json_string(pt_saved_plan_phase(p))) ||
		  json_object_set_new(o, "state_text", json_string(text)) ||
		  json_object_set(o, "measure_states", by) || /* by NULL: -1 */
		  json_object_set_new(o, "scope_organisation", json_string(p->scope_org)) ||
		  json_object_set_new(o, "withdrawn_at", p->withdrawn_at[0]
								 ? json_string(p->withdrawn_at)
								 : json_null()) ||
		  json_object_set_new(o, "withdrawn_by", p->withdrawn_by[0]
								 ? json_string(p->withdrawn_by)
								 : json_null()))) {
		json_decref(by);
		json_decref(o);
		return NULL;
	}
	json_decref(by);
	if (o && with_hidden &&
	    json_object_set_new(o, "hidden_sites", json_integer((json_int_t)hidden_sites))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void pt_saved_plan_state_text(const struct pt_saved_plan *p, char *buf, size_t size)
{
	static const enum pt_site_measure_status order[] = {PT_SM_PROPOSED,  PT_SM_APPROVED,
							    PT_SM_ACCEPTED,  PT_SM_INSTALLED,
							    PT_SM_VERIFIED,  PT_SM_DECLINED};
	const char *phase = pt_saved_plan_phase(p);
	int withdrawn = strcmp(phase, "withdrawn") == 0;
	long long n = 0;
	size_t at, i;
	int first = 1;
	if (!size)
		return;
	for (i = 1; i < PT_SM_COUNT; i++)
		n += p->by_status[i];
	snprintf(buf, size, "%s", phase);
	if (!n || (!withdrawn && strcmp(phase, "in progress") != 0 && strcmp(phase, "done") != 0))
		return;
	for (i = 0; i < sizeof order / sizeof *order; i++) {
		if (!p->by_status[order[i]])
			continue;
		at = strlen(buf);
		snprintf(buf + at, size - at, "%s%lld %s", first ? " (" : ", ",
			 p->by_status[order[i]], pt_site_measure_status_name(order[i]));
		first = 0;
	}
	at = strlen(buf);
	if (withdrawn)
		snprintf(buf + at, size - at, " kept)");
	else
		snprintf(buf + at, size - at, " of %lld)", n);
}

void pt_plan_json_totals(const json_t *plan, struct pt_saved_plan *p)
{
	const json_t *t = json_object_get(plan, "totals"), *gap = json_object_get(t, "gap");
	p->cost_eur = jnum(t, "cost_eur");
	p->risk_reduction_eur = jnum(t, "risk_reduction_eur");
	p->gap = json_is_number(gap) ? json_number_value(gap) : NAN;
	p->sites_funded = (long long)jnum(t, "sites_funded");
	p->measures = (long long)jnum(t, "measures");
}

json_t *pt_plan_json_keep(json_t *plan, int (*keep)(void *ctx, const char *site_id), void *ctx,
			  int partial, size_t *hidden_out)
{
	/* issue 11 item 6: the surge lines name sites too */
	static const char *const lists[3] = {"sites", "rejected", "surge"};
	size_t hidden = 0, k, i;
	json_t *totals;
	*hidden_out = 0;
	for (k = 0; k < 3; k++) {
		/* A new array of the kept items: removing in place is quadratic, and a
		 * national plan lists some 10^5 rejected measures. */
		json_t *a = json_object_get(plan, lists[k]), *kept;
		size_t n = json_array_size(a);
		if (!n)
			continue;
		if (!(kept = json_array())) {
			json_decref(plan);
			return NULL;
		}
		for (i = 0; i < n; i++) {
			json_t *it = json_array_get(a, i);
			const char *id = json_string_value(json_object_get(it, "site_id"));
			if (keep(ctx, id)) {
				if (json_array_append(kept, it)) {
					json_decref(kept);
					json_decref(plan);
					return NULL;
				}
			} else if (k == 0) {
				hidden++;
			}
		}
		if (json_object_set_new(plan, lists[k], kept)) {
			json_decref(plan);
			return NULL;
		}
	}
	*hidden_out = hidden;
	if (!hidden && !partial)
		return plan;
	/* Counts over the author's whole view: not the reader's to know. */
	json_object_set_new(plan, "outside_region", json_null());
	json_object_set_new(plan, "not_assessed", json_null());
	{ /* the counts by rule of the rejections kept */
		json_t *counts = json_object_get(plan, "rejected_counts"), *a;
		const char *key;
		json_t *val;
		if (json_is_object(counts)) {
			json_object_foreach(counts, key, val)
				json_integer_set(val, 0);
			a = json_object_get(plan, "rejected");
			for (i = 0; i < json_array_size(a); i++) {
				const char *verdict = json_string_value(
					json_object_get(json_array_get(a, i), "verdict"));
				json_t *c = verdict ? json_object_get(counts, verdict) : NULL;
				if (c)
					json_integer_set(c, json_integer_value(c) + 1);
			}
		}
	}
	totals = json_object();
	if (totals) {
		double cost = 0, red = 0;
		long long measures = 0;
		json_t *a = json_object_get(plan, "sites");
		for (i = 0; i < json_array_size(a); i++) {
			const json_t *s = json_array_get(a, i);
			cost += jnum(s, "cost_eur");
			red += jnum(s, "risk_reduction_eur");
			measures += (long long)json_array_size(json_object_get(s, "measures"));
		}
		json_object_set_new(totals, "cost_eur", json_real(cost));
		json_object_set_new(totals, "risk_reduction_eur", json_real(red));
		json_object_set_new(totals, "bcr", cost > 0 ? json_real(red / cost) : json_null());
		json_object_set_new(totals, "net_benefit_eur", json_real(red - cost));
		json_object_set_new(totals, "gap", json_null());
		json_object_set_new(totals, "sites_funded", json_integer((json_int_t)json_array_size(a)));
		json_object_set_new(totals, "measures", json_integer(measures));
	}
	json_object_set_new(plan, "totals", totals ? totals : json_null());
	json_object_del(plan, "frontier");
	json_object_del(plan, "surge_summary"); /* issue 11 item 6: over the author's whole view */
	return plan;
}
