/* pt_plan_io.c - the investment plan for people: reasons as sentences with
 * EUR amounts a reader can take in, the plan as JSON, CSV and one printable
 * HTML page with the frontier drawn as inline SVG. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_marking.h"
#include "pt_csv.h"
#include "pt_plan_io.h"
#include "pt_plan_io_int.h"

/* ---- numbers as people read them ---------------------------------------- */

/* Whole euros with ',' between thousands: "1,234,567", "-3,000". */
void pt_plan_eur_full(char *buf, size_t size, double eur)
{
	char digits[64], out[96];
	size_t n, i, o = 0;
	int neg;
	if (!isfinite(eur)) {
		snprintf(buf, size, "%s", isnan(eur) ? "n/a" : eur > 0 ? "unbounded" : "-unbounded");
		return;
	}
	eur = round(eur);
	if (fabs(eur) >= 1e18) {
		snprintf(buf, size, "%.3g", eur);
		return;
	}
	neg = eur < 0;
	snprintf(digits, sizeof digits, "%.0f", fabs(eur));
	n = strlen(digits);
	if (neg)
		out[o++] = '-';
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, size, "%s", out);
}

/* Rounded to three significant figures from 1,000 up ("41,300"), for sentences. */
static void eur_round(char *buf, size_t size, double eur)
{
	double a = fabs(eur), scale;
	if (isfinite(eur) && a >= 1000) {
		scale = pow(10, floor(log10(a)) - 2);
		eur = round(eur / scale) * scale;
	}
	pt_plan_eur_full(buf, size, eur);
}

/* Short axis labels: "0", "850", "12k", "1.5M", "2.3bn". */
void pt_plan_eur_short(char *buf, size_t size, double eur)
{
	double a = fabs(eur);
	if (a < 1e3)
		snprintf(buf, size, "%.0f", eur);
	else if (a < 1e6)
		snprintf(buf, size, "%.3gk", eur / 1e3);
	else if (a < 1e9)
		snprintf(buf, size, "%.3gM", eur / 1e6);
	else
		snprintf(buf, size, "%.3gbn", eur / 1e9);
}

/* A benefit-cost ratio: "1.7", "0.04", "23", "unbounded" (no cost). */
void pt_plan_ratio_text(char *buf, size_t size, double r)
{
	if (isnan(r))
		snprintf(buf, size, "n/a");
	else if (isinf(r))
		snprintf(buf, size, "unbounded (no cost)");
	else if (fabs(r) >= 10)
		snprintf(buf, size, "%.0f", r);
	else if (fabs(r) >= 0.1 || r == 0)
		snprintf(buf, size, "%.1f", r);
	else
		snprintf(buf, size, "%.2f", r);
}

void pt_plan_percent_text(char *buf, size_t size, double x)
{
	if (isnan(x))
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%.2f%%", x * 100);
}

/* ---- the model, looked up ------------------------------------------------ */

static const char *threat_id(const struct pt_plan_view *v, long t)
{
	if (!v->threats || t < 0 || (size_t)t >= v->threats->n)
		return "none";
	return v->threats->items[t].id;
}

const char *pt_plan_measure_id(const struct pt_plan_view *v, uint32_t m)
{
	if (!v->measures || m >= v->measures->n)
		return "?";
	return v->measures->items[m].id;
}

const struct pt_plan_screen *pt_plan_find_screen(const struct pt_plan_view *v, size_t site,
						uint32_t m)
{
	const struct pt_plan_site_model *sm = &v->model->sites[site];
	size_t k;
	for (k = 0; k < sm->n_screens; k++)
		if (v->model->screens[sm->first_screen + k].measure == m)
			return &v->model->screens[sm->first_screen + k];
	return NULL;
}

const struct pt_plan_option *pt_plan_chosen_option(const struct pt_plan_view *v, size_t site)
{
	const struct pt_plan_site_model *sm = &v->model->sites[site];
	size_t c = v->result && v->result->choice && site < v->result->n_sites
			   ? v->result->choice[site] : 0;
	if (sm->n_options == 0)
		return NULL;
	if (c >= sm->n_options)
		c = 0;
	return &v->model->options[sm->first_option + c];
}

double pt_plan_cost_factor(const struct pt_plan_view *v)
{
	return v->cfg ? v->cfg->plan_alternative_cost_factor : 1.2;
}

unsigned pt_plan_horizon(const struct pt_plan_view *v)
{
	return v->cfg ? v->cfg->plan_horizon_years : 10;
}

const char *pt_plan_threat_level(const struct pt_plan_view *v, long t)
{
	int l;
	if (!v->threat_factors || !v->cfg || !v->threats || t < 0 || (size_t)t >= v->threats->n)
		return v->threat_level_text ? v->threat_level_text : "";
	if ((unsigned)v->national < PT_LEVEL_COUNT &&
	    v->threat_factors[t] == v->cfg->level_factor[v->national])
		return pt_threat_level_name(v->national);
	for (l = PT_LEVEL_COUNT - 1; l >= 0; l--)
		if (v->threat_factors[t] == v->cfg->level_factor[l])
			return pt_threat_level_name((enum pt_threat_level)l);
	return v->threat_level_text ? v->threat_level_text : "";
}

/* The threat of effect k of screen s. */
static uint32_t effect_threat(const struct pt_plan_view *v, const struct pt_plan_screen *s,
			      uint32_t k)
{
	return v->model->effects[s->first_effect + k].threat;
}

/* The yearly reduction of screen s on threat t (0: none). */
static double effect_on(const struct pt_plan_view *v, const struct pt_plan_screen *s, uint32_t t)
{
	uint32_t k;
	for (k = 0; s && k < s->n_effects; k++)
		if (v->model->effects[s->first_effect + k].threat == t)
			return v->model->effects[s->first_effect + k].reduction_eur_year;
	return 0;
}

/* The aim's threats ("vehicle_ramming, bladed_weapon") into buf. */
static void aim_text(const struct pt_plan_view *v, const struct pt_plan_screen *s, char *buf,
		     size_t size)
{
	uint32_t k;
	buf[0] = '\0';
	for (k = 0; k < s->n_aim; k++) {
		if (k)
			pt_strlcat(buf, ", ", size);
		pt_strlcat(buf, threat_id(v, (long)effect_threat(v, s, k)), size);
	}
	if (!s->n_aim)
		pt_strlcpy(buf, "none", size);
}

