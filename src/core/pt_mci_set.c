/* pt_mci_set.c - the mass-casualty scenario's defaults, its one table of
 * dotted keys (pt_mci_set) and the rules between fields (pt_mci_check). */
#include "pt_mci.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- small text helpers (no stdio in the core) ---- */

/* Append src to dst (size n), truncating. */
static void cat(char *dst, size_t n, const char *src)
{
	size_t l = strlen(dst);
	if (l + 1 < n)
		pt_strlcpy(dst + l, src, n - l);
}

/* Append an unsigned integer. */
static void cat_u(char *dst, size_t n, unsigned long long v)
{
	char b[24];
	size_t i = sizeof b;
	b[--i] = '\0';
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i);
	cat(dst, n, b + i);
}

/* Append a number as a person writes it (integers plainly, else up to 4 decimals). */
static void cat_num(char *dst, size_t n, double v)
{
	double ip, fp;
	unsigned long long f;
	int k;
	char dec[8];
	if (!isfinite(v)) {
		cat(dst, n, v > 0 ? "infinity" : "-infinity");
		return;
	}
	if (v < 0) {
		cat(dst, n, "-");
		v = -v;
	}
	v = floor(v * 10000 + 0.5) / 10000;
	fp = modf(v, &ip);
	cat_u(dst, n, (unsigned long long)ip);
	f = (unsigned long long)floor(fp * 10000 + 0.5);
	if (!f)
		return;
	for (k = 3; k >= 0; k--) {
		dec[k] = (char)('0' + f % 10);
		f /= 10;
	}
	dec[4] = '\0';
	for (k = 3; k > 0 && dec[k] == '0'; k--)
		dec[k] = '\0';
	cat(dst, n, ".");
	cat(dst, n, dec);
}

/* ---- defaults ---- */

static void name_n(char *dst, const char *word, size_t i)
{
	dst[0] = '\0';
	cat(dst, PT_MCI_NAME_MAX, word);
	cat(dst, PT_MCI_NAME_MAX, " ");
	cat_u(dst, PT_MCI_NAME_MAX, (unsigned long long)i + 1);
}

static struct pt_mci_tri tri(double a, double b, double c)
{
	struct pt_mci_tri t;
	t.min = a;
	t.mode = b;
	t.max = c;
	return t;
}

/* Defaults of one element of each array (docs/methodology.md, "Mass-casualty simulation"). */
static void site_default(struct pt_mci_site *s, size_t i)
{
	size_t k;
	memset(s, 0, sizeof *s);
	name_n(s->name, "site", i);
	s->share = i == 0 ? 1.0 : 0.0;
	s->secure_min = tri(15, 30, 90);
	/* not given (NaN): pt_mci_check wants one value per base and per hospital */
	for (k = 0; k < PT_MCI_MAX_BASES; k++)
		s->base_travel_min[k] = NAN;
	for (k = 0; k < PT_MCI_MAX_HOSPITALS; k++)
		s->hospital_travel_min[k] = NAN;
	s->hospital_index = -1;
}

static void hospital_default(struct pt_mci_hospital *h, size_t i)
{
	memset(h, 0, sizeof *h);
	name_n(h->name, "hospital", i);
	h->ed_beds = 20;
	h->resus = 4;
	h->or_tables = 2;
	h->icu_beds = 6;
	h->surge_factor = 1.5;
	h->surge_delay_min = 60;
	h->locked_down = 0;
	h->resus_min = tri(15, 30, 60);
	h->surgery_min = tri(60, 120, 240);
	h->ed_min = tri(20, 45, 120);
}

static void base_default(struct pt_mci_base *b, size_t i)
{
	memset(b, 0, sizeof *b);
	name_n(b->name, "base", i);
	b->ambulances = 0;
	b->dispatch_min = tri(2, 5, 10);
	b->wave_interval_min = 0;
}

static void decision_default(struct pt_mci_decision *d, size_t i)
{
	(void)i;
	memset(d, 0, sizeof *d);
}

/* Misclassification [true][assigned] (docs/methodology.md): START after
 * Kahn et al. (2009), who found over-triage common (53%) and under-triage
 * rare (2%); SALT an assumption, with less over-triage. */
static const double misclass_start[PT_MCI_CATS][PT_MCI_CATS] = {
	{ 0.90, 0.07, 0.01, 0.02 },
	{ 0.30, 0.65, 0.05, 0.00 },
	{ 0.05, 0.40, 0.55, 0.00 },
	{ 0.00, 0.00, 0.00, 1.00 },
};
static const double misclass_salt[PT_MCI_CATS][PT_MCI_CATS] = {
	{ 0.90, 0.07, 0.01, 0.02 },
	{ 0.15, 0.78, 0.07, 0.00 },
	{ 0.03, 0.15, 0.82, 0.00 },
	{ 0.00, 0.00, 0.00, 1.00 },
};

