/* pt_plan.h - the investment plan: per site, screen the catalogue's
 * measures for proportionality, build the Pareto-efficient bundles of
 * admitted measures (cost over the horizon against the present value of
 * the risk reduction), and choose one bundle per site under a budget with
 * the solvers of pt_mckp.h. Pure: inputs are the quantitative figures at
 * the current threat level; reasons are codes and numbers, the text is the
 * formats layer's (src/formats/pt_plan_io.h). */
#ifndef PT_PLAN_H
#define PT_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "pt_config.h"
#include "pt_err.h"
#include "pt_measure.h"
#include "pt_mckp.h"
#include "pt_model.h"
#include "pt_score.h"

#define PT_PLAN_MAX_SITES (UINT64_C(1) << 22)   /**< sites of one plan */
#define PT_PLAN_MAX_CANDIDATES 32               /**< admitted measures per site bundles are built from */
#define PT_PLAN_MAX_BUNDLE 8                    /**< plan.max_measures upper limit */
#define PT_PLAN_MAX_OPTIONS_PER_SITE 4096 /**< options per site with do nothing; above: the convex hull, then the highest benefit/cost */

/** The share of a measure's yearly risk reduction at a site that its aim
 * covers: the threats it reduces most, taken until their reductions reach
 * this share of its total (docs/methodology.md, necessity). */
#define PT_PLAN_AIM_SHARE 0.8

/** One assessed threat of a site, as the quantitative method gives it at the current threat level. */
struct pt_plan_pair {
	uint32_t threat;        /**< index into the threat catalogue */
	double p_attack;        /**< E[T'] yearly attempt probability after the threat-level factor */
	double p_success;       /**< E[V] */
	double consequence_eur; /**< E[C] */
};

/** One site's inputs (borrowed). */
struct pt_plan_site {
	const struct pt_site *site;
	const struct pt_plan_pair *pairs; /**< its assessed threats; none: the site is not assessed */
	size_t n_pairs;
	/** Measures (indexes into the catalogue) already in place: the
	 * assessment includes their effect; never offered again, cost nothing. */
	const uint32_t *existing;
	size_t n_existing;
	/** Measures committed by a saved plan but not yet in the assessment:
	 * never offered again, cost nothing here, and their effect is applied to
	 * the risk before. */
	const uint32_t *committed;
	size_t n_committed;
	/** Measures a saved plan proposed, not yet accepted by the site's owner
	 * (issue 11, item 7): never offered again, cost nothing here, and their
	 * effect is NOT applied to the risk before. */
	const uint32_t *pending;
	size_t n_pending;
};

/** What the proportionality screening decided for one measure at one site. */
enum pt_plan_verdict {
	PT_VERDICT_ADMITTED = 0,
	PT_VERDICT_STEP_FREE,      /**< removes step-free access: never chosen */
	PT_VERDICT_LEGAL_BASIS,    /**< the site lacks the legal basis it needs and plan.allow_legal_basis is 0 */
	PT_VERDICT_BAND,           /**< the site's band is below the band its intrusiveness needs */
	PT_VERDICT_BCR,            /**< its own benefit-cost ratio at the site is below plan.min_bcr */
	PT_VERDICT_LESS_INTRUSIVE, /**< a less intrusive measure passing the other rules does as much for at most the cost factor */
	PT_VERDICT_DOES_NOT_FIT    /**< the site does not meet a condition the measure needs (issue 11) */
};
/** Number of verdicts (rejections are 1 .. PT_VERDICT_COUNT - 1). */
#define PT_VERDICT_COUNT (PT_VERDICT_DOES_NOT_FIT + 1)
/** "admitted", "step_free", "legal_basis", "band", "bcr", "less_intrusive", "does_not_fit". */
const char *pt_plan_verdict_name(enum pt_plan_verdict v);

/**
 * A less intrusive measure that acts on the aim of an admitted (or
 * rejected) one, passes the other rules itself, and what it lacks: it
 * reduces one of the aim's threats less (or not at all), or costs above
 * alternative_cost_factor x the measure's cost, or the measure still pays
 * for itself with it in place. The one that rules a measure out lacks none.
 */
struct pt_plan_alt {
	uint32_t measure;
	int intrusiveness;
	double cost_eur;
	double reduction_eur_year; /**< its yearly reduction at the site, all threats */
	int less_reduction; /**< 1: reduces a threat of the aim less (short_threat) */
	int too_costly;     /**< 1: costs more than the factor allows */
	int32_t short_threat; /**< the first aim threat it reduces less, -1 none */
	int not_addressed;  /**< 1: it does not reduce short_threat at all */
	double short_reduction_eur_year; /**< its yearly reduction of short_threat (0 when none) */
	int still_pays;     /**< 1: same aim within the cost, but the measure's remaining BCR >= plan.min_bcr */
	/** The measure's benefit with this one in place over its cost (the
	 * incremental PV of the bundle of both); NaN when not computed (the
	 * alternative falls short on the aim or the cost already). */
	double remaining_bcr;
};

