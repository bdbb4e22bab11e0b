/* pt_mci.h - the mass-casualty incident model (issue 14): victims of an
 * attack deteriorating on competing clocks (SIMEDIS: Debacker et al. 2016,
 * Benhassine et al. 2025), police securing the scene, rescue task forces,
 * triage, the casualty collection point, ambulances, hospitals; on the
 * event queue of pt_evq.h. Pure: no I/O, no clock; docs/methodology.md. */
#ifndef PT_MCI_H
#define PT_MCI_H

#include <stddef.h>
#include <stdint.h>

#include "pt_err.h"

/* Limits (PT_ELIMIT). */
#define PT_MCI_MAX_VICTIMS 20000
#define PT_MCI_MAX_SITES 16
#define PT_MCI_MAX_HOSPITALS 32
#define PT_MCI_MAX_BASES 32
#define PT_MCI_MAX_AMBULANCES 2000
#define PT_MCI_MAX_DECISIONS 256
#define PT_MCI_MAX_REPLICATIONS 1000000
#define PT_MCI_NAME_MAX 96      /**< a name + NUL */
#define PT_MCI_PATH_MAX 96      /**< a dotted key ("hospitals.0.icu_beds") + NUL */
#define PT_MCI_VALUE_MAX 96     /**< a decision's value as text + NUL */
#define PT_MCI_LOAD_STEP_MIN 10 /**< the hospital-load series' step, minutes */

/** Triage method. */
enum pt_mci_triage { PT_MCI_TRIAGE_START = 0, PT_MCI_TRIAGE_SALT };
/** Where critical patients go. */
enum pt_mci_policy {
	PT_MCI_POLICY_NEAREST = 0, /**< nearest hospital with free capacity */
	PT_MCI_POLICY_BALANCED     /**< critical patients to the hospital with the most free
				        resuscitation capacity within travel_limit_min; others nearest */
};
/** Triage categories (true and assigned). */
enum pt_mci_cat { PT_MCI_T1 = 0 /**< immediate */, PT_MCI_T2 /**< delayed */,
		  PT_MCI_T3 /**< minor */, PT_MCI_DEAD /**< dead or expectant */ };
#define PT_MCI_CATS 4
/** Severity classes of the attack's victim mix. */
enum pt_mci_sev { PT_MCI_KILLED = 0 /**< killed outright */, PT_MCI_NISS16 /**< NISS >= 16: lethal untreated */,
		  PT_MCI_NISS9 /**< NISS 9-15 */, PT_MCI_NISS1 /**< NISS <= 8 */ };
#define PT_MCI_SEVS 4

/** A triangular distribution (minutes unless said otherwise); min <= mode <= max. */
struct pt_mci_tri {
	double min, mode, max;
};

/** One attack site (several for a multi-site attack). */
struct pt_mci_site {
	char name[PT_MCI_NAME_MAX];
	double share;                 /**< of attack.victims; shares sum to 1 */
	struct pt_mci_tri secure_min; /**< police make the scene safe for EMS after this */
	double base_travel_min[PT_MCI_MAX_BASES];         /**< base b -> this site, minutes */
	double hospital_travel_min[PT_MCI_MAX_HOSPITALS]; /**< this site -> hospital h, minutes */
	int hospital_index;           /**< the hospital attacked here (-1: none) */
};

/** An ambulance base. */
struct pt_mci_base {
	char name[PT_MCI_NAME_MAX];
	unsigned ambulances;          /**< ambulances it sends */
	struct pt_mci_tri dispatch_min; /**< alert to departure */
	double wave_interval_min;     /**< 0: all at once; else one ambulance every this many minutes */
};

/** A receiving hospital, as servers. */
struct pt_mci_hospital {
	char name[PT_MCI_NAME_MAX];
	unsigned ed_beds;      /**< emergency-department places (T2, T3) */
	unsigned resus;        /**< resuscitation bays (T1) */
	unsigned or_tables;    /**< operating tables */
	unsigned icu_beds;
	double surge_factor;   /**< capacities x this after surge_delay_min (>= 1) */
	double surge_delay_min;
	int locked_down;       /**< nonzero: receives nobody (the attacked hospital in lockdown) */
	struct pt_mci_tri resus_min;   /**< resuscitation time of a T1 */
	struct pt_mci_tri surgery_min; /**< operation time */
	struct pt_mci_tri ed_min;      /**< ED treatment time of a T2/T3 */
};

