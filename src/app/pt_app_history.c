/* pt_app_history.c - snapshots of the ranking's and the register's inputs (issue 16 item 6):
 * what they keep (pt_app_history_inputs), take, list, show, delete, compare, the demo's. */
#include "pt_app_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_levels.h"
#include "../core/pt_measure.h"
#include "../formats/pt_csv.h"
#include "../formats/pt_diag.h"
#include "../store/pt_access_store.h"
#include "../store/pt_audit.h"
#include "../store/pt_catalog_store.h"
#include "../store/pt_history_store.h"
#include "../store/pt_measures_store.h"
#include "../store/pt_register_store.h"
#include "../store/pt_store.h"
#include "pt_app_audit.h"
#include "pt_app_measures.h"
#include "pt_app_plan_int.h"
#include "pt_app_ranking.h"

static enum pt_err no_memory(struct pt_diag *d)
{
	return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
}

/* ---- what a snapshot keeps ---- */

/* The ranking of method over every site, as the app layer computes it (exact figures). */
static enum pt_err rank_all(struct pt_db *db, enum pt_method method, int64_t now,
			    struct pt_ranking **out, struct pt_diag *d)
{
	struct pt_ranking_opts o;
	memset(&o, 0, sizeof o);
	o.method = method;
	o.samples_set = 1;
	o.samples = 0;
	o.threads = 1;
	o.now = now;
	return pt_ranking_run(db, &o, out, d);
}

/* The sites of r with their access records (ix) and downstream consequence into in. */
static enum pt_err inputs_sites(const struct pt_ranking *r, const struct pt_access_index *ix,
				struct pt_hist_inputs *in, struct pt_diag *d)
{
	size_t i, n_ids = 0;
	for (i = 0; i < r->sites.n; i++) {
		struct pt_access_record rec;
		pt_access_index_record(ix, &r->sites.items[i], &rec);
		n_ids += rec.n_partners + rec.n_red_readers;
	}
	in->sites = calloc(r->sites.n ? r->sites.n : 1, sizeof *in->sites);
	in->ids = calloc(n_ids ? n_ids : 1, sizeof *in->ids);
	if (!in->sites || !in->ids)
		return no_memory(d);
	for (i = 0; i < r->sites.n; i++) {
		const struct pt_site *s = &r->sites.items[i];
		struct pt_hist_site *h = &in->sites[i];
		struct pt_access_record rec;
		pt_access_index_record(ix, s, &rec);
		pt_strlcpy(h->site.id, s->id, sizeof h->site.id);
		pt_strlcpy(h->site.name, s->name, sizeof h->site.name);
		pt_strlcpy(h->site.kind, s->kind, sizeof h->site.kind);
		pt_strlcpy(h->site.sector, s->sector, sizeof h->site.sector);
		pt_strlcpy(h->site.region, s->region, sizeof h->site.region);
		pt_strlcpy(h->site.owner, s->owner, sizeof h->site.owner);
		h->site.tlp = s->tlp;
		h->owner_org_id = rec.owner_org_id;
		h->partners_at = in->n_ids;
		h->n_partners = rec.n_partners;
		if (rec.n_partners)
			memcpy(in->ids + in->n_ids, rec.partners, rec.n_partners * sizeof *in->ids);
		in->n_ids += rec.n_partners;
		h->readers_at = in->n_ids;
		h->n_readers = rec.n_red_readers;
		if (rec.n_red_readers)
			memcpy(in->ids + in->n_ids, rec.red_readers,
			       rec.n_red_readers * sizeof *in->ids);
		in->n_ids += rec.n_red_readers;
		h->downstream_eur = r->downstream_eur ? r->downstream_eur[i] : 0;
		in->n_sites++;
	}
	return PT_OK;
}

/* The measures whose effects apply at the sites (as pt_app_inputs_build counts them for the
 * register: committed) and the effects of those measures, into in. */
