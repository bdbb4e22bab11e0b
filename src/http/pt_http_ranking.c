/* pt_http_ranking.c - rankings and matrices over the sites the caller may
 * see (src/app/pt_app_ranking). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_ranking.h"
#include "../core/pt_site_filter.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_filter_io.h"
#include "../formats/pt_ranking_io.h"
#include "pt_http_api.h"

/*
 * Reply with the body kept for the caller's view when there is one (its reads audited
 * as action first); nonzero when the request was answered.
 */
static int reply_kept(struct pt_req *r, const struct pt_snapshot *snap, const struct pt_view *view,
		      const char *action)
{
	struct pt_cache_body *cached;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	if (!view->key || !(cached = pt_cache_get(r->srv->cache, view->key, snap->version)))
		return 0;
	/* The figures depend on every site the caller may read: the read covers them all. */
	pt_api_caller(r, &c);
	if ((err = pt_app_view_audit(&c, r->db, snap, view->bits, 0, SIZE_MAX, action, &d)) !=
	    PT_OK) {
		pt_reply_unaudited(r, err, &d); /* 503 when busy */
		pt_cache_body_release(cached);
		return 1;
	}
	pt_reply_cached(r, 200, cached);
	MHD_add_response_header(r->raw, "X-Cache", "hit");
	return 1;
}

/* The draws o would make for r's caller in *draws; nonzero when r was answered (400 naming
 * samples over the caller's budget, or the error). */
static int quant_draws(struct pt_req *r, struct pt_snapshot *snap, const struct pt_ranking_opts *o,
		       unsigned long long *draws)
{
	struct pt_snapshot_source src;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	pt_api_caller_snapshot(r, snap, &src, &c);
	if ((err = pt_app_ranking_draws(&c, r->db, o, draws, &d)) == PT_OK)
		return 0;
	pt_reply_diag(r, err, &d);
	return 1;
}

