/* cmd_simulate.c - `protect simulate` (a mass-casualty scenario, its sweeps
 * and traces; no database) and `protect scenario from-site` (issue 14). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../app/pt_app_simulate.h"
#include "../formats/pt_scenario_io.h"
#include "../formats/pt_sim_io.h"
#include "cli.h"

#define DEFAULT_REPLICATIONS 1000
#define DEFAULT_SEED 1

/* The outputs the table shows, in this order (CSV and JSON hold every one). */
static const char *const table_outputs[] = {
	"deaths", "deaths_scene", "deaths_transport", "deaths_hospital", "killed_outright",
	"later_deaths", "critical", "critical_deaths", "critical_mortality", "first_treatment_min",
	"surgery_min", "transported", "walked", "ambulance_trips", "ambulances_used", "events",
};
/* A sweep's table: one line per value, these columns (those the model has), then the paired
 * difference of deaths from the first value. */
static const char *const sweep_outputs[] = {
	"deaths", "later_deaths", "deaths_scene", "deaths_transport", "deaths_hospital",
	"critical_mortality", "first_treatment_min", "surgery_min",
};

static long output_index(const char *name)
{
	size_t i;
	for (i = 0; i < pt_mci_output_count(); i++)
		if (strcmp(pt_mci_output_name(i), name) == 0)
			return (long)i;
	return -1;
}

/* "MEAN [LO, HI]" of a statistic, "-" when no replication had a value. */
static void stat_cell(const struct pt_mci_stat *st, int percent, char *buf, size_t size)
{
	double k = percent ? 100 : 1;
	if (!isfinite(st->mean))
		snprintf(buf, size, "-");
	else if (!isfinite(st->lo))
		snprintf(buf, size, "%.2f", k * st->mean);
	else
		snprintf(buf, size, "%.2f [%.2f, %.2f]", k * st->mean, k * st->lo, k * st->hi);
}

/* The failure of a command with untrusted text in its message: escaped (review L1). */
static int fail_safe(enum pt_err err, const struct pt_diag *d)
{
	char msg[2048], safe[4096];
	pt_diag_format(d, msg, sizeof msg);
	pt_cli_safe_text(safe, sizeof safe, msg[0] ? msg : pt_strerror(err));
	pt_cli_errorf("%s", safe);
	return pt_err_exit_status(err);
}

