/* pt_plans_store.h - saved plans (plans) and their funded sites
 * (plan_site_lines): SQL only. */
#ifndef PT_PLANS_STORE_H
#define PT_PLANS_STORE_H

#include <stddef.h>

#include "../core/pt_plan_records.h"
#include "pt_store.h"

/** 1 when a plan named name is stored, 0 when not, -1 on failure (d filled). */
int pt_db_plan_exists(struct pt_db *db, const char *name, struct pt_diag *d);

/**
 * Inside the caller's write transaction: store plan p (p->name, created
 * at and by, solver, region, threat level, figures, state ('' proposed),
 * scope organisation) with its JSON text and
 * its funded sites lines[0..n) in that order. PT_EDB on a taken name.
 */
enum pt_err pt_db_plan_add(struct pt_db *db, const struct pt_saved_plan *p, const char *json,
			   const struct pt_plan_site_line *lines, size_t n, struct pt_diag *d);

/**
 * The funded sites of saved plan name in the order saved: *lines new
 * (free()), *n their count. PT_ENOTFOUND if there is no such plan.
 */
enum pt_err pt_db_plan_site_lines(struct pt_db *db, const char *name,
				  struct pt_plan_site_line **lines, size_t *n, struct pt_diag *d);

/** Every saved plan, newest first. *plans is new (free()). */
enum pt_err pt_db_plans_list(struct pt_db *db, struct pt_saved_plan **plans, size_t *n,
			     struct pt_diag *d);

/** One saved plan and its JSON (*json new, free(); json may be NULL). PT_ENOTFOUND if none. */
enum pt_err pt_db_plan_get(struct pt_db *db, const char *name, struct pt_saved_plan *out,
			   char **json, struct pt_diag *d);

/**
 * Inside the caller's write transaction: mark plan name withdrawn at now by
 * actor. *changed 0 when it was withdrawn already (or is not stored).
 */
enum pt_err pt_db_plan_withdraw(struct pt_db *db, const char *name, const char *now,
				const char *actor, int *changed, struct pt_diag *d);

#endif
