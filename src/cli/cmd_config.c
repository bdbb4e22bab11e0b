/* cmd_config.c - `protect config show|set` and `protect threat-level
 * show|set`: the configurable figures and the national threat level
 * (src/app/pt_app_registry). */
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

int pt_cmd_threat_level(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_config cfg;
	struct pt_caller c;
	struct pt_app_threat_levels levels;
	enum pt_threat_level level = PT_LEVEL_SUBSTANTIAL;
	const char *threat = NULL;
	/* no action: show, as 'threat-level show' does */
	const char *action = cli->argc > 0 ? cli->argv[0] : "show";
	size_t i;
	enum pt_err err;
	int rc;

	pt_caller_system(&c);
	memset(&levels, 0, sizeof levels);
	if (strcmp(action, "set") == 0) {
		if (cli->argc < 2)
			return pt_cli_usage_error(cli, "set needs a LEVEL");
		if (pt_threat_level_parse(cli->argv[1], &level) != PT_OK)
			return pt_cli_usage_error(
				cli, "'%s' is not LOW, MODERATE, SUBSTANTIAL, SEVERE or CRITICAL", cli->argv[1]);
		if (cli->argc == 4 && strcmp(cli->argv[2], "--threat") == 0)
			threat = cli->argv[3];
		else if (cli->argc != 2)
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[2]);
	} else if (strcmp(action, "show") == 0) {
		if (cli->argc > 1)
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[1]);
	} else {
		return pt_cli_usage_error(cli, "unknown action '%s' (show or set)", cli->argv[0]);
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if (strcmp(action, "set") == 0) {
		err = pt_app_threat_level_set(&c, db, threat, level, &d);
		if (err != PT_OK) {
			rc = pt_cli_fail(err, &d);
			goto out;
		}
		if (threat)
			printf("threat level for %s: %s\n", threat, pt_threat_level_name(level));
		else
			printf("national threat level: %s\n", pt_threat_level_name(level));
		goto out;
	}
	if ((err = pt_app_config_get(&c, db, &cfg, &d)) != PT_OK ||
	    (err = pt_app_threat_levels_get(&c, db, &levels, &d)) != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf("national threat level: %s (attempt probabilities p -> 1-(1-p)^%g)\n",
	       pt_threat_level_name(levels.national), cfg.level_factor[levels.national]);
	for (i = 0; i < levels.n; i++)
		printf("  %-22s %s (factor %g)\n", levels.entries[i].threat_id,
		       pt_threat_level_name(levels.entries[i].level),
		       cfg.level_factor[levels.entries[i].level]);
	if (!levels.n)
		printf("no threat scenario has a level of its own\n");
out:
	pt_app_threat_levels_clear(&levels);
	pt_app_db_close(db);
	return rc;
}
