/* pt_exercise.h - exercises (issue 15): the scenario (stages, roles, objectives
 * with capability targets and critical tasks, the Master Scenario Events List of
 * injects, decisions mapped to the mass-casualty simulation, a baseline decision
 * set) and the run engine: clock, schedule, contingency injects, decisions and
 * simulation reruns, as pure functions of the events given to them. No I/O. */
#ifndef PT_EXERCISE_H
#define PT_EXERCISE_H

#include <stddef.h>
#include <stdint.h>

#include "pt_err.h"
#include "pt_mci.h"

/* Limits (PT_ELIMIT when exceeded). */
#define PT_EX_MAX_STAGES 16       /**< stages of one scenario */
#define PT_EX_MAX_ROLES 32        /**< roles of one scenario */
#define PT_EX_MAX_OBJECTIVES 32   /**< objectives of one scenario */
#define PT_EX_MAX_TARGETS 16      /**< capability targets of one objective */
#define PT_EX_MAX_TASKS 32        /**< critical tasks of one capability target */
#define PT_EX_MAX_INJECTS 1000    /**< injects of one MSEL */
#define PT_EX_MAX_TO 32           /**< roles one inject goes to */
#define PT_EX_MAX_DECISIONS 64    /**< decisions players can make */
#define PT_EX_MAX_CHOICES 16      /**< choices of one decision */
#define PT_EX_MAX_BASELINE 256    /**< decisions of the baseline set (and of a decisions file) */
#define PT_EX_MAX_MADE 4096       /**< decisions made in one run */
#define PT_EX_MAX_SIM_MADE 192    /**< timed decisions that reach the simulation in one run (and in a
				       baseline): with the simulation's own (at most PT_MCI_MAX_DECISIONS -
				       PT_EX_MAX_SIM_MADE = 64) they fit its PT_MCI_MAX_DECISIONS */
#define PT_EX_ID_MAX 64           /**< bytes of an id (stage, role, objective, target, decision), with the NUL */
#define PT_EX_NAME_MAX 200        /**< bytes of a name, title, capability, delivery or from, with the NUL */
#define PT_EX_CHOICE_CHARS 63     /**< characters of a choice (its bytes: below PT_MCI_VALUE_MAX); a run
				       stores a decision's value whole in at most these (store: 63
				       characters, PT_MCI_VALUE_MAX bytes) */
#define PT_EX_TEXT_MAX 4000       /**< bytes of a description, expected action or task, with the NUL */
#define PT_EX_TIME_MAX (14 * 24 * 60) /**< latest scenario time, minutes (two weeks; hours may pass 24) */
#define PT_EX_SPEED_MIN 0.1       /**< slowest clock speed (scenario minutes per wall minute) */
#define PT_EX_SPEED_MAX 60.0      /**< fastest clock speed */
#define PT_EX_SIM_EVERY_MIN 15    /**< default: the simulation reruns every 15 scenario minutes */

/** An inject's type (HSEEP MSEL). */
enum pt_ex_inject_type {
	PT_EX_INJECT_INFORMATION = 0, /**< "information" */
	PT_EX_INJECT_EVENT,           /**< "event" */
	PT_EX_INJECT_MEDIA,           /**< "media" */
	PT_EX_INJECT_SOCIAL_MEDIA     /**< "social media" */
};

/** The name of an inject type ("social media"); "" when out of range. */
const char *pt_ex_inject_type_name(enum pt_ex_inject_type t);

/** Parses an inject type name (case-insensitive; "social_media" too). 0 on success, -1 unknown. */
int pt_ex_inject_type_parse(const char *s, enum pt_ex_inject_type *out);

/** The number of FEMA core capabilities (National Preparedness Goal, 2nd ed., 2015): 32. */
size_t pt_ex_capability_count(void);

/** The i-th core capability's name ("Operational Coordination"), static; NULL past the end. */
const char *pt_ex_capability_name(size_t i);

/**
 * The core capability that took the place of an older name s (a Target
 * Capabilities List name such as "Medical Surge", or ESF #8's "Public Health
 * and Medical Services"), compared without regard to case and punctuation:
 * its index for pt_ex_capability_name, or -1. For a "did you mean" only
 * (review 15B item 6): the old name is not accepted.
 */
int pt_ex_capability_suggest(const char *s);

