/* pt_model.c - names and parsers of the domain enums (TLP, threat levels,
 * organisation types, methods), catalogues, range checks, number text. */
#include "pt_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const tlp_names[PT_TLP_COUNT] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT",
						     "RED" };
static const char *const level_names[PT_LEVEL_COUNT] = { "LOW", "MODERATE", "SUBSTANTIAL",
							 "SEVERE", "CRITICAL" };
static const char *const org_type_names[] = { "government", "operator", "private_security",
					      "ngo" };
static const char *const method_names[] = { "fema", "carver", "quant" };
static const char *const quant_var_names[PT_QV_COUNT] = { "p_attempt", "p_success",
							  "fatalities", "injuries",
							  "loss_eur" };

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ASCII case-insensitive equality (locale independent). */
static int ascii_equal_nocase(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'a' && x <= 'z')
			x = (unsigned char)(x - 'a' + 'A');
		if (y >= 'a' && y <= 'z')
			y = (unsigned char)(y - 'a' + 'A');
		if (x != y)
			return 0;
		if (!x)
			return 1;
	}
}

/* Index of s in names[0..n) (exact), or -1. */
static int find_name(const char *const *names, size_t n, const char *s)
{
	size_t i;
	if (!s)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

const char *pt_tlp_name(enum pt_tlp tlp)
{
	if ((unsigned)tlp < PT_TLP_COUNT)
		return tlp_names[tlp];
	return "?";
}

enum pt_err pt_tlp_parse(const char *s, enum pt_tlp *out)
{
	int i;
	if (s && strncmp(s, "TLP:", 4) == 0)
		s += 4;
	i = find_name(tlp_names, PT_TLP_COUNT, s);
	if (i < 0)
		return PT_EINVAL;
	*out = (enum pt_tlp)i;
	return PT_OK;
}

const char *pt_threat_level_name(enum pt_threat_level level)
{
	if ((unsigned)level < PT_LEVEL_COUNT)
		return level_names[level];
	return "?";
}

enum pt_err pt_threat_level_parse(const char *s, enum pt_threat_level *out)
{
	int i;
	if (!s)
		return PT_EINVAL;
	for (i = 0; i < PT_LEVEL_COUNT; i++) {
		if (ascii_equal_nocase(s, level_names[i])) {
			*out = (enum pt_threat_level)i;
			return PT_OK;
		}
	}
	return PT_EINVAL;
}

double pt_threat_level_scale(double p, double factor)
{
	double r;
	if (isnan(p) || isnan(factor))
		return NAN;
	if (factor == 1.0)
		return p < 0 ? 0 : p > 1 ? 1 : p;
	if (p <= 0 || factor <= 0)
		return 0;
	if (p >= 1)
		return 1;
	/* 1 - (1-p)^f = -expm1(f log1p(-p)): exact to rounding even when p is tiny. */
	r = -expm1(factor * log1p(-p));
	if (r < 0)
		r = 0;
	if (r > 1)
		r = 1;
	return r;
}

const char *pt_org_type_name(enum pt_org_type t)
{
	if ((unsigned)t < COUNT_OF(org_type_names))
		return org_type_names[t];
	return "?";
}

enum pt_err pt_org_type_parse(const char *s, enum pt_org_type *out)
{
	int i = find_name(org_type_names, COUNT_OF(org_type_names), s);
	if (i < 0)
		return PT_EINVAL;
	*out = (enum pt_org_type)i;
	return PT_OK;
}

const char *pt_method_name(enum pt_method m)
{
	if ((unsigned)m < COUNT_OF(method_names))
		return method_names[m];
	return "?";
}

enum pt_err pt_method_parse(const char *s, enum pt_method *out)
{
	int i = find_name(method_names, COUNT_OF(method_names), s);
	if (i < 0)
		return PT_EINVAL;
	*out = (enum pt_method)i;
	return PT_OK;
}

const char *pt_quant_var_name(enum pt_quant_var v)
{
	if ((unsigned)v < PT_QV_COUNT)
		return quant_var_names[v];
	return "?";
}

enum pt_err pt_catalog_append(struct pt_catalog *c, const struct pt_catalog_entry *e)
{
	if (!c || !e)
		return PT_EINVAL;
	if (c->n >= PT_CATALOG_MAX)
		return PT_ELIMIT;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct pt_catalog_entry *items;
		if (cap > PT_CATALOG_MAX)
			cap = PT_CATALOG_MAX;
		items = realloc(c->items, cap * sizeof *items);
		if (!items)
			return PT_ENOMEM;
		c->items = items;
		c->cap = cap;
	}
	c->items[c->n++] = *e;
	return PT_OK;
}

