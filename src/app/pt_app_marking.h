/* pt_app_marking.h - the TLP marking of answers that name sites without carrying
 * them whole (issue 11 review M2): measure steps, readers, withdrawals, re-opened decisions. */
#ifndef PT_APP_MARKING_H
#define PT_APP_MARKING_H

#include <stddef.h>

#include "../core/pt_model.h"
#include "pt_app.h"

/**
 * Into *out the marking of an answer carrying data of sites ids[0, n)
 * (borrowed): the highest TLP label of those of them in the registry
 * (core/pt_marking; an unknown id adds nothing), TLP:CLEAR when n is 0.
 * Reads c's snapshot; no access check (the caller's answer names only
 * sites its use case let through) and no audit.
 */
enum pt_err pt_app_sites_marking(const struct pt_caller *c, struct pt_db *db,
				 const char *const *ids, size_t n, enum pt_tlp *out,
				 struct pt_diag *d);

/**
 * Into *out the marking of saved plan name's measures: the highest label
 * of the sites the plan proposed measures at (pt_app_sites_marking), read
 * before a withdrawal changes them. TLP:CLEAR for an unknown plan.
 */
enum pt_err pt_app_plan_sites_marking(const struct pt_caller *c, struct pt_db *db,
				      const char *name, enum pt_tlp *out, struct pt_diag *d);

#endif
