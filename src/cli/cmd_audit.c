/* cmd_audit.c - `protect audit list|verify|rekey`: read the audit log,
 * check its HMAC chain against DB.key, start a new chain after a lost key. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_audit.h"
#include "cli.h"
#include "formats/pt_audit_io.h"
#include "formats/pt_csv.h"
#include "formats/pt_diag.h"

/* The action column of the table: the longest action the program writes,
 * "user.second_factor.recovery" (27; tests/cli/cases_ops.sh checks every one fits). */
#define AUDIT_ACTION_WIDTH 27

#define AUDIT_LIST_DEFAULT 50

static int audit_list(struct pt_cli *cli)
{
	enum pt_format fmt = PT_FORMAT_TABLE;
	unsigned long limit = AUDIT_LIST_DEFAULT;
	struct pt_audit_page page;
	struct pt_audit_entry *e;
	struct pt_caller sys;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	size_t n, total, k;
	const char *v;
	char when[32];
	int i, rc;

	for (i = 1; i < cli->argc; i++) {
		if ((v = pt_cli_option(cli, &i, "--limit"))) {
			if (pt_cli_parse_ulong(v, 1, PT_AUDIT_LIST_MAX, &limit))
				return pt_cli_usage_error(cli, "--limit: '%s' is not a number from 1 to %d",
							  v, PT_AUDIT_LIST_MAX);
		} else if ((v = pt_cli_option(cli, &i, "--format"))) {
			if (pt_cli_parse_format(v, 0, &fmt))
				return pt_cli_usage_error(cli, "--format: '%s' is not table, csv or json", v);
		} else {
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
		}
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&d, 0, sizeof d);
	pt_caller_system(&sys);
	err = pt_app_audit_list(&sys, db, limit, 0, &page, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	e = page.items;
	n = page.n;
	total = page.total;
	if (fmt == PT_FORMAT_JSON) {
		json_t *arr = json_array();
		for (k = 0; arr && k < n; k++)
			json_array_append_new(arr, pt_audit_entry_json(&e[k], page.withheld[k]));
		rc = pt_cli_write_json(arr, JSON_INDENT(2));
		goto out;
	}
	if (fmt == PT_FORMAT_CSV)
		printf("seq,time,user,organisation,action,table,record,detail\n");
	else
		printf("%6s  %-20s  %-22s %-*s %-26s %s\n", "seq", "time (UTC)", "user",
		       AUDIT_ACTION_WIDTH, "action", "record", "detail");
	for (k = 0; k < n; k++) {
		pt_audit_time_iso(e[k].time, when, sizeof when);
		if (fmt == PT_FORMAT_CSV) {
			const char *fields[] = {e[k].user_name, e[k].org_name, e[k].action,
						e[k].record_table, e[k].record_id, e[k].detail};
			size_t f;
			printf("%lld,", e[k].seq);
			pt_csv_write_field(stdout, when);
			for (f = 0; f < sizeof fields / sizeof fields[0]; f++) {
				putchar(',');
				pt_csv_write_field(stdout, fields[f]);
			}
			putchar('\n');
		} else {
			char record[PT_AUDIT_TABLE_MAX + PT_AUDIT_RECORD_MAX + 2];
			snprintf(record, sizeof record, "%s%s%s", e[k].record_table,
				 e[k].record_id[0] ? " " : "", e[k].record_id);
			printf("%6lld  %-20s  ", e[k].seq, when);
			pt_cli_print_cell(stdout, e[k].user_name, 22);
			putchar(' ');
			pt_cli_print_cell(stdout, e[k].action, AUDIT_ACTION_WIDTH);
			putchar(' ');
			pt_cli_print_cell(stdout, record, 26);
			putchar(' ');
			pt_cli_print_last(stdout, e[k].detail, 120);
			putchar('\n');
		}
	}
	if (fmt == PT_FORMAT_TABLE)
		printf("%zu of %zu entr%s, newest first\n", n, total, total == 1 ? "y" : "ies");
out:
	pt_audit_page_clear(&page);
	pt_app_db_close(db);
	return rc;
}

static int audit_verify(struct pt_cli *cli)
{
	struct pt_audit_report rep;
	struct pt_caller c;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	if (cli->argc != 1)
		return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[1]);
	memset(&d, 0, sizeof d);
	/* Read-only, no migration: verify works on a read-only copy of the registry. */
	if ((err = pt_app_audit_open(cli->db_path, &db, &d)) != PT_OK) {
		if (!d.file[0])
			pt_strlcpy(d.file, cli->db_path, sizeof d.file);
		return pt_cli_fail(err, &d);
	}
	memset(&d, 0, sizeof d);
	pt_caller_system(&c);
	err = pt_app_audit_verify(&c, db, &rep, &d);
	pt_app_db_close(db);
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	if (rep.key_exposed)
		pt_cli_errorf("warning: %s.key can be read or written by users other than its owner "
			      "(mode %04o); writes and 'protect serve' refuse it: make it private with "
			      "'chmod 600 %s.key', and if others may have read it run 'protect audit "
			      "rekey' (whoever holds the key can rewrite the log)",
			      cli->db_path, rep.key_mode, cli->db_path);
	if (!rep.intact) {
		pt_cli_errorf("audit log NOT intact: %s", rep.message);
		pt_cli_errorf("%lld entries, %lld of them verify; run 'protect audit list' to see them",
			      rep.entries, rep.verified);
		return 65;
	}
	printf("audit log intact: %lld entries, %lld verified, chain head at entry %lld",
	       rep.entries, rep.verified, rep.head_seq);
	if (rep.breaks)
		printf(", %lld rekey break%s", rep.breaks, rep.breaks == 1 ? "" : "s");
	putchar('\n');
	if (rep.unverifiable)
		printf("note: %lld entries before a rekey break cannot be verified (their key was "
		       "lost)\n",
		       rep.unverifiable);
	return 0;
}

static int audit_rekey(struct pt_cli *cli)
{
	const char *reason = "", *v;
	char keypath[4096];
	struct pt_caller c;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	int i, rc;
	for (i = 1; i < cli->argc; i++) {
		if ((v = pt_cli_option(cli, &i, "--reason")))
			reason = v;
		else
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&d, 0, sizeof d);
	pt_caller_system(&c);
	err = pt_app_audit_rekey(&c, db, reason, keypath, sizeof keypath, &d);
	pt_app_db_close(db);
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	printf("new audit chain started; key written to %s (keep it secret; back it up with the "
	       "database)\n",
	       keypath);
	return 0;
}

int pt_cmd_audit(struct pt_cli *cli)
{
	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "say list, verify or rekey");
	if (strcmp(cli->argv[0], "list") == 0)
		return audit_list(cli);
	if (strcmp(cli->argv[0], "verify") == 0)
		return audit_verify(cli);
	if (strcmp(cli->argv[0], "rekey") == 0)
		return audit_rekey(cli);
	return pt_cli_usage_error(cli, "unknown action '%s' (list, verify or rekey)", cli->argv[0]);
}
