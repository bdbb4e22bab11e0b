/* pt_app_sites.h - the use cases of the sites registry: one import of sites
 * (CSV or GeoJSON) and assessments, reads, changes and named readers. */
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
	int raced;               /**< on PT_ECONFLICT: a row's answer changed since the snapshot (409; send it again) */
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
 * (the attempt is audited, "site.import.taken"). Every row is asked again
 * inside the write transaction on the registry as stored then: a changed
 * answer is PT_ECONFLICT with out->raced.
 */
enum pt_err pt_app_sites_import(const struct pt_caller *c, struct pt_db *db,
				const struct pt_sites_import *in,
				struct pt_sites_import_result *out, struct pt_diag *d);

/**
 * May c import kind at all (pt_access_import_right), whatever the file
 * holds? PT_OK, or PT_EFORBIDDEN with d's message naming the role (no
 * field, no line): the same answer for every file, so it is asked before
 * the file is read (over HTTP: before the body is received). Both imports
 * ask it first (issue 10).
 */
enum pt_err pt_app_import_right(const struct pt_caller *c, enum pt_import_kind kind,
				struct pt_diag *d);

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


/* ---- reading the registry ------------------------------------------------- */

/**
 * The sites c may read with a label up to max_tlp, by id, appended to out
 * (an empty list; pt_site_list_clear); *withheld (may be NULL) counts those
 * c may read above max_tlp (never the ones it may not read). Not audited:
 * the command line's list and export.
 */
enum pt_err pt_app_sites_list(const struct pt_caller *c, struct pt_db *db, enum pt_tlp max_tlp,
			      struct pt_site_list *out, size_t *withheld, struct pt_diag *d);

/**
 * Site id into *out when c may read it (PT_ENOTFOUND otherwise, as for a
 * missing one); *can_write (may be NULL) whether c may change it. A read
 * of an AMBER or higher site is audited ("site.read") when c->audit_reads.
 */
enum pt_err pt_app_site_get(const struct pt_caller *c, struct pt_db *db, const char *id,
			    struct pt_site *out, int *can_write, struct pt_diag *d);

/** A site with its assessments of every method. Caller-owned; pt_site_assessments_clear. */
struct pt_site_assessments {
	struct pt_site site;
	struct pt_assessment_set sets[3]; /**< by enum pt_method; empty unless asked for */
};

/** Free the sets of a and zero it. */
void pt_site_assessments_clear(struct pt_site_assessments *a);

/**
 * Site id and its assessments of method (or of every method when method
 * is -1) into *out, when c may read the site (PT_ENOTFOUND otherwise).
 * Audited ("assessments.read") as pt_app_site_get.
 */
enum pt_err pt_app_assessments_get(const struct pt_caller *c, struct pt_db *db, const char *id,
				   int method, struct pt_site_assessments *out,
				   struct pt_diag *d);

/* ---- changing a site ------------------------------------------------------ */

/** Fields of a site a change sets (bits of struct pt_site_patch.fields). */
enum pt_site_field {
	PT_SITE_F_NAME = 1 << 0, PT_SITE_F_KIND = 1 << 1, PT_SITE_F_SECTOR = 1 << 2,
	PT_SITE_F_REGION = 1 << 3, PT_SITE_F_LAT = 1 << 4, PT_SITE_F_LON = 1 << 5,
	PT_SITE_F_CAPACITY = 1 << 6, PT_SITE_F_PEAK = 1 << 7, PT_SITE_F_POPULATION = 1 << 8,
	PT_SITE_F_VALUE = 1 << 9, PT_SITE_F_TLP = 1 << 10,
	/* issue 11 (fit): enclosure, staffed, legal basis, then one bit per cost driver
	 * (PT_SITE_F_DRIVER << d; v.drivers_known bit d clear sets it unknown) */
	PT_SITE_F_ENCLOSURE = 1 << 11, PT_SITE_F_STAFFED = 1 << 12, PT_SITE_F_LEGAL_BASIS = 1 << 13,
	PT_SITE_F_DRIVER = 1 << 14,
	/* issue 16 (item 2): after the PT_DRIVER_COUNT driver bits */
	PT_SITE_F_EMERGENCY = 1 << 24
};

