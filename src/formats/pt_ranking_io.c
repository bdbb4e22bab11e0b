/* pt_ranking_io.c - the ranking and risk matrix results: freeing them and
 * their JSON writers (one per object, for the CLI and the API). */
#include "pt_ranking_io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_score.h"
#include "pt_csv.h"
#include "pt_marking_io.h"

const char *const pt_matrix_likelihood_names[5] = {"rare", "unlikely", "possible", "likely",
						   "almost certain"};
const char *const pt_matrix_consequence_names[5] = {"minor", "moderate", "significant", "major",
						    "severe"};

void pt_ranking_free(struct pt_ranking *r)
{
	if (!r)
		return;
	pt_catalog_clear(&r->cat.kinds);
	pt_catalog_clear(&r->cat.sectors);
	pt_catalog_clear(&r->cat.threats);
	pt_site_list_clear(&r->sites);
	pt_assessment_set_clear(&r->set);
	free(r->factors);
	free(r->pair_factors);
	free(r->pair_levels);
	free(r->rows);
	free(r->fema_worst);
	pt_quant_result_free(r->quant);
	free(r->downstream_eur); /* issue 12 */
	free(r->downstream_eur_yearly);
	free(r);
}

double pt_ranking_downstream(const struct pt_ranking *r, const struct pt_ranking_row *row)
{
	return r->downstream_eur_yearly && row->quant ? r->downstream_eur_yearly[row->site] : 0;
}

const char *pt_ranking_threat_id(const struct pt_ranking *r, long t)
{
	return t >= 0 && (size_t)t < r->cat.threats.n ? r->cat.threats.items[t].id : "";
}

enum pt_tlp pt_ranking_marking(const struct pt_ranking *r, size_t offset, size_t limit)
{
	/* issue 11 review M1: total, ranked, rank and p_topk of any page are computed
	 * from every covered site, so the marking is theirs, not only the page's */
	(void)offset;
	(void)limit;
	return r ? pt_marking_sites(r->sites.items, r->sites.n) : PT_TLP_CLEAR;
}

void pt_ranking_worst_text(const struct pt_ranking *r, const struct pt_ranking_row *row,
			   int with_ratings, char *buf, size_t size)
{
	size_t i, n = row->n_fema_worst, used = 0;
	if (!size)
		return;
	buf[0] = '\0';
	if (!n || !row->fema_worst) { /* not FEMA: the one worst threat */
		snprintf(buf, size, "%s", pt_ranking_threat_id(r, row->worst_threat));
		return;
	}
	for (i = 0; i < n && used < size; i++) {
		const struct pt_fema_row *fr = row->fema_worst[i];
		const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
		int w = with_ratings ? snprintf(buf + used, size - used, "%s%s (%d x %d x %d)", sep,
						fr->threat_id, fr->asset_value, fr->threat_rating,
						fr->vulnerability_rating)
				     : snprintf(buf + used, size - used, "%s%s", sep, fr->threat_id);
		if (w < 0)
			return;
		used += (size_t)w;
	}
}

static json_t *worst_threats_json(const struct pt_ranking *r, const struct pt_ranking_row *row)
{
	json_t *a = json_array();
	size_t i;
	if (!a)
		return NULL;
	if (!row->n_fema_worst || !row->fema_worst)
		json_array_append_new(a, json_string(pt_ranking_threat_id(r, row->worst_threat)));
	for (i = 0; i < row->n_fema_worst && row->fema_worst; i++)
		json_array_append_new(a, json_string(row->fema_worst[i]->threat_id));
	return a;
}

