/* test_app_exercise_report.c - unit tests of the after-action report (issue
 * 15) on ":memory:": a run of the reference exercise played with decisions on
 * time and late, a contingency cancelled and one fired, a skipped inject and
 * ENDEX; evaluators' observations and ratings, the facilitator's final
 * rating, the improvement plan. The report as each caller may read it, its
 * HTML (every section with its figures, hostile text escaped, the marking at
 * top and bottom) and CSV, and the improvement items linked both ways to a
 * measure at a site and a note on a register risk. */
#include "app_plan_fixture.h"

#include <math.h>

#include "app/pt_app_exercise.h"
#include "app/pt_app_exercise_report.h"
#include "app/pt_app_exercise_runs.h"
#include "formats/pt_exercise_report_io.h"

#define T0 1735725600 /* 2025-01-01T10:00:00Z */
#define HOSTILE "<script>alert('x')</script>"

static struct pt_principal fac, fac2, eva, evb, pol, ems;
static long long fac_id, fac2_id, eva_id, evb_id, pol_id, ems_id;

/* A caller for who at scenario minute min of a run started at T0 (speed 1). */
static const struct pt_caller *at(const struct pt_principal *who, const char *name, double min)
{
	static struct pt_caller callers[4];
	static unsigned next;
	struct pt_caller *c = &callers[next++ % 4];
	pt_caller_system(c);
	if (who) {
		c->who = *who;
		pt_strlcpy(c->name, name, sizeof c->name);
	}
	c->now = T0 + (int64_t)(min * 60);
	c->audit_reads = 1;
	return c;
}

static long long item1, item2;

/* How many audit entries hold action (and record id, when not NULL). */
static int audited(struct pt_db *db, const char *action, const char *record)
{
	struct pt_audit_entry *e = NULL;
	struct pt_diag d;
	size_t n = 0, i;
	int found = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_audit_list(db, 0, 1000, 0, &e, &n, NULL, &d), PT_OK);
	for (i = 0; i < n; i++)
		found += strcmp(e[i].action, action) == 0 &&
			 (!record || strcmp(e[i].record_id, record) == 0);
	free(e);
	return found;
}

/* The registry of app_plan_fixture.h and an ended run of the reference exercise. */
/* Adding im to run's plan is refused with want, naming field (the plan keeps its items). */
static void item_refused(struct pt_db *db, long long run,
			 const struct pt_app_run_improvement_opts *im, enum pt_err want,
			 const char *field)
{
	struct pt_diag d;
	long long id = 0;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_run_improvement_add(at(&fac, "fac", 70), db, run, im, &id, &d), want);
	CHECK_STR(d.field, field);
	CHECK(id == 0);
}

static struct pt_db *played(long long *run)
{
	struct pt_db *db = open_with_measures();
	struct pt_app_run_create_opts o;
	struct pt_app_run_obs_opts ob;
	struct pt_app_run_improvement_opts im;
	struct pt_diag d;
	long long afi = 0;
	int ems_cap;

	memset(&d, 0, sizeof d);
	user_make(db, "fac", PT_ROLE_FACILITATOR, gov_org, &fac_id, &fac);
	user_make(db, "fac2", PT_ROLE_FACILITATOR, b_org, &fac2_id, &fac2);
	user_make(db, "eva", PT_ROLE_EVALUATOR, gov_org, &eva_id, &eva);
	user_make(db, "evb", PT_ROLE_EVALUATOR, a_org, &evb_id, &evb);
	user_make(db, "pol", PT_ROLE_PLAYER, a_org, &pol_id, &pol);
	user_make(db, "ems", PT_ROLE_PLAYER, b_org, &ems_id, &ems);

