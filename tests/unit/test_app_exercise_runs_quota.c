/* test_app_exercise_runs_quota.c - unit tests of a live run's records (issue 15, attack
 * review 4, 6, 7, 8; src/app/pt_app_exercise_runs_read.c): quotas per participant and kind
 * (a player at its cap while the evaluator still observes), the run's entries paged newest
 * first, what a player no longer sees (the evaluation guide, the simulation settings, the
 * seed), the audit of outsiders and of a non-Exercise alert, and the texts refused. */
#include <unistd.h>

#include "app/pt_app_alerts.h"
#include "app/pt_app_exercise_runs.h"
#include "app/pt_app_sites.h"
#include "store/pt_db.h"
#include "store/pt_exercise_store.h"
#include "app_fixture.h"

struct world {
	char dir[64], path[128];
	struct pt_db *db;
	struct pt_caller sys, fac, fac2, pol, ems, sec, eva, coord, viewer, hfac;
};

static int setup(struct world *w)
{
	static const char rows[] = SITES_HEADER
		"VM-012,Orrinford General Hospital,soft_target,stadium_arena,Orrinford Hospital Trust,"
		"47.1,-12.1,North,100,50,0,1000000,GREEN\n"
		"VM-013,Orrinford Hospital Laboratory,soft_target,stadium_arena,Orrinford Hospital "
		"Trust,47.1,-12.1,North,100,50,0,1000000,AMBER\n";
	struct pt_sites_import in;
	struct pt_sites_import_result res;
	struct pt_catalogs cat;
	struct pt_diag d;
	long long crisis, police, ambulance, hospital, ngo;
	memset(w, 0, sizeof *w);
	memset(&d, 0, sizeof d);
	snprintf(w->dir, sizeof w->dir, "/tmp/pt-runq-XXXXXX");
	if (!mkdtemp(w->dir))
		return 1;
	snprintf(w->path, sizeof w->path, "%s/protect.db", w->dir);
	if (pt_db_open(w->path, 1, &w->db, &d) != PT_OK)
		return 1;
	memset(&cat, 0, sizeof cat);
	fx_entry(&cat.kinds, "soft_target", "");
	fx_entry(&cat.sectors, "stadium_arena", "soft_target");
	fx_entry(&cat.threats, "arson", "");
	CHECK_INT(pt_db_seed(w->db, &cat, NULL, NULL, 0, &d), PT_OK);
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
	crisis = fx_org(w->db, "Vellmark Crisis Centre", PT_ORG_GOVERNMENT);
	police = fx_org(w->db, "Vellmark Police", PT_ORG_GOVERNMENT);
	ambulance = fx_org(w->db, "Vellmark Ambulance Service", PT_ORG_OPERATOR);
	hospital = fx_org(w->db, "Orrinford Hospital Trust", PT_ORG_OPERATOR);
	ngo = fx_org(w->db, "Relief", PT_ORG_NGO);
	fx_user(w->db, "fac", PT_ROLE_FACILITATOR, crisis);
	fx_user(w->db, "fac2", PT_ROLE_FACILITATOR, ngo);
	fx_user(w->db, "pol", PT_ROLE_PLAYER, police);
	fx_user(w->db, "ems", PT_ROLE_PLAYER, ambulance);
	fx_user(w->db, "sec", PT_ROLE_PLAYER, hospital);
	fx_user(w->db, "eva", PT_ROLE_EVALUATOR, crisis);
	fx_user(w->db, "coord", PT_ROLE_COORDINATOR, police);
	fx_user(w->db, "viewer", PT_ROLE_VIEWER, hospital);
	fx_user(w->db, "hfac", PT_ROLE_FACILITATOR, hospital);
	pt_caller_system(&w->sys);
	w->sys.now = T0;
	w->fac = fx_caller(w->db, "fac");
	w->fac2 = fx_caller(w->db, "fac2");
	w->pol = fx_caller(w->db, "pol");
	w->ems = fx_caller(w->db, "ems");
	w->sec = fx_caller(w->db, "sec");
	w->eva = fx_caller(w->db, "eva");
	w->coord = fx_caller(w->db, "coord");
	w->viewer = fx_caller(w->db, "viewer");
	w->hfac = fx_caller(w->db, "hfac");
	memset(&in, 0, sizeof in);
	in.data = rows;
	in.len = strlen(rows);
	CHECK_INT(pt_app_sites_import(&w->sys, w->db, &in, &res, &d), PT_OK);
	return 0;
}

