/* pt_surge.c - temporary surge measures (issue 11 item 6): the surge
 * catalogue and the screening at today's level above the planning level. */
#include "pt_surge.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pt_matrix.h"

static const char *const verdict_names[PT_SURGE_VERDICT_COUNT] = {
	"admitted", "step_free", "legal_basis", "band", "bcr", "does_not_fit"
};

const char *pt_surge_verdict_name(enum pt_surge_verdict v)
{
	return (unsigned)v < PT_SURGE_VERDICT_COUNT ? verdict_names[v] : "";
}

enum pt_err pt_surge_catalog_add(struct pt_surge_catalog *c, const struct pt_measure *m,
				 double weekly_eur)
{
	enum pt_err err;
	if (!c || !m)
		return PT_EINVAL;
	if (c->base.n == c->cap_weekly) {
		size_t cap = c->cap_weekly ? c->cap_weekly * 2 : 32;
		double *w;
		if (cap > PT_MEASURES_MAX)
			cap = PT_MEASURES_MAX;
		if (cap <= c->base.n)
			return PT_ELIMIT;
		if (!(w = realloc(c->weekly_eur, cap * sizeof *w)))
			return PT_ENOMEM;
		c->weekly_eur = w;
		c->cap_weekly = cap;
	}
	if ((err = pt_measure_catalog_add(&c->base, m)) != PT_OK)
		return err;
	c->weekly_eur[c->base.n - 1] = weekly_eur;
	return PT_OK;
}

void pt_surge_catalog_clear(struct pt_surge_catalog *c)
{
	if (!c)
		return;
	pt_measure_catalog_clear(&c->base);
	free(c->weekly_eur);
	memset(c, 0, sizeof *c);
}

enum pt_err pt_surge_check(const struct pt_measure *m, double weekly_eur,
			   const struct pt_catalogs *cat, struct pt_diag *d, long line)
{
	if (!(isfinite(weekly_eur) && weekly_eur >= 0 && weekly_eur <= PT_SURGE_MAX_WEEKLY_EUR))
		return pt_diag_put(d, PT_EINVAL, line, "weekly_eur",
				   "must be an amount from 0 to 1000000000 EUR a week");
	if (m && !(isfinite(m->unit_opex_eur_year) && m->unit_opex_eur_year >= 0 &&
		   m->unit_opex_eur_year <= PT_SURGE_MAX_WEEKLY_EUR))
		return pt_diag_put(d, PT_EINVAL, line, "unit_weekly_eur",
				   "must be an amount from 0 to 1000000000 EUR a week");
	return pt_measure_check(m, cat, d, line);
}

double pt_surge_weekly_cost(const struct pt_surge_catalog *cat, size_t m,
			    const struct pt_site *s, double size_factor, int *estimated)
{
	struct pt_measure u;
	if (estimated)
		*estimated = 0;
	if (!cat || m >= cat->base.n)
		return 0;
	/* A week is one year at rate 0 over a horizon of 1: the plan's costing, reused. */
	u = cat->base.items[m];
	u.capex_eur = 0;
	u.unit_capex_eur = 0;
	u.opex_eur_year = cat->weekly_eur[m];
	return pt_measure_site_cost(&u, s, size_factor, 0, 1, estimated);
}

void pt_surge_result_clear(struct pt_surge_result *r)
{
	if (!r)
		return;
	free(r->lines);
	free(r->threats);
	memset(r, 0, sizeof *r);
}

/* The band the intrusiveness k needs (NONE for 0), as the plan's screen reads it. */
static enum pt_band needed_band(const struct pt_config *cfg, int k)
{
	if (k <= 0)
		return PT_BAND_NONE;
	if (k > 3)
		k = 3;
	return (enum pt_band)cfg->plan_band_for_intrusiveness[k];
}

/* Grow *p (elements of size) to hold want, at most max; PT_ENOMEM / PT_ELIMIT. */
static enum pt_err grow(void **p, size_t *cap, size_t want, size_t size, size_t max)
{
	size_t c = *cap ? *cap : 64;
	void *q;
	if (want <= *cap)
		return PT_OK;
	if (want > max)
		return PT_ELIMIT;
	while (c < want)
		c = c > max / 2 ? max : c * 2;
	if (!(q = realloc(*p, c * size)))
		return PT_ENOMEM;
	*p = q;
	*cap = c;
	return PT_OK;
}

#define SURGE_MAX_LINES ((size_t)1 << 26)

/* Screen measure m of cat at site i; appends a line (and its threats) when it is screened. */
static enum pt_err screen_one(const struct pt_config *cfg, const struct pt_surge_catalog *cat,
			      uint32_t m, const double *ve, const double *ce, size_t threats_n,
			      const struct pt_surge_site *s, uint32_t i, enum pt_threat_level planning,
			      struct pt_surge_result *out, size_t *cap_lines, size_t *cap_threats)
{
	const struct pt_measure *me = &cat->base.items[m];
	struct pt_surge_line ln;
	double weeks = (double)cfg->plan_surge_weeks, size_factor;
	size_t k;
	enum pt_err err;

