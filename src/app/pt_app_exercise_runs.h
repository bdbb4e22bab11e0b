/* pt_app_exercise_runs.h - live exercise runs (issue 15): a run of an exercise
 * scenario stored in the registry, its participants, the facilitator's clock,
 * players' decisions, responses and ICS 214 logs, evaluators' observations and
 * ratings, the improvement plan, the event stream and the simulation reruns. */
#ifndef PT_APP_EXERCISE_RUNS_H
#define PT_APP_EXERCISE_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_access.h"
#include "../core/pt_exercise.h"
#include "../core/pt_mci.h"
#include "../formats/pt_sim_io.h"
#include "pt_app.h"
#include "pt_app_alerts.h"

/*
 * Conventions of every use case below (docs/exercises.md, "Live runs";
 * docs/access.md, "Exercise runs"):
 * - run ids are the store's (> 0); a run the caller may not see
 *   (pt_access_run_read) is PT_ENOTFOUND field "run", exactly as one that
 *   does not exist;
 * - a caller who sees the run but whose part in it may not do the thing
 *   gets PT_EFORBIDDEN (field "role"), audited as "refused";
 * - wall time is pt_app_now(c->now) (unix seconds) in milliseconds; the
 *   engine is restored from the store, changed, and saved back with its
 *   events and the audit entry in one write transaction;
 * - PT_EDB, PT_EBUSY (another write held the database), PT_ENOMEM always
 *   possible; PT_ECONFLICT when the clock or the inject is not in a state
 *   that allows the change (a run ended by ENDEX changes no more).
 */

#define PT_APP_RUN_TITLE_MAX 200      /**< bytes of a run's title, with the NUL */
#define PT_APP_RUN_TEXT_MAX 4000      /**< bytes of a response, log activity, observation,
					   improvement text or ENDEX message, with the NUL */
#define PT_APP_RUN_NAME_MAX 64        /**< bytes of a user's or organisation's name kept, with the NUL */
#define PT_APP_RUN_LIST_MAX 1000      /**< runs one list returns (the newest) */
#define PT_APP_RUN_EVENTS_MAX 1000    /**< events one pt_app_run_events returns */
#define PT_APP_RUN_RECORDS_MAX 10000  /**< rows of one kind (responses, log entries,
					   observations, ...) a run keeps (PT_ELIMIT past it) */
/* attack review 4: quotas per participant and kind (docs/exercises.md, "Quotas") */
#define PT_APP_RUN_PLAYERS_MAX 6000   /**< a run's players' entries (responses, logs in a role) */
#define PT_APP_RUN_USER_RESPONSES_MAX 500 /**< responses one user writes in a run */
#define PT_APP_RUN_USER_LOG_MAX 500   /**< log entries one user writes in a run */
#define PT_APP_RUN_USER_OBS_MAX 2000  /**< observations (every kind) one evaluator records in a run */
#define PT_APP_RUN_ALERTS_MAX 50      /**< exercise alerts one run issues (attack review 2, round 2) */
#define PT_APP_RUN_OPEN_MAX 8         /**< runs not ended one facilitator may hold (attack review 5, round 2) */
#define PT_APP_RUN_PAGE_DEFAULT 200   /**< entries one page of pt_app_run_get_page holds by default */
#define PT_APP_RUN_PAGE_MAX 1000      /**< entries one page may hold */
#define PT_APP_RUN_SIM_DUE_MAX 64     /**< SIM_DUE events one change reports */
#define PT_APP_RUN_SIM_FROM "Simulation cell" /**< the sender of the simulated figures */

/** What a change did: for the server, to wake its event streams and queue simulation reruns. */
struct pt_app_run_done {
	long long run_id;
	long long last_event;       /**< id of the newest event of the run after the change (0: none) */
	size_t n_events;            /**< events the change stored */
	enum pt_ex_clock_state state;
	double now_min;             /**< scenario minutes after the change */
	long long sim_due[PT_APP_RUN_SIM_DUE_MAX]; /**< ids of the PT_EX_EV_SIM_DUE events stored */
	size_t n_sim_due;           /**< (more than PT_APP_RUN_SIM_DUE_MAX: the first ones) */
};

/* ---- create, assign, list, get ---- */

/** What to create a run from: a built-in scenario, or an uploaded one with its simulation. */
struct pt_app_run_create_opts {
	const char *builtin;        /**< id of a built-in exercise scenario (data/scenarios/ID.json,
					 "hospital-attack-exercise"), or NULL */
	const char *scenario;       /**< else the exercise scenario JSON (docs/exercises.md), */
	size_t scenario_len;        /**<   of scenario_len bytes (PT_EX_FILE_MAX_BYTES at most) */
	const char *sim;            /**< its simulation scenario JSON (docs/scenarios.md), needed when */
	size_t sim_len;             /**<   the scenario names a "simulation"; built-in: the embedded one */
	const char *title;          /**< NULL or "": the scenario's title */
	int tlp_set;                /**< nonzero: tlp holds; else the scenario's "tlp", else AMBER */
	enum pt_tlp tlp;
	int seed_set;               /**< nonzero: seed holds (0 to PT_APP_SIM_SEED_MAX); else random */
	uint64_t seed;
};

