/* pt_measures_io.c - the measure catalogue (measures.csv), its effects
 * (measure_effects.csv) and measures in place per site (site_measures.csv):
 * all-or-nothing readers with FILE:LINE: field messages, and the CSV writers. */
#include "pt_measures_io.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pt_csv.h"
#include "pt_diag.h"

/* ---- measures.csv ---- */

#define MEASURE_COLUMNS 20

static const char *const measure_columns[MEASURE_COLUMNS] = {
	"id",	       "name",	     "family",		"capex_eur",	     "opex_eur_year",
	"lifetime_years", "privacy",   "movement",	"discrimination",    "legal_basis",
	"removes_step_free", "kinds", "sectors",	"exclusive_group", "description",
	/* issue 11 (fit): optional */
	"cost_driver", "unit_capex_eur", "unit_opex_eur_year", "needs", "safeguards"};

enum measure_col {
	COL_ID = 0,
	COL_NAME,
	COL_FAMILY,
	COL_CAPEX,
	COL_OPEX,
	COL_LIFETIME,
	COL_PRIVACY,
	COL_MOVEMENT,
	COL_DISCRIMINATION,
	COL_LEGAL_BASIS,
	COL_REMOVES_STEP_FREE,
	COL_KINDS,
	COL_SECTORS,
	COL_GROUP,
	COL_DESCRIPTION,
	COL_COST_DRIVER,
	COL_UNIT_CAPEX,
	COL_UNIT_OPEX,
	COL_NEEDS,
	COL_SAFEGUARDS
};

enum pt_err pt_measures_parse_basis(const char *text, long line, struct pt_diag *d, int *out)
{
	enum pt_legal_basis b;
	char q[80];
	if (!text[0])
		return pt_diag_set(d, PT_EINVAL, line, "legal_basis", "missing value");
	if (strcmp(text, "0") == 0) {
		*out = PT_BASIS_NONE;
		return PT_OK;
	}
	if (strcmp(text, "1") == 0) {
		*out = PT_BASIS_STATUTE;
		return PT_OK;
	}
	if (pt_legal_basis_parse(text, &b) == PT_OK) {
		*out = (int)b;
		return PT_OK;
	}
	pt_quote_for_msg(q, sizeof q, text);
	return pt_diag_set(d, PT_EINVAL, line, "legal_basis",
			   "unknown basis %s; valid: none, entry, statute (or 0 = none, 1 = statute)",
			   q);
}

/* The optional columns of issue 11: cost driver, unit costs, needs, safeguards. */
static enum pt_err parse_fit_columns(char **f, const int *col_of, long line,
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
	if (col_of[COL_UNIT_CAPEX] >= 0 && f[col_of[COL_UNIT_CAPEX]][0] &&
	    (err = pt_field_double(f[col_of[COL_UNIT_CAPEX]], line, "unit_capex_eur",
				   &m->unit_capex_eur, d)) != PT_OK)
		return err;
	if (col_of[COL_UNIT_OPEX] >= 0 && f[col_of[COL_UNIT_OPEX]][0] &&
	    (err = pt_field_double(f[col_of[COL_UNIT_OPEX]], line, "unit_opex_eur_year",
				   &m->unit_opex_eur_year, d)) != PT_OK)
		return err;
	if (m->cost_driver >= PT_COST_DRIVER &&
	    (col_of[COL_UNIT_CAPEX] < 0 || !f[col_of[COL_UNIT_CAPEX]][0]) &&
	    (col_of[COL_UNIT_OPEX] < 0 || !f[col_of[COL_UNIT_OPEX]][0]))
		return pt_diag_set(d, PT_EINVAL, line, "unit_capex_eur",
				   "missing value: a cost driver of the site needs unit costs");
	if (col_of[COL_NEEDS] >= 0 &&
	    (err = pt_measure_parse_flags(f[col_of[COL_NEEDS]], 0, &m->needs, d, line, "needs")) !=
		    PT_OK)
		return err;
	if (col_of[COL_SAFEGUARDS] >= 0 &&
	    (err = pt_measure_parse_flags(f[col_of[COL_SAFEGUARDS]], 1, &m->safeguards, d, line,
					  "safeguards")) != PT_OK)
		return err;
	return PT_OK;
}

