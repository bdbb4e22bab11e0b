/* pt_app_registry.c - the registry's own use cases: init and demo from the
 * files compiled into the binary, settings, threat levels, catalogues. */
#include "pt_app_registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_access.h"
#include "../formats/pt_assess_io.h"
#include "../formats/pt_csv.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_embedded.h"
#include "pt_app_surge.h"
#include "../formats/pt_measures_io.h"
#include "../formats/pt_sites_io.h"
#include "../store/pt_cer_store.h"
#include "../store/pt_measures_store.h"
#include "pt_app_measures.h"
#include "pt_app_audit.h"
#include "pt_app_plan_int.h"
#include "pt_app_dependencies.h"
#include "pt_app_surveys.h"
#include "pt_app_history.h"
#include "../store/pt_register_store.h"
#include "../store/pt_store.h"
#include "../store/pt_users.h"

/* ---- the files compiled into the binary ---------------------------------- */

/* The built-in file name, or PT_EINTERNAL naming it. */
static enum pt_err embedded(const char *name, const struct pt_embedded_file **f,
			    struct pt_diag *d)
{
	*f = pt_embedded_find(name);
	if (!*f)
		return pt_diag_set(d, PT_EINTERNAL, 0, "",
				   "built-in data file %s is missing from this build", name);
	return PT_OK;
}

/* Start d over for reading the built-in file name (keeps warn_cb). */
static void diag_for(struct pt_diag *d, const char *name)
{
	if (!d)
		return;
	pt_diag_clear(d);
	pt_strlcpy(d->file, name, sizeof d->file);
}

/* Any failure of built-in data is this program's bug: PT_EINTERNAL, d kept. */
static enum pt_err builtin_broken(enum pt_err err)
{
	return err == PT_OK || err == PT_ENOMEM ? err : PT_EINTERNAL;
}

static enum pt_err read_catalog(const char *name, struct pt_catalog *c, struct pt_diag *d)
{
	const struct pt_embedded_file *f;
	enum pt_err err;
	if ((err = embedded(name, &f, d)) != PT_OK)
		return err;
	diag_for(d, name);
	return builtin_broken(pt_catalog_read_csv(f->data, f->len, c, d));
}

enum pt_err pt_app_catalogs_builtin(struct pt_catalogs *cat, struct pt_diag *d)
{
	enum pt_err err;
	if ((err = read_catalog("catalog/kinds.csv", &cat->kinds, d)) != PT_OK ||
	    (err = read_catalog("catalog/sectors.csv", &cat->sectors, d)) != PT_OK ||
	    (err = read_catalog("catalog/threats.csv", &cat->threats, d)) != PT_OK)
		pt_app_catalogs_clear(cat);
	return err;
}

void pt_app_catalogs_clear(struct pt_catalogs *cat)
{
	pt_catalog_clear(&cat->kinds);
	pt_catalog_clear(&cat->sectors);
	pt_catalog_clear(&cat->threats);
}

/* ---- init ------------------------------------------------------------------ */

/*
 * Add the built-in measures (catalog/measures.csv and measure_effects.csv)
 * the registry does not hold yet, with their effects; measures already
 * stored are kept as they are (a user may have changed them).
 */
static enum pt_err seed_measures(struct pt_db *db, const struct pt_catalogs *cat,
				 struct pt_diag *d)
{
	struct pt_measure_catalog builtin, stored, fresh;
	const struct pt_embedded_file *mf, *ef;
	enum pt_err err;
	size_t i;

	memset(&builtin, 0, sizeof builtin);
	memset(&stored, 0, sizeof stored);
	memset(&fresh, 0, sizeof fresh);
	if ((err = embedded("catalog/measures.csv", &mf, d)) != PT_OK ||
	    (err = embedded("catalog/measure_effects.csv", &ef, d)) != PT_OK)
		return err;
	diag_for(d, "catalog/measures.csv");
	err = pt_measures_read_csv(mf->data, mf->len, cat, &builtin, d);
	if (err == PT_OK) {
		diag_for(d, "catalog/measure_effects.csv");
		err = pt_measure_effects_read_csv(ef->data, ef->len, &cat->threats, NULL, &builtin, d);
	}
	if (err != PT_OK) {
		err = builtin_broken(err);
		goto out;
	}
	if (d)
		pt_diag_clear(d);
	if ((err = pt_db_measures_load(db, &stored, d)) != PT_OK)
		goto out;
	for (i = 0; i < builtin.n && err == PT_OK; i++)
		if (pt_measure_catalog_find(&stored, builtin.items[i].id) < 0)
			err = pt_measure_catalog_add(&fresh, &builtin.items[i]);
	for (i = 0; i < builtin.n_effects && err == PT_OK; i++)
		if (pt_measure_catalog_find(&fresh, builtin.effects[i].measure_id) >= 0)
			err = pt_measure_catalog_add_effect(&fresh, &builtin.effects[i]);
	if (err != PT_OK) {
		pt_diag_put(d, err, 0, "", pt_strerror(err));
		goto out;
	}
	if (fresh.n) {
		struct pt_caller sys;
		pt_caller_system(&sys);
		err = pt_app_measures_import(&sys, db, &fresh, d);
	}
out:
	pt_measure_catalog_clear(&builtin);
	pt_measure_catalog_clear(&stored);
	pt_measure_catalog_clear(&fresh);
	return err;
}

