/* cmd_snapshot.c - `protect snapshot take|list|show|rm` and `protect compare` (issue 16 item
 * 6): named snapshots of the ranking's inputs and their comparison, as a user (--as USER) or
 * as the system administrator. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "app/pt_app_history.h"
#include "formats/pt_csv.h"
#include "formats/pt_history_io.h"
#include "formats/pt_marking_io.h"

/* A snapshot id: a whole number from 1. */
static int parse_id(const char *s, long long *id)
{
	unsigned long v;
	if (pt_cli_parse_ulong(s, 1, 1000000000UL, &v))
		return -1;
	*id = (long long)v;
	return 0;
}

/* The common options: --as, --format, --method (parsed when the pointer is given). */
struct opts {
	const char *as;
	enum pt_format fmt;
	enum pt_method method;
	int method_set;
	const char *level; /* compare: --threat-level */
	int changed;       /* compare: --changed */
};

/* Parse argv[from..] into o and positional arguments into pos (room for max). */
static int parse(struct pt_cli *cli, int from, struct opts *o, const char **pos, int max, int *n)
{
	const char *val;
	int i;
	*n = 0;
	for (i = from; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--format")) != NULL) {
			if (pt_cli_parse_format(val, 0, &o->fmt))
				return pt_cli_usage_error(cli, "--format is table, csv or json");
		} else if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a USER");
			o->as = val;
		} else if ((val = pt_cli_option(cli, &i, "--method")) != NULL) {
			if (pt_method_parse(val, &o->method) != PT_OK || o->method == PT_METHOD_CARVER)
				return pt_cli_usage_error(cli, "--method is fema or quant");
			o->method_set = 1;
		} else if ((val = pt_cli_option(cli, &i, "--threat-level")) != NULL) {
			o->level = val;
		} else if (strcmp(cli->argv[i], "--changed") == 0) {
			o->changed = 1;
		} else if (cli->argv[i][0] == '-' && cli->argv[i][1] == '-') {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		} else if (*n < max) {
			pos[(*n)++] = cli->argv[i];
		} else
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
	}
	return 0;
}

static void time_text(int64_t t, char *buf, size_t size)
{
	pt_hist_time_text(t, buf, size);
}

static void print_meta_line(const struct pt_hist_meta *m)
{
	char at[PT_TIMESTAMP_MAX], name[PT_HIST_NAME_MAX * 4];
	time_text(m->taken_at, at, sizeof at);
	pt_cli_safe_text(name, sizeof name, m->name);
	printf("%4lld  %-20s  %-5s  ", m->id, at, pt_method_name(m->method));
	pt_cli_print_cell(stdout, m->taken_by, 22);
	printf("  %s\n", name);
}

/* A figure for the table: EUR with separators (quant), a whole score (FEMA). */
static void figure_text(enum pt_method method, double x, char *buf, size_t size)
{
	if (method == PT_METHOD_FEMA)
		snprintf(buf, size, "%.0f", x);
	else
		pt_cli_format_eur(x, buf, size);
}

/* The cause of the largest change, as words. */
static const char *main_cause(const double *delta)
{
	size_t c, best = PT_HIST_CAUSE_COUNT;
	double big = 1e-9;
	for (c = 0; c < PT_HIST_CAUSE_COUNT; c++)
		if ((delta[c] < 0 ? -delta[c] : delta[c]) > big) {
			big = delta[c] < 0 ? -delta[c] : delta[c];
			best = c;
		}
	return best < PT_HIST_CAUSE_COUNT ? pt_hist_cause_name((enum pt_hist_cause)best) : "-";
}

