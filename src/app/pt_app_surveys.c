/* pt_app_surveys.c - assessment visits (surveys): start, answer, rate,
 * confirm, read; the questionnaires; what the counting visits saw
 * (pt_app_surveys.h; issue 16 item 3). */
#include "pt_app_surveys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/pt_score.h"
#include "../formats/pt_diag.h"
#include "../formats/pt_embedded.h"
#include "../store/pt_audit.h"
#include "../store/pt_catalog_store.h"
#include "../store/pt_db.h"
#include "../store/pt_measures_store.h"
#include "../store/pt_site_store.h"
#include "../store/pt_survey_store.h"
#include "../store/pt_user_store.h"
#include "pt_app_audit.h"
#include "pt_app_measures.h"

void pt_app_survey_stamp(const struct pt_caller *c, char out[PT_STAMP_MAX])
{
	time_t t = (time_t)pt_app_now(c ? c->now : 0);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, PT_STAMP_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm))
		pt_strlcpy(out, "1970-01-01T00:00:00Z", PT_STAMP_MAX);
}

/* ---- questionnaires --------------------------------------------------------- */

/*
 * Keep of each question's threats and measures those the registry's catalogues
 * hold (a registry may import catalogues of its own; the shipped files are
 * checked against the shipped catalogues by tests/unit/test_survey.c).
 */
static void questionnaire_fit(struct pt_questionnaire *q, const struct pt_catalog *threats,
			      const struct pt_measure_catalog *measures)
{
	size_t i, k, n;
	for (i = 0; i < q->n; i++) {
		struct pt_question *x = &q->q[i];
		for (k = n = 0; k < x->n_threats; k++)
			if (pt_catalog_find(threats, x->threats[k]) >= 0)
				memmove(x->threats[n++], x->threats[k], PT_ID_MAX);
		x->n_threats = n;
		for (k = n = 0; k < x->n_measures; k++)
			if (pt_measure_catalog_find(measures, x->measures[k]) >= 0)
				memmove(x->measures[n++], x->measures[k], PT_ID_MAX);
		x->n_measures = n;
	}
}

/* The questionnaire of kind, version (0: current), fitted to the catalogues of db. */
static enum pt_err questionnaire_load(struct pt_db *db, const char *kind, int version,
				      struct pt_questionnaire *out, struct pt_diag *d)
{
	const struct pt_embedded_file *f = NULL;
	struct pt_catalogs cat;
	struct pt_measure_catalog measures;
	char name[160];
	enum pt_err err;

	memset(out, 0, sizeof *out);
	if (!kind || !*kind || strlen(kind) >= PT_ID_MAX || strchr(kind, '/') || strchr(kind, '.'))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "kind", "no questionnaire for this kind");
	snprintf(name, sizeof name, "questionnaires/%s.json", kind);
	f = pt_embedded_find(name);
	memset(&cat, 0, sizeof cat);
	memset(&measures, 0, sizeof measures);
	if (!f)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "kind", "no questionnaire for kind %s", kind);
	if ((err = pt_db_catalogs_load(db, &cat, d)) != PT_OK ||
	    (err = pt_db_measures_load(db, &measures, d)) != PT_OK)
		goto out;
	err = pt_questionnaire_read_json(f->data, f->len, name, NULL, NULL, out, d);
	if (err == PT_OK && version > 0 && version != out->version) {
		/* an older version, kept under its number once a newer one replaced it */
		pt_questionnaire_clear(out);
		snprintf(name, sizeof name, "questionnaires/%s.v%d.json", kind, version);
		if (!(f = pt_embedded_find(name)))
			err = pt_diag_set(d, PT_ENOTFOUND, 0, "kind",
					  "version %d of the questionnaire of %s is not built in",
					  version, kind);
		else
			err = pt_questionnaire_read_json(f->data, f->len, name, NULL, NULL, out, d);
	}
	if (err == PT_OK)
		questionnaire_fit(out, &cat.threats, &measures);
out:
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
	pt_measure_catalog_clear(&measures);
	return err;
}

enum pt_err pt_app_questionnaire_get(const struct pt_caller *c, struct pt_db *db,
				     const char *kind, int version,
				     struct pt_questionnaire *out, struct pt_diag *d)
{
	enum pt_err err;
	(void)c; /* the questionnaires are CLEAR: written by the project, the same for everyone */
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		return err;
	err = questionnaire_load(db, kind, version, out, d);
	return pt_db_end(db, err, d);
}

/* ---- the site of a visit ------------------------------------------------------ */