enum pt_err pt_app_registry_init(const struct pt_caller *c, struct pt_db *db, struct pt_diag *d)
{
	struct pt_catalogs cat;
	const struct pt_embedded_file *f;
	char **keys = NULL, **values = NULL;
	size_t n = 0;
	enum pt_err err;

	memset(&cat, 0, sizeof cat);
	pt_app_act(c, db);
	if ((err = pt_app_catalogs_builtin(&cat, d)) != PT_OK ||
	    (err = embedded("catalog/settings.csv", &f, d)) != PT_OK)
		goto out;
	diag_for(d, "catalog/settings.csv");
	err = pt_settings_read_csv(f->data, f->len, &keys, &values, &n, d);
	if (err != PT_OK) {
		err = builtin_broken(err);
		goto out;
	}
	if (d)
		pt_diag_clear(d);
	err = pt_db_seed(db, &cat, (const char *const *)keys, (const char *const *)values, n, d);
	if (err == PT_OK)
		err = seed_measures(db, &cat, d);
	if (err == PT_OK) /* issue 11 item 6: the built-in surge catalogue */
		err = pt_app_surge_seed(db, &cat, d);
	/* Issue 10: a registry made by init requires a second factor (kept if set already). */
	if (err == PT_OK)
		err = pt_db_auth_setting_set(db, "second_factor", "required", 1, d);
out:
	pt_settings_free(keys, values, n);
	pt_app_catalogs_clear(&cat);
	return err;
}

/* ---- demo -------------------------------------------------------------------- */

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
	{"Vellmark Hospitals Trust", PT_ORG_OPERATOR},
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
	{"trust", PT_ROLE_OPERATOR, "Vellmark Hospitals Trust"},
	{"trust-admin", PT_ROLE_ADMIN, "Vellmark Hospitals Trust"},
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

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Import the demo's sites (demo/sites.csv). */
static enum pt_err demo_sites_load(struct pt_db *db, const struct pt_catalogs *cat,
				   struct pt_diag *d)
{
	static const char name[] = "demo/sites.csv";
	const struct pt_embedded_file *f;
	struct pt_site_list sites;
	enum pt_err err;

	memset(&sites, 0, sizeof sites);
	if ((err = embedded(name, &f, d)) != PT_OK)
		return err;
	diag_for(d, name);
	err = pt_sites_read_csv(f->data, f->len, cat, &sites, d);
	if (err == PT_OK) {
		pt_diag_clear(d);
		err = pt_db_sites_import(db, &sites, NULL, NULL, d);
	}
	pt_site_list_clear(&sites);
	return err;
}

/* Import the demo's assessments of the three methods. */
static enum pt_err demo_assessments_load(struct pt_db *db, const struct pt_catalogs *cat,
					 struct pt_diag *d)
{
	static const char *const files[] = {"demo/fema.csv", "demo/carver.csv", "demo/quant.csv"};
	const struct pt_embedded_file *f;
	struct pt_assessment_set set;
	enum pt_err err = PT_OK;
	size_t i;

	for (i = 0; i < COUNT_OF(files) && err == PT_OK; i++) {
		memset(&set, 0, sizeof set);
		if ((err = embedded(files[i], &f, d)) != PT_OK)
			return err;
		diag_for(d, files[i]);
		err = pt_assessments_read_csv(f->data, f->len, &cat->threats, &set, d);
		if (err == PT_OK) {
			char stamp[PT_STAMP_MAX];
			pt_diag_clear(d);
			/* issue 16 item 3: a confirmed visit dated at the clock of the use cases */
			pt_app_survey_stamp(NULL, stamp);
			err = pt_db_assessments_import_as(db, &set, PT_SOURCE_IMPORT, stamp, d);
		}
		pt_assessment_set_clear(&set);
	}
	return err;
}

