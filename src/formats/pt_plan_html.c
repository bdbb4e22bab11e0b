/* pt_plan_html.c - the investment plan as one printable HTML page: summary,
 * the frontier as inline SVG, per site the measures with reasons, rejections. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_html.h"
#include "pt_marking_io.h"
#include "pt_plan_io.h"
#include "pt_plan_io_int.h"

/* ---- HTML ---------------------------------------------------------------- */

static void row(FILE *f, const char *label, const char *value)
{
	fputs("<tr><th scope=\"row\">", f);
	pt_html_text(f, label);
	fputs("</th><td>", f);
	pt_html_text(f, value);
	fputs("</td></tr>\n", f);
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>Protective measures: investment plan</title>\n<style>\n"
	"body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;"
	"color:#1a1a1a;line-height:1.4}\n"
	"h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #999}\n"
	"table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
	"th,td{text-align:left;vertical-align:top;padding:.25em .5em;border-bottom:1px solid #ddd}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td:first-child{white-space:nowrap}\n"
	"table.summary th{width:16em;font-weight:600}\n"
	"tr.site td{border-top:2px solid #555;font-weight:600}\n"
	"ul.reasons{margin:.2em 0 .2em 1.2em;padding:0}\n"
	"svg{max-width:100%;height:auto}\n"
	".note{color:#444}\n"
	"@media print{body{margin:0;max-width:none;font-size:10pt}"
	"h2{break-after:avoid}tr{break-inside:avoid}figure{break-inside:avoid}"
	"a{color:inherit;text-decoration:none}}\n"
	/* The TLP marking: the page is one table whose thead and tfoot a printer repeats on
	 * every page (Chromium prints no content in @page margin boxes). */
	"table.tlp-page,table.tlp-page>*>tr>td{border:0;padding:0;margin:0}\n"
	"table.tlp-page>tbody>tr>td{white-space:normal}\n"
	"table.tlp-page>tbody>tr{break-inside:auto}\n"
	"table.tlp-page>thead>tr>td,table.tlp-page>tfoot>tr>td{text-align:right;padding:.3em 0}\n"
	".tlp{font-weight:700;font-family:monospace;padding:.1em .4em;"
	"print-color-adjust:exact;-webkit-print-color-adjust:exact}\n"
	"</style>\n</head>\n<body>\n";

#define SVG_W 640
#define SVG_H 360
#define SVG_L 90
#define SVG_R 20
#define SVG_T 20
#define SVG_B 60

static double sx(double x, double xmax)
{
	return SVG_L + (xmax > 0 ? x / xmax : 0) * (SVG_W - SVG_L - SVG_R);
}

static double sy(double y, double ymax)
{
	return SVG_H - SVG_B - (ymax > 0 ? y / ymax : 0) * (SVG_H - SVG_T - SVG_B);
}

static void svg_line(FILE *f, const struct pt_plan_view *v, const double *ys, double xmax,
		     double ymax, const char *style)
{
	size_t k;
	fprintf(f, "<polyline fill=\"none\" %s points=\"", style);
	for (k = 0; k < v->frontier_n; k++) {
		double x = isfinite(v->frontier_budget[k]) ? v->frontier_budget[k] : 0;
		double y = isfinite(ys[k]) ? ys[k] : 0;
		fprintf(f, "%s%.1f,%.1f", k ? " " : "", sx(x, xmax), sy(y, ymax));
	}
	fputs("\"/>\n", f);
}

/* A round tick step (1, 2, 2.5 or 5 x 10^k) giving about five ticks up to max. */
static double tick_step(double max)
{
	double raw, mag, norm;
	if (!(max > 0) || !isfinite(max))
		return 1;
	raw = max / 5;
	mag = pow(10, floor(log10(raw)));
	norm = raw / mag;
	if (norm <= 1)
		return mag;
	if (norm <= 2)
		return 2 * mag;
	if (norm <= 2.5)
		return 2.5 * mag;
	if (norm <= 5)
		return 5 * mag;
	return 10 * mag;
}

static void svg_frontier(FILE *f, const struct pt_plan_view *v)
{
	double xmax = 0, ymax = 0, budget, xstep, ystep;
	char lab[64];
	size_t k;
	int t;

	for (k = 0; k < v->frontier_n; k++) {
		if (isfinite(v->frontier_budget[k]) && v->frontier_budget[k] > xmax)
			xmax = v->frontier_budget[k];
		if (isfinite(v->frontier_reduction[k]) && v->frontier_reduction[k] > ymax)
			ymax = v->frontier_reduction[k];
		if (v->frontier_bound && isfinite(v->frontier_bound[k]) &&
		    v->frontier_bound[k] > ymax)
			ymax = v->frontier_bound[k];
	}
	fputs("<h2>Risk reduction against budget</h2>\n<figure>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		   "height=\"%d\" role=\"img\" aria-labelledby=\"frontier-title frontier-desc\">\n",
		SVG_W, SVG_H, SVG_W, SVG_H);
	fputs("<title id=\"frontier-title\">Risk reduction (present value, EUR) against budget "
	      "(EUR)</title>\n",
	      f);
	fputs("<desc id=\"frontier-desc\">", f);
	pt_html_textf(f, "The solid line is the plan's risk reduction at %zu budgets from 0 to the cost of "
		 "every measure; the dashed line is the upper bound of the linear relaxation; the "
		 "vertical line marks this plan's budget.",
	      v->frontier_n);
	fputs("</desc>\n", f);
	/* axes */
	fprintf(f, "<g stroke=\"#333\" stroke-width=\"1\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
		   "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/></g>\n",
		SVG_L, SVG_H - SVG_B, SVG_W - SVG_R, SVG_H - SVG_B, SVG_L, SVG_T, SVG_L,
		SVG_H - SVG_B);
	fputs("<g font-size=\"11\" fill=\"#333\">\n", f);
	xstep = tick_step(xmax);
	ystep = tick_step(ymax);
	for (t = 0; t <= 10; t++) {
		double x = xstep * t, y = ystep * t;
		if (x > xmax * (1 + 1e-9) && y > ymax * (1 + 1e-9))
			break;
		if (x > xmax * (1 + 1e-9))
			goto y_tick;
		pt_plan_eur_short(lab, sizeof lab, x);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>"
			   "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
			sx(x, xmax), SVG_H - SVG_B, sx(x, xmax), SVG_H - SVG_B + 5, sx(x, xmax),
			SVG_H - SVG_B + 18);
		pt_html_text(f, lab);
		fputs("</text>\n", f);
	y_tick:
		if (y > ymax * (1 + 1e-9))
			continue;
		pt_plan_eur_short(lab, sizeof lab, y);
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>"
			   "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
			SVG_L - 5, sy(y, ymax), SVG_L, sy(y, ymax), SVG_L - 8, sy(y, ymax) + 4);
		pt_html_text(f, lab);
		fputs("</text>\n", f);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">Budget (EUR, present value over "
		   "the horizon)</text>\n",
		(SVG_L + SVG_W - SVG_R) / 2, SVG_H - 18);
	fprintf(f, "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">Risk "
		   "reduction (EUR, PV)</text>\n</g>\n",
		(SVG_T + SVG_H - SVG_B) / 2);
	if (v->frontier_bound)
		svg_line(f, v, v->frontier_bound, xmax, ymax,
			 "stroke=\"#888\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"");
	svg_line(f, v, v->frontier_reduction, xmax, ymax, "stroke=\"#0b5394\" stroke-width=\"2\"");
	budget = v->result->budget_eur;
	if (isfinite(budget) && xmax > 0) {
		double bx = sx(budget < xmax ? budget : xmax, xmax);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#b45f06\" "
			   "stroke-width=\"1.5\"/>\n<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
			   "fill=\"#b45f06\"/>\n<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
			   "fill=\"#b45f06\">this budget</text>\n",
			bx, SVG_T, bx, SVG_H - SVG_B, bx, sy(v->result->risk_reduction_eur, ymax),
			bx + 4, SVG_T + 10);
	}
	fputs("<g font-size=\"11\"><line x1=\"100\" y1=\"12\" x2=\"130\" y2=\"12\" stroke=\"#0b5394\" "
	      "stroke-width=\"2\"/><text x=\"134\" y=\"16\">plan (fast solver)</text>"
	      "<line x1=\"260\" y1=\"12\" x2=\"290\" y2=\"12\" stroke=\"#888\" "
	      "stroke-dasharray=\"6 4\"/><text x=\"294\" y=\"16\">LP bound</text></g>\n",
	      f);
	fputs("</svg>\n<figcaption class=\"note\">Each point is a plan chosen by the fast solver at "
	      "that budget; the gap between the lines is at most what a better plan could add."
	      "</figcaption>\n</figure>\n",
	      f);
}

