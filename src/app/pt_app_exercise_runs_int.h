/* pt_app_exercise_runs_int.h - what the files of the exercise-run use cases
 * share (pt_app_exercise_runs.c, pt_app_exercise_runs_read.c): a run loaded
 * from the store with its engine restored, the caller's part, and saving it
 * back with its events. Nothing outside src/app sees it. */
#ifndef PT_APP_EXERCISE_RUNS_INT_H
#define PT_APP_EXERCISE_RUNS_INT_H

#include "../store/pt_exercise_store.h"
#include "pt_app_exercise_runs.h"

#define PT_APP_RUN_EV_MAX 4096 /**< events one change may emit (PT_ELIMIT past it) */

/** An event waiting to be stored (an engine event, or one of the use cases'). */
struct pt_app_run_pending {
	struct pt_ex_event ev;
	char kind[16];          /**< "" : pt_ex_event_kind_name(ev.kind) */
	size_t n_made;          /**< decisions made when it happened */
	char *text;             /**< owned; NULL: made from the event */
	char *detail;           /**< owned JSON or NULL */
	long long answers;      /**< a "sim" event: the SIM_DUE event it answers; else 0 */
	unsigned long roles;    /**< a use case's event to roles ("response", "sim"): their bits */
};

/** A run as loaded inside a transaction. */
struct pt_app_run_loaded {
	struct pt_db_run row;                  /**< with its files */
	struct pt_ex_scenario *sc;
	int engine;                            /**< nonzero: run restored (pt_ex_run_free) */
	struct pt_ex_run run;
	struct pt_ex_clock clock;
	struct pt_db_run_member *members;
	size_t n_members;
	struct pt_run_access ra;               /**< the caller's side */
	enum pt_run_view view;
	struct pt_ex_run_inject *saved_inj;    /**< the inject states as loaded (to write the changed) */
	size_t saved_made;                     /**< decisions as loaded */
	struct pt_db_run_decision *made_rows;  /**< who made the loaded decisions */
	size_t n_made_rows;
	struct pt_app_run_pending *pending;    /**< events to store */
	size_t n_pending, cap_pending;
	int overflow;                          /**< more than PT_APP_RUN_EV_MAX events */
	const struct pt_caller *c;
	const char *endex_text;                /**< the ENDEX event's text, when the change ends it */
	long long suspended;                   /**< engine: the 'suspend' event in force, or 0 */
	char *situation;                       /**< issue 15 review 4: the latest "sim" event's
						    situation (JSON text) for injects' {sim:...};
						    loaded by pt_app_run_store when needed, owned */
	int situation_loaded;
};

/**
 * The situation (JSON text, malloc) of run id's latest "sim" event into
 * *out, NULL when none (issue 15 review 3 and 4). PT_EDB, PT_ENOMEM.
 */
enum pt_err pt_app_run_latest_situation(struct pt_db *db, long long id, char **out,
					struct pt_diag *d);

/**
 * Load run id for c inside the caller's open transaction: the row with its
 * files, the scenario, the members and c's part (ra, view); with engine,
 * the clock and the run engine restored. PT_ENOTFOUND field "run" (one
 * message) when the run does not exist or c may not see it. Free with
 * pt_app_run_unload.
 */
enum pt_err pt_app_run_load(const struct pt_caller *c, struct pt_db *db, long long id, int engine,
			    struct pt_app_run_loaded *L, struct pt_diag *d);

/**
 * A run's text (attack review 8): s must be UTF-8 without control characters
 * (tab and new line pass when lines is nonzero; never CR), bidi controls
 * (U+202A-U+202E, U+2066-U+2069) or the line and paragraph separators
 * (pt_text_public_ok, PT_TEXT_LINES_LF). PT_EINVAL naming field and what was
 * found; s NULL passes.
 */
enum pt_err pt_app_run_text_check(const char *s, int lines, const char *field, struct pt_diag *d);

/**
 * pt_app_refused for a run's use case (record "exercise_runs" rid), and
 * also (attack review 7) a run the caller may not see, err PT_ENOTFOUND
 * field "run": audited as refused with "ACTION: not found" (the answer stays
 * the one of a run that does not exist); and (attack review 4) a quota
 * reached, PT_ELIMIT field "run" or "user": "ACTION: FIELD: message".
 * None of them when c->quiet_refusals (attack review N3, round 3). Returns err.
 */
enum pt_err pt_app_run_refused(const struct pt_caller *c, struct pt_db *db, const char *action,
			       const char *rid, enum pt_err err, const struct pt_diag *d);

/** Free what pt_app_run_load and the pending events hold. */
void pt_app_run_unload(struct pt_app_run_loaded *L);

/** The engine's event callback: keeps ev for pt_app_run_store (ctx: the loaded run). */
void pt_app_run_collect(void *ctx, const struct pt_ex_event *ev);

/**
 * Keep an event for pt_app_run_store: ev (its kind's name unless kind is
 * given: "response" and "sim" go to the roles in roles, with facilitators,
 * evaluators and observers; "alert" to everyone), text and detail copied
 * (NULL: the event's own words, no detail).
 */
enum pt_err pt_app_run_note(struct pt_app_run_loaded *L, const struct pt_ex_event *ev,
			    const char *kind, unsigned long roles, const char *text,
			    const char *detail, struct pt_diag *d);

/**
 * Save L's engine state, the inject states that changed, the new decisions
 * (made by c) and every pending event (filling done, may be NULL), at wall
 * time now_ms. In the caller's transaction.
 */
enum pt_err pt_app_run_store(struct pt_db *db, struct pt_app_run_loaded *L, int64_t now_ms,
			     struct pt_app_run_done *done, struct pt_diag *d);

/** The bit of exercise role id in L's scenario (0 when unknown). */
unsigned long pt_app_run_role_bit(const struct pt_ex_scenario *sc, const char *role);

/** Wall time of c in unix milliseconds (pt_app_now). */
int64_t pt_app_run_now_ms(const struct pt_caller *c);

/** The audit entry of a change of run id: action, detail (may be NULL). */
enum pt_err pt_app_run_audit(struct pt_db *db, long long id, const char *action,
			     const char *detail, struct pt_diag *d);

/** The name c writes under ("system" for the system administrator). */
const char *pt_app_run_who(const struct pt_caller *c);

/** c's organisation's name (ICS 214 home agency) into buf; "" for the system administrator. */
void pt_app_run_agency(struct pt_db *db, const struct pt_caller *c, char *buf, size_t size);

/**
 * PT_ECONFLICT field "clock" naming the suspension's time and message when
 * L's run is suspended for a real-world emergency (pt_app_run_suspend); else
 * PT_OK. The players' writes call it (decisions, responses, logs, alerts).
 */
enum pt_err pt_app_run_suspended_refuse(struct pt_db *db, const struct pt_app_run_loaded *L,
					struct pt_diag *d);

/**
 * PT_ECONFLICT field "value" when decision index k with value (role's) is
 * the value in force already: the last one made of that decision has the
 * same canonical value. Decisions without a value (actions) may be made again.
 */
enum pt_err pt_app_run_decision_repeat(const struct pt_app_run_loaded *L, size_t k,
				       const char *role, const char *value, struct pt_diag *d);

/** The RESUME event that ends L's suspension (to everyone, saying so). */
enum pt_err pt_app_run_unsuspend_note(struct pt_app_run_loaded *L, struct pt_diag *d);

#endif