/**
 * The index of the core capability named s (case-insensitive, spaces and
 * punctuation as in pt_ex_capability_name; failing that, its letters and
 * digits alone, without regard to case, spaces and punctuation), or -1 when
 * s is none of them.
 */
int pt_ex_capability_find(const char *s);

/** A stage of the scenario; stages run in the order of the array. */
struct pt_ex_stage {
	char *id;          /**< unique in the scenario */
	char *name;
	char *description; /**< may be "" */
};

/** A role players take (police commander, public information officer, ...). */
struct pt_ex_role {
	char *id;           /**< unique in the scenario ("police_commander") */
	char *name;         /**< "Police commander" */
	char *organisation; /**< the kind of organisation that plays it; may be "" */
	char *description;  /**< may be "" */
};

/** A capability target of an objective (HSEEP Exercise Evaluation Guide). */
struct pt_ex_target {
	char *id;           /**< unique in the scenario */
	char *text;         /**< the target: a measurable performance statement */
	char **tasks;       /**< its critical tasks */
	size_t n_tasks;     /**< 1 to PT_EX_MAX_TASKS */
};

/** An exercise objective mapped to one core capability. */
struct pt_ex_objective {
	char *id;                   /**< unique in the scenario */
	char *text;
	int capability;             /**< pt_ex_capability_name index */
	struct pt_ex_target *targets;
	size_t n_targets;           /**< 1 to PT_EX_MAX_TARGETS */
};

/** One inject of the MSEL. Times are scenario minutes from the start. */
struct pt_ex_inject {
	uint32_t seq;            /**< sequence number, unique, 1 to 999999 */
	char *stage;             /**< a stage id */
	int32_t t_min;           /**< when it is delivered, 0 to PT_EX_TIME_MAX */
	enum pt_ex_inject_type type;
	char *delivery;          /**< how it reaches players ("phone", "radio", "email", "in person"); may be "" */
	char *from;              /**< who sends it (a role id or an outside actor, "SimCell"); may be "" */
	char **to;               /**< role ids, 1 to PT_EX_MAX_TO */
	size_t n_to;
	char *description;
	char *expected_action;   /**< may be "" (nothing expected) */
	int capability;          /**< pt_ex_capability_name index, or -1 */
	int32_t deadline_min;    /**< the expected action is due by then (scenario minutes), or -1 */
	uint32_t contingency_of; /**< 0, or the seq of the inject whose expected action, not done
				      by this inject's time, makes this one fire (else it is cancelled) */
	char *satisfied_by;      /**< a decision id whose making satisfies the expected action, or NULL */
	char *satisfied_value;   /**< the value of satisfied_by that satisfies it (canonical after
				      pt_ex_scenario_check, as pt_ex_decision_value gives it), or
				      NULL or "any": any value (issue 15: decision_value) */
};

/** How a decision reaches the simulation. */
enum pt_ex_apply {
	PT_EX_APPLY_TIMED = 0, /**< a simulation decision at the scenario time it is made, with its value */
	PT_EX_APPLY_AT_TIME,   /**< the path takes the scenario time (minutes) it is made, from the start
				    ("scene declared safe": attack.sites.0.secure_min); no value */
	PT_EX_APPLY_LOG        /**< logged only: no simulation path */
};

/** What a decision's value is. */
enum pt_ex_value_kind {
	PT_EX_VALUE_NONE = 0, /**< no value (PT_EX_APPLY_AT_TIME and plain log entries) */
	PT_EX_VALUE_NUMBER,   /**< a number within [min, max] */
	PT_EX_VALUE_BOOL,     /**< "true" or "false" */
	PT_EX_VALUE_CHOICE    /**< one of choices[] */
};

/** A decision players can make. */
struct pt_ex_decision {
	char *id;                   /**< unique in the scenario ("ambulances_dispatched") */
	char *label;                /**< "Ambulances dispatched" */
	char *path;                 /**< a pt_mci_set key ("response.ambulances"), NULL for PT_EX_APPLY_LOG */
	enum pt_ex_apply apply;
	enum pt_ex_value_kind kind;
	double min, max;            /**< PT_EX_VALUE_NUMBER: its range */
	char **choices;             /**< PT_EX_VALUE_CHOICE: 1 to PT_EX_MAX_CHOICES */
	size_t n_choices;
	char **roles;               /**< the role ids allowed to make it, 1 to PT_EX_MAX_ROLES */
	size_t n_roles;
};

