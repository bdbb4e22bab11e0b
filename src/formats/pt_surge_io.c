/* pt_surge_io.c - the surge catalogue's CSV readers and a plan's surge
 * lines as JSON and sentences (issue 11 item 6). */
#include "pt_surge_io.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pt_csv.h"
#include "pt_diag.h"
#include "pt_measures_io.h"

#define SURGE_COLUMNS 16

static const char *const surge_columns[SURGE_COLUMNS] = {
	"id",	       "name",		 "family", "weekly_eur", "privacy", "movement",
	"discrimination", "legal_basis", "removes_step_free", "kinds", "sectors", "description",
	"needs" /* issue 11 M3: optional, as measures.csv's */,
	/* issue 11 M5 (surge costs and safeguards): optional */
	"cost_driver", "unit_weekly_eur", "safeguards"};

enum surge_col {
	COL_ID = 0,
	COL_NAME,
	COL_FAMILY,
	COL_WEEKLY,
	COL_PRIVACY,
	COL_MOVEMENT,
	COL_DISCRIMINATION,
	COL_LEGAL_BASIS,
	COL_REMOVES_STEP_FREE,
	COL_KINDS,
	COL_SECTORS,
	COL_DESCRIPTION,
	COL_NEEDS,
	COL_COST_DRIVER, /* issue 11 M5 */
	COL_UNIT_WEEKLY,
	COL_SAFEGUARDS
};

static enum pt_err parse_int(const char *text, long line, const char *field, int *out,
			     struct pt_diag *d)
{
	long long v;
	enum pt_err err = pt_field_llong(text, line, field, &v, d);
	if (err != PT_OK)
		return err;
	if (v < INT_MIN / 2 || v > INT_MAX / 2)
		return pt_diag_set(d, PT_EINVAL, line, field, "is out of range");
	*out = (int)v;
	return PT_OK;
}

/* Issue 11 M5: the optional cost driver, unit weekly cost and safeguards
 * (as measures.csv's cost_driver, unit_opex_eur_year and safeguards). */
static enum pt_err parse_cost_columns(char **f, const int *col_of, long line,
				      struct pt_measure *m, struct pt_diag *d)
{
	enum pt_err err;
	char q[80];
	if (col_of[COL_COST_DRIVER] >= 0 && f[col_of[COL_COST_DRIVER]][0] &&
	    pt_cost_driver_parse(f[col_of[COL_COST_DRIVER]], &m->cost_driver) != PT_OK) {
		pt_quote_for_msg(q, sizeof q, f[col_of[COL_COST_DRIVER]]);
		return pt_diag_set(d, PT_EINVAL, line, "cost_driver",
				   "unknown driver %s; valid: size, site, staff, entrances, "
				   "perimeter_m, vehicle_approaches, screened_per_day, control_systems",
				   q);
	}
	if (col_of[COL_UNIT_WEEKLY] >= 0 && f[col_of[COL_UNIT_WEEKLY]][0] &&
	    (err = pt_field_double(f[col_of[COL_UNIT_WEEKLY]], line, "unit_weekly_eur",
				   &m->unit_opex_eur_year, d)) != PT_OK)
		return err;
	if (m->cost_driver >= PT_COST_DRIVER &&
	    (col_of[COL_UNIT_WEEKLY] < 0 || !f[col_of[COL_UNIT_WEEKLY]][0]))
		return pt_diag_set(d, PT_EINVAL, line, "unit_weekly_eur",
				   "missing value: a cost driver of the site needs a unit weekly cost");
	if (col_of[COL_SAFEGUARDS] >= 0 &&
	    (err = pt_measure_parse_flags(f[col_of[COL_SAFEGUARDS]], 1, &m->safeguards, d, line,
					  "safeguards")) != PT_OK)
		return err;
	return PT_OK;
}

