/* pt_app_surge.c - a plan's surge (issue 11 item 6): today's level of each
 * covered site and threat, today's attempt probabilities, and the surge
 * catalogue screened by src/core/pt_surge.c. */
#include "pt_app_surge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_quant.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_embedded.h"
#include "../formats/pt_surge_io.h"
#include "../store/pt_audit.h"
#include "../store/pt_measures_store.h"
#include "../store/pt_store.h"
#include "../store/pt_surge_store.h"
#include "pt_app_audit.h"
#include "pt_app_plan_int.h"

/*
 * The level that applies today to a site and threat when the ranking has no
 * effective pair levels (r->pair_levels, pt_level_effective: national,
 * sector, region and threat entries, which the surge uses when present):
 * the threat's own level when it has one, else the national level.
 */
static enum pt_threat_level level_of(const struct pt_site *site, const char *threat_id,
				     enum pt_threat_level national,
				     const struct pt_threat_level_entry *e, size_t n)
{
	size_t i;
	(void)site;
	for (i = 0; i < n; i++)
		if (strcmp(e[i].threat_id, threat_id) == 0)
			return e[i].level;
	return national;
}

void pt_plan_surge_free(struct pt_plan_surge *s)
{
	if (!s)
		return;
	pt_surge_catalog_clear(&s->catalog);
	pt_surge_result_clear(&s->result);
	free(s);
}

enum pt_err pt_app_surge_build(const struct pt_ranking *r, enum pt_threat_level national,
			       const struct pt_threat_level_entry *levels, size_t n_levels,
			       struct pt_plan_surge *s, struct pt_diag *d)
{
	const struct pt_site_list *sites = &r->sites;
	struct pt_surge_site *ss = NULL;
	struct pt_surge_pair *pairs = NULL;
	double *v = NULL, *c = NULL;
	long *site_of = NULL;
	size_t *start = NULL;
	size_t i, k = 0;
	enum pt_err err = PT_OK;

	s->planning = pt_config_planning_level(&r->cfg);
	pt_strlcpy(s->today_text, r->level_text, sizeof s->today_text);
	ss = calloc(sites->n ? sites->n : 1, sizeof *ss);
	pairs = calloc(r->set.n ? r->set.n : 1, sizeof *pairs);
	if (!ss || !pairs) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < sites->n; i++)
		ss[i].site = &sites->items[i];
	/* The ranking's quant pairs line up with its rows of covered sites
	 * (pt_app_ranking_pairs); each site's pairs go together (counted first). */
	site_of = malloc((r->set.n ? r->set.n : 1) * sizeof *site_of);
	start = calloc(sites->n + 1, sizeof *start);
	if (!site_of || !start) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < r->set.n; i++) {
		site_of[i] = pt_sites_find(sites->items, sites->n, r->set.quant[i].site_id);
		if (site_of[i] >= 0)
			start[site_of[i] + 1]++;
	}
	for (i = 0; i < sites->n; i++) {
		start[i + 1] += start[i];
		ss[i].pairs = pairs + start[i];
	}
	for (i = 0; i < r->set.n; i++) {
		const struct pt_quant_row *row = &r->set.quant[i];
		long si = site_of[i];
		long t = pt_catalog_find(&r->cat.threats, row->threat_id);
		struct pt_surge_pair *p;
		if (si < 0)
			continue;
		if (t < 0 || !r->quant || k >= r->quant->n_pairs) {
			err = pt_diag_set(d, PT_EINTERNAL, 0, "",
					  "quant pairs do not line up with the assessments");
			goto out;
		}
		p = &pairs[start[si] + ss[si].n_pairs++];
		p->threat = (uint32_t)t;
		/* today's level of the pair's site and threat (sector, region, threat entries) */
		p->today = r->pair_levels ? r->pair_levels[i]
					  : level_of(&sites->items[si], row->threat_id, national,
						     levels, n_levels);
		p->p_attack = pt_pert_mean_scaled(&row->var[PT_QV_P_ATTEMPT], r->cfg.pert_lambda,
						  r->cfg.level_factor[p->today]);
		p->p_success = r->quant->pairs[k].e_success;
		p->consequence_eur = r->quant->pairs[k].e_consequence_eur;
		k++;
	}
	if (s->catalog.base.n &&
	    (err = pt_measure_effect_matrix(&s->catalog.base, &r->cat.threats, &v, &c, d)) != PT_OK)
		goto out;
	err = pt_surge_screen(&r->cfg, &s->catalog, v, c, r->cat.threats.n, ss, sites->n,
			      &s->result, d);
out:
	free(ss);
	free(pairs);
	free(site_of);
	free(start);
	free(v);
	free(c);
	return err;
}

/* ---- the surge catalogue's use cases ---- */

enum pt_err pt_app_surge_list(const struct pt_caller *c, struct pt_db *db,
			      struct pt_surge_catalog *out, struct pt_diag *d)
{
	(void)c;
	return pt_db_surge_load(db, out, d);
}

static void catalogs_free(struct pt_catalogs *cat)
{
	pt_catalog_clear(&cat->kinds);
	pt_catalog_clear(&cat->sectors);
	pt_catalog_clear(&cat->threats);
}

