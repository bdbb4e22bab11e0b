/* pt_cascade.c - the event-driven cascade engine over a compact network (CSR
 * by provider and by consumer), a 4-ary event heap, and the SPOF sweep. */
#include "pt_cascade.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* A supply: one ungrouped edge, or the edges of one (consumer, group). The
 * supplies of a consumer are numbered consecutively (in_off). */
struct sup {
	double autonomy_h;
	double service_loss;
	uint32_t consumer;
	uint32_t n_prov; /* providers: sup_prov[sup_poff[s], sup_poff[s] + n_prov) */
};

struct pt_cascade_net {
	size_t n_sites, n_edges, n_sup;
	uint32_t *in_off;   /* n_sites + 1: consumer -> its supplies */
	uint32_t *out_off;  /* n_sites + 1: provider -> out_sup */
	uint32_t *out_sup;  /* n_edges: the supplies a provider feeds */
	struct sup *sup;    /* n_sup */
	uint32_t *sup_poff; /* n_sup + 1 */
	uint32_t *sup_prov; /* n_edges */
};

/* Event kinds in the order they are processed at one time. */
enum ev_kind { EV_HOLD_END = 0, EV_RESTART = 1, EV_BLACK_START = 2, EV_EVAL = 3 };

struct ev {
	double t;
	uint64_t k; /* kind << 62 | id << 30 | gen (30 bits): the order after t */
};

#define GEN_MASK UINT32_C(0x3FFFFFFF)

/* Per site flags of a run. */
enum {
	F_TOUCHED = 1u << 0,
	F_DOWN = 1u << 1,
	F_HELD = 1u << 2,
	F_PEND_RESTART = 1u << 3,
	F_PEND_BS = 1u << 4,
	F_INITIAL = 1u << 5,
	F_EVERDOWN = 1u << 6,
	F_IN_S = 1u << 7,
	F_QUEUED = 1u << 8
};

struct site_hot {
	double next_t; /* the pending EVAL event's time; INFINITY none */
	uint32_t gen;  /* EVAL generation */
	uint16_t flags;
	uint16_t pad;
};

/* State of a site whose service dropped (a slot, in first-drop order). */
struct site_rec {
	uint32_t site;
	double first_drop;
	double failed_at;
	double restore_t; /* when service last went back to 1; NaN while below */
	double min_service;
	double service; /* effective: 0 while down */
	double last_t;
	double ph;
	double step_prev;
};

struct sup_state {
	double since; /* when the supply went missing */
	uint32_t down; /* providers down */
	uint32_t pad;
};

struct bs {
	uint32_t first, n; /* members in bs_members */
	int active;
};

struct pt_cascade_work {
	const struct pt_cascade_net *net;
	struct site_hot *hot;
	uint32_t *gen_restart;
	uint32_t *slot; /* 0: none, else index + 1 into recs */
	struct site_rec *recs;
	size_t n_recs;
	struct sup_state *ss;
	uint32_t *touched;
	size_t n_touched;
	uint32_t *everdown;
	size_t n_everdown;
	struct ev *heap;
	size_t n_heap, cap_heap;
	uint32_t *evalq;
	size_t n_evalq, cap_evalq;
	uint32_t *stack;
	size_t n_stack, cap_stack;
	struct bs *bs;
	size_t n_bs, cap_bs;
	uint32_t *bs_members;
	size_t n_bs_members, cap_bs_members;
	struct pt_cascade_step *steps;
	size_t n_steps, cap_steps;
	int want_steps;
	int oom;
	int dirty;
	uint64_t events;
	const struct pt_cascade_params *p;
};

/* ---- growth ---- */

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *na;
	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < need) {
		if (nc > ((size_t)1 << 40) / elem)
			return -1;
		nc *= 2;
	}
	na = realloc(*arr, nc * elem);
	if (!na)
		return -1;
	*arr = na;
	*cap = nc;
	return 0;
}

/* ---- the network ---- */

static int cmp_u32(uint32_t a, uint32_t b)
{
	return (a > b) - (a < b);
}

/* Within one consumer: by group (ungrouped last), then provider. */
static int edge_before(const struct pt_cascade_edge *e, uint32_t a, uint32_t b)
{
	int c = cmp_u32(e[a].group, e[b].group);
	if (!c)
		c = cmp_u32(e[a].provider, e[b].provider);
	return c < 0;
}

static void sort_range(const struct pt_cascade_edge *e, uint32_t *idx, size_t n, uint32_t *tmp)
{
	size_t i, j, h, l, r, k;
	if (n < 24) {
		for (i = 1; i < n; i++) {
			uint32_t v = idx[i];
			for (j = i; j > 0 && edge_before(e, v, idx[j - 1]); j--)
				idx[j] = idx[j - 1];
			idx[j] = v;
		}
		return;
	}
	h = n / 2;
	sort_range(e, idx, h, tmp);
	sort_range(e, idx + h, n - h, tmp);
	for (l = 0, r = h, k = 0; l < h || r < n;)
		tmp[k++] = (r >= n || (l < h && !edge_before(e, idx[r], idx[l]))) ? idx[l++] : idx[r++];
	memcpy(idx, tmp, n * sizeof *idx);
}

static enum pt_err edge_diag(struct pt_diag *d, size_t i, const char *what)
{
	char field[64];
	/* "edge N" without stdio: the core does not format with printf. */
	char num[24];
	size_t n = 0, k;
	do {
		num[n++] = (char)('0' + (char)(i % 10));
		i /= 10;
	} while (i && n < sizeof num);
	memcpy(field, "edge ", 5);
	for (k = 0; k < n; k++)
		field[5 + k] = num[n - 1 - k];
	field[5 + n] = '\0';
	return pt_diag_put(d, PT_EINVAL, 0, field, what);
}

enum pt_err pt_cascade_net_new(size_t n_sites, const struct pt_cascade_edge *edges, size_t n_edges,
			       struct pt_cascade_net **out, struct pt_diag *d)
{
	struct pt_cascade_net *net = NULL;
	uint32_t *idx = NULL, *tmp = NULL, *mark = NULL, *cnt = NULL;
	enum pt_err err = PT_OK;
	size_t i, c, s, e;

