/* pt_exercise_io.c - exercise files (issue 15): the scenario JSON with the line
 * of every value in its errors, the MSEL CSV (column mapping, import, export) and
 * decisions files. jansson parses (pt_json_load_strict), pt_csv reads the CSV. */
#include "pt_exercise_io.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pt_csv.h"
#include "pt_diag.h"
#include "pt_json_load.h"

/* ---- the line of every JSON value ------------------------------------------
 * A scan of the text jansson accepted finds where each value starts, in text
 * order; a pre-order walk of the parsed tree meets the values in the same order
 * (jansson keeps an object's keys in the text's order and refuses duplicates).
 * Each value is recorded by its container and key or index, which also serves
 * true and false (jansson shares those). */

struct jl_entry {
	const json_t *parent; /* NULL for the root */
	const char *key;      /* member key, or NULL for an array element */
	size_t idx;
	size_t ord;           /* order of the walk: ties of one parent */
	long line;
};

struct jl_self {
	const json_t *v; /* an object or array (jansson never shares those) */
	long line;
};

struct jlines {
	struct jl_entry *e;
	size_t n, cap;
	struct jl_self *self;
	size_t n_self, cap_self;
	const char *s;
	size_t len, pos;
	long line;
	int oom;
};

/* The line where the next value starts; advances past its first character or token. */
static long jl_next_value(struct jlines *j)
{
	while (j->pos < j->len) {
		char c = j->s[j->pos];
		if (c == '\n') {
			j->line++;
			j->pos++;
		} else if (c == '{' || c == '[') {
			j->pos++;
			return j->line;
		} else if (c == '"') {
			size_t k = j->pos + 1;
			long start = j->line;
			while (k < j->len && j->s[k] != '"')
				k += j->s[k] == '\\' ? 2 : 1;
			j->pos = k + 1;
			k = j->pos;
			while (k < j->len &&
			       (j->s[k] == ' ' || j->s[k] == '\t' || j->s[k] == '\r' || j->s[k] == '\n'))
				k++;
			if (!(k < j->len && j->s[k] == ':'))
				return start;
		} else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
			while (j->pos < j->len && !strchr(",}] \t\r\n", j->s[j->pos]))
				j->pos++;
			return j->line;
		} else {
			j->pos++;
		}
	}
	return j->line;
}

static void jl_add(struct jlines *j, const json_t *parent, const char *key, size_t idx, long line)
{
	if (j->oom)
		return;
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 256;
		struct jl_entry *p = realloc(j->e, cap * sizeof *p);
		if (!p) {
			j->oom = 1;
			return;
		}
		j->e = p;
		j->cap = cap;
	}
	j->e[j->n].parent = parent;
	j->e[j->n].key = key;
	j->e[j->n].idx = idx;
	j->e[j->n].ord = j->n;
	j->e[j->n].line = line;
	j->n++;
}

static void jl_add_self(struct jlines *j, const json_t *v, long line)
{
	if (j->oom)
		return;
	if (j->n_self == j->cap_self) {
		size_t cap = j->cap_self ? 2 * j->cap_self : 64;
		struct jl_self *p = realloc(j->self, cap * sizeof *p);
		if (!p) {
			j->oom = 1;
			return;
		}
		j->self = p;
		j->cap_self = cap;
	}
	j->self[j->n_self].v = v;
	j->self[j->n_self++].line = line;
}

static void jl_walk(struct jlines *j, const json_t *v, const json_t *parent, const char *key,
		    size_t idx)
{
	long line = jl_next_value(j);
	jl_add(j, parent, key, idx, line);
	if (json_is_object(v) || json_is_array(v))
		jl_add_self(j, v, line);
	if (json_is_object(v)) {
		const char *k;
		json_t *m;
		json_object_foreach((json_t *)v, k, m)
		{
			jl_walk(j, m, v, k, 0);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m)
		{
			jl_walk(j, m, v, NULL, i);
		}
	}
}

static int jl_cmp(const void *a, const void *b)
{
	const struct jl_entry *x = a, *y = b;
	uintptr_t p = (uintptr_t)x->parent, q = (uintptr_t)y->parent;
	if (p != q)
		return p < q ? -1 : 1;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

static int jl_self_cmp(const void *a, const void *b)
{
	uintptr_t p = (uintptr_t)((const struct jl_self *)a)->v,
		  q = (uintptr_t)((const struct jl_self *)b)->v;
	return p < q ? -1 : p > q;
}

/* Sorts what jl_walk recorded for the lookups. */
static void jl_sort(struct jlines *j)
{
	if (j->n)
		qsort(j->e, j->n, sizeof *j->e, jl_cmp);
	if (j->n_self)
		qsort(j->self, j->n_self, sizeof *j->self, jl_self_cmp);
}

/* The line where object or array v starts; 1 when unknown. */
static long jl_line_self(const struct jlines *j, const json_t *v)
{
	struct jl_self key = {NULL, 0}, *hit;
	key.v = v;
	hit = j->n_self ? bsearch(&key, j->self, j->n_self, sizeof *j->self, jl_self_cmp) : NULL;
	return hit ? hit->line : 1;
}

/* The line of parent's member key (or element idx when key is NULL); 0 when unknown. */
static long jl_line(const struct jlines *j, const json_t *parent, const char *key, size_t idx)
{
	size_t lo = 0, hi = j->n, i;
	while (lo < hi) { /* the first entry of parent */
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)j->e[mid].parent < (uintptr_t)parent)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < j->n && j->e[i].parent == parent; i++) {
		if (key ? (j->e[i].key && strcmp(j->e[i].key, key) == 0)
			: (!j->e[i].key && j->e[i].idx == idx))
			return j->e[i].line;
	}
	return 0;
}

/* ---- the reader ------------------------------------------------------------ */

struct rd {
	struct pt_ex_scenario *sc;
	struct jlines jl;
	struct pt_diag *d;
	const json_t *root;
};

#define PATH_MAX_ 160

/* The line of parent's member key (element idx when key is NULL), else of parent itself. */
static long line_obj(const struct rd *r, const json_t *parent, const char *key, size_t idx)
{
	long l = jl_line(&r->jl, parent, key, idx);
	return l ? l : jl_line_self(&r->jl, parent);
}

/* "prefix.key" into buf. */
static const char *join(char *buf, const char *prefix, const char *key)
{
	if (snprintf(buf, PATH_MAX_, "%s%s%s", prefix, prefix[0] ? "." : "", key) >= PATH_MAX_)
		buf[PATH_MAX_ - 1] = '\0'; /* cut: a path is for the message only */
	return buf;
}

static const char *join_i(char *buf, const char *prefix, size_t i)
{
	if (snprintf(buf, PATH_MAX_, "%s%s%zu", prefix, prefix[0] ? "." : "", i) >= PATH_MAX_)
		buf[PATH_MAX_ - 1] = '\0';
	return buf;
}

/* Refuses members of obj not in known (NULL-terminated). */
static enum pt_err members_known(struct rd *r, const json_t *obj, const char *prefix,
				 const char *const *known)
{
	const char *k;
	json_t *m;
	json_object_foreach((json_t *)obj, k, m)
	{
		size_t i;
		char path[PATH_MAX_], list[400] = "";
		for (i = 0; known[i]; i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (known[i])
			continue;
		for (i = 0; known[i]; i++) {
			strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
			strncat(list, known[i], sizeof list - strlen(list) - 1);
		}
		pt_quote_for_msg(path, sizeof path, k);
		return pt_diag_set(r->d, PT_EINVAL, line_obj(r, obj, k, 0), prefix,
				   "unknown member %s (known: %s)", path, list);
	}
	return PT_OK;
}

/* A member's value or NULL; refuses null and, when required, absence. */
static enum pt_err member(struct rd *r, const json_t *obj, const char *key, const char *prefix,
			  int required, json_t **out)
{
	char path[PATH_MAX_];
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v) {
		if (!required)
			return PT_OK;
		return pt_diag_set(r->d, PT_EINVAL, jl_line_self(&r->jl, obj), join(path, prefix, key),
				   "missing member");
	}
	if (json_is_null(v))
		return pt_diag_set(r->d, PT_EINVAL, line_obj(r, obj, key, 0), join(path, prefix, key),
				   "null is not a value (leave the member out for its default)");
	*out = v;
	return PT_OK;
}

static enum pt_err wrong_type(struct rd *r, const json_t *obj, const char *key, const char *prefix,
			      const char *what)
{
	char path[PATH_MAX_];
	return pt_diag_set(r->d, PT_EINVAL, line_obj(r, obj, key, 0), join(path, prefix, key),
			   "%s expected", what);
}

/* A string member copied into the arena (*out NULL when absent and optional). */
static enum pt_err get_str(struct rd *r, const json_t *obj, const char *key, const char *prefix,
			   int required, size_t max, char **out)
{
	char path[PATH_MAX_];
	json_t *v;
	enum pt_err e;
	size_t n;
	*out = NULL;
	if ((e = member(r, obj, key, prefix, required, &v)) != PT_OK || !v)
		return e;
	if (!json_is_string(v))
		return wrong_type(r, obj, key, prefix, "a string");
	n = json_string_length(v);
	if (n != strlen(json_string_value(v)))
		return pt_diag_set(r->d, PT_EINVAL, line_obj(r, obj, key, 0), join(path, prefix, key),
				   "contains a NUL character");
	if (max && n >= max)
		return pt_diag_set(r->d, PT_EINVAL, line_obj(r, obj, key, 0), join(path, prefix, key),
				   "too long (%zu bytes; at most %zu)", n, max - 1);
	if (!(*out = pt_ex_strdup(r->sc, json_string_value(v), n)))
		return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
	return PT_OK;
}

/* "H:MM" or "HH:MM" (hours may pass 24) into minutes. PT_EINVAL with why. */
static enum pt_err parse_time(const char *s, int32_t *out, char *why, size_t size)
{
	char q[80];
	long h = 0, m;
	size_t i = 0, digits = 0;
	pt_quote_for_msg(q, sizeof q, s);
	while (s[i] >= '0' && s[i] <= '9' && digits < 7) {
		h = h * 10 + (s[i++] - '0');
		digits++;
	}
	if (!digits || s[i] != ':' || !(s[i + 1] >= '0' && s[i + 1] <= '5') ||
	    !(s[i + 2] >= '0' && s[i + 2] <= '9') || s[i + 3]) {
		snprintf(why, size, "%s is not a time (H:MM or HH:MM from the start, such as 0:45 or 26:30)",
			 q);
		return PT_EINVAL;
	}
	m = h * 60 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	if (m > PT_EX_TIME_MAX) {
		snprintf(why, size, "%s is past the latest scenario time %d:00 (two weeks)", q,
			 PT_EX_TIME_MAX / 60);
		return PT_EINVAL;
	}
	*out = (int32_t)m;
	return PT_OK;
}

static void format_time(char *buf, size_t size, long t)
{
	if (t < 0)
		t = 0;
	snprintf(buf, size, "%02ld:%02ld", t / 60, t % 60);
}

static enum pt_err get_time(struct rd *r, const json_t *obj, const char *key, const char *prefix,
			    int required, int32_t *out)
{
	char path[PATH_MAX_], why[200];
	json_t *v;
	enum pt_err e;
	if ((e = member(r, obj, key, prefix, required, &v)) != PT_OK || !v)
		return e;
	if (!json_is_string(v) || json_string_length(v) != strlen(json_string_value(v)))
		return wrong_type(r, obj, key, prefix, "a time as a string (\"H:MM\")");
	if (parse_time(json_string_value(v), out, why, sizeof why) != PT_OK)
		return pt_diag_set(r->d, PT_EINVAL, line_obj(r, obj, key, 0), join(path, prefix, key),
				   "%s", why);
	return PT_OK;
}

