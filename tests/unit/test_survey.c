/* test_survey.c - the questionnaire's arithmetic with hand-computed figures
 * (src/core/pt_survey.c), the questionnaire files (src/formats/pt_survey_io.c),
 * and assessment visits end to end on an in-memory registry (src/store/pt_survey_store.c,
 * src/app/pt_app_surveys.c): start, answer, rate, confirm, which visit counts, imports. */
#include "app/pt_app_registry.h"
#include "app/pt_app_sites.h"
#include "app/pt_app_surveys.h"
#include "app_fixture.h"
#include "app_plan_fixture.h"
#include "core/pt_plan_records.h"
#include "core/pt_survey.h"
#include "formats/pt_embedded.h"
#include "formats/pt_measures_io.h"
#include "formats/pt_survey_io.h"
#include "store/pt_site_store.h"
#include "store/pt_store_int.h"
#include "store/pt_survey_store.h"

/* A questionnaire of n questions all tied to "arson", weights w[i]. */
static void small_qn(struct pt_questionnaire *q, size_t n, const double *w)
{
	size_t i;
	memset(q, 0, sizeof *q);
	q->q = calloc(n, sizeof *q->q);
	q->n = n;
	q->version = 1;
	pt_strlcpy(q->kind, "soft_target", sizeof q->kind);
	for (i = 0; i < n; i++) {
		snprintf(q->q[i].id, sizeof q->q[i].id, "q%zu", i + 1);
		pt_strlcpy(q->q[i].family, "prevent", sizeof q->q[i].family);
		pt_strlcpy(q->q[i].threats[0], "arson", PT_ID_MAX);
		q->q[i].n_threats = 1;
		q->q[i].weight = w ? w[i] : 1;
	}
}

static void test_deficiency(void)
{
	/* weights 3, 1, 2, 2: answers no (1), partly (0.5), yes (0), n.a. (left out) */
	static const double w[] = {3, 1, 2, 2};
	enum pt_answer a[] = {PT_ANSWER_NO, PT_ANSWER_PARTLY, PT_ANSWER_YES, PT_ANSWER_NA};
	struct pt_questionnaire q;
	struct pt_survey_proposal p;
	small_qn(&q, 4, w);
	pt_survey_propose(&q, a, "arson", &p);
	/* (3 x 1 + 1 x 0.5 + 2 x 0) / (3 + 1 + 2) = 3.5 / 6 = 0.58333; V = round(1 + 5.25) = 6 */
	CHECK_INT(p.n_questions, 4);
	CHECK_INT(p.n_answered, 4);
	CHECK_INT(p.n_rated, 3);
	CHECK_NEAR(p.deficiency, 3.5 / 6.0, 1e-12);
	CHECK_INT(p.proposed, 1);
	CHECK_INT(p.vulnerability, 6);
	CHECK_NEAR(p.p_success.mode, 0.48, 1e-12);
	/* a threat no question asks about: nothing */
	pt_survey_propose(&q, a, "drone_uas", &p);
	CHECK_INT(p.n_questions, 0);
	CHECK_INT(p.proposed, 0);
	/* every answer n.a.: answered, but nothing to rate */
	a[0] = a[1] = a[2] = PT_ANSWER_NA;
	pt_survey_propose(&q, a, "arson", &p);
	CHECK_INT(p.n_answered, 4);
	CHECK_INT(p.n_rated, 0);
	CHECK_INT(p.proposed, 0);
	pt_questionnaire_clear(&q);
}

static void test_threshold(void)
{
	/* 10 questions: 7 answered is 70 % (a proposal), 6 is not */
	enum pt_answer a[10];
	struct pt_questionnaire q;
	struct pt_survey_proposal p;
	size_t i;
	small_qn(&q, 10, NULL);
	for (i = 0; i < 10; i++)
		a[i] = i < 6 ? PT_ANSWER_YES : PT_ANSWER_NONE;
	pt_survey_propose(&q, a, "arson", &p);
	CHECK_INT(p.n_answered, 6);
	CHECK_INT(p.proposed, 0);
	a[6] = PT_ANSWER_NO;
	pt_survey_propose(&q, a, "arson", &p);
	CHECK_INT(p.n_answered, 7);
	CHECK_INT(p.proposed, 1);
	/* deficiency 1 / 7 = 0.142857; V = round(1 + 1.2857) = 2 */
	CHECK_NEAR(p.deficiency, 1.0 / 7.0, 1e-12);
	CHECK_INT(p.vulnerability, 2);
	pt_questionnaire_clear(&q);
}

