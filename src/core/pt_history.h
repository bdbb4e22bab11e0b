/* pt_history.h - history of the ranking (issue 16 item 6): the inputs a snapshot keeps, a
 * site's risk recomputed from them at any threat level, and the fixed-order attribution of
 * the change between two of them to threat level, reassessments, measures, new and removed
 * sites (docs/methodology.md, "History and comparison"). Pure. */
#ifndef PT_HISTORY_H
#define PT_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "pt_config.h"
#include "pt_err.h"
#include "pt_levels.h"
#include "pt_model.h"
#include "pt_plan_records.h"
#include "pt_register.h"
#include "pt_score.h"

#define PT_HIST_NAME_MAX 128            /**< a snapshot's name, bytes with the NUL (1-127) */
#define PT_HIST_SITES_MAX 200000        /**< sites one snapshot keeps */
#define PT_HIST_ROWS_MAX 2000000        /**< rows of each other kind one snapshot keeps */
#define PT_HIST_IDS_MAX 4000000         /**< partner and reader ids one snapshot keeps */

/** A site as a snapshot keeps it: its record then and its access record then. Plain data. */
struct pt_hist_site {
	struct pt_site site;     /**< id, name, kind, sector, region, owner, tlp (the rest zero) */
	long long owner_org_id;  /**< <= 0: none */
	size_t partners_at, n_partners; /**< into pt_hist_inputs.ids */
	size_t readers_at, n_readers;   /**< into pt_hist_inputs.ids (RED readers' user ids) */
	double downstream_eur;   /**< consequence downstream added to each loss (issue 12; quant) */
};

/** A measure whose effects apply at a site (committed: accepted, installed, verified). */
struct pt_hist_measure {
	char site_id[PT_ID_MAX];
	char measure_id[PT_ID_MAX];
	enum pt_site_measure_status status;
};

/** One measure's effect on one threat: the shares of vulnerability and consequence removed. */
struct pt_hist_effect {
	char measure_id[PT_ID_MAX];
	char threat_id[PT_ID_MAX];
	double v, c; /**< 0-1 each */
};

/** A register decision as a snapshot keeps it. Plain data. */
struct pt_hist_decision {
	char site_id[PT_ID_MAX];
	char threat_id[PT_ID_MAX];
	enum pt_treatment treatment;
	char responsible[PT_ACTOR_NAME_MAX];
	char review_date[PT_DATE_MAX];
	int approved;
};

/**
 * Everything a ranking and the register's residual risk are computed from
 * (a snapshot's inputs, or the registry's now). Every array is owned; empty
 * it with pt_hist_inputs_clear. pt_hist_inputs_sort orders sites by id,
 * rows by site then threat, measures by site: the order the functions below need.
 */
struct pt_hist_inputs {
	struct pt_config cfg;              /**< the settings */
	struct pt_level_entry *levels;     /**< the threat levels in force (pt_levels_in_force) */
	size_t n_levels;
	struct pt_hist_site *sites;
	size_t n_sites;
	long long *ids;                    /**< partners and readers of the sites */
	size_t n_ids;
	struct pt_quant_row *quant;        /**< the quantitative rows that counted */
	size_t n_quant;
	struct pt_fema_row *fema;          /**< the FEMA rows that counted */
	size_t n_fema;
	struct pt_hist_measure *measures;
	size_t n_measures;
	struct pt_hist_effect *effects;    /**< the effects of the measures named in measures */
	size_t n_effects;
	struct pt_hist_decision *decisions;
	size_t n_decisions;
};

/** Free what in holds and zero it (the struct stays); NULL does nothing. */
void pt_hist_inputs_clear(struct pt_hist_inputs *in);

/** Sort in's sites, rows, measures and decisions into the order the functions below need. */
void pt_hist_inputs_sort(struct pt_hist_inputs *in);

/** The index of site id in in->sites (sorted), or -1. */
long pt_hist_site_find(const struct pt_hist_inputs *in, const char *id);

/** The measures of site id in in->measures (sorted): first index in *at, count returned. */
size_t pt_hist_site_measures(const struct pt_hist_inputs *in, const char *id, size_t *at);

