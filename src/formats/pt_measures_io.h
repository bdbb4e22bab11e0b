/* pt_measures_io.h - the measure catalogue (measures.csv), its effects
 * (measure_effects.csv) and measures in place per site (site_measures.csv):
 * readers that reject a file at its first bad row with FILE:LINE: field,
 * and CSV writers. docs/formats.md describes the columns. */
#ifndef PT_MEASURES_IO_H
#define PT_MEASURES_IO_H

#include <stddef.h>
#include <jansson.h>
#include <stdio.h>

#include "../core/pt_measure.h"
#include "../core/pt_plan_records.h"
#include "../core/pt_model.h"

#define PT_SITE_MEASURES_MAX 10000000L /**< rows of a site measures file or list */

/**
 * Read measures.csv (header: id,name,family,capex_eur,opex_eur_year,
 * lifetime_years,privacy,movement,discrimination,legal_basis,
 * removes_step_free,kinds,sectors,exclusive_group,description; columns in
 * any order, exclusive_group and description optional) into out (empty on
 * entry), each row checked with pt_measure_check against cat (kinds and
 * sectors; NULL: form only). Duplicate ids are rejected. On failure out is
 * emptied and d has line and field. PT_EINVAL, PT_ELIMIT, PT_ENOMEM.
 */
enum pt_err pt_measures_read_csv(const char *buf, size_t len, const struct pt_catalogs *cat,
				 struct pt_measure_catalog *out, struct pt_diag *d);

/**
 * Read measure_effects.csv (header: measure_id,threat_id,v_reduction,
 * c_reduction) into out's effects (out's measures are kept; every
 * measure_id must be one of them or of known, threat_id one of threats
 * (NULL: form only); a duplicate pair is rejected). known may be NULL. On
 * failure the effects read by this call are removed again.
 */
enum pt_err pt_measure_effects_read_csv(const char *buf, size_t len,
					const struct pt_catalog *threats,
					const struct pt_measure_catalog *known,
					struct pt_measure_catalog *out, struct pt_diag *d);

/**
 * pt_measure_effects_read_csv for the effects of surge measures (surge
 * nonzero): an unknown measure id is "not a surge measure of the file"
 * (issue 11 review L5). surge 0 is pt_measure_effects_read_csv.
 */
enum pt_err pt_measure_effects_read_csv_as(const char *buf, size_t len,
					   const struct pt_catalog *threats,
					   const struct pt_measure_catalog *known,
					   struct pt_measure_catalog *out, int surge,
					   struct pt_diag *d);

/** A measure in place at a site (one row of site_measures.csv). */
struct pt_site_measure {
	char site_id[PT_ID_MAX];
	char measure_id[PT_ID_MAX];
	long line; /**< the row's line in its file, for messages of later checks */
};

/** A growable list of site measures. Empty with pt_site_measure_list_clear. */
struct pt_site_measure_list {
	struct pt_site_measure *items;
	size_t n, cap;
};

/** Append (PT_ENOMEM, PT_ELIMIT past PT_SITE_MEASURES_MAX). */
enum pt_err pt_site_measure_list_append(struct pt_site_measure_list *l,
					const struct pt_site_measure *m);
/** Free; l becomes empty. */
void pt_site_measure_list_clear(struct pt_site_measure_list *l);

/**
 * Read site_measures.csv (header: site_id,measure_id) into out (empty on
 * entry); ids checked for form, duplicate pairs rejected. Whether the site
 * and measure exist is the store's check (it knows the registry).
 */
enum pt_err pt_site_measures_read_csv(const char *buf, size_t len,
				      struct pt_site_measure_list *out, struct pt_diag *d);

/** Write the catalogue as measures.csv (every column, RFC 4180, header first). */
enum pt_err pt_measures_write_csv(FILE *f, const struct pt_measure_catalog *c);
/** Write the effects as measure_effects.csv. */
enum pt_err pt_measure_effects_write_csv(FILE *f, const struct pt_measure_catalog *c);

/** How a measure is written as JSON. */
enum pt_measure_json_form {
	/** The command line's: rights flat (privacy, movement, discrimination), kinds and sectors as text. */
	PT_MEASURE_JSON_TEXT = 0,
	/** The API's: rights as an object with intrusiveness, kinds and sectors as arrays of ids. */
	PT_MEASURE_JSON_API
};

/**
 * Measure i of c with its effects ({threat_id, v_reduction, c_reduction})
 * as a JSON object in form. New reference; NULL when out of memory.
 */
json_t *pt_measure_to_json(const struct pt_measure_catalog *c, size_t i,
			   enum pt_measure_json_form form);

/**
 * A measure at a site: API form {measure_id, name, status, plan, added_at,
 * added_by} (name: the catalogue's, or the id); text form {site_id,
 * measure_id, status, plan, added_at, added_by}. New reference; NULL when
 * out of memory.
 */
json_t *pt_site_measure_to_json(const struct pt_site_measure_row *r, const char *name,
				enum pt_measure_json_form form);

/**
 * Issue 16, item 4: one step of a measure's life {step, status, at, by,
 * plan, on_date, method, reverify_by, note} (empty strings left in). New
 * reference; NULL when out of memory.
 */
json_t *pt_site_measure_event_to_json(const struct pt_site_measure_event *e);

/**
 * Issue 16, item 4: add to the measure object o where it stands in its
 * life: "installed_on" (YYYY-MM-DD or null), "verification" ({method,
 * verified_on, reverify_by, by, at, note} of the last verify step, or null),
 * "verification_due" (bool) and "history" (history[0 .. n), oldest first).
 * 0 on success, -1 when out of memory (o then partly filled).
 */
int pt_site_measure_life_to_json(json_t *o, const char *installed_on,
				 const struct pt_site_measure_event *verification, int due,
				 const struct pt_site_measure_event *history, size_t n);

/** "a;b;c" (',' separates too) as a JSON array of strings; new reference, NULL when out of memory. */
json_t *pt_json_id_list(const char *s);

/**
 * Parse a family cell (a CER family name, src/core/pt_measure.h) into *out.
 * PT_EINVAL naming line and the field family, with the valid names, otherwise.
 * Shared by the measures and surge catalogues.
 */
enum pt_err pt_measures_parse_family(const char *text, long line, struct pt_diag *d,
				     enum pt_measure_family *out);

/**
 * Parse a legal_basis cell: "none", "entry", "statute", or the old 0/1 (none,
 * statute) into *out (an enum pt_legal_basis). PT_EINVAL naming line and the
 * field legal_basis otherwise. Shared by the measures and surge catalogues.
 */
enum pt_err pt_measures_parse_basis(const char *text, long line, struct pt_diag *d, int *out);

#endif
