/* cli_util.c - helpers shared by the subcommands: messages, reading
 * input files within limits, opening the database, the progress bar,
 * number and cell formatting. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "app/pt_app_users.h"

#include "app/pt_app.h"
#include "app/pt_app_registry.h"
#include "core/pt_site_filter.h"
#include "formats/pt_diag.h"
#include "formats/pt_marking_io.h"

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

/* registry file mode: warn (never refuse: existing deployments) when users other than the
 * owner may read or write the registry, which holds password hashes and second-factor keys. */
static void warn_exposed_registry(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || !(sb.st_mode & 077))
		return;
	pt_cli_errorf("warning: %s can be read or written by users other than its owner (mode "
		      "%04o); it holds password hashes and second-factor keys: make it private "
		      "with 'chmod 600 %s %s-wal %s-shm'",
		      path, (unsigned)(sb.st_mode & 07777), path, path, path);
}

int pt_cli_open_db(const struct pt_cli *cli, int create, struct pt_db **db)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	err = pt_app_db_open(cli->db_path, create, db, &d);
	if (err != PT_OK) {
		if (!d.file[0]) /* the store names the file it failed on; else the registry */
			pt_strlcpy(d.file, cli->db_path, sizeof d.file);
		return pt_cli_fail(err, &d);
	}
	warn_exposed_registry(cli->db_path);
	if (cli->busy_wait_ms) /* --busy-wait MS: how long this command's writes wait for another's */
		pt_app_db_busy_wait(*db, cli->busy_wait_ms);
	if (!create && !pt_app_db_is_initialised(*db)) {
		pt_cli_errorf("%s: not initialised; run 'protect init' or 'protect demo'",
			      cli->db_path);
		pt_app_db_close(*db);
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

int pt_cli_read_simulation(const char *exercise, const char *simulation, const char *path,
			   char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		pt_cli_errorf("%s: simulation: %s: %s (\"%s\" is read from the exercise file's "
			      "directory: move the exercise file beside it, or give its path from "
			      "there or an absolute one)",
			      exercise, path, strerror(e), simulation);
		return e == ENOENT || e == ENOTDIR || e == EACCES ? 66 : 74;
	}
	fclose(f);
	return pt_cli_read_file(path, buf, len);
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

static size_t bidi_control(const unsigned char *p);
/* A C1 or bidirectional control character at p (issue 14 review L1): a cell shows a space. */
static int is_control_char(const unsigned char *p)
{
	return (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) || bidi_control(p) != 0;
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
		if (*start < 0x20 || *start == 0x7F || is_control_char(start))
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
		if (ferror(stdout)) {
			rc = pt_cli_stdout_failed();
		} else {
			pt_cli_errorf("out of memory");
			rc = 70;
		}
	}
	json_decref(j);
	return rc;
}

int pt_cli_usage_error(const struct pt_cli *cli, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "protect %s: ", cli->command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cli->usage)
		fprintf(stderr, "usage: protect [--db FILE] %s\n", cli->usage);
	return 64;
}

/* ---- issue 16 item 5: the filters of the sites list, ranking, register, matrix and plan ---- */

int pt_cli_filter_option(const struct pt_cli *cli, int *i, struct pt_site_filter *f)
{
	enum pt_filter_field field;
	const char *a = cli->argv[*i], *val, *p;
	char opt[32], part[PT_FILTER_VALUE_MAX + 1];
	size_t len;
	if (strncmp(a, "--", 2) != 0)
		return 0;
	len = strcspn(a + 2, "=");
	if (len >= sizeof opt - 2)
		return 0;
	memcpy(opt, a + 2, len);
	opt[len] = '\0';
	if (pt_filter_field_parse(opt, &field) != PT_OK)
		return 0;
	snprintf(opt, sizeof opt, "--%s", pt_filter_field_name(field));
	if (a[2 + len] == '\0' && *i + 1 >= cli->argc)
		return pt_cli_usage_error(cli, "%s needs a value (values separated by commas)", opt);
	val = pt_cli_option(cli, i, opt);
	for (p = val;;) { /* a value cannot hold a comma on the command line */
		size_t n = strcspn(p, ",");
		enum pt_err err;
		if (n > PT_FILTER_VALUE_MAX)
			return pt_cli_usage_error(cli, "%s: a value longer than %d bytes", opt,
						  PT_FILTER_VALUE_MAX);
		memcpy(part, p, n);
		part[n] = '\0';
		if (n == 0)
			return pt_cli_usage_error(cli, "%s: an empty value in '%s' (values are "
						  "separated by commas)", opt, val);
		if ((err = pt_site_filter_add(f, field, part)) == PT_ENOMEM) {
			struct pt_diag d = PT_DIAG_INIT;
			return pt_cli_fail(err, &d);
		}
		if (err != PT_OK)
			return pt_cli_usage_error(cli, "%s: '%s': more than %d values", opt, part,
						  PT_FILTER_VALUES_MAX);
		if (!p[n])
			break;
		p += n + 1;
	}
	return 1;
}

