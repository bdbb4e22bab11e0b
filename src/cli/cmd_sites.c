/* cmd_sites.c - `protect sites list|show`, `protect export sites` and
 * `protect export dependencies` (issue 12):
 * reading the registry back, with the Traffic Light Protocol filter on
 * everything that leaves it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_dependencies.h" /* issue 12 */
#include "app/pt_app_sites.h"
#include "cli.h"
#include "app/pt_app_ranking.h"
#include "core/pt_site_filter.h"
#include "formats/pt_diag.h"
#include "formats/pt_deps_io.h"
#include "formats/pt_marking_io.h"
#include "formats/pt_sites_io.h"

static int write_sites(enum pt_format fmt, const struct pt_site_list *sites)
{
	enum pt_err err;
	switch (fmt) {
	case PT_FORMAT_JSON:
		err = pt_sites_write_json(stdout, sites->items, sites->n);
		break;
	case PT_FORMAT_GEOJSON:
		err = pt_sites_write_geojson(stdout, sites->items, sites->n);
		break;
	default: /* the marking line first: every importer skips it */
		pt_marking_csv_line(stdout, pt_marking_sites(sites->items, sites->n));
		err = pt_sites_write_csv(stdout, sites->items, sites->n);
		break;
	}
	if (err == PT_OK && fflush(stdout) != 0)
		err = PT_EIO;
	if (err == PT_EIO && ferror(stdout))
		return pt_cli_stdout_failed();
	if (err != PT_OK) {
		pt_cli_errorf("writing the sites: %s", pt_strerror(err));
		return pt_err_exit_status(err);
	}
	return 0;
}

/* export dependencies [--format csv|json] [--max-tlp LEVEL] [--as USER] (issue 12). */
static int export_dependencies(struct pt_cli *cli)
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
		err = pt_deps_write_json(stdout, list.items, list.n, list.names,
					 list.show_withheld ? list.withheld : PT_DEPS_WITHHELD_UNTOLD,
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
	if (list.show_withheld) /* counts of hidden records: pt_access_hidden_counts */
		fprintf(stderr,
			"protect: exported %zu dependencies up to TLP:%s; withheld %zu (above it or "
			"not yours to see)\n",
			list.n, pt_tlp_name(max_tlp), list.withheld);
	else
		fprintf(stderr, "protect: exported %zu dependencies up to TLP:%s\n", list.n,
			pt_tlp_name(max_tlp));
out:
	pt_app_dep_list_clear(&list);
	pt_app_db_close(db);
	return rc;
}

