/* pt_app_ranking.h - the ranking and risk-matrix use cases: one snapshot of
 * the sites, the caller's visible set, the core methods; results in src/formats/pt_ranking_io.h. */
#ifndef PT_APP_RANKING_H
#define PT_APP_RANKING_H

#include <stdint.h>

#include "../core/pt_quant.h"
#include "../formats/pt_ranking_io.h"
#include "../core/pt_site_filter.h"
#include "pt_app.h"

/**
 * Which sites pt_ranking_run covers: nonzero keeps site. NULL keeps every
 * site.
 */
typedef int (*pt_site_filter_fn)(void *ctx, const struct pt_site *site);

/** What to rank and how. Zeroed fields take the stored settings. */
/** The fewest samples the registry's setting is cut to for a caller's budget. */
#define PT_RANKING_CUT_SAMPLES_MIN 100

struct pt_ranking_opts {
	enum pt_method method;
	/**
	 * pt_ranking_run only: the sites who may read (the access index read
	 * in the same transaction); NULL: visible decides. The use cases take
	 * the caller's principal instead.
	 */
	const struct pt_principal *who;
	pt_site_filter_fn visible; /**< pt_ranking_run only, when who is NULL; NULL = every site */
	void *visible_ctx;
	/* Quantitative method only; each *_set nonzero overrides the setting. */
	int samples_set, seed_set, top_k_set, national_share_set;
	uint32_t samples;
	uint64_t seed;
	uint32_t top_k;
	double national_share;
	int conditional;          /**< J100 conditional risk (T = 1) */
	unsigned threads;         /**< sampling threads; 0 = 1 */
	pt_progress_fn progress;  /**< optional progress of the sampling */
	void *progress_ctx;
	/** Nonzero: samples given x site-threat pairs of the sites ranked above this
	 * is PT_EINVAL naming "samples", before any sampling (a caller's budget,
	 * pt_access_compute_budget); the registry's samples (none given) above it
	 * are cut to the most it allows, or PT_EINVAL when that is fewer than
	 * PT_RANKING_CUT_SAMPLES_MIN. */
	unsigned long long max_draws;
	/** pt_ranking_run only (issue 11 item 6): nonzero prices every threat at the planning
	 * level (plan.planning_level's factor) instead of today's levels; level_text and
	 * national stay today's. */
	int at_planning_level;
	/** pt_ranking_run only (issue 11): the time threat-level expiries are read at (unix
	 * seconds); 0: pt_app_now(0). The use cases take the caller's. */
	int64_t now;
	/** Issue 16, item 7 (what-if): one measure's effects applied at site what_if_site before
	 * the ranking is computed, v and c per threat of the threat catalogue (pt_what_if_fema,
	 * pt_what_if_quant; CARVER unchanged); NULL what_if_site: none. */
	const char *what_if_site;
	const double *what_if_v, *what_if_c;
	/** pt_app_ranking_run, pt_app_matrix_run (issue 16 item 5): the sites ranked are those
	 * c may read that this filter keeps (NULL: every one), checked and resolved in place
	 * (pt_app_filter_check: PT_EINVAL naming the field and value); ranks, totals and P(top
	 * K) are over them; with a band, over the sites whose band in the ranking of the
	 * others is one of the filter's (a site's band does not depend on the set). */
	struct pt_site_filter *filter;
};

/**
 * Rank the sites c may read by o->method (o->who and o->visible are not
 * used): the sites and their access records come from one snapshot
 * (pt_app_snapshot), the assessments, catalogues, settings and threat
 * levels from one read transaction. Ranks, totals and P(top K) are over
 * the visible sites; a site's score, mean, p5, p95, band and worst threat
 * do not depend on them. (*out)->version is the snapshot's version when the
 * registry was still at it during that read, else 0. Reads of AMBER and
 * above are audited as "ranking.read" when c->audit_reads. On success *out
 * is a new ranking the caller frees with pt_ranking_free. Errors:
 * PT_EDB, PT_ENOMEM, PT_ELIMIT, PT_EINVAL (bad quant figures, detail in d),
 * PT_EINTERNAL (an assessment names a threat missing from the catalogue).
 */