static enum pt_err get_int(struct rd *r, const json_t *obj, const char *key, const char *prefix,
			   int required, long long lo, long long hi, long long *out)
{
	char path[PATH_MAX_];
	json_t *v;
	enum pt_err e;
	if ((e = member(r, obj, key, prefix, required, &v)) != PT_OK || !v)
		return e;
	if (!json_is_integer(v))
		return wrong_type(r, obj, key, prefix, "a whole number");
	if (json_integer_value(v) < lo || json_integer_value(v) > hi)
		return pt_diag_set(r->d, PT_EINVAL, line_obj(r, obj, key, 0), join(path, prefix, key),
				   "a whole number from %lld to %lld expected", lo, hi);
	*out = json_integer_value(v);
	return PT_OK;
}

static enum pt_err get_num(struct rd *r, const json_t *obj, const char *key, const char *prefix,
			   int required, double *out)
{
	json_t *v;
	enum pt_err e;
	if ((e = member(r, obj, key, prefix, required, &v)) != PT_OK || !v)
		return e;
	if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
	    fabs(json_number_value(v)) > 1e15)
		return wrong_type(r, obj, key, prefix, "a number (at most 1e15 in size)");
	*out = json_number_value(v);
	return PT_OK;
}

/* An array member (*arr NULL when absent and optional), at most max elements. */
static enum pt_err get_array(struct rd *r, const json_t *obj, const char *key, const char *prefix,
			     int required, size_t max, const char *what, json_t **arr)
{
	char path[PATH_MAX_];
	enum pt_err e;
	if ((e = member(r, obj, key, prefix, required, arr)) != PT_OK || !*arr)
		return e;
	if (!json_is_array(*arr))
		return wrong_type(r, obj, key, prefix, "an array");
	if (json_array_size(*arr) > max)
		return pt_diag_set(r->d, PT_ELIMIT, line_obj(r, obj, key, 0), join(path, prefix, key),
				   "too many %s (%zu; at most %zu)", what, json_array_size(*arr), max);
	return PT_OK;
}

/* An array of strings (each at most max - 1 bytes) into the arena. */
static enum pt_err get_strings(struct rd *r, const json_t *obj, const char *key, const char *prefix,
			       int required, size_t max_n, size_t max, const char *what, char ***out,
			       size_t *n)
{
	char path[PATH_MAX_], ipath[PATH_MAX_];
	json_t *arr, *v;
	size_t i;
	enum pt_err e;
	*out = NULL;
	*n = 0;
	if ((e = get_array(r, obj, key, prefix, required, max_n, what, &arr)) != PT_OK || !arr)
		return e;
	join(path, prefix, key);
	if (!(*out = pt_ex_alloc(r->sc, (json_array_size(arr) + 1) * sizeof **out)))
		return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
	json_array_foreach(arr, i, v)
	{
		size_t len;
		join_i(ipath, path, i);
		if (!json_is_string(v))
			return pt_diag_set(r->d, PT_EINVAL, line_obj(r, arr, NULL, i), ipath,
					   json_is_null(v) ? "null is not a value" : "a string expected");
		len = json_string_length(v);
		if (len != strlen(json_string_value(v)))
			return pt_diag_set(r->d, PT_EINVAL, line_obj(r, arr, NULL, i), ipath,
					   "contains a NUL character");
		if (len >= max)
			return pt_diag_set(r->d, PT_EINVAL, line_obj(r, arr, NULL, i), ipath,
					   "too long (%zu bytes; at most %zu)", len, max - 1);
		if (!((*out)[i] = pt_ex_strdup(r->sc, json_string_value(v), len)))
			return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
	}
	*n = json_array_size(arr);
	return PT_OK;
}

/* Every element of arr must be an object. */
static enum pt_err element_object(struct rd *r, const json_t *arr, size_t i, const char *path)
{
	char ipath[PATH_MAX_];
	if (json_is_object(json_array_get(arr, i)))
		return PT_OK;
	return pt_diag_set(r->d, PT_EINVAL, line_obj(r, arr, NULL, i), join_i(ipath, path, i),
			   "an object expected");
}

static const char *const k_top[] = {"id", "title", "description", "simulation", "duration",
				     "sim_start", "sim_every_min", "sim_replications", "sim_to",
				     "h_hour", "undecided", "pio_role", "site", "tlp", "stages",
				     "roles", "objectives", "injects", "decisions", "baseline", NULL};
static const char *const k_undecided[] = {"path", "value", NULL};
static const char *const k_stage[] = {"id", "name", "description", NULL};
static const char *const k_role[] = {"id", "name", "organisation", "description", NULL};
static const char *const k_objective[] = {"id", "text", "capability", "targets", NULL};
static const char *const k_target[] = {"id", "text", "tasks", NULL};
static const char *const k_inject[] = {"seq", "stage", "time", "type", "delivery", "from", "to",
					"description", "expected_action", "capability", "deadline",
					"contingency_of", "decision", "decision_value", NULL};
static const char *const k_decision[] = {"id", "label", "path", "apply", "kind", "min", "max",
					  "choices", "roles", NULL};
static const char *const k_made[] = {"time", "decision", "value", "role", NULL};

/* Review 15B item 6: "; did you mean ..." for an older capability name, else "". */
static const char *capability_hint(char *buf, size_t size, const char *name)
{
	int k = pt_ex_capability_suggest(name);
	if (k < 0)
		return "";
	snprintf(buf, size, "; did you mean \"%s\"? (the core capability that took its place)",
		 pt_ex_capability_name((size_t)k));
	return buf;
}

static enum pt_err read_capability(struct rd *r, const json_t *obj, const char *prefix,
				   int required, int *out)
{
	char path[PATH_MAX_], *name;
	enum pt_err e;
	*out = -1;
	if ((e = get_str(r, obj, "capability", prefix, required, PT_EX_NAME_MAX, &name)) != PT_OK ||
	    !name)
		return e;
	if ((*out = pt_ex_capability_find(name)) < 0) {
		char q[80];
		pt_quote_for_msg(q, sizeof q, name);
		char hint[160];
		return pt_diag_set(r->d, PT_EINVAL, line_obj(r, obj, "capability", 0),
				   join(path, prefix, "capability"),
				   "%s is not a FEMA core capability (docs/exercises.md lists them)%s",
				   q, capability_hint(hint, sizeof hint, name));
	}
	return PT_OK;
}

static enum pt_err read_stages_roles(struct rd *r, const json_t *root)
{
	struct pt_ex_scenario *sc = r->sc;
	json_t *arr, *o;
	size_t i;
	enum pt_err e;
	char p[PATH_MAX_];

	if ((e = get_array(r, root, "stages", "", 1, PT_EX_MAX_STAGES, "stages", &arr)) != PT_OK)
		return e;
	sc->stages = pt_ex_alloc(sc, (json_array_size(arr) + 1) * sizeof *sc->stages);
	if (!sc->stages)
		return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
	json_array_foreach(arr, i, o)
	{
		struct pt_ex_stage *s = &sc->stages[i];
		join_i(p, "stages", i);
		if ((e = element_object(r, arr, i, "stages")) != PT_OK ||
		    (e = members_known(r, o, p, k_stage)) != PT_OK ||
		    (e = get_str(r, o, "id", p, 1, 0, &s->id)) != PT_OK ||
		    (e = get_str(r, o, "name", p, 1, 0, &s->name)) != PT_OK ||
		    (e = get_str(r, o, "description", p, 0, 0, &s->description)) != PT_OK)
			return e;
		if (!s->description && !(s->description = pt_ex_strdup(sc, "", 0)))
			return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
		sc->n_stages++;
	}
	if ((e = get_array(r, root, "roles", "", 1, PT_EX_MAX_ROLES, "roles", &arr)) != PT_OK)
		return e;
	sc->roles = pt_ex_alloc(sc, (json_array_size(arr) + 1) * sizeof *sc->roles);
	if (!sc->roles)
		return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
	json_array_foreach(arr, i, o)
	{
		struct pt_ex_role *x = &sc->roles[i];
		join_i(p, "roles", i);
		if ((e = element_object(r, arr, i, "roles")) != PT_OK ||
		    (e = members_known(r, o, p, k_role)) != PT_OK ||
		    (e = get_str(r, o, "id", p, 1, 0, &x->id)) != PT_OK ||
		    (e = get_str(r, o, "name", p, 1, 0, &x->name)) != PT_OK ||
		    (e = get_str(r, o, "organisation", p, 0, 0, &x->organisation)) != PT_OK ||
		    (e = get_str(r, o, "description", p, 0, 0, &x->description)) != PT_OK)
			return e;
		if ((!x->organisation && !(x->organisation = pt_ex_strdup(sc, "", 0))) ||
		    (!x->description && !(x->description = pt_ex_strdup(sc, "", 0))))
			return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
		sc->n_roles++;
	}
	return PT_OK;
}

static enum pt_err read_objectives(struct rd *r, const json_t *root)
{
	struct pt_ex_scenario *sc = r->sc;
	json_t *arr, *o, *targets, *t;
	size_t i, j;
	enum pt_err e;
	char p[PATH_MAX_], tp[PATH_MAX_], q[PATH_MAX_];

	if ((e = get_array(r, root, "objectives", "", 0, PT_EX_MAX_OBJECTIVES, "objectives",
			   &arr)) != PT_OK || !arr)
		return e;
	sc->objectives = pt_ex_alloc(sc, (json_array_size(arr) + 1) * sizeof *sc->objectives);
	if (!sc->objectives)
		return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
	json_array_foreach(arr, i, o)
	{
		struct pt_ex_objective *x = &sc->objectives[i];
		join_i(p, "objectives", i);
		if ((e = element_object(r, arr, i, "objectives")) != PT_OK ||
		    (e = members_known(r, o, p, k_objective)) != PT_OK ||
		    (e = get_str(r, o, "id", p, 1, 0, &x->id)) != PT_OK ||
		    (e = get_str(r, o, "text", p, 1, 0, &x->text)) != PT_OK ||
		    (e = read_capability(r, o, p, 1, &x->capability)) != PT_OK ||
		    (e = get_array(r, o, "targets", p, 1, PT_EX_MAX_TARGETS, "capability targets",
				   &targets)) != PT_OK)
			return e;
		x->targets = pt_ex_alloc(sc, (json_array_size(targets) + 1) * sizeof *x->targets);
		if (!x->targets)
			return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
		join(q, p, "targets");
		json_array_foreach(targets, j, t)
		{
			struct pt_ex_target *y = &x->targets[j];
			join_i(tp, q, j);
			if ((e = element_object(r, targets, j, q)) != PT_OK ||
			    (e = members_known(r, t, tp, k_target)) != PT_OK ||
			    (e = get_str(r, t, "id", tp, 1, 0, &y->id)) != PT_OK ||
			    (e = get_str(r, t, "text", tp, 1, 0, &y->text)) != PT_OK ||
			    (e = get_strings(r, t, "tasks", tp, 1, PT_EX_MAX_TASKS, PT_EX_TEXT_MAX,
					     "critical tasks", &y->tasks, &y->n_tasks)) != PT_OK)
				return e;
			x->n_targets++;
		}
		sc->n_objectives++;
	}
	return PT_OK;
}

static enum pt_err read_injects(struct rd *r, const json_t *root)
{
	struct pt_ex_scenario *sc = r->sc;
	json_t *arr, *o;
	size_t i;
	enum pt_err e;
	char p[PATH_MAX_], path[PATH_MAX_];

