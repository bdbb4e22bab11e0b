/* pt_http_surveys.c - the API of assessment visits (surveys) and of the
 * questionnaires (issue 16 item 3; docs/api.md "Surveys"): parse, call
 * src/app/pt_app_surveys.c, render with src/formats/pt_survey_io.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/pt_app_attachments.h"
#include "../app/pt_app_surveys.h"
#include "../formats/pt_attachment.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_marking_io.h"
#include "../formats/pt_survey_io.h"
#include "pt_http_api.h"
#include "pt_http_valid.h"

/* An error of a use case: a visit no longer a draft, or not ready, is 409; else pt_reply_diag. */
static void reply_failure(struct pt_req *r, enum pt_err err, const struct pt_diag *d)
{
	if (err == PT_ECONFLICT)
		pt_reply_error(r, 409, d->field[0] ? d->field : NULL, 0, "%s",
			       d->msg[0] ? d->msg : pt_strerror(err));
	else
		pt_reply_diag(r, err, d);
}

/* The visit id of the path, or 0 after replying 404. */
static long long survey_id_or_reply(struct pt_req *r)
{
	unsigned long long id;
	if (!pt_parse_uint_strict(r->param[0], 1, (1ULL << 53) - 1, &id)) {
		pt_reply_not_found(r);
		return 0;
	}
	return (long long)id;
}

/* The site id of the path, or NULL after replying 404. */
static const char *site_or_reply(struct pt_req *r)
{
	if (!pt_valid_id(r->param[0])) {
		pt_reply_not_found(r);
		return NULL;
	}
	return r->param[0];
}

void pt_h_questionnaire_get(struct pt_req *r)
{
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_questionnaire q;
	struct pt_caller c;
	enum pt_err err;
	if (!pt_valid_id(r->param[0])) {
		pt_reply_not_found(r);
		return;
	}
	pt_api_caller(r, &c);
	if ((err = pt_app_questionnaire_get(&c, r->db, r->param[0], 0, &q, &d)) != PT_OK) {
		if (err == PT_ENOTFOUND)
			pt_reply_not_found(r);
		else
			reply_failure(r, err, &d);
		return;
	}
	pt_reply_json(r, 200, pt_marking_json(pt_json_questionnaire(&q), PT_TLP_CLEAR));
	pt_questionnaire_clear(&q);
}

void pt_h_site_surveys(struct pt_req *r)
{
	const char *site = site_or_reply(r);
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_survey *list = NULL;
	enum pt_tlp tlp = PT_TLP_CLEAR;
	struct pt_caller c;
	enum pt_err err;
	json_t *items;
	size_t n = 0, i;
	if (!site)
		return;
	pt_api_caller(r, &c);
	if ((err = pt_app_surveys_list(&c, r->db, site, &list, &n, &tlp, &d)) != PT_OK) {
		reply_failure(r, err, &d);
		return;
	}
	items = json_array();
	for (i = 0; items && i < n; i++)
		json_array_append_new(items, pt_json_survey_head(&list[i]));
	free(list);
	pt_reply_json(r, 200,
		      pt_marking_json(json_pack("{s:s,s:o*}", "site_id", site, "items", items), tlp));
}

/* The visit's JSON o with its evidence: the attachments stored with its id, as c may read them
 * (null when c may not read the site's attachments, which are at least AMBER: docs/access.md
 * "Attachments"), marked with the higher of the site's label and theirs when it lists any. */
static json_t *evidence(struct pt_req *r, const struct pt_caller *c,
			const struct pt_survey_view *v, json_t *o)
{
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_app_attachment_list l;
	enum pt_tlp marking = v->tlp;
	json_t *items;
	size_t i;
	if (!o)
		return NULL;
	memset(&l, 0, sizeof l);
	if (pt_app_attachments_list(c, r->db, v->survey.site_id, v->survey.id, &l, &d) != PT_OK) {
		json_object_set_new(o, "evidence", json_null());
		return pt_marking_json(o, marking);
	}
	items = json_array();
	for (i = 0; items && i < l.n; i++)
		if (json_array_append_new(items, pt_attachment_json(&l.items[i], l.label))) {
			json_decref(items);
			items = NULL;
		}
	if (l.n && l.label > marking)
		marking = l.label;
	pt_app_attachment_list_clear(&l);
	if (!items || json_object_set_new(o, "evidence", items)) {
		json_decref(o);
		return NULL;
	}
	return pt_marking_json(o, marking);
}

/* 200 the visit id as GET shows it (status: 200 or 201). */
static void reply_survey(struct pt_req *r, const struct pt_caller *c, long long id,
			 unsigned status)
{
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_survey_view v;
	enum pt_err err;
	if ((err = pt_app_survey_get(c, r->db, id, &v, &d)) != PT_OK) {
		reply_failure(r, err, &d);
		return;
	}
	pt_reply_json(r, status, evidence(r, c, &v, pt_json_survey(&v)));
	pt_survey_view_clear(&v);
}

