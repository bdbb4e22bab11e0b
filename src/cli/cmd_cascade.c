/* cmd_cascade.c - `protect cascade` (a cascade from chosen failures) and
 * `protect spof` (the single points of failure), issue 12. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../app/pt_app_resilience.h"
#include "../formats/pt_cascade_io.h"
#include "../formats/pt_marking_io.h"
#include "cli.h"

/* A number of hours for option name: finite, within 0 (exclusive when positive) and the limit. */
static int parse_hours(const struct pt_cli *cli, const char *name, const char *val, int positive,
		       double *out)
{
	char *end = NULL;
	double v = strtod(val, &end);
	if (!val[0] || !end || *end || !isfinite(v) || (positive ? !(v > 0) : !(v >= 0)) ||
	    v > PT_CASCADE_MAX_HORIZON_H)
		return pt_cli_usage_error(cli, "%s: '%s' is not a number of hours %s 1000000", name,
					  val, positive ? "above 0 and at most" : "from 0 to");
	*out = v;
	return 0;
}

/* Hours as a table cell: "-" when not a number. */
static void hours_cell(double h, char *buf, size_t size)
{
	if (isfinite(h))
		snprintf(buf, size, "%.1f", h);
	else
		snprintf(buf, size, "-");
}

static void print_cascade_table(const struct pt_app_cascade_result *r)
{
	size_t i;
	char failed[32], restored[32], eur[64], rec[32];
	printf("%-14s %-34s %13s %15s %14s %16s\n", "SITE", "NAME", "FAILED AT (h)",
	       "RESTORED AT (h)", "LOWEST SERVICE", "PERSON-HOURS");
	for (i = 0; i < r->n_affected; i++) {
		const struct pt_app_cascade_site *a = &r->affected[i];
		hours_cell(a->failed_at_h, failed, sizeof failed);
		hours_cell(a->restored_at_h, restored, sizeof restored);
		pt_cli_print_cell(stdout, a->site_id, 14);
		fputc(' ', stdout);
		pt_cli_print_cell(stdout, a->name, 34);
		pt_cli_format_eur(a->person_hours_lost, eur, sizeof eur);
		printf(" %13s %15s %13.0f%% %16s\n", failed, restored, 100 * a->min_service, eur);
	}
	hours_cell(r->recovery_h, rec, sizeof rec);
	pt_cli_format_eur(r->person_hours_lost, eur, sizeof eur);
	printf("\nfailed at 0 h: %zu site%s; horizon %.0f h; ", r->n_fail, r->n_fail == 1 ? "" : "s",
	       r->hours);
	if (isfinite(r->repair_h))
		printf("repaired after %.1f h\n", r->repair_h);
	else
		printf("down the whole horizon\n");
	printf("person-hours of lost service (%s): %s\n",
	       r->show_withheld ? "every site" : "the sites listed", eur);
	if (isfinite(r->recovery_h))
		printf("full recovery of the sites listed: after %s h\n", rec);
	else
		printf("full recovery of the sites listed: not within the horizon\n");
	if (r->show_withheld)
		printf("%zu affected site%s withheld\n", r->withheld, r->withheld == 1 ? "" : "s");
}

int pt_cmd_cascade(struct pt_cli *cli)
{
	struct pt_app_cascade_opts o;
	struct pt_app_cascade_result *r = NULL;
	enum pt_format format = PT_FORMAT_TABLE;
	const char *fail_arg = NULL, *as = NULL, *val;
	char *fail_buf = NULL, *tok, *save = NULL;
	const char **ids = NULL;
	struct pt_caller c;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	int i, rc = 0;

	memset(&o, 0, sizeof o);
	for (i = 0; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--fail"))) {
			fail_arg = val;
		} else if ((val = pt_cli_option(cli, &i, "--repair-hours"))) {
			if ((rc = parse_hours(cli, "--repair-hours", val, 0, &o.repair_h)))
				return rc;
			o.repair_set = 1;
		} else if ((val = pt_cli_option(cli, &i, "--hours"))) {
			if ((rc = parse_hours(cli, "--hours", val, 1, &o.hours)))
				return rc;
			o.hours_set = 1;
		} else if ((val = pt_cli_option(cli, &i, "--format"))) {
			if (pt_cli_parse_format(val, 0, &format))
				return pt_cli_usage_error(cli, "--format: '%s' is not table, csv or json", val);
		} else if ((val = pt_cli_option(cli, &i, "--as"))) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as: a user name is needed");
			as = val;
		} else {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		}
	}
	if (!fail_arg || !fail_arg[0])
		return pt_cli_usage_error(cli, "--fail: name at least one site id");
	if (!(fail_buf = strdup(fail_arg)) ||
	    !(ids = calloc(PT_APP_CASCADE_MAX_FAIL, sizeof *ids))) {
		free(fail_buf);
		pt_cli_errorf("out of memory");
		return 71;
	}
	for (tok = strtok_r(fail_buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o.n_fail >= PT_APP_CASCADE_MAX_FAIL) {
			rc = pt_cli_usage_error(cli, "--fail: more than %d site ids",
						PT_APP_CASCADE_MAX_FAIL);
			goto out;
		}
		ids[o.n_fail++] = tok;
	}
	if (o.n_fail == 0) {
		rc = pt_cli_usage_error(cli, "--fail: name at least one site id");
		goto out;
	}
	o.fail = ids;
	if ((rc = pt_cli_open_db(cli, 0, &db)) != 0 || (rc = pt_cli_caller(db, as, &c)) != 0)
		goto out;
	memset(&d, 0, sizeof d);
	err = pt_app_cascade_run(&c, db, &o, &r, &d);
	if (err == PT_ENOTFOUND && strcmp(d.field, "fail") == 0) {
		pt_cli_errorf("--fail: %s", d.msg);
		rc = 66;
		goto out;
	}
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (format == PT_FORMAT_JSON) {
		rc = pt_cli_write_json(pt_cascade_json(r), JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	} else if (format == PT_FORMAT_CSV) {
		pt_cascade_csv(stdout, r);
	} else {
		print_cascade_table(r);
		pt_cli_marking(r->tlp);
	}
out:
	pt_app_cascade_result_free(r);
	pt_app_db_close(db);
	free(ids);
	free(fail_buf);
	return rc;
}

