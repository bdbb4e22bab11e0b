/* pt_sites_io.c - the sites exchange formats: the CSV and GeoJSON readers
 * (one shared check per site, all-or-nothing) and the CSV, JSON and GeoJSON writers. */
#include "pt_sites_io.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pt_csv.h"
#include "pt_diag.h"
#include "pt_json_load.h"
#include "../core/pt_marking.h"
#include "pt_site_json.h"

const char *const pt_site_columns[PT_SITE_COLUMNS_ALL] = {
	"id",     "name",     "kind",           "sector",            "owner",
	"lat",    "lon",      "region",         "capacity",          "peak_occupancy",
	"population_served",  "economic_value_eur", "tlp",
	/* issue 11 (fit): optional, empty = unknown */
	"staff", "entrances", "perimeter_m", "vehicle_approaches", "screened_per_day",
	"control_systems", "enclosure", "staffed", "legal_basis",
	/* issue 16 (item 2): optional, empty = unknown */
	"emergency_department"};

enum site_col {
	COL_ID = 0,
	COL_NAME,
	COL_KIND,
	COL_SECTOR,
	COL_OWNER,
	COL_LAT,
	COL_LON,
	COL_REGION,
	COL_CAPACITY,
	COL_PEAK,
	COL_POPULATION,
	COL_ECONOMIC,
	COL_TLP,
	COL_STAFF,
	COL_ENCLOSURE = COL_STAFF + PT_DRIVER_COUNT,
	COL_STAFFED,
	COL_LEGAL_BASIS,
	COL_EMERGENCY /* issue 16 (item 2) */
};

/* issue 16 (item 2): emergency_department from its text (NULL or "": unknown). */
static enum pt_err parse_emergency(const char *text, long line, struct pt_site *s,
				   struct pt_diag *d)
{
	char q[80];
	if (!text || !text[0])
		return PT_OK;
	if (strcmp(text, "yes") == 0)
		s->emergency_department = PT_TRI_YES;
	else if (strcmp(text, "no") == 0)
		s->emergency_department = PT_TRI_NO;
	else {
		pt_quote_for_msg(q, sizeof q, text);
		return pt_diag_set(d, PT_EINVAL, line, "emergency_department",
				   "%s is not yes or no (empty when unknown)", q);
	}
	return PT_OK;
}

/* issue 11 (fit): the optional attributes from their texts (NULL or "": unknown). */
static enum pt_err parse_fit_texts(const char *const *drivers, const char *enclosure,
				   const char *staffed, const char *basis, long line,
				   struct pt_site *s, struct pt_diag *d)
{
	enum pt_err err;
	enum pt_legal_basis b;
	char q[80];
	int k;
	for (k = 0; k < PT_DRIVER_COUNT; k++) {
		const char *name = pt_site_driver_name((enum pt_site_driver)k);
		if (!drivers[k] || !drivers[k][0])
			continue;
		if ((err = pt_field_llong(drivers[k], line, name, &s->drivers[k], d)) != PT_OK)
			return err;
		s->drivers_known |= 1u << k;
	}
	if (enclosure && enclosure[0]) {
		if (pt_enclosure_parse(enclosure, &s->enclosed) != PT_OK) {
			pt_quote_for_msg(q, sizeof q, enclosure);
			return pt_diag_set(d, PT_EINVAL, line, "enclosure",
					   "%s is not enclosed, fenced or open (empty when unknown)", q);
		}
	}
	if (staffed && staffed[0]) {
		if (strcmp(staffed, "yes") == 0)
			s->staffed = PT_TRI_YES;
		else if (strcmp(staffed, "no") == 0)
			s->staffed = PT_TRI_NO;
		else {
			pt_quote_for_msg(q, sizeof q, staffed);
			return pt_diag_set(d, PT_EINVAL, line, "staffed",
					   "%s is not yes or no (empty when unknown)", q);
		}
	}
	if (basis && basis[0]) {
		if (pt_legal_basis_parse(basis, &b) != PT_OK) {
			pt_quote_for_msg(q, sizeof q, basis);
			return pt_diag_set(d, PT_EINVAL, line, "legal_basis",
					   "%s is not none, entry or statute (empty when unknown)", q);
		}
		s->legal_basis = (int)b + 1;
	}
	return PT_OK;
}

/* ---- the list ---- */

enum pt_err pt_site_list_append(struct pt_site_list *l, const struct pt_site *s, long line)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct pt_site *items;
		long *lines;
		unsigned *absent;
		if (l->n >= (size_t)PT_SITES_MAX)
			return PT_ELIMIT;
		if (cap > (size_t)PT_SITES_MAX)
			cap = (size_t)PT_SITES_MAX;
		items = realloc(l->items, cap * sizeof *items);
		if (!items)
			return PT_ENOMEM;
		l->items = items;
		lines = realloc(l->lines, cap * sizeof *lines);
		if (!lines)
			return PT_ENOMEM;
		l->lines = lines;
		absent = realloc(l->absent, cap * sizeof *absent);
		if (!absent)
			return PT_ENOMEM;
		l->absent = absent;
		l->cap = cap;
	}
	l->items[l->n] = *s;
	l->lines[l->n] = line;
	l->absent[l->n] = 0;
	l->n++;
	return PT_OK;
}

void pt_site_list_clear(struct pt_site_list *l)
{
	free(l->items);
	free(l->lines);
	free(l->absent);
	l->items = NULL;
	l->lines = NULL;
	l->absent = NULL;
	l->n = l->cap = 0;
}

/* ---- the shared check ---- */

static const char *catalog_id_at(const void *ctx, size_t i)
{
	return ((const struct pt_catalog *)ctx)->items[i].id;
}

