/* pt_app_sites.c - the sites registry's use cases for the command line and
 * the API: imports, reads, changes and named readers, each decided by pt_access. */
#include "pt_app_sites.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_csv.h"
#include "../store/pt_audit.h"
#include "../store/pt_store.h"
#include "../store/pt_users.h"
#include "pt_app_audit.h"
#include "pt_app_surveys.h"

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
	pt_catalog_clear(&own->kinds);
	pt_catalog_clear(&own->sectors);
	pt_catalog_clear(&own->threats);
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

/* ---- issue 11 (owner2): the legal basis, absent columns, the changes audited ---- */

#define CHANGES_MAX 900 /* bytes of the changes an audit entry names (then "...") */

/* The legal basis as the audit names it: "unknown" or its name. */
static const char *basis_text(int legal_basis)
{
	return legal_basis > 0 ? pt_legal_basis_name((enum pt_legal_basis)(legal_basis - 1))
			       : "unknown";
}

static const char *tri_text(int v, const char *yes, const char *no)
{
	return v == PT_TRI_YES ? yes : v == PT_TRI_NO ? no : "unknown";
}

/* Nonzero when legal_basis (0 unknown, else enum + 1) admits more than none. */
static int basis_admits(int legal_basis)
{
	return legal_basis > (int)PT_BASIS_NONE + 1;
}

/* The refusal of a legal basis the caller may not set: 403 naming line and field. */
static enum pt_err basis_refused(const struct pt_caller *c, long line, const char *id, int was,
				 int want, struct pt_diag *d)
{
	return pt_diag_set(d, PT_EFORBIDDEN, line, "legal_basis",
			   "the legal basis of a site is set by a government coordinator or a "
			   "government organisation's admin; your role (%s) may not %s it "
			   "(site %s: %s, asked %s)",
			   pt_role_name(c->who.role), was < 0 ? "set" : "change", id,
			   was < 0 ? "new" : basis_text(was), basis_text(want));
}

/* issue 11 (last): nonzero when row changes the kind or sector of stored, a site whose
 * legal basis admits something (entry, statute): the basis depends on what the site is. */
static int repurposes(const struct pt_site *stored, const char *kind, const char *sector)
{
	return basis_admits(stored->legal_basis) &&
	       ((kind && strcmp(kind, stored->kind) != 0) ||
		(sector && strcmp(sector, stored->sector) != 0));
}

/* The refusal of such a change by a caller that may not set the basis: 403 naming legal_basis. */
static enum pt_err repurpose_refused(const struct pt_caller *c, long line, const char *id,
				     int was, struct pt_diag *d)
{
	return pt_diag_set(d, PT_EFORBIDDEN, line, "legal_basis",
			   "the legal basis depends on what the site is: a government coordinator "
			   "must confirm it; your role (%s) may not change the kind or sector of "
			   "site %s while its legal basis is %s",
			   pt_role_name(c->who.role), id, basis_text(was));
}

/* Copy into row the optional attributes absent (PT_SITE_ABSENT_*) from stored. */
static void keep_absent(struct pt_site *row, const struct pt_site *stored, unsigned absent)
{
	for (int k = 0; k < PT_DRIVER_COUNT; k++)
		if (absent & PT_SITE_ABSENT_DRIVER(k)) {
			row->drivers[k] = stored->drivers[k];
			row->drivers_known = (row->drivers_known & ~(1u << k)) |
					     (stored->drivers_known & (1u << k));
		}
	if (absent & PT_SITE_ABSENT_ENCLOSURE)
		row->enclosed = stored->enclosed;
	if (absent & PT_SITE_ABSENT_STAFFED)
		row->staffed = stored->staffed;
	if (absent & PT_SITE_ABSENT_LEGAL_BASIS)
		row->legal_basis = stored->legal_basis;
	if (absent & PT_SITE_ABSENT_EMERGENCY) /* issue 16 (item 2) */
		row->emergency_department = stored->emergency_department;
}

/* Append to buf (size bytes, NUL-terminated) the printf text; the end is cut with "...". */
static void changes_put(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void changes_put(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;
	int n;
	if (used + 4 >= size || (used >= 3 && strcmp(buf + used - 3, "...") == 0))
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + used, size - used - 3, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - used - 3)
		memcpy(buf + strlen(buf), "...", 4);
}