static void print_table(const struct pt_sim_result *r)
{
	size_t i, h, k, n_cols = 0;
	long cols[sizeof sweep_outputs / sizeof *sweep_outputs];
	char name[4 * PT_MCI_NAME_MAX], threat[4 * PT_MCI_NAME_MAX];
	pt_cli_safe_text(name, sizeof name, r->scenario);
	pt_cli_safe_text(threat, sizeof threat, r->threat[0] ? r->threat : "-");
	printf("scenario: %s (%s, %u victims)\n", name, threat, r->victims);
	printf("%zu replication%s, seed %llu; mean [95%% confidence interval of the mean]\n",
	       r->replications, r->replications == 1 ? "" : "s", (unsigned long long)r->seed);
	if (r->sweep_key[0]) {
		long dk = output_index("deaths");
		char first[4 * PT_MCI_VALUE_MAX], key[4 * PT_MCI_PATH_MAX];
		for (k = 0; k < sizeof sweep_outputs / sizeof *sweep_outputs; k++)
			if ((cols[n_cols] = output_index(sweep_outputs[k])) >= 0)
				n_cols++;
		printf("\n%-14s", "VALUE");
		for (k = 0; k < n_cols; k++)
			printf("  %-24s", strcmp(pt_mci_output_name((size_t)cols[k]),
						 "critical_mortality") == 0
						? "critical_mortality (%)"
						: pt_mci_output_name((size_t)cols[k]));
		printf("  %s\n", "deaths_diff (paired)");
		for (i = 0; i < r->n_rows; i++) {
			char cell[96];
			pt_cli_print_cell(stdout, r->rows[i].value, 14);
			for (k = 0; k < n_cols; k++) {
				stat_cell(&r->rows[i].stats[cols[k]],
					  strcmp(pt_mci_output_name((size_t)cols[k]),
						 "critical_mortality") == 0,
					  cell, sizeof cell);
				printf("  %-24s", cell);
			}
			if (i == 0 || !r->rows[i].diff || dk < 0)
				snprintf(cell, sizeof cell, "-");
			else
				stat_cell(&r->rows[i].diff[dk], 0, cell, sizeof cell);
			printf("  %s\n", cell);
		}
		pt_cli_safe_text(key, sizeof key, r->sweep_key);
		pt_cli_safe_text(first, sizeof first, r->rows[0].value);
		printf("\nswept: %s (every value meets the same random numbers); deaths_diff: the "
		       "mean difference from %s, replication by replication, with its 95%% "
		       "interval\n", key, first);
		return;
	}
	printf("\n%-26s %s\n", "OUTPUT", "MEAN [95% CI]");
	for (k = 0; k < sizeof table_outputs / sizeof *table_outputs; k++) {
		char cell[96];
		long o = output_index(table_outputs[k]);
		int pct = strcmp(table_outputs[k], "critical_mortality") == 0;
		if (o < 0)
			continue;
		stat_cell(&r->rows[0].stats[o], pct, cell, sizeof cell);
		printf("%-26s %s\n", pct ? "critical_mortality (%)" : table_outputs[k], cell);
	}
	if (r->rows[0].n_hospitals) {
		printf("\n%-40s %s\n", "HOSPITAL", "PEAK PATIENTS (mean)");
		for (h = 0; h < r->rows[0].n_hospitals; h++) {
			pt_cli_print_cell(stdout, r->rows[0].hospitals[h].name, 40);
			printf(" %.2f\n", r->rows[0].hospitals[h].peak_mean);
		}
	}
}

/* ---- --trace ---- */

struct trace_out {
	enum pt_format format;
	const struct pt_mci_scenario *s; /* the file's: hospital names in the table */
	json_t *events; /* JSON */
	int failed;
};

static const char *cat_name(int cat)
{
	static const char *const names[PT_MCI_CATS] = { "T1", "T2", "T3", "DEAD" };
	return cat >= 0 && cat < PT_MCI_CATS ? names[cat] : "";
}

/* trace: what a death or a decision adds ("lethal injury, NISS 34", "response.ambulances=20"); "" else */
static void trace_detail(const struct pt_mci_trace_event *ev, char *out, size_t n)
{
	out[0] = '\0';
	if (ev->path)
		snprintf(out, n, "%s=%s", ev->path, ev->value ? ev->value : "");
	else if (ev->cause && ev->niss >= 0)
		snprintf(out, n, "%s, NISS %d", ev->cause, ev->niss);
	else if (ev->niss >= 0)
		snprintf(out, n, "NISS %d", ev->niss);
}