static const char *family_at(const void *ctx, size_t i)
{
	(void)ctx;
	return pt_measure_family_name((enum pt_measure_family)i);
}

enum pt_err pt_measures_parse_family(const char *text, long line, struct pt_diag *d,
				     enum pt_measure_family *out)
{
	char list[400], q[80];
	if (!text[0])
		return pt_diag_set(d, PT_EINVAL, line, "family", "missing value");
	if (pt_measure_family_parse(text, out) == PT_OK)
		return PT_OK;
	pt_join_ids(list, sizeof list, PT_FAMILY_COUNT, family_at, NULL);
	pt_quote_for_msg(q, sizeof q, text);
	return pt_diag_set(d, PT_EINVAL, line, "family", "unknown family %s; valid: %s", q, list);
}

/* A whole number for an int field; values beyond lo..hi that do not even fit
 * an int are reported here, the rest by pt_measure_check. */
static enum pt_err parse_int(const char *text, long line, const char *field, int lo, int hi,
			     int *out, struct pt_diag *d)
{
	long long v;
	enum pt_err err = pt_field_llong(text, line, field, &v, d);
	if (err != PT_OK)
		return err;
	if (v < INT_MIN / 2 || v > INT_MAX / 2)
		return pt_diag_set(d, PT_EINVAL, line, field, "must be a whole number from %d to %d",
				   lo, hi);
	*out = (int)v;
	return PT_OK;
}

static enum pt_err parse_measure_row(char **f, const int *col_of, long line,
				     const struct pt_catalogs *cat, struct pt_measure *m,
				     struct pt_diag *d)
{
	enum pt_err err;
	memset(m, 0, sizeof *m);
#define FIELD(c) f[col_of[c]]
	if ((err = pt_field_id(FIELD(COL_ID), m->id, sizeof m->id, line, "id", d)) != PT_OK ||
	    (err = pt_field_text(FIELD(COL_NAME), m->name, sizeof m->name, 1, PT_TEXT_ONE_LINE,
				 line, "name", d)) != PT_OK ||
	    (err = pt_measures_parse_family(FIELD(COL_FAMILY), line, d, &m->family)) != PT_OK ||
	    (err = pt_field_double(FIELD(COL_CAPEX), line, "capex_eur", &m->capex_eur, d)) !=
		    PT_OK ||
	    (err = pt_field_double(FIELD(COL_OPEX), line, "opex_eur_year", &m->opex_eur_year,
				   d)) != PT_OK ||
	    (err = parse_int(FIELD(COL_LIFETIME), line, "lifetime_years", 1,
			     PT_MEASURE_MAX_LIFETIME, &m->lifetime_years, d)) != PT_OK ||
	    (err = parse_int(FIELD(COL_PRIVACY), line, "privacy", 0, 3,
			     &m->rights[PT_RIGHT_PRIVACY], d)) != PT_OK ||
	    (err = parse_int(FIELD(COL_MOVEMENT), line, "movement", 0, 3,
			     &m->rights[PT_RIGHT_MOVEMENT], d)) != PT_OK ||
	    (err = parse_int(FIELD(COL_DISCRIMINATION), line, "discrimination", 0, 3,
			     &m->rights[PT_RIGHT_DISCRIMINATION], d)) != PT_OK ||
	    (err = pt_measures_parse_basis(FIELD(COL_LEGAL_BASIS), line, d, &m->legal_basis)) != PT_OK ||
	    (err = parse_int(FIELD(COL_REMOVES_STEP_FREE), line, "removes_step_free", 0, 1,
			     &m->removes_step_free, d)) != PT_OK ||
	    (err = pt_field_text(FIELD(COL_KINDS), m->kinds, sizeof m->kinds, 1,
				 PT_TEXT_ONE_LINE, line, "kinds", d)) != PT_OK ||
	    (err = pt_field_text(FIELD(COL_SECTORS), m->sectors, sizeof m->sectors, 1,
				 PT_TEXT_ONE_LINE, line, "sectors", d)) != PT_OK)
		return err;
	if (col_of[COL_GROUP] >= 0 && FIELD(COL_GROUP)[0] &&
	    (err = pt_field_id(FIELD(COL_GROUP), m->exclusive_group, sizeof m->exclusive_group,
			       line, "exclusive_group", d)) != PT_OK)
		return err;
	if (col_of[COL_DESCRIPTION] >= 0 &&
	    (err = pt_field_text(FIELD(COL_DESCRIPTION), m->description, sizeof m->description, 0,
				 PT_TEXT_LINES, line, "description", d)) != PT_OK)
		return err;
#undef FIELD
	if ((err = parse_fit_columns(f, col_of, line, m, d)) != PT_OK)
		return err;
	return pt_measure_check(m, cat, d, line);
}

