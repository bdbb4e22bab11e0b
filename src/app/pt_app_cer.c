/* pt_app_cer.c - critical entities under the CER Directive (issue 16, item 8): the list of
 * designated entities with what each owes today, designation, dates and sites, revocation. */
#include "pt_app_cer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/pt_access.h"
#include "../formats/pt_diag.h"
#include "../store/pt_cer_store.h"
#include "../store/pt_user_store.h"
#include "pt_app_audit.h"

void pt_cer_list_clear(struct pt_cer_list *l)
{
	size_t i;
	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		free(l->items[i].sites);
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* Today (UTC) as YYYY-MM-DD at the clock of obligations (pt_app_now). */
static void today_text(const struct pt_caller *c, char out[PT_CER_DATE_LEN])
{
	time_t t = (time_t)pt_app_now(c->now);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, PT_CER_DATE_LEN, "%Y-%m-%d", &tm))
		out[0] = '\0';
}

/* 1 when c may read site index i of s, 0 when not. */
static int site_readable(const struct pt_caller *c, const struct pt_snapshot *s, long i)
{
	struct pt_access_record rec;
	if (i < 0)
		return 0;
	pt_snapshot_record(s, (size_t)i, &rec);
	return pt_access_read(&c->who, &rec) == PT_ACCESS_OK;
}

/* The entity org_id's linked sites c may read into e (links ordered by org, site). */
static enum pt_err entry_sites(const struct pt_caller *c, const struct pt_snapshot *s,
			       const struct pt_cer_link_row *links, size_t n_links,
			       struct pt_cer_entry *e, struct pt_diag *d)
{
	size_t i, k = 0;
	for (i = 0; i < n_links; i++)
		if (links[i].org_id == e->org_id)
			k++;
	if (k && !(e->sites = calloc(k, sizeof *e->sites)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; i < n_links; i++) {
		if (links[i].org_id != e->org_id)
			continue;
		if (site_readable(c, s, pt_snapshot_find(s, links[i].site_id)))
			memcpy(e->sites[e->n_sites++], links[i].site_id, PT_ID_MAX);
		else
			e->sites_withheld++;
	}
	return PT_OK;
}

enum pt_err pt_app_cer_list(const struct pt_caller *c, struct pt_db *db, struct pt_cer_list *out,
			    struct pt_diag *d)
{
	struct pt_cer_entity_row *rows = NULL;
	struct pt_cer_link_row *links = NULL;
	struct pt_snapshot *snap;
	size_t n = 0, n_links = 0, i;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	today_text(c, out->today);
	out->show_withheld = pt_access_hidden_counts(&c->who) == PT_ACCESS_OK;
	out->may_designate = pt_access_cer_designate(&c->who) == PT_ACCESS_OK;
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_cer_load(db, &rows, &n, &links, &n_links, d)) != PT_OK)
		goto out;
	if (n && !(out->items = calloc(n, sizeof *out->items))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct pt_cer_entry *e;
		if (pt_access_cer_read(&c->who, rows[i].org_id) != PT_ACCESS_OK)
			continue;
		e = &out->items[out->n++];
		e->org_id = rows[i].org_id;
		memcpy(e->org_name, rows[i].org_name, sizeof e->org_name);
		e->dates = rows[i].dates;
		e->changed_at = rows[i].changed_at;
		memcpy(e->changed_by, rows[i].changed_by, sizeof e->changed_by);
		e->may_report = pt_access_cer_report(&c->who, e->org_id) == PT_ACCESS_OK;
		pt_cer_status(&e->dates, out->today, &e->status);
		out->lacking_risk_assessment += e->status.lacks_risk_assessment != 0;
		out->lacking_resilience_plan += e->status.lacks_resilience_plan != 0;
		if ((err = entry_sites(c, snap, links, n_links, e, d)) != PT_OK)
			goto out;
		if (!out->show_withheld)
			e->sites_withheld = 0;
	}
out:
	free(rows);
	free(links);
	pt_snapshot_release(snap);
	if (err != PT_OK)
		pt_cer_list_clear(out);
	return err;
}

/* The stored designation of org_id into *row, with its links; 0 found, 1 none, -1 error. */
static int stored(struct pt_db *db, long long org_id, struct pt_cer_entity_row *row,
		  struct pt_cer_link_row **mine, size_t *n_mine, struct pt_diag *d)
{
	struct pt_cer_entity_row *rows = NULL;
	struct pt_cer_link_row *links = NULL;
	size_t n = 0, n_links = 0, i, k;
	int found = 1;

