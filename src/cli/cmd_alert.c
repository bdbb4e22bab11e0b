/* cmd_alert.c - `protect alert new|approve|reject|update|cancel|list|show|validate`
 * (issue 13): public alerts in CAP 1.2 with a two-person rule, and checking a CAP file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_alerts.h"
#include "formats/pt_cap_xml.h"
#include "cli.h"

/* ---- composing, approving and reading alerts (helper "app") ---- */

/* Print r's warnings on stderr ("protect: warning: CODE: message"). */
static void alert_warnings(const struct pt_app_alert *r)
{
	size_t i;
	for (i = 0; i < r->n_warnings; i++)
		pt_cli_errorf("warning: %s: %s", r->warnings[i].code, r->warnings[i].msg);
}

/* r as JSON (the ALERT object) or its exact bytes on stdout; 0 or an exit status. */
static int alert_print(const struct pt_app_alert *r, int json)
{
	if (json) {
		struct pt_alert_json_msg v;
		json_t *j;
		pt_app_alert_view(r, &v);
		j = pt_alert_json(&v, 1);
		if (!j) {
			pt_cli_errorf("out of memory");
			return 70;
		}
		return pt_cli_write_json(j, 0);
	}
	if (r->xml && fwrite(r->xml, 1, r->xml_len, stdout) != r->xml_len)
		return 74;
	return 0;
}

/* --format xml|json (default xml); 0 or the usage error's status. */
static int alert_format(struct pt_cli *cli, const char *v, int allow_table, int *json,
			int *table)
{
	*json = 0;
	if (table)
		*table = 0;
	if (strcmp(v, "json") == 0)
		*json = 1;
	else if (allow_table && strcmp(v, "table") == 0)
		*table = 1;
	else if (allow_table || strcmp(v, "xml") != 0)
		return pt_cli_usage_error(cli, "--format is %s, not '%s'",
					  allow_table ? "table or json" : "xml or json", v);
	return 0;
}

/* A strict decimal number into *out; nonzero when v is none. */
static int alert_number(const char *v, double *out)
{
	char *end = NULL;
	if (!v || !v[0] || v[0] == ' ')
		return 1;
	*out = strtod(v, &end);
	return !end || *end || *out != *out;
}

#define ALERT_LANG_ARGS 8

