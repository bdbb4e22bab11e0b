/* pt_mci.c - one replication of the mass-casualty model on the event queue
 * (pt_mci_run) and many of them on threads (pt_mci_run_many); docs/methodology.md. */
#include "pt_mci.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "pt_evq.h"
#include "pt_rng.h"

/*
 * Random streams: pt_rng_seed(seed, rep, entity, purpose). The purposes are
 * fixed numbers: adding one never shifts another's draws. Entities carry
 * their kind in the high 32 bits.
 */
enum {
	PUR_VICTIM = 1, /* a victim's class, NISS, bleeding, lethal spread, walking (drawn at t = 0) */
	PUR_TRIAGE = 2, /* a victim's triage times and categories */
	PUR_CARE = 3,   /* a victim's rescue, CCP, stabilisation and hospital times */
	PUR_SITE = 4,   /* a site's secure time */
	PUR_AMB = 5     /* an ambulance's dispatch, travel noise, loading, handover */
};
#define KEY_VICTIM(i) ((UINT64_C(1) << 32) | (uint64_t)(i))
#define KEY_SITE(i) ((UINT64_C(2) << 32) | (uint64_t)(i))
#define KEY_AMB(i) ((UINT64_C(3) << 32) | (uint64_t)(i))

/* A bleeding victim whose blood volume falls below this share has lost over
 * 30%: ATLS class III haemorrhage, an immediate (T1) casualty. */
#define WORSEN_VOLUME 0.7
#define MAX_LOAD 20 /* patients per ambulance (the key's limit) */
#define NISS_MAX 75 /* the largest NISS (the key's limit) */
/* A waiting line's largest size: every victim joining it many times over. */
#define LINE_MAX_ENTRIES ((size_t)64 * PT_MCI_MAX_VICTIMS)

enum ev_kind {
	EV_DECISION, EV_DEATH, EV_WORSEN, EV_WALK, EV_SECURE, EV_RTF_ENTER, EV_RTF_DONE,
	EV_TRIAGE_DONE, EV_RETRIAGE, EV_CCP_DONE, EV_AMB_DISPATCH, EV_AMB_AT_SITE, EV_AMB_DEPART,
	EV_AMB_AT_HOSP, EV_AMB_FREE, EV_RESUS_DONE, EV_OR_DONE, EV_ED_DONE, EV_SURGE
};

enum v_state {
	S_HOT, S_RTF, S_TQ, S_TRI, S_WAIT, S_CCP, S_AMB, S_WALK, S_HQ_RESUS, S_RESUS, S_HQ_OR, S_OR,
	S_HQ_ED, S_ED, S_CARED, S_DEAD
};

enum v_flag {
	F_BC = 1, F_DCR = 2, F_STOP = 4, F_CCP = 8, F_TREATED = 16, F_OPERATED = 32, F_CRIT = 64,
	F_HOSP = 128, F_RESUS = 256
};

struct victim {
	double lethal_used, lethal_at; /* the lethal clock: minutes used, death when used reaches at */
	double bleed_used;             /* -ln(blood volume share) so far */
	double lethal_rate, bleed_rate, alpha;
	double t_upd;                  /* clocks brought up to this time */
	double t_first_treat, t_surgery, t_triaged;
	uint32_t epoch; /* bumped when the clocks change: older death/worsen events are stale */
	uint32_t svc;   /* bumped when a service is cut short: older service events are stale */
	uint32_t qtok;  /* bumped on each entry in a waiting line: older entries are stale */
	uint16_t site, hosp;
	uint8_t niss; /* the victim's NISS (75 for the killed outright) */
	uint8_t sev, truecat, cat, state, final;
	uint16_t flags;
	struct pt_rng rt, rc;
};

/* A waiting line of victims with lazy removal: (victim, token) pairs. */
struct line {
	uint64_t *e;
	size_t head, n, cap;
};

struct amb {
	struct pt_rng r;
	uint32_t load[MAX_LOAD];
	uint32_t n_load, trips;
	uint16_t base, site, hosp;
	uint8_t state, live;
};
enum { A_BASE, A_TO_SITE, A_IDLE, A_LOADING, A_TO_HOSP, A_HANDOVER, A_DONE };

struct site_rt {
	uint32_t v0, v1;           /* its victims [v0, v1) */
	uint32_t rtf_next;         /* next victim an RTF team looks at */
	unsigned tri_busy, ccp_busy, rtf_busy;
	int secure, rtf_in;
	uint32_t need;             /* victims alive here who still need an ambulance */
	uint32_t untriaged;        /* victims alive here not yet triaged: minor ones wait for them */
	uint32_t assigned;         /* ambulances on their way here or here */
	uint32_t *idle;            /* ambulances waiting here (a stack) */
	size_t n_idle;
	struct line tq, wait[3], ccp[2];
	uint8_t order[PT_MCI_MAX_HOSPITALS]; /* hospitals by travel time from here */
};

struct hosp_rt {
	unsigned resus_busy, or_busy, ed_busy, icu_used;
	unsigned wait_resus, wait_ed, enroute_crit, enroute_other;
	unsigned load, peak;
	size_t filled;             /* load series steps written */
	struct line resus, or_line, ed;
};

struct mci_work {
	struct pt_evq q;
	struct victim *v;
	size_t v_cap;
	/* each victim's stream keys' seed parts (victim, triage, care: pt_rng_key23),
	 * which do not depend on the replication: made once per seed */
	uint64_t *vkey;
	size_t vkey_n;             /* victims whose keys are made */
	uint64_t vkey_seed;
	struct amb *amb;
	size_t n_amb;
	uint32_t *idle_store;      /* PT_MCI_MAX_SITES x PT_MCI_MAX_AMBULANCES */
	struct site_rt site[PT_MCI_MAX_SITES];
	struct hosp_rt hosp[PT_MCI_MAX_HOSPITALS];
	unsigned base_made[PT_MCI_MAX_BASES];
	struct pt_mci_scenario *copy; /* a per-run copy when decisions change it */
	/* the run */
	const struct pt_mci_scenario *s;
	uint64_t seed, rep, k1;
	struct pt_mci_rep *out;
	float *load;
	size_t n_steps;
	pt_mci_trace_fn trace;
	void *trace_ctx;
	double horizon, now;
	enum pt_err err;
	uint64_t events;
	double bleed_death, bleed_worsen;  /* -ln of the death and class III volume shares */
	/* pt_mci_death_mean_min at each integer NISS (NaN: not yet), for death_a, death_b */
	double death_mean[NISS_MAX + 1];
	double death_a, death_b;
	int death_mean_ok;
};

/* ---- waiting lines ---- */

static void line_clear(struct line *l)
{
	l->head = l->n = 0;
}

static void line_push(struct mci_work *w, struct line *l, uint32_t id, uint32_t tok)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		uint64_t *e;
		if (l->head > 0 && l->head * 2 >= l->n) { /* compact instead of growing */
			memmove(l->e, l->e + l->head, (l->n - l->head) * sizeof *l->e);
			l->n -= l->head;
			l->head = 0;
		} else {
			if (cap > LINE_MAX_ENTRIES) {
				w->err = PT_ELIMIT;
				return;
			}
			e = realloc(l->e, cap * sizeof *e);
			if (!e) {
				w->err = PT_ENOMEM;
				return;
			}
			l->e = e;
			l->cap = cap;
		}
	}
	l->e[l->n++] = ((uint64_t)tok << 32) | id;
}

static void line_free(struct line *l)
{
	free(l->e);
	l->e = NULL;
	l->cap = l->head = l->n = 0;
}

/* ---- draws ---- */

/* Bits of a if m is all ones, of b if m is zero. */
static inline double pick(uint64_t m, double a, double b)
{
	uint64_t x, y;
	memcpy(&x, &a, sizeof x);
	memcpy(&y, &b, sizeof y);
	x = y ^ ((x ^ y) & m);
	memcpy(&a, &x, sizeof a);
	return a;
}

/* The triangular variate of inversion at u: min + sqrt(u w (mode - min))
 * below the mode, max - sqrt((1 - u) w (max - mode)) above it, the same
 * numbers, with the side chosen by masks (which side a draw falls on is a
 * coin a branch predictor cannot guess) and one square root. */
