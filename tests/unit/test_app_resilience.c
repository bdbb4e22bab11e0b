/* test_app_resilience.c - unit tests of src/app/pt_app_resilience.c: a
 * hand-computed cascade through the app, withheld counts, restart overrides,
 * the SPOF sweep, the downstream cache and its place in the quant ranking. */
#include <math.h>

#include "app/pt_app_dependencies.h"
#include "app/pt_app_ranking.h"
#include "app/pt_app_registry.h"
#include "app/pt_app_resilience.h"
#include "app/pt_app_sites.h"
#include "app_fixture.h"
#include "formats/pt_assess_io.h"
#include "store/pt_downstream_store.h"
#include "store/pt_ranking.h"

/*
 * S-1 substation (1000 people) feeds H-1 (100 people, 10 h of fuel), H-2
 * (Org B, RED, 50 people, 5 h) and, redundantly with S-2, H-3 (10 people).
 * Threshold 0.5, restart 1 h.
 */
static const char sites_csv[] = SITES_HEADER
	"H-1,Hospital One,soft_target,stadium_arena,Org A,47.1,-12.1,R,100,50,100,1000000,GREEN\n"
	"H-2,Hospital Two,soft_target,stadium_arena,Org B,47.2,-12.2,R,100,50,50,1000000,RED\n"
	"H-3,Hospital Three,soft_target,stadium_arena,Org A,47.3,-12.3,R,100,50,10,1000000,GREEN\n"
	"S-1,Substation One,soft_target,stadium_arena,Org A,47.4,-12.4,R,100,50,1000,1000000,GREEN\n"
	"S-2,Substation Two,soft_target,stadium_arena,Org A,47.5,-12.5,R,100,50,0,1000000,GREEN\n";
static const char deps_csv[] = "provider_id,consumer_id,type,autonomy_hours,service_loss,group\n"
			       "S-1,H-1,physical,10,1,\n"
			       "S-1,H-2,physical,5,1,\n"
			       "S-1,H-3,physical,0,1,power\n"
			       "S-2,H-3,physical,0,1,power\n";

static void import_sites(struct pt_db *db, const char *csv)
{
	struct pt_sites_import in;
	struct pt_sites_import_result res;
	struct pt_caller sys;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	memset(&in, 0, sizeof in);
	in.data = csv;
	in.len = strlen(csv);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_sites_import(&sys, db, &in, &res, &d), PT_OK);
}

static void import_deps(struct pt_db *db, const char *csv)
{
	struct pt_deps_import_result res;
	struct pt_caller sys;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	pt_strlcpy(d.file, "deps.csv", sizeof d.file);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_dependencies_import(&sys, db, csv, strlen(csv), &res, &d), PT_OK);
	if (d.msg[0])
		fprintf(stderr, "%s\n", d.msg);
}

static void config_set(struct pt_db *db, const char *key, const char *value)
{
	struct pt_caller sys;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_config_set(&sys, db, key, value, &d), PT_OK);
}

static struct pt_db *setup(void)
{
	struct pt_db *db = fx_open();
	long long a, b;
	if (!db)
		return NULL;
	a = fx_org(db, "Org A", PT_ORG_OPERATOR);
	b = fx_org(db, "Org B", PT_ORG_OPERATOR);
	fx_user(db, "op-a", PT_ROLE_OPERATOR, a);
	fx_user(db, "op-b", PT_ROLE_OPERATOR, b);
	import_sites(db, sites_csv);
	import_deps(db, deps_csv);
	return db;
}

static const struct pt_app_cascade_site *find(const struct pt_app_cascade_result *r,
					      const char *id)
{
	size_t i;
	for (i = 0; i < r->n_affected; i++)
		if (strcmp(r->affected[i].site_id, id) == 0)
			return &r->affected[i];
	return NULL;
}

static struct pt_app_cascade_result *run(struct pt_db *db, const struct pt_caller *c,
					 const char *fail, double repair, double hours,
					 enum pt_err want)
{
	struct pt_app_cascade_opts o;
	struct pt_app_cascade_result *r = NULL;
	struct pt_diag d;
	const char *ids[1];
	ids[0] = fail;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.fail = ids;
	o.n_fail = 1;
	if (repair >= 0) {
		o.repair_set = 1;
		o.repair_h = repair;
	}
	if (hours > 0) {
		o.hours_set = 1;
		o.hours = hours;
	}
	CHECK_INT(pt_app_cascade_run(c, db, &o, &r, &d), want);
	return r;
}