static void test_rules(void)
{
	struct pt_range r;
	CHECK_INT(pt_survey_vulnerability(0), 1);
	CHECK_INT(pt_survey_vulnerability(1), 10);
	CHECK_INT(pt_survey_vulnerability(0.5), 6);   /* 5.5 rounds up */
	CHECK_INT(pt_survey_vulnerability(0.25), 3);  /* 3.25 */
	CHECK_INT(pt_survey_vulnerability(0.75), 8);  /* 7.75 */
	/* ps = 0.08 V (2 places), min 0.6 ps, max min(0.95, 1.4 ps) */
	r = pt_survey_p_success(1); /* 0.08: 0.048 -> 0.05, 0.112 -> 0.11 */
	CHECK_NEAR(r.min, 0.05, 1e-12);
	CHECK_NEAR(r.mode, 0.08, 1e-12);
	CHECK_NEAR(r.max, 0.11, 1e-12);
	r = pt_survey_p_success(6); /* 0.48: 0.288 -> 0.29, 0.672 -> 0.67 */
	CHECK_NEAR(r.min, 0.29, 1e-12);
	CHECK_NEAR(r.max, 0.67, 1e-12);
	r = pt_survey_p_success(10); /* 0.8: 0.48, 1.12 -> 0.95 */
	CHECK_NEAR(r.min, 0.48, 1e-12);
	CHECK_NEAR(r.mode, 0.8, 1e-12);
	CHECK_NEAR(r.max, 0.95, 1e-12);
	/* what a visit saw: installed or verified at or before its seen_until */
	CHECK_INT(pt_survey_measure_seen(PT_SM_INSTALLED, "2026-11-01T10:00:00Z", "2026-11-02T23:59:59Z"), 1);
	CHECK_INT(pt_survey_measure_seen(PT_SM_VERIFIED, "2026-11-02T23:59:59Z", "2026-11-02T23:59:59Z"), 1);
	CHECK_INT(pt_survey_measure_seen(PT_SM_INSTALLED, "2026-11-03T00:00:00Z", "2026-11-02T23:59:59Z"), 0);
	CHECK_INT(pt_survey_measure_seen(PT_SM_ACCEPTED, "2026-11-01T10:00:00Z", "2026-11-02T23:59:59Z"), 0);
	CHECK_INT(pt_survey_measure_seen(PT_SM_INSTALLED, "2026-11-01T10:00:00Z", ""), 0);
	CHECK_INT(pt_survey_measure_seen(PT_SM_INSTALLED, "", "2026-11-02T23:59:59Z"), 0);
}

