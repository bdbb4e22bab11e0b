/* pt_app_simulate.c - the mass-casualty simulation use cases (issue 14):
 * scenarios with overrides and sweeps run in chunks, summarised in replication
 * order; a traced replication; a scenario built from the registry (from-site). */
#include "pt_app_simulate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_access.h"
#include "../core/pt_config.h"
#include "../core/pt_geo_area.h"
#include "../formats/pt_diag.h"
#include "../store/pt_catalog_store.h"
#include "../store/pt_db.h"

enum pt_err pt_app_simulate_scenario(const struct pt_app_sim_opts *o, const char *value,
				     struct pt_mci_scenario *out, struct pt_diag *d)
{
	enum pt_err err;
	size_t i;
	if (!o || !o->scenario)
		return pt_diag_set(d, PT_EINVAL, 0, "scenario", "no scenario");
	if (o->n_sets > PT_APP_SIM_MAX_SETS)
		return pt_diag_set(d, PT_ELIMIT, 0, "set", "more than %d overrides",
				   PT_APP_SIM_MAX_SETS);
	*out = *o->scenario;
	for (i = 0; i < o->n_sets; i++)
		if ((err = pt_mci_set(out, o->sets[i].path, o->sets[i].value, d)) != PT_OK)
			return err;
	if (value && o->sweep_key && (err = pt_mci_set(out, o->sweep_key, value, d)) != PT_OK)
		return err;
	return pt_mci_check(out, d);
}

double pt_app_sim_cost(const struct pt_mci_scenario *s)
{
	double retriage = s->response.retriage_min > 0 ? s->response.retriage_min : 1;
	double e = (double)s->attack.victims * (PT_APP_SIM_COST_PER_VICTIM + s->horizon_min / retriage);
	double limit = (double)pt_mci_event_limit(s);
	return e < limit ? e : limit;
}

/* The progress of one runner call as a share of the whole run. */
struct progress_offset {
	pt_mci_progress_fn fn;
	void *ctx;
	size_t before, total;
};

static int progress_offset_fn(void *ctx, size_t done, size_t total)
{
	struct progress_offset *p = ctx;
	(void)total;
	return p->fn(p->ctx, p->before + done, p->total);
}

static enum pt_err local_runner(void *ctx, const struct pt_mci_scenario *s, uint64_t seed,
				uint64_t first_rep, size_t n, unsigned threads,
				struct pt_mci_rep *reps, pt_mci_progress_fn progress,
				void *progress_ctx, int *complete, struct pt_diag *d)
{
	enum pt_err err;
	(void)ctx;
	*complete = 1;
	err = pt_mci_run_many(s, seed, first_rep, n, threads, reps, progress, progress_ctx);
	if (err != PT_OK && d && !d->msg[0])
		pt_diag_set(d, err, 0, "", "%s", err == PT_EINTERNAL ? "cancelled" : pt_strerror(err));
	return err;
}

/* Check o's numbers. */
static enum pt_err check_opts(const struct pt_app_sim_opts *o, struct pt_diag *d)
{
	if (o->replications < 1 || o->replications > PT_MCI_MAX_REPLICATIONS)
		return pt_diag_set(d, PT_ELIMIT, 0, "replications", "must be 1 to %d",
				   PT_MCI_MAX_REPLICATIONS);
	if (o->threads > PT_APP_SIM_MAX_THREADS)
		return pt_diag_set(d, PT_ELIMIT, 0, "threads", "at most %d", PT_APP_SIM_MAX_THREADS);
	if (o->seed > PT_APP_SIM_SEED_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "seed", "must be 0 to 2^53-1");
	if (o->sweep_key && (o->n_sweep < 1 || !o->sweep_values))
		return pt_diag_set(d, PT_EINVAL, 0, "sweep", "name at least one value");
	if (o->sweep_key && o->n_sweep > PT_APP_SIM_MAX_SWEEP)
		return pt_diag_set(d, PT_ELIMIT, 0, "sweep", "more than %d values",
				   PT_APP_SIM_MAX_SWEEP);
	if (o->sweep_key && (double)o->n_sweep * (double)o->replications > PT_MCI_MAX_REPLICATIONS)
		return pt_diag_set(d, PT_ELIMIT, 0, "replications",
				   "replications x sweep values is more than %d",
				   PT_MCI_MAX_REPLICATIONS);
	return PT_OK;
}

