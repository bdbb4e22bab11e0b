/* pt_survey_store.c - assessment visits (surveys), their answers and
 * ratings, in SQLite (migration 029; pt_survey_store.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_db.h"
#include "pt_store_int.h"
#include "pt_survey_store.h"

enum survey_stmt {
	SV_INSERT,
	SV_GET,
	SV_OF_SITE,
	SV_ANSWERS,
	SV_ANSWER_PUT,
	SV_ANSWER_DEL,
	SV_FEMA_PUT,
	SV_CARVER_PUT,
	SV_QUANT_PUT,
	SV_FEMA_OF,
	SV_CARVER_OF,
	SV_QUANT_OF,
	SV_CONFIRM,
	SV_LATEST_FEMA,
	SV_LATEST_CARVER,
	SV_LATEST_QUANT,
	SV_SEEN,
	SV_COUNT
};

#define SURVEY_COLUMNS                                                                       \
	"id, site_id, method, source, state, visited_at, assessor, assessor_id, questionnaire, " \
	"questionnaire_version, confirmed_by, confirmed_at, seen_until, created_at"
#define LATEST(table, threat)                                                                \
	"SELECT s.id FROM surveys s JOIN " table " r ON r.survey_id = s.id "                     \
	"WHERE s.site_id = ?1 AND s.method = ?3 AND s.state = 'confirmed'" threat " "            \
	"ORDER BY s.visited_at DESC, s.id DESC LIMIT 1"

static const char *const stmt_sql[SV_COUNT] = {
	[SV_INSERT] = "INSERT INTO surveys (site_id, method, source, state, visited_at, assessor, "
		      "assessor_id, questionnaire, questionnaire_version, confirmed_by, "
		      "confirmed_at, seen_until, created_at) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[SV_GET] = "SELECT " SURVEY_COLUMNS " FROM surveys WHERE id = ?1",
	[SV_OF_SITE] = "SELECT " SURVEY_COLUMNS " FROM surveys WHERE site_id = ?1 "
		       "ORDER BY visited_at DESC, id DESC LIMIT ?2",
	[SV_ANSWERS] = "SELECT question_id, answer FROM survey_answers WHERE survey_id = ?1 "
		       "ORDER BY question_id",
	[SV_ANSWER_PUT] = "INSERT INTO survey_answers (survey_id, question_id, answer) "
			  "VALUES (?1, ?2, ?3) ON CONFLICT (survey_id, question_id) DO UPDATE SET "
			  "answer = excluded.answer",
	[SV_ANSWER_DEL] = "DELETE FROM survey_answers WHERE survey_id = ?1 AND question_id = ?2",
	[SV_FEMA_PUT] = "INSERT INTO survey_fema (survey_id, site_id, threat_id, asset_value, "
			"threat_rating, vulnerability_rating, reason) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (survey_id, threat_id) "
			"DO UPDATE SET asset_value = excluded.asset_value, "
			"threat_rating = excluded.threat_rating, "
			"vulnerability_rating = excluded.vulnerability_rating, "
			"reason = excluded.reason",
	[SV_CARVER_PUT] = "INSERT INTO survey_carver (survey_id, site_id, criticality, "
			  "accessibility, recuperability, vulnerability, effect, recognizability, "
			  "shock, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
			  "ON CONFLICT (survey_id) DO UPDATE SET criticality = excluded.criticality, "
			  "accessibility = excluded.accessibility, "
			  "recuperability = excluded.recuperability, "
			  "vulnerability = excluded.vulnerability, effect = excluded.effect, "
			  "recognizability = excluded.recognizability, shock = excluded.shock, "
			  "reason = excluded.reason",
	[SV_QUANT_PUT] = "INSERT INTO survey_quant (survey_id, site_id, threat_id, p_attempt_min, "
			 "p_attempt_mode, p_attempt_max, p_success_min, p_success_mode, "
			 "p_success_max, fatalities_min, fatalities_mode, fatalities_max, "
			 "injuries_min, injuries_mode, injuries_max, loss_eur_min, loss_eur_mode, "
			 "loss_eur_max, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
			 "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) "
			 "ON CONFLICT (survey_id, threat_id) DO UPDATE SET "
			 "p_attempt_min = excluded.p_attempt_min, "
			 "p_attempt_mode = excluded.p_attempt_mode, "
			 "p_attempt_max = excluded.p_attempt_max, "
			 "p_success_min = excluded.p_success_min, "
			 "p_success_mode = excluded.p_success_mode, "
			 "p_success_max = excluded.p_success_max, "
			 "fatalities_min = excluded.fatalities_min, "
			 "fatalities_mode = excluded.fatalities_mode, "
			 "fatalities_max = excluded.fatalities_max, "
			 "injuries_min = excluded.injuries_min, injuries_mode = excluded.injuries_mode, "
			 "injuries_max = excluded.injuries_max, loss_eur_min = excluded.loss_eur_min, "
			 "loss_eur_mode = excluded.loss_eur_mode, loss_eur_max = excluded.loss_eur_max, "
			 "reason = excluded.reason",
	[SV_FEMA_OF] = "SELECT site_id, threat_id, asset_value, threat_rating, "
		       "vulnerability_rating, reason FROM survey_fema WHERE survey_id = ?1 "
		       "ORDER BY threat_id",
	[SV_CARVER_OF] = "SELECT site_id, criticality, accessibility, recuperability, "
			 "vulnerability, effect, recognizability, shock, reason FROM survey_carver "
			 "WHERE survey_id = ?1",
	[SV_QUANT_OF] = "SELECT site_id, threat_id, p_attempt_min, p_attempt_mode, p_attempt_max, "
			"p_success_min, p_success_mode, p_success_max, fatalities_min, "
			"fatalities_mode, fatalities_max, injuries_min, injuries_mode, injuries_max, "
			"loss_eur_min, loss_eur_mode, loss_eur_max, reason FROM survey_quant "
			"WHERE survey_id = ?1 ORDER BY threat_id",
	[SV_CONFIRM] = "UPDATE surveys SET state = 'confirmed', confirmed_by = ?2, "
		       "confirmed_at = ?3 WHERE id = ?1 AND state = 'draft'",
	[SV_LATEST_FEMA] = LATEST("survey_fema", " AND r.threat_id = ?2"),
	[SV_LATEST_CARVER] = LATEST("survey_carver", " AND ?2 IS NULL"),
	[SV_LATEST_QUANT] = LATEST("survey_quant", " AND r.threat_id = ?2"),
	[SV_SEEN] = "SELECT s.site_id, s.seen_until FROM surveys s "
		    "WHERE s.method = ?1 AND s.state = 'confirmed' AND s.id = ("
		    "SELECT t.id FROM surveys t WHERE t.site_id = s.site_id AND t.method = ?1 "
		    "AND t.state = 'confirmed' ORDER BY t.visited_at DESC, t.id DESC LIMIT 1) "
		    "ORDER BY s.site_id",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_SURVEY, SV_COUNT, stmt_sql};

/* ---- visits --------------------------------------------------------------- */

