/* pt_peers.h - a site against its sector (issue 16, item 7): where a value stands among its
 * peers, and what one measure would change of its assessment rows (the what-if). */
#ifndef PT_PEERS_H
#define PT_PEERS_H

#include <stddef.h>

#include "pt_model.h"
#include "pt_score.h"

#define PT_PEERS_MIN 5 /**< no comparison with fewer peers */

/** One factor of the site against the same factor of its peers. Plain data. */
struct pt_peer_factor {
	char id[PT_ID_MAX];     /**< "risk", a threat id (its vulnerability), or a CARVER factor */
	char name[PT_NAME_MAX]; /**< for people */
	double value;           /**< the site's */
	double percentile;      /**< 0-100 among the peers that have it (pt_peer_percentile) */
	int comparable;         /**< at least PT_PEERS_MIN peers have it; else value only */
};

/** A peer the caller may read. Plain data. */
struct pt_peer_named {
	char id[PT_ID_MAX];
	char name[PT_NAME_MAX];
	double score;
	enum pt_band band;
};

/** The comparison. Caller-owned; emptied by pt_peer_view_clear. */
struct pt_peer_view {
	enum pt_method method;
	char site_id[PT_ID_MAX];
	char sector[PT_ID_MAX];
	int by_kind;             /**< the peers are the sites of its kind: its sector has fewer
				      than PT_PEERS_MIN other assessed sites */
	char group[PT_ID_MAX];   /**< the sector's id, or the kind's when by_kind */
	int assessed;            /**< the site has a score by method */
	int comparable;          /**< at least PT_PEERS_MIN assessed peers in its group */
	size_t peers;            /**< assessed peers (told when show_count) */
	int show_count;          /**< pt_access_hidden_counts: the caller may be told how many */
	double p25, p50, p75;    /**< the peers' scores (when comparable) */
	struct pt_peer_factor *factors; /**< "risk" first, then the method's factors */
	size_t n_factors;
	struct pt_peer_named *named; /**< the peers the caller may read, best first */
	size_t n_named;
};

/** A site's standing: score, rank among the sites the caller may read, band. */
struct pt_standing {
	int ranked;  /**< 0: not assessed by the method */
	double score;
	size_t rank, of;
	enum pt_band band;
};

/** What a measure would change. Plain data. */
struct pt_what_if {
	enum pt_method method;
	char site_id[PT_ID_MAX];
	char measure_id[PT_ID_MAX];
	char measure_name[PT_NAME_MAX];
	int applies;             /**< the measure is meant for the site's kind and sector */
	int in_place;            /**< in place and seen by the assessment (existing, or
				      installed before the site's latest confirmed visit):
				      after = before */
	int committed;           /**< committed or installed since the assessment: the plan and
				      the comparison count it already; after shows its effect on
				      the assessed risk */
	size_t threats_reduced;  /**< the site's assessed threats it reduces */
	struct pt_standing before, after;
};


/**
 * Where x stands among values[0..n) (n > 0), as the mid-rank percentile 0-100: the share
 * of values below x plus half the share equal to it (Hazen's; a site in the middle of
 * identical peers stands at 50). NaN for n == 0.
 */
double pt_peer_percentile(const double *values, size_t n, double x);

/**
 * FEMA what-if: each row of site_id (rows[0..n)) whose threat has v[t] > 0 (t its index in
 * threats; v per threat of the catalogue) gets vulnerability max(1, round(V (1 - v[t]))).
 * Returns how many rows changed.
 */
size_t pt_what_if_fema(struct pt_fema_row *rows, size_t n, const char *site_id,
		       const struct pt_catalog *threats, const double *v);

/**
 * Quantitative what-if: each row of site_id gets its probability of success (min, mode and
 * max) times 1 - v[t] and its fatalities, injuries and loss times 1 - c[t], the plan's
 * V' = V (1 - v), C' = C (1 - c) (docs/methodology.md). Returns how many rows changed.
 */
size_t pt_what_if_quant(struct pt_quant_row *rows, size_t n, const char *site_id,
			const struct pt_catalog *threats, const double *v, const double *c);

#endif
