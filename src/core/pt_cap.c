/* pt_cap.c - the CAP 1.2 message model: allocation, enumerations, the value
 * checks of cap12.xsd and the rules of the standard, date-times, identifiers, cell broadcast. */
#include "pt_cap.h"

#include <stdlib.h>
#include <string.h>

#include "pt_model.h"

/* ---- enumerations ---- */

static const char *const status_names[] = { "Actual", "Exercise", "System", "Test", "Draft", NULL };
static const char *const msg_type_names[] = { "Alert", "Update", "Cancel", "Ack", "Error", NULL };
static const char *const scope_names[] = { "Public", "Restricted", "Private", NULL };
static const char *const category_names[] = { "Geo",	   "Met",   "Safety", "Security",
					      "Rescue",	   "Fire",  "Health", "Env",
					      "Transport", "Infra", "CBRNE",  "Other",
					      NULL };
static const char *const response_names[] = { "Shelter", "Evacuate", "Prepare",
					      "Execute", "Avoid",    "Monitor",
					      "Assess",	 "AllClear", "None",
					      NULL };
static const char *const urgency_names[] = { "Immediate", "Expected", "Future", "Past", "Unknown",
					     NULL };
static const char *const severity_names[] = { "Extreme", "Severe", "Moderate", "Minor", "Unknown",
					      NULL };
static const char *const certainty_names[] = { "Observed", "Likely", "Possible", "Unlikely",
					       "Unknown", NULL };

static const char *const *enum_table(enum pt_cap_enum e)
{
	switch (e) {
	case PT_CAP_ENUM_STATUS: return status_names;
	case PT_CAP_ENUM_MSG_TYPE: return msg_type_names;
	case PT_CAP_ENUM_SCOPE: return scope_names;
	case PT_CAP_ENUM_CATEGORY: return category_names;
	case PT_CAP_ENUM_RESPONSE: return response_names;
	case PT_CAP_ENUM_URGENCY: return urgency_names;
	case PT_CAP_ENUM_SEVERITY: return severity_names;
	case PT_CAP_ENUM_CERTAINTY: return certainty_names;
	}
	return NULL;
}

const char *pt_cap_enum_name(enum pt_cap_enum e, int v)
{
	const char *const *t = enum_table(e);
	if (!t || v < 0)
		return NULL;
	for (int i = 0; t[i]; i++)
		if (i == v)
			return t[i];
	return NULL;
}

enum pt_err pt_cap_enum_parse(enum pt_cap_enum e, const char *s, int *out)
{
	const char *const *t = enum_table(e);
	if (!t || !s)
		return PT_EINVAL;
	for (int i = 0; t[i]; i++)
		if (strcmp(t[i], s) == 0) {
			if (out)
				*out = i;
			return PT_OK;
		}
	return PT_EINVAL;
}

/* ---- allocation ---- */

enum pt_err pt_cap_alert_new(struct pt_cap_alert **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? PT_OK : PT_ENOMEM;
}

static void text_free(struct pt_cap_text *t)
{
	free(t->s);
	t->s = NULL;
}

static void texts_free(struct pt_cap_text *arr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		text_free(&arr[i]);
	free(arr);
}

static void pairs_free(struct pt_cap_pair *arr, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		text_free(&arr[i].name);
		text_free(&arr[i].value);
	}
	free(arr);
}

static void area_free(struct pt_cap_area *ar)
{
	text_free(&ar->desc);
	texts_free(ar->polygon, ar->n_polygon);
	texts_free(ar->circle, ar->n_circle);
	pairs_free(ar->geocode, ar->n_geocode);
	text_free(&ar->altitude);
	text_free(&ar->ceiling);
}

static void resource_free(struct pt_cap_resource *r)
{
	text_free(&r->desc);
	text_free(&r->mime_type);
	text_free(&r->size);
	text_free(&r->uri);
	text_free(&r->deref_uri);
	text_free(&r->digest);
}

static void info_free(struct pt_cap_info *in)
{
	text_free(&in->language);
	texts_free(in->category, in->n_category);
	text_free(&in->event);
	texts_free(in->response, in->n_response);
	text_free(&in->urgency);
	text_free(&in->severity);
	text_free(&in->certainty);
	text_free(&in->audience);
	pairs_free(in->event_code, in->n_event_code);
	text_free(&in->effective);
	text_free(&in->onset);
	text_free(&in->expires);
	text_free(&in->sender_name);
	text_free(&in->headline);
	text_free(&in->description);
	text_free(&in->instruction);
	text_free(&in->web);
	text_free(&in->contact);
	pairs_free(in->parameter, in->n_parameter);
	for (size_t i = 0; i < in->n_resource; i++)
		resource_free(&in->resource[i]);
	free(in->resource);
	for (size_t i = 0; i < in->n_area; i++)
		area_free(&in->area[i]);
	free(in->area);
}

/* ---- the reader's block ---- */

