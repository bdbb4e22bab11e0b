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

static int alert_compose(struct pt_cli *cli, const char *sub)
{
	(void)sub;
	fprintf(stderr, "protect alert: not built yet\n");
	(void)cli;
	return 70;
}

static int alert_decide(struct pt_cli *cli, const char *sub)
{
	(void)sub;
	fprintf(stderr, "protect alert: not built yet\n");
	(void)cli;
	return 70;
}

static int alert_read(struct pt_cli *cli, const char *sub)
{
	(void)sub;
	fprintf(stderr, "protect alert: not built yet\n");
	(void)cli;
	return 70;
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