static void test_files(void)
{
	static const char *const kinds[] = {"critical_infrastructure", "soft_target", "public_space"};
	const struct pt_embedded_file *mf = pt_embedded_find("catalog/measures.csv");
	struct pt_catalogs cat;
	struct pt_measure_catalog measures;
	struct pt_questionnaire q;
	struct pt_diag d;
	size_t k;
	memset(&d, 0, sizeof d);
	memset(&cat, 0, sizeof cat);
	memset(&measures, 0, sizeof measures);
	CHECK_INT(pt_app_catalogs_builtin(&cat, &d), PT_OK);
	CHECK(mf != NULL);
	if (mf)
		CHECK_INT(pt_measures_read_csv(mf->data, mf->len, &cat, &measures, &d), PT_OK);
	/* every shipped questionnaire: one per kind, its threats and measures in the catalogues */
	for (k = 0; k < 3; k++) {
		char name[96];
		const struct pt_embedded_file *f;
		snprintf(name, sizeof name, "questionnaires/%s.json", kinds[k]);
		f = pt_embedded_find(name);
		CHECK(f != NULL);
		if (!f)
			continue;
		memset(&d, 0, sizeof d);
		CHECK_INT(pt_questionnaire_read_json(f->data, f->len, name, &cat.threats, &measures, &q, &d), PT_OK);
		CHECK_STR(q.kind, kinds[k]);
		CHECK(q.n >= 15);
		pt_questionnaire_clear(&q);
	}
	/* bad files name the field */
	{
		static const struct {
			const char *json, *field;
		} bad[] = {
			{"{\"kind\":\"x\",\"version\":1,\"title\":\"t\",\"questions\":[{\"id\":\"a\",\"text\":\"t\","
			 "\"family\":\"prevent\",\"threats\":[\"arson\"],\"weight\":0}]}", "questions[0].weight"},
			{"{\"kind\":\"x\",\"version\":1,\"title\":\"t\",\"questions\":[{\"id\":\"a\",\"text\":\"t\","
			 "\"family\":\"deter\",\"threats\":[\"arson\"],\"weight\":1}]}", "questions[0].family"},
			{"{\"kind\":\"x\",\"version\":1,\"title\":\"t\",\"questions\":[{\"id\":\"a\",\"text\":\"t\","
			 "\"family\":\"prevent\",\"threats\":[\"meteor\"],\"weight\":1}]}", "questions[0].threats[0]"},
			{"{\"kind\":\"x\",\"version\":1,\"title\":\"t\",\"questions\":[{\"id\":\"a\",\"text\":\"t\","
			 "\"family\":\"prevent\",\"threats\":[\"arson\"],\"measures\":[\"moat\"],\"weight\":1}]}",
			 "questions[0].measures[0]"},
			{"{\"kind\":\"x\",\"version\":1,\"title\":\"t\",\"questions\":[{\"id\":\"a\",\"text\":\"t\","
			 "\"family\":\"prevent\",\"threats\":[\"arson\"],\"weight\":1},{\"id\":\"a\",\"text\":\"u\","
			 "\"family\":\"prevent\",\"threats\":[\"arson\"],\"weight\":1}]}", "questions[1].id"},
			{"{\"kind\":\"x\",\"version\":0,\"title\":\"t\",\"questions\":[]}", "version"},
		};
		for (k = 0; k < sizeof bad / sizeof *bad; k++) {
			memset(&d, 0, sizeof d);
			CHECK_INT(pt_questionnaire_read_json(bad[k].json, strlen(bad[k].json), "x.json",
							     &cat.threats, &measures, &q, &d), PT_EINVAL);
			CHECK_STR(d.field, bad[k].field);
			CHECK_INT(q.n, 0);
		}
	}
	pt_measure_catalog_clear(&measures);
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
}

/* The registry of the app tests, with site S1 (owned by Org) and its FEMA arson row. */
static struct pt_db *visits_db(void)
{
	struct pt_db *db = fx_open();
	struct pt_caller sys;
	struct pt_sites_import in;
	struct pt_sites_import_result res;
	struct pt_assessments_import ain;
	struct pt_assessments_import_result ares;
	struct pt_diag d;
	static const char sites[] = SITES_HEADER "S1,Arena,soft_target,stadium_arena,Org,50,4,North,"
					  "1000,800,0,1000000,GREEN\n";
	static const char fema[] = "site_id,threat_id,asset_value,threat_rating,vulnerability_rating\n"
				   "S1,arson,7,4,5\n";
	long long org;
	memset(&d, 0, sizeof d);
	org = fx_org(db, "Org", PT_ORG_OPERATOR);
	fx_user(db, "op", PT_ROLE_OPERATOR, org);
	fx_user(db, "boss", PT_ROLE_ADMIN, org);
	fx_user(db, "look", PT_ROLE_VIEWER, org);
	pt_caller_system(&sys);
	sys.now = T0;
	memset(&in, 0, sizeof in);
	in.data = sites;
	in.len = sizeof sites - 1;
	CHECK_INT(pt_app_sites_import(&sys, db, &in, &res, &d), PT_OK);
	memset(&ain, 0, sizeof ain);
	ain.data = fema;
	ain.len = sizeof fema - 1;
	CHECK_INT(pt_app_assessments_import(&sys, db, &ain, &ares, &d), PT_OK);
	return db;
}

/* The current FEMA vulnerability of S1 against arson. */
static int current_v(struct pt_db *db)
{
	struct pt_assessment_set set;
	struct pt_diag d;
	int v = 0;
	memset(&set, 0, sizeof set);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_site_assessments(db, "S1", PT_METHOD_FEMA, &set, &d), PT_OK);
	if (set.n == 1)
		v = set.fema[0].vulnerability_rating;
	pt_assessment_set_clear(&set);
	return v;
}

