/* cli_util.c - helpers shared by the subcommands: messages, reading
 * input files within limits, opening the database, the progress bar,
 * number and cell formatting. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "formats/pt_diag.h"

void pt_cli_errorf(const char *fmt, ...)
{
	va_list ap;
	fputs("protect: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int pt_cli_fail(enum pt_err err, const struct pt_diag *d)
{
	char msg[2048];
	pt_diag_format(d, msg, sizeof msg);
	if (!msg[0])
		pt_cli_errorf("%s", pt_strerror(err));
	else
		pt_cli_errorf("%s", msg);
	return pt_err_exit_status(err);
}

void pt_cli_print_warning(void *ctx, const char *file, long line, const char *field,
			  const char *msg)
{
	(void)ctx;
	fputs("protect: ", stderr);
	if (file && file[0])
		fprintf(stderr, line > 0 ? "%s:%ld: " : "%s: ", file, line);
	if (field && field[0])
		fprintf(stderr, "%s: ", field);
	fprintf(stderr, "warning: %s\n", msg);
}

int pt_cli_open_db(const struct pt_cli *cli, int create, struct pt_db **db)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	err = pt_db_open(cli->db_path, create, db, &d);
	if (err != PT_OK) {
		if (!d.file[0] && !strstr(d.msg, cli->db_path))
			pt_strlcpy(d.file, cli->db_path, sizeof d.file);
		return pt_cli_fail(err, &d);
	}
	if (!create && !pt_db_is_initialised(*db)) {
		pt_cli_errorf("%s: not initialised; run 'protect init' or 'protect demo'",
			      cli->db_path);
		pt_db_close(*db);
		*db = NULL;
		return 66;
	}
	return 0;
}

static int read_fail(FILE *f, char *data, int status)
{
	free(data);
	if (f && f != stdin)
		fclose(f);
	return status;
}

int pt_cli_read_file(const char *path, char **buf, size_t *len)
{
	FILE *f;
	struct stat st;
	char *data = NULL;
	size_t cap = 0, used = 0, n;
	*buf = NULL;
	*len = 0;
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		int e = errno;
		pt_cli_errorf("%s: %s", path, strerror(e));
		return e == ENOENT || e == ENOTDIR || e == EACCES ? 66 : 74;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		pt_cli_errorf("%s: is a directory", path);
		return read_fail(f, NULL, 66);
	}
	do {
		if (used == cap) {
			char *nd;
			if (cap > PT_CLI_FILE_MAX) {
				pt_cli_errorf("%s: larger than the %lu MiB limit", path,
					      PT_CLI_FILE_MAX >> 20);
				return read_fail(f, data, 65);
			}
			cap = cap ? cap * 2 : 1 << 16;
			nd = realloc(data, cap + 1);
			if (!nd) {
				pt_cli_errorf("%s: out of memory", path);
				return read_fail(f, data, 70);
			}
			data = nd;
		}
		n = fread(data + used, 1, cap - used, f);
		used += n;
	} while (n > 0);
	if (ferror(f)) {
		pt_cli_errorf("%s: read error: %s", path, strerror(errno));
		return read_fail(f, data, 74);
	}
	if (used > PT_CLI_FILE_MAX) {
		pt_cli_errorf("%s: larger than the %lu MiB limit", path, PT_CLI_FILE_MAX >> 20);
		return read_fail(f, data, 65);
	}
	if (f != stdin)
		fclose(f);
	data[used] = '\0';
	*buf = data;
	*len = used;
	return 0;
}

int pt_cli_parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int pt_cli_parse_format(const char *s, int allow_geojson, enum pt_format *out)
{
	if (strcmp(s, "table") == 0)
		*out = PT_FORMAT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*out = PT_FORMAT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = PT_FORMAT_JSON;
	else if (allow_geojson && strcmp(s, "geojson") == 0)
		*out = PT_FORMAT_GEOJSON;
	else
		return -1;
	return 0;
}

void pt_progress_init(struct pt_progress *p, const char *label)
{
	p->label = label;
	p->enabled = isatty(STDERR_FILENO) && !getenv("PROTECT_NO_PROGRESS");
	p->last_permille = -1;
}

int pt_progress_update(void *ctx, uint64_t done, uint64_t total)
{
	struct pt_progress *p = ctx;
	int permille, filled, i;
	if (!p->enabled || total == 0)
		return 0;
	permille = (int)(done * 1000 / total);
	if (permille == p->last_permille)
		return 0;
	p->last_permille = permille;
	filled = permille * 30 / 1000;
	fprintf(stderr, "\r%s [", p->label);
	for (i = 0; i < 30; i++)
		fputc(i < filled ? '#' : ' ', stderr);
	fprintf(stderr, "] %3d%%", permille / 10);
	fflush(stderr);
	return 0;
}

void pt_progress_done(struct pt_progress *p)
{
	if (p->enabled && p->last_permille >= 0)
		fputs("\r\033[K", stderr);
	p->last_permille = -1;
}

void pt_cli_format_eur(double eur, char *buf, size_t size)
{
	char digits[64];
	char out[96];
	size_t n, i, o = 0;
	if (!(eur == eur)) {
		snprintf(buf, size, "-");
		return;
	}
	if (eur >= 1e15 || eur <= -1e15) {
		snprintf(buf, size, "%.3g", eur);
		return;
	}
	snprintf(digits, sizeof digits, "%.0f", eur < 0 ? -eur : eur);
	n = strlen(digits);
	if (eur < 0 && strcmp(digits, "0") != 0)
		out[o++] = '-';
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, size, "%s", out);
}

void pt_cli_print_cell(FILE *f, const char *s, int width)
{
	int cols = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && cols < width) {
		const unsigned char *start = p;
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		if (cols == width - 1 && *p) {
			fputs("~", f); /* truncated */
			cols++;
			break;
		}
		if (*start < 0x20 || *start == 0x7F)
			fputc(' ', f); /* a line break inside a name stays on one row */
		else
			fwrite(start, 1, (size_t)(p - start), f);
		cols++;
	}
	for (; cols < width; cols++)
		fputc(' ', f);
}

int pt_cli_write_json(json_t *j, size_t flags)
{
	int rc = 0;
	if (!j) {
		pt_cli_errorf("out of memory");
		return 70;
	}
	if (json_dumpf(j, stdout, flags) != 0 || putchar('\n') == EOF || fflush(stdout) != 0) {
		pt_cli_errorf("writing to standard output failed");
		rc = 74;
	}
	json_decref(j);
	return rc;
}
