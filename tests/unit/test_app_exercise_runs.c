/* test_app_exercise_runs.c - unit tests of the live exercise runs' use cases
 * (src/app/pt_app_exercise_runs*.c, issue 15): an end-to-end run of the built-in
 * hospital-attack exercise through the app layer on a database file (a
 * facilitator, three players, an evaluator, an observing coordinator): who
 * sees which inject, pause, shift, a contingency firing, decisions and the
 * simulation's figures, responses, logs, observations, ratings, the
 * improvement plan, an exercise alert, a restart, ENDEX, and every refusal. */
#include <unistd.h>

#include "app/pt_app_alerts.h"
#include "app/pt_app_exercise_runs.h"
#include "app/pt_app_sites.h"
#include "formats/pt_embedded.h"
#include "formats/pt_exercise_io.h"
#include "app_fixture.h"

#define MIN 60 /* wall seconds of one scenario minute at speed 1 */

struct world {
	char dir[64], path[128];
	struct pt_db *db;
	struct pt_caller sys, fac, pol, ems, sec, eva, coord, viewer, other, fac2;
};

static struct pt_db *open_file(const char *path, int seed)
{
	struct pt_catalogs cat;
	struct pt_diag d;
	struct pt_db *db = NULL;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_db_open(path, 1, &db, &d), PT_OK);
	if (!db || !seed)
		return db;
	memset(&cat, 0, sizeof cat);
	fx_entry(&cat.kinds, "soft_target", "");
	fx_entry(&cat.sectors, "stadium_arena", "soft_target");
	fx_entry(&cat.threats, "arson", "");
	CHECK_INT(pt_db_seed(db, &cat, NULL, NULL, 0, &d), PT_OK);
	pt_catalog_clear(&cat.kinds);
	pt_catalog_clear(&cat.sectors);
	pt_catalog_clear(&cat.threats);
	return db;
}

static void callers(struct world *w)
{
	pt_caller_system(&w->sys);
	w->sys.now = T0;
	w->fac = fx_caller(w->db, "fac");
	w->pol = fx_caller(w->db, "pol");
	w->ems = fx_caller(w->db, "ems");
	w->sec = fx_caller(w->db, "sec");
	w->eva = fx_caller(w->db, "eva");
	w->coord = fx_caller(w->db, "coord");
	w->viewer = fx_caller(w->db, "viewer");
	w->other = fx_caller(w->db, "other");
	w->fac2 = fx_caller(w->db, "fac2");
}

static int setup(struct world *w)
{
	static const char rows[] = SITES_HEADER
		"VM-012,Orrinford General Hospital,soft_target,stadium_arena,Orrinford Hospital Trust,"
		"47.1,-12.1,North,100,50,0,1000000,GREEN\n";
	struct pt_sites_import in;
	struct pt_sites_import_result res;
	struct pt_diag d;
	long long crisis, police, ambulance, hospital, ngo;
	memset(w, 0, sizeof *w);
	memset(&d, 0, sizeof d);
	snprintf(w->dir, sizeof w->dir, "/tmp/pt-runs-XXXXXX");
	if (!mkdtemp(w->dir))
		return 1;
	snprintf(w->path, sizeof w->path, "%s/protect.db", w->dir);
	if (!(w->db = open_file(w->path, 1)))
		return 1;
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
	fx_user(w->db, "other", PT_ROLE_PLAYER, ngo);
	callers(w);
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

static struct pt_caller at(struct pt_caller c, int64_t t)
{
	c.now = t;
	return c;
}

/* How many events of kind (and seq, when > 0) c sees in run id. */
static int sees(struct world *w, struct pt_caller c, long long id, const char *kind, uint32_t seq)
{
	struct pt_app_run_events *e = NULL;
	struct pt_diag d;
	int n = 0;
	memset(&d, 0, sizeof d);
	if (pt_app_run_events(&c, w->db, id, 0, 0, &e, &d) != PT_OK)
		return -1;
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->items[i].kind, kind) == 0 && (!seq || e->items[i].seq == seq))
			n++;
	pt_app_run_events_free(e);
	return n;
}

/* The inject state of seq in c's view of run id (status, or -1 when c does not see it). */
static int status_of(struct world *w, struct pt_caller c, long long id, uint32_t seq,
		     double *due)
{
	struct pt_app_run *r = NULL;
	struct pt_diag d;
	int st = -1;
	memset(&d, 0, sizeof d);
	if (pt_app_run_get(&c, w->db, id, &r, &d) != PT_OK)
		return -2;
	for (size_t i = 0; i < r->sc->n_injects; i++)
		if (r->sc->injects[i].seq == seq) {
			st = (int)r->inj[i].status;
			if (due)
				*due = r->inj[i].due_min;
		}
	pt_app_run_free(r);
	return st;
}

static void tick(struct world *w, long long id, int64_t t, struct pt_app_run_done *done)
{
	struct pt_caller s = at(w->sys, t);
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_run_tick(&s, w->db, id, done, &d), PT_OK);
}