/* One block of a message's arena; the first lives in the message's own allocation. */
struct pt_cap_arena {
	struct pt_cap_arena *next; /* the blocks added when this one ran out (malloc'd) */
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

#define ARENA_ALIGN 16u
#define ARENA_MIN 4096u

static size_t align_up(size_t n)
{
	return (n + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
}

enum pt_err pt_cap_alert_new_arena(struct pt_cap_alert **out, size_t hint)
{
	size_t head = align_up(sizeof(struct pt_cap_alert));
	size_t cap = align_up(hint < ARENA_MIN ? ARENA_MIN : hint > (1u << 20) ? (1u << 20) : hint);
	unsigned char *m = malloc(head + sizeof(struct pt_cap_arena) + cap);
	*out = NULL;
	if (!m)
		return PT_ENOMEM;
	struct pt_cap_alert *a = (struct pt_cap_alert *)(void *)m;
	memset(a, 0, sizeof(*a));
	a->arena = (struct pt_cap_arena *)(void *)(m + head);
	a->arena->next = NULL;
	a->arena->used = 0;
	a->arena->cap = cap;
	*out = a;
	return PT_OK;
}

void *pt_cap_alert_alloc(struct pt_cap_alert *a, size_t size)
{
	struct pt_cap_arena *b = a->arena;
	if (!b || size > ((size_t)1 << 30))
		return NULL;
	size = align_up(size ? size : 1);
	if (b->cap - b->used < size) {
		/* a new block in front of the chain after the first: the first keeps its place */
		struct pt_cap_arena *cur = b->next;
		if (!cur || cur->cap - cur->used < size) {
			size_t cap = b->cap * 2;
			if (cur && cur->cap * 2 > cap)
				cap = cur->cap * 2;
			if (cap < size)
				cap = size;
			struct pt_cap_arena *nb = malloc(sizeof(*nb) + cap);
			if (!nb)
				return NULL;
			nb->used = 0;
			nb->cap = cap;
			nb->next = b->next;
			b->next = nb;
			cur = nb;
		}
		b = cur;
	}
	void *p = b->data + b->used;
	b->used += size;
	return p;
}

/* The capacity of an arena array of n elements: 0, then 4, 8, 16, ... */
static size_t arena_capacity(size_t n)
{
	size_t c = 4;
	if (!n)
		return 0;
	while (c < n)
		c *= 2;
	return c;
}

enum pt_err pt_cap_alert_grow(struct pt_cap_alert *a, void **arr, size_t *n, size_t sz,
			      size_t max, void **out)
{
	if (*n >= max)
		return PT_ELIMIT;
	size_t cap = arena_capacity(*n);
	char *p = *arr;
	if (*n == cap) {
		size_t ncap = cap ? cap * 2 : 4;
		if (ncap > max)
			ncap = max;
		p = pt_cap_alert_alloc(a, ncap * sz);
		if (!p)
			return PT_ENOMEM;
		if (*n)
			memcpy(p, *arr, *n * sz);
		*arr = p;
	}
	memset(p + *n * sz, 0, sz);
	*out = p + *n * sz;
	(*n)++;
	return PT_OK;
}

void pt_cap_alert_free(struct pt_cap_alert *a)
{
	if (!a)
		return;
	if (a->arena) { /* everything lives in the blocks */
		struct pt_cap_arena *b = a->arena->next;
		while (b) {
			struct pt_cap_arena *nx = b->next;
			free(b);
			b = nx;
		}
		free(a);
		return;
	}
	text_free(&a->identifier);
	text_free(&a->sender);
	text_free(&a->sent);
	text_free(&a->status);
	text_free(&a->msg_type);
	text_free(&a->source);
	text_free(&a->scope);
	text_free(&a->restriction);
	text_free(&a->addresses);
	texts_free(a->code, a->n_code);
	text_free(&a->note);
	text_free(&a->references);
	text_free(&a->incidents);
	for (size_t i = 0; i < a->n_info; i++)
		info_free(&a->info[i]);
	free(a->info);
	free(a->signature);
	free(a);
}

enum pt_err pt_cap_text_set(struct pt_cap_text *t, const char *s)
{
	char *c = NULL;
	if (s) {
		size_t n = strlen(s);
		if (n > PT_CAP_TEXT_MAX)
			return PT_ELIMIT;
		c = malloc(n + 1);
		if (!c)
			return PT_ENOMEM;
		memcpy(c, s, n + 1);
	}
	free(t->s);
	t->s = c;
	t->line = 0;
	return PT_OK;
}

/* Grow *arr (of n elements of size sz) by one zeroed element, at most max. */
static enum pt_err grow(void **arr, size_t *n, size_t sz, size_t max, void **out)
{
	if (*n >= max)
		return PT_ELIMIT;
	char *p = realloc(*arr, (*n + 1) * sz);
	if (!p)
		return PT_ENOMEM;
	memset(p + *n * sz, 0, sz);
	*arr = p;
	*out = p + *n * sz;
	(*n)++;
	return PT_OK;
}

enum pt_err pt_cap_text_add(struct pt_cap_text **arr, size_t *n, struct pt_cap_text **out)
{
	void *o = NULL, *a = *arr;
	enum pt_err e = grow(&a, n, sizeof(**arr), PT_CAP_MAX_REPEAT, &o);
	*arr = a;
	if (e == PT_OK)
		*out = o;
	return e;
}

enum pt_err pt_cap_pair_add(struct pt_cap_pair **arr, size_t *n, struct pt_cap_pair **out)
{
	void *o = NULL, *a = *arr;
	enum pt_err e = grow(&a, n, sizeof(**arr), PT_CAP_MAX_REPEAT, &o);
	*arr = a;
	if (e == PT_OK)
		*out = o;
	return e;
}

enum pt_err pt_cap_info_add(struct pt_cap_alert *a, struct pt_cap_info **out)
{
	void *o = NULL, *arr = a->info;
	enum pt_err e = grow(&arr, &a->n_info, sizeof(*a->info), PT_CAP_MAX_INFO, &o);
	a->info = arr;
	if (e == PT_OK)
		*out = o;
	return e;
}

enum pt_err pt_cap_resource_add(struct pt_cap_info *i, struct pt_cap_resource **out)
{
	void *o = NULL, *arr = i->resource;
	enum pt_err e = grow(&arr, &i->n_resource, sizeof(*i->resource), PT_CAP_MAX_REPEAT, &o);
	i->resource = arr;
	if (e == PT_OK)
		*out = o;
	return e;
}

enum pt_err pt_cap_area_add(struct pt_cap_info *i, struct pt_cap_area **out)
{
	void *o = NULL, *arr = i->area;
	enum pt_err e = grow(&arr, &i->n_area, sizeof(*i->area), PT_CAP_MAX_REPEAT, &o);
	i->area = arr;
	if (e == PT_OK)
		*out = o;
	return e;
}

/* ---- copy ---- */

static int text_copy(struct pt_cap_text *d, const struct pt_cap_text *s)
{
	d->line = s->line;
	d->s = NULL;
	if (!s->s)
		return 0;
	d->s = strdup(s->s);
	return d->s ? 0 : -1;
}

static int texts_copy(struct pt_cap_text **d, size_t *dn, const struct pt_cap_text *s, size_t n)
{
	*d = NULL;
	*dn = 0;
	if (!n)
		return 0;
	*d = calloc(n, sizeof(**d));
	if (!*d)
		return -1;
	*dn = n;
	for (size_t i = 0; i < n; i++)
		if (text_copy(&(*d)[i], &s[i]))
			return -1;
	return 0;
}

static int pairs_copy(struct pt_cap_pair **d, size_t *dn, const struct pt_cap_pair *s, size_t n)
{
	*d = NULL;
	*dn = 0;
	if (!n)
		return 0;
	*d = calloc(n, sizeof(**d));
	if (!*d)
		return -1;
	*dn = n;
	for (size_t i = 0; i < n; i++) {
		(*d)[i].line = s[i].line;
		if (text_copy(&(*d)[i].name, &s[i].name) || text_copy(&(*d)[i].value, &s[i].value))
			return -1;
	}
	return 0;
}

static int info_copy(struct pt_cap_info *d, const struct pt_cap_info *s)
{
	memset(d, 0, sizeof(*d));
	d->line = s->line;
	if (text_copy(&d->language, &s->language) ||
	    texts_copy(&d->category, &d->n_category, s->category, s->n_category) ||
	    text_copy(&d->event, &s->event) ||
	    texts_copy(&d->response, &d->n_response, s->response, s->n_response) ||
	    text_copy(&d->urgency, &s->urgency) || text_copy(&d->severity, &s->severity) ||
	    text_copy(&d->certainty, &s->certainty) || text_copy(&d->audience, &s->audience) ||
	    pairs_copy(&d->event_code, &d->n_event_code, s->event_code, s->n_event_code) ||
	    text_copy(&d->effective, &s->effective) || text_copy(&d->onset, &s->onset) ||
	    text_copy(&d->expires, &s->expires) || text_copy(&d->sender_name, &s->sender_name) ||
	    text_copy(&d->headline, &s->headline) || text_copy(&d->description, &s->description) ||
	    text_copy(&d->instruction, &s->instruction) || text_copy(&d->web, &s->web) ||
	    text_copy(&d->contact, &s->contact) ||
	    pairs_copy(&d->parameter, &d->n_parameter, s->parameter, s->n_parameter))
		return -1;
	if (s->n_resource) {
		d->resource = calloc(s->n_resource, sizeof(*d->resource));
		if (!d->resource)
			return -1;
		d->n_resource = s->n_resource;
		for (size_t i = 0; i < s->n_resource; i++) {
			const struct pt_cap_resource *r = &s->resource[i];
			struct pt_cap_resource *o = &d->resource[i];
			o->line = r->line;
			if (text_copy(&o->desc, &r->desc) || text_copy(&o->mime_type, &r->mime_type) ||
			    text_copy(&o->size, &r->size) || text_copy(&o->uri, &r->uri) ||
			    text_copy(&o->deref_uri, &r->deref_uri) ||
			    text_copy(&o->digest, &r->digest))
				return -1;
		}
	}
	if (s->n_area) {
		d->area = calloc(s->n_area, sizeof(*d->area));
		if (!d->area)
			return -1;
		d->n_area = s->n_area;
		for (size_t i = 0; i < s->n_area; i++) {
			const struct pt_cap_area *r = &s->area[i];
			struct pt_cap_area *o = &d->area[i];
			o->line = r->line;
			if (text_copy(&o->desc, &r->desc) ||
			    texts_copy(&o->polygon, &o->n_polygon, r->polygon, r->n_polygon) ||
			    texts_copy(&o->circle, &o->n_circle, r->circle, r->n_circle) ||
			    pairs_copy(&o->geocode, &o->n_geocode, r->geocode, r->n_geocode) ||
			    text_copy(&o->altitude, &r->altitude) || text_copy(&o->ceiling, &r->ceiling))
				return -1;
		}
	}
	return 0;
}

enum pt_err pt_cap_alert_copy(const struct pt_cap_alert *a, struct pt_cap_alert **out)
{
	struct pt_cap_alert *c = NULL;
	*out = NULL;
	if (pt_cap_alert_new(&c) != PT_OK)
		return PT_ENOMEM;
	c->line = a->line;
	if (text_copy(&c->identifier, &a->identifier) || text_copy(&c->sender, &a->sender) ||
	    text_copy(&c->sent, &a->sent) || text_copy(&c->status, &a->status) ||
	    text_copy(&c->msg_type, &a->msg_type) || text_copy(&c->source, &a->source) ||
	    text_copy(&c->scope, &a->scope) || text_copy(&c->restriction, &a->restriction) ||
	    text_copy(&c->addresses, &a->addresses) ||
	    texts_copy(&c->code, &c->n_code, a->code, a->n_code) || text_copy(&c->note, &a->note) ||
	    text_copy(&c->references, &a->references) || text_copy(&c->incidents, &a->incidents))
		goto fail;
	if (a->n_info) {
		c->info = calloc(a->n_info, sizeof(*c->info));
		if (!c->info)
			goto fail;
		for (size_t i = 0; i < a->n_info; i++) {
			c->n_info = i + 1;
			if (info_copy(&c->info[i], &a->info[i]))
				goto fail;
		}
	}
	if (a->signature) {
		c->signature = malloc(a->signature_len + 1);
		if (!c->signature)
			goto fail;
		memcpy(c->signature, a->signature, a->signature_len);
		c->signature[a->signature_len] = '\0';
		c->signature_len = a->signature_len;
	}
	*out = c;
	return PT_OK;
fail:
	pt_cap_alert_free(c);
	return PT_ENOMEM;
}

/* ---- problems ---- */

void pt_cap_problems_clear(struct pt_cap_problems *p)
{
	p->n = 0;
	p->dropped = 0;
	p->n_schema = p->n_rule = p->n_warning = 0;
}

void pt_cap_problem_add(struct pt_cap_problems *p, enum pt_cap_problem_kind kind, long line,
			const char *element, const char *msg)
{
	if (kind == PT_CAP_SCHEMA)
		p->n_schema++;
	else if (kind == PT_CAP_RULE)
		p->n_rule++;
	else
		p->n_warning++;
	if (p->n >= PT_CAP_MAX_PROBLEMS) {
		p->dropped++;
		return;
	}
	struct pt_cap_problem *q = &p->list[p->n++];
	q->kind = kind;
	q->line = line;
	pt_strlcpy(q->element, element ? element : "", sizeof(q->element));
	pt_strlcpy(q->msg, msg ? msg : "", sizeof(q->msg));
}

int pt_cap_problems_fail(const struct pt_cap_problems *p)
{
	return p->n_schema + p->n_rule > 0;
}

/* ---- lexical helpers ---- */

static int is_xml_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Copy s without leading and trailing XML whitespace into buf (the
 * schema's whiteSpace="collapse" of atomic types whose values hold no
 * inner space); 0 when it does not fit. */
static int trimmed(const char *s, char *buf, size_t size)
{
	while (is_xml_space((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && is_xml_space((unsigned char)s[n - 1]))
		n--;
	if (n >= size)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 1;
}

static int digits(const char *s, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return 0;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 1;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

enum pt_err pt_cap_time_parse(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, se, oh, om;
	if (!s || strlen(s) != 25)
		return PT_EINVAL;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se) ||
	    (s[19] != '+' && s[19] != '-') || !digits(s + 20, 2, &oh) || s[22] != ':' ||
	    !digits(s + 23, 2, &om))
		return PT_EINVAL;
	/* xs:dateTime: 24:00:00 is midnight at the end of the day (XSD 1.0, as libxml2) */
	if (y == 0 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    (h > 23 && !(h == 24 && mi == 0 && se == 0)) || mi > 59 || se > 59 || oh > 23 ||
	    om > 59 || oh * 60 + om > 14 * 60)
		return PT_EINVAL;
	int64_t off = (int64_t)(oh * 60 + om) * 60;
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	*out = s[19] == '+' ? t - off : t + off;
	return PT_OK;
}

/* Write v as exactly width decimal digits at p. */
static void put_digits(char *p, long long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void pt_cap_time_format(int64_t t, char *buf, size_t size)
{
	int64_t days = t / 86400, rem = t % 86400;
	char out[32];
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 1 || y > 9999) /* outside the four digits of the CAP pattern */
		y = y < 1 ? 1 : 9999;
	memcpy(out, "0000-00-00T00:00:00-00:00", 26);
	put_digits(out, y, 4);
	put_digits(out + 5, m, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, rem / 3600, 2);
	put_digits(out + 14, rem / 60 % 60, 2);
	put_digits(out + 17, rem % 60, 2);
	pt_strlcpy(buf, out, size);
}
/* ---- identifiers ---- */

enum pt_err pt_cap_identifier_make(const char *prefix, int64_t t, uint32_t rand, char *buf,
				   size_t size)
{
	if (!prefix || !*prefix || strlen(prefix) > 64)
		return PT_EINVAL;
	for (const char *c = prefix; *c; c++)
		if (!is_alpha((unsigned char)*c) && !is_digit((unsigned char)*c) && *c != '-' &&
		    *c != '.' && *c != '_')
			return PT_EINVAL;
	char ts[32];
	pt_cap_time_format(t, ts, sizeof(ts)); /* YYYY-MM-DDThh:mm:ss-00:00 */
	if (strlen(ts) != 25)
		return PT_EINVAL;
	/* PREFIX-YYYYMMDDThhmmssZ-xxxxxxxx */
	char out[PT_CAP_ID_MAX];
	size_t n = strlen(prefix);
	memcpy(out, prefix, n);
	out[n++] = '-';
	memcpy(out + n, ts, 4);
	memcpy(out + n + 4, ts + 5, 2);
	memcpy(out + n + 6, ts + 8, 2);
	out[n + 8] = 'T';
	memcpy(out + n + 9, ts + 11, 2);
	memcpy(out + n + 11, ts + 14, 2);
	memcpy(out + n + 13, ts + 17, 2);
	out[n + 15] = 'Z';
	out[n + 16] = '-';
	n += 17;
	for (int i = 7; i >= 0; i--)
		out[n++] = "0123456789abcdef"[(rand >> (4 * i)) & 0xF];
	out[n] = '\0';
	if (n >= size)
		return PT_EINVAL;
	memcpy(buf, out, n + 1);
	return PT_OK;
}

int pt_cap_identifier_ok(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (is_xml_space((unsigned char)*s) || *s == ',' || *s == '<' || *s == '&')
			return 0;
	return 1;
}

/* ---- cell broadcast ---- */

/* The GSM 7-bit default alphabet (3GPP TS 23.038 6.2.1) by code point. */
static int gsm7_basic(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	if (c < 0x80)
		return strchr("\n\r !\"#%&'()*+,-./:;<=>?_@$", (int)c) != NULL && c != 0;
	switch (c) {
	case 0xA3: case 0xA5: case 0xE8: case 0xE9: case 0xF9: case 0xEC: case 0xF2: case 0xC7:
	case 0xD8: case 0xF8: case 0xC5: case 0xE5: case 0x394: case 0x3A6: case 0x393:
	case 0x39B: case 0x3A9: case 0x3A0: case 0x3A8: case 0x3A3: case 0x398: case 0x39E:
	case 0xC6: case 0xE6: case 0xDF: case 0xC9: case 0xA4: case 0xA1: case 0xC4: case 0xD6:
	case 0xD1: case 0xDC: case 0xA7: case 0xBF: case 0xE4: case 0xF6: case 0xF1: case 0xFC:
	case 0xE0:
		return 1;
	}
	return 0;
}

/* The extension table (escape + one septet): form feed ^ { } \ [ ~ ] | and the euro sign. */
static int gsm7_extension(uint32_t c)
{
	return c == 0x0C || c == '^' || c == '{' || c == '}' || c == '\\' || c == '[' || c == '~' ||
	       c == ']' || c == '|' || c == 0x20AC;
}

/* Decode one UTF-8 sequence at s; *len its bytes; 0xFFFD (length 1) when invalid. */
static uint32_t utf8_next(const unsigned char *s, size_t *len)
{
	uint32_t c = s[0];
	size_t n;
	uint32_t min;
	if (c < 0x80) {
		*len = 1;
		return c;
	} else if ((c & 0xE0) == 0xC0) {
		n = 2, c &= 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, c &= 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		*len = 1;
		return 0xFFFD;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*len = 1;
			return 0xFFFD;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
		*len = 1;
		return 0xFFFD;
	}
	*len = n;
	return c;
}

void pt_cap_cb_count(const char *s, struct pt_cap_cb_count *out)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t septets = 0, units = 0, len;
	int ucs2 = 0;
	while (*p) {
		uint32_t c = utf8_next(p, &len);
		p += len;
		if (c == 0xFFFD && len == 1)
			ucs2 = 1;
		else if (gsm7_basic(c))
			septets += 1;
		else if (gsm7_extension(c))
			septets += 2;
		else
			ucs2 = 1;
		units += c > 0xFFFF ? 2 : 1;
	}
	out->ucs2 = ucs2;
	out->units = ucs2 ? units : septets;
	out->per_page = ucs2 ? 41 : 93;
	out->pages = (out->units + out->per_page - 1) / out->per_page;
}

/* ---- geometry ---- */

void pt_cap_circle_format(double lat, double lon, double radius_km, char *buf, size_t size)
{
	char a[64], b[64], r[64], out[200];
	pt_number_format(lat, a, sizeof(a));
	pt_number_format(lon, b, sizeof(b));
	pt_number_format(radius_km, r, sizeof(r));
	pt_strlcpy(out, a, sizeof(out));
	pt_strlcat(out, ",", sizeof(out));
	pt_strlcat(out, b, sizeof(out));
	pt_strlcat(out, " ", sizeof(out));
	pt_strlcat(out, r, sizeof(out));
	pt_strlcpy(buf, out, size);
}

/* frac_scale[k] = 1/10 divided by 10 k times, one rounding per division:
 * the scale of the (k+1)-th fractional digit exactly as repeated division
 * computes it (constant-folded by the compiler, same IEEE arithmetic). */
#define PT_SC1 (1.0 / 10)
#define PT_SC2 (PT_SC1 / 10)
#define PT_SC3 (PT_SC2 / 10)
#define PT_SC4 (PT_SC3 / 10)
#define PT_SC5 (PT_SC4 / 10)
#define PT_SC6 (PT_SC5 / 10)
#define PT_SC7 (PT_SC6 / 10)
#define PT_SC8 (PT_SC7 / 10)
#define PT_SC9 (PT_SC8 / 10)
#define PT_SC10 (PT_SC9 / 10)
#define PT_SC11 (PT_SC10 / 10)
#define PT_SC12 (PT_SC11 / 10)
#define PT_SC13 (PT_SC12 / 10)
#define PT_SC14 (PT_SC13 / 10)
#define PT_SC15 (PT_SC14 / 10)
#define PT_SC16 (PT_SC15 / 10)
#define PT_SC17 (PT_SC16 / 10)
#define PT_SC18 (PT_SC17 / 10)
#define PT_SC19 (PT_SC18 / 10)
#define PT_SC20 (PT_SC19 / 10)
#define PT_SC21 (PT_SC20 / 10)
#define PT_SC22 (PT_SC21 / 10)
#define PT_SC23 (PT_SC22 / 10)
#define PT_SC24 (PT_SC23 / 10)
#define PT_SC25 (PT_SC24 / 10)
#define PT_SC26 (PT_SC25 / 10)
#define PT_SC27 (PT_SC26 / 10)
#define PT_SC28 (PT_SC27 / 10)
#define PT_SC29 (PT_SC28 / 10)
#define PT_SC30 (PT_SC29 / 10)
#define PT_SC31 (PT_SC30 / 10)
#define PT_SC32 (PT_SC31 / 10)
#define PT_SC33 (PT_SC32 / 10)
#define PT_SC34 (PT_SC33 / 10)
#define PT_SC35 (PT_SC34 / 10)
#define PT_SC36 (PT_SC35 / 10)
#define PT_SC37 (PT_SC36 / 10)
#define PT_SC38 (PT_SC37 / 10)
#define PT_SC39 (PT_SC38 / 10)
#define PT_SC40 (PT_SC39 / 10)
#define PT_SC41 (PT_SC40 / 10)
#define PT_SC42 (PT_SC41 / 10)
#define PT_SC43 (PT_SC42 / 10)
#define PT_SC44 (PT_SC43 / 10)
#define PT_SC45 (PT_SC44 / 10)
#define PT_SC46 (PT_SC45 / 10)
#define PT_SC47 (PT_SC46 / 10)
#define PT_SC48 (PT_SC47 / 10)
#define PT_SC49 (PT_SC48 / 10)
#define PT_SC50 (PT_SC49 / 10)
#define PT_SC51 (PT_SC50 / 10)
#define PT_SC52 (PT_SC51 / 10)
#define PT_SC53 (PT_SC52 / 10)
#define PT_SC54 (PT_SC53 / 10)
#define PT_SC55 (PT_SC54 / 10)
#define PT_SC56 (PT_SC55 / 10)
#define PT_SC57 (PT_SC56 / 10)
#define PT_SC58 (PT_SC57 / 10)
#define PT_SC59 (PT_SC58 / 10)
#define PT_SC60 (PT_SC59 / 10)
#define PT_SC61 (PT_SC60 / 10)
#define PT_SC62 (PT_SC61 / 10)
#define PT_SC63 (PT_SC62 / 10)
static const double frac_scale[63] = {
	PT_SC1,
	PT_SC2,
	PT_SC3,
	PT_SC4,
	PT_SC5,
	PT_SC6,
	PT_SC7,
	PT_SC8,
	PT_SC9,
	PT_SC10,
	PT_SC11,
	PT_SC12,
	PT_SC13,
	PT_SC14,
	PT_SC15,
	PT_SC16,
	PT_SC17,
	PT_SC18,
	PT_SC19,
	PT_SC20,
	PT_SC21,
	PT_SC22,
	PT_SC23,
	PT_SC24,
	PT_SC25,
	PT_SC26,
	PT_SC27,
	PT_SC28,
	PT_SC29,
	PT_SC30,
	PT_SC31,
	PT_SC32,
	PT_SC33,
	PT_SC34,
	PT_SC35,
	PT_SC36,
	PT_SC37,
	PT_SC38,
	PT_SC39,
	PT_SC40,
	PT_SC41,
	PT_SC42,
	PT_SC43,
	PT_SC44,
	PT_SC45,
	PT_SC46,
	PT_SC47,
	PT_SC48,
	PT_SC49,
	PT_SC50,
	PT_SC51,
	PT_SC52,
	PT_SC53,
	PT_SC54,
	PT_SC55,
	PT_SC56,
	PT_SC57,
	PT_SC58,
	PT_SC59,
	PT_SC60,
	PT_SC61,
	PT_SC62,
	PT_SC63
};

/* A decimal number "[+-]digits[.digits]" or "[+-].digits" at *s, at most
 * 63 characters, ending at the NUL or (comma nonzero) a ',' or (comma zero)
 * XML whitespace; *s moves past it. Computed digit by digit, so LC_NUMERIC
 * never matters (strtod would read "1.5" differently in some locales). */
static inline int number_at(const char **s, int comma, double *v)
{
	const char *p = *s, *start = *s;
	double x = 0;
	int nd = 0, neg = 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	while (is_digit((unsigned char)*p)) {
		x = x * 10 + (*p++ - '0');
		nd++;
	}
	if (*p == '.') {
		/* one pass: the same sum in the same order as before, stopping
		 * where the number would pass 63 characters */
		const char *f = ++p;
		while (is_digit((unsigned char)*p)) {
			if (p - start >= 63)
				return 0;
			x += (*p - '0') * frac_scale[p - f];
			p++;
		}
		nd += (int)(p - f);
	}
	if (!nd || p - start > 63)
		return 0;
	if (*p && (comma ? *p != ',' : !is_xml_space((unsigned char)*p)))
		return 0;
	*v = neg ? -x : x;
	*s = p;
	return 1;
}

/* Parse "lat,lon" at *s ending at whitespace or NUL. */
static int point_at(const char **s, double *lat, double *lon)
{
	if (!number_at(s, 1, lat) || **s != ',')
		return 0;
	(*s)++;
	if (!number_at(s, 0, lon))
		return 0;
	return *lat >= -90 && *lat <= 90 && *lon >= -180 && *lon <= 180;
}

enum pt_err pt_cap_polygon_parse(const char *s, double *lat, double *lon, size_t cap, size_t *n)
{
	*n = 0;
	if (!s)
		return PT_EINVAL;
	const char *p = s;
	size_t k = 0;
	double first_lat = 0, first_lon = 0, la = 0, lo = 0;
	for (;;) {
		while (is_xml_space((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (!point_at(&p, &la, &lo))
			return PT_EINVAL;
		if (k >= cap)
			return PT_ELIMIT;
		if (lat)
			lat[k] = la;
		if (lon)
			lon[k] = lo;
		if (k == 0) {
			first_lat = la;
			first_lon = lo;
		}
		k++;
		*n = k;
	}
	if (k < 4 || la != first_lat || lo != first_lon)
		return PT_EINVAL;
	return PT_OK;
}

/* Parse a circle "lat,lon radius" (radius km >= 0). */
static int circle_ok(const char *s)
{
	const char *p = s;
	double la, lo, r;
	while (is_xml_space((unsigned char)*p))
		p++;
	if (!point_at(&p, &la, &lo) || !is_xml_space((unsigned char)*p))
		return 0;
	while (is_xml_space((unsigned char)*p))
		p++;
	if (!number_at(&p, 0, &r) || r < 0)
		return 0;
	while (is_xml_space((unsigned char)*p))
		p++;
	return *p == '\0';
}

/* ---- the check ---- */

struct ck {
	struct pt_cap_problems *p;
	const char *status; /* not owned */
};

/* fmt with its one "%s" replaced by arg (a literal of this file; no printf in the core). */
static void problem(struct ck *c, enum pt_cap_problem_kind k, long line, const char *el,
		    const char *fmt, const char *arg)
{
	char msg[256];
	const char *at = strstr(fmt, "%s");
	size_t n = at ? (size_t)(at - fmt) : strlen(fmt);
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	memcpy(msg, fmt, n);
	msg[n] = '\0';
	if (at) {
		pt_strlcat(msg, arg ? arg : "", sizeof(msg));
		pt_strlcat(msg, at + 2, sizeof(msg));
	}
	pt_cap_problem_add(c->p, k, line, el, msg);
}
/* A short, printable quote of a value for a message. */
static const char *quote(const char *s, char *buf, size_t size)
{
	size_t n = 0;
	for (; *s && n + 4 < size; s++)
		buf[n++] = (unsigned char)*s < 0x20 ? ' ' : *s;
	if (*s && n >= 3) {
		buf[n - 3] = buf[n - 2] = buf[n - 1] = '.';
	}
	buf[n] = '\0';
	return buf;
}

static void required(struct ck *c, const struct pt_cap_text *t, long parent_line,
		     const char *el)
{
	if (!t->s)
		problem(c, PT_CAP_SCHEMA, parent_line, el, "required element %s is missing", el);
}

static void check_enum(struct ck *c, const struct pt_cap_text *t, enum pt_cap_enum e,
		       const char *el)
{
	char q[64];
	if (t->s && pt_cap_enum_parse(e, t->s, NULL) != PT_OK) {
		char msg[256] = "\"";
		pt_strlcat(msg, quote(t->s, q, sizeof(q)), sizeof(msg));
		pt_strlcat(msg, "\" is not one of", sizeof(msg));
		for (int i = 0; pt_cap_enum_name(e, i); i++) {
			pt_strlcat(msg, i ? ", " : " ", sizeof(msg));
			pt_strlcat(msg, pt_cap_enum_name(e, i), sizeof(msg));
		}
		pt_cap_problem_add(c->p, PT_CAP_SCHEMA, t->line, el, msg);
	}
}

/* A date-time element: the schema's pattern and calendar (after collapsing
 * whitespace), then the -00:00 rule. *t set when valid. */
static int check_time(struct ck *c, const struct pt_cap_text *tx, const char *el, int64_t *t)
{
	char buf[64], q[64];
	if (!tx->s)
		return 0;
	if (!trimmed(tx->s, buf, sizeof(buf)) || pt_cap_time_parse(buf, t) != PT_OK) {
		problem(c, PT_CAP_SCHEMA, tx->line, el,
			"\"%s\" is not a CAP date-time YYYY-MM-DDThh:mm:ss+hh:mm (a valid date, "
			"a numeric zone offset, no fractional seconds)",
			quote(tx->s, q, sizeof(q)));
		return 0;
	}
	if (strcmp(buf + 19, "+00:00") == 0)
		problem(c, PT_CAP_WARNING, tx->line, el,
			"UTC is written -00:00 in CAP, not +00:00%s", "");
	return 1;
}

/* xs:language: [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})* */
static int language_ok(const char *s)
{
	char buf[256];
	if (!trimmed(s, buf, sizeof(buf)) || !*buf)
		return 0;
	const char *p = buf;
	int first = 1;
	for (;;) {
		int n = 0;
		while (*p && *p != '-') {
			if (!(is_alpha((unsigned char)*p) || (!first && is_digit((unsigned char)*p))))
				return 0;
			p++;
			n++;
		}
		if (n < 1 || n > 8)
			return 0;
		if (!*p)
			return 1;
		p++;
		first = 0;
	}
}

/* xs:integer: [+-]?[0-9]+ */
static int integer_ok(const char *s)
{
	char buf[256];
	if (!trimmed(s, buf, sizeof(buf)))
		return 0;
	const char *p = buf;
	if (*p == '+' || *p == '-')
		p++;
	if (!*p)
		return 0;
	for (; *p; p++)
		if (!is_digit((unsigned char)*p))
			return 0;
	return 1;
}

/* xs:decimal: [+-]?(digits(.digits?)?|.digits) */
static int decimal_ok(const char *s)
{
	char buf[256];
	if (!trimmed(s, buf, sizeof(buf)))
		return 0;
	const char *p = buf;
	int nd = 0;
	if (*p == '+' || *p == '-')
		p++;
	while (is_digit((unsigned char)*p))
		p++, nd++;
	if (*p == '.') {
		p++;
		while (is_digit((unsigned char)*p))
			p++, nd++;
	}
	return nd > 0 && !*p;
}

static int hexval(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* xs:anyURI as libxml2 checks it: RFC 3986 syntax after the characters it
 * tolerates are replaced; in practice every percent must start an escape. */
static int uri_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p == '%' && !(hexval((unsigned char)p[1]) && hexval((unsigned char)p[2])))
			return 0;
	return 1;
}

static void check_typed(struct ck *c, const struct pt_cap_text *t, const char *el,
			int (*ok)(const char *), const char *what)
{
	char q[64];
	if (t->s && !ok(t->s)) {
		char msg[256] = "\"";
		pt_strlcat(msg, quote(t->s, q, sizeof(q)), sizeof(msg));
		pt_strlcat(msg, "\" is not ", sizeof(msg));
		pt_strlcat(msg, what, sizeof(msg));
		pt_cap_problem_add(c->p, PT_CAP_SCHEMA, t->line, el, msg);
	}
}

static void check_pair(struct ck *c, const struct pt_cap_pair *pr, const char *el)
{
	(void)el;
	required(c, &pr->name, pr->line, "valueName");
	required(c, &pr->value, pr->line, "value");
}

/* Whitespace-only (or empty) text. */
static int blank(const char *s)
{
	for (; *s; s++)
		if (!is_xml_space((unsigned char)*s))
			return 0;
	return 1;
}

static void check_references(struct ck *c, const struct pt_cap_text *r, int have_sent,
			     int64_t sent)
{
	char q[64];
	if (blank(r->s)) {
		problem(c, PT_CAP_RULE, r->line, "references",
			"empty references: it must hold at least one sender,identifier,sent%s", "");
		return;
	}
	const char *p = r->s;
	size_t count = 0;
	for (;;) {
		while (is_xml_space((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && !is_xml_space((unsigned char)*e))
			e++;
		char tok[512];
		size_t n = (size_t)(e - p);
		if (++count > PT_CAP_MAX_REFERENCES) {
			problem(c, PT_CAP_RULE, r->line, "references", "more than %s references",
				"256");
			return;
		}
		if (n >= sizeof(tok)) {
			problem(c, PT_CAP_RULE, r->line, "references",
				"a reference is too long%s", "");
			p = e;
			continue;
		}
		memcpy(tok, p, n);
		tok[n] = '\0';
		p = e;
		char *c1 = strchr(tok, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (!c1 || !c2 || strchr(c2 + 1, ',') || c1 == tok || c2 == c1 + 1) {
			problem(c, PT_CAP_RULE, r->line, "references",
				"\"%s\" is not sender,identifier,sent", quote(tok, q, sizeof(q)));
			continue;
		}
		*c1 = *c2 = '\0';
		int64_t t;
		if (pt_cap_time_parse(c2 + 1, &t) != PT_OK) {
			problem(c, PT_CAP_RULE, r->line, "references",
				"\"%s\" is not a CAP date-time in a reference",
				quote(c2 + 1, q, sizeof(q)));
			continue;
		}
		if (have_sent && t > sent)
			problem(c, PT_CAP_RULE, r->line, "references",
				"reference to %s was sent after this message", quote(c1 + 1, q, sizeof(q)));
	}
}

static void check_area(struct ck *c, const struct pt_cap_area *ar)
{
	char q[64];
	required(c, &ar->desc, ar->line, "areaDesc");
	for (size_t i = 0; i < ar->n_polygon; i++) {
		const struct pt_cap_text *t = &ar->polygon[i];
		size_t n;
		enum pt_err e = pt_cap_polygon_parse(t->s ? t->s : "", NULL, NULL, PT_CAP_MAX_POINTS,
						     &n);
		if (e == PT_ELIMIT)
			problem(c, PT_CAP_RULE, t->line, "polygon", "more than %s points", "10000");
		else if (e != PT_OK)
			problem(c, PT_CAP_RULE, t->line, "polygon",
				"\"%s\" is not a closed polygon of at least four \"lat,lon\" points "
				"(latitude -90..90, longitude -180..180, first point = last)",
				quote(t->s ? t->s : "", q, sizeof(q)));
	}
	for (size_t i = 0; i < ar->n_circle; i++) {
		const struct pt_cap_text *t = &ar->circle[i];
		if (!circle_ok(t->s ? t->s : ""))
			problem(c, PT_CAP_RULE, t->line, "circle",
				"\"%s\" is not a circle \"lat,lon radius_km\" (radius >= 0)",
				quote(t->s ? t->s : "", q, sizeof(q)));
	}
	for (size_t i = 0; i < ar->n_geocode; i++)
		check_pair(c, &ar->geocode[i], "geocode");
	check_typed(c, &ar->altitude, "altitude", decimal_ok, "a decimal number (xs:decimal)");
	check_typed(c, &ar->ceiling, "ceiling", decimal_ok, "a decimal number (xs:decimal)");
	if (ar->ceiling.s && !ar->altitude.s)
		problem(c, PT_CAP_RULE, ar->ceiling.line, "ceiling",
			"ceiling is only allowed with altitude%s", "");
}

static void check_info(struct ck *c, const struct pt_cap_info *in)
{
	/* an empty language takes the schema's default, en-US */
	if (in->language.s && *in->language.s)
		check_typed(c, &in->language, "language", language_ok,
			    "a language tag (xs:language)");
	if (!in->n_category)
		problem(c, PT_CAP_SCHEMA, in->line, "category", "required element %s is missing",
			"category");
	for (size_t i = 0; i < in->n_category; i++)
		check_enum(c, &in->category[i], PT_CAP_ENUM_CATEGORY, "category");
	required(c, &in->event, in->line, "event");
	for (size_t i = 0; i < in->n_response; i++)
		check_enum(c, &in->response[i], PT_CAP_ENUM_RESPONSE, "responseType");
	required(c, &in->urgency, in->line, "urgency");
	check_enum(c, &in->urgency, PT_CAP_ENUM_URGENCY, "urgency");
	required(c, &in->severity, in->line, "severity");
	check_enum(c, &in->severity, PT_CAP_ENUM_SEVERITY, "severity");
	required(c, &in->certainty, in->line, "certainty");
	check_enum(c, &in->certainty, PT_CAP_ENUM_CERTAINTY, "certainty");
	for (size_t i = 0; i < in->n_event_code; i++)
		check_pair(c, &in->event_code[i], "eventCode");
	int64_t t;
	check_time(c, &in->effective, "effective", &t);
	check_time(c, &in->onset, "onset", &t);
	check_time(c, &in->expires, "expires", &t);
	check_typed(c, &in->web, "web", uri_ok, "a URI (xs:anyURI)");
	for (size_t i = 0; i < in->n_parameter; i++)
		check_pair(c, &in->parameter[i], "parameter");
	for (size_t i = 0; i < in->n_resource; i++) {
		const struct pt_cap_resource *r = &in->resource[i];
		required(c, &r->desc, r->line, "resourceDesc");
		required(c, &r->mime_type, r->line, "mimeType");
		check_typed(c, &r->size, "size", integer_ok, "an integer (xs:integer)");
		check_typed(c, &r->uri, "uri", uri_ok, "a URI (xs:anyURI)");
	}
	for (size_t i = 0; i < in->n_area; i++)
		check_area(c, &in->area[i]);
}

void pt_cap_check(const struct pt_cap_alert *a, struct pt_cap_problems *p)
{
	struct ck c = { p, NULL };
	char q[64];
	long L = a->line;

	required(&c, &a->identifier, L, "identifier");
	if (a->identifier.s && !pt_cap_identifier_ok(a->identifier.s))
		problem(&c, PT_CAP_RULE, a->identifier.line, "identifier",
			"\"%s\" must not be empty or hold spaces, commas, '<' or '&'",
			quote(a->identifier.s, q, sizeof(q)));
	required(&c, &a->sender, L, "sender");
	if (a->sender.s && !pt_cap_identifier_ok(a->sender.s))
		problem(&c, PT_CAP_RULE, a->sender.line, "sender",
			"\"%s\" must not be empty or hold spaces, commas, '<' or '&'",
			quote(a->sender.s, q, sizeof(q)));
	required(&c, &a->sent, L, "sent");
	int64_t sent = 0;
	int have_sent = check_time(&c, &a->sent, "sent", &sent);
	required(&c, &a->status, L, "status");
	check_enum(&c, &a->status, PT_CAP_ENUM_STATUS, "status");
	required(&c, &a->msg_type, L, "msgType");
	check_enum(&c, &a->msg_type, PT_CAP_ENUM_MSG_TYPE, "msgType");
	required(&c, &a->scope, L, "scope");
	check_enum(&c, &a->scope, PT_CAP_ENUM_SCOPE, "scope");

	const char *scope = a->scope.s ? a->scope.s : "";
	if (strcmp(scope, "Restricted") == 0) {
		if (!a->restriction.s || blank(a->restriction.s))
			problem(&c, PT_CAP_RULE, a->restriction.s ? a->restriction.line : L,
				"restriction", "scope Restricted needs a restriction%s", "");
	} else if (a->restriction.s) {
		problem(&c, PT_CAP_WARNING, a->restriction.line, "restriction",
			"restriction is only used with scope Restricted%s", "");
	}
	if (strcmp(scope, "Private") == 0) {
		if (!a->addresses.s || blank(a->addresses.s))
			problem(&c, PT_CAP_RULE, a->addresses.s ? a->addresses.line : L,
				"addresses", "scope Private needs addresses%s", "");
	} else if (a->addresses.s) {
		problem(&c, PT_CAP_WARNING, a->addresses.line, "addresses",
			"addresses are only used with scope Private%s", "");
	}
	if (a->references.s) {
		check_references(&c, &a->references, have_sent, sent);
	} else if (a->msg_type.s &&
		   (strcmp(a->msg_type.s, "Update") == 0 || strcmp(a->msg_type.s, "Cancel") == 0)) {
		problem(&c, PT_CAP_RULE, a->msg_type.line, "references",
			"msgType %s needs references to the messages it replaces", a->msg_type.s);
	}
	for (size_t i = 0; i < a->n_info; i++) {
		check_info(&c, &a->info[i]);
		const char *li = a->info[i].language.s && *a->info[i].language.s
					 ? a->info[i].language.s
					 : "en-US";
		for (size_t j = 0; j < i; j++) {
			const char *lj = a->info[j].language.s && *a->info[j].language.s
						 ? a->info[j].language.s
						 : "en-US";
			if (strcmp(li, lj) == 0) {
				problem(&c, PT_CAP_WARNING,
					a->info[i].language.s ? a->info[i].language.line
							      : a->info[i].line,
					"language",
					"language %s appears in more than one info block",
					quote(li, q, sizeof(q)));
				break;
			}
		}
	}
}

/* ---- comparison ---- */

static int text_eq(const struct pt_cap_text *a, const struct pt_cap_text *b)
{
	if (!a->s || !b->s)
		return !a->s && !b->s;
	return strcmp(a->s, b->s) == 0;
}

/* Equal after collapsing whitespace runs and trimming. */
static int list_eq(const struct pt_cap_text *a, const struct pt_cap_text *b)
{
	if (!a->s || !b->s)
		return !a->s && !b->s;
	const unsigned char *p = (const unsigned char *)a->s, *q = (const unsigned char *)b->s;
	for (;;) {
		while (is_xml_space(*p))
			p++;
		while (is_xml_space(*q))
			q++;
		if (!*p || !*q)
			return !*p && !*q;
		while (*p && !is_xml_space(*p) && *q && !is_xml_space(*q)) {
			if (*p != *q)
				return 0;
			p++, q++;
		}
		if ((*p && !is_xml_space(*p)) || (*q && !is_xml_space(*q)))
			return 0;
	}
}

static int texts_eq(const struct pt_cap_text *a, size_t na, const struct pt_cap_text *b,
		    size_t nb, int list)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (list ? !list_eq(&a[i], &b[i]) : !text_eq(&a[i], &b[i]))
			return 0;
	return 1;
}

static int pairs_eq(const struct pt_cap_pair *a, size_t na, const struct pt_cap_pair *b,
		    size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (!text_eq(&a[i].name, &b[i].name) || !text_eq(&a[i].value, &b[i].value))
			return 0;
	return 1;
}

static int info_eq(const struct pt_cap_info *a, const struct pt_cap_info *b)
{
	if (!text_eq(&a->language, &b->language) ||
	    !texts_eq(a->category, a->n_category, b->category, b->n_category, 0) ||
	    !text_eq(&a->event, &b->event) ||
	    !texts_eq(a->response, a->n_response, b->response, b->n_response, 0) ||
	    !text_eq(&a->urgency, &b->urgency) || !text_eq(&a->severity, &b->severity) ||
	    !text_eq(&a->certainty, &b->certainty) || !text_eq(&a->audience, &b->audience) ||
	    !pairs_eq(a->event_code, a->n_event_code, b->event_code, b->n_event_code) ||
	    !text_eq(&a->effective, &b->effective) || !text_eq(&a->onset, &b->onset) ||
	    !text_eq(&a->expires, &b->expires) || !text_eq(&a->sender_name, &b->sender_name) ||
	    !text_eq(&a->headline, &b->headline) || !text_eq(&a->description, &b->description) ||
	    !text_eq(&a->instruction, &b->instruction) || !text_eq(&a->web, &b->web) ||
	    !text_eq(&a->contact, &b->contact) ||
	    !pairs_eq(a->parameter, a->n_parameter, b->parameter, b->n_parameter) ||
	    a->n_resource != b->n_resource || a->n_area != b->n_area)
		return 0;
	for (size_t i = 0; i < a->n_resource; i++) {
		const struct pt_cap_resource *r = &a->resource[i], *s = &b->resource[i];
		if (!text_eq(&r->desc, &s->desc) || !text_eq(&r->mime_type, &s->mime_type) ||
		    !text_eq(&r->size, &s->size) || !text_eq(&r->uri, &s->uri) ||
		    !text_eq(&r->deref_uri, &s->deref_uri) || !text_eq(&r->digest, &s->digest))
			return 0;
	}
	for (size_t i = 0; i < a->n_area; i++) {
		const struct pt_cap_area *r = &a->area[i], *s = &b->area[i];
		if (!text_eq(&r->desc, &s->desc) ||
		    !texts_eq(r->polygon, r->n_polygon, s->polygon, s->n_polygon, 1) ||
		    !texts_eq(r->circle, r->n_circle, s->circle, s->n_circle, 1) ||
		    !pairs_eq(r->geocode, r->n_geocode, s->geocode, s->n_geocode) ||
		    !text_eq(&r->altitude, &s->altitude) || !text_eq(&r->ceiling, &s->ceiling))
			return 0;
	}
	return 1;
}

int pt_cap_equivalent(const struct pt_cap_alert *a, const struct pt_cap_alert *b)
{
	if (!text_eq(&a->identifier, &b->identifier) || !text_eq(&a->sender, &b->sender) ||
	    !text_eq(&a->sent, &b->sent) || !text_eq(&a->status, &b->status) ||
	    !text_eq(&a->msg_type, &b->msg_type) || !text_eq(&a->source, &b->source) ||
	    !text_eq(&a->scope, &b->scope) || !text_eq(&a->restriction, &b->restriction) ||
	    !list_eq(&a->addresses, &b->addresses) ||
	    !texts_eq(a->code, a->n_code, b->code, b->n_code, 0) || !text_eq(&a->note, &b->note) ||
	    !list_eq(&a->references, &b->references) || !list_eq(&a->incidents, &b->incidents) ||
	    a->n_info != b->n_info)
		return 0;
	for (size_t i = 0; i < a->n_info; i++)
		if (!info_eq(&a->info[i], &b->info[i]))
			return 0;
	if (a->signature_len != b->signature_len)
		return 0;
	if (a->signature_len && memcmp(a->signature, b->signature, a->signature_len) != 0)
		return 0;
	return (a->signature == NULL) == (b->signature == NULL);
}
