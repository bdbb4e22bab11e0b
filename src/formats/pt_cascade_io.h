/* pt_cascade_io.h - the cascade's and the SPOF sweep's results (issue 12) and
 * their writers: JSON (the API's and `--format json`'s shapes) and CSV. */
#ifndef PT_CASCADE_IO_H
#define PT_CASCADE_IO_H

#include <jansson.h>
#include <stdio.h>

#include "../core/pt_cascade.h"
#include "../core/pt_model.h"

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

/** People without service from t_h on at the sites the caller may read (hidden sites are
 * left out: a series over them would give each one's population and failure time). */
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
	double person_hours_lost; /**< over every site when show_withheld, else over the sites listed */
	double recovery_h;        /**< latest restoration of the sites listed; NaN: one not within the horizon (JSON null) */
	size_t withheld;          /**< affected sites c may not read */
	int show_withheld;        /**< nonzero: c may be told withheld (pt_access_hidden_counts); else left out */
	enum pt_tlp tlp;          /**< the highest label of the sites listed (the output's marking) */
};

/** One supplying site c may read, failed alone. */
struct pt_app_spof_row {
	size_t rank;      /**< 1-based among every supplying site (withheld ones included) */
	char site_id[PT_ID_MAX];
	char name[PT_NAME_MAX];
	enum pt_tlp tlp;
	/** e.site is an index of no meaning outside the run; person_hours_lost and
	 * downstream_person_hours are over every site; sites_failed and sites_affected over
	 * every site when the result's show_withheld, else over the sites c may read;
	 * recovery_h over the sites c may read. */
	struct pt_spof_entry e;
	double downstream_eur;    /**< e.downstream_person_hours x resilience.value_person_hour_eur */
};

/** The sweep's result; free with pt_app_spof_result_free. */
struct pt_app_spof_result {
	struct pt_app_spof_row *rows;
	size_t n_rows;
	double hours, repair_h, threshold, value_person_hour_eur;
	size_t supplying_sites; /**< every site supplying another */
	size_t withheld;        /**< supplying sites c may not read */
	int show_withheld;      /**< nonzero: c may be told withheld and counts over hidden sites */
	enum pt_tlp tlp;
};

/**
 * The cascade object: {"tlp", "fail", "hours", "repair_hours", "threshold",
 * "affected", "steps", "series", "person_hours_lost", "recovery_h",
 * "withheld"} (docs/api.md; "withheld" only when r->show_withheld); NaN
 * figures are null. A new reference the
 * caller owns; NULL when out of memory.
 */
json_t *pt_cascade_json(const struct pt_app_cascade_result *r);

/**
 * The cascade as CSV: the marking line "# TLP:...", a header, one row per
 * affected site the result lists (empty cells for null figures).
 */
void pt_cascade_csv(FILE *f, const struct pt_app_cascade_result *r);

/**
 * The SPOF object: {"tlp", "hours", "repair_hours", "threshold",
 * "value_person_hour_eur", "spof", "supplying_sites", "withheld"}
 * (docs/api.md; "withheld" only when r->show_withheld). A new reference the caller owns; NULL when out of memory.
 */
json_t *pt_spof_json(const struct pt_app_spof_result *r);

/** The SPOF rows as CSV: the marking line, a header, one row per listed site. */
void pt_spof_csv(FILE *f, const struct pt_app_spof_result *r);

#endif