int pt_cli_filter_fail(const struct pt_cli *cli, enum pt_err err, const struct pt_diag *d)
{
	enum pt_filter_field field;
	if (err == PT_EINVAL && d && pt_filter_field_parse(d->field, &field) == PT_OK)
		return pt_cli_usage_error(cli, "--%s: %s", d->field, d->msg);
	return pt_cli_fail(err, d);
}

/* ---- shared by several subcommands: options, passwords, organisations, catalogues ---- */

/* The value of option argv[*i] (--opt VALUE or --opt=VALUE), or NULL when this is not opt. */
const char *pt_cli_option(const struct pt_cli *cli, int *i, const char *opt)
{
	size_t n = strlen(opt);
	const char *a = cli->argv[*i];
	if (strncmp(a, opt, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= cli->argc)
		return "";
	(*i)++;
	return cli->argv[*i];
}

/* Read one line (without its line end) of at most PT_PASSWORD_MAX bytes from f. 0, or an exit status. */
static int read_line(FILE *f, char *buf, size_t cap, const char *what, int terminal)
{
	size_t n;
	if (!fgets(buf, (int)cap, f)) {
		if (ferror(f)) {
			pt_cli_errorf("reading the %s: %s", what, strerror(errno));
			return 74;
		}
		pt_cli_errorf(terminal ? "no %s given" : "no %s given (it is read from standard input)",
			      what);
		return 65;
	}
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(f)) {
		pt_cli_errorf("the %s is longer than %d bytes", what, PT_PASSWORD_MAX);
		return 65;
	}
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

/*
 * The new password: the first line of standard input when it is not a
 * terminal (e.g. `printf '%s\n' "$pw" | protect user add ...`, never on
 * the command line, so it stays out of process lists); asked twice without
 * echo on the terminal otherwise. from_stdin (--password-stdin) reads
 * standard input even from a terminal.
 */
int pt_cli_read_password(char *buf, size_t cap, int from_stdin)
{
	struct termios old, quiet;
	char again[PT_PASSWORD_MAX + 2];
	FILE *tty;
	int rc;

	if (from_stdin || !isatty(STDIN_FILENO)) {
		if ((rc = read_line(stdin, buf, cap, "password", 0)))
			return rc;
		goto check;
	}
	tty = fopen("/dev/tty", "r+");
	if (!tty) {
		pt_cli_errorf("cannot open the terminal to ask for the password: %s", strerror(errno));
		return 74;
	}
	if (tcgetattr(fileno(tty), &old) != 0) {
		fclose(tty);
		pt_cli_errorf("cannot turn off echo on the terminal");
		return 74;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSANOW, &quiet); /* keeps what was typed ahead */
	fputs("New password: ", stderr);
	rc = read_line(tty, buf, cap, "password", 1);
	if (!rc) {
		fputs("\nAgain: ", stderr);
		rc = read_line(tty, again, sizeof again, "password", 1);
	}
	fputc('\n', stderr);
	tcsetattr(fileno(tty), TCSANOW, &old);
	fclose(tty);
	if (!rc && strcmp(buf, again) != 0) {
		pt_cli_errorf("the two passwords differ");
		rc = 65;
	}
	memset(again, 0, sizeof again);
	if (rc)
		return rc;
check:
	{
		struct pt_diag d;
		enum pt_err err;
		memset(&d, 0, sizeof d);
		err = pt_app_password_check(buf, strlen(buf), &d);
		if (err != PT_OK)
			return pt_cli_fail(err, &d);
	}
	return 0;
}

/* The id of organisation name (prints and returns an exit status when unknown). */
int pt_cli_org_id(struct pt_db *db, const char *name, long long *id)
{
	struct pt_org org;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	pt_caller_system(&c);
	err = pt_app_org_find(&c, db, name, &org, &d);
	if (err == PT_ENOTFOUND) {
		pt_cli_errorf("no organisation named \"%s\"; 'protect org list' shows them", name);
		return 65;
	}
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	*id = org.id;
	return 0;
}

void pt_cli_print_last(FILE *f, const char *s, int width)
{
	const unsigned char *p = (const unsigned char *)s;
	int cols = 0;
	while (*p && cols < width) {
		const unsigned char *start = p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		if (cols == width - 1 && *p) {
			fputc('~', f); /* cut */
			break;
		}
		if (*start < 0x20 || *start == 0x7F || is_control_char(start))
			fputc(' ', f);
		else
			fwrite(start, 1, (size_t)(p - start), f);
		cols++;
	}
}

int pt_cli_load_catalogs(struct pt_db *db, struct pt_catalogs *cat)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	struct pt_caller c;
	pt_caller_system(&c);
	err = pt_app_catalogs_get(&c, db, cat, &d);
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	return 0;
}

