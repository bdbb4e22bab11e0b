/* pt_app_ranking.c - the ranking and risk-matrix use cases: the caller's
 * visible sites from one snapshot, the rest read in one transaction, src/core computes. */
#include "pt_app_ranking.h"
#include "pt_app_filter.h"
#include "pt_app_resilience.h"

#include <stdlib.h>
#include <string.h>

#include "../core/pt_levels.h"
#include "../core/pt_peers.h"
#include "../core/pt_marking.h"
#include "../core/pt_ranking_core.h"
#include "../store/pt_ranking.h"
#include "../store/pt_store.h"
#include "../store/pt_users.h"

/* Append "sep" and the entry e ("pbied=SEVERE", "sector energy=SEVERE", "pbied=SEVERE below")
 * to text. */
static void level_text_add(char *text, size_t size, const char *sep,
			   const struct pt_level_change *e)
{
	pt_strlcat(text, sep, size);
	if (e->scope != PT_LEVEL_SCOPE_THREAT) {
		pt_strlcat(text, pt_level_scope_name(e->scope), size);
		pt_strlcat(text, " ", size);
	}
	pt_strlcat(text, e->scope_id, size);
	pt_strlcat(text, "=", size);
	pt_strlcat(text, pt_threat_level_name(e->level), size);
	if (e->below)
		pt_strlcat(text, " below", size);
}

/* The threat levels in force at r->levels_at (issue 11): r's national level, its text, the
 * factor of each threat of its catalogue (the national level or the threat's own entry, as
 * pt_level_effective gives it for no sector and no region) and, for the quantitative
 * method, the factor of each of its pairs from the level of the pair's site and threat. */
static enum pt_err read_factors(struct pt_db *db, struct pt_ranking *r, struct pt_diag *d)
{
	struct pt_level_change *hist = NULL;
	struct pt_level_entry *in = NULL;
	const struct pt_catalog *threats = &r->cat.threats;
	size_t n_hist = 0, n_in = 0, i;
	enum pt_err err;
	if ((err = pt_db_threat_level_history(db, &hist, &n_hist, d)) != PT_OK)
		return err;
	in = malloc((n_hist ? n_hist : 1) * sizeof *in);
	r->factors = calloc(threats->n ? threats->n : 1, sizeof *r->factors);
	if (r->method == PT_METHOD_QUANT) {
		r->pair_factors = malloc((r->set.n ? r->set.n : 1) * sizeof *r->pair_factors);
		r->pair_levels = malloc((r->set.n ? r->set.n : 1) * sizeof *r->pair_levels);
	}
	if (!in || !r->factors ||
	    (r->method == PT_METHOD_QUANT && (!r->pair_factors || !r->pair_levels))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	pt_levels_in_force(hist, n_hist, r->levels_at, in, &n_in);
	for (i = 0; i < n_hist; i++)
		if (hist[i].expires_at > r->levels_at)
			r->levels_expire = 1;
	r->national = pt_level_national(in, n_in);
	pt_strlcpy(r->level_text, pt_threat_level_name(r->national), sizeof r->level_text);
	{
		const char *sep = " (";
		/* the entries that change something: above the national level, or held below */
		for (i = 0; i < n_in; i++) {
			if (in[i].change.scope == PT_LEVEL_SCOPE_NATIONAL ||
			    !(in[i].change.below || in[i].change.level > r->national))
				continue;
			if (in[i].change.scope == PT_LEVEL_SCOPE_REGION) { /* review M3 */
				size_t j; /* named only when a covered (readable) site is in it */
				for (j = 0; j < r->sites.n; j++)
					if (strcmp(r->sites.items[j].region,
						   in[i].change.scope_id) == 0)
						break;
				if (j == r->sites.n)
					continue;
			}
			level_text_add(r->level_text, sizeof r->level_text, sep, &in[i].change);
			sep = ", ";
		}
		if (sep[0] == ',')
			pt_strlcat(r->level_text, ")", sizeof r->level_text);
	}
	for (i = 0; i < threats->n; i++)
		r->factors[i] = r->cfg.level_factor[pt_level_effective(
			in, n_in, NULL, NULL, threats->items[i].id, NULL)];
	for (i = 0; r->pair_factors && i < r->set.n; i++) {
		const struct pt_quant_row *q = &r->set.quant[i];
		long s = pt_sites_find(r->sites.items, r->sites.n, q->site_id);
		const struct pt_site *site = s >= 0 ? &r->sites.items[s] : NULL;
		r->pair_levels[i] = pt_level_effective(in, n_in, site ? site->sector : NULL,
						       site ? site->region : NULL, q->threat_id, NULL);
		r->pair_factors[i] = r->cfg.level_factor[r->pair_levels[i]];
	}
out:
	free(hist);
	free(in);
	return err;
}

/* What a ranking needs beside its sites, in the caller's read transaction: settings, the
 * method's assessments, catalogues and threat levels. */
static enum pt_err read_rest(struct pt_db *db, struct pt_ranking *r, struct pt_diag *d)
{
	enum pt_err err;
	if ((err = pt_db_config_load(db, &r->cfg, d)) == PT_OK &&
	    (err = pt_db_assessments_load(db, r->method, &r->set, d)) == PT_OK &&
	    (err = pt_db_catalogs_load(db, &r->cat, d)) == PT_OK)
		err = read_factors(db, r, d);
	return err;
}

/* read_rest in one read transaction of its own, with the data version it read at. */
static enum pt_err read_inputs(struct pt_db *db, struct pt_ranking *r, unsigned long long *version,
			       struct pt_diag *d)
{
	enum pt_err err;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_data_version(db, version, d)) == PT_OK)
		err = read_rest(db, r, d);
	return pt_db_end(db, err, err == PT_OK ? d : NULL);
}

