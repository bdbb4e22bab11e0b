/* pt_mckp_glpk.c - the exact multiple-choice knapsack solver on GLPK's
 * branch and cut: one binary per item, one row per group, the budget row.
 * GLPK aborts the process on internal errors, so the input is checked first. */
#include "pt_mckp.h"

#include <float.h>
#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pt_model.h"

/* What the branch-and-cut callback saw: the best bound of the open nodes. */
struct mckp_glpk_cb {
	double bound; /* in GLPK's (scaled) objective */
	int have_bound;
	int (*stop)(void *ctx); /* asked at every call; NULL: never stops */
	void *stop_ctx;
	int stopped;
};

static void mckp_glpk_callback(glp_tree *tree, void *info)
{
	struct mckp_glpk_cb *cb = info;
	int best;
	if (cb->stop && !cb->stopped && cb->stop(cb->stop_ctx)) {
		cb->stopped = 1;
		glp_ios_terminate(tree);
		return;
	}
	best = glp_ios_best_node(tree);
	if (best) {
		cb->bound = glp_ios_node_bound(tree, best);
		cb->have_bound = 1;
	}
}

static enum pt_err mckp_glpk_fail(struct pt_diag *d, const char *what, int code)
{
	char msg[256], num[64];
	pt_strlcpy(msg, "GLPK failed: ", sizeof msg);
	pt_strlcat(msg, what, sizeof msg);
	pt_strlcat(msg, " (code ", sizeof msg);
	pt_number_format((double)code, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	pt_strlcat(msg, ")", sizeof msg);
	return pt_diag_put(d, PT_EINTERNAL, 0, "solver", msg);
}

enum pt_err pt_mckp_solve_exact(const struct pt_mckp *p, double budget, double time_limit_s,
				struct pt_mckp_solution *out, struct pt_diag *d)
{
	return pt_mckp_solve_exact_stop(p, budget, time_limit_s, NULL, NULL, out, d);
}

enum pt_err pt_mckp_solve_exact_stop(const struct pt_mckp *p, double budget, double time_limit_s,
				     int (*stop)(void *ctx), void *stop_ctx,
				     struct pt_mckp_solution *out, struct pt_diag *d)
{
	struct pt_mckp_solution lp;
	struct mckp_glpk_cb cb;
	glp_prob *lpb = NULL;
	glp_iocp parm;
	int *ia = NULL, *ja = NULL, ret, status;
	double *ar = NULL, cost_scale = 0, value_scale = 0, bound, lp_bound = 0;
	size_t n_items, g, i, nz;
	enum pt_err err;

	memset(out, 0, sizeof *out);
	memset(&cb, 0, sizeof cb);
	if (!(time_limit_s > 0) || !isfinite(time_limit_s))
		return pt_diag_put(d, PT_EINVAL, 0, "time_limit",
				   "the time limit must be a finite number of seconds above 0");
	/* Checks the problem and the budget, reports infeasibility, and gives
	 * the linear relaxation's value: a bound the tree's can only tighten. */
	err = pt_mckp_solve_fast(p, budget, &lp, d);
	if (err)
		return err;
	lp_bound = lp.bound;
	pt_mckp_solution_clear(&lp);
	n_items = p->group_start[p->n_groups];
	if (n_items > (size_t)INT_MAX / 2 - 2 || p->n_groups > (size_t)INT_MAX - 2) {
		err = pt_diag_put(d, PT_ELIMIT, 0, "items", "too many items for GLPK");
		goto out;
	}
	out->choice = calloc(p->n_groups ? p->n_groups : 1, sizeof *out->choice);
	if (!out->choice) {
		err = PT_ENOMEM;
		goto out;
	}
	/* The cheapest item of every group: the answer when GLPK finds no
	 * integer solution in time. */
	for (g = 0; g < p->n_groups; g++) {
		size_t a = p->group_start[g], b = p->group_start[g + 1], best = a;
		for (i = a + 1; i < b; i++)
			if (p->items[i].cost < p->items[best].cost ||
			    (p->items[i].cost == p->items[best].cost &&
			     p->items[i].value > p->items[best].value))
				best = i;
		out->choice[g] = best - a;
	}
	if (n_items == p->n_groups)
		goto totals; /* one item per group: nothing to choose */

	/* Scale costs and values to about 1 so GLPK's tolerances mean the same
	 * on any instance; the totals are summed from the items afterwards. */
	for (i = 0; i < n_items; i++) {
		if (p->items[i].cost > cost_scale)
			cost_scale = p->items[i].cost;
		if (p->items[i].value > value_scale)
			value_scale = p->items[i].value;
	}
	if (cost_scale <= 0)
		cost_scale = 1;
	if (value_scale <= 0)
		value_scale = 1;

