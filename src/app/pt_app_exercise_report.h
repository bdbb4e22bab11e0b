/* pt_app_exercise_report.h - the after-action report of an exercise run and
 * its improvement plan turned into work on the registry (issue 15): read the
 * report (one read transaction), compute its simulated outcome (pure, for the
 * server's compute pool), and link an improvement item to a measure at a
 * site or a note on a register risk, both ways. */
#ifndef PT_APP_EXERCISE_REPORT_H
#define PT_APP_EXERCISE_REPORT_H

#include <stddef.h>

#include "../core/pt_mci.h"
#include "../formats/pt_exercise_report_io.h"
#include "pt_app.h"

/** A report being made: what pt_app_run_report_prepare read. Free with pt_app_run_report_free. */
struct pt_app_run_report {
	struct pt_ex_report *doc;        /**< owned: the report (its outcome empty until computed) */
	struct pt_mci_scenario *sim_run; /**< owned: the simulation with the run's decisions; NULL
					      when the scenario drives none */
	struct pt_mci_scenario *sim_base; /**< owned: with the baseline decision set */
	size_t replications;             /**< PT_APP_EX_OUTCOME_REPS */
};

/** Free j and everything in it; NULL does nothing. */
void pt_app_run_report_free(struct pt_app_run_report *j);

/**
 * Read run id's report as c may read it (pt_access_run_report: its
 * facilitators, evaluators, observing government coordinators, the system
 * administrator; a player: PT_EFORBIDDEN field "role"; a run c may not see:
 * PT_ENOTFOUND field "run") in one read transaction: the overview, the
 * participants, each inject's state, the decisions made, observations,
 * ratings, the improvement plan with its links and each linked measure's
 * state (when c may read the site), and the two simulation scenarios
 * (pt_ex_sim_scenario with the run's decisions and with the baseline). The
 * read of a run labelled AMBER or above is audited as "run.report" when
 * c->audit_reads. *out: the caller's.
 */
enum pt_err pt_app_run_report_prepare(const struct pt_caller *c, struct pt_db *db, long long id,
				      struct pt_app_run_report **out, struct pt_diag *d);

/**
 * The simulated outcome (pure computation, no database: the server's
 * compute pool runs it): pt_app_simulate_run of both scenarios,
 * j->replications replications each with the run's seed (the same random
 * numbers), and the paired difference per output with its 95% interval,
 * into j->doc->outcome. threads: 0 = 1; never changes a number. Nothing to
 * do without a simulation.
 */
enum pt_err pt_app_run_report_compute(struct pt_app_run_report *j, unsigned threads,
				      struct pt_diag *d);

/** prepare and compute in one call (the command line's, the tests'). */
enum pt_err pt_app_run_report(const struct pt_caller *c, struct pt_db *db, long long id,
			      unsigned threads, struct pt_app_run_report **out, struct pt_diag *d);

/* ---- improvement items become work on the registry ---- */

#define PT_APP_LINK_NOTE_PREFIX "From exercise run" /**< how a register note names its origin */

/**
 * Link item item_id of run id's improvement plan to measure measure_id (of
 * the catalogue: else PT_ENOTFOUND field "measure") at site site_id: the
 * item's status follows the measure's state there (proposed by a saved
 * plan, approved, accepted, installed, verified, in place; "not at the
 * site" until a plan proposes it), and the site's measure view names the
 * run and the item. Access: pt_access_run_link on the run (PT_ENOTFOUND
 * field "run", PT_EFORBIDDEN field "role"), then pt_access_treat on the
 * site (a site c may not read: PT_ENOTFOUND field "site"; else
 * PT_EFORBIDDEN field "site"). An item not of the run: PT_ENOTFOUND field
 * "item"; linked to a measure already: PT_ECONFLICT. One write
 * transaction, audited "run.improvement.measure" (a refusal "refused").
 */
enum pt_err pt_app_run_improvement_measure(const struct pt_caller *c, struct pt_db *db,
					   long long id, long long item_id, const char *site_id,
					   const char *measure_id, struct pt_diag *d);

/**
 * Turn item item_id of run id's improvement plan into a note on register
 * risk (site_id, threat_id) (NULL: the item's own risk_site and
 * risk_threat; neither: PT_EINVAL field "site"): pt_app_register_set with
 * the risk's note followed by "From exercise run N, item M: ACTION
 * (responsible R, due D)" (cut to the note's limit), so the register, its
 * history and its rules (pt_access_treat, the pair assessed) apply; the
 * link is stored on the item. Access and errors as
 * pt_app_run_improvement_measure; a note with no room left: PT_ELIMIT
 * field "note". One write transaction, audited "register.set" and
 * "run.improvement.register".
 */
enum pt_err pt_app_run_improvement_register(const struct pt_caller *c, struct pt_db *db,
					    long long id, long long item_id, const char *site_id,
					    const char *threat_id, struct pt_diag *d);

/** The statuses the facilitators give an improvement item. */
#define PT_APP_ITEM_STATUSES "open, in progress, done or cancelled"

/**
 * Give item item_id of run id's improvement plan a status: "open", "in
 * progress", "done" or "cancelled" (else PT_EINVAL field "status"); the
 * report shows it unless the item was made a measure (whose state it
 * follows). Access: pt_access_run_drive (the run's facilitators; a run c
 * may not see: PT_ENOTFOUND field "run"; else PT_EFORBIDDEN field "role"),
 * also after ENDEX; an item not of the run: PT_ENOTFOUND field "item". The
 * statuses are kept in order (their history). Audited
 * "run.improvement.status".
 */
enum pt_err pt_app_run_improvement_status(const struct pt_caller *c, struct pt_db *db, long long id,
					  long long item_id, const char *status, struct pt_diag *d);

#endif
