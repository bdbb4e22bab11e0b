/* cmd_dependencies.c - `protect import dependencies FILE [--as USER]` and
 * `protect export dependencies [--format csv|json] [--max-tlp LEVEL] [--as USER]` (issue 12). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_dependencies.h"
#include "cli.h"
#include "formats/pt_deps_io.h"
#include "formats/pt_diag.h"
#include "formats/pt_marking_io.h"

int pt_cli_import_dependencies(struct pt_cli *cli)
{
	struct pt_deps_import_result res;
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d;
	const char *file = NULL, *as = NULL, *val;
	char *buf = NULL;
	size_t len = 0;
	enum pt_err err;
	int i, rc;

	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a user name");
			as = val;
		} else if (cli->argv[i][0] == '-' && cli->argv[i][1]) {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		} else if (!file) {
			file = cli->argv[i];
		} else {
			return pt_cli_usage_error(cli, "too many arguments");
		}
	}
	if (!file)
		return pt_cli_usage_error(cli, "missing FILE");
	if ((rc = pt_cli_read_file(file, &buf, &len)))
		return rc;
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, file, sizeof d.file);
	err = pt_app_dependencies_import(&c, db, buf, len, &res, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		pt_cli_errorf("%s: nothing imported", file);
		goto out;
	}
	printf("%s: %zu dependencies imported (%zu created, %zu updated)\n", file,
	       res.created + res.updated, res.created, res.updated);
out:
	pt_app_db_close(db);
	free(buf);
	return rc;
}

int pt_cli_export_dependencies(struct pt_cli *cli)
{
	struct pt_app_dep_list list;
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_format fmt = PT_FORMAT_CSV;
	enum pt_tlp max_tlp = PT_TLP_GREEN;
	const char *as = NULL, *val;
	enum pt_err err;
	int i, rc;

	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--format")) != NULL) {
			if (pt_cli_parse_format(val, 0, &fmt) || fmt == PT_FORMAT_TABLE)
				return pt_cli_usage_error(cli, "--format: '%s' is not csv or json", val);
		} else if ((val = pt_cli_option(cli, &i, "--max-tlp")) != NULL) {
			if (pt_tlp_parse(val, &max_tlp) != PT_OK)
				return pt_cli_usage_error(
					cli, "--max-tlp: '%s' is not CLEAR, GREEN, AMBER, AMBER+STRICT or RED", val);
		} else if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a user name");
			as = val;
		} else {
			return pt_cli_usage_error(cli, "unknown or incomplete option '%s'", cli->argv[i]);
		}
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = pt_cli_caller(db, as, &c))) {
		pt_app_db_close(db);
		return rc;
	}
	memset(&d, 0, sizeof d);
	err = pt_app_dependencies_list(&c, db, max_tlp, &list, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (fmt == PT_FORMAT_JSON) {
		err = pt_deps_write_json(stdout, list.items, list.n, list.names, list.withheld,
					 list.tlp);
	} else { /* the marking line first: every importer skips it */
		pt_marking_csv_line(stdout, list.tlp);
		err = pt_deps_write_csv(stdout, list.items, list.n);
	}
	if (err == PT_OK && fflush(stdout) != 0)
		err = PT_EIO;
	if (err == PT_EIO && ferror(stdout)) {
		rc = pt_cli_stdout_failed();
		goto out;
	}
	if (err != PT_OK) {
		pt_cli_errorf("writing the dependencies: %s", pt_strerror(err));
		rc = pt_err_exit_status(err);
		goto out;
	}
	fprintf(stderr,
		"protect: exported %zu dependencies up to TLP:%s; withheld %zu (above it or not "
		"yours to see)\n",
		list.n, pt_tlp_name(max_tlp), list.withheld);
out:
	pt_app_dep_list_clear(&list);
	pt_app_db_close(db);
	return rc;
}
