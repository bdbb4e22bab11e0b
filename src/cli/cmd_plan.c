/* cmd_plan.c - `protect plan`: choose protective measures across the sites
 * under a budget (proportionality screening, Pareto bundles, the fast or
 * exact solver), print or save the plan; `plan list|show` for saved plans. */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/pt_site_filter.h"
#include "app/pt_app_measures.h"
#include "app/pt_app_plan.h"
#include "formats/pt_csv.h"
#include "formats/pt_marking_io.h"
#include "formats/pt_plan_io.h"
#include "formats/pt_plan_saved_io.h"

/* Largest budget accepted (EUR). */
#define PLAN_BUDGET_MAX 1e15

enum plan_format { PLAN_TABLE = 0, PLAN_CSV, PLAN_JSON, PLAN_HTML };

/* A plain non-negative amount: digits with an optional decimal part. */
static int parse_budget(const char *s, double *out)
{
	const char *p = s;
	size_t digits = 0;
	char *end;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits++;
		}
	}
	if (!digits || *p || strlen(s) > 32)
		return -1;
	*out = strtod(s, &end);
	if (*end || !isfinite(*out) || *out < 0 || *out > PLAN_BUDGET_MAX)
		return -1;
	return 0;
}

static int parse_plan_format(const char *s, enum plan_format *out)
{
	static const char *const names[] = {"table", "csv", "json", "html"};
	size_t i;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum plan_format)i;
			return 0;
		}
	return -1;
}

static void eur(double x, char *buf, size_t size)
{
	char n[48];
	pt_cli_format_eur(x, n, sizeof n);
	snprintf(buf, size, "EUR %s", n);
}

static void ratio_text(double benefit, double cost, char *buf, size_t size)
{
	if (cost > 0)
		snprintf(buf, size, "%.2f", benefit / cost);
	else
		snprintf(buf, size, benefit > 0 ? "unbounded (no cost)" : "-");
}

static void print_frontier_table(const struct pt_plan_view *v)
{
	char a[64], b[64], c[64];
	size_t k;
	printf("\nRisk reduction against budget (%zu points; PV over %u years, EUR):\n", v->frontier_n,
	       v->cfg->plan_horizon_years);
	printf("%18s  %18s  %18s\n", "BUDGET", "REDUCTION", "LP BOUND");
	for (k = 0; k < v->frontier_n; k++) {
		pt_cli_format_eur(v->frontier_budget[k], a, sizeof a);
		pt_cli_format_eur(v->frontier_reduction[k], b, sizeof b);
		pt_cli_format_eur(v->frontier_bound ? v->frontier_bound[k] : NAN, c, sizeof c);
		printf("%18s  %18s  %18s\n", a, b, c);
	}
}

/* Issue 11 M5: the safeguards each chosen surge measure needs, once per measure. */
static void print_surge_safeguards(const struct pt_plan_view *v)
{
	const struct pt_surge_result *sr = v->surge.result;
	const struct pt_surge_catalog *cat = v->surge.catalog;
	size_t m, i, sites;
	int g;
	for (m = 0; m < cat->base.n; m++) {
		if (!cat->base.items[m].safeguards)
			continue;
		for (i = 0, sites = 0; i < sr->n; i++)
			sites += sr->lines[i].verdict == PT_SURGE_ADMITTED && sr->lines[i].measure == m;
		if (!sites)
			continue;
		printf("Safeguards for %s (%zu %s):\n", cat->base.items[m].id, sites,
		       sites == 1 ? "site" : "sites");
		for (g = 0; g < PT_SAFEGUARD_COUNT; g++)
			if (cat->base.items[m].safeguards & (1u << g))
				printf("  - %s\n", pt_plan_safeguard_text((enum pt_safeguard)g));
	}
}

#define SURGE_TEXT_REJECTED_MAX 10 /* rejected surge lines the text lists */

