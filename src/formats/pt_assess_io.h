/* pt_assess_io.h - the assessment CSV formats of the three methods,
 * recognised by their header row, and the catalogue and settings CSVs (docs/formats.md). */
#ifndef PT_ASSESS_IO_H
#define PT_ASSESS_IO_H

#include <stddef.h>
#include <stdio.h>

#include "../core/pt_err.h"
#include "../core/pt_model.h"

#define PT_ASSESS_ROWS_MAX 5000000L /**< rows per assessment file or set */
#define PT_SETTINGS_MAX 10000       /**< rows of a settings file */

/** Parsed rows of one assessment file; exactly one array is used, by method. */
struct pt_assessment_set {
	enum pt_method method;
	struct pt_fema_row *fema;
	struct pt_carver_row *carver;
	struct pt_quant_row *quant;
	long *lines; /**< physical line of each row */
	size_t n, cap;
};

/**
 * Parse an assessment CSV. The method is recognised from the header
 * (FEMA: site_id,threat_id,asset_value,...; CARVER: site_id,criticality,...;
 * quant: site_id,threat_id,p_attempt_min,...). Threat ids are checked
 * against threats; duplicate keys (site, or site and threat) are errors;
 * values checked by range (1-10; probabilities 0-1; counts and EUR >= 0;
 * min <= mode <= max). Site ids are checked by the store. All-or-nothing:
 * on error out is left empty (and may be passed to pt_assessment_set_clear).
 */
enum pt_err pt_assessments_read_csv(const char *buf, size_t len, const struct pt_catalog *threats,
				    struct pt_assessment_set *out, struct pt_diag *d);

/**
 * Write s as the CSV of its method (header first, LF line ends, numbers in
 * their shortest round-trip form); pt_assessments_read_csv reads it back
 * to the same rows. PT_EIO on write failure.
 */
enum pt_err pt_assessments_write_csv(FILE *f, const struct pt_assessment_set *s);

/**
 * Write s's rows as CSV, its method's header first only when with_header
 * is nonzero (to stream a large file in chunks). PT_EIO on write failure,
 * PT_EINVAL for an unknown method.
 */
enum pt_err pt_assessments_write_csv_rows(FILE *f, const struct pt_assessment_set *s,
					  int with_header);

/**
 * Append one row of s->method's kind from line (the set must be zeroed or
 * of that method; the first append sets nothing else). PT_ENOMEM;
 * PT_ELIMIT past PT_ASSESS_ROWS_MAX; PT_EINVAL when s->method differs and
 * s is not empty.
 */
enum pt_err pt_assessment_set_add_fema(struct pt_assessment_set *s, const struct pt_fema_row *r,
				       long line);
/** See pt_assessment_set_add_fema. */
enum pt_err pt_assessment_set_add_carver(struct pt_assessment_set *s,
					 const struct pt_carver_row *r, long line);
/** See pt_assessment_set_add_fema. */
enum pt_err pt_assessment_set_add_quant(struct pt_assessment_set *s, const struct pt_quant_row *r,
					long line);

/** Free the set's arrays; s becomes empty (its method is kept). */
void pt_assessment_set_clear(struct pt_assessment_set *s);

/**
 * Parse a catalogue CSV (header id,name,description, optional kind, in any
 * order; description may be omitted) and append its entries to c (kind goes
 * to entry.parent). Ids are checked (1-63 of [A-Za-z0-9._-]) and must be
 * unique within the file. All-or-nothing: on error c is unchanged.
 */
enum pt_err pt_catalog_read_csv(const char *buf, size_t len, struct pt_catalog *c,
				struct pt_diag *d);

/**
 * Parse a settings CSV (header key,value,description; description may be
 * omitted): keys 1-63 of [A-Za-z0-9._-], unique; values non-empty, one
 * line. On PT_OK *keys and *values hold *n strings each, freed with
 * pt_settings_free. On error they are NULL and *n is 0. Values are not
 * checked here (the store checks them with pt_config_set).
 */
enum pt_err pt_settings_read_csv(const char *buf, size_t len, char ***keys, char ***values,
				 size_t *n, struct pt_diag *d);

/** Free what pt_settings_read_csv returned; NULL arrays do nothing. */
void pt_settings_free(char **keys, char **values, size_t n);

#endif