static enum pt_err check_catalog_id(const struct pt_catalog *c, const char *what, const char *id,
				    long line, const char *field, struct pt_diag *d)
{
	char list[800], q[80];
	if (!id[0])
		return pt_diag_set(d, PT_EINVAL, line, field, "missing value");
	if (pt_catalog_find(c, id) >= 0)
		return PT_OK;
	pt_join_ids(list, sizeof list, c->n, catalog_id_at, c);
	pt_quote_for_msg(q, sizeof q, id);
	return pt_diag_set(d, PT_EINVAL, line, field, "unknown %s %s; valid: %s", what, q,
			   c->n ? list : "(the catalogue is empty)");
}

/* A name-like text: 1 to max bytes; line breaks and tabs allowed, other controls not. */
static enum pt_err check_text(const char *s, size_t max, long line, const char *field,
			      struct pt_diag *d)
{
	size_t len = strnlen(s, max + 1);
	if (!len)
		return pt_diag_set(d, PT_EINVAL, line, field, "missing value");
	if (len > max)
		return pt_diag_set(d, PT_EINVAL, line, field, "too long (at most %zu bytes)", max);
	return pt_text_check(s, PT_TEXT_LINES, line, field, d);
}

/* issue 13 review (attack 2): a site's name and region reach public alerts (CAP, Atom). */
static enum pt_err check_public(const char *s, long line, const char *field, struct pt_diag *d)
{
	unsigned long bad = 0;
	char what[96];
	if (pt_text_public_ok(s, 1, &bad))
		return PT_OK;
	return pt_diag_set(d, PT_EINVAL, line, field,
			   "contains %s, which may not reach a public alert",
			   pt_text_public_name(bad, what, sizeof what));
}

static enum pt_err check_degrees(double v, double limit, long line, const char *field,
				 struct pt_diag *d)
{
	char num[40];
	if (isfinite(v) && v >= -limit && v <= limit)
		return PT_OK;
	pt_format_double(num, sizeof num, v);
	return pt_diag_set(d, PT_EINVAL, line, field, "%s is out of range %g to %g", num, -limit,
			   limit);
}

static enum pt_err check_count(long long v, long line, const char *field, struct pt_diag *d)
{
	if (v >= 0)
		return PT_OK;
	return pt_diag_set(d, PT_EINVAL, line, field, "%lld is negative; it must be 0 or more", v);
}

/* issue 11 (owner2): plausibility of the cost drivers an owner gives (docs/formats.md) */

/* People per square metre of ground a site may hold at most: 4 standing x 25 storeys. */
#define PLAUSIBLE_PEOPLE_PER_M2 100.0

enum pt_err pt_site_plausible(const struct pt_site *s, long line, struct pt_diag *d)
{
	const unsigned per = 1u << PT_DRIVER_PERIMETER_M, ent = 1u << PT_DRIVER_ENTRANCES;
	if ((s->drivers_known & per) && s->drivers[PT_DRIVER_PERIMETER_M] > 0 &&
	    s->peak_occupancy > 0) {
		double p = (double)s->drivers[PT_DRIVER_PERIMETER_M];
		double area = p * p / (4.0 * 3.14159265358979323846); /* the most a perimeter encloses */
		if ((double)s->peak_occupancy > area * PLAUSIBLE_PEOPLE_PER_M2)
			return pt_diag_set(d, PT_EINVAL, line, "perimeter_m",
					   "%lld m cannot enclose %lld people (at most %.1f m2 of "
					   "ground, %g people a m2); give the real perimeter, or "
					   "empty when unknown",
					   s->drivers[PT_DRIVER_PERIMETER_M], s->peak_occupancy, area,
					   PLAUSIBLE_PEOPLE_PER_M2);
	}
	if ((s->drivers_known & ent) && s->drivers[PT_DRIVER_ENTRANCES] == 0 &&
	    s->enclosed == PT_TRI_YES && (s->peak_occupancy > 0 || s->staffed == PT_TRI_YES))
		return pt_diag_set(d, PT_EINVAL, line, "entrances",
				   "0 for an enclosed site that people are in; an enclosed site has "
				   "at least 1 entrance (0 is for an open site)");
	/* issue 16 (item 2): an emergency department is a hospital's (the health sector) */
	if (s->emergency_department == PT_TRI_YES && strcmp(s->sector, "health") != 0)
		return pt_diag_set(d, PT_EINVAL, line, "emergency_department",
				   "yes is for a health-sector site (a hospital); this site's sector "
				   "is %s (give no, or empty when unknown)",
				   s->sector);
	return PT_OK;
}