/* Issue 11 M5: the rejected surge lines: a count per rule and the first reasons. */
static void print_surge_rejected(const struct pt_plan_view *v)
{
	const struct pt_surge_result *sr = v->surge.result;
	char reason[1024];
	size_t i, k, rejected = sr->n - sr->admitted, shown = 0;
	if (!rejected)
		return;
	printf("Surge lines not chosen: %zu (", rejected);
	for (k = 1; k < PT_SURGE_VERDICT_COUNT; k++)
		printf("%s%s %zu", k > 1 ? ", " : "", pt_surge_verdict_name((enum pt_surge_verdict)k),
		       sr->rejected[k]);
	printf(")\n");
	for (i = 0; i < sr->n && shown < SURGE_TEXT_REJECTED_MAX; i++) {
		const struct pt_surge_line *ln = &sr->lines[i];
		if (ln->verdict == PT_SURGE_ADMITTED)
			continue;
		pt_surge_reject_reason(&v->surge, ln, reason, sizeof reason);
		fputs("  ", stdout);
		pt_cli_print_cell(stdout, v->surge.sites[ln->site].id, 8);
		putchar(' ');
		pt_cli_print_cell(stdout, v->surge.catalog->base.items[ln->measure].id, 28);
		printf(" %s: %s\n", pt_surge_verdict_name(ln->verdict), reason);
		shown++;
	}
	if (rejected > shown)
		printf("  ... and %zu more (--format json lists up to %d with their reasons)\n",
		       rejected - shown, PT_SURGE_REJECTED_LIST_MAX);
}

/* Issue 11 item 6: the surge lines, apart from the plan (never in its budget). */
static void print_surge(const struct pt_plan_view *v)
{
	const struct pt_surge_result *sr = v->surge.result;
	const char *planning = v->threat_level_text;
	char a[64], b[64], threats[400];
	size_t i;
	if (!sr)
		return;
	if (!sr->admitted) {
		printf("\nSurge: none (today's level is not above the planning level %s where a "
		       "surge measure applies)\n", planning);
		print_surge_rejected(v);
		return;
	}
	eur(sr->weekly_total_eur, a, sizeof a);
	eur(sr->total_eur, b, sizeof b);
	printf("\nSurge (temporary, not part of the plan or its budget): %zu measures, %s a week, "
	       "%s over %u weeks, until the level returns to %s\n", sr->admitted, a, b, sr->weeks,
	       planning);
	printf("%-8s %-28s %12s %6s %14s  %s\n", "SITE", "MEASURE", "EUR/WEEK", "WEEKS",
	       "TOTAL (EUR)", "THREATS");
	for (i = 0; i < sr->n; i++) {
		const struct pt_surge_line *ln = &sr->lines[i];
		if (ln->verdict != PT_SURGE_ADMITTED)
			continue;
		pt_cli_print_cell(stdout, v->surge.sites[ln->site].id, 8);
		putchar(' ');
		pt_cli_print_cell(stdout, v->surge.catalog->base.items[ln->measure].id, 28);
		pt_cli_format_eur(ln->weekly_eur, a, sizeof a);
		pt_cli_format_eur(ln->total_eur, b, sizeof b);
		pt_surge_threat_list(&v->surge, ln, threats, sizeof threats);
		printf(" %12s %6u %14s  %s%s%s\n", a, ln->weeks, b, threats,
		       ln->cost_estimated ? " (cost estimated)" : "",
		       pt_surge_basis_missing(&v->surge, ln) ? " (legal basis missing: confirm)" : "");
	}
	print_surge_safeguards(v);
	print_surge_rejected(v);
}

/* Issue 11 review M1: the admitted measures of a site in the plan that it does not fund. */
static void print_not_chosen_at(const struct pt_plan_view *v, size_t site, double least)
{
	const struct pt_plan_site_model *sm = &v->model->sites[site];
	char reason[640], r[48], a[64], b[64];
	size_t k;
	for (k = 0; k < sm->n_screens; k++) {
		const struct pt_plan_screen *sc = &v->model->screens[sm->first_screen + k];
		struct pt_plan_not_chosen nc;
		if (!pt_plan_not_chosen(v, site, sc, &nc))
			continue;
		pt_plan_not_chosen_text(v, site, &nc, least, reason, sizeof reason);
		if (isinf(sc->bcr))
			snprintf(r, sizeof r, "unbounded");
		else
			snprintf(r, sizeof r, "%.1f", sc->bcr);
		eur(sc->cost_eur, a, sizeof a);
		eur(sc->reduction_eur_year, b, sizeof b);
		printf("  - %s (%s): BCR %s, cost %s, reduces %s a year. %s\n",
		       v->measures->items[sc->measure].id, pt_plan_nc_why_name(nc.why), r, a, b,
		       reason);
	}
}

