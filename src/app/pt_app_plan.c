/* pt_app_plan.c - the plan's use cases: run a plan over the sites a caller
 * may read and its sensitivity (pt_app_plan_save and the saved plans are in
 * pt_app_plan_saved.c). */
#include "pt_app_plan.h"
#include "pt_app_filter.h"
#include "pt_app_ranking.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_mckp.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_filter_io.h"
#include "../store/pt_measures_store.h"
#include "../store/pt_ranking.h"
#include "../store/pt_store.h"
#include "../store/pt_surge_store.h"
#include "pt_app_plan_int.h"
#include "pt_app_surveys.h"

#define CHECK_EXACT_MAX_OPTIONS 20000 /* check_exact -1: run GLPK too up to this many options */

/* The exact solver's time limit for o under cfg (see struct pt_plan_opts). */
static double time_limit_of(const struct pt_plan_opts *o, const struct pt_config *cfg)
{
	double setting = cfg->plan_exact_time_limit_s;
	if (o->time_limit_s > 0)
		return o->time_limit_s;
	if (o->time_limit_s < 0)
		return setting > 0 && setting < -o->time_limit_s ? setting : -o->time_limit_s;
	return setting;
}

void pt_plan_run_free(struct pt_plan_run *r)
{
	if (!r)
		return;
	if (r->built) {
		pt_plan_built_release(r->built); /* ranking, measures, model, inputs are its */
	} else {
		if (r->inputs) {
			pt_app_inputs_clear(r->inputs);
			free(r->inputs);
		}
		pt_plan_model_free(r->model);
		pt_measure_catalog_clear(&r->measures);
		pt_ranking_free(r->ranking);
		pt_plan_surge_free(r->surge);
	}
	pt_plan_result_clear(&r->result);
	free(r->frontier_budget);
	free(r->frontier_reduction);
	free(r->frontier_bound);
	free(r);
}

/* The exact solver as a check of the fast one: result.exact_reduction_eur and gap_to_exact. */
static enum pt_err check_with_exact(struct pt_plan_run *run, double time_limit_s,
				    struct pt_diag *d)
{
	struct pt_plan_result exact;
	enum pt_err err;
	memset(&exact, 0, sizeof exact);
	err = pt_plan_solve(&run->solve_model, run->result.budget_eur, PT_SOLVER_EXACT, time_limit_s,
			    &exact, d);
	if (err == PT_OK) {
		double e = exact.risk_reduction_eur, f = run->result.risk_reduction_eur;
		run->result.exact_reduction_eur = e;
		run->result.gap_to_exact = e > 0 ? (e - f) / e : 0;
	}
	pt_plan_result_clear(&exact);
	return err;
}

/* The cache's key of this run: the data version and the view of c's
 * snapshot; 0 into key->version when the snapshot is not versioned (then
 * nothing is kept). key->view is new (free). */
