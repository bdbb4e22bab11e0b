/* pt_evq.c - the discrete-event queue of pt_evq.h: a 4-ary min-heap of 16-byte
 * keys (time bits, push rank, slot), moved by holes; the events wait in slots. */
#include "pt_evq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Four children per node: half the depth of a binary heap. A node is 16
 * bytes (the event itself waits in its slot and never moves), so the four
 * children of a node are one 64-byte cache line: the array starts three
 * nodes before a line boundary, putting children 4i+1..4i+4 on one line.
 * Keys compare as unsigned integers: the bits of a non-negative double
 * order as the double does, and the rank is the push order. Measured on the
 * incident model in docs/internals/core.md.
 */
#define EVQ_D 4 /* the tournament in pt_evq_pop assumes four */
#define EVQ_LINE 64
#define EVQ_PAD 3 /* nodes before heap[0] so that heap[1] starts a line */
#define EVQ_SLOT_MASK UINT64_C(0xffffffff)
/* Slots are 32-bit: at most this many events held at once. */
#define EVQ_MAX_HELD ((size_t)1 << 31)

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 evq_u128;
/* 1 when node a comes before node b (earlier time, or pushed first). */
static inline size_t evq_node_before(const struct pt_evq_node *a, const struct pt_evq_node *b)
{
	evq_u128 x = ((evq_u128)a->key << 64) | a->tie, y = ((evq_u128)b->key << 64) | b->tie;
	return (size_t)(x < y);
}
#else
static inline size_t evq_node_before(const struct pt_evq_node *a, const struct pt_evq_node *b)
{
	return (size_t)((a->key < b->key) | ((a->key == b->key) & (a->tie < b->tie)));
}
#endif

/* 1 when (ka, ta) comes before (kb, tb), without branches. */
static inline size_t evq_less(uint64_t ka, uint64_t ta, uint64_t kb, uint64_t tb)
{
#if defined(__SIZEOF_INT128__)
	return (size_t)((((evq_u128)ka << 64) | ta) < (((evq_u128)kb << 64) | tb));
#else
	return (size_t)((ka < kb) | ((ka == kb) & (ta < tb)));
#endif
}

/* 1 when the node (key, tie) comes before node b. */
static inline size_t evq_before(uint64_t key, uint64_t tie, const struct pt_evq_node *b)
{
	return (size_t)((key < b->key) | ((key == b->key) & (tie < b->tie)));
}

/* 1 when h[x] comes before h[y], 0 otherwise, without branches. */
static inline size_t evq_lt(const struct pt_evq_node *h, size_t x, size_t y)
{
	return evq_node_before(&h[x], &h[y]);
}

/* The key of time t (t >= 0, not NaN): its bits, -0 as +0 (they are equal times). */
static inline uint64_t evq_key(double t)
{
	uint64_t k;
	if (t == 0)
		t = 0;
	memcpy(&k, &t, sizeof k);
	return k;
}

/* Room for cap events: one allocation (heap nodes, slots, free slots), contents kept. */
static enum pt_err evq_alloc(struct pt_evq *q, size_t cap)
{
	size_t heap_bytes = (cap + EVQ_PAD + 1) * sizeof(struct pt_evq_node);
	size_t slot_bytes = cap * sizeof(struct pt_evq_event);
	size_t total;
	unsigned char *m;
	heap_bytes = (heap_bytes + EVQ_LINE - 1) / EVQ_LINE * EVQ_LINE;
	total = heap_bytes + slot_bytes + cap * sizeof(uint32_t);
	total = (total + EVQ_LINE - 1) / EVQ_LINE * EVQ_LINE; /* aligned_alloc wants a multiple */
	m = aligned_alloc(EVQ_LINE, total);
	if (!m)
		return PT_ENOMEM;
	{
		struct pt_evq_node *heap = (struct pt_evq_node *)(void *)m + EVQ_PAD;
		struct pt_evq_event *slot = (struct pt_evq_event *)(void *)(m + heap_bytes);
		uint32_t *free_slot = (uint32_t *)(void *)(m + heap_bytes + slot_bytes);
		if (q->mem) {
			memcpy(heap, q->heap, q->n * sizeof *heap);
			memcpy(slot, q->slot, q->slots_used * sizeof *slot);
			memcpy(free_slot, q->free_slot, q->n_free * sizeof *free_slot);
			free(q->mem);
		}
		q->mem = m;
		q->heap = heap;
		q->slot = slot;
		q->free_slot = free_slot;
	}
	q->cap = cap;
	return PT_OK;
}

enum pt_err pt_evq_init(struct pt_evq *q, size_t cap_hint, size_t max_events)
{
	memset(q, 0, sizeof *q);
	q->max_events = max_events ? max_events : (size_t)1 << 26;
	if (q->max_events > EVQ_MAX_HELD)
		q->max_events = EVQ_MAX_HELD;
	q->rank_limit = UINT32_MAX;
	if (cap_hint < 16)
		cap_hint = 16;
	if (cap_hint > q->max_events)
		cap_hint = q->max_events;
	return evq_alloc(q, cap_hint);
}

void pt_evq_free(struct pt_evq *q)
{
	if (!q)
		return;
	free(q->mem);
	q->mem = NULL;
	q->heap = NULL;
	q->slot = NULL;
	q->free_slot = NULL;
	q->n = q->cap = q->n_free = q->slots_used = 0;
}

void pt_evq_clear(struct pt_evq *q)
{
	q->n = 0;
	q->n_free = q->slots_used = 0;
	q->next_seq = 0;
	q->next_rank = 0;
	q->now = 0;
	q->popped = 0;
}

