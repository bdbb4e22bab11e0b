/* pt_survey.h - the self-assessment questionnaire of a kind of site and what
 * its answers propose (issue 16 item 3; docs/methodology.md "Surveys"):
 * deficiency per threat, the proposed FEMA vulnerability and success
 * probability, the findings, and which installed measures a visit saw. */
#ifndef PT_SURVEY_H
#define PT_SURVEY_H

#include <stddef.h>

#include "pt_err.h"
#include "pt_model.h"

#define PT_Q_TEXT_MAX 512        /**< a question's text, bytes with the NUL */
#define PT_Q_SECTION_MAX 64      /**< a question's section heading, bytes with the NUL */
#define PT_Q_THREATS_MAX 13      /**< threats one question is tied to */
#define PT_Q_MEASURES_MAX 8      /**< catalogue measures that answer one question */
#define PT_Q_QUESTIONS_MAX 200   /**< questions of one questionnaire */
#define PT_Q_WEIGHT_MAX 10.0     /**< a question's weight lies in (0, PT_Q_WEIGHT_MAX] */
#define PT_SURVEY_REASON_MAX 1001 /**< an override's reason, bytes with the NUL (1000 characters) */
#define PT_SURVEY_MIN_SHARE_TENTHS 7 /**< no proposal below 7/10 of a threat's questions answered */

/** An answer to one question. PT_ANSWER_NONE: not answered yet. */
enum pt_answer {
	PT_ANSWER_NONE = 0, /**< not answered */
	PT_ANSWER_YES,      /**< "yes": in place (deficiency 0) */
	PT_ANSWER_PARTLY,   /**< "partly" (deficiency 0.5) */
	PT_ANSWER_NO,       /**< "no" (deficiency 1) */
	PT_ANSWER_NA        /**< "na": not applicable (left out of the mean) */
};

/** Where a visit's ratings came from. */
enum pt_survey_source {
	PT_SOURCE_SURVEY = 0, /**< "survey": a questionnaire visit, confirmed by a second person */
	PT_SOURCE_IMPORT,     /**< "import": an assessments import (confirmed) */
	PT_SOURCE_EDIT,       /**< "edit": PATCH .../assessments/{method} (confirmed) */
	PT_SOURCE_MIGRATION   /**< "migration": the ratings stored before migration 029 */
};
/** "survey", "import", "edit", "migration"; "" out of range. */
const char *pt_survey_source_name(enum pt_survey_source s);
/** Parse a source name (exact). PT_EINVAL otherwise. */
enum pt_err pt_survey_source_parse(const char *s, enum pt_survey_source *out);

#define PT_STAMP_MAX 21 /**< "2026-12-05T21:16:32Z", bytes with the NUL */

/** A visit as stored (without its answers and ratings). Plain data. */
struct pt_survey {
	long long id;
	char site_id[PT_ID_MAX];
	enum pt_method method;
	enum pt_survey_source source;
	int confirmed;                 /**< 0 draft, 1 confirmed */
	char visited_at[PT_STAMP_MAX]; /**< UTC; visits are ordered by (visited_at, id) */
	char assessor[64];             /**< the assessor's name as the audit log shows it */
	long long assessor_id;         /**< its user id; 0 the system administrator */
	char questionnaire[PT_ID_MAX]; /**< the kind whose questionnaire it used; "" none */
	int questionnaire_version;     /**< 0 none */
	char confirmed_by[64];         /**< "" while a draft */
	char confirmed_at[PT_STAMP_MAX];
	char seen_until[PT_STAMP_MAX]; /**< measures installed up to then were seen; "" none */
	char created_at[PT_STAMP_MAX];
};

/** "yes", "partly", "no", "na"; "" for PT_ANSWER_NONE or out of range. */
const char *pt_answer_name(enum pt_answer a);
/** Parse "yes", "partly", "no" or "na" (exact). PT_EINVAL otherwise; *out untouched then. */
enum pt_err pt_answer_parse(const char *s, enum pt_answer *out);

/** One answer as stored. Plain data. */
struct pt_survey_answer_row {
	char question_id[PT_ID_MAX];
	enum pt_answer answer; /**< PT_ANSWER_NONE in a change: remove the answer */
};

/** One question. Plain data. */
struct pt_question {
	char id[PT_ID_MAX];
	char section[PT_Q_SECTION_MAX];
	char text[PT_Q_TEXT_MAX];
	char family[PT_ID_MAX]; /**< the CER art. 13 family (a measure family name) */
	double weight;          /**< (0, PT_Q_WEIGHT_MAX] */
	char threats[PT_Q_THREATS_MAX][PT_ID_MAX];
	size_t n_threats;       /**< >= 1 */
	char measures[PT_Q_MEASURES_MAX][PT_ID_MAX];
	size_t n_measures;
};

/** A questionnaire of one kind of site. Caller-owned; pt_questionnaire_clear. */
struct pt_questionnaire {
	char kind[PT_ID_MAX];
	int version;            /**< >= 1; a changed questionnaire gets a higher version */
	char title[PT_NAME_MAX];
	struct pt_question *q;  /**< n questions (owned) */
	size_t n;
};

/** Free q's questions; q becomes empty. NULL does nothing. */
void pt_questionnaire_clear(struct pt_questionnaire *q);

/** Index of question id in q, or -1. */
long pt_questionnaire_find(const struct pt_questionnaire *q, const char *id);

/** What the answers propose for one threat. Plain data. */
struct pt_survey_proposal {
	char threat_id[PT_ID_MAX];
	size_t n_questions;   /**< questions tied to the threat */
	size_t n_answered;    /**< of them answered (yes, partly, no or n.a.) */
	size_t n_rated;       /**< of them answered yes, partly or no (in the mean) */
	double deficiency;    /**< the weighted mean over the rated ones, 0-1; with n_rated 0
				   there is none (left 0: not "no weakness"; shown as null / -) */
	int proposed;         /**< 1: enough answered (>= 70 %, at least one rated): the two below hold */
	int vulnerability;    /**< round(1 + 9 deficiency), 1-10 */
	struct pt_range p_success; /**< the demo's rule from vulnerability (pt_survey_p_success) */
};

/**
 * The proposal for threat_id from answers (one per question of q, by index).
 * A threat no question is tied to has n_questions 0 and no proposal.
 * Pure; never fails.
 */
void pt_survey_propose(const struct pt_questionnaire *q, const enum pt_answer *answers,
		       const char *threat_id, struct pt_survey_proposal *out);

/** round(1 + 9 d) for d in [0, 1] (half away from zero), clamped to 1-10. */
int pt_survey_vulnerability(double deficiency);

/**
 * The success probability of the demo's documented rule (docs/methodology.md
 * section 10) for a FEMA vulnerability v: mode ps = round(0.08 v, 2 places),
 * min = round(0.6 ps, 2), max = round(min(0.95, 1.4 ps), 2).
 */
struct pt_range pt_survey_p_success(int vulnerability);

/**
 * Did a visit that saw measures up to seen_until (UTC "YYYY-MM-DDTHH:MM:SSZ";
 * "" saw none) see a measure in state status (a enum pt_site_measure_status
 * value) whose last step was at changed_at? 1 when the measure is installed
 * or verified and changed_at is not empty and not after seen_until: its
 * effect is in the visit's ratings, so it counts as in place, not as an
 * effect. 0 otherwise.
 */
int pt_survey_measure_seen(int status, const char *changed_at, const char *seen_until);

#endif
