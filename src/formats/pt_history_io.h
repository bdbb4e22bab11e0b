/* pt_history_io.h - snapshots in JSON (issue 16 item 6): the stored document of a snapshot's
 * inputs (written and read back), and the one JSON and CSV writer of a snapshot's summary,
 * its rows and a comparison, used by the API and the command line alike. */
#ifndef PT_HISTORY_IO_H
#define PT_HISTORY_IO_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/pt_history.h"
#include "../core/pt_records.h"

#define PT_HIST_JSON_MAX (64L * 1024 * 1024) /**< a snapshot's stored document, bytes */
#define PT_HIST_FORMAT "protect-snapshot/1"  /**< the document's "format" */

/** A snapshot as listed: what it is, never what it holds. Plain data. */
struct pt_hist_meta {
	long long id;              /**< 0: now (a comparison's later side) */
	char name[PT_HIST_NAME_MAX];
	int64_t taken_at;          /**< unix seconds */
	char taken_by[PT_ACTOR_NAME_MAX];
	enum pt_method method;     /**< the method it is shown by unless asked (fema or quant) */
};

/**
 * The stored document of in ("format", "settings", "levels", "sites",
 * "quant", "fema", "measures", "effects", "decisions"). NULL when out of
 * memory; the caller json_decref()s it.
 */
json_t *pt_hist_inputs_to_json(const struct pt_hist_inputs *in);

/**
 * Read a stored document (buf, len bytes, at most PT_HIST_JSON_MAX) into out
 * (zeroed first; sorted with pt_hist_inputs_sort). All or nothing: on error
 * out is empty and d names the member ("sites[3].tlp") and what is wrong.
 * PT_EINVAL, PT_ELIMIT, PT_ENOMEM.
 */
enum pt_err pt_hist_inputs_from_json(const char *buf, size_t len, struct pt_hist_inputs *out,
				     struct pt_diag *d);

/** A snapshot's summary {"id","name","taken_at","taken_by","method"} (NULL: out of memory). */
json_t *pt_hist_meta_json(const struct pt_hist_meta *m);

/** A comparison or a snapshot's rows as one caller may see them. Clear with pt_hist_view_clear. */
struct pt_hist_view {
	struct pt_hist_meta from, to; /**< a snapshot shown alone: to only */
	int compare;                  /**< nonzero: a comparison of from with to */
	enum pt_method method;
	enum pt_hist_basis basis;
	char level_text[128];         /**< the level the figures are at, as words */
	struct pt_hist_row *rows;     /**< the rows the caller may read, by id (owned) */
	enum pt_tlp *tlp;             /**< per row: the stricter of its labels then and now (owned) */
	size_t n;
	enum pt_tlp marking;          /**< the highest of tlp[] (CLEAR when none) */
	struct pt_hist_total *nation, *sectors, *regions; /**< totals (owned; 1, n_sectors, n_regions) */
	size_t n_sectors, n_regions;
	struct pt_hist_decision *decisions; /**< a snapshot alone: its decisions on readable sites */
	size_t n_decisions;
};

/** Free what v holds and zero it; NULL does nothing. */
void pt_hist_view_clear(struct pt_hist_view *v);

/** The view as JSON, marked with v->marking (pt_marking_json). NULL: out of memory. */
json_t *pt_hist_view_json(const struct pt_hist_view *v);

/**
 * The view's rows as CSV to f: the marking line, a header, one line per
 * row (a comparison: risk then and now and each cause's change), then the
 * nation's total as a last line with site id "TOTAL".
 */
void pt_hist_view_csv(FILE *f, const struct pt_hist_view *v);

/** "YYYY-MM-DDTHH:MM:SSZ" of unix seconds t into buf (PT_TIMESTAMP_MAX bytes). */
void pt_hist_time_text(int64_t t, char *buf, size_t size);

#endif
