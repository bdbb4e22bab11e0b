/* main.c - the `protect` command: global options, the table of
 * subcommands and dispatch. Each subcommand lives in its own cmd_*.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_time_io.h"
#include "cli.h"

#define PT_VERSION "0.1.0"

/* issue 15: `exercise run` is cmd_exercise_run.c, the other subcommands cmd_exercise.c (command
 * files do not call each other: scripts/check-symbols), so the dispatch is here. */
static int exercise_command(struct pt_cli *cli)
{
	if (cli->argc > 0 && strcmp(cli->argv[0], "run") == 0)
		return pt_cmd_exercise_run(cli);
	if (cli->argc > 0 && strcmp(cli->argv[0], "report") == 0) /* the after-action report */
		return pt_cmd_exercise_report(cli);
	if (cli->argc > 0 && strcmp(cli->argv[0], "link") == 0)
		return pt_cmd_exercise_link(cli);
	if (cli->argc > 0 && strcmp(cli->argv[0], "item") == 0)
		return pt_cmd_exercise_item(cli);
	return pt_cmd_exercise(cli);
}

static const struct pt_cli_command commands[] = {
	{"init", pt_cmd_init, "init", "create an empty registry with the catalogues and settings"},
	{"demo", pt_cmd_demo, "demo", "create (or refresh) a registry holding the fictional demo region"},
	{"import", pt_cmd_import,
	 "import sites|assessments FILE | import measures FILE [EFFECTS_FILE]\n"
	 "       import site-measures FILE | import surge FILE EFFECTS_FILE\n"
	 "       import dependencies FILE [--as USER]",
	 "import sites (CSV or GeoJSON), assessments (CSV, method by header), the measure "
	 "catalogue and its effects, or measures in place at sites; all or nothing"},
	{"export", pt_cmd_export,
	 "export sites [--format csv|json|geojson] [--max-tlp LEVEL]\n"
	 "       export dependencies [--format csv|json] [--max-tlp LEVEL] [--as USER]",
	 "write sites or dependencies to stdout, withholding those above the TLP level (default GREEN)"},
	{"sites", pt_cmd_sites,
	 "sites list [--format table|csv|json] [--sector S,..] [--region R,..] [--kind K,..]\n"
	 "       [--owner ORG-ID|mine,..] [--band B,..] [--tlp LABEL,..] | sites show ID", /* issue 16 */
	 "list the registry or show one site with its assessments"},
	{"config", pt_cmd_config, "config show | config set KEY VALUE",
	 "show or change the configurable figures of the methods"},
	{"assess", pt_cmd_assess,
	 "assess --method fema|carver|quant [--samples N] [--seed S] [--threads T] [--top-k K]\n"
	 "       [--conditional] [--national-share S] [--limit N] [--format table|csv|json]\n"
	 "       [--sector S,..] [--region R,..] [--kind K,..] [--owner ORG-ID|mine,..] [--band B,..]\n"
	 "       [--tlp LABEL,..]", /* issue 16 item 5 */
	 "rank the sites by one method"},
	{"matrix", pt_cmd_matrix,
	 "matrix [--method fema|quant] [--format table|csv|json] [--sector S,..] [--region R,..]\n"
	 "       [--kind K,..] [--owner ORG-ID|mine,..] [--band B,..] [--tlp LABEL,..]", /* issue 16 */
	 "the 5x5 likelihood x consequence matrix with counts of site-threat risks"},
	{"threat-level", pt_cmd_threat_level,
	 "threat-level [show|history] | threat-level set LOW|MODERATE|SUBSTANTIAL|SEVERE|CRITICAL\n"
	 "  [--threat ID [--below] | --sector ID | --region NAME] --rationale TEXT [--until WHEN]\n"
	 "  | threat-level clear --threat ID|--sector ID|--region NAME --rationale TEXT",
	 "show or set the national threat level, overall or per threat scenario"},
	{"serve", pt_cmd_serve, "serve [--bind ADDRESS] [--port N] [--threads N] [--upload-max BYTES] [--busy-wait MS]"
	 "\n       [--body-budget BYTES] [--connections-max N] [--per-address-max N] [--idle-timeout S]"
	 "\n       [--body-min-rate BYTES/S] [--proxy ADDRESS [--proxy-header NAME]] [--behind-tls]"
	 "\n       [--plan-cache-mb N] [--compute-threads N] [--compute-queue N] [--public-rate N]"
	 "\n       [--run-rate N] [--run-refusals N] [--pause-runs-on-restart]",
	 "run the HTTP server: the JSON API under /api/v1/ and the web page at /"},
	{"gen", pt_cmd_gen, "gen --sites N [--threats K] --seed S --out DIR",
	 "write a synthetic national dataset for scale tests"},
	{"user", pt_cmd_user,
	 "user add NAME --org ORGANISATION --role ROLE [--password-stdin] [--as USER]\n"
	 "       user list [--org ORGANISATION] [--format table|csv|json]\n"
	 "       user passwd NAME [--password-stdin] | user role NAME ROLE\n"
	 "       user reset-2fa NAME | user second-factor [required|optional]",
	 "manage users (the password is read from standard input, or asked on the terminal)"},
	{"org", pt_cmd_org,
	 "org add NAME --type government|operator|private_security|ngo [--partner ORG]...\n"
	 "       org set NAME [--type TYPE] [--name NEW] [--partner ORG]... [--no-partners]\n"
	 "       org list [--format table|csv|json]",
	 "manage organisations and the partners that may read their AMBER records"},
	{"audit", pt_cmd_audit,
	 "audit list [--limit N] [--format table|csv|json] | audit verify | audit rekey [--reason TEXT]",
	 "read the audit log, verify its HMAC chain against DB.key, or start a new chain"},
	{"measures", pt_cmd_measures,
	 "measures list [--format table|csv|json] | measures at SITE [--format table|csv|json]\n"
	 "         [--history]\n"
	 "       measures export [--effects]\n"
	 "       measures approve|accept|decline|install|verify SITE MEASURE [--as USER]\n"
	 "         [--note TEXT] (install: [--on DATE]; verify: --method test|inspection\n"
	 "         --next DATE [--on DATE])\n"
	 "       measures commit SITE MEASURE [--note TEXT] [--as USER]",
	 "the catalogue of protective measures, the measures in place or proposed at a site, "
	 "their steps"},
	{"plan", pt_cmd_plan,
	 "plan --budget EUR [--solver fast|exact] [--format table|csv|json|html]\n"
	 "       [--sector S,..] [--region R,..] [--kind K,..] [--owner ORG-ID|mine,..] [--band B,..]\n"
	 "       [--tlp LABEL,..] (the plan's scope; issue 16)\n"
	 "       [--save NAME] [--frontier] [--time-limit S] [--no-check] [--as USER]\n"
	 "       [--discount-rate R] [--horizon YEARS] [--sensitivity]\n"
	 "       plan list [--format table|csv|json] | plan show NAME [--format table|json]\n"
	 "       plan withdraw NAME [--as USER]",
	 "choose proportionate protective measures across the sites under a budget"},
	/* issue 16 item 6: history and comparison */
	{"snapshot", pt_cmd_snapshot,
	 "snapshot take NAME [--method fema|quant] [--as USER] | snapshot list [--format table|csv|json]\n"
	 "       snapshot show ID [--method fema|quant] [--format table|csv|json] [--as USER]\n"
	 "       snapshot rm ID [--as USER]",
	 "named, dated snapshots of the ranking's and the register's inputs (history)"},
	{"compare", pt_cmd_compare,
	 "compare FROM [TO|now] [--method fema|quant] [--threat-level later|own|LEVEL] [--changed]\n"
	 "       [--format table|csv|json] [--as USER]",
	 "compare a snapshot with another or with now at one threat level, each site's change "
	 "attributed to threat level, reassessments, installed measures, new or removed sites"},
	{"register", pt_cmd_register,
	 "register list [--site ID] [--format table|csv|json] [--as USER] [--sector S,..]\n"
	 "         [--region R,..] [--kind K,..] [--owner ORG-ID|mine,..] [--band B,..] [--tlp LABEL,..]\n"
	 "       register set SITE THREAT [--treatment accept|reduce|transfer|avoid]\n"
	 "         [--responsible USER] [--review-date YYYY-MM-DD] [--measures A;B] [--note TEXT]\n"
	 "         [--as USER]\n"
	 "       register approve SITE THREAT [--as USER] | register history SITE THREAT [--as USER]",
	 "the risk register: treatment, owner, review date and linked measures of each risk"},
	/* issue 16 item 3: surveys */
	{"survey", pt_cmd_survey,
	 "survey questionnaire KIND [--format table|json]\n"
	 "       survey list SITE | survey show ID [--format table|json] [--as USER]\n"
	 "       survey start SITE --method fema|quant [--date YYYY-MM-DD] [--as USER]\n"
	 "       survey answer ID QUESTION=yes|partly|no|na|none ... [--as USER]\n"
	 "       survey rate ID THREAT [--vulnerability N] [--asset-value N] [--threat-rating N]\n"
	 "         [--p-success MIN,MODE,MAX] [--reason TEXT] [--as USER]\n"
	 "       survey confirm ID [--as USER]",
	 "assessment visits: the questionnaire, its proposed ratings, a second person's confirmation"},
	/* issue 12: resilience */
	{"cascade", pt_cmd_cascade,
	 "cascade --fail ID[,ID...] [--repair-hours H] [--hours H] [--format table|csv|json]\n"
	 "       [--as USER]",
	 "fail sites at hour 0 and follow the cascade through their dependencies (ids are "
	 "case-sensitive; an id given twice counts once)"},
	{"spof", pt_cmd_spof, "spof [--top K] [--threads T] [--format table|csv|json] [--as USER]",
	 "the single points of failure: each supplying site failed alone, ranked by person-hours lost"},
	/* review of issue 12: remove a wrong dependency */
	{"dependencies", pt_cmd_dependencies, "dependencies delete PROVIDER_ID CONSUMER_ID [--as USER]",
	 "delete the dependency of a consumer site on a provider site"},
	/* issue 16, item 8: critical entities under the CER Directive */
	{"cer", pt_cmd_cer,
	 "cer list [--format table|csv|json] [--as USER]\n"
	 "       cer designate ORGANISATION --designated DATE --notified DATE [--site ID]...\n"
	 "       cer set ORGANISATION [--designated DATE] [--notified DATE] [--risk-assessment DATE]\n"
	 "           [--resilience-plan DATE] [--site ID]... [--no-sites] [--as USER]\n"
	 "       cer revoke ORGANISATION [--as USER]",
	 "critical entities under the EU CER Directive: designation (art. 6), the risk assessment "
	 "(art. 12) and resilience plan (art. 13) each owes and by when"},
	{"withheld", pt_cmd_withheld, "withheld [--method fema|quant] [--format table|json] --as USER",
	 "a government coordinator's counts of the sites it may not read, by sector and risk band "
	 "(counts below 3 not shown)"},
	/* issue 16, item 7: peers and what-if */
	{"peers", pt_cmd_peers, "peers SITE [--method fema|carver|quant] [--format table|json] [--as USER]",
	 "a site against the assessed sites of its sector: percentiles of its risk and factors"},
	{"what-if", pt_cmd_what_if,
	 "what-if SITE --measure ID [--method fema|quant] [--format table|json] [--as USER]",
	 "a site's risk, rank and band with a measure added, computed and not stored"},
	/* issue 16 item 3: attachments (photos and documents of a site or survey) */
	{"attachment", pt_cmd_attachment,
	 "attachment add SITE FILE [--name NAME] [--caption TEXT] [--survey N] [--people] [--as USER]\n"
	 "       attachment list SITE [--survey N] [--format table|json] [--as USER]\n"
	 "       attachment get ID [--out FILE] [--as USER] | attachment rm ID [--as USER]\n"
	 "       attachment purge",
	 "photos (JPEG, PNG) and documents (PDF) of a site: checked by their bytes, location and "
	 "camera metadata removed, at least TLP:AMBER; --people: deleted after "
	 "attachments.retention_days"},
	/* issue 13: public alerts */
	{"alert", pt_cmd_alert,
	 "alert new --template T --site ID [--radius-km R] [--lang en,mk,sq]\n"
	 "       [--status Actual|Exercise|Test] [--polygon \"LAT,LON ...\"] [--generic-area]\n"
	 "       [--duration-h H] [--note TEXT] [--preview] [--format xml|json] [--as USER]\n"
	 "       alert update ID [options of new] | alert cancel ID [--note TEXT] [--as USER]\n"
	 "       alert approve ID [--sha256 HEX] --as USER | alert reject ID [--reason TEXT] --as USER\n"
	 "       alert list [--format table|json] [--as USER] | alert show ID [--format xml|json]\n"
	 "       alert validate FILE",
	 "public alerts in CAP 1.2 (three languages, a second person approves an Actual one)"},
	/* issue 14: mass-casualty incident simulation */
	{"simulate", pt_cmd_simulate,
	 "simulate --scenario FILE [--replications N] [--threads T] [--seed S]\n"
	 "       [--set key=value ...] [--sweep key=a,b,c] [--format table|csv|json] [--trace [REP]]",
	 "simulate a mass-casualty incident: deaths, treatment times and hospital load with 95% "
	 "intervals (no database needed)"},
	{"scenario", pt_cmd_scenario,
	 "scenario from-site ID --threat T [--victims N] [--exclude ID,...] [--hospitals ID,...] [--out FILE] [--as USER]",
	 "write a mass-casualty scenario for an attack at a registry site (its nearby hospitals, "
	 "travel times, the threat's casualty mix)"},
	/* issue 15: exercises (scenario and MSEL files, headless runs) */
	{"exercise", exercise_command,
	 "exercise import-msel FILE.csv [--map FILE] [--into SCENARIO.json] [--out SCENARIO.json]\n"
	 "       exercise export-msel SCENARIO.json [--out FILE.csv] | exercise check SCENARIO.json\n"
	 "       exercise run SCENARIO.json --auto [--decisions FILE] [--seed S] [--threads T] [--format table|json]"
	 /* issue 15: the after-action report of a stored run */
	 "\n       exercise report RUN --format html|csv [--out FILE] [--as USER] [--threads T]\n"
	 "       exercise link RUN ITEM --measure SITE MEASURE|--register SITE THREAT [--as USER]\n"
	 "       exercise item RUN ITEM --status open|'in progress'|done|cancelled [--as USER]",
	 "exercise scenarios: import and export the MSEL spreadsheet, check a scenario, play a run "
	 "headless (no database needed); a stored run's after-action report and improvement links"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	size_t i;
	fprintf(f, "usage: protect [--db FILE] COMMAND [ARGS]\n\n"
		   "The registry of vulnerable targets: identify, assess and rank.\n"
		   "The database is FILE, else $PROTECT_DB, else protect.db.\n"
		   "--busy-wait MS (before COMMAND; else $PROTECT_BUSY_WAIT, else 5000): a write waits\n"
		   "up to MS milliseconds (1-60000) for another write before exit 75.\n"
		   "--now TIME (before COMMAND; else $PROTECT_NOW): fix the clock, e.g. 2027-01-31T00:00Z\n"
		   "or @SECONDS (reproducible alerts and expiries).\n\ncommands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		if ((fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary) < 0 ||
		     ferror(f)) && f == stdout)
			(void)pt_cli_stdout_failed(); /* the text is longer than a buffer: keep the cause */
	fprintf(f, "\n'protect help COMMAND' shows a command's usage.\n"
		   "Exit status: 0 ok, 64 usage, 65 bad data, 66 missing input, 70 internal, 74 I/O,\n"
		   "75 busy (try again), 77 forbidden.\n");
	if (f == stdout && ferror(f))
		(void)pt_cli_stdout_failed();
}

