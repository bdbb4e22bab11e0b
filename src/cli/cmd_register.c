/* cmd_register.c - `protect register list|set|approve|history`: the risk
 * register's treatment decisions per site-threat risk, recorded as a user
 * (--as USER) or as the system administrator. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "app/pt_app_register.h"
#include "core/pt_site_filter.h"
#include "formats/pt_csv.h"
#include "formats/pt_marking_io.h"
#include "formats/pt_register_io.h"

static const char *approval_text(const struct pt_register_entry *e)
{
	if (e->reopened) /* issue 11: the band rose since the acceptance */
		return "reopened";
	if (e->approved)
		return "approved";
	if (e->needs_approval)
		return "pending";
	return "-";
}

/* register list with the filter (issue 16 item 5: the caller's, emptied by it) */
static int register_list_filtered(struct pt_cli *cli, struct pt_site_filter *filter)
{
	struct pt_db *db = NULL;
	struct pt_register_list l;
	const struct pt_register_entry *rows;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_format fmt = PT_FORMAT_TABLE;
	const char *val, *site = NULL, *as = NULL;
	size_t n = 0, k;
	int i, rc;
	enum pt_err err;

	for (i = 1; i < cli->argc; i++) {
		if ((rc = pt_cli_filter_option(cli, &i, filter)) == 1) /* issue 16 item 5 */
			continue;
		if (rc)
			return rc;
		if ((val = pt_cli_option(cli, &i, "--format")) != NULL) {
			if (pt_cli_parse_format(val, 0, &fmt))
				return pt_cli_usage_error(cli, "--format is table, csv or json");
		} else if ((val = pt_cli_option(cli, &i, "--site")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--site needs a site ID");
			site = val;
		} else if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a USER");
			as = val;
		} else
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&l, 0, sizeof l);
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	err = pt_app_register_list_filtered(&c, db, site, filter, 0, (size_t)-1, NULL, &l, &d);
	if (err != PT_OK) {
		rc = pt_cli_filter_fail(cli, err, &d);
		goto out;
	}
	rows = l.items;
	n = l.n;
	if (fmt == PT_FORMAT_JSON) {
		json_t *a = json_array();
		for (k = 0; a && k < n; k++) {
			json_t *o = pt_register_entry_to_json(&rows[k], PT_REGISTER_JSON_TEXT, 0);
			if (!o || json_array_append_new(a, o)) {
				json_decref(a);
				a = NULL;
			}
		}
		/* {"items": [...], "tlp": the marking of the entries} */
		a = a ? pt_marking_json(json_pack("{s:o}", "items", a),
					pt_register_marking(rows, n))
		      : NULL;
		if ((rc = pt_cli_write_json(a, JSON_INDENT(2))))
			goto out;
	} else if (fmt == PT_FORMAT_CSV) {
		pt_register_write_csv(stdout, rows, n); /* issue 16: one writer in src/formats */
	} else {
		char eur[64], after[64];
		size_t with_committed = 0, reopened = 0, overdue = 0;
		printf("%-8s %-18s %-9s %14s %14s %-9s %-8s %-14s %-18s %s\n", "SITE", "THREAT",
		       "RISK BAND", "RISK/YR (EUR)", "COMMITTED (*)", "TREATMENT", "APPROVAL", "RESPONSIBLE",
		       "REVIEW", "MEASURES");
		for (k = 0; k < n; k++) {
			const struct pt_register_entry *e = &rows[k];
			pt_cli_format_eur(e->risk_eur_year, eur, sizeof eur);
			if (e->n_committed) {
				pt_cli_format_eur(e->residual_eur_year, after, sizeof after);
				with_committed++;
			} else {
				snprintf(after, sizeof after, "-");
			}
			pt_cli_print_cell(stdout, e->site_id, 8);
			putchar(' ');
			pt_cli_print_cell(stdout, e->threat_id, 18);
			putchar(' ');
			pt_cli_print_cell(stdout, pt_band_name(e->band), 9);
			printf(" %14s %14s ", eur, after);
			pt_cli_print_cell(stdout, pt_treatment_name(e->treatment), 9);
			putchar(' ');
			pt_cli_print_cell(stdout, approval_text(e), 8);
			putchar(' ');
			pt_cli_print_cell(stdout, e->responsible[0] ? e->responsible : "-", 14);
			putchar(' ');
			{ /* issue 11: an overdue review says so, after its date */
				char review[32];
				snprintf(review, sizeof review, "%s%s",
					 *e->review_date ? e->review_date : "-",
					 e->overdue ? " overdue" : "");
				pt_cli_print_cell(stdout, review, 18);
			}
			if (e->reopened)
				reopened++;
			if (e->overdue)
				overdue++;
			putchar(' ');
			pt_cli_print_last(stdout, e->measures[0] ? e->measures : "-", 40);
			putchar('\n');
		}
		printf("%zu site-threat risk%s\n", n, n == 1 ? "" : "s");
		{ /* issue 11 item 2: the threat level each risk band is at */
			size_t lv, cnt[PT_LEVEL_COUNT] = {0}, kinds = 0;
			for (k = 0; k < n; k++)
				for (lv = 0; lv < PT_LEVEL_COUNT; lv++)
					if (strcmp(rows[k].threat_level,
						   pt_threat_level_name((enum pt_threat_level)lv)) == 0)
						cnt[lv]++;
			for (lv = 0; lv < PT_LEVEL_COUNT; lv++)
				kinds += cnt[lv] > 0;
			if (kinds)
				printf("Risk bands at today's threat level%s:", kinds > 1 ? "s" : "");
			for (lv = 0; lv < PT_LEVEL_COUNT; lv++)
				if (cnt[lv])
					printf(kinds > 1 ? " %s (%zu)" : " %s",
					       pt_threat_level_name((enum pt_threat_level)lv), cnt[lv]);
			if (kinds)
				putchar('\n');
		}
		pt_cli_marking(pt_register_marking(rows, n));
		if (reopened || overdue) /* listed first */
			printf("%zu re-opened (accepted, and the band has risen since: approval needed "
			       "again), %zu overdue for review (their review date has passed)\n",
			       reopened, overdue);
		if (with_committed)
			printf("(*) the risk a year once the measures committed at the site are in place "
			       "(%zu risk%s); - where none is committed\n",
			       with_committed, with_committed == 1 ? "" : "s");
	}
out:
	pt_register_list_clear(&l);
	pt_app_db_close(db);
	return rc;
}