/* Site id of c's snapshot when c may read it: *snap (release), the site and its record. */
static enum pt_err site_of(const struct pt_caller *c, struct pt_db *db, const char *id,
			   struct pt_snapshot **snap, struct pt_site *site,
			   struct pt_access_record *rec, struct pt_diag *d)
{
	long k;
	if (!(*snap = pt_app_snapshot(c, db, d)))
		return d && d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	k = id ? pt_snapshot_find(*snap, id) : -1;
	if (k >= 0)
		pt_snapshot_record(*snap, (size_t)k, rec);
	if (k < 0 || pt_access_read(&c->who, rec) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "", "not found");
	*site = (*snap)->sites.items[k];
	return PT_OK;
}

/* Visit id and its site, when c may read the site (else PT_ENOTFOUND alike). */
static enum pt_err visit_of(const struct pt_caller *c, struct pt_db *db, long long id,
			    struct pt_survey *s, struct pt_snapshot **snap, struct pt_site *site,
			    struct pt_access_record *rec, struct pt_diag *d)
{
	enum pt_err err;
	*snap = NULL;
	err = pt_db_survey_get(db, id, s, d);
	if (err == PT_ENOTFOUND)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "", "not found");
	if (err != PT_OK)
		return err;
	return site_of(c, db, s->site_id, snap, site, rec, d);
}

/* The audit entry action of visit s (record "surveys" ID, covering its site). */
static enum pt_err audit(struct pt_db *db, const char *action, const struct pt_survey *s,
			 const char *detail, struct pt_diag *d)
{
	char id[32];
	const char *site = s->site_id;
	snprintf(id, sizeof id, "%lld", s->id);
	return pt_audit_append_records(db, action, "surveys", id, detail, "sites", &site, 1, d);
}

/* A refusal's audit entry (pt_app_refused), on visit s's site: the audit list judges it by
 * the site's label (a refusal is only ever of a site the caller may read). */
static enum pt_err refused(const struct pt_caller *c, struct pt_db *db, const char *action,
			   const struct pt_survey *s, enum pt_err err, struct pt_diag *d)
{
	return pt_app_refused(c, db, action, "sites", s->site_id, err, d);
}

/* ---- start a visit --------------------------------------------------------------- */