/**
 * POST /api/v1/runs: create a run (clock ready at minute 0, every inject
 * pending). Access: pt_access_run_create (facilitators, the system
 * administrator; else PT_EFORBIDDEN field "role"). The caller becomes the
 * run's lead facilitator; the run's owning organisation is the caller's.
 * The run keeps copies of both scenario files, so it never depends on
 * data/ again. Errors: PT_EINVAL (neither or both of builtin and scenario:
 * field "scenario"; an unknown builtin: PT_ENOTFOUND field "builtin"; a bad
 * file: d as pt_ex_scenario_read / pt_scenario_read give it, field prefixed
 * "scenario." or "sim."; a decision path the simulation lacks; a missing
 * simulation: field "sim"; title too long: "title"), PT_ELIMIT (also a
 * rerun over the facilitator role's budget, pt_access_run_sim_budget:
 * field "scenario.sim_replications" or "sim.attack.victims"). Audit
 * "run.create" (record table "exercise_runs", the run's id; detail the
 * scenario's id, its SHA-256, tlp and seed). *id: the new run's id.
 */
enum pt_err pt_app_run_create(const struct pt_caller *c, struct pt_db *db,
			      const struct pt_app_run_create_opts *o, long long *id,
			      struct pt_diag *d);

/**
 * Assign user_name to run id as member: PT_RUN_PLAYER with role (an
 * exercise role id of the run's scenario: PT_EINVAL field "role" when
 * unknown; a player may hold several roles, a role several players),
 * PT_RUN_EVALUATOR or PT_RUN_FACILITATOR (a co-facilitator; role NULL).
 * Access: pt_access_run_drive (the run's facilitators), then
 * pt_access_run_member on the user (its system role must be player,
 * evaluator or facilitator respectively, and the run's label must admit its
 * organisation: PT_EFORBIDDEN field "user"). An unknown user, or one the
 * caller may not see (pt_access_see_user does not apply: facilitators of
 * other organisations assign across organisations), is PT_ENOTFOUND field
 * "user". Already assigned so: PT_ECONFLICT; a user holds one kind of part
 * in a run (player, evaluator or facilitator: PT_ECONFLICT field "member").
 * Allowed until ENDEX. Audit "run.assign" (detail: user, member, role).
 */
enum pt_err pt_app_run_assign(const struct pt_caller *c, struct pt_db *db, long long id,
			      const char *user_name, enum pt_run_member member, const char *role,
			      struct pt_diag *d);

/**
 * Take user_name's part (role: one role of a player; NULL: every part) in
 * run id. Access as pt_app_run_assign; the lead facilitator (the run's
 * creator) cannot be unassigned (PT_ECONFLICT field "user"); not assigned:
 * PT_ENOTFOUND field "user". Decisions, responses and logs it made stay.
 * Audit "run.unassign".
 */
enum pt_err pt_app_run_unassign(const struct pt_caller *c, struct pt_db *db, long long id,
				const char *user_name, const char *role, struct pt_diag *d);

/** One participant of a run. */
struct pt_app_run_participant {
	long long user_id;
	char user[PT_APP_RUN_NAME_MAX];   /**< the user's name */
	char org[PT_APP_RUN_NAME_MAX];    /**< its organisation's name (ICS 214 "home agency") */
	enum pt_run_member member;
	char role[PT_EX_ID_MAX];          /**< PT_RUN_PLAYER: the exercise role id; else "" */
	int lead;                         /**< nonzero: the facilitator who created the run */
};

/** A run as a list shows it. Plain data. */
struct pt_app_run_summary {
	long long id;
	char title[PT_APP_RUN_TITLE_MAX];
	char scenario_id[PT_EX_ID_MAX];
	enum pt_tlp tlp;
	struct pt_ex_clock clock;         /**< as stored */
	double now_min;                   /**< scenario minutes at the caller's now */
	int ended;
	int64_t created_at;               /**< unix seconds */
	char created_by[PT_APP_RUN_NAME_MAX];
	enum pt_run_view view;            /**< what the caller sees of it (pt_access_run_view) */
};

/** A list of runs, newest first. Free with pt_app_run_list_free. */
struct pt_app_run_list {
	struct pt_app_run_summary *items;
	size_t n;
};

/**
 * GET /api/v1/runs: the runs c may see (pt_access_run_read: its
 * participants, government coordinators within the label, the system
 * administrator), newest first, at most PT_APP_RUN_LIST_MAX. No audit.
 */
enum pt_err pt_app_run_list(const struct pt_caller *c, struct pt_db *db,
			    struct pt_app_run_list **out, struct pt_diag *d);

/** Free a list; NULL does nothing. */
void pt_app_run_list_free(struct pt_app_run_list *l);

/** A decision made in a run. */
struct pt_app_run_made {
	struct pt_ex_made m;               /**< m.decision indexes the run's scenario */
	char decision_id[PT_EX_ID_MAX];
	char user[PT_APP_RUN_NAME_MAX];    /**< who made it */
	int64_t at;                        /**< wall time, unix seconds */
};