/* The id of organisation name (PT_EINVAL naming it when there is none). */
static enum pt_err demo_org_id(struct pt_db *db, const char *name, long long *id,
			       struct pt_diag *d)
{
	struct pt_org org;
	enum pt_err err = pt_db_org_find(db, name, &org, d);
	if (err == PT_ENOTFOUND)
		return pt_diag_set(d, PT_EINVAL, 0, "organisation", "no organisation named \"%s\"",
				   name);
	if (err == PT_OK)
		*id = org.id;
	return err;
}

/* Create or retype the demo organisations and set their partners. */
static enum pt_err demo_orgs_load(struct pt_db *db, struct pt_diag *d)
{
	struct pt_org org;
	enum pt_err err;
	long long owner = 0, partner = 0;
	size_t i;
	for (i = 0; i < COUNT_OF(demo_orgs); i++) {
		pt_diag_clear(d);
		err = pt_db_org_find(db, demo_orgs[i].name, &org, d);
		if (err == PT_ENOTFOUND)
			err = pt_db_org_add(db, demo_orgs[i].name, demo_orgs[i].type, NULL, d);
		else if (err == PT_OK && org.type != demo_orgs[i].type)
			err = pt_db_org_update(db, org.id, NULL, &demo_orgs[i].type, d);
		if (err != PT_OK)
			return err;
	}
	for (i = 0; i < COUNT_OF(demo_partners); i++) {
		if ((err = demo_org_id(db, demo_partners[i].owner, &owner, d)) != PT_OK ||
		    (err = demo_org_id(db, demo_partners[i].partner, &partner, d)) != PT_OK ||
		    (err = pt_db_org_set_partners(db, owner, &partner, 1, d)) != PT_OK)
			return err;
	}
	return PT_OK;
}

/* Create the demo users not there yet, and name readers on the RED sites. */
static enum pt_err demo_users_load(struct pt_db *db, struct pt_diag *d)
{
	struct pt_site_list sites;
	struct pt_user u;
	enum pt_err err = PT_OK;
	char password[PT_USER_NAME_MAX + 8];
	long long org_id = 0;
	size_t i, k;

	for (i = 0; i < COUNT_OF(demo_users); i++) {
		pt_diag_clear(d);
		err = pt_db_user_get(db, demo_users[i].name, &u, d);
		if (err == PT_OK)
			continue; /* kept as it is (its password may have been changed) */
		if (err != PT_ENOTFOUND)
			return err;
		if ((err = demo_org_id(db, demo_users[i].org, &org_id, d)) != PT_OK)
			return err;
		snprintf(password, sizeof password, "demo-%s", demo_users[i].name);
		pt_diag_clear(d);
		if ((err = pt_db_user_add(db, demo_users[i].name, password, demo_users[i].role, org_id,
					  NULL, d)) != PT_OK)
			return err;
	}
	memset(&sites, 0, sizeof sites);
	pt_diag_clear(d);
	if ((err = pt_db_sites_list(db, PT_TLP_RED, &sites, NULL, d)) != PT_OK)
		return err;
	for (k = 0; k < sites.n && err == PT_OK; k++) {
		if (sites.items[k].tlp != PT_TLP_RED)
			continue;
		for (i = 0; i < COUNT_OF(demo_readers) && err == PT_OK; i++) {
			if (strcmp(sites.items[k].owner, demo_readers[i].owner) != 0)
				continue;
			err = pt_db_user_get(db, demo_readers[i].user, &u, d);
			if (err == PT_OK)
				err = pt_db_site_reader_add(db, sites.items[k].id, u.id, d);
		}
	}
	pt_site_list_clear(&sites);
	return err;
}

/* Import demo/dependencies.csv (issue 12): rows already there are updated. */
static enum pt_err demo_dependencies_load(const struct pt_caller *c, struct pt_db *db,
					  struct pt_diag *d)
{
	static const char name[] = "demo/dependencies.csv";
	const struct pt_embedded_file *f;
	struct pt_deps_import_result res;
	enum pt_err err;
	if ((err = embedded(name, &f, d)) != PT_OK)
		return err;
	diag_for(d, name);
	return builtin_broken(pt_app_dependencies_import(c, db, f->data, f->len, &res, d));
}

