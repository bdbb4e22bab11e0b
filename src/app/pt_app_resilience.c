/* pt_app_resilience.c - the resilience use cases (issue 12): the registry's
 * dependency network built from one snapshot and one read, a cascade, the SPOF sweep. */
#include "pt_app_resilience.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_access.h"
#include "../core/pt_config.h"
#include "../store/pt_catalog_store.h"
#include "../store/pt_db.h"
#include "../store/pt_downstream_store.h"
#include "../store/pt_ranking.h"

/* The whole registry's network: site index = snapshot order. */
struct network {
	struct pt_snapshot *snap;
	unsigned char *visible; /* snap->sites.n: 1 when the caller may read site i */
	struct pt_config cfg;
	struct pt_cascade_net *net;
	double *restart_h;  /* per site */
	double *population; /* per site */
};

static void network_clear(struct network *n)
{
	pt_cascade_net_free(n->net);
	free(n->restart_h);
	free(n->population);
	free(n->visible);
	pt_snapshot_release(n->snap);
	memset(n, 0, sizeof *n);
}

/* Settings and dependencies in one read transaction. */
static enum pt_err read_inputs(struct pt_db *db, struct pt_config *cfg,
			       struct pt_cascade_link **links, size_t *n_links, struct pt_diag *d)
{
	enum pt_err err;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_config_load(db, cfg, d)) == PT_OK)
		err = pt_db_cascade_links_load(db, links, n_links, d);
	return pt_db_end(db, err, err == PT_OK ? d : NULL);
}

/* The settings and the network over every site of n->snap (taken), c's view when c is
 * not NULL (else every site is visible). */
static enum pt_err network_over(const struct pt_caller *c, struct pt_db *db, struct network *n,
				struct pt_diag *d)
{
	struct pt_cascade_link *links = NULL;
	struct pt_cascade_edge *edges = NULL;
	size_t n_links = 0, n_edges = 0, i, sites;
	uint32_t group = 0;
	enum pt_err err;