static void test_visits(void)
{
	struct pt_db *db = visits_db();
	struct pt_caller op, boss, look;
	struct pt_survey_start st = {PT_METHOD_FEMA, NULL};
	struct pt_survey_rating_in rate;
	struct pt_survey_answer_row ans[2];
	struct pt_survey_view v;
	struct pt_survey *list = NULL;
	struct pt_diag d;
	enum pt_tlp tlp;
	long long id = 0, old = 0;
	size_t n = 0, counted = 0;
	char sid[32];
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	op = fx_caller(db, "op");
	boss = fx_caller(db, "boss");
	look = fx_caller(db, "look");
	/* a second threat the questionnaire asks about, which S1 has no current rating of */
	CHECK_INT(sqlite3_exec(pt_db_sqlite(db),
			       "INSERT INTO threats (id, name) VALUES ('bladed_weapon', "
			       "'Bladed weapon attack')",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	/* the import is a confirmed visit by the importer, dated now */
	CHECK_INT(pt_app_surveys_list(&op, db, "S1", &list, &n, &tlp, &d), PT_OK);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(list[0].source, PT_SOURCE_IMPORT);
		CHECK_INT(list[0].confirmed, 1);
		CHECK_STR(list[0].visited_at, "2025-01-01T10:00:00Z");
		CHECK_STR(list[0].assessor, PT_ACTOR_SYSTEM);
	}
	free(list);
	/* a viewer may not record; the operator starts a visit */
	CHECK_INT(pt_app_survey_start(&look, db, "S1", &st, &id, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_app_survey_start(&op, db, "S1", &st, &id, &d), PT_OK);
	CHECK(id > 0);
	/* answers: st-clutter (w 1) no, st-hazmat (w 2) partly; arson has 11 questions, so
	 * 2 answered is no proposal: rating arson needs a reason */
	memset(ans, 0, sizeof ans);
	pt_strlcpy(ans[0].question_id, "st-clutter", sizeof ans[0].question_id);
	ans[0].answer = PT_ANSWER_NO;
	pt_strlcpy(ans[1].question_id, "st-hazmat", sizeof ans[1].question_id);
	ans[1].answer = PT_ANSWER_PARTLY;
	CHECK_INT(pt_app_survey_answer(&boss, db, id, ans, 2, &d), PT_EFORBIDDEN); /* not the assessor */
	CHECK_INT(pt_app_survey_answer(&op, db, id, ans, 2, &d), PT_OK);
	memset(&v, 0, sizeof v);
	CHECK_INT(pt_app_survey_get(&op, db, id, &v, &d), PT_OK);
	CHECK_INT(v.n_findings, 2);
	{
		/* a threat with an answered question has a deficiency; one with none answered has
		 * none (null: not 0, which reads "no weakness") */
		json_t *o = pt_json_survey(&v), *p;
		size_t k, n_none = 0, n_arson = 0;
		json_array_foreach(json_object_get(o, "proposals"), k, p) {
			const char *t = json_string_value(json_object_get(p, "threat_id"));
			json_t *def = json_object_get(p, "deficiency");
			if (t && strcmp(t, "arson") == 0) {
				n_arson++;
				CHECK(json_is_real(def));
				CHECK(json_real_value(def) > 0);
			}
			if (json_integer_value(json_object_get(p, "answered")) == 0) {
				n_none++;
				CHECK(json_is_null(def));
			}
		}
		CHECK_INT(n_arson, 1);
		CHECK(n_none > 0);
		json_decref(o);
	}
	pt_survey_view_clear(&v);
	/* a threat the site has no current rating of: the message names it by name and id */
	memset(&rate, 0, sizeof rate);
	pt_strlcpy(rate.threat_id, "bladed_weapon", sizeof rate.threat_id);
	rate.vulnerability_rating = 4;
	pt_strlcpy(rate.reason, "seen on the visit", sizeof rate.reason);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_survey_rate(&op, db, id, &rate, 1, &d), PT_EINVAL);
	CHECK_STR(d.field, "items[0].asset_value");
	CHECK_STR(d.msg, "no current rating of Bladed weapon attack (bladed_weapon): give asset_value");
	memset(&rate, 0, sizeof rate);
	pt_strlcpy(rate.threat_id, "arson", sizeof rate.threat_id);
	rate.vulnerability_rating = 3;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_survey_rate(&op, db, id, &rate, 1, &d), PT_EINVAL);
	CHECK_STR(d.field, "items[0].reason");
	pt_strlcpy(rate.reason, "stores cleared", sizeof rate.reason);
	CHECK_INT(pt_app_survey_rate(&op, db, id, &rate, 1, &d), PT_OK);
	/* the assessor may not confirm; a viewer may not; the admin of the owner may */
	CHECK_INT(pt_app_survey_confirm(&op, db, id, &counted, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_app_survey_confirm(&look, db, id, &counted, &d), PT_EFORBIDDEN);
	CHECK_INT(current_v(db), 5);
	CHECK_INT(pt_app_survey_confirm(&boss, db, id, &counted, &d), PT_OK);
	CHECK_INT(counted, 1);
	CHECK_INT(current_v(db), 3);
	CHECK_INT(pt_app_survey_confirm(&boss, db, id, &counted, &d), PT_ECONFLICT);
	CHECK_INT(pt_app_survey_answer(&op, db, id, ans, 1, &d), PT_ECONFLICT);
	snprintf(sid, sizeof sid, "%lld", id);
	CHECK_INT(fx_audited(db, "survey.create", sid), 1);
	CHECK_INT(fx_audited(db, "survey.answers", sid), 1);
	CHECK_INT(fx_audited(db, "survey.ratings", sid), 1);
	CHECK_INT(fx_audited(db, "survey.confirm", sid), 1);
	/* a visit dated before the import, confirmed after: the import's rating still counts */
	op.now = boss.now = T0 + 86400 * 10;
	st.visited_on = "2024-12-31"; /* the day before the import, recorded later: its last second */
	CHECK_INT(pt_app_survey_start(&op, db, "S1", &st, &old, &d), PT_OK);
	rate.vulnerability_rating = 9;
	CHECK_INT(pt_app_survey_rate(&op, db, old, &rate, 1, &d), PT_OK);
	CHECK_INT(pt_app_survey_confirm(&boss, db, old, &counted, &d), PT_OK);
	CHECK_INT(counted, 0);
	CHECK_INT(current_v(db), 3);
	st.visited_on = "2024-12-01"; /* 41 days back: allowed */
	CHECK_INT(pt_app_survey_start(&op, db, "S1", &st, &old, &d), PT_OK);
	st.visited_on = "2025-01-12"; /* the clock is 2025-01-11: the future */
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_survey_start(&op, db, "S1", &st, &old, &d), PT_EINVAL);
	CHECK_STR(d.field, "visited_on");
	/* the list: newest first */
	CHECK_INT(pt_app_surveys_list(&look, db, "S1", &list, &n, &tlp, &d), PT_OK);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_INT(list[0].id, id);
		CHECK_INT(list[3].source, PT_SOURCE_SURVEY); /* dated 2024-12-01 */
	}
	free(list);
	pt_db_close(db);
}