static void html_summary(FILE *f, const struct pt_plan_view *v)
{
	const struct pt_plan_result *r = v->result;
	char a[96], b[96], buf[512];

	fputs("<h2>Summary</h2>\n<table class=\"summary\">\n", f);
	pt_plan_eur_full(a, sizeof a, r->budget_eur);
	snprintf(buf, sizeof buf, "EUR %s", a);
	row(f, "Budget", buf);
	row(f, "Solver", pt_plan_solver_name(r->solver));
	if (v->today_level_text) { /* issue 11 item 6 */
		char priced[PT_PLAN_PRICED_AT_MAX]; /* issue 11 review m1: the longest level texts */
		pt_plan_priced_at(v, priced, sizeof priced);
		priced[0] = (char)(priced[0] == 'p' ? 'P' : priced[0]);
		row(f, "Threat level", priced);
	} else {
		row(f, "Threat level", v->threat_level_text ? v->threat_level_text : "");
	}
	row(f, "Region", v->region && v->region[0] ? v->region : "all regions");
	snprintf(buf, sizeof buf, "%u years at a discount rate of %g%%", pt_plan_horizon(v),
		 v->cfg ? v->cfg->plan_discount_rate * 100 : NAN);
	row(f, "Horizon", buf);
	snprintf(buf, sizeof buf, "%zu sites, %zu measures", r->sites_funded, r->measures_chosen);
	row(f, "In the plan", buf);
	pt_plan_eur_full(a, sizeof a, r->cost_eur);
	snprintf(buf, sizeof buf, "EUR %s (present value over the horizon)", a);
	row(f, "Cost", buf);
	pt_plan_eur_full(a, sizeof a, r->risk_reduction_eur);
	snprintf(buf, sizeof buf, "EUR %s (present value over the horizon)", a);
	row(f, "Risk reduction", buf);
	pt_plan_eur_full(a, sizeof a, r->risk_before_eur_year);
	pt_plan_eur_full(b, sizeof b, r->risk_after_eur_year);
	snprintf(buf, sizeof buf, "EUR %s a year before, EUR %s after", a, b);
	row(f, "Expected loss", buf);
	pt_plan_ratio_text(a, sizeof a, pt_plan_ratio(r->risk_reduction_eur, r->cost_eur));
	row(f, "Benefit-cost ratio", a);
	pt_plan_eur_full(a, sizeof a, r->risk_reduction_eur - r->cost_eur);
	snprintf(buf, sizeof buf, "EUR %s", a);
	row(f, "Net benefit", buf);
	pt_plan_percent_text(a, sizeof a, r->gap);
	pt_plan_eur_full(b, sizeof b, r->bound_eur);
	if (r->optimal)
		snprintf(buf, sizeof buf, "%s (bound EUR %s, not reachable with whole measures); "
			 "this plan is proved optimal", a, b);
	else
		snprintf(buf, sizeof buf, "%s (bound EUR %s: no plan can reduce more)%s", a, b,
			 r->time_limit_hit ? "; the exact solver's time limit was reached" : "");
	row(f, "Gap to the LP bound", buf);
	if (isnan(r->exact_reduction_eur)) {
		row(f, "Gap to the exact solver", "not checked");
	} else {
		pt_plan_percent_text(a, sizeof a, r->gap_to_exact);
		pt_plan_eur_full(b, sizeof b, r->exact_reduction_eur);
		snprintf(buf, sizeof buf, "%s (exact solver: EUR %s)", a, b);
		row(f, "Gap to the exact solver", buf);
	}
	/* How many sites the caller may not see is told only where the JSON tells it
	 * (v->omit_withheld: docs/access.md, Counts of hidden records). */
	if (!v->omit_withheld && (v->withheld || v->outside_region || pt_plan_not_assessed(v))) {
		snprintf(buf, sizeof buf,
			 "%zu sites not visible to the caller, %zu outside the region, %zu not assessed",
			 v->withheld, v->outside_region, pt_plan_not_assessed(v));
		row(f, "Left out", buf);
	} else if (v->omit_withheld && (v->outside_region || pt_plan_not_assessed(v))) {
		snprintf(buf, sizeof buf, "%zu sites outside the region, %zu not assessed",
			 v->outside_region, pt_plan_not_assessed(v));
		row(f, "Left out", buf);
	}
	fputs("</table>\n", f);
}

