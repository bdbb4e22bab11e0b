/* pt_embedded.h - the catalogues, demo data and SQL schema compiled into
 * the binary by tools/embed.c, so `protect demo` works from any directory. */
#ifndef PT_EMBEDDED_H
#define PT_EMBEDDED_H

#include <stddef.h>

/** One embedded file: name like "catalog/kinds.csv" or "src/store/schema.sql". */
struct pt_embedded_file {
	const char *name;
	const char *data; /**< NUL-terminated, len bytes before the NUL */
	size_t len;
};

/** The table, ended by an entry with name NULL. */
extern const struct pt_embedded_file pt_embedded_files[];

/** Find an embedded file by name; NULL if absent. Static storage: do not free. */
const struct pt_embedded_file *pt_embedded_find(const char *name);

#endif