static enum pt_err survey_from_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_survey *s = row;
	char method[16], source[16], state[16];
	enum pt_err err;
	(void)ctx;
	memset(s, 0, sizeof *s);
	s->id = sqlite3_column_int64(st, 0);
	if ((err = pt_db_col_text(st, 1, s->site_id, sizeof s->site_id, d)) != PT_OK)
		return err;
	pt_db_col_copy(st, 2, method, sizeof method);
	pt_db_col_copy(st, 3, source, sizeof source);
	pt_db_col_copy(st, 4, state, sizeof state);
	if (pt_method_parse(method, &s->method) != PT_OK ||
	    pt_survey_source_parse(source, &s->source) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "", "survey %lld: bad method or source", s->id);
	s->confirmed = strcmp(state, "confirmed") == 0;
	pt_db_col_copy(st, 5, s->visited_at, sizeof s->visited_at);
	pt_db_col_copy(st, 6, s->assessor, sizeof s->assessor);
	s->assessor_id = sqlite3_column_int64(st, 7);
	pt_db_col_copy(st, 8, s->questionnaire, sizeof s->questionnaire);
	s->questionnaire_version = pt_db_col_int(st, 9);
	pt_db_col_copy(st, 10, s->confirmed_by, sizeof s->confirmed_by);
	pt_db_col_copy(st, 11, s->confirmed_at, sizeof s->confirmed_at);
	pt_db_col_copy(st, 12, s->seen_until, sizeof s->seen_until);
	pt_db_col_copy(st, 13, s->created_at, sizeof s->created_at);
	return PT_OK;
}

