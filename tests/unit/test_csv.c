/* test_csv.c - unit tests of src/formats/pt_csv.c: the RFC 4180 reader (quotes, lines,
 * BOM, UTF-8, limits), the writer and its formula guard, header matching, numbers, helpers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_csv.h"
#include "formats/pt_diag.h"
#include "pt_test.h"

static char out_buf[1 << 16];

/*
 * Read every record of buf[0..len) and render it as "L:a|b;" per record
 * (L the record's line), or, on error, append "ERR L field: msg" and stop.
 * Returns the error code.
 */
static enum pt_err dump_n(const char *buf, size_t len)
{
	struct pt_csv *c = NULL;
	struct pt_diag d;
	enum pt_err err;
	size_t used = 0;
	memset(&d, 0, sizeof d);
	out_buf[0] = '\0';
	err = pt_csv_open(buf, len, &c);
	if (err != PT_OK)
		return err;
	for (;;) {
		char **f;
		size_t n, i;
		long line;
		int eof;
		err = pt_csv_next(c, &f, &n, &line, &eof, &d);
		if (err != PT_OK) {
			char msg[1400];
			pt_diag_format(&d, msg, sizeof msg);
			snprintf(out_buf + used, sizeof out_buf - used, "ERR %s", msg);
			break;
		}
		if (eof)
			break;
		used += (size_t)snprintf(out_buf + used, sizeof out_buf - used, "%ld:", line);
		for (i = 0; i < n; i++)
			used += (size_t)snprintf(out_buf + used, sizeof out_buf - used, "%s%s",
						 i ? "|" : "", f[i]);
		used += (size_t)snprintf(out_buf + used, sizeof out_buf - used, ";");
		if (used >= sizeof out_buf - 1)
			break;
	}
	pt_csv_free(c);
	return err;
}

static enum pt_err dump(const char *s)
{
	return dump_n(s, strlen(s));
}

static void test_basic_records(void)
{
	CHECK_INT(dump("a,b,c\n1,2,3\n"), PT_OK);
	CHECK_STR(out_buf, "1:a|b|c;2:1|2|3;");
	/* no newline at the end, CRLF line ends, a CR right before the end */
	CHECK_INT(dump("a,b\r\n1,2"), PT_OK);
	CHECK_STR(out_buf, "1:a|b;2:1|2;");
	CHECK_INT(dump("a,b\r\n1,2\r"), PT_OK);
	CHECK_STR(out_buf, "1:a|b;2:1|2;");
	/* empty fields, a trailing comma */
	CHECK_INT(dump(",x,\n,\n"), PT_OK);
	CHECK_STR(out_buf, "1:|x|;2:|;");
	/* empty input and a lone BOM are no records */
	CHECK_INT(dump(""), PT_OK);
	CHECK_STR(out_buf, "");
	CHECK_INT(dump("\xEF\xBB\xBF"), PT_OK);
	CHECK_STR(out_buf, "");
	CHECK_INT(dump_n(NULL, 0), PT_OK);
	CHECK_STR(out_buf, "");
}

static void test_quotes(void)
{
	CHECK_INT(dump("\"a,b\",\"say \"\"hi\"\"\",\"\"\n"), PT_OK);
	CHECK_STR(out_buf, "1:a,b|say \"hi\"|;");
	/* an embedded newline: the next record starts two lines further */
	CHECK_INT(dump("id,name\n1,\"two\nlines\"\n2,x\n"), PT_OK);
	CHECK_STR(out_buf, "1:id|name;2:1|two\nlines;4:2|x;");
	/* CRLF inside quotes is kept as data; the lines are still counted */
	CHECK_INT(dump("\"a\r\nb\"\r\nc\r\n"), PT_OK);
	CHECK_STR(out_buf, "1:a\r\nb;3:c;");
	/* a quoted field at the very end, without a newline */
	CHECK_INT(dump("x,\"y\""), PT_OK);
	CHECK_STR(out_buf, "1:x|y;");
}

static void test_blank_lines_and_bom(void)
{
	CHECK_INT(dump("\xEF\xBB\xBFid,n\n\n   \n\t\r\n1,a\n\n"), PT_OK);
	CHECK_STR(out_buf, "1:id|n;5:1|a;");
	/* a BOM anywhere but the start is data */
	CHECK_INT(dump("a\n\xEF\xBB\xBF" "b\n"), PT_OK);
	CHECK_STR(out_buf, "1:a;2:\xEF\xBB\xBF" "b;");
	/* a line with spaces and text is not blank: spaces are data */
	CHECK_INT(dump(" a ,b\n"), PT_OK);
	CHECK_STR(out_buf, "1: a |b;");
}

static void test_quote_errors(void)
{
	CHECK_INT(dump("a,b\n1,\"open\n\nstill open\n"), PT_EINVAL);
	CHECK_STR(out_buf, "1:a|b;ERR line 2: quoted field never closes (missing closing \") "
			   "(field 2)");
	CHECK_INT(dump("a,b\n1,x\"y\n"), PT_EINVAL);
	CHECK_STR(out_buf, "1:a|b;ERR line 2: quote inside an unquoted field (quote the whole "
			   "field and double the quote: \"\") (field 2)");
	CHECK_INT(dump("a,b\n\"multi\nline\"x,1\n"), PT_EINVAL);
	CHECK_STR(out_buf, "1:a|b;ERR line 3: unexpected text after a closing quote (a quote "
			   "inside a quoted field is written \"\") (field 1)");
	CHECK_INT(dump("a\rb\n"), PT_EINVAL);
	CHECK_STR(out_buf, "ERR line 1: carriage return inside a field (lines end with LF or "
			   "CRLF; quote a field that holds line breaks) (field 1)");
}

