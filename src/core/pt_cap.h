/* pt_cap.h - the OASIS Common Alerting Protocol 1.2 message model (issue 13):
 * every element of alert, info, resource and area, their enumerations, the
 * value rules (schema facets and the rules the schema cannot express), the
 * cell-broadcast page count and the alert identifier. Pure: no I/O, no clock. */
#ifndef PT_CAP_H
#define PT_CAP_H

#include <stddef.h>
#include <stdint.h>

#include "pt_err.h"

#define PT_CAP_NS "urn:oasis:names:tc:emergency:cap:1.2" /**< the CAP 1.2 namespace */
#define PT_CAP_DSIG_NS "http://www.w3.org/2000/09/xmldsig#" /**< the signature namespace */

/* Limits (PT_ELIMIT when exceeded). */
#define PT_CAP_TEXT_MAX 65536     /**< bytes of one element's text */
#define PT_CAP_MAX_INFO 32        /**< info blocks in one alert */
#define PT_CAP_MAX_REPEAT 256     /**< occurrences of one repeated element in one parent
				       (code, category, responseType, eventCode, parameter,
				       resource, area, polygon, circle, geocode) */
#define PT_CAP_MAX_POINTS 10000   /**< points in one polygon */
#define PT_CAP_MAX_REFERENCES 256 /**< sender,identifier,sent triples in references */
#define PT_CAP_MAX_PROBLEMS 200   /**< problems one check reports (more are counted, not kept) */
#define PT_CAP_ID_MAX 128         /**< bytes of an identifier this project generates, with the NUL */

/** status */
enum pt_cap_status { PT_CAP_ACTUAL = 0, PT_CAP_EXERCISE, PT_CAP_SYSTEM, PT_CAP_TEST, PT_CAP_DRAFT };
/** msgType */
enum pt_cap_msg_type { PT_CAP_ALERT = 0, PT_CAP_UPDATE, PT_CAP_CANCEL, PT_CAP_ACK, PT_CAP_ERROR };
/** scope */
enum pt_cap_scope { PT_CAP_PUBLIC = 0, PT_CAP_RESTRICTED, PT_CAP_PRIVATE };
/** category (an info block has one or more) */
enum pt_cap_category {
	PT_CAP_CAT_GEO = 0, PT_CAP_CAT_MET, PT_CAP_CAT_SAFETY, PT_CAP_CAT_SECURITY, PT_CAP_CAT_RESCUE,
	PT_CAP_CAT_FIRE, PT_CAP_CAT_HEALTH, PT_CAP_CAT_ENV, PT_CAP_CAT_TRANSPORT, PT_CAP_CAT_INFRA,
	PT_CAP_CAT_CBRNE, PT_CAP_CAT_OTHER
};
/** responseType (zero or more) */
enum pt_cap_response {
	PT_CAP_RESP_SHELTER = 0, PT_CAP_RESP_EVACUATE, PT_CAP_RESP_PREPARE, PT_CAP_RESP_EXECUTE,
	PT_CAP_RESP_AVOID, PT_CAP_RESP_MONITOR, PT_CAP_RESP_ASSESS, PT_CAP_RESP_ALLCLEAR,
	PT_CAP_RESP_NONE
};
/** urgency */
enum pt_cap_urgency { PT_CAP_URG_IMMEDIATE = 0, PT_CAP_URG_EXPECTED, PT_CAP_URG_FUTURE,
		      PT_CAP_URG_PAST, PT_CAP_URG_UNKNOWN };
/** severity */
enum pt_cap_severity { PT_CAP_SEV_EXTREME = 0, PT_CAP_SEV_SEVERE, PT_CAP_SEV_MODERATE,
		       PT_CAP_SEV_MINOR, PT_CAP_SEV_UNKNOWN };
/** certainty (CAP 1.2: "Very Likely" of 1.0 is not allowed) */
enum pt_cap_certainty { PT_CAP_CERT_OBSERVED = 0, PT_CAP_CERT_LIKELY, PT_CAP_CERT_POSSIBLE,
			PT_CAP_CERT_UNLIKELY, PT_CAP_CERT_UNKNOWN };

/** Which enumeration pt_cap_enum_name / pt_cap_enum_parse work on. */
enum pt_cap_enum {
	PT_CAP_ENUM_STATUS = 0, PT_CAP_ENUM_MSG_TYPE, PT_CAP_ENUM_SCOPE, PT_CAP_ENUM_CATEGORY,
	PT_CAP_ENUM_RESPONSE, PT_CAP_ENUM_URGENCY, PT_CAP_ENUM_SEVERITY, PT_CAP_ENUM_CERTAINTY
};

