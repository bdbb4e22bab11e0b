/* pt_app_sites.h - the use cases of the sites registry: importing sites
 * (CSV or GeoJSON) and assessments, one implementation for both faces. */
#ifndef PT_APP_SITES_H
#define PT_APP_SITES_H

#include <stddef.h>

#include "../formats/pt_assess_io.h"
#include "pt_app.h"

/** How a sites file is written. */
enum pt_sites_format {
	PT_SITES_FORMAT_AUTO = 0, /**< GeoJSON when it starts with '{' (after a BOM and blanks), else CSV */
	PT_SITES_FORMAT_CSV,
	PT_SITES_FORMAT_GEOJSON
};

/** A sites import: the file as the caller read or received it. Borrowed, not freed. */
struct pt_sites_import {
	const char *data;               /**< the file's bytes */
	size_t len;
	enum pt_sites_format format;
	const struct pt_catalogs *cat;  /**< the catalogues to check against; NULL: loaded from db */
};

/** What a sites import did, or why it refused. Plain data. */
struct pt_sites_import_result {
	size_t created, updated; /**< rows that made a new site, rows that changed one */
	long warnings;           /**< warnings passed to d->warn_cb while reading the file */
	int id_taken;            /**< on PT_ECONFLICT: the row's id is held by a site the caller may not see (409) */
};

/**
 * Import sites for c: read in->data (d->file, d->warn_cb are the caller's;
 * warnings go to d->warn_cb), take one snapshot, ask pt_access_import for
 * every row and write them all in one transaction, or nothing.
 * Errors: a bad row PT_EINVAL/PT_ELIMIT with d's line and field; a refused
 * row PT_EFORBIDDEN with field "owner" (also for a row over a site the
 * caller may not see: the answer of a missing id with a foreign owner);
 * a row whose id is held by a site the caller may not see but which it
 * could otherwise create PT_ECONFLICT with field "id" and out->id_taken
 * (the attempt is audited, "site.import.taken").
 */
enum pt_err pt_app_sites_import(const struct pt_caller *c, struct pt_db *db,
				const struct pt_sites_import *in,
				struct pt_sites_import_result *out, struct pt_diag *d);

/** An assessments import: one method's CSV. Borrowed, not freed. */
struct pt_assessments_import {
	const char *data;
	size_t len;
	const struct pt_catalogs *cat; /**< NULL: loaded from db */
};

/** What an assessments import did. Plain data. */
struct pt_assessments_import_result {
	enum pt_method method; /**< as recognised from the header */
	size_t rows;           /**< rows written */
};

/**
 * Import assessment rows for c: every row's site must be one c may write
 * (pt_access_write on the snapshot). A site that does not exist or that c
 * may not see: PT_EINVAL, field site_id, the same text for both; one it
 * sees but may not change: PT_EFORBIDDEN, field site_id. All rows in one
 * transaction, or none.
 */
enum pt_err pt_app_assessments_import(const struct pt_caller *c, struct pt_db *db,
				      const struct pt_assessments_import *in,
				      struct pt_assessments_import_result *out,
				      struct pt_diag *d);

#endif