static void test_utf8(void)
{
	/* valid: 2, 3 and 4 byte characters, the largest code point */
	CHECK_INT(dump("caf\xC3\xA9,\xE2\x82\xAC,\xF0\x9F\x98\x80,\xF4\x8F\xBF\xBF\n"), PT_OK);
	CHECK_STR(out_buf, "1:caf\xC3\xA9|\xE2\x82\xAC|\xF0\x9F\x98\x80|\xF4\x8F\xBF\xBF;");
	/* overlong encodings */
	CHECK_INT(dump("ok\n\xC0\xAF\n"), PT_EINVAL);
	CHECK_STR(out_buf, "1:ok;ERR line 2: invalid UTF-8 (byte 0xC0: an overlong encoding); "
			   "save the file as UTF-8 (field 1)");
	CHECK_INT(dump("\xE0\x80\xAF"), PT_EINVAL);
	CHECK_STR(out_buf, "ERR line 1: invalid UTF-8 (byte 0xE0: an overlong encoding); save "
			   "the file as UTF-8 (field 1)");
	CHECK_INT(dump("\xF0\x80\x80\xAF"), PT_EINVAL);
	CHECK_STR(out_buf, "ERR line 1: invalid UTF-8 (byte 0xF0: an overlong encoding); save "
			   "the file as UTF-8 (field 1)");
	/* a UTF-16 surrogate (U+D800) */
	CHECK_INT(dump("x,\xED\xA0\x80\n"), PT_EINVAL);
	CHECK_STR(out_buf, "ERR line 1: invalid UTF-8 (byte 0xED: a UTF-16 surrogate); save the "
			   "file as UTF-8 (field 2)");
	/* above U+10FFFF */
	CHECK_INT(dump("\xF4\x90\x80\x80"), PT_EINVAL);
	CHECK_STR(out_buf, "ERR line 1: invalid UTF-8 (byte 0xF4: a code point above U+10FFFF); "
			   "save the file as UTF-8 (field 1)");
	CHECK_INT(dump("\xF5\x80\x80\x80"), PT_EINVAL);
	CHECK_STR(out_buf, "ERR line 1: invalid UTF-8 (byte 0xF5: a code point above U+10FFFF); "
			   "save the file as UTF-8 (field 1)");
	/* a stray continuation byte (Latin-1 text), an incomplete multi-byte character at the end */
	CHECK_INT(dump("a\nb\nM\xFCnchen\n"), PT_EINVAL);
	CHECK_STR(out_buf, "1:a;2:b;ERR line 3: invalid UTF-8 (byte 0xFC: a byte that never occurs "
			   "in UTF-8); save the file as UTF-8 (field 1)");
	CHECK_INT(dump("caf\xE9,x\n"), PT_EINVAL);
	CHECK_STR(out_buf, "ERR line 1: invalid UTF-8 (byte 0xE9: an incomplete multi-byte "
			   "character); save the file as UTF-8 (field 1)");
	CHECK_INT(dump("x\x80"), PT_EINVAL);
	CHECK_STR(out_buf, "ERR line 1: invalid UTF-8 (byte 0x80: a continuation byte without a "
			   "lead byte); save the file as UTF-8 (field 1)");
	CHECK_INT(dump("x\xE2\x82"), PT_EINVAL);
	CHECK_STR(out_buf, "ERR line 1: invalid UTF-8 (byte 0xE2: an incomplete multi-byte "
			   "character); save the file as UTF-8 (field 1)");
	/* a lead byte followed by a newline: the error names the line of the lead byte */
	CHECK_INT(dump("a\n\"x\n\xC3\ny\"\n"), PT_EINVAL);
	CHECK_STR(out_buf, "1:a;ERR line 3: invalid UTF-8 (byte 0xC3: an incomplete multi-byte "
			   "character); save the file as UTF-8 (field 1)");
	/* UTF-16 files are named as such */
	CHECK_INT(dump_n("\xFF\xFEi\0d\0", 6), PT_EINVAL);
	CHECK_STR(out_buf, "ERR line 1: the file is UTF-16; save it as UTF-8 (field 1)");
}

static void test_error_line_inside_multiline_field(void)
{
	/* the record starts on line 2, the bad byte is on line 4 */
	const char *s = "id,notes\nA,\"first\nsecond\nthird \xFF\"\n";
	CHECK_INT(dump(s), PT_EINVAL);
	CHECK_STR(out_buf, "1:id|notes;ERR line 4: invalid UTF-8 (byte 0xFF: a byte that never "
			   "occurs in UTF-8); save the file as UTF-8 (field 2)");
}

static void test_nul_byte(void)
{
	CHECK_INT(dump_n("a,b\nc,d\0e\n", 10), PT_EINVAL);
	CHECK_STR(out_buf, "1:a|b;ERR line 2: NUL byte in the data (is this a binary or UTF-16 "
			   "file?) (field 2)");
	CHECK_INT(dump_n("\"\0\"", 3), PT_EINVAL);
	CHECK_STR(out_buf, "ERR line 1: NUL byte in the data (is this a binary or UTF-16 file?) "
			   "(field 1)");
}