long pt_catalog_find(const struct pt_catalog *c, const char *id)
{
	size_t i;
	if (!c || !id)
		return -1;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->items[i].id, id) == 0)
			return (long)i;
	return -1;
}

void pt_catalog_clear(struct pt_catalog *c)
{
	if (!c)
		return;
	free(c->items);
	c->items = NULL;
	c->n = c->cap = 0;
}

void pt_strlcat(char *dst, const char *src, size_t dst_size)
{
	size_t used;
	if (!dst_size)
		return;
	used = strnlen(dst, dst_size);
	if (used >= dst_size) {
		dst[dst_size - 1] = '\0';
		return;
	}
	pt_strlcpy(dst + used, src, dst_size - used);
}

/*
 * The 15 significant digits of a > 0 (finite) into digits[0..15), and its
 * decimal exponent. Scaling runs in long double, so the 15th digit is
 * rounded as printf rounds it except within about 1e-19 of a tie.
 */
static int decimal_digits(double a, char digits[16])
{
	long double x = (long double)a, m;
	long long n;
	int e = (int)floor(log10(a)), i;
	if (powl(10.0L, e) > x)
		e--;
	else if (powl(10.0L, e + 1) <= x)
		e++;
	/* Scale to [1e14, 1e15): multiply by an exact power of ten where possible. */
	if (e < 14)
		m = x * powl(10.0L, 14 - e); /* long double: no overflow even at 1e-324 */
	else
		m = x / powl(10.0L, e - 14);
	n = llrintl(m); /* ties to even, as printf */
	if (n >= 1000000000000000LL) { /* rounded up to the next power of ten */
		n /= 10;
		e++;
	}
	for (i = 14; i >= 0; i--) {
		digits[i] = (char)('0' + n % 10);
		n /= 10;
	}
	digits[15] = '\0';
	return e;
}

size_t pt_number_format(double v, char *buf, size_t size)
{
	char text[64], digits[16];
	size_t len = 0, nd, i;
	int e;

	if (isnan(v)) {
		memcpy(text, "nan", 4);
		len = 3;
		goto out;
	}
	if (signbit(v))
		text[len++] = '-';
	v = fabs(v);
	if (isinf(v)) {
		memcpy(text + len, "inf", 4);
		len += 3;
		goto out;
	}
	if (v == 0) {
		text[len++] = '0';
		text[len] = '\0';
		goto out;
	}
	e = decimal_digits(v, digits);
	nd = 15;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (e < -4 || e >= 15) {
		int ae = e < 0 ? -e : e;
		text[len++] = digits[0];
		if (nd > 1) {
			text[len++] = '.';
			for (i = 1; i < nd; i++)
				text[len++] = digits[i];
		}
		text[len++] = 'e';
		text[len++] = e < 0 ? '-' : '+';
		if (ae >= 100)
			text[len++] = (char)('0' + ae / 100);
		text[len++] = (char)('0' + (ae / 10) % 10);
		text[len++] = (char)('0' + ae % 10);
	} else if (e >= 0) {
		for (i = 0; i <= (size_t)e; i++)
			text[len++] = i < nd ? digits[i] : '0';
		if (nd > (size_t)e + 1) {
			text[len++] = '.';
			for (i = (size_t)e + 1; i < nd; i++)
				text[len++] = digits[i];
		}
	} else {
		text[len++] = '0';
		text[len++] = '.';
		for (i = 0; i < (size_t)(-e - 1); i++)
			text[len++] = '0';
		for (i = 0; i < nd; i++)
			text[len++] = digits[i];
	}
	text[len] = '\0';
out:
	if (size)
		pt_strlcpy(buf, text, size);
	return len;
}

