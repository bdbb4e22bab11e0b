/* pt_site_json.h - the one JSON writer of a site as the API shows it and of
 * assessment rows, used by both faces (jansson). The exchange files of
 * sites (CSV, JSON, GeoJSON) are written by pt_sites_io.h. */
#ifndef PT_SITE_JSON_H
#define PT_SITE_JSON_H

#include <jansson.h>

#include "../core/pt_model.h"
#include "pt_assess_io.h"

/* Each returns a new reference (json_decref), NULL when out of memory. */

/** A site with "can_edit": whether the reader may change it. */
json_t *pt_json_site(const struct pt_site *s, int can_edit);
/** One FEMA row {"threat_id", "asset_value", "threat_rating", "vulnerability_rating"}. */
json_t *pt_json_fema_row(const struct pt_fema_row *row);
/** One CARVER + Shock row (its seven scores). */
json_t *pt_json_carver_row(const struct pt_carver_row *row);
/** One quantitative row: threat_id and {"min", "mode", "max"} per variable. */
json_t *pt_json_quant_row(const struct pt_quant_row *row);
/** The rows of set (of one site) as a JSON array. */
json_t *pt_json_assessment_rows(const struct pt_assessment_set *set);

/**
 * issue 11 (fit): add the site's optional attributes to the JSON object o
 * (staff ... control_systems as integers, enclosure, staffed, legal_basis
 * as strings; null when unknown), and (issue 16) emergency_department
 * ("yes", "no" or null). 0, or -1 when out of memory.
 */
int pt_site_fit_json(json_t *o, const struct pt_site *s);

#endif
