/* pt_survey_io.c - the questionnaire files and the JSON of a visit and of a
 * questionnaire (pt_survey_io.h; issue 16 item 3). */
#include "pt_survey_io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_csv.h"
#include "pt_diag.h"
#include "pt_json_load.h"
#include "pt_site_json.h"

/* ---- reading a questionnaire ------------------------------------------------ */

/* A string member key of o of 1..cap-1 bytes (min 0 when optional) into dst. */
static enum pt_err text_member(const json_t *o, const char *key, char *dst, size_t cap,
			       size_t min, const char *name, const char *path, struct pt_diag *d)
{
	const json_t *v = json_object_get(o, key);
	const char *s;
	size_t len;
	char field[96];
	snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", key);
	if (!v && min == 0) {
		dst[0] = '\0';
		return PT_OK;
	}
	if (!json_is_string(v))
		return pt_diag_set(d, PT_EINVAL, 0, field, "%s: %s must be a string", name, field);
	s = json_string_value(v);
	len = json_string_length(v);
	if (len < min || len >= cap || strlen(s) != len)
		return pt_diag_set(d, PT_EINVAL, 0, field, "%s: %s must have %zu to %zu bytes", name,
				   field, min, cap - 1);
	memcpy(dst, s, len + 1);
	return PT_OK;
}

/* The array member key of q (ids) into ids[cap][PT_ID_MAX], checked by find. */
static enum pt_err id_list(const json_t *q, const char *key, size_t min, size_t cap,
			   char (*ids)[PT_ID_MAX], size_t *n, const struct pt_catalog *threats,
			   const struct pt_measure_catalog *measures, const char *name,
			   const char *path, struct pt_diag *d)
{
	const json_t *a = json_object_get(q, key), *v;
	char field[96];
	size_t i, k;
	*n = 0;
	snprintf(field, sizeof field, "%s.%s", path, key);
	if (!a && min == 0)
		return PT_OK;
	if (!json_is_array(a) || json_array_size(a) < min || json_array_size(a) > cap)
		return pt_diag_set(d, PT_EINVAL, 0, field, "%s: %s must be an array of %zu to %zu ids",
				   name, field, min, cap);
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v);
		snprintf(field, sizeof field, "%s.%s[%zu]", path, key, i);
		if (!s || !pt_id_valid(s))
			return pt_diag_set(d, PT_EINVAL, 0, field, "%s: %s must be an id", name, field);
		if (threats && pt_catalog_find(threats, s) < 0)
			return pt_diag_set(d, PT_EINVAL, 0, field,
					   "%s: %s: unknown threat scenario '%s'", name, field, s);
		if (measures && pt_measure_catalog_find(measures, s) < 0)
			return pt_diag_set(d, PT_EINVAL, 0, field, "%s: %s: unknown measure '%s'", name,
					   field, s);
		for (k = 0; k < *n; k++)
			if (strcmp(ids[k], s) == 0)
				return pt_diag_set(d, PT_EINVAL, 0, field, "%s: %s: '%s' is given twice",
						   name, field, s);
		pt_strlcpy(ids[(*n)++], s, PT_ID_MAX);
	}
	return PT_OK;
}

/* Question i of the file (the object q) into x. */
static enum pt_err question_read(const json_t *q, size_t i, const char *name,
				 const struct pt_catalog *threats,
				 const struct pt_measure_catalog *measures, struct pt_question *x,
				 struct pt_diag *d)
{
	enum pt_measure_family fam;
	const json_t *w;
	char path[48], field[96];
	enum pt_err err;
	snprintf(path, sizeof path, "questions[%zu]", i);
	if (!json_is_object(q))
		return pt_diag_set(d, PT_EINVAL, 0, path, "%s: %s must be an object", name, path);
	if ((err = text_member(q, "id", x->id, sizeof x->id, 1, name, path, d)) != PT_OK ||
	    (err = text_member(q, "section", x->section, sizeof x->section, 0, name, path, d)) !=
		    PT_OK ||
	    (err = text_member(q, "text", x->text, sizeof x->text, 1, name, path, d)) != PT_OK ||
	    (err = text_member(q, "family", x->family, sizeof x->family, 1, name, path, d)) != PT_OK)
		return err;
	if (!pt_id_valid(x->id)) {
		snprintf(field, sizeof field, "%s.id", path);
		return pt_diag_set(d, PT_EINVAL, 0, field, "%s: %s must be an id", name, field);
	}
	if (pt_measure_family_parse(x->family, &fam) != PT_OK) {
		snprintf(field, sizeof field, "%s.family", path);
		return pt_diag_set(d, PT_EINVAL, 0, field,
				   "%s: %s: unknown family '%s' (one of prevent, physical_protection, "
				   "respond_mitigate, recover, personnel_security, awareness_training)",
				   name, field, x->family);
	}
	if ((err = id_list(q, "threats", 1, PT_Q_THREATS_MAX, x->threats, &x->n_threats, threats,
			   NULL, name, path, d)) != PT_OK ||
	    (err = id_list(q, "measures", 0, PT_Q_MEASURES_MAX, x->measures, &x->n_measures, NULL,
			   measures, name, path, d)) != PT_OK)
		return err;
	w = json_object_get(q, "weight");
	x->weight = json_number_value(w);
	if (!json_is_number(w) || !(x->weight > 0) || x->weight > PT_Q_WEIGHT_MAX) {
		snprintf(field, sizeof field, "%s.weight", path);
		return pt_diag_set(d, PT_EINVAL, 0, field, "%s: %s must be a number above 0, at most %g",
				   name, field, PT_Q_WEIGHT_MAX);
	}
	return PT_OK;
}

