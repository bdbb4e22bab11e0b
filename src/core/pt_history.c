/* pt_history.c - a site's risk recomputed from a snapshot's inputs at any threat level, and
 * the fixed-order attribution of the change between two snapshots. Pure. */
#include "pt_history.h"

#include <stdlib.h>
#include <string.h>

#include "pt_quant.h"

static enum pt_err no_memory(struct pt_diag *d)
{
	return pt_diag_put(d, PT_ENOMEM, 0, "", "out of memory");
}

void pt_hist_inputs_clear(struct pt_hist_inputs *in)
{
	if (!in)
		return;
	free(in->levels);
	free(in->sites);
	free(in->ids);
	free(in->quant);
	free(in->fema);
	free(in->measures);
	free(in->effects);
	free(in->decisions);
	memset(in, 0, sizeof *in);
}

static int site_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pt_hist_site *)a)->site.id,
		      ((const struct pt_hist_site *)b)->site.id);
}

static int quant_cmp(const void *a, const void *b)
{
	const struct pt_quant_row *x = a, *y = b;
	int c = strcmp(x->site_id, y->site_id);
	return c ? c : strcmp(x->threat_id, y->threat_id);
}

static int fema_cmp(const void *a, const void *b)
{
	const struct pt_fema_row *x = a, *y = b;
	int c = strcmp(x->site_id, y->site_id);
	return c ? c : strcmp(x->threat_id, y->threat_id);
}

static int measure_cmp(const void *a, const void *b)
{
	const struct pt_hist_measure *x = a, *y = b;
	int c = strcmp(x->site_id, y->site_id);
	return c ? c : strcmp(x->measure_id, y->measure_id);
}

static int decision_cmp(const void *a, const void *b)
{
	const struct pt_hist_decision *x = a, *y = b;
	int c = strcmp(x->site_id, y->site_id);
	return c ? c : strcmp(x->threat_id, y->threat_id);
}

void pt_hist_inputs_sort(struct pt_hist_inputs *in)
{
	if (in->n_sites)
		qsort(in->sites, in->n_sites, sizeof *in->sites, site_cmp);
	if (in->n_quant)
		qsort(in->quant, in->n_quant, sizeof *in->quant, quant_cmp);
	if (in->n_fema)
		qsort(in->fema, in->n_fema, sizeof *in->fema, fema_cmp);
	if (in->n_measures)
		qsort(in->measures, in->n_measures, sizeof *in->measures, measure_cmp);
	if (in->n_decisions)
		qsort(in->decisions, in->n_decisions, sizeof *in->decisions, decision_cmp);
}