static void test_end_to_end(void)
{
	struct world w;
	struct pt_app_run_create_opts co;
	struct pt_app_run_done done, dec;
	struct pt_app_run *r = NULL, *r2 = NULL;
	struct pt_app_run_list *l = NULL;
	struct pt_diag d;
	struct pt_caller c;
	long long id = 0, other_run = 0, sim0 = 0, sim1 = 0, eid = 0;
	int64_t t_start = T0 + 60, t;
	double due = 0;
	char figures0[4096] = "", figures1[4096] = "";

	if (setup(&w) != 0) {
		CHECK(0);
		return;
	}
	memset(&d, 0, sizeof d);

	/* ---- create: facilitators only, from a built-in scenario ---- */
	memset(&co, 0, sizeof co);
	co.builtin = "hospital-attack-exercise";
	co.seed_set = 1;
	co.seed = 7;
	CHECK_INT(pt_app_run_create(&w.pol, w.db, &co, &id, &d), PT_EFORBIDDEN);
	co.builtin = "no-such-exercise";
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &id, &d), PT_ENOTFOUND);
	CHECK_STR(d.field, "builtin");
	co.builtin = "../alerts/armed-attack";
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &id, &d), PT_ENOTFOUND);
	co.builtin = "hospital-attack-exercise";
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &id, &d), PT_OK);
	CHECK(id > 0);
	CHECK_INT(fx_audited(w.db, "run.create", NULL), 1);
	CHECK_INT(pt_app_run_create(&w.fac2, w.db, &co, &other_run, &d), PT_OK);

	/* ---- assign: three players (sec plays two roles), an evaluator ---- */
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "pol", PT_RUN_PLAYER, "police_commander", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "ems", PT_RUN_PLAYER, "ems_commander", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "sec", PT_RUN_PLAYER, "security_manager", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "sec", PT_RUN_PLAYER, "pio", &d), PT_OK);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "eva", PT_RUN_EVALUATOR, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "sec", PT_RUN_PLAYER, "pio", &d),
		  PT_ECONFLICT);
	/* the user's system role must be the part's; roles must exist; players do not assign */
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "viewer", PT_RUN_PLAYER, "pio", &d),
		  PT_EFORBIDDEN);
	CHECK_STR(d.field, "user");
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "pol", PT_RUN_EVALUATOR, NULL, &d),
		  PT_EFORBIDDEN);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "ems", PT_RUN_PLAYER, "janitor", &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "role");
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "nobody", PT_RUN_PLAYER, "pio", &d),
		  PT_ENOTFOUND);
	CHECK_INT(pt_app_run_assign(&w.pol, w.db, id, "ems", PT_RUN_PLAYER, "pio", &d),
		  PT_EFORBIDDEN);
	CHECK_INT(pt_app_run_assign(&w.fac2, w.db, id, "ems", PT_RUN_PLAYER, "pio", &d),
		  PT_ENOTFOUND); /* another run's facilitator does not see this one */
	CHECK_INT(pt_app_run_assign(&w.fac2, w.db, other_run, "other", PT_RUN_PLAYER, "pio", &d),
		  PT_OK);
	CHECK_INT(fx_audited(w.db, "run.assign", NULL), 6);

	/* ---- who sees the run ---- */
	c = at(w.viewer, T0);
	CHECK_INT(pt_app_run_get(&c, w.db, id, &r, &d), PT_ENOTFOUND);
	CHECK_STR(d.field, "run");
	c = at(w.other, T0); /* a player of another run */
	CHECK_INT(pt_app_run_get(&c, w.db, id, &r, &d), PT_ENOTFOUND);
	{
		struct pt_app_run_events *e = NULL;
		CHECK_INT(pt_app_run_events(&c, w.db, id, 0, 0, &e, &d), PT_ENOTFOUND);
		CHECK(e == NULL);
	}
	CHECK_INT(pt_app_run_get(&c, w.db, 424242, &r, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_run_list(&c, w.db, &l, &d), PT_OK);
	CHECK(l->n == 1 && l->items[0].id == other_run && l->items[0].view == PT_RUN_VIEW_PLAYER);
	pt_app_run_list_free(l);
	c = at(w.coord, T0); /* a government coordinator observes (AMBER) */
	CHECK_INT(pt_app_run_list(&c, w.db, &l, &d), PT_OK);
	CHECK(l->n == 2);
	pt_app_run_list_free(l);
	CHECK_INT(pt_app_run_get(&c, w.db, id, &r, &d), PT_OK);
	CHECK_INT(r->s.view, PT_RUN_VIEW_OBSERVER);
	CHECK_INT(r->s.tlp, PT_TLP_AMBER);
	CHECK(r->sc->n_injects == 31);
	pt_app_run_free(r);
	CHECK_INT(fx_audited(w.db, "run.read", NULL), 1);

	/* ---- the clock: a player may not start it, nor a coordinator ---- */
	c = at(w.pol, t_start);
	CHECK_INT(pt_app_run_start(&c, w.db, id, NULL, &d), PT_EFORBIDDEN);
	CHECK_STR(d.field, "role");
	c = at(w.coord, t_start);
	CHECK_INT(pt_app_run_start(&c, w.db, id, NULL, &d), PT_EFORBIDDEN);
	CHECK(fx_audited(w.db, "refused", NULL) >= 2);
	c = at(w.pol, t_start);
	CHECK_INT(pt_app_run_decide(&c, w.db, id, "police_commander", "scene_safe", NULL, NULL, &d),
		  PT_ECONFLICT); /* the clock is not running */
	c = at(w.fac, t_start);
	CHECK_INT(pt_app_run_start(&c, w.db, id, &done, &d), PT_OK);
	CHECK_INT(done.state, PT_EX_CLOCK_RUNNING);
	CHECK(done.n_events >= 1 && done.last_event > 0);
	CHECK_INT(pt_app_run_start(&c, w.db, id, NULL, &d), PT_ECONFLICT);

	/* minute 6: inject 1 (00:05, to the security manager) reaches sec only among players */
	tick(&w, id, t_start + 6 * MIN, &done);
	CHECK(done.n_events == 1);
	{ /* a second with nothing due writes nothing */
		int advances = fx_audited(w.db, "run.advance", NULL);
		long long last = done.last_event;
		tick(&w, id, t_start + 6 * MIN + 1, &done);
		CHECK(done.n_events == 0 && done.last_event == last);
		CHECK_INT(done.state, PT_EX_CLOCK_RUNNING);
		CHECK_INT(fx_audited(w.db, "run.advance", NULL), advances);
	}
	CHECK_INT(sees(&w, w.sec, id, "inject", 1), 1);
	CHECK_INT(sees(&w, w.pol, id, "inject", 1), 0);
	CHECK_INT(sees(&w, w.ems, id, "inject", 1), 0);
	CHECK_INT(sees(&w, w.eva, id, "inject", 1), 1);
	CHECK_INT(sees(&w, w.coord, id, "inject", 1), 1);
	CHECK_INT(sees(&w, w.fac, id, "inject", 1), 1);
	CHECK_INT(sees(&w, w.pol, id, "start", 0), 1); /* clock changes reach everyone */
	/* a player's view: only its delivered injects, no expected actions */
	c = at(w.sec, t_start + 6 * MIN);
	CHECK_INT(pt_app_run_get(&c, w.db, id, &r, &d), PT_OK);
	CHECK_INT(r->s.view, PT_RUN_VIEW_PLAYER);
	CHECK(r->sc->n_injects == 1 && r->sc->injects[0].seq == 1);
	CHECK_STR(r->sc->injects[0].expected_action, "");
	CHECK(r->sc->n_baseline == 0);
	CHECK(r->n_my_roles == 2);
	CHECK(r->n_participants == 6);
	{
		json_t *j = pt_ex_scenario_to_json(r->sc);
		char *text = j ? json_dumps(j, 0) : NULL;
		CHECK(text != NULL);
		CHECK(text && strstr(text, "Patrol unit Oscar-12") == NULL); /* inject 4, police */
		CHECK(text && strstr(text, "switchboard operator") != NULL); /* inject 1, its own */
		free(text);
		json_decref(j);
	}
	pt_app_run_free(r);
	c = at(w.pol, t_start + 6 * MIN);
	CHECK_INT(pt_app_run_get(&c, w.db, id, &r, &d), PT_OK);
	CHECK(r->sc->n_injects == 0);
	for (size_t i = 0; i < r->sc->n_decisions; i++) /* only what the police commander decides */
		CHECK(strcmp(r->sc->decisions[i].id, "scene_safe") == 0 ||
		      strcmp(r->sc->decisions[i].id, "rtf_entry") == 0);
	pt_app_run_free(r);

	/* ---- pause freezes: nothing is delivered while paused ---- */
	c = at(w.fac, t_start + 10 * MIN);
	CHECK_INT(pt_app_run_pause(&c, w.db, id, &done, &d), PT_OK);
	CHECK_INT(done.state, PT_EX_CLOCK_PAUSED);
	tick(&w, id, t_start + 30 * MIN, &done);
	CHECK(done.n_events == 0);
	CHECK_INT(status_of(&w, at(w.fac, t_start + 30 * MIN), id, 2, NULL), PT_EX_PENDING);
	c = at(w.fac, t_start + 30 * MIN);
	CHECK_INT(pt_app_run_get(&c, w.db, id, &r, &d), PT_OK);
	CHECK(r->s.now_min == 10);
	pt_app_run_free(r);
	CHECK_INT(pt_app_run_resume(&c, w.db, id, &done, &d), PT_OK);
	CHECK_INT(pt_app_run_resume(&c, w.db, id, &done, &d), PT_ECONFLICT);

	/* ---- shift: the pending injects move, never into the past ---- */
	CHECK_INT(pt_app_run_shift(&c, w.db, id, -20, &done, &d), PT_EINVAL);
	CHECK_STR(d.field, "minutes");
	CHECK_INT(status_of(&w, c, id, 2, &due), PT_EX_PENDING);
	CHECK(due == 12);
	CHECK_INT(pt_app_run_shift(&c, w.db, id, 5, &done, &d), PT_OK);
	CHECK_INT(status_of(&w, c, id, 2, &due), PT_EX_PENDING);
	CHECK(due == 17);
	CHECK_INT(status_of(&w, c, id, 3, &due), PT_EX_PENDING);
	CHECK(due == 23);
	/* review finding 2: the attack (00:45) is still to come: it moves too, and with it the
	 * first periodic rerun; both are stored */
	CHECK_INT(pt_app_run_get(&c, w.db, id, &r, &d), PT_OK);
	CHECK(r && r->sim_start_min == 50 && r->next_sim_min == 50);
	pt_app_run_free(r);
	r = NULL;
	c = at(w.pol, t_start + 30 * MIN);
	CHECK_INT(pt_app_run_shift(&c, w.db, id, 5, &done, &d), PT_EFORBIDDEN);

	/* scenario minute 18 (wall +38): inject 2 (due 17) delivered, 3 (due 23) not yet */
	tick(&w, id, t_start + 38 * MIN, &done);
	CHECK_INT(status_of(&w, at(w.fac, t_start + 38 * MIN), id, 2, NULL), PT_EX_DELIVERED);
	CHECK_INT(status_of(&w, at(w.fac, t_start + 38 * MIN), id, 3, NULL), PT_EX_PENDING);
	CHECK_INT(sees(&w, w.sec, id, "inject", 2), 1); /* to security_manager and pio */

	/* ---- responses and the ICS 214 log ---- */
	c = at(w.sec, t_start + 39 * MIN);
	CHECK_INT(pt_app_run_respond(&c, w.db, id, 1, "security_manager",
				     "Told the switchboard to log the caller's number", &done, &d),
		  PT_OK);
	CHECK_INT(pt_app_run_respond(&c, w.db, id, 4, "security_manager", "?", NULL, &d),
		  PT_ENOTFOUND); /* not delivered to it */
	CHECK_INT(pt_app_run_respond(&c, w.db, id, 1, "police_commander", "?", NULL, &d),
		  PT_EFORBIDDEN); /* not its role */
	CHECK_INT(pt_app_run_respond(&c, w.db, id, 1, "security_manager", "", NULL, &d), PT_EINVAL);
	CHECK_INT(sees(&w, w.fac, id, "response", 1), 1);
	CHECK_INT(sees(&w, w.pol, id, "response", 1), 0);
	CHECK_INT(pt_app_run_log_add(&c, w.db, id, "security_manager", -1,
				     "Briefed the car park patrol", &eid, &d),
		  PT_OK);
	CHECK(eid > 0);
	CHECK_INT(pt_app_run_log_add(&c, w.db, id, "security_manager", 300, "later", NULL, &d),
		  PT_EINVAL); /* not after the clock */
	c = at(w.eva, t_start + 39 * MIN);
	CHECK_INT(pt_app_run_log_add(&c, w.db, id, NULL, 15, "Observed the security desk", NULL,
				     &d),
		  PT_OK);
	c = at(w.coord, t_start + 39 * MIN);
	CHECK_INT(pt_app_run_log_add(&c, w.db, id, NULL, -1, "x", NULL, &d), PT_EFORBIDDEN);

	/* ---- minute 50: 3, 4, 5 (the contingency of 3: nobody did 3's action), 6, 7 ---- */
	t = t_start + 70 * MIN;
	tick(&w, id, t, &done);
	CHECK_INT(status_of(&w, at(w.fac, t), id, 5, NULL), PT_EX_DELIVERED);
	CHECK_INT(sees(&w, w.sec, id, "inject", 5), 1);
	CHECK_INT(sees(&w, w.pol, id, "inject", 7), 1);
	CHECK_INT(sees(&w, w.ems, id, "inject", 7), 1);
	CHECK_INT(sees(&w, w.sec, id, "inject", 7), 0);
	CHECK(done.n_sim_due >= 1);
	CHECK_INT(sees(&w, w.pol, id, "sim_due", 0), 0); /* the facilitators' */
	CHECK(sees(&w, w.fac, id, "sim_due", 0) >= 1);
	sim0 = done.n_sim_due ? done.sim_due[0] : 0;

	/* ---- decisions: the player's own roles only, checked values ---- */
	c = at(w.pol, t);
	CHECK_INT(pt_app_run_decide(&c, w.db, id, "police_commander", "ambulances_dispatched", "2",
				    NULL, &d),
		  PT_EFORBIDDEN); /* the police commander may not dispatch ambulances */
	CHECK_INT(pt_app_run_decide(&c, w.db, id, "ems_commander", "ambulances_dispatched", "2",
				    NULL, &d),
		  PT_EFORBIDDEN); /* not its role */
	CHECK_STR(d.field, "role");
	c = at(w.ems, t);
	CHECK_INT(pt_app_run_decide(&c, w.db, id, "ems_commander", "ambulances_dispatched", "600",
				    NULL, &d),
		  PT_EINVAL);
	CHECK_INT(pt_app_run_decide(&c, w.db, id, "ems_commander", "no_such", "1", NULL, &d),
		  PT_ENOTFOUND);
	CHECK_INT(pt_app_run_decide(&c, w.db, id, "ems_commander", "ambulances_dispatched", "2",
				    &dec, &d),
		  PT_OK);
	CHECK(dec.n_sim_due == 1);
	sim1 = dec.n_sim_due ? dec.sim_due[0] : 0;
	CHECK_INT(status_of(&w, at(w.fac, t), id, 7, NULL), PT_EX_DELIVERED);
	CHECK_INT(sees(&w, w.ems, id, "decision", 0), 1);
	CHECK_INT(sees(&w, w.pol, id, "decision", 0), 0);
	CHECK_INT(sees(&w, w.eva, id, "decision", 0), 1);
	CHECK_INT(sees(&w, w.eva, id, "done", 7), 1); /* inject 7's expected action */

	/* ---- the simulation: a decision changes the next figures; sim_to roles only ---- */
	CHECK(sim0 > 0 && sim1 > sim0);
	CHECK_INT(pt_app_run_sim(&w.sys, w.db, id, sim0, 2, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_sim(&w.sys, w.db, id, sim0, 2, NULL, &d), PT_ECONFLICT);
	CHECK_INT(pt_app_run_sim(&w.sys, w.db, id, sim1, 2, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_sim(&w.sys, w.db, id, eid, 2, NULL, &d), PT_ENOTFOUND);
	{
		struct pt_app_run_events *e = NULL;
		c = at(w.ems, t);
		CHECK_INT(pt_app_run_events(&c, w.db, id, 0, 0, &e, &d), PT_OK);
		for (size_t i = 0; e && i < e->n; i++)
			if (strcmp(e->items[i].kind, "sim") == 0) {
				CHECK_STR(e->items[i].from, "Simulation cell");
				CHECK_STR(e->items[i].type, "information");
				CHECK(e->items[i].detail != NULL);
				pt_strlcpy(figures0[0] ? figures1 : figures0, e->items[i].text,
					   sizeof figures0);
			}
		pt_app_run_events_free(e);
	}
	CHECK(figures0[0] && figures1[0]);
	/* review 3: the players get the situation in whole numbers, not the projected end state */
	CHECK(strstr(figures0, "Situation at ") == figures0);
	CHECK(strstr(figures0, "dead so far") != NULL);
	CHECK(strstr(figures0, "Projected") == NULL && strstr(figures0, "interval") == NULL);
	CHECK(strcmp(figures0, figures1) != 0); /* 2 ambulances committed instead of the first 4 */
	CHECK(strstr(figures1, "2 committed in all") != NULL);
	CHECK_INT(sees(&w, w.pol, id, "sim", 0), 0);   /* not a sim_to role */
	CHECK_INT(sees(&w, w.sec, id, "sim", 0), 0);
	CHECK_INT(sees(&w, w.fac, id, "sim", 0), 2);
	/* the projection with its intervals: the facilitator and evaluators only */
	CHECK_INT(sees(&w, w.ems, id, "outcome", 0), 0);
	CHECK_INT(sees(&w, w.fac, id, "outcome", 0), 2);
	CHECK_INT(sees(&w, w.eva, id, "outcome", 0), 2);
	/* review 4: an inject's text is filled at delivery: the decision in force, the last situation */
	c = at(w.fac, t);
	CHECK_INT(pt_app_run_trigger(&c, w.db, id, 19, NULL, &d), PT_OK);
	{
		struct pt_app_run_events *e = NULL;
		int found = 0;
		c = at(w.ems, t);
		CHECK_INT(pt_app_run_events(&c, w.db, id, 0, 0, &e, &d), PT_OK);
		for (size_t i = 0; e && i < e->n; i++)
			if (strcmp(e->items[i].kind, "inject") == 0 && e->items[i].seq == 19) {
				found = 1;
				/* review 15B item 4: the count says when it was made */
				CHECK(strncmp(e->items[i].text,
					      "Control: 2 ambulances committed. Control's count at ",
					      52) == 0);
				CHECK(strlen(e->items[i].text) > 58 && e->items[i].text[54] == ':' &&
				      e->items[i].text[57] == ':');
				CHECK(strchr(e->items[i].text, '{') == NULL);
				CHECK(strstr(e->items[i].text, " at the scene, ") != NULL);
			}
		CHECK(found);
		pt_app_run_events_free(e);
	}

	/* ---- evaluators observe and rate; the facilitator gives the final rating ---- */
	{
		struct pt_app_run_obs_opts o;
		struct pt_app_run_improvement_opts io;
		memset(&o, 0, sizeof o);
		o.t_min = -1;
		o.capability = -1;
		o.target = "t_lockdown";
		o.kind = PT_RUN_OBS_STRENGTH;
		o.text = "ED locked down within four minutes of the alarm";
		c = at(w.eva, t);
		CHECK_INT(pt_app_run_observe(&c, w.db, id, &o, &eid, &d), PT_OK);
		CHECK_INT(pt_app_run_rate(&c, w.db, id, "t_lockdown", PT_RUN_RATING_S, "good", &d),
			  PT_OK);
		CHECK_INT(pt_app_run_rate(&c, w.db, id, "t_nothing", PT_RUN_RATING_S, NULL, &d),
			  PT_ENOTFOUND);
		c = at(w.sec, t);
		CHECK_INT(pt_app_run_observe(&c, w.db, id, &o, NULL, &d), PT_EFORBIDDEN);
		CHECK_INT(pt_app_run_rate(&c, w.db, id, "t_lockdown", PT_RUN_RATING_P, NULL, &d),
			  PT_EFORBIDDEN);
		c = at(w.eva, t);
		CHECK_INT(pt_app_run_rate_final(&c, w.db, id, "t_lockdown", PT_RUN_RATING_M, NULL, &d),
			  PT_EFORBIDDEN);
		c = at(w.fac, t);
		CHECK_INT(pt_app_run_rate_final(&c, w.db, id, "t_lockdown", PT_RUN_RATING_M,
						"the evaluators disagree; M", &d),
			  PT_OK);
		memset(&io, 0, sizeof io);
		io.capability = -1;
		io.issue = "No cordon at the suspicious van";
		io.action = "Train the security staff to cordon suspect vehicles";
		io.element = PT_RUN_ELEMENT_TRAINING;
		io.responsible = "Orrinford Hospital Trust";
		io.due = "2027-03-31";
		io.start = "2027-01-01";
		io.target = "t_lockdown";
		io.risk_site = "VM-012";
		io.risk_threat = "arson";
		CHECK_INT(pt_app_run_improvement_add(&c, w.db, id, &io, &eid, &d), PT_OK);
		io.due = "2027-02-29"; /* not a leap year */
		CHECK_INT(pt_app_run_improvement_add(&c, w.db, id, &io, NULL, &d), PT_EINVAL);
		CHECK_STR(d.field, "due");
		io.due = "2027-03-31";
		io.start = NULL;
		CHECK_INT(pt_app_run_improvement_add(&c, w.db, id, &io, NULL, &d), PT_EINVAL);
		CHECK_STR(d.field, "start");
		io.start = "2027-01-01";
		io.target = "t_nothing";
		CHECK_INT(pt_app_run_improvement_add(&c, w.db, id, &io, NULL, &d), PT_ENOTFOUND);
		CHECK_STR(d.field, "target");
		io.target = "t_lockdown";
		io.due = "31.03.2027";
		CHECK_INT(pt_app_run_improvement_add(&c, w.db, id, &io, NULL, &d), PT_EINVAL);
		CHECK_STR(d.field, "due");
		io.due = NULL;
		io.risk_site = "VM-999";
		CHECK_INT(pt_app_run_improvement_add(&c, w.db, id, &io, NULL, &d), PT_ENOTFOUND);
		io.risk_site = NULL;
		io.risk_threat = NULL;
		c = at(w.eva, t);
		CHECK_INT(pt_app_run_improvement_add(&c, w.db, id, &io, NULL, &d), PT_EFORBIDDEN);
		c = at(w.eva, t);
		CHECK_INT(pt_app_run_get(&c, w.db, id, &r, &d), PT_OK);
		CHECK(r->n_observations == 1 && r->n_ratings == 2 && r->n_improvements == 1);
		CHECK(r->n_log == 2 && r->n_responses == 1 && r->n_made == 1);
		pt_app_run_free(r);
		c = at(w.sec, t);
		CHECK_INT(pt_app_run_get(&c, w.db, id, &r, &d), PT_OK);
		CHECK(r->n_observations == 0 && r->n_ratings == 0 && r->n_improvements == 0);
		CHECK(r->n_log == 1 && r->n_made == 0); /* its own log; ems made the decision */
		pt_app_run_free(r);
	}

	/* ---- an exercise alert by the run's pio (a player), never on the public feed ---- */
	{
		struct pt_app_alert_opts o;
		struct pt_app_alert *a = NULL;
		struct pt_app_alert_feed *f = NULL;
		memset(&o, 0, sizeof o);
		o.template_id = "armed-attack";
		o.site_id = "VM-012";
		c = at(w.pol, t);
		CHECK_INT(pt_app_run_alert(&c, w.db, id, &o, &a, NULL, &d), PT_EFORBIDDEN);
		c = at(w.sec, t);
		CHECK_INT(pt_app_alert_new(&c, w.db, &o, 0, &a, &d), PT_EFORBIDDEN); /* not otherwise */
		o.status_set = 1;
		o.status = PT_CAP_ACTUAL;
		CHECK_INT(pt_app_run_alert(&c, w.db, id, &o, &a, NULL, &d), PT_EINVAL);
		o.status_set = 0;
		CHECK_INT(pt_app_run_alert(&c, w.db, id, &o, &a, &done, &d), PT_OK);
		CHECK(a != NULL && a->status == PT_CAP_EXERCISE && a->state == PT_APP_ALERT_ISSUED);
		CHECK_INT(sees(&w, w.pol, id, "alert", 0), 1);
		CHECK_INT(pt_app_alert_feed(w.db, t, &f, &d), PT_OK);
		CHECK(f && f->n == 0);
		pt_app_alert_feed_free(f);
		pt_app_alert_free(a);
		CHECK_INT(fx_audited(w.db, "run.alert", NULL), 1);
	}

	/* ---- the facilitator marks inject 8's expected action done: its contingency (9) will not fire ---- */
	c = at(w.fac, t);
	CHECK_INT(status_of(&w, c, id, 8, NULL), PT_EX_PENDING);
	CHECK_INT(pt_app_run_mark_done(&c, w.db, id, 8, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_mark_done(&c, w.db, id, 8, NULL, &d), PT_ECONFLICT);
	CHECK_INT(pt_app_run_mark_done(&c, w.db, id, 5, NULL, &d), PT_EINVAL); /* expects nothing */
	CHECK_INT(pt_app_run_skip(&c, w.db, id, 11, NULL, &d), PT_OK);         /* due at 60 */
	CHECK_INT(pt_app_run_skip(&c, w.db, id, 11, NULL, &d), PT_ECONFLICT);
	CHECK_INT(pt_app_run_trigger(&c, w.db, id, 999, NULL, &d), PT_ENOTFOUND);

	/* ---- a restart restores the run exactly ---- */
	c = at(w.fac, t + 30);
	CHECK_INT(pt_app_run_get(&c, w.db, id, &r, &d), PT_OK);
	pt_app_db_close(w.db);
	w.db = open_file(w.path, 0);
	CHECK(w.db != NULL);
	if (!w.db)
		goto out;
	CHECK_INT(pt_app_run_get(&c, w.db, id, &r2, &d), PT_OK);
	if (r && r2) {
		CHECK(r->s.clock.state == r2->s.clock.state &&
		      r->s.clock.base_wall_ms == r2->s.clock.base_wall_ms &&
		      r->s.clock.base_min == r2->s.clock.base_min &&
		      r->s.clock.speed == r2->s.clock.speed && r->s.now_min == r2->s.now_min);
		CHECK(r->sc->n_injects == r2->sc->n_injects &&
		      memcmp(r->inj, r2->inj, r->sc->n_injects * sizeof *r->inj) == 0);
		CHECK(r2->sim_start_min == 50 && r->sim_start_min == r2->sim_start_min);
		CHECK(r->n_made == r2->n_made && r->next_sim_min == r2->next_sim_min &&
		      r->last_event == r2->last_event && r->seed == r2->seed);
		CHECK(r->n_made == 1 && strcmp(r2->made[0].m.value, "2") == 0);
	}
	pt_app_run_free(r);
	pt_app_run_free(r2);
	r = r2 = NULL;

	/* the clock runs on after the restart: minute 57 brings inject 10 (00:52, shifted by 5) */
	tick(&w, id, t_start + 76 * MIN, &done);
	CHECK_INT(sees(&w, w.pol, id, "inject", 10), 0);
	tick(&w, id, t_start + 77 * MIN, &done);
	CHECK_INT(sees(&w, w.pol, id, "inject", 10), 1);
	CHECK_INT(status_of(&w, at(w.fac, t_start + 77 * MIN), id, 9, NULL), PT_EX_CANCELLED);
	CHECK_INT(sees(&w, w.sec, id, "inject", 9), 0);
	CHECK_INT(sees(&w, w.fac, id, "cancel", 9), 1);
	CHECK_INT(sees(&w, w.sec, id, "cancel", 9), 0); /* the facilitators' */
	CHECK_INT(sees(&w, w.sec, id, "inject", 8), 1);
	tick(&w, id, t_start + 78 * MIN - 1, &done);
	CHECK_INT(status_of(&w, at(w.fac, t_start + 78 * MIN), id, 11, NULL), PT_EX_SKIPPED);
	CHECK_INT(sees(&w, w.sec, id, "inject", 11), 0);

	/* ---- ENDEX reaches every participant at once; final ---- */
	c = at(w.pol, t_start + 78 * MIN);
	CHECK_INT(pt_app_run_endex(&c, w.db, id, PT_RUN_ENDEX_REAL_WORLD, "Fire", NULL, &d),
		  PT_EFORBIDDEN);
	c = at(w.fac, t_start + 78 * MIN);
	CHECK_INT(pt_app_run_endex(&c, w.db, id, PT_RUN_ENDEX_REAL_WORLD,
				   "fire alarm in the building, leave now", &done, &d),
		  PT_OK);
	CHECK_INT(done.state, PT_EX_CLOCK_ENDED);
	{
		struct pt_caller who[] = {w.pol, w.ems, w.sec, w.eva, w.coord, w.fac};
		for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
			struct pt_app_run_events *e = NULL;
			int found = 0;
			CHECK_INT(pt_app_run_events(&who[i], w.db, id, done.last_event - 1, 0, &e, &d),
				  PT_OK);
			for (size_t k = 0; e && k < e->n; k++)
				if (strcmp(e->items[k].kind, "endex") == 0 &&
				    strcmp(e->items[k].text, "REAL-WORLD EMERGENCY: fire alarm in the "
							     "building, leave now") == 0)
					found = 1;
			CHECK(found);
			pt_app_run_events_free(e);
		}
	}
	CHECK_INT(pt_app_run_endex(&c, w.db, id, PT_RUN_ENDEX_EXERCISE, NULL, NULL, &d),
		  PT_ECONFLICT);
	CHECK_INT(pt_app_run_resume(&c, w.db, id, NULL, &d), PT_ECONFLICT);
	c = at(w.ems, t_start + 79 * MIN);
	CHECK_INT(pt_app_run_decide(&c, w.db, id, "ems_commander", "triage_method", "SALT", NULL,
				    &d),
		  PT_ECONFLICT);
	tick(&w, id, t_start + 400 * MIN, &done);
	CHECK(done.n_events == 0);
	c = at(w.fac, t_start + 79 * MIN);
	CHECK_INT(pt_app_run_assign(&c, w.db, id, "ems", PT_RUN_PLAYER, "pio", &d), PT_ECONFLICT);
	/* logs are completed after ENDEX */
	c = at(w.ems, t_start + 85 * MIN);
	CHECK_INT(pt_app_run_log_add(&c, w.db, id, "ems_commander", 40, "Dispatched 2 ambulances",
				     NULL, &d),
		  PT_OK);
out:
	teardown(&w);
}

/* Uploaded scenarios: both files kept; a missing simulation is refused; the run plays at the end. */
static void test_upload_and_tick_all(void)
{
	static const char small[] =
		"{\"id\": \"tiny\", \"title\": \"Tiny drill\", \"duration\": \"00:30\",\n"
		" \"tlp\": \"GREEN\",\n"
		" \"stages\": [{\"id\": \"s\", \"name\": \"S\"}],\n"
		" \"roles\": [{\"id\": \"a\", \"name\": \"A\"}, {\"id\": \"b\", \"name\": \"B\"}],\n"
		" \"objectives\": [{\"id\": \"o\", \"text\": \"O\", \"capability\": "
		"\"Operational Coordination\", \"targets\": [{\"id\": \"t\", \"text\": \"T\", "
		"\"tasks\": [\"x\"]}]}],\n"
		" \"injects\": [{\"seq\": 1, \"stage\": \"s\", \"time\": \"00:01\", \"type\": "
		"\"information\", \"to\": [\"a\"], \"description\": \"hello a\"},\n"
		"  {\"seq\": 2, \"stage\": \"s\", \"time\": \"00:02\", \"type\": \"event\", \"to\": "
		"[\"b\"], \"description\": \"hello b\"}]}\n";
	struct world w;
	struct pt_app_run_create_opts co;
	struct pt_app_run_ticks *ticks = NULL;
	struct pt_app_run *r = NULL;
	struct pt_diag d;
	struct pt_caller c;
	long long id = 0;
	if (setup(&w) != 0) {
		CHECK(0);
		return;
	}
	memset(&d, 0, sizeof d);
	memset(&co, 0, sizeof co);
	co.scenario = small;
	co.scenario_len = strlen(small);
	co.sim = "{}";
	co.sim_len = 2;
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &id, &d), PT_EINVAL); /* no simulation named */
	CHECK_STR(d.field, "sim");
	co.sim = NULL;
	co.scenario_len = 20; /* cut */
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &id, &d), PT_EINVAL);
	CHECK(strncmp(d.field, "scenario", 8) == 0);
	co.scenario_len = strlen(small);
	co.title = "Tuesday drill";
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &id, &d), PT_OK);
	c = at(w.fac, T0);
	CHECK_INT(pt_app_run_get(&c, w.db, id, &r, &d), PT_OK);
	CHECK_STR(r->s.title, "Tuesday drill");
	CHECK_INT(r->s.tlp, PT_TLP_GREEN); /* the scenario's */
	pt_app_run_free(r);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "pol", PT_RUN_PLAYER, "a", &d), PT_OK);
	CHECK_INT(pt_app_run_speed(&c, w.db, id, 1000, NULL, &d), PT_EINVAL);
	CHECK_INT(pt_app_run_speed(&c, w.db, id, 10, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_start(&c, w.db, id, NULL, &d), PT_OK);
	/* the facilitator triggers inject 2 early, skips nothing; the ticker plays the rest */
	CHECK_INT(pt_app_run_trigger(&c, w.db, id, 2, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_trigger(&c, w.db, id, 2, NULL, &d), PT_ECONFLICT);
	CHECK_INT(pt_app_run_skip(&c, w.db, id, 9, NULL, &d), PT_ENOTFOUND);
	w.sys.now = T0 + 60; /* 10 scenario minutes at speed 10 */
	CHECK_INT(pt_app_run_tick_all(&w.sys, w.db, &ticks, &d), PT_OK);
	CHECK(ticks->n == 1 && ticks->failed == 0 && ticks->runs[0].run_id == id);
	pt_app_run_ticks_free(ticks);
	CHECK_INT(sees(&w, w.pol, id, "inject", 1), 1);
	CHECK_INT(sees(&w, w.pol, id, "inject", 2), 0);
	w.sys.now = T0 + 240; /* past the end (30 min) */
	CHECK_INT(pt_app_run_tick_all(&w.sys, w.db, &ticks, &d), PT_OK);
	CHECK(ticks->n == 1 && ticks->runs[0].state == PT_EX_CLOCK_ENDED);
	pt_app_run_ticks_free(ticks);
	CHECK_INT(sees(&w, w.pol, id, "endex", 0), 1);
	CHECK_INT(pt_app_run_tick_all(&w.sys, w.db, &ticks, &d), PT_OK);
	CHECK(ticks->n == 0); /* no running run */
	pt_app_run_ticks_free(ticks);
	/* a run without simulation has no rerun */
	CHECK_INT(sees(&w, w.fac, id, "sim_due", 0), 0);
	teardown(&w);
}

/* The label limits who takes part and who observes; unassigning; the lead stays. */
static void test_labels_and_members(void)
{
	struct world w;
	struct pt_app_run_create_opts co;
	struct pt_app_run *r = NULL;
	struct pt_diag d;
	struct pt_caller c;
	long long strict = 0, red = 0;
	if (setup(&w) != 0) {
		CHECK(0);
		return;
	}
	memset(&d, 0, sizeof d);
	memset(&co, 0, sizeof co);
	co.builtin = "hospital-attack-exercise";
	co.tlp_set = 1;
	co.tlp = PT_TLP_AMBER_STRICT;
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &strict, &d), PT_OK);
	co.tlp = PT_TLP_RED;
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &red, &d), PT_OK);
	/* AMBER+STRICT: only the owning organisation (the crisis centre) takes part */
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, strict, "pol", PT_RUN_PLAYER, "police_commander",
				    &d),
		  PT_EFORBIDDEN);
	CHECK(strstr(d.msg, "AMBER+STRICT") != NULL);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, strict, "eva", PT_RUN_EVALUATOR, NULL, &d), PT_OK);
	c = at(w.coord, T0); /* a coordinator of another government organisation */
	CHECK_INT(pt_app_run_get(&c, w.db, strict, &r, &d), PT_ENOTFOUND);
	/* RED: participants only, no observer */
	CHECK_INT(pt_app_run_get(&c, w.db, red, &r, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, red, "pol", PT_RUN_PLAYER, "police_commander", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, red, "fac2", PT_RUN_FACILITATOR, NULL, &d), PT_OK);
	c = at(w.pol, T0);
	CHECK_INT(pt_app_run_get(&c, w.db, red, &r, &d), PT_OK);
	pt_app_run_free(r);
	/* a co-facilitator drives, but the lead stays */
	c = at(w.fac2, T0);
	CHECK_INT(pt_app_run_unassign(&c, w.db, red, "fac", NULL, &d), PT_ECONFLICT);
	CHECK_INT(pt_app_run_unassign(&c, w.db, red, "pol", "pio", &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_run_unassign(&c, w.db, red, "pol", NULL, &d), PT_OK);
	c = at(w.pol, T0);
	CHECK_INT(pt_app_run_get(&c, w.db, red, &r, &d), PT_ENOTFOUND);
	c = at(w.eva, T0);
	CHECK_INT(pt_app_run_unassign(&c, w.db, strict, "eva", NULL, &d), PT_EFORBIDDEN);
	/* an evaluator re-roled to viewer no longer takes part */
	CHECK_INT(pt_app_run_get(&c, w.db, strict, &r, &d), PT_OK);
	pt_app_run_free(r);
	CHECK_INT(pt_db_user_set_role(w.db, "eva", PT_ROLE_VIEWER, &d), PT_OK);
	c = fx_caller(w.db, "eva");
	CHECK_INT(pt_app_run_get(&c, w.db, strict, &r, &d), PT_ENOTFOUND);
	CHECK_INT(fx_audited(w.db, "run.unassign", NULL), 1);
	teardown(&w);
}

