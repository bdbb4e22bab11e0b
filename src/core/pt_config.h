/* pt_config.h - every configurable figure of the methods, with its key,
 * default, allowed range and description. The store keeps them in the
 * settings table (seeded from data/catalog/settings.csv). */
#ifndef PT_CONFIG_H
#define PT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "pt_err.h"
#include "pt_model.h"

/* issue 12: keys "resilience.restart_h.KIND_OR_SECTOR" (lower-case id) override the restart time. */
#define PT_CONFIG_RESTART_PREFIX "resilience.restart_h."
#define PT_CONFIG_RESTART_MAX 64 /**< most restart-time overrides (PT_ELIMIT) */

/** The method figures. Fill with pt_config_defaults, then pt_config_set. */
struct pt_config {
	/* Quantitative (RAMCAP / J100) consequence valuation. */
	double value_statistical_life_eur; /**< quant.vsl_eur */
	double value_injury_eur;           /**< quant.injury_eur */
	double national_share;   /**< quant.national_share: share (0-1) of p_attempt uncertainty drawn once per sample and threat */
	double pert_lambda;      /**< quant.pert_lambda (4 = classic PERT) */
	unsigned samples;        /**< quant.samples: default Monte Carlo samples */
	unsigned top_k;          /**< quant.top_k: default K of p_topk */
	uint64_t seed;           /**< quant.seed: default seed */
	double quant_band_edges_eur[2]; /**< quant.band.medium_min / high_min: EUR/yr for a site's band */

	/* Threat level factors f (p -> 1 - (1-p)^f), indexed by enum pt_threat_level. */
	double level_factor[PT_LEVEL_COUNT];

	/* FEMA 426/452 colour bands of risk = A x T x V (1-1000). */
	int fema_low_max;    /**< fema.band.low_max (FEMA: 60) */
	int fema_medium_max; /**< fema.band.medium_max (FEMA: 175) */

	/* CARVER + Shock attractiveness bands of the sum (7-70). */
	int carver_low_max;    /**< carver.band.low_max */
	int carver_medium_max; /**< carver.band.medium_max */

	/* 5x5 matrix mapping: upper edges of classes 1..4 (class 5 above the last). */
	double fema_likelihood_edges[4];  /**< matrix.fema.likelihood.N: on T x V (1-100) */
	double fema_consequence_edges[4]; /**< matrix.fema.consequence.N: on asset value (1-10) */
	double quant_likelihood_edges[4]; /**< matrix.quant.likelihood.N: on yearly P(successful attack) = T x V */
	double quant_consequence_edges[4]; /**< matrix.quant.consequence.N: on E[C] in EUR */
	/* Matrix rating bands on likelihood class x consequence class (1-25). */
	int matrix_low_max;    /**< matrix.band.low_max */
	int matrix_medium_max; /**< matrix.band.medium_max */
	int matrix_high_max;   /**< matrix.band.high_max (above: very high) */

	/* Measures and the investment plan (docs/methodology.md, section on planning). */
	unsigned plan_horizon_years;   /**< plan.horizon_years (10) */
	double plan_discount_rate;     /**< plan.discount_rate (0.03, real, yearly) */
	unsigned plan_max_measures;    /**< plan.max_measures: measures per site bundle (4) */
	double plan_alternative_cost_factor; /**< plan.alternative_cost_factor (1.2) */
	double plan_min_bcr;           /**< plan.min_bcr: a measure's own BCR at a site must reach it (1) */
	int plan_allow_legal_basis;    /**< plan.allow_legal_basis: 1 admits a measure at a site lacking the legal basis it needs (flagged); default 0 */
	/** plan.band.intrusiveness_K (K = 1-3): lowest site band (enum pt_band 1-4) where
	 * a measure of intrusiveness K is admissible; [0] is unused (intrusiveness 0: any band). */
	int plan_band_for_intrusiveness[4];
	/** plan.size.occupancy.medium_min / large_min / very_large_min (people at peak). */
	double plan_size_occupancy_min[3];
	/** plan.size.value.medium_min_eur / large_min_eur / very_large_min_eur. */
	double plan_size_value_min_eur[3];
	/** plan.size_factor.small / medium / large / very_large: cost multiplier by size class. */
	double plan_size_factor[4];
	double plan_exact_time_limit_s; /**< plan.exact_time_limit_s (60) */
	/** register.accept_max_band: highest band (1-4) a site owner may accept alone;
	 * accepting a risk above it needs a government coordinator's approval (2 = medium). */
	int register_accept_max_band;
	/* issue 11 item 6: plans priced at a long-run level; surges while today's is above it. */
	/** plan.planning_level: the threat level every plan is priced at, 1 LOW - 5 CRITICAL
	 * (enum pt_threat_level + 1; 3 SUBSTANTIAL); see pt_config_planning_level. */
	int plan_planning_level;
	/** plan.surge_weeks: weeks a surge measure is costed for (4). */
	unsigned plan_surge_weeks;
	/* issue 12: the cascade model and the downstream consequence. */
	double resilience_threshold;   /**< resilience.threshold: a site below this service fails (0.5) */
	double resilience_horizon_h;   /**< resilience.horizon_h: hours a cascade is followed (168) */
	double resilience_repair_h;    /**< resilience.repair_h: repair time of the risk and the SPOF sweep (72) */
	double resilience_restart_h;   /**< resilience.restart_h: default restart time, hours (1) */
	double resilience_value_person_hour_eur; /**< resilience.value_person_hour_eur (6) */
	/** resilience.restart_h.NAME overrides (NAME a kind or sector id), in the order set. */
	struct {
		char name[PT_ID_MAX];
		double hours;
	} resilience_restart[PT_CONFIG_RESTART_MAX];
	size_t resilience_n_restart;
	/* issue 13: public alerts (docs/methodology.md, "Public alerts"). */
	char alert_sender[256];     /**< alert.sender (text): CAP sender, pt_cap_identifier_ok */
	char alert_public_url[256]; /**< alert.public_url (text): http(s) URL, no trailing slash */
	unsigned alert_cb_pages;    /**< alert.cb_pages: cell-broadcast pages a language may need (1-15, 4) */
	unsigned alert_approval_min; /**< alert.approval_min: minutes a draft may wait for approval (1-1440, 30) */
	int alert_utc_offset_min;   /**< alert.utc_offset_min: local time of {expires}, minutes from UTC (-720..840, 60) */
	/* issue 13 review: the CAP <web> element */
	char alert_web_url[256];    /**< alert.web_url (text): the public information page written into
				         every info's <web>; "none" (the default): no <web> */
	/* issue 14: `scenario from-site` (docs/scenarios.md) */
	double mci_hospital_radius_km; /**< mci.hospital_radius_km: receiving hospitals within it (30) */
	double mci_road_factor;        /**< mci.road_factor: road / straight-line distance (1.4) */
	double mci_speed_kmh;          /**< mci.speed_kmh: ambulance road speed (50) */
	/* issue 16 item 3: attachments that show people or number plates are kept this long */
	unsigned attachments_retention_days; /**< attachments.retention_days (1-3650, 30) */
};

