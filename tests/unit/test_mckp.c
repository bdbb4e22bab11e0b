/* test_mckp.c - the MCKP solvers: hand cases, random small instances
 * against exhaustive enumeration, a large one against GLPK, the frontier,
 * infeasible and bad input. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_mckp.h"
#include "pt_test.h"

/* The test's own generator (splitmix64). */
static uint64_t rng_state;

static double uniform(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1.0p-53;
}

static size_t uniform_int(size_t lo, size_t hi)
{
	return lo + (size_t)(uniform() * (double)(hi - lo + 1));
}

/* A problem with its own arrays. */
struct inst {
	struct pt_mckp p;
	size_t *start;
	struct pt_mckp_item *items;
};

static void inst_free(struct inst *in)
{
	free(in->start);
	free(in->items);
}

static void inst_make(struct inst *in, size_t n_groups, const size_t *sizes,
		      const struct pt_mckp_item *items)
{
	size_t g, n = 0;
	in->start = malloc((n_groups + 1) * sizeof *in->start);
	in->start[0] = 0;
	for (g = 0; g < n_groups; g++)
		in->start[g + 1] = in->start[g] + sizes[g];
	n = in->start[n_groups];
	in->items = malloc((n ? n : 1) * sizeof *in->items);
	if (n)
		memcpy(in->items, items, n * sizeof *items);
	in->p.n_groups = n_groups;
	in->p.group_start = in->start;
	in->p.items = in->items;
}

/* Random groups of min_items..max_items, a (0, 0) item at a random place in
 * each; integer figures (many ties) when integral is set. */
static void inst_random(struct inst *in, size_t n_groups, size_t min_items, size_t max_items,
			int integral)
{
	size_t g, i, n = 0;
	in->start = malloc((n_groups + 1) * sizeof *in->start);
	in->items = malloc(n_groups * max_items * sizeof *in->items);
	in->start[0] = 0;
	for (g = 0; g < n_groups; g++) {
		size_t m = uniform_int(min_items, max_items), zero = uniform_int(0, m - 1);
		double scale = integral ? 1 : exp(3 * uniform());
		for (i = 0; i < m; i++) {
			struct pt_mckp_item *it = &in->items[n++];
			if (i == zero) {
				it->cost = 0;
				it->value = 0;
			} else if (integral) {
				it->cost = (double)uniform_int(0, 10);
				it->value = (double)uniform_int(0, 12);
			} else {
				/* Concave on average: value grows slower than cost. */
				double c = scale * 1000 * uniform();
				it->cost = c;
				it->value = scale * 3000 * sqrt(c / (scale * 1000)) * (0.6 + 0.8 * uniform());
			}
		}
		in->start[g + 1] = n;
	}
	in->p.n_groups = n_groups;
	in->p.group_start = in->start;
	in->p.items = in->items;
}

static double inst_top_cost(const struct inst *in)
{
	double top = 0;
	size_t g, i;
	for (g = 0; g < in->p.n_groups; g++) {
		double c = 0;
		for (i = in->start[g]; i < in->start[g + 1]; i++)
			if (in->items[i].cost > c)
				c = in->items[i].cost;
		top += c;
	}
	return top;
}

/* The solution's cost and value agree with its choices and fit the budget. */
static void check_consistent(const struct inst *in, const struct pt_mckp_solution *s,
			     double budget)
{
	double c = 0, v = 0;
	size_t g;
	for (g = 0; g < in->p.n_groups; g++) {
		CHECK(s->choice[g] < in->start[g + 1] - in->start[g]);
		if (s->choice[g] >= in->start[g + 1] - in->start[g])
			return;
		c += in->items[in->start[g] + s->choice[g]].cost;
		v += in->items[in->start[g] + s->choice[g]].value;
	}
	CHECK_NEAR(s->cost, c, 1e-9 * (1 + c));
	CHECK_NEAR(s->value, v, 1e-9 * (1 + v));
	CHECK(s->cost <= budget * (1 + 1e-9));
	CHECK(s->bound >= s->value);
}