static inline double tri_at(const struct pt_mci_tri *t, double u)
{
	double w = t->max - t->min, r;
	uint64_t m;
	if (!(w > 0))
		return t->min;
	m = (uint64_t)0 - (uint64_t)(u * w < t->mode - t->min);
	r = sqrt(pick(m, u * w * (t->mode - t->min), (1 - u) * w * (t->max - t->mode)));
	return pick(m, t->min + r, t->max - r);
}

static inline double tri_draw(const struct pt_mci_tri *t, struct pt_rng *r)
{
	return tri_at(t, pt_rng_uniform(r));
}

/* A travel time: the matrix's value is the median; log-normal noise. */
static double travel(const struct mci_work *w, double median, struct pt_rng *r)
{
	double z = pt_rng_normal(r);
	return median * exp(w->s->response.travel_noise * z);
}

/* ---- tracing and scheduling ---- */

/* Fill a trace event (the victim's or ambulance's site when site < 0). */
static void tr_fill(struct mci_work *w, struct pt_mci_trace_event *e, const char *what, long victim, long amb,
		    long hosp, int cat, long site)
{
	if (site < 0 && victim >= 0)
		site = w->v[victim].site;
	else if (site < 0 && amb >= 0 && w->amb[amb].state != A_BASE && w->amb[amb].state != A_DONE)
		site = w->amb[amb].site;
	e->site = (int)site;
	e->niss = -1;
	e->cause = e->path = e->value = NULL;
	e->t_min = w->now;
	e->what = what;
	e->victim = (int)victim;
	e->ambulance = (int)amb;
	e->hospital = (int)hosp;
	e->cat = cat;
}

static void tr_site(struct mci_work *w, const char *what, long victim, long amb, long hosp, int cat,
		    long site)
{
	struct pt_mci_trace_event e;
	if (!w->trace)
		return;
	tr_fill(w, &e, what, victim, amb, hosp, cat, site);
	w->trace(w->trace_ctx, &e);
}

static void tr(struct mci_work *w, const char *what, long victim, long amb, long hosp, int cat)
{
	if (w->trace)
		tr_site(w, what, victim, amb, hosp, cat, -1);
}

static void push(struct mci_work *w, double t, enum ev_kind k, uint32_t who, uint32_t arg)
{
	enum pt_err e;
	if (!(t <= w->horizon))
		return; /* after the horizon (or never): nothing to do */
	e = pt_evq_push(&w->q, t, (uint32_t)k, who, arg);
	if (e && !w->err)
		w->err = e;
}

/* ---- hospital load series ---- */

static void load_change(struct mci_work *w, size_t h, int delta)
{
	struct hosp_rt *hr = &w->hosp[h];
	if (w->load) {
		float *row = w->load + h * w->n_steps;
		/* steps strictly before now keep the old value */
		while (hr->filled < w->n_steps && (double)hr->filled * PT_MCI_LOAD_STEP_MIN < w->now)
			row[hr->filled++] = (float)hr->load;
	}
	hr->load = (unsigned)((int)hr->load + delta);
	if (hr->load > hr->peak)
		hr->peak = hr->load;
}

/* ---- the clocks ---- */

static void clocks_update(struct mci_work *w, struct victim *v)
{
	double dt = w->now - v->t_upd;
	if (dt > 0) {
		v->lethal_used += v->lethal_rate * dt;
		v->bleed_used += v->bleed_rate * dt;
	}
	v->t_upd = w->now;
}

/* Schedule the victim's death and worsening under the current rates. */
static void clocks_schedule(struct mci_work *w, struct victim *v, uint32_t id)
{
	double td = INFINITY, t;
	v->epoch++;
	if (v->lethal_rate > 0)
		td = w->now + (v->lethal_at - v->lethal_used) / v->lethal_rate;
	if (v->bleed_rate > 0) {
		t = w->now + (w->bleed_death - v->bleed_used) / v->bleed_rate;
		if (t < td)
			td = t;
		if (v->truecat != PT_MCI_T1 && v->bleed_used < w->bleed_worsen) {
			t = w->now + (w->bleed_worsen - v->bleed_used) / v->bleed_rate;
			if (t < td)
				push(w, t, EV_WORSEN, id, v->epoch);
		}
	}
	if (td < w->now)
		td = w->now;
	push(w, td, EV_DEATH, id, v->epoch);
}

/* Treatment: bleeding control, damage-control resuscitation (dcr 1: in the
 * field; 2: in a hospital's resuscitation bay), or definitive care (stop). */
static void treat(struct mci_work *w, uint32_t id, int bc, int dcr, int stop)
{
	struct victim *v = &w->v[id];
	const struct pt_mci_scenario *s = w->s;
	uint16_t before = v->flags & (F_BC | F_DCR | F_RESUS | F_STOP);
	if (before & F_STOP)
		return; /* definitive care already */
	clocks_update(w, v);
	if (bc)
		v->flags |= F_BC;
	if (dcr)
		v->flags |= F_DCR;
	if (dcr > 1)
		v->flags |= F_RESUS;
	if (stop)
		v->flags |= F_STOP;
	if (!(v->flags & F_TREATED) && (bc || dcr || stop)) {
		v->flags |= F_TREATED;
		v->t_first_treat = w->now;
	}
	if ((v->flags & (F_BC | F_DCR | F_RESUS | F_STOP)) == before)
		return;
	if (v->flags & F_STOP) {
		v->lethal_rate = 0;
		v->bleed_rate = 0;
	} else {
		if (isfinite(v->lethal_at))
			v->lethal_rate = (v->flags & F_RESUS) ? 1.0 / s->injury.resus_factor
					 : (v->flags & F_DCR) ? 1.0 / s->injury.dcr_factor : 1.0;
		if (v->alpha > 0)
			v->bleed_rate = v->alpha * ((v->flags & F_BC) ? s->injury.bleeding_control_factor : 1.0);
	}
	clocks_schedule(w, v, id);
}

/* ---- capacities ---- */

static unsigned capacity(unsigned base, const struct pt_mci_hospital *h, double now)
{
	double c;
	if (now < h->surge_delay_min || h->surge_factor <= 1)
		return base;
	c = floor((double)base * h->surge_factor);
	return c > 4e9 ? 4000000000u : (unsigned)c;
}

/* ---- the hospital ---- */

static int line_take(struct mci_work *w, struct line *l, uint8_t state, uint32_t *out)
{
	while (l->head < l->n) {
		uint64_t e = l->e[l->head++];
		uint32_t id = (uint32_t)e;
		struct victim *v = &w->v[id];
		if (v->state == state && v->qtok == (uint32_t)(e >> 32)) {
			*out = id;
			return 1;
		}
	}
	return 0;
}

static void hosp_start(struct mci_work *w, size_t h)
{
	const struct pt_mci_hospital *hp = &w->s->hospitals[h];
	struct hosp_rt *hr = &w->hosp[h];
	const unsigned cap_resus = capacity(hp->resus, hp, w->now), cap_or = capacity(hp->or_tables, hp, w->now);
	const unsigned cap_ed = capacity(hp->ed_beds, hp, w->now);
	uint32_t id;
	while (hr->resus_busy < cap_resus && line_take(w, &hr->resus, S_HQ_RESUS, &id)) {
		struct victim *v = &w->v[id];
		hr->wait_resus--;
		hr->resus_busy++;
		v->state = S_RESUS;
		treat(w, id, 1, 2, 0);
		tr(w, "resuscitation", id, -1, (long)h, v->truecat);
		push(w, w->now + tri_draw(&hp->resus_min, &v->rc), EV_RESUS_DONE, id, v->svc);
	}
	while (hr->or_busy < cap_or && line_take(w, &hr->or_line, S_HQ_OR, &id)) {
		struct victim *v = &w->v[id];
		hr->or_busy++;
		v->state = S_OR;
		treat(w, id, 1, 1, 1);
		v->flags |= F_OPERATED;
		v->t_surgery = w->now;
		tr(w, "surgery", id, -1, (long)h, v->truecat);
		push(w, w->now + tri_draw(&hp->surgery_min, &v->rc), EV_OR_DONE, id, v->svc);
	}
	while (hr->ed_busy < cap_ed && line_take(w, &hr->ed, S_HQ_ED, &id)) {
		struct victim *v = &w->v[id];
		hr->wait_ed--;
		hr->ed_busy++;
		v->state = S_ED;
		treat(w, id, 1, 0, 0);
		tr(w, "emergency_department", id, -1, (long)h, v->truecat);
		push(w, w->now + tri_draw(&hp->ed_min, &v->rc), EV_ED_DONE, id, v->svc);
	}
}

