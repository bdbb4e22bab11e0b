/* test_cascade.c - unit tests of the cascade engine: hand-computed networks,
 * random networks against a naive reference, Dijkstra, SPOF threads, bad input. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_cascade.h"
#include "pt_test.h"

#define NG PT_CASCADE_NO_GROUP

static struct pt_cascade_edge E(uint32_t p, uint32_t c, double aut, double loss, uint32_t g)
{
	struct pt_cascade_edge e;
	e.provider = p;
	e.consumer = c;
	e.group = g;
	e.autonomy_h = aut;
	e.service_loss = loss;
	return e;
}

static struct pt_cascade_params P(double horizon, double repair, const double *pop)
{
	struct pt_cascade_params p;
	memset(&p, 0, sizeof p);
	p.threshold = 0.5;
	p.horizon_h = horizon;
	p.repair_h = repair;
	p.default_restart_h = 1;
	p.population = pop;
	return p;
}

static struct pt_cascade_net *NET(size_t n, const struct pt_cascade_edge *e, size_t m)
{
	struct pt_cascade_net *net = NULL;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_cascade_net_new(n, e, m, &net, &d), PT_OK);
	return net;
}

static const struct pt_cascade_site *find(const struct pt_cascade_result *r, uint32_t site)
{
	size_t i;
	for (i = 0; i < r->n_sites; i++)
		if (r->sites[i].site == site)
			return &r->sites[i];
	return NULL;
}

/* Chain 0 -> 1 (autonomy 2) -> 2 (autonomy 3), all critical, 0 failed for the
 * whole horizon of 10 h: 1 fails at 2, 2 at 2 + 3 = 5. Person-hours with
 * populations 100, 200, 300: 100 x 10 + 200 x 8 + 300 x 5 = 4100, of which
 * downstream 1600 + 1500 = 3100. Never restored: recovery NaN. */
static void test_chain(void)
{
	struct pt_cascade_edge e[] = { E(0, 1, 2, 1, NG), E(1, 2, 3, 1, NG) };
	double pop[] = { 100, 200, 300 };
	struct pt_cascade_net *net = NET(3, e, 2);
	struct pt_cascade_params p = P(10, 1e9, pop);
	struct pt_cascade_result r;
	uint32_t f = 0;
	memset(&r, 0, sizeof r);
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 1, &r, NULL), PT_OK);
	CHECK_INT(r.n_sites, 3);
	CHECK_INT(r.sites[0].site, 0);
	CHECK_INT(r.sites[1].site, 1);
	CHECK_INT(r.sites[2].site, 2);
	CHECK_NEAR(r.sites[0].failed_at_h, 0, 0);
	CHECK_NEAR(r.sites[1].failed_at_h, 2, 0);
	CHECK_NEAR(r.sites[2].failed_at_h, 5, 0);
	CHECK(isnan(r.sites[2].restored_at_h));
	CHECK_NEAR(r.sites[1].person_hours_lost, 1600, 1e-9);
	CHECK_NEAR(r.person_hours_lost, 4100, 1e-9);
	CHECK_NEAR(r.downstream_person_hours, 3100, 1e-9);
	CHECK(isnan(r.recovery_h));
	CHECK_INT(r.n_steps, 3);
	CHECK_NEAR(r.steps[2].t_h, 5, 0);
	CHECK_INT(r.steps[2].site, 2);
	CHECK_NEAR(r.steps[2].service, 0, 0);
	CHECK_INT(pt_cascade_net_consumers(net, 0), 1);
	CHECK_INT(pt_cascade_net_consumers(net, 2), 0);
	CHECK_INT(pt_cascade_net_consumers(net, 7), 0);
	CHECK_INT(pt_cascade_net_sites(net), 3);
	pt_cascade_result_clear(&r);
	/* Horizon 4: site 2 would fail at 5, past it: not affected. */
	p.horizon_h = 4;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, NULL), PT_OK);
	CHECK_INT(r.n_sites, 2);
	CHECK(r.steps == NULL);
	/* 100 x 4 + 200 x 2 */
	CHECK_NEAR(r.person_hours_lost, 800, 1e-9);
	pt_cascade_result_clear(&r);
	/* Horizon 5: the failure at exactly 5 counts, with 0 person-hours. */
	p.horizon_h = 5;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, NULL), PT_OK);
	CHECK_INT(r.n_sites, 3);
	CHECK_NEAR(find(&r, 2)->failed_at_h, 5, 0);
	CHECK_NEAR(find(&r, 2)->person_hours_lost, 0, 0);
	pt_cascade_result_clear(&r);
	pt_cascade_net_free(net);
}

