/* cmd_import.c - `protect import sites|assessments FILE`, `import measures
 * FILE [EFFECTS_FILE]`, `import site-measures FILE` and `import dependencies
 * FILE [--as USER]`: all or nothing,
 * every rejected row reported as FILE:LINE: field: what is wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "app/pt_app_measures.h"
#include "app/pt_app_surge.h"
#include "formats/pt_surge_io.h"
#include "formats/pt_assess_io.h"
#include "formats/pt_diag.h"
#include "formats/pt_measures_io.h"
#include "formats/pt_sites_io.h"
#include "app/pt_app_sites.h"
#include "app/pt_app_dependencies.h" /* issue 12 */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int pt_cli_import_sites(struct pt_db *db, const struct pt_catalogs *cat, const char *name,
			const char *buf, size_t len, int quiet)
{
	struct pt_sites_import in;
	struct pt_sites_import_result res;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;

	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, name, sizeof d.file);
	d.warn_cb = pt_cli_print_warning;
	in.data = buf;
	in.len = len;
	in.cat = cat;
	in.format = ends_with(name, ".geojson") || ends_with(name, ".json") ? PT_SITES_FORMAT_GEOJSON
									    : PT_SITES_FORMAT_AUTO;
	pt_caller_system(&c);
	err = pt_app_sites_import(&c, db, &in, &res, &d);
	if (err != PT_OK) {
		int rc = pt_cli_fail(err, &d);
		pt_cli_errorf("%s: nothing imported", name);
		return rc;
	}
	if (!quiet)
		printf("%s: %zu sites imported (%zu created, %zu updated)%s\n", name,
		       res.created + res.updated, res.created, res.updated,
		       res.warnings ? ", with warnings above" : "");
	return 0;
}

int pt_cli_import_assessments(struct pt_db *db, const struct pt_catalogs *cat, const char *name,
			      const char *buf, size_t len, int quiet)
{
	struct pt_assessments_import in;
	struct pt_assessments_import_result res;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;

	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, name, sizeof d.file);
	d.warn_cb = pt_cli_print_warning;
	in.data = buf;
	in.len = len;
	in.cat = cat;
	pt_caller_system(&c);
	err = pt_app_assessments_import(&c, db, &in, &res, &d);
	if (err != PT_OK) {
		int rc = pt_cli_fail(err, &d);
		pt_cli_errorf("%s: nothing imported", name);
		return rc;
	}
	if (!quiet)
		printf("%s: %zu %s assessment rows imported\n", name, res.rows,
		       pt_method_name(res.method));
	return 0;
}

/* Copy the stored measure id (and its effects when with_effects) into cat unless there. */
static enum pt_err take_stored(struct pt_measure_catalog *cat, const struct pt_measure_catalog *db,
			       const char *id, int with_effects)
{
	long k = pt_measure_catalog_find(db, id);
	size_t e;
	enum pt_err err;
	if (k < 0)
		return PT_OK;
	if (pt_measure_catalog_find(cat, id) < 0 &&
	    (err = pt_measure_catalog_add(cat, &db->items[k])) != PT_OK)
		return err;
	for (e = 0; with_effects && e < db->n_effects; e++)
		if (strcmp(db->effects[e].measure_id, id) == 0 &&
		    (err = pt_measure_catalog_add_effect(cat, &db->effects[e])) != PT_OK)
			return err;
	return PT_OK;
}

/*
 * import measures FILE [EFFECTS_FILE]: the measures of FILE are added or
 * updated. With EFFECTS_FILE, the effects of each measure it or FILE names
 * are replaced by its rows; without it, the stored effects are kept.
 */
