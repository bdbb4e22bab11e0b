/* pt_http_simulate.c - POST /api/v1/simulations (issue 14): a mass-casualty
 * simulation of a scenario in the compute pool, within the caller's role's limits. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_simulate.h"
#include "../formats/pt_scenario_io.h"
#include "../formats/pt_sim_io.h"
#include "pt_http_api.h"

/* Estimated events over all rows (pt_app_sim_cost x replications) above which a simulation
 * is a heavy job of the pool: 200,000 replications x victims at the default 52 events a victim. */
#define SIM_LIGHT_WORK (200000.0 * 52.0)
#define SIM_DEFAULT_REPLICATIONS 1000 /* as `protect simulate` */
#define SIM_DEFAULT_SEED 1

/* A parsed body: the strings point into r->json (kept for the request). */
struct sim_body {
	json_t *scenario;        /* the "scenario" object, or NULL */
	const char *site_id, *threat;
	unsigned victims;
	const char *exclude[PT_APP_FROM_SITE_MAX_EXCLUDE]; /* site ids (with site_id) */
	size_t n_exclude;
	const char *hospitals[PT_MCI_MAX_HOSPITALS];
	size_t n_hospitals;
	size_t replications;
	uint64_t seed;
	struct pt_app_sim_set sets[PT_APP_SIM_MAX_SETS];
	size_t n_sets;
	const char *sweep_key;
	const char *sweep_values[PT_APP_SIM_MAX_SWEEP];
	size_t n_sweep;
	/* text of the numbers and booleans of set and sweep */
	char text[PT_APP_SIM_MAX_SETS + PT_APP_SIM_MAX_SWEEP][32];
	size_t n_text;
};

/* v (string, integer, real or boolean) as text for pt_mci_set, or NULL. */
static const char *value_text(struct sim_body *b, const json_t *v)
{
	char *t;
	if (json_is_string(v))
		return json_string_value(v);
	if (b->n_text >= sizeof b->text / sizeof b->text[0])
		return NULL;
	t = b->text[b->n_text];
	if (json_is_integer(v))
		snprintf(t, sizeof b->text[0], "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(t, sizeof b->text[0], "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(t, sizeof b->text[0], "%s", json_is_true(v) ? "true" : "false");
	else
		return NULL;
	b->n_text++;
	return t;
}

/* A JSON integer in [min, max] at key of obj (absent: def); the message quotes
 * say_max (the caller's limit) when nonzero. 0, or 1 after a 400. */
static int int_member(struct pt_req *r, json_t *obj, const char *key, unsigned long long min,
		      unsigned long long max, unsigned long long def, unsigned long long *out,
		      unsigned long long say_max)
{
	json_t *v = json_object_get(obj, key);
	*out = def;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (unsigned long long)json_integer_value(v) < min ||
	    (unsigned long long)json_integer_value(v) > max) {
		if (say_max)
			pt_reply_error(r, 400, key, 0, "%s: a whole number %llu-%llu (your role's limit)",
				       key, min, say_max);
		else
			pt_reply_error(r, 400, key, 0, "%s: a whole number %llu-%llu", key, min, max);
		return 1;
	}
	*out = (unsigned long long)json_integer_value(v);
	return 0;
}

/* An array of at most max site ids at key of root into ids; 0, or 1 after a 400. */
static int id_list(struct pt_req *r, json_t *root, const char *key, const char **ids,
		   size_t max, size_t *n)
{
	json_t *a = json_object_get(root, key), *v;
	size_t i;
	*n = 0;
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > max) {
		pt_reply_error(r, 400, key, 0, "%s: an array of at most %zu site ids", key, max);
		return 1;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || !pt_valid_id(json_string_value(v))) {
			pt_reply_error(r, 400, key, 0, "%s: site ids (1-63 characters of A-Z a-z 0-9 . _ -)",
				       key);
			return 1;
		}
		ids[i] = json_string_value(v);
	}
	*n = json_array_size(a);
	return 0;
}