/*
 * Replications run at once: PT_APP_SIM_CHUNK, fewer when their load series
 * would take more than PT_APP_SIM_CHUNK_BYTES (32 hospitals over a week
 * hold 129 KiB a replication). The numbers do not depend on it.
 */
static size_t chunk_size(const struct pt_mci_scenario *s, size_t n)
{
	double steps = floor(s->horizon_min / PT_MCI_LOAD_STEP_MIN) + 1;
	double per = (double)(s->n_hospitals ? s->n_hospitals : 1) * steps * sizeof(float);
	size_t c = (size_t)(PT_APP_SIM_CHUNK_BYTES / per);
	if (c < 16)
		c = 16;
	if (c > PT_APP_SIM_CHUNK)
		c = PT_APP_SIM_CHUNK;
	return n < c ? n : c;
}

/*
 * The paired difference of output k between a row (all[0, n)) and the first
 * row (first[r * outs + k]): replication r of each row meets the same random
 * numbers, so the difference's interval is the t-based 95% interval of the
 * mean of the n per-replication differences (pairs where both have a value),
 * in replication order: the same numbers on any thread or rank count.
 */
static void paired_diff(const struct pt_mci_rep *all, const double *first, size_t n, size_t outs,
			size_t k, struct pt_mci_stat *out)
{
	double sum = 0, ss = 0, mean;
	size_t r, m = 0;
	out->mean = out->lo = out->hi = out->p025 = out->p975 = NAN;
	out->n = 0;
	for (r = 0; r < n; r++) {
		double x = pt_mci_output_value(&all[r], k) - first[r * outs + k];
		if (!isnan(x)) {
			sum += x;
			m++;
		}
	}
	out->n = m;
	if (m == 0)
		return;
	mean = sum / (double)m;
	for (r = 0; r < n; r++) {
		double x = pt_mci_output_value(&all[r], k) - first[r * outs + k];
		if (!isnan(x))
			ss += (x - mean) * (x - mean);
	}
	out->mean = mean;
	if (m > 1) {
		double half = pt_mci_t_quantile(0.05, (double)(m - 1)) *
			      sqrt(ss / (double)(m - 1) / (double)m);
		out->lo = mean - half;
		out->hi = mean + half;
	}
}

/* Sum one replication's situation into m (issue 15 review 3), in replication order. */
static void snap_add(struct pt_sim_snapshot *m, const struct pt_mci_snapshot *r, size_t nh)
{
	size_t k;
	if (!r->taken)
		return;
	m->has = 1;
	m->t_min = r->t_min;
	m->dead += r->dead;
	m->hot_zone += r->hot_zone;
	m->ccp_untriaged += r->ccp_untriaged;
	for (k = 0; k < PT_MCI_CATS; k++)
		m->ccp[k] += r->ccp[k];
	m->transport += r->transport;
	m->walking += r->walking;
	for (k = 0; k < nh && k < PT_MCI_MAX_HOSPITALS; k++)
		m->arrived[k] += r->arrived[k];
	m->amb_committed += r->amb_committed;
	m->amb_en_route += r->amb_en_route;
	m->amb_at_scene += r->amb_at_scene;
	m->amb_transporting += r->amb_transporting;
	m->amb_used += r->amb_used;
	m->inside += r->inside;
}

/* The sums of snap_add over n replications as means. */
static void snap_mean(struct pt_sim_snapshot *m, size_t n, size_t nh)
{
	double *all[] = {&m->dead, &m->hot_zone, &m->ccp_untriaged, &m->transport, &m->walking,
			 &m->amb_committed, &m->amb_en_route, &m->amb_at_scene,
			 &m->amb_transporting, &m->amb_used, &m->inside};
	size_t k;
	if (!m->has || !n)
		return;
	for (k = 0; k < sizeof all / sizeof all[0]; k++)
		*all[k] /= (double)n;
	for (k = 0; k < PT_MCI_CATS; k++)
		m->ccp[k] /= (double)n;
	for (k = 0; k < nh && k < PT_MCI_MAX_HOSPITALS; k++)
		m->arrived[k] /= (double)n;
}

