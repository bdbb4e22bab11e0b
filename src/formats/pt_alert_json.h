/* pt_alert_json.h - the one JSON writer of a public alert (issue 13, the
 * "ALERT" object of docs/api.md) and of the template list, used by the
 * command line's --format json and the API alike (jansson). */
#ifndef PT_ALERT_JSON_H
#define PT_ALERT_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/pt_alert_template.h"
#include "../core/pt_cap.h"

#define PT_ALERT_JSON_WARN_MAX 16 /**< warnings one message carries */

/** One language's cell-broadcast fit, as written. Strings borrowed. */
struct pt_alert_json_cb {
	const char *language, *headline;
	struct pt_cap_cb_count count;
	unsigned max_pages;
	int fits;
};

/** One warning. Strings borrowed. */
struct pt_alert_json_warning {
	const char *code, *message;
};

/**
 * One message as the writer sees it (src/app fills it from its result:
 * pt_app_alert_view). Strings borrowed; NULL writes null where the
 * object allows it (references, approver, reason), "" elsewhere.
 */
struct pt_alert_json_msg {
	const char *identifier, *chain, *references; /**< references: NULL or "" for an Alert */
	const char *msg_type, *status, *state;
	const char *site_id, *site_name, *template_id; /**< site_id, site_name NULL: null */
	int site_withheld;      /**< nonzero: "site_withheld": true is written (else left out) */
	const char *langs[PT_ALERT_MAX_LANGS];
	size_t n_langs;
	double radius_km;       /**< written null when has_polygon */
	int has_polygon, generic_area;
	int64_t sent, expires, composed_at, decided_at; /**< decided_at 0: null */
	const char *composer, *approver, *reason;       /**< approver, reason "": null */
	int latest, in_feed;
	const char *sha256;
	struct pt_alert_json_cb cb[PT_ALERT_MAX_LANGS];
	size_t n_cb;
	struct pt_alert_json_warning warnings[PT_ALERT_JSON_WARN_MAX];
	size_t n_warnings;
	const char *xml;        /**< written only when with_xml and not NULL */
	size_t xml_len;
};

/**
 * The ALERT object of m (date-times as CAP writes them, "...-00:00");
 * "xml" only when with_xml. A new reference (json_decref); NULL when out
 * of memory.
 */
json_t *pt_alert_json(const struct pt_alert_json_msg *m, int with_xml);

/**
 * {"templates":[{"id","all_clear","radius_km","duration_h","categories",
 * "responses","urgency","severity","certainty","languages":[{"language",
 * "event","headline","instruction"}]}]} of t[0, n), texts raw
 * (placeholders kept). A new reference; NULL when out of memory.
 */
json_t *pt_alert_templates_json(const struct pt_alert_template *t, size_t n);

#endif
