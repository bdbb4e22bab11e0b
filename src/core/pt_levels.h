/* pt_levels.h - threat-level governance (issue 11, item 9): the entries of each scope
 * (national, sector, region, threat) in force at a given time, and the level a site-threat pair gets. */
#ifndef PT_LEVELS_H
#define PT_LEVELS_H

#include <stddef.h>
#include <stdint.h>

#include "pt_model.h"

#define PT_LEVEL_RATIONALE_MAX 512 /**< a change's rationale, bytes including the NUL */
#define PT_LEVEL_SCOPE_ID_MAX PT_REGION_MAX /**< a sector id, region name or threat id */

/** What a threat-level entry applies to. */
enum pt_level_scope {
	PT_LEVEL_SCOPE_NATIONAL = 0,
	PT_LEVEL_SCOPE_SECTOR,
	PT_LEVEL_SCOPE_REGION,
	PT_LEVEL_SCOPE_THREAT
};
#define PT_LEVEL_SCOPE_COUNT 4

/** "national", "sector", "region", "threat"; "" out of range. */
const char *pt_level_scope_name(enum pt_level_scope s);
/** Parse a scope name (exact, lower case). PT_EINVAL if unknown. */
enum pt_err pt_level_scope_parse(const char *s, enum pt_level_scope *out);

/**
 * One change of a scope's level, as stored (a row of the history, oldest
 * first by id). Plain data.
 */
struct pt_level_change {
	long long id;
	enum pt_level_scope scope;
	char scope_id[PT_LEVEL_SCOPE_ID_MAX]; /**< "" for the national scope */
	int cleared;                 /**< nonzero: the change removed the scope's entry */
	enum pt_threat_level level;  /**< when not cleared */
	int below;                   /**< threat scope only: applies even below the others */
	char rationale[PT_LEVEL_RATIONALE_MAX];
	char set_by[64];
	int64_t set_at;              /**< unix seconds */
	int64_t expires_at;          /**< unix seconds; 0: never */
	int replaced_set;            /**< nonzero: the scope had an entry when this was set */
	enum pt_threat_level replaced; /**< the level in force before (when replaced_set) */
};

/** A scope's entry in force at a time: the change it comes from. Plain data. */
struct pt_level_entry {
	struct pt_level_change change; /**< the change in force (never a cleared one) */
	int reverted;                  /**< nonzero: a later change has expired and this is what it replaced */
};

/**
 * The entries in force at now from the history changes[0, n), ordered by
 * scope (national, sector, region, threat), then scope id (bytewise), then
 * id (oldest first): per scope, the newest change whose expiry has not
 * passed (expires_at 0 or > now); a clear in force leaves the scope without
 * an entry, and an expired change gives the scope back what was in force
 * before it. Writes the entries into out (room for n) in the same order;
 * *n_out their count. Linear in n.
 */
void pt_levels_in_force(const struct pt_level_change *changes, size_t n, int64_t now,
			struct pt_level_entry *out, size_t *n_out);

/**
 * The level that applies to a site of sector sector_id in region region
 * against threat threat_id, from the entries in force entries[0, n): the
 * highest of the national level (SUBSTANTIAL when there is no national
 * entry), the sector's, the region's and the threat's, unless the threat's
 * entry is marked below, which then applies as it is. NULL ids match no
 * entry. *from (may be NULL) gets the scope the level comes from (national
 * when several tie with it, else the first of sector, region, threat).
 */
enum pt_threat_level pt_level_effective(const struct pt_level_entry *entries, size_t n,
					const char *sector_id, const char *region,
					const char *threat_id, enum pt_level_scope *from);

/* issue 11 review L1, L2: a rationale's text and the expiry horizon */
#define PT_LEVEL_EXPIRY_HORIZON_S (2LL * 366 * 86400) /**< an expiry at most about 2 years ahead */

/** What pt_level_text_check finds in a text. */
enum pt_text_check {
	PT_TEXT_OK = 0,    /**< holds a visible character and no bidi control */
	PT_TEXT_BLANK,     /**< only white space and invisible format characters (or nothing) */
	PT_TEXT_BIDI,      /**< holds a bidirectional control (U+061C, U+200E/F, U+202A-E, U+2066-9) */
	PT_TEXT_BAD_UTF8   /**< not valid UTF-8 */
};

/**
 * Check text (UTF-8, NUL-terminated; NULL as empty) for a rationale: it must
 * hold a visible character (not only spaces, U+00A0, U+2000-U+200B, U+FEFF,
 * U+2060 and the like) and no bidirectional control anywhere, as control
 * characters are refused. Pure.
 */
enum pt_text_check pt_level_text_check(const char *text);

/** The national level of entries[0, n): its entry's, SUBSTANTIAL when there is none. */
enum pt_threat_level pt_level_national(const struct pt_level_entry *entries, size_t n);

#endif
