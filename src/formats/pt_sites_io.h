/* pt_sites_io.h - the sites exchange formats: CSV and GeoJSON in, CSV,
 * JSON and GeoJSON out (docs/formats.md). */
#ifndef PT_SITES_IO_H
#define PT_SITES_IO_H

#include <stddef.h>
#include <stdio.h>

#include "../core/pt_err.h"
#include "../core/pt_model.h"

#define PT_SITES_MAX 2000000L             /**< sites per file or list */
#define PT_GEOJSON_MAX_BYTES (256L << 20) /**< size of a GeoJSON document read */

/** The columns of the sites CSV in their written order (13 names). */
extern const char *const pt_site_columns[];
/** Number of entries of pt_site_columns. */
#define PT_SITE_COLUMNS 13
/** issue 11 (fit): with the optional columns staff ... legal_basis, and (issue 16)
 * emergency_department (pt_site_columns has these many). */
#define PT_SITE_COLUMNS_ALL 23

/** A growable list of sites with the physical line each came from. */
struct pt_site_list {
	struct pt_site *items;
	long *lines; /**< line (CSV) or feature number (GeoJSON) of each item */
	size_t n, cap;
	unsigned *absent; /**< issue 11 (owner2): per item, the optional attributes its row did not
			       give (PT_SITE_ABSENT_* bits; 0 after pt_site_list_append); the
			       readers set it: a missing CSV column or GeoJSON property */
};

/* issue 11 (owner2): the optional attributes a row may leave out (an update keeps them). */
/** Bit of pt_site_list.absent: cost driver k (enum pt_site_driver) was not given. */
#define PT_SITE_ABSENT_DRIVER(k) (1u << (k))
/** Bit of pt_site_list.absent: enclosure was not given. */
#define PT_SITE_ABSENT_ENCLOSURE (1u << PT_DRIVER_COUNT)
/** Bit of pt_site_list.absent: staffed was not given. */
#define PT_SITE_ABSENT_STAFFED (1u << (PT_DRIVER_COUNT + 1))
/** Bit of pt_site_list.absent: legal_basis was not given. */
#define PT_SITE_ABSENT_LEGAL_BASIS (1u << (PT_DRIVER_COUNT + 2))
/** Bit of pt_site_list.absent (issue 16): emergency_department was not given. */
#define PT_SITE_ABSENT_EMERGENCY (1u << (PT_DRIVER_COUNT + 3))

/** Append a copy of s from line (PT_ENOMEM; PT_ELIMIT past PT_SITES_MAX). */
enum pt_err pt_site_list_append(struct pt_site_list *l, const struct pt_site *s, long line);
/** Free the list's arrays; l becomes empty (a zeroed list is empty). */
void pt_site_list_clear(struct pt_site_list *l);

/**
 * Parse a sites CSV (header names the columns, any order; all columns of
 * docs/formats.md required except capacity's value may be empty). Checks
 * kind and sector against cat, ranges, duplicate ids. Warnings (peak
 * occupancy above capacity) go through d->warn_cb. All-or-nothing: on
 * error out is left empty and d names line and field.
 */
enum pt_err pt_sites_read_csv(const char *buf, size_t len, const struct pt_catalogs *cat,
			      struct pt_site_list *out, struct pt_diag *d);

/**
 * Parse a GeoJSON FeatureCollection of Point features, coordinates
 * [lon, lat], properties named as the CSV columns (capacity null or
 * absent when unknown; id from properties or the feature id). Errors name
 * the feature: line = index + 1 and "(features[i])" in the message; a
 * JSON syntax error names the physical line. All-or-nothing, like the CSV.
 */
enum pt_err pt_sites_read_geojson(const char *buf, size_t len, const struct pt_catalogs *cat,
				  struct pt_site_list *out, struct pt_diag *d);

/**
 * issue 11 (owner2): the plausibility of a site's cost drivers (part of
 * pt_site_check; asked again of a row merged with the stored site): a
 * perimeter_m above 0 must be able to enclose the peak occupancy at 100
 * people a square metre of ground (4 standing x 25 storeys; the most a
 * perimeter P encloses is P^2 / 4 pi); an enclosed site with people in it
 * (peak occupancy above 0, or staffed) has at least 1 entrance; (issue 16)
 * emergency_department "yes" only for a health-sector site. PT_EINVAL
 * naming line and the field (perimeter_m, entrances, emergency_department)
 * otherwise.
 */
enum pt_err pt_site_plausible(const struct pt_site *s, long line, struct pt_diag *d);

/**
 * Check one site's fields against cat and ranges (shared by both
 * readers): id syntax, non-empty texts, catalogue ids (the error lists the
 * valid ones), lat/lon ranges, counts >= 0, capacity >= 0 or -1, finite
 * economic value, a TLP label. Peak occupancy above a given capacity is a
 * warning through d (pt_diag_warn), not an error.
 */
enum pt_err pt_site_check(const struct pt_site *s, const struct pt_catalogs *cat, long line,
			  struct pt_diag *d);

/**
 * Write sites as CSV (header first, LF line ends, capacity empty when
 * unknown, numbers in their shortest round-trip form). Returns PT_EIO on
 * write failure.
 */
enum pt_err pt_sites_write_csv(FILE *f, const struct pt_site *sites, size_t n);
/**
 * Write sites as CSV rows, the header first only when with_header is
 * nonzero (to stream a large file in chunks). PT_EIO on write failure.
 */
enum pt_err pt_sites_write_csv_rows(FILE *f, const struct pt_site *sites, size_t n,
				    int with_header);
/**
 * Write sites as a JSON object: "tlp", the highest label of the sites
 * (pt_marking_sites, "TLP:CLEAR" for none), and "sites", an array of objects
 * with the CSV's keys (capacity null when unknown). PT_ENOMEM, PT_EIO.
 */
enum pt_err pt_sites_write_json(FILE *f, const struct pt_site *sites, size_t n);
/**
 * Write sites as a GeoJSON FeatureCollection of Points ([lon, lat]); the
 * feature id and properties.id are the site id, the other properties as
 * in the JSON (lat and lon only in the geometry); the collection's foreign
 * member "tlp" is the sites' marking (as in the JSON). PT_ENOMEM, PT_EIO.
 */
enum pt_err pt_sites_write_geojson(FILE *f, const struct pt_site *sites, size_t n);

#endif
