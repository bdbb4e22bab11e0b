/* cmd_attachment.c - `protect attachment add|list|get|rm|purge` (issue 16 item 3): the
 * photos and documents of a site or survey, as the caller (the system without --as). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/pt_app_attachments.h"
#include "core/pt_marking.h"
#include "formats/pt_marking_io.h"
#include "cli.h"

/* Options of every subcommand; which ones a subcommand takes is checked by it. */
struct opts {
	const char *as, *name, *caption, *out, *format;
	unsigned long survey;
	int people;
	const char *args[2];
	int n_args;
};

static int parse(struct pt_cli *cli, struct opts *o, const char *allowed)
{
	const char *val;
	int i;
	memset(o, 0, sizeof *o);
	for (i = 1; i < cli->argc; i++) {
		const char *a = cli->argv[i];
		if (a[0] == '-' && a[1] && !strstr(allowed, a))
			return pt_cli_usage_error(cli, "unknown option '%s'", a);
		if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a user name");
			o->as = val;
		} else if ((val = pt_cli_option(cli, &i, "--name")) != NULL) {
			o->name = val;
		} else if ((val = pt_cli_option(cli, &i, "--caption")) != NULL) {
			o->caption = val;
		} else if ((val = pt_cli_option(cli, &i, "--out")) != NULL) {
			o->out = val;
		} else if ((val = pt_cli_option(cli, &i, "--format")) != NULL) {
			if (strcmp(val, "table") != 0 && strcmp(val, "json") != 0)
				return pt_cli_usage_error(cli, "--format is table or json");
			o->format = val;
		} else if ((val = pt_cli_option(cli, &i, "--survey")) != NULL) {
			if (pt_cli_parse_ulong(val, 1, 9007199254740991UL, &o->survey) != 0)
				return pt_cli_usage_error(cli, "--survey is a survey id, a whole number above 0");
		} else if (strcmp(a, "--people") == 0) {
			o->people = 1;
		} else if (a[0] == '-' && a[1]) {
			return pt_cli_usage_error(cli, "unknown option '%s'", a);
		} else if (o->n_args < 2) {
			o->args[o->n_args++] = a;
		} else {
			return pt_cli_usage_error(cli, "too many arguments");
		}
	}
	return 0;
}

static void when_text(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t <= 0 || !gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%MZ", &tm))
		snprintf(buf, size, "-");
}

static int attachment_id(struct pt_cli *cli, const char *s, long long *id)
{
	unsigned long v;
	if (!s)
		return pt_cli_usage_error(cli, "missing ID");
	if (pt_cli_parse_ulong(s, 1, 9007199254740991UL, &v) != 0)
		return pt_cli_usage_error(cli, "'%s' is no attachment id (a whole number above 0)", s);
	*id = (long long)v;
	return 0;
}

static int add(struct pt_cli *cli, struct pt_db *db, const struct pt_caller *c, const struct opts *o)
{
	struct pt_attach_upload in;
	struct pt_attachment a;
	struct pt_diag d;
	enum pt_tlp label = PT_TLP_AMBER;
	char *buf = NULL;
	size_t len = 0;
	enum pt_err err;
	int rc;
	(void)cli;
	if ((rc = pt_cli_read_file(o->args[1], &buf, &len)) != 0)
		return rc;
	memset(&in, 0, sizeof in);
	memset(&d, 0, sizeof d);
	in.site_id = o->args[0];
	in.name = o->name ? o->name : o->args[1];
	in.caption = o->caption;
	in.survey_id = (long long)o->survey;
	in.shows_people = o->people;
	in.data = (const unsigned char *)buf;
	in.len = len;
	pt_strlcpy(d.file, o->args[1], sizeof d.file);
	err = pt_app_attachment_add(c, db, &in, &a, &label, &d);
	free(buf);
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	printf("attachment %lld: %s, %zu bytes, sha256 %s, %s\n", a.id, pt_attach_mime(a.type),
	       a.size, a.sha256, pt_marking_label(label));
	return 0;
}

