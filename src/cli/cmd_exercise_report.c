/* cmd_exercise_report.c - `protect exercise report RUN --format html|csv` (the
 * after-action report of a stored exercise run, issue 15) and `protect
 * exercise link RUN ITEM --measure SITE MEASURE | --register SITE THREAT`
 * (an improvement item made a measure at a site or a note on a register risk),
 * `protect exercise item RUN ITEM --status STATUS` (the facilitators' status of an item). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../app/pt_app_exercise_report.h"
#include "../app/pt_app_simulate.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_exercise_report_io.h"
#include "cli.h"

/* A positive id: digits only. */
static int parse_id(const char *s, long long *out)
{
	char *end;
	long long v;
	if (!s || *s < '1' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return -1;
	*out = v;
	return 0;
}

/* Write text[0, len) to path ("-" or NULL: stdout); 0 or an exit status (printed). */
static int write_text(const char *path, const char *text, size_t len)
{
	FILE *f;
	int rc = 0;
	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
			return pt_cli_stdout_failed();
		return 0;
	}
	if (!(f = fopen(path, "w"))) {
		pt_cli_errorf("%s: %s", path, strerror(errno));
		return 73;
	}
	if (fwrite(text, 1, len, f) != len)
		rc = 74;
	if (fclose(f) != 0)
		rc = 74;
	if (rc)
		pt_cli_errorf("%s: %s", path, strerror(errno));
	return rc;
}

int pt_cmd_exercise_report(struct pt_cli *cli)
{
	const char *format = NULL, *out = NULL, *as = NULL, *run = NULL, *val;
	struct pt_app_run_report *rep = NULL;
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d;
	unsigned long threads = 0;
	long long id = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *m;
	enum pt_err err;
	long ncpu;
	int i, rc = 0, html;

	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--format")))
			format = val;
		else if ((val = pt_cli_option(cli, &i, "--out"))) {
			if (!*val)
				return pt_cli_usage_error(cli, "--out needs a FILE");
			out = val;
		} else if ((val = pt_cli_option(cli, &i, "--as"))) {
			if (!*val)
				return pt_cli_usage_error(cli, "--as needs a USER");
			as = val;
		} else if ((val = pt_cli_option(cli, &i, "--threads"))) {
			if (pt_cli_parse_ulong(val, 1, PT_APP_SIM_MAX_THREADS, &threads))
				return pt_cli_usage_error(cli, "--threads: '%s' is not a whole number 1-%d",
							  val, PT_APP_SIM_MAX_THREADS);
		} else if (cli->argv[i][0] == '-' || run)
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
		else
			run = cli->argv[i];
	}
	if (!run)
		return pt_cli_usage_error(cli, "exercise report needs a RUN id");
	if (parse_id(run, &id))
		return pt_cli_usage_error(cli, "RUN: '%s' is not a run id (a whole number from 1)", run);
	if (!format)
		return pt_cli_usage_error(cli, "--format html or --format csv is needed");
	if (strcmp(format, "html") == 0)
		html = 1;
	else if (strcmp(format, "csv") == 0)
		html = 0;
	else
		return pt_cli_usage_error(cli, "--format is html or csv");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (!threads)
		threads = ncpu > 0 ? (unsigned long)ncpu : 1;
	if (threads > PT_APP_SIM_MAX_THREADS)
		threads = PT_APP_SIM_MAX_THREADS;
	/* the CSV is the improvement plan: no simulation needed */
	err = html ? pt_app_run_report(&c, db, id, (unsigned)threads, &rep, &d)
		   : pt_app_run_report_prepare(&c, db, id, &rep, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (!(m = open_memstream(&text, &len))) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto out;
	}
	err = html ? pt_ex_report_html(m, rep->doc) : pt_ex_report_csv(m, rep->doc);
	if (fclose(m) != 0 || err != PT_OK) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto out;
	}
	rc = write_text(out, text, len);
out:
	free(text);
	pt_app_run_report_free(rep);
	pt_app_db_close(db);
	return rc;
}