/* A victim reaches hospital h (alive): the hospital triages again, without error. */
static void hosp_arrive(struct mci_work *w, uint32_t id, size_t h)
{
	struct victim *v = &w->v[id];
	struct hosp_rt *hr = &w->hosp[h];
	v->hosp = (uint16_t)h;
	v->flags |= F_HOSP;
	tr(w, "admitted", id, -1, (long)h, v->truecat);
	load_change(w, h, 1);
	v->qtok++;
	if (v->truecat == PT_MCI_T1) {
		v->state = S_HQ_RESUS;
		hr->wait_resus++;
		line_push(w, &hr->resus, id, v->qtok);
	} else {
		v->state = S_HQ_ED;
		hr->wait_ed++;
		line_push(w, &hr->ed, id, v->qtok);
	}
	hosp_start(w, h);
}

/* Free places for a critical (resuscitation) or other (ED) patient. */
static long hosp_free(const struct mci_work *w, size_t h, int crit)
{
	const struct pt_mci_hospital *hp = &w->s->hospitals[h];
	const struct hosp_rt *hr = &w->hosp[h];
	if (crit)
		return (long)capacity(hp->resus, hp, w->now) - (long)hr->resus_busy - (long)hr->wait_resus -
		       (long)hr->enroute_crit;
	return (long)capacity(hp->ed_beds, hp, w->now) - (long)hr->ed_busy - (long)hr->wait_ed -
	       (long)hr->enroute_other;
}

/* The destination of a load from site st (policy; docs/methodology.md). */
static size_t choose_hospital(const struct mci_work *w, size_t st, int crit)
{
	const struct pt_mci_scenario *s = w->s;
	const struct site_rt *sr = &w->site[st];
	size_t i, nearest = SIZE_MAX;
	if (crit && s->response.policy == PT_MCI_POLICY_BALANCED) {
		size_t best = SIZE_MAX;
		long best_free = 0;
		for (i = 0; i < s->n_hospitals; i++) {
			size_t h = sr->order[i];
			long f;
			if (s->hospitals[h].locked_down ||
			    s->attack.sites[st].hospital_travel_min[h] > s->response.travel_limit_min)
				continue;
			f = hosp_free(w, h, 1);
			if (best == SIZE_MAX || f > best_free) {
				best = h;
				best_free = f;
			}
		}
		if (best != SIZE_MAX)
			return best;
	}
	for (i = 0; i < s->n_hospitals; i++) {
		size_t h = sr->order[i];
		if (s->hospitals[h].locked_down)
			continue;
		if (nearest == SIZE_MAX)
			nearest = h;
		if (hosp_free(w, h, crit) > 0)
			return h;
	}
	/* Every hospital full: the nearest open one; every one locked down: the nearest. */
	return nearest != SIZE_MAX ? nearest : sr->order[0];
}

/* ---- the scene ---- */

static void kick_triage(struct mci_work *w, size_t st)
{
	struct site_rt *sr = &w->site[st];
	while (sr->tri_busy < w->s->response.triage_crews && sr->tq.head < sr->tq.n) {
		uint32_t id;
		struct victim *v;
		if (!line_take(w, &sr->tq, S_TQ, &id))
			break;
		v = &w->v[id];
		v->state = S_TRI;
		sr->tri_busy++;
		push(w, w->now + tri_draw(&w->s->response.triage_min, &v->rt), EV_TRIAGE_DONE, id, v->svc);
	}
}

static void to_triage(struct mci_work *w, uint32_t id)
{
	struct victim *v = &w->v[id];
	v->state = S_TQ;
	v->qtok++;
	line_push(w, &w->site[v->site].tq, id, v->qtok);
}

static void kick_rtf(struct mci_work *w, size_t st)
{
	struct site_rt *sr = &w->site[st];
	const struct pt_mci_scenario *s = w->s;
	if (!sr->rtf_in)
		return;
	while (sr->rtf_busy < s->response.rtf_teams) {
		struct victim *v;
		while (sr->rtf_next < sr->v1 && w->v[sr->rtf_next].state != S_HOT)
			sr->rtf_next++;
		if (sr->rtf_next >= sr->v1)
			return;
		v = &w->v[sr->rtf_next];
		v->state = S_RTF;
		sr->rtf_busy++;
		treat(w, sr->rtf_next, 1, 0, 0);
		tr(w, "rescue", sr->rtf_next, -1, -1, v->truecat);
		push(w, w->now + tri_draw(&s->response.rtf_victim_min, &v->rc), EV_RTF_DONE, sr->rtf_next,
		     v->svc);
	}
}

static void kick_ccp(struct mci_work *w, size_t st)
{
	struct site_rt *sr = &w->site[st];
	const struct pt_mci_scenario *s = w->s;
	int c;
	for (c = 0; c < 2; c++) {
		while (sr->ccp_busy < s->response.ccp_staff) {
			uint32_t id = 0;
			struct victim *v = NULL;
			struct line *l = &sr->ccp[c];
			while (l->head < l->n) {
				uint64_t e = l->e[l->head++];
				struct victim *x = &w->v[(uint32_t)e];
				if (x->state == S_WAIT && x->qtok == (uint32_t)(e >> 32) && !(x->flags & F_CCP)) {
					id = (uint32_t)e;
					v = x;
					break;
				}
			}
			if (!v)
				break;
			v->state = S_CCP;
			v->flags |= F_CCP;
			sr->ccp_busy++;
			treat(w, id, 1, v->cat == PT_MCI_T1, 0);
			tr(w, "ccp_treatment", id, -1, -1, v->cat);
			push(w, w->now + tri_draw(&s->response.ccp_treat_min, &v->rc), EV_CCP_DONE, id, v->svc);
		}
	}
}

static void amb_try_load(struct mci_work *w, uint32_t a);

/* A triaged victim joins the lines for an ambulance and the CCP's treatment. */
static void to_wait(struct mci_work *w, uint32_t id)
{
	struct victim *v = &w->v[id];
	struct site_rt *sr = &w->site[v->site];
	v->state = S_WAIT;
	v->qtok++;
	if (v->cat == PT_MCI_DEAD) { /* expectant: looked at again later */
		push(w, w->now + w->s->response.retriage_min, EV_RETRIAGE, id, v->qtok);
		return;
	}
	line_push(w, &sr->wait[v->cat], id, v->qtok);
	if (v->cat != PT_MCI_T3 && !(v->flags & F_CCP)) {
		line_push(w, &sr->ccp[v->cat], id, v->qtok);
		kick_ccp(w, v->site);
	}
	if (sr->n_idle)
		amb_try_load(w, sr->idle[--sr->n_idle]);
}

static uint8_t assign_cat(struct mci_work *w, struct victim *v)
{
	const double *row = w->s->response.misclass[w->s->response.triage][v->truecat];
	double u = pt_rng_uniform(&v->rt), acc = 0;
	int c;
	for (c = 0; c < PT_MCI_CATS - 1; c++) {
		acc += row[c];
		if (u < acc)
			return (uint8_t)c;
	}
	return PT_MCI_DEAD;
}

static void amb_send(struct mci_work *w, uint32_t a);
static void push_travel_to_site(struct mci_work *w, uint32_t a, double median);

/* A victim no longer needs an ambulance from its site: an ambulance
 * waiting there with nobody left for it goes where it is needed. */
static void need_done(struct mci_work *w, struct victim *v)
{
	struct site_rt *sr = &w->site[v->site];
	if (sr->need)
		sr->need--;
	if (sr->n_idle && sr->need < sr->assigned && w->s->attack.n_sites > 1) {
		uint32_t a = sr->idle[--sr->n_idle];
		struct amb *am = &w->amb[a];
		sr->assigned--;
		amb_send(w, a);
		if (am->state == A_TO_SITE) /* no site-to-site matrix: from its base's distance */
			push_travel_to_site(w, a, w->s->attack.sites[am->site].base_travel_min[am->base]);
	}
}

/* One victim fewer awaits its first triage; when none is left, the
 * ambulances waiting at the site may take the minor casualties. */
static void untriaged_done(struct mci_work *w, size_t st)
{
	struct site_rt *sr = &w->site[st];
	uint32_t idle[PT_MCI_MAX_AMBULANCES];
	size_t i, n;
	if (!sr->untriaged || --sr->untriaged || !sr->n_idle)
		return;
	n = sr->n_idle;
	memcpy(idle, sr->idle, n * sizeof *idle);
	sr->n_idle = 0;
	for (i = 0; i < n; i++)
		amb_try_load(w, idle[i]);
}

