/* cmd_measures.c - `protect measures list|at|export`: the catalogue of
 * protective measures (cost, lifetime, rights profile, where each applies),
 * the measures in place or proposed at a site and their state, the steps of
 * that state (approve, accept, decline, install, verify), and the catalogue as CSV. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "app/pt_app_measures.h"
#include "formats/pt_csv.h"
#include "formats/pt_marking_io.h"
#include "formats/pt_measures_io.h"

static int load_measures(struct pt_db *db, struct pt_measure_catalog *c)
{
	struct pt_caller sys;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	memset(c, 0, sizeof *c);
	pt_caller_system(&sys);
	err = pt_app_measures_list(&sys, db, c, &d);
	if (err != PT_OK)
		return pt_cli_fail(err, &d);
	return 0;
}

static int measures_list(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_measure_catalog c;
	enum pt_format fmt = PT_FORMAT_TABLE;
	const char *val;
	size_t k;
	int i, rc;

	memset(&c, 0, sizeof c);
	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--format")) != NULL) {
			if (pt_cli_parse_format(val, 0, &fmt))
				return pt_cli_usage_error(cli, "--format is table, csv or json");
		} else
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = load_measures(db, &c)))
		goto out;
	if (fmt == PT_FORMAT_CSV) {
		if (pt_measures_write_csv(stdout, &c) != PT_OK)
			rc = pt_cli_stdout_failed(); /* it fails only on output errors */
	} else if (fmt == PT_FORMAT_JSON) {
		json_t *a = json_array();
		for (k = 0; a && k < c.n; k++) {
			json_t *o = pt_measure_to_json(&c, k, PT_MEASURE_JSON_TEXT);
			if (!o || json_array_append_new(a, o)) {
				json_decref(a);
				a = NULL;
			}
		}
		if ((rc = pt_cli_write_json(a, JSON_INDENT(2))))
			goto out;
	} else {
		char capex[64], opex[64], rights[32], applies[2 * PT_MEASURE_APPLIES_MAX + 4];
		printf("%-28s %-19s %12s %12s %4s %-11s %-7s %-18s %-9s %s\n", "ID", "FAMILY",
		       "CAPEX (EUR)", "OPEX/YR", "LIFE", "INTR P/M/D", "LEGAL", "COST DRIVER",
		       "STEP-FREE", "APPLIES TO (KINDS | SECTORS)");
		for (k = 0; k < c.n; k++) {
			const struct pt_measure *m = &c.items[k];
			pt_cli_format_eur(m->capex_eur, capex, sizeof capex);
			pt_cli_format_eur(m->opex_eur_year, opex, sizeof opex);
			snprintf(rights, sizeof rights, "%d %d/%d/%d", pt_measure_intrusiveness(m),
				 m->rights[PT_RIGHT_PRIVACY], m->rights[PT_RIGHT_MOVEMENT],
				 m->rights[PT_RIGHT_DISCRIMINATION]);
			snprintf(applies, sizeof applies, "%s | %s", m->kinds, m->sectors);
			pt_cli_print_cell(stdout, m->id, 28);
			putchar(' ');
			pt_cli_print_cell(stdout, pt_measure_family_name(m->family), 19);
			printf(" %12s %12s %4d ", capex, opex, m->lifetime_years);
			pt_cli_print_cell(stdout, rights, 11);
			printf(" %-7s %-18s %-9s ",
			       pt_legal_basis_name((enum pt_legal_basis)m->legal_basis),
			       pt_cost_driver_name(m->cost_driver),
			       m->removes_step_free ? "removed" : "kept");
			pt_cli_print_last(stdout, applies, 200);
			putchar('\n');
		}
		printf("%zu measures, %zu effect rows; costs per site of size factor 1 "
		       "(plan.size_factor.*), used where the cost driver is size or unknown at "
		       "the site\n",
		       c.n, c.n_effects);
	}
out:
	pt_measure_catalog_clear(&c);
	pt_app_db_close(db);
	return rc;
}

/* Issue 16: add where row k of sm stands in its life to its JSON object o; -1 out of memory. */
static int life_json(json_t *o, const struct pt_site_measures *sm, size_t k)
{
	const struct pt_site_measure_life *l = &sm->life[k];
	return pt_site_measure_life_to_json(o, l->installed_on, l->verification,
					    l->verification_due, sm->history + l->history_first,
					    l->history_n);
}

/* Issue 16: where row k of sm stands in its life (installed, verified, due) and, with
 * history, every step it took; nothing for a measure in place without steps. */