static int print_table(const struct pt_plan_view *v, int no_check)
{
	const struct pt_plan_result *r = v->result;
	const struct pt_config *cfg = v->cfg;
	char a[96], b[96], c[96];
	char reasons[16][512];
	size_t *idx, n_idx, k, i;
	size_t per_verdict[PT_VERDICT_COUNT] = {0}, rejected = 0, not_assessed = 0;
	double least = pt_plan_least_marginal_bcr(v); /* issue 11 review M1 */

	if (pt_plan_funded_sites(v, &idx, &n_idx) != PT_OK) {
		pt_cli_errorf("out of memory");
		return 70;
	}
	eur(r->budget_eur, a, sizeof a);
	printf("Investment plan: budget %s, solver %s\n", a, pt_plan_solver_name(r->solver));
	{ /* issue 11 item 6; review m1: sized for the longest level texts */
		char priced[PT_PLAN_PRICED_AT_MAX];
		pt_plan_priced_at(v, priced, sizeof priced);
		priced[0] = (char)(priced[0] == 'p' ? 'P' : priced[0]);
		printf("%s; horizon %u years, discount rate %g%%; region %s\n", priced,
		       cfg->plan_horizon_years, cfg->plan_discount_rate * 100,
		       v->region && v->region[0] ? v->region : "all");
	}
	printf("%zu sites in the plan, %zu measures\n\n", r->sites_funded, r->measures_chosen);

	eur(r->cost_eur, a, sizeof a);
	printf("%-24s %s (present value over %u years)\n", "Cost", a, cfg->plan_horizon_years);
	eur(r->risk_reduction_eur, a, sizeof a);
	printf("%-24s %s (present value)\n", "Risk reduction", a);
	eur(r->risk_before_eur_year, a, sizeof a);
	eur(r->risk_after_eur_year, b, sizeof b);
	printf("%-24s %s a year -> %s a year\n", "Expected loss", a, b);
	ratio_text(r->risk_reduction_eur, r->cost_eur, a, sizeof a);
	printf("%-24s %s\n", "Benefit-cost ratio", a);
	eur(r->risk_reduction_eur - r->cost_eur, a, sizeof a);
	printf("%-24s %s\n", "Net benefit", a);
	eur(r->bound_eur, a, sizeof a);
	if (r->optimal)
		printf("%-24s proved optimal; LP bound %s (%.2f%% above, not reachable with whole "
		       "measures)\n", "Optimality", a, r->gap * 100);
	else
		printf("%-24s within %.2f%% of the best possible (LP bound %s: no plan can reduce "
		       "more)%s\n", "Optimality", r->gap * 100, a,
		       r->time_limit_hit ? "; the exact solver's time limit was reached" : "");
	if (r->solver == PT_SOLVER_EXACT)
		printf("%-24s this plan is the exact solver's\n", "Exact solver");
	else if (!isnan(r->exact_reduction_eur)) {
		eur(r->exact_reduction_eur, a, sizeof a);
		printf("%-24s %s, fast is %.2f%% below\n", "Exact solver", a, r->gap_to_exact * 100);
	} else
		printf("%-24s check skipped (%s)\n", "Exact solver",
		       no_check ? "--no-check" : "too many options; --solver exact runs it");
	for (i = 0; i < v->model->n_sites; i++)
		not_assessed += !v->model->sites[i].assessed;
	if (v->omit_withheld && (v->outside_region || not_assessed))
		printf("%-24s %zu sites outside the region, %zu not assessed\n", "Left out",
		       v->outside_region, not_assessed);
	else if (!v->omit_withheld && (v->withheld || v->outside_region || not_assessed))
		printf("%-24s %zu sites outside the region, %zu withheld, %zu not assessed\n",
		       "Left out", v->outside_region, v->withheld, not_assessed);

	if (n_idx > 0) {
		printf("\n%-8s %-32s %-9s %14s  %-29s %6s\n", "SITE", "NAME", "RISK BAND", "COST (EUR)",
		       "LOSS/YR BEFORE -> AFTER (EUR)", "BCR");
	}
	for (k = 0; k < n_idx; k++) {
		size_t s = idx[k];
		const struct pt_plan_site_model *sm = &v->model->sites[s];
		const struct pt_plan_option *o = &v->model->options[sm->first_option + r->choice[s]];
		uint32_t j;
		char loss[200];
		pt_cli_print_cell(stdout, v->sites[s].id, 8);
		putchar(' ');
		pt_cli_print_cell(stdout, v->sites[s].name, 32);
		putchar(' ');
		pt_cli_print_cell(stdout, pt_band_name(sm->band), 9);
		pt_cli_format_eur(o->cost_eur, a, sizeof a);
		pt_cli_format_eur(sm->risk_before_eur_year, b, sizeof b);
		pt_cli_format_eur(o->risk_after_eur_year, c, sizeof c);
		snprintf(loss, sizeof loss, "%s -> %s", b, c);
		ratio_text(o->benefit_eur, o->cost_eur, b, sizeof b);
		printf(" %14s  %-29s %6s\n", a, loss, b);
		pt_plan_site_bands_text(v, s, loss, sizeof loss);
		printf("    %s\n", loss);
		for (j = 0; j < o->n_measures; j++) {
			uint32_t m = v->model->option_measures[o->first_measure + j];
			const struct pt_plan_screen *sc = pt_plan_find_screen(v, s, m);
			size_t n = sc ? pt_plan_reasons(v, s, sc, reasons, 16) : 0, q;
			printf("  + %s (%s)\n", v->measures->items[m].id, v->measures->items[m].name);
			for (q = 0; q < n; q++)
				printf("      %s\n", reasons[q]);
		}
		print_not_chosen_at(v, s, least); /* issue 11 review M1 */
	}
	free(idx);

	for (i = 0; i < v->model->n_screens; i++) {
		enum pt_plan_verdict vd = v->model->screens[i].verdict;
		if (vd != PT_VERDICT_ADMITTED) {
			rejected++;
			if ((size_t)vd < sizeof per_verdict / sizeof per_verdict[0])
				per_verdict[vd]++;
		}
	}
	printf("\nRejected: %zu measures", rejected);
	if (rejected) {
		const char *sep = " (";
		for (i = 1; i < sizeof per_verdict / sizeof per_verdict[0]; i++)
			if (per_verdict[i]) {
				printf("%s%s %zu", sep, pt_plan_verdict_name((enum pt_plan_verdict)i),
				       per_verdict[i]);
				sep = ", ";
			}
		printf("); --format json or html lists them with reasons");
	}
	putchar('\n');
	{ /* issue 11 review M1: admitted but not funded */
		size_t nc[PT_NC_COUNT], total = pt_plan_not_chosen_counts(v, nc);
		printf("Admitted but not funded: %zu measures", total);
		if (total) {
			const char *sep = " (";
			for (i = 0; i < PT_NC_COUNT; i++)
				if (nc[i]) {
					printf("%s%s %zu", sep, pt_plan_nc_why_name((enum pt_plan_nc_why)i),
					       nc[i]);
					sep = ", ";
				}
			printf("); those at sites in the plan are listed there, --format json or "
			       "html lists all with reasons");
		}
		putchar('\n');
	}
	print_surge(v);
	if (v->frontier_n)
		print_frontier_table(v);
	return 0;
}