/* d gets "<what> <value><rest>" as its message. */
static enum pt_err range_fail(struct pt_diag *d, long line, const char *field, const char *what,
			      double value, const char *rest, const double *other)
{
	char msg[256], num[40];
	if (!d)
		return PT_EINVAL;
	pt_strlcpy(msg, what, sizeof msg);
	pt_strlcat(msg, " ", sizeof msg);
	pt_number_format(value, num, sizeof num);
	pt_strlcat(msg, num, sizeof msg);
	pt_strlcat(msg, rest, sizeof msg);
	if (other) {
		pt_number_format(*other, num, sizeof num);
		pt_strlcat(msg, num, sizeof msg);
	}
	return pt_diag_put(d, PT_EINVAL, line, field, msg);
}

enum pt_err pt_range_check(const struct pt_range *r, double lo, double hi, struct pt_diag *d,
			   long line, const char *field)
{
	static const char *const part[3] = { "min", "mode", "max" };
	double v[3];
	int i;
	if (!r)
		return pt_diag_put(d, PT_EINVAL, line, field, "missing range");
	v[0] = r->min;
	v[1] = r->mode;
	v[2] = r->max;
	for (i = 0; i < 3; i++) {
		if (!isfinite(v[i])) {
			char msg[64];
			pt_strlcpy(msg, part[i], sizeof msg);
			pt_strlcat(msg, " is not a finite number", sizeof msg);
			return pt_diag_put(d, PT_EINVAL, line, field, msg);
		}
	}
	if (v[0] > v[1])
		return range_fail(d, line, field, "min", v[0], " is greater than mode ", &v[1]);
	if (v[1] > v[2])
		return range_fail(d, line, field, "mode", v[1], " is greater than max ", &v[2]);
	if (v[0] < lo)
		return range_fail(d, line, field, "min", v[0], " is below ", &lo);
	if (v[2] > hi)
		return range_fail(d, line, field, "max", v[2], " is above ", &hi);
	return PT_OK;
}

/* ---- issue 11 (fit): cost drivers, fit attributes and legal basis ---- */

static const char *const driver_names[PT_DRIVER_COUNT] = {
	"staff", "entrances", "perimeter_m", "vehicle_approaches", "screened_per_day",
	"control_systems"
};
static const char *const basis_names[PT_BASIS_COUNT] = { "none", "entry", "statute" };

const char *pt_site_driver_name(enum pt_site_driver d)
{
	return (unsigned)d < PT_DRIVER_COUNT ? driver_names[d] : "";
}