static void print_spof_table(const struct pt_app_spof_result *r)
{
	size_t i;
	char ph[64], ds[64], eur[64], rec[32];
	printf("%4s %-14s %-30s %14s %14s %14s %6s %8s %9s\n", "RANK", "SITE", "NAME",
	       "PERSON-HOURS", "DOWNSTREAM", "DOWNSTREAM EUR", "FAILED", "AFFECTED", "RECOVERY");
	for (i = 0; i < r->n_rows; i++) {
		const struct pt_app_spof_row *w = &r->rows[i];
		pt_cli_format_eur(w->e.person_hours_lost, ph, sizeof ph);
		pt_cli_format_eur(w->e.downstream_person_hours, ds, sizeof ds);
		pt_cli_format_eur(w->downstream_eur, eur, sizeof eur);
		hours_cell(w->e.recovery_h, rec, sizeof rec);
		printf("%4zu ", w->rank);
		pt_cli_print_cell(stdout, w->site_id, 14);
		fputc(' ', stdout);
		pt_cli_print_cell(stdout, w->name, 30);
		printf(" %14s %14s %14s %6u %8u %9s\n", ph, ds, eur, (unsigned)w->e.sites_failed,
		       (unsigned)w->e.sites_affected, rec);
	}
	printf("\neach supplying site failed alone for %.0f h, followed %.0f h; a person-hour "
	       "valued at EUR %g\n",
	       r->repair_h, r->hours, r->value_person_hour_eur);
	if (r->show_withheld)
		printf("%zu supplying site%s, %zu withheld\n", r->supplying_sites,
		       r->supplying_sites == 1 ? "" : "s", r->withheld);
	else /* docs/access.md, "Resilience answers" */
		printf("%zu supplying site%s you may read; FAILED, AFFECTED and RECOVERY count "
		       "those only\n",
		       r->supplying_sites, r->supplying_sites == 1 ? "" : "s");
}

int pt_cmd_spof(struct pt_cli *cli)
{
	struct pt_app_spof_opts o;
	struct pt_app_spof_result *r = NULL;
	struct pt_progress progress;
	enum pt_format format = PT_FORMAT_TABLE;
	unsigned long top = 0, threads = 0;
	const char *as = NULL, *val;
	struct pt_caller c;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	long ncpu;
	int i, rc = 0;

	for (i = 0; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--top"))) {
			if (pt_cli_parse_ulong(val, 1, 100000000, &top))
				return pt_cli_usage_error(cli, "--top: '%s' is not a whole number >= 1", val);
		} else if ((val = pt_cli_option(cli, &i, "--threads"))) {
			if (pt_cli_parse_ulong(val, 1, 256, &threads))
				return pt_cli_usage_error(cli, "--threads: '%s' is not a whole number 1-256", val);
		} else if ((val = pt_cli_option(cli, &i, "--format"))) {
			if (pt_cli_parse_format(val, 0, &format))
				return pt_cli_usage_error(cli, "--format: '%s' is not table, csv or json", val);
		} else if ((val = pt_cli_option(cli, &i, "--as"))) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as: a user name is needed");
			as = val;
		} else {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		}
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)) != 0 || (rc = pt_cli_caller(db, as, &c)) != 0)
		goto out;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	memset(&o, 0, sizeof o);
	o.top = top;
	o.threads = (unsigned)(threads ? threads : (ncpu > 0 ? (unsigned long)ncpu : 1));
	pt_progress_init(&progress, "sweeping");
	o.progress = pt_progress_update;
	o.progress_ctx = &progress;
	memset(&d, 0, sizeof d);
	err = pt_app_spof_run(&c, db, &o, &r, &d);
	pt_progress_done(&progress);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (format == PT_FORMAT_JSON) {
		rc = pt_cli_write_json(pt_spof_json(r), JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	} else if (format == PT_FORMAT_CSV) {
		pt_spof_csv(stdout, r);
	} else {
		print_spof_table(r);
		pt_cli_marking(r->tlp);
	}
out:
	pt_app_spof_result_free(r);
	pt_app_db_close(db);
	return rc;
}