static void driver_text(char *buf, size_t size, const struct pt_site *s, int k)
{
	if (s->drivers_known & (1u << k))
		snprintf(buf, size, "%lld", s->drivers[k]);
	else
		pt_strlcpy(buf, "unknown", size);
}

/* Before a change of site id: "; ID:" for its first, "," for the others. */
static void change_lead(char *buf, size_t size, int *any, const char *id)
{
	if (*any)
		changes_put(buf, size, ",");
	else
		changes_put(buf, size, "%s%s:", buf[0] ? "; " : "", id);
	*any = 1;
}

/*
 * Append to buf the fields of site was that now changes, "ID: field old->new,
 * ..." (texts quoted and cut, pt_quote_for_msg); nothing when none changed.
 */
static void site_changes(char *buf, size_t size, const struct pt_site *was,
			 const struct pt_site *now)
{
	char a[80], b[80];
	int any = 0;
#define TEXT(f)                                                                    \
	if (strcmp(was->f, now->f) != 0) {                                         \
		pt_quote_for_msg(a, sizeof a, was->f);                             \
		pt_quote_for_msg(b, sizeof b, now->f);                             \
		change_lead(buf, size, &any, now->id);                             \
		changes_put(buf, size, " " #f " %s->%s", a, b);                    \
	}
#define NUM(f, spec)                                                               \
	if (was->f != now->f) {                                                    \
		change_lead(buf, size, &any, now->id);                             \
		changes_put(buf, size, " " #f " " spec "->" spec, was->f, now->f); \
	}
	TEXT(name)
	TEXT(kind)
	TEXT(sector)
	TEXT(owner)
	TEXT(region)
	NUM(lat, "%.6f")
	NUM(lon, "%.6f")
	NUM(capacity, "%lld")
	NUM(peak_occupancy, "%lld")
	NUM(population_served, "%lld")
	NUM(economic_value_eur, "%.2f")
#undef TEXT
#undef NUM
	{
		const char *words[5][3] = {
			{"tlp", pt_tlp_name(was->tlp), pt_tlp_name(now->tlp)},
			{"enclosure", tri_text(was->enclosed, "enclosed", "open"),
			 tri_text(now->enclosed, "enclosed", "open")},
			{"staffed", tri_text(was->staffed, "yes", "no"),
			 tri_text(now->staffed, "yes", "no")},
			{"legal_basis", basis_text(was->legal_basis), basis_text(now->legal_basis)},
			{"emergency_department", tri_text(was->emergency_department, "yes", "no"),
			 tri_text(now->emergency_department, "yes", "no")}};
		for (int k = 0; k < PT_DRIVER_COUNT; k++) {
			driver_text(a, sizeof a, was, k);
			driver_text(b, sizeof b, now, k);
			if (strcmp(a, b) != 0) {
				change_lead(buf, size, &any, now->id);
				changes_put(buf, size, " %s %s->%s",
					    pt_site_driver_name((enum pt_site_driver)k), a, b);
			}
		}
		for (int k = 0; k < 5; k++)
			if (strcmp(words[k][1], words[k][2]) != 0) {
				change_lead(buf, size, &any, now->id);
				changes_put(buf, size, " %s %s->%s", words[k][0], words[k][1],
					    words[k][2]);
			}
	}
}

struct sites_write {
	struct pt_site_list *list;
	const struct pt_principal *recheck; /* the caller whose rows are asked again; NULL: none (the system administrator) */
	const struct pt_caller *c;
	struct pt_diag *d;
	size_t created, updated;
	int raced;
	char changes[CHANGES_MAX + 4]; /* issue 11 (owner2): the fields the rows change */
};

/*
 * Inside the import's transaction: every row is asked again of
 * pt_access_import on the sites and access index as stored now (a site
 * made or relabelled since the snapshot could be one the caller may not
 * see); a changed answer is PT_ECONFLICT. A row over a stored site keeps
 * the optional attributes it leaves out, and its legal basis and owner are
 * asked again (pt_access_legal_basis, pt_access_site_owner_change); the
 * fields it changes go to the audit entry. Then every row is written.
 */
static enum pt_err write_sites(struct pt_db *db, void *ctx)
{
	struct sites_write *w = ctx;
	struct pt_access_index *ix = NULL;
	enum pt_err err = PT_OK;
	size_t i;
	w->changes[0] = '\0';
	if (w->recheck && (err = pt_access_index_load(db, &ix, w->d)) != PT_OK)
		return err;
	for (i = 0; i < w->list->n && err == PT_OK; i++) {
		struct pt_site *row = &w->list->items[i];
		struct pt_access_record rec;
		struct pt_site now;
		enum pt_err got = pt_db_site_get(db, row->id, &now, w->d);
		if (got != PT_OK && got != PT_ENOTFOUND) {
			err = got;
			break;
		}
		pt_diag_clear(w->d);
		if (got == PT_OK) {
			keep_absent(row, &now, w->list->absent ? w->list->absent[i] : 0);
			if ((err = pt_site_plausible(row, w->list->lines[i], w->d)) != PT_OK)
				break;
		}
		if (!w->recheck) {
			if (got == PT_OK)
				site_changes(w->changes, sizeof w->changes, &now, row);
			continue;
		}
		if (got == PT_OK)
			pt_access_index_record(ix, &now, &rec);
		if (pt_access_import(w->recheck, pt_access_index_org_id(ix, row->owner),
				     got == PT_OK ? &rec : NULL) != PT_ACCESS_OK ||
		    (got == PT_OK &&
		     (row->legal_basis != now.legal_basis ||
		      repurposes(&now, row->kind, row->sector)) &&
		     pt_access_legal_basis(w->recheck, &rec) != PT_ACCESS_OK) ||
		    (got != PT_OK && basis_admits(row->legal_basis) &&
		     pt_access_legal_basis(w->recheck, NULL) != PT_ACCESS_OK) ||
		    (got == PT_OK && pt_access_index_org_id(ix, row->owner) != rec.owner_org_id &&
		     pt_access_site_owner_change(w->recheck) != PT_ACCESS_OK)) {
			w->raced = 1;
			err = pt_diag_set(w->d, PT_ECONFLICT, w->list->lines[i], "id",
					  "the registry changed during the import; send it again");
		}
		if (got == PT_OK)
			site_changes(w->changes, sizeof w->changes, &now, row);
	}
	pt_access_index_free(ix);
	if (err != PT_OK)
		return err;
	return pt_db_sites_import_noted(db, w->list, w->changes, &w->created, &w->updated, w->d);
}

enum pt_err pt_app_import_right(const struct pt_caller *c, enum pt_import_kind kind,
				struct pt_diag *d)
{
	if (pt_access_import_right(&c->who, kind) == PT_ACCESS_OK)
		return PT_OK;
	return pt_diag_set(d, PT_EFORBIDDEN, 0, "", "your role (%s) may not import %s",
			   pt_role_name(c->who.role),
			   kind == PT_IMPORT_SITES ? "sites" : "assessments");
}

enum pt_err pt_app_sites_import(const struct pt_caller *c, struct pt_db *db,
				const struct pt_sites_import *in,
				struct pt_sites_import_result *out, struct pt_diag *d)
{
	struct pt_catalogs own;
	const struct pt_catalogs *cat;
	struct pt_site_list list;
	struct pt_snapshot *snap = NULL;
	const char *taken = NULL, *refused = NULL;
	struct sites_write w;
	enum pt_err err;
	size_t i;
	int geojson;

	memset(out, 0, sizeof *out);
	memset(&list, 0, sizeof list);
	memset(&w, 0, sizeof w);
	memset(&own, 0, sizeof own);
	if ((err = pt_app_import_right(c, PT_IMPORT_SITES, d)) != PT_OK)
		goto out;
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
			refused = row->id;
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
		/* issue 11 (owner2): an update keeps what the row leaves out; the legal
		 * basis is a government's to set; the owner stays (docs/access.md) */
		if (k >= 0) {
			const struct pt_site *was = &snap->sites.items[k];
			keep_absent(&list.items[i], was, list.absent ? list.absent[i] : 0);
			if ((err = pt_site_plausible(row, list.lines[i], d)) != PT_OK)
				goto out;
			if (pt_access_index_org_id(snap->ix, row->owner) != rec.owner_org_id &&
			    pt_access_site_owner_change(&c->who) != PT_ACCESS_OK) {
				refused = row->id;
				err = pt_diag_set(d, PT_EFORBIDDEN, list.lines[i], "owner",
						  "an import may not give site %s another owner (it "
						  "belongs to %s); only the system administrator moves "
						  "a site",
						  row->id, was->owner);
				goto out;
			}
			if (row->legal_basis != was->legal_basis &&
			    pt_access_legal_basis(&c->who, &rec) != PT_ACCESS_OK) {
				refused = row->id;
				err = basis_refused(c, list.lines[i], row->id, was->legal_basis,
						    row->legal_basis, d);
				goto out;
			}
			if (repurposes(was, row->kind, row->sector) &&
			    pt_access_legal_basis(&c->who, &rec) != PT_ACCESS_OK) {
				refused = row->id;
				err = repurpose_refused(c, list.lines[i], row->id, was->legal_basis,
							d);
				goto out;
			}
		} else if (basis_admits(row->legal_basis) &&
			   pt_access_legal_basis(&c->who, NULL) != PT_ACCESS_OK) {
			refused = row->id;
			err = basis_refused(c, list.lines[i], row->id, -1, row->legal_basis, d);
			goto out;
		}
	}
	w.list = &list;
	w.c = c;
	w.recheck = c->who.system ? NULL : &c->who;
	w.d = d;
	pt_app_act(c, db);
	err = pt_db_transaction(db, write_sites, &w, d);
	out->raced = w.raced;
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
	err = pt_app_refused(c, db, "sites.import", "sites", refused, err, d);
	pt_snapshot_release(snap);
	pt_site_list_clear(&list);
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
	const char *refused = NULL; /* audit: the site of a refused row */
	char stamp[PT_STAMP_MAX];
	enum pt_err err;
	size_t i;

	memset(out, 0, sizeof *out);
	memset(&set, 0, sizeof set);
	memset(&own, 0, sizeof own);
	if ((err = pt_app_import_right(c, PT_IMPORT_ASSESSMENTS, d)) != PT_OK)
		goto out;
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
			refused = id;
			err = pt_diag_set(d, PT_EFORBIDDEN, set.lines[i], "site_id",
					  "your role or organisation may not change the assessments "
					  "of site %s",
					  id);
			goto out;
		}
	}
	pt_app_act(c, db);
	/* issue 16 item 3: an import is a confirmed visit of each site, dated now, by the importer */
	pt_app_survey_stamp(c, stamp);
	if ((err = pt_db_assessments_import_as(db, &set, PT_SOURCE_IMPORT, stamp, d)) != PT_OK)
		goto out;
	out->method = set.method;
	out->rows = set.n;
