/* pt_app_peers.c - a site against its sector, and what a measure would change (issue 16,
 * item 7; docs/methodology.md, "Peers and what-if"). */
#include "pt_app_peers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_access.h"
#include "../core/pt_measure.h"
#include "../core/pt_peers.h"
#include "../core/pt_quant.h"
#include "../core/pt_ranking_core.h"
#include "../formats/pt_diag.h"
#include "../store/pt_measures_store.h"
#include "pt_app_ranking.h"
#include "pt_app_surveys.h"

void pt_peer_view_clear(struct pt_peer_view *v)
{
	if (!v)
		return;
	free(v->factors);
	free(v->named);
	memset(v, 0, sizeof *v);
}

/* The site c may read, its snapshot index into *at; PT_ENOTFOUND otherwise. */
static enum pt_err readable_site(const struct pt_caller *c, const struct pt_snapshot *s,
				 const char *site_id, long *at, struct pt_diag *d)
{
	struct pt_access_record rec;
	*at = site_id && strlen(site_id) < PT_ID_MAX ? pt_snapshot_find(s, site_id) : -1;
	if (*at >= 0) {
		pt_snapshot_record(s, (size_t)*at, &rec);
		if (pt_access_read(&c->who, &rec) == PT_ACCESS_OK)
			return PT_OK;
	}
	return pt_diag_set(d, PT_ENOTFOUND, 0, "", "no site %.*s", PT_ID_MAX,
			   site_id ? site_id : "");
}

/* A ranking of every site (o->who NULL) or of c's (who), at the point estimate. */
static enum pt_err rank(struct pt_db *db, const struct pt_caller *c, enum pt_method method,
			const struct pt_principal *who, const char *what_if_site, const double *v,
			const double *cr, struct pt_ranking **out, struct pt_diag *d)
{
	struct pt_ranking_opts o;
	memset(&o, 0, sizeof o);
	o.method = method;
	o.who = who;
	o.samples_set = 1; /* quant: the expected values; a percentile of means, not of draws */
	o.samples = 0;
	o.now = c->now;
	o.what_if_site = what_if_site;
	o.what_if_v = v;
	o.what_if_c = cr;
	return pt_ranking_run(db, &o, out, d);
}

/* The index of r's row of site index k, or -1. */
static long row_of(const struct pt_ranking *r, size_t k)
{
	size_t i;
	for (i = 0; i < r->n_rows; i++)
		if (r->rows[i].site == k)
			return (long)i;
	return -1;
}

/* One factor: x of the site among vals[0..n). */
static void factor(struct pt_peer_view *v, const char *id, const char *name, double x,
		   const double *vals, size_t n)
{
	struct pt_peer_factor *f = &v->factors[v->n_factors++];
	pt_strlcpy(f->id, id, sizeof f->id);
	pt_strlcpy(f->name, name, sizeof f->name);
	f->value = x;
	f->comparable = n >= PT_PEERS_MIN;
	f->percentile = f->comparable ? pt_peer_percentile(vals, n, x) : NAN;
}

/* Who the peers are: the site at index self of r and whether by its kind. */
struct peers {
	const struct pt_ranking *r;
	size_t self;
	int by_kind; /* its sector has fewer than PT_PEERS_MIN assessed other sites */
	const unsigned char *readable; /* per site of r: the caller may read it */
};

/* Is site index k a peer: another site of the sector (or kind, by_kind)? */
static int peer(const struct peers *p, size_t k)
{
	const struct pt_site *a = &p->r->sites.items[k], *b = &p->r->sites.items[p->self];
	return k != p->self && p->readable[k] &&
	       strcmp(p->by_kind ? a->kind : a->sector, p->by_kind ? b->kind : b->sector) == 0;
}

/* How many sites of r with a score are peers. */
static size_t assessed_peers(const struct peers *p)
{
	size_t i, n = 0;
	for (i = 0; i < p->r->n_rows; i++)
		n += peer(p, p->r->rows[i].site) ? 1 : 0;
	return n;
}

