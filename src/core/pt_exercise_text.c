/* pt_exercise_text.c - inject text that follows play (issue 15 review 4):
 * {decision:ID|fallback} and {sim:NAME|fallback} placeholders in an inject's
 * description, checked with the scenario and filled at delivery. Pure. */
#include <string.h>

#include "pt_exercise.h"
#include "pt_model.h"

static const char *const sim_names[] = {
	"dead", "hot_zone", "ccp_untriaged", "ccp_T1", "ccp_T2", "ccp_T3", "ccp_expectant",
	"transport", "walking", "ambulances_committed", "ambulances_en_route",
	"ambulances_at_scene", "ambulances_transporting", "ambulances_used",
	"time", /* review 15B item 4: the scenario time of the figures used, as HH:MM */
	NULL};

int pt_ex_sim_name_known(const char *name)
{
	size_t i;
	for (i = 0; sim_names[i]; i++)
		if (strcmp(name, sim_names[i]) == 0)
			return 1;
	/* arrived_N: hospital N of the simulation (0 to 31, no leading zero) */
	if (strncmp(name, "arrived_", 8) == 0) {
		const char *q = name + 8;
		unsigned n = 0;
		size_t k;
		for (k = 0; q[k] >= '0' && q[k] <= '9' && k < 3; k++)
			n = n * 10 + (unsigned)(q[k] - '0');
		return k >= 1 && k <= 2 && !q[k] && !(k == 2 && q[0] == '0') && n < 32;
	}
	return 0;
}

/* One placeholder at p ('{' not doubled): its kind, name and fallback as spans; the
 * length through '}' or 0 when malformed (why says how). */
struct ph {
	const char *kind, *name, *fb;
	size_t n_kind, n_name, n_fb, len;
};

static size_t parse(const char *p, struct ph *x, const char **why)
{
	const char *q = p + 1;
	memset(x, 0, sizeof *x);
	x->kind = q;
	while (*q >= 'a' && *q <= 'z')
		q++;
	x->n_kind = (size_t)(q - x->kind);
	if (*q != ':' || !x->n_kind) {
		*why = "a placeholder is {decision:ID|fallback} or {sim:NAME|fallback} "
		       "(write {{ for a brace)";
		return 0;
	}
	x->name = ++q;
	while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
	       *q == '_' || *q == '-')
		q++;
	x->n_name = (size_t)(q - x->name);
	if (*q != '|') {
		*why = *q == '}' ? "a placeholder needs a fallback for when the value is not known "
				   "yet: {kind:name|fallback}"
				 : "a placeholder is {decision:ID|fallback} or {sim:NAME|fallback}";
		return 0;
	}
	x->fb = ++q;
	while (*q && *q != '}' && *q != '{')
		q++;
	x->n_fb = (size_t)(q - x->fb);
	if (*q != '}') {
		*why = "a placeholder is not closed with }";
		return 0;
	}
	x->len = (size_t)(q + 1 - p);
	return x->len;
}

static int span_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncmp(s, word, n) == 0;
}

enum pt_err pt_ex_text_check(const struct pt_ex_scenario *sc, const char *text, char *why,
			     size_t size)
{
	const char *p = text, *msg = NULL;
	char name[PT_EX_ID_MAX + 1];
	struct ph x;
	while (p && *p) {
		if (*p != '{') {
			p++;
			continue;
		}
		if (p[1] == '{') {
			p += 2;
			continue;
		}
		if (!parse(p, &x, &msg)) {
			pt_strlcpy(why, msg, size);
			return PT_EINVAL;
		}
		if (x.n_name >= sizeof name) {
			pt_strlcpy(why, "a placeholder's name is too long", size);
			return PT_EINVAL;
		}
		memcpy(name, x.name, x.n_name);
		name[x.n_name] = '\0';
		if (span_is(x.kind, x.n_kind, "decision")) {
			if (pt_ex_decision_find(sc, name) < 0) {
				pt_strlcpy(why, "{decision:", size);
				pt_strlcat(why, name, size);
				pt_strlcat(why, "}: not a decision of the scenario", size);
				return PT_EINVAL;
			}
		} else if (span_is(x.kind, x.n_kind, "sim")) {
			if (!pt_ex_sim_name_known(name)) {
				pt_strlcpy(why, "{sim:", size);
				pt_strlcat(why, name, size);
				pt_strlcat(why, "}: not a simulated figure (docs/exercises.md lists them)",
					   size);
				return PT_EINVAL;
			}
		} else {
			pt_strlcpy(why, "a placeholder's kind is decision or sim", size);
			return PT_EINVAL;
		}
		p += x.len;
	}
	return PT_OK;
}

/* n as decimal text into buf[24]. */
static void int_text(long long n, char buf[24])
{
	char d[24];
	size_t k = 0, len = 0;
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	do {
		d[k++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u && k < sizeof d);
	if (n < 0)
		buf[len++] = '-';
	while (k)
		buf[len++] = d[--k];
	buf[len] = '\0';
}

/* Append s[0, n) to out (size), truncating. */
static void put_n(char *out, size_t size, size_t *len, const char *s, size_t n)
{
	if (*len + 1 >= size)
		return;
	if (n > size - 1 - *len)
		n = size - 1 - *len;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
}

void pt_ex_text_fill(const struct pt_ex_scenario *sc, const char *text,
		     const struct pt_ex_made *made, size_t n_made, double t_min,
		     pt_ex_sim_value_fn sim, void *sim_ctx, char *out, size_t size)
{
	const char *p = text ? text : "", *why = NULL;
	char name[PT_EX_ID_MAX + 1], num[24];
	size_t len = 0;
	struct ph x;
	if (!size)
		return;
	out[0] = '\0';
	while (*p) {
		const char *val = NULL;
		size_t k;
		if (*p != '{') {
			const char *q = strchr(p, '{');
			k = q ? (size_t)(q - p) : strlen(p);
			put_n(out, size, &len, p, k);
			p += k;
			continue;
		}
		if (p[1] == '{') {
			put_n(out, size, &len, "{", 1);
			p += 2;
			continue;
		}
		if (!parse(p, &x, &why) || x.n_name >= sizeof name) { /* checked: never here */
			put_n(out, size, &len, p, 1);
			p++;
			continue;
		}
		memcpy(name, x.name, x.n_name);
		name[x.n_name] = '\0';
		if (span_is(x.kind, x.n_kind, "decision")) {
			int dc = pt_ex_decision_find(sc, name);
			for (k = n_made; dc >= 0 && k-- > 0;)
				if (made[k].decision == (uint32_t)dc && made[k].t_min <= t_min) {
					val = made[k].value;
					if (strcmp(val, "true") == 0 || !val[0])
						val = "yes";
					else if (strcmp(val, "false") == 0)
						val = "no";
					break;
				}
		} else if (span_is(x.kind, x.n_kind, "sim") && sim) {
			long long v;
			if (sim(sim_ctx, name, &v)) {
				if (strcmp(name, "time") == 0 && v >= 0 && v < 100 * 60) {
					num[0] = (char)('0' + v / 600);
					num[1] = (char)('0' + v / 60 % 10);
					num[2] = ':';
					num[3] = (char)('0' + v % 60 / 10);
					num[4] = (char)('0' + v % 10);
					num[5] = '\0';
				} else
					int_text(v, num);
				val = num;
			}
		}
		if (val)
			put_n(out, size, &len, val, strlen(val));
		else
			put_n(out, size, &len, x.fb, x.n_fb);
		p += x.len;
	}
}
