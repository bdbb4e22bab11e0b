/* test_evq.c - unit tests of the event queue: time order, ties in push
 * order, the refusals (the past, NaN, the size limit), clear and growth,
 * renumbered push ranks, -0. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/pt_evq.h"
#include "pt_test.h"

static void test_order_and_ties(void)
{
	struct pt_evq q;
	struct pt_evq_event ev;
	CHECK_INT(pt_evq_init(&q, 4, 0), PT_OK);
	CHECK(isinf(pt_evq_peek_time(&q)));
	CHECK_INT(pt_evq_push(&q, 5, 1, 10, 0), PT_OK);
	CHECK_INT(pt_evq_push(&q, 2, 2, 20, 0), PT_OK);
	CHECK_INT(pt_evq_push(&q, 5, 3, 30, 0), PT_OK);
	CHECK_INT(pt_evq_push(&q, 2, 4, 40, 7), PT_OK);
	CHECK_INT(pt_evq_push(&q, 5, 5, 50, 0), PT_OK);
	CHECK_NEAR(pt_evq_peek_time(&q), 2, 0);
	/* time first, then the order of pushing */
	CHECK_INT(pt_evq_pop(&q, &ev), 1);
	CHECK_INT(ev.kind, 2);
	CHECK_INT(ev.who, 20);
	CHECK_INT(pt_evq_pop(&q, &ev), 1);
	CHECK_INT(ev.kind, 4);
	CHECK_INT(ev.arg, 7);
	CHECK_NEAR(q.now, 2, 0);
	CHECK_INT(pt_evq_pop(&q, &ev), 1);
	CHECK_INT(ev.kind, 1);
	CHECK_INT(pt_evq_pop(&q, &ev), 1);
	CHECK_INT(ev.kind, 3);
	CHECK_INT(pt_evq_pop(&q, &ev), 1);
	CHECK_INT(ev.kind, 5);
	CHECK_NEAR(q.now, 5, 0);
	CHECK_INT(pt_evq_pop(&q, &ev), 0);
	CHECK_INT((long long)q.popped, 5);
	pt_evq_free(&q);
}

static void test_refusals(void)
{
	struct pt_evq q;
	struct pt_evq_event ev;
	CHECK_INT(pt_evq_init(&q, 2, 3), PT_OK);
	CHECK_INT(pt_evq_push(&q, 10, 0, 0, 0), PT_OK);
	CHECK_INT(pt_evq_pop(&q, &ev), 1);
	CHECK_INT(pt_evq_push(&q, 9.5, 0, 0, 0), PT_EINVAL); /* before now */
	CHECK_INT(pt_evq_push(&q, NAN, 0, 0, 0), PT_EINVAL);
	CHECK_INT(pt_evq_push(&q, 10, 0, 0, 0), PT_OK);       /* now itself is fine */
	CHECK_INT(pt_evq_push(&q, INFINITY, 0, 0, 0), PT_OK);
	CHECK_INT(pt_evq_push(&q, 11, 0, 0, 0), PT_OK);
	CHECK_INT(pt_evq_push(&q, 12, 0, 0, 0), PT_ELIMIT); /* max_events 3 */
	CHECK_INT((long long)q.n, 3);
	pt_evq_clear(&q);
	CHECK_INT((long long)q.n, 0);
	CHECK_NEAR(q.now, 0, 0);
	CHECK_INT(pt_evq_push(&q, 1, 0, 0, 0), PT_OK); /* the past is open again */
	pt_evq_free(&q);
	pt_evq_free(NULL);
}

