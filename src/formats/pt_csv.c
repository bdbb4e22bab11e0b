/* pt_csv.c - the RFC 4180 CSV reader over a caller's buffer, the CSV field
 * writer, strict number parsing and the field helpers the readers share. */
#include "pt_csv.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pt_diag.h"

#define DATA_MAX ((size_t)PT_CSV_FIELDS_MAX * (PT_CSV_FIELD_MAX + 1))

struct pt_csv {
	const unsigned char *buf;
	size_t len, pos;
	long line; /* physical line of buf[pos] */
	long rows;
	int at_eof;
	char *data; /* the current record's fields, NUL-separated */
	size_t data_len, data_cap;
	size_t offs[PT_CSV_FIELDS_MAX];
	char *ptrs[PT_CSV_FIELDS_MAX];
	size_t n_fields; /* fields of the current record so far */
	int at_cell; /* the current field ends with a cell start and then ' and " only */
	size_t cell; /* that cell start's offset in data */
	const char *const *names;
	size_t n_names;
	const char *header_names[PT_CSV_FIELDS_MAX]; /* set by pt_csv_read_header */
};

enum pt_err pt_csv_open(const char *buf, size_t len, struct pt_csv **out)
{
	struct pt_csv *c;
	*out = NULL;
	c = calloc(1, sizeof *c);
	if (!c)
		return PT_ENOMEM;
	c->buf = (const unsigned char *)buf;
	c->len = buf ? len : 0;
	c->line = 1;
	if (c->len >= 3 && c->buf[0] == 0xEF && c->buf[1] == 0xBB && c->buf[2] == 0xBF)
		c->pos = 3;
	/* A leading "#" line is a comment (an export's "# TLP:AMBER" marking): skipped. */
	if (c->pos < c->len && c->buf[c->pos] == '#') {
		while (c->pos < c->len && c->buf[c->pos] != '\n')
			c->pos++;
		if (c->pos < c->len) {
			c->pos++;
			c->line++;
		}
	}
	*out = c;
	return PT_OK;
}

void pt_csv_free(struct pt_csv *c)
{
	if (!c)
		return;
	free(c->data);
	free(c);
}

void pt_csv_set_names(struct pt_csv *c, const char *const *names, size_t n)
{
	c->names = names;
	c->n_names = names ? n : 0;
}

enum pt_err pt_csv_read_header(struct pt_csv *c, const char *const *known, size_t n_known,
			       const unsigned char *required, int *col_of, size_t *n_cols,
			       struct pt_diag *d)
{
	int map[PT_CSV_FIELDS_MAX];
	char **f;
	size_t n, i;
	long line = 0;
	int eof;
	enum pt_err err;

