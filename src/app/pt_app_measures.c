/* pt_app_measures.c - the measure catalogue's use cases: read, import
 * measures and effects, measures in place at sites. */
#include "pt_app_measures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../formats/pt_diag.h"
#include "../store/pt_access_store.h"
#include "../store/pt_audit.h"
#include "../store/pt_exercise_report_store.h" /* issue 15 */
#include "../store/pt_measures_store.h"
#include "../store/pt_store.h"
#include "pt_app_plan_int.h"
#include "pt_app_audit.h"

static void catalogs_free(struct pt_catalogs *cat)
{
	pt_catalog_clear(&cat->kinds);
	pt_catalog_clear(&cat->sectors);
	pt_catalog_clear(&cat->threats);
}

/* Put d's message behind "measure ID: " so the user knows which row was wrong. */
static enum pt_err name_measure(struct pt_diag *d, enum pt_err err, const char *what,
				const char *id)
{
	char prefix[PT_ID_MAX + 64];
	size_t pl, ml;
	if (!d)
		return err;
	pl = strlen(what) + strlen(id) + 3 < sizeof prefix ? strlen(what) + strlen(id) + 3 : 0;
	ml = strlen(d->msg);
	if (!pl || pl + ml >= sizeof d->msg)
		return err;
	memcpy(prefix, what, strlen(what));
	prefix[strlen(what)] = ' ';
	memcpy(prefix + strlen(what) + 1, id, strlen(id));
	memcpy(prefix + pl - 2, ": ", 2);
	memmove(d->msg + pl, d->msg, ml + 1);
	memcpy(d->msg, prefix, pl);
	return err;
}

enum pt_err pt_app_measures_list(const struct pt_caller *c, struct pt_db *db,
				 struct pt_measure_catalog *out, struct pt_diag *d)
{
	(void)c;
	return pt_db_measures_load(db, out, d);
}