static const char *const carver_names[7] = {"criticality", "accessibility", "recuperability",
					    "vulnerability", "effect", "recognizability", "shock"};

static int carver_value(const struct pt_carver_row *row, int f)
{
	const int v[7] = {row->criticality, row->accessibility, row->recuperability,
			  row->vulnerability, row->effect, row->recognizability, row->shock};
	return v[f];
}

/* The factors of method for the site at index self, among its peers. */
static void method_factors(const struct peers *p, struct pt_peer_view *v, double *vals)
{
	const struct pt_ranking *r = p->r;
	const char *sid = r->sites.items[p->self].id;
	size_t i, j, n;
	if (r->method == PT_METHOD_CARVER) {
		const struct pt_carver_row *mine = NULL;
		for (i = 0; i < r->set.n; i++)
			if (strcmp(r->set.carver[i].site_id, sid) == 0)
				mine = &r->set.carver[i];
		for (int f = 0; mine && f < 7; f++) {
			for (i = n = 0; i < r->set.n; i++) {
				long k = pt_sites_find(r->sites.items, r->sites.n, r->set.carver[i].site_id);
				if (k >= 0 && peer(p, (size_t)k))
					vals[n++] = carver_value(&r->set.carver[i], f);
			}
			factor(v, carver_names[f], carver_names[f], carver_value(mine, f), vals, n);
		}
		return;
	}
	/* FEMA and quant: the vulnerability of each threat the site rated */
	for (i = 0; i < r->set.n; i++) {
		const char *sid_i = r->method == PT_METHOD_FEMA ? r->set.fema[i].site_id
								: r->set.quant[i].site_id;
		const char *tid = r->method == PT_METHOD_FEMA ? r->set.fema[i].threat_id
							      : r->set.quant[i].threat_id;
		double x = r->method == PT_METHOD_FEMA
				   ? r->set.fema[i].vulnerability_rating
				   : r->set.quant[i].var[PT_QV_P_SUCCESS].mode;
		long t = pt_catalog_find(&r->cat.threats, tid);
		if (strcmp(sid_i, sid) != 0 || t < 0)
			continue;
		for (j = n = 0; j < r->set.n; j++) {
			const char *sj = r->method == PT_METHOD_FEMA ? r->set.fema[j].site_id
								     : r->set.quant[j].site_id;
			const char *tj = r->method == PT_METHOD_FEMA ? r->set.fema[j].threat_id
								     : r->set.quant[j].threat_id;
			long k = pt_sites_find(r->sites.items, r->sites.n, sj);
			if (k < 0 || !peer(p, (size_t)k) || strcmp(tj, tid) != 0)
				continue;
			vals[n++] = r->method == PT_METHOD_FEMA ? r->set.fema[j].vulnerability_rating
								: r->set.quant[j].var[PT_QV_P_SUCCESS].mode;
		}
		factor(v, tid, r->cat.threats.items[t].name, x, vals, n);
	}
}

