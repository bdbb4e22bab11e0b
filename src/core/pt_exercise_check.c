/* pt_exercise_check.c - the rules of an exercise scenario (issue 15): ids, text
 * limits, references between stages, roles, injects and decisions, the
 * contingency rule, decision values, and the paths into the simulation. Pure. */
#include "pt_exercise.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages without stdio: a bounded text builder ---------------------- */

struct msg {
	char s[1024];
	size_t n;
};

static void m_str(struct msg *m, const char *s)
{
	while (s && *s && m->n + 1 < sizeof m->s)
		m->s[m->n++] = *s++;
	m->s[m->n] = '\0';
}

static void m_long(struct msg *m, long long v)
{
	char buf[24];
	size_t i = sizeof buf;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	buf[--i] = '\0';
	do {
		buf[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u && i > 1);
	if (v < 0)
		buf[--i] = '-';
	m_str(m, buf + i);
}

/* A scenario time as the files write it: "H:MM" with two-digit minutes ("0:45", "26:30"). */
static void m_time(struct msg *m, long long t)
{
	m_long(m, t / 60);
	m_str(m, t % 60 < 10 ? ":0" : ":");
	m_long(m, t % 60);
}

/* A quoted excerpt of s (at most 60 bytes, cut at a character boundary). */
static void m_quote(struct msg *m, const char *s)
{
	size_t n = 0;
	m_str(m, "\"");
	while (s && s[n] && n < 60)
		n++;
	while (n && s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	while (n-- && m->n + 1 < sizeof m->s) {
		char c = *s++;
		m->s[m->n++] = (unsigned char)c < 0x20 || c == '"' ? '?' : c;
	}
	m->s[m->n] = '\0';
	if (s && *s)
		m_str(m, "...");
	m_str(m, "\"");
}

/* The field path "a.N.b.K.c" from parts: strings, and numbers where the part is NULL. */
struct path {
	char s[64];
	size_t n;
};

static void p_init(struct path *p, const char *first)
{
	p->n = 0;
	p->s[0] = '\0';
	while (*first && p->n + 1 < sizeof p->s)
		p->s[p->n++] = *first++;
	p->s[p->n] = '\0';
}

static void p_add(struct path *p, const char *part)
{
	if (p->n + 1 < sizeof p->s)
		p->s[p->n++] = '.';
	while (*part && p->n + 1 < sizeof p->s)
		p->s[p->n++] = *part++;
	p->s[p->n] = '\0';
}

static void p_idx(struct path *p, size_t i)
{
	struct msg m;
	m.n = 0;
	m.s[0] = '\0';
	m_long(&m, (long long)i);
	p_add(p, m.s);
}

/* path "first.i.member" (member may be NULL). */
static const char *path3(struct path *p, const char *first, size_t i, const char *member)
{
	p_init(p, first);
	p_idx(p, i);
	if (member)
		p_add(p, member);
	return p->s;
}

static enum pt_err fail(struct pt_diag *d, enum pt_err e, const char *field, const char *msg)
{
	return pt_diag_put(d, e, 0, field, msg);
}

static enum pt_err fail_m(struct pt_diag *d, enum pt_err e, const char *field, const struct msg *m)
{
	return pt_diag_put(d, e, 0, field, m->s);
}

/* ---- field rules ---------------------------------------------------------- */

static int id_ok(const char *s)
{
	size_t n = 0;
	if (!s || !*s)
		return 0;
	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '.' && s[n] != '_' && s[n] != '-')
			return 0;
	return n < PT_EX_ID_MAX;
}

static enum pt_err check_id(const char *s, const char *field, struct pt_diag *d)
{
	struct msg m = {.n = 0};
	if (!s || !*s)
		return fail(d, PT_EINVAL, field, "missing value");
	if (strlen(s) >= PT_EX_ID_MAX) {
		m_str(&m, "too long (");
		m_long(&m, (long long)strlen(s));
		m_str(&m, " bytes; at most ");
		m_long(&m, PT_EX_ID_MAX - 1);
		m_str(&m, ")");
		return fail_m(d, PT_EINVAL, field, &m);
	}
	if (!id_ok(s)) {
		m_quote(&m, s);
		m_str(&m, " is not a valid id (1-63 letters, digits, '.', '_' or '-')");
		return fail_m(d, PT_EINVAL, field, &m);
	}
	return PT_OK;
}

/* Text of at most max - 1 bytes; required: not empty. one_line: no control characters. */
static enum pt_err check_text(const char *s, size_t max, int required, int one_line,
			      const char *field, struct pt_diag *d)
{
	struct msg m = {.n = 0};
	size_t n = s ? strlen(s) : 0, i;
	if (required && n == 0)
		return fail(d, PT_EINVAL, field, "missing value");
	if (n >= max) {
		m_str(&m, "too long (");
		m_long(&m, (long long)n);
		m_str(&m, " bytes; at most ");
		m_long(&m, (long long)max - 1);
		m_str(&m, ")");
		return fail_m(d, PT_EINVAL, field, &m);
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(c < 0x20 || c == 0x7f) || (!one_line && (c == '\t' || c == '\r' || c == '\n')))
			continue;
		return fail(d, PT_EINVAL, field,
			    one_line ? "contains a control character; this field is one line of text"
				     : "contains a control character (only tab and line breaks may be)");
	}
	return PT_OK;
}

/* A choice of at most PT_EX_CHOICE_CHARS characters (UTF-8: bytes that are
 * not continuation bytes), so that a run stores the decision's value whole. */
static enum pt_err check_choice_chars(const char *s, const char *field, struct pt_diag *d)
{
	struct msg m = {.n = 0};
	size_t chars = 0, i;
	for (i = 0; s && s[i]; i++)
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	if (chars <= PT_EX_CHOICE_CHARS)
		return PT_OK;
	m_str(&m, "too long (");
	m_long(&m, (long long)chars);
	m_str(&m, " characters; at most ");
	m_long(&m, PT_EX_CHOICE_CHARS);
	m_str(&m, ")");
	return fail_m(d, PT_EINVAL, field, &m);
}

