/* pt_cer_store.h - organisations designated as critical entities under the CER Directive
 * and the sites of their critical infrastructure (tables cer_entities, cer_entity_sites;
 * issue 16, item 8): SQL only. */
#ifndef PT_CER_STORE_H
#define PT_CER_STORE_H

#include "../core/pt_cer.h"
#include "../core/pt_records.h"
#include "pt_store.h"

#define PT_CER_ENTITIES_MAX 100000 /**< designated entities one registry keeps */

/** A designated entity as stored. Plain data. */
struct pt_cer_entity_row {
	long long org_id;
	char org_name[PT_NAME_MAX];
	struct pt_cer_dates dates;
	long long changed_at;                  /**< unix seconds of the last change */
	char changed_by[PT_ACTOR_NAME_MAX];    /**< who made it */
};

/** A site of an entity's critical infrastructure. Plain data. */
struct pt_cer_link_row {
	long long org_id;
	char site_id[PT_ID_MAX];
};

/**
 * Every designated entity, by organisation name, into *rows (caller frees with free();
 * NULL when *n is 0), and every linked site, by organisation id then site id, into *links
 * (the same), read in one read transaction.
 */
enum pt_err pt_db_cer_load(struct pt_db *db, struct pt_cer_entity_row **rows, size_t *n,
			   struct pt_cer_link_row **links, size_t *n_links, struct pt_diag *d);

/**
 * In one write transaction: keep org_id's designation as dates (inserted or replaced,
 * changed by the actor at its time); when sites is not NULL, replace its linked sites by
 * sites[0..n_sites) (PT_ID_MAX bytes each); append the audit entry action (e.g.
 * "cer.designate") on organisations/org_id with detail, covering the linked sites. Checks
 * nothing (src/app does); an unknown organisation or site is PT_EINVAL.
 */
enum pt_err pt_db_cer_put(struct pt_db *db, long long org_id, const struct pt_cer_dates *dates,
			  const char (*sites)[PT_ID_MAX], size_t n_sites, const char *action,
			  const char *detail, struct pt_diag *d);

/**
 * In one write transaction: revoke org_id's designation (and its linked sites) and append
 * the audit entry "cer.revoke" with detail. PT_ENOTFOUND, nothing written, when it has none.
 */
enum pt_err pt_db_cer_delete(struct pt_db *db, long long org_id, const char *detail,
			     struct pt_diag *d);

#endif