	if ((e = get_array(r, root, "injects", "", 1, PT_EX_MAX_INJECTS, "injects", &arr)) != PT_OK)
		return e;
	sc->injects = pt_ex_alloc(sc, (json_array_size(arr) + 1) * sizeof *sc->injects);
	if (!sc->injects)
		return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
	json_array_foreach(arr, i, o)
	{
		struct pt_ex_inject *x = &sc->injects[i];
		long long seq = 0, parent = 0;
		char *type = NULL;
		join_i(p, "injects", i);
		x->deadline_min = -1;
		if ((e = element_object(r, arr, i, "injects")) != PT_OK ||
		    (e = members_known(r, o, p, k_inject)) != PT_OK ||
		    (e = get_int(r, o, "seq", p, 1, 1, 999999, &seq)) != PT_OK ||
		    (e = get_str(r, o, "stage", p, 1, 0, &x->stage)) != PT_OK ||
		    (e = get_time(r, o, "time", p, 1, &x->t_min)) != PT_OK ||
		    (e = get_str(r, o, "type", p, 1, PT_EX_NAME_MAX, &type)) != PT_OK)
			return e;
		if (pt_ex_inject_type_parse(type, &x->type) != 0) {
			char q[80];
			pt_quote_for_msg(q, sizeof q, type);
			return pt_diag_set(r->d, PT_EINVAL, line_obj(r, o, "type", 0),
					   join(path, p, "type"),
					   "%s is not an inject type (information, event, media, "
					   "social media)",
					   q);
		}
		x->seq = (uint32_t)seq;
		if ((e = get_str(r, o, "delivery", p, 0, 0, &x->delivery)) != PT_OK ||
		    (e = get_str(r, o, "from", p, 0, 0, &x->from)) != PT_OK ||
		    (e = get_strings(r, o, "to", p, 1, PT_EX_MAX_TO, PT_EX_ID_MAX + 1, "roles", &x->to,
				     &x->n_to)) != PT_OK ||
		    (e = get_str(r, o, "description", p, 1, 0, &x->description)) != PT_OK ||
		    (e = get_str(r, o, "expected_action", p, 0, 0, &x->expected_action)) != PT_OK ||
		    (e = read_capability(r, o, p, 0, &x->capability)) != PT_OK ||
		    (e = get_time(r, o, "deadline", p, 0, &x->deadline_min)) != PT_OK ||
		    (e = get_int(r, o, "contingency_of", p, 0, 1, 999999, &parent)) != PT_OK ||
		    (e = get_str(r, o, "decision", p, 0, 0, &x->satisfied_by)) != PT_OK ||
		    (e = get_str(r, o, "decision_value", p, 0, PT_MCI_VALUE_MAX, &x->satisfied_value)) !=
			    PT_OK)
			return e;
		if (x->satisfied_value && !x->satisfied_value[0])
			x->satisfied_value = NULL; /* "": any value */
		x->contingency_of = (uint32_t)parent;
		if ((!x->delivery && !(x->delivery = pt_ex_strdup(sc, "", 0))) ||
		    (!x->from && !(x->from = pt_ex_strdup(sc, "", 0))) ||
		    (!x->expected_action && !(x->expected_action = pt_ex_strdup(sc, "", 0))))
			return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
		sc->n_injects++;
	}
	return PT_OK;
}

static const char *const apply_names[] = {"timed", "at_time", "log"};
static const char *const kind_names[] = {"none", "number", "bool", "choice"};

static enum pt_err read_decisions(struct rd *r, const json_t *root)
{
	struct pt_ex_scenario *sc = r->sc;
	json_t *arr, *o;
	size_t i, k;
	enum pt_err e;
	char p[PATH_MAX_], path[PATH_MAX_];

	if ((e = get_array(r, root, "decisions", "", 0, PT_EX_MAX_DECISIONS, "decisions", &arr)) !=
		    PT_OK ||
	    !arr)
		return e;
	sc->decisions = pt_ex_alloc(sc, (json_array_size(arr) + 1) * sizeof *sc->decisions);
	if (!sc->decisions)
		return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
	json_array_foreach(arr, i, o)
	{
		struct pt_ex_decision *x = &sc->decisions[i];
		char *apply = NULL, *kind = NULL;
		join_i(p, "decisions", i);
		if ((e = element_object(r, arr, i, "decisions")) != PT_OK ||
		    (e = members_known(r, o, p, k_decision)) != PT_OK ||
		    (e = get_str(r, o, "id", p, 1, 0, &x->id)) != PT_OK ||
		    (e = get_str(r, o, "label", p, 1, 0, &x->label)) != PT_OK ||
		    (e = get_str(r, o, "apply", p, 1, 0, &apply)) != PT_OK)
			return e;
		for (k = 0; k < 3 && strcmp(apply, apply_names[k]) != 0; k++)
			;
		if (k == 3)
			return pt_diag_set(r->d, PT_EINVAL, line_obj(r, o, "apply", 0),
					   join(path, p, "apply"), "timed, at_time or log expected");
		x->apply = (enum pt_ex_apply)k;
		if ((e = get_str(r, o, "path", p, x->apply != PT_EX_APPLY_LOG, 0, &x->path)) != PT_OK ||
		    (e = get_str(r, o, "kind", p, x->apply == PT_EX_APPLY_TIMED, 0, &kind)) != PT_OK)
			return e;
		x->kind = PT_EX_VALUE_NONE;
		if (kind) {
			for (k = 0; k < 4 && strcmp(kind, kind_names[k]) != 0; k++)
				;
			if (k == 4)
				return pt_diag_set(r->d, PT_EINVAL, line_obj(r, o, "kind", 0),
						   join(path, p, "kind"),
						   "number, bool, choice or none expected");
			x->kind = (enum pt_ex_value_kind)k;
		}
		if (x->kind == PT_EX_VALUE_NUMBER) {
			if ((e = get_num(r, o, "min", p, 1, &x->min)) != PT_OK ||
			    (e = get_num(r, o, "max", p, 1, &x->max)) != PT_OK)
				return e;
		} else if (json_object_get(o, "min") || json_object_get(o, "max")) {
			const char *k2 = json_object_get(o, "min") ? "min" : "max";
			return pt_diag_set(r->d, PT_EINVAL, line_obj(r, o, k2, 0), join(path, p, k2),
					   "only a decision of kind number has min and max");
		}
		if ((e = get_strings(r, o, "choices", p, x->kind == PT_EX_VALUE_CHOICE,
				     PT_EX_MAX_CHOICES, PT_MCI_VALUE_MAX, "choices", &x->choices,
				     &x->n_choices)) != PT_OK ||
		    (e = get_strings(r, o, "roles", p, 1, PT_EX_MAX_ROLES, PT_EX_ID_MAX + 1, "roles",
				     &x->roles, &x->n_roles)) != PT_OK)
			return e;
		sc->n_decisions++;
	}
	return PT_OK;
}

/* One {"time","decision","value","role"} of a baseline or decisions file (element i of arr). */
static enum pt_err read_made(struct rd *r, const json_t *arr, size_t i, const char *prefix,
			     struct pt_ex_made *m)
{
	const struct pt_ex_scenario *sc = r->sc;
	json_t *o = json_array_get(arr, i), *v;
	char p[PATH_MAX_], path[PATH_MAX_], *id = NULL, *role = NULL, num[64];
	const char *value = "";
	int32_t t = 0;
	int k;
	enum pt_err e;

	join_i(p, prefix, i);
	memset(m, 0, sizeof *m);
	if ((e = element_object(r, arr, i, prefix)) != PT_OK ||
	    (e = members_known(r, o, p, k_made)) != PT_OK ||
	    (e = get_time(r, o, "time", p, 1, &t)) != PT_OK ||
	    (e = get_str(r, o, "decision", p, 1, 0, &id)) != PT_OK)
		return e;
	if ((k = pt_ex_decision_find(sc, id)) < 0) {
		char q[80];
		pt_quote_for_msg(q, sizeof q, id);
		return pt_diag_set(r->d, PT_EINVAL, line_obj(r, o, "decision", 0),
				   join(path, p, "decision"), "%s is not a decision of the scenario",
				   q);
	}
	if ((e = member(r, o, "value", p, 0, &v)) != PT_OK)
		return e;
	if (v) {
		if (json_is_string(v) && json_string_length(v) == strlen(json_string_value(v)))
			value = json_string_value(v);
		else if (json_is_integer(v))
			snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		else if (json_is_real(v))
			pt_format_double(num, sizeof num, json_real_value(v));
		else if (json_is_boolean(v))
			snprintf(num, sizeof num, "%s", json_is_true(v) ? "true" : "false");
		else
			return wrong_type(r, o, "value", p, "a string, number, true or false");
		if (!json_is_string(v))
			value = num;
		if (strlen(value) >= PT_MCI_VALUE_MAX)
			return pt_diag_set(r->d, PT_EINVAL, line_obj(r, o, "value", 0),
					   join(path, p, "value"), "too long (at most %d bytes)",
					   PT_MCI_VALUE_MAX - 1);
	}
	if ((e = get_str(r, o, "role", p, 0, PT_EX_ID_MAX, &role)) != PT_OK)
		return e;
	if (!role)
		role = sc->decisions[k].n_roles ? sc->decisions[k].roles[0] : "";
	m->decision = (uint32_t)k;
	m->t_min = t;
	pt_strlcpy(m->value, value, sizeof m->value);
	pt_strlcpy(m->role, role, sizeof m->role);
	return PT_OK;
}

/* issue 15 review 3 and 4: "undecided" [{path, value}] and "h_hour" ("H:MM", a clock time). */
static enum pt_err read_undecided(struct rd *r, const json_t *root)
{
	struct pt_ex_scenario *sc = r->sc;
	json_t *arr, *o;
	size_t i;
	int32_t h = -1;
	enum pt_err e;
	char p[PATH_MAX_], path[PATH_MAX_];
	if ((e = get_time(r, root, "h_hour", "", 0, &h)) != PT_OK)
		return e;
	if (json_object_get(root, "h_hour") && h >= 24 * 60)
		return pt_diag_set(r->d, PT_EINVAL, line_obj(r, root, "h_hour", 0), "h_hour",
				   "a clock time from 00:00 to 23:59 expected");
	sc->h_hour_min = json_object_get(root, "h_hour") ? h : -1;
	if ((e = get_array(r, root, "undecided", "", 0, PT_EX_MAX_UNDECIDED, "undecided entries",
			   &arr)) != PT_OK || !arr)
		return e;
	if (!(sc->undecided = pt_ex_alloc(sc, (json_array_size(arr) + 1) * sizeof *sc->undecided)))
		return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
	json_array_foreach(arr, i, o)
	{
		struct pt_ex_undecided *u = &sc->undecided[i];
		join_i(p, "undecided", i);
		if ((e = element_object(r, arr, i, "undecided")) != PT_OK ||
		    (e = members_known(r, o, p, k_undecided)) != PT_OK ||
		    (e = get_str(r, o, "path", p, 1, PT_MCI_PATH_MAX, &u->path)) != PT_OK ||
		    (e = get_str(r, o, "value", p, 1, PT_MCI_VALUE_MAX, &u->value)) != PT_OK)
			return e;
		if (!u->path[0])
			return pt_diag_set(r->d, PT_EINVAL, line_obj(r, o, "path", 0),
					   join(path, p, "path"), "a simulation key expected");
		sc->n_undecided++;
	}
	return PT_OK;
}

static enum pt_err read_top(struct rd *r, const json_t *root)
{
	struct pt_ex_scenario *sc = r->sc;
	long long every = sc->sim_every_min, reps = sc->sim_replications;
	json_t *arr;
	size_t i;
	enum pt_err e;