enum pt_err pt_site_check(const struct pt_site *s, const struct pt_catalogs *cat, long line,
			  struct pt_diag *d)
{
	enum pt_err err;
	char num[40];
	if (!pt_id_valid(s->id)) {
		char q[80];
		if (!s->id[0])
			return pt_diag_set(d, PT_EINVAL, line, "id", "missing value");
		pt_quote_for_msg(q, sizeof q, s->id);
		return pt_diag_set(d, PT_EINVAL, line, "id",
				   "%s is not a valid id (1-63 letters, digits, '.', '_' or '-')", q);
	}
	if ((err = check_text(s->name, PT_NAME_MAX - 1, line, "name", d)) != PT_OK ||
	    (err = check_catalog_id(&cat->kinds, "kind", s->kind, line, "kind", d)) != PT_OK ||
	    (err = check_catalog_id(&cat->sectors, "sector", s->sector, line, "sector", d)) !=
		    PT_OK ||
	    (err = check_text(s->owner, PT_NAME_MAX - 1, line, "owner", d)) != PT_OK ||
	    (err = check_degrees(s->lat, 90, line, "lat", d)) != PT_OK ||
	    (err = check_degrees(s->lon, 180, line, "lon", d)) != PT_OK ||
	    (err = check_text(s->region, PT_REGION_MAX - 1, line, "region", d)) != PT_OK ||
	    (err = check_public(s->name, line, "name", d)) != PT_OK ||
	    (err = check_public(s->region, line, "region", d)) != PT_OK)
		return err;
	if (s->capacity < -1)
		return pt_diag_set(d, PT_EINVAL, line, "capacity",
				   "%lld is negative; it must be 0 or more, or empty when unknown",
				   s->capacity);
	if ((err = check_count(s->peak_occupancy, line, "peak_occupancy", d)) != PT_OK ||
	    (err = check_count(s->population_served, line, "population_served", d)) != PT_OK)
		return err;
	if (!isfinite(s->economic_value_eur))
		return pt_diag_set(d, PT_EINVAL, line, "economic_value_eur", "not a finite number");
	if (s->economic_value_eur < 0) {
		pt_format_double(num, sizeof num, s->economic_value_eur);
		return pt_diag_set(d, PT_EINVAL, line, "economic_value_eur",
				   "%s is negative; it must be 0 or more", num);
	}
	if ((unsigned)s->tlp >= PT_TLP_COUNT)
		return pt_diag_set(d, PT_EINVAL, line, "tlp", "not a TLP label");
	for (int k = 0; k < PT_DRIVER_COUNT; k++)
		if ((s->drivers_known & (1u << k)) &&
		    (s->drivers[k] < 0 || s->drivers[k] > PT_DRIVER_MAX))
			return pt_diag_set(d, PT_EINVAL, line,
					   pt_site_driver_name((enum pt_site_driver)k),
					   "%lld is out of range 0 to %lld (empty when unknown)",
					   s->drivers[k], PT_DRIVER_MAX);
	if ((unsigned)s->enclosed > PT_ENCLOSURE_FENCED || (unsigned)s->staffed > PT_TRI_YES ||
	    s->legal_basis < 0 || s->legal_basis > PT_BASIS_COUNT)
		return pt_diag_set(d, PT_EINVAL, line, "enclosure", "not a known value");
	/* issue 16 (item 2): an emergency department is a hospital's (the health sector) */
	if ((unsigned)s->emergency_department > PT_TRI_YES)
		return pt_diag_set(d, PT_EINVAL, line, "emergency_department", "not a known value");
	if ((err = pt_site_plausible(s, line, d)) != PT_OK) /* issue 11 (owner2) */
		return err;
	if (s->capacity >= 0 && s->peak_occupancy > s->capacity)
		pt_diag_warn(d, line, "peak_occupancy", "%lld is above the capacity %lld",
			     s->peak_occupancy, s->capacity);
	return PT_OK;
}

static enum pt_err parse_tlp(const char *text, long line, struct pt_diag *d, enum pt_tlp *out)
{
	char q[80];
	if (!text[0])
		return pt_diag_set(d, PT_EINVAL, line, "tlp", "missing value");
	if (pt_tlp_parse(text, out) == PT_OK)
		return PT_OK;
	pt_quote_for_msg(q, sizeof q, text);
	return pt_diag_set(d, PT_EINVAL, line, "tlp",
			   "unknown label %s; valid: CLEAR, GREEN, AMBER, AMBER+STRICT, RED", q);
}

/* Add s's id to ids; a duplicate names both places. */
static enum pt_err check_duplicate(struct pt_keyset *ids, const struct pt_site *s, long line,
				   int geojson, struct pt_diag *d)
{
	long first = 0;
	enum pt_err err = pt_keyset_add(ids, s->id, strlen(s->id), line, &first);
	char q[80];
	if (err == PT_OK)
		return PT_OK;
	if (err != PT_ECONFLICT)
		return pt_diag_set(d, err, line, "id", "%s", pt_strerror(err));
	pt_quote_for_msg(q, sizeof q, s->id);
	if (geojson)
		return pt_diag_set(d, PT_EINVAL, line, "id",
				   "duplicate id %s (features[%ld] and features[%ld])", q, first - 1,
				   line - 1);
	return pt_diag_set(d, PT_EINVAL, line, "id", "duplicate id %s (first on line %ld)", q,
			   first);
}

/* ---- CSV ---- */

