/* pt_evq.h - a generic discrete-event queue (issue 14): events ordered by
 * time, ties in the order they were pushed; fixed-size events in arrays
 * (a d-ary heap of keys), so a simulation pushes and pops without allocating. Pure. */
#ifndef PT_EVQ_H
#define PT_EVQ_H

#include <stddef.h>
#include <stdint.h>

#include "pt_err.h"

/** One event: when, what (a model's own kind), to whom, and a model's own argument. */
struct pt_evq_event {
	double t;      /**< simulated time (a model's unit; minutes in pt_mci) */
	uint64_t seq;  /**< push order: ties in t pop first-pushed first */
	uint32_t kind; /**< the model's event type */
	uint32_t who;  /**< the model's entity (a victim, an ambulance, ...) */
	uint32_t arg;  /**< the model's argument (e.g. an epoch to drop stale events lazily) */
};

/** A heap node (internal): the time's bits, then (push rank << 32 | slot); 16 bytes. */
struct pt_evq_node {
	uint64_t key; /**< the bits of t (t >= 0, -0 as +0): integer order = time order */
	uint64_t tie; /**< rank (push order, renumbered when 32 bits run out) << 32 | slot */
};

/**
 * The queue. Owns its arrays; initialise with pt_evq_init, free with
 * pt_evq_free. Callers read n, now and popped; the rest is internal.
 */
struct pt_evq {
	struct pt_evq_node *heap;   /**< the 4-ary heap of keys (children of a node share a cache line) */
	struct pt_evq_event *slot;  /**< the events themselves, by slot (a node's low 32 bits) */
	uint32_t *free_slot;        /**< slots given back by pops (a stack) */
	void *mem;                  /**< the one allocation behind heap, slot and free_slot */
	size_t n, cap;
	size_t n_free, slots_used;  /**< free_slot's size; slots ever handed out since clear */
	uint64_t next_seq;
	uint32_t next_rank;         /**< the next push's rank */
	uint32_t rank_limit;        /**< ranks are renumbered when next_rank reaches it (tests lower it) */
	double now;        /**< time of the last event popped (0 at start) */
	uint64_t popped;   /**< events popped since init or clear */
	size_t max_events; /**< most events held at once (PT_ELIMIT beyond) */
};

/**
 * Make an empty queue with room for cap_hint events and at most max_events
 * (0: 2^26; at most 2^31) held at once. PT_ENOMEM.
 */
enum pt_err pt_evq_init(struct pt_evq *q, size_t cap_hint, size_t max_events);

/** Free q's arrays; q may be reused after pt_evq_init. NULL does nothing. */
void pt_evq_free(struct pt_evq *q);

/** Empty q (keeps its arrays), now 0, counters 0: for the next replication. */
void pt_evq_clear(struct pt_evq *q);

/**
 * Schedule an event at time t (t >= q->now; an earlier t is PT_EINVAL, a
 * NaN too). PT_ENOMEM, PT_ELIMIT (over max_events).
 */
enum pt_err pt_evq_push(struct pt_evq *q, double t, uint32_t kind, uint32_t who, uint32_t arg);

/** Pop the earliest event into *ev, advance q->now to its time; 0 when empty, 1 otherwise. */
int pt_evq_pop(struct pt_evq *q, struct pt_evq_event *ev);

/** Time of the earliest event, or INFINITY when empty. */
double pt_evq_peek_time(const struct pt_evq *q);

#endif
