/* pt_plan_not_chosen.c - the admitted measures a plan does not fund and why
 * (the budget, plan.max_measures, an exclusive group): codes, sentences, JSON. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pt_plan_io.h"
#include "pt_plan_io_int.h"

const char *pt_plan_nc_why_name(enum pt_plan_nc_why w)
{
	switch (w) {
	case PT_NC_BUDGET:
		return "budget";
	case PT_NC_BUNDLE_CAP:
		return "bundle_cap";
	case PT_NC_EXCLUSIVE_GROUP:
		return "exclusive_group";
	}
	return "";
}

static int option_has(const struct pt_plan_view *v, const struct pt_plan_option *o, uint32_t m)
{
	uint32_t k;
	for (k = 0; o && k < o->n_measures; k++)
		if (v->model->option_measures[o->first_measure + k] == m)
			return 1;
	return 0;
}

static const char *group_of(const struct pt_plan_view *v, uint32_t m)
{
	return v->measures && m < v->measures->n ? v->measures->items[m].exclusive_group : "";
}

int pt_plan_not_chosen(const struct pt_plan_view *v, size_t site, const struct pt_plan_screen *s,
		       struct pt_plan_not_chosen *out)
{
	const struct pt_plan_site_model *sm;
	const struct pt_plan_option *o;
	const char *g;
	size_t k;
	uint32_t j;

	if (!v || !v->model || !s || site >= v->model->n_sites || s->verdict != PT_VERDICT_ADMITTED)
		return 0;
	sm = &v->model->sites[site];
	o = pt_plan_chosen_option(v, site);
	if (option_has(v, o, s->measure))
		return 0;
	memset(out, 0, sizeof *out);
	out->extra_cost_eur = out->extra_benefit_eur = out->marginal_bcr = NAN;
	g = group_of(v, s->measure);
	for (j = 0; o && g[0] && j < o->n_measures; j++) {
		uint32_t c = v->model->option_measures[o->first_measure + j];
		if (c != s->measure && strcmp(group_of(v, c), g) == 0) {
			out->why = PT_NC_EXCLUSIVE_GROUP;
			out->other = c;
			return 1;
		}
	}
	if (o && v->cfg && o->n_measures >= v->cfg->plan_max_measures) {
		out->why = PT_NC_BUNDLE_CAP;
		return 1;
	}
	out->why = PT_NC_BUDGET;
	for (k = 0; o && k < sm->n_options; k++) { /* options in rising cost */
		const struct pt_plan_option *n = &v->model->options[sm->first_option + k];
		if (n->cost_eur > o->cost_eur && option_has(v, n, s->measure)) {
			out->has_next = 1;
			out->extra_cost_eur = n->cost_eur - o->cost_eur;
			out->extra_benefit_eur = n->benefit_eur - o->benefit_eur;
			out->marginal_bcr = pt_plan_ratio(out->extra_benefit_eur, out->extra_cost_eur);
			break;
		}
	}
	return 1;
}

double pt_plan_least_marginal_bcr(const struct pt_plan_view *v)
{
	double least = NAN;
	size_t i;
	for (i = 0; v && v->model && v->result && v->result->choice && i < v->model->n_sites &&
		    i < v->result->n_sites; i++) {
		const struct pt_plan_site_model *sm = &v->model->sites[i];
		size_t c = v->result->choice[i];
		const struct pt_plan_option *a, *b;
		double r;
		if (c == 0 || c >= sm->n_options)
			continue;
		a = &v->model->options[sm->first_option + c - 1];
		b = &v->model->options[sm->first_option + c];
		r = pt_plan_ratio(b->benefit_eur - a->benefit_eur, b->cost_eur - a->cost_eur);
		if (!isnan(r) && (isnan(least) || r < least))
			least = r;
	}
	return least;
}

