/* pt_ranking.c - load what a ranking or matrix needs from the store, keep
 * the sites a filter lets through, run the core methods, rank. Prints nothing. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "pt_ranking.h"

static long site_index(const struct pt_site_list *sites, const char *id)
{
	size_t lo = 0, hi = sites->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(sites->items[mid].id, id);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void catalogs_free(struct pt_catalogs *cat)
{
	pt_catalog_free(&cat->kinds);
	pt_catalog_free(&cat->sectors);
	pt_catalog_free(&cat->threats);
}

enum pt_err pt_ranking_threat_factors(struct pt_db *db, const struct pt_config *cfg,
				      const struct pt_catalog *threats, double **factors,
				      enum pt_threat_level *national, char *level_text,
				      size_t level_text_size, struct pt_diag *d)
{
	struct pt_threat_level_entry *entries = NULL;
	size_t n = 0, i, used;
	enum pt_err err;
	double *f;
	*factors = NULL;
	if ((err = pt_db_threat_levels(db, national, &entries, &n, d)) != PT_OK)
		return err;
	f = calloc(threats->n ? threats->n : 1, sizeof *f);
	if (!f) {
		free(entries);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	for (i = 0; i < threats->n; i++)
		f[i] = cfg->level_factor[*national];
	used = (size_t)snprintf(level_text, level_text_size, "%s", pt_threat_level_name(*national));
	for (i = 0; i < n; i++) {
		long t = pt_catalog_find(threats, entries[i].threat_id);
		if (t < 0)
			continue;
		f[t] = cfg->level_factor[entries[i].level];
		if (used < level_text_size)
			used += (size_t)snprintf(level_text + used, level_text_size - used,
						 "%s%s=%s", i ? ", " : " (", entries[i].threat_id,
						 pt_threat_level_name(entries[i].level));
	}
	if (n && used < level_text_size)
		snprintf(level_text + used, level_text_size - used, ")");
	free(entries);
	*factors = f;
	return PT_OK;
}

/* All sites, or those visible keeps, into out (by id). */
static enum pt_err load_sites(struct pt_db *db, pt_site_filter_fn visible, void *ctx,
			      struct pt_site_list *out, size_t *withheld, struct pt_diag *d)
{
	struct pt_site_list all;
	enum pt_err err;
	size_t i;
	*withheld = 0;
	if (!visible)
		return pt_db_sites_list(db, PT_TLP_RED, out, NULL, d);
	memset(&all, 0, sizeof all);
	if ((err = pt_db_sites_list(db, PT_TLP_RED, &all, NULL, d)) != PT_OK)
		goto out;
	for (i = 0; i < all.n; i++) {
		if (!visible(ctx, &all.items[i])) {
			(*withheld)++;
			continue;
		}
		if ((err = pt_site_list_append(out, &all.items[i], 0)) != PT_OK) {
			pt_diag_set(d, err, 0, "", "%s", pt_strerror(err));
			goto out;
		}
	}
out:
	pt_site_list_free(&all);
	return err;
}

static enum pt_err rank_order(struct pt_ranking *r, struct pt_diag *d)
{
	size_t n = r->n_rows ? r->n_rows : 1, i;
	double *score = malloc(n * sizeof *score);
	const char **key = malloc(n * sizeof *key);
	size_t *order = malloc(n * sizeof *order);
	struct pt_ranking_row *sorted = malloc(n * sizeof *sorted);
	enum pt_err err = PT_ENOMEM;
	if (!score || !key || !order || !sorted)
		goto out;
	for (i = 0; i < r->n_rows; i++) {
		score[i] = r->rows[i].score;
		key[i] = r->sites.items[r->rows[i].site].id;
	}
	if ((err = pt_rank_order(score, key, r->n_rows, order)) != PT_OK)
		goto out;
	for (i = 0; i < r->n_rows; i++)
		sorted[i] = r->rows[order[i]];
	memcpy(r->rows, sorted, r->n_rows * sizeof *sorted);
out:
	if (err != PT_OK)
		pt_diag_set(d, err, 0, "", "%s", pt_strerror(err));
	free(score);
	free(key);
	free(order);
	free(sorted);
	return err;
}

