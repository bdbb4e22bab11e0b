/* pt_http_plan.c - the measures, the investment plan and the risk register
 * over HTTP: the catalogue, measures at a site, a plan over the caller's
 * visible sites (JSON as the CLI writes it, or the printable report), saved
 * plans and the register's treatment decisions with approval and history. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "../formats/pt_plan_io.h"
#include "../store/pt_plan_store.h"
#include "../store/pt_users.h"
#include "pt_http_api.h"

#define BUDGET_TEXT_MAX 32          /* bytes of the budget query parameter */
#define BUDGET_MAX 1e12             /* the largest budget, EUR */
#define SERVER_EXACT_LIMIT_S 10.0   /* the exact solver holds a server thread at most this long */
#define FRONTIER_POINTS 101
#define REPORT_CSP                                                                          \
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
	"form-action 'none'; frame-ancestors 'none'"

/* ---- shared helpers ---- */

/* "12", "2000000", "1.5e6": digits with an optional fraction and exponent (no sign, no hex,
 * no inf or nan), within [0, BUDGET_MAX]. Nonzero when valid. */
static int parse_budget(const char *s, double *out)
{
	const char *p = s;
	char *end = NULL;
	double v;
	if (!s || !*s || strlen(s) > BUDGET_TEXT_MAX)
		return 0;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p)
		return 0;
	v = strtod(s, &end);
	if (!end || *end || !isfinite(v) || v < 0 || v > BUDGET_MAX)
		return 0;
	*out = v;
	return 1;
}

/*
 * A query value as sent (the server keeps queries undecoded) decoded into
 * out: %XX escapes and '+' for a space. Nonzero when valid: well-formed
 * escapes, at most size - 1 bytes, text without control characters.
 */
static int query_text(const char *raw, char *out, size_t size)
{
	size_t n = 0;
	const char *p;
	for (p = raw; *p; p++) {
		int c = (unsigned char)*p;
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;
			hi = p[1] >= '0' && p[1] <= '9' ? p[1] - '0'
			     : p[1] >= 'a' && p[1] <= 'f' ? p[1] - 'a' + 10
			     : p[1] >= 'A' && p[1] <= 'F' ? p[1] - 'A' + 10 : -1;
			lo = hi < 0 ? -1
			     : p[2] >= '0' && p[2] <= '9' ? p[2] - '0'
			     : p[2] >= 'a' && p[2] <= 'f' ? p[2] - 'a' + 10
			     : p[2] >= 'A' && p[2] <= 'F' ? p[2] - 'A' + 10 : -1;
			if (lo < 0)
				return 0;
			c = hi * 16 + lo;
			p += 2;
		}
		if (n + 1 >= size)
			return 0;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return pt_valid_text(out);
}

/* The exact solver's time limit on the server: the setting, at most SERVER_EXACT_LIMIT_S. */
static enum pt_err exact_limit(struct pt_req *r, double *out, struct pt_diag *d)
{
	struct pt_config cfg;
	enum pt_err err;
	memset(&cfg, 0, sizeof cfg);
	if ((err = pt_db_config_load(r->db, &cfg, d)) != PT_OK)
		return err;
	*out = cfg.plan_exact_time_limit_s > 0 && cfg.plan_exact_time_limit_s < SERVER_EXACT_LIMIT_S
		       ? cfg.plan_exact_time_limit_s
		       : SERVER_EXACT_LIMIT_S;
	return PT_OK;
}

/* What the writers of src/formats/pt_plan_io.h need, borrowed from a run. */
static void view_of(const struct pt_plan_run *run, const char *name, struct pt_plan_view *v)
{
	memset(v, 0, sizeof *v);
	v->cfg = &run->ranking->cfg;
	v->threats = &run->ranking->cat.threats;
	v->sites = run->ranking->sites.items;
	v->measures = &run->measures;
	v->model = run->model;
	v->result = &run->result;
	v->threat_level_text = run->ranking->level_text;
	v->region = run->region;
	v->name = name ? name : "";
	v->withheld = run->withheld;
	v->outside_region = run->outside_region;
	v->frontier_n = run->frontier_n;
	v->frontier_budget = run->frontier_budget;
	v->frontier_reduction = run->frontier_reduction;
	v->frontier_bound = run->frontier_bound;
}