/* ---- ambulances ---- */

/* The site a free ambulance goes to: the most victims still waiting per
 * ambulance already there or on the way; SIZE_MAX: none. */
static size_t choose_site(const struct mci_work *w)
{
	size_t st, best = SIZE_MAX;
	long best_gap = 0;
	for (st = 0; st < w->s->attack.n_sites; st++) {
		long gap = (long)w->site[st].need - (long)w->site[st].assigned;
		if (gap > best_gap) {
			best_gap = gap;
			best = st;
		}
	}
	return best;
}

static void amb_send(struct mci_work *w, uint32_t a)
{
	struct amb *am = &w->amb[a];
	size_t st = choose_site(w);
	if (st == SIZE_MAX) {
		am->state = A_DONE;
		return;
	}
	am->site = (uint16_t)st;
	am->state = A_TO_SITE;
	w->site[st].assigned++;
}

static void push_travel_to_site(struct mci_work *w, uint32_t a, double median)
{
	push(w, w->now + travel(w, median, &w->amb[a].r), EV_AMB_AT_SITE, a, 0);
}

static void amb_try_load(struct mci_work *w, uint32_t a)
{
	struct amb *am = &w->amb[a];
	struct site_rt *sr = &w->site[am->site];
	const struct pt_mci_scenario *s = w->s;
	unsigned cap = MAX_LOAD;
	int c, t1 = 0;
	double t;
	am->n_load = 0;
	for (c = 0; c < 3 && am->n_load < cap; c++) {
		struct line *l = &sr->wait[c];
		if (c == PT_MCI_T3 && sr->untriaged)
			break; /* minor casualties go once everyone has been triaged */
		while (l->head < l->n && am->n_load < cap) {
			uint64_t e = l->e[l->head];
			uint32_t id = (uint32_t)e;
			struct victim *v = &w->v[id];
			unsigned cc = s->response.patients_per_ambulance[c];
			if (!((v->state == S_WAIT || v->state == S_CCP) && v->qtok == (uint32_t)(e >> 32) &&
			      v->cat == c)) {
				l->head++;
				continue;
			}
			if (am->n_load >= (cc < cap ? cc : cap))
				break;
			if (cc < cap)
				cap = cc;
			l->head++;
			if (v->state == S_CCP) { /* the ambulance takes the victim out of treatment */
				sr->ccp_busy--;
				v->svc++;
			}
			v->state = S_AMB;
			need_done(w, v);
			am->load[am->n_load++] = id;
			if (c == PT_MCI_T1)
				t1 = 1;
		}
	}
	if (am->n_load == 0) {
		am->state = A_IDLE;
		sr->idle[sr->n_idle++] = a;
		return;
	}
	if (sr->ccp_busy < s->response.ccp_staff)
		kick_ccp(w, am->site);
	am->state = A_LOADING;
	t = tri_draw(&s->response.load_min, &am->r);
	if (!s->response.scoop_and_run && t1) { /* stay and play: stabilise the T1s on scene */
		uint32_t i;
		for (i = 0; i < am->n_load; i++)
			if (w->v[am->load[i]].cat == PT_MCI_T1)
				treat(w, am->load[i], 1, 1, 0);
		t += tri_draw(&s->response.stabilise_min, &am->r);
	}
	for (c = 0; c < (int)am->n_load; c++)
		tr(w, "loaded", am->load[c], a, -1, w->v[am->load[c]].cat);
	w->out->transported += am->n_load;
	push(w, w->now + t, EV_AMB_DEPART, a, 0);
}

/* Apportion the response's ambulances over the bases by their counts (largest remainder). */
static void apportion(const struct pt_mci_scenario *s, unsigned *cnt)
{
	size_t b, nb = s->response.n_bases;
	double wsum = 0, rem[PT_MCI_MAX_BASES];
	unsigned total = s->response.ambulances, given = 0;
	for (b = 0; b < nb; b++)
		wsum += s->response.bases[b].ambulances;
	for (b = 0; b < nb; b++) {
		double q = wsum > 0 ? total * (double)s->response.bases[b].ambulances / wsum : (double)total / (double)nb;
		cnt[b] = (unsigned)floor(q);
		rem[b] = q - cnt[b];
		given += cnt[b];
	}
	while (given < total && nb) {
		size_t best = 0;
		for (b = 1; b < nb; b++)
			if (rem[b] > rem[best])
				best = b;
		cnt[best]++;
		rem[best] = -1;
		given++;
	}
}

/* Make or cancel ambulances so each base sends its share of response.ambulances. */
static void ambulances_reconcile(struct mci_work *w)
{
	const struct pt_mci_scenario *s = w->s;
	unsigned cnt[PT_MCI_MAX_BASES];
	size_t b;
	uint32_t a;
	apportion(s, cnt);
	for (b = 0; b < s->response.n_bases; b++) {
		const struct pt_mci_base *bs = &s->response.bases[b];
		/* cancel the ones that have not left yet, the last first */
		for (a = (uint32_t)w->n_amb; a-- > 0 && w->base_made[b] > cnt[b];)
			if (w->amb[a].base == b && w->amb[a].live && w->amb[a].state == A_BASE) {
				w->amb[a].live = 0;
				w->amb[a].state = A_DONE;
				w->base_made[b]--;
			}
		unsigned first = w->base_made[b]; /* this batch's waves start now */
		while (w->base_made[b] < cnt[b] && w->n_amb < PT_MCI_MAX_AMBULANCES) {
			struct amb *am = &w->amb[w->n_amb];
			double t;
			pt_rng_seed_parts(&am->r, w->k1, pt_rng_key23(w->seed, KEY_AMB(w->n_amb), PUR_AMB));
			am->base = (uint16_t)b;
			am->state = A_BASE;
			am->live = 1;
			am->n_load = 0;
			am->trips = 0;
			t = w->now + tri_draw(&bs->dispatch_min, &am->r) +
			    bs->wave_interval_min * (double)(w->base_made[b] - first);
			push(w, t, EV_AMB_DISPATCH, (uint32_t)w->n_amb, 0);
			w->base_made[b]++;
			w->n_amb++;
		}
	}
}

/* ---- set up ---- */

static void site_order(struct mci_work *w)
{
	const struct pt_mci_scenario *s = w->s;
	size_t st, i, j;
	for (st = 0; st < s->attack.n_sites; st++) {
		uint8_t *o = w->site[st].order;
		const double *tt = s->attack.sites[st].hospital_travel_min;
		for (i = 0; i < s->n_hospitals; i++)
			o[i] = (uint8_t)i;
		for (i = 1; i < s->n_hospitals; i++) { /* insertion sort: stable, ties by index */
			uint8_t x = o[i];
			for (j = i; j > 0 && tt[o[j - 1]] > tt[x]; j--)
				o[j] = o[j - 1];
			o[j] = x;
		}
	}
}

static enum pt_err work_reserve(struct mci_work *w, const struct pt_mci_scenario *s)
{
	size_t nv = s->attack.victims ? s->attack.victims : 1;
	if (!w->q.heap) {
		enum pt_err e = pt_evq_init(&w->q, 4 * nv + 256, 64 * (size_t)PT_MCI_MAX_VICTIMS + 65536);
		if (e)
			return e;
	}
	if (w->v_cap < nv) {
		struct victim *v = realloc(w->v, nv * sizeof *v);
		uint64_t *k;
		if (!v)
			return PT_ENOMEM;
		w->v = v;
		k = realloc(w->vkey, 3 * nv * sizeof *k);
		if (!k)
			return PT_ENOMEM;
		w->vkey = k;
		w->vkey_n = 0;
		w->v_cap = nv;
	}
	if (!w->amb) {
		size_t st;
		w->amb = calloc(PT_MCI_MAX_AMBULANCES, sizeof *w->amb);
		w->idle_store = malloc((size_t)PT_MCI_MAX_SITES * PT_MCI_MAX_AMBULANCES * sizeof *w->idle_store);
		if (!w->amb || !w->idle_store)
			return PT_ENOMEM;
		for (st = 0; st < PT_MCI_MAX_SITES; st++)
			w->site[st].idle = w->idle_store + st * PT_MCI_MAX_AMBULANCES;
	}
	if (s->n_decisions && !w->copy) {
		w->copy = malloc(sizeof *w->copy);
		if (!w->copy)
			return PT_ENOMEM;
	}
	return PT_OK;
}