	sites = n->snap->sites.n;
	n->visible = malloc(sites ? sites : 1);
	n->restart_h = malloc((sites ? sites : 1) * sizeof *n->restart_h);
	n->population = malloc((sites ? sites : 1) * sizeof *n->population);
	if (!n->visible || !n->restart_h || !n->population) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if (c)
		pt_snapshot_visible(n->snap, &c->who, n->visible);
	else
		memset(n->visible, 1, sites);
	if ((err = read_inputs(db, &n->cfg, &links, &n_links, d)) != PT_OK)
		goto out;
	for (i = 0; i < sites; i++) {
		const struct pt_site *s = &n->snap->sites.items[i];
		n->restart_h[i] = pt_config_restart_h(&n->cfg, s->kind, s->sector);
		n->population[i] = s->population_served > 0 ? (double)s->population_served : 0;
	}
	if (n_links && !(edges = malloc(n_links * sizeof *edges))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	/* Links come ordered by consumer and group: a group's number changes with either. */
	for (i = 0; i < n_links; i++) {
		long p = pt_snapshot_find(n->snap, links[i].provider_id);
		long q = pt_snapshot_find(n->snap, links[i].consumer_id);
		struct pt_cascade_edge *e;
		if (p < 0 || q < 0)
			continue; /* a site deleted after the snapshot was read: its rows went with it */
		e = &edges[n_edges++];
		e->provider = (uint32_t)p;
		e->consumer = (uint32_t)q;
		e->autonomy_h = links[i].autonomy_hours;
		e->service_loss = links[i].service_loss;
		if (!links[i].group[0]) {
			e->group = PT_CASCADE_NO_GROUP;
			continue;
		}
		if (i == 0 || strcmp(links[i - 1].consumer_id, links[i].consumer_id) != 0 ||
		    strcmp(links[i - 1].group, links[i].group) != 0)
			group++;
		e->group = group;
	}
	err = pt_cascade_net_new(sites, edges, n_edges, &n->net, d);
out:
	free(links);
	free(edges);
	if (err != PT_OK)
		network_clear(n);
	return err;
}

/* c's snapshot and view, the settings, the network over every site of the registry. */
static enum pt_err network_build(const struct pt_caller *c, struct pt_db *db, struct network *n,
				 struct pt_diag *d)
{
	memset(n, 0, sizeof *n);
	if (!(n->snap = pt_app_snapshot(c, db, d)))
		return d && d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	return network_over(c, db, n, d);
}

/* The audit of the reads failed with err: a read that cannot be audited is not answered. */
static enum pt_err audit_failed(enum pt_err err, struct pt_diag *d)
{
	char why[sizeof d->msg];
	pt_strlcpy(why, d->msg[0] ? d->msg : pt_strerror(err), sizeof why);
	return pt_diag_set(d, err, 0, "", "the read could not be audited, so it is not answered: %s",
			   why);
}

static int downstream_id_order(const void *a, const void *b)
{
	return strcmp(((const struct pt_downstream_row *)a)->site_id,
		      ((const struct pt_downstream_row *)b)->site_id);
}

static int hours_ok(double h, double min_exclusive_zero)
{
	return isfinite(h) && (min_exclusive_zero ? h > 0 : h >= 0) && h <= PT_CASCADE_MAX_HORIZON_H;
}

/* The people without service over time at the sites the caller may read: hidden sites are
 * left out, as a series over them would isolate each one's population and failure time
 * (docs/access.md, "Resilience answers"). */
static enum pt_err series_build(const struct network *n, const struct pt_cascade_result *r,
				struct pt_app_cascade_result *out, struct pt_diag *d)
{
	size_t sites = n->snap->sites.n, i = 0;
	double *service = malloc((sites ? sites : 1) * sizeof *service);
	double total = 0, last = NAN;
	if (!service || !(out->series = malloc((r->n_steps + 1) * sizeof *out->series))) {
		free(service);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	for (i = 0; i < sites; i++)
		service[i] = 1;
	i = 0;
	do {
		double t = i < r->n_steps ? r->steps[i].t_h : 0;
		if (i < r->n_steps && t > 0 && out->n_series == 0) {
			out->series[out->n_series++] = (struct pt_app_series_point){0, 0};
			last = 0;
		}
		for (; i < r->n_steps && r->steps[i].t_h == t; i++) {
			const struct pt_cascade_step *s = &r->steps[i];
			if (!n->visible[s->site])
				continue;
			total += n->population[s->site] * (service[s->site] - s->service);
			service[s->site] = s->service;
		}
		if (total < 0.5e-9 && total > -0.5e-9)
			total = 0;
		if (out->n_series == 0 || total != last) {
			out->series[out->n_series].t_h = t;
			out->series[out->n_series++].people_without_service = total;
			last = total;
		}
	} while (i < r->n_steps);
	free(service);
	return PT_OK;
}

/* The parameters of n's registry (resilience.* settings; the risk's and the sweep's repair
 * time), its sites' restart times and people, and the caller's view as the visible sites. */
static void registry_params(const struct network *n, struct pt_cascade_params *p)
{
	memset(p, 0, sizeof *p);
	p->threshold = n->cfg.resilience_threshold;
	p->horizon_h = n->cfg.resilience_horizon_h;
	p->repair_h = n->cfg.resilience_repair_h;
	p->restart_h = n->restart_h;
	p->default_restart_h = n->cfg.resilience_restart_h;
	p->population = n->population;
	p->visible = n->visible;
}

enum pt_err pt_app_cascade_run(const struct pt_caller *c, struct pt_db *db,
			       const struct pt_app_cascade_opts *o,
			       struct pt_app_cascade_result **out, struct pt_diag *d)
{
	struct network n;
	struct pt_cascade_params p;
	struct pt_cascade_result r;
	struct pt_app_cascade_result *res = NULL;
	struct pt_read_log log;
	uint32_t *failed = NULL;
	size_t i, j;
	double visible_person_hours = 0;
	enum pt_err err;