static enum pt_err plan_key(const struct pt_caller *c, struct pt_db *db,
			    const struct pt_plan_opts *o, struct pt_plan_key *key,
			    struct pt_diag *d)
{
	struct pt_snapshot *s = pt_app_snapshot(c, db, d);
	unsigned char *view;
	memset(key, 0, sizeof *key);
	if (!s)
		return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
	view = calloc(s->sites.n ? s->sites.n : 1, 1);
	if (!view) {
		pt_snapshot_release(s);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	pt_app_view_bits(c, s, 0, view);
	key->version = s->version;
	key->view = view;
	key->n_view = s->sites.n;
	pt_strlcpy(key->region, o->region ? o->region : "", sizeof key->region);
	if (pt_site_filter_key(o->filter, c->who.org_id, key->scope, sizeof key->scope) != PT_OK)
		key->version = 0; /* issue 16 item 5: a scope too long to key: not kept */
	key->set_discount_rate = o->set_discount_rate;
	key->discount_rate = o->set_discount_rate ? o->discount_rate : 0;
	key->horizon_years = o->horizon_years;
	pt_snapshot_release(s);
	{ /* issue 11 item 6: the level the model is priced at (the setting; also in the version) */
		struct pt_config cfg;
		if (pt_db_config_load(db, &cfg, NULL) == PT_OK)
			key->planning_level = (int)pt_config_planning_level(&cfg) + 1;
	}
	return PT_OK;
}

/* Hand run's built parts to a new cache entry under key (its view taken)
 * and keep it when it was read at the key's version. */
static void plan_keep(struct pt_plan_cache *cache, struct pt_plan_run *run, struct pt_plan_key *key,
		      unsigned long long read_version)
{
	struct pt_plan_built *b;
	if (!key->version || read_version != key->version || !(b = calloc(1, sizeof *b)))
		return;
	atomic_init(&b->refs, 1);
	b->key = *key;
	b->view = (unsigned char *)key->view;
	key->view = NULL;
	b->ranking = run->ranking;
	b->measures = run->measures;
	b->model = run->model;
	b->inputs = run->inputs;
	b->withheld = run->withheld;
	b->outside_region = run->outside_region;
	b->surge = run->surge;
	b->key.planning_level = (int)pt_config_planning_level(&run->ranking->cfg) + 1;
	b->bytes = pt_plan_built_bytes(b);
	run->built = b; /* the run's reference */
	pt_plan_cache_put(cache, b);
}

/* issue 16 item 5: c's snapshot (*snap, a reference) and the sites of it that filter keeps
 * among those c may read (*keep, new), the band the quant ranking's today. */
static enum pt_err plan_scope(const struct pt_caller *c, struct pt_db *db,
			      struct pt_site_filter *filter, struct pt_snapshot **snap,
			      unsigned char **keep, struct pt_diag *d)
{
	unsigned char *visible = NULL;
	enum pt_err err = PT_OK;
	*keep = NULL;
	if (!(*snap = pt_app_snapshot(c, db, d)))
		return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
	visible = malloc((*snap)->sites.n ? (*snap)->sites.n : 1);
	*keep = malloc((*snap)->sites.n ? (*snap)->sites.n : 1);
	if (!visible || !*keep) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	pt_snapshot_visible(*snap, &c->who, visible);
	if ((err = pt_app_filter_check(c, db, *snap, visible, filter, d)) != PT_OK)
		goto out;
	pt_app_filter_keep(*snap, visible, filter, *keep);
	if (pt_site_filter_has(filter, PT_FILTER_BAND))
		err = pt_app_filter_band_keep(c, db, PT_METHOD_QUANT, *snap, visible, filter, *keep, d);
out:
	free(visible);
	if (err != PT_OK) {
		free(*keep);
		*keep = NULL;
		pt_snapshot_release(*snap);
		*snap = NULL;
	}
	return err;
}

enum pt_err pt_app_plan_run(const struct pt_caller *c, struct pt_db *db,
			    const struct pt_plan_opts *o, struct pt_plan_run **out,
			    struct pt_diag *d)
{
	struct pt_snapshot *scope_snap = NULL; /* issue 16 item 5 */
	unsigned char *scope_keep = NULL;
	struct pt_plan_key key;
	unsigned long long read_version = 0;
	struct pt_plan_run *run;
	struct pt_run_filter filter;
	struct pt_pair_ref *refs = NULL;
	struct pt_site_measure_row *sm = NULL;
	struct pt_plan_inputs *in;
	struct pt_threat_level_entry *levels = NULL; /* today's per-threat levels (the surge) */
	enum pt_threat_level national = PT_LEVEL_SUBSTANTIAL;
	size_t n_refs = 0, n_sm = 0, n_levels = 0;
	double time_limit;
	enum pt_err err;