static void work_free(struct mci_work *w)
{
	size_t i, c;
	pt_evq_free(&w->q);
	free(w->v);
	free(w->vkey);
	free(w->amb);
	free(w->idle_store);
	free(w->copy);
	for (i = 0; i < PT_MCI_MAX_SITES; i++) {
		line_free(&w->site[i].tq);
		for (c = 0; c < 3; c++)
			line_free(&w->site[i].wait[c]);
		for (c = 0; c < 2; c++)
			line_free(&w->site[i].ccp[c]);
	}
	for (i = 0; i < PT_MCI_MAX_HOSPITALS; i++) {
		line_free(&w->hosp[i].resus);
		line_free(&w->hosp[i].or_line);
		line_free(&w->hosp[i].ed);
	}
	memset(w, 0, sizeof *w);
}

/* Victims per site: the shares, largest remainder. */
static void split_sites(struct mci_work *w)
{
	const struct pt_mci_scenario *s = w->s;
	size_t st, n = s->attack.n_sites;
	unsigned cnt[PT_MCI_MAX_SITES], given = 0, total = s->attack.victims;
	double rem[PT_MCI_MAX_SITES];
	uint32_t v0 = 0;
	for (st = 0; st < n; st++) {
		double q = total * s->attack.sites[st].share;
		cnt[st] = (unsigned)floor(q);
		if (given + cnt[st] > total)
			cnt[st] = total - given;
		rem[st] = q - cnt[st];
		given += cnt[st];
	}
	while (given < total) {
		size_t best = 0;
		for (st = 1; st < n; st++)
			if (rem[st] > rem[best])
				best = st;
		cnt[best]++;
		rem[best] = -1;
		given++;
	}
	for (st = 0; st < n; st++) {
		w->site[st].v0 = v0;
		v0 += cnt[st];
		w->site[st].v1 = v0;
	}
}

/*
 * pt_rng_key23(seed, entity, purpose) in its three steps (pt_rng.c): the
 * seed's part, the victim's, then one mix per purpose. The same keys, fewer
 * mixes; they depend on the seed and not on the replication, so a work
 * space makes them once per seed (w->vkey) and each replication only
 * seeds the streams from them and its own part (w->k1).
 */
#define K23_SEED UINT64_C(0x8ebc6af09c88c6e3)
#define K23_PURPOSE UINT64_C(0x589965cc75374cc3)

/* pt_mci_death_mean_min(s, niss), remembered per integer NISS across
 * replications (pow is costly; the same value, computed once). */
static double death_mean(struct mci_work *w, double niss)
{
	const struct pt_mci_scenario *s = w->s;
	size_t i;
	if (!(niss >= 0 && niss <= NISS_MAX) || niss != floor(niss))
		return pt_mci_death_mean_min(s, niss);
	if (!w->death_mean_ok || w->death_a != s->injury.death_a || w->death_b != s->injury.death_b) {
		for (i = 0; i <= NISS_MAX; i++)
			w->death_mean[i] = NAN;
		w->death_a = s->injury.death_a;
		w->death_b = s->injury.death_b;
		w->death_mean_ok = 1;
	}
	i = (size_t)niss;
	if (isnan(w->death_mean[i]))
		w->death_mean[i] = pt_mci_death_mean_min(s, niss);
	return w->death_mean[i];
}

static void victims_init(struct mci_work *w)
{
	const struct pt_mci_scenario *s = w->s;
	size_t st;
	if (w->vkey_seed != w->seed || w->vkey_n < s->attack.victims) {
		const uint64_t hs = pt_rng_mix(w->seed ^ K23_SEED);
		uint32_t id;
		for (id = 0; id < s->attack.victims; id++) {
			uint64_t hv = pt_rng_mix(hs ^ KEY_VICTIM(id));
			w->vkey[3 * id] = pt_rng_mix(hv + K23_PURPOSE * (PUR_VICTIM + 1));
			w->vkey[3 * id + 1] = pt_rng_mix(hv + K23_PURPOSE * (PUR_TRIAGE + 1));
			w->vkey[3 * id + 2] = pt_rng_mix(hv + K23_PURPOSE * (PUR_CARE + 1));
		}
		w->vkey_seed = w->seed;
		w->vkey_n = s->attack.victims;
	}
	for (st = 0; st < s->attack.n_sites; st++) {
		struct site_rt *sr = &w->site[st];
		uint32_t id;
		for (id = sr->v0; id < sr->v1; id++) {
			struct victim *v = &w->v[id];
			struct pt_rng r;
			double u_sev, u_niss, u_bleed, u_alpha, z, u_walk, acc = 0, m;
			int c;
			const uint64_t *vk = &w->vkey[3 * (size_t)id];
			pt_rng_seed_parts(&r, w->k1, vk[0]);
			u_sev = pt_rng_uniform(&r);
			u_niss = pt_rng_uniform(&r);
			u_bleed = pt_rng_uniform(&r);
			u_alpha = pt_rng_uniform(&r);
			z = pt_rng_normal(&r);
			u_walk = pt_rng_uniform(&r);
			/* every field set here (a memset of the whole victim cost more) */
			v->lethal_used = v->bleed_used = v->lethal_rate = v->bleed_rate = v->alpha = 0;
			v->t_upd = v->t_triaged = 0;
			v->epoch = v->svc = v->qtok = 0;
			v->hosp = 0;
			v->niss = NISS_MAX; /* the killed outright: the unsurvivable score */
			v->truecat = v->cat = v->final = 0;
			v->flags = 0;
			v->site = (uint16_t)st;
			v->sev = PT_MCI_NISS1;
			for (c = 0; c < PT_MCI_SEVS; c++) {
				acc += s->attack.mix[c];
				if (u_sev < acc) {
					v->sev = (uint8_t)c;
					break;
				}
			}
			v->t_first_treat = v->t_surgery = NAN;
			v->lethal_at = INFINITY;
			if (v->sev == PT_MCI_KILLED) {
				v->state = S_DEAD;
				v->final = PT_MCI_DEAD_SCENE;
				v->truecat = PT_MCI_DEAD;
				w->out->killed++;
				if (w->trace) {
					struct pt_mci_trace_event e;
					tr_fill(w, &e, "killed", id, -1, -1, PT_MCI_DEAD, -1);
					e.niss = NISS_MAX;
					w->trace(w->trace_ctx, &e);
				}
				continue; /* draws nothing more: its streams are not seeded */
			}
			pt_rng_seed_parts(&v->rt, w->k1, vk[1]);
			pt_rng_seed_parts(&v->rc, w->k1, vk[2]);
			{
				double niss = floor(tri_at(&s->injury.niss[v->sev], u_niss) + 0.5);
				v->niss = (uint8_t)(niss < 1 ? 1 : niss > NISS_MAX ? NISS_MAX : niss);
				if (v->sev == PT_MCI_NISS16) {
					if (niss < 16)
						niss = 16;
					v->niss = (uint8_t)niss;
					v->flags |= F_CRIT;
					w->out->critical++;
					m = death_mean(w, niss);
					v->lethal_at = m * exp(s->injury.death_sigma * z -
							       0.5 * s->injury.death_sigma * s->injury.death_sigma);
					v->lethal_rate = 1;
				}
			}
			if (u_bleed < s->injury.bleeding_share[v->sev]) {
				v->alpha = tri_at(&s->injury.bleed_alpha, u_alpha);
				v->bleed_rate = v->alpha;
			}
			v->truecat = v->sev == PT_MCI_NISS16 ? PT_MCI_T1 : v->sev == PT_MCI_NISS9 ? PT_MCI_T2 : PT_MCI_T3;
			if (v->sev == PT_MCI_NISS1 && v->alpha == 0 && u_walk < s->response.walking_share) {
				/* to the nearest hospital not locked down when they leave (the
				 * nearest when all are), by private means: slower than an ambulance */
				size_t k, h = w->site[st].order[0];
				for (k = 0; k < s->n_hospitals; k++)
					if (!s->hospitals[w->site[st].order[k]].locked_down) {
						h = w->site[st].order[k];
						break;
					}
				v->state = S_WALK;
				v->hosp = (uint16_t)h;
				push(w, tri_draw(&s->response.walk_delay_min, &v->rc) +
					     s->response.walk_travel_factor * s->attack.sites[st].hospital_travel_min[h],
				     EV_WALK, id, 0);
			} else {
				v->state = S_HOT;
				sr->need++;
				sr->untriaged++;
			}
			clocks_schedule(w, v, id);
		}
	}
}