static enum pt_err parse_csv_row(char **f, const int *col_of, long line,
				 const struct pt_catalogs *cat, struct pt_site *s,
				 struct pt_diag *d)
{
	enum pt_err err;
	const char *cap;
	memset(s, 0, sizeof *s);
#define FIELD(c) f[col_of[c]]
	if ((err = pt_field_id(FIELD(COL_ID), s->id, sizeof s->id, line, "id", d)) != PT_OK ||
	    (err = pt_field_text(FIELD(COL_NAME), s->name, sizeof s->name, 1, PT_TEXT_LINES, line,
				 "name", d)) !=
		    PT_OK ||
	    (err = pt_field_text(FIELD(COL_KIND), s->kind, sizeof s->kind, 1, PT_TEXT_ONE_LINE, line,
				 "kind", d)) !=
		    PT_OK ||
	    (err = pt_field_text(FIELD(COL_SECTOR), s->sector, sizeof s->sector, 1,
				 PT_TEXT_ONE_LINE, line,
				 "sector", d)) != PT_OK ||
	    (err = pt_field_text(FIELD(COL_OWNER), s->owner, sizeof s->owner, 1, PT_TEXT_LINES, line,
				 "owner", d)) != PT_OK ||
	    (err = pt_field_double(FIELD(COL_LAT), line, "lat", &s->lat, d)) != PT_OK ||
	    (err = pt_field_double(FIELD(COL_LON), line, "lon", &s->lon, d)) != PT_OK ||
	    (err = pt_field_text(FIELD(COL_REGION), s->region, sizeof s->region, 1,
				 PT_TEXT_LINES, line,
				 "region", d)) != PT_OK)
		return err;
	cap = FIELD(COL_CAPACITY);
	if (!cap[0]) {
		s->capacity = -1;
	} else {
		if ((err = pt_field_llong(cap, line, "capacity", &s->capacity, d)) != PT_OK)
			return err;
		if (s->capacity < 0)
			return pt_diag_set(d, PT_EINVAL, line, "capacity",
					   "%lld is negative; it must be 0 or more, or empty when "
					   "unknown",
					   s->capacity);
	}
	if ((err = pt_field_llong(FIELD(COL_PEAK), line, "peak_occupancy", &s->peak_occupancy,
				  d)) != PT_OK ||
	    (err = pt_field_llong(FIELD(COL_POPULATION), line, "population_served",
				  &s->population_served, d)) != PT_OK ||
	    (err = pt_field_double(FIELD(COL_ECONOMIC), line, "economic_value_eur",
				   &s->economic_value_eur, d)) != PT_OK ||
	    (err = parse_tlp(FIELD(COL_TLP), line, d, &s->tlp)) != PT_OK)
		return err;
	{
		const char *drv[PT_DRIVER_COUNT];
		int k;
		for (k = 0; k < PT_DRIVER_COUNT; k++)
			drv[k] = col_of[COL_STAFF + k] >= 0 ? FIELD(COL_STAFF + k) : NULL;
		if ((err = parse_fit_texts(
			     drv, col_of[COL_ENCLOSURE] >= 0 ? FIELD(COL_ENCLOSURE) : NULL,
			     col_of[COL_STAFFED] >= 0 ? FIELD(COL_STAFFED) : NULL,
			     col_of[COL_LEGAL_BASIS] >= 0 ? FIELD(COL_LEGAL_BASIS) : NULL, line, s,
			     d)) != PT_OK ||
		    (err = parse_emergency(col_of[COL_EMERGENCY] >= 0 ? FIELD(COL_EMERGENCY) : NULL,
					   line, s, d)) != PT_OK)
			return err;
	}
#undef FIELD
	return pt_site_check(s, cat, line, d);
}

enum pt_err pt_sites_read_csv(const char *buf, size_t len, const struct pt_catalogs *cat,
			      struct pt_site_list *out, struct pt_diag *d)
{
	static const unsigned char required[PT_SITE_COLUMNS_ALL] = {1, 1, 1, 1, 1, 1, 1,
								1, 1, 1, 1, 1, 1};
	/* the columns of issue 11 (staff ... legal_basis) are optional: zero above */
	struct pt_site_list list;
	struct pt_csv *csv = NULL;
	struct pt_keyset *ids = NULL;
	int col_of[PT_SITE_COLUMNS_ALL];
	char **f;
	size_t n, n_cols;
	long line;
	int eof;
	unsigned absent = 0; /* issue 11 (owner2): the optional columns the header leaves out */
	enum pt_err err;

	memset(&list, 0, sizeof list);
	pt_site_list_clear(out);
	if ((err = pt_csv_open(buf, len, &csv)) != PT_OK || (err = pt_keyset_new(&ids)) != PT_OK)
		goto out;
	if ((err = pt_csv_read_header(csv, pt_site_columns, PT_SITE_COLUMNS_ALL, required, col_of,
				      &n_cols, d)) != PT_OK)
		goto out;
	for (int k = 0; k < PT_DRIVER_COUNT; k++)
		absent |= col_of[COL_STAFF + k] < 0 ? PT_SITE_ABSENT_DRIVER(k) : 0u;
	absent |= (col_of[COL_ENCLOSURE] < 0 ? PT_SITE_ABSENT_ENCLOSURE : 0u) |
		  (col_of[COL_STAFFED] < 0 ? PT_SITE_ABSENT_STAFFED : 0u) |
		  (col_of[COL_LEGAL_BASIS] < 0 ? PT_SITE_ABSENT_LEGAL_BASIS : 0u) |
		  (col_of[COL_EMERGENCY] < 0 ? PT_SITE_ABSENT_EMERGENCY : 0u);
	for (;;) {
		struct pt_site s;
		if ((err = pt_csv_next(csv, &f, &n, &line, &eof, d)) != PT_OK)
			goto out;
		if (eof)
			break;
		if (n != n_cols) {
			err = pt_diag_set(d, PT_EINVAL, line, "",
					  "the row has %zu fields; the header has %zu", n, n_cols);
			goto out;
		}
		if ((err = parse_csv_row(f, col_of, line, cat, &s, d)) != PT_OK ||
		    (err = check_duplicate(ids, &s, line, 0, d)) != PT_OK)
			goto out;
		if ((err = pt_site_list_append(&list, &s, line)) != PT_OK) {
			if (err == PT_ELIMIT)
				pt_diag_set(d, err, line, "", "more than %ld sites in one file",
					    PT_SITES_MAX);
			goto out;
		}
		list.absent[list.n - 1] = absent;
	}
	*out = list;
	memset(&list, 0, sizeof list);
out:
	if (err == PT_ENOMEM && d && !d->msg[0])
		pt_diag_set(d, err, 0, "", "out of memory");
	pt_site_list_clear(&list);
	pt_keyset_free(ids);
	pt_csv_free(csv);
	return err;
}

/* ---- GeoJSON ---- */

/* Format a feature error: field, then the message with "(features[i])". */
static enum pt_err feature_fail(struct pt_diag *d, enum pt_err err, size_t i, const char *field,
				const char *what)
{
	return pt_diag_set(d, err, (long)i + 1, field, "%s (features[%zu])", what, i);
}