/** A decision made (or scripted) at a scenario time. */
struct pt_ex_made {
	uint32_t decision;          /**< index into the scenario's decisions */
	double t_min;               /**< scenario minutes */
	char value[PT_MCI_VALUE_MAX]; /**< as pt_mci_set takes it; "" for PT_EX_VALUE_NONE */
	char role[PT_EX_ID_MAX];    /**< the role that made it */
};

/**
 * An exercise scenario. Every string and array belongs to the scenario's own
 * arena: build one with pt_ex_scenario_new and pt_ex_strdup / pt_ex_alloc, and
 * release everything with pt_ex_scenario_free.
 */
#define PT_EX_MAX_UNDECIDED 32 /**< undecided entries of a scenario (issue 15 review 3) */

/**
 * A simulation parameter in force from the attack until a decision sets it
 * (issue 15 review 3: inaction costs): "response.rtf" = "false" says that no
 * rescue task force goes in before someone decides it. Its path is a timed
 * decision's path.
 */
struct pt_ex_undecided {
	char *path;  /**< a pt_mci_set key, shorter than PT_MCI_PATH_MAX */
	char *value; /**< its value as text, shorter than PT_MCI_VALUE_MAX */
};

struct pt_ex_scenario {
	char *id;                   /**< a short id ("hospital-attack-exercise") */
	char *title;
	char *description;          /**< may be "" */
	char *simulation;           /**< the mass-casualty scenario file it drives, relative to
					 the exercise file's directory ("hospital-attack.json"); NULL: none */
	int32_t duration_min;       /**< the scenario's length; ENDEX comes at the latest then */
	int32_t sim_start_min;      /**< the scenario minute at which the simulation's minute 0
					 (the attack) falls; decisions before it count from 0 */
	int32_t sim_every_min;      /**< simulation reruns every N scenario minutes (default 15) */
	uint32_t sim_replications;  /**< replications of each rerun (default 200, 10 to 10,000) */
	char **sim_to;              /**< role ids that receive the simulated figures */
	size_t n_sim_to;
	char *pio_role;             /**< the role that issues exercise alerts; NULL: none */
	char *site;                 /**< the registry site id the exercise plays at ("VM-012"), the
				         PIO's alert site by default; NULL: none (review finding 10) */
	char *tlp;                  /**< the run's records' default label ("AMBER") */
	struct pt_ex_stage *stages;
	size_t n_stages;
	struct pt_ex_role *roles;
	size_t n_roles;
	struct pt_ex_objective *objectives;
	size_t n_objectives;
	struct pt_ex_inject *injects; /**< in (t_min, seq) order after pt_ex_scenario_check */
	size_t n_injects;
	struct pt_ex_decision *decisions;
	size_t n_decisions;
	struct pt_ex_made *baseline; /**< the baseline decision set, in time order */
	size_t n_baseline;
	void *arena_;               /**< private */
	/* issue 15 review 3 and 4 */
	struct pt_ex_undecided *undecided; /**< applied to the simulation at its start (pt_ex_sim_scenario) */
	size_t n_undecided;
	int32_t h_hour_min;         /**< the clock time of day of scenario 00:00, minutes after
					 midnight (0 to 1439); -1: not stated */
};

/** A new empty scenario with the defaults above, or NULL when out of memory. */
struct pt_ex_scenario *pt_ex_scenario_new(void);

/** Releases sc and everything in its arena. NULL is fine. */
void pt_ex_scenario_free(struct pt_ex_scenario *sc);

/** Zeroed memory of n bytes from sc's arena (NULL when out of memory); freed with sc. */
void *pt_ex_alloc(struct pt_ex_scenario *sc, size_t n);

/** A NUL-terminated copy of s[0, len) in sc's arena (NULL when out of memory). */
char *pt_ex_strdup(struct pt_ex_scenario *sc, const char *s, size_t len);

/**
 * Checks every rule of a scenario and sorts its injects by (t_min, seq) and
 * its baseline by time: ids unique and non-empty, text limits, references
 * (an inject's stage, to and satisfied_by; a contingency's parent exists,
 * has an expected action, comes earlier, and is not itself a contingency;
 * a decision's roles; sim_to and pio_role are roles; baseline decisions
 * exist with valid values), times within 0 to duration_min, limits.
 * PT_EINVAL / PT_ELIMIT with d's field a path ("injects.3.to",
 * "decisions.ambulances.roles") and its message.
 */