static void test_one_group(void)
{
	static const struct pt_mckp_item items[] = { { 0, 0 }, { 5, 10 }, { 3, 4 }, { 8, 11 } };
	static const size_t sizes[] = { 4 };
	struct inst in;
	struct pt_mckp_solution f, e, x;
	struct pt_diag d;
	inst_make(&in, 1, sizes, items);
	CHECK_INT(pt_mckp_solve_fast(&in.p, 6, &f, &d), PT_OK);
	CHECK_INT(pt_mckp_solve_exact(&in.p, 6, 10, &x, &d), PT_OK);
	CHECK_INT(pt_mckp_solve_enumerate(&in.p, 6, 1000, &e, &d), PT_OK);
	CHECK_INT(f.choice[0], 1);
	CHECK_INT(x.choice[0], 1);
	CHECK_INT(e.choice[0], 1);
	CHECK_NEAR(f.value, 10, 0);
	CHECK_NEAR(f.cost, 5, 0);
	CHECK(f.optimal);
	CHECK(x.optimal);
	/* LP: (5, 10) then 1 EUR of the step to (8, 11) at slope 1/3. */
	CHECK_NEAR(f.bound, 10 + 1.0 / 3, 1e-12);
	check_consistent(&in, &f, 6);
	check_consistent(&in, &x, 6);
	pt_mckp_solution_clear(&f);
	pt_mckp_solution_clear(&e);
	pt_mckp_solution_clear(&x);
	pt_mckp_solution_clear(NULL);
	inst_free(&in);
}

static void test_budget_zero(void)
{
	/* The do-nothing item is not first in group 1. */
	static const struct pt_mckp_item items[] = { { 0, 0 }, { 2, 5 }, { 4, 9 }, { 0, 0 },
						     { 1, 1 } };
	static const size_t sizes[] = { 2, 3 };
	struct inst in;
	struct pt_mckp_solution f, x, e;
	struct pt_diag d;
	inst_make(&in, 2, sizes, items);
	CHECK_INT(pt_mckp_solve_fast(&in.p, 0, &f, &d), PT_OK);
	CHECK_INT(pt_mckp_solve_exact(&in.p, 0, 10, &x, &d), PT_OK);
	CHECK_INT(pt_mckp_solve_enumerate(&in.p, 0, 1000, &e, &d), PT_OK);
	CHECK_INT(f.choice[0], 0);
	CHECK_INT(f.choice[1], 1);
	CHECK_INT(x.choice[0], 0);
	CHECK_INT(x.choice[1], 1);
	CHECK_INT(e.choice[1], 1);
	CHECK_NEAR(f.value, 0, 0);
	CHECK_NEAR(f.bound, 0, 0);
	CHECK_NEAR(f.gap, 0, 0);
	CHECK(f.optimal);
	pt_mckp_solution_clear(&f);
	pt_mckp_solution_clear(&x);
	pt_mckp_solution_clear(&e);
	inst_free(&in);
}

static void test_everything_fits(void)
{
	struct inst in;
	struct pt_mckp_solution f, x;
	struct pt_diag d;
	double top, best = 0;
	size_t g, i;
	rng_state = 7;
	inst_random(&in, 40, 1, 8, 0);
	top = inst_top_cost(&in);
	for (g = 0; g < in.p.n_groups; g++) {
		double v = 0;
		for (i = in.start[g]; i < in.start[g + 1]; i++)
			if (in.items[i].value > v)
				v = in.items[i].value;
		best += v;
	}
	CHECK_INT(pt_mckp_solve_fast(&in.p, top, &f, &d), PT_OK);
	CHECK_INT(pt_mckp_solve_exact(&in.p, top, 30, &x, &d), PT_OK);
	CHECK_NEAR(f.value, best, 1e-9 * best);
	CHECK_NEAR(x.value, best, 1e-9 * best);
	CHECK_NEAR(f.bound, f.value, 0);
	CHECK_NEAR(f.gap, 0, 0);
	CHECK(f.optimal);
	check_consistent(&in, &f, top);
	pt_mckp_solution_clear(&f);
	pt_mckp_solution_clear(&x);
	inst_free(&in);
}

static void test_repair_beats_greedy(void)
{
	/* Greedy takes group 0's step (slope 2), then group 1's (slope 1.5)
	 * no longer fits: 2. The LP bound is 2 + 9 x 1.5 = 15.5; the repair
	 * finds group 1's item alone: 15. */
	static const struct pt_mckp_item items[] = { { 0, 0 }, { 1, 2 }, { 0, 0 }, { 10, 15 } };
	static const size_t sizes[] = { 2, 2 };
	struct inst in;
	struct pt_mckp_solution f, e;
	struct pt_diag d;
	inst_make(&in, 2, sizes, items);
	CHECK_INT(pt_mckp_solve_fast(&in.p, 10, &f, &d), PT_OK);
	CHECK_INT(pt_mckp_solve_enumerate(&in.p, 10, 100, &e, &d), PT_OK);
	CHECK_NEAR(e.value, 15, 0);
	CHECK_NEAR(f.value, 15, 0);
	CHECK_INT(f.choice[0], 0);
	CHECK_INT(f.choice[1], 1);
	CHECK_NEAR(f.bound, 15.5, 1e-12);
	CHECK_NEAR(f.gap, 0.5 / 15.5, 1e-12);
	CHECK(f.repair_states > 0);
	CHECK(f.optimal); /* every group was re-solved exactly */
	pt_mckp_solution_clear(&f);
	pt_mckp_solution_clear(&e);
	inst_free(&in);
}