int pt_cmd_export(struct pt_cli *cli)
{
	struct pt_caller c;
	struct pt_db *db = NULL;
	struct pt_site_list sites;
	struct pt_diag d;
	enum pt_format fmt = PT_FORMAT_CSV;
	enum pt_tlp max_tlp = PT_TLP_GREEN;
	size_t withheld = 0;
	enum pt_err err;
	int i, rc;

	if (cli->argc >= 1 && strcmp(cli->argv[0], "dependencies") == 0) /* issue 12 */
		return export_dependencies(cli);
	if (cli->argc < 1 || strcmp(cli->argv[0], "sites") != 0)
		return pt_cli_usage_error(cli, "only 'export sites' and 'export dependencies' are supported");
	for (i = 1; i < cli->argc; i++) {
		const char *opt = cli->argv[i];
		const char *val = i + 1 < cli->argc ? cli->argv[i + 1] : NULL;
		if (strcmp(opt, "--format") == 0 && val) {
			if (pt_cli_parse_format(val, 1, &fmt) || fmt == PT_FORMAT_TABLE)
				return pt_cli_usage_error(cli, "--format: '%s' is not csv, json or geojson", val);
			i++;
		} else if (strcmp(opt, "--max-tlp") == 0 && val) {
			if (pt_tlp_parse(val, &max_tlp) != PT_OK)
				return pt_cli_usage_error(
					cli, "--max-tlp: '%s' is not CLEAR, GREEN, AMBER, AMBER+STRICT or RED", val);
			i++;
		} else {
			return pt_cli_usage_error(cli, "unknown or incomplete option '%s'", opt);
		}
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&sites, 0, sizeof sites);
	memset(&d, 0, sizeof d);
	pt_caller_system(&c);
	err = pt_app_sites_list(&c, db, max_tlp, &sites, &withheld, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	rc = write_sites(fmt, &sites);
	if (!rc)
		fprintf(stderr, "protect: exported %zu sites up to TLP:%s; withheld %zu above it\n",
			sites.n, pt_tlp_name(max_tlp), withheld);
out:
	pt_site_list_clear(&sites);
	pt_app_db_close(db);
	return rc;
}

static void print_capacity(long long capacity, char *buf, size_t size)
{
	if (capacity < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lld", capacity);
}

static int sites_list(struct pt_cli *cli, struct pt_db *db)
{
	struct pt_caller c;
	struct pt_site_list sites;
	struct pt_diag d;
	struct pt_site_filter filter; /* issue 16 item 5 */
	enum pt_format fmt = PT_FORMAT_TABLE;
	size_t withheld = 0, i;
	enum pt_err err;
	int a, rc = 0;

	memset(&sites, 0, sizeof sites);
	memset(&filter, 0, sizeof filter);
	for (a = 1; a < cli->argc; a++) {
		if ((rc = pt_cli_filter_option(cli, &a, &filter)) == 1) {
			rc = 0;
			continue;
		} else if (rc) {
			goto out;
		}
		if (strcmp(cli->argv[a], "--format") == 0 && a + 1 < cli->argc) {
			if (pt_cli_parse_format(cli->argv[a + 1], 1, &fmt)) {
				rc = pt_cli_usage_error(cli, "--format: '%s' is not table, csv, json or geojson",
							cli->argv[a + 1]);
				goto out;
			}
			a++;
		} else {
			rc = pt_cli_usage_error(cli, "unknown or incomplete option '%s'", cli->argv[a]);
			goto out;
		}
	}
	memset(&d, 0, sizeof d);
	pt_caller_system(&c);
	if (pt_site_filter_active(&filter)) /* issue 16 item 5 */
		err = pt_app_sites_filtered(&c, db, &filter, &sites, &d);
	else
		err = pt_app_sites_list(&c, db, PT_TLP_RED, &sites, &withheld, &d);
	if (err != PT_OK) {
		rc = pt_cli_filter_fail(cli, err, &d);
		goto out;
	}
	if (fmt != PT_FORMAT_TABLE) {
		rc = write_sites(fmt, &sites);
		goto out;
	}
	printf("%-10s %-36s %-23s %-24s %-12s %s\n", "id", "name", "kind", "sector", "region", "tlp");
	for (i = 0; i < sites.n; i++) {
		const struct pt_site *s = &sites.items[i];
		pt_cli_print_cell(stdout, s->id, 10);
		fputc(' ', stdout);
		pt_cli_print_cell(stdout, s->name, 36);
		fputc(' ', stdout);
		pt_cli_print_cell(stdout, s->kind, 23);
		fputc(' ', stdout);
		pt_cli_print_cell(stdout, s->sector, 24);
		fputc(' ', stdout);
		pt_cli_print_cell(stdout, s->region, 12);
		printf(" %s\n", pt_tlp_name(s->tlp));
	}
	printf("%zu sites\n", sites.n);
	pt_cli_marking(pt_marking_sites(sites.items, sites.n));
out:
	pt_site_list_clear(&sites);
	pt_site_filter_clear(&filter);
	return rc;
}

static int sites_show(struct pt_cli *cli, struct pt_db *db)
{
	struct pt_site_assessments a;
	struct pt_caller c;
	struct pt_site s;
	struct pt_diag d;
	enum pt_err err;
	char cap[32], eur[64];
	size_t i;
	int m;

	if (cli->argc != 2)
		return pt_cli_usage_error(cli, cli->argc < 2 ? "missing site ID" : "too many arguments");
	memset(&d, 0, sizeof d);
	pt_caller_system(&c);
	err = pt_app_assessments_get(&c, db, cli->argv[1], -1, &a, &d);
	if (err == PT_ENOTFOUND) {
		pt_cli_errorf("no site with id '%s'", cli->argv[1]);
		pt_site_assessments_clear(&a);
		return 66;
	}
	if (err != PT_OK) {
		pt_site_assessments_clear(&a);
		return pt_cli_fail(err, &d);
	}
	s = a.site;
	print_capacity(s.capacity, cap, sizeof cap);
	pt_cli_format_eur(s.economic_value_eur, eur, sizeof eur);
	printf("id                 %s\nname               %s\nkind               %s\n"
	       "sector             %s\nowner              %s\nlocation           %.6f, %.6f\n"
	       "region             %s\ncapacity           %s\npeak occupancy     %lld\n"
	       "population served  %lld\neconomic value     EUR %s\ntlp                TLP:%s\n",
	       s.id, s.name, s.kind, s.sector, s.owner, s.lat, s.lon, s.region, cap,
	       s.peak_occupancy, s.population_served, eur, pt_tlp_name(s.tlp));
	{ /* issue 11 (fit): what the plan costs and fits measures by */
		int k;
		for (k = 0; k < PT_DRIVER_COUNT; k++) {
			const char *name = pt_site_driver_name((enum pt_site_driver)k);
			if (s.drivers_known & (1u << k))
				printf("%-18s %lld\n", name, s.drivers[k]);
			else
				printf("%-18s unknown\n", name);
		}
		printf("enclosure          %s\nstaffed            %s\nlegal basis        %s\n",
		       s.enclosed == PT_ENCLOSURE_UNKNOWN ? "unknown" : pt_enclosure_name(s.enclosed),
		       s.staffed == PT_TRI_UNKNOWN ? "unknown" : s.staffed == PT_TRI_YES ? "yes" : "no",
		       s.legal_basis > 0 ? pt_legal_basis_name(pt_site_legal_basis(&s)) : "unknown");
		/* issue 16 (item 2): a hospital receiving casualties */
		printf("emergency dept.    %s\n",
		       s.emergency_department == PT_TRI_UNKNOWN ? "unknown"
		       : s.emergency_department == PT_TRI_YES   ? "yes"
								: "no");
	}
	for (m = PT_METHOD_FEMA; m <= PT_METHOD_QUANT; m++) {
		const struct pt_assessment_set *set = &a.sets[m];
		if (m == PT_METHOD_FEMA) {
			printf("\nFEMA 426/452 (asset x threat x vulnerability = risk):\n");
			for (i = 0; i < set->n; i++) {
				const struct pt_fema_row *r = &set->fema[i];
				printf("  %-20s %2d x %2d x %2d = %4d\n", r->threat_id, r->asset_value,
				       r->threat_rating, r->vulnerability_rating,
				       r->asset_value * r->threat_rating * r->vulnerability_rating);
			}
		} else if (m == PT_METHOD_CARVER) {
			printf("\nCARVER + Shock (C A R V E R S = sum):\n");
			for (i = 0; i < set->n; i++) {
				const struct pt_carver_row *r = &set->carver[i];
				printf("  %d %d %d %d %d %d %d = %d\n", r->criticality, r->accessibility,
				       r->recuperability, r->vulnerability, r->effect,
				       r->recognizability, r->shock,
				       r->criticality + r->accessibility + r->recuperability +
					       r->vulnerability + r->effect + r->recognizability + r->shock);
			}
		} else {
			printf("\nQuantitative (min / most likely / max):\n");
			for (i = 0; i < set->n; i++) {
				const struct pt_quant_row *r = &set->quant[i];
				int v;
				printf("  %s\n", r->threat_id);
				for (v = 0; v < PT_QV_COUNT; v++)
					printf("    %-12s %.10g / %.10g / %.10g\n", pt_quant_var_name((enum pt_quant_var)v),
					       r->var[v].min, r->var[v].mode, r->var[v].max);
			}
		}
		if (!set->n)
			printf("  (none)\n");
	}
	pt_cli_marking(s.tlp); /* issue 11: one site's output carries its own label */
	pt_site_assessments_clear(&a);
	return 0;
}

int pt_cmd_sites(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	int rc;
	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "say list or show ID");
	if (strcmp(cli->argv[0], "list") != 0 && strcmp(cli->argv[0], "show") != 0)
		return pt_cli_usage_error(cli, "unknown action '%s' (list or show)", cli->argv[0]);
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if (strcmp(cli->argv[0], "list") == 0)
		rc = sites_list(cli, db);
	else
		rc = sites_show(cli, db);
	pt_app_db_close(db);
	return rc;
}
