/* pt_json_load.h - the strict jansson load the JSON readers share (a UTF-8
 * BOM skipped, duplicate keys refused, out of memory told apart from bad syntax). */
#ifndef PT_JSON_LOAD_H
#define PT_JSON_LOAD_H

#include <jansson.h>
#include <stddef.h>

#include "../core/pt_err.h"

/**
 * Parse the JSON text buf[0..len) (buf may be NULL: empty text) with duplicate
 * keys refused, after a leading UTF-8 BOM. *skip receives the BOM's length (0
 * or 3), so the caller may scan buf + *skip itself. On success *root is a new
 * reference the caller owns (json_decref). On failure *root is NULL and d holds
 * PT_ENOMEM "out of memory" or PT_EINVAL "invalid JSON: ..." at jansson's line
 * (at least 1); the error is returned.
 */
enum pt_err pt_json_load_strict(const char *buf, size_t len, size_t *skip, json_t **root,
				struct pt_diag *d);

/** Replace every control character of the string s (in place) with '?'. */
void pt_json_sanitize(char *s);

#endif
