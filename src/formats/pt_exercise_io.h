/* pt_exercise_io.h - exercise files (issue 15): the scenario JSON (reader and
 * writer), the MSEL spreadsheet as CSV (import with a column mapping, export)
 * and a decisions file (the scripted decisions of a headless run). */
#ifndef PT_EXERCISE_IO_H
#define PT_EXERCISE_IO_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "../core/pt_err.h"
#include "../core/pt_exercise.h"

#define PT_EX_FILE_MAX_BYTES (4L * 1024 * 1024) /**< largest exercise, MSEL, map or decisions file (PT_ELIMIT) */
#define PT_EX_MAP_MAX_ROWS 64                   /**< most rows of a column mapping file */

/**
 * Reads an exercise scenario (UTF-8 JSON, one object; a leading BOM is
 * skipped) of len bytes into a new scenario *out (pt_ex_scenario_free), then
 * pt_ex_scenario_check. Unknown members, duplicate keys, null, NUL in a
 * string, a wrong type, and every rule of the check are PT_EINVAL with d
 * naming the file (name, may be NULL), the line of the value and its path
 * ("injects.3.to.0"); PT_ELIMIT past the limits; PT_ENOMEM. *out is NULL on
 * failure. The format is docs/exercises.md.
 */
enum pt_err pt_ex_scenario_read(const char *buf, size_t len, const char *name,
				struct pt_ex_scenario **out, struct pt_diag *d);

/**
 * The line of field (a check's path: "injects.3.to", "decisions.ID.path", an
 * array element named by its "id") in the JSON text buf of len bytes: the
 * deepest value the path reaches; 0 when the text does not parse. For errors
 * found after reading (pt_ex_scenario_check_sim). Added for issue 15's CLI.
 */
long pt_ex_json_line(const char *buf, size_t len, const char *field);

/** The scenario as JSON that pt_ex_scenario_read reads back to the same scenario. New reference, NULL when out of memory. */
json_t *pt_ex_scenario_to_json(const struct pt_ex_scenario *sc);

/** Writes pt_ex_scenario_to_json(sc), indented by 2, keys in the documented order, a final newline. PT_ENOMEM, PT_EIO. */
enum pt_err pt_ex_scenario_write(FILE *f, const struct pt_ex_scenario *sc);

/**
 * Reads an MSEL CSV (a header row, then one inject per row) into sc's
 * injects, replacing any it had; then pt_ex_scenario_check. Default columns
 * sequence,time,type,delivery,from,to,description,expected_action,capability
 * (sequence, time, type, to and description mandatory; the others and
 * stage, deadline, contingency_of, decision optional), in any order; time
 * and deadline as H:MM or HH:MM from the start (hours may pass 24); to holds
 * one or more role ids or role names separated by ";". map (may be NULL, of
 * map_len bytes, named map_name) is a CSV `from_column,to_column` renaming
 * the spreadsheet's own headers to these. When sc has no roles, each
 * distinct `to` entry becomes a role (id from its name); when it has no
 * stages, each distinct stage becomes one in order of first appearance
 * (none: one stage "main"). Every bad row is PT_EINVAL as FILE:LINE: field:
 * problem with the column's name as the file calls it; nothing is kept on
 * failure (sc is unchanged).
 */
enum pt_err pt_ex_msel_read(struct pt_ex_scenario *sc, const char *csv, size_t len,
			    const char *name, const char *map, size_t map_len, const char *map_name,
			    struct pt_diag *d);

/* issue 15 review, finding 5: every bad row of an MSEL in one pass */
#define PT_EX_MAX_PROBLEMS 50 /**< problems kept by pt_ex_msel_read_all; the rest are counted */

/** One problem of an MSEL file: its line, the column as the file calls it, the message. */
struct pt_ex_problem {
	long line;
	char field[64];
	char msg[1024];
};

/** The problems pt_ex_msel_read_all found, in file order. */
struct pt_ex_problems {
	struct pt_ex_problem list[PT_EX_MAX_PROBLEMS];
	size_t n;    /**< kept, 0 to PT_EX_MAX_PROBLEMS */
	size_t more; /**< found beyond PT_EX_MAX_PROBLEMS */
};

/**
 * pt_ex_msel_read that goes on past a bad row: every row's own problems (each
 * bad cell of it, review 15B item 6; a time or deadline past the end of the
 * scenario read into; the wrong number of cells, a sequence used twice) go to probs
 * (may be NULL: the first only), and d holds the first; the problems between
 * rows (contingencies, the scenario's checks) come when every row is good.
 * Rows whose cells are all empty are skipped. PT_EINVAL when any.
 */
enum pt_err pt_ex_msel_read_all(struct pt_ex_scenario *sc, const char *csv, size_t len,
				const char *name, const char *map, size_t map_len,
				const char *map_name, struct pt_ex_problems *probs,
				struct pt_diag *d);

/**
 * Writes sc's injects as an MSEL CSV with the default columns and stage,
 * deadline, contingency_of and decision, in (time, sequence) order, so that
 * pt_ex_msel_read of the output gives the same injects. PT_EIO, PT_ENOMEM.
 */
enum pt_err pt_ex_msel_write(FILE *f, const struct pt_ex_scenario *sc);

/**
 * Reads a decisions file: a JSON array of {"time": "00:25", "decision": "ID",
 * "value": "12", "role": "ROLE"} (value absent for decisions without one;
 * role absent: the decision's first allowed role), each checked with
 * pt_ex_decision_value, into out[0, *n) (malloc'd; free()) in time order
 * (stable). PT_EINVAL naming the file, line and path ("3.value"),
 * PT_ELIMIT past PT_EX_MAX_BASELINE, PT_EFORBIDDEN reported as PT_EINVAL
 * ("role ... may not make ...").
 */
enum pt_err pt_ex_decisions_read(const struct pt_ex_scenario *sc, const char *buf, size_t len,
				 const char *name, struct pt_ex_made **out, size_t *n,
				 struct pt_diag *d);

/** A decisions file's JSON of made[0, n) (what pt_ex_decisions_read reads back). New reference, NULL when out of memory. */
json_t *pt_ex_decisions_to_json(const struct pt_ex_scenario *sc, const struct pt_ex_made *made,
				size_t n);

#endif