enum pt_err pt_questionnaire_read_json(const char *buf, size_t len, const char *name,
				       const struct pt_catalog *threats,
				       const struct pt_measure_catalog *measures,
				       struct pt_questionnaire *out, struct pt_diag *d)
{
	json_t *root = NULL, *qs, *v;
	struct pt_questionnaire q;
	enum pt_err err;
	size_t skip, i, k;

	memset(out, 0, sizeof *out);
	memset(&q, 0, sizeof q);
	if (!name)
		name = "questionnaire";
	if (len > PT_QUESTIONNAIRE_BYTES_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "%s: larger than %d bytes", name,
				   PT_QUESTIONNAIRE_BYTES_MAX);
	if ((err = pt_json_load_strict(buf, len, &skip, &root, d)) != PT_OK)
		return err;
	if (!json_is_object(root)) {
		err = pt_diag_set(d, PT_EINVAL, 0, "", "%s: not a JSON object", name);
		goto out;
	}
	if ((err = text_member(root, "kind", q.kind, sizeof q.kind, 1, name, "", d)) != PT_OK ||
	    (err = text_member(root, "title", q.title, sizeof q.title, 1, name, "", d)) != PT_OK)
		goto out;
	if (!pt_id_valid(q.kind)) {
		err = pt_diag_set(d, PT_EINVAL, 0, "kind", "%s: kind must be an id", name);
		goto out;
	}
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000) {
		err = pt_diag_set(d, PT_EINVAL, 0, "version",
				  "%s: version must be a whole number from 1 to 1000000", name);
		goto out;
	}
	q.version = (int)json_integer_value(v);
	qs = json_object_get(root, "questions");
	if (!json_is_array(qs) || json_array_size(qs) < 1 ||
	    json_array_size(qs) > PT_Q_QUESTIONS_MAX) {
		err = pt_diag_set(d, PT_EINVAL, 0, "questions",
				  "%s: questions must be an array of 1 to %d questions", name,
				  PT_Q_QUESTIONS_MAX);
		goto out;
	}
	if (!(q.q = calloc(json_array_size(qs), sizeof *q.q))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	json_array_foreach(qs, i, v) {
		if ((err = question_read(v, i, name, threats, measures, &q.q[i], d)) != PT_OK)
			goto out;
		for (k = 0; k < i; k++)
			if (strcmp(q.q[k].id, q.q[i].id) == 0) {
				char field[48];
				snprintf(field, sizeof field, "questions[%zu].id", i);
				err = pt_diag_set(d, PT_EINVAL, 0, field, "%s: %s: '%s' is given twice",
						  name, field, q.q[i].id);
				goto out;
			}
		q.n++;
	}
	*out = q;
	memset(&q, 0, sizeof q);
out:
	pt_questionnaire_clear(&q);
	json_decref(root);
	return err;
}

/* ---- writing ------------------------------------------------------------------ */

/* An array of the n ids. */
static json_t *ids_json(const char (*ids)[PT_ID_MAX], size_t n)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(ids[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* One question's fields. */
static json_t *question_json(const struct pt_question *x)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:f,s:o*,s:o*}", "id", x->id, "section", x->section,
			 "text", x->text, "family", x->family, "weight", x->weight, "threats",
			 ids_json((const char(*)[PT_ID_MAX])x->threats, x->n_threats), "measures",
			 ids_json((const char(*)[PT_ID_MAX])x->measures, x->n_measures));
}