void pt_plan_risk_band_text(const struct pt_plan_view *v, const struct pt_plan_screen *s,
			    char *buf, size_t size)
{
	const char *level = NULL;
	int mixed = 0, first = 1;
	uint32_t k;
	pt_strlcpy(buf, pt_band_name(s->risk_band), size);
	pt_strlcat(buf, " (", size);
	for (k = 0; k < s->n_aim; k++) {
		const struct pt_plan_effect *e = &v->model->effects[s->first_effect + k];
		const char *l = pt_plan_threat_level(v, (long)e->threat);
		if (e->band != s->risk_band)
			continue;
		if (!first)
			pt_strlcat(buf, ", ", size);
		pt_strlcat(buf, threat_id(v, (long)e->threat), size);
		if (level && strcmp(level, l) != 0)
			mixed = 1;
		level = l;
		first = 0;
	}
	if (first)
		pt_strlcat(buf, "no threat", size);
	pt_strlcat(buf, ") at ", size);
	if (!mixed) {
		pt_strlcat(buf, level ? level : v->threat_level_text ? v->threat_level_text : "", size);
		return;
	}
	for (k = 0, first = 1; k < s->n_aim; k++) {
		const struct pt_plan_effect *e = &v->model->effects[s->first_effect + k];
		if (e->band != s->risk_band)
			continue;
		if (!first)
			pt_strlcat(buf, ", ", size);
		pt_strlcat(buf, threat_id(v, (long)e->threat), size);
		pt_strlcat(buf, "=", size);
		pt_strlcat(buf, pt_plan_threat_level(v, (long)e->threat), size);
		first = 0;
	}
}

enum pt_band pt_plan_loss_band(const struct pt_plan_view *v, size_t site)
{
	if (!v->cfg || !v->model || site >= v->model->n_sites || !v->model->sites[site].assessed)
		return PT_BAND_NONE;
	return pt_quant_band(v->cfg, v->model->sites[site].risk_before_eur_year);
}

/* Issue 11 review m5: a site's threats at its worst band as "a, b" into ids, and
 * "a=SEVERE, b=SUBSTANTIAL" into lv with *mixed 1 when their levels differ. */
static void site_band_threats(const struct pt_plan_view *v, const struct pt_plan_site_model *sm,
			      char *ids, size_t n_ids, char *lv, size_t n_lv, int *mixed)
{
	const char *first = pt_plan_threat_level(v, sm->worst_threat);
	size_t k, n = v->model->band_threats ? sm->n_band_threats : 0;
	ids[0] = lv[0] = '\0';
	*mixed = 0;
	if (n == 0) { /* a model without ties recorded: the worst threat */
		pt_strlcpy(ids, threat_id(v, sm->worst_threat), n_ids);
		return;
	}
	for (k = 0; k < n; k++) {
		long t = (long)v->model->band_threats[sm->first_band_threat + k];
		if (k) {
			pt_strlcat(ids, ", ", n_ids);
			pt_strlcat(lv, ", ", n_lv);
		}
		pt_strlcat(ids, threat_id(v, t), n_ids);
		pt_strlcat(lv, threat_id(v, t), n_lv);
		pt_strlcat(lv, "=", n_lv);
		pt_strlcat(lv, pt_plan_threat_level(v, t), n_lv);
		*mixed |= strcmp(first, pt_plan_threat_level(v, t)) != 0;
	}
}

void pt_plan_site_bands_text(const struct pt_plan_view *v, size_t site, char *buf, size_t size)
{
	const struct pt_plan_site_model *sm;
	const char *all = v->threat_level_text ? v->threat_level_text : "";
	buf[0] = '\0';
	if (!v->model || site >= v->model->n_sites)
		return;
	sm = &v->model->sites[site];
	if (sm->worst_threat < 0) {
		snprintf(buf, size, "Not assessed: no risk band, no loss band.");
		return;
	}
	{ /* issue 11 review m5: every threat tied at the worst band, and the levels when they differ */
		char ids[400], lv[400];
		int mixed = 0;
		site_band_threats(v, sm, ids, sizeof ids, lv, sizeof lv, &mixed);
		snprintf(buf, size, "Risk band %s (%s) at %s; loss band %s at %s.",
			 pt_band_name(sm->band), ids,
			 mixed ? lv : pt_plan_threat_level(v, sm->worst_threat),
			 pt_band_name(pt_plan_loss_band(v, site)), all);
	}
}

/* ---- reasons ------------------------------------------------------------- */

/* Less intrusive alternatives named one by one; the rest are counted in one sentence. */
#define PT_PLAN_REASONS_ALTS 3

/* "vehicle_ramming EUR 41,300 against EUR 38,000 a year; ..." per aim threat
 * of s: this measure's reduction against alternative o's, into buf. */
static void effects_text(const struct pt_plan_view *v, const struct pt_plan_screen *s,
			 const struct pt_plan_screen *o, char *buf, size_t size)
{
	char a[64], b[64], one[256];
	uint32_t k;
	buf[0] = '\0';
	for (k = 0; k < s->n_aim; k++) {
		uint32_t t = effect_threat(v, s, k);
		double rs = v->model->effects[s->first_effect + k].reduction_eur_year;
		double ro = effect_on(v, o, t);
		eur_round(a, sizeof a, ro);
		eur_round(b, sizeof b, rs);
		if (strcmp(a, b) == 0) { /* the same when rounded: whole euros */
			pt_plan_eur_full(a, sizeof a, ro);
			pt_plan_eur_full(b, sizeof b, rs);
		}
		snprintf(one, sizeof one, "%s%s EUR %s a year against this measure's EUR %s",
			 k ? "; " : "", threat_id(v, (long)t), a, b);
		pt_strlcat(buf, one, size);
	}
}