static void html_sites(FILE *f, const struct pt_plan_view *v, const size_t *idx, size_t n_idx)
{
	char a[96], b[96], c[96], reasons[16][512];
	size_t k, r;

	fputs("<h2>Sites in the plan</h2>\n", f);
	if (n_idx == 0) {
		fputs("<p>No site is funded at this budget.</p>\n", f);
		return;
	}
	fputs("<p class=\"note\">Expected loss is per year; cost is the present value of capital "
	      "and running costs over the horizon.</p>\n<table>\n<thead><tr><th>Site</th>"
	      "<th>Name</th><th>Risk band (threat), loss band</th><th class=\"n\">Cost (EUR)</th>"
	      "<th class=\"n\">Expected loss a year, before &#8594; after (EUR)</th>"
	      "<th class=\"n\">BCR</th></tr></thead>\n<tbody>\n",
	      f);
	for (k = 0; k < n_idx; k++) {
		size_t i = idx[k];
		const struct pt_plan_option *o = pt_plan_chosen_option(v, i);
		uint32_t j;
		pt_plan_eur_full(a, sizeof a, o->cost_eur);
		pt_plan_eur_full(b, sizeof b, v->model->sites[i].risk_before_eur_year);
		pt_plan_eur_full(c, sizeof c, o->risk_after_eur_year);
		fputs("<tr class=\"site\"><td>", f);
		pt_html_text(f, pt_plan_site_id(v, i));
		fputs("</td><td>", f);
		pt_html_text(f, pt_plan_site_name(v, i));
		fputs("</td><td>", f);
		{
			char bands[512];
			pt_plan_site_bands_text(v, i, bands, sizeof bands);
			pt_html_text(f, bands);
		}
		fputs("</td><td class=\"n\">", f);
		pt_html_text(f, a);
		fputs("</td><td class=\"n\">", f);
		pt_html_text(f, b);
		fputs(" &#8594; ", f);
		pt_html_text(f, c);
		fputs("</td><td class=\"n\">", f);
		pt_plan_ratio_text(a, sizeof a, pt_plan_ratio(o->benefit_eur, o->cost_eur));
		pt_html_text(f, a);
		fputs("</td></tr>\n", f);
		for (j = 0; j < o->n_measures; j++) {
			uint32_t mi = v->model->option_measures[o->first_measure + j];
			const struct pt_plan_screen *s = pt_plan_find_screen(v, i, mi);
			size_t n = s ? pt_plan_reasons(v, i, s, reasons, 16) : 0;
			fputs("<tr><td></td><td colspan=\"5\"><strong>", f);
			pt_html_text(f, pt_plan_measure_id(v, mi));
			fputs("</strong>", f);
			if (v->measures && mi < v->measures->n) {
				fputs(" (", f);
				pt_html_text(f, v->measures->items[mi].name);
				fputs(")", f);
			}
			if (s && s->cost_estimated) /* issue 11 (fit) */
				fputs(" <em>cost estimated</em>", f);
			fputs("\n<ul class=\"reasons\">", f);
			for (r = 0; r < n; r++) {
				fputs("<li>", f);
				pt_html_text(f, reasons[r]);
				fputs("</li>", f);
			}
			fputs("</ul></td></tr>\n", f);
		}
	}
	fputs("</tbody>\n</table>\n", f);
}