static json_t *number(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *row_json(const struct pt_ranking *r, size_t i, int page)
{
	const struct pt_ranking_row *row = &r->rows[i];
	const struct pt_site *s = &r->sites.items[row->site];
	json_t *it;
	if (page)
		it = json_pack("{s:I,s:s,s:s,s:s,s:f,s:f,s:o,s:s}", "rank", (json_int_t)(i + 1),
			       "site_id", s->id, "name", s->name, "tlp", pt_tlp_name(s->tlp), "lat",
			       s->lat, "lon", s->lon, "score", number(row->score), "band",
			       pt_band_name(row->band));
	else
		it = json_pack("{s:I,s:s,s:s,s:f,s:s}", "rank", (json_int_t)(i + 1), "site_id", s->id,
			       "name", s->name, "score", row->score, "band", pt_band_name(row->band));
	if (!it)
		return NULL;
	if (row->worst_threat >= 0)
	{
		json_object_set_new(it, "worst_threat",
				    json_string(pt_ranking_threat_id(r, row->worst_threat)));
		json_object_set_new(it, "worst_threats", worst_threats_json(r, row));
	}
	if (r->method == PT_METHOD_QUANT) /* the band of the expected yearly loss: the loss band */
		json_object_set_new(it, "loss_band", json_string(pt_band_name(row->band)));
	if (row->quant) {
		json_object_set_new(it, "mean", number(row->quant->mean_eur));
		json_object_set_new(it, "p5", number(row->quant->p5_eur));
		json_object_set_new(it, "p95", number(row->quant->p95_eur));
		json_object_set_new(it, "p_topk", number(row->quant->p_topk));
		/* issue 12: the site's own part and what its failure costs downstream */
		json_object_set_new(it, "own_eur",
				    number(row->score - pt_ranking_downstream(r, row)));
		json_object_set_new(it, "downstream_eur", number(pt_ranking_downstream(r, row)));
	}
	return it;
}

json_t *pt_ranking_json(const struct pt_ranking *r, const struct pt_ranking_json_opts *o)
{
	json_t *root = json_object(), *items = json_array();
	size_t i, shown = 0, limit = o->limit ? o->limit : r->n_rows;
	if (!root || !items)
		goto oom;
	json_object_set_new(root, "method", json_string(pt_method_name(r->method)));
	json_object_set_new(root, "threat_level", json_string(pt_threat_level_name(r->national)));
	json_object_set_new(root, "threat_level_text", json_string(r->level_text));
	if (r->method == PT_METHOD_QUANT) {
		json_object_set_new(root, "samples", json_integer(r->params.samples));
		json_object_set_new(root, "seed", json_integer((json_int_t)r->params.seed));
		json_object_set_new(root, "top_k", json_integer(r->params.top_k));
		json_object_set_new(root, "national_share", json_real(r->params.national_share));
		if (!o->page)
			json_object_set_new(root, "conditional", json_boolean(r->params.conditional));
		json_object_set_new(root, "total",
				    json_pack("{s:o,s:o,s:o,s:o}", "score",
					      number(r->quant->total_score_eur), "mean",
					      number(r->quant->total_mean_eur), "p5",
					      number(r->quant->total_p5_eur), "p95",
					      number(r->quant->total_p95_eur)));
	}
	if (o->page)
		json_object_set_new(root, "ranked", json_integer((json_int_t)r->n_rows));
	json_object_set_new(root, "not_assessed", json_integer((json_int_t)r->not_assessed));
	for (i = o->offset; i < r->n_rows && shown < limit; i++) {
		json_t *it = row_json(r, i, o->page);
		if (!it || json_array_append_new(items, it))
			goto oom;
		shown++;
	}
	json_object_set_new(root, o->page ? "items" : "sites", items);
	items = NULL;
	if (o->page)
		json_object_set_new(root, "next_offset",
				    o->offset + shown < r->n_rows
					    ? json_integer((json_int_t)(o->offset + shown))
					    : json_null());
	return pt_marking_json(root, pt_ranking_marking(r, o->offset, limit));
oom:
	json_decref(root);
	json_decref(items);
	return NULL;
}

json_t *pt_risk_matrix_json(const struct pt_risk_matrix *m, int with_names)
{
	json_t *root = json_object(), *cells = json_array();
	int l, c;
	if (!root || !cells)
		goto oom;
	for (l = 5; l >= 1; l--)
		for (c = 1; c <= 5; c++)
			if (json_array_append_new(
				    cells, json_pack("{s:i,s:i,s:I,s:s}", "likelihood", l, "consequence",
						     c, "count", (json_int_t)m->m.count[l - 1][c - 1],
						     "band",
						     pt_band_name(pt_matrix_band(&m->cfg, l, c)))))
				goto oom;
	json_object_set_new(root, "method", json_string(pt_method_name(m->method)));
	json_object_set_new(root, "threat_level", json_string(pt_threat_level_name(m->national)));
	json_object_set_new(root, "threat_level_text", json_string(m->level_text));
	json_object_set_new(root, "total", json_integer(m->m.total));
	if (with_names) {
		const char *const *ln = pt_matrix_likelihood_names, *const *cn = pt_matrix_consequence_names;
		json_object_set_new(root, "likelihood_names",
				    json_pack("[s,s,s,s,s]", ln[0], ln[1], ln[2], ln[3], ln[4]));
		json_object_set_new(root, "consequence_names",
				    json_pack("[s,s,s,s,s]", cn[0], cn[1], cn[2], cn[3], cn[4]));
	}
	json_object_set_new(root, "cells", cells);
	return root;
oom:
	json_decref(root);
	json_decref(cells);
	return NULL;
}

void pt_matrix_cell_clear(struct pt_matrix_cell *cell)
{
	if (!cell)
		return;
	free(cell->pairs);
	cell->pairs = NULL;
	cell->n = 0;
	cell->tlp = PT_TLP_CLEAR;
}

json_t *pt_matrix_cell_json(const struct pt_matrix_cell *cell, const struct pt_risk_matrix *m)
{
	json_t *o, *items = json_array();
	size_t i;
	if (!items)
		return NULL;
	for (i = 0; i < cell->n; i++) {
		const struct pt_matrix_pair *p = &cell->pairs[i];
		if (json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s}", "site_id", p->site_id,
							   "site_name", p->site_name, "threat_id",
							   p->threat_id, "tlp", pt_tlp_name(p->tlp)))) {
			json_decref(items);
			return NULL;
		}
	}
	o = json_pack("{s:i,s:i,s:s,s:I,s:s,s:o}", "likelihood", cell->likelihood, "consequence",
		      cell->consequence, "band",
		      pt_band_name(pt_matrix_band(&m->cfg, cell->likelihood, cell->consequence)),
		      "total", (json_int_t)cell->n, "tlp", pt_marking_label(cell->tlp), "items",
		      items);
	return o;
}