	if ((e = members_known(r, root, "", k_top)) != PT_OK ||
	    (e = get_str(r, root, "id", "", 1, 0, &sc->id)) != PT_OK ||
	    (e = get_str(r, root, "title", "", 1, 0, &sc->title)) != PT_OK ||
	    (e = get_str(r, root, "description", "", 0, 0, &sc->description)) != PT_OK ||
	    (e = get_str(r, root, "simulation", "", 0, 0, &sc->simulation)) != PT_OK ||
	    (e = get_time(r, root, "duration", "", 1, &sc->duration_min)) != PT_OK ||
	    (e = get_time(r, root, "sim_start", "", 0, &sc->sim_start_min)) != PT_OK ||
	    (e = get_int(r, root, "sim_every_min", "", 0, 1, PT_EX_TIME_MAX, &every)) != PT_OK ||
	    (e = get_int(r, root, "sim_replications", "", 0, 10, 10000, &reps)) != PT_OK ||
	    (e = read_stages_roles(r, root)) != PT_OK ||
	    (e = get_strings(r, root, "sim_to", "", 0, PT_EX_MAX_ROLES, PT_EX_ID_MAX + 1, "roles",
			     &sc->sim_to, &sc->n_sim_to)) != PT_OK ||
	    (e = get_str(r, root, "pio_role", "", 0, 0, &sc->pio_role)) != PT_OK ||
	    (e = get_str(r, root, "site", "", 0, 0, &sc->site)) != PT_OK ||
	    (e = get_str(r, root, "tlp", "", 0, 0, &sc->tlp)) != PT_OK ||
	    (e = read_objectives(r, root)) != PT_OK || (e = read_decisions(r, root)) != PT_OK ||
	    (e = read_injects(r, root)) != PT_OK || (e = read_undecided(r, root)) != PT_OK)
		return e;
	sc->sim_every_min = (int32_t)every;
	sc->sim_replications = (uint32_t)reps;
	if (!sc->description && !(sc->description = pt_ex_strdup(sc, "", 0)))
		return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
	if ((e = get_array(r, root, "baseline", "", 0, PT_EX_MAX_BASELINE, "baseline decisions",
			   &arr)) != PT_OK || !arr)
		return e;
	if (!(sc->baseline = pt_ex_alloc(sc, (json_array_size(arr) + 1) * sizeof *sc->baseline)))
		return pt_diag_set(r->d, PT_ENOMEM, 0, "", "out of memory");
	for (i = 0; i < json_array_size(arr); i++) {
		if ((e = read_made(r, arr, i, "baseline", &sc->baseline[i])) != PT_OK)
			return e;
		sc->n_baseline++;
	}
	return PT_OK;
}

/* The line of a check's field path ("injects.3.to.1", "decisions.ID.path"): the deepest
 * value the path reaches (an array element may be named by its "id"). */
static long path_line(const struct rd *r, const char *field)
{
	char buf[128], *tok, *save = NULL;
	const json_t *cur = r->root;
	long line = jl_line(&r->jl, NULL, NULL, 0);
	pt_strlcpy(buf, field, sizeof buf);
	for (tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save)) {
		const json_t *next = NULL;
		long l = 0;
		if (json_is_object(cur)) {
			const char *k;
			json_t *m;
			json_object_foreach((json_t *)cur, k, m)
			{
				if (strcmp(k, tok) == 0) {
					next = m;
					l = jl_line(&r->jl, cur, k, 0);
					break;
				}
			}
		} else if (json_is_array(cur)) {
			size_t i;
			json_t *m;
			char *end;
			unsigned long idx = strtoul(tok, &end, 10);
			if (*tok >= '0' && *tok <= '9' && !*end && idx < json_array_size(cur)) {
				next = json_array_get(cur, idx);
				l = jl_line(&r->jl, cur, NULL, idx);
			} else {
				json_array_foreach((json_t *)cur, i, m)
				{
					json_t *id = json_object_get(m, "id");
					if (json_is_string(id) && strcmp(json_string_value(id), tok) == 0) {
						next = m;
						l = jl_line(&r->jl, cur, NULL, i);
						break;
					}
				}
			}
		}
		if (!next)
			break;
		cur = next;
		if (l)
			line = l;
	}
	return line;
}

static void set_file(struct pt_diag *d, const char *name)
{
	if (d && name)
		pt_strlcpy(d->file, name, sizeof d->file);
}

enum pt_err pt_ex_scenario_read(const char *buf, size_t len, const char *name,
				struct pt_ex_scenario **out, struct pt_diag *d)
{
	struct rd r;
	json_t *root = NULL;
	size_t skip = 0;
	enum pt_err e;

	*out = NULL;
	memset(&r, 0, sizeof r);
	r.d = d;
	set_file(d, name);
	if (!buf)
		len = 0;
	if (len > (size_t)PT_EX_FILE_MAX_BYTES) {
		e = pt_diag_set(d, PT_ELIMIT, 0, "", "file too large (%zu bytes; at most %ld)", len,
				PT_EX_FILE_MAX_BYTES);
		goto out;
	}
	if ((e = pt_json_load_strict(buf, len, &skip, &root, d)) != PT_OK)
		goto out;
	set_file(d, name);
	if (!json_is_object(root)) {
		e = pt_diag_set(d, PT_EINVAL, 1, "", "an exercise scenario is one JSON object");
		goto out;
	}
	r.jl.s = buf + skip;
	r.jl.len = len - skip;
	r.jl.line = 1;
	jl_walk(&r.jl, root, NULL, NULL, 0);
	if (r.jl.oom) {
		e = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	jl_sort(&r.jl);
	r.root = root;
	if (!(r.sc = pt_ex_scenario_new())) {
		e = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if ((e = read_top(&r, root)) != PT_OK)
		goto out;
	if ((e = pt_ex_scenario_check(r.sc, d)) != PT_OK) {
		if (d)
			d->line = path_line(&r, d->field);
		goto out;
	}
	*out = r.sc;
	r.sc = NULL;
out:
	pt_ex_scenario_free(r.sc);
	json_decref(root);
	free(r.jl.e);
	free(r.jl.self);
	return e;
}

long pt_ex_json_line(const char *buf, size_t len, const char *field)
{
	struct rd r;
	struct pt_diag d;
	json_t *root = NULL;
	size_t skip = 0;
	long line = 0;
	memset(&r, 0, sizeof r);
	memset(&d, 0, sizeof d);
	if (!buf || len > (size_t)PT_EX_FILE_MAX_BYTES ||
	    pt_json_load_strict(buf, len, &skip, &root, &d) != PT_OK)
		return 0;
	r.jl.s = buf + skip;
	r.jl.len = len - skip;
	r.jl.line = 1;
	jl_walk(&r.jl, root, NULL, NULL, 0);
	if (!r.jl.oom) {
		jl_sort(&r.jl);
		r.root = root;
		line = path_line(&r, field ? field : "");
	}
	json_decref(root);
	free(r.jl.e);
	free(r.jl.self);
	return line;
}

/* ---- the writer ------------------------------------------------------------ */

struct jb {
	int bad;
};

static void put(struct jb *b, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v) != 0)
		b->bad = 1;
}

static void push(struct jb *b, json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v) != 0)
		b->bad = 1;
}

static json_t *jtime(long t)
{
	char buf[24];
	format_time(buf, sizeof buf, t);
	return json_string(buf);
}

static json_t *jnum(double v)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static json_t *jstrings(struct jb *b, char *const *s, size_t n)
{
	json_t *a = json_array();
	size_t i;
	if (!a) {
		b->bad = 1;
		return NULL;
	}
	for (i = 0; i < n; i++)
		push(b, a, json_string(s[i]));
	return a;
}

static void put_opt(struct jb *b, json_t *obj, const char *key, const char *s)
{
	if (s && *s)
		put(b, obj, key, json_string(s));
}

static json_t *made_json(struct jb *b, const struct pt_ex_scenario *sc, const struct pt_ex_made *m)
{
	json_t *o = json_object();
	if (!o) {
		b->bad = 1;
		return NULL;
	}
	put(b, o, "time", jtime(lround(m->t_min)));
	put(b, o, "decision",
	    json_string(m->decision < sc->n_decisions ? sc->decisions[m->decision].id : ""));
	if (m->value[0])
		put(b, o, "value", json_string(m->value));
	put(b, o, "role", json_string(m->role));
	return o;
}

json_t *pt_ex_scenario_to_json(const struct pt_ex_scenario *sc)
{
	struct jb b = {0};
	json_t *root = json_object(), *a;
	size_t i, j;
	if (!root)
		return NULL;
	put(&b, root, "id", json_string(sc->id));
	put(&b, root, "title", json_string(sc->title));
	put_opt(&b, root, "description", sc->description);
	if (sc->simulation)
		put(&b, root, "simulation", json_string(sc->simulation));
	put(&b, root, "duration", jtime(sc->duration_min));
	put(&b, root, "sim_start", jtime(sc->sim_start_min));
	put(&b, root, "sim_every_min", json_integer(sc->sim_every_min));
	put(&b, root, "sim_replications", json_integer(sc->sim_replications));
	put(&b, root, "sim_to", jstrings(&b, sc->sim_to, sc->n_sim_to));
	if (sc->h_hour_min >= 0)
		put(&b, root, "h_hour", jtime(sc->h_hour_min));
	if (sc->n_undecided) {
		put(&b, root, "undecided", a = json_array());
		for (i = 0; a && i < sc->n_undecided; i++)
			push(&b, a, json_pack("{s:s, s:s}", "path", sc->undecided[i].path, "value",
					      sc->undecided[i].value));
	}
	if (sc->pio_role)
		put(&b, root, "pio_role", json_string(sc->pio_role));
	if (sc->site)
		put(&b, root, "site", json_string(sc->site));
	put(&b, root, "tlp", json_string(sc->tlp ? sc->tlp : "AMBER"));

	put(&b, root, "stages", a = json_array());
	for (i = 0; a && i < sc->n_stages; i++) {
		json_t *o = json_object();
		push(&b, a, o);
		if (!o)
			break;
		put(&b, o, "id", json_string(sc->stages[i].id));
		put(&b, o, "name", json_string(sc->stages[i].name));
		put_opt(&b, o, "description", sc->stages[i].description);
	}
	put(&b, root, "roles", a = json_array());
	for (i = 0; a && i < sc->n_roles; i++) {
		json_t *o = json_object();
		push(&b, a, o);
		if (!o)
			break;
		put(&b, o, "id", json_string(sc->roles[i].id));
		put(&b, o, "name", json_string(sc->roles[i].name));
		put_opt(&b, o, "organisation", sc->roles[i].organisation);
		put_opt(&b, o, "description", sc->roles[i].description);
	}
	put(&b, root, "objectives", a = json_array());
	for (i = 0; a && i < sc->n_objectives; i++) {
		const struct pt_ex_objective *x = &sc->objectives[i];
		json_t *o = json_object(), *ts;
		push(&b, a, o);
		if (!o)
			break;
		put(&b, o, "id", json_string(x->id));
		put(&b, o, "text", json_string(x->text));
		put(&b, o, "capability", json_string(pt_ex_capability_name((size_t)x->capability)));
		put(&b, o, "targets", ts = json_array());
		for (j = 0; ts && j < x->n_targets; j++) {
			json_t *t = json_object();
			push(&b, ts, t);
			if (!t)
				break;
			put(&b, t, "id", json_string(x->targets[j].id));
			put(&b, t, "text", json_string(x->targets[j].text));
			put(&b, t, "tasks", jstrings(&b, x->targets[j].tasks, x->targets[j].n_tasks));
		}
	}
	put(&b, root, "injects", a = json_array());
	for (i = 0; a && i < sc->n_injects; i++) {
		const struct pt_ex_inject *x = &sc->injects[i];
		json_t *o = json_object();
		push(&b, a, o);
		if (!o)
			break;
		put(&b, o, "seq", json_integer(x->seq));
		put(&b, o, "stage", json_string(x->stage));
		put(&b, o, "time", jtime(x->t_min));
		put(&b, o, "type", json_string(pt_ex_inject_type_name(x->type)));
		put_opt(&b, o, "delivery", x->delivery);
		put_opt(&b, o, "from", x->from);
		put(&b, o, "to", jstrings(&b, x->to, x->n_to));
		put(&b, o, "description", json_string(x->description));
		put_opt(&b, o, "expected_action", x->expected_action);
		if (x->capability >= 0)
			put(&b, o, "capability",
			    json_string(pt_ex_capability_name((size_t)x->capability)));
		if (x->deadline_min >= 0)
			put(&b, o, "deadline", jtime(x->deadline_min));
		if (x->contingency_of)
			put(&b, o, "contingency_of", json_integer(x->contingency_of));
		put_opt(&b, o, "decision", x->satisfied_by);
		put_opt(&b, o, "decision_value", x->satisfied_value);
	}
	put(&b, root, "decisions", a = json_array());
	for (i = 0; a && i < sc->n_decisions; i++) {
		const struct pt_ex_decision *x = &sc->decisions[i];
		json_t *o = json_object();
		push(&b, a, o);
		if (!o)
			break;
		put(&b, o, "id", json_string(x->id));
		put(&b, o, "label", json_string(x->label));
		if (x->path)
			put(&b, o, "path", json_string(x->path));
		put(&b, o, "apply", json_string(apply_names[x->apply]));
		put(&b, o, "kind", json_string(kind_names[x->kind]));
		if (x->kind == PT_EX_VALUE_NUMBER) {
			put(&b, o, "min", jnum(x->min));
			put(&b, o, "max", jnum(x->max));
		}
		if (x->kind == PT_EX_VALUE_CHOICE)
			put(&b, o, "choices", jstrings(&b, x->choices, x->n_choices));
		put(&b, o, "roles", jstrings(&b, x->roles, x->n_roles));
	}
	put(&b, root, "baseline", a = json_array());
	for (i = 0; a && i < sc->n_baseline; i++)
		push(&b, a, made_json(&b, sc, &sc->baseline[i]));
	if (b.bad) {
		json_decref(root);
		return NULL;
	}
	return root;
}