/* ---- events ---- */

/* Which clock ran out (the clocks brought up to now): the one nearer its end. */
static const char *death_cause(const struct mci_work *w, const struct victim *v)
{
	double lethal = isfinite(v->lethal_at) ? v->lethal_at - v->lethal_used : INFINITY;
	double bleed = v->alpha > 0 ? (w->bleed_death - v->bleed_used) / v->alpha : INFINITY;
	/* compare in minutes of an untreated clock */
	return lethal <= bleed ? "lethal injury" : "bleeding";
}

static void on_death(struct mci_work *w, uint32_t id)
{
	struct victim *v = &w->v[id];
	struct site_rt *sr = &w->site[v->site];
	uint8_t st = v->state;
	clocks_update(w, v);
	v->svc++;
	switch (st) {
	case S_RTF:
		sr->rtf_busy--;
		kick_rtf(w, v->site);
		break;
	case S_TRI:
		sr->tri_busy--;
		kick_triage(w, v->site);
		break;
	case S_CCP:
		sr->ccp_busy--;
		kick_ccp(w, v->site);
		break;
	default:
		break;
	}
	if (st == S_AMB) {
		v->final = PT_MCI_DEAD_TRANSPORT;
	} else if (v->flags & F_HOSP) {
		struct hosp_rt *hr = &w->hosp[v->hosp];
		v->final = PT_MCI_DEAD_HOSPITAL;
		if (st == S_HQ_RESUS)
			hr->wait_resus--;
		else if (st == S_HQ_ED)
			hr->wait_ed--;
		else if (st == S_RESUS)
			hr->resus_busy--;
		else if (st == S_OR)
			hr->or_busy--;
		else if (st == S_ED)
			hr->ed_busy--;
		if (st != S_CARED)
			load_change(w, v->hosp, -1);
		v->state = S_DEAD;
		hosp_start(w, v->hosp);
	} else {
		v->final = PT_MCI_DEAD_SCENE;
		if (st != S_WALK)
			need_done(w, v);
	}
	if (st == S_HOT || st == S_RTF || st == S_TQ || st == S_TRI)
		untriaged_done(w, v->site);
	v->state = S_DEAD;
	if (w->trace) {
		struct pt_mci_trace_event e;
		tr_fill(w, &e, "dies", id, -1, (v->flags & F_HOSP) ? v->hosp : -1, v->truecat, -1);
		e.niss = v->niss;
		e.cause = death_cause(w, v);
		w->trace(w->trace_ctx, &e);
	}
}

static void on_worsen(struct mci_work *w, uint32_t id)
{
	struct victim *v = &w->v[id];
	v->truecat = PT_MCI_T1;
	tr(w, "worsens", id, -1, -1, PT_MCI_T1);
	if (v->state == S_WAIT || v->state == S_CCP) {
		/* re-triaged at the next round of re-triage */
		double k = ceil((w->now - v->t_triaged) / w->s->response.retriage_min);
		double t = v->t_triaged + (k > 0 ? k : 1) * w->s->response.retriage_min;
		push(w, t, EV_RETRIAGE, id, v->qtok);
	} else if (v->state == S_HQ_ED) { /* the hospital sees it and moves the patient */
		struct hosp_rt *hr = &w->hosp[v->hosp];
		hr->wait_ed--;
		hr->wait_resus++;
		v->state = S_HQ_RESUS;
		v->qtok++;
		line_push(w, &hr->resus, id, v->qtok);
		hosp_start(w, v->hosp);
	}
}

static void on_decision(struct mci_work *w, uint32_t i)
{
	struct pt_diag d;
	const struct pt_mci_decision *dc = &w->copy->decisions[i];
	size_t st, h;
	int rtf_before = w->copy->response.rtf;
	memset(&d, 0, sizeof d);
	if (pt_mci_set(w->copy, dc->path, dc->value, &d) != PT_OK)
		return; /* pt_mci_check refused such decisions */
	if (w->trace) {
		struct pt_mci_trace_event e;
		tr_fill(w, &e, "decision", -1, -1, -1, -1, -1);
		e.path = dc->path;
		e.value = dc->value;
		w->trace(w->trace_ctx, &e);
	}
	site_order(w);
	ambulances_reconcile(w);
	for (st = 0; st < w->s->attack.n_sites; st++) {
		struct site_rt *sr = &w->site[st];
		if (!rtf_before && w->s->response.rtf && !sr->secure && !sr->rtf_in)
			push(w, w->now > w->s->response.rtf_entry_min ? w->now : w->s->response.rtf_entry_min,
			     EV_RTF_ENTER, (uint32_t)st, 0);
		kick_rtf(w, st);
		kick_triage(w, st);
		kick_ccp(w, st);
	}
	for (h = 0; h < w->s->n_hospitals; h++)
		hosp_start(w, h);
}

static void amb_depart(struct mci_work *w, uint32_t a)
{
	struct amb *am = &w->amb[a];
	uint32_t i;
	int crit = 0;
	size_t h;
	for (i = 0; i < am->n_load; i++)
		if (w->v[am->load[i]].cat == PT_MCI_T1)
			crit = 1;
	h = choose_hospital(w, am->site, crit);
	am->hosp = (uint16_t)h;
	am->state = A_TO_HOSP;
	if (crit)
		w->hosp[h].enroute_crit++;
	else
		w->hosp[h].enroute_other++;
	w->site[am->site].assigned--;
	tr(w, "departs", -1, a, (long)h, crit ? PT_MCI_T1 : -1);
	push(w, w->now + travel(w, w->s->attack.sites[am->site].hospital_travel_min[h], &am->r), EV_AMB_AT_HOSP,
	     a, 0);
}

static void amb_at_hosp(struct mci_work *w, uint32_t a)
{
	struct amb *am = &w->amb[a];
	uint32_t i;
	int crit = 0;
	struct hosp_rt *hr = &w->hosp[am->hosp];
	for (i = 0; i < am->n_load; i++)
		if (w->v[am->load[i]].cat == PT_MCI_T1)
			crit = 1;
	if (crit)
		hr->enroute_crit--;
	else
		hr->enroute_other--;
	tr(w, "arrives", -1, a, am->hosp, -1);
	for (i = 0; i < am->n_load; i++) {
		uint32_t id = am->load[i];
		if (w->v[id].state == S_AMB)
			hosp_arrive(w, id, am->hosp);
	}
	am->n_load = 0;
	if (!am->trips++)
		w->out->ambulances_used++;
	w->out->ambulance_trips++;
	am->state = A_HANDOVER;
	push(w, w->now + tri_draw(&w->s->response.handover_min, &am->r), EV_AMB_FREE, a, 0);
}

static void amb_free(struct mci_work *w, uint32_t a)
{
	struct amb *am = &w->amb[a];
	size_t h = am->hosp;
	amb_send(w, a);
	if (am->state != A_TO_SITE)
		return;
	push(w, w->now + travel(w, w->s->attack.sites[am->site].hospital_travel_min[h], &am->r), EV_AMB_AT_SITE,
	     a, 0);
}

static void amb_dispatch(struct mci_work *w, uint32_t a)
{
	struct amb *am = &w->amb[a];
	amb_send(w, a);
	if (am->state != A_TO_SITE)
		return;
	tr(w, "dispatched", -1, a, -1, -1);
	push(w, w->now + travel(w, w->s->attack.sites[am->site].base_travel_min[am->base], &am->r),
	     EV_AMB_AT_SITE, a, 0);
}

