/* pt_deps_io.h - the dependencies between sites in files (issue 12): the CSV
 * reader with its FILE:LINE: field: errors, the CSV and JSON writers. */
#ifndef PT_DEPS_IO_H
#define PT_DEPS_IO_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "../core/pt_cascade.h"

/** Dependencies, with the line each was read from. Caller-owned; pt_dep_list_clear. */
struct pt_dep_list {
	struct pt_dependency *items; /**< n of them; NULL when n is 0 */
	long *lines;                 /**< the line of each item in its file; 0 when not read from one */
	size_t n, cap;
};

/** Free what l holds and zero it; NULL does nothing. */
void pt_dep_list_clear(struct pt_dep_list *l);

/** Append a copy of dep read at line. PT_ENOMEM, PT_ELIMIT past PT_DEPS_ROWS_MAX. */
enum pt_err pt_dep_list_append(struct pt_dep_list *l, const struct pt_dependency *dep, long line);

#define PT_DEPS_ROWS_MAX 5000000L /**< rows of one dependencies file */

/** The columns of the dependencies CSV, in the order the writer puts them. */
#define PT_DEPS_COLUMNS 6
extern const char *const pt_deps_columns[PT_DEPS_COLUMNS];

/**
 * Read a dependencies CSV (header provider_id,consumer_id,type,
 * autonomy_hours,service_loss[,group] in any order; a first line starting
 * with "#", an export's TLP marking, is skipped) into out (an empty list).
 * Each row passes pt_dependency_check and the set pt_dependencies_check_at;
 * errors are PT_EINVAL/PT_ELIMIT with d's line and field ("duplicate ...
 * as line N", a group disagreeing "with line N"). Site ids against the
 * registry are the caller's check. On an error out is emptied.
 */
enum pt_err pt_deps_read_csv(const char *buf, size_t len, struct pt_dep_list *out,
			     struct pt_diag *d);

/**
 * Write deps[0, n) as the dependencies CSV (header, then rows as given;
 * numbers in their shortest exact form), without a marking line (the caller
 * writes it first). PT_EIO when writing failed.
 */
enum pt_err pt_deps_write_csv(FILE *f, const struct pt_dependency *deps, size_t n);

/**
 * One dependency as the API's DEP object: provider_id, provider_name,
 * consumer_id, consumer_name, type, autonomy_hours, service_loss, group
 * (null when none). Names may be NULL (written as the id). New reference;
 * NULL when out of memory.
 */
json_t *pt_dep_json(const struct pt_dependency *dep, const char *provider_name,
		    const char *consumer_name);

/** The withheld of pt_deps_write_json that leaves the count out. */
#define PT_DEPS_WITHHELD_UNTOLD SIZE_MAX

/**
 * Write {"dependencies": [DEP...], "withheld": N} (names as the ids unless
 * names[2*i], names[2*i+1] are given; names may be NULL) with the TLP
 * marking tlp as its top-level "tlp", indented, one trailing newline;
 * withheld PT_DEPS_WITHHELD_UNTOLD leaves "withheld" out (a caller who may
 * not be told counts of hidden records). PT_ENOMEM, PT_EIO.
 */
enum pt_err pt_deps_write_json(FILE *f, const struct pt_dependency *deps, size_t n,
			       const char *const *names, size_t withheld, enum pt_tlp tlp);

#endif