/* Add key to seen; a repeat names the line it was first on. */
static enum pt_err check_repeat(struct pt_keyset *seen, const char *key, size_t len, long line,
				const char *field, const char *what, const char *shown,
				struct pt_diag *d)
{
	long first = 0;
	enum pt_err err = pt_keyset_add(seen, key, len, line, &first);
	if (err == PT_OK)
		return PT_OK;
	if (err != PT_ECONFLICT)
		return pt_diag_set(d, err, line, field, "%s", pt_strerror(err));
	return pt_diag_set(d, PT_EINVAL, line, field, "duplicate %s %s (first on line %ld)", what,
			   shown, first);
}

/* The row must have as many fields as the header. */
static enum pt_err check_width(size_t n, size_t n_cols, long line, struct pt_diag *d)
{
	if (n == n_cols)
		return PT_OK;
	return pt_diag_set(d, PT_EINVAL, line, "", "the row has %zu fields; the header has %zu", n,
			   n_cols);
}

enum pt_err pt_measures_read_csv(const char *buf, size_t len, const struct pt_catalogs *cat,
				 struct pt_measure_catalog *out, struct pt_diag *d)
{
	static const unsigned char required[MEASURE_COLUMNS] = {1, 1, 1, 1, 1, 1, 1, 1,
								1, 1, 1, 1, 1, 0, 0};
	struct pt_measure_catalog list;
	struct pt_csv *csv = NULL;
	struct pt_keyset *ids = NULL;
	int col_of[MEASURE_COLUMNS];
	char **f;
	size_t n, n_cols;
	long line;
	int eof;
	enum pt_err err;

	memset(&list, 0, sizeof list);
	pt_measure_catalog_clear(out);
	if ((err = pt_csv_open(buf, len, &csv)) != PT_OK || (err = pt_keyset_new(&ids)) != PT_OK)
		goto out;
	if ((err = pt_csv_read_header(csv, measure_columns, MEASURE_COLUMNS, required, col_of,
				      &n_cols, d)) != PT_OK)
		goto out;
	for (;;) {
		struct pt_measure m;
		char q[80];
		if ((err = pt_csv_next(csv, &f, &n, &line, &eof, d)) != PT_OK)
			goto out;
		if (eof)
			break;
		if ((err = check_width(n, n_cols, line, d)) != PT_OK ||
		    (err = parse_measure_row(f, col_of, line, cat, &m, d)) != PT_OK)
			goto out;
		pt_quote_for_msg(q, sizeof q, m.id);
		if ((err = check_repeat(ids, m.id, strlen(m.id), line, "id", "id", q, d)) != PT_OK)
			goto out;
		if ((err = pt_measure_catalog_add(&list, &m)) != PT_OK) {
			if (err == PT_ELIMIT)
				pt_diag_set(d, err, line, "", "more than %d measures in one file",
					    PT_MEASURES_MAX);
			else if (err == PT_ECONFLICT)
				err = pt_diag_set(d, PT_EINVAL, line, "id", "duplicate id %s", q);
			goto out;
		}
	}
	*out = list;
	memset(&list, 0, sizeof list);
out:
	if (err == PT_ENOMEM && d && !d->msg[0])
		pt_diag_set(d, err, 0, "", "out of memory");
	pt_measure_catalog_clear(&list);
	pt_keyset_free(ids);
	pt_csv_free(csv);
	return err;
}

