/* cmd_withheld.c - `protect withheld [--method fema|quant] [--format table|json] --as USER`
 * (issue 16, item 8): what a government coordinator may know of the sites it may not read. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app/pt_app_withheld.h"
#include "cli.h"
#include "core/pt_disclosure.h"
#include "formats/pt_withheld_json.h"

static json_t *cells_json(const struct pt_withheld_cell *cells, size_t n)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < n; i++) {
		struct pt_withheld_json_cell c = {cells[i].id, cells[i].name, cells[i].count,
						  cells[i].suppressed};
		if (json_array_append_new(a, pt_json_withheld_cell(&c, PT_DISCLOSURE_MIN))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static void print_cells(const char *title, const struct pt_withheld_cell *cells, size_t n)
{
	size_t i;
	printf("%s\n", title);
	for (i = 0; i < n; i++) {
		printf("  ");
		pt_cli_print_cell(stdout, cells[i].name, 48);
		if (cells[i].suppressed)
			printf(" fewer than %d\n", PT_DISCLOSURE_MIN);
		else
			printf(" %zu\n", cells[i].count);
	}
}

int pt_cmd_withheld(struct pt_cli *cli)
{
	struct pt_withheld_totals t;
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d;
	const char *as = NULL, *val;
	enum pt_method method = PT_METHOD_FEMA;
	enum pt_format fmt = PT_FORMAT_TABLE;
	enum pt_err err;
	int i, rc;

	for (i = 0; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--as"))) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a user name");
			as = val;
		} else if ((val = pt_cli_option(cli, &i, "--method"))) {
			if (pt_method_parse(val, &method) != PT_OK || method == PT_METHOD_CARVER)
				return pt_cli_usage_error(cli, "--method must be fema or quant");
		} else if ((val = pt_cli_option(cli, &i, "--format"))) {
			if (pt_cli_parse_format(val, 0, &fmt) || fmt == PT_FORMAT_CSV)
				return pt_cli_usage_error(cli, "--format must be table or json");
		} else {
			return pt_cli_usage_error(cli, "unknown argument '%s'", cli->argv[i]);
		}
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	if ((err = pt_app_withheld_totals(&c, db, method, &t, &d)) != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (fmt == PT_FORMAT_JSON) {
		json_t *s = cells_json(t.sectors, t.n_sectors), *b = cells_json(t.bands, PT_WITHHELD_BANDS);
		if (!s || !b) {
			json_decref(s);
			json_decref(b);
			s = b = NULL;
		}
		rc = pt_cli_write_json(s && b ? json_pack("{s:s, s:I, s:o, s:o, s:i}", "method",
							  pt_method_name(method), "total",
							  (json_int_t)t.total, "by_sector", s,
							  "by_band", b, "fewer_than", PT_DISCLOSURE_MIN)
					      : NULL,
				       0);
	} else {
		printf("sites you may not read: %zu (bands by %s; counts below %d are not shown)\n",
		       t.total, pt_method_name(method), PT_DISCLOSURE_MIN);
		print_cells("by sector:", t.sectors, t.n_sectors);
		print_cells("by band:", t.bands, PT_WITHHELD_BANDS);
	}
	pt_withheld_totals_clear(&t);
out:
	pt_app_db_close(db);
	return rc;
}