static void trace_event(void *ctx, const struct pt_mci_trace_event *ev)
{
	struct trace_out *t = ctx;
	char detail[2 * PT_MCI_VALUE_MAX + 8];
	trace_detail(ev, detail, sizeof detail);
	if (t->format == PT_FORMAT_JSON) {
		json_t *o = json_object();
		if (!o || json_object_set_new(o, "t_min", json_real(ev->t_min)) ||
		    json_object_set_new(o, "what", json_string(ev->what ? ev->what : "")) ||
		    json_object_set_new(o, "site", ev->site >= 0 ? json_integer(ev->site) : json_null()) ||
		    json_object_set_new(o, "victim", ev->victim >= 0 ? json_integer(ev->victim) : json_null()) ||
		    json_object_set_new(o, "category", ev->cat >= 0 ? json_string(cat_name(ev->cat)) : json_null()) ||
		    json_object_set_new(o, "ambulance", ev->ambulance >= 0 ? json_integer(ev->ambulance) : json_null()) ||
		    json_object_set_new(o, "hospital", ev->hospital >= 0 ? json_integer(ev->hospital) : json_null()) ||
		    json_object_set_new(o, "detail", detail[0] ? json_string(detail) : json_null()) ||
		    json_array_append_new(t->events, o))
			t->failed = 1;
		return;
	}
	if (t->format == PT_FORMAT_CSV) {
		printf("%.3f,%s,", ev->t_min, ev->what ? ev->what : "");
		if (ev->site >= 0)
			printf("%d", ev->site);
		putchar(',');
		if (ev->victim >= 0)
			printf("%d", ev->victim);
		printf(",%s,", cat_name(ev->cat));
		if (ev->ambulance >= 0)
			printf("%d", ev->ambulance);
		putchar(',');
		if (ev->hospital >= 0)
			printf("%d", ev->hospital);
		if (strchr(detail, ',') || strchr(detail, '"')) { /* quoted as RFC 4180 */
			const char *c;
			fputs(",\"", stdout);
			for (c = detail; *c; c++) {
				if (*c == '"')
					putchar('"');
				putchar(*c);
			}
			putchar('"');
		} else {
			printf(",%s", detail);
		}
		putchar('\n');
		return;
	}
	{
		char line[512];
		size_t n = 0, end;
		n += (size_t)snprintf(line + n, sizeof line - n, "%9.2f  %-20s", ev->t_min,
				      ev->what ? ev->what : "");
		if (ev->victim >= 0)
			n += (size_t)snprintf(line + n, sizeof line - n, " victim %-5d", ev->victim);
		else
			n += (size_t)snprintf(line + n, sizeof line - n, " %-12s", "");
		n += (size_t)snprintf(line + n, sizeof line - n, " %-4s", cat_name(ev->cat));
		if (ev->ambulance >= 0 && n < sizeof line)
			n += (size_t)snprintf(line + n, sizeof line - n, " ambulance %d", ev->ambulance);
		if (ev->site >= 0 && t->s->attack.n_sites > 1 && n < sizeof line)
			n += (size_t)snprintf(line + n, sizeof line - n, " site %d", ev->site);
		if (ev->hospital >= 0 && (size_t)ev->hospital < t->s->n_hospitals && n < sizeof line) {
			char hn[4 * PT_MCI_NAME_MAX];
			pt_cli_safe_text(hn, sizeof hn, t->s->hospitals[ev->hospital].name);
			n += (size_t)snprintf(line + n, sizeof line - n, " hospital %d (%.200s)",
					      ev->hospital, hn);
		}
		else if (ev->hospital >= 0 && n < sizeof line)
			n += (size_t)snprintf(line + n, sizeof line - n, " hospital %d", ev->hospital);
		if (detail[0] && n < sizeof line)
			n += (size_t)snprintf(line + n, sizeof line - n, " (%s)", detail);
		end = n < sizeof line ? n : sizeof line - 1;
		while (end > 0 && line[end - 1] == ' ')
			end--;
		line[end] = '\0';
		puts(line);
	}
}

/* ---- options ---- */

static int progress_fn(void *ctx, size_t done, size_t total)
{
	return pt_progress_update(ctx, (uint64_t)done, (uint64_t)total);
}

/* "key=value" into its two halves (in place); 0, or nonzero when there is no '=' or key. */
static int split_pair(char *s, char **key, char **value)
{
	char *eq = strchr(s, '=');
	if (!eq || eq == s)
		return -1;
	*eq = '\0';
	*key = s;
	*value = eq + 1;
	return 0;
}

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

/* The failure of a run: an unknown key is a usage error (64), the rest by its code. */
static int run_failed(const struct pt_cli *cli, enum pt_err err, const struct pt_diag *d,
		      const char *option)
{
	char key[4 * sizeof d->field];
	if (err == PT_ENOTFOUND) {
		pt_cli_safe_text(key, sizeof key, d->field);
		return pt_cli_usage_error(cli, "%s %s: unknown key (docs/scenarios.md lists the keys)",
					  option, key);
	}
	return fail_safe(err, d);
}