static enum pt_err unknown_threat(struct pt_diag *d, const char *site, const char *threat)
{
	return pt_diag_set(d, PT_EINTERNAL, 0, "", "assessment of unknown site or threat %s/%s", site,
			   threat);
}

static enum pt_err compute_fema(struct pt_ranking *r, struct pt_diag *d)
{
	struct pt_fema_site_score *scores;
	const struct pt_fema_row **worst_row;
	uint32_t *site_of, *threat_of;
	size_t i, n = r->set.n, k = 0;
	enum pt_err err = PT_OK;
	scores = calloc(r->sites.n ? r->sites.n : 1, sizeof *scores);
	worst_row = calloc(r->sites.n ? r->sites.n : 1, sizeof *worst_row);
	site_of = malloc((n ? n : 1) * sizeof *site_of);
	threat_of = malloc((n ? n : 1) * sizeof *threat_of);
	if (!scores || !worst_row || !site_of || !threat_of) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	/* Rows of sites not covered are dropped; the kept rows are compacted in order. */
	for (i = 0; i < n; i++) {
		long s = site_index(&r->sites, r->set.fema[i].site_id);
		long t = pt_catalog_find(&r->cat.threats, r->set.fema[i].threat_id);
		if (s < 0)
			continue;
		if (t < 0) {
			err = unknown_threat(d, r->set.fema[i].site_id, r->set.fema[i].threat_id);
			goto out;
		}
		r->set.fema[k] = r->set.fema[i];
		site_of[k] = (uint32_t)s;
		threat_of[k] = (uint32_t)t;
		k++;
	}
	r->set.n = k;
	n = k;
	pt_fema_score_sites(&r->cfg, r->set.fema, site_of, threat_of, n, r->sites.n, scores);
	for (i = 0; i < n; i++) /* the worst pair's row, for its A x T x V */
		if (scores[site_of[i]].worst_threat == (int32_t)threat_of[i])
			worst_row[site_of[i]] = &r->set.fema[i];
	for (i = 0; i < r->sites.n; i++) {
		struct pt_ranking_row *row;
		if (scores[i].risk <= 0) {
			r->not_assessed++;
			continue;
		}
		row = &r->rows[r->n_rows++];
		row->site = i;
		row->score = scores[i].risk;
		row->band = scores[i].band;
		row->worst_threat = scores[i].worst_threat;
		row->fema = worst_row[i];
	}
out:
	free(worst_row);
	free(scores);
	free(site_of);
	free(threat_of);
	return err;
}

static enum pt_err compute_carver(struct pt_ranking *r, struct pt_diag *d)
{
	size_t i;
	unsigned char *seen = calloc(r->sites.n ? r->sites.n : 1, 1);
	if (!seen)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; i < r->set.n; i++) {
		const struct pt_carver_row *c = &r->set.carver[i];
		long s = site_index(&r->sites, c->site_id);
		struct pt_ranking_row *row;
		if (s < 0)
			continue;
		seen[s] = 1;
		row = &r->rows[r->n_rows++];
		row->site = (size_t)s;
		row->score = pt_carver_sum(c);
		row->band = pt_carver_band(&r->cfg, pt_carver_sum(c));
		row->worst_threat = -1;
		row->carver = c;
	}
	for (i = 0; i < r->sites.n; i++)
		if (!seen[i])
			r->not_assessed++;
	free(seen);
	return PT_OK;
}

static enum pt_err compute_quant(struct pt_ranking *r, const struct pt_ranking_opts *o,
				 struct pt_diag *d)
{
	struct pt_quant_pair *pairs;
	enum pt_err err;
	size_t i, k = 0;

