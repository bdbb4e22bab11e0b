/* pt_http_resilience.c - issue 12 over HTTP: a cascade from chosen failures and
 * the single-points-of-failure sweep (compute pool, per-role budgets), dependencies. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_dependencies.h"
#include "../app/pt_app_resilience.h"
#include "../core/pt_marking.h"
#include "../formats/pt_cascade_io.h"
#include "../formats/pt_deps_io.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_marking_io.h"
#include "pt_http_api.h"

#define HOURS_TEXT_MAX 32 /* bytes of an hours query parameter */
/* A cascade over a registry of more sites than this, and a sweep over more than
 * SPOF_LIGHT_SITES, is a heavy job of the compute pool (it may run long). */
#define CASCADE_LIGHT_SITES 100000u
#define SPOF_LIGHT_SITES 2000u
#define SPOF_TOP_DEFAULT 100

/* Reply with the body kept for key when there is one (the caller's view's reads audited as
 * action first, as the use case would); nonzero when the request was answered. */
static int reply_kept(struct pt_req *r, const struct pt_snapshot *snap, const struct pt_view *view,
		      const char *key, const char *action)
{
	struct pt_cache_body *cached;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;
	if (!key || !(cached = pt_cache_get(r->srv->cache, key, snap->version)))
		return 0;
	/* The totals depend on every site: the read covers every site the caller may read. */
	pt_api_caller(r, &c);
	if ((err = pt_app_view_audit(&c, r->db, snap, view->bits, 0, SIZE_MAX, action, &d)) !=
	    PT_OK) {
		pt_reply_unaudited(r, err, &d); /* 503 when busy */
		pt_cache_body_release(cached);
		return 1;
	}
	pt_reply_cached(r, 200, cached);
	MHD_add_response_header(r->raw, "X-Cache", "hit");
	return 1;
}

/* "12", "0.5", "1e3": digits with an optional fraction and exponent (no sign, no hex, no inf
 * or nan). Nonzero with *out when valid and finite. */
static int parse_hours(const char *s, double *out)
{
	return pt_query_decimal(s, HOURS_TEXT_MAX, out);
}

/* One hours parameter (name) of r into *set and *out, above 0 (zero_ok: 0 or more) and at
 * most max (the caller's budget). 0, or nonzero after replying 400 naming it. */
static int hours_query(struct pt_req *r, const char *name, int zero_ok, double max, int *set,
		       double *out)
{
	const struct pt_qval *q = pt_req_query(r, name);
	*set = 0;
	if (!q->set)
		return 0;
	if (!parse_hours(q->str, out) || *out < 0 || (*out == 0 && !zero_ok) || *out > max) {
		pt_reply_error(r, 400, name, 0,
			       "%s: must be a number of hours %s and at most %g (the most your "
			       "role may ask)",
			       name, zero_ok ? "from 0" : "above 0", max);
		return 1;
	}
	*set = 1;
	return 0;
}

/* Compare an id with a site of the snapshot (ordered by id). */
static int site_id_cmp(const void *key, const void *item)
{
	return strcmp(key, ((const struct pt_site *)item)->id);
}

/* The site of snap with id, or NULL. */
static const struct pt_site *snap_site(const struct pt_snapshot *snap, const char *id)
{
	return snap ? bsearch(id, snap->sites.items, snap->sites.n, sizeof *snap->sites.items,
			      site_id_cmp)
		    : NULL;
}

/* Nonzero when every id of ids[0, n) is a site of snap the view shows. */
static int all_visible(const struct pt_snapshot *snap, const struct pt_view *view,
		       const char *const *ids, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		const struct pt_site *s = bsearch(ids[i], snap->sites.items, snap->sites.n,
						  sizeof *snap->sites.items, site_id_cmp);
		if (!s || !(view->bits[s - snap->sites.items] & 1))
			return 0;
	}
	return 1;
}

/* "PREFIX#view@version" for the cache and the compute pool's sharing, or NULL. */
static char *work_key(const struct pt_view *view, const struct pt_snapshot *snap)
{
	char *key;
	if (!view->key || !snap->version || !(key = malloc(strlen(view->key) + 32)))
		return NULL;
	sprintf(key, "%s@%llu", view->key, snap->version);
	return key;
}