	memset(&o, 0, sizeof o);
	o.builtin = "hospital-attack-exercise";
	o.title = "Orrinford drill " HOSTILE;
	o.seed_set = 1;
	o.seed = 7;
	CHECK_INT(pt_app_run_create(at(&fac, "fac", 0), db, &o, run, &d), PT_OK);
	CHECK_INT(pt_app_run_assign(at(&fac, "fac", 0), db, *run, "eva", PT_RUN_EVALUATOR, NULL, &d),
		  PT_OK);
	CHECK_INT(pt_app_run_assign(at(&fac, "fac", 0), db, *run, "evb", PT_RUN_EVALUATOR, NULL, &d),
		  PT_OK);
	CHECK_INT(pt_app_run_assign(at(&fac, "fac", 0), db, *run, "pol", PT_RUN_PLAYER,
				    "police_commander", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_assign(at(&fac, "fac", 0), db, *run, "ems", PT_RUN_PLAYER,
				    "ems_commander", &d),
		  PT_OK);

	CHECK_INT(pt_app_run_start(at(&fac, "fac", 0), db, *run, NULL, &d), PT_OK);
	/* 00:50 the rescue task force enters: #10 (00:52, due 01:00) done before it comes, on
	 * time, and its contingency #16 cancelled */
	CHECK_INT(pt_app_run_decide(at(&pol, "pol", 50), db, *run, "police_commander", "rtf_entry",
				    "true", NULL, &d),
		  PT_OK);
	/* 01:00 ambulances: #7 (00:45, due 00:55) late by 5 minutes */
	CHECK_INT(pt_app_run_decide(at(&ems, "ems", 60), db, *run, "ems_commander",
				    "ambulances_dispatched", "10", NULL, &d),
		  PT_OK);
	/* 01:00 the EMS commander answers #7 and logs on its ICS 214 (the report's annex) */
	CHECK_INT(pt_app_run_respond(at(&ems, "ems", 60), db, *run, 7, "ems_commander",
				     "Ten ambulances rolling " HOSTILE, NULL, &d),
		  PT_OK);
	CHECK_INT(pt_app_run_log_add(at(&ems, "ems", 60), db, *run, "ems_commander", -1,
				     "Declared major incident, METHANE sent", NULL, &d),
		  PT_OK);
	/* 01:01 the facilitator marks #1 (00:05, due 00:20) done: late by 41 minutes */
	CHECK_INT(pt_app_run_mark_done(at(&fac, "fac", 61), db, *run, 1, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_skip(at(&fac, "fac", 62), db, *run, 17, NULL, &d), PT_OK);
	/* 01:02 paused, the pending injects shifted 10 minutes later, resumed (the clock history) */
	CHECK_INT(pt_app_run_pause(at(&fac, "fac", 62), db, *run, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_shift(at(&fac, "fac", 62), db, *run, 10, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_resume(at(&fac, "fac", 62), db, *run, NULL, &d), PT_OK);
	/* review 15b, 4: 01:03 the server starts again after a crash and pauses the run (serve
	 * --pause-runs-on-restart), the facilitator resumes; 01:05 a real-world emergency
	 * suspends the exercise, 01:06 it resumes */
	{
		size_t n_paused = 0;
		CHECK_INT(pt_app_run_pause_all(at(&fac, "fac", 63), db, PT_RUN_PAUSE_AT_RESTART,
					       &n_paused, &d),
			  PT_OK);
		CHECK(n_paused == 1);
	}
	CHECK_INT(pt_app_run_resume(at(&fac, "fac", 64), db, *run, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_suspend(at(&fac, "fac", 65), db, *run, "Real fire at Gate 2 " HOSTILE,
				     NULL, &d),
		  PT_OK);
	CHECK_INT(pt_app_run_resume(at(&fac, "fac", 66), db, *run, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_endex(at(&fac, "fac", 70), db, *run, PT_RUN_ENDEX_EXERCISE,
				   "ENDEX <b>now</b>", NULL, &d),
		  PT_OK);

	ems_cap = pt_ex_capability_find("Public Health, Healthcare, and Emergency Medical Services");
	CHECK(ems_cap >= 0);
	memset(&ob, 0, sizeof ob);
	ob.t_min = 40;
	ob.capability = -1;
	ob.target = "t_scene_safe";
	ob.kind = PT_RUN_OBS_STRENGTH;
	ob.text = "Cordon set fast " HOSTILE;
	CHECK_INT(pt_app_run_observe(at(&eva, "eva", 70), db, *run, &ob, NULL, &d), PT_OK);
	ob.t_min = 61;
	ob.target = "t_triage";
	ob.kind = PT_RUN_OBS_IMPROVEMENT;
	ob.text = "Triage tags ran out at the casualty collection point";
	CHECK_INT(pt_app_run_observe(at(&evb, "evb", 70), db, *run, &ob, &afi, &d), PT_OK);
	ob.target = NULL;
	ob.capability = pt_ex_capability_find("Mass Care Services");
	ob.kind = PT_RUN_OBS_OBSERVATION;
	ob.text = "Family reunification not played";
	CHECK_INT(pt_app_run_observe(at(&eva, "eva", 70), db, *run, &ob, NULL, &d), PT_OK);

	CHECK_INT(pt_app_run_rate(at(&eva, "eva", 70), db, *run, "t_scene_safe", PT_RUN_RATING_S,
				  "declared at 01:25", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_rate(at(&evb, "evb", 70), db, *run, "t_scene_safe", PT_RUN_RATING_M,
				  NULL, &d),
		  PT_OK);
	CHECK_INT(pt_app_run_rate_final(at(&fac, "fac", 70), db, *run, "t_scene_safe",
					PT_RUN_RATING_M, "late declaration " HOSTILE, &d),
		  PT_OK);
	CHECK_INT(pt_app_run_rate(at(&evb, "evb", 70), db, *run, "t_triage", PT_RUN_RATING_U, NULL,
				  &d),
		  PT_OK);

	memset(&im, 0, sizeof im);
	im.capability = ems_cap;
	im.issue = "Triage tags ran out " HOSTILE;
	im.action = "Stock 500 triage tags, with \"commas, and quotes\"";
	im.element = PT_RUN_ELEMENT_EQUIPMENT;
	im.responsible = "Operator A";
	im.due = "2027-03-31";
	im.risk_site = "PS-001";
	im.risk_threat = "vehicle_ramming";
	im.afi = afi;
	im.analysis = "Tags are counted once a year";
	im.poc = "Dr. Ada Quill";
	/* HSEEP: a start and a due date, real, in order; linked to an area for improvement */
	im.start = "2026-02-30";
	item_refused(db, *run, &im, PT_EINVAL, "start");
	/* review 15b, 9: before 1970, the range said for start and due alike; the point of
	 * contact one line */
	{
		long long none = 0;
		im.start = "1969-12-31";
		CHECK_INT(pt_app_run_improvement_add(at(&fac, "fac", 70), db, *run, &im, &none, &d),
			  PT_EINVAL);
		CHECK_STR(d.field, "start");
		CHECK_STR(d.msg, "'1969-12-31' is not a day from 1970-01-01 to 9999-12-31 as YYYY-MM-DD");
		im.start = "2027-01-10";
		im.due = "1900-03-01";
		CHECK_INT(pt_app_run_improvement_add(at(&fac, "fac", 70), db, *run, &im, &none, &d),
			  PT_EINVAL);
		CHECK_STR(d.field, "due");
		CHECK_STR(d.msg, "'1900-03-01' is not a day from 1970-01-01 to 9999-12-31 as YYYY-MM-DD");
		im.due = "2027-03-31";
		im.poc = "Dr. Ada\tQuill";
		item_refused(db, *run, &im, PT_EINVAL, "poc");
		im.poc = "Dr. Ada Quill";
		CHECK(none == 0);
	}
	im.start = "2026-02-30";
	im.start = "2027-04-01";
	item_refused(db, *run, &im, PT_EINVAL, "due"); /* before the start date */
	im.start = "2027-01-10";
	im.afi = afi + 1000;
	item_refused(db, *run, &im, PT_ENOTFOUND, "afi");
	im.afi = afi;
	CHECK_INT(pt_app_run_improvement_add(at(&fac, "fac", 70), db, *run, &im, &item1, &d), PT_OK);
	memset(&im, 0, sizeof im);
	im.capability = -1;
	im.issue = "No family assistance centre";
	im.action = "Plan a family assistance centre";
	im.element = PT_RUN_ELEMENT_PLANNING;
	im.responsible = "Ministry";
	im.start = "2027-01-01";
	im.due = "2027-01-01";
	item_refused(db, *run, &im, PT_EINVAL, "afi");
	im.objective = "obj_recovery";
	im.target = "t_triage";
	item_refused(db, *run, &im, PT_EINVAL, "target");
	im.target = NULL;
	CHECK_INT(pt_app_run_improvement_add(at(&fac, "fac", 70), db, *run, &im, &item2, &d), PT_OK);
	return db;
}

static const struct pt_ex_report_item *item_of(const struct pt_ex_report *r, long long id)
{
	for (size_t i = 0; i < r->n_items; i++)
		if (r->items[i].id == id)
			return &r->items[i];
	return NULL;
}

static char *render(const struct pt_ex_report *r, int html)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	CHECK(m != NULL);
	if (!m)
		return NULL;
	CHECK_INT(html ? pt_ex_report_html(m, r) : pt_ex_report_csv(m, r), PT_OK);
	fclose(m);
	return text;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

#define HAS(text, s)                                                                       \
	do {                                                                               \
		if (!(text) || !strstr((text), (s)))                                       \
			fprintf(stderr, "missing: %s\n", (s));                              \
		CHECK((text) && strstr((text), (s)));                                      \
	} while (0)

/* Nonzero when the inject table's times (its rows' first cells) never go back. */
static int in_time_order(const char *html)
{
	const char *p = html ? strstr(html, "<h3>Injects</h3>") : NULL;
	const char *end = p ? strstr(p, "<h3>Decisions</h3>") : NULL;
	int last = -1, rows = 0, h, m;
	if (!end)
		return 0;
	while ((p = strstr(p, "<tr><td class=\"n\">")) && p < end) {
		p += strlen("<tr><td class=\"n\">");
		if (sscanf(p, "%d:%d", &h, &m) != 2 || h * 60 + m < last)
			return 0;
		last = h * 60 + m;
		rows++;
	}
	return rows == 31;
}

static void test_report(void)
{
	struct pt_app_run_report *rep = NULL;
	const struct pt_ex_report *r;
	const struct pt_ex_report_item *it;
	struct pt_diag d;
	char *html, *csv, buf[256], rid[32];
	long long run = 0;
	struct pt_db *db = played(&run);
	long o;
	size_t k;
	memset(&d, 0, sizeof d);
	snprintf(rid, sizeof rid, "%lld", run);

	/* who may read it */
	CHECK_INT(pt_app_run_report_prepare(at(&pol, "pol", 80), db, run, &rep, &d), PT_EFORBIDDEN);
	CHECK_STR(d.field, "role");
	CHECK(rep == NULL);
	CHECK_INT(pt_app_run_report_prepare(at(&opa, "opa", 80), db, run, &rep, &d), PT_ENOTFOUND);
	CHECK_STR(d.field, "run");
	CHECK_INT(pt_app_run_report_prepare(at(&eva, "eva", 80), db, run + 1, &rep, &d),
		  PT_ENOTFOUND);
	CHECK_INT(pt_app_run_report_prepare(at(&coord, "coord", 80), db, run, &rep, &d), PT_OK);
	pt_app_run_report_free(rep);
	rep = NULL;
	CHECK(audited(db, "run.report", rid) >= 1);

	CHECK_INT(pt_app_run_report(at(&eva, "eva", 80), db, run, 2, &rep, &d), PT_OK);
	if (!rep)
		goto out;
	r = rep->doc;
	CHECK(r->tlp == PT_TLP_AMBER);
	CHECK(r->seed == 7);
	CHECK_STR(r->clock_state, "ended");
	CHECK(r->started_at == T0 && r->ended_at == T0 + 70 * 60);
	CHECK(r->endex_text && strstr(r->endex_text, "ENDEX <b>now</b>"));
	CHECK_INT(r->n_people, 5); /* fac, eva, evb, pol, ems */
	CHECK_INT(r->n_made, 2);
	CHECK_INT(r->n_obs, 3);
	CHECK_INT(r->n_ratings, 4);
	CHECK_INT(r->n_items, 2);
	it = item_of(r, item1);
	CHECK(it && strcmp(it->status, "open") == 0 && strcmp(it->element, "equipment") == 0);

	/* the outcome: 1,000 replications each with the run's seed; the paired difference */
	CHECK(r->has_sim);
	CHECK(r->outcome.run && r->outcome.baseline && r->outcome.diff);
	CHECK_INT(r->outcome.replications, PT_APP_EX_OUTCOME_REPS);
	CHECK(r->outcome.run && r->outcome.run->replications == PT_APP_EX_OUTCOME_REPS);
	CHECK(r->outcome.seed == 7);
	CHECK_INT(r->outcome.n_decisions, 2);
	CHECK_INT(r->outcome.n_baseline, 7); /* 11 baseline decisions, 4 logged only (ed_lockdown too) */
	for (o = 0; r->outcome.run && (size_t)o < pt_mci_output_count(); o++)
		if (strcmp(pt_mci_output_name((size_t)o), "deaths") == 0)
			break;
	if (r->outcome.run && r->outcome.diff) {
		const struct pt_mci_stat *a = &r->outcome.run->rows[0].stats[o];
		const struct pt_mci_stat *b = &r->outcome.baseline->rows[0].stats[o];
		const struct pt_mci_stat *x = &r->outcome.diff[o];
		CHECK(fabs(x->mean - (a->mean - b->mean)) < 1e-9);
		CHECK(x->lo <= x->mean && x->mean <= x->hi);
		CHECK(x->n == PT_APP_EX_OUTCOME_REPS);
		/* ten ambulances an hour late, no scene declared safe: more deaths than the baseline */
		CHECK(x->lo > 0);
		snprintf(buf, sizeof buf, "<td class=\"n\">%.2f [%.2f, %.2f]</td>", a->mean, a->lo,
			 a->hi);
	}

	html = render(r, 1);
	HAS(html, "<!DOCTYPE html>");
	CHECK_INT(count(html, ">TLP:AMBER</span>"), 2); /* the marking at top and bottom */
	HAS(html, "<h1>After-action report: Orrinford drill &lt;script&gt;");
	CHECK(html && !strstr(html, "<script>"));
	CHECK(html && !strstr(html, "<b>now"));
	CHECK(html && !strstr(html, "http://") && !strstr(html, "https://") &&
	      !strstr(html, "src=") && !strstr(html, "<link"));
	HAS(html, "<h2>Overview</h2>");
	HAS(html, "2025-01-01 10:00 UTC");
	HAS(html, "2025-01-01 11:10 UTC");
	HAS(html, "<td>player</td><td>Police commander</td>");
	HAS(html, "<td>pol</td><td>Operator A</td>");
	HAS(html, "<h2>Timeline</h2>");
	HAS(html, "1 skipped");
	HAS(html, "<td class=\"late\">late by 5 min</td>");
	HAS(html, "<td class=\"late\">late by 41 min</td>");
	HAS(html, "marked done by the facilitator");
	HAS(html, "<td class=\"ontime\">on time</td>");
	/* a contingency cancelled (#16, at 00:50) and an inject skipped (#17, at 01:02) keep their
	 * place at the time they were due; the table stays in time order */
	HAS(html, "<td class=\"n\">01:10</td><td>16</td>");
	HAS(html, "<td>cancelled at 00:50 (contingency not needed)</td>");
	HAS(html, "<td class=\"n\">01:15</td><td>17</td>");
	HAS(html, "<td>skipped at 01:02</td>");
	/* review 15C item D: nobody received them; their template is the controllers' note */
	HAS(html, "(not delivered: nobody received it)<div class=\"meta\">Controller&#39;s note, the "
		  "MSEL&#39;s text: Tango-3: &quot;The attacker is down, but {sim:hot_zone|many} "
		  "casualties");
	HAS(html, "(not delivered: nobody received it)<div class=\"meta\">Controller&#39;s note, the "
		  "MSEL&#39;s text: Search teams have cleared the ED");
	CHECK(in_time_order(html));
	/* the H-hour and the attack: the shift at 01:02 came after it, so it stayed at 00:45 */
	HAS(html, "<tr><th scope=\"row\">H-hour</th><td>08:00 (the clock time of scenario time "
		  "00:00)</td></tr>");
	HAS(html, "<tr><th scope=\"row\">Attack (simulation minute 0)</th><td>scenario time 00:45 "
		  "(08:45), as the scenario plans it</td></tr>");
	HAS(html, "Ambulances dispatched: 10 (ems, EMS commander)");
	HAS(html, "<h2>Ratings per capability target</h2>");
	HAS(html, "S (Performed with some challenges) by eva: declared at 01:25");
	HAS(html, "<strong>M (Performed with major challenges)</strong> by fac: late declaration "
		  "&lt;script&gt;");
	HAS(html, "Unable to be performed), the one evaluator&#39;s rating");
	CHECK(html && !strstr(html, "the evaluators agreeing"));
	/* the executive summary first: capabilities, on-time rate, gaps, strengths, AFIs */
	CHECK(html && strstr(html, "<h2>Executive summary</h2>") &&
	      strstr(html, "<h2>Executive summary</h2>") < strstr(html, "<h2>Overview</h2>"));
	/* Operational Coordination and Public Information and Warning serve all five (NPG) */
	HAS(html, "<strong>Mission areas</strong>: Prevention, Protection, Mitigation, Response, "
		  "Recovery.");
	HAS(html, "<strong>Core capabilities exercised</strong>: Intelligence and Information "
		  "Sharing; ");
	HAS(html, "<td>t_scene_safe</td><td>On-scene Security, Protection, and Law "
		  "Enforcement</td><td>M (Performed with major challenges)</td>");
	HAS(html, "<td>t_alert</td><td>Public Information and Warning</td><td class=\"late\">gap: "
		  "not rated</td>");
	HAS(html, "2 of 9 capability targets rated; 7 left unrated (gaps in the evaluation).");
	HAS(html, "<li>t_triage: Triage tags ran out at the casualty collection point</li>");
	HAS(html, "<strong>Expected actions on time</strong>: ");
	/* the clock history, and the shifted injects with their time in the file */
	HAS(html, "<h2>Clock history</h2>");
	HAS(html, "<td>clock started</td>");
	HAS(html, "<td class=\"n\">01:02</td><td>2025-01-01 11:02 UTC</td><td>paused</td>");
	HAS(html, "<td>pending injects shifted by +10 min (later)</td>");
	HAS(html, "beneath its time in the run.</p>");
	HAS(html, "<td>resumed</td>");
	HAS(html, "<td>ENDEX: ENDEX &lt;b&gt;now&lt;/b&gt;</td>");
	/* review 15b, 4: the server's pause says why; the suspension with its message escaped;
	 * the resume that ends it as such; a facilitator's resume stays "resumed" */
	HAS(html, "<td class=\"n\">01:02</td><td>2025-01-01 11:03 UTC</td><td>The exercise clock is "
		  "paused at 01:02: the server stopped and started again; the facilitator resumes "
		  "it</td>");
	HAS(html, "<td class=\"n\">01:02</td><td>2025-01-01 11:04 UTC</td><td>resumed</td>");
	HAS(html, "<tr class=\"late\"><td class=\"n\">01:03</td><td>2025-01-01 11:05 UTC</td>"
		  "<td>REAL-WORLD EMERGENCY - EXERCISE SUSPENDED: Real fire at Gate 2 &lt;");
	HAS(html, "<td class=\"n\">01:03</td><td>2025-01-01 11:06 UTC</td><td>resumed after the "
		  "real-world emergency</td>");
	CHECK_INT(count(html, "resumed after the real-world emergency"), 1);
	HAS(html, "<div class=\"meta\">file 01:30</div>");
	/* the annex: the players' outputs per role, the alerts */
	HAS(html, "<h2>Annex: players' outputs</h2>");
	HAS(html, "<h3>EMS commander</h3>");
	HAS(html, "<td>response to inject #7</td><td>ems<div class=\"meta\">");
	HAS(html, "<td>Ten ambulances rolling &lt;script&gt;");
	HAS(html, "<td>Declared major incident, METHANE sent</td>");
	HAS(html, "<p>No exercise alert was issued.</p>");
	HAS(html, "Strengths (t_scene_safe)");
	HAS(html, "Cordon set fast &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	HAS(html, "Areas for improvement (t_triage)");
	HAS(html, "Other observations");
	HAS(html, "<h2>Simulated outcome: the run's decisions against the baseline</h2>");
	HAS(html, "1000 replications each with the run&#39;s seed 7");
	if (r->outcome.run)
		HAS(html, buf);
	/* review 15C item A: the attacked hospital's lockdown, from the run's simulation file */
	HAS(html, "<p class=\"meta\" data-testid=\"hospital-note\">Orrinford General Hospital (the "
		  "attacked hospital) receives nobody until simulation minute 120 (02:45 in this run); "
		  "its patients are those still waiting then.</p>");
	HAS(html, "<h2>Improvement plan</h2>");
	HAS(html, "<td>Triage tags ran out &lt;script&gt;");
	HAS(html, "names register risk PS-001 / vehicle_ramming");
	HAS(html, "<th>Area for improvement</th><th>Issue</th><th>Analysis (root cause)</th>");
	snprintf(buf, sizeof buf, "<td>observation %lld, target t_triage</td>", r->items[0].afi);
	HAS(html, buf);
	HAS(html, "<td>Dr. Ada Quill</td><td>2027-01-10</td><td>2027-03-31</td>");
	HAS(html, "<td>objective obj_recovery</td>");
	free(html);

	csv = render(r, 0);
	snprintf(buf, sizeof buf,
		 "%lld,%lld,\"Public Health, Healthcare, and Emergency Medical Services\",", run,
		 item1);
	CHECK(csv && strncmp(csv, "# TLP:AMBER\r\n", 13) == 0);
	HAS(csv, "\r\nrun_id,item,capability,objective,target,area_for_improvement,issue,analysis,"
		 "corrective_action,capability_element,responsible_organisation,point_of_contact,"
		 "start,due,status,measure_site,measure_id,register_site,register_threat\r\n");
	HAS(csv, buf);
	snprintf(buf, sizeof buf, "Services\",obj_ems,t_triage,%lld,Triage tags", r->items[0].afi);
	HAS(csv, buf);
	HAS(csv, ",Tags are counted once a year,\"Stock 500 triage tags, with \"\"commas, and "
		 "quotes\"\"\",equipment,Operator A,Dr. Ada Quill,2027-01-10,2027-03-31,open,,,,\r\n");
	snprintf(buf, sizeof buf,
		 "%lld,%lld,Health and Social Services,obj_recovery,,,No family assistance centre,",
		 run, item2);
	HAS(csv, buf);
	for (k = 0; csv && k < 1; k++)
		CHECK_INT(count(csv, "\r\n"), 4);
	free(csv);
out:
	pt_app_run_report_free(rep);
	pt_db_close(db);
}

/* The report without the simulation: the CSV is the plan, compute is a separate step. */
static void test_prepare_compute(void)
{
	struct pt_app_run_report *rep = NULL;
	struct pt_diag d;
	long long run = 0;
	struct pt_db *db = played(&run);
	memset(&d, 0, sizeof d);
	char *html, *csv;
	CHECK_INT(pt_app_run_report_prepare(at(&fac, "fac", 80), db, run, &rep, &d), PT_OK);
	if (rep) {
		CHECK(rep->doc->has_sim && rep->doc->outcome.run == NULL);
		CHECK(rep->sim_run && rep->sim_base);
		/* the plan needs no simulation; the page says why the outcome is missing */
		csv = render(rep->doc, 0);
		HAS(csv, ",Tags are counted once a year,");
		html = render(rep->doc, 1);
		HAS(html, "<p>Not available: the outcome was not computed (the improvement plan as "
			  "CSV never computes it).</p>");
		free(csv);
		free(html);
		/* off the database: the server's pool computes it */
		pt_db_close(db);
		db = NULL;
		CHECK_INT(pt_app_run_report_compute(rep, 1, &d), PT_OK);
		CHECK(rep->doc->outcome.run && rep->doc->outcome.baseline);
		CHECK_STR(rep->doc->sim_note, "");
	}
	pt_app_run_report_free(rep);
	rep = NULL;
	/* a simulation that fails: the report still comes out, saying why */
	db = played(&run);
	CHECK_INT(pt_app_run_report_prepare(at(&fac, "fac", 80), db, run, &rep, &d), PT_OK);
	if (rep) {
		rep->replications = 0;
		CHECK_INT(pt_app_run_report_compute(rep, 1, &d), PT_OK);
		CHECK(rep->doc->outcome.run == NULL);
		CHECK(strncmp(rep->doc->sim_note, "the simulation failed: ", 23) == 0);
		html = render(rep->doc, 1);
		HAS(html, "<p>Not available: the simulation failed: ");
		free(html);
	}
	pt_app_run_report_free(rep);
	pt_db_close(db);
}

static void test_links(void)
{
	struct pt_app_run_report *rep = NULL;
	struct pt_site_measures sm;
	struct pt_site_measure_list l;
	struct pt_register_entry e;
	const struct pt_ex_report_item *it;
	struct pt_diag d;
	char want[256], rid[32];
	long long run = 0;
	struct pt_db *db = played(&run);
	int can = 0;
	size_t k;
	memset(&d, 0, sizeof d);
	memset(&sm, 0, sizeof sm);
	snprintf(rid, sizeof rid, "%lld", run);

	/* the run's side: its facilitators and coordinators; not an evaluator, not outsiders */
	CHECK_INT(pt_app_run_improvement_measure(at(&eva, "eva", 80), db, run, item1, "PS-001",
						 "film", &d),
		  PT_EFORBIDDEN);
	CHECK_STR(d.field, "role");
	CHECK_INT(pt_app_run_improvement_measure(at(&opa, "opa", 80), db, run, item1, "PS-001",
						 "film", &d),
		  PT_ENOTFOUND);
	CHECK_STR(d.field, "run");
	/* the site's side: the facilitator may not change the operator's site */
	CHECK_INT(pt_app_run_improvement_measure(at(&fac, "fac", 80), db, run, item1, "PS-001",
						 "film", &d),
		  PT_EFORBIDDEN);
	CHECK_STR(d.field, "site");
	CHECK_INT(pt_app_run_improvement_measure(at(&coord, "coord", 80), db, run, 9999, "PS-001",
						 "film", &d),
		  PT_ENOTFOUND);
	CHECK_STR(d.field, "item");
	CHECK_INT(pt_app_run_improvement_measure(at(&coord, "coord", 80), db, run, item1, "PS-001",
						 "teleporter", &d),
		  PT_ENOTFOUND);
	CHECK_STR(d.field, "measure");
	CHECK_INT(pt_app_run_improvement_measure(at(&coord, "coord", 80), db, run, item1, "PS-999",
						 "film", &d),
		  PT_ENOTFOUND);
	CHECK_STR(d.field, "site");
	CHECK_INT(audited(db, "run.improvement.measure", rid), 0);

	/* a government coordinator links item 1 to film at PS-001: not there yet */
	CHECK_INT(pt_app_run_improvement_measure(at(&coord, "coord", 80), db, run, item1, "PS-001",
						 "film", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_improvement_measure(at(&coord, "coord", 80), db, run, item1, "PS-001",
						 "guards", &d),
		  PT_ECONFLICT);
	CHECK_INT(audited(db, "run.improvement.measure", rid), 1);
	CHECK_INT(pt_app_run_report_prepare(at(&coord, "coord", 80), db, run, &rep, &d), PT_OK);
	it = rep ? item_of(rep->doc, item1) : NULL;
	CHECK(it && strcmp(it->status, "not at the site") == 0);
	CHECK(it && strcmp(it->linked_site, "PS-001") == 0 && strcmp(it->linked_measure, "film") == 0);
	pt_app_run_report_free(rep);
	rep = NULL;

	/* the operator puts film in place: the item's status follows, the site's view names it */
	memset(&l, 0, sizeof l);
	sm_add(&l, "PS-001", "film", 2);
	CHECK_INT(pt_app_site_measures_import(as(&opa), db, &l, &d), PT_OK);
	pt_site_measure_list_clear(&l);
	CHECK_INT(pt_app_site_measures_list(as(&opa), db, "PS-001", NULL, &sm, &d), PT_OK);
	CHECK(sm.from != NULL);
	for (k = 0; k < sm.n; k++)
		if (strcmp(sm.rows[k].measure_id, "film") == 0)
			break;
	CHECK(k < sm.n && sm.from && sm.from[k].run_id == run && sm.from[k].item_id == item1);
	pt_site_measures_clear(&sm);

	/* the register: a note on the item's own risk, after what was there */
	CHECK_INT(pt_app_run_improvement_register(at(&coord, "coord", 80), db, run, item2, NULL,
						  NULL, &d),
		  PT_EINVAL); /* item 2 names no risk */
	CHECK_STR(d.field, "site");
	CHECK_INT(pt_app_run_improvement_register(at(&fac, "fac", 80), db, run, item1, NULL, NULL,
						  &d),
		  PT_EFORBIDDEN);
	CHECK_INT(pt_app_run_improvement_register(at(&coord, "coord", 80), db, run, item1, NULL,
						  NULL, &d),
		  PT_OK);
	CHECK_INT(pt_app_run_improvement_register(at(&coord, "coord", 80), db, run, item1, "PS-001",
						  "pbied", &d),
		  PT_ECONFLICT);
	CHECK_INT(pt_app_register_entry(as(&opa), db, "PS-001", "vehicle_ramming", NULL, &e, &can,
					&d),
		  PT_OK);
	snprintf(want, sizeof want,
		 "From exercise run %lld, item %lld: Stock 500 triage tags, with \"commas, and "
		 "quotes\" (responsible Operator A, due 2027-03-31)",
		 run, item1);
	CHECK_STR(e.note, want);
	CHECK_INT(audited(db, "run.improvement.register", rid), 1);
	CHECK_INT(audited(db, "register.set", NULL), 1);

	/* item 2 on another risk, a note there already: kept, the new line after it */
	{
		struct pt_register_change ch;
		memset(&ch, 0, sizeof ch);
		ch.note = "Bollards ordered";
		CHECK_INT(pt_app_register_set(as(&opa), db, "PS-001", "pbied", &ch, &e, NULL, &d),
			  PT_OK);
		CHECK_INT(pt_app_run_improvement_register(at(&coord, "coord", 80), db, run, item2,
							  "PS-001", "pbied", &d),
			  PT_OK);
		CHECK_INT(pt_app_register_entry(as(&opa), db, "PS-001", "pbied", NULL, &e, &can, &d),
			  PT_OK);
		snprintf(want, sizeof want,
			 "Bollards ordered\nFrom exercise run %lld, item %lld: Plan a family "
			 "assistance centre (responsible Ministry, due 2027-01-01)",
			 run, item2);
		CHECK_STR(e.note, want);
	}

	/* the facilitators' status: shown for item 2 (a note only), not for item 1 (a measure) */
	CHECK_INT(pt_app_run_improvement_status(at(&eva, "eva", 90), db, run, item2, "done", &d),
		  PT_EFORBIDDEN);
	CHECK_STR(d.field, "role");
	CHECK_INT(pt_app_run_improvement_status(at(&coord, "coord", 90), db, run, item2, "done", &d),
		  PT_EFORBIDDEN);
	CHECK_INT(pt_app_run_improvement_status(at(&opa, "opa", 90), db, run, item2, "done", &d),
		  PT_ENOTFOUND);
	CHECK_INT(pt_app_run_improvement_status(at(&fac, "fac", 90), db, run, item2, "finished", &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "status");
	CHECK_INT(pt_app_run_improvement_status(at(&fac, "fac", 90), db, run, 9999, "done", &d),
		  PT_ENOTFOUND);
	CHECK_STR(d.field, "item");
	CHECK_INT(pt_app_run_improvement_status(at(&fac, "fac", 90), db, run, item2, "in progress",
						&d),
		  PT_OK);
	CHECK_INT(pt_app_run_improvement_status(at(&fac, "fac", 91), db, run, item2, "done", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_improvement_status(at(&fac, "fac", 91), db, run, item1, "cancelled",
						&d),
		  PT_OK);
	CHECK_INT(audited(db, "run.improvement.status", rid), 3);

	/* the item's side */
	CHECK_INT(pt_app_run_report_prepare(at(&coord, "coord", 80), db, run, &rep, &d), PT_OK);
	it = rep ? item_of(rep->doc, item1) : NULL;
	CHECK(it && strcmp(it->status, "in place") == 0);
	CHECK(it && strcmp(it->noted_site, "PS-001") == 0 &&
	      strcmp(it->noted_threat, "vehicle_ramming") == 0);
	it = rep ? item_of(rep->doc, item2) : NULL;
	CHECK(it && strcmp(it->status, "done") == 0 && strcmp(it->given_status, "done") == 0);
	if (rep) {
		char *csv = render(rep->doc, 0), *html = render(rep->doc, 1);
		HAS(csv, ",in place,PS-001,film,PS-001,vehicle_ramming\r\n");
		HAS(csv, ",done,,,PS-001,pbied\r\n");
		HAS(html, "measure film at site PS-001<br>note on register risk PS-001 / "
			  "vehicle_ramming");
		free(csv);
		free(html);
	}
	pt_app_run_report_free(rep);
	rep = NULL;

	/* a measure at a site the reader may not read: linked, its state not told */
	CHECK_INT(pt_app_run_improvement_measure(at(&coord, "coord", 92), db, run, item2, "PS-002",
						 "guards", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_report_prepare(at(&coord, "coord", 93), db, run, &rep, &d), PT_OK);
	it = rep ? item_of(rep->doc, item2) : NULL;
	CHECK(it && strcmp(it->status, "not at the site") == 0); /* the measure wins over "done" */
	pt_app_run_report_free(rep);
	rep = NULL;
	CHECK_INT(pt_app_run_report_prepare(at(&eva, "eva", 93), db, run, &rep, &d), PT_OK);
	it = rep ? item_of(rep->doc, item2) : NULL;
	CHECK(it && strcmp(it->status, "linked") == 0 && it->measure_state[0] == '\0');
	pt_app_run_report_free(rep);
	pt_db_close(db);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	*len = 0;
	CHECK(f != NULL);
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* A run of an exercise without a simulation, not started, at GREEN: nothing to simulate, no
 * decisions, no plan; the page says so, the CSV is its header. */
static void test_empty_run(void)
{
	struct pt_db *db = open_with_measures();
	struct pt_app_run_create_opts o;
	struct pt_app_run_report *rep = NULL;
	struct pt_diag d;
	long long run = 0;
	char *json, *html = NULL, *csv = NULL;
	size_t len = 0;
	memset(&d, 0, sizeof d);
	user_make(db, "fac", PT_ROLE_FACILITATOR, gov_org, &fac_id, &fac);
	json = slurp("tests/cli/data/exercise-small.json", &len);
	memset(&o, 0, sizeof o);
	o.scenario = json;
	o.scenario_len = len;
	o.tlp_set = 1;
	o.tlp = PT_TLP_GREEN;
	CHECK_INT(pt_app_run_create(at(&fac, "fac", 0), db, &o, &run, &d), PT_OK);
	CHECK_INT(pt_app_run_report(at(&fac, "fac", 0), db, run, 1, &rep, &d), PT_OK);
	if (rep) {
		CHECK(!rep->doc->has_sim && !rep->sim_run && !rep->doc->outcome.run);
		CHECK_STR(rep->doc->clock_state, "ready");
		html = render(rep->doc, 1);
		csv = render(rep->doc, 0);
	}
	HAS(html, "<p>Not available: the scenario drives no simulation.</p>");
	HAS(html, "<p>The clock never started.</p>");
	CHECK(html && !strstr(html, "beneath its time in the run")); /* no shift, no note */
	HAS(html, "Scope: ");
	HAS(html, "<p>No response or ICS 214 entry was written.</p>");
	HAS(html, "<p>No decision was made.</p>");
	CHECK(html && !strstr(html, "H-hour") && !strstr(html, "Attack (simulation"));
	HAS(html, "<p>No improvement item was recorded.</p>");
	HAS(html, "<tr><th scope=\"row\">Started</th><td>-</td></tr>");
	HAS(html, "<tr><th scope=\"row\">Ended (ENDEX)</th><td>not ended</td></tr>");
	HAS(html, "not rated");
	CHECK_INT(count(html, ">TLP:GREEN</span>"), 2);
	CHECK_STR(csv, "# TLP:GREEN\r\nrun_id,item,capability,objective,target,"
		       "area_for_improvement,issue,analysis,corrective_action,capability_element,"
		       "responsible_organisation,point_of_contact,start,due,status,measure_site,"
		       "measure_id,register_site,register_threat\r\n");
	/* no audit of a GREEN read */
	CHECK_INT(audited(db, "run.report", NULL), 0);
	free(html);
	free(csv);
	pt_app_run_report_free(rep);
	rep = NULL;
	html = NULL;
	/* started, then stopped for a real-world emergency: the clock history says so */
	CHECK_INT(pt_app_run_start(at(&fac, "fac", 0), db, run, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_endex(at(&fac, "fac", 3), db, run, PT_RUN_ENDEX_REAL_WORLD,
				   "fire alarm in the building", NULL, &d),
		  PT_OK);
	CHECK_INT(pt_app_run_report(at(&fac, "fac", 4), db, run, 1, &rep, &d), PT_OK);
	if (rep)
		html = render(rep->doc, 1);
	HAS(html, "<td>clock started</td>");
	HAS(html, "<td class=\"n\">00:03</td><td>2025-01-01 10:03 UTC</td><td>REAL-WORLD EMERGENCY: "
		  "fire alarm in the building</td>");
	free(html);
	free(json);
	pt_app_run_report_free(rep);
	pt_db_close(db);
}

/* Issue 15 review 2, items 3, 9 and 10: the report shows each inject as the players read it
 * (placeholders filled; the MSEL's template as a controller's note), the run's own attack time
 * after a shift, and a triggered inject at the time it came. */
static void test_delivered(void)
{
	struct pt_app_run_report *rep = NULL;
	struct pt_diag d;
	long long run = 0;
	char *html = NULL;
	struct pt_db *db = open_with_measures();
	struct pt_app_run_create_opts o;
	memset(&d, 0, sizeof d);
	user_make(db, "fac", PT_ROLE_FACILITATOR, gov_org, &fac_id, &fac);
	user_make(db, "ems", PT_ROLE_PLAYER, b_org, &ems_id, &ems);
	memset(&o, 0, sizeof o);
	o.builtin = "hospital-attack-exercise";
	o.title = "Orrinford drill 2";
	o.seed_set = 1;
	o.seed = 7;
	CHECK_INT(pt_app_run_create(at(&fac, "fac", 0), db, &o, &run, &d), PT_OK);
	CHECK_INT(pt_app_run_assign(at(&fac, "fac", 0), db, run, "ems", PT_RUN_PLAYER,
				    "ems_commander", &d),
		  PT_OK);
	CHECK_INT(pt_app_run_start(at(&fac, "fac", 0), db, run, NULL, &d), PT_OK);
	/* 00:15 paused, everything pending (the attack too) 5 minutes later, resumed */
	CHECK_INT(pt_app_run_pause(at(&fac, "fac", 15), db, run, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_shift(at(&fac, "fac", 15), db, run, 5, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_resume(at(&fac, "fac", 15), db, run, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_decide(at(&ems, "ems", 55), db, run, "ems_commander",
				    "ambulances_dispatched", "12", NULL, &d),
		  PT_OK);
	/* 01:00 #19 (file 01:30) triggered early: delivered with the 12 ambulances */
	CHECK_INT(pt_app_run_trigger(at(&fac, "fac", 60), db, run, 19, NULL, &d), PT_OK);
	CHECK_INT(pt_app_run_endex(at(&fac, "fac", 70), db, run, PT_RUN_ENDEX_EXERCISE, "ENDEX",
				   NULL, &d),
		  PT_OK);
	CHECK_INT(pt_app_run_report(at(&fac, "fac", 80), db, run, 1, &rep, &d), PT_OK);
	if (rep) {
		CHECK(rep->doc->sim_start_min == 50);
		CHECK_INT(rep->doc->n_sent, rep->doc->sc->n_injects);
		html = render(rep->doc, 1);
	}
	HAS(html, "<tr><th scope=\"row\">Attack (simulation minute 0)</th><td>scenario time 00:50 "
		  "(08:50) in this run: the clock shifts moved it by +5 min from the scenario&#39;s "
		  "00:45 (08:45)</td></tr>");
	/* #19 where it came, with what the EMS commander read, the template as a note */
	HAS(html, "<td class=\"n\">01:00<div class=\"meta\">file 01:30</div></td><td>19</td>");
	HAS(html, "</div>Control: 12 ambulances committed. Control&#39;s count at ");
	HAS(html, "<div class=\"meta\">Controller&#39;s note, the MSEL&#39;s text: Control: "
		  "{decision:ambulances_dispatched|only the 4 of the first wave} ambulances "
		  "committed. Control&#39;s count at {sim:time|the attack}: ");
	CHECK(html && !strstr(html, "</div>Control: {decision:"));
	/* an inject without placeholders: its text once, no note */
	HAS(html, "</div>A nurse calls 112, whispering: ");
	/* ENDEX at 01:10: the injects never delivered carry their template as the note too */
	CHECK(count(html, "(not delivered: nobody received it)<div class=\"meta\">Controller&#39;s "
			  "note") > 5);
	CHECK_INT(count(html, "Controller&#39;s note"),
		  1 + count(html, "(not delivered: nobody received it)"));
	CHECK(in_time_order(html));
	free(html);
	pt_app_run_report_free(rep);
	pt_db_close(db);
}

/* The rules themselves (src/core/pt_access.c): who reads the report, who links its items. */
static void test_access_rules(void)
{
	struct pt_db *db = open_registry();
	struct pt_principal sys, viewer;
	struct pt_run_access ra;
	long long viewer_id;
	enum pt_tlp t;
	if (!db)
		return;
	user_make(db, "fac", PT_ROLE_FACILITATOR, gov_org, &fac_id, &fac);
	user_make(db, "eva", PT_ROLE_EVALUATOR, gov_org, &eva_id, &eva);
	user_make(db, "pol", PT_ROLE_PLAYER, a_org, &pol_id, &pol);
	user_make(db, "viewer", PT_ROLE_VIEWER, gov_org, &viewer_id, &viewer);
	pt_principal_system(&sys);
	memset(&ra, 0, sizeof ra);
	ra.owner_org_id = gov_org;
	ra.tlp = PT_TLP_AMBER;
	ra.member = PT_RUN_FACILITATOR;
	CHECK_INT(pt_access_run_report(&fac, &ra), PT_ACCESS_OK);
	CHECK_INT(pt_access_run_link(&fac, &ra), PT_ACCESS_OK);
	ra.member = PT_RUN_EVALUATOR;
	CHECK_INT(pt_access_run_report(&eva, &ra), PT_ACCESS_OK);
	CHECK_INT(pt_access_run_link(&eva, &ra), PT_ACCESS_FORBIDDEN);
	ra.member = PT_RUN_PLAYER;
	ra.roles = 1;
	CHECK_INT(pt_access_run_report(&pol, &ra), PT_ACCESS_FORBIDDEN);
	CHECK_INT(pt_access_run_link(&pol, &ra), PT_ACCESS_FORBIDDEN);
	ra.member = PT_RUN_NONE;
	ra.roles = 0;
	CHECK_INT(pt_access_run_report(&coord, &ra), PT_ACCESS_OK); /* an observer */
	CHECK_INT(pt_access_run_link(&coord, &ra), PT_ACCESS_OK);
	CHECK_INT(pt_access_run_report(&viewer, &ra), PT_ACCESS_NOT_FOUND);
	CHECK_INT(pt_access_run_link(&viewer, &ra), PT_ACCESS_NOT_FOUND);
	CHECK_INT(pt_access_run_report(&opa, &ra), PT_ACCESS_NOT_FOUND);
	CHECK_INT(pt_access_run_report(&sys, &ra), PT_ACCESS_OK);
	CHECK_INT(pt_access_run_link(&sys, &ra), PT_ACCESS_OK);
	/* at RED no oversight: the coordinator is told the run does not exist */
	for (t = PT_TLP_CLEAR; t <= PT_TLP_RED; t++) {
		ra.tlp = t;
		CHECK_INT(pt_access_run_report(&coord, &ra),
			  t == PT_TLP_RED ? PT_ACCESS_NOT_FOUND : PT_ACCESS_OK);
	}
	CHECK_INT(pt_access_run_report(NULL, &ra), PT_ACCESS_NOT_FOUND);
	CHECK_INT(pt_access_run_link(&sys, NULL), PT_ACCESS_NOT_FOUND);
	pt_db_close(db);
}

int main(void)
{
	RUN(test_access_rules);
	RUN(test_report);
	RUN(test_prepare_compute);
	RUN(test_links);
	RUN(test_empty_run);
	RUN(test_delivered);
	return TEST_SUMMARY("app_exercise_report");
}