static enum pt_err inputs_measures(struct pt_db *db, struct pt_hist_inputs *in, struct pt_diag *d)
{
	struct pt_measure_catalog cat;
	struct pt_site_measure_row *sm = NULL;
	size_t n_sm = 0, i, e;
	enum pt_err err;
	memset(&cat, 0, sizeof cat);
	if ((err = pt_db_measures_load(db, &cat, d)) != PT_OK ||
	    (err = pt_db_site_measures_list(db, NULL, &sm, &n_sm, d)) != PT_OK)
		goto out;
	in->measures = calloc(n_sm ? n_sm : 1, sizeof *in->measures);
	in->effects = calloc(cat.n_effects ? cat.n_effects : 1, sizeof *in->effects);
	if (!in->measures || !in->effects) {
		err = no_memory(d);
		goto out;
	}
	for (i = 0; i < n_sm; i++) {
		struct pt_hist_measure *m = &in->measures[in->n_measures];
		if (!pt_site_measure_committed(sm[i].status) ||
		    pt_hist_site_find(in, sm[i].site_id) < 0 ||
		    pt_measure_catalog_find(&cat, sm[i].measure_id) < 0)
			continue;
		pt_strlcpy(m->site_id, sm[i].site_id, sizeof m->site_id);
		pt_strlcpy(m->measure_id, sm[i].measure_id, sizeof m->measure_id);
		m->status = sm[i].status;
		in->n_measures++;
	}
	for (e = 0; e < cat.n_effects; e++) { /* only the effects of measures that apply */
		const struct pt_measure_effect *x = &cat.effects[e];
		for (i = 0; i < in->n_measures; i++)
			if (strcmp(in->measures[i].measure_id, x->measure_id) == 0)
				break;
		if (i == in->n_measures || (x->v_reduction <= 0 && x->c_reduction <= 0))
			continue;
		pt_strlcpy(in->effects[in->n_effects].measure_id, x->measure_id, PT_ID_MAX);
		pt_strlcpy(in->effects[in->n_effects].threat_id, x->threat_id, PT_ID_MAX);
		in->effects[in->n_effects].v = x->v_reduction;
		in->effects[in->n_effects].c = x->c_reduction;
		in->n_effects++;
	}
out:
	free(sm);
	pt_measure_catalog_clear(&cat);
	return err;
}

/* The threat levels in force at now and the register's decisions, into in. */
static enum pt_err inputs_levels_decisions(struct pt_db *db, int64_t now,
					   struct pt_hist_inputs *in, struct pt_diag *d)
{
	struct pt_level_change *hist = NULL;
	struct pt_register_entry *rows = NULL;
	size_t n_hist = 0, n_rows = 0, i;
	enum pt_err err;
	if ((err = pt_db_threat_level_history(db, &hist, &n_hist, d)) != PT_OK ||
	    (err = pt_db_register_rows(db, NULL, &rows, &n_rows, d)) != PT_OK)
		goto out;
	in->levels = calloc(n_hist ? n_hist : 1, sizeof *in->levels);
	in->decisions = calloc(n_rows ? n_rows : 1, sizeof *in->decisions);
	if (!in->levels || !in->decisions) {
		err = no_memory(d);
		goto out;
	}
	pt_levels_in_force(hist, n_hist, now, in->levels, &in->n_levels);
	for (i = 0; i < n_rows; i++) {
		struct pt_hist_decision *x = &in->decisions[in->n_decisions];
		if (rows[i].treatment == PT_TREAT_NONE)
			continue;
		pt_strlcpy(x->site_id, rows[i].site_id, sizeof x->site_id);
		pt_strlcpy(x->threat_id, rows[i].threat_id, sizeof x->threat_id);
		x->treatment = rows[i].treatment;
		pt_strlcpy(x->responsible, rows[i].responsible, sizeof x->responsible);
		pt_strlcpy(x->review_date, rows[i].review_date, sizeof x->review_date);
		x->approved = rows[i].approved;
		in->n_decisions++;
	}
out:
	free(hist);
	free(rows);
	return err;
}

