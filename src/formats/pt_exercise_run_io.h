/* pt_exercise_run_io.h - a run of an exercise as output (issue 15): its
 * timeline (injects, decisions, expected actions done, contingencies,
 * simulation reruns with their figures), each inject's final status, and the
 * outcome of the decisions made against the baseline; as JSON and as a table. */
#ifndef PT_EXERCISE_RUN_IO_H
#define PT_EXERCISE_RUN_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "../core/pt_err.h"
#include "../core/pt_exercise.h"
#include "pt_sim_io.h"

/** One line of a run's timeline (borrowed). */
struct pt_ex_run_line {
	const struct pt_ex_event *ev;
	const struct pt_sim_result *sim; /**< PT_EX_EV_SIM_DUE: the rerun's figures; else NULL */
	size_t n_made;                   /**< decisions made when it happened */
};

/** A run to render; every pointer is borrowed. */
struct pt_ex_run_doc {
	const char *run_id;                /**< "run-0123456789abcdef" */
	uint64_t seed;                     /**< the simulation's seed */
	const struct pt_ex_scenario *sc;
	const struct pt_ex_run *run;       /**< the final state: statuses, the decisions made */
	const struct pt_ex_run_line *lines; /**< in the order they happened */
	size_t n_lines;
	const struct pt_sim_result *outcome;  /**< the decisions made; NULL without a simulation */
	const struct pt_sim_result *baseline; /**< the baseline decision set; NULL without one */
	const struct pt_mci_stat *difference; /**< [pt_mci_output_count()]: outcome - baseline,
						   paired by replication; NULL: the difference
						   of the means without an interval */
	int headless;                      /**< nonzero: no facilitator marked expected actions
					        done (only decisions did): the table lists those no
					        decision satisfies apart */
};

/**
 * Scenario minutes as "HH:MM" (whole minutes, rounded down; hours may pass
 * 24: "26:30") into buf (at least 16 bytes); "-" for a negative time.
 */
void pt_ex_run_time_text(double t_min, char *buf, size_t size);

/**
 * The run as JSON: run, scenario, title, seed, replications, the timeline
 * (each entry with its "time" as HH:MM and "kind"; an inject's seq, stage,
 * type, delivery, from, to, description, expected_action, deadline and
 * contingency_of; a decision's id, label, value and role; an expected
 * action done (by a decision or the facilitator); a rerun's figures: the
 * outputs deaths, deaths_scene, deaths_transport, deaths_hospital,
 * critical_mortality, first_treatment_min and surgery_min with mean, lo and
 * hi, and each hospital's mean peak), each inject's final status, and the
 * outcome against the baseline (both, and their difference: its mean and,
 * paired by replication, its 95% interval). Keys in that
 * order (dump with JSON_PRESERVE_ORDER). New reference; NULL when out of memory.
 */
json_t *pt_ex_run_json(const struct pt_ex_run_doc *doc);

/**
 * The run as a table for people: the timeline, then the expected actions
 * late or not done, then the outcome against the baseline. PT_EIO when f fails.
 */
enum pt_err pt_ex_run_table(FILE *f, const struct pt_ex_run_doc *doc);

#endif