/* S-1 down for the whole 20 h: H-2 fails at 5, H-1 at 10, H-3 keeps its other feed. */
static void test_cascade_by_hand(void)
{
	struct pt_db *db = setup();
	struct pt_caller sys;
	struct pt_app_cascade_result *r;
	const struct pt_app_cascade_site *s;
	pt_caller_system(&sys);
	r = run(db, &sys, "S-1", -1, 20, PT_OK);
	CHECK(r != NULL);
	if (r) {
		CHECK_INT((long long)r->n_affected, 3);
		CHECK_INT((long long)r->withheld, 0);
		CHECK_INT(r->show_withheld, 1); /* the system administrator is told counts */
		CHECK(isnan(r->repair_h));
		CHECK_NEAR(r->hours, 20, 0);
		CHECK_NEAR(r->person_hours_lost, 1000 * 20 + 100 * 10 + 50 * 15, 1e-9);
		CHECK(isnan(r->recovery_h));
		CHECK((s = find(r, "S-1")) && s->failed_at_h == 0 && isnan(s->restored_at_h));
		CHECK((s = find(r, "H-2")) && s->failed_at_h == 5 && s->min_service == 0);
		CHECK((s = find(r, "H-1")) && s->failed_at_h == 10 &&
		      fabs(s->person_hours_lost - 1000) < 1e-9);
		CHECK(find(r, "H-3") == NULL);
		CHECK(strcmp(r->affected[0].site_id, "S-1") == 0);
		CHECK(strcmp(r->affected[1].site_id, "H-2") == 0);
		CHECK_INT((long long)r->n_series, 3);
		if (r->n_series == 3) {
			CHECK_NEAR(r->series[0].t_h, 0, 0);
			CHECK_NEAR(r->series[0].people_without_service, 1000, 1e-9);
			CHECK_NEAR(r->series[1].t_h, 5, 0);
			CHECK_NEAR(r->series[1].people_without_service, 1050, 1e-9);
			CHECK_NEAR(r->series[2].t_h, 10, 0);
			CHECK_NEAR(r->series[2].people_without_service, 1150, 1e-9);
		}
		CHECK_INT(r->tlp, PT_TLP_RED);
	}
	pt_app_cascade_result_free(r);
	/* repaired at 3 h, restarted 1 h later: the backups carry both hospitals */
	r = run(db, &sys, "S-1", 3, 20, PT_OK);
	if (r) {
		CHECK_INT((long long)r->n_affected, 1);
		CHECK_NEAR(r->affected[0].restored_at_h, 4, 1e-12);
		CHECK_NEAR(r->person_hours_lost, 4000, 1e-9);
		CHECK_NEAR(r->recovery_h, 4, 1e-12);
		CHECK_NEAR(r->repair_h, 3, 0);
	}
	pt_app_cascade_result_free(r);
	/* a sector's restart time wins over its kind's */
	config_set(db, "resilience.restart_h.soft_target", "7");
	config_set(db, "resilience.restart_h.stadium_arena", "2");
	r = run(db, &sys, "S-1", 3, 20, PT_OK);
	if (r)
		CHECK_NEAR(r->affected[0].restored_at_h, 5, 1e-12);
	pt_app_cascade_result_free(r);
	pt_app_db_close(db);
}

/* Org A's operator may not read H-2 (Org B, RED): listed without it; not told hidden counts,
 * its total is over the sites listed (the system caller's is over every site). */
static void test_withheld(void)
{
	struct pt_db *db = setup();
	struct pt_caller a = fx_caller(db, "op-a"), b = fx_caller(db, "op-b");
	struct pt_app_cascade_result *r;
	size_t i;
	r = run(db, &a, "S-1", -1, 20, PT_OK);
	if (r) {
		CHECK_INT((long long)r->n_affected, 2);
		CHECK_INT((long long)r->withheld, 1);
		CHECK(find(r, "H-2") == NULL);
		CHECK_NEAR(r->person_hours_lost, 21000, 1e-9); /* S-1 1000 x 20 h + H-1 100 x 10 h */
		for (i = 0; i < r->n_steps; i++)
			CHECK(strcmp(r->steps[i].site_id, "H-2") != 0);
		/* an operator is not told the count (docs/access.md, "Counts of hidden records") */
		CHECK_INT(r->show_withheld, 0);
		/* the series covers S-1 and H-1 only: nothing at 5 h, when the hidden H-2 fails */
		CHECK_INT((long long)r->n_series, 2);
		if (r->n_series == 2) {
			CHECK_NEAR(r->series[0].people_without_service, 1000, 1e-9);
			CHECK_NEAR(r->series[1].t_h, 10, 0);
			CHECK_NEAR(r->series[1].people_without_service, 1100, 1e-9);
		}
		CHECK_INT(r->tlp, PT_TLP_GREEN);
	}
	pt_app_cascade_result_free(r);
	/* a site the caller may not read cannot be failed, and is told as unknown */
	r = run(db, &a, "H-2", -1, 20, PT_ENOTFOUND);
	CHECK(r == NULL);
	r = run(db, &a, "NOPE", -1, 20, PT_ENOTFOUND);
	CHECK(r == NULL);
	r = run(db, &b, "S-1", -1, 20, PT_OK); /* Org B's operator: H-2 is RED, not its reader */
	if (r) {
		double listed = 0;
		CHECK_INT((long long)r->n_affected + (long long)r->withheld, 3);
		for (i = 0; i < r->n_affected; i++)
			listed += r->affected[i].person_hours_lost;
		CHECK_NEAR(r->person_hours_lost, listed, 1e-9);
	}
	pt_app_cascade_result_free(r);
	{
		struct pt_caller sys;
		pt_caller_system(&sys);
		r = run(db, &sys, "S-1", -1, 20, PT_OK); /* told hidden counts: every site, H-2's 750 too */
		if (r) {
			CHECK_INT(r->show_withheld, 1);
			CHECK_NEAR(r->person_hours_lost, 21750, 1e-9);
		}
		pt_app_cascade_result_free(r);
	}
	r = run(db, &a, "S-1", -1, 2e6, PT_EINVAL);
	CHECK(r == NULL);
	pt_app_db_close(db);
}