static void print_life(const struct pt_site_measures *sm, size_t k, int history)
{
	const struct pt_site_measure_life *l = sm->life ? &sm->life[k] : NULL;
	const struct pt_site_measure_event *v;
	size_t h;
	if (!l)
		return;
	v = l->verification;
	if (sm->rows[k].status == PT_SM_ACCEPTED && !sm->rows[k].plan[0])
		printf("  committed by its owner (no plan)\n");
	if (l->installed_on[0] &&
	    (sm->rows[k].status == PT_SM_INSTALLED || sm->rows[k].status == PT_SM_VERIFIED))
		printf("  installed on %.10s\n", l->installed_on);
	if (v && sm->rows[k].status == PT_SM_VERIFIED)
		printf("  verified by %s on %s by %s; again by %s%s\n", v->method, v->on_date,
		       v->actor, v->reverify_by,
		       l->verification_due ? " (VERIFICATION DUE)" : "");
	for (h = l->history_first; history && h < l->history_first + l->history_n; h++) {
		const struct pt_site_measure_event *e = &sm->history[h];
		printf("  %s %-8s -> %-9s by %s", e->at, e->step,
		       pt_site_measure_status_name(e->status), e->actor);
		if (e->plan[0])
			printf(" (plan %s)", e->plan);
		if (e->on_date[0])
			printf(" on %s", e->on_date);
		if (e->method[0])
			printf(" by %s, again by %s", e->method, e->reverify_by);
		if (e->note[0]) {
			fputs(": ", stdout);
			pt_cli_print_last(stdout, e->note, 200);
		}
		putchar('\n');
	}
}

static int measures_at(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_site_measures sm;
	const struct pt_site_measure_row *rows;
	struct pt_caller sys;
	struct pt_diag d;
	enum pt_format fmt = PT_FORMAT_TABLE;
	const char *val, *site = NULL;
	size_t n = 0, k;
	int i, rc, history = 0;
	enum pt_err err;

	memset(&sm, 0, sizeof sm);
	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--format")) != NULL) {
			if (pt_cli_parse_format(val, 0, &fmt))
				return pt_cli_usage_error(cli, "--format is table, csv or json");
		} else if (strcmp(cli->argv[i], "--history") == 0) {
			history = 1; /* issue 16: every step of each measure */
		} else if (cli->argv[i][0] == '-' || site)
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
		else
			site = cli->argv[i];
	}
	if (!site)
		return pt_cli_usage_error(cli, "measures at needs a SITE id");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	memset(&d, 0, sizeof d);
	pt_caller_system(&sys);
	err = pt_app_site_measures_list(&sys, db, site, NULL, &sm, &d);
	if (err == PT_ENOTFOUND) {
		pt_cli_errorf("no site with id \"%s\"; 'protect sites list' shows them", site);
		rc = 66;
		goto out;
	}
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	rows = sm.rows;
	n = sm.n;
	if (fmt == PT_FORMAT_JSON) {
		json_t *a = json_array();
		for (k = 0; a && k < n; k++) {
			json_t *o = pt_site_measure_to_json(&rows[k], NULL, PT_MEASURE_JSON_TEXT);
			if (o && sm.from && sm.from[k].run_id && /* issue 15 */
			    json_object_set_new(o, "from_exercise",
						json_pack("{s:I,s:I}", "run", (json_int_t)sm.from[k].run_id,
							  "item", (json_int_t)sm.from[k].item_id))) {
				json_decref(o);
				o = NULL;
			}
			if (o && life_json(o, &sm, k)) { /* issue 16 */
				json_decref(o);
				o = NULL;
			}
			if (!o || json_array_append_new(a, o)) {
				json_decref(a);
				a = NULL;
			}
		}
		/* {"items": [...], "tlp": the site's label} */
		a = a ? pt_marking_json(json_pack("{s:o}", "items", a), sm.site.tlp) : NULL;
		if ((rc = pt_cli_write_json(a, JSON_INDENT(2))))
			goto out;
	} else if (fmt == PT_FORMAT_CSV) {
		fprintf(stdout, "# %s\r\n", pt_marking_label(sm.site.tlp)); /* importers skip it */
		printf("site_id,measure_id,status,plan,added_at,added_by,from_run,from_item\r\n");
		for (k = 0; k < n; k++) {
			pt_csv_write_field(stdout, rows[k].site_id);
			putchar(',');
			pt_csv_write_field(stdout, rows[k].measure_id);
			printf(",%s,", pt_site_measure_status_name(rows[k].status));
			pt_csv_write_field(stdout, rows[k].plan);
			putchar(',');
			pt_csv_write_field(stdout, rows[k].added_at);
			putchar(',');
			pt_csv_write_field(stdout, rows[k].added_by);
			if (sm.from && sm.from[k].run_id) /* issue 15: the improvement item it came from */
				printf(",%lld,%lld", sm.from[k].run_id, sm.from[k].item_id);
			else
				fputs(",,", stdout);
			fputs("\r\n", stdout);
		}
	} else {
		printf("%-24s %-9s %-20s %-20s %s\n", "MEASURE", "STATUS", "PLAN", "ADDED", "BY");
		for (k = 0; k < n; k++) {
			pt_cli_print_cell(stdout, rows[k].measure_id, 24);
			putchar(' ');
			pt_cli_print_cell(stdout, pt_site_measure_status_name(rows[k].status), 9);
			putchar(' ');
			pt_cli_print_cell(stdout, rows[k].plan[0] ? rows[k].plan : "-", 20);
			putchar(' ');
			pt_cli_print_cell(stdout, rows[k].added_at, 20);
			putchar(' ');
			pt_cli_print_last(stdout, rows[k].added_by, 40);
			putchar('\n');
			if (sm.from && sm.from[k].run_id) /* issue 15: linked both ways */
				printf("  from exercise run %lld, item %lld\n", sm.from[k].run_id,
				       sm.from[k].item_id);
			print_life(&sm, k, history); /* issue 16 */
		}
		printf("%zu measure%s at %s\n", n, n == 1 ? "" : "s", site);
		pt_cli_marking(sm.site.tlp);
	}