/*
 * Run one row's scenario s and summarise it into row. row0 (NULL without a
 * sweep of several values): row0 holds the first row's outputs per
 * replication (n x outputs): row 0 fills it, the others get their paired differences.
 */
static enum pt_err run_row(const struct pt_app_sim_opts *o, const struct pt_mci_scenario *s,
			   size_t row_index, struct pt_sim_row *row, double *row0, int *complete,
			   struct pt_diag *d)
{
	size_t n = o->replications, nh = s->n_hospitals, steps = 0, first, j, h, k;
	size_t outs = pt_mci_output_count(), chunk = chunk_size(s, n);
	struct pt_mci_rep *block = NULL, *all = NULL;
	double *load_sum = NULL, *peak_sum = NULL;
	struct progress_offset po;
	enum pt_err err;

	*complete = 1;
	if ((err = pt_mci_reps_new(s, chunk, &block)) != PT_OK)
		return pt_diag_set(d, err, 0, "", "%s", pt_strerror(err));
	steps = block[0].n_steps;
	all = calloc(n, sizeof *all);
	load_sum = calloc(nh * steps + 1, sizeof *load_sum);
	peak_sum = calloc(nh + 1, sizeof *peak_sum);
	row->stats = calloc(outs, sizeof *row->stats);
	row->hospitals = calloc(nh + 1, sizeof *row->hospitals);
	if (!all || !load_sum || !peak_sum || !row->stats || !row->hospitals) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	row->n_hospitals = nh;
	row->n_steps = steps;
	for (h = 0; h < nh; h++) {
		pt_strlcpy(row->hospitals[h].name, s->hospitals[h].name,
			   sizeof row->hospitals[h].name);
		if (!(row->hospitals[h].load_mean = calloc(steps + 1, sizeof(double)))) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto out;
		}
	}
	po.fn = o->progress;
	po.ctx = o->progress_ctx;
	po.total = o->replications * (o->sweep_key ? o->n_sweep : 1);
	for (first = 0; first < n; first += chunk) {
		size_t m = n - first < chunk ? n - first : chunk;
		pt_app_sim_runner_fn run = o->runner ? o->runner : local_runner;
		po.before = row_index * n + first;
		err = run(o->runner_ctx, s, o->seed, first, m, o->threads, block,
			  o->progress ? progress_offset_fn : NULL, &po, complete, d);
		if (err == PT_ELIMIT)
			pt_diag_set(d, err, 0, "events",
				    "more than %llu events in one replication: %u victims allow %d "
				    "each and %d more; raise response.retriage_min or lower "
				    "horizon_min (docs/scenarios.md, \"Limits\")",
				    (unsigned long long)pt_mci_event_limit(s), s->attack.victims,
				    PT_MCI_EVENTS_PER_VICTIM, PT_MCI_EVENTS_BASE);
		if (err != PT_OK)
			goto out;
		if (!*complete)
			continue;
		/* in replication order, so the sums are the same whatever ran them */
		for (j = 0; j < m; j++) {
			const struct pt_mci_rep *r = &block[j];
			all[first + j] = *r;
			all[first + j].load = NULL;
			snap_add(&row->snap, &r->snap, nh);
			for (h = 0; h < nh; h++) {
				peak_sum[h] += r->peak_load[h];
				for (k = 0; k < steps; k++)
					load_sum[h * steps + k] += r->load[h * steps + k];
			}
		}
	}
	if (!*complete)
		goto out;
	for (k = 0; k < outs; k++)
		if ((err = pt_mci_summarise(all, n, k, &row->stats[k])) != PT_OK) {
			pt_diag_set(d, err, 0, "", "out of memory");
			goto out;
		}
	row->victims = s->attack.victims;
	if (row0 && row_index == 0) {
		for (j = 0; j < n; j++)
			for (k = 0; k < outs; k++)
				row0[j * outs + k] = pt_mci_output_value(&all[j], k);
	} else if (row0) {
		if (!(row->diff = calloc(outs, sizeof *row->diff))) {
			err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto out;
		}
		for (k = 0; k < outs; k++)
			paired_diff(all, row0, n, outs, k, &row->diff[k]);
	}
	snap_mean(&row->snap, n, nh);
	for (h = 0; h < nh; h++) {
		row->hospitals[h].peak_mean = peak_sum[h] / (double)n;
		for (k = 0; k < steps; k++)
			row->hospitals[h].load_mean[k] = load_sum[h * steps + k] / (double)n;
	}
