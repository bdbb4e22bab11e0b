/* test_exercise_io.c - exercise files (issue 15): the reference exercise reads and
 * writes back the same, errors name FILE:LINE: path, the MSEL export imports to the
 * same injects, column mapping, decisions files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_diag.h"
#include "formats/pt_exercise_io.h"
#include "formats/pt_scenario_io.h"
#include "pt_test.h"

#define REF "data/scenarios/hospital-attack-exercise.json"

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(PT_EX_FILE_MAX_BYTES + 1);
	*n = 0;
	if (f && buf) {
		*n = fread(buf, 1, PT_EX_FILE_MAX_BYTES, f);
		buf[*n] = '\0';
	}
	if (f)
		fclose(f);
	return buf;
}

static const char *shown(const struct pt_diag *d)
{
	static char buf[2048];
	pt_diag_format(d, buf, sizeof buf);
	return buf;
}

/* The scenario as JSON text (malloc'd). */
static char *written(const struct pt_ex_scenario *sc, size_t *n)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, n);
	CHECK(f != NULL);
	CHECK_INT(pt_ex_scenario_write(f, sc), PT_OK);
	fclose(f);
	return out;
}

static char *msel_written(const struct pt_ex_scenario *sc, size_t *n)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, n);
	CHECK(f != NULL);
	CHECK_INT(pt_ex_msel_write(f, sc), PT_OK);
	fclose(f);
	return out;
}

static struct pt_ex_scenario *read_ref(char **text, size_t *n)
{
	struct pt_ex_scenario *sc = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	*text = slurp(REF, n);
	if (pt_ex_scenario_read(*text, *n, REF, &sc, &d) != PT_OK) {
		fprintf(stderr, "%s\n", shown(&d));
		CHECK(0);
	}
	return sc;
}

static void test_reference(void)
{
	size_t n, i, n_cont = 0, types[4] = {0}, n_exp = 0, n_dead = 0, n_dec = 0;
	char *text;
	struct pt_ex_scenario *sc = read_ref(&text, &n);
	if (!sc) {
		free(text);
		return;
	}
	CHECK_STR(sc->id, "hospital-attack-exercise");
	CHECK_INT(sc->n_stages, 4);
	CHECK_INT(sc->n_roles, 7);
	CHECK(sc->n_injects >= 24);
	CHECK_INT(sc->duration_min, 360);
	CHECK_INT(sc->sim_start_min, 45);
	CHECK_INT(sc->n_sim_to, 3);
	CHECK_STR(sc->pio_role, "pio");
	CHECK_STR(sc->site, "VM-012"); /* review finding 10: the PIO's alert site */
	CHECK_STR(sc->simulation, "hospital-attack.json");
	for (i = 0; i < sc->n_injects; i++) {
		const struct pt_ex_inject *x = &sc->injects[i];
		n_cont += x->contingency_of != 0;
		types[x->type]++;
		n_exp += x->expected_action[0] != '\0';
		n_dead += x->deadline_min >= 0;
		n_dec += x->satisfied_by != NULL;
		if (i)
			CHECK(sc->injects[i - 1].t_min <= x->t_min);
	}
	CHECK(n_cont >= 3);
	CHECK(types[0] && types[1] && types[2] && types[3]);
	CHECK(n_exp >= 10 && n_dead >= 10 && n_dec >= 8);
	for (i = 1; i < sc->n_baseline; i++)
		CHECK(sc->baseline[i - 1].t_min <= sc->baseline[i].t_min);
	CHECK_INT(pt_ex_decision_find(sc, "scene_safe") >= 0, 1);
	CHECK_INT(sc->decisions[pt_ex_decision_find(sc, "scene_safe")].apply, PT_EX_APPLY_AT_TIME);
	CHECK_STR(sc->decisions[pt_ex_decision_find(sc, "ambulances_dispatched")].path,
		  "response.ambulances");
	/* the decision paths are keys of the simulation it drives */
	{
		size_t sn;
		char *sim_text = slurp("data/scenarios/hospital-attack.json", &sn);
		struct pt_mci_scenario *sim = malloc(sizeof *sim);
		struct pt_diag d = PT_DIAG_INIT;
		CHECK_INT(pt_scenario_read(sim_text, sn, "hospital-attack.json", sim, &d), PT_OK);
		CHECK_INT(pt_ex_scenario_check_sim(sc, sim, &d), PT_OK);
		free(sim);
		free(sim_text);
	}
	pt_ex_scenario_free(sc);
	free(text);
}

