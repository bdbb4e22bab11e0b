/* pt_mckp.h - the multiple-choice knapsack problem behind the investment
 * plan: groups (sites) of items (options: cost, value), pick exactly one
 * item per group, total cost within the budget, total value as large as
 * possible. A fast solver (greedy on each group's convex hull, the bound of
 * the linear relaxation, an exact repair of the groups at the margin), an
 * exact one on GLPK, and exhaustive enumeration for tests. */
#ifndef PT_MCKP_H
#define PT_MCKP_H

#include <stddef.h>
#include <stdint.h>

#include "pt_err.h"

#define PT_MCKP_MAX_GROUPS (UINT64_C(1) << 26) /**< groups of one problem */
#define PT_MCKP_MAX_ITEMS (UINT64_C(1) << 28)  /**< items of one problem */

/** One item of a group. */
struct pt_mckp_item {
	double cost;  /**< >= 0, finite */
	double value; /**< >= 0, finite */
};

/**
 * A problem: group g holds items[group_start[g] .. group_start[g + 1]).
 * Every group has at least one item; callers put a (0, 0) "do nothing"
 * item in each group so that every budget >= 0 is feasible. Borrowed
 * arrays, only read.
 */
struct pt_mckp {
	size_t n_groups;
	const size_t *group_start; /**< n_groups + 1 offsets, ascending, group_start[0] == 0 */
	const struct pt_mckp_item *items;
};

/** A solution; choice is owned (free with pt_mckp_solution_clear). */
struct pt_mckp_solution {
	size_t *choice;  /**< per group: the chosen item's index within its group */
	double cost;     /**< total cost of the chosen items */
	double value;    /**< total value of the chosen items */
	/** Upper bound on the optimum: the linear relaxation's value (fast),
	 * or the branch-and-bound's best bound (exact). >= value. */
	double bound;
	double gap;      /**< (bound - value) / bound; 0 when bound is 0 */
	int optimal;     /**< 1 when value is proved optimal (gap 0 or exact solver finished) */
	int time_limit_hit; /**< exact: 1 when the time limit stopped the search */
	uint64_t repair_states; /**< fast: states the exact repair explored */
};

/** Free the choice array; s becomes empty. NULL does nothing. */
void pt_mckp_solution_clear(struct pt_mckp_solution *s);

/**
 * Check a problem: offsets ascending and in range, each group non-empty,
 * costs and values finite and >= 0, sizes within the limits. PT_EINVAL /
 * PT_ELIMIT with d naming "group G item I: what is wrong"; d may be NULL.
 */
enum pt_err pt_mckp_check(const struct pt_mckp *p, struct pt_diag *d);

/**
 * The fast solver. Per group: sort by cost, drop dominated items, take the
 * upper convex hull from the cheapest item. Greedy over all hull
 * increments by falling value/cost slope while they fit; the first that
 * does not fit gives the bound of the linear relaxation (Sinha and
 * Zoltners 1979). Then an exact repair: the groups whose increments lie
 * nearest the break slope are freed and re-solved exactly, with all their
 * undominated items (not only hull points), over the budget left plus what
 * they held, by dynamic programming over undominated (cost, value) states
 * (Pisinger 1995's core idea); the better of greedy and repair is kept.
 * Deterministic. budget >= 0 and finite. PT_EINVAL when even the cheapest
 * items exceed the budget ("infeasible"), PT_ENOMEM. out is overwritten
 * (the caller frees it with pt_mckp_solution_clear).
 */
enum pt_err pt_mckp_solve_fast(const struct pt_mckp *p, double budget,
			       struct pt_mckp_solution *out, struct pt_diag *d);

/**
 * The exact solver: GLPK's branch and cut over one binary per item,
 * exactly one item per group, the budget constraint, with GLPK's terminal
 * output off. time_limit_s > 0 bounds the search (GLPK's tm_lim); when it
 * stops the search, out holds the best solution found, bound the best
 * bound, optimal 0 and time_limit_hit 1. If no integer solution was found
 * in time the all-cheapest choice is returned with its value. PT_EINVAL
 * (bad problem or infeasible), PT_ENOMEM, PT_EINTERNAL (GLPK failed: d
 * says how).
 */
enum pt_err pt_mckp_solve_exact(const struct pt_mckp *p, double budget, double time_limit_s,
				struct pt_mckp_solution *out, struct pt_diag *d);

/**
 * pt_mckp_solve_exact with a stop hook (issue 10: a server's client gone):
 * stop (may be NULL) is asked from the solving thread as the search goes;
 * its first nonzero answer stops the search with PT_EINTERNAL "cancelled"
 * and nothing in out.
 */
enum pt_err pt_mckp_solve_exact_stop(const struct pt_mckp *p, double budget, double time_limit_s,
				     int (*stop)(void *ctx), void *stop_ctx,
				     struct pt_mckp_solution *out, struct pt_diag *d);

/**
 * Exhaustive enumeration of every choice, for tests of small problems:
 * PT_ELIMIT when the product of group sizes exceeds max_combinations.
 * Ties on value go to the lower cost, then to the first in enumeration
 * order. optimal is 1, bound = value.
 */
enum pt_err pt_mckp_solve_enumerate(const struct pt_mckp *p, double budget,
				    uint64_t max_combinations, struct pt_mckp_solution *out,
				    struct pt_diag *d);

/**
 * The efficient frontier with the fast solver: at n_points budgets evenly
 * spaced from 0 to the cost of taking every group's costliest item,
 * budgets[i], values[i] (the fast solution's value) and bounds[i] (its LP
 * bound). Arrays are the caller's, n_points each (n_points >= 2).
 */
enum pt_err pt_mckp_frontier(const struct pt_mckp *p, size_t n_points, double *budgets,
			     double *values, double *bounds, struct pt_diag *d);

#endif