	for (i = 0; i < n_known; i++)
		col_of[i] = -1;
	if ((err = pt_csv_next(c, &f, &n, &line, &eof, d)) != PT_OK)
		return err;
	if (eof)
		return pt_diag_set(d, PT_EINVAL, 1, "", "empty file: the header row is missing");
	if ((err = pt_csv_match_header(f, n, known, n_known, required, map, line, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		col_of[map[i]] = (int)i;
		c->header_names[i] = known[map[i]];
	}
	pt_csv_set_names(c, c->header_names, n);
	*n_cols = n;
	return PT_OK;
}

/* The column name of the field being read, or "". */
static const char *field_name(const struct pt_csv *c)
{
	if (c->n_fields < c->n_names && c->names[c->n_fields])
		return c->names[c->n_fields];
	return "";
}

/* An error inside the current field at line: named by its column when
 * the caller named the columns, else by its number in the message. */
static enum pt_err fail_at(struct pt_csv *c, struct pt_diag *d, enum pt_err err, long line,
			   const char *what)
{
	const char *name = field_name(c);
	if (name[0])
		return pt_diag_set(d, err, line, name, "%s", what);
	return pt_diag_set(d, err, line, "", "%s (field %zu)", what, c->n_fields + 1);
}

static enum pt_err grow(struct pt_csv *c, size_t need)
{
	size_t cap;
	char *p;
	if (need <= c->data_cap)
		return PT_OK;
	if (need > DATA_MAX)
		return PT_ELIMIT;
	cap = c->data_cap ? c->data_cap : 1024;
	while (cap < need)
		cap *= 2;
	if (cap > DATA_MAX)
		cap = DATA_MAX;
	p = realloc(c->data, cap);
	if (!p)
		return PT_ENOMEM;
	c->data = p;
	c->data_cap = cap;
	return PT_OK;
}

/* A spreadsheet takes a cell that starts with one of these for a formula (OWASP, "CSV
 * Injection"): = + - @ tab and carriage return. */
static int formula_char(unsigned char ch)
{
	return ch == '=' || ch == '+' || ch == '-' || ch == '@' || ch == '\t' || ch == '\r';
}

/* A spreadsheet may start a cell right after one of these inside a text, whatever the quotes
 * around it: the semicolon (the separator Excel uses by default where the decimal mark is a
 * comma), the tab (the separator of pasted text and of "Text Import" wizards) and a line
 * break (docs/formats.md, "Formulas in spreadsheets"). */
static int cell_break(unsigned char ch)
{
	return ch == ';' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Does the writer guard the text s, which is at a cell start, with an apostrophe? When it
 * starts with a formula character after any apostrophes and double quotes (so that a guard
 * is never ambiguous, and so that a spreadsheet that opens a quoted cell at an inner cell
 * start, where "" is a quote, does not find a formula after the quotes). */
static int needs_guard(const char *s)
{
	while (*s == '\'' || *s == '"')
		s++;
	return formula_char((unsigned char)*s);
}

/* Append n bytes of one character to the current field, which holds flen bytes, dropping
 * the writer's guards as they show: a cell start (the field's start or right after a
 * cell_break) that holds an apostrophe, then any apostrophes and double quotes, then a
 * formula character loses that first apostrophe. The guard is known only at the formula
 * character, so a run of apostrophes and quotes at a cell start may reach one byte over
 * the limit meanwhile (pt_csv_next checks the field's length at its end). */
static enum pt_err put(struct pt_csv *c, const unsigned char *s, size_t n, size_t *flen,
		       struct pt_diag *d)
{
	enum pt_err err;
	int in_run = c->at_cell && (s[0] == '\'' || s[0] == '"');
	if (c->at_cell && c->data_len > c->cell && c->data[c->cell] == '\'' &&
	    formula_char(s[0])) {
		/* the writer's guard: the apostrophe at the cell start goes */
		memmove(c->data + c->cell, c->data + c->cell + 1, c->data_len - c->cell - 1);
		c->data_len--;
		(*flen)--;
	}
	if (*flen + n > PT_CSV_FIELD_MAX && (*flen + n > PT_CSV_FIELD_MAX + 1 || !in_run))
		return fail_at(c, d, PT_ELIMIT, c->line, "field longer than 4096 bytes");
	if ((err = grow(c, c->data_len + n + 1)) != PT_OK)
		return err == PT_ENOMEM ? err : fail_at(c, d, err, c->line, "record too large");
	memcpy(c->data + c->data_len, s, n);
	c->data_len += n;
	*flen += n;
	if (!in_run) {
		c->at_cell = cell_break(s[0]);
		c->cell = c->data_len;
	}
	return PT_OK;
}

size_t pt_utf8_char(const unsigned char *s, size_t avail, const char **why)
{
	unsigned char b = s[0];
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	if (b < 0x80)
		return 1;
	if (b < 0xC0) {
		*why = "a continuation byte without a lead byte";
		return 0;
	}
	if (b < 0xC2) {
		*why = "an overlong encoding";
		return 0;
	}
	if (b < 0xE0) {
		n = 2;
	} else if (b < 0xF0) {
		n = 3;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;
	} else if (b < 0xF5) {
		n = 4;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
	} else {
		*why = b < 0xF8 ? "a code point above U+10FFFF" : "a byte that never occurs in UTF-8";
		return 0;
	}
	if (avail < 2 || s[1] < 0x80 || s[1] > 0xBF) {
		*why = "an incomplete multi-byte character";
		return 0;
	}
	if (s[1] < lo) {
		*why = n == 3 || n == 4 ? "an overlong encoding" : "an invalid sequence";
		return 0;
	}
	if (s[1] > hi) {
		*why = b == 0xED ? "a UTF-16 surrogate" : "a code point above U+10FFFF";
		return 0;
	}
	for (i = 2; i < n; i++) {
		if (i >= avail || s[i] < 0x80 || s[i] > 0xBF) {
			*why = "an incomplete multi-byte character";
			return 0;
		}
	}
	return n;
}

/* Validate and append the character at c->pos; advances pos. */
static enum pt_err take_char(struct pt_csv *c, size_t *flen, struct pt_diag *d)
{
	const char *why = "";
	size_t n;
	char msg[160];
	enum pt_err err;
	if (c->buf[c->pos] == 0)
		return fail_at(c, d, PT_EINVAL, c->line,
			       "NUL byte in the data (is this a binary or UTF-16 file?)");
	n = pt_utf8_char(c->buf + c->pos, c->len - c->pos, &why);
	if (!n) {
		if (c->pos < 2 && c->rows == 0 && c->len >= 2 &&
		    ((c->buf[0] == 0xFF && c->buf[1] == 0xFE) ||
		     (c->buf[0] == 0xFE && c->buf[1] == 0xFF)))
			return fail_at(c, d, PT_EINVAL, c->line,
				       "the file is UTF-16; save it as UTF-8");
		snprintf(msg, sizeof msg, "invalid UTF-8 (byte 0x%02X: %s); save the file as UTF-8",
			 c->buf[c->pos], why);
		return fail_at(c, d, PT_EINVAL, c->line, msg);
	}
	if ((err = put(c, c->buf + c->pos, n, flen, d)) != PT_OK)
		return err;
	c->pos += n;
	return PT_OK;
}

/* Skip lines holding nothing but spaces and tabs. Returns nonzero at the end of input. */
static int skip_blank_lines(struct pt_csv *c)
{
	for (;;) {
		size_t p = c->pos;
		while (p < c->len && (c->buf[p] == ' ' || c->buf[p] == '\t'))
			p++;
		if (p >= c->len) {
			c->pos = c->len;
			return 1;
		}
		if (c->buf[p] == '\n') {
			c->pos = p + 1;
			c->line++;
		} else if (c->buf[p] == '\r' && p + 1 < c->len && c->buf[p + 1] == '\n') {
			c->pos = p + 2;
			c->line++;
		} else if (c->buf[p] == '\r' && p + 1 == c->len) {
			c->pos = c->len;
			return 1;
		} else {
			return 0;
		}
	}
}

static enum pt_err read_quoted(struct pt_csv *c, size_t *flen, struct pt_diag *d)
{
	long open_line = c->line;
	enum pt_err err;
	c->pos++; /* the opening quote */
	for (;;) {
		unsigned char ch;
		if (c->pos >= c->len)
			return fail_at(c, d, PT_EINVAL, open_line,
				       "quoted field never closes (missing closing \")");
		ch = c->buf[c->pos];
		if (ch == '"') {
			if (c->pos + 1 < c->len && c->buf[c->pos + 1] == '"') {
				if ((err = put(c, &ch, 1, flen, d)) != PT_OK)
					return err;
				c->pos += 2;
				continue;
			}
			c->pos++;
			break;
		}
		if (ch == '\n') {
			if ((err = put(c, &ch, 1, flen, d)) != PT_OK)
				return err;
			c->pos++;
			c->line++;
			continue;
		}
		if ((err = take_char(c, flen, d)) != PT_OK)
			return err;
	}
	if (c->pos < c->len) {
		unsigned char ch = c->buf[c->pos];
		if (ch == ',' || ch == '\n')
			return PT_OK;
		if (ch == '\r' && (c->pos + 1 == c->len || c->buf[c->pos + 1] == '\n'))
			return PT_OK;
		return fail_at(c, d, PT_EINVAL, c->line,
			       "unexpected text after a closing quote (a quote inside a quoted "
			       "field is written \"\")");
	}
	return PT_OK;
}

static enum pt_err read_unquoted(struct pt_csv *c, size_t *flen, struct pt_diag *d)
{
	enum pt_err err;
	while (c->pos < c->len) {
		unsigned char ch = c->buf[c->pos];
		if (ch == ',' || ch == '\n')
			return PT_OK;
		if (ch == '\r') {
			if (c->pos + 1 == c->len || c->buf[c->pos + 1] == '\n')
				return PT_OK;
			return fail_at(c, d, PT_EINVAL, c->line,
				       "carriage return inside a field (lines end with LF or CRLF; "
				       "quote a field that holds line breaks)");
		}
		if (ch == '"')
			return fail_at(c, d, PT_EINVAL, c->line,
				       "quote inside an unquoted field (quote the whole field and "
				       "double the quote: \"\")");
		if ((err = take_char(c, flen, d)) != PT_OK)
			return err;
	}
	return PT_OK;
}

enum pt_err pt_csv_next(struct pt_csv *c, char ***fields, size_t *n, long *line, int *eof,
			struct pt_diag *d)
{
	enum pt_err err;
	size_t i;
	*fields = NULL;
	*n = 0;
	*eof = 0;
	if (c->at_eof || skip_blank_lines(c)) {
		c->at_eof = 1;
		*eof = 1;
		*line = c->line;
		return PT_OK;
	}
	*line = c->line;
	if (c->rows >= PT_CSV_ROWS_MAX)
		return pt_diag_set(d, PT_ELIMIT, c->line, "", "more than %ld records",
				   (long)PT_CSV_ROWS_MAX);
	c->n_fields = 0;
	c->data_len = 0;
	for (;;) {
		size_t flen = 0;
		if (c->n_fields == PT_CSV_FIELDS_MAX)
			return pt_diag_set(d, PT_ELIMIT, c->line, "", "more than %d fields in a record",
					   PT_CSV_FIELDS_MAX);
		c->offs[c->n_fields] = c->data_len;
		c->at_cell = 1;
		c->cell = c->data_len;
		if (c->pos < c->len && c->buf[c->pos] == '"')
			err = read_quoted(c, &flen, d);
		else
			err = read_unquoted(c, &flen, d);
		if (err != PT_OK)
			return err;
		if (flen > PT_CSV_FIELD_MAX) /* apostrophes that were not a guard after all */
			return fail_at(c, d, PT_ELIMIT, c->line, "field longer than 4096 bytes");
		if ((err = grow(c, c->data_len + 1)) != PT_OK)
			return err;
		c->data[c->data_len++] = '\0';
		c->n_fields++;
		if (c->pos >= c->len)
			break;
		if (c->buf[c->pos] == ',') {
			c->pos++;
			continue;
		}
		if (c->buf[c->pos] == '\r')
			c->pos++;
		if (c->pos < c->len && c->buf[c->pos] == '\n') {
			c->pos++;
			c->line++;
		}
		break;
	}
	for (i = 0; i < c->n_fields; i++)
		c->ptrs[i] = c->data + c->offs[i];
	c->rows++;
	*fields = c->ptrs;
	*n = c->n_fields;
	return PT_OK;
}

static const char *known_at(const void *ctx, size_t i)
{
	return ((const char *const *)ctx)[i];
}

enum pt_err pt_csv_match_header(char **fields, size_t n, const char *const *known,
				size_t n_known, const unsigned char *required, int *map, long line,
				struct pt_diag *d)
{
	char list[900], q[80];
	size_t i, j;
	for (i = 0; i < n; i++) {
		map[i] = -1;
		if (!fields[i][0])
			return pt_diag_set(d, PT_EINVAL, line, "", "column %zu has no name", i + 1);
		for (j = 0; j < n_known; j++) {
			if (strcmp(fields[i], known[j]) == 0) {
				map[i] = (int)j;
				break;
			}
		}
		if (map[i] < 0) {
			pt_join_ids(list, sizeof list, n_known, known_at, known);
			pt_quote_for_msg(q, sizeof q, fields[i]);
			return pt_diag_set(d, PT_EINVAL, line, "", "unknown column %s; known columns: %s",
					   q, list);
		}
		for (j = 0; j < i; j++) {
			if (map[j] == map[i])
				return pt_diag_set(d, PT_EINVAL, line, known[map[i]],
						   "duplicate column (columns %zu and %zu)", j + 1, i + 1);
		}
	}
	for (j = 0; j < n_known; j++) {
		int found = 0;
		if (required && !required[j])
			continue;
		for (i = 0; i < n; i++)
			if (map[i] == (int)j)
				found = 1;
		if (!found)
			return pt_diag_set(d, PT_EINVAL, line, known[j], "required column missing");
	}
	return PT_OK;
}

/* Does s need quotes to read back as itself? */
static int needs_quotes(const char *s)
{
	if (strpbrk(s, ",\"\r\n"))
		return 1;
	/* a BOM would be skipped at the start of a file */
	if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
		return 1;
	/* a "#" at the start of a file's first record would be read as the marking comment */
	if (s[0] == '#')
		return 1;
	/* spaces alone would be a blank line when they are the only field */
	return s[0] && strspn(s, " \t") == strlen(s);
}

void pt_csv_write_field(FILE *f, const char *s)
{
	int guard = needs_guard(s);
	int quote = guard || needs_quotes(s);
	const char *p = s;
	if (quote)
		fputc('"', f);
	if (guard)
		fputc('\'', f);
	for (;;) {
		size_t k = strcspn(p, "\";\t\r\n");
		fwrite(p, 1, k, f);
		p += k;
		if (!*p)
			break;
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
		if (cell_break((unsigned char)*p) && needs_guard(p + 1))
			fputc('\'', f); /* a cell may start here too */
		p++;
	}
	if (quote)
		fputc('"', f);
}

/* [+-]? digits* ('.' digits*)? ([eE][+-]?digits+)? with at least one mantissa digit. */
static int decimal_syntax(const char *s, int *integral)
{
	size_t digits = 0;
	*integral = 1;
	if (*s == '+' || *s == '-')
		s++;
	while (*s >= '0' && *s <= '9') {
		s++;
		digits++;
	}
	if (*s == '.') {
		*integral = 0;
		s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			digits++;
		}
	}
	if (!digits)
		return 0;
	if (*s == 'e' || *s == 'E') {
		*integral = 0;
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

enum pt_err pt_parse_double(const char *s, double *out)
{
	char local[PT_CSV_FIELD_MAX + 1];
	const char *text = s;
	const struct lconv *lc;
	char *end;
	double v;
	int integral;
	if (!decimal_syntax(s, &integral))
		return PT_EINVAL;
	lc = localeconv();
	if (lc && lc->decimal_point && strcmp(lc->decimal_point, ".") != 0 &&
	    strlen(lc->decimal_point) == 1) {
		/* strtod follows LC_NUMERIC; the formats always use '.'. */
		char *dot;
		if (strlen(s) >= sizeof local)
			return PT_ELIMIT;
		strcpy(local, s);
		if ((dot = strchr(local, '.')) != NULL)
			*dot = lc->decimal_point[0];
		text = local;
	}
	errno = 0;
	v = strtod(text, &end);
	if (*end != '\0')
		return PT_EINVAL;
	if (!isfinite(v))
		return PT_ELIMIT;
	*out = v;
	return PT_OK;
}

enum pt_err pt_parse_llong(const char *s, long long *out)
{
	const char *p = s;
	char *end;
	long long v;
	if (*p == '+' || *p == '-')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		return PT_EINVAL;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p)
		return PT_EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return PT_ELIMIT;
	if (*end)
		return PT_EINVAL;
	*out = v;
	return PT_OK;
}

/* snprintf follows LC_NUMERIC; the formats always write '.'. */
static void c_decimal_point(char *buf)
{
	const struct lconv *lc = localeconv();
	char *p;
	if (!lc || !lc->decimal_point || strlen(lc->decimal_point) != 1 ||
	    lc->decimal_point[0] == '.')
		return;
	if ((p = strchr(buf, lc->decimal_point[0])) != NULL)
		*p = '.';
}

void pt_format_double(char *buf, size_t size, double v)
{
	int prec;
	if (!size)
		return;
	if (isnan(v)) {
		snprintf(buf, size, "nan");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, size, v < 0 ? "-inf" : "inf");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e17) {
		snprintf(buf, size, "%.0f", v);
		if (v == 0 && signbit(v))
			snprintf(buf, size, "0"); /* -0 reads back equal to 0 */
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		double back;
		snprintf(buf, size, "%.*g", prec, v);
		c_decimal_point(buf);
		if (pt_parse_double(buf, &back) == PT_OK && back == v)
			return;
	}
	snprintf(buf, size, "%.17g", v);
	c_decimal_point(buf);
}

void pt_quote_for_msg(char *buf, size_t size, const char *s)
{
	size_t used = 0, i = 0, len = strlen(s);
	const size_t excerpt = 60;
	if (!size)
		return;
	if (size < 8) {
		buf[0] = '\0';
		return;
	}
	buf[used++] = '"';
	while (i < len) {
		const unsigned char ch = (unsigned char)s[i];
		char tmp[8];
		size_t n;
		const char *why;
		if (i >= excerpt) {
			if (used + 5 > size)
				break;
			memcpy(buf + used, "...", 3);
			used += 3;
			break;
		}
		if (ch < 0x20 || ch == 0x7F) {
			snprintf(tmp, sizeof tmp, "\\x%02X", ch);
			n = strlen(tmp);
			if (used + n + 2 > size)
				break;
			memcpy(buf + used, tmp, n);
			used += n;
			i++;
			continue;
		}
		if (ch == '"' || ch == '\\') {
			if (used + 4 > size)
				break;
			buf[used++] = '\\';
			buf[used++] = (char)ch;
			i++;
			continue;
		}
		n = pt_utf8_char((const unsigned char *)s + i, len - i, &why);
		if (!n) {
			snprintf(tmp, sizeof tmp, "\\x%02X", ch);
			n = strlen(tmp);
			if (used + n + 2 > size)
				break;
			memcpy(buf + used, tmp, n);
			used += n;
			i++;
			continue;
		}
		if (used + n + 2 > size)
			break;
		memcpy(buf + used, s + i, n);
		used += n;
		i += n;
	}
	buf[used++] = '"';
	buf[used] = '\0';
}

enum pt_err pt_field_double(const char *text, long line, const char *field, double *out,
			    struct pt_diag *d)
{
	char q[80];
	enum pt_err err;
	if (!text[0])
		return pt_diag_set(d, PT_EINVAL, line, field, "missing value (a number is required)");
	err = pt_parse_double(text, out);
	if (err == PT_OK)
		return PT_OK;
	pt_quote_for_msg(q, sizeof q, text);
	if (err == PT_ELIMIT)
		return pt_diag_set(d, PT_EINVAL, line, field, "%s is too large", q);
	return pt_diag_set(d, PT_EINVAL, line, field, "%s is not a number", q);
}

enum pt_err pt_field_llong(const char *text, long line, const char *field, long long *out,
			   struct pt_diag *d)
{
	char q[80];
	enum pt_err err;
	double v;
	if (!text[0])
		return pt_diag_set(d, PT_EINVAL, line, field,
				   "missing value (a whole number is required)");
	err = pt_parse_llong(text, out);
	if (err == PT_OK)
		return PT_OK;
	pt_quote_for_msg(q, sizeof q, text);
	if (err == PT_ELIMIT)
		return pt_diag_set(d, PT_EINVAL, line, field, "%s is too large", q);
	err = pt_parse_double(text, &v);
	if (err == PT_OK)
		return pt_diag_set(d, PT_EINVAL, line, field, "%s is not a whole number", q);
	if (err == PT_ELIMIT)
		return pt_diag_set(d, PT_EINVAL, line, field, "%s is too large", q);
	return pt_diag_set(d, PT_EINVAL, line, field, "%s is not a number", q);
}

enum pt_err pt_text_check(const char *text, enum pt_text_rule rule, long line, const char *field,
			  struct pt_diag *d)
{
	const unsigned char *p;
	if (rule == PT_TEXT_ANY)
		return PT_OK;
	for (p = (const unsigned char *)text; *p; p++) {
		if (*p >= 0x20 && *p != 0x7F)
			continue;
		if (rule == PT_TEXT_LINES && (*p == '\t' || *p == '\r' || *p == '\n'))
			continue;
		if (rule == PT_TEXT_ONE_LINE)
			return pt_diag_set(d, PT_EINVAL, line, field,
					   "contains a control character (0x%02X); this field is one "
					   "line of text",
					   *p);
		return pt_diag_set(d, PT_EINVAL, line, field, "contains a control character (0x%02X)",
				   *p);
	}
	return PT_OK;
}

enum pt_err pt_field_text(const char *text, char *dst, size_t dst_size, size_t min_len,
			  enum pt_text_rule rule, long line, const char *field, struct pt_diag *d)
{
	size_t len = strlen(text);
	enum pt_err err;
	if (len < min_len)
		return pt_diag_set(d, PT_EINVAL, line, field, "missing value");
	if (len >= dst_size)
		return pt_diag_set(d, PT_EINVAL, line, field, "too long (%zu bytes; at most %zu)",
				   len, dst_size - 1);
	if ((err = pt_text_check(text, rule, line, field, d)) != PT_OK)
		return err;
	memcpy(dst, text, len + 1);
	return PT_OK;
}

int pt_id_valid(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++) {
		char ch = s[i];
		if (i >= 63)
			return 0;
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == '-'))
			return 0;
	}
	return i > 0;
}