static int write_plan(const struct pt_plan_view *v, enum plan_format fmt, int frontier,
		      int no_check)
{
	enum pt_err err = PT_OK;
	switch (fmt) {
	case PLAN_TABLE: {
		int rc = print_table(v, no_check);
		if (!rc) /* the marking of what the table shows */
			pt_cli_marking(pt_plan_marking(v));
		return rc;
	}
	case PLAN_CSV:
		err = frontier ? pt_plan_write_frontier_csv(stdout, v) : pt_plan_write_csv(stdout, v);
		break;
	case PLAN_JSON:
		err = pt_plan_write_json(stdout, v);
		break;
	case PLAN_HTML:
		err = pt_plan_write_html(stdout, v);
		break;
	}
	if (err == PT_EIO && ferror(stdout))
		return pt_cli_stdout_failed();
	if (err != PT_OK) {
		pt_cli_errorf("writing the plan: %s", pt_strerror(err));
		return pt_err_exit_status(err);
	}
	return 0;
}

/* ---- sensitivity ---------------------------------------------------------- */

/* "0.05" or "5%": a yearly rate 0 to 0.5. Returns 0 on success. */
static int parse_rate(const char *s, double *out)
{
	char *end;
	double x;
	if (!*s || isspace((unsigned char)*s))
		return -1;
	x = strtod(s, &end);
	if (end == s)
		return -1;
	if (*end == '%') {
		x /= 100;
		end++;
	}
	if (*end || !(x >= 0 && x <= 0.5))
		return -1;
	*out = x;
	return 0;
}