/* issue 16 item 5: the ranking as CSV (moved from the command line's cmd_assess.c, so the
 * API's ?format=csv writes the same bytes) */
/* ",value" with the given decimals, or "," alone when there is no value (no samples). */
static void print_csv_number(FILE *f, double v, int decimals)
{
	if (isfinite(v))
		fprintf(f, ",%.*f", decimals, v);
	else
		fputc(',', f);
}

void pt_ranking_write_csv(FILE *f, const struct pt_ranking *r, size_t n)
{
	size_t i;
	pt_marking_csv_line(f, pt_ranking_marking(r, 0, n));
	if (r->method == PT_METHOD_QUANT)
		fprintf(f, "rank,site_id,name,score,loss_band,mean,p5,p95,p_topk,own_eur,downstream_eur,"
		       "worst_threat,threat_level\n"); /* issue 12: own_eur, downstream_eur */
	else if (r->method == PT_METHOD_FEMA)
		fprintf(f, "rank,site_id,name,score,band,worst_threat,threat_level,worst_threats\n");
	else
		fprintf(f, "rank,site_id,name,score,band,threat_level\n");
	for (i = 0; i < n; i++) {
		const struct pt_ranking_row *row = &r->rows[i];
		const struct pt_site *s = &r->sites.items[row->site];
		fprintf(f, "%zu,", i + 1);
		pt_csv_write_field(f, s->id);
		fputc(',', f);
		pt_csv_write_field(f, s->name);
		if (r->method == PT_METHOD_QUANT) {
			fprintf(f, ",%.2f,%s", row->score, pt_band_name(row->band));
			print_csv_number(f, row->quant->mean_eur, 2);
			print_csv_number(f, row->quant->p5_eur, 2);
			print_csv_number(f, row->quant->p95_eur, 2);
			print_csv_number(f, row->quant->p_topk, 4);
			/* issue 12: the score's own and downstream parts */
			fprintf(f, ",%.2f,%.2f,", row->score - pt_ranking_downstream(r, row),
			       pt_ranking_downstream(r, row));
			pt_csv_write_field(f, pt_ranking_threat_id(r, row->worst_threat));
			fputc(',', f);
		}
		else if (r->method == PT_METHOD_FEMA) {
			fprintf(f, ",%.0f,%s,", row->score, pt_band_name(row->band));
			pt_csv_write_field(f, pt_ranking_threat_id(r, row->worst_threat));
			fputc(',', f);
		} else
			fprintf(f, ",%.0f,%s,", row->score, pt_band_name(row->band));
		pt_csv_write_field(f, r->level_text);
		if (r->method == PT_METHOD_FEMA) { /* every tied threat, in catalogue order */
			char ids[4096] = "";
			size_t t;
			for (t = 0; t < row->n_fema_worst; t++) {
				if (t)
					pt_strlcat(ids, " ", sizeof ids);
				pt_strlcat(ids, row->fema_worst[t]->threat_id, sizeof ids);
			}
			fputc(',', f);
			pt_csv_write_field(f, ids);
		}
		fputc('\n', f);
	}
}