/* Diamond: 0 -> 1 (1 h), 0 -> 2 (4 h), 1 -> 3 (1 h), 2 -> 3 (0.5 h): 3 loses
 * its supply from 1 first, at 1 + 1 = 2 (not 4 + 0.5). */
static void test_diamond(void)
{
	struct pt_cascade_edge e[] = { E(0, 1, 1, 1, NG), E(0, 2, 4, 1, NG), E(1, 3, 1, 1, NG),
				       E(2, 3, 0.5, 1, NG) };
	struct pt_cascade_net *net = NET(4, e, 4);
	struct pt_cascade_params p = P(100, 100, NULL);
	struct pt_cascade_result r;
	uint32_t f = 0;
	memset(&r, 0, sizeof r);
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, NULL), PT_OK);
	CHECK_INT(r.n_sites, 4);
	CHECK_NEAR(find(&r, 3)->failed_at_h, 2, 0);
	CHECK_NEAR(find(&r, 2)->failed_at_h, 4, 0);
	CHECK_INT(r.sites[3].site, 2); /* first drops: 0 at 0, 1 at 1, 3 at 2, 2 at 4 */
	CHECK_NEAR(r.person_hours_lost, 0, 0);
	pt_cascade_result_clear(&r);
	pt_cascade_net_free(net);
}

/* Partial losses: 0 -> 2 (loss 0.3, 1 h), 1 -> 2 (loss 0.3, 3 h), 2 -> 3
 * (critical, 0 h); threshold 0.5; populations 0, 0, 10, 5; horizon 10.
 * 0 alone: 2 is degraded to 0.7 from 1 h and still supplies 3 in full:
 * 10 x 0.3 x 9 = 27 person-hours, 3 untouched. 0 and 1: 2 at 0.7 from 1,
 * 0.7 x 0.7 = 0.49 < 0.5 at 3: fails, and 3 with it (autonomy 0):
 * 2: 10 x 0.3 x 2 + 10 x 7 = 76; 3: 5 x 7 = 35. */
static void test_partial(void)
{
	struct pt_cascade_edge e[] = { E(0, 2, 1, 0.3, NG), E(1, 2, 3, 0.3, NG), E(2, 3, 0, 1, NG) };
	double pop[] = { 0, 0, 10, 5 };
	struct pt_cascade_net *net = NET(4, e, 3);
	struct pt_cascade_params p = P(10, 10, pop);
	struct pt_cascade_result r;
	uint32_t f[] = { 0, 1, 0 };
	memset(&r, 0, sizeof r);
	CHECK_INT(pt_cascade_run(net, NULL, &p, f, 1, 1, &r, NULL), PT_OK);
	CHECK_INT(r.n_sites, 2);
	CHECK(isnan(find(&r, 2)->failed_at_h));
	CHECK_NEAR(find(&r, 2)->min_service, 0.7, 1e-12);
	CHECK_NEAR(find(&r, 2)->person_hours_lost, 27, 1e-9);
	CHECK(find(&r, 3) == NULL);
	CHECK_INT(r.n_steps, 2);
	CHECK_NEAR(r.steps[1].service, 0.7, 1e-12);
	pt_cascade_result_clear(&r);
	/* duplicates in failed are ignored */
	CHECK_INT(pt_cascade_run(net, NULL, &p, f, 3, 0, &r, NULL), PT_OK);
	CHECK_NEAR(find(&r, 2)->failed_at_h, 3, 0);
	CHECK_NEAR(find(&r, 3)->failed_at_h, 3, 0);
	CHECK_NEAR(find(&r, 2)->person_hours_lost, 76, 1e-9);
	CHECK_NEAR(find(&r, 3)->person_hours_lost, 35, 1e-9);
	CHECK_NEAR(r.person_hours_lost, 111, 1e-9);
	pt_cascade_result_clear(&r);
	pt_cascade_net_free(net);
}

/* Redundant group: 0 and 1 feed 2 as one group (5 h, critical); 3 -> 1 (2 h).
 * 0 down: 2 keeps its supply from 1, unaffected. 0 and 1 down: 2 fails at 5.
 * 0 and 3 down: 1 fails at 2, the group is missing from 2, 2 fails at 7. */