/** The XML spelling of value v of enumeration e ("Actual", "AllClear", "CBRNE"); NULL when out of range. */
const char *pt_cap_enum_name(enum pt_cap_enum e, int v);

/** Parse s (exact, case-sensitive, as the schema) as a value of e into *out; PT_EINVAL when not one. */
enum pt_err pt_cap_enum_parse(enum pt_cap_enum e, const char *s, int *out);

/**
 * One element's text as read or composed: s is NULL when the element is
 * absent, "" when present and empty. line is the source line (0 when
 * composed). s is owned by the message (freed by pt_cap_alert_free).
 */
struct pt_cap_text {
	char *s;
	long line;
};

/** A valueName/value pair (eventCode, parameter, geocode). */
struct pt_cap_pair {
	struct pt_cap_text name;  /**< valueName */
	struct pt_cap_text value; /**< value */
	long line;
};

/** resource */
struct pt_cap_resource {
	struct pt_cap_text desc;      /**< resourceDesc */
	struct pt_cap_text mime_type; /**< mimeType */
	struct pt_cap_text size;      /**< size (xs:integer, bytes) */
	struct pt_cap_text uri;
	struct pt_cap_text deref_uri; /**< derefUri (base64) */
	struct pt_cap_text digest;    /**< SHA-1 hex */
	long line;
};

/** area */
struct pt_cap_area {
	struct pt_cap_text desc;     /**< areaDesc */
	struct pt_cap_text *polygon; /**< "lat,lon lat,lon ..." (closed, >= 4 points) */
	size_t n_polygon;
	struct pt_cap_text *circle;  /**< "lat,lon radius_km" */
	size_t n_circle;
	struct pt_cap_pair *geocode;
	size_t n_geocode;
	struct pt_cap_text altitude; /**< feet (xs:decimal) */
	struct pt_cap_text ceiling;  /**< feet; only with altitude */
	long line;
};

/** info: one per language. */
struct pt_cap_info {
	struct pt_cap_text language; /**< xs:language; absent means en-US */
	struct pt_cap_text *category;
	size_t n_category;
	struct pt_cap_text event;
	struct pt_cap_text *response; /**< responseType */
	size_t n_response;
	struct pt_cap_text urgency, severity, certainty, audience;
	struct pt_cap_pair *event_code;
	size_t n_event_code;
	struct pt_cap_text effective, onset, expires;
	struct pt_cap_text sender_name, headline, description, instruction, web, contact;
	struct pt_cap_pair *parameter;
	size_t n_parameter;
	struct pt_cap_resource *resource;
	size_t n_resource;
	struct pt_cap_area *area;
	size_t n_area;
	long line;
};

/**
 * alert: a whole CAP message. Every pointer is owned by the message; free
 * it with pt_cap_alert_free. signature holds the elements of the signature
 * namespace that close the alert (the schema's wildcard), serialised as
 * read, kept opaque: writing the message again copies them, but a message
 * whose other bytes changed no longer verifies against them.
 */
struct pt_cap_alert {
	struct pt_cap_text identifier, sender, sent, status, msg_type, source, scope;
	struct pt_cap_text restriction, addresses;
	struct pt_cap_text *code;
	size_t n_code;
	struct pt_cap_text note, references, incidents;
	struct pt_cap_info *info;
	size_t n_info;
	char *signature;      /**< NULL when none */
	size_t signature_len;
	long line;
	struct pt_cap_arena *arena; /**< private: the block of a message made by
				       pt_cap_alert_new_arena (NULL otherwise) */
};

struct pt_cap_arena;

/** A new empty message (every element absent) into *out; PT_ENOMEM. */
enum pt_err pt_cap_alert_new(struct pt_cap_alert **out);

/**
 * A new empty message, as pt_cap_alert_new, whose texts and arrays come
 * from one block the message owns (bump allocation, about hint bytes first,
 * more blocks when they run out), all freed at once by pt_cap_alert_free:
 * the reader's (pt_cap_xml_read), which fills it with pt_cap_alert_alloc and
 * pt_cap_alert_grow. Such a message is read-only for pt_cap_text_set and
 * the pt_cap_*_add functions (they would free or realloc its block): change
 * a copy (pt_cap_alert_copy gives a message of separate allocations).
 * PT_ENOMEM.
 */
