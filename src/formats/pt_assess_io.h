/* pt_assess_io.h - the assessment CSV formats of the three methods,
 * recognised by their header row (docs/formats.md). */
#ifndef PT_ASSESS_IO_H
#define PT_ASSESS_IO_H

#include <stddef.h>

#include "../core/pt_err.h"
#include "../core/pt_model.h"

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
 * min <= mode <= max). Site ids are checked by the store. All-or-nothing.
 */
enum pt_err pt_assessments_read_csv(const char *buf, size_t len, const struct pt_catalog *threats,
				    struct pt_assessment_set *out, struct pt_diag *d);

/** Free the set's arrays. */
void pt_assessment_set_free(struct pt_assessment_set *s);

/** Parse a catalogue CSV (id,name[,parent],description) into c. */
enum pt_err pt_catalog_read_csv(const char *buf, size_t len, struct pt_catalog *c,
				struct pt_diag *d);

#endif
