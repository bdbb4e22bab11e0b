/* test_mci.c - unit tests of the mass-casualty model: the keys, the checks,
 * the SIMEDIS death times, replays, threads, conservation, the limits, the trends. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_mci.h"
#include "pt_test.h"

static struct pt_diag diag;

static enum pt_err set(struct pt_mci_scenario *s, const char *k, const char *v)
{
	memset(&diag, 0, sizeof diag);
	return pt_mci_set(s, k, v, &diag);
}

/* The hospital-like test scenario: an attack at hospital 0 (locked down), two other hospitals, two bases. */
/* Travel times for the sites a test added: one per hospital and per base
 * (pt_mci_check wants them all). */
static void fill_travel(struct pt_mci_scenario *s)
{
	size_t i, k;
	for (i = 0; i < s->attack.n_sites; i++) {
		for (k = 0; k < s->n_hospitals; k++)
			if (isnan(s->attack.sites[i].hospital_travel_min[k]))
				s->attack.sites[i].hospital_travel_min[k] = 10 + 5 * (double)k;
		for (k = 0; k < s->response.n_bases; k++)
			if (isnan(s->attack.sites[i].base_travel_min[k]))
				s->attack.sites[i].base_travel_min[k] = 15;
	}
}

static void hospital_scenario(struct pt_mci_scenario *s, unsigned victims)
{
	char n[16];
	size_t i = sizeof n - 1;
	unsigned v = victims;
	n[i] = '\0';
	do {
		n[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	pt_mci_defaults(s);
	CHECK_INT(set(s, "attack.victims", n + i), PT_OK);
	CHECK_INT(set(s, "hospitals.0.name", "Orrinford General"), PT_OK);
	CHECK_INT(set(s, "hospitals.0.locked_down", "true"), PT_OK);
	CHECK_INT(set(s, "hospitals.1.resus", "6"), PT_OK);
	CHECK_INT(set(s, "hospitals.2.resus", "3"), PT_OK);
	CHECK_INT(set(s, "attack.sites.0.hospital_index", "0"), PT_OK);
	CHECK_INT(set(s, "attack.sites.0.hospital_travel_min.0", "0"), PT_OK);
	CHECK_INT(set(s, "attack.sites.0.hospital_travel_min.1", "15"), PT_OK);
	CHECK_INT(set(s, "attack.sites.0.hospital_travel_min.2", "25"), PT_OK);
	CHECK_INT(set(s, "response.bases.0.ambulances", "2"), PT_OK);
	CHECK_INT(set(s, "response.bases.1.ambulances", "1"), PT_OK);
	CHECK_INT(set(s, "attack.sites.0.base_travel_min.0", "15"), PT_OK);
	CHECK_INT(set(s, "attack.sites.0.base_travel_min.1", "25"), PT_OK);
	CHECK_INT(set(s, "response.ambulances", "10"), PT_OK);
	memset(&diag, 0, sizeof diag);
	CHECK_INT(pt_mci_check(s, &diag), PT_OK);
}

static void test_keys(void)
{
	static struct pt_mci_scenario s;
	pt_mci_defaults(&s);
	CHECK_INT((long long)s.n_hospitals, 0);
	CHECK_INT((long long)s.attack.n_sites, 1);
	/* an index equal to the count extends the array with defaults */
	CHECK_INT(set(&s, "hospitals.0.icu_beds", "12"), PT_OK);
	CHECK_INT((long long)s.n_hospitals, 1);
	CHECK_INT(s.hospitals[0].icu_beds, 12);
	CHECK_INT(s.hospitals[0].resus, 4);
	CHECK_STR(s.hospitals[0].name, "hospital 1");
	CHECK_INT(set(&s, "hospitals.2.resus", "9"), PT_OK);
	CHECK_INT((long long)s.n_hospitals, 3);
	CHECK_INT(s.hospitals[1].resus, 4);
	CHECK_INT(set(&s, "attack.sites.1.hospital_travel_min.2", "17.5"), PT_OK);
	CHECK_INT((long long)s.attack.n_sites, 2);
	CHECK_NEAR(s.attack.sites[1].hospital_travel_min[2], 17.5, 0);
	CHECK_NEAR(s.attack.sites[1].share, 0, 0);
	CHECK_INT(set(&s, "response.bases.0.ambulances", "7"), PT_OK);
	CHECK_INT(s.response.bases[0].ambulances, 7);
	CHECK_INT(set(&s, "response.misclass.START.T1.T2", "0.25"), PT_OK);
	CHECK_NEAR(s.response.misclass[PT_MCI_TRIAGE_START][PT_MCI_T1][PT_MCI_T2], 0.25, 0);
	CHECK_INT(set(&s, "response.misclass.SALT.DEAD.DEAD", "1"), PT_OK);
	CHECK_INT(set(&s, "attack.mix.niss16", "0.2"), PT_OK);
	CHECK_NEAR(s.attack.mix[PT_MCI_NISS16], 0.2, 0);
	CHECK_INT(set(&s, "response.patients_per_ambulance.T3", "5"), PT_OK);
	CHECK_INT(s.response.patients_per_ambulance[PT_MCI_T3], 5);
	/* triangles: by part or whole */
	CHECK_INT(set(&s, "response.triage_min.max", "3"), PT_OK);
	CHECK_NEAR(s.response.triage_min.max, 3, 0);
	CHECK_INT(set(&s, "injury.niss.niss9.mode", "12"), PT_OK);
	CHECK_NEAR(s.injury.niss[PT_MCI_NISS9].mode, 12, 0);
	CHECK_INT(set(&s, "attack.sites.0.secure_min", "10,20,40"), PT_OK);
	CHECK_NEAR(s.attack.sites[0].secure_min.mode, 20, 0);
	CHECK_INT(set(&s, "response.load_min", "3"), PT_OK);
	CHECK_NEAR(s.response.load_min.min, 3, 0);
	CHECK_NEAR(s.response.load_min.max, 3, 0);
	CHECK_INT(set(&s, "response.triage", "SALT"), PT_OK);
	CHECK_INT(s.response.triage, PT_MCI_TRIAGE_SALT);
	CHECK_INT(set(&s, "response.policy", "balanced"), PT_OK);
	CHECK_INT(s.response.policy, PT_MCI_POLICY_BALANCED);
	CHECK_INT(set(&s, "response.rtf", "yes"), PT_OK);
	CHECK_INT(s.response.rtf, 1);
	CHECK_INT(set(&s, "decisions.0.t_min", "30"), PT_OK);
	CHECK_INT(set(&s, "decisions.0.path", "response.ambulances"), PT_OK);
	CHECK_INT(set(&s, "decisions.0.value", "25"), PT_OK);
	CHECK_INT((long long)s.n_decisions, 1);
}

/* pt_mci_each_key's pairs, kept as text. */
#define ITEMS_MAX 4000
struct items {
	char path[ITEMS_MAX][PT_MCI_PATH_MAX + 8];
	char value[ITEMS_MAX][PT_MCI_VALUE_MAX];
	size_t n;
};

static void items_keep(void *ctx, const char *path, const char *text, double number)
{
	struct items *it = ctx;
	if (it->n >= ITEMS_MAX)
		return;
	strcpy(it->path[it->n], path);
	if (text)
		strcpy(it->value[it->n], text);
	else
		snprintf(it->value[it->n], PT_MCI_VALUE_MAX, "%.17g", number);
	it->n++;
}

static long items_find(const struct items *it, const char *path)
{
	size_t i;
	for (i = 0; i < it->n; i++)
		if (strcmp(it->path[i], path) == 0)
			return (long)i;
	return -1;
}

/* Every key in use, written out and read back through pt_mci_set, gives the scenario back. */
static void test_each_key(void)
{
	static struct pt_mci_scenario s, back;
	static struct items a, b;
	size_t i, bad = 0;
	hospital_scenario(&s, 321);
	CHECK_INT(set(&s, "attack.sites.1.share", "0.25"), PT_OK);
	CHECK_INT(set(&s, "attack.sites.0.share", "0.75"), PT_OK);
	CHECK_INT(set(&s, "attack.sites.1.name", "Orrin Square"), PT_OK);
	CHECK_INT(set(&s, "response.misclass.SALT.T3.T2", "0.125"), PT_OK);
	CHECK_INT(set(&s, "response.misclass.SALT.T3.T3", "0.845"), PT_OK);
	CHECK_INT(set(&s, "response.policy", "balanced"), PT_OK);
	CHECK_INT(set(&s, "hospitals.2.resus_min", "1.1,2.2,3.3"), PT_OK);
	CHECK_INT(set(&s, "decisions.0.t_min", "45"), PT_OK);
	CHECK_INT(set(&s, "decisions.0.path", "hospitals.0.locked_down"), PT_OK);
	CHECK_INT(set(&s, "decisions.0.value", "false"), PT_OK);
	fill_travel(&s);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	a.n = b.n = 0;
	pt_mci_each_key(&s, items_keep, &a);
	CHECK(a.n > 100 && a.n < ITEMS_MAX);
	CHECK(items_find(&a, "response.misclass.SALT.T3.T2") >= 0);
	CHECK_STR(a.value[items_find(&a, "response.misclass.SALT.T3.T2")], "0.125");
	CHECK_STR(a.value[items_find(&a, "hospitals.2.resus_min.mode")], "2.2000000000000002");
	CHECK_STR(a.value[items_find(&a, "response.policy")], "balanced");
	CHECK_STR(a.value[items_find(&a, "hospitals.0.locked_down")], "true");
	CHECK_STR(a.value[items_find(&a, "attack.sites.1.name")], "Orrin Square");
	CHECK_STR(a.value[items_find(&a, "decisions.0.path")], "hospitals.0.locked_down");
	CHECK(items_find(&a, "attack.sites.1.hospital_travel_min.2") >= 0);
	CHECK(items_find(&a, "attack.sites.1.hospital_travel_min.3") < 0); /* three hospitals */
	CHECK(items_find(&a, "attack.sites.0.base_travel_min.1") >= 0);
	CHECK(items_find(&a, "attack.sites.0.base_travel_min.2") < 0);     /* two bases */
	CHECK(items_find(&a, "hospitals.3.resus") < 0);
	pt_mci_defaults(&back);
	for (i = 0; i < a.n; i++)
		bad += pt_mci_set(&back, a.path[i], a.value[i], &diag) != PT_OK;
	CHECK_INT((long long)bad, 0);
	CHECK_INT(pt_mci_check(&back, &diag), PT_OK);
	pt_mci_each_key(&back, items_keep, &b);
	CHECK_INT((long long)b.n, (long long)a.n);
	for (i = 0; i < a.n && i < b.n; i++)
		bad += strcmp(a.path[i], b.path[i]) != 0 || strcmp(a.value[i], b.value[i]) != 0;
	CHECK_INT((long long)bad, 0);
}

static void test_key_errors(void)
{
	static struct pt_mci_scenario s;
	pt_mci_defaults(&s);
	CHECK_INT(set(&s, "response.ambulancez", "3"), PT_ENOTFOUND);
	CHECK_STR(diag.field, "response.ambulancez");
	CHECK_INT(set(&s, "hospitals.x.resus", "3"), PT_ENOTFOUND);
	CHECK_INT(set(&s, "hospitals.0", "3"), PT_ENOTFOUND);
	CHECK_INT(set(&s, "response.misclass.START.T4.T1", "0"), PT_ENOTFOUND);
	CHECK_INT(set(&s, "", "3"), PT_ENOTFOUND);
	CHECK_INT(set(&s, "response.ambulances", "three"), PT_EINVAL);
	CHECK_STR(diag.field, "response.ambulances");
	CHECK_STR(diag.msg, "a whole number from 0 to 2000 expected");
	CHECK_INT(set(&s, "response.ambulances", "2.5"), PT_EINVAL);
	CHECK_INT(set(&s, "response.ambulances", "-1"), PT_EINVAL);
	CHECK_INT(set(&s, "response.ambulances", "2001"), PT_ELIMIT);
	CHECK_INT(set(&s, "attack.victims", "20001"), PT_ELIMIT);
	CHECK_INT(set(&s, "hospitals.32.resus", "1"), PT_ELIMIT);
	CHECK_INT(set(&s, "attack.mix.killed", "1.5"), PT_EINVAL);
	CHECK_STR(diag.field, "attack.mix.killed");
	CHECK_INT(set(&s, "injury.death_sigma", "nan"), PT_EINVAL);
	CHECK_INT(set(&s, "response.triage", "TRIAGE"), PT_EINVAL);
	CHECK_STR(diag.msg, "START or SALT expected");
	CHECK_INT(set(&s, "response.rtf", "maybe"), PT_EINVAL);
	CHECK_INT(set(&s, "response.load_min", "5,3,4"), PT_EINVAL);
	CHECK_INT(set(&s, "response.load_min", "1,2"), PT_EINVAL);
	CHECK_INT(set(&s, "decisions.0.path", "response.nothing"), PT_EINVAL);
	CHECK_STR(diag.field, "decisions.0.path");
	/* a refused value changes nothing, not even a count */
	CHECK_INT(set(&s, "hospitals.0.resus", "x"), PT_EINVAL);
	CHECK_INT((long long)s.n_hospitals, 0);
}

static void test_check(void)
{
	static struct pt_mci_scenario s;
	hospital_scenario(&s, 50);
	CHECK_INT(set(&s, "attack.sites.1.share", "0.5"), PT_OK);
	fill_travel(&s);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "attack.sites");
	CHECK_INT(set(&s, "attack.sites.0.share", "0.5"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(set(&s, "hospitals.1.surgery_min.mode", "500"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "hospitals.1.surgery_min");
	CHECK_STR(diag.msg, "min <= mode <= max expected (min 60, mode 500, max 240)");
	CHECK_INT(set(&s, "hospitals.1.surgery_min.mode", "100"), PT_OK);
	CHECK_INT(set(&s, "response.misclass.SALT.T2.T3", "0.5"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "response.misclass.SALT.T2");
	CHECK_INT(set(&s, "response.misclass.SALT.T2.T3", "0.07"), PT_OK);
	CHECK_INT(set(&s, "attack.mix.killed", "0"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "attack.mix");
	CHECK_INT(set(&s, "attack.mix.killed", "0.1"), PT_OK);
	/* a decision on an element the scenario lacks, or with a bad value */
	CHECK_INT(set(&s, "decisions.0.path", "hospitals.7.resus"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "decisions.0.path");
	CHECK_INT(set(&s, "decisions.0.path", "hospitals.2.resus"), PT_OK);
	CHECK_INT(set(&s, "decisions.0.value", "lots"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "decisions.0.value");
	CHECK_INT(set(&s, "decisions.0.value", "20"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	/* a decision may not change what sizes the run or made its victims (review C1:
	 * attack.victims raised mid-run read past the victims) */
	CHECK_INT(set(&s, "decisions.1.path", "attack.victims"), PT_EINVAL);
	CHECK_STR(diag.field, "decisions.1.path");
	CHECK_INT(set(&s, "decisions.1.path", "injury.dcr_factor"), PT_EINVAL);
	CHECK_INT(set(&s, "decisions.1.path", "horizon_min"), PT_EINVAL);
	CHECK_INT(set(&s, "decisions.1.path", "attack.sites.0.secure_min"), PT_EINVAL);
	/* the scenario after each decision, in time order, keeps every rule */
	CHECK_INT(set(&s, "decisions.1.path", "hospitals.1.surgery_min.mode"), PT_OK);
	CHECK_INT(set(&s, "decisions.1.value", "500"), PT_OK);
	CHECK_INT(set(&s, "decisions.1.t_min", "30"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "decisions.1.value");
	CHECK_INT(set(&s, "decisions.1.value", "100"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	/* decisions of one minute apply together: a misclassification row changed cell by cell */
	CHECK_INT(set(&s, "decisions.2.t_min", "60"), PT_OK);
	CHECK_INT(set(&s, "decisions.2.path", "response.misclass.START.T2.T1"), PT_OK);
	CHECK_INT(set(&s, "decisions.2.value", "0.2"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL); /* the row sums to 0.9 */
	CHECK_STR(diag.field, "decisions.2.value");
	CHECK_INT(set(&s, "decisions.3.t_min", "60"), PT_OK);
	CHECK_INT(set(&s, "decisions.3.path", "response.misclass.START.T2.T2"), PT_OK);
	CHECK_INT(set(&s, "decisions.3.value", "0.75"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(set(&s, "decisions.3.path", "hospitals.0.no_such"), PT_EINVAL);
	CHECK_STR(diag.msg, "no such key");
	pt_mci_defaults(&s);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL); /* no hospital */
	CHECK_STR(diag.field, "hospitals");
}

/* SIMEDIS (Benhassine et al. 2025): 43500 x NISS^-1.95 minutes. */
static void test_death_table(void)
{
	struct pt_mci_scenario s;
	pt_mci_defaults(&s);
	CHECK_NEAR(pt_mci_death_mean_min(&s, 21), 114.9, 0.1);
	CHECK_NEAR(pt_mci_death_mean_min(&s, 44), 27.2, 0.1);
	CHECK_NEAR(pt_mci_death_mean_min(&s, 16), 195.0, 0.5);
	CHECK_NEAR(pt_mci_death_mean_min(&s, 75), 9.6, 0.1);
}

static uint32_t sum_finals(const struct pt_mci_rep *r)
{
	uint32_t t = 0;
	size_t f;
	for (f = 0; f < PT_MCI_FINALS; f++)
		t += r->finals[f];
	return t;
}

/* Two results are the same, bit for bit (the load series too). */
static int same_rep(const struct pt_mci_rep *a, const struct pt_mci_rep *b, size_t n_hosp)
{
	size_t i;
	for (i = 0; i < pt_mci_output_count(); i++) {
		double x = pt_mci_output_value(a, i), y = pt_mci_output_value(b, i);
		if (memcmp(&x, &y, sizeof x) != 0)
			return 0;
	}
	if (memcmp(a->finals, b->finals, sizeof a->finals) != 0 ||
	    memcmp(a->peak_load, b->peak_load, sizeof a->peak_load) != 0 || a->n_steps != b->n_steps)
		return 0;
	return memcmp(a->load, b->load, n_hosp * a->n_steps * sizeof *a->load) == 0;
}

static void test_replay_and_threads(void)
{
	static struct pt_mci_scenario s;
	struct pt_mci_rep *a = NULL, *b = NULL, *c = NULL, *one = NULL;
	size_t n = 40, i, diff2 = 0, diff3 = 0, locked = 0, others = 0;
	hospital_scenario(&s, 120);
	CHECK_INT(set(&s, "response.rtf", "true"), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, n, &a), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, n, &b), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, n, &c), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, 2, &one), PT_OK);
	if (!a || !b || !c || !one)
		goto out;
	CHECK_INT(pt_mci_run_many(&s, 42, 100, n, 1, a, NULL, NULL), PT_OK);
	CHECK_INT(pt_mci_run_many(&s, 42, 100, n, 2, b, NULL, NULL), PT_OK);
	CHECK_INT(pt_mci_run_many(&s, 42, 100, n, 3, c, NULL, NULL), PT_OK);
	for (i = 0; i < n; i++) {
		diff2 += !same_rep(&a[i], &b[i], s.n_hospitals);
		diff3 += !same_rep(&a[i], &c[i], s.n_hospitals);
		locked += a[i].peak_load[0]; /* the attacked hospital is locked down: it receives nobody */
		others += a[i].peak_load[1] + a[i].peak_load[2];
	}
	CHECK_INT((long long)diff2, 0);
	CHECK_INT((long long)diff3, 0);
	CHECK_INT((long long)locked, 0);
	CHECK(others > 0);
	/* the same (seed, rep) alone gives the same numbers; another seed others */
	CHECK_INT(pt_mci_run(&s, 42, 107, &one[0], NULL, NULL), PT_OK);
	CHECK(same_rep(&one[0], &a[7], s.n_hospitals));
	CHECK_INT(pt_mci_run(&s, 43, 107, &one[1], NULL, NULL), PT_OK);
	CHECK(!same_rep(&one[1], &a[7], s.n_hospitals));
	/* replications differ from one another */
	CHECK(!same_rep(&a[0], &a[1], s.n_hospitals));
out:
	pt_mci_reps_free(a);
	pt_mci_reps_free(b);
	pt_mci_reps_free(c);
	pt_mci_reps_free(one);
}

/* Every victim ends in exactly one final state, in every run of several variants. */
static void test_conservation(void)
{
	static struct pt_mci_scenario s;
	struct pt_mci_rep *r = NULL;
	size_t n = 60, i, v, bad = 0, lost = 0;
	for (v = 0; v < 5; v++) {
		hospital_scenario(&s, 150);
		if (v == 1) {
			CHECK_INT(set(&s, "response.rtf", "true"), PT_OK);
			CHECK_INT(set(&s, "response.scoop_and_run", "false"), PT_OK);
			CHECK_INT(set(&s, "response.policy", "balanced"), PT_OK);
		} else if (v == 2) { /* three sites, shares */
			CHECK_INT(set(&s, "attack.sites.0.share", "0.5"), PT_OK);
			CHECK_INT(set(&s, "attack.sites.1.share", "0.3"), PT_OK);
			CHECK_INT(set(&s, "attack.sites.2.share", "0.2"), PT_OK);
			CHECK_INT(set(&s, "response.triage", "SALT"), PT_OK);
		} else if (v == 3) { /* decisions during the run */
			CHECK_INT(set(&s, "decisions.0.t_min", "40"), PT_OK);
			CHECK_INT(set(&s, "decisions.0.path", "response.ambulances"), PT_OK);
			CHECK_INT(set(&s, "decisions.0.value", "30"), PT_OK);
			CHECK_INT(set(&s, "decisions.1.t_min", "90"), PT_OK);
			CHECK_INT(set(&s, "decisions.1.path", "hospitals.0.locked_down"), PT_OK);
			CHECK_INT(set(&s, "decisions.1.value", "false"), PT_OK);
			CHECK_INT(set(&s, "decisions.2.t_min", "100"), PT_OK);
			CHECK_INT(set(&s, "decisions.2.path", "response.ambulances"), PT_OK);
			CHECK_INT(set(&s, "decisions.2.value", "2"), PT_OK);
		} else if (v == 4) { /* tight hospitals, short horizon: some still at the scene */
			CHECK_INT(set(&s, "hospitals.1.resus", "1"), PT_OK);
			CHECK_INT(set(&s, "hospitals.2.ed_beds", "1"), PT_OK);
			CHECK_INT(set(&s, "horizon_min", "90"), PT_OK);
		}
		fill_travel(&s);
		CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
		CHECK_INT(pt_mci_reps_new(&s, n, &r), PT_OK);
		if (!r)
			return;
		CHECK_INT(pt_mci_run_many(&s, 9, 0, n, 2, r, NULL, NULL), PT_OK);
		for (i = 0; i < n; i++) {
			if (sum_finals(&r[i]) != 150 || r[i].victims != 150)
				bad++;
			if (r[i].critical_deaths > r[i].critical)
				bad++;
			if (r[i].transported + r[i].walked <
			    r[i].finals[PT_MCI_ALIVE_HOSPITAL] + r[i].finals[PT_MCI_DEAD_HOSPITAL])
				lost++;
		}
		pt_mci_reps_free(r);
		r = NULL;
	}
	CHECK_INT((long long)bad, 0);
	CHECK_INT((long long)lost, 0);
}

static void test_no_ambulances(void)
{
	static struct pt_mci_scenario s;
	struct pt_mci_rep *r = NULL;
	size_t n = 30, i, walked = 0, other = 0;
	hospital_scenario(&s, 100);
	CHECK_INT(set(&s, "response.ambulances", "0"), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, n, &r), PT_OK);
	if (!r)
		return;
	CHECK_INT(pt_mci_run_many(&s, 3, 0, n, 2, r, NULL, NULL), PT_OK);
	for (i = 0; i < n; i++) {
		other += r[i].transported + r[i].ambulance_trips + r[i].ambulances_used +
			 r[i].finals[PT_MCI_DEAD_TRANSPORT];
		walked += r[i].walked;
		/* only the walking wounded reach a hospital */
		other += r[i].finals[PT_MCI_ALIVE_HOSPITAL] + r[i].finals[PT_MCI_DEAD_HOSPITAL] != r[i].walked;
	}
	CHECK_INT((long long)other, 0);
	CHECK(walked > 0);
	pt_mci_reps_free(r);
}

/* The trace of one run, kept for the tests below. */
#define TRACE_MAX 20000
struct trace {
	struct pt_mci_trace_event ev[TRACE_MAX];
	size_t n;
};

static void trace_keep(void *ctx, const struct pt_mci_trace_event *ev)
{
	struct trace *t = ctx;
	if (t->n < TRACE_MAX)
		t->ev[t->n++] = *ev;
}

/* Unlimited hospitals: treatment starts when a patient arrives, surgery when resuscitation ends. */
static void test_unlimited_capacity(void)
{
	static struct pt_mci_scenario s;
	static struct trace t;
	static double admitted[400], resuscitated[400];
	struct pt_mci_rep *r = NULL;
	size_t i, h, checked = 0, waits = 0, rep;
	hospital_scenario(&s, 300);
	for (h = 0; h < 3; h++) {
		const char *keys[] = { "resus", "or_tables", "ed_beds", "icu_beds" };
		size_t k;
		for (k = 0; k < 4; k++) {
			char key[64] = "hospitals.";
			size_t l = strlen(key);
			key[l] = (char)('0' + h);
			key[l + 1] = '.';
			key[l + 2] = '\0';
			strcat(key, keys[k]);
			CHECK_INT(set(&s, key, "1000000"), PT_OK);
		}
	}
	CHECK_INT(pt_mci_reps_new(&s, 1, &r), PT_OK);
	if (!r)
		return;
	for (rep = 0; rep < 5; rep++) {
		t.n = 0;
		for (i = 0; i < 400; i++)
			admitted[i] = resuscitated[i] = NAN;
		CHECK_INT(pt_mci_run(&s, 5, rep, r, trace_keep, &t), PT_OK);
		CHECK(t.n < TRACE_MAX);
		for (i = 0; i < t.n; i++) {
			const struct pt_mci_trace_event *e = &t.ev[i];
			if (e->victim < 0)
				continue;
			if (strcmp(e->what, "admitted") == 0) {
				admitted[e->victim] = e->t_min;
			} else if (strcmp(e->what, "resuscitated") == 0) {
				resuscitated[e->victim] = e->t_min;
			} else if (strcmp(e->what, "resuscitation") == 0 ||
				   strcmp(e->what, "emergency_department") == 0) {
				checked++;
				waits += e->t_min != admitted[e->victim];
			} else if (strcmp(e->what, "surgery") == 0) {
				checked++;
				waits += e->t_min != resuscitated[e->victim];
			}
		}
		for (h = 0; h < 3; h++) /* nobody waits: the load is what arrived and is in care */
			CHECK(r->peak_load[h] <= 300);
	}
	CHECK(checked > 100);
	CHECK_INT((long long)waits, 0);
	pt_mci_reps_free(r);
}

static void test_killed_outright(void)
{
	static struct pt_mci_scenario s;
	static struct trace t;
	struct pt_mci_rep *r = NULL;
	size_t i, killed = 0;
	hospital_scenario(&s, 80);
	CHECK_INT(set(&s, "attack.mix.killed", "1"), PT_OK);
	CHECK_INT(set(&s, "attack.mix.niss16", "0"), PT_OK);
	CHECK_INT(set(&s, "attack.mix.niss9", "0"), PT_OK);
	CHECK_INT(set(&s, "attack.mix.niss1", "0"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, 1, &r), PT_OK);
	if (!r)
		return;
	t.n = 0;
	CHECK_INT(pt_mci_run(&s, 1, 0, r, trace_keep, &t), PT_OK);
	CHECK_INT(r->finals[PT_MCI_DEAD_SCENE], 80);
	CHECK_INT(r->transported, 0);
	CHECK_INT(r->critical, 0);
	CHECK(isnan(pt_mci_output_value(r, 8))); /* no critical: no critical mortality */
	CHECK_STR(pt_mci_output_name(4), "killed_outright");
	CHECK_NEAR(pt_mci_output_value(r, 4), 80, 0);
	CHECK_STR(pt_mci_output_name(5), "later_deaths");
	CHECK_NEAR(pt_mci_output_value(r, 5), 0, 0); /* nobody was alive at the start */
	for (i = 0; i < t.n; i++)
		if (strcmp(t.ev[i].what, "killed") == 0 && t.ev[i].t_min == 0)
			killed++;
	CHECK_INT((long long)killed, 80);
	pt_mci_reps_free(r);
}

static double mean_of(const struct pt_mci_rep *r, size_t n, const char *name, struct pt_mci_stat *st)
{
	size_t i;
	for (i = 0; i < pt_mci_output_count(); i++)
		if (strcmp(pt_mci_output_name(i), name) == 0) {
			CHECK_INT(pt_mci_summarise(r, n, i, st), PT_OK);
			return st->mean;
		}
	CHECK(0);
	return NAN;
}

/* More ambulances never raise the mean deaths (500 replications each, the same streams). */
static void test_more_ambulances(void)
{
	static struct pt_mci_scenario s;
	static const char *const counts[] = { "2", "5", "10", "20", "40" };
	struct pt_mci_stat prev, st, first;
	struct pt_mci_rep *r = NULL;
	size_t n = 500, k;
	hospital_scenario(&s, 100);
	CHECK_INT(pt_mci_reps_new(&s, n, &r), PT_OK);
	if (!r)
		return;
	memset(&prev, 0, sizeof prev);
	memset(&first, 0, sizeof first);
	for (k = 0; k < 5; k++) {
		CHECK_INT(set(&s, "response.ambulances", counts[k]), PT_OK);
		CHECK_INT(pt_mci_run_many(&s, 2026, 0, n, 2, r, NULL, NULL), PT_OK);
		mean_of(r, n, "deaths", &st);
		CHECK(st.n == n && st.lo < st.mean && st.mean < st.hi);
		if (k == 0)
			first = st;
		else
			CHECK(st.mean <= prev.hi); /* no rise beyond the noise */
		prev = st;
	}
	CHECK(prev.hi < first.lo); /* 40 ambulances save lives that 2 do not */
	pt_mci_reps_free(r);
}

/* A decision at 60 minutes leaves everything before it as it was, and changes what follows. */
static void test_decision_from_its_time(void)
{
	static struct pt_mci_scenario s;
	static struct trace a, b;
	struct pt_mci_rep *r = NULL;
	size_t i, j, before_a = 0, before_b = 0, same = 1, after_differs = 0;
	hospital_scenario(&s, 150);
	CHECK_INT(set(&s, "response.ambulances", "3"), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, 1, &r), PT_OK);
	if (!r)
		return;
	a.n = b.n = 0;
	CHECK_INT(pt_mci_run(&s, 11, 0, r, trace_keep, &a), PT_OK);
	CHECK_INT(set(&s, "decisions.0.t_min", "60"), PT_OK);
	CHECK_INT(set(&s, "decisions.0.path", "response.ambulances"), PT_OK);
	CHECK_INT(set(&s, "decisions.0.value", "30"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(pt_mci_run(&s, 11, 0, r, trace_keep, &b), PT_OK);
	for (i = 0; i < a.n && a.ev[i].t_min < 60; i++)
		before_a++;
	for (j = 0; j < b.n && b.ev[j].t_min < 60; j++)
		before_b++;
	CHECK_INT((long long)before_a, (long long)before_b);
	for (i = 0; i < before_a && i < before_b; i++)
		if (a.ev[i].t_min != b.ev[i].t_min || strcmp(a.ev[i].what, b.ev[i].what) != 0 ||
		    a.ev[i].victim != b.ev[i].victim || a.ev[i].ambulance != b.ev[i].ambulance)
			same = 0;
	CHECK(same);
	CHECK(strcmp(b.ev[before_b].what, "decision") == 0 && b.ev[before_b].t_min == 60);
	for (i = before_a, j = before_b + 1; i < a.n && j < b.n; i++, j++)
		if (a.ev[i].t_min != b.ev[j].t_min || strcmp(a.ev[i].what, b.ev[j].what) != 0)
			after_differs = 1;
	CHECK(after_differs);
	pt_mci_reps_free(r);
}

static void test_summaries(void)
{
	struct pt_mci_rep r[5];
	struct pt_mci_stat st;
	size_t i;
	static const uint32_t deaths[5] = { 4, 1, 3, 2, 10 };
	memset(r, 0, sizeof r);
	for (i = 0; i < 5; i++) {
		r[i].finals[PT_MCI_DEAD_SCENE] = deaths[i];
		r[i].first_treatment_min = i == 2 ? NAN : (double)i;
	}
	CHECK_INT(pt_mci_summarise(r, 5, 0, &st), PT_OK);
	CHECK_INT((long long)st.n, 5);
	CHECK_NEAR(st.mean, 4, 1e-12);
	/* sd = sqrt(50 / 4), t(0.975, 4) = 2.776445105 */
	CHECK_NEAR(st.hi - st.mean, 2.776445105 * sqrt(12.5 / 5), 1e-6);
	CHECK_NEAR(st.mean - st.lo, st.hi - st.mean, 1e-12);
	/* type 7: sorted 1 2 3 4 10, h = 4 p */
	CHECK_NEAR(st.p025, 1.1, 1e-12);
	CHECK_NEAR(st.p975, 4 + 0.9 * 6, 1e-12);
	/* NaN values are left out */
	CHECK_INT(pt_mci_summarise(r, 5, 9, &st), PT_OK);
	CHECK_INT((long long)st.n, 4);
	CHECK_NEAR(st.mean, 2, 1e-12);
	CHECK_INT(pt_mci_summarise(r, 1, 0, &st), PT_OK);
	CHECK_NEAR(st.mean, 4, 0);
	CHECK(isnan(st.lo) && isnan(st.hi));
	CHECK_NEAR(pt_mci_t_quantile(0.05, 1), 12.706204736, 1e-6);
	CHECK_NEAR(pt_mci_t_quantile(0.05, 2), 4.302652730, 1e-6);
	CHECK_NEAR(pt_mci_t_quantile(0.05, 4), 2.776445105, 1e-6);
	CHECK_NEAR(pt_mci_t_quantile(0.05, 10), 2.228138852, 1e-6);
	CHECK_NEAR(pt_mci_t_quantile(0.05, 29), 2.045229642, 1e-6);
	CHECK_NEAR(pt_mci_t_quantile(0.05, 999), 1.962341461, 1e-6);
	CHECK_NEAR(pt_mci_t_quantile(0.05, 1e7), 1.959963985, 1e-6);
	CHECK_STR(pt_mci_output_name(0), "deaths");
	CHECK_STR(pt_mci_output_name(9), "first_treatment_min");
	CHECK_STR(pt_mci_output_name(15), "events");
	CHECK(pt_mci_output_name(16) == NULL);
}

/* Every size at its limit at once: it runs, and every victim still ends in one state. */
static void test_largest(void)
{
	static struct pt_mci_scenario s;
	struct pt_mci_rep *r = NULL;
	char key[PT_MCI_PATH_MAX], num[16];
	size_t i, j;
	pt_mci_defaults(&s);
	CHECK_INT(set(&s, "attack.victims", "20000"), PT_OK);
	CHECK_INT(set(&s, "response.ambulances", "2000"), PT_OK);
	CHECK_INT(set(&s, "response.rtf", "true"), PT_OK);
	CHECK_INT(set(&s, "response.policy", "balanced"), PT_OK);
	CHECK_INT(set(&s, "response.scoop_and_run", "false"), PT_OK);
	CHECK_INT(set(&s, "attack.sites.0.share", "0.0625"), PT_OK);
	for (i = 0; i < PT_MCI_MAX_HOSPITALS; i++) {
		num[0] = (char)('0' + i / 10);
		num[1] = (char)('0' + i % 10);
		num[2] = '\0';
		strcpy(key, "hospitals.");
		strcat(key, i < 10 ? num + 1 : num);
		strcat(key, ".resus");
		CHECK_INT(set(&s, key, "2"), PT_OK);
		strcpy(key, "response.bases.");
		strcat(key, i < 10 ? num + 1 : num);
		strcat(key, ".ambulances");
		CHECK_INT(set(&s, key, "1"), PT_OK);
	}
	for (i = 1; i < PT_MCI_MAX_SITES; i++) {
		num[0] = (char)('0' + i / 10);
		num[1] = (char)('0' + i % 10);
		num[2] = '\0';
		strcpy(key, "attack.sites.");
		strcat(key, i < 10 ? num + 1 : num);
		strcat(key, ".share");
		CHECK_INT(set(&s, key, "0.0625"), PT_OK);
	}
	for (i = 0; i < PT_MCI_MAX_SITES; i++) /* a travel time per hospital and per base */
		for (j = 0; j < PT_MCI_MAX_HOSPITALS; j++) {
			s.attack.sites[i].hospital_travel_min[j] = 5 + (double)((i + j) % 20);
			s.attack.sites[i].base_travel_min[j] = 10 + (double)((i * j) % 15);
		}
	for (j = 0; j < PT_MCI_MAX_DECISIONS; j++) {
		const char *path = j % 2 ? "response.ambulances" : "hospitals.3.locked_down";
		const char *value = j % 2 ? (j % 4 == 1 ? "1800" : "2000") : (j % 4 ? "true" : "false");
		s.decisions[j].t_min = (double)j * 2;
		strcpy(s.decisions[j].path, path);
		strcpy(s.decisions[j].value, value);
	}
	s.n_decisions = PT_MCI_MAX_DECISIONS;
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT((long long)s.n_hospitals, PT_MCI_MAX_HOSPITALS);
	CHECK_INT(pt_mci_reps_new(&s, 2, &r), PT_OK);
	if (!r)
		return;
	CHECK_INT(pt_mci_run_many(&s, 1, 0, 2, 2, r, NULL, NULL), PT_OK);
	CHECK_INT(sum_finals(&r[0]), 20000);
	CHECK_INT(sum_finals(&r[1]), 20000);
	CHECK(r[0].ambulances_used > 100);
	pt_mci_reps_free(r);
}


/* Issue 14 review, finding 1: the calibrated defaults, and the resuscitation
 * bay slowing the lethal clock by injury.resus_factor until surgery. */
static void test_resus_bay(void)
{
	static struct pt_mci_scenario s;
	static struct trace a, b;
	struct pt_mci_rep *r = NULL;
	size_t i, j, checked = 0;
	pt_mci_defaults(&s);
	CHECK_NEAR(s.injury.niss[PT_MCI_NISS16].min, 16, 0);
	CHECK_NEAR(s.injury.niss[PT_MCI_NISS16].mode, 16, 0);
	CHECK_NEAR(s.injury.niss[PT_MCI_NISS16].max, 40, 0);
	CHECK_NEAR(s.injury.resus_factor, 4, 0);
	CHECK_NEAR(s.injury.dcr_factor, 2, 0);
	/* every victim critical, nobody bleeds, no treatment before the hospital, no operating room:
	 * a patient dies in the bay or waiting for surgery, on the clock the bay slowed */
	hospital_scenario(&s, 60);
	CHECK_INT(set(&s, "attack.mix.killed", "0"), PT_OK);
	CHECK_INT(set(&s, "attack.mix.niss16", "1"), PT_OK);
	CHECK_INT(set(&s, "attack.mix.niss9", "0"), PT_OK);
	CHECK_INT(set(&s, "attack.mix.niss1", "0"), PT_OK);
	CHECK_INT(set(&s, "injury.bleeding_share.niss16", "0"), PT_OK);
	CHECK_INT(set(&s, "response.ccp_staff", "0"), PT_OK);
	CHECK_INT(set(&s, "attack.sites.0.secure_min", "0"), PT_OK);
	CHECK_INT(set(&s, "response.ambulances", "60"), PT_OK);
	CHECK_INT(set(&s, "horizon_min", "10000"), PT_OK);
	for (i = 0; i < 3; i++) {
		char key[40];
		snprintf(key, sizeof key, "hospitals.%zu.or_tables", i);
		CHECK_INT(set(&s, key, "0"), PT_OK);
		snprintf(key, sizeof key, "hospitals.%zu.resus", i);
		CHECK_INT(set(&s, key, "100"), PT_OK);
	}
	CHECK_INT(set(&s, "injury.resus_factor", "1"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, 1, &r), PT_OK);
	if (!r)
		return;
	a.n = b.n = 0;
	CHECK_INT(pt_mci_run(&s, 5, 0, r, trace_keep, &a), PT_OK);
	CHECK_INT(set(&s, "injury.resus_factor", "8"), PT_OK);
	CHECK_INT(pt_mci_run(&s, 5, 0, r, trace_keep, &b), PT_OK);
	/* a victim who died in the bay with factor 1 at T, its bay entered at t0, dies at
	 * t0 + 8 (T - t0) with factor 8 (the same random numbers) */
	for (i = 0; i < a.n; i++) {
		double t0 = -1, t8 = -1;
		int v = a.ev[i].victim;
		if (strcmp(a.ev[i].what, "dies") != 0 || a.ev[i].hospital < 0)
			continue;
		CHECK_STR(a.ev[i].cause, "lethal injury");
		CHECK(a.ev[i].niss >= 16 && a.ev[i].niss <= 40);
		for (j = 0; j < a.n; j++)
			if (a.ev[j].victim == v && strcmp(a.ev[j].what, "resuscitation") == 0)
				t0 = a.ev[j].t_min;
		for (j = 0; j < b.n; j++)
			if (b.ev[j].victim == v && strcmp(b.ev[j].what, "dies") == 0)
				t8 = b.ev[j].t_min;
		if (t0 < 0)
			continue;
		CHECK_NEAR(t8, t0 + 8 * (a.ev[i].t_min - t0), 1e-6);
		checked++;
	}
	CHECK(checked >= 5);
	pt_mci_reps_free(r);
}

/* Issue 14 review, finding 2: killed outright and the deaths of those alive at the start. */
static void test_later_deaths(void)
{
	static struct pt_mci_scenario s;
	static struct trace t;
	struct pt_mci_rep *r = NULL;
	size_t i, killed = 0, dies = 0;
	hospital_scenario(&s, 200);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, 1, &r), PT_OK);
	if (!r)
		return;
	t.n = 0;
	CHECK_INT(pt_mci_run(&s, 3, 0, r, trace_keep, &t), PT_OK);
	for (i = 0; i < t.n; i++) {
		killed += strcmp(t.ev[i].what, "killed") == 0;
		dies += strcmp(t.ev[i].what, "dies") == 0;
	}
	CHECK(killed > 0 && dies > 0);
	CHECK_INT(r->killed, (long long)killed);
	CHECK_NEAR(pt_mci_output_value(r, 4), (double)killed, 0);
	CHECK_NEAR(pt_mci_output_value(r, 5), (double)dies, 0);
	CHECK_NEAR(pt_mci_output_value(r, 0), (double)(killed + dies), 0);
	pt_mci_reps_free(r);
}

/* Issue 14 review, finding 5: one travel time per hospital and per base, no fewer, no more. */
static void test_travel_arrays(void)
{
	static struct pt_mci_scenario s;
	hospital_scenario(&s, 50);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(set(&s, "attack.sites.0.hospital_travel_min.3", "12"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "attack.sites.0.hospital_travel_min");
	CHECK_STR(diag.msg, "4 values for 3 hospitals (one per hospital, in their order)");
	CHECK_INT(set(&s, "hospitals.3.name", "D"), PT_OK); /* now there are 4 */
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(set(&s, "hospitals.4.name", "E"), PT_OK); /* a fifth, without a time */
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.msg, "4 values for 5 hospitals (one per hospital, in their order)");
	hospital_scenario(&s, 50);
	CHECK_INT(set(&s, "response.bases.2.ambulances", "1"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "attack.sites.0.base_travel_min");
	CHECK_STR(diag.msg, "2 values for 3 bases (one per base, in their order)");
	/* a second site needs its own */
	hospital_scenario(&s, 50);
	CHECK_INT(set(&s, "attack.sites.1.hospital_travel_min.0", "5"), PT_OK);
	CHECK_INT(set(&s, "attack.sites.1.hospital_travel_min.2", "5"), PT_OK);
	CHECK_INT(set(&s, "attack.sites.1.base_travel_min.0", "5"), PT_OK);
	CHECK_INT(set(&s, "attack.sites.1.base_travel_min.1", "5"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "attack.sites.1.hospital_travel_min");
	CHECK_STR(diag.msg, "2 values for 3 hospitals (one per hospital, in their order)");
	CHECK_INT(set(&s, "attack.sites.1.hospital_travel_min.1", "5"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	/* the default ambulances with no base: the hint */
	pt_mci_defaults(&s);
	CHECK_INT(set(&s, "hospitals.0.name", "A"), PT_OK);
	CHECK_INT(set(&s, "attack.sites.0.hospital_travel_min.0", "5"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "response.ambulances");
	CHECK(strstr(diag.msg, "add response.bases") && strstr(diag.msg, "set response.ambulances to 0"));
	CHECK_INT(set(&s, "response.ambulances", "0"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
}

/* Issue 14 review, finding 9: a walking casualty's trip grows with the distance:
 * walk_delay + walk_travel_factor x the travel time to the hospital. */
static void test_walking_distance(void)
{
	static struct pt_mci_scenario s;
	static struct trace a, b;
	struct pt_mci_rep *r = NULL;
	size_t i, j, checked = 0;
	hospital_scenario(&s, 150);
	CHECK_NEAR(s.response.walk_travel_factor, 1.5, 0);
	CHECK_INT(set(&s, "response.walk_travel_factor", "0"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, 1, &r), PT_OK);
	if (!r)
		return;
	a.n = b.n = 0;
	CHECK_INT(pt_mci_run(&s, 2, 0, r, trace_keep, &a), PT_OK);
	CHECK_INT(set(&s, "response.walk_travel_factor", "2"), PT_OK);
	CHECK_INT(pt_mci_run(&s, 2, 0, r, trace_keep, &b), PT_OK);
	/* hospital 0 is locked down: they walk to hospital 1, 15 minutes away */
	for (i = 0; i < a.n; i++) {
		if (strcmp(a.ev[i].what, "walks_in") != 0)
			continue;
		CHECK_INT(a.ev[i].hospital, 1);
		for (j = 0; j < b.n; j++)
			if (b.ev[j].victim == a.ev[i].victim && strcmp(b.ev[j].what, "walks_in") == 0) {
				CHECK_NEAR(b.ev[j].t_min - a.ev[i].t_min, 2 * 15, 1e-9);
				CHECK_INT(b.ev[j].hospital, 1);
				checked++;
			}
	}
	CHECK(checked >= 10);
	pt_mci_reps_free(r);
}

/* A decision's key and value as the trace gave them (valid during the call only). */
static char decision_seen[2 * PT_MCI_PATH_MAX];

static void trace_decision(void *ctx, const struct pt_mci_trace_event *ev)
{
	trace_keep(ctx, ev);
	if (strcmp(ev->what, "decision") == 0 && ev->path && ev->value)
		snprintf(decision_seen, sizeof decision_seen, "%s=%s", ev->path, ev->value);
}

/* Issue 14 review, finding 11: a decision's trace names its key and value; a
 * death its cause and NISS. */
static void test_trace_details(void)
{
	static struct pt_mci_scenario s;
	static struct trace t;
	struct pt_mci_rep *r = NULL;
	size_t i, decisions = 0;
	hospital_scenario(&s, 80);
	CHECK_INT(set(&s, "decisions.0.t_min", "30"), PT_OK);
	CHECK_INT(set(&s, "decisions.0.path", "hospitals.0.locked_down"), PT_OK);
	CHECK_INT(set(&s, "decisions.0.value", "false"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, 1, &r), PT_OK);
	if (!r)
		return;
	t.n = 0;
	decision_seen[0] = '\0';
	CHECK_INT(pt_mci_run(&s, 1, 0, r, trace_decision, &t), PT_OK);
	CHECK_STR(decision_seen, "hospitals.0.locked_down=false");
	for (i = 0; i < t.n; i++) {
		if (strcmp(t.ev[i].what, "decision") == 0) {
			decisions++;
			CHECK(t.ev[i].path != NULL && t.ev[i].value != NULL);
		} else if (strcmp(t.ev[i].what, "killed") == 0) {
			CHECK_INT(t.ev[i].niss, 75);
		} else if (strcmp(t.ev[i].what, "dies") == 0) {
			CHECK(t.ev[i].cause && (strcmp(t.ev[i].cause, "lethal injury") == 0 ||
						strcmp(t.ev[i].cause, "bleeding") == 0));
			CHECK(t.ev[i].niss >= 1 && t.ev[i].niss <= 40);
		} else {
			CHECK(t.ev[i].cause == NULL && t.ev[i].path == NULL);
		}
	}
	CHECK_INT((long long)decisions, 1);
	pt_mci_reps_free(r);
}

/* The situation at a minute (issue 15 review 3), by hand: 4 minor victims, nobody
 * walks, the scene is safe at exactly 10 (no RTF), 2 ambulances leave base 0 at
 * exactly 1 and need about 15 to arrive. */
static void test_snapshot(void)
{
	static struct pt_mci_scenario s;
	struct pt_mci_rep *r = NULL, *plain = NULL, *two = NULL;
	const struct pt_mci_snapshot *sn;
	size_t i, k, diff = 0, bad = 0;
	uint32_t sum;
	hospital_scenario(&s, 4);
	CHECK_INT(set(&s, "attack.mix.killed", "0"), PT_OK);
	CHECK_INT(set(&s, "attack.mix.niss16", "0"), PT_OK);
	CHECK_INT(set(&s, "attack.mix.niss9", "0"), PT_OK);
	CHECK_INT(set(&s, "attack.mix.niss1", "1"), PT_OK);
	CHECK_INT(set(&s, "response.walking_share", "0"), PT_OK);
	CHECK_INT(set(&s, "response.rtf", "false"), PT_OK);
	CHECK_INT(set(&s, "attack.sites.0.secure_min.min", "10"), PT_OK);
	CHECK_INT(set(&s, "attack.sites.0.secure_min.mode", "10"), PT_OK);
	CHECK_INT(set(&s, "attack.sites.0.secure_min.max", "10"), PT_OK);
	CHECK_INT(set(&s, "response.ambulances", "2"), PT_OK);
	CHECK_INT(set(&s, "response.bases.1.ambulances", "0"), PT_OK);
	CHECK_INT(set(&s, "response.bases.0.dispatch_min.min", "1"), PT_OK);
	CHECK_INT(set(&s, "response.bases.0.dispatch_min.mode", "1"), PT_OK);
	CHECK_INT(set(&s, "response.bases.0.dispatch_min.max", "1"), PT_OK);
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, 3, &r), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, 3, &plain), PT_OK);
	CHECK_INT(pt_mci_reps_new(&s, 3, &two), PT_OK);
	if (!r || !plain || !two)
		goto out;
	/* without snapshot nothing is taken */
	CHECK_INT(pt_mci_run_many(&s, 5, 0, 3, 1, plain, NULL, NULL), PT_OK);
	CHECK_INT(plain[0].snap.taken, 0);
	/* at minute 5: nobody dead, all 4 still in the hot zone, both ambulances on their way */
	s.snapshot = 1;
	s.snapshot_min = 5;
	CHECK_INT(pt_mci_check(&s, &diag), PT_OK);
	CHECK_INT(pt_mci_run(&s, 5, 0, r, NULL, NULL), PT_OK);
	sn = &r->snap;
	CHECK_INT(sn->taken, 1);
	CHECK_NEAR(sn->t_min, 5, 0);
	CHECK_INT(sn->dead, 0);
	CHECK_INT(sn->hot_zone, 4);
	CHECK_INT(sn->ccp_untriaged + sn->ccp[0] + sn->ccp[1] + sn->ccp[2] + sn->ccp[3], 0);
	CHECK_INT(sn->transport + sn->walking + sn->arrived[1] + sn->arrived[2], 0);
	CHECK_INT(sn->amb_committed, 2);
	CHECK_INT(sn->amb_en_route, 2);
	CHECK_INT(sn->amb_at_scene + sn->amb_transporting + sn->amb_used, 0);
	CHECK_INT(sn->inside, 0); /* review 15B item 5: nobody inside to count yet */
	/* at minute 12 the scene is safe: all 4 brought to the CCP, no ambulance there yet */
	s.snapshot_min = 12;
	CHECK_INT(pt_mci_run(&s, 5, 0, r, NULL, NULL), PT_OK);
	CHECK_INT(r->snap.inside, 1);
	CHECK_INT(r->snap.hot_zone, 0);
	CHECK_INT(r->snap.ccp_untriaged + r->snap.ccp[0] + r->snap.ccp[1] + r->snap.ccp[2], 4);
	CHECK_INT(r->snap.amb_at_scene, 0);
	/* at minute 0.5 the ambulances are alerted but still at base */
	s.snapshot_min = 0.5;
	CHECK_INT(pt_mci_run(&s, 5, 0, r, NULL, NULL), PT_OK);
	CHECK_INT(r->snap.amb_committed, 2);
	CHECK_INT(r->snap.amb_en_route, 0);
	/* at the horizon: the dead match the final states, everyone else reached a hospital */
	s.snapshot_min = s.horizon_min;
	CHECK_INT(pt_mci_run_many(&s, 5, 0, 3, 1, r, NULL, NULL), PT_OK);
	for (i = 0; i < 3; i++) {
		sn = &r[i].snap;
		if (sn->dead != r[i].finals[PT_MCI_DEAD_SCENE] + r[i].finals[PT_MCI_DEAD_TRANSPORT] +
				    r[i].finals[PT_MCI_DEAD_HOSPITAL])
			bad++;
		for (sum = 0, k = 0; k < s.n_hospitals; k++)
			sum += sn->arrived[k];
		if (sum != r[i].transported + r[i].walked || sn->amb_used != r[i].ambulances_used)
			bad++;
		/* the snapshot changes no other output, on any thread count */
		diff += !same_rep(&r[i], &plain[i], s.n_hospitals);
	}
	CHECK_INT(pt_mci_run_many(&s, 5, 0, 3, 2, two, NULL, NULL), PT_OK);
	for (i = 0; i < 3; i++)
		diff += memcmp(&two[i].snap, &r[i].snap, sizeof two[i].snap) != 0;
	CHECK_INT((long long)bad, 0);
	CHECK_INT((long long)diff, 0);
	/* a minute outside the horizon is refused, naming it */
	s.snapshot_min = s.horizon_min + 1;
	CHECK_INT(pt_mci_check(&s, &diag), PT_EINVAL);
	CHECK_STR(diag.field, "snapshot_min");
out:
	pt_mci_reps_free(r);
	pt_mci_reps_free(plain);
	pt_mci_reps_free(two);
}

int main(void)
{
	RUN(test_keys);
	RUN(test_key_errors);
	RUN(test_each_key);
	RUN(test_check);
	RUN(test_death_table);
	RUN(test_summaries);
	RUN(test_replay_and_threads);
	RUN(test_conservation);
	RUN(test_no_ambulances);
	RUN(test_unlimited_capacity);
	RUN(test_killed_outright);
	RUN(test_more_ambulances);
	RUN(test_decision_from_its_time);
	RUN(test_largest);
	RUN(test_resus_bay);
	RUN(test_later_deaths);
	RUN(test_travel_arrays);
	RUN(test_walking_distance);
	RUN(test_trace_details);
	RUN(test_snapshot);
	return TEST_SUMMARY("test_mci");
}