	*out = NULL;
	memset(&n, 0, sizeof n);
	memset(&r, 0, sizeof r);
	memset(&log, 0, sizeof log);
	if (!o || o->n_fail == 0 || !o->fail)
		return pt_diag_set(d, PT_EINVAL, 0, "fail", "name at least one site to fail");
	if (o->n_fail > PT_APP_CASCADE_MAX_FAIL)
		return pt_diag_set(d, PT_ELIMIT, 0, "fail", "more than %d sites to fail",
				   PT_APP_CASCADE_MAX_FAIL);
	if (o->hours_set && !hours_ok(o->hours, 1))
		return pt_diag_set(d, PT_EINVAL, 0, "hours",
				   "must be a number of hours above 0 and at most 1000000");
	if (o->repair_set && !hours_ok(o->repair_h, 0))
		return pt_diag_set(d, PT_EINVAL, 0, "repair_hours",
				   "must be a number of hours from 0 to 1000000");
	if ((err = network_build(c, db, &n, d)) != PT_OK)
		return err;
	if (!(res = calloc(1, sizeof *res)) || !(res->fail = calloc(o->n_fail, sizeof *res->fail)) ||
	    !(failed = malloc(o->n_fail * sizeof *failed))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < o->n_fail; i++) {
		long k = o->fail[i] ? pt_snapshot_find(n.snap, o->fail[i]) : -1;
		if (k < 0 || !n.visible[k]) {
			err = pt_diag_set(d, PT_ENOTFOUND, 0, "fail", "no site \"%s\"",
					  o->fail[i] ? o->fail[i] : "");
			goto out;
		}
		for (j = 0; j < res->n_fail && failed[j] != (uint32_t)k; j++)
			;
		if (j < res->n_fail)
			continue;
		failed[res->n_fail] = (uint32_t)k;
		pt_strlcpy(res->fail[res->n_fail++], n.snap->sites.items[k].id, PT_ID_MAX);
	}
	registry_params(&n, &p);
	p.horizon_h = o->hours_set ? o->hours : n.cfg.resilience_horizon_h;
	p.repair_h = o->repair_set ? o->repair_h : p.horizon_h;
	res->hours = p.horizon_h;
	res->repair_h = o->repair_set && o->repair_h < p.horizon_h ? o->repair_h : NAN;
	res->threshold = p.threshold;
	if ((err = pt_cascade_run(n.net, NULL, &p, failed, res->n_fail, 1, &r, d)) != PT_OK)
		goto out;
	res->person_hours_lost = r.person_hours_lost;
	res->recovery_h = r.visible_recovery_h;
	res->show_withheld = pt_access_hidden_counts(&c->who) == PT_ACCESS_OK;
	if (r.n_sites && !(res->affected = malloc(r.n_sites * sizeof *res->affected))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < r.n_sites; i++) {
		const struct pt_cascade_site *cs = &r.sites[i];
		const struct pt_site *s = &n.snap->sites.items[cs->site];
		struct pt_app_cascade_site *a;
		if (!n.visible[cs->site]) {
			res->withheld++;
			continue;
		}
		pt_read_log_note(&log, s);
		a = &res->affected[res->n_affected++];
		memset(a, 0, sizeof *a);
		pt_strlcpy(a->site_id, s->id, sizeof a->site_id);
		pt_strlcpy(a->name, s->name, sizeof a->name);
		pt_strlcpy(a->kind, s->kind, sizeof a->kind);
		pt_strlcpy(a->sector, s->sector, sizeof a->sector);
		a->lat = s->lat;
		a->lon = s->lon;
		a->population_served = s->population_served;
		a->tlp = s->tlp;
		a->failed_at_h = cs->failed_at_h;
		a->restored_at_h = cs->restored_at_h;
		a->min_service = cs->min_service;
		a->person_hours_lost = cs->person_hours_lost;
		if (!res->show_withheld)
			visible_person_hours += cs->person_hours_lost;
		if (s->tlp > res->tlp)
			res->tlp = s->tlp;
	}
	if (r.n_steps && !(res->steps = malloc(r.n_steps * sizeof *res->steps))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < r.n_steps; i++) {
		struct pt_app_cascade_step *st;
		if (!n.visible[r.steps[i].site])
			continue;
		st = &res->steps[res->n_steps++];
		st->t_h = r.steps[i].t_h;
		st->service = r.steps[i].service;
		pt_strlcpy(st->site_id, n.snap->sites.items[r.steps[i].site].id, sizeof st->site_id);
	}
	/* Re-check of the review (NEW-1): a total over every site at horizons of the caller's
	 * choosing gives away hidden sites by differences; only callers told hidden counts get it. */
	if (!res->show_withheld)
		res->person_hours_lost = visible_person_hours;
	if ((err = series_build(&n, &r, res, d)) != PT_OK)
		goto out;
	if ((err = pt_read_log_commit(c, db, "cascade.read", &log, d)) != PT_OK)
		err = audit_failed(err, d);
out:
	if (err != PT_OK) {
		pt_app_cascade_result_free(res);
		res = NULL;
	}
	*out = res;
	pt_read_log_clear(&log);
	pt_cascade_result_clear(&r);
	free(failed);
	network_clear(&n);
	return err;
}

void pt_app_cascade_result_free(struct pt_app_cascade_result *r)
{
	if (!r)
		return;
	free(r->fail);
	free(r->affected);
	free(r->steps);
	free(r->series);
	free(r);
}

enum pt_err pt_app_spof_run(const struct pt_caller *c, struct pt_db *db,
			    const struct pt_app_spof_opts *o, struct pt_app_spof_result **out,
			    struct pt_diag *d)
{
	struct network n;
	struct pt_cascade_params p;
	struct pt_spof_entry *e = NULL;
	struct pt_app_spof_result *res = NULL;
	struct pt_read_log log;
	size_t n_e = 0, i;
	enum pt_err err;