/* The view as a table: one line per row whose risk is not 0 then and now, then totals. */
static void view_table(const struct pt_hist_view *v)
{
	char a[48], b[48], c[48];
	size_t i;
	pt_marking_text_line(stderr, v->marking);
	printf("threat level: %s\n", v->level_text);
	if (!v->compare) {
		printf("%-8s  %-40s  %14s  %-9s  %s\n", "SITE", "NAME", "RISK", "BAND", "MEASURES");
		for (i = 0; i < v->n; i++) {
			const struct pt_hist_row *r = &v->rows[i];
			figure_text(v->method, r->risk_to, a, sizeof a);
			printf("%-8s  ", r->site.id);
			pt_cli_print_cell(stdout, r->site.name, 40);
			printf("  %14s  %-9s  %zu\n", a, pt_band_name(r->band_to), r->measures_to);
		}
		return;
	}
	printf("%-8s  %-36s  %14s  %14s  %14s  %s\n", "SITE", "NAME", "THEN", "NOW", "CHANGE",
	       "MAIN CAUSE");
	for (i = 0; i < v->n; i++) {
		const struct pt_hist_row *r = &v->rows[i];
		if (r->risk_from == 0 && r->risk_to == 0)
			continue;
		figure_text(v->method, r->risk_from, a, sizeof a);
		figure_text(v->method, r->risk_to, b, sizeof b);
		figure_text(v->method, r->risk_to - r->risk_from, c, sizeof c);
		printf("%-8s  ", r->site.id);
		pt_cli_print_cell(stdout, r->site.name, 36);
		printf("  %14s  %14s  %14s  %s\n", a, b, c, main_cause(r->delta));
	}
	if (v->nation) {
		size_t k;
		figure_text(v->method, v->nation->risk_from, a, sizeof a);
		figure_text(v->method, v->nation->risk_to, b, sizeof b);
		figure_text(v->method, v->nation->risk_to - v->nation->risk_from, c, sizeof c);
		printf("%-8s  %-36s  %14s  %14s  %14s\n", "TOTAL", "(every site you may read)", a, b, c);
		for (k = 0; k < PT_HIST_CAUSE_COUNT; k++) {
			figure_text(v->method, v->nation->delta[k], c, sizeof c);
			printf("  %-20s %14s\n", pt_hist_cause_name((enum pt_hist_cause)k), c);
		}
	}
}

static int write_view(const struct pt_hist_view *v, enum pt_format fmt)
{
	if (fmt == PT_FORMAT_JSON)
		return pt_cli_write_json(pt_hist_view_json(v), JSON_INDENT(2));
	if (fmt == PT_FORMAT_CSV)
		pt_hist_view_csv(stdout, v);
	else
		view_table(v);
	return 0;
}

