/* cli.h - shared pieces of the `protect` command: the context every
 * subcommand gets, option parsing helpers, error reporting, file reading,
 * the progress bar. */
#ifndef PT_CLI_H
#define PT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "core/pt_config.h"
#include "core/pt_err.h"
#include "core/pt_model.h"
#include "app/pt_app.h"

/** Largest input file read (bytes). */
#define PT_CLI_FILE_MAX (512UL * 1024 * 1024)

/** What every subcommand gets. */
struct pt_cli {
	const char *db_path; /**< from --db, $PROTECT_DB or "protect.db" */
	int argc;            /**< arguments after the subcommand name */
	char **argv;
	const char *command; /**< the subcommand name, for messages */
	const char *usage;   /**< the subcommand's usage lines, for pt_cli_usage_error */
	/* busy registry, global option */
	unsigned busy_wait_ms; /**< --busy-wait or $PROTECT_BUSY_WAIT; 0 = PT_BUSY_WAIT_MS */
};

/** A subcommand: returns a sysexits status. */
struct pt_cli_command {
	const char *name;
	int (*run)(struct pt_cli *cli);
	const char *usage; /**< one or more lines after "protect [--db FILE] " */
	const char *summary;
};

/** Print "protect COMMAND: msg" to stderr and return 64 after the usage of the command. */
int pt_cli_usage_error(const struct pt_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Print d formatted as "protect: FILE:LINE: field: msg" and return the exit status of err. */
int pt_cli_fail(enum pt_err err, const struct pt_diag *d);

/* issue 16 item 5: the filters --sector, --region, --kind, --owner, --band, --tlp */
struct pt_site_filter;
/**
 * When argv[*i] is a filter option (--sector VALUE or --sector=VALUE, ...),
 * add its comma-separated values to f and return 1 (*i past its value);
 * 0 when it is none; 64 after a usage error naming the option and value.
 */
int pt_cli_filter_option(const struct pt_cli *cli, int *i, struct pt_site_filter *f);
/**
 * A use case's failure: PT_EINVAL naming a filter field (an unknown value)
 * is a usage error naming its option ("--region: unknown value ...", 64);
 * anything else as pt_cli_fail.
 */
int pt_cli_filter_fail(const struct pt_cli *cli, enum pt_err err, const struct pt_diag *d);


/** Print "protect: msg" to stderr. */
void pt_cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Open the database (create when asked); on failure prints and returns the exit status, else 0. */
int pt_cli_open_db(const struct pt_cli *cli, int create, struct pt_db **db);

/**
 * Read a whole file (at most PT_CLI_FILE_MAX) into a new NUL-terminated
 * buffer the caller frees. Returns 0, or prints and returns 66 (missing),
 * 65 (too large) or 74 (I/O).
 */
int pt_cli_read_file(const char *path, char **buf, size_t *len);

/* issue 15 review, finding 5: an exercise's simulation file that cannot be opened */
/**
 * pt_cli_read_file of path, the simulation file that exercise's member
 * `simulation` (its text: simulation) names; when it cannot be opened the
 * error names the exercise, the path looked for and why, and says that the
 * path is relative to the exercise file's directory.
 */
int pt_cli_read_simulation(const char *exercise, const char *simulation, const char *path,
			   char **buf, size_t *len);

/** Warning printer for struct pt_diag's warn_cb: "protect: FILE:LINE: field: warning: msg". */
void pt_cli_print_warning(void *ctx, const char *file, long line, const char *field,
			  const char *msg);

/** Option helpers: parse a strictly positive/non-negative integer within [lo, hi]. */
int pt_cli_parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out);

/**
 * Write j to stdout with json_dumpf's flags and a final newline, then
 * release it (the reference is stolen; NULL means an allocation failed).
 * Returns 0, 70 when j is NULL, 74 when the write fails (each with a message).
 */
int pt_cli_write_json(json_t *j, size_t flags);

/** Progress bar on stderr when it is a terminal; silent otherwise. */
struct pt_progress {
	const char *label;
	int enabled;
	int last_permille;
};
void pt_progress_init(struct pt_progress *p, const char *label);
/** pt_progress_fn-compatible: ctx is a struct pt_progress. */
int pt_progress_update(void *ctx, uint64_t done, uint64_t total);
void pt_progress_done(struct pt_progress *p);