static void print_sensitivity(const struct pt_plan_variant *rows, size_t n, double budget)
{
	char a[64], b[48], c[48], e[48];
	size_t k;
	eur(budget, a, sizeof a);
	printf("\nSensitivity: the plan at the same budget (%s) with other discount rates and "
	       "horizons\n", a);
	printf("%-8s %-8s %14s %16s %6s %16s %6s %8s %10s\n", "RATE", "HORIZON", "COST (EUR)",
	       "REDUCTION (EUR)", "BCR", "NET (EUR)", "SITES", "MEASURES", "IN COMMON");
	for (k = 0; k < n; k++) {
		const struct pt_plan_variant *r = &rows[k];
		char rate[16], hz[16];
		snprintf(rate, sizeof rate, "%g%%", r->discount_rate * 100);
		snprintf(hz, sizeof hz, "%u y", r->horizon_years);
		pt_cli_format_eur(r->cost_eur, a, sizeof a);
		pt_cli_format_eur(r->risk_reduction_eur, b, sizeof b);
		ratio_text(r->risk_reduction_eur, r->cost_eur, c, sizeof c);
		pt_cli_format_eur(r->risk_reduction_eur - r->cost_eur, e, sizeof e);
		printf("%-8s %-8s %14s %16s %6s %16s %6zu %8zu %10zu%s\n", rate, hz, a, b, c, e,
		       r->sites_funded, r->measures, r->measures_in_common,
		       r->base ? "  (this plan)" : "");
	}
	printf("IN COMMON: measures also chosen at the same site by the plan above. Costs and "
	       "reductions are present values at each row's own rate and horizon.\n");
}

/* ---- saved plans ---------------------------------------------------------- */

static int plan_list(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_saved_plans l;
	struct pt_caller sys;
	struct pt_diag d;
	enum pt_format fmt = PT_FORMAT_TABLE;
	size_t n = 0, k;
	const struct pt_saved_plan *p;
	int i, rc;
	const char *val;
	enum pt_err err;

	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--format")) != NULL) {
			if (pt_cli_parse_format(val, 0, &fmt))
				return pt_cli_usage_error(cli, "--format is table, csv or json");
		} else
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&d, 0, sizeof d);
	memset(&l, 0, sizeof l);
	pt_caller_system(&sys);
	err = pt_app_plans_list(&sys, db, 0, (size_t)-1, &l, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	n = l.n;
	if (fmt == PT_FORMAT_JSON) {
		json_t *a = json_array();
		for (k = 0; a && k < n; k++) {
			json_t *o = pt_saved_plan_to_json(&l.items[k].plan, !l.items[k].partial, 0, 0);
			if (!o || json_array_append_new(a, o)) {
				json_decref(a);
				a = NULL;
			}
		}
		if ((rc = pt_cli_write_json(a, JSON_INDENT(2))))
			goto out;
	} else if (fmt == PT_FORMAT_CSV) {
		printf("name,created_at,created_by,solver,region,budget_eur,cost_eur,"
		       "risk_reduction_eur,gap,sites_funded,measures\r\n");
		for (k = 0; k < n; k++) {
			p = &l.items[k].plan;
			pt_csv_write_field(stdout, p->name);
			putchar(',');
			pt_csv_write_field(stdout, p->created_at);
			putchar(',');
			pt_csv_write_field(stdout, p->created_by);
			putchar(',');
			pt_csv_write_field(stdout, p->solver);
			putchar(',');
			pt_csv_write_field(stdout, p->region);
			printf(",%.2f,%.2f,%.2f,%.6f,%lld,%lld\r\n", p->budget_eur,
			       p->cost_eur, p->risk_reduction_eur, p->gap,
			       p->sites_funded, p->measures);
		}
	} else {
		char a[64], b[64], c[64], st[256];
		printf("%-20s %-20s %-20s %-6s %15s %15s %17s %6s %8s %s\n", "NAME", "CREATED", "BY",
		       "SOLVER", "BUDGET (EUR)", "COST (EUR)", "REDUCTION (EUR)", "SITES", "MEASURES",
		       "STATE");
		for (k = 0; k < n; k++) {
			p = &l.items[k].plan;
			pt_cli_format_eur(p->budget_eur, a, sizeof a);
			pt_cli_format_eur(p->cost_eur, b, sizeof b);
			pt_cli_format_eur(p->risk_reduction_eur, c, sizeof c);
			pt_cli_print_cell(stdout, p->name, 20);
			putchar(' ');
			pt_cli_print_cell(stdout, p->created_at, 20);
			putchar(' ');
			pt_cli_print_cell(stdout, p->created_by, 20);
			putchar(' ');
			pt_cli_print_cell(stdout, p->solver, 6);
			pt_saved_plan_state_text(p, st, sizeof st); /* review m6 */
			printf(" %15s %15s %17s %6lld %8lld %s\n", a, b, c, p->sites_funded,
			       p->measures, st);
		}
		printf("%zu saved plan%s\n", n, n == 1 ? "" : "s");
	}
out:
	pt_saved_plans_clear(&l);
	pt_app_db_close(db);
	return rc;
}