/* A copy of the rows of set (n of them, size bytes each) into *dst. */
static enum pt_err copy_rows(void *dst, const void *src, size_t n, size_t size, struct pt_diag *d)
{
	void **p = dst;
	if (!(*p = malloc(n ? n * size : 1)))
		return no_memory(d);
	if (n)
		memcpy(*p, src, n * size);
	return PT_OK;
}

enum pt_err pt_app_history_inputs(struct pt_db *db, int64_t now, struct pt_hist_inputs *out,
				  struct pt_diag *d)
{
	struct pt_ranking *quant = NULL, *fema = NULL;
	struct pt_access_index *ix = NULL;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	now = pt_app_now(now);
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = rank_all(db, PT_METHOD_QUANT, now, &quant, d)) != PT_OK ||
	    (err = rank_all(db, PT_METHOD_FEMA, now, &fema, d)) != PT_OK ||
	    (err = pt_access_index_load(db, &ix, d)) != PT_OK ||
	    (err = inputs_sites(quant, ix, out, d)) != PT_OK)
		goto out;
	out->cfg = quant->cfg;
	if ((err = copy_rows(&out->quant, quant->set.quant, quant->set.n, sizeof *out->quant, d)) !=
		    PT_OK ||
	    (err = copy_rows(&out->fema, fema->set.fema, fema->set.n, sizeof *out->fema, d)) != PT_OK)
		goto out;
	out->n_quant = quant->set.n;
	out->n_fema = fema->set.n;
	pt_hist_inputs_sort(out);
	if ((err = inputs_measures(db, out, d)) != PT_OK ||
	    (err = inputs_levels_decisions(db, now, out, d)) != PT_OK)
		goto out;
	pt_hist_inputs_sort(out);
out:
	err = pt_db_end(db, err, d);
	pt_ranking_free(quant);
	pt_ranking_free(fema);
	pt_access_index_free(ix);
	if (err != PT_OK)
		pt_hist_inputs_clear(out);
	return err;
}

/* ---- take, list, delete ---- */

/* Store in as a snapshot m (its id set) in c's transaction-less db, audited. */
static enum pt_err store_snapshot(const struct pt_caller *c, struct pt_db *db,
				  const struct pt_hist_inputs *in, struct pt_hist_meta *m,
				  struct pt_diag *d)
{
	json_t *j = pt_hist_inputs_to_json(in);
	char *json = j ? json_dumps(j, JSON_COMPACT) : NULL, detail[256], id[32];
	enum pt_err err;
	size_t len;
	json_decref(j);
	if (!json)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory writing the snapshot");
	len = strlen(json);
	if (len > (size_t)PT_HIST_JSON_MAX) {
		free(json);
		return pt_diag_set(d, PT_ELIMIT, 0, "", "the snapshot would hold %zu bytes, more "
				   "than %ld", len, PT_HIST_JSON_MAX);
	}
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK) {
		free(json);
		return err;
	}
	if ((err = pt_db_snapshot_add(db, m, json, len, &m->id, d)) == PT_OK) {
		snprintf(id, sizeof id, "%lld", m->id);
		snprintf(detail, sizeof detail, "%s (%s): %zu sites, %zu measures, %zu decisions",
			 m->name, pt_method_name(m->method), in->n_sites, in->n_measures,
			 in->n_decisions);
		err = pt_audit_append(db, "snapshot.take", "snapshots", id, detail, d);
	}
	free(json);
	return pt_db_end(db, err, d);
}

/* Is name a snapshot's name: 1-127 bytes of text without control characters? */
static enum pt_err check_name(const char *name, struct pt_diag *d)
{
	size_t i, len = name ? strlen(name) : 0;
	if (!len || len >= PT_HIST_NAME_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "name", "1 to %d characters",
				   PT_HIST_NAME_MAX - 1);
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return pt_diag_set(d, PT_EINVAL, 0, "name",
					   "no control characters");
	return PT_OK;
}