/* Append " (features[i])" to a message pt_site_check or a helper set. */
static enum pt_err feature_tag(struct pt_diag *d, enum pt_err err, size_t i)
{
	char tag[48];
	size_t used;
	if (!d)
		return err;
	snprintf(tag, sizeof tag, " (features[%zu])", i);
	used = strlen(d->msg);
	if (used + strlen(tag) < sizeof d->msg)
		memcpy(d->msg + used, tag, strlen(tag) + 1);
	d->line = (long)i + 1;
	return err;
}

static enum pt_err json_text(json_t *props, const char *key, char *dst, size_t size,
			     enum pt_text_rule rule, size_t i, struct pt_diag *d)
{
	json_t *v = json_object_get(props, key);
	if (!v)
		return feature_fail(d, PT_EINVAL, i, key, "missing property");
	if (!json_is_string(v))
		return feature_fail(d, PT_EINVAL, i, key, "must be a string");
	if (json_string_length(v) != strlen(json_string_value(v)))
		return feature_fail(d, PT_EINVAL, i, key, "contains a NUL character");
	if (pt_field_text(json_string_value(v), dst, size, 1, rule, (long)i + 1, key, d) != PT_OK)
		return feature_tag(d, PT_EINVAL, i);
	return PT_OK;
}

/* A JSON number as a double (integers too). */
static enum pt_err json_double(json_t *v, const char *key, size_t i, double *out,
			       struct pt_diag *d)
{
	if (!v)
		return feature_fail(d, PT_EINVAL, i, key, "missing property");
	if (!json_is_number(v))
		return feature_fail(d, PT_EINVAL, i, key, "must be a number");
	*out = json_number_value(v);
	return PT_OK;
}

/* A JSON number that is a whole number (1 and 1.0 both). */
static enum pt_err json_llong(json_t *v, const char *key, size_t i, long long *out,
			      struct pt_diag *d)
{
	double x;
	if (!v)
		return feature_fail(d, PT_EINVAL, i, key, "missing property");
	if (json_is_integer(v)) {
		*out = (long long)json_integer_value(v);
		return PT_OK;
	}
	if (!json_is_real(v))
		return feature_fail(d, PT_EINVAL, i, key, "must be a whole number");
	x = json_real_value(v);
	if (x != floor(x) || fabs(x) >= 9.2e18) {
		char num[40], msg[80];
		pt_format_double(num, sizeof num, x);
		snprintf(msg, sizeof msg, "%s is not a whole number", num);
		return feature_fail(d, PT_EINVAL, i, key, msg);
	}
	*out = (long long)x;
	return PT_OK;
}

static const char *column_at(const void *ctx, size_t i)
{
	(void)ctx;
	return pt_site_columns[i];
}

static enum pt_err read_feature(json_t *feat, size_t i, const struct pt_catalogs *cat,
				struct pt_site *s, struct pt_diag *d)
{
	json_t *geom, *coords, *props, *v, *fid;
	const char *key;
	enum pt_err err;
	size_t k;
	char msg[960], q[80];

	memset(s, 0, sizeof *s);
	if (!json_is_object(feat))
		return feature_fail(d, PT_EINVAL, i, "", "a feature must be a JSON object");
	v = json_object_get(feat, "type");
	if (!json_is_string(v) || strcmp(json_string_value(v), "Feature") != 0)
		return feature_fail(d, PT_EINVAL, i, "type", "a feature's type must be \"Feature\"");

	geom = json_object_get(feat, "geometry");
	if (!geom || json_is_null(geom))
		return feature_fail(d, PT_EINVAL, i, "geometry",
				    "missing; a site needs a Point geometry");
	v = json_object_get(geom, "type");
	if (!json_is_object(geom) || !json_is_string(v))
		return feature_fail(d, PT_EINVAL, i, "geometry", "must be a GeoJSON Point");
	if (strcmp(json_string_value(v), "Point") != 0) {
		pt_quote_for_msg(q, sizeof q, json_string_value(v));
		snprintf(msg, sizeof msg, "must be a Point, not %s", q);
		return feature_fail(d, PT_EINVAL, i, "geometry", msg);
	}
	coords = json_object_get(geom, "coordinates");
	if (!json_is_array(coords) || json_array_size(coords) < 2 || json_array_size(coords) > 3 ||
	    !json_is_number(json_array_get(coords, 0)) || !json_is_number(json_array_get(coords, 1)))
		return feature_fail(d, PT_EINVAL, i, "coordinates",
				    "must be [longitude, latitude] in degrees");
	s->lon = json_number_value(json_array_get(coords, 0));
	s->lat = json_number_value(json_array_get(coords, 1));

	props = json_object_get(feat, "properties");
	if (!json_is_object(props))
		return feature_fail(d, PT_EINVAL, i, "properties", "missing or not an object");
	json_object_foreach(props, key, v) {
		int known = 0;
		for (k = 0; k < PT_SITE_COLUMNS_ALL; k++)
			if (strcmp(key, pt_site_columns[k]) == 0)
				known = 1;
		if (!known) {
			char list[800];
			pt_join_ids(list, sizeof list, PT_SITE_COLUMNS_ALL, column_at, NULL);
			pt_quote_for_msg(q, sizeof q, key);
			snprintf(msg, sizeof msg, "unknown property %s; known properties: %s", q, list);
			return feature_fail(d, PT_EINVAL, i, "properties", msg);
		}
	}