	*out = NULL;
	if (!c || !db || !o)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no options");
	if (!isfinite(o->budget_eur) || o->budget_eur < 0)
		return pt_diag_set(d, PT_EINVAL, 0, "budget", "the budget must be a finite amount >= 0");
	if (o->frontier_points == 1 || o->frontier_points > 100000)
		return pt_diag_set(d, PT_EINVAL, 0, "frontier",
				   "a frontier needs 2 to 100000 points, not %zu", o->frontier_points);
	if (o->set_discount_rate && !(o->discount_rate >= 0 && o->discount_rate <= 0.5))
		return pt_diag_set(d, PT_EINVAL, 0, "discount_rate",
				   "the discount rate is 0 to 0.5, not %g", o->discount_rate);
	if (o->horizon_years > 100)
		return pt_diag_set(d, PT_EINVAL, 0, "horizon_years",
				   "the horizon is 1 to 100 years, not %u", o->horizon_years);
	if (o->region && strlen(o->region) >= PT_REGION_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "region", "region longer than %d bytes",
				   PT_REGION_MAX - 1);
	memset(&filter, 0, sizeof filter);
	memset(&key, 0, sizeof key);
	filter.region = o->region;
	/* issue 16 item 5 and item 1: the scope, judged against what c may read */
	if (pt_site_filter_active(o->filter)) {
		if ((err = plan_scope(c, db, o->filter, &scope_snap, &scope_keep, d)) != PT_OK)
			return err;
		filter.scope_snap = scope_snap;
		filter.scope_keep = scope_keep;
	}
	filter.at_planning_level = 1; /* issue 11 item 6: plans are priced at the planning level */
	if (o->cache && (err = plan_key(c, db, o, &key, d)) != PT_OK)
		goto scope_out;
	run = calloc(1, sizeof *run);
	if (run && !(run->inputs = calloc(1, sizeof *run->inputs))) {
		free(run);
		run = NULL;
	}
	if (run && !(run->surge = calloc(1, sizeof *run->surge))) {
		free(run->inputs);
		free(run);
		run = NULL;
	}
	if (!run) {
		free((void *)key.view);
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto scope_out;
	}
	in = run->inputs;
	run->result.exact_reduction_eur = NAN;
	run->result.gap_to_exact = NAN;
	pt_strlcpy(run->region, o->region ? o->region : "", sizeof run->region);
	if (o->filter && o->filter->n[PT_FILTER_REGION] == 1) /* issue 16: echoed as before */
		pt_strlcpy(run->region, o->filter->values[PT_FILTER_REGION][0], sizeof run->region);

	if (key.version && (run->built = pt_plan_cache_get(o->cache, &key)) != NULL) {
		/* The same view, region, options and data: the model as built before. */
		struct pt_plan_built *b = run->built;
		pt_app_inputs_clear(run->inputs);
		free(run->inputs);
		pt_plan_surge_free(run->surge);
		run->ranking = b->ranking;
		run->measures = b->measures;
		run->model = b->model;
		run->inputs = b->inputs;
		run->surge = b->surge;
		run->cache_hit = 1;
		filter.withheld = b->withheld;
		filter.outside_region = b->outside_region;
		goto have_data;
	}
	/* Every read in one snapshot. */
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		goto fail;
	if ((err = pt_app_quant_ranking(db, &c->who, &filter, &run->ranking, d)) == PT_OK &&
	    (err = pt_db_measures_load(db, &run->measures, d)) == PT_OK &&
	    (err = pt_db_site_measures_list(db, NULL, &sm, &n_sm, d)) == PT_OK &&
	    /* issue 16 item 3: measures the counting visit saw are in its ratings */
	    (err = pt_app_measures_seen(db, sm, n_sm, d)) == PT_OK &&
	    (err = pt_db_surge_load(db, &run->surge->catalog, d)) == PT_OK &&
	    (err = pt_db_threat_levels(db, &national, &levels, &n_levels, d)) == PT_OK &&
	    key.version)
		err = pt_db_data_version(db, &read_version, d);
	if ((err = pt_db_end(db, err, d)) != PT_OK)
		goto fail;
have_data:
	if (o->region_required && o->region && *o->region && run->ranking->sites.n == 0) {
		err = pt_diag_set(d, PT_EINVAL, 0, "",
				  "no site of region \"%s\"%s; 'protect sites list' shows the regions",
				  o->region, filter.withheld ? " that this user may read" : "");
		goto fail;
	}
	run->withheld = filter.withheld;
	run->show_withheld = pt_access_hidden_counts(&c->who) == PT_ACCESS_OK;
	run->outside_region = filter.outside_region;
	if (run->cache_hit)
		goto built; /* a shared model: read-only from here */
	if (o->set_discount_rate)
		run->ranking->cfg.plan_discount_rate = o->discount_rate;
	if (o->horizon_years)
		run->ranking->cfg.plan_horizon_years = o->horizon_years;

