/* pt_app_plan_cache.c - built plan models (screening and bundles, before the
 * solver) kept between requests, so a budget change only solves again. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_diag.h"
#include "pt_app_plan.h"
#include "pt_app_plan_int.h"

struct pt_plan_cache {
	pthread_mutex_t lock;
	size_t max_bytes, bytes;
	struct pt_plan_built **items; /* n, most recently used last */
	size_t n, cap;
	uint64_t hits, misses, evictions;
};

enum pt_err pt_plan_cache_new(size_t max_bytes, struct pt_plan_cache **out)
{
	struct pt_plan_cache *c;
	if (!out)
		return PT_EINVAL;
	*out = NULL;
	c = calloc(1, sizeof *c);
	if (!c)
		return PT_ENOMEM;
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return PT_EINTERNAL;
	}
	c->max_bytes = max_bytes;
	*out = c;
	return PT_OK;
}

void pt_plan_cache_free(struct pt_plan_cache *c)
{
	size_t i;
	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		pt_plan_built_release(c->items[i]);
	free(c->items);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void pt_plan_cache_stats(struct pt_plan_cache *c, struct pt_plan_cache_stats *out)
{
	memset(out, 0, sizeof *out);
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	out->hits = c->hits;
	out->misses = c->misses;
	out->evictions = c->evictions;
	out->entries = c->n;
	out->bytes = c->bytes;
	out->max_bytes = c->max_bytes;
	pthread_mutex_unlock(&c->lock);
}

void pt_plan_built_release(struct pt_plan_built *b)
{
	if (!b || atomic_fetch_sub(&b->refs, 1) != 1)
		return;
	if (b->inputs) {
		pt_app_inputs_clear(b->inputs);
		free(b->inputs);
	}
	pt_plan_model_free(b->model);
	pt_plan_surge_free(b->surge);
	pt_measure_catalog_clear(&b->measures);
	pt_ranking_free(b->ranking);
	free(b->view);
	free(b);
}

/* Does b answer key k? Every part compared exactly (the view byte by byte). */
static int built_matches(const struct pt_plan_built *b, const struct pt_plan_key *k)
{
	return b->key.version == k->version && b->key.n_view == k->n_view &&
	       b->key.set_discount_rate == k->set_discount_rate &&
	       (!k->set_discount_rate || b->key.discount_rate == k->discount_rate) &&
	       b->key.horizon_years == k->horizon_years &&
	       b->key.planning_level == k->planning_level && strcmp(b->key.region, k->region) == 0 &&
	       strcmp(b->key.scope, k->scope) == 0 && /* issue 16 item 5 */
	       memcmp(b->view, k->view, k->n_view) == 0;
}

/* Drop the entries of data versions before version (under c->lock). */
static void drop_older(struct pt_plan_cache *c, unsigned long long version)
{
	size_t i = 0;
	while (i < c->n) {
		if (c->items[i]->key.version < version) {
			c->bytes -= c->items[i]->bytes;
			pt_plan_built_release(c->items[i]);
			memmove(c->items + i, c->items + i + 1, (c->n - i - 1) * sizeof *c->items);
			c->n--;
			c->evictions++;
		} else {
			i++;
		}
	}
}

struct pt_plan_built *pt_plan_cache_get(struct pt_plan_cache *c, const struct pt_plan_key *k)
{
	struct pt_plan_built *found = NULL;
	size_t i;
	if (!c)
		return NULL;
	pthread_mutex_lock(&c->lock);
	for (i = c->n; i-- > 0;) {
		if (!built_matches(c->items[i], k))
			continue;
		found = c->items[i];
		atomic_fetch_add(&found->refs, 1);
		/* Most recently used last. */
		memmove(c->items + i, c->items + i + 1, (c->n - i - 1) * sizeof *c->items);
		c->items[c->n - 1] = found;
		break;
	}
	if (found) {
		c->hits++;
	} else {
		c->misses++;
		drop_older(c, k->version); /* the data changed since: of no more use */
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

void pt_plan_cache_put(struct pt_plan_cache *c, struct pt_plan_built *b)
{
	size_t i;
	if (!c || !b || b->bytes > c->max_bytes)
		return;
	pthread_mutex_lock(&c->lock);
	/* An entry of the same key (two requests built it at once) gives way. */
	for (i = 0; i < c->n; i++)
		if (built_matches(c->items[i], &b->key)) {
			c->bytes -= c->items[i]->bytes;
			pt_plan_built_release(c->items[i]);
			memmove(c->items + i, c->items + i + 1, (c->n - i - 1) * sizeof *c->items);
			c->n--;
			break;
		}
	/* Entries of older data versions first, then the least recently used until b fits. */
	drop_older(c, b->key.version);
	while (c->n && c->bytes + b->bytes > c->max_bytes) {
		c->bytes -= c->items[0]->bytes;
		pt_plan_built_release(c->items[0]);
		memmove(c->items, c->items + 1, (c->n - 1) * sizeof *c->items);
		c->n--;
		c->evictions++;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		struct pt_plan_built **items = realloc(c->items, cap * sizeof *items);
		if (!items) {
			pthread_mutex_unlock(&c->lock);
			return; /* not kept: the next request builds it again */
		}
		c->items = items;
		c->cap = cap;
	}
	atomic_fetch_add(&b->refs, 1);
	c->items[c->n++] = b;
	c->bytes += b->bytes;
	pthread_mutex_unlock(&c->lock);
}

size_t pt_plan_built_bytes(const struct pt_plan_built *b)
{
	const struct pt_plan_model *m = b->model;
	const struct pt_ranking *r = b->ranking;
	size_t bytes = sizeof *b + b->key.n_view;
	if (m)
		bytes += m->n_sites * (sizeof *m->sites + sizeof *m->group_start) +
			 m->n_options * (sizeof *m->options + sizeof *m->items) +
			 (m->n_options ? (m->options[m->n_options - 1].first_measure +
					  m->options[m->n_options - 1].n_measures) *
						 sizeof *m->option_measures
				       : 0) +
			 m->n_screens * sizeof *m->screens + m->n_alts * sizeof *m->alts +
			 m->n_effects * sizeof *m->effects;
	if (r) {
		bytes += r->sites.n * sizeof *r->sites.items + r->n_rows * sizeof *r->rows;
		bytes += r->set.n * (sizeof *r->set.quant + sizeof *r->set.lines);
		if (r->quant)
			bytes += r->quant->n_sites * sizeof *r->quant->sites +
				 r->quant->n_pairs * sizeof *r->quant->pairs;
	}
	if (b->inputs && r)
		bytes += r->sites.n * sizeof *b->inputs->sites +
			 (r->quant ? r->quant->n_pairs * sizeof *b->inputs->pairs : 0) +
			 2 * b->measures.n * r->cat.threats.n * sizeof(double);
	bytes += b->measures.n * sizeof *b->measures.items +
		 b->measures.n_effects * sizeof *b->measures.effects;
	return bytes;
}
