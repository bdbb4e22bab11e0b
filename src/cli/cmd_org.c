/* cmd_org.c - `protect org add|list|set`: organisations, their types and
 * the partners they share AMBER with, as the system administrator. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "formats/pt_diag.h"
#include "store/pt_users.h"

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

/* Replace the partners of org id with the organisations named in o. 0 or an exit status. */
static int apply_partners(struct pt_db *db, long long id, const struct org_opts *o)
{
	long long ids[ORG_OPTIONS_MAX];
	struct pt_diag d;
	enum pt_err err;
	size_t i;
	int rc;
	for (i = 0; i < o->n_partners; i++)
		if ((rc = pt_cli_org_id(db, o->partners[i], &ids[i])))
			return rc;
	memset(&d, 0, sizeof d);
	err = pt_db_org_set_partners(db, id, ids, o->n_partners, &d);
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	return 0;
}

/* Run fn inside one transaction through pt_db_transaction. */
struct org_job {
	const struct org_opts *o;
	int add;
	long long id;
	int rc;
};

static enum pt_err org_job_run(struct pt_db *db, void *ctx)
{
	struct org_job *job = ctx;
	const struct org_opts *o = job->o;
	struct pt_diag d;
	enum pt_org_type type = PT_ORG_OPERATOR;
	enum pt_err err = PT_OK;

	memset(&d, 0, sizeof d);
	if (o->type)
		pt_org_type_parse(o->type, &type);
	if (job->add) {
		err = pt_db_org_add(db, o->name, type, &job->id, &d);
	} else {
		if ((job->rc = pt_cli_org_id(db, o->name, &job->id)))
			return PT_EINVAL;
		if (o->type || o->new_name)
			err = pt_db_org_update(db, job->id, o->new_name, o->type ? &type : NULL, &d);
	}
	if (err != PT_OK) {
		job->rc = pt_cli_fail(err, &d);
		return err;
	}
	if (o->set_partners && (job->rc = apply_partners(db, job->id, o)))
		return PT_EINVAL;
	return PT_OK;
}

static int org_change(struct pt_cli *cli, int add)
{
	struct org_opts o;
	struct org_job job;
	struct pt_db *db = NULL;
	struct pt_diag d;
	enum pt_err err;
	int rc;

	if ((rc = parse_opts(cli, !add, &o)))
		return rc;
	if (add && !o.type)
		return pt_cli_usage_error(cli, "org add needs --type TYPE");
	if (!add && !o.type && !o.new_name && !o.set_partners)
		return pt_cli_usage_error(cli, "nothing to change (--type, --name, --partner, --no-partners)");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&job, 0, sizeof job);
	job.o = &o;
	job.add = add;
	memset(&d, 0, sizeof d);
	/* All of it or nothing: the organisation and its partners together. */
	err = pt_db_transaction(db, org_job_run, &job, &d);
	if (job.rc)
		rc = job.rc;
	else if (err != PT_OK)
		rc = pt_cli_fail(err, &d);
	else if (add)
		printf("organisation %s added (id %lld, %s)\n", o.name, job.id, o.type);
	else
		printf("organisation %s changed\n", o.new_name ? o.new_name : o.name);
	pt_db_close(db);
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
	err = pt_db_orgs_list(db, &orgs, &n, &d);
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
	for (k = 0; k < n; k++) {
		long long *partners = NULL;
		size_t np = 0;
		err = pt_db_org_partners(db, orgs[k].id, &partners, &np, &d);
		if (err != PT_OK) {
			rc = pt_cli_fail(err, &d);
			goto out;
		}
		if (fmt == PT_FORMAT_JSON) {
			json_t *ids = json_array(), *o;
			for (p = 0; ids && p < np; p++)
				json_array_append_new(ids, json_integer(partners[p]));
			o = json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)orgs[k].id, "name",
				      orgs[k].name, "type", pt_org_type_name(orgs[k].type), "partners",
				      ids ? ids : json_null());
			if (arr)
				json_array_append_new(arr, o);
			else
				json_decref(o);
		} else if (fmt == PT_FORMAT_CSV) {
			printf("%lld,", orgs[k].id);
			if (strpbrk(orgs[k].name, ",\"\r\n")) {
				const char *c;
				putchar('"');
				for (c = orgs[k].name; *c; c++) {
					if (*c == '"')
						putchar('"');
					putchar(*c);
				}
				putchar('"');
			} else {
				fputs(orgs[k].name, stdout);
			}
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
		free(partners);
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
	pt_db_close(db);
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