static int plan_show(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_saved_plan_read sr;
	const struct pt_saved_plan *sp = &sr.seen.plan;
	struct pt_caller sys;
	struct pt_diag d;
	const char *name = NULL, *val;
	int i, rc, as_json = 0;
	enum pt_err err;

	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--format")) != NULL) {
			if (strcmp(val, "json") == 0)
				as_json = 1;
			else if (strcmp(val, "table") != 0)
				return pt_cli_usage_error(cli, "--format is table or json");
		} else if (cli->argv[i][0] == '-' || name)
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
		else
			name = cli->argv[i];
	}
	if (!name)
		return pt_cli_usage_error(cli, "plan show needs NAME");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&d, 0, sizeof d);
	memset(&sr, 0, sizeof sr);
	pt_caller_system(&sys);
	err = pt_app_plan_get(&sys, db, name, NULL, &sr, &d);
	if (err == PT_ENOTFOUND) {
		pt_cli_errorf("no saved plan named \"%s\"; 'protect plan list' shows them", name);
		rc = 66;
		goto out;
	}
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (as_json) {
		fputs(sr.text ? sr.text : "{}\n", stdout);
		if (sr.text && sr.text[0] && sr.text[strlen(sr.text) - 1] != '\n')
			putchar('\n');
	} else {
		char a[64], b[64], c[64];
		json_t *sites = json_object_get(sr.plan, "sites");
		size_t k, m;
		eur(sp->budget_eur, a, sizeof a);
		eur(sp->cost_eur, b, sizeof b);
		eur(sp->risk_reduction_eur, c, sizeof c);
		printf("Saved plan %s, created %s by %s\n", sp->name, sp->created_at, sp->created_by);
		char priced[640];
		pt_saved_plan_priced(&sr, priced, sizeof priced); /* issue 11 item 6 */
		printf("Budget %s, solver %s, region %s, %s\n", a, sp->solver,
		       sp->region[0] ? sp->region : "all", priced);
		printf("Cost %s, risk reduction %s (present values), gap %.2f%%\n", b, c,
		       sp->gap * 100);
		{ /* review m6, m10: what the measures are now (a legacy plan's are accepted) */
			const char *phase = pt_saved_plan_phase(sp);
			char st[256];
			printf("%lld sites, %lld measures%s\n", sp->sites_funded, sp->measures,
			       strcmp(phase, "proposed") == 0   ? " proposed"
			       : strcmp(phase, "approved") == 0 ? " approved"
			       : strcmp(phase, "approved (legacy)") == 0
				       ? " accepted (committed before measures had states)"
				       : "");
			pt_saved_plan_state_text(sp, st, sizeof st);
			printf("State %s", st);
		}
		if (sp->withdrawn_at[0])
			printf(" on %s by %s", sp->withdrawn_at, sp->withdrawn_by);
		if (sp->scope_org[0])
			printf("; its measures approved by an admin of %s", sp->scope_org);
		putchar('\n');
		for (k = 0; k < json_array_size(sites); k++) {
			json_t *s = json_array_get(sites, k);
			json_t *ms = json_object_get(s, "measures");
			const char *sid = json_string_value(json_object_get(s, "site_id"));
			const char *sname = json_string_value(json_object_get(s, "name"));
			printf("  ");
			pt_cli_print_cell(stdout, sid ? sid : "", 8);
			putchar(' ');
			pt_cli_print_last(stdout, sname ? sname : "", 40);
			putchar(':');
			for (m = 0; m < json_array_size(ms); m++) {
				const char *mid = json_string_value(
					json_object_get(json_array_get(ms, m), "measure_id"));
				printf(" %s", mid ? mid : "?");
			}
			putchar('\n');
		}
		{ /* the marking of the plan as it is shown (issue 11) */
			enum pt_tlp tlp;
			if (pt_tlp_parse(json_string_value(json_object_get(sr.plan, "tlp")), &tlp) == PT_OK)
				pt_cli_marking(tlp);
		}
	}