out:
	pt_site_measures_clear(&sm);
	pt_app_db_close(db);
	return rc;
}

static int measures_export(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_measure_catalog c;
	int i, rc, effects = 0;
	enum pt_err err;

	for (i = 1; i < cli->argc; i++) {
		if (strcmp(cli->argv[i], "--effects") == 0)
			effects = 1;
		else
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
	}
	memset(&c, 0, sizeof c);
	if ((rc = pt_cli_open_db(cli, 0, &db)) || (rc = load_measures(db, &c)))
		goto out;
	err = effects ? pt_measure_effects_write_csv(stdout, &c) : pt_measures_write_csv(stdout, &c);
	if (err == PT_EIO && ferror(stdout)) {
		rc = pt_cli_stdout_failed();
	} else if (err != PT_OK) {
		pt_cli_errorf("writing the measures: %s", pt_strerror(err));
		rc = pt_err_exit_status(err);
	}
out:
	pt_measure_catalog_clear(&c);
	pt_app_db_close(db);
	return rc;
}

/* protect measures approve|accept|decline|install|verify|commit SITE MEASURE [--on DATE]
 * [--method test|inspection] [--next DATE] [--note TEXT] [--as USER] (issue 11, item 7;
 * issue 16, item 4: what install and verify record; commit: the owner's own measure) */
static int measures_step(struct pt_cli *cli, enum pt_measure_step step, int commit)
{
	struct pt_db *db = NULL;
	struct pt_site_measure_row row;
	struct pt_measure_step_input in;
	struct pt_caller c;
	struct pt_diag d;
	const char *site = NULL, *measure = NULL, *as = NULL, *val;
	int i, rc;
	enum pt_err err;

	memset(&in, 0, sizeof in);
	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a USER");
			as = val;
		} else if ((val = pt_cli_option(cli, &i, "--note")) != NULL) {
			in.note = val;
		} else if (!commit && (val = pt_cli_option(cli, &i, "--on")) != NULL) {
			if (step != PT_STEP_INSTALL && step != PT_STEP_VERIFY)
				return pt_cli_usage_error(cli, "--on is for install and verify");
			in.on_date = val;
		} else if (!commit && step == PT_STEP_VERIFY &&
			   (val = pt_cli_option(cli, &i, "--method")) != NULL) {
			in.method = val;
		} else if (!commit && step == PT_STEP_VERIFY &&
			   (val = pt_cli_option(cli, &i, "--next")) != NULL) {
			in.reverify_by = val;
		} else if (cli->argv[i][0] == '-' || measure)
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
		else if (!site)
			site = cli->argv[i];
		else
			measure = cli->argv[i];
	}
	if (!measure)
		return pt_cli_usage_error(cli, "measures %s needs a SITE id and a MEASURE id",
					  commit ? "commit" : pt_measure_step_name(step));
	if (!commit && step == PT_STEP_VERIFY && (!in.method || !in.reverify_by))
		return pt_cli_usage_error(cli, "measures verify needs --method test|inspection and "
					       "--next DATE (the re-verification date)");
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	memset(&d, 0, sizeof d);
	err = commit ? pt_app_site_measure_commit(&c, db, site, measure, in.note, &row, &d)
		     : pt_app_site_measure_step(&c, db, site, measure, step, &in, &row, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	printf("measure %s at %s: %s (%s%s)\n", row.measure_id, row.site_id,
	       pt_site_measure_status_name(row.status), row.plan[0] ? "plan " : "",
	       row.plan[0] ? row.plan : "committed by its owner, no plan");
out:
	pt_app_db_close(db);
	return rc;
}

int pt_cmd_measures(struct pt_cli *cli)
{
	enum pt_measure_step step;
	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "say what to do: list, at, export, approve, accept, "
					       "decline, install, verify or commit");
	if (pt_measure_step_parse(cli->argv[0], &step) == PT_OK)
		return measures_step(cli, step, 0);
	if (strcmp(cli->argv[0], "commit") == 0) /* issue 16, item 4 */
		return measures_step(cli, PT_STEP_ACCEPT, 1);
	if (strcmp(cli->argv[0], "list") == 0)
		return measures_list(cli);
	if (strcmp(cli->argv[0], "at") == 0)
		return measures_at(cli);
	if (strcmp(cli->argv[0], "export") == 0)
		return measures_export(cli);
	return pt_cli_usage_error(cli, "unknown measures command '%s' (list, at, export, approve, "
				       "accept, decline, install, verify, commit)",
				  cli->argv[0]);
}
