/* pt_http_plan.c - the measures, the investment plan and the risk register
 * over HTTP: parse each request, call its use case of src/app, render with
 * the writers of src/formats (the printable report, the plan's JSON as the
 * CLI writes it, saved plans, register entries). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_measures.h"
#include "../app/pt_app_plan.h"
#include "../app/pt_app_register.h"
#include "../core/pt_site_filter.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_filter_io.h"
#include "../formats/pt_marking_io.h"
#include "../formats/pt_measures_io.h"
#include "../formats/pt_plan_io.h"
#include "../formats/pt_plan_saved_io.h"
#include "../formats/pt_register_io.h"
#include "pt_http_api.h"

#define BUDGET_TEXT_MAX 32          /* bytes of the budget query parameter */
#define BUDGET_MAX 1e12             /* the largest budget, EUR */
#define SERVER_EXACT_LIMIT_S 10.0   /* the exact solver holds a compute thread at most this long */
#define FRONTIER_POINTS 101
#define REPORT_CSP                                                                          \
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
	"form-action 'none'; frame-ancestors 'none'"

/* ---- shared helpers ---- */

/* "12", "2000000", "1.5e6": digits with an optional fraction and exponent (no sign, no hex,
 * no inf or nan), within [0, BUDGET_MAX]. Nonzero when valid. */
static int parse_budget(const char *s, double *out)
{
	double v;
	if (!pt_query_decimal(s, BUDGET_TEXT_MAX, &v) || v < 0 || v > BUDGET_MAX)
		return 0;
	*out = v;
	return 1;
}

/*
 * The plan's options from the query (budget, solver, region, frontier; the
 * region arrives decoded by the query table). frontier_default applies
 * when frontier is not given. 0, or nonzero after replying 400 naming the
 * parameter.
 */
static int plan_query(struct pt_req *r, int frontier_default, struct pt_plan_opts *o)
{
	const struct pt_qval *budget = pt_req_query(r, "budget"), *solver = pt_req_query(r, "solver"),
			     *frontier = pt_req_query(r, "frontier");
	memset(o, 0, sizeof *o);
	if (!budget->set) {
		pt_reply_error(r, 400, "budget", 0, "budget: required (EUR, a number from 0 to %.0f)",
			       BUDGET_MAX);
		return 1;
	}
	if (!parse_budget(budget->str, &o->budget_eur)) {
		pt_reply_error(r, 400, "budget", 0, "budget: must be a number of EUR from 0 to %.0f",
			       BUDGET_MAX);
		return 1;
	}
	o->solver = PT_SOLVER_FAST;
	if (solver->set && pt_plan_solver_parse(solver->str, &o->solver) != PT_OK) {
		pt_reply_error(r, 400, "solver", 0, "solver: must be fast or exact");
		return 1;
	}
	o->region = NULL; /* issue 16 item 5: the region is one of the filters (o->filter) */
	o->check_exact = o->solver == PT_SOLVER_FAST ? -1 : 0;
	o->time_limit_s = -SERVER_EXACT_LIMIT_S; /* the setting, at most this long */
	o->frontier_points = (frontier->set ? frontier->num : (unsigned long long)frontier_default)
				     ? FRONTIER_POINTS
				     : 0;
	return 0;
}

/*
 * Run the rest of a plan request in the compute pool (1: deferred or answered, return),
 * with the exact solver's time capped by the caller's budget of solver seconds shared
 * by its solves (exact: one, and six more for a sensitivity) and the server's cap, and
 * stopped when its client goes away or the server stops. 0 on the compute thread.
 */
static int plan_in_pool(struct pt_req *r, struct pt_plan_opts *o, int sensitivity)
{
	struct pt_compute_budget budget;
	struct pt_caller c;
	double solves = 1 + (sensitivity && o->solver == PT_SOLVER_EXACT ? 6 : 0), cap;
	if (pt_work_defer(r, NULL, o->solver == PT_SOLVER_EXACT || sensitivity ||
					   o->frontier_points))
		return 1;
	pt_api_caller(r, &c);
	pt_access_compute_budget(&c.who, &budget);
	cap = budget.solver_s / solves;
	if (cap > SERVER_EXACT_LIMIT_S)
		cap = SERVER_EXACT_LIMIT_S;
	if (!(cap > 0.001))
		cap = 0.001;
	o->time_limit_s = -cap; /* the setting, at most this long */
	o->stop = pt_work_stop_asked;
	o->stop_ctx = r;
	return 0;
}