/* Parse r->json into *b (reps_max: the caller's limit, for the message); 0, or 1 after a 400. */
static int parse_body(struct pt_req *r, struct sim_body *b, size_t reps_max)
{
	static const char *const known[] = {"scenario", "site_id", "threat", "victims",
					    "replications", "seed", "set", "sweep",
					    "exclude", "hospitals", NULL};
	json_t *root = r->json, *v, *set, *sweep;
	const char *key;
	unsigned long long n;
	size_t i;

	memset(b, 0, sizeof *b);
	json_object_foreach(root, key, v) {
		for (i = 0; known[i] && strcmp(known[i], key); i++)
			;
		if (!known[i]) {
			pt_reply_error(r, 400, key, 0, "%s: unknown field", key);
			return 1;
		}
	}
	b->scenario = json_object_get(root, "scenario");
	if (b->scenario && !json_is_object(b->scenario)) {
		pt_reply_error(r, 400, "scenario", 0, "scenario: an object (a scenario file's JSON)");
		return 1;
	}
	if (!!b->scenario == !!json_object_get(root, "site_id")) {
		pt_reply_error(r, 400, "scenario", 0,
			       "scenario: give either a scenario or a site_id and a threat");
		return 1;
	}
	if (b->scenario) {
		static const char *const with_site[] = {"threat", "victims", "exclude", "hospitals", NULL};
		for (i = 0; with_site[i]; i++)
			if (json_object_get(root, with_site[i])) {
				pt_reply_error(r, 400, with_site[i], 0,
					       "threat, victims, exclude and hospitals go with site_id, "
					       "not with a scenario");
				return 1;
			}
	} else {
		v = json_object_get(root, "site_id");
		if (!json_is_string(v) || !pt_valid_id(json_string_value(v))) {
			pt_reply_error(r, 400, "site_id", 0,
				       "site_id: a site id (1-63 characters of A-Z a-z 0-9 . _ -)");
			return 1;
		}
		b->site_id = json_string_value(v);
		v = json_object_get(root, "threat");
		if (!json_is_string(v) || !pt_valid_id(json_string_value(v))) {
			pt_reply_error(r, 400, "threat", 0, "threat: required, a threat id");
			return 1;
		}
		b->threat = json_string_value(v);
		if (int_member(r, root, "victims", 1, PT_APP_FROM_SITE_MAX_VICTIMS, 0, &n, 0))
			return 1;
		b->victims = (unsigned)n;
		if (id_list(r, root, "exclude", b->exclude, PT_APP_FROM_SITE_MAX_EXCLUDE,
			    &b->n_exclude) ||
		    id_list(r, root, "hospitals", b->hospitals, PT_MCI_MAX_HOSPITALS, &b->n_hospitals))
			return 1;
	}
	/* a malformed count names the caller's limit; a well-formed one past it is 413 below */
	if (int_member(r, root, "replications", 1, PT_MCI_MAX_REPLICATIONS,
		       SIM_DEFAULT_REPLICATIONS, &n, reps_max))
		return 1;
	b->replications = (size_t)n;
	if (int_member(r, root, "seed", 0, PT_APP_SIM_SEED_MAX, SIM_DEFAULT_SEED, &n, 0))
		return 1;
	b->seed = n;
	if ((set = json_object_get(root, "set"))) {
		if (!json_is_object(set) || json_object_size(set) > PT_APP_SIM_MAX_SETS) {
			pt_reply_error(r, 400, "set", 0,
				       "set: an object of at most %d scenario keys and their values",
				       PT_APP_SIM_MAX_SETS);
			return 1;
		}
		json_object_foreach(set, key, v) {
			const char *t = value_text(b, v);
			if (!t) {
				pt_reply_error(r, 400, key, 0,
					       "%s: a string, a number or true/false", key);
				return 1;
			}
			b->sets[b->n_sets].path = key;
			b->sets[b->n_sets++].value = t;
		}
	}
	if ((sweep = json_object_get(root, "sweep"))) {
		json_t *k = json_object_get(sweep, "key"), *vals = json_object_get(sweep, "values");
		if (!json_is_object(sweep) || json_object_size(sweep) != 2 || !json_is_string(k) ||
		    !json_string_value(k)[0]) {
			pt_reply_error(r, 400, "sweep.key", 0,
				       "sweep: {\"key\": a scenario key, \"values\": [...]}");
			return 1;
		}
		if (!json_is_array(vals) || !json_array_size(vals) ||
		    json_array_size(vals) > PT_APP_SIM_MAX_SWEEP) {
			pt_reply_error(r, 400, "sweep.values", 0, "sweep.values: 1-%d values",
				       PT_APP_SIM_MAX_SWEEP);
			return 1;
		}
		b->sweep_key = json_string_value(k);
		json_array_foreach(vals, i, v) {
			if (!(b->sweep_values[i] = value_text(b, v))) {
				pt_reply_error(r, 400, "sweep.values", 0,
					       "sweep.values: strings, numbers or true/false");
				return 1;
			}
		}
		b->n_sweep = json_array_size(vals);
	}
	return 0;
}