enum pt_err pt_app_site_peers(const struct pt_caller *c, struct pt_db *db, const char *site_id,
			      enum pt_method method, struct pt_peer_view *out, struct pt_diag *d)
{
	struct pt_snapshot *snap;
	struct pt_ranking *r = NULL;
	struct pt_read_log log;
	struct peers group;
	unsigned char *readable = NULL;
	double *vals = NULL;
	size_t i, n = 0, cap;
	long at, self, mine;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	memset(&log, 0, sizeof log);
	out->method = method;
	out->show_count = 1; /* the peers are sites c reads: their number tells nothing hidden */
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = readable_site(c, snap, site_id, &at, d)) != PT_OK ||
	    (err = rank(db, c, method, NULL, NULL, NULL, NULL, &r, d)) != PT_OK)
		goto out;
	pt_strlcpy(out->site_id, site_id, sizeof out->site_id);
	pt_strlcpy(out->sector, snap->sites.items[at].sector, sizeof out->sector);
	if ((self = pt_sites_find(r->sites.items, r->sites.n, site_id)) < 0) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "", "no site %s", site_id);
		goto out;
	}
	cap = (r->sites.n > r->set.n ? r->sites.n : r->set.n) + 1;
	if (!(vals = calloc(cap, sizeof *vals)) ||
	    !(out->factors = calloc(r->set.n + 8, sizeof *out->factors)) ||
	    !(out->named = calloc(r->n_rows + 1, sizeof *out->named))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	mine = row_of(r, (size_t)self);
	out->assessed = mine >= 0;
	/* peers are the sites c may read: a percentile over hidden ones would tell how many
	 * there are and, as the site's own rating is changed, their ratings (attack review) */
	if (!(readable = calloc(r->sites.n ? r->sites.n : 1, 1))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < r->sites.n; i++) {
		long si = pt_snapshot_find(snap, r->sites.items[i].id);
		struct pt_access_record rec;
		if (si < 0)
			continue;
		pt_snapshot_record(snap, (size_t)si, &rec);
		readable[i] = pt_access_read(&c->who, &rec) == PT_ACCESS_OK;
	}
	group.readable = readable;
	group.r = r;
	group.self = (size_t)self;
	group.by_kind = 0;
	if (assessed_peers(&group) < PT_PEERS_MIN)
		group.by_kind = 1;
	out->by_kind = group.by_kind;
	pt_strlcpy(out->group, group.by_kind ? r->sites.items[self].kind : r->sites.items[self].sector,
		   sizeof out->group);
	for (i = 0; i < r->n_rows; i++) {
		size_t k = r->rows[i].site;
		if (!peer(&group, k))
			continue;
		vals[n++] = r->rows[i].score;
		struct pt_peer_named *p = &out->named[out->n_named++];
		pt_strlcpy(p->id, r->sites.items[k].id, sizeof p->id);
		pt_strlcpy(p->name, r->sites.items[k].name, sizeof p->name);
		p->score = r->rows[i].score;
		p->band = r->rows[i].band;
		pt_read_log_note(&log, &r->sites.items[k]);
	}
	out->peers = n;
	out->comparable = out->assessed && n >= PT_PEERS_MIN;
	if (!out->comparable) {
		out->n_named = 0; /* no comparison: nothing of the peers is told */
		goto audit;
	}
	if ((err = pt_quant_percentile(vals, n, 0.25, &out->p25)) != PT_OK ||
	    (err = pt_quant_percentile(vals, n, 0.50, &out->p50)) != PT_OK ||
	    (err = pt_quant_percentile(vals, n, 0.75, &out->p75)) != PT_OK) {
		pt_diag_set(d, err, 0, "", "the peers' quartiles");
		goto out;
	}
	factor(out, "risk", r->method == PT_METHOD_CARVER ? "attractiveness (CARVER + Shock)"
							  : "risk",
	       r->rows[mine].score, vals, n);
	method_factors(&group, out, vals);
audit:
	pt_read_log_note(&log, &snap->sites.items[at]);
	err = pt_read_log_commit(c, db, "peers.read", &log, d);
out:
	if (err != PT_OK) {
		pt_read_log_clear(&log);
		pt_peer_view_clear(out);
	}
	free(vals);
	free(readable);
	pt_ranking_free(r);
	pt_snapshot_release(snap);
	return err;
}

/* The standing of site_id in r (ranked over c's sites). */
static void standing(const struct pt_ranking *r, const char *site_id, struct pt_standing *s)
{
	long k = pt_sites_find(r->sites.items, r->sites.n, site_id), i;
	memset(s, 0, sizeof *s);
	s->of = r->n_rows;
	if (k < 0 || (i = row_of(r, (size_t)k)) < 0)
		return;
	s->ranked = 1;
	s->score = r->rows[i].score;
	s->rank = (size_t)i + 1;
	s->band = r->rows[i].band;
}