static void html_sensitivity(FILE *f, const struct pt_plan_view *v)
{
	char a[96], b[96], c[96], e[96];
	size_t k;
	fputs("<h2>How the plan depends on its assumptions</h2>\n<p class=\"note\">The same "
	      "budget planned again at other discount rates and horizons, each plan screened and "
	      "solved in full. Costs and reductions are present values at each row's own rate and "
	      "horizon; \"in common\" counts the row's measures that this plan also chooses at the "
	      "same site.</p>\n<table>\n<thead><tr><th>Discount rate</th><th>Horizon</th>"
	      "<th class=\"n\">Cost (EUR)</th><th class=\"n\">Risk reduction (EUR)</th>"
	      "<th class=\"n\">BCR</th><th class=\"n\">Net benefit (EUR)</th>"
	      "<th class=\"n\">Sites</th><th class=\"n\">Measures</th>"
	      "<th class=\"n\">In common</th></tr></thead>\n<tbody>\n",
	      f);
	for (k = 0; k < v->n_variants; k++) {
		const struct pt_plan_variant *r = &v->variants[k];
		pt_plan_eur_full(a, sizeof a, r->cost_eur);
		pt_plan_eur_full(b, sizeof b, r->risk_reduction_eur);
		pt_plan_ratio_text(c, sizeof c, pt_plan_ratio(r->risk_reduction_eur, r->cost_eur));
		pt_plan_eur_full(e, sizeof e, r->risk_reduction_eur - r->cost_eur);
		/* numbers only: nothing to escape */
		fprintf(f,
		      "<tr%s><td>%g%%%s</td><td>%u years</td><td class=\"n\">%s</td>"
		      "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
		      "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
		      r->base ? " class=\"site\"" : "", r->discount_rate * 100,
		      r->base ? " (this plan)" : "", r->horizon_years, a, b, c, e, r->sites_funded,
		      r->measures, r->measures_in_common);
	}
	fputs("</tbody>\n</table>\n", f);
}

