/* pt_app_resilience.h - the resilience use cases (issue 12): a cascade from
 * chosen failures, the single-points-of-failure sweep, and the downstream
 * person-hours the quantitative ranking and the plan add to a site's consequence. */
#ifndef PT_APP_RESILIENCE_H
#define PT_APP_RESILIENCE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_cascade.h"
#include "../core/pt_model.h"
#include "../formats/pt_cascade_io.h"
#include "pt_app.h"

#define PT_APP_CASCADE_MAX_FAIL 1000 /**< most sites one cascade may fail (PT_ELIMIT) */

/** What to fail and for how long. Unset fields take the settings (resilience.*). */
struct pt_app_cascade_opts {
	const char *const *fail; /**< site ids; each must be a site c may read (else PT_ENOTFOUND, field "fail") */
	size_t n_fail;           /**< 1 to PT_APP_CASCADE_MAX_FAIL */
	int repair_set;          /**< nonzero: repair_h holds; else down the whole horizon */
	double repair_h;
	int hours_set;           /**< nonzero: hours holds; else resilience.horizon_h */
	double hours;
};


/**
 * `protect cascade`: fail o->fail at 0 over the whole registry's dependency
 * network (one read transaction: sites, dependencies, settings); list what
 * c may read, totals over every site with the rest counted in withheld.
 * Reads of AMBER and above are audited as "cascade.read" when
 * c->audit_reads. PT_ENOTFOUND (a fail id c may not read or that does not
 * exist, d field "fail"), PT_EINVAL (bad hours, d field "repair_hours" or
 * "hours"), PT_ELIMIT, PT_EDB, PT_ENOMEM.
 */
enum pt_err pt_app_cascade_run(const struct pt_caller *c, struct pt_db *db,
			       const struct pt_app_cascade_opts *o,
			       struct pt_app_cascade_result **out, struct pt_diag *d);
/** Free a cascade result; NULL does nothing. */
void pt_app_cascade_result_free(struct pt_app_cascade_result *r);

/** What the SPOF sweep returns. The result structs are in src/formats/pt_cascade_io.h. */
struct pt_app_spof_opts {
	size_t top;       /**< rows wanted (0: all visible) */
	unsigned threads; /**< 0 = 1 */
	pt_cascade_progress_fn progress; /**< optional */
	void *progress_ctx;
};


/**
 * `protect spof`: fail each supplying site alone (resilience.repair_h,
 * resilience.horizon_h) and rank them by person-hours lost; rows are the
 * ones c may read (the first o->top). Audited as "spof.read". PT_EDB,
 * PT_ENOMEM, PT_EINTERNAL "cancelled".
 */
enum pt_err pt_app_spof_run(const struct pt_caller *c, struct pt_db *db,
			    const struct pt_app_spof_opts *o, struct pt_app_spof_result **out,
			    struct pt_diag *d);
/** Free a SPOF result; NULL does nothing. */
void pt_app_spof_result_free(struct pt_app_spof_result *r);

/**
 * The downstream consequence (issue 12, the quantitative method): per site
 * of sites[0, n) (matched by id) the EUR one failure of it costs the other
 * sites, downstream person-hours x value_person_hour_eur, into eur (n
 * entries, the caller's; 0 for a site supplying nobody). The person-hours
 * are the whole registry's, not a caller's view (each supplying site failed
 * alone for resilience.repair_h, followed for resilience.horizon_h): read
 * from the cache of migration 020 when it is at the registry's data
 * version, else swept and, when no transaction is open on db, cached.
 * *version gets the data version they belong to. PT_EDB, PT_ENOMEM.
 */
enum pt_err pt_app_downstream_eur(struct pt_db *db, const struct pt_site *sites, size_t n,
				  double value_person_hour_eur, double *eur,
				  unsigned long long *version, struct pt_diag *d);

#endif
