/* pt_app_surge.h - the surge catalogue's use cases (issue 11 item 6): list,
 * import (all or nothing, audited) and the built-in catalogue at init. */
#ifndef PT_APP_SURGE_H
#define PT_APP_SURGE_H

#include "../core/pt_surge.h"
#include "pt_app.h"

/** The stored surge catalogue into out (overwritten; pt_surge_catalog_clear). */
enum pt_err pt_app_surge_list(const struct pt_caller *c, struct pt_db *db,
			      struct pt_surge_catalog *out, struct pt_diag *d);

/**
 * Add or update the surge measures of cat and replace the effects of each
 * by cat's, in one transaction audited as "surge.import"; only callers
 * pt_access_measures_change lets (else PT_EFORBIDDEN, audited). Every
 * measure is checked against the stored kinds and sectors, every effect's
 * threat against the threats (PT_EINVAL naming the measure; nothing stored).
 */
enum pt_err pt_app_surge_import(const struct pt_caller *c, struct pt_db *db,
				const struct pt_surge_catalog *cat, struct pt_diag *d);

/**
 * Add the built-in surge catalogue (catalog/surge_measures.csv and
 * surge_effects.csv) measures the registry does not hold yet, with their
 * effects; stored ones are kept. Called by pt_app_registry_init.
 */
enum pt_err pt_app_surge_seed(struct pt_db *db, const struct pt_catalogs *cat, struct pt_diag *d);

#endif
