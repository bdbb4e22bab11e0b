/* cmd_config.c - `protect config show|set`: the configurable figures
 * (src/app/pt_app_registry); `protect threat-level` is in cmd_threat_level.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_registry.h"
#include "cli.h"
#include "formats/pt_diag.h"

static void shortest(double v, char *buf, size_t size)
{
	int prec;
	if (v == (double)(long long)v && v > -1e15 && v < 1e15) {
		snprintf(buf, size, "%lld", (long long)v);
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

int pt_cmd_config(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_config cfg;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	size_t i;
	int rc;

	pt_caller_system(&c);
	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "say show or set KEY VALUE");
	if (strcmp(cli->argv[0], "show") == 0) {
		if (cli->argc != 1)
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[1]);
	} else if (strcmp(cli->argv[0], "set") == 0) {
		if (cli->argc != 3)
			return pt_cli_usage_error(cli, "set needs KEY VALUE");
	} else {
		return pt_cli_usage_error(cli, "unknown action '%s' (show or set)", cli->argv[0]);
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if (strcmp(cli->argv[0], "set") == 0) {
		err = pt_app_config_set(&c, db, cli->argv[1], cli->argv[2], &d);
		if (err == PT_ENOTFOUND) {
			pt_cli_errorf("%s: unknown setting; 'protect config show' lists them", cli->argv[1]);
			rc = 65;
		} else if (err != PT_OK) {
			rc = pt_cli_fail(err, &d);
		} else {
			printf("%s = %s\n", cli->argv[1], cli->argv[2]);
		}
		goto out;
	}
	err = pt_app_config_get(&c, db, &cfg, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	for (i = 0; i < pt_config_key_count(); i++) {
		double v = 0;
		char val[64];
		if (pt_config_key_is_text(i)) { /* issue 13: alert.sender, alert.public_url */
			char text[256];
			pt_config_get_text(&cfg, pt_config_key_name(i), text, sizeof text);
			printf("%-30s %-14s %s\n", pt_config_key_name(i), text,
			       pt_config_key_description(i));
			continue;
		}
		pt_config_get(&cfg, pt_config_key_name(i), &v);
		shortest(v, val, sizeof val);
		if (strcmp(pt_config_key_name(i), "plan.planning_level") == 0) /* issue 11 item 6 */
			snprintf(val, sizeof val, "%d (%s)", (int)v,
				 pt_threat_level_name((enum pt_threat_level)((int)v - 1)));
		printf("%-30s %-14s %s\n", pt_config_key_name(i), val, pt_config_key_description(i));
	}
out:
	pt_app_db_close(db);
	return rc;
}