int pt_cmd_simulate(struct pt_cli *cli)
{
	struct pt_app_sim_opts o;
	struct pt_app_sim_set *sets = NULL;
	const char **values = NULL;
	struct pt_mci_scenario *scenario = NULL;
	struct pt_sim_result *res = NULL;
	struct pt_progress progress;
	enum pt_format format = PT_FORMAT_TABLE;
	const char *path = NULL, *val;
	char *sweep_buf = NULL, *buf = NULL;
	unsigned long reps = DEFAULT_REPLICATIONS, threads = 0, trace_rep = 0;
	int trace = 0, rc = 0, i, mpi = 0;
	size_t len = 0;
	struct pt_diag d;
	enum pt_err err;
	long ncpu;

	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.seed = DEFAULT_SEED;
	if (!(sets = calloc(PT_APP_SIM_MAX_SETS, sizeof *sets)) ||
	    !(values = calloc(PT_APP_SIM_MAX_SWEEP, sizeof *values))) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto out;
	}
	for (i = 0; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--scenario"))) {
			if (!val[0]) {
				rc = pt_cli_usage_error(cli, "--scenario: a file is needed");
				goto out;
			}
			path = val;
		} else if ((val = pt_cli_option(cli, &i, "--replications"))) {
			if (pt_cli_parse_ulong(val, 1, PT_MCI_MAX_REPLICATIONS, &reps)) {
				rc = pt_cli_usage_error(cli, "--replications: '%s' is not a whole number "
							"1-%d", val, PT_MCI_MAX_REPLICATIONS);
				goto out;
			}
		} else if ((val = pt_cli_option(cli, &i, "--threads"))) {
			if (pt_cli_parse_ulong(val, 1, PT_APP_SIM_MAX_THREADS, &threads)) {
				rc = pt_cli_usage_error(cli, "--threads: '%s' is not a whole number 1-%d",
							val, PT_APP_SIM_MAX_THREADS);
				goto out;
			}
		} else if ((val = pt_cli_option(cli, &i, "--seed"))) {
			if (parse_seed(val, &o.seed)) {
				rc = pt_cli_usage_error(cli, "--seed: '%s' is not a whole number 0 to "
							"2^53-1", val);
				goto out;
			}
		} else if ((val = pt_cli_option(cli, &i, "--set"))) {
			char *key, *value;
			if (o.n_sets >= PT_APP_SIM_MAX_SETS) {
				rc = pt_cli_usage_error(cli, "--set: more than %d overrides",
							PT_APP_SIM_MAX_SETS);
				goto out;
			}
			if (split_pair((char *)val, &key, &value)) {
				rc = pt_cli_usage_error(cli, "--set: '%s' is not key=value", val);
				goto out;
			}
			sets[o.n_sets].path = key;
			sets[o.n_sets++].value = value;
		} else if ((val = pt_cli_option(cli, &i, "--sweep"))) {
			char *key, *list, *tok, *save = NULL;
			if (o.sweep_key) {
				rc = pt_cli_usage_error(cli, "--sweep: one sweep at a time");
				goto out;
			}
			if (!(sweep_buf = strdup(val))) {
				pt_cli_errorf("out of memory");
				rc = 71;
				goto out;
			}
			if (split_pair(sweep_buf, &key, &list) || !list[0]) {
				rc = pt_cli_usage_error(cli, "--sweep: '%s' is not key=a,b,c", val);
				goto out;
			}
			o.sweep_key = key;
			for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (o.n_sweep >= PT_APP_SIM_MAX_SWEEP) {
					rc = pt_cli_usage_error(cli, "--sweep: more than %d values",
								PT_APP_SIM_MAX_SWEEP);
					goto out;
				}
				values[o.n_sweep++] = tok;
			}
			if (o.n_sweep == 0) {
				rc = pt_cli_usage_error(cli, "--sweep: '%s' is not key=a,b,c", val);
				goto out;
			}
		} else if ((val = pt_cli_option(cli, &i, "--format"))) {
			if (pt_cli_parse_format(val, 0, &format)) {
				rc = pt_cli_usage_error(cli, "--format: '%s' is not table, csv or json",
							val);
				goto out;
			}
		} else if (strcmp(cli->argv[i], "--trace") == 0) {
			trace = 1;
			/* an optional replication number follows */
			if (i + 1 < cli->argc && cli->argv[i + 1][0] >= '0' &&
			    cli->argv[i + 1][0] <= '9') {
				if (pt_cli_parse_ulong(cli->argv[i + 1], 0, PT_MCI_MAX_REPLICATIONS - 1,
						       &trace_rep)) {
					rc = pt_cli_usage_error(cli, "--trace: '%s' is not a replication "
								"0-%d", cli->argv[i + 1],
								PT_MCI_MAX_REPLICATIONS - 1);
					goto out;
				}
				i++;
			}
		} else {
			rc = pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
			goto out;
		}
	}
	if (!path) {
		rc = pt_cli_usage_error(cli, "--scenario FILE is needed");
		goto out;
	}
	if (trace && o.sweep_key) {
		rc = pt_cli_usage_error(cli, "--trace follows one scenario: leave out --sweep");
		goto out;
	}
	if (pt_app_sim_mpi_init() != 0) {
		pt_cli_errorf("MPI could not be started");
		rc = 70;
		goto out;
	}
	mpi = 1;
	/* under mpirun rank 0 speaks for all: the others' output would repeat it */
	if (pt_app_sim_mpi_rank() != 0 && (!freopen("/dev/null", "w", stdout) ||
					   !freopen("/dev/null", "w", stderr))) {
		rc = 74;
		goto out;
	}
	if ((rc = pt_cli_read_file(path, &buf, &len)) != 0)
		goto out;
	if (!(scenario = malloc(sizeof *scenario))) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto out;
	}
	err = pt_scenario_read(buf, len, path, scenario, &d);
	if (err != PT_OK) {
		rc = fail_safe(err, &d); /* the file's keys and values, escaped */
		goto out;
	}
	memset(&d, 0, sizeof d);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.scenario = scenario;
	o.sets = sets;
	o.sweep_values = values;
	o.replications = reps;
	o.threads = (unsigned)(threads ? threads : (ncpu > 0 ? (unsigned long)ncpu : 1));
	if (trace) {
		struct trace_out t;
		memset(&t, 0, sizeof t);
		t.format = format;
		t.s = scenario;
		if (pt_app_sim_mpi_rank() != 0)
			goto out; /* one replication: rank 0 runs it */
		if (format == PT_FORMAT_JSON && !(t.events = json_array())) {
			pt_cli_errorf("out of memory");
			rc = 71;
			goto out;
		}
		if (format == PT_FORMAT_CSV)
			printf("t_min,what,site,victim,category,ambulance,hospital,detail\n");
		else if (format == PT_FORMAT_TABLE)
			printf("%9s  %-20s %-12s %-4s %s\n", "T (min)", "EVENT", "VICTIM", "CAT",
			       "AMBULANCE / HOSPITAL");
		err = pt_app_simulate_trace(&o, trace_rep, trace_event, &t, &d);
		if (err != PT_OK) {
			json_decref(t.events);
			rc = run_failed(cli, err, &d, "--set");
			goto out;
		}
		if (format == PT_FORMAT_JSON) {
			json_t *doc = t.failed ? NULL : json_object();
			if (doc && (json_object_set_new(doc, "replication", json_integer((json_int_t)trace_rep)) ||
				    json_object_set_new(doc, "seed", json_integer((json_int_t)o.seed)) ||
				    json_object_set_new(doc, "events", t.events))) {
				json_decref(doc);
				doc = NULL;
			} else if (!doc) {
				json_decref(t.events);
			}
			rc = pt_cli_write_json(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
							    JSON_REAL_PRECISION(15));
		}
		goto out;
	}
	pt_progress_init(&progress, "simulating");
	if (pt_app_sim_mpi_rank() != 0)
		progress.enabled = 0;
	o.progress = progress_fn;
	o.progress_ctx = &progress;
	o.runner = pt_app_sim_mpi_runner;
	err = pt_app_simulate_run(&o, &res, &d);
	pt_progress_done(&progress);
	if (err != PT_OK) {
		rc = run_failed(cli, err, &d, o.sweep_key && strcmp(d.field, o.sweep_key) == 0 ? "--sweep" : "--set");
		goto out;
	}
	if (!res)
		goto out; /* an MPI rank other than 0 */
	if (format == PT_FORMAT_JSON)
		rc = pt_cli_write_json(pt_sim_result_json(res), JSON_INDENT(2) | JSON_PRESERVE_ORDER |
									JSON_REAL_PRECISION(15));
	else if (format == PT_FORMAT_CSV)
		rc = pt_sim_result_csv(stdout, res) == PT_OK ? 0 : pt_cli_stdout_failed();
	else
		print_table(res);
