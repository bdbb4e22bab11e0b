/* pt_app_sites.c - the sites registry's use cases: one import of sites
 * (CSV or GeoJSON) and of assessments for the command line and the API. */
#include "pt_app_sites.h"

#include <stdlib.h>
#include <string.h>

#include "../store/pt_audit.h"
#include "../store/pt_store.h"
#include "../store/pt_users.h"

/* The catalogues of the import: the caller's, or loaded into own. */
static enum pt_err catalogs(struct pt_db *db, const struct pt_catalogs *given,
			    struct pt_catalogs *own, const struct pt_catalogs **use,
			    struct pt_diag *d)
{
	memset(own, 0, sizeof *own);
	*use = given;
	if (given)
		return PT_OK;
	*use = own;
	return pt_db_catalogs_load(db, own, d);
}

static void catalogs_clear(struct pt_catalogs *own)
{
	pt_catalog_free(&own->kinds);
	pt_catalog_free(&own->sectors);
	pt_catalog_free(&own->threats);
}

/* Nonzero when buf starts with '{' after a UTF-8 BOM and blanks. */
static int looks_like_json(const char *buf, size_t len)
{
	size_t i = 0;
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	return i < len && buf[i] == '{';
}

struct sites_write {
	const struct pt_site_list *list;
	const unsigned char *is_new; /* per row: no site of that id in the snapshot; NULL: not checked */
	struct pt_diag *d;
	size_t created, updated;
};

/*
 * Inside the import's transaction: an id the snapshot did not hold must
 * still be free (a site made since could be one the caller may not see),
 * then every row is written.
 */
static enum pt_err write_sites(struct pt_db *db, void *ctx)
{
	struct sites_write *w = ctx;
	enum pt_err err;
	size_t i;
	for (i = 0; w->is_new && i < w->list->n; i++) {
		struct pt_site now;
		if (!w->is_new[i])
			continue;
		err = pt_db_site_get(db, w->list->items[i].id, &now, w->d);
		if (err == PT_OK)
			return pt_diag_set(w->d, PT_ECONFLICT, w->list->lines[i], "id",
					   "the registry changed during the import; send it again");
		if (err != PT_ENOTFOUND)
			return err;
		pt_diag_clear(w->d);
	}
	return pt_db_sites_import(db, w->list, &w->created, &w->updated, w->d);
}

enum pt_err pt_app_sites_import(const struct pt_caller *c, struct pt_db *db,
				const struct pt_sites_import *in,
				struct pt_sites_import_result *out, struct pt_diag *d)
{
	struct pt_catalogs own;
	const struct pt_catalogs *cat;
	struct pt_site_list list;
	struct pt_snapshot *snap = NULL;
	const char *taken = NULL;
	unsigned char *is_new = NULL;
	struct sites_write w;
	enum pt_err err;
	size_t i;
	int geojson;