enum pt_err pt_db_survey_create(struct pt_db *db, struct pt_survey *s, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, SV_INSERT, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_field(st, 1, s->site_id, sizeof s->site_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, pt_method_name(s->method));
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 3, pt_survey_source_name(s->source));
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 4, s->confirmed ? "confirmed" : "draft");
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 5, s->visited_at, sizeof s->visited_at);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 6, s->assessor, sizeof s->assessor);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 7, s->assessor_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 8, s->questionnaire, sizeof s->questionnaire);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 9, s->questionnaire_version);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 10, s->confirmed_by, sizeof s->confirmed_by);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 11, s->confirmed_at, sizeof s->confirmed_at);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 12, s->seen_until, sizeof s->seen_until);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 13, s->created_at, sizeof s->created_at);
	if ((err = pt_db_step_done(db, st, rc, "recording a visit", d)) != PT_OK)
		return err;
	s->id = pt_db_last_id(db);
	return PT_OK;
}

enum pt_err pt_db_survey_get(struct pt_db *db, long long id, struct pt_survey *out,
			     struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	if ((err = pt_db_prepare(db, &stmts, SV_GET, &st, d)) != PT_OK)
		return err;
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, SQLITE_ERROR, d, "reading a visit");
	}
	return pt_db_row_one(db, st, survey_from_row, out, NULL, "reading a visit", d);
}

enum pt_err pt_db_surveys_of_site(struct pt_db *db, const char *site_id, struct pt_survey **out,
				  size_t *n, struct pt_diag *d)
{
	struct pt_db_rows rows = {.elem_size = sizeof(struct pt_survey),
				  .max = PT_SURVEYS_OF_SITE_MAX + 1,
				  .too_many = "too many visits",
				  .fill = survey_from_row};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, SV_OF_SITE, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, PT_SURVEYS_OF_SITE_MAX);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "listing visits");
	}
	if ((err = pt_db_rows_read(db, st, &rows, "listing visits", d)) != PT_OK)
		return err;
	*out = rows.items;
	*n = rows.n;
	return PT_OK;
}

/* ---- answers ------------------------------------------------------------ */

static enum pt_err answer_from_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_survey_answer_row *a = row;
	char text[16];
	enum pt_err err;
	(void)ctx;
	if ((err = pt_db_col_text(st, 0, a->question_id, sizeof a->question_id, d)) != PT_OK)
		return err;
	pt_db_col_copy(st, 1, text, sizeof text);
	if (pt_answer_parse(text, &a->answer) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "", "bad stored answer '%s'", text);
	return PT_OK;
}

enum pt_err pt_db_survey_answers(struct pt_db *db, long long id,
				 struct pt_survey_answer_row **out, size_t *n, struct pt_diag *d)
{
	struct pt_db_rows rows = {.elem_size = sizeof(struct pt_survey_answer_row),
				  .max = PT_Q_QUESTIONS_MAX + 1,
				  .too_many = "too many answers",
				  .fill = answer_from_row};
	sqlite3_stmt *st;
	enum pt_err err;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, SV_ANSWERS, &st, d)) != PT_OK)
		return err;
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, SQLITE_ERROR, d, "reading answers");
	}
	if ((err = pt_db_rows_read(db, st, &rows, "reading answers", d)) != PT_OK)
		return err;
	*out = rows.items;
	*n = rows.n;
	return PT_OK;
}

enum pt_err pt_db_survey_answers_put(struct pt_db *db, long long id,
				     const struct pt_survey_answer_row *rows, size_t n,
				     struct pt_diag *d)
{
	enum pt_err err;
	size_t i;
	for (i = 0; i < n; i++) {
		int del = rows[i].answer == PT_ANSWER_NONE, rc;
		sqlite3_stmt *st;
		if ((err = pt_db_prepare(db, &stmts, del ? SV_ANSWER_DEL : SV_ANSWER_PUT, &st, d)) !=
		    PT_OK)
			return err;
		rc = sqlite3_bind_int64(st, 1, id);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_field(st, 2, rows[i].question_id, sizeof rows[i].question_id);
		if (rc == SQLITE_OK && !del)
			rc = pt_db_bind_text(st, 3, pt_answer_name(rows[i].answer));
		if ((err = pt_db_step_done(db, st, rc, "writing an answer", d)) != PT_OK)
			return err;
	}
	return PT_OK;
}

/* ---- ratings ------------------------------------------------------------ */