void pt_plan_alt_text(const struct pt_plan_view *v, size_t site, const struct pt_plan_screen *s,
		      const struct pt_plan_alt *alt, char *buf, size_t size)
{
	char a[64], b[64], r[64], cost[160] = "";
	const char *id = pt_plan_measure_id(v, alt->measure);
	const struct pt_plan_screen *o = pt_plan_find_screen(v, site, alt->measure);
	eur_round(b, sizeof b, alt->cost_eur);
	if (alt->too_costly)
		snprintf(cost, sizeof cost, "costs EUR %s, above %g x this measure's cost", b,
			 pt_plan_cost_factor(v));
	if (alt->less_reduction && alt->short_threat >= 0) {
		double rs = effect_on(v, s, (uint32_t)alt->short_threat);
		double ro = alt->short_reduction_eur_year;
		eur_round(r, sizeof r, rs);
		if (alt->not_addressed) {
			snprintf(buf, size,
				 "Less intrusive %s considered: does not address %s (this measure: EUR %s a year)%s%s.",
				 id, threat_id(v, alt->short_threat), r, cost[0] ? "; it " : "", cost);
		} else {
			eur_round(a, sizeof a, ro);
			if (strcmp(a, r) == 0) {
				pt_plan_eur_full(a, sizeof a, ro);
				pt_plan_eur_full(r, sizeof r, rs);
			}
			snprintf(buf, size,
				 "Less intrusive %s considered: reduces %s less (EUR %s a year against this measure's EUR %s)%s%s.",
				 id, threat_id(v, alt->short_threat), a, r, cost[0] ? "; it " : "", cost);
		}
	} else if (alt->too_costly) {
		snprintf(buf, size, "Less intrusive %s considered: %s.", id, cost);
	} else if (alt->still_pays) {
		char eff[384];
		effects_text(v, s, o, eff, sizeof eff);
		pt_plan_ratio_text(r, sizeof r, alt->remaining_bcr);
		snprintf(buf, size,
			 "Less intrusive %s considered: serves the same aim (%s) for EUR %s, but this measure still pays for itself with it in place (benefit-cost ratio %s, minimum %g).",
			 id, eff, b, r, v->cfg ? v->cfg->plan_min_bcr : 1.0);
	} else {
		char eff[384];
		effects_text(v, s, o, eff, sizeof eff);
		pt_plan_ratio_text(r, sizeof r, alt->remaining_bcr);
		snprintf(buf, size,
			 "%s (intrusiveness %d) serves the same aim (%s) for EUR %s, within %g x the cost; with it in place this measure's benefit-cost ratio falls to %s, below the minimum %g.",
			 id, alt->intrusiveness, eff, b, pt_plan_cost_factor(v), r,
			 v->cfg ? v->cfg->plan_min_bcr : 1.0);
	}
}

/* ---- issue 11 (fit): estimated costs, legal basis, safeguards, misfits ---- */

static const char *const safeguard_text[PT_SAFEGUARD_COUNT] = {
	[PT_SAFEGUARD_DPIA] = "A data protection impact assessment before it starts (GDPR art. "
			      "35: art. 35(3)(c) for systematic monitoring of a publicly accessible "
			      "area on a large scale, art. 35(1) for other processing likely to "
			      "result in a high risk).",
	[PT_SAFEGUARD_SIGNAGE] = "Signs where it operates saying what is done, by whom, why and "
				 "whom to ask (GDPR arts. 12-13; EDPB Guidelines 3/2019, layered "
				 "notice).",
	[PT_SAFEGUARD_RETENTION_LIMIT] =
		"Recordings deleted after a few days (72 hours unless a reason is recorded), longer "
		"only for an incident under investigation (EDPB Guidelines 3/2019, section 8).",
	[PT_SAFEGUARD_NON_DISCRIMINATION] =
		"A written non-discrimination policy: everyone or a random selection is searched or "
		"stopped, never by appearance or origin; selections recorded and reviewed (EU "
		"Charter art. 21; GDPR art. 9).",
	[PT_SAFEGUARD_HUMAN_REVIEW] = "A trained person reviews every automated alert before "
				      "anyone acts on it (AI Act art. 14, human oversight).",
};

const char *pt_plan_safeguard_text(enum pt_safeguard g)
{
	return (unsigned)g < PT_SAFEGUARD_COUNT ? safeguard_text[g] : "";
}

/* Issue 11 M5: each surge line's safeguards [{id}] get the plan's "text"; lines is
 * returned (NULL passes; freed and NULL on out of memory). */
static json_t *surge_safeguard_texts(json_t *lines)
{
	size_t i, k;
	int g;
	for (i = 0; i < json_array_size(lines); i++) {
		json_t *guards = json_object_get(json_array_get(lines, i), "safeguards");
		for (k = 0; k < json_array_size(guards); k++) {
			json_t *o = json_array_get(guards, k);
			const char *id = json_string_value(json_object_get(o, "id"));
			for (g = 0; id && g < PT_SAFEGUARD_COUNT; g++)
				if (strcmp(id, pt_safeguard_name((enum pt_safeguard)g)) == 0 &&
				    json_object_set_new(o, "text", json_string(safeguard_text[g]))) {
					json_decref(lines);
					return NULL;
				}
		}
	}
	return lines;
}

/* "a condition of entry", "a statute", "none". */
static const char *basis_phrase(enum pt_legal_basis b)
{
	return b == PT_BASIS_STATUTE ? "a statute authorising it" :
	       b == PT_BASIS_ENTRY   ? "a condition of entry (a ticketed or access-controlled venue)" :
				       "no specific basis";
}

/* "a condition of entry", "a statute", "no specific basis". */
static const char *basis_short(enum pt_legal_basis b)
{
	return b == PT_BASIS_STATUTE ? "a statute" :
	       b == PT_BASIS_ENTRY   ? "a condition of entry" :
				       "no specific basis";
}

/* Name of site i for messages. */
static const struct pt_site *view_site(const struct pt_plan_view *v, size_t site)
{
	return v && v->sites && v->model && site < v->model->n_sites ? &v->sites[site] : NULL;
}

/* issue 11 M2: the basis m needs at site (raised to a statute at an open public space). */
static enum pt_legal_basis need_at(const struct pt_plan_view *v, size_t site,
				   const struct pt_measure *m)
{
	return m ? pt_measure_basis_at(m, view_site(v, site)) : PT_BASIS_STATUTE;
}

/* issue 11 M2: why a statute is needed where the catalogue asks less, or "". */
static const char *statute_why(const struct pt_plan_view *v, size_t site,
			       const struct pt_measure *m)
{
	if (!m || need_at(v, site, m) <= (enum pt_legal_basis)m->legal_basis)
		return "";
	return "At a public space a statute is needed: it intrudes on privacy at a publicly "
	       "accessible place without controlled entry, where neither legitimate interests "
	       "(GDPR art. 6(1)(f), closed to public authorities) nor a condition of entry "
	       "can carry it (art. 6(1)(e), 6(3)). ";
}