/* days since 1970-01-01 of the civil date y-m-d (Howard Hinnant's algorithm). */
static long days_from_civil(long y, long m, long dd)
{
	long era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The visit's time: visited_on's last second, or now when that is later than now or on is "". */
static enum pt_err visit_time(const struct pt_caller *c, const char *on, char out[PT_STAMP_MAX],
			      struct pt_diag *d)
{
	char now[PT_STAMP_MAX];
	long y, m, dd, day, today;
	int n = 0;
	pt_app_survey_stamp(c, now);
	if (!on || !*on) {
		pt_strlcpy(out, now, PT_STAMP_MAX);
		return PT_OK;
	}
	if (strlen(on) != 10 || sscanf(on, "%4ld-%2ld-%2ld%n", &y, &m, &dd, &n) != 3 || n != 10 ||
	    on[4] != '-' || on[7] != '-' || m < 1 || m > 12 || dd < 1 || dd > 31 ||
	    days_from_civil(y, m, dd) != days_from_civil(y, m, 1) + dd - 1 ||
	    (dd > 28 && days_from_civil(y, m, dd) >= days_from_civil(m == 12 ? y + 1 : y,
								   m == 12 ? 1 : m + 1, 1)))
		return pt_diag_set(d, PT_EINVAL, 0, "visited_on",
				   "visited_on must be a date YYYY-MM-DD");
	day = days_from_civil(y, m, dd);
	today = (long)(pt_app_now(c->now) / 86400);
	if (day > today)
		return pt_diag_set(d, PT_EINVAL, 0, "visited_on",
				   "visited_on %s is in the future", on);
	if (day < today - PT_SURVEY_BACKDATE_DAYS)
		return pt_diag_set(d, PT_EINVAL, 0, "visited_on",
				   "visited_on %s is more than %d days ago", on,
				   PT_SURVEY_BACKDATE_DAYS);
	if (day == today)
		pt_strlcpy(out, now, PT_STAMP_MAX);
	else
		snprintf(out, PT_STAMP_MAX, "%.10sT23:59:59Z", on);
	return PT_OK;
}

struct start_write {
	struct pt_survey *s;
	struct pt_diag *d;
};

static enum pt_err write_start(struct pt_db *db, void *ctx)
{
	struct start_write *w = ctx;
	char detail[128];
	enum pt_err err;
	if ((err = pt_db_survey_create(db, w->s, w->d)) != PT_OK)
		return err;
	snprintf(detail, sizeof detail, "%s visit of %s on %.10s", pt_method_name(w->s->method),
		 w->s->site_id, w->s->visited_at);
	return audit(db, "survey.create", w->s, detail, w->d);
}

enum pt_err pt_app_survey_start(const struct pt_caller *c, struct pt_db *db, const char *site_id,
				const struct pt_survey_start *in, long long *id,
				struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_access_record rec;
	struct pt_site site;
	struct pt_questionnaire qn;
	struct pt_survey s;
	struct start_write w;
	enum pt_err err;

	*id = 0;
	memset(&qn, 0, sizeof qn);
	memset(&s, 0, sizeof s);
	if ((err = site_of(c, db, site_id, &snap, &site, &rec, d)) != PT_OK)
		goto out;
	if (pt_access_survey_record(&c->who, &rec) != PT_ACCESS_OK) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				  "your role or organisation may not record a visit of site %s",
				  site_id);
		goto out;
	}
	if (in->method != PT_METHOD_FEMA && in->method != PT_METHOD_QUANT) {
		err = pt_diag_set(d, PT_EINVAL, 0, "method",
				  "a questionnaire visit rates fema or quant (CARVER + Shock is "
				  "the attacker's view: edit or import it)");
		goto out;
	}
	if ((err = visit_time(c, in->visited_on, s.visited_at, d)) != PT_OK)
		goto out;
	{ /* attack review: drafts are bounded, so that a burst of them cannot push the site's
	   * confirmed visits out of its list */
		struct pt_survey *all = NULL;
		size_t n_all = 0, k, drafts = 0;
		if ((err = pt_db_surveys_of_site(db, site.id, &all, &n_all, d)) != PT_OK)
			goto out;
		for (k = 0; k < n_all; k++)
			drafts += !all[k].confirmed;
		free(all);
		if (drafts >= PT_SURVEY_DRAFTS_MAX) {
			err = pt_diag_set(d, PT_ECONFLICT, 0, "",
					  "site %s has %d draft visits already: finish and confirm one "
					  "before starting another",
					  site.id, PT_SURVEY_DRAFTS_MAX);
			goto out;
		}
	}
	/* a kind without a questionnaire (a registry's own catalogue): a visit rated by hand,
	 * every rating with its reason */
	if ((err = pt_app_questionnaire_get(c, db, site.kind, 0, &qn, d)) == PT_ENOTFOUND) {
		pt_diag_clear(d);
		err = PT_OK;
	}
	if (err != PT_OK)
		goto out;
	pt_strlcpy(s.site_id, site.id, sizeof s.site_id);
	s.method = in->method;
	s.source = PT_SOURCE_SURVEY;
	pt_strlcpy(s.assessor, c->name[0] ? c->name : PT_ACTOR_SYSTEM, sizeof s.assessor);
	s.assessor_id = c->who.system ? 0 : c->who.user_id;
	pt_strlcpy(s.questionnaire, qn.kind, sizeof s.questionnaire);
	s.questionnaire_version = qn.version;
	pt_strlcpy(s.seen_until, s.visited_at, sizeof s.seen_until);
	pt_app_survey_stamp(c, s.created_at);
	w.s = &s;
	w.d = d;
	pt_app_act(c, db);
	if ((err = pt_db_transaction(db, write_start, &w, d)) == PT_OK)
		*id = s.id;
out:
	err = pt_app_refused(c, db, "survey.create", "sites", site_id, err, d);
	pt_questionnaire_clear(&qn);
	pt_snapshot_release(snap);
	return err;
}

/* ---- reading ----------------------------------------------------------------- */

/* Audit a read of site (AMBER and above, when c audits reads). */
static enum pt_err read_audit(const struct pt_caller *c, struct pt_db *db,
			      const struct pt_site *site, struct pt_diag *d)
{
	struct pt_read_log log;
	memset(&log, 0, sizeof log);
	pt_read_log_note(&log, site);
	return pt_read_log_commit(c, db, "surveys.read", &log, d);
}