	*out = NULL;
	memset(&log, 0, sizeof log);
	if ((err = network_build(c, db, &n, d)) != PT_OK)
		return err;
	registry_params(&n, &p);
	if ((err = pt_cascade_spof(n.net, &p, o ? o->threads : 1, o ? o->progress : NULL,
				   o ? o->progress_ctx : NULL, &e, &n_e, d)) != PT_OK)
		goto out;
	if (!(res = calloc(1, sizeof *res)) ||
	    (n_e && !(res->rows = malloc(n_e * sizeof *res->rows)))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	res->hours = p.horizon_h;
	res->repair_h = p.repair_h;
	res->threshold = p.threshold;
	res->value_person_hour_eur = n.cfg.resilience_value_person_hour_eur;
	res->show_withheld = pt_access_hidden_counts(&c->who) == PT_ACCESS_OK;
	res->supplying_sites = n_e;
	for (i = 0; i < n_e; i++) {
		const struct pt_site *s = &n.snap->sites.items[e[i].site];
		struct pt_app_spof_row *row;
		if (!n.visible[e[i].site]) {
			res->withheld++;
			continue;
		}
		if (o && o->top && res->n_rows >= o->top)
			continue;
		pt_read_log_note(&log, s);
		row = &res->rows[res->n_rows++];
		memset(row, 0, sizeof *row);
		row->rank = i + 1;
		pt_strlcpy(row->site_id, s->id, sizeof row->site_id);
		pt_strlcpy(row->name, s->name, sizeof row->name);
		row->tlp = s->tlp;
		row->e = e[i];
		row->downstream_eur = e[i].downstream_person_hours * res->value_person_hour_eur;
		/* in c's view: recovery_h over the sites c may read and, unless c may be told counts
		 * of hidden records, sites_failed and sites_affected counting only those
		 * (docs/access.md, "Resilience answers") */
		row->e.recovery_h = e[i].visible_recovery_h;
		if (!res->show_withheld) {
			row->e.sites_failed = e[i].visible_sites_failed;
			row->e.sites_affected = e[i].visible_sites_affected;
		}
		if (s->tlp > res->tlp)
			res->tlp = s->tlp;
	}
	if (!res->show_withheld) /* the count of supplying sites c may read */
		res->supplying_sites = n_e - res->withheld;
	if ((err = pt_read_log_commit(c, db, "spof.read", &log, d)) != PT_OK)
		err = audit_failed(err, d);
out:
	if (err != PT_OK) {
		pt_app_spof_result_free(res);
		res = NULL;
	}
	*out = res;
	pt_read_log_clear(&log);
	free(e);
	network_clear(&n);
	return err;
}

void pt_app_spof_result_free(struct pt_app_spof_result *r)
{
	if (!r)
		return;
	free(r->rows);
	free(r);
}

/* ---- the downstream consequence of the quantitative method ---- */

static int row_id_cmp(const void *key, const void *item)
{
	return strcmp(key, ((const struct pt_downstream_row *)item)->site_id);
}

/* Every supplying site's downstream person-hours over the whole registry, in one read
 * transaction with the data version it saw: the cache when it is at that version, else a
 * sweep (*fresh 1). */
static enum pt_err downstream_read(struct pt_db *db, unsigned long long *version,
				   struct pt_downstream_row **rows, size_t *n_rows, int *fresh,
				   struct pt_diag *d)
{
	struct network n;
	struct pt_cascade_params p;
	struct pt_spof_entry *e = NULL;
	unsigned long long cached = 0;
	size_t n_e = 0, i;
	enum pt_err err;

