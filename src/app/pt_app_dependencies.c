/* pt_app_dependencies.c - the use cases of the dependencies between sites
 * (issue 12): import (all or nothing, audited), export, a site's links. */
#include "pt_app_dependencies.h"

#include <stdlib.h>
#include <string.h>

#include "../core/pt_access.h"
#include "../formats/pt_csv.h"
#include "../formats/pt_deps_io.h"
#include "../formats/pt_diag.h"
#include "../store/pt_deps_store.h"
#include "pt_app_audit.h"

/* ---- import ---------------------------------------------------------------- */

/* The snapshot's index of site id when c may read it, else -1. */
static long readable(const struct pt_caller *c, const struct pt_snapshot *snap, const char *id,
		     struct pt_access_record *rec)
{
	long k = pt_snapshot_find(snap, id);
	if (k < 0)
		return -1;
	pt_snapshot_record(snap, (size_t)k, rec);
	return pt_access_read(&c->who, rec) == PT_ACCESS_OK ? k : -1;
}

/* Row i's sites against c's snapshot: unknown (or unseen) PT_EINVAL, not c's to write PT_EFORBIDDEN. */
static enum pt_err check_sites(const struct pt_caller *c, const struct pt_snapshot *snap,
			       const struct pt_dep_list *l, size_t i, struct pt_diag *d)
{
	const struct pt_dependency *x = &l->items[i];
	struct pt_access_record p, q;
	if (readable(c, snap, x->provider_id, &p) < 0)
		return pt_diag_set(d, PT_EINVAL, l->lines[i], "provider_id",
				   "unknown site id \"%s\" (import the sites first)", x->provider_id);
	if (readable(c, snap, x->consumer_id, &q) < 0)
		return pt_diag_set(d, PT_EINVAL, l->lines[i], "consumer_id",
				   "unknown site id \"%s\" (import the sites first)", x->consumer_id);
	if (pt_access_dependency_write(&c->who, &p, &q) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, l->lines[i], "consumer_id",
				   "your role or organisation may not change the dependencies of "
				   "site %s",
				   x->consumer_id);
	return PT_OK;
}

/*
 * Of the stored rows the file does not name, those of a group the file sets
 * (same consumer and group) whose hours or loss will change and that c may
 * see: the import sets every row of the group (hidden ones too), and tells
 * only of these. stored and file are checked; nothing is read from a hidden row
 * but whether it is hidden.
 */
static size_t visible_regrouped(const struct pt_caller *c, const struct pt_snapshot *snap,
				const struct pt_dep_list *file, const struct pt_dep_list *stored)
{
	size_t i, j, n = 0;
	for (i = 0; i < stored->n; i++) {
		const struct pt_dependency *s = &stored->items[i];
		struct pt_access_record p, q;
		int named = 0, changes = 0;
		if (!s->group[0])
			continue;
		for (j = 0; j < file->n && !named; j++) {
			const struct pt_dependency *x = &file->items[j];
			if (strcmp(x->provider_id, s->provider_id) == 0 &&
			    strcmp(x->consumer_id, s->consumer_id) == 0)
				named = 1;
			else if (!changes && strcmp(x->consumer_id, s->consumer_id) == 0 &&
				 strcmp(x->group, s->group) == 0 &&
				 (x->autonomy_hours != s->autonomy_hours ||
				  x->service_loss != s->service_loss))
				changes = 1;
		}
		if (named || !changes)
			continue;
		if (readable(c, snap, s->provider_id, &p) >= 0 &&
		    readable(c, snap, s->consumer_id, &q) >= 0)
			n++;
	}
	return n;
}

enum pt_err pt_app_dependencies_import(const struct pt_caller *c, struct pt_db *db,
				       const char *data, size_t len,
				       struct pt_deps_import_result *out, struct pt_diag *d)
{
	struct pt_dep_list file, stored;
	struct pt_snapshot *snap = NULL;
	const char *refused = NULL;
	char file_name[sizeof d->file];
	enum pt_err err;
	size_t i;