int pt_cli_builtin_catalogs(struct pt_catalogs *cat)
{
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err = pt_app_catalogs_builtin(cat, &d);
	return err == PT_OK ? 0 : pt_cli_fail(err, &d);
}

void pt_cli_free_catalogs(struct pt_catalogs *cat)
{
	pt_catalog_clear(&cat->kinds);
	pt_catalog_clear(&cat->sectors);
	pt_catalog_clear(&cat->threats);
}


int pt_cli_caller(struct pt_db *db, const char *as, struct pt_caller *c)
{
	struct pt_diag d;
	enum pt_err err;
	if (!as) {
		pt_caller_system(c);
		return 0;
	}
	memset(&d, 0, sizeof d);
	err = pt_caller_as_user(db, as, c, &d);
	if (err == PT_ENOTFOUND) {
		pt_cli_errorf("no user named \"%s\"; 'protect user list' shows them", as);
		return 66;
	}
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	pt_app_act(c, db);
	return 0;
}

/* ---- standard output that cannot be written: exit 74 (issue 10) ---- */

static int stdout_errno; /* the cause a command saw, for pt_cli_finish */

int pt_cli_stdout_failed(void)
{
	if (errno && !stdout_errno)
		stdout_errno = errno;
	return 74;
}

/*
 * A full disk, a closed pipe or descriptor: never a silent success. glibc drops
 * the buffered bytes of a failed write, so the flush here only fails again (with
 * errno) when something was written since; otherwise the cause a command noted
 * through pt_cli_stdout_failed is named, when there is one.
 */
int pt_cli_finish(int rc)
{
	int e;
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		e = errno ? errno : stdout_errno;
	} else {
		errno = 0;
		if (fclose(stdout) == 0 || errno == EBADF) /* EBADF: closed, and nothing written */
			return rc;
		e = errno;
	}
	if (e)
		pt_cli_errorf("cannot write to standard output: %s", strerror(e));
	else
		pt_cli_errorf("cannot write to standard output");
	return rc ? rc : 74;
}

/* issue 11: TLP marking of table output */
void pt_cli_marking(enum pt_tlp tlp)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		pt_marking_text_line(stderr, tlp);
	else
		(void)pt_cli_stdout_failed(); /* keeps the cause for pt_cli_finish's message */
}

/* ---- untrusted text on a terminal (issue 14 review L1) ---- */

/* The length of a bidirectional control character at p (UTF-8), or 0. */
static size_t bidi_control(const unsigned char *p)
{
	if (p[0] == 0xD8 && p[1] == 0x9C)
		return 2; /* U+061C arabic letter mark */
	if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F ||
					     (p[2] >= 0xAA && p[2] <= 0xAE)))
		return 3; /* U+200E, U+200F, U+202A-U+202E */
	if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
		return 3; /* U+2066-U+2069 */
	return 0;
}

void pt_cli_safe_text(char *dst, size_t size, const char *src)
{
	const unsigned char *p = (const unsigned char *)(src ? src : "");
	size_t o = 0, n;
	char esc[16];
	if (!size)
		return;
	while (*p) {
		esc[0] = '\0';
		n = 1;
		if (*p < 0x20 || *p == 0x7F)
			snprintf(esc, sizeof esc, "\\x%02x", *p);
		else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			snprintf(esc, sizeof esc, "\\u%04x", p[1]), n = 2; /* C1 controls */
		else if ((n = bidi_control(p)) != 0)
			snprintf(esc, sizeof esc, "\\u%04x",
				 n == 2 ? 0x061C
					: (unsigned)(((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) |
						     (p[2] & 0x3F)));
		else
			n = 1;
		if (esc[0]) {
			size_t e = strlen(esc);
			if (o + e >= size)
				break;
			memcpy(dst + o, esc, e);
			o += e;
		} else {
			if (o + 1 >= size)
				break;
			dst[o++] = (char)*p;
		}
		p += n;
	}
	dst[o] = '\0';
}
