/* pt_app_plan_int.c - what the plan, register and measures use cases
 * share: the quant figures of the covered sites, the model's inputs, the
 * time and actor of a write, one site's access. */
#include "pt_app_plan_int.h"

#include "../core/pt_ranking_core.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/pt_matrix.h"
#include "../formats/pt_diag.h"
#include "../store/pt_store.h"
#include "../store/pt_users.h"

/* Position of id in sites (ordered by id), or -1. */
static long site_find(const struct pt_site_list *sites, const char *id)
{
	return pt_sites_find(sites->items, sites->n, id);
}

static int run_visible(void *ctx, const struct pt_site *s)
{
	struct pt_run_filter *f = ctx;
	if (f->site_id && strcmp(s->id, f->site_id) != 0)
		return 0;
	if (f->check_access && !pt_app_site_visible(&f->access, s)) {
		f->withheld++;
		return 0;
	}
	if (f->region && *f->region && strcmp(s->region, f->region) != 0) {
		f->outside_region++;
		return 0;
	}
	if (f->scope_snap) { /* issue 16 item 5: the plan's scope */
		long i = pt_snapshot_find(f->scope_snap, s->id);
		if (i < 0 || !f->scope_keep[i]) {
			f->outside_region++;
			return 0;
		}
	}
	return 1;
}

enum pt_err pt_app_quant_ranking(struct pt_db *db, const struct pt_principal *who,
				 struct pt_run_filter *f, struct pt_ranking **out, struct pt_diag *d)
{
	struct pt_ranking_opts o;
	struct pt_access_index *ix = NULL;
	enum pt_err err;
	if (who && !who->system) {
		if ((err = pt_access_index_load(db, &ix, d)) != PT_OK)
			return err;
		f->access.ix = ix;
		f->access.who = *who;
		f->check_access = 1;
	}
	memset(&o, 0, sizeof o);
	o.method = PT_METHOD_QUANT;
	o.visible = run_visible;
	o.visible_ctx = f;
	o.samples_set = 1;
	o.samples = 0;
	o.threads = 1;
	o.at_planning_level = f->at_planning_level;
	err = pt_ranking_run(db, &o, out, d);
	f->access.ix = NULL;
	pt_access_index_free(ix);
	return err;
}

enum pt_err pt_app_ranking_pairs(const struct pt_ranking *r, struct pt_pair_ref **out, size_t *n,
				 struct pt_diag *d)
{
	struct pt_pair_ref *p;
	size_t i, k = 0;
	*out = NULL;
	*n = 0;
	p = malloc((r->set.n ? r->set.n : 1) * sizeof *p);
	if (!p)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; i < r->set.n; i++) {
		long s = site_find(&r->sites, r->set.quant[i].site_id);
		long t = pt_catalog_find(&r->cat.threats, r->set.quant[i].threat_id);
		if (s < 0)
			continue;
		if (t < 0 || !r->quant || k >= r->quant->n_pairs) {
			free(p);
			return pt_diag_set(d, PT_EINTERNAL, 0, "",
					   "quant pairs do not line up with the assessments");
		}
		p[k].site = (uint32_t)s;
		p[k].threat = (uint32_t)t;
		p[k].q = &r->quant->pairs[k];
		p[k].row = i;
		k++;
	}
	if (r->quant && k != r->quant->n_pairs) {
		free(p);
		return pt_diag_set(d, PT_EINTERNAL, 0, "",
				   "quant pairs do not line up with the assessments");
	}
	*out = p;
	*n = k;
	return PT_OK;
}

void pt_app_inputs_clear(struct pt_plan_inputs *in)
{
	free(in->sites);
	free(in->pairs);
	free(in->existing);
	free(in->committed);
	free(in->pending);
	free(in->v);
	free(in->c);
	memset(in, 0, sizeof *in);
}

enum pt_err pt_app_inputs_build(const struct pt_ranking *ranking,
				    const struct pt_measure_catalog *measures,
				    const struct pt_pair_ref *refs, size_t n_refs,
				    const struct pt_site_measure_row *sm, size_t n_sm,
				    struct pt_plan_inputs *in, struct pt_diag *d)
{
	const struct pt_site_list *sites = &ranking->sites;
	size_t n = sites->n, i, *pair_at = NULL, *ex_at = NULL, *co_at = NULL, *pe_at = NULL;
	long *sm_site = NULL, *sm_measure = NULL;
	enum pt_err err = PT_OK;