static void test_field_limit(void)
{
	size_t n = PT_CSV_FIELD_MAX + 16;
	char *buf = malloc(n + 8);
	if (!buf) {
		CHECK(0);
		return;
	}
	/* exactly 4096 bytes is fine */
	memcpy(buf, "h\n", 2);
	memset(buf + 2, 'x', PT_CSV_FIELD_MAX);
	buf[2 + PT_CSV_FIELD_MAX] = '\n';
	CHECK_INT(dump_n(buf, PT_CSV_FIELD_MAX + 3), PT_OK);
	CHECK_INT((long long)strlen(out_buf), 4 + 2 + PT_CSV_FIELD_MAX + 1);
	/* one byte more is an error naming the line */
	buf[2 + PT_CSV_FIELD_MAX] = 'x';
	buf[3 + PT_CSV_FIELD_MAX] = '\n';
	CHECK_INT(dump_n(buf, PT_CSV_FIELD_MAX + 4), PT_ELIMIT);
	CHECK_STR(out_buf, "1:h;ERR line 2: field longer than 4096 bytes (field 1)");
	/* the same in quotes, and a multi-byte character that would cross the limit */
	buf[2] = '"';
	memset(buf + 3, 'x', PT_CSV_FIELD_MAX - 1);
	memcpy(buf + 2 + PT_CSV_FIELD_MAX, "\xC3\xA9\"\n", 4); /* 4095 + 2 bytes */
	CHECK_INT(dump_n(buf, PT_CSV_FIELD_MAX + 6), PT_ELIMIT);
	CHECK_STR(out_buf, "1:h;ERR line 2: field longer than 4096 bytes (field 1)");
	free(buf);
}

static void test_field_count_limit(void)
{
	char buf[PT_CSV_FIELDS_MAX * 2 + 8];
	size_t i, n = 0;
	enum pt_err err;
	for (i = 0; i < PT_CSV_FIELDS_MAX; i++) {
		buf[n++] = 'f';
		buf[n++] = ',';
	}
	buf[n - 1] = '\n'; /* 256 fields */
	CHECK_INT(dump_n(buf, n), PT_OK);
	buf[n - 1] = ',';
	buf[n++] = 'g'; /* 257 */
	buf[n++] = '\n';
	err = dump_n(buf, n);
	CHECK_INT(err, PT_ELIMIT);
	CHECK_STR(out_buf, "ERR line 1: more than 256 fields in a record");
}

static void test_row_limit(void)
{
	/* PT_CSV_ROWS_MAX records read; one more is an error naming its line */
	size_t n = (size_t)PT_CSV_ROWS_MAX + 1, i;
	char *buf = malloc(2 * n);
	struct pt_csv *c = NULL;
	struct pt_diag d;
	enum pt_err err = PT_OK;
	long rows = 0, line = 0;
	if (!buf) {
		CHECK(0);
		return;
	}
	for (i = 0; i < n; i++) {
		buf[2 * i] = '1';
		buf[2 * i + 1] = '\n';
	}
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_csv_open(buf, 2 * n, &c), PT_OK);
	for (;;) {
		char **f;
		size_t nf;
		int eof;
		err = pt_csv_next(c, &f, &nf, &line, &eof, &d);
		if (err != PT_OK || eof)
			break;
		rows++;
	}
	CHECK_INT(err, PT_ELIMIT);
	CHECK_INT(rows, PT_CSV_ROWS_MAX);
	CHECK_INT(d.line, PT_CSV_ROWS_MAX + 1);
	CHECK_STR(d.msg, "more than 10000000 records");
	pt_csv_free(c);
	free(buf);
}

static void test_names_in_errors(void)
{
	static const char *const names[] = {"id", "name"};
	struct pt_csv *c = NULL;
	struct pt_diag d;
	char **f;
	size_t n;
	long line;
	int eof;
	char msg[1400];
	const char *s = "id,name\nA,\"B\xC0\"\n";
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, "sites.csv", sizeof d.file);
	CHECK_INT(pt_csv_open(s, strlen(s), &c), PT_OK);
	CHECK_INT(pt_csv_next(c, &f, &n, &line, &eof, &d), PT_OK);
	pt_csv_set_names(c, names, 2);
	CHECK_INT(pt_csv_next(c, &f, &n, &line, &eof, &d), PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "sites.csv:2: name: invalid UTF-8 (byte 0xC0: an overlong encoding); save "
		       "the file as UTF-8");
	pt_csv_free(c);
	pt_csv_free(NULL);
}

static const char *const known[] = {"id", "name", "lat", "note"};
static const unsigned char required[] = {1, 1, 1, 0};

static enum pt_err header(const char *line, int *map, char *msg, size_t size)
{
	struct pt_csv *c = NULL;
	struct pt_diag d;
	char **f;
	size_t n;
	long l;
	int eof;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, "x.csv", sizeof d.file);
	msg[0] = '\0';
	if (pt_csv_open(line, strlen(line), &c) != PT_OK)
		return PT_ENOMEM;
	err = pt_csv_next(c, &f, &n, &l, &eof, &d);
	if (err == PT_OK)
		err = pt_csv_match_header(f, n, known, 4, required, map, l, &d);
	if (err != PT_OK)
		pt_diag_format(&d, msg, size);
	pt_csv_free(c);
	return err;
}