/* Import demo/site_measures.csv: the pairs not stored yet (stored ones keep their status). */
static enum pt_err demo_site_measures_load(struct pt_db *db, struct pt_diag *d)
{
	static const char name[] = "demo/site_measures.csv";
	struct pt_site_measure_list all, fresh;
	struct pt_site_measure_row *stored = NULL;
	const struct pt_embedded_file *f;
	size_t n_stored = 0, i, k;
	enum pt_err err;

	memset(&all, 0, sizeof all);
	memset(&fresh, 0, sizeof fresh);
	if ((err = embedded(name, &f, d)) != PT_OK)
		return err;
	diag_for(d, name);
	if ((err = pt_site_measures_read_csv(f->data, f->len, &all, d)) != PT_OK ||
	    (err = pt_db_site_measures_list(db, NULL, &stored, &n_stored, d)) != PT_OK)
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
		pt_diag_put(d, err, 0, "", pt_strerror(err));
	else if (fresh.n) {
		struct pt_caller sys;
		pt_caller_system(&sys);
		err = pt_app_site_measures_import(&sys, db, &fresh, d);
	}
out:
	free(stored);
	pt_site_measure_list_clear(&all);
	pt_site_measure_list_clear(&fresh);
	return err;
}

/* Issue 16, item 8: the demo's critical entities under the CER Directive (docs/methodology.md,
 * "Critical entities"; data/demo/README.md): dates chosen so that on the tests' clock
 * (2026-12-01) the trust lacks both, Harbourlight lacks its plan, Northgate is current and
 * Rail and Ports is still within its first deadlines. */
static const struct demo_cer {
	const char *org, *designated_on, *notified_on, *risk_assessment_on, *resilience_plan_on;
	const char *sites[4];
} demo_cer[] = {
	{"Vellmark Hospitals Trust", "2026-01-12", "2026-01-26", "", "", {"VM-012", "VM-013", "VM-014", NULL}},
	{"Northgate Utilities", "2026-01-12", "2026-01-26", "2026-06-30", "2026-09-15", {"VM-001", "VM-002", "VM-003", "VM-004"}},
	{"Harbourlight Group", "2026-01-12", "2026-01-26", "2026-08-20", "", {"VM-008", "VM-009", "VM-010", NULL}},
	{"Vellmark Rail and Ports", "2026-05-04", "2026-05-18", "", "", {"VM-005", "VM-006", "VM-007", NULL}},
};

/* Designate the demo's critical entities that are not designated yet (stored ones are kept). */
static enum pt_err demo_cer_load(struct pt_db *db, struct pt_diag *d)
{
	struct pt_cer_entity_row *rows = NULL;
	struct pt_cer_link_row *links = NULL;
	size_t n = 0, n_links = 0, i, k;
	enum pt_err err;

	if ((err = pt_db_cer_load(db, &rows, &n, &links, &n_links, d)) != PT_OK)
		return err;
	for (i = 0; i < COUNT_OF(demo_cer) && err == PT_OK; i++) {
		struct pt_cer_dates dates;
		char sites[4][PT_ID_MAX];
		long long org_id = 0;
		size_t n_sites = 0;
		int seen = 0;
		if ((err = demo_org_id(db, demo_cer[i].org, &org_id, d)) != PT_OK)
			break;
		for (k = 0; k < n; k++)
			seen |= rows[k].org_id == org_id;
		if (seen)
			continue;
		memset(&dates, 0, sizeof dates);
		pt_strlcpy(dates.designated_on, demo_cer[i].designated_on, sizeof dates.designated_on);
		pt_strlcpy(dates.notified_on, demo_cer[i].notified_on, sizeof dates.notified_on);
		pt_strlcpy(dates.risk_assessment_on, demo_cer[i].risk_assessment_on,
			   sizeof dates.risk_assessment_on);
		pt_strlcpy(dates.resilience_plan_on, demo_cer[i].resilience_plan_on,
			   sizeof dates.resilience_plan_on);
		for (k = 0; k < COUNT_OF(demo_cer[i].sites) && demo_cer[i].sites[k]; k++)
			pt_strlcpy(sites[n_sites++], demo_cer[i].sites[k], PT_ID_MAX);
		err = pt_db_cer_put(db, org_id, &dates, (const char(*)[PT_ID_MAX])sites, n_sites,
				    "cer.designate", demo_cer[i].org, d);
	}
	free(rows);
	free(links);
	return err;
}

enum pt_err pt_app_registry_demo(const struct pt_caller *c, struct pt_db *db,
				 struct pt_app_demo_result *out, struct pt_diag *d)
{
	struct pt_catalogs cat;
	struct pt_diag scratch = PT_DIAG_INIT;
	enum pt_err err;