/* ---- measure_effects.csv ---- */

static const char *const effect_columns[4] = {"measure_id", "threat_id", "v_reduction",
					      "c_reduction"};

static const char *threat_at(const void *ctx, size_t i)
{
	return ((const struct pt_catalog *)ctx)->items[i].id;
}

static enum pt_err check_effect_refs(const struct pt_measure_effect *e,
				     const struct pt_catalog *threats,
				     const struct pt_measure_catalog *known,
				     const struct pt_measure_catalog *out, long line,
				     int surge, struct pt_diag *d)
{
	char q[80], list[800];
	if (pt_measure_catalog_find(out, e->measure_id) < 0 &&
	    (!known || pt_measure_catalog_find(known, e->measure_id) < 0)) {
		pt_quote_for_msg(q, sizeof q, e->measure_id);
		if (surge) /* issue 11 review L5: a surge effect names a surge measure */
			return pt_diag_set(d, PT_EINVAL, line, "measure_id",
					   "unknown surge measure %s; it is not a surge measure of "
					   "the file (nor of the stored surge catalogue)", q);
		return pt_diag_set(d, PT_EINVAL, line, "measure_id",
				   "unknown measure %s; it is not in the measure catalogue", q);
	}
	if (threats && pt_catalog_find(threats, e->threat_id) < 0) {
		pt_quote_for_msg(q, sizeof q, e->threat_id);
		pt_join_ids(list, sizeof list, threats->n, threat_at, threats);
		return pt_diag_set(d, PT_EINVAL, line, "threat_id", "unknown threat %s; valid: %s", q,
				   threats->n ? list : "(the catalogue is empty)");
	}
	return PT_OK;
}

/* "measure\0threat" as one key. */
static size_t pair_key(char *key, size_t size, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la + 1 + lb > size)
		return 0;
	memcpy(key, a, la);
	key[la] = '\0';
	memcpy(key + la + 1, b, lb);
	return la + 1 + lb;
}

enum pt_err pt_measure_effects_read_csv(const char *buf, size_t len,
					const struct pt_catalog *threats,
					const struct pt_measure_catalog *known,
					struct pt_measure_catalog *out, struct pt_diag *d)
{
	return pt_measure_effects_read_csv_as(buf, len, threats, known, out, 0, d);
}

enum pt_err pt_measure_effects_read_csv_as(const char *buf, size_t len,
					   const struct pt_catalog *threats,
					   const struct pt_measure_catalog *known,
					   struct pt_measure_catalog *out, int surge,
					   struct pt_diag *d)
{
	static const unsigned char required[4] = {1, 1, 1, 1};
	struct pt_csv *csv = NULL;
	struct pt_keyset *pairs = NULL;
	size_t start = out->n_effects;
	int col_of[4];
	char **f;
	size_t n, n_cols;
	long line;
	int eof;
	enum pt_err err;

