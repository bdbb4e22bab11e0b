/* pt_site_store.h - the sites of the registry and their assessments
 * (FEMA, CARVER + Shock, quantitative). */
#ifndef PT_SITE_STORE_H
#define PT_SITE_STORE_H

#include <stddef.h>

#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "../core/pt_survey.h"
#include "../formats/pt_assess_io.h"
#include "../formats/pt_sites_io.h"
#include "pt_db.h"

/**
 * Import sites: insert or update by id, creating unknown owner
 * organisations as operators, in one transaction (all-or-nothing).
 * *created and *updated (may be NULL) count the rows.
 */
enum pt_err pt_db_sites_import(struct pt_db *db, const struct pt_site_list *sites,
			       size_t *created, size_t *updated, struct pt_diag *d);

/**
 * issue 11 (owner2): pt_db_sites_import with changes (may be NULL or "")
 * added to the audit entry's detail after "; " (the fields a row changed,
 * with old and new values, written by the caller; the detail is cut at
 * PT_AUDIT_DETAIL_MAX with "...").
 */
enum pt_err pt_db_sites_import_noted(struct pt_db *db, const struct pt_site_list *sites,
				     const char *changes, size_t *created, size_t *updated,
				     struct pt_diag *d);

/**
 * All sites with tlp <= max_tlp, ordered by id, appended to out (an empty
 * list; caller empties with pt_site_list_clear; lines are 0). *withheld (may
 * be NULL) counts the sites above max_tlp. PT_ELIMIT past PT_SITES_MAX.
 */
enum pt_err pt_db_sites_list(struct pt_db *db, enum pt_tlp max_tlp, struct pt_site_list *out,
			     size_t *withheld, struct pt_diag *d);

/** One site by id (PT_ENOTFOUND if none). */
enum pt_err pt_db_site_get(struct pt_db *db, const char *id, struct pt_site *out,
			   struct pt_diag *d);

/**
 * Import assessments of set->method in one transaction: each row replaces
 * the row of the same key; an unknown site id is PT_EINVAL naming the line
 * (set->lines) and field site_id.
 */
enum pt_err pt_db_assessments_import(struct pt_db *db, const struct pt_assessment_set *set,
				     struct pt_diag *d);

/**
 * issue 16 item 3: pt_db_assessments_import that also records the rows as
 * confirmed visits of source (pt_db_surveys_record_set), one per site,
 * dated at visited_at (UTC "YYYY-MM-DDTHH:MM:SSZ"; NULL or "": the actor's
 * clock, else the real clock). pt_db_assessments_import is this with source
 * import and the actor's clock.
 */
enum pt_err pt_db_assessments_import_as(struct pt_db *db, const struct pt_assessment_set *set,
					enum pt_survey_source source, const char *visited_at,
					struct pt_diag *d);

/**
 * Write set's rows into the method's table of current ratings (each
 * replacing the row of its key), without an audit entry or a visit: the
 * caller (a confirmed survey) audits. In the caller's transaction.
 */
enum pt_err pt_db_assessments_put(struct pt_db *db, const struct pt_assessment_set *set,
				  struct pt_diag *d);

/**
 * Load every assessment of method into out (out->method set; rows ordered
 * by site id then threat id; lines are 0). Caller frees with
 * pt_assessment_set_clear. PT_ELIMIT past PT_ASSESS_ROWS_MAX rows.
 */
enum pt_err pt_db_assessments_load(struct pt_db *db, enum pt_method method,
				   struct pt_assessment_set *out, struct pt_diag *d);

/** Assessments of one site for method (same ordering). */
enum pt_err pt_db_site_assessments(struct pt_db *db, const char *site_id, enum pt_method method,
				   struct pt_assessment_set *out, struct pt_diag *d);

#endif