	if (!d)
		d = &scratch;
	memset(&cat, 0, sizeof cat);
	if (out)
		memset(out, 0, sizeof *out);
	if ((err = pt_app_registry_init(c, db, d)) != PT_OK)
		return err;
	pt_diag_clear(d);
	if ((err = pt_db_catalogs_load(db, &cat, d)) != PT_OK ||
	    (err = demo_sites_load(db, &cat, d)) != PT_OK ||
	    (err = demo_assessments_load(db, &cat, d)) != PT_OK ||
	    (err = demo_dependencies_load(c, db, d)) != PT_OK || /* issue 12 */
	    /* Issue 10: the demo's documented log-ins (demo-NAME, no second factor) keep working. */
	    (err = pt_db_auth_setting_set(db, "second_factor", "optional", 0, d)) != PT_OK ||
	    (err = pt_db_auth_setting_set(db, "demo_passwords", "1", 0, d)) != PT_OK ||
	    (err = demo_orgs_load(db, d)) != PT_OK || (err = demo_users_load(db, d)) != PT_OK ||
	    (err = demo_site_measures_load(db, d)) != PT_OK ||
	    (err = demo_cer_load(db, d)) != PT_OK || /* issue 16, item 8 */
	    /* issue 16 item 6: the demo's "2025 baseline" snapshot (data/demo/README.md) */
	    (err = pt_app_history_demo(c, db, c ? c->now : 0, d)) != PT_OK)
		goto out;
	if (out) {
		out->orgs = COUNT_OF(demo_orgs);
		out->users = COUNT_OF(demo_users);
	}
out:
	pt_app_catalogs_clear(&cat);
	return err;
}

/* ---- settings, threat levels, catalogues ------------------------------------ */

enum pt_err pt_app_config_get(const struct pt_caller *c, struct pt_db *db, struct pt_config *out,
			      struct pt_diag *d)
{
	(void)c;
	return pt_db_config_load(db, out, d);
}

enum pt_err pt_app_config_set(const struct pt_caller *c, struct pt_db *db, const char *key,
			      const char *value, struct pt_diag *d)
{
	pt_app_act(c, db);
	return pt_db_setting_set(db, key, value, d);
}

/* issue 11 review M3: is some site of region one c may read? A region is named to a
 * caller only then (a region entry never tells that a hidden site is there). */
static int region_readable(const struct pt_caller *c, const struct pt_snapshot *snap,
			   const char *region)
{
	size_t i;
	for (i = 0; snap && region && i < snap->sites.n; i++) {
		struct pt_access_record rec;
		if (strcmp(snap->sites.items[i].region, region) != 0)
			continue;
		pt_snapshot_record(snap, i, &rec);
		if (pt_access_read(&c->who, &rec) == PT_ACCESS_OK)
			return 1;
	}
	return 0;
}

/* Keep the changes of changes[0, *n) c may be told of: a region's only when
 * region_readable (sectors and threats are public catalogues). */
static void levels_hide_regions(const struct pt_caller *c, const struct pt_snapshot *snap,
				struct pt_level_change *changes, size_t *n)
{
	size_t i, k = 0;
	for (i = 0; i < *n; i++)
		if (changes[i].scope != PT_LEVEL_SCOPE_REGION ||
		    region_readable(c, snap, changes[i].scope_id))
			changes[k++] = changes[i];
	*n = k;
}