enum pt_err pt_app_snapshot_take(const struct pt_caller *c, struct pt_db *db, const char *name,
				 enum pt_method method, struct pt_hist_meta *out,
				 struct pt_diag *d)
{
	struct pt_hist_inputs in;
	const char *actor = NULL;
	enum pt_err err;
	memset(out, 0, sizeof *out);
	if (pt_access_snapshot_take(&c->who) != PT_ACCESS_OK)
		return pt_app_refused(c, db, "snapshot.take", "snapshots", "",
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "",
						  "only government coordinators and admins take "
						  "snapshots"),
				      d);
	if ((err = check_name(name, d)) != PT_OK)
		return err;
	if (method != PT_METHOD_FEMA && method != PT_METHOD_QUANT)
		return pt_diag_set(d, PT_EINVAL, 0, "method", "fema or quant");
	if ((err = pt_app_history_inputs(db, c->now, &in, d)) != PT_OK)
		return err;
	pt_strlcpy(out->name, name, sizeof out->name);
	out->taken_at = pt_app_now(c->now);
	out->method = method;
	actor = c->name[0] ? c->name : PT_ACTOR_SYSTEM;
	pt_strlcpy(out->taken_by, actor, sizeof out->taken_by);
	err = store_snapshot(c, db, &in, out, d);
	pt_hist_inputs_clear(&in);
	if (err != PT_OK)
		memset(out, 0, sizeof *out);
	return err;
}

enum pt_err pt_app_snapshots_list(const struct pt_caller *c, struct pt_db *db,
				  struct pt_hist_meta **out, size_t *n, struct pt_diag *d)
{
	(void)c; /* names and dates only: every logged-in user (docs/access.md, "History") */
	return pt_db_snapshots_list(db, out, n, d);
}

enum pt_err pt_app_snapshot_delete(const struct pt_caller *c, struct pt_db *db, long long id,
				   struct pt_diag *d)
{
	struct pt_hist_meta m;
	char rid[32], detail[200];
	enum pt_err err;
	snprintf(rid, sizeof rid, "%lld", id);
	if (pt_access_snapshot_delete(&c->who) != PT_ACCESS_OK)
		return pt_app_refused(c, db, "snapshot.delete", "snapshots", rid,
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "",
						  "only government admins delete snapshots"),
				      d);
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_snapshot_get(db, id, &m, NULL, NULL, d)) == PT_OK &&
	    (err = pt_db_snapshot_delete(db, id, d)) == PT_OK) {
		snprintf(detail, sizeof detail, "%s", m.name);
		err = pt_audit_append(db, "snapshot.delete", "snapshots", rid, detail, d);
	}
	return pt_db_end(db, err, d);
}

/* ---- reading: who sees which row ---- */

/* Snapshot id's summary and inputs; PT_ENOTFOUND naming field. */
static enum pt_err load_snapshot(struct pt_db *db, long long id, const char *field,
				 struct pt_hist_meta *m, struct pt_hist_inputs *in,
				 struct pt_diag *d)
{
	char *json = NULL;
	size_t len = 0;
	enum pt_err err;
	memset(in, 0, sizeof *in);
	if ((err = pt_db_snapshot_get(db, id, m, &json, &len, d)) != PT_OK) {
		if (err == PT_ENOTFOUND)
			pt_diag_set(d, PT_ENOTFOUND, 0, field, "no snapshot %lld", id);
		return err;
	}
	if ((err = pt_hist_inputs_from_json(json, len, in, d)) != PT_OK)
		err = pt_diag_set(d, PT_EINTERNAL, 0, "", "snapshot %lld cannot be read: %s", id,
				  d->msg);
	free(json);
	return err;
}