	if ((err = pt_app_ranking_pairs(run->ranking, &refs, &n_refs, d)) != PT_OK ||
	    (err = pt_app_inputs_build(run->ranking, &run->measures, refs, n_refs, sm, n_sm, in,
				    d)) != PT_OK ||
	    (err = pt_plan_model_build(&run->ranking->cfg, &run->measures, in->v, in->c,
				       run->ranking->cat.threats.n, in->sites, run->ranking->sites.n,
				       &run->model, d)) != PT_OK ||
	    (err = pt_app_surge_build(run->ranking, national, levels, n_levels, run->surge, d)) !=
		    PT_OK)
		goto fail;
	if (o->cache && !run->ranking->levels_expire) /* issue 11: an expiry may change it */
		plan_keep(o->cache, run, &key, read_version);
built:
	/* This run's stop hook on a copy: a cached model is shared by other runs. */
	run->solve_model = *run->model;
	run->solve_model.stop = o->stop;
	run->solve_model.stop_ctx = o->stop_ctx;
	time_limit = run->time_limit_s = time_limit_of(o, &run->ranking->cfg);
	if ((err = pt_plan_solve(&run->solve_model, o->budget_eur, o->solver, time_limit, &run->result,
				 d)) != PT_OK)
		goto fail;
	run->result.exact_reduction_eur = NAN;
	run->result.gap_to_exact = NAN;
	if (o->solver == PT_SOLVER_FAST &&
	    (o->check_exact > 0 ||
	     (o->check_exact < 0 && run->model->n_options <= CHECK_EXACT_MAX_OPTIONS)) &&
	    (err = check_with_exact(run, time_limit, d)) != PT_OK)
		goto fail;
	if (o->frontier_points) {
		struct pt_mckp p;
		size_t k = o->frontier_points;
		run->frontier_budget = calloc(k, sizeof *run->frontier_budget);
		run->frontier_reduction = calloc(k, sizeof *run->frontier_reduction);
		run->frontier_bound = calloc(k, sizeof *run->frontier_bound);
		if (!run->frontier_budget || !run->frontier_reduction || !run->frontier_bound) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto fail;
		}
		pt_plan_model_mckp(run->model, &p);
		if ((err = pt_mckp_frontier(&p, k, run->frontier_budget, run->frontier_reduction,
					    run->frontier_bound, d)) != PT_OK)
			goto fail;
		run->frontier_n = k;
	}
	if (o->read_action) { /* every covered site: the figures depend on them all */
		struct pt_read_log log;
		size_t i;
		memset(&log, 0, sizeof log);
		for (i = 0; i < run->ranking->sites.n; i++)
			pt_read_log_note(&log, &run->ranking->sites.items[i]);
		if ((err = pt_read_log_commit(c, db, o->read_action, &log, d)) != PT_OK)
			goto fail;
	}
	free(refs);
	free(sm);
	free(levels);
	free((void *)key.view);
	free(scope_keep);
	pt_snapshot_release(scope_snap);
	*out = run;
	return PT_OK;
fail:
	free(refs);
	free(sm);
	free(levels);
	free((void *)key.view);
	pt_plan_run_free(run);
scope_out:
	free(scope_keep);
	pt_snapshot_release(scope_snap);
	return err;
}


