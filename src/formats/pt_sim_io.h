/* pt_sim_io.h - the results of a mass-casualty simulation (issue 14): one
 * row per swept value with each output's summary and the hospitals' load; CSV and JSON. */
#ifndef PT_SIM_IO_H
#define PT_SIM_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "../core/pt_err.h"
#include "../core/pt_mci.h"

/** One hospital's load in a row: mean over replications. */
struct pt_sim_hospital {
	char name[PT_MCI_NAME_MAX];
	double peak_mean;     /**< mean of the most patients present at once */
	double *load_mean;    /**< [n_steps]: mean patients present at step k x PT_MCI_LOAD_STEP_MIN */
};

/** The situation at a minute (pt_mci_snapshot) as means over replications (issue 15 review 3). */
struct pt_sim_snapshot {
	int has;                        /**< nonzero: the scenario asked for it (snapshot) */
	double t_min;
	double dead, hot_zone, ccp_untriaged, ccp[PT_MCI_CATS], transport, walking;
	double arrived[PT_MCI_MAX_HOSPITALS];
	double amb_committed, amb_en_route, amb_at_scene, amb_transporting, amb_used;
	double inside; /**< share of replications with someone inside every site (review 15B) */
};

/** One row: the scenario with one swept value (or none). */
struct pt_sim_row {
	char value[PT_MCI_VALUE_MAX]; /**< the swept value as given ("" without a sweep) */
	unsigned victims;             /**< attack.victims as simulated in this row */
	struct pt_mci_stat *stats;    /**< [pt_mci_output_count()], in output order */
	struct pt_mci_stat *diff;     /**< [pt_mci_output_count()]: the paired difference from
				           the first row (mean, lo, hi, n; no percentiles); NULL
				           for the first row and without a sweep */
	struct pt_sim_hospital *hospitals;
	size_t n_hospitals;
	size_t n_steps;               /**< steps of each load series */
	struct pt_sim_snapshot snap;  /**< means of each replication's pt_mci_rep.snap */
};

/** A run's results. Owned by its maker (pt_sim_result_free). */
struct pt_sim_result {
	char scenario[PT_MCI_NAME_MAX]; /**< the scenario's name */
	char threat[PT_MCI_NAME_MAX];
	unsigned victims;               /**< attack.victims of the first row, as simulated */
	char sweep_key[PT_MCI_PATH_MAX]; /**< "" without a sweep */
	uint64_t seed;
	size_t replications;            /**< per row */
	double step_min;                /**< PT_MCI_LOAD_STEP_MIN */
	struct pt_sim_row *rows;
	size_t n_rows;
};

/** Free r and everything in it; NULL does nothing. */
void pt_sim_result_free(struct pt_sim_result *r);

/**
 * The CSV: a header (the sweep key's column "key,value" only with a
 * sweep), then NAME_mean,NAME_lo,NAME_hi per output, and with a sweep
 * NAME_diff,NAME_diff_lo,NAME_diff_hi per output (the paired difference
 * from the first row: empty in the first row), one line per row.
 * Numbers shortest round-trip; NaN (no replication had a value) empty.
 * PT_EIO when f fails.
 */
enum pt_err pt_sim_result_csv(FILE *f, const struct pt_sim_result *r);

/**
 * The JSON: scenario, threat, victims, seed, replications, sweep key,
 * rows with their victims, each output's mean, lo, hi, p025, p975 and n
 * (and, after the first row of a sweep, diff: mean, lo, hi, n), and per
 * hospital its mean peak and mean load series. New reference; NULL when
 * out of memory.
 */
json_t *pt_sim_result_json(const struct pt_sim_result *r);

#endif
