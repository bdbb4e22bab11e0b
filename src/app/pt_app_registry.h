/* pt_app_registry.h - the use cases of the registry as a whole: create it
 * (init, demo), its settings, the national threat level, the catalogues. */
#ifndef PT_APP_REGISTRY_H
#define PT_APP_REGISTRY_H

#include <stddef.h>

#include "../core/pt_config.h"
#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "../core/pt_records.h"
#include "pt_app.h"

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
};

/** Read the threat levels into out; empty out with pt_app_threat_levels_clear. */
enum pt_err pt_app_threat_levels_get(const struct pt_caller *c, struct pt_db *db,
				     struct pt_app_threat_levels *out, struct pt_diag *d);

/** Free out's entries and empty it. */
void pt_app_threat_levels_clear(struct pt_app_threat_levels *out);

/**
 * Set the national level (threat_id NULL) or one threat scenario's level,
 * when pt_access_threat_level lets c (else PT_EFORBIDDEN). PT_EINVAL for an
 * unknown threat id.
 */
enum pt_err pt_app_threat_level_set(const struct pt_caller *c, struct pt_db *db,
				    const char *threat_id, enum pt_threat_level level,
				    struct pt_diag *d);

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