/* Attack review 2, finding 9: an undecided value is one the decision setting its path could
 * take (its kind, range or choices), without spaces around it. */
static enum pt_err undecided_value(const struct pt_ex_scenario *sc, const struct pt_ex_undecided *u,
				   const char *field, struct pt_diag *d)
{
	char out[PT_MCI_VALUE_MAX];
	size_t k, n = strlen(u->value);
	enum pt_err e;
	if (n && (u->value[0] == ' ' || u->value[n - 1] == ' ' || u->value[0] == '\t' ||
		  u->value[n - 1] == '\t'))
		return fail(d, PT_EINVAL, field, "spaces before or after the value");
	for (k = 0; k < sc->n_decisions; k++) {
		const struct pt_ex_decision *x = &sc->decisions[k];
		if (x->apply != PT_EX_APPLY_TIMED || !x->path || strcmp(x->path, u->path) != 0)
			continue;
		e = pt_ex_decision_value(sc, k, x->n_roles ? x->roles[0] : NULL, u->value, out, d);
		if (e != PT_OK && d) {
			struct msg m = {.n = 0};
			m_str(&m, d->msg);
			m_str(&m, "; decision ");
			m_str(&m, x->id);
			m_str(&m, " sets this path");
			return fail_m(d, PT_EINVAL, field, &m);
		}
		return e;
	}
	return PT_OK;
}

static enum pt_err check_time(int32_t t, int32_t latest, const char *what, const char *field,
			      struct pt_diag *d)
{
	struct msg m = {.n = 0};
	if (t >= 0 && t <= latest)
		return PT_OK;
	m_str(&m, what);
	m_str(&m, " ");
	m_time(&m, t < 0 ? 0 : t);
	m_str(&m, t < 0 ? " is negative" : " is past the scenario's end ");
	if (t >= 0)
		m_time(&m, latest);
	if (t < 0) {
		m.n = 0;
		m_str(&m, "a negative time");
	}
	return fail_m(d, t > PT_EX_TIME_MAX ? PT_ELIMIT : PT_EINVAL, field, &m);
}

static enum pt_err check_count(size_t n, size_t lo, size_t hi, const char *what, const char *field,
			       struct pt_diag *d)
{
	struct msg m = {.n = 0};
	if (n >= lo && n <= hi)
		return PT_OK;
	if (n < lo) {
		m_str(&m, "at least ");
		m_long(&m, (long long)lo);
		m_str(&m, " ");
		m_str(&m, what);
		m_str(&m, " needed");
		return fail_m(d, PT_EINVAL, field, &m);
	}
	m_str(&m, "too many ");
	m_str(&m, what);
	m_str(&m, " (");
	m_long(&m, (long long)n);
	m_str(&m, "; at most ");
	m_long(&m, (long long)hi);
	m_str(&m, ")");
	return fail_m(d, PT_ELIMIT, field, &m);
}

/* A reference to a role: "\"X\" is not a role of the scenario". */
static enum pt_err check_role_ref(const struct pt_ex_scenario *sc, const char *id,
				  const char *field, struct pt_diag *d)
{
	struct msg m = {.n = 0};
	if (!id || !*id)
		return fail(d, PT_EINVAL, field, "missing value");
	if (pt_ex_role_find(sc, id) >= 0)
		return PT_OK;
	m_quote(&m, id);
	m_str(&m, " is not a role of the scenario");
	return fail_m(d, PT_EINVAL, field, &m);
}

/* Role ids of a list: each a role, no duplicates, lo..PT_EX_MAX_ROLES of them. */
static enum pt_err check_role_list(const struct pt_ex_scenario *sc, char **ids, size_t n,
				   size_t lo, size_t hi, const char *field, struct pt_diag *d)
{
	struct path p;
	size_t i, j;
	enum pt_err e;
	if ((e = check_count(n, lo, hi, "roles", field, d)) != PT_OK)
		return e;
	for (i = 0; i < n; i++) {
		p_init(&p, field);
		p_idx(&p, i);
		if ((e = check_role_ref(sc, ids[i], p.s, d)) != PT_OK)
			return e;
		for (j = 0; j < i; j++)
			if (strcmp(ids[i], ids[j]) == 0) {
				struct msg m = {.n = 0};
				m_quote(&m, ids[i]);
				m_str(&m, " is listed twice");
				return fail_m(d, PT_EINVAL, p.s, &m);
			}
	}
	return PT_OK;
}

static const char *const tlps[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};

/* ---- the parts of a scenario ---------------------------------------------- */

static enum pt_err check_head(struct pt_ex_scenario *sc, struct pt_diag *d)
{
	enum pt_err e;
	size_t i;
	struct msg m = {.n = 0};
	if ((e = check_id(sc->id, "id", d)) != PT_OK ||
	    (e = check_text(sc->title, PT_EX_NAME_MAX, 1, 1, "title", d)) != PT_OK ||
	    (e = check_text(sc->description, PT_EX_TEXT_MAX, 0, 0, "description", d)) != PT_OK)
		return e;
	if (sc->simulation &&
	    (e = check_text(sc->simulation, PT_EX_NAME_MAX, 1, 1, "simulation", d)) != PT_OK)
		return e;
	if (sc->duration_min <= 0)
		return fail(d, PT_EINVAL, "duration", "the duration must be at least 0:01");
	if (sc->duration_min > PT_EX_TIME_MAX) {
		m_str(&m, "the duration is longer than ");
		m_time(&m, PT_EX_TIME_MAX);
		return fail_m(d, PT_ELIMIT, "duration", &m);
	}
	if ((e = check_time(sc->sim_start_min, sc->duration_min, "sim_start", "sim_start", d)) !=
	    PT_OK)
		return e;
	if (sc->sim_every_min < 1 || sc->sim_every_min > PT_EX_TIME_MAX)
		return fail(d, PT_EINVAL, "sim_every_min",
			    "a whole number of minutes from 1 to 20160 expected");
	if (sc->sim_replications < 10 || sc->sim_replications > 10000)
		return fail(d, sc->sim_replications > 10000 ? PT_ELIMIT : PT_EINVAL,
			    "sim_replications", "a whole number from 10 to 10000 expected");
	if (!sc->tlp && !(sc->tlp = pt_ex_strdup(sc, "AMBER", 5)))
		return fail(d, PT_ENOMEM, "", "out of memory");
	for (i = 0; i < sizeof tlps / sizeof tlps[0]; i++)
		if (strcmp(sc->tlp, tlps[i]) == 0)
			break;
	if (i == sizeof tlps / sizeof tlps[0]) {
		m_quote(&m, sc->tlp);
		m_str(&m, " is not a TLP label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)");
		return fail_m(d, PT_EINVAL, "tlp", &m);
	}
	return PT_OK;
}