/* A scenario error: 400 naming the key path ("scenario." before a key of the body's
 * scenario): a value too long or too large is a bad field too (review L3); only a run past
 * its event limit (field "events") is 413, the request's cost. */
static void reply_scenario_error(struct pt_req *r, enum pt_err err, const struct pt_diag *d,
				 const char *prefix)
{
	char field[sizeof d->field + 16];
	int cost = err == PT_ELIMIT && strcmp(d->field, "events") == 0;
	snprintf(field, sizeof field, "%s%s", d->field[0] && !cost ? prefix : "", d->field);
	if (err == PT_ENOMEM) {
		pt_reply_json(r, 500, NULL);
		return;
	}
	pt_reply_error(r, cost ? 413 : 400, field[0] ? field : NULL, 0, "%s", d->msg);
}

/* The receiving hospitals of a site's scenario (id, name) and, when the caller may be told,
 * how many health-sector sites were left out as unreadable, added to the answer o. */
static int add_hospitals(json_t *o, const struct pt_mci_scenario *s,
			 const struct pt_app_from_site_info *info)
{
	json_t *a = json_array();
	size_t h;
	if (!a)
		return -1;
	for (h = 0; h < s->n_hospitals && h < info->hospitals; h++) {
		json_t *e = json_object();
		if (!e || json_object_set_new(e, "id", json_string(info->hospital_ids[h])) ||
		    json_object_set_new(e, "name", json_string(s->hospitals[h].name)) ||
		    json_array_append_new(a, e)) {
			json_decref(a);
			return -1;
		}
	}
	if (json_object_set_new(o, "receiving_hospitals", a))
		return -1;
	if (info->show_hidden &&
	    json_object_set_new(o, "unreadable_left_out", json_integer((json_int_t)info->hidden)))
		return -1;
	return 0;
}

/* pt_work_progress as a pt_mci_progress_fn: stops when the client has gone. */
static int sim_progress(void *ctx, size_t done, size_t total)
{
	return pt_work_progress(ctx, (uint64_t)done, (uint64_t)total);
}