out:
	pt_mci_reps_free(block);
	free(all);
	free(load_sum);
	free(peak_sum);
	return err;
}

enum pt_err pt_app_simulate_run(const struct pt_app_sim_opts *o, struct pt_sim_result **out,
				struct pt_diag *d)
{
	struct pt_mci_scenario *rows = NULL;
	struct pt_sim_result *res = NULL;
	double *first = NULL;
	size_t n_rows, i;
	int complete = 1;
	enum pt_err err;

	*out = NULL;
	if ((err = check_opts(o, d)) != PT_OK)
		return err;
	n_rows = o->sweep_key ? o->n_sweep : 1;
	rows = malloc(n_rows * sizeof *rows);
	res = calloc(1, sizeof *res);
	/* the first row's outputs per replication, for the others' paired differences */
	if (n_rows > 1)
		first = malloc(o->replications * pt_mci_output_count() * sizeof *first);
	if (!rows || !res || !(res->rows = calloc(n_rows, sizeof *res->rows)) ||
	    (n_rows > 1 && !first)) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	/* every row's scenario first: a bad value fails before anything runs */
	for (i = 0; i < n_rows; i++)
		if ((err = pt_app_simulate_scenario(o, o->sweep_key ? o->sweep_values[i] : NULL,
						    &rows[i], d)) != PT_OK)
			goto out;
	pt_strlcpy(res->scenario, rows[0].name, sizeof res->scenario);
	pt_strlcpy(res->threat, rows[0].threat, sizeof res->threat);
	res->victims = rows[0].attack.victims; /* as simulated: after the sets (review L2) */
	if (o->sweep_key)
		pt_strlcpy(res->sweep_key, o->sweep_key, sizeof res->sweep_key);
	res->seed = o->seed;
	res->replications = o->replications;
	res->step_min = PT_MCI_LOAD_STEP_MIN;
	for (i = 0; i < n_rows; i++) {
		struct pt_sim_row *row = &res->rows[i];
		res->n_rows = i + 1;
		if (o->sweep_key)
			pt_strlcpy(row->value, o->sweep_values[i], sizeof row->value);
		if ((err = run_row(o, &rows[i], i, row, first, &complete, d)) != PT_OK)
			goto out;
	}
out:
	free(first);
	free(rows);
	if (err != PT_OK || !complete) {
		pt_sim_result_free(res);
		res = NULL;
	}
	*out = res;
	return err;
}

enum pt_err pt_app_simulate_trace(const struct pt_app_sim_opts *o, uint64_t rep,
				  pt_mci_trace_fn fn, void *ctx, struct pt_diag *d)
{
	struct pt_mci_scenario *s = malloc(sizeof *s);
	struct pt_mci_rep *r = NULL;
	enum pt_err err;

	if (!s)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if (o->sweep_key) {
		err = pt_diag_set(d, PT_EINVAL, 0, "trace", "a trace follows one scenario, not a sweep");
		goto out;
	}
	if (o->seed > PT_APP_SIM_SEED_MAX) {
		err = pt_diag_set(d, PT_EINVAL, 0, "seed", "must be 0 to 2^53-1");
		goto out;
	}
	if ((err = pt_app_simulate_scenario(o, NULL, s, d)) != PT_OK)
		goto out;
	if ((err = pt_mci_reps_new(s, 1, &r)) != PT_OK ||
	    (err = pt_mci_run(s, o->seed, rep, r, fn, ctx)) != PT_OK)
		pt_diag_set(d, err, 0, "", "%s", pt_strerror(err));
out:
	pt_mci_reps_free(r);
	free(s);
	return err;
}