static enum pt_err parse_row(char **f, const int *col_of, long line, const struct pt_catalogs *cat,
			     struct pt_measure *m, double *weekly, struct pt_diag *d)
{
	enum pt_err err;
	memset(m, 0, sizeof *m);
	m->lifetime_years = 1;
#define FIELD(c) f[col_of[c]]
	if ((err = pt_field_id(FIELD(COL_ID), m->id, sizeof m->id, line, "id", d)) != PT_OK ||
	    (err = pt_field_text(FIELD(COL_NAME), m->name, sizeof m->name, 1, PT_TEXT_ONE_LINE,
				 line, "name", d)) != PT_OK ||
	    (err = pt_measures_parse_family(FIELD(COL_FAMILY), line, d, &m->family)) != PT_OK ||
	    (err = pt_field_double(FIELD(COL_WEEKLY), line, "weekly_eur", weekly, d)) != PT_OK ||
	    (err = parse_int(FIELD(COL_PRIVACY), line, "privacy", &m->rights[PT_RIGHT_PRIVACY],
			     d)) != PT_OK ||
	    (err = parse_int(FIELD(COL_MOVEMENT), line, "movement", &m->rights[PT_RIGHT_MOVEMENT],
			     d)) != PT_OK ||
	    (err = parse_int(FIELD(COL_DISCRIMINATION), line, "discrimination",
			     &m->rights[PT_RIGHT_DISCRIMINATION], d)) != PT_OK ||
	    (err = pt_measures_parse_basis(FIELD(COL_LEGAL_BASIS), line, d, &m->legal_basis)) !=
		    PT_OK ||
	    (err = parse_int(FIELD(COL_REMOVES_STEP_FREE), line, "removes_step_free",
			     &m->removes_step_free, d)) != PT_OK ||
	    (err = pt_field_text(FIELD(COL_KINDS), m->kinds, sizeof m->kinds, 1,
				 PT_TEXT_ONE_LINE, line, "kinds", d)) != PT_OK ||
	    (err = pt_field_text(FIELD(COL_SECTORS), m->sectors, sizeof m->sectors, 1,
				 PT_TEXT_ONE_LINE, line, "sectors", d)) != PT_OK)
		return err;
	if (col_of[COL_DESCRIPTION] >= 0 &&
	    (err = pt_field_text(FIELD(COL_DESCRIPTION), m->description, sizeof m->description, 0,
				 PT_TEXT_LINES, line, "description", d)) != PT_OK)
		return err;
	if (col_of[COL_NEEDS] >= 0 &&
	    (err = pt_measure_parse_flags(FIELD(COL_NEEDS), 0, &m->needs, d, line, "needs")) != PT_OK)
		return err;
#undef FIELD
	if ((err = parse_cost_columns(f, col_of, line, m, d)) != PT_OK)
		return err;
	return pt_surge_check(m, *weekly, cat, d, line);
}

enum pt_err pt_surge_read_csv(const char *buf, size_t len, const struct pt_catalogs *cat,
			      struct pt_surge_catalog *out, struct pt_diag *d)
{
	static const unsigned char required[SURGE_COLUMNS] = {1, 1, 1, 1, 1, 1, 1, 1,
							      1, 1, 1, 0, 0, 0, 0, 0};
	struct pt_surge_catalog list;
	struct pt_csv *csv = NULL;
	struct pt_keyset *ids = NULL;
	int col_of[SURGE_COLUMNS];
	char **f;
	size_t n, n_cols;
	long line;
	int eof;
	enum pt_err err;