/* Site i of in as the access rules saw it then (arrays borrowed from in). */
static void then_record(const struct pt_hist_inputs *in, size_t i, struct pt_access_record *rec)
{
	const struct pt_hist_site *s = &in->sites[i];
	memset(rec, 0, sizeof *rec);
	rec->owner_org_id = s->owner_org_id;
	rec->tlp = s->site.tlp;
	rec->partners = in->ids && s->n_partners ? in->ids + s->partners_at : NULL;
	rec->n_partners = in->ids ? s->n_partners : 0;
	rec->red_readers = in->ids && s->n_readers ? in->ids + s->readers_at : NULL;
	rec->n_red_readers = in->ids ? s->n_readers : 0;
}

/* Whether c may read a row: its records in a (index ia, -1 none), in b (ib) and now (the live
 * snapshot, when the site is there). *tlp: the row's marking. */
static int row_readable(const struct pt_caller *c, const struct pt_snapshot *live,
			const struct pt_hist_inputs *a, long ia, const struct pt_hist_inputs *b,
			long ib, const char *site_id, enum pt_tlp *tlp)
{
	struct pt_access_record ra, rb, rn;
	const struct pt_access_record *recs[3] = {NULL, NULL, NULL};
	long s = pt_snapshot_find(live, site_id);
	if (a && ia >= 0) {
		then_record(a, (size_t)ia, &ra);
		recs[0] = &ra;
	}
	if (b && ib >= 0) {
		then_record(b, (size_t)ib, &rb);
		recs[1] = &rb;
	}
	if (s >= 0) {
		pt_snapshot_record(live, (size_t)s, &rn);
		recs[2] = &rn;
	}
	return pt_access_history_row(&c->who, recs, 3, tlp) == PT_ACCESS_OK;
}

/* The national level of levels as words, with "and other entries" when there are more. */
static void level_words(const struct pt_level_entry *lv, size_t n, const char *what, char *buf,
			size_t size)
{
	snprintf(buf, size, "%s%s%s", pt_threat_level_name(pt_level_national(lv, n)),
		 n > 1 ? " (with sector, region or threat entries)" : "", what);
}

/* Note row's site in log under its marking tlp (audited reads). */
static void note_read(struct pt_read_log *log, const struct pt_site *site, enum pt_tlp tlp)
{
	struct pt_site s = *site;
	s.tlp = tlp;
	pt_read_log_note(log, &s);
}

/* Grow the view's arrays to hold n rows. */
static enum pt_err view_room(struct pt_hist_view *v, size_t n, struct pt_diag *d)
{
	v->rows = calloc(n ? n : 1, sizeof *v->rows);
	v->tlp = calloc(n ? n : 1, sizeof *v->tlp);
	return v->rows && v->tlp ? PT_OK : no_memory(d);
}

