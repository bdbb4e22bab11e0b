/* pt_attachment_json.c - the one JSON writer of an attachment (issue 16 item 3)
 * and the name a download is given. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/pt_marking.h"
#include "pt_attachment.h"

/* ISO 8601 UTC of t into a new JSON string; null for t <= 0. */
static json_t *when_json(int64_t t)
{
	char buf[32];
	struct tm tm;
	time_t tt = (time_t)t;
	if (t <= 0 || !gmtime_r(&tt, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(buf);
}

json_t *pt_attachment_json(const struct pt_attachment *a, enum pt_tlp label)
{
	return json_pack("{s:I,s:s,s:o,s:s,s:s,s:s,s:I,s:s,s:b,s:o,s:s,s:s,s:o}", "id",
			 (json_int_t)a->id, "site_id", a->site_id, "survey_id",
			 a->survey_id > 0 ? json_integer((json_int_t)a->survey_id) : json_null(),
			 "name", a->name, "caption", a->caption, "type", pt_attach_mime(a->type),
			 "size", (json_int_t)a->size, "sha256", a->sha256, "shows_people",
			 a->shows_people, "uploaded_at", when_json(a->uploaded_at), "uploaded_by",
			 a->uploaded_by, "label", pt_marking_label(label), "retain_until",
			 when_json(a->retain_until));
}

void pt_attach_safe_name(const char *name, char *buf, size_t size)
{
	const char *base = name ? name : "", *p;
	size_t n = 0;
	if (!size)
		return;
	for (p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	for (p = base; *p && n + 1 < size; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f || c == '"' || c == ';')
			continue;
		buf[n++] = (char)c;
	}
	if (*p) { /* cut: drop the last character, which may be half of one */
		while (n && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
			n--;
		if (n && ((unsigned char)buf[n - 1] & 0xc0) == 0xc0)
			n--;
	}
	buf[n] = '\0';
	if (!n || strspn(buf, ". ") == n)
		snprintf(buf, size, "attachment");
}

void pt_attach_typed_name(const char *name, enum pt_attach_type t, char *buf, size_t size)
{
	const char *ext = t == PT_ATTACH_JPEG ? ".jpg" : t == PT_ATTACH_PNG ? ".png" : ".pdf";
	char *dot;
	size_t n;
	if (size < 16)
		return;
	pt_attach_safe_name(name, buf, size);
	if (t == PT_ATTACH_NONE)
		return;
	dot = strrchr(buf, '.');
	if (dot && (strcasecmp(dot, ext) == 0 || (t == PT_ATTACH_JPEG && strcasecmp(dot, ".jpeg") == 0)))
		return;
	if (dot && dot != buf)
		*dot = '\0'; /* a wrong extension: replaced */
	n = strlen(buf);
	if (n + strlen(ext) + 1 > size) { /* cut the stem, not inside a character */
		n = size - strlen(ext) - 1;
		while (n && ((unsigned char)buf[n] & 0xc0) == 0x80)
			n--;
		buf[n] = '\0';
	}
	memcpy(buf + n, ext, strlen(ext) + 1);
}

void pt_attach_disposition(const char *name, char *buf, size_t size)
{
	char safe[PT_ATTACH_NAME_MAX + 1], ascii[PT_ATTACH_NAME_MAX + 1];
	size_t i, n, used;
	int other = 0;

	pt_attach_safe_name(name, safe, sizeof safe);
	for (i = 0; safe[i]; i++) {
		unsigned char c = (unsigned char)safe[i];
		ascii[i] = c >= 0x80 || c == '\\' || c == '%' ? '_' : (char)c;
		if (c >= 0x80)
			other = 1;
	}
	ascii[i] = '\0';
	snprintf(buf, size, "attachment; filename=\"%s\"", ascii);
	if (!other)
		return;
	used = strlen(buf);
	n = (size_t)snprintf(buf + used, size - used, "; filename*=UTF-8''");
	if (used + n >= size) {
		buf[used] = '\0';
		return;
	}
	used += n;
	for (i = 0; safe[i]; i++) {
		unsigned char c = (unsigned char)safe[i];
		int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			    strchr("!#$&+-.^_`|~", c);
		if (used + (plain ? 1 : 3) >= size)
			break;
		if (plain)
			buf[used++] = (char)c;
		else
			used += (size_t)snprintf(buf + used, size - used, "%%%02X", c);
	}
	buf[used] = '\0';
}