	memset(out, 0, sizeof *out);
	memset(&file, 0, sizeof file);
	memset(&stored, 0, sizeof stored);
	pt_strlcpy(file_name, d->file, sizeof file_name);
	/* who may write no site may import no dependency (asked before the file is read) */
	if (pt_access_import_right(&c->who, PT_IMPORT_DEPENDENCIES) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "", "your role (%s) may not import dependencies",
				  pt_role_name(c->who.role));
		goto out;
	}
	if ((err = pt_deps_read_csv(data, len, &file, d)) != PT_OK)
		goto out;
	pt_diag_clear(d);
	pt_strlcpy(d->file, file_name, sizeof d->file);
	if (!(snap = pt_app_snapshot(c, db, d))) {
		err = d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < file.n; i++)
		if ((err = check_sites(c, snap, &file, i, d)) != PT_OK) {
			if (err == PT_EFORBIDDEN)
				refused = file.items[i].consumer_id;
			goto out;
		}
	/* A group's hours and loss belong to the consumer's group: the file's rows set them
	 * for every stored row of it (no stored value is compared, none is told). */
	if ((err = pt_db_deps_load(db, &stored, d)) != PT_OK)
		goto out;
	out->regrouped = visible_regrouped(c, snap, &file, &stored);
	pt_app_act(c, db);
	err = pt_db_deps_import(db, &file, &out->created, &out->updated, d);
out:
	err = pt_app_refused(c, db, "dependencies.import", "sites", refused, err, d);
	pt_snapshot_release(snap);
	pt_dep_list_clear(&file);
	pt_dep_list_clear(&stored);
	return err;
}

/* ---- reading --------------------------------------------------------------- */

void pt_app_dep_list_clear(struct pt_app_dep_list *l)
{
	if (!l)
		return;
	free(l->items);
	free(l->names);
	pt_snapshot_release(l->snap);
	memset(l, 0, sizeof *l);
}

void pt_app_site_deps_clear(struct pt_app_site_deps *s)
{
	if (!s)
		return;
	pt_app_dep_list_clear(&s->providers);
	pt_app_dep_list_clear(&s->consumers);
	s->withheld = 0;
	s->show_withheld = 0;
}

/* Make room for n items in l (names included). */
static enum pt_err list_reserve(struct pt_app_dep_list *l, size_t n, struct pt_diag *d)
{
	if (!n)
		return PT_OK;
	l->items = malloc(n * sizeof *l->items);
	l->names = malloc(2 * n * sizeof *l->names);
	if (!l->items || !l->names)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	return PT_OK;
}

/*
 * Into *p, *q the snapshot's indexes of x's sites when c may see x and both
 * are labelled at most max_tlp: 1; else 0.
 */
static int visible(const struct pt_caller *c, const struct pt_snapshot *snap,
		   const struct pt_dependency *x, enum pt_tlp max_tlp, long *p, long *q)
{
	struct pt_access_record a, b;
	*p = pt_snapshot_find(snap, x->provider_id);
	*q = pt_snapshot_find(snap, x->consumer_id);
	if (*p < 0 || *q < 0)
		return 0;
	pt_snapshot_record(snap, (size_t)*p, &a);
	pt_snapshot_record(snap, (size_t)*q, &b);
	return pt_access_dependency_read(&c->who, &a, &b) == PT_ACCESS_OK &&
	       snap->sites.items[*p].tlp <= max_tlp && snap->sites.items[*q].tlp <= max_tlp;
}

static void list_add(struct pt_app_dep_list *l, const struct pt_snapshot *snap,
		     const struct pt_dependency *x, long p, long q)
{
	const struct pt_site *a = &snap->sites.items[p], *b = &snap->sites.items[q];
	l->items[l->n] = *x;
	l->names[2 * l->n] = a->name;
	l->names[2 * l->n + 1] = b->name;
	l->n++;
	if (a->tlp > l->tlp)
		l->tlp = a->tlp;
	if (b->tlp > l->tlp)
		l->tlp = b->tlp;
}

enum pt_err pt_app_dependencies_list(const struct pt_caller *c, struct pt_db *db,
				     enum pt_tlp max_tlp, struct pt_app_dep_list *out,
				     struct pt_diag *d)
{
	struct pt_dep_list all;
	enum pt_err err;
	size_t i;

