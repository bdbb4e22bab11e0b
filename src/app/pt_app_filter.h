/* pt_app_filter.h - issue 16 item 5: a filter (core/pt_site_filter.h) checked for a
 * caller against the sites it may read, and the sites of a snapshot it keeps. */
#ifndef PT_APP_FILTER_H
#define PT_APP_FILTER_H

#include "../core/pt_site_filter.h"
#include "pt_app.h"

/**
 * Check f for caller c (pt_site_filter_check): sectors and kinds against
 * the catalogues of db, regions and owners against those of the sites of
 * snap that visible[i] marks (the sites c may read), "mine" against c's
 * organisation. PT_EINVAL with d naming the field ("sector") and the
 * value ("sector: unknown value \"x\"; ...") for the first unknown value;
 * PT_EDB, PT_ENOMEM. f (NULL: none) is resolved in place.
 */
enum pt_err pt_app_filter_check(const struct pt_caller *c, struct pt_db *db,
				const struct pt_snapshot *snap, const unsigned char *visible,
				struct pt_site_filter *f, struct pt_diag *d);

/**
 * keep[i] (caller's storage, snap->sites.n bytes): visible[i] and checked
 * filter f (NULL: none) keeps site i of snap on every field but band
 * (keep may be visible itself). Returns how many are kept.
 */
size_t pt_app_filter_keep(const struct pt_snapshot *snap, const unsigned char *visible,
			  const struct pt_site_filter *f, unsigned char *keep);

/* pt_app_filter_sites (the band of a sites list) is in pt_app_ranking.h. */

#endif
