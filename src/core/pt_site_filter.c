/* pt_site_filter.c - issue 16 item 5: a filter's values, their check against what the
 * caller may know (catalogues, the regions and owners of the sites it may read), the match. */
#include "pt_site_filter.h"

#include <stdlib.h>
#include <string.h>

static const char *const field_names[PT_FILTER_FIELDS] = {"sector", "region", "kind",
							  "owner",  "band",   "tlp"};

const char *pt_filter_field_name(enum pt_filter_field f)
{
	return (unsigned)f < PT_FILTER_FIELDS ? field_names[f] : "";
}

enum pt_err pt_filter_field_parse(const char *name, enum pt_filter_field *out)
{
	size_t i;
	for (i = 0; name && i < PT_FILTER_FIELDS; i++)
		if (strcmp(name, field_names[i]) == 0) {
			*out = (enum pt_filter_field)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

enum pt_err pt_site_filter_add(struct pt_site_filter *f, enum pt_filter_field field,
			       const char *value)
{
	size_t len, i;
	char **grown, *copy;
	if (!f || (unsigned)field >= PT_FILTER_FIELDS || !value)
		return PT_EINVAL;
	len = strlen(value);
	if (len == 0 || len > PT_FILTER_VALUE_MAX)
		return PT_EINVAL;
	for (i = 0; i < f->n[field]; i++)
		if (strcmp(f->values[field][i], value) == 0)
			return PT_OK;
	if (f->n[field] >= PT_FILTER_VALUES_MAX)
		return PT_ELIMIT;
	if (!(copy = malloc(len + 1)))
		return PT_ENOMEM;
	memcpy(copy, value, len + 1);
	if (!(grown = realloc(f->values[field], (f->n[field] + 1) * sizeof *grown))) {
		free(copy);
		return PT_ENOMEM;
	}
	f->values[field] = grown;
	grown[f->n[field]++] = copy;
	return PT_OK;
}

void pt_site_filter_clear(struct pt_site_filter *f)
{
	size_t i, j;
	if (!f)
		return;
	for (i = 0; i < PT_FILTER_FIELDS; i++) {
		for (j = 0; j < f->n[i]; j++)
			free(f->values[i][j]);
		free(f->values[i]);
	}
	memset(f, 0, sizeof *f);
}

int pt_site_filter_has(const struct pt_site_filter *f, enum pt_filter_field field)
{
	return f && (unsigned)field < PT_FILTER_FIELDS && f->n[field] > 0;
}

int pt_site_filter_active(const struct pt_site_filter *f)
{
	size_t i;
	for (i = 0; f && i < PT_FILTER_FIELDS; i++)
		if (f->n[i])
			return 1;
	return 0;
}

/* The organisation id written in decimal in s (1 to 18 digits, no sign, no leading zero)
 * in *id; nonzero when s is one. */
static int parse_org_id(const char *s, long long *id)
{
	long long v = 0;
	size_t i, len = strlen(s);
	if (len == 0 || len > 18 || s[0] == '0')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*id = v;
	return 1;
}

static enum pt_band band_parse(const char *s)
{
	enum pt_band b;
	for (b = PT_BAND_LOW; b <= PT_BAND_VERY_HIGH; b++)
		if (strcmp(s, pt_band_name(b)) == 0)
			return b;
	return PT_BAND_NONE;
}

/* Nonzero when value v of field is known to k; resolved into f at index i. */
static int value_known(struct pt_site_filter *f, const struct pt_filter_known *k,
		       enum pt_filter_field field, size_t i)
{
	const char *v = f->values[field][i];
	size_t j;
	switch (field) {
	case PT_FILTER_SECTOR: return k->sectors && pt_catalog_find(k->sectors, v) >= 0;
	case PT_FILTER_KIND: return k->kinds && pt_catalog_find(k->kinds, v) >= 0;
	case PT_FILTER_REGION:
		for (j = 0; j < k->n_regions; j++)
			if (strcmp(k->regions[j], v) == 0)
				return 1;
		return 0;
	case PT_FILTER_OWNER: {
		long long id;
		if (strcmp(v, PT_FILTER_OWNER_MINE) == 0) {
			f->owner_ids[i] = k->mine;
			return k->mine > 0;
		}
		if (!parse_org_id(v, &id))
			return 0;
		f->owner_ids[i] = id;
		if (id == k->mine)
			return 1;
		for (j = 0; j < k->n_owners; j++)
			if (k->owners[j] == id)
				return 1;
		return 0;
	}
	case PT_FILTER_BAND: {
		enum pt_band b = band_parse(v);
		f->band_mask |= 1u << b;
		return b != PT_BAND_NONE;
	}
	case PT_FILTER_TLP: {
		enum pt_tlp t;
		/* the label as docs/access.md names it, without pt_tlp_parse's "TLP:" prefix */
		if (strncmp(v, "TLP:", 4) == 0 || pt_tlp_parse(v, &t) != PT_OK)
			return 0;
		f->tlp_mask |= 1u << t;
		return 1;
	}
	}
	return 0;
}

enum pt_err pt_site_filter_check(struct pt_site_filter *f, const struct pt_filter_known *k,
				 enum pt_filter_field *bad_field, size_t *bad_value)
{
	size_t field, i;
	f->tlp_mask = 0;
	f->band_mask = 0;
	for (field = 0; field < PT_FILTER_FIELDS; field++)
		for (i = 0; i < f->n[field]; i++)
			if (!value_known(f, k, (enum pt_filter_field)field, i)) {
				*bad_field = (enum pt_filter_field)field;
				*bad_value = i;
				return PT_EINVAL;
			}
	return PT_OK;
}

/* Nonzero when s is one of the n values vals (no values: every s). */
static int one_of(char *const *vals, size_t n, const char *s)
{
	size_t i;
	if (!n)
		return 1;
	for (i = 0; i < n; i++)
		if (strcmp(vals[i], s) == 0)
			return 1;
	return 0;
}

int pt_site_filter_match(const struct pt_site_filter *f, const struct pt_site *s,
			 long long owner_org_id)
{
	size_t i;
	if (!f)
		return 1;
	if (!one_of(f->values[PT_FILTER_SECTOR], f->n[PT_FILTER_SECTOR], s->sector) ||
	    !one_of(f->values[PT_FILTER_REGION], f->n[PT_FILTER_REGION], s->region) ||
	    !one_of(f->values[PT_FILTER_KIND], f->n[PT_FILTER_KIND], s->kind))
		return 0;
	if (f->n[PT_FILTER_TLP] && !(f->tlp_mask & (1u << s->tlp)))
		return 0;
	if (f->n[PT_FILTER_OWNER]) {
		for (i = 0; i < f->n[PT_FILTER_OWNER]; i++)
			if (owner_org_id > 0 && f->owner_ids[i] == owner_org_id)
				return 1;
		return 0;
	}
	return 1;
}

int pt_site_filter_band(const struct pt_site_filter *f, enum pt_band b)
{
	if (!f || !f->n[PT_FILTER_BAND])
		return 1;
	return b != PT_BAND_NONE && (f->band_mask & (1u << b)) != 0;
}