	memset(out, 0, sizeof *out);
	memset(&all, 0, sizeof all);
	out->tlp = PT_TLP_CLEAR;
	if (!(out->snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_deps_load(db, &all, d)) != PT_OK ||
	    (err = list_reserve(out, all.n, d)) != PT_OK)
		goto out;
	out->show_withheld = pt_access_hidden_counts(&c->who) == PT_ACCESS_OK;
	for (i = 0; i < all.n; i++) {
		long p, q;
		if (visible(c, out->snap, &all.items[i], max_tlp, &p, &q))
			list_add(out, out->snap, &all.items[i], p, q);
		else
			out->withheld++;
	}
out:
	pt_dep_list_clear(&all);
	if (err != PT_OK)
		pt_app_dep_list_clear(out);
	return err;
}

enum pt_err pt_app_site_dependencies(const struct pt_caller *c, struct pt_db *db, const char *id,
				     struct pt_app_site_deps *out, struct pt_diag *d)
{
	struct pt_snapshot *snap;
	struct pt_access_record rec;
	struct pt_dep_list all;
	enum pt_err err;
	size_t i;

	memset(out, 0, sizeof *out);
	memset(&all, 0, sizeof all);
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if (!id || readable(c, snap, id, &rec) < 0) {
		pt_snapshot_release(snap);
		return PT_ENOTFOUND;
	}
	out->providers.snap = snap;
	out->consumers.snap = pt_snapshot_retain(snap);
	out->show_withheld = pt_access_hidden_counts(&c->who) == PT_ACCESS_OK;
	if ((err = pt_db_deps_of_site(db, id, &all, d)) != PT_OK ||
	    (err = list_reserve(&out->providers, all.n, d)) != PT_OK ||
	    (err = list_reserve(&out->consumers, all.n, d)) != PT_OK)
		goto out;
	for (i = 0; i < all.n; i++) {
		const struct pt_dependency *x = &all.items[i];
		long p, q;
		if (!visible(c, snap, x, PT_TLP_RED, &p, &q))
			out->withheld++;
		else if (strcmp(x->consumer_id, id) == 0)
			list_add(&out->providers, snap, x, p, q);
		else
			list_add(&out->consumers, snap, x, p, q);
	}
out:
	pt_dep_list_clear(&all);
	if (err != PT_OK)
		pt_app_site_deps_clear(out);
	return err;
}

/* ---- deleting (review of issue 12) ----------------------------------------- */

enum pt_err pt_app_dependency_delete(const struct pt_caller *c, struct pt_db *db,
				     const char *provider_id, const char *consumer_id,
				     struct pt_diag *d)
{
	struct pt_snapshot *snap;
	struct pt_access_record p, q;
	struct pt_dep_list mine;
	const char *refused = NULL;
	enum pt_err err = PT_ENOTFOUND;
	size_t i;
	int found = 0;

	memset(&mine, 0, sizeof mine);
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	/* a site c may not read, or no such row: the same answer */
	if (!provider_id || !consumer_id || readable(c, snap, provider_id, &p) < 0 ||
	    readable(c, snap, consumer_id, &q) < 0)
		goto out;
	if ((err = pt_db_deps_of_site(db, consumer_id, &mine, d)) != PT_OK)
		goto out;
	for (i = 0; i < mine.n; i++)
		if (strcmp(mine.items[i].provider_id, provider_id) == 0 &&
		    strcmp(mine.items[i].consumer_id, consumer_id) == 0)
			found = 1;
	if (!found) {
		err = PT_ENOTFOUND;
		goto out;
	}
	if (pt_access_dependency_write(&c->who, &p, &q) != PT_ACCESS_OK) {
		refused = consumer_id;
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "consumer_id",
				  "your role or organisation may not change the dependencies of "
				  "site %s",
				  consumer_id);
		goto out;
	}
	pt_app_act(c, db);
	err = pt_db_deps_delete(db, provider_id, consumer_id, d);
out:
	if (err == PT_ENOTFOUND)
		pt_diag_set(d, PT_ENOTFOUND, 0, "", "no dependency of %s on %s",
			    consumer_id ? consumer_id : "", provider_id ? provider_id : "");
	err = pt_app_refused(c, db, "dependencies.delete", "sites", refused, err, d);
	pt_snapshot_release(snap);
	pt_dep_list_clear(&mine);
	return err;
}
