/* pt_people_json.h - the one JSON writer of an organisation and of a user,
 * used by the command line and the API alike (jansson). */
#ifndef PT_PEOPLE_JSON_H
#define PT_PEOPLE_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "../core/pt_records.h"

/**
 * {"id": 3, "name": "...", "type": "operator", "partners": [5, 7]}: a new
 * reference the caller releases with json_decref; NULL when out of memory.
 */
json_t *pt_json_org(const struct pt_org *o, const long long *partners, size_t n_partners);

/**
 * {"name": "...", "role": "admin", "organisation": {"id": 3, "name": "...",
 * "type": "operator"}, "second_factor": "none|pending|enrolled",
 * "recovery_codes_left": 0}: a new reference (json_decref); NULL when out of memory.
 */
json_t *pt_json_user(const struct pt_user *u);

/** "none", "pending" or "enrolled" (static). */
const char *pt_second_factor_name(enum pt_second_factor_state s);

#endif