	if (!out)
		return pt_diag_put(d, PT_EINVAL, 0, "", "no output");
	*out = NULL;
	if (n_sites > PT_CASCADE_MAX_SITES)
		return pt_diag_put(d, PT_ELIMIT, 0, "sites", "too many sites");
	if (n_edges > PT_CASCADE_MAX_EDGES)
		return pt_diag_put(d, PT_ELIMIT, 0, "edges", "too many dependencies");
	if (n_edges && !edges)
		return pt_diag_put(d, PT_EINVAL, 0, "edges", "no edges");
	for (i = 0; i < n_edges; i++) {
		const struct pt_cascade_edge *x = &edges[i];
		if (x->provider >= n_sites)
			return edge_diag(d, i, "provider index out of range");
		if (x->consumer >= n_sites)
			return edge_diag(d, i, "consumer index out of range");
		if (x->provider == x->consumer)
			return edge_diag(d, i, "a site cannot depend on itself");
		if (!isfinite(x->autonomy_h) || x->autonomy_h < 0 || x->autonomy_h > PT_DEP_MAX_AUTONOMY_H)
			return edge_diag(d, i, "autonomy_hours must be within 0-1000000");
		if (!isfinite(x->service_loss) || x->service_loss < 0 || x->service_loss > 1)
			return edge_diag(d, i, "service_loss must be within 0-1");
	}
	net = calloc(1, sizeof *net);
	idx = malloc((n_edges ? n_edges : 1) * sizeof *idx);
	tmp = malloc((n_edges ? n_edges : 1) * sizeof *tmp);
	mark = malloc((n_sites ? n_sites : 1) * sizeof *mark);
	cnt = calloc(n_sites + 1, sizeof *cnt);
	if (!net || !idx || !tmp || !mark || !cnt) {
		err = PT_ENOMEM;
		goto out;
	}
	net->n_sites = n_sites;
	net->n_edges = n_edges;
	net->in_off = calloc(n_sites + 1, sizeof *net->in_off);
	net->out_off = calloc(n_sites + 1, sizeof *net->out_off);
	net->out_sup = malloc((n_edges ? n_edges : 1) * sizeof *net->out_sup);
	net->sup_prov = malloc((n_edges ? n_edges : 1) * sizeof *net->sup_prov);
	if (!net->in_off || !net->out_off || !net->out_sup || !net->sup_prov) {
		err = PT_ENOMEM;
		goto out;
	}
	/* Counting sort by consumer (stable: input order within a consumer). */
	for (i = 0; i < n_edges; i++)
		cnt[edges[i].consumer + 1]++;
	for (c = 0; c < n_sites; c++)
		cnt[c + 1] += cnt[c];
	for (i = 0; i < n_edges; i++)
		idx[cnt[edges[i].consumer]++] = (uint32_t)i;
	/* cnt[c] is now the end of consumer c; duplicates by provider marks. */
	for (c = 0; c < n_sites; c++)
		mark[c] = UINT32_MAX;
	{
		size_t begin = 0;
		for (c = 0; c < n_sites; c++) {
			size_t end = cnt[c];
			for (e = begin; e < end; e++) {
				uint32_t p = edges[idx[e]].provider;
				if (mark[p] == (uint32_t)c) {
					err = edge_diag(d, idx[e], "the same provider and consumer twice");
					goto out;
				}
				mark[p] = (uint32_t)c;
			}
			sort_range(edges, idx + begin, end - begin, tmp);
			begin = end;
		}
	}
	/* Supplies: count, then fill. */
	{
		size_t begin = 0, n_sup = 0;
		for (c = 0; c < n_sites; c++) {
			size_t end = cnt[c];
			for (e = begin; e < end; e++) {
				const struct pt_cascade_edge *x = &edges[idx[e]];
				if (x->group != PT_CASCADE_NO_GROUP && e > begin &&
				    edges[idx[e - 1]].group == x->group) {
					const struct pt_cascade_edge *f = &edges[idx[e - 1]];
					if (f->autonomy_h != x->autonomy_h || f->service_loss != x->service_loss) {
						err = edge_diag(d, idx[e] > idx[e - 1] ? idx[e] : idx[e - 1],
								"the edges of one group must agree on autonomy_hours and service_loss");
						goto out;
					}
					continue;
				}
				n_sup++;
			}
			begin = end;
		}
		net->n_sup = n_sup;
		net->sup = malloc((n_sup ? n_sup : 1) * sizeof *net->sup);
		net->sup_poff = malloc((n_sup + 1) * sizeof *net->sup_poff);
		if (!net->sup || !net->sup_poff) {
			err = PT_ENOMEM;
			goto out;
		}
		begin = 0;
		s = 0;
		for (c = 0; c < n_sites; c++) {
			size_t end = cnt[c];
			net->in_off[c] = (uint32_t)s;
			for (e = begin; e < end; e++) {
				const struct pt_cascade_edge *x = &edges[idx[e]];
				if (!(x->group != PT_CASCADE_NO_GROUP && e > begin &&
				      edges[idx[e - 1]].group == x->group)) {
					net->sup[s].autonomy_h = x->autonomy_h;
					net->sup[s].service_loss = x->service_loss;
					net->sup[s].consumer = (uint32_t)c;
					net->sup[s].n_prov = 0;
					net->sup_poff[s] = (uint32_t)e;
					s++;
				}
				net->sup[s - 1].n_prov++;
				net->sup_prov[e] = x->provider;
			}
			begin = end;
		}
		net->in_off[n_sites] = (uint32_t)s;
		net->sup_poff[s] = (uint32_t)n_edges;
	}
	/* Provider -> supplies. */
	for (e = 0; e < n_edges; e++)
		net->out_off[net->sup_prov[e] + 1]++;
	for (c = 0; c < n_sites; c++)
		net->out_off[c + 1] += net->out_off[c];
	memcpy(cnt, net->out_off, (n_sites + 1) * sizeof *cnt);
	for (s = 0; s < net->n_sup; s++)
		for (e = net->sup_poff[s]; e < net->sup_poff[s + 1]; e++)
			net->out_sup[cnt[net->sup_prov[e]]++] = (uint32_t)s;
	*out = net;
	net = NULL;
out:
	if (err == PT_ENOMEM)
		pt_diag_put(d, PT_ENOMEM, 0, "", "out of memory");
	pt_cascade_net_free(net);
	free(idx);
	free(tmp);
	free(mark);
	free(cnt);
	return err;
}