enum pt_err pt_ex_scenario_write(FILE *f, const struct pt_ex_scenario *sc)
{
	json_t *j = pt_ex_scenario_to_json(sc);
	int rc;
	if (!j)
		return PT_ENOMEM;
	rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	json_decref(j);
	if (rc != 0 || fputc('\n', f) == EOF || ferror(f))
		return PT_EIO;
	return PT_OK;
}

/* ---- decisions files ------------------------------------------------------- */

enum pt_err pt_ex_decisions_read(const struct pt_ex_scenario *sc, const char *buf, size_t len,
				 const char *name, struct pt_ex_made **out, size_t *n,
				 struct pt_diag *d)
{
	struct rd r;
	json_t *root = NULL;
	struct pt_ex_made *m = NULL;
	size_t skip = 0, i, j, count;
	enum pt_err e;

	*out = NULL;
	*n = 0;
	memset(&r, 0, sizeof r);
	r.d = d;
	r.sc = (struct pt_ex_scenario *)sc; /* read_made only reads it */
	set_file(d, name);
	if (!buf)
		len = 0;
	if (len > (size_t)PT_EX_FILE_MAX_BYTES) {
		e = pt_diag_set(d, PT_ELIMIT, 0, "", "file too large (%zu bytes; at most %ld)", len,
				PT_EX_FILE_MAX_BYTES);
		goto out;
	}
	if ((e = pt_json_load_strict(buf, len, &skip, &root, d)) != PT_OK)
		goto out;
	set_file(d, name);
	if (!json_is_array(root)) {
		e = pt_diag_set(d, PT_EINVAL, 1, "",
				"a decisions file is one JSON array of {\"time\", \"decision\", "
				"\"value\", \"role\"}");
		goto out;
	}
	count = json_array_size(root);
	if (count > PT_EX_MAX_BASELINE) {
		e = pt_diag_set(d, PT_ELIMIT, 1, "", "too many decisions (%zu; at most %d)", count,
				PT_EX_MAX_BASELINE);
		goto out;
	}
	r.jl.s = buf + skip;
	r.jl.len = len - skip;
	r.jl.line = 1;
	jl_walk(&r.jl, root, NULL, NULL, 0);
	if (r.jl.oom || !(m = calloc(count + 1, sizeof *m))) {
		e = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	jl_sort(&r.jl);
	r.root = root;
	for (i = 0; i < count; i++) {
		char value[PT_MCI_VALUE_MAX], field[PATH_MAX_], elem[PATH_MAX_];
		if ((e = read_made(&r, root, i, "", &m[i])) != PT_OK)
			goto out;
		if (m[i].t_min > sc->duration_min) {
			char a[24], b[24];
			format_time(a, sizeof a, (long)m[i].t_min);
			format_time(b, sizeof b, sc->duration_min);
			e = pt_diag_set(d, PT_EINVAL, line_obj(&r, json_array_get(root, i), "time", 0),
					join(field, join_i(elem, "", i), "time"),
					"%s is past the scenario's end %s", a, b);
			goto out;
		}
		e = pt_ex_decision_value(sc, m[i].decision, m[i].role, m[i].value, value, d);
		if (e != PT_OK) {
			const char *k = e == PT_EFORBIDDEN ? "role" : "value";
			char msg[sizeof d->msg];
			pt_strlcpy(msg, d ? d->msg : "", sizeof msg);
			snprintf(field, sizeof field, "%zu.%s", i, k);
			e = pt_diag_set(d, PT_EINVAL, line_obj(&r, json_array_get(root, i), k, 0), field,
					"%s", msg);
			if (d && !d->line)
				d->line = line_obj(&r, root, NULL, i);
			goto out;
		}
		memcpy(m[i].value, value, sizeof value);
	}
	for (i = 1; i < count; i++) { /* stable by time */
		struct pt_ex_made t = m[i];
		for (j = i; j > 0 && m[j - 1].t_min > t.t_min; j--)
			m[j] = m[j - 1];
		m[j] = t;
	}
	*out = m;
	*n = count;
	m = NULL;
out:
	free(m);
	json_decref(root);
	free(r.jl.e);
	free(r.jl.self);
	return e;
}

json_t *pt_ex_decisions_to_json(const struct pt_ex_scenario *sc, const struct pt_ex_made *made,
				size_t n)
{
	struct jb b = {0};
	json_t *a = json_array();
	size_t i;
	if (!a)
		return NULL;
	for (i = 0; i < n; i++)
		push(&b, a, made_json(&b, sc, &made[i]));
	if (b.bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* ---- the MSEL CSV ---------------------------------------------------------- */

enum msel_col {
	C_SEQ,
	C_TIME,
	C_TYPE,
	C_DELIVERY,
	C_FROM,
	C_TO,
	C_DESCRIPTION,
	C_EXPECTED,
	C_CAPABILITY,
	C_STAGE,
	C_DEADLINE,
	C_CONTINGENCY,
	C_DECISION,
	C_DECISION_VALUE, /* issue 15: decision_value */
	C_N
};

static const char *const msel_cols[C_N] = {
	"sequence",     "time",           "type",     "delivery", "from",
	"to",           "description",    "expected_action", "capability", "stage",
	"deadline",     "contingency_of", "decision", "decision_value"};
/* the JSON member each column is (for the check's field paths) */
static const char *const msel_members[C_N] = {
	"seq",   "time",     "type",           "delivery", "from", "to", "description",
	"expected_action", "capability", "stage", "deadline", "contingency_of", "decision",
	"decision_value"};
static const unsigned char msel_required[C_N] = {1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0};

static int ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* s without leading and trailing spaces and tabs, in place. */
static char *trim(char *s)
{
	size_t n;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* An id from a name: lower-case letters and digits, '_' for the rest; "" when none. */
static void slug(char *dst, size_t size, const char *name)
{
	size_t n = 0;
	int gap = 0;
	for (; *name && n + 1 < size; name++) {
		unsigned char c = (unsigned char)*name;
		if (isalnum(c) && c < 0x80) {
			if (gap && n)
				dst[n++] = '_';
			if (n + 1 < size)
				dst[n++] = (char)tolower(c);
			gap = 0;
		} else {
			gap = 1;
		}
	}
	dst[n] = '\0';
}

struct mapping {
	char from[PT_EX_MAP_MAX_ROWS][PT_EX_NAME_MAX];
	int to[PT_EX_MAP_MAX_ROWS]; /* enum msel_col, or -1: drop the column */
	size_t n;
};

static void join_cols(char *buf, size_t size)
{
	size_t i;
	buf[0] = '\0';
	for (i = 0; i < C_N; i++) {
		strncat(buf, i ? ", " : "", size - strlen(buf) - 1);
		strncat(buf, msel_cols[i], size - strlen(buf) - 1);
	}
}

static enum pt_err read_map(const char *map, size_t len, const char *name, struct mapping *m,
			    struct pt_diag *d)
{
	static const char *const known[] = {"from_column", "to_column"};
	static const unsigned char req[] = {1, 1};
	struct pt_csv *c = NULL;
	int col_of[2];
	size_t n_cols, n, i;
	char **f;
	long line;
	int eof;
	enum pt_err e;

	set_file(d, name);
	m->n = 0;
	if (len > (size_t)PT_EX_FILE_MAX_BYTES)
		return pt_diag_set(d, PT_ELIMIT, 0, "", "file too large (%zu bytes; at most %ld)", len,
				   PT_EX_FILE_MAX_BYTES);
	if ((e = pt_csv_open(map, len, &c)) != PT_OK)
		return pt_diag_set(d, e, 0, "", "out of memory");
	if ((e = pt_csv_read_header(c, known, 2, req, col_of, &n_cols, d)) != PT_OK)
		goto out;
	for (;;) {
		char *from, *to;
		if ((e = pt_csv_next(c, &f, &n, &line, &eof, d)) != PT_OK)
			goto out;
		if (eof)
			break;
		if (n != n_cols) {
			e = pt_diag_set(d, PT_EINVAL, line, "", "expected %zu fields, found %zu", n_cols,
					n);
			goto out;
		}
		if (m->n == PT_EX_MAP_MAX_ROWS) {
			e = pt_diag_set(d, PT_ELIMIT, line, "", "too many rows (at most %d)",
					PT_EX_MAP_MAX_ROWS);
			goto out;
		}
		from = trim(f[col_of[0]]);
		to = trim(f[col_of[1]]);
		if (!*from) {
			e = pt_diag_set(d, PT_EINVAL, line, "from_column", "missing value");
			goto out;
		}
		if (strlen(from) >= PT_EX_NAME_MAX) {
			e = pt_diag_set(d, PT_EINVAL, line, "from_column",
					"too long (%zu bytes; at most %d)", strlen(from),
					PT_EX_NAME_MAX - 1);
			goto out;
		}
		for (i = 0; i < m->n; i++)
			if (ieq(m->from[i], from)) {
				char q[80];
				pt_quote_for_msg(q, sizeof q, from);
				e = pt_diag_set(d, PT_EINVAL, line, "from_column",
						"%s is mapped twice", q);
				goto out;
			}
		m->to[m->n] = -1;
		if (*to && strcmp(to, "-") != 0) {
			for (i = 0; i < C_N && !ieq(to, msel_cols[i]); i++)
				;
			if (i == C_N) {
				char q[80], list[300];
				pt_quote_for_msg(q, sizeof q, to);
				join_cols(list, sizeof list);
				e = pt_diag_set(d, PT_EINVAL, line, "to_column",
						"%s is not an MSEL column (%s; or - to drop the column)",
						q, list);
				goto out;
			}
			m->to[m->n] = (int)i;
		}
		pt_strlcpy(m->from[m->n], from, sizeof m->from[m->n]);
		m->n++;
	}
out:
	pt_csv_free(c);
	return e;
}

/* What the MSEL reader keeps while it reads. */
struct msel {
	struct pt_ex_scenario *sc;
	struct pt_diag *d;
	const char *name;
	char *names[PT_CSV_FIELDS_MAX]; /* the header as the file writes it (malloc'd) */
	int col_of[C_N];                /* field index of each column, or -1 */
	size_t n_cols;
	long *lines;                    /* the line of each inject */
	int *stage_of;                  /* the stage index of each inject */
	int make_roles, make_stages, make_decisions;
	size_t cap_roles, cap_stages;
	/* review 15B item 6: where a row's problems go (NULL n_bad: the first stops the row) */
	struct pt_ex_problems *probs;
	struct pt_diag *first;
	size_t *n_bad;
	int row_bad; /* the row being read has a problem */
};

static const char *col_name(const struct msel *ms, int c)
{
	if (ms->col_of[c] >= 0 && ms->names[ms->col_of[c]])
		return ms->names[ms->col_of[c]];
	return msel_cols[c];
}

static enum pt_err msel_header(struct msel *ms, struct pt_csv *c, const struct mapping *map)
{
	char **f, list[300];
	size_t n, i, k;
	long line;
	int eof;
	enum pt_err e;

	for (i = 0; i < C_N; i++)
		ms->col_of[i] = -1;
	if ((e = pt_csv_next(c, &f, &n, &line, &eof, ms->d)) != PT_OK)
		return e;
	join_cols(list, sizeof list);
	if (eof)
		return pt_diag_set(ms->d, PT_EINVAL, 1, "",
				   "empty file: the header row is missing (columns: %s)", list);
	ms->n_cols = n;
	for (i = 0; i < n; i++) {
		char *h = trim(f[i]);
		int col = -2;
		if (!(ms->names[i] = strdup(h)))
			return pt_diag_set(ms->d, PT_ENOMEM, 0, "", "out of memory");
		for (k = 0; map && k < map->n; k++)
			if (ieq(map->from[k], h)) {
				col = map->to[k];
				break;
			}
		if (col == -1)
			continue; /* dropped by the map */
		if (col == -2) {
			for (k = 0; k < C_N && !ieq(h, msel_cols[k]); k++)
				;
			if (k == C_N) {
				char q[80];
				pt_quote_for_msg(q, sizeof q, h);
				if (n == 1 && strchr(h, ';')) /* review finding 5 */
					return pt_diag_set(ms->d, PT_EINVAL, line, "",
							   "unknown column %s: the file seems to use "
							   "';' as its separator: export it as "
							   "comma-separated CSV",
							   q);
				return pt_diag_set(ms->d, PT_EINVAL, line, h[0] ? ms->names[i] : "",
						   "unknown column %s (columns: %s; a mapping file "
						   "renames or drops columns)",
						   q, list);
			}
			col = (int)k;
		}
		if (ms->col_of[col] >= 0)
			return pt_diag_set(ms->d, PT_EINVAL, line, ms->names[i],
					   "a second %s column (the first is %s)", msel_cols[col],
					   ms->names[ms->col_of[col]]);
		ms->col_of[col] = (int)i;
	}
	for (i = 0; i < C_N; i++)
		if (msel_required[i] && ms->col_of[i] < 0)
			return pt_diag_set(ms->d, PT_EINVAL, line, msel_cols[i],
					   "missing column (sequence, time, type, to and "
					   "description are mandatory)");
	pt_csv_set_names(c, (const char *const *)ms->names, n);
	return PT_OK;
}

/* A role by id or name; a new one when the scenario had none. -1 with d set. */
static int msel_role(struct msel *ms, const char *entry, long line, int col)
{
	struct pt_ex_scenario *sc = ms->sc;
	char id[PT_EX_ID_MAX];
	size_t i;
	for (i = 0; i < sc->n_roles; i++)
		if (strcmp(sc->roles[i].id, entry) == 0 || ieq(sc->roles[i].name, entry))
			return (int)i;
	slug(id, sizeof id, entry);
	if (ms->make_roles && id[0]) {
		for (i = 0; i < sc->n_roles; i++)
			if (strcmp(sc->roles[i].id, id) == 0)
				return (int)i;
		if (sc->n_roles == PT_EX_MAX_ROLES) {
			pt_diag_set(ms->d, PT_ELIMIT, line, col_name(ms, col),
				    "more than %d different roles", PT_EX_MAX_ROLES);
			return -1;
		}
		if (sc->n_roles == ms->cap_roles) {
			struct pt_ex_role *p = pt_ex_alloc(sc, PT_EX_MAX_ROLES * sizeof *p);
			if (!p)
				return -1;
			if (sc->n_roles)
				memcpy(p, sc->roles, sc->n_roles * sizeof *p);
			sc->roles = p;
			ms->cap_roles = PT_EX_MAX_ROLES;
		}
		sc->roles[sc->n_roles].id = pt_ex_strdup(sc, id, strlen(id));
		sc->roles[sc->n_roles].name = pt_ex_strdup(sc, entry, strlen(entry));
		sc->roles[sc->n_roles].organisation = pt_ex_strdup(sc, "", 0);
		sc->roles[sc->n_roles].description = pt_ex_strdup(sc, "", 0);
		if (!sc->roles[sc->n_roles].id || !sc->roles[sc->n_roles].name ||
		    !sc->roles[sc->n_roles].organisation || !sc->roles[sc->n_roles].description) {
			pt_diag_set(ms->d, PT_ENOMEM, 0, "", "out of memory");
			return -1;
		}
		return (int)sc->n_roles++;
	}
	{
		char q[80];
		pt_quote_for_msg(q, sizeof q, entry);
		pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, col),
			    "%s is not a role of the scenario (give a role's id or name)", q);
	}
	return -1;
}

/* A stage by id or name; a new one when the scenario had none. -1 with d set. */
static int msel_stage(struct msel *ms, const char *v, long line)
{
	struct pt_ex_scenario *sc = ms->sc;
	char id[PT_EX_ID_MAX];
	size_t i;
	for (i = 0; i < sc->n_stages; i++)
		if (ieq(sc->stages[i].id, v) || ieq(sc->stages[i].name, v)) /* any case: finding 5 */
			return (int)i;
	slug(id, sizeof id, v);
	if (ms->make_stages && id[0]) {
		for (i = 0; i < sc->n_stages; i++)
			if (strcmp(sc->stages[i].id, id) == 0)
				return (int)i;
		if (sc->n_stages == PT_EX_MAX_STAGES) {
			pt_diag_set(ms->d, PT_ELIMIT, line, col_name(ms, C_STAGE),
				    "more than %d different stages", PT_EX_MAX_STAGES);
			return -1;
		}
		if (sc->n_stages == ms->cap_stages) {
			struct pt_ex_stage *p = pt_ex_alloc(sc, PT_EX_MAX_STAGES * sizeof *p);
			if (!p)
				return -1;
			if (sc->n_stages)
				memcpy(p, sc->stages, sc->n_stages * sizeof *p);
			sc->stages = p;
			ms->cap_stages = PT_EX_MAX_STAGES;
		}
		sc->stages[sc->n_stages].id = pt_ex_strdup(sc, id, strlen(id));
		sc->stages[sc->n_stages].name = pt_ex_strdup(sc, v, strlen(v));
		sc->stages[sc->n_stages].description = pt_ex_strdup(sc, "", 0);
		if (!sc->stages[sc->n_stages].id || !sc->stages[sc->n_stages].name ||
		    !sc->stages[sc->n_stages].description) {
			pt_diag_set(ms->d, PT_ENOMEM, 0, "", "out of memory");
			return -1;
		}
		return (int)sc->n_stages++;
	}
	{
		char q[80];
		pt_quote_for_msg(q, sizeof q, v);
		pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, C_STAGE),
			    "%s is not a stage of the scenario (give a stage's id or name)", q);
	}
	return -1;
}