/** A response to an inject. */
struct pt_app_run_response {
	long long id;
	uint32_t seq;                      /**< the inject answered */
	char role[PT_EX_ID_MAX];           /**< the role answering */
	char user[PT_APP_RUN_NAME_MAX];
	double t_min;
	int64_t at;
	char *text;                        /**< owned */
};

/** An ICS 214 activity log entry (Activity Log, FEMA ICS Form 214). */
struct pt_app_run_log {
	long long id;
	char user[PT_APP_RUN_NAME_MAX];    /**< "Name" */
	char position[PT_EX_ID_MAX];       /**< "ICS Position": the exercise role */
	char agency[PT_APP_RUN_NAME_MAX];  /**< "Home Agency (and Unit)": the user's organisation */
	double t_min;                      /**< "Date/Time" in scenario minutes */
	int64_t at;                        /**< and on the wall clock */
	char *activity;                    /**< "Notable Activities"; owned */
};

/** What an evaluator records. */
enum pt_run_obs_kind {
	PT_RUN_OBS_OBSERVATION = 0, /**< "observation" */
	PT_RUN_OBS_STRENGTH,        /**< "strength" */
	PT_RUN_OBS_IMPROVEMENT      /**< "improvement": an area for improvement */
};

/** "observation", "strength", "improvement"; "" out of range. */
const char *pt_app_run_obs_kind_name(enum pt_run_obs_kind k);
/** Parse one of those (exact). PT_EINVAL when unknown. */
enum pt_err pt_app_run_obs_kind_parse(const char *s, enum pt_run_obs_kind *out);

/** A timestamped evaluator observation. */
struct pt_app_run_observation {
	long long id;
	char user[PT_APP_RUN_NAME_MAX];
	double t_min;
	int64_t at;
	int capability;                    /**< pt_ex_capability_name index, or -1 */
	char target[PT_EX_ID_MAX];         /**< a capability target id of the scenario, or "" */
	enum pt_run_obs_kind kind;
	char *text;                        /**< owned */
};

/** HSEEP ratings of a capability target. */
enum pt_run_rating {
	PT_RUN_RATING_P = 0, /**< performed without challenges */
	PT_RUN_RATING_S,     /**< performed with some challenges */
	PT_RUN_RATING_M,     /**< performed with major challenges */
	PT_RUN_RATING_U      /**< unable to be performed */
};

/** "P", "S", "M", "U"; "" out of range. */
const char *pt_app_run_rating_name(enum pt_run_rating r);
/** Parse "P", "S", "M" or "U" (case-insensitive). PT_EINVAL when not. */
enum pt_err pt_app_run_rating_parse(const char *s, enum pt_run_rating *out);

/** One rating of a capability target. */
struct pt_app_run_rating {
	char target[PT_EX_ID_MAX];
	char user[PT_APP_RUN_NAME_MAX];
	enum pt_run_rating rating;
	int final;                         /**< nonzero: the facilitator's final rating */
	int64_t at;
	char *note;                        /**< owned; may be "" */
};

/** The capability elements of an improvement plan (HSEEP). */
enum pt_run_element {
	PT_RUN_ELEMENT_PLANNING = 0, /**< "planning" */
	PT_RUN_ELEMENT_ORGANISATION, /**< "organisation" */
	PT_RUN_ELEMENT_EQUIPMENT,    /**< "equipment" */
	PT_RUN_ELEMENT_TRAINING,     /**< "training" */
	PT_RUN_ELEMENT_EXERCISE      /**< "exercise" */
};

/** "planning", ...; "" out of range. */
const char *pt_app_run_element_name(enum pt_run_element e);
/** Parse one of those (exact). PT_EINVAL when unknown. */
enum pt_err pt_app_run_element_parse(const char *s, enum pt_run_element *out);

/** One item of the improvement plan. */
struct pt_app_run_improvement {
	long long id;
	int capability;                    /**< pt_ex_capability_name index, or -1 */
	char *issue;                       /**< owned */
	char *action;                      /**< the corrective action; owned */
	enum pt_run_element element;
	char responsible[PT_APP_RUN_NAME_MAX]; /**< the responsible organisation (free text) */
	char due[11];                      /**< YYYY-MM-DD, or "" */
	char measure_id[PT_EX_ID_MAX];     /**< a measure of the catalogue, or "" */
	char risk_site[PT_EX_ID_MAX];      /**< a register entry: site id and threat id, or "" */
	char risk_threat[PT_EX_ID_MAX];
	char user[PT_APP_RUN_NAME_MAX];    /**< who added it */
	int64_t at;
	/* HSEEP 2020 (migration 027; pt_app_run_items_plan): "" / 0 for an item stored before it */
	long long afi;                     /**< the area for improvement (an observation's id), or 0 */
	char objective[PT_EX_ID_MAX];      /**< an objective id, or "" */
	char target[PT_EX_ID_MAX];         /**< a capability target id, or "" */
	char *analysis;                    /**< analysis and root cause; owned, NULL none */
	char poc[PT_APP_RUN_NAME_MAX];     /**< the organisation's point of contact, or "" */
	char start[11];                    /**< YYYY-MM-DD, or "" */
};

