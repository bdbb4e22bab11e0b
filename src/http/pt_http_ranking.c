/* pt_http_ranking.c - rankings and matrices over the sites the caller may
 * see (src/store/pt_ranking). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "../store/pt_ranking.h"
#include "pt_http_api.h"

/* The key a computed body is kept under: the view's, while the registry still has the
 * snapshot's version (then the computation saw exactly the snapshot's data); else NULL. */
static const char *key_if_unchanged(struct pt_req *r, const struct pt_snapshot *snap,
				    const struct pt_view *view)
{
	unsigned long long now;
	if (!view->key || pt_ranking_watch_version(r->srv->watch, &now) != PT_OK ||
	    now != snap->version)
		return NULL;
	return view->key;
}

void pt_h_ranking(struct pt_req *r)
{
	struct pt_ranking_opts o;
	struct pt_ranking *rk = NULL;
	struct pt_snapshot *snap = NULL;
	struct pt_cache_body *cached = NULL;
	struct pt_view view;
	char prefix[256];
	struct pt_read_log log;
	const struct pt_qval *samples = pt_req_query(r, "samples"), *seed = pt_req_query(r, "seed"),
			     *top_k = pt_req_query(r, "top_k");
	struct pt_diag d;
	json_t *root = NULL, *items = NULL;
	size_t limit, offset, i, shown = 0;
	enum pt_err err;

	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	memset(&log, 0, sizeof log);
	memset(&view, 0, sizeof view);
	if (pt_method_parse(r->param[0], &o.method) != PT_OK) {
		pt_reply_not_found(r);
		return;
	}
	if (o.method != PT_METHOD_QUANT) {
		const struct pt_qval *q[3] = {samples, seed, top_k};
		static const char *const names[3] = {"samples", "seed", "top_k"};
		for (i = 0; i < 3; i++)
			if (q[i]->set) {
				pt_reply_error(r, 400, names[i], 0,
					       "%s: applies to the quantitative method only", names[i]);
				return;
			}
	}
	pt_api_page(r, &limit, &offset);
	o.who = pt_api_who(r);
	o.samples_set = samples->set;
	o.samples = (uint32_t)samples->num;
	o.seed_set = seed->set;
	o.seed = seed->num;
	o.top_k_set = top_k->set;
	o.top_k = (uint32_t)top_k->num;
	o.threads = 1; /* the server's threads are the parallelism */
	if (!(snap = pt_sites_snapshot_get(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		return;
	}
	snprintf(prefix, sizeof prefix, "ranking/%s?samples=%lld&seed=%lld&top_k=%lld&limit=%zu&offset=%zu",
		 pt_method_name(o.method), samples->set ? (long long)samples->num : -1LL,
		 seed->set ? (long long)seed->num : -1LL, top_k->set ? (long long)top_k->num : -1LL,
		 limit, offset);
	if (pt_api_view(r, snap, prefix, 0, &view))
		goto out;
	/* The figures depend on every visible site: audit as a read of all of them. */
	for (i = 0; i < view.n; i++)
		if (view.bits[i] & 1)
			pt_read_note(&log, &snap->sites.items[i]);
	if (view.key && (cached = pt_cache_get(r->srv->cache, view.key, snap->version))) {
		if (pt_api_audit_reads(r, "ranking.read", &log))
			goto out;
		pt_reply_cached(r, 200, cached);
		cached = NULL;
		goto out;
	}
	if ((err = pt_ranking_run(r->db, &o, &rk, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	root = json_object();
	items = json_array();
	if (!root || !items)
		goto oom;
	json_object_set_new(root, "method", json_string(pt_method_name(o.method)));
	json_object_set_new(root, "threat_level", json_string(pt_threat_level_name(rk->national)));
	json_object_set_new(root, "threat_level_text", json_string(rk->level_text));
	if (o.method == PT_METHOD_QUANT) {
		json_object_set_new(root, "samples", json_integer(rk->params.samples));
		json_object_set_new(root, "seed", json_integer((json_int_t)rk->params.seed));
		json_object_set_new(root, "top_k", json_integer(rk->params.top_k));
		json_object_set_new(root, "national_share", json_real(rk->params.national_share));
		json_object_set_new(root, "total",
				    json_pack("{s:o,s:o,s:o,s:o}", "score",
					      pt_json_number(rk->quant->total_score_eur), "mean",
					      pt_json_number(rk->quant->total_mean_eur), "p5",
					      pt_json_number(rk->quant->total_p5_eur), "p95",
					      pt_json_number(rk->quant->total_p95_eur)));
	}
	json_object_set_new(root, "ranked", json_integer((json_int_t)rk->n_rows));
	json_object_set_new(root, "not_assessed", json_integer((json_int_t)rk->not_assessed));
	for (i = offset; i < rk->n_rows && shown < limit; i++) {
		const struct pt_ranking_row *row = &rk->rows[i];
		const struct pt_site *s = &rk->sites.items[row->site];
		json_t *it = json_pack("{s:I,s:s,s:s,s:s,s:f,s:f,s:o,s:s}", "rank", (json_int_t)(i + 1),
				       "site_id", s->id, "name", s->name, "tlp", pt_tlp_name(s->tlp),
				       "lat", s->lat, "lon", s->lon, "score", pt_json_number(row->score),
				       "band", pt_band_name(row->band));
		if (!it)
			goto oom;
		if (row->worst_threat >= 0)
			json_object_set_new(it, "worst_threat",
					    json_string(pt_ranking_threat_id(rk, row->worst_threat)));
		if (row->quant) {
			json_object_set_new(it, "mean", pt_json_number(row->quant->mean_eur));
			json_object_set_new(it, "p5", pt_json_number(row->quant->p5_eur));
			json_object_set_new(it, "p95", pt_json_number(row->quant->p95_eur));
			json_object_set_new(it, "p_topk", pt_json_number(row->quant->p_topk));
		}
		if (json_array_append_new(items, it))
			goto oom;
		shown++;
	}
	if (pt_api_audit_reads(r, "ranking.read", &log))
		goto out;
	json_object_set_new(root, "items", items);
	items = NULL;
	json_object_set_new(root, "next_offset", offset + shown < rk->n_rows
							 ? json_integer((json_int_t)(offset + shown))
							 : json_null());
	pt_reply_json_keep(r, root, key_if_unchanged(r, snap, &view), snap->version);
	root = NULL;
	goto out;
oom:
	pt_reply_json(r, 500, NULL);
out:
	pt_read_log_clear(&log);
	json_decref(root);
	json_decref(items);
	pt_ranking_free(rk);
	pt_cache_body_release(cached);
	pt_api_view_free(&view);
	pt_snapshot_release(snap);
}

static const char *const likelihood_names[5] = {"rare", "unlikely", "possible", "likely",
						 "almost certain"};
static const char *const consequence_names[5] = {"minor", "moderate", "significant", "major",
						  "severe"};

void pt_h_matrix(struct pt_req *r)
{
	struct pt_risk_matrix rm;
	struct pt_snapshot *snap = NULL;
	struct pt_cache_body *cached = NULL;
	struct pt_read_log log;
	struct pt_view view;
	struct pt_diag d;
	enum pt_method m;
	enum pt_err err;
	json_t *cells = NULL, *root = NULL;
	char prefix[64];
	size_t i;
	int l, c;

	memset(&d, 0, sizeof d);
	memset(&log, 0, sizeof log);
	memset(&view, 0, sizeof view);
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
	if (!(snap = pt_sites_snapshot_get(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		return;
	}
	snprintf(prefix, sizeof prefix, "matrix/%s", pt_method_name(m));
	if (pt_api_view(r, snap, prefix, 0, &view))
		goto out;
	for (i = 0; i < view.n; i++)
		if (view.bits[i] & 1)
			pt_read_note(&log, &snap->sites.items[i]);
	if (view.key && (cached = pt_cache_get(r->srv->cache, view.key, snap->version))) {
		if (pt_api_audit_reads(r, "matrix.read", &log))
			goto out;
		pt_reply_cached(r, 200, cached);
		cached = NULL;
		goto out;
	}
	if ((err = pt_ranking_matrix(r->db, m, pt_api_who(r), NULL, NULL, &rm, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	cells = json_array();
	root = json_object();
	if (!cells || !root) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	for (l = 5; l >= 1; l--)
		for (c = 1; c <= 5; c++)
			json_array_append_new(
				cells, json_pack("{s:i,s:i,s:I,s:s}", "likelihood", l, "consequence", c,
						 "count", (json_int_t)rm.m.count[l - 1][c - 1], "band",
						 pt_band_name(pt_matrix_band(&rm.cfg, l, c))));
	json_object_set_new(root, "method", json_string(pt_method_name(m)));
	json_object_set_new(root, "threat_level", json_string(pt_threat_level_name(rm.national)));
	json_object_set_new(root, "threat_level_text", json_string(rm.level_text));
	json_object_set_new(root, "total", json_integer(rm.m.total));
	json_object_set_new(root, "likelihood_names",
			    json_pack("[s,s,s,s,s]", likelihood_names[0], likelihood_names[1],
				      likelihood_names[2], likelihood_names[3], likelihood_names[4]));
	json_object_set_new(root, "consequence_names",
			    json_pack("[s,s,s,s,s]", consequence_names[0], consequence_names[1],
				      consequence_names[2], consequence_names[3], consequence_names[4]));
	json_object_set_new(root, "cells", cells);
	cells = NULL;
	if (pt_api_audit_reads(r, "matrix.read", &log))
		goto out;
	pt_reply_json_keep(r, root, key_if_unchanged(r, snap, &view), snap->version);
	root = NULL;
out:
	pt_read_log_clear(&log);
	json_decref(cells);
	json_decref(root);
	pt_cache_body_release(cached);
	pt_api_view_free(&view);
	pt_snapshot_release(snap);
}