enum pt_err pt_app_snapshot_show(const struct pt_caller *c, struct pt_db *db, long long id,
				 enum pt_method method, struct pt_hist_view *out,
				 struct pt_diag *d)
{
	struct pt_hist_inputs in;
	struct pt_snapshot *live = NULL;
	struct pt_read_log log;
	size_t i;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	memset(&log, 0, sizeof log);
	if ((err = load_snapshot(db, id, "id", &out->to, &in, d)) != PT_OK)
		return err;
	out->method = method == PT_METHOD_FEMA || method == PT_METHOD_QUANT ? method
									    : out->to.method;
	level_words(in.levels, in.n_levels, " (its own levels then)", out->level_text,
		    sizeof out->level_text);
	if (!(live = pt_app_snapshot(c, db, d))) {
		err = d->msg[0] ? PT_EDB : no_memory(d);
		goto out;
	}
	if ((err = view_room(out, in.n_sites, d)) != PT_OK)
		goto out;
	out->decisions = calloc(in.n_decisions ? in.n_decisions : 1, sizeof *out->decisions);
	if (!out->decisions) {
		err = no_memory(d);
		goto out;
	}
	for (i = 0; i < in.n_sites; i++) {
		struct pt_hist_row *r = &out->rows[out->n];
		const struct pt_site *s = &in.sites[i].site;
		size_t at;
		if (!row_readable(c, live, &in, (long)i, NULL, -1, s->id, &out->tlp[out->n]))
			continue;
		r->site = *s;
		r->from_site = -1;
		r->to_site = (long)i;
		if ((err = pt_hist_site_risk(out->method, &in.cfg, in.levels, in.n_levels, s, &in,
					     &in, s->id, &r->risk_to, d)) != PT_OK)
			goto out;
		r->band_to = pt_hist_band(out->method, &in.cfg, r->risk_to);
		r->measures_to = pt_hist_site_measures(&in, s->id, &at);
		if (out->tlp[out->n] > out->marking)
			out->marking = out->tlp[out->n];
		note_read(&log, s, out->tlp[out->n]);
		out->n++;
	}
	for (i = 0; i < in.n_decisions; i++) {
		long s = pt_hist_site_find(&in, in.decisions[i].site_id);
		size_t k;
		for (k = 0; s >= 0 && k < out->n && out->rows[k].to_site != s; k++)
			;
		if (s >= 0 && k < out->n)
			out->decisions[out->n_decisions++] = in.decisions[i];
	}
	err = pt_read_log_commit(c, db, "snapshot.read", &log, d);
out:
	pt_read_log_clear(&log);
	pt_snapshot_release(live);
	pt_hist_inputs_clear(&in);
	if (err != PT_OK)
		pt_hist_view_clear(out);
	return err;
}

enum pt_err pt_app_snapshot_compare(const struct pt_caller *c, struct pt_db *db,
				    long long from_id, long long to_id,
				    const struct pt_hist_compare_opts *o, struct pt_hist_view *out,
				    struct pt_diag *d)
{
	struct pt_hist_inputs from, to;
	struct pt_snapshot *live = NULL;
	struct pt_hist_row *rows = NULL;
	struct pt_read_log log;
	unsigned char *keep = NULL;
	size_t n = 0, i;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	memset(&log, 0, sizeof log);
	memset(&to, 0, sizeof to);
	out->compare = 1;
	out->method = o->method;
	out->basis = o->basis;
	if ((err = load_snapshot(db, from_id, "from", &out->from, &from, d)) != PT_OK)
		return err;
	if (to_id > 0)
		err = load_snapshot(db, to_id, "to", &out->to, &to, d);
	else {
		out->to.id = 0;
		out->to.taken_at = pt_app_now(c->now);
		out->to.method = o->method;
		pt_strlcpy(out->to.name, "now", sizeof out->to.name);
		err = pt_app_history_inputs(db, c->now, &to, d);
	}
	if (err != PT_OK)
		goto out;
	if (o->basis == PT_HIST_BASIS_LEVEL)
		snprintf(out->level_text, sizeof out->level_text, "%s (for both)",
			 pt_threat_level_name(o->level));
	else if (o->basis == PT_HIST_BASIS_OWN)
		snprintf(out->level_text, sizeof out->level_text, "each at its own");
	else
		level_words(to.levels, to.n_levels, " (the later one's, for both)", out->level_text,
			    sizeof out->level_text);
	if ((err = pt_hist_compare(&from, &to, o, &rows, &n, d)) != PT_OK)
		goto out;
	if (!(live = pt_app_snapshot(c, db, d))) {
		err = d->msg[0] ? PT_EDB : no_memory(d);
		goto out;
	}
	if (!(keep = calloc(n ? n : 1, 1)) || (err = view_room(out, n, d)) != PT_OK) {
		err = no_memory(d);
		goto out;
	}
	for (i = 0; i < n; i++) {
		enum pt_tlp tlp = PT_TLP_CLEAR;
		if (!row_readable(c, live, &from, rows[i].from_site, to_id > 0 ? &to : NULL,
				  to_id > 0 ? rows[i].to_site : -1, rows[i].site.id, &tlp))
			continue;
		if (to_id <= 0 && rows[i].to_site >= 0 &&
		    pt_snapshot_find(live, rows[i].site.id) < 0)
			continue; /* in the inputs read now but gone from the live view since */
		keep[i] = 1;
		out->rows[out->n] = rows[i];
		out->tlp[out->n] = tlp;
		if (tlp > out->marking)
			out->marking = tlp;
		note_read(&log, &rows[i].site, tlp);
		out->n++;
	}
	if ((err = pt_hist_totals(rows, n, keep, PT_HIST_BY_NATION, &out->nation, &i, d)) !=
		    PT_OK ||
	    (err = pt_hist_totals(rows, n, keep, PT_HIST_BY_SECTOR, &out->sectors, &out->n_sectors,
				  d)) != PT_OK ||
	    (err = pt_hist_totals(rows, n, keep, PT_HIST_BY_REGION, &out->regions, &out->n_regions,
				  d)) != PT_OK)
		goto out;
	err = pt_read_log_commit(c, db, "snapshot.compare", &log, d);
out:
	pt_read_log_clear(&log);
	pt_snapshot_release(live);
	pt_hist_inputs_clear(&from);
	pt_hist_inputs_clear(&to);
	free(rows);
	free(keep);
	if (err != PT_OK)
		pt_hist_view_clear(out);
	return err;
}