static void test_match_header(void)
{
	int map[PT_CSV_FIELDS_MAX];
	char msg[1400];
	CHECK_INT(header("lat,id,name\n", map, msg, sizeof msg), PT_OK);
	CHECK_INT(map[0], 2);
	CHECK_INT(map[1], 0);
	CHECK_INT(map[2], 1);
	CHECK_INT(header("note,name,id,lat\n", map, msg, sizeof msg), PT_OK);
	CHECK_INT(map[0], 3);
	CHECK_INT(header("\n\nid,name,lat,colour\n", map, msg, sizeof msg), PT_EINVAL);
	CHECK_STR(msg, "x.csv:3: unknown column \"colour\"; known columns: id, name, lat, note");
	CHECK_INT(header("id,name\n", map, msg, sizeof msg), PT_EINVAL);
	CHECK_STR(msg, "x.csv:1: lat: required column missing");
	CHECK_INT(header("id,name,lat,name\n", map, msg, sizeof msg), PT_EINVAL);
	CHECK_STR(msg, "x.csv:1: name: duplicate column (columns 2 and 4)");
	CHECK_INT(header("id,,lat\n", map, msg, sizeof msg), PT_EINVAL);
	CHECK_STR(msg, "x.csv:1: column 2 has no name");
	/* names are matched exactly */
	CHECK_INT(header("ID,name,lat\n", map, msg, sizeof msg), PT_EINVAL);
	CHECK_STR(msg, "x.csv:1: unknown column \"ID\"; known columns: id, name, lat, note");
}

static void test_write_field(void)
{
	static const char *const cases[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "cr\r",
					    "", "caf\xC3\xA9", "\xEF\xBB\xBF" "bom", " \t", " x "};
	char *mem = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&mem, &len);
	if (!f) {
		CHECK(0);
		return;
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (i)
			fputc(',', f);
		pt_csv_write_field(f, cases[i]);
	}
	fputc('\n', f);
	fclose(f);
	CHECK_STR(mem, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",,caf\xC3\xA9,"
		       "\"\xEF\xBB\xBF" "bom\",\" \t\", x \n");
	/* and it reads back */
	CHECK_INT(dump(mem), PT_OK);
	CHECK_STR(out_buf, "1:plain|a,b|say \"hi\"|two\nlines|cr\r||caf\xC3\xA9|\xEF\xBB\xBF"
			   "bom| \t| x ;");
	free(mem);
	/* a BOM or blanks as the only field of the first record survive too */
	mem = NULL;
	f = open_memstream(&mem, &len);
	if (!f)
		return;
	pt_csv_write_field(f, "\xEF\xBB\xBF" "id");
	fputc('\n', f);
	pt_csv_write_field(f, "  ");
	fputc('\n', f);
	fclose(f);
	CHECK_INT(dump(mem), PT_OK);
	CHECK_STR(out_buf, "1:\xEF\xBB\xBF" "id;2:  ;");
	free(mem);
}

/* Write each of cases as one field of one record, return the text (free it). */
static char *write_record(const char *const *cases, size_t n)
{
	char *mem = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&mem, &len);
	if (!f)
		return NULL;
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		pt_csv_write_field(f, cases[i]);
	}
	fputc('\n', f);
	fclose(f);
	return mem;
}

/* OWASP "CSV Injection": text that a spreadsheet would take for a formula is guarded. */
static void test_write_guards_formulas(void)
{
	static const char *const cases[] = {
		"=HYPERLINK(\"http://x\",\"y\")", "-5 Hall", "@risk", "+44 line", "\tTab", "\rCR",
		"-5", "-3.5", "-", "'=x", "''@y", "'plain", "'", "O'Neill", "Hall -5", "a=b", ""};
	char *mem = write_record(cases, sizeof cases / sizeof cases[0]);
	if (!mem) {
		CHECK(0);
		return;
	}
	CHECK_STR(mem, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'-5 Hall\",\"'@risk\","
		       "\"'+44 line\",\"'\tTab\",\"'\rCR\",\"'-5\",\"'-3.5\",\"'-\",\"''=x\","
		       "\"'''@y\",'plain,',O'Neill,Hall -5,a=b,\n");
	free(mem);
}

/* The reader drops the guard: an apostrophe, then (after more apostrophes) = + - @ TAB CR. */
static void test_read_drops_guard(void)
{
	CHECK_INT(dump("'=1,'-2,'+3,'@4,\"'\t5\",\"'\r6\"\n"), PT_OK);
	CHECK_STR(out_buf, "1:=1|-2|+3|@4|\t5|\r6;");
	/* only the first apostrophe goes, quoted or not */
	CHECK_INT(dump("''=1,\"''-2\",'''@3\n"), PT_OK);
	CHECK_STR(out_buf, "1:'=1|'-2|''@3;");
	/* anything else keeps its apostrophes */
	CHECK_INT(dump("'x,',','a=b,'',x'=,' =1\n"), PT_OK);
	CHECK_STR(out_buf, "1:'x|'|'|'a=b|''|x'=|' =1;");
	/* unguarded text and numbers are read as they are */
	CHECK_INT(dump("=1,-3.5,@x\n"), PT_OK);
	CHECK_STR(out_buf, "1:=1|-3.5|@x;");
	/* the header row too (the same reader) */
	CHECK_INT(dump("'-id\n"), PT_OK);
	CHECK_STR(out_buf, "1:-id;");
}

