/* pt_score.c - FEMA 426/452 risk (A x T x V) and CARVER + Shock sums,
 * their bands, a site's worst FEMA pair, and the shared ranking order. */
#include "pt_score.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *pt_band_name(enum pt_band b)
{
	switch (b) {
	case PT_BAND_NONE: return "none";
	case PT_BAND_LOW: return "low";
	case PT_BAND_MEDIUM: return "medium";
	case PT_BAND_HIGH: return "high";
	case PT_BAND_VERY_HIGH: return "very high";
	}
	return "?";
}

int pt_fema_risk(const struct pt_fema_row *row)
{
	return row->asset_value * row->threat_rating * row->vulnerability_rating;
}

enum pt_band pt_fema_band(const struct pt_config *c, int risk)
{
	if (risk <= 0)
		return PT_BAND_NONE;
	if (risk <= c->fema_low_max)
		return PT_BAND_LOW;
	if (risk <= c->fema_medium_max)
		return PT_BAND_MEDIUM;
	return PT_BAND_HIGH;
}

/* A rating must be a whole number 1-10. */
static enum pt_err check_rating(int v, struct pt_diag *d, long line, const char *field)
{
	if (v < 1 || v > 10)
		return pt_diag_put(d, PT_EINVAL, line, field, "must be a whole number from 1 to 10");
	return PT_OK;
}

static enum pt_err check_id(const char *id, struct pt_diag *d, long line, const char *field)
{
	if (!id[0])
		return pt_diag_put(d, PT_EINVAL, line, field, "is empty");
	return PT_OK;
}

enum pt_err pt_fema_check(const struct pt_fema_row *row, struct pt_diag *d, long line)
{
	enum pt_err err;
	if ((err = check_id(row->site_id, d, line, "site_id")) != PT_OK ||
	    (err = check_id(row->threat_id, d, line, "threat_id")) != PT_OK ||
	    (err = check_rating(row->asset_value, d, line, "asset_value")) != PT_OK ||
	    (err = check_rating(row->threat_rating, d, line, "threat_rating")) != PT_OK ||
	    (err = check_rating(row->vulnerability_rating, d, line, "vulnerability_rating")) != PT_OK)
		return err;
	return PT_OK;
}

int pt_carver_sum(const struct pt_carver_row *row)
{
	return row->criticality + row->accessibility + row->recuperability + row->vulnerability +
	       row->effect + row->recognizability + row->shock;
}

enum pt_band pt_carver_band(const struct pt_config *c, int sum)
{
	if (sum < 7)
		return PT_BAND_NONE;
	if (sum <= c->carver_low_max)
		return PT_BAND_LOW;
	if (sum <= c->carver_medium_max)
		return PT_BAND_MEDIUM;
	return PT_BAND_HIGH;
}

enum pt_band pt_quant_band(const struct pt_config *c, double expected_loss_eur)
{
	if (!(expected_loss_eur >= 0))
		return PT_BAND_NONE;
	if (expected_loss_eur < c->quant_band_edges_eur[0])
		return PT_BAND_LOW;
	if (expected_loss_eur < c->quant_band_edges_eur[1])
		return PT_BAND_MEDIUM;
	return PT_BAND_HIGH;
}

enum pt_err pt_carver_check(const struct pt_carver_row *row, struct pt_diag *d, long line)
{
	enum pt_err err;
	if ((err = check_id(row->site_id, d, line, "site_id")) != PT_OK ||
	    (err = check_rating(row->criticality, d, line, "criticality")) != PT_OK ||
	    (err = check_rating(row->accessibility, d, line, "accessibility")) != PT_OK ||
	    (err = check_rating(row->recuperability, d, line, "recuperability")) != PT_OK ||
	    (err = check_rating(row->vulnerability, d, line, "vulnerability")) != PT_OK ||
	    (err = check_rating(row->effect, d, line, "effect")) != PT_OK ||
	    (err = check_rating(row->recognizability, d, line, "recognizability")) != PT_OK ||
	    (err = check_rating(row->shock, d, line, "shock")) != PT_OK)
		return err;
	return PT_OK;
}

void pt_fema_score_sites(const struct pt_config *c, const struct pt_fema_row *rows,
			 const uint32_t *site_of, const uint32_t *threat_of, size_t n_rows,
			 size_t n_sites, struct pt_fema_site_score *out)
{
	size_t i;
	for (i = 0; i < n_sites; i++) {
		out[i].risk = 0;
		out[i].worst_threat = -1;
		out[i].band = PT_BAND_NONE;
	}
	for (i = 0; i < n_rows; i++) {
		struct pt_fema_site_score *s;
		int32_t t;
		int risk;
		if (site_of[i] >= n_sites || threat_of[i] > INT32_MAX)
			continue; /* not a site of this run */
		s = &out[site_of[i]];
		t = (int32_t)threat_of[i];
		risk = pt_fema_risk(&rows[i]);
		if (risk > s->risk || (risk == s->risk && risk > 0 && t < s->worst_threat)) {
			s->risk = risk;
			s->worst_threat = t;
		}
	}
	for (i = 0; i < n_sites; i++)
		out[i].band = pt_fema_band(c, out[i].risk);
}

struct rank_item {
	double score;
	const char *key;
	size_t index;
};

/* Score descending (NaN last), key ascending (NULL first), index ascending: a total order. */
static int rank_cmp(const void *pa, const void *pb)
{
	const struct rank_item *a = pa, *b = pb;
	int an = isnan(a->score), bn = isnan(b->score), k;
	if (an != bn)
		return an - bn;
	if (!an && a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->key != b->key) {
		if (!a->key)
			return -1;
		if (!b->key)
			return 1;
		k = strcmp(a->key, b->key);
		if (k)
			return k;
	}
	return a->index < b->index ? -1 : a->index > b->index;
}

enum pt_err pt_rank_order(const double *score, const char *const *tie_key, size_t n,
			  size_t *order)
{
	struct rank_item *items;
	size_t i;
	if (!n)
		return PT_OK;
	if (!score || !order)
		return PT_EINVAL;
	if (n > SIZE_MAX / sizeof *items)
		return PT_ELIMIT;
	items = malloc(n * sizeof *items);
	if (!items)
		return PT_ENOMEM;
	for (i = 0; i < n; i++) {
		items[i].score = score[i];
		items[i].key = tie_key ? tie_key[i] : NULL;
		items[i].index = i;
	}
	qsort(items, n, sizeof *items, rank_cmp);
	for (i = 0; i < n; i++)
		order[i] = items[i].index;
	free(items);
	return PT_OK;
}
