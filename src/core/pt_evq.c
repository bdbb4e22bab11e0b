/* pt_evq.c - the discrete-event queue of pt_evq.h: a 4-ary min-heap on
 * (t, seq) in one array, moved by holes (no swaps); pushes within capacity never allocate. */
#include "pt_evq.h"

#include <math.h>
#include <stdlib.h>

/* Four children per node: half the depth of a binary heap, and the four
 * children of a node (4 x 32 bytes) share two cache lines. Measured against
 * a binary heap on the incident model (docs/internals/core.md). */
#define EVQ_D 4

/* a before b: earlier time, or the same time and pushed first. */
static inline int evq_before(const struct pt_evq_event *a, const struct pt_evq_event *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
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
	size_t n, i;
	if (q->n == 0)
		return 0;
	*ev = h[0];
	n = --q->n;
	q->now = ev->t;
	q->popped++;
	if (n == 0)
		return 1;
	last = h[n];
	i = 0;
	/* Sift the hole at the root down, placing last where it belongs. The
	 * earliest child is chosen without branches (conditional moves): which
	 * child wins is data, and a predictor guesses it no better than chance. */
	for (;;) {
		size_t c = i * EVQ_D + 1, best, k, end;
		if (c >= n)
			break;
		best = c;
		end = c + EVQ_D < n ? c + EVQ_D : n;
		for (k = c + 1; k < end; k++) {
			int lt = (h[k].t < h[best].t) | ((h[k].t == h[best].t) & (h[k].seq < h[best].seq));
			best = lt ? k : best;
		}
		if (!evq_before(&h[best], &last))
			break;
		h[i] = h[best];
		i = best;
	}
	h[i] = last;
	return 1;
}

double pt_evq_peek_time(const struct pt_evq *q)
{
	return q->n ? q->heap[0].t : INFINITY;
}