	pairs = malloc((r->set.n ? r->set.n : 1) * sizeof *pairs);
	if (!pairs)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; i < r->set.n; i++) {
		const struct pt_quant_row *q = &r->set.quant[i];
		long s = site_index(&r->sites, q->site_id);
		long t = pt_catalog_find(&r->cat.threats, q->threat_id);
		if (s < 0)
			continue;
		if (t < 0) {
			err = unknown_threat(d, q->site_id, q->threat_id);
			goto out;
		}
		pairs[k].site = (uint32_t)s;
		pairs[k].threat = (uint32_t)t;
		memcpy(pairs[k].var, q->var, sizeof pairs[k].var);
		k++;
	}
	memset(&r->params, 0, sizeof r->params);
	r->params.value_statistical_life_eur = r->cfg.value_statistical_life_eur;
	r->params.value_injury_eur = r->cfg.value_injury_eur;
	r->params.pert_lambda = r->cfg.pert_lambda;
	r->params.national_share = o->national_share_set ? o->national_share : r->cfg.national_share;
	r->params.threat_factor = r->factors;
	r->params.conditional = o->conditional;
	r->params.samples = o->samples_set ? o->samples : (uint32_t)r->cfg.samples;
	r->params.seed = o->seed_set ? o->seed : (uint64_t)r->cfg.seed;
	r->params.threads = o->threads ? o->threads : 1;
	r->params.top_k = o->top_k_set ? o->top_k : (uint32_t)r->cfg.top_k;
	r->params.progress = o->progress;
	r->params.progress_ctx = o->progress_ctx;
	err = pt_quant_run(r->sites.n, r->cat.threats.n, pairs, k, &r->params, &r->quant, d);
	if (err != PT_OK)
		goto out;
	for (i = 0; i < r->sites.n; i++) {
		const struct pt_quant_site_result *q = &r->quant->sites[i];
		struct pt_ranking_row *row;
		if (!q->n_pairs) {
			r->not_assessed++;
			continue;
		}
		row = &r->rows[r->n_rows++];
		row->site = i;
		row->score = q->score_eur;
		row->band = pt_quant_band(&r->cfg, q->score_eur);
		row->worst_threat = q->worst_threat;
		row->quant = q;
	}
out:
	free(pairs);
	return err;
}

enum pt_err pt_ranking_run(struct pt_db *db, const struct pt_ranking_opts *o,
			   struct pt_ranking **out, struct pt_diag *d)
{
	struct pt_ranking *r;
	struct pt_access_index *ix = NULL;
	struct pt_access_filter filter;
	pt_site_filter_fn visible = o->visible;
	void *visible_ctx = o->visible_ctx;
	enum pt_err err;
	*out = NULL;
	r = calloc(1, sizeof *r);
	if (!r)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	r->method = o->method;
	if ((err = pt_db_begin_read(db, d)) != PT_OK) {
		free(r);
		return err;
	}
	if (o->who) {
		if ((err = pt_access_index_load(db, &ix, d)) != PT_OK)
			goto fail;
		filter.ix = ix;
		filter.who = *o->who;
		visible = pt_access_site_visible;
		visible_ctx = &filter;
	}
	if ((err = pt_db_config_load(db, &r->cfg, d)) != PT_OK ||
	    (err = load_sites(db, visible, visible_ctx, &r->sites, &r->withheld, d)) != PT_OK ||
	    (err = pt_db_assessments_load(db, o->method, &r->set, d)) != PT_OK ||
	    (err = pt_db_catalogs_load(db, &r->cat, d)) != PT_OK ||
	    (err = pt_ranking_threat_factors(db, &r->cfg, &r->cat.threats, &r->factors, &r->national,
					     r->level_text, sizeof r->level_text, d)) != PT_OK)
		goto fail;
	r->rows = calloc(r->sites.n ? r->sites.n : 1, sizeof *r->rows);
	if (!r->rows) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto fail;
	}
	if (o->method == PT_METHOD_FEMA)
		err = compute_fema(r, d);
	else if (o->method == PT_METHOD_CARVER)
		err = compute_carver(r, d);
	else
		err = compute_quant(r, o, d);
	if (err != PT_OK || (err = rank_order(r, d)) != PT_OK)
		goto fail;
	pt_access_index_free(ix);
	if ((err = pt_db_end(db, PT_OK, d)) != PT_OK) {
		pt_ranking_free(r);
		return err;
	}
	*out = r;
	return PT_OK;