static void html_rejected(FILE *f, const struct pt_plan_view *v)
{
	char reason[512];
	size_t i, k, n = 0;

	fputs("<h2>Measures rejected by the proportionality screening</h2>\n", f);
	for (i = 0; i < v->model->n_sites; i++) {
		const struct pt_plan_site_model *sm = &v->model->sites[i];
		for (k = 0; k < sm->n_screens; k++) {
			const struct pt_plan_screen *s = &v->model->screens[sm->first_screen + k];
			if (s->verdict == PT_VERDICT_ADMITTED)
				continue;
			if (n++ == 0)
				fputs("<table>\n<thead><tr><th>Site</th><th>Measure</th>"
				      "<th>Rule</th><th>Reason</th></tr></thead>\n<tbody>\n",
				      f);
			pt_plan_reject_reason(v, i, s, reason, sizeof reason);
			fputs("<tr><td>", f);
			pt_html_text(f, pt_plan_site_id(v, i));
			fputs("</td><td>", f);
			pt_html_text(f, pt_plan_measure_id(v, s->measure));
			fputs("</td><td>", f);
			pt_html_text(f, pt_plan_verdict_name(s->verdict));
			fputs("</td><td>", f);
			pt_html_text(f, reason);
			fputs("</td></tr>\n", f);
		}
	}
	if (n)
		fputs("</tbody>\n</table>\n", f);
	else
		fputs("<p>No measure was rejected.</p>\n", f);
}

/* Issue 11 M5: the safeguards a chosen surge measure needs, as a list. */
static void surge_safeguards_html(FILE *f, const struct pt_measure *m)
{
	int g;
	if (!m->safeguards)
		return;
	fputs("<ul class=\"safeguards\">", f);
	for (g = 0; g < PT_SAFEGUARD_COUNT; g++)
		if (m->safeguards & (1u << g)) {
			fputs("<li>Safeguard: ", f);
			pt_html_text(f, pt_plan_safeguard_text((enum pt_safeguard)g));
			fputs("</li>", f);
		}
	fputs("</ul>", f);
}

/* Issue 11 M5: the surge lines not chosen: a count per rule and the reasons (bounded). */
static void html_surge_rejected(FILE *f, const struct pt_plan_view *v)
{
	const struct pt_surge_result *sr = v->surge.result;
	size_t i, k, shown = 0, rejected = sr->n - sr->admitted, max = pt_surge_rejected_listed(sr);
	char reason[1024];
	if (!rejected)
		return;
	fprintf(f, "<h3>Surge lines not chosen: %zu</h3>\n<p>", rejected);
	for (k = 1; k < PT_SURGE_VERDICT_COUNT; k++)
		fprintf(f, "%s%s %zu", k > 1 ? ", " : "", pt_surge_verdict_name((enum pt_surge_verdict)k),
			sr->rejected[k]);
	fputs("</p>\n<table>\n<thead><tr><th>Site</th><th>Measure</th><th>Rule</th><th>Reason</th>"
	      "</tr></thead>\n<tbody>\n",
	      f);
	for (i = 0; i < sr->n && shown < max; i++) {
		const struct pt_surge_line *ln = &sr->lines[i];
		if (ln->verdict == PT_SURGE_ADMITTED)
			continue;
		pt_surge_reject_reason(&v->surge, ln, reason, sizeof reason);
		fputs("<tr><td>", f);
		pt_html_text(f, v->surge.sites[ln->site].id);
		fputs("</td><td>", f);
		pt_html_text(f, v->surge.catalog->base.items[ln->measure].name);
		fprintf(f, "</td><td>%s</td><td>", pt_surge_verdict_name(ln->verdict));
		pt_html_text(f, reason);
		fputs("</td></tr>\n", f);
		shown++;
	}
	fputs("</tbody>\n</table>\n", f);
	if (rejected > shown)
		fprintf(f, "<p class=\"note\">%zu more not listed.</p>\n", rejected - shown);
}