/* What `exercise link` and `exercise item` both take: --as USER, then RUN and ITEM. */
struct run_item {
	const char *as, *run, *item;
	long long id, item_id;
};

/* Argument *i when it is one of those: 0; else the usage error's status. */
static int run_item_arg(struct pt_cli *cli, int *i, struct run_item *x)
{
	const char *val;
	if ((val = pt_cli_option(cli, i, "--as"))) {
		if (!*val)
			return pt_cli_usage_error(cli, "--as needs a USER");
		x->as = val;
	} else if (cli->argv[*i][0] == '-')
		return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[*i]);
	else if (!x->run)
		x->run = cli->argv[*i];
	else if (!x->item)
		x->item = cli->argv[*i];
	else
		return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[*i]);
	return 0;
}

/* RUN and ITEM given and whole numbers into x->id, x->item_id: 0; else the usage error's status. */
static int run_item_ids(struct pt_cli *cli, const char *command, struct run_item *x)
{
	if (!x->run || !x->item)
		return pt_cli_usage_error(cli, "exercise %s needs a RUN id and an ITEM id", command);
	if (parse_id(x->run, &x->id))
		return pt_cli_usage_error(cli, "RUN: '%s' is not a run id (a whole number from 1)",
					  x->run);
	if (parse_id(x->item, &x->item_id))
		return pt_cli_usage_error(cli, "ITEM: '%s' is not an item id (a whole number from 1)",
					  x->item);
	return 0;
}

int pt_cmd_exercise_link(struct pt_cli *cli)
{
	const char *a = NULL, *b = NULL;
	struct run_item x = {0};
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	int i, rc, kind = 0; /* 1 measure, 2 register */

	for (i = 1; i < cli->argc; i++) {
		if (strcmp(cli->argv[i], "--measure") == 0 || strcmp(cli->argv[i], "--register") == 0) {
			if (kind)
				return pt_cli_usage_error(cli, "give one of --measure and --register");
			kind = cli->argv[i][2] == 'm' ? 1 : 2;
			if (i + 2 >= cli->argc || cli->argv[i + 1][0] == '-' ||
			    cli->argv[i + 2][0] == '-')
				return pt_cli_usage_error(cli, "%s needs SITE and %s", cli->argv[i],
							  kind == 1 ? "MEASURE" : "THREAT");
			a = cli->argv[++i];
			b = cli->argv[++i];
		} else if ((rc = run_item_arg(cli, &i, &x)))
			return rc;
	}
	if ((rc = run_item_ids(cli, "link", &x)))
		return rc;
	if (!kind)
		return pt_cli_usage_error(cli, "--measure SITE MEASURE or --register SITE THREAT is "
					       "needed");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, x.as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	err = kind == 1 ? pt_app_run_improvement_measure(&c, db, x.id, x.item_id, a, b, &d)
			: pt_app_run_improvement_register(&c, db, x.id, x.item_id, a, b, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (kind == 1)
		printf("run %lld, item %lld: measure %s at site %s\n", x.id, x.item_id, b, a);
	else
		printf("run %lld, item %lld: noted on the register risk %s / %s\n", x.id, x.item_id,
		       a, b);
out:
	pt_app_db_close(db);
	return rc;
}

int pt_cmd_exercise_item(struct pt_cli *cli)
{
	const char *status = NULL, *val;
	struct run_item x = {0};
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	int i, rc;

	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--status"))) {
			if (!*val)
				return pt_cli_usage_error(cli, "--status needs a STATUS (%s)",
							  PT_APP_ITEM_STATUSES);
			status = val;
		} else if ((rc = run_item_arg(cli, &i, &x)))
			return rc;
	}
	if ((rc = run_item_ids(cli, "item", &x)))
		return rc;
	if (!status)
		return pt_cli_usage_error(cli, "--status STATUS is needed (%s)", PT_APP_ITEM_STATUSES);
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, x.as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	if ((err = pt_app_run_improvement_status(&c, db, x.id, x.item_id, status, &d)) != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf("run %lld, item %lld: %s\n", x.id, x.item_id, status);
out:
	pt_app_db_close(db);
	return rc;
}