static void teardown(struct world *w)
{
	pt_app_db_close(w->db);
	fx_remove_db(w->path, w->dir);
}

/* A run of the built-in exercise (seed 77): pol police, ems ems, sec pio, eva evaluating. */
static long long new_run(struct world *w)
{
	struct pt_app_run_create_opts co;
	struct pt_diag d;
	long long id = 0;
	memset(&d, 0, sizeof d);
	memset(&co, 0, sizeof co);
	co.builtin = "hospital-attack-exercise";
	co.seed_set = 1;
	co.seed = 77;
	CHECK_INT(pt_app_run_create(&w->fac, w->db, &co, &id, &d), PT_OK);
	CHECK_INT(pt_app_run_assign(&w->fac, w->db, id, "pol", PT_RUN_PLAYER, "police_commander", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_assign(&w->fac, w->db, id, "ems", PT_RUN_PLAYER, "ems_commander", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_assign(&w->fac, w->db, id, "sec", PT_RUN_PLAYER, "pio", &d), PT_OK);
	CHECK_INT(pt_app_run_assign(&w->fac, w->db, id, "eva", PT_RUN_EVALUATOR, NULL, &d), PT_OK);
	return id;
}

/* n stored entries of kind in run id as the store keeps them (the API would store the same). */
static void fill(struct world *w, long long id, const char *kind, const char *role,
		 long long user_id, int n)
{
	struct pt_db_run_entry e;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	memset(&e, 0, sizeof e);
	e.run_id = id;
	pt_strlcpy(e.kind, kind, sizeof e.kind);
	pt_strlcpy(e.role, role, sizeof e.role);
	e.user_id = user_id;
	pt_strlcpy(e.user_name, "filler", sizeof e.user_name);
	e.capability = -1;
	e.at = T0;
	e.text = (char *)"filled";
	CHECK_INT(pt_db_begin(w->db, &d), PT_OK);
	for (int i = 0; i < n; i++)
		CHECK_INT(pt_db_run_entry_add(w->db, &e, NULL, &d), PT_OK);
	CHECK_INT(pt_db_end(w->db, PT_OK, &d), PT_OK);
}

static enum pt_err observe(struct world *w, long long id, const char *text, struct pt_diag *d)
{
	struct pt_app_run_obs_opts o;
	memset(&o, 0, sizeof o);
	o.t_min = -1;
	o.capability = -1;
	o.text = text;
	return pt_app_run_observe(&w->eva, w->db, id, &o, NULL, d);
}

/* Refused audit entries of record id whose detail is exactly detail. */
static int refused(struct world *w, const char *id, const char *detail)
{
	struct pt_audit_entry *e = NULL;
	struct pt_diag d;
	size_t n = 0, i;
	int found = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_audit_list(w->db, 0, 1000, 0, &e, &n, NULL, &d), PT_OK);
	for (i = 0; i < n; i++)
		if (strcmp(e[i].action, "refused") == 0 && strcmp(e[i].record_id, id) == 0 &&
		    strcmp(e[i].detail, detail) == 0)
			found++;
	free(e);
	return found;
}

/* Players' entries have their own caps; the evaluator's observations outlive them. */
static void test_quotas(void)
{
	struct world w;
	struct pt_diag d;
	long long id, id2;
	if (setup(&w) != 0) {
		CHECK(0);
		return;
	}
	memset(&d, 0, sizeof d);
	id = new_run(&w);
	/* one player at its log cap: refused naming itself; another player and the evaluator go on */
	fill(&w, id, "log", "police_commander", w.pol.who.user_id, PT_APP_RUN_USER_LOG_MAX - 1);
	CHECK_INT(pt_app_run_log_add(&w.pol, w.db, id, "police_commander", -1, "the 500th", NULL,
				     &d),
		  PT_OK);
	CHECK_INT(pt_app_run_log_add(&w.pol, w.db, id, "police_commander", -1, "one more", NULL,
				     &d),
		  PT_ELIMIT);
	CHECK_STR(d.field, "user");
	CHECK(strstr(d.msg, "500 log entries") != NULL);
	{
		char rid[32], want[PT_AUDIT_DETAIL_MAX + 32];
		snprintf(rid, sizeof rid, "%lld", id);
		snprintf(want, sizeof want, "run.log: user: %s", d.msg);
		CHECK_INT(refused(&w, rid, want), 1);
	}
	CHECK_INT(pt_app_run_log_add(&w.ems, w.db, id, "ems_commander", -1, "still mine", NULL, &d),
		  PT_OK);
	CHECK_INT(observe(&w, id, "Police log stops at its cap", &d), PT_OK);
	/* the players' share of the run full: no player writes, the evaluator still does */
	fill(&w, id, "response", "ems_commander", w.sec.who.user_id,
	     PT_APP_RUN_PLAYERS_MAX - PT_APP_RUN_USER_LOG_MAX - 1);
	CHECK_INT(pt_app_run_log_add(&w.ems, w.db, id, "ems_commander", -1, "blocked", NULL, &d),
		  PT_ELIMIT);
	CHECK_STR(d.field, "run");
	CHECK(strstr(d.msg, "players") != NULL);
	CHECK_INT(observe(&w, id, "Players are at their share", &d), PT_OK);
	CHECK_INT(pt_app_run_log_add(&w.eva, w.db, id, NULL, -1, "evaluator's log", NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_log_add(&w.fac, w.db, id, NULL, -1, "facilitator's log", NULL, &d),
		  PT_OK);
	/* the run's own total */
	fill(&w, id, "observation", "", w.fac.who.user_id,
	     PT_APP_RUN_RECORDS_MAX - PT_APP_RUN_PLAYERS_MAX - 4);
	CHECK_INT(observe(&w, id, "the last one", &d), PT_ELIMIT);
	CHECK_STR(d.field, "run");
	CHECK(strstr(d.msg, "10000 entries") != NULL);
	/* an evaluator's own cap */
	id2 = new_run(&w);
	fill(&w, id2, "strength", "", w.eva.who.user_id, PT_APP_RUN_USER_OBS_MAX);
	CHECK_INT(observe(&w, id2, "over my cap", &d), PT_ELIMIT);
	CHECK_STR(d.field, "user");
	CHECK_INT(pt_app_run_log_add(&w.pol, w.db, id2, "police_commander", -1, "other run", NULL,
				     &d),
		  PT_OK);
	teardown(&w);
}

/* The entries newest first, a page at a time, each caller its own. */
static void test_paging(void)
{
	struct world w;
	struct pt_app_run *r = NULL;
	struct pt_diag d;
	long long id, p1 = 0, p2 = 0, p3 = 0, e1 = 0, next;
	if (setup(&w) != 0) {
		CHECK(0);
		return;
	}
	memset(&d, 0, sizeof d);
	id = new_run(&w);
	CHECK_INT(pt_app_run_log_add(&w.pol, w.db, id, "police_commander", -1, "p1", &p1, &d), PT_OK);
	CHECK_INT(pt_app_run_log_add(&w.ems, w.db, id, "ems_commander", -1, "e1", &e1, &d), PT_OK);
	CHECK_INT(pt_app_run_log_add(&w.pol, w.db, id, "police_commander", -1, "p2", &p2, &d), PT_OK);
	CHECK_INT(observe(&w, id, "o1", &d), PT_OK);
	CHECK_INT(pt_app_run_log_add(&w.pol, w.db, id, "police_commander", -1, "p3", &p3, &d), PT_OK);
	/* the facilitator: p3 and o1, then p2 and e1, then p1 */
	CHECK_INT(pt_app_run_get_page(&w.fac, w.db, id, 0, 2, &r, &d), PT_OK);
	CHECK(r->n_log == 1 && r->n_observations == 1 && r->page_more && r->page_limit == 2);
	CHECK_STR(r->log[0].activity, "p3");
	CHECK_STR(r->observations[0].text, "o1");
	next = r->page_next;
	CHECK(next == r->observations[0].id);
	pt_app_run_free(r);
	CHECK_INT(pt_app_run_get_page(&w.fac, w.db, id, next, 2, &r, &d), PT_OK);
	CHECK(r->n_log == 2 && r->n_observations == 0 && r->page_more && r->page_before == next);
	CHECK(r->log[0].id == p2 && r->log[1].id == e1 && r->page_next == e1);
	pt_app_run_free(r);
	CHECK_INT(pt_app_run_get_page(&w.fac, w.db, id, e1, 2, &r, &d), PT_OK);
	CHECK(r->n_log == 1 && r->log[0].id == p1 && !r->page_more);
	pt_app_run_free(r);
	/* the player: its own log only, paged the same way */
	CHECK_INT(pt_app_run_get_page(&w.pol, w.db, id, 0, 2, &r, &d), PT_OK);
	CHECK(r->n_log == 2 && r->log[0].id == p3 && r->log[1].id == p2 && r->page_more);
	CHECK(r->n_observations == 0);
	next = r->page_next;
	pt_app_run_free(r);
	CHECK_INT(pt_app_run_get_page(&w.pol, w.db, id, next, 2, &r, &d), PT_OK);
	CHECK(r->n_log == 1 && r->log[0].id == p1 && !r->page_more);
	pt_app_run_free(r);
	/* the default page holds them all; limits */
	CHECK_INT(pt_app_run_get(&w.eva, w.db, id, &r, &d), PT_OK);
	CHECK(r->n_log == 4 && r->n_observations == 1 && !r->page_more &&
	      r->page_limit == PT_APP_RUN_PAGE_DEFAULT);
	pt_app_run_free(r);
	r = NULL;
	CHECK_INT(pt_app_run_get_page(&w.fac, w.db, id, 0, PT_APP_RUN_PAGE_MAX + 1, &r, &d),
		  PT_ELIMIT);
	CHECK_STR(d.field, "limit");
	CHECK(r == NULL);
	teardown(&w);
}

/* A player no longer receives the evaluation guide, the simulation settings or the seed. */
static void test_player_view(void)
{
	struct world w;
	struct pt_app_run *r = NULL;
	struct pt_diag d;
	long long id;
	if (setup(&w) != 0) {
		CHECK(0);
		return;
	}
	memset(&d, 0, sizeof d);
	id = new_run(&w);
	CHECK_INT(pt_app_run_get(&w.pol, w.db, id, &r, &d), PT_OK);
	CHECK(!r->guide && r->seed == 0 && r->sc->n_objectives == 0 && r->sc->n_baseline == 0);
	CHECK(r->next_sim_min == -1 && r->sim_start_min == 0);
	CHECK(r->sc->simulation == NULL && r->sc->sim_replications == 0 && r->sc->n_sim_to == 0 &&
	      r->sc->sim_every_min == 0);
	CHECK(r->sc->n_decisions > 0); /* its own decisions stay */
	pt_app_run_free(r);
	{
		struct pt_caller who[] = {w.eva, w.fac, w.coord};
		for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
			CHECK_INT(pt_app_run_get(&who[i], w.db, id, &r, &d), PT_OK);
			CHECK(r->guide && r->seed == 77 && r->sc->n_objectives > 0 &&
			      r->sc->simulation != NULL && r->sc->sim_replications > 0);
			CHECK(r->sc->objectives[0].n_targets > 0);
			pt_app_run_free(r);
		}
	}
	teardown(&w);
}

/* Outsiders' attempts and a non-Exercise alert leave a refused row; the answer is unchanged. */
static void test_audit(void)
{
	struct world w;
	struct pt_app_alert_opts o;
	struct pt_app_alert *a = NULL;
	struct pt_diag d;
	char rid[32];
	long long id;
	if (setup(&w) != 0) {
		CHECK(0);
		return;
	}
	memset(&d, 0, sizeof d);
	id = new_run(&w);
	snprintf(rid, sizeof rid, "%lld", id);
	CHECK_INT(pt_app_run_start(&w.fac2, w.db, id, NULL, &d), PT_ENOTFOUND);
	CHECK_STR(d.field, "run");
	CHECK_INT(refused(&w, rid, "run.start: not found"), 1);
	CHECK_INT(pt_app_run_log_add(&w.viewer, w.db, id, NULL, -1, "x", NULL, &d), PT_ENOTFOUND);
	CHECK_INT(refused(&w, rid, "run.log: not found"), 1);
	CHECK_INT(pt_app_run_assign(&w.fac2, w.db, id, "ems", PT_RUN_PLAYER, "pio", &d),
		  PT_ENOTFOUND);
	CHECK_INT(refused(&w, rid, "run.assign: not found"), 1);
	/* a run that does not exist reads the same, and is audited the same */
	CHECK_INT(pt_app_run_start(&w.fac, w.db, 99999, NULL, &d), PT_ENOTFOUND);
	CHECK_INT(refused(&w, "99999", "run.start: not found"), 1);
	/* the run's PIO asks for an Actual alert */
	memset(&o, 0, sizeof o);
	o.template_id = "armed-attack";
	o.site_id = "VM-012";
	o.status_set = 1;
	o.status = PT_CAP_ACTUAL;
	CHECK_INT(pt_app_run_alert(&w.sec, w.db, id, &o, &a, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "status");
	CHECK(a == NULL);
	CHECK_INT(refused(&w, rid,
			  "run.alert: status: an alert from within an exercise has status Exercise"),
		  1);
	/* an outsider's Actual alert: not found, not 400 */
	CHECK_INT(pt_app_run_alert(&w.fac2, w.db, id, &o, &a, NULL, &d), PT_ENOTFOUND);
	CHECK_INT(refused(&w, rid, "run.alert: not found"), 1);
	teardown(&w);
}

/* Attack review round 2: an exercise alert's site every participant may read (7), 50 alerts a
 * run (2), 8 runs not ended per facilitator (5). */
static void test_round2(void)
{
	struct world w;
	struct pt_app_run_create_opts co;
	struct pt_app_alert_opts o;
	struct pt_app_alert *a = NULL;
	struct pt_diag d;
	long long id, more = 0, first = 0;
	char rid[32];
	int k;
	if (setup(&w) != 0) {
		CHECK(0);
		return;
	}
	memset(&d, 0, sizeof d);
	id = new_run(&w);
	snprintf(rid, sizeof rid, "%lld", id);
	CHECK_INT(pt_app_run_start(&w.fac, w.db, id, NULL, &d), PT_OK);
	memset(&o, 0, sizeof o);
	o.template_id = "armed-attack";
	o.site_id = "VM-013"; /* AMBER, the hospital's: sec (the PIO) reads it, pol and ems not */
	CHECK_INT(pt_app_run_alert(&w.sec, w.db, id, &o, &a, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "site");
	CHECK(strstr(d.msg, "not every participant") != NULL);
	CHECK(strstr(d.msg, "pol") == NULL && strstr(d.msg, "ems") == NULL);
	CHECK(a == NULL);
	o.site_id = "VM-012";
	for (k = 0; k < 50; k++) {
		CHECK_INT(pt_app_run_alert(&w.sec, w.db, id, &o, &a, NULL, &d), PT_OK);
		pt_app_alert_free(a);
		a = NULL;
	}
	CHECK_INT(pt_app_run_alert(&w.sec, w.db, id, &o, &a, NULL, &d), PT_ELIMIT);
	CHECK_STR(d.field, "run");
	CHECK(a == NULL);
	CHECK_INT(refused(&w, rid,
			  "run.alert: run: this run has issued 50 exercise alerts, the most one run "
			  "may issue"),
		  1);
	/* fac holds one run; seven more, then the ninth is refused until one ends */
	memset(&co, 0, sizeof co);
	co.builtin = "hospital-attack-exercise";
	for (k = 0; k < 7; k++) {
		CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &more, &d), PT_OK);
		if (!first)
			first = more;
	}
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &more, &d), PT_ECONFLICT);
	CHECK_STR(d.field, "runs");
	CHECK(strstr(d.msg, "8 runs not ended") != NULL);
	CHECK(more == 0);
	CHECK_INT(refused(&w, "", "run.create: runs: you have 8 runs not ended, the most one "
				  "facilitator may hold (8): end one (ENDEX) before creating another"),
		  1);
	CHECK_INT(pt_app_run_create(&w.fac2, w.db, &co, &more, &d), PT_OK); /* another's own */
	CHECK_INT(pt_app_run_endex(&w.fac, w.db, first, PT_RUN_ENDEX_EXERCISE, NULL, NULL, &d),
		  PT_OK);
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &more, &d), PT_OK);
	teardown(&w);
}

