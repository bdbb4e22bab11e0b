/* pt_survey_io.h - the questionnaire files (data/questionnaires/KIND.json,
 * docs/formats.md) and the one JSON writer of a visit (survey) and of a
 * questionnaire, used by both faces (jansson; issue 16 item 3). */
#ifndef PT_SURVEY_IO_H
#define PT_SURVEY_IO_H

#include <jansson.h>
#include <stddef.h>

#include "../core/pt_err.h"
#include "../core/pt_measure.h"
#include "../core/pt_model.h"
#include "../core/pt_survey.h"
#include "pt_assess_io.h"

#define PT_QUESTIONNAIRE_BYTES_MAX (1024 * 1024) /**< a questionnaire file, bytes */

/**
 * Parse a questionnaire file (JSON: {"kind", "version", "title", "note",
 * "questions": [{"id", "section", "text", "threats", "family", "measures",
 * "weight"}]}). Threat ids are checked against threats, measure ids against
 * measures (when not NULL), families against the CER art. 13 families;
 * question ids unique. name is the file's name for messages. On error out
 * is empty and d names the field ("questions[3].threats[1]").
 */
enum pt_err pt_questionnaire_read_json(const char *buf, size_t len, const char *name,
				       const struct pt_catalog *threats,
				       const struct pt_measure_catalog *measures,
				       struct pt_questionnaire *out, struct pt_diag *d);

/** The questionnaire as the API shows it (the file's fields). New reference; NULL out of memory. */
json_t *pt_json_questionnaire(const struct pt_questionnaire *q);

/** A visit's header fields {"id", "site_id", "method", "source", "state", ...}. New reference. */
json_t *pt_json_survey_head(const struct pt_survey *s);

/** A visit with everything the API shows of it. The arrays are owned; pt_survey_view_clear. */
struct pt_survey_view {
	struct pt_survey survey;
	char site_name[PT_NAME_MAX];
	enum pt_tlp tlp;                      /**< the site's label: the visit's marking */
	struct pt_questionnaire qn;           /**< the questionnaire of its version (empty: none) */
	enum pt_answer *answers;              /**< qn.n of them */
	struct pt_survey_proposal *proposals; /**< one per threat the questionnaire asks about */
	size_t n_proposals;
	struct pt_assessment_set ratings;     /**< the visit's ratings */
	char (*reasons)[PT_SURVEY_REASON_MAX]; /**< ratings.n of them */
	size_t *findings;                     /**< indices into qn of the questions answered no or partly */
	size_t n_findings;
	int can_record;                       /**< the reader may change this draft (its assessor) */
	int can_confirm;                      /**< the reader may confirm it */
};

/** Free what v holds; v becomes empty. NULL does nothing. */
void pt_survey_view_clear(struct pt_survey_view *v);

/**
 * The visit as GET /api/v1/surveys/{id} shows it: the head, "site_name",
 * "answers", "proposals", "ratings" (each with "reason"), "findings",
 * "evidence" (an empty array: the attachments of issue 16 fill it) and
 * "can_record", "can_confirm". New reference; NULL out of memory. The TLP
 * marking is the caller's (pt_marking_json).
 */
json_t *pt_json_survey(const struct pt_survey_view *v);

#endif