void pt_plan_not_chosen_text(const struct pt_plan_view *v, size_t site,
			     const struct pt_plan_not_chosen *nc, double least, char *buf,
			     size_t size)
{
	const struct pt_plan_option *o = pt_plan_chosen_option(v, site);
	unsigned cap = v->cfg ? v->cfg->plan_max_measures : 4U;
	char a[64], b[64], r[48], l[96], left[64];
	switch (nc->why) {
	case PT_NC_EXCLUSIVE_GROUP:
		snprintf(buf, size, "Not chosen: %s of its exclusive group %s is chosen at the site, "
			 "and a bundle holds one measure of a group.",
			 pt_plan_measure_id(v, nc->other), group_of(v, nc->other));
		return;
	case PT_NC_BUNDLE_CAP:
		snprintf(buf, size, "Not chosen: the site's bundle is at plan.max_measures (%u); the %u "
			 "chosen reduce more for their cost together than any bundle with this one.",
			 cap, cap);
		return;
	case PT_NC_BUDGET:
		break;
	}
	pt_plan_eur_full(left, sizeof left,
			 v->result ? v->result->budget_eur - v->result->cost_eur : NAN);
	if (!nc->has_next) {
		snprintf(buf, size, "Not funded%s: no efficient bundle at the site holds it (each "
			 "bundle with it reduces less for its cost than one without it).",
			 o && o->n_measures ? "" : " (the site is not funded)");
		return;
	}
	pt_plan_eur_full(a, sizeof a, nc->extra_cost_eur);
	pt_plan_eur_full(b, sizeof b, nc->extra_benefit_eur);
	pt_plan_ratio_text(r, sizeof r, nc->marginal_bcr);
	if (isnan(least))
		snprintf(l, sizeof l, "nothing");
	else {
		char t[40];
		pt_plan_ratio_text(t, sizeof t, least);
		snprintf(l, sizeof l, "marginal ratios of %s or more", t);
	}
	/* the site's part, then the plan's (PT_PLAN_NC_PLAN_PART: a partial reader of a saved
	 * plan is not told it, pt_plan_json_keep) */
	snprintf(buf, size, "Not funded%s: the budget buys more elsewhere. The site's cheapest "
		 "bundle with it costs EUR %s more for EUR %s more risk reduction (present values; "
		 "marginal benefit-cost ratio %s)." PT_PLAN_NC_PLAN_PART "%s; EUR %s of it is left.",
		 o && o->n_measures ? "" : " (the site is not funded)", a, b, r, l, left);
}

size_t pt_plan_not_chosen_counts(const struct pt_plan_view *v, size_t counts[PT_NC_COUNT])
{
	size_t i, k, n = 0;
	memset(counts, 0, PT_NC_COUNT * sizeof counts[0]);
	for (i = 0; v && v->model && i < v->model->n_sites; i++) {
		const struct pt_plan_site_model *sm = &v->model->sites[i];
		for (k = 0; k < sm->n_screens; k++) {
			struct pt_plan_not_chosen nc;
			if (pt_plan_not_chosen(v, i, &v->model->screens[sm->first_screen + k], &nc)) {
				counts[nc.why]++;
				n++;
			}
		}
	}
	return n;
}

static json_t *jreal(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

static int put(json_t *o, const char *key, json_t *val)
{
	return val ? json_object_set_new(o, key, val) : -1;
}

json_t *pt_plan_not_chosen_counts_json(const struct pt_plan_view *v)
{
	size_t counts[PT_NC_COUNT];
	json_t *c = json_object();
	int bad = !c, k;
	pt_plan_not_chosen_counts(v, counts);
	for (k = 0; k < PT_NC_COUNT && !bad; k++)
		bad |= put(c, pt_plan_nc_why_name((enum pt_plan_nc_why)k),
			   json_integer((json_int_t)counts[k]));
	if (bad) {
		json_decref(c);
		return NULL;
	}
	return c;
}

json_t *pt_plan_not_chosen_json(const struct pt_plan_view *v)
{
	json_t *arr = json_array();
	double least = pt_plan_least_marginal_bcr(v);
	char reason[640];
	size_t i, k;
	int bad = !arr;
	for (i = 0; !bad && i < v->model->n_sites; i++) {
		const struct pt_plan_site_model *sm = &v->model->sites[i];
		for (k = 0; !bad && k < sm->n_screens; k++) {
			const struct pt_plan_screen *s = &v->model->screens[sm->first_screen + k];
			struct pt_plan_not_chosen nc;
			json_t *o;
			if (!pt_plan_not_chosen(v, i, s, &nc))
				continue;
			pt_plan_not_chosen_text(v, i, &nc, least, reason, sizeof reason);
			o = json_object();
			bad |= !o || json_array_append_new(arr, o);
			if (bad)
				break;
			bad |= put(o, "site_id", json_string(pt_plan_site_id(v, i)));
			bad |= put(o, "measure_id", json_string(pt_plan_measure_id(v, s->measure)));
			bad |= put(o, "bcr", jreal(s->bcr));
			bad |= put(o, "cost_eur", jreal(s->cost_eur));
			bad |= put(o, "reduction_eur_year", jreal(s->reduction_eur_year));
			bad |= put(o, "why", json_string(pt_plan_nc_why_name(nc.why)));
			if (nc.why == PT_NC_EXCLUSIVE_GROUP)
				bad |= put(o, "chosen_instead",
					   json_string(pt_plan_measure_id(v, nc.other)));
			if (nc.why == PT_NC_BUDGET) {
				bad |= put(o, "marginal_bcr", jreal(nc.marginal_bcr));
				bad |= put(o, "least_funded_marginal_bcr", jreal(least));
			}
			bad |= put(o, "reason", json_string(reason));
		}
	}
	if (bad) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}