	/* id: properties.id or the feature id (a string or a whole number). */
	fid = json_object_get(feat, "id");
	v = json_object_get(props, "id");
	{
		char from_feature[PT_ID_MAX + 32] = "";
		const char *text = NULL;
		if (fid && !json_is_null(fid)) {
			if (json_is_string(fid))
				pt_strlcpy(from_feature, json_string_value(fid), sizeof from_feature);
			else if (json_is_integer(fid))
				snprintf(from_feature, sizeof from_feature, "%lld",
					 (long long)json_integer_value(fid));
			else
				return feature_fail(d, PT_EINVAL, i, "id",
						    "the feature id must be a string or a whole number");
			text = from_feature;
		}
		if (v) {
			if (!json_is_string(v))
				return feature_fail(d, PT_EINVAL, i, "id", "must be a string");
			if (text && strcmp(text, json_string_value(v)) != 0)
				return feature_fail(d, PT_EINVAL, i, "id",
						    "properties.id differs from the feature id");
			text = json_string_value(v);
		}
		if (!text)
			return feature_fail(d, PT_EINVAL, i, "id",
					    "missing property (or a feature id)");
		if (pt_field_id(text, s->id, sizeof s->id, (long)i + 1, "id", d) != PT_OK)
			return feature_tag(d, PT_EINVAL, i);
	}

	if ((err = json_text(props, "name", s->name, sizeof s->name, PT_TEXT_LINES, i, d)) !=
		    PT_OK ||
	    (err = json_text(props, "kind", s->kind, sizeof s->kind, PT_TEXT_ONE_LINE, i, d)) !=
		    PT_OK ||
	    (err = json_text(props, "sector", s->sector, sizeof s->sector, PT_TEXT_ONE_LINE, i,
			     d)) != PT_OK ||
	    (err = json_text(props, "owner", s->owner, sizeof s->owner, PT_TEXT_LINES, i, d)) !=
		    PT_OK)
		return err;
	/* lat and lon in the properties are optional and must agree with the geometry */
	if ((v = json_object_get(props, "lat")) != NULL) {
		double lat;
		if ((err = json_double(v, "lat", i, &lat, d)) != PT_OK)
			return err;
		if (lat != s->lat)
			return feature_fail(d, PT_EINVAL, i, "lat",
					    "differs from the latitude of the geometry");
	}
	if ((v = json_object_get(props, "lon")) != NULL) {
		double lon;
		if ((err = json_double(v, "lon", i, &lon, d)) != PT_OK)
			return err;
		if (lon != s->lon)
			return feature_fail(d, PT_EINVAL, i, "lon",
					    "differs from the longitude of the geometry");
	}
	if ((err = json_text(props, "region", s->region, sizeof s->region, PT_TEXT_LINES, i, d)) !=
	    PT_OK)
		return err;
	v = json_object_get(props, "capacity");
	if (!v || json_is_null(v)) {
		s->capacity = -1;
	} else {
		if ((err = json_llong(v, "capacity", i, &s->capacity, d)) != PT_OK)
			return err;
		if (s->capacity < 0) {
			snprintf(msg, sizeof msg,
				 "%lld is negative; it must be 0 or more, or null when unknown",
				 s->capacity);
			return feature_fail(d, PT_EINVAL, i, "capacity", msg);
		}
	}
	if ((err = json_llong(json_object_get(props, "peak_occupancy"), "peak_occupancy", i,
			      &s->peak_occupancy, d)) != PT_OK ||
	    (err = json_llong(json_object_get(props, "population_served"), "population_served", i,
			      &s->population_served, d)) != PT_OK ||
	    (err = json_double(json_object_get(props, "economic_value_eur"), "economic_value_eur", i,
			       &s->economic_value_eur, d)) != PT_OK)
		return err;
	v = json_object_get(props, "tlp");
	if (!v)
		return feature_fail(d, PT_EINVAL, i, "tlp", "missing property");
	if (!json_is_string(v))
		return feature_fail(d, PT_EINVAL, i, "tlp", "must be a string");
	if (parse_tlp(json_string_value(v), (long)i + 1, d, &s->tlp) != PT_OK)
		return feature_tag(d, PT_EINVAL, i);
	{
		/* issue 11 (fit): the optional attributes; null or absent is unknown. */
		char num[PT_DRIVER_COUNT][32];
		const char *drv[PT_DRIVER_COUNT], *txt[3];
		static const char *const txt_keys[3] = { "enclosure", "staffed", "legal_basis" };
		for (k = 0; k < PT_DRIVER_COUNT; k++) {
			const char *name = pt_site_driver_name((enum pt_site_driver)k);
			v = json_object_get(props, name);
			drv[k] = NULL;
			if (!v || json_is_null(v))
				continue;
			if (!json_is_integer(v))
				return feature_fail(d, PT_EINVAL, i, name,
						    "must be a whole number or null");
			snprintf(num[k], sizeof num[k], "%lld", (long long)json_integer_value(v));
			drv[k] = num[k];
		}
		for (k = 0; k < 3; k++) {
			v = json_object_get(props, txt_keys[k]);
			txt[k] = NULL;
			if (!v || json_is_null(v))
				continue;
			if (!json_is_string(v))
				return feature_fail(d, PT_EINVAL, i, txt_keys[k],
						    "must be a string or null");
			txt[k] = json_string_value(v);
		}
		if (parse_fit_texts(drv, txt[0], txt[1], txt[2], (long)i + 1, s, d) != PT_OK)
			return feature_tag(d, PT_EINVAL, i);
		/* issue 16 (item 2) */
		v = json_object_get(props, "emergency_department");
		if (v && !json_is_null(v) && !json_is_string(v))
			return feature_fail(d, PT_EINVAL, i, "emergency_department",
					    "must be \"yes\", \"no\" or null");
		if (v && json_is_string(v) &&
		    parse_emergency(json_string_value(v), (long)i + 1, s, d) != PT_OK)
			return feature_tag(d, PT_EINVAL, i);
	}
	if (pt_site_check(s, cat, (long)i + 1, d) != PT_OK)
		return feature_tag(d, PT_EINVAL, i);
	return PT_OK;
}

