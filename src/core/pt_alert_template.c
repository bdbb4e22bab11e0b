/* pt_alert_template.c - alert templates (issue 13): rendering a template's
 * texts for a site (placeholders) and checking a template read from a file. */
#include "pt_alert_template.h"
#include "pt_model.h"

#include <math.h>
#include <string.h>

const struct pt_alert_template_lang *pt_alert_template_lang(const struct pt_alert_template *t,
							     const char *lang)
{
	size_t i;
	if (!t || !lang)
		return NULL;
	for (i = 0; i < t->n_langs && i < PT_ALERT_MAX_LANGS; i++)
		if (strcmp(t->langs[i].lang, lang) == 0)
			return &t->langs[i];
	return NULL;
}

/* Append n bytes of s to buf (size) at *len; 0 when it does not fit. */
static int put(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	if (n >= size - *len)
		return 0;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
	return 1;
}

/* Unsigned v in decimal, at least width digits, into out (>= 24 bytes); returns its length. */
static size_t put_uint(char *out, unsigned long long v, int width)
{
	char tmp[24];
	size_t n = 0, i;
	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v && n < sizeof tmp);
	while ((int)n < width && n < sizeof tmp)
		tmp[n++] = '0';
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

/* A radius without trailing zeros, to the metre: 1 -> "1", 0.5 -> "0.5", 2.25 -> "2.25". */
static void format_radius(double km, char *out, size_t size)
{
	char num[24];
	unsigned long long m, whole, frac;
	size_t len = 0;
	int digits = 3;
	out[0] = '\0';
	if (!isfinite(km) || km < 0 || km > 1e12) {
		pt_strlcpy(out, "?", size);
		return;
	}
	m = (unsigned long long)llround(km * 1000.0);
	whole = m / 1000;
	frac = m % 1000;
	len = put_uint(num, whole, 1);
	if (frac) {
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		num[len++] = '.';
		put_uint(num + len, frac, digits);
	}
	pt_strlcpy(out, num, size);
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's days_from_civil, inverted). */
static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long era;
	unsigned doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (long long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	if (*m <= 2)
		(*y)++;
}

/* t + offset as "HH:MM UTC+1 (DD.MM.YYYY)" ("UTC" at offset 0, "UTC+5:30" with minutes):
 * numeric, so the same in every language, and the zone said (issue 13 review). */
static void format_expires(int64_t t, int offset_min, char *out, size_t size)
{
	long long local = (long long)t + (long long)offset_min * 60, days, secs, y;
	unsigned m, d, off;
	char num[24];
	size_t len = 0;
	out[0] = '\0';
	days = local / 86400;
	secs = local % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999 || size < 32 || offset_min < -1440 || offset_min > 1440) {
		pt_strlcpy(out, "?", size);
		return;
	}
	len += put_uint(out + len, (unsigned long long)(secs / 3600), 2);
	out[len++] = ':';
	len += put_uint(out + len, (unsigned long long)(secs / 60 % 60), 2);
	memcpy(out + len, " UTC", 4);
	len += 4;
	if (offset_min) {
		off = (unsigned)(offset_min < 0 ? -offset_min : offset_min);
		out[len++] = offset_min < 0 ? '-' : '+';
		len += put_uint(out + len, off / 60, 1);
		if (off % 60) {
			out[len++] = ':';
			len += put_uint(out + len, off % 60, 2);
		}
	}
	out[len++] = ' ';
	out[len++] = '(';
	len += put_uint(out + len, d, 2);
	out[len++] = '.';
	len += put_uint(out + len, m, 2);
	out[len++] = '.';
	put_uint(num, (unsigned long long)y, 4);
	memcpy(out + len, num, 4);
	len += 4;
	out[len++] = ')';
	out[len] = '\0';
}

/* The placeholders, in the order of enum below. */
static const char *const placeholder_names[] = {"site", "region", "radius_km", "expires",
						"sender"};
#define N_PLACEHOLDERS (sizeof placeholder_names / sizeof placeholder_names[0])

/* The placeholder starting at s ('{' NAME '}'): its index and length, or -1 when the braces
 * hold an identifier that is not one (PT_EINVAL), -2 when they are not a placeholder at all. */
static int placeholder_at(const char *s, size_t *len)
{
	size_t n = 1, i;
	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
		n++;
	if (s[n] != '}' || n == 1)
		return -2;
	*len = n + 1;
	for (i = 0; i < N_PLACEHOLDERS; i++)
		if (strlen(placeholder_names[i]) == n - 1 &&
		    memcmp(placeholder_names[i], s + 1, n - 1) == 0)
			return (int)i;
	return -1;
}