out:
	pt_saved_plan_read_clear(&sr);
	pt_app_db_close(db);
	return rc;
}

/* ---- protect plan withdraw NAME [--as USER] (issue 11, item 7) ------------- */

static int plan_withdraw(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_plan_withdrawal w;
	struct pt_caller c;
	struct pt_diag d;
	const char *name = NULL, *as = NULL, *val;
	int i, rc;
	enum pt_err err;

	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a USER");
			as = val;
		} else if (cli->argv[i][0] == '-' || name)
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
		else
			name = cli->argv[i];
	}
	if (!name)
		return pt_cli_usage_error(cli, "plan withdraw needs a plan NAME");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	err = pt_app_plan_withdraw(&c, db, name, &w, &d);
	if (err == PT_ENOTFOUND) {
		pt_cli_errorf("no saved plan named \"%s\"; 'protect plan list' shows them", name);
		rc = 66;
		goto out;
	}
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf("withdrew plan %s: %zu measure%s not yet installed removed, %zu installed or "
	       "verified kept\n",
	       name, w.removed, w.removed == 1 ? "" : "s", w.kept);
out:
	pt_app_db_close(db);
	return rc;
}

/* ---- protect plan --budget ------------------------------------------------ */

/* protect plan --budget ... with the scope filter (issue 16 items 5 and 1: the caller's, emptied
 * by it) */