void pt_mci_defaults(struct pt_mci_scenario *s)
{
	memset(s, 0, sizeof *s);
	pt_strlcpy(s->name, "scenario", sizeof s->name);
	s->horizon_min = 720;
	s->attack.victims = 100;
	s->attack.mix[PT_MCI_KILLED] = 0.10;
	s->attack.mix[PT_MCI_NISS16] = 0.15;
	s->attack.mix[PT_MCI_NISS9] = 0.20;
	s->attack.mix[PT_MCI_NISS1] = 0.55;
	site_default(&s->attack.sites[0], 0);
	s->attack.n_sites = 1;

	s->injury.death_a = 43500;
	s->injury.death_b = -1.95;
	s->injury.death_sigma = 0.5;
	s->injury.niss[PT_MCI_KILLED] = tri(75, 75, 75);
	s->injury.niss[PT_MCI_NISS16] = tri(16, 16, 40);
	s->injury.niss[PT_MCI_NISS9] = tri(9, 10, 15);
	s->injury.niss[PT_MCI_NISS1] = tri(1, 4, 8);
	s->injury.bleeding_share[PT_MCI_KILLED] = 0;
	s->injury.bleeding_share[PT_MCI_NISS16] = 0.5;
	s->injury.bleeding_share[PT_MCI_NISS9] = 0.2;
	s->injury.bleeding_share[PT_MCI_NISS1] = 0;
	s->injury.bleed_alpha = tri(0.002, 0.005, 0.015);
	s->injury.bleed_death_fraction = 0.4;
	s->injury.bleeding_control_factor = 0.2;
	s->injury.dcr_factor = 2;
	s->injury.resus_factor = 4;

	s->response.rtf = 0;
	s->response.rtf_teams = 2;
	s->response.rtf_entry_min = 10;
	s->response.rtf_victim_min = tri(3, 5, 10);
	s->response.triage = PT_MCI_TRIAGE_START;
	s->response.triage_crews = 4;
	s->response.triage_min = tri(0.5, 1, 2);
	s->response.retriage_min = 15;
	memcpy(s->response.misclass[PT_MCI_TRIAGE_START], misclass_start, sizeof misclass_start);
	memcpy(s->response.misclass[PT_MCI_TRIAGE_SALT], misclass_salt, sizeof misclass_salt);
	s->response.ccp_staff = 6;
	s->response.ccp_treat_min = tri(5, 10, 20);
	s->response.n_bases = 0;
	s->response.ambulances = 10;
	s->response.patients_per_ambulance[PT_MCI_T1] = 1;
	s->response.patients_per_ambulance[PT_MCI_T2] = 2;
	s->response.patients_per_ambulance[PT_MCI_T3] = 4;
	s->response.patients_per_ambulance[PT_MCI_DEAD] = 1;
	s->response.load_min = tri(2, 4, 8);
	s->response.handover_min = tri(5, 10, 20);
	s->response.travel_noise = 0.2;
	s->response.scoop_and_run = 1;
	s->response.stabilise_min = tri(5, 10, 20);
	s->response.walking_share = 0.5;
	s->response.walk_delay_min = tri(15, 30, 90);
	s->response.walk_travel_factor = 1.5;
	s->response.policy = PT_MCI_POLICY_NEAREST;
	s->response.travel_limit_min = 30;
	s->n_hospitals = 0;
	s->n_decisions = 0;
}

double pt_mci_death_mean_min(const struct pt_mci_scenario *s, double niss)
{
	return s->injury.death_a * pow(niss, s->injury.death_b);
}

/* ---- the key table ---- */

enum ktype { K_DBL, K_UNS, K_FLAG, K_INT, K_TRI, K_NAME, K_TRIAGE, K_POLICY, K_PATH, K_VALUE };
/* Which array a key's first index extends (its count grows to index + 1). */
enum karr { A_NONE, A_SITES, A_HOSP, A_BASES, A_DEC };

struct key {
	const char *pat; /* tokens; "#" a number, "%s" a severity class, "%c" a category, "%m" a method */
	enum ktype type;
	size_t off;      /* of the element at index 0 of every level */
	double lo, hi;   /* allowed values (numbers); above hi is PT_ELIMIT when limit */
	int limit;
	enum karr arr;   /* level 0 extends this array */
	size_t stride[3];
	size_t max[3];   /* indices below (fixed-size levels) */
	enum karr arr1;  /* level 1 runs over this array's elements in use (pt_mci_each_key) */
};

#define SO(f) offsetof(struct pt_mci_scenario, f)
#define SZ(t) sizeof(t)
#define BIG 1e9
#define HMAX 100000.0 /* the largest time in minutes a key accepts (about ten weeks) */

#define SITE(f) SO(attack.sites[0].f)
#define HOSP(f) SO(hospitals[0].f)
#define BASE(f) SO(response.bases[0].f)
#define DEC(f) SO(decisions[0].f)
#define L_SITE A_SITES, { SZ(struct pt_mci_site), 0, 0 }, { PT_MCI_MAX_SITES, 0, 0 }, A_NONE
#define L_HOSP A_HOSP, { SZ(struct pt_mci_hospital), 0, 0 }, { PT_MCI_MAX_HOSPITALS, 0, 0 }, A_NONE
#define L_BASE A_BASES, { SZ(struct pt_mci_base), 0, 0 }, { PT_MCI_MAX_BASES, 0, 0 }, A_NONE
#define L_DEC A_DEC, { SZ(struct pt_mci_decision), 0, 0 }, { PT_MCI_MAX_DECISIONS, 0, 0 }, A_NONE
#define L_SEV A_NONE, { SZ(double), 0, 0 }, { PT_MCI_SEVS, 0, 0 }, A_NONE
#define L_SEVT A_NONE, { SZ(struct pt_mci_tri), 0, 0 }, { PT_MCI_SEVS, 0, 0 }, A_NONE
#define L_CAT A_NONE, { SZ(unsigned), 0, 0 }, { PT_MCI_CATS, 0, 0 }, A_NONE
#define L_0 A_NONE, { 0, 0, 0 }, { 0, 0, 0 }, A_NONE

