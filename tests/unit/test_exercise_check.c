/* test_exercise_check.c - the rules of an exercise scenario (issue 15):
 * pt_ex_scenario_check (references, the contingency rule, limits, the sort),
 * pt_ex_decision_value (kinds, roles, canonical values), pt_ex_scenario_check_sim. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_exercise.h"
#include "formats/pt_diag.h"
#include "formats/pt_exercise_io.h"
#include "pt_test.h"

static const char *base =
	"{\"id\": \"t\", \"title\": \"T\", \"duration\": \"03:00\",\n"
	" \"stages\": [{\"id\": \"s1\", \"name\": \"S1\"}, {\"id\": \"s2\", \"name\": \"S2\"}],\n"
	" \"roles\": [{\"id\": \"police\", \"name\": \"Police\"}, {\"id\": \"ems\", \"name\": \"EMS\"}],\n"
	" \"sim_to\": [\"ems\"], \"pio_role\": \"police\",\n"
	" \"injects\": [\n"
	"  {\"seq\": 30, \"stage\": \"s2\", \"time\": \"01:00\", \"type\": \"event\", \"to\": [\"ems\"],\n"
	"   \"description\": \"c\", \"contingency_of\": 10},\n"
	"  {\"seq\": 10, \"stage\": \"s1\", \"time\": \"00:20\", \"type\": \"information\", \"to\": [\"police\"],\n"
	"   \"description\": \"a\", \"expected_action\": \"act\", \"deadline\": \"00:40\", \"decision\": \"amb\"},\n"
	"  {\"seq\": 20, \"stage\": \"s1\", \"time\": \"00:20\", \"type\": \"media\", \"to\": [\"police\", \"ems\"],\n"
	"   \"description\": \"b\"}],\n"
	" \"decisions\": [\n"
	"  {\"id\": \"amb\", \"label\": \"Ambulances\", \"path\": \"response.ambulances\", \"apply\": \"timed\",\n"
	"   \"kind\": \"number\", \"min\": 0, \"max\": 60, \"roles\": [\"ems\"]},\n"
	"  {\"id\": \"triage\", \"label\": \"Triage\", \"path\": \"response.triage\", \"apply\": \"timed\",\n"
	"   \"kind\": \"choice\", \"choices\": [\"START\", \"SALT\"], \"roles\": [\"ems\"]},\n"
	"  {\"id\": \"rtf\", \"label\": \"RTF\", \"path\": \"response.rtf\", \"apply\": \"timed\",\n"
	"   \"kind\": \"bool\", \"roles\": [\"police\", \"ems\"]},\n"
	"  {\"id\": \"safe\", \"label\": \"Safe\", \"path\": \"attack.sites.0.secure_min\",\n"
	"   \"apply\": \"at_time\", \"roles\": [\"police\"]},\n"
	"  {\"id\": \"note\", \"label\": \"Note\", \"apply\": \"log\", \"roles\": [\"police\"]}],\n"
	" \"baseline\": [{\"time\": \"00:50\", \"decision\": \"rtf\", \"value\": \"TRUE\"},\n"
	"              {\"time\": \"00:30\", \"decision\": \"amb\", \"value\": \"12.0\"}]}\n";

static struct pt_ex_scenario *scenario(void)
{
	struct pt_ex_scenario *sc = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	if (pt_ex_scenario_read(base, strlen(base), "t.json", &sc, &d) != PT_OK) {
		char m[1200];
		pt_diag_format(&d, m, sizeof m);
		fprintf(stderr, "%s\n", m);
		CHECK(0);
	}
	return sc;
}

/* "field: msg" of a check. */
static const char *check_msg(struct pt_ex_scenario *sc)
{
	static char buf[1200];
	struct pt_diag d = PT_DIAG_INIT;
	if (pt_ex_scenario_check(sc, &d) == PT_OK)
		return "(ok)";
	snprintf(buf, sizeof buf, "%s: %s", d.field, d.msg);
	return buf;
}

