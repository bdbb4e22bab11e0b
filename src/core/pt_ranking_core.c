/* pt_ranking_core.c - rows of a ranking from assessments over the covered
 * sites (FEMA, CARVER + Shock, quantitative), their order, and matrix counts. Pure. */
#include "pt_ranking_core.h"

#include <stdlib.h>
#include <string.h>

#include "pt_rng.h"

long pt_sites_find(const struct pt_site *sites, size_t n, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(sites[mid].id, id);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static enum pt_err out_of_memory(struct pt_diag *d)
{
	return pt_diag_put(d, PT_ENOMEM, 0, "", "out of memory");
}

static enum pt_err unknown_threat(struct pt_diag *d, const char *site, const char *threat)
{
	char msg[128 + 2 * PT_ID_MAX];
	pt_strlcpy(msg, "assessment of unknown site or threat ", sizeof msg);
	pt_strlcat(msg, site, sizeof msg);
	pt_strlcat(msg, "/", sizeof msg);
	pt_strlcat(msg, threat, sizeof msg);
	return pt_diag_put(d, PT_EINTERNAL, 0, "", msg);
}

/* Does threat a come before threat b in catalogue order (the order it was
 * imported in, then the index)? */
static int before(const struct pt_catalog *threats, uint32_t a, uint32_t b)
{
	long long pa = threats->items[a].position, pb = threats->items[b].position;
	return pa != pb ? pa < pb : a < b;
}

enum pt_err pt_ranking_fema(const struct pt_config *cfg, const struct pt_site *sites,
			    size_t n_sites, const struct pt_catalog *threats,
			    struct pt_fema_row *rows, size_t *n_rows, struct pt_ranking_row *out,
			    size_t *n_out, size_t *not_assessed, const struct pt_fema_row ***worst,
			    struct pt_diag *d)
{
	struct pt_fema_site_score *scores;
	const struct pt_fema_row **tied = NULL;
	uint32_t *site_of, *threat_of;
	size_t *tied_at = NULL, *tied_n = NULL;
	size_t i, n = *n_rows, k = 0, n_tied = 0;
	enum pt_err err = PT_OK;
	*worst = NULL;
	scores = calloc(n_sites ? n_sites : 1, sizeof *scores);
	site_of = calloc(n ? n : 1, sizeof *site_of);
	threat_of = calloc(n ? n : 1, sizeof *threat_of);
	if (!scores || !site_of || !threat_of) {
		err = out_of_memory(d);
		goto out;
	}
	/* Rows of sites not covered are dropped; the kept rows are compacted in order. */
	for (i = 0; i < n; i++) {
		long s = pt_sites_find(sites, n_sites, rows[i].site_id);
		long t = pt_catalog_find(threats, rows[i].threat_id);
		if (s < 0)
			continue;
		if (t < 0) {
			err = unknown_threat(d, rows[i].site_id, rows[i].threat_id);
			goto out;
		}
		rows[k] = rows[i];
		site_of[k] = (uint32_t)s;
		threat_of[k] = (uint32_t)t;
		k++;
	}
	*n_rows = k;
	n = k;
	pt_fema_score_sites(cfg, rows, site_of, threat_of, n, n_sites, scores);
	/* Every row tied at its site's worst risk (the worst pair's row, for its A x T x V, and
	 * those of the same risk), grouped per site, each group in catalogue order. */
	tied_at = calloc(n_sites + 1, sizeof *tied_at);
	tied_n = calloc(n_sites ? n_sites : 1, sizeof *tied_n);
	if (!tied_at || !tied_n) {
		err = out_of_memory(d);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (scores[site_of[i]].risk > 0 && pt_fema_risk(&rows[i]) == scores[site_of[i]].risk)
			tied_n[site_of[i]]++;
	for (i = 0; i < n_sites; i++) {
		tied_at[i + 1] = tied_at[i] + tied_n[i];
		tied_n[i] = 0;
	}
	n_tied = tied_at[n_sites];
	if (!(tied = calloc(n_tied ? n_tied : 1, sizeof *tied))) {
		err = out_of_memory(d);
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t s = site_of[i], j;
		const struct pt_fema_row **g = tied + tied_at[s];
		if (scores[s].risk <= 0 || pt_fema_risk(&rows[i]) != scores[s].risk)
			continue;
		/* insertion in catalogue order: a site's ties are a handful of threats */
		for (j = tied_n[s]; j > 0 && before(threats, threat_of[i], threat_of[g[j - 1] - rows]); j--)
			g[j] = g[j - 1];
		g[j] = &rows[i];
		tied_n[s]++;
	}
	for (i = 0; i < n_sites; i++) {
		struct pt_ranking_row *row;
		if (scores[i].risk <= 0) {
			(*not_assessed)++;
			continue;
		}
		row = &out[(*n_out)++];
		row->site = i;
		row->score = scores[i].risk;
		row->band = scores[i].band;
		row->fema_worst = tied + tied_at[i];
		row->n_fema_worst = tied_n[i]; /* at least 1: the risk is some row's */
		/* the worst pair named alone is the first tied one in catalogue order */
		row->fema = row->fema_worst[0];
		row->worst_threat = (long)threat_of[row->fema - rows];
	}
	*worst = tied;
	tied = NULL;
out:
	free(tied);
	free(tied_at);
	free(tied_n);
	free(scores);
	free(site_of);
	free(threat_of);
	return err;
}

enum pt_err pt_ranking_carver(const struct pt_config *cfg, const struct pt_site *sites,
			      size_t n_sites, const struct pt_carver_row *rows, size_t n_rows,
			      struct pt_ranking_row *out, size_t *n_out, size_t *not_assessed,
			      struct pt_diag *d)
{
	size_t i;
	unsigned char *seen = calloc(n_sites ? n_sites : 1, 1);
	if (!seen)
		return out_of_memory(d);
	for (i = 0; i < n_rows; i++) {
		const struct pt_carver_row *c = &rows[i];
		long s = pt_sites_find(sites, n_sites, c->site_id);
		struct pt_ranking_row *row;
		if (s < 0)
			continue;
		seen[s] = 1;
		row = &out[(*n_out)++];
		row->site = (size_t)s;
		row->score = pt_carver_sum(c);
		row->band = pt_carver_band(cfg, pt_carver_sum(c));
		row->worst_threat = -1;
		row->carver = c;
	}
	for (i = 0; i < n_sites; i++)
		if (!seen[i])
			(*not_assessed)++;
	free(seen);
	return PT_OK;
}

enum pt_err pt_ranking_quant(const struct pt_config *cfg, const struct pt_site *sites,
			     size_t n_sites, const struct pt_catalog *threats,
			     const struct pt_quant_row *rows, size_t n_rows,
			     const struct pt_quant_params *params, struct pt_quant_result **quant,
			     struct pt_ranking_row *out, size_t *n_out, size_t *not_assessed,
			     struct pt_diag *d)
{
	struct pt_quant_params p = *params;
	struct pt_quant_pair *pairs;
	uint64_t *site_key, *threat_key;
	double *pair_factor = NULL;
	enum pt_err err = PT_OK;
	size_t i, k = 0;
	long last_site = -1;

	*quant = NULL;
	pairs = malloc((n_rows ? n_rows : 1) * sizeof *pairs);
	site_key = malloc((n_sites ? n_sites : 1) * sizeof *site_key);
	threat_key = malloc((threats->n ? threats->n : 1) * sizeof *threat_key);
	if (params->pair_factor)
		pair_factor = malloc((n_rows ? n_rows : 1) * sizeof *pair_factor);
	if (!pairs || !site_key || !threat_key || (params->pair_factor && !pair_factor)) {
		err = out_of_memory(d);
		goto out;
	}
	for (i = 0; i < n_rows; i++) {
		const struct pt_quant_row *q = &rows[i];
		long s, t;
		/* Rows come grouped by site: the previous row's site first, then the search. */
		if (i > 0 && strcmp(q->site_id, rows[i - 1].site_id) == 0)
			s = last_site;
		else
			s = last_site = pt_sites_find(sites, n_sites, q->site_id);
		if (s < 0)
			continue;
		t = pt_catalog_find(threats, q->threat_id);
		if (t < 0) {
			err = unknown_threat(d, q->site_id, q->threat_id);
			goto out;
		}
		pairs[k].site = (uint32_t)s;
		pairs[k].threat = (uint32_t)t;
		memcpy(pairs[k].var, q->var, sizeof pairs[k].var);
		if (pair_factor)
			pair_factor[k] = params->pair_factor[i];
		k++;
	}
	p.pair_factor = pair_factor;
	/* The streams are keyed by the records' ids, not their places in these lists. */
	for (i = 0; i < n_sites; i++)
		site_key[i] = pt_rng_id_key(sites[i].id);
	for (i = 0; i < threats->n; i++)
		threat_key[i] = pt_rng_id_key(threats->items[i].id);
	p.site_key = site_key;
	p.threat_key = threat_key;
	if ((err = pt_quant_run(n_sites, threats->n, pairs, k, &p, quant, d)) != PT_OK)
		goto out;
	for (i = 0; i < n_sites; i++) {
		const struct pt_quant_site_result *q = &(*quant)->sites[i];
		struct pt_ranking_row *row;
		if (!q->n_pairs) {
			(*not_assessed)++;
			continue;
		}
		row = &out[(*n_out)++];
		row->site = i;
		row->score = q->score_eur;
		row->band = pt_quant_band(cfg, q->score_eur);
		row->worst_threat = q->worst_threat;
		row->quant = q;
	}
out:
	free(pairs);
	free(pair_factor);
	free(site_key);
	free(threat_key);
	return err;
}

enum pt_err pt_ranking_order(struct pt_ranking_row *rows, size_t n, const struct pt_site *sites,
			     struct pt_diag *d)
{
	size_t m = n ? n : 1, i;
	double *score = calloc(m, sizeof *score);
	const char **key = calloc(m, sizeof *key);
	size_t *order = malloc(m * sizeof *order);
	struct pt_ranking_row *sorted = malloc(m * sizeof *sorted);
	enum pt_err err = PT_ENOMEM;
	if (!score || !key || !order || !sorted)
		goto out;
	for (i = 0; i < n; i++) {
		score[i] = rows[i].score;
		key[i] = sites[rows[i].site].id;
	}
	if ((err = pt_rank_order(score, key, n, order)) != PT_OK)
		goto out;
	for (i = 0; i < n; i++)
		sorted[i] = rows[order[i]];
	memcpy(rows, sorted, n * sizeof *sorted);
out:
	if (err != PT_OK)
		pt_diag_put(d, err, 0, "", pt_strerror(err));
	free(score);
	free(key);
	free(order);
	free(sorted);
	return err;
}

void pt_ranking_threat_factors_compute(const struct pt_config *cfg,
				       const struct pt_catalog *threats,
				       enum pt_threat_level national, const char *const *threat_ids,
				       const enum pt_threat_level *levels, size_t n, double *factors,
				       char *text, size_t text_size)
{
	size_t i;
	for (i = 0; i < threats->n; i++)
		factors[i] = cfg->level_factor[national];
	pt_strlcpy(text, pt_threat_level_name(national), text_size);
	for (i = 0; i < n; i++) {
		long t = pt_catalog_find(threats, threat_ids[i]);
		if (t < 0)
			continue;
		factors[t] = cfg->level_factor[levels[i]];
		pt_strlcat(text, i ? ", " : " (", text_size);
		pt_strlcat(text, threat_ids[i], text_size);
		pt_strlcat(text, "=", text_size);
		pt_strlcat(text, pt_threat_level_name(levels[i]), text_size);
	}
	if (n)
		pt_strlcat(text, ")", text_size);
}

void pt_risk_matrix_fema(const struct pt_config *cfg, const struct pt_fema_row *rows, size_t n,
			 const unsigned char *keep, struct pt_matrix *m)
{
	size_t k;
	for (k = 0; k < n; k++) {
		int l, c;
		if (keep && !keep[k])
			continue;
		pt_matrix_fema_classes(cfg, &rows[k], &l, &c);
		pt_matrix_add(m, l, c);
	}
}

/* Each kept pair is its own "site": the exact figures of every pair. */
enum pt_err pt_risk_matrix_quant(const struct pt_config *cfg, const struct pt_catalog *threats,
				 const double *factors, const struct pt_quant_row *rows, size_t n,
				 const unsigned char *keep, struct pt_matrix *m, struct pt_diag *d)
{
	return pt_risk_matrix_quant_pairs(cfg, threats, factors, NULL, rows, n, keep, m, d);
}

enum pt_err pt_risk_matrix_quant_pairs(const struct pt_config *cfg,
				       const struct pt_catalog *threats, const double *factors,
				       const double *row_factors, const struct pt_quant_row *rows,
				       size_t n, const unsigned char *keep, struct pt_matrix *m,
				       struct pt_diag *d)
{
	return pt_risk_matrix_quant_cells(cfg, threats, factors, row_factors, rows, n, keep, m,
					  NULL, d);
}

enum pt_err pt_risk_matrix_quant_cells(const struct pt_config *cfg,
				       const struct pt_catalog *threats, const double *factors,
				       const double *row_factors, const struct pt_quant_row *rows,
				       size_t n, const unsigned char *keep, struct pt_matrix *m,
				       unsigned char *cells, struct pt_diag *d)
{
	struct pt_quant_pair *pairs;
	double *pair_factor = NULL;
	struct pt_quant_params params;
	struct pt_quant_result *res = NULL;
	enum pt_err err;
	size_t i, k = 0;

	pairs = calloc(n ? n : 1, sizeof *pairs);
	if (row_factors)
		pair_factor = calloc(n ? n : 1, sizeof *pair_factor);
	if (!pairs || (row_factors && !pair_factor)) {
		free(pairs);
		return out_of_memory(d);
	}
	for (i = 0; i < n; i++) {
		long t = pt_catalog_find(threats, rows[i].threat_id);
		if (keep && !keep[i])
			continue;
		pairs[k].site = (uint32_t)k;
		pairs[k].threat = (uint32_t)(t < 0 ? 0 : t);
		memcpy(pairs[k].var, rows[i].var, sizeof pairs[k].var);
		if (pair_factor)
			pair_factor[k] = row_factors[i];
		k++;
	}
	memset(&params, 0, sizeof params);
	params.value_statistical_life_eur = cfg->value_statistical_life_eur;
	params.value_injury_eur = cfg->value_injury_eur;
	params.pert_lambda = cfg->pert_lambda;
	params.threat_factor = factors;
	params.pair_factor = pair_factor;
	params.samples = 0;
	params.threads = 1;
	params.top_k = 1;
	if ((err = pt_quant_run(k, threats->n, pairs, k, &params, &res, d)) != PT_OK)
		goto out;
	if (cells)
		memset(cells, 0, 2 * n);
	for (i = 0, k = 0; i < n; i++) {
		int l, c;
		if (keep && !keep[i])
			continue;
		pt_matrix_quant_classes(cfg, res->pairs[k].e_attempt * res->pairs[k].e_success,
					res->pairs[k].e_consequence_eur, &l, &c);
		pt_matrix_add(m, l, c);
		if (cells) {
			cells[2 * i] = (unsigned char)l;
			cells[2 * i + 1] = (unsigned char)c;
		}
		k++;
	}
out:
	pt_quant_result_free(res);
	free(pair_factor);
	free(pairs);
	return err;
}