/* read -> write -> read gives the same (and the shipped file is the writer's own text) */
static void test_round_trip(void)
{
	size_t n, n1, n2;
	char *text, *out1, *out2;
	struct pt_ex_scenario *sc = read_ref(&text, &n), *again = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	if (!sc) {
		free(text);
		return;
	}
	out1 = written(sc, &n1);
	CHECK(n1 == n && memcmp(out1, text, n) == 0);
	CHECK_INT(pt_ex_scenario_read(out1, n1, "w.json", &again, &d), PT_OK);
	if (again) {
		out2 = written(again, &n2);
		CHECK(n2 == n1 && memcmp(out1, out2, n1) == 0);
		free(out2);
	}
	pt_ex_scenario_free(again);
	pt_ex_scenario_free(sc);
	free(out1);
	free(text);
}

/* MSEL export -> import (into the same scenario, and into none) gives the same injects */
static void test_msel_round_trip(void)
{
	size_t n, nm, n1, n2, nm2;
	char *text, *msel, *out1, *out2, *msel2;
	struct pt_ex_scenario *sc = read_ref(&text, &n), *fresh = pt_ex_scenario_new();
	struct pt_diag d = PT_DIAG_INIT;
	if (!sc) {
		free(text);
		pt_ex_scenario_free(fresh);
		return;
	}
	out1 = written(sc, &n1);
	msel = msel_written(sc, &nm);
	CHECK_INT(pt_ex_msel_read(sc, msel, nm, "m.csv", NULL, 0, NULL, &d), PT_OK);
	out2 = written(sc, &n2);
	CHECK(n1 == n2 && memcmp(out1, out2, n1) == 0);
	free(out2);
	CHECK_INT(pt_ex_msel_read(fresh, msel, nm, "dir/my msel.csv", NULL, 0, NULL, &d), PT_OK);
	CHECK_STR(fresh->id, "my-msel");
	CHECK_INT(fresh->n_injects, sc->n_injects);
	CHECK_INT(fresh->n_roles, 7);
	CHECK_INT(fresh->n_stages, 4);
	CHECK_INT(fresh->duration_min, 360);
	msel2 = msel_written(fresh, &nm2);
	CHECK(nm2 == nm && memcmp(msel, msel2, nm) == 0);
	free(msel2);
	pt_ex_scenario_free(fresh);
	pt_ex_scenario_free(sc);
	free(out1);
	free(msel);
	free(text);
}

/* A small scenario text with one placeholder replaced. */
static const char *small =
	"{\n"
	"  \"id\": \"s\",\n"
	"  \"title\": \"Small\",\n"
	"  \"duration\": \"02:00\",\n"
	"  \"stages\": [{\"id\": \"one\", \"name\": \"One\"}],\n"
	"  \"roles\": [{\"id\": \"a\", \"name\": \"A\"},\n"
	"            {\"id\": \"b\", \"name\": \"B\"}],\n"
	"  \"injects\": [\n"
	"    {\"seq\": 1, \"stage\": \"one\", \"time\": \"00:10\", \"type\": \"event\",\n"
	"     \"to\": [\"a\"], \"description\": \"D\", \"expected_action\": \"E\",\n"
	"     \"deadline\": \"00:20\", \"decision\": \"go\"},\n"
	"    {\"seq\": 2, \"stage\": \"one\", \"time\": \"00:30\", \"type\": \"media\",\n"
	"     \"to\": [\"a\", \"b\"], \"description\": \"D2\", \"contingency_of\": 1}\n"
	"  ],\n"
	"  \"decisions\": [{\"id\": \"go\", \"label\": \"Go\", \"path\": \"response.ambulances\",\n"
	"                 \"apply\": \"timed\", \"kind\": \"number\", \"min\": 0, \"max\": 40,\n"
	"                 \"roles\": [\"a\"]}],\n"
	"  \"baseline\": [{\"time\": \"00:15\", \"decision\": \"go\", \"value\": 12}]\n"
	"}\n";

/* small with the first occurrence of from replaced by to; read; the message shown. */
static const char *error_of(const char *from, const char *to)
{
	static char text[8192];
	const char *p = strstr(small, from);
	struct pt_ex_scenario *sc = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	CHECK(p != NULL);
	if (!p)
		return "";
	snprintf(text, sizeof text, "%.*s%s%s", (int)(p - small), small, to, p + strlen(from));
	if (pt_ex_scenario_read(text, strlen(text), "s.json", &sc, &d) == PT_OK) {
		pt_ex_scenario_free(sc);
		return "(accepted)";
	}
	CHECK(sc == NULL);
	return shown(&d);
}