	memset(&ln, 0, sizeof ln);
	ln.band = PT_BAND_NONE;
	ln.today = planning;
	ln.first_threat = out->n_threats;
	for (k = 0; k < s->n_pairs; k++) {
		const struct pt_surge_pair *p = &s->pairs[k];
		double v = ve[(size_t)m * threats_n + p->threat];
		double c = ce[(size_t)m * threats_n + p->threat];
		double before, after;
		int lc = 0, cc = 0;
		enum pt_band b;
		if ((int)p->today <= (int)planning || (v <= 0 && c <= 0))
			continue;
		if ((err = grow((void **)&out->threats, cap_threats, out->n_threats + 1,
				sizeof *out->threats, SURGE_MAX_LINES)) != PT_OK)
			return err;
		out->threats[out->n_threats++] = p->threat;
		ln.n_threats++;
		before = p->p_attack * p->p_success * p->consequence_eur;
		after = p->p_attack * p->p_success * (1 - v) * p->consequence_eur * (1 - c);
		ln.reduction_eur_year += before - after;
		pt_matrix_quant_classes(cfg, p->p_attack * p->p_success, p->consequence_eur, &lc, &cc);
		b = pt_matrix_band(cfg, lc, cc);
		if ((int)b > (int)ln.band)
			ln.band = b;
		if ((int)p->today > (int)ln.today)
			ln.today = p->today;
	}
	if (!ln.n_threats)
		return PT_OK; /* addresses no raised threat of this site: not screened */
	size_factor = cfg->plan_size_factor[pt_site_size_class(cfg, s->site)];
	ln.site = i;
	ln.measure = m;
	ln.intrusiveness = pt_measure_intrusiveness(me);
	ln.needed_band = needed_band(cfg, ln.intrusiveness);
	ln.weekly_eur = pt_surge_weekly_cost(cat, m, s->site, size_factor, &ln.cost_estimated);
	ln.weeks = cfg->plan_surge_weeks;
	ln.total_eur = ln.weekly_eur * weeks;
	ln.benefit_eur = ln.reduction_eur_year * weeks / 52.0;
	ln.bcr = ln.total_eur > 0 ? ln.benefit_eur / ln.total_eur
				  : (ln.benefit_eur > 0 ? INFINITY : 0);
	if (me->removes_step_free)
		ln.verdict = PT_SURGE_STEP_FREE;
	else if (pt_measure_misfit(me, s->site)) /* the plan's rule order (issue 11 M3) */
		ln.verdict = PT_SURGE_DOES_NOT_FIT;
	else if ((int)pt_site_legal_basis(s->site) < (int)pt_measure_basis_at(me, s->site) &&
		 !cfg->plan_allow_legal_basis)
		ln.verdict = PT_SURGE_LEGAL_BASIS;
	else if (ln.intrusiveness >= 1 && (int)ln.band < (int)ln.needed_band)
		ln.verdict = PT_SURGE_BAND;
	else if (!(ln.bcr >= cfg->plan_min_bcr))
		ln.verdict = PT_SURGE_BCR;
	else
		ln.verdict = PT_SURGE_ADMITTED;
	if ((err = grow((void **)&out->lines, cap_lines, out->n + 1, sizeof *out->lines,
			SURGE_MAX_LINES)) != PT_OK)
		return err;
	out->lines[out->n++] = ln;
	out->rejected[ln.verdict]++;
	if (ln.verdict == PT_SURGE_ADMITTED) {
		out->admitted++;
		out->weekly_total_eur += ln.weekly_eur;
		out->total_eur += ln.total_eur;
	}
	return PT_OK;
}

/* The pair's figures must be probabilities and a finite consequence. */
static int pair_ok(const struct pt_surge_pair *p, size_t threats_n)
{
	return p->threat < threats_n && (unsigned)p->today < PT_LEVEL_COUNT &&
	       p->p_attack >= 0 && p->p_attack <= 1 && p->p_success >= 0 && p->p_success <= 1 &&
	       isfinite(p->consequence_eur) && p->consequence_eur >= 0;
}

enum pt_err pt_surge_screen(const struct pt_config *cfg, const struct pt_surge_catalog *cat,
			    const double *v_effect, const double *c_effect, size_t threats_n,
			    const struct pt_surge_site *sites, size_t n_sites,
			    struct pt_surge_result *out, struct pt_diag *d)
{
	enum pt_threat_level planning;
	size_t cap_lines = 0, cap_threats = 0, i, k;
	enum pt_err err = PT_OK;

	if (!out)
		return pt_diag_put(d, PT_EINVAL, 0, "", "no result");
	memset(out, 0, sizeof *out);
	if (!cfg || !cat || (n_sites && !sites) || (cat->base.n && threats_n && (!v_effect || !c_effect)))
		return pt_diag_put(d, PT_EINVAL, 0, "", "no settings, catalogue, effects or sites");
	planning = pt_config_planning_level(cfg);
	out->planning = planning;
	out->weeks = cfg->plan_surge_weeks;
	if (n_sites > UINT32_MAX)
		return pt_diag_put(d, PT_ELIMIT, 0, "", "too many sites for one surge screening");
	for (i = 0; i < n_sites; i++) {
		for (k = 0; k < sites[i].n_pairs; k++)
			if (!pair_ok(&sites[i].pairs[k], threats_n)) {
				pt_diag_put(d, PT_EINVAL, 0, sites[i].site ? sites[i].site->id : "",
					    "a surge pair's probability, consequence, level or threat is out of range");
				pt_surge_result_clear(out);
				return PT_EINVAL;
			}
		if (!sites[i].site)
			continue;
		for (k = 0; k < cat->base.n && err == PT_OK; k++) {
			const struct pt_measure *m = &cat->base.items[k];
			if (!pt_measure_applies(m, sites[i].site->kind, sites[i].site->sector))
				continue;
			err = screen_one(cfg, cat, (uint32_t)k, v_effect, c_effect, threats_n, &sites[i],
					 (uint32_t)i, planning, out, &cap_lines, &cap_threats);
		}
		if (err != PT_OK) {
			pt_diag_put(d, err, 0, "", err == PT_ENOMEM ? "out of memory"
								    : "too many surge lines");
			pt_surge_result_clear(out);
			return err;
		}
	}
	return PT_OK;
}
