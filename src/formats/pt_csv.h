/* pt_csv.h - the RFC 4180 CSV reader over a buffer (quotes, line breaks, CRLF, BOM,
 * UTF-8 checks, limits), the CSV field writer and the helpers every reader shares. */
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
 * Skips a UTF-8 BOM, then one leading line that begins with "#" (a comment:
 * an export's "# TLP:AMBER" marking); line numbers stay physical. *out is
 * freed with pt_csv_free.
 */
enum pt_err pt_csv_open(const char *buf, size_t len, struct pt_csv **out);

/**
 * Read the next record. On PT_OK: *fields points to *n NUL-terminated
 * fields valid until the next call, *line is the physical line (1-based)
 * where the record starts. *eof is set (and *n = 0) after the last record.
 * Blank lines are skipped. A field that starts with an apostrophe followed
 * by = + - @ tab or CR (after any further apostrophes and double quotes)
 * loses that first apostrophe, and so does the text after each ; tab CR or
 * LF inside a field: it is pt_csv_write_field's guard against spreadsheet
 * formulas, so "'=1" reads as "=1", "''-2" as "'-2", "a;'=1" as "a;=1",
 * "'x" stays "'x"; the guards do not count towards the 4 KiB limit. Errors (PT_EINVAL: unterminated quote, stray
 * quote, invalid UTF-8, NUL byte; PT_ELIMIT: field over 4 KiB, too many
 * fields or rows; PT_ENOMEM) name the line in d: where the bad byte is, or
 * where an unterminated quote opened. After an error, stop reading.
 */
enum pt_err pt_csv_next(struct pt_csv *c, char ***fields, size_t *n, long *line, int *eof,
			struct pt_diag *d);

/**
 * Name the columns for the reader's own error messages: an error in field
 * i is reported with field names[i] (when i < n). names is borrowed: it
 * must outlive the reader or be replaced. NULL clears the names.
 */
void pt_csv_set_names(struct pt_csv *c, const char *const *names, size_t n);

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

/**
 * Read the header row of c and match it with pt_csv_match_header; an empty
 * file is an error. On PT_OK col_of[k] is the field index of known column k
 * (-1 when the file lacks it; col_of has n_known entries), *n_cols the
 * number of fields a record must have, and messages about later fields
 * name their column.
 */
enum pt_err pt_csv_read_header(struct pt_csv *c, const char *const *known, size_t n_known,
			       const unsigned char *required, int *col_of, size_t *n_cols,
			       struct pt_diag *d);

/**
 * Write the text s as one CSV field to f, quoted when it holds , " CR or
 * LF, starts with a UTF-8 BOM or is nothing but spaces and tabs, so that
 * pt_csv_next reads it back as s. Text that starts with = + - @ tab or CR
 * (after any apostrophes and double quotes) is guarded against spreadsheet
 * formulas as OWASP recommends ("CSV Injection"): quoted, with an
 * apostrophe put in front ("=1" is written "'=1" in quotes, "-5 Hall"
 * "'-5 Hall"). A spreadsheet may start a cell after a ; (semicolon
 * locales), a tab or a line break inside a text too, so the text after each
 * of them is guarded by the same rule, with an apostrophe after that
 * character ("Hall;=1+1;" is written Hall;'=1+1; ). For text cells only:
 * numbers are written as they are (pt_format_double), never through this
 * function.
 */
void pt_csv_write_field(FILE *f, const char *s);

/** Parse a whole decimal number strictly (no trailing text, finite). */
enum pt_err pt_parse_double(const char *s, double *out);
/** Parse a whole integer strictly. */
enum pt_err pt_parse_llong(const char *s, long long *out);

/**
 * Check one UTF-8 character at s (avail bytes available). Returns its
 * length 1-4, or 0 when it is invalid (overlong, surrogate, above
 * U+10FFFF, truncated, a stray continuation byte) with *why set to a
 * static English reason. A NUL byte is valid here (length 1).
 */
size_t pt_utf8_char(const unsigned char *s, size_t avail, const char **why);

/**
 * Write v into buf in the shortest form that reads back to the same
 * double (integral values below 1e17 without an exponent, else the
 * shortest %.Ng). Non-finite values give "nan", "inf" or "-inf".
 */
void pt_format_double(char *buf, size_t size, double v);

/**
 * Copy s into buf as a double-quoted excerpt fit for a message: at most
 * about 60 bytes (cut at a character boundary, "..." appended), control
 * characters and quotes escaped. Always NUL-terminates when size > 0.
 */
void pt_quote_for_msg(char *buf, size_t size, const char *s);

/**
 * Field helpers of the readers. Each parses or copies one field's text,
 * and on failure fills d (line, field, a message for users) and returns
 * PT_EINVAL: "missing value", "\"12abc\" is not a number", "\"1.5\" is
 * not a whole number", "... is too large", "too long (N bytes; at most M)",
 * "contains a control character".
 */
enum pt_err pt_field_double(const char *text, long line, const char *field, double *out,
			    struct pt_diag *d);
/** See pt_field_double; whole numbers only. */
enum pt_err pt_field_llong(const char *text, long line, const char *field, long long *out,
			   struct pt_diag *d);
/** Which control characters (C0 and DEL) a text field may hold. */
enum pt_text_rule {
	PT_TEXT_ANY = 0,      /**< any (free text such as descriptions) */
	PT_TEXT_ONE_LINE = 1, /**< none at all */
	PT_TEXT_LINES = 2     /**< tab, CR and LF only (names may span lines) */
};

/**
 * Check text against rule: "contains a control character (0x1B)" (with
 * "; this field is one line of text" for PT_TEXT_ONE_LINE) on failure.
 */
enum pt_err pt_text_check(const char *text, enum pt_text_rule rule, long line, const char *field,
			  struct pt_diag *d);

/**
 * Copy text into dst (dst_size bytes with the NUL); text must have at
 * least min_len bytes and at most dst_size - 1, and follow rule.
 */
enum pt_err pt_field_text(const char *text, char *dst, size_t dst_size, size_t min_len,
			  enum pt_text_rule rule, long line, const char *field, struct pt_diag *d);

/** Nonzero when s is a valid id: 1 to 63 bytes of [A-Za-z0-9._-]. */
int pt_id_valid(const char *s);

/**
 * Copy an id field into dst (dst_size bytes, at least 64) after checking
 * it with pt_id_valid: "missing value", "too long (N bytes; at most 63)",
 * "\"a b\" is not a valid id (1-63 letters, digits, '.', '_' or '-')".
 */
enum pt_err pt_field_id(const char *text, char *dst, size_t dst_size, long line,
			const char *field, struct pt_diag *d);

/**
 * Join the ids of a catalogue-like list for an error message
 * ("a, b, c"), cut with ", ..." when it does not fit. get(ctx, i) returns
 * the i-th id. Always NUL-terminates when size > 0.
 */
void pt_join_ids(char *buf, size_t size, size_t n, const char *(*get)(const void *ctx, size_t i),
		 const void *ctx);

/** A set of byte-string keys remembering the line each was first seen on. */
struct pt_keyset;

/** New empty set (*out freed with pt_keyset_free). PT_ENOMEM. */
enum pt_err pt_keyset_new(struct pt_keyset **out);

/**
 * Add key[0..len) seen on line. PT_OK when new; PT_ECONFLICT when it was
 * already there, with *first_line set to where it was first added;
 * PT_ENOMEM; PT_ELIMIT past 20,000,000 keys.
 */
enum pt_err pt_keyset_add(struct pt_keyset *k, const char *key, size_t len, long line,
			  long *first_line);

/** Free a set; NULL does nothing. */
void pt_keyset_free(struct pt_keyset *k);

#endif