/* Issue 11 review M1: the admitted measures the plan does not fund, and why. */
static void html_not_chosen(FILE *f, const struct pt_plan_view *v)
{
	double least = pt_plan_least_marginal_bcr(v);
	char reason[640], a[64], b[64], r[48];
	size_t i, k, n = 0;

	fputs("<h2>Admitted but not funded</h2>\n", f);
	for (i = 0; i < v->model->n_sites; i++) {
		const struct pt_plan_site_model *sm = &v->model->sites[i];
		for (k = 0; k < sm->n_screens; k++) {
			const struct pt_plan_screen *s = &v->model->screens[sm->first_screen + k];
			struct pt_plan_not_chosen nc;
			if (!pt_plan_not_chosen(v, i, s, &nc))
				continue;
			if (n++ == 0)
				fputs("<table>\n<thead><tr><th>Site</th><th>Measure</th>"
				      "<th class=\"n\">BCR</th><th class=\"n\">Cost (EUR)</th>"
				      "<th class=\"n\">Reduction (EUR a year)</th><th>Why</th>"
				      "<th>Reason</th></tr></thead>\n<tbody>\n",
				      f);
			pt_plan_not_chosen_text(v, i, &nc, least, reason, sizeof reason);
			pt_plan_ratio_text(r, sizeof r, s->bcr);
			pt_plan_eur_full(a, sizeof a, s->cost_eur);
			pt_plan_eur_full(b, sizeof b, s->reduction_eur_year);
			fputs("<tr><td>", f);
			pt_html_text(f, pt_plan_site_id(v, i));
			fputs("</td><td>", f);
			pt_html_text(f, pt_plan_measure_id(v, s->measure));
			fputs("</td><td class=\"n\">", f);
			pt_html_text(f, r);
			fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>", a, b);
			pt_html_text(f, pt_plan_nc_why_name(nc.why));
			fputs("</td><td>", f);
			pt_html_text(f, reason);
			fputs("</td></tr>\n", f);
		}
	}
	if (n)
		fputs("</tbody>\n</table>\n", f);
	else
		fputs("<p>Every admitted measure is funded.</p>\n", f);
}

/* Issue 11 item 6: the surge lines, apart from the plan and its budget. */
static void html_surge(FILE *f, const struct pt_plan_view *v)
{
	const struct pt_surge_result *sr = v->surge.result;
	char a[96], b[96], threats[400], reason[1024];
	size_t i;
	if (!sr)
		return;
	fputs("<h2>Surge: temporary measures while today's level is above the planning level</h2>\n",
	      f);
	if (!sr->admitted) {
		fprintf(f, "<p>No surge measure: today's level is not above the planning level %s where "
			 "a surge measure applies and pays for itself over %u weeks.</p>\n",
		      pt_threat_level_name(sr->planning), sr->weeks);
		html_surge_rejected(f, v);
		return;
	}
	pt_plan_eur_full(a, sizeof a, sr->weekly_total_eur);
	pt_plan_eur_full(b, sizeof b, sr->total_eur);
	fprintf(f, "<p class=\"note\">%zu measures, EUR %s a week, EUR %s over %u weeks, until the "
		 "level returns to %s. Surge measures are costed per week, never enter the "
		 "budgeted plan and are not part of its cost.</p>\n",
	      sr->admitted, a, b, sr->weeks, pt_threat_level_name(sr->planning));
	fputs("<table>\n<thead><tr><th>Site</th><th>Measure</th><th class=\"n\">EUR a week</th>"
	      "<th class=\"n\">Weeks</th><th class=\"n\">Total (EUR)</th><th>Threats</th>"
	      "<th>Reason</th></tr></thead>\n<tbody>\n",
	      f);
	for (i = 0; i < sr->n; i++) {
		const struct pt_surge_line *ln = &sr->lines[i];
		if (ln->verdict != PT_SURGE_ADMITTED)
			continue;
		pt_plan_eur_full(a, sizeof a, ln->weekly_eur);
		pt_plan_eur_full(b, sizeof b, ln->total_eur);
		pt_surge_threat_list(&v->surge, ln, threats, sizeof threats);
		pt_surge_reason(&v->surge, ln, reason, sizeof reason);
		fputs("<tr><td>", f);
		pt_html_text(f, v->surge.sites[ln->site].id);
		fputs("</td><td>", f);
		pt_html_text(f, v->surge.catalog->base.items[ln->measure].name);
		fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">%u</td><td class=\"n\">%s</td><td>",
		      a, ln->weeks, b);
		pt_html_text(f, threats);
		fputs("</td><td>", f);
		pt_html_text(f, reason);
		surge_safeguards_html(f, &v->surge.catalog->base.items[ln->measure]);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	html_surge_rejected(f, v);
}