	in->sites = calloc(n ? n : 1, sizeof *in->sites);
	in->pairs = calloc(n_refs ? n_refs : 1, sizeof *in->pairs);
	in->existing = calloc(n_sm ? n_sm : 1, sizeof *in->existing);
	in->committed = calloc(n_sm ? n_sm : 1, sizeof *in->committed);
	in->pending = calloc(n_sm ? n_sm : 1, sizeof *in->pending);
	pair_at = calloc(n + 1, sizeof *pair_at);
	ex_at = calloc(n + 1, sizeof *ex_at);
	co_at = calloc(n + 1, sizeof *co_at);
	pe_at = calloc(n + 1, sizeof *pe_at);
	sm_site = calloc(n_sm ? n_sm : 1, sizeof *sm_site);
	sm_measure = calloc(n_sm ? n_sm : 1, sizeof *sm_measure);
	if (!in->sites || !in->pairs || !in->existing || !in->committed || !in->pending ||
	    !pair_at || !ex_at || !co_at || !pe_at || !sm_site || !sm_measure) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	/* Counts per site, then offsets, then fill (each list keeps its order). */
	for (i = 0; i < n_refs; i++)
		pair_at[refs[i].site + 1]++;
	for (i = 0; i < n_sm; i++) {
		sm_site[i] = site_find(sites, sm[i].site_id);
		sm_measure[i] = pt_measure_catalog_find(measures, sm[i].measure_id);
		if (sm_site[i] < 0 || sm_measure[i] < 0)
			continue; /* a site not covered (or a measure since removed) */
		if (sm[i].status == PT_SM_EXISTING)
			ex_at[sm_site[i] + 1]++;
		else if (pt_site_measure_committed(sm[i].status))
			co_at[sm_site[i] + 1]++;
		else if (pt_site_measure_pending(sm[i].status))
			pe_at[sm_site[i] + 1]++;
		/* declined: counts for nothing, may be proposed again */
	}
	for (i = 0; i < n; i++) {
		pair_at[i + 1] += pair_at[i];
		ex_at[i + 1] += ex_at[i];
		co_at[i + 1] += co_at[i];
		pe_at[i + 1] += pe_at[i];
		in->sites[i].site = &sites->items[i];
		in->sites[i].pairs = in->pairs + pair_at[i];
		in->sites[i].existing = in->existing + ex_at[i];
		in->sites[i].committed = in->committed + co_at[i];
		in->sites[i].pending = in->pending + pe_at[i];
	}
	for (i = 0; i < n_refs; i++) {
		struct pt_plan_site *s = &in->sites[refs[i].site];
		struct pt_plan_pair *p = &in->pairs[pair_at[refs[i].site] + s->n_pairs++];
		p->threat = refs[i].threat;
		p->p_attack = refs[i].q->e_attempt;
		p->p_success = refs[i].q->e_success;
		p->consequence_eur = refs[i].q->e_consequence_eur;
	}
	for (i = 0; i < n_sm; i++) {
		struct pt_plan_site *s;
		if (sm_site[i] < 0 || sm_measure[i] < 0)
			continue;
		s = &in->sites[sm_site[i]];
		if (sm[i].status == PT_SM_EXISTING)
			in->existing[ex_at[sm_site[i]] + s->n_existing++] = (uint32_t)sm_measure[i];
		else if (pt_site_measure_committed(sm[i].status))
			in->committed[co_at[sm_site[i]] + s->n_committed++] = (uint32_t)sm_measure[i];
		else if (pt_site_measure_pending(sm[i].status))
			in->pending[pe_at[sm_site[i]] + s->n_pending++] = (uint32_t)sm_measure[i];
	}
	err = pt_measure_effect_matrix(measures, &ranking->cat.threats, &in->v, &in->c, d);
out:
	free(pair_at);
	free(ex_at);
	free(co_at);
	free(pe_at);
	free(sm_site);
	free(sm_measure);
	return err;
}

enum pt_band pt_app_pair_band(const struct pt_config *cfg, const struct pt_quant_pair_result *q)
{
	int l = 0, c = 0;
	pt_matrix_quant_classes(cfg, q->e_attempt * q->e_success, q->e_consequence_eur, &l, &c);
	return pt_matrix_band(cfg, l, c);
}

void pt_app_stamp(struct pt_db *db, char now[PT_TIMESTAMP_MAX], const char **actor)
{
	int64_t at;
	const char *name = NULL;
	time_t t;
	struct tm tm;
	pt_db_actor(db, NULL, NULL, &name, &at);
	t = at > 0 ? (time_t)at : time(NULL);
	if (!gmtime_r(&t, &tm) || !strftime(now, PT_TIMESTAMP_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm))
		pt_strlcpy(now, "1970-01-01T00:00:00Z", PT_TIMESTAMP_MAX);
	*actor = name && *name ? name : PT_ACTOR_SYSTEM;
}

enum pt_err pt_app_site_access_in(struct pt_db *db, const struct pt_access_index *ix,
				  const struct pt_principal *who, const char *id,
				  enum pt_access (*check)(const struct pt_principal *,
							  const struct pt_access_record *),
				  struct pt_site *site, long long *owner_org_id, enum pt_access *a,
				  struct pt_diag *d)
{
	struct pt_access_record rec;
	enum pt_err err;
	*a = PT_ACCESS_NOT_FOUND;
	if ((err = pt_db_site_get(db, id, site, d)) == PT_OK) {
		pt_access_index_record(ix, site, &rec);
		*a = check(who, &rec);
		if (owner_org_id)
			*owner_org_id = pt_access_index_org_id(ix, site->owner);
	}
	return err;
}

enum pt_err pt_app_site_access(struct pt_db *db, const struct pt_principal *who, const char *id,
			       enum pt_access (*check)(const struct pt_principal *,
						       const struct pt_access_record *),
			       struct pt_site *site, long long *owner_org_id, enum pt_access *a,
			       struct pt_diag *d)
{
	struct pt_access_index *ix = NULL;
	enum pt_err err;
	*a = PT_ACCESS_NOT_FOUND;
	if ((err = pt_access_index_load(db, &ix, d)) != PT_OK)
		return err;
	err = pt_app_site_access_in(db, ix, who, id, check, site, owner_org_id, a, d);
	pt_access_index_free(ix);
	return err;
}
