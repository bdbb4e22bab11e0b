/* cmd_exercise.c - `protect exercise` (issue 15): import-msel, export-msel and
 * check of exercise scenarios; `exercise run` is cmd_exercise_run.c, which main.c
 * dispatches to (command files do not call each other). No database. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "formats/pt_diag.h"
#include "formats/pt_exercise_io.h"
#include "formats/pt_scenario_io.h"

/* Reads and checks the exercise scenario at path; 0 or an exit status (printed). */
static int read_scenario(const char *path, struct pt_ex_scenario **sc, char **buf, size_t *len)
{
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	int rc;
	*sc = NULL;
	if ((rc = pt_cli_read_file(path, buf, len)) != 0)
		return rc;
	if ((err = pt_ex_scenario_read(*buf, *len, path, sc, &d)) != PT_OK)
		return pt_cli_fail(err, &d);
	return 0;
}

/* Writes what write() gives to path, or stdout when path is NULL; 0 or an exit status. The
 * text is made in memory first, so a file is only created once everything is known to be good. */
static int write_out(const char *path, const struct pt_ex_scenario *sc,
		     enum pt_err (*write)(FILE *, const struct pt_ex_scenario *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len), *f;
	enum pt_err err;
	int rc = 0;
	if (!m) {
		pt_cli_errorf("out of memory");
		return 71;
	}
	err = write(m, sc);
	if (fclose(m) != 0 || err != PT_OK) {
		free(text);
		pt_cli_errorf("out of memory");
		return 71;
	}
	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(text, 1, len, stdout) != len)
			rc = pt_cli_stdout_failed();
		free(text);
		return rc;
	}
	if (!(f = fopen(path, "w"))) {
		pt_cli_errorf("%s: %s", path, strerror(errno));
		free(text);
		return 73;
	}
	if (fwrite(text, 1, len, f) != len)
		rc = 74;
	if (fclose(f) != 0)
		rc = 74;
	if (rc)
		pt_cli_errorf("%s: %s", path, strerror(errno));
	free(text);
	return rc;
}

static char *simulation_path(const char *scenario_path, const char *simulation);

/* The scenario's warnings on stderr, each "protect: PATH: warning: ..." (review findings 5, 10). */
static void print_warnings(const char *path, const struct pt_ex_scenario *sc,
			   const struct pt_mci_scenario *sim)
{
	struct pt_ex_warnings *w = malloc(sizeof *w);
	size_t i;
	if (!w)
		return;
	pt_ex_scenario_warnings(sc, w);
	pt_ex_scenario_warnings_sim(sc, sim, w); /* review 15B item 1; nothing when sim is NULL */
	for (i = 0; i < w->n; i++)
		fprintf(stderr, "protect: %s: warning: %s\n", path, w->list[i].msg);
	if (w->more)
		fprintf(stderr, "protect: %s: warning: and %zu more warning%s\n", path, w->more,
			w->more == 1 ? "" : "s");
	free(w);
}

/* The directory part of path ("." when none), into a new string. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	char *p;
	if (slash && n == 0)
		n = 1; /* "/x": the root */
	if (!slash)
		return strdup(".");
	if ((p = malloc(n + 1))) {
		memcpy(p, path, n);
		p[n] = '\0';
	}
	return p;
}

/*
 * --into IN --out OUT (review finding 10): the scenario's simulation, relative
 * to IN's directory, rewritten relative to OUT's, so that `exercise check OUT`
 * and `exercise run OUT` find it. *rel the new text (sc->simulation points to
 * it: free it after writing). Left as it is when the simulation is not found
 * (the warning after writing says so) or is an absolute path. 0 or an exit status.
 */
static int relocate_simulation(const char *into, const char *out, struct pt_ex_scenario *sc,
			       char **rel)
{
	char *sim = NULL, *odir = NULL, *sim_real = NULL, *out_real = NULL, *p;
	size_t common = 0, i, ups = 0, len;
	int rc = 0;

	*rel = NULL;
	if (sc->simulation[0] == '/')
		return 0;
	if (!(sim = simulation_path(into, sc->simulation)) || !(odir = dir_of(out))) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto done;
	}
	if (!(sim_real = realpath(sim, NULL)) || !(out_real = realpath(odir, NULL)))
		goto done; /* not there: the warning after writing names it */
	/* OUT's directory as "DIR/": the longest common prefix ending in '/', then one "../"
	 * per directory of it left */
	len = strlen(out_real);
	if (!(p = malloc(len + 2))) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto done;
	}
	memcpy(p, out_real, len + 1);
	if (len == 0 || p[len - 1] != '/')
		strcat(p, "/");
	for (i = 0; p[i] && p[i] == sim_real[i]; i++)
		if (p[i] == '/')
			common = i + 1;
	for (i = common; p[i]; i++)
		ups += p[i] == '/';
	free(p);
	len = ups * 3 + strlen(sim_real + common) + 1;
	if (!(p = malloc(len))) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto done;
	}
	p[0] = '\0';
	for (i = 0; i < ups; i++)
		strcat(p, "../");
	strcat(p, sim_real + common);
	if (strcmp(p, sc->simulation) != 0)
		fprintf(stderr, "protect: %s: its simulation is \"%s\" (relative to its own directory)\n",
			out, p);
	sc->simulation = p;
	*rel = p;