enum pt_err pt_alert_render(const char *text, const struct pt_alert_vars *v, char *buf,
			    size_t size)
{
	size_t len = 0, n;
	char num[32];
	const char *p, *val;
	if (!buf || size == 0)
		return PT_ELIMIT;
	buf[0] = '\0';
	if (!text || !v)
		return PT_EINVAL;
	for (p = text; *p;) {
		int k = *p == '{' ? placeholder_at(p, &n) : -2;
		if (k == -1)
			return PT_EINVAL;
		if (k == -2) {
			const char *q = strchr(p + 1, '{');
			size_t run = q ? (size_t)(q - p) : strlen(p);
			if (!put(buf, size, &len, p, run))
				return PT_ELIMIT;
			p += run;
			continue;
		}
		switch (k) {
		case 0: val = v->site ? v->site : ""; break;
		case 1: val = v->region ? v->region : ""; break;
		case 2: format_radius(v->radius_km, num, sizeof num); val = num; break;
		case 3: format_expires(v->expires, v->utc_offset_min, num, sizeof num); val = num; break;
		default: val = v->sender ? v->sender : ""; break;
		}
		if (!put(buf, size, &len, val, strlen(val)))
			return PT_ELIMIT;
		p += n;
	}
	return PT_OK;
}

/* ---- issue 13 review: text safety ---- */

int pt_alert_text_ok(const char *s, uint32_t *cp)
{
	unsigned long bad = 0;
	if (!s || pt_text_public_ok(s, 1, &bad))
		return 1;
	if (cp)
		*cp = (uint32_t)bad;
	return 0;
}

const char *pt_alert_status_word(const struct pt_alert_template_lang *l, enum pt_cap_status s)
{
	if (s == PT_CAP_ACTUAL || !l)
		return NULL;
	if (s == PT_CAP_TEST)
		return l->test_word[0] ? l->test_word : "TEST";
	return l->exercise_word[0] ? l->exercise_word : "EXERCISE";
}

enum pt_err pt_alert_mark(const char *word, const char *text, char *buf, size_t size)
{
	size_t len = 0;
	if (!buf || size == 0)
		return PT_ELIMIT;
	buf[0] = '\0';
	if (!put(buf, size, &len, word, strlen(word)) || !put(buf, size, &len, ": ", 2) ||
	    !put(buf, size, &len, text, strlen(text)))
		return PT_ELIMIT;
	return PT_OK;
}

/* ---- checking ---- */

/* field = "languages." lang "." key */
static void lang_field(char *out, size_t size, const char *lang, const char *key)
{
	size_t n;
	pt_strlcpy(out, "languages.", size);
	n = strlen(out);
	pt_strlcpy(out + n, lang, size - n);
	n = strlen(out);
	pt_strlcpy(out + n, ".", size - n);
	n = strlen(out);
	pt_strlcpy(out + n, key, size - n);
}

/* xs:language: [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})* */
static int language_ok(const char *s)
{
	size_t run = 0, i;
	int first = 1;
	if (!s[0])
		return 0;
	for (i = 0;; i++) {
		char c = s[i];
		if (c == '-' || c == '\0') {
			if (run < 1 || run > 8)
				return 0;
			if (c == '\0')
				return 1;
			first = 0;
			run = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (!first && c >= '0' && c <= '9')))
			return 0;
		run++;
	}
}

static enum pt_err check_text(const char *text, int required, const char *lang, const char *key,
			      struct pt_diag *d)
{
	static const struct pt_alert_vars probe = {"s", "r", 1.0, 0, 0, "x"};
	char field[64], out[PT_ALERT_TEXT_MAX];
	enum pt_err err;
	lang_field(field, sizeof field, lang, key);
	if (required && !text[0])
		return pt_diag_put(d, PT_EINVAL, 0, field, "is empty");
	if (!memchr(text, '\0', PT_ALERT_TEXT_MAX))
		return pt_diag_put(d, PT_ELIMIT, 0, field, "is too long");
	if (!pt_alert_text_ok(text, NULL)) /* issue 13 review */
		return pt_diag_put(d, PT_EINVAL, 0, field,
				   "holds a character an alert may not carry (control, bidi control, "
				   "U+2028/U+2029, U+FFFE/U+FFFF or malformed UTF-8)");
	err = pt_alert_render(text, &probe, out, sizeof out);
	if (err == PT_EINVAL)
		return pt_diag_put(d, PT_EINVAL, 0, field,
				   "unknown placeholder (known: {site} {region} {radius_km} "
				   "{expires} {sender})");
	return PT_OK;
}