/* One event; 0 when it was stale (changed nothing). */
static int step(struct mci_work *w, const struct pt_evq_event *ev)
{
	uint32_t id = ev->who;
	struct victim *v = NULL;
	const struct pt_mci_scenario *s = w->s;
	switch ((enum ev_kind)ev->kind) {
	case EV_DECISION:
		on_decision(w, id);
		return 1;
	case EV_DEATH:
		v = &w->v[id];
		if (v->epoch != ev->arg || v->state == S_DEAD)
			return 0;
		on_death(w, id);
		return 1;
	case EV_WORSEN:
		v = &w->v[id];
		if (v->epoch != ev->arg || v->state == S_DEAD || v->truecat == PT_MCI_T1)
			return 0;
		on_worsen(w, id);
		return 1;
	case EV_WALK: {
		size_t h;
		v = &w->v[id];
		if (v->state != S_WALK)
			return 0;
		h = v->hosp; /* chosen when they left */
		w->out->walked++;
		tr(w, "walks_in", id, -1, (long)h, v->truecat);
		hosp_arrive(w, id, h);
		return 1;
	}
	case EV_SECURE: {
		struct site_rt *sr = &w->site[id];
		uint32_t i;
		sr->secure = 1;
		tr_site(w, "secure", -1, -1, -1, -1, id);
		for (i = sr->v0; i < sr->v1; i++)
			if (w->v[i].state == S_HOT)
				to_triage(w, i);
		kick_triage(w, id);
		return 1;
	}
	case EV_RTF_ENTER: {
		struct site_rt *sr = &w->site[id];
		if (sr->secure || sr->rtf_in || !s->response.rtf)
			return 0;
		sr->rtf_in = 1;
		tr_site(w, "rtf_enters", -1, -1, -1, -1, id);
		kick_rtf(w, id);
		return 1;
	}
	case EV_RTF_DONE:
		v = &w->v[id];
		if (v->svc != ev->arg || v->state != S_RTF)
			return 0;
		w->site[v->site].rtf_busy--;
		to_triage(w, id);
		kick_triage(w, v->site);
		kick_rtf(w, v->site);
		return 1;
	case EV_TRIAGE_DONE:
		v = &w->v[id];
		if (v->svc != ev->arg || v->state != S_TRI)
			return 0;
		w->site[v->site].tri_busy--;
		v->cat = assign_cat(w, v);
		v->t_triaged = w->now;
		tr(w, "triaged", id, -1, -1, v->cat);
		to_wait(w, id);
		kick_triage(w, v->site);
		untriaged_done(w, v->site);
		return 1;
	case EV_RETRIAGE: {
		uint8_t c;
		v = &w->v[id];
		if ((v->state != S_WAIT && v->state != S_CCP) || v->qtok != ev->arg)
			return 0;
		c = assign_cat(w, v);
		v->t_triaged = w->now;
		tr(w, "retriaged", id, -1, -1, c);
		if (c == v->cat && c != PT_MCI_DEAD)
			return 1;
		v->cat = c;
		if (v->state == S_CCP) { /* stays in treatment; joins the new line */
			v->qtok++;
			if (c == PT_MCI_DEAD)
				push(w, w->now + s->response.retriage_min, EV_RETRIAGE, id, v->qtok);
			else
				line_push(w, &w->site[v->site].wait[c], id, v->qtok);
			if (c != PT_MCI_DEAD && w->site[v->site].n_idle)
				amb_try_load(w, w->site[v->site].idle[--w->site[v->site].n_idle]);
			return 1;
		}
		to_wait(w, id);
		return 1;
	}
	case EV_CCP_DONE:
		v = &w->v[id];
		if (v->svc != ev->arg || v->state != S_CCP)
			return 0;
		w->site[v->site].ccp_busy--;
		v->state = S_WAIT;
		kick_ccp(w, v->site);
		return 1;
	case EV_AMB_DISPATCH:
		if (!w->amb[id].live || w->amb[id].state != A_BASE)
			return 0;
		amb_dispatch(w, id);
		return 1;
	case EV_AMB_AT_SITE:
		tr(w, "at_scene", -1, id, -1, -1);
		amb_try_load(w, id);
		return 1;
	case EV_AMB_DEPART:
		amb_depart(w, id);
		return 1;
	case EV_AMB_AT_HOSP:
		amb_at_hosp(w, id);
		return 1;
	case EV_AMB_FREE:
		amb_free(w, id);
		return 1;
	case EV_RESUS_DONE: {
		struct hosp_rt *hr;
		v = &w->v[id];
		if (v->svc != ev->arg || v->state != S_RESUS)
			return 0;
		hr = &w->hosp[v->hosp];
		hr->resus_busy--;
		tr(w, "resuscitated", id, -1, v->hosp, v->truecat);
		v->state = S_HQ_OR;
		v->qtok++;
		line_push(w, &hr->or_line, id, v->qtok);
		hosp_start(w, v->hosp);
		return 1;
	}
	case EV_OR_DONE: {
		struct hosp_rt *hr;
		v = &w->v[id];
		if (v->svc != ev->arg || v->state != S_OR)
			return 0;
		hr = &w->hosp[v->hosp];
		hr->or_busy--;
		if (hr->icu_used < capacity(s->hospitals[v->hosp].icu_beds, &s->hospitals[v->hosp], w->now))
			hr->icu_used++;
		v->state = S_CARED;
		load_change(w, v->hosp, -1);
		hosp_start(w, v->hosp);
		return 1;
	}
	case EV_ED_DONE: {
		struct hosp_rt *hr;
		v = &w->v[id];
		if (v->svc != ev->arg || v->state != S_ED)
			return 0;
		hr = &w->hosp[v->hosp];
		hr->ed_busy--;
		treat(w, id, 1, 0, 1);
		v->state = S_CARED;
		load_change(w, v->hosp, -1);
		hosp_start(w, v->hosp);
		return 1;
	}
	case EV_SURGE:
		tr(w, "surge", -1, -1, id, -1);
		hosp_start(w, id);
		return 1;
	}
	return 0;
}

/* The situation now (issue 15 review 3): counts only, the model untouched. */
static void snapshot_take(struct mci_work *w, double t)
{
	struct pt_mci_snapshot *sn = &w->out->snap;
	size_t i;
	memset(sn, 0, sizeof *sn);
	sn->taken = 1;
	sn->t_min = t;
	for (i = 0; i < w->s->attack.victims; i++) {
		const struct victim *v = &w->v[i];
		if (v->flags & F_HOSP)
			sn->arrived[v->hosp < PT_MCI_MAX_HOSPITALS ? v->hosp : 0]++;
		switch (v->state) {
		case S_DEAD: sn->dead++; break;
		case S_HOT: case S_RTF: sn->hot_zone++; break;
		case S_TQ: case S_TRI: sn->ccp_untriaged++; break;
		case S_WAIT: case S_CCP: sn->ccp[v->cat < PT_MCI_CATS ? v->cat : PT_MCI_DEAD]++; break;
		case S_AMB: sn->transport++; break;
		case S_WALK: sn->walking++; break;
		default: break;
		}
	}
	for (i = 0; i < w->n_amb; i++) {
		const struct amb *am = &w->amb[i];
		if (am->live)
			sn->amb_committed++;
		if (am->state == A_TO_SITE)
			sn->amb_en_route++;
		else if (am->state == A_IDLE || am->state == A_LOADING)
			sn->amb_at_scene++;
		else if (am->state == A_TO_HOSP)
			sn->amb_transporting++;
	}
	sn->amb_used = w->out->ambulances_used;
	sn->inside = 1; /* review 15B item 5: what is inside is known once someone is inside */
	for (i = 0; i < w->s->attack.n_sites; i++)
		if (!w->site[i].secure && !w->site[i].rtf_in)
			sn->inside = 0;
}