void pt_cascade_net_free(struct pt_cascade_net *net)
{
	if (!net)
		return;
	free(net->in_off);
	free(net->out_off);
	free(net->out_sup);
	free(net->sup);
	free(net->sup_poff);
	free(net->sup_prov);
	free(net);
}

size_t pt_cascade_net_sites(const struct pt_cascade_net *net)
{
	return net ? net->n_sites : 0;
}

size_t pt_cascade_net_consumers(const struct pt_cascade_net *net, uint32_t site)
{
	if (!net || site >= net->n_sites)
		return 0;
	return net->out_off[site + 1] - net->out_off[site];
}

size_t pt_cascade_net_bytes(const struct pt_cascade_net *net)
{
	if (!net)
		return 0;
	return sizeof *net + 2 * (net->n_sites + 1) * sizeof(uint32_t) +
	       2 * net->n_edges * sizeof(uint32_t) + net->n_sup * sizeof(struct sup) +
	       (net->n_sup + 1) * sizeof(uint32_t);
}

/* ---- scratch memory ---- */

enum pt_err pt_cascade_work_new(const struct pt_cascade_net *net, struct pt_cascade_work **out)
{
	struct pt_cascade_work *w;
	size_t n, i;
	if (!out || !net)
		return PT_EINVAL;
	*out = NULL;
	n = net->n_sites ? net->n_sites : 1;
	w = calloc(1, sizeof *w);
	if (!w)
		return PT_ENOMEM;
	w->net = net;
	w->hot = malloc(n * sizeof *w->hot);
	w->gen_restart = calloc(n, sizeof *w->gen_restart);
	w->slot = calloc(n, sizeof *w->slot);
	w->recs = malloc(n * sizeof *w->recs);
	w->touched = malloc(n * sizeof *w->touched);
	w->everdown = malloc(n * sizeof *w->everdown);
	w->ss = calloc(net->n_sup ? net->n_sup : 1, sizeof *w->ss);
	if (!w->hot || !w->gen_restart || !w->slot || !w->recs || !w->touched || !w->everdown ||
	    !w->ss) {
		pt_cascade_work_free(w);
		return PT_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		w->hot[i].next_t = INFINITY;
		w->hot[i].gen = 0;
		w->hot[i].flags = 0;
		w->hot[i].pad = 0;
	}
	*out = w;
	return PT_OK;
}

void pt_cascade_work_free(struct pt_cascade_work *w)
{
	if (!w)
		return;
	free(w->hot);
	free(w->gen_restart);
	free(w->slot);
	free(w->recs);
	free(w->touched);
	free(w->everdown);
	free(w->ss);
	free(w->heap);
	free(w->evalq);
	free(w->stack);
	free(w->bs);
	free(w->bs_members);
	free(w->steps);
	free(w);
}

/* ---- the event heap (4-ary, min on (t, k)) ---- */

static int ev_less(const struct ev *a, const struct ev *b)
{
	return a->t < b->t || (a->t == b->t && a->k < b->k);
}

/* Entry i of the heap lives at heap[i + HEAP_PAD]: with 16-byte entries on a
 * 64-byte aligned array, the four children of an entry share one cache line. */
#define HEAP_PAD 3
#define H(w, i) ((w)->heap[(i) + HEAP_PAD])

static int heap_grow(struct pt_cascade_work *w)
{
	size_t nc = w->cap_heap ? w->cap_heap * 2 : 1024;
	struct ev *nh;
	if (nc > ((size_t)1 << 36))
		return -1;
	nh = aligned_alloc(64, nc * sizeof *nh);
	if (!nh)
		return -1;
	if (w->heap)
		memcpy(nh, w->heap, (w->n_heap + HEAP_PAD) * sizeof *nh);
	free(w->heap);
	w->heap = nh;
	w->cap_heap = nc;
	return 0;
}

static void heap_push(struct pt_cascade_work *w, double t, enum ev_kind kind, uint32_t id,
		      uint32_t gen)
{
	struct ev x;
	size_t i;
	if (t > w->p->horizon_h)
		return; /* never processed */
	if (w->n_heap + HEAP_PAD + 1 > w->cap_heap && heap_grow(w)) {
		w->oom = 1;
		return;
	}
	x.t = t;
	x.k = (uint64_t)kind << 62 | (uint64_t)id << 30 | (gen & GEN_MASK);
	i = w->n_heap++;
	while (i > 0) {
		size_t up = (i - 1) / 4;
		if (!ev_less(&x, &H(w, up)))
			break;
		H(w, i) = H(w, up);
		i = up;
	}
	H(w, i) = x;
}

static struct ev heap_pop(struct pt_cascade_work *w)
{
	struct ev top = H(w, 0), x;
	size_t n = --w->n_heap, i = 0;
	if (!n)
		return top;
	x = H(w, n);
	for (;;) {
		size_t c = 4 * i + 1, best, j, end;
		if (c >= n)
			break;
		best = c;
		end = c + 4 < n ? c + 4 : n;
		for (j = c + 1; j < end; j++)
			if (ev_less(&H(w, j), &H(w, best)))
				best = j;
		if (!ev_less(&H(w, best), &x))
			break;
		H(w, i) = H(w, best);
		i = best;
	}
	H(w, i) = x;
	return top;
}

/* ---- per-site bookkeeping ---- */