/* ---- scenario from-site ---- */

double pt_app_haversine_km(double lat1, double lon1, double lat2, double lon2)
{
	return 6371.0 * pt_geo_central_angle(lat1, lon1, lat2, lon2);
}

/*
 * The attack types the model covers (trauma: explosives, firearms, vehicles,
 * blades), their default size, victim mix (killed outright, NISS >= 16,
 * 9-15, <= 8; shares of the victims, attackers excluded) and the time
 * police need to make the scene safe for EMS (minutes). docs/scenarios.md
 * gives the source or the assumption behind each line.
 */
struct threat_profile {
	const char *id;
	unsigned victims;
	double mix[PT_MCI_SEVS];
	struct pt_mci_tri secure_min;
	int lockdown; /* an attacked hospital locks its doors (an attacker may be inside) */
};

static const struct threat_profile profiles[] = {
	/* explosives: London 7/7 2005 (Aylwin et al. 2006): 49 of 775 killed outright,
	 * 20 critical, 55 priority dispatch */
	{ "pbied", 120, { 0.063, 0.026, 0.045, 0.866 }, { 10, 20, 45 }, 0 },
	{ "vbied_small", 150, { 0.063, 0.026, 0.045, 0.866 }, { 10, 20, 45 }, 0 },
	{ "vbied_large", 400, { 0.15, 0.05, 0.10, 0.70 }, { 15, 30, 60 }, 0 },
	/* firearms: Paris 13 November 2015 (about 130 dead, 99 critical of some 540) */
	{ "armed_assault_lone", 40, { 0.22, 0.18, 0.15, 0.45 }, { 10, 30, 90 }, 1 },
	{ "armed_assault_team", 150, { 0.22, 0.18, 0.15, 0.45 }, { 20, 45, 120 }, 1 },
	{ "hostage_taking", 60, { 0.22, 0.18, 0.15, 0.45 }, { 30, 90, 240 }, 1 },
	/* vehicles: Nice 14 July 2016 (86 dead of some 520 casualties) */
	{ "vehicle_ramming", 100, { 0.12, 0.08, 0.15, 0.65 }, { 5, 10, 20 }, 0 },
	/* blades: an assumption (few deaths, many penetrating injuries) */
	{ "bladed_weapon", 12, { 0.05, 0.15, 0.25, 0.55 }, { 5, 10, 20 }, 1 },
};
#define N_PROFILES (sizeof profiles / sizeof profiles[0])

static const struct threat_profile *profile_of(const char *id)
{
	size_t i;
	for (i = 0; i < N_PROFILES; i++)
		if (strcmp(profiles[i].id, id) == 0)
			return &profiles[i];
	return NULL;
}

int pt_app_sim_threat_has_mix(const char *id)
{
	return id && profile_of(id) != NULL;
}

/*
 * A receiving hospital's resources by size class of the site's capacity
 * (people it holds): simultaneous places in a mass-casualty plan and the
 * ambulances stationed there (assumptions, docs/scenarios.md; edit the file).
 */
struct hospital_class {
	long long capacity_min;
	unsigned ed_beds, resus, or_tables, icu_beds, ambulances;
};
static const struct hospital_class hospital_classes[] = {
	{ 3000, 40, 8, 6, 12, 10 }, /* large: a major trauma centre */
	{ 1000, 20, 4, 3, 6, 6 },   /* medium: a district general hospital */
	{ 0, 10, 2, 1, 2, 3 },      /* small: a community hospital */
};

/* A health-sector site within reach. */
struct candidate {
	long site;
	double km;
};

static int candidate_order(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->km != y->km)
		return x->km < y->km ? -1 : 1;
	return x->site < y->site ? -1 : x->site > y->site;
}

/* The settings and the threat catalogue in one read transaction. */
static enum pt_err read_inputs(struct pt_db *db, struct pt_config *cfg, struct pt_catalogs *cat,
			       struct pt_diag *d)
{
	enum pt_err err;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	if ((err = pt_db_config_load(db, cfg, d)) == PT_OK)
		err = pt_db_catalogs_load(db, cat, d);
	return pt_db_end(db, err, err == PT_OK ? d : NULL);
}