/* Whatever the text, written and read back it is the same: the writer guards exactly what
 * the reader unguards. */
static void test_guard_round_trip(void)
{
	static const char *const cases[] = {
		"=", "+", "-", "@", "\t", "\r", "'", "''", "'=", "''=", "'''-x", "'x", "x'",
		"=HYPERLINK(\"http://x\",\"y\")", "-5 Hall", "@risk", "+44 line", "-5", "-3.5",
		" =1", "a\nb", "-\n=", "\xEF\xBB\xBF=", "=\xC3\xA9", "plain", "x",
		/* guards at ; tab and line breaks */
		"a;b", ";=", ";'=", "x;;=y", "=;=", "Hall;=1+1;", ";", ";;", "';", ";'", ";''",
		"a;'", "\t;\t=", "\n=", "\r\n-", "x;\"=1", ";\"'\"-", "'\"=", "\"", "\"\"",
		"a\t'\t'=b", "; =1", "=\n=\r=\t=;=", ";'''@", "\n'\n''\n"};
	size_t n = sizeof cases / sizeof cases[0], i;
	char *mem = write_record(cases, n);
	struct pt_csv *c = NULL;
	struct pt_diag d;
	char **f;
	size_t m;
	long line;
	int eof;
	memset(&d, 0, sizeof d);
	if (!mem || pt_csv_open(mem, strlen(mem), &c) != PT_OK) {
		CHECK(0);
		free(mem);
		return;
	}
	CHECK_INT(pt_csv_next(c, &f, &m, &line, &eof, &d), PT_OK);
	CHECK_INT(m, n);
	for (i = 0; i < n && i < m; i++)
		CHECK_STR(f[i], cases[i]);
	pt_csv_free(c);
	free(mem);
}

/* The guard does not count towards the 4096-byte limit: the longest text round trips. */
static void test_guard_and_field_limit(void)
{
	char *text = malloc(PT_CSV_FIELD_MAX + 1), *buf = malloc(PT_CSV_FIELD_MAX + 16), *mem;
	const char *one[1];
	size_t len;
	if (!text || !buf) {
		CHECK(0);
		free(text);
		free(buf);
		return;
	}
	/* 4096 bytes starting with '=': written as 4097 (+ quotes), read back whole */
	memset(text, 'x', PT_CSV_FIELD_MAX);
	text[0] = '=';
	text[PT_CSV_FIELD_MAX] = '\0';
	one[0] = text;
	mem = write_record(one, 1);
	CHECK(mem && strlen(mem) == PT_CSV_FIELD_MAX + 4);
	CHECK_INT(dump(mem), PT_OK);
	CHECK_INT((long long)strlen(out_buf), 2 + PT_CSV_FIELD_MAX + 1);
	CHECK(strncmp(out_buf, "1:=xx", 5) == 0);
	free(mem);
	/* 4095 apostrophes then '=': the guard is known only at the last byte */
	memset(text, '\'', PT_CSV_FIELD_MAX - 1);
	text[PT_CSV_FIELD_MAX - 1] = '=';
	mem = write_record(one, 1);
	CHECK_INT(dump(mem), PT_OK);
	CHECK_INT((long long)strlen(out_buf), 2 + PT_CSV_FIELD_MAX + 1);
	free(mem);
	/* a guarded cell of 4098 bytes (a value of 4097) is still too long */
	buf[0] = '\'';
	memset(buf + 1, '-', PT_CSV_FIELD_MAX + 1);
	len = PT_CSV_FIELD_MAX + 2;
	buf[len++] = '\n';
	CHECK_INT(dump_n(buf, len), PT_ELIMIT);
	CHECK_STR(out_buf, "ERR line 1: field longer than 4096 bytes (field 1)");
	/* 4097 bytes that are not a guarded cell are too long as before */
	memset(buf + 1, 'x', PT_CSV_FIELD_MAX);
	len = PT_CSV_FIELD_MAX + 1;
	buf[len++] = '\n';
	CHECK_INT(dump_n(buf, len), PT_ELIMIT);
	/* 4097 apostrophes: too long whatever follows */
	memset(buf, '\'', PT_CSV_FIELD_MAX + 1);
	memcpy(buf + PT_CSV_FIELD_MAX + 1, "=\n", 2);
	CHECK_INT(dump_n(buf, PT_CSV_FIELD_MAX + 3), PT_ELIMIT);
	free(text);
	free(buf);
}

/* A spreadsheet may start a cell after ; (a semicolon-separator locale), a tab or a line
 * break inside a text, where the quotes around the field do not count: each of those is
 * guarded like the start of the cell. */
