/* pt_ranking_io.h - a ranking and a risk matrix as results (what they were
 * computed from and their rows) and their one JSON writer each, used by the CLI and the API. */
#ifndef PT_RANKING_IO_H
#define PT_RANKING_IO_H

#include <jansson.h>
#include <stdio.h>
#include <stddef.h>

#include "../core/pt_config.h"
#include "../core/pt_matrix.h"
#include "../core/pt_model.h"
#include "../core/pt_quant.h"
#include "../core/pt_ranking_core.h"
#include "pt_assess_io.h"
#include "pt_sites_io.h"

/** A level text's bytes with the NUL: the national level and every scope's entry (issue 11 review m1). */
#define PT_LEVEL_TEXT_MAX 512

/** A ranking: everything it was computed from and its rows in rank order. Free with pt_ranking_free. */
struct pt_ranking {
	enum pt_method method;
	struct pt_config cfg;
	struct pt_catalogs cat;
	struct pt_site_list sites;    /**< the covered sites, by id */
	struct pt_assessment_set set; /**< their rows of the method */
	double *factors;              /**< threat-level factor per threat of cat.threats */
	enum pt_threat_level national;
	char level_text[PT_LEVEL_TEXT_MAX]; /**< "SUBSTANTIAL (drone_uas=SEVERE)" */
	/** Issue 11: the factor of each row of set.quant at the level that applies to its site
	 * (sector, region) and threat (pt_level_effective); NULL for the other methods. */
	double *pair_factors;
	enum pt_threat_level *pair_levels; /**< the level of each row of set.quant; NULL as pair_factors */
	int64_t levels_at;            /**< the time the levels were read at (unix seconds) */
	int levels_expire;            /**< nonzero: an entry in force has an expiry (not to be kept) */
	struct pt_ranking_row *rows;  /**< n_rows, best first */
	const struct pt_fema_row **fema_worst; /**< FEMA: the storage of each row's fema_worst */
	size_t n_rows;
	size_t not_assessed;          /**< covered sites without a row of the method */
	size_t withheld;              /**< sites left out by the filter */
	struct pt_quant_result *quant; /**< quant: the run (totals over the covered sites) */
	struct pt_quant_params params; /**< quant: the parameters used */
	/** The data version every figure was read at (the snapshot's); 0: unknown, do not keep. */
	unsigned long long version;
	/* issue 12: the downstream consequence (quant only; NULL for the other methods) */
	double *downstream_eur;        /**< per covered site: EUR one failure of it costs other sites */
	double *downstream_eur_yearly; /**< per covered site: sum over its threats of E[T'] E[V] x downstream_eur */
};

/** Free a ranking and what it holds; NULL does nothing. */
void pt_ranking_free(struct pt_ranking *r);

/**
 * issue 12: the expected yearly part of row's quant score that its
 * downstream consequence adds (0 without one); the site's own part is
 * row->score minus it.
 */
double pt_ranking_downstream(const struct pt_ranking *r, const struct pt_ranking_row *row);

/** The id of threat index t of r's catalogue, "" for -1 or out of range. */
const char *pt_ranking_threat_id(const struct pt_ranking *r, long t);

/**
 * The marking of any page of r (the rows from offset, at most limit): the
 * highest TLP of every site r covers (core/pt_marking), since each page's
 * totals, ranks and p_topk are computed from all of them (issue 11 review
 * M1); offset and limit do not change it. TLP:CLEAR when r covers no site.
 */
enum pt_tlp pt_ranking_marking(const struct pt_ranking *r, size_t offset, size_t limit);

/**
 * The worst threat of row as text into buf (size bytes, cut to fit): FEMA
 * names every pair tied at the worst risk in catalogue order, "a and b" or
 * "a, b and c", each with its " (A x T x V)" when with_ratings; the other
 * methods name their one worst threat ("" for none).
 */
void pt_ranking_worst_text(const struct pt_ranking *r, const struct pt_ranking_row *row,
			   int with_ratings, char *buf, size_t size);

/** A 5x5 matrix over the covered sites, with what it was computed under. Plain data. */
struct pt_risk_matrix {
	enum pt_method method;
	struct pt_config cfg;
	enum pt_threat_level national;
	char level_text[PT_LEVEL_TEXT_MAX];
	struct pt_matrix m;
	size_t withheld; /**< sites left out by the filter */
	unsigned long long version; /**< as in struct pt_ranking */
};

/** issue 16 item 5: one site-threat pair of a matrix cell. */
struct pt_matrix_pair {
	char site_id[PT_ID_MAX];
	char site_name[PT_NAME_MAX];
	char threat_id[PT_ID_MAX];
	enum pt_tlp tlp; /**< the site's label */
};

/** issue 16 item 5: the site-threat pairs of one cell of a matrix. Empty with pt_matrix_cell_clear. */
struct pt_matrix_cell {
	int likelihood, consequence;   /**< the cell's classes, 1-5 each */
	struct pt_matrix_pair *pairs;  /**< n, in the order of the assessments (site id, threat) */
	size_t n;
	enum pt_tlp tlp;               /**< the highest label of their sites (TLP:CLEAR for none) */
};

/** Free cell's pairs; cell keeps its classes. NULL does nothing. */
void pt_matrix_cell_clear(struct pt_matrix_cell *cell);

/**
 * The cell as JSON: {"likelihood", "consequence", "band" (of m's
 * configuration), "total", "tlp" (its marking), "items": [{"site_id",
 * "site_name", "threat_id", "tlp"}]}. A new reference, NULL on ENOMEM.
 */
json_t *pt_matrix_cell_json(const struct pt_matrix_cell *cell, const struct pt_risk_matrix *m);

/** Which form of the ranking JSON to write. */
struct pt_ranking_json_opts {
	size_t offset, limit; /**< the rows written: from offset, at most limit (0: all) */
	/**
	 * Nonzero: the API's page ("ranked", each item's tlp, lat and lon,
	 * "items" and "next_offset"); zero: the command line's document
	 * ("conditional" and "sites").
	 */
	int page;
};

/**
 * r as JSON (docs/api.md, GET /api/v1/ranking/{method}; `protect assess
 * --format json`), with each row's "worst_threats" (every tied threat, FEMA)
 * and the top-level "tlp" of the rows written (pt_ranking_marking): a new
 * reference, NULL when out of memory.
 */
json_t *pt_ranking_json(const struct pt_ranking *r, const struct pt_ranking_json_opts *o);

/** The names of the matrix's likelihood (1-5) and consequence (1-5) classes. */
extern const char *const pt_matrix_likelihood_names[5];
extern const char *const pt_matrix_consequence_names[5];

/**
 * m as JSON (cells from likelihood 5 down, consequence 1 up); with_names:
 * the class names too (the API). A new reference, NULL when out of memory.
 */
json_t *pt_risk_matrix_json(const struct pt_risk_matrix *m, int with_names);

/**
 * issue 16 item 5: write the first n rows of r as CSV to f: the marking
 * line (pt_ranking_marking), the header of r's method, one line per row
 * (rank, site_id, name, score, band, ...), as `protect assess --format csv`
 * and GET /api/v1/ranking/{method}?format=csv write it.
 */
void pt_ranking_write_csv(FILE *f, const struct pt_ranking *r, size_t n);

#endif
