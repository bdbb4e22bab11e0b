/* pt_http_valid.c - the declared validators of the HTTP API: strict JSON
 * body parsing and checks of every member and query parameter before a handler runs. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_http_valid.h"

int pt_json_depth(const json_t *v, int limit)
{
	int best = 0;
	if (limit < 0)
		return 1;
	if (json_is_object(v)) {
		const char *k;
		json_t *m;
		json_object_foreach((json_t *)v, k, m) {
			int d = pt_json_depth(m, limit - 1);
			if (d > best)
				best = d;
			if (best > limit)
				break;
		}
		return best + 1;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m) {
			int d = pt_json_depth(m, limit - 1);
			if (d > best)
				best = d;
			if (best > limit)
				break;
		}
		return best + 1;
	}
	return 0;
}

enum pt_err pt_json_parse_body(const char *body, size_t len, json_t **out, struct pt_verror *e)
{
	json_error_t je;
	json_t *v;
	*out = NULL;
	memset(e, 0, sizeof *e);
	if (len > PT_JSON_BODY_MAX) {
		snprintf(e->msg, sizeof e->msg, "the JSON body is over %lu bytes", PT_JSON_BODY_MAX);
		return PT_ELIMIT;
	}
	if (len == 0) {
		snprintf(e->msg, sizeof e->msg, "the request needs a JSON object as its body");
		return PT_EINVAL;
	}
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		snprintf(e->msg, sizeof e->msg, "malformed JSON at line %d column %d: %s", je.line,
			 je.column, je.text);
		return PT_EINVAL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		snprintf(e->msg, sizeof e->msg, "the body must be a JSON object");
		return PT_EINVAL;
	}
	if (pt_json_depth(v, PT_JSON_DEPTH_MAX) > PT_JSON_DEPTH_MAX) {
		json_decref(v);
		snprintf(e->msg, sizeof e->msg, "the JSON body is nested deeper than %d levels",
			 PT_JSON_DEPTH_MAX);
		return PT_EINVAL;
	}
	*out = v;
	return PT_OK;
}

int pt_valid_id(const char *s)
{
	size_t n = 0;
	if (!s)
		return 0;
	for (; s[n]; n++) {
		char c = s[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
		if (n >= 63)
			return 0;
	}
	return n > 0;
}

int pt_valid_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned char c = *p;
		size_t k, n;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return 0;
		for (k = 1; k <= n; k++)
			if ((p[k] & 0xc0) != 0x80)
				return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
		    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
			return 0;
		p += n + 1;
	}
	return 1;
}

int pt_parse_uint_strict(const char *s, unsigned long long min, unsigned long long max,
			 unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;
	if (!s || !s[0] || (s[0] == '0' && s[1]))
		return 0;
	for (i = 0; s[i]; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9' || i >= 20)
			return 0;
		d = (unsigned)(s[i] - '0');
		if (v > (~0ULL - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

static void join_path(char *dst, size_t size, const char *prefix, const char *name)
{
	if (prefix && prefix[0] && name && name[0])
		snprintf(dst, size, "%s.%s", prefix, name);
	else
		snprintf(dst, size, "%s", prefix && prefix[0] ? prefix : (name ? name : ""));
}

static enum pt_err fail(struct pt_verror *e, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum pt_err fail(struct pt_verror *e, const char *path, const char *fmt, ...)
{
	va_list ap;
	snprintf(e->field, sizeof e->field, "%s", path);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return PT_EINVAL;
}

static const char *type_word(enum pt_vtype t)
{
	switch (t) {
	case PT_V_STRING: return "a string";
	case PT_V_INT: return "a whole number";
	case PT_V_NUMBER: return "a number";
	case PT_V_BOOL: return "true or false";
	case PT_V_OBJECT: return "an object";
	case PT_V_ARRAY: return "an array";
	case PT_V_QUERY_TEXT: return "text";
	case PT_V_QUERY_LIST: return "a list of text"; /* issue 16 item 5 */
	case PT_V_SCALAR: return "a string, a number or true/false";
	}
	return "a value";
}

/* issue 13 review fix: x as its shortest text that reads back as x ("0.05", not
 * "0.050000000000000003"); the range messages print their bounds so. */
static const char *num_text(double x, char *buf, size_t size)
{
	int prec;
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, x);
		if (strtod(buf, NULL) == x && (prec == 17 || !strchr(buf, 'e')))
			break; /* round-trips, and without an exponent where one is not needed */
	}
	return buf;
}

static enum pt_err check_value(const json_t *v, const struct pt_vfield *f, const char *path,
			       struct pt_verror *e);

static enum pt_err check_string(const json_t *v, const struct pt_vfield *f, const char *path,
				struct pt_verror *e)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (strlen(s) != len)
		return fail(e, path, "must not hold a NUL character");
	if (f->choices) {
		const char *const *c;
		char list[400] = "";
		for (c = f->choices; *c; c++)
			if (strcmp(*c, s) == 0)
				return PT_OK;
		for (c = f->choices; *c; c++) {
			size_t used = strlen(list);
			snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *c);
		}
		return fail(e, path, "must be one of: %s", list);
	}
	if ((double)len < f->min || (double)len > f->max) {
		if (f->min >= 1 && len == 0)
			return fail(e, path, "must not be empty");
		return fail(e, path, "must be %.0f to %.0f bytes long", f->min, f->max);
	}
	if (f->check && !f->check(s))
		return fail(e, path, "must be %s", f->what ? f->what : "valid");
	return PT_OK;
}