/** Output formats of tabular results. */
enum pt_format { PT_FORMAT_TABLE = 0, PT_FORMAT_CSV, PT_FORMAT_JSON, PT_FORMAT_GEOJSON };
/** Parse "table", "csv", "json" ("geojson" when allow_geojson). */
int pt_cli_parse_format(const char *s, int allow_geojson, enum pt_format *out);

/** Write a number of EUR with thousands separators into buf ("1 234 567"). */
void pt_cli_format_eur(double eur, char *buf, size_t size);

/** Print s padded/truncated to width display columns (UTF-8 aware). */
void pt_cli_print_cell(FILE *f, const char *s, int width);
/**
 * Untrusted text (a scenario's name, a key, a registry name) for a
 * terminal (issue 14 review L1): src into dst (size bytes, NUL-terminated,
 * cut when full) with C0/DEL written \xHH, C1 controls and bidirectional
 * controls (U+061C, U+200E/F, U+202A-E, U+2066-9) \uHHHH; the rest as is.
 */
void pt_cli_safe_text(char *dst, size_t size, const char *src);

int pt_cmd_init(struct pt_cli *cli);
int pt_cmd_demo(struct pt_cli *cli);
int pt_cmd_import(struct pt_cli *cli);
int pt_cmd_export(struct pt_cli *cli);
int pt_cmd_sites(struct pt_cli *cli);
int pt_cmd_config(struct pt_cli *cli);
int pt_cmd_assess(struct pt_cli *cli);
int pt_cmd_matrix(struct pt_cli *cli);
int pt_cmd_threat_level(struct pt_cli *cli);
int pt_cmd_gen(struct pt_cli *cli);
/** `protect serve`: the HTTP server until SIGINT or SIGTERM (src/cli/cmd_serve.c). */
int pt_cmd_serve(struct pt_cli *cli);
int pt_cmd_user(struct pt_cli *cli);
int pt_cmd_org(struct pt_cli *cli);
int pt_cmd_audit(struct pt_cli *cli);
/** `protect plan`: an investment plan under a budget; `plan list|show` saved plans (cmd_plan.c). */
int pt_cmd_plan(struct pt_cli *cli);
/** `protect register list|set|approve|history`: the risk register (cmd_register.c). */
int pt_cmd_register(struct pt_cli *cli);
/** `protect survey questionnaire|list|show|start|answer|rate|confirm`: visits (cmd_survey.c; issue 16 item 3). */
int pt_cmd_survey(struct pt_cli *cli);
/* issue 16 item 6: cmd_snapshot.c */
int pt_cmd_snapshot(struct pt_cli *cli);
int pt_cmd_compare(struct pt_cli *cli);
/** `protect measures list|at|export`: the measure catalogue and measures at sites (cmd_measures.c). */
int pt_cmd_measures(struct pt_cli *cli);
/* issue 12: resilience */
/** `protect cascade --fail ID[,ID...]`: a cascade of failures (cmd_cascade.c). */
int pt_cmd_cascade(struct pt_cli *cli);
/** `protect spof`: the single points of failure (cmd_cascade.c). */
int pt_cmd_spof(struct pt_cli *cli);
/** `protect attachment add|list|get|rm|purge` (issue 16 item 3): photos and documents of a site. */
int pt_cmd_attachment(struct pt_cli *cli);
/** `protect dependencies delete PROVIDER_ID CONSUMER_ID [--as USER]` (review of issue 12). */
int pt_cmd_dependencies(struct pt_cli *cli);
int pt_cmd_cer(struct pt_cli *cli); /* issue 16, item 8 */
int pt_cmd_withheld(struct pt_cli *cli); /* issue 16, item 8 */
int pt_cmd_peers(struct pt_cli *cli);   /* issue 16, item 7 */
int pt_cmd_what_if(struct pt_cli *cli); /* issue 16, item 7 */
/** issue 13: `protect alert ...` (cmd_alert.c). */
int pt_cmd_alert(struct pt_cli *cli);
/* issue 14: mass-casualty incident simulation (cmd_simulate.c) */
/** `protect simulate --scenario FILE ...`: runs a scenario (no database). */
int pt_cmd_simulate(struct pt_cli *cli);
/** `protect scenario from-site ID --threat T ...`: a scenario for an attack at a registry site. */
int pt_cmd_scenario(struct pt_cli *cli);