/* A scenario without decisions: a decision named in the file becomes one that is only logged,
 * which the roles of the injects it satisfies may make. */
static enum pt_err msel_decision(struct msel *ms, const char *id, const struct pt_ex_inject *x,
				 long line)
{
	struct pt_ex_scenario *sc = ms->sc;
	struct pt_ex_decision *dec;
	size_t i, j;
	int k = pt_ex_decision_find(sc, id);
	if (!pt_id_valid(id)) {
		char q[80];
		pt_quote_for_msg(q, sizeof q, id);
		return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, C_DECISION),
				   "%s is not a valid id (1-63 letters, digits, '.', '_' or '-')", q);
	}
	if (k < 0) {
		if (sc->n_decisions == PT_EX_MAX_DECISIONS)
			return pt_diag_set(ms->d, PT_ELIMIT, line, col_name(ms, C_DECISION),
					   "more than %d different decisions", PT_EX_MAX_DECISIONS);
		if (!sc->decisions &&
		    !(sc->decisions = pt_ex_alloc(sc, PT_EX_MAX_DECISIONS * sizeof *sc->decisions)))
			return pt_diag_set(ms->d, PT_ENOMEM, 0, "", "out of memory");
		dec = &sc->decisions[sc->n_decisions];
		memset(dec, 0, sizeof *dec);
		dec->id = pt_ex_strdup(sc, id, strlen(id));
		dec->label = pt_ex_strdup(sc, id, strlen(id));
		dec->apply = PT_EX_APPLY_LOG;
		dec->kind = PT_EX_VALUE_NONE;
		dec->roles = pt_ex_alloc(sc, PT_EX_MAX_ROLES * sizeof *dec->roles);
		if (!dec->id || !dec->label || !dec->roles)
			return pt_diag_set(ms->d, PT_ENOMEM, 0, "", "out of memory");
		k = (int)sc->n_decisions++;
	}
	dec = &sc->decisions[k];
	for (i = 0; i < x->n_to; i++) {
		for (j = 0; j < dec->n_roles && strcmp(dec->roles[j], x->to[i]) != 0; j++)
			;
		if (j == dec->n_roles && dec->n_roles < PT_EX_MAX_ROLES)
			dec->roles[dec->n_roles++] = x->to[i];
	}
	return PT_OK;
}

/* issue 15: decision_value for a decision the file made (logged only): the decision becomes a
 * choice among the values the file names. */
static enum pt_err msel_decision_choice(struct msel *ms, const struct pt_ex_inject *x, long line)
{
	struct pt_ex_scenario *sc = ms->sc;
	struct pt_ex_decision *dec;
	size_t i;
	int k = pt_ex_decision_find(sc, x->satisfied_by);
	if (k < 0 || pt_ex_value_is_any(x->satisfied_value)) /* review 15B item 8 */
		return PT_OK;
	dec = &sc->decisions[k];
	if (dec->apply != PT_EX_APPLY_LOG ||
	    (dec->kind != PT_EX_VALUE_NONE && dec->kind != PT_EX_VALUE_CHOICE))
		return PT_OK;
	for (i = 0; i < dec->n_choices; i++)
		if (strcmp(dec->choices[i], x->satisfied_value) == 0)
			return PT_OK;
	if (dec->n_choices == PT_EX_MAX_CHOICES)
		return pt_diag_set(ms->d, PT_ELIMIT, line, col_name(ms, C_DECISION_VALUE),
				   "more than %d different values of %s", PT_EX_MAX_CHOICES, dec->id);
	if (!dec->choices &&
	    !(dec->choices = pt_ex_alloc(sc, PT_EX_MAX_CHOICES * sizeof *dec->choices)))
		return pt_diag_set(ms->d, PT_ENOMEM, 0, "", "out of memory");
	dec->kind = PT_EX_VALUE_CHOICE;
	dec->choices[dec->n_choices++] = x->satisfied_value;
	return PT_OK;
}

/* Text of a column into the arena: at most max - 1 bytes, one line when asked. */
static enum pt_err msel_text(struct msel *ms, char **f, int col, long line, size_t max,
			     int required, int one_line, char **out)
{
	const char *v = ms->col_of[col] >= 0 ? f[ms->col_of[col]] : "";
	size_t n = strlen(v);
	enum pt_err e;
	if (required && !v[strspn(v, " \t")])
		return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, col), "missing value");
	if (n >= max)
		return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, col),
				   "too long (%zu bytes; at most %zu)", n, max - 1);
	if ((e = pt_text_check(v, one_line ? PT_TEXT_ONE_LINE : PT_TEXT_LINES, line,
			       col_name(ms, col), ms->d)) != PT_OK)
		return e;
	if (!(*out = pt_ex_strdup(ms->sc, v, n)))
		return pt_diag_set(ms->d, PT_ENOMEM, 0, "", "out of memory");
	return PT_OK;
}

