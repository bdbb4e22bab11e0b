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

void pt_utf8_cut(char *s)
{
	size_t n, k = 0, need;
	unsigned char b;
	if (!s)
		return;
	n = strlen(s);
	/* Up to 3 continuation bytes back to the last lead byte. */
	while (k < 3 && k < n && ((unsigned char)s[n - 1 - k] & 0xC0) == 0x80)
		k++;
	if (k == n)
		return;
	b = (unsigned char)s[n - 1 - k];
	if (b < 0xC0)
		return; /* ASCII, or more continuation bytes than a character has: not a cut */
	need = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1;
	if (k < need)
		s[n - 1 - k] = '\0';
}

/* The length of the valid UTF-8 character at s (1-4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char b = s[0], lo = 0x80, hi = 0xBF;
	size_t n, i;
	if (b < 0x80)
		return 1;
	if (b < 0xC2 || b > 0xF4)
		return 0;
	n = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
	if (b == 0xE0)
		lo = 0xA0;
	else if (b == 0xED)
		hi = 0x9F;
	else if (b == 0xF0)
		lo = 0x90;
	else if (b == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

size_t pt_utf8_repair(char *s)
{
	size_t i = 0, bad = 0, k;
	if (!s)
		return 0;
	while (s[i]) {
		if ((k = utf8_len((const unsigned char *)s + i)) != 0) {
			i += k;
			continue;
		}
		s[i++] = '?';
		bad++;
	}
	return bad;
}

void pt_strlcpy_utf8(char *dst, const char *src, size_t dst_size)
{
	pt_strlcpy(dst, src, dst_size);
	if (dst_size && src && strlen(src) >= dst_size)
		pt_utf8_cut(dst);
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