	ia = malloc((2 * n_items + 1) * sizeof *ia);
	ja = malloc((2 * n_items + 1) * sizeof *ja);
	ar = malloc((2 * n_items + 1) * sizeof *ar);
	if (!ia || !ja || !ar) {
		err = PT_ENOMEM;
		goto out;
	}
	glp_term_out(GLP_OFF);
	lpb = glp_create_prob();
	glp_set_obj_dir(lpb, GLP_MAX);
	glp_add_rows(lpb, (int)p->n_groups + 1);
	for (g = 0; g < p->n_groups; g++)
		glp_set_row_bnds(lpb, (int)g + 1, GLP_FX, 1, 1);
	glp_set_row_bnds(lpb, (int)p->n_groups + 1, GLP_UP, 0,
			 budget * (1 + 1e-9) / cost_scale);
	glp_add_cols(lpb, (int)n_items);
	nz = 0;
	for (g = 0; g < p->n_groups; g++) {
		for (i = p->group_start[g]; i < p->group_start[g + 1]; i++) {
			int col = (int)i + 1;
			glp_set_col_kind(lpb, col, GLP_BV);
			glp_set_obj_coef(lpb, col, p->items[i].value / value_scale);
			nz++;
			ia[nz] = (int)g + 1;
			ja[nz] = col;
			ar[nz] = 1;
			if (p->items[i].cost > 0) {
				nz++;
				ia[nz] = (int)p->n_groups + 1;
				ja[nz] = col;
				ar[nz] = p->items[i].cost / cost_scale;
			}
		}
	}
	glp_load_matrix(lpb, (int)nz, ia, ja, ar);

	glp_init_iocp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.presolve = GLP_ON;
	parm.mip_gap = 0;
	/* GLPK prunes a node whose bound is not better than the incumbent by
	 * tol_obj (relative, default 1e-7): tighter, so the optimum is proved
	 * to about 1e-9. */
	parm.tol_obj = 1e-10;
	parm.tm_lim = time_limit_s * 1000 >= (double)INT_MAX ? INT_MAX
							       : (int)ceil(time_limit_s * 1000);
	parm.cb_func = mckp_glpk_callback;
	cb.stop = stop;
	cb.stop_ctx = stop_ctx;
	parm.cb_info = &cb;
	ret = glp_intopt(lpb, &parm);
	status = glp_mip_status(lpb);
	if (cb.stopped) {
		err = pt_diag_put(d, PT_EINTERNAL, 0, "solver", "cancelled");
		goto out;
	}
	if (ret != 0 && ret != GLP_ETMLIM && ret != GLP_EMIPGAP) {
		err = mckp_glpk_fail(d, "glp_intopt", ret);
		goto out;
	}
	out->time_limit_hit = ret == GLP_ETMLIM;
	if (status == GLP_OPT || status == GLP_FEAS) {
		for (g = 0; g < p->n_groups; g++) {
			size_t a = p->group_start[g], b = p->group_start[g + 1], found = SIZE_MAX;
			for (i = a; i < b; i++) {
				if (glp_mip_col_val(lpb, (int)i + 1) > 0.5) {
					if (found != SIZE_MAX) {
						err = mckp_glpk_fail(d, "two items in one group", (int)g);
						goto out;
					}
					found = i - a;
				}
			}
			if (found == SIZE_MAX) {
				err = mckp_glpk_fail(d, "no item in a group", (int)g);
				goto out;
			}
			out->choice[g] = found;
		}
	} else if (status != GLP_UNDEF) {
		err = mckp_glpk_fail(d, "unexpected MIP status", status);
		goto out;
	}
	if (ret == 0 && status == GLP_OPT)
		out->optimal = 1;

totals:
	out->cost = 0;
	out->value = 0;
	for (g = 0; g < p->n_groups; g++) {
		const struct pt_mckp_item *it = &p->items[p->group_start[g] + out->choice[g]];
		out->cost += it->cost;
		out->value += it->value;
	}
	if (n_items == p->n_groups)
		out->optimal = 1;
	if (out->optimal) {
		bound = out->value;
	} else {
		bound = lp_bound;
		if (cb.have_bound && cb.bound * value_scale < bound)
			bound = cb.bound * value_scale;
		if (bound < out->value)
			bound = out->value;
	}
	out->bound = bound;
	out->gap = bound > 0 ? (bound - out->value) / bound : 0;
	err = PT_OK;
out:
	if (lpb)
		glp_delete_prob(lpb);
	/* GLPK keeps an environment per thread; a server's worker threads would leak it at exit. */
	glp_free_env();
	free(ia);
	free(ja);
	free(ar);
	if (err)
		pt_mckp_solution_clear(out);
	return err;
}