static enum pt_err msel_time(struct msel *ms, char **f, int col, long line, int32_t *out)
{
	char why[200];
	char *v = ms->col_of[col] >= 0 ? trim(f[ms->col_of[col]]) : (char *)"";
	if (!*v) {
		if (msel_required[col])
			return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, col), "missing value");
		*out = -1;
		return PT_OK;
	}
	if (parse_time(v, out, why, sizeof why) != PT_OK)
		return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, col), "%s", why);
	return PT_OK;
}

static enum pt_err msel_seq(struct msel *ms, char **f, int col, long line, uint32_t *out)
{
	char *v = ms->col_of[col] >= 0 ? trim(f[ms->col_of[col]]) : (char *)"";
	long long x = 0;
	size_t i;
	*out = 0;
	if (!*v) {
		if (msel_required[col])
			return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, col), "missing value");
		return PT_OK;
	}
	for (i = 0; v[i] >= '0' && v[i] <= '9' && i < 7; i++)
		x = x * 10 + (v[i] - '0');
	if (v[i] || x < 1 || x > 999999) {
		char q[80];
		pt_quote_for_msg(q, sizeof q, v);
		return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, col),
				   "%s is not a sequence number (1 to 999999)", q);
	}
	*out = (uint32_t)x;
	return PT_OK;
}

static void keep_problem(struct pt_ex_problems *probs, struct pt_diag *first, size_t *n_bad,
			 const struct pt_diag *d);

/* Review 15B item 6: a bad cell is kept as one of the row's problems and the row's other cells
 * are read on (the row is then left out: ms->row_bad); other errors stop the import. */
static enum pt_err msel_soft(struct msel *ms, enum pt_err e)
{
	if (e != PT_EINVAL || !ms->n_bad)
		return e;
	keep_problem(ms->probs, ms->first, ms->n_bad, ms->d);
	pt_diag_clear(ms->d);
	ms->row_bad = 1;
	return PT_OK;
}

/* The type cell. */
static enum pt_err msel_type(struct msel *ms, char **f, long line, struct pt_ex_inject *x)
{
	char *v = trim(f[ms->col_of[C_TYPE]]);
	if (!*v)
		return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, C_TYPE), "missing value");
	if (pt_ex_inject_type_parse(v, &x->type) != 0) {
		char q[80];
		pt_quote_for_msg(q, sizeof q, v);
		return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, C_TYPE),
				   "%s is not an inject type (information, event, media, social "
				   "media)",
				   q);
	}
	return PT_OK;
}

/* The to cell: role ids or names separated by ';'. */
static enum pt_err msel_to(struct msel *ms, char **f, long line, struct pt_ex_inject *x)
{
	struct pt_ex_scenario *sc = ms->sc;
	char *v, *to = NULL, *p;
	size_t n_to = 0, i;
	v = f[ms->col_of[C_TO]];
	if (!*trim(v))
		return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, C_TO), "missing value");
	if (!(x->to = pt_ex_alloc(sc, PT_EX_MAX_TO * sizeof *x->to)))
		return pt_diag_set(ms->d, PT_ENOMEM, 0, "", "out of memory");
	for (to = v; to; to = p) {
		char *entry;
		int k;
		if ((p = strchr(to, ';')))
			*p++ = '\0';
		entry = trim(to);
		if (!*entry)
			continue;
		if (strlen(entry) >= PT_EX_NAME_MAX)
			return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, C_TO),
					   "a role of %zu bytes is too long (at most %d)",
					   strlen(entry), PT_EX_NAME_MAX - 1);
		if (n_to == PT_EX_MAX_TO)
			return pt_diag_set(ms->d, PT_ELIMIT, line, col_name(ms, C_TO),
					   "more than %d roles", PT_EX_MAX_TO);
		if ((k = msel_role(ms, entry, line, C_TO)) < 0)
			return ms->d && ms->d->msg[0] ? PT_EINVAL : PT_ENOMEM;
		for (i = 0; i < n_to; i++)
			if (strcmp(x->to[i], sc->roles[k].id) == 0)
				break;
		if (i == n_to)
			x->to[n_to++] = sc->roles[k].id;
	}
	if (!n_to)
		return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, C_TO), "missing value");
	x->n_to = n_to;
	return PT_OK;
}

/* The capability cell (empty: none). */
static enum pt_err msel_capability(struct msel *ms, char **f, long line, struct pt_ex_inject *x)
{
	char *v = ms->col_of[C_CAPABILITY] >= 0 ? trim(f[ms->col_of[C_CAPABILITY]]) : (char *)"";
	if (*v && (x->capability = pt_ex_capability_find(v)) < 0) {
		char q[80], hint[160];
		pt_quote_for_msg(q, sizeof q, v);
		return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, C_CAPABILITY),
				   "%s is not a FEMA core capability (docs/exercises.md lists them)%s",
				   q, capability_hint(hint, sizeof hint, v));
	}
	return PT_OK;
}

/* The stage cell (empty: the row before's). */
static enum pt_err msel_stage_cell(struct msel *ms, char **f, long line, int *last_stage)
{
	char *v = ms->col_of[C_STAGE] >= 0 ? trim(f[ms->col_of[C_STAGE]]) : (char *)"";
	if (*v) {
		int k = msel_stage(ms, v, line);
		if (k < 0)
			return ms->d && ms->d->msg[0] ? PT_EINVAL : PT_ENOMEM;
		*last_stage = k;
	}
	return PT_OK;
}

/* The decision cell. */
static enum pt_err msel_decision_cell(struct msel *ms, char **f, long line, struct pt_ex_inject *x)
{
	struct pt_ex_scenario *sc = ms->sc;
	char *v = ms->col_of[C_DECISION] >= 0 ? trim(f[ms->col_of[C_DECISION]]) : (char *)"";
	enum pt_err e;
	if (*v && ms->make_decisions && pt_ex_decision_find(sc, v) < 0 &&
	    (e = msel_decision(ms, v, x, line)) != PT_OK)
		return e;
	if (*v) {
		if (pt_ex_decision_find(sc, v) < 0) {
			char q[80];
			pt_quote_for_msg(q, sizeof q, v);
			return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, C_DECISION),
					   "%s is not a decision of the scenario", q);
		}
		if (!(x->satisfied_by = pt_ex_strdup(sc, v, strlen(v))))
			return pt_diag_set(ms->d, PT_ENOMEM, 0, "", "out of memory");
	}
	return PT_OK;
}

/* issue 15: the decision_value cell (empty: any value) */
static enum pt_err msel_decision_value(struct msel *ms, char **f, long line,
				       struct pt_ex_inject *x)
{
	struct pt_ex_scenario *sc = ms->sc;
	char *v = ms->col_of[C_DECISION_VALUE] >= 0 ? trim(f[ms->col_of[C_DECISION_VALUE]])
						    : (char *)"";
	enum pt_err e;
	if (*v) {
		if (strlen(v) >= PT_MCI_VALUE_MAX)
			return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, C_DECISION_VALUE),
					   "too long (%zu bytes; at most %d)", strlen(v),
					   PT_MCI_VALUE_MAX - 1);
		if (!(x->satisfied_value = pt_ex_strdup(sc, v, strlen(v))))
			return pt_diag_set(ms->d, PT_ENOMEM, 0, "", "out of memory");
		if (ms->make_decisions && x->satisfied_by &&
		    (e = msel_decision_choice(ms, x, line)) != PT_OK)
			return e;
	}
	return PT_OK;
}

/* One row into x: each cell read even after a bad one (msel_soft), so that a row's problems
 * are reported together (review 15B item 6). */
static enum pt_err msel_row(struct msel *ms, char **f, long line, struct pt_ex_inject *x,
			    int *last_stage)
{
	enum pt_err e;
	memset(x, 0, sizeof *x);
	x->capability = -1;
	ms->row_bad = 0;
	if ((e = msel_soft(ms, msel_seq(ms, f, C_SEQ, line, &x->seq))) != PT_OK ||
	    (e = msel_soft(ms, msel_time(ms, f, C_TIME, line, &x->t_min))) != PT_OK ||
	    (e = msel_soft(ms, msel_type(ms, f, line, x))) != PT_OK ||
	    (e = msel_soft(ms, msel_text(ms, f, C_DELIVERY, line, PT_EX_NAME_MAX, 0, 1,
					 &x->delivery))) != PT_OK ||
	    (e = msel_soft(ms, msel_text(ms, f, C_FROM, line, PT_EX_NAME_MAX, 0, 1, &x->from))) !=
		    PT_OK ||
	    (e = msel_soft(ms, msel_to(ms, f, line, x))) != PT_OK ||
	    (e = msel_soft(ms, msel_text(ms, f, C_DESCRIPTION, line, PT_EX_TEXT_MAX, 1, 0,
					 &x->description))) != PT_OK ||
	    (e = msel_soft(ms, msel_text(ms, f, C_EXPECTED, line, PT_EX_TEXT_MAX, 0, 0,
					 &x->expected_action))) != PT_OK ||
	    (e = msel_soft(ms, msel_capability(ms, f, line, x))) != PT_OK ||
	    (e = msel_soft(ms, msel_stage_cell(ms, f, line, last_stage))) != PT_OK ||
	    (e = msel_soft(ms, msel_time(ms, f, C_DEADLINE, line, &x->deadline_min))) != PT_OK ||
	    (e = msel_soft(ms, msel_seq(ms, f, C_CONTINGENCY, line, &x->contingency_of))) !=
		    PT_OK ||
	    (e = msel_soft(ms, msel_decision_cell(ms, f, line, x))) != PT_OK ||
	    (e = msel_soft(ms, msel_decision_value(ms, f, line, x))) != PT_OK)
		return e;
	return PT_OK;
}

/* Maps a check's "injects.N.member[.K]" to the row's line and the file's column name. */
static void msel_field(const struct msel *ms, struct pt_diag *d, size_t n_injects)
{
	char *end;
	unsigned long i;
	size_t c;
	if (!d || strncmp(d->field, "injects.", 8) != 0)
		return;
	i = strtoul(d->field + 8, &end, 10);
	if (end == d->field + 8 || i >= n_injects)
		return;
	d->line = ms->lines[i];
	if (*end != '.')
		return;
	end++;
	for (c = 0; c < C_N; c++) {
		size_t n = strlen(msel_members[c]);
		if (strncmp(end, msel_members[c], n) == 0 && (end[n] == '\0' || end[n] == '.')) {
			pt_strlcpy(d->field, col_name(ms, (int)c), sizeof d->field);
			return;
		}
	}
}

/* A name's last path component without its extension. */
static void base_name(char *dst, size_t size, const char *name)
{
	const char *b = strrchr(name, '/'), *dot;
	size_t n;
	b = b ? b + 1 : name;
	dot = strrchr(b, '.');
	n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
	if (n >= size)
		n = size - 1;
	memcpy(dst, b, n);
	dst[n] = '\0';
}

enum pt_err pt_ex_msel_read(struct pt_ex_scenario *sc, const char *csv, size_t len,
			    const char *name, const char *map, size_t map_len, const char *map_name,
			    struct pt_diag *d)
{
	return pt_ex_msel_read_all(sc, csv, len, name, map, map_len, map_name, NULL, d);
}

/* A row whose cells are all empty (a spreadsheet's trailing ",,,,,,"). */
static int row_blank(char **f, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (f[i][strspn(f[i], " \t\r\n")])
			return 0;
	return 1;
}

/*
 * Review 15B item 6: a time or deadline past the end of the scenario the rows go into, found
 * with the row's other problems; with an H-hour, a time that is a clock time of the day
 * within the scenario ("08:52" for H-hour 08:00) gets a hint.
 */