/**
 * One run as the caller may see it. Owned by the caller (pt_app_run_free).
 * sc is the scenario *as the caller may see it*: whole for a facilitator,
 * an evaluator and an observer; for a player only the injects delivered to
 * its roles so far (inj[] alike), no baseline, and only the decisions its
 * roles may make. Arrays are empty where the view shows nothing.
 */
/** A run's suspension for a real-world emergency (pt_app_run_suspend). */
struct pt_app_run_suspension {
	long long event;                 /**< its 'suspend' event, or 0: not suspended */
	double t_min;                    /**< scenario minute it began */
	int64_t at_ms;                   /**< wall unix milliseconds it began */
	char text[PT_APP_RUN_TEXT_MAX + 64]; /**< the text every participant sees */
};

struct pt_app_run {
	struct pt_app_run_summary s;
	struct pt_ex_scenario *sc;            /**< owned (pt_ex_scenario_free) */
	struct pt_ex_run_inject *inj;         /**< sc->n_injects states, same order */
	double next_sim_min;
	double sim_start_min; /**< the run's attack (scenario minutes), moved by shifts before it */
	uint64_t seed;
	struct pt_app_run_participant *participants; /**< everyone assigned (every view) */
	size_t n_participants;
	char my_roles[PT_EX_MAX_ROLES][PT_EX_ID_MAX]; /**< the caller's exercise roles */
	size_t n_my_roles;
	struct pt_app_run_made *made;         /**< player: its roles' only */
	size_t n_made;
	struct pt_app_run_response *responses; /**< player: its roles' only */
	size_t n_responses;
	struct pt_app_run_log *log;           /**< player: its own entries only */
	size_t n_log;
	struct pt_app_run_observation *observations; /**< facilitator, evaluator, observer */
	size_t n_observations;
	struct pt_app_run_rating *ratings;    /**< facilitator, evaluator, observer */
	size_t n_ratings;
	struct pt_app_run_improvement *improvements; /**< facilitator, evaluator, observer */
	size_t n_improvements;
	long long last_event;                 /**< the id of the run's newest event (SSE: ask for the
						   events after it to follow the run from now) */
	/* attack review 4 and 6 */
	int guide;            /**< nonzero: sc holds the evaluation guide, baseline, simulation
				 settings and the seed is the run's (pt_access_run_guide); 0: a
				 player's view, those left out (seed, sim_start_min 0,
				 next_sim_min -1) */
	size_t page_limit;    /**< the entries (responses, log, observations) of one page; 0: all */
	long long page_before; /**< the page holds the entries below this id (0: the newest) */
	int sim_figures;      /**< nonzero: one of the caller's roles receives the simulated figures
				 (the scenario's sim_to, which a player's view leaves out) */
	int page_more;        /**< nonzero: older entries the caller may see remain */
	long long page_next;  /**< the before of the next page (the oldest id on this one) */
	struct pt_app_run_suspension suspension; /**< every view */
};

/** Free r and everything in it; NULL does nothing. */
void pt_app_run_free(struct pt_app_run *r);

/**
 * GET /api/v1/runs/ID: run id as c may see it (pt_access_run_view: the
 * facilitators everything; a player its roles' injects delivered so far, its
 * decisions, responses and log, the clock; an evaluator and an observer
 * (a government coordinator) the timeline, every decision, response and
 * log, observations, ratings and the improvement plan). PT_ENOTFOUND field
 * "run". The read of a run labelled AMBER or above is audited as
 * "run.read" when c->audit_reads. Its responses, log and observations are
 * the newest PT_APP_RUN_PAGE_DEFAULT (pt_app_run_get_page for the others);
 * a player's view leaves out the evaluation guide, the simulation settings
 * and the seed (guide 0).
 */
enum pt_err pt_app_run_get(const struct pt_caller *c, struct pt_db *db, long long id,
			   struct pt_app_run **out, struct pt_diag *d);

/**
 * pt_app_run_get with the run's entries (responses, log entries,
 * observations of every kind, as c may see them) paged newest first (attack
 * review 4): at most limit of them (0: PT_APP_RUN_PAGE_DEFAULT; above
 * PT_APP_RUN_PAGE_MAX: PT_ELIMIT field "limit") with an id below before (0:
 * the newest); (*out)->page_more and page_next say whether older ones remain
 * and where the next page starts; each list newest first. pt_app_run_get
 * is its first page of PT_APP_RUN_PAGE_DEFAULT.
 */
enum pt_err pt_app_run_get_page(const struct pt_caller *c, struct pt_db *db, long long id,
				long long before, size_t limit, struct pt_app_run **out,
				struct pt_diag *d);

/* ---- the clock and the plan (the run's facilitators: pt_access_run_drive) ---- */

/**
 * Start the clock (ready -> running at scenario minute 0; due injects are
 * delivered by the same call). PT_ECONFLICT when not ready. Audit
 * "run.start". done (may be NULL) tells what changed.
 */
enum pt_err pt_app_run_start(const struct pt_caller *c, struct pt_db *db, long long id,
			     struct pt_app_run_done *done, struct pt_diag *d);