enum pt_err pt_plan_write_html(FILE *f, const struct pt_plan_view *v)
{
	size_t *idx = NULL, n_idx = 0;
	enum pt_err err;

	if (!v || !v->model || !v->result)
		return PT_EINVAL;
	if ((err = pt_plan_funded_sites(v, &idx, &n_idx)) != PT_OK)
		return err;
	fputs(html_head, f);
	fputs("<table class=\"tlp-page\">\n<thead><tr><td>", f);
	pt_marking_html(f, pt_plan_marking(v), "tlp tlp-header");
	fputs("</td></tr></thead>\n<tfoot><tr><td>", f);
	pt_marking_html(f, pt_plan_marking(v), "tlp tlp-footer");
	fputs("</td></tr></tfoot>\n<tbody><tr><td>\n", f);
	fputs("<h1>Protective measures: investment plan", f);
	if (v->name && v->name[0]) {
		fputs(" ", f);
		pt_html_text(f, v->name);
	}
	fputs("</h1>\n", f);
	html_summary(f, v);
	if (v->frontier_n >= 2 && v->frontier_budget && v->frontier_reduction)
		svg_frontier(f, v);
	if (v->variants && v->n_variants)
		html_sensitivity(f, v);
	html_sites(f, v, idx, n_idx);
	html_rejected(f, v);
	html_not_chosen(f, v);
	html_surge(f, v);
	fputs("<h2>Method</h2>\n<p class=\"note\">", f);
	pt_html_textf(f,
	      "Each measure's effect lowers the probability that an attack succeeds and its "
	      "consequence per threat scenario (V' = V x prod(1 - e), C' = C x prod(1 - c)); "
	      "risk is the quantitative method's expected yearly loss at the planning threat level. "
	      "Costs are capital (bought again at the end of each lifetime) plus running costs, and "
	      "benefits the yearly risk reduction, both as present values over %u years at %g%% a "
	      "year. Per site, the admissible bundles of at most %u measures that are "
	      "Pareto-efficient compete for the budget (a multiple-choice knapsack). A measure is "
	      "admissible only where the risk band of its aim (the threats making up 80%% of its "
	      "risk reduction at the site: the worst band of their pairs on the 5x5 matrix) reaches "
	      "the band its intrusiveness needs, its own benefit-cost ratio at the site is at least "
	      "%g, and no less intrusive measure that passes these rules serves the same aim (it "
	      "reduces each of the aim's threats at least as much) for at most %g x its cost while "
	      "leaving the measure's remaining benefit-cost ratio, with it in place, below the "
	      "minimum; measures that remove step-free access are never chosen. The loss band is "
	      "the band of a site's expected yearly loss (quant.band.*), the one the dashboard, map "
	      "and ranking show. The formulas, their sources and "
	      "assumptions are in docs/methodology.md.",
	      pt_plan_horizon(v), v->cfg ? v->cfg->plan_discount_rate * 100 : NAN,
	      v->cfg ? v->cfg->plan_max_measures : 4U, v->cfg ? v->cfg->plan_min_bcr : 1.0,
	      pt_plan_cost_factor(v));
	fputs("</p>\n</td></tr></tbody>\n</table>\n</body>\n</html>\n", f);
	free(idx);
	return ferror(f) ? PT_EIO : PT_OK;
}