enum pt_err pt_app_threat_levels_get(const struct pt_caller *c, struct pt_db *db,
				     struct pt_app_threat_levels *out, struct pt_diag *d)
{
	enum pt_err err;
	size_t i, k = 0;
	memset(out, 0, sizeof *out);
	out->at = pt_app_now(c ? c->now : 0);
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	err = pt_db_threat_level_history(db, &out->history, &out->n_history, d);
	if ((err = pt_db_end(db, err, d)) != PT_OK)
		goto out;
	out->in_force = malloc((out->n_history ? out->n_history : 1) * sizeof *out->in_force);
	out->entries = malloc((out->n_history ? out->n_history : 1) * sizeof *out->entries);
	if (!out->in_force || !out->entries) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	pt_levels_in_force(out->history, out->n_history, out->at, out->in_force, &out->n_in_force);
	out->national = pt_level_national(out->in_force, out->n_in_force);
	{ /* issue 11 review M3: leave out the regions c reads no site of */
		struct pt_snapshot *snap = NULL;
		int any = 0;
		for (i = 0; i < out->n_history; i++)
			any |= out->history[i].scope == PT_LEVEL_SCOPE_REGION;
		if (any && c && !(snap = pt_app_snapshot(c, db, d))) {
			err = d && d->msg[0] ? PT_EDB : PT_ENOMEM;
			goto out;
		}
		if (any && c) {
			for (i = k = 0; i < out->n_in_force; i++)
				if (out->in_force[i].change.scope != PT_LEVEL_SCOPE_REGION ||
				    region_readable(c, snap, out->in_force[i].change.scope_id))
					out->in_force[k++] = out->in_force[i];
			out->n_in_force = k;
			levels_hide_regions(c, snap, out->history, &out->n_history);
			k = 0;
		}
		pt_snapshot_release(snap);
	}
	for (i = 0; i < out->n_in_force; i++)
		if (out->in_force[i].change.scope == PT_LEVEL_SCOPE_THREAT) {
			pt_strlcpy(out->entries[k].threat_id, out->in_force[i].change.scope_id,
				   sizeof out->entries[k].threat_id);
			out->entries[k].level = out->in_force[i].change.level;
			k++;
		}
	out->n = k;
	if (!k) {
		free(out->entries);
		out->entries = NULL;
	}
	if (!out->n_in_force) {
		free(out->in_force);
		out->in_force = NULL;
	}
	if (!out->n_history) {
		free(out->history);
		out->history = NULL;
	}
out:
	if (err != PT_OK)
		pt_app_threat_levels_clear(out);
	return err;
}

void pt_app_threat_levels_clear(struct pt_app_threat_levels *out)
{
	if (!out)
		return;
	free(out->entries);
	free(out->in_force);
	free(out->history);
	memset(out, 0, sizeof *out);
}

void pt_app_level_result_clear(struct pt_app_level_result *r)
{
	if (!r)
		return;
	free(r->reopened);
	memset(r, 0, sizeof *r);
}

/* The audit record of a scope: "national", the threat id, "sector:ID", "region:NAME". */
static void scope_record(char *buf, size_t size, enum pt_level_scope scope, const char *id)
{
	if (scope == PT_LEVEL_SCOPE_NATIONAL)
		pt_strlcpy(buf, "national", size);
	else if (scope == PT_LEVEL_SCOPE_THREAT)
		pt_strlcpy(buf, pt_id_valid(id) ? id : "", size);
	else
		snprintf(buf, size, "%s:%s", pt_level_scope_name(scope), id ? id : "");
}

/* Order of re-opened decisions: by site, then threat. */
static int reopened_cmp(const struct pt_app_reopened *a, const struct pt_app_reopened *b)
{
	int c = strcmp(a->site_id, b->site_id);
	return c ? c : strcmp(a->threat_id, b->threat_id);
}

/* issue 11 review L6: the audit entry of change ch names the decisions it re-opened
 * (list[0, n): the count), and each gets a history row. */
static enum pt_err reopened_record(struct pt_db *db, const struct pt_level_change *ch,
				   const char *record, const struct pt_app_reopened *list, size_t n,
				   struct pt_diag *d)
{
	char note[PT_DB_LEVEL_NOTE_MAX], now[PT_TIMESTAMP_MAX], detail[256];
	const char *actor = NULL;
	size_t i;
	enum pt_err err;
	note[0] = '\0';
	/* The count only: the entry covers no site, so naming the decisions would show
	 * hidden sites to whoever reads the audit log; each decision's own history row (a
	 * record of its site) names the change. */
	if (n)
		snprintf(note, sizeof note,
			 "re-opened %zu register decision%s (each decision's history names it)", n,
			 n == 1 ? "" : "s");
	if ((err = pt_db_threat_level_audit(db, ch, note, d)) != PT_OK)
		return err;
	pt_app_stamp(db, now, &actor);
	/* action "set" (the schema allows set, approve, commit: no migration for a new name);
	 * the detail says what set it */
	for (i = 0; i < n; i++) {
		snprintf(detail, sizeof detail,
			 "re-opened by the threat level change %s to %s (band %s -> %s)", record,
			 ch->cleared ? "cleared" : pt_threat_level_name(ch->level),
			 pt_band_name(list[i].decided_band), pt_band_name(list[i].band));
		if ((err = pt_db_register_history_add(db, list[i].site_id, list[i].threat_id, now,
						      actor ? actor : ch->set_by, "set", detail,
						      d)) != PT_OK)
			return err;
	}
	return PT_OK;
}