/* attack review 2, finding 1: cuts of run texts fall between characters; bad bytes read as '?' */
static void test_utf8_cuts(void)
{
	char buf[8], bad[16];
	pt_strlcpy_utf8(buf, "abcdef\xc3\xa9", sizeof buf); /* 8 bytes into 7: the e-acute is dropped */
	CHECK_STR(buf, "abcdef");
	pt_strlcpy_utf8(buf, "ab\xe2\x82\xac\xe2\x82\xac", sizeof buf); /* two euro signs into 7 */
	CHECK_STR(buf, "ab\xe2\x82\xac");
	pt_strlcpy_utf8(buf, "a\xf0\x9f\x98\x80" "bcd", sizeof buf); /* cut after "bc": whole characters */
	CHECK_STR(buf, "a\xf0\x9f\x98\x80" "bc");
	pt_strlcpy_utf8(buf, "abc\xf0\x9f\x98\x80", 7); /* the 4-byte character cut after 3 */
	CHECK_STR(buf, "abc");
	strcpy(bad, "A\xd0");
	CHECK(pt_utf8_repair(bad) == 1);
	CHECK_STR(bad, "A?");
	strcpy(bad, "\x80ok\xc0\xafz\xed\xa0\x80");
	CHECK(pt_utf8_repair(bad) == 6);
	CHECK_STR(bad, "?ok??z???");
	strcpy(bad, "\xd0\x96\xe2\x82\xac");
	CHECK(pt_utf8_repair(bad) == 0);
	pt_utf8_cut(NULL);
	CHECK(pt_utf8_repair(NULL) == 0);
}

static void test_sorted(void)
{
	struct pt_ex_scenario *sc = scenario();
	if (!sc)
		return;
	CHECK_INT(sc->injects[0].seq, 10); /* (time, seq) */
	CHECK_INT(sc->injects[1].seq, 20);
	CHECK_INT(sc->injects[2].seq, 30);
	CHECK_NEAR(sc->baseline[0].t_min, 30, 0);
	CHECK_STR(sc->baseline[0].value, "12"); /* canonical */
	CHECK_STR(sc->baseline[1].value, "true");
	CHECK_STR(sc->baseline[1].role, "police");
	CHECK_STR(check_msg(sc), "(ok)"); /* checking again changes nothing */
	CHECK_INT(sc->injects[0].seq, 10);
	pt_ex_scenario_free(sc);
}

