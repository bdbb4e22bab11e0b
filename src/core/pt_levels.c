/* pt_levels.c - threat-level governance: which entry of each scope is in force
 * at a time (expiries read, not run), and the highest-level rule with a threat's "below". */
#include "pt_levels.h"

#include <string.h>

static const char *const scope_names[PT_LEVEL_SCOPE_COUNT] = {"national", "sector", "region",
							      "threat"};

const char *pt_level_scope_name(enum pt_level_scope s)
{
	return (int)s >= 0 && (int)s < PT_LEVEL_SCOPE_COUNT ? scope_names[s] : "";
}

enum pt_err pt_level_scope_parse(const char *s, enum pt_level_scope *out)
{
	int i;
	for (i = 0; s && i < PT_LEVEL_SCOPE_COUNT; i++)
		if (strcmp(s, scope_names[i]) == 0) {
			*out = (enum pt_level_scope)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

static int same_scope(const struct pt_level_change *a, const struct pt_level_change *b)
{
	return a->scope == b->scope && strcmp(a->scope_id, b->scope_id) == 0;
}

void pt_levels_in_force(const struct pt_level_change *changes, size_t n, int64_t now,
			struct pt_level_entry *out, size_t *n_out)
{
	size_t begin = 0, end, j, k = 0;
	while (begin < n) {
		int expired_newer = 0;
		for (end = begin + 1; end < n && same_scope(&changes[end], &changes[begin]); end++)
			;
		/* The newest change of the scope still in force decides. */
		for (j = end; j-- > begin;) {
			const struct pt_level_change *c = &changes[j];
			if (c->expires_at && c->expires_at <= now) {
				expired_newer = 1;
				continue;
			}
			if (!c->cleared) {
				out[k].change = *c;
				out[k].reverted = expired_newer;
				k++;
			}
			break;
		}
		begin = end;
	}
	*n_out = k;
}

enum pt_threat_level pt_level_national(const struct pt_level_entry *entries, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (entries[i].change.scope == PT_LEVEL_SCOPE_NATIONAL)
			return entries[i].change.level;
	return PT_LEVEL_SUBSTANTIAL;
}

enum pt_threat_level pt_level_effective(const struct pt_level_entry *entries, size_t n,
					const char *sector_id, const char *region,
					const char *threat_id, enum pt_level_scope *from)
{
	enum pt_threat_level level = pt_level_national(entries, n);
	enum pt_level_scope source = PT_LEVEL_SCOPE_NATIONAL;
	size_t i;
	for (i = 0; i < n; i++) {
		const struct pt_level_change *c = &entries[i].change;
		const char *id = c->scope == PT_LEVEL_SCOPE_SECTOR   ? sector_id
				 : c->scope == PT_LEVEL_SCOPE_REGION ? region
				 : c->scope == PT_LEVEL_SCOPE_THREAT ? threat_id
								     : NULL;
		if (!id || strcmp(id, c->scope_id) != 0)
			continue;
		if (c->scope == PT_LEVEL_SCOPE_THREAT && c->below) {
			if (from)
				*from = PT_LEVEL_SCOPE_THREAT;
			return c->level; /* a reasoned exception: applies even when lower */
		}
		if (c->level > level || (c->level == level && source != PT_LEVEL_SCOPE_NATIONAL &&
					 c->scope < source)) {
			level = c->level;
			source = c->scope;
		}
	}
	if (from)
		*from = source;
	return level;
}

/* issue 11 review L1: a rationale holds visible text and no bidi control. */
static int is_bidi(unsigned long cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* White space and invisible format characters: they show nothing. */
static int is_invisible(unsigned long cp)
{
	return cp <= 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0) || cp == 0xAD ||
	       cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x1680 || cp == 0x180E ||
	       (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
	       (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0x3164 ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0 ||
	       (cp >= 0xFFF0 && cp <= 0xFFF8) || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

enum pt_text_check pt_level_text_check(const char *text)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	int visible = 0;
	while (*p) {
		unsigned long cp;
		int n, k;
		if (*p < 0x80) {
			cp = *p;
			n = 0;
		} else if ((*p & 0xE0) == 0xC0) {
			cp = *p & 0x1F;
			n = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			cp = *p & 0x0F;
			n = 2;
		} else if ((*p & 0xF8) == 0xF0) {
			cp = *p & 0x07;
			n = 3;
		} else {
			return PT_TEXT_BAD_UTF8;
		}
		for (k = 1; k <= n; k++) {
			if ((p[k] & 0xC0) != 0x80)
				return PT_TEXT_BAD_UTF8;
			cp = (cp << 6) | (p[k] & 0x3F);
		}
		p += n + 1;
		if (is_bidi(cp))
			return PT_TEXT_BIDI;
		if (!is_invisible(cp))
			visible = 1;
	}
	return visible ? PT_TEXT_OK : PT_TEXT_BLANK;
}