static int alert_compose(struct pt_cli *cli, const char *sub)
{
	struct pt_app_alert_opts o;
	struct pt_app_alert *r = NULL;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_db *db = NULL;
	const char *as = NULL, *id = NULL, *v;
	const char *langs[ALERT_LANG_ARGS];
	char lang_buf[256];
	int preview = 0, json = 0, rc, i;
	int is_new = strcmp(sub, "new") == 0, is_cancel = strcmp(sub, "cancel") == 0;
	enum pt_err err;

	memset(&o, 0, sizeof o);
	for (i = 1; i < cli->argc; i++) {
		const char *a = cli->argv[i];
		if ((v = pt_cli_option(cli, &i, "--as"))) {
			as = v;
		} else if ((v = pt_cli_option(cli, &i, "--note"))) {
			o.note = v;
		} else if (strcmp(a, "--preview") == 0) {
			preview = 1;
		} else if ((v = pt_cli_option(cli, &i, "--format"))) {
			if ((rc = alert_format(cli, v, 0, &json, NULL)))
				return rc;
		} else if (!is_cancel && (v = pt_cli_option(cli, &i, "--template"))) {
			o.template_id = v;
		} else if (!is_cancel && (v = pt_cli_option(cli, &i, "--site"))) {
			o.site_id = v;
		} else if (!is_cancel && (v = pt_cli_option(cli, &i, "--radius-km"))) {
			if (alert_number(v, &o.radius_km))
				return pt_cli_usage_error(cli, "--radius-km: '%s' is not a number", v);
			o.radius_set = 1;
		} else if (!is_cancel && (v = pt_cli_option(cli, &i, "--duration-h"))) {
			if (alert_number(v, &o.duration_h))
				return pt_cli_usage_error(cli, "--duration-h: '%s' is not a number", v);
			o.duration_set = 1;
		} else if (!is_cancel && (v = pt_cli_option(cli, &i, "--status"))) {
			int s;
			if (pt_cap_enum_parse(PT_CAP_ENUM_STATUS, v, &s) != PT_OK ||
			    (s != PT_CAP_ACTUAL && s != PT_CAP_EXERCISE && s != PT_CAP_TEST)) {
				pt_cli_errorf("status: unknown status '%s' (Actual, Exercise or Test)", v);
				return 65;
			}
			o.status = (enum pt_cap_status)s;
			o.status_set = 1;
		} else if (!is_cancel && (v = pt_cli_option(cli, &i, "--lang"))) {
			char *p, *save = NULL;
			if (strlen(v) >= sizeof lang_buf)
				return pt_cli_usage_error(cli, "--lang: too long");
			pt_strlcpy(lang_buf, v, sizeof lang_buf);
			o.n_langs = 0;
			for (p = strtok_r(lang_buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
				if (o.n_langs >= ALERT_LANG_ARGS)
					return pt_cli_usage_error(cli, "--lang: at most %d languages",
								  ALERT_LANG_ARGS);
				langs[o.n_langs++] = p;
			}
			if (!o.n_langs)
				return pt_cli_usage_error(cli, "--lang needs languages, e.g. en,mk,sq");
			o.langs = langs;
		} else if (!is_cancel && (v = pt_cli_option(cli, &i, "--polygon"))) {
			o.polygon = v;
		} else if (!is_cancel && strcmp(a, "--generic-area") == 0) {
			o.generic_area = 1;
		} else if (a[0] == '-') {
			return pt_cli_usage_error(cli, "unknown option '%s'", a);
		} else if (!is_new && !id) {
			id = a;
		} else {
			return pt_cli_usage_error(cli, "unexpected argument '%s'", a);
		}
		if (v && !v[0] && strcmp(a, "--note") != 0)
			return pt_cli_usage_error(cli, "%s needs a value", a);
	}
	if (!is_new && !id)
		return pt_cli_usage_error(cli, "alert %s needs the ID of the message", sub);
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	if (is_new)
		err = pt_app_alert_new(&c, db, &o, preview, &r, &d);
	else if (is_cancel)
		err = pt_app_alert_cancel(&c, db, id, &o, preview, &r, &d);
	else
		err = pt_app_alert_update(&c, db, id, &o, preview, &r, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	alert_warnings(r);
	rc = alert_print(r, json);
	if (r->state == PT_APP_ALERT_PENDING)
		fprintf(stderr,
			"alert %s: awaiting approval by a second person (protect alert approve %s "
			"--as USER)\n", r->identifier, r->identifier);
	else if (r->state == PT_APP_ALERT_PREVIEW)
		fprintf(stderr, "alert %s: a preview; nothing was stored\n", r->identifier);
	else
		fprintf(stderr, "alert %s: issued (%s: never in the public feed)\n", r->identifier,
			pt_cap_enum_name(PT_CAP_ENUM_STATUS, (int)r->status));
out:
	pt_app_alert_free(r);
	pt_app_db_close(db);
	return rc;
}

static int alert_decide(struct pt_cli *cli, const char *sub)
{
	struct pt_app_alert *r = NULL;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_db *db = NULL;
	const char *as = NULL, *id = NULL, *reason = NULL, *sha = NULL, *v;
	int approve = strcmp(sub, "approve") == 0, json = 0, rc, i;
	enum pt_err err;

	for (i = 1; i < cli->argc; i++) {
		const char *a = cli->argv[i];
		if ((v = pt_cli_option(cli, &i, "--as"))) {
			if (!v[0])
				return pt_cli_usage_error(cli, "--as needs a USER");
			as = v;
		} else if (!approve && (v = pt_cli_option(cli, &i, "--reason"))) {
			reason = v;
		} else if (approve && (v = pt_cli_option(cli, &i, "--sha256"))) {
			/* the hash the approver reviewed (review fix): a mismatch refuses */
			if (strlen(v) != 64 || strspn(v, "0123456789abcdef") != 64)
				return pt_cli_usage_error(cli, "--sha256 needs 64 lower-case hex digits");
			sha = v;
		} else if ((v = pt_cli_option(cli, &i, "--format"))) {
			if ((rc = alert_format(cli, v, 0, &json, NULL)))
				return rc;
		} else if (a[0] == '-') {
			return pt_cli_usage_error(cli, "unknown option '%s'", a);
		} else if (!id) {
			id = a;
		} else {
			return pt_cli_usage_error(cli, "unexpected argument '%s'", a);
		}
	}
	if (!id)
		return pt_cli_usage_error(cli, "alert %s needs the ID of the message", sub);
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	err = approve ? pt_app_alert_approve_reviewed(&c, db, id, sha, &r, &d)
		      : pt_app_alert_reject(&c, db, id, reason, &r, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (approve) {
		rc = alert_print(r, json);
		fprintf(stderr, "alert %s: issued (composed by %s, approved by %s)\n", r->identifier,
			r->composer, r->approver);
	} else if (json) {
		rc = alert_print(r, json);
	} else {
		printf("alert %s: rejected\n", r->identifier);
	}
out:
	pt_app_alert_free(r);
	pt_app_db_close(db);
	return rc;
}

/* "2026-12-01T00:00Z" of unix seconds t (CAP's "-00:00" form shortened for a table). */
static void alert_time(int64_t t, char *buf, size_t size)
{
	char cap[32];
	pt_cap_time_format(t, cap, sizeof cap);
	snprintf(buf, size, "%.16sZ", cap);
}

static int alert_table(const struct pt_app_alert_list *l)
{
	size_t i;
	printf("%-28s %-6s %-8s %-8s %-12s %-17s %-17s %-12s %-12s %s\n", "IDENTIFIER", "TYPE",
	       "STATUS", "STATE", "SITE", "SENT", "EXPIRES", "COMPOSER", "APPROVER", "IN_FEED");
	for (i = 0; i < l->n; i++) {
		const struct pt_app_alert *r = &l->items[i];
		char sent[32], expires[32];
		alert_time(r->sent, sent, sizeof sent);
		alert_time(r->expires, expires, sizeof expires);
		printf("%-28s %-6s %-8s %-8s ", r->identifier,
		       pt_cap_enum_name(PT_CAP_ENUM_MSG_TYPE, (int)r->msg_type),
		       pt_cap_enum_name(PT_CAP_ENUM_STATUS, (int)r->status),
		       pt_app_alert_state_name(r->state));
		pt_cli_print_cell(stdout, r->site_withheld ? "(withheld)" : r->site_id, 12);
		printf(" %-17s %-17s ", sent, expires);
		pt_cli_print_cell(stdout, r->composer, 12);
		putchar(' ');
		pt_cli_print_cell(stdout, r->approver[0] ? r->approver : "-", 12);
		printf(" %s\n", r->in_feed ? "yes" : "no");
	}
	if (!l->n)
		printf("(no alerts)\n");
	return 0;
}

static int alert_read(struct pt_cli *cli, const char *sub)
{
	struct pt_app_alert_list *l = NULL;
	struct pt_app_alert *r = NULL;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_db *db = NULL;
	const char *as = NULL, *id = NULL, *v;
	int list = strcmp(sub, "list") == 0, json = 0, rc, i;
	enum pt_err err;

	for (i = 1; i < cli->argc; i++) {
		const char *a = cli->argv[i];
		if ((v = pt_cli_option(cli, &i, "--as"))) {
			if (!v[0])
				return pt_cli_usage_error(cli, "--as needs a USER");
			as = v;
		} else if ((v = pt_cli_option(cli, &i, "--format"))) {
			int table = 0;
			if ((rc = alert_format(cli, v, list, &json, list ? &table : NULL)))
				return rc;
		} else if (a[0] == '-') {
			return pt_cli_usage_error(cli, "unknown option '%s'", a);
		} else if (!list && !id) {
			id = a;
		} else {
			return pt_cli_usage_error(cli, "unexpected argument '%s'", a);
		}
	}
	if (!list && !id)
		return pt_cli_usage_error(cli, "alert show needs the ID of the message");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	if (!list) {
		if ((err = pt_app_alert_show(&c, db, id, &r, &d)) != PT_OK)
			rc = pt_cli_fail(err, &d);
		else
			rc = alert_print(r, json);
		goto out;
	}
	if ((err = pt_app_alert_list(&c, db, &l, &d)) != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (json) {
		json_t *arr = json_array(), *root;
		size_t k;
		for (k = 0; arr && k < l->n; k++) {
			struct pt_alert_json_msg m;
			pt_app_alert_view(&l->items[k], &m);
			if (json_array_append_new(arr, pt_alert_json(&m, 0)) != 0) {
				json_decref(arr);
				arr = NULL;
			}
		}
		root = arr ? json_pack("{s:o, s:s}", "alerts", arr, "feed_url", "/alerts.atom") : NULL;
		if (!root) {
			pt_cli_errorf("out of memory");
			rc = 70;
			goto out;
		}
		rc = pt_cli_write_json(root, 0);
	} else {
		rc = alert_table(l);
	}
out:
	pt_app_alert_list_free(l);
	pt_app_alert_free(r);
	pt_app_db_close(db);
	return rc;
}




/* ---- alert validate FILE (helper "cap") ---- */

/* Read at most PT_CAP_XML_MAX + 1 bytes of path into a new buffer; 0, or
 * prints and returns 66 (missing), 65 (over the limit), 74, 70. */
static int validate_read(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = PT_CAP_XML_MAX + 1, n;
	*buf = NULL;
	*len = 0;
	if (!f) {
		int e = errno;
		pt_cli_errorf("%s: %s", path, strerror(e));
		return e == ENOENT || e == ENOTDIR || e == EACCES ? 66 : 74;
	}
	char *data = malloc(cap + 1);
	if (!data) {
		fclose(f);
		pt_cli_errorf("%s: out of memory", path);
		return 70;
	}
	n = fread(data, 1, cap, f);
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(data);
		pt_cli_errorf("%s: read error", path);
		return 74;
	}
	if (n > PT_CAP_XML_MAX) {
		free(data);
		fprintf(stderr, "%s:0: alert: larger than the %d KiB limit of a CAP message\n", path,
			PT_CAP_XML_MAX / 1024);
		return 65;
	}
	data[n] = '\0';
	*buf = data;
	*len = n;
	return 0;
}

static int alert_validate(struct pt_cli *cli)
{
	struct pt_cap_problems *p;
	char *buf = NULL;
	size_t len = 0;
	int status;

	if (cli->argc != 2)
		return pt_cli_usage_error(cli, "validate takes one FILE");
	const char *path = cli->argv[1];
	status = validate_read(path, &buf, &len);
	if (status)
		return status;
	p = malloc(sizeof(*p));
	if (!p) {
		free(buf);
		pt_cli_errorf("out of memory");
		return 70;
	}
	enum pt_err e = pt_app_alert_validate(buf, len, p);
	free(buf);
	for (size_t i = 0; i < p->n; i++) {
		const struct pt_cap_problem *q = &p->list[i];
		fprintf(stderr, "%s:%ld: %s: %s%s\n", path, q->line, q->element,
			q->kind == PT_CAP_WARNING ? "warning: " : "", q->msg);
	}
	if (p->dropped)
		fprintf(stderr, "%s: %zu more problems not shown\n", path, p->dropped);
	if (e == PT_OK) {
		if (p->n_warning)
			printf("%s: valid CAP 1.2 (%zu warning%s)\n", path, p->n_warning,
			       p->n_warning == 1 ? "" : "s");
		else
			printf("%s: valid CAP 1.2\n", path);
		status = 0;
	} else {
		status = e == PT_EINVAL || e == PT_ELIMIT ? 65 : pt_err_exit_status(e);
		if (p->n == 0)
			fprintf(stderr, "%s:0: alert: %s\n", path, pt_strerror(e));
	}
	free(p);
	return status;
}




/* ---- the dispatcher ---- */

int pt_cmd_alert(struct pt_cli *cli)
{
	const char *sub = cli->argc > 0 ? cli->argv[0] : "";

	if (strcmp(sub, "new") == 0 || strcmp(sub, "update") == 0 || strcmp(sub, "cancel") == 0)
		return alert_compose(cli, sub);
	if (strcmp(sub, "approve") == 0 || strcmp(sub, "reject") == 0)
		return alert_decide(cli, sub);
	if (strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0)
		return alert_read(cli, sub);
	if (strcmp(sub, "validate") == 0)
		return alert_validate(cli);
	return pt_cli_usage_error(cli, "unknown subcommand '%s' (new, approve, reject, update, "
				  "cancel, list, show, validate)", sub);
}
