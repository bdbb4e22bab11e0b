/* pt_evq.c - the discrete-event queue of pt_evq.h: a 4-ary min-heap on
 * (t, seq) in one array, moved by holes (no swaps); pushes within capacity never allocate. */
#include "pt_evq.h"

#include <math.h>
#include <stdlib.h>

/* Four children per node: half the depth of a binary heap, and the four
 * children of a node (4 x 32 bytes) share two cache lines. Measured against
 * a binary heap on the incident model (docs/internals/core.md). */
#define EVQ_D 4 /* the tournament in pt_evq_pop assumes four */

/* a before b: earlier time, or the same time and pushed first. */
static inline int evq_before(const struct pt_evq_event *a, const struct pt_evq_event *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* 1 when h[x] comes before h[y], 0 otherwise, computed without branches. */
static inline size_t evq_lt(const struct pt_evq_event *h, size_t x, size_t y)
{
	return (size_t)((h[x].t < h[y].t) | ((h[x].t == h[y].t) & (h[x].seq < h[y].seq)));
}

enum pt_err pt_evq_init(struct pt_evq *q, size_t cap_hint, size_t max_events)
{
	q->heap = NULL;
	q->n = 0;
	q->cap = 0;
	q->next_seq = 0;
	q->now = 0;
	q->popped = 0;
	q->max_events = max_events ? max_events : (size_t)1 << 26;
	if (cap_hint < 16)
		cap_hint = 16;
	if (cap_hint > q->max_events)
		cap_hint = q->max_events;
	q->heap = malloc(cap_hint * sizeof *q->heap);
	if (!q->heap)
		return PT_ENOMEM;
	q->cap = cap_hint;
	return PT_OK;
}

void pt_evq_free(struct pt_evq *q)
{
	if (!q)
		return;
	free(q->heap);
	q->heap = NULL;
	q->n = q->cap = 0;
}

void pt_evq_clear(struct pt_evq *q)
{
	q->n = 0;
	q->next_seq = 0;
	q->now = 0;
	q->popped = 0;
}

/* The one growth path: double, up to max_events. */
static enum pt_err evq_grow(struct pt_evq *q)
{
	size_t cap = q->cap ? q->cap * 2 : 16;
	struct pt_evq_event *h;
	if (q->n >= q->max_events)
		return PT_ELIMIT;
	if (cap > q->max_events)
		cap = q->max_events;
	h = realloc(q->heap, cap * sizeof *h);
	if (!h)
		return PT_ENOMEM;
	q->heap = h;
	q->cap = cap;
	return PT_OK;
}

enum pt_err pt_evq_push(struct pt_evq *q, double t, uint32_t kind, uint32_t who, uint32_t arg)
{
	struct pt_evq_event ev, *h;
	size_t i;
	if (!(t >= q->now)) /* also NaN */
		return PT_EINVAL;
	if (q->n == q->cap) {
		enum pt_err e = evq_grow(q);
		if (e)
			return e;
	}
	ev.t = t;
	ev.seq = q->next_seq++;
	ev.kind = kind;
	ev.who = who;
	ev.arg = arg;
	h = q->heap;
	i = q->n++;
	/* Sift the hole up: an equal time never overtakes (its seq is larger). */
	while (i > 0) {
		size_t p = (i - 1) / EVQ_D;
		if (!(t < h[p].t))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = ev;
	return PT_OK;
}

int pt_evq_pop(struct pt_evq *q, struct pt_evq_event *ev)
{
	struct pt_evq_event *h = q->heap, last;
	size_t n, i, c;
	if (q->n == 0)
		return 0;
	*ev = h[0];
	n = --q->n;
	q->now = ev->t;
	q->popped++;
	if (n == 0)
		return 1;
	last = h[n];
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
		/* a tournament: the pairs' winners, then the final, in arithmetic */
		size_t a = c + evq_lt(h, c + 1, c), b = c + 2 + evq_lt(h, c + 3, c + 2);
		size_t best = a + (b - a) * evq_lt(h, b, a);
		h[i] = h[best];
		i = best;
	}
	if (c < n) { /* a last node with fewer children */
		size_t best = c, k;
		for (k = c + 1; k < n; k++)
			if (evq_before(&h[k], &h[best]))
				best = k;
		h[i] = h[best];
		i = best;
	}
	while (i > 0) {
		size_t p = (i - 1) / EVQ_D;
		if (!evq_before(&last, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = last;
	return 1;
}

double pt_evq_peek_time(const struct pt_evq *q)
{
	return q->n ? q->heap[0].t : INFINITY;
}