/* issue 11 (owner2): the optional properties feature leaves out (null is given: unknown). */
static unsigned feature_absent(json_t *feature)
{
	json_t *props = json_object_get(feature, "properties");
	unsigned absent = 0;
	for (int k = 0; k < PT_DRIVER_COUNT; k++)
		if (!json_object_get(props, pt_site_driver_name((enum pt_site_driver)k)))
			absent |= PT_SITE_ABSENT_DRIVER(k);
	absent |= (json_object_get(props, "enclosure") ? 0u : PT_SITE_ABSENT_ENCLOSURE) |
		  (json_object_get(props, "staffed") ? 0u : PT_SITE_ABSENT_STAFFED) |
		  (json_object_get(props, "legal_basis") ? 0u : PT_SITE_ABSENT_LEGAL_BASIS) |
		  (json_object_get(props, "emergency_department") ? 0u : PT_SITE_ABSENT_EMERGENCY);
	return absent;
}

enum pt_err pt_sites_read_geojson(const char *buf, size_t len, const struct pt_catalogs *cat,
				  struct pt_site_list *out, struct pt_diag *d)
{
	struct pt_site_list list;
	struct pt_keyset *ids = NULL;
	json_t *root = NULL, *v, *features;
	enum pt_err err;
	size_t i, skip = 0;

	memset(&list, 0, sizeof list);
	pt_site_list_clear(out);
	if (!buf)
		len = 0;
	if (len > (size_t)PT_GEOJSON_MAX_BYTES) {
		err = pt_diag_set(d, PT_ELIMIT, 0, "", "file too large (%zu bytes; at most %ld)", len,
				  PT_GEOJSON_MAX_BYTES);
		goto out;
	}
	if ((err = pt_json_load_strict(buf, len, &skip, &root, d)) != PT_OK)
		goto out;
	v = json_object_get(root, "type");
	if (!json_is_object(root) || !json_is_string(v) ||
	    strcmp(json_string_value(v), "FeatureCollection") != 0) {
		err = pt_diag_set(d, PT_EINVAL, 0, "type",
				  "not a GeoJSON FeatureCollection (the top-level object needs "
				  "\"type\": \"FeatureCollection\")");
		goto out;
	}
	features = json_object_get(root, "features");
	if (!json_is_array(features)) {
		err = pt_diag_set(d, PT_EINVAL, 0, "features", "missing or not an array");
		goto out;
	}
	if (json_array_size(features) > (size_t)PT_SITES_MAX) {
		err = pt_diag_set(d, PT_ELIMIT, 0, "features", "more than %ld features",
				  PT_SITES_MAX);
		goto out;
	}
	if ((err = pt_keyset_new(&ids)) != PT_OK)
		goto out;
	for (i = 0; i < json_array_size(features); i++) {
		struct pt_site s;
		if ((err = read_feature(json_array_get(features, i), i, cat, &s, d)) != PT_OK)
			goto out;
		if ((err = check_duplicate(ids, &s, (long)i + 1, 1, d)) != PT_OK)
			goto out;
		if ((err = pt_site_list_append(&list, &s, (long)i + 1)) != PT_OK)
			goto out; /* PT_ENOMEM: the count was checked above */
		list.absent[list.n - 1] = feature_absent(json_array_get(features, i));
	}
	*out = list;
	memset(&list, 0, sizeof list);
out:
	if (err == PT_ENOMEM && d && !d->msg[0])
		pt_diag_set(d, err, 0, "", "out of memory");
	json_decref(root);
	pt_site_list_clear(&list);
	pt_keyset_free(ids);
	return err;
}

/* ---- writers ---- */

enum pt_err pt_sites_write_csv(FILE *f, const struct pt_site *sites, size_t n)
{
	return pt_sites_write_csv_rows(f, sites, n, 1);
}

enum pt_err pt_sites_write_csv_rows(FILE *f, const struct pt_site *sites, size_t n,
				    int with_header)
{
	size_t i, c;
	char num[48];
	for (c = 0; with_header && c < PT_SITE_COLUMNS_ALL; c++) {
		if (c)
			fputc(',', f);
		fputs(pt_site_columns[c], f);
	}
	if (with_header)
		fputc('\n', f);
	for (i = 0; i < n; i++) {
		const struct pt_site *s = &sites[i];
		pt_csv_write_field(f, s->id);
		fputc(',', f);
		pt_csv_write_field(f, s->name);
		fputc(',', f);
		pt_csv_write_field(f, s->kind);
		fputc(',', f);
		pt_csv_write_field(f, s->sector);
		fputc(',', f);
		pt_csv_write_field(f, s->owner);
		pt_format_double(num, sizeof num, s->lat);
		fprintf(f, ",%s,", num);
		pt_format_double(num, sizeof num, s->lon);
		fprintf(f, "%s,", num);
		pt_csv_write_field(f, s->region);
		fputc(',', f);
		if (s->capacity >= 0)
			fprintf(f, "%lld", s->capacity);
		pt_format_double(num, sizeof num, s->economic_value_eur);
		fprintf(f, ",%lld,%lld,%s,%s", s->peak_occupancy, s->population_served, num,
			pt_tlp_name(s->tlp));
		for (c = 0; c < PT_DRIVER_COUNT; c++)
			if (s->drivers_known & (1u << c))
				fprintf(f, ",%lld", s->drivers[c]);
			else
				fputc(',', f);
		fprintf(f, ",%s,%s,%s,%s\n",
			pt_enclosure_name(s->enclosed),
			s->staffed == PT_TRI_UNKNOWN ? "" : s->staffed == PT_TRI_YES ? "yes" : "no",
			s->legal_basis > 0 ? pt_legal_basis_name(pt_site_legal_basis(s)) : "",
			s->emergency_department == PT_TRI_UNKNOWN  ? ""
			: s->emergency_department == PT_TRI_YES ? "yes"
								 : "no");
		if (ferror(f))
			return PT_EIO;
	}
	return ferror(f) ? PT_EIO : PT_OK;
}

