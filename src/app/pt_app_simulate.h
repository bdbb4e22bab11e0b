/* pt_app_simulate.h - the mass-casualty simulation use cases (issue 14): run
 * a scenario (overrides, a sweep, replications), trace one replication, and
 * build a scenario for an attack at a registry site (`scenario from-site`). */
#ifndef PT_APP_SIMULATE_H
#define PT_APP_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_mci.h"
#include "../formats/pt_sim_io.h"
#include "pt_app.h"

#define PT_APP_SIM_MAX_SETS 256      /**< most overrides (--set) of one run (PT_ELIMIT) */
#define PT_APP_SIM_MAX_SWEEP 64      /**< most values of a sweep (PT_ELIMIT) */
#define PT_APP_SIM_MAX_THREADS 256   /**< most threads (PT_ELIMIT) */
#define PT_APP_SIM_SEED_MAX 9007199254740991ULL /**< 2^53 - 1: exact in JSON */
#define PT_APP_SIM_CHUNK 4096        /**< most replications run (and their load series held) at once */
#define PT_APP_SIM_CHUNK_BYTES (64.0 * 1024 * 1024) /**< load series held at once, bytes (fewer replications then) */

/** One override: the dotted path of pt_mci_set and its value as text. */
struct pt_app_sim_set {
	const char *path;
	const char *value;
};

/**
 * Runs replications first_rep .. first_rep+n-1 of s into reps[0, n)
 * (pt_mci_run_many by default; the MPI build splits them over ranks).
 * *complete is set to 0 when reps were filled on another process only
 * (an MPI rank other than 0): the caller then summarises nothing.
 */
typedef enum pt_err (*pt_app_sim_runner_fn)(void *ctx, const struct pt_mci_scenario *s,
					    uint64_t seed, uint64_t first_rep, size_t n,
					    unsigned threads, struct pt_mci_rep *reps,
					    pt_mci_progress_fn progress, void *progress_ctx,
					    int *complete, struct pt_diag *d);

/** What to run. The scenario is read beforehand (src/formats/pt_scenario_io.h). */
struct pt_app_sim_opts {
	const struct pt_mci_scenario *scenario;
	const struct pt_app_sim_set *sets; /**< applied in order, then pt_mci_check */
	size_t n_sets;
	const char *sweep_key;             /**< NULL: no sweep, one row */
	const char *const *sweep_values;   /**< 1 to PT_APP_SIM_MAX_SWEEP values */
	size_t n_sweep;
	size_t replications;               /**< per row, 1 to PT_MCI_MAX_REPLICATIONS */
	unsigned threads;                  /**< 0 = 1 */
	uint64_t seed;                     /**< 0 to PT_APP_SIM_SEED_MAX */
	pt_mci_progress_fn progress;       /**< optional: replications done of all rows' */
	void *progress_ctx;
	pt_app_sim_runner_fn runner;       /**< NULL: pt_mci_run_many on this process */
	void *runner_ctx;
};

/**
 * Build the scenario of o (its sets applied through pt_mci_set, then
 * pt_mci_check) into *out, and with value (may be NULL) at o->sweep_key.
 * PT_ENOTFOUND for an unknown key (d field = the key; the command line
 * exits 64), PT_EINVAL for a bad value or a broken rule (d names the key),
 * PT_ELIMIT.
 */
enum pt_err pt_app_simulate_scenario(const struct pt_app_sim_opts *o, const char *value,
				     struct pt_mci_scenario *out, struct pt_diag *d);

/**
 * Run o: every row's scenario is built and checked before anything runs;
 * then each row's replications 0 .. n-1 with the same seed (so every swept
 * value meets the same random numbers), summarised in replication order
 * (pt_mci_summarise) with the hospitals' mean load. *out is the caller's
 * (pt_sim_result_free); NULL on an MPI rank other than 0. Errors as
 * pt_app_simulate_scenario, PT_ENOMEM, PT_EINTERNAL "cancelled".
 */
enum pt_err pt_app_simulate_run(const struct pt_app_sim_opts *o, struct pt_sim_result **out,
				struct pt_diag *d);

#define PT_APP_SIM_COST_PER_VICTIM 4.0 /**< events per victim besides re-triage (the scenarios take 2-4.2) */

/**
 * The estimated events of one replication of s, the unit of the server's
 * cost limits (review H1): attack.victims x (PT_APP_SIM_COST_PER_VICTIM +
 * horizon_min / response.retriage_min: a victim re-triaged all along),
 * at most pt_mci_event_limit(s). Pessimistic for real scenarios (they
 * re-triage few victims few times), exact for the worst.
 */
double pt_app_sim_cost(const struct pt_mci_scenario *s);

/**
 * Run replication rep of o's scenario (its sets; a sweep is not allowed)
 * with o->seed, calling fn for each event in time order. Errors as
 * pt_app_simulate_scenario, PT_ENOMEM.
 */
enum pt_err pt_app_simulate_trace(const struct pt_app_sim_opts *o, uint64_t rep,
				  pt_mci_trace_fn fn, void *ctx, struct pt_diag *d);