	memset(&list, 0, sizeof list);
	pt_surge_catalog_clear(out);
	if ((err = pt_csv_open(buf, len, &csv)) != PT_OK || (err = pt_keyset_new(&ids)) != PT_OK)
		goto out;
	if ((err = pt_csv_read_header(csv, surge_columns, SURGE_COLUMNS, required, col_of, &n_cols,
				      d)) != PT_OK)
		goto out;
	for (;;) {
		struct pt_measure m;
		double weekly = 0;
		char q[80];
		long first = 0;
		if ((err = pt_csv_next(csv, &f, &n, &line, &eof, d)) != PT_OK)
			goto out;
		if (eof)
			break;
		if (n != n_cols) {
			err = pt_diag_set(d, PT_EINVAL, line, "",
					  "the row has %zu fields; the header has %zu", n, n_cols);
			goto out;
		}
		if ((err = parse_row(f, col_of, line, cat, &m, &weekly, d)) != PT_OK)
			goto out;
		pt_quote_for_msg(q, sizeof q, m.id);
		if ((err = pt_keyset_add(ids, m.id, strlen(m.id), line, &first)) != PT_OK) {
			if (err == PT_ECONFLICT)
				err = pt_diag_set(d, PT_EINVAL, line, "id",
						  "duplicate id %s (first on line %ld)", q, first);
			else
				pt_diag_set(d, err, line, "id", "%s", pt_strerror(err));
			goto out;
		}
		if ((err = pt_surge_catalog_add(&list, &m, weekly)) != PT_OK) {
			if (err == PT_ELIMIT)
				pt_diag_set(d, err, line, "", "more than %d surge measures in one file",
					    PT_MEASURES_MAX);
			goto out;
		}
	}
	*out = list;
	memset(&list, 0, sizeof list);
out:
	if (err == PT_ENOMEM && d && !d->msg[0])
		pt_diag_set(d, err, 0, "", "out of memory");
	pt_surge_catalog_clear(&list);
	pt_keyset_free(ids);
	pt_csv_free(csv);
	return err;
}

enum pt_err pt_surge_effects_read_csv(const char *buf, size_t len,
				      const struct pt_catalog *threats,
				      const struct pt_surge_catalog *known,
				      struct pt_surge_catalog *out, struct pt_diag *d)
{
	return pt_measure_effects_read_csv_as(buf, len, threats, known ? &known->base : NULL,
					      &out->base, 1, d);
}

/* ---- a plan's surge lines ---- */

