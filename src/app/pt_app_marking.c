/* pt_app_marking.c - the TLP marking of answers that name sites without carrying
 * them whole (issue 11 review M2): the highest label of the sites named. */
#include "pt_app_marking.h"

#include <stdlib.h>
#include <string.h>

#include "../core/pt_marking.h"
#include "../formats/pt_diag.h"
#include "../store/pt_measures_store.h"

enum pt_err pt_app_sites_marking(const struct pt_caller *c, struct pt_db *db,
				 const char *const *ids, size_t n, enum pt_tlp *out,
				 struct pt_diag *d)
{
	struct pt_snapshot *snap;
	size_t i;
	*out = PT_TLP_CLEAR;
	if (!n)
		return PT_OK;
	if (!c || !db || !ids)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no sites");
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
	for (i = 0; i < n; i++) {
		long k = ids[i] ? pt_snapshot_find(snap, ids[i]) : -1;
		if (k >= 0)
			*out = pt_marking_max(*out, snap->sites.items[k].tlp);
	}
	pt_snapshot_release(snap);
	return PT_OK;
}

enum pt_err pt_app_plan_sites_marking(const struct pt_caller *c, struct pt_db *db,
				      const char *name, enum pt_tlp *out, struct pt_diag *d)
{
	struct pt_site_measure_row *rows = NULL;
	const char **ids = NULL;
	size_t n = 0, i;
	enum pt_err err;
	*out = PT_TLP_CLEAR;
	if (!c || !db || !name)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no plan name");
	if ((err = pt_db_plan_measures(db, name, &rows, &n, d)) != PT_OK)
		return err;
	if (n && !(ids = calloc(n, sizeof *ids)))
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; ids && i < n; i++)
		ids[i] = rows[i].site_id;
	if (err == PT_OK)
		err = pt_app_sites_marking(c, db, ids, n, out, d);
	free(ids);
	free(rows);
	return err;
}