/* The quant parameters of o over r's settings (threat factors r's). */
static void quant_params(const struct pt_ranking *r, const struct pt_ranking_opts *o,
			 struct pt_quant_params *p)
{
	memset(p, 0, sizeof *p);
	p->value_statistical_life_eur = r->cfg.value_statistical_life_eur;
	p->value_injury_eur = r->cfg.value_injury_eur;
	p->pert_lambda = r->cfg.pert_lambda;
	p->national_share = o->national_share_set ? o->national_share : r->cfg.national_share;
	p->threat_factor = r->factors;
	p->pair_factor = r->pair_factors;
	p->conditional = o->conditional;
	p->samples = o->samples_set ? o->samples : (uint32_t)r->cfg.samples;
	p->seed = o->seed_set ? o->seed : (uint64_t)r->cfg.seed;
	p->threads = o->threads ? o->threads : 1;
	p->top_k = o->top_k_set ? o->top_k : (uint32_t)r->cfg.top_k;
	p->progress = o->progress;
	p->progress_ctx = o->progress_ctx;
}

static int site_id_cmp(const void *key, const void *item)
{
	return strcmp(key, ((const struct pt_site *)item)->id);
}

/* The draws of o over r: samples (asked, else the registry's setting) x the quant pairs of
 * r's sites (ordered by id). */
static unsigned long long count_draws(const struct pt_ranking *r, const struct pt_ranking_opts *o,
				      unsigned long long *pairs_out)
{
	unsigned long long pairs = 0;
	size_t i;
	for (i = 0; r->sites.n && i < r->set.n; i++) /* no sites: no pairs (bsearch takes no NULL) */
		if (bsearch(r->set.quant[i].site_id, r->sites.items, r->sites.n,
			     sizeof *r->sites.items, site_id_cmp))
			pairs++;
	*pairs_out = pairs;
	return pairs * (o->samples_set ? o->samples : (unsigned long long)r->cfg.samples);
}

/* Within o's budget of draws, the registry's default samples counted too (issue 10).
 * Samples not asked for and over the budget are cut to the most it allows (*cut, else 0)
 * when that is at least PT_RANKING_CUT_SAMPLES_MIN: the page's default ranking stays
 * available to every role, its answer saying how many samples it drew. */
static enum pt_err check_draws(const struct pt_ranking *r, const struct pt_ranking_opts *o,
			       uint32_t *cut, struct pt_diag *d)
{
	unsigned long long pairs, draws = count_draws(r, o, &pairs);
	*cut = 0;
	if (!o->max_draws || draws <= o->max_draws)
		return PT_OK;
	if (!o->samples_set && o->max_draws / pairs >= PT_RANKING_CUT_SAMPLES_MIN) {
		*cut = (uint32_t)(o->max_draws / pairs);
		return PT_OK;
	}
	if (!o->samples_set)
		return pt_diag_set(d, PT_EINVAL, 0, "samples",
				   "the registry's %llu samples x %llu site-threat pairs is %llu "
				   "draws, over the budget of %llu of your role; ask for at most "
				   "%llu samples",
				   (unsigned long long)r->cfg.samples, pairs, draws, o->max_draws,
				   o->max_draws / pairs);
	return pt_diag_set(d, PT_EINVAL, 0, "samples",
			   "%u samples x %llu site-threat pairs is %llu draws, over the "
			   "budget of %llu of your role; ask for at most %llu samples",
			   o->samples, pairs, draws, o->max_draws, o->max_draws / pairs);
}