enum pt_err pt_ex_scenario_check(struct pt_ex_scenario *sc, struct pt_diag *d);

#define PT_EX_WARN_MAX 64 /**< warnings pt_ex_scenario_warnings keeps (the rest counted) */

/** Warnings of a checked scenario: accepted, but likely not what was meant. */
struct pt_ex_warnings {
	struct {
		uint32_t seq;   /**< the inject it is about */
		char msg[1024]; /**< one line, naming the inject */
	} list[PT_EX_WARN_MAX];
	size_t n;
	size_t more;            /**< warnings past PT_EX_WARN_MAX, not kept */
};

/**
 * Warnings of a scenario pt_ex_scenario_check accepted (review findings 5,
 * 10), in inject order: an inject satisfied by a yes/no decision without
 * decision_value (any answer, "no" too, counts); an inject whose time is
 * earlier than that of an inject of the same stage with a lower sequence
 * number (a mistyped time such as 01:30 for 03:10).
 */
void pt_ex_scenario_warnings(const struct pt_ex_scenario *sc, struct pt_ex_warnings *w);

/**
 * Appends to w (filled by pt_ex_scenario_warnings) the warnings that need the
 * simulation scenario sim (review 15B item 1): an inject whose decision_value
 * is the value its timed decision's path has at the start (sim with the
 * scenario's undecided entries), so that the expected answer can never change
 * the outcome. Nothing when sim is NULL or memory is short.
 */
void pt_ex_scenario_warnings_sim(const struct pt_ex_scenario *sc,
				 const struct pt_mci_scenario *sim, struct pt_ex_warnings *w);

/**
 * Whether an inject's decision_value is "any" (any case): the planner says
 * that any value of the decision does the expected action (review 15B item 8).
 */
int pt_ex_value_is_any(const char *value);

/**
 * Checks that every decision's path is a key of the simulation scenario sim
 * (pt_mci_set on a copy with a value of the decision's kind). PT_EINVAL with
 * field "decisions.ID.path".
 */
enum pt_err pt_ex_scenario_check_sim(const struct pt_ex_scenario *sc,
				     const struct pt_mci_scenario *sim, struct pt_diag *d);

/** Index of the stage / role / decision with this id, or -1. */
int pt_ex_stage_find(const struct pt_ex_scenario *sc, const char *id);
/** Index of the role with this id, or -1. */
int pt_ex_role_find(const struct pt_ex_scenario *sc, const char *id);
/** Index of the decision with this id, or -1. */
int pt_ex_decision_find(const struct pt_ex_scenario *sc, const char *id);
/** Index of the inject with this seq, or -1. */
int pt_ex_inject_find(const struct pt_ex_scenario *sc, uint32_t seq);

/**
 * Checks a value for decision index i made by role: the role may make it, the
 * value fits the kind (a number in range, true/false, one of the choices;
 * empty for PT_EX_VALUE_NONE). Writes the canonical value into out
 * (PT_MCI_VALUE_MAX bytes). PT_EFORBIDDEN when the role may not make it,
 * PT_EINVAL for a bad value (field "value").
 */
enum pt_err pt_ex_decision_value(const struct pt_ex_scenario *sc, size_t i, const char *role,
				 const char *value, char out[PT_MCI_VALUE_MAX], struct pt_diag *d);

/* ---- the clock ------------------------------------------------------------ */

/** The state of a run's clock. */
enum pt_ex_clock_state {
	PT_EX_CLOCK_READY = 0, /**< created, not started */
	PT_EX_CLOCK_RUNNING,
	PT_EX_CLOCK_PAUSED,
	PT_EX_CLOCK_ENDED      /**< ENDEX or the scenario's end: final */
};

/**
 * A run's clock: scenario minutes as a function of wall time. Storing these
 * fields is enough to restore it after a restart. Wall times are Unix
 * milliseconds given by the caller (core has no clock).
 */
struct pt_ex_clock {
	enum pt_ex_clock_state state;
	int64_t base_wall_ms;  /**< wall time at the last start, resume or speed change */
	double base_min;       /**< scenario minutes at base_wall_ms */
	double speed;          /**< scenario minutes per wall minute (1 = real time) */
};