/* Bind row i of set (its method's columns) from parameter 2 on, and reason. */
static int rating_bind(sqlite3_stmt *st, const struct pt_assessment_set *set, size_t i,
		       const char *reason)
{
	int rc = SQLITE_OK, col, v;
	if (set->method == PT_METHOD_FEMA) {
		const struct pt_fema_row *r = &set->fema[i];
		rc = pt_db_bind_field(st, 2, r->site_id, sizeof r->site_id);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_field(st, 3, r->threat_id, sizeof r->threat_id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int(st, 4, r->asset_value);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int(st, 5, r->threat_rating);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int(st, 6, r->vulnerability_rating);
		col = 7;
	} else if (set->method == PT_METHOD_CARVER) {
		const struct pt_carver_row *r = &set->carver[i];
		const int scores[7] = {r->criticality, r->accessibility, r->recuperability,
				       r->vulnerability, r->effect, r->recognizability, r->shock};
		rc = pt_db_bind_field(st, 2, r->site_id, sizeof r->site_id);
		for (v = 0; v < 7 && rc == SQLITE_OK; v++)
			rc = sqlite3_bind_int(st, 3 + v, scores[v]);
		col = 10;
	} else {
		const struct pt_quant_row *r = &set->quant[i];
		rc = pt_db_bind_field(st, 2, r->site_id, sizeof r->site_id);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_field(st, 3, r->threat_id, sizeof r->threat_id);
		col = 4;
		for (v = 0; v < PT_QV_COUNT && rc == SQLITE_OK; v++) {
			rc = sqlite3_bind_double(st, col++, r->var[v].min);
			if (rc == SQLITE_OK)
				rc = sqlite3_bind_double(st, col++, r->var[v].mode);
			if (rc == SQLITE_OK)
				rc = sqlite3_bind_double(st, col++, r->var[v].max);
		}
	}
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, col, reason ? reason : "");
	return rc;
}

enum pt_err pt_db_survey_ratings_put(struct pt_db *db, long long id,
				     const struct pt_assessment_set *set,
				     const char (*reasons)[PT_SURVEY_REASON_MAX], struct pt_diag *d)
{
	static const int put[] = {SV_FEMA_PUT, SV_CARVER_PUT, SV_QUANT_PUT};
	enum pt_err err;
	size_t i;
	if ((int)set->method < 0 || (int)set->method > PT_METHOD_QUANT)
		return pt_diag_set(d, PT_EINVAL, 0, "", "unknown assessment method");
	for (i = 0; i < set->n; i++) {
		sqlite3_stmt *st;
		int rc;
		if ((err = pt_db_prepare(db, &stmts, put[set->method], &st, d)) != PT_OK)
			return err;
		rc = sqlite3_bind_int64(st, 1, id);
		if (rc == SQLITE_OK)
			rc = rating_bind(st, set, i, reasons ? reasons[i] : NULL);
		if ((err = pt_db_step_done(db, st, rc, "writing a visit's rating", d)) != PT_OK)
			return err;
	}
	return PT_OK;
}

struct ratings_read {
	struct pt_assessment_set *set;
	char (*reasons)[PT_SURVEY_REASON_MAX];
	size_t cap;
};

