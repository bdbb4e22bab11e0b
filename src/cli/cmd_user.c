/* cmd_user.c - `protect user add|list|passwd|role`: the users of the
 * registry, as the system administrator (whoever holds the database file). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "core/pt_access.h"
#include "formats/pt_diag.h"
#include "store/pt_users.h"

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
		err = pt_password_check(buf, strlen(buf), &d);
		if (err != PT_OK)
			return pt_cli_fail(err, &d);
	}
	return 0;
}

/* The id of organisation name (prints and returns an exit status when unknown). */
int pt_cli_org_id(struct pt_db *db, const char *name, long long *id)
{
	struct pt_org org;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	err = pt_db_org_find(db, name, &org, &d);
	if (err == PT_ENOTFOUND) {
		pt_cli_errorf("no organisation named \"%s\"; 'protect org list' shows them", name);
		return 65;
	}
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	*id = org.id;
	return 0;
}

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

static int user_add(struct pt_cli *cli)
{
	const char *name = NULL, *org = NULL, *role_s = NULL, *v;
	char password[PT_PASSWORD_MAX + 2];
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_role role;
	enum pt_err err;
	long long org_id = 0;
	int i, rc, from_stdin = 0;

	for (i = 1; i < cli->argc; i++) {
		if ((v = pt_cli_option(cli, &i, "--org")))
			org = v;
		else if ((v = pt_cli_option(cli, &i, "--role")))
			role_s = v;
		else if (strcmp(cli->argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else if (cli->argv[i][0] == '-')
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		else if (!name)
			name = cli->argv[i];
		else
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
	}
	if (!name || !org || !org[0] || !role_s || !role_s[0])
		return pt_cli_usage_error(cli, "user add needs NAME, --org ORGANISATION and --role ROLE");
	if (pt_role_parse(role_s, &role) != PT_OK)
		return pt_cli_usage_error(cli,
					  "--role: '%s' is not a role (admin, coordinator, analyst, "
					  "operator, viewer, pio, facilitator, player, evaluator)",
					  role_s);
	if (!pt_user_name_valid(name)) {
		pt_cli_errorf("%s: a user name is 1-%d characters of A-Z a-z 0-9 . _ -", name,
			      PT_USER_NAME_MAX - 1);
		return 65;
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_org_id(db, org, &org_id)) || (rc = pt_cli_read_password(password, sizeof password, from_stdin)))
		goto out;
	memset(&d, 0, sizeof d);
	err = pt_db_user_add(db, name, password, role, org_id, NULL, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf("user %s added: %s of %s\n", name, pt_role_name(role), org);
out:
	memset(password, 0, sizeof password);
	pt_db_close(db);
	return rc;
}

static int user_passwd(struct pt_cli *cli)
{
	char password[PT_PASSWORD_MAX + 2];
	const char *name = NULL;
	struct pt_db *db = NULL;
	struct pt_user u;
	struct pt_diag d;
	enum pt_err err;
	int i, rc, from_stdin = 0;

	for (i = 1; i < cli->argc; i++) {
		if (strcmp(cli->argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else if (cli->argv[i][0] == '-')
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		else if (!name)
			name = cli->argv[i];
		else
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
	}
	if (!name)
		return pt_cli_usage_error(cli, "user passwd needs NAME");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&d, 0, sizeof d);
	err = pt_db_user_get(db, name, &u, &d);
	if (err == PT_ENOTFOUND) {
		pt_cli_errorf("no user named \"%s\"; 'protect user list' shows them", name);
		rc = 65;
		goto out;
	}
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if ((rc = pt_cli_read_password(password, sizeof password, from_stdin)))
		goto out;
	err = pt_db_user_set_password(db, name, password, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf("password of %s changed; its sessions ended\n", name);
out:
	memset(password, 0, sizeof password);
	pt_db_close(db);
	return rc;
}

static int user_role(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_role role;
	enum pt_err err;
	int rc;
	if (cli->argc != 3)
		return pt_cli_usage_error(cli, "user role needs NAME ROLE");
	if (pt_role_parse(cli->argv[2], &role) != PT_OK)
		return pt_cli_usage_error(cli, "'%s' is not a role", cli->argv[2]);
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&d, 0, sizeof d);
	err = pt_db_user_set_role(db, cli->argv[1], role, &d);
	if (err == PT_ENOTFOUND) {
		pt_cli_errorf("no user named \"%s\"; 'protect user list' shows them", cli->argv[1]);
		rc = 65;
	} else if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
	} else {
		printf("%s is now %s; its sessions ended\n", cli->argv[1], pt_role_name(role));
	}
	pt_db_close(db);
	return rc;
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
		if (*start < 0x20 || *start == 0x7F)
			fputc(' ', f);
		else
			fwrite(start, 1, (size_t)(p - start), f);
		cols++;
	}
}

/* Print a CSV field, quoted when it needs to be. */
static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static int user_list(struct pt_cli *cli)
{
	const char *org = NULL, *v;
	enum pt_format fmt = PT_FORMAT_TABLE;
	struct pt_user *users = NULL;
	struct pt_db *db = NULL;
	struct pt_diag d;
	long long org_id = 0;
	enum pt_err err;
	size_t n = 0, k;
	int i, rc;

	for (i = 1; i < cli->argc; i++) {
		if ((v = pt_cli_option(cli, &i, "--org")))
			org = v;
		else if ((v = pt_cli_option(cli, &i, "--format"))) {
			if (pt_cli_parse_format(v, 0, &fmt))
				return pt_cli_usage_error(cli, "--format: '%s' is not table, csv or json", v);
		} else
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
	}
	if (org && !org[0])
		return pt_cli_usage_error(cli, "--org needs an ORGANISATION");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if (org && (rc = pt_cli_org_id(db, org, &org_id)))
		goto out;
	memset(&d, 0, sizeof d);
	err = pt_db_users_list(db, org_id, &users, &n, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (fmt == PT_FORMAT_CSV) {
		printf("name,role,organisation,organisation_type\n");
		for (k = 0; k < n; k++) {
			printf("%s,%s,", users[k].name, pt_role_name(users[k].role));
			csv_field(users[k].org_name);
			printf(",%s\n", pt_org_type_name(users[k].org_type));
		}
	} else if (fmt == PT_FORMAT_JSON) {
		json_t *arr = json_array();
		for (k = 0; arr && k < n; k++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:{s:I, s:s, s:s}}", "name",
							     users[k].name, "role",
							     pt_role_name(users[k].role), "organisation",
							     "id", (json_int_t)users[k].org_id, "name",
							     users[k].org_name, "type",
							     pt_org_type_name(users[k].org_type)));
		if (!arr || json_dumpf(arr, stdout, JSON_INDENT(2)) != 0) {
			pt_cli_errorf("out of memory");
			rc = 70;
		}
		putchar('\n');
		json_decref(arr);
	} else {
		printf("%-20s %-12s %-16s %s\n", "name", "role", "type", "organisation");
		for (k = 0; k < n; k++) {
			pt_cli_print_cell(stdout, users[k].name, 20);
			printf(" %-12s %-16s ", pt_role_name(users[k].role),
			       pt_org_type_name(users[k].org_type));
			pt_cli_print_last(stdout, users[k].org_name, 100);
			putchar('\n');
		}
		printf("%zu user%s\n", n, n == 1 ? "" : "s");
	}
out:
	free(users);
	pt_db_close(db);
	return rc;
}

int pt_cmd_user(struct pt_cli *cli)
{
	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "say add, list, passwd or role");
	if (strcmp(cli->argv[0], "add") == 0)
		return user_add(cli);
	if (strcmp(cli->argv[0], "list") == 0)
		return user_list(cli);
	if (strcmp(cli->argv[0], "passwd") == 0)
		return user_passwd(cli);
	if (strcmp(cli->argv[0], "role") == 0)
		return user_role(cli);
	return pt_cli_usage_error(cli, "unknown action '%s' (add, list, passwd or role)",
				  cli->argv[0]);
}