static void test_group(void)
{
	struct pt_cascade_edge e[] = { E(0, 2, 5, 1, 7), E(1, 2, 5, 1, 7), E(3, 1, 2, 1, NG) };
	struct pt_cascade_net *net = NET(4, e, 3);
	struct pt_cascade_params p = P(100, 100, NULL);
	struct pt_cascade_result r;
	uint32_t f[] = { 0, 1 }, g[] = { 0, 3 };
	memset(&r, 0, sizeof r);
	CHECK_INT(pt_cascade_run(net, NULL, &p, f, 1, 0, &r, NULL), PT_OK);
	CHECK_INT(r.n_sites, 1);
	pt_cascade_result_clear(&r);
	CHECK_INT(pt_cascade_run(net, NULL, &p, f, 2, 0, &r, NULL), PT_OK);
	CHECK_NEAR(find(&r, 2)->failed_at_h, 5, 0);
	pt_cascade_result_clear(&r);
	CHECK_INT(pt_cascade_run(net, NULL, &p, g, 2, 0, &r, NULL), PT_OK);
	CHECK_NEAR(find(&r, 1)->failed_at_h, 2, 0);
	CHECK_NEAR(find(&r, 2)->failed_at_h, 7, 0);
	pt_cascade_result_clear(&r);
	pt_cascade_net_free(net);
}

/* Restoration: 0 -> 1 (2 h, critical), repair 5, restart 1, horizon 20,
 * populations 10 and 20. 0 down 0-6 (repaired at 5, restarts 1 h later);
 * 1 fails at 2, its supply is back at 6, it restarts at 7. Person-hours
 * 10 x 6 + 20 x 5 = 160; recovery 7. */
static void test_restore(void)
{
	struct pt_cascade_edge e[] = { E(0, 1, 2, 1, NG) };
	double pop[] = { 10, 20 };
	struct pt_cascade_net *net = NET(2, e, 1);
	struct pt_cascade_params p = P(20, 5, pop);
	struct pt_cascade_result r;
	uint32_t f = 0;
	memset(&r, 0, sizeof r);
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 1, &r, NULL), PT_OK);
	CHECK_NEAR(find(&r, 0)->restored_at_h, 6, 0);
	CHECK_NEAR(find(&r, 1)->failed_at_h, 2, 0);
	CHECK_NEAR(find(&r, 1)->restored_at_h, 7, 0);
	CHECK_NEAR(r.person_hours_lost, 160, 1e-9);
	CHECK_NEAR(r.downstream_person_hours, 100, 1e-9);
	CHECK_NEAR(r.recovery_h, 7, 0);
	CHECK_INT(r.n_steps, 4);
	CHECK_NEAR(r.steps[2].t_h, 6, 0);
	CHECK_INT(r.steps[2].site, 0);
	CHECK_NEAR(r.steps[2].service, 1, 0);
	CHECK_NEAR(r.steps[3].t_h, 7, 0);
	pt_cascade_result_clear(&r);
	/* Restart times per site: 0 takes 3 h, 1 takes 0.5 h: 0 back at 8, 1 at 8.5. */
	{
		double rs[] = { 3, 0.5 };
		p.restart_h = rs;
		CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, NULL), PT_OK);
		CHECK_NEAR(find(&r, 0)->restored_at_h, 8, 0);
		CHECK_NEAR(find(&r, 1)->restored_at_h, 8.5, 0);
		CHECK_NEAR(r.recovery_h, 8.5, 0);
		pt_cascade_result_clear(&r);
	}
	/* Repair 1: 0 back at 2, exactly when 1's autonomy ends: the supply returns
	 * first, so 1 never drops. */
	p.restart_h = NULL;
	p.repair_h = 1;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, NULL), PT_OK);
	CHECK_INT(r.n_sites, 1);
	CHECK_NEAR(r.recovery_h, 2, 0);
	pt_cascade_result_clear(&r);
	pt_cascade_net_free(net);
}

/* Black start: 0 -> 1 (1 h), 1 -> 2 (1 h), 2 -> 1 (2.5 h), all critical,
 * repair 4, restart 1, horizon 50. 1 fails at 1, 2 at 2; 1's supply from 2
 * is past its autonomy from 4.5. 0 restarts at 5; 1 and 2 each still miss
 * the other: held down only by each other, they restart together at 6. */
