/* cmd_import.c - `protect import sites|assessments FILE`: all or nothing,
 * every rejected row reported as FILE:LINE: field: what is wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "formats/pt_assess_io.h"
#include "formats/pt_diag.h"
#include "formats/pt_sites_io.h"

int pt_cli_load_catalogs(struct pt_db *db, struct pt_catalogs *cat)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	err = pt_db_catalogs_load(db, cat, &d);
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	return 0;
}

void pt_cli_free_catalogs(struct pt_catalogs *cat)
{
	pt_catalog_free(&cat->kinds);
	pt_catalog_free(&cat->sectors);
	pt_catalog_free(&cat->threats);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int looks_like_json(const char *buf, size_t len)
{
	size_t i = 0;
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	return i < len && buf[i] == '{';
}

int pt_cli_import_sites(struct pt_db *db, const struct pt_catalogs *cat, const char *name,
			const char *buf, size_t len, int quiet)
{
	struct pt_site_list sites;
	struct pt_diag d;
	size_t created = 0, updated = 0;
	enum pt_err err;

	memset(&sites, 0, sizeof sites);
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, name, sizeof d.file);
	d.warn_cb = pt_cli_print_warning;
	if (ends_with(name, ".geojson") || ends_with(name, ".json") || looks_like_json(buf, len))
		err = pt_sites_read_geojson(buf, len, cat, &sites, &d);
	else
		err = pt_sites_read_csv(buf, len, cat, &sites, &d);
	if (err == PT_OK) {
		struct pt_diag dd = d;
		pt_diag_clear(&dd);
		err = pt_db_sites_import(db, &sites, &created, &updated, &dd);
		if (err != PT_OK)
			d = dd;
	}
	pt_site_list_free(&sites);
	if (err != PT_OK) {
		int rc = pt_cli_fail(err, &d);
		pt_cli_errorf("%s: nothing imported", name);
		return rc;
	}
	if (!quiet)
		printf("%s: %zu sites imported (%zu created, %zu updated)%s\n", name,
		       created + updated, created, updated,
		       d.warnings ? ", with warnings above" : "");
	return 0;
}

int pt_cli_import_assessments(struct pt_db *db, const struct pt_catalogs *cat, const char *name,
			      const char *buf, size_t len, int quiet)
{
	struct pt_assessment_set set;
	struct pt_diag d;
	enum pt_err err;

	memset(&set, 0, sizeof set);
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, name, sizeof d.file);
	d.warn_cb = pt_cli_print_warning;
	err = pt_assessments_read_csv(buf, len, &cat->threats, &set, &d);
	if (err == PT_OK) {
		pt_diag_clear(&d);
		err = pt_db_assessments_import(db, &set, &d);
	}
	if (err != PT_OK) {
		int rc = pt_cli_fail(err, &d);
		pt_cli_errorf("%s: nothing imported", name);
		pt_assessment_set_free(&set);
		return rc;
	}
	if (!quiet)
		printf("%s: %zu %s assessment rows imported\n", name, set.n,
		       pt_method_name(set.method));
	pt_assessment_set_free(&set);
	return 0;
}

int pt_cmd_import(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_catalogs cat;
	char *buf = NULL;
	size_t len = 0;
	int rc, sites;

	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "say what to import: sites or assessments");
	if (strcmp(cli->argv[0], "sites") == 0)
		sites = 1;
	else if (strcmp(cli->argv[0], "assessments") == 0)
		sites = 0;
	else
		return pt_cli_usage_error(cli, "unknown kind of import '%s' (sites or assessments)",
					  cli->argv[0]);
	if (cli->argc != 2)
		return pt_cli_usage_error(cli, cli->argc < 2 ? "missing FILE" : "too many arguments");
	memset(&cat, 0, sizeof cat);
	if ((rc = pt_cli_read_file(cli->argv[1], &buf, &len)))
		return rc;
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = pt_cli_load_catalogs(db, &cat)))
		goto out;
	if (sites)
		rc = pt_cli_import_sites(db, &cat, cli->argv[1], buf, len, 0);
	else
		rc = pt_cli_import_assessments(db, &cat, cli->argv[1], buf, len, 0);
out:
	pt_cli_free_catalogs(&cat);
	pt_db_close(db);
	free(buf);
	return rc;
}
