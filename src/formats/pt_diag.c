/* pt_diag.c - printf-style diagnostics and their "FILE:LINE: field: msg"
 * rendering. Writes into caller buffers; prints nothing. */
#include "pt_diag.h"

#include <stdarg.h>
#include <stdio.h>

enum pt_err pt_diag_set(struct pt_diag *d, enum pt_err err, long line, const char *field,
			const char *fmt, ...)
{
	va_list ap;
	if (!d)
		return err;
	d->line = line;
	pt_strlcpy(d->field, field, sizeof d->field);
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	return err;
}

void pt_diag_warn(struct pt_diag *d, long line, const char *field, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (!d)
		return;
	d->warnings++;
	if (!d->warn_cb)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	d->warn_cb(d->warn_ctx, d->file, line, field ? field : "", msg);
}

void pt_diag_format(const struct pt_diag *d, char *buf, size_t size)
{
	size_t used = 0;
	int n = 0;
	if (!size)
		return;
	buf[0] = '\0';
	if (d->file[0] && d->line > 0)
		n = snprintf(buf, size, "%s:%ld: ", d->file, d->line);
	else if (d->file[0])
		n = snprintf(buf, size, "%s: ", d->file);
	else if (d->line > 0)
		n = snprintf(buf, size, "line %ld: ", d->line);
	used = n < 0 ? 0 : (size_t)n;
	if (used >= size)
		return;
	if (d->field[0])
		snprintf(buf + used, size - used, "%s: %s", d->field, d->msg);
	else
		snprintf(buf + used, size - used, "%s", d->msg);
}