/** A decision that changes a parameter at a time (exercises inject them). */
struct pt_mci_decision {
	double t_min;
	char path[PT_MCI_PATH_MAX];   /**< a key of pt_mci_set */
	char value[PT_MCI_VALUE_MAX];
};

/** A whole scenario: every parameter of the model, with its documented default. Plain data. */
struct pt_mci_scenario {
	char name[PT_MCI_NAME_MAX];
	char threat[PT_MCI_NAME_MAX];       /**< the threat id of the attack type */
	double horizon_min;                 /**< simulated time, minutes */
	struct {
		unsigned victims;               /**< casualties (dead and injured), attackers excluded */
		double mix[PT_MCI_SEVS];        /**< shares of enum pt_mci_sev, sum 1 */
		struct pt_mci_site sites[PT_MCI_MAX_SITES];
		size_t n_sites;
	} attack;
	struct {
		double death_a, death_b;        /**< untreated lethal injury kills after a mean of
						     a x NISS^b minutes (43500, -1.95) */
		double death_sigma;             /**< log-normal spread of that time per victim */
		struct pt_mci_tri niss[PT_MCI_SEVS]; /**< NISS drawn per class (KILLED unused) */
		double bleeding_share[PT_MCI_SEVS];  /**< share of a class that bleeds */
		struct pt_mci_tri bleed_alpha;  /**< BV = BV0 e^(-alpha t), per minute */
		double bleed_death_fraction;    /**< dies below this share of blood volume (0.4) */
		double bleeding_control_factor; /**< alpha x this once bleeding is controlled */
		double dcr_factor;              /**< damage-control resuscitation: the lethal clock
						     runs this much slower */
		double resus_factor;            /**< a hospital's resuscitation bay (damage-control
						     resuscitation with blood and a trauma team): the
						     lethal clock runs this much slower, until surgery */
	} injury;
	struct {
		int rtf;                        /**< nonzero: rescue task forces enter the warm zone */
		unsigned rtf_teams;
		double rtf_entry_min;           /**< when they enter (before the scene is secure) */
		struct pt_mci_tri rtf_victim_min; /**< bleeding control + carrying one victim out */
		enum pt_mci_triage triage;
		unsigned triage_crews;
		struct pt_mci_tri triage_min;   /**< one triage */
		double retriage_min;            /**< re-triage interval of a waiting victim */
		double misclass[2][PT_MCI_CATS][PT_MCI_CATS]; /**< [method][true][assigned], rows sum 1 */
		unsigned ccp_staff;             /**< treatment places at the casualty collection point */
		struct pt_mci_tri ccp_treat_min;
		struct pt_mci_base bases[PT_MCI_MAX_BASES];
		size_t n_bases;
		unsigned ambulances;            /**< total; split over bases by their counts */
		unsigned patients_per_ambulance[PT_MCI_CATS]; /**< by assigned category */
		struct pt_mci_tri load_min, handover_min;
		double travel_noise;            /**< log-normal sigma of travel times */
		int scoop_and_run;              /**< nonzero: no on-scene stabilisation */
		struct pt_mci_tri stabilise_min; /**< stay and play: on-scene time of a T1 */
		double walking_share;           /**< of T3 who reach hospitals on their own */
		struct pt_mci_tri walk_delay_min; /**< before they set out */
		double walk_travel_factor;      /**< their trip takes this x the ambulance's median
						     travel time to their hospital (private means) */
		enum pt_mci_policy policy;
		double travel_limit_min;        /**< the balanced policy's limit */
	} response;
	struct pt_mci_hospital hospitals[PT_MCI_MAX_HOSPITALS];
	size_t n_hospitals;
	struct pt_mci_decision decisions[PT_MCI_MAX_DECISIONS];
	size_t n_decisions;
	/* issue 15 review 3: the situation at a minute (no key: set by the caller, never written) */
	int snapshot;                       /**< nonzero: each replication records the situation at
					         snapshot_min (pt_mci_rep.snap); 0 (the defaults): none */
	double snapshot_min;                /**< simulation minute of that situation, >= 0 */
};

/** Fill s with the documented defaults (one site, no hospitals, no bases). */
void pt_mci_defaults(struct pt_mci_scenario *s);

/**
 * Set the parameter at dotted path ("response.ambulances",
 * "hospitals.0.icu_beds", "response.triage" = "START"|"SALT",
 * "response.policy" = "nearest"|"balanced", "attack.sites.1.share") from
 * text value. PT_ENOTFOUND for an unknown path (the CLI exits 64),
 * PT_EINVAL for a bad value (d names the path), PT_ELIMIT.
 */