static void test_write_guards_cell_breaks(void)
{
	static const char *const cases[] = {
		"Hall;=1+1;", "a;b", ";=", ";'=", "x;;=y", "=;=", "a;'x", "a; =1", "a;-",
		"a;@b;+c", "a\t=b", "a\t\t-b", "l1\n=2", "l1\r\n+2", "a\r@b", "x;\"=1+1;",
		"x;\"y", "'\"=x", "\"=x", ";"};
	char *mem = write_record(cases, sizeof cases / sizeof cases[0]);
	if (!mem) {
		CHECK(0);
		return;
	}
	CHECK_STR(mem, "Hall;'=1+1;,a;b,;'=,;''=,x;;'=y,\"'=;'=\",a;'x,a; =1,a;'-,"
		       "a;'@b;'+c,a\t'=b,a\t'\t'-b,\"l1\n'=2\",\"l1\r\n'+2\",\"a\r'@b\","
		       "\"x;'\"\"=1+1;\",\"x;\"\"y\",\"''\"\"=x\",\"'\"\"=x\",;\n");
	free(mem);
}

/* The reader drops a guard after ; tab and line breaks as at the start of a field. */
static void test_read_drops_inner_guards(void)
{
	CHECK_INT(dump("a;'=b,x;''-1,\"l\n'@c\",a\t'\t'=b,\"x;'\"\"=1\"\n"), PT_OK);
	CHECK_STR(out_buf, "1:a;=b|x;'-1|l\n@c|a\t\t=b|x;\"=1;");
	/* anything else keeps its apostrophes */
	CHECK_INT(dump("a;'x,a;' =1,'a;=b,a;',a;'';b,x'=;y'-\n"), PT_OK);
	CHECK_STR(out_buf, "1:a;'x|a;' =1|'a;=b|a;'|a;'';b|x'=;y'-;");
}

/* The guards at cell breaks do not count towards the limit either. */
static void test_inner_guards_and_field_limit(void)
{
	char *text = malloc(PT_CSV_FIELD_MAX + 1), *mem;
	const char *one[1];
	size_t i;
	if (!text) {
		CHECK(0);
		return;
	}
	/* "=;=;=..." of 4096 bytes: 2048 guards, read back whole */
	for (i = 0; i < PT_CSV_FIELD_MAX; i++)
		text[i] = i % 2 ? ';' : '=';
	text[PT_CSV_FIELD_MAX] = '\0';
	one[0] = text;
	mem = write_record(one, 1);
	CHECK(mem && strlen(mem) == PT_CSV_FIELD_MAX + PT_CSV_FIELD_MAX / 2 + 3);
	CHECK_INT(dump(mem), PT_OK);
	CHECK_INT((long long)strlen(out_buf), 2 + PT_CSV_FIELD_MAX + 1);
	CHECK(strncmp(out_buf, "1:=;=;", 6) == 0);
	free(mem);
	/* 4093 bytes, then ";'=": 4097 bytes written, the guard known at the last one */
	memset(text, 'x', PT_CSV_FIELD_MAX - 3);
	memcpy(text + PT_CSV_FIELD_MAX - 3, ";'=", 4);
	mem = write_record(one, 1);
	CHECK(mem && strlen(mem) == PT_CSV_FIELD_MAX + 2);
	CHECK_INT(dump(mem), PT_OK);
	CHECK_INT((long long)strlen(out_buf), 2 + PT_CSV_FIELD_MAX + 1);
	free(mem);
	/* one byte more before it: a text of 4097 bytes is too long, guard or not */
	mem = malloc(PT_CSV_FIELD_MAX + 8);
	if (mem) {
		memset(mem, 'x', PT_CSV_FIELD_MAX - 2);
		memcpy(mem + PT_CSV_FIELD_MAX - 2, ";''=\n", 6);
		CHECK_INT(dump(mem), PT_ELIMIT);
		CHECK_STR(out_buf, "ERR line 1: field longer than 4096 bytes (field 1)");
		/* apostrophes after a ; that reach 4097 bytes and are no guard */
		memcpy(mem + PT_CSV_FIELD_MAX - 2, ";''\n", 5);
		CHECK_INT(dump(mem), PT_ELIMIT);
		CHECK_STR(out_buf, "ERR line 1: field longer than 4096 bytes (field 1)");
		memcpy(mem + PT_CSV_FIELD_MAX - 2, ";''x\n", 6);
		CHECK_INT(dump(mem), PT_ELIMIT);
		free(mem);
	} else {
		CHECK(0);
	}
	free(text);
}

static void test_parse_numbers(void)
{
	static const char *const good[] = {"0", "-1.5", "+2", ".5", "5.", "1e3", "1E-3", "007"};
	static const double good_v[] = {0, -1.5, 2, 0.5, 5, 1000, 0.001, 7};
	static const char *const bad[] = {"", "12abc", "nan", "NaN", "inf", "-infinity", "0x10",
					  " 1", "1 ", "1e", "+", ".", "1,5", "e5", "--1"};
	double v = 0;
	long long ll = 0;
	size_t i;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		CHECK_INT(pt_parse_double(good[i], &v), PT_OK);
		CHECK_NEAR(v, good_v[i], 0);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (pt_parse_double(bad[i], &v) != PT_EINVAL) {
			fprintf(stderr, "accepted \"%s\"\n", bad[i]);
			CHECK(0);
		}
	}
	CHECK_INT(pt_parse_double("1e999", &v), PT_ELIMIT);
	CHECK_INT(pt_parse_double("-1e999", &v), PT_ELIMIT);
	CHECK_INT(pt_parse_llong("-42", &ll), PT_OK);
	CHECK_INT(ll, -42);
	CHECK_INT(pt_parse_llong("9223372036854775807", &ll), PT_OK);
	CHECK_INT(ll, 9223372036854775807LL);
	CHECK_INT(pt_parse_llong("9223372036854775808", &ll), PT_ELIMIT);
	CHECK_INT(pt_parse_llong("1.0", &ll), PT_EINVAL);
	CHECK_INT(pt_parse_llong("1e3", &ll), PT_EINVAL);
	CHECK_INT(pt_parse_llong("", &ll), PT_EINVAL);
	CHECK_INT(pt_parse_llong(" 1", &ll), PT_EINVAL);
}