static void test_rules(void)
{
	struct pt_ex_scenario *sc = scenario();
	char *keep;
	if (!sc)
		return;
	/* the contingency rule (injects are sorted: 0 = seq 10, 1 = seq 20, 2 = seq 30) */
	sc->injects[2].contingency_of = 99;
	CHECK_STR(check_msg(sc), "injects.2.contingency_of: no inject has sequence 99");
	sc->injects[2].contingency_of = 20;
	CHECK_STR(check_msg(sc), "injects.2.contingency_of: inject 20 has no expected action");
	sc->injects[2].contingency_of = 10;
	sc->injects[2].t_min = 30;
	CHECK_STR(check_msg(sc), "injects.2.contingency_of: inject 10's deadline 0:40 is after this "
				 "inject's time 0:30");
	sc->injects[2].t_min = 10;
	CHECK_STR(check_msg(sc), "injects.2.contingency_of: inject 10 comes later (0:20, after this "
				 "inject's 0:10)");
	sc->injects[2].t_min = 40; /* at the parent's deadline: fine */
	CHECK_STR(check_msg(sc), "(ok)");
	/* attack review 2, finding 1: a choice is stored whole, so at most 63 characters (95 bytes) */
	keep = sc->decisions[1].choices[0];
	{
		static char cyr[200], ascii[65];
		cyr[0] = '\0';
		for (int i = 0; i < 47; i++)
			strcat(cyr, "\xd0\x96"); /* 94 bytes, 47 letters: fine */
		sc->decisions[1].choices[0] = cyr;
		CHECK_STR(check_msg(sc), "(ok)");
		memset(ascii, 'A', 64);
		ascii[64] = '\0';
		sc->decisions[1].choices[0] = ascii;
		CHECK_STR(check_msg(sc), "decisions.1.choices.0: too long (64 characters; at most 63)");
		strcat(cyr, "\xd0\x96"); /* 96 bytes */
		sc->decisions[1].choices[0] = cyr;
		CHECK_STR(check_msg(sc), "decisions.1.choices.0: too long (96 bytes; at most 95)");
	}
	sc->decisions[1].choices[0] = keep;
	pt_ex_scenario_free(sc);

	sc = scenario();
	sc->injects[1].contingency_of = 30;
	sc->injects[1].t_min = 120;
	CHECK_STR(check_msg(sc), "injects.1.contingency_of: inject 30 is itself a contingency (of 10)");
	sc->injects[1].contingency_of = 0;
	sc->injects[1].deadline_min = 130;
	CHECK_STR(check_msg(sc), "injects.1.deadline: a deadline needs an expected action");
	sc->injects[1].deadline_min = -1;
	sc->injects[1].t_min = 200;
	CHECK_STR(check_msg(sc), "injects.1.time: time 3:20 is past the scenario's end 3:00");
	sc->injects[1].t_min = 20;
	sc->injects[1].seq = 10;
	CHECK_STR(check_msg(sc), "injects.1.seq: sequence 10 is used twice (also injects.0)");
	sc->injects[1].seq = 20;
	keep = sc->injects[1].stage;
	sc->injects[1].stage = "s9";
	CHECK_STR(check_msg(sc), "injects.1.stage: \"s9\" is not a stage of the scenario");
	sc->injects[1].stage = keep;
	sc->injects[1].capability = 32;
	CHECK_STR(check_msg(sc), "injects.1.capability: not a FEMA core capability "
				 "(docs/exercises.md lists them)");
	sc->injects[1].capability = -1;
	sc->injects[1].description = "";
	CHECK_STR(check_msg(sc), "injects.1.description: missing value");
	sc->injects[1].description = "two\nlines\tok";
	CHECK_STR(check_msg(sc), "(ok)");
	sc->injects[0].delivery = "ra\ndio";
	CHECK_STR(check_msg(sc), "injects.0.delivery: contains a control character; this field is "
				 "one line of text");
	sc->injects[0].delivery = "";
	sc->sim_to[0] = "mayor";
	CHECK_STR(check_msg(sc), "sim_to.0: \"mayor\" is not a role of the scenario");
	sc->sim_to[0] = "ems";
	sc->pio_role = "press";
	CHECK_STR(check_msg(sc), "pio_role: \"press\" is not a role of the scenario");
	sc->pio_role = NULL;
	sc->tlp = "PURPLE";
	CHECK_STR(check_msg(sc), "tlp: \"PURPLE\" is not a TLP label (CLEAR, GREEN, AMBER, "
				 "AMBER+STRICT, RED)");
	sc->tlp = "RED";
	sc->stages[1].id = "s1";
	CHECK_STR(check_msg(sc), "stages.1.id: \"s1\" is used twice (also stages.0)");
	sc->stages[1].id = "s 2";
	CHECK_STR(check_msg(sc), "stages.1.id: \"s 2\" is not a valid id (1-63 letters, digits, '.', "
				 "'_' or '-')");
	sc->stages[1].id = "s2";
	sc->decisions[3].kind = PT_EX_VALUE_NUMBER;
	CHECK_STR(check_msg(sc), "decisions.3.kind: an at_time decision takes no value (kind none)");
	sc->decisions[3].kind = PT_EX_VALUE_NONE;
	sc->decisions[0].min = 70;
	CHECK_STR(check_msg(sc), "decisions.0.max: min and max must be numbers with min <= max");
	sc->decisions[0].min = 0;
	sc->decisions[1].choices[1] = "START";
	CHECK_STR(check_msg(sc), "decisions.1.choices.1: \"START\" is listed twice");
	sc->decisions[1].choices[1] = "SALT";
	sc->decisions[2].roles[1] = "police";
	CHECK_STR(check_msg(sc), "decisions.2.roles.1: \"police\" is listed twice");
	sc->decisions[2].roles[1] = "ems";
	sc->duration_min = PT_EX_TIME_MAX + 1;
	CHECK_STR(check_msg(sc), "duration: the duration is longer than 336:00");
	sc->duration_min = 180;
	sc->sim_replications = 5;
	CHECK_STR(check_msg(sc), "sim_replications: a whole number from 10 to 10000 expected");
	sc->sim_replications = 200;
	sc->baseline[1].t_min = 181;
	CHECK_STR(check_msg(sc), "baseline.1.time: time 3:01 is past the scenario's end 3:00");
	sc->baseline[1].t_min = 50;
	CHECK_STR(check_msg(sc), "(ok)");
	pt_ex_scenario_free(sc);
}

