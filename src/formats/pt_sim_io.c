/* pt_sim_io.c - the results of a mass-casualty simulation (issue 14) as CSV
 * and JSON (jansson), the one writer of each used by the command line and the API. */
#include "pt_sim_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pt_csv.h"

void pt_sim_result_free(struct pt_sim_result *r)
{
	size_t i, h;
	if (!r)
		return;
	for (i = 0; i < r->n_rows; i++) {
		struct pt_sim_row *row = &r->rows[i];
		free(row->stats);
		free(row->diff);
		for (h = 0; h < row->n_hospitals; h++)
			free(row->hospitals[h].load_mean);
		free(row->hospitals);
	}
	free(r->rows);
	free(r);
}

/* A number cell: shortest round trip, empty for NaN. */
static void number_cell(FILE *f, double v)
{
	char buf[64];
	if (!isfinite(v))
		return;
	pt_format_double(buf, sizeof buf, v);
	fputs(buf, f);
}

enum pt_err pt_sim_result_csv(FILE *f, const struct pt_sim_result *r)
{
	size_t i, k, n = pt_mci_output_count();
	int sweep = r->sweep_key[0] != '\0';
	if (sweep)
		fputs("key,value,", f);
	for (k = 0; k < n; k++)
		fprintf(f, "%s%s_mean,%s_lo,%s_hi", k ? "," : "", pt_mci_output_name(k),
			pt_mci_output_name(k), pt_mci_output_name(k));
	for (k = 0; sweep && k < n; k++)
		fprintf(f, ",%s_diff,%s_diff_lo,%s_diff_hi", pt_mci_output_name(k),
			pt_mci_output_name(k), pt_mci_output_name(k));
	fputc('\n', f);
	for (i = 0; i < r->n_rows; i++) {
		const struct pt_sim_row *row = &r->rows[i];
		if (sweep) {
			pt_csv_write_field(f, r->sweep_key);
			fputc(',', f);
			pt_csv_write_field(f, row->value);
			fputc(',', f);
		}
		for (k = 0; k < n; k++) {
			if (k)
				fputc(',', f);
			number_cell(f, row->stats[k].mean);
			fputc(',', f);
			number_cell(f, row->stats[k].lo);
			fputc(',', f);
			number_cell(f, row->stats[k].hi);
		}
		for (k = 0; sweep && k < n; k++) {
			fputc(',', f);
			if (row->diff)
				number_cell(f, row->diff[k].mean);
			fputc(',', f);
			if (row->diff)
				number_cell(f, row->diff[k].lo);
			fputc(',', f);
			if (row->diff)
				number_cell(f, row->diff[k].hi);
		}
		fputc('\n', f);
	}
	return ferror(f) ? PT_EIO : PT_OK;
}

/* A number, or null for NaN; NULL when out of memory. */
static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* Add key: v to o, stealing v; nonzero when either is NULL or adding failed. */
static int jset(json_t *o, const char *key, json_t *v)
{
	return !o || !v || json_object_set_new(o, key, v) != 0;
}

static json_t *row_json(const struct pt_sim_result *r, const struct pt_sim_row *row)
{
	json_t *o = json_object(), *outs = json_object(), *hs = json_array();
	size_t k, h, t;
	int bad = !o || !outs || !hs;
	if (!bad && r->sweep_key[0])
		bad |= jset(o, "value", json_string(row->value));
	if (!bad)
		bad |= jset(o, "victims", json_integer(row->victims));
	for (k = 0; !bad && k < pt_mci_output_count(); k++) {
		const struct pt_mci_stat *st = &row->stats[k];
		json_t *s = json_object();
		bad |= jset(s, "mean", jnum(st->mean)) || jset(s, "lo", jnum(st->lo)) ||
		       jset(s, "hi", jnum(st->hi)) || jset(s, "p025", jnum(st->p025)) ||
		       jset(s, "p975", jnum(st->p975)) || jset(s, "n", json_integer((json_int_t)st->n));
		if (row->diff) {
			const struct pt_mci_stat *df = &row->diff[k];
			json_t *dj = json_object();
			bad |= jset(dj, "mean", jnum(df->mean)) || jset(dj, "lo", jnum(df->lo)) ||
			       jset(dj, "hi", jnum(df->hi)) ||
			       jset(dj, "n", json_integer((json_int_t)df->n)) || jset(s, "diff", dj);
		}
		bad |= jset(outs, pt_mci_output_name(k), s);
	}
	for (h = 0; !bad && h < row->n_hospitals; h++) {
		const struct pt_sim_hospital *hp = &row->hospitals[h];
		json_t *ho = json_object(), *series = json_array();
		for (t = 0; series && t < row->n_steps; t++)
			if (json_array_append_new(series, jnum(hp->load_mean[t])) != 0) {
				json_decref(series);
				series = NULL;
			}
		bad |= jset(ho, "name", json_string(hp->name)) ||
		       jset(ho, "peak_mean", jnum(hp->peak_mean)) || jset(ho, "load_mean", series);
		bad |= !ho || json_array_append_new(hs, ho) != 0;
	}
	if (bad || jset(o, "outputs", outs) || jset(o, "hospitals", hs)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *pt_sim_result_json(const struct pt_sim_result *r)
{
	json_t *o = json_object(), *rows = json_array();
	size_t i;
	int bad = !o || !rows;
	bad = bad || jset(o, "scenario", json_string(r->scenario)) ||
	      jset(o, "threat", json_string(r->threat)) ||
	      jset(o, "victims", json_integer(r->victims)) ||
	      jset(o, "seed", json_integer((json_int_t)r->seed)) ||
	      jset(o, "replications", json_integer((json_int_t)r->replications)) ||
	      jset(o, "sweep", r->sweep_key[0] ? json_string(r->sweep_key) : json_null()) ||
	      jset(o, "load_step_min", json_real(r->step_min));
	for (i = 0; !bad && i < r->n_rows; i++) {
		json_t *row = row_json(r, &r->rows[i]);
		bad = !row || json_array_append_new(rows, row) != 0;
	}
	if (bad || jset(o, "rows", rows)) {
		if (bad)
			json_decref(rows);
		json_decref(o);
		return NULL;
	}
	return o;
}