/** A ready clock at scenario minute 0, speed 1. */
void pt_ex_clock_init(struct pt_ex_clock *c);

/** Scenario minutes at wall time now_ms (frozen while ready, paused or ended). */
double pt_ex_clock_now(const struct pt_ex_clock *c, int64_t now_ms);

/**
 * Clock transitions at wall time now_ms. PT_ECONFLICT when the transition
 * does not apply in the clock's state (start when not ready, pause when not
 * running, resume when not paused, anything when ended); speed out of
 * [PT_EX_SPEED_MIN, PT_EX_SPEED_MAX] is PT_EINVAL (field "speed").
 */
enum pt_err pt_ex_clock_start(struct pt_ex_clock *c, int64_t now_ms, struct pt_diag *d);
/** Pauses a running clock (see pt_ex_clock_start). */
enum pt_err pt_ex_clock_pause(struct pt_ex_clock *c, int64_t now_ms, struct pt_diag *d);
/** Resumes a paused clock (see pt_ex_clock_start). */
enum pt_err pt_ex_clock_resume(struct pt_ex_clock *c, int64_t now_ms, struct pt_diag *d);
/** Sets the speed of a ready, running or paused clock (see pt_ex_clock_start). */
enum pt_err pt_ex_clock_speed(struct pt_ex_clock *c, int64_t now_ms, double speed,
			      struct pt_diag *d);
/**
 * Stops the clock for a suspension (a real-world emergency) at now_ms: a
 * running clock pauses, a paused one stays paused (pt_ex_clock_resume goes
 * on); PT_ECONFLICT when the clock has not started or has ended.
 */
enum pt_err pt_ex_clock_suspend(struct pt_ex_clock *c, int64_t now_ms, struct pt_diag *d);
/** Ends the clock (ENDEX) at now_ms; PT_ECONFLICT when already ended. */
enum pt_err pt_ex_clock_end(struct pt_ex_clock *c, int64_t now_ms, struct pt_diag *d);

/**
 * Wall milliseconds until the clock reaches scenario minute t (0 when it is
 * there already; INT64_MAX when the clock is not running): when to wake.
 */
int64_t pt_ex_clock_wall_until(const struct pt_ex_clock *c, int64_t now_ms, double t);

/* ---- the run engine ------------------------------------------------------- */

/** Where one inject of the scenario stands in a run. */
enum pt_ex_inject_status {
	PT_EX_PENDING = 0,  /**< not yet due */
	PT_EX_DELIVERED,    /**< delivered to its roles */
	PT_EX_SKIPPED,      /**< skipped by the facilitator */
	PT_EX_CANCELLED     /**< a contingency not needed: its parent's expected action was done */
};

/** The run's state of one scenario inject (same index as the scenario's injects). */
struct pt_ex_run_inject {
	enum pt_ex_inject_status status;
	double due_min;       /**< its time after shifts */
	double deadline_min;  /**< its deadline after shifts, or -1 */
	double delivered_min; /**< when delivered (or skipped, or cancelled), or -1 */
	double done_min;      /**< when its expected action was done, or -1 */
	uint32_t done_by;     /**< UINT32_MAX: the facilitator marked it; else the index into made[] */
};

/** What happened in a run, in the order it happened. */
enum pt_ex_event_kind {
	PT_EX_EV_START = 0, /**< the clock started */
	PT_EX_EV_PAUSE,
	PT_EX_EV_RESUME,
	PT_EX_EV_SPEED,     /**< value: the new speed */
	PT_EX_EV_SHIFT,     /**< value: minutes every pending inject moved (+ later, - earlier) */
	PT_EX_EV_INJECT,    /**< inject delivered (inject: its index); on time or triggered */
	PT_EX_EV_SKIP,      /**< inject skipped */
	PT_EX_EV_CANCEL,    /**< contingency inject cancelled: not needed */
	PT_EX_EV_DECISION,  /**< made: index into made[] */
	PT_EX_EV_DONE,      /**< an inject's expected action done (inject; made or UINT32_MAX) */
	PT_EX_EV_SIM_DUE,   /**< the simulation should rerun with the decisions made so far (value: how many) */
	PT_EX_EV_ENDEX,     /**< the run ended (by the facilitator, or at the scenario's end) */
	PT_EX_EV_SUSPEND    /**< suspended for a real-world emergency (the clock stops; the event's
			         text is the facilitator's message); a PT_EX_EV_RESUME ends it */
};

