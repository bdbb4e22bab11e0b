/* cmd_assess.c - `protect assess`: rank the registry by FEMA 426/452,
 * CARVER + Shock or the quantitative method, as a table, CSV or JSON. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/pt_app_ranking.h"
#include "cli.h"
#include "core/pt_matrix.h"
#include "core/pt_quant.h"
#include "core/pt_score.h"
#include "core/pt_site_filter.h"
#include "formats/pt_csv.h"
#include "formats/pt_diag.h"
#include "formats/pt_marking_io.h"
#include "formats/pt_ranking_io.h"
#include "formats/pt_sites_io.h"

struct assess_opts {
	enum pt_method method;
	enum pt_format format;
	unsigned long samples, seed, threads, top_k, limit;
	int samples_set, seed_set, threads_set, top_k_set;
	double national_share;
	int national_share_set;
	int conditional;
	struct pt_site_filter filter; /* issue 16 item 5 */
};

static int parse_opts(struct pt_cli *cli, struct assess_opts *o)
{
	int i;
	memset(o, 0, sizeof *o);
	o->method = PT_METHOD_QUANT;
	o->format = PT_FORMAT_TABLE;
	for (i = 0; i < cli->argc; i++) {
		const char *opt = cli->argv[i];
		const char *val = i + 1 < cli->argc ? cli->argv[i + 1] : NULL;
		int filter_rc = pt_cli_filter_option(cli, &i, &o->filter); /* issue 16 item 5 */
		if (filter_rc == 1)
			continue;
		if (filter_rc)
			return filter_rc;
		if (strcmp(opt, "--conditional") == 0) {
			o->conditional = 1;
			continue;
		}
		if (!val)
			return pt_cli_usage_error(cli, "unknown option or missing value: '%s'", opt);
		i++;
		if (strcmp(opt, "--method") == 0) {
			if (pt_method_parse(val, &o->method) != PT_OK)
				return pt_cli_usage_error(cli, "--method: '%s' is not fema, carver or quant", val);
		} else if (strcmp(opt, "--format") == 0) {
			if (pt_cli_parse_format(val, 0, &o->format))
				return pt_cli_usage_error(cli, "--format: '%s' is not table, csv or json", val);
		} else if (strcmp(opt, "--samples") == 0) {
			if (pt_cli_parse_ulong(val, 0, 1000000, &o->samples))
				return pt_cli_usage_error(cli, "--samples: '%s' is not a whole number 0-1000000", val);
			o->samples_set = 1;
		} else if (strcmp(opt, "--seed") == 0) {
			if (pt_cli_parse_ulong(val, 0, (1UL << 53) - 1, &o->seed))
				return pt_cli_usage_error(cli, "--seed: '%s' is not a whole number 0-2^53", val);
			o->seed_set = 1;
		} else if (strcmp(opt, "--threads") == 0) {
			if (pt_cli_parse_ulong(val, 1, 256, &o->threads))
				return pt_cli_usage_error(cli, "--threads: '%s' is not a whole number 1-256", val);
			o->threads_set = 1;
		} else if (strcmp(opt, "--top-k") == 0) {
			if (pt_cli_parse_ulong(val, 1, 100000000, &o->top_k))
				return pt_cli_usage_error(cli, "--top-k: '%s' is not a whole number >= 1", val);
			o->top_k_set = 1;
		} else if (strcmp(opt, "--limit") == 0) {
			if (pt_cli_parse_ulong(val, 1, 100000000, &o->limit))
				return pt_cli_usage_error(cli, "--limit: '%s' is not a whole number >= 1", val);
		} else if (strcmp(opt, "--national-share") == 0) {
			char *end;
			o->national_share = strtod(val, &end);
			if (*end || end == val || !(o->national_share >= 0 && o->national_share <= 1))
				return pt_cli_usage_error(cli, "--national-share: '%s' is not a number 0-1", val);
			o->national_share_set = 1;
		} else {
			return pt_cli_usage_error(cli, "unknown option '%s'", opt);
		}
	}
	if (o->method != PT_METHOD_QUANT &&
	    (o->samples_set || o->seed_set || o->top_k_set || o->national_share_set || o->conditional))
		return pt_cli_usage_error(cli, "--samples, --seed, --top-k, --national-share and "
					       "--conditional apply to --method quant only");
	return 0;
}

