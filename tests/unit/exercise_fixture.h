/* exercise_fixture.h - the small exercise scenario the run engine's and the
 * headless run's unit tests share (issue 15): two roles, three decisions (an
 * at_time, a timed and a log one), six injects with two contingencies. */
#ifndef EXERCISE_FIXTURE_H
#define EXERCISE_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_exercise.h"
#include "core/pt_mci.h"

static struct pt_diag diag;

static char *dup(struct pt_ex_scenario *sc, const char *s)
{
	return pt_ex_strdup(sc, s, strlen(s));
}

static char **list(struct pt_ex_scenario *sc, const char *a, const char *b, size_t *n)
{
	char **l = pt_ex_alloc(sc, 2 * sizeof *l);
	l[0] = dup(sc, a);
	*n = 1;
	if (b) {
		l[1] = dup(sc, b);
		*n = 2;
	}
	return l;
}

static void inject(struct pt_ex_scenario *sc, uint32_t seq, int32_t t, const char *expected,
		   const char *satisfied_by, int32_t deadline, uint32_t contingency_of)
{
	struct pt_ex_inject *in = &sc->injects[sc->n_injects++];
	in->seq = seq;
	in->stage = dup(sc, "attack");
	in->t_min = t;
	in->type = PT_EX_INJECT_INFORMATION;
	in->delivery = dup(sc, "radio");
	in->from = dup(sc, "SimCell");
	in->to = list(sc, "police", NULL, &in->n_to);
	in->description = dup(sc, "something happens");
	in->expected_action = dup(sc, expected ? expected : "");
	in->capability = -1;
	in->deadline_min = deadline;
	in->contingency_of = contingency_of;
	in->satisfied_by = satisfied_by ? dup(sc, satisfied_by) : NULL;
}

/*
 * The test scenario: two hours, the attack at 00:10, reruns every 15 minutes.
 * Injects, in (time, seq) order: #1 at 0 expects the scene declared safe by
 * 00:20; #2 at 5; #3 at 30 its contingency; #4 at 30; #5 at 60 expects
 * ambulances; #6 at 70 its contingency.
 */
static struct pt_ex_scenario *scenario(int with_sim)
{
	struct pt_ex_scenario *sc = pt_ex_scenario_new();
	struct pt_ex_decision *dc;
	sc->id = dup(sc, "test");
	sc->title = dup(sc, "Test");
	sc->description = dup(sc, "");
	sc->simulation = with_sim ? dup(sc, "sim.json") : NULL;
	sc->duration_min = 120;
	sc->sim_start_min = 10;
	sc->sim_every_min = 15;
	sc->sim_replications = 10;
	sc->roles = pt_ex_alloc(sc, 2 * sizeof *sc->roles);
	sc->roles[0].id = dup(sc, "police");
	sc->roles[0].name = dup(sc, "Police commander");
	sc->roles[1].id = dup(sc, "ems");
	sc->roles[1].name = dup(sc, "EMS commander");
	sc->roles[0].organisation = sc->roles[1].organisation = dup(sc, "");
	sc->roles[0].description = sc->roles[1].description = dup(sc, "");
	sc->n_roles = 2;
	sc->stages = pt_ex_alloc(sc, sizeof *sc->stages);
	sc->stages[0].id = dup(sc, "attack");
	sc->stages[0].name = dup(sc, "Attack");
	sc->stages[0].description = dup(sc, "");
	sc->n_stages = 1;
	sc->decisions = pt_ex_alloc(sc, 3 * sizeof *sc->decisions);
	dc = &sc->decisions[0];
	dc->id = dup(sc, "scene_safe");
	dc->label = dup(sc, "Scene declared safe");
	dc->path = dup(sc, "attack.sites.0.secure_min");
	dc->apply = PT_EX_APPLY_AT_TIME;
	dc->kind = PT_EX_VALUE_NONE;
	dc->roles = list(sc, "police", NULL, &dc->n_roles);
	dc = &sc->decisions[1];
	dc->id = dup(sc, "ambulances");
	dc->label = dup(sc, "Ambulances dispatched");
	dc->path = dup(sc, "response.ambulances");
	dc->apply = PT_EX_APPLY_TIMED;
	dc->kind = PT_EX_VALUE_NUMBER;
	dc->min = 0;
	dc->max = 100;
	dc->roles = list(sc, "ems", NULL, &dc->n_roles);
	dc = &sc->decisions[2];
	dc->id = dup(sc, "note");
	dc->label = dup(sc, "Log entry");
	dc->path = NULL;
	dc->apply = PT_EX_APPLY_LOG;
	dc->kind = PT_EX_VALUE_NONE;
	dc->roles = list(sc, "police", "ems", &dc->n_roles);
	sc->n_decisions = 3;
	sc->injects = pt_ex_alloc(sc, 8 * sizeof *sc->injects);
	inject(sc, 1, 0, "declare the scene safe", "scene_safe", 20, 0);
	inject(sc, 2, 5, NULL, NULL, -1, 0);
	inject(sc, 3, 30, "declare the scene safe now", NULL, -1, 1);
	inject(sc, 4, 30, NULL, NULL, -1, 0);
	inject(sc, 5, 60, "dispatch ambulances", "ambulances", -1, 0);
	inject(sc, 6, 70, NULL, NULL, -1, 5);
	return sc;
}

#endif
