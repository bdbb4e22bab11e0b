/* pt_score.h - the semi-quantitative FEMA 426/452 method and the
 * attacker's-view CARVER + Shock method, site scores and bands, and the
 * ranking order shared by every method. */
#ifndef PT_SCORE_H
#define PT_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "pt_config.h"
#include "pt_err.h"
#include "pt_model.h"

/** Bands of a score; the words users see. */
enum pt_band { PT_BAND_NONE = 0, PT_BAND_LOW, PT_BAND_MEDIUM, PT_BAND_HIGH, PT_BAND_VERY_HIGH };

/** "none", "low", "medium", "high", "very high". */
const char *pt_band_name(enum pt_band b);

/** FEMA pair risk = asset value x threat rating x vulnerability rating (1-1000). */
int pt_fema_risk(const struct pt_fema_row *row);

/** FEMA colour band of a risk (low <= fema_low_max < medium <= fema_medium_max < high); none when risk <= 0 (no pair). */
enum pt_band pt_fema_band(const struct pt_config *c, int risk);

/**
 * Validate a FEMA row: ids not empty, each rating an integer 1-10. On
 * failure PT_EINVAL with d naming line and field ("must be a whole number
 * from 1 to 10"); d may be NULL.
 */
enum pt_err pt_fema_check(const struct pt_fema_row *row, struct pt_diag *d, long line);

/** CARVER + Shock attractiveness: the sum of the seven scores (7-70). */
int pt_carver_sum(const struct pt_carver_row *row);

/** CARVER band of a sum, from carver_low_max / carver_medium_max; none below 7 (no row). */
enum pt_band pt_carver_band(const struct pt_config *c, int sum);

/**
 * Quantitative band of a site's expected yearly loss (EUR): low below
 * quant.band.medium_min_eur, high from quant.band.high_min_eur, medium
 * between; none for a negative or NaN value.
 */
enum pt_band pt_quant_band(const struct pt_config *c, double expected_loss_eur);

/** Validate a CARVER row: site id not empty, each score 1-10 (as pt_fema_check). */
enum pt_err pt_carver_check(const struct pt_carver_row *row, struct pt_diag *d, long line);

/** A site's FEMA result: its worst pair. */
struct pt_fema_site_score {
	int risk;             /**< worst pair risk, 0 when the site has no pair */
	int32_t worst_threat; /**< index into the caller's pairs' threat ids, -1 if none */
	enum pt_band band;
};

/**
 * Score n_sites sites from FEMA rows: site_of[i] is the site index of rows[i],
 * threat_of[i] its threat index. out has n_sites entries. Ties on risk keep
 * the lowest threat index. Rows whose site index is not below n_sites are
 * skipped. A site without rows gets risk 0, worst_threat -1, band none.
 */
void pt_fema_score_sites(const struct pt_config *c, const struct pt_fema_row *rows,
			 const uint32_t *site_of, const uint32_t *threat_of, size_t n_rows,
			 size_t n_sites, struct pt_fema_site_score *out);

/**
 * Ranking order: fill order[0..n) (caller's array) with site indexes sorted
 * by score descending, ties broken by tie_key ascending (strcmp of site
 * ids), then by index, so the order is total and the same on every run.
 * A NaN score ranks last. tie_key may be NULL (ties by index). Returns
 * PT_ENOMEM or PT_ELIMIT (order untouched), PT_EINVAL for NULL arrays.
 */
enum pt_err pt_rank_order(const double *score, const char *const *tie_key, size_t n,
			  size_t *order);

#endif
