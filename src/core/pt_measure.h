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
	int legal_basis;         /**< enum pt_legal_basis the site must have (none, entry, statute) */
	int removes_step_free;   /**< 1: removes step-free access (never chosen) */
	/** Site kinds it applies to: ids separated by ';', or "*" for every kind. */
	char kinds[PT_MEASURE_APPLIES_MAX];
	/** Sectors it applies to: ids separated by ';', or "*" for every sector. */
	char sectors[PT_MEASURE_APPLIES_MAX];
	/** Measures of one non-empty group are alternatives: a bundle holds at most one. */
	char exclusive_group[PT_ID_MAX];
	char description[PT_MEASURE_DESC_MAX];
	/* issue 11 (fit): what the cost scales with, what the site must be, what it needs. */
	int cost_driver;           /**< enum pt_cost_driver; 0 (size): capex/opex x size factor */
	double unit_capex_eur;     /**< capital cost per unit of the driver (drivers of a site) */
	double unit_opex_eur_year; /**< yearly cost per unit of the driver */
	unsigned needs;            /**< PT_NEED_* bits the site must meet */
	unsigned safeguards;       /**< bits (1 << enum pt_safeguard) a chosen measure needs */
};

/* ---- issue 11 (fit): cost drivers, needs and safeguards -------------------- */

/**
 * What a measure's cost scales with: PT_COST_SIZE (capex_eur and
 * opex_eur_year x the site's size factor, the rule before drivers),
 * PT_COST_SITE (capex_eur and opex_eur_year once per site), or a site
 * driver: PT_COST_DRIVER + enum pt_site_driver (unit costs x the site's
 * value; unknown at the site: the size rule, marked estimated).
 */
enum pt_cost_driver { PT_COST_SIZE = 0, PT_COST_SITE = 1, PT_COST_DRIVER = 2 };
#define PT_COST_DRIVER_COUNT (PT_COST_DRIVER + PT_DRIVER_COUNT)
/** "size", "site" or the site driver's column name; "" out of range. */
const char *pt_cost_driver_name(int cost_driver);
/** Parse a cost driver name. PT_EINVAL if unknown. */
enum pt_err pt_cost_driver_parse(const char *s, int *out);

/** Conditions a measure needs of the site (measures.csv "needs"). */
#define PT_NEED_ENCLOSED 1u /**< "enclosed": a building whose doors can be locked (lockdown, blast film) */
#define PT_NEED_STAFFED 2u  /**< "staffed": people work there (training, procedures) */
#define PT_NEED_CONTROLLED_ENTRY 4u /**< "controlled_entry": entrances that search or screen (enclosed or fenced) */
#define PT_NEED_ALL 7u

/** Safeguards a chosen intrusive measure needs (measures.csv "safeguards"). */
enum pt_safeguard {
	PT_SAFEGUARD_DPIA = 0,             /**< "dpia" (GDPR art. 35(3)(c)) */
	PT_SAFEGUARD_SIGNAGE,              /**< "signage" (GDPR arts. 12-13) */
	PT_SAFEGUARD_RETENTION_LIMIT,      /**< "retention_limit" (EDPB Guidelines 3/2019) */
	PT_SAFEGUARD_NON_DISCRIMINATION,   /**< "non_discrimination_policy" (Charter art. 21) */
	PT_SAFEGUARD_HUMAN_REVIEW          /**< "human_review" (AI Act art. 14) */
};
#define PT_SAFEGUARD_COUNT 5
/** Safeguard id ("dpia" ...), "" out of range. */
const char *pt_safeguard_name(enum pt_safeguard g);

/**
 * Parse a ';'-separated list of names into bits: needs ("enclosed",
 * "staffed", "controlled_entry") when safeguards is 0, safeguard ids when 1. Empty is 0.
 * PT_EINVAL with d naming line, field and the unknown name.
 */
enum pt_err pt_measure_parse_flags(const char *s, int safeguards, unsigned *out,
				   struct pt_diag *d, long line, const char *field);
/** Write bits as the ';'-joined names into buf (always NUL-terminated). */
void pt_measure_format_flags(unsigned bits, int safeguards, char *buf, size_t size);

/**
 * Full cost of m at site s over the horizon (PV), by its cost driver:
 * unit costs x the site's driver value, or the size rule
 * (pt_measure_pv_cost with size_factor) for PT_COST_SIZE and when the
 * site lacks the driver; then *estimated (may be NULL) is 1, else 0.
 * screened_per_day is a yearly average: the capital follows the larger of
 * it and the peak occupancy (lanes sized for the peak day), the running
 * cost the average (docs/methodology.md 11).
 */
double pt_measure_site_cost(const struct pt_measure *m, const struct pt_site *s,
			    double size_factor, double rate, unsigned horizon_years, int *estimated);

/**
 * The first need of m the site s does not meet, as a PT_NEED_* bit, or
 * PT_NEED_ALL + 1 + driver when the site's value of m's cost driver is 0
 * (nothing to protect: no staff, no entrances...), or 0 when m fits.
 * Unknown enclosure or staffing: pt_site_is_enclosed / pt_site_is_staffed /
 * pt_site_has_controlled_entry. The plan and the surge both screen by it.
 */
unsigned pt_measure_misfit(const struct pt_measure *m, const struct pt_site *s);

/**
 * The legal basis m needs at s (issue 11 M2): the catalogue's, raised to
 * statute when m intrudes on privacy (rights privacy >= 1) and s is a
 * publicly accessible space without controlled entry (pt_site_is_open_public):
 * there neither legitimate interests (GDPR art. 6(1)(f), not open to public
 * authorities) nor a condition of entry can carry it. docs/methodology.md 12.
 */
enum pt_legal_basis pt_measure_basis_at(const struct pt_measure *m, const struct pt_site *s);

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
 * Issue 16, item 4: nonzero when measure_id reduces the risk of threat_id
 * (an effect row of c with a vulnerability or consequence reduction above 0).
 */
int pt_measure_reduces(const struct pt_measure_catalog *c, const char *measure_id,
		       const char *threat_id);

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