out:
	err = pt_app_refused(c, db, "assessments.import", "sites", refused, err, d);
	pt_snapshot_release(snap);
	pt_assessment_set_clear(&set);
	catalogs_clear(&own);
	return err;
}

/* ---- reading the registry ------------------------------------------------- */

/* The snapshot of c, or the error with d filled. */
static enum pt_err snapshot_of(const struct pt_caller *c, struct pt_db *db,
			       struct pt_snapshot **snap, struct pt_diag *d)
{
	if ((*snap = pt_app_snapshot(c, db, d)))
		return PT_OK;
	return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
}

/*
 * Site id of *snap when c may read it: its index in *k and its record in
 * *rec. PT_ENOTFOUND for a missing site and one c may not read alike.
 */
static enum pt_err visible_site(const struct pt_caller *c, struct pt_db *db, const char *id,
				struct pt_snapshot **snap, long *k, struct pt_access_record *rec,
				struct pt_diag *d)
{
	enum pt_err err;
	if ((err = snapshot_of(c, db, snap, d)) != PT_OK)
		return err;
	*k = id ? pt_snapshot_find(*snap, id) : -1;
	if (*k >= 0)
		pt_snapshot_record(*snap, (size_t)*k, rec);
	if (*k < 0 || pt_access_read(&c->who, rec) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "", "not found");
	return PT_OK;
}

