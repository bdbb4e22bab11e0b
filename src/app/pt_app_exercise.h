/* pt_app_exercise.h - the exercise use cases (issue 15). This session's part:
 * the headless run (`protect exercise run FILE --auto`), which plays a
 * scenario's MSEL with scripted decisions and reruns the mass-casualty
 * simulation as a live run would, using scenario time only. */
#ifndef PT_APP_EXERCISE_H
#define PT_APP_EXERCISE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_exercise.h"
#include "../core/pt_mci.h"
#include "../formats/pt_sim_io.h"
#include "pt_app.h"

#define PT_APP_EX_OUTCOME_REPS 1000 /**< replications of the outcome and the baseline comparison */

/** What to play. */
struct pt_app_ex_auto_opts {
	const struct pt_ex_scenario *sc;
	const struct pt_mci_scenario *sim;  /**< the simulation it drives; NULL: none (no reruns) */
	const struct pt_ex_made *decisions; /**< scripted decisions in time order; NULL: the baseline */
	size_t n_decisions;
	uint64_t seed;                      /**< simulation seed, and the source of the run's id */
	unsigned threads;                   /**< simulation threads (0 = 1); never changes a number */
	size_t outcome_replications;        /**< 0: PT_APP_EX_OUTCOME_REPS */
	pt_mci_progress_fn progress;        /**< optional: replications done of all the run's
						 simulations (the reruns, the outcome, the baseline) */
	void *progress_ctx;
};

/** One line of the timeline: an event and, for PT_EX_EV_SIM_DUE, the rerun's figures. */
struct pt_app_ex_entry {
	struct pt_ex_event ev;
	struct pt_sim_result *sim; /**< PT_EX_EV_SIM_DUE with a simulation: sc->sim_replications
				        replications with the decisions made so far; else NULL */
	size_t n_made;             /**< decisions made when the event happened */
};

/** What a headless run gives. Owned by the caller (pt_app_ex_auto_result_free). */
struct pt_app_ex_auto_result {
	char run_id[40];                 /**< "run-" and 16 hex digits derived from the seed */
	struct pt_app_ex_entry *entries; /**< in the order they happened */
	size_t n_entries;
	struct pt_ex_run run;            /**< the final state: each inject's status, the decisions made */
	struct pt_sim_result *outcome;   /**< the decisions made, outcome_replications; NULL without a simulation */
	struct pt_sim_result *baseline;  /**< the baseline decision set, same replications and seed */
	struct pt_mci_stat *difference;  /**< [pt_mci_output_count()]: outcome - baseline replication
					      by replication (paired: the same random numbers), its
					      mean and 95% interval (p025, p975 NaN); NULL without a
					      simulation */
};

/**
 * Plays o->sc from scenario minute 0 to its end: delivers every inject at
 * its time, makes each scripted decision at its time (its role must be
 * allowed: PT_EINVAL naming "decisions.N.role"), fires or cancels
 * contingency injects, reruns the simulation (pt_ex_sim_scenario with the
 * decisions so far; seed o->seed, replications 0 .. sim_replications-1, so
 * every rerun meets the same random numbers) at each PT_EX_EV_SIM_DUE, and
 * ends with the outcome of the decisions made and of the baseline and their
 * paired difference. A scripted decision must come before the end
 * (PT_EINVAL naming "decisions.N.time"); scripted decisions are made in time
 * order (stable), each once the run has reached its minute. Same
 * inputs, same result, whatever the threads. PT_EINVAL, PT_ELIMIT,
 * PT_ENOMEM with d set.
 */
enum pt_err pt_app_exercise_auto(const struct pt_app_ex_auto_opts *o,
				 struct pt_app_ex_auto_result **out, struct pt_diag *d);

/** Frees r and everything in it; NULL is fine. */
void pt_app_ex_auto_result_free(struct pt_app_ex_auto_result *r);

#endif
