/* cmd_user.c - `protect user add|list|passwd|role|reset-2fa|second-factor`: the
 * users of the registry, as the system administrator; `user add --as USER` as that user. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_second_factor.h"
#include "app/pt_app_users.h"
#include "cli.h"
#include "core/pt_access.h"
#include "formats/pt_csv.h"
#include "formats/pt_diag.h"
#include "formats/pt_people_json.h"

static int user_add(struct pt_cli *cli)
{
	const char *name = NULL, *org = NULL, *role_s = NULL, *as = NULL, *v;
	char password[PT_PASSWORD_MAX + 2];
	struct pt_db *db = NULL;
	struct pt_user_new in;
	struct pt_caller c;
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
		else if ((v = pt_cli_option(cli, &i, "--as"))) { /* a user creates it (review H1) */
			if (!v[0])
				return pt_cli_usage_error(cli, "--as needs a USER");
			as = v;
		} else if (strcmp(cli->argv[i], "--password-stdin") == 0)
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
	if (!pt_app_user_name_valid(name)) {
		pt_cli_errorf("%s: a user name is 1-%d characters of A-Z a-z 0-9 . _ -", name,
			      PT_USER_NAME_MAX - 1);
		return 65;
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_org_id(db, org, &org_id)) || (rc = pt_cli_read_password(password, sizeof password, from_stdin)))
		goto out;
	memset(&d, 0, sizeof d);
	in.name = name;
	in.password = password;
	in.role = role;
	in.org_id = org_id;
	/* without --as the system administrator creates it; with --as that user, its creator */
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	err = pt_app_user_create(&c, db, &in, NULL, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf("user %s added: %s of %s\n", name, pt_role_name(role), org);
out:
	memset(password, 0, sizeof password);
	pt_app_db_close(db);
	return rc;
}

static int user_passwd(struct pt_cli *cli)
{
	char password[PT_PASSWORD_MAX + 2];
	const char *name = NULL;
	struct pt_db *db = NULL;
	struct pt_user_change_result res;
	struct pt_user_change ch;
	struct pt_caller c;
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
	pt_caller_system(&c);
	err = pt_app_user_get(&c, db, name, &u, &d);
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
	ch.role = NULL;
	ch.password = password;
	err = pt_app_user_update(&c, db, name, &ch, &res, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf("password of %s changed; its sessions ended\n", u.name); /* the stored spelling */
out:
	memset(password, 0, sizeof password);
	pt_app_db_close(db);
	return rc;
}

static int user_role(struct pt_cli *cli)
{
	struct pt_user_change_result res;
	struct pt_user_change ch;
	struct pt_caller c;
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
	ch.role = &role;
	ch.password = NULL;
	pt_caller_system(&c);
	err = pt_app_user_update(&c, db, cli->argv[1], &ch, &res, &d);
	if (err == PT_ENOTFOUND) {
		pt_cli_errorf("no user named \"%s\"; 'protect user list' shows them", cli->argv[1]);
		rc = 65;
	} else if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
	} else {
		printf("%s is now %s; its sessions ended\n", res.user.name[0] ? res.user.name : cli->argv[1],
		       pt_role_name(role));
	}
	pt_app_db_close(db);
	return rc;
}