long pt_hist_site_find(const struct pt_hist_inputs *in, const char *id)
{
	size_t lo = 0, hi = in->n_sites;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(in->sites[mid].site.id, id);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The first index of rows (n of them, size bytes each, site id first) whose site id is not
 * below id: rows are sorted by site id. */
static size_t lower_bound(const void *rows, size_t n, size_t size, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp((const char *)rows + mid * size, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t pt_hist_site_measures(const struct pt_hist_inputs *in, const char *id, size_t *at)
{
	size_t i = lower_bound(in->measures, in->n_measures, sizeof *in->measures, id), k = i;
	while (k < in->n_measures && strcmp(in->measures[k].site_id, id) == 0)
		k++;
	*at = i;
	return k - i;
}

static const char *const cause_names[PT_HIST_CAUSE_COUNT] = {
	"threat_level", "reassessments", "installed_measures", "new_sites", "removed_sites"};

const char *pt_hist_cause_name(enum pt_hist_cause c)
{
	return (unsigned)c < PT_HIST_CAUSE_COUNT ? cause_names[c] : "";
}

enum pt_band pt_hist_band(enum pt_method method, const struct pt_config *cfg, double risk)
{
	if (method == PT_METHOD_FEMA)
		return pt_fema_band(cfg, (int)risk);
	return risk > 0 ? pt_quant_band(cfg, risk) : PT_BAND_NONE;
}

/* The worst FEMA pair of site_id in ratings. */
static double fema_site(const struct pt_hist_inputs *r, const char *site_id)
{
	size_t i = lower_bound(r->fema, r->n_fema, sizeof *r->fema, site_id);
	int worst = 0;
	for (; i < r->n_fema && strcmp(r->fema[i].site_id, site_id) == 0; i++) {
		int risk = pt_fema_risk(&r->fema[i]);
		if (risk > worst)
			worst = risk;
	}
	return worst;
}

/* The effects on threat_id of the measures of site_id in m into v[], c[] (room for the
 * site's measures); their count. */
static size_t pair_effects(const struct pt_hist_inputs *m, const char *site_id,
			   const char *threat_id, double *v, double *c)
{
	size_t at, n = pt_hist_site_measures(m, site_id, &at), i, k = 0, e;
	for (i = at; i < at + n; i++)
		for (e = 0; e < m->n_effects; e++)
			if (strcmp(m->effects[e].measure_id, m->measures[i].measure_id) == 0 &&
			    strcmp(m->effects[e].threat_id, threat_id) == 0) {
				v[k] = m->effects[e].v;
				c[k] = m->effects[e].c;
				k++;
				break;
			}
	return k;
}

/* The quant risk of site_id (see pt_hist_site_risk). */
static enum pt_err quant_site(const struct pt_config *cfg, const struct pt_level_entry *lv,
			      size_t n_lv, const struct pt_site *where,
			      const struct pt_hist_inputs *r, const struct pt_hist_inputs *m,
			      const char *site_id, double *risk, struct pt_diag *d)
{
	size_t first = lower_bound(r->quant, r->n_quant, sizeof *r->quant, site_id), n = 0, i;
	size_t at, n_m = pt_hist_site_measures(m, site_id, &at);
	struct pt_quant_pair *pairs = NULL;
	struct pt_quant_result *res = NULL;
	struct pt_quant_params p;
	double *factor = NULL, *v = NULL, *c = NULL, downstream = 0;
	uint32_t *idx = NULL;
	long s = pt_hist_site_find(r, site_id);
	enum pt_err err = PT_OK;

	*risk = 0;
	while (first + n < r->n_quant && strcmp(r->quant[first + n].site_id, site_id) == 0)
		n++;
	if (!n)
		return PT_OK;
	if (s >= 0)
		downstream = r->sites[s].downstream_eur;
	pairs = calloc(n, sizeof *pairs);
	factor = calloc(n, sizeof *factor);
	v = calloc(n_m ? n_m : 1, sizeof *v);
	c = calloc(n_m ? n_m : 1, sizeof *c);
	idx = calloc(n_m ? n_m : 1, sizeof *idx);
	if (!pairs || !factor || !v || !c || !idx) {
		err = no_memory(d);
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct pt_quant_row *q = &r->quant[first + i];
		enum pt_threat_level l = pt_level_effective(lv, n_lv, where ? where->sector : NULL,
							    where ? where->region : NULL,
							    q->threat_id, NULL);
		pairs[i].site = 0;
		pairs[i].threat = (uint32_t)i; /* rows of one site name each threat once */
		memcpy(pairs[i].var, q->var, sizeof pairs[i].var);
		pairs[i].var[PT_QV_LOSS_EUR].min += downstream;
		pairs[i].var[PT_QV_LOSS_EUR].mode += downstream;
		pairs[i].var[PT_QV_LOSS_EUR].max += downstream;
		factor[i] = cfg->level_factor[l];
	}
	memset(&p, 0, sizeof p);
	p.value_statistical_life_eur = cfg->value_statistical_life_eur;
	p.value_injury_eur = cfg->value_injury_eur;
	p.pert_lambda = cfg->pert_lambda;
	p.pair_factor = factor;
	p.samples = 0;
	p.threads = 1;
	p.top_k = 1;
	if ((err = pt_quant_run(1, n, pairs, n, &p, &res, d)) != PT_OK)
		goto out;
	for (i = 0; i < n_m; i++)
		idx[i] = (uint32_t)i;
	for (i = 0; i < n; i++) {
		const struct pt_quant_pair_result *q = &res->pairs[i];
		size_t k = pair_effects(m, site_id, r->quant[first + i].threat_id, v, c);
		double pair_risk;
		enum pt_band band;
		pt_register_residual(cfg, q->e_attempt, q->e_success, q->e_consequence_eur, idx, k,
				     k, v, c, 1, 0, &pair_risk, &band);
		*risk += pair_risk;
	}
out:
	pt_quant_result_free(res);
	free(pairs);
	free(factor);
	free(v);
	free(c);
	free(idx);
	return err;
}

enum pt_err pt_hist_site_risk(enum pt_method method, const struct pt_config *cfg,
			      const struct pt_level_entry *lv, size_t n_lv,
			      const struct pt_site *where, const struct pt_hist_inputs *ratings,
			      const struct pt_hist_inputs *measures, const char *site_id,
			      double *risk, struct pt_diag *d)
{
	*risk = 0;
	if (method == PT_METHOD_FEMA) {
		*risk = fema_site(ratings, site_id);
		return PT_OK;
	}
	if (method != PT_METHOD_QUANT)
		return pt_diag_put(d, PT_EINVAL, 0, "method",
				   "a comparison is of risk: fema or quant (CARVER measures "
				   "attractiveness)");
	return quant_site(cfg, lv, n_lv, where, ratings, measures, site_id, risk, d);
}

/* The levels and settings of a comparison's common basis. */
struct basis {
	const struct pt_config *cfg;
	const struct pt_level_entry *lv;
	size_t n_lv;
};

static enum pt_err compare_site(const struct pt_hist_inputs *from, const struct pt_hist_inputs *to,
				const struct pt_hist_compare_opts *o, const struct basis *then,
				const struct basis *common, struct pt_hist_row *row,
				struct pt_diag *d)
{
	const char *id = row->site.id;
	const struct pt_site *was = row->from_site >= 0 ? &from->sites[row->from_site].site : NULL;
	const struct pt_site *is = row->to_site >= 0 ? &to->sites[row->to_site].site : NULL;
	double step[4] = {0, 0, 0, 0};
	size_t at;
	enum pt_err err;

	if (was)
		row->measures_from = pt_hist_site_measures(from, id, &at);
	if (is)
		row->measures_to = pt_hist_site_measures(to, id, &at);
	if (!is) { /* removed: its risk then, at the basis */
		if ((err = pt_hist_site_risk(o->method, then->cfg, then->lv, then->n_lv, was, from,
					     from, id, &row->risk_from, d)) != PT_OK)
			return err;
		row->delta[PT_HIST_CAUSE_REMOVED] = -row->risk_from;
		row->band_from = pt_hist_band(o->method, then->cfg, row->risk_from);
		return PT_OK;
	}
	if (!was) { /* new: its risk now */
		if ((err = pt_hist_site_risk(o->method, common->cfg, common->lv, common->n_lv, is, to,
					     to, id, &row->risk_to, d)) != PT_OK)
			return err;
		row->delta[PT_HIST_CAUSE_NEW] = row->risk_to;
		row->band_to = pt_hist_band(o->method, common->cfg, row->risk_to);
		return PT_OK;
	}
	/* Both: replace one group of inputs at a time, in a fixed order. */
	if ((err = pt_hist_site_risk(o->method, then->cfg, then->lv, then->n_lv,
				     o->basis == PT_HIST_BASIS_OWN ? was : is, from, from, id,
				     &step[0], d)) != PT_OK ||
	    (err = pt_hist_site_risk(o->method, common->cfg, common->lv, common->n_lv, is, from,
				     from, id, &step[1], d)) != PT_OK ||
	    (err = pt_hist_site_risk(o->method, common->cfg, common->lv, common->n_lv, is, to,
				     from, id, &step[2], d)) != PT_OK ||
	    (err = pt_hist_site_risk(o->method, common->cfg, common->lv, common->n_lv, is, to, to,
				     id, &step[3], d)) != PT_OK)
		return err;
	row->risk_from = step[0];
	row->risk_to = step[3];
	row->delta[PT_HIST_CAUSE_LEVEL] = step[1] - step[0];
	row->delta[PT_HIST_CAUSE_REASSESS] = step[2] - step[1];
	row->delta[PT_HIST_CAUSE_MEASURES] = step[3] - step[2];
	row->band_from = pt_hist_band(o->method, then->cfg, row->risk_from);
	row->band_to = pt_hist_band(o->method, common->cfg, row->risk_to);
	return PT_OK;
}

enum pt_err pt_hist_compare(const struct pt_hist_inputs *from, const struct pt_hist_inputs *to,
			    const struct pt_hist_compare_opts *o, struct pt_hist_row **rows,
			    size_t *n, struct pt_diag *d)
{
	struct pt_hist_row *out;
	struct pt_level_entry national;
	struct basis then, common;
	size_t i = 0, j = 0, k = 0;
	enum pt_err err = PT_OK;

	*rows = NULL;
	*n = 0;
	if (o->method != PT_METHOD_FEMA && o->method != PT_METHOD_QUANT)
		return pt_diag_put(d, PT_EINVAL, 0, "method", "a comparison is by fema or quant");
	memset(&national, 0, sizeof national);
	national.change.scope = PT_LEVEL_SCOPE_NATIONAL;
	national.change.level = o->level;
	common.cfg = &to->cfg;
	common.lv = to->levels;
	common.n_lv = to->n_levels;
	if (o->basis == PT_HIST_BASIS_LEVEL) {
		if ((unsigned)o->level >= PT_LEVEL_COUNT)
			return pt_diag_put(d, PT_EINVAL, 0, "threat_level", "unknown threat level");
		common.lv = &national;
		common.n_lv = 1;
	}
	then = common;
	if (o->basis == PT_HIST_BASIS_OWN) {
		then.cfg = &from->cfg;
		then.lv = from->levels;
		then.n_lv = from->n_levels;
	}
	if (!(out = calloc(from->n_sites + to->n_sites + 1, sizeof *out)))
		return no_memory(d);
	while (i < from->n_sites || j < to->n_sites) {
		struct pt_hist_row *row = &out[k];
		int c = i == from->n_sites ? 1
			: j == to->n_sites ? -1
					   : strcmp(from->sites[i].site.id, to->sites[j].site.id);
		row->from_site = c <= 0 ? (long)i : -1;
		row->to_site = c >= 0 ? (long)j : -1;
		row->site = c >= 0 ? to->sites[j].site : from->sites[i].site;
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
		if ((err = compare_site(from, to, o, &then, &common, row, d)) != PT_OK) {
			free(out);
			return err;
		}
		k++;
	}
	*rows = out;
	*n = k;
	return PT_OK;
}

static int total_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pt_hist_total *)a)->key, ((const struct pt_hist_total *)b)->key);
}