enum pt_err pt_site_driver_parse(const char *s, enum pt_site_driver *out)
{
	size_t i;
	for (i = 0; s && i < PT_DRIVER_COUNT; i++)
		if (strcmp(s, driver_names[i]) == 0) {
			*out = (enum pt_site_driver)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

const char *pt_legal_basis_name(enum pt_legal_basis b)
{
	return (unsigned)b < PT_BASIS_COUNT ? basis_names[b] : "";
}

enum pt_err pt_legal_basis_parse(const char *s, enum pt_legal_basis *out)
{
	size_t i;
	for (i = 0; s && i < PT_BASIS_COUNT; i++)
		if (strcmp(s, basis_names[i]) == 0) {
			*out = (enum pt_legal_basis)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

enum pt_legal_basis pt_site_legal_basis(const struct pt_site *s)
{
	if (!s || s->legal_basis <= 0 || s->legal_basis > PT_BASIS_COUNT)
		return PT_BASIS_NONE;
	return (enum pt_legal_basis)(s->legal_basis - 1);
}

static const char *const enclosure_names[] = { "", "open", "enclosed", "fenced" };

const char *pt_enclosure_name(int enclosure)
{
	return enclosure > 0 && enclosure <= PT_ENCLOSURE_FENCED ? enclosure_names[enclosure] : "";
}

enum pt_err pt_enclosure_parse(const char *s, int *out)
{
	int i;
	for (i = 1; s && i <= PT_ENCLOSURE_FENCED; i++)
		if (strcmp(s, enclosure_names[i]) == 0) {
			*out = i;
			return PT_OK;
		}
	return PT_EINVAL;
}

int pt_site_is_enclosed(const struct pt_site *s)
{
	if (s->enclosed != PT_ENCLOSURE_UNKNOWN)
		return s->enclosed == PT_ENCLOSURE_ENCLOSED;
	return strcmp(s->kind, "public_space") != 0;
}

int pt_site_has_controlled_entry(const struct pt_site *s)
{
	if (s->enclosed != PT_ENCLOSURE_UNKNOWN)
		return s->enclosed == PT_ENCLOSURE_ENCLOSED || s->enclosed == PT_ENCLOSURE_FENCED;
	return strcmp(s->kind, "public_space") != 0;
}

int pt_site_is_open_public(const struct pt_site *s)
{
	return (strcmp(s->kind, "public_space") == 0 || strcmp(s->kind, "soft_target") == 0) &&
	       !pt_site_has_controlled_entry(s);
}

int pt_site_is_staffed(const struct pt_site *s)
{
	if (s->staffed != PT_TRI_UNKNOWN)
		return s->staffed == PT_TRI_YES;
	return strcmp(s->kind, "public_space") != 0;
}

int pt_site_receives_casualties(const struct pt_site *s)
{
	return strcmp(s->sector, "health") == 0 && s->emergency_department != PT_TRI_NO;
}

/* ---- issue 13 review (attack 2): texts that reach public alerts ---- */

/* Decode one UTF-8 sequence at p: its code point in *cp and its length, 0 when not UTF-8. */
static size_t utf8_next(const unsigned char *p, unsigned long *cp)
{
	unsigned long c;
	size_t n, i;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		c = p[0] & 0x1Fu;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		c = p[0] & 0x0Fu;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		c = p[0] & 0x07u;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3Fu);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

int pt_text_public_ok(const char *s, int lines, unsigned long *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp = 0;
	size_t n;
	if (bad)
		*bad = 0xFFFFFFFFul;
	if (!s)
		return 0;
	while (*p) {
		if (!(n = utf8_next(p, &cp)))
			return 0;
		p += n;
		if (cp < 0x20 && lines && (cp == '\t' || cp == '\n' ||
					    (cp == '\r' && lines != PT_TEXT_LINES_LF)))
			continue;
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF ||
		    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
		    cp == 0x2028 || cp == 0x2029) {
			if (bad)
				*bad = cp;
			return 0;
		}
	}
	return 1;
}

/* Write the hex digits of v (at least width of them) at the end of buf. */
static void hex_append(char *buf, size_t size, unsigned long v, int width)
{
	char tmp[16];
	int i = 0;
	static const char digits[] = "0123456789ABCDEF";
	do {
		tmp[i++] = digits[v & 0xFu];
		v >>= 4;
	} while ((v || i < width) && i < (int)sizeof tmp - 1);
	{
		char out[17];
		int k;
		for (k = 0; k < i; k++)
			out[k] = tmp[i - 1 - k];
		out[i] = '\0';
		pt_strlcat(buf, out, size);
	}
}

const char *pt_text_public_name(unsigned long cp, char *buf, size_t size)
{
	if (!buf || !size)
		return buf;
	buf[0] = '\0';
	if (cp == 0xFFFFFFFFul) {
		pt_strlcat(buf, "bytes that are not UTF-8", size);
		return buf;
	}
	if (cp < 0x80) {
		pt_strlcat(buf, "0x", size);
		hex_append(buf, size, cp, 2);
		pt_strlcat(buf, " (a control character)", size);
		return buf;
	}
	pt_strlcat(buf, "U+", size);
	hex_append(buf, size, cp, 4);
	pt_strlcat(buf, cp <= 0x9F                 ? " (a control character)"
			: cp == 0xFFFE || cp == 0xFFFF ? " (not an XML character)"
			: cp == 0x2028 || cp == 0x2029 ? " (a line or paragraph separator)"
						       : " (a bidi control, which reverses what a "
							 "reader sees)",
		   size);
	return buf;
}