enum pt_err pt_cap_alert_new_arena(struct pt_cap_alert **out, size_t hint);

/** size bytes from the block of a (made by pt_cap_alert_new_arena), aligned
 * for any member of the model, not zeroed, owned by a; NULL when out of memory. */
void *pt_cap_alert_alloc(struct pt_cap_alert *a, size_t size);

/**
 * Append one zeroed element of sz bytes to the array *arr of *n elements in
 * the block of a (made by pt_cap_alert_new_arena; the capacity doubles, the
 * old space stays in the block); *out points at it. PT_ELIMIT when *n is
 * already max, PT_ENOMEM.
 */
enum pt_err pt_cap_alert_grow(struct pt_cap_alert *a, void **arr, size_t *n, size_t sz,
			      size_t max, void **out);

/** Free a message and everything it owns; NULL does nothing. */
void pt_cap_alert_free(struct pt_cap_alert *a);

/** Set t to a copy of s (NULL: absent), line 0. PT_ENOMEM, PT_ELIMIT (over PT_CAP_TEXT_MAX). */
enum pt_err pt_cap_text_set(struct pt_cap_text *t, const char *s);

/** Append an empty text to an array of texts (code, category, responseType, polygon, circle);
 * *out points at it. PT_ENOMEM, PT_ELIMIT (PT_CAP_MAX_REPEAT). */
enum pt_err pt_cap_text_add(struct pt_cap_text **arr, size_t *n, struct pt_cap_text **out);

/** Append an empty pair (eventCode, parameter, geocode). PT_ENOMEM, PT_ELIMIT. */
enum pt_err pt_cap_pair_add(struct pt_cap_pair **arr, size_t *n, struct pt_cap_pair **out);

/** Append an empty info block to a. PT_ENOMEM, PT_ELIMIT (PT_CAP_MAX_INFO). */
enum pt_err pt_cap_info_add(struct pt_cap_alert *a, struct pt_cap_info **out);

/** Append an empty resource to i. PT_ENOMEM, PT_ELIMIT. */
enum pt_err pt_cap_resource_add(struct pt_cap_info *i, struct pt_cap_resource **out);

/** Append an empty area to i. PT_ENOMEM, PT_ELIMIT. */
enum pt_err pt_cap_area_add(struct pt_cap_info *i, struct pt_cap_area **out);

/** A deep copy of a into *out (the signature too). PT_ENOMEM. */
enum pt_err pt_cap_alert_copy(const struct pt_cap_alert *a, struct pt_cap_alert **out);

/* ---- problems ---- */

/** What kind of problem a check found. */
enum pt_cap_problem_kind {
	PT_CAP_SCHEMA = 0, /**< the CAP 1.2 schema rejects it (cap12.xsd: structure, enumeration, pattern, type) */
	PT_CAP_RULE,       /**< the schema accepts it; a rule of the CAP 1.2 standard the schema
			        cannot express rejects it (e.g. an empty references) */
	PT_CAP_WARNING     /**< allowed, but probably not meant (e.g. a restriction with scope Public) */
};

/** One problem: "LINE: element: message", a warning when kind is PT_CAP_WARNING. */
struct pt_cap_problem {
	enum pt_cap_problem_kind kind;
	long line;
	char element[48]; /**< the element's name as in the XML ("sent", "polygon") */
	char msg[256];
};

/** What a check found, in document order. Plain data; the caller owns it. */
struct pt_cap_problems {
	struct pt_cap_problem list[PT_CAP_MAX_PROBLEMS];
	size_t n;        /**< kept */
	size_t dropped;  /**< found beyond PT_CAP_MAX_PROBLEMS */
	size_t n_schema, n_rule, n_warning; /**< counts by kind, of every problem found */
};

/** Clear p. */
void pt_cap_problems_clear(struct pt_cap_problems *p);

/** Add a problem (kept while there is room, always counted). */
void pt_cap_problem_add(struct pt_cap_problems *p, enum pt_cap_problem_kind kind, long line,
			const char *element, const char *msg);

/** Nonzero when p holds an error (schema or rule), not only warnings. */
int pt_cap_problems_fail(const struct pt_cap_problems *p);