enum pt_err pt_hist_totals(const struct pt_hist_row *rows, size_t n, const unsigned char *keep,
			   enum pt_hist_by by, struct pt_hist_total **out, size_t *n_out,
			   struct pt_diag *d)
{
	struct pt_hist_total *t = calloc(n + 1, sizeof *t);
	size_t i, k = 0, c;
	*out = NULL;
	*n_out = 0;
	if (!t)
		return no_memory(d);
	if (by == PT_HIST_BY_NATION)
		k = 1;
	for (i = 0; i < n; i++) {
		const char *key = by == PT_HIST_BY_SECTOR   ? rows[i].site.sector
				  : by == PT_HIST_BY_REGION ? rows[i].site.region
							    : "";
		size_t g;
		if (keep && !keep[i])
			continue;
		for (g = 0; g < k && strcmp(t[g].key, key) != 0; g++)
			;
		if (g == k)
			pt_strlcpy(t[k++].key, key, sizeof t->key);
		t[g].sites++;
		t[g].risk_from += rows[i].risk_from;
		t[g].risk_to += rows[i].risk_to;
		for (c = 0; c < PT_HIST_CAUSE_COUNT; c++)
			t[g].delta[c] += rows[i].delta[c];
	}
	if (k > 1)
		qsort(t, k, sizeof *t, total_cmp);
	*out = t;
	*n_out = k;
	return PT_OK;
}
