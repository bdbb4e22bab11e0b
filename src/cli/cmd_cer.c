/* cmd_cer.c - `protect cer list|designate|set|revoke` (issue 16, item 8): organisations
 * designated as critical entities under the EU CER Directive, and what each owes by when. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app/pt_app_cer.h"
#include "cli.h"
#include "formats/pt_cer_json.h"
#include "formats/pt_csv.h"

#define CER_SITES_ARGS PT_CER_SITES_MAX

static json_t *entry_json(const struct pt_cer_list *l, const struct pt_cer_entry *e)
{
	struct pt_cer_json_in in;
	memset(&in, 0, sizeof in);
	in.org_id = e->org_id;
	in.org_name = e->org_name;
	in.dates = &e->dates;
	in.status = &e->status;
	in.changed_at = e->changed_at;
	in.changed_by = e->changed_by;
	in.sites = (const char(*)[PT_ID_MAX])e->sites;
	in.n_sites = e->n_sites;
	in.sites_withheld = l->show_withheld ? (long long)e->sites_withheld : -1;
	in.may_report = e->may_report;
	return pt_json_cer_entity(&in);
}

static const char *or_none(const char *s)
{
	return s[0] ? s : "none";
}

static int print_list(const struct pt_cer_list *l, enum pt_format fmt)
{
	size_t i, k;
	if (fmt == PT_FORMAT_JSON) {
		json_t *items = json_array();
		for (i = 0; items && i < l->n; i++)
			if (json_array_append_new(items, entry_json(l, &l->items[i]))) {
				json_decref(items);
				items = NULL;
			}
		return pt_cli_write_json(
			items ? json_pack("{s:o, s:s, s:I, s:I, s:I}", "items", items, "today", l->today,
					  "entities", (json_int_t)l->n, "lacking_risk_assessment",
					  (json_int_t)l->lacking_risk_assessment,
					  "lacking_resilience_plan",
					  (json_int_t)l->lacking_resilience_plan)
			      : NULL,
			0);
	}
	if (fmt == PT_FORMAT_CSV) {
		printf("organisation,designated_on,notified_on,risk_assessment_on,risk_assessment_due,"
		       "risk_assessment,resilience_plan_on,resilience_plan_due,resilience_plan,sites\n");
		for (i = 0; i < l->n; i++) {
			const struct pt_cer_entry *e = &l->items[i];
			char sites[PT_CER_SITES_MAX * 8] = "";
			size_t at = 0;
			for (k = 0; k < e->n_sites && at + PT_ID_MAX + 1 < sizeof sites; k++)
				at += (size_t)snprintf(sites + at, sizeof sites - at, "%s%s",
						       k ? " " : "", e->sites[k]);
			pt_csv_write_field(stdout, e->org_name);
			printf(",%s,%s,%s,%s,%s,%s,%s,%s,", e->dates.designated_on, e->dates.notified_on,
			       e->dates.risk_assessment_on, e->status.risk_due,
			       pt_cer_state_name(e->status.risk), e->dates.resilience_plan_on,
			       e->status.plan_due, pt_cer_state_name(e->status.plan));
			pt_csv_write_field(stdout, sites);
			printf("\n");
		}
		return 0;
	}
	printf("critical entities (CER Directive) on %s: %zu; without a current risk assessment: "
	       "%zu; without a resilience plan: %zu\n",
	       l->today, l->n, l->lacking_risk_assessment, l->lacking_resilience_plan);
	for (i = 0; i < l->n; i++) {
		const struct pt_cer_entry *e = &l->items[i];
		printf("\n%s (organisation %lld)\n", e->org_name, e->org_id);
		printf("  designated %s, notified %s; obligations apply from %s\n",
		       e->dates.designated_on, e->dates.notified_on, e->status.obligations_from);
		printf("  risk assessment (art. 12): %s; last %s; %s %s\n",
		       pt_cer_state_name(e->status.risk), or_none(e->dates.risk_assessment_on),
		       e->status.risk == PT_CER_CURRENT ? "next due" : "due", e->status.risk_due);
		printf("  resilience plan (art. 13): %s; dated %s; owed from %s\n",
		       pt_cer_state_name(e->status.plan), or_none(e->dates.resilience_plan_on),
		       e->status.plan_due);
		printf("  sites:");
		for (k = 0; k < e->n_sites; k++)
			printf(" %s", e->sites[k]);
		if (!e->n_sites)
			printf(" none");
		if (l->show_withheld && e->sites_withheld)
			printf(" (and %zu you may not read)", e->sites_withheld);
		printf("\n");
	}
	return 0;
}

int pt_cmd_cer(struct pt_cli *cli)
{
	static const char *const sub_names[] = {"list", "designate", "set", "revoke"};
	const char *sites[CER_SITES_ARGS];
	struct pt_cer_edit e;
	struct pt_cer_list l;
	struct pt_db *db = NULL;
	struct pt_caller c;
	struct pt_diag d;
	const char *as = NULL, *org = NULL, *val, *fmt_text = NULL;
	enum pt_format fmt = PT_FORMAT_TABLE;
	long long org_id = 0;
	enum pt_err err;
	size_t sub;
	int i, rc;

	memset(&e, 0, sizeof e);
	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "missing list, designate, set or revoke");
	for (sub = 0; sub < 4 && strcmp(cli->argv[0], sub_names[sub]) != 0; sub++)
		;
	if (sub == 4)
		return pt_cli_usage_error(cli, "unknown 'cer %s': list, designate, set or revoke",
					  cli->argv[0]);
	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--as"))) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a user name");
			as = val;
		} else if (sub == 0 && (val = pt_cli_option(cli, &i, "--format"))) {
			fmt_text = val;
		} else if (sub && sub < 3 && (val = pt_cli_option(cli, &i, "--designated"))) {
			e.designated_on = val;
		} else if (sub && sub < 3 && (val = pt_cli_option(cli, &i, "--notified"))) {
			e.notified_on = val;
		} else if (sub && sub < 3 && (val = pt_cli_option(cli, &i, "--risk-assessment"))) {
			e.risk_assessment_on = val;
		} else if (sub && sub < 3 && (val = pt_cli_option(cli, &i, "--resilience-plan"))) {
			e.resilience_plan_on = val;
		} else if (sub && sub < 3 && (val = pt_cli_option(cli, &i, "--site"))) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--site needs a site id");
			if (e.n_sites == CER_SITES_ARGS)
				return pt_cli_usage_error(cli, "at most %d --site options",
							  CER_SITES_ARGS);
			sites[e.n_sites++] = val;
			e.set_sites = 1;
		} else if (sub && sub < 3 && strcmp(cli->argv[i], "--no-sites") == 0) {
			e.set_sites = 1;
		} else if (cli->argv[i][0] == '-' && cli->argv[i][1]) {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		} else if (sub && !org) {
			org = cli->argv[i];
		} else {
			return pt_cli_usage_error(cli, "too many arguments");
		}
	}
	if (fmt_text && pt_cli_parse_format(fmt_text, 0, &fmt))
		return pt_cli_usage_error(cli, "--format must be table, csv or json");
	if (sub && !org)
		return pt_cli_usage_error(cli, "missing ORGANISATION");
	if (sub == 1 && (!e.designated_on || !e.notified_on))
		return pt_cli_usage_error(cli, "designate needs --designated DATE and --notified DATE");
	if (sub == 2 && !e.designated_on && !e.notified_on && !e.risk_assessment_on &&
	    !e.resilience_plan_on && !e.set_sites)
		return pt_cli_usage_error(cli, "set needs at least one of --designated, --notified, "
					       "--risk-assessment, --resilience-plan, --site, --no-sites");
	e.sites = sites;
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = pt_cli_caller(db, as, &c)))
		goto out;
	if (sub && (rc = pt_cli_org_id(db, org, &org_id)))
		goto out;
	memset(&d, 0, sizeof d);
	if (sub == 0) {
		if ((err = pt_app_cer_list(&c, db, &l, &d)) != PT_OK) {
			rc = pt_cli_fail(err, &d);
			goto out;
		}
		rc = print_list(&l, fmt);
		pt_cer_list_clear(&l);
		goto out;
	}
	err = sub == 3 ? pt_app_cer_revoke(&c, db, org_id, &d) : pt_app_cer_change(&c, db, org_id, &e, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf(sub == 3 ? "revoked the designation of %s\n" : "%s: designation kept\n", org);
out:
	pt_app_db_close(db);
	return rc;
}