static int print_json(const struct pt_ranking *r, size_t n)
{
	struct pt_ranking_json_opts jo;
	json_t *root;
	int rc = 0;
	memset(&jo, 0, sizeof jo);
	jo.limit = n;
	if (!(root = pt_ranking_json(r, &jo)))
		return 70;
	if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) != 0)
		rc = ferror(stdout) ? pt_cli_stdout_failed() : 70;
	if (!rc)
		fputc('\n', stdout);
	json_decref(root);
	return rc;
}

static void print_table(const struct pt_ranking *r, const struct assess_opts *o, size_t n)
{
	size_t i;
	char a[64], b[64], c[64];
	if (o->method == PT_METHOD_QUANT) {
		printf("Quantitative risk (RAMCAP / J100%s): expected yearly loss in EUR\n",
		       r->params.conditional ? ", conditional: T = 1" : "");
		printf("threat level %s; %u samples, seed %llu, national share %g\n\n", r->level_text,
		       r->params.samples, (unsigned long long)r->params.seed, r->params.national_share);
		printf("%4s  %-8s %-36s %13s %13s  %-9s %25s %7s  %s\n", "rank", "site", "name",
		       "score", "downstream", "loss band", "90% interval (p5 - p95)", "P(top)",
		       "worst threat");
	} else if (o->method == PT_METHOD_FEMA) {
		printf("FEMA 426/452 risk = asset value x threat x vulnerability (1-1000), worst threat\n");
		printf("threat level %s (FEMA ratings are as assessed)\n\n", r->level_text);
		printf("%4s  %-8s %-40s %5s  %-7s %s\n", "rank", "site", "name", "risk", "band",
		       "worst threat (A x T x V)");
	} else {
		printf("CARVER + Shock attractiveness (7-70): the attacker's view, not risk\n");
		printf("threat level %s (scores are as assessed)\n\n", r->level_text);
		printf("%4s  %-8s %-40s %5s  %-7s %s\n", "rank", "site", "name", "sum", "band",
		       " C  A  R  V  E  R  S");
	}
	for (i = 0; i < n; i++) {
		const struct pt_ranking_row *row = &r->rows[i];
		const struct pt_site *s = &r->sites.items[row->site];
		printf("%4zu  ", i + 1);
		pt_cli_print_cell(stdout, s->id, 8);
		fputc(' ', stdout);
		pt_cli_print_cell(stdout, s->name, o->method == PT_METHOD_QUANT ? 36 : 40);
		if (o->method == PT_METHOD_QUANT) {
			char interval[160];
			pt_cli_format_eur(row->score, a, sizeof a);
			pt_cli_format_eur(row->quant->p5_eur, b, sizeof b);
			pt_cli_format_eur(row->quant->p95_eur, c, sizeof c);
			snprintf(interval, sizeof interval, "%s - %s", b, c);
			if (!isfinite(row->quant->p_topk))
				snprintf(interval, sizeof interval, "(no samples)");
			if (isfinite(row->quant->p_topk))
				snprintf(b, sizeof b, "%5.1f%%", 100.0 * row->quant->p_topk);
			else
				snprintf(b, sizeof b, "-");
			pt_cli_format_eur(pt_ranking_downstream(r, row), c, sizeof c);
			printf(" %13s %13s  %-9s %25s %7s  %s\n", a, c, pt_band_name(row->band),
			       interval, b, pt_ranking_threat_id(r, row->worst_threat));
		} else if (o->method == PT_METHOD_FEMA) {
			char worst[1024];
			pt_ranking_worst_text(r, row, 1, worst, sizeof worst);
			printf(" %5.0f  %-7s %s\n", row->score, pt_band_name(row->band), worst);
		} else {
			const struct pt_carver_row *cv = row->carver;
			printf(" %5.0f  %-7s %2d %2d %2d %2d %2d %2d %2d\n", row->score,
			       pt_band_name(row->band), cv->criticality, cv->accessibility,
			       cv->recuperability, cv->vulnerability, cv->effect, cv->recognizability,
			       cv->shock);
		}
	}
	if (n < r->n_rows)
		printf("... %zu more (--limit)\n", r->n_rows - n);
	if (o->method == PT_METHOD_QUANT) {
		pt_cli_format_eur(r->quant->total_score_eur, a, sizeof a);
		pt_cli_format_eur(r->quant->total_p5_eur, b, sizeof b);
		pt_cli_format_eur(r->quant->total_p95_eur, c, sizeof c);
		if (r->params.samples)
			printf("\nnational total: EUR %s a year (90%% interval %s - %s); "
			       "P(top) = share of samples in the top %u\n",
			       a, b, c, r->params.top_k);
		else
			printf("\nnational total: EUR %s a year (exact; no samples drawn)\n", a);
	}
	if (r->not_assessed)
		printf("%zu sites have no %s assessment and are not ranked\n", r->not_assessed,
		       pt_method_name(o->method));
}