done:
	free(sim);
	free(odir);
	free(sim_real);
	free(out_real);
	return rc;
}

static int import_msel(struct pt_cli *cli)
{
	const char *csv_path = NULL, *map_path = NULL, *into = NULL, *out = NULL, *val;
	char *csv = NULL, *map = NULL, *into_buf = NULL, *sim_rel = NULL;
	size_t csv_len = 0, map_len = 0, into_len = 0;
	struct pt_ex_scenario *sc = NULL;
	struct pt_ex_problems *probs = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	int rc = 0, i;

	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--map"))) {
			if (!*val)
				return pt_cli_usage_error(cli, "--map: a column mapping file is needed");
			map_path = val;
		} else if ((val = pt_cli_option(cli, &i, "--into"))) {
			if (!*val)
				return pt_cli_usage_error(cli, "--into: a scenario file is needed");
			into = val;
		} else if ((val = pt_cli_option(cli, &i, "--out"))) {
			if (!*val)
				return pt_cli_usage_error(cli, "--out: a file is needed");
			out = val;
		} else if (cli->argv[i][0] == '-' && cli->argv[i][1]) {
			return pt_cli_usage_error(cli, "unknown option %s", cli->argv[i]);
		} else if (!csv_path) {
			csv_path = cli->argv[i];
		} else {
			return pt_cli_usage_error(cli, "one MSEL file at a time (%s)", cli->argv[i]);
		}
	}
	if (!csv_path)
		return pt_cli_usage_error(cli, "import-msel: the MSEL CSV file is needed");
	if ((rc = pt_cli_read_file(csv_path, &csv, &csv_len)) != 0 ||
	    (map_path && (rc = pt_cli_read_file(map_path, &map, &map_len)) != 0))
		goto out;
	if (into) {
		if ((rc = read_scenario(into, &sc, &into_buf, &into_len)) != 0)
			goto out;
	} else if (!(sc = pt_ex_scenario_new())) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto out;
	}
	if (!(probs = calloc(1, sizeof *probs))) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto out;
	}
	err = pt_ex_msel_read_all(sc, csv, csv_len, csv_path, map, map_len, map_path, probs, &d);
	if (err != PT_OK && probs->n > 1) { /* review finding 5: every bad row, in file order */
		size_t k;
		for (k = 0; k < probs->n; k++) {
			struct pt_diag one = PT_DIAG_INIT;
			pt_diag_put(&one, err, probs->list[k].line, probs->list[k].field,
				    probs->list[k].msg);
			pt_strlcpy(one.file, csv_path, sizeof one.file);
			rc = pt_cli_fail(err, &one);
		}
		if (probs->more)
			pt_cli_errorf("%s: and %zu more problem%s", csv_path, probs->more,
				      probs->more == 1 ? "" : "s");
		goto out;
	}
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if (out && into && sc->simulation &&
	    (rc = relocate_simulation(into, out, sc, &sim_rel)) != 0)
		goto out;
	rc = write_out(out, sc, pt_ex_scenario_write);
	if (rc == 0 && out)
		fprintf(stderr, "protect: %s: %zu injects in %zu stages for %zu roles\n", out,
			sc->n_injects, sc->n_stages, sc->n_roles);
	if (rc == 0)
		print_warnings(out ? out : csv_path, sc, NULL);
	if (rc == 0 && out && sc->simulation) { /* review finding 5: --out away from it */
		char *sp = simulation_path(out, sc->simulation);
		if (sp && access(sp, R_OK) != 0)
			fprintf(stderr,
				"protect: %s: warning: its simulation \"%s\" is read from its own "
				"directory, and %s is not there: copy the simulation file beside "
				"it or write it beside %s\n",
				out, sc->simulation, sp, into ? into : "the simulation file");
		free(sp);
	}
out:
	pt_ex_scenario_free(sc);
	free(probs);
	free(csv);
	free(map);
	free(into_buf);
	free(sim_rel);
	return rc;
}