size_t pt_plan_reasons(const struct pt_plan_view *v, size_t site, const struct pt_plan_screen *s,
		       char (*out)[512], size_t max)
{
	const struct pt_plan_site_model *sm;
	const struct pt_measure *m = NULL;
	char a[64], b[64], r[64], aim[200], band[200];
	size_t n = 0, k;

	if (!v || !v->model || !s || site >= v->model->n_sites || max == 0)
		return 0;
	sm = &v->model->sites[site];
	if (v->measures && s->measure < v->measures->n)
		m = &v->measures->items[s->measure];

	(void)sm;
	aim_text(v, s, aim, sizeof aim);
	pt_plan_risk_band_text(v, s, band, sizeof band);
	if (s->intrusiveness <= 0 || s->needed_band == PT_BAND_NONE)
		snprintf(out[n++], 512,
			 "Aim: %s; risk band %s; intrusiveness %d needs no particular band.",
			 aim, band, s->intrusiveness);
	else
		snprintf(out[n++], 512, "Aim: %s; risk band %s; intrusiveness %d needs at least %s.",
			 aim, band, s->intrusiveness, pt_band_name(s->needed_band));

	if (n < max) {
		eur_round(a, sizeof a, s->reduction_eur_year);
		eur_round(b, sizeof b, s->cost_eur);
		pt_plan_ratio_text(r, sizeof r, s->bcr);
		if (s->main_threat >= 0)
			snprintf(out[n++], 512,
				 "Reduces expected loss by EUR %s a year (mostly %s); cost EUR %s over %u years; benefit-cost ratio %s.",
				 a, threat_id(v, s->main_threat), b, pt_plan_horizon(v), r);
		else
			snprintf(out[n++], 512,
				 "Reduces expected loss by EUR %s a year; cost EUR %s over %u years; benefit-cost ratio %s.",
				 a, b, pt_plan_horizon(v), r);
	}

	for (k = 0; k < s->n_alts && n < max; k++) {
		const struct pt_plan_alt *alt;
		if (s->first_alt + k >= v->model->n_alts)
			break;
		if (k == PT_PLAN_REASONS_ALTS && s->n_alts > PT_PLAN_REASONS_ALTS + 1) {
			snprintf(out[n++], 512,
				 "%zu other less intrusive measures acting on its aim fall short too (each "
				 "reduces a threat of the aim less, costs more than %g x this measure's "
				 "cost, or leaves it paying for itself).",
				 s->n_alts - k, pt_plan_cost_factor(v));
			break;
		}
		alt = &v->model->alts[s->first_alt + k];
		pt_plan_alt_text(v, site, s, alt, out[n++], 512);
	}
	if (s->n_alts == 0 && n < max) {
		if (s->intrusiveness <= 0)
			snprintf(out[n++], 512, "Not intrusive: every rights score is 0.");
		else
			snprintf(out[n++], 512, "No less intrusive measure acts on its aim (%s).", aim);
	}
	if (s->cost_estimated && n < max && m) {
		const char *drv = pt_cost_driver_name(m->cost_driver);
		snprintf(out[n++], 512,
			 "Cost estimated: the site gives no %s, so the cost is the catalogue's figure "
			 "x the size factor of a %s site.",
			 drv, pt_size_class_name(sm->size));
	}
	if (m && need_at(v, site, m) > PT_BASIS_NONE && n < max) {
		const struct pt_site *st = view_site(v, site);
		enum pt_legal_basis has = pt_site_legal_basis(st);
		if (s->basis_missing)
			snprintf(out[n++], 512,
				 "%sNeeds %s; the site has %s. Admitted only because "
				 "plan.allow_legal_basis is 1: confirm the basis before procurement.",
				 statute_why(v, site, m), basis_phrase(need_at(v, site, m)),
				 basis_phrase(has));
		else
			snprintf(out[n++], 512, "Legal basis: needs %s; the site has %s.",
				 basis_short(need_at(v, site, m)), basis_short(has));
	}
	if (m && s->verdict == PT_VERDICT_ADMITTED) {
		int g;
		for (g = 0; g < PT_SAFEGUARD_COUNT && n < max; g++)
			if (m->safeguards & (1u << g))
				snprintf(out[n++], 512, "Safeguard: %s", safeguard_text[g]);
	}
	return n;
}

void pt_plan_reject_reason(const struct pt_plan_view *v, size_t site,
			   const struct pt_plan_screen *s, char *buf, size_t size)
{
	char a[64], b[64];
	if (!buf || size == 0)
		return;
	buf[0] = '\0';
	if (!v || !s)
		return;
	switch (s->verdict) {
	case PT_VERDICT_STEP_FREE:
		snprintf(buf, size, "Removes step-free access: never chosen (accessibility must be kept).");
		break;
	case PT_VERDICT_LEGAL_BASIS: {
		const struct pt_measure *me = v->measures && s->measure < v->measures->n ?
						      &v->measures->items[s->measure] : NULL;
		const struct pt_site *st = view_site(v, site);
		snprintf(buf, size, "%sNeeds %s; %s has %s%s (plan.allow_legal_basis is 0).",
			 statute_why(v, site, me), basis_phrase(need_at(v, site, me)),
			 st ? st->name : "the site", basis_phrase(pt_site_legal_basis(st)),
			 st && st->legal_basis <= 0 ? " (unknown counts as none)" : "");
		break;
	}
	case PT_VERDICT_DOES_NOT_FIT: {
		const struct pt_site *st = view_site(v, site);
		const char *name = st ? st->name : "the site";
		const char *assumed = st && st->enclosed == PT_ENCLOSURE_UNKNOWN ?
					      " (assumed for a public space)" : "";
		if (s->misfit == PT_NEED_ENCLOSED)
			snprintf(buf, size,
				 "Needs an enclosed site (a building whose doors can be locked); %s is %s%s.",
				 name, st && st->enclosed == PT_ENCLOSURE_FENCED ? "fenced (open-air)" : "open",
				 assumed);
		else if (s->misfit == PT_NEED_CONTROLLED_ENTRY) /* issue 11 M3 */
			snprintf(buf, size,
				 "Needs controlled entry (a building, or a fenced perimeter whose entrances "
				 "can search or screen people); %s is open%s.", name, assumed);
		else if (s->misfit == PT_NEED_STAFFED)
			snprintf(buf, size, "Needs a staffed site; %s has no staff%s.", name,
				 st && st->staffed == PT_TRI_UNKNOWN ? " (assumed for a public space)" : "");
		else if (s->misfit > PT_NEED_ALL && s->misfit <= PT_NEED_ALL + PT_DRIVER_COUNT)
			snprintf(buf, size, "Its cost scales with %s, and %s has none (0).",
				 pt_site_driver_name((enum pt_site_driver)(s->misfit - PT_NEED_ALL - 1)),
				 name);
		else
			snprintf(buf, size, "Does not fit %s.", name);
		break;
	}
	case PT_VERDICT_BAND: {
		char band[256], aim[256];
		pt_plan_risk_band_text(v, s, band, sizeof band);
		aim_text(v, s, aim, sizeof aim);
		snprintf(buf, size,
			 "Intrusiveness %d needs a risk band of at least %s; its aim's (%s) is %s.",
			 s->intrusiveness, pt_band_name(s->needed_band), aim, band);
		break;
	}
	case PT_VERDICT_LESS_INTRUSIVE:
		if (s->n_alts && s->first_alt < v->model->n_alts &&
		    s->alternative >= 0 && v->model->alts[s->first_alt].measure == (uint32_t)s->alternative)
			pt_plan_alt_text(v, site, s, &v->model->alts[s->first_alt], buf, size);
		else
			snprintf(buf, size,
				 "%s is less intrusive and serves the same aim, within %g x the cost.",
				 s->alternative >= 0 ? pt_plan_measure_id(v, (uint32_t)s->alternative)
						     : "Another measure",
				 pt_plan_cost_factor(v));
		break;
	case PT_VERDICT_BCR:
		pt_plan_ratio_text(a, sizeof a, s->bcr);
		/* issue 11 (fit): the cost it was weighed at, and whether it is estimated */
		eur_round(b, sizeof b, s->cost_eur);
		snprintf(buf, size, "Benefit-cost ratio %s is below the minimum %g (cost EUR %s over %u years%s).", a,
			 v->cfg ? v->cfg->plan_min_bcr : 1.0, b, pt_plan_horizon(v),
			 s->cost_estimated ? ", estimated from the size class" : "");
		break;
	case PT_VERDICT_ADMITTED:
	default:
		snprintf(buf, size,
			 "Admissible, but not in the chosen bundle: the budget buys more risk reduction elsewhere.");
		break;
	}
}

