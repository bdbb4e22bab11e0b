/* pt_cer_json.h - a designated critical entity (CER Directive, issue 16 item 8) as JSON:
 * its days, what it owes today and its sites, for the API and the command line. */
#ifndef PT_CER_JSON_H
#define PT_CER_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "../core/pt_cer.h"
#include "../core/pt_model.h"

/** What one entity's JSON shows. Borrowed. */
struct pt_cer_json_in {
	long long org_id;
	const char *org_name;
	const struct pt_cer_dates *dates;
	const struct pt_cer_status *status;
	long long changed_at;      /**< unix seconds */
	const char *changed_by;
	const char (*sites)[PT_ID_MAX];
	size_t n_sites;
	long long sites_withheld;  /**< < 0: left out (the caller may not be told) */
	int may_report;
};

/**
 * {"organisation_id", "organisation", "designated_on", "notified_on",
 * "obligations_from", "risk_assessment_on" (null none), "risk_assessment_due",
 * "risk_assessment" ("current"|"due"|"overdue"), "resilience_plan_on" (null none),
 * "resilience_plan_due", "resilience_plan" ("current"|"review"|"due"|"overdue"),
 * "lacks": ["risk_assessment", "resilience_plan"] (those it lacks), "sites": [ids],
 * "sites_withheld" (only when given), "changed_at" (ISO 8601 UTC), "changed_by",
 * "may_report"}. New reference, NULL when out of memory.
 */
json_t *pt_json_cer_entity(const struct pt_cer_json_in *in);

#endif
