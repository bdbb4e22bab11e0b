/* pt_exercise_report_io.h - the after-action report of an exercise run
 * (issue 15): overview, timeline, ratings per capability target with
 * strengths and areas for improvement, the simulated outcome of the run's
 * decisions against the baseline, and the improvement plan; as one printable
 * HTML page and the improvement plan as CSV. */
#ifndef PT_EXERCISE_REPORT_IO_H
#define PT_EXERCISE_REPORT_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/pt_err.h"
#include "../core/pt_exercise.h"
#include "../core/pt_marking.h"
#include "../core/pt_mci.h"
#include "pt_sim_io.h"

#define PT_EX_REPORT_NAME 64 /**< bytes of a user's, organisation's or id field, with the NUL */

/** One participant. */
struct pt_ex_report_person {
	char user[PT_EX_REPORT_NAME];
	char org[PT_EX_REPORT_NAME];   /**< its organisation ("" none) */
	char part[16];                 /**< "facilitator", "evaluator", "player" */
	char role[PT_EX_REPORT_NAME];  /**< a player's exercise role id; else "" */
	int lead;                      /**< the facilitator who created the run */
};

/** One decision made in the run. */
struct pt_ex_report_made {
	struct pt_ex_made m;           /**< m.decision indexes the scenario's decisions */
	char user[PT_EX_REPORT_NAME];  /**< who made it */
	int64_t at;                    /**< wall time, unix seconds */
};

/** An evaluator's observation, strength or area for improvement. */
struct pt_ex_report_obs {
	char user[PT_EX_REPORT_NAME];
	double t_min;
	int64_t at;
	int capability;                /**< pt_ex_capability_name index, or -1 */
	char target[PT_EX_REPORT_NAME]; /**< a capability target id, or "" */
	char kind[16];                 /**< "observation", "strength", "improvement" */
	char *text;                    /**< owned */
};

/** A rating of a capability target. */
struct pt_ex_report_rating {
	char target[PT_EX_REPORT_NAME];
	char user[PT_EX_REPORT_NAME];
	char rating;                   /**< 'P', 'S', 'M' or 'U' */
	int final;                     /**< the facilitator's final rating */
	int64_t at;
	char *note;                    /**< owned; may be "" */
};

/** An improvement plan item with what became of it. */
struct pt_ex_report_item {
	long long id;
	int capability;                /**< index or -1 */
	char *issue;                   /**< owned */
	char *action;                  /**< the corrective action; owned */
	char element[16];              /**< "planning", "organisation", "equipment", "training", "exercise" */
	char responsible[PT_EX_REPORT_NAME];
	char due[11];                  /**< YYYY-MM-DD or "" */
	char measure_id[PT_EX_REPORT_NAME];  /**< the catalogue measure the item names, or "" */
	char risk_site[PT_EX_REPORT_NAME];   /**< the register entry it names, or "" */
	char risk_threat[PT_EX_REPORT_NAME];
	/* the links made (pt_app_run_improvement_measure / _register) */
	char linked_site[PT_EX_REPORT_NAME];    /**< a measure at this site, or "" */
	char linked_measure[PT_EX_REPORT_NAME];
	char measure_state[16];        /**< its state there now ("proposed" ... "existing"; "" not
					    readable by the report's reader; "removed" gone) */
	char noted_site[PT_EX_REPORT_NAME];     /**< a note on this register risk, or "" */
	char noted_threat[PT_EX_REPORT_NAME];
	/* HSEEP 2020 (migration 027; "" / 0 for an item stored before it) */
	long long afi;                 /**< the area for improvement (an observation's id), or 0 */
	char objective[PT_EX_REPORT_NAME]; /**< the objective id it concerns, or "" */
	char target[PT_EX_REPORT_NAME];    /**< the capability target id, or "" */
	char *analysis;                /**< analysis and root cause; owned, may be "" */
	char poc[PT_EX_REPORT_NAME];   /**< the organisation's point of contact, or "" */
	char start[11];                /**< start date YYYY-MM-DD, or "" */
	char given_status[16];         /**< the facilitators' ("open", "in progress", "done",
					    "cancelled"), or "" never given */
	char status[24];               /**< pt_ex_report_item_status's */
};

/**
 * An item's status into it->status: an item made a measure follows the
 * measure's state at its site ("proposed", "approved", "accepted",
 * "declined", "installed", "verified"; "in place" for a measure in place;
 * "not at the site" until a plan proposes it; "linked" when the reader may
 * not read the site); else the status the facilitators gave it; else
 * "noted" for a note on a register risk; else "open".
 */
void pt_ex_report_item_status(struct pt_ex_report_item *it);

/** A player's output: a response to an inject or an ICS 214 activity log entry. */
struct pt_ex_report_entry {
	char kind[16];                 /**< "response" or "log" */
	long long seq;                 /**< response: the inject's seq; log: 0 */
	char role[PT_EX_REPORT_NAME];  /**< response: the exercise role; log: the ICS position */
	char user[PT_EX_REPORT_NAME];
	char agency[PT_EX_REPORT_NAME]; /**< log: the home agency, or "" */
	double t_min;
	int64_t at;
	char *text;                    /**< owned */
};