static enum pt_err rating_from_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct ratings_read *r = ctx;
	struct pt_assessment_set *set = r->set;
	enum pt_err err = PT_OK;
	int col, v;
	(void)row;
	if (set->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		void *p;
		if (cap > PT_CATALOG_MAX + 1)
			return pt_diag_set(d, PT_ELIMIT, 0, "", "too many ratings");
		if (!(p = realloc(r->reasons, cap * sizeof *r->reasons)))
			return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		r->reasons = p;
		r->cap = cap;
	}
	if (set->method == PT_METHOD_FEMA) {
		struct pt_fema_row x;
		memset(&x, 0, sizeof x);
		if ((err = pt_db_col_text(st, 0, x.site_id, sizeof x.site_id, d)) != PT_OK ||
		    (err = pt_db_col_text(st, 1, x.threat_id, sizeof x.threat_id, d)) != PT_OK)
			return err;
		x.asset_value = pt_db_col_int(st, 2);
		x.threat_rating = pt_db_col_int(st, 3);
		x.vulnerability_rating = pt_db_col_int(st, 4);
		col = 5;
		pt_db_col_copy(st, col, r->reasons[set->n], PT_SURVEY_REASON_MAX);
		err = pt_assessment_set_add_fema(set, &x, 0);
	} else if (set->method == PT_METHOD_CARVER) {
		struct pt_carver_row x;
		memset(&x, 0, sizeof x);
		if ((err = pt_db_col_text(st, 0, x.site_id, sizeof x.site_id, d)) != PT_OK)
			return err;
		x.criticality = pt_db_col_int(st, 1);
		x.accessibility = pt_db_col_int(st, 2);
		x.recuperability = pt_db_col_int(st, 3);
		x.vulnerability = pt_db_col_int(st, 4);
		x.effect = pt_db_col_int(st, 5);
		x.recognizability = pt_db_col_int(st, 6);
		x.shock = pt_db_col_int(st, 7);
		pt_db_col_copy(st, 8, r->reasons[set->n], PT_SURVEY_REASON_MAX);
		err = pt_assessment_set_add_carver(set, &x, 0);
	} else {
		struct pt_quant_row x;
		memset(&x, 0, sizeof x);
		if ((err = pt_db_col_text(st, 0, x.site_id, sizeof x.site_id, d)) != PT_OK ||
		    (err = pt_db_col_text(st, 1, x.threat_id, sizeof x.threat_id, d)) != PT_OK)
			return err;
		col = 2;
		for (v = 0; v < PT_QV_COUNT; v++) {
			x.var[v].min = sqlite3_column_double(st, col++);
			x.var[v].mode = sqlite3_column_double(st, col++);
			x.var[v].max = sqlite3_column_double(st, col++);
		}
		pt_db_col_copy(st, col, r->reasons[set->n], PT_SURVEY_REASON_MAX);
		err = pt_assessment_set_add_quant(set, &x, 0);
	}
	if (err != PT_OK)
		return pt_diag_set(d, err, 0, "", "reading a visit's ratings: %s", pt_strerror(err));
	return PT_OK;
}

enum pt_err pt_db_survey_ratings(struct pt_db *db, const struct pt_survey *s,
				 struct pt_assessment_set *out,
				 char (**reasons)[PT_SURVEY_REASON_MAX], struct pt_diag *d)
{
	static const int of[] = {SV_FEMA_OF, SV_CARVER_OF, SV_QUANT_OF};
	struct ratings_read r = {out, NULL, 0};
	struct pt_db_rows rows = {.elem_size = 0, .max = SIZE_MAX, .fill = rating_from_row};
	sqlite3_stmt *st;
	enum pt_err err;
	pt_assessment_set_clear(out);
	out->method = s->method;
	*reasons = NULL;
	rows.ctx = &r;
	if ((int)s->method < 0 || (int)s->method > PT_METHOD_QUANT)
		return pt_diag_set(d, PT_EINVAL, 0, "", "unknown assessment method");
	if ((err = pt_db_prepare(db, &stmts, of[s->method], &st, d)) != PT_OK)
		return err;
	if (sqlite3_bind_int64(st, 1, s->id) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, SQLITE_ERROR, d, "reading a visit's ratings");
	}
	err = pt_db_rows_read(db, st, &rows, "reading a visit's ratings", d);
	if (err != PT_OK) {
		free(r.reasons);
		pt_assessment_set_clear(out);
		return err;
	}
	*reasons = r.reasons;
	return PT_OK;
}

enum pt_err pt_db_survey_confirm(struct pt_db *db, long long id, const char *by, const char *at,
				 struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, SV_CONFIRM, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 2, by);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 3, at);
	if ((err = pt_db_step_done(db, st, rc, "confirming a visit", d)) != PT_OK)
		return err;
	if (pt_db_changes(db) != 1)
		return pt_diag_set(d, PT_ECONFLICT, 0, "", "visit %lld is confirmed already", id);
	return PT_OK;
}