static int list(struct pt_db *db, const struct pt_caller *c, const struct opts *o)
{
	struct pt_app_attachment_list l;
	struct pt_diag d;
	enum pt_err err;
	size_t i;
	memset(&d, 0, sizeof d);
	if ((err = pt_app_attachments_list(c, db, o->args[0], (long long)o->survey, &l, &d)) != PT_OK) {
		if (err == PT_ENOTFOUND && !d.msg[0])
			pt_diag_set(&d, PT_ENOTFOUND, 0, "", "unknown site id \"%s\"", o->args[0]);
		return pt_cli_fail(err, &d);
	}
	if (o->format && strcmp(o->format, "json") == 0) {
		json_t *items = json_array(), *root;
		for (i = 0; items && i < l.n; i++)
			if (json_array_append_new(items, pt_attachment_json(&l.items[i], l.label))) {
				json_decref(items);
				items = NULL;
			}
		enum pt_tlp label = l.marking;
		root = items ? json_pack("{s:s,s:o}", "site_id", o->args[0], "items", items) : NULL;
		pt_app_attachment_list_clear(&l);
		return pt_cli_write_json(pt_marking_json(root, label), JSON_INDENT(2) | JSON_SORT_KEYS);
	}
	printf("%-4s %-15s %8s %-17s %-20s %-6s %-17s %s\n", "ID", "TYPE", "BYTES", "UPLOADED",
	       "BY", "SURVEY", "RETAIN UNTIL", "NAME");
	for (i = 0; i < l.n; i++) {
		const struct pt_attachment *a = &l.items[i];
		char up[32], until[32], survey[24], name[4 * PT_ATTACH_NAME_MAX + 1], by[256];
		when_text(a->uploaded_at, up, sizeof up);
		when_text(a->retain_until, until, sizeof until);
		if (a->survey_id > 0)
			snprintf(survey, sizeof survey, "%lld", a->survey_id);
		else
			snprintf(survey, sizeof survey, "-");
		pt_cli_safe_text(name, sizeof name, a->name);
		pt_cli_safe_text(by, sizeof by, a->uploaded_by);
		printf("%-4lld %-15s %8zu %-17s %-20s %-6s %-17s %s\n", a->id, pt_attach_mime(a->type),
		       a->size, up, by, survey, until, name);
	}
	pt_cli_marking(l.marking);
	pt_app_attachment_list_clear(&l);
	return 0;
}

static int get(struct pt_cli *cli, struct pt_db *db, const struct pt_caller *c, const struct opts *o)
{
	struct pt_attachment a;
	struct pt_diag d;
	unsigned char *data = NULL;
	enum pt_tlp label;
	enum pt_err err;
	long long id;
	FILE *f;
	int rc;
	if ((rc = attachment_id(cli, o->args[0], &id)) != 0)
		return rc;
	if (!o->out && isatty(STDOUT_FILENO))
		return pt_cli_usage_error(cli, "the file's bytes would go to the terminal; give --out FILE "
					       "or redirect standard output");
	memset(&d, 0, sizeof d);
	if ((err = pt_app_attachment_get(c, db, id, &a, &data, &label, &d)) != PT_OK) {
		if (err == PT_ENOTFOUND)
			pt_diag_set(&d, PT_ENOTFOUND, 0, "", "no attachment %lld", id);
		return pt_cli_fail(err, &d);
	}
	if (!o->out) {
		rc = fwrite(data, 1, a.size, stdout) == a.size ? 0 : pt_cli_stdout_failed();
		free(data);
		return rc;
	}
	if (!(f = fopen(o->out, "wb"))) {
		pt_cli_errorf("%s: cannot write", o->out);
		free(data);
		return 73;
	}
	rc = fwrite(data, 1, a.size, f) == a.size ? 0 : 74;
	if (fclose(f) != 0)
		rc = 74;
	free(data);
	if (rc) {
		pt_cli_errorf("%s: write failed", o->out);
		return rc;
	}
	fprintf(stderr, "%s: %s, %zu bytes, sha256 %s, %s\n", o->out, pt_attach_mime(a.type),
		a.size, a.sha256, pt_marking_label(label));
	return 0;
}

int pt_cmd_attachment(struct pt_cli *cli)
{
	static const char *const allowed[] = {
		"--as --name --caption --survey --people", /* add */
		"--as --survey --format",                  /* list */
		"--as --out",                              /* get */
		"--as",                                    /* rm */
		"",                                        /* purge */
	};
	static const char *const subs[] = {"add", "list", "get", "rm", "purge"};
	static const int args[] = {2, 1, 1, 1, 0};
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d;
	struct opts o;
	enum pt_err err;
	size_t k, n = 0;
	int rc;

	for (k = 0; k < 5; k++)
		if (cli->argc > 0 && strcmp(cli->argv[0], subs[k]) == 0)
			break;
	if (k == 5)
		return pt_cli_usage_error(cli, "attachment add, list, get, rm or purge");
	if ((rc = parse(cli, &o, allowed[k])) != 0)
		return rc;
	if (o.n_args != args[k])
		return pt_cli_usage_error(cli, o.n_args < args[k] ? "missing arguments"
								 : "too many arguments");
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = pt_cli_caller(db, o.as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	switch (k) {
	case 0: rc = add(cli, db, &c, &o); break;
	case 1: rc = list(db, &c, &o); break;
	case 2: rc = get(cli, db, &c, &o); break;
	case 3:
		{
			long long id;
			if ((rc = attachment_id(cli, o.args[0], &id)) != 0)
				break;
			if ((err = pt_app_attachment_delete(&c, db, id, &d)) != PT_OK)
				rc = pt_cli_fail(err, &d);
			else
				printf("deleted attachment %lld\n", id);
		}
		break;
	default:
		if ((err = pt_app_attachments_purge(&c, db, &n, &d)) != PT_OK)
			rc = pt_cli_fail(err, &d);
		else
			printf("%zu attachments past their retention deleted\n", n);
		break;
	}
out:
	pt_app_db_close(db);
	return rc;
}
