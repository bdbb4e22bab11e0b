/* pt_alert_template.h - alert templates (issue 13, data/alerts/ID.json): the
 * CAP enumerations of one kind of alert and, per language, its texts with
 * placeholders, rendered for a site. Pure: no I/O, no clock. */
#ifndef PT_ALERT_TEMPLATE_H
#define PT_ALERT_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "pt_cap.h"
#include "pt_err.h"

#define PT_ALERT_TEMPLATE_ID_MAX 64   /**< template id (the file's stem) + NUL: [a-z0-9-] */
#define PT_ALERT_LANG_MAX 16          /**< language tag + NUL ("en", "mk", "sq") */
#define PT_ALERT_MAX_LANGS 8          /**< languages in one template */
#define PT_ALERT_TEXT_MAX 2048        /**< bytes of one template text + NUL (after rendering too) */
#define PT_ALERT_MAX_TEMPLATES 64     /**< templates in data/alerts */

/** One language's texts. Placeholders: {site} {region} {radius_km} {expires} {sender}. */
struct pt_alert_template_lang {
	char lang[PT_ALERT_LANG_MAX];        /**< xs:language, e.g. "mk" */
	char event[PT_ALERT_TEXT_MAX];       /**< CAP event, e.g. "Armed attack" */
	char headline[PT_ALERT_TEXT_MAX];
	char description[PT_ALERT_TEXT_MAX];
	char instruction[PT_ALERT_TEXT_MAX];
	char area_desc[PT_ALERT_TEXT_MAX];   /**< areaDesc naming the site */
	char generic_site[PT_ALERT_TEXT_MAX]; /**< what {site} becomes with a generic area
					         (e.g. "a public building in {region}") */
	char generic_area_desc[PT_ALERT_TEXT_MAX]; /**< areaDesc that does not name the site */
	char sender_name[PT_ALERT_TEXT_MAX]; /**< senderName, e.g. "National Crisis Management Centre" */
	char exercise_word[64];              /**< the word put before every headline of an
					          Exercise or Test message ("EXERCISE") */
	char test_word[64];                  /**< issue 13 review: the same for a Test message
					          ("TEST"); "" falls back to "TEST" */
};

/** One template. Plain data. */
struct pt_alert_template {
	char id[PT_ALERT_TEMPLATE_ID_MAX];
	int categories[PT_CAP_MAX_INFO];  /**< enum pt_cap_category values */
	size_t n_categories;               /**< 1 or more */
	int responses[PT_CAP_MAX_INFO];    /**< enum pt_cap_response values */
	size_t n_responses;
	enum pt_cap_urgency urgency;
	enum pt_cap_severity severity;
	enum pt_cap_certainty certainty;
	double radius_km;                  /**< default radius of the circle, > 0 */
	double duration_h;                 /**< default validity (expires = sent + duration), > 0 */
	int all_clear;                     /**< nonzero: an all-clear, issued only as an Update
					        (responseType AllClear) */
	struct pt_alert_template_lang langs[PT_ALERT_MAX_LANGS];
	size_t n_langs;
};

/** The language lang of t, or NULL. */
const struct pt_alert_template_lang *pt_alert_template_lang(const struct pt_alert_template *t,
							     const char *lang);

/** What a template's placeholders are replaced with. */
struct pt_alert_vars {
	const char *site;      /**< the site's name (or the template's generic_site) */
	const char *region;    /**< the site's region */
	double radius_km;
	int64_t expires;       /**< unix seconds, rendered as local time "HH:MM" on "DD.MM.YYYY" */
	int utc_offset_min;    /**< the local time's offset from UTC, minutes */
	const char *sender;    /**< senderName */
};

/**
 * Replace {site} {region} {radius_km} {expires} {sender} in text (other
 * braces are copied) into buf of size (PT_ALERT_TEXT_MAX). PT_ELIMIT when
 * the result does not fit; PT_EINVAL for an unknown placeholder.
 */
enum pt_err pt_alert_render(const char *text, const struct pt_alert_vars *v, char *buf,
			    size_t size);

/**
 * Check a template read from a file: id [a-z0-9-], at least one category
 * and language, radius and duration > 0, every text non-empty where CAP
 * calls for it (event, headline, instruction, area_desc, generic_site,
 * generic_area_desc), placeholders known, languages distinct and valid
 * xs:language tags. PT_EINVAL with d naming the field.
 */
enum pt_err pt_alert_template_check(const struct pt_alert_template *t, struct pt_diag *d);

/* ---- issue 13 review: text safety ---- */

/**
 * 1 when s (NULL counts as empty) is text a public alert may carry:
 * pt_text_public_ok(s, 1, ...) of pt_model.h (TAB, LF, CR allowed). 0
 * otherwise, with the first offending code point in *cp (0xFFFFFFFF for
 * malformed UTF-8) when cp is not NULL.
 */
int pt_alert_text_ok(const char *s, uint32_t *cp);

/**
 * The word that marks a message of status s in language l: NULL for
 * Actual; l->test_word (or "TEST") for Test; l->exercise_word otherwise.
 */
const char *pt_alert_status_word(const struct pt_alert_template_lang *l, enum pt_cap_status s);

/** "WORD: text" into buf of size (PT_ELIMIT when it does not fit). */
enum pt_err pt_alert_mark(const char *word, const char *text, char *buf, size_t size);

#endif