enum pt_err pt_app_measures_import(const struct pt_caller *c, struct pt_db *db,
				   const struct pt_measure_catalog *cat, struct pt_diag *d)
{
	struct pt_catalogs cats;
	char detail[128];
	enum pt_err err;
	size_t i;

	if (!c || !db || !cat)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no catalogue");
	if (pt_access_measures_change(&c->who) != PT_ACCESS_OK)
		return pt_app_refused(c, db, "measures.import", "measures", "",
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "",
						  "only government admins and coordinators change the "
						  "measure catalogue"),
				      d);
	memset(&cats, 0, sizeof cats);
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_catalogs_load(db, &cats, d)) != PT_OK)
		goto out;
	for (i = 0; i < cat->n; i++)
		if ((err = pt_measure_check(&cat->items[i], &cats, d, 0)) != PT_OK) {
			name_measure(d, err, "measure", cat->items[i].id);
			goto out;
		}
	for (i = 0; i < cat->n_effects; i++) {
		const struct pt_measure_effect *e = &cat->effects[i];
		int known;
		if ((err = pt_measure_effect_check(e, d, 0)) != PT_OK) {
			name_measure(d, err, "effect of measure", e->measure_id);
			goto out;
		}
		if (pt_catalog_find(&cats.threats, e->threat_id) < 0) {
			err = pt_diag_set(d, PT_EINVAL, 0, "threat_id",
					  "effect of measure %s: unknown threat %s", e->measure_id,
					  e->threat_id);
			goto out;
		}
		known = pt_measure_catalog_find(cat, e->measure_id) >= 0;
		if (!known && (known = pt_db_measure_exists(db, e->measure_id, d)) < 0) {
			err = PT_EDB;
			goto out;
		}
		if (!known) {
			err = pt_diag_set(d, PT_EINVAL, 0, "measure_id",
					  "effect on %s names unknown measure %s", e->threat_id,
					  e->measure_id);
			goto out;
		}
	}
	if ((err = pt_db_measures_put(db, cat, d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail, "%zu measures, %zu effects", cat->n, cat->n_effects);
	err = pt_audit_append(db, "measures.import", "measures", "", detail, d);
out:
	catalogs_free(&cats);
	return pt_db_end(db, err, d);
}

enum pt_err pt_app_site_measures_import(const struct pt_caller *c, struct pt_db *db,
					const struct pt_site_measure_list *list,
					struct pt_diag *d)
{
	struct pt_site site;
	char now[PT_TIMESTAMP_MAX], detail[128];
	const char *actor;
	const char **ids = NULL;
	const char *refused = NULL; /* audit: the site of a refused row */
	struct pt_access_index *ix = NULL;
	enum pt_err err;
	size_t i, added = 0;

	if (!c || !db || !list)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no list");
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	pt_app_stamp(db, now, &actor);
	/* One access index for every row, read in the import's transaction. */
	if ((err = pt_access_index_load(db, &ix, d)) != PT_OK)
		goto out;
	for (i = 0; i < list->n; i++) {
		const struct pt_site_measure *m = &list->items[i];
		enum pt_access a;
		int found, changed;
		err = pt_app_site_access_in(db, ix, &c->who, m->site_id, pt_access_write, &site, NULL,
					    &a, d);
		if (err == PT_ENOTFOUND || (err == PT_OK && a == PT_ACCESS_NOT_FOUND)) {
			err = pt_diag_set(d, PT_EINVAL, m->line, "site_id", "unknown site %s",
					  m->site_id);
			goto out;
		}
		if (err != PT_OK)
			goto out;
		if (a != PT_ACCESS_OK) {
			refused = m->site_id;
			err = pt_diag_set(d, PT_EFORBIDDEN, m->line, "site_id",
					  "your role or organisation may not change the measures of "
					  "site %s",
					  m->site_id);
			goto out;
		}
		if ((found = pt_db_measure_exists(db, m->measure_id, d)) < 0) {
			err = PT_EDB;
			goto out;
		}
		if (!found) {
			err = pt_diag_set(d, PT_EINVAL, m->line, "measure_id", "unknown measure %s",
					  m->measure_id);
			goto out;
		}
		if ((err = pt_db_site_measure_put(db, m->site_id, m->measure_id, now, actor, &changed,
						  d)) != PT_OK) {
			if (d)
				d->line = m->line;
			goto out;
		}
		added += (size_t)changed;
	}
	snprintf(detail, sizeof detail, "%zu rows, %zu new or now in place", list->n, added);
	/* The entry covers the sites of its rows (docs/access.md, The audit log). */
	if (!(ids = malloc((list->n ? list->n : 1) * sizeof *ids))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < list->n; i++)
		ids[i] = list->items[i].site_id;
	err = pt_audit_append_records(db, "site_measures.import", "site_measures", "", detail,
				      "sites", ids, list->n, d);
out:
	pt_access_index_free(ix);
	free(ids);
	err = pt_db_end(db, err, d);
	return pt_app_refused(c, db, "site_measures.import", "sites", refused, err, d);
}

/* Issue 15: out->from[i], the first improvement item linked to row i's measure at the site. */
static enum pt_err measures_from(struct pt_db *db, struct pt_site_measures *out, struct pt_diag *d)
{
	struct pt_db_improvement_link *l = NULL;
	size_t n = 0, i, k;
	enum pt_err err;
	if ((err = pt_db_improvement_links_of_site(db, out->site.id, &l, &n, d)) != PT_OK || !n)
		return err;
	if (!(out->from = calloc(out->n ? out->n : 1, sizeof *out->from))) {
		free(l);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	for (i = 0; i < out->n; i++)
		for (k = 0; k < n; k++)
			if (strcmp(l[k].measure_id, out->rows[i].measure_id) == 0) {
				out->from[i].run_id = l[k].run_id;
				out->from[i].item_id = l[k].item_id;
				break;
			}
	free(l);
	return PT_OK;
}

void pt_site_measures_clear(struct pt_site_measures *m)
{
	free(m->from); /* issue 15 */
	free(m->history); /* issue 16 */
	free(m->life);
	free(m->rows);
	pt_measure_catalog_clear(&m->catalog);
	memset(m, 0, sizeof *m);
}

/* Issue 16, item 4: out's history, where each row stands in its life (on the day of
 * pt_app_now) and whether c may commit a measure at the site itself. */
static enum pt_err measures_life(const struct pt_caller *c, struct pt_db *db,
				 struct pt_site_measures *out, struct pt_diag *d)
{
	struct pt_access_index *ix = NULL;
	struct pt_access_record rec;
	size_t i, h = 0;
	enum pt_err err;
	time_t t = (time_t)pt_app_now(c->now);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out->today, sizeof out->today, "%Y-%m-%d", &tm))
		out->today[0] = '\0';
	if ((err = pt_db_site_measure_history(db, out->site.id, &out->history, &out->n_history,
					      d)) != PT_OK)
		return err;
	if (!(out->life = calloc(out->n ? out->n : 1, sizeof *out->life)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	/* rows and history both come by measure id */
	for (i = 0; i < out->n; i++) {
		struct pt_site_measure_life *l = &out->life[i];
		while (h < out->n_history &&
		       strcmp(out->history[h].measure_id, out->rows[i].measure_id) < 0)
			h++;
		l->history_first = h;
		for (; h < out->n_history &&
		       strcmp(out->history[h].measure_id, out->rows[i].measure_id) == 0;
		     h++) {
			const struct pt_site_measure_event *e = &out->history[h];
			l->history_n++;
			if (strcmp(e->step, "install") == 0)
				pt_strlcpy(l->installed_on, e->on_date[0] ? e->on_date : e->at,
					   sizeof l->installed_on);
			else if (strcmp(e->step, "verify") == 0)
				l->verification = e;
			else if (strcmp(e->step, "propose") == 0 || strcmp(e->step, "commit") == 0 ||
				 strcmp(e->step, "in place") == 0) { /* a new life: forget the last */
				l->installed_on[0] = '\0';
				l->verification = NULL;
			}
		}
		l->verification_due = out->rows[i].status == PT_SM_VERIFIED && l->verification &&
				      pt_site_measure_verification_due(l->verification->reverify_by,
								       out->today);
	}
	if ((err = pt_access_index_load(db, &ix, d)) != PT_OK)
		return err;
	pt_access_index_record(ix, &out->site, &rec);
	out->can_commit = pt_access_measure_commit(&c->who, &rec) == PT_ACCESS_OK;
	pt_access_index_free(ix);
	return PT_OK;
}

enum pt_err pt_app_site_measures_list(const struct pt_caller *c, struct pt_db *db,
				      const char *site_id, const char *read_action,
				      struct pt_site_measures *out, struct pt_diag *d)
{
	struct pt_read_log log;
	enum pt_access a;
	enum pt_err err;
	memset(out, 0, sizeof *out);
	memset(&log, 0, sizeof log);
	if (!c || !db || !site_id)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no site");
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	err = pt_app_site_access(db, &c->who, site_id, pt_access_read, &out->site, NULL, &a, d);
	if (err == PT_ENOTFOUND || (err == PT_OK && a != PT_ACCESS_OK))
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site_id", "unknown site %s", site_id);
	if (err == PT_OK &&
	    (err = pt_db_site_measures_list(db, out->site.id, &out->rows, &out->n, d)) == PT_OK)
		err = pt_db_measures_load(db, &out->catalog, d);
	if (err == PT_OK) /* issue 15: rows an exercise's improvement item names */
		err = measures_from(db, out, d);
	if (err == PT_OK) /* issue 16: every step of each, and where each stands */
		err = measures_life(c, db, out, d);
	err = pt_db_end(db, err, d);
	if (err == PT_OK && read_action) {
		pt_read_log_note(&log, &out->site);
		err = pt_read_log_commit(c, db, read_action, &log, d);
	}
	if (err != PT_OK)
		pt_site_measures_clear(out);
	return err;
}