static void test_measures_seen(void)
{
	struct pt_db *db = visits_db();
	struct pt_site_measure_row sm[3];
	struct pt_assessment_set q;
	struct pt_quant_row row;
	struct pt_diag d;
	int v;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	memset(sm, 0, sizeof sm);
	/* no quantitative visit of S1 yet: nothing seen */
	pt_strlcpy(sm[0].site_id, "S1", sizeof sm[0].site_id);
	sm[0].status = PT_SM_INSTALLED;
	pt_strlcpy(sm[0].changed_at, "2024-06-01T00:00:00Z", sizeof sm[0].changed_at);
	sm[1] = sm[0];
	pt_strlcpy(sm[1].changed_at, "2030-06-01T00:00:00Z", sizeof sm[1].changed_at);
	sm[2] = sm[0];
	sm[2].status = PT_SM_ACCEPTED;
	CHECK_INT(pt_app_measures_seen(db, sm, 3, &d), PT_OK);
	CHECK_INT(sm[0].status, PT_SM_INSTALLED);
	/* a quantitative import at T0 (2025-01-01T10:00:00Z) saw the one installed before it */
	memset(&q, 0, sizeof q);
	memset(&row, 0, sizeof row);
	q.method = PT_METHOD_QUANT;
	pt_strlcpy(row.site_id, "S1", sizeof row.site_id);
	pt_strlcpy(row.threat_id, "arson", sizeof row.threat_id);
	for (v = 0; v < PT_QV_COUNT; v++)
		row.var[v].min = row.var[v].mode = row.var[v].max = 0.1;
	CHECK_INT(pt_assessment_set_add_quant(&q, &row, 1), PT_OK);
	CHECK_INT(pt_db_assessments_import_as(db, &q, PT_SOURCE_IMPORT, "2025-01-01T10:00:00Z", &d), PT_OK);
	pt_assessment_set_clear(&q);
	CHECK_INT(pt_app_measures_seen(db, sm, 3, &d), PT_OK);
	CHECK_INT(sm[0].status, PT_SM_EXISTING);  /* installed before: in the ratings */
	CHECK_INT(sm[1].status, PT_SM_INSTALLED); /* installed after: an effect */
	CHECK_INT(sm[2].status, PT_SM_ACCEPTED);  /* not installed: an effect as committed */
	pt_db_close(db);
}