/* 200 random instances: exact and fast (whose repair frees every group
 * of so small a problem) equal enumeration; the bound holds. */
static void test_random_small(void)
{
	int k, bad = 0;
	rng_state = 20240601;
	for (k = 0; k < 200 && bad < 5; k++) {
		struct inst in;
		struct pt_mckp_solution f, x, e;
		struct pt_diag d;
		int before = pt_test_failed_checks;
		double budget, tol;
		inst_random(&in, uniform_int(2, 7), 1, 6, k % 2);
		budget = inst_top_cost(&in) * uniform();
		if (k % 2)
			budget = floor(budget);
		CHECK_INT(pt_mckp_solve_enumerate(&in.p, budget, 1000000, &e, &d), PT_OK);
		CHECK_INT(pt_mckp_solve_fast(&in.p, budget, &f, &d), PT_OK);
		CHECK_INT(pt_mckp_solve_exact(&in.p, budget, 30, &x, &d), PT_OK);
		tol = 1e-9 * (1 + e.value);
		CHECK_NEAR(x.value, e.value, tol);
		CHECK(x.optimal);
		CHECK(!x.time_limit_hit);
		CHECK(f.value <= e.value + tol);
		CHECK_NEAR(f.value, e.value, tol);
		CHECK(f.value >= (1 - f.gap) * f.bound - tol);
		CHECK(f.bound >= e.value - tol);
		CHECK(f.optimal);
		check_consistent(&in, &f, budget);
		check_consistent(&in, &x, budget);
		check_consistent(&in, &e, budget);
		if (pt_test_failed_checks != before) {
			fprintf(stderr, "random instance %d: %zu groups, budget %.17g\n", k,
				in.p.n_groups, budget);
			bad++;
		}
		pt_mckp_solution_clear(&f);
		pt_mckp_solution_clear(&x);
		pt_mckp_solution_clear(&e);
		inst_free(&in);
	}
}

/* More groups than the repair frees: fast is no better than the optimum,
 * no worse than its own stated gap, and the bound is above the optimum. */
static void test_random_medium(void)
{
	int k;
	rng_state = 99;
	for (k = 0; k < 30; k++) {
		struct inst in;
		struct pt_mckp_solution f, x;
		struct pt_diag d;
		double budget, tol;
		inst_random(&in, uniform_int(40, 80), 2, 6, k % 3 == 0);
		budget = inst_top_cost(&in) * (0.05 + 0.5 * uniform());
		CHECK_INT(pt_mckp_solve_fast(&in.p, budget, &f, &d), PT_OK);
		CHECK_INT(pt_mckp_solve_exact(&in.p, budget, 30, &x, &d), PT_OK);
		tol = 1e-9 * (1 + x.value);
		CHECK(x.optimal);
		CHECK(f.value <= x.value + tol);
		CHECK(f.value >= (1 - f.gap) * f.bound - tol);
		CHECK(f.bound >= x.value - tol);
		check_consistent(&in, &f, budget);
		check_consistent(&in, &x, budget);
		pt_mckp_solution_clear(&f);
		pt_mckp_solution_clear(&x);
		inst_free(&in);
	}
}

/* 1,000 groups: fast within 1% of GLPK's optimum and within its own gap;
 * two runs give the same choices. */
static void test_random_large(void)
{
	struct inst in;
	struct pt_mckp_solution f, f2, x;
	struct pt_diag d;
	double budget;
	rng_state = 31337;
	inst_random(&in, 1000, 3, 10, 0);
	budget = 0.3 * inst_top_cost(&in);
	CHECK_INT(pt_mckp_solve_fast(&in.p, budget, &f, &d), PT_OK);
	CHECK_INT(pt_mckp_solve_fast(&in.p, budget, &f2, &d), PT_OK);
	CHECK_INT(pt_mckp_solve_exact(&in.p, budget, 120, &x, &d), PT_OK);
	CHECK(f.value >= 0.99 * x.value);
	CHECK(f.value <= x.value * (1 + 1e-9) || !x.optimal);
	CHECK(f.value >= (1 - f.gap) * f.bound * (1 - 1e-12));
	CHECK(f.gap < 0.01);
	CHECK(f.bound >= x.value * (1 - 1e-9));
	CHECK(x.bound >= x.value);
	CHECK(f.repair_states > 0);
	CHECK(memcmp(f.choice, f2.choice, in.p.n_groups * sizeof *f.choice) == 0);
	check_consistent(&in, &f, budget);
	check_consistent(&in, &x, budget);
	pt_mckp_solution_clear(&f);
	pt_mckp_solution_clear(&f2);
	pt_mckp_solution_clear(&x);
	inst_free(&in);
}