/* issue 15 (attack review 2, 3): a rerun superseded or over the budget is recorded as skipped
 * (to the facilitators), never computed after; a run whose rerun is over the facilitator
 * role's budget for one simulation is refused at creation, naming the field. */
static void test_sim_skip_and_budget(void)
{
	struct world w;
	struct pt_app_run_create_opts co;
	struct pt_app_run_done dec;
	const struct pt_embedded_file *f;
	struct pt_app_run_events *e = NULL;
	struct pt_diag d;
	struct pt_caller c;
	long long id = 0, big = 0, s[4] = {0, 0, 0, 0};
	char *text, *p;
	size_t i;
	int skips = 0;

	if (setup(&w) != 0) {
		CHECK(0);
		return;
	}
	memset(&d, 0, sizeof d);
	memset(&co, 0, sizeof co);
	co.builtin = "hospital-attack-exercise";
	co.seed_set = 1;
	co.seed = 7;
	CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &id, &d), PT_OK);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "ems", PT_RUN_PLAYER, "ems_commander", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_assign(&w.fac, w.db, id, "eva", PT_RUN_EVALUATOR, NULL, &d), PT_OK);
	c = at(w.fac, T0);
	CHECK_INT(pt_app_run_start(&c, w.db, id, NULL, &d), PT_OK);
	c = at(w.ems, T0 + 60);
	for (i = 0; i < 4; i++) {
		char v[8];
		snprintf(v, sizeof v, "%zu", 2 + i);
		CHECK_INT(pt_app_run_decide(&c, w.db, id, "ems_commander", "ambulances_dispatched", v,
					    &dec, &d),
			  PT_OK);
		s[i] = dec.n_sim_due ? dec.sim_due[0] : 0;
		CHECK(s[i] > 0);
	}
	/* superseded by the next: recorded once, never computed */
	CHECK_INT(pt_app_run_sim_skip(&w.sys, w.db, id, s[0], s[1], NULL, &d), PT_OK);
	CHECK_INT(fx_audited(w.db, "run.sim.skip", NULL), 1);
	CHECK_INT(pt_app_run_sim_skip(&w.sys, w.db, id, s[0], s[1], NULL, &d), PT_ECONFLICT);
	CHECK_INT(pt_app_run_sim(&w.sys, w.db, id, s[0], 1, NULL, &d), PT_ECONFLICT);
	CHECK_INT(sees(&w, w.fac, id, "sim_skip", 0), 1);
	CHECK_INT(sees(&w, w.ems, id, "sim_skip", 0), 0); /* the facilitators' only */
	CHECK_INT(sees(&w, w.eva, id, "sim_skip", 0), 0);
	/* one computed is not skipped after; no SIM_DUE of the run, or another run's: not found */
	CHECK_INT(pt_app_run_sim(&w.sys, w.db, id, s[1], 1, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_sim_skip(&w.sys, w.db, id, s[1], s[2], NULL, &d), PT_ECONFLICT);
	CHECK_INT(pt_app_run_sim_skip(&w.sys, w.db, id, s[1] + 100000, 0, NULL, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_run_sim_skip(&w.sys, w.db, id + 1, s[2], 0, NULL, &d), PT_ENOTFOUND);
	/* over the budget of one rerun */
	CHECK_INT(pt_app_run_sim_skip(&w.sys, w.db, id, s[2], 0, NULL, &d), PT_OK);
	c = at(w.fac, T0 + 60);
	CHECK_INT(pt_app_run_events(&c, w.db, id, 0, 0, &e, &d), PT_OK);
	for (i = 0; e && i < e->n; i++)
		if (strcmp(e->items[i].kind, "sim_skip") == 0) {
			skips++;
			CHECK(e->items[i].audience == PT_RUN_TO_FACILITATORS);
			CHECK(strstr(e->items[i].text, skips == 1 ? "supersedes it" : "over the budget") !=
			      NULL);
		}
	pt_app_run_events_free(e);
	CHECK_INT(skips, 2);
	/* an ended run records nothing more */
	CHECK_INT(pt_app_run_endex(&c, w.db, id, PT_RUN_ENDEX_EXERCISE, NULL, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_sim_skip(&w.sys, w.db, id, s[3], 0, NULL, &d), PT_ECONFLICT);
	CHECK_STR(d.field, "run");

	/* the budget at creation: the facilitator role's for one simulation, whoever creates */
	f = pt_embedded_find("scenarios/hospital-attack-exercise.json");
	CHECK(f != NULL);
	if (f && (text = malloc(f->len + 1))) {
		memcpy(text, f->data, f->len);
		text[f->len] = '\0';
		p = strstr(text, "\"sim_replications\": 200,");
		CHECK(p != NULL);
		if (p)
			memcpy(p, "\"sim_replications\":5000,", 24); /* the same length */
		memset(&co, 0, sizeof co);
		co.scenario = text;
		co.scenario_len = f->len;
		f = pt_embedded_find("scenarios/hospital-attack.json");
		co.sim = f ? f->data : NULL;
		co.sim_len = f ? f->len : 0;
		CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &big, &d), PT_ELIMIT);
		CHECK_STR(d.field, "scenario.sim_replications");
		CHECK(strstr(d.msg, "at most 2000") != NULL);
		CHECK_INT(pt_app_run_create(&w.sys, w.db, &co, &big, &d), PT_ELIMIT);
		if (p)
			memcpy(p, "\"sim_replications\":2000,", 24);
		CHECK_INT(pt_app_run_create(&w.fac, w.db, &co, &big, &d), PT_OK);
		free(text);
	}
	teardown(&w);
}

int main(void)
{
	RUN(test_end_to_end);
	RUN(test_upload_and_tick_all);
	RUN(test_labels_and_members);
	RUN(test_sim_skip_and_budget);
	return TEST_SUMMARY("test_app_exercise_runs");
}
