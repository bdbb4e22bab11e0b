/* cmd_exercise_run.c - `protect exercise run FILE --auto` (issue 15): plays an
 * exercise headless with scripted decisions (or the scenario's baseline), the
 * mass-casualty simulation rerun as a live run would; no database, no wall clock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../app/pt_app_exercise.h"
#include "../app/pt_app_simulate.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_exercise_io.h"
#include "../formats/pt_exercise_run_io.h"
#include "../formats/pt_scenario_io.h"
#include "cli.h"

#define DEFAULT_SEED 1

/* A seed: digits, 0 to 2^53-1. */
static int parse_seed(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	if (!s || !*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > PT_APP_SIM_SEED_MAX)
		return -1;
	*out = v;
	return 0;
}

/* The simulation file named in the exercise, relative to the exercise file's directory. */
static char *sibling_path(const char *exercise, const char *name)
{
	const char *slash = strrchr(exercise, '/');
	size_t dir = slash ? (size_t)(slash - exercise) + 1 : 0, n = strlen(name);
	char *p;
	if (name[0] == '/')
		dir = 0;
	if (!(p = malloc(dir + n + 1)))
		return NULL;
	memcpy(p, exercise, dir);
	memcpy(p + dir, name, n + 1);
	return p;
}

static int progress_fn(void *ctx, size_t done, size_t total)
{
	return pt_progress_update(ctx, (uint64_t)done, (uint64_t)total);
}

/* Read the simulation scenario sc drives into *sim (malloc'd); 0 or an exit status. */
static int read_simulation(const char *exercise, const char *ex_buf, size_t ex_len,
			   const struct pt_ex_scenario *sc, struct pt_mci_scenario **sim)
{
	char *path = NULL, *buf = NULL;
	size_t len = 0;
	struct pt_diag d;
	enum pt_err err;
	int rc = 0;

	memset(&d, 0, sizeof d);
	*sim = NULL;
	if (!(path = sibling_path(exercise, sc->simulation)) || !(*sim = malloc(sizeof **sim))) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto out;
	}
	if ((rc = pt_cli_read_simulation(exercise, sc->simulation, path, &buf, &len)) != 0)
		goto out;
	if ((err = pt_scenario_read(buf, len, path, *sim, &d)) != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	memset(&d, 0, sizeof d);
	if ((err = pt_ex_scenario_check_sim(sc, *sim, &d)) != PT_OK) {
		/* a decision's path the simulation lacks: the exercise file's line */
		pt_strlcpy(d.file, exercise, sizeof d.file);
		d.line = pt_ex_json_line(ex_buf, ex_len, d.field);
		rc = pt_cli_fail(err, &d);
	}
out:
	if (rc != 0) {
		free(*sim);
		*sim = NULL;
	}
	free(path);
	free(buf);
	return rc;
}