enum pt_err pt_alert_template_check(const struct pt_alert_template *t, struct pt_diag *d)
{
	size_t i, j;
	int has_all_clear = 0;
	enum pt_err err;
	const char *p;
	if (!t->id[0] || !memchr(t->id, '\0', sizeof t->id))
		return pt_diag_put(d, PT_EINVAL, 0, "id", "is empty or too long");
	for (p = t->id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return pt_diag_put(d, PT_EINVAL, 0, "id",
					   "may hold only a-z, 0-9 and '-'");
	if (t->n_categories < 1 || t->n_categories > PT_CAP_MAX_INFO)
		return pt_diag_put(d, PT_EINVAL, 0, "categories", "needs 1 to 32 categories");
	for (i = 0; i < t->n_categories; i++) {
		if (t->categories[i] < PT_CAP_CAT_GEO || t->categories[i] > PT_CAP_CAT_OTHER)
			return pt_diag_put(d, PT_EINVAL, 0, "categories", "is not a CAP category");
		for (j = 0; j < i; j++)
			if (t->categories[j] == t->categories[i])
				return pt_diag_put(d, PT_EINVAL, 0, "categories",
						   "names a category twice");
	}
	if (t->n_responses > PT_CAP_MAX_INFO)
		return pt_diag_put(d, PT_EINVAL, 0, "responses", "holds more than 32 values");
	for (i = 0; i < t->n_responses; i++) {
		if (t->responses[i] < PT_CAP_RESP_SHELTER || t->responses[i] > PT_CAP_RESP_NONE)
			return pt_diag_put(d, PT_EINVAL, 0, "responses", "is not a CAP responseType");
		for (j = 0; j < i; j++)
			if (t->responses[j] == t->responses[i])
				return pt_diag_put(d, PT_EINVAL, 0, "responses",
						   "names a responseType twice");
		if (t->responses[i] == PT_CAP_RESP_ALLCLEAR)
			has_all_clear = 1;
	}
	if (t->all_clear && !has_all_clear)
		return pt_diag_put(d, PT_EINVAL, 0, "responses",
				   "an all-clear template needs the responseType AllClear");
	if (!t->all_clear && has_all_clear)
		return pt_diag_put(d, PT_EINVAL, 0, "responses",
				   "AllClear only in an all-clear template (\"all_clear\": true)");
	if ((int)t->urgency < PT_CAP_URG_IMMEDIATE || t->urgency > PT_CAP_URG_UNKNOWN)
		return pt_diag_put(d, PT_EINVAL, 0, "urgency", "is not a CAP urgency");
	if ((int)t->severity < PT_CAP_SEV_EXTREME || t->severity > PT_CAP_SEV_UNKNOWN)
		return pt_diag_put(d, PT_EINVAL, 0, "severity", "is not a CAP severity");
	if ((int)t->certainty < PT_CAP_CERT_OBSERVED || t->certainty > PT_CAP_CERT_UNKNOWN)
		return pt_diag_put(d, PT_EINVAL, 0, "certainty", "is not a CAP certainty");
	if (!isfinite(t->radius_km) || t->radius_km <= 0 || t->radius_km > 1000)
		return pt_diag_put(d, PT_EINVAL, 0, "radius_km", "must be above 0 and at most 1000");
	if (!isfinite(t->duration_h) || t->duration_h <= 0 || t->duration_h > 720)
		return pt_diag_put(d, PT_EINVAL, 0, "duration_h", "must be above 0 and at most 720");
	if (t->n_langs < 1 || t->n_langs > PT_ALERT_MAX_LANGS)
		return pt_diag_put(d, PT_EINVAL, 0, "languages", "needs 1 to 8 languages");
	for (i = 0; i < t->n_langs; i++) {
		const struct pt_alert_template_lang *l = &t->langs[i];
		char field[64];
		if (!memchr(l->lang, '\0', sizeof l->lang) || !language_ok(l->lang))
			return pt_diag_put(d, PT_EINVAL, 0, "languages",
					   "a language is not an xs:language tag (e.g. \"mk\")");
		for (j = 0; j < i; j++)
			if (strcmp(t->langs[j].lang, l->lang) == 0)
				return pt_diag_put(d, PT_EINVAL, 0, "languages",
						   "names a language twice");
		if ((err = check_text(l->event, 1, l->lang, "event", d)) != PT_OK ||
		    (err = check_text(l->headline, 1, l->lang, "headline", d)) != PT_OK ||
		    (err = check_text(l->description, 0, l->lang, "description", d)) != PT_OK ||
		    (err = check_text(l->instruction, 1, l->lang, "instruction", d)) != PT_OK ||
		    (err = check_text(l->area_desc, 1, l->lang, "area_desc", d)) != PT_OK ||
		    (err = check_text(l->generic_site, 1, l->lang, "generic_site", d)) != PT_OK ||
		    (err = check_text(l->generic_area_desc, 1, l->lang, "generic_area_desc", d)) !=
			    PT_OK ||
		    (err = check_text(l->sender_name, 1, l->lang, "sender_name", d)) != PT_OK)
			return err;
		lang_field(field, sizeof field, l->lang, "exercise_word");
		if (!l->exercise_word[0] || !memchr(l->exercise_word, '\0', sizeof l->exercise_word) ||
		    !pt_alert_text_ok(l->exercise_word, NULL))
			return pt_diag_put(d, PT_EINVAL, 0, field, "is empty or too long");
		lang_field(field, sizeof field, l->lang, "test_word");
		if (!memchr(l->test_word, '\0', sizeof l->test_word) ||
		    !pt_alert_text_ok(l->test_word, NULL))
			return pt_diag_put(d, PT_EINVAL, 0, field, "is too long or not plain text");
		if (strchr(l->generic_site, '{') && strstr(l->generic_site, "{site}")) {
			lang_field(field, sizeof field, l->lang, "generic_site");
			return pt_diag_put(d, PT_EINVAL, 0, field, "may not hold {site}");
		}
	}
	return PT_OK;
}
