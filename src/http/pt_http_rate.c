/* pt_http_rate.c - the rate limit of the paths without a log-in (issue 13: the
 * public alerts feed and CAP files): a token bucket per client address; nobody sleeps. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pt_http_int.h"

#define KEY_MAX 96
#define PROBE 16    /* slots looked at per key */
#define TOKEN 60000ULL /* units of one token: exact integer refills at any rate */

struct slot {
	char key[KEY_MAX];
	long long last_ms;        /* the bucket's last refill (monotonic ms) */
	unsigned long long units; /* tokens x 60,000: a millisecond adds per_minute units */
};

struct pt_rate {
	pthread_mutex_t lock;
	unsigned per_minute;      /* refill rate and burst */
	struct slot slots[PT_RATE_KEYS];
};

struct pt_rate *pt_rate_new(unsigned per_minute)
{
	struct pt_rate *t;
	if (per_minute == 0 || !(t = calloc(1, sizeof *t)))
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	t->per_minute = per_minute;
	return t;
}

void pt_rate_free(struct pt_rate *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

long pt_rate_take(struct pt_rate *t, const char *key, long long now_ms)
{
	unsigned long long full = (unsigned long long)t->per_minute * TOKEN;
	size_t i, start = pt_http_key_hash(key) % PT_RATE_KEYS, victim = start;
	struct slot *s = NULL;
	long wait = 0;
	pthread_mutex_lock(&t->lock);
	for (i = 0; i < PROBE; i++) {
		struct slot *c = &t->slots[(start + i) % PT_RATE_KEYS];
		if (c->key[0] && strncmp(c->key, key, KEY_MAX - 1) == 0) {
			s = c;
			break;
		}
		/* the slot to reuse: an empty one, else the one refilled longest ago */
		if (!c->key[0] ||
		    (t->slots[victim].key[0] && c->last_ms < t->slots[victim].last_ms))
			victim = (start + i) % PT_RATE_KEYS;
	}
	if (!s) { /* a new (or forgotten) client starts with a full bucket */
		s = &t->slots[victim];
		memset(s, 0, sizeof *s);
		strncpy(s->key, key, KEY_MAX - 1);
		s->last_ms = now_ms;
		s->units = full;
	} else if (now_ms > s->last_ms) {
		long long span = now_ms - s->last_ms;
		if (span > 60000)
			span = 60000; /* a minute refills the bucket whole */
		/* per_minute tokens a minute: per_minute units a millisecond */
		s->units += (unsigned long long)span * t->per_minute;
		if (s->units > full)
			s->units = full;
		s->last_ms = now_ms;
	}
	if (s->units >= TOKEN) {
		s->units -= TOKEN;
	} else { /* seconds until one whole token, rounded up */
		unsigned long long need_ms = (TOKEN - s->units + t->per_minute - 1) / t->per_minute;
		wait = (long)((need_ms + 999) / 1000);
		if (wait < 1)
			wait = 1;
	}
	pthread_mutex_unlock(&t->lock);
	return wait;
}

long pt_rate_peek(struct pt_rate *t, const char *key, long long now_ms)
{
	size_t i, start = pt_http_key_hash(key) % PT_RATE_KEYS;
	long wait = 0;
	pthread_mutex_lock(&t->lock);
	for (i = 0; i < PROBE; i++) {
		const struct slot *c = &t->slots[(start + i) % PT_RATE_KEYS];
		if (c->key[0] && strncmp(c->key, key, KEY_MAX - 1) == 0) {
			long long span = now_ms > c->last_ms ? now_ms - c->last_ms : 0;
			unsigned long long units;
			if (span > 60000)
				span = 60000;
			units = c->units + (unsigned long long)span * t->per_minute;
			if (units < TOKEN) {
				unsigned long long need_ms =
				    (TOKEN - units + t->per_minute - 1) / t->per_minute;
				wait = (long)((need_ms + 999) / 1000);
				if (wait < 1)
					wait = 1;
			}
			break;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return wait;
}