static int register_list(struct pt_cli *cli)
{
	struct pt_site_filter filter;
	int rc;
	memset(&filter, 0, sizeof filter);
	rc = register_list_filtered(cli, &filter);
	pt_site_filter_clear(&filter);
	return rc;
}

static int register_set(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_register_change ch;
	struct pt_register_entry e;
	struct pt_caller c;
	enum pt_treatment t;
	struct pt_diag d;
	const char *val, *site = NULL, *threat = NULL, *as = NULL;
	int i, rc, changes = 0;
	enum pt_err err;

	memset(&ch, 0, sizeof ch);
	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--treatment")) != NULL) {
			if (pt_treatment_parse(val, &t) != PT_OK || t == PT_TREAT_NONE)
				return pt_cli_usage_error(
					cli, "--treatment is accept, reduce, transfer or avoid, not '%s'",
					val);
			ch.treatment = val;
			changes++;
		} else if ((val = pt_cli_option(cli, &i, "--responsible")) != NULL) {
			ch.responsible = val;
			changes++;
		} else if ((val = pt_cli_option(cli, &i, "--review-date")) != NULL) {
			ch.review_date = val;
			changes++;
		} else if ((val = pt_cli_option(cli, &i, "--measures")) != NULL) {
			ch.measures = val;
			changes++;
		} else if ((val = pt_cli_option(cli, &i, "--note")) != NULL) {
			ch.note = val;
			changes++;
		} else if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a USER");
			as = val;
		} else if (cli->argv[i][0] == '-') {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		} else if (!site) {
			site = cli->argv[i];
		} else if (!threat) {
			threat = cli->argv[i];
		} else {
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
		}
	}
	if (!site || !threat)
		return pt_cli_usage_error(cli, "register set needs SITE THREAT");
	if (!changes)
		return pt_cli_usage_error(cli, "say what to record: --treatment, --responsible, "
					       "--review-date, --measures or --note");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	err = pt_app_register_set(&c, db, site, threat, &ch, &e, NULL, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf("%s %s: treatment %s", e.site_id, e.threat_id, pt_treatment_name(e.treatment));
	if (e.needs_approval && !e.approved)
		printf(", awaiting a government coordinator's approval (band %s)",
		       pt_band_name(e.band));
	else if (e.needs_approval && e.approved)
		printf(", approved by %s", e.approved_by);
	printf("; recorded by %s\n", e.updated_by);
out:
	pt_app_db_close(db);
	return rc;
}