static void touch(struct pt_cascade_work *w, uint32_t c)
{
	if (!(w->hot[c].flags & F_TOUCHED)) {
		w->hot[c].flags |= F_TOUCHED;
		w->touched[w->n_touched++] = c;
	}
}

static void add_step(struct pt_cascade_work *w, double t, uint32_t site, double v)
{
	if (!w->want_steps)
		return;
	if (w->n_steps == w->cap_steps &&
	    grow((void **)&w->steps, &w->cap_steps, w->n_steps + 1, sizeof *w->steps)) {
		w->oom = 1;
		return;
	}
	w->steps[w->n_steps].t_h = t;
	w->steps[w->n_steps].site = site;
	w->steps[w->n_steps].service = v;
	w->n_steps++;
}

static double pop_of(const struct pt_cascade_work *w, uint32_t c)
{
	return w->p->population ? w->p->population[c] : 0.0;
}

/* The effective service of c changes to v at t. */
static void set_service(struct pt_cascade_work *w, uint32_t c, double t, double v)
{
	struct site_rec *r;
	if (!w->slot[c]) {
		if (v >= 1.0)
			return;
		touch(w, c);
		r = &w->recs[w->n_recs++];
		w->slot[c] = (uint32_t)w->n_recs;
		r->site = c;
		r->first_drop = t;
		r->failed_at = NAN;
		r->restore_t = NAN;
		r->min_service = 1.0;
		r->service = 1.0;
		r->last_t = 0.0;
		r->ph = 0.0;
		r->step_prev = 1.0;
	}
	r = &w->recs[w->slot[c] - 1];
	if (r->service == v)
		return;
	r->ph += pop_of(w, c) * (1.0 - r->service) * (t - r->last_t);
	r->last_t = t;
	r->service = v;
	if (v < r->min_service)
		r->min_service = v;
	r->restore_t = v >= 1.0 ? t : NAN;
	add_step(w, t, c, v);
}

static double restart_of(const struct pt_cascade_work *w, uint32_t c)
{
	return w->p->restart_h ? w->p->restart_h[c] : w->p->default_restart_h;
}

/* Service of c at t from its missing supplies (those past their autonomy),
 * skipping supplies a provider marked F_IN_S would bring back when rescue;
 * *next gets the earliest later expiry. */
static double service_at(const struct pt_cascade_work *w, uint32_t c, double t, int rescue,
			 double *next)
{
	const struct pt_cascade_net *net = w->net;
	double v = 1.0, nx = INFINITY;
	uint32_t s;
	for (s = net->in_off[c]; s < net->in_off[c + 1]; s++) {
		const struct sup *u = &net->sup[s];
		const struct sup_state *st = &w->ss[s];
		double e;
		if (st->down != u->n_prov)
			continue;
		e = st->since + u->autonomy_h;
		if (e > t) {
			if (e < nx)
				nx = e;
			continue;
		}
		if (rescue) {
			uint32_t j, hit = 0;
			for (j = net->sup_poff[s]; j < net->sup_poff[s] + u->n_prov; j++)
				if (w->hot[net->sup_prov[j]].flags & F_IN_S) {
					hit = 1;
					break;
				}
			if (hit)
				continue;
		}
		v *= 1.0 - u->service_loss;
	}
	if (next)
		*next = nx;
	return v;
}

static void set_next(struct pt_cascade_work *w, uint32_t c, double nx)
{
	struct site_hot *h = &w->hot[c];
	if (nx == h->next_t)
		return;
	h->gen++;
	h->next_t = nx;
	if (nx <= w->p->horizon_h)
		heap_push(w, nx, EV_EVAL, c, h->gen);
}

static void enqueue_eval(struct pt_cascade_work *w, uint32_t c)
{
	if (w->hot[c].flags & F_QUEUED)
		return;
	if (w->n_evalq == w->cap_evalq &&
	    grow((void **)&w->evalq, &w->cap_evalq, w->n_evalq + 1, sizeof *w->evalq)) {
		w->oom = 1;
		return;
	}
	touch(w, c);
	w->hot[c].flags |= F_QUEUED;
	w->evalq[w->n_evalq++] = c;
}

/* Site p goes down at t: its supplies go missing where it was the last. */
static void site_down(struct pt_cascade_work *w, uint32_t p, double t)
{
	const struct pt_cascade_net *net = w->net;
	uint32_t i;
	touch(w, p);
	w->hot[p].flags |= F_DOWN;
	if (!(w->hot[p].flags & F_EVERDOWN)) {
		w->hot[p].flags |= F_EVERDOWN;
		w->everdown[w->n_everdown++] = p;
	}
	for (i = net->out_off[p]; i < net->out_off[p + 1]; i++) {
		uint32_t s = net->out_sup[i];
		const struct sup *u = &net->sup[s];
		struct sup_state *st = &w->ss[s];
		uint32_t c;
		double e;
		if (++st->down != u->n_prov)
			continue;
		st->since = t;
		c = u->consumer;
		e = t + u->autonomy_h;
		if (e > w->p->horizon_h)
			continue;
		touch(w, c);
		/* Only an up site or one waiting to restart needs to see expiries. */
		if ((w->hot[c].flags & F_DOWN) && !(w->hot[c].flags & F_PEND_RESTART))
			continue;
		if (e < w->hot[c].next_t)
			set_next(w, c, e);
	}
}

/* Site p comes up at t: supplies it brings back are evaluated. */
static void site_up(struct pt_cascade_work *w, uint32_t p)
{
	const struct pt_cascade_net *net = w->net;
	uint32_t i;
	w->hot[p].flags &= (uint16_t)~(F_DOWN | F_PEND_RESTART | F_PEND_BS | F_HELD);
	for (i = net->out_off[p]; i < net->out_off[p + 1]; i++) {
		uint32_t s = net->out_sup[i];
		const struct sup *u = &net->sup[s];
		struct sup_state *st = &w->ss[s];
		if (st->down-- != u->n_prov)
			continue;
		if (w->hot[u->consumer].flags & F_DOWN)
			w->dirty = 1;
		enqueue_eval(w, u->consumer);
	}
}