/** The name of an event kind ("inject", "sim_due"); "" when out of range. */
const char *pt_ex_event_kind_name(enum pt_ex_event_kind k);

/** One event of a run. */
struct pt_ex_event {
	enum pt_ex_event_kind kind;
	double t_min;      /**< scenario minutes */
	uint32_t inject;   /**< index of the scenario inject, or UINT32_MAX */
	uint32_t made;     /**< index into the run's made[], or UINT32_MAX */
	double value;      /**< PT_EX_EV_SPEED, PT_EX_EV_SHIFT */
};

/** Receives the events of a run as they happen. */
typedef void (*pt_ex_event_fn)(void *ctx, const struct pt_ex_event *ev);

/**
 * A run of a scenario: the state of its injects and the decisions made.
 * The scenario is borrowed and must outlive the run.
 */
struct pt_ex_run {
	const struct pt_ex_scenario *sc;
	struct pt_ex_run_inject *inj;   /**< sc->n_injects entries, owned */
	struct pt_ex_made *made;        /**< decisions made, in order, owned */
	size_t n_made, cap_made;
	double now_min;                 /**< how far the run has been advanced */
	double next_sim_min;            /**< the next periodic simulation rerun (-1: none) */
	double end_min;                 /**< when ENDEX comes: duration_min, moved by shifts
					     like the pending injects */
	int ended;                      /**< ENDEX delivered */
	double sim_start_min;           /**< the run's attack (simulation minute 0): sc->sim_start_min,
					     moved by shifts like the pending injects while it is still
					     ahead of now_min, never after (issue 15: shifts) */
};

/** Starts a run of sc at scenario minute 0 (every inject pending at its time). */
enum pt_err pt_ex_run_init(struct pt_ex_run *run, const struct pt_ex_scenario *sc);

/** Releases what pt_ex_run_init allocated. */
void pt_ex_run_free(struct pt_ex_run *run);

/**
 * Advances the run to scenario minute t (never backwards), emitting in time
 * order (ties: sim reruns, then contingencies cancelled, then deliveries in
 * (due, seq) order): injects due, contingency injects fired or cancelled
 * (a contingency fires at its time unless its parent's expected action was
 * done before), a PT_EX_EV_SIM_DUE every sim_every_min from sim_start_min
 * (none without a simulation, none twice at one time with the same
 * decisions), and PT_EX_EV_ENDEX at end_min (duration_min, moved by shifts).
 */
void pt_ex_run_advance(struct pt_ex_run *run, double t, pt_ex_event_fn fn, void *ctx);

/**
 * A decision (index into sc->decisions) made by role at the run's current
 * time: checked with pt_ex_decision_value, recorded, marks the expected
 * actions it satisfies done (delivered or not yet), and emits
 * PT_EX_EV_DECISION, any PT_EX_EV_DONE and a PT_EX_EV_SIM_DUE when the
 * decision reaches the simulation. PT_ELIMIT past PT_EX_MAX_MADE;
 * PT_ECONFLICT once ended.
 */
enum pt_err pt_ex_run_decide(struct pt_ex_run *run, size_t decision, const char *role,
			     const char *value, pt_ex_event_fn fn, void *ctx, struct pt_diag *d);

/**
 * Whether a made decision's canonical value satisfies inject in's expected
 * action as far as its value goes: always when in has no satisfied_value or
 * "any";
 * numbers compare as numbers, other values as canonical text (issue 15:
 * decision_value). The decision's id is compared by the caller.
 */
int pt_ex_value_satisfies(const struct pt_ex_scenario *sc, const struct pt_ex_inject *in,
			  const char *value);

/** The facilitator marks inject index i's expected action done now (PT_EINVAL: none expected; PT_ECONFLICT: done already or ended). */
enum pt_err pt_ex_run_mark_done(struct pt_ex_run *run, size_t i, pt_ex_event_fn fn, void *ctx,
				struct pt_diag *d);