void pt_h_simulate(struct pt_req *r)
{
	struct pt_simulate_budget budget;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_mci_scenario *base = NULL, *row = NULL;
	struct pt_app_from_site_opts fo;
	struct pt_app_from_site_info info;
	struct pt_app_sim_opts o;
	struct pt_sim_result *res = NULL;
	struct sim_body *b = NULL;
	size_t i, rows;
	double cost = 0;
	enum pt_err err;
	json_t *out;

	pt_api_caller(r, &c);
	if (pt_access_simulate(&c.who, &budget) != PT_ACCESS_OK) {
		pt_reply_error(r, 403, NULL, 0,
			       "simulations are open to coordinators, analysts and facilitators "
			       "(docs/access.md, \"Simulations\")");
		return;
	}
	if (!(b = malloc(sizeof *b)) || !(base = malloc(sizeof *base)) ||
	    !(row = malloc(sizeof *row))) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	memset(&info, 0, sizeof info);
	if (parse_body(r, b, budget.replications_max))
		goto out;
	if (b->victims > budget.victims_max) {
		pt_reply_error(r, 413, "victims", 0, "victims: %u; your role may simulate at most %u",
			       b->victims, budget.victims_max);
		goto out;
	}
	rows = b->n_sweep ? b->n_sweep : 1;
	if (b->replications > budget.replications_max / rows) {
		pt_reply_error(r, 413, "replications", 0,
			       "replications: %zu x %zu rows; your role may run at most %zu in all",
			       b->replications, rows, budget.replications_max);
		goto out;
	}
	/* A scenario in the body is checked before the pool; a site's is built in it (the registry). */
	if (b->scenario) {
		char *text = json_dumps(b->scenario, JSON_PRESERVE_ORDER);
		if (!text) {
			pt_reply_json(r, 500, NULL);
			goto out;
		}
		err = pt_scenario_read(text, strlen(text), NULL, base, &d);
		free(text);
		if (err != PT_OK) {
			reply_scenario_error(r, err, &d, "scenario.");
			goto out;
		}
	} else {
		if (pt_work_defer(r, NULL, 1))
			goto out;
		fo.site_id = b->site_id;
		fo.threat = b->threat;
		fo.victims = b->victims;
		fo.exclude = b->exclude;
		fo.n_exclude = b->n_exclude;
		fo.hospitals = b->hospitals;
		fo.n_hospitals = b->n_hospitals;
		err = pt_app_scenario_from_site(&c, r->db, &fo, base, &info, &d);
		if (err == PT_ENOTFOUND) {
			pt_reply_not_found(r); /* missing and unreadable alike */
			goto out;
		}
		if (err != PT_OK) {
			if (err == PT_EINVAL || err == PT_ELIMIT)
				reply_scenario_error(r, err, &d, "");
			else
				pt_reply_diag(r, err, &d);
			goto out;
		}
	}
	memset(&o, 0, sizeof o);
	o.scenario = base;
	o.sets = b->sets;
	o.n_sets = b->n_sets;
	o.sweep_key = b->sweep_key;
	o.sweep_values = b->sweep_values;
	o.n_sweep = b->n_sweep;
	o.replications = b->replications;
	o.threads = 1; /* the server's compute threads are the parallelism */
	o.seed = b->seed;
	/* Every row's scenario (its sets and swept value) within the rules and the role's victims. */
	for (i = 0; i < rows; i++) {
		err = pt_app_simulate_scenario(&o, b->n_sweep ? b->sweep_values[i] : NULL, row, &d);
		if (err != PT_OK) {
			reply_scenario_error(r, err, &d, "");
			goto out;
		}
		if (row->attack.victims > budget.victims_max) {
			pt_reply_error(r, 413, b->scenario ? "scenario.attack.victims" : "victims", 0,
				       "attack.victims: %u; your role may simulate at most %u",
				       row->attack.victims, budget.victims_max);
			goto out;
		}
		cost += pt_app_sim_cost(row) * (double)b->replications;
	}
	/* the run's estimated events (review H1: horizon / re-triage interval, not only victims) */
	if (cost > budget.events_max) {
		pt_reply_error(r, 413, "replications", 0,
			       "replications: about %.3g events (replications x rows x victims x (4 + "
			       "horizon_min / response.retriage_min)); your role may run at most %.3g",
			       cost, budget.events_max);
		goto out;
	}
	if (b->scenario && pt_work_defer(r, NULL, cost > SIM_LIGHT_WORK))
		goto out;
	o.progress = sim_progress; /* stops when the client has gone */
	o.progress_ctx = r;
	if ((err = pt_app_simulate_run(&o, &res, &d)) != PT_OK) {
		if (err == PT_EINVAL || err == PT_ELIMIT || err == PT_ENOTFOUND)
			reply_scenario_error(r, err, &d, "");
		else
			pt_reply_diag(r, err, &d); /* "cancelled": nobody is left to read it */
		goto out;
	}
	if (!(out = pt_sim_result_json(res)) || (!b->scenario && add_hospitals(out, base, &info))) {
		json_decref(out);
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	pt_reply_json(r, 200, out);
out:
	pt_sim_result_free(res);
	free(row);
	free(base);
	free(b);
}
