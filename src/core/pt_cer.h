/* pt_cer.h - critical entities under the EU CER Directive (2022/2557): what a designated
 * entity owes and by when (art. 6(3), 12, 13), from the dates the registry keeps. */
#ifndef PT_CER_H
#define PT_CER_H

#include <stddef.h>

#define PT_CER_DATE_LEN 11          /**< "YYYY-MM-DD" and its NUL */
#define PT_CER_RISK_FIRST_MONTHS 9  /**< art. 12(1): the first risk assessment, after notification */
#define PT_CER_RISK_EVERY_MONTHS 48 /**< art. 12(1): at least every four years */
#define PT_CER_CHAPTER3_MONTHS 10   /**< art. 6(3): Chapter III (art. 12-16) applies from then */
#define PT_CER_SITES_MAX 1000       /**< sites one designation links */

/** Where an obligation stands on a day. */
enum pt_cer_state {
	PT_CER_CURRENT = 0, /**< done, and not past its renewal */
	PT_CER_DUE,         /**< not done yet, its date not passed */
	PT_CER_OVERDUE,     /**< not done (or not renewed) by its date */
	PT_CER_REVIEW       /**< a resilience plan older than the latest risk assessment */
};

/** "current", "due", "overdue", "review"; "" out of range. */
const char *pt_cer_state_name(enum pt_cer_state s);

/** A designated critical entity's dates: each "YYYY-MM-DD", "" for none. Plain data. */
struct pt_cer_dates {
	char designated_on[PT_CER_DATE_LEN];      /**< art. 6(1): identified as critical */
	char notified_on[PT_CER_DATE_LEN];        /**< art. 6(3): told so (the clocks start here) */
	char risk_assessment_on[PT_CER_DATE_LEN]; /**< art. 12: its latest risk assessment */
	char resilience_plan_on[PT_CER_DATE_LEN]; /**< art. 13(2): its resilience plan */
};

/** What the entity owes on a day. Plain data. */
struct pt_cer_status {
	char obligations_from[PT_CER_DATE_LEN]; /**< notification + 10 months (art. 6(3)) */
	char risk_due[PT_CER_DATE_LEN];   /**< the first (notification + 9 months) or the next
					       (latest + 4 years) risk assessment */
	enum pt_cer_state risk;           /**< CURRENT, DUE or OVERDUE */
	char plan_due[PT_CER_DATE_LEN];   /**< when a plan is owed: obligations_from */
	enum pt_cer_state plan;           /**< CURRENT, REVIEW, DUE or OVERDUE */
	int lacks_risk_assessment;        /**< risk is not CURRENT */
	int lacks_resilience_plan;        /**< no plan, DUE or OVERDUE */
};

/** Nonzero when s is a real calendar day "YYYY-MM-DD" from 1970-01-01 to 9999-12-31. */
int pt_cer_date_valid(const char *s);

/**
 * date (valid, "YYYY-MM-DD") plus months (0..1200) into out: the same day of
 * the month, or the month's last day when it has fewer (2026-05-31 + 9 months
 * = 2027-02-28). Returns 0, or -1 (out "") past 9999-12-31 or for bad input.
 */
int pt_cer_add_months(const char *date, int months, char out[PT_CER_DATE_LEN]);

/**
 * Check e as a designation to keep: designated_on and notified_on real days,
 * notified on or after designation, neither after today; a risk assessment or
 * plan date, when given, a real day not after today. 0, or -1 with *field the
 * member at fault ("designated_on", ...) and *why a sentence (static text).
 */
int pt_cer_check(const struct pt_cer_dates *e, const char *today, const char **field,
		 const char **why);

/**
 * What e (checked) owes on today ("YYYY-MM-DD"), into *out (docs/methodology.md, "Critical
 * entities"): a risk assessment counts only when dated on or after the notification; without
 * one the first is due 9 months after it, with one the next 4 years after it; a plan is owed
 * from 10 months after the notification, and is to be reviewed when a later risk assessment
 * exists.
 */
void pt_cer_status(const struct pt_cer_dates *e, const char *today, struct pt_cer_status *out);

#endif
