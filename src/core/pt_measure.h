/* pt_measure.h - the catalogue of protective measures: cost, lifetime,
 * effect per threat scenario, rights profile and where each applies;
 * present values over the planning horizon and the size class of a site. */
#ifndef PT_MEASURE_H
#define PT_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "pt_config.h"
#include "pt_err.h"
#include "pt_model.h"

#define PT_MEASURES_MAX 1000        /**< measures one catalogue may hold */
#define PT_MEASURE_EFFECTS_MAX 100000 /**< effect rows one catalogue may hold */
#define PT_MEASURE_APPLIES_MAX 1024 /**< kinds or sectors list text, bytes with the NUL */
#define PT_MEASURE_DESC_MAX 1024    /**< description, bytes with the NUL */
#define PT_MEASURE_MAX_EUR 1e12     /**< largest capital or yearly cost of one measure */
#define PT_MEASURE_MAX_LIFETIME 100 /**< years */

/** The CER Directive's families of resilience measures (Directive (EU) 2022/2557, art. 13). */
enum pt_measure_family {
	PT_FAMILY_PREVENT = 0,   /**< "prevent" */
	PT_FAMILY_PHYSICAL,      /**< "physical_protection" */
	PT_FAMILY_RESPOND,       /**< "respond_mitigate" */
	PT_FAMILY_RECOVER,       /**< "recover" */
	PT_FAMILY_PERSONNEL,     /**< "personnel_security" */
	PT_FAMILY_AWARENESS      /**< "awareness_training" */
};
#define PT_FAMILY_COUNT 6

/** Canonical family name (see enum), "" out of range. */
const char *pt_measure_family_name(enum pt_measure_family f);
/** Parse a family name (exact). PT_EINVAL if unknown. */
enum pt_err pt_measure_family_parse(const char *s, enum pt_measure_family *out);

/** The three rights scores of a measure (0-3 each). */
enum pt_right { PT_RIGHT_PRIVACY = 0, PT_RIGHT_MOVEMENT, PT_RIGHT_DISCRIMINATION };
#define PT_RIGHT_COUNT 3
/** "privacy", "movement", "discrimination". */
const char *pt_right_name(enum pt_right r);

/** A measure of the catalogue (one row of measures.csv). */
struct pt_measure {
	char id[PT_ID_MAX];
	char name[PT_NAME_MAX];
	enum pt_measure_family family;
	double capex_eur;        /**< capital cost per site of size factor 1, >= 0 */
	double opex_eur_year;    /**< yearly running cost per site of size factor 1, >= 0 */
	int lifetime_years;      /**< 1-PT_MEASURE_MAX_LIFETIME; bought again within the horizon when shorter */
	int rights[PT_RIGHT_COUNT]; /**< intrusiveness on privacy, on freedom of movement and
				       accessibility, risk of discriminatory use: 0-3 each */
	int legal_basis;         /**< 1: needs a specific legal basis */
	int removes_step_free;   /**< 1: removes step-free access (never chosen) */
	/** Site kinds it applies to: ids separated by ';', or "*" for every kind. */
	char kinds[PT_MEASURE_APPLIES_MAX];
	/** Sectors it applies to: ids separated by ';', or "*" for every sector. */
	char sectors[PT_MEASURE_APPLIES_MAX];
	/** Measures of one non-empty group are alternatives: a bundle holds at most one. */
	char exclusive_group[PT_ID_MAX];
	char description[PT_MEASURE_DESC_MAX];
};

/** The effect of one measure against one threat scenario (measure_effects.csv). */
struct pt_measure_effect {
	char measure_id[PT_ID_MAX];
	char threat_id[PT_ID_MAX];
	double v_reduction; /**< 0-1: V' = V (1 - v_reduction) */
	double c_reduction; /**< 0-1: C' = C (1 - c_reduction) */
};

/** A catalogue: measures and their effect rows. Empty with pt_measure_catalog_clear. */
struct pt_measure_catalog {
	struct pt_measure *items;
	size_t n, cap;
	struct pt_measure_effect *effects;
	size_t n_effects, cap_effects;
};

/** Append a copy of m (PT_ENOMEM; PT_ELIMIT past PT_MEASURES_MAX; PT_ECONFLICT for a duplicate id). */
enum pt_err pt_measure_catalog_add(struct pt_measure_catalog *c, const struct pt_measure *m);
/** Append an effect row (PT_ELIMIT past PT_MEASURE_EFFECTS_MAX; PT_ECONFLICT for a duplicate pair). */
enum pt_err pt_measure_catalog_add_effect(struct pt_measure_catalog *c,
					  const struct pt_measure_effect *e);
/** Index of measure id in c, or -1. */
long pt_measure_catalog_find(const struct pt_measure_catalog *c, const char *id);
/** Free everything; c becomes empty. */
void pt_measure_catalog_clear(struct pt_measure_catalog *c);

/**
 * Validate a measure: id a valid id, name not empty, costs finite and
 * within [0, PT_MEASURE_MAX_EUR], lifetime 1-100, rights 0-3, flags 0/1,
 * kinds and sectors "*" or ';'-separated ids each in cat (cat may be NULL:
 * ids are then checked for form only). PT_EINVAL with d naming line and
 * field (column name) and what is wrong; d may be NULL.
 */
enum pt_err pt_measure_check(const struct pt_measure *m, const struct pt_catalogs *cat,
			     struct pt_diag *d, long line);

/** Validate an effect row: reductions finite in [0, 1]. PT_EINVAL as pt_measure_check. */
enum pt_err pt_measure_effect_check(const struct pt_measure_effect *e, struct pt_diag *d,
				    long line);

/** Intrusiveness: the highest of the three rights scores (0-3). */
int pt_measure_intrusiveness(const struct pt_measure *m);

/** Nonzero when m applies to a site of this kind and sector. */
int pt_measure_applies(const struct pt_measure *m, const char *kind, const char *sector);

/**
 * The effects as a dense matrix: v[i * n_threats + t] and c[...] for
 * measure i of c and threat t of threats (0 where no row). *v and *c are
 * new arrays the caller frees with free(). PT_EINVAL when an effect names a
 * measure or threat not in the catalogues (d: field measure_id/threat_id).
 */
enum pt_err pt_measure_effect_matrix(const struct pt_measure_catalog *c,
				     const struct pt_catalog *threats, double **v, double **cr,
				     struct pt_diag *d);

/* ---- money over the planning horizon ---------------------------------- */

/** Present value of 1 EUR a year paid at the end of years 1..horizon at rate r: sum (1+r)^-t. */
double pt_annuity_factor(double rate, unsigned horizon_years);

/**
 * Full cost of m at a site over the horizon, in present value: size_factor
 * x (capex bought at t = 0, L, 2L, ... < horizon, each discounted, plus
 * opex x pt_annuity_factor). No residual value is credited.
 */
double pt_measure_pv_cost(const struct pt_measure *m, double size_factor, double rate,
			  unsigned horizon_years);

/** Site size classes: the larger of the class by peak occupancy and by economic value. */
enum pt_size_class { PT_SIZE_SMALL = 0, PT_SIZE_MEDIUM, PT_SIZE_LARGE, PT_SIZE_VERY_LARGE };
#define PT_SIZE_COUNT 4
/** "small", "medium", "large", "very large". */
const char *pt_size_class_name(enum pt_size_class s);
/** The size class of a site under c's plan.size.* edges. */
enum pt_size_class pt_site_size_class(const struct pt_config *c, const struct pt_site *s);

#endif