static int cmp_ev(const void *a, const void *b)
{
	const struct pt_evq_event *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Many pushes and pops, interleaved, against a sort of the same events. */
static void test_against_sort(void)
{
	struct pt_evq q;
	struct pt_evq_event ev, *ref;
	size_t n = 20000, i, k = 0, m = 0;
	uint64_t x = 12345;
	ref = malloc(n * sizeof *ref);
	CHECK_INT(pt_evq_init(&q, 1, 0), PT_OK); /* grows from its smallest size */
	if (!ref)
		return;
	for (i = 0; i < n; i++) {
		double t;
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		t = (double)(x >> 54); /* 1024 distinct times: many ties */
		ref[i].t = t;
		ref[i].seq = i;
		ref[i].who = (uint32_t)i;
		CHECK_INT(pt_evq_push(&q, t, 0, (uint32_t)i, 0), PT_OK);
	}
	qsort(ref, n, sizeof *ref, cmp_ev);
	while (pt_evq_pop(&q, &ev)) {
		if (k < n && (ev.who != ref[k].who || ev.t != ref[k].t))
			m++;
		k++;
	}
	CHECK_INT((long long)k, (long long)n);
	CHECK_INT((long long)m, 0);
	/* Interleaved: pushes at now + something, pops in between, never out of order. */
	pt_evq_clear(&q);
	{
		double last = 0;
		size_t bad = 0;
		for (i = 0; i < 50000; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			if ((x >> 62) != 0 || q.n == 0) {
				CHECK_INT(pt_evq_push(&q, q.now + (double)(x >> 58), 0, 0, 0), PT_OK);
			} else {
				pt_evq_pop(&q, &ev);
				if (ev.t < last)
					bad++;
				last = ev.t;
			}
		}
		while (pt_evq_pop(&q, &ev)) {
			if (ev.t < last)
				bad++;
			last = ev.t;
		}
		CHECK_INT((long long)bad, 0);
	}
	pt_evq_free(&q);
	free(ref);
}

/* The push ranks renumbered when they run out (a lowered limit stands in
 * for 2^32 pushes): the order and the reported seq do not change. */
static void test_renumber(void)
{
	struct pt_evq q;
	struct pt_evq_event ev, last, ref[300];
	size_t i, n = 0, k = 0, bad = 0, renumbered = 0;
	uint64_t x = 99;
	CHECK_INT(pt_evq_init(&q, 4, 0), PT_OK);
	q.rank_limit = 7;
	for (i = 0; i < 300; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		if ((x >> 62) != 0 || q.n == 0) {
			double t = q.now + (double)(x >> 61); /* 8 distinct steps: many ties */
			ref[n].t = t;
			ref[n].seq = n;
			CHECK_INT(pt_evq_push(&q, t, 0, (uint32_t)n, 0), PT_OK);
			if (q.next_rank < n)
				renumbered = 1;
			n++;
		} else {
			pt_evq_pop(&q, &ev);
			/* popped (t, push order) only grow; seq is the push count */
			if (k > 0 && !(ev.t > last.t || (ev.t == last.t && ev.seq > last.seq)))
				bad++;
			if (ev.seq != ev.who)
				bad++;
			last = ev;
			k++;
		}
	}
	CHECK(renumbered);
	CHECK(k > 50);
	CHECK_INT((long long)bad, 0);
	/* everything popped comes in (t, push order); the held rest too */
	pt_evq_clear(&q);
	q.rank_limit = 5;
	x = 7;
	for (i = 0; i < 40; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		ref[i].t = (double)(x >> 62);
		ref[i].seq = i;
		CHECK_INT(pt_evq_push(&q, ref[i].t, 0, (uint32_t)i, 0), PT_OK);
	}
	qsort(ref, 40, sizeof *ref, cmp_ev);
	for (i = 0; i < 40; i++) {
		if (!pt_evq_pop(&q, &ev) || ev.who != ref[i].seq || ev.seq != ref[i].seq || ev.t != ref[i].t)
			bad++;
	}
	CHECK_INT((long long)bad, 0);
	CHECK_INT(pt_evq_pop(&q, &ev), 0);
	pt_evq_free(&q);
}

/* -0 is the time 0: ties with +0 in push order, and pops as pushed. */
static void test_negative_zero(void)
{
	struct pt_evq q;
	struct pt_evq_event ev;
	CHECK_INT(pt_evq_init(&q, 4, 0), PT_OK);
	CHECK_INT(pt_evq_push(&q, 0.0, 1, 0, 0), PT_OK);
	CHECK_INT(pt_evq_push(&q, -0.0, 2, 0, 0), PT_OK);
	CHECK_INT(pt_evq_push(&q, 0.0, 3, 0, 0), PT_OK);
	CHECK_INT(pt_evq_pop(&q, &ev), 1);
	CHECK_INT(ev.kind, 1);
	CHECK_INT(pt_evq_pop(&q, &ev), 1);
	CHECK_INT(ev.kind, 2);
	CHECK(ev.t == 0 && signbit(ev.t));
	CHECK_INT(pt_evq_pop(&q, &ev), 1);
	CHECK_INT(ev.kind, 3);
	pt_evq_free(&q);
}

int main(void)
{
	RUN(test_order_and_ties);
	RUN(test_refusals);
	RUN(test_against_sort);
	RUN(test_renumber);
	RUN(test_negative_zero);
	return TEST_SUMMARY("test_evq");
}
