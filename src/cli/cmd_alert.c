/* cmd_alert.c - `protect alert new|approve|reject|update|cancel|list|show|validate`
 * (issue 13): public alerts in CAP 1.2 with a two-person rule, and checking a CAP file. */
#include <stdio.h>
#include <string.h>

#include "app/pt_app_alerts.h"
#include "cli.h"

/* ---- composing, approving and reading alerts (helper "app") ---- */

static int alert_compose(struct pt_cli *cli, const char *sub)
{
	(void)sub;
	fprintf(stderr, "protect alert: not built yet\n");
	(void)cli;
	return 70;
}

static int alert_decide(struct pt_cli *cli, const char *sub)
{
	(void)sub;
	fprintf(stderr, "protect alert: not built yet\n");
	(void)cli;
	return 70;
}

static int alert_read(struct pt_cli *cli, const char *sub)
{
	(void)sub;
	fprintf(stderr, "protect alert: not built yet\n");
	(void)cli;
	return 70;
}




/* ---- alert validate FILE (helper "cap") ---- */

static int alert_validate(struct pt_cli *cli)
{
	fprintf(stderr, "protect alert validate: not built yet\n");
	(void)cli;
	return 70;
}




/* ---- the dispatcher ---- */

int pt_cmd_alert(struct pt_cli *cli)
{
	const char *sub = cli->argc > 0 ? cli->argv[0] : "";

	if (strcmp(sub, "new") == 0 || strcmp(sub, "update") == 0 || strcmp(sub, "cancel") == 0)
		return alert_compose(cli, sub);
	if (strcmp(sub, "approve") == 0 || strcmp(sub, "reject") == 0)
		return alert_decide(cli, sub);
	if (strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0)
		return alert_read(cli, sub);
	if (strcmp(sub, "validate") == 0)
		return alert_validate(cli);
	return pt_cli_usage_error(cli, "unknown subcommand '%s' (new, approve, reject, update, "
				  "cancel, list, show, validate)", sub);
}