/* SITE THREAT [--as USER] [--format F when allowed]. */
static int site_threat_args(struct pt_cli *cli, const char **site, const char **threat,
			    const char **as, enum pt_format *fmt)
{
	const char *val;
	int i;
	*site = *threat = *as = NULL;
	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a USER");
			*as = val;
		} else if (fmt && (val = pt_cli_option(cli, &i, "--format")) != NULL) {
			if (pt_cli_parse_format(val, 0, fmt))
				return pt_cli_usage_error(cli, "--format is table, csv or json");
		} else if (cli->argv[i][0] == '-') {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		} else if (!*site) {
			*site = cli->argv[i];
		} else if (!*threat) {
			*threat = cli->argv[i];
		} else {
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
		}
	}
	if (!*site || !*threat)
		return pt_cli_usage_error(cli, "register %s needs SITE THREAT", cli->argv[0]);
	return 0;
}

static int register_approve(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_register_entry e;
	struct pt_diag d;
	const char *site, *threat, *as;
	int rc;
	enum pt_err err;

	if ((rc = site_threat_args(cli, &site, &threat, &as, NULL)))
		return rc;
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	err = pt_app_register_approve(&c, db, site, threat, &e, NULL, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf("%s %s: acceptance approved by %s\n", e.site_id, e.threat_id,
	       e.approved_by[0] ? e.approved_by : PT_ACTOR_SYSTEM);
out:
	pt_app_db_close(db);
	return rc;
}

static int register_history(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_register_history_row *rows = NULL;
	struct pt_diag d;
	enum pt_tlp tlp = PT_TLP_CLEAR; /* the site's own label, the history's marking */
	enum pt_format fmt = PT_FORMAT_TABLE;
	const char *site, *threat, *as;
	size_t n = 0, k;
	int rc;
	enum pt_err err;

	if ((rc = site_threat_args(cli, &site, &threat, &as, &fmt)))
		return rc;
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	err = pt_app_register_history_marked(&c, db, site, threat, &rows, &n, &tlp, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (fmt == PT_FORMAT_JSON) {
		json_t *a = json_array();
		for (k = 0; a && k < n; k++) {
			json_t *o = pt_register_history_to_json(&rows[k]);
			if (!o || json_array_append_new(a, o)) {
				json_decref(a);
				a = NULL;
			}
		}
		/* {"site_id", "threat_id", "items": [...], "tlp"}: the API's answer (issue 11) */
		a = a ? pt_marking_json(json_pack("{s:s,s:s,s:o}", "site_id", site, "threat_id",
						  threat, "items", a),
					tlp)
		      : NULL;
		if ((rc = pt_cli_write_json(a, JSON_INDENT(2))))
			goto out;
	} else if (fmt == PT_FORMAT_CSV) {
		fprintf(stdout, "# %s\r\n", pt_marking_label(tlp)); /* as its rows end; importers skip it */
		printf("at,actor,action,detail\r\n");
		for (k = 0; k < n; k++) {
			pt_csv_write_field(stdout, rows[k].at);
			putchar(',');
			pt_csv_write_field(stdout, rows[k].actor);
			putchar(',');
			pt_csv_write_field(stdout, rows[k].action);
			putchar(',');
			pt_csv_write_field(stdout, rows[k].detail);
			fputs("\r\n", stdout);
		}
	} else {
		printf("%-20s %-20s %-8s %s\n", "AT", "BY", "ACTION", "WHAT");
		for (k = 0; k < n; k++) {
			pt_cli_print_cell(stdout, rows[k].at, 20);
			putchar(' ');
			pt_cli_print_cell(stdout, rows[k].actor, 20);
			putchar(' ');
			pt_cli_print_cell(stdout, rows[k].action, 8);
			putchar(' ');
			pt_cli_print_last(stdout, rows[k].detail, 200);
			putchar('\n');
		}
		printf("%zu change%s of %s %s\n", n, n == 1 ? "" : "s", site, threat);
		pt_cli_marking(tlp);
	}
out:
	free(rows);
	pt_app_db_close(db);
	return rc;
}

int pt_cmd_register(struct pt_cli *cli)
{
	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "say what to do: list, set, approve or history");
	if (strcmp(cli->argv[0], "list") == 0)
		return register_list(cli);
	if (strcmp(cli->argv[0], "set") == 0)
		return register_set(cli);
	if (strcmp(cli->argv[0], "approve") == 0)
		return register_approve(cli);
	if (strcmp(cli->argv[0], "history") == 0)
		return register_history(cli);
	return pt_cli_usage_error(cli, "unknown register command '%s' (list, set, approve, history)",
				  cli->argv[0]);
}