static void schedule_restart(struct pt_cascade_work *w, uint32_t c, double t)
{
	w->hot[c].flags |= F_PEND_RESTART;
	w->gen_restart[c]++;
	heap_push(w, t + restart_of(w, c), EV_RESTART, c, w->gen_restart[c]);
}

/* Evaluate c at t after its supplies changed. */
static void evaluate(struct pt_cascade_work *w, uint32_t c, double t)
{
	double nx, v = service_at(w, c, t, 0, &nx);
	uint16_t f = w->hot[c].flags;
	if (!(f & F_DOWN)) {
		if (v < w->p->threshold) {
			struct site_rec *r;
			set_service(w, c, t, 0.0);
			r = &w->recs[w->slot[c] - 1];
			if (isnan(r->failed_at))
				r->failed_at = t;
			set_next(w, c, INFINITY);
			site_down(w, c, t);
			return;
		}
		set_service(w, c, t, v);
		set_next(w, c, nx);
		return;
	}
	if (f & (F_HELD | F_PEND_BS)) {
		set_next(w, c, INFINITY);
		return;
	}
	if (f & F_PEND_RESTART) {
		if (v < w->p->threshold) {
			w->hot[c].flags &= (uint16_t)~F_PEND_RESTART;
			w->gen_restart[c]++;
			w->dirty = 1;
			set_next(w, c, INFINITY);
			return;
		}
		set_next(w, c, nx);
		return;
	}
	if (v >= w->p->threshold) {
		schedule_restart(w, c, t);
		set_next(w, c, nx);
	}
}

static void drain_evalq(struct pt_cascade_work *w, double t)
{
	size_t i;
	for (i = 0; i < w->n_evalq; i++) {
		uint32_t c = w->evalq[i];
		w->hot[c].flags &= (uint16_t)~F_QUEUED;
		evaluate(w, c, t);
	}
	w->n_evalq = 0;
}

static int push_stack(struct pt_cascade_work *w, uint32_t c)
{
	if (w->n_stack == w->cap_stack &&
	    grow((void **)&w->stack, &w->cap_stack, w->n_stack + 1, sizeof *w->stack)) {
		w->oom = 1;
		return -1;
	}
	w->stack[w->n_stack++] = c;
	return 0;
}

/* Remove from S (F_IN_S) every member not at/above the threshold with all of
 * S up, until none is left to remove (the greatest fixpoint). The work list
 * is w->stack (the members to start with). */
static void fixpoint(struct pt_cascade_work *w, double t)
{
	const struct pt_cascade_net *net = w->net;
	while (w->n_stack > 0 && !w->oom) {
		uint32_t c = w->stack[--w->n_stack], i;
		if (!(w->hot[c].flags & F_IN_S))
			continue;
		if (service_at(w, c, t, 1, NULL) >= w->p->threshold)
			continue;
		w->hot[c].flags &= (uint16_t)~F_IN_S;
		for (i = net->out_off[c]; i < net->out_off[c + 1]; i++) {
			uint32_t k = net->sup[net->out_sup[i]].consumer;
			if ((w->hot[k].flags & F_IN_S) && push_stack(w, k))
				return;
		}
	}
}

/* Black start: the greatest set of failed, restartable sites, none of which
 * can restart alone, that would all be at/above the threshold together. */
static void black_start_check(struct pt_cascade_work *w, double t)
{
	size_t i, n = 0;
	double longest = 0;
	struct bs *b;
	w->dirty = 0;
	w->n_stack = 0;
	for (i = 0; i < w->n_everdown; i++) {
		uint32_t c = w->everdown[i];
		uint16_t f = w->hot[c].flags;
		if (!(f & F_DOWN) || (f & (F_HELD | F_PEND_RESTART | F_PEND_BS)))
			continue;
		if (service_at(w, c, t, 0, NULL) >= w->p->threshold) {
			double nx;
			schedule_restart(w, c, t);
			service_at(w, c, t, 0, &nx);
			set_next(w, c, nx);
			continue;
		}
		w->hot[c].flags |= F_IN_S;
		if (push_stack(w, c))
			return;
	}
	n = w->n_stack;
	if (!n)
		return;
	/* The members must stay at the bottom: copy them to bs_members first. */
	if (grow((void **)&w->bs_members, &w->cap_bs_members, w->n_bs_members + n,
		 sizeof *w->bs_members) ||
	    grow((void **)&w->bs, &w->cap_bs, w->n_bs + 1, sizeof *w->bs)) {
		w->oom = 1;
		return;
	}
	memcpy(w->bs_members + w->n_bs_members, w->stack, n * sizeof *w->stack);
	fixpoint(w, t);
	b = &w->bs[w->n_bs];
	b->first = (uint32_t)w->n_bs_members;
	b->n = 0;
	b->active = 1;
	for (i = 0; i < n; i++) {
		uint32_t c = w->bs_members[b->first + i];
		if (!(w->hot[c].flags & F_IN_S))
			continue;
		w->hot[c].flags &= (uint16_t)~F_IN_S;
		w->hot[c].flags |= F_PEND_BS;
		w->bs_members[b->first + b->n++] = c;
		if (restart_of(w, c) > longest)
			longest = restart_of(w, c);
	}
	w->n_stack = 0;
	if (!b->n)
		return;
	w->n_bs_members += b->n;
	heap_push(w, t + longest, EV_BLACK_START, (uint32_t)w->n_bs, 0);
	w->n_bs++;
}