/* ids[i] of n strided records: unique ("\"x\" is used twice (also PREFIX.J)"). */
static enum pt_err dup_id(const char *id, const char *other_prefix, size_t other_i,
			  const char *field, struct pt_diag *d)
{
	struct msg m = {.n = 0};
	m_quote(&m, id);
	m_str(&m, " is used twice (also ");
	m_str(&m, other_prefix);
	m_str(&m, ".");
	m_long(&m, (long long)other_i);
	m_str(&m, ")");
	return fail_m(d, PT_EINVAL, field, &m);
}

static enum pt_err check_stages_roles(const struct pt_ex_scenario *sc, struct pt_diag *d)
{
	struct path p;
	size_t i, j;
	enum pt_err e;
	if ((e = check_count(sc->n_stages, 1, PT_EX_MAX_STAGES, "stages", "stages", d)) != PT_OK)
		return e;
	for (i = 0; i < sc->n_stages; i++) {
		const struct pt_ex_stage *s = &sc->stages[i];
		if ((e = check_id(s->id, path3(&p, "stages", i, "id"), d)) != PT_OK)
			return e;
		for (j = 0; j < i; j++)
			if (strcmp(s->id, sc->stages[j].id) == 0)
				return dup_id(s->id, "stages", j, p.s, d);
		if ((e = check_text(s->name, PT_EX_NAME_MAX, 1, 1, path3(&p, "stages", i, "name"),
				    d)) != PT_OK ||
		    (e = check_text(s->description, PT_EX_TEXT_MAX, 0, 0,
				    path3(&p, "stages", i, "description"), d)) != PT_OK)
			return e;
	}
	if ((e = check_count(sc->n_roles, 1, PT_EX_MAX_ROLES, "roles", "roles", d)) != PT_OK)
		return e;
	for (i = 0; i < sc->n_roles; i++) {
		const struct pt_ex_role *r = &sc->roles[i];
		if ((e = check_id(r->id, path3(&p, "roles", i, "id"), d)) != PT_OK)
			return e;
		for (j = 0; j < i; j++)
			if (strcmp(r->id, sc->roles[j].id) == 0)
				return dup_id(r->id, "roles", j, p.s, d);
		if ((e = check_text(r->name, PT_EX_NAME_MAX, 1, 1, path3(&p, "roles", i, "name"),
				    d)) != PT_OK ||
		    (e = check_text(r->organisation, PT_EX_NAME_MAX, 0, 1,
				    path3(&p, "roles", i, "organisation"), d)) != PT_OK ||
		    (e = check_text(r->description, PT_EX_TEXT_MAX, 0, 0,
				    path3(&p, "roles", i, "description"), d)) != PT_OK)
			return e;
	}
	if ((e = check_role_list(sc, sc->sim_to, sc->n_sim_to, 0, PT_EX_MAX_ROLES, "sim_to", d)) !=
	    PT_OK)
		return e;
	if (sc->pio_role && (e = check_role_ref(sc, sc->pio_role, "pio_role", d)) != PT_OK)
		return e;
	if (sc->site && (e = check_id(sc->site, "site", d)) != PT_OK)
		return e;
	return PT_OK;
}

static enum pt_err check_objectives(const struct pt_ex_scenario *sc, struct pt_diag *d)
{
	struct path p;
	size_t i, j, k, i2, j2;
	enum pt_err e;
	if ((e = check_count(sc->n_objectives, 0, PT_EX_MAX_OBJECTIVES, "objectives", "objectives",
			     d)) != PT_OK)
		return e;
	for (i = 0; i < sc->n_objectives; i++) {
		const struct pt_ex_objective *o = &sc->objectives[i];
		if ((e = check_id(o->id, path3(&p, "objectives", i, "id"), d)) != PT_OK)
			return e;
		for (j = 0; j < i; j++)
			if (strcmp(o->id, sc->objectives[j].id) == 0)
				return dup_id(o->id, "objectives", j, p.s, d);
		if ((e = check_text(o->text, PT_EX_TEXT_MAX, 1, 0, path3(&p, "objectives", i, "text"),
				    d)) != PT_OK)
			return e;
		if (o->capability < 0 || (size_t)o->capability >= pt_ex_capability_count())
			return fail(d, PT_EINVAL, path3(&p, "objectives", i, "capability"),
				    "not a FEMA core capability (docs/exercises.md lists them)");
		if ((e = check_count(o->n_targets, 1, PT_EX_MAX_TARGETS, "capability targets",
				     path3(&p, "objectives", i, "targets"), d)) != PT_OK)
			return e;
		for (j = 0; j < o->n_targets; j++) {
			const struct pt_ex_target *t = &o->targets[j];
			path3(&p, "objectives", i, "targets");
			p_idx(&p, j);
			p_add(&p, "id");
			if ((e = check_id(t->id, p.s, d)) != PT_OK)
				return e;
			/* target ids are unique across the scenario (ratings name them) */
			for (i2 = 0; i2 <= i; i2++)
				for (j2 = 0; j2 < (i2 == i ? j : sc->objectives[i2].n_targets); j2++)
					if (strcmp(t->id, sc->objectives[i2].targets[j2].id) == 0) {
						struct path q;
						path3(&q, "objectives", i2, "targets");
						return dup_id(t->id, q.s, j2, p.s, d);
					}
			path3(&p, "objectives", i, "targets");
			p_idx(&p, j);
			p_add(&p, "text");
			if ((e = check_text(t->text, PT_EX_TEXT_MAX, 1, 0, p.s, d)) != PT_OK)
				return e;
			path3(&p, "objectives", i, "targets");
			p_idx(&p, j);
			p_add(&p, "tasks");
			if ((e = check_count(t->n_tasks, 1, PT_EX_MAX_TASKS, "critical tasks", p.s,
					     d)) != PT_OK)
				return e;
			for (k = 0; k < t->n_tasks; k++) {
				struct path q = p;
				p_idx(&q, k);
				if ((e = check_text(t->tasks[k], PT_EX_TEXT_MAX, 1, 0, q.s, d)) != PT_OK)
					return e;
			}
		}
	}
	return PT_OK;
}

