/* pt_plan.c - the investment plan model: per site the risk before, the
 * proportionality screening of the catalogue, the Pareto-efficient bundles
 * of admitted measures; then one bundle per site under a budget. */
#include "pt_plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pt_matrix.h"

/* Bundles enumerated for one site at most: candidates are cut, lowest
 * standalone benefit first, until the count of subsets fits. */
#define BUNDLES_MAX (UINT64_C(1) << 20)
#define ALTS_PER_SCREEN 8
#define REL_EPS 1e-12

static const char *const verdict_names[] = { "admitted", "step_free", "legal_basis",
					     "band",     "bcr",       "less_intrusive",
					     "does_not_fit" };

const char *pt_plan_verdict_name(enum pt_plan_verdict v)
{
	return (unsigned)v < sizeof verdict_names / sizeof verdict_names[0] ? verdict_names[v] :
									      "";
}

const char *pt_plan_solver_name(enum pt_plan_solver s)
{
	return s == PT_SOLVER_FAST ? "fast" : s == PT_SOLVER_EXACT ? "exact" : "";
}

enum pt_err pt_plan_solver_parse(const char *s, enum pt_plan_solver *out)
{
	if (s && strcmp(s, "fast") == 0)
		*out = PT_SOLVER_FAST;
	else if (s && strcmp(s, "exact") == 0)
		*out = PT_SOLVER_EXACT;
	else
		return PT_EINVAL;
	return PT_OK;
}

/* Make room for need elements of elem bytes in *p (capacity *cap), at most max. */
static enum pt_err grow(void **p, size_t *cap, size_t need, size_t elem, size_t max)
{
	size_t c;
	void *q;
	if (need <= *cap)
		return PT_OK;
	if (need > max)
		return PT_ELIMIT;
	c = *cap ? *cap : 64;
	while (c < need)
		c = c > max / 2 ? max : c * 2;
	if (c > SIZE_MAX / elem)
		return PT_ELIMIT;
	q = realloc(*p, c * elem);
	if (!q)
		return PT_ENOMEM;
	*p = q;
	*cap = c;
	return PT_OK;
}

/* One enumerated bundle: candidates in mask. */
struct bundle {
	double cost, benefit, risk_after;
	uint32_t mask;
};

/* A sort key: a descending, then b ascending, then i ascending. */
struct key {
	double a, b;
	size_t i;
};

static int cmp_key(const void *pa, const void *pb)
{
	const struct key *x = pa, *y = pb;
	if (x->a != y->a)
		return x->a > y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Scratch kept across sites (pooled; grown, never shrunk). */
struct scratch {
	unsigned char *skip;        /* per catalogue measure: existing or committed here */
	double *base;               /* per pair, committed measures applied: p_attack p_success consequence */
	size_t cap_base;
	/* necessity by aim (screen_aims, screen_alternatives) */
	enum pt_band *pair_band;    /* per pair its band on the quant matrix */
	size_t cap_pair_band;
	struct key *akeys;          /* per screen: the alternatives of one measure in order */
	const struct pt_plan_site *ps; /* the site being screened and the effect matrices */
	const double *v_eff, *c_eff;
	size_t threats_n;
	struct pt_plan_screen *scr; /* this site's screens (at most the catalogue) */
	int *basic_ok;              /* per screen: passes step-free, legal basis, band, BCR */
	struct key *keys;           /* per screen sort keys */
	struct bundle *bundles;
	size_t cap_bundles;
	struct key *bkeys;          /* per Pareto option sort keys (thinning) */
	size_t *hull;
	unsigned char *keep;
	size_t cap_bkeys, cap_hull, cap_keep;
	uint32_t cand[PT_PLAN_MAX_CANDIDATES];
	double cand_cost[PT_PLAN_MAX_CANDIDATES];
	int cand_group[PT_PLAN_MAX_CANDIDATES];
	size_t *active;             /* pairs some candidate changes */
	double *g;                  /* [cand * na + a]: (1 - v)(1 - c) on active pair a */
	double *wb;                 /* [depth * na + a]: base x product of g so far */
	struct bundle *tmp;         /* radix sort buffer */
	size_t cap_active, cap_g, cap_wb, cap_tmp;
};

static void scratch_free(struct scratch *s)
{
	free(s->skip);
	free(s->base);
	free(s->pair_band);
	free(s->akeys);
	free(s->scr);
	free(s->basic_ok);
	free(s->keys);
	free(s->bundles);
	free(s->bkeys);
	free(s->hull);
	free(s->keep);
	free(s->active);
	free(s->g);
	free(s->wb);
	free(s->tmp);
}

/* Capacity-tracked output arrays of the model. */
struct caps {
	size_t options, option_measures, screens, alts, effects;
	size_t band_threats; /* issue 11 review m5 */
	size_t n_om; /* option_measures used */
};

/* The depth-first enumeration of bundles. */
struct dfs {
	struct scratch *s;
	size_t na, n_cand, n_bundles;
	unsigned max_depth;
	double risk_const;  /* yearly risk of the pairs no candidate changes */
	double risk_before, annuity, benefit_floor;
};

/* a . b over n, four partial sums (a fixed order: deterministic). */
static double dot(const double *a, const double *b, size_t n)
{
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		s0 += a[i] * b[i];
		s1 += a[i + 1] * b[i + 1];
		s2 += a[i + 2] * b[i + 2];
		s3 += a[i + 3] * b[i + 3];
	}
	for (; i < n; i++)
		s0 += a[i] * b[i];
	return (s0 + s1) + (s2 + s3);
}

/* Risk after = sum over pairs of base x prod (1 - v)(1 - c): V and C enter
 * the pair's risk as one product, so one running product per pair does. */