enum pt_err pt_field_id(const char *text, char *dst, size_t dst_size, long line,
			const char *field, struct pt_diag *d)
{
	char q[80];
	size_t len = strlen(text);
	if (!len)
		return pt_diag_set(d, PT_EINVAL, line, field, "missing value");
	if (len > 63)
		return pt_diag_set(d, PT_EINVAL, line, field, "too long (%zu bytes; at most 63)", len);
	if (!pt_id_valid(text)) {
		pt_quote_for_msg(q, sizeof q, text);
		return pt_diag_set(d, PT_EINVAL, line, field,
				   "%s is not a valid id (1-63 letters, digits, '.', '_' or '-')", q);
	}
	pt_strlcpy(dst, text, dst_size);
	return PT_OK;
}

void pt_join_ids(char *buf, size_t size, size_t n, const char *(*get)(const void *ctx, size_t i),
		 const void *ctx)
{
	size_t used = 0, i;
	if (!size)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *id = get(ctx, i);
		size_t len = strlen(id), sep = i ? 2 : 0;
		/* keep room for ", ..." and the NUL */
		if (used + sep + len + 6 > size) {
			if (used + 6 <= size)
				memcpy(buf + used, i ? ", ..." : "...", i ? 6 : 4);
			return;
		}
		if (sep) {
			memcpy(buf + used, ", ", 2);
			used += 2;
		}
		memcpy(buf + used, id, len);
		used += len;
		buf[used] = '\0';
	}
}