static enum pt_err check_decisions(const struct pt_ex_scenario *sc, struct pt_diag *d)
{
	struct path p;
	size_t i, j;
	enum pt_err e;
	if ((e = check_count(sc->n_decisions, 0, PT_EX_MAX_DECISIONS, "decisions", "decisions",
			     d)) != PT_OK)
		return e;
	for (i = 0; i < sc->n_decisions; i++) {
		const struct pt_ex_decision *x = &sc->decisions[i];
		if ((e = check_id(x->id, path3(&p, "decisions", i, "id"), d)) != PT_OK)
			return e;
		for (j = 0; j < i; j++)
			if (strcmp(x->id, sc->decisions[j].id) == 0)
				return dup_id(x->id, "decisions", j, p.s, d);
		if ((e = check_text(x->label, PT_EX_NAME_MAX, 1, 1,
				    path3(&p, "decisions", i, "label"), d)) != PT_OK)
			return e;
		if ((int)x->apply < PT_EX_APPLY_TIMED || x->apply > PT_EX_APPLY_LOG)
			return fail(d, PT_EINVAL, path3(&p, "decisions", i, "apply"),
				    "timed, at_time or log expected");
		if ((int)x->kind < PT_EX_VALUE_NONE || x->kind > PT_EX_VALUE_CHOICE)
			return fail(d, PT_EINVAL, path3(&p, "decisions", i, "kind"),
				    "number, bool, choice or none expected");
		if (x->apply == PT_EX_APPLY_LOG && x->path)
			return fail(d, PT_EINVAL, path3(&p, "decisions", i, "path"),
				    "a decision that is only logged has no path");
		if (x->apply != PT_EX_APPLY_LOG) {
			if ((e = check_text(x->path, PT_MCI_PATH_MAX, 1, 1,
					    path3(&p, "decisions", i, "path"), d)) != PT_OK)
				return e;
		}
		if (x->apply == PT_EX_APPLY_AT_TIME && x->kind != PT_EX_VALUE_NONE)
			return fail(d, PT_EINVAL, path3(&p, "decisions", i, "kind"),
				    "an at_time decision takes no value (kind none)");
		if (x->apply == PT_EX_APPLY_TIMED && x->kind == PT_EX_VALUE_NONE)
			return fail(d, PT_EINVAL, path3(&p, "decisions", i, "kind"),
				    "a timed decision needs a value (number, bool or choice)");
		if (x->kind == PT_EX_VALUE_NUMBER &&
		    (!isfinite(x->min) || !isfinite(x->max) || x->min > x->max))
			return fail(d, PT_EINVAL, path3(&p, "decisions", i, "max"),
				    "min and max must be numbers with min <= max");
		if (x->kind == PT_EX_VALUE_CHOICE) {
			if ((e = check_count(x->n_choices, 1, PT_EX_MAX_CHOICES, "choices",
					     path3(&p, "decisions", i, "choices"), d)) != PT_OK)
				return e;
			for (j = 0; j < x->n_choices; j++) {
				size_t k;
				struct path q = p;
				p_idx(&q, j);
				if ((e = check_text(x->choices[j], PT_MCI_VALUE_MAX, 1, 1, q.s, d)) !=
				    PT_OK)
					return e;
				if ((e = check_choice_chars(x->choices[j], q.s, d)) != PT_OK)
					return e;
				for (k = 0; k < j; k++)
					if (strcmp(x->choices[j], x->choices[k]) == 0) {
						struct msg m = {.n = 0};
						m_quote(&m, x->choices[j]);
						m_str(&m, " is listed twice");
						return fail_m(d, PT_EINVAL, q.s, &m);
					}
			}
		} else if (x->n_choices) {
			return fail(d, PT_EINVAL, path3(&p, "decisions", i, "choices"),
				    "only a decision of kind choice has choices");
		}
		if ((e = check_role_list(sc, x->roles, x->n_roles, 1, PT_EX_MAX_ROLES,
					 path3(&p, "decisions", i, "roles"), d)) != PT_OK)
			return e;
	}
	return PT_OK;
}

static enum pt_err check_inject(const struct pt_ex_scenario *sc, size_t i, struct pt_diag *d)
{
	const struct pt_ex_inject *x = &sc->injects[i];
	struct path p;
	struct msg m = {.n = 0};
	size_t j;
	enum pt_err e;

