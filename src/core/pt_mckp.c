/* pt_mckp.c - the multiple-choice knapsack solvers without GLPK: checks,
 * the fast solver (convex hulls, greedy, LP bound, exact repair at the
 * margin), exhaustive enumeration and the efficient frontier.
 * Budget comparisons accept a total cost up to budget x (1 + 1e-9). */
#include "pt_mckp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pt_model.h"

/* A total cost fits when it is at most budget x (1 + PT_MCKP_REL_TOL). */
#define PT_MCKP_REL_TOL 1e-9
/* Value comparisons in the repair's pruning (relative). */
#define PT_MCKP_VALUE_TOL 1e-12
/* Groups freed by the exact repair at first; halved when the states
 * overflow. */
#define PT_MCKP_CORE_GROUPS 32
/* States the repair may hold at once (all stages plus the stage being built). */
#define PT_MCKP_MAX_STATES 2000000u
/* Extensions of a state by an item one repair attempt may look at. */
#define PT_MCKP_MAX_EXPLORED UINT64_C(4000000)

void pt_mckp_solution_clear(struct pt_mckp_solution *s)
{
	if (!s)
		return;
	free(s->choice);
	memset(s, 0, sizeof *s);
}

/* "what G" + " item I" + ": rest" into msg. */
static enum pt_err mckp_fail(struct pt_diag *d, enum pt_err err, const char *field, size_t group,
			     size_t item, int with_item, const char *rest)
{
	char msg[256], num[64];
	pt_strlcpy(msg, "group ", sizeof msg);
	pt_number_format((double)group, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	if (with_item) {
		pt_strlcat(msg, " item ", sizeof msg);
		pt_number_format((double)item, num, sizeof num);
		pt_strlcat(msg, num, sizeof msg);
	}
	pt_strlcat(msg, ": ", sizeof msg);
	pt_strlcat(msg, rest, sizeof msg);
	return pt_diag_put(d, err, 0, field, msg);
}

static enum pt_err mckp_check_number(struct pt_diag *d, const char *field, size_t g, size_t i,
				     double v)
{
	char rest[128], num[64];
	if (!isfinite(v)) {
		pt_strlcpy(rest, field, sizeof rest);
		pt_strlcat(rest, " is not a finite number", sizeof rest);
		return mckp_fail(d, PT_EINVAL, field, g, i, 1, rest);
	}
	if (v < 0) {
		pt_strlcpy(rest, field, sizeof rest);
		pt_strlcat(rest, " ", sizeof rest);
		pt_number_format(v, num, sizeof num);
		pt_strlcat(rest, num, sizeof rest);
		pt_strlcat(rest, " is negative", sizeof rest);
		return mckp_fail(d, PT_EINVAL, field, g, i, 1, rest);
	}
	return PT_OK;
}

enum pt_err pt_mckp_check(const struct pt_mckp *p, struct pt_diag *d)
{
	size_t g, i;
	enum pt_err err;
	if (!p)
		return pt_diag_put(d, PT_EINVAL, 0, "", "no problem");
	if ((uint64_t)p->n_groups > PT_MCKP_MAX_GROUPS)
		return pt_diag_put(d, PT_ELIMIT, 0, "groups", "too many groups (limit 67108864)");
	if (!p->group_start)
		return pt_diag_put(d, PT_EINVAL, 0, "groups", "no group offsets");
	if (p->group_start[0] != 0)
		return pt_diag_put(d, PT_EINVAL, 0, "groups", "the first group does not start at item 0");
	for (g = 0; g < p->n_groups; g++) {
		if (p->group_start[g + 1] <= p->group_start[g])
			return mckp_fail(d, PT_EINVAL, "items", g, 0, 0, "no items");
		if ((uint64_t)p->group_start[g + 1] > PT_MCKP_MAX_ITEMS)
			return pt_diag_put(d, PT_ELIMIT, 0, "items",
					   "too many items (limit 268435456)");
	}
	if (p->group_start[p->n_groups] > 0 && !p->items)
		return pt_diag_put(d, PT_EINVAL, 0, "items", "no items array");
	for (g = 0; g < p->n_groups; g++) {
		for (i = p->group_start[g]; i < p->group_start[g + 1]; i++) {
			err = mckp_check_number(d, "cost", g, i - p->group_start[g], p->items[i].cost);
			if (err)
				return err;
			err = mckp_check_number(d, "value", g, i - p->group_start[g],
						p->items[i].value);
			if (err)
				return err;
		}
	}
	return PT_OK;
}

static enum pt_err mckp_check_budget(double budget, struct pt_diag *d)
{
	char msg[128], num[64];
	if (isfinite(budget) && budget >= 0)
		return PT_OK;
	pt_strlcpy(msg, "budget ", sizeof msg);
	pt_number_format(budget, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	pt_strlcat(msg, " is not a finite number >= 0", sizeof msg);
	return pt_diag_put(d, PT_EINVAL, 0, "budget", msg);
}

static double mckp_limit(double budget)
{
	return budget * (1 + PT_MCKP_REL_TOL);
}

static enum pt_err mckp_infeasible(double cheapest, double budget, struct pt_diag *d)
{
	char msg[256], num[64];
	pt_strlcpy(msg, "infeasible: the cheapest options cost ", sizeof msg);
	pt_number_format(cheapest, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	pt_strlcat(msg, ", above the budget ", sizeof msg);
	pt_number_format(budget, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	return pt_diag_put(d, PT_EINVAL, 0, "budget", msg);
}

/* Cost and value of a choice, summed in group order. */
static void mckp_totals(const struct pt_mckp *p, const size_t *choice, double *cost, double *value)
{
	double c = 0, v = 0;
	size_t g;
	for (g = 0; g < p->n_groups; g++) {
		const struct pt_mckp_item *it = &p->items[p->group_start[g] + choice[g]];
		c += it->cost;
		v += it->value;
	}
	*cost = c;
	*value = v;
}

/* ---- The hull structure shared by the fast solver and the exact one's bound. ---- */

/* An undominated item of a group. */
struct mckp_point {
	double cost, value;
	uint32_t item; /* index within its group */
};

/* One step along a group's hull. */
struct mckp_inc {
	double slope, dcost, dvalue;
	uint32_t group;
	uint32_t pos; /* hull position reached (>= 1) */
};

struct mckp_hulls {
	size_t n_groups;
	struct mckp_point *und; /* undominated points, per group cost and value strictly up */
	size_t *und_start;      /* n_groups + 1 */
	uint32_t *hull;         /* positions in the group's und list */
	size_t *hull_start;     /* n_groups + 1 */
	struct mckp_inc *incs;  /* every hull step, by slope descending */
	size_t n_incs;
	double base_cost, base_value; /* the cheapest undominated items */
};

static void mckp_hulls_free(struct mckp_hulls *h)
{
	free(h->und);
	free(h->und_start);
	free(h->hull);
	free(h->hull_start);
	free(h->incs);
	memset(h, 0, sizeof *h);
}

static int mckp_point_cmp(const void *a, const void *b)
{
	const struct mckp_point *x = a, *y = b;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

static int mckp_inc_cmp(const void *a, const void *b)
{
	const struct mckp_inc *x = a, *y = b;
	if (x->slope != y->slope)
		return x->slope > y->slope ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Per group: items by cost (ties: larger value, then lower index first),
 * the undominated list (value strictly increasing), its upper convex hull
 * from the cheapest point without collinear points; then every hull step
 * sorted by slope. */
static enum pt_err mckp_hulls_build(const struct pt_mckp *p, struct mckp_hulls *h)
{
	size_t n_items = p->group_start[p->n_groups], g, i, n_und = 0, n_hull = 0, k;
	memset(h, 0, sizeof *h);
	h->n_groups = p->n_groups;
	h->und = malloc((n_items ? n_items : 1) * sizeof *h->und);
	h->und_start = malloc((p->n_groups + 1) * sizeof *h->und_start);
	h->hull = malloc((n_items ? n_items : 1) * sizeof *h->hull);
	h->hull_start = malloc((p->n_groups + 1) * sizeof *h->hull_start);
	if (!h->und || !h->und_start || !h->hull || !h->hull_start)
		goto nomem;
	for (g = 0; g < p->n_groups; g++) {
		size_t a = p->group_start[g], b = p->group_start[g + 1], first = n_und;
		int sorted = 1;
		struct mckp_point *pts = h->und + n_und;
		for (i = a; i < b; i++) {
			pts[i - a].cost = p->items[i].cost;
			pts[i - a].value = p->items[i].value;
			pts[i - a].item = (uint32_t)(i - a);
			if (i > a && mckp_point_cmp(&pts[i - a - 1], &pts[i - a]) > 0)
				sorted = 0;
		}
		if (!sorted)
			qsort(pts, b - a, sizeof *pts, mckp_point_cmp);
		/* Keep a point only when its value is strictly above the last kept. */
		k = 1;
		for (i = 1; i < b - a; i++)
			if (pts[i].value > pts[k - 1].value)
				pts[k++] = pts[i];
		n_und += k;
		h->und_start[g] = first;
		h->base_cost += pts[0].cost;
		h->base_value += pts[0].value;
		/* Upper hull (monotone chain): drop the middle point while it lies
		 * on or below the chord. */
		h->hull_start[g] = n_hull;
		for (i = 0; i < k; i++) {
			while (n_hull - h->hull_start[g] >= 2) {
				const struct mckp_point *o = &pts[h->hull[n_hull - 2]];
				const struct mckp_point *m = &pts[h->hull[n_hull - 1]];
				double cross = (m->cost - o->cost) * (pts[i].value - o->value) -
					       (m->value - o->value) * (pts[i].cost - o->cost);
				if (cross >= 0)
					n_hull--;
				else
					break;
			}
			h->hull[n_hull++] = (uint32_t)i;
		}
		h->n_incs += n_hull - h->hull_start[g] - 1;
	}
	h->und_start[p->n_groups] = n_und;
	h->hull_start[p->n_groups] = n_hull;
	h->incs = malloc((h->n_incs ? h->n_incs : 1) * sizeof *h->incs);
	if (!h->incs)
		goto nomem;
	k = 0;
	for (g = 0; g < p->n_groups; g++) {
		const struct mckp_point *pts = h->und + h->und_start[g];
		for (i = h->hull_start[g] + 1; i < h->hull_start[g + 1]; i++) {
			const struct mckp_point *x = &pts[h->hull[i - 1]], *y = &pts[h->hull[i]];
			struct mckp_inc *in = &h->incs[k++];
			in->dcost = y->cost - x->cost;
			in->dvalue = y->value - x->value;
			in->slope = in->dvalue / in->dcost;
			in->group = (uint32_t)g;
			in->pos = (uint32_t)(i - h->hull_start[g]);
		}
	}
	qsort(h->incs, h->n_incs, sizeof *h->incs, mckp_inc_cmp);
	return PT_OK;
nomem:
	mckp_hulls_free(h);
	return PT_ENOMEM;
}

/* ---- The exact repair: dynamic programming over the core groups. ---- */

struct mckp_state {
	double cost, value;
	uint32_t parent; /* index of the previous stage's state */
	uint32_t upos;   /* position in the group's undominated list */
};

/* The linear relaxation of the core groups j..K-1 as a function of the
 * budget: cheapest items plus hull steps by slope, cumulated. */
struct mckp_suffix {
	double base_cost, base_value;
	size_t first, n; /* into the cumulated arrays */
};

struct mckp_repair {
	const struct mckp_hulls *h;
	const uint32_t *core; /* core groups, in DP order */
	size_t k;
	struct mckp_suffix *suf; /* k + 1 */
	double *cum_cost, *cum_value, *slope;
	struct mckp_state *states;
	size_t *stage_start; /* k + 2: stage 0 is the root */
	uint64_t explored;
};

/* Upper bound on the value of core groups j.. within budget r; -1 when even
 * their cheapest items do not fit. */
static double mckp_suffix_bound(const struct mckp_repair *r, size_t j, double budget)
{
	const struct mckp_suffix *s = &r->suf[j];
	size_t lo, hi;
	double left;
	if (budget < s->base_cost)
		return -1;
	if (s->n == 0)
		return s->base_value;
	left = budget - s->base_cost;
	/* First step whose cumulated cost exceeds the budget left. */
	lo = 0;
	hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->cum_cost[s->first + mid] <= left)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->n)
		return s->base_value + r->cum_value[s->first + s->n - 1];
	{
		double c0 = lo ? r->cum_cost[s->first + lo - 1] : 0;
		double v0 = lo ? r->cum_value[s->first + lo - 1] : 0;
		return s->base_value + v0 + (left - c0) * r->slope[s->first + lo];
	}
}

static int mckp_state_cmp(const void *a, const void *b)
{
	const struct mckp_state *x = a, *y = b;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return x->upos < y->upos ? -1 : x->upos > y->upos;
}

static void mckp_repair_free(struct mckp_repair *r)
{
	free(r->suf);
	free(r->cum_cost);
	free(r->cum_value);
	free(r->slope);
	free(r->states);
	free(r->stage_start);
}

/* Build the suffix relaxations of the core groups. */
static enum pt_err mckp_repair_suffixes(struct mckp_repair *r)
{
	const struct mckp_hulls *h = r->h;
	size_t j, total = 0, pos = 0, n_prev = 0;
	struct mckp_inc *buf = NULL, *merged = NULL;
	size_t cap = 0;
	enum pt_err err = PT_ENOMEM;
	for (j = 0; j < r->k; j++)
		total += (h->hull_start[r->core[j] + 1] - h->hull_start[r->core[j]] - 1) * (j + 1);
	r->suf = calloc(r->k + 1, sizeof *r->suf);
	r->cum_cost = malloc((total ? total : 1) * sizeof(double));
	r->cum_value = malloc((total ? total : 1) * sizeof(double));
	r->slope = malloc((total ? total : 1) * sizeof(double));
	for (j = 0; j < r->k; j++)
		cap += h->hull_start[r->core[j] + 1] - h->hull_start[r->core[j]] - 1;
	buf = malloc((cap ? cap : 1) * sizeof *buf);
	merged = malloc((cap ? cap : 1) * sizeof *merged);
	if (!r->suf || !r->cum_cost || !r->cum_value || !r->slope || !buf || !merged)
		goto out;
	/* From the last core group back: merge its steps into the sorted list. */
	r->suf[r->k].first = 0;
	r->suf[r->k].n = 0;
	for (j = r->k; j-- > 0;) {
		uint32_t g = r->core[j];
		const struct mckp_point *pts = h->und + h->und_start[g];
		size_t a = h->hull_start[g], b = h->hull_start[g + 1], i, y = 0, n = 0;
		double cc = 0, cv = 0;
		/* Group g's steps are in slope order already; merge with buf[0..n_prev). */
		for (i = a + 1; i <= b; i++) {
			struct mckp_inc in;
			int have = i < b;
			if (have) {
				const struct mckp_point *p0 = &pts[h->hull[i - 1]], *p1 = &pts[h->hull[i]];
				in.dcost = p1->cost - p0->cost;
				in.dvalue = p1->value - p0->value;
				in.slope = in.dvalue / in.dcost;
				in.group = g;
				in.pos = (uint32_t)(i - a);
			}
			while (y < n_prev && (!have || mckp_inc_cmp(&buf[y], &in) < 0))
				merged[n++] = buf[y++];
			if (have)
				merged[n++] = in;
		}
		memcpy(buf, merged, n * sizeof *buf);
		n_prev = n;
		r->suf[j].base_cost = r->suf[j + 1].base_cost + pts[0].cost;
		r->suf[j].base_value = r->suf[j + 1].base_value + pts[0].value;
		r->suf[j].first = pos;
		r->suf[j].n = n;
		for (i = 0; i < n; i++) {
			cc += buf[i].dcost;
			cv += buf[i].dvalue;
			r->cum_cost[pos + i] = cc;
			r->cum_value[pos + i] = cv;
			r->slope[pos + i] = buf[i].slope;
		}
		pos += n;
	}
	err = PT_OK;
out:
	free(buf);
	free(merged);
	return err;
}

/* Solve the core exactly over budget_core, pruning against incumbent.
 * *best is the index of the best final state, or SIZE_MAX when no state
 * beats the incumbent. PT_ELIMIT when the states overflow. */
static enum pt_err mckp_repair_run(struct mckp_repair *r, double budget_core, double incumbent,
				   size_t *best)
{
	const struct mckp_hulls *h = r->h;
	size_t j, n_states = 1, cap = 4096;
	double tol = PT_MCKP_VALUE_TOL * (incumbent > 0 ? incumbent : 0);
	*best = SIZE_MAX;
	r->states = malloc(cap * sizeof *r->states);
	r->stage_start = malloc((r->k + 2) * sizeof *r->stage_start);
	if (!r->states || !r->stage_start)
		return PT_ENOMEM;
	r->states[0].cost = 0;
	r->states[0].value = 0;
	r->states[0].parent = 0;
	r->states[0].upos = 0;
	r->stage_start[0] = 0;
	r->stage_start[1] = 1;
	for (j = 0; j < r->k; j++) {
		uint32_t g = r->core[j];
		const struct mckp_point *pts = h->und + h->und_start[g];
		size_t m = h->und_start[g + 1] - h->und_start[g];
		size_t s, u, from = r->stage_start[j], to = r->stage_start[j + 1], n = n_states, w;
		double next_base = r->suf[j + 1].base_cost;
		for (s = from; s < to; s++) {
			double st_cost = r->states[s].cost, st_value = r->states[s].value;
			for (u = 0; u < m; u++) {
				double nc = st_cost + pts[u].cost, nv = st_value + pts[u].value, ub;
				if (nc + next_base > budget_core)
					break; /* costs rise along the list */
				if (++r->explored > PT_MCKP_MAX_EXPLORED)
					return PT_ELIMIT;
				ub = nv + mckp_suffix_bound(r, j + 1, budget_core - nc);
				if (ub < incumbent - tol)
					continue;
				if (nv + r->suf[j + 1].base_value > incumbent) {
					incumbent = nv + r->suf[j + 1].base_value;
					tol = PT_MCKP_VALUE_TOL * incumbent;
				}
				if (n >= cap) {
					struct mckp_state *grown;
					if (cap >= PT_MCKP_MAX_STATES)
						return PT_ELIMIT;
					cap = cap * 2 < PT_MCKP_MAX_STATES ? cap * 2 : PT_MCKP_MAX_STATES;
					grown = realloc(r->states, cap * sizeof *grown);
					if (!grown)
						return PT_ENOMEM;
					r->states = grown;
				}
				r->states[n].cost = nc;
				r->states[n].value = nv;
				r->states[n].parent = (uint32_t)s;
				r->states[n].upos = (uint32_t)u;
				n++;
			}
		}
		/* Sort the new stage by cost and keep the states whose value rises. */
		qsort(r->states + n_states, n - n_states, sizeof *r->states, mckp_state_cmp);
		w = n_states;
		for (s = n_states; s < n; s++) {
			if (w > n_states && r->states[s].value <= r->states[w - 1].value)
				continue;
			r->states[w++] = r->states[s];
		}
		n_states = w;
		r->stage_start[j + 2] = n_states;
		if (r->stage_start[j + 2] == r->stage_start[j + 1])
			return PT_OK; /* nothing can beat the incumbent */
	}
	/* The last stage's values rise with cost: its last state is the best. */
	*best = r->stage_start[r->k + 1] - 1;
	return PT_OK;
}

/* ---- The fast solver. ---- */

enum pt_err pt_mckp_solve_fast(const struct pt_mckp *p, double budget,
			       struct pt_mckp_solution *out, struct pt_diag *d)
{
	struct mckp_hulls h;
	size_t *pos = NULL, *choice = NULL, *rchoice = NULL, g, i, n_core = 0, k;
	unsigned char *blocked = NULL, *in_core = NULL;
	uint32_t *core = NULL;
	double limit, remaining, value, bound = 0, gcost, gvalue;
	size_t break_at = SIZE_MAX;
	int repaired_exactly = 0;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	memset(&h, 0, sizeof h);
	if ((err = pt_mckp_check(p, d)) || (err = mckp_check_budget(budget, d)))
		return err;
	limit = mckp_limit(budget);
	if ((err = mckp_hulls_build(p, &h)))
		return err;
	if (h.base_cost > limit) {
		err = mckp_infeasible(h.base_cost, budget, d);
		goto out;
	}
	err = PT_ENOMEM;
	pos = calloc(p->n_groups ? p->n_groups : 1, sizeof *pos);
	blocked = calloc(p->n_groups ? p->n_groups : 1, 1);
	in_core = calloc(p->n_groups ? p->n_groups : 1, 1);
	choice = malloc((p->n_groups ? p->n_groups : 1) * sizeof *choice);
	if (!pos || !blocked || !in_core || !choice)
		goto out;

	/* Greedy by slope; the first step that does not fit gives the bound. */
	remaining = limit - h.base_cost;
	value = h.base_value;
	for (i = 0; i < h.n_incs; i++) {
		const struct mckp_inc *in = &h.incs[i];
		if (blocked[in->group])
			continue;
		if (in->dcost <= remaining) {
			remaining -= in->dcost;
			value += in->dvalue;
			pos[in->group] = in->pos;
			continue;
		}
		if (break_at == SIZE_MAX) {
			break_at = i;
			/* The bound at the budget itself, not its tolerance. */
			double left = remaining - (limit - budget);
			bound = value + (left > 0 ? left : 0) * in->slope;
		}
		blocked[in->group] = 1;
	}
	if (break_at == SIZE_MAX)
		bound = value;
	for (g = 0; g < p->n_groups; g++)
		choice[g] = h.und[h.und_start[g] + h.hull[h.hull_start[g] + pos[g]]].item;
	mckp_totals(p, choice, &gcost, &gvalue);

	/* The exact repair of the groups nearest the break. */
	if (break_at != SIZE_MAX) {
		size_t want = PT_MCKP_CORE_GROUPS;
		core = malloc(want * sizeof *core);
		rchoice = malloc((p->n_groups ? p->n_groups : 1) * sizeof *rchoice);
		if (!core || !rchoice)
			goto out;
		while (want >= 1) {
			struct mckp_repair r;
			size_t lo = break_at, hi = break_at + 1, best;
			double budget_core, incumbent = 0;
			enum pt_err rerr;
			n_core = 0;
			memset(in_core, 0, p->n_groups);
			/* Walk out from the break on both sides of the slope order. */
			while (n_core < want && (lo != SIZE_MAX || hi < h.n_incs)) {
				size_t take[2], nt = 0, t;
				if (lo != SIZE_MAX)
					take[nt++] = lo;
				if (hi < h.n_incs)
					take[nt++] = hi;
				for (t = 0; t < nt && n_core < want; t++) {
					uint32_t cg = h.incs[take[t]].group;
					if (!in_core[cg]) {
						in_core[cg] = 1;
						core[n_core++] = cg;
					}
				}
				lo = lo == 0 || lo == SIZE_MAX ? SIZE_MAX : lo - 1;
				hi++;
			}
			budget_core = limit;
			for (g = 0; g < p->n_groups; g++) {
				const struct pt_mckp_item *it = &p->items[p->group_start[g] + choice[g]];
				if (in_core[g])
					incumbent += it->value;
				else
					budget_core -= it->cost;
			}
			memset(&r, 0, sizeof r);
			r.h = &h;
			r.core = core;
			r.k = n_core;
			rerr = mckp_repair_suffixes(&r);
			if (!rerr)
				rerr = mckp_repair_run(&r, budget_core, incumbent, &best);
			out->repair_states += r.explored;
			if (rerr == PT_ELIMIT) {
				mckp_repair_free(&r);
				want /= 2;
				continue;
			}
			if (rerr) {
				mckp_repair_free(&r);
				err = rerr;
				goto out;
			}
			if (best != SIZE_MAX) {
				double rc, rv;
				size_t s = best;
				memcpy(rchoice, choice, p->n_groups * sizeof *rchoice);
				for (k = n_core; k-- > 0;) {
					uint32_t cg = core[k];
					rchoice[cg] = h.und[h.und_start[cg] + r.states[s].upos].item;
					s = r.states[s].parent;
				}
				mckp_totals(p, rchoice, &rc, &rv);
				if (rc <= limit && (rv > gvalue || (rv == gvalue && rc < gcost))) {
					size_t *tmp = choice;
					choice = rchoice;
					rchoice = tmp;
					gcost = rc;
					gvalue = rv;
				}
			}
			/* Exact when every group with a choice to make was freed. */
			{
				size_t movable = 0;
				for (g = 0; g < p->n_groups; g++)
					movable += h.und_start[g + 1] - h.und_start[g] > 1;
				repaired_exactly = n_core == movable;
			}
			mckp_repair_free(&r);
			break;
		}
	} else {
		repaired_exactly = 1;
	}

	out->choice = choice;
	choice = NULL;
	out->cost = gcost;
	out->value = gvalue;
	out->bound = bound > gvalue ? bound : gvalue;
	out->gap = out->bound > 0 ? (out->bound - out->value) / out->bound : 0;
	out->optimal = repaired_exactly || out->gap <= 1e-12;
	err = PT_OK;
out:
	mckp_hulls_free(&h);
	free(pos);
	free(blocked);
	free(in_core);
	free(choice);
	free(rchoice);
	free(core);
	return err;
}

/* ---- Enumeration and the frontier. ---- */

enum pt_err pt_mckp_solve_enumerate(const struct pt_mckp *p, double budget,
				    uint64_t max_combinations, struct pt_mckp_solution *out,
				    struct pt_diag *d)
{
	size_t *cur = NULL, *best = NULL, g;
	uint64_t combos = 1;
	double limit, cheapest = 0, best_cost = 0, best_value = -1;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	if ((err = pt_mckp_check(p, d)) || (err = mckp_check_budget(budget, d)))
		return err;
	for (g = 0; g < p->n_groups; g++) {
		uint64_t size = p->group_start[g + 1] - p->group_start[g];
		size_t i;
		double c = p->items[p->group_start[g]].cost;
		if (combos > max_combinations / size)
			return pt_diag_put(d, PT_ELIMIT, 0, "groups",
					   "too many combinations to enumerate");
		combos *= size;
		for (i = p->group_start[g]; i < p->group_start[g + 1]; i++)
			if (p->items[i].cost < c)
				c = p->items[i].cost;
		cheapest += c;
	}
	limit = mckp_limit(budget);
	if (cheapest > limit)
		return mckp_infeasible(cheapest, budget, d);
	cur = calloc(p->n_groups ? p->n_groups : 1, sizeof *cur);
	best = calloc(p->n_groups ? p->n_groups : 1, sizeof *best);
	if (!cur || !best) {
		err = PT_ENOMEM;
		goto out;
	}
	for (;;) {
		double c, v;
		mckp_totals(p, cur, &c, &v);
		if (c <= limit && (v > best_value || (v == best_value && c < best_cost))) {
			best_value = v;
			best_cost = c;
			memcpy(best, cur, p->n_groups * sizeof *best);
		}
		/* Odometer: the last group turns fastest. */
		for (g = p->n_groups; g-- > 0;) {
			if (++cur[g] < p->group_start[g + 1] - p->group_start[g])
				break;
			cur[g] = 0;
		}
		if (g == SIZE_MAX)
			break;
	}
	out->choice = best;
	best = NULL;
	out->cost = best_cost;
	out->value = best_value;
	out->bound = best_value;
	out->gap = 0;
	out->optimal = 1;
	err = PT_OK;
out:
	free(cur);
	free(best);
	return err;
}

enum pt_err pt_mckp_frontier(const struct pt_mckp *p, size_t n_points, double *budgets,
			     double *values, double *bounds, struct pt_diag *d)
{
	double top = 0, prev_value = -INFINITY;
	size_t g, i, k;
	enum pt_err err;
	if ((err = pt_mckp_check(p, d)))
		return err;
	if (n_points < 2 || !budgets || !values || !bounds)
		return pt_diag_put(d, PT_EINVAL, 0, "points", "the frontier needs at least 2 points");
	for (g = 0; g < p->n_groups; g++) {
		double c = 0;
		for (i = p->group_start[g]; i < p->group_start[g + 1]; i++)
			if (p->items[i].cost > c)
				c = p->items[i].cost;
		top += c;
	}
	for (k = 0; k < n_points; k++) {
		struct pt_mckp_solution s;
		struct pt_diag dd;
		budgets[k] = k + 1 == n_points ? top : top * (double)k / (double)(n_points - 1);
		memset(&dd, 0, sizeof dd);
		err = pt_mckp_solve_fast(p, budgets[k], &s, &dd);
		if (err == PT_EINVAL) {
			/* Below the cheapest choice: no plan fits this budget. */
			values[k] = NAN;
			bounds[k] = NAN;
			continue;
		}
		if (err)
			return pt_diag_put(d, err, 0, "points", dd.msg);
		/* A plan that fits a smaller budget fits this one: the frontier
		 * never falls even where the heuristic does. */
		values[k] = s.value > prev_value ? s.value : prev_value;
		bounds[k] = s.bound > values[k] ? s.bound : values[k];
		if (k > 0 && !isnan(bounds[k - 1]) && bounds[k] < bounds[k - 1])
			bounds[k] = bounds[k - 1];
		prev_value = values[k];
		pt_mckp_solution_clear(&s);
	}
	return PT_OK;
}
