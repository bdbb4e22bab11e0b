/* cmd_init.c - `protect init` (an empty registry with the catalogues and
 * settings) and `protect demo` (the fictional demo region), both from the
 * files compiled into the binary (src/app/pt_app_registry). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_registry.h"
#include "cli.h"
#include "formats/pt_diag.h"

int pt_cli_seed(struct pt_db *db)
{
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	pt_caller_system(&c);
	err = pt_app_registry_init(&c, db, &d);
	return err == PT_OK ? 0 : pt_cli_fail(err, &d);
}

int pt_cmd_init(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	int rc;
	if (cli->argc > 0)
		return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[0]);
	if ((rc = pt_cli_open_db(cli, 1, &db)))
		return rc;
	rc = pt_cli_seed(db);
	pt_app_db_close(db);
	if (!rc)
		printf("%s: registry ready (catalogues, measures and settings loaded)\n", cli->db_path);
	return rc;
}

int pt_cmd_demo(struct pt_cli *cli)
{
	struct pt_app_demo_result demo;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_db *db = NULL;
	enum pt_err err;
	int rc;

	if (cli->argc > 0)
		return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[0]);
	if ((rc = pt_cli_open_db(cli, 1, &db)))
		return rc;
	pt_caller_system(&c);
	d.warn_cb = pt_cli_print_warning;
	err = pt_app_registry_demo(&c, db, &demo, &d);
	pt_app_db_close(db);
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	printf("%s: demo region loaded (%zu organisations, %zu users; log-ins in README.md)\n",
	       cli->db_path, demo.orgs, demo.users);
	return 0;
}
