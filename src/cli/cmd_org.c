/* cmd_org.c - `protect org add|list|set`: organisations, their types and
 * the partners they share AMBER with, as the system administrator. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_users.h"
#include "cli.h"
#include "formats/pt_csv.h"
#include "formats/pt_diag.h"
#include "formats/pt_people_json.h"

#define ORG_OPTIONS_MAX 64 /* --partner options one command takes */

/* Options of org add and org set. */
struct org_opts {
	const char *name;      /* the organisation (positional) */
	const char *new_name;  /* --name */
	const char *type;      /* --type */
	const char *partners[ORG_OPTIONS_MAX];
	size_t n_partners;
	int set_partners;      /* --partner or --no-partners given */
};

static int parse_opts(struct pt_cli *cli, int allow_rename, struct org_opts *o)
{
	const char *v;
	int i;
	memset(o, 0, sizeof *o);
	for (i = 1; i < cli->argc; i++) {
		if ((v = pt_cli_option(cli, &i, "--type"))) {
			o->type = v;
		} else if (allow_rename && (v = pt_cli_option(cli, &i, "--name"))) {
			if (!v[0])
				return pt_cli_usage_error(cli, "--name needs a NAME");
			o->new_name = v;
		} else if ((v = pt_cli_option(cli, &i, "--partner"))) {
			if (!v[0])
				return pt_cli_usage_error(cli, "--partner needs an ORGANISATION");
			if (o->n_partners == ORG_OPTIONS_MAX)
				return pt_cli_usage_error(cli, "at most %d --partner options",
							  ORG_OPTIONS_MAX);
			o->partners[o->n_partners++] = v;
			o->set_partners = 1;
		} else if (strcmp(cli->argv[i], "--no-partners") == 0) {
			o->set_partners = 1;
		} else if (cli->argv[i][0] == '-') {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		} else if (!o->name) {
			o->name = cli->argv[i];
		} else {
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
		}
	}
	if (!o->name || !o->name[0])
		return pt_cli_usage_error(cli, "name the ORGANISATION");
	if (o->type) {
		enum pt_org_type t;
		if (pt_org_type_parse(o->type, &t) != PT_OK)
			return pt_cli_usage_error(cli,
						  "--type: '%s' is not government, operator, "
						  "private_security or ngo",
						  o->type);
	}
	return 0;
}

static int org_change(struct pt_cli *cli, int add)
{
	long long ids[ORG_OPTIONS_MAX], id = 0;
	enum pt_org_type type = PT_ORG_OPERATOR;
	struct pt_org_edit e;
	struct org_opts o;
	struct pt_caller c;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	size_t i;
	int rc;

	if ((rc = parse_opts(cli, !add, &o)))
		return rc;
	if (add && !o.type)
		return pt_cli_usage_error(cli, "org add needs --type TYPE");
	if (!add && !o.type && !o.new_name && !o.set_partners)
		return pt_cli_usage_error(cli, "nothing to change (--type, --name, --partner, --no-partners)");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	pt_caller_system(&c);
	memset(&e, 0, sizeof e);
	if (o.type) {
		pt_org_type_parse(o.type, &type);
		e.type = &type;
	}
	if (!add && (rc = pt_cli_org_id(db, o.name, &id)))
		goto out;
	for (i = 0; i < o.n_partners; i++)
		if ((rc = pt_cli_org_id(db, o.partners[i], &ids[i])))
			goto out;
	e.name = add ? o.name : o.new_name;
	e.set_partners = o.set_partners;
	e.partners = ids;
	e.n_partners = o.n_partners;
	memset(&d, 0, sizeof d);
	/* All of it or nothing: the organisation and its partners together. */
	err = add ? pt_app_org_create(&c, db, &e, &id, &d) : pt_app_org_update(&c, db, id, &e, &d);
	if (err != PT_OK)
		rc = pt_cli_fail(err, &d);
	else if (add)
		printf("organisation %s added (id %lld, %s)\n", o.name, id, o.type);
	else
		printf("organisation %s changed\n", o.new_name ? o.new_name : o.name);
out:
	pt_app_db_close(db);
	return rc;
}