static int import_measures(struct pt_db *db, const struct pt_catalogs *cat, const char *name,
			   const char *buf, size_t len, const char *effects_name,
			   const char *effects_buf, size_t effects_len)
{
	struct pt_measure_catalog mc, stored;
	struct pt_caller sys;
	struct pt_diag d;
	size_t k, n_file;
	enum pt_err err;
	const char *failed = name;

	memset(&mc, 0, sizeof mc);
	memset(&stored, 0, sizeof stored);
	memset(&d, 0, sizeof d);
	pt_caller_system(&sys);
	err = pt_app_measures_list(&sys, db, &stored, &d);
	if (err == PT_OK) {
		pt_strlcpy(d.file, name, sizeof d.file);
		err = pt_measures_read_csv(buf, len, cat, &mc, &d);
	}
	n_file = mc.n;
	if (err == PT_OK && effects_buf) {
		failed = effects_name;
		pt_diag_clear(&d);
		pt_strlcpy(d.file, effects_name, sizeof d.file);
		err = pt_measure_effects_read_csv(effects_buf, effects_len, &cat->threats, &stored,
						  &mc, &d);
		/* stored measures the effects name take part (their effects are replaced) */
		for (k = 0; err == PT_OK && k < mc.n_effects; k++)
			err = take_stored(&mc, &stored, mc.effects[k].measure_id, 0);
	} else if (err == PT_OK) {
		for (k = 0; err == PT_OK && k < n_file; k++) {
			char id[PT_ID_MAX];
			long s = pt_measure_catalog_find(&stored, mc.items[k].id);
			size_t e;
			pt_strlcpy(id, mc.items[k].id, sizeof id);
			for (e = 0; s >= 0 && err == PT_OK && e < stored.n_effects; e++)
				if (strcmp(stored.effects[e].measure_id, id) == 0)
					err = pt_measure_catalog_add_effect(&mc, &stored.effects[e]);
		}
	}
	if (err == PT_OK) {
		failed = name;
		pt_diag_clear(&d);
		err = pt_app_measures_import(&sys, db, &mc, &d);
	}
	if (err != PT_OK) {
		int rc = pt_cli_fail(err, &d);
		pt_cli_errorf("%s: nothing imported", failed);
		pt_measure_catalog_clear(&mc);
		pt_measure_catalog_clear(&stored);
		return rc;
	}
	printf("%s: %zu measures imported", name, n_file);
	if (effects_buf)
		printf(", %s: %zu effect rows", effects_name, mc.n_effects);
	else
		printf(" (stored effects kept)");
	putchar('\n');
	pt_measure_catalog_clear(&mc);
	pt_measure_catalog_clear(&stored);
	return 0;
}

/* import site-measures FILE: measures in place at sites (site_id,measure_id). */
static int import_site_measures(struct pt_db *db, const char *name, const char *buf, size_t len)
{
	struct pt_site_measure_list list;
	struct pt_caller sys;
	struct pt_diag d;
	enum pt_err err;

	memset(&list, 0, sizeof list);
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, name, sizeof d.file);
	err = pt_site_measures_read_csv(buf, len, &list, &d);
	if (err == PT_OK) {
		pt_diag_clear(&d);
		pt_strlcpy(d.file, name, sizeof d.file);
		pt_caller_system(&sys);
		err = pt_app_site_measures_import(&sys, db, &list, &d);
	}
	if (err != PT_OK) {
		int rc = pt_cli_fail(err, &d);
		pt_cli_errorf("%s: nothing imported", name);
		pt_site_measure_list_clear(&list);
		return rc;
	}
	printf("%s: %zu measures in place imported\n", name, list.n);
	pt_site_measure_list_clear(&list);
	return 0;
}

/*
 * import surge FILE EFFECTS_FILE (issue 11 item 6): the surge measures of
 * FILE are added or updated and the effects of each replaced by
 * EFFECTS_FILE's rows; all or nothing.
 */
static int import_surge(struct pt_db *db, const struct pt_catalogs *cat, const char *name,
			const char *buf, size_t len, const char *effects_name,
			const char *effects_buf, size_t effects_len)
{
	struct pt_surge_catalog sc, stored;
	struct pt_caller sys;
	struct pt_diag d;
	enum pt_err err;
	const char *failed = name;

	memset(&sc, 0, sizeof sc);
	memset(&stored, 0, sizeof stored);
	memset(&d, 0, sizeof d);
	pt_caller_system(&sys);
	err = pt_app_surge_list(&sys, db, &stored, &d);
	if (err == PT_OK) {
		pt_strlcpy(d.file, name, sizeof d.file);
		err = pt_surge_read_csv(buf, len, cat, &sc, &d);
	}
	if (err == PT_OK) {
		failed = effects_name;
		pt_diag_clear(&d);
		pt_strlcpy(d.file, effects_name, sizeof d.file);
		err = pt_surge_effects_read_csv(effects_buf, effects_len, &cat->threats, &stored, &sc,
						&d);
	}
	if (err == PT_OK) {
		failed = name;
		pt_diag_clear(&d);
		err = pt_app_surge_import(&sys, db, &sc, &d);
	}
	if (err != PT_OK) {
		int rc = pt_cli_fail(err, &d);
		pt_cli_errorf("%s: nothing imported", failed);
		pt_surge_catalog_clear(&sc);
		pt_surge_catalog_clear(&stored);
		return rc;
	}
	printf("%s: %zu surge measures imported, %s: %zu effect rows\n", name, sc.base.n,
	       effects_name, sc.base.n_effects);
	pt_surge_catalog_clear(&sc);
	pt_surge_catalog_clear(&stored);
	return 0;
}