void pt_h_site_survey_post(struct pt_req *r)
{
	const char *site = site_or_reply(r);
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_survey_start in;
	struct pt_caller c;
	enum pt_err err;
	long long id = 0;
	if (!site)
		return;
	memset(&in, 0, sizeof in);
	if (pt_method_parse(json_string_value(json_object_get(r->json, "method")), &in.method) !=
	    PT_OK) {
		pt_reply_error(r, 400, "method", 0, "method must be fema or quant");
		return;
	}
	in.visited_on = json_string_value(json_object_get(r->json, "visited_on"));
	pt_api_caller(r, &c);
	if ((err = pt_app_survey_start(&c, r->db, site, &in, &id, &d)) != PT_OK) {
		reply_failure(r, err, &d);
		return;
	}
	reply_survey(r, &c, id, 201);
}

void pt_h_survey_get(struct pt_req *r)
{
	long long id = survey_id_or_reply(r);
	struct pt_caller c;
	if (!id)
		return;
	pt_api_caller(r, &c);
	reply_survey(r, &c, id, 200);
}

void pt_h_survey_answers(struct pt_req *r)
{
	long long id = survey_id_or_reply(r);
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_survey_answer_row *rows = NULL;
	const json_t *items = json_object_get(r->json, "answers"), *it;
	struct pt_caller c;
	enum pt_err err;
	size_t n, i;
	if (!id)
		return;
	n = json_array_size(items);
	if (!(rows = calloc(n ? n : 1, sizeof *rows))) {
		pt_reply_error(r, 500, "", 0, "out of memory");
		return;
	}
	json_array_foreach(items, i, it) {
		const char *a = json_string_value(json_object_get(it, "answer"));
		size_t k;
		pt_strlcpy(rows[i].question_id,
			   json_string_value(json_object_get(it, "question_id")),
			   sizeof rows[i].question_id);
		rows[i].answer = PT_ANSWER_NONE; /* null: clear the answer */
		if (a)
			(void)pt_answer_parse(a, &rows[i].answer); /* the validator took the name */
		for (k = 0; k < i; k++)
			if (strcmp(rows[k].question_id, rows[i].question_id) == 0) {
				char field[64];
				snprintf(field, sizeof field, "answers[%zu].question_id", i);
				pt_reply_error(r, 400, field, 0, "question given twice");
				free(rows);
				return;
			}
	}
	pt_api_caller(r, &c);
	err = pt_app_survey_answer(&c, r->db, id, rows, n, &d);
	free(rows);
	if (err != PT_OK) {
		reply_failure(r, err, &d);
		return;
	}
	reply_survey(r, &c, id, 200);
}

/* The rating item it (validated by the route) into *x. */
static void rating_in(const json_t *it, struct pt_survey_rating_in *x)
{
	const char *reason = json_string_value(json_object_get(it, "reason"));
	int v;
	memset(x, 0, sizeof *x);
	pt_strlcpy(x->threat_id, json_string_value(json_object_get(it, "threat_id")),
		   sizeof x->threat_id);
	x->asset_value = (int)json_integer_value(json_object_get(it, "asset_value"));
	x->threat_rating = (int)json_integer_value(json_object_get(it, "threat_rating"));
	x->vulnerability_rating = (int)json_integer_value(json_object_get(it, "vulnerability_rating"));
	for (v = 0; v < PT_QV_COUNT; v++) {
		const json_t *g = json_object_get(it, pt_quant_var_name((enum pt_quant_var)v));
		if (!g)
			continue;
		x->quant_given |= 1u << v;
		x->var[v].min = json_number_value(json_object_get(g, "min"));
		x->var[v].mode = json_number_value(json_object_get(g, "mode"));
		x->var[v].max = json_number_value(json_object_get(g, "max"));
	}
	pt_strlcpy(x->reason, reason ? reason : "", sizeof x->reason);
}

void pt_h_survey_ratings(struct pt_req *r)
{
	long long id = survey_id_or_reply(r);
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_survey_rating_in *items;
	const json_t *arr = json_object_get(r->json, "items"), *it;
	struct pt_caller c;
	enum pt_err err;
	size_t n, i;
	if (!id)
		return;
	n = json_array_size(arr);
	if (!(items = calloc(n ? n : 1, sizeof *items))) {
		pt_reply_error(r, 500, "", 0, "out of memory");
		return;
	}
	json_array_foreach(arr, i, it)
		rating_in(it, &items[i]);
	pt_api_caller(r, &c);
	err = pt_app_survey_rate(&c, r->db, id, items, n, &d);
	free(items);
	if (err != PT_OK) {
		reply_failure(r, err, &d);
		return;
	}
	reply_survey(r, &c, id, 200);
}

void pt_h_survey_confirm(struct pt_req *r)
{
	long long id = survey_id_or_reply(r);
	struct pt_diag d = PT_DIAG_INIT;
	struct pt_caller c;
	enum pt_err err;
	size_t counted = 0;
	if (!id)
		return;
	pt_api_caller(r, &c);
	if ((err = pt_app_survey_confirm(&c, r->db, id, &counted, &d)) != PT_OK) {
		reply_failure(r, err, &d);
		return;
	}
	reply_survey(r, &c, id, 200);
}