static void test_values(void)
{
	struct pt_ex_scenario *sc = scenario();
	struct pt_diag d = PT_DIAG_INIT;
	char out[PT_MCI_VALUE_MAX];
	if (!sc)
		return;
	CHECK_INT(pt_ex_decision_value(sc, 0, "ems", "30", out, &d), PT_OK);
	CHECK_STR(out, "30");
	CHECK_INT(pt_ex_decision_value(sc, 0, "ems", "2.5", out, &d), PT_OK);
	CHECK_STR(out, "2.5");
	CHECK_INT(pt_ex_decision_value(sc, 0, "ems", "61", out, &d), PT_EINVAL);
	CHECK_STR(d.field, "value");
	CHECK_STR(d.msg, "out of range for amb (from 0 to 60)");
	CHECK_INT(pt_ex_decision_value(sc, 0, "ems", " 3", out, &d), PT_EINVAL);
	CHECK_STR(d.msg, "\" 3\" is not a number (from 0 to 60)");
	CHECK_INT(pt_ex_decision_value(sc, 0, "ems", "nan", out, &d), PT_EINVAL);
	CHECK_INT(pt_ex_decision_value(sc, 0, "police", "3", out, &d), PT_EFORBIDDEN);
	CHECK_STR(d.field, "role");
	CHECK_STR(d.msg, "role \"police\" may not make amb (ems may)");
	CHECK_INT(pt_ex_decision_value(sc, 0, NULL, "3", out, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_ex_decision_value(sc, 1, "ems", "salt", out, &d), PT_OK);
	CHECK_STR(out, "SALT");
	CHECK_INT(pt_ex_decision_value(sc, 1, "ems", "SIEVE", out, &d), PT_EINVAL);
	CHECK_STR(d.msg, "\"SIEVE\" is not one of START, SALT");
	CHECK_INT(pt_ex_decision_value(sc, 2, "police", "False", out, &d), PT_OK);
	CHECK_STR(out, "false");
	CHECK_INT(pt_ex_decision_value(sc, 2, "police", "yes", out, &d), PT_EINVAL);
	CHECK_STR(d.msg, "\"yes\" is not true or false");
	CHECK_INT(pt_ex_decision_value(sc, 3, "police", "", out, &d), PT_OK);
	CHECK_STR(out, "");
	CHECK_INT(pt_ex_decision_value(sc, 3, "police", NULL, out, &d), PT_OK);
	CHECK_INT(pt_ex_decision_value(sc, 4, "police", "x", out, &d), PT_EINVAL);
	CHECK_STR(d.msg, "note takes no value");
	CHECK_INT(pt_ex_decision_value(sc, 5, "police", "", out, &d), PT_EINVAL);
	pt_ex_scenario_free(sc);
}

static void test_sim(void)
{
	struct pt_ex_scenario *sc = scenario();
	struct pt_mci_scenario *sim = malloc(sizeof *sim);
	struct pt_diag d = PT_DIAG_INIT;
	if (!sc || !sim) {
		pt_ex_scenario_free(sc);
		free(sim);
		return;
	}
	pt_mci_defaults(sim);
	CHECK_INT(pt_ex_scenario_check_sim(sc, sim, &d), PT_OK);
	CHECK_INT(pt_ex_scenario_check_sim(sc, NULL, &d), PT_OK);
	sc->decisions[1].path = "response.triage_rule";
	CHECK_INT(pt_ex_scenario_check_sim(sc, sim, &d), PT_EINVAL);
	CHECK_STR(d.field, "decisions.triage.path");
	CHECK_STR(d.msg, "\"response.triage_rule\" is not a key of the simulation scenario "
			 "(docs/scenarios.md lists them)");
	sc->decisions[1].path = "response.policy"; /* START is no policy */
	CHECK_INT(pt_ex_scenario_check_sim(sc, sim, &d), PT_EINVAL);
	CHECK_STR(d.msg, "\"response.policy\": nearest or balanced expected (choice \"START\")");
	sc->decisions[1].path = "response.triage";
	sc->decisions[1].choices[1] = "SIEVE"; /* every choice is tried */
	CHECK_INT(pt_ex_scenario_check_sim(sc, sim, &d), PT_EINVAL);
	CHECK_STR(d.msg, "\"response.triage\": START or SALT expected (choice \"SIEVE\")");
	pt_ex_scenario_free(sc);
	free(sim);
}

/* Review findings 5, 10: what is accepted but likely not meant. */
static void test_warnings(void)
{
	struct pt_ex_scenario *sc = scenario();
	struct pt_ex_warnings *w = malloc(sizeof *w);
	if (!sc || !w) {
		free(w);
		pt_ex_scenario_free(sc);
		CHECK(0);
		return;
	}
	pt_ex_scenario_warnings(sc, w);
	CHECK_INT(w->n, 0); /* the base scenario is clean */
	/* inject 10 satisfied by the yes/no decision rtf without decision_value: any answer counts */
	sc->injects[0].satisfied_by = "rtf";
	pt_ex_scenario_warnings(sc, w);
	CHECK_INT(w->n, 1);
	CHECK_INT(w->list[0].seq, 10);
	CHECK_STR(w->list[0].msg, "inject 10: decision \"rtf\" is yes/no and the inject gives no "
				  "decision_value: any answer, \"no\" too, counts as doing its expected "
				  "action (add decision_value \"true\" if only \"yes\" should)");
	sc->injects[0].satisfied_value = "true";
	pt_ex_scenario_warnings(sc, w);
	CHECK_INT(w->n, 0);
	/* inject 20 (stage s1) at 0:10, before inject 10 of s1 at 0:20: a mistyped time? */
	sc->injects[1].t_min = 10;
	pt_ex_scenario_warnings(sc, w);
	CHECK_INT(w->n, 1);
	CHECK_STR(w->list[0].msg, "inject 20 at 0:10 comes before inject 10 at 0:20 of the same stage "
				  "\"s1\", whose sequence number is lower: is a time mistyped?");
	/* another stage's earlier time is no warning */
	sc->injects[1].stage = "s2";
	pt_ex_scenario_warnings(sc, w);
	CHECK_INT(w->n, 0);
	free(w);
	pt_ex_scenario_free(sc);
}

/* Review 15B items 1 and 8: an answer that is the simulation's starting value; "any". */
static void test_warnings_sim(void)
{
	struct pt_ex_scenario *sc = scenario();
	struct pt_ex_warnings *w = malloc(sizeof *w);
	struct pt_mci_scenario *sim = malloc(sizeof *sim);
	struct pt_ex_undecided u = {"response.rtf", "true"};
	struct pt_ex_inject in = {.satisfied_by = "rtf", .satisfied_value = "any"};
	size_t i;
	if (!sc || !w || !sim) {
		free(w);
		free(sim);
		pt_ex_scenario_free(sc);
		CHECK(0);
		return;
	}
	pt_mci_defaults(sim); /* no rescue task force */
	sc->injects[0].satisfied_by = "rtf";
	sc->injects[0].satisfied_value = "false";
	pt_ex_scenario_warnings(sc, w);
	pt_ex_scenario_warnings_sim(sc, sim, w);
	CHECK_INT(w->n, 1);
	CHECK_INT(w->list[0].seq, sc->injects[0].seq);
	CHECK(strstr(w->list[0].msg, ": its decision_value \"false\" of \"rtf\" is what the "
				     "simulation has at the start (response.rtf, and no undecided "
				     "entry changes it): the expected answer can never change the "
				     "outcome") != NULL);
	sc->injects[0].satisfied_value = "true"; /* "yes" changes it: no warning */
	pt_ex_scenario_warnings(sc, w);
	pt_ex_scenario_warnings_sim(sc, sim, w);
	CHECK_INT(w->n, 0);
	sc->undecided = &u; /* ... unless the scenario already holds "yes" until decided */
	sc->n_undecided = 1;
	pt_ex_scenario_warnings(sc, w);
	pt_ex_scenario_warnings_sim(sc, sim, w);
	CHECK_INT(w->n, 1);
	sc->undecided = NULL;
	sc->n_undecided = 0;
	pt_ex_scenario_warnings(sc, w);
	pt_ex_scenario_warnings_sim(sc, NULL, w); /* no simulation: nothing added */
	CHECK_INT(w->n, 0);
	/* "any" (any case): no warning of either kind, any value satisfies, canonical after check */
	sc->injects[0].satisfied_value = pt_ex_strdup(sc, "ANY", 3);
	pt_ex_scenario_warnings(sc, w);
	pt_ex_scenario_warnings_sim(sc, sim, w);
	CHECK_INT(w->n, 0);
	CHECK_STR(check_msg(sc), "(ok)");
	for (i = 0; i < sc->n_injects && sc->injects[i].seq != 10; i++)
		;
	CHECK(i < sc->n_injects && strcmp(sc->injects[i].satisfied_value, "any") == 0);
	CHECK(pt_ex_value_satisfies(sc, &in, "false") && pt_ex_value_satisfies(sc, &in, "true"));
	in.satisfied_value = "true";
	CHECK(!pt_ex_value_satisfies(sc, &in, "false"));
	free(w);
	free(sim);
	pt_ex_scenario_free(sc);
}

/* Review 15B item 6: older capability names get the current one as a hint, not accepted. */
static void test_capability_suggest(void)
{
	CHECK_INT(pt_ex_capability_find("Public Health and Medical Services"), -1);
	CHECK_STR(pt_ex_capability_name((size_t)pt_ex_capability_suggest(
			  "public health and medical services")),
		  "Public Health, Healthcare, and Emergency Medical Services");
	CHECK_STR(pt_ex_capability_name((size_t)pt_ex_capability_suggest("Medical Surge")),
		  "Public Health, Healthcare, and Emergency Medical Services");
	CHECK_STR(pt_ex_capability_name(
			  (size_t)pt_ex_capability_suggest("EMERGENCY PUBLIC INFORMATION AND WARNING")),
		  "Public Information and Warning");
	CHECK_STR(pt_ex_capability_name((size_t)pt_ex_capability_suggest("On-Site Incident Management")),
		  "Operational Coordination");
	CHECK_INT(pt_ex_capability_suggest("Planning"), -1); /* a current name: nothing to suggest */
	CHECK_INT(pt_ex_capability_suggest("Crowd Surfing"), -1);
	CHECK_INT(pt_ex_capability_suggest(NULL), -1);
}

int main(void)
{
	RUN(test_utf8_cuts);
	RUN(test_capability_suggest);
	RUN(test_warnings_sim);
	RUN(test_sorted);
	RUN(test_warnings);
	RUN(test_rules);
	RUN(test_values);
	RUN(test_sim);
	return TEST_SUMMARY("exercise_check");
}
