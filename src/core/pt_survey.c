/* pt_survey.c - the questionnaire's arithmetic: deficiency per threat, the
 * proposed ratings and which installed measures a visit saw (pt_survey.h). */
#include "pt_survey.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pt_plan_records.h"

static const char *const source_names[] = {"survey", "import", "edit", "migration"};

const char *pt_survey_source_name(enum pt_survey_source s)
{
	if ((int)s < 0 || (int)s > PT_SOURCE_MIGRATION)
		return "";
	return source_names[s];
}

enum pt_err pt_survey_source_parse(const char *s, enum pt_survey_source *out)
{
	int k;
	for (k = 0; s && k <= PT_SOURCE_MIGRATION; k++)
		if (strcmp(s, source_names[k]) == 0) {
			*out = (enum pt_survey_source)k;
			return PT_OK;
		}
	return PT_EINVAL;
}

static const char *const answer_names[] = {"", "yes", "partly", "no", "na"};

const char *pt_answer_name(enum pt_answer a)
{
	if ((int)a <= 0 || (int)a > PT_ANSWER_NA)
		return "";
	return answer_names[a];
}

enum pt_err pt_answer_parse(const char *s, enum pt_answer *out)
{
	int a;
	for (a = PT_ANSWER_YES; s && a <= PT_ANSWER_NA; a++)
		if (strcmp(s, answer_names[a]) == 0) {
			*out = (enum pt_answer)a;
			return PT_OK;
		}
	return PT_EINVAL;
}

void pt_questionnaire_clear(struct pt_questionnaire *q)
{
	if (!q)
		return;
	free(q->q);
	memset(q, 0, sizeof *q);
}

long pt_questionnaire_find(const struct pt_questionnaire *q, const char *id)
{
	size_t i;
	for (i = 0; q && id && i < q->n; i++)
		if (strcmp(q->q[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* 1 when question x is tied to threat_id. */
static int tied(const struct pt_question *x, const char *threat_id)
{
	size_t t;
	for (t = 0; t < x->n_threats; t++)
		if (strcmp(x->threats[t], threat_id) == 0)
			return 1;
	return 0;
}

int pt_survey_vulnerability(double deficiency)
{
	double v;
	if (!(deficiency >= 0))
		deficiency = 0;
	if (deficiency > 1)
		deficiency = 1;
	v = floor(1.0 + 9.0 * deficiency + 0.5);
	return v < 1 ? 1 : v > 10 ? 10 : (int)v;
}

/* x rounded to 2 decimal places, half away from zero (x >= 0). */
static double round2(double x)
{
	return floor(x * 100.0 + 0.5) / 100.0;
}

struct pt_range pt_survey_p_success(int vulnerability)
{
	struct pt_range r;
	double ps = round2(0.08 * vulnerability);
	r.mode = ps;
	r.min = round2(0.6 * ps);
	r.max = round2(fmin(0.95, 1.4 * ps));
	return r;
}

void pt_survey_propose(const struct pt_questionnaire *q, const enum pt_answer *answers,
		       const char *threat_id, struct pt_survey_proposal *out)
{
	double sum_w = 0, sum_wd = 0;
	size_t i;
	memset(out, 0, sizeof *out);
	if (!threat_id)
		return;
	pt_strlcpy(out->threat_id, threat_id, sizeof out->threat_id);
	for (i = 0; q && i < q->n; i++) {
		const struct pt_question *x = &q->q[i];
		enum pt_answer a = answers ? answers[i] : PT_ANSWER_NONE;
		double score;
		if (!tied(x, threat_id))
			continue;
		out->n_questions++;
		if (a == PT_ANSWER_NONE)
			continue;
		out->n_answered++;
		if (a == PT_ANSWER_NA)
			continue;
		score = a == PT_ANSWER_YES ? 0.0 : a == PT_ANSWER_PARTLY ? 0.5 : 1.0;
		out->n_rated++;
		sum_w += x->weight;
		sum_wd += x->weight * score;
	}
	out->deficiency = sum_w > 0 ? sum_wd / sum_w : 0;
	/* at least 70 % answered, counted in whole questions: 10 answered >= 7 asked */
	if (out->n_questions && out->n_rated &&
	    out->n_answered * 10 >= out->n_questions * PT_SURVEY_MIN_SHARE_TENTHS) {
		out->proposed = 1;
		out->vulnerability = pt_survey_vulnerability(out->deficiency);
		out->p_success = pt_survey_p_success(out->vulnerability);
	}
}

int pt_survey_measure_seen(int status, const char *changed_at, const char *seen_until)
{
	if (status != PT_SM_INSTALLED && status != PT_SM_VERIFIED)
		return 0;
	if (!changed_at || !*changed_at || !seen_until || !*seen_until)
		return 0;
	/* UTC timestamps of one fixed width compare as strings */
	return strcmp(changed_at, seen_until) <= 0;
}