enum pt_err pt_app_ranking_run(const struct pt_caller *c, struct pt_db *db,
			       const struct pt_ranking_opts *o, struct pt_ranking **out,
			       struct pt_diag *d);

/**
 * Count the site-threat risks of method (FEMA or quant; CARVER is
 * PT_EINVAL: it measures attractiveness, not risk) of the sites c may read
 * into out (caller's storage, nothing to free), as pt_app_ranking_run
 * reads and audits ("matrix.read").
 */
enum pt_err pt_app_matrix_run(const struct pt_caller *c, struct pt_db *db, enum pt_method method,
			      struct pt_risk_matrix *out, struct pt_diag *d);

/**
 * issue 16 item 5: pt_app_matrix_run over the sites filter keeps (NULL:
 * every one c may read; checked in place, PT_EINVAL naming the field and
 * value; with a band, the sites whose band in method's ranking of the
 * others is one of filter's), so the matrix agrees with the filtered
 * ranking; with cell (its likelihood and consequence 1-5 set by the
 * caller) also the site-threat pairs in that cell (pt_matrix_cell_clear).
 */
enum pt_err pt_app_matrix_query(const struct pt_caller *c, struct pt_db *db, enum pt_method method,
				struct pt_site_filter *filter, struct pt_risk_matrix *out,
				struct pt_matrix_cell *cell, struct pt_diag *d);

/**
 * The older entry point, for code that holds its own read transaction
 * (the plan): rank the sites o->who may read (or o->visible keeps), every
 * load in one read transaction (nested in the caller's). As
 * pt_app_ranking_run otherwise, without audit; version 0.
 */
enum pt_err pt_ranking_run(struct pt_db *db, const struct pt_ranking_opts *o,
			   struct pt_ranking **out, struct pt_diag *d);

/**
 * The draws a quant ranking of o would make for c (o->samples, else the
 * registry's setting, x the site-threat pairs of the sites c may read) in
 * *draws, without sampling or auditing: the server checks a caller's budget
 * with it before it looks in its cache. PT_EINVAL naming "samples" when
 * they are over o->max_draws (nonzero); PT_EDB, PT_ENOMEM.
 */
enum pt_err pt_app_ranking_draws(const struct pt_caller *c, struct pt_db *db,
				 const struct pt_ranking_opts *o, unsigned long long *draws,
				 struct pt_diag *d);

/* issue 16 item 5 */
/**
 * The sites c may read that filter keeps (its band: the FEMA ranking's,
 * as pt_app_filter_sites), in id order, into out (caller's, emptied first;
 * pt_site_list_clear). Not audited (the command line's). PT_EINVAL naming
 * the field and value of an unknown value; PT_EDB, PT_ENOMEM.
 */
enum pt_err pt_app_sites_filtered(const struct pt_caller *c, struct pt_db *db,
				  struct pt_site_filter *filter, struct pt_site_list *out,
				  struct pt_diag *d);
/**
 * keep[] (snap->sites.n bytes, sites already kept on every other field)
 * narrowed to the sites whose band in method's ranking of the kept sites
 * (exact figures, no samples; today's threat levels) is one of filter's.
 * Not audited. PT_EDB, PT_ENOMEM, PT_EINVAL.
 */
enum pt_err pt_app_filter_band_keep(const struct pt_caller *c, struct pt_db *db,
				    enum pt_method method, const struct pt_snapshot *snap,
				    const unsigned char *visible, const struct pt_site_filter *filter,
				    unsigned char *keep, struct pt_diag *d);
/**
 * As pt_app_filter_keep, and with a band in f, only the sites whose band in
 * the FEMA ranking of the kept sites is one of f's (a site without a FEMA
 * assessment has no band and is left out): the band of a sites list (issue
 * 16: "for /sites, the FEMA ranking band"). Not audited (the caller audits
 * what it shows). PT_EDB, PT_ENOMEM, PT_EINVAL (bad stored figures).
 */
enum pt_err pt_app_filter_sites(struct pt_db *db, const struct pt_snapshot *snap,
				const unsigned char *visible, const struct pt_site_filter *f,
				unsigned char *keep, size_t *kept, struct pt_diag *d);

#endif