	if (x->seq < 1 || x->seq > 999999)
		return fail(d, PT_EINVAL, path3(&p, "injects", i, "seq"),
			    "a sequence number from 1 to 999999 expected");
	for (j = 0; j < i; j++)
		if (sc->injects[j].seq == x->seq) {
			m_str(&m, "sequence ");
			m_long(&m, x->seq);
			m_str(&m, " is used twice (also injects.");
			m_long(&m, (long long)j);
			m_str(&m, ")");
			return fail_m(d, PT_EINVAL, path3(&p, "injects", i, "seq"), &m);
		}
	if (!x->stage || !*x->stage)
		return fail(d, PT_EINVAL, path3(&p, "injects", i, "stage"), "missing value");
	if (pt_ex_stage_find(sc, x->stage) < 0) {
		m_quote(&m, x->stage);
		m_str(&m, " is not a stage of the scenario");
		return fail_m(d, PT_EINVAL, path3(&p, "injects", i, "stage"), &m);
	}
	if ((e = check_time(x->t_min, sc->duration_min, "time", path3(&p, "injects", i, "time"),
			    d)) != PT_OK)
		return e;
	if ((int)x->type < PT_EX_INJECT_INFORMATION || x->type > PT_EX_INJECT_SOCIAL_MEDIA)
		return fail(d, PT_EINVAL, path3(&p, "injects", i, "type"),
			    "information, event, media or social media expected");
	if ((e = check_text(x->delivery, PT_EX_NAME_MAX, 0, 1,
			    path3(&p, "injects", i, "delivery"), d)) != PT_OK ||
	    (e = check_text(x->from, PT_EX_NAME_MAX, 0, 1, path3(&p, "injects", i, "from"), d)) !=
		    PT_OK ||
	    (e = check_role_list(sc, x->to, x->n_to, 1, PT_EX_MAX_TO, path3(&p, "injects", i, "to"),
				 d)) != PT_OK ||
	    (e = check_text(x->description, PT_EX_TEXT_MAX, 1, 0,
			    path3(&p, "injects", i, "description"), d)) != PT_OK ||
	    (e = check_text(x->expected_action, PT_EX_TEXT_MAX, 0, 0,
			    path3(&p, "injects", i, "expected_action"), d)) != PT_OK)
		return e;
	{ /* issue 15 review 4: placeholders filled at delivery */
		char why[160];
		if (pt_ex_text_check(sc, x->description, why, sizeof why) != PT_OK)
			return fail(d, PT_EINVAL, path3(&p, "injects", i, "description"), why);
	}
	if (x->capability < -1 || (x->capability >= 0 &&
				   (size_t)x->capability >= pt_ex_capability_count()))
		return fail(d, PT_EINVAL, path3(&p, "injects", i, "capability"),
			    "not a FEMA core capability (docs/exercises.md lists them)");
	if (x->deadline_min != -1) {
		if (!x->expected_action || !*x->expected_action)
			return fail(d, PT_EINVAL, path3(&p, "injects", i, "deadline"),
				    "a deadline needs an expected action");
		if ((e = check_time(x->deadline_min, sc->duration_min, "deadline",
				    path3(&p, "injects", i, "deadline"), d)) != PT_OK)
			return e;
		if (x->deadline_min < x->t_min) {
			m_str(&m, "deadline ");
			m_time(&m, x->deadline_min);
			m_str(&m, " is before the inject's time ");
			m_time(&m, x->t_min);
			return fail_m(d, PT_EINVAL, path3(&p, "injects", i, "deadline"), &m);
		}
	}
	if (x->satisfied_by) {
		if (!x->expected_action || !*x->expected_action)
			return fail(d, PT_EINVAL, path3(&p, "injects", i, "decision"),
				    "a decision satisfies an expected action: this inject has none");
		if (pt_ex_decision_find(sc, x->satisfied_by) < 0) {
			m_quote(&m, x->satisfied_by);
			m_str(&m, " is not a decision of the scenario");
			return fail_m(d, PT_EINVAL, path3(&p, "injects", i, "decision"), &m);
		}
	}
	/* issue 15: decision_value, the value of the decision that satisfies it */
	if (x->satisfied_value) {
		char canon[PT_MCI_VALUE_MAX];
		int k;
		if (!x->satisfied_by)
			return fail(d, PT_EINVAL, path3(&p, "injects", i, "decision_value"),
				    "a decision value needs a decision");
		k = pt_ex_decision_find(sc, x->satisfied_by);
		if (pt_ex_value_is_any(x->satisfied_value)) /* review 15B item 8: said on purpose */
			goto value_ok;
		if (sc->decisions[k].kind == PT_EX_VALUE_NONE) {
			m_str(&m, x->satisfied_by);
			m_str(&m, " takes no value: leave decision_value empty");
			return fail_m(d, PT_EINVAL, path3(&p, "injects", i, "decision_value"), &m);
		}
		e = pt_ex_decision_value(sc, (size_t)k, sc->decisions[k].roles[0], x->satisfied_value,
					 canon, d);
		if (e != PT_OK) {
			if (d)
				pt_strlcpy(d->field, path3(&p, "injects", i, "decision_value"),
					   sizeof d->field);
			return PT_EINVAL;
		}
	}
value_ok:
	if (x->contingency_of) {
		int k = pt_ex_inject_find(sc, x->contingency_of);
		const struct pt_ex_inject *par;
		path3(&p, "injects", i, "contingency_of");
		if (k < 0) {
			m_str(&m, "no inject has sequence ");
			m_long(&m, x->contingency_of);
			return fail_m(d, PT_EINVAL, p.s, &m);
		}
		par = &sc->injects[k];
		if (par == x)
			return fail(d, PT_EINVAL, p.s, "an inject cannot be its own contingency");
		if (par->contingency_of) {
			m_str(&m, "inject ");
			m_long(&m, par->seq);
			m_str(&m, " is itself a contingency (of ");
			m_long(&m, par->contingency_of);
			m_str(&m, ")");
			return fail_m(d, PT_EINVAL, p.s, &m);
		}
		if (!par->expected_action || !*par->expected_action) {
			m_str(&m, "inject ");
			m_long(&m, par->seq);
			m_str(&m, " has no expected action");
			return fail_m(d, PT_EINVAL, p.s, &m);
		}
		if (par->t_min > x->t_min) {
			m_str(&m, "inject ");
			m_long(&m, par->seq);
			m_str(&m, " comes later (");
			m_time(&m, par->t_min);
			m_str(&m, ", after this inject's ");
			m_time(&m, x->t_min);
			m_str(&m, ")");
			return fail_m(d, PT_EINVAL, p.s, &m);
		}
		if (par->deadline_min >= 0 && par->deadline_min > x->t_min) {
			m_str(&m, "inject ");
			m_long(&m, par->seq);
			m_str(&m, "'s deadline ");
			m_time(&m, par->deadline_min);
			m_str(&m, " is after this inject's time ");
			m_time(&m, x->t_min);
			return fail_m(d, PT_EINVAL, p.s, &m);
		}
	}
	return PT_OK;
}