/* Digits %.Ng needs for v to read back equal (1-17). */
static int shortest_precision(double v)
{
	char buf[40];
	int p;
	if (!isfinite(v))
		return 1;
	for (p = 1; p < 17; p++) {
		snprintf(buf, sizeof buf, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			return p;
	}
	return 17;
}

/* A JSON number for v: an integer when v is whole and exact, else a real. */
static json_t *json_num(double v, int *precision)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0 && !(v == 0 && signbit(v)))
		return json_integer((json_int_t)v);
	if (shortest_precision(v) > *precision)
		*precision = shortest_precision(v);
	return json_real(v);
}

/* Set key on obj to val (stolen); nonzero on failure (out of memory). */
static int put_json(json_t *obj, const char *key, json_t *val)
{
	return !val || json_object_set_new(obj, key, val) != 0;
}

/* The properties of s; with_coords adds lat and lon. NULL when out of memory. */
static json_t *site_object(const struct pt_site *s, int with_coords, int *precision)
{
	json_t *o = json_object();
	int bad;
	if (!o)
		return NULL;
	bad = put_json(o, "id", json_string(s->id)) || put_json(o, "name", json_string(s->name)) ||
	      put_json(o, "kind", json_string(s->kind)) ||
	      put_json(o, "sector", json_string(s->sector)) ||
	      put_json(o, "owner", json_string(s->owner));
	if (!bad && with_coords)
		bad = put_json(o, "lat", json_num(s->lat, precision)) ||
		      put_json(o, "lon", json_num(s->lon, precision));
	if (!bad)
		bad = put_json(o, "region", json_string(s->region)) ||
		      put_json(o, "capacity",
			       s->capacity >= 0 ? json_integer((json_int_t)s->capacity) : json_null()) ||
		      put_json(o, "peak_occupancy", json_integer((json_int_t)s->peak_occupancy)) ||
		      put_json(o, "population_served",
			       json_integer((json_int_t)s->population_served)) ||
		      put_json(o, "economic_value_eur", json_num(s->economic_value_eur, precision)) ||
		      put_json(o, "tlp", json_string(pt_tlp_name(s->tlp)));
	if (!bad)
		bad = pt_site_fit_json(o, s) != 0;
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static enum pt_err dump(FILE *f, json_t *root, int precision)
{
	size_t flags = (size_t)(JSON_INDENT(2) | JSON_PRESERVE_ORDER) |
		       (size_t)JSON_REAL_PRECISION(precision);
	if (json_dumpf(root, f, flags) != 0)
		return ferror(f) ? PT_EIO : PT_ENOMEM;
	fputc('\n', f);
	return ferror(f) ? PT_EIO : PT_OK;
}

enum pt_err pt_sites_write_json(FILE *f, const struct pt_site *sites, size_t n)
{
	json_t *root = json_object(), *list;
	enum pt_err err = PT_ENOMEM;
	int precision = 1;
	size_t i;
	if (!root || put_json(root, "tlp", json_string(pt_marking_label(pt_marking_sites(sites, n)))) ||
	    put_json(root, "sites", json_array()))
		goto out;
	list = json_object_get(root, "sites");
	for (i = 0; i < n; i++) {
		json_t *o = site_object(&sites[i], 1, &precision);
		if (!o || json_array_append_new(list, o) != 0)
			goto out;
	}
	err = dump(f, root, precision);
out:
	json_decref(root);
	return err;
}

/* One GeoJSON Feature for s; NULL when out of memory. Members are added to
 * their parent first and filled after, so the parent owns them throughout. */
static json_t *feature_object(const struct pt_site *s, int *precision)
{
	json_t *feat = json_object(), *geom, *coords;
	if (!feat)
		return NULL;
	if (put_json(feat, "type", json_string("Feature")) ||
	    put_json(feat, "id", json_string(s->id)) || put_json(feat, "geometry", json_object()))
		goto fail;
	geom = json_object_get(feat, "geometry");
	if (put_json(geom, "type", json_string("Point")) ||
	    put_json(geom, "coordinates", json_array()))
		goto fail;
	coords = json_object_get(geom, "coordinates");
	if (json_array_append_new(coords, json_num(s->lon, precision)) != 0 ||
	    json_array_append_new(coords, json_num(s->lat, precision)) != 0 ||
	    put_json(feat, "properties", site_object(s, 0, precision)))
		goto fail;
	return feat;
fail:
	json_decref(feat);
	return NULL;
}

enum pt_err pt_sites_write_geojson(FILE *f, const struct pt_site *sites, size_t n)
{
	json_t *root = json_object(), *features;
	enum pt_err err = PT_ENOMEM;
	int precision = 1;
	size_t i;
	if (!root || put_json(root, "type", json_string("FeatureCollection")) ||
	    put_json(root, "tlp", json_string(pt_marking_label(pt_marking_sites(sites, n)))) ||
	    put_json(root, "features", json_array()))
		goto out;
	features = json_object_get(root, "features");
	for (i = 0; i < n; i++)
		if (json_array_append_new(features, feature_object(&sites[i], &precision)) != 0)
			goto out;
	err = dump(f, root, precision);
out:
	json_decref(root);
	return err;
}

