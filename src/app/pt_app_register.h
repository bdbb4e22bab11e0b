/* pt_app_register.h - the risk register's use cases: list the site-threat
 * risks a caller may read with their residual risk, record and approve
 * treatment decisions, read a risk's history. */
#ifndef PT_APP_REGISTER_H
#define PT_APP_REGISTER_H

#include <stddef.h>

#include "../core/pt_plan_records.h"
#include "pt_app.h"

/** A page of the register. Clear with pt_register_list_clear. */
struct pt_register_list {
	struct pt_register_entry *items; /**< n, largest risk first */
	unsigned char *can_treat;        /**< n: 1 when the caller may record decisions (pt_access_treat) */
	size_t n;
	size_t total;                    /**< entries in all */
	enum pt_tlp tlp;                 /**< the highest site label of all total entries (the marking of a page: issue 11 review M1) */
};

/** Empty l (the struct stays). */
void pt_register_list_clear(struct pt_register_list *l);

/**
 * The register as c may read it: one entry per quantitatively assessed
 * site-threat pair of the sites it may read (site_id NULL/"": every site;
 * PT_ENOTFOUND for a site it may not read), with the residual risk once
 * the measures committed at the site are in place, ordered by risk,
 * largest first; entries from offset, at most limit. The sites of the
 * entries returned are audited as read_action (NULL: not audited).
 */
enum pt_err pt_app_register_list(const struct pt_caller *c, struct pt_db *db,
				 const char *site_id, size_t offset, size_t limit,
				 const char *read_action, struct pt_register_list *out,
				 struct pt_diag *d);

struct pt_site_filter;
/**
 * issue 16 item 5: pt_app_register_list over the entries whose site filter f
 * keeps (NULL: every one; checked in place by pt_app_filter_check, PT_EINVAL
 * naming the field and value) and, with a band, whose band (the pair's
 * band on the quant matrix today, as "band" shows it) is one of f's; total
 * and the marking count those entries alone.
 */
enum pt_err pt_app_register_list_filtered(const struct pt_caller *c, struct pt_db *db,
					  const char *site_id, struct pt_site_filter *f,
					  size_t offset, size_t limit, const char *read_action,
					  struct pt_register_list *out, struct pt_diag *d);

/**
 * The entry of (site_id, threat_id) as c may read it into *out and
 * whether c may record decisions on it (known only with a snapshot: c has
 * a snapshot source or its read is audited; else 0); PT_ENOTFOUND when
 * the pair is not assessed (field "threat_id") or the site missing or
 * hidden (field "site_id"). The read of an AMBER or higher site is audited
 * as read_action (NULL: not audited) when c->audit_reads.
 */
enum pt_err pt_app_register_entry(const struct pt_caller *c, struct pt_db *db,
				  const char *site_id, const char *threat_id,
				  const char *read_action, struct pt_register_entry *out,
				  int *can_treat, struct pt_diag *d);

/**
 * Record a decision on (site_id, threat_id): the pair must be assessed
 * (PT_ENOTFOUND otherwise, also for a site c may not read); c must pass
 * pt_access_treat (PT_EFORBIDDEN). Accepting above register.accept_max_band
 * awaits approval unless c passes pt_access_register_approve, whose
 * acceptance is approved at once; a later change of treatment clears an
 * approval. One history row per call. Audited ("register.set"; the entry
 * returned is covered by it). On success *out is the entry as written,
 * read in the same transaction, and *can_treat (may be NULL) 1.
 */
enum pt_err pt_app_register_set(const struct pt_caller *c, struct pt_db *db,
				const char *site_id, const char *threat_id,
				const struct pt_register_change *change,
				struct pt_register_entry *out, int *can_treat, struct pt_diag *d);

/**
 * Approve an acceptance awaiting approval: c must pass
 * pt_access_register_approve (PT_EFORBIDDEN) and read the site
 * (PT_ENOTFOUND); PT_EINVAL when nothing awaits approval. Audited
 * ("register.approve"), with a history row. On success *out is the entry
 * as approved, read in the same transaction, and *can_treat (may be NULL)
 * whether c may record decisions on it (pt_access_treat).
 */
enum pt_err pt_app_register_approve(const struct pt_caller *c, struct pt_db *db,
				    const char *site_id, const char *threat_id,
				    struct pt_register_entry *out, int *can_treat,
				    struct pt_diag *d);

/**
 * The history of (site_id, threat_id), oldest first, when c may read the
 * site (PT_ENOTFOUND otherwise). *rows is new (free()). The read of an
 * AMBER or higher site is audited ("register.history.read") when
 * c->audit_reads; a read that cannot be audited is not answered.
 */
enum pt_err pt_app_register_history(const struct pt_caller *c, struct pt_db *db,
				    const char *site_id, const char *threat_id,
				    struct pt_register_history_row **rows, size_t *n,
				    struct pt_diag *d);

/**
 * pt_app_register_history, and (when tlp is not NULL) the site's own TLP
 * label in *tlp: the marking of the history (issue 11). Same ownership.
 */
enum pt_err pt_app_register_history_marked(const struct pt_caller *c, struct pt_db *db,
					   const char *site_id, const char *threat_id,
					   struct pt_register_history_row **rows, size_t *n,
					   enum pt_tlp *tlp, struct pt_diag *d);

/** A re-opened register decision (issue 11). Plain data. */
struct pt_app_reopened {
	char site_id[PT_ID_MAX];
	char site_name[PT_NAME_MAX];
	char threat_id[PT_ID_MAX];
	enum pt_band decided_band; /**< the band it was decided at */
	enum pt_band band;         /**< the band now */
	enum pt_tlp site_tlp;      /**< the site's label (the marking of answers naming it: issue 11 review M2) */
};

/**
 * The decisions of the sites who may read that are re-opened now (the
 * threat levels in force at pt_app_now(0)), by site then threat; *out is new
 * (free()), NULL when *n is 0. Inside a caller's transaction or on its own;
 * not audited (a use case's own part).
 */
enum pt_err pt_app_register_reopened_list(struct pt_db *db, const struct pt_principal *who,
					  struct pt_app_reopened **out, size_t *n,
					  struct pt_diag *d);

#endif
