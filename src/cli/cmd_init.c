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
#include "formats/pt_measures_io.h"
#include "app/pt_app_measures.h"
#include "store/pt_measures_store.h"
#include "store/pt_users.h"

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

static int seed_measures(struct pt_db *db, const struct pt_catalogs *cat);

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
	else
		rc = seed_measures(db, &cat);
out:
	pt_settings_free(keys, values, n);
	pt_cli_free_catalogs(&cat);
	return rc;
}

/*
 * Add the built-in measures (catalog/measures.csv and measure_effects.csv)
 * the registry does not hold yet, with their effects; measures already
 * stored are kept as they are (a user may have changed them). 0 or an exit status.
 */
static int seed_measures(struct pt_db *db, const struct pt_catalogs *cat)
{
	struct pt_measure_catalog builtin, stored, fresh;
	const struct pt_embedded_file *mf, *ef;
	struct pt_caller sys;
	struct pt_diag d;
	enum pt_err err = PT_OK;
	size_t i;
	int rc;

	memset(&builtin, 0, sizeof builtin);
	memset(&stored, 0, sizeof stored);
	memset(&fresh, 0, sizeof fresh);
	memset(&d, 0, sizeof d);
	pt_caller_system(&sys);
	if ((rc = embedded("catalog/measures.csv", &mf)) ||
	    (rc = embedded("catalog/measure_effects.csv", &ef)))
		return rc;
	pt_strlcpy(d.file, "catalog/measures.csv", sizeof d.file);
	err = pt_measures_read_csv(mf->data, mf->len, cat, &builtin, &d);
	if (err == PT_OK) {
		memset(&d, 0, sizeof d);
		pt_strlcpy(d.file, "catalog/measure_effects.csv", sizeof d.file);
		err = pt_measure_effects_read_csv(ef->data, ef->len, &cat->threats, NULL, &builtin,
						  &d);
	}
	if (err != PT_OK) {
		pt_cli_fail(err, &d);
		rc = 70; /* the built-in catalogue itself is broken */
		goto out;
	}
	memset(&d, 0, sizeof d);
	if ((err = pt_db_measures_load(db, &stored, &d)) != PT_OK)
		goto fail;
	for (i = 0; i < builtin.n && err == PT_OK; i++)
		if (pt_measure_catalog_find(&stored, builtin.items[i].id) < 0)
			err = pt_measure_catalog_add(&fresh, &builtin.items[i]);
	for (i = 0; i < builtin.n_effects && err == PT_OK; i++)
		if (pt_measure_catalog_find(&fresh, builtin.effects[i].measure_id) >= 0)
			err = pt_measure_catalog_add_effect(&fresh, &builtin.effects[i]);
	if (err != PT_OK) {
		pt_strlcpy(d.msg, pt_strerror(err), sizeof d.msg);
		goto fail;
	}
	if (fresh.n && (err = pt_app_measures_import(&sys, db, &fresh, &d)) != PT_OK)
		goto fail;
	goto out;
fail:
	rc = pt_cli_fail(err, &d);
out:
	pt_measure_catalog_free(&builtin);
	pt_measure_catalog_free(&stored);
	pt_measure_catalog_free(&fresh);
	return rc;
}