void pt_h_cascade(struct pt_req *r)
{
	const struct pt_qval *fail = pt_req_query(r, "fail");
	struct pt_resilience_budget budget;
	struct pt_app_cascade_opts o;
	struct pt_app_cascade_result *res = NULL;
	struct pt_snapshot *snap;
	struct pt_snapshot_source src;
	struct pt_caller c;
	struct pt_view view;
	struct pt_diag d = PT_DIAG_INIT;
	const char **ids = NULL;
	char *list = NULL, *p, *prefix = NULL, *key = NULL;
	size_t n = 0;
	enum pt_err err;
	json_t *root;

	memset(&o, 0, sizeof o);
	memset(&view, 0, sizeof view);
	pt_api_caller(r, &c);
	pt_access_resilience_budget(&c.who, &budget);
	if (!fail->set || !fail->str[0]) {
		pt_reply_error(r, 400, "fail", 0,
			       "fail: required (site ids separated by commas, at most %zu for your "
			       "role)",
			       budget.fail_max);
		return;
	}
	/* a horizon of 0 covers nothing; a repair of 0 restarts the failed sites at once (after
	 * their restart time), as `protect cascade --repair-hours 0` does */
	if (hours_query(r, "hours", 0, budget.hours_max, &o.hours_set, &o.hours) ||
	    hours_query(r, "repair_hours", 1, budget.hours_max, &o.repair_set, &o.repair_h))
		return;
	if (!(list = strdup(fail->str)) || !(ids = calloc(strlen(list) / 2 + 1, sizeof *ids))) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	for (p = list;; p++) { /* "A,B,C": each an id; "A,,B" and a trailing comma are refused */
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (!pt_valid_id(p)) {
			pt_reply_error(r, 400, "fail", 0,
				       "fail: site ids (1-63 characters of A-Z a-z 0-9 . _ -) "
				       "separated by commas");
			goto out;
		}
		ids[n++] = p;
		if (!comma)
			break;
		p = comma;
	}
	if (n > budget.fail_max) {
		pt_reply_error(r, 400, "fail", 0, "fail: %zu sites; your role may fail at most %zu",
			       n, budget.fail_max);
		goto out;
	}
	o.fail = ids;
	o.n_fail = n;
	if (!(snap = pt_req_snapshot(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		goto out;
	}
	/* The view and the parameters as given (the budget bounds them; ids in their order). */
	if (!(prefix = malloc(strlen(fail->str) + 96))) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	/* w: whether the answer holds withheld (callers of one view may differ in it) */
	sprintf(prefix, "cascade?fail=%s&hours=%.17g&repair_hours=%.17g&w=%d", fail->str,
		o.hours_set ? o.hours : -1.0, o.repair_set ? o.repair_h : -1.0,
		pt_access_hidden_counts(&c.who) == PT_ACCESS_OK);
	if (pt_api_view(r, snap, prefix, 0, &view))
		goto out;
	/* An unknown or unreadable id: the same 404 whichever it is, before any work. */
	if (!all_visible(snap, &view, ids, n)) {
		pt_reply_not_found(r);
		goto out;
	}
	key = work_key(&view, snap);
	if (reply_kept(r, snap, &view, key, "cascade.read"))
		goto out;
	/* In the compute pool; heavy on a large registry; identical requests share the work. */
	if (pt_work_defer(r, key, snap->sites.n > CASCADE_LIGHT_SITES))
		goto out;
	pt_api_caller_snapshot(r, snap, &src, &c);
	if ((err = pt_app_cascade_run(&c, r->db, &o, &res, &d)) != PT_OK) {
		if (err == PT_ELIMIT && !d.line)
			err = PT_EINVAL;
		pt_reply_diag(r, err, &d);
		goto out;
	}
	if (!(root = pt_cascade_json(res))) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	pt_reply_json_keep(r, root, key, snap->version);
out:
	pt_app_cascade_result_free(res);
	pt_api_view_clear(&view);
	free(key);
	free(prefix);
	free(ids);
	free(list);
}

void pt_h_spof(struct pt_req *r)
{
	const struct pt_qval *top = pt_req_query(r, "top");
	struct pt_resilience_budget budget;
	struct pt_app_spof_opts o;
	struct pt_app_spof_result *res = NULL;
	struct pt_snapshot *snap;
	struct pt_snapshot_source src;
	struct pt_caller c;
	struct pt_view view;
	struct pt_diag d = PT_DIAG_INIT;
	char prefix[64], *key = NULL;
	enum pt_err err;
	json_t *root;

	memset(&o, 0, sizeof o);
	memset(&view, 0, sizeof view);
	pt_api_caller(r, &c);
	pt_access_resilience_budget(&c.who, &budget);
	if (!budget.spof) {
		pt_reply_error(r, 403, NULL, 0,
			       "the single-points-of-failure sweep is not open to your role "
			       "(docs/access.md, \"Resilience budgets\")");
		return;
	}
	o.top = top->set ? (size_t)top->num : SPOF_TOP_DEFAULT;
	o.threads = 1; /* the server's compute threads are the parallelism */
	if (!(snap = pt_req_snapshot(r, &d))) {
		pt_reply_diag(r, d.msg[0] ? PT_EDB : PT_ENOMEM, &d);
		return;
	}
	/* w: whether the answer holds withheld and counts over hidden sites */
	snprintf(prefix, sizeof prefix, "spof?top=%zu&w=%d", o.top,
		 pt_access_hidden_counts(&c.who) == PT_ACCESS_OK);
	if (pt_api_view(r, snap, prefix, 0, &view))
		goto out;
	key = work_key(&view, snap);
	if (reply_kept(r, snap, &view, key, "spof.read"))
		goto out;
	if (pt_work_defer(r, key, snap->sites.n > SPOF_LIGHT_SITES))
		goto out;
	o.progress = pt_work_progress; /* stops when its clients have gone */
	o.progress_ctx = r;
	pt_api_caller_snapshot(r, snap, &src, &c);
	if ((err = pt_app_spof_run(&c, r->db, &o, &res, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	if (!(root = pt_spof_json(res))) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	pt_reply_json_keep(r, root, key, snap->version);
out:
	pt_app_spof_result_free(res);
	pt_api_view_clear(&view);
	free(key);
}

/* ---- dependencies (issue 12) ---- */

/* Mark in bits (n_bits entries, zeroed) each site of snap that deps[0, n) name. */
static void mark_named(const struct pt_snapshot *snap, const struct pt_dependency *deps, size_t n,
		       unsigned char *bits)
{
	size_t i;
	for (i = 0; i < n; i++) {
		const struct pt_site *p = snap_site(snap, deps[i].provider_id),
				     *q = snap_site(snap, deps[i].consumer_id);
		if (p)
			bits[p - snap->sites.items] = 1;
		if (q)
			bits[q - snap->sites.items] = 1;
	}
}

/* Audit the sensitive sites deps[0, n) name (held by snap) as action; 0, or nonzero after
 * replying (a read that cannot be audited is not answered). */
static int audit_named(struct pt_req *r, const struct pt_snapshot *snap,
		       const struct pt_dependency *deps, size_t n, const char *action)
{
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	unsigned char *bits;
	enum pt_err err;
	if (!snap || !n)
		return 0;
	if (!(bits = calloc(snap->sites.n ? snap->sites.n : 1, 1))) {
		pt_reply_json(r, 500, NULL);
		return 1;
	}
	mark_named(snap, deps, n, bits);
	pt_api_caller(r, &c);
	err = pt_app_view_audit(&c, r->db, snap, bits, 0, SIZE_MAX, action, &d);
	free(bits);
	if (err != PT_OK) {
		pt_reply_unaudited(r, err, &d); /* 503 when busy */
		return 1;
	}
	return 0;
}

/* DEP objects of l's items [from, from + n) into a new array, the labels of their sites
 * raised into *tlp; NULL when out of memory. */
static json_t *deps_json(const struct pt_app_dep_list *l, size_t from, size_t n, enum pt_tlp *tlp)
{
	json_t *a = json_array();
	size_t i;
	for (i = from; a && i < from + n; i++) {
		const struct pt_site *p = snap_site(l->snap, l->items[i].provider_id),
				     *q = snap_site(l->snap, l->items[i].consumer_id);
		json_t *o = pt_dep_json(&l->items[i], l->names[2 * i], l->names[2 * i + 1]);
		if (p)
			*tlp = pt_marking_max(*tlp, p->tlp);
		if (q)
			*tlp = pt_marking_max(*tlp, q->tlp);
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

void pt_h_dependencies_list(struct pt_req *r)
{
	struct pt_app_dep_list l;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	size_t limit, offset, shown;
	enum pt_tlp tlp = PT_TLP_CLEAR;
	enum pt_err err;
	json_t *root, *items;

	memset(&l, 0, sizeof l);
	pt_api_page(r, &limit, &offset);
	pt_api_caller(r, &c);
	if ((err = pt_app_dependencies_list(&c, r->db, PT_TLP_RED, &l, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		goto out;
	}
	shown = offset < l.n ? l.n - offset : 0;
	if (shown > limit)
		shown = limit;
	/* The page's sites are read: AMBER and above audited, as for GET /sites. */
	if (audit_named(r, l.snap, l.items + (offset < l.n ? offset : 0), shown,
			"dependencies.list"))
		goto out;
	if (!(items = deps_json(&l, offset, shown, &tlp)) ||
	    !(root = pt_api_list(items, offset, shown, l.n)) ||
	    (l.show_withheld && /* counts of hidden records: pt_access_hidden_counts */
	     json_object_set_new(root, "withheld", json_integer((json_int_t)l.withheld)))) {
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	/* the items are "dependencies" (the contract of the page) */
	json_object_set(root, "dependencies", json_object_get(root, "items"));
	json_object_del(root, "items");
	pt_reply_json(r, 200, pt_marking_json(root, tlp));
out:
	pt_app_dep_list_clear(&l);
}

void pt_h_site_dependencies(struct pt_req *r)
{
	struct pt_app_site_deps sd;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_tlp tlp = PT_TLP_CLEAR;
	enum pt_err err;
	json_t *root = NULL, *prov = NULL, *cons = NULL;

	memset(&sd, 0, sizeof sd);
	pt_api_caller(r, &c);
	if ((err = pt_app_site_dependencies(&c, r->db, r->param[0], &sd, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d); /* 404 for a site the caller may not read, as a missing one */
		goto out;
	}
	if (audit_named(r, sd.providers.snap, sd.providers.items, sd.providers.n,
			"site.dependencies.read") ||
	    audit_named(r, sd.consumers.snap, sd.consumers.items, sd.consumers.n,
			"site.dependencies.read"))
		goto out;
	{ /* the site's own label, even with no dependency shown */
		const struct pt_site *s = snap_site(sd.providers.snap ? sd.providers.snap
								      : sd.consumers.snap,
						    r->param[0]);
		if (s)
			tlp = s->tlp;
	}
	if (!(prov = deps_json(&sd.providers, 0, sd.providers.n, &tlp)) ||
	    !(cons = deps_json(&sd.consumers, 0, sd.consumers.n, &tlp)) ||
	    !(root = json_pack("{s:s,s:o,s:o}", "site_id", r->param[0], "providers", prov,
			       "consumers", cons)) ||
	    (sd.show_withheld && /* counts of hidden records: pt_access_hidden_counts */
	     json_object_set_new(root, "withheld", json_integer((json_int_t)sd.withheld)))) {
		if (!root) {
			json_decref(prov);
			json_decref(cons);
		}
		pt_reply_json(r, 500, NULL);
		goto out;
	}
	pt_reply_json(r, 200, pt_marking_json(root, tlp));
out:
	pt_app_site_deps_clear(&sd);
}

void pt_h_import_dependencies(struct pt_req *r)
{
	struct pt_deps_import_result res;
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;

	memset(&res, 0, sizeof res);
	pt_api_caller(r, &c);
	err = pt_app_dependencies_import(&c, r->db, r->body ? r->body : "", r->body_len, &res, &d);
	if (err != PT_OK) {
		/* a row over the readers' limits is the data's 400, not the body's 413 */
		pt_reply_diag(r, err == PT_ELIMIT ? PT_EINVAL : err, &d);
		return;
	}
	pt_reply_json(r, 200, json_pack("{s:I,s:I,s:I}", "created", (json_int_t)res.created,
					"updated", (json_int_t)res.updated, "regrouped",
					(json_int_t)res.regrouped));
}

/* DELETE /api/v1/dependencies/{provider}/{consumer} (review of issue 12). */
void pt_h_dependency_delete(struct pt_req *r)
{
	struct pt_caller c;
	struct pt_diag d = PT_DIAG_INIT;
	enum pt_err err;

	pt_api_caller(r, &c);
	err = pt_app_dependency_delete(&c, r->db, r->param[0], r->param[1], &d);
	if (err == PT_ENOTFOUND) { /* hidden or missing: one answer */
		pt_reply_json(r, 404, json_pack("{s:s}", "error", "not found"));
		return;
	}
	if (err != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_json(r, 200, json_pack("{s:s,s:s,s:b}", "provider_id", r->param[0],
					"consumer_id", r->param[1], "deleted", 1));
}