/* ---- `scenario from-site` ---- */

#define PT_APP_FROM_SITE_MAX_VICTIMS 5000 /**< most victims asked of from-site (PT_ELIMIT) */

/** What to build. */
struct pt_app_from_site_opts {
	const char *site_id;  /**< a site the caller may read */
	const char *threat;   /**< a threat id with a casualty mix (docs/scenarios.md) */
	unsigned victims;     /**< 0: the threat's default */
	/* the receiving hospitals chosen (user review 4 and 6) */
	const char *const *exclude;   /**< health-sector site ids left out (each one c may read) */
	size_t n_exclude;             /**< 0 to PT_APP_FROM_SITE_MAX_EXCLUDE */
	const char *const *hospitals; /**< n_hospitals > 0: exactly these health-sector sites
				           (each one c may read; any distance), not the radius */
	size_t n_hospitals;           /**< 0 to PT_MCI_MAX_HOSPITALS */
};
#define PT_APP_FROM_SITE_MAX_EXCLUDE (PT_MCI_MAX_HOSPITALS * 8) /**< most ids of exclude */
#define PT_APP_SITE_ID_MAX 64 /**< a site id + NUL */

/** What the builder did, for the command's message. */
struct pt_app_from_site_info {
	size_t hospitals;         /**< receiving hospitals in the scenario */
	size_t in_radius;         /**< readable health sites within the radius (before the cut) */
	size_t hidden;            /**< health sites within the radius left out as unreadable */
	int show_hidden;          /**< nonzero: the caller may be told hidden (pt_access_hidden_counts) */
	int attacked_hospital;    /**< nonzero: the attack site is itself a receiving hospital */
	double radius_km, road_factor, speed_kmh; /**< the settings used */
	char hospital_ids[PT_MCI_MAX_HOSPITALS][PT_APP_SITE_ID_MAX]; /**< [hospitals]: the
				     registry id of each receiving hospital, in the scenario's order */
	size_t excluded;          /**< sites of exclude that were within the radius (or listed) */
};

/**
 * Build a scenario for an attack of threat o->threat at site o->site_id:
 * the receiving hospitals are the health-sector sites c may read within
 * mci.hospital_radius_km whose emergency department is not "no" (issue 16:
 * pt_site_receives_casualties; unknown counts as one), nearest first, at
 * most PT_MCI_MAX_HOSPITALS, with resources by size class (docs/scenarios.md), each also an ambulance base;
 * travel times are the haversine distance x mci.road_factor / mci.speed_kmh;
 * the victim mix and response from the threat's defaults. The attack site's
 * reads (the site's and the hospitals') are audited as
 * "scenario.from_site.read" when c->audit_reads. *out is the caller's;
 * the defaults on failure. o->exclude leaves sites out; o->hospitals
 * names the receiving hospitals instead of the radius (an excluded site
 * gets no hospital and no ambulance station). PT_ENOTFOUND (a site c may
 * not read or that does not exist: d field "site", or "exclude" /
 * "hospitals" for an id there), PT_EINVAL (an id of exclude or hospitals
 * that is not a health-sector site or is repeated, or of hospitals one without an
 * emergency department: that field; an unknown threat or one
 * without a casualty mix: field "threat"; no readable health-sector site
 * within the radius: field "hospitals"), PT_ELIMIT (victims), PT_EDB,
 * PT_ENOMEM.
 */
enum pt_err pt_app_scenario_from_site(const struct pt_caller *c, struct pt_db *db,
				      const struct pt_app_from_site_opts *o,
				      struct pt_mci_scenario *out, struct pt_app_from_site_info *info,
				      struct pt_diag *d);

/** Nonzero when the model has a casualty mix for threat id (from-site and the API accept it). */
int pt_app_sim_threat_has_mix(const char *id);

/** The straight-line (haversine) distance between two WGS84 points, km (earth radius 6371 km). */
double pt_app_haversine_km(double lat1, double lon1, double lat2, double lon2);

/* ---- MPI (pt_app_simulate_mpi.c; without PT_MPI a single process) ---- */

/** Start MPI when built with it (MPI_Init); 0, or nonzero when it failed. */
int pt_app_sim_mpi_init(void);
/** This process's rank (0 without MPI) and the number of ranks (1). */
int pt_app_sim_mpi_rank(void);
int pt_app_sim_mpi_size(void);
/** End MPI (MPI_Finalize) when pt_app_sim_mpi_init started it. */
void pt_app_sim_mpi_finish(void);
/**
 * The runner of pt_app_sim_opts that splits replications over the ranks
 * in contiguous blocks and gathers them to rank 0 in replication order
 * (MPI_Gatherv of the scalar outputs and the load series); without MPI,
 * pt_mci_run_many. ctx unused.
 */
enum pt_err pt_app_sim_mpi_runner(void *ctx, const struct pt_mci_scenario *s, uint64_t seed,
				  uint64_t first_rep, size_t n, unsigned threads,
				  struct pt_mci_rep *reps, pt_mci_progress_fn progress,
				  void *progress_ctx, int *complete, struct pt_diag *d);

#endif