/* ---- key set: open addressing over a byte arena ---- */

#define KEYSET_MAX 20000000u

struct keyslot {
	uint64_t hash;
	size_t off; /* into arena; 0 means empty (arena starts with one pad byte) */
	size_t len;
	long line;
};

struct pt_keyset {
	struct keyslot *slots;
	size_t cap, n;
	char *arena;
	size_t arena_len, arena_cap;
};

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	size_t i;
	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

enum pt_err pt_keyset_new(struct pt_keyset **out)
{
	struct pt_keyset *k = calloc(1, sizeof *k);
	*out = NULL;
	if (!k)
		return PT_ENOMEM;
	k->cap = 64;
	k->slots = calloc(k->cap, sizeof *k->slots);
	k->arena_cap = 1024;
	k->arena = malloc(k->arena_cap);
	if (!k->slots || !k->arena) {
		pt_keyset_free(k);
		return PT_ENOMEM;
	}
	k->arena_len = 1;
	*out = k;
	return PT_OK;
}

void pt_keyset_free(struct pt_keyset *k)
{
	if (!k)
		return;
	free(k->slots);
	free(k->arena);
	free(k);
}

static enum pt_err keyset_rehash(struct pt_keyset *k)
{
	size_t cap = k->cap * 2, i;
	struct keyslot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return PT_ENOMEM;
	for (i = 0; i < k->cap; i++) {
		size_t j;
		if (!k->slots[i].off)
			continue;
		j = (size_t)k->slots[i].hash & (cap - 1);
		while (slots[j].off)
			j = (j + 1) & (cap - 1);
		slots[j] = k->slots[i];
	}
	free(k->slots);
	k->slots = slots;
	k->cap = cap;
	return PT_OK;
}

