/* pt_alert_tpl_json.h - alert templates as JSON for the API (issue 13:
 * GET /api/v1/alert-templates): the raw texts, placeholders kept. */
#ifndef PT_ALERT_TPL_JSON_H
#define PT_ALERT_TPL_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "../core/pt_alert_template.h"

/**
 * {"templates": [{"id", "all_clear", "radius_km", "duration_h",
 * "categories": [..], "responses": [..], "urgency", "severity",
 * "certainty", "languages": [{"language", "event", "headline",
 * "instruction"}]}]} of t[0, n) in their order (CAP spellings of the
 * enumerations). A new reference, NULL when out of memory.
 */
json_t *pt_alert_templates_json(const struct pt_alert_template *t, size_t n);

#endif