/* One replication with the work space w. */
static enum pt_err run_one(struct mci_work *w, const struct pt_mci_scenario *s0, uint64_t seed, uint64_t rep,
			   struct pt_mci_rep *out, pt_mci_trace_fn trace, void *trace_ctx)
{
	const struct pt_mci_scenario *s = s0;
	struct pt_evq_event ev;
	float *load = out->load;
	size_t n_steps = out->n_steps, st, h, i, c;
	enum pt_err e;
	double sum_ft = 0, sum_su = 0;
	uint32_t n_ft = 0, n_su = 0;
	if ((e = work_reserve(w, s0)))
		return e;
	if (s0->n_decisions) {
		*w->copy = *s0;
		s = w->copy;
	}
	w->s = s;
	w->seed = seed;
	w->rep = rep;
	w->k1 = pt_rng_key1(seed, rep);
	w->out = out;
	memset(out, 0, sizeof *out);
	out->load = load;
	out->n_steps = n_steps;
	w->load = load;
	w->n_steps = load ? n_steps : 0;
	w->trace = trace;
	w->trace_ctx = trace_ctx;
	w->horizon = s->horizon_min;
	w->now = 0;
	w->err = PT_OK;
	w->events = 0;
	w->n_amb = 0;
	w->bleed_death = -log(s->injury.bleed_death_fraction);
	w->bleed_worsen = -log(WORSEN_VOLUME);
	pt_evq_clear(&w->q);
	memset(w->base_made, 0, sizeof w->base_made);
	for (st = 0; st < PT_MCI_MAX_SITES; st++) {
		struct site_rt *sr = &w->site[st];
		line_clear(&sr->tq);
		for (c = 0; c < 3; c++)
			line_clear(&sr->wait[c]);
		for (c = 0; c < 2; c++)
			line_clear(&sr->ccp[c]);
		sr->tri_busy = sr->ccp_busy = sr->rtf_busy = 0;
		sr->secure = sr->rtf_in = 0;
		sr->need = sr->assigned = sr->untriaged = 0;
		sr->n_idle = 0;
		sr->rtf_next = 0;
	}
	for (h = 0; h < PT_MCI_MAX_HOSPITALS; h++) {
		struct hosp_rt *hr = &w->hosp[h];
		struct line a = hr->resus, b = hr->or_line, d = hr->ed;
		memset(hr, 0, sizeof *hr);
		hr->resus = a;
		hr->or_line = b;
		hr->ed = d;
		line_clear(&hr->resus);
		line_clear(&hr->or_line);
		line_clear(&hr->ed);
	}
	out->victims = s->attack.victims;
	/* Decisions first: their pushes never reorder the model's own ties. */
	for (i = 0; i < s->n_decisions; i++)
		push(w, s->decisions[i].t_min, EV_DECISION, (uint32_t)i, 0);
	split_sites(w);
	site_order(w);
	for (st = 0; st < s->attack.n_sites; st++) {
		struct pt_rng r;
		double t;
		w->site[st].rtf_next = w->site[st].v0;
		pt_rng_seed_parts(&r, w->k1, pt_rng_key23(seed, KEY_SITE(st), PUR_SITE));
		t = tri_draw(&s->attack.sites[st].secure_min, &r);
		push(w, t, EV_SECURE, (uint32_t)st, 0);
		if (s->response.rtf && s->response.rtf_entry_min < t)
			push(w, s->response.rtf_entry_min, EV_RTF_ENTER, (uint32_t)st, 0);
	}
	for (h = 0; h < s->n_hospitals; h++)
		if (s->hospitals[h].surge_factor > 1)
			push(w, s->hospitals[h].surge_delay_min, EV_SURGE, (uint32_t)h, 0);
	victims_init(w);
	ambulances_reconcile(w);
	while (!w->err && pt_evq_pop(&w->q, &ev)) {
		if (s0->snapshot && !out->snap.taken && ev.t > s0->snapshot_min)
			snapshot_take(w, s0->snapshot_min);
		w->now = ev.t;
		if (step(w, &ev) && ++w->events > pt_mci_event_limit(s))
			w->err = PT_ELIMIT; /* one replication's cost is bounded (review H1) */
	}
	if (w->err)
		return w->err;
	if (s0->snapshot && !out->snap.taken)
		snapshot_take(w, s0->snapshot_min);
	w->now = w->horizon;
	for (i = 0; i < s->attack.victims; i++) {
		struct victim *v = &w->v[i];
		uint8_t f;
		if (v->state == S_DEAD)
			f = v->final;
		else if (v->flags & F_HOSP)
			f = PT_MCI_ALIVE_HOSPITAL;
		else
			f = PT_MCI_ALIVE_SCENE;
		out->finals[f]++;
		if (v->flags & F_CRIT) {
			if (v->state == S_DEAD)
				out->critical_deaths++;
			if (v->flags & F_TREATED) {
				sum_ft += v->t_first_treat;
				n_ft++;
			}
			if (v->flags & F_OPERATED) {
				sum_su += v->t_surgery;
				n_su++;
			}
		}
	}
	out->first_treatment_min = n_ft ? sum_ft / n_ft : NAN;
	out->surgery_min = n_su ? sum_su / n_su : NAN;
	for (h = 0; h < s->n_hospitals && h < PT_MCI_MAX_HOSPITALS; h++) {
		struct hosp_rt *hr = &w->hosp[h];
		out->peak_load[h] = hr->peak;
		if (load) {
			float *row = load + h * n_steps;
			while (hr->filled < n_steps)
				row[hr->filled++] = (float)hr->load;
		}
	}
	out->events = w->events;
	return PT_OK;
}

uint64_t pt_mci_event_limit(const struct pt_mci_scenario *s)
{
	return PT_MCI_EVENTS_PER_VICTIM * (uint64_t)s->attack.victims + PT_MCI_EVENTS_BASE;
}

enum pt_err pt_mci_run(const struct pt_mci_scenario *s, uint64_t seed, uint64_t rep,
		       struct pt_mci_rep *out, pt_mci_trace_fn trace, void *trace_ctx)
{
	struct mci_work *w = calloc(1, sizeof *w);
	enum pt_err e;
	if (!w)
		return PT_ENOMEM;
	e = run_one(w, s, seed, rep, out, trace, trace_ctx);
	work_free(w);
	free(w);
	return e;
}

/* ---- many replications on threads ---- */

struct many_job {
	const struct pt_mci_scenario *s;
	uint64_t seed, first_rep;
	size_t n;
	struct pt_mci_rep *reps;
	pt_mci_progress_fn progress;
	void *progress_ctx;
	atomic_size_t next;
	atomic_int cancel;
	atomic_int err;
	pthread_mutex_t lock;
	size_t done;
};

#define MANY_CHUNK 8

static void *many_worker(void *arg)
{
	struct many_job *j = arg;
	struct mci_work *w = calloc(1, sizeof *w);
	if (!w) {
		atomic_store(&j->err, PT_ENOMEM);
		return NULL;
	}
	for (;;) {
		size_t i0 = atomic_fetch_add(&j->next, MANY_CHUNK), i, i1;
		if (i0 >= j->n || atomic_load(&j->cancel) || atomic_load(&j->err))
			break;
		i1 = i0 + MANY_CHUNK < j->n ? i0 + MANY_CHUNK : j->n;
		for (i = i0; i < i1; i++) {
			enum pt_err e = run_one(w, j->s, j->seed, j->first_rep + i, &j->reps[i], NULL, NULL);
			if (e) {
				atomic_store(&j->err, (int)e);
				break;
			}
			/* after every replication: a client gone stops the run at once (review M1) */
			if (j->progress) {
				pthread_mutex_lock(&j->lock);
				j->done++;
				if (!atomic_load(&j->cancel) && j->progress(j->progress_ctx, j->done, j->n))
					atomic_store(&j->cancel, 1);
				pthread_mutex_unlock(&j->lock);
			}
			if (atomic_load(&j->cancel))
				break;
		}
	}
	work_free(w);
	free(w);
	return NULL;
}

enum pt_err pt_mci_run_many(const struct pt_mci_scenario *s, uint64_t seed, uint64_t first_rep,
			    size_t n, unsigned threads, struct pt_mci_rep *reps,
			    pt_mci_progress_fn progress, void *progress_ctx)
{
	struct many_job j;
	pthread_t th[256];
	int started[256];
	unsigned t, nt = threads ? threads : 1;
	if (n > PT_MCI_MAX_REPLICATIONS)
		return PT_ELIMIT;
	if (nt > 256)
		nt = 256;
	if (nt > n)
		nt = n ? (unsigned)n : 1;
	memset(&j, 0, sizeof j);
	j.s = s;
	j.seed = seed;
	j.first_rep = first_rep;
	j.n = n;
	j.reps = reps;
	j.progress = progress;
	j.progress_ctx = progress_ctx;
	atomic_init(&j.next, 0);
	atomic_init(&j.cancel, 0);
	atomic_init(&j.err, 0);
	if (pthread_mutex_init(&j.lock, NULL) != 0)
		return PT_ENOMEM;
	for (t = 1; t < nt; t++)
		started[t] = pthread_create(&th[t], NULL, many_worker, &j) == 0;
	many_worker(&j);
	for (t = 1; t < nt; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	pthread_mutex_destroy(&j.lock);
	if (atomic_load(&j.err))
		return (enum pt_err)atomic_load(&j.err);
	if (atomic_load(&j.cancel))
		return PT_EINTERNAL;
	return PT_OK;
}