enum pt_err pt_app_sites_list(const struct pt_caller *c, struct pt_db *db, enum pt_tlp max_tlp,
			      struct pt_site_list *out, size_t *withheld, struct pt_diag *d)
{
	struct pt_snapshot *snap;
	enum pt_err err;
	size_t i, above = 0;
	if ((err = snapshot_of(c, db, &snap, d)) != PT_OK)
		return err;
	for (i = 0; i < snap->sites.n && err == PT_OK; i++) {
		const struct pt_site *s = &snap->sites.items[i];
		struct pt_access_record rec;
		pt_snapshot_record(snap, i, &rec);
		if (pt_access_read(&c->who, &rec) != PT_ACCESS_OK)
			continue;
		if (s->tlp > max_tlp)
			above++;
		else if ((err = pt_site_list_append(out, s, 0)) != PT_OK)
			pt_diag_set(d, err, 0, "", "out of memory");
	}
	pt_snapshot_release(snap);
	if (withheld)
		*withheld = above;
	return err;
}

enum pt_err pt_app_site_get(const struct pt_caller *c, struct pt_db *db, const char *id,
			    struct pt_site *out, int *can_write, struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_access_record rec;
	struct pt_read_log log;
	enum pt_err err;
	long k;
	memset(&log, 0, sizeof log);
	if ((err = visible_site(c, db, id, &snap, &k, &rec, d)) != PT_OK)
		goto out;
	*out = snap->sites.items[k];
	if (can_write)
		*can_write = pt_access_write(&c->who, &rec) == PT_ACCESS_OK;
	pt_read_log_note(&log, out);
	err = pt_read_log_commit(c, db, "site.read", &log, d);
out:
	pt_snapshot_release(snap);
	return err;
}