static void catalogs_clear(struct pt_catalogs *cat)
{
	pt_catalog_clear(&cat->kinds);
	pt_catalog_clear(&cat->sectors);
	pt_catalog_clear(&cat->threats);
}

/* prefix + text into dst (PT_MCI_NAME_MAX), cut at a UTF-8 character boundary. */
static void name_copy(char *dst, const char *prefix, const char *text)
{
	size_t n = 0, p = strlen(prefix), t = strlen(text);
	if (p > PT_MCI_NAME_MAX - 1)
		p = PT_MCI_NAME_MAX - 1;
	memcpy(dst, prefix, p);
	n = p;
	if (t > PT_MCI_NAME_MAX - 1 - n) {
		t = PT_MCI_NAME_MAX - 1 - n;
		while (t > 0 && ((unsigned char)text[t] & 0xC0) == 0x80)
			t--; /* text[t] would start the cut-off character */
	}
	memcpy(dst + n, text, t);
	dst[n + t] = '\0';
}

/* Fill hospital h of s (and its ambulance base) from site st, km from the attack. */
static enum pt_err add_hospital(struct pt_mci_scenario *s, const struct pt_site *st, double km,
				const struct pt_config *cfg, int attacked, int lockdown,
				struct pt_diag *d)
{
	size_t h = s->n_hospitals, k;
	const struct hospital_class *hc = &hospital_classes[2];
	char path[PT_MCI_PATH_MAX], name[PT_MCI_NAME_MAX];
	/* to a tenth of a minute: the file is for people to read and edit */
	double minutes = round(km * cfg->mci_road_factor / cfg->mci_speed_kmh * 600.0) / 10.0;
	enum pt_err err;

	for (k = 0; k < sizeof hospital_classes / sizeof hospital_classes[0]; k++)
		if (st->capacity >= hospital_classes[k].capacity_min) {
			hc = &hospital_classes[k];
			break;
		}
	/* a new hospital with the model's defaults, through the one list of keys */
	name_copy(name, "", st->name);
	snprintf(path, sizeof path, "hospitals.%zu.name", h);
	if ((err = pt_mci_set(s, path, name, d)) != PT_OK)
		return err;
	s->hospitals[h].ed_beds = hc->ed_beds;
	s->hospitals[h].resus = hc->resus;
	s->hospitals[h].or_tables = hc->or_tables;
	s->hospitals[h].icu_beds = hc->icu_beds;
	s->hospitals[h].locked_down = attacked && lockdown;
	/* at least a minute from the scene: loading bays and the way to the door */
	s->attack.sites[0].hospital_travel_min[h] = minutes < 1 ? 1 : minutes;
	/* the hospital's ambulance station is one of the bases */
	snprintf(path, sizeof path, "response.bases.%zu.name", h);
	name_copy(name, "Ambulance station, ", st->name);
	if ((err = pt_mci_set(s, path, name, d)) != PT_OK)
		return err;
	s->response.bases[h].ambulances = hc->ambulances;
	s->attack.sites[0].base_travel_min[h] = minutes < 1 ? 1 : minutes;
	return PT_OK;
}

/* Is id among ids[0, n)? */
static int id_listed(const char *const *ids, size_t n, const char *id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (ids[i] && strcmp(ids[i], id) == 0)
			return 1;
	return 0;
}

/*
 * Each of ids[0, n) a health-sector site the caller may read, none twice:
 * PT_ENOTFOUND for one missing or unreadable (alike), PT_EINVAL for another
 * sector or a repeat, PT_ELIMIT past max; d field names the list. With
 * receiving (the hospitals named), issue 16: PT_EINVAL for a site whose
 * emergency department is "no" (pt_site_receives_casualties).
 */