static void test_black_start(void)
{
	struct pt_cascade_edge e[] = { E(0, 1, 1, 1, NG), E(1, 2, 1, 1, NG), E(2, 1, 2.5, 1, NG) };
	struct pt_cascade_net *net = NET(3, e, 3);
	struct pt_cascade_params p = P(50, 4, NULL);
	struct pt_cascade_result r;
	uint32_t f = 0;
	memset(&r, 0, sizeof r);
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, NULL), PT_OK);
	CHECK_NEAR(find(&r, 1)->failed_at_h, 1, 0);
	CHECK_NEAR(find(&r, 2)->failed_at_h, 2, 0);
	CHECK_NEAR(find(&r, 0)->restored_at_h, 5, 0);
	CHECK_NEAR(find(&r, 1)->restored_at_h, 6, 0);
	CHECK_NEAR(find(&r, 2)->restored_at_h, 6, 0);
	CHECK_NEAR(r.recovery_h, 6, 0);
	pt_cascade_result_clear(&r);
	/* The longest restart among them: 2 takes 3 h, so both at 5 + 3 = 8. */
	{
		double rs[] = { 1, 1, 3 };
		p.restart_h = rs;
		CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, NULL), PT_OK);
		CHECK_NEAR(find(&r, 1)->restored_at_h, 8, 0);
		CHECK_NEAR(find(&r, 2)->restored_at_h, 8, 0);
		pt_cascade_result_clear(&r);
	}
	/* Both cycle members failed at 0 and repaired at 4: black start at 5. */
	{
		uint32_t g[] = { 1, 2 };
		p.restart_h = NULL;
		CHECK_INT(pt_cascade_run(net, NULL, &p, g, 2, 0, &r, NULL), PT_OK);
		CHECK_NEAR(find(&r, 1)->restored_at_h, 5, 0);
		CHECK_NEAR(find(&r, 2)->restored_at_h, 5, 0);
		CHECK(find(&r, 0) == NULL);
		pt_cascade_result_clear(&r);
	}
	pt_cascade_net_free(net);
}

/* ---- bad input ---- */

static void test_bad_edges(void)
{
	struct pt_cascade_net *net = NULL;
	struct pt_diag d;
	struct pt_cascade_edge e[3];
	memset(&d, 0, sizeof d);
	e[0] = E(0, 1, 1, 1, NG);
	e[1] = E(0, 5, 1, 1, NG);
	CHECK_INT(pt_cascade_net_new(3, e, 2, &net, &d), PT_EINVAL);
	CHECK_STR(d.field, "edge 1");
	CHECK(net == NULL);
	e[1] = E(2, 2, 1, 1, NG);
	CHECK_INT(pt_cascade_net_new(3, e, 2, &net, &d), PT_EINVAL);
	CHECK_STR(d.field, "edge 1");
	e[1] = E(1, 2, -1, 1, NG);
	CHECK_INT(pt_cascade_net_new(3, e, 2, &net, &d), PT_EINVAL);
	e[1] = E(1, 2, NAN, 1, NG);
	CHECK_INT(pt_cascade_net_new(3, e, 2, &net, &d), PT_EINVAL);
	e[1] = E(1, 2, 1, 1.5, NG);
	CHECK_INT(pt_cascade_net_new(3, e, 2, &net, &d), PT_EINVAL);
	e[1] = E(2, 1, 1, 1, NG);
	e[2] = E(0, 1, 3, 1, NG);
	CHECK_INT(pt_cascade_net_new(3, e, 3, &net, &d), PT_EINVAL);
	CHECK_STR(d.field, "edge 2");
	e[0] = E(0, 2, 1, 1, 4);
	e[1] = E(1, 2, 2, 1, 4);
	CHECK_INT(pt_cascade_net_new(3, e, 2, &net, &d), PT_EINVAL);
	CHECK_STR(d.field, "edge 1");
	CHECK(net == NULL);
	/* same group number at two consumers: unrelated */
	e[1] = E(1, 0, 2, 1, 4);
	CHECK_INT(pt_cascade_net_new(3, e, 2, &net, &d), PT_OK);
	pt_cascade_net_free(net);
	CHECK_INT(pt_cascade_net_new(0, NULL, 0, &net, &d), PT_OK);
	pt_cascade_net_free(net);
	pt_cascade_net_free(NULL);
}

static void test_bad_params(void)
{
	struct pt_cascade_edge e[] = { E(0, 1, 1, 1, NG) };
	struct pt_cascade_net *net = NET(2, e, 1);
	struct pt_cascade_params p = P(10, 10, NULL);
	struct pt_cascade_result r;
	struct pt_diag d;
	struct pt_spof_entry *s = NULL;
	size_t ns = 0;
	double bad[] = { 1, NAN };
	uint32_t f = 0, far = 2;
	memset(&r, 0, sizeof r);
	memset(&d, 0, sizeof d);
	p.threshold = 0;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "threshold");
	p.threshold = 1.5;
	CHECK_INT(pt_cascade_spof(net, &p, 1, NULL, NULL, &s, &ns, &d), PT_EINVAL);
	CHECK_STR(d.field, "threshold");
	p.threshold = 0.5;
	p.horizon_h = 0;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "horizon_h");
	p.horizon_h = 2e6;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, &d), PT_EINVAL);
	p.horizon_h = 10;
	p.repair_h = -1;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "repair_h");
	p.repair_h = NAN;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, &d), PT_EINVAL);
	p.repair_h = INFINITY; /* the whole horizon */
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, &d), PT_OK);
	pt_cascade_result_clear(&r);
	p.default_restart_h = -1;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "default_restart_h");
	p.default_restart_h = 1;
	p.restart_h = bad;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "restart_h");
	p.restart_h = NULL;
	bad[1] = -3;
	p.population = bad;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &f, 1, 0, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "population");
	p.population = NULL;
	CHECK_INT(pt_cascade_run(net, NULL, &p, &far, 1, 0, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "failed");
	CHECK(r.sites == NULL);
	pt_cascade_net_free(net);
}