static enum pt_err msel_past_end(struct msel *ms, const struct pt_ex_inject *x, long line)
{
	const struct pt_ex_scenario *sc = ms->sc;
	int k;
	for (k = 0; k < 2 && sc->duration_min > 0; k++) {
		int32_t t = k ? x->deadline_min : x->t_min;
		char a[24], b[24], hint[128] = "";
		if (t <= sc->duration_min)
			continue;
		format_time(a, sizeof a, t);
		format_time(b, sizeof b, sc->duration_min);
		if (sc->h_hour_min >= 0 && t < 24 * 60 && t >= sc->h_hour_min &&
		    t - sc->h_hour_min <= sc->duration_min) {
			char c[24], h[24];
			format_time(c, sizeof c, t - sc->h_hour_min);
			format_time(h, sizeof h, sc->h_hour_min);
			snprintf(hint, sizeof hint, "; it looks like a clock time: %s from the start "
						    "(H-hour %s)?", c, h);
		}
		return pt_diag_set(ms->d, PT_EINVAL, line, col_name(ms, k ? C_DEADLINE : C_TIME),
				   "%s is past the scenario's end %s%s", a, b, hint);
	}
	return PT_OK;
}

/* Keeps d's problem in probs (counts it past the limit); the first stays in first. */
static void keep_problem(struct pt_ex_problems *probs, struct pt_diag *first, size_t *n_bad,
			 const struct pt_diag *d)
{
	if ((*n_bad)++ == 0 && first)
		*first = *d;
	if (!probs)
		return;
	if (probs->n < PT_EX_MAX_PROBLEMS) {
		struct pt_ex_problem *p = &probs->list[probs->n++];
		p->line = d->line;
		pt_strlcpy(p->field, d->field, sizeof p->field);
		pt_strlcpy(p->msg, d->msg, sizeof p->msg);
	} else
		probs->more++;
}

enum pt_err pt_ex_msel_read_all(struct pt_ex_scenario *sc, const char *csv, size_t len,
				const char *name, const char *map, size_t map_len,
				const char *map_name, struct pt_ex_problems *probs,
				struct pt_diag *d)
{
	struct pt_ex_scenario saved = *sc;
	struct pt_diag row_d = PT_DIAG_INIT, first = PT_DIAG_INIT;
	size_t n_bad = 0;
	struct mapping *mp = NULL;
	struct msel ms;
	struct pt_csv *c = NULL;
	struct pt_keyset *seqs = NULL;
	struct pt_ex_inject *inj = NULL;
	size_t n_inj = 0, i;
	int last_stage = 0;
	enum pt_err e;

	memset(&ms, 0, sizeof ms);
	ms.sc = sc;
	ms.d = d;
	ms.name = name;
	if (probs)
		probs->n = probs->more = 0;
	if (!csv)
		len = 0;
	if (map) {
		if (!(mp = calloc(1, sizeof *mp))) {
			e = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto out;
		}
		if ((e = read_map(map, map_len, map_name, mp, d)) != PT_OK)
			goto out;
	}
	set_file(d, name);
	if (len > (size_t)PT_EX_FILE_MAX_BYTES) {
		e = pt_diag_set(d, PT_ELIMIT, 0, "", "file too large (%zu bytes; at most %ld)", len,
				PT_EX_FILE_MAX_BYTES);
		goto out;
	}
	ms.make_roles = sc->n_roles == 0;
	ms.make_stages = sc->n_stages == 0;
	ms.make_decisions = sc->n_decisions == 0 && sc->n_roles == 0; /* a new scenario */
	if ((e = pt_csv_open(csv, len, &c)) != PT_OK) {
		e = pt_diag_set(d, e, 0, "", "out of memory");
		goto out;
	}
	if ((e = msel_header(&ms, c, mp)) != PT_OK || (e = pt_keyset_new(&seqs)) != PT_OK)
		goto out;
	if (!(inj = pt_ex_alloc(sc, PT_EX_MAX_INJECTS * sizeof *inj)) ||
	    !(ms.lines = calloc(PT_EX_MAX_INJECTS, sizeof *ms.lines)) ||
	    !(ms.stage_of = calloc(PT_EX_MAX_INJECTS, sizeof *ms.stage_of))) {
		e = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (;;) {
		char **f;
		size_t n;
		long line, first_line;
		int eof;
		char key[16];
		if ((e = pt_csv_next(c, &f, &n, &line, &eof, d)) != PT_OK)
			goto out;
		if (eof)
			break;
		if (row_blank(f, n))
			continue; /* review finding 5: empty rows a spreadsheet leaves */
		if (n != ms.n_cols) {
			pt_diag_set(&row_d, PT_EINVAL, line, "", "expected %zu fields, found %zu",
				    ms.n_cols, n);
			keep_problem(probs, &first, &n_bad, &row_d);
			continue;
		}
		if (n_inj == PT_EX_MAX_INJECTS) {
			e = pt_diag_set(d, PT_ELIMIT, line, "", "too many injects (at most %d)",
					PT_EX_MAX_INJECTS);
			goto out;
		}
		/* a bad row is kept as a problem and the next row read (review finding 5) */
		pt_diag_clear(&row_d);
		ms.d = &row_d;
		ms.probs = probs;
		ms.first = &first;
		ms.n_bad = &n_bad;
		e = msel_row(&ms, f, line, &inj[n_inj], &last_stage);
		if (e == PT_OK)
			e = msel_soft(&ms, msel_past_end(&ms, &inj[n_inj], line));
		ms.d = d;
		if (e == PT_EINVAL) {
			keep_problem(probs, &first, &n_bad, &row_d);
			continue;
		}
		if (e == PT_OK && ms.row_bad)
			continue; /* its problems are kept */
		if (e != PT_OK) {
			e = pt_diag_put(d, e, row_d.line, row_d.field, row_d.msg);
			set_file(d, name);
			goto out;
		}
		snprintf(key, sizeof key, "%" PRIu32, inj[n_inj].seq);
		e = pt_keyset_add(seqs, key, strlen(key), line, &first_line);
		if (e == PT_ECONFLICT) {
			pt_diag_set(&row_d, PT_EINVAL, line, col_name(&ms, C_SEQ),
				    "sequence %s is used twice (first on line %ld)", key, first_line);
			keep_problem(probs, &first, &n_bad, &row_d);
			continue;
		}
		if (e != PT_OK) {
			e = pt_diag_set(d, e, line, "", "out of memory");
			goto out;
		}
		ms.stage_of[n_inj] = last_stage;
		ms.lines[n_inj++] = line;
	}
	if (n_bad) {
		e = pt_diag_put(d, PT_EINVAL, first.line, first.field, first.msg);
		set_file(d, name);
		goto out;
	}
	if (!n_inj) {
		e = pt_diag_set(d, PT_EINVAL, 2, "", "no injects: the file has a header row only");
		goto out;
	}
	/* the stages: none in the file nor the scenario gives one stage "main" */
	if (!sc->n_stages) {
		if (!(sc->stages = pt_ex_alloc(sc, sizeof *sc->stages)) ||
		    !(sc->stages[0].id = pt_ex_strdup(sc, "main", 4)) ||
		    !(sc->stages[0].name = pt_ex_strdup(sc, "Main", 4)) ||
		    !(sc->stages[0].description = pt_ex_strdup(sc, "", 0))) {
			e = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto out;
		}
		sc->n_stages = 1;
	}
	for (i = 0; i < n_inj; i++)
		inj[i].stage = sc->stages[ms.stage_of[i]].id;
	/* a fresh scenario: an id, a title and a duration from the file */
	if (!sc->id || !sc->title) {
		char base[PT_EX_ID_MAX], id[PT_EX_ID_MAX];
		base_name(base, sizeof base, name ? name : "msel");
		slug(id, sizeof id, base);
		if (!id[0])
			pt_strlcpy(id, "msel", sizeof id);
		for (i = 0; id[i]; i++)
			if (id[i] == '_')
				id[i] = '-';
		if ((!sc->id && !(sc->id = pt_ex_strdup(sc, id, strlen(id)))) ||
		    (!sc->title && !(sc->title = pt_ex_strdup(sc, base, strlen(base))))) {
			e = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
			goto out;
		}
	}
	if (!sc->description && !(sc->description = pt_ex_strdup(sc, "", 0))) {
		e = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	if (sc->duration_min <= 0) {
		int32_t end = 0;
		for (i = 0; i < n_inj; i++) {
			end = inj[i].t_min > end ? inj[i].t_min : end;
			end = inj[i].deadline_min > end ? inj[i].deadline_min : end;
		}
		sc->duration_min = (end + 59) / 60 * 60;
		if (sc->duration_min < 60)
			sc->duration_min = 60;
		if (sc->duration_min > PT_EX_TIME_MAX)
			sc->duration_min = PT_EX_TIME_MAX;
	}
	sc->injects = inj;
	sc->n_injects = n_inj;
	if ((e = pt_ex_scenario_check(sc, d)) != PT_OK) {
		set_file(d, name);
		msel_field(&ms, d, n_inj);
		goto out;
	}
out:
	if (e != PT_OK) {
		void *arena = sc->arena_;
		*sc = saved;
		sc->arena_ = arena; /* what was allocated stays in the arena until sc is freed */
	}
	for (i = 0; i < PT_CSV_FIELDS_MAX; i++)
		free(ms.names[i]);
	free(ms.lines);
	free(ms.stage_of);
	free(mp);
	pt_keyset_free(seqs);
	pt_csv_free(c);
	return e;
}

enum pt_err pt_ex_msel_write(FILE *f, const struct pt_ex_scenario *sc)
{
	size_t i, j, *order;
	if (!(order = malloc((sc->n_injects + 1) * sizeof *order)))
		return PT_ENOMEM;
	for (i = 0; i < sc->n_injects; i++) { /* (time, sequence) order, whatever sc's order */
		size_t k = i;
		order[i] = i;
		while (k > 0) {
			const struct pt_ex_inject *a = &sc->injects[order[k - 1]],
						  *b = &sc->injects[order[k]];
			if (a->t_min < b->t_min || (a->t_min == b->t_min && a->seq <= b->seq))
				break;
			j = order[k - 1];
			order[k - 1] = order[k];
			order[k] = j;
			k--;
		}
	}
	for (i = 0; i < C_N; i++)
		fprintf(f, "%s%s", i ? "," : "", msel_cols[i]);
	fputc('\n', f);
	for (i = 0; i < sc->n_injects; i++) {
		const struct pt_ex_inject *x = &sc->injects[order[i]];
		char t[24], to[PT_EX_MAX_TO * PT_EX_ID_MAX + 1] = "";
		format_time(t, sizeof t, x->t_min);
		fprintf(f, "%" PRIu32 ",%s,", x->seq, t);
		pt_csv_write_field(f, pt_ex_inject_type_name(x->type));
		fputc(',', f);
		pt_csv_write_field(f, x->delivery ? x->delivery : "");
		fputc(',', f);
		pt_csv_write_field(f, x->from ? x->from : "");
		fputc(',', f);
		for (j = 0; j < x->n_to; j++) {
			strncat(to, j ? ";" : "", sizeof to - strlen(to) - 1);
			strncat(to, x->to[j], sizeof to - strlen(to) - 1);
		}
		pt_csv_write_field(f, to);
		fputc(',', f);
		pt_csv_write_field(f, x->description);
		fputc(',', f);
		pt_csv_write_field(f, x->expected_action ? x->expected_action : "");
		fputc(',', f);
		pt_csv_write_field(f, x->capability >= 0
					      ? pt_ex_capability_name((size_t)x->capability)
					      : "");
		fputc(',', f);
		pt_csv_write_field(f, x->stage);
		fputc(',', f);
		if (x->deadline_min >= 0) {
			format_time(t, sizeof t, x->deadline_min);
			fputs(t, f);
		}
		fputc(',', f);
		if (x->contingency_of)
			fprintf(f, "%" PRIu32, x->contingency_of);
		fputc(',', f);
		pt_csv_write_field(f, x->satisfied_by ? x->satisfied_by : "");
		fputc(',', f);
		pt_csv_write_field(f, x->satisfied_value ? x->satisfied_value : "");
		fputc('\n', f);
	}
	free(order);
	return ferror(f) ? PT_EIO : PT_OK;
}
