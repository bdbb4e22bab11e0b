/* pt_app_measures.h - the measure catalogue's use cases: read it, import
 * measures and their effects, measures in place at sites (import, list). */
#ifndef PT_APP_MEASURES_H
#define PT_APP_MEASURES_H

#include <stddef.h>

#include "../core/pt_measure.h"
#include "../core/pt_plan_records.h"
#include "../formats/pt_measures_io.h"
#include "pt_app.h"

/** The catalogue in id order (anyone may read it). out is emptied first; pt_measure_catalog_clear. */
enum pt_err pt_app_measures_list(const struct pt_caller *c, struct pt_db *db,
				 struct pt_measure_catalog *out, struct pt_diag *d);

/**
 * Add or update the measures of cat (matched by id) and replace the effect
 * rows of each measure in cat by cat's, in one transaction (all or
 * nothing); measures not in cat stay. Effects must name measures of the
 * result and threats of the catalogue (PT_EINVAL). c must pass
 * pt_access_measures_change (PT_EFORBIDDEN). Audited ("measures.import").
 */
enum pt_err pt_app_measures_import(const struct pt_caller *c, struct pt_db *db,
				   const struct pt_measure_catalog *cat, struct pt_diag *d);

/**
 * Import measures in place (site_id, measure_id): all or nothing; every
 * site and measure must exist (PT_EINVAL naming the line and field; a site
 * c may not see is "unknown site"); c must pass pt_access_write on each
 * site (PT_EFORBIDDEN). A pair already in place is kept; a committed one
 * becomes in place. Audited ("site_measures.import").
 */
enum pt_err pt_app_site_measures_import(const struct pt_caller *c, struct pt_db *db,
					const struct pt_site_measure_list *list,
					struct pt_diag *d);

/** The measures at one site, with the catalogue to name them. Clear with pt_site_measures_clear. */
struct pt_site_measures {
	struct pt_site site;               /**< the site */
	struct pt_site_measure_row *rows;  /**< n, by measure id */
	size_t n;
	struct pt_measure_catalog catalog;
};

/** Empty m (the struct stays). */
void pt_site_measures_clear(struct pt_site_measures *m);

/**
 * The measures in place or committed at site_id when c may read the site
 * (PT_ENOTFOUND otherwise, as for a missing site); the read is audited as
 * read_action (NULL: not audited).
 */
enum pt_err pt_app_site_measures_list(const struct pt_caller *c, struct pt_db *db,
				      const char *site_id, const char *read_action,
				      struct pt_site_measures *out, struct pt_diag *d);

#endif