/* The register's entry of PS-001 against vehicle ramming (risk 0.05 x 0.5 x 200e6 a year). */
static struct pt_register_entry ramming_entry(struct pt_db *db)
{
	struct pt_register_entry *e = NULL, out;
	struct pt_diag d;
	size_t n = 0, i;
	memset(&out, 0, sizeof out);
	memset(&d, 0, sizeof d);
	CHECK_INT(reg_list(db, NULL, "PS-001", &e, &n, &d), PT_OK);
	for (i = 0; i < n; i++)
		if (strcmp(e[i].threat_id, "vehicle_ramming") == 0)
			out = e[i];
	free(e);
	return out;
}

static void test_register_seen(void)
{
	/* film (V x 0.7 against ramming) installed at PS-001: an effect when installed after the
	 * quantitative visit that counts, part of its ratings when installed before */
	struct pt_db *db = open_with_measures();
	struct pt_register_entry e;
	struct pt_assessment_set q;
	struct pt_diag d;
	if (!db)
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(sqlite3_exec(pt_db_sqlite(db),
			       "INSERT INTO site_measures (site_id, measure_id, status, plan, added_at, "
			       "added_by, changed_at, changed_by) VALUES ('PS-001', 'film', 'installed', "
			       "'', '2026-01-01T00:00:00Z', 'opa', '2026-06-01T00:00:00Z', 'opa')",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	/* a quantitative visit on 2026-05-01, before the installation */
	memset(&q, 0, sizeof q);
	q.method = PT_METHOD_QUANT;
	quant_add(&q, "PS-001", "vehicle_ramming", 0.05, 0.5, 200e6);
	CHECK_INT(pt_db_assessments_import_as(db, &q, PT_SOURCE_IMPORT, "2026-05-01T00:00:00Z", &d), PT_OK);
	/* the fixture's own import, dated at the real clock, would be the latest: date it earlier */
	CHECK_INT(sqlite3_exec(pt_db_sqlite(db),
			       "UPDATE surveys SET visited_at = '2026-04-01T00:00:00Z', seen_until = "
			       "'2026-04-01T00:00:00Z' WHERE visited_at > '2026-05-01T00:00:00Z'",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	e = ramming_entry(db);
	CHECK_INT(e.n_committed, 1);
	CHECK_NEAR(e.risk_eur_year, 0.05 * 0.5 * 200e6, 1e-3);
	CHECK(e.residual_eur_year < e.risk_eur_year * 0.71 && e.residual_eur_year > e.risk_eur_year * 0.69);
	/* a later visit (2026-07-01) saw the film: no longer an effect */
	CHECK_INT(pt_db_assessments_import_as(db, &q, PT_SOURCE_IMPORT, "2026-07-01T00:00:00Z", &d), PT_OK);
	e = ramming_entry(db);
	CHECK_INT(e.n_committed, 0);
	CHECK_NEAR(e.residual_eur_year, e.risk_eur_year, 1e-6);
	pt_assessment_set_clear(&q);
	pt_db_close(db);
}

int main(void)
{
	RUN(test_deficiency);
	RUN(test_threshold);
	RUN(test_rules);
	RUN(test_files);
	RUN(test_visits);
	RUN(test_measures_seen);
	RUN(test_register_seen);
	return TEST_SUMMARY("survey");
}