/*
 * The plan's options from the query (budget, solver, region, frontier);
 * the decoded region goes to region_text, which o then borrows.
 * frontier_default applies when frontier is not given. 0, or nonzero after
 * replying 400 naming the parameter (or 500).
 */
static int plan_query(struct pt_req *r, int frontier_default, struct pt_plan_opts *o,
		      char region_text[PT_REGION_MAX])
{
	const struct pt_qval *budget = pt_req_query(r, "budget"), *solver = pt_req_query(r, "solver"),
			     *region = pt_req_query(r, "region"), *frontier = pt_req_query(r, "frontier");
	struct pt_diag d;
	enum pt_err err;
	memset(o, 0, sizeof *o);
	memset(&d, 0, sizeof d);
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
	if (region->set && !query_text(region->str, region_text, PT_REGION_MAX)) {
		pt_reply_error(r, 400, "region", 0,
			       "region: must be text of at most %d bytes without control characters",
			       PT_REGION_MAX - 1);
		return 1;
	}
	o->region = region->set ? region_text : NULL;
	o->who = pt_api_who(r);
	o->check_exact = o->solver == PT_SOLVER_FAST ? -1 : 0;
	o->frontier_points = (frontier->set ? frontier->num : (unsigned long long)frontier_default)
				     ? FRONTIER_POINTS
				     : 0;
	if ((err = exact_limit(r, &o->time_limit_s, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return 1;
	}
	return 0;
}

/* Note every site a run covered (its figures depend on them all). */
static void note_run(struct pt_read_log *log, const struct pt_plan_run *run)
{
	size_t i;
	for (i = 0; i < run->ranking->sites.n; i++)
		pt_read_note(log, &run->ranking->sites.items[i]);
}

/* The site id of the path (visible to the caller) from the request's snapshot; NULL after
 * replying 404 (missing and hidden alike) or 500. */
static const struct pt_site *path_site(struct pt_req *r, const char *id)
{
	const struct pt_snapshot *snap;
	const struct pt_site *s;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	if (!pt_valid_id(id)) {
		pt_reply_not_found(r);
		return NULL;
	}
	if (!(snap = pt_req_snapshot(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		return NULL;
	}
	s = pt_http_snapshot_site(snap, id);
	if (!s || !pt_api_can_read(r, s)) {
		pt_reply_not_found(r);
		return NULL;
	}
	return s;
}

/* "a;b;c" (or "*") as a JSON array of strings. */
static json_t *id_list(const char *s)
{
	json_t *a = json_array();
	const char *p = s;
	while (a && p && *p) {
		size_t n = strcspn(p, ";,");
		if (n > 0 && json_array_append_new(a, json_stringn(p, n))) {
			json_decref(a);
			return NULL;
		}
		p += n;
		if (*p)
			p++;
	}
	return a;
}

/* ---- the catalogue ---- */

static json_t *measure_json(const struct pt_measure_catalog *c, size_t i)
{
	const struct pt_measure *m = &c->items[i];
	json_t *o, *eff = json_array();
	size_t k;
	if (!eff)
		return NULL;
	for (k = 0; k < c->n_effects; k++) {
		const struct pt_measure_effect *e = &c->effects[k];
		if (strcmp(e->measure_id, m->id) != 0)
			continue;
		if (json_array_append_new(eff, json_pack("{s:s,s:f,s:f}", "threat_id", e->threat_id,
							 "v_reduction", e->v_reduction, "c_reduction",
							 e->c_reduction))) {
			json_decref(eff);
			return NULL;
		}
	}
	o = json_pack("{s:s,s:s,s:s,s:f,s:f,s:i,s:{s:i,s:i,s:i},s:i,s:b,s:b,s:o,s:o,s:s,s:s,s:o}",
		      "id", m->id, "name", m->name, "family", pt_measure_family_name(m->family),
		      "capex_eur", m->capex_eur, "opex_eur_year", m->opex_eur_year, "lifetime_years",
		      m->lifetime_years, "rights", "privacy", m->rights[PT_RIGHT_PRIVACY], "movement",
		      m->rights[PT_RIGHT_MOVEMENT], "discrimination", m->rights[PT_RIGHT_DISCRIMINATION],
		      "intrusiveness", pt_measure_intrusiveness(m), "legal_basis", m->legal_basis,
		      "removes_step_free", m->removes_step_free, "kinds", id_list(m->kinds), "sectors",
		      id_list(m->sectors), "exclusive_group", m->exclusive_group, "description",
		      m->description, "effects", eff);
	return o;
}

void pt_h_measures_list(struct pt_req *r)
{
	struct pt_measure_catalog cat;
	struct pt_diag d;
	enum pt_err err;
	json_t *items;
	size_t limit, offset, i, shown = 0;
	memset(&cat, 0, sizeof cat);
	memset(&d, 0, sizeof d);
	if ((err = pt_db_measures_load(r->db, &cat, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_api_page(r, &limit, &offset);
	items = json_array();
	for (i = offset; items && i < cat.n && shown < limit; i++, shown++) {
		json_t *o = measure_json(&cat, i);
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	pt_reply_json(r, 200, pt_api_list(items, offset, shown, cat.n));
	pt_measure_catalog_free(&cat);
}

void pt_h_site_measures(struct pt_req *r)
{
	const struct pt_site *s;
	struct pt_site_measure_row *rows = NULL;
	struct pt_measure_catalog cat;
	struct pt_read_log log;
	struct pt_diag d;
	enum pt_err err;
	json_t *items = NULL;
	size_t n = 0, i;
	memset(&cat, 0, sizeof cat);
	memset(&log, 0, sizeof log);
	memset(&d, 0, sizeof d);
	if (!(s = path_site(r, r->param[0])))
		return;
	if ((err = pt_db_site_measures_list(r->db, s->id, &rows, &n, &d)) != PT_OK ||
	    (err = pt_db_measures_load(r->db, &cat, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	items = json_array();
	for (i = 0; items && i < n; i++) {
		long m = pt_measure_catalog_find(&cat, rows[i].measure_id);
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "measure_id", rows[i].measure_id,
				      "name", m >= 0 ? cat.items[m].name : rows[i].measure_id, "status",
				      pt_site_measure_status_name(rows[i].status), "plan", rows[i].plan,
				      "added_at", rows[i].added_at, "added_by", rows[i].added_by);
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	if (!items) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	pt_read_note(&log, s);
	if (pt_api_audit_reads(r, "site.measures.read", &log))
		goto out;
	pt_reply_json(r, 200, json_pack("{s:s,s:o}", "site_id", s->id, "items", items));
	items = NULL;
out:
	pt_read_log_clear(&log);
	json_decref(items);
	free(rows);
	pt_measure_catalog_free(&cat);
}

/* ---- the plan ---- */

void pt_h_plan_get(struct pt_req *r)
{
	struct pt_plan_opts o;
	struct pt_plan_run *run = NULL;
	struct pt_plan_view v;
	struct pt_read_log log;
	struct pt_diag d;
	enum pt_err err;
	char region[PT_REGION_MAX];
	json_t *body;
	const struct pt_qval *sensitivity, *rejected;
	struct pt_plan_variant variants[PT_PLAN_VARIANTS_MAX];
	size_t n_variants = 0;
	memset(&log, 0, sizeof log);
	memset(&d, 0, sizeof d);
	if (plan_query(r, 0, &o, region))
		return;
	if ((err = pt_plan_run(r->db, &o, &run, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	note_run(&log, run);
	if (pt_api_audit_reads(r, "plan.read", &log))
		goto out;
	rejected = pt_req_query(r, "rejected");
	sensitivity = pt_req_query(r, "sensitivity");
	if (sensitivity->set && sensitivity->num &&
	    (err = pt_plan_sensitivity(&o, run, variants, &n_variants, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	view_of(run, "", &v);
	v.omit_rejected = rejected->set && !rejected->num;
	body = pt_plan_to_json(&v);
	if (body)
		json_object_set_new(body, "exact_time_limit_s", json_real(o.time_limit_s));
	if (body && n_variants &&
	    json_object_set_new(body, "sensitivity", pt_plan_sensitivity_json(variants, n_variants))) {
		json_decref(body);
		body = NULL;
	}
	pt_reply_json(r, 200, body);
out:
	pt_read_log_clear(&log);
	pt_plan_run_free(run);
}

void pt_h_plan_report(struct pt_req *r)
{
	struct pt_plan_opts o;
	struct pt_plan_run *run = NULL;
	struct pt_plan_view v;
	struct pt_read_log log;
	struct pt_diag d;
	struct MHD_Response *resp;
	enum pt_err err;
	char region[PT_REGION_MAX], *buf = NULL;
	size_t len = 0, n_variants = 0;
	const struct pt_qval *sensitivity = pt_req_query(r, "sensitivity");
	struct pt_plan_variant variants[PT_PLAN_VARIANTS_MAX];
	FILE *f;
	memset(&log, 0, sizeof log);
	memset(&d, 0, sizeof d);
	if (plan_query(r, 1, &o, region))
		return;
	if ((err = pt_plan_run(r->db, &o, &run, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	note_run(&log, run);
	if (pt_api_audit_reads(r, "plan.report", &log))
		goto out;
	if (sensitivity->set && sensitivity->num &&
	    (err = pt_plan_sensitivity(&o, run, variants, &n_variants, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	view_of(run, "", &v);
	v.variants = n_variants ? variants : NULL;
	v.n_variants = n_variants;
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
	pt_read_log_clear(&log);
	free(buf);
	pt_plan_run_free(run);
}

/* ---- saved plans ---- */

static double jnum(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : 0;
}

/*
 * A saved plan as the caller may see it: the funded sites and rejected
 * measures of sites it may not read (now) are left out, and then the totals
 * are those of the sites kept (figures over the whole plan, such as the
 * bound and the frontier, go). The kept sites are noted in log. Steals
 * plan; NULL when out of memory.
 */
static json_t *plan_for_caller(struct pt_req *r, const struct pt_snapshot *snap, json_t *plan,
			       struct pt_read_log *log)
{
	static const char *const lists[2] = {"sites", "rejected"};
	size_t hidden = 0, k, i;
	json_t *totals;
	for (k = 0; k < 2; k++) {
		/* A new array of the kept items: removing in place is quadratic, and a
		 * national plan lists some 10^5 rejected measures. */
		json_t *a = json_object_get(plan, lists[k]), *kept;
		size_t n = json_array_size(a);
		if (!n)
			continue;
		if (!(kept = json_array())) {
			json_decref(plan);
			return NULL;
		}
		for (i = 0; i < n; i++) {
			json_t *it = json_array_get(a, i);
			const char *id = json_string_value(json_object_get(it, "site_id"));
			const struct pt_site *s = id ? pt_http_snapshot_site(snap, id) : NULL;
			if (s && pt_api_can_read(r, s)) {
				pt_read_note(log, s);
				if (json_array_append(kept, it)) {
					json_decref(kept);
					json_decref(plan);
					return NULL;
				}
			} else if (k == 0) {
				hidden++;
			}
		}
		if (json_object_set_new(plan, lists[k], kept)) {
			json_decref(plan);
			return NULL;
		}
	}
	json_object_set_new(plan, "hidden_sites", json_integer((json_int_t)hidden));
	if (!hidden)
		return plan;
	{ /* the counts by rule of the rejections kept */
		json_t *counts = json_object_get(plan, "rejected_counts"), *a;
		const char *key;
		json_t *val;
		if (json_is_object(counts)) {
			json_object_foreach(counts, key, val)
				json_integer_set(val, 0);
			a = json_object_get(plan, "rejected");
			for (i = 0; i < json_array_size(a); i++) {
				const char *verdict = json_string_value(
					json_object_get(json_array_get(a, i), "verdict"));
				json_t *c = verdict ? json_object_get(counts, verdict) : NULL;
				if (c)
					json_integer_set(c, json_integer_value(c) + 1);
			}
		}
	}
	totals = json_object();
	if (totals) {
		double cost = 0, red = 0;
		long long measures = 0;
		json_t *a = json_object_get(plan, "sites");
		for (i = 0; i < json_array_size(a); i++) {
			const json_t *s = json_array_get(a, i);
			cost += jnum(s, "cost_eur");
			red += jnum(s, "risk_reduction_eur");
			measures += (long long)json_array_size(json_object_get(s, "measures"));
		}
		json_object_set_new(totals, "cost_eur", json_real(cost));
		json_object_set_new(totals, "risk_reduction_eur", json_real(red));
		json_object_set_new(totals, "bcr", cost > 0 ? json_real(red / cost) : json_null());
		json_object_set_new(totals, "net_benefit_eur", json_real(red - cost));
		json_object_set_new(totals, "gap", json_null());
		json_object_set_new(totals, "sites_funded", json_integer((json_int_t)json_array_size(a)));
		json_object_set_new(totals, "measures", json_integer(measures));
	}
	json_object_set_new(plan, "totals", totals ? totals : json_null());
	json_object_del(plan, "frontier");
	return plan;
}

static json_t *saved_summary(const struct pt_saved_plan *p, const json_t *plan)
{
	const json_t *t = json_object_get(plan, "totals");
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:f}", "name", p->name, "created_at",
			      p->created_at, "created_by", p->created_by, "solver", p->solver, "region",
			      p->region, "threat_level", p->threat_level, "budget_eur", p->budget_eur);
	if (!o)
		return NULL;
	json_object_set(o, "cost_eur", json_object_get(t, "cost_eur"));
	json_object_set(o, "risk_reduction_eur", json_object_get(t, "risk_reduction_eur"));
	json_object_set(o, "gap", json_object_get(t, "gap"));
	json_object_set(o, "sites_funded", json_object_get(t, "sites_funded"));
	json_object_set(o, "measures", json_object_get(t, "measures"));
	json_object_set(o, "hidden_sites", json_object_get(plan, "hidden_sites"));
	return o;
}

/* The stored plan name as the caller may see it: *summary and *plan new, the sites it
 * shows noted in log. 0, or nonzero after replying. */
static int saved_plan(struct pt_req *r, const char *name, json_t **summary, json_t **plan,
		      struct pt_read_log *log)
{
	struct pt_snapshot *snap;
	struct pt_saved_plan p;
	struct pt_diag d;
	enum pt_err err;
	json_error_t je;
	char *text = NULL;
	json_t *j;
	*summary = *plan = NULL;
	memset(&d, 0, sizeof d);
	if (!(snap = pt_req_snapshot(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		return 1;
	}
	if ((err = pt_db_plan_get(r->db, name, &p, &text, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return 1;
	}
	j = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!json_is_object(j)) {
		json_decref(j);
		pt_reply_error(r, 500, NULL, 0, "the stored plan %s cannot be read", p.name);
		return 1;
	}
	if (!(j = plan_for_caller(r, snap, j, log)) || !(*summary = saved_summary(&p, j))) {
		json_decref(j);
		pt_reply_json(r, 500, NULL);
		return 1;
	}
	*plan = j;
	return 0;
}

/*
 * The summary of saved plan p for the caller from its row and its site
 * lines, without reading its JSON: the funded sites it may read are noted
 * in log; when some are hidden, the totals are those of the sites kept (the
 * gap, a figure over the whole plan, goes), as plan_for_caller does. 1 and
 * *summary new; 0 when the plan has no site lines (the caller reads the
 * JSON); -1 after replying.
 */
static int summary_from_row(struct pt_req *r, const struct pt_saved_plan *p, json_t **summary,
			    struct pt_read_log *log)
{
	struct pt_snapshot *snap;
	struct pt_diag d;
	enum pt_err err;
	char *lines = NULL, *line, *next;
	double cost = 0, red = 0;
	long long funded = 0, measures = 0, hidden = 0;
	*summary = NULL;
	memset(&d, 0, sizeof d);
	if (!(snap = pt_req_snapshot(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		return -1;
	}
	if ((err = pt_db_plan_site_lines(r->db, p->name, &lines, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return -1;
	}
	if (!*lines && p->sites_funded > 0) {
		free(lines);
		return 0;
	}
	for (line = lines; *line; line = next) {
		char *f[4];
		const struct pt_site *s;
		int k;
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		f[0] = line;
		for (k = 1; k < 4; k++) {
			f[k] = strchr(f[k - 1], ',');
			if (!f[k])
				break;
			*f[k]++ = '\0';
		}
		if (k < 4) { /* not a line protect wrote: read the JSON instead */
			free(lines);
			return 0;
		}
		s = pt_http_snapshot_site(snap, f[0]);
		if (!s || !pt_api_can_read(r, s)) {
			hidden++;
			continue;
		}
		pt_read_note(log, s);
		funded++;
		cost += strtod(f[1], NULL);
		red += strtod(f[2], NULL);
		measures += strtoll(f[3], NULL, 10);
	}
	free(lines);
	*summary = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:f,s:f,s:f,s:o,s:I,s:I,s:I}", "name",
			     p->name, "created_at", p->created_at, "created_by", p->created_by,
			     "solver", p->solver, "region", p->region, "threat_level",
			     p->threat_level, "budget_eur", p->budget_eur, "cost_eur",
			     hidden ? cost : p->cost_eur, "risk_reduction_eur",
			     hidden ? red : p->risk_reduction_eur, "gap",
			     hidden ? json_null() : json_real(p->gap), "sites_funded",
			     (json_int_t)(hidden ? funded : p->sites_funded), "measures",
			     (json_int_t)(hidden ? measures : p->measures), "hidden_sites",
			     (json_int_t)hidden);
	if (!*summary) {
		pt_reply_json(r, 500, NULL);
		return -1;
	}
	return 1;
}

void pt_h_plans_list(struct pt_req *r)
{
	struct pt_saved_plan *plans = NULL;
	struct pt_read_log log;
	struct pt_diag d;
	enum pt_err err;
	json_t *items;
	size_t n = 0, limit, offset, i, shown = 0;
	memset(&d, 0, sizeof d);
	memset(&log, 0, sizeof log);
	if ((err = pt_db_plans_list(r->db, &plans, &n, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_api_page(r, &limit, &offset);
	items = json_array();
	for (i = offset; items && i < n && shown < limit; i++, shown++) {
		json_t *summary, *plan;
		int fast = summary_from_row(r, &plans[i], &summary, &log);
		if (fast < 0)
			goto out;
		if (!fast) {
			if (saved_plan(r, plans[i].name, &summary, &plan, &log))
				goto out;
			json_decref(plan);
		}
		if (json_array_append_new(items, summary)) {
			pt_reply_json(r, 500, NULL);
			goto out;
		}
	}
	if (!items) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	if (pt_api_audit_reads(r, "plans.read", &log))
		goto out;
	pt_reply_json(r, 200, pt_api_list(items, offset, shown, n));
	items = NULL;
out:
	pt_read_log_clear(&log);
	json_decref(items);
	free(plans);
}

void pt_h_plan_saved_get(struct pt_req *r)
{
	struct pt_read_log log;
	json_t *summary, *plan;
	memset(&log, 0, sizeof log);
	if (!pt_valid_id(r->param[0])) {
		pt_reply_not_found(r);
		return;
	}
	if (saved_plan(r, r->param[0], &summary, &plan, &log)) {
		pt_read_log_clear(&log);
		return;
	}
	if (pt_api_audit_reads(r, "plan.saved.read", &log)) {
		json_decref(summary);
		json_decref(plan);
		return;
	}
	json_object_set_new(plan, "saved", summary);
	pt_reply_json(r, 200, plan);
}

void pt_h_plan_post(struct pt_req *r)
{
	struct pt_plan_opts o;
	struct pt_plan_run *run = NULL;
	struct pt_diag d;
	enum pt_err err;
	const char *name = json_string_value(json_object_get(r->json, "name"));
	const char *solver = json_string_value(json_object_get(r->json, "solver"));
	const char *region = json_string_value(json_object_get(r->json, "region"));
	struct pt_read_log log;
	json_t *summary, *plan;
	memset(&log, 0, sizeof log);
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.who = pt_api_who(r);
	o.budget_eur = json_number_value(json_object_get(r->json, "budget_eur"));
	o.solver = PT_SOLVER_FAST;
	if (solver)
		pt_plan_solver_parse(solver, &o.solver); /* the route's enum checked it */
	o.region = region;
	o.check_exact = o.solver == PT_SOLVER_FAST ? -1 : 0;
	if ((err = exact_limit(r, &o.time_limit_s, &d)) != PT_OK ||
	    (err = pt_plan_run(r->db, &o, &run, &d)) != PT_OK ||
	    (err = pt_db_plan_save(r->db, pt_api_who(r), name, run, &d)) != PT_OK) {
		if (err == PT_ECONFLICT) /* as a user name taken: 400 naming the field */
			pt_reply_error(r, 400, "name", 0, "name: a plan named %s exists already", name);
		else
			pt_reply_diag(r, err, &d);
		goto out;
	}
	if (saved_plan(r, name, &summary, &plan, &log))
		goto out;
	json_decref(plan);
	pt_reply_json(r, 201, summary);
out:
	pt_read_log_clear(&log);
	pt_plan_run_free(run);
}

/* ---- the risk register ---- */

/* May the caller record decisions on site id (per the request's snapshot)? */
static int may_treat(struct pt_req *r, const struct pt_snapshot *snap, const char *id)
{
	const struct pt_site *s = pt_http_snapshot_site(snap, id);
	struct pt_access_record rec;
	if (!s || !snap->ix || !pt_api_who(r))
		return 0;
	pt_access_index_record(snap->ix, s, &rec);
	return pt_access_treat(pt_api_who(r), &rec) == PT_ACCESS_OK;
}

static json_t *entry_json(const struct pt_register_entry *e, int can_treat)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:I,s:s,s:s,s:s,s:s,s:o,s:s,s:b,s:b,s:s,s:s,"
			      "s:s,s:s,s:b}",
			      "site_id", e->site_id, "site_name", e->site_name, "threat_id", e->threat_id,
			      "band", pt_band_name(e->band), "risk_eur_year", pt_json_number(e->risk_eur_year),
			      "residual_eur_year", pt_json_number(e->residual_eur_year), "residual_band",
			      pt_band_name(e->residual_band), "committed_measures", (json_int_t)e->n_committed,
			      "treatment", pt_treatment_name(e->treatment), "owner_org", e->owner_org,
			      "responsible", e->responsible, "review_date", e->review_date, "measures",
			      id_list(e->measures), "note", e->note, "needs_approval", e->needs_approval,
			      "approved", e->approved, "approved_by", e->approved_by, "approved_at",
			      e->approved_at, "updated_at", e->updated_at, "updated_by", e->updated_by,
			      "can_treat", can_treat);
	return o;
}

void pt_h_register_list(struct pt_req *r)
{
	const struct pt_qval *site = pt_req_query(r, "site");
	struct pt_snapshot *snap;
	struct pt_register_entry *e = NULL;
	struct pt_read_log log;
	struct pt_diag d;
	enum pt_err err;
	json_t *items;
	size_t n = 0, limit, offset, i, shown = 0;
	memset(&log, 0, sizeof log);
	memset(&d, 0, sizeof d);
	if (site->set && !pt_valid_id(site->str)) {
		pt_reply_error(r, 400, "site", 0, "site: 1-63 characters of A-Z a-z 0-9 . _ -");
		return;
	}
	if (!(snap = pt_req_snapshot(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		return;
	}
	if ((err = pt_db_register_list(r->db, pt_api_who(r), site->set ? site->str : NULL, &e, &n,
				       &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_api_page(r, &limit, &offset);
	items = json_array();
	for (i = offset; items && i < n && shown < limit; i++, shown++) {
		const struct pt_site *s = pt_http_snapshot_site(snap, e[i].site_id);
		json_t *o = entry_json(&e[i], may_treat(r, snap, e[i].site_id));
		if (s)
			pt_read_note(&log, s);
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	if (!items) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	if (pt_api_audit_reads(r, "register.read", &log)) {
		json_decref(items);
		goto out;
	}
	pt_reply_json(r, 200, pt_api_list(items, offset, shown, n));
out:
	pt_read_log_clear(&log);
	free(e);
}

/* Reply with the register entry (site, threat) as it is now (200). */
static void reply_entry(struct pt_req *r, const char *site, const char *threat)
{
	struct pt_snapshot *snap;
	struct pt_register_entry *e = NULL;
	struct pt_diag d;
	enum pt_err err;
	size_t n = 0, i;
	memset(&d, 0, sizeof d);
	if (!(snap = pt_req_snapshot(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		return;
	}
	if ((err = pt_db_register_list(r->db, pt_api_who(r), site, &e, &n, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	for (i = 0; i < n; i++)
		if (strcmp(e[i].threat_id, threat) == 0)
			break;
	if (i < n)
		pt_reply_json(r, 200, entry_json(&e[i], may_treat(r, snap, site)));
	else
		pt_reply_not_found(r);
	free(e);
}

void pt_h_register_set(struct pt_req *r)
{
	struct pt_register_change ch;
	struct pt_diag d;
	enum pt_err err;
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
	if ((err = pt_db_register_set(r->db, pt_api_who(r), r->param[0], r->param[1], &ch, &d)) !=
	    PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	reply_entry(r, r->param[0], r->param[1]);
}

void pt_h_register_approve(struct pt_req *r)
{
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	if (!pt_valid_id(r->param[0]) || !pt_valid_id(r->param[1])) {
		pt_reply_not_found(r);
		return;
	}
	if ((err = pt_db_register_approve(r->db, pt_api_who(r), r->param[0], r->param[1], &d)) !=
	    PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	reply_entry(r, r->param[0], r->param[1]);
}

void pt_h_register_history(struct pt_req *r)
{
	struct pt_register_history_row *rows = NULL;
	struct pt_diag d;
	enum pt_err err;
	json_t *items;
	size_t n = 0, i;
	memset(&d, 0, sizeof d);
	if (!path_site(r, r->param[0]))
		return;
	if (!pt_valid_id(r->param[1])) {
		pt_reply_not_found(r);
		return;
	}
	if ((err = pt_db_register_history(r->db, pt_api_who(r), r->param[0], r->param[1], &rows, &n,
					  &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	for (i = 0; items && i < n; i++) {
		json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "at", rows[i].at, "actor", rows[i].actor,
				      "action", rows[i].action, "detail", rows[i].detail);
		if (!o || json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
		}
	}
	free(rows);
	pt_reply_json(r, 200, items ? json_pack("{s:s,s:s,s:o}", "site_id", r->param[0], "threat_id",
						r->param[1], "items", items)
				    : NULL);
}