/** Pause (advances to now first, then freezes the clock). PT_ECONFLICT when not running. Audit "run.pause". */
enum pt_err pt_app_run_pause(const struct pt_caller *c, struct pt_db *db, long long id,
			     struct pt_app_run_done *done, struct pt_diag *d);

/** Resume a paused clock. PT_ECONFLICT when not paused. Audit "run.resume". */
enum pt_err pt_app_run_resume(const struct pt_caller *c, struct pt_db *db, long long id,
			      struct pt_app_run_done *done, struct pt_diag *d);

/**
 * Shift every pending inject (and its deadline) by minutes (+ later,
 * - earlier), the gaps between them kept (pt_ex_run_shift): never into the
 * past (PT_EINVAL field "minutes", the message naming the most it may move
 * back), at most PT_EX_TIME_MAX. Audit "run.shift".
 */
enum pt_err pt_app_run_shift(const struct pt_caller *c, struct pt_db *db, long long id,
			     double minutes, struct pt_app_run_done *done, struct pt_diag *d);

/** Set the clock's speed (PT_EX_SPEED_MIN to PT_EX_SPEED_MAX: PT_EINVAL field "speed"). Audit "run.speed". */
enum pt_err pt_app_run_speed(const struct pt_caller *c, struct pt_db *db, long long id,
			     double factor, struct pt_app_run_done *done, struct pt_diag *d);

/**
 * Deliver pending inject seq now (PT_ENOTFOUND field "seq" when the
 * scenario has none; PT_ECONFLICT when not pending). Audit "run.trigger".
 */
enum pt_err pt_app_run_trigger(const struct pt_caller *c, struct pt_db *db, long long id,
			       uint32_t seq, struct pt_app_run_done *done, struct pt_diag *d);

/** Skip pending inject seq (as pt_app_run_trigger). Audit "run.skip". */
enum pt_err pt_app_run_skip(const struct pt_caller *c, struct pt_db *db, long long id,
			    uint32_t seq, struct pt_app_run_done *done, struct pt_diag *d);

/**
 * Mark inject seq's expected action done now (pt_ex_run_mark_done: its
 * pending contingency is cancelled). PT_EINVAL when it expects nothing,
 * PT_ECONFLICT when done already. Audit "run.done".
 */
enum pt_err pt_app_run_mark_done(const struct pt_caller *c, struct pt_db *db, long long id,
				 uint32_t seq, struct pt_app_run_done *done, struct pt_diag *d);

/** Why a run ends early. */
enum pt_run_endex {
	PT_RUN_ENDEX_EXERCISE = 0, /**< the exercise is over ("ENDEX") */
	PT_RUN_ENDEX_REAL_WORLD    /**< a real-world emergency: stop playing now */
};

/**
 * ENDEX: end the run now, final (pending injects stay pending). The message
 * (may be NULL; at most PT_APP_RUN_TEXT_MAX bytes: PT_EINVAL field
 * "message") goes with one event to every participant at once (audience
 * all); a real-world emergency's text begins "REAL-WORLD EMERGENCY". Works
 * from every state but ended (PT_ECONFLICT). Audit "run.endex".
 */
enum pt_err pt_app_run_endex(const struct pt_caller *c, struct pt_db *db, long long id,
			     enum pt_run_endex why, const char *message,
			     struct pt_app_run_done *done, struct pt_diag *d);

/**
 * Suspend run id for a real-world emergency (STOPEX; a facilitator:
 * PT_EFORBIDDEN field "role"): the clock stops (a running one pauses), one
 * event "suspend" goes to every participant at once with the text
 * "REAL-WORLD EMERGENCY - EXERCISE SUSPENDED: " and message (may be NULL; at
 * most PT_APP_RUN_TEXT_MAX bytes: PT_EINVAL field "message"). Until
 * pt_app_run_resume (its "resume" event says the suspension is over) or
 * pt_app_run_endex, every other change and the players' decisions,
 * responses, logs and alerts are PT_ECONFLICT field "clock". PT_ECONFLICT
 * when the clock has not started, the run has ended or is suspended
 * already. Kept in the run's events, so a restart keeps it. Audit "run.suspend".
 */
enum pt_err pt_app_run_suspend(const struct pt_caller *c, struct pt_db *db, long long id,
			       const char *message, struct pt_app_run_done *done,
			       struct pt_diag *d);

/** Run id's suspension in force into s (s->event 0: none), inside the caller's transaction. */
enum pt_err pt_app_run_suspension(struct pt_db *db, long long id, struct pt_app_run_suspension *s,
				  struct pt_diag *d);

/** When pt_app_run_pause_all runs. */
enum pt_run_pause_when {
	PT_RUN_PAUSE_AT_STOP = 0, /**< the server stops: each clock pauses at c's now */
	PT_RUN_PAUSE_AT_RESTART   /**< the server starts: runs still running (it did not stop
				       cleanly) pause at the minute their last record reached */
};

/**
 * serve --pause-runs-on-restart: pause every running run, as the system
 * administrator at c's time, each with a "pause" event saying why and audit
 * "run.pause"; *n_paused how many. One run failing does not stop the others
 * (the first error is returned).
 */
