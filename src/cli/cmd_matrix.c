/* cmd_matrix.c - `protect matrix`: the 5x5 likelihood x consequence
 * matrix with counts of site-threat risks, from FEMA or the quantitative
 * method (CARVER measures attractiveness and never goes on it). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_ranking.h"
#include "cli.h"
#include "core/pt_site_filter.h"
#include "core/pt_matrix.h"
#include "formats/pt_csv.h"
#include "formats/pt_diag.h"
#include "formats/pt_ranking_io.h"

/* "label: 1 <= e1 < 2 <= e2 < ... < 5" with the configured upper edges. */
static void print_edges(const char *label, const double edges[4])
{
	int i;
	printf("%s: 1 up to %g", label, edges[0]);
	for (i = 1; i < 4; i++)
		printf(", %d up to %g", i + 1, edges[i]);
	printf(", 5 above\n");
}

/* protect matrix with the filter (issue 16 item 5: the caller's, emptied by it) */
static int matrix_filtered(struct pt_cli *cli, struct pt_site_filter *filter)
{
	struct pt_db *db = NULL;
	struct pt_caller caller;
	struct pt_risk_matrix rm;
	struct pt_diag d;
	enum pt_method method = PT_METHOD_QUANT;
	enum pt_format fmt = PT_FORMAT_TABLE;
	enum pt_err err;
	int i, l, c, rc;

	for (i = 0; i < cli->argc; i++) {
		const char *val = i + 1 < cli->argc ? cli->argv[i + 1] : NULL;
		if ((rc = pt_cli_filter_option(cli, &i, filter)) == 1) /* issue 16 item 5 */
			continue;
		if (rc)
			return rc;
		if (strcmp(cli->argv[i], "--method") == 0 && val) {
			if (pt_method_parse(val, &method) != PT_OK)
				return pt_cli_usage_error(cli, "--method: '%s' is not fema or quant", val);
			if (method == PT_METHOD_CARVER)
				return pt_cli_usage_error(cli, "--method carver: CARVER + Shock measures "
							       "attractiveness, not risk, and never goes on the risk matrix");
			i++;
		} else if (strcmp(cli->argv[i], "--format") == 0 && val) {
			if (pt_cli_parse_format(val, 0, &fmt))
				return pt_cli_usage_error(cli, "--format: '%s' is not table, csv or json", val);
			i++;
		} else {
			return pt_cli_usage_error(cli, "unknown option or missing value: '%s'", cli->argv[i]);
		}
	}
	memset(&d, 0, sizeof d);
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	pt_caller_system(&caller);
	if ((err = pt_app_matrix_query(&caller, db, method, filter, &rm, NULL, &d)) != PT_OK) {
		rc = pt_cli_filter_fail(cli, err, &d);
		goto out;
	}

	if (fmt == PT_FORMAT_CSV) {
		printf("likelihood,consequence,count,band,threat_level\n");
		for (l = 5; l >= 1; l--)
			for (c = 1; c <= 5; c++) {
				printf("%d,%d,%ld,%s,", l, c, rm.m.count[l - 1][c - 1],
				       pt_band_name(pt_matrix_band(&rm.cfg, l, c)));
				pt_csv_write_field(stdout, rm.level_text);
				fputc('\n', stdout);
			}
	} else if (fmt == PT_FORMAT_JSON) {
		json_t *root = pt_risk_matrix_json(&rm, 0);
		rc = pt_cli_write_json(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	} else {
		printf("%s risk matrix: counts of site-threat risks (likelihood x consequence)\n",
		       method == PT_METHOD_FEMA ? "FEMA 426/452" : "Quantitative");
		printf("threat level %s\n\n", rm.level_text);
		printf("%-17s", "likelihood");
		for (c = 1; c <= 5; c++)
			printf(" %-13s", pt_matrix_consequence_names[c - 1]);
		printf("\n");
		for (l = 5; l >= 1; l--) {
			printf("%d %-15s", l, pt_matrix_likelihood_names[l - 1]);
			for (c = 1; c <= 5; c++) {
				char cell[32];
				snprintf(cell, sizeof cell, "%ld %s", rm.m.count[l - 1][c - 1],
					 pt_band_name(pt_matrix_band(&rm.cfg, l, c)));
				printf(" %-13s", cell);
			}
			printf("\n");
		}
		printf("%-17s", "");
		for (c = 1; c <= 5; c++)
			printf(" %-13d", c);
		printf("consequence\n\n%ld site-threat risks\n", rm.m.total);
		if (method == PT_METHOD_FEMA) {
			print_edges("likelihood classes on threat x vulnerability (1-100)",
				    rm.cfg.fema_likelihood_edges);
			print_edges("consequence classes on asset value (1-10)", rm.cfg.fema_consequence_edges);
		} else {
			print_edges("likelihood classes on the yearly probability of a successful attack",
				    rm.cfg.quant_likelihood_edges);
			print_edges("consequence classes on the expected consequence (EUR)",
				    rm.cfg.quant_consequence_edges);
		}
	}
	if (fflush(stdout) != 0)
		rc = pt_cli_stdout_failed();
out:
	pt_app_db_close(db);
	return rc;
}

int pt_cmd_matrix(struct pt_cli *cli)
{
	struct pt_site_filter filter;
	int rc;
	memset(&filter, 0, sizeof filter);
	rc = matrix_filtered(cli, &filter);
	pt_site_filter_clear(&filter);
	return rc;
}
