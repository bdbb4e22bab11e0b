/* pt_app_withheld.h - what a government coordinator may know of the sites it may not read
 * (issue 16, item 8): how many, by sector and by risk band, small counts suppressed. */
#ifndef PT_APP_WITHHELD_H
#define PT_APP_WITHHELD_H

#include <stddef.h>

#include "pt_app.h"

#define PT_WITHHELD_BANDS 5 /**< low, medium, high, very high, and not assessed */

/** One cell of a breakdown. */
struct pt_withheld_cell {
	char id[PT_ID_MAX];     /**< a sector id, or a band name ("low" ... "very high", "not assessed") */
	char name[PT_NAME_MAX]; /**< the sector's name, or the band name */
	size_t count;           /**< 0 when suppressed */
	int suppressed;         /**< shown as "fewer than PT_DISCLOSURE_MIN" */
};

/** The totals. Caller-owned; emptied by pt_withheld_totals_clear. */
struct pt_withheld_totals {
	enum pt_method method;           /**< the method whose bands are counted */
	size_t total;                    /**< every site the caller may not read */
	struct pt_withheld_cell *sectors; /**< every sector of the catalogue, in its order */
	size_t n_sectors;
	struct pt_withheld_cell bands[PT_WITHHELD_BANDS];
};

/** Free what t holds and zero it. */
void pt_withheld_totals_clear(struct pt_withheld_totals *t);

/**
 * The sites c may not read, counted over the whole registry (no filter can narrow it, so two
 * answers cannot be differenced): the total, by sector and by the band of method (FEMA, or
 * the quantitative point estimate; CARVER is PT_EINVAL), every count below
 * PT_DISCLOSURE_MIN suppressed and a second one when only one is (pt_disclosure_suppress).
 * Government coordinators only (pt_access_hidden_counts): PT_EFORBIDDEN otherwise.
 */
enum pt_err pt_app_withheld_totals(const struct pt_caller *c, struct pt_db *db,
				   enum pt_method method, struct pt_withheld_totals *out,
				   struct pt_diag *d);

#endif