static void black_start_fire(struct pt_cascade_work *w, uint32_t id, double t)
{
	struct bs *b = &w->bs[id];
	uint32_t i, ok = 1;
	const uint32_t *m = w->bs_members + b->first;
	for (i = 0; i < b->n; i++)
		w->hot[m[i]].flags |= F_IN_S;
	for (i = 0; i < b->n && ok; i++)
		if (service_at(w, m[i], t, 1, NULL) < w->p->threshold)
			ok = 0;
	for (i = 0; i < b->n; i++)
		w->hot[m[i]].flags &= (uint16_t)~(F_IN_S | F_PEND_BS);
	b->active = 0;
	if (!ok) {
		/* cancelled: each member is looked at again (alone, then together) */
		w->dirty = 1;
		for (i = 0; i < b->n; i++)
			enqueue_eval(w, m[i]);
		return;
	}
	for (i = 0; i < b->n; i++)
		site_up(w, m[i]);
	for (i = 0; i < b->n; i++) {
		double nx, v = service_at(w, m[i], t, 0, &nx);
		set_service(w, m[i], t, v);
		enqueue_eval(w, m[i]);
	}
}

static void process(struct pt_cascade_work *w, struct ev e)
{
	enum ev_kind kind = (enum ev_kind)(e.k >> 62);
	uint32_t id = (uint32_t)(e.k >> 30), gen = (uint32_t)(e.k & GEN_MASK);
	switch (kind) {
	case EV_HOLD_END:
		w->events++;
		w->hot[id].flags &= (uint16_t)~F_HELD;
		w->dirty = 1;
		enqueue_eval(w, id);
		break;
	case EV_RESTART: {
		double nx, v;
		if ((w->gen_restart[id] & GEN_MASK) != gen || !(w->hot[id].flags & F_PEND_RESTART))
			return;
		w->events++;
		if (service_at(w, id, e.t, 0, NULL) < w->p->threshold) {
			/* dropped again at this very time: no restart */
			w->hot[id].flags &= (uint16_t)~F_PEND_RESTART;
			w->dirty = 1;
			enqueue_eval(w, id);
			break;
		}
		site_up(w, id);
		v = service_at(w, id, e.t, 0, &nx);
		set_service(w, id, e.t, v);
		enqueue_eval(w, id);
		break;
	}
	case EV_BLACK_START:
		if (!w->bs[id].active)
			return;
		w->events++;
		black_start_fire(w, id, e.t);
		break;
	case EV_EVAL:
		if ((w->hot[id].gen & GEN_MASK) != gen || w->hot[id].next_t != e.t)
			return;
		w->events++;
		w->hot[id].next_t = INFINITY;
		w->hot[id].gen++;
		evaluate(w, id, e.t);
		break;
	}
	drain_evalq(w, e.t);
}

static void reset(struct pt_cascade_work *w)
{
	const struct pt_cascade_net *net = w->net;
	size_t i;
	uint32_t j;
	for (i = 0; i < w->n_touched; i++) {
		uint32_t c = w->touched[i];
		if (w->hot[c].flags & F_EVERDOWN)
			for (j = net->out_off[c]; j < net->out_off[c + 1]; j++)
				w->ss[net->out_sup[j]].down = 0;
	}
	for (i = 0; i < w->n_touched; i++) {
		uint32_t c = w->touched[i];
		w->hot[c].flags = 0;
		w->hot[c].next_t = INFINITY;
		w->hot[c].gen++;
		w->gen_restart[c]++;
		w->slot[c] = 0;
	}
	w->n_touched = 0;
	w->n_everdown = 0;
	w->n_recs = 0;
	w->n_heap = 0;
	w->n_evalq = 0;
	w->n_stack = 0;
	w->n_bs = 0;
	w->n_bs_members = 0;
	w->n_steps = 0;
	w->oom = 0;
	w->dirty = 0;
	w->events = 0;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct pt_cascade_site *x = a, *y = b;
	return x->site < y->site ? -1 : x->site > y->site;
}

/* Stable merge sort of steps by (t, site). */
static void sort_steps(struct pt_cascade_step *s, size_t n, struct pt_cascade_step *tmp)
{
	size_t h, l, r, k;
	if (n < 2)
		return;
	h = n / 2;
	sort_steps(s, h, tmp);
	sort_steps(s + h, n - h, tmp);
	for (l = 0, r = h, k = 0; l < h || r < n;) {
		int take_r = r < n && (l >= h || s[r].t_h < s[l].t_h ||
				       (s[r].t_h == s[l].t_h && s[r].site < s[l].site));
		tmp[k++] = take_r ? s[r++] : s[l++];
	}
	memcpy(s, tmp, n * sizeof *s);
}

/* Run over a checked network and parameters; summary only when out is NULL. */
static enum pt_err run(struct pt_cascade_work *w, const struct pt_cascade_params *p,
		       const uint32_t *failed, size_t n_failed, int want_steps,
		       struct pt_cascade_result *out, struct pt_spof_entry *spof)
{
	size_t i;
	double total = 0, recovery = 0, vis_recovery = 0;
	int unrestored = 0, vis_unrestored = 0;
	uint32_t n_failed_sites = 0, vis_failed = 0, vis_affected = 0;
	enum pt_err err = PT_OK;

