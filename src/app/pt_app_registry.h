/* pt_app_registry.h - the use cases of the registry as a whole: create it
 * (init, demo), its settings, the national threat level, the catalogues. */
#ifndef PT_APP_REGISTRY_H
#define PT_APP_REGISTRY_H

#include <stddef.h>

#include "../core/pt_config.h"
#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "../core/pt_records.h"
#include "../core/pt_levels.h"
#include "pt_app.h"
#include "pt_app_register.h"

/**
 * Parse the catalogues compiled into the binary (kinds, sectors, threats)
 * into cat (an empty struct the caller empties with pt_app_catalogs_clear).
 * No database. PT_EINTERNAL when the built-in data is broken (d names it).
 */
enum pt_err pt_app_catalogs_builtin(struct pt_catalogs *cat, struct pt_diag *d);

/** Free the three catalogues of cat and empty it; the struct stays the caller's. */
void pt_app_catalogs_clear(struct pt_catalogs *cat);

/**
 * `protect init`: load the built-in catalogues, settings and measures into
 * db (catalogue rows replaced, settings and measures already stored kept),
 * as c. PT_EINTERNAL when the built-in data is broken.
 */
enum pt_err pt_app_registry_init(const struct pt_caller *c, struct pt_db *db, struct pt_diag *d);

/** What loading the demo region did. Plain data. */
struct pt_app_demo_result {
	size_t orgs;  /**< the demo's organisations */
	size_t users; /**< the demo's users (password "demo-" + name) */
};

/**
 * `protect demo`: pt_app_registry_init, then the fictional demo region
 * (sites, assessments, organisations and partners, users, RED readers,
 * measures at sites), as c. Records already there are updated or kept.
 * d->warn_cb (when set) hears the warnings of the demo's files.
 */
enum pt_err pt_app_registry_demo(const struct pt_caller *c, struct pt_db *db,
				 struct pt_app_demo_result *out, struct pt_diag *d);

/** The configuration: defaults overlaid with the stored settings. */
enum pt_err pt_app_config_get(const struct pt_caller *c, struct pt_db *db, struct pt_config *out,
			      struct pt_diag *d);

/**
 * Set setting key to value, as c (validated against the whole
 * configuration; PT_ENOTFOUND for an unknown key, PT_EINVAL for a bad value).
 */
enum pt_err pt_app_config_set(const struct pt_caller *c, struct pt_db *db, const char *key,
			      const char *value, struct pt_diag *d);

/** The national threat level and the per-threat overrides. */
struct pt_app_threat_levels {
	enum pt_threat_level national;         /**< SUBSTANTIAL when never set */
	struct pt_threat_level_entry *entries; /**< by threat id; NULL when n is 0 */
	size_t n;
	/* Issue 11: every scope's entry in force (national, sector, region, threat) and the
	 * history of changes, at the time at. */
	struct pt_level_entry *in_force; /**< n_in_force, national first; NULL when none */
	size_t n_in_force;
	struct pt_level_change *history; /**< n_history, by scope then oldest first */
	size_t n_history;
	int64_t at;                      /**< the time the expiries were read at */
};

/** Read the threat levels into out; empty out with pt_app_threat_levels_clear. */
enum pt_err pt_app_threat_levels_get(const struct pt_caller *c, struct pt_db *db,
				     struct pt_app_threat_levels *out, struct pt_diag *d);

/** Free out's entries and empty it. */
void pt_app_threat_levels_clear(struct pt_app_threat_levels *out);

/** A threat-level change as asked (issue 11). Borrowed strings. */
struct pt_app_level_change {
	enum pt_level_scope scope;
	const char *scope_id;       /**< sector id, region name or threat id; NULL for national */
	int clear;                  /**< nonzero: remove the scope's entry (not national) */
	enum pt_threat_level level; /**< when not clear */
	int below;                  /**< threat scope: applies even when lower than the others */
	const char *rationale;      /**< required, 1 to PT_LEVEL_RATIONALE_MAX - 1 bytes */
	int64_t until;              /**< expiry in unix seconds; 0: none */
};

/** What a threat-level change did. Empty with pt_app_level_result_clear. */
struct pt_app_level_result {
	struct pt_level_change change;     /**< as stored (replaced filled) */
	struct pt_app_reopened *reopened;  /**< n_reopened decisions the change re-opened (those c may read) */
	size_t n_reopened;
};

/** Free r's list and empty it. */
void pt_app_level_result_clear(struct pt_app_level_result *r);

/**
 * Change a threat level (issue 11) at pt_app_now(c->now), when
 * pt_access_threat_level lets c (else PT_EFORBIDDEN, audited as refused):
 * set or clear the entry of a scope, with a rationale and an optional
 * expiry. PT_EINVAL for a missing rationale, an unknown scope id, "below"
 * outside a threat, an expiry not in the future, clearing the national
 * level; PT_ENOTFOUND for clearing a scope without an entry. Audited. out
 * (may be NULL) gets the change and the register decisions it re-opened.
 */
enum pt_err pt_app_threat_level_change(const struct pt_caller *c, struct pt_db *db,
				       const struct pt_app_level_change *in,
				       struct pt_app_level_result *out, struct pt_diag *d);

/**
 * Set the national level (threat_id NULL) or one threat scenario's level
 * with rationale, permanently: pt_app_threat_level_change.
 */
enum pt_err pt_app_threat_level_set(const struct pt_caller *c, struct pt_db *db,
				    const char *threat_id, enum pt_threat_level level,
				    const char *rationale, struct pt_diag *d);

/**
 * The catalogue named name ("kinds", "sectors" or "threats"; PT_ENOTFOUND
 * otherwise, without a message) into out (an empty catalogue the caller
 * empties with pt_catalog_clear).
 */
enum pt_err pt_app_catalog_get(const struct pt_caller *c, struct pt_db *db, const char *name,
			       struct pt_catalog *out, struct pt_diag *d);

/**
 * The three catalogues of the registry into cat (empty catalogues the
 * caller empties with pt_app_catalogs_clear). Readable by every caller.
 */
enum pt_err pt_app_catalogs_get(const struct pt_caller *c, struct pt_db *db,
				struct pt_catalogs *cat, struct pt_diag *d);

#endif
