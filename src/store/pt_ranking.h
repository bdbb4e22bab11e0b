/* pt_ranking.h - rankings and risk matrices over the registry, shared by
 * `protect assess`/`protect matrix` and the HTTP API: load, filter to the sites a caller may see, score, rank. */
#ifndef PT_RANKING_H
#define PT_RANKING_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_config.h"
#include "../core/pt_matrix.h"
#include "../core/pt_model.h"
#include "../core/pt_quant.h"
#include "../core/pt_score.h"
#include "../formats/pt_assess_io.h"
#include "../formats/pt_sites_io.h"
#include "pt_store.h"
#include "pt_users.h"

/**
 * Which sites a ranking or matrix covers: nonzero keeps site. Callers
 * pass the access rules (src/core/pt_access.h) here; NULL keeps every site
 * (the command line acts as the system administrator).
 */
typedef int (*pt_site_filter_fn)(void *ctx, const struct pt_site *site);

/** What to rank and how. Zeroed fields take the stored settings. */
struct pt_ranking_opts {
	enum pt_method method;
	/**
	 * The caller: the ranking covers the sites it may read
	 * (pt_access_site_visible over the access index read in the same
	 * transaction as the data). NULL: visible decides.
	 */
	const struct pt_principal *who;
	pt_site_filter_fn visible; /**< used when who is NULL; NULL = every site */
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
};

/** One ranked site. */
struct pt_ranking_row {
	size_t site;       /**< index into the ranking's sites */
	double score;      /**< FEMA worst pair risk 1-1000, CARVER sum 7-70, quant EUR a year */
	enum pt_band band;
	long worst_threat; /**< index into cat.threats, or -1 (CARVER) */
	const struct pt_fema_row *fema;     /**< FEMA: the worst pair's row */
	const struct pt_carver_row *carver; /**< CARVER: the site's row */
	const struct pt_quant_site_result *quant; /**< quant: the site's figures */
};

/** A ranking: everything it was computed from and its rows in rank order. */
struct pt_ranking {
	enum pt_method method;
	struct pt_config cfg;
	struct pt_catalogs cat;
	struct pt_site_list sites;    /**< the covered sites, by id */
	struct pt_assessment_set set; /**< their rows of the method */
	double *factors;              /**< threat-level factor per threat of cat.threats */
	enum pt_threat_level national;
	char level_text[512];         /**< "SUBSTANTIAL (drone_uas=SEVERE)" */
	struct pt_ranking_row *rows;  /**< n_rows, best first */
	size_t n_rows;
	size_t not_assessed;          /**< covered sites without a row of the method */
	size_t withheld;              /**< sites left out by the filter */
	struct pt_quant_result *quant; /**< quant: the run (totals over the covered sites) */
	struct pt_quant_params params; /**< quant: the parameters used */
};

/**
 * Rank the sites o->who may read (or o->visible keeps) by o->method, every
 * load in one read transaction. On success *out is a new
 * ranking the caller frees with pt_ranking_free. Ranks, totals and P(top K)
 * are over the covered sites only. Errors: PT_EDB, PT_ENOMEM, PT_ELIMIT,
 * PT_EINVAL (bad quant figures, detail in d), PT_EINTERNAL (an assessment
 * names a threat missing from the catalogue).
 */
enum pt_err pt_ranking_run(struct pt_db *db, const struct pt_ranking_opts *o,
			   struct pt_ranking **out, struct pt_diag *d);

/** Free a ranking; NULL does nothing. */
void pt_ranking_free(struct pt_ranking *r);

/** The id of threat index t of r's catalogue, "" for -1 or out of range. */
const char *pt_ranking_threat_id(const struct pt_ranking *r, long t);

/** A 5x5 matrix over the covered sites, with what it was computed under. */
struct pt_risk_matrix {
	enum pt_method method;
	struct pt_config cfg;
	enum pt_threat_level national;
	char level_text[512];
	struct pt_matrix m;
	size_t withheld; /**< sites left out by the filter */
};

/**
 * Count the site-threat risks of method (FEMA or quant; CARVER is
 * PT_EINVAL: it measures attractiveness, not risk) of the sites who may
 * read (who NULL: those visible keeps; both NULL: all) into out (caller's
 * storage, nothing to free). Every load in one read transaction.
 */
enum pt_err pt_ranking_matrix(struct pt_db *db, enum pt_method method,
			      const struct pt_principal *who, pt_site_filter_fn visible,
			      void *visible_ctx, struct pt_risk_matrix *out, struct pt_diag *d);

/**
 * Every site (by id) and the access index, read in one read transaction so
 * they agree. out is an empty list (caller frees with pt_site_list_free);
 * *ix is freed with pt_access_index_free.
 */
enum pt_err pt_ranking_load_view(struct pt_db *db, struct pt_site_list *out,
				 struct pt_access_index **ix, struct pt_diag *d);

/**
 * The threat-level factor of each threat of threats (the national level's,
 * or a threat's own override) in *factors (caller frees with free()), the
 * national level and its text ("SUBSTANTIAL (drone_uas=SEVERE)").
 */
enum pt_err pt_ranking_threat_factors(struct pt_db *db, const struct pt_config *cfg,
				      const struct pt_catalog *threats, double **factors,
				      enum pt_threat_level *national, char *level_text,
				      size_t level_text_size, struct pt_diag *d);

/**
 * A watch on the registry file: tells when any connection, of this process
 * or another, has committed a change, so rankings and lists computed from
 * the registry can be kept until it changes. One read-only SQLite
 * connection of its own (PRAGMA data_version); safe to use from several
 * threads.
 */
struct pt_ranking_watch;

/** Open a watch on the registry at path. *out is closed with pt_ranking_watch_close. */
enum pt_err pt_ranking_watch_open(const char *path, struct pt_ranking_watch **out,
				  struct pt_diag *d);

/**
 * A number that changes whenever a change was committed to the registry
 * since the last call (by any connection; increasing, never reused).
 */
enum pt_err pt_ranking_watch_version(struct pt_ranking_watch *w, unsigned long long *version);

/** Close; NULL does nothing. */
void pt_ranking_watch_close(struct pt_ranking_watch *w);

#endif