/* Each supplying site alone for 72 h: S-1 costs H-1 64 h and H-2 69 h. */
static void test_spof(void)
{
	struct pt_db *db = setup();
	struct pt_caller sys, a;
	struct pt_app_spof_opts o;
	struct pt_app_spof_result *r = NULL;
	struct pt_diag d;
	pt_caller_system(&sys);
	a = fx_caller(db, "op-a");
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.threads = 2;
	CHECK_INT(pt_app_spof_run(&sys, db, &o, &r, &d), PT_OK);
	if (r) {
		CHECK_INT((long long)r->supplying_sites, 2);
		CHECK_INT((long long)r->n_rows, 2);
		CHECK(strcmp(r->rows[0].site_id, "S-1") == 0);
		CHECK_NEAR(r->rows[0].e.downstream_person_hours, 100 * 64 + 50 * 69, 1e-9);
		CHECK_NEAR(r->rows[0].downstream_eur, (100 * 64 + 50 * 69) * 6, 1e-6);
		CHECK_INT((long long)r->rows[0].e.sites_failed, 2);
		CHECK_NEAR(r->rows[1].e.downstream_person_hours, 0, 0);
	}
	pt_app_spof_result_free(r);
	o.top = 1;
	CHECK_INT(pt_app_spof_run(&a, db, &o, &r, &d), PT_OK);
	if (r) {
		CHECK_INT((long long)r->n_rows, 1);
		CHECK_INT((long long)r->withheld, 0);
		CHECK_INT(r->show_withheld, 0);
		CHECK_INT((long long)r->rows[0].rank, 1);
		/* S-1 closes H-1 and the hidden H-2: Org A's operator is told of H-1 only */
		CHECK_INT((long long)r->rows[0].e.sites_failed, 1);
		CHECK_INT((long long)r->rows[0].e.sites_affected, 1);
		CHECK_NEAR(r->rows[0].e.downstream_person_hours, 100 * 64 + 50 * 69, 1e-9);
		CHECK_INT((long long)r->supplying_sites, 2);
	}
	pt_app_spof_result_free(r);
	pt_app_db_close(db);
}

/* The downstream part of S-1's quant score, exactly E[T'] E[V] x person-hours x value. */
static double downstream_of(struct pt_db *db, const char *id, double *score, double *ev)
{
	struct pt_ranking_opts o;
	struct pt_ranking *r = NULL;
	struct pt_caller sys;
	struct pt_diag d;
	double down = NAN;
	size_t i;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.method = PT_METHOD_QUANT;
	o.samples_set = 1;
	o.samples = 0;
	pt_caller_system(&sys);
	CHECK_INT(pt_app_ranking_run(&sys, db, &o, &r, &d), PT_OK);
	for (i = 0; r && i < r->n_rows; i++)
		if (strcmp(r->sites.items[r->rows[i].site].id, id) == 0) {
			down = pt_ranking_downstream(r, &r->rows[i]);
			*score = r->rows[i].score;
		}
	if (r && ev && r->quant && r->quant->n_pairs == 1)
		*ev = r->quant->pairs[0].e_attempt * r->quant->pairs[0].e_success;
	pt_ranking_free(r);
	return down;
}

static void cache_version(struct pt_db *db, unsigned long long *cached, unsigned long long *now)
{
	struct pt_downstream_row *rows = NULL;
	struct pt_diag d;
	size_t n = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_downstream_load(db, cached, &rows, &n, &d), PT_OK);
	CHECK_INT(pt_db_data_version(db, now, &d), PT_OK);
	free(rows);
}