	*mine = NULL;
	*n_mine = 0;
	if (pt_db_cer_load(db, &rows, &n, &links, &n_links, d) != PT_OK)
		return -1;
	for (i = 0; i < n; i++)
		if (rows[i].org_id == org_id) {
			*row = rows[i];
			found = 0;
		}
	for (i = k = 0; i < n_links; i++)
		if (links[i].org_id == org_id)
			links[k++] = links[i];
	free(rows);
	*mine = links;
	*n_mine = k;
	if (!k) {
		free(links);
		*mine = NULL;
	}
	return found;
}

/* Copy a date member of an edit into dst (unchanged when src is NULL); -1 when too long. */
static int take_date(char dst[PT_CER_DATE_LEN], const char *src)
{
	if (!src)
		return 0;
	if (strlen(src) >= PT_CER_DATE_LEN)
		return -1;
	pt_strlcpy(dst, src, PT_CER_DATE_LEN);
	return 0;
}

/* The new list of linked sites: ch's (checked against org_id and c's view of s) and the
 * linked sites c may not read, into *out (caller frees). */
static enum pt_err sites_merge(const struct pt_caller *c, const struct pt_snapshot *s,
			       long long org_id, const struct pt_cer_edit *ch,
			       const struct pt_cer_link_row *mine, size_t n_mine,
			       char (**out)[PT_ID_MAX], size_t *n_out, struct pt_diag *d)
{
	char(*list)[PT_ID_MAX];
	size_t i, j, n = 0;

	*out = NULL;
	*n_out = 0;
	if (ch->n_sites > PT_CER_SITES_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "sites", "at most %d sites, not %zu",
				   PT_CER_SITES_MAX, ch->n_sites);
	if (!(list = calloc(ch->n_sites + n_mine + 1, sizeof *list)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; i < ch->n_sites; i++) {
		const char *id = ch->sites[i] ? ch->sites[i] : "";
		long at = strlen(id) < PT_ID_MAX ? pt_snapshot_find(s, id) : -1;
		struct pt_access_record rec;
		if (!site_readable(c, s, at)) {
			free(list);
			return pt_diag_set(d, PT_EINVAL, 0, "sites", "no site %.*s", PT_ID_MAX, id);
		}
		pt_snapshot_record(s, (size_t)at, &rec);
		if (rec.owner_org_id != org_id) {
			free(list);
			return pt_diag_set(d, PT_EINVAL, 0, "sites",
					   "site %s belongs to another organisation: a critical "
					   "entity's sites are its own",
					   id);
		}
		for (j = 0; j < n; j++)
			if (strcmp(list[j], id) == 0) {
				free(list);
				return pt_diag_set(d, PT_EINVAL, 0, "sites", "site %s is named twice",
						   id);
			}
		pt_strlcpy(list[n++], id, PT_ID_MAX);
	}
	for (i = 0; i < n_mine; i++)
		if (!site_readable(c, s, pt_snapshot_find(s, mine[i].site_id)))
			memcpy(list[n++], mine[i].site_id, PT_ID_MAX);
	*out = list;
	*n_out = n;
	return PT_OK;
}

enum pt_err pt_app_cer_change(const struct pt_caller *c, struct pt_db *db, long long org_id,
			      const struct pt_cer_edit *ch, struct pt_diag *d)
{
	struct pt_cer_entity_row row;
	struct pt_cer_link_row *mine = NULL;
	char(*sites)[PT_ID_MAX] = NULL;
	size_t n_mine = 0, n_sites = 0;
	struct pt_snapshot *snap = NULL;
	struct pt_org org;
	const char *field = "", *why = "";
	char today[PT_CER_DATE_LEN], detail[512], rid[32];
	int designate = ch->designated_on || ch->notified_on, report, none = 1;
	enum pt_err err;

	snprintf(rid, sizeof rid, "%lld", org_id);
	today_text(c, today);
	memset(&row, 0, sizeof row);
	if (pt_access_cer_read(&c->who, org_id) != PT_ACCESS_OK ||
	    pt_db_org_get(db, org_id, &org, d) != PT_OK) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "organisation",
				  "no designated critical entity %lld you may see", org_id);
		goto out;
	}
	if ((none = stored(db, org_id, &row, &mine, &n_mine, d)) < 0) {
		err = PT_EDB;
		goto out;
	}
	if ((designate || none) && pt_access_cer_designate(&c->who) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0,
				  ch->designated_on ? "designated_on" : "notified_on",
				  "only coordinators and admins of government organisations "
				  "designate critical entities (CER Directive art. 6)");
		goto out;
	}
	report = ch->risk_assessment_on || ch->resilience_plan_on || ch->set_sites;
	if (report && pt_access_cer_report(&c->who, org_id) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0,
				  ch->risk_assessment_on  ? "risk_assessment_on"
				  : ch->resilience_plan_on ? "resilience_plan_on"
							   : "sites",
				  "only the entity's admins and government coordinators and admins "
				  "record its risk assessment, resilience plan and sites");
		goto out;
	}
	if (none && (!ch->designated_on || !ch->notified_on)) {
		err = pt_diag_set(d, PT_EINVAL, 0, ch->designated_on ? "notified_on" : "designated_on",
				  "a new designation needs both designated_on and notified_on");
		goto out;
	}
	row.org_id = org_id;
	if (take_date(row.dates.designated_on, ch->designated_on) ||
	    take_date(row.dates.notified_on, ch->notified_on) ||
	    take_date(row.dates.risk_assessment_on, ch->risk_assessment_on) ||
	    take_date(row.dates.resilience_plan_on, ch->resilience_plan_on) ||
	    pt_cer_check(&row.dates, today, &field, &why)) {
		if (!field[0]) {
			field = "designated_on";
			why = "must be a day from 1970-01-01 to 9999-12-31 as YYYY-MM-DD";
		}
		err = pt_diag_set(d, PT_EINVAL, 0, field, "%s%s%s%s", why,
				  strstr(why, "today") ? " (" : "", strstr(why, "today") ? today : "",
				  strstr(why, "today") ? ")" : "");
		goto out;
	}
	if (ch->set_sites) {
		if (!(snap = pt_app_snapshot(c, db, d))) {
			err = d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto out;
		}
		if ((err = sites_merge(c, snap, org_id, ch, mine, n_mine, &sites, &n_sites, d)) !=
		    PT_OK)
			goto out;
	}
	snprintf(detail, sizeof detail,
		 "%s: designated %s, notified %s, risk assessment %s, resilience plan %s%s",
		 org.name, row.dates.designated_on, row.dates.notified_on,
		 row.dates.risk_assessment_on[0] ? row.dates.risk_assessment_on : "none",
		 row.dates.resilience_plan_on[0] ? row.dates.resilience_plan_on : "none",
		 ch->set_sites ? ", sites set" : "");
	pt_app_act(c, db);
	err = pt_db_cer_put(db, org_id, &row.dates, ch->set_sites ? (const char(*)[PT_ID_MAX])sites
								  : NULL,
			    n_sites, none ? "cer.designate" : "cer.update", detail, d);