int pt_cmd_assess(struct pt_cli *cli)
{
	struct assess_opts o;
	struct pt_ranking_opts ro;
	struct pt_ranking *r = NULL;
	struct pt_progress progress;
	struct pt_caller caller;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	size_t shown;
	long ncpu;
	int rc;

	if ((rc = parse_opts(cli, &o))) {
		pt_site_filter_clear(&o.filter);
		return rc;
	}
	memset(&d, 0, sizeof d);
	memset(&ro, 0, sizeof ro);
	ro.filter = &o.filter; /* issue 16 item 5 */
	if ((rc = pt_cli_open_db(cli, 0, &db))) {
		pt_site_filter_clear(&o.filter);
		return rc;
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	ro.method = o.method;
	ro.samples_set = o.samples_set;
	ro.samples = (uint32_t)o.samples;
	ro.seed_set = o.seed_set;
	ro.seed = o.seed;
	ro.top_k_set = o.top_k_set;
	ro.top_k = (uint32_t)o.top_k;
	ro.national_share_set = o.national_share_set;
	ro.national_share = o.national_share;
	ro.conditional = o.conditional;
	ro.threads = (unsigned)(o.threads_set ? o.threads : (ncpu > 0 ? (unsigned long)ncpu : 1));
	if (o.method == PT_METHOD_QUANT) {
		pt_progress_init(&progress, "sampling");
		ro.progress = pt_progress_update;
		ro.progress_ctx = &progress;
	}
	pt_caller_system(&caller);
	err = pt_app_ranking_run(&caller, db, &ro, &r, &d);
	if (o.method == PT_METHOD_QUANT)
		pt_progress_done(&progress);
	if (err != PT_OK) {
		rc = pt_cli_filter_fail(cli, err, &d);
		goto out;
	}
	shown = o.limit && o.limit < r->n_rows ? o.limit : r->n_rows;
	if (o.format == PT_FORMAT_CSV)
		pt_ranking_write_csv(stdout, r, shown); /* issue 16: one writer in src/formats */
	else if (o.format == PT_FORMAT_JSON)
		rc = print_json(r, shown);
	else
		print_table(r, &o, shown);
	if (o.format == PT_FORMAT_TABLE) /* the marking of what the table shows */
		pt_cli_marking(pt_ranking_marking(r, 0, shown));
	/* The largest of n |z| values grows like sqrt(2 ln n) by chance alone (about 4.8 at
	 * 100,000 sites); only a clear excess above it points at a defect. */
	if (o.method == PT_METHOD_QUANT && r->params.samples >= 30 &&
	    r->quant->max_mean_z > sqrt(2.0 * log((double)(r->n_rows > 2 ? r->n_rows : 2))) + 1.5)
		pt_cli_errorf("warning: a sample mean departs from its exact score by %.1f standard "
			      "errors, more than chance explains among %zu sites; do not use this result",
			      r->quant->max_mean_z, r->n_rows);
	if (fflush(stdout) != 0)
		rc = pt_cli_stdout_failed();
out:
	pt_ranking_free(r);
	pt_app_db_close(db);
	pt_site_filter_clear(&o.filter);
	return rc;
}