static enum pt_err check_ids(const struct pt_snapshot *snap, const unsigned char *visible,
			     const char *const *ids, size_t n, size_t max, const char *field,
			     int receiving, struct pt_diag *d)
{
	size_t i;
	if (n > max)
		return pt_diag_set(d, PT_ELIMIT, 0, field, "more than %zu sites", max);
	for (i = 0; i < n; i++) {
		long at = ids[i] ? pt_snapshot_find(snap, ids[i]) : -1;
		if (at < 0 || !visible[at])
			return pt_diag_set(d, PT_ENOTFOUND, 0, field, "no site \"%s\"",
					   ids[i] ? ids[i] : "");
		if (strcmp(snap->sites.items[at].sector, "health") != 0)
			return pt_diag_set(d, PT_EINVAL, 0, field,
					   "%s is not a health-sector site", ids[i]);
		if (id_listed(ids, i, ids[i]))
			return pt_diag_set(d, PT_EINVAL, 0, field, "%s is named twice", ids[i]);
		if (receiving && !pt_site_receives_casualties(&snap->sites.items[at]))
			return pt_diag_set(d, PT_EINVAL, 0, field,
					   "%s has no emergency department: it receives no casualties",
					   ids[i]);
	}
	return PT_OK;
}

enum pt_err pt_app_scenario_from_site(const struct pt_caller *c, struct pt_db *db,
				      const struct pt_app_from_site_opts *o,
				      struct pt_mci_scenario *out, struct pt_app_from_site_info *info,
				      struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	unsigned char *visible = NULL;
	struct candidate *cand = NULL;
	struct pt_catalogs cat;
	struct pt_config cfg;
	struct pt_read_log log;
	const struct threat_profile *tp;
	const struct pt_site *site;
	size_t i, n_cand = 0, keep;
	unsigned ambulances = 0;
	long at;
	enum pt_err err;

	memset(&cat, 0, sizeof cat);
	memset(&log, 0, sizeof log);
	memset(info, 0, sizeof *info);
	pt_mci_defaults(out);
	if (!o || !o->site_id || !o->site_id[0])
		return pt_diag_set(d, PT_EINVAL, 0, "site", "name a site");
	if (!o->threat || !o->threat[0])
		return pt_diag_set(d, PT_EINVAL, 0, "threat", "name a threat");
	if (o->victims > PT_APP_FROM_SITE_MAX_VICTIMS)
		return pt_diag_set(d, PT_ELIMIT, 0, "victims", "at most %d",
				   PT_APP_FROM_SITE_MAX_VICTIMS);
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d && d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = read_inputs(db, &cfg, &cat, d)) != PT_OK)
		goto out;
	if (pt_catalog_find(&cat.threats, o->threat) < 0) {
		err = pt_diag_set(d, PT_EINVAL, 0, "threat", "no threat \"%s\" in the catalogue",
				  o->threat);
		goto out;
	}
	if (!(tp = profile_of(o->threat))) {
		err = pt_diag_set(d, PT_EINVAL, 0, "threat",
				  "the model has no casualty mix for \"%s\" (it covers pbied, "
				  "vbied_small, vbied_large, armed_assault_lone, armed_assault_team, "
				  "hostage_taking, vehicle_ramming and bladed_weapon)",
				  o->threat);
		goto out;
	}
	visible = malloc(snap->sites.n ? snap->sites.n : 1);
	cand = malloc((snap->sites.n ? snap->sites.n : 1) * sizeof *cand);
	if (!visible || !cand) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	pt_snapshot_visible(snap, &c->who, visible);
	at = pt_snapshot_find(snap, o->site_id);
	if (at < 0 || !visible[at]) {
		err = pt_diag_set(d, PT_ENOTFOUND, 0, "site", "no site \"%s\"", o->site_id);
		goto out;
	}
	site = &snap->sites.items[at];
	pt_read_log_note(&log, site);
	info->radius_km = cfg.mci_hospital_radius_km;
	info->road_factor = cfg.mci_road_factor;
	info->speed_kmh = cfg.mci_speed_kmh;
	info->show_hidden = pt_access_hidden_counts(&c->who) == PT_ACCESS_OK;
	if ((err = check_ids(snap, visible, o->exclude, o->n_exclude, PT_APP_FROM_SITE_MAX_EXCLUDE,
			     "exclude", 0, d)) != PT_OK ||
	    (err = check_ids(snap, visible, o->hospitals, o->n_hospitals, PT_MCI_MAX_HOSPITALS,
			     "hospitals", 1, d)) != PT_OK)
		goto out;
	for (i = 0; i < snap->sites.n; i++) {
		const struct pt_site *s = &snap->sites.items[i];
		double km;
		/* issue 16: a health-sector site without an emergency department (a laboratory)
		 * receives no casualties; unknown counts as one (a registry before migration 028) */
		if (!pt_site_receives_casualties(s))
			continue;
		km = pt_app_haversine_km(site->lat, site->lon, s->lat, s->lon);
		if (o->n_hospitals) {
			if (!id_listed(o->hospitals, o->n_hospitals, s->id))
				continue; /* the listed ones are readable (check_ids) */
		} else if (!(km <= cfg.mci_hospital_radius_km)) {
			continue;
		} else if (!visible[i]) {
			info->hidden++;
			continue;
		}
		if (id_listed(o->exclude, o->n_exclude, s->id)) {
			info->excluded++; /* no hospital, no ambulance station */
			continue;
		}
		cand[n_cand].site = (long)i;
		cand[n_cand++].km = km;
	}
	qsort(cand, n_cand, sizeof *cand, candidate_order);
	info->in_radius = n_cand;
	if (n_cand == 0) {
		if (o->n_exclude || o->n_hospitals)
			err = pt_diag_set(d, PT_EINVAL, 0, "hospitals",
					  "no receiving hospital is left: each one is excluded");
		else
			err = pt_diag_set(d, PT_EINVAL, 0, "hospitals",
					  "no health-sector site with an emergency department you may "
					  "read within %g km of %s "
					  "(raise mci.hospital_radius_km)",
					  cfg.mci_hospital_radius_km, site->id);
		goto out;
	}
	keep = n_cand < PT_MCI_MAX_HOSPITALS ? n_cand : PT_MCI_MAX_HOSPITALS;

	/* the attack */
	{
		char prefix[PT_MCI_NAME_MAX];
		snprintf(prefix, sizeof prefix, "%.40s at ", tp->id);
		name_copy(out->name, prefix, site->name);
	}
	pt_strlcpy(out->threat, o->threat, sizeof out->threat);
	out->attack.victims = o->victims ? o->victims : tp->victims;
	memcpy(out->attack.mix, tp->mix, sizeof out->attack.mix);
	name_copy(out->attack.sites[0].name, "", site->name);
	out->attack.sites[0].share = 1;
	out->attack.sites[0].secure_min = tp->secure_min;
	out->attack.sites[0].hospital_index = -1;
	out->attack.n_sites = 1;
	out->n_hospitals = 0;
	out->response.n_bases = 0;
	for (i = 0; i < keep; i++) {
		const struct pt_site *h = &snap->sites.items[cand[i].site];
		int attacked = cand[i].site == at;
		if (attacked) {
			out->attack.sites[0].hospital_index = (int)out->n_hospitals;
			info->attacked_hospital = 1;
		}
		pt_read_log_note(&log, h);
		pt_strlcpy(info->hospital_ids[out->n_hospitals], h->id,
			   sizeof info->hospital_ids[0]);
		if ((err = add_hospital(out, h, cand[i].km, &cfg, attacked, tp->lockdown, d)) !=
		    PT_OK)
			goto out;
		ambulances += out->response.bases[i].ambulances;
	}
	info->hospitals = out->n_hospitals;
	if (ambulances)
		out->response.ambulances = ambulances;
	if ((err = pt_mci_check(out, d)) != PT_OK)
		goto out;
	if ((err = pt_read_log_commit(c, db, "scenario.from_site.read", &log, d)) != PT_OK) {
		char why[sizeof d->msg];
		pt_strlcpy(why, d && d->msg[0] ? d->msg : pt_strerror(err), sizeof why);
		err = pt_diag_set(d, err, 0, "", "the read could not be audited, so it is not "
				  "answered: %s", why);
	}
out:
	if (err != PT_OK)
		pt_mci_defaults(out);
	pt_read_log_clear(&log);
	catalogs_clear(&cat);
	free(visible);
	free(cand);
	pt_snapshot_release(snap);
	return err;
}