enum pt_err pt_app_run_pause_all(const struct pt_caller *c, struct pt_db *db,
				 enum pt_run_pause_when when, size_t *n_paused, struct pt_diag *d);

/**
 * Advance running run id to the clock's time at c's now: injects due,
 * contingencies, SIM_DUE events and ENDEX at the scenario's end, every
 * event stored. No access check: it changes nothing anyone chose, so it is
 * done as the system administrator at c's time whoever c is (the server's
 * ticker, and any participant's read may call it), and audited so. A run not
 * running: PT_OK, nothing done. Audit "run.advance" only when events were
 * stored (detail: how many, the scenario minute).
 */
enum pt_err pt_app_run_tick(const struct pt_caller *c, struct pt_db *db, long long id,
			    struct pt_app_run_done *done, struct pt_diag *d);

/** What pt_app_run_tick_all did. Free with pt_app_run_ticks_free. */
struct pt_app_run_ticks {
	struct pt_app_run_done *runs; /**< the running runs that stored events (in id order) */
	size_t n;
	size_t failed;                /**< runs whose tick failed (each rolled back alone; see d) */
};

/**
 * The server's ticker (every second): pt_app_run_tick of every running run,
 * each in its own transaction (one failing does not stop the others: the
 * first failure is in d, counted in failed). Returns PT_OK unless the list
 * of running runs cannot be read.
 */
enum pt_err pt_app_run_tick_all(const struct pt_caller *c, struct pt_db *db,
				struct pt_app_run_ticks **out, struct pt_diag *d);

/** Free; NULL does nothing. */
void pt_app_run_ticks_free(struct pt_app_run_ticks *t);

/* ---- players (pt_access_run_play) ---- */

/**
 * A player of run id makes decision decision_id for its role role (one of
 * its roles in the run: else PT_EFORBIDDEN field "role") with value (text;
 * NULL or "" for a decision without value), checked by pt_ex_decision_value
 * (PT_EFORBIDDEN when the role may not make it, PT_EINVAL field "value";
 * unknown decision: PT_ENOTFOUND field "decision"). The run is advanced to
 * now first; the decision marks the expected actions it satisfies, cancels
 * their contingencies and (when it reaches the simulation) stores a SIM_DUE.
 * A run not running (ready, paused, ended): PT_ECONFLICT field "clock".
 * The system administrator may decide for any role. Audit "run.decide".
 */
enum pt_err pt_app_run_decide(const struct pt_caller *c, struct pt_db *db, long long id,
			      const char *role, const char *decision_id, const char *value,
			      struct pt_app_run_done *done, struct pt_diag *d);

/**
 * A player answers inject seq, delivered to role (one of its roles: else
 * PT_EFORBIDDEN field "role"; an inject not delivered to that role:
 * PT_ENOTFOUND field "seq"), with text (1 to PT_APP_RUN_TEXT_MAX - 1 bytes:
 * PT_EINVAL field "text"). Stored with the scenario minute; an event
 * "response" to the facilitators, evaluators and that role. Not after ENDEX
 * (PT_ECONFLICT). Audit "run.respond".
 */
enum pt_err pt_app_run_respond(const struct pt_caller *c, struct pt_db *db, long long id,
			       uint32_t seq, const char *role, const char *text,
			       struct pt_app_run_done *done, struct pt_diag *d);

/**
 * A participant's ICS 214 activity log entry: position role (one of the
 * caller's roles; a facilitator or evaluator: NULL, its part's name), at
 * scenario minute t_min (< 0: now; later than the clock's minute: PT_EINVAL
 * field "time"), activity text (field "activity"). Name and home agency come
 * from the user. Allowed after ENDEX (logs are completed after). Audit
 * "run.log". *entry_id (may be NULL): the entry's id.
 */
enum pt_err pt_app_run_log_add(const struct pt_caller *c, struct pt_db *db, long long id,
			       const char *role, double t_min, const char *activity,
			       long long *entry_id, struct pt_diag *d);

/* ---- evaluators (pt_access_run_evaluate) and the facilitator's final word ---- */

/** An observation to record. */
struct pt_app_run_obs_opts {
	double t_min;              /**< scenario minute observed; < 0: now */
	int capability;            /**< pt_ex_capability_name index or -1 (field "capability") */
	const char *target;        /**< a capability target id of the scenario, or NULL (field "target";
				        with a target, capability defaults to its objective's) */
	enum pt_run_obs_kind kind;
	const char *text;          /**< 1 to PT_APP_RUN_TEXT_MAX - 1 bytes (field "text") */
};

/** An evaluator records a timestamped observation, strength or area for improvement. Audit "run.observe". */
enum pt_err pt_app_run_observe(const struct pt_caller *c, struct pt_db *db, long long id,
			       const struct pt_app_run_obs_opts *o, long long *obs_id,
			       struct pt_diag *d);

/**
 * An evaluator rates capability target target (PT_ENOTFOUND field
 * "target" when the scenario has none) P, S, M or U with an optional note;
 * a second rating by the same evaluator replaces its first. Audit
 * "run.rate".
 */