/* import dependencies FILE [--as USER] (issue 12): all or nothing, as the caller. */
static int import_dependencies(struct pt_cli *cli)
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
	printf("%s: %zu dependencies imported (%zu created, %zu updated)", file,
	       res.created + res.updated, res.created, res.updated);
	if (res.regrouped) /* stored rows of the file's groups it set too (those one may see) */
		printf("; %zu more of their groups set to the same hours and loss", res.regrouped);
	printf("\n");
out:
	pt_app_db_close(db);
	free(buf);
	return rc;
}

int pt_cmd_import(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_catalogs cat;
	char *buf = NULL, *buf2 = NULL;
	size_t len = 0, len2 = 0;
	int rc;
	enum { SITES, ASSESSMENTS, MEASURES, SITE_MEASURES, SURGE } kind;

	if (cli->argc < 1)
		return pt_cli_usage_error(
			cli, "say what to import: sites, assessments, measures, site-measures or surge");
	if (strcmp(cli->argv[0], "dependencies") == 0) /* issue 12 */
		return import_dependencies(cli);
	if (strcmp(cli->argv[0], "sites") == 0)
		kind = SITES;
	else if (strcmp(cli->argv[0], "assessments") == 0)
		kind = ASSESSMENTS;
	else if (strcmp(cli->argv[0], "measures") == 0)
		kind = MEASURES;
	else if (strcmp(cli->argv[0], "site-measures") == 0)
		kind = SITE_MEASURES;
	else if (strcmp(cli->argv[0], "surge") == 0) /* issue 11 item 6 */
		kind = SURGE;
	else
		return pt_cli_usage_error(cli,
					  "unknown kind of import '%s' (sites, assessments, "
					  "measures, site-measures, surge or dependencies)",
					  cli->argv[0]);
	if (cli->argc < 2)
		return pt_cli_usage_error(cli, "missing FILE");
	if (cli->argc > (kind == MEASURES || kind == SURGE ? 3 : 2))
		return pt_cli_usage_error(cli, "too many arguments");
	if (kind == SURGE && cli->argc != 3)
		return pt_cli_usage_error(cli, "import surge needs FILE and EFFECTS_FILE");
	memset(&cat, 0, sizeof cat);
	if ((rc = pt_cli_read_file(cli->argv[1], &buf, &len)))
		return rc;
	if (cli->argc == 3 && (rc = pt_cli_read_file(cli->argv[2], &buf2, &len2)))
		goto out;
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = pt_cli_load_catalogs(db, &cat)))
		goto out;
	switch (kind) {
	case SITES:
		rc = pt_cli_import_sites(db, &cat, cli->argv[1], buf, len, 0);
		break;
	case ASSESSMENTS:
		rc = pt_cli_import_assessments(db, &cat, cli->argv[1], buf, len, 0);
		break;
	case MEASURES:
		rc = import_measures(db, &cat, cli->argv[1], buf, len,
				     cli->argc == 3 ? cli->argv[2] : NULL, buf2, len2);
		break;
	case SITE_MEASURES:
		rc = import_site_measures(db, cli->argv[1], buf, len);
		break;
	case SURGE:
		rc = import_surge(db, &cat, cli->argv[1], buf, len, cli->argv[2], buf2, len2);
		break;
	}
out:
	pt_cli_free_catalogs(&cat);
	pt_app_db_close(db);
	free(buf);
	free(buf2);
	return rc;
}