/* Import demo/site_measures.csv: the pairs not stored yet (stored ones keep their status). */
static int demo_site_measures_load(struct pt_db *db)
{
	struct pt_site_measure_list all, fresh;
	struct pt_site_measure_row *stored = NULL;
	const struct pt_embedded_file *f;
	struct pt_caller sys;
	struct pt_diag d;
	enum pt_err err;
	size_t n_stored = 0, i, k;
	int rc;

	memset(&all, 0, sizeof all);
	memset(&fresh, 0, sizeof fresh);
	memset(&d, 0, sizeof d);
	pt_caller_system(&sys);
	if ((rc = embedded("demo/site_measures.csv", &f)))
		return rc;
	pt_strlcpy(d.file, "demo/site_measures.csv", sizeof d.file);
	if ((err = pt_site_measures_read_csv(f->data, f->len, &all, &d)) != PT_OK ||
	    (err = pt_db_site_measures_list(db, NULL, &stored, &n_stored, &d)) != PT_OK)
		goto out;
	for (i = 0; i < all.n && err == PT_OK; i++) {
		int seen = 0;
		for (k = 0; k < n_stored && !seen; k++)
			seen = strcmp(stored[k].site_id, all.items[i].site_id) == 0 &&
			       strcmp(stored[k].measure_id, all.items[i].measure_id) == 0;
		if (!seen)
			err = pt_site_measure_list_append(&fresh, &all.items[i]);
	}
	if (err != PT_OK)
		pt_strlcpy(d.msg, pt_strerror(err), sizeof d.msg);
	else if (fresh.n)
		err = pt_app_site_measures_import(&sys, db, &fresh, &d);
out:
	if (err != PT_OK)
		rc = pt_cli_fail(err, &d);
	free(stored);
	pt_site_measure_list_free(&all);
	pt_site_measure_list_free(&fresh);
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
		printf("%s: registry ready (catalogues, measures and settings loaded)\n", cli->db_path);
	return rc;
}

/* The demo's organisations: owners named in demo/sites.csv get their types; the rest are created. */
static const struct demo_org {
	const char *name;
	enum pt_org_type type;
} demo_orgs[] = {
	{"Vellmark Ministry of the Interior", PT_ORG_GOVERNMENT},
	{"Vellmark National Police", PT_ORG_GOVERNMENT},
	{"Orrinford City Council", PT_ORG_OPERATOR},
	{"Northgate Utilities", PT_ORG_OPERATOR},
	{"Harbourlight Group", PT_ORG_OPERATOR},
	{"Vellmark Rail and Ports", PT_ORG_OPERATOR},
	{"Sentinel Guarding Services", PT_ORG_PRIVATE_SECURITY},
	{"Orrinford Community Relief", PT_ORG_NGO},
};

/* Who names whom as a partner (the partner reads the owner's AMBER). */
static const struct demo_partner {
	const char *owner, *partner;
} demo_partners[] = {
	{"Northgate Utilities", "Sentinel Guarding Services"},
};

/*
 * The demo's users, one per role and a few more, each with the password
 * "demo-" followed by the user name (README.md, "Demo log-ins").
 */
static const struct demo_user {
	const char *name;
	enum pt_role role;
	const char *org;
} demo_users[] = {
	{"admin", PT_ROLE_ADMIN, "Vellmark Ministry of the Interior"},
	{"coordinator", PT_ROLE_COORDINATOR, "Vellmark Ministry of the Interior"},
	{"analyst", PT_ROLE_ANALYST, "Vellmark Ministry of the Interior"},
	{"pio", PT_ROLE_PIO, "Vellmark Ministry of the Interior"},
	{"evaluator", PT_ROLE_EVALUATOR, "Vellmark Ministry of the Interior"},
	{"police", PT_ROLE_VIEWER, "Vellmark National Police"},
	{"facilitator", PT_ROLE_FACILITATOR, "Vellmark National Police"},
	{"operator", PT_ROLE_OPERATOR, "Northgate Utilities"},
	{"northgate-admin", PT_ROLE_ADMIN, "Northgate Utilities"},
	{"viewer", PT_ROLE_VIEWER, "Northgate Utilities"},
	{"harbour", PT_ROLE_OPERATOR, "Harbourlight Group"},
	{"player", PT_ROLE_PLAYER, "Harbourlight Group"},
	{"security", PT_ROLE_OPERATOR, "Sentinel Guarding Services"},
	{"relief", PT_ROLE_VIEWER, "Orrinford Community Relief"},
};

/* Who is named on the RED sites of each owner (reads them). */
static const struct demo_reader {
	const char *owner, *user;
} demo_readers[] = {
	{"Northgate Utilities", "operator"},
	{"Harbourlight Group", "harbour"},
	{"Vellmark Ministry of the Interior", "coordinator"},
};

