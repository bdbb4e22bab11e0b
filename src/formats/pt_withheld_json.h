/* pt_withheld_json.h - counts of withheld sites as JSON (issue 16, item 8). */
#ifndef PT_WITHHELD_JSON_H
#define PT_WITHHELD_JSON_H

#include <jansson.h>
#include <stddef.h>

/** A cell: its id, name, count and whether it is suppressed. Borrowed. */
struct pt_withheld_json_cell {
	const char *id, *name;
	size_t count;
	int suppressed;
};

/**
 * {"id", "name", "count": N, or "count": null and "fewer_than": min when suppressed}.
 * New reference, NULL when out of memory.
 */
json_t *pt_json_withheld_cell(const struct pt_withheld_json_cell *c, int min);

#endif