/**
 * Check every value of a as cap12.xsd does (enumerations, the dateTime
 * pattern and calendar, xs:language, xs:integer, xs:decimal, xs:anyURI,
 * required elements of a composed message) and the rules of CAP 1.2 the
 * schema cannot express, adding what it finds to p:
 * - identifier and sender: no spaces, commas, '<' or '&' (rule);
 * - references: space-separated sender,identifier,sent triples, each sent
 *   no later than the message's own sent (rule); empty references is an error;
 * - restriction required with scope Restricted, addresses with Private
 *   (rule); present where CAP does not call for them (warning);
 * - msgType Update and Cancel need references (rule);
 * - polygon: closed (first point = last), at least four points, each
 *   "lat,lon" in range (rule); circle "lat,lon radius" with radius >= 0 km (rule);
 * - date-times: a numeric zone offset, no fractional seconds (schema
 *   pattern); "-00:00" is UTC; "+00:00" accepted with a warning;
 * - ceiling only with altitude (rule);
 * - info blocks: one language appears once (warning).
 * Structure (element order, unknown elements) is the reader's work
 * (src/formats/pt_cap_xml.h); a composed message has none to check.
 */
void pt_cap_check(const struct pt_cap_alert *a, struct pt_cap_problems *p);

/* ---- date-times ---- */

/**
 * Parse a CAP date-time "YYYY-MM-DDThh:mm:ss+hh:mm" (the schema's pattern,
 * a valid calendar date, offsets up to 14:00) into unix seconds (UTC).
 * PT_EINVAL when it is not one.
 */
enum pt_err pt_cap_time_parse(const char *s, int64_t *out);

/** Write t (unix seconds) as a CAP UTC date-time "YYYY-MM-DDThh:mm:ss-00:00" into buf (>= 26 bytes). */
void pt_cap_time_format(int64_t t, char *buf, size_t size);

/* ---- identifiers ---- */

/**
 * A new identifier, URL-safe and sortable by time: PREFIX-YYYYMMDDThhmmssZ-XXXXXXXX,
 * PREFIX the caller's (letters, digits, '-', '.', '_'; e.g. "PT"), the
 * time t in UTC and XXXXXXXX eight lower-case hex digits of rand (the
 * caller's random bits: the core has no entropy source). Into buf of size
 * PT_CAP_ID_MAX. PT_EINVAL for a bad prefix.
 */
enum pt_err pt_cap_identifier_make(const char *prefix, int64_t t, uint32_t rand, char *buf,
				   size_t size);

/** Nonzero when s is a valid identifier or sender (non-empty, no space, comma, '<' or '&'). */
int pt_cap_identifier_ok(const char *s);

/* ---- cell broadcast ---- */

/** How a text goes over cell broadcast (3GPP TS 23.038 / 23.041). */
struct pt_cap_cb_count {
	int ucs2;        /**< nonzero: needs UCS-2 (a character outside the GSM 7-bit alphabet and its extension) */
	size_t units;    /**< GSM-7 septets (extension characters count two) or UCS-2 code units */
	size_t per_page; /**< 93 (GSM-7) or 41 (UCS-2) */
	size_t pages;    /**< ceil(units / per_page), at least 1 for a non-empty text */
};

/**
 * Count the cell-broadcast pages of UTF-8 text s (headline and instruction
 * are counted together by the caller, joined with a newline). Invalid UTF-8
 * counts as UCS-2 replacement characters.
 */
void pt_cap_cb_count(const char *s, struct pt_cap_cb_count *out);

/* ---- geometry ---- */

/** The CAP circle "lat,lon radius_km" of a point and a radius into buf. */
void pt_cap_circle_format(double lat, double lon, double radius_km, char *buf, size_t size);

/**
 * Parse a CAP polygon "lat,lon lat,lon ..." into lat/lon arrays of cap
 * entries; *n the points read. PT_EINVAL (not numbers, out of range, not
 * closed, fewer than four points), PT_ELIMIT (more than cap).
 */
enum pt_err pt_cap_polygon_parse(const char *s, double *lat, double *lon, size_t cap, size_t *n);

/* ---- comparison ---- */

/**
 * Nonzero when a and b hold the same message: every element's text equal
 * (whitespace of list-valued texts normalised: polygon, circle, addresses,
 * references, incidents), in the same order; the signatures are compared
 * byte for byte. Lines are not compared.
 */
int pt_cap_equivalent(const struct pt_cap_alert *a, const struct pt_cap_alert *b);

#endif