enum pt_err pt_app_run_rate(const struct pt_caller *c, struct pt_db *db, long long id,
			    const char *target, enum pt_run_rating rating, const char *note,
			    struct pt_diag *d);

/**
 * The facilitator's final rating of target (pt_access_run_drive), where
 * several evaluators disagree (or to confirm one); replaces an earlier
 * final rating. Audit "run.rate.final".
 */
enum pt_err pt_app_run_rate_final(const struct pt_caller *c, struct pt_db *db, long long id,
				  const char *target, enum pt_run_rating rating, const char *note,
				  struct pt_diag *d);

/** An improvement plan item to add. */
struct pt_app_run_improvement_opts {
	int capability;            /**< index or -1 */
	const char *issue;         /**< required (field "issue") */
	const char *action;        /**< the corrective action, required (field "action") */
	enum pt_run_element element;
	const char *responsible;   /**< the responsible organisation, required (field "responsible") */
	const char *due;           /**< YYYY-MM-DD, required, a real date (field "due") */
	const char *measure_id;    /**< a measure of the catalogue or NULL (PT_ENOTFOUND field "measure") */
	const char *risk_site;     /**< with risk_threat: a register entry or NULL (fields "risk_site", */
	const char *risk_threat;   /**<   "risk_threat"; the site must be one c may read: else PT_ENOTFOUND) */
	/* HSEEP 2020 (migration 027; pt_app_run_item_plan_check): */
	long long afi;             /**< the area for improvement: an observation of kind improvement of
				        the run, or 0 (field "afi") */
	const char *objective;     /**< an objective id of the scenario or NULL (field "objective") */
	const char *target;        /**< a capability target id or NULL (field "target"); one of afi,
				        objective, target is required */
	const char *analysis;      /**< analysis and root cause or NULL (field "analysis") */
	const char *poc;           /**< the organisation's point of contact or NULL (field "poc") */
	const char *start;         /**< the start date YYYY-MM-DD, required (field "start"); due is
				        required too and not before it */
};

/**
 * Add an item to run id's improvement plan (the facilitators:
 * pt_access_run_drive; also after ENDEX). The link to a measure or register
 * entry is kept on the item (the other direction comes with the measures
 * issue). Its HSEEP details (the area for improvement or target it answers,
 * analysis, point of contact, start and due dates) are checked by
 * pt_app_run_item_plan_check and stored beside it (migration 027). Audit
 * "run.improvement".
 */
enum pt_err pt_app_run_improvement_add(const struct pt_caller *c, struct pt_db *db, long long id,
				       const struct pt_app_run_improvement_opts *o,
				       long long *item_id, struct pt_diag *d);

/* ---- the event stream ---- */

/** One stored event, as Server-Sent Events send it. */
struct pt_app_run_event {
	long long id;               /**< increasing over every run (the SSE id) */
	long long run_id;
	char kind[16];              /**< pt_ex_event_kind_name ("inject", "sim_due", "endex", ...),
				         or "sim" (the simulated figures), "response", "alert" */
	double t_min;               /**< scenario minutes */
	int64_t at_ms;              /**< wall time, unix milliseconds */
	uint32_t seq;               /**< the inject's seq (inject, skip, cancel, done, response), or 0 */
	long long made;             /**< index of the decision made (decision, done), or -1 */
	double value;               /**< speed; shift: minutes; sim_due: the decisions made */
	enum pt_run_audience audience;
	uint32_t roles;             /**< PT_RUN_TO_ROLES: bit i = scenario role i */
	char type[32];              /**< inject and sim: the inject type name */
	char from[PT_EX_NAME_MAX];  /**< inject and sim: the sender */
	char *text;                 /**< owned: an inject's description, a decision's label and value,
				         the ENDEX message, the figures in words, an alert's headline;
				         may be "" */
	char *detail;               /**< owned JSON or NULL: the figures (pt_sim_result_json), an
				         alert's identifier */
};

/** Events of one run. Free with pt_app_run_events_free. */
struct pt_app_run_events {
	struct pt_app_run_event *items;
	size_t n;
	int more;                   /**< nonzero: more than max were newer (ask again from the last id) */
};

/**
 * GET /api/v1/runs/ID/events (Last-Event-ID: after): the events of run id
 * with an id above after that c may see (pt_access_run_event: facilitators
 * all; evaluators and observers all but those to facilitators only;
 * players those to all and to one of their roles), oldest first, at most
 * max (0 or more than PT_APP_RUN_EVENTS_MAX: PT_APP_RUN_EVENTS_MAX).
 * PT_ENOTFOUND field "run". No audit (pt_app_run_get is the audited read).
 */
enum pt_err pt_app_run_events(const struct pt_caller *c, struct pt_db *db, long long id,
			      long long after, size_t max, struct pt_app_run_events **out,
			      struct pt_diag *d);

/** Free; NULL does nothing. */
void pt_app_run_events_free(struct pt_app_run_events *e);

/* ---- the simulation rerun: prepare (db), compute (pure), store (db) ---- */

/**
 * A rerun's work: what pt_app_run_sim_prepare read, what
 * pt_app_run_sim_compute made. Owned by the caller (pt_app_run_sim_free).
 */
