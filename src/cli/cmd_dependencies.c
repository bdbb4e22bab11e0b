/* cmd_dependencies.c - `protect dependencies delete PROVIDER_ID CONSUMER_ID
 * [--as USER]` (review of issue 12): remove a wrong dependency, as the caller. */
#include <stdio.h>
#include <string.h>

#include "app/pt_app_dependencies.h"
#include "cli.h"

int pt_cmd_dependencies(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d;
	const char *ids[2] = {NULL, NULL}, *as = NULL, *val;
	size_t n_ids = 0;
	enum pt_err err;
	int i, rc;

	if (cli->argc < 1 || strcmp(cli->argv[0], "delete") != 0)
		return pt_cli_usage_error(cli, "only 'dependencies delete' is supported");
	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a user name");
			as = val;
		} else if (cli->argv[i][0] == '-' && cli->argv[i][1]) {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		} else if (n_ids < 2) {
			ids[n_ids++] = cli->argv[i];
		} else {
			return pt_cli_usage_error(cli, "too many arguments");
		}
	}
	if (n_ids < 2)
		return pt_cli_usage_error(cli, "missing PROVIDER_ID CONSUMER_ID");
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	err = pt_app_dependency_delete(&c, db, ids[0], ids[1], &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf("deleted the dependency of %s on %s\n", ids[1], ids[0]);
out:
	pt_app_db_close(db);
	return rc;
}