/* Round 3: N1, a participant added after an exercise alert may read its site too; N2 and N3,
 * past the refusal limit (quiet_refusals) refusals are answered as before, without a row. */
static void test_round3(void)
{
	struct world w;
	struct pt_app_run_create_opts co;
	struct pt_app_alert_opts o;
	struct pt_app_alert *a = NULL;
	struct pt_caller quiet;
	struct pt_diag d;
	long long amber = 0, green = 0, more = 0;
	char rid[32];
	int k;
	if (setup(&w) != 0) {
		CHECK(0);
		return;
	}
	memset(&d, 0, sizeof d);
	memset(&co, 0, sizeof co);
	co.builtin = "hospital-attack-exercise";
	memset(&o, 0, sizeof o);
	o.template_id = "armed-attack";
	/* the hospital's facilitator and PIO may read VM-013 (AMBER): its alert is issued */
	CHECK_INT(pt_app_run_create(&w.hfac, w.db, &co, &amber, &d), PT_OK);
	CHECK_INT(pt_app_run_assign(&w.hfac, w.db, amber, "sec", PT_RUN_PLAYER, "pio", &d), PT_OK);
	CHECK_INT(pt_app_run_start(&w.hfac, w.db, amber, NULL, &d), PT_OK);
	o.site_id = "VM-013";
	CHECK_INT(pt_app_run_alert(&w.sec, w.db, amber, &o, &a, NULL, &d), PT_OK);
	pt_app_alert_free(a);
	a = NULL;
	/* pol may not read it: not assigned afterwards, in any part, the site not named */
	CHECK_INT(pt_app_run_assign(&w.hfac, w.db, amber, "pol", PT_RUN_PLAYER, "police_commander",
				    &d),
		  PT_ECONFLICT);
	CHECK_STR(d.field, "user");
	CHECK(strstr(d.msg, "exercise alerts about a site pol may not read") != NULL);
	CHECK(strstr(d.msg, "VM-013") == NULL && strstr(d.msg, "Laboratory") == NULL);
	/* a run whose alert is about a site everyone reads (GREEN) takes pol */
	CHECK_INT(pt_app_run_create(&w.hfac, w.db, &co, &green, &d), PT_OK);
	CHECK_INT(pt_app_run_assign(&w.hfac, w.db, green, "sec", PT_RUN_PLAYER, "pio", &d), PT_OK);
	CHECK_INT(pt_app_run_start(&w.hfac, w.db, green, NULL, &d), PT_OK);
	o.site_id = "VM-012";
	CHECK_INT(pt_app_run_alert(&w.sec, w.db, green, &o, &a, NULL, &d), PT_OK);
	pt_app_alert_free(a);
	a = NULL;
	CHECK_INT(pt_app_run_assign(&w.hfac, w.db, green, "pol", PT_RUN_PLAYER, "police_commander",
				    &d),
		  PT_OK);
	/* quiet refusals: the same answers, no rows */
	snprintf(rid, sizeof rid, "%lld", amber);
	quiet = w.fac2;
	quiet.quiet_refusals = 1;
	CHECK_INT(pt_app_run_assign(&quiet, w.db, amber, "ems", PT_RUN_PLAYER, "pio", &d),
		  PT_ENOTFOUND);
	CHECK_INT(refused(&w, rid, "run.assign: not found"), 0);
	CHECK_INT(pt_app_run_assign(&w.fac2, w.db, amber, "ems", PT_RUN_PLAYER, "pio", &d),
		  PT_ENOTFOUND);
	CHECK_INT(refused(&w, rid, "run.assign: not found"), 1);
	quiet = w.viewer;
	quiet.quiet_refusals = 1;
	CHECK_INT(pt_app_run_create(&quiet, w.db, &co, &more, &d), PT_EFORBIDDEN);
	CHECK_INT(refused(&w, "", "run.create: role: only a facilitator may create an exercise run"),
		  0);
	CHECK_INT(pt_app_run_create(&w.viewer, w.db, &co, &more, &d), PT_EFORBIDDEN);
	CHECK_INT(refused(&w, "", "run.create: role: only a facilitator may create an exercise run"),
		  1);
	for (k = 0; k < 6; k++) /* hfac: 8 runs not ended */
		CHECK_INT(pt_app_run_create(&w.hfac, w.db, &co, &more, &d), PT_OK);
	quiet = w.hfac;
	quiet.quiet_refusals = 1;
	CHECK_INT(pt_app_run_create(&quiet, w.db, &co, &more, &d), PT_ECONFLICT);
	CHECK_STR(d.field, "runs");
	CHECK_INT(refused(&w, "", "run.create: runs: you have 8 runs not ended, the most one "
				  "facilitator may hold (8): end one (ENDEX) before creating another"),
		  0);
	CHECK_INT(pt_app_run_create(&w.hfac, w.db, &co, &more, &d), PT_ECONFLICT);
	CHECK_INT(refused(&w, "", "run.create: runs: you have 8 runs not ended, the most one "
				  "facilitator may hold (8): end one (ENDEX) before creating another"),
		  1);
	/* a quiet caller's own run works as ever: the facilitator suspends it */
	CHECK_INT(pt_app_run_suspend(&quiet, w.db, amber, "Fire alarm", NULL, &d), PT_OK);
	teardown(&w);
}

