/* pt_ranking_core.h - the pure part of a ranking and a risk matrix: rows of
 * each method from assessments over a list of sites, their order, threat-level factors. */
#ifndef PT_RANKING_CORE_H
#define PT_RANKING_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "pt_config.h"
#include "pt_err.h"
#include "pt_matrix.h"
#include "pt_model.h"
#include "pt_quant.h"
#include "pt_score.h"

/** One ranked site. Plain data; the pointers borrow from the ranking's arrays. */
struct pt_ranking_row {
	size_t site;       /**< index into the ranking's sites */
	double score;      /**< FEMA worst pair risk 1-1000, CARVER sum 7-70, quant EUR a year */
	enum pt_band band;
	long worst_threat; /**< index into the threat catalogue, or -1 (CARVER) */
	const struct pt_fema_row *fema;     /**< FEMA: the worst pair's row */
	/** FEMA: every row tied at the worst risk, in catalogue order (fema is the first) */
	const struct pt_fema_row *const *fema_worst;
	size_t n_fema_worst;                /**< FEMA: how many (1 when no tie) */
	const struct pt_carver_row *carver; /**< CARVER: the site's row */
	const struct pt_quant_site_result *quant; /**< quant: the site's figures */
};

/**
 * The index of site id in sites[0, n) (ordered by id), or -1 when there is
 * none.
 */
long pt_sites_find(const struct pt_site *sites, size_t n, const char *id);

/**
 * FEMA rows of the covered sites (sites[0, n_sites), by id): rows of other
 * sites are dropped and the kept ones compacted in order (*n_rows shrinks).
 * Appends one row per site with a positive risk to out (room for n_sites)
 * at *n_out, and counts the others in *not_assessed. Each appended row's
 * fema_worst lists the site's rows tied at its worst risk, in catalogue
 * order (the lowest threat index first: fema and worst_threat are that
 * one); they live in *worst, a new array the caller frees (free()) after
 * the rows, NULL on error. PT_EINTERNAL for a row naming a threat missing
 * from threats, PT_ENOMEM; d names them.
 */
enum pt_err pt_ranking_fema(const struct pt_config *cfg, const struct pt_site *sites,
			    size_t n_sites, const struct pt_catalog *threats,
			    struct pt_fema_row *rows, size_t *n_rows, struct pt_ranking_row *out,
			    size_t *n_out, size_t *not_assessed, const struct pt_fema_row ***worst,
			    struct pt_diag *d);

/** CARVER + Shock rows of the covered sites into out, as pt_ranking_fema. PT_ENOMEM. */
enum pt_err pt_ranking_carver(const struct pt_config *cfg, const struct pt_site *sites,
			      size_t n_sites, const struct pt_carver_row *rows, size_t n_rows,
			      struct pt_ranking_row *out, size_t *n_out, size_t *not_assessed,
			      struct pt_diag *d);

/**
 * The quantitative method over the rows of the covered sites (pt_quant_run
 * with params; the stream keys are pt_rng_id_key of each site's and each
 * threat's id, whatever params says; params->pair_factor, when set, holds
 * one factor per row of rows, those of the kept rows passed on). *quant: the run (the caller frees it
 * with pt_quant_result_free); rows into out as pt_ranking_fema. Errors of
 * pt_quant_run, PT_EINTERNAL for an unknown threat, PT_ENOMEM.
 */
enum pt_err pt_ranking_quant(const struct pt_config *cfg, const struct pt_site *sites,
			     size_t n_sites, const struct pt_catalog *threats,
			     const struct pt_quant_row *rows, size_t n_rows,
			     const struct pt_quant_params *params, struct pt_quant_result **quant,
			     struct pt_ranking_row *out, size_t *n_out, size_t *not_assessed,
			     struct pt_diag *d);

/** Sort rows[0, n) best first (pt_rank_order: score, then site id). PT_ENOMEM. */
enum pt_err pt_ranking_order(struct pt_ranking_row *rows, size_t n, const struct pt_site *sites,
			     struct pt_diag *d);

/**
 * The threat-level factor of each threat of threats into factors (room for
 * threats->n; the national level's, or a threat's own override from
 * threat_ids[i] / levels[i], i < n) and the level's text
 * "SUBSTANTIAL (drone_uas=SEVERE)" into text (text_size bytes).
 */
void pt_ranking_threat_factors_compute(const struct pt_config *cfg,
				       const struct pt_catalog *threats,
				       enum pt_threat_level national, const char *const *threat_ids,
				       const enum pt_threat_level *levels, size_t n, double *factors,
				       char *text, size_t text_size);

/** Count the FEMA rows[i] with keep[i] (keep NULL: all) on m. */
void pt_risk_matrix_fema(const struct pt_config *cfg, const struct pt_fema_row *rows, size_t n,
			 const unsigned char *keep, struct pt_matrix *m);

/**
 * Count the quant rows[i] with keep[i] (keep NULL: all) on m by their exact
 * figures (no samples), factors per threat of threats. Errors of
 * pt_quant_run, PT_ENOMEM.
 */
enum pt_err pt_risk_matrix_quant(const struct pt_config *cfg, const struct pt_catalog *threats,
				 const double *factors, const struct pt_quant_row *rows, size_t n,
				 const unsigned char *keep, struct pt_matrix *m, struct pt_diag *d);

/**
 * pt_risk_matrix_quant with a factor per row of rows (row_factors, n of
 * them; issue 11: the level of each site and threat), which replaces
 * factors when not NULL.
 */
enum pt_err pt_risk_matrix_quant_pairs(const struct pt_config *cfg,
				       const struct pt_catalog *threats, const double *factors,
				       const double *row_factors, const struct pt_quant_row *rows,
				       size_t n, const unsigned char *keep, struct pt_matrix *m,
				       struct pt_diag *d);

/**
 * issue 16 item 5: as pt_risk_matrix_quant_pairs, and (cells not NULL) the
 * cell of each row in cells[2i] (likelihood class 1-5) and cells[2i+1]
 * (consequence class 1-5), 0 and 0 for a row not kept (cells: 2n bytes,
 * the caller's), so a cell's site-threat pairs can be listed.
 */
enum pt_err pt_risk_matrix_quant_cells(const struct pt_config *cfg,
				       const struct pt_catalog *threats, const double *factors,
				       const double *row_factors, const struct pt_quant_row *rows,
				       size_t n, const unsigned char *keep, struct pt_matrix *m,
				       unsigned char *cells, struct pt_diag *d);

#endif
