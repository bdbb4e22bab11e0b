/* cmd_threat_level.c - `protect threat-level [show|history|set|clear]` (issue 11): the
 * levels in force per scope, their history, and changes with a rationale and an expiry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/pt_app_registry.h"
#include "../formats/pt_time_io.h"
#include "cli.h"

/* "2027-01-31T00:00Z" */
static void time_text(int64_t at, char *buf, size_t size)
{
	time_t t = (time_t)at;
	struct tm tm;
	if (!at || !gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%MZ", &tm))
		snprintf(buf, size, "-");
}

/* "national", "sector energy", "region Old Town", "threat pbied" */
static void scope_text(const struct pt_level_change *c, char *buf, size_t size)
{
	if (c->scope == PT_LEVEL_SCOPE_NATIONAL)
		snprintf(buf, size, "national");
	else
		snprintf(buf, size, "%s %s", pt_level_scope_name(c->scope), c->scope_id);
}

static void print_change(const struct pt_level_change *c, const char *note)
{
	char scope[PT_LEVEL_SCOPE_ID_MAX + 16], set_at[32], until[32];
	scope_text(c, scope, sizeof scope);
	time_text(c->set_at, set_at, sizeof set_at);
	time_text(c->expires_at, until, sizeof until);
	printf("  %-28s %-11s%s  until %s  by %s at %s%s\n", scope,
	       c->cleared ? "cleared" : pt_threat_level_name(c->level), c->below ? " (below)" : "",
	       until, c->set_by[0] ? c->set_by : "-", set_at, note);
	printf("    rationale: %s", c->rationale);
	if (c->replaced_set)
		printf(" (replaced %s)", pt_threat_level_name(c->replaced));
	printf("\n");
}

static int show(struct pt_db *db, const struct pt_caller *c, int history)
{
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_config cfg;
	struct pt_app_threat_levels levels;
	enum pt_err err;
	size_t i;
	if ((err = pt_app_config_get(c, db, &cfg, &d)) != PT_OK ||
	    (err = pt_app_threat_levels_get(c, db, &levels, &d)) != PT_OK)
		return pt_cli_fail(err, &d);
	printf("national threat level: %s (attempt probabilities p -> 1-(1-p)^%g)\n",
	       pt_threat_level_name(levels.national), cfg.level_factor[levels.national]);
	if (history) {
		printf("changes (by scope, oldest first):\n");
		for (i = 0; i < levels.n_history; i++)
			print_change(&levels.history[i], "");
		if (!levels.n_history)
			printf("  none: every level is at its default\n");
	} else {
		printf("entries in force (a site and threat get the highest of national, sector, "
		       "region and threat, unless the threat's entry is marked below):\n");
		for (i = 0; i < levels.n_in_force; i++)
			print_change(&levels.in_force[i].change,
				     levels.in_force[i].reverted ? " (a later change has expired)" : "");
		if (!levels.n_in_force)
			printf("  none: the national level is SUBSTANTIAL by default\n");
	}
	pt_app_threat_levels_clear(&levels);
	return 0;
}

int pt_cmd_threat_level(struct pt_cli *cli)
{
	struct pt_db *db = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	struct pt_app_level_change in;
	struct pt_app_level_result res;
	const char *action = cli->argc > 0 ? cli->argv[0] : "show"; /* none: show */
	const char *as = NULL, *val, *scope_opt = NULL;
	int i, rc, nscopes = 0;
	size_t k;
	enum pt_err err;

	memset(&in, 0, sizeof in);
	memset(&res, 0, sizeof res);
	if (strcmp(action, "show") == 0 || strcmp(action, "history") == 0) {
		if (cli->argc > 1)
			return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[1]);
	} else if (strcmp(action, "set") == 0 || strcmp(action, "clear") == 0) {
		in.clear = action[0] == 'c';
		i = 1;
		if (!in.clear) {
			if (cli->argc < 2)
				return pt_cli_usage_error(cli, "set needs a LEVEL");
			if (pt_threat_level_parse(cli->argv[1], &in.level) != PT_OK)
				return pt_cli_usage_error(
					cli, "'%s' is not LOW, MODERATE, SUBSTANTIAL, SEVERE or CRITICAL",
					cli->argv[1]);
			i = 2;
		}
		for (; i < cli->argc; i++) {
			if ((val = pt_cli_option(cli, &i, "--threat")) != NULL) {
				in.scope = PT_LEVEL_SCOPE_THREAT, in.scope_id = val, scope_opt = "--threat";
				nscopes++;
			} else if ((val = pt_cli_option(cli, &i, "--sector")) != NULL) {
				in.scope = PT_LEVEL_SCOPE_SECTOR, in.scope_id = val, scope_opt = "--sector";
				nscopes++;
			} else if ((val = pt_cli_option(cli, &i, "--region")) != NULL) {
				in.scope = PT_LEVEL_SCOPE_REGION, in.scope_id = val, scope_opt = "--region";
				nscopes++;
			} else if ((val = pt_cli_option(cli, &i, "--rationale")) != NULL) {
				in.rationale = val;
			} else if ((val = pt_cli_option(cli, &i, "--until")) != NULL) {
				if (pt_time_parse_utc(val, &in.until))
					return pt_cli_usage_error(cli, "--until: '%s' is not a date or time "
								       "(2027-01-31 or 2027-01-31T00:00Z)",
								  val);
			} else if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
				as = val;
			} else if (strcmp(cli->argv[i], "--below") == 0) {
				in.below = 1;
			} else {
				return pt_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[i]);
			}
		}
		if (nscopes > 1)
			return pt_cli_usage_error(cli, "give one of --threat, --sector, --region");
		if (scope_opt && !in.scope_id[0])
			return pt_cli_usage_error(cli, "%s needs a value", scope_opt);
		if (in.clear && !nscopes)
			return pt_cli_usage_error(cli, "clear needs --threat ID, --sector ID or "
						       "--region NAME (the national level is set, "
						       "never cleared)");
		if (!in.rationale || !in.rationale[0])
			return pt_cli_usage_error(cli, "--rationale TEXT is required: say why the "
						       "level changes");
		if (in.below && in.scope != PT_LEVEL_SCOPE_THREAT)
			return pt_cli_usage_error(cli, "--below applies to a --threat level only");
	} else {
		return pt_cli_usage_error(cli, "unknown action '%s' (show, history, set or clear)",
					  cli->argv[0]);
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if ((rc = pt_cli_caller(db, as, &c)))
		goto out;
	if (action[0] == 's' && action[1] == 'h') {
		rc = show(db, &c, 0);
		goto out;
	}
	if (action[0] == 'h') {
		rc = show(db, &c, 1);
		goto out;
	}
	if ((err = pt_app_threat_level_change(&c, db, &in, &res, &d)) != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	{
		char scope[PT_LEVEL_SCOPE_ID_MAX + 16], until[32];
		scope_text(&res.change, scope, sizeof scope);
		time_text(res.change.expires_at, until, sizeof until);
		if (res.change.scope == PT_LEVEL_SCOPE_NATIONAL)
			printf("national threat level: %s", pt_threat_level_name(res.change.level));
		else if (res.change.scope == PT_LEVEL_SCOPE_THREAT && !res.change.cleared)
			printf("threat level for %s: %s%s", res.change.scope_id,
			       pt_threat_level_name(res.change.level),
			       res.change.below ? " (below: applies even under a higher level)" : "");
		else if (res.change.cleared)
			printf("threat level for %s cleared",
			       res.change.scope == PT_LEVEL_SCOPE_THREAT ? res.change.scope_id : scope);
		else
			printf("threat level for %s: %s", scope, pt_threat_level_name(res.change.level));
		printf(" (was %s%s%s)\n",
		       res.change.replaced_set ? pt_threat_level_name(res.change.replaced)
		       : res.change.scope == PT_LEVEL_SCOPE_NATIONAL ? "SUBSTANTIAL, the default"
								     : "not set",
		       res.change.expires_at ? "; until " : "", res.change.expires_at ? until : "");
	}
	if (res.n_reopened) {
		printf("register decisions re-opened (accepted at a lower band; they await a "
		       "government coordinator's approval again): %zu\n",
		       res.n_reopened);
		for (k = 0; k < res.n_reopened; k++)
			printf("  %s %s (%s): %s -> %s\n", res.reopened[k].site_id,
			       res.reopened[k].threat_id, res.reopened[k].site_name,
			       pt_band_name(res.reopened[k].decided_band),
			       pt_band_name(res.reopened[k].band));
	}
	rc = 0;
out:
	pt_app_level_result_clear(&res);
	pt_app_db_close(db);
	return rc;
}