/* ---- the funded sites, largest reduction first --------------------------- */

/* A funded site in report order: by reduction, then site id. */
struct site_key {
	double reduction;
	const char *id;
	size_t index;
};

static int cmp_sites(const void *pa, const void *pb)
{
	const struct site_key *a = pa, *b = pb;
	int c;
	if (a->reduction != b->reduction)
		return a->reduction > b->reduction ? -1 : 1;
	c = strcmp(a->id, b->id);
	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* The indexes of the funded sites in report order; *idx new (free()). */
enum pt_err pt_plan_funded_sites(const struct pt_plan_view *v, size_t **idx, size_t *n)
{
	struct site_key *keys;
	size_t i, k = 0;
	*idx = NULL;
	*n = 0;
	if (!v->model || v->model->n_sites == 0)
		return PT_OK;
	keys = malloc(v->model->n_sites * sizeof *keys);
	*idx = malloc(v->model->n_sites * sizeof **idx);
	if (!keys || !*idx) {
		free(keys);
		free(*idx);
		*idx = NULL;
		return PT_ENOMEM;
	}
	for (i = 0; i < v->model->n_sites; i++) {
		const struct pt_plan_option *o = pt_plan_chosen_option(v, i);
		if (o && o->n_measures > 0) {
			keys[k].reduction = o->benefit_eur;
			keys[k].id = v->sites ? v->sites[i].id : "";
			keys[k].index = i;
			k++;
		}
	}
	qsort(keys, k, sizeof *keys, cmp_sites);
	for (i = 0; i < k; i++)
		(*idx)[i] = keys[i].index;
	free(keys);
	*n = k;
	return PT_OK;
}

const char *pt_plan_site_id(const struct pt_plan_view *v, size_t i)
{
	return v->sites ? v->sites[i].id : "";
}

const char *pt_plan_site_name(const struct pt_plan_view *v, size_t i)
{
	return v->sites ? v->sites[i].name : "";
}

/* ---- JSON ---------------------------------------------------------------- */

static json_t *jreal(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

static int put(json_t *o, const char *key, json_t *val)
{
	return val ? json_object_set_new(o, key, val) : -1;
}

double pt_plan_ratio(double benefit, double cost)
{
	if (cost > 0)
		return benefit / cost;
	return benefit > 0 ? INFINITY : NAN;
}

json_t *pt_plan_sensitivity_json(const struct pt_plan_variant *v, size_t n)
{
	json_t *arr = json_array();
	size_t k;
	if (!arr)
		return NULL;
	for (k = 0; k < n; k++) {
		json_t *o = json_object();
		int bad = !o;
		if (o) {
			bad |= put(o, "discount_rate", json_real(v[k].discount_rate));
			bad |= put(o, "horizon_years", json_integer((json_int_t)v[k].horizon_years));
			bad |= put(o, "cost_eur", jreal(v[k].cost_eur));
			bad |= put(o, "risk_reduction_eur", jreal(v[k].risk_reduction_eur));
			bad |= put(o, "bcr", jreal(pt_plan_ratio(v[k].risk_reduction_eur, v[k].cost_eur)));
			bad |= put(o, "net_benefit_eur", jreal(v[k].risk_reduction_eur - v[k].cost_eur));
			bad |= put(o, "sites_funded", json_integer((json_int_t)v[k].sites_funded));
			bad |= put(o, "measures", json_integer((json_int_t)v[k].measures));
			bad |= put(o, "measures_in_common",
				   json_integer((json_int_t)v[k].measures_in_common));
			bad |= put(o, "base", json_boolean(v[k].base));
		}
		if (bad || json_array_append_new(arr, o)) {
			if (bad)
				json_decref(o);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* A screening's aim and risk band: aim_threats, risk_band, risk_band_threats
 * (the aim's threats at that band), threat_level (theirs). 0 or -1. */
static int put_aim(json_t *o, const struct pt_plan_view *v, const struct pt_plan_screen *s)
{
	json_t *aim = json_array(), *worst = json_array();
	const char *level = NULL;
	int bad = !aim || !worst, mixed = 0;
	uint32_t k;
	for (k = 0; s && k < s->n_aim && !bad; k++) {
		const struct pt_plan_effect *e = &v->model->effects[s->first_effect + k];
		bad |= json_array_append_new(aim, json_string(threat_id(v, (long)e->threat)));
		if (e->band == s->risk_band) {
			const char *l = pt_plan_threat_level(v, (long)e->threat);
			bad |= json_array_append_new(worst, json_string(threat_id(v, (long)e->threat)));
			mixed |= level && strcmp(level, l) != 0;
			level = l;
		}
	}
	if (bad) {
		json_decref(aim);
		json_decref(worst);
		return -1;
	}
	bad |= put(o, "aim_threats", aim);
	bad |= put(o, "risk_band", json_string(pt_band_name(s ? s->risk_band : PT_BAND_NONE)));
	bad |= put(o, "risk_band_threats", worst);
	bad |= put(o, "threat_level",
		   json_string(!level || mixed ? (v->threat_level_text ? v->threat_level_text : "")
					       : level));
	return bad;
}

/* The alternative that rules s out: {measure_id, intrusiveness, cost_eur,
 * remaining_bcr, effects: [{threat_id, reduction_eur_year,
 * alternative_reduction_eur_year}]} over the aim; NULL when out of memory. */
static json_t *ruling_alt_json(const struct pt_plan_view *v, size_t site,
			       const struct pt_plan_screen *s, const struct pt_plan_alt *a)
{
	const struct pt_plan_screen *o = pt_plan_find_screen(v, site, a->measure);
	json_t *j = json_object(), *eff = json_array();
	int bad = !j || !eff;
	uint32_t k;
	for (k = 0; k < s->n_aim && !bad; k++) {
		const struct pt_plan_effect *e = &v->model->effects[s->first_effect + k];
		json_t *x = json_object();
		bad |= !x || json_array_append_new(eff, x);
		if (bad)
			break;
		bad |= put(x, "threat_id", json_string(threat_id(v, (long)e->threat)));
		bad |= put(x, "reduction_eur_year", jreal(e->reduction_eur_year));
		bad |= put(x, "alternative_reduction_eur_year", jreal(effect_on(v, o, e->threat)));
	}
	if (bad) {
		json_decref(eff);
		json_decref(j);
		return NULL;
	}
	bad |= put(j, "measure_id", json_string(pt_plan_measure_id(v, a->measure)));
	bad |= put(j, "intrusiveness", json_integer(a->intrusiveness));
	bad |= put(j, "cost_eur", jreal(a->cost_eur));
	bad |= put(j, "remaining_bcr", jreal(a->remaining_bcr));
	bad |= put(j, "effects", eff);
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *measure_json(const struct pt_plan_view *v, size_t site, uint32_t mi)
{
	const struct pt_plan_screen *s = pt_plan_find_screen(v, site, mi);
	const struct pt_measure *m = v->measures && mi < v->measures->n ? &v->measures->items[mi]
									 : NULL;
	char reasons[16][512];
	json_t *o = json_object(), *arr = json_array();
	size_t n = 0, k;
	int bad = !o || !arr;

	if (s)
		n = pt_plan_reasons(v, site, s, reasons, 16);
	bad |= put(o, "measure_id", json_string(pt_plan_measure_id(v, mi)));
	bad |= put(o, "name", json_string(m ? m->name : ""));
	bad |= put(o, "family", json_string(m ? pt_measure_family_name(m->family) : ""));
	bad |= put(o, "cost_eur", jreal(s ? s->cost_eur : NAN));
	bad |= put(o, "reduction_eur_year", jreal(s ? s->reduction_eur_year : NAN));
	bad |= put(o, "bcr", jreal(s ? s->bcr : NAN));
	bad |= put(o, "intrusiveness", json_integer(s ? s->intrusiveness
						      : m ? pt_measure_intrusiveness(m) : 0));
	bad |= put(o, "legal_basis", /* what it needs at this site (issue 11 M2) */
		   json_string(pt_legal_basis_name(m ? need_at(v, site, m) : PT_BASIS_NONE)));
	if (s && !bad)
		bad |= put_aim(o, v, s);
	/* issue 11 (fit) */
	bad |= put(o, "cost_driver", json_string(m ? pt_cost_driver_name(m->cost_driver) : "size"));
	bad |= put(o, "cost_estimated", json_boolean(s && s->cost_estimated));
	bad |= put(o, "legal_basis_missing", json_boolean(s && s->basis_missing));
	{
		json_t *g = json_array();
		int k2;
		bad |= g ? 0 : -1;
		for (k2 = 0; g && m && k2 < PT_SAFEGUARD_COUNT; k2++)
			if (m->safeguards & (1u << k2))
				bad |= json_array_append_new(
					g, json_pack("{s:s,s:s}", "id",
						     pt_safeguard_name((enum pt_safeguard)k2), "text",
						     safeguard_text[k2]));
		bad |= put(o, "safeguards", g);
	}
	for (k = 0; k < n && !bad; k++)
		bad |= json_array_append_new(arr, json_string(reasons[k]));
	if (bad || json_object_set_new(o, "reasons", arr)) {
		if (!bad)
			arr = NULL;
		json_decref(arr);
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *site_json(const struct pt_plan_view *v, size_t i)
{
	const struct pt_plan_site_model *sm = &v->model->sites[i];
	const struct pt_plan_option *o = pt_plan_chosen_option(v, i);
	json_t *js = json_object(), *ms = json_array();
	int bad = !js || !ms;
	uint32_t k;

	bad |= put(js, "site_id", json_string(pt_plan_site_id(v, i)));
	bad |= put(js, "name", json_string(pt_plan_site_name(v, i)));
	bad |= put(js, "region", json_string(v->sites ? v->sites[i].region : ""));
	bad |= put(js, "lat", jreal(v->sites ? v->sites[i].lat : NAN));
	bad |= put(js, "lon", jreal(v->sites ? v->sites[i].lon : NAN));
	{ /* the risk band of its worst pair and the loss band of its expected loss */
		json_t *worst = json_array();
		bad |= !worst;
		int mixed = 0;
		size_t q, nb = v->model->band_threats ? sm->n_band_threats : 0;
		if (worst && sm->worst_threat >= 0 && nb == 0)
			bad |= json_array_append_new(worst,
						     json_string(threat_id(v, sm->worst_threat)));
		for (q = 0; worst && sm->worst_threat >= 0 && q < nb; q++) { /* issue 11 review m5: ties */
			long t = (long)v->model->band_threats[sm->first_band_threat + q];
			bad |= json_array_append_new(worst, json_string(threat_id(v, t)));
			mixed |= strcmp(pt_plan_threat_level(v, t),
					pt_plan_threat_level(v, sm->worst_threat)) != 0;
		}
		bad |= put(js, "risk_band", json_string(pt_band_name(sm->band)));
		bad |= put(js, "risk_band_threats", worst);
		bad |= put(js, "threat_level",
			   json_string(sm->worst_threat >= 0 && !mixed
					       ? pt_plan_threat_level(v, sm->worst_threat)
					       : v->threat_level_text ? v->threat_level_text : ""));
		bad |= put(js, "loss_band", json_string(pt_band_name(pt_plan_loss_band(v, i))));
	}
	bad |= put(js, "size_class", json_string(pt_size_class_name(sm->size)));
	bad |= put(js, "cost_eur", jreal(o->cost_eur));
	bad |= put(js, "risk_before_eur", jreal(sm->risk_before_eur_year));
	bad |= put(js, "risk_after_eur", jreal(o->risk_after_eur_year));
	bad |= put(js, "risk_reduction_eur", jreal(o->benefit_eur));
	bad |= put(js, "bcr", jreal(pt_plan_ratio(o->benefit_eur, o->cost_eur)));
	for (k = 0; k < o->n_measures && !bad; k++) {
		json_t *m = measure_json(v, i, v->model->option_measures[o->first_measure + k]);
		bad |= m ? json_array_append_new(ms, m) : -1;
	}
	if (bad || json_object_set_new(js, "measures", ms)) {
		if (!bad)
			ms = NULL;
		json_decref(ms);
		json_decref(js);
		return NULL;
	}
	return js;
}

static json_t *totals_json(const struct pt_plan_view *v)
{
	const struct pt_plan_result *r = v->result;
	json_t *t = json_object();
	int bad = !t;
	bad |= put(t, "cost_eur", jreal(r->cost_eur));
	bad |= put(t, "risk_before_eur_year", jreal(r->risk_before_eur_year));
	bad |= put(t, "risk_after_eur_year", jreal(r->risk_after_eur_year));
	bad |= put(t, "risk_reduction_eur", jreal(r->risk_reduction_eur));
	bad |= put(t, "bcr", jreal(pt_plan_ratio(r->risk_reduction_eur, r->cost_eur)));
	bad |= put(t, "net_benefit_eur", jreal(r->risk_reduction_eur - r->cost_eur));
	bad |= put(t, "bound_eur", jreal(r->bound_eur));
	bad |= put(t, "gap", jreal(r->gap));
	bad |= put(t, "optimal", json_boolean(r->optimal));
	bad |= put(t, "time_limit_hit", json_boolean(r->time_limit_hit));
	bad |= put(t, "exact_reduction_eur", jreal(r->exact_reduction_eur));
	bad |= put(t, "gap_to_exact", jreal(r->gap_to_exact));
	bad |= put(t, "sites_funded", json_integer((json_int_t)r->sites_funded));
	bad |= put(t, "measures", json_integer((json_int_t)r->measures_chosen));
	if (bad) {
		json_decref(t);
		return NULL;
	}
	return t;
}

size_t pt_plan_not_assessed(const struct pt_plan_view *v)
{
	size_t i, n = 0;
	for (i = 0; v->model && i < v->model->n_sites; i++)
		n += !v->model->sites[i].assessed;
	return n;
}

json_t *pt_plan_to_json(const struct pt_plan_view *v)
{
	json_t *root, *sites = NULL, *rej = NULL, *fr = NULL;
	size_t *idx = NULL, n_idx = 0, i, k;
	char reason[512];
	int bad;

	if (!v || !v->model || !v->result)
		return NULL;
	root = json_object();
	if (!root)
		return NULL;
	bad = put(root, "budget_eur", jreal(v->result->budget_eur));
	bad |= put(root, "solver", json_string(pt_plan_solver_name(v->result->solver)));
	bad |= put(root, "threat_level", json_string(v->threat_level_text ? v->threat_level_text : ""));
	bad |= put(root, "region", json_string(v->region ? v->region : ""));
	if (v->name && v->name[0])
		bad |= put(root, "name", json_string(v->name));
	bad |= put(root, "horizon_years", json_integer((json_int_t)pt_plan_horizon(v)));
	bad |= put(root, "discount_rate", jreal(v->cfg ? v->cfg->plan_discount_rate : NAN));
	bad |= put(root, "totals", totals_json(v));
	if (bad || pt_plan_funded_sites(v, &idx, &n_idx) != PT_OK)
		goto fail;

	sites = json_array();
	if (!sites)
		goto fail;
	for (k = 0; k < n_idx; k++) {
		json_t *s = site_json(v, idx[k]);
		if (!s || json_array_append_new(sites, s))
			goto fail;
	}
	if (json_object_set_new(root, "sites", sites)) {
		sites = NULL;
		goto fail;
	}
	sites = NULL;

	{ /* counts by rule, then the list unless left out */
		size_t counts[PT_VERDICT_COUNT] = { 0 };
		json_t *c = json_object();
		if (!c || json_object_set_new(root, "rejected_counts", c))
			goto fail;
		for (i = 0; i < v->model->n_screens; i++)
			if ((size_t)v->model->screens[i].verdict < sizeof counts / sizeof counts[0])
				counts[v->model->screens[i].verdict]++;
		for (k = PT_VERDICT_STEP_FREE; k < PT_VERDICT_COUNT; k++)
			if (put(c, pt_plan_verdict_name((enum pt_plan_verdict)k),
				json_integer((json_int_t)counts[k])))
				goto fail;
	}
	rej = json_array();
	if (!rej)
		goto fail;
	for (i = 0; i < v->model->n_sites && !v->omit_rejected; i++) {
		const struct pt_plan_site_model *sm = &v->model->sites[i];
		for (k = 0; k < sm->n_screens; k++) {
			const struct pt_plan_screen *s = &v->model->screens[sm->first_screen + k];
			json_t *o;
			if (s->verdict == PT_VERDICT_ADMITTED)
				continue;
			pt_plan_reject_reason(v, i, s, reason, sizeof reason);
			o = json_object();
			if (!o || json_array_append_new(rej, o))
				goto fail;
			bad = put(o, "site_id", json_string(pt_plan_site_id(v, i)));
			bad |= put(o, "measure_id", json_string(pt_plan_measure_id(v, s->measure)));
			bad |= put(o, "verdict", json_string(pt_plan_verdict_name(s->verdict)));
			bad |= put(o, "reason", json_string(reason));
			bad |= put_aim(o, v, s);
			if (s->verdict == PT_VERDICT_LESS_INTRUSIVE && s->n_alts &&
			    s->first_alt < v->model->n_alts)
				bad |= put(o, "alternative",
					   ruling_alt_json(v, i, s, &v->model->alts[s->first_alt]));
			if (bad)
				goto fail;
		}
	}
	if (v->omit_rejected) {
		json_decref(rej);
	} else if (json_object_set_new(root, "rejected", rej)) {
		rej = NULL;
		goto fail;
	}
	rej = NULL;
	/* Issue 11 review M1: admitted measures not funded, counts then the list unless left out */
	if (put(root, "not_chosen_counts", pt_plan_not_chosen_counts_json(v)) ||
	    (!v->omit_not_chosen && put(root, "not_chosen", pt_plan_not_chosen_json(v))))
		goto fail;

	if (v->frontier_n > 0 && v->frontier_budget && v->frontier_reduction) {
		fr = json_array();
		if (!fr)
			goto fail;
		for (k = 0; k < v->frontier_n; k++) {
			json_t *o = json_object();
			if (!o || json_array_append_new(fr, o))
				goto fail;
			bad = put(o, "budget_eur", jreal(v->frontier_budget[k]));
			bad |= put(o, "risk_reduction_eur", jreal(v->frontier_reduction[k]));
			bad |= put(o, "bound_eur",
				   jreal(v->frontier_bound ? v->frontier_bound[k] : NAN));
			if (bad)
				goto fail;
		}
		if (json_object_set_new(root, "frontier", fr)) {
			fr = NULL;
			goto fail;
		}
		fr = NULL;
	}
	bad = v->omit_withheld ? 0 : put(root, "withheld", json_integer((json_int_t)v->withheld));
	bad |= put(root, "outside_region", json_integer((json_int_t)v->outside_region));
	bad |= put(root, "not_assessed", json_integer((json_int_t)pt_plan_not_assessed(v)));
	if (v->with_time_limit)
		bad |= put(root, "exact_time_limit_s", json_real(v->exact_time_limit_s));
	if (v->variants && v->n_variants)
		bad |= put(root, "sensitivity", pt_plan_sensitivity_json(v->variants, v->n_variants));
	if (v->today_level_text) { /* issue 11 item 6: the planning level and the surge */
		char priced[PT_PLAN_PRICED_AT_MAX];
		pt_plan_priced_at(v, priced, sizeof priced);
		bad |= put(root, "planning_level", json_string(v->threat_level_text));
		bad |= put(root, "today_threat_level", json_string(v->today_level_text));
		bad |= put(root, "priced_at", json_string(priced));
	}
	if (v->surge.result) {
		bad |= put(root, "surge", surge_safeguard_texts(pt_surge_lines_json(&v->surge)));
		bad |= put(root, "surge_summary", pt_surge_summary_json(&v->surge));
		if (!v->omit_rejected) /* issue 11 M5: left out with the plan's "rejected" */
			bad |= put(root, "surge_rejected", pt_surge_rejected_json(&v->surge));
	}
	bad |= put(root, "tlp", json_string(pt_marking_label(pt_plan_marking(v))));
	if (bad)
		goto fail;
	free(idx);
	return root;
fail:
	free(idx);
	json_decref(sites);
	json_decref(rej);
	json_decref(fr);
	json_decref(root);
	return NULL;
}

void pt_plan_priced_at(const struct pt_plan_view *v, char *buf, size_t size)
{
	snprintf(buf, size, "priced at planning level %s (today: %s)",
		 v->threat_level_text ? v->threat_level_text : "",
		 v->today_level_text ? v->today_level_text : "");
}

enum pt_tlp pt_plan_marking(const struct pt_plan_view *v)
{
	return v && v->model ? pt_marking_sites(v->sites, v->model->n_sites) : PT_TLP_CLEAR;
}

enum pt_err pt_plan_write_json(FILE *f, const struct pt_plan_view *v)
{
	json_t *j = pt_plan_to_json(v);
	int rc;
	if (!j)
		return PT_ENOMEM;
	rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	json_decref(j);
	if (rc != 0 || fputc('\n', f) == EOF || ferror(f))
		return PT_EIO;
	return PT_OK;
}

/* ---- CSV ----------------------------------------------------------------- */

static void csv_number(FILE *f, double x)
{
	char buf[64];
	if (!isfinite(x)) {
		fputs(isnan(x) ? "" : "inf", f);
		return;
	}
	pt_format_double(buf, sizeof buf, x);
	fputs(buf, f);
}

enum pt_err pt_plan_write_csv(FILE *f, const struct pt_plan_view *v)
{
	size_t *idx = NULL, n_idx = 0, k, r;
	char reasons[16][512];
	char *joined = NULL;
	enum pt_err err;

	if (!v || !v->model || !v->result)
		return PT_EINVAL;
	if ((err = pt_plan_funded_sites(v, &idx, &n_idx)) != PT_OK)
		return err;
	fprintf(f, "# %s\r\n", pt_marking_label(pt_plan_marking(v))); /* importers skip it */
	joined = malloc(sizeof reasons + 16 * 4);
	if (!joined) {
		free(idx);
		return PT_ENOMEM;
	}
	fputs("site_id,site_name,measure_id,measure_name,cost_eur,reduction_eur_year,bcr,reasons\r\n",
	      f);
	for (k = 0; k < n_idx; k++) {
		size_t i = idx[k];
		const struct pt_plan_option *o = pt_plan_chosen_option(v, i);
		uint32_t j;
		for (j = 0; j < o->n_measures; j++) {
			uint32_t mi = v->model->option_measures[o->first_measure + j];
			const struct pt_plan_screen *s = pt_plan_find_screen(v, i, mi);
			size_t n = s ? pt_plan_reasons(v, i, s, reasons, 16) : 0;
			joined[0] = '\0';
			for (r = 0; r < n; r++) {
				if (r)
					strcat(joined, " | ");
				strcat(joined, reasons[r]);
			}
			pt_csv_write_field(f, pt_plan_site_id(v, i));
			fputc(',', f);
			pt_csv_write_field(f, pt_plan_site_name(v, i));
			fputc(',', f);
			pt_csv_write_field(f, pt_plan_measure_id(v, mi));
			fputc(',', f);
			pt_csv_write_field(f, v->measures && mi < v->measures->n
						      ? v->measures->items[mi].name : "");
			fputc(',', f);
			csv_number(f, s ? s->cost_eur : NAN);
			fputc(',', f);
			csv_number(f, s ? s->reduction_eur_year : NAN);
			fputc(',', f);
			csv_number(f, s ? s->bcr : NAN);
			fputc(',', f);
			pt_csv_write_field(f, joined);
			fputs("\r\n", f);
		}
	}
	free(joined);
	free(idx);
	return ferror(f) ? PT_EIO : PT_OK;
}

enum pt_err pt_plan_write_frontier_csv(FILE *f, const struct pt_plan_view *v)
{
	size_t k;
	if (!v)
		return PT_EINVAL;
	fputs("budget_eur,risk_reduction_eur,bound_eur\r\n", f);
	for (k = 0; k < v->frontier_n && v->frontier_budget && v->frontier_reduction; k++) {
		csv_number(f, v->frontier_budget[k]);
		fputc(',', f);
		csv_number(f, v->frontier_reduction[k]);
		fputc(',', f);
		csv_number(f, v->frontier_bound ? v->frontier_bound[k] : NAN);
		fputs("\r\n", f);
	}
	return ferror(f) ? PT_EIO : PT_OK;
}

/* ---- issue 11 review M1: the admitted measures a plan does not fund and why ---- */

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
