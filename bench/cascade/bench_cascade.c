/* bench_cascade.c - times one cascade over 1,000,000 sites and 4,000,000
 * dependencies against igraph and networkx, then the SPOF sweep at 1 and 2 threads. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/pt_cascade.h"

static uint64_t rng = 20261205;

static uint64_t next_u64(void)
{
	uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double urand(void)
{
	return (double)(next_u64() >> 11) / 9007199254740992.0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process: on a shared machine the fairer figure. */
static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Layers of sizes sz[0..3]: each site depends on 4 distinct sites: 3 of the
 * layer before and 1 of layer 0 (layers 0 and 1: 4 of layer 0), so the
 * largest providers are in layer 0 (power, telecom). critical: every
 * supply loss 1, no group; else a mix of partial losses and redundant pairs. */
static struct pt_cascade_edge *layered(const size_t *sz, int critical, size_t *n_sites,
				       size_t *n_edges)
{
	size_t n = sz[0] + sz[1] + sz[2] + sz[3], m = 0, base[4], l, i, k;
	struct pt_cascade_edge *e = malloc(n * 4 * sizeof *e);
	if (!e)
		return NULL;
	base[0] = 0;
	for (l = 1; l < 4; l++)
		base[l] = base[l - 1] + sz[l - 1];
	for (l = 0; l < 4; l++) {
		for (i = 0; i < sz[l]; i++) {
			uint32_t c = (uint32_t)(base[l] + i), pick[4];
			int grouped = !critical && urand() < 0.25;
			double gaut = urand() * 48;
			for (k = 0; k < 4; k++) {
				uint32_t p;
				size_t j;
				int dup;
				size_t from = l >= 2 && k < 3 ? base[l - 1] : 0;
				size_t fn = l >= 2 && k < 3 ? sz[l - 1] : sz[0];
				do {
					p = (uint32_t)(from + (size_t)(urand() * (double)fn));
					dup = p == c;
					for (j = 0; j < k; j++)
						dup |= pick[j] == p;
				} while (dup);
				pick[k] = p;
				e[m].provider = p;
				e[m].consumer = c;
				e[m].group = PT_CASCADE_NO_GROUP;
				e[m].autonomy_h = urand() * 48;
				e[m].service_loss = 1;
				if (!critical) {
					if (grouped && k < 2) {
						e[m].group = 1; /* two redundant feeds */
						e[m].autonomy_h = gaut;
					} else if (urand() < 0.5) {
						e[m].service_loss = 0.1 + urand() * 0.4;
					}
				}
				m++;
			}
		}
	}
	*n_sites = n;
	*n_edges = m;
	return e;
}