static int user_list(struct pt_cli *cli)
{
	const char *org = NULL, *v;
	enum pt_format fmt = PT_FORMAT_TABLE;
	struct pt_user_list list = {NULL, 0};
	struct pt_caller c;
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
	pt_caller_system(&c);
	err = pt_app_users_list(&c, db, org_id, &list, &d);
	users = list.items;
	n = list.n;
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (fmt == PT_FORMAT_CSV) {
		printf("name,role,organisation,organisation_type,second_factor,recovery_codes_left\n");
		for (k = 0; k < n; k++) {
			pt_csv_write_field(stdout, users[k].name);
			printf(",%s,", pt_role_name(users[k].role));
			pt_csv_write_field(stdout, users[k].org_name);
			printf(",%s,%s,%lld\n", pt_org_type_name(users[k].org_type),
			       pt_second_factor_name(users[k].second_factor), users[k].recovery_codes);
		}
	} else if (fmt == PT_FORMAT_JSON) {
		json_t *arr = json_array();
		for (k = 0; arr && k < n; k++)
			json_array_append_new(arr, pt_json_user(&users[k]));
		if (!arr || json_dumpf(arr, stdout, JSON_INDENT(2)) != 0) {
			pt_cli_errorf("out of memory");
			rc = 70;
		}
		putchar('\n');
		json_decref(arr);
	} else {
		printf("%-20s %-12s %-16s %-13s %5s %s\n", "name", "role", "type", "second_factor",
		       "codes", "organisation");
		for (k = 0; k < n; k++) {
			pt_cli_print_cell(stdout, users[k].name, 20);
			printf(" %-12s %-16s %-13s %5lld ", pt_role_name(users[k].role),
			       pt_org_type_name(users[k].org_type),
			       pt_second_factor_name(users[k].second_factor), users[k].recovery_codes);
			pt_cli_print_last(stdout, users[k].org_name, 100);
			putchar('\n');
		}
		printf("%zu user%s\n", n, n == 1 ? "" : "s");
	}
out:
	pt_user_list_clear(&list);
	pt_app_db_close(db);
	return rc;
}

/* ---- the second factor (issue 10) ---- */

/* protect user reset-2fa NAME: remove the user's second factor (it enrols again), audited. */
static int user_reset_2fa(struct pt_cli *cli)
{
	struct pt_app_second_factor_reset res;
	struct pt_caller c;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	int rc;
	if (cli->argc != 2)
		return pt_cli_usage_error(cli, "user reset-2fa needs NAME");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&d, 0, sizeof d);
	pt_caller_system(&c);
	err = pt_app_second_factor_reset(&c, db, cli->argv[1], &res, &d);
	if (err == PT_ENOTFOUND) {
		pt_cli_errorf("no user named \"%s\"; 'protect user list' shows them", cli->argv[1]);
		rc = 65;
	} else if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
	} else if (!res.removed) {
		/* exit 0: the user is in the state asked for (scripts may reset twice) */
		printf("%s has no second factor; nothing to reset\n", res.name);
	} else {
		printf("second factor of %s reset; its sessions ended; it sets up a new one at its next "
		       "log-in\n", res.name);
	}
	pt_app_db_close(db);
	return rc;
}

/* protect user second-factor [required|optional]: show or set the registry's rule. */
static int user_second_factor(struct pt_cli *cli)
{
	struct pt_caller c;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	int rc, required = 0, set = -1;
	if (cli->argc > 2)
		return pt_cli_usage_error(cli, "user second-factor takes required or optional, or nothing");
	if (cli->argc == 2) {
		if (strcmp(cli->argv[1], "required") == 0)
			set = 1;
		else if (strcmp(cli->argv[1], "optional") == 0)
			set = 0;
		else
			return pt_cli_usage_error(cli, "'%s' is not required or optional", cli->argv[1]);
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&d, 0, sizeof d);
	pt_caller_system(&c);
	err = set >= 0 ? pt_app_second_factor_policy_set(&c, db, set, &d) : PT_OK;
	if (err == PT_OK)
		err = pt_app_second_factor_policy(&c, db, &required, &d);
	if (err != PT_OK)
		rc = pt_cli_fail(err, &d);
	else
		printf("second factor %s%s\n", required ? "required" : "optional",
		       required ? " for admins, coordinators and analysts" : "");
	pt_app_db_close(db);
	return rc;
}

int pt_cmd_user(struct pt_cli *cli)
{
	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "say add, list, passwd or role");
	if (strcmp(cli->argv[0], "reset-2fa") == 0)
		return user_reset_2fa(cli);
	if (strcmp(cli->argv[0], "second-factor") == 0)
		return user_second_factor(cli);
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
