/* pt_survey_store.h - assessment visits (surveys), their questionnaire
 * answers and ratings, in SQLite (migration 029; issue 16 item 3). */
#ifndef PT_SURVEY_STORE_H
#define PT_SURVEY_STORE_H

#include <stddef.h>

#include "../core/pt_err.h"
#include "../core/pt_survey.h"
#include "../formats/pt_assess_io.h"
#include "../formats/pt_diag.h"

struct pt_db;

#define PT_SURVEYS_OF_SITE_MAX 1000 /**< visits of one site listed at most (newest first) */

/** The seen_until of a site's latest confirmed visit of a method. Plain data. */
struct pt_survey_seen {
	char site_id[PT_ID_MAX];
	char seen_until[PT_STAMP_MAX];
};

/**
 * Record set's rows as confirmed visits of source (one per site of the set,
 * in the order the sites first appear), dated and confirmed at visited_at
 * (UTC "YYYY-MM-DDTHH:MM:SSZ"), seen_until visited_at, by the actor of db
 * (pt_db_set_actor). Within the caller's transaction (or its own). Does not
 * write the method's table of current ratings.
 */
enum pt_err pt_db_surveys_record_set(struct pt_db *db, const struct pt_assessment_set *set,
				     enum pt_survey_source source, const char *visited_at,
				     struct pt_diag *d);

/** Insert s (its id ignored) and set s->id. Within the caller's transaction. */
enum pt_err pt_db_survey_create(struct pt_db *db, struct pt_survey *s, struct pt_diag *d);

/** The visit id into *out; PT_ENOTFOUND (no message) when there is none. */
enum pt_err pt_db_survey_get(struct pt_db *db, long long id, struct pt_survey *out,
			     struct pt_diag *d);

/**
 * The visits of site_id, newest first (visited_at, then id, descending), at
 * most PT_SURVEYS_OF_SITE_MAX. *out: caller frees with free() (NULL when *n is 0).
 */
enum pt_err pt_db_surveys_of_site(struct pt_db *db, const char *site_id, struct pt_survey **out,
				  size_t *n, struct pt_diag *d);

/** The answers of visit id, by question id. *out: caller frees with free(). */
enum pt_err pt_db_survey_answers(struct pt_db *db, long long id,
				 struct pt_survey_answer_row **out, size_t *n, struct pt_diag *d);

/** Set (or, PT_ANSWER_NONE, remove) the answers rows[0..n) of visit id. In the caller's transaction. */
enum pt_err pt_db_survey_answers_put(struct pt_db *db, long long id,
				     const struct pt_survey_answer_row *rows, size_t n,
				     struct pt_diag *d);

/**
 * The ratings of visit s into out (out->method = s->method; caller clears
 * with pt_assessment_set_clear) and their reasons (*reasons: out->n of them,
 * caller frees with free(); NULL when none).
 */
enum pt_err pt_db_survey_ratings(struct pt_db *db, const struct pt_survey *s,
				 struct pt_assessment_set *out,
				 char (**reasons)[PT_SURVEY_REASON_MAX], struct pt_diag *d);

/**
 * Set the ratings set (of set->method) of visit id, each replacing the row of
 * its threat, with reasons[i] (NULL: none). In the caller's transaction.
 */
enum pt_err pt_db_survey_ratings_put(struct pt_db *db, long long id,
				     const struct pt_assessment_set *set,
				     const char (*reasons)[PT_SURVEY_REASON_MAX], struct pt_diag *d);

/**
 * Mark draft visit id confirmed by by at at. PT_ECONFLICT when it is no
 * longer a draft. In the caller's transaction.
 */
enum pt_err pt_db_survey_confirm(struct pt_db *db, long long id, const char *by, const char *at,
				 struct pt_diag *d);

/**
 * The id of the latest confirmed visit of site_id by method that rated
 * threat_id (NULL for carver), ordered by (visited_at, id); 0 when none.
 */
enum pt_err pt_db_survey_latest(struct pt_db *db, const char *site_id, enum pt_method method,
				const char *threat_id, long long *id, struct pt_diag *d);

/**
 * For each site with a confirmed visit of method: the seen_until of its
 * latest one, ordered by site id. *out: caller frees with free().
 */
enum pt_err pt_db_surveys_seen(struct pt_db *db, enum pt_method method,
			       struct pt_survey_seen **out, size_t *n, struct pt_diag *d);

#endif