int pt_cmd_snapshot(struct pt_cli *cli)
{
	struct opts o;
	const char *pos[2];
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err = PT_OK;
	const char *sub = cli->argc > 0 ? cli->argv[0] : "";
	long long id = 0;
	int n = 0, rc;

	memset(&o, 0, sizeof o);
	o.method = PT_METHOD_QUANT;
	if (strcmp(sub, "take") && strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "rm"))
		return pt_cli_usage_error(cli, "take, list, show or rm");
	if ((rc = parse(cli, 1, &o, pos, 1, &n)))
		return rc;
	if (o.level || o.changed)
		return pt_cli_usage_error(cli, "--threat-level and --changed belong to 'protect compare'");
	if (strcmp(sub, "list") == 0 ? n != 0 : n != 1)
		return pt_cli_usage_error(cli, strcmp(sub, "take") == 0 ? "take needs a NAME"
									: "%s needs an ID", sub);
	if ((strcmp(sub, "show") == 0 || strcmp(sub, "rm") == 0) && parse_id(pos[0], &id))
		return pt_cli_usage_error(cli, "'%s' is not a snapshot ID", pos[0]);
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, o.as, &c)))
		goto out;
	if (strcmp(sub, "take") == 0) {
		struct pt_hist_meta m;
		if ((err = pt_app_snapshot_take(&c, db, pos[0], o.method, &m, &d)) == PT_OK)
			printf("snapshot %lld \"%s\" taken\n", m.id, m.name);
	} else if (strcmp(sub, "list") == 0) {
		struct pt_hist_meta *list = NULL;
		size_t k, count = 0;
		if ((err = pt_app_snapshots_list(&c, db, &list, &count, &d)) == PT_OK) {
			if (o.fmt == PT_FORMAT_JSON) {
				json_t *a = json_array();
				for (k = 0; a && k < count; k++)
					if (json_array_append_new(a, pt_hist_meta_json(&list[k]))) {
						json_decref(a);
						a = NULL;
					}
				rc = pt_cli_write_json(a, JSON_INDENT(2));
			} else if (o.fmt == PT_FORMAT_CSV) {
				printf("id,taken_at,method,taken_by,name\n");
				for (k = 0; k < count; k++) {
					char at[PT_TIMESTAMP_MAX];
					time_text(list[k].taken_at, at, sizeof at);
					printf("%lld,%s,%s,", list[k].id, at,
					       pt_method_name(list[k].method));
					pt_csv_write_field(stdout, list[k].taken_by);
					putchar(',');
					pt_csv_write_field(stdout, list[k].name);
					putchar('\n');
				}
			} else {
				printf("%4s  %-20s  %-5s  %-22s  %s\n", "ID", "TAKEN", "METHOD",
				       "BY", "NAME");
				for (k = 0; k < count; k++)
					print_meta_line(&list[k]);
			}
		}
		free(list);
	} else if (strcmp(sub, "show") == 0) {
		struct pt_hist_view v;
		if ((err = pt_app_snapshot_show(&c, db, id, o.method_set ? o.method : PT_METHOD_CARVER,
						&v, &d)) == PT_OK) {
			rc = write_view(&v, o.fmt);
			pt_hist_view_clear(&v);
		}
	} else {
		if ((err = pt_app_snapshot_delete(&c, db, id, &d)) == PT_OK)
			printf("snapshot %lld deleted\n", id);
	}
	if (err != PT_OK)
		rc = pt_cli_fail(err, &d);
out:
	pt_app_db_close(db);
	return rc;
}

int pt_cmd_compare(struct pt_cli *cli)
{
	struct opts o;
	struct pt_hist_compare_opts co;
	struct pt_hist_view v;
	const char *pos[2];
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	long long from = 0, to = 0;
	int n = 0, rc;

	memset(&o, 0, sizeof o);
	memset(&co, 0, sizeof co);
	o.method = PT_METHOD_QUANT;
	if ((rc = parse(cli, 0, &o, pos, 2, &n)))
		return rc;
	if (n < 1)
		return pt_cli_usage_error(cli, "compare needs a snapshot ID FROM");
	if (parse_id(pos[0], &from))
		return pt_cli_usage_error(cli, "'%s' is not a snapshot ID", pos[0]);
	if (n == 2 && strcmp(pos[1], "now") != 0 && parse_id(pos[1], &to))
		return pt_cli_usage_error(cli, "'%s' is not a snapshot ID or 'now'", pos[1]);
	co.method = o.method;
	co.basis = PT_HIST_BASIS_LATER;
	if (o.level && strcmp(o.level, "own") == 0)
		co.basis = PT_HIST_BASIS_OWN;
	else if (o.level && strcmp(o.level, "later") != 0) {
		if (pt_threat_level_parse(o.level, &co.level) != PT_OK)
			return pt_cli_usage_error(cli, "--threat-level is later, own, LOW, MODERATE, "
						       "SUBSTANTIAL, SEVERE or CRITICAL");
		co.basis = PT_HIST_BASIS_LEVEL;
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, o.as, &c)))
		goto out;
	if ((err = pt_app_snapshot_compare(&c, db, from, to, &co, &v, &d)) != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (o.changed) { /* only the sites whose risk changed; totals and marking stay the view's */
		size_t i, k = 0;
		for (i = 0; i < v.n; i++)
			if (v.rows[i].risk_to != v.rows[i].risk_from) {
				v.rows[k] = v.rows[i];
				v.tlp[k++] = v.tlp[i];
			}
		v.n = k;
	}
	rc = write_view(&v, o.fmt);
	pt_hist_view_clear(&v);
out:
	pt_app_db_close(db);
	return rc;
}