static void test_errors(void)
{
	struct pt_ex_scenario *sc = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	CHECK_INT(pt_ex_scenario_read(small, strlen(small), "s.json", &sc, &d), PT_OK);
	if (sc) {
		CHECK_INT(sc->n_baseline, 1);
		CHECK_STR(sc->baseline[0].value, "12");
		CHECK_STR(sc->baseline[0].role, "a"); /* the decision's first role */
		CHECK_STR(sc->tlp, "AMBER");
		CHECK_INT(sc->sim_every_min, 15);
		CHECK_INT(sc->sim_replications, 200);
		CHECK(sc->simulation == NULL && sc->pio_role == NULL);
	}
	pt_ex_scenario_free(sc);
	CHECK_STR(error_of("\"title\": \"Small\",", "\"title\": \"Small\", \"colour\": 1,"),
		  "s.json:3: unknown member \"colour\" (known: id, title, description, simulation, "
		  "duration, sim_start, sim_every_min, sim_replications, sim_to, h_hour, undecided, pio_role, site, tlp, stages, "
		  "roles, objectives, injects, decisions, baseline)");
	CHECK_STR(error_of("\"time\": \"00:30\"", "\"time\": \"7:5x\""),
		  "s.json:12: injects.1.time: \"7:5x\" is not a time (H:MM or HH:MM from the start, "
		  "such as 0:45 or 26:30)");
	CHECK_STR(error_of("\"time\": \"00:30\"", "\"time\": \"00:15\""),
		  "s.json:13: injects.1.contingency_of: inject 1's deadline 0:20 is after this "
		  "inject's time 0:15");
	CHECK_STR(error_of("\"to\": [\"a\", \"b\"]", "\"to\": [\"a\", \"c\"]"),
		  "s.json:13: injects.1.to.1: \"c\" is not a role of the scenario");
	CHECK_STR(error_of("\"to\": [\"a\", \"b\"]", "\"to\": []"),
		  "s.json:13: injects.1.to: at least 1 roles needed");
	CHECK_STR(error_of("\"to\": [\"a\", \"b\"]", "\"to\": null"),
		  "s.json:13: injects.1.to: null is not a value (leave the member out for its default)");
	CHECK_STR(error_of("\"seq\": 2", "\"seq\": 1"),
		  "s.json:12: injects.1.seq: sequence 1 is used twice (also injects.0)");
	CHECK_STR(error_of("\"seq\": 2", "\"seq\": \"2\""),
		  "s.json:12: injects.1.seq: a whole number expected");
	CHECK_STR(error_of("\"value\": 12", "\"value\": 41"),
		  "s.json:18: baseline.0.value: out of range for go (from 0 to 40)");
	CHECK_STR(error_of("\"value\": 12", "\"value\": 12, \"role\": \"b\""),
		  "s.json:18: baseline.0.role: role \"b\" may not make go (a may)");
	CHECK_STR(error_of("\"decision\": \"go\"}", "\"decision\": \"stop\"}"),
		  "s.json:11: injects.0.decision: \"stop\" is not a decision of the scenario");
	CHECK_STR(error_of("\"kind\": \"number\"", "\"kind\": \"count\""),
		  "s.json:16: decisions.0.kind: number, bool, choice or none expected");
	CHECK_STR(error_of("\"apply\": \"timed\"", "\"apply\": \"log\""),
		  "s.json:15: decisions.0.path: a decision that is only logged has no path");
	CHECK_STR(error_of("\"stages\": [{\"id\": \"one\", \"name\": \"One\"}]",
			   "\"stages\": [{\"id\": \"one\"}]"),
		  "s.json:5: stages.0.name: missing member");
	CHECK_STR(error_of("\"duration\": \"02:00\"", "\"duration\": \"00:20\""),
		  "s.json:12: injects.1.time: time 0:30 is past the scenario's end 0:20");
	CHECK_STR(error_of("\"description\": \"D\"", "\"description\": \"D\\u0000x\""),
		  "s.json:10: invalid JSON: \\u0000 is not allowed without JSON_ALLOW_NUL near "
		  "'\"D\\u0000x\"'");
	CHECK_STR(error_of("{\n  \"id\"", "[\n  \"id\""), "s.json:2: invalid JSON: ']' expected near ':'");
	CHECK_STR(error_of("\"id\": \"s\"", "\"id\": \"s\", \"id\": \"t\""),
		  "s.json:2: invalid JSON: duplicate object key near '\"id\"'");
}