static void test_field_helpers(void)
{
	struct pt_diag d;
	double v;
	long long ll;
	char dst[8], msg[1400];
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, "f.csv", sizeof d.file);
	CHECK_INT(pt_field_double("", 4, "lat", &v, &d), PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "f.csv:4: lat: missing value (a number is required)");
	CHECK_INT(pt_field_double("12abc", 5, "lat", &v, &d), PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "f.csv:5: lat: \"12abc\" is not a number");
	CHECK_INT(pt_field_double("1e400", 5, "lat", &v, &d), PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "f.csv:5: lat: \"1e400\" is too large");
	CHECK_INT(pt_field_llong("7.5", 6, "capacity", &ll, &d), PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "f.csv:6: capacity: \"7.5\" is not a whole number");
	CHECK_INT(pt_field_llong("x", 6, "capacity", &ll, &d), PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "f.csv:6: capacity: \"x\" is not a number");
	CHECK_INT(pt_field_llong("", 6, "capacity", &ll, &d), PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "f.csv:6: capacity: missing value (a whole number is required)");
	CHECK_INT(pt_field_llong("99999999999999999999", 6, "capacity", &ll, &d), PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "f.csv:6: capacity: \"99999999999999999999\" is too large");
	CHECK_INT(pt_field_text("abcdefgh", dst, sizeof dst, 1, PT_TEXT_ONE_LINE, 7, "name", &d),
		  PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "f.csv:7: name: too long (8 bytes; at most 7)");
	CHECK_INT(pt_field_text("", dst, sizeof dst, 1, PT_TEXT_ONE_LINE, 7, "name", &d), PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "f.csv:7: name: missing value");
	CHECK_INT(pt_field_text("a\tb", dst, sizeof dst, 1, PT_TEXT_ONE_LINE, 7, "kind", &d),
		  PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "f.csv:7: kind: contains a control character (0x09); this field is one line "
		       "of text");
	/* names may span lines, but hold no other control characters */
	CHECK_INT(pt_field_text("a\r\n\tb", dst, sizeof dst, 1, PT_TEXT_LINES, 7, "name", &d), PT_OK);
	CHECK_STR(dst, "a\r\n\tb");
	CHECK_INT(pt_field_text("a\x1b[2J", dst, sizeof dst, 1, PT_TEXT_LINES, 7, "name", &d),
		  PT_EINVAL);
	pt_diag_format(&d, msg, sizeof msg);
	CHECK_STR(msg, "f.csv:7: name: contains a control character (0x1B)");
	CHECK_INT(pt_field_text("a\x7f", dst, sizeof dst, 1, PT_TEXT_LINES, 7, "name", &d), PT_EINVAL);
	CHECK_INT(pt_field_text("a\x01\nb", dst, sizeof dst, 0, PT_TEXT_ANY, 7, "notes", &d), PT_OK);
	CHECK_STR(dst, "a\x01\nb");
	{
		char id[64];
		char long_id[65];
		memset(long_id, 'a', 64);
		long_id[64] = '\0';
		CHECK_INT(pt_field_id("H-01.a_b", id, sizeof id, 8, "id", &d), PT_OK);
		CHECK_STR(id, "H-01.a_b");
		CHECK_INT(pt_field_id(long_id, id, sizeof id, 8, "id", &d), PT_EINVAL);
		pt_diag_format(&d, msg, sizeof msg);
		CHECK_STR(msg, "f.csv:8: id: too long (64 bytes; at most 63)");
		long_id[63] = '\0';
		CHECK_INT(pt_field_id(long_id, id, sizeof id, 8, "id", &d), PT_OK);
		CHECK_INT(pt_field_id("H 01", id, sizeof id, 9, "id", &d), PT_EINVAL);
		pt_diag_format(&d, msg, sizeof msg);
		CHECK_STR(msg, "f.csv:9: id: \"H 01\" is not a valid id (1-63 letters, digits, '.', "
			       "'_' or '-')");
		CHECK_INT(pt_field_id("", id, sizeof id, 9, "id", &d), PT_EINVAL);
		pt_diag_format(&d, msg, sizeof msg);
		CHECK_STR(msg, "f.csv:9: id: missing value");
	}
	CHECK(!pt_id_valid(""));
	CHECK(!pt_id_valid("caf\xC3\xA9"));
	CHECK(pt_id_valid("A-1"));
}

