/* pt_http_throttle.c - failed log-ins per client address: an attempt is reserved (counted)
 * before its secret is checked; too many in a window make the key wait (429); nobody sleeps. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pt_http_int.h"

#define KEY_MAX 96

struct slot {
	char key[KEY_MAX];
	long long window_start; /* first failure of the current window */
	long long blocked_until;
	long long last_used;
	int fails;
};

struct pt_throttle {
	pthread_mutex_t lock;
	struct slot slots[PT_THROTTLE_KEYS];
};

struct pt_throttle *pt_throttle_new(void)
{
	struct pt_throttle *t = calloc(1, sizeof *t);
	if (t)
		pthread_mutex_init(&t->lock, NULL);
	return t;
}

void pt_throttle_free(struct pt_throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

unsigned long pt_http_key_hash(const char *s)
{
	unsigned long h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* The slot of key, or NULL (create: the slot to reuse, the least recently used of a probe run). */
static struct slot *find(struct pt_throttle *t, const char *key, int create, long long now)
{
	size_t i, start = pt_http_key_hash(key) % PT_THROTTLE_KEYS, victim = start;
	for (i = 0; i < 16; i++) {
		struct slot *s = &t->slots[(start + i) % PT_THROTTLE_KEYS];
		if (s->key[0] && strncmp(s->key, key, KEY_MAX - 1) == 0)
			return s;
		if (!s->key[0] || s->last_used < t->slots[victim].last_used)
			victim = (start + i) % PT_THROTTLE_KEYS;
	}
	if (!create)
		return NULL;
	memset(&t->slots[victim], 0, sizeof t->slots[victim]);
	strncpy(t->slots[victim].key, key, KEY_MAX - 1);
	t->slots[victim].window_start = now;
	t->slots[victim].last_used = now;
	return &t->slots[victim];
}

/* Count one failure of slot s at now (under the lock). */
static void count_fail(struct slot *s, int limit, long long now)
{
	if (now - s->window_start >= PT_THROTTLE_WINDOW_S) {
		s->window_start = now;
		s->fails = 0;
	}
	s->fails++;
	s->last_used = now;
	if (s->fails >= limit)
		s->blocked_until = now + PT_THROTTLE_WINDOW_S;
}

long pt_throttle_wait(struct pt_throttle *t, const char *key, long long now)
{
	struct slot *s;
	long wait = 0;
	pthread_mutex_lock(&t->lock);
	s = find(t, key, 0, now);
	if (s && s->blocked_until > now)
		wait = (long)(s->blocked_until - now);
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void pt_throttle_fail(struct pt_throttle *t, const char *key, int limit, long long now)
{
	pthread_mutex_lock(&t->lock);
	count_fail(find(t, key, 1, now), limit, now);
	pthread_mutex_unlock(&t->lock);
}

long pt_throttle_reserve(struct pt_throttle *t, const char *key, int limit, long long now)
{
	struct slot *s;
	long wait = 0;
	pthread_mutex_lock(&t->lock);
	s = find(t, key, 1, now);
	if (s->blocked_until > now)
		wait = (long)(s->blocked_until - now);
	else
		count_fail(s, limit, now);
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void pt_throttle_release(struct pt_throttle *t, const char *key, int limit)
{
	struct slot *s;
	pthread_mutex_lock(&t->lock);
	s = find(t, key, 0, 0);
	if (s && s->fails > 0) {
		s->fails--;
		if (s->fails < limit)
			s->blocked_until = 0; /* the block came from this attempt */
	}
	pthread_mutex_unlock(&t->lock);
}

void pt_throttle_forget(struct pt_throttle *t, const char *key)
{
	struct slot *s;
	pthread_mutex_lock(&t->lock);
	s = find(t, key, 0, 0);
	if (s)
		memset(s, 0, sizeof *s);
	pthread_mutex_unlock(&t->lock);
}