/* The name of organisation id in orgs, or "?". */
static const char *org_name(const struct pt_org *orgs, size_t n, long long id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (orgs[i].id == id)
			return orgs[i].name;
	return "?";
}

static int org_list(struct pt_cli *cli)
{
	enum pt_format fmt = PT_FORMAT_TABLE;
	struct pt_org_list list = {NULL, 0};
	struct pt_caller c;
	struct pt_org *orgs = NULL;
	struct pt_db *db = NULL;
	struct pt_diag d;
	json_t *arr = NULL;
	enum pt_err err;
	size_t n = 0, k, p;
	const char *v;
	int i, rc;

	for (i = 1; i < cli->argc; i++) {
		if ((v = pt_cli_option(cli, &i, "--format"))) {
			if (pt_cli_parse_format(v, 0, &fmt))
				return pt_cli_usage_error(cli, "--format: '%s' is not table, csv or json", v);
		} else {
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
		}
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&d, 0, sizeof d);
	pt_caller_system(&c);
	err = pt_app_orgs_list(&c, db, &list, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (fmt == PT_FORMAT_CSV)
		printf("id,name,type,partners\n");
	else if (fmt == PT_FORMAT_JSON)
		arr = json_array();
	else
		printf("%5s  %-16s %-40s %s\n", "id", "type", "name", "partners (read its AMBER)");
	n = list.n;
	if (n && !(orgs = malloc(n * sizeof *orgs))) {
		pt_cli_errorf("out of memory");
		rc = 70;
		goto out;
	}
	for (k = 0; k < n; k++)
		orgs[k] = list.items[k].org;
	for (k = 0; k < n; k++) {
		const long long *partners = list.items[k].partners;
		size_t np = list.items[k].n_partners;
		if (fmt == PT_FORMAT_JSON) {
			json_t *o = pt_json_org(&orgs[k], partners, np);
			if (arr)
				json_array_append_new(arr, o);
			else
				json_decref(o);
		} else if (fmt == PT_FORMAT_CSV) {
			printf("%lld,", orgs[k].id);
			pt_csv_write_field(stdout, orgs[k].name);
			printf(",%s,", pt_org_type_name(orgs[k].type));
			for (p = 0; p < np; p++)
				printf("%s%lld", p ? " " : "", partners[p]);
			putchar('\n');
		} else {
			printf("%5lld  %-16s ", orgs[k].id, pt_org_type_name(orgs[k].type));
			if (np)
				pt_cli_print_cell(stdout, orgs[k].name, 40);
			else
				pt_cli_print_last(stdout, orgs[k].name, 100);
			for (p = 0; p < np; p++)
				printf("%s%s", p ? ", " : " ", org_name(orgs, n, partners[p]));
			putchar('\n');
		}
	}
	if (fmt == PT_FORMAT_JSON) {
		rc = pt_cli_write_json(arr, JSON_INDENT(2));
		arr = NULL;
	} else if (fmt == PT_FORMAT_TABLE) {
		printf("%zu organisation%s\n", n, n == 1 ? "" : "s");
	}
out:
	json_decref(arr);
	free(orgs);
	pt_org_list_clear(&list);
	pt_app_db_close(db);
	return rc;
}

int pt_cmd_org(struct pt_cli *cli)
{
	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "say add, list or set");
	if (strcmp(cli->argv[0], "add") == 0)
		return org_change(cli, 1);
	if (strcmp(cli->argv[0], "set") == 0)
		return org_change(cli, 0);
	if (strcmp(cli->argv[0], "list") == 0)
		return org_list(cli);
	return pt_cli_usage_error(cli, "unknown action '%s' (add, list or set)", cli->argv[0]);
}
