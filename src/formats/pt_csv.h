/* pt_csv.h - an RFC 4180 CSV reader over a buffer (quotes, embedded
 * commas and newlines, CRLF, UTF-8 BOM, UTF-8 validation, size limits)
 * and a CSV field writer. */
#ifndef PT_CSV_H
#define PT_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "../core/pt_err.h"

#define PT_CSV_FIELD_MAX 4096      /**< bytes per field */
#define PT_CSV_FIELDS_MAX 256      /**< fields per record */
#define PT_CSV_ROWS_MAX 10000000L  /**< records per file */

struct pt_csv;

/**
 * Start reading buf[0..len) (not copied: it must outlive the reader).
 * Skips a UTF-8 BOM. *out is freed with pt_csv_free.
 */
enum pt_err pt_csv_open(const char *buf, size_t len, struct pt_csv **out);

/**
 * Read the next record. On PT_OK: *fields points to *n NUL-terminated
 * fields valid until the next call, *line is the physical line (1-based)
 * where the record starts. *eof is set (and *n = 0) after the last record.
 * Blank lines are skipped. Errors (PT_EINVAL: unterminated quote, stray
 * quote, invalid UTF-8, NUL byte; PT_ELIMIT: field over 4 KiB, too many
 * fields or rows) name the line in d.
 */
enum pt_err pt_csv_next(struct pt_csv *c, char ***fields, size_t *n, long *line, int *eof,
			struct pt_diag *d);

/** Free a reader; NULL does nothing. */
void pt_csv_free(struct pt_csv *c);

/**
 * A header row matched against the columns a format knows. map[i] is the
 * index in known[] of field i. Errors: unknown column (lists the known
 * ones), duplicate column, a required column missing.
 */
enum pt_err pt_csv_match_header(char **fields, size_t n, const char *const *known,
				size_t n_known, const unsigned char *required, int *map, long line,
				struct pt_diag *d);

/** Write s as one CSV field to f (quoted when it holds , " CR or LF). */
void pt_csv_write_field(FILE *f, const char *s);

/** Parse a whole decimal number strictly (no trailing text, finite). */
enum pt_err pt_parse_double(const char *s, double *out);
/** Parse a whole integer strictly. */
enum pt_err pt_parse_llong(const char *s, long long *out);

#endif
