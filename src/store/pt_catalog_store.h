/* pt_catalog_store.h - the catalogues (kinds, sectors, threats), the
 * settings and the threat levels of the registry. */
#ifndef PT_CATALOG_STORE_H
#define PT_CATALOG_STORE_H

#include <stddef.h>

#include "../core/pt_config.h"
#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "../core/pt_levels.h"
#include "../core/pt_records.h"
#include "pt_db.h"

/** Nonzero when the catalogues have been loaded (the database is initialised). */
int pt_db_is_initialised(struct pt_db *db);

/**
 * Load the catalogues and settings into a new database in one transaction
 * (replacing catalogue rows of the same ids; settings keep values already set).
 * settings_keys/values: n_settings pairs from settings.csv (validated).
 */
enum pt_err pt_db_seed(struct pt_db *db, const struct pt_catalogs *cat,
		       const char *const *settings_keys, const char *const *settings_values,
		       size_t n_settings, struct pt_diag *d);

/** Read the three catalogues into cat (caller frees each with pt_catalog_clear). */
enum pt_err pt_db_catalogs_load(struct pt_db *db, struct pt_catalogs *cat, struct pt_diag *d);

/** Build the configuration: defaults overlaid with the settings table. */
enum pt_err pt_db_config_load(struct pt_db *db, struct pt_config *c, struct pt_diag *d);

/**
 * Set a setting after validating it with pt_config_set on a copy of the
 * loaded configuration and pt_config_check (PT_ENOTFOUND unknown key,
 * PT_EINVAL bad value; the stored value is then unchanged).
 */
enum pt_err pt_db_setting_set(struct pt_db *db, const char *key, const char *value,
			      struct pt_diag *d);

/**
 * The stored settings ordered by key (*settings: caller frees with free();
 * NULL when *n is 0). Keys never stored are at their defaults.
 */
enum pt_err pt_db_settings_list(struct pt_db *db, struct pt_setting **settings, size_t *n,
				struct pt_diag *d);

/**
 * Issue 11: append change c to the threat-level history (c->scope,
 * scope_id, cleared, level, below, rationale, set_by, set_at, expires_at as
 * asked) in one transaction, audited ("threat_level.set" or
 * "threat_level.clear", record "national", the threat id, or "sector:ID" /
 * "region:NAME"). Fills c->replaced and c->id. PT_EINVAL for an unknown
 * scope id (a sector not in the catalogue, a region no site is in, a threat
 * not in the catalogue), no rationale, "below" outside a threat scope, an
 * expiry not after set_at; PT_ENOTFOUND for clearing a scope without an
 * entry in force at set_at.
 */
enum pt_err pt_db_threat_level_change(struct pt_db *db, struct pt_level_change *c,
				      struct pt_diag *d);

/* issue 11 review L6: the change stored first, the audit entry written when the decisions it
 * re-opened are known */
#define PT_DB_LEVEL_NOTE_MAX 1024 /**< an audit note's bytes, NUL included (longer: cut) */

/**
 * pt_db_threat_level_change, audited only when audit is nonzero (else the
 * caller audits with pt_db_threat_level_audit in the same transaction).
 */
enum pt_err pt_db_threat_level_change_ex(struct pt_db *db, struct pt_level_change *c, int audit,
					 struct pt_diag *d);

/**
 * Append the audit entry of stored change c ("threat_level.set" or
 * "threat_level.clear", as pt_db_threat_level_change writes it) with note
 * (NULL or "": none; cut at PT_DB_LEVEL_NOTE_MAX - 1 bytes) after its rationale.
 */
enum pt_err pt_db_threat_level_audit(struct pt_db *db, const struct pt_level_change *c,
				     const char *note, struct pt_diag *d);

/**
 * Every threat-level change ordered as pt_levels_in_force wants them (by
 * scope, scope id, then oldest first); *changes: caller frees with free(),
 * NULL when *n is 0.
 */
enum pt_err pt_db_threat_level_history(struct pt_db *db, struct pt_level_change **changes,
				       size_t *n, struct pt_diag *d);

/**
 * Tests' shorthand: a permanent change of the national level (threat_id
 * NULL) or one threat scenario's level, with the rationale "set through the
 * store", by the actor of pt_db_set_actor at its time.
 */
enum pt_err pt_db_threat_level_set(struct pt_db *db, const char *threat_id,
				   enum pt_threat_level level, struct pt_diag *d);

/**
 * The national level (SUBSTANTIAL when none is in force) and the threat
 * scenarios' own levels in force at the actor's time (*entries: caller
 * frees with free(); NULL when *n is 0).
 */
enum pt_err pt_db_threat_levels(struct pt_db *db, enum pt_threat_level *national,
				struct pt_threat_level_entry **entries, size_t *n,
				struct pt_diag *d);

#endif