/* A whole number of EUR with thousands separated by commas ("12,500"). */
static void eur_text(double eur, char *buf, size_t size)
{
	char digits[32];
	size_t n, i, o = 0;
	snprintf(digits, sizeof digits, "%.0f", isfinite(eur) && eur >= 0 && eur < 1e18 ? eur : 0);
	n = strlen(digits);
	for (i = 0; i < n && o + 2 < size; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	if (size)
		buf[o < size ? o : size - 1] = '\0';
}

void pt_surge_threat_list(const struct pt_surge_view *v, const struct pt_surge_line *ln,
			  char *buf, size_t size)
{
	size_t k;
	if (size)
		buf[0] = '\0';
	for (k = 0; k < ln->n_threats; k++) {
		uint32_t t = v->result->threats[ln->first_threat + k];
		if (k)
			pt_strlcat(buf, ", ", size);
		pt_strlcat(buf, t < v->threats->n ? v->threats->items[t].id : "?", size);
	}
}

void pt_surge_reason(const struct pt_surge_view *v, const struct pt_surge_line *ln, char *buf,
		     size_t size)
{
	char threats[400], bcr[40], weekly[40];
	const char *planning = pt_threat_level_name(v->result->planning);
	pt_surge_threat_list(v, ln, threats, sizeof threats);
	eur_text(ln->weekly_eur, weekly, sizeof weekly);
	if (isinf(ln->bcr))
		pt_strlcpy(bcr, "unbounded", sizeof bcr);
	else
		snprintf(bcr, sizeof bcr, "%.2f", ln->bcr);
	snprintf(buf, size,
		 "Today's level %s is above the planning level %s for %s; risk band (threat) %s "
		 "at %s; benefit-cost %s over %u weeks at EUR %s a week, until the level returns "
		 "to %s; temporary, outside the budgeted plan.",
		 pt_threat_level_name(ln->today), planning, threats, pt_band_name(ln->band),
		 pt_threat_level_name(ln->today), bcr, ln->weeks, weekly, planning);
	if (ln->cost_estimated) /* issue 11 M5 */
		pt_strlcat(buf, " Cost estimated from the size class: the site gives no value for "
				"the measure's cost driver.", size);
	if (pt_surge_basis_missing(v, ln))
		pt_strlcat(buf, " Its legal basis is missing at the site: admitted only because "
				"plan.allow_legal_basis is 1; confirm the basis before it starts.",
			   size);
}

/* Issue 11 M5: a line's cost driver, whether its cost is estimated, whether
 * its legal basis is missing (admitted by plan.allow_legal_basis) and the
 * safeguards its measure needs ([{id}]: pt_plan_io.c adds the plan's texts), into o;
 * nonzero on out of memory. */
static int put_cost_and_safeguards(json_t *o, const struct pt_surge_view *v,
				   const struct pt_measure *m, const struct pt_surge_line *ln)
{
	json_t *guards = json_array();
	int g, bad = guards ? 0 : -1;
	for (g = 0; guards && g < PT_SAFEGUARD_COUNT && !bad; g++)
		if (m->safeguards & (1u << g))
			bad |= json_array_append_new(
				guards, json_pack("{s:s}", "id",
						  pt_safeguard_name((enum pt_safeguard)g)));
	if (bad || json_object_set_new(o, "safeguards", guards)) {
		json_decref(bad ? guards : NULL);
		return -1;
	}
	if (json_object_set_new(o, "cost_driver", json_string(pt_cost_driver_name(m->cost_driver))) ||
	    json_object_set_new(o, "cost_estimated", json_boolean(ln->cost_estimated)) ||
	    json_object_set_new(o, "legal_basis_missing",
				json_boolean(pt_surge_basis_missing(v, ln))))
		return -1;
	return 0;
}

int pt_surge_basis_missing(const struct pt_surge_view *v, const struct pt_surge_line *ln)
{
	const struct pt_measure *m = &v->catalog->base.items[ln->measure];
	return (int)pt_site_legal_basis(&v->sites[ln->site]) < m->legal_basis;
}

json_t *pt_surge_lines_json(const struct pt_surge_view *v)
{
	json_t *arr = json_array();
	size_t i, k;
	if (!arr)
		return NULL;
	for (i = 0; v->result && i < v->result->n; i++) {
		const struct pt_surge_line *ln = &v->result->lines[i];
		const struct pt_measure *m = &v->catalog->base.items[ln->measure];
		const struct pt_site *s = &v->sites[ln->site];
		char reason[1024];
		json_t *o, *threats = json_array();
		if (ln->verdict != PT_SURGE_ADMITTED) {
			json_decref(threats);
			continue;
		}
		for (k = 0; threats && k < ln->n_threats; k++) {
			uint32_t t = v->result->threats[ln->first_threat + k];
			json_array_append_new(threats, json_string(v->threats->items[t].id));
		}
		pt_surge_reason(v, ln, reason, sizeof reason);
		o = json_pack("{s:s, s:s, s:s, s:s, s:f, s:i, s:f, s:f, s:f, s:o, s:o, s:s, s:s, "
			      "s:s, s:s}",
			      "site_id", s->id, "site_name", s->name, "measure_id", m->id, "name",
			      m->name, "weekly_cost_eur", ln->weekly_eur, "weeks", (json_int_t)ln->weeks,
			      "total_eur", ln->total_eur, "risk_reduction_eur_year",
			      ln->reduction_eur_year, "benefit_eur", ln->benefit_eur, "bcr",
			      isinf(ln->bcr) ? json_null() : json_real(ln->bcr), "threats",
			      threats ? threats : json_null(), "threat_level",
			      pt_threat_level_name(ln->today), "planning_level",
			      pt_threat_level_name(v->result->planning), "until",
			      pt_threat_level_name(v->result->planning), "reason", reason);
		if (o && put_cost_and_safeguards(o, v, m, ln) != 0) {
			json_decref(o);
			o = NULL;
		}
		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *pt_surge_summary_json(const struct pt_surge_view *v)
{
	const struct pt_surge_result *r = v->result;
	size_t k;
	json_t *counts = json_object(), *o;
	for (k = 1; counts && k < PT_SURGE_VERDICT_COUNT; k++)
		json_object_set_new(counts, pt_surge_verdict_name((enum pt_surge_verdict)k),
				    json_integer((json_int_t)r->rejected[k]));
	o = json_pack("{s:s, s:i, s:i, s:f, s:f, s:o, s:b}", "planning_level",
		      pt_threat_level_name(r->planning), "weeks", (json_int_t)r->weeks, "lines",
		      (json_int_t)r->admitted, "weekly_cost_eur", r->weekly_total_eur, "total_eur",
		      r->total_eur, "rejected_counts", counts ? counts : json_null(), "in_budget", 0);
	if (o && json_object_set_new(o, "rejected_listed",
				     json_integer((json_int_t)pt_surge_rejected_listed(r))) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- issue 11 M5: rejected surge lines and their reasons ---- */

size_t pt_surge_rejected_listed(const struct pt_surge_result *r)
{
	size_t n = r ? r->n - r->admitted : 0;
	return n < PT_SURGE_REJECTED_LIST_MAX ? n : PT_SURGE_REJECTED_LIST_MAX;
}

void pt_surge_reject_reason(const struct pt_surge_view *v, const struct pt_surge_line *ln,
			    char *buf, size_t size)
{
	const struct pt_measure *m = &v->catalog->base.items[ln->measure];
	const struct pt_site *s = &v->sites[ln->site];
	char threats[400], weekly[40], bcr[40];
	pt_surge_threat_list(v, ln, threats, sizeof threats);
	switch (ln->verdict) {
	case PT_SURGE_STEP_FREE:
		snprintf(buf, size, "Removes step-free access: never chosen.");
		break;
	case PT_SURGE_LEGAL_BASIS:
		snprintf(buf, size,
			 "Needs a legal basis (%s) the site does not have (its basis: %s); "
			 "plan.allow_legal_basis is 0.",
			 pt_legal_basis_name((enum pt_legal_basis)m->legal_basis),
			 pt_legal_basis_name(pt_site_legal_basis(s)));
		break;
	case PT_SURGE_BAND:
		snprintf(buf, size,
			 "Intrusiveness %d needs risk band (threat) %s; %s at today's level %s is "
			 "%s.",
			 ln->intrusiveness, pt_band_name(ln->needed_band), threats,
			 pt_threat_level_name(ln->today), pt_band_name(ln->band));
		break;
	case PT_SURGE_BCR:
		eur_text(ln->weekly_eur, weekly, sizeof weekly);
		snprintf(bcr, sizeof bcr, "%.2f", ln->bcr);
		snprintf(buf, size,
			 "Benefit-cost %s over %u weeks at EUR %s a week%s is below the minimum "
			 "%.2f (%s at today's level %s).",
			 bcr, ln->weeks, weekly, ln->cost_estimated ? " (estimated)" : "",
			 v->cfg ? v->cfg->plan_min_bcr : 0, threats,
			 pt_threat_level_name(ln->today));
		break;
	default:
		snprintf(buf, size, "Rejected by the rule %s.", pt_surge_verdict_name(ln->verdict));
		break;
	}
}

json_t *pt_surge_rejected_json(const struct pt_surge_view *v)
{
	json_t *arr = json_array();
	size_t i, listed = 0, max = pt_surge_rejected_listed(v->result);
	if (!arr)
		return NULL;
	for (i = 0; v->result && i < v->result->n && listed < max; i++) {
		const struct pt_surge_line *ln = &v->result->lines[i];
		char reason[1024];
		json_t *o;
		if (ln->verdict == PT_SURGE_ADMITTED)
			continue;
		pt_surge_reject_reason(v, ln, reason, sizeof reason);
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "site_id", v->sites[ln->site].id,
			      "measure_id", v->catalog->base.items[ln->measure].id, "name",
			      v->catalog->base.items[ln->measure].name, "verdict",
			      pt_surge_verdict_name(ln->verdict), "threat_level",
			      pt_threat_level_name(ln->today), "reason", reason);
		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			return NULL;
		}
		listed++;
	}
	return arr;
}