void pt_site_assessments_clear(struct pt_site_assessments *a)
{
	int m;
	for (m = 0; m < 3; m++)
		pt_assessment_set_clear(&a->sets[m]);
	memset(a, 0, sizeof *a);
}

enum pt_err pt_app_assessments_get(const struct pt_caller *c, struct pt_db *db, const char *id,
				   int method, struct pt_site_assessments *out,
				   struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_access_record rec;
	struct pt_read_log log;
	enum pt_err err;
	long k;
	int m;
	memset(out, 0, sizeof *out);
	memset(&log, 0, sizeof log);
	if ((err = visible_site(c, db, id, &snap, &k, &rec, d)) != PT_OK)
		goto out;
	out->site = snap->sites.items[k];
	for (m = PT_METHOD_FEMA; m <= PT_METHOD_QUANT && err == PT_OK; m++)
		if (method < 0 || method == m)
			err = pt_db_site_assessments(db, out->site.id, (enum pt_method)m,
						     &out->sets[m], d);
	if (err != PT_OK)
		goto out;
	pt_read_log_note(&log, &out->site);
	err = pt_read_log_commit(c, db, "assessments.read", &log, d);
out:
	pt_snapshot_release(snap);
	return err;
}

/* ---- changing a site ------------------------------------------------------ */

/*
 * Inside a write transaction: the site as stored now, and whether c may
 * still write it (the access index read afresh in the same transaction).
 * PT_ECONFLICT with *raced when the answer changed since the snapshot.
 */
static enum pt_err recheck_write_as(struct pt_db *db, const struct pt_caller *c, const char *id,
				    int basis_only, struct pt_site *cur, int *raced,
				    enum pt_access *basis, struct pt_diag *d)
{
	struct pt_access_index *ix = NULL;
	struct pt_access_record rec;
	enum pt_access a;
	enum pt_err err;
	if ((err = pt_db_site_get(db, id, cur, d)) == PT_ENOTFOUND) {
		*raced = 1;
		return pt_diag_set(d, PT_ECONFLICT, 0, "", "site %s changed meanwhile; try again", id);
	}
	if (err != PT_OK || (err = pt_access_index_load(db, &ix, d)) != PT_OK)
		return err;
	pt_access_index_record(ix, cur, &rec);
	a = pt_access_write(&c->who, &rec);
	if (basis)
		*basis = pt_access_legal_basis(&c->who, &rec);
	if (a != PT_ACCESS_OK && basis_only && basis && *basis == PT_ACCESS_OK)
		a = PT_ACCESS_OK; /* issue 11 (owner2): a government sets the basis of any site it reads */
	pt_access_index_free(ix);
	if (a != PT_ACCESS_OK) {
		*raced = 1;
		return pt_diag_set(d, PT_ECONFLICT, 0, "", "site %s changed meanwhile; try again", id);
	}
	return PT_OK;
}

static enum pt_err recheck_write(struct pt_db *db, const struct pt_caller *c, const char *id,
				 struct pt_site *cur, int *raced, struct pt_diag *d)
{
	return recheck_write_as(db, c, id, 0, cur, raced, NULL, d);
}