enum pt_err pt_mci_set(struct pt_mci_scenario *s, const char *path, const char *value,
		       struct pt_diag *d);

/**
 * Called by pt_mci_each_key for each key in use: text for names, methods,
 * policies, flags ("true"/"false") and decisions' paths and values, else
 * NULL and the value in number. path is valid during the call only.
 */
typedef void (*pt_mci_key_fn)(void *ctx, const char *path, const char *text, double number);

/**
 * Every key of s in use with its value, in the key table's order: arrays
 * over their elements in use (sites, hospitals, bases, decisions; travel
 * times over the bases and hospitals in use), fixed tables whole,
 * triangles as KEY.min, KEY.mode, KEY.max. Applying each pair through
 * pt_mci_set to pt_mci_defaults gives s back: writers (a scenario file,
 * the JSON echo of a run) use it, so the keys stay in one list.
 */
void pt_mci_each_key(const struct pt_mci_scenario *s, pt_mci_key_fn fn, void *ctx);

/** Check the rules between fields (shares sum to 1, min <= mode <= max, indices in range, ...). */
enum pt_err pt_mci_check(const struct pt_mci_scenario *s, struct pt_diag *d);

/** The mean untreated time to death of a lethal injury: a x niss^b minutes. */
double pt_mci_death_mean_min(const struct pt_mci_scenario *s, double niss);

/** Final states: each victim ends in exactly one. */
enum pt_mci_final {
	PT_MCI_DEAD_SCENE = 0, PT_MCI_DEAD_TRANSPORT, PT_MCI_DEAD_HOSPITAL,
	PT_MCI_ALIVE_HOSPITAL, /**< reached a hospital alive and alive at the horizon */
	PT_MCI_ALIVE_SCENE     /**< still at the scene (or on the way) alive at the horizon */
};
#define PT_MCI_FINALS 5

/**
 * The situation at one simulation minute (issue 15 review 3): what a
 * commander could count then, after every event up to and including that
 * minute. Victims are in exactly one of dead, hot_zone, ccp_untriaged,
 * ccp[], transport, walking or in a hospital (arrived counts each victim
 * admitted so far, alive or not).
 */
struct pt_mci_snapshot {
	uint32_t taken;                 /**< 1: recorded (the scenario asked for it) */
	double t_min;                   /**< the minute */
	uint32_t dead;                  /**< dead so far, killed outright included */
	uint32_t hot_zone;              /**< alive in the hot or warm zone (not yet brought out) */
	uint32_t ccp_untriaged;         /**< brought out, waiting for or in triage */
	uint32_t ccp[PT_MCI_CATS];      /**< at the casualty collection point by assigned category */
	uint32_t transport;             /**< in an ambulance */
	uint32_t walking;               /**< on their own way to a hospital */
	uint32_t arrived[PT_MCI_MAX_HOSPITALS]; /**< admitted per hospital so far */
	uint32_t amb_committed;         /**< ambulances alerted (not cancelled) */
	uint32_t amb_en_route;          /**< on their way to the scene */
	uint32_t amb_at_scene;          /**< waiting or loading at the scene */
	uint32_t amb_transporting;      /**< carrying patients to a hospital */
	uint32_t amb_used;              /**< that have delivered patients so far */
	uint32_t inside;                /**< 1: police have secured, or a rescue task force is
					     inside, every site: the dead and the casualties inside
					     can be counted (review 15B item 5); 0: nobody is inside */
};

/** One replication's outputs. load is the caller's (pt_mci_reps_new). */
struct pt_mci_rep {
	uint32_t finals[PT_MCI_FINALS]; /**< victims per final state (sum = victims) */
	uint32_t victims;
	uint32_t killed;                /**< killed outright (at 0; counted in finals[PT_MCI_DEAD_SCENE]) */
	uint32_t critical;              /**< NISS >= 16 alive at the start */
	uint32_t critical_deaths;
	double first_treatment_min;     /**< mean over the critically injured treated (NaN: none) */
	double surgery_min;             /**< mean over those operated (NaN: none) */
	uint32_t transported, walked, ambulance_trips, ambulances_used;
	uint32_t peak_load[PT_MCI_MAX_HOSPITALS]; /**< most patients at once per hospital */
	float *load;                    /**< [hospital][step] patients present, n_hospitals x n_steps */
	size_t n_steps;                 /**< horizon / PT_MCI_LOAD_STEP_MIN + 1 */
	uint64_t events;                /**< pops that changed the model's state */
	struct pt_mci_snapshot snap;    /**< the situation at s->snapshot_min (taken 0 without) */
};

