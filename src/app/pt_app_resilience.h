/* pt_app_resilience.h - the resilience use cases (issue 12): a cascade from
 * chosen failures, the single-points-of-failure sweep, and the downstream
 * person-hours the quantitative ranking and the plan add to a site's consequence. */
#ifndef PT_APP_RESILIENCE_H
#define PT_APP_RESILIENCE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_cascade.h"
#include "../core/pt_model.h"
#include "pt_app.h"

#define PT_APP_CASCADE_MAX_FAIL 1000 /**< most sites one cascade may fail (PT_ELIMIT) */

/** What to fail and for how long. Unset fields take the settings (resilience.*). */
struct pt_app_cascade_opts {
	const char *const *fail; /**< site ids; each must be a site c may read (else PT_ENOTFOUND, field "fail") */
	size_t n_fail;           /**< 1 to PT_APP_CASCADE_MAX_FAIL */
	int repair_set;          /**< nonzero: repair_h holds; else down the whole horizon */
	double repair_h;
	int hours_set;           /**< nonzero: hours holds; else resilience.horizon_h */
	double hours;
};

/** One affected site the caller may read. */
struct pt_app_cascade_site {
	char site_id[PT_ID_MAX];
	char name[PT_NAME_MAX];
	char kind[PT_ID_MAX];
	char sector[PT_ID_MAX];
	double lat, lon;
	long long population_served;
	enum pt_tlp tlp;
	double failed_at_h;   /**< NaN: never failed (JSON null) */
	double restored_at_h; /**< NaN: not within the horizon (JSON null) */
	double min_service;
	double person_hours_lost;
};

/** One change of service of a site the caller may read. */
struct pt_app_cascade_step {
	double t_h;
	char site_id[PT_ID_MAX];
	double service;
};

/** People without service from t_h on (over every site, withheld ones included). */
struct pt_app_series_point {
	double t_h;
	double people_without_service;
};

/** A cascade's result; free with pt_app_cascade_result_free. */
struct pt_app_cascade_result {
	char (*fail)[PT_ID_MAX]; /**< the failed site ids, as given (duplicates removed) */
	size_t n_fail;
	double hours;            /**< the horizon */
	double repair_h;         /**< NaN: the whole horizon (JSON null) */
	double threshold;
	struct pt_app_cascade_site *affected; /**< visible affected sites, in order of first drop */
	size_t n_affected;
	struct pt_app_cascade_step *steps;    /**< visible sites' changes, time order */
	size_t n_steps;
	struct pt_app_series_point *series;   /**< starts at t 0, one point per change of the total */
	size_t n_series;
	double person_hours_lost; /**< over every site */
	double recovery_h;        /**< NaN: not within the horizon (JSON null) */
	size_t withheld;          /**< affected sites c may not read */
	enum pt_tlp tlp;          /**< the highest label of the sites listed (the output's marking) */
};

/**
 * `protect cascade`: fail o->fail at 0 over the whole registry's dependency
 * network (one read transaction: sites, dependencies, settings); list what
 * c may read, totals over every site with the rest counted in withheld.
 * Reads of AMBER and above are audited as "cascade.read" when
 * c->audit_reads. PT_ENOTFOUND (a fail id c may not read or that does not
 * exist, d field "fail"), PT_EINVAL (bad hours, d field "repair_hours" or
 * "hours"), PT_ELIMIT, PT_EDB, PT_ENOMEM.
 */
enum pt_err pt_app_cascade_run(const struct pt_caller *c, struct pt_db *db,
			       const struct pt_app_cascade_opts *o,
			       struct pt_app_cascade_result **out, struct pt_diag *d);
/** Free a cascade result; NULL does nothing. */
void pt_app_cascade_result_free(struct pt_app_cascade_result *r);

/** What the SPOF sweep returns. */
struct pt_app_spof_opts {
	size_t top;       /**< rows wanted (0: all visible) */
	unsigned threads; /**< 0 = 1 */
	pt_cascade_progress_fn progress; /**< optional */
	void *progress_ctx;
};

/** One supplying site c may read, failed alone. */
struct pt_app_spof_row {
	size_t rank;      /**< 1-based among every supplying site (withheld ones included) */
	char site_id[PT_ID_MAX];
	char name[PT_NAME_MAX];
	enum pt_tlp tlp;
	struct pt_spof_entry e;   /**< e.site is an index of no meaning outside the run */
	double downstream_eur;    /**< e.downstream_person_hours x resilience.value_person_hour_eur */
};

/** The sweep's result; free with pt_app_spof_result_free. */
struct pt_app_spof_result {
	struct pt_app_spof_row *rows;
	size_t n_rows;
	double hours, repair_h, threshold, value_person_hour_eur;
	size_t supplying_sites; /**< every site supplying another */
	size_t withheld;        /**< supplying sites c may not read */
	enum pt_tlp tlp;
};

/**
 * `protect spof`: fail each supplying site alone (resilience.repair_h,
 * resilience.horizon_h) and rank them by person-hours lost; rows are the
 * ones c may read (the first o->top). Audited as "spof.read". PT_EDB,
 * PT_ENOMEM, PT_EINTERNAL "cancelled".
 */
enum pt_err pt_app_spof_run(const struct pt_caller *c, struct pt_db *db,
			    const struct pt_app_spof_opts *o, struct pt_app_spof_result **out,
			    struct pt_diag *d);
/** Free a SPOF result; NULL does nothing. */
void pt_app_spof_result_free(struct pt_app_spof_result *r);

#endif
