/* pt_sites_io.h - the sites exchange formats: CSV and GeoJSON in, CSV,
 * JSON and GeoJSON out (docs/formats.md). */
#ifndef PT_SITES_IO_H
#define PT_SITES_IO_H

#include <stddef.h>
#include <stdio.h>

#include "../core/pt_err.h"
#include "../core/pt_model.h"

/** A growable list of sites with the physical line each came from. */
struct pt_site_list {
	struct pt_site *items;
	long *lines; /**< line (CSV) or feature number (GeoJSON) of each item */
	size_t n, cap;
};

/** Append a copy of s from line (PT_ENOMEM / PT_ELIMIT). */
enum pt_err pt_site_list_append(struct pt_site_list *l, const struct pt_site *s, long line);
/** Free the list's arrays; l becomes empty. */
void pt_site_list_free(struct pt_site_list *l);

/**
 * Parse a sites CSV (header names the columns, any order; all columns of
 * docs/formats.md required except capacity's value may be empty). Checks
 * kind and sector against cat, ranges, duplicate ids. Warnings (peak
 * occupancy above capacity) go through d->warn_cb. All-or-nothing: on
 * error out is left empty and d names line and field.
 */
enum pt_err pt_sites_read_csv(const char *buf, size_t len, const struct pt_catalogs *cat,
			      struct pt_site_list *out, struct pt_diag *d);

/** Parse a GeoJSON FeatureCollection of Points with the same properties. */
enum pt_err pt_sites_read_geojson(const char *buf, size_t len, const struct pt_catalogs *cat,
				  struct pt_site_list *out, struct pt_diag *d);

/** Check one site's fields against cat and ranges (shared by both readers). */
enum pt_err pt_site_check(const struct pt_site *s, const struct pt_catalogs *cat, long line,
			  struct pt_diag *d);

/** Write sites as CSV (header first). Returns PT_EIO on write failure. */
enum pt_err pt_sites_write_csv(FILE *f, const struct pt_site *sites, size_t n);
/** Write sites as a JSON array of objects. */
enum pt_err pt_sites_write_json(FILE *f, const struct pt_site *sites, size_t n);
/** Write sites as a GeoJSON FeatureCollection. */
enum pt_err pt_sites_write_geojson(FILE *f, const struct pt_site *sites, size_t n);

#endif
