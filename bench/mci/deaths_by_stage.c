/* deaths_by_stage.c - where the critically injured die (docs/methodology.md
 * 18.10): traces every replication of a scenario and counts their deaths by stage, cause, time, NISS.
 *
 * Build and run (after make):
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc -O2 -o build/bench/deaths_by_stage \
 *      bench/mci/deaths_by_stage.c build/libprotect.a -ljansson -lm -pthread
 *   build/bench/deaths_by_stage data/scenarios/multi-site-bombing.json 1000 [KEY=VALUE ...]
 * Seed 1, replications 0 to N-1 (the numbers of `protect simulate`); KEY=VALUE as --set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_mci.h"
#include "formats/pt_scenario_io.h"

#define MAX_BYTES ((size_t)4 << 20)

enum { ST_HOT, ST_SECURE, ST_RTF, ST_TRIAGED, ST_CCP, ST_TRANSPORT, ST_WAIT_RESUS, ST_RESUS, ST_WAIT_OR,
       ST_OTHER, ST_N };
static const char *const stage_names[ST_N] = {
	"in the hot zone, before police secured it", "waiting for triage (site secure)", "with a rescue team",
	"triaged, waiting", "at or after the CCP", "in transport", "waiting for a resuscitation bay",
	"in a resuscitation bay", "waiting for surgery", "other"
};

struct tally {
	const char *last[PT_MCI_MAX_VICTIMS]; /* each victim's last event (static strings) */
	int secure[PT_MCI_MAX_SITES];
	double stage[ST_N][2]; /* [stage][0 lethal injury, 1 bleeding] */
	double by_time[8], by_niss[6];
};

static int stage_of(const struct tally *t, int victim, int site)
{
	const char *l = t->last[victim];
	if (!l)
		return site >= 0 && t->secure[site] ? ST_SECURE : ST_HOT;
	if (!strcmp(l, "rescue"))
		return ST_RTF;
	if (!strcmp(l, "triaged") || !strcmp(l, "retriaged") || !strcmp(l, "worsens"))
		return ST_TRIAGED;
	if (!strcmp(l, "ccp_treatment"))
		return ST_CCP;
	if (!strcmp(l, "loaded"))
		return ST_TRANSPORT;
	if (!strcmp(l, "admitted"))
		return ST_WAIT_RESUS;
	if (!strcmp(l, "resuscitation"))
		return ST_RESUS;
	if (!strcmp(l, "resuscitated"))
		return ST_WAIT_OR;
	return ST_OTHER;
}

static void on_event(void *ctx, const struct pt_mci_trace_event *e)
{
	struct tally *t = ctx;
	static const double tb[7] = { 15, 30, 45, 60, 90, 120, 240 };
	static const int nb[5] = { 20, 25, 30, 40, 50 };
	int i;
	if (!strcmp(e->what, "secure") && e->site >= 0 && e->site < PT_MCI_MAX_SITES) {
		t->secure[e->site] = 1;
		return;
	}
	if (e->victim < 0 || e->victim >= PT_MCI_MAX_VICTIMS)
		return;
	if (strcmp(e->what, "dies") != 0) {
		t->last[e->victim] = e->what;
		return;
	}
	if (e->niss < 16) /* the critically injured only */
		return;
	t->stage[stage_of(t, e->victim, e->site)][e->cause && !strcmp(e->cause, "bleeding")] += 1;
	for (i = 0; i < 7 && e->t_min >= tb[i]; i++)
		;
	t->by_time[i] += 1;
	for (i = 0; i < 5 && e->niss >= nb[i]; i++)
		;
	t->by_niss[i] += 1;
}

int main(int argc, char **argv)
{
	static struct pt_mci_scenario s;
	static struct tally t;
	static const char *const tn[8] = { "<15", "15-30", "30-45", "45-60", "60-90", "90-120", "120-240", ">=240" };
	static const char *const nn[6] = { "16-19", "20-24", "25-29", "30-39", "40-49", "50+" };
	struct pt_mci_rep *r = NULL;
	struct pt_diag d;
	char *buf;
	size_t n;
	long reps, i;
	double crit = 0, crit_deaths = 0, nr;
	FILE *f;
	if (argc < 2) {
		fprintf(stderr, "usage: deaths_by_stage SCENARIO.json [REPLICATIONS [KEY=VALUE ...]]\n");
		return 64;
	}
	reps = argc > 2 ? atol(argv[2]) : 1000;
	f = fopen(argv[1], "rb");
	buf = malloc(MAX_BYTES);
	if (!f || !buf || reps < 1) {
		perror(argv[1]);
		return 66;
	}
	n = fread(buf, 1, MAX_BYTES, f);
	fclose(f);
	memset(&d, 0, sizeof d);
	if (pt_scenario_read(buf, n, argv[1], &s, &d) != PT_OK) {
		fprintf(stderr, "%s: %s\n", d.field, d.msg);
		return 65;
	}
	free(buf);
	for (i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			fprintf(stderr, "%s: KEY=VALUE expected\n", argv[i]);
			return 64;
		}
		*eq = '\0';
		if (pt_mci_set(&s, argv[i], eq + 1, &d) != PT_OK) {
			fprintf(stderr, "%s: %s\n", d.field, d.msg);
			return 65;
		}
	}
	if (pt_mci_check(&s, &d) != PT_OK) {
		fprintf(stderr, "%s: %s\n", d.field, d.msg);
		return 65;
	}
	if (pt_mci_reps_new(&s, 1, &r) != PT_OK)
		return 70;
	for (i = 0; i < reps; i++) {
		memset(t.last, 0, sizeof t.last);
		memset(t.secure, 0, sizeof t.secure);
		if (pt_mci_run(&s, 1, (uint64_t)i, r, on_event, &t) != PT_OK)
			return 70;
		crit += r->critical;
		crit_deaths += r->critical_deaths;
	}
	nr = (double)reps;
	printf("%ld replications, seed 1: %.2f critically injured, %.2f died (%.1f%%), per replication\n", reps,
	       crit / nr, crit_deaths / nr, crit > 0 ? 100 * crit_deaths / crit : 0);
	printf("%-45s %14s %9s\n", "STAGE AT DEATH", "LETHAL INJURY", "BLEEDING");
	for (i = 0; i < ST_N; i++)
		if (t.stage[i][0] + t.stage[i][1] > 0)
			printf("%-45s %14.2f %9.2f\n", stage_names[i], t.stage[i][0] / nr, t.stage[i][1] / nr);
	printf("by time (min):");
	for (i = 0; i < 8; i++)
		printf(" %s %.2f", tn[i], t.by_time[i] / nr);
	printf("\nby NISS:");
	for (i = 0; i < 6; i++)
		printf(" %s %.2f", nn[i], t.by_niss[i] / nr);
	printf("\n");
	pt_mci_reps_free(r);
	return 0;
}