/* Dense groups (many undominated items) and a 1 ms limit: GLPK stops,
 * says so, and its answer is still a plan within the budget under a valid
 * bound (never above the LP bound, never below its own value). */
static void test_exact_time_limit(void)
{
	struct inst in;
	struct pt_mckp_solution f, x;
	struct pt_diag d;
	double budget;
	rng_state = 555;
	inst_random(&in, 150, 40, 60, 0);
	budget = 0.3 * inst_top_cost(&in);
	CHECK_INT(pt_mckp_solve_fast(&in.p, budget, &f, &d), PT_OK);
	CHECK_INT(pt_mckp_solve_exact(&in.p, budget, 0.001, &x, &d), PT_OK);
	CHECK_INT(x.time_limit_hit, 1);
	CHECK_INT(x.optimal, 0);
	CHECK(x.bound >= x.value);
	CHECK(x.bound <= f.bound * (1 + 1e-9));
	CHECK(x.bound >= f.value * (1 - 1e-9));
	CHECK(x.gap > 0);
	check_consistent(&in, &x, budget);
	pt_mckp_solution_clear(&f);
	pt_mckp_solution_clear(&x);
	inst_free(&in);
}

static void test_frontier(void)
{
	struct inst in;
	double budgets[101], values[101], bounds[101], top, best = 0;
	struct pt_diag d;
	size_t k, g, i;
	rng_state = 4242;
	inst_random(&in, 60, 1, 7, 0);
	top = inst_top_cost(&in);
	for (g = 0; g < in.p.n_groups; g++) {
		double v = 0;
		for (i = in.start[g]; i < in.start[g + 1]; i++)
			if (in.items[i].value > v)
				v = in.items[i].value;
		best += v;
	}
	CHECK_INT(pt_mckp_frontier(&in.p, 101, budgets, values, bounds, &d), PT_OK);
	CHECK_NEAR(budgets[0], 0, 0);
	CHECK_NEAR(budgets[100], top, 0);
	CHECK_NEAR(budgets[50], top / 2, 1e-9 * top);
	CHECK_NEAR(values[0], 0, 0);
	CHECK_NEAR(values[100], best, 1e-9 * best);
	for (k = 1; k < 101; k++) {
		CHECK(budgets[k] > budgets[k - 1]);
		CHECK(values[k] >= values[k - 1]);
		CHECK(bounds[k] >= bounds[k - 1]);
		CHECK(bounds[k] >= values[k]);
	}
	CHECK(values[50] > values[10]);
	CHECK_INT(pt_mckp_frontier(&in.p, 1, budgets, values, bounds, &d), PT_EINVAL);
	inst_free(&in);
}

static void test_infeasible(void)
{
	static const struct pt_mckp_item items[] = { { 5, 1 }, { 7, 2 }, { 0, 0 }, { 1, 1 } };
	static const size_t sizes[] = { 2, 2 };
	struct inst in;
	struct pt_mckp_solution s;
	struct pt_diag d;
	inst_make(&in, 2, sizes, items);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_mckp_solve_fast(&in.p, 4, &s, &d), PT_EINVAL);
	CHECK_STR(d.msg, "infeasible: the cheapest options cost 5, above the budget 4");
	CHECK(s.choice == NULL);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_mckp_solve_exact(&in.p, 4.5, 10, &s, &d), PT_EINVAL);
	CHECK_STR(d.msg, "infeasible: the cheapest options cost 5, above the budget 4.5");
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_mckp_solve_enumerate(&in.p, 4, 100, &s, &d), PT_EINVAL);
	CHECK_STR(d.msg, "infeasible: the cheapest options cost 5, above the budget 4");
	/* Exactly the cheapest fits. */
	CHECK_INT(pt_mckp_solve_fast(&in.p, 5, &s, &d), PT_OK);
	CHECK_NEAR(s.value, 1, 0);
	pt_mckp_solution_clear(&s);
	inst_free(&in);
}