int pt_cmd_exercise_run(struct pt_cli *cli)
{
	struct pt_app_ex_auto_opts o;
	struct pt_app_ex_auto_result *res = NULL;
	struct pt_ex_scenario *sc = NULL;
	struct pt_mci_scenario *sim = NULL;
	struct pt_ex_made *made = NULL;
	struct pt_ex_run_line *lines = NULL;
	struct pt_ex_run_doc doc;
	struct pt_progress progress;
	enum pt_format format = PT_FORMAT_TABLE;
	const char *path = NULL, *decisions_path = NULL, *val;
	char *buf = NULL;
	unsigned long threads = 0;
	size_t len = 0, n_made = 0, i;
	int auto_run = 0, rc = 0, k;
	struct pt_diag d;
	enum pt_err err;
	long ncpu;

	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.seed = DEFAULT_SEED;
	for (k = 1; k < cli->argc; k++) {
		if (strcmp(cli->argv[k], "--auto") == 0) {
			auto_run = 1;
		} else if ((val = pt_cli_option(cli, &k, "--decisions"))) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--decisions: a file is needed");
			decisions_path = val;
		} else if ((val = pt_cli_option(cli, &k, "--seed"))) {
			if (parse_seed(val, &o.seed))
				return pt_cli_usage_error(cli, "--seed: '%s' is not a whole number 0 to "
							  "2^53-1", val);
		} else if ((val = pt_cli_option(cli, &k, "--threads"))) {
			if (pt_cli_parse_ulong(val, 1, PT_APP_SIM_MAX_THREADS, &threads))
				return pt_cli_usage_error(cli, "--threads: '%s' is not a whole number 1-%d",
							  val, PT_APP_SIM_MAX_THREADS);
		} else if ((val = pt_cli_option(cli, &k, "--format"))) {
			if (pt_cli_parse_format(val, 0, &format) || format == PT_FORMAT_CSV)
				return pt_cli_usage_error(cli, "--format: '%s' is not table or json", val);
		} else if (cli->argv[k][0] == '-' && cli->argv[k][1]) {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[k]);
		} else if (path) {
			return pt_cli_usage_error(cli, "run: one exercise file ('%s' is a second)",
						  cli->argv[k]);
		} else {
			path = cli->argv[k];
		}
	}
	if (!path)
		return pt_cli_usage_error(cli, "run: name an exercise file");
	if (!auto_run)
		return pt_cli_usage_error(cli, "run: a live run is started from the server (protect "
					  "serve); --auto plays the exercise headless here");

	if ((rc = pt_cli_read_file(path, &buf, &len)) != 0)
		goto out;
	if ((err = pt_ex_scenario_read(buf, len, path, &sc, &d)) != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (sc->simulation && (rc = read_simulation(path, buf, len, sc, &sim)) != 0)
		goto out;
	free(buf);
	buf = NULL;
	if (decisions_path) {
		if ((rc = pt_cli_read_file(decisions_path, &buf, &len)) != 0)
			goto out;
		memset(&d, 0, sizeof d);
		if ((err = pt_ex_decisions_read(sc, buf, len, decisions_path, &made, &n_made, &d)) !=
		    PT_OK) {
			rc = pt_cli_fail(err, &d);
			goto out;
		}
		o.decisions = made;
		o.n_decisions = n_made;
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.sc = sc;
	o.sim = sim;
	o.threads = (unsigned)(threads ? threads : (ncpu > 0 ? (unsigned long)ncpu : 1));
	if (o.threads > PT_APP_SIM_MAX_THREADS)
		o.threads = PT_APP_SIM_MAX_THREADS;
	pt_progress_init(&progress, "simulating");
	o.progress = progress_fn;
	o.progress_ctx = &progress;
	memset(&d, 0, sizeof d);
	err = pt_app_exercise_auto(&o, &res, &d);
	pt_progress_done(&progress);
	if (err != PT_OK) {
		if (!d.file[0])
			pt_strlcpy(d.file, decisions_path ? decisions_path : path, sizeof d.file);
		rc = pt_cli_fail(err, &d);
		goto out;
	}

	/* the view the renderers take */
	if (!(lines = calloc(res->n_entries + 1, sizeof *lines))) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto out;
	}
	for (i = 0; i < res->n_entries; i++) {
		lines[i].ev = &res->entries[i].ev;
		lines[i].sim = res->entries[i].sim;
		lines[i].n_made = res->entries[i].n_made;
	}
	memset(&doc, 0, sizeof doc);
	doc.run_id = res->run_id;
	doc.seed = o.seed;
	doc.sc = sc;
	doc.run = &res->run;
	doc.lines = lines;
	doc.n_lines = res->n_entries;
	doc.outcome = res->outcome;
	doc.baseline = res->baseline;
	doc.difference = res->difference;
	doc.headless = 1;
	if (format == PT_FORMAT_JSON)
		rc = pt_cli_write_json(pt_ex_run_json(&doc), JSON_INDENT(2) | JSON_PRESERVE_ORDER |
								     JSON_REAL_PRECISION(15));
	else if (pt_ex_run_table(stdout, &doc) != PT_OK || fflush(stdout) != 0)
		rc = pt_cli_stdout_failed();
out:
	pt_app_ex_auto_result_free(res);
	pt_ex_scenario_free(sc);
	free(lines);
	free(made);
	free(sim);
	free(buf);
	return rc;
}