/* Apply the fields of p to s. */
static void apply_patch(const struct pt_site_patch *p, struct pt_site *s)
{
	const struct pt_site *v = &p->v;
	if (p->fields & PT_SITE_F_NAME)
		pt_strlcpy(s->name, v->name, sizeof s->name);
	if (p->fields & PT_SITE_F_KIND)
		pt_strlcpy(s->kind, v->kind, sizeof s->kind);
	if (p->fields & PT_SITE_F_SECTOR)
		pt_strlcpy(s->sector, v->sector, sizeof s->sector);
	if (p->fields & PT_SITE_F_REGION)
		pt_strlcpy(s->region, v->region, sizeof s->region);
	if (p->fields & PT_SITE_F_LAT)
		s->lat = v->lat;
	if (p->fields & PT_SITE_F_LON)
		s->lon = v->lon;
	if (p->fields & PT_SITE_F_CAPACITY)
		s->capacity = v->capacity;
	if (p->fields & PT_SITE_F_PEAK)
		s->peak_occupancy = v->peak_occupancy;
	if (p->fields & PT_SITE_F_POPULATION)
		s->population_served = v->population_served;
	if (p->fields & PT_SITE_F_VALUE)
		s->economic_value_eur = v->economic_value_eur;
	if (p->fields & PT_SITE_F_TLP)
		s->tlp = v->tlp;
	/* issue 11 (fit) */
	if (p->fields & PT_SITE_F_ENCLOSURE)
		s->enclosed = v->enclosed;
	if (p->fields & PT_SITE_F_STAFFED)
		s->staffed = v->staffed;
	if (p->fields & PT_SITE_F_LEGAL_BASIS)
		s->legal_basis = v->legal_basis;
	if (p->fields & PT_SITE_F_EMERGENCY) /* issue 16 (item 2) */
		s->emergency_department = v->emergency_department;
	for (int k = 0; k < PT_DRIVER_COUNT; k++)
		if (p->fields & ((unsigned)PT_SITE_F_DRIVER << k)) {
			s->drivers[k] = v->drivers[k];
			s->drivers_known = (s->drivers_known & ~(1u << k)) |
					   (v->drivers_known & (1u << k));
		}
}

struct site_patch_write {
	const struct pt_caller *c;
	const char *id;
	const struct pt_site_patch *patch;
	const struct pt_catalogs *cat;
	struct pt_site_write_result *out;
	struct pt_diag *d;
};

/* The change, applied to the site as stored now (no update is lost), checked, written. */
static enum pt_err write_site_patch(struct pt_db *db, void *ctx)
{
	struct site_patch_write *w = ctx;
	struct pt_site_list list;
	struct pt_site was;
	enum pt_access basis = PT_ACCESS_FORBIDDEN;
	char changes[CHANGES_MAX + 4];
	enum pt_err err;
	memset(&list, 0, sizeof list);
	if ((err = recheck_write_as(db, w->c, w->id, w->patch->fields == PT_SITE_F_LEGAL_BASIS,
				    &w->out->site, &w->out->raced, &basis, w->d)) != PT_OK)
		return err;
	was = w->out->site;
	apply_patch(w->patch, &w->out->site);
	/* issue 11 (owner2): the legal basis is a government's to change */
	if (w->out->site.legal_basis != was.legal_basis && basis != PT_ACCESS_OK)
		return basis_refused(w->c, 0, was.id, was.legal_basis, w->out->site.legal_basis,
				     w->d);
	changes[0] = '\0';
	site_changes(changes, sizeof changes, &was, &w->out->site);
	if ((err = pt_site_check(&w->out->site, w->cat, 0, w->d)) != PT_OK ||
	    (err = pt_site_list_append(&list, &w->out->site, 0)) != PT_OK ||
	    (err = pt_db_sites_import_noted(db, &list, changes, NULL, NULL, w->d)) != PT_OK)
		goto out;
	/* Whoever makes a site RED is named on it, so it does not lock itself out. */
	if (w->out->site.tlp == PT_TLP_RED && pt_access_red_names_maker(&w->c->who))
		err = pt_db_site_reader_add(db, w->out->site.id, w->c->who.user_id, w->d);
out:
	pt_site_list_clear(&list);
	return err;
}