/** A threat a screened measure reduces at the site: its yearly reduction
 * alone there, and the band of the site's pair of that threat. */
struct pt_plan_effect {
	uint32_t threat;
	enum pt_band band;         /**< the pair's band on the quant matrix, current threat level */
	double reduction_eur_year;
};

/**
 * The screening of one applicable measure at one site (measures that do
 * not apply to the site's kind and sector, have no effect on its assessed
 * threats, or are already existing or committed are not screened).
 */
struct pt_plan_screen {
	uint32_t measure;
	enum pt_plan_verdict verdict;
	int intrusiveness;
	enum pt_band site_band;   /**< the site's band (worst pair, current threat level) */
	/** The risk band of its aim: the worst band among the aim's pairs (the
	 * band proportionality uses); PT_BAND_NONE when it reduces nothing. */
	enum pt_band risk_band;
	enum pt_band needed_band; /**< the band its intrusiveness needs (PT_BAND_NONE for 0) */
	double cost_eur;          /**< full cost over the horizon at this site (PV) */
	double reduction_eur_year; /**< yearly risk reduction of the measure alone */
	double benefit_eur;       /**< PV of that reduction over the horizon */
	double bcr;               /**< benefit / cost (inf when cost is 0 and benefit > 0) */
	int32_t main_threat;      /**< threat index it reduces most, -1 if none */
	int32_t alternative;      /**< LESS_INTRUSIVE: the measure that does as much, else -1 */
	size_t first_alt, n_alts; /**< the less intrusive measures considered: model->alts[first_alt ..] */
	/** The threats it reduces, model->effects[first_effect ..], largest
	 * reduction first (then threat index); its aim is the first n_aim. */
	size_t first_effect;
	uint32_t n_effects, n_aim;
	/* issue 11 (fit) */
	unsigned misfit;          /**< pt_measure_misfit at the site (0: fits) */
	int basis_missing;        /**< 1: the site lacks the legal basis the measure needs */
	int cost_estimated;       /**< 1: the site lacks the cost driver; cost from its size class */
};

/** One option of a site: a bundle of admitted measures (n_measures 0: do nothing). */
struct pt_plan_option {
	double cost_eur;            /**< PV cost over the horizon */
	double benefit_eur;         /**< PV of the yearly risk reduction over the horizon */
	double risk_after_eur_year; /**< expected yearly loss with the bundle */
	size_t first_measure;       /**< into model->option_measures */
	uint32_t n_measures;
};

/** Per-site part of the model. */
struct pt_plan_site_model {
	enum pt_band band;            /**< worst pair on the quant matrix at the current threat level */
	int32_t worst_threat;         /**< its threat index, -1 when not assessed */
	double risk_before_eur_year;  /**< sum of pairs' E[T'] E[V] E[C], committed measures applied */
	enum pt_size_class size;
	double size_factor;
	int assessed;                 /**< 0: no pairs, only the do-nothing option */
	size_t first_option, n_options; /**< into model->options; option first_option is do nothing */
	size_t first_screen, n_screens; /**< into model->screens */
	/** Issue 11 review m5: the threats whose pair is at band (ties), worst_threat
	 * first then in pair order: model->band_threats[first_band_threat ..]. */
	size_t first_band_threat, n_band_threats;
};

/** Everything the planner decides from; free with pt_plan_model_free. */
struct pt_plan_model {
	size_t n_sites;
	struct pt_plan_site_model *sites;
	struct pt_plan_option *options;
	size_t n_options;
	uint32_t *option_measures; /**< measure indexes of every option's bundle */
	struct pt_plan_screen *screens;
	size_t n_screens;
	struct pt_plan_alt *alts;
	size_t n_alts;
	struct pt_plan_effect *effects; /**< per screen its threats (first_effect, n_effects) */
	size_t n_effects;
	size_t *group_start;       /**< n_sites + 1 offsets into items (the MCKP view) */
	struct pt_mckp_item *items; /**< (cost_eur, benefit_eur) of every option */
	double annuity;            /**< PV of 1 EUR a year over the horizon */
	double cost_of_everything; /**< sum over sites of their costliest option */
	double risk_before_eur_year; /**< sum over sites */
	/** Optional: the exact solver's stop hook for this model (pt_mckp_solve_exact_stop);
	 * pt_plan_model_build leaves it NULL, the caller may set it. */
	int (*stop)(void *ctx);
	void *stop_ctx;
	uint32_t *band_threats;   /**< issue 11 review m5: per site its threats at its band */
	size_t n_band_threats;
};

