/* pt_surge_store.h - the surge catalogue (surge_measures, surge_effects;
 * migration 015, issue 11 item 6): SQL only. */
#ifndef PT_SURGE_STORE_H
#define PT_SURGE_STORE_H

#include "../core/pt_surge.h"
#include "pt_store.h"

/**
 * Inside the caller's write transaction: add or update the surge measures
 * of cat (by id) and replace the effect rows of each by cat's. Checks
 * nothing (src/app does); constraint failures are PT_EDB/PT_EINVAL.
 */
enum pt_err pt_db_surge_put(struct pt_db *db, const struct pt_surge_catalog *cat,
			    struct pt_diag *d);

/** 1 when surge measure id is stored, 0 when not, -1 on failure (d filled). */
int pt_db_surge_exists(struct pt_db *db, const char *id, struct pt_diag *d);

/** The surge catalogue in id order, in one read (in the caller's transaction when
 * one is open). out is overwritten; empty it with pt_surge_catalog_clear. */
enum pt_err pt_db_surge_load(struct pt_db *db, struct pt_surge_catalog *out, struct pt_diag *d);

#endif