/* ---- the catalogue ---- */

void pt_h_measures_list(struct pt_req *r)
{
	struct pt_measure_catalog cat;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	json_t *items;
	size_t limit, offset, i, shown = 0;
	memset(&cat, 0, sizeof cat);
	memset(&d, 0, sizeof d);
	pt_api_caller(r, &c);
	if ((err = pt_app_measures_list(&c, r->db, &cat, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_api_page(r, &limit, &offset);
	items = json_array();
	for (i = offset; items && i < cat.n && shown < limit; i++, shown++) {
		json_t *o = pt_measure_to_json(&cat, i, PT_MEASURE_JSON_API);
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	pt_reply_json(r, 200, pt_api_list(items, offset, shown, cat.n));
	pt_measure_catalog_clear(&cat);
}

void pt_h_site_measures(struct pt_req *r)
{
	struct pt_site_measures sm;
	unsigned *steps = NULL;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	json_t *items = NULL;
	size_t i;
	memset(&d, 0, sizeof d);
	if (!pt_valid_id(r->param[0])) {
		pt_reply_not_found(r);
		return;
	}
	pt_api_caller(r, &c);
	if ((err = pt_app_site_measures_list(&c, r->db, r->param[0], "site.measures.read", &sm,
					     &d)) != PT_OK) {
		if (err == PT_ENOTFOUND)
			pt_reply_not_found(r);
		else
			pt_reply_diag(r, err, &d);
		return;
	}
	steps = calloc(sm.n ? sm.n : 1, sizeof *steps);
	if (!steps || (err = pt_app_site_measures_steps(&c, r->db, &sm, steps, &d)) != PT_OK) {
		pt_reply_diag(r, steps ? err : PT_ENOMEM, &d);
		free(steps);
		pt_site_measures_clear(&sm);
		return;
	}
	items = json_array();
	for (i = 0; items && i < sm.n; i++) {
		long m = pt_measure_catalog_find(&sm.catalog, sm.rows[i].measure_id);
		json_t *o = pt_site_measure_to_json(&sm.rows[i], m >= 0 ? sm.catalog.items[m].name : NULL,
						    PT_MEASURE_JSON_API);
		json_t *can = json_array(); /* issue 11, item 7: the steps the caller may take */
		for (unsigned k = 0; can && steps && k < PT_STEP_COUNT; k++)
			if ((steps[i] & (1u << k)) &&
			    json_array_append_new(can, json_string(pt_measure_step_name(
							       (enum pt_measure_step)k)))) {
				json_decref(can);
				can = NULL;
			}
		if (o && sm.from && sm.from[i].run_id && /* issue 15: the improvement item it came from */
		    json_object_set_new(o, "from_exercise",
					json_pack("{s:I,s:I}", "run", (json_int_t)sm.from[i].run_id,
						  "item", (json_int_t)sm.from[i].item_id))) {
			json_decref(o);
			o = NULL;
		}
		if (o && sm.life && /* issue 16: installed, verification, due, history */
		    pt_site_measure_life_to_json(o, sm.life[i].installed_on, sm.life[i].verification,
						 sm.life[i].verification_due,
						 sm.history + sm.life[i].history_first,
						 sm.life[i].history_n)) {
			json_decref(o);
			o = NULL;
		}
		if (!o || !can || json_object_set_new(o, "steps", can)) {
			if (!o)
				json_decref(can);
			json_decref(o);
			o = NULL;
		}
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	/* issue 16: whether the caller may commit a measure here itself, and the day the
	 * verifications were judged due on */
	pt_reply_json(r, 200, items ? pt_marking_json(json_pack("{s:s,s:o,s:b,s:s}", "site_id",
							    sm.site.id, "items", items,
							    "can_commit", sm.can_commit,
							    "today", sm.today),
						  sm.site.tlp)
				    : NULL);
	free(steps);
	pt_site_measures_clear(&sm);
}

/* ---- the plan ---- */

/*
 * The plan of the query (frontier_default as in plan_query), its read
 * audited as read_action, with its sensitivity when the query asks, and
 * its view (variants: room for PT_PLAN_VARIANTS_MAX, borrowed by v). The
 * run or NULL after replying (400 for the query, or the use case's error);
 * free it with pt_plan_run_free.
 */
static struct pt_plan_run *plan_run_or_reply(struct pt_req *r, int frontier_default,
					     const char *read_action,
					     struct pt_plan_variant *variants,
					     struct pt_plan_view *v, struct pt_site_filter *filter)
{
	const struct pt_qval *sensitivity = pt_req_query(r, "sensitivity");
	struct pt_plan_opts o;
	struct pt_plan_run *run = NULL;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	size_t n_variants = 0;
	memset(&d, 0, sizeof d);
	if (plan_query(r, frontier_default, &o) || pt_api_filter_or_reply(r, filter) ||
	    plan_in_pool(r, &o, sensitivity->set && sensitivity->num))
		return NULL;
	o.filter = filter; /* issue 16 item 5 and item 1: the plan's scope */
	o.read_action = read_action;
	o.cache = r->srv->plan_cache; /* a budget change only solves again (issue 10) */
	pt_api_caller(r, &c);
	if ((err = pt_app_plan_run(&c, r->db, &o, &run, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return NULL;
	}
	if (sensitivity->set && sensitivity->num &&
	    (err = pt_app_plan_sensitivity(&o, run, variants, &n_variants, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		pt_plan_run_free(run);
		return NULL;
	}
	pt_app_plan_view(run, "", v);
	v->variants = n_variants ? variants : NULL;
	v->n_variants = n_variants;
	return run;
}

void pt_h_plan_get(struct pt_req *r)
{
	const struct pt_qval *rejected = pt_req_query(r, "rejected");
	const struct pt_qval *not_chosen = pt_req_query(r, "not_chosen");
	struct pt_plan_variant variants[PT_PLAN_VARIANTS_MAX];
	struct pt_plan_view v;
	struct pt_site_filter filter; /* issue 16 item 5 */
	struct pt_plan_run *run;
	json_t *body;
	memset(&filter, 0, sizeof filter);
	if (!(run = plan_run_or_reply(r, 0, "plan.read", variants, &v, &filter)))
		goto out;
	if (pt_api_wants_csv(r)) { /* issue 16 item 5: the chosen measures, marked */
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		enum pt_err err = f ? pt_plan_write_csv(f, &v) : PT_ENOMEM;
		if (f && fclose(f) != 0 && err == PT_OK)
			err = PT_EIO;
		if (err != PT_OK) {
			free(buf);
			pt_reply_json(r, 500, NULL);
		} else {
			pt_api_reply_csv(r, buf, len, "plan.csv");
		}
		goto out;
	}
	v.omit_rejected = rejected->set && !rejected->num;
	v.omit_not_chosen = not_chosen->set && !not_chosen->num; /* issue 11 review M1 */
	v.with_time_limit = 1;
	v.exact_time_limit_s = run->time_limit_s;
	body = pt_plan_to_json(&v);
	if (body && json_object_set_new(body, "filter", pt_site_filter_json(&filter))) {
		json_decref(body);
		body = NULL;
	}
	pt_reply_json(r, 200, body);
out:
	pt_plan_run_free(run);
	pt_site_filter_clear(&filter);
}

void pt_h_plan_report(struct pt_req *r)
{
	struct pt_plan_variant variants[PT_PLAN_VARIANTS_MAX];
	struct pt_plan_view v;
	struct pt_plan_run *run;
	struct MHD_Response *resp;
	struct pt_site_filter filter; /* issue 16 item 5 */
	enum pt_err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	memset(&filter, 0, sizeof filter);
	if (!(run = plan_run_or_reply(r, 1, "plan.report", variants, &v, &filter))) {
		pt_site_filter_clear(&filter);
		return;
	}
	if (!(f = open_memstream(&buf, &len))) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	err = pt_plan_write_html(f, &v);
	if (fclose(f) != 0 && err == PT_OK)
		err = PT_EIO;
	if (err != PT_OK) {
		pt_reply_diag(r, err, NULL);
		goto out;
	}
	resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	buf = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Content-Security-Policy", REPORT_CSP);
	if (r->raw)
		MHD_destroy_response(r->raw);
	json_decref(r->reply);
	r->reply = NULL;
	r->raw = resp;
	r->status = 200;
out:
	free(buf);
	pt_plan_run_free(run);
	pt_site_filter_clear(&filter);
}

/* ---- saved plans ---- */

static json_t *summary_json(const struct pt_saved_plan_seen *s, int show_hidden)
{
	return pt_saved_plan_to_json(&s->plan, !s->partial, show_hidden, s->hidden_sites);
}

void pt_h_plans_list(struct pt_req *r)
{
	struct pt_saved_plans l;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	json_t *items;
	size_t limit, offset, i;
	memset(&d, 0, sizeof d);
	pt_api_page(r, &limit, &offset);
	pt_api_caller(r, &c);
	if ((err = pt_app_plans_list(&c, r->db, offset, limit, &l, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	for (i = 0; items && i < l.n; i++) {
		json_t *o = summary_json(&l.items[i], l.show_hidden);
		/* issue 11, item 7: whether the caller may withdraw it (the page's button) */
		if (o && json_object_set_new(o, "can_withdraw",
					     json_boolean(pt_app_plan_can_withdraw(&c, r->db,
										   &l.items[i].plan)))) {
			json_decref(o);
			o = NULL;
		}
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	pt_reply_json(r, 200, items ? pt_api_list(items, offset, l.n, l.total) : NULL);
	pt_saved_plans_clear(&l);
}

void pt_h_plan_saved_get(struct pt_req *r)
{
	struct pt_saved_plan_read p;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	json_t *summary;
	if (!pt_valid_id(r->param[0])) {
		pt_reply_not_found(r);
		return;
	}
	memset(&d, 0, sizeof d);
	pt_api_caller(r, &c);
	if ((err = pt_app_plan_get(&c, r->db, r->param[0], "plan.saved.read", &p, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	summary = summary_json(&p.seen, p.show_hidden);
	if (summary) { /* issue 11 item 6: the level it was priced at against the planning level now */
		char priced[640];
		pt_saved_plan_priced(&p, priced, sizeof priced);
		json_object_set_new(summary, "planning_level_now", json_string(p.planning_now));
		json_object_set_new(summary, "priced_at", json_string(priced));
	}
	if (!summary || json_object_set_new(p.plan, "saved", summary)) {
		pt_reply_json(r, 500, NULL);
	} else {
		pt_reply_json(r, 200, p.plan);
		p.plan = NULL;
	}
	pt_saved_plan_read_clear(&p);
}

/* issue 16 item 1: the body's "filter" (the plan's scope; "region" is one more region) into f.
 * 0, or nonzero after replying 400 naming filter.FIELD. */
static int plan_body_scope(struct pt_req *r, struct pt_site_filter *f)
{
	const json_t *scope = json_object_get(r->json, "filter"), *values, *v;
	const char *region = json_string_value(json_object_get(r->json, "region"));
	size_t field, i;
	if (region && region[0] && pt_site_filter_add(f, PT_FILTER_REGION, region) == PT_ENOMEM) {
		pt_reply_json(r, 500, NULL);
		return 1;
	}
	for (field = 0; scope && field < PT_FILTER_FIELDS; field++) {
		const char *name = pt_filter_field_name((enum pt_filter_field)field);
		if (!(values = json_object_get(scope, name)))
			continue;
		json_array_foreach(values, i, v) {
			enum pt_err err = pt_site_filter_add(f, (enum pt_filter_field)field,
							     json_string_value(v));
			if (err == PT_ENOMEM) {
				pt_reply_json(r, 500, NULL);
				return 1;
			}
			if (err != PT_OK) {
				pt_reply_error(r, 400, NULL, 0, "filter.%s: \"%s\" is not a value it takes",
					       name, json_string_value(v));
				return 1;
			}
		}
	}
	return 0;
}

void pt_h_plan_post(struct pt_req *r)
{
	struct pt_plan_opts o;
	struct pt_plan_saved saved;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	const char *name = json_string_value(json_object_get(r->json, "name"));
	const char *solver = json_string_value(json_object_get(r->json, "solver"));
	struct pt_site_filter filter; /* issue 16 item 1: the plan's scope */
	enum pt_filter_field bad;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	memset(&filter, 0, sizeof filter);
	o.budget_eur = json_number_value(json_object_get(r->json, "budget_eur"));
	o.solver = PT_SOLVER_FAST;
	if (solver)
		pt_plan_solver_parse(solver, &o.solver); /* the route's enum checked it */
	o.region = json_string_value(json_object_get(r->json, "region"));
	if (o.region && !o.region[0])
		o.region = NULL;
	if (plan_body_scope(r, &filter))
		goto out;
	o.filter = &filter;
	o.check_exact = o.solver == PT_SOLVER_FAST ? -1 : 0;
	o.time_limit_s = -SERVER_EXACT_LIMIT_S;
	o.cache = r->srv->plan_cache;
	if (plan_in_pool(r, &o, 0))
		goto out;
	pt_api_caller(r, &c);
	if ((err = pt_app_plan_save(&c, r->db, name, &o, &saved, &d)) != PT_OK) {
		if (err == PT_ECONFLICT) /* as a user name taken: 400 naming the field */
			pt_reply_error(r, 400, "name", 0, "name: a plan named %s exists already", name);
		else if (err == PT_EINVAL && pt_filter_field_parse(d.field, &bad) == PT_OK) {
			/* issue 16 item 1: an unknown value of the scope, filter.FIELD */
			char field[80];
			snprintf(field, sizeof field, "filter.%s", d.field);
			pt_reply_error(r, 400, field, 0, "%s: %s", field, d.msg);
		} else
			pt_reply_diag(r, err, &d);
		goto out;
	}
	{ /* issue 11 item 6: as the saved plan reads back (priced at the planning level now) */
		json_t *summary = summary_json(&saved.seen, saved.show_hidden);
		char priced[640];
		snprintf(priced, sizeof priced, "priced at planning level %s",
			 saved.seen.plan.threat_level);
		if (summary) {
			json_object_set_new(summary, "planning_level_now",
					    json_string(saved.seen.plan.threat_level));
			json_object_set_new(summary, "priced_at", json_string(priced));
		}
		pt_reply_json(r, 201, summary);
	}
	pt_plan_saved_clear(&saved);
out:
	pt_site_filter_clear(&filter);
}

/* ---- the risk register ---- */

void pt_h_register_list(struct pt_req *r)
{
	const struct pt_qval *site = pt_req_query(r, "site");
	struct pt_register_list l;
	struct pt_site_filter filter; /* issue 16 item 5 */
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	json_t *items, *body;
	size_t limit, offset, i;
	int csv = pt_api_wants_csv(r);
	memset(&d, 0, sizeof d);
	memset(&l, 0, sizeof l);
	memset(&filter, 0, sizeof filter);
	if (site->set && !pt_valid_id(site->str)) {
		pt_reply_error(r, 400, "site", 0, "site: 1-63 characters of A-Z a-z 0-9 . _ -");
		return;
	}
	if (pt_api_filter_or_reply(r, &filter))
		return;
	if (csv)
		pt_api_csv_page(r, &limit, &offset);
	else
		pt_api_page(r, &limit, &offset);
	pt_api_caller(r, &c);
	if ((err = pt_app_register_list_filtered(&c, r->db, site->set ? site->str : NULL, &filter,
						 offset, limit, "register.read", &l, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	if (csv) { /* issue 16 item 5: what is shown, marked with the highest label of its rows */
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		if (!f) {
			pt_reply_json(r, 500, NULL);
			goto out;
		}
		pt_register_write_csv(f, l.items, l.n);
		if (fclose(f) != 0) {
			free(buf);
			pt_reply_json(r, 500, NULL);
			goto out;
		}
		pt_api_reply_csv(r, buf, len, "register.csv");
		goto out;
	}
	items = json_array();
	for (i = 0; items && i < l.n; i++) {
		json_t *o = pt_register_entry_to_json(&l.items[i], PT_REGISTER_JSON_API, l.can_treat[i]);
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	body = items ? pt_marking_json(pt_api_list(items, offset, l.n, l.total), l.tlp) : NULL;
	if (body && json_object_set_new(body, "filter", pt_site_filter_json(&filter))) {
		json_decref(body);
		body = NULL;
	}
	pt_reply_json(r, 200, body);
out:
	pt_register_list_clear(&l);
	pt_site_filter_clear(&filter);
}

/* Reply 200 with register entry e, or with err. */
static void reply_entry(struct pt_req *r, enum pt_err err, const struct pt_diag *d,
			const struct pt_register_entry *e, int can_treat)
{
	if (err != PT_OK)
		pt_reply_diag(r, err, d);
	else
		pt_reply_json(r, 200, /* issue 11 review M2: marked with the site's label */
			      pt_marking_json(pt_register_entry_to_json(e, PT_REGISTER_JSON_API,
									can_treat),
					      e->site_tlp));
}

void pt_h_register_set(struct pt_req *r)
{
	struct pt_register_change ch;
	struct pt_register_entry e;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	int can_treat = 0;
	const json_t *measures = json_object_get(r->json, "measures");
	char joined[PT_REGISTER_MEASURES_MAX];
	size_t i, used = 0;
	memset(&ch, 0, sizeof ch);
	memset(&d, 0, sizeof d);
	if (!pt_valid_id(r->param[0]) || !pt_valid_id(r->param[1])) {
		pt_reply_not_found(r);
		return;
	}
	ch.treatment = json_string_value(json_object_get(r->json, "treatment"));
	ch.responsible = json_string_value(json_object_get(r->json, "responsible"));
	ch.review_date = json_string_value(json_object_get(r->json, "review_date"));
	ch.note = json_string_value(json_object_get(r->json, "note"));
	if (measures) {
		joined[0] = '\0';
		for (i = 0; i < json_array_size(measures); i++) {
			const char *id = json_string_value(json_array_get(measures, i));
			size_t n = strlen(id);
			if (used + n + 2 > sizeof joined) {
				pt_reply_error(r, 400, "measures", 0, "measures: too many");
				return;
			}
			if (used)
				joined[used++] = ';';
			memcpy(joined + used, id, n + 1);
			used += n;
		}
		ch.measures = joined;
	}
	pt_api_caller(r, &c);
	err = pt_app_register_set(&c, r->db, r->param[0], r->param[1], &ch, &e, &can_treat, &d);
	reply_entry(r, err, &d, &e, can_treat);
}

void pt_h_register_approve(struct pt_req *r)
{
	struct pt_register_entry e;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	int can_treat = 0;
	memset(&d, 0, sizeof d);
	if (!pt_valid_id(r->param[0]) || !pt_valid_id(r->param[1])) {
		pt_reply_not_found(r);
		return;
	}
	pt_api_caller(r, &c);
	err = pt_app_register_approve(&c, r->db, r->param[0], r->param[1], &e, &can_treat, &d);
	reply_entry(r, err, &d, &e, can_treat);
}

void pt_h_register_history(struct pt_req *r)
{
	struct pt_register_history_row *rows = NULL;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_tlp tlp = PT_TLP_CLEAR;
	enum pt_err err;
	json_t *items;
	size_t n = 0, i;
	memset(&d, 0, sizeof d);
	if (!pt_valid_id(r->param[0]) || !pt_valid_id(r->param[1])) {
		pt_reply_not_found(r);
		return;
	}
	pt_api_caller(r, &c);
	if ((err = pt_app_register_history_marked(&c, r->db, r->param[0], r->param[1], &rows, &n,
						  &tlp, &d)) != PT_OK) {
		if (err == PT_ENOTFOUND)
			pt_reply_not_found(r);
		else
			pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	for (i = 0; items && i < n; i++) {
		json_t *o = pt_register_history_to_json(&rows[i]);
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	free(rows);
	/* issue 11: marked with the site's own label */
	pt_reply_json(r, 200, items ? pt_marking_json(json_pack("{s:s,s:s,s:o}", "site_id", r->param[0],
								"threat_id", r->param[1], "items", items),
						      tlp)
				    : NULL);
}
