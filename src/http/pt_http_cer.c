/* pt_http_cer.c - critical entities under the CER Directive over HTTP (issue 16, item 8):
 * the list of designated entities with what each owes, designation, dates and sites. */
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_cer.h"
#include "../formats/pt_cer_json.h"
#include "../formats/pt_diag.h"
#include "pt_http_api.h"

static json_t *entry_json(const struct pt_cer_list *l, const struct pt_cer_entry *e)
{
	struct pt_cer_json_in in;
	memset(&in, 0, sizeof in);
	in.org_id = e->org_id;
	in.org_name = e->org_name;
	in.dates = &e->dates;
	in.status = &e->status;
	in.changed_at = e->changed_at;
	in.changed_by = e->changed_by;
	in.sites = (const char(*)[PT_ID_MAX])e->sites;
	in.n_sites = e->n_sites;
	in.sites_withheld = l->show_withheld ? (long long)e->sites_withheld : -1;
	in.may_report = e->may_report;
	return pt_json_cer_entity(&in);
}

void pt_h_cer_list(struct pt_req *r)
{
	struct pt_cer_list l;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	json_t *items, *body;
	size_t i;
	int bad;

	memset(&d, 0, sizeof d);
	pt_api_caller(r, &c);
	if ((err = pt_app_cer_list(&c, r->db, &l, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	items = json_array();
	bad = !items;
	for (i = 0; !bad && i < l.n; i++)
		bad = json_array_append_new(items, entry_json(&l, &l.items[i])) != 0;
	body = bad ? NULL
		   : json_pack("{s:o, s:s, s:I, s:I, s:I, s:b}", "items", items, "today", l.today,
			       "entities", (json_int_t)l.n, "lacking_risk_assessment",
			       (json_int_t)l.lacking_risk_assessment, "lacking_resilience_plan",
			       (json_int_t)l.lacking_resilience_plan, "may_designate",
			       l.may_designate);
	if (!body) {
		if (bad)
			json_decref(items);
		pt_cer_list_clear(&l);
		pt_reply_diag(r, PT_ENOMEM, NULL);
		return;
	}
	pt_cer_list_clear(&l);
	pt_reply_json(r, 200, body);
}

/* The organisation's entry as the caller sees it now (after a change). */
static void reply_entity(struct pt_req *r, const struct pt_caller *c, long long org_id)
{
	struct pt_cer_list l;
	struct pt_diag d;
	enum pt_err err;
	size_t i;
	memset(&d, 0, sizeof d);
	if ((err = pt_app_cer_list(c, r->db, &l, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	for (i = 0; i < l.n && l.items[i].org_id != org_id; i++)
		;
	if (i == l.n) {
		pt_cer_list_clear(&l);
		pt_reply_not_found(r);
		return;
	}
	json_t *o = entry_json(&l, &l.items[i]);
	pt_cer_list_clear(&l);
	if (!o) {
		pt_reply_diag(r, PT_ENOMEM, NULL);
		return;
	}
	pt_reply_json(r, 200, o);
}

/* PUT (designate) and PATCH (change) /api/v1/organisations/{id}/cer. */
void pt_h_cer_put(struct pt_req *r)
{
	unsigned long long id;
	struct pt_cer_edit e;
	const char **sites = NULL;
	json_t *a, *v;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	size_t i;

	memset(&d, 0, sizeof d);
	memset(&e, 0, sizeof e);
	if (!pt_parse_uint_strict(r->param[0], 1, 9007199254740991ULL, &id)) {
		pt_reply_not_found(r);
		return;
	}
	pt_api_caller(r, &c);
	e.designated_on = json_string_value(json_object_get(r->json, "designated_on"));
	e.notified_on = json_string_value(json_object_get(r->json, "notified_on"));
	e.risk_assessment_on = json_string_value(json_object_get(r->json, "risk_assessment_on"));
	e.resilience_plan_on = json_string_value(json_object_get(r->json, "resilience_plan_on"));
	if ((a = json_object_get(r->json, "sites"))) {
		e.set_sites = 1;
		if (json_array_size(a) && !(sites = calloc(json_array_size(a), sizeof *sites))) {
			pt_reply_diag(r, PT_ENOMEM, NULL);
			return;
		}
		json_array_foreach(a, i, v)
			sites[i] = json_string_value(v);
		e.sites = sites;
		e.n_sites = json_array_size(a);
	}
	err = pt_app_cer_change(&c, r->db, (long long)id, &e, &d);
	free(sites);
	if (err != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	reply_entity(r, &c, (long long)id);
}

void pt_h_cer_delete(struct pt_req *r)
{
	unsigned long long id;
	struct pt_caller c;
	struct pt_diag d;
	enum pt_err err;
	memset(&d, 0, sizeof d);
	if (!pt_parse_uint_strict(r->param[0], 1, 9007199254740991ULL, &id)) {
		pt_reply_not_found(r);
		return;
	}
	pt_api_caller(r, &c);
	if ((err = pt_app_cer_revoke(&c, r->db, (long long)id, &d)) != PT_OK) {
		pt_reply_diag(r, err, &d);
		return;
	}
	pt_reply_empty(r, 204);
}