static int export_msel(struct pt_cli *cli)
{
	const char *path = NULL, *out = NULL, *val;
	struct pt_ex_scenario *sc = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc, i;

	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--out"))) {
			if (!*val)
				return pt_cli_usage_error(cli, "--out: a file is needed");
			out = val;
		} else if (cli->argv[i][0] == '-' && cli->argv[i][1]) {
			return pt_cli_usage_error(cli, "unknown option %s", cli->argv[i]);
		} else if (!path) {
			path = cli->argv[i];
		} else {
			return pt_cli_usage_error(cli, "one scenario at a time (%s)", cli->argv[i]);
		}
	}
	if (!path)
		return pt_cli_usage_error(cli, "export-msel: the scenario file is needed");
	if ((rc = read_scenario(path, &sc, &buf, &len)) == 0)
		rc = write_out(out, sc, pt_ex_msel_write);
	pt_ex_scenario_free(sc);
	free(buf);
	return rc;
}

/* The simulation file named by the scenario, relative to the scenario file's directory. */
static char *simulation_path(const char *scenario_path, const char *simulation)
{
	const char *slash = strrchr(scenario_path, '/');
	size_t dir = slash ? (size_t)(slash - scenario_path) + 1 : 0, n = strlen(simulation);
	char *p;
	if (simulation[0] == '/')
		dir = 0;
	if (!(p = malloc(dir + n + 1)))
		return NULL;
	memcpy(p, scenario_path, dir);
	memcpy(p + dir, simulation, n + 1);
	return p;
}

static int check(struct pt_cli *cli)
{
	const char *path = NULL;
	struct pt_ex_scenario *sc = NULL;
	struct pt_mci_scenario *sim = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	char *buf = NULL, *sim_buf = NULL, *sim_path = NULL;
	size_t len = 0, sim_len = 0, i, n_cont = 0, n_sim = 0;
	enum pt_err err;
	int rc, k;

	for (k = 1; k < cli->argc; k++) {
		if (cli->argv[k][0] == '-' && cli->argv[k][1])
			return pt_cli_usage_error(cli, "unknown option %s", cli->argv[k]);
		if (path)
			return pt_cli_usage_error(cli, "one scenario at a time (%s)", cli->argv[k]);
		path = cli->argv[k];
	}
	if (!path)
		return pt_cli_usage_error(cli, "check: the scenario file is needed");
	if ((rc = read_scenario(path, &sc, &buf, &len)) != 0)
		goto out;
	if (sc->simulation) {
		if (!(sim_path = simulation_path(path, sc->simulation)) ||
		    !(sim = malloc(sizeof *sim))) {
			pt_cli_errorf("out of memory");
			rc = 71;
			goto out;
		}
		if ((rc = pt_cli_read_simulation(path, sc->simulation, sim_path, &sim_buf,
						 &sim_len)) != 0)
			goto out;
		if ((err = pt_scenario_read(sim_buf, sim_len, sim_path, sim, &d)) != PT_OK) {
			rc = pt_cli_fail(err, &d);
			goto out;
		}
		memset(&d, 0, sizeof d);
		if ((err = pt_ex_scenario_check_sim(sc, sim, &d)) != PT_OK) {
			pt_strlcpy(d.file, path, sizeof d.file);
			d.line = pt_ex_json_line(buf, len, d.field);
			rc = pt_cli_fail(err, &d);
			goto out;
		}
	}
	for (i = 0; i < sc->n_injects; i++)
		n_cont += sc->injects[i].contingency_of != 0;
	for (i = 0; i < sc->n_decisions; i++)
		n_sim += sc->decisions[i].apply != PT_EX_APPLY_LOG;
	printf("%s: ok: %zu stages, %zu roles, %zu objectives, %zu injects (%zu contingency), "
	       "%zu decisions (%zu reach the simulation), %zu baseline decisions%s%s\n",
	       path, sc->n_stages, sc->n_roles, sc->n_objectives, sc->n_injects, n_cont,
	       sc->n_decisions, n_sim, sc->n_baseline, sc->simulation ? ", simulation " : "",
	       sc->simulation ? sc->simulation : "");
	print_warnings(path, sc, sim);
out:
	pt_ex_scenario_free(sc);
	free(sim);
	free(buf);
	free(sim_buf);
	free(sim_path);
	return rc;
}

int pt_cmd_exercise(struct pt_cli *cli)
{
	const char *sub = cli->argc > 0 ? cli->argv[0] : NULL;
	if (!sub)
		return pt_cli_usage_error(cli, "a subcommand is needed: import-msel, export-msel, "
					       "check or run");
	if (strcmp(sub, "import-msel") == 0)
		return import_msel(cli);
	if (strcmp(sub, "export-msel") == 0)
		return export_msel(cli);
	if (strcmp(sub, "check") == 0)
		return check(cli);
	return pt_cli_usage_error(cli, "unknown subcommand %s (import-msel, export-msel, check, run)",
				  sub);
}