static void test_json_line(void)
{
	CHECK_INT(pt_ex_json_line(small, strlen(small), "decisions.go.path"), 15);
	CHECK_INT(pt_ex_json_line(small, strlen(small), "injects.1.to.1"), 13);
	CHECK_INT(pt_ex_json_line(small, strlen(small), "roles.1"), 7);
	CHECK_INT(pt_ex_json_line(small, strlen(small), "baseline.0.role"), 18);
	CHECK_INT(pt_ex_json_line("{", 1, "id"), 0);
}

static void test_decisions_file(void)
{
	struct pt_ex_scenario *sc = NULL;
	struct pt_ex_made *m = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	size_t n = 0;
	const char *good = "[\n {\"time\": \"00:40\", \"decision\": \"go\", \"value\": \"20\"},\n"
			   " {\"time\": \"00:05\", \"decision\": \"go\", \"value\": 3, \"role\": \"a\"}\n]\n";
	const char *bad = "[\n {\"time\": \"00:40\", \"decision\": \"go\",\n  \"value\": \"lots\"}\n]\n";
	const char *forbidden = "[\n {\"time\": \"00:40\", \"decision\": \"go\", \"value\": \"2\",\n"
				"  \"role\": \"b\"}\n]\n";
	json_t *j;
	char *dump;
	CHECK_INT(pt_ex_scenario_read(small, strlen(small), "s.json", &sc, &d), PT_OK);
	if (!sc)
		return;
	CHECK_INT(pt_ex_decisions_read(sc, good, strlen(good), "d.json", &m, &n, &d), PT_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_NEAR(m[0].t_min, 5, 0);
		CHECK_STR(m[0].value, "3");
		CHECK_STR(m[1].role, "a");
		j = pt_ex_decisions_to_json(sc, m, n);
		dump = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		CHECK_STR(dump, "[{\"time\":\"00:05\",\"decision\":\"go\",\"value\":\"3\",\"role\":\"a\"},"
				"{\"time\":\"00:40\",\"decision\":\"go\",\"value\":\"20\",\"role\":\"a\"}]");
		free(dump);
		json_decref(j);
	}
	free(m);
	CHECK_INT(pt_ex_decisions_read(sc, bad, strlen(bad), "d.json", &m, &n, &d), PT_EINVAL);
	CHECK_STR(shown(&d), "d.json:3: 0.value: \"lots\" is not a number (from 0 to 40)");
	CHECK(m == NULL && n == 0);
	CHECK_INT(pt_ex_decisions_read(sc, forbidden, strlen(forbidden), "d.json", &m, &n, &d),
		  PT_EINVAL);
	CHECK_STR(shown(&d), "d.json:3: 0.role: role \"b\" may not make go (a may)");
	CHECK_INT(pt_ex_decisions_read(sc, "{}", 2, "d.json", &m, &n, &d), PT_EINVAL);
	CHECK_STR(shown(&d), "d.json:1: a decisions file is one JSON array of {\"time\", "
			     "\"decision\", \"value\", \"role\"}");
	pt_ex_scenario_free(sc);
}