enum pt_err pt_app_surveys_list(const struct pt_caller *c, struct pt_db *db, const char *site_id,
				struct pt_survey **out, size_t *n, enum pt_tlp *tlp,
				struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_access_record rec;
	struct pt_site site;
	enum pt_err err;
	*out = NULL;
	*n = 0;
	if ((err = site_of(c, db, site_id, &snap, &site, &rec, d)) != PT_OK)
		goto out;
	*tlp = site.tlp;
	if ((err = pt_db_surveys_of_site(db, site.id, out, n, d)) != PT_OK)
		goto out;
	if ((err = read_audit(c, db, &site, d)) != PT_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
out:
	pt_snapshot_release(snap);
	return err;
}

/* The proposals of v (its questionnaire and answers), one per threat asked about, in
 * the threat catalogue's order; and the findings. */
static enum pt_err view_compute(struct pt_db *db, struct pt_survey_view *v, struct pt_diag *d)
{
	struct pt_catalogs cat;
	size_t i, k;
	enum pt_err err;
	memset(&cat, 0, sizeof cat);
	if (!v->qn.n)
		return PT_OK;
	if ((err = pt_db_catalogs_load(db, &cat, d)) != PT_OK)
		return err;
	v->proposals = calloc(cat.threats.n ? cat.threats.n : 1, sizeof *v->proposals);
	v->findings = calloc(v->qn.n, sizeof *v->findings);
	if (!v->proposals || !v->findings) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < cat.threats.n; i++) {
		struct pt_survey_proposal p;
		pt_survey_propose(&v->qn, v->answers, cat.threats.items[i].id, &p);
		if (p.n_questions)
			v->proposals[v->n_proposals++] = p;
	}
	/* findings: answered no, then partly, each in the questionnaire's order */
	for (k = 0; k < 2; k++)
		for (i = 0; i < v->qn.n; i++)
			if (v->answers[i] == (k == 0 ? PT_ANSWER_NO : PT_ANSWER_PARTLY))
				v->findings[v->n_findings++] = i;
out:
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
	return err;
}

