/* pt_site_filter.h - issue 16 item 5: the filter of a ranking, register, plan or
 * sites list by sector, region, kind, owner, band and TLP label (OR within a field,
 * AND across fields), its check against what the caller may know, and the match. */
#ifndef PT_SITE_FILTER_H
#define PT_SITE_FILTER_H

#include <stddef.h>

#include "pt_model.h"
#include "pt_score.h"

/** The fields of a filter, in the order the answers echo them. */
enum pt_filter_field {
	PT_FILTER_SECTOR = 0,
	PT_FILTER_REGION,
	PT_FILTER_KIND,
	PT_FILTER_OWNER,
	PT_FILTER_BAND,
	PT_FILTER_TLP
};
#define PT_FILTER_FIELDS 6
#define PT_FILTER_VALUES_MAX 64   /**< most values of one field */
#define PT_FILTER_VALUE_MAX 255   /**< longest value, bytes (a region is at most 127) */
#define PT_FILTER_OWNER_MINE "mine" /**< owner: the caller's organisation */

/**
 * A filter. Zero-initialised it keeps every site; fill it with
 * pt_site_filter_add, check it with pt_site_filter_check, empty it with
 * pt_site_filter_clear (the struct is the caller's).
 */
struct pt_site_filter {
	char **values[PT_FILTER_FIELDS]; /**< the values as given (owned), in order, no repeats */
	size_t n[PT_FILTER_FIELDS];
	/* Set by pt_site_filter_check: */
	long long owner_ids[PT_FILTER_VALUES_MAX]; /**< the owner values as organisation ids */
	unsigned tlp_mask;                         /**< bit t: label t is kept */
	unsigned band_mask;                        /**< bit b (enum pt_band): band b is kept */
};

/** The parameter name of field f ("sector", ..., "tlp"); "" out of range. */
const char *pt_filter_field_name(enum pt_filter_field f);

/** The field named name (exact) in *out; PT_EINVAL when it is none of them. */
enum pt_err pt_filter_field_parse(const char *name, enum pt_filter_field *out);

/**
 * Add a copy of value to field f (a value given twice is kept once).
 * PT_EINVAL for an empty value or one longer than PT_FILTER_VALUE_MAX,
 * PT_ELIMIT past PT_FILTER_VALUES_MAX values, PT_ENOMEM.
 */
enum pt_err pt_site_filter_add(struct pt_site_filter *f, enum pt_filter_field field,
			       const char *value);

/** Free the values; f keeps every site again. f may be NULL. */
void pt_site_filter_clear(struct pt_site_filter *f);

/** Nonzero when f (NULL: none) has a value in any field. */
int pt_site_filter_active(const struct pt_site_filter *f);

/** Nonzero when f (NULL: none) has a value in field. */
int pt_site_filter_has(const struct pt_site_filter *f, enum pt_filter_field field);

/** What a caller may name in a filter: the ids and names it is judged against. */
struct pt_filter_known {
	const struct pt_catalog *sectors; /**< the sector catalogue */
	const struct pt_catalog *kinds;   /**< the kind catalogue */
	const char *const *regions;       /**< the regions of the sites the caller may read */
	size_t n_regions;
	const long long *owners;          /**< the owners of the sites the caller may read */
	size_t n_owners;
	long long mine;                   /**< the caller's organisation; <= 0: none */
};

/**
 * Check every value of f against k and resolve owner, band and tlp
 * (owner_ids, band_mask, tlp_mask). A sector or kind must be in its
 * catalogue; a region must be one of k's (so the answer reveals nothing of
 * a site the caller may not read); an owner is "mine" (k->mine > 0) or the
 * decimal id of an owner of k's; a band is "low", "medium", "high" or
 * "very high"; a tlp a TLP 2.0 label ("AMBER+STRICT"). PT_EINVAL for the
 * first value that is none of these, its field in *bad_field and its index
 * in *bad_value; PT_OK otherwise.
 */
enum pt_err pt_site_filter_check(struct pt_site_filter *f, const struct pt_filter_known *k,
				 enum pt_filter_field *bad_field, size_t *bad_value);

/**
 * Nonzero when checked filter f (NULL: none) keeps site s, owned by
 * organisation owner_org_id, on every field but band.
 */
int pt_site_filter_match(const struct pt_site_filter *f, const struct pt_site *s,
			 long long owner_org_id);

/** Nonzero when checked filter f (NULL: none) keeps band b (no band values: every band). */
int pt_site_filter_band(const struct pt_site_filter *f, enum pt_band b);

#endif