/**
 * Build the model: for each site, its band (worst pair on the quantitative
 * matrix of cfg), the screening of every applicable measure in the order
 * step-free, does-not-fit (issue 11: pt_measure_misfit), legal basis (the
 * site's against the measure's), band (the risk band of the measure's aim:
 * the threats making up PT_PLAN_AIM_SHARE of its reduction), own BCR, less
 * intrusive alternative (the first failing rule is the verdict; an
 * alternative must pass the rules before it, reduce each threat of the
 * aim at least as much, cost at most plan.alternative_cost_factor x, and
 * leave the measure a remaining benefit-cost ratio below plan.min_bcr),
 * then every bundle of at most
 * cfg->plan_max_measures admitted measures (at most one per exclusive
 * group) with V' = V prod(1 - v), C' = C prod(1 - c) per threat, kept when
 * Pareto-efficient (cost strictly up, benefit strictly up), plus do
 * nothing. Each measure's cost is pt_measure_site_cost at the site (its
 * cost driver; the size factor when the site lacks it: cost_estimated). threats_n is the size of the threat catalogue; v_effect and
 * c_effect are pt_measure_effect_matrix's (measure-major). On success *out
 * is new. PT_EINVAL for bad figures (d names the site), PT_ELIMIT, PT_ENOMEM.
 */
enum pt_err pt_plan_model_build(const struct pt_config *cfg,
				const struct pt_measure_catalog *measures, const double *v_effect,
				const double *c_effect, size_t threats_n,
				const struct pt_plan_site *sites, size_t n_sites,
				struct pt_plan_model **out, struct pt_diag *d);

/** Free a model; NULL does nothing. */
void pt_plan_model_free(struct pt_plan_model *m);

/** The MCKP view of a model (borrows the model's arrays). */
void pt_plan_model_mckp(const struct pt_plan_model *m, struct pt_mckp *out);

/** The solvers. */
enum pt_plan_solver { PT_SOLVER_FAST = 0, PT_SOLVER_EXACT };
/** "fast", "exact". */
const char *pt_plan_solver_name(enum pt_plan_solver s);
/** Parse "fast" or "exact". PT_EINVAL otherwise. */
enum pt_err pt_plan_solver_parse(const char *s, enum pt_plan_solver *out);

/** A plan: one option per site. Empty with pt_plan_result_clear. */
struct pt_plan_result {
	enum pt_plan_solver solver;
	double budget_eur;
	size_t n_sites;
	size_t *choice;             /**< per site: option index within the site (0 = do nothing) */
	double cost_eur;            /**< PV cost of the plan over the horizon */
	double risk_before_eur_year, risk_after_eur_year;
	double risk_reduction_eur;  /**< PV of the yearly reduction over the horizon (the objective) */
	double bound_eur;           /**< the solver's upper bound on the reduction */
	double gap;                 /**< (bound - reduction) / bound, 0 when bound is 0 */
	int optimal;                /**< proved optimal */
	int time_limit_hit;         /**< exact solver stopped by its limit */
	size_t sites_funded;        /**< sites with a non-empty bundle */
	size_t measures_chosen;
	/** Set by the caller when it also ran the exact solver as a check of the
	 * fast one: the exact reduction and (exact - fast) / exact; NaN if not run. */
	double exact_reduction_eur, gap_to_exact;
};

/**
 * Choose the plan under budget_eur (>= 0, finite) with solver (the exact
 * one with time_limit_s). out is overwritten; free with pt_plan_result_clear.
 */
enum pt_err pt_plan_solve(const struct pt_plan_model *m, double budget_eur,
			  enum pt_plan_solver solver, double time_limit_s,
			  struct pt_plan_result *out, struct pt_diag *d);

/** Free the choice array; NULL does nothing. */
void pt_plan_result_clear(struct pt_plan_result *r);

/** The plan solved again with another discount rate or horizon (a sensitivity row). */
struct pt_plan_variant {
	double discount_rate;
	unsigned horizon_years;
	double cost_eur, risk_reduction_eur; /**< PV at this row's own rate and horizon */
	size_t sites_funded, measures;
	size_t measures_in_common; /**< chosen at the same site by the base plan too */
	int base;                  /**< 1: the plan itself */
};

/** Rows of a sensitivity table: the plan, 3 other rates, 2 other horizons. */
#define PT_PLAN_VARIANTS_MAX 7

/**
 * The measures chosen at the same site in both plans: a and b are models of
 * the same sites in the same order with the same measure catalogue (built
 * with different settings, e.g. another discount rate); ra and rb their
 * plans. 0 when the site counts differ.
 */
size_t pt_plan_common_measures(const struct pt_plan_model *a, const struct pt_plan_result *ra,
			       const struct pt_plan_model *b, const struct pt_plan_result *rb);

#endif