out:
	if (mpi)
		pt_app_sim_mpi_finish();
	pt_sim_result_free(res);
	free(scenario);
	free(buf);
	free(sweep_buf);
	free(sets);
	free(values);
	return rc;
}

/* ---- scenario from-site ---- */

/* Write s to path ("-" or NULL: stdout); 0 or an exit status (the message printed). */
static int write_scenario(const char *path, const struct pt_mci_scenario *s)
{
	FILE *f = stdout;
	enum pt_err err;
	if (path && strcmp(path, "-") != 0 && !(f = fopen(path, "w"))) {
		pt_cli_errorf("%s: %s", path, strerror(errno));
		return 73;
	}
	err = pt_scenario_write(f, s);
	if (f != stdout) {
		if (fclose(f) != 0 && err == PT_OK)
			err = PT_EIO;
		if (err != PT_OK) {
			pt_cli_errorf("%s: %s", path, err == PT_ENOMEM ? "out of memory" : strerror(errno));
			return err == PT_ENOMEM ? 71 : 74;
		}
		return 0;
	}
	if (err == PT_ENOMEM) {
		pt_cli_errorf("out of memory");
		return 71;
	}
	return err == PT_OK ? 0 : pt_cli_stdout_failed();
}

static int from_site(struct pt_cli *cli)
{
	struct pt_app_from_site_opts o;
	struct pt_app_from_site_info info;
	struct pt_mci_scenario *s = NULL;
	const char *out_path = NULL, *as = NULL, *val;
	unsigned long victims = 0;
	struct pt_caller c;
	struct pt_db *db = NULL;
	const char *exclude[PT_APP_FROM_SITE_MAX_EXCLUDE], *hospitals[PT_MCI_MAX_HOSPITALS];
	char *lists[2] = { NULL, NULL };
	struct pt_diag d;
	enum pt_err err;
	int i, rc = 0;

	memset(&o, 0, sizeof o);
	o.exclude = exclude;
	o.hospitals = hospitals;
	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--threat"))) {
			o.threat = val;
		} else if ((val = pt_cli_option(cli, &i, "--exclude")) ||
			   (val = pt_cli_option(cli, &i, "--hospitals"))) {
			int ex = strcmp(cli->argv[i - 1], "--exclude") == 0 ||
				 strncmp(cli->argv[i], "--exclude=", 10) == 0;
			size_t max = ex ? PT_APP_FROM_SITE_MAX_EXCLUDE : PT_MCI_MAX_HOSPITALS;
			size_t *n = ex ? &o.n_exclude : &o.n_hospitals;
			const char **ids = ex ? exclude : hospitals;
			char *tok, *save = NULL;
			if (lists[ex]) {
				rc = pt_cli_usage_error(cli, "%s: give it once, ids separated by commas",
							ex ? "--exclude" : "--hospitals");
				goto out;
			}
			if (!(lists[ex] = strdup(val))) {
				pt_cli_errorf("out of memory");
				rc = 71;
				goto out;
			}
			for (tok = strtok_r(lists[ex], ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (*n >= max) {
					rc = pt_cli_usage_error(cli, "%s: more than %zu site ids",
								ex ? "--exclude" : "--hospitals", max);
					goto out;
				}
				ids[(*n)++] = tok;
			}
			if (*n == 0) {
				rc = pt_cli_usage_error(cli, "%s: name site ids (ID[,ID...])",
							ex ? "--exclude" : "--hospitals");
				goto out;
			}
		} else if ((val = pt_cli_option(cli, &i, "--victims"))) {
			if (pt_cli_parse_ulong(val, 1, PT_APP_FROM_SITE_MAX_VICTIMS, &victims)) {
				rc = pt_cli_usage_error(cli, "--victims: '%s' is not a whole number 1-%d",
								val, PT_APP_FROM_SITE_MAX_VICTIMS);
				goto out;
			}
		} else if ((val = pt_cli_option(cli, &i, "--out"))) {
			if (!val[0]) {
				rc = pt_cli_usage_error(cli, "--out: a file is needed");
				goto out;
			}
			out_path = val;
		} else if ((val = pt_cli_option(cli, &i, "--as"))) {
			if (!val[0]) {
				rc = pt_cli_usage_error(cli, "--as: a user name is needed");
				goto out;
			}
			as = val;
		} else if (cli->argv[i][0] == '-' || o.site_id) {
			rc = pt_cli_usage_error(cli, "unexpected '%s'", cli->argv[i]);
			goto out;
		} else {
			o.site_id = cli->argv[i];
		}
	}
	if (!o.site_id) {
		rc = pt_cli_usage_error(cli, "from-site: name a site id");
		goto out;
	}
	if (!o.threat || !o.threat[0]) {
		rc = pt_cli_usage_error(cli, "--threat: name a threat id");
		goto out;
	}
	o.victims = (unsigned)victims;
	if (!(s = malloc(sizeof *s))) {
		pt_cli_errorf("out of memory");
		rc = 71;
		goto out;
	}
	if ((rc = pt_cli_open_db(cli, 0, &db)) != 0 || (rc = pt_cli_caller(db, as, &c)) != 0)
		goto out;
	memset(&d, 0, sizeof d);
	err = pt_app_scenario_from_site(&c, db, &o, s, &info, &d);
	if (err != PT_OK) {
		rc = pt_cli_fail(err, &d);
		goto out;
	}
	if ((rc = write_scenario(out_path, s)) != 0)
		goto out;
	pt_cli_errorf("%s%s%zu receiving hospital%s within %g km, travel times at %g x the "
		      "straight line and %g km/h; edit the file to change them",
		      out_path ? out_path : "", out_path ? ": " : "", info.hospitals,
		      info.hospitals == 1 ? "" : "s", info.radius_km, info.road_factor,
		      info.speed_kmh);
	if (info.in_radius > info.hospitals)
		pt_cli_errorf("the %zu nearest of %zu health-sector sites within %g km were kept (at "
			      "most %d)",
			      info.hospitals, info.in_radius, info.radius_km, PT_MCI_MAX_HOSPITALS);
	if (info.attacked_hospital) {
		int h = s->attack.sites[0].hospital_index;
		if (h >= 0 && s->hospitals[h].locked_down)
			pt_cli_errorf("the attacked site is receiving hospital %d, locked down (set "
				      "hospitals.%d.locked_down to false to keep its emergency "
				      "department open)",
				      h, h);
		else
			pt_cli_errorf("the attacked site is receiving hospital %d", h);
	}
	if (info.excluded)
		pt_cli_errorf("%zu health-sector site%s left out (--exclude): no hospital, no "
			      "ambulance station", info.excluded, info.excluded == 1 ? "" : "s");
	if (info.show_hidden && info.hidden)
		pt_cli_errorf("%zu health-sector site%s within %g km you may not read %s left out",
			      info.hidden, info.hidden == 1 ? "" : "s", info.radius_km,
			      info.hidden == 1 ? "was" : "were");
	else if (!info.show_hidden)
		pt_cli_errorf("health-sector sites you may not read are left out");
out:
	pt_app_db_close(db);
	free(s);
	free(lists[0]);
	free(lists[1]);
	return rc;
}

int pt_cmd_scenario(struct pt_cli *cli)
{
	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "name a subcommand: from-site");
	if (strcmp(cli->argv[0], "from-site") == 0)
		return from_site(cli);
	return pt_cli_usage_error(cli, "unknown subcommand '%s'", cli->argv[0]);
}
