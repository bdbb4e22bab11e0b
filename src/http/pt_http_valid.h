/* pt_http_valid.h - declared validators for every input of the HTTP API:
 * JSON body fields (type, range, length, enum, nested objects and arrays) and query parameters. */
#ifndef PT_HTTP_VALID_H
#define PT_HTTP_VALID_H

#include <jansson.h>
#include <stddef.h>

#include "../core/pt_err.h"

#define PT_JSON_BODY_MAX (1024UL * 1024) /**< largest JSON request body, bytes (413 above) */
#define PT_JSON_DEPTH_MAX 8              /**< deepest nesting of a JSON request body */
#define PT_FIELD_PATH_MAX 128            /**< a field path as reported ("items[2].p_attempt.min") */

/** Types a declared field may have. */
enum pt_vtype {
	PT_V_STRING = 0, /**< string of min..max bytes (UTF-8), optionally checked by a function or an enum */
	PT_V_INT,        /**< JSON integer in [min, max] (a real such as 3.5 or 3.0 is rejected) */
	PT_V_NUMBER,     /**< JSON integer or real, finite, in [min, max] */
	PT_V_BOOL,       /**< true or false */
	PT_V_OBJECT,     /**< object checked against sub (unknown members rejected) */
	PT_V_ARRAY,      /**< array of min..max elements, each checked against elem */
	/** Query parameters only: text sent percent- or form-encoded, decoded in place
	 * (libmicrohttpd's MHD_http_unescape, '+' a space) before the handler sees it;
	 * min..max bytes once decoded, no control characters, malformed escapes refused. */
	PT_V_QUERY_TEXT,
	/** issue 15: a string (max bytes, as PT_V_STRING), a number or true/false: a
	 * decision's value, whose kind the scenario decides */
	PT_V_SCALAR,
	/** issue 16 item 5, query parameters only: a list of values, the parameter repeatable
	 * and each occurrence split on its raw commas before each part is decoded as
	 * PT_V_QUERY_TEXT ("AMBER%2BSTRICT" is "AMBER+STRICT", "%2C" a comma inside a value);
	 * each value 1..PT_QUERY_LIST_VALUE_MAX bytes, at most PT_QUERY_LIST_MAX values, at
	 * most max bytes in all. */
	PT_V_QUERY_LIST
};
#define PT_QUERY_LIST_MAX 64        /**< most values of a PT_V_QUERY_LIST parameter */
#define PT_QUERY_LIST_VALUE_MAX 255 /**< longest value of one, bytes once decoded */

struct pt_vfield;

/** A declared object: its fields, ended by an entry with name NULL. */
struct pt_vschema {
	const struct pt_vfield *fields;
	int min_fields; /**< fewest members present (1: an empty object is rejected) */
};

/** One declared field of an object (or the element of an array, name ignored). */
struct pt_vfield {
	const char *name;
	enum pt_vtype type;
	int required;
	int nullable;                        /**< JSON null accepted */
	double min, max;                     /**< numbers: range; strings: byte length; arrays: count */
	const char *const *choices;          /**< strings: allowed values (NULL-ended) or NULL */
	int (*check)(const char *s);         /**< strings: extra syntax check (nonzero = ok) or NULL */
	const char *what;                    /**< strings with check: what is expected, for the message */
	const struct pt_vschema *sub;        /**< PT_V_OBJECT: the members; NULL: any object (issue 15:
					          a scenario file, checked by its reader) */
	const struct pt_vfield *elem;        /**< PT_V_ARRAY: the element */
};

/** Where and why a value was rejected: the field path and a message. */
struct pt_verror {
	char field[PT_FIELD_PATH_MAX];
	char msg[512];
};

/**
 * Parse a JSON request body: an object, no duplicate keys, valid UTF-8, at
 * most PT_JSON_DEPTH_MAX deep, at most PT_JSON_BODY_MAX bytes. On success
 * *out is a new reference the caller releases with json_decref. On failure
 * PT_EINVAL (or PT_ELIMIT for size) with e->msg naming the place ("line 1
 * column 9: ...") and e->field empty.
 */
enum pt_err pt_json_parse_body(const char *body, size_t len, json_t **out, struct pt_verror *e);

/**
 * Check obj against schema: every member declared (unknown ones rejected),
 * required members present, types and ranges. PT_OK, or PT_EINVAL with e
 * naming the field path (prefix + member, "items[0].threat_id").
 * prefix may be NULL or "".
 */
enum pt_err pt_validate_object(const json_t *obj, const struct pt_vschema *schema,
			       const char *prefix, struct pt_verror *e);

/** A declared query parameter (all are unsigned integers or short strings). */
struct pt_vquery {
	const char *name;
	enum pt_vtype type;          /**< PT_V_INT, PT_V_STRING or PT_V_QUERY_TEXT */
	unsigned long long min, max; /**< PT_V_INT: range; PT_V_STRING: byte length */
	const char *const *choices;  /**< PT_V_STRING: allowed values or NULL */
};

/**
 * Parse a decimal integer strictly (digits only, no sign, no spaces, no
 * leading zeros beyond "0") within [min, max]. Returns nonzero when valid.
 */
int pt_parse_uint_strict(const char *s, unsigned long long min, unsigned long long max,
			 unsigned long long *out);

/** Nonzero when s is 1-63 bytes of [A-Za-z0-9._-] (site, threat, kind, sector and user ids). */
int pt_valid_id(const char *s);

/** Nonzero when s is valid UTF-8 without control characters (tab excepted). */
int pt_valid_text(const char *s);

/** Depth of nesting of v (a scalar is 0, [] or {} is 1). Stops counting at limit + 1. */
int pt_json_depth(const json_t *v, int limit);

/**
 * A decimal number sent as query text: digits with an optional fraction and exponent
 * ("12", "0.5", "1.5e6"; no sign, no hex, no inf or nan), at most max_len bytes, finite.
 * Nonzero with *out set when s is one; 0 otherwise (*out unchanged).
 */
int pt_query_decimal(const char *s, size_t max_len, double *out);
#endif