static const struct key keys[] = {
	{ "name", K_NAME, SO(name), 0, 0, 0, L_0 },
	{ "threat", K_NAME, SO(threat), 0, 0, 0, L_0 },
	{ "horizon_min", K_DBL, SO(horizon_min), 1, 10080, 1, L_0 },
	{ "attack.victims", K_UNS, SO(attack.victims), 0, PT_MCI_MAX_VICTIMS, 1, L_0 },
	{ "attack.mix.%s", K_DBL, SO(attack.mix), 0, 1, 0, L_SEV },
	{ "attack.sites.#.name", K_NAME, SITE(name), 0, 0, 0, L_SITE },
	{ "attack.sites.#.share", K_DBL, SITE(share), 0, 1, 0, L_SITE },
	{ "attack.sites.#.secure_min", K_TRI, SITE(secure_min), 0, HMAX, 0, L_SITE },
	{ "attack.sites.#.base_travel_min.#", K_DBL, SITE(base_travel_min), 0, HMAX, 0, A_SITES,
	  { SZ(struct pt_mci_site), SZ(double), 0 }, { PT_MCI_MAX_SITES, PT_MCI_MAX_BASES, 0 }, A_BASES },
	{ "attack.sites.#.hospital_travel_min.#", K_DBL, SITE(hospital_travel_min), 0, HMAX, 0, A_SITES,
	  { SZ(struct pt_mci_site), SZ(double), 0 }, { PT_MCI_MAX_SITES, PT_MCI_MAX_HOSPITALS, 0 }, A_HOSP },
	{ "attack.sites.#.hospital_index", K_INT, SITE(hospital_index), -1, PT_MCI_MAX_HOSPITALS - 1, 0,
	  L_SITE },
	{ "injury.death_a", K_DBL, SO(injury.death_a), 1e-9, BIG, 0, L_0 },
	{ "injury.death_b", K_DBL, SO(injury.death_b), -10, 0, 0, L_0 },
	{ "injury.death_sigma", K_DBL, SO(injury.death_sigma), 0, 3, 0, L_0 },
	{ "injury.niss.%s", K_TRI, SO(injury.niss), 1, 75, 0, L_SEVT },
	{ "injury.bleeding_share.%s", K_DBL, SO(injury.bleeding_share), 0, 1, 0, L_SEV },
	{ "injury.bleed_alpha", K_TRI, SO(injury.bleed_alpha), 0, 1, 0, L_0 },
	{ "injury.bleed_death_fraction", K_DBL, SO(injury.bleed_death_fraction), 0.01, 0.99, 0, L_0 },
	{ "injury.bleeding_control_factor", K_DBL, SO(injury.bleeding_control_factor), 0, 1, 0, L_0 },
	{ "injury.dcr_factor", K_DBL, SO(injury.dcr_factor), 1, 100, 0, L_0 },
	{ "injury.resus_factor", K_DBL, SO(injury.resus_factor), 1, 100, 0, L_0 },
	{ "response.rtf", K_FLAG, SO(response.rtf), 0, 1, 0, L_0 },
	{ "response.rtf_teams", K_UNS, SO(response.rtf_teams), 0, 1000, 1, L_0 },
	{ "response.rtf_entry_min", K_DBL, SO(response.rtf_entry_min), 0, HMAX, 0, L_0 },
	{ "response.rtf_victim_min", K_TRI, SO(response.rtf_victim_min), 0, HMAX, 0, L_0 },
	{ "response.triage", K_TRIAGE, SO(response.triage), 0, 1, 0, L_0 },
	{ "response.triage_crews", K_UNS, SO(response.triage_crews), 0, 1000, 1, L_0 },
	{ "response.triage_min", K_TRI, SO(response.triage_min), 0, HMAX, 0, L_0 },
	{ "response.retriage_min", K_DBL, SO(response.retriage_min), 1, HMAX, 0, L_0 },
	{ "response.misclass.%m.%c.%c", K_DBL, SO(response.misclass), 0, 1, 0, A_NONE,
	  { SZ(double[PT_MCI_CATS][PT_MCI_CATS]), SZ(double[PT_MCI_CATS]), SZ(double) },
	  { 2, PT_MCI_CATS, PT_MCI_CATS }, A_NONE },
	{ "response.ccp_staff", K_UNS, SO(response.ccp_staff), 0, 10000, 1, L_0 },
	{ "response.ccp_treat_min", K_TRI, SO(response.ccp_treat_min), 0, HMAX, 0, L_0 },
	{ "response.bases.#.name", K_NAME, BASE(name), 0, 0, 0, L_BASE },
	{ "response.bases.#.ambulances", K_UNS, BASE(ambulances), 0, PT_MCI_MAX_AMBULANCES, 1, L_BASE },
	{ "response.bases.#.dispatch_min", K_TRI, BASE(dispatch_min), 0, HMAX, 0, L_BASE },
	{ "response.bases.#.wave_interval_min", K_DBL, BASE(wave_interval_min), 0, HMAX, 0, L_BASE },
	{ "response.ambulances", K_UNS, SO(response.ambulances), 0, PT_MCI_MAX_AMBULANCES, 1, L_0 },
	{ "response.patients_per_ambulance.%c", K_UNS, SO(response.patients_per_ambulance), 1, 20, 0,
	  L_CAT },
	{ "response.load_min", K_TRI, SO(response.load_min), 0, HMAX, 0, L_0 },
	{ "response.handover_min", K_TRI, SO(response.handover_min), 0, HMAX, 0, L_0 },
	{ "response.travel_noise", K_DBL, SO(response.travel_noise), 0, 2, 0, L_0 },
	{ "response.scoop_and_run", K_FLAG, SO(response.scoop_and_run), 0, 1, 0, L_0 },
	{ "response.stabilise_min", K_TRI, SO(response.stabilise_min), 0, HMAX, 0, L_0 },
	{ "response.walking_share", K_DBL, SO(response.walking_share), 0, 1, 0, L_0 },
	{ "response.walk_delay_min", K_TRI, SO(response.walk_delay_min), 0, HMAX, 0, L_0 },
	{ "response.walk_travel_factor", K_DBL, SO(response.walk_travel_factor), 0, 10, 0, L_0 },
	{ "response.policy", K_POLICY, SO(response.policy), 0, 1, 0, L_0 },
	{ "response.travel_limit_min", K_DBL, SO(response.travel_limit_min), 0, HMAX, 0, L_0 },
	{ "hospitals.#.name", K_NAME, HOSP(name), 0, 0, 0, L_HOSP },
	{ "hospitals.#.ed_beds", K_UNS, HOSP(ed_beds), 0, 1000000, 1, L_HOSP },
	{ "hospitals.#.resus", K_UNS, HOSP(resus), 0, 1000000, 1, L_HOSP },
	{ "hospitals.#.or_tables", K_UNS, HOSP(or_tables), 0, 1000000, 1, L_HOSP },
	{ "hospitals.#.icu_beds", K_UNS, HOSP(icu_beds), 0, 1000000, 1, L_HOSP },
	{ "hospitals.#.surge_factor", K_DBL, HOSP(surge_factor), 1, 10, 0, L_HOSP },
	{ "hospitals.#.surge_delay_min", K_DBL, HOSP(surge_delay_min), 0, HMAX, 0, L_HOSP },
	{ "hospitals.#.locked_down", K_FLAG, HOSP(locked_down), 0, 1, 0, L_HOSP },
	{ "hospitals.#.resus_min", K_TRI, HOSP(resus_min), 0, HMAX, 0, L_HOSP },
	{ "hospitals.#.surgery_min", K_TRI, HOSP(surgery_min), 0, HMAX, 0, L_HOSP },
	{ "hospitals.#.ed_min", K_TRI, HOSP(ed_min), 0, HMAX, 0, L_HOSP },
	{ "decisions.#.t_min", K_DBL, DEC(t_min), 0, HMAX, 0, L_DEC },
	{ "decisions.#.path", K_PATH, DEC(path), 0, 0, 0, L_DEC },
	{ "decisions.#.value", K_VALUE, DEC(value), 0, 0, 0, L_DEC },
};