static int plan_run(struct pt_cli *cli, struct pt_site_filter *filter)
{
	struct pt_plan_opts o;
	struct pt_plan_run *run = NULL;
	struct pt_plan_view view;
	struct pt_caller c;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum plan_format fmt = PLAN_TABLE;
	const char *val, *budget_text = NULL, *save = NULL, *as = NULL;
	int i, rc, frontier = 0, no_check = 0, sensitivity = 0;
	struct pt_plan_variant sens[PT_PLAN_VARIANTS_MAX];
	size_t n_sens = 0;
	unsigned long secs;
	enum pt_err err;

	if (cli->argc >= 1 && strcmp(cli->argv[0], "list") == 0)
		return plan_list(cli);
	if (cli->argc >= 1 && strcmp(cli->argv[0], "show") == 0)
		return plan_show(cli);
	if (cli->argc >= 1 && strcmp(cli->argv[0], "withdraw") == 0)
		return plan_withdraw(cli);
	memset(&o, 0, sizeof o);
	o.solver = PT_SOLVER_FAST;
	o.check_exact = -1;
	for (i = 0; i < cli->argc; i++) {
		/* issue 16 items 5 and 1: the scope (--region was one region) */
		if ((rc = pt_cli_filter_option(cli, &i, filter)) == 1)
			continue;
		if (rc)
			return rc;
		if ((val = pt_cli_option(cli, &i, "--budget")) != NULL) {
			budget_text = val;
		} else if ((val = pt_cli_option(cli, &i, "--solver")) != NULL) {
			if (pt_plan_solver_parse(val, &o.solver) != PT_OK)
				return pt_cli_usage_error(cli, "--solver is fast or exact, not '%s'", val);
		} else if ((val = pt_cli_option(cli, &i, "--format")) != NULL) {
			if (parse_plan_format(val, &fmt))
				return pt_cli_usage_error(cli, "--format is table, csv, json or html");
		} else if ((val = pt_cli_option(cli, &i, "--save")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--save needs a NAME");
			save = val;
		} else if ((val = pt_cli_option(cli, &i, "--time-limit")) != NULL) {
			if (pt_cli_parse_ulong(val, 1, 86400, &secs))
				return pt_cli_usage_error(cli, "--time-limit is whole seconds, 1 to 86400");
			o.time_limit_s = (double)secs;
		} else if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a USER");
			as = val;
		} else if ((val = pt_cli_option(cli, &i, "--discount-rate")) != NULL) {
			if (parse_rate(val, &o.discount_rate))
				return pt_cli_usage_error(cli, "--discount-rate is a yearly rate from 0 "
							  "to 0.5 (or 0%% to 50%%), not '%s'", val);
			o.set_discount_rate = 1;
		} else if ((val = pt_cli_option(cli, &i, "--horizon")) != NULL) {
			if (pt_cli_parse_ulong(val, 1, 100, &secs))
				return pt_cli_usage_error(cli, "--horizon is whole years, 1 to 100");
			o.horizon_years = (unsigned)secs;
		} else if (strcmp(cli->argv[i], "--sensitivity") == 0) {
			sensitivity = 1;
		} else if (strcmp(cli->argv[i], "--frontier") == 0) {
			frontier = 1;
		} else if (strcmp(cli->argv[i], "--no-check") == 0) {
			no_check = 1;
		} else {
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
		}
	}
	if (!budget_text)
		return pt_cli_usage_error(cli, "--budget EUR is required");
	if (parse_budget(budget_text, &o.budget_eur))
		return pt_cli_usage_error(cli,
					  "--budget is a plain amount of EUR (digits, e.g. 2000000), not '%s'",
					  budget_text);
	if (sensitivity && fmt == PLAN_CSV)
		return pt_cli_usage_error(cli, "--sensitivity goes with --format table, json or html");
	if (no_check || o.solver == PT_SOLVER_EXACT)
		o.check_exact = 0;
	if (frontier)
		o.frontier_points = 101;

	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	o.region_required = 1;
	o.filter = filter;
	if (save) {
		struct pt_plan_saved saved;
		err = pt_app_plan_save(&c, db, save, &o, &saved, &d);
		run = saved.run; /* ours now */
		saved.run = NULL;
		pt_plan_saved_clear(&saved);
	} else {
		err = pt_app_plan_run(&c, db, &o, &run, &d);
	}
	if (err != PT_OK) {
		rc = pt_cli_filter_fail(cli, err, &d);
		goto out;
	}
	if (sensitivity) {
		memset(&d, 0, sizeof d);
		err = pt_app_plan_sensitivity(&o, run, sens, &n_sens, &d);
		if (err != PT_OK) {
			rc = pt_cli_fail(err, &d);
			goto out;
		}
	}
	pt_app_plan_view(run, save, &view);
	view.variants = n_sens ? sens : NULL;
	view.n_variants = n_sens;
	rc = write_plan(&view, fmt, frontier, no_check);
	if (!rc && sensitivity && fmt != PLAN_JSON)
		print_sensitivity(sens, n_sens, o.budget_eur);
	if (!rc && save) {
		FILE *f = fmt == PLAN_TABLE ? stdout : stderr;
		fprintf(f, "%ssaved plan %s: %zu measures proposed at %zu sites (pending approval "
			"and the owners' acceptance; 'protect measures approve' and 'accept')\n",
			fmt == PLAN_TABLE ? "\n" : "protect: ", save, run->result.measures_chosen,
			run->result.sites_funded);
	}
out:
	pt_plan_run_free(run);
	pt_app_db_close(db);
	return rc;
}

int pt_cmd_plan(struct pt_cli *cli)
{
	struct pt_site_filter filter; /* issue 16 items 5 and 1: the plan's scope */
	int rc;
	memset(&filter, 0, sizeof filter);
	rc = plan_run(cli, &filter);
	pt_site_filter_clear(&filter);
	return rc;
}