	w->p = p;
	w->want_steps = want_steps;
	for (i = 0; i < n_failed; i++) {
		uint32_t c = failed[i];
		if (w->hot[c].flags & F_INITIAL)
			continue;
		touch(w, c);
		w->hot[c].flags |= F_INITIAL | F_HELD;
		set_service(w, c, 0.0, 0.0);
		w->recs[w->slot[c] - 1].failed_at = 0.0;
		site_down(w, c, 0.0);
		if (p->repair_h < p->horizon_h)
			heap_push(w, p->repair_h, EV_HOLD_END, c, 0);
	}
	while (w->n_heap && !w->oom) {
		struct ev e = heap_pop(w);
		process(w, e);
		if (w->dirty && (!w->n_heap || H(w, 0).t > e.t))
			black_start_check(w, e.t);
	}
	if (w->oom) {
		err = PT_ENOMEM;
		goto out;
	}
	for (i = 0; i < w->n_recs; i++) {
		struct site_rec *r = &w->recs[i];
		r->ph += pop_of(w, r->site) * (1.0 - r->service) * (p->horizon_h - r->last_t);
		r->last_t = p->horizon_h;
		total += r->ph;
		if (isnan(r->restore_t))
			unrestored = 1;
		else if (r->restore_t > recovery)
			recovery = r->restore_t;
		if (!isnan(r->failed_at) && !(w->hot[r->site].flags & F_INITIAL))
			n_failed_sites++;
		if (p->visible && !p->visible[r->site])
			continue;
		if (isnan(r->restore_t))
			vis_unrestored = 1;
		else if (r->restore_t > vis_recovery)
			vis_recovery = r->restore_t;
		if (!(w->hot[r->site].flags & F_INITIAL)) {
			vis_affected++;
			if (!isnan(r->failed_at))
				vis_failed++;
		}
	}
	if (spof) {
		spof->person_hours_lost = total;
		spof->sites_failed = n_failed_sites;
		spof->sites_affected = (uint32_t)(w->n_recs - 1);
		spof->recovery_h = unrestored ? NAN : recovery;
		spof->visible_sites_failed = vis_failed;
		spof->visible_sites_affected = vis_affected;
		spof->visible_recovery_h = vis_unrestored ? NAN : vis_recovery;
		spof->downstream_person_hours = 0;
		for (i = 0; i < w->n_recs; i++)
			if (!(w->hot[w->recs[i].site].flags & F_INITIAL))
				spof->downstream_person_hours += w->recs[i].ph;
	}
	if (out) {
		out->person_hours_lost = total;
		out->downstream_person_hours = 0;
		for (i = 0; i < w->n_recs; i++)
			if (!(w->hot[w->recs[i].site].flags & F_INITIAL))
				out->downstream_person_hours += w->recs[i].ph;
		out->recovery_h = unrestored ? NAN : recovery;
		out->visible_recovery_h = vis_unrestored ? NAN : vis_recovery;
		out->events = w->events;
		out->n_sites = w->n_recs;
		out->sites = malloc((w->n_recs ? w->n_recs : 1) * sizeof *out->sites);
		if (!out->sites) {
			err = PT_ENOMEM;
			goto out;
		}
		/* Slots are in first-drop order; equal times sort by site below. */
		for (i = 0; i < w->n_recs; i++) {
			struct site_rec *r = &w->recs[i];
			struct pt_cascade_site *s = &out->sites[i];
			s->site = r->site;
			s->failed_at_h = r->failed_at;
			s->restored_at_h = r->restore_t;
			s->min_service = r->min_service;
			s->person_hours_lost = r->ph;
		}
		for (i = 0; i < w->n_recs;) {
			size_t j = i + 1;
			while (j < w->n_recs && w->recs[j].first_drop == w->recs[i].first_drop)
				j++;
			if (j - i > 1)
				qsort(out->sites + i, j - i, sizeof *out->sites, rec_cmp);
			i = j;
		}
		if (want_steps) {
			size_t k = 0;
			struct pt_cascade_step *tmp = malloc((w->n_steps ? w->n_steps : 1) * sizeof *tmp);
			if (!tmp) {
				err = PT_ENOMEM;
				goto out;
			}
			sort_steps(w->steps, w->n_steps, tmp);
			free(tmp);
			for (i = 0; i < w->n_recs; i++)
				w->recs[i].step_prev = 1.0;
			out->steps = malloc((w->n_steps ? w->n_steps : 1) * sizeof *out->steps);
			if (!out->steps) {
				err = PT_ENOMEM;
				goto out;
			}
			for (i = 0; i < w->n_steps;) {
				size_t j = i + 1;
				struct pt_cascade_step last;
				struct site_rec *r;
				while (j < w->n_steps && w->steps[j].t_h == w->steps[i].t_h &&
				       w->steps[j].site == w->steps[i].site)
					j++;
				last = w->steps[j - 1];
				r = &w->recs[w->slot[last.site] - 1];
				if (last.service != r->step_prev) {
					out->steps[k++] = last;
					r->step_prev = last.service;
				}
				i = j;
			}
			out->n_steps = k;
		}
	}
out:
	reset(w);
	return err;
}

static enum pt_err check_params(const struct pt_cascade_net *net, const struct pt_cascade_params *p,
				struct pt_diag *d)
{
	size_t i;
	if (!p)
		return pt_diag_put(d, PT_EINVAL, 0, "params", "no parameters");
	if (!(p->threshold > 0 && p->threshold <= 1))
		return pt_diag_put(d, PT_EINVAL, 0, "threshold", "must be above 0 and at most 1");
	if (!(p->horizon_h > 0 && p->horizon_h <= PT_CASCADE_MAX_HORIZON_H))
		return pt_diag_put(d, PT_EINVAL, 0, "horizon_h", "must be above 0 and at most 1000000");
	if (!(p->repair_h >= 0))
		return pt_diag_put(d, PT_EINVAL, 0, "repair_h", "must be 0 or more");
	if (!(p->default_restart_h >= 0 && p->default_restart_h <= PT_CASCADE_MAX_HORIZON_H))
		return pt_diag_put(d, PT_EINVAL, 0, "default_restart_h", "must be within 0-1000000");
	for (i = 0; p->restart_h && i < net->n_sites; i++)
		if (!(p->restart_h[i] >= 0 && p->restart_h[i] <= PT_CASCADE_MAX_HORIZON_H))
			return pt_diag_put(d, PT_EINVAL, 0, "restart_h", "must be within 0-1000000");
	for (i = 0; p->population && i < net->n_sites; i++)
		if (!(p->population[i] >= 0 && isfinite(p->population[i])))
			return pt_diag_put(d, PT_EINVAL, 0, "population", "must be finite and 0 or more");
	return PT_OK;
}