/* ---- random networks against a naive reference ---- */

static uint64_t rng_state;
static double urand(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

#define RMAX 40

struct ref_sup {
	uint32_t consumer, group, np;
	uint32_t prov[RMAX];
	double aut, loss, since;
	int missing;
};

struct ref {
	size_t n, ns;
	struct ref_sup sup[RMAX * RMAX];
	const struct pt_cascade_params *p;
	int down[RMAX], held[RMAX], pend_bs[RMAX], in_s[RMAX], initial[RMAX];
	double restart_at[RMAX];
	/* results */
	double eff[RMAX], first_drop[RMAX], failed_at[RMAX], restore[RMAX], minsv[RMAX], ph[RMAX];
	int dropped[RMAX];
};

static struct ref R;
static double bs_at[RMAX];
static int bs_member[RMAX][RMAX];
static int n_bs;

static void ref_supplies(double t)
{
	size_t s, j;
	for (s = 0; s < R.ns; s++) {
		int m = 1;
		for (j = 0; j < R.sup[s].np; j++)
			if (!R.down[R.sup[s].prov[j]])
				m = 0;
		if (m && !R.sup[s].missing)
			R.sup[s].since = t;
		R.sup[s].missing = m;
	}
}

static double ref_svc(uint32_t c, double t, int rescue)
{
	double v = 1;
	size_t s, j;
	for (s = 0; s < R.ns; s++) {
		const struct ref_sup *u = &R.sup[s];
		int hit = 0;
		if (u->consumer != c || !u->missing || u->since + u->aut > t)
			continue;
		for (j = 0; rescue && j < u->np; j++)
			if (R.in_s[u->prov[j]])
				hit = 1;
		if (!hit)
			v *= 1 - u->loss;
	}
	return v;
}

static double ref_restart(uint32_t c)
{
	return R.p->restart_h ? R.p->restart_h[c] : R.p->default_restart_h;
}

static void ref_record(double t)
{
	size_t c;
	for (c = 0; c < R.n; c++) {
		double v = R.down[c] ? 0 : ref_svc((uint32_t)c, t, 0);
		if (v == R.eff[c])
			continue;
		if (!R.dropped[c] && v < 1) {
			R.dropped[c] = 1;
			R.first_drop[c] = t;
		}
		if (v < R.minsv[c])
			R.minsv[c] = v;
		R.restore[c] = v >= 1 ? t : NAN;
		R.eff[c] = v;
	}
}

static void ref_run(size_t n, const struct pt_cascade_edge *e, size_t m,
		    const struct pt_cascade_params *p, const uint32_t *failed, size_t nf)
{
	size_t i, s, c;
	double t = 0;
	memset(&R, 0, sizeof R);
	R.n = n;
	R.p = p;
	n_bs = 0;
	for (i = 0; i < m; i++) {
		for (s = 0; s < R.ns; s++)
			if (e[i].group != NG && R.sup[s].consumer == e[i].consumer &&
			    R.sup[s].group == e[i].group)
				break;
		if (s == R.ns) {
			R.ns++;
			R.sup[s].consumer = e[i].consumer;
			R.sup[s].group = e[i].group;
			R.sup[s].aut = e[i].autonomy_h;
			R.sup[s].loss = e[i].service_loss;
		}
		R.sup[s].prov[R.sup[s].np++] = e[i].provider;
	}
	for (c = 0; c < n; c++) {
		R.eff[c] = 1;
		R.minsv[c] = 1;
		R.failed_at[c] = NAN;
		R.restore[c] = NAN;
		R.restart_at[c] = INFINITY;
	}
	for (i = 0; i < nf; i++) {
		R.down[failed[i]] = R.held[failed[i]] = R.initial[failed[i]] = 1;
		R.failed_at[failed[i]] = 0;
	}
	ref_supplies(0);
	for (;;) {
		int changed;
		/* every site settles at t */
		do {
			changed = 0;
			for (c = 0; c < n; c++) {
				double v = ref_svc((uint32_t)c, t, 0);
				if (!R.down[c] && v < p->threshold) {
					R.down[c] = 1;
					if (isnan(R.failed_at[c]))
						R.failed_at[c] = t;
					ref_supplies(t);
					changed = 1;
				} else if (R.down[c] && !R.held[c] && !R.pend_bs[c]) {
					if (isfinite(R.restart_at[c]) && v < p->threshold)
						R.restart_at[c] = INFINITY;
					else if (!isfinite(R.restart_at[c]) && v >= p->threshold)
						R.restart_at[c] = t + ref_restart((uint32_t)c);
				}
			}
		} while (changed);
		/* black start at every time */
		{
			int any = 0, removed;
			double longest = 0;
			for (c = 0; c < n; c++) {
				R.in_s[c] = R.down[c] && !R.held[c] && !R.pend_bs[c] &&
					    !isfinite(R.restart_at[c]);
				any |= R.in_s[c];
			}
			do {
				removed = 0;
				for (c = 0; c < n; c++)
					if (R.in_s[c] && ref_svc((uint32_t)c, t, 1) < p->threshold) {
						R.in_s[c] = 0;
						removed = 1;
					}
			} while (removed && any);
			any = 0;
			for (c = 0; c < n; c++)
				if (R.in_s[c]) {
					any = 1;
					if (ref_restart((uint32_t)c) > longest)
						longest = ref_restart((uint32_t)c);
				}
			if (any) {
				for (c = 0; c < n; c++) {
					bs_member[n_bs][c] = R.in_s[c];
					if (R.in_s[c])
						R.pend_bs[c] = 1;
					R.in_s[c] = 0;
				}
				bs_at[n_bs++] = t + longest;
			}
		}
		ref_record(t);
		/* the next time */
		{
			double nx = INFINITY, prev = t;
			for (s = 0; s < R.ns; s++)
				if (R.sup[s].missing && R.sup[s].since + R.sup[s].aut > t &&
				    R.sup[s].since + R.sup[s].aut < nx)
					nx = R.sup[s].since + R.sup[s].aut;
			for (c = 0; c < n; c++) {
				if (R.restart_at[c] > t && R.restart_at[c] < nx)
					nx = R.restart_at[c];
				if (R.held[c] && p->repair_h < p->horizon_h && p->repair_h > t &&
				    p->repair_h < nx)
					nx = p->repair_h;
			}
			for (i = 0; i < (size_t)n_bs; i++)
				if (bs_at[i] > t && bs_at[i] < nx)
					nx = bs_at[i];
			if (!(nx <= p->horizon_h))
				break;
			for (c = 0; c < n; c++)
				R.ph[c] += (p->population ? p->population[c] : 0) * (1 - R.eff[c]) * (nx - prev);
			t = nx;
		}
		/* hold ends, restarts, black starts at t */
		for (c = 0; c < n; c++)
			if (R.held[c] && p->repair_h <= t && p->repair_h < p->horizon_h)
				R.held[c] = 0;
		for (c = 0; c < n; c++)
			if (R.restart_at[c] == t) {
				R.restart_at[c] = INFINITY;
				if (ref_svc((uint32_t)c, t, 0) >= p->threshold) {
					R.down[c] = 0;
					ref_supplies(t);
				}
			}
		for (i = 0; i < (size_t)n_bs; i++)
			if (bs_at[i] == t) {
				int ok = 1;
				for (c = 0; c < n; c++)
					R.in_s[c] = bs_member[i][c];
				for (c = 0; c < n; c++)
					if (bs_member[i][c] && ref_svc((uint32_t)c, t, 1) < p->threshold)
						ok = 0;
				for (c = 0; c < n; c++) {
					R.in_s[c] = 0;
					if (bs_member[i][c]) {
						R.pend_bs[c] = 0;
						if (ok)
							R.down[c] = 0;
					}
				}
				ref_supplies(t);
			}
	}
	for (c = 0; c < n; c++)
		R.ph[c] += (p->population ? p->population[c] : 0) * (1 - R.eff[c]) * (p->horizon_h - t);
}

static void test_random(void)
{
	int round, bad = 0;
	rng_state = 12345;
	for (round = 0; round < 400; round++) {
		size_t n = 4 + (size_t)(urand() * 16), m = 0, i, c, nf;
		struct pt_cascade_edge e[RMAX * 4];
		double pop[RMAX], rs[RMAX];
		struct pt_cascade_params p;
		struct pt_cascade_net *net;
		struct pt_cascade_result r;
		uint32_t failed[3];
		double ph = 0;
		memset(&r, 0, sizeof r);
		for (c = 0; c < n; c++) {
			size_t k, deg = (size_t)(urand() * 4);
			double gaut = urand() * 10, gloss = urand() < 0.5 ? 1 : urand();
			for (k = 0; k < deg; k++) {
				uint32_t pr = (uint32_t)(urand() * (double)n);
				size_t j;
				int dup = pr == c;
				for (j = 0; j < m; j++)
					if (e[j].consumer == c && e[j].provider == pr)
						dup = 1;
				if (dup)
					continue;
				if (urand() < 0.3)
					e[m] = E(pr, (uint32_t)c, gaut, gloss, 3);
				else
					e[m] = E(pr, (uint32_t)c, urand() * 10,
						 urand() < 0.6 ? 1 : urand() * 0.8, NG);
				m++;
			}
			pop[c] = (double)(int)(urand() * 100);
			rs[c] = 0.1 + urand() * 3;
		}
		net = NET(n, e, m);
		if (!net)
			continue;
		memset(&p, 0, sizeof p);
		p.threshold = 0.3 + urand() * 0.6;
		p.horizon_h = 20 + urand() * 40;
		p.repair_h = urand() < 0.3 ? 1e9 : urand() * 20;
		p.default_restart_h = 1;
		p.restart_h = round % 2 ? rs : NULL;
		p.population = pop;
		nf = 1 + (size_t)(urand() * 2);
		for (i = 0; i < nf; i++)
			failed[i] = (uint32_t)(urand() * (double)n);
		CHECK_INT(pt_cascade_run(net, NULL, &p, failed, nf, 0, &r, NULL), PT_OK);
		ref_run(n, e, m, &p, failed, nf);
		for (c = 0; c < n; c++) {
			const struct pt_cascade_site *s = find(&r, (uint32_t)c);
			int ok;
			ph += R.ph[c];
			if (!R.dropped[c] && !R.initial[c]) {
				ok = s == NULL;
			} else {
				ok = s && ((isnan(s->failed_at_h) && isnan(R.failed_at[c])) ||
					   fabs(s->failed_at_h - R.failed_at[c]) < 1e-9) &&
				     ((isnan(s->restored_at_h) && isnan(R.restore[c])) ||
				      fabs(s->restored_at_h - R.restore[c]) < 1e-9) &&
				     fabs(s->min_service - R.minsv[c]) < 1e-12 &&
				     fabs(s->person_hours_lost - R.ph[c]) < 1e-6;
			}
			if (!ok && bad++ < 5)
				fprintf(stderr, "round %d site %zu: engine %g/%g/%g/%g, reference %g/%g/%g/%g\n",
					round, c, s ? s->failed_at_h : -1, s ? s->restored_at_h : -1,
					s ? s->min_service : -1, s ? s->person_hours_lost : -1,
					R.failed_at[c], R.restore[c], R.minsv[c], R.ph[c]);
		}
		CHECK_NEAR(r.person_hours_lost, ph, 1e-6);
		pt_cascade_result_clear(&r);
		pt_cascade_net_free(net);
	}
	CHECK_INT(bad, 0);
}

/* ---- every supply critical: shortest paths ---- */

static void test_dijkstra(void)
{
	int round;
	rng_state = 777;
	for (round = 0; round < 50; round++) {
		size_t n = 50 + (size_t)(urand() * 150), m = 0, i, c;
		struct pt_cascade_edge *e = malloc(n * 6 * sizeof *e);
		double *dist = malloc(n * sizeof *dist);
		int *done = calloc(n, sizeof *done);
		unsigned char *adj = calloc(n * n, 1);
		struct pt_cascade_params p = P(30, 1e9, NULL);
		struct pt_cascade_net *net;
		struct pt_cascade_result r;
		uint32_t src[2];
		memset(&r, 0, sizeof r);
		for (i = 0; i < n * 5; i++) {
			uint32_t a = (uint32_t)(urand() * (double)n), b = (uint32_t)(urand() * (double)n);
			if (a == b || adj[a * n + b])
				continue;
			adj[a * n + b] = 1;
			e[m++] = E(a, b, urand() * 8, 1, NG);
		}
		net = NET(n, e, m);
		src[0] = (uint32_t)(urand() * (double)n);
		src[1] = (uint32_t)(urand() * (double)n);
		/* O(n^2) Dijkstra over the edge list */
		for (c = 0; c < n; c++)
			dist[c] = INFINITY;
		dist[src[0]] = dist[src[1]] = 0;
		for (;;) {
			size_t best = n;
			for (c = 0; c < n; c++)
				if (!done[c] && isfinite(dist[c]) && (best == n || dist[c] < dist[best]))
					best = c;
			if (best == n)
				break;
			done[best] = 1;
			for (i = 0; i < m; i++)
				if (e[i].provider == best && dist[best] + e[i].autonomy_h < dist[e[i].consumer])
					dist[e[i].consumer] = dist[best] + e[i].autonomy_h;
		}
		CHECK_INT(pt_cascade_run(net, NULL, &p, src, 2, 0, &r, NULL), PT_OK);
		for (c = 0; c < n; c++) {
			const struct pt_cascade_site *s = find(&r, (uint32_t)c);
			if (dist[c] <= p.horizon_h) {
				CHECK(s != NULL);
				if (s)
					CHECK_NEAR(s->failed_at_h, dist[c], 1e-9);
			} else {
				CHECK(s == NULL);
			}
		}
		pt_cascade_result_clear(&r);
		pt_cascade_net_free(net);
		free(e);
		free(dist);
		free(done);
		free(adj);
	}
}

/* ---- SPOF: the same for any thread count, and the same as single runs ---- */

static int progress_calls;
static int count_progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	CHECK(done <= total);
	progress_calls++;
	return 0;
}
static int cancel_progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	(void)done;
	(void)total;
	return 1;
}