struct pt_caller;
/**
 * The caller of a command (src/app): the system administrator when as is
 * NULL, else user as (--as USER, pt_caller_as_user), made the database's
 * actor. 0, or prints and returns 66 for an unknown user (or another exit status).
 */
int pt_cli_caller(struct pt_db *db, const char *as, struct pt_caller *c);

/**
 * Read a new password into buf (cap bytes): the first line of standard
 * input when it is not a terminal or from_stdin is set, else asked twice
 * on the terminal without echo; checked for length. 0 or an exit status
 * (the message printed). The caller wipes buf.
 */
int pt_cli_read_password(char *buf, size_t cap, int from_stdin);

/** The id of organisation name; 0, or prints and returns 65 when unknown (or another exit status). */
int pt_cli_org_id(struct pt_db *db, const char *name, long long *id);

/**
 * The value of option opt at cli->argv[*i] ("--opt VALUE", advancing *i,
 * or "--opt=VALUE"); "" when VALUE is missing; NULL when argv[*i] is not opt.
 */
const char *pt_cli_option(const struct pt_cli *cli, int *i, const char *opt);

/** Print s cut to width display columns (UTF-8 aware, control characters as spaces), unpadded: a row's last cell. */
void pt_cli_print_last(FILE *f, const char *s, int width);

/**
 * Import a sites file (CSV, or GeoJSON when name ends in .geojson/.json or
 * the text starts with '{') named name for messages. Prints a summary unless
 * quiet. Returns 0 or an exit status (the message printed).
 */
int pt_cli_import_sites(struct pt_db *db, const struct pt_catalogs *cat, const char *name,
			const char *buf, size_t len, int quiet);

/** Import an assessments CSV (method by header). 0 or an exit status. */
int pt_cli_import_assessments(struct pt_db *db, const struct pt_catalogs *cat, const char *name,
			      const char *buf, size_t len, int quiet);

/** Load the catalogues of an open database; 0 or an exit status. */
int pt_cli_load_catalogs(struct pt_db *db, struct pt_catalogs *cat);

/** Free the three catalogues. */
void pt_cli_free_catalogs(struct pt_catalogs *cat);

/** Parse the catalogues compiled into the binary (no database needed). 0 or an exit status. */
int pt_cli_builtin_catalogs(struct pt_catalogs *cat);

/** Seed an open database from the embedded catalogues and settings. 0 or exit status. */
int pt_cli_seed(struct pt_db *db);

/* ---- standard output that cannot be written: exit 74 (issue 10) ---- */

/**
 * Note that writing standard output failed, keeping errno as the cause, and
 * return 74 (EX_IOERR). Prints nothing: pt_cli_finish reports it once.
 */
int pt_cli_stdout_failed(void);

/**
 * End a run (main calls it with the command's status): flush and close
 * standard output; when it could not be written print "protect: cannot write
 * to standard output: CAUSE" and return 74, or rc when the command already
 * failed. Otherwise returns rc.
 */
int pt_cli_finish(int rc);

/* issue 11: TLP marking of table output */
/**
 * The marking of a table on stderr ("TLP:AMBER" alone on a line), written
 * only once stdout took the table whole (a failed stdout says so instead).
 */
void pt_cli_marking(enum pt_tlp tlp);

/* issue 15: exercises (cmd_exercise.c: import-msel, export-msel, check; cmd_exercise_run.c: run) */
/** `protect exercise import-msel|export-msel|check ...`: exercise scenario files (`exercise run` is pt_cmd_exercise_run, dispatched by main.c). */
int pt_cmd_exercise(struct pt_cli *cli);
/** `protect exercise run FILE --auto ...` (cmd_exercise_run.c), called by main.c (exercise_command) when cli->argv[0] == "run". */
int pt_cmd_exercise_run(struct pt_cli *cli);
/* issue 15: the after-action report (cmd_exercise_report.c), dispatched by main.c */
/** `protect exercise report RUN --format html|csv [--out FILE] [--as USER] [--threads N]`. */
int pt_cmd_exercise_report(struct pt_cli *cli);
/** `protect exercise link RUN ITEM --measure SITE MEASURE | --register SITE THREAT [--as USER]`. */
int pt_cmd_exercise_link(struct pt_cli *cli);
/** `protect exercise item RUN ITEM --status open|"in progress"|done|cancelled [--as USER]`. */
int pt_cmd_exercise_item(struct pt_cli *cli);

#endif