void pt_app_plan_view(const struct pt_plan_run *run, const char *name, struct pt_plan_view *v)
{
	memset(v, 0, sizeof *v);
	v->cfg = &run->ranking->cfg;
	v->threats = &run->ranking->cat.threats;
	v->sites = run->ranking->sites.items;
	v->measures = &run->measures;
	v->model = run->model;
	v->result = &run->result;
	/* Issue 11 item 6: priced at the planning level; today's levels and the surge beside it. */
	v->threat_level_text = pt_threat_level_name(pt_config_planning_level(&run->ranking->cfg));
	v->today_level_text = run->ranking->level_text;
	v->threat_factors = run->ranking->factors; /* the planning level's */
	v->national = run->ranking->national;
	if (run->surge) {
		v->surge.cfg = &run->ranking->cfg;
		v->surge.threats = &run->ranking->cat.threats;
		v->surge.sites = run->ranking->sites.items;
		v->surge.catalog = &run->surge->catalog;
		v->surge.result = &run->surge->result;
	}
	v->region = run->region;
	v->name = name ? name : "";
	v->withheld = run->withheld;
	v->omit_withheld = !run->show_withheld;
	v->outside_region = run->outside_region;
	v->frontier_n = run->frontier_n;
	v->frontier_budget = run->frontier_budget;
	v->frontier_reduction = run->frontier_reduction;
	v->frontier_bound = run->frontier_bound;
}

enum pt_err pt_app_plan_sensitivity(const struct pt_plan_opts *o, const struct pt_plan_run *base,
				    struct pt_plan_variant *out, size_t *n, struct pt_diag *d)
{
	static const double rates[] = { 0, 0.03, 0.05, 0.07 };
	const size_t n_rates = sizeof rates / sizeof rates[0];
	const struct pt_plan_inputs *in;
	struct pt_config cfg;
	unsigned horizons[2];
	double time_limit;
	size_t k;
	enum pt_err err = PT_OK;

	*n = 0;
	if (!o || !base || !base->inputs || !out)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no options or plan");
	in = base->inputs;
	cfg = base->ranking->cfg;
	horizons[0] = cfg.plan_horizon_years / 2 ? cfg.plan_horizon_years / 2 : 1;
	horizons[1] = cfg.plan_horizon_years * 2 <= 100 ? cfg.plan_horizon_years * 2 : 100;
	time_limit = time_limit_of(o, &cfg);
	out[(*n)++] = (struct pt_plan_variant){ cfg.plan_discount_rate, cfg.plan_horizon_years,
						 base->result.cost_eur,
						 base->result.risk_reduction_eur,
						 base->result.sites_funded,
						 base->result.measures_chosen,
						 base->result.measures_chosen, 1 };
	/* The same inputs (one snapshot) with another rate or horizon: model and plan again. */
	for (k = 0; k < n_rates + 2 && err == PT_OK; k++) {
		struct pt_config vc = cfg;
		struct pt_plan_model *model = NULL;
		struct pt_plan_result result;
		if (k < n_rates)
			vc.plan_discount_rate = rates[k];
		else
			vc.plan_horizon_years = horizons[k - n_rates];
		if (fabs(vc.plan_discount_rate - cfg.plan_discount_rate) < 1e-12 &&
		    vc.plan_horizon_years == cfg.plan_horizon_years)
			continue;
		memset(&result, 0, sizeof result);
		if ((err = pt_plan_model_build(&vc, &base->measures, in->v, in->c,
					       base->ranking->cat.threats.n, in->sites,
					       base->ranking->sites.n, &model, d)) == PT_OK) {
			model->stop = o->stop;
			model->stop_ctx = o->stop_ctx;
			err = pt_plan_solve(model, o->budget_eur, o->solver, time_limit, &result, d);
		}
		if (err == PT_OK)
			out[(*n)++] = (struct pt_plan_variant){
				vc.plan_discount_rate, vc.plan_horizon_years, result.cost_eur,
				result.risk_reduction_eur, result.sites_funded, result.measures_chosen,
				pt_plan_common_measures(base->model, &base->result, model, &result), 0
			};
		pt_plan_result_clear(&result);
		pt_plan_model_free(model);
	}
	return err;
}