enum pt_err pt_app_surge_import(const struct pt_caller *c, struct pt_db *db,
				const struct pt_surge_catalog *cat, struct pt_diag *d)
{
	struct pt_catalogs cats;
	char detail[128];
	enum pt_err err;
	size_t i;

	if (!c || !db || !cat)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no database or no catalogue");
	if (pt_access_measures_change(&c->who) != PT_ACCESS_OK)
		return pt_app_refused(c, db, "surge.import", "surge_measures", "",
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "",
						  "only government admins and coordinators change the "
						  "surge catalogue"),
				      d);
	memset(&cats, 0, sizeof cats);
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_catalogs_load(db, &cats, d)) != PT_OK)
		goto out;
	for (i = 0; i < cat->base.n; i++) { /* issue 11 review L5: one id, one measure */
		int dup = pt_db_measure_exists(db, cat->base.items[i].id, d);
		if (dup < 0) {
			err = PT_EDB;
			goto out;
		}
		if (dup) {
			err = pt_diag_set(d, PT_EINVAL, 0, "id",
					  "surge measure %s: the id is a measure of the measure "
					  "catalogue; give the surge measure an id of its own",
					  cat->base.items[i].id);
			goto out;
		}
	}
	for (i = 0; i < cat->base.n; i++)
		if ((err = pt_surge_check(&cat->base.items[i], cat->weekly_eur[i], &cats, d, 0)) !=
		    PT_OK) {
			pt_diag_set(d, err, 0, d ? d->field : "", "surge measure %s: %s",
				    cat->base.items[i].id, d ? d->msg : "");
			goto out;
		}
	for (i = 0; i < cat->base.n_effects; i++) {
		const struct pt_measure_effect *e = &cat->base.effects[i];
		int known;
		if ((err = pt_measure_effect_check(e, d, 0)) != PT_OK)
			goto out;
		if (pt_catalog_find(&cats.threats, e->threat_id) < 0) {
			err = pt_diag_set(d, PT_EINVAL, 0, "threat_id",
					  "effect of surge measure %s: unknown threat %s",
					  e->measure_id, e->threat_id);
			goto out;
		}
		known = pt_measure_catalog_find(&cat->base, e->measure_id) >= 0;
		if (!known && (known = pt_db_surge_exists(db, e->measure_id, d)) < 0) {
			err = PT_EDB;
			goto out;
		}
		if (!known) {
			err = pt_diag_set(d, PT_EINVAL, 0, "measure_id",
					  "effect on %s names unknown surge measure %s", e->threat_id,
					  e->measure_id);
			goto out;
		}
	}
	if ((err = pt_db_surge_put(db, cat, d)) != PT_OK)
		goto out;
	snprintf(detail, sizeof detail, "%zu surge measures, %zu effects", cat->base.n,
		 cat->base.n_effects);
	err = pt_audit_append(db, "surge.import", "surge_measures", "", detail, d);
out:
	catalogs_free(&cats);
	return pt_db_end(db, err, d);
}

enum pt_err pt_app_surge_seed(struct pt_db *db, const struct pt_catalogs *cat, struct pt_diag *d)
{
	struct pt_surge_catalog builtin, stored, fresh;
	const struct pt_embedded_file *mf = pt_embedded_find("catalog/surge_measures.csv");
	const struct pt_embedded_file *ef = pt_embedded_find("catalog/surge_effects.csv");
	enum pt_err err;
	size_t i;

	if (!mf || !ef)
		return pt_diag_set(d, PT_EINTERNAL, 0, "",
				   "built-in surge catalogue is missing from this build");
	memset(&builtin, 0, sizeof builtin);
	memset(&stored, 0, sizeof stored);
	memset(&fresh, 0, sizeof fresh);
	if (d) {
		pt_diag_clear(d);
		pt_strlcpy(d->file, "catalog/surge_measures.csv", sizeof d->file);
	}
	err = pt_surge_read_csv(mf->data, mf->len, cat, &builtin, d);
	if (err == PT_OK) {
		if (d)
			pt_strlcpy(d->file, "catalog/surge_effects.csv", sizeof d->file);
		err = pt_surge_effects_read_csv(ef->data, ef->len, &cat->threats, NULL, &builtin, d);
	}
	if (err != PT_OK) {
		err = err == PT_ENOMEM ? err : PT_EINTERNAL; /* built-in data: this program's bug */
		goto out;
	}
	if (d)
		pt_diag_clear(d);
	if ((err = pt_db_surge_load(db, &stored, d)) != PT_OK)
		goto out;
	for (i = 0; i < builtin.base.n && err == PT_OK; i++)
		if (pt_measure_catalog_find(&stored.base, builtin.base.items[i].id) < 0)
			err = pt_surge_catalog_add(&fresh, &builtin.base.items[i],
						   builtin.weekly_eur[i]);
	for (i = 0; i < builtin.base.n_effects && err == PT_OK; i++)
		if (pt_measure_catalog_find(&fresh.base, builtin.base.effects[i].measure_id) >= 0)
			err = pt_measure_catalog_add_effect(&fresh.base, &builtin.base.effects[i]);
	if (err != PT_OK) {
		pt_diag_put(d, err, 0, "", pt_strerror(err));
		goto out;
	}
	if (fresh.base.n) {
		struct pt_caller sys;
		pt_caller_system(&sys);
		err = pt_app_surge_import(&sys, db, &fresh, d);
	}
out:
	pt_surge_catalog_clear(&builtin);
	pt_surge_catalog_clear(&stored);
	pt_surge_catalog_clear(&fresh);
	return err;
}

void pt_saved_plan_priced(const struct pt_saved_plan_read *r, char *buf, size_t size)
{
	const char *at = r->seen.plan.threat_level;
	if (strcmp(at, r->planning_now) == 0)
		snprintf(buf, size, "priced at planning level %s", at);
	else
		snprintf(buf, size, "priced at %s, planning level now %s", at, r->planning_now);
}
