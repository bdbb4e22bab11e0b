/* pt_cascade.h - dependencies between sites and the event-driven cascade
 * model (issue 12, part 5 of the cycle): a supply lost hurts a consumer once
 * its autonomy for it runs out, losses combine as prod(1 - loss), redundant
 * providers of a group must all be down, a site below the threshold fails
 * and supplies nobody; restart when supplies return, black start for cycles;
 * person-hours of lost service; single points of failure. Pure: no I/O. */
#ifndef PT_CASCADE_H
#define PT_CASCADE_H

#include <stddef.h>
#include <stdint.h>

#include "pt_err.h"
#include "pt_model.h"

/** Kinds of dependency (Rinaldi, Peerenboom and Kelly 2001). */
enum pt_dep_type {
	PT_DEP_PHYSICAL = 0, /**< "physical": a material output (power, water, fuel) */
	PT_DEP_CYBER,        /**< "cyber": information and control (telecom, SCADA, IT) */
	PT_DEP_GEOGRAPHIC,   /**< "geographic": nearness; one local event hits both */
	PT_DEP_LOGICAL       /**< "logical": any other link (staff, transport, policy, markets) */
};
#define PT_DEP_TYPE_COUNT 4

/** "physical", "cyber", "geographic", "logical"; "" out of range. */
const char *pt_dep_type_name(enum pt_dep_type t);
/** Parse a type name (exact, lower case). PT_EINVAL if unknown. */
enum pt_err pt_dep_type_parse(const char *s, enum pt_dep_type *out);

/* Limits (PT_ELIMIT above them, PT_EINVAL for values out of range). */
#define PT_DEP_MAX_AUTONOMY_H 1e6           /**< largest autonomy_hours (about 114 years) */
#define PT_CASCADE_MAX_SITES (UINT32_C(1) << 30)
#define PT_CASCADE_MAX_EDGES (UINT64_C(1) << 31)
#define PT_CASCADE_MAX_HORIZON_H 1e6        /**< largest horizon, repair or restart time, hours */
#define PT_CASCADE_MAX_THREADS 64u          /**< more threads are clamped to this */
#define PT_CASCADE_NO_GROUP UINT32_MAX

/** A dependency as the registry keeps it: one row of the dependencies CSV. */
struct pt_dependency {
	char provider_id[PT_ID_MAX];
	char consumer_id[PT_ID_MAX];
	enum pt_dep_type type;
	double autonomy_hours; /**< the consumer's backup for this supply, hours: finite, 0-PT_DEP_MAX_AUTONOMY_H */
	double service_loss;   /**< share of the consumer's service lost while this supply is missing, 0-1 */
	char group[PT_ID_MAX]; /**< redundancy group among this consumer's providers; "" none */
};

/**
 * Check one dependency's own values: ids non-empty and different (no
 * self-dependency), autonomy_hours finite and within 0-PT_DEP_MAX_AUTONOMY_H,
 * service_loss finite within 0-1, type in range. PT_EINVAL with d's field
 * ("provider_id", "consumer_id", "autonomy_hours", "service_loss", "type")
 * and message, at line; d may be NULL. Site ids against the registry are
 * the caller's check.
 */
enum pt_err pt_dependency_check(const struct pt_dependency *dep, struct pt_diag *d, long line);

/**
 * Check a set of dependencies (each already passing pt_dependency_check):
 * no provider-consumer pair twice, and the rows of one consumer's group
 * agree on autonomy_hours and service_loss. On PT_EINVAL *bad is the index
 * of the later row at fault and d names the field and the earlier row's
 * index ("... as row N"; the reader turns indexes into lines). PT_ENOMEM.
 */
enum pt_err pt_dependencies_check(const struct pt_dependency *deps, size_t n, size_t *bad,
				  struct pt_diag *d);

/**
 * pt_dependencies_check with the earlier row's index in *earlier (may be
 * NULL) as well, so the reader names both lines (issue 12, helper "data").
 */
enum pt_err pt_dependencies_check_at(const struct pt_dependency *deps, size_t n, size_t *bad,
				     size_t *earlier, struct pt_diag *d);

/** One supply link of the network, by site index (0 <= index < n_sites). */
struct pt_cascade_edge {
	uint32_t provider, consumer;
	/** PT_CASCADE_NO_GROUP, or a number the redundant providers of this consumer share
	 * (only equality among one consumer's edges matters) */
	uint32_t group;
	double autonomy_h;
	double service_loss;
};

/** The network, compact and read-only once built: shared by threads. */
struct pt_cascade_net;

/**
 * Build the network of n_sites sites from edges (any order; edges is not
 * kept). PT_EINVAL (d names "edge N" and what is wrong) for an index out of
 * range, a self-edge, a duplicate pair, values out of range or a group
 * whose edges disagree; PT_ELIMIT past PT_CASCADE_MAX_*; PT_ENOMEM. *out
 * is freed with pt_cascade_net_free.
 */
enum pt_err pt_cascade_net_new(size_t n_sites, const struct pt_cascade_edge *edges, size_t n_edges,
			       struct pt_cascade_net **out, struct pt_diag *d);
/** Free a network; NULL does nothing. */
void pt_cascade_net_free(struct pt_cascade_net *net);
/** Sites of the network. */
size_t pt_cascade_net_sites(const struct pt_cascade_net *net);
/** Consumers of site (its out-degree); 0 for an index out of range. */
size_t pt_cascade_net_consumers(const struct pt_cascade_net *net, uint32_t site);
/** Bytes the network holds (for the benchmark's memory per dependency). */
size_t pt_cascade_net_bytes(const struct pt_cascade_net *net);

