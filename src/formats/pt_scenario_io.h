/* pt_scenario_io.h - mass-casualty scenario files (issue 14): the JSON
 * reader (every leaf applied through pt_mci_set by its dotted path) and writer. */
#ifndef PT_SCENARIO_IO_H
#define PT_SCENARIO_IO_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "../core/pt_err.h"
#include "../core/pt_mci.h"

#define PT_SCENARIO_MAX_BYTES (4L * 1024 * 1024) /**< largest scenario file (PT_ELIMIT) */
#define PT_SCENARIO_MAX_LEAVES 100000            /**< most values in one file (PT_ELIMIT) */
#define PT_SCENARIO_MAX_DEPTH 8                  /**< deepest nesting of objects and arrays */

/**
 * Read a scenario file (UTF-8 JSON, one object; a leading BOM is skipped)
 * of len bytes into *out: start from pt_mci_defaults, apply every leaf in
 * the file's order through pt_mci_set with its dotted path (objects nest
 * with ".", arrays index from 0: "hospitals": [{"icu_beds": 8}] sets
 * "hospitals.0.icu_beds"; numbers as written, strings as they are, true
 * and false as "true" and "false"), then pt_mci_check. Duplicate keys,
 * null, NUL in strings, an unknown key, a bad value and a broken rule are
 * PT_EINVAL with d naming the line of the value and its path (field);
 * PT_ELIMIT beyond the limits above; PT_ENOMEM. name (may be NULL) goes
 * to d->file. *out is the defaults on failure.
 */
enum pt_err pt_scenario_read(const char *buf, size_t len, const char *name,
			     struct pt_mci_scenario *out, struct pt_diag *d);

/**
 * The scenario as JSON: every field, nested as the reader reads it, so
 * that reading the output gives s again. New reference (NULL: out of memory).
 */
json_t *pt_scenario_to_json(const struct pt_mci_scenario *s);

/** Write pt_scenario_to_json(s), indented, with a final newline. PT_ENOMEM, PT_EIO. */
enum pt_err pt_scenario_write(FILE *f, const struct pt_mci_scenario *s);

#endif