enum pt_err pt_keyset_add(struct pt_keyset *k, const char *key, size_t len, long line,
			  long *first_line)
{
	uint64_t h = hash_bytes(key, len);
	size_t j = (size_t)h & (k->cap - 1);
	enum pt_err err;
	while (k->slots[j].off) {
		const struct keyslot *s = &k->slots[j];
		if (s->hash == h && s->len == len && memcmp(k->arena + s->off, key, len) == 0) {
			if (first_line)
				*first_line = s->line;
			return PT_ECONFLICT;
		}
		j = (j + 1) & (k->cap - 1);
	}
	if (k->n >= KEYSET_MAX)
		return PT_ELIMIT;
	if (k->arena_len + len > k->arena_cap) {
		size_t cap = k->arena_cap;
		char *p;
		while (cap < k->arena_len + len)
			cap *= 2;
		p = realloc(k->arena, cap);
		if (!p)
			return PT_ENOMEM;
		k->arena = p;
		k->arena_cap = cap;
	}
	memcpy(k->arena + k->arena_len, key, len);
	k->slots[j].hash = h;
	k->slots[j].off = k->arena_len;
	k->slots[j].len = len;
	k->slots[j].line = line;
	k->arena_len += len;
	k->n++;
	if (k->n * 2 > k->cap && (err = keyset_rehash(k)) != PT_OK)
		return err; /* the key is in; the table is only fuller */
	return PT_OK;
}