/* ---- the demo's "2025 baseline" (data/demo/README.md, "History") ---- */

#define DEMO_SNAPSHOT "2025 baseline"
#define DEMO_MEASURE_SITE "VM-012"
#define DEMO_MEASURE "access_control"
#define DEMO_REASSESSED "VM-036"
#define DEMO_ADDED "VM-067"

/* Install DEMO_MEASURE at DEMO_MEASURE_SITE as c: proposed by the trust's plan, then approved,
 * accepted and installed (each step audited by pt_app_site_measure_step). */
static enum pt_err demo_install(const struct pt_caller *c, struct pt_db *db, struct pt_diag *d)
{
	static const enum pt_measure_step steps[] = {PT_STEP_APPROVE, PT_STEP_ACCEPT,
						     PT_STEP_INSTALL};
	struct pt_site_measure_row row;
	char now[PT_TIMESTAMP_MAX];
	const char *actor;
	const char *cover[1] = {DEMO_MEASURE_SITE};
	enum pt_err err;
	size_t i;
	int added = 0;
	if ((err = pt_db_site_measure_get(db, DEMO_MEASURE_SITE, DEMO_MEASURE, &row, d)) == PT_OK)
		return PT_OK; /* there already: the demo refreshed */
	if (err != PT_ENOTFOUND)
		return err;
	pt_diag_clear(d);
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	pt_app_stamp(db, now, &actor);
	if ((err = pt_db_site_measure_propose(db, DEMO_MEASURE_SITE, DEMO_MEASURE,
					      "Hospitals Trust security 2026", now, actor, &added,
					      d)) == PT_OK)
		err = pt_audit_append_records(db, "site.measure.propose", "site_measures",
					      DEMO_MEASURE_SITE "/" DEMO_MEASURE,
					      "demo: proposed by Hospitals Trust security 2026",
					      "sites", cover, 1, d);
	if ((err = pt_db_end(db, err, d)) != PT_OK)
		return err;
	for (i = 0; i < sizeof steps / sizeof *steps && err == PT_OK; i++)
		err = pt_app_site_measure_step(c, db, DEMO_MEASURE_SITE, DEMO_MEASURE, steps[i], NULL,
					       &row, d);
	return err;
}

