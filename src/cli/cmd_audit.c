/* cmd_audit.c - `protect audit list|verify|rekey`: read the audit log,
 * check its HMAC chain against DB.key, start a new chain after a lost key. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "formats/pt_diag.h"
#include "store/pt_audit.h"

#define AUDIT_LIST_DEFAULT 50

/* "2025-01-01T10:00:00Z" of unix seconds t. */
static void iso_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "%lld", (long long)t);
}

static int audit_list(struct pt_cli *cli)
{
	enum pt_format fmt = PT_FORMAT_TABLE;
	unsigned long limit = AUDIT_LIST_DEFAULT;
	struct pt_audit_entry *e = NULL;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	size_t n = 0, total = 0, k;
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
	err = pt_audit_list(db, 0, limit, 0, &e, &n, &total, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (fmt == PT_FORMAT_JSON) {
		json_t *arr = json_array();
		for (k = 0; arr && k < n; k++) {
			iso_time(e[k].time, when, sizeof when);
			json_array_append_new(
				arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "seq",
					       (json_int_t)e[k].seq, "time", when, "user", e[k].user_name,
					       "organisation", e[k].org_name, "action", e[k].action,
					       "table", e[k].record_table, "record", e[k].record_id,
					       "detail", e[k].detail));
		}
		rc = pt_cli_write_json(arr, JSON_INDENT(2));
		goto out;
	}
	if (fmt == PT_FORMAT_CSV)
		printf("seq,time,user,organisation,action,table,record,detail\n");
	else
		printf("%6s  %-20s  %-22s %-20s %-26s %s\n", "seq", "time (UTC)", "user", "action",
		       "record", "detail");
	for (k = 0; k < n; k++) {
		iso_time(e[k].time, when, sizeof when);
		if (fmt == PT_FORMAT_CSV) {
			const char *fields[] = {e[k].user_name, e[k].org_name, e[k].action,
						e[k].record_table, e[k].record_id, e[k].detail};
			size_t f;
			printf("%lld,%s", e[k].seq, when);
			for (f = 0; f < sizeof fields / sizeof fields[0]; f++) {
				const char *c;
				putchar(',');
				if (!strpbrk(fields[f], ",\"\r\n")) {
					fputs(fields[f], stdout);
					continue;
				}
				putchar('"');
				for (c = fields[f]; *c; c++) {
					if (*c == '"')
						putchar('"');
					putchar(*c);
				}
				putchar('"');
			}
			putchar('\n');
		} else {
			char record[PT_AUDIT_TABLE_MAX + PT_AUDIT_RECORD_MAX + 2];
			snprintf(record, sizeof record, "%s%s%s", e[k].record_table,
				 e[k].record_id[0] ? " " : "", e[k].record_id);
			printf("%6lld  %-20s  ", e[k].seq, when);
			pt_cli_print_cell(stdout, e[k].user_name, 22);
			putchar(' ');
			pt_cli_print_cell(stdout, e[k].action, 20);
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
	free(e);
	pt_db_close(db);
	return rc;
}

static int audit_verify(struct pt_cli *cli)
{
	struct pt_audit_report rep;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	int rc;
	if (cli->argc != 1)
		return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[1]);
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&d, 0, sizeof d);
	err = pt_audit_verify(db, &rep, &d);
	pt_db_close(db);
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
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
	err = pt_audit_rekey(db, reason, &d);
	pt_db_close(db);
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	if (pt_audit_key_path(cli->db_path, keypath, sizeof keypath) != PT_OK)
		pt_strlcpy(keypath, "the key file", sizeof keypath);
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