fail:
	pt_access_index_free(ix);
	pt_db_end(db, err, NULL);
	pt_ranking_free(r);
	return err;
}

void pt_ranking_free(struct pt_ranking *r)
{
	if (!r)
		return;
	catalogs_free(&r->cat);
	pt_site_list_free(&r->sites);
	pt_assessment_set_free(&r->set);
	free(r->factors);
	free(r->rows);
	pt_quant_result_free(r->quant);
	free(r);
}

const char *pt_ranking_threat_id(const struct pt_ranking *r, long t)
{
	return t >= 0 && (size_t)t < r->cat.threats.n ? r->cat.threats.items[t].id : "";
}

/* Quant matrix: exact pair figures only; each kept pair is its own "site". */
static enum pt_err quant_matrix(struct pt_db *db, const struct pt_site_list *sites,
				const struct pt_catalogs *cat, const double *factors,
				struct pt_risk_matrix *out, struct pt_diag *d)
{
	struct pt_assessment_set set;
	struct pt_quant_pair *pairs = NULL;
	struct pt_quant_params params;
	struct pt_quant_result *res = NULL;
	enum pt_err err;
	size_t i, k = 0;

	memset(&set, 0, sizeof set);
	if ((err = pt_db_assessments_load(db, PT_METHOD_QUANT, &set, d)) != PT_OK)
		return err;
	pairs = calloc(set.n ? set.n : 1, sizeof *pairs);
	if (!pairs) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < set.n; i++) {
		long t = pt_catalog_find(&cat->threats, set.quant[i].threat_id);
		if (sites && site_index(sites, set.quant[i].site_id) < 0)
			continue;
		pairs[k].site = (uint32_t)k;
		pairs[k].threat = (uint32_t)(t < 0 ? 0 : t);
		memcpy(pairs[k].var, set.quant[i].var, sizeof pairs[k].var);
		k++;
	}
	memset(&params, 0, sizeof params);
	params.value_statistical_life_eur = out->cfg.value_statistical_life_eur;
	params.value_injury_eur = out->cfg.value_injury_eur;
	params.pert_lambda = out->cfg.pert_lambda;
	params.threat_factor = factors;
	params.samples = 0;
	params.threads = 1;
	params.top_k = 1;
	if ((err = pt_quant_run(k, cat->threats.n, pairs, k, &params, &res, d)) != PT_OK)
		goto out;
	for (i = 0; i < k; i++) {
		int l, c;
		pt_matrix_quant_classes(&out->cfg, res->pairs[i].e_attempt * res->pairs[i].e_success,
					res->pairs[i].e_consequence_eur, &l, &c);
		pt_matrix_add(&out->m, l, c);
	}
out:
	pt_quant_result_free(res);
	free(pairs);
	pt_assessment_set_free(&set);
	return err;
}

