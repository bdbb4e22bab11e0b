/* pt_sim_situation.c - the simulated situation in a commander's terms (issue 15 review 3). */
#include "pt_sim_situation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pt_model.h"

static json_int_t whole(double v)
{
	return isfinite(v) && v > 0 ? (json_int_t)floor(v + 0.5) : 0;
}

json_t *pt_sim_situation_json(const struct pt_sim_row *r)
{
	const struct pt_sim_snapshot *s;
	json_t *o, *hs;
	size_t h;
	if (!r || !r->snap.has)
		return NULL;
	s = &r->snap;
	if (!(hs = json_array()))
		return NULL;
	for (h = 0; h < r->n_hospitals && h < PT_MCI_MAX_HOSPITALS; h++)
		if (json_array_append_new(hs, json_pack("{s:s, s:I}", "name", r->hospitals[h].name,
							"arrived", whole(s->arrived[h]))) != 0) {
			json_decref(hs);
			return NULL;
		}
	o = json_pack("{s:f, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:o, "
		      "s:{s:I, s:I, s:I, s:I, s:I}}",
		      "minute", s->t_min, "dead", whole(s->dead), "hot_zone", whole(s->hot_zone), "ccp",
		      "untriaged", whole(s->ccp_untriaged), "T1", whole(s->ccp[PT_MCI_T1]), "T2",
		      whole(s->ccp[PT_MCI_T2]), "T3", whole(s->ccp[PT_MCI_T3]), "expectant",
		      whole(s->ccp[PT_MCI_DEAD]), "transport", whole(s->transport), "walking",
		      whole(s->walking), "hospitals", hs, "ambulances", "committed",
		      whole(s->amb_committed), "en_route", whole(s->amb_en_route), "at_scene",
		      whole(s->amb_at_scene), "transporting", whole(s->amb_transporting), "used",
		      whole(s->amb_used));
	/* review 15B item 5: nobody can count inside an active scene before police have secured
	 * it or a rescue task force is in (in most of the replications): not known yet; nor how
	 * many walking wounded left on their own (review 15C item B) */
	if (o && s->inside < 0.5 &&
	    (json_object_set_new(o, "dead", json_null()) != 0 ||
	     json_object_set_new(o, "hot_zone", json_null()) != 0 ||
	     json_object_set_new(o, "walking", json_null()) != 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static long long n_of(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(o, a);
	if (b)
		v = json_object_get(v, b);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

/* pre, then n and what ("; about " 12 "dead so far") */
static void add(char *buf, size_t size, const char *pre, long long n, const char *what)
{
	char one[256];
	snprintf(one, sizeof one, "%s%lld %s", pre, n, what);
	pt_strlcat(buf, one, size);
}

void pt_sim_situation_words(const json_t *s, char *buf, size_t size)
{
	const json_t *hs = json_object_get(s, "hospitals"), *h;
	size_t i, shown = 0;
	if (!size)
		return;
	buf[0] = '\0';
	if (json_is_null(json_object_get(s, "dead")) || json_is_null(json_object_get(s, "hot_zone")))
		pt_strlcat(buf, "dead so far and casualties still inside the hot or warm zone: not "
				"known yet: nobody is inside (the scene is not secured and no rescue "
				"task force has gone in)",
			   size);
	else
		add(buf, size, "about ", n_of(s, "dead", NULL), "dead so far");
	if (json_is_null(json_object_get(s, "hot_zone")))
		;
	else if (n_of(s, "hot_zone", NULL))
		add(buf, size, "; about ", n_of(s, "hot_zone", NULL),
		    "casualties still inside the hot or warm zone");
	else
		pt_strlcat(buf, "; nobody left inside the hot or warm zone", size);
	add(buf, size, "; at the casualty collection point about ", n_of(s, "ccp", "T1"), "T1");
	add(buf, size, ", ", n_of(s, "ccp", "T2"), "T2");
	add(buf, size, ", ", n_of(s, "ccp", "T3"), "T3");
	if (n_of(s, "ccp", "expectant"))
		add(buf, size, ", ", n_of(s, "ccp", "expectant"), "expectant");
	add(buf, size, " and ", n_of(s, "ccp", "untriaged"), "awaiting triage");
	add(buf, size, "; ", n_of(s, "transport", NULL), "in ambulances");
	if (json_is_null(json_object_get(s, "walking")))
		pt_strlcat(buf, "; walking wounded making their own way to hospital: not known yet",
			   size);
	else if (n_of(s, "walking", NULL))
		add(buf, size, "; ", n_of(s, "walking", NULL),
		    "walking wounded making their own way to hospital");
	pt_strlcat(buf, "; arrived at hospital: ", size);
	json_array_foreach(hs, i, h) {
		long long a = n_of(h, "arrived", NULL);
		const char *name = json_string_value(json_object_get(h, "name"));
		char one[160];
		if (!a)
			continue;
		snprintf(one, sizeof one, "%s%s %lld", shown++ ? ", " : "", name ? name : "?", a);
		pt_strlcat(buf, one, size);
	}
	if (!shown)
		pt_strlcat(buf, "none yet", size);
	add(buf, size, "; ambulances: ", n_of(s, "ambulances", "at_scene"), "at the scene");
	add(buf, size, ", ", n_of(s, "ambulances", "en_route"), "on their way to it");
	add(buf, size, ", ", n_of(s, "ambulances", "transporting"), "carrying patients");
	add(buf, size, ", ", n_of(s, "ambulances", "committed"), "committed in all");
	add(buf, size, ", ", n_of(s, "ambulances", "used"), "have delivered patients");
}

int pt_sim_situation_changed(const json_t *a, const json_t *b)
{
	json_t *x, *y;
	int same;
	if (!a || !b)
		return 1;
	x = json_deep_copy(a);
	y = json_deep_copy(b);
	if (!x || !y) {
		json_decref(x);
		json_decref(y);
		return 1;
	}
	json_object_del(x, "minute");
	json_object_del(y, "minute");
	same = json_equal(x, y);
	json_decref(x);
	json_decref(y);
	return !same;
}

int pt_sim_situation_value(void *ctx, const char *name, long long *out)
{
	const json_t *s = ctx, *v = NULL;
	if (!s || !name)
		return 0;
	if (strncmp(name, "ccp_", 4) == 0)
		v = json_object_get(json_object_get(s, "ccp"), name + 4);
	else if (strncmp(name, "ambulances_", 11) == 0)
		v = json_object_get(json_object_get(s, "ambulances"), name + 11);
	else if (strncmp(name, "arrived_", 8) == 0) {
		char *end = NULL;
		long h = strtol(name + 8, &end, 10);
		if (end && !*end && h >= 0)
			v = json_object_get(json_array_get(json_object_get(s, "hospitals"), (size_t)h),
					    "arrived");
	} else if (strcmp(name, "minute") != 0)
		v = json_object_get(s, name);
	if (!json_is_integer(v))
		return 0;
	*out = (long long)json_integer_value(v);
	return 1;
}