	if ((err = pt_csv_open(buf, len, &csv)) != PT_OK || (err = pt_keyset_new(&pairs)) != PT_OK)
		goto out;
	if ((err = pt_csv_read_header(csv, effect_columns, 4, required, col_of, &n_cols, d)) !=
	    PT_OK)
		goto out;
	for (;;) {
		struct pt_measure_effect e;
		char key[2 * PT_ID_MAX], shown[200], qm[80], qt[80];
		size_t klen;
		if ((err = pt_csv_next(csv, &f, &n, &line, &eof, d)) != PT_OK)
			goto out;
		if (eof)
			break;
		if ((err = check_width(n, n_cols, line, d)) != PT_OK)
			goto out;
		memset(&e, 0, sizeof e);
		if ((err = pt_field_id(f[col_of[0]], e.measure_id, sizeof e.measure_id, line,
				       "measure_id", d)) != PT_OK ||
		    (err = pt_field_id(f[col_of[1]], e.threat_id, sizeof e.threat_id, line,
				       "threat_id", d)) != PT_OK ||
		    (err = pt_field_double(f[col_of[2]], line, "v_reduction", &e.v_reduction, d)) !=
			    PT_OK ||
		    (err = pt_field_double(f[col_of[3]], line, "c_reduction", &e.c_reduction, d)) !=
			    PT_OK ||
		    (err = pt_measure_effect_check(&e, d, line)) != PT_OK ||
		    (err = check_effect_refs(&e, threats, known, out, line,
					       surge, d)) != PT_OK)
			goto out;
		pt_quote_for_msg(qm, sizeof qm, e.measure_id);
		pt_quote_for_msg(qt, sizeof qt, e.threat_id);
		snprintf(shown, sizeof shown, "%s on %s", qm, qt);
		klen = pair_key(key, sizeof key, e.measure_id, e.threat_id);
		if ((err = check_repeat(pairs, key, klen, line, "threat_id", "effect of", shown, d)) !=
		    PT_OK)
			goto out;
		if ((err = pt_measure_catalog_add_effect(out, &e)) != PT_OK) {
			if (err == PT_ELIMIT)
				pt_diag_set(d, err, line, "", "more than %d effect rows in one catalogue",
					    PT_MEASURE_EFFECTS_MAX);
			else if (err == PT_ECONFLICT)
				err = pt_diag_set(d, PT_EINVAL, line, "threat_id",
						  "duplicate effect of %s (already in the catalogue)",
						  shown);
			goto out;
		}
	}
out:
	if (err != PT_OK)
		out->n_effects = start;
	if (err == PT_ENOMEM && d && !d->msg[0])
		pt_diag_set(d, err, 0, "", "out of memory");
	pt_keyset_free(pairs);
	pt_csv_free(csv);
	return err;
}

/* ---- site_measures.csv ---- */

enum pt_err pt_site_measure_list_append(struct pt_site_measure_list *l,
					const struct pt_site_measure *m)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct pt_site_measure *items;
		if (l->n >= (size_t)PT_SITE_MEASURES_MAX)
			return PT_ELIMIT;
		if (cap > (size_t)PT_SITE_MEASURES_MAX)
			cap = (size_t)PT_SITE_MEASURES_MAX;
		items = realloc(l->items, cap * sizeof *items);
		if (!items)
			return PT_ENOMEM;
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = *m;
	return PT_OK;
}