	memset(out, 0, sizeof *out);
	memset(&list, 0, sizeof list);
	memset(&w, 0, sizeof w);
	if ((err = catalogs(db, in->cat, &own, &cat, d)) != PT_OK)
		goto out;
	geojson = in->format == PT_SITES_FORMAT_GEOJSON ||
		  (in->format == PT_SITES_FORMAT_AUTO && looks_like_json(in->data, in->len));
	err = geojson ? pt_sites_read_geojson(in->data ? in->data : "", in->len, cat, &list, d)
		      : pt_sites_read_csv(in->data ? in->data : "", in->len, cat, &list, d);
	out->warnings = d->warnings;
	if (err != PT_OK)
		goto out;
	pt_diag_clear(d);
	if (!(snap = pt_app_snapshot(c, db, d))) {
		err = PT_EDB;
		goto out;
	}
	for (i = 0; i < list.n; i++) {
		const struct pt_site *row = &list.items[i];
		long k = pt_snapshot_find(snap, row->id);
		struct pt_access_record rec;
		enum pt_access a;
		if (k >= 0)
			pt_snapshot_record(snap, (size_t)k, &rec);
		a = pt_access_import(&c->who, pt_access_index_org_id(snap->ix, row->owner),
				     k >= 0 ? &rec : NULL);
		if (a == PT_ACCESS_FORBIDDEN) {
			err = pt_diag_set(d, PT_EFORBIDDEN, list.lines[i], "owner",
					  "you may only import sites your organisation owns; not %s",
					  row->owner);
			goto out;
		}
		if (a == PT_ACCESS_NOT_FOUND) {
			taken = row->id;
			out->id_taken = 1;
			err = pt_diag_set(d, PT_ECONFLICT, list.lines[i], "id",
					  "the site id %s is taken; choose another id", row->id);
			goto out;
		}
	}
	if (!c->who.system && !(is_new = calloc(list.n ? list.n : 1, 1))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; is_new && i < list.n; i++)
		is_new[i] = pt_snapshot_find(snap, list.items[i].id) < 0;
	w.list = &list;
	w.is_new = is_new;
	w.d = d;
	pt_app_act(c, db);
	err = pt_db_transaction(db, write_sites, &w, d);
	out->created = w.created;
	out->updated = w.updated;
out:
	if (taken) {
		/* The refusal reveals that the id exists: it is audited, in its own transaction. */
		struct pt_diag ad;
		memset(&ad, 0, sizeof ad);
		pt_app_act(c, db);
		if (pt_audit_append(db, "site.import.taken", "sites", taken,
				    "import refused: the id is held by a site the importer may not see",
				    &ad) != PT_OK) {
			*d = ad;
			err = PT_EIO;
		}
	}
	free(is_new);
	pt_snapshot_release(snap);
	pt_site_list_free(&list);
	catalogs_clear(&own);
	return err;
}

/* The site of assessment row i. */
static const char *row_site(const struct pt_assessment_set *set, size_t i)
{
	return set->method == PT_METHOD_FEMA	 ? set->fema[i].site_id
	       : set->method == PT_METHOD_CARVER ? set->carver[i].site_id
						 : set->quant[i].site_id;
}

enum pt_err pt_app_assessments_import(const struct pt_caller *c, struct pt_db *db,
				      const struct pt_assessments_import *in,
				      struct pt_assessments_import_result *out,
				      struct pt_diag *d)
{
	struct pt_catalogs own;
	const struct pt_catalogs *cat;
	struct pt_assessment_set set;
	struct pt_snapshot *snap = NULL;
	enum pt_err err;
	size_t i;

	memset(out, 0, sizeof *out);
	memset(&set, 0, sizeof set);
	if ((err = catalogs(db, in->cat, &own, &cat, d)) != PT_OK)
		goto out;
	err = pt_assessments_read_csv(in->data ? in->data : "", in->len, &cat->threats, &set, d);
	if (err != PT_OK)
		goto out;
	pt_diag_clear(d);
	if (!(snap = pt_app_snapshot(c, db, d))) {
		err = PT_EDB;
		goto out;
	}
	for (i = 0; i < set.n; i++) {
		const char *id = row_site(&set, i);
		struct pt_access_record rec;
		enum pt_access a = PT_ACCESS_NOT_FOUND;
		long k;
		if (i > 0 && strcmp(id, row_site(&set, i - 1)) == 0)
			continue; /* rows of one site follow each other: checked already */
		if ((k = pt_snapshot_find(snap, id)) >= 0) {
			pt_snapshot_record(snap, (size_t)k, &rec);
			a = pt_access_write(&c->who, &rec);
		}
		/* A site the caller may not see reads exactly as one that does not exist. */
		if (a == PT_ACCESS_NOT_FOUND) {
			err = pt_diag_set(d, PT_EINVAL, set.lines[i], "site_id",
					  "unknown site id \"%.*s\" (import the sites first)",
					  (int)strnlen(id, PT_ID_MAX), id);
			goto out;
		}
		if (a != PT_ACCESS_OK) {
			err = pt_diag_set(d, PT_EFORBIDDEN, set.lines[i], "site_id",
					  "your role or organisation may not change the assessments "
					  "of site %s",
					  id);
			goto out;
		}
	}
	pt_app_act(c, db);
	if ((err = pt_db_assessments_import(db, &set, d)) != PT_OK)
		goto out;
	out->method = set.method;
	out->rows = set.n;
out:
	pt_snapshot_release(snap);
	pt_assessment_set_free(&set);
	catalogs_clear(&own);
	return err;
}