/** Allocate n replications' results for s (their load series in one block). Free with pt_mci_reps_free. */
enum pt_err pt_mci_reps_new(const struct pt_mci_scenario *s, size_t n, struct pt_mci_rep **out);
/** Free what pt_mci_reps_new made; NULL does nothing. */
void pt_mci_reps_free(struct pt_mci_rep *reps);

/** One traced event (the CLI's --trace prints them). */
struct pt_mci_trace_event {
	double t_min;
	const char *what;   /**< static: "killed", "dies", "triaged", "loaded", ... (docs/internals/core.md) */
	int victim;         /**< -1 when not about one victim */
	int ambulance;      /**< -1 when none */
	int hospital;       /**< -1 when none */
	int cat;            /**< enum pt_mci_cat or -1 */
	int site;           /**< the attack site concerned (the victim's, the ambulance's), or -1 */
	int niss;           /**< the victim's NISS ("killed", "dies"), or -1 */
	const char *cause;  /**< "dies": "lethal injury" or "bleeding" (static); else NULL */
	const char *path;   /**< "decision": the key it set (valid during the call); else NULL */
	const char *value;  /**< "decision": the value it set (valid during the call); else NULL */
};
/** Called for each event of a traced replication, in time order. */
typedef void (*pt_mci_trace_fn)(void *ctx, const struct pt_mci_trace_event *ev);

/**
 * Run replication rep of s with seed: every random draw comes from a
 * stream keyed by (seed, rep, victim or resource, purpose) (pt_rng_seed),
 * so the same (seed, rep) gives the same numbers on any thread and a
 * parameter changed by a sweep leaves the other draws alone. trace may be
 * NULL. PT_ENOMEM, PT_ELIMIT.
 */
enum pt_err pt_mci_run(const struct pt_mci_scenario *s, uint64_t seed, uint64_t rep,
		       struct pt_mci_rep *out, pt_mci_trace_fn trace, void *trace_ctx);

/* One replication's cost bound (review H1): the four scenarios of data/scenarios take at
 * most about 4.2 events per victim, even over a week (docs/scenarios.md, "Limits"). */
#define PT_MCI_EVENTS_PER_VICTIM 200
#define PT_MCI_EVENTS_BASE 100000
/**
 * The most events one replication of s may take:
 * PT_MCI_EVENTS_PER_VICTIM x attack.victims + PT_MCI_EVENTS_BASE; a
 * replication that needs more fails with PT_ELIMIT (pt_mci_run, pt_mci_run_many).
 */
uint64_t pt_mci_event_limit(const struct pt_mci_scenario *s);

/** Progress: called now and then with replications done; nonzero return cancels. */
typedef int (*pt_mci_progress_fn)(void *ctx, size_t done, size_t total);

/**
 * Replications first_rep .. first_rep+n-1 into reps[0, n) on threads
 * threads (0 = 1); results do not depend on threads. PT_EINTERNAL
 * "cancelled" when progress asked to stop.
 */
enum pt_err pt_mci_run_many(const struct pt_mci_scenario *s, uint64_t seed, uint64_t first_rep,
			    size_t n, unsigned threads, struct pt_mci_rep *reps,
			    pt_mci_progress_fn progress, void *progress_ctx);

/** A summarised output over replications. */
struct pt_mci_stat {
	double mean, lo, hi;    /**< t-based 95% confidence interval of the mean */
	double p025, p975;      /**< 2.5th and 97.5th percentiles across replications */
	size_t n;               /**< replications with a value (NaN ones left out) */
};

/** Number of scalar outputs, their names ("deaths", "deaths_scene", ...) and one rep's value. */
size_t pt_mci_output_count(void);
const char *pt_mci_output_name(size_t i);
double pt_mci_output_value(const struct pt_mci_rep *r, size_t i);

/**
 * Student's t quantile: the t with P(|T| > t) = p for df degrees of
 * freedom (p = 0.05: the 97.5th percentile); Hill's algorithm 396 (1970).
 * NaN for df < 1 or p outside (0, 1).
 */
double pt_mci_t_quantile(double p, double df);

/**
 * Summarise output i over reps[0, n) in replication order (the same
 * numbers whatever the thread or rank count). PT_ENOMEM.
 */
enum pt_err pt_mci_summarise(const struct pt_mci_rep *reps, size_t n, size_t i,
			     struct pt_mci_stat *out);

#endif