json_t *pt_json_questionnaire(const struct pt_questionnaire *q)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < q->n; i++)
		if (json_array_append_new(a, question_json(&q->q[i]))) {
			json_decref(a);
			return NULL;
		}
	if (!a)
		return NULL;
	return json_pack("{s:s,s:i,s:s,s:o}", "kind", q->kind, "version", q->version, "title",
			 q->title, "questions", a);
}

json_t *pt_json_survey_head(const struct pt_survey *s)
{
	json_t *qn = s->questionnaire[0]
			     ? json_pack("{s:s,s:i}", "kind", s->questionnaire, "version",
					 s->questionnaire_version)
			     : json_null();
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o*,s:s?,s:s?,s:s?}", "id",
			 (json_int_t)s->id, "site_id", s->site_id, "method",
			 pt_method_name(s->method), "source", pt_survey_source_name(s->source),
			 "state", s->confirmed ? "confirmed" : "draft", "visited_at", s->visited_at,
			 "assessor", s->assessor, "questionnaire", qn, "confirmed_by",
			 s->confirmed ? s->confirmed_by : NULL, "confirmed_at",
			 s->confirmed ? s->confirmed_at : NULL, "seen_until",
			 s->seen_until[0] ? s->seen_until : NULL);
}

void pt_survey_view_clear(struct pt_survey_view *v)
{
	if (!v)
		return;
	pt_questionnaire_clear(&v->qn);
	free(v->answers);
	free(v->proposals);
	pt_assessment_set_clear(&v->ratings);
	free(v->reasons);
	free(v->findings);
	memset(v, 0, sizeof *v);
}

/* {"min", "mode", "max"} of r. */
static json_t *range_json(const struct pt_range *r)
{
	return json_pack("{s:f,s:f,s:f}", "min", r->min, "mode", r->mode, "max", r->max);
}

/* The proposals as an array. */
static json_t *proposals_json(const struct pt_survey_view *v)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < v->n_proposals; i++) {
		const struct pt_survey_proposal *p = &v->proposals[i];
		/* no question rated (none answered, or all n.a.): no deficiency, null */
		json_t *o = json_pack("{s:s,s:I,s:I,s:o,s:b}", "threat_id", p->threat_id, "questions",
				      (json_int_t)p->n_questions, "answered",
				      (json_int_t)p->n_answered, "deficiency",
				      p->n_rated ? json_real(floor(p->deficiency * 10000.0 + 0.5) /
							     10000.0)
						 : json_null(),
				      "proposed", p->proposed);
		if (o && p->proposed) {
			json_object_set_new(o, "vulnerability_rating", json_integer(p->vulnerability));
			json_object_set_new(o, "p_success", range_json(&p->p_success));
		}
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The ratings with their reasons. */
static json_t *ratings_json(const struct pt_survey_view *v)
{
	json_t *a = pt_json_assessment_rows(&v->ratings), *row;
	size_t i;
	json_array_foreach(a, i, row)
		json_object_set_new(row, "reason", json_string(v->reasons ? v->reasons[i] : ""));
	return a;
}

/* The findings: each question answered no or partly, with its measures. */
static json_t *findings_json(const struct pt_survey_view *v)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < v->n_findings; i++) {
		size_t k = v->findings[i];
		json_t *o = question_json(&v->qn.q[k]);
		if (o)
			json_object_set_new(o, "answer", json_string(pt_answer_name(v->answers[k])));
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *pt_json_survey(const struct pt_survey_view *v)
{
	json_t *o = pt_json_survey_head(&v->survey), *answers = json_object();
	size_t i, answered = 0;
	if (!o || !answers) {
		json_decref(o);
		json_decref(answers);
		return NULL;
	}
	for (i = 0; i < v->qn.n; i++)
		if (v->answers && v->answers[i] != PT_ANSWER_NONE) {
			answered++;
			json_object_set_new(answers, v->qn.q[i].id,
					    json_string(pt_answer_name(v->answers[i])));
		}
	json_object_set_new(o, "site_name", json_string(v->site_name));
	json_object_set_new(o, "answers", answers);
	json_object_set_new(o, "questions", json_integer((json_int_t)v->qn.n));
	json_object_set_new(o, "answered", json_integer((json_int_t)answered));
	json_object_set_new(o, "proposals", proposals_json(v));
	json_object_set_new(o, "ratings", ratings_json(v));
	json_object_set_new(o, "findings", findings_json(v));
	/* the evidence: src/http/pt_http_surveys.c fills it from the attachments stored with
	 * this visit's id (the command line's `survey show` leaves it empty: `attachment list
	 * SITE --survey N`) */
	json_object_set_new(o, "evidence", json_array());
	json_object_set_new(o, "can_record", json_boolean(v->can_record));
	json_object_set_new(o, "can_confirm", json_boolean(v->can_confirm));
	return o;
}