enum pt_err pt_ranking_matrix(struct pt_db *db, enum pt_method method,
			      const struct pt_principal *who, pt_site_filter_fn visible,
			      void *visible_ctx, struct pt_risk_matrix *out, struct pt_diag *d)
{
	struct pt_catalogs cat;
	struct pt_site_list sites;
	struct pt_access_index *ix = NULL;
	struct pt_access_filter filter;
	double *factors = NULL;
	enum pt_err err;
	memset(out, 0, sizeof *out);
	memset(&cat, 0, sizeof cat);
	memset(&sites, 0, sizeof sites);
	out->method = method;
	if (method == PT_METHOD_CARVER)
		return pt_diag_set(d, PT_EINVAL, 0, "method",
				   "CARVER + Shock measures attractiveness, not risk, and never goes "
				   "on the risk matrix");
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if (who) {
		if ((err = pt_access_index_load(db, &ix, d)) != PT_OK)
			goto out;
		filter.ix = ix;
		filter.who = *who;
		visible = pt_access_site_visible;
		visible_ctx = &filter;
	}
	if ((err = pt_db_config_load(db, &out->cfg, d)) != PT_OK ||
	    (err = pt_db_catalogs_load(db, &cat, d)) != PT_OK ||
	    (err = pt_ranking_threat_factors(db, &out->cfg, &cat.threats, &factors, &out->national,
					     out->level_text, sizeof out->level_text, d)) != PT_OK)
		goto out;
	if (visible &&
	    (err = load_sites(db, visible, visible_ctx, &sites, &out->withheld, d)) != PT_OK)
		goto out;
	if (method == PT_METHOD_FEMA) {
		struct pt_assessment_set set;
		size_t k;
		memset(&set, 0, sizeof set);
		if ((err = pt_db_assessments_load(db, PT_METHOD_FEMA, &set, d)) != PT_OK)
			goto out;
		for (k = 0; k < set.n; k++) {
			int l, c;
			if (visible && site_index(&sites, set.fema[k].site_id) < 0)
				continue;
			pt_matrix_fema_classes(&out->cfg, &set.fema[k], &l, &c);
			pt_matrix_add(&out->m, l, c);
		}
		pt_assessment_set_free(&set);
	} else {
		err = quant_matrix(db, visible ? &sites : NULL, &cat, factors, out, d);
	}
out:
	err = pt_db_end(db, err, err == PT_OK ? d : NULL);
	pt_access_index_free(ix);
	free(factors);
	catalogs_free(&cat);
	pt_site_list_free(&sites);
	return err;
}

enum pt_err pt_ranking_load_view(struct pt_db *db, struct pt_site_list *out,
				 struct pt_access_index **ix, struct pt_diag *d)
{
	enum pt_err err;
	*ix = NULL;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_sites_list(db, PT_TLP_RED, out, NULL, d)) == PT_OK)
		err = pt_access_index_load(db, ix, d);
	err = pt_db_end(db, err, err == PT_OK ? d : NULL);
	if (err != PT_OK) {
		pt_access_index_free(*ix);
		*ix = NULL;
		pt_site_list_free(out);
	}
	return err;
}

/* ---- the change watch ---- */

struct pt_ranking_watch {
	pthread_mutex_t lock;
	sqlite3 *conn;
	sqlite3_stmt *data_version;
	long long last;                 /* PRAGMA data_version last seen */
	unsigned long long version;     /* ours: bumped whenever that changes */
};

enum pt_err pt_ranking_watch_open(const char *path, struct pt_ranking_watch **out,
				  struct pt_diag *d)
{
	struct pt_ranking_watch *w;
	*out = NULL;
	w = calloc(1, sizeof *w);
	if (!w)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	pthread_mutex_init(&w->lock, NULL);
	if (sqlite3_open_v2(path, &w->conn, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v3(w->conn, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
			       &w->data_version, NULL) != SQLITE_OK) {
		pt_diag_set(d, PT_EDB, 0, "", "%s: %s", path,
			    w->conn ? sqlite3_errmsg(w->conn) : "cannot open");
		pt_ranking_watch_close(w);
		return PT_EDB;
	}
	w->last = -1;
	*out = w;
	return PT_OK;
}

enum pt_err pt_ranking_watch_version(struct pt_ranking_watch *w, unsigned long long *version)
{
	enum pt_err err = PT_OK;
	pthread_mutex_lock(&w->lock);
	if (sqlite3_step(w->data_version) == SQLITE_ROW) {
		long long v = sqlite3_column_int64(w->data_version, 0);
		if (v != w->last) {
			w->last = v;
			w->version++;
		}
	} else {
		err = PT_EDB;
		w->version++; /* unknown: treat as changed */
	}
	sqlite3_reset(w->data_version);
	*version = w->version;
	pthread_mutex_unlock(&w->lock);
	return err;
}

void pt_ranking_watch_close(struct pt_ranking_watch *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->data_version);
	sqlite3_close(w->conn);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