int main(int argc, char **argv)
{
	size_t big[4] = { 100, 2000, 40000, 957900 }, small[4] = { 200, 2000, 10000, 87800 };
	size_t n, m, i, src = 0, best_deg = 0, compared = 0, mismatched = 0;
	struct pt_cascade_edge *e;
	struct pt_cascade_net *net = NULL;
	struct pt_cascade_work *w = NULL;
	struct pt_cascade_params p;
	struct pt_cascade_result r;
	struct pt_diag d;
	double t0, c0, t_engine = INFINITY, c_engine = INFINITY, t_fresh, t_ig = 0, t_nx = 0, c_ig = 0, c_nx = 0,
	       nx_diff = 0, maxdiff = 0;
	double *failed_at, *dist;
	char edges_path[] = "/tmp/bench_cascade_XXXXXX", dist_path[256], cmd[1024], line[256];
	int fd, run, no_peer = 0, no_spof = 0;
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (run = 1; run < argc; run++) {
		no_peer |= strcmp(argv[run], "--no-peer") == 0;
		no_spof |= strcmp(argv[run], "--no-spof") == 0;
	}
	memset(&d, 0, sizeof d);
	memset(&r, 0, sizeof r);
	e = layered(big, 1, &n, &m);
	if (!e || pt_cascade_net_new(n, e, m, &net, &d)) {
		fprintf(stderr, "bench_cascade: cannot build the network: %s: %s\n", d.field, d.msg);
		return 1;
	}
	for (i = 0; i < n; i++)
		if (pt_cascade_net_consumers(net, (uint32_t)i) > best_deg) {
			best_deg = pt_cascade_net_consumers(net, (uint32_t)i);
			src = i;
		}
	printf("cascade: %zu sites, %zu dependencies (every supply critical, autonomy 0-48 h), "
	       "source %zu with %zu consumers\n", n, m, src, best_deg);
	printf("memory: %.1f bytes per dependency (%zu bytes)\n",
	       (double)pt_cascade_net_bytes(net) / (double)m, pt_cascade_net_bytes(net));
	memset(&p, 0, sizeof p);
	p.threshold = 0.5;
	p.horizon_h = PT_CASCADE_MAX_HORIZON_H;
	p.repair_h = INFINITY;
	p.default_restart_h = 1;
	{
		uint32_t s = (uint32_t)src;
		t0 = now_s();
		if (pt_cascade_run(net, NULL, &p, &s, 1, 0, &r, &d)) {
			fprintf(stderr, "bench_cascade: run: %s\n", d.msg);
			return 1;
		}
		t_fresh = now_s() - t0;
		pt_cascade_result_clear(&r);
		pt_cascade_work_new(net, &w);
		for (run = 0; run < 3; run++) {
			t0 = now_s();
			c0 = cpu_s();
			pt_cascade_run(net, w, &p, &s, 1, 0, &r, &d);
			t0 = now_s() - t0;
			c0 = cpu_s() - c0;
			if (t0 < t_engine)
				t_engine = t0;
			if (c0 < c_engine)
				c_engine = c0;
			if (run < 2)
				pt_cascade_result_clear(&r);
		}
	}
	failed_at = malloc(n * sizeof *failed_at);
	dist = malloc(n * sizeof *dist);
	for (i = 0; i < n; i++)
		failed_at[i] = INFINITY;
	for (i = 0; i < r.n_sites; i++)
		failed_at[r.sites[i].site] = r.sites[i].failed_at_h;
	printf("engine: %.3f s wall, %.3f s CPU (best of 3, scratch memory reused), %.3f s wall with "
	       "scratch memory made in the run; %zu sites failed, %llu events\n",
	       t_engine, c_engine, t_fresh, r.n_sites, (unsigned long long)r.events);
	if (!no_peer) {
		fd = mkstemp(edges_path);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f) {
			perror("bench_cascade: temp file");
			return 1;
		}
		for (i = 0; i < m; i++)
			fprintf(f, "%u %u %.17g\n", e[i].provider, e[i].consumer, e[i].autonomy_h);
		fclose(f);
		snprintf(dist_path, sizeof dist_path, "%s.dist", edges_path);
		snprintf(cmd, sizeof cmd, "/usr/bin/python3 bench/cascade/graph_peer.py %s %zu %zu %s",
			 edges_path, n, src, dist_path);
		f = popen(cmd, "r");
		while (f && fgets(line, sizeof line, f)) {
			if (sscanf(line, "igraph %lf %lf", &t_ig, &c_ig) == 2)
				continue;
			sscanf(line, "networkx %lf %lf %lf", &t_nx, &c_nx, &nx_diff);
		}
		if (!f || pclose(f) != 0) {
			fprintf(stderr, "bench_cascade: the peer failed\n");
			return 1;
		}
		f = fopen(dist_path, "rb");
		if (!f || fread(dist, sizeof *dist, n, f) != n) {
			fprintf(stderr, "bench_cascade: cannot read the peer's distances\n");
			return 1;
		}
		fclose(f);
		unlink(edges_path);
		unlink(dist_path);
		for (i = 0; i < n; i++) {
			if (isinf(dist[i]) || isinf(failed_at[i])) {
				mismatched += isinf(dist[i]) != isinf(failed_at[i]);
				continue;
			}
			compared++;
			if (fabs(dist[i] - failed_at[i]) > maxdiff)
				maxdiff = fabs(dist[i] - failed_at[i]);
		}
		printf("check: %zu sites compared with igraph's distances, largest difference %.3g h, "
		       "%zu reached by one and not the other; networkx vs igraph %.3g h\n",
		       compared, maxdiff, mismatched, nx_diff);
		printf("igraph Graph.distances: %.3f s wall, %.3f s CPU; igraph / engine = %.2fx wall, "
		       "%.2fx CPU\n", t_ig, c_ig, t_ig / t_engine, c_ig / c_engine);
		printf("networkx single_source_dijkstra_path_length: %.3f s wall, %.3f s CPU; "
		       "networkx / engine = %.1fx wall, %.1fx CPU\n",
		       t_nx, c_nx, t_nx / t_engine, c_nx / c_engine);
	}
	pt_cascade_result_clear(&r);
	pt_cascade_work_free(w);
	pt_cascade_net_free(net);
	free(e);
	free(failed_at);
	free(dist);

	/* SPOF over 100,000 sites: partial losses, redundant pairs, repair 72 h. */
	if (!no_spof) {
		struct pt_spof_entry *s1 = NULL, *s2 = NULL;
		size_t n1 = 0, n2 = 0;
		double *pop, t1, t2;
		e = layered(small, 0, &n, &m);
		if (!e || pt_cascade_net_new(n, e, m, &net, &d)) {
			fprintf(stderr, "bench_cascade: spof network: %s: %s\n", d.field, d.msg);
			return 1;
		}
		pop = malloc(n * sizeof *pop);
		for (i = 0; i < n; i++)
			pop[i] = floor(urand() * 5000);
		memset(&p, 0, sizeof p);
		p.threshold = 0.5;
		p.horizon_h = 168;
		p.repair_h = 72;
		p.default_restart_h = 1;
		p.population = pop;
		t0 = now_s();
		if (pt_cascade_spof(net, &p, 1, NULL, NULL, &s1, &n1, &d))
			return 1;
		t1 = now_s() - t0;
		t0 = now_s();
		if (pt_cascade_spof(net, &p, 2, NULL, NULL, &s2, &n2, &d))
			return 1;
		t2 = now_s() - t0;
		printf("spof: %zu sites, %zu dependencies, %zu supplying sites swept "
		       "(horizon 168 h, repair 72 h); top: site %u, %.0f person-hours\n",
		       n, m, n1, s1[0].site, s1[0].person_hours_lost);
		printf("spof: 1 thread %.3f s, 2 threads %.3f s, speed-up %.2fx; results %s\n", t1, t2,
		       t1 / t2,
		       n1 == n2 && memcmp(s1, s2, n1 * sizeof *s1) == 0 ? "identical" : "DIFFERENT");
		free(s1);
		free(s2);
		free(pop);
		free(e);
		pt_cascade_net_free(net);
	}
	return 0;
}
