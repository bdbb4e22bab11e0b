/* cmd_init.c - `protect init` (an empty registry with the catalogues and
 * settings) and `protect demo` (the fictional demo region), both from the
 * files compiled into the binary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "formats/pt_assess_io.h"
#include "formats/pt_diag.h"
#include "formats/pt_embedded.h"

static int embedded(const char *name, const struct pt_embedded_file **f)
{
	*f = pt_embedded_find(name);
	if (!*f) {
		pt_cli_errorf("built-in data file %s is missing from this build", name);
		return 70;
	}
	return 0;
}

static int read_catalog(const char *name, struct pt_catalog *c)
{
	const struct pt_embedded_file *f;
	struct pt_diag d;
	enum pt_err err;
	int rc = embedded(name, &f);
	if (rc)
		return rc;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, name, sizeof d.file);
	err = pt_catalog_read_csv(f->data, f->len, c, &d);
	if (err != PT_OK) {
		pt_cli_fail(err, &d);
		return 70; /* the built-in catalogue itself is broken */
	}
	return 0;
}

int pt_cli_builtin_catalogs(struct pt_catalogs *cat)
{
	int rc;
	if ((rc = read_catalog("catalog/kinds.csv", &cat->kinds)) ||
	    (rc = read_catalog("catalog/sectors.csv", &cat->sectors)) ||
	    (rc = read_catalog("catalog/threats.csv", &cat->threats)))
		pt_cli_free_catalogs(cat);
	return rc;
}

int pt_cli_seed(struct pt_db *db)
{
	struct pt_catalogs cat;
	const struct pt_embedded_file *f;
	struct pt_diag d;
	char **keys = NULL, **values = NULL;
	size_t n = 0;
	enum pt_err err;
	int rc;

	memset(&cat, 0, sizeof cat);
	memset(&d, 0, sizeof d);
	if ((rc = pt_cli_builtin_catalogs(&cat)) || (rc = embedded("catalog/settings.csv", &f)))
		goto out;
	pt_strlcpy(d.file, "catalog/settings.csv", sizeof d.file);
	err = pt_settings_read_csv(f->data, f->len, &keys, &values, &n, &d);
	if (err != PT_OK) {
		pt_cli_fail(err, &d);
		rc = 70;
		goto out;
	}
	memset(&d, 0, sizeof d);
	err = pt_db_seed(db, &cat, (const char *const *)keys, (const char *const *)values, n, &d);
	if (err != PT_OK)
		rc = pt_cli_fail(err, &d);
out:
	pt_settings_free(keys, values, n);
	pt_cli_free_catalogs(&cat);
	return rc;
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
	pt_db_close(db);
	if (!rc)
		printf("%s: registry ready (catalogues and settings loaded)\n", cli->db_path);
	return rc;
}

int pt_cmd_demo(struct pt_cli *cli)
{
	static const char *const assessment_files[] = {"demo/fema.csv", "demo/carver.csv",
						       "demo/quant.csv"};
	struct pt_db *db = NULL;
	struct pt_catalogs cat;
	const struct pt_embedded_file *f;
	size_t i;
	int rc;

	memset(&cat, 0, sizeof cat);
	if (cli->argc > 0)
		return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[0]);
	if ((rc = pt_cli_open_db(cli, 1, &db)))
		return rc;
	if ((rc = pt_cli_seed(db)) || (rc = pt_cli_load_catalogs(db, &cat)) ||
	    (rc = embedded("demo/sites.csv", &f)) ||
	    (rc = pt_cli_import_sites(db, &cat, "demo/sites.csv", f->data, f->len, 1)))
		goto out;
	for (i = 0; i < sizeof assessment_files / sizeof assessment_files[0]; i++) {
		if ((rc = embedded(assessment_files[i], &f)) ||
		    (rc = pt_cli_import_assessments(db, &cat, assessment_files[i], f->data, f->len,
						    1)))
			goto out;
	}
	printf("%s: demo region loaded\n", cli->db_path);
out:
	pt_cli_free_catalogs(&cat);
	pt_db_close(db);
	return rc;
}
