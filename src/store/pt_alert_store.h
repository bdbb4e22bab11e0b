/* pt_alert_store.h - public alerts in SQLite (the alerts table, migration
 * 021, issue 13): append-only rows of the exact CAP bytes; SQL only. */
#ifndef PT_ALERT_STORE_H
#define PT_ALERT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "pt_store.h"

#define PT_DB_ALERT_ID_MAX 128 /**< identifier, chain, references: bytes with the NUL */

/** One stored message (a row of alerts). Plain data but for xml. */
struct pt_db_alert {
	char identifier[PT_DB_ALERT_ID_MAX];
	char chain[PT_DB_ALERT_ID_MAX];
	char references_id[PT_DB_ALERT_ID_MAX]; /**< "" for an Alert */
	char msg_type[16];  /**< "Alert", "Update", "Cancel" */
	char status[16];    /**< "Actual", "Exercise", "Test" */
	char state[16];     /**< "pending", "issued", "rejected" */
	char site_id[64];
	char template_id[64];
	char languages[256]; /**< comma-separated tags */
	double radius_km;    /**< 0 with a polygon */
	int polygon, generic_area;
	int64_t sent, expires;
	int64_t feed_until;  /**< a Cancel: the cancelled message's expires */
	long long composer_id; /**< 0: the system administrator */
	char composer[64];
	long long approver_id;
	char approver[64];
	int64_t composed_at, decided_at;
	char reason[1025];
	char sha256[65];
	int latest;          /**< read only: the latest issued message of its chain */
	char *xml;           /**< the bytes (owned; NULL when not read) */
	size_t xml_len;
};

/** Free a row's bytes (not the row); NULL does nothing. */
void pt_db_alert_clear(struct pt_db_alert *a);

/** Insert a (state pending or issued), in the caller's transaction or its own.
 * A taken identifier is PT_ECONFLICT. */
enum pt_err pt_db_alert_insert(struct pt_db *db, const struct pt_db_alert *a, struct pt_diag *d);

/**
 * Read message id into *out (with its bytes when with_xml; free them with
 * pt_db_alert_clear). PT_ENOTFOUND without a message when there is none.
 */
enum pt_err pt_db_alert_get(struct pt_db *db, const char *id, int with_xml,
			    struct pt_db_alert *out, struct pt_diag *d);

/**
 * Decide pending message id: state "issued" or "rejected", who, when and
 * why. PT_ECONFLICT when it is no longer pending (another decided first).
 */
enum pt_err pt_db_alert_decide(struct pt_db *db, const char *id, const char *state,
			       long long approver_id, const char *approver, int64_t at,
			       const char *reason, struct pt_diag *d);

/** The messages newest first (composition order), at most max, without bytes; *out: free(). */
enum pt_err pt_db_alert_list(struct pt_db *db, size_t max, struct pt_db_alert **out, size_t *n,
			     struct pt_diag *d);

/** As pt_db_alert_list, without the Exercise messages issued from within exercise runs
 * (issue 15 attack review 2, round 2: those stay in their run). */
enum pt_err pt_db_alert_list_no_runs(struct pt_db *db, size_t max, struct pt_db_alert **out,
				     size_t *n, struct pt_diag *d);

/**
 * The issued messages of chain in the order they were composed, without
 * bytes (at most max; *out: free()); the last is the chain's latest.
 */
enum pt_err pt_db_alert_chain_issued(struct pt_db *db, const char *chain, size_t max,
				     struct pt_db_alert **out, size_t *n, struct pt_diag *d);

/** 1 when chain has a pending message, 0 when not, -1 on failure (d filled). */
int pt_db_alert_chain_pending(struct pt_db *db, const char *chain, struct pt_diag *d);

/**
 * The public feed at now: per chain of status Actual its latest issued
 * message while now < its feed_until, the last made public first
 * (decided_at: its approval), at most max,
 * with their bytes (free each with pt_db_alert_clear, then the array).
 */
enum pt_err pt_db_alert_feed(struct pt_db *db, int64_t now, size_t max,
			     struct pt_db_alert **out, size_t *n, struct pt_diag *d);

/**
 * The detail of the audit entry that recorded message id's composition
 * ("alert.compose" or "alert.issue") into buf; "" when there is none.
 */
enum pt_err pt_db_alert_audit_detail(struct pt_db *db, const char *id, char *buf, size_t size,
				     struct pt_diag *d);

#endif