out:
	free(mine);
	free(sites);
	pt_snapshot_release(snap);
	return pt_app_refused(c, db, none ? "cer.designate" : "cer.update", "organisations", rid,
			      err, d);
}

enum pt_err pt_app_cer_revoke(const struct pt_caller *c, struct pt_db *db, long long org_id,
			      struct pt_diag *d)
{
	struct pt_cer_entity_row row;
	struct pt_cer_link_row *mine = NULL;
	size_t n_mine = 0;
	char rid[32], detail[PT_NAME_MAX + 96];
	enum pt_err err;
	int none;

	snprintf(rid, sizeof rid, "%lld", org_id);
	if (pt_access_cer_read(&c->who, org_id) != PT_ACCESS_OK ||
	    (none = stored(db, org_id, &row, &mine, &n_mine, d)) > 0) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "organisation",
				  "no designated critical entity %lld you may see", org_id);
		goto out;
	}
	if (none < 0) {
		err = PT_EDB;
		goto out;
	}
	if (pt_access_cer_designate(&c->who) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "organisation",
				  "only coordinators and admins of government organisations revoke "
				  "a designation (CER Directive art. 6)");
		goto out;
	}
	snprintf(detail, sizeof detail, "%s: designated %s, notified %s", row.org_name,
		 row.dates.designated_on, row.dates.notified_on);
	pt_app_act(c, db);
	if ((err = pt_db_cer_delete(db, org_id, detail, d)) == PT_ENOTFOUND)
		pt_diag_set(d, PT_ENOTFOUND, 0, "organisation",
			    "no designated critical entity %lld you may see", org_id);
out:
	free(mine);
	return pt_app_refused(c, db, "cer.revoke", "organisations", rid, err, d);
}