/** Parameters of a run (all hours). */
struct pt_cascade_params {
	double threshold;  /**< a site fails when its service < threshold; 0 < threshold <= 1 (default 0.5) */
	double horizon_h;  /**< the run covers [0, horizon_h]; > 0 */
	/** The sites failed at 0 are held down until repair_h (>= 0); at or past the
	 * horizon: the whole horizon. */
	double repair_h;
	/** Per site (n_sites entries) the time from its service being back at or
	 * above the threshold to its restart; NULL: default_restart_h for all. */
	const double *restart_h;
	double default_restart_h; /**< >= 0 */
	/** Per site (n_sites entries) the people it serves directly, >= 0; NULL: none
	 * (person-hours all 0). */
	const double *population;
	/** Per site (n_sites entries) nonzero when the figures marked "visible" below count it
	 * (a caller's view); NULL: every site. The run itself always covers every site. */
	const unsigned char *visible;
};

/** What happened to one affected site in a run. */
struct pt_cascade_site {
	uint32_t site;
	double failed_at_h;   /**< first failure; NaN if it never failed */
	double restored_at_h; /**< when its service was back at 1 for the rest of the horizon; NaN if not within it */
	double min_service;   /**< lowest service level, 0 when it failed */
	double person_hours_lost; /**< population x (1 - service) integrated over [0, horizon] */
};

/** One change of a site's service level (0 while failed). */
struct pt_cascade_step {
	double t_h;
	uint32_t site;
	double service;
};

/** Results of one run; pt_cascade_result_clear frees its arrays. */
struct pt_cascade_result {
	/** Every site whose service dropped below 1, the failed ones included, in
	 * order of the time of that first drop, then site index. */
	struct pt_cascade_site *sites;
	size_t n_sites;
	/** Every change of service in time order (then site index); only when the
	 * run was asked for steps, else NULL. A site's first step is its first
	 * drop; a failed site's first is at 0 with service 0. */
	struct pt_cascade_step *steps;
	size_t n_steps;
	double person_hours_lost; /**< over every site, the failed ones included */
	double downstream_person_hours; /**< the same without the sites failed at 0 */
	/** Latest restored_at_h of the affected sites (0 when none); NaN when one is not
	 * restored within the horizon. */
	double recovery_h;
	/** recovery_h over the affected sites params->visible marks (0 when none). */
	double visible_recovery_h;
	uint64_t events; /**< events processed (for the benchmark) */
};

/** Scratch memory of runs over one network, reused so a run costs what it touches. */
struct pt_cascade_work;
/** New scratch memory for net. PT_ENOMEM. Free with pt_cascade_work_free. */
enum pt_err pt_cascade_work_new(const struct pt_cascade_net *net, struct pt_cascade_work **out);
/** Free scratch memory; NULL does nothing. */
void pt_cascade_work_free(struct pt_cascade_work *w);

/**
 * Run the cascade of failing failed[0, n_failed) (site indexes, duplicates
 * ignored) at time 0 over net. w may be NULL (one is made and freed
 * inside); one w serves one run at a time. want_steps nonzero fills
 * out->steps. The run is event-driven: a supply is missing while its
 * provider (for a group: every provider of the group) is down; once
 * missing longer than its autonomy it takes its service_loss; service =
 * prod(1 - loss) over the supplies taking theirs; below the threshold a
 * site fails (service 0, supplies nobody); degraded above it, it supplies
 * all its consumers in full. A failed site restarts restart_h after its
 * service would be back at or above the threshold (a held site: not before
 * repair_h), if it still would then; failed sites held down only by each
 * other restart together (black start, after the longest restart time
 * among them). Backups refill at once when a supply returns. Events past
 * the horizon are not processed. Same inputs, same result. *out (zeroed
 * by the caller or cleared) gets new arrays. PT_EINVAL for bad parameters
 * or indexes (d names the field), PT_ENOMEM, PT_ELIMIT.
 */
enum pt_err pt_cascade_run(const struct pt_cascade_net *net, struct pt_cascade_work *w,
			   const struct pt_cascade_params *p, const uint32_t *failed, size_t n_failed,
			   int want_steps, struct pt_cascade_result *out, struct pt_diag *d);

/** Free r's arrays and zero it; NULL does nothing. */
void pt_cascade_result_clear(struct pt_cascade_result *r);

/** One site of the single-points-of-failure sweep: that site failed alone. */
struct pt_spof_entry {
	uint32_t site;
	double person_hours_lost;       /**< every site, the failed one included: the ranking key */
	double downstream_person_hours; /**< the other sites only: what the risk adds */
	uint32_t sites_failed;          /**< other sites that failed */
	uint32_t sites_affected;        /**< other sites whose service dropped below 1 */
	double recovery_h;              /**< as in pt_cascade_result */
	/** sites_failed, sites_affected and recovery_h over the sites params->visible marks
	 * (the same as those when it is NULL) */
	uint32_t visible_sites_failed, visible_sites_affected;
	double visible_recovery_h;
};

/** Progress: done out of total sites swept; nonzero return cancels. Called from one thread at a time. */
typedef int (*pt_cascade_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/**
 * Fail each site that supplies at least one other, alone, with p (its
 * repair_h and horizon), over threads threads (0 counts as 1, above
 * PT_CASCADE_MAX_THREADS clamped). *out gets one entry per such site,
 * sorted by person_hours_lost descending, then site index; *n_out their
 * number; the caller frees *out with free(). Results do not depend on the
 * thread count. PT_EINVAL, PT_ENOMEM, PT_EINTERNAL "cancelled".
 */
enum pt_err pt_cascade_spof(const struct pt_cascade_net *net, const struct pt_cascade_params *p,
			    unsigned threads, pt_cascade_progress_fn progress, void *progress_ctx,
			    struct pt_spof_entry **out, size_t *n_out, struct pt_diag *d);

#endif