enum pt_err pt_app_threat_level_change(const struct pt_caller *c, struct pt_db *db,
				       const struct pt_app_level_change *in,
				       struct pt_app_level_result *out, struct pt_diag *d)
{
	struct pt_level_change ch;
	struct pt_app_reopened *before = NULL, *after = NULL;
	struct pt_snapshot *snap = NULL;
	struct pt_principal all_sites;
	size_t n_before = 0, n_after = 0, n_new = 0, i, j;
	const char *actor = NULL;
	char record[PT_LEVEL_SCOPE_ID_MAX + 16];
	enum pt_err err;

	if (out)
		memset(out, 0, sizeof *out);
	if (!c || !db || !in)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no change");
	if ((int)in->scope < 0 || (int)in->scope >= PT_LEVEL_SCOPE_COUNT)
		return pt_diag_set(d, PT_EINVAL, 0, "scope", "not a threat-level scope");
	scope_record(record, sizeof record, in->scope, in->scope_id);
	if (pt_access_threat_level(&c->who) != PT_ACCESS_OK)
		return pt_app_refused(c, db, in->clear ? "threat_level.clear" : "threat_level.set",
				      "threat_levels", record,
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "",
						  "only coordinators of a government organisation set "
						  "the threat level"),
				      d);
	memset(&ch, 0, sizeof ch);
	ch.scope = in->scope;
	if (in->scope != PT_LEVEL_SCOPE_NATIONAL) {
		if (!in->scope_id || !in->scope_id[0])
			return pt_diag_set(d, PT_EINVAL, 0, pt_level_scope_name(in->scope),
					   "no %s named", pt_level_scope_name(in->scope));
		if (strlen(in->scope_id) >= sizeof ch.scope_id)
			return pt_diag_set(d, PT_EINVAL, 0, pt_level_scope_name(in->scope),
					   "%s longer than %zu bytes", pt_level_scope_name(in->scope),
					   sizeof ch.scope_id - 1);
		pt_strlcpy(ch.scope_id, in->scope_id, sizeof ch.scope_id);
	}
	if (in->scope == PT_LEVEL_SCOPE_REGION) { /* issue 11 review M3 */
		struct pt_snapshot *rsnap = pt_app_snapshot(c, db, d);
		int known;
		if (!rsnap)
			return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
		known = region_readable(c, rsnap, ch.scope_id);
		pt_snapshot_release(rsnap);
		/* a region only hidden sites are in answers as one no site is in */
		if (!known)
			return pt_diag_set(d, PT_EINVAL, 0, "region",
					   "unknown region \"%s\" (no site you may read is in it)",
					   ch.scope_id);
	}
	if (in->clear && in->scope == PT_LEVEL_SCOPE_NATIONAL)
		return pt_diag_set(d, PT_EINVAL, 0, "level",
				   "the national level is never cleared: set it (SUBSTANTIAL is the "
				   "level assessments hold at)");
	if (!in->clear && ((int)in->level < 0 || (int)in->level >= PT_LEVEL_COUNT))
		return pt_diag_set(d, PT_EINVAL, 0, "level", "not a threat level");
	if (!in->rationale || !in->rationale[0])
		return pt_diag_set(d, PT_EINVAL, 0, "rationale",
				   "every threat-level change needs a rationale (why, on whose "
				   "assessment)");
	if (strlen(in->rationale) >= sizeof ch.rationale)
		return pt_diag_set(d, PT_EINVAL, 0, "rationale", "rationale longer than %zu bytes",
				   sizeof ch.rationale - 1);
	switch (pt_level_text_check(in->rationale)) { /* issue 11 review L1 */
	case PT_TEXT_OK:
		break;
	case PT_TEXT_BIDI:
		return pt_diag_set(d, PT_EINVAL, 0, "rationale",
				   "rationale holds a bidirectional control character (U+061C, "
				   "U+200E, U+200F, U+202A-U+202E, U+2066-U+2069)");
	case PT_TEXT_BAD_UTF8:
		return pt_diag_set(d, PT_EINVAL, 0, "rationale", "rationale is not valid UTF-8");
	default:
		return pt_diag_set(d, PT_EINVAL, 0, "rationale",
				   "rationale holds no visible text (only spaces or invisible "
				   "characters): say why, on whose assessment");
	}
	ch.cleared = in->clear != 0;
	ch.level = in->clear ? PT_LEVEL_SUBSTANTIAL : in->level;
	ch.below = in->below != 0;
	pt_strlcpy(ch.rationale, in->rationale, sizeof ch.rationale);
	ch.set_at = pt_app_now(c->now);
	ch.expires_at = in->until;
	if (ch.expires_at && ch.expires_at <= ch.set_at)
		return pt_diag_set(d, PT_EINVAL, 0, "until",
				   "the expiry must be in the future (the clock reads %lld)",
				   (long long)ch.set_at);
	if (ch.expires_at && ch.expires_at - ch.set_at > PT_LEVEL_EXPIRY_HORIZON_S)
		return pt_diag_set(d, PT_EINVAL, 0, "until",
				   "the expiry is more than 2 years ahead: a threat level is reviewed "
				   "at least that often (set it again when the expiry comes)");

	pt_app_act(c, db);
	pt_db_actor(db, NULL, NULL, &actor, NULL);
	pt_strlcpy(ch.set_by, actor ? actor : c->name, sizeof ch.set_by);
	pt_principal_system(&all_sites);
	/* the caller's sites, to answer with the re-opened decisions it may read */
	if (out && !(snap = pt_app_snapshot(c, db, d)))
		return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
	/* One transaction: the decisions re-opened before, the change, and after (of every
	 * site: the audit entry and each decision's history name them all, issue 11 review L6). */
	if ((err = pt_db_begin(db, d)) != PT_OK) {
		pt_snapshot_release(snap);
		return err;
	}
	if ((err = pt_app_register_reopened_list(db, &all_sites, &before, &n_before, d)) != PT_OK ||
	    (err = pt_db_threat_level_change_ex(db, &ch, 0, d)) != PT_OK ||
	    (err = pt_app_register_reopened_list(db, &all_sites, &after, &n_after, d)) != PT_OK)
		goto out;
	/* both lists by site then threat: keep those of after not in before */
	for (i = j = 0; i < n_after; i++) {
		while (j < n_before && reopened_cmp(&before[j], &after[i]) < 0)
			j++;
		if (j < n_before && reopened_cmp(&before[j], &after[i]) == 0)
			continue; /* re-opened before the change already */
		after[n_new++] = after[i];
	}
	if ((err = reopened_record(db, &ch, record, after, n_new, d)) != PT_OK)
		goto out;
	if (out) {
		out->change = ch;
		for (i = 0; i < n_new; i++) { /* the answer names those the caller may read */
			long k = pt_snapshot_find(snap, after[i].site_id);
			struct pt_access_record rec;
			if (k < 0)
				continue;
			pt_snapshot_record(snap, (size_t)k, &rec);
			if (pt_access_read(&c->who, &rec) == PT_ACCESS_OK)
				after[out->n_reopened++] = after[i];
		}
		if (out->n_reopened) {
			out->reopened = after;
			after = NULL;
		}
	}