static enum pt_err check_value(const json_t *v, const struct pt_vfield *f, const char *path,
			       struct pt_verror *e)
{
	char lo[32], hi[32];
	if (json_is_null(v)) {
		if (f->nullable)
			return PT_OK;
		return fail(e, path, "must be %s, not null", type_word(f->type));
	}
	switch (f->type) {
	case PT_V_STRING:
	case PT_V_QUERY_TEXT: /* a query type; in a body, a string */
	case PT_V_QUERY_LIST: /* issue 16 item 5: likewise */
		if (!json_is_string(v))
			return fail(e, path, "must be %s", type_word(f->type));
		return check_string(v, f, path, e);
	case PT_V_INT: {
		json_int_t x;
		if (!json_is_integer(v))
			return fail(e, path, "must be %s", type_word(f->type));
		x = json_integer_value(v);
		if ((double)x < f->min || (double)x > f->max)
			return fail(e, path, "must be a whole number from %s to %s",
				    num_text(f->min, lo, sizeof lo), num_text(f->max, hi, sizeof hi));
		return PT_OK;
	}
	case PT_V_NUMBER: {
		double x;
		if (!json_is_number(v))
			return fail(e, path, "must be %s", type_word(f->type));
		x = json_number_value(v);
		if (!isfinite(x) || x < f->min || x > f->max) {
			if (isinf(f->max))
				return fail(e, path, "must be a number not below %s",
					    num_text(f->min, lo, sizeof lo));
			return fail(e, path, "must be a number from %s to %s",
				    num_text(f->min, lo, sizeof lo), num_text(f->max, hi, sizeof hi));
		}
		return PT_OK;
	}
	case PT_V_SCALAR: /* issue 15 */
		if (json_is_string(v))
			return check_string(v, f, path, e);
		if (json_is_number(v) && isfinite(json_number_value(v)))
			return PT_OK;
		if (json_is_boolean(v))
			return PT_OK;
		return fail(e, path, "must be %s", type_word(f->type));
	case PT_V_BOOL:
		if (!json_is_boolean(v))
			return fail(e, path, "must be %s", type_word(f->type));
		return PT_OK;
	case PT_V_OBJECT:
		if (!json_is_object(v))
			return fail(e, path, "must be %s", type_word(f->type));
		return f->sub ? pt_validate_object(v, f->sub, path, e) : PT_OK;
	case PT_V_ARRAY: {
		size_t i, n;
		if (!json_is_array(v))
			return fail(e, path, "must be %s", type_word(f->type));
		n = json_array_size(v);
		if ((double)n < f->min || (double)n > f->max)
			return fail(e, path, "must have %.0f to %.0f elements", f->min, f->max);
		for (i = 0; i < n; i++) {
			char sub[PT_FIELD_PATH_MAX];
			enum pt_err err;
			snprintf(sub, sizeof sub, "%s[%zu]", path, i);
			if ((err = check_value(json_array_get(v, i), f->elem, sub, e)) != PT_OK)
				return err;
		}
		return PT_OK;
	}
	}
	return fail(e, path, "has an undeclared type");
}

enum pt_err pt_validate_object(const json_t *obj, const struct pt_vschema *schema,
			       const char *prefix, struct pt_verror *e)
{
	const char *key;
	json_t *v;
	const struct pt_vfield *f;
	char path[PT_FIELD_PATH_MAX];
	int present = 0;
	enum pt_err err;

	memset(e, 0, sizeof *e);
	if (!json_is_object(obj))
		return fail(e, prefix ? prefix : "", "must be an object");
	json_object_foreach((json_t *)obj, key, v) {
		for (f = schema->fields; f->name; f++)
			if (strcmp(f->name, key) == 0)
				break;
		join_path(path, sizeof path, prefix, key);
		if (!f->name) {
			char list[400] = "";
			const struct pt_vfield *g;
			for (g = schema->fields; g->name; g++) {
				size_t used = strlen(list);
				snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", g->name);
			}
			return fail(e, path, "unknown field (known: %s)", list);
		}
		if ((err = check_value(v, f, path, e)) != PT_OK)
			return err;
		present++;
	}
	for (f = schema->fields; f->name; f++)
		if (f->required && !json_object_get(obj, f->name)) {
			join_path(path, sizeof path, prefix, f->name);
			return fail(e, path, "is required");
		}
	if (present < schema->min_fields)
		return fail(e, prefix ? prefix : "", "the object needs at least one field");
	return PT_OK;
}

int pt_query_decimal(const char *s, size_t max_len, double *out)
{
	const char *p = s;
	char *end = NULL;
	double v;
	if (!s || !*s || strlen(s) > max_len || *p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p)
		return 0;
	v = strtod(s, &end);
	if (!end || *end || !isfinite(v))
		return 0;
	*out = v;
	return 1;
}