static int inject_cmp(const void *a, const void *b)
{
	const struct pt_ex_inject *x = a, *y = b;
	if (x->t_min != y->t_min)
		return x->t_min < y->t_min ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

enum pt_err pt_ex_scenario_check(struct pt_ex_scenario *sc, struct pt_diag *d)
{
	struct path p;
	size_t i, j;
	enum pt_err e;

	if ((e = check_head(sc, d)) != PT_OK || (e = check_stages_roles(sc, d)) != PT_OK ||
	    (e = check_objectives(sc, d)) != PT_OK || (e = check_decisions(sc, d)) != PT_OK)
		return e;
	if ((e = check_count(sc->n_injects, 1, PT_EX_MAX_INJECTS, "injects", "injects", d)) != PT_OK)
		return e;
	for (i = 0; i < sc->n_injects; i++)
		if ((e = check_inject(sc, i, d)) != PT_OK)
			return e;
	if ((e = check_count(sc->n_baseline, 0, PT_EX_MAX_BASELINE, "baseline decisions", "baseline",
			     d)) != PT_OK)
		return e;
	for (i = 0; i < sc->n_baseline; i++) {
		struct pt_ex_made *b = &sc->baseline[i];
		char value[PT_MCI_VALUE_MAX];
		if (b->decision >= sc->n_decisions)
			return fail(d, PT_EINVAL, path3(&p, "baseline", i, "decision"),
				    "not a decision of the scenario");
		if (!isfinite(b->t_min) || b->t_min < 0 || b->t_min > sc->duration_min)
			return check_time(b->t_min < 0 ? -1 : (int32_t)fmin(b->t_min, 1e9),
					  sc->duration_min, "time",
					  path3(&p, "baseline", i, "time"), d);
		e = pt_ex_decision_value(sc, b->decision, b->role, b->value, value, d);
		if (e != PT_OK && d)
			pt_strlcpy(d->field, path3(&p, "baseline", i, e == PT_EFORBIDDEN ? "role"
									       : "value"),
				   sizeof d->field);
		if (e == PT_EFORBIDDEN)
			e = PT_EINVAL;
		if (e != PT_OK)
			return e;
		memcpy(b->value, value, sizeof b->value);
	}
	/* issue 15 review 3: each undecided path is a timed decision's, once */
	if ((e = check_count(sc->n_undecided, 0, PT_EX_MAX_UNDECIDED, "undecided entries",
			     "undecided", d)) != PT_OK)
		return e;
	for (i = 0; i < sc->n_undecided; i++) {
		const struct pt_ex_undecided *u = &sc->undecided[i];
		size_t k;
		int timed = 0;
		if (!u->path || !u->value || strlen(u->path) >= PT_MCI_PATH_MAX)
			return fail(d, PT_EINVAL, path3(&p, "undecided", i, "path"),
				    "a simulation key of at most 95 bytes expected");
		if (strlen(u->value) >= PT_MCI_VALUE_MAX)
			return fail(d, PT_EINVAL, path3(&p, "undecided", i, "value"),
				    "too long (at most 95 bytes)");
		for (k = 0; k < sc->n_decisions; k++)
			timed |= sc->decisions[k].apply == PT_EX_APPLY_TIMED && sc->decisions[k].path &&
				 strcmp(sc->decisions[k].path, u->path) == 0;
		if (!timed)
			return fail(d, PT_EINVAL, path3(&p, "undecided", i, "path"),
				    "no timed decision sets this path, so it would never be decided");
		if ((e = undecided_value(sc, u, path3(&p, "undecided", i, "value"), d)) != PT_OK)
			return e;
		for (k = 0; k < i; k++)
			if (strcmp(sc->undecided[k].path, u->path) == 0)
				return fail(d, PT_EINVAL, path3(&p, "undecided", i, "path"),
					    "repeated: an earlier entry states this path");
	}
	if (sc->h_hour_min < -1 || sc->h_hour_min >= 24 * 60)
		return fail(d, PT_EINVAL, "h_hour", "a clock time from 00:00 to 23:59 expected");
	/* issue 15: decision_value in its canonical form (checked by check_inject) */
	for (i = 0; i < sc->n_injects; i++) {
		struct pt_ex_inject *x = &sc->injects[i];
		char canon[PT_MCI_VALUE_MAX];
		int k;
		if (x->satisfied_value && pt_ex_value_is_any(x->satisfied_value)) {
			memcpy(x->satisfied_value, "any", 4); /* review 15B item 8 */
			continue;
		}
		if (!x->satisfied_value || (k = pt_ex_decision_find(sc, x->satisfied_by)) < 0 ||
		    pt_ex_decision_value(sc, (size_t)k, sc->decisions[k].roles[0],
					 x->satisfied_value, canon, NULL) != PT_OK)
			continue;
		if (strlen(canon) <= strlen(x->satisfied_value))
			memcpy(x->satisfied_value, canon, strlen(canon) + 1);
		else if (!(x->satisfied_value = pt_ex_strdup(sc, canon, strlen(canon))))
			return fail(d, PT_ENOMEM, "", "out of memory");
	}
	/* all good: the injects in (time, seq) order, the baseline stable by time */
	if (sc->n_injects > 1)
		qsort(sc->injects, sc->n_injects, sizeof *sc->injects, inject_cmp);
	for (i = 1; i < sc->n_baseline; i++) {
		struct pt_ex_made t = sc->baseline[i];
		for (j = i; j > 0 && sc->baseline[j - 1].t_min > t.t_min; j--)
			sc->baseline[j] = sc->baseline[j - 1];
		sc->baseline[j] = t;
	}
	return PT_OK;
}

/* ---- decision values ------------------------------------------------------ */

static int ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* A finite number, the whole text. */
static int parse_number(const char *v, double *out)
{
	char *end;
	double x;
	if (!*v || isspace((unsigned char)*v))
		return -1;
	x = strtod(v, &end);
	if (*end || !isfinite(x))
		return -1;
	*out = x;
	return 0;
}

/* A number in its range, its canonical text: whole numbers as digits, others as given. */
static enum pt_err number_value(const struct pt_ex_decision *x, const char *value,
				char out[PT_MCI_VALUE_MAX], struct pt_diag *d)
{
	struct msg m = {.n = 0};
	double v;
	if (parse_number(value, &v) != 0 || v < x->min || v > x->max) {
		if (parse_number(value, &v) != 0) {
			m_quote(&m, value);
			m_str(&m, " is not a number");
		} else {
			m_str(&m, "out of range for ");
			m_str(&m, x->id);
		}
		m_str(&m, " (");
		if (x->min == floor(x->min) && fabs(x->min) < 1e15 && x->max == floor(x->max) &&
		    fabs(x->max) < 1e15) {
			m_str(&m, "from ");
			m_long(&m, (long long)x->min);
			m_str(&m, " to ");
			m_long(&m, (long long)x->max);
		} else {
			m_str(&m, "a number in its range");
		}
		m_str(&m, ")");
		return fail_m(d, PT_EINVAL, "value", &m);
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		m_long(&m, (long long)v);
		pt_strlcpy(out, m.s, PT_MCI_VALUE_MAX);
	} else {
		pt_strlcpy(out, value, PT_MCI_VALUE_MAX);
	}
	return PT_OK;
}

enum pt_err pt_ex_decision_value(const struct pt_ex_scenario *sc, size_t i, const char *role,
				 const char *value, char out[PT_MCI_VALUE_MAX], struct pt_diag *d)
{
	const struct pt_ex_decision *x;
	struct msg m = {.n = 0};
	size_t k;
	if (i >= sc->n_decisions)
		return fail(d, PT_EINVAL, "decision", "not a decision of the scenario");
	x = &sc->decisions[i];
	if (!value)
		value = "";
	for (k = 0; role && k < x->n_roles; k++)
		if (strcmp(x->roles[k], role) == 0)
			break;
	if (!role || k == x->n_roles) {
		m_str(&m, "role ");
		m_quote(&m, role ? role : "");
		m_str(&m, " may not make ");
		m_str(&m, x->id);
		m_str(&m, " (");
		for (k = 0; k < x->n_roles; k++) {
			m_str(&m, k ? ", " : "");
			m_str(&m, x->roles[k]);
		}
		m_str(&m, " may)");
		return fail_m(d, PT_EFORBIDDEN, "role", &m);
	}
	if (strlen(value) >= PT_MCI_VALUE_MAX)
		return fail(d, PT_EINVAL, "value", "too long (at most 95 bytes)");
	switch (x->kind) {
	case PT_EX_VALUE_NONE:
		if (*value) {
			m_str(&m, x->id);
			m_str(&m, " takes no value");
			return fail_m(d, PT_EINVAL, "value", &m);
		}
		out[0] = '\0';
		return PT_OK;
	case PT_EX_VALUE_NUMBER:
		return number_value(x, value, out, d);
	case PT_EX_VALUE_BOOL:
		if (ieq(value, "true") || ieq(value, "false")) {
			pt_strlcpy(out, ieq(value, "true") ? "true" : "false", PT_MCI_VALUE_MAX);
			return PT_OK;
		}
		m_quote(&m, value);
		m_str(&m, " is not true or false");
		return fail_m(d, PT_EINVAL, "value", &m);
	case PT_EX_VALUE_CHOICE:
		for (k = 0; k < x->n_choices; k++)
			if (ieq(value, x->choices[k])) {
				pt_strlcpy(out, x->choices[k], PT_MCI_VALUE_MAX);
				return PT_OK;
			}
		m_quote(&m, value);
		m_str(&m, " is not one of ");
		for (k = 0; k < x->n_choices; k++) {
			m_str(&m, k ? ", " : "");
			m_str(&m, x->choices[k]);
		}
		return fail_m(d, PT_EINVAL, "value", &m);
	}
	return fail(d, PT_EINVAL, "value", "unknown kind of value");
}

/* ---- the paths into the simulation --------------------------------------- */

enum pt_err pt_ex_scenario_check_sim(const struct pt_ex_scenario *sc,
				     const struct pt_mci_scenario *sim, struct pt_diag *d)
{
	struct pt_mci_scenario *copy;
	enum pt_err e = PT_OK;
	size_t i;
	if (!sim)
		return PT_OK;
	if (sim->n_decisions > PT_MCI_MAX_DECISIONS - PT_EX_MAX_SIM_MADE)
		return fail(d, PT_ELIMIT, "simulation",
			    "the simulation scenario has more than 64 decisions of its own (the run's need room)");
	{
		size_t timed = 0;
		for (i = 0; i < sc->n_baseline; i++)
			if (sc->decisions[sc->baseline[i].decision].apply == PT_EX_APPLY_TIMED)
				timed++;
		if (timed > PT_EX_MAX_SIM_MADE)
			return fail(d, PT_ELIMIT, "baseline",
				    "more than 192 baseline decisions reach the simulation");
	}
	if (!(copy = malloc(sizeof *copy)))
		return fail(d, PT_ENOMEM, "", "out of memory");
	for (i = 0; i < sc->n_undecided && e == PT_OK; i++) { /* issue 15 review 3 */
		struct path p;
		*copy = *sim;
		if ((e = pt_mci_set(copy, sc->undecided[i].path, sc->undecided[i].value, d)) != PT_OK) {
			const char *m = e == PT_ENOTFOUND ? "path" : "value";
			e = e == PT_ELIMIT ? e : PT_EINVAL;
			if (d)
				pt_strlcpy(d->field, path3(&p, "undecided", i, m), sizeof d->field);
		}
	}
	for (i = 0; i < sc->n_decisions && e == PT_OK; i++) {
		const struct pt_ex_decision *x = &sc->decisions[i];
		size_t c, n_values = x->kind == PT_EX_VALUE_CHOICE ? x->n_choices : 1;
		struct path p;
		if (x->apply == PT_EX_APPLY_LOG || !x->path)
			continue;
		p_init(&p, "decisions");
		p_add(&p, x->id);
		p_add(&p, "path");
		for (c = 0; c < n_values && e == PT_OK; c++) {
			struct msg m = {.n = 0}, v = {.n = 0};
			const char *value = "30"; /* an at_time decision: a time in minutes */
			if (x->kind == PT_EX_VALUE_NUMBER) {
				m_long(&v, (long long)ceil(x->min)); /* a whole number in range */
				value = v.s;
			} else if (x->kind == PT_EX_VALUE_BOOL) {
				value = "true";
			} else if (x->kind == PT_EX_VALUE_CHOICE) {
				value = x->choices[c];
			}
			*copy = *sim;
			e = pt_mci_set(copy, x->path, value, d);
			if (e == PT_ENOTFOUND) {
				m_quote(&m, x->path);
				m_str(&m, " is not a key of the simulation scenario (docs/scenarios.md lists "
					  "them)");
				e = fail_m(d, PT_EINVAL, p.s, &m);
			} else if (e != PT_OK) {
				m_quote(&m, x->path);
				m_str(&m, ": ");
				m_str(&m, d ? d->msg : "");
				if (x->kind == PT_EX_VALUE_CHOICE) {
					m_str(&m, " (choice ");
					m_quote(&m, value);
					m_str(&m, ")");
				}
				e = fail_m(d, PT_EINVAL, p.s, &m);
			}
		}
	}
	free(copy);
	return e;
}

/* ---- warnings (review findings 5 and 10): accepted, but likely not what was meant ---- */

static int warn(struct pt_ex_warnings *w, uint32_t seq, const struct msg *m)
{
	if (w->n >= PT_EX_WARN_MAX) {
		w->more++;
		return 0;
	}
	w->list[w->n].seq = seq;
	memcpy(w->list[w->n].msg, m->s, m->n + 1);
	w->n++;
	return 1;
}

void pt_ex_scenario_warnings(const struct pt_ex_scenario *sc, struct pt_ex_warnings *w)
{
	size_t i, j;
	memset(w, 0, sizeof *w);
	for (i = 0; i < sc->n_injects; i++) {
		const struct pt_ex_inject *in = &sc->injects[i];
		const struct pt_ex_inject *late = NULL;
		int k = in->satisfied_by ? pt_ex_decision_find(sc, in->satisfied_by) : -1;
		struct msg m = {.n = 0};
		if (k >= 0 && sc->decisions[k].kind == PT_EX_VALUE_BOOL && !in->satisfied_value) {
			m_str(&m, "inject ");
			m_long(&m, in->seq);
			m_str(&m, ": decision ");
			m_quote(&m, in->satisfied_by);
			m_str(&m, " is yes/no and the inject gives no decision_value: any answer, \"no\" "
				  "too, counts as doing its expected action (add decision_value \"true\" "
				  "if only \"yes\" should)");
			warn(w, in->seq, &m);
		}
		/* a lower sequence number of the same stage later than this one: a time mistyped? */
		for (j = 0; j < sc->n_injects; j++) {
			const struct pt_ex_inject *o = &sc->injects[j];
			if (o->seq < in->seq && o->t_min > in->t_min && in->stage && o->stage &&
			    strcmp(o->stage, in->stage) == 0 && (!late || o->t_min > late->t_min))
				late = o;
		}
		if (late) {
			m.n = 0;
			m.s[0] = '\0';
			m_str(&m, "inject ");
			m_long(&m, in->seq);
			m_str(&m, " at ");
			m_time(&m, in->t_min);
			m_str(&m, " comes before inject ");
			m_long(&m, late->seq);
			m_str(&m, " at ");
			m_time(&m, late->t_min);
			m_str(&m, " of the same stage ");
			m_quote(&m, in->stage);
			m_str(&m, ", whose sequence number is lower: is a time mistyped?");
			warn(w, in->seq, &m);
		}
	}
}

/* ---- review 15B item 1: a decision that can only set what the simulation has already ---- */

int pt_ex_value_is_any(const char *value)
{
	return value && (value[0] == 'a' || value[0] == 'A') && (value[1] == 'n' || value[1] == 'N') &&
	       (value[2] == 'y' || value[2] == 'Y') && value[3] == '\0';
}

void pt_ex_scenario_warnings_sim(const struct pt_ex_scenario *sc,
				 const struct pt_mci_scenario *sim, struct pt_ex_warnings *w)
{
	struct pt_mci_scenario *start, *after;
	size_t i;
	if (!sim || !(start = malloc(2 * sizeof *start)))
		return;
	after = start + 1;
	memcpy(start, sim, sizeof *start);
	for (i = 0; i < sc->n_undecided; i++)
		(void)pt_mci_set(start, sc->undecided[i].path, sc->undecided[i].value, NULL);
	for (i = 0; i < sc->n_injects; i++) {
		const struct pt_ex_inject *in = &sc->injects[i];
		int k = in->satisfied_by ? pt_ex_decision_find(sc, in->satisfied_by) : -1;
		const struct pt_ex_decision *x = k >= 0 ? &sc->decisions[k] : NULL;
		struct msg m = {.n = 0};
		if (!x || x->apply != PT_EX_APPLY_TIMED || !x->path || !in->satisfied_value ||
		    pt_ex_value_is_any(in->satisfied_value))
			continue;
		memcpy(after, start, sizeof *after);
		if (pt_mci_set(after, x->path, in->satisfied_value, NULL) != PT_OK ||
		    memcmp(after, start, sizeof *after) != 0)
			continue;
		m_str(&m, "inject ");
		m_long(&m, in->seq);
		m_str(&m, ": its decision_value ");
		m_quote(&m, in->satisfied_value);
		m_str(&m, " of ");
		m_quote(&m, x->id);
		m_str(&m, " is what the simulation has at the start (");
		m_str(&m, x->path);
		m_str(&m, ", and no undecided entry changes it): the expected answer can never change "
			  "the outcome (make the decision \"apply\": \"log\" if it is not a simulation "
			  "parameter, or state the starting value under \"undecided\")");
		warn(w, in->seq, &m);
	}
	free(start);
}