/* Texts: tab and new line only; CR, other controls and bidi controls refused naming the field. */
static void test_texts(void)
{
	struct world w;
	struct pt_app_run_create_opts co;
	struct pt_app_run_improvement_opts im;
	struct pt_app_run_obs_opts o;
	struct pt_diag d;
	long long id, bad = 0;
	if (setup(&w) != 0) {
		CHECK(0);
		return;
	}
	memset(&d, 0, sizeof d);
	id = new_run(&w);
	CHECK_INT(pt_app_run_log_add(&w.pol, w.db, id, "police_commander", -1, "a\rb", NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "activity");
	CHECK(strstr(d.msg, "0x0D") != NULL);
	CHECK_INT(pt_app_run_log_add(&w.pol, w.db, id, "police_commander", -1,
				     "gate \xE2\x80\xAE" "B", NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "activity");
	CHECK(strstr(d.msg, "U+202E") != NULL);
	CHECK_INT(pt_app_run_log_add(&w.pol, w.db, id, "police_commander", -1, "a\x1b[31m", NULL, &d),
		  PT_EINVAL);
	CHECK_INT(pt_app_run_log_add(&w.pol, w.db, id, "police_commander", -1,
				     "Cordon\tset\nGate B open", NULL, &d),
		  PT_OK);
	memset(&o, 0, sizeof o);
	o.t_min = -1;
	o.capability = -1;
	o.text = "isolate \xE2\x81\xA6x";
	CHECK_INT(pt_app_run_observe(&w.eva, w.db, id, &o, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "text");
	CHECK_INT(pt_app_run_rate(&w.eva, w.db, id, "t_lockdown", PT_RUN_RATING_S, "ok\r", &d),
		  PT_EINVAL);
	memset(&im, 0, sizeof im);
	im.capability = -1;
	im.issue = "issue \xC2\x85";
	im.action = "act";
	im.element = PT_RUN_ELEMENT_TRAINING;
	im.responsible = "Police";
	CHECK_INT(pt_app_run_improvement_add(&w.fac, w.db, id, &im, NULL, &d), PT_EINVAL);
	CHECK_STR(d.field, "issue");
	memset(&co, 0, sizeof co);
	co.builtin = "hospital-attack-exercise";
	co.title = "Drill \xE2\x80\xAE" "lirD";
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &bad, &d), PT_EINVAL);
	CHECK_STR(d.field, "title");
	co.title = "Two\nlines";
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &bad, &d), PT_EINVAL);
	CHECK_STR(d.field, "title");
	CHECK(bad == 0);
	CHECK_INT(pt_app_run_start(&w.fac, w.db, id, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_endex(&w.fac, w.db, id, PT_RUN_ENDEX_EXERCISE, "End\r", NULL, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "message");
	CHECK_INT(pt_app_run_endex(&w.fac, w.db, id, PT_RUN_ENDEX_EXERCISE, "End of play.\nThanks",
				   NULL, &d),
		  PT_OK);
	teardown(&w);
}

int main(void)
{
	RUN(test_quotas);
	RUN(test_paging);
	RUN(test_player_view);
	RUN(test_audit);
	RUN(test_texts);
	RUN(test_round2);
	RUN(test_round3);
	return TEST_SUMMARY("test_app_exercise_runs_quota");
}
