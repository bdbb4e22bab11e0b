/* pt_exercise_report_store.h - what the after-action report of an exercise
 * run reads beyond the run's own store (issue 15): the links from its
 * improvement items to the registry (migration 025: a measure at a site, a
 * note on a register risk), the items' statuses and HSEEP details (migration
 * 027), the first event of a kind, the injects' delivered texts and the clock
 * history; SQL only. */
#ifndef PT_EXERCISE_REPORT_STORE_H
#define PT_EXERCISE_REPORT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "pt_store.h"

#define PT_DB_LINKS_MAX 100000 /**< links one read returns (PT_ELIMIT past it) */

/** One link (a row of exercise_improvement_links). Plain data. */
struct pt_db_improvement_link {
	long long run_id, item_id;
	char kind[16];          /**< "measure" or "register" */
	char site_id[64];
	char measure_id[64];    /**< kind "measure"; else "" */
	char threat_id[64];     /**< kind "register"; else "" */
	long long user_id;      /**< who made it; 0 the system administrator */
	char user_name[64];
	int64_t at;             /**< unix seconds */
};

/** Append l. PT_ECONFLICT (field "item") when the item has a link of that kind already. */
enum pt_err pt_db_improvement_link_add(struct pt_db *db, const struct pt_db_improvement_link *l,
				       struct pt_diag *d);

/** The links of run_id's items, by item then kind; *out: free() (NULL when *n is 0). */
enum pt_err pt_db_improvement_links_of_run(struct pt_db *db, long long run_id,
					   struct pt_db_improvement_link **out, size_t *n,
					   struct pt_diag *d);

/** The measure links to site_id, by measure then run and item; *out: free(). */
enum pt_err pt_db_improvement_links_of_site(struct pt_db *db, const char *site_id,
					    struct pt_db_improvement_link **out, size_t *n,
					    struct pt_diag *d);

/** A status given to an improvement item. Plain data. */
struct pt_db_improvement_status {
	long long run_id, item_id;
	char status[16];        /**< "open", "in progress", "done", "cancelled" */
	long long user_id;
	char user_name[64];
	int64_t at;             /**< unix seconds */
};

/** Append s (the item's status from now on). */
enum pt_err pt_db_improvement_status_add(struct pt_db *db, const struct pt_db_improvement_status *s,
					 struct pt_diag *d);

/** The newest status of each item of run_id that has one, by item; *out: free(). */
enum pt_err pt_db_improvement_statuses(struct pt_db *db, long long run_id,
				       struct pt_db_improvement_status **out, size_t *n,
				       struct pt_diag *d);

/**
 * The first event of kind (its wall time, unix milliseconds, and a copy of
 * its text into *text, free()) of run_id; PT_ENOTFOUND without a message
 * when the run has none.
 */
enum pt_err pt_db_run_event_first(struct pt_db *db, long long run_id, const char *kind,
				  int64_t *at_ms, char **text, struct pt_diag *d);

/* Each inject as delivered (placeholders filled): pt_db_run_inject_texts of pt_exercise_store.h. */

/**
 * An improvement item's HSEEP details (exercise_improvement_plan, migration
 * 027; an item stored before it has none). Plain data.
 */
struct pt_db_improvement_plan {
	long long item_id, run_id;
	long long afi;          /**< the area for improvement: an entry id of kind improvement, or 0 */
	char objective[64];     /**< an objective id of the scenario, or "" */
	char target[64];        /**< a capability target id, or "" */
	char analysis[4000];    /**< analysis and root cause, or "" */
	char poc[64];           /**< the responsible organisation's point of contact, or "" */
	char start[11];         /**< YYYY-MM-DD */
};

/** Append x (item x->item_id's details; once per item). */
enum pt_err pt_db_improvement_plan_add(struct pt_db *db, const struct pt_db_improvement_plan *x,
				       struct pt_diag *d);

/** The details of run_id's items that have them, by item; *out: free() (NULL when *n is 0). */
enum pt_err pt_db_improvement_plans(struct pt_db *db, long long run_id,
				    struct pt_db_improvement_plan **out, size_t *n,
				    struct pt_diag *d);

/**
 * One mark of a run's history for the after-action report: a clock event
 * (start, pause, resume, speed, shift, suspend, endex) or an exercise alert
 * issued (kind "alert", with the stored alert's composer, site and state when
 * it is found). Owns its text (pt_db_run_marks_free).
 */
struct pt_db_run_mark {
	char kind[16];
	double t_min;           /**< scenario minutes */
	int64_t at_ms;          /**< wall time, unix milliseconds */
	double value;           /**< speed: the new speed; shift: the minutes */
	char *text;             /**< the event's text whole (a pause's or suspension's reason,
				     ENDEX's message, the alert's line), owned */
	char composer[64];      /**< alert: who composed it, or "" */
	char site_id[64];       /**< alert: its site, or "" */
	char state[16];         /**< alert: "issued", "pending", "rejected", or "" */
};

/** The clock events and exercise alerts of run_id, oldest first; *out: pt_db_run_marks_free(). */
enum pt_err pt_db_run_marks(struct pt_db *db, long long run_id, struct pt_db_run_mark **out,
			    size_t *n, struct pt_diag *d);

/** Free n marks of pt_db_run_marks and their texts (m may be NULL). */
void pt_db_run_marks_free(struct pt_db_run_mark *m, size_t n);

#endif
