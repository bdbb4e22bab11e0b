/* pt_app_cer.h - the use cases of critical entities under the EU CER Directive (issue 16,
 * item 8): designate an organisation, link the sites of its critical infrastructure,
 * record its risk assessment and resilience plan, and list who owes what. */
#ifndef PT_APP_CER_H
#define PT_APP_CER_H

#include <stddef.h>

#include "../core/pt_cer.h"
#include "pt_app.h"

/** One designated entity as the caller may see it. Owned by its list. */
struct pt_cer_entry {
	long long org_id;
	char org_name[PT_NAME_MAX];
	struct pt_cer_dates dates;
	struct pt_cer_status status;       /**< at the list's today */
	long long changed_at;              /**< unix seconds */
	char changed_by[PT_ACTOR_NAME_MAX];
	char (*sites)[PT_ID_MAX];          /**< the linked sites the caller may read, by id */
	size_t n_sites;
	size_t sites_withheld;             /**< linked sites it may not read (see show_withheld) */
	int may_report;                    /**< the caller may record dates and sites */
};

/** The designated entities the caller may see. Caller-owned; emptied by pt_cer_list_clear. */
struct pt_cer_list {
	struct pt_cer_entry *items;
	size_t n;
	char today[PT_CER_DATE_LEN];  /**< the day the obligations are read at (pt_app_now) */
	size_t lacking_risk_assessment; /**< entities of items without a current one */
	size_t lacking_resilience_plan; /**< entities of items without a plan */
	int show_withheld;            /**< the caller may be told sites_withheld
					   (pt_access_hidden_counts) */
	int may_designate;            /**< the caller may designate (pt_access_cer_designate) */
};

/** Free what l holds and zero it. */
void pt_cer_list_clear(struct pt_cer_list *l);

/**
 * The designated entities c may see (pt_access_cer_read), by organisation name, with what
 * each owes today, into *out (an empty list).
 */
enum pt_err pt_app_cer_list(const struct pt_caller *c, struct pt_db *db, struct pt_cer_list *out,
			    struct pt_diag *d);

/** A change to a designation. Borrowed. NULL members are unchanged. */
struct pt_cer_edit {
	const char *designated_on;      /**< YYYY-MM-DD; required for a new designation */
	const char *notified_on;        /**< YYYY-MM-DD; required for a new designation */
	const char *risk_assessment_on; /**< YYYY-MM-DD, or "" for none */
	const char *resilience_plan_on; /**< YYYY-MM-DD, or "" for none */
	int set_sites;                  /**< nonzero: the linked sites c may read become sites */
	const char *const *sites;       /**< site ids, each owned by the organisation */
	size_t n_sites;
};

/**
 * Designate organisation org_id, or change its designation, in one transaction (audited
 * "cer.designate" for a new one, "cer.update" otherwise). The days of designation and
 * notification are pt_access_cer_designate's; the dates of the risk assessment and plan
 * and the sites pt_access_cer_report's. Sites c may not read that are linked stay linked
 * whatever sites says. PT_ENOTFOUND (field organisation) when c may not see the
 * organisation's designation (pt_access_cer_read, whether or not it has one);
 * PT_EFORBIDDEN naming the field c may not change; PT_EINVAL naming the field (bad or
 * missing days, pt_cer_check; a site that is not the organisation's, unknown, not readable
 * or named twice: field sites; more than PT_CER_SITES_MAX).
 */
enum pt_err pt_app_cer_change(const struct pt_caller *c, struct pt_db *db, long long org_id,
			      const struct pt_cer_edit *ch, struct pt_diag *d);

/**
 * Revoke org_id's designation (pt_access_cer_designate), audited "cer.revoke".
 * PT_ENOTFOUND when it has none (or c may not see it); PT_EFORBIDDEN.
 */
enum pt_err pt_app_cer_revoke(const struct pt_caller *c, struct pt_db *db, long long org_id,
			      struct pt_diag *d);

#endif
