/* pt_err.c - error texts, sysexits mapping and fixed-text diagnostics.
 * Formatted diagnostics live in src/formats/pt_diag.c. */
#include "pt_err.h"

#include <string.h>

const char *pt_strerror(enum pt_err err)
{
	switch (err) {
	case PT_OK: return "success";
	case PT_ENOMEM: return "out of memory";
	case PT_EINVAL: return "invalid input";
	case PT_EUSAGE: return "invalid usage";
	case PT_ENOTFOUND: return "not found";
	case PT_ECONFLICT: return "conflict";
	case PT_ELIMIT: return "limit exceeded";
	case PT_EDB: return "database error";
	case PT_EIO: return "I/O error";
	case PT_EINTERNAL: return "internal error";
	case PT_EFORBIDDEN: return "forbidden";
	case PT_EBUSY:
		return "the registry is busy with another write; nothing was changed, so it is safe "
		       "to try again in a moment";
	}
	return "unknown error";
}

const char *pt_err_name(enum pt_err err)
{
	switch (err) {
	case PT_OK: return "PT_OK";
	case PT_ENOMEM: return "PT_ENOMEM";
	case PT_EINVAL: return "PT_EINVAL";
	case PT_EUSAGE: return "PT_EUSAGE";
	case PT_ENOTFOUND: return "PT_ENOTFOUND";
	case PT_ECONFLICT: return "PT_ECONFLICT";
	case PT_ELIMIT: return "PT_ELIMIT";
	case PT_EDB: return "PT_EDB";
	case PT_EIO: return "PT_EIO";
	case PT_EINTERNAL: return "PT_EINTERNAL";
	case PT_EFORBIDDEN: return "PT_EFORBIDDEN";
	case PT_EBUSY: return "PT_EBUSY";
	}
	return "PT_E?";
}

int pt_err_exit_status(enum pt_err err)
{
	switch (err) {
	case PT_OK: return 0;
	case PT_EUSAGE: return 64;
	case PT_EINVAL: case PT_ECONFLICT: case PT_ELIMIT: return 65;
	case PT_ENOTFOUND: return 66;
	case PT_ENOMEM: case PT_EINTERNAL: return 70;
	case PT_EDB: case PT_EIO: return 74;
	case PT_EFORBIDDEN: return 77;
	case PT_EBUSY: return 75;
	}
	return 70;
}

void pt_strlcpy(char *dst, const char *src, size_t dst_size)
{
	size_t n;
	if (!dst_size)
		return;
	n = src ? strlen(src) : 0;
	if (n >= dst_size)
		n = dst_size - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void pt_diag_clear(struct pt_diag *d)
{
	d->line = 0;
	d->field[0] = '\0';
	d->msg[0] = '\0';
}

enum pt_err pt_diag_put(struct pt_diag *d, enum pt_err err, long line, const char *field,
			const char *msg)
{
	if (!d)
		return err;
	d->line = line;
	pt_strlcpy(d->field, field, sizeof d->field);
	pt_strlcpy(d->msg, msg, sizeof d->msg);
	return err;
}