/* Create or retype the demo organisations and set their partners. 0 or an exit status. */
static int demo_orgs_load(struct pt_db *db)
{
	struct pt_diag d;
	struct pt_org org;
	enum pt_err err;
	long long owner, partner;
	size_t i;
	int rc;
	for (i = 0; i < sizeof demo_orgs / sizeof demo_orgs[0]; i++) {
		memset(&d, 0, sizeof d);
		err = pt_db_org_find(db, demo_orgs[i].name, &org, &d);
		if (err == PT_ENOTFOUND)
			err = pt_db_org_add(db, demo_orgs[i].name, demo_orgs[i].type, NULL, &d);
		else if (err == PT_OK && org.type != demo_orgs[i].type)
			err = pt_db_org_update(db, org.id, NULL, &demo_orgs[i].type, &d);
		if (err != PT_OK)
			return pt_cli_fail(err, &d);
	}
	for (i = 0; i < sizeof demo_partners / sizeof demo_partners[0]; i++) {
		if ((rc = pt_cli_org_id(db, demo_partners[i].owner, &owner)) ||
		    (rc = pt_cli_org_id(db, demo_partners[i].partner, &partner)))
			return rc;
		memset(&d, 0, sizeof d);
		err = pt_db_org_set_partners(db, owner, &partner, 1, &d);
		if (err != PT_OK)
			return pt_cli_fail(err, &d);
	}
	return 0;
}

/* Create the demo users not there yet, and name readers on the RED sites. 0 or an exit status. */
static int demo_users_load(struct pt_db *db)
{
	struct pt_site_list sites;
	struct pt_user u;
	struct pt_diag d;
	enum pt_err err;
	char password[PT_USER_NAME_MAX + 8];
	long long org_id;
	size_t i, k;
	int rc = 0;

	for (i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
		memset(&d, 0, sizeof d);
		err = pt_db_user_get(db, demo_users[i].name, &u, &d);
		if (err == PT_OK)
			continue; /* kept as it is (its password may have been changed) */
		if (err != PT_ENOTFOUND)
			return pt_cli_fail(err, &d);
		if ((rc = pt_cli_org_id(db, demo_users[i].org, &org_id)))
			return rc;
		snprintf(password, sizeof password, "demo-%s", demo_users[i].name);
		memset(&d, 0, sizeof d);
		err = pt_db_user_add(db, demo_users[i].name, password, demo_users[i].role, org_id,
				     NULL, &d);
		if (err != PT_OK)
			return pt_cli_fail(err, &d);
	}
	memset(&sites, 0, sizeof sites);
	memset(&d, 0, sizeof d);
	err = pt_db_sites_list(db, PT_TLP_RED, &sites, NULL, &d);
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	for (k = 0; k < sites.n && !rc; k++) {
		if (sites.items[k].tlp != PT_TLP_RED)
			continue;
		for (i = 0; i < sizeof demo_readers / sizeof demo_readers[0]; i++) {
			if (strcmp(sites.items[k].owner, demo_readers[i].owner) != 0)
				continue;
			memset(&d, 0, sizeof d);
			err = pt_db_user_get(db, demo_readers[i].user, &u, &d);
			if (err == PT_OK)
				err = pt_db_site_reader_add(db, sites.items[k].id, u.id, &d);
			if (err != PT_OK)
				rc = pt_cli_fail(err, &d);
		}
	}
	pt_site_list_free(&sites);
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
	if ((rc = demo_orgs_load(db)) || (rc = demo_users_load(db)) ||
	    (rc = demo_site_measures_load(db)))
		goto out;
	printf("%s: demo region loaded (%zu organisations, %zu users; log-ins in README.md)\n",
	       cli->db_path, sizeof demo_orgs / sizeof demo_orgs[0],
	       sizeof demo_users / sizeof demo_users[0]);
out:
	pt_cli_free_catalogs(&cat);
	pt_db_close(db);
	return rc;
}