static void test_bad_input(void)
{
	struct pt_mckp_item items[] = { { 0, 0 }, { 1, 1 }, { 0, 0 }, { 2, 3 }, { 4, 4 } };
	static const size_t sizes[] = { 2, 3 };
	size_t empty_start[] = { 0, 2, 2, 5 };
	struct inst in;
	struct pt_mckp_solution s;
	struct pt_diag d;
	struct pt_mckp empty;
	inst_make(&in, 2, sizes, items);

	in.items[4].cost = NAN;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_mckp_check(&in.p, &d), PT_EINVAL);
	CHECK_STR(d.msg, "group 1 item 2: cost is not a finite number");
	CHECK_STR(d.field, "cost");
	CHECK_INT(pt_mckp_solve_fast(&in.p, 10, &s, &d), PT_EINVAL);
	CHECK_INT(pt_mckp_solve_exact(&in.p, 10, 10, &s, &d), PT_EINVAL);
	CHECK_INT(pt_mckp_solve_enumerate(&in.p, 10, 100, &s, &d), PT_EINVAL);
	in.items[4].cost = INFINITY;
	CHECK_INT(pt_mckp_solve_exact(&in.p, 10, 10, &s, &d), PT_EINVAL);
	CHECK_STR(d.msg, "group 1 item 2: cost is not a finite number");
	in.items[4].cost = 4;

	in.items[1].value = -3;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_mckp_solve_fast(&in.p, 10, &s, &d), PT_EINVAL);
	CHECK_STR(d.msg, "group 0 item 1: value -3 is negative");
	in.items[1].value = 1;

	empty.n_groups = 3;
	empty.group_start = empty_start;
	empty.items = in.items;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_mckp_solve_fast(&empty, 10, &s, &d), PT_EINVAL);
	CHECK_STR(d.msg, "group 1: no items");

	memset(&d, 0, sizeof d);
	CHECK_INT(pt_mckp_solve_fast(&in.p, -1, &s, &d), PT_EINVAL);
	CHECK_STR(d.msg, "budget -1 is not a finite number >= 0");
	CHECK_INT(pt_mckp_solve_fast(&in.p, NAN, &s, &d), PT_EINVAL);
	CHECK_INT(pt_mckp_solve_exact(&in.p, INFINITY, 10, &s, &d), PT_EINVAL);
	CHECK_INT(pt_mckp_solve_exact(&in.p, 10, 0, &s, &d), PT_EINVAL);
	CHECK_INT(pt_mckp_solve_exact(&in.p, 10, NAN, &s, &d), PT_EINVAL);
	CHECK_INT(pt_mckp_solve_enumerate(&in.p, 10, 5, &s, &d), PT_ELIMIT);

	/* The input is intact: it solves. */
	CHECK_INT(pt_mckp_solve_exact(&in.p, 10, 10, &s, &d), PT_OK);
	CHECK_NEAR(s.value, 5, 0);
	pt_mckp_solution_clear(&s);
	inst_free(&in);
}

static void test_no_groups(void)
{
	size_t start[] = { 0 };
	struct pt_mckp p = { 0, start, NULL };
	struct pt_mckp_solution s;
	struct pt_diag d;
	CHECK_INT(pt_mckp_solve_fast(&p, 1, &s, &d), PT_OK);
	CHECK_NEAR(s.value, 0, 0);
	pt_mckp_solution_clear(&s);
	CHECK_INT(pt_mckp_solve_exact(&p, 1, 1, &s, &d), PT_OK);
	CHECK_NEAR(s.value, 0, 0);
	pt_mckp_solution_clear(&s);
}

/* The stop hook (issue 10: a server's client gone): the search stops at the hook's first yes. */
static int stop_after(void *ctx)
{
	int *calls = ctx;
	return ++*calls >= 3;
}

static void test_exact_stop(void)
{
	struct inst in;
	struct pt_mckp_solution x;
	struct pt_diag d;
	int calls = 0;
	rng_state = 555;
	inst_random(&in, 150, 40, 60, 0);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_mckp_solve_exact_stop(&in.p, 0.3 * inst_top_cost(&in), 30, stop_after, &calls,
					   &x, &d),
		  PT_EINTERNAL);
	CHECK_STR(d.msg, "cancelled");
	CHECK_INT(calls, 3);
	CHECK(x.choice == NULL);
	inst_free(&in);
}

int main(void)
{
	RUN(test_one_group);
	RUN(test_budget_zero);
	RUN(test_everything_fits);
	RUN(test_repair_beats_greedy);
	RUN(test_random_small);
	RUN(test_random_medium);
	RUN(test_random_large);
	RUN(test_exact_time_limit);
	RUN(test_frontier);
	RUN(test_infeasible);
	RUN(test_bad_input);
	RUN(test_no_groups);
	RUN(test_exact_stop);
	return TEST_SUMMARY("test_mckp");
}