static void dfs_visit(struct dfs *x, size_t start, unsigned depth, uint32_t mask,
		      uint32_t groups, double cost)
{
	struct scratch *s = x->s;
	size_t c, a, na = x->na;
	const double *wb0 = s->wb + (size_t)depth * na;
	double *wb1 = s->wb + (size_t)(depth + 1) * na;
	int leaf = depth + 1 >= x->max_depth;
	for (c = start; c < x->n_cand; c++) {
		const double *g = s->g + c * na;
		double risk, benefit;
		int grp = s->cand_group[c];
		struct bundle *b;
		if (grp >= 0 && (groups & (UINT32_C(1) << grp)))
			continue;
		if (leaf) {
			risk = dot(wb0, g, na);
		} else {
			risk = 0;
			for (a = 0; a < na; a++) {
				wb1[a] = wb0[a] * g[a];
				risk += wb1[a];
			}
		}
		risk += x->risk_const;
		benefit = (x->risk_before - risk) * x->annuity;
		b = &s->bundles[x->n_bundles++];
		b->cost = cost + s->cand_cost[c];
		b->benefit = benefit > x->benefit_floor ? benefit : 0;
		b->risk_after = risk;
		b->mask = mask | (UINT32_C(1) << c);
		if (!leaf && c + 1 < x->n_cand)
			dfs_visit(x, c + 1, depth + 1, b->mask,
				  grp >= 0 ? groups | (UINT32_C(1) << grp) : groups, b->cost);
	}
}