void pt_h_ranking(struct pt_req *r)
{
	struct pt_ranking_opts o;
	struct pt_ranking_json_opts jo;
	struct pt_ranking *rk = NULL;
	struct pt_snapshot *snap;
	struct pt_snapshot_source src;
	struct pt_caller c;
	struct pt_view view;
	struct pt_site_filter filter; /* issue 16 item 5 */
	char prefix[256], *fprefix = NULL;
	int csv = pt_api_wants_csv(r);
	const struct pt_qval *samples = pt_req_query(r, "samples"), *seed = pt_req_query(r, "seed"),
			     *top_k = pt_req_query(r, "top_k");
	struct pt_diag d;
	json_t *root;
	size_t limit, offset, i;
	unsigned long long draws = 0;
	enum pt_err err;

	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	memset(&view, 0, sizeof view);
	memset(&filter, 0, sizeof filter);
	if (pt_method_parse(r->param[0], &o.method) != PT_OK) {
		pt_reply_not_found(r);
		return;
	}
	if (pt_api_filter_or_reply(r, &filter))
		goto out;
	o.filter = &filter;
	if (o.method != PT_METHOD_QUANT) {
		const struct pt_qval *q[3] = {samples, seed, top_k};
		static const char *const names[3] = {"samples", "seed", "top_k"};
		for (i = 0; i < 3; i++)
			if (q[i]->set) {
				pt_reply_error(r, 400, names[i], 0,
					       "%s: applies to the quantitative method only", names[i]);
				goto out;
			}
	}
	pt_api_page(r, &limit, &offset);
	if (csv) { /* issue 16 item 5: the download is the ranking from rank 1 */
		const struct pt_qval *lq = pt_req_query(r, "limit");
		if (offset) {
			pt_reply_error(r, 400, "offset", 0,
				       "offset: the CSV holds the ranking from rank 1 (limit caps it)");
			goto out;
		}
		if (!lq->set)
			limit = (size_t)-1;
	}
	o.samples_set = samples->set;
	o.samples = (uint32_t)samples->num;
	o.seed_set = seed->set;
	o.seed = seed->num;
	o.top_k_set = top_k->set;
	o.top_k = (uint32_t)top_k->num;
	o.threads = 1; /* the server's threads are the parallelism */
	if (!(snap = pt_req_snapshot(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		goto out;
	}
	snprintf(prefix, sizeof prefix, "ranking/%s%s?samples=%lld&seed=%lld&top_k=%lld&limit=%zu&offset=%zu",
		 pt_method_name(o.method), csv ? ".csv" : "", samples->set ? (long long)samples->num : -1LL,
		 seed->set ? (long long)seed->num : -1LL, top_k->set ? (long long)top_k->num : -1LL,
		 limit, offset);
	if (!(fprefix = pt_api_filter_prefix(r, prefix, &filter))) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	if (pt_api_view(r, snap, fprefix, 0, &view))
		goto out;
	if (o.method == PT_METHOD_QUANT) { /* the caller's budget, before the cache (issue 10) */
		struct pt_compute_budget budget;
		pt_api_caller(r, &c);
		pt_access_compute_budget(&c.who, &budget);
		o.max_draws = budget.quant_draws ? budget.quant_draws : 1;
	}
	/* Samples asked: within the budget before a kept result of them is served (one read). */
	if (o.method == PT_METHOD_QUANT && samples->set && !r->in_pool && quant_draws(r, snap, &o, &draws))
		goto out;
	if (reply_kept(r, snap, &view, "ranking.read"))
		goto out;
	if (o.method == PT_METHOD_QUANT) { /* sampling: in the compute pool, within a budget */
		char *key = NULL;
		int deferred;
		/* The registry's samples count against the budget too (a kept result at the
		 * registry's settings was served above, at no cost). */
		if (!samples->set && !r->in_pool && quant_draws(r, snap, &o, &draws))
			goto out;
		/* Identical requests share one computation: same view, parameters and version. */
		if (view.key && snap->version &&
		    (key = malloc(strlen(view.key) + 32)) != NULL)
			sprintf(key, "%s@%llu", view.key, snap->version);
		/* Heavy by its draws, whatever parameters gave them. */
		deferred = pt_work_defer(r, key, draws > PT_WORK_LIGHT_SITE_SAMPLES);
		free(key);
		if (deferred)
			goto out;
		o.progress = pt_work_progress;
		o.progress_ctx = r;
	}
	pt_api_caller_snapshot(r, snap, &src, &c);
	if ((err = pt_app_ranking_run(&c, r->db, &o, &rk, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	if (csv) { /* issue 16 item 5: never kept (its key is not the JSON's) */
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		if (!f) {
			pt_reply_json(r, 500, NULL);
			goto out;
		}
		pt_ranking_write_csv(f, rk, limit < rk->n_rows ? limit : rk->n_rows);
		if (fclose(f) != 0) {
			free(buf);
			pt_reply_json(r, 500, NULL);
			goto out;
		}
		pt_api_reply_csv(r, buf, len, o.method == PT_METHOD_FEMA ? "ranking-fema.csv"
					      : o.method == PT_METHOD_CARVER ? "ranking-carver.csv"
									     : "ranking-quant.csv");
		goto out;
	}
	memset(&jo, 0, sizeof jo);
	jo.offset = offset;
	jo.limit = limit;
	jo.page = 1;
	if (!(root = pt_ranking_json(rk, &jo)) ||
	    json_object_set_new(root, "filter", pt_site_filter_json(&filter))) { /* issue 16 */
		json_decref(root);
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	/* Kept under the snapshot's version: the whole ranking was read at it. */
	pt_reply_json_keep(r, root, rk->version ? view.key : NULL, rk->version);
out:
	pt_ranking_free(rk);
	pt_api_view_clear(&view);
	pt_site_filter_clear(&filter);
	free(fprefix);
}

void pt_h_matrix(struct pt_req *r)
{
	struct pt_risk_matrix rm;
	struct pt_matrix_cell cell; /* issue 16 item 5 */
	struct pt_site_filter filter;
	struct pt_snapshot *snap;
	struct pt_snapshot_source src;
	struct pt_caller c;
	struct pt_view view;
	struct pt_diag d;
	enum pt_method m;
	enum pt_err err;
	json_t *root;
	char prefix[64], *fprefix = NULL;
	const struct pt_qval *lq = pt_req_query(r, "likelihood"),
			     *cq = pt_req_query(r, "consequence");

	memset(&d, 0, sizeof d);
	memset(&view, 0, sizeof view);
	memset(&cell, 0, sizeof cell);
	memset(&filter, 0, sizeof filter);
	if (pt_method_parse(r->param[0], &m) != PT_OK) {
		pt_reply_not_found(r);
		return;
	}
	if (m == PT_METHOD_CARVER) {
		pt_reply_error(r, 400, "method",
			       0, "method: CARVER + Shock measures attractiveness, not risk, and never "
				  "goes on the risk matrix");
		return;
	}
	if (lq->set != cq->set) { /* issue 16 item 5: a cell is both classes */
		const char *missing = lq->set ? "consequence" : "likelihood";
		pt_reply_error(r, 400, missing, 0,
			       "%s: a cell is given by likelihood and consequence together (1-5 each)",
			       missing);
		return;
	}
	cell.likelihood = (int)lq->num;
	cell.consequence = (int)cq->num;
	if (pt_api_filter_or_reply(r, &filter))
		return;
	if (!(snap = pt_req_snapshot(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		goto out;
	}
	snprintf(prefix, sizeof prefix, "matrix/%s?cell=%d,%d", pt_method_name(m), cell.likelihood,
		 cell.consequence);
	if (!(fprefix = pt_api_filter_prefix(r, prefix, &filter))) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	if (pt_api_view(r, snap, fprefix, 0, &view) || reply_kept(r, snap, &view, "matrix.read"))
		goto out;
	pt_api_caller_snapshot(r, snap, &src, &c);
	if ((err = pt_app_matrix_query(&c, r->db, m, &filter, &rm, lq->set ? &cell : NULL, &d)) !=
	    PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	if (!(root = pt_risk_matrix_json(&rm, 1)) ||
	    json_object_set_new(root, "filter", pt_site_filter_json(&filter)) ||
	    (lq->set && json_object_set_new(root, "cell", pt_matrix_cell_json(&cell, &rm)))) {
		json_decref(root);
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	pt_reply_json_keep(r, root, rm.version ? view.key : NULL, rm.version);
out:
	pt_api_view_clear(&view);
	pt_matrix_cell_clear(&cell);
	pt_site_filter_clear(&filter);
	free(fprefix);
}