static const struct pt_cli_command *find_command(const char *name)
{
	size_t i;
	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int run(int argc, char **argv)
{
	struct pt_cli cli;
	const struct pt_cli_command *cmd;
	int i = 1;
	const char *env = getenv("PROTECT_DB");

	const char *busy = getenv("PROTECT_BUSY_WAIT");
	unsigned long ms;

	memset(&cli, 0, sizeof cli);
	cli.db_path = env && env[0] ? env : "protect.db";
	if (busy && busy[0]) {
		if (pt_cli_parse_ulong(busy, 1, PT_BUSY_WAIT_MAX_MS, &ms)) {
			fprintf(stderr, "protect: PROTECT_BUSY_WAIT: '%s' is not milliseconds 1-%d\n", busy,
				PT_BUSY_WAIT_MAX_MS);
			return 64;
		}
		cli.busy_wait_ms = (unsigned)ms;
	}
	{ /* issue 11, for tests only: the clock threat-level expiries and review dates read */
		const char *now = getenv("PROTECT_NOW");
		int64_t at;
		if (now && now[0]) {
			if (pt_time_parse_utc(now, &at)) {
				fprintf(stderr, "protect: PROTECT_NOW: '%s' is not a time "
						"(2027-01-31T00:00Z or @SECONDS)\n", now);
				return 64;
			}
			pt_app_clock_fix(at);
		}
	}
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--db") == 0) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				fprintf(stderr, "protect: --db needs a FILE\n");
				return 64;
			}
			cli.db_path = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--db=", 5) == 0 && argv[i][5]) {
			cli.db_path = argv[i] + 5;
			i++;
		} else if (strcmp(argv[i], "--busy-wait") == 0 || strncmp(argv[i], "--busy-wait=", 12) == 0) {
			/* busy registry: how long this command's writes wait (a script beside an import) */
			const char *v = argv[i][11] == '=' ? argv[i] + 12 : i + 1 < argc ? argv[i + 1] : NULL;
			if (!v || pt_cli_parse_ulong(v, 1, PT_BUSY_WAIT_MAX_MS, &ms)) {
				fprintf(stderr, "protect: --busy-wait: '%s' is not milliseconds 1-%d\n",
					v ? v : "", PT_BUSY_WAIT_MAX_MS);
				return 64;
			}
			cli.busy_wait_ms = (unsigned)ms;
			i += argv[i][11] == '=' ? 1 : 2;
		} else if (strcmp(argv[i], "--now") == 0 || strncmp(argv[i], "--now=", 6) == 0) {
			/* issue 13: fix the clock (as PROTECT_NOW, which it overrides) */
			const char *v = argv[i][5] == '=' ? argv[i] + 6 : i + 1 < argc ? argv[i + 1] : NULL;
			int64_t at;
			if (!v || !v[0] || pt_time_parse_utc(v, &at)) {
				fprintf(stderr, "protect: --now: '%s' is not a time "
						"(2027-01-31T00:00Z or @SECONDS)\n", v ? v : "");
				return 64;
			}
			pt_app_clock_fix(at);
			i += argv[i][5] == '=' ? 1 : 2;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("protect %s\n", PT_VERSION);
			return 0;
		} else {
			fprintf(stderr, "protect: unknown option %s\n", argv[i]);
			usage(stderr);
			return 64;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 64;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 < argc) {
			cmd = find_command(argv[i + 1]);
			if (!cmd) {
				fprintf(stderr, "protect: unknown command %s\n", argv[i + 1]);
				return 64;
			}
			printf("usage: protect [--db FILE] %s\n\n%s\n", cmd->usage, cmd->summary);
			return 0;
		}
		usage(stdout);
		return 0;
	}
	cmd = find_command(argv[i]);
	if (!cmd) {
		fprintf(stderr, "protect: unknown command '%s'\n", argv[i]);
		usage(stderr);
		return 64;
	}
	cli.command = cmd->name;
	cli.usage = cmd->usage;
	cli.argc = argc - i - 1;
	cli.argv = argv + i + 1;
	if (cli.argc > 0 && (strcmp(cli.argv[0], "--help") == 0 || strcmp(cli.argv[0], "-h") == 0)) {
		printf("usage: protect [--db FILE] %s\n\n%s\n", cmd->usage, cmd->summary);
		return 0;
	}
	return cmd->run(&cli);
}

int main(int argc, char **argv)
{
	return pt_cli_finish(run(argc, argv)); /* output that could not be written: 74 */
}