enum pt_err pt_app_site_what_if(const struct pt_caller *c, struct pt_db *db, const char *site_id,
				const char *measure_id, enum pt_method method,
				struct pt_what_if *out, struct pt_diag *d)
{
	struct pt_measure_catalog cat;
	struct pt_site_measure_row *here = NULL;
	struct pt_snapshot *snap;
	struct pt_ranking *before = NULL, *after = NULL;
	struct pt_read_log log;
	double *v = NULL, *cr = NULL, *vrow, *crow;
	size_t n_here = 0, i, t, nt;
	long at, m = -1;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	memset(&cat, 0, sizeof cat);
	memset(&log, 0, sizeof log);
	out->method = method;
	if (method == PT_METHOD_CARVER)
		return pt_diag_set(d, PT_EINVAL, 0, "method",
				   "CARVER + Shock measures attractiveness, not risk: use fema or quant");
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = readable_site(c, snap, site_id, &at, d)) != PT_OK ||
	    (err = pt_db_measures_load(db, &cat, d)) != PT_OK ||
	    (err = rank(db, c, method, &c->who, NULL, NULL, NULL, &before, d)) != PT_OK)
		goto out;
	for (i = 0; measure_id && i < cat.n; i++)
		if (strcmp(cat.items[i].id, measure_id) == 0)
			m = (long)i;
	if (m < 0) {
		err = pt_diag_set(d, PT_EINVAL, 0, "measure", "no measure %.*s in the catalogue",
				  PT_ID_MAX, measure_id ? measure_id : "");
		goto out;
	}
	if ((err = pt_measure_effect_matrix(&cat, &before->cat.threats, &v, &cr, d)) != PT_OK ||
	    (err = pt_db_site_measures_list(db, site_id, &here, &n_here, d)) != PT_OK)
		goto out;
	/* what the assessment saw (existing, or installed before the site's latest confirmed
	 * visit: pt_app_measures_seen) changes nothing; one committed or installed since is
	 * not in the assessment (the plan and the comparison already count it): it is shown */
	if ((err = pt_app_measures_seen(db, here, n_here, d)) != PT_OK)
		goto out;
	for (i = 0; i < n_here; i++)
		if (strcmp(here[i].measure_id, cat.items[m].id) == 0) {
			out->in_place = here[i].status == PT_SM_EXISTING;
			out->committed = pt_site_measure_committed(here[i].status) &&
					 !out->in_place;
		}
	nt = before->cat.threats.n;
	vrow = v + (size_t)m * nt;
	crow = cr + (size_t)m * nt;
	if ((err = rank(db, c, method, &c->who, out->in_place ? NULL : site_id, vrow, crow, &after,
			d)) != PT_OK)
		goto out;
	pt_strlcpy(out->site_id, site_id, sizeof out->site_id);
	pt_strlcpy(out->measure_id, cat.items[m].id, sizeof out->measure_id);
	pt_strlcpy(out->measure_name, cat.items[m].name, sizeof out->measure_name);
	out->applies = pt_measure_applies(&cat.items[m], snap->sites.items[at].kind,
					  snap->sites.items[at].sector);
	for (t = 0; t < nt; t++) {
		int rated = 0;
		for (i = 0; i < before->set.n && !rated; i++) {
			const char *sid = method == PT_METHOD_FEMA ? before->set.fema[i].site_id
								   : before->set.quant[i].site_id;
			const char *tid = method == PT_METHOD_FEMA ? before->set.fema[i].threat_id
								   : before->set.quant[i].threat_id;
			rated = strcmp(sid, site_id) == 0 &&
				strcmp(tid, before->cat.threats.items[t].id) == 0;
		}
		out->threats_reduced += rated && (vrow[t] > 0 || crow[t] > 0);
	}
	standing(before, site_id, &out->before);
	standing(after, site_id, &out->after);
	pt_read_log_note(&log, &snap->sites.items[at]);
	err = pt_read_log_commit(c, db, "whatif.read", &log, d);
out:
	if (err != PT_OK)
		pt_read_log_clear(&log);
	free(here);
	free(v);
	free(cr);
	pt_measure_catalog_clear(&cat);
	pt_ranking_free(before);
	pt_ranking_free(after);
	pt_snapshot_release(snap);
	return err;
}
