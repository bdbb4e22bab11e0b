/* bench_mci.c - the mass-casualty engine's speed: replications of the
 * benchmark scenario on threads, events per second per core, mean deaths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/pt_mci.h"

static double seconds(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Apply the KEY=VALUE lines of path (# comments) through pt_mci_set. */
static int load(struct pt_mci_scenario *s, const char *path)
{
	char line[512];
	long n = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		char *eq, *end = line + strcspn(line, "\r\n");
		struct pt_diag d;
		n++;
		*end = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			fprintf(stderr, "%s:%ld: KEY=VALUE expected\n", path, n);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		memset(&d, 0, sizeof d);
		if (pt_mci_set(s, line, eq + 1, &d) != PT_OK) {
			fprintf(stderr, "%s:%ld: %s: %s\n", path, n, d.field, d.msg);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	static struct pt_mci_scenario s;
	struct pt_mci_rep *reps = NULL;
	struct pt_mci_stat st;
	struct pt_diag d;
	const char *path = argc > 1 ? argv[1] : "bench/mci/scenario.txt";
	size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000, i;
	unsigned threads = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 2;
	double w0, c0, wall, cpu, events = 0;
	pt_mci_defaults(&s);
	if (load(&s, path) != 0)
		return 65;
	memset(&d, 0, sizeof d);
	if (pt_mci_check(&s, &d) != PT_OK) {
		fprintf(stderr, "%s: %s: %s\n", path, d.field, d.msg);
		return 65;
	}
	if (pt_mci_reps_new(&s, n, &reps) != PT_OK)
		return 70;
	/* a short warm-up (page faults, caches) that is not timed */
	if (pt_mci_run_many(&s, 1, n, n < 20 ? n : 20, threads, reps, NULL, NULL) != PT_OK)
		return 70;
	w0 = seconds(CLOCK_MONOTONIC);
	c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	if (pt_mci_run_many(&s, 1, 0, n, threads, reps, NULL, NULL) != PT_OK)
		return 70;
	wall = seconds(CLOCK_MONOTONIC) - w0;
	cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
	for (i = 0; i < n; i++)
		events += (double)reps[i].events;
	pt_mci_summarise(reps, n, 0, &st);
	printf("engine: %zu replications of %u victims on %u threads: %.3f s wall, %.3f s CPU\n", n,
	       s.attack.victims, threads, wall, cpu);
	printf("engine: %.0f events (%.0f per replication): %.2f M events/s per core (CPU time), "
	       "%.2f M events/s per thread (wall)\n",
	       events, events / (double)n, events / cpu / 1e6, events / (wall * threads) / 1e6);
	printf("engine: mean deaths %.3f [%.3f, %.3f] (95%% t interval)\n", st.mean, st.lo, st.hi);
	/* for bench/mci/run */
	printf("RESULT engine %.6f %.6f %.6f %.9f %.9f\n", st.mean, st.lo, st.hi, cpu / (double)n,
	       wall / (double)n);
	pt_mci_reps_free(reps);
	return 0;
}