/* Whether a decision may set key k. A decision changes the response or a
 * hospital during the run; the keys that size the run or that its victims were
 * made from (the attack, the injuries, the horizon) are fixed at its start. */
static int decision_key(const struct key *k)
{
	if (k->type == K_PATH || k->type == K_VALUE || k->arr == A_DEC)
		return 0;
	return strncmp(k->pat, "response.", 9) == 0 || strncmp(k->pat, "hospitals.", 10) == 0;
}

#define N_KEYS (sizeof keys / sizeof keys[0])

static const char *const sev_names[PT_MCI_SEVS] = { "killed", "niss16", "niss9", "niss1" };
static const char *const cat_names[PT_MCI_CATS] = { "T1", "T2", "T3", "DEAD" };
static const char *const method_names[2] = { "START", "SALT" };

#define MAX_TOK 8

/* A path split into tokens, with the indices its placeholders stand for. */
struct parsed {
	char buf[PT_MCI_PATH_MAX];
	const char *tok[MAX_TOK];
	size_t n;
};

static int split(struct parsed *p, const char *path)
{
	char *s;
	if (strlen(path) >= sizeof p->buf)
		return -1;
	pt_strlcpy(p->buf, path, sizeof p->buf);
	p->n = 0;
	s = p->buf;
	for (;;) {
		char *dot = strchr(s, '.');
		if (p->n == MAX_TOK || !*s)
			return -1;
		p->tok[p->n++] = s;
		if (!dot)
			break;
		*dot = '\0';
		s = dot + 1;
	}
	return 0;
}

static int name_index(const char *const *names, size_t n, const char *t)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], t) == 0)
			return (int)i;
	return -1;
}

/* A number token: digits only, no leading zeros, below 100000. */
static long num_token(const char *t)
{
	long v = 0;
	size_t i;
	if (!t[0] || (t[0] == '0' && t[1]) || strlen(t) > 5)
		return -1;
	for (i = 0; t[i]; i++) {
		if (t[i] < '0' || t[i] > '9')
			return -1;
		v = v * 10 + (t[i] - '0');
	}
	return v;
}

/* Which sub-field of a triangular value, or -1. */
static int tri_part(const char *t)
{
	if (strcmp(t, "min") == 0)
		return 0;
	if (strcmp(t, "mode") == 0)
		return 1;
	if (strcmp(t, "max") == 0)
		return 2;
	return -1;
}

/* The key p names: *k, its indices idx[0..2], *part (-1 whole, 0..2 a triangle's min/mode/max). */
struct match {
	const struct key *k;
	long idx[3];
	int part;
};

/* 1 when p matches the key's pattern (indices within their fixed bounds: -2 when out of range). */
static int match_key(const struct key *k, const struct parsed *p, struct match *m)
{
	const char *pat = k->pat;
	size_t t = 0, lvl = 0;
	int oor = 0;
	m->k = k;
	m->part = -1;
	m->idx[0] = m->idx[1] = m->idx[2] = 0;
	while (*pat) {
		const char *end = strchr(pat, '.');
		size_t len = end ? (size_t)(end - pat) : strlen(pat);
		const char *tok;
		long v = -1;
		if (t >= p->n)
			return 0;
		tok = p->tok[t++];
		if (len == 1 && pat[0] == '#') {
			v = num_token(tok);
			if (v < 0)
				return 0;
		} else if (len == 2 && pat[0] == '%') {
			if (pat[1] == 's')
				v = name_index(sev_names, PT_MCI_SEVS, tok);
			else if (pat[1] == 'c')
				v = name_index(cat_names, PT_MCI_CATS, tok);
			else
				v = name_index(method_names, 2, tok);
			if (v < 0)
				return 0;
		} else if (strlen(tok) != len || memcmp(tok, pat, len) != 0) {
			return 0;
		}
		if (v >= 0) {
			if ((size_t)v >= k->max[lvl])
				oor = 1;
			m->idx[lvl++] = v;
		}
		pat += len;
		if (*pat == '.')
			pat++;
	}
	if (t == p->n)
		return oor ? -2 : 1;
	if (k->type == K_TRI && t + 1 == p->n && (m->part = tri_part(p->tok[t])) >= 0)
		return oor ? -2 : 1;
	return 0;
}

/* Find the key of path; 1 found, 0 unknown, -2 an index beyond the limit. */
static int find_key(const char *path, struct match *m)
{
	struct parsed p;
	size_t i;
	if (split(&p, path) != 0)
		return 0;
	for (i = 0; i < N_KEYS; i++) {
		int r = match_key(&keys[i], &p, m);
		if (r)
			return r;
	}
	return 0;
}