/** A mark of the run's history: a clock event or an exercise alert issued. */
struct pt_ex_report_mark {
	char kind[16];                 /**< "start", "pause", "resume", "speed", "shift", "suspend",
					    "endex", "alert" */
	double t_min;                  /**< scenario minutes */
	int64_t at;                    /**< wall time, unix seconds */
	double value;                  /**< speed: the new speed; shift: the minutes */
	char *text;                    /**< owned: the event's text (a server pause's reason, a
					    suspension's message, ENDEX's, the alert's line) */
	int server;                    /**< pause: made by the server (serve --pause-runs-on-restart) */
	char composer[PT_EX_REPORT_NAME]; /**< alert: who composed it, or "" */
	char site[PT_EX_REPORT_NAME];  /**< alert: its site, or "" */
	char state[16];                /**< alert: its state, or "" */
};

/** The simulated outcome of the run's decisions against the baseline (same seed). */
struct pt_ex_report_outcome {
	size_t replications;           /**< each (PT_APP_EX_OUTCOME_REPS) */
	uint64_t seed;                 /**< the run's */
	size_t n_decisions;            /**< decisions of the run that reached the simulation */
	size_t n_baseline;
	struct pt_sim_result *run;     /**< owned */
	struct pt_sim_result *baseline; /**< owned */
	struct pt_mci_stat *diff;      /**< owned [pt_mci_output_count()]: the paired difference
					    run - baseline per replication (common random numbers),
					    its mean and 95% confidence interval */
};

/** A run's after-action report. Owned; free with pt_ex_report_free. */
struct pt_ex_report {
	long long run_id;
	char title[200];
	enum pt_tlp tlp;               /**< the run's records' label: the report's marking */
	uint64_t seed;
	int64_t created_at;            /**< unix seconds */
	char created_by[PT_EX_REPORT_NAME];
	int64_t started_at;            /**< the clock's start (unix seconds), 0 not started */
	int64_t ended_at;              /**< ENDEX, 0 not ended */
	char clock_state[16];          /**< "ready", "running", "paused", "ended" */
	double now_min;                /**< scenario minutes reached */
	char *endex_text;              /**< owned: ENDEX's message, or NULL */
	struct pt_ex_scenario *sc;     /**< owned: the run's scenario, whole */
	struct pt_ex_run_inject *inj;  /**< owned [sc->n_injects]: each inject's state */
	char **sent;                   /**< owned [n_sent]: each inject's text as delivered
					    (placeholders filled), NULL when it was not delivered
					    or the run stored none (issue 15 review 2, item 3) */
	size_t n_sent;
	double sim_start_min;          /**< the run's attack (scenario minutes) after shifts */
	struct pt_ex_report_person *people;
	size_t n_people;
	struct pt_ex_report_made *made;
	size_t n_made;
	struct pt_ex_report_obs *obs;
	size_t n_obs;
	struct pt_ex_report_rating *ratings;
	size_t n_ratings;
	struct pt_ex_report_item *items;
	size_t n_items;
	struct pt_ex_report_entry *entries; /**< players' responses and ICS 214 entries, in order */
	size_t n_entries;
	struct pt_ex_report_mark *marks; /**< the clock's history and the exercise alerts, in order */
	size_t n_marks;
	int has_sim;                   /**< the scenario drives a simulation */
	char sim_note[256];            /**< why the simulated outcome is missing, or "" */
	char hospital_note[1024];      /**< under the hospital table: each hospital the simulation
					    locks down at the start, until when, and the run's
					    decisions that changed it (review 15C item A); or "" */
	struct pt_ex_report_outcome outcome; /**< filled by the compute step; run NULL before */
};

/** Free r and everything in it; NULL does nothing. */
void pt_ex_report_free(struct pt_ex_report *r);

/** The HSEEP meaning of a rating letter ("Performed without challenges", ...); "" unknown. */
const char *pt_ex_report_rating_meaning(char rating);

/**
 * The report as one self-contained printable HTML page (no external
 * resources; every text escaped): the TLP marking at the top and the
 * bottom of every printed page; overview, timeline, ratings per capability
 * target (each evaluator's, the final, the strengths and areas for
 * improvement observed), the simulated outcome against the baseline, the
 * improvement plan. PT_EIO when f fails.
 */
enum pt_err pt_ex_report_html(FILE *f, const struct pt_ex_report *r);

/**
 * The improvement plan as CSV: the marking line ("# TLP:AMBER"), then the
 * header run_id,item,capability,issue,corrective_action,capability_element,
 * responsible_organisation,due,status,measure_site,measure_id,register_site,
 * register_threat and one row per item (RFC 4180, CRLF). PT_EIO when f fails.
 */
enum pt_err pt_ex_report_csv(FILE *f, const struct pt_ex_report *r);

#endif