enum pt_err pt_app_site_patch(const struct pt_caller *c, struct pt_db *db, const char *id,
			      const struct pt_site_patch *patch, struct pt_site_write_result *out,
			      struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_access_record rec;
	struct pt_catalogs own;
	const struct pt_catalogs *cat;
	struct site_patch_write w;
	enum pt_err err;
	long k;
	memset(out, 0, sizeof *out);
	memset(&own, 0, sizeof own);
	if ((err = visible_site(c, db, id, &snap, &k, &rec, d)) != PT_OK)
		goto out;
	/* issue 11 (owner2): a change of the legal basis alone is a government's, at any site
	 * it reads; a change of other fields needs the write right, and of the basis both */
	if (pt_access_write(&c->who, &rec) != PT_ACCESS_OK &&
	    !(patch->fields == PT_SITE_F_LEGAL_BASIS &&
	      pt_access_legal_basis(&c->who, &rec) == PT_ACCESS_OK)) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				  "your role or organisation may not change site %s", id);
		goto out;
	}
	if ((patch->fields & PT_SITE_F_LEGAL_BASIS) &&
	    patch->v.legal_basis != snap->sites.items[k].legal_basis &&
	    pt_access_legal_basis(&c->who, &rec) != PT_ACCESS_OK) {
		err = basis_refused(c, 0, id, snap->sites.items[k].legal_basis, patch->v.legal_basis,
				    d);
		goto out;
	}
	if ((err = catalogs(db, NULL, &own, &cat, d)) != PT_OK)
		goto out;
	/* a kind or sector the catalogues do not know is the validation's 400, not this 403 */
	if (repurposes(&snap->sites.items[k],
		       (patch->fields & PT_SITE_F_KIND) &&
				       pt_catalog_find(&cat->kinds, patch->v.kind) >= 0
			       ? patch->v.kind
			       : NULL,
		       (patch->fields & PT_SITE_F_SECTOR) &&
				       pt_catalog_find(&cat->sectors, patch->v.sector) >= 0
			       ? patch->v.sector
			       : NULL) &&
	    pt_access_legal_basis(&c->who, &rec) != PT_ACCESS_OK) {
		err = repurpose_refused(c, 0, id, snap->sites.items[k].legal_basis, d);
		goto out;
	}
	w.c = c;
	w.id = id;
	w.patch = patch;
	w.cat = cat;
	w.out = out;
	w.d = d;
	pt_app_act(c, db);
	err = pt_db_transaction(db, write_site_patch, &w, d);
out:
	err = pt_app_refused(c, db, "site.update", "sites", id, err, d);
	catalogs_clear(&own);
	pt_snapshot_release(snap);
	return err;
}

struct rows_patch_write {
	const struct pt_caller *c;
	const char *id;
	char stamp[PT_STAMP_MAX]; /* issue 16 item 3: the visit's date */
	const struct pt_assessment_set *set;
	int *raced;
	struct pt_diag *d;
};

static enum pt_err write_rows_patch(struct pt_db *db, void *ctx)
{
	struct rows_patch_write *w = ctx;
	struct pt_site cur;
	enum pt_err err;
	if ((err = recheck_write(db, w->c, w->id, &cur, w->raced, w->d)) != PT_OK)
		return err;
	/* issue 16 item 3: an edit is a confirmed visit, dated now, by the editor */
	return pt_db_assessments_import_as(db, w->set, PT_SOURCE_EDIT, w->stamp, w->d);
}

enum pt_err pt_app_assessments_patch(const struct pt_caller *c, struct pt_db *db, const char *id,
				     enum pt_method method, pt_rows_builder build, void *ctx,
				     struct pt_assessment_set *rows, int *raced,
				     struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_access_record rec;
	struct pt_assessment_set set;
	struct pt_catalogs own;
	const struct pt_catalogs *cat;
	struct rows_patch_write w;
	struct pt_site site;
	enum pt_err err;
	long k;
	memset(&set, 0, sizeof set);
	memset(&own, 0, sizeof own);
	*raced = 0;
	if ((err = visible_site(c, db, id, &snap, &k, &rec, d)) != PT_OK)
		goto out;
	site = snap->sites.items[k];
	if (pt_access_write(&c->who, &rec) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				  "your role or organisation may not change the assessments of site %s",
				  id);
		goto out;
	}
	if ((err = catalogs(db, NULL, &own, &cat, d)) != PT_OK)
		goto out;
	set.method = method;
	if ((err = build(ctx, &site, cat, &set, d)) != PT_OK)
		goto out;
	w.c = c;
	w.id = id;
	w.set = &set;
	w.raced = raced;
	w.d = d;
	pt_app_survey_stamp(c, w.stamp);
	pt_app_act(c, db);
	if ((err = pt_db_transaction(db, write_rows_patch, &w, d)) != PT_OK)
		goto out;
	err = pt_db_site_assessments(db, site.id, method, rows, d);
