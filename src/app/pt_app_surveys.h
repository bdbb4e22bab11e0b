/* pt_app_surveys.h - the use cases of assessment visits (surveys): start a
 * visit, answer the questionnaire, rate, confirm by a second person, read;
 * the questionnaires; which installed measures the counting visits saw
 * (issue 16 item 3; docs/access.md "Surveys", docs/methodology.md "Surveys"). */
#ifndef PT_APP_SURVEYS_H
#define PT_APP_SURVEYS_H

#include <stddef.h>

#include "../core/pt_plan_records.h"
#include "../core/pt_survey.h"
#include "../formats/pt_survey_io.h"
#include "pt_app.h"

#define PT_SURVEY_BACKDATE_DAYS 366 /**< a visit may be recorded at most this many days late */

/**
 * The questionnaire of kind (version 0: the current one; else that version,
 * kept as data/questionnaires/KIND.vN.json once a newer one replaces it),
 * checked against the registry's threat and measure catalogues. Any caller.
 * PT_ENOTFOUND (field "kind") for a kind without one. out: pt_questionnaire_clear.
 */
enum pt_err pt_app_questionnaire_get(const struct pt_caller *c, struct pt_db *db,
				     const char *kind, int version,
				     struct pt_questionnaire *out, struct pt_diag *d);

/** What starts a visit. Borrowed. */
/** Draft visits a site may have at once (a new one past it is PT_ECONFLICT). */
#define PT_SURVEY_DRAFTS_MAX 20

struct pt_survey_start {
	enum pt_method method; /**< fema or quant: what the questionnaire proposes */
	const char *visited_on; /**< "YYYY-MM-DD", today or up to PT_SURVEY_BACKDATE_DAYS back; NULL or "": today */
};

/**
 * Start a draft visit of site_id by c (its assessor), with the current
 * questionnaire of the site's kind: pt_access_survey_record; audited
 * "survey.create". *id: the new visit's id. PT_ENOTFOUND for a site c may
 * not read; PT_EINVAL naming method or visited_on.
 */
enum pt_err pt_app_survey_start(const struct pt_caller *c, struct pt_db *db, const char *site_id,
				const struct pt_survey_start *in, long long *id,
				struct pt_diag *d);

/**
 * The visits of site_id, newest first, into *out (caller frees with
 * free()); *tlp: the site's label (the list's marking). Read audited as
 * "surveys.read" for AMBER and RED sites. PT_ENOTFOUND as for the site.
 */
enum pt_err pt_app_surveys_list(const struct pt_caller *c, struct pt_db *db, const char *site_id,
				struct pt_survey **out, size_t *n, enum pt_tlp *tlp,
				struct pt_diag *d);

/**
 * Visit id with its answers, proposals, ratings and findings into out
 * (pt_survey_view_clear). PT_ENOTFOUND for a visit whose site c may not
 * read. Read audited as "surveys.read" for AMBER and RED sites.
 */
enum pt_err pt_app_survey_get(const struct pt_caller *c, struct pt_db *db, long long id,
			      struct pt_survey_view *out, struct pt_diag *d);

/**
 * Set answers of draft visit id (PT_ANSWER_NONE clears one): its assessor
 * only (pt_access_survey_change); each question id must be the visit's
 * questionnaire's (PT_EINVAL field "answers.ID"). PT_ECONFLICT once
 * confirmed. Audited "survey.answers".
 */
enum pt_err pt_app_survey_answer(const struct pt_caller *c, struct pt_db *db, long long id,
				 const struct pt_survey_answer_row *rows, size_t n,
				 struct pt_diag *d);

/** One rating of a visit as given. Unset numbers are 0 (fema) or bits off (quant). */
struct pt_survey_rating_in {
	char threat_id[PT_ID_MAX];
	int asset_value, threat_rating, vulnerability_rating; /**< fema; 0: not given */
	unsigned quant_given;                                  /**< quant: bit v: var[v] given */
	struct pt_range var[PT_QV_COUNT];
	char reason[PT_SURVEY_REASON_MAX]; /**< needed when a rating is not the proposal */
};

/**
 * Rate threats of draft visit id (its assessor only). FEMA: the
 * vulnerability defaults to the proposal, the asset value and threat rating
 * to the site's current ones; quant: p_success defaults to the proposal, the
 * other four to the current ones. A value other than the proposal (or where
 * there is none) needs a reason. Errors name "items[i].FIELD". Audited
 * "survey.ratings".
 */
enum pt_err pt_app_survey_rate(const struct pt_caller *c, struct pt_db *db, long long id,
			       const struct pt_survey_rating_in *items, size_t n,
			       struct pt_diag *d);

/**
 * Confirm draft visit id: a second person (pt_access_survey_confirm and
 * pt_access_survey_duty: not the assessor, not related to it); a visit
 * without ratings cannot be (PT_ECONFLICT). Each of its ratings that is now
 * the latest confirmed one of its threat replaces the site's current rating;
 * *counted (may be NULL) how many did. Audited "survey.confirm".
 */
enum pt_err pt_app_survey_confirm(const struct pt_caller *c, struct pt_db *db, long long id,
				  size_t *counted, struct pt_diag *d);

/**
 * No double counting (docs/methodology.md "Surveys", what a visit saw): every measure of sm[0..n)
 * installed or verified at or before the seen_until of its site's latest
 * confirmed quantitative visit becomes PT_SM_EXISTING (the visit's ratings
 * include its effect), in place. Reads the visits in the caller's snapshot.
 */
enum pt_err pt_app_measures_seen(struct pt_db *db, struct pt_site_measure_row *sm, size_t n,
				 struct pt_diag *d);

/** UTC "YYYY-MM-DDTHH:MM:SSZ" of pt_app_now(c->now) into out. */
void pt_app_survey_stamp(const struct pt_caller *c, char out[PT_STAMP_MAX]);

#endif