out:
	free(before);
	free(after);
	pt_snapshot_release(snap);
	return pt_db_end(db, err, d);
}

enum pt_err pt_app_threat_level_set(const struct pt_caller *c, struct pt_db *db,
				    const char *threat_id, enum pt_threat_level level,
				    const char *rationale, struct pt_diag *d)
{
	struct pt_app_level_change in;
	memset(&in, 0, sizeof in);
	in.scope = threat_id ? PT_LEVEL_SCOPE_THREAT : PT_LEVEL_SCOPE_NATIONAL;
	in.scope_id = threat_id;
	in.level = level;
	in.rationale = rationale;
	return pt_app_threat_level_change(c, db, &in, NULL, d);
}

enum pt_err pt_app_catalog_get(const struct pt_caller *c, struct pt_db *db, const char *name,
			       struct pt_catalog *out, struct pt_diag *d)
{
	struct pt_catalogs cat;
	struct pt_catalog *want;
	enum pt_err err;

	(void)c;
	memset(&cat, 0, sizeof cat);
	if (!name)
		return PT_ENOTFOUND;
	if (strcmp(name, "kinds") == 0)
		want = &cat.kinds;
	else if (strcmp(name, "sectors") == 0)
		want = &cat.sectors;
	else if (strcmp(name, "threats") == 0)
		want = &cat.threats;
	else
		return PT_ENOTFOUND;
	if ((err = pt_db_catalogs_load(db, &cat, d)) != PT_OK)
		return err;
	*out = *want;
	memset(want, 0, sizeof *want);
	pt_app_catalogs_clear(&cat);
	return PT_OK;
}

enum pt_err pt_app_catalogs_get(const struct pt_caller *c, struct pt_db *db,
				struct pt_catalogs *cat, struct pt_diag *d)
{
	(void)c; /* the catalogues are public reference data */
	return pt_db_catalogs_load(db, cat, d);
}