/** The facilitator delivers pending inject index i now (PT_ECONFLICT when not pending or ended). */
enum pt_err pt_ex_run_trigger(struct pt_ex_run *run, size_t i, pt_ex_event_fn fn, void *ctx,
			      struct pt_diag *d);

/** The facilitator skips pending inject index i (PT_ECONFLICT when not pending or ended). */
enum pt_err pt_ex_run_skip(struct pt_ex_run *run, size_t i, pt_ex_event_fn fn, void *ctx,
			   struct pt_diag *d);

/**
 * Moves every pending inject (and its deadline) by delta minutes, the gaps
 * between them kept, and ENDEX; the attack (run->sim_start_min, with the
 * first periodic rerun) too while it is still ahead of the run's time. PT_EINVAL (field "minutes") when that would put one
 * before the run's current time, the message naming the most it may move
 * back; or past PT_EX_TIME_MAX.
 */
enum pt_err pt_ex_run_shift(struct pt_ex_run *run, double delta, pt_ex_event_fn fn, void *ctx,
			    struct pt_diag *d);

/** ENDEX now: pending injects stay pending, the run is final. PT_ECONFLICT when ended. */
enum pt_err pt_ex_run_endex(struct pt_ex_run *run, pt_ex_event_fn fn, void *ctx, struct pt_diag *d);

/**
 * The simulation scenario for the decisions in made[0, n) (a run's made, or
 * the baseline): a copy of sim with, for each decision that reaches the
 * simulation, a timed pt_mci decision (PT_EX_APPLY_TIMED) or its path set to
 * the time it was made (PT_EX_APPLY_AT_TIME), appended after sim's own
 * decisions, then pt_mci_check. Scenario minute t is simulation minute
 * t - sc->sim_start_min (0 when earlier). PT_ELIMIT past PT_MCI_MAX_DECISIONS.
 */
enum pt_err pt_ex_sim_scenario(const struct pt_ex_scenario *sc, const struct pt_mci_scenario *sim,
			       const struct pt_ex_made *made, size_t n, struct pt_mci_scenario *out,
			       struct pt_diag *d);

/**
 * pt_ex_sim_scenario with the attack at scenario minute sim_start_min (a
 * run's own, after shifts: run->sim_start_min) instead of sc->sim_start_min.
 */
enum pt_err pt_ex_sim_scenario_at(const struct pt_ex_scenario *sc, double sim_start_min,
				  const struct pt_mci_scenario *sim, const struct pt_ex_made *made,
				  size_t n, struct pt_mci_scenario *out, struct pt_diag *d);

/* ---- inject text that follows play (issue 15 review 4; pt_exercise_text.c) ---- */

/** Nonzero when NAME may follow "sim:" in a placeholder: dead, hot_zone, ccp_untriaged,
 *  ccp_T1, ccp_T2, ccp_T3, ccp_expectant, transport, walking, ambulances_committed,
 *  ambulances_en_route, ambulances_at_scene, ambulances_transporting, ambulances_used,
 *  arrived_N (N: the simulation's hospital index, 0 to 31); time (the
 *  scenario time of the figures, filled as HH:MM: review 15B item 4). */
int pt_ex_sim_name_known(const char *name);

/** The latest simulated figure NAME as a whole number into *out: nonzero when known. */
typedef int (*pt_ex_sim_value_fn)(void *ctx, const char *name, long long *out);

/**
 * Checks the placeholders of text: {decision:ID|fallback} (ID a decision of
 * sc), {sim:NAME|fallback} (pt_ex_sim_name_known), "{{" for a brace.
 * PT_EINVAL with why (size bytes) saying what is wrong.
 */
enum pt_err pt_ex_text_check(const struct pt_ex_scenario *sc, const char *text, char *why,
			     size_t size);

/**
 * text with its placeholders filled into out (size bytes, truncated, always
 * terminated): {decision:ID|fb} the value of the latest of made[0, n_made)
 * for ID made at or before t_min ("yes"/"no" for true/false, "yes" for a
 * decision without a value), {sim:NAME|fb} sim's value; fb when not known.
 * sim may be NULL (every sim placeholder gives its fallback).
 */
void pt_ex_text_fill(const struct pt_ex_scenario *sc, const char *text,
		     const struct pt_ex_made *made, size_t n_made, double t_min,
		     pt_ex_sim_value_fn sim, void *sim_ctx, char *out, size_t size);

#endif