/* Stable LSD radix sort of a[0..n) by cost (>= 0: its bits order as integers). */
static void sort_by_cost(struct bundle *a, struct bundle *tmp, size_t n)
{
	size_t count[8][256], i, pass;
	struct bundle *src = a, *dst = tmp, *t;
	uint64_t k;
	if (n < 2)
		return;
	memset(count, 0, sizeof count);
	for (i = 0; i < n; i++) {
		memcpy(&k, &a[i].cost, sizeof k);
		for (pass = 0; pass < 8; pass++)
			count[pass][(k >> (8 * pass)) & 255]++;
	}
	for (pass = 0; pass < 8; pass++) {
		size_t off = 0, d;
		memcpy(&k, &src[0].cost, sizeof k);
		if (count[pass][(k >> (8 * pass)) & 255] == n)
			continue; /* every key has this digit */
		for (d = 0; d < 256; d++) {
			size_t c = count[pass][d];
			count[pass][d] = off;
			off += c;
		}
		for (i = 0; i < n; i++) {
			memcpy(&k, &src[i].cost, sizeof k);
			dst[count[pass][(k >> (8 * pass)) & 255]++] = src[i];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

static size_t popcount32(uint32_t v)
{
	size_t n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

/* Number of subsets of n of size 1..k, saturating at BUNDLES_MAX + 1. */
static uint64_t subsets(size_t n, unsigned k)
{
	uint64_t total = 0, c = 1;
	unsigned i;
	for (i = 1; i <= k && i <= n; i++) {
		c = c * (uint64_t)(n - i + 1) / i;
		total += c;
		if (total > BUNDLES_MAX)
			return BUNDLES_MAX + 1;
	}
	return total;
}

/* "site ID: what (value)" in field; the value is left out when show is 0. */
static enum pt_err site_err(struct pt_diag *d, const struct pt_site *site, const char *field,
			    const char *what, int show, double v)
{
	char msg[256], num[40];
	pt_strlcpy(msg, "site ", sizeof msg);
	pt_strlcat(msg, site->id, sizeof msg);
	pt_strlcat(msg, ": ", sizeof msg);
	pt_strlcat(msg, what, sizeof msg);
	if (show) {
		pt_strlcat(msg, " (", sizeof msg);
		pt_number_format(v, num, sizeof num);
		pt_strlcat(msg, num, sizeof msg);
		pt_strlcat(msg, ")", sizeof msg);
	}
	return pt_diag_put(d, PT_EINVAL, 0, field, msg);
}

static enum pt_err check_site(const struct pt_plan_site *ps, size_t n_measures,
			      size_t threats_n, struct pt_diag *d)
{
	size_t i;
	if (!ps->site)
		return pt_diag_put(d, PT_EINVAL, 0, "site", "a plan site without its site record");
	if (ps->n_pairs && !ps->pairs)
		return site_err(d, ps->site, "pairs", "pairs missing", 0, 0);
	if ((ps->n_existing && !ps->existing) || (ps->n_committed && !ps->committed))
		return site_err(d, ps->site, "measures", "measure list missing", 0, 0);
	for (i = 0; i < ps->n_pairs; i++) {
		const struct pt_plan_pair *p = &ps->pairs[i];
		if (p->threat >= threats_n)
			return site_err(d, ps->site, "threat", "threat index outside the catalogue",
					1, (double)p->threat);
		if (!(p->p_attack >= 0 && p->p_attack <= 1))
			return site_err(d, ps->site, "p_attack",
					"yearly attempt probability must be from 0 to 1", 1, p->p_attack);
		if (!(p->p_success >= 0 && p->p_success <= 1))
			return site_err(d, ps->site, "p_success",
					"success probability must be from 0 to 1", 1, p->p_success);
		if (!(p->consequence_eur >= 0 && isfinite(p->consequence_eur)))
			return site_err(d, ps->site, "consequence_eur",
					"consequence must be a finite number >= 0 EUR",
					1, p->consequence_eur);
	}
	for (i = 0; i < ps->n_existing; i++)
		if (ps->existing[i] >= n_measures)
			return site_err(d, ps->site, "existing",
					"existing measure index outside the catalogue",
					1, (double)ps->existing[i]);
	for (i = 0; i < ps->n_committed; i++)
		if (ps->committed[i] >= n_measures)
			return site_err(d, ps->site, "committed",
					"committed measure index outside the catalogue",
					1, (double)ps->committed[i]);
	/* issue 11, item 7: pending proposals */
	if (ps->n_pending && !ps->pending)
		return site_err(d, ps->site, "measures", "measure list missing", 0, 0);
	for (i = 0; i < ps->n_pending; i++)
		if (ps->pending[i] >= n_measures)
			return site_err(d, ps->site, "pending",
					"pending measure index outside the catalogue",
					1, (double)ps->pending[i]);
	return PT_OK;
}

static enum pt_err check_inputs(const struct pt_config *cfg,
				const struct pt_measure_catalog *measures, const double *v_effect,
				const double *c_effect, size_t threats_n, struct pt_diag *d)
{
	size_t i, n = measures->n * threats_n;
	if (cfg->plan_max_measures < 1 || cfg->plan_max_measures > PT_PLAN_MAX_BUNDLE)
		return pt_diag_put(d, PT_EINVAL, 0, "plan.max_measures", "must be from 1 to 8");
	if (!(cfg->plan_discount_rate > -1) || !isfinite(cfg->plan_discount_rate))
		return pt_diag_put(d, PT_EINVAL, 0, "plan.discount_rate", "must be above -1");
	for (i = 0; i < PT_SIZE_COUNT; i++)
		if (!(cfg->plan_size_factor[i] > 0) || !isfinite(cfg->plan_size_factor[i]))
			return pt_diag_put(d, PT_EINVAL, 0, "plan.size_factor",
					   "must be a number above 0");
	if (n && (!v_effect || !c_effect))
		return pt_diag_put(d, PT_EINVAL, 0, "effects", "effect matrix missing");
	for (i = 0; i < n; i++)
		if (!(v_effect[i] >= 0 && v_effect[i] <= 1) ||
		    !(c_effect[i] >= 0 && c_effect[i] <= 1)) {
			char msg[PT_ID_MAX + 96];
			pt_strlcpy(msg, "measure ", sizeof msg);
			pt_strlcat(msg, measures->items[i / threats_n].id, sizeof msg);
			pt_strlcat(msg, ": a reduction is not a number from 0 to 1", sizeof msg);
			return pt_diag_put(d, PT_EINVAL, 0,
					   !(v_effect[i] >= 0 && v_effect[i] <= 1) ? "v_reduction" :
										      "c_reduction",
					   msg);
		}
	return PT_OK;
}

/* The band the intrusiveness k needs (NONE for 0). */
static enum pt_band needed_band(const struct pt_config *cfg, int k)
{
	if (k <= 0)
		return PT_BAND_NONE;
	if (k > 3)
		k = 3;
	return (enum pt_band)cfg->plan_band_for_intrusiveness[k];
}

/* The yearly reduction of screen sc on threat t, 0 when it has none there. */
static double effect_on(const struct pt_plan_model *m, const struct pt_plan_screen *sc, uint32_t t)
{
	uint32_t k;
	for (k = 0; k < sc->n_effects; k++)
		if (m->effects[sc->first_effect + k].threat == t)
			return m->effects[sc->first_effect + k].reduction_eur_year;
	return 0;
}

static int cmp_effect(const void *pa, const void *pb)
{
	const struct pt_plan_effect *x = pa, *y = pb;
	if (x->reduction_eur_year != y->reduction_eur_year)
		return x->reduction_eur_year > y->reduction_eur_year ? -1 : 1;
	return x->threat < y->threat ? -1 : x->threat > y->threat;
}

/* Each screen's effects per threat (largest first), its aim (the first
 * threats up to PT_PLAN_AIM_SHARE of its reduction) and the aim's risk band. */
static enum pt_err screen_aims(struct scratch *s, size_t n, struct pt_plan_model *m,
			       struct caps *caps)
{
	const struct pt_plan_site *ps = s->ps;
	size_t i, p, np = ps->n_pairs;
	enum pt_err err;
	if ((err = grow((void **)&m->effects, &caps->effects, m->n_effects + n * np,
			sizeof *m->effects, SIZE_MAX / sizeof *m->effects)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		struct pt_plan_screen *sc = &s->scr[i];
		struct pt_plan_effect *e = m->effects + m->n_effects;
		const double *vr = s->v_eff + (size_t)sc->measure * s->threats_n;
		const double *cr = s->c_eff + (size_t)sc->measure * s->threats_n;
		double total = 0, cum = 0;
		uint32_t ne = 0, k;
		for (p = 0; p < np; p++) {
			uint32_t t = ps->pairs[p].threat;
			double r = s->base[p] * (1 - (1 - vr[t]) * (1 - cr[t]));
			if (!(r > 0))
				continue;
			e[ne].threat = t;
			e[ne].band = s->pair_band[p];
			e[ne].reduction_eur_year = r;
			total += r;
			ne++;
		}
		qsort(e, ne, sizeof *e, cmp_effect);
		sc->first_effect = m->n_effects;
		sc->n_effects = ne;
		sc->n_aim = 0;
		sc->risk_band = PT_BAND_NONE;
		for (k = 0; k < ne && cum < PT_PLAN_AIM_SHARE * total * (1 - REL_EPS); k++) {
			cum += e[k].reduction_eur_year;
			sc->n_aim++;
			if ((int)e[k].band > (int)sc->risk_band)
				sc->risk_band = e[k].band;
		}
		m->n_effects += ne;
	}
	return PT_OK;
}

/* The yearly reduction a adds at the site once b is in place:
 * sum over pairs of base x g_b x (1 - g_a), g = (1 - v)(1 - c). */
static double reduction_given(const struct scratch *s, uint32_t a, uint32_t b)
{
	const struct pt_plan_site *ps = s->ps;
	const double *va = s->v_eff + (size_t)a * s->threats_n, *ca = s->c_eff + (size_t)a * s->threats_n;
	const double *vb = s->v_eff + (size_t)b * s->threats_n, *cb = s->c_eff + (size_t)b * s->threats_n;
	double r = 0;
	size_t p;
	for (p = 0; p < ps->n_pairs; p++) {
		uint32_t t = ps->pairs[p].threat;
		double ga = (1 - va[t]) * (1 - ca[t]), gb = (1 - vb[t]) * (1 - cb[t]);
		r += s->base[p] * gb * (1 - ga);
	}
	return r;
}

/* What alternative o lacks against measure sc (the alt record, measure and
 * figures filled); returns 1 when it rules sc out. */
static int judge_alternative(const struct pt_config *cfg, const struct scratch *s,
			     const struct pt_plan_model *m, const struct pt_plan_screen *sc,
			     const struct pt_plan_screen *o, struct pt_plan_alt *a)
{
	double factor = cfg->plan_alternative_cost_factor;
	uint32_t k;
	memset(a, 0, sizeof *a);
	a->measure = o->measure;
	a->intrusiveness = o->intrusiveness;
	a->cost_eur = o->cost_eur;
	a->reduction_eur_year = o->reduction_eur_year;
	a->short_threat = -1;
	a->remaining_bcr = NAN;
	for (k = 0; k < sc->n_aim; k++) {
		const struct pt_plan_effect *e = &m->effects[sc->first_effect + k];
		double r = effect_on(m, o, e->threat);
		if (r < e->reduction_eur_year * (1 - REL_EPS)) {
			a->less_reduction = 1;
			a->short_threat = (int32_t)e->threat;
			a->short_reduction_eur_year = r;
			a->not_addressed = !(r > 0);
			break;
		}
	}
	a->too_costly = o->cost_eur > factor * sc->cost_eur * (1 + REL_EPS);
	if (a->less_reduction || a->too_costly)
		return 0;
	{
		double benefit = reduction_given(s, sc->measure, o->measure) * m->annuity;
		a->remaining_bcr = sc->cost_eur > 0 ? benefit / sc->cost_eur :
				   benefit > 0 ? INFINITY : 0;
	}
	a->still_pays = a->remaining_bcr >= cfg->plan_min_bcr;
	return !a->still_pays;
}

/* The less intrusive rule of one site's n screens (in s->scr; basic_ok set):
 * per intrusive measure the less intrusive ones that pass the other rules
 * and act on its aim, the one that rules it out (the cheapest) first, then
 * the others by their reduction of the aim, down, and cost, up. */
static enum pt_err screen_alternatives(const struct pt_config *cfg, struct scratch *s, size_t n,
				       struct pt_plan_model *m, struct caps *caps)
{
	size_t i, j, k;
	enum pt_err err;
	for (i = 0; i < n; i++) {
		struct pt_plan_screen *sc = &s->scr[i];
		struct pt_plan_alt best_alt;
		size_t n_alt = 0, best = SIZE_MAX, w;
		if (sc->intrusiveness < 1 || sc->n_aim == 0)
			continue;
		for (j = 0; j < n; j++) {
			const struct pt_plan_screen *o = &s->scr[j];
			struct pt_plan_alt a;
			double on_aim = 0;
			if (!s->basic_ok[j] || o->intrusiveness >= sc->intrusiveness)
				continue;
			for (k = 0; k < sc->n_aim; k++)
				on_aim += effect_on(m, o, m->effects[sc->first_effect + k].threat);
			if (!(on_aim > 0))
				continue; /* acts on none of the aim's threats: not an alternative */
			if (judge_alternative(cfg, s, m, sc, o, &a) &&
			    (best == SIZE_MAX || o->cost_eur < s->scr[best].cost_eur)) {
				best = j;
				best_alt = a;
				continue;
			}
			s->akeys[n_alt].a = on_aim;
			s->akeys[n_alt].b = o->cost_eur;
			s->akeys[n_alt].i = j;
			n_alt++;
		}
		/* a former best that lost to a cheaper one goes back in the list */
		if (best != SIZE_MAX)
			for (j = 0; j < n; j++) {
				struct pt_plan_alt a;
				const struct pt_plan_screen *o = &s->scr[j];
				double on_aim = 0;
				if (j == best || !s->basic_ok[j] ||
				    o->intrusiveness >= sc->intrusiveness)
					continue;
				for (k = 0; k < sc->n_aim; k++)
					on_aim += effect_on(m, o,
							    m->effects[sc->first_effect + k].threat);
				if (!(on_aim > 0) || !judge_alternative(cfg, s, m, sc, o, &a))
					continue;
				for (k = 0; k < n_alt && s->akeys[k].i != j; k++)
					;
				if (k == n_alt) {
					s->akeys[n_alt].a = on_aim;
					s->akeys[n_alt].b = o->cost_eur;
					s->akeys[n_alt].i = j;
					n_alt++;
				}
			}
		qsort(s->akeys, n_alt, sizeof *s->akeys, cmp_key);
		if (best != SIZE_MAX && sc->verdict == PT_VERDICT_ADMITTED) {
			sc->verdict = PT_VERDICT_LESS_INTRUSIVE;
			sc->alternative = (int32_t)s->scr[best].measure;
		}
		w = n_alt + (best != SIZE_MAX);
		if (!w)
			continue;
		if (w > ALTS_PER_SCREEN)
			w = ALTS_PER_SCREEN;
		if ((err = grow((void **)&m->alts, &caps->alts, m->n_alts + w, sizeof *m->alts,
				SIZE_MAX / sizeof *m->alts)) != PT_OK)
			return err;
		sc->first_alt = m->n_alts;
		sc->n_alts = w;
		k = 0;
		if (best != SIZE_MAX)
			m->alts[m->n_alts + k++] = best_alt;
		for (j = 0; k < w; j++, k++)
			judge_alternative(cfg, s, m, sc, &s->scr[s->akeys[j].i], &m->alts[m->n_alts + k]);
		m->n_alts += w;
	}
	return PT_OK;
}

/* Verdicts and considered alternatives of one site's n screens (in s->scr). */
static enum pt_err screen_site(const struct pt_config *cfg,
			       const struct pt_measure_catalog *measures, struct scratch *s,
			       size_t n, struct pt_plan_model *m, struct caps *caps)
{
	size_t i;
	enum pt_err err;

	if ((err = screen_aims(s, n, m, caps)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		struct pt_plan_screen *sc = &s->scr[i];
		const struct pt_measure *me = &measures->items[sc->measure];
		sc->verdict = PT_VERDICT_ADMITTED;
		if (me->removes_step_free)
			sc->verdict = PT_VERDICT_STEP_FREE;
		else if (sc->misfit)
			sc->verdict = PT_VERDICT_DOES_NOT_FIT;
		else if (sc->basis_missing && !cfg->plan_allow_legal_basis)
			sc->verdict = PT_VERDICT_LEGAL_BASIS;
		else if (sc->intrusiveness >= 1 && (int)sc->risk_band < (int)sc->needed_band)
			sc->verdict = PT_VERDICT_BAND;
		else if (sc->bcr < cfg->plan_min_bcr)
			sc->verdict = PT_VERDICT_BCR;
		s->basic_ok[i] = sc->verdict == PT_VERDICT_ADMITTED;
	}
	return screen_alternatives(cfg, s, n, m, caps);
}

/* Thin the Pareto options b[0..n) (cost rising, benefit rising) to at most
 * cap: every point of the upper convex hull from do nothing at (0, 0), then
 * the others with the highest benefit/cost, in cost order. Returns the count. */
static size_t thin_options(struct scratch *s, struct bundle *b, size_t n, size_t cap)
{
	size_t i, h = 0, kept = 0, n_rest = 0;
	size_t *hull = s->hull;
	unsigned char *keep = s->keep;
	if (n <= cap)
		return n;
	hull[h++] = SIZE_MAX; /* the origin */
	for (i = 0; i < n; i++) {
		while (h >= 2) {
			double ax = hull[h - 2] == SIZE_MAX ? 0 : b[hull[h - 2]].cost;
			double ay = hull[h - 2] == SIZE_MAX ? 0 : b[hull[h - 2]].benefit;
			double bx = b[hull[h - 1]].cost, by = b[hull[h - 1]].benefit;
			double cross = (bx - ax) * (b[i].benefit - ay) - (by - ay) * (b[i].cost - ax);
			if (cross < 0)
				break;
			h--;
		}
		hull[h++] = i;
	}
	memset(keep, 0, n);
	if (h - 1 >= cap) {
		/* The hull alone reaches the cap: evenly spaced hull points, both ends. */
		for (i = 0; i < cap; i++)
			keep[hull[1 + (size_t)((double)i * (double)(h - 2) / (double)(cap - 1))]] = 1;
	} else {
		for (i = 1; i < h; i++)
			keep[hull[i]] = 1;
		kept = h - 1;
		for (i = 0; i < n; i++)
			if (!keep[i]) {
				s->bkeys[n_rest].a = b[i].cost > 0 ? b[i].benefit / b[i].cost : INFINITY;
				s->bkeys[n_rest].b = b[i].cost;
				s->bkeys[n_rest].i = i;
				n_rest++;
			}
		qsort(s->bkeys, n_rest, sizeof *s->bkeys, cmp_key);
		for (i = 0; i < n_rest && kept < cap; i++, kept++)
			keep[s->bkeys[i].i] = 1;
	}
	for (i = 0, kept = 0; i < n; i++)
		if (keep[i])
			b[kept++] = b[i];
	return kept;
}

/* Everything of one site: risk before, band, screens, options. */
static enum pt_err build_site(const struct pt_config *cfg,
			      const struct pt_measure_catalog *measures, const double *v_effect,
			      const double *c_effect, size_t threats_n,
			      const struct pt_plan_site *ps, struct pt_plan_site_model *sm,
			      struct scratch *s, struct pt_plan_model *m, struct caps *caps)
{
	size_t np = ps->n_pairs, i, p, n_scr = 0, n_cand = 0, n_opt, k;
	double risk = 0, annuity = m->annuity;
	unsigned max_depth = cfg->plan_max_measures;
	enum pt_err err;
	struct dfs x;

	sm->size = pt_site_size_class(cfg, ps->site);
	sm->size_factor = cfg->plan_size_factor[sm->size];
	sm->band = PT_BAND_NONE;
	sm->worst_threat = -1;
	sm->assessed = np > 0;

	if ((err = grow((void **)&s->base, &s->cap_base, np, sizeof(double), SIZE_MAX / 8)) !=
	    PT_OK ||
	    (err = grow((void **)&s->pair_band, &s->cap_pair_band, np, sizeof *s->pair_band,
			SIZE_MAX / sizeof *s->pair_band)) != PT_OK)
		return err;

	/* Existing and committed measures are not offered; committed ones count now. */
	memset(s->skip, 0, measures->n ? measures->n : 1);
	for (i = 0; i < ps->n_existing; i++)
		s->skip[ps->existing[i]] = 1;
	for (i = 0; i < ps->n_committed; i++)
		s->skip[ps->committed[i]] = 1;
	for (i = 0; i < ps->n_pending; i++) /* proposed: not offered twice, effect not counted */
		s->skip[ps->pending[i]] = 1;
	for (p = 0; p < np; p++) {
		const struct pt_plan_pair *pr = &ps->pairs[p];
		double psucc = pr->p_success, cons = pr->consequence_eur, pr_risk;
		int lc, cc;
		enum pt_band b;
		for (i = 0; i < ps->n_committed; i++) {
			size_t cell = (size_t)ps->committed[i] * threats_n + pr->threat;
			psucc *= 1 - v_effect[cell];
			cons *= 1 - c_effect[cell];
		}
		s->base[p] = pr->p_attack * psucc * cons;
		risk += s->base[p];
		pt_matrix_quant_classes(cfg, pr->p_attack * psucc, cons, &lc, &cc);
		b = pt_matrix_band(cfg, lc, cc);
		s->pair_band[p] = b;
		pr_risk = s->base[p];
		if (sm->worst_threat < 0 || (int)b > (int)sm->band ||
		    (b == sm->band && pr_risk > s->base[(size_t)sm->worst_threat])) {
			sm->band = b;
			sm->worst_threat = (int32_t)p; /* a pair index until the end */
		}
	}
	/* issue 11 review m5: every threat at the site's worst band, the worst one first */
	sm->first_band_threat = m->n_band_threats;
	sm->n_band_threats = 0;
	if (sm->worst_threat >= 0) {
		if ((err = grow((void **)&m->band_threats, &caps->band_threats,
				m->n_band_threats + np, sizeof *m->band_threats,
				SIZE_MAX / sizeof *m->band_threats)) != PT_OK)
			return err;
		m->band_threats[m->n_band_threats + sm->n_band_threats++] =
			ps->pairs[sm->worst_threat].threat;
		for (p = 0; p < np; p++)
			if (p != (size_t)sm->worst_threat && s->pair_band[p] == sm->band)
				m->band_threats[m->n_band_threats + sm->n_band_threats++] =
					ps->pairs[p].threat;
		m->n_band_threats += sm->n_band_threats;
	}
	if (sm->worst_threat >= 0)
		sm->worst_threat = (int32_t)ps->pairs[sm->worst_threat].threat;
	sm->risk_before_eur_year = risk;

	/* Screening. */
	if (np)
		for (i = 0; i < measures->n; i++) {
			const struct pt_measure *me = &measures->items[i];
			const double *vr = v_effect + i * threats_n, *cr = c_effect + i * threats_n;
			struct pt_plan_screen *sc;
			double red = 0, best_red = -1;
			int touches = 0;
			if (s->skip[i] || !pt_measure_applies(me, ps->site->kind, ps->site->sector))
				continue;
			for (p = 0; p < np; p++)
				if (vr[ps->pairs[p].threat] > 0 || cr[ps->pairs[p].threat] > 0)
					touches = 1;
			if (!touches)
				continue;
			sc = &s->scr[n_scr++];
			memset(sc, 0, sizeof *sc);
			sc->measure = (uint32_t)i;
			sc->intrusiveness = pt_measure_intrusiveness(me);
			sc->site_band = sm->band;
			sc->needed_band = needed_band(cfg, sc->intrusiveness);
			sc->cost_eur = pt_measure_site_cost(me, ps->site, sm->size_factor,
							    cfg->plan_discount_rate,
							    cfg->plan_horizon_years,
							    &sc->cost_estimated);
			sc->misfit = pt_measure_misfit(me, ps->site);
			sc->basis_missing = (int)pt_site_legal_basis(ps->site) <
					    (int)pt_measure_basis_at(me, ps->site);
			sc->main_threat = -1;
			sc->alternative = -1;
			for (p = 0; p < np; p++) {
				uint32_t t = ps->pairs[p].threat;
				double r = s->base[p] * (1 - (1 - vr[t]) * (1 - cr[t]));
				red += r;
				if (r > best_red && (vr[t] > 0 || cr[t] > 0)) {
					best_red = r;
					sc->main_threat = (int32_t)t;
				}
			}
			sc->reduction_eur_year = red;
			sc->benefit_eur = red * annuity;
			sc->bcr = sc->cost_eur > 0 ? sc->benefit_eur / sc->cost_eur :
				  sc->benefit_eur > 0 ? INFINITY : 0;
		}
	s->ps = ps;
	s->v_eff = v_effect;
	s->c_eff = c_effect;
	s->threats_n = threats_n;
	if (n_scr && (err = screen_site(cfg, measures, s, n_scr, m, caps)) != PT_OK)
		return err;
	if ((err = grow((void **)&m->screens, &caps->screens, m->n_screens + n_scr,
			sizeof *m->screens, SIZE_MAX / sizeof *m->screens)) != PT_OK)
		return err;
	sm->first_screen = m->n_screens;
	sm->n_screens = n_scr;
	if (n_scr)
		memcpy(m->screens + m->n_screens, s->scr, n_scr * sizeof *s->scr);
	m->n_screens += n_scr;

	/* Candidates: the admitted measures with the largest benefit. */
	for (i = 0; i < n_scr; i++)
		if (s->scr[i].verdict == PT_VERDICT_ADMITTED) {
			s->keys[n_cand].a = s->scr[i].benefit_eur;
			s->keys[n_cand].b = 0;
			s->keys[n_cand].i = i;
			n_cand++;
		}
	qsort(s->keys, n_cand, sizeof *s->keys, cmp_key);
	if (n_cand > PT_PLAN_MAX_CANDIDATES)
		n_cand = PT_PLAN_MAX_CANDIDATES;
	while (n_cand > 0 && subsets(n_cand, max_depth) > BUNDLES_MAX)
		n_cand--;
	/* Back to catalogue order (screens are in it) for readable bundles. */
	for (i = 1; i < n_cand; i++) {
		struct key t = s->keys[i];
		size_t j = i;
		while (j > 0 && s->keys[j - 1].i > t.i) {
			s->keys[j] = s->keys[j - 1];
			j--;
		}
		s->keys[j] = t;
	}
	for (i = 0; i < n_cand; i++) {
		const struct pt_plan_screen *sc = &s->scr[s->keys[i].i];
		const char *g = measures->items[sc->measure].exclusive_group;
		s->cand[i] = sc->measure;
		s->cand_cost[i] = sc->cost_eur;
		s->cand_group[i] = -1;
		if (g[0])
			for (k = 0; k <= i; k++)
				if (strcmp(measures->items[s->cand[k]].exclusive_group, g) == 0) {
					s->cand_group[i] = (int)k;
					break;
				}
	}

	/* Every bundle, depth first with per-pair running products. */
	x.n_bundles = 0;
	if (n_cand) {
		size_t nb = (size_t)subsets(n_cand, max_depth), na = 0;
		if ((err = grow((void **)&s->bundles, &s->cap_bundles, nb, sizeof *s->bundles,
				BUNDLES_MAX)) != PT_OK ||
		    (err = grow((void **)&s->tmp, &s->cap_tmp, nb, sizeof *s->tmp, BUNDLES_MAX)) !=
			    PT_OK ||
		    (err = grow((void **)&s->active, &s->cap_active, np, sizeof *s->active,
				SIZE_MAX / sizeof *s->active)) != PT_OK ||
		    (err = grow((void **)&s->g, &s->cap_g, n_cand * np, sizeof(double),
				SIZE_MAX / 8)) != PT_OK ||
		    (err = grow((void **)&s->wb, &s->cap_wb, (max_depth + 1) * np, sizeof(double),
				SIZE_MAX / 8)) != PT_OK)
			return err;
		x.risk_const = 0;
		for (p = 0; p < np; p++) {
			int changed = 0;
			for (i = 0; i < n_cand && !changed; i++) {
				size_t cell = (size_t)s->cand[i] * threats_n + ps->pairs[p].threat;
				changed = v_effect[cell] > 0 || c_effect[cell] > 0;
			}
			if (changed && s->base[p] > 0)
				s->active[na++] = p;
			else
				x.risk_const += s->base[p];
		}
		for (i = 0; i < n_cand; i++)
			for (k = 0; k < na; k++) {
				size_t cell = (size_t)s->cand[i] * threats_n +
					      ps->pairs[s->active[k]].threat;
				s->g[i * na + k] = (1 - v_effect[cell]) * (1 - c_effect[cell]);
			}
		for (k = 0; k < na; k++)
			s->wb[k] = s->base[s->active[k]];
		x.s = s;
		x.na = na;
		x.n_cand = n_cand;
		x.max_depth = max_depth;
		x.risk_before = risk;
		x.annuity = annuity;
		/* Sums in another order differ in the last bits: below this is no benefit. */
		x.benefit_floor = 1e-12 * risk * annuity;
		dfs_visit(&x, 0, 0, 0, 0, 0);
	}

	/* Pareto-efficient bundles: by cost; of equal costs the largest benefit
	 * (the first found); kept when its benefit is above every cheaper one. */
	sort_by_cost(s->bundles, s->tmp, x.n_bundles);
	{
		double best = 0;
		n_opt = 0;
		for (i = 0; i < x.n_bundles;) {
			size_t j = i + 1, top = i;
			while (j < x.n_bundles && s->bundles[j].cost == s->bundles[i].cost) {
				if (s->bundles[j].benefit > s->bundles[top].benefit)
					top = j;
				j++;
			}
			if (s->bundles[top].benefit > best) {
				best = s->bundles[top].benefit;
				s->bundles[n_opt++] = s->bundles[top];
			}
			i = j;
		}
	}
	if (n_opt + 1 > PT_PLAN_MAX_OPTIONS_PER_SITE) {
		if ((err = grow((void **)&s->bkeys, &s->cap_bkeys, n_opt, sizeof *s->bkeys,
				BUNDLES_MAX)) != PT_OK ||
		    (err = grow((void **)&s->hull, &s->cap_hull, n_opt + 1, sizeof *s->hull,
				BUNDLES_MAX + 1)) != PT_OK ||
		    (err = grow((void **)&s->keep, &s->cap_keep, n_opt, 1, BUNDLES_MAX)) != PT_OK)
			return err;
		n_opt = thin_options(s, s->bundles, n_opt, PT_PLAN_MAX_OPTIONS_PER_SITE - 1);
	}

	/* Options: do nothing, then the bundles in cost order. */
	if (m->n_options + n_opt + 1 > PT_MCKP_MAX_ITEMS)
		return PT_ELIMIT;
	if ((err = grow((void **)&m->options, &caps->options, m->n_options + n_opt + 1,
			sizeof *m->options, SIZE_MAX / sizeof *m->options)) != PT_OK)
		return err;
	for (i = 0, k = 0; i < n_opt; i++)
		k += popcount32(s->bundles[i].mask);
	if ((err = grow((void **)&m->option_measures, &caps->option_measures, caps->n_om + k,
			sizeof *m->option_measures, SIZE_MAX / sizeof *m->option_measures)) != PT_OK)
		return err;
	sm->first_option = m->n_options;
	sm->n_options = n_opt + 1;
	{
		struct pt_plan_option *o = &m->options[m->n_options++];
		o->cost_eur = 0;
		o->benefit_eur = 0;
		o->risk_after_eur_year = risk;
		o->first_measure = caps->n_om;
		o->n_measures = 0;
	}
	for (i = 0; i < n_opt; i++) {
		const struct bundle *bu = &s->bundles[i];
		struct pt_plan_option *o = &m->options[m->n_options++];
		o->cost_eur = bu->cost;
		o->benefit_eur = bu->benefit;
		o->risk_after_eur_year = bu->risk_after;
		o->first_measure = caps->n_om;
		o->n_measures = 0;
		for (k = 0; k < n_cand; k++)
			if (bu->mask & (UINT32_C(1) << k)) {
				m->option_measures[caps->n_om++] = s->cand[k];
				o->n_measures++;
			}
	}
	return PT_OK;
}

enum pt_err pt_plan_model_build(const struct pt_config *cfg,
				const struct pt_measure_catalog *measures, const double *v_effect,
				const double *c_effect, size_t threats_n,
				const struct pt_plan_site *sites, size_t n_sites,
				struct pt_plan_model **out, struct pt_diag *d)
{
	struct pt_plan_model *m = NULL;
	struct scratch s;
	struct caps caps;
	size_t i, nm;
	enum pt_err err = PT_OK;

	memset(&s, 0, sizeof s);
	memset(&caps, 0, sizeof caps);
	if (!out)
		return PT_EINVAL;
	*out = NULL;
	if (!cfg || !measures || (n_sites && !sites))
		return pt_diag_put(d, PT_EINVAL, 0, "", "plan inputs missing");
	if ((uint64_t)n_sites > PT_PLAN_MAX_SITES)
		return pt_diag_put(d, PT_ELIMIT, 0, "sites", "more sites than a plan may hold");
	if ((err = check_inputs(cfg, measures, v_effect, c_effect, threats_n, d)) != PT_OK)
		return err;
	nm = measures->n;
	for (i = 0; i < n_sites; i++)
		if ((err = check_site(&sites[i], nm, threats_n, d)) != PT_OK)
			return err;

	m = calloc(1, sizeof *m);
	if (!m)
		return PT_ENOMEM;
	m->n_sites = n_sites;
	m->annuity = pt_annuity_factor(cfg->plan_discount_rate, cfg->plan_horizon_years);
	m->sites = calloc(n_sites ? n_sites : 1, sizeof *m->sites);
	m->group_start = calloc(n_sites + 1, sizeof *m->group_start);
	s.skip = malloc(nm ? nm : 1);
	s.scr = malloc((nm ? nm : 1) * sizeof *s.scr);
	s.basic_ok = malloc((nm ? nm : 1) * sizeof *s.basic_ok);
	s.keys = malloc((nm ? nm : 1) * sizeof *s.keys);
	s.akeys = malloc((nm ? nm : 1) * sizeof *s.akeys);
	if (!m->sites || !m->group_start || !s.skip || !s.scr || !s.basic_ok || !s.keys ||
	    !s.akeys) {
		err = PT_ENOMEM;
		goto out;
	}
	for (i = 0; i < n_sites; i++) {
		struct pt_plan_site_model *sm = &m->sites[i];
		if ((err = build_site(cfg, measures, v_effect, c_effect, threats_n, &sites[i], sm, &s,
				      m, &caps)) != PT_OK) {
			if (err == PT_ELIMIT)
				pt_diag_put(d, err, 0, "sites", "the plan has more options than the solver takes");
			goto out;
		}
		m->group_start[i] = sm->first_option;
		m->risk_before_eur_year += sm->risk_before_eur_year;
		m->cost_of_everything += m->options[sm->first_option + sm->n_options - 1].cost_eur;
	}
	m->group_start[n_sites] = m->n_options;
	m->items = malloc((m->n_options ? m->n_options : 1) * sizeof *m->items);
	if (!m->items) {
		err = PT_ENOMEM;
		goto out;
	}
	for (i = 0; i < m->n_options; i++) {
		m->items[i].cost = m->options[i].cost_eur;
		m->items[i].value = m->options[i].benefit_eur;
	}
out:
	scratch_free(&s);
	if (err != PT_OK) {
		pt_plan_model_free(m);
		return err == PT_ENOMEM ? pt_diag_put(d, err, 0, "", "out of memory") : err;
	}
	*out = m;
	return PT_OK;
}

void pt_plan_model_free(struct pt_plan_model *m)
{
	if (!m)
		return;
	free(m->sites);
	free(m->options);
	free(m->option_measures);
	free(m->screens);
	free(m->alts);
	free(m->effects);
	free(m->band_threats);
	free(m->group_start);
	free(m->items);
	free(m);
}

void pt_plan_model_mckp(const struct pt_plan_model *m, struct pt_mckp *out)
{
	memset(out, 0, sizeof *out);
	if (!m)
		return;
	out->n_groups = m->n_sites;
	out->group_start = m->group_start;
	out->items = m->items;
}

enum pt_err pt_plan_solve(const struct pt_plan_model *m, double budget_eur,
			  enum pt_plan_solver solver, double time_limit_s,
			  struct pt_plan_result *out, struct pt_diag *d)
{
	struct pt_mckp p;
	struct pt_mckp_solution sol;
	enum pt_err err;
	size_t i;

	if (!out)
		return PT_EINVAL;
	memset(out, 0, sizeof *out);
	out->exact_reduction_eur = NAN;
	out->gap_to_exact = NAN;
	if (!m)
		return pt_diag_put(d, PT_EINVAL, 0, "", "no plan model");
	if (!(budget_eur >= 0) || !isfinite(budget_eur))
		return pt_diag_put(d, PT_EINVAL, 0, "budget", "must be a finite amount >= 0 EUR");
	if (solver != PT_SOLVER_FAST && solver != PT_SOLVER_EXACT)
		return pt_diag_put(d, PT_EINVAL, 0, "solver", "must be fast or exact");
	out->solver = solver;
	out->budget_eur = budget_eur;
	out->n_sites = m->n_sites;
	out->risk_before_eur_year = m->risk_before_eur_year;
	out->risk_after_eur_year = m->risk_before_eur_year;
	if (m->n_sites == 0) {
		out->optimal = 1;
		return PT_OK;
	}
	memset(&sol, 0, sizeof sol);
	pt_plan_model_mckp(m, &p);
	if (solver == PT_SOLVER_FAST)
		err = pt_mckp_solve_fast(&p, budget_eur, &sol, d);
	else
		err = pt_mckp_solve_exact_stop(&p, budget_eur, time_limit_s, m->stop, m->stop_ctx,
					       &sol, d);
	if (err != PT_OK) {
		pt_mckp_solution_clear(&sol);
		return err;
	}
	out->choice = sol.choice;
	sol.choice = NULL;
	out->risk_after_eur_year = 0;
	for (i = 0; i < m->n_sites; i++) {
		const struct pt_plan_site_model *sm = &m->sites[i];
		const struct pt_plan_option *o;
		if (out->choice[i] >= sm->n_options) {
			pt_plan_result_clear(out);
			return pt_diag_put(d, PT_EINTERNAL, 0, "", "the solver chose an option that does not exist");
		}
		o = &m->options[sm->first_option + out->choice[i]];
		out->cost_eur += o->cost_eur;
		out->risk_reduction_eur += o->benefit_eur;
		out->risk_after_eur_year += o->risk_after_eur_year;
		if (o->n_measures) {
			out->sites_funded++;
			out->measures_chosen += o->n_measures;
		}
	}
	out->bound_eur = sol.bound;
	out->gap = sol.gap;
	out->optimal = sol.optimal;
	out->time_limit_hit = sol.time_limit_hit;
	pt_mckp_solution_clear(&sol);
	return PT_OK;
}

void pt_plan_result_clear(struct pt_plan_result *r)
{
	if (!r)
		return;
	free(r->choice);
	r->choice = NULL;
}

/* The chosen option of site i, or NULL. */
static const struct pt_plan_option *chosen(const struct pt_plan_model *m,
					   const struct pt_plan_result *r, size_t i)
{
	if (!r->choice || i >= r->n_sites || r->choice[i] >= m->sites[i].n_options)
		return NULL;
	return &m->options[m->sites[i].first_option + r->choice[i]];
}

size_t pt_plan_common_measures(const struct pt_plan_model *a, const struct pt_plan_result *ra,
			       const struct pt_plan_model *b, const struct pt_plan_result *rb)
{
	size_t i, common = 0;
	uint32_t j, k;
	if (!a || !ra || !b || !rb || a->n_sites != b->n_sites)
		return 0;
	for (i = 0; i < a->n_sites; i++) {
		const struct pt_plan_option *oa = chosen(a, ra, i), *ob = chosen(b, rb, i);
		if (!oa || !ob)
			continue;
		/* Bundles hold at most plan.max_measures (8) measures: pairs are few. */
		for (j = 0; j < oa->n_measures; j++)
			for (k = 0; k < ob->n_measures; k++)
				if (a->option_measures[oa->first_measure + j] ==
				    b->option_measures[ob->first_measure + k]) {
					common++;
					break;
				}
	}
	return common;
}