/* issue 12 review: the consequence class (1-5) of the only site-threat pair on the quantitative
 * matrix, 0 if there is not exactly one. */
static int matrix_consequence(struct pt_db *db)
{
	struct pt_risk_matrix m;
	struct pt_caller sys;
	struct pt_diag d;
	int l, c, found = 0;
	memset(&d, 0, sizeof d);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_matrix_run(&sys, db, PT_METHOD_QUANT, &m, &d), PT_OK);
	if (m.m.total != 1)
		return 0;
	for (l = 0; l < 5; l++)
		for (c = 0; c < 5; c++)
			if (m.m.count[l][c])
				found = c + 1;
	return found;
}

static void test_downstream_in_ranking(void)
{
	static const char quant_csv[] =
		"site_id,threat_id,p_attempt_min,p_attempt_mode,p_attempt_max,p_success_min,"
		"p_success_mode,p_success_max,fatalities_min,fatalities_mode,fatalities_max,"
		"injuries_min,injuries_mode,injuries_max,loss_eur_min,loss_eur_mode,loss_eur_max\n"
		"S-1,arson,0.01,0.02,0.06,0.2,0.3,0.4,0,0,0,0,0,0,1000,2000,3000\n";
	struct pt_db *db = setup();
	struct pt_catalogs cat;
	struct pt_assessment_set set;
	struct pt_diag d;
	unsigned long long cached = 0, now = 0;
	double score = 0, ev = 0, down, ph = 100 * 64 + 50 * 69;

	memset(&cat, 0, sizeof cat);
	memset(&set, 0, sizeof set);
	memset(&d, 0, sizeof d);
	fx_entry(&cat.threats, "arson", "");
	CHECK_INT(pt_assessments_read_csv(quant_csv, strlen(quant_csv), &cat.threats, &set, &d),
		  PT_OK);
	CHECK_INT(pt_db_assessments_import(db, &set, &d), PT_OK);
	pt_assessment_set_clear(&set);
	pt_catalog_clear(&cat.threats);

	down = downstream_of(db, "S-1", &score, &ev);
	CHECK(ev > 0);
	CHECK_NEAR(down, ev * ph * 6, 1e-9 * down);
	CHECK_NEAR(score, ev * (2000 + ph * 6), 1e-9 * score);
	cache_version(db, &cached, &now);
	CHECK(cached == now && now > 0); /* the ranking kept what it swept */

	/* a dependency changes: H-2 gets 80 h of fuel, more than the 72 h repair */
	import_deps(db, "provider_id,consumer_id,type,autonomy_hours,service_loss,group\n"
			"S-1,H-2,physical,80,1,\n");
	cache_version(db, &cached, &now);
	CHECK(cached != now);
	ph = 100 * 64;
	down = downstream_of(db, "S-1", &score, &ev);
	CHECK_NEAR(down, ev * ph * 6, 1e-9 * down);
	cache_version(db, &cached, &now);
	CHECK(cached == now);

	/* a site changes: H-1 serves 200 people */
	import_sites(db, SITES_HEADER
		     "H-1,Hospital One,soft_target,stadium_arena,Org A,47.1,-12.1,R,100,50,200,"
		     "1000000,GREEN\n");
	ph = 200 * 64;
	down = downstream_of(db, "S-1", &score, &ev);
	CHECK_NEAR(down, ev * ph * 6, 1e-9 * down);

	/* a setting changes: S-1 repaired at 24 h, back at 25 h: H-1 down from 10 h to 26 h */
	config_set(db, "resilience.repair_h", "24");
	ph = 200 * 16;
	down = downstream_of(db, "S-1", &score, &ev);
	CHECK_NEAR(down, ev * ph * 6, 1e-9 * down);
	config_set(db, "resilience.value_person_hour_eur", "0");
	down = downstream_of(db, "S-1", &score, &ev);
	CHECK_NEAR(down, 0, 0);
	CHECK_NEAR(score, ev * 2000, 1e-9 * score);
	/* the matrix reads the same consequence: EUR 2,000 own is class 1 (up to EUR 1 M); at
	 * EUR 1,000 a person-hour the 3,200 person-hours downstream make it class 2 */
	CHECK_INT(matrix_consequence(db), 1);
	config_set(db, "resilience.value_person_hour_eur", "1000");
	CHECK_INT(matrix_consequence(db), 2);
	pt_app_db_close(db);
}

int main(void)
{
	RUN(test_cascade_by_hand);
	RUN(test_withheld);
	RUN(test_spof);
	RUN(test_downstream_in_ranking);
	return TEST_SUMMARY("app_resilience");
}