out:
	err = pt_app_refused(c, db, "assessments.update", "sites", id, err, d);
	pt_assessment_set_clear(&set);
	catalogs_clear(&own);
	pt_snapshot_release(snap);
	return err;
}

/* ---- the users named on a site -------------------------------------------- */

void pt_reader_list_clear(struct pt_reader_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* The users named on site id into out (emptied first). */
static enum pt_err readers_fill(struct pt_db *db, const char *id, struct pt_reader_list *out,
				struct pt_diag *d)
{
	long long *ids = NULL;
	size_t n = 0, i;
	enum pt_err err;
	pt_reader_list_clear(out);
	if ((err = pt_db_site_readers(db, id, &ids, &n, d)) != PT_OK)
		return err;
	if (n && !(out->items = calloc(n, sizeof *out->items))) {
		free(ids);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	for (i = 0; i < n; i++) {
		struct pt_user u;
		struct pt_diag ud;
		memset(&ud, 0, sizeof ud);
		if (pt_db_user_get_id(db, ids[i], &u, &ud) != PT_OK)
			continue;
		pt_strlcpy(out->items[out->n].name, u.name, sizeof out->items[out->n].name);
		pt_strlcpy(out->items[out->n].org_name, u.org_name, sizeof out->items[out->n].org_name);
		out->n++;
	}
	free(ids);
	return PT_OK;
}

enum pt_err pt_app_site_readers(const struct pt_caller *c, struct pt_db *db, const char *id,
				struct pt_reader_list *out, struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_access_record rec;
	struct pt_read_log log;
	enum pt_err err;
	long k;
	memset(out, 0, sizeof *out);
	memset(&log, 0, sizeof log);
	if ((err = visible_site(c, db, id, &snap, &k, &rec, d)) != PT_OK ||
	    (err = readers_fill(db, id, out, d)) != PT_OK)
		goto out;
	pt_read_log_note(&log, &snap->sites.items[k]);
	err = pt_read_log_commit(c, db, "site.readers.read", &log, d);
out:
	pt_snapshot_release(snap);
	if (err != PT_OK)
		pt_reader_list_clear(out);
	return err;
}

struct reader_write {
	const struct pt_caller *c;
	const char *id;
	long long user_id;
	int add;
	int *raced;
	struct pt_reader_list *out; /* NULL: not wanted */
	struct pt_diag *d;
};

static enum pt_err write_reader(struct pt_db *db, void *ctx)
{
	struct reader_write *w = ctx;
	struct pt_site cur;
	enum pt_err err;
	if ((err = recheck_write(db, w->c, w->id, &cur, w->raced, w->d)) != PT_OK)
		return err;
	err = w->add ? pt_db_site_reader_add(db, cur.id, w->user_id, w->d)
		     : pt_db_site_reader_remove(db, cur.id, w->user_id, w->d);
	if (err == PT_OK && w->out)
		err = readers_fill(db, cur.id, w->out, w->d);
	return err;
}

enum pt_err pt_app_site_reader_change(const struct pt_caller *c, struct pt_db *db, const char *id,
				      const char *user_name, int add, int *raced,
				      struct pt_reader_list *out, struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_access_record rec;
	struct reader_write w;
	struct pt_user u;
	enum pt_err err;
	long k;
	*raced = 0;
	if (out)
		memset(out, 0, sizeof *out);
	if ((err = visible_site(c, db, id, &snap, &k, &rec, d)) != PT_OK)
		goto out;
	if (pt_access_share(&c->who, &rec) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				  "your role or organisation may not name the readers of %s", id);
		goto out;
	}
	if (!user_name || !pt_user_name_valid(user_name) ||
	    pt_db_user_get(db, user_name, &u, d) != PT_OK) {
		err = add ? pt_diag_set(d, PT_EINVAL, 0, "user", "no user '%s'",
					user_name ? user_name : "")
			  : pt_diag_set(d, PT_ENOTFOUND, 0, "", "not found");
		goto out;
	}
	w.c = c;
	w.id = id;
	w.user_id = u.id;
	w.add = add;
	w.raced = raced;
	w.out = out;
	w.d = d;
	pt_app_act(c, db);
	err = pt_db_transaction(db, write_reader, &w, d);
out:
	err = pt_app_refused(c, db, add ? "site.reader.add" : "site.reader.remove", "sites", id,
			     err, d);
	pt_snapshot_release(snap);
	if (err != PT_OK && out)
		pt_reader_list_clear(out);
	return err;
}