void pt_site_measure_list_clear(struct pt_site_measure_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

static const char *const site_measure_columns[2] = {"site_id", "measure_id"};

enum pt_err pt_site_measures_read_csv(const char *buf, size_t len,
				      struct pt_site_measure_list *out, struct pt_diag *d)
{
	static const unsigned char required[2] = {1, 1};
	struct pt_site_measure_list list;
	struct pt_csv *csv = NULL;
	struct pt_keyset *pairs = NULL;
	int col_of[2];
	char **f;
	size_t n, n_cols;
	long line;
	int eof;
	enum pt_err err;

	memset(&list, 0, sizeof list);
	pt_site_measure_list_clear(out);
	if ((err = pt_csv_open(buf, len, &csv)) != PT_OK || (err = pt_keyset_new(&pairs)) != PT_OK)
		goto out;
	if ((err = pt_csv_read_header(csv, site_measure_columns, 2, required, col_of, &n_cols,
				      d)) != PT_OK)
		goto out;
	for (;;) {
		struct pt_site_measure m;
		char key[2 * PT_ID_MAX], shown[200], qs[80], qm[80];
		if ((err = pt_csv_next(csv, &f, &n, &line, &eof, d)) != PT_OK)
			goto out;
		if (eof)
			break;
		if ((err = check_width(n, n_cols, line, d)) != PT_OK)
			goto out;
		memset(&m, 0, sizeof m);
		m.line = line;
		if ((err = pt_field_id(f[col_of[0]], m.site_id, sizeof m.site_id, line, "site_id",
				       d)) != PT_OK ||
		    (err = pt_field_id(f[col_of[1]], m.measure_id, sizeof m.measure_id, line,
				       "measure_id", d)) != PT_OK)
			goto out;
		pt_quote_for_msg(qm, sizeof qm, m.measure_id);
		pt_quote_for_msg(qs, sizeof qs, m.site_id);
		snprintf(shown, sizeof shown, "%s at %s", qm, qs);
		if ((err = check_repeat(pairs, key,
					pair_key(key, sizeof key, m.site_id, m.measure_id), line,
					"measure_id", "measure", shown, d)) != PT_OK)
			goto out;
		if ((err = pt_site_measure_list_append(&list, &m)) != PT_OK) {
			if (err == PT_ELIMIT)
				pt_diag_set(d, err, line, "", "more than %ld rows in one file",
					    PT_SITE_MEASURES_MAX);
			goto out;
		}
	}
	*out = list;
	memset(&list, 0, sizeof list);
out:
	if (err == PT_ENOMEM && d && !d->msg[0])
		pt_diag_set(d, err, 0, "", "out of memory");
	pt_site_measure_list_clear(&list);
	pt_keyset_free(pairs);
	pt_csv_free(csv);
	return err;
}

/* ---- writers ---- */

static void write_header(FILE *f, const char *const *cols, size_t n)
{
	size_t c;
	for (c = 0; c < n; c++) {
		if (c)
			fputc(',', f);
		fputs(cols[c], f);
	}
	fputc('\n', f);
}

enum pt_err pt_measures_write_csv(FILE *f, const struct pt_measure_catalog *c)
{
	size_t i;
	char capex[48], opex[48];
	write_header(f, measure_columns, MEASURE_COLUMNS);
	for (i = 0; i < c->n; i++) {
		const struct pt_measure *m = &c->items[i];
		pt_csv_write_field(f, m->id);
		fputc(',', f);
		pt_csv_write_field(f, m->name);
		pt_format_double(capex, sizeof capex, m->capex_eur);
		pt_format_double(opex, sizeof opex, m->opex_eur_year);
		fprintf(f, ",%s,%s,%s,%d,%d,%d,%d,%s,%d,", pt_measure_family_name(m->family), capex,
			opex, m->lifetime_years, m->rights[PT_RIGHT_PRIVACY],
			m->rights[PT_RIGHT_MOVEMENT], m->rights[PT_RIGHT_DISCRIMINATION],
			pt_legal_basis_name((enum pt_legal_basis)m->legal_basis),
			m->removes_step_free);
		pt_csv_write_field(f, m->kinds);
		fputc(',', f);
		pt_csv_write_field(f, m->sectors);
		fputc(',', f);
		pt_csv_write_field(f, m->exclusive_group);
		fputc(',', f);
		pt_csv_write_field(f, m->description);
		{
			char list[256];
			pt_format_double(capex, sizeof capex, m->unit_capex_eur);
			pt_format_double(opex, sizeof opex, m->unit_opex_eur_year);
			fprintf(f, ",%s,%s,%s,", pt_cost_driver_name(m->cost_driver), capex, opex);
			pt_measure_format_flags(m->needs, 0, list, sizeof list);
			pt_csv_write_field(f, list);
			fputc(',', f);
			pt_measure_format_flags(m->safeguards, 1, list, sizeof list);
			pt_csv_write_field(f, list);
		}
		fputc('\n', f);
		if (ferror(f))
			return PT_EIO;
	}
	return ferror(f) ? PT_EIO : PT_OK;
}

enum pt_err pt_measure_effects_write_csv(FILE *f, const struct pt_measure_catalog *c)
{
	size_t i;
	char v[48], cr[48];
	write_header(f, effect_columns, 4);
	for (i = 0; i < c->n_effects; i++) {
		const struct pt_measure_effect *e = &c->effects[i];
		pt_csv_write_field(f, e->measure_id);
		fputc(',', f);
		pt_csv_write_field(f, e->threat_id);
		pt_format_double(v, sizeof v, e->v_reduction);
		pt_format_double(cr, sizeof cr, e->c_reduction);
		fprintf(f, ",%s,%s\n", v, cr);
		if (ferror(f))
			return PT_EIO;
	}
	return ferror(f) ? PT_EIO : PT_OK;
}

json_t *pt_json_id_list(const char *s)
{
	json_t *a = json_array();
	const char *p = s;
	while (a && p && *p) {
		size_t n = strcspn(p, ";,");
		if (n > 0 && json_array_append_new(a, json_stringn(p, n))) {
			json_decref(a);
			return NULL;
		}
		p += n;
		if (*p)
			p++;
	}
	return a;
}

/* issue 11 (fit): add cost_driver, unit costs, needs and safeguards to o (NULL passes). */
static json_t *measure_fit_json(const struct pt_measure *m, json_t *o)
{
	json_t *needs, *guards;
	char list[256];
	if (!o)
		return NULL;
	pt_measure_format_flags(m->needs, 0, list, sizeof list);
	needs = pt_json_id_list(list);
	pt_measure_format_flags(m->safeguards, 1, list, sizeof list);
	guards = pt_json_id_list(list);
	if (!needs || !guards ||
	    json_object_set_new(o, "cost_driver", json_string(pt_cost_driver_name(m->cost_driver))) ||
	    json_object_set_new(o, "unit_capex_eur", json_real(m->unit_capex_eur)) ||
	    json_object_set_new(o, "unit_opex_eur_year", json_real(m->unit_opex_eur_year))) {
		json_decref(needs);
		json_decref(guards);
		json_decref(o);
		return NULL;
	}
	if (json_object_set_new(o, "needs", needs)) {
		json_decref(guards);
		json_decref(o);
		return NULL;
	}
	if (json_object_set_new(o, "safeguards", guards)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *pt_measure_to_json(const struct pt_measure_catalog *c, size_t i,
			   enum pt_measure_json_form form)
{
	const struct pt_measure *m = &c->items[i];
	json_t *eff = json_array();
	size_t k;
	if (!eff)
		return NULL;
	for (k = 0; k < c->n_effects; k++) {
		const struct pt_measure_effect *e = &c->effects[k];
		json_t *x;
		if (strcmp(e->measure_id, m->id) != 0)
			continue;
		x = json_pack("{s:s,s:f,s:f}", "threat_id", e->threat_id, "v_reduction",
			      e->v_reduction, "c_reduction", e->c_reduction);
		if (!x || json_array_append_new(eff, x)) {
			json_decref(eff);
			return NULL;
		}
	}
	if (form == PT_MEASURE_JSON_API)
		return measure_fit_json(m, json_pack(
			"{s:s,s:s,s:s,s:f,s:f,s:i,s:{s:i,s:i,s:i},s:i,s:s,s:b,s:o,s:o,s:s,s:s,s:o}",
			"id", m->id, "name", m->name, "family", pt_measure_family_name(m->family),
			"capex_eur", m->capex_eur, "opex_eur_year", m->opex_eur_year,
			"lifetime_years", m->lifetime_years, "rights", "privacy",
			m->rights[PT_RIGHT_PRIVACY], "movement", m->rights[PT_RIGHT_MOVEMENT],
			"discrimination", m->rights[PT_RIGHT_DISCRIMINATION], "intrusiveness",
			pt_measure_intrusiveness(m), "legal_basis",
			pt_legal_basis_name((enum pt_legal_basis)m->legal_basis),
			"removes_step_free", m->removes_step_free, "kinds", pt_json_id_list(m->kinds),
			"sectors", pt_json_id_list(m->sectors), "exclusive_group", m->exclusive_group,
			"description", m->description, "effects", eff));
	return measure_fit_json(m, json_pack("{s:s,s:s,s:s,s:f,s:f,s:i,s:i,s:i,s:i,s:i,s:s,s:b,s:s,s:s,s:s,s:s,s:o}",
			 "id", m->id, "name", m->name, "family", pt_measure_family_name(m->family),
			 "capex_eur", m->capex_eur, "opex_eur_year", m->opex_eur_year,
			 "lifetime_years", m->lifetime_years, "intrusiveness",
			 pt_measure_intrusiveness(m), "privacy", m->rights[PT_RIGHT_PRIVACY],
			 "movement", m->rights[PT_RIGHT_MOVEMENT], "discrimination",
			 m->rights[PT_RIGHT_DISCRIMINATION], "legal_basis",
			 pt_legal_basis_name((enum pt_legal_basis)m->legal_basis),
			 "removes_step_free", m->removes_step_free, "kinds", m->kinds, "sectors",
			 m->sectors, "exclusive_group", m->exclusive_group, "description",
			 m->description, "effects", eff));
}

json_t *pt_site_measure_to_json(const struct pt_site_measure_row *r, const char *name,
				enum pt_measure_json_form form)
{
	if (form == PT_MEASURE_JSON_API)
		return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "measure_id", r->measure_id,
				 "name", name ? name : r->measure_id, "status",
				 pt_site_measure_status_name(r->status), "plan", r->plan, "added_at",
				 r->added_at, "added_by", r->added_by, "changed_at", r->changed_at,
				 "changed_by", r->changed_by);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "site_id", r->site_id, "measure_id",
			 r->measure_id, "status", pt_site_measure_status_name(r->status), "plan",
			 r->plan, "added_at", r->added_at, "added_by", r->added_by, "changed_at",
			 r->changed_at, "changed_by", r->changed_by);
}

json_t *pt_site_measure_event_to_json(const struct pt_site_measure_event *e)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "step", e->step, "status",
			 pt_site_measure_status_name(e->status), "at", e->at, "by", e->actor,
			 "plan", e->plan, "on_date", e->on_date, "method", e->method,
			 "reverify_by", e->reverify_by, "note", e->note);
}

int pt_site_measure_life_to_json(json_t *o, const char *installed_on,
				 const struct pt_site_measure_event *verification, int due,
				 const struct pt_site_measure_event *history, size_t n)
{
	json_t *h = json_array(), *v;
	size_t i;
	for (i = 0; h && i < n; i++)
		if (json_array_append_new(h, pt_site_measure_event_to_json(&history[i]))) {
			json_decref(h);
			h = NULL;
		}
	v = verification ? json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "method", verification->method,
				     "verified_on", verification->on_date, "reverify_by",
				     verification->reverify_by, "by", verification->actor, "at",
				     verification->at, "note", verification->note)
			 : json_null();
	if (!h || !v || json_object_set_new(o, "history", h) ||
	    json_object_set_new(o, "verification", v) ||
	    json_object_set_new(o, "verification_due", json_boolean(due)) ||
	    json_object_set_new(o, "installed_on", installed_on && *installed_on
							   ? json_string(installed_on)
							   : json_null())) {
		if (!h)
			json_decref(v);
		return -1;
	}
	return 0;
}