static size_t *arr_count(struct pt_mci_scenario *s, enum karr a)
{
	switch (a) {
	case A_SITES:
		return &s->attack.n_sites;
	case A_HOSP:
		return &s->n_hospitals;
	case A_BASES:
		return &s->response.n_bases;
	case A_DEC:
		return &s->n_decisions;
	default:
		return NULL;
	}
}

/* Grow array a to hold index i, new elements at their defaults. */
static void arr_extend(struct pt_mci_scenario *s, enum karr a, size_t i)
{
	size_t *n = arr_count(s, a);
	for (; *n <= i; (*n)++) {
		switch (a) {
		case A_SITES:
			site_default(&s->attack.sites[*n], *n);
			break;
		case A_HOSP:
			hospital_default(&s->hospitals[*n], *n);
			break;
		case A_BASES:
			base_default(&s->response.bases[*n], *n);
			break;
		case A_DEC:
			decision_default(&s->decisions[*n], *n);
			break;
		default:
			return;
		}
	}
}

static enum pt_err bad(struct pt_diag *d, enum pt_err e, const char *path, const char *what)
{
	return pt_diag_put(d, e, 0, path, what);
}

/* A finite number, the whole text (spaces around allowed). */
static int parse_double(const char *v, double *out)
{
	char *end;
	double x;
	while (isspace((unsigned char)*v))
		v++;
	if (!*v)
		return -1;
	x = strtod(v, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (*end || !isfinite(x))
		return -1;
	*out = x;
	return 0;
}

static int ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* "number from LO to HI expected" into d. */
static enum pt_err range_msg(struct pt_diag *d, enum pt_err e, const char *path, const struct key *k,
			     const char *what)
{
	char msg[160] = "";
	cat(msg, sizeof msg, what);
	cat(msg, sizeof msg, " from ");
	cat_num(msg, sizeof msg, k->lo);
	cat(msg, sizeof msg, " to ");
	cat_num(msg, sizeof msg, k->hi);
	cat(msg, sizeof msg, " expected");
	return bad(d, e, path, msg);
}

/* A number of key k within its range. */
static enum pt_err parse_in_range(const struct key *k, const char *path, const char *value, int integral,
				  double *out, struct pt_diag *d)
{
	double x;
	const char *what = integral ? "a whole number" : "a number";
	if (parse_double(value, &x) != 0 || (integral && x != floor(x)))
		return range_msg(d, PT_EINVAL, path, k, what);
	if (x < k->lo)
		return range_msg(d, PT_EINVAL, path, k, what);
	if (x > k->hi)
		return range_msg(d, k->limit ? PT_ELIMIT : PT_EINVAL, path, k, what);
	*out = x;
	return PT_OK;
}

enum pt_err pt_mci_set(struct pt_mci_scenario *s, const char *path, const char *value,
		       struct pt_diag *d)
{
	struct match m;
	const struct key *k;
	char *field;
	size_t l;
	double x;
	enum pt_err e;
	int r;
	if (!path || !value)
		return bad(d, PT_EINVAL, path ? path : "", "a key and a value expected");
	r = find_key(path, &m);
	if (r == 0)
		return bad(d, PT_ENOTFOUND, path, "unknown key");
	if (r == -2)
		return bad(d, PT_ELIMIT, path, "index beyond the limit");
	k = m.k;
	field = (char *)s + k->off;
	for (l = 0; l < 3; l++)
		field += k->stride[l] * (size_t)m.idx[l];
	switch (k->type) {
	case K_DBL:
		if ((e = parse_in_range(k, path, value, 0, &x, d)))
			return e;
		if (k->arr != A_NONE)
			arr_extend(s, k->arr, (size_t)m.idx[0]);
		*(double *)field = x;
		return PT_OK;
	case K_UNS:
		if ((e = parse_in_range(k, path, value, 1, &x, d)))
			return e;
		if (k->arr != A_NONE)
			arr_extend(s, k->arr, (size_t)m.idx[0]);
		*(unsigned *)field = (unsigned)x;
		return PT_OK;
	case K_INT:
		if ((e = parse_in_range(k, path, value, 1, &x, d)))
			return e;
		if (k->arr != A_NONE)
			arr_extend(s, k->arr, (size_t)m.idx[0]);
		*(int *)field = (int)x;
		return PT_OK;
	case K_FLAG: {
		int f;
		if (ieq(value, "true") || ieq(value, "yes") || ieq(value, "on") || strcmp(value, "1") == 0)
			f = 1;
		else if (ieq(value, "false") || ieq(value, "no") || ieq(value, "off") ||
			 strcmp(value, "0") == 0)
			f = 0;
		else
			return bad(d, PT_EINVAL, path, "true or false expected");
		if (k->arr != A_NONE)
			arr_extend(s, k->arr, (size_t)m.idx[0]);
		*(int *)field = f;
		return PT_OK;
	}
	case K_TRIAGE:
		if (ieq(value, "START"))
			*(enum pt_mci_triage *)field = PT_MCI_TRIAGE_START;
		else if (ieq(value, "SALT"))
			*(enum pt_mci_triage *)field = PT_MCI_TRIAGE_SALT;
		else
			return bad(d, PT_EINVAL, path, "START or SALT expected");
		return PT_OK;
	case K_POLICY:
		if (ieq(value, "nearest"))
			*(enum pt_mci_policy *)field = PT_MCI_POLICY_NEAREST;
		else if (ieq(value, "balanced"))
			*(enum pt_mci_policy *)field = PT_MCI_POLICY_BALANCED;
		else
			return bad(d, PT_EINVAL, path, "nearest or balanced expected");
		return PT_OK;
	case K_NAME:
		if (strlen(value) >= PT_MCI_NAME_MAX)
			return bad(d, PT_ELIMIT, path, "longer than 95 bytes");
		if (k->arr != A_NONE)
			arr_extend(s, k->arr, (size_t)m.idx[0]);
		pt_strlcpy(field, value, PT_MCI_NAME_MAX);
		return PT_OK;
	case K_PATH: {
		struct match m2;
		if (strlen(value) >= PT_MCI_PATH_MAX)
			return bad(d, PT_ELIMIT, path, "longer than 95 bytes");
		r = find_key(value, &m2);
		if (r != 1)
			return bad(d, PT_EINVAL, path, "no such key");
		if (!decision_key(m2.k))
			return bad(d, PT_EINVAL, path, "not a key a decision may set (response.* or hospitals.N.*)");
		if (k->arr != A_NONE)
			arr_extend(s, k->arr, (size_t)m.idx[0]);
		pt_strlcpy(field, value, PT_MCI_PATH_MAX);
		return PT_OK;
	}
	case K_VALUE:
		if (strlen(value) >= PT_MCI_VALUE_MAX)
			return bad(d, PT_ELIMIT, path, "longer than 95 bytes");
		if (k->arr != A_NONE)
			arr_extend(s, k->arr, (size_t)m.idx[0]);
		pt_strlcpy(field, value, PT_MCI_VALUE_MAX);
		return PT_OK;
	case K_TRI: {
		struct pt_mci_tri *t = (struct pt_mci_tri *)field, v;
		if (m.part >= 0) {
			if ((e = parse_in_range(k, path, value, 0, &x, d)))
				return e;
			if (k->arr != A_NONE)
				arr_extend(s, k->arr, (size_t)m.idx[0]);
			if (m.part == 0)
				t->min = x;
			else if (m.part == 1)
				t->mode = x;
			else
				t->max = x;
			return PT_OK;
		}
		/* The whole triangle: "v" (a constant) or "min,mode,max". */
		{
			char buf[PT_MCI_VALUE_MAX], *c1, *c2;
			if (strlen(value) >= sizeof buf)
				return bad(d, PT_EINVAL, path, "a number or min,mode,max expected");
			pt_strlcpy(buf, value, sizeof buf);
			c1 = strchr(buf, ',');
			if (!c1) {
				if ((e = parse_in_range(k, path, buf, 0, &x, d)))
					return e;
				v.min = v.mode = v.max = x;
			} else {
				*c1 = '\0';
				c2 = strchr(c1 + 1, ',');
				if (!c2)
					return bad(d, PT_EINVAL, path, "a number or min,mode,max expected");
				*c2 = '\0';
				if ((e = parse_in_range(k, path, buf, 0, &v.min, d)) ||
				    (e = parse_in_range(k, path, c1 + 1, 0, &v.mode, d)) ||
				    (e = parse_in_range(k, path, c2 + 1, 0, &v.max, d)))
					return e;
				if (!(v.min <= v.mode && v.mode <= v.max))
					return bad(d, PT_EINVAL, path, "min <= mode <= max expected");
			}
			if (k->arr != A_NONE)
				arr_extend(s, k->arr, (size_t)m.idx[0]);
			*t = v;
			return PT_OK;
		}
	}
	}
	return bad(d, PT_EINTERNAL, path, "key of an unknown type");
}

/* ---- every key in use, with its value ---- */

static size_t level_count(const struct pt_mci_scenario *s, const struct key *k, size_t lvl, enum karr arr)
{
	if (arr != A_NONE)
		return *arr_count((struct pt_mci_scenario *)(uintptr_t)s, arr);
	return k->max[lvl];
}

static void key_path(const struct key *k, const long idx[3], char *out, size_t n);

/* Report key k at indices idx (its field at f) through fn. */
static void each_value(const struct pt_mci_scenario *s, const struct key *k, const long idx[3], const char *f,
		       pt_mci_key_fn fn, void *ctx)
{
	char path[PT_MCI_PATH_MAX + 8];
	key_path(k, idx, path, sizeof path);
	(void)s;
	switch (k->type) {
	case K_DBL:
		fn(ctx, path, NULL, *(const double *)(const void *)f);
		break;
	case K_UNS:
		fn(ctx, path, NULL, (double)*(const unsigned *)(const void *)f);
		break;
	case K_INT:
		fn(ctx, path, NULL, (double)*(const int *)(const void *)f);
		break;
	case K_FLAG:
		fn(ctx, path, *(const int *)(const void *)f ? "true" : "false", 0);
		break;
	case K_TRIAGE:
		fn(ctx, path, method_names[*(const enum pt_mci_triage *)(const void *)f == PT_MCI_TRIAGE_SALT], 0);
		break;
	case K_POLICY:
		fn(ctx, path,
		   *(const enum pt_mci_policy *)(const void *)f == PT_MCI_POLICY_BALANCED ? "balanced" : "nearest", 0);
		break;
	case K_NAME:
	case K_PATH:
	case K_VALUE:
		fn(ctx, path, f, 0);
		break;
	case K_TRI: {
		const struct pt_mci_tri *t = (const struct pt_mci_tri *)(const void *)f;
		size_t l = strlen(path);
		cat(path, sizeof path, ".min");
		fn(ctx, path, NULL, t->min);
		path[l] = '\0';
		cat(path, sizeof path, ".mode");
		fn(ctx, path, NULL, t->mode);
		path[l] = '\0';
		cat(path, sizeof path, ".max");
		fn(ctx, path, NULL, t->max);
		break;
	}
	}
}

void pt_mci_each_key(const struct pt_mci_scenario *s, pt_mci_key_fn fn, void *ctx)
{
	size_t i;
	for (i = 0; i < N_KEYS; i++) {
		const struct key *k = &keys[i];
		size_t levels = 0, n0, n1, n2, a, b, c;
		const char *p;
		for (p = k->pat; *p; p++)
			levels += *p == '#' || *p == '%';
		n0 = levels > 0 ? level_count(s, k, 0, k->arr) : 1;
		n1 = levels > 1 ? level_count(s, k, 1, k->arr1) : 1;
		n2 = levels > 2 ? level_count(s, k, 2, A_NONE) : 1;
		for (a = 0; a < n0; a++)
			for (b = 0; b < n1; b++)
				for (c = 0; c < n2; c++) {
					long idx[3] = { (long)a, (long)b, (long)c };
					const char *f = (const char *)s + k->off + k->stride[0] * a + k->stride[1] * b +
							k->stride[2] * c;
					each_value(s, k, idx, f, fn, ctx);
				}
	}
}

/* ---- the rules between fields ---- */

/* Write key k's path at indices idx into out. */
static void key_path(const struct key *k, const long idx[3], char *out, size_t n)
{
	const char *pat = k->pat;
	size_t lvl = 0;
	out[0] = '\0';
	while (*pat) {
		if (pat[0] == '#') {
			cat_u(out, n, (unsigned long long)idx[lvl++]);
			pat++;
		} else if (pat[0] == '%') {
			long i = idx[lvl++];
			cat(out, n, pat[1] == 's' ? sev_names[i] : pat[1] == 'c' ? cat_names[i] : method_names[i]);
			pat += 2;
		} else {
			char c[2] = { pat[0], '\0' };
			cat(out, n, c);
			pat++;
		}
	}
}

/* Every triangle min <= mode <= max, over every element in use. */
static enum pt_err check_triangles(const struct pt_mci_scenario *s, struct pt_diag *d)
{
	size_t i;
	for (i = 0; i < N_KEYS; i++) {
		const struct key *k = &keys[i];
		size_t n0 = 1, j;
		if (k->type != K_TRI)
			continue;
		if (k->arr != A_NONE)
			n0 = *arr_count((struct pt_mci_scenario *)(uintptr_t)s, k->arr);
		else if (k->max[0])
			n0 = k->max[0];
		for (j = 0; j < n0; j++) {
			const struct pt_mci_tri *t;
			long idx[3] = { (long)j, 0, 0 };
			if (k->max[0] == PT_MCI_SEVS && j == PT_MCI_KILLED && k->arr == A_NONE)
				continue; /* the killed class has no NISS draw */
			t = (const struct pt_mci_tri *)((const char *)s + k->off + k->stride[0] * j);
			if (!(t->min <= t->mode && t->mode <= t->max)) {
				char path[PT_MCI_PATH_MAX], msg[96] = "min <= mode <= max expected (min ";
				key_path(k, idx, path, sizeof path);
				cat_num(msg, sizeof msg, t->min);
				cat(msg, sizeof msg, ", mode ");
				cat_num(msg, sizeof msg, t->mode);
				cat(msg, sizeof msg, ", max ");
				cat_num(msg, sizeof msg, t->max);
				cat(msg, sizeof msg, ")");
				return bad(d, PT_EINVAL, path, msg);
			}
		}
	}
	return PT_OK;
}

static int sums_to_one(const double *x, size_t n)
{
	double t = 0;
	size_t i;
	for (i = 0; i < n; i++)
		t += x[i];
	return fabs(t - 1) <= 1e-6;
}

/* A site's travel times: exactly one per element in use (n of them), none
 * beyond (docs/scenarios.md: a missing or extra time is a planning error,
 * not something to default). */
static enum pt_err check_travel(struct pt_diag *d, size_t site, const char *key, const double *t, size_t cap,
				size_t n, const char *what)
{
	char path[PT_MCI_PATH_MAX] = "", msg[sizeof d->msg] = "";
	size_t k, given = 0, hole = SIZE_MAX;
	for (k = 0; k < cap; k++) {
		if (!isnan(t[k]))
			given++;
		else if (k < n && hole == SIZE_MAX)
			hole = k;
	}
	if (given == n && hole == SIZE_MAX)
		return PT_OK;
	cat(path, sizeof path, "attack.sites.");
	cat_u(path, sizeof path, site);
	cat(path, sizeof path, ".");
	cat(path, sizeof path, key);
	if (given != n) {
		cat_u(msg, sizeof msg, given);
		cat(msg, sizeof msg, given == 1 ? " value for " : " values for ");
		cat_u(msg, sizeof msg, n);
		cat(msg, sizeof msg, " ");
		cat(msg, sizeof msg, what);
		cat(msg, sizeof msg, n == 1 ? "" : "s");
		cat(msg, sizeof msg, " (one per ");
		cat(msg, sizeof msg, what);
		cat(msg, sizeof msg, ", in their order)");
	} else {
		cat(msg, sizeof msg, "no value for ");
		cat(msg, sizeof msg, what);
		cat(msg, sizeof msg, " ");
		cat_u(msg, sizeof msg, hole);
	}
	return bad(d, PT_EINVAL, path, msg);
}

enum pt_err pt_mci_check(const struct pt_mci_scenario *s, struct pt_diag *d)
{
	enum pt_err e;
	size_t i, m, c;
	double share = 0;
	char path[PT_MCI_PATH_MAX];
	if (!(s->horizon_min > 0))
		return bad(d, PT_EINVAL, "horizon_min", "a positive number of minutes expected");
	if (s->snapshot && !(s->snapshot_min >= 0 && s->snapshot_min <= s->horizon_min))
		return bad(d, PT_EINVAL, "snapshot_min", "a minute from 0 to horizon_min expected");
	if (s->attack.victims > PT_MCI_MAX_VICTIMS)
		return bad(d, PT_ELIMIT, "attack.victims", "more than 20000 victims");
	if (!sums_to_one(s->attack.mix, PT_MCI_SEVS))
		return bad(d, PT_EINVAL, "attack.mix", "the shares of the severity classes must sum to 1");
	if (s->attack.n_sites < 1 || s->attack.n_sites > PT_MCI_MAX_SITES)
		return bad(d, PT_EINVAL, "attack.sites", "1 to 16 attack sites expected");
	if (s->n_hospitals < 1 || s->n_hospitals > PT_MCI_MAX_HOSPITALS)
		return bad(d, PT_EINVAL, "hospitals", "1 to 32 receiving hospitals expected");
	if (s->response.n_bases > PT_MCI_MAX_BASES)
		return bad(d, PT_ELIMIT, "response.bases", "more than 32 bases");
	if (s->response.ambulances > PT_MCI_MAX_AMBULANCES)
		return bad(d, PT_ELIMIT, "response.ambulances", "more than 2000 ambulances");
	if (s->response.ambulances > 0 && s->response.n_bases < 1) {
		char msg[sizeof d->msg] = "";
		cat_u(msg, sizeof msg, s->response.ambulances);
		cat(msg, sizeof msg, " ambulances (the default is 10) need at least one base: add response.bases "
				     "(with attack.sites.N.base_travel_min), or set response.ambulances to 0");
		return bad(d, PT_EINVAL, "response.ambulances", msg);
	}
	for (i = 0; i < s->attack.n_sites; i++) {
		const struct pt_mci_site *st = &s->attack.sites[i];
		share += st->share;
		if (st->hospital_index >= (int)s->n_hospitals) {
			path[0] = '\0';
			cat(path, sizeof path, "attack.sites.");
			cat_u(path, sizeof path, i);
			cat(path, sizeof path, ".hospital_index");
			return bad(d, PT_EINVAL, path, "not a hospital of the scenario");
		}
	}
	if (fabs(share - 1) > 1e-6)
		return bad(d, PT_EINVAL, "attack.sites", "the sites' shares must sum to 1");
	for (i = 0; i < s->attack.n_sites; i++) {
		const struct pt_mci_site *st = &s->attack.sites[i];
		if ((e = check_travel(d, i, "hospital_travel_min", st->hospital_travel_min, PT_MCI_MAX_HOSPITALS,
				      s->n_hospitals, "hospital")) ||
		    (e = check_travel(d, i, "base_travel_min", st->base_travel_min, PT_MCI_MAX_BASES,
				      s->response.n_bases, "base")))
			return e;
	}
	for (m = 0; m < 2; m++)
		for (c = 0; c < PT_MCI_CATS; c++)
			if (!sums_to_one(s->response.misclass[m][c], PT_MCI_CATS)) {
				path[0] = '\0';
				cat(path, sizeof path, "response.misclass.");
				cat(path, sizeof path, method_names[m]);
				cat(path, sizeof path, ".");
				cat(path, sizeof path, cat_names[c]);
				return bad(d, PT_EINVAL, path, "a row of the misclassification table must sum to 1");
			}
	if ((e = check_triangles(s, d)))
		return e;
	if (s->n_decisions > PT_MCI_MAX_DECISIONS)
		return bad(d, PT_ELIMIT, "decisions", "more than 256 decisions");
	/* Each decision names a key it may set and an element that exists ... */
	for (i = 0; i < s->n_decisions; i++) {
		const struct pt_mci_decision *dc = &s->decisions[i];
		struct match mk;
		path[0] = '\0';
		cat(path, sizeof path, "decisions.");
		cat_u(path, sizeof path, i);
		if (!dc->path[0]) {
			cat(path, sizeof path, ".path");
			return bad(d, PT_EINVAL, path, "a decision needs a key");
		}
		if (find_key(dc->path, &mk) != 1) {
			cat(path, sizeof path, ".path");
			return bad(d, PT_EINVAL, path, "no such key");
		}
		if (!decision_key(mk.k)) {
			cat(path, sizeof path, ".path");
			return bad(d, PT_EINVAL, path,
				   "not a key a decision may set (response.* or hospitals.N.*)");
		}
		/* Arrays are sized before the run: a decision sets an element that exists. */
		if (mk.k->arr != A_NONE && (size_t)mk.idx[0] >= *arr_count((struct pt_mci_scenario *)(uintptr_t)s, mk.k->arr)) {
			cat(path, sizeof path, ".path");
			return bad(d, PT_EINVAL, path, "names an element the scenario does not have");
		}
	}
	/* ... and the scenario after the decisions of each minute, in the order the
	 * run applies them (time, then file order), keeps every rule. */
	if (s->n_decisions) {
		struct pt_mci_scenario *copy = malloc(sizeof *copy);
		size_t order[PT_MCI_MAX_DECISIONS], j;
		if (!copy)
			return PT_ENOMEM;
		for (i = 0; i < s->n_decisions; i++) {
			/* stable insertion by time */
			for (j = i; j > 0 && s->decisions[order[j - 1]].t_min > s->decisions[i].t_min; j--)
				order[j] = order[j - 1];
			order[j] = i;
		}
		*copy = *s;
		copy->n_decisions = 0;
		for (j = 0; j < s->n_decisions; j++) {
			const struct pt_mci_decision *dc = &s->decisions[order[j]];
			path[0] = '\0';
			cat(path, sizeof path, "decisions.");
			cat_u(path, sizeof path, order[j]);
			e = pt_mci_set(copy, dc->path, dc->value, d);
			/* Decisions at one minute apply together before anything else happens
			 * then (a misclassification row changes cell by cell): check after the last. */
			if (!e && (j + 1 == s->n_decisions ||
				   s->decisions[order[j + 1]].t_min != dc->t_min))
				e = pt_mci_check(copy, d);
			if (e) {
				char msg[sizeof d->msg] = "";
				cat(msg, sizeof msg, d->field);
				cat(msg, sizeof msg, ": ");
				cat(msg, sizeof msg, d->msg);
				cat(path, sizeof path, ".value");
				free(copy);
				return bad(d, e == PT_ENOTFOUND ? PT_EINVAL : e, path, msg);
			}
		}
		free(copy);
	}
	return PT_OK;
}