enum pt_err pt_cascade_run(const struct pt_cascade_net *net, struct pt_cascade_work *w,
			   const struct pt_cascade_params *p, const uint32_t *failed, size_t n_failed,
			   int want_steps, struct pt_cascade_result *out, struct pt_diag *d)
{
	struct pt_cascade_work *own = NULL;
	enum pt_err err;
	size_t i;
	if (!net || !out)
		return pt_diag_put(d, PT_EINVAL, 0, "", "no network or result");
	memset(out, 0, sizeof *out);
	err = check_params(net, p, d);
	if (err)
		return err;
	if (n_failed && !failed)
		return pt_diag_put(d, PT_EINVAL, 0, "failed", "no failed sites");
	for (i = 0; i < n_failed; i++)
		if (failed[i] >= net->n_sites)
			return pt_diag_put(d, PT_EINVAL, 0, "failed", "site index out of range");
	if (w && w->net != net)
		return pt_diag_put(d, PT_EINVAL, 0, "work", "scratch memory of another network");
	if (!w) {
		if (pt_cascade_work_new(net, &own))
			return pt_diag_put(d, PT_ENOMEM, 0, "", "out of memory");
		w = own;
	}
	err = run(w, p, failed, n_failed, want_steps, out, NULL);
	pt_cascade_work_free(own);
	if (err) {
		pt_cascade_result_clear(out);
		return pt_diag_put(d, err, 0, "", "out of memory");
	}
	return PT_OK;
}

void pt_cascade_result_clear(struct pt_cascade_result *r)
{
	if (!r)
		return;
	free(r->sites);
	free(r->steps);
	memset(r, 0, sizeof *r);
}

/* ---- the SPOF sweep ---- */

struct spof_job {
	const struct pt_cascade_net *net;
	const struct pt_cascade_params *p;
	const uint32_t *sites;
	struct pt_spof_entry *out;
	size_t n;
	atomic_size_t next;
	atomic_int cancel;
	atomic_int failed;
	pthread_mutex_t lock;
	uint64_t done;
	pt_cascade_progress_fn progress;
	void *progress_ctx;
};

#define SPOF_CHUNK 16

static void *spof_worker(void *arg)
{
	struct spof_job *j = arg;
	struct pt_cascade_work *w = NULL;
	if (pt_cascade_work_new(j->net, &w)) {
		atomic_store(&j->failed, 1);
		return NULL;
	}
	for (;;) {
		size_t first, i, end;
		if (atomic_load(&j->cancel) || atomic_load(&j->failed))
			break;
		first = atomic_fetch_add(&j->next, SPOF_CHUNK);
		if (first >= j->n)
			break;
		end = first + SPOF_CHUNK < j->n ? first + SPOF_CHUNK : j->n;
		for (i = first; i < end; i++) {
			struct pt_spof_entry *e = &j->out[i];
			e->site = j->sites[i];
			if (run(w, j->p, &j->sites[i], 1, 0, NULL, e)) {
				atomic_store(&j->failed, 1);
				break;
			}
		}
		pthread_mutex_lock(&j->lock);
		j->done += end - first;
		if (j->progress && !atomic_load(&j->cancel) &&
		    j->progress(j->progress_ctx, j->done, j->n))
			atomic_store(&j->cancel, 1);
		pthread_mutex_unlock(&j->lock);
	}
	pt_cascade_work_free(w);
	return NULL;
}

static int spof_cmp(const void *a, const void *b)
{
	const struct pt_spof_entry *x = a, *y = b;
	if (x->person_hours_lost != y->person_hours_lost)
		return x->person_hours_lost > y->person_hours_lost ? -1 : 1;
	return (x->site > y->site) - (x->site < y->site);
}

enum pt_err pt_cascade_spof(const struct pt_cascade_net *net, const struct pt_cascade_params *p,
			    unsigned threads, pt_cascade_progress_fn progress, void *progress_ctx,
			    struct pt_spof_entry **out, size_t *n_out, struct pt_diag *d)
{
	struct spof_job j;
	pthread_t tid[PT_CASCADE_MAX_THREADS];
	uint32_t *sites = NULL;
	struct pt_spof_entry *res = NULL;
	size_t n = 0, i;
	unsigned t, started = 0;
	enum pt_err err;

	if (!net || !out || !n_out)
		return pt_diag_put(d, PT_EINVAL, 0, "", "no network or output");
	*out = NULL;
	*n_out = 0;
	err = check_params(net, p, d);
	if (err)
		return err;
	if (threads == 0)
		threads = 1;
	if (threads > PT_CASCADE_MAX_THREADS)
		threads = PT_CASCADE_MAX_THREADS;
	for (i = 0; i < net->n_sites; i++)
		if (net->out_off[i + 1] > net->out_off[i])
			n++;
	sites = malloc((n ? n : 1) * sizeof *sites);
	res = calloc(n ? n : 1, sizeof *res);
	if (!sites || !res) {
		free(sites);
		free(res);
		return pt_diag_put(d, PT_ENOMEM, 0, "", "out of memory");
	}
	n = 0;
	for (i = 0; i < net->n_sites; i++)
		if (net->out_off[i + 1] > net->out_off[i])
			sites[n++] = (uint32_t)i;
	memset(&j, 0, sizeof j);
	j.net = net;
	j.p = p;
	j.sites = sites;
	j.out = res;
	j.n = n;
	atomic_init(&j.next, 0);
	atomic_init(&j.cancel, 0);
	atomic_init(&j.failed, 0);
	j.progress = progress;
	j.progress_ctx = progress_ctx;
	pthread_mutex_init(&j.lock, NULL);
	if (threads > n)
		threads = n ? (unsigned)n : 1;
	for (t = 1; t < threads; t++) {
		if (pthread_create(&tid[t], NULL, spof_worker, &j))
			break;
		started++;
	}
	spof_worker(&j);
	for (t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	pthread_mutex_destroy(&j.lock);
	free(sites);
	if (atomic_load(&j.failed)) {
		free(res);
		return pt_diag_put(d, PT_ENOMEM, 0, "", "out of memory");
	}
	if (atomic_load(&j.cancel)) {
		free(res);
		return pt_diag_put(d, PT_EINTERNAL, 0, "", "cancelled");
	}
	if (n)
		qsort(res, n, sizeof *res, spof_cmp);
	*out = res;
	*n_out = n;
	return PT_OK;
}