static void test_format_double(void)
{
	static const double vals[] = {0.1, 1.0 / 3, 50.123456, -33.8688197, 1e-300, 1e300,
				      5e-324, 1.7976931348623157e308, 2.5, 123456789.125};
	char buf[64];
	double back;
	size_t i;
	unsigned long long x = 88172645463325252ULL;
	pt_format_double(buf, sizeof buf, 50.1);
	CHECK_STR(buf, "50.1");
	pt_format_double(buf, sizeof buf, 1.5e9);
	CHECK_STR(buf, "1500000000");
	pt_format_double(buf, sizeof buf, 12345678901234567.0);
	CHECK_STR(buf, "12345678901234568");
	pt_format_double(buf, sizeof buf, 1e20);
	CHECK_STR(buf, "1e+20");
	pt_format_double(buf, sizeof buf, 1234567.89);
	CHECK_STR(buf, "1234567.89");
	pt_format_double(buf, sizeof buf, -0.0);
	CHECK_STR(buf, "0");
	pt_format_double(buf, sizeof buf, 0.3);
	CHECK_STR(buf, "0.3");
	for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		pt_format_double(buf, sizeof buf, vals[i]);
		CHECK_INT(pt_parse_double(buf, &back), PT_OK);
		CHECK(back == vals[i]);
	}
	/* random bit patterns (xorshift) read back exactly */
	for (i = 0; i < 20000; i++) {
		double v;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&v, &x, sizeof v);
		if (!isfinite(v))
			continue;
		pt_format_double(buf, sizeof buf, v);
		if (pt_parse_double(buf, &back) != PT_OK || back != v) {
			fprintf(stderr, "%s does not read back\n", buf);
			CHECK(0);
			break;
		}
	}
}

static void test_quote_for_msg(void)
{
	char buf[100], small[8];
	char long_s[200];
	pt_quote_for_msg(buf, sizeof buf, "a\"b\x1b[31m");
	CHECK_STR(buf, "\"a\\\"b\\x1B[31m\"");
	memset(long_s, 'z', sizeof long_s - 1);
	long_s[sizeof long_s - 1] = '\0';
	pt_quote_for_msg(buf, sizeof buf, long_s);
	CHECK_INT((long long)strlen(buf), 1 + 60 + 3 + 1);
	CHECK(strcmp(buf + strlen(buf) - 4, "...\"") == 0);
	pt_quote_for_msg(small, sizeof small, "abcdefgh");
	CHECK(strlen(small) < sizeof small);
	pt_quote_for_msg(buf, sizeof buf, "M\xFCnchen");
	CHECK_STR(buf, "\"M\\xFCnchen\"");
}

static const char *nth_id(const void *ctx, size_t i)
{
	return ((const char *const *)ctx)[i];
}

static void test_join_ids(void)
{
	static const char *const ids[] = {"alpha", "beta", "gamma", "delta"};
	char buf[64], small[20];
	pt_join_ids(buf, sizeof buf, 4, nth_id, ids);
	CHECK_STR(buf, "alpha, beta, gamma, delta");
	pt_join_ids(small, sizeof small, 4, nth_id, ids);
	CHECK_STR(small, "alpha, beta, ...");
	pt_join_ids(buf, sizeof buf, 0, nth_id, ids);
	CHECK_STR(buf, "");
}

static void test_keyset(void)
{
	struct pt_keyset *k = NULL;
	long first = 0;
	char key[32];
	int i, dup = 0;
	CHECK_INT(pt_keyset_new(&k), PT_OK);
	CHECK_INT(pt_keyset_add(k, "a\0b", 3, 2, &first), PT_OK);
	CHECK_INT(pt_keyset_add(k, "a\0c", 3, 3, &first), PT_OK);
	CHECK_INT(pt_keyset_add(k, "a", 1, 4, &first), PT_OK);
	CHECK_INT(pt_keyset_add(k, "", 0, 5, &first), PT_OK);
	CHECK_INT(pt_keyset_add(k, "a\0b", 3, 9, &first), PT_ECONFLICT);
	CHECK_INT(first, 2);
	CHECK_INT(pt_keyset_add(k, "", 0, 10, &first), PT_ECONFLICT);
	CHECK_INT(first, 5);
	for (i = 0; i < 50000; i++) {
		snprintf(key, sizeof key, "site-%d", i);
		CHECK_INT(pt_keyset_add(k, key, strlen(key), 100 + i, &first), PT_OK);
	}
	for (i = 0; i < 50000; i += 997) {
		snprintf(key, sizeof key, "site-%d", i);
		if (pt_keyset_add(k, key, strlen(key), 1, &first) == PT_ECONFLICT && first == 100 + i)
			dup++;
	}
	CHECK_INT(dup, (50000 + 996) / 997);
	pt_keyset_free(k);
	pt_keyset_free(NULL);
}

int main(void)
{
	RUN(test_basic_records);
	RUN(test_quotes);
	RUN(test_blank_lines_and_bom);
	RUN(test_quote_errors);
	RUN(test_utf8);
	RUN(test_error_line_inside_multiline_field);
	RUN(test_nul_byte);
	RUN(test_field_limit);
	RUN(test_field_count_limit);
	RUN(test_row_limit);
	RUN(test_names_in_errors);
	RUN(test_match_header);
	RUN(test_write_field);
	RUN(test_write_guards_formulas);
	RUN(test_read_drops_guard);
	RUN(test_guard_round_trip);
	RUN(test_guard_and_field_limit);
	RUN(test_write_guards_cell_breaks);
	RUN(test_read_drops_inner_guards);
	RUN(test_inner_guards_and_field_limit);
	RUN(test_parse_numbers);
	RUN(test_field_helpers);
	RUN(test_format_double);
	RUN(test_quote_for_msg);
	RUN(test_join_ids);
	RUN(test_keyset);
	return TEST_SUMMARY("test_csv");
}
