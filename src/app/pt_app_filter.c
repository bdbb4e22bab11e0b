/* pt_app_filter.c - issue 16 item 5: a filter checked against what its caller may read
 * (so an unknown value's 400 reveals nothing of a hidden site), and the sites it keeps. */
#include "pt_app_filter.h"

#include <stdlib.h>
#include <string.h>

#include "../store/pt_access_store.h"
#include "../store/pt_catalog_store.h"

enum pt_err pt_app_filter_check(const struct pt_caller *c, struct pt_db *db,
				const struct pt_snapshot *snap, const unsigned char *visible,
				struct pt_site_filter *f, struct pt_diag *d)
{
	struct pt_catalogs cat;
	struct pt_filter_known k;
	const char **regions = NULL;
	long long *owners = NULL;
	size_t n = snap->sites.n, i, bad_value = 0;
	enum pt_filter_field bad_field = PT_FILTER_SECTOR;
	enum pt_err err = PT_OK;

	if (!pt_site_filter_active(f))
		return PT_OK;
	memset(&cat, 0, sizeof cat);
	memset(&k, 0, sizeof k);
	if (pt_site_filter_has(f, PT_FILTER_SECTOR) || pt_site_filter_has(f, PT_FILTER_KIND))
		if ((err = pt_db_catalogs_load(db, &cat, d)) != PT_OK)
			goto out;
	regions = malloc((n ? n : 1) * sizeof *regions);
	owners = malloc((n ? n : 1) * sizeof *owners);
	if (!regions || !owners) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct pt_access_record rec;
		if (!visible[i])
			continue;
		pt_snapshot_record(snap, i, &rec);
		regions[k.n_regions++] = snap->sites.items[i].region;
		owners[k.n_owners++] = rec.owner_org_id;
	}
	k.sectors = &cat.sectors;
	k.kinds = &cat.kinds;
	k.regions = regions;
	k.mine = c->who.system ? 0 : c->who.org_id;
	k.owners = owners;
	if (pt_site_filter_check(f, &k, &bad_field, &bad_value) != PT_OK) {
		/* the message without the field's name: the faces put it in front */
		const char *name = pt_filter_field_name(bad_field);
		const char *v = f->values[bad_field][bad_value];
		if (bad_field == PT_FILTER_OWNER && strcmp(v, PT_FILTER_OWNER_MINE) == 0)
			err = pt_diag_set(d, PT_EINVAL, 0, name,
					  "\"mine\" names the caller's organisation, and the caller "
					  "has none (the system administrator)");
		else if (bad_field == PT_FILTER_REGION)
			err = pt_diag_set(d, PT_EINVAL, 0, name,
					  "unknown value \"%s\": not the region of any site you may "
					  "read", v);
		else if (bad_field == PT_FILTER_OWNER)
			err = pt_diag_set(d, PT_EINVAL, 0, name,
					  "unknown value \"%s\": not the id of your organisation nor "
					  "of the owner of any site you may read (an organisation id, "
					  "or \"mine\")", v);
		else if (bad_field == PT_FILTER_BAND)
			err = pt_diag_set(d, PT_EINVAL, 0, name,
					  "unknown value \"%s\" (low, medium, high, very high)", v);
		else if (bad_field == PT_FILTER_TLP)
			err = pt_diag_set(d, PT_EINVAL, 0, name,
					  "unknown value \"%s\" (CLEAR, GREEN, AMBER, AMBER+STRICT, "
					  "RED; in a URL AMBER+STRICT is AMBER%%2BSTRICT)", v);
		else
			err = pt_diag_set(d, PT_EINVAL, 0, name,
					  "unknown value \"%s\": not in the %s catalogue", v, name);
	}
out:
	free(regions);
	free(owners);
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
	return err;
}

size_t pt_app_filter_keep(const struct pt_snapshot *snap, const unsigned char *visible,
			  const struct pt_site_filter *f, unsigned char *keep)
{
	size_t i, kept = 0;
	for (i = 0; i < snap->sites.n; i++) {
		struct pt_access_record rec;
		if (!visible[i]) { /* read before keep[i] is written: keep may be visible */
			keep[i] = 0;
			continue;
		}
		pt_snapshot_record(snap, i, &rec);
		keep[i] = (unsigned char)pt_site_filter_match(f, &snap->sites.items[i],
							      rec.owner_org_id);
		kept += keep[i];
	}
	return kept;
}