/** The causes a change of risk is attributed to. */
enum pt_hist_cause {
	PT_HIST_CAUSE_LEVEL = 0, /**< the threat level (and the settings), only at each one's own level */
	PT_HIST_CAUSE_REASSESS,  /**< the ratings changed (the assessments that count) */
	PT_HIST_CAUSE_MEASURES,  /**< the measures whose effects apply changed */
	PT_HIST_CAUSE_NEW,       /**< a site added since */
	PT_HIST_CAUSE_REMOVED    /**< a site removed since */
};
#define PT_HIST_CAUSE_COUNT 5

/** "threat_level", "reassessments", "installed_measures", "new_sites", "removed_sites". */
const char *pt_hist_cause_name(enum pt_hist_cause c);

/** The level a comparison is made at. */
enum pt_hist_basis {
	PT_HIST_BASIS_LATER = 0, /**< the later one's threat levels and settings, for both */
	PT_HIST_BASIS_LEVEL,     /**< one national level for every site and threat (later settings) */
	PT_HIST_BASIS_OWN        /**< each at its own levels and settings: the level is a cause */
};

/**
 * The risk of site_id with the ratings (and downstream consequence) of
 * ratings and the measures of measures, under cfg at the levels lv[0, n_lv)
 * (the site's sector and region from where). Quant: the sum over its
 * threats of E[T'] V' C' once the measures apply (pt_register_residual over
 * pt_quant_run's exact figures, as the register shows it); FEMA: its worst
 * pair A x T x V (ratings only). A site without rows: 0. PT_EINVAL for bad
 * rows (d names them), PT_ENOMEM.
 */
enum pt_err pt_hist_site_risk(enum pt_method method, const struct pt_config *cfg,
			      const struct pt_level_entry *lv, size_t n_lv,
			      const struct pt_site *where, const struct pt_hist_inputs *ratings,
			      const struct pt_hist_inputs *measures, const char *site_id,
			      double *risk, struct pt_diag *d);

/** The band of a site's risk under cfg (FEMA bands, or the quantitative bands). */
enum pt_band pt_hist_band(enum pt_method method, const struct pt_config *cfg, double risk);

/** One site of a comparison. Plain data. */
struct pt_hist_row {
	struct pt_site site;       /**< the later record (the earlier for a removed site) */
	long from_site, to_site;   /**< index in from / to ->sites, -1 when not there */
	double risk_from, risk_to;
	enum pt_band band_from, band_to;
	double delta[PT_HIST_CAUSE_COUNT]; /**< they sum to risk_to - risk_from */
	size_t measures_from, measures_to; /**< measures whose effects applied */
};

/** What to compare, and at which level. */
struct pt_hist_compare_opts {
	enum pt_method method;    /**< FEMA or quant */
	enum pt_hist_basis basis;
	enum pt_threat_level level; /**< PT_HIST_BASIS_LEVEL only */
};

/**
 * Compare from (the earlier) with to (the later), both sorted: one row per
 * site of either, by id, into *rows (new, free()). A site of both: its risk
 * then at the basis (own: from's levels and settings, else the common ones),
 * then one group of inputs replaced at a time in a fixed order, the change of
 * each step its cause's delta: threat level (own only), reassessments
 * (ratings and downstream consequence), installed measures. A new site's
 * whole risk is NEW, a removed one's REMOVED. PT_EINVAL, PT_ENOMEM.
 */
enum pt_err pt_hist_compare(const struct pt_hist_inputs *from, const struct pt_hist_inputs *to,
			    const struct pt_hist_compare_opts *o, struct pt_hist_row **rows,
			    size_t *n, struct pt_diag *d);

/** A total of a comparison's rows (the nation, a sector or a region). Plain data. */
struct pt_hist_total {
	char key[PT_REGION_MAX]; /**< "" the nation, else the sector id or region */
	size_t sites;
	double risk_from, risk_to;
	double delta[PT_HIST_CAUSE_COUNT];
};

/** What totals group by. */
enum pt_hist_by { PT_HIST_BY_NATION = 0, PT_HIST_BY_SECTOR, PT_HIST_BY_REGION };

/**
 * Totals of rows[i] with keep[i] (keep NULL: all), grouped by (the row's
 * sector or region), ordered by key: *out new (free()), *n_out entries
 * (one for the nation, even with no row). PT_ENOMEM.
 */
enum pt_err pt_hist_totals(const struct pt_hist_row *rows, size_t n, const unsigned char *keep,
			   enum pt_hist_by by, struct pt_hist_total **out, size_t *n_out,
			   struct pt_diag *d);

#endif