enum pt_err pt_db_survey_latest(struct pt_db *db, const char *site_id, enum pt_method method,
				const char *threat_id, long long *id, struct pt_diag *d)
{
	static const int latest[] = {SV_LATEST_FEMA, SV_LATEST_CARVER, SV_LATEST_QUANT};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*id = 0;
	if ((int)method < 0 || (int)method > PT_METHOD_QUANT)
		return pt_diag_set(d, PT_EINVAL, 0, "", "unknown assessment method");
	if ((err = pt_db_prepare(db, &stmts, latest[method], &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_text(st, 1, site_id);
	if (rc == SQLITE_OK)
		rc = threat_id ? pt_db_bind_text(st, 2, threat_id) : sqlite3_bind_null(st, 2);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 3, pt_method_name(method));
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pt_db_fail(db, rc, d, "finding the latest visit");
	return PT_OK;
}

static enum pt_err seen_from_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_survey_seen *s = row;
	enum pt_err err;
	(void)ctx;
	if ((err = pt_db_col_text(st, 0, s->site_id, sizeof s->site_id, d)) != PT_OK)
		return err;
	pt_db_col_copy(st, 1, s->seen_until, sizeof s->seen_until);
	return PT_OK;
}

enum pt_err pt_db_surveys_seen(struct pt_db *db, enum pt_method method,
			       struct pt_survey_seen **out, size_t *n, struct pt_diag *d)
{
	struct pt_db_rows rows = {.elem_size = sizeof(struct pt_survey_seen),
				  .max = SIZE_MAX,
				  .too_many = "too many sites",
				  .fill = seen_from_row};
	sqlite3_stmt *st;
	enum pt_err err;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, SV_SEEN, &st, d)) != PT_OK)
		return err;
	if (pt_db_bind_text(st, 1, pt_method_name(method)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, SQLITE_ERROR, d, "reading what visits saw");
	}
	if ((err = pt_db_rows_read(db, st, &rows, "reading what visits saw", d)) != PT_OK)
		return err;
	*out = rows.items;
	*n = rows.n;
	return PT_OK;
}

/* ---- visits of an import or an edit -------------------------------------- */

/* The site id of row i of set. */
static const char *row_site(const struct pt_assessment_set *set, size_t i)
{
	return set->method == PT_METHOD_FEMA	 ? set->fema[i].site_id
	       : set->method == PT_METHOD_CARVER ? set->carver[i].site_id
						 : set->quant[i].site_id;
}

/* A row of a set by its site, to group the rows of each site. */
struct row_ref {
	const char *site;
	size_t i;
};

/* By site id, then by row order. */
static int row_cmp(const void *a, const void *b)
{
	const struct row_ref *x = a, *y = b;
	int c = strcmp(x->site, y->site);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

enum pt_err pt_db_surveys_record_set(struct pt_db *db, const struct pt_assessment_set *set,
				     enum pt_survey_source source, const char *visited_at,
				     struct pt_diag *d)
{
	static const int put[] = {SV_FEMA_PUT, SV_CARVER_PUT, SV_QUANT_PUT};
	struct pt_survey s;
	const char *name = NULL;
	long long uid = 0, org = 0;
	int64_t now = 0;
	struct row_ref *order;
	size_t i;
	enum pt_err err = PT_OK;

	if (!set->n)
		return PT_OK;
	if ((int)set->method < 0 || (int)set->method > PT_METHOD_QUANT)
		return pt_diag_set(d, PT_EINVAL, 0, "", "unknown assessment method");
	if (!(order = malloc(set->n * sizeof *order)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; i < set->n; i++) {
		order[i].site = row_site(set, i);
		order[i].i = i;
	}
	qsort(order, set->n, sizeof *order, row_cmp);
	memset(&s, 0, sizeof s);
	pt_db_actor(db, &uid, &org, &name, &now);
	s.method = set->method;
	s.source = source;
	s.confirmed = 1;
	s.assessor_id = uid > 0 ? uid : 0;
	pt_strlcpy(s.visited_at, visited_at, sizeof s.visited_at);
	pt_strlcpy(s.assessor, name && *name ? name : "system administrator", sizeof s.assessor);
	pt_strlcpy(s.confirmed_by, s.assessor, sizeof s.confirmed_by);
	pt_strlcpy(s.confirmed_at, visited_at, sizeof s.confirmed_at);
	pt_strlcpy(s.seen_until, visited_at, sizeof s.seen_until);
	pt_strlcpy(s.created_at, visited_at, sizeof s.created_at);
	/* one visit per site, with the site's rows */
	for (i = 0; i < set->n && err == PT_OK; i++) {
		const char *site = order[i].site;
		sqlite3_stmt *st;
		int rc;
		if (i == 0 || strcmp(site, order[i - 1].site) != 0) {
			pt_strlcpy(s.site_id, site, sizeof s.site_id);
			if ((err = pt_db_survey_create(db, &s, d)) != PT_OK)
				break;
		}
		if ((err = pt_db_prepare(db, &stmts, put[set->method], &st, d)) != PT_OK)
			break;
		rc = sqlite3_bind_int64(st, 1, s.id);
		if (rc == SQLITE_OK)
			rc = rating_bind(st, set, order[i].i, NULL);
		err = pt_db_step_done(db, st, rc, "recording a visit's rating", d);
	}
	free(order);
	return err;
}