static void test_spof(void)
{
	size_t n = 400, m = 0, i, k, ns[4];
	struct pt_cascade_edge *e = malloc(n * 4 * sizeof *e);
	double *pop = malloc(n * sizeof *pop);
	unsigned char *adj = calloc(n * n, 1);
	struct pt_cascade_params p = P(168, 72, NULL);
	struct pt_cascade_net *net;
	struct pt_cascade_work *w = NULL;
	struct pt_spof_entry *s[4];
	unsigned th[4] = { 1, 2, 3, 8 };
	struct pt_diag d;
	size_t n_sup = 0;
	memset(&d, 0, sizeof d);
	rng_state = 99;
	for (i = 0; i < n; i++)
		pop[i] = (double)(int)(urand() * 1000);
	for (i = 0; i < n * 3; i++) {
		uint32_t a = (uint32_t)(urand() * (double)n), b = (uint32_t)(urand() * (double)n);
		if (a == b || adj[a * n + b])
			continue;
		adj[a * n + b] = 1;
		e[m++] = E(a, b, urand() * 48, urand() < 0.7 ? 1 : urand(), urand() < 0.2 ? 1 : NG);
		/* group edges must agree: give group 1 fixed values */
		if (e[m - 1].group == 1) {
			e[m - 1].autonomy_h = 6;
			e[m - 1].service_loss = 1;
		}
	}
	p.population = pop;
	net = NET(n, e, m);
	for (i = 0; i < n; i++)
		n_sup += pt_cascade_net_consumers(net, (uint32_t)i) > 0;
	for (k = 0; k < 4; k++) {
		progress_calls = 0;
		CHECK_INT(pt_cascade_spof(net, &p, th[k], count_progress, NULL, &s[k], &ns[k], &d), PT_OK);
		CHECK_INT(ns[k], n_sup);
		CHECK(progress_calls > 0);
		if (k)
			CHECK(ns[k] == ns[0] && memcmp(s[k], s[0], ns[0] * sizeof *s[0]) == 0);
	}
	for (i = 1; i < ns[0]; i++)
		CHECK(s[0][i - 1].person_hours_lost >= s[0][i].person_hours_lost);
	CHECK_INT(pt_cascade_work_new(net, &w), PT_OK);
	for (i = 0; i < ns[0]; i += 7) {
		struct pt_cascade_result r;
		uint32_t nf = 0;
		size_t j;
		memset(&r, 0, sizeof r);
		CHECK_INT(pt_cascade_run(net, w, &p, &s[0][i].site, 1, 0, &r, &d), PT_OK);
		CHECK_NEAR(r.person_hours_lost, s[0][i].person_hours_lost, 1e-6);
		CHECK_NEAR(r.downstream_person_hours, s[0][i].downstream_person_hours, 1e-6);
		CHECK_INT(r.n_sites - 1, s[0][i].sites_affected);
		for (j = 0; j < r.n_sites; j++)
			nf += !isnan(r.sites[j].failed_at_h) && r.sites[j].site != s[0][i].site;
		CHECK_INT(nf, s[0][i].sites_failed);
		pt_cascade_result_clear(&r);
	}
	pt_cascade_work_free(w);
	for (k = 0; k < 4; k++)
		free(s[k]);
	CHECK_INT(pt_cascade_spof(net, &p, 2, cancel_progress, NULL, &s[0], &ns[0], &d), PT_EINTERNAL);
	CHECK(s[0] == NULL);
	pt_cascade_net_free(net);
	free(e);
	free(pop);
	free(adj);
}

int main(void)
{
	RUN(test_chain);
	RUN(test_diamond);
	RUN(test_partial);
	RUN(test_group);
	RUN(test_restore);
	RUN(test_black_start);
	RUN(test_bad_edges);
	RUN(test_bad_params);
	RUN(test_random);
	RUN(test_dijkstra);
	RUN(test_spof);
	return TEST_SUMMARY("test_cascade");
}