/** A change to a site: the fields set in fields take their values from v. Plain data. */
struct pt_site_patch {
	unsigned fields;
	struct pt_site v;
};

/** What a write to a site's records did. Plain data. */
struct pt_site_write_result {
	struct pt_site site; /**< the site after the change */
	int raced;           /**< on PT_ECONFLICT: the site or the caller's rights changed meanwhile (409) */
};

/**
 * Change site id for c: NOT_FOUND when c may not read it, PT_EFORBIDDEN
 * ("your role or organisation may not change site ID") when it may not
 * write it. Inside one transaction the site as stored now is read, the
 * rights asked again (PT_ECONFLICT with out->raced when they changed),
 * the change applied and checked against the catalogues (PT_EINVAL). Who
 * makes a site RED is named on it.
 */
enum pt_err pt_app_site_patch(const struct pt_caller *c, struct pt_db *db, const char *id,
			      const struct pt_site_patch *patch, struct pt_site_write_result *out,
			      struct pt_diag *d);

/**
 * Builds the rows of a change of assessments once access is granted (the
 * face's parser): fills set (method given) from its input, checked against
 * cat; returns PT_OK or the error with d filled.
 */
typedef enum pt_err (*pt_rows_builder)(void *ctx, const struct pt_site *site,
				       const struct pt_catalogs *cat,
				       struct pt_assessment_set *set, struct pt_diag *d);

/**
 * Replace rows of method of site id for c: NOT_FOUND, PT_EFORBIDDEN
 * ("your role or organisation may not change the assessments of site ID"),
 * then build(ctx, ...) makes the rows, written in one transaction with the
 * rights asked again (PT_ECONFLICT, *raced). *rows (an empty set the caller
 * empties with pt_assessment_set_clear) gets the site's rows of method after.
 */
enum pt_err pt_app_assessments_patch(const struct pt_caller *c, struct pt_db *db, const char *id,
				     enum pt_method method, pt_rows_builder build, void *ctx,
				     struct pt_assessment_set *rows, int *raced,
				     struct pt_diag *d);

/* ---- the users named on a site (who read it when RED) -------------------- */

/** A user named on a site. Plain data. */
struct pt_reader {
	char name[64];
	char org_name[PT_NAME_MAX];
};

/** Named users, by id. Caller-owned; pt_reader_list_clear. */
struct pt_reader_list {
	struct pt_reader *items;
	size_t n;
};

/** Free what l holds and zero it. */
void pt_reader_list_clear(struct pt_reader_list *l);

/**
 * The users named on site id, when c may read it (PT_ENOTFOUND otherwise).
 * The read of an AMBER or higher site is audited ("site.readers.read") when
 * c->audit_reads; a read that cannot be audited is not answered (out empty).
 */
enum pt_err pt_app_site_readers(const struct pt_caller *c, struct pt_db *db, const char *id,
				struct pt_reader_list *out, struct pt_diag *d);

/**
 * Name (add) or un-name user_name on site id for c: PT_ENOTFOUND for a site
 * c may not read; PT_EFORBIDDEN ("your role or organisation may not name
 * the readers of ID", pt_access_share); an unknown user PT_EINVAL (field
 * user) when adding, PT_ENOTFOUND when removing (also for one not named);
 * PT_ECONFLICT with *raced when the rights changed meanwhile. out (NULL:
 * not wanted; clear with pt_reader_list_clear) gets the readers as the
 * change left them, read in its transaction (covered by its audit entry).
 */
enum pt_err pt_app_site_reader_change(const struct pt_caller *c, struct pt_db *db, const char *id,
				      const char *user_name, int add, int *raced,
				      struct pt_reader_list *out, struct pt_diag *d);

#endif