/* A mapping renames and drops columns; roles and stages by name; all or nothing. */
static void test_msel_map(void)
{
	const char *map = "from_column,to_column\nNo.,sequence\nWhen,time\nKind,type\nFor,to\n"
			  "Text,description\nPhase,stage\nRemarks,-\n";
	const char *csv = "No.,When,Kind,For,Text,Phase,Remarks\n"
			  "2,0:30,Social media,A; b,\"Two, with a comma\",Late,x\n"
			  "1,0:10,EVENT,a,One,Early,y\n";
	const char *bad = "No.,When,Kind,For,Text,Phase,Remarks\n1,0:10,event,a,One,Early,\n"
			  "2,1:xx,event,a,Two,Early,\n";
	struct pt_ex_scenario *sc = NULL;
	struct pt_diag d = PT_DIAG_INIT;
	size_t before;
	CHECK_INT(pt_ex_scenario_read(small, strlen(small), "s.json", &sc, &d), PT_OK);
	if (!sc)
		return;
	/* into a scenario: the stages it has; "Late" is none of them */
	CHECK_INT(pt_ex_msel_read(sc, csv, strlen(csv), "p.csv", map, strlen(map), "map.csv", &d),
		  PT_EINVAL);
	CHECK_STR(shown(&d), "p.csv:2: Phase: \"Late\" is not a stage of the scenario (give a "
			     "stage's id or name)");
	CHECK_INT(sc->n_injects, 2); /* unchanged */
	CHECK_INT(sc->injects[0].seq, 1);
	pt_ex_scenario_free(sc);
	sc = pt_ex_scenario_new();
	CHECK_INT(pt_ex_msel_read(sc, csv, strlen(csv), "p.csv", map, strlen(map), "map.csv", &d),
		  PT_OK);
	CHECK_INT(sc->n_injects, 2);
	CHECK_INT(sc->n_stages, 2);
	CHECK_STR(sc->stages[0].id, "late"); /* in the order of first appearance */
	CHECK_INT(sc->n_roles, 2);
	CHECK_STR(sc->roles[0].id, "a");
	CHECK_STR(sc->roles[1].id, "b");
	CHECK_INT(sc->injects[0].seq, 1); /* sorted by time */
	CHECK_STR(sc->injects[0].stage, "early");
	CHECK_INT(sc->injects[1].type, PT_EX_INJECT_SOCIAL_MEDIA);
	CHECK_INT(sc->injects[1].n_to, 2);
	CHECK_STR(sc->injects[1].description, "Two, with a comma");
	before = sc->n_injects;
	CHECK_INT(pt_ex_msel_read(sc, bad, strlen(bad), "p.csv", map, strlen(map), "map.csv", &d),
		  PT_EINVAL);
	CHECK_STR(shown(&d), "p.csv:3: When: \"1:xx\" is not a time (H:MM or HH:MM from the start, "
			     "such as 0:45 or 26:30)");
	CHECK_INT(sc->n_injects, before);
	CHECK_STR(sc->injects[1].description, "Two, with a comma");
	pt_ex_scenario_free(sc);
}

/* review findings 1 and 5: decision_value read and written; every bad row in one pass */
static void test_msel_all_problems(void)
{
	static struct pt_ex_problems probs;
	struct pt_ex_scenario *sc = pt_ex_scenario_new();
	struct pt_diag d = PT_DIAG_INIT;
	const char *bad = "sequence,time,type,to,description,capability,decision,decision_value\n"
			  "1,0:05,call,a,x,,,\n"
			  "2,0:10,event,b,y,screening search and detection,,\n"
			  "3,7:5x,event,a,z,,,\n"
			  ",,,,,,,\n"
			  "4,0:20,event,a,w,Cyber,,\n"
			  ",,,,,,,\n";
	const char *good = "sequence,time,type,to,description,expected_action,decision,decision_value\n"
			   "1,0:05,event,a,x,Lock the doors,lockdown,yes\n"
			   "2,0:10,event,b,y,Lock again,lockdown,\n"
			   ",,,,,,,\n";
	CHECK_INT(pt_ex_msel_read_all(sc, bad, strlen(bad), "m.csv", NULL, 0, NULL, &probs, &d),
		  PT_EINVAL);
	CHECK_INT((long long)probs.n, 3);
	CHECK_INT(probs.list[0].line, 2);
	CHECK_STR(probs.list[0].field, "type");
	CHECK_INT(probs.list[1].line, 4);
	CHECK_STR(probs.list[1].field, "time");
	CHECK_INT(probs.list[2].line, 6);
	CHECK_STR(probs.list[2].field, "capability");
	CHECK_STR(d.file, "m.csv"); /* d: the first */
	CHECK_INT(d.line, 2);
	CHECK_INT((long long)sc->n_injects, 0); /* nothing kept */
	pt_ex_scenario_free(sc);

	sc = pt_ex_scenario_new();
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_ex_msel_read_all(sc, good, strlen(good), "m.csv", NULL, 0, NULL, &probs, &d),
		  PT_OK);
	CHECK_INT((long long)probs.n, 0);
	CHECK_INT((long long)sc->n_injects, 2);
	/* a fresh scenario: the value named becomes a choice of the logged decision */
	CHECK_STR(sc->injects[0].satisfied_value, "yes");
	CHECK(sc->injects[1].satisfied_value == NULL);
	CHECK_INT((long long)sc->n_decisions, 1);
	CHECK_INT(sc->decisions[0].kind, PT_EX_VALUE_CHOICE);
	CHECK_INT((long long)sc->decisions[0].n_choices, 1);
	pt_ex_scenario_free(sc);
}

int main(void)
{
	RUN(test_reference);
	RUN(test_round_trip);
	RUN(test_msel_round_trip);
	RUN(test_errors);
	RUN(test_json_line);
	RUN(test_decisions_file);
	RUN(test_msel_map);
	RUN(test_msel_all_problems);
	return TEST_SUMMARY("exercise_io");
}