/* Take back from in what the demo's year changed (see pt_app_history_demo). */
static void demo_year_back(struct pt_hist_inputs *in)
{
	size_t i, k;
	static struct pt_level_entry severe; /* the national level then */
	for (i = k = 0; i < in->n_measures; i++)
		if (!(strcmp(in->measures[i].site_id, DEMO_MEASURE_SITE) == 0 &&
		      strcmp(in->measures[i].measure_id, DEMO_MEASURE) == 0))
			in->measures[k++] = in->measures[i];
	in->n_measures = k;
	for (i = 0; i < in->n_quant; i++)
		if (strcmp(in->quant[i].site_id, DEMO_REASSESSED) == 0) {
			struct pt_range *v = &in->quant[i].var[PT_QV_P_SUCCESS];
			v->min = v->min * 1.5 > 1 ? 1 : v->min * 1.5;
			v->mode = v->mode * 1.5 > 1 ? 1 : v->mode * 1.5;
			v->max = v->max * 1.5 > 1 ? 1 : v->max * 1.5;
		}
	for (i = 0; i < in->n_fema; i++)
		if (strcmp(in->fema[i].site_id, DEMO_REASSESSED) == 0 &&
		    in->fema[i].vulnerability_rating < 10)
			in->fema[i].vulnerability_rating++;
	for (i = k = 0; i < in->n_sites; i++)
		if (strcmp(in->sites[i].site.id, DEMO_ADDED) != 0)
			in->sites[k++] = in->sites[i];
	in->n_sites = k;
	for (i = k = 0; i < in->n_quant; i++)
		if (strcmp(in->quant[i].site_id, DEMO_ADDED) != 0)
			in->quant[k++] = in->quant[i];
	in->n_quant = k;
	for (i = k = 0; i < in->n_fema; i++)
		if (strcmp(in->fema[i].site_id, DEMO_ADDED) != 0)
			in->fema[k++] = in->fema[i];
	in->n_fema = k;
	memset(&severe, 0, sizeof severe);
	severe.change.scope = PT_LEVEL_SCOPE_NATIONAL;
	severe.change.level = PT_LEVEL_SEVERE;
	for (i = 0; i < in->n_levels && in->levels[i].change.scope != PT_LEVEL_SCOPE_NATIONAL; i++)
		;
	if (i < in->n_levels)
		in->levels[i] = severe;
	else if (in->n_levels == 0 && in->levels) /* room for one: calloc'd at least 1 */
		in->levels[in->n_levels++] = severe;
	else { /* make room at the front: the national entry comes first */
		struct pt_level_entry *lv = realloc(in->levels, (in->n_levels + 1) * sizeof *lv);
		if (lv) {
			memmove(lv + 1, lv, in->n_levels * sizeof *lv);
			lv[0] = severe;
			in->levels = lv;
			in->n_levels++;
		}
	}
}

enum pt_err pt_app_history_demo(const struct pt_caller *c, struct pt_db *db, int64_t now,
				struct pt_diag *d)
{
	struct pt_hist_meta *list = NULL, m;
	struct pt_hist_inputs in;
	size_t n = 0, i;
	enum pt_err err;
	if ((err = pt_db_snapshots_list(db, &list, &n, d)) != PT_OK)
		return err;
	for (i = 0; i < n && strcmp(list[i].name, DEMO_SNAPSHOT) != 0; i++)
		;
	free(list);
	if (i < n)
		return PT_OK; /* the demo refreshed: its history stays */
	now = pt_app_now(now);
	if ((err = demo_install(c, db, d)) != PT_OK ||
	    (err = pt_app_history_inputs(db, now, &in, d)) != PT_OK)
		return err;
	demo_year_back(&in);
	memset(&m, 0, sizeof m);
	pt_strlcpy(m.name, DEMO_SNAPSHOT, sizeof m.name);
	m.taken_at = now - 365LL * 86400;
	m.method = PT_METHOD_QUANT;
	pt_strlcpy(m.taken_by, PT_ACTOR_SYSTEM, sizeof m.taken_by);
	err = store_snapshot(c, db, &in, &m, d);
	pt_hist_inputs_clear(&in);
	return err;
}