/* issue 12: the quant run with each site's downstream consequence added to the loss of
 * every threat (min, mode and max shifted alike: the constant passes through the Monte
 * Carlo), and the expected yearly part it adds per site. */
/* issue 12: into *out (NULL when there is nothing to add; the caller frees it) a copy of
 * r's quant rows with each site's downstream consequence added to its loss range. */
static enum pt_err downstream_rows(const struct pt_ranking *r, struct pt_quant_row **out,
				   struct pt_diag *d)
{
	struct pt_quant_row *rows;
	size_t i;
	long s = -1;

	*out = NULL;
	if (!r->downstream_eur || !r->set.n)
		return PT_OK;
	if (!(rows = malloc(r->set.n * sizeof *rows)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	memcpy(rows, r->set.quant, r->set.n * sizeof *rows);
	for (i = 0; i < r->set.n; i++) {
		if (i == 0 || strcmp(rows[i].site_id, rows[i - 1].site_id) != 0)
			s = pt_sites_find(r->sites.items, r->sites.n, rows[i].site_id);
		if (s >= 0 && r->downstream_eur[s] > 0) {
			struct pt_range *loss = &rows[i].var[PT_QV_LOSS_EUR];
			loss->min += r->downstream_eur[s];
			loss->mode += r->downstream_eur[s];
			loss->max += r->downstream_eur[s];
		}
	}
	*out = rows;
	return PT_OK;
}

static enum pt_err quant_with_downstream(struct pt_ranking *r, struct pt_diag *d)
{
	struct pt_quant_row *rows = NULL;
	const struct pt_quant_row *in = r->set.quant;
	size_t i, k = 0;
	long s = -1;
	enum pt_err err;

	if ((err = downstream_rows(r, &rows, d)) != PT_OK)
		return err;
	if (rows)
		in = rows;
	err = pt_ranking_quant(&r->cfg, r->sites.items, r->sites.n, &r->cat.threats, in, r->set.n,
			       &r->params, &r->quant, r->rows, &r->n_rows, &r->not_assessed, d);
	/* The pairs are the rows of covered sites in order (pt_ranking_quant's). */
	for (i = 0; err == PT_OK && rows && i < r->set.n; i++) {
		if (i == 0 || strcmp(rows[i].site_id, rows[i - 1].site_id) != 0)
			s = pt_sites_find(r->sites.items, r->sites.n, rows[i].site_id);
		if (s < 0)
			continue;
		r->downstream_eur_yearly[s] += r->quant->pairs[k].e_attempt *
					       r->quant->pairs[k].e_success * r->downstream_eur[s];
		k++;
	}
	free(rows);
	return err;
}

/* issue 12: r's downstream consequence per covered site (quant only), the data version
 * it belongs to in *version. */
static enum pt_err read_downstream(struct pt_db *db, struct pt_ranking *r,
				   unsigned long long *version, struct pt_diag *d)
{
	size_t n = r->sites.n ? r->sites.n : 1;
	*version = 0;
	if (r->method != PT_METHOD_QUANT)
		return PT_OK;
	if (!(r->downstream_eur = calloc(n, sizeof *r->downstream_eur)) ||
	    !(r->downstream_eur_yearly = calloc(n, sizeof *r->downstream_eur_yearly)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	return pt_app_downstream_eur(db, r->sites.items, r->sites.n,
				     r->cfg.resilience_value_person_hour_eur, r->downstream_eur,
				     version, d);
}

/* The rows of r's method over r->sites, best first (src/core). */
static enum pt_err compute(struct pt_ranking *r, const struct pt_ranking_opts *o, struct pt_diag *d)
{
	enum pt_err err;
	r->rows = calloc(r->sites.n ? r->sites.n : 1, sizeof *r->rows);
	if (!r->rows)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if (o->what_if_site && r->method == PT_METHOD_FEMA) /* issue 16, item 7 */
		pt_what_if_fema(r->set.fema, r->set.n, o->what_if_site, &r->cat.threats, o->what_if_v);
	else if (o->what_if_site && r->method == PT_METHOD_QUANT)
		pt_what_if_quant(r->set.quant, r->set.n, o->what_if_site, &r->cat.threats,
				 o->what_if_v, o->what_if_c);
	if (r->method == PT_METHOD_FEMA) {
		err = pt_ranking_fema(&r->cfg, r->sites.items, r->sites.n, &r->cat.threats,
				      r->set.fema, &r->set.n, r->rows, &r->n_rows, &r->not_assessed,
				      &r->fema_worst, d);
	} else if (r->method == PT_METHOD_CARVER) {
		err = pt_ranking_carver(&r->cfg, r->sites.items, r->sites.n, r->set.carver, r->set.n,
					r->rows, &r->n_rows, &r->not_assessed, d);
	} else {
		uint32_t cut;
		if ((err = check_draws(r, o, &cut, d)) != PT_OK)
			return err;
		quant_params(r, o, &r->params);
		if (cut)
			r->params.samples = cut; /* the registry's samples, cut to the budget */
		err = quant_with_downstream(r, d);
	}
	if (err != PT_OK)
		return err;
	return pt_ranking_order(r->rows, r->n_rows, r->sites.items, d);
}

/* The audit of the reads failed with err: a read that cannot be audited is not answered. */
static enum pt_err audit_failed(enum pt_err err, struct pt_diag *d)
{
	char why[sizeof d->msg];
	pt_strlcpy(why, d->msg[0] ? d->msg : pt_strerror(err), sizeof why);
	return pt_diag_set(d, err, 0, "", "the read could not be audited, so it is not answered: %s",
			   why);
}

/* c's snapshot, or the error pt_app_snapshot left in d. */
static enum pt_err take_snapshot(const struct pt_caller *c, struct pt_db *db,
				 struct pt_snapshot **snap, unsigned char **visible,
				 struct pt_diag *d)
{
	*visible = NULL;
	if (!(*snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	*visible = malloc((*snap)->sites.n ? (*snap)->sites.n : 1);
	if (!*visible) {
		pt_snapshot_release(*snap);
		*snap = NULL;
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	pt_snapshot_visible(*snap, &c->who, *visible);
	return PT_OK;
}

/* A new ranking in *out of o's method over the sites of snap that keep[] marks (the sites
 * not visible counted as withheld), read and computed; its version in *version (0: not to be
 * kept). */
static enum pt_err rank_kept(const struct pt_caller *c, struct pt_db *db,
			     const struct pt_ranking_opts *o, const struct pt_snapshot *snap,
			     const unsigned char *visible, const unsigned char *keep,
			     struct pt_ranking **out, unsigned long long *version_out,
			     struct pt_diag *d)
{
	struct pt_ranking *r;
	unsigned long long version = 0, dversion = 0;
	enum pt_err err = PT_OK;
	size_t i;

	*out = NULL;
	*version_out = 0;
	if (!(r = calloc(1, sizeof *r)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	r->method = o->method;
	r->levels_at = pt_app_now(c->now);
	for (i = 0; i < snap->sites.n; i++) {
		if (!visible[i]) {
			r->withheld++;
			continue;
		}
		if (!keep[i])
			continue;
		if ((err = pt_site_list_append(&r->sites, &snap->sites.items[i], 0)) != PT_OK) {
			pt_diag_set(d, err, 0, "", "%s", pt_strerror(err));
			goto out;
		}
	}
	if ((err = read_inputs(db, r, &version, d)) != PT_OK ||
	    (err = read_downstream(db, r, &dversion, d)) != PT_OK ||
	    (err = compute(r, o, d)) != PT_OK)
		goto out;
	/* Kept only when the other reads saw the snapshot's data too, and while no threat level
	 * in force can expire (issue 11: expiries are read, so a later read may differ). */
	r->version = version == snap->version && !r->levels_expire ? version : 0;
	if (r->method == PT_METHOD_QUANT && dversion != version) /* issue 12 */
		r->version = 0;
	*version_out = r->version;
out:
	if (err != PT_OK) {
		pt_ranking_free(r);
		r = NULL;
	}
	*out = r;
	return err;
}

enum pt_err pt_app_ranking_run(const struct pt_caller *c, struct pt_db *db,
			       const struct pt_ranking_opts *o, struct pt_ranking **out,
			       struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_ranking *r = NULL;
	struct pt_read_log log;
	unsigned char *visible = NULL, *keep = NULL;
	unsigned long long version = 0;
	enum pt_err err;
	size_t i;

	*out = NULL;
	memset(&log, 0, sizeof log);
	if ((err = take_snapshot(c, db, &snap, &visible, d)) != PT_OK)
		return err;
	if (!(keep = malloc(snap->sites.n ? snap->sites.n : 1))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	/* issue 16 item 5: the filter, judged against what the caller may read */
	if ((err = pt_app_filter_check(c, db, snap, visible, o->filter, d)) != PT_OK)
		goto out;
	pt_app_filter_keep(snap, visible, o->filter, keep);
	if ((err = rank_kept(c, db, o, snap, visible, keep, &r, &version, d)) != PT_OK)
		goto out;
	if (pt_site_filter_has(o->filter, PT_FILTER_BAND)) {
		/* a site's band does not depend on the others: rank again the sites in a band
		 * asked for, so ranks, totals and P(top K) are over them alone */
		struct pt_ranking *again = NULL;
		unsigned long long version2 = 0;
		memset(keep, 0, snap->sites.n);
		for (i = 0; i < r->n_rows; i++)
			if (pt_site_filter_band(o->filter, r->rows[i].band)) {
				long s = pt_snapshot_find(snap, r->sites.items[r->rows[i].site].id);
				if (s >= 0)
					keep[s] = 1;
			}
		if ((err = rank_kept(c, db, o, snap, visible, keep, &again, &version2, d)) != PT_OK)
			goto out;
		pt_ranking_free(r);
		r = again;
		if (version2 != version)
			r->version = 0;
	}
	/* The figures depend on every site ranked: the read covers all of them. */
	for (i = 0; i < r->sites.n; i++)
		pt_read_log_note(&log, &r->sites.items[i]);
	if ((err = pt_read_log_commit(c, db, "ranking.read", &log, d)) != PT_OK)
		err = audit_failed(err, d);
out:
	if (err != PT_OK) {
		pt_ranking_free(r);
		r = NULL;
	}
	*out = r;
	pt_read_log_clear(&log); /* what an error left noted */
	free(keep);
	free(visible);
	pt_snapshot_release(snap);
	return err;
}

enum pt_err pt_app_matrix_run(const struct pt_caller *c, struct pt_db *db, enum pt_method method,
			      struct pt_risk_matrix *out, struct pt_diag *d)
{
	return pt_app_matrix_query(c, db, method, NULL, out, NULL, d);
}

enum pt_err pt_app_filter_band_keep(const struct pt_caller *c, struct pt_db *db,
				    enum pt_method method, const struct pt_snapshot *snap,
				    const unsigned char *visible, const struct pt_site_filter *filter,
				    unsigned char *keep, struct pt_diag *d)
{
	struct pt_ranking_opts o;
	struct pt_ranking *r = NULL;
	unsigned long long version;
	enum pt_err err;
	size_t i;
	memset(&o, 0, sizeof o);
	o.method = method;
	if (method == PT_METHOD_QUANT) {
		o.samples_set = 1; /* a site's band is its exact score's */
		o.samples = 0;
	}
	if ((err = rank_kept(c, db, &o, snap, visible, keep, &r, &version, d)) != PT_OK)
		return err;
	memset(keep, 0, snap->sites.n);
	for (i = 0; i < r->n_rows; i++)
		if (pt_site_filter_band(filter, r->rows[i].band)) {
			long s = pt_snapshot_find(snap, r->sites.items[r->rows[i].site].id);
			if (s >= 0)
				keep[s] = 1;
		}
	pt_ranking_free(r);
	return PT_OK;
}

/* issue 16 item 5: the pairs of cell of the rows of in (method's) that keep_row marks and
 * cells[] places in it. */
static enum pt_err matrix_cell_pairs(const struct pt_ranking *in, const struct pt_snapshot *snap,
				     const unsigned char *keep_row, const unsigned char *cells,
				     struct pt_matrix_cell *cell, struct pt_diag *d)
{
	size_t i;
	cell->n = 0;
	cell->tlp = PT_TLP_CLEAR;
	if (!(cell->pairs = calloc(in->set.n ? in->set.n : 1, sizeof *cell->pairs)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; i < in->set.n; i++) {
		const char *site_id, *threat_id;
		struct pt_matrix_pair *p;
		long s;
		if (!keep_row[i] || cells[2 * i] != cell->likelihood ||
		    cells[2 * i + 1] != cell->consequence)
			continue;
		site_id = in->method == PT_METHOD_FEMA ? in->set.fema[i].site_id
						       : in->set.quant[i].site_id;
		threat_id = in->method == PT_METHOD_FEMA ? in->set.fema[i].threat_id
							 : in->set.quant[i].threat_id;
		if ((s = pt_snapshot_find(snap, site_id)) < 0)
			continue;
		p = &cell->pairs[cell->n++];
		pt_strlcpy(p->site_id, site_id, sizeof p->site_id);
		pt_strlcpy(p->site_name, snap->sites.items[s].name, sizeof p->site_name);
		pt_strlcpy(p->threat_id, threat_id, sizeof p->threat_id);
		p->tlp = snap->sites.items[s].tlp;
		cell->tlp = pt_marking_max(cell->tlp, p->tlp);
	}
	return PT_OK;
}

enum pt_err pt_app_matrix_query(const struct pt_caller *c, struct pt_db *db, enum pt_method method,
				struct pt_site_filter *filter, struct pt_risk_matrix *out,
				struct pt_matrix_cell *cell, struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_ranking in; /* what the matrix is read from; no sites, no rows */
	struct pt_read_log log;
	unsigned char *visible = NULL, *keep = NULL;
	unsigned long long version = 0, dversion = 0;
	struct pt_quant_row *shifted = NULL; /* issue 12: the rows with the downstream part */
	unsigned char *site_keep = NULL, *cells = NULL; /* issue 16 item 5 */
	enum pt_err err;
	size_t i;

	memset(out, 0, sizeof *out);
	memset(&in, 0, sizeof in);
	memset(&log, 0, sizeof log);
	out->method = method;
	if (method == PT_METHOD_CARVER)
		return pt_diag_set(d, PT_EINVAL, 0, "method",
				   "CARVER + Shock measures attractiveness, not risk, and never goes "
				   "on the risk matrix");
	if ((err = take_snapshot(c, db, &snap, &visible, d)) != PT_OK)
		return err;
	/* issue 16 item 5: the sites the filter keeps (the band: of the method's ranking) */
	if (!(site_keep = malloc(snap->sites.n ? snap->sites.n : 1))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if ((err = pt_app_filter_check(c, db, snap, visible, filter, d)) != PT_OK)
		goto out;
	pt_app_filter_keep(snap, visible, filter, site_keep);
	if (pt_site_filter_has(filter, PT_FILTER_BAND) &&
	    (err = pt_app_filter_band_keep(c, db, method, snap, visible, filter, site_keep, d)) != PT_OK)
		goto out;
	for (i = 0; i < snap->sites.n; i++) {
		if (!visible[i]) {
			out->withheld++;
			continue;
		}
		if (!site_keep[i])
			continue;
		pt_read_log_note(&log, &snap->sites.items[i]);
		/* their sectors and regions decide their threat levels (issue 11) */
		if ((err = pt_site_list_append(&in.sites, &snap->sites.items[i], 0)) != PT_OK) {
			pt_diag_set(d, err, 0, "", "%s", pt_strerror(err));
			goto out;
		}
	}
	in.method = method;
	in.levels_at = pt_app_now(c->now);
	if ((err = read_inputs(db, &in, &version, d)) != PT_OK ||
	    (err = read_downstream(db, &in, &dversion, d)) != PT_OK || /* issue 12 */
	    (err = downstream_rows(&in, &shifted, d)) != PT_OK)
		goto out;
	if (!(keep = malloc(in.set.n ? in.set.n : 1))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < in.set.n; i++) {
		long s = pt_snapshot_find(snap, method == PT_METHOD_FEMA ? in.set.fema[i].site_id
									 : in.set.quant[i].site_id);
		keep[i] = s >= 0 && visible[s] && site_keep[s];
	}
	if (cell && !(cells = malloc(in.set.n ? 2 * in.set.n : 2))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	out->cfg = in.cfg;
	out->national = in.national;
	pt_strlcpy(out->level_text, in.level_text, sizeof out->level_text);
	if (method == PT_METHOD_FEMA) {
		pt_risk_matrix_fema(&out->cfg, in.set.fema, in.set.n, keep, &out->m);
		for (i = 0; cells && i < in.set.n; i++) {
			int l = 0, k = 0;
			if (keep[i])
				pt_matrix_fema_classes(&out->cfg, &in.set.fema[i], &l, &k);
			cells[2 * i] = (unsigned char)l;
			cells[2 * i + 1] = (unsigned char)k;
		}
	} else if ((err = pt_risk_matrix_quant_cells(&out->cfg, &in.cat.threats, in.factors,
						   in.pair_factors,
						   shifted ? shifted : in.set.quant, in.set.n,
						   keep, &out->m, cells, d)) != PT_OK)
		goto out;
	if (cell && (err = matrix_cell_pairs(&in, snap, keep, cells, cell, d)) != PT_OK)
		goto out;
	out->version = version == snap->version && !in.levels_expire ? version : 0;
	if (method == PT_METHOD_QUANT && dversion != version) /* issue 12 */
		out->version = 0;
	if ((err = pt_read_log_commit(c, db, "matrix.read", &log, d)) != PT_OK)
		err = audit_failed(err, d);
out:
	pt_catalog_clear(&in.cat.kinds);
	pt_catalog_clear(&in.cat.sectors);
	pt_catalog_clear(&in.cat.threats);
	pt_assessment_set_clear(&in.set);
	pt_site_list_clear(&in.sites);
	free(in.factors);
	free(in.pair_factors);
	free(in.pair_levels);
	free(in.downstream_eur);
	free(in.downstream_eur_yearly);
	free(shifted);
	free(keep);
	free(site_keep);
	free(cells);
	if (err != PT_OK)
		pt_matrix_cell_clear(cell);
	pt_read_log_clear(&log); /* what an error left noted */
	free(visible);
	pt_snapshot_release(snap);
	return err;
}

/* The sites o keeps of every site, read in the caller's transaction. */
static enum pt_err filtered_sites(struct pt_db *db, const struct pt_ranking_opts *o,
				  struct pt_ranking *r, struct pt_diag *d)
{
	struct pt_access_index *ix = NULL;
	struct pt_access_filter filter;
	pt_site_filter_fn keep = o->visible;
	void *ctx = o->visible_ctx;
	struct pt_site_list all;
	enum pt_err err;
	size_t i;
	memset(&all, 0, sizeof all);
	if (o->who) {
		if ((err = pt_access_index_load(db, &ix, d)) != PT_OK)
			return err;
		filter.ix = ix;
		filter.who = *o->who;
		keep = pt_app_site_visible;
		ctx = &filter;
	}
	if ((err = pt_db_sites_list(db, PT_TLP_RED, &all, NULL, d)) != PT_OK)
		goto out;
	for (i = 0; i < all.n; i++) {
		if (keep && !keep(ctx, &all.items[i])) {
			r->withheld++;
			continue;
		}
		if ((err = pt_site_list_append(&r->sites, &all.items[i], 0)) != PT_OK) {
			pt_diag_set(d, err, 0, "", "%s", pt_strerror(err));
			goto out;
		}
	}
out:
	pt_site_list_clear(&all);
	pt_access_index_free(ix);
	return err;
}

enum pt_err pt_ranking_run(struct pt_db *db, const struct pt_ranking_opts *o,
			   struct pt_ranking **out, struct pt_diag *d)
{
	struct pt_ranking *r;
	unsigned long long dversion = 0;
	enum pt_err err;
	*out = NULL;
	if (!(r = calloc(1, sizeof *r)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	r->method = o->method;
	r->levels_at = pt_app_now(o->now);
	if ((err = pt_db_begin_read(db, d)) != PT_OK) {
		free(r);
		return err;
	}
	if ((err = filtered_sites(db, o, r, d)) == PT_OK)
		err = read_rest(db, r, d);
	if (err == PT_OK && o->at_planning_level) { /* issue 11 item 6: one long-run level */
		size_t t;
		double f = r->cfg.level_factor[pt_config_planning_level(&r->cfg)];
		for (t = 0; t < r->cat.threats.n; t++)
			r->factors[t] = f;
		/* pair_levels stay today's: the surge is screened at them */
		for (t = 0; r->pair_factors && t < r->set.n; t++)
			r->pair_factors[t] = f;
	}
	if ((err = pt_db_end(db, err, err == PT_OK ? d : NULL)) != PT_OK ||
	    (err = read_downstream(db, r, &dversion, d)) != PT_OK ||
	    (err = compute(r, o, d)) != PT_OK) {
		pt_ranking_free(r);
		return err;
	}
	*out = r;
	return PT_OK;
}

/* ---- the draws of a quant ranking before it runs (issue 10: budgets before the cache) ---- */

enum pt_err pt_app_ranking_draws(const struct pt_caller *c, struct pt_db *db,
				 const struct pt_ranking_opts *o, unsigned long long *draws,
				 struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_ranking *r = NULL;
	unsigned char *visible = NULL;
	unsigned long long version = 0, pairs;
	enum pt_err err;
	size_t i;

	*draws = 0;
	if ((err = take_snapshot(c, db, &snap, &visible, d)) != PT_OK)
		return err;
	if (!(r = calloc(1, sizeof *r))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	r->method = o->method;
	r->levels_at = pt_app_now(c->now);
	/* issue 16 item 5: the draws of the sites the filter keeps (a band is not known before
	 * the ranking: counted over the sites of every band, an upper bound) */
	if ((err = pt_app_filter_check(c, db, snap, visible, o->filter, d)) != PT_OK)
		goto out;
	pt_app_filter_keep(snap, visible, o->filter, visible);
	for (i = 0; i < snap->sites.n; i++)
		if (visible[i] &&
		    (err = pt_site_list_append(&r->sites, &snap->sites.items[i], 0)) != PT_OK) {
			pt_diag_set(d, err, 0, "", "%s", pt_strerror(err));
			goto out;
		}
	if ((err = read_inputs(db, r, &version, d)) != PT_OK)
		goto out;
	{
		uint32_t cut;
		*draws = count_draws(r, o, &pairs);
		if ((err = check_draws(r, o, &cut, d)) == PT_OK && cut)
			*draws = pairs * cut;
	}
out:
	pt_ranking_free(r);
	free(visible);
	pt_snapshot_release(snap);
	return err;
}

/* ---- issue 16 item 5: the band of a sites list (the FEMA ranking band) ---- */

struct keep_ctx {
	const struct pt_snapshot *snap;
	const unsigned char *keep;
};

static int keep_site(void *ctx, const struct pt_site *site)
{
	const struct keep_ctx *k = ctx;
	long i = pt_snapshot_find(k->snap, site->id);
	return i >= 0 && k->keep[i];
}

enum pt_err pt_app_filter_sites(struct pt_db *db, const struct pt_snapshot *snap,
				const unsigned char *visible, const struct pt_site_filter *f,
				unsigned char *keep, size_t *kept, struct pt_diag *d)
{
	struct pt_ranking_opts o;
	struct pt_ranking *rk = NULL;
	struct keep_ctx ctx;
	unsigned char *band_ok;
	enum pt_err err;
	size_t i;

	*kept = pt_app_filter_keep(snap, visible, f, keep);
	if (!pt_site_filter_has(f, PT_FILTER_BAND))
		return PT_OK;
	memset(&o, 0, sizeof o);
	o.method = PT_METHOD_FEMA;
	ctx.snap = snap;
	ctx.keep = keep;
	o.visible = keep_site;
	o.visible_ctx = &ctx;
	if ((err = pt_ranking_run(db, &o, &rk, d)) != PT_OK)
		return err;
	if (!(band_ok = calloc(snap->sites.n ? snap->sites.n : 1, 1))) {
		pt_ranking_free(rk);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	for (i = 0; i < rk->n_rows; i++) {
		long s = pt_snapshot_find(snap, rk->sites.items[rk->rows[i].site].id);
		if (s >= 0 && pt_site_filter_band(f, rk->rows[i].band))
			band_ok[s] = 1;
	}
	*kept = 0;
	for (i = 0; i < snap->sites.n; i++) {
		keep[i] = keep[i] && band_ok[i];
		*kept += keep[i];
	}
	free(band_ok);
	pt_ranking_free(rk);
	return PT_OK;
}

enum pt_err pt_app_sites_filtered(const struct pt_caller *c, struct pt_db *db,
				  struct pt_site_filter *filter, struct pt_site_list *out,
				  struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	unsigned char *visible = NULL, *keep = NULL;
	enum pt_err err;
	size_t i, kept;
	pt_site_list_clear(out);
	if ((err = take_snapshot(c, db, &snap, &visible, d)) != PT_OK)
		return err;
	if (!(keep = malloc(snap->sites.n ? snap->sites.n : 1))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if ((err = pt_app_filter_check(c, db, snap, visible, filter, d)) != PT_OK ||
	    (err = pt_app_filter_sites(db, snap, visible, filter, keep, &kept, d)) != PT_OK)
		goto out;
	for (i = 0; i < snap->sites.n; i++)
		if (keep[i] && (err = pt_site_list_append(out, &snap->sites.items[i], 0)) != PT_OK) {
			pt_diag_set(d, err, 0, "", "%s", pt_strerror(err));
			goto out;
		}
out:
	if (err != PT_OK)
		pt_site_list_clear(out);
	free(keep);
	free(visible);
	pt_snapshot_release(snap);
	return err;
}
