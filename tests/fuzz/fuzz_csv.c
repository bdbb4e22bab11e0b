/* fuzz_csv.c - libFuzzer target of the CSV reader: every record, header matching, numbers,
 * the property that written fields read back the same, and that no cell a spreadsheet may
 * see in them starts with a formula character. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_csv.h"
#include "formats/pt_diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const known[] = {"id", "name", "lat", "lon", "capacity"};
static const unsigned char required[] = {1, 1, 0, 0, 0};

/* A record a writer can reproduce: a lone empty field is a blank line, which the reader skips. */
static int reproducible(char **f, size_t n)
{
	return !(n == 1 && f[0][0] == '\0');
}

/* The written record mem[0..len) as a spreadsheet may split it: a cell starts at the start,
 * after a comma outside quotes, and after ; tab CR or LF wherever they are (a semicolon or tab
 * separator does not honour the quotes of the comma parse). After any double quotes there
 * (an opening quote, or "" where a parse opens a quote mid-field), no cell may begin with
 * = + - @ tab or CR: the writer's guard (an apostrophe) comes first. */
static void check_no_formula_cell(const char *mem, size_t len)
{
	size_t i, q;
	int quoted = 0, start = 1;
	for (i = 0; i < len; i++) {
		char ch = mem[i];
		if (start) {
			for (q = i; q < len && mem[q] == '"'; q++)
				;
			if (q < len && (mem[q] == '=' || mem[q] == '+' || mem[q] == '-' ||
					mem[q] == '@' || mem[q] == '\t' || mem[q] == '\r'))
				__builtin_trap();
		}
		if (ch == '"')
			quoted = !quoted;
		start = (ch == ',' && !quoted) || ch == ';' || ch == '\t' || ch == '\r' || ch == '\n';
	}
}

/* Write the record, read it back, trap if it differs. */
static void check_round_trip(char **f, size_t n)
{
	char *mem = NULL, **g;
	size_t len = 0, m, i;
	long line;
	int eof;
	struct pt_csv *c = NULL;
	struct pt_diag d;
	FILE *out = open_memstream(&mem, &len);
	if (!out)
		return;
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		pt_csv_write_field(out, f[i]);
	}
	fputc('\n', out);
	if (fclose(out) != 0) {
		free(mem);
		return;
	}
	check_no_formula_cell(mem, len);
	memset(&d, 0, sizeof d);
	if (pt_csv_open(mem, len, &c) == PT_OK) {
		if (pt_csv_next(c, &g, &m, &line, &eof, &d) != PT_OK || eof || m != n)
			__builtin_trap();
		for (i = 0; i < n; i++)
			if (strcmp(f[i], g[i]) != 0)
				__builtin_trap();
		pt_csv_free(c);
	}
	free(mem);
}

static void check_numbers(const char *s)
{
	double v, back;
	long long ll;
	char buf[64], q[80];
	if (pt_parse_double(s, &v) == PT_OK) {
		pt_format_double(buf, sizeof buf, v);
		if (pt_parse_double(buf, &back) != PT_OK || back != v)
			__builtin_trap();
	}
	(void)pt_parse_llong(s, &ll);
	pt_quote_for_msg(q, sizeof q, s);
	if (strlen(q) >= sizeof q)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_csv *c = NULL;
	struct pt_diag d;
	const char *names[PT_CSV_FIELDS_MAX];
	int map[PT_CSV_FIELDS_MAX];
	char msg[2048];
	long rows = 0;
	memset(&d, 0, sizeof d);
	if (pt_csv_open((const char *)data, size, &c) != PT_OK)
		return 0;
	for (;;) {
		char **f;
		size_t n, i;
		long line;
		int eof;
		enum pt_err err = pt_csv_next(c, &f, &n, &line, &eof, &d);
		if (err != PT_OK) {
			if (d.line < 1 || !d.msg[0])
				__builtin_trap(); /* every error names a line and says why */
			pt_diag_format(&d, msg, sizeof msg);
			break;
		}
		if (eof)
			break;
		if (line < 1 || n < 1 || n > PT_CSV_FIELDS_MAX)
			__builtin_trap();
		for (i = 0; i < n; i++) {
			if (strlen(f[i]) > PT_CSV_FIELD_MAX)
				__builtin_trap();
			check_numbers(f[i]);
		}
		if (rows++ == 0 &&
		    pt_csv_match_header(f, n, known, 5, required, map, line, &d) == PT_OK) {
			for (i = 0; i < n; i++)
				names[i] = known[map[i]];
			pt_csv_set_names(c, names, n);
		}
		if (reproducible(f, n))
			check_round_trip(f, n);
	}
	pt_csv_free(c);
	return 0;
}