	*rows = NULL;
	*n_rows = 0;
	*fresh = 0;
	memset(&n, 0, sizeof n);
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_data_version(db, version, d)) != PT_OK ||
	    (err = pt_db_downstream_load(db, &cached, rows, n_rows, d)) != PT_OK)
		goto out;
	if (cached && cached == *version)
		goto out;
	free(*rows);
	*rows = NULL;
	*n_rows = 0;
	*fresh = 1;
	if (!(n.snap = pt_snapshot_load(db, d))) {
		err = d && d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if ((err = network_over(NULL, db, &n, d)) != PT_OK)
		goto out;
	registry_params(&n, &p);
	if ((err = pt_cascade_spof(n.net, &p, 1, NULL, NULL, &e, &n_e, d)) != PT_OK)
		goto out;
	if (n_e && !(*rows = malloc(n_e * sizeof **rows))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < n_e; i++) {
		if (!(e[i].downstream_person_hours > 0))
			continue;
		pt_strlcpy((*rows)[*n_rows].site_id, n.snap->sites.items[e[i].site].id, PT_ID_MAX);
		(*rows)[(*n_rows)++].person_hours = e[i].downstream_person_hours;
	}
	/* The cache is read by id. */
	if (*n_rows)
		qsort(*rows, *n_rows, sizeof **rows, downstream_id_order);
out:
	free(e);
	network_clear(&n);
	err = pt_db_end(db, err, err == PT_OK ? d : NULL);
	if (err != PT_OK) {
		free(*rows);
		*rows = NULL;
		*n_rows = 0;
	}
	return err;
}

enum pt_err pt_app_downstream_eur(struct pt_db *db, const struct pt_site *sites, size_t n,
				  double value_person_hour_eur, double *eur,
				  unsigned long long *version, struct pt_diag *d)
{
	struct pt_downstream_row *rows = NULL;
	size_t n_rows = 0, i;
	int fresh = 0, saved = 0;
	enum pt_err err;

	for (i = 0; i < n; i++)
		eur[i] = 0;
	if ((err = downstream_read(db, version, &rows, &n_rows, &fresh, d)) != PT_OK)
		return err;
	for (i = 0; n_rows && i < n; i++) {
		const struct pt_downstream_row *r =
			bsearch(sites[i].id, rows, n_rows, sizeof *rows, row_id_cmp);
		if (r)
			eur[i] = r->person_hours * value_person_hour_eur;
	}
	/* Kept for the next reader unless a caller's transaction is open (the plan's read):
	 * a cache that cannot be written now is computed again next time. */
	if (fresh && !pt_db_in_transaction(db)) {
		struct pt_diag ignored;
		memset(&ignored, 0, sizeof ignored);
		(void)pt_db_downstream_save(db, *version, rows, n_rows, &saved, &ignored);
	}
	free(rows);
	return PT_OK;
}