/** Fill c with the built-in defaults (the same values as settings.csv). */
void pt_config_defaults(struct pt_config *c);

/** Number of configurable keys. */
size_t pt_config_key_count(void);

/** The i-th key name (0 <= i < count), in a stable documented order. */
const char *pt_config_key_name(size_t i);

/** The i-th key's one-line description (unit, range, source). */
const char *pt_config_key_description(size_t i);

/** The i-th key's smallest allowed value (inclusive). */
double pt_config_key_min(size_t i);

/** The i-th key's largest allowed value (inclusive). */
double pt_config_key_max(size_t i);

/** Nonzero when the i-th key takes whole numbers only. */
int pt_config_key_is_integer(size_t i);

/** issue 13: nonzero when the i-th key holds text (pt_config_get_text), not a number. */
int pt_config_key_is_text(size_t i);

/**
 * issue 13: the text value of text key key into buf of size bytes (cut to
 * fit). PT_ENOTFOUND if unknown, PT_EINVAL for a numeric key.
 */
enum pt_err pt_config_get_text(const struct pt_config *c, const char *key, char *buf,
			       size_t size);

/** Index of key in the key table into *out; PT_ENOTFOUND if unknown. */
enum pt_err pt_config_key_index(const char *key, size_t *out);

/**
 * Set key to the text value, checking type and range of that one key
 * (a plain decimal number: no hex, no inf/nan, no spaces). On failure
 * returns PT_EINVAL (bad value) or PT_ENOTFOUND (unknown key) with the
 * reason in d (field = key; d may be NULL). c is unchanged on failure.
 * Rules between keys are checked by pt_config_check, which callers run
 * after the last set.
 */
enum pt_err pt_config_set(struct pt_config *c, const char *key, const char *value,
			  struct pt_diag *d);

/**
 * Read key's current value of c into *out (every setting but the text ones
 * is a number; integers and the seed, below 2^53, are exact). PT_ENOTFOUND
 * if unknown; PT_EINVAL for a text key (pt_config_get_text).
 */
enum pt_err pt_config_get(const struct pt_config *c, const char *key, double *out);

/**
 * Check every key's range and the rules between keys (threat level factors
 * strictly ascending LOW < ... < CRITICAL, band edges low < medium < high,
 * plan size edges ascending, plan.band.intrusiveness_K non-decreasing in K,
 * matrix class edges strictly ascending). PT_EINVAL with d naming the key
 * at fault (field) and the rule broken (msg); d may be NULL.
 */
enum pt_err pt_config_check(const struct pt_config *c, struct pt_diag *d);

/**
 * issue 12: the restart time of a site of kind and sector (either may be
 * NULL): resilience.restart_h.SECTOR if set, else resilience.restart_h.KIND,
 * else resilience.restart_h.
 */
double pt_config_restart_h(const struct pt_config *c, const char *kind, const char *sector);

/** The planning threat level of c (plan.planning_level as the enum; SUBSTANTIAL if out of range). */
enum pt_threat_level pt_config_planning_level(const struct pt_config *c);

#endif