/* The one growth path: double, up to max_events. */
static enum pt_err evq_grow(struct pt_evq *q)
{
	size_t cap = q->cap ? q->cap * 2 : 16;
	if (q->n >= q->max_events)
		return PT_ELIMIT;
	if (cap > q->max_events)
		cap = q->max_events;
	return evq_alloc(q, cap);
}

static int evq_cmp_node(const void *a, const void *b)
{
	const struct pt_evq_node *x = a, *y = b;
	return evq_node_before(x, y) ? -1 : evq_node_before(y, x) ? 1 : 0;
}

/*
 * The ranks ran out (2^32 pushes since clear): sort the held events (a
 * sorted array is a heap) and rank them 0..n-1 in their order, which keeps
 * every order between them; the next push ranks after all of them.
 */
static void evq_renumber(struct pt_evq *q)
{
	size_t i;
	qsort(q->heap, q->n, sizeof *q->heap, evq_cmp_node);
	for (i = 0; i < q->n; i++)
		q->heap[i].tie = ((uint64_t)i << 32) | (q->heap[i].tie & EVQ_SLOT_MASK);
	q->next_rank = (uint32_t)q->n;
}

enum pt_err pt_evq_push(struct pt_evq *q, double t, uint32_t kind, uint32_t who, uint32_t arg)
{
	struct pt_evq_node *h;
	struct pt_evq_event *ev;
	uint64_t key;
	uint32_t s;
	size_t i;
	if (!(t >= q->now)) /* also NaN */
		return PT_EINVAL;
	if (q->n == q->cap) {
		enum pt_err e = evq_grow(q);
		if (e)
			return e;
	}
	if (q->next_rank >= q->rank_limit)
		evq_renumber(q);
	s = q->n_free ? q->free_slot[--q->n_free] : (uint32_t)q->slots_used++;
	ev = &q->slot[s];
	ev->t = t;
	ev->seq = q->next_seq++;
	ev->kind = kind;
	ev->who = who;
	ev->arg = arg;
	key = evq_key(t);
	h = q->heap;
	i = q->n++;
	/* Sift the hole up: an equal time never overtakes (its rank is larger). */
	while (i > 0) {
		size_t p = (i - 1) / EVQ_D;
		if (!(key < h[p].key))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i].key = key;
	h[i].tie = ((uint64_t)q->next_rank++ << 32) | s;
	return PT_OK;
}

int pt_evq_pop(struct pt_evq *q, struct pt_evq_event *ev)
{
	struct pt_evq_node *h = q->heap;
	uint64_t last_key, last_tie;
	size_t n, i, c;
	uint32_t s;
	if (q->n == 0)
		return 0;
	s = (uint32_t)(h[0].tie & EVQ_SLOT_MASK);
	*ev = q->slot[s];
	q->free_slot[q->n_free++] = s;
	n = --q->n;
	q->now = ev->t;
	q->popped++;
	if (n == 0)
		return 1;
	/* two 8-byte loads: a push just wrote it so (a 16-byte load would wait for the stores) */
	last_key = h[n].key;
	last_tie = h[n].tie;
	/*
	 * Bottom-up deletion (Wegener 1993): move the hole at the root down to
	 * a leaf along the earliest children, without comparing with last, so
	 * the loop ends by depth and not on data the branch predictor cannot
	 * guess; then sift last up from that leaf (usually zero or one step,
	 * since the last leaf is late). The earliest child is picked with
	 * conditional moves.
	 */
	i = 0;
	while ((c = i * EVQ_D + 1) + EVQ_D <= n) { /* all four children present */
		/* a tournament in registers: the pairs' winners, then the final */
		const struct pt_evq_node *k = &h[c];
		uint64_t k0 = k[0].key, t0 = k[0].tie, k1 = k[1].key, t1 = k[1].tie;
		uint64_t k2 = k[2].key, t2 = k[2].tie, k3 = k[3].key, t3 = k[3].tie;
		size_t s01 = evq_less(k1, t1, k0, t0), s23 = evq_less(k3, t3, k2, t2), sf;
		/* selections by masks (a compiler turns ?: into branches here) */
		uint64_t m01 = (uint64_t)0 - s01, m23 = (uint64_t)0 - s23, mf;
		uint64_t ka = k0 ^ ((k0 ^ k1) & m01), ta = t0 ^ ((t0 ^ t1) & m01);
		uint64_t kb = k2 ^ ((k2 ^ k3) & m23), tb = t2 ^ ((t2 ^ t3) & m23);
		size_t ia = c + s01, ib = c + 2 + s23;
		sf = evq_less(kb, tb, ka, ta);
		mf = (uint64_t)0 - sf;
		h[i].key = ka ^ ((ka ^ kb) & mf);
		h[i].tie = ta ^ ((ta ^ tb) & mf);
		i = ia ^ ((ia ^ ib) & (size_t)mf);
	}
	if (c < n) { /* a last node with fewer children */
		size_t best = c, k;
		for (k = c + 1; k < n; k++)
			if (evq_lt(h, k, best))
				best = k;
		h[i] = h[best];
		i = best;
	}
	while (i > 0) {
		size_t p = (i - 1) / EVQ_D;
		if (!evq_before(last_key, last_tie, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i].key = last_key;
	h[i].tie = last_tie;
	return 1;
}

double pt_evq_peek_time(const struct pt_evq *q)
{
	return q->n ? q->slot[q->heap[0].tie & EVQ_SLOT_MASK].t : INFINITY;
}