/* Fill v's questionnaire, answers and ratings for visit s (in a read snapshot). */
static enum pt_err view_load(struct pt_db *db, const struct pt_survey *s,
			     struct pt_survey_view *v, struct pt_diag *d)
{
	struct pt_survey_answer_row *rows = NULL;
	size_t n = 0, i;
	enum pt_err err;
	v->survey = *s;
	if (s->questionnaire[0] &&
	    (err = questionnaire_load(db, s->questionnaire, s->questionnaire_version, &v->qn,
				      d)) != PT_OK)
		return err;
	if (!(v->answers = calloc(v->qn.n ? v->qn.n : 1, sizeof *v->answers)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = pt_db_survey_answers(db, s->id, &rows, &n, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		long k = pt_questionnaire_find(&v->qn, rows[i].question_id);
		if (k >= 0)
			v->answers[k] = rows[i].answer;
	}
	free(rows);
	if ((err = pt_db_survey_ratings(db, s, &v->ratings, &v->reasons, d)) != PT_OK)
		return err;
	return view_compute(db, v, d);
}

enum pt_err pt_app_survey_get(const struct pt_caller *c, struct pt_db *db, long long id,
			      struct pt_survey_view *out, struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_access_record rec;
	struct pt_site site;
	struct pt_survey s;
	enum pt_err err;
	memset(out, 0, sizeof *out);
	if ((err = visit_of(c, db, id, &s, &snap, &site, &rec, d)) != PT_OK)
		goto out;
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		goto out;
	err = view_load(db, &s, out, d);
	if ((err = pt_db_end(db, err, d)) != PT_OK)
		goto out;
	pt_strlcpy(out->site_name, site.name, sizeof out->site_name);
	out->tlp = site.tlp;
	out->can_record = !s.confirmed &&
			  pt_access_survey_change(&c->who, &rec, s.assessor_id) == PT_ACCESS_OK;
	out->can_confirm = !s.confirmed && out->ratings.n > 0 &&
			   pt_access_survey_confirm(&c->who, &rec) == PT_ACCESS_OK &&
			   (c->who.system || c->who.user_id != s.assessor_id);
	err = read_audit(c, db, &site, d);
out:
	if (err != PT_OK)
		pt_survey_view_clear(out);
	pt_snapshot_release(snap);
	return err;
}

/* ---- answering and rating ------------------------------------------------------ */

/* Visit id as a draft c may change: *s, *site; PT_ENOTFOUND, PT_EFORBIDDEN, PT_ECONFLICT. */
static enum pt_err draft_of(const struct pt_caller *c, struct pt_db *db, long long id,
			    struct pt_survey *s, struct pt_snapshot **snap, struct pt_site *site,
			    struct pt_diag *d)
{
	struct pt_access_record rec;
	enum pt_access a;
	enum pt_err err;
	if ((err = visit_of(c, db, id, s, snap, site, &rec, d)) != PT_OK)
		return err;
	a = pt_access_survey_change(&c->who, &rec, s->assessor_id);
	if (a == PT_ACCESS_NOT_FOUND)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "", "not found");
	if (a != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				   "only the visit's assessor (%s) may change its answers and "
				   "ratings",
				   s->assessor);
	if (s->confirmed)
		return pt_diag_set(d, PT_ECONFLICT, 0, "",
				   "visit %lld is confirmed: start a new visit to change it", id);
	return PT_OK;
}

struct answer_write {
	const struct pt_survey *s;
	const struct pt_survey_answer_row *rows;
	size_t n;
	struct pt_diag *d;
};

static enum pt_err write_answers(struct pt_db *db, void *ctx)
{
	struct answer_write *w = ctx;
	struct pt_survey now;
	char detail[64];
	enum pt_err err;
	/* still a draft in this transaction */
	if ((err = pt_db_survey_get(db, w->s->id, &now, w->d)) != PT_OK)
		return err;
	if (now.confirmed)
		return pt_diag_set(w->d, PT_ECONFLICT, 0, "", "visit %lld is confirmed", now.id);
	if ((err = pt_db_survey_answers_put(db, w->s->id, w->rows, w->n, w->d)) != PT_OK)
		return err;
	snprintf(detail, sizeof detail, "%zu answers", w->n);
	return audit(db, "survey.answers", w->s, detail, w->d);
}

enum pt_err pt_app_survey_answer(const struct pt_caller *c, struct pt_db *db, long long id,
				 const struct pt_survey_answer_row *rows, size_t n,
				 struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_questionnaire qn;
	struct pt_site site;
	struct pt_survey s;
	struct answer_write w;
	enum pt_err err;
	size_t i;
	memset(&qn, 0, sizeof qn);
	memset(&s, 0, sizeof s);
	if ((err = draft_of(c, db, id, &s, &snap, &site, d)) != PT_OK)
		goto out;
	if (!s.questionnaire[0]) {
		err = pt_diag_set(d, PT_EINVAL, 0, "answers",
				  "visit %lld has no questionnaire (none for its kind of site): rate it "
				  "directly, with reasons",
				  id);
		goto out;
	}
	if ((err = pt_app_questionnaire_get(c, db, s.questionnaire, s.questionnaire_version, &qn,
					    d)) != PT_OK)
		goto out;
	if (n > qn.n) {
		err = pt_diag_set(d, PT_EINVAL, 0, "answers",
				  "at most %zu answers (the questionnaire's questions)", qn.n);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (pt_questionnaire_find(&qn, rows[i].question_id) < 0) {
			char field[96];
			snprintf(field, sizeof field, "answers.%s", rows[i].question_id);
			err = pt_diag_set(d, PT_EINVAL, 0, field,
					  "no question '%s' in the questionnaire of %s, version %d",
					  rows[i].question_id, qn.kind, qn.version);
			goto out;
		}
	w.s = &s;
	w.rows = rows;
	w.n = n;
	w.d = d;
	pt_app_act(c, db);
	err = pt_db_transaction(db, write_answers, &w, d);
out:
	err = refused(c, db, "survey.answers", &s, err, d);
	pt_questionnaire_clear(&qn);
	pt_snapshot_release(snap);
	return err;
}

/* 1 when the two ranges are equal. */
static int range_eq(const struct pt_range *a, const struct pt_range *b)
{
	return a->min == b->min && a->mode == b->mode && a->max == b->max;
}

/* The field name "items[i].name" into field. */
static const char *item_field(char *field, size_t cap, size_t i, const char *name)
{
	snprintf(field, cap, "items[%zu].%s", i, name);
	return field;
}

/* 1 when s holds more than blanks. */
static int has_text(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 1;
	return 0;
}

/*
 * The rating of item i into set (from the proposal p, the current rows cur of the site,
 * and what it gives); errors name items[i].FIELD and the threat as who ("Name (id)").
 */
static enum pt_err rating_build(const struct pt_survey *s, const struct pt_survey_rating_in *it,
				size_t i, const char *who, const struct pt_survey_proposal *p,
				const struct pt_assessment_set *cur, struct pt_assessment_set *set,
				struct pt_diag *d)
{
	char field[128];
	size_t k;
	long found = -1;
	int differs;
	enum pt_err err;
	for (k = 0; k < cur->n; k++)
		if (strcmp(s->method == PT_METHOD_FEMA ? cur->fema[k].threat_id
						       : cur->quant[k].threat_id,
			   it->threat_id) == 0)
			found = (long)k;
	if (s->method == PT_METHOD_FEMA) {
		struct pt_fema_row r;
		struct pt_diag rd;
		memset(&r, 0, sizeof r);
		memset(&rd, 0, sizeof rd);
		pt_strlcpy(r.site_id, s->site_id, sizeof r.site_id);
		pt_strlcpy(r.threat_id, it->threat_id, sizeof r.threat_id);
		r.asset_value = it->asset_value ? it->asset_value
				: found >= 0	? cur->fema[found].asset_value
						: 0;
		r.threat_rating = it->threat_rating ? it->threat_rating
				  : found >= 0	    ? cur->fema[found].threat_rating
						    : 0;
		r.vulnerability_rating = it->vulnerability_rating ? it->vulnerability_rating
					 : p && p->proposed	  ? p->vulnerability
								  : 0;
		if (!r.asset_value)
			return pt_diag_set(d, PT_EINVAL, 0, item_field(field, sizeof field, i, "asset_value"),
					   "no current rating of %s: give asset_value", who);
		if (!r.threat_rating)
			return pt_diag_set(d, PT_EINVAL, 0,
					   item_field(field, sizeof field, i, "threat_rating"),
					   "no current rating of %s: give threat_rating", who);
		if (!r.vulnerability_rating)
			return pt_diag_set(d, PT_EINVAL, 0,
					   item_field(field, sizeof field, i, "vulnerability_rating"),
					   "no proposal for %s (under 70%% of its questions answered): "
					   "give vulnerability_rating and a reason",
					   who);
		if (pt_fema_check(&r, &rd, 0) != PT_OK)
			return pt_diag_set(d, PT_EINVAL, 0, item_field(field, sizeof field, i, rd.field),
					   "%s", rd.msg);
		differs = !(p && p->proposed) || r.vulnerability_rating != p->vulnerability;
		if ((err = pt_assessment_set_add_fema(set, &r, (long)i + 1)) != PT_OK)
			return pt_diag_set(d, err, 0, "", "out of memory");
	} else {
		struct pt_quant_row r;
		int v;
		memset(&r, 0, sizeof r);
		pt_strlcpy(r.site_id, s->site_id, sizeof r.site_id);
		pt_strlcpy(r.threat_id, it->threat_id, sizeof r.threat_id);
		for (v = 0; v < PT_QV_COUNT; v++) {
			const char *name = pt_quant_var_name((enum pt_quant_var)v);
			struct pt_diag rd;
			memset(&rd, 0, sizeof rd);
			if (it->quant_given & (1u << v))
				r.var[v] = it->var[v];
			else if (v == PT_QV_P_SUCCESS && p && p->proposed)
				r.var[v] = p->p_success;
			else if (found >= 0)
				r.var[v] = cur->quant[found].var[v];
			else
				return pt_diag_set(d, PT_EINVAL, 0, item_field(field, sizeof field, i, name),
						   v == PT_QV_P_SUCCESS
							   ? "no proposal for %s (under 70%% of its "
							     "questions answered): give p_success and a reason"
							   : "no current rating of %s: give every range",
						   who);
			if (pt_range_check(&r.var[v], 0, v <= PT_QV_P_SUCCESS ? 1.0 : 1e300, &rd, 0,
					   name) != PT_OK)
				return pt_diag_set(d, PT_EINVAL, 0, item_field(field, sizeof field, i, name),
						   "%s", rd.msg);
		}
		differs = !(p && p->proposed) || !range_eq(&r.var[PT_QV_P_SUCCESS], &p->p_success);
		if ((err = pt_assessment_set_add_quant(set, &r, (long)i + 1)) != PT_OK)
			return pt_diag_set(d, err, 0, "", "out of memory");
	}
	if (differs && !has_text(it->reason))
		return pt_diag_set(d, PT_EINVAL, 0, item_field(field, sizeof field, i, "reason"),
				   "the rating of %s is not the questionnaire's proposal: say why",
				   who);
	return PT_OK;
}

struct rate_write {
	const struct pt_survey *s;
	const struct pt_assessment_set *set;
	char (*reasons)[PT_SURVEY_REASON_MAX];
	struct pt_diag *d;
};

static enum pt_err write_ratings(struct pt_db *db, void *ctx)
{
	struct rate_write *w = ctx;
	struct pt_survey now;
	char detail[64];
	enum pt_err err;
	if ((err = pt_db_survey_get(db, w->s->id, &now, w->d)) != PT_OK)
		return err;
	if (now.confirmed)
		return pt_diag_set(w->d, PT_ECONFLICT, 0, "", "visit %lld is confirmed", now.id);
	if ((err = pt_db_survey_ratings_put(db, w->s->id, w->set,
					    (const char(*)[PT_SURVEY_REASON_MAX])w->reasons,
					    w->d)) != PT_OK)
		return err;
	snprintf(detail, sizeof detail, "%zu %s ratings", w->set->n, pt_method_name(w->s->method));
	return audit(db, "survey.ratings", w->s, detail, w->d);
}

enum pt_err pt_app_survey_rate(const struct pt_caller *c, struct pt_db *db, long long id,
			       const struct pt_survey_rating_in *items, size_t n,
			       struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_survey_view v;
	struct pt_assessment_set cur, set;
	struct pt_catalogs cat; /* the threats' names for the messages */
	struct pt_site site;
	struct pt_survey s;
	struct rate_write w;
	char (*reasons)[PT_SURVEY_REASON_MAX] = NULL;
	enum pt_err err;
	size_t i, k;

	memset(&v, 0, sizeof v);
	memset(&s, 0, sizeof s);
	memset(&cur, 0, sizeof cur);
	memset(&set, 0, sizeof set);
	memset(&cat, 0, sizeof cat);
	if ((err = draft_of(c, db, id, &s, &snap, &site, d)) != PT_OK)
		goto out;
	if (n == 0 || n > PT_CATALOG_MAX) {
		err = pt_diag_set(d, PT_EINVAL, 0, "items", "give 1 to %d ratings", PT_CATALOG_MAX);
		goto out;
	}
	if ((err = pt_db_begin_read(db, d)) != PT_OK)
		goto out;
	err = view_load(db, &s, &v, d);
	if (err == PT_OK)
		err = pt_db_site_assessments(db, s.site_id, s.method, &cur, d);
	if (err == PT_OK)
		err = pt_db_catalogs_load(db, &cat, d);
	if ((err = pt_db_end(db, err, d)) != PT_OK)
		goto out;
	if (!(reasons = calloc(n, sizeof *reasons))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	set.method = s.method;
	for (i = 0; i < n; i++) {
		const struct pt_survey_proposal *p = NULL;
		char field[128], who[PT_NAME_MAX + PT_ID_MAX + 4];
		long t = pt_catalog_find(&cat.threats, items[i].threat_id);
		for (k = 0; k < i; k++)
			if (strcmp(items[k].threat_id, items[i].threat_id) == 0) {
				err = pt_diag_set(d, PT_EINVAL, 0,
						  item_field(field, sizeof field, i, "threat_id"),
						  "'%s' is given twice", items[i].threat_id);
				goto out;
			}
		for (k = 0; k < v.n_proposals; k++)
			if (strcmp(v.proposals[k].threat_id, items[i].threat_id) == 0)
				p = &v.proposals[k];
		if (!p && !has_text(items[i].reason) && !items[i].vulnerability_rating &&
		    !items[i].quant_given) {
			err = pt_diag_set(d, PT_EINVAL, 0, item_field(field, sizeof field, i, "threat_id"),
					  "the questionnaire asks nothing about '%s': rate it "
					  "yourself, with a reason",
					  items[i].threat_id);
			goto out;
		}
		if (t >= 0)
			snprintf(who, sizeof who, "%s (%s)", cat.threats.items[t].name,
				 items[i].threat_id);
		else
			pt_strlcpy(who, items[i].threat_id, sizeof who);
		if ((err = rating_build(&s, &items[i], i, who, p, &cur, &set, d)) != PT_OK)
			goto out;
		pt_strlcpy(reasons[i], items[i].reason, PT_SURVEY_REASON_MAX);
	}
	w.s = &s;
	w.set = &set;
	w.reasons = reasons;
	w.d = d;
	pt_app_act(c, db);
	err = pt_db_transaction(db, write_ratings, &w, d);
out:
	err = refused(c, db, "survey.ratings", &s, err, d);
	free(reasons);
	pt_assessment_set_clear(&cur);
	pt_assessment_set_clear(&set);
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
	pt_survey_view_clear(&v);
	pt_snapshot_release(snap);
	return err;
}

/* ---- confirming -------------------------------------------------------------------- */

struct confirm_write {
	const struct pt_caller *c;
	const struct pt_survey *s;
	size_t counted, rated;
	struct pt_diag *d;
};

static enum pt_err write_confirm(struct pt_db *db, void *ctx)
{
	struct confirm_write *w = ctx;
	struct pt_assessment_set rated, counts;
	char (*reasons)[PT_SURVEY_REASON_MAX] = NULL;
	char at[PT_STAMP_MAX], detail[96];
	enum pt_err err;
	size_t i;
	memset(&rated, 0, sizeof rated);
	memset(&counts, 0, sizeof counts);
	pt_app_survey_stamp(w->c, at);
	if ((err = pt_db_survey_confirm(db, w->s->id,
					w->c->name[0] ? w->c->name : PT_ACTOR_SYSTEM, at, w->d)) !=
	    PT_OK)
		goto out;
	if ((err = pt_db_survey_ratings(db, w->s, &rated, &reasons, w->d)) != PT_OK)
		goto out;
	counts.method = rated.method;
	/* each rating the latest confirmed one of its threat replaces the current rating */
	for (i = 0; i < rated.n && err == PT_OK; i++) {
		const char *threat = rated.method == PT_METHOD_FEMA ? rated.fema[i].threat_id
				     : rated.method == PT_METHOD_QUANT ? rated.quant[i].threat_id
								       : NULL;
		long long latest = 0;
		if ((err = pt_db_survey_latest(db, w->s->site_id, rated.method, threat, &latest,
					       w->d)) != PT_OK || latest != w->s->id)
			continue;
		if (rated.method == PT_METHOD_FEMA)
			err = pt_assessment_set_add_fema(&counts, &rated.fema[i], 0);
		else if (rated.method == PT_METHOD_QUANT)
			err = pt_assessment_set_add_quant(&counts, &rated.quant[i], 0);
		else
			err = pt_assessment_set_add_carver(&counts, &rated.carver[i], 0);
		if (err != PT_OK)
			err = pt_diag_set(w->d, err, 0, "", "out of memory");
	}
	if (err != PT_OK)
		goto out;
	if (counts.n && (err = pt_db_assessments_put(db, &counts, w->d)) != PT_OK)
		goto out;
	w->counted = counts.n;
	w->rated = rated.n;
	snprintf(detail, sizeof detail, "%zu of %zu %s ratings now count", counts.n, rated.n,
		 pt_method_name(rated.method));
	err = audit(db, "survey.confirm", w->s, detail, w->d);
out:
	free(reasons);
	pt_assessment_set_clear(&rated);
	pt_assessment_set_clear(&counts);
	return err;
}

enum pt_err pt_app_survey_confirm(const struct pt_caller *c, struct pt_db *db, long long id,
				  size_t *counted, struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct pt_access_record rec;
	struct pt_assessment_set rated;
	char (*reasons)[PT_SURVEY_REASON_MAX] = NULL;
	long long caller_makers[PT_DUTY_CHAIN], assessor_makers[PT_DUTY_CHAIN];
	struct confirm_write w;
	struct pt_site site;
	struct pt_survey s;
	enum pt_duty_conflict duty;
	enum pt_access a;
	enum pt_err err;

	memset(&rated, 0, sizeof rated);
	memset(&s, 0, sizeof s);
	if (counted)
		*counted = 0;
	if ((err = visit_of(c, db, id, &s, &snap, &site, &rec, d)) != PT_OK)
		goto out;
	if ((a = pt_access_survey_confirm(&c->who, &rec)) != PT_ACCESS_OK) {
		err = a == PT_ACCESS_NOT_FOUND
			      ? pt_diag_set(d, PT_ENOTFOUND, 0, "", "not found")
			      : pt_diag_set(d, PT_EFORBIDDEN, 0, "",
					    "your role or organisation may not confirm visits of "
					    "site %s",
					    s.site_id);
		goto out;
	}
	if ((err = pt_app_maker_chain(db, c->who.system ? 0 : c->who.user_id, caller_makers, d)) != PT_OK ||
	    (err = pt_app_maker_chain(db, s.assessor_id, assessor_makers, d)) != PT_OK)
		goto out;
	duty = pt_access_survey_duty(&c->who, s.assessor_id, caller_makers, assessor_makers);
	if (duty != PT_DUTY_NONE) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				  duty == PT_DUTY_TWO_STEPS
					  ? "a second person confirms a visit: its assessor (%s) "
					    "may not"
					  : "a second person confirms a visit: you and its assessor "
					    "(%s) made one another or share a maker",
				  s.assessor);
		goto out;
	}
	if (s.confirmed) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "", "visit %lld is confirmed already", id);
		goto out;
	}
	if ((err = pt_db_survey_ratings(db, &s, &rated, &reasons, d)) != PT_OK)
		goto out;
	if (!rated.n) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "",
				  "visit %lld has no ratings yet: its assessor rates first", id);
		goto out;
	}
	memset(&w, 0, sizeof w);
	w.c = c;
	w.s = &s;
	w.d = d;
	pt_app_act(c, db);
	if ((err = pt_db_transaction(db, write_confirm, &w, d)) == PT_OK && counted)
		*counted = w.counted;
out:
	err = refused(c, db, "survey.confirm", &s, err, d);
	free(reasons);
	pt_assessment_set_clear(&rated);
	pt_snapshot_release(snap);
	return err;
}

/* ---- what the counting visits saw -------------------------------------------------- */

enum pt_err pt_app_measures_seen(struct pt_db *db, struct pt_site_measure_row *sm, size_t n,
				 struct pt_diag *d)
{
	struct pt_survey_seen *seen = NULL;
	size_t n_seen = 0, i, lo, hi;
	enum pt_err err;
	if (!n)
		return PT_OK;
	if ((err = pt_db_surveys_seen(db, PT_METHOD_QUANT, &seen, &n_seen, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++) {
		/* seen is ordered by site id */
		lo = 0;
		hi = n_seen;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(seen[mid].site_id, sm[i].site_id) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n_seen && strcmp(seen[lo].site_id, sm[i].site_id) == 0 &&
		    pt_survey_measure_seen((int)sm[i].status, sm[i].changed_at, seen[lo].seen_until))
			sm[i].status = PT_SM_EXISTING;
	}
	free(seen);
	return PT_OK;
}
