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
