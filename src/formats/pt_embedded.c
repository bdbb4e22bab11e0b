/* pt_embedded.c - lookup in the table of files compiled into the binary. */
#include "pt_embedded.h"

#include <string.h>

const struct pt_embedded_file *pt_embedded_find(const char *name)
{
	const struct pt_embedded_file *f;
	for (f = pt_embedded_files; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}
