/* fuzz_exercise_run.c - libFuzzer target of the exercise run engine (issue 15):
 * every exercise the reader accepts is played with its baseline and with the
 * facilitator's operations (advance, trigger, skip, mark done, shift, decide,
 * ENDEX) drawn from the input's bytes; the events must keep the engine's rules. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_exercise.h"
#include "core/pt_rng.h"
#include "formats/pt_exercise_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OPS 64

struct watch {
	const struct pt_ex_run *run;
	double last_t;
	int ended;
	unsigned char *settled; /* per inject: delivered, skipped or cancelled already */
	double last_sim_t;
	size_t last_sim_made;
	int any_sim;
};

static void on_event(void *ctx, const struct pt_ex_event *ev)
{
	struct watch *w = ctx;
	const struct pt_ex_scenario *sc = w->run->sc;
	if (w->ended || ev->t_min < w->last_t || !isfinite(ev->t_min))
		__builtin_trap(); /* nothing after ENDEX; time never goes back */
	w->last_t = ev->t_min;
	switch (ev->kind) {
	case PT_EX_EV_INJECT:
	case PT_EX_EV_SKIP:
	case PT_EX_EV_CANCEL:
		if (ev->inject >= sc->n_injects || w->settled[ev->inject])
			__builtin_trap(); /* an inject settles once */
		w->settled[ev->inject] = 1;
		if (ev->kind == PT_EX_EV_CANCEL) {
			/* only a contingency whose parent's expected action was done */
			int p = pt_ex_inject_find(sc, sc->injects[ev->inject].contingency_of);
			if (!sc->injects[ev->inject].contingency_of || p < 0 ||
			    w->run->inj[p].done_min < 0)
				__builtin_trap();
		}
		break;
	case PT_EX_EV_SIM_DUE:
		if (!sc->simulation)
			__builtin_trap();
		if (w->any_sim && w->last_sim_t == ev->t_min && w->last_sim_made == w->run->n_made)
			__builtin_trap(); /* no rerun twice at one minute with the same decisions */
		w->any_sim = 1;
		w->last_sim_t = ev->t_min;
		w->last_sim_made = w->run->n_made;
		break;
	case PT_EX_EV_ENDEX:
		w->ended = 1;
		break;
	default:
		break;
	}
}

/* The pending injects are never due before the run's current minute. */
static void check_pending(const struct pt_ex_run *run)
{
	size_t i;
	for (i = 0; i < run->sc->n_injects; i++)
		if (run->inj[i].status == PT_EX_PENDING && run->inj[i].due_min < run->now_min - 1e-9)
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_ex_scenario *sc = NULL;
	struct pt_ex_run run;
	struct watch w;
	struct pt_diag d;
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	size_t i, k;

	memset(&d, 0, sizeof d);
	if (pt_ex_scenario_read((const char *)data, size, "fuzz.json", &sc, &d) != PT_OK)
		return 0;
	for (i = 0; i < size; i++)
		h = pt_rng_mix(h ^ data[i]);
	for (k = 0; k < 2; k++) {
		memset(&w, 0, sizeof w);
		if (pt_ex_run_init(&run, sc) != PT_OK)
			break;
		w.run = &run;
		if (!(w.settled = calloc(sc->n_injects + 1, 1))) {
			pt_ex_run_free(&run);
			break;
		}
		if (k == 0) {
			/* the baseline, as the headless run plays it */
			for (i = 0; i < sc->n_baseline && !run.ended; i++) {
				const struct pt_ex_made *m = &sc->baseline[i];
				pt_ex_run_advance(&run, m->t_min, on_event, &w);
				if (!run.ended && pt_ex_run_decide(&run, m->decision, m->role, m->value,
								  on_event, &w, &d) != PT_OK)
					__builtin_trap(); /* the check accepted it */
			}
		} else {
			/* the facilitator's operations, drawn from the input */
			for (i = 0; i < MAX_OPS && !run.ended; i++) {
				size_t n = sc->n_injects ? sc->n_injects : 1;
				h = pt_rng_mix(h + i);
				switch (h % 8) {
				case 0:
				case 1:
					pt_ex_run_advance(&run, run.now_min + (double)((h >> 8) % 90), on_event,
							  &w);
					break;
				case 2:
					pt_ex_run_trigger(&run, (h >> 8) % n, on_event, &w, &d);
					break;
				case 3:
					pt_ex_run_skip(&run, (h >> 8) % n, on_event, &w, &d);
					break;
				case 4:
					pt_ex_run_mark_done(&run, (h >> 8) % n, on_event, &w, &d);
					break;
				case 5:
					pt_ex_run_shift(&run, (double)((h >> 8) % 121) - 60, on_event, &w, &d);
					break;
				case 6:
					if (sc->n_decisions) {
						const struct pt_ex_decision *dc =
							&sc->decisions[(h >> 8) % sc->n_decisions];
						const char *v = dc->kind == PT_EX_VALUE_BOOL ? "true"
								: dc->kind == PT_EX_VALUE_CHOICE ? dc->choices[0]
								: dc->kind == PT_EX_VALUE_NUMBER ? "0" : "";
						pt_ex_run_decide(&run, (size_t)((h >> 8) % sc->n_decisions),
								 dc->roles[0], v, on_event, &w, &d);
					}
					break;
				default:
					if ((h >> 8) % 16 == 0)
						pt_ex_run_endex(&run, on_event, &w, &d);
					break;
				}
				check_pending(&run);
			}
		}
		pt_ex_run_advance(&run, 1e9, on_event, &w);
		if (!run.ended || !w.ended)
			__builtin_trap(); /* ENDEX at the end */
		/* every inject settled has an event; the rest are pending */
		for (i = 0; i < sc->n_injects; i++)
			if ((run.inj[i].status != PT_EX_PENDING) != w.settled[i])
				__builtin_trap();
		free(w.settled);
		pt_ex_run_free(&run);
	}
	pt_ex_scenario_free(sc);
	return 0;
}