struct pt_app_run_sim_job {
	long long run_id;
	long long sim_due;          /**< the PT_EX_EV_SIM_DUE event it answers */
	double t_min;               /**< its scenario minute */
	size_t n_made;              /**< decisions made when it was due */
	uint64_t seed;
	size_t replications;        /**< the scenario's sim_replications */
	struct pt_mci_scenario *sim; /**< the simulation with those decisions (pt_ex_sim_scenario); owned */
	uint32_t roles;             /**< the sim_to roles' bits */
	struct pt_sim_result *result; /**< pt_app_run_sim_compute's; owned */
	/* issue 15 (attack review 3): set by the caller before pt_app_run_sim_compute */
	pt_mci_progress_fn progress; /**< NULL, or called now and then: nonzero cancels the rerun */
	void *progress_ctx;
	char *prev_situation;       /**< the situation (JSON text) of the run's latest "sim" event (issue 15
				         review 3), to send players figures only when they change;
				         NULL: none; owned */
};

/** Free j and everything in it; NULL does nothing. */
void pt_app_run_sim_free(struct pt_app_run_sim_job *j);

/**
 * Read what rerun for SIM_DUE event sim_due of run id needs (one read
 * transaction): the run's simulation with the decisions made before the
 * event (pt_ex_sim_scenario), its seed and replications. No access check:
 * the server calls it for the events its ticker and the use cases
 * reported. PT_ENOTFOUND (field "event") when sim_due is no SIM_DUE event
 * of run id; PT_ECONFLICT when its figures are stored already; PT_EINVAL
 * when the run has no simulation.
 */
enum pt_err pt_app_run_sim_prepare(struct pt_db *db, long long id, long long sim_due,
				   struct pt_app_run_sim_job **out, struct pt_diag *d);

/**
 * Run j (pt_app_simulate_run: replications 0 .. j->replications - 1 with
 * j->seed, threads as given, 0 = 1): pure computation, no database, for
 * the server's compute pool. The same job gives the same figures.
 */
enum pt_err pt_app_run_sim_compute(struct pt_app_run_sim_job *j, unsigned threads,
				   struct pt_diag *d);

/**
 * Store j's figures as an event "sim" of type information from
 * PT_APP_RUN_SIM_FROM to the scenario's sim_to roles (text: deaths,
 * critical, ... in words with their 95% intervals; detail:
 * pt_sim_result_json), once per SIM_DUE (a second store: PT_ECONFLICT).
 * As c (the server's: pt_caller_system). Audit "run.sim". done may be NULL.
 */
enum pt_err pt_app_run_sim_store(const struct pt_caller *c, struct pt_db *db,
				 const struct pt_app_run_sim_job *j, struct pt_app_run_done *done,
				 struct pt_diag *d);

/**
 * issue 15 (attack review 2, 3): record that the rerun of SIM_DUE event
 * sim_due of run id is not computed, as an event "sim_skip" to the
 * facilitators that answers it (pt_app_run_sim_prepare refuses it from then
 * on: PT_ECONFLICT): by > 0, the newer SIM_DUE event that supersedes it;
 * 0, its cost is over the budget of one rerun. As c (the server's). Audit
 * "run.sim.skip". PT_ENOTFOUND as pt_app_run_sim_prepare; PT_ECONFLICT
 * when answered already or the run has ended. done may be NULL.
 */
enum pt_err pt_app_run_sim_skip(const struct pt_caller *c, struct pt_db *db, long long id,
				long long sim_due, long long by, struct pt_app_run_done *done,
				struct pt_diag *d);

/** prepare, compute (threads) and store in one call: the command line's and the tests'. */
enum pt_err pt_app_run_sim(const struct pt_caller *c, struct pt_db *db, long long id,
			   long long sim_due, unsigned threads, struct pt_app_run_done *done,
			   struct pt_diag *d);

/* ---- exercise alerts ---- */

/**
 * The run's public information officer (a player assigned to the
 * scenario's pio_role; pt_access_run_alert: whatever its system role)
 * issues a CAP alert with status Exercise from within run id: o as
 * pt_app_alert_new takes it, its status forced to Exercise (o->status set
 * to anything else: PT_EINVAL field "status"); the site must still be one
 * c may read. Never in the public feed (status Exercise). Stored with an
 * event "alert" to every participant naming the identifier, in one
 * transaction. A run not running: PT_ECONFLICT field "clock". Audit
 * "alert.issue" (pt_app_alert_new's) and "run.alert". *out as
 * pt_app_alert_new's.
 */
enum pt_err pt_app_run_alert(const struct pt_caller *c, struct pt_db *db, long long id,
			     const struct pt_app_alert_opts *o, struct pt_app_alert **out,
			     struct pt_app_run_done *done, struct pt_diag *d);

/**
 * Audit that c's refused requests on runs went past per_minute a minute and
 * that further ones are answered without an audit row of their own
 * (issue 15 attack review 6, round 2; N3, round 3). One refused-action row; PT_EDB.
 */
enum pt_err pt_app_run_refusals_throttled(const struct pt_caller *c, struct pt_db *db,
					  unsigned per_minute, struct pt_diag *d);

#endif
