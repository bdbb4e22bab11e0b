/* pt_exercise_run_io.c - a run of an exercise as JSON and as a table (issue 15):
 * the timeline with the simulation's figures, each inject's final status, and
 * the outcome of the decisions made against the baseline. */
#include "pt_exercise_run_io.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pt_csv.h"
#include "pt_sim_situation.h"

/* The figures of a rerun and of the outcome, in this order. */
static const char *const figure_names[] = {
	"deaths", "deaths_scene", "deaths_transport", "deaths_hospital",
	"critical_mortality", "first_treatment_min", "surgery_min",
};
#define N_FIGURES (sizeof figure_names / sizeof figure_names[0])

static long output_index(const char *name)
{
	size_t i;
	for (i = 0; i < pt_mci_output_count(); i++)
		if (strcmp(pt_mci_output_name(i), name) == 0)
			return (long)i;
	return -1;
}

/* The statistic of figure k in r's first row, or NULL. */
static const struct pt_mci_stat *figure(const struct pt_sim_result *r, size_t k)
{
	long o = output_index(figure_names[k]);
	if (!r || r->n_rows < 1 || o < 0)
		return NULL;
	return &r->rows[0].stats[o];
}

void pt_ex_run_time_text(double t_min, char *buf, size_t size)
{
	long long m;
	if (!(t_min >= 0) || t_min > 1e12) {
		snprintf(buf, size, "-");
		return;
	}
	m = (long long)floor(t_min + 1e-9);
	snprintf(buf, size, "%02lld:%02lld", m / 60, m % 60);
}

static const char *status_name(enum pt_ex_inject_status s)
{
	switch (s) {
	case PT_EX_PENDING: return "pending";
	case PT_EX_DELIVERED: return "delivered";
	case PT_EX_SKIPPED: return "skipped";
	case PT_EX_CANCELLED: return "cancelled";
	}
	return "";
}

static int has_action(const struct pt_ex_inject *in)
{
	return in->expected_action && in->expected_action[0];
}

/* ---- JSON ---- */

/* Add key: v to o (v stolen); sets *bad when anything is missing or fails. */
static void put(json_t *o, const char *key, json_t *v, int *bad)
{
	if (!o || !v) {
		json_decref(v);
		*bad = 1;
		return;
	}
	if (json_object_set_new(o, key, v) != 0)
		*bad = 1;
}

static void push(json_t *a, json_t *v, int *bad)
{
	if (!a || !v) {
		json_decref(v);
		*bad = 1;
		return;
	}
	if (json_array_append_new(a, v) != 0)
		*bad = 1;
}

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* A JSON string of s; bytes of s that are not UTF-8 (a bad stored row) become
 * U+FFFD rather than failing the whole answer. */
static json_t *jstr(const char *s)
{
	json_t *v = json_string(s ? s : "");
	char *fixed;
	size_t n, i, o = 0;
	if (v || !s)
		return v;
	n = strlen(s);
	if (n > SIZE_MAX / 3 - 1 || !(fixed = malloc(n * 3 + 1)))
		return NULL;
	for (i = 0; i < n;) {
		const char *why = NULL;
		size_t k = pt_utf8_char((const unsigned char *)s + i, n - i, &why);
		if (k) {
			memcpy(fixed + o, s + i, k);
			o += k;
			i += k;
		} else {
			memcpy(fixed + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	v = json_stringn(fixed, o);
	free(fixed);
	return v;
}

static json_t *jtime(double t)
{
	char buf[32];
	if (!(t >= 0))
		return json_null();
	pt_ex_run_time_text(t, buf, sizeof buf);
	return json_string(buf);
}

static json_t *stat_json(const struct pt_mci_stat *st, int *bad)
{
	json_t *o = json_object();
	if (!st) {
		json_decref(o);
		return json_null();
	}
	put(o, "mean", jnum(st->mean), bad);
	put(o, "lo", jnum(st->lo), bad);
	put(o, "hi", jnum(st->hi), bad);
	return o;
}

/* A rerun's (or an outcome's) figures. */
static json_t *figures_json(const struct pt_sim_result *r, int *bad)
{
	json_t *o = json_object(), *hs = json_array();
	size_t k, h;
	put(o, "replications", json_integer((json_int_t)r->replications), bad);
	for (k = 0; k < N_FIGURES; k++)
		put(o, figure_names[k], stat_json(figure(r, k), bad), bad);
	for (h = 0; r->n_rows && h < r->rows[0].n_hospitals; h++) {
		json_t *ho = json_object();
		put(ho, "name", jstr(r->rows[0].hospitals[h].name), bad);
		put(ho, "peak", jnum(r->rows[0].hospitals[h].peak_mean), bad);
		push(hs, ho, bad);
	}
	put(o, "hospitals", hs, bad);
	return o;
}

/* The situation of line at (issue 15 review 3; new reference, NULL: none) and
 * whether it is sent: it differs from the rerun's before it. */
static json_t *line_situation(const struct pt_ex_run_doc *doc, size_t at, int *sent)
{
	json_t *cur = NULL, *prev = NULL;
	size_t i;
	*sent = 0;
	if (!doc->lines[at].sim || !doc->lines[at].sim->n_rows ||
	    !(cur = pt_sim_situation_json(&doc->lines[at].sim->rows[0])))
		return NULL;
	for (i = at; i-- > 0;)
		if (doc->lines[i].ev->kind == PT_EX_EV_SIM_DUE && doc->lines[i].sim &&
		    doc->lines[i].sim->n_rows) {
			prev = pt_sim_situation_json(&doc->lines[i].sim->rows[0]);
			break;
		}
	*sent = pt_sim_situation_changed(cur, prev);
	json_decref(prev);
	return cur;
}

/* The description of inject line at with its placeholders filled (issue 15 review 4): the
 * decisions made by then and the latest rerun's situation at or before its minute (review 15B
 * item 4: a rerun of the same minute first, so that the inject and the situation agree), with
 * "time" the rerun's scenario minute for {sim:time|..}. */
static void line_text(const struct pt_ex_run_doc *doc, size_t at, const char *text, char *out,
		      size_t size)
{
	json_t *sit = NULL;
	size_t i, found = doc->n_lines;
	for (i = at + 1; i < doc->n_lines && doc->lines[i].ev->t_min == doc->lines[at].ev->t_min; i++)
		if (doc->lines[i].ev->kind == PT_EX_EV_SIM_DUE && doc->lines[i].sim &&
		    doc->lines[i].sim->n_rows)
			found = i;
	for (i = at; found == doc->n_lines && i-- > 0;)
		if (doc->lines[i].ev->kind == PT_EX_EV_SIM_DUE && doc->lines[i].sim &&
		    doc->lines[i].sim->n_rows)
			found = i;
	if (found < doc->n_lines &&
	    (sit = pt_sim_situation_json(&doc->lines[found].sim->rows[0])))
		json_object_set_new(sit, "time",
				    json_integer((json_int_t)doc->lines[found].ev->t_min));
	pt_ex_text_fill(doc->sc, text, doc->run->made, doc->run->n_made, doc->lines[at].ev->t_min,
			pt_sim_situation_value, sit, out, size);
	json_decref(sit);
}

static json_t *roles_json(char **ids, size_t n, int *bad)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; i < n; i++)
		push(a, jstr(ids[i]), bad);
	return a;
}

static json_t *line_json(const struct pt_ex_run_doc *doc, const struct pt_ex_run_line *ln,
			 int *bad)
{
	const struct pt_ex_scenario *sc = doc->sc;
	const struct pt_ex_event *ev = ln->ev;
	const struct pt_ex_inject *in = ev->inject < sc->n_injects ? &sc->injects[ev->inject] : NULL;
	const struct pt_ex_made *m = ev->made < doc->run->n_made ? &doc->run->made[ev->made] : NULL;
	json_t *o = json_object();

	put(o, "time", jtime(ev->t_min), bad);
	put(o, "kind", jstr(pt_ex_event_kind_name(ev->kind)), bad);
	switch (ev->kind) {
	case PT_EX_EV_INJECT:
		if (!in)
			break;
		put(o, "seq", json_integer(in->seq), bad);
		put(o, "stage", jstr(in->stage), bad);
		put(o, "type", jstr(pt_ex_inject_type_name(in->type)), bad);
		put(o, "delivery", jstr(in->delivery), bad);
		put(o, "from", jstr(in->from), bad);
		put(o, "to", roles_json(in->to, in->n_to, bad), bad);
		{
			char text[PT_EX_TEXT_MAX + 512];
			line_text(doc, (size_t)(ln - doc->lines), in->description, text, sizeof text);
			put(o, "description", jstr(text), bad);
		}
		put(o, "expected_action", jstr(in->expected_action), bad);
		put(o, "capability",
		    in->capability >= 0 ? jstr(pt_ex_capability_name((size_t)in->capability))
					: json_null(),
		    bad);
		put(o, "deadline", jtime(doc->run->inj[ev->inject].deadline_min), bad);
		put(o, "contingency_of", in->contingency_of ? json_integer(in->contingency_of)
							    : json_null(),
		    bad);
		break;
	case PT_EX_EV_SKIP:
	case PT_EX_EV_CANCEL:
		if (!in)
			break;
		put(o, "seq", json_integer(in->seq), bad);
		if (ev->kind == PT_EX_EV_CANCEL)
			put(o, "contingency_of", json_integer(in->contingency_of), bad);
		break;
	case PT_EX_EV_DONE:
		if (!in)
			break;
		put(o, "seq", json_integer(in->seq), bad);
		put(o, "by", m ? jstr(sc->decisions[m->decision].id) : jstr("facilitator"), bad);
		break;
	case PT_EX_EV_DECISION:
		if (!m)
			break;
		put(o, "decision", jstr(sc->decisions[m->decision].id), bad);
		put(o, "label", jstr(sc->decisions[m->decision].label), bad);
		put(o, "value", jstr(m->value), bad);
		put(o, "role", jstr(m->role), bad);
		break;
	case PT_EX_EV_SHIFT:
	case PT_EX_EV_SPEED:
		put(o, "value", jnum(ev->value), bad);
		break;
	case PT_EX_EV_SIM_DUE:
		put(o, "decisions", json_integer((json_int_t)ln->n_made), bad);
		put(o, "to", roles_json(sc->sim_to, sc->n_sim_to, bad), bad);
		put(o, "figures", ln->sim ? figures_json(ln->sim, bad) : json_null(), bad);
		{
			int sent = 0;
			json_t *sit = line_situation(doc, (size_t)(ln - doc->lines), &sent);
			put(o, "situation", sit ? sit : json_null(), bad);
			put(o, "sent", json_boolean(sit && sent), bad);
		}
		break;
	default:
		break;
	}
	return o;
}

static json_t *injects_json(const struct pt_ex_run_doc *doc, int *bad)
{
	const struct pt_ex_scenario *sc = doc->sc;
	json_t *a = json_array();
	size_t i;
	for (i = 0; i < sc->n_injects; i++) {
		const struct pt_ex_inject *in = &sc->injects[i];
		const struct pt_ex_run_inject *ri = &doc->run->inj[i];
		json_t *o = json_object();
		int action = has_action(in), done = ri->done_min >= 0;
		put(o, "seq", json_integer(in->seq), bad);
		put(o, "status", jstr(status_name(ri->status)), bad);
		put(o, "when", jtime(ri->delivered_min), bad);
		put(o, "expected_action", json_boolean(action), bad);
		put(o, "satisfied_by", action && in->satisfied_by ? jstr(in->satisfied_by) : json_null(),
		    bad);
		put(o, "satisfied_value", /* issue 15: decision_value */
		    action && in->satisfied_value ? jstr(in->satisfied_value) : json_null(), bad);
		put(o, "done", action ? json_boolean(done) : json_null(), bad);
		put(o, "done_at", action && done ? jtime(ri->done_min) : json_null(), bad);
		put(o, "deadline", jtime(ri->deadline_min), bad);
		put(o, "by_deadline",
		    action && ri->deadline_min >= 0
			    ? json_boolean(done && ri->done_min <= ri->deadline_min)
			    : json_null(),
		    bad);
		push(a, o, bad);
	}
	return a;
}

static json_t *compare_json(const struct pt_ex_run_doc *doc, int *bad)
{
	const struct pt_sim_result *a = doc->outcome, *b = doc->baseline;
	json_t *o = json_object(), *outs = json_object(), *hs = json_array();
	size_t k, h;
	put(o, "replications", json_integer((json_int_t)a->replications), bad);
	put(o, "decisions", json_integer((json_int_t)doc->run->n_made), bad);
	put(o, "baseline_decisions", json_integer((json_int_t)doc->sc->n_baseline), bad);
	for (k = 0; k < N_FIGURES; k++) {
		const struct pt_mci_stat *sa = figure(a, k), *sb = figure(b, k);
		json_t *f = json_object();
		put(f, "decisions", stat_json(sa, bad), bad);
		put(f, "baseline", stat_json(sb, bad), bad);
		if (doc->difference && output_index(figure_names[k]) >= 0)
			put(f, "difference",
			    stat_json(&doc->difference[output_index(figure_names[k])], bad), bad);
		else
			put(f, "difference", sa && sb ? jnum(sa->mean - sb->mean) : json_null(), bad);
		put(outs, figure_names[k], f, bad);
	}
	put(o, "outputs", outs, bad);
	for (h = 0; a->n_rows && b->n_rows && h < a->rows[0].n_hospitals &&
		    h < b->rows[0].n_hospitals;
	     h++) {
		json_t *ho = json_object();
		double pa = a->rows[0].hospitals[h].peak_mean, pb = b->rows[0].hospitals[h].peak_mean;
		put(ho, "name", jstr(a->rows[0].hospitals[h].name), bad);
		put(ho, "peak_decisions", jnum(pa), bad);
		put(ho, "peak_baseline", jnum(pb), bad);
		put(ho, "difference", jnum(pa - pb), bad);
		push(hs, ho, bad);
	}
	put(o, "hospitals", hs, bad);
	return o;
}

json_t *pt_ex_run_json(const struct pt_ex_run_doc *doc)
{
	const struct pt_ex_scenario *sc = doc->sc;
	json_t *o = json_object(), *tl = json_array();
	size_t i;
	int bad = 0;
	put(o, "run", jstr(doc->run_id), &bad);
	put(o, "scenario", jstr(sc->id), &bad);
	put(o, "title", jstr(sc->title), &bad);
	put(o, "seed", json_integer((json_int_t)doc->seed), &bad);
	put(o, "simulation", sc->simulation ? jstr(sc->simulation) : json_null(), &bad);
	put(o, "sim_replications", json_integer((json_int_t)sc->sim_replications), &bad);
	put(o, "duration", jtime(sc->duration_min), &bad);
	put(o, "ended", jtime(doc->run->now_min), &bad);
	for (i = 0; i < doc->n_lines && !bad; i++)
		push(tl, line_json(doc, &doc->lines[i], &bad), &bad);
	put(o, "timeline", tl, &bad);
	put(o, "injects", injects_json(doc, &bad), &bad);
	put(o, "outcome",
	    doc->outcome && doc->baseline ? compare_json(doc, &bad) : json_null(), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- the table ---- */

/* s on one line, control characters as spaces, cut to cols characters with "~". */
static void put_cut(FILE *f, const char *s, int cols)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int n = 0;
	while (*p && n < cols) {
		const unsigned char *start = p;
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		if (n == cols - 1 && *p) {
			fputc('~', f);
			return;
		}
		if (*start < 0x20 || *start == 0x7F)
			fputc(' ', f);
		else
			fwrite(start, 1, (size_t)(p - start), f);
		n++;
	}
}

/* "MEAN [LO, HI]" (x 100 for a share), "-" when no replication had a value. */
static void stat_text(const struct pt_mci_stat *st, int percent, char *buf, size_t size)
{
	double k = percent ? 100 : 1;
	if (!st || !isfinite(st->mean))
		snprintf(buf, size, "-");
	else if (!isfinite(st->lo))
		snprintf(buf, size, "%.2f", k * st->mean);
	else
		snprintf(buf, size, "%.2f [%.2f, %.2f]", k * st->mean, k * st->lo, k * st->hi);
}

#define DETAIL_COLS 100 /* the timeline's detail column, characters */
#define INDENT "              " /* under the detail column */

/* s in lines of at most cols characters (bytes) under the detail column, broken at spaces. */
static void put_wrap(FILE *f, const char *s, size_t cols)
{
	size_t len = strlen(s), at = 0;
	while (at < len) {
		size_t n = len - at, cut;
		if (n > cols) {
			for (cut = cols; cut > 0 && s[at + cut] != ' '; cut--)
				;
			n = cut ? cut : cols;
		}
		if (at)
			fprintf(f, "\n" INDENT "    ");
		fwrite(s + at, 1, n, f);
		at += n;
		while (at < len && s[at] == ' ')
			at++;
	}
}


/*
 * The first of the reruns just before line at with the same decisions, or
 * NULL: the same decisions give the same figures (the same random numbers).
 */
static const struct pt_ex_run_line *same_rerun(const struct pt_ex_run_doc *doc, size_t at)
{
	const struct pt_ex_run_line *first = NULL;
	size_t i;
	for (i = at; i-- > 0;) {
		if (doc->lines[i].ev->kind != PT_EX_EV_SIM_DUE || !doc->lines[i].sim)
			continue;
		if (doc->lines[i].n_made != doc->lines[at].n_made)
			break;
		first = &doc->lines[i];
	}
	return first;
}

static void table_line(FILE *f, const struct pt_ex_run_doc *doc, size_t at)
{
	const struct pt_ex_run_line *ln = &doc->lines[at], *same;
	const struct pt_ex_scenario *sc = doc->sc;
	const struct pt_ex_event *ev = ln->ev;
	const struct pt_ex_inject *in = ev->inject < sc->n_injects ? &sc->injects[ev->inject] : NULL;
	const struct pt_ex_made *m = ev->made < doc->run->n_made ? &doc->run->made[ev->made] : NULL;
	char t[32], dl[32];
	size_t k;
	pt_ex_run_time_text(ev->t_min, t, sizeof t);
	fprintf(f, "%-6s %-8s ", t, pt_ex_event_kind_name(ev->kind));
	switch (ev->kind) {
	case PT_EX_EV_INJECT:
		if (!in)
			break;
		fprintf(f, "#%u [%s] %s", in->seq, in->stage, pt_ex_inject_type_name(in->type));
		if (in->delivery && in->delivery[0])
			fprintf(f, " by %s", in->delivery);
		fprintf(f, ", %s -> ", in->from && in->from[0] ? in->from : "-");
		for (k = 0; k < in->n_to; k++)
			fprintf(f, "%s%s", k ? ", " : "", in->to[k]);
		if (in->contingency_of)
			fprintf(f, " (contingency of #%u)", in->contingency_of);
		fprintf(f, "\n" INDENT "  ");
		{
			char text[PT_EX_TEXT_MAX + 512];
			line_text(doc, at, in->description, text, sizeof text);
			put_cut(f, text, DETAIL_COLS);
		}
		if (has_action(in)) {
			fprintf(f, "\n" INDENT "  expected: ");
			put_cut(f, in->expected_action, DETAIL_COLS - 10);
			if (doc->run->inj[ev->inject].deadline_min >= 0) {
				pt_ex_run_time_text(doc->run->inj[ev->inject].deadline_min, dl, sizeof dl);
				fprintf(f, " (by %s)", dl);
			}
		}
		break;
	case PT_EX_EV_SKIP:
		if (in)
			fprintf(f, "#%u skipped", in->seq);
		break;
	case PT_EX_EV_CANCEL:
		if (in)
			fprintf(f, "#%u not needed: the expected action of #%u was done", in->seq,
				in->contingency_of);
		break;
	case PT_EX_EV_DONE:
		if (in)
			fprintf(f, "#%u expected action done (%s%s)", in->seq,
				m ? "decision " : "marked by the facilitator",
				m ? sc->decisions[m->decision].id : "");
		break;
	case PT_EX_EV_DECISION:
		if (!m)
			break;
		fprintf(f, "%s", sc->decisions[m->decision].id);
		if (m->value[0])
			fprintf(f, " = %s", m->value);
		fprintf(f, " (%s): ", m->role);
		put_cut(f, sc->decisions[m->decision].label, 60);
		break;
	case PT_EX_EV_SHIFT:
		fprintf(f, "pending injects moved %+g minutes", ev->value);
		break;
	case PT_EX_EV_SIM_DUE: {
		char a[96];
		fprintf(f, "simulation with %zu decision%s", ln->n_made, ln->n_made == 1 ? "" : "s");
		if (!ln->sim)
			break;
		fprintf(f, " (%zu replications)", ln->sim->replications);
		{
			int sent = 0;
			json_t *sit = line_situation(doc, at, &sent);
			if (sit) {
				char words[2048];
				fprintf(f, "\n" INDENT "  ");
				if (sent) {
					fprintf(f, "situation to ");
					for (k = 0; k < sc->n_sim_to; k++)
						fprintf(f, "%s%s", k ? ", " : "", sc->sim_to[k]);
					fprintf(f, " (minute %.0f of the attack):\n" INDENT "    ",
						json_real_value(json_object_get(sit, "minute")));
					pt_sim_situation_words(sit, words, sizeof words);
					put_wrap(f, words, DETAIL_COLS - 4);
				} else {
					fprintf(f, "situation unchanged: nothing sent to the players");
				}
				json_decref(sit);
			}
		}
		fprintf(f, "\n" INDENT "  projected outcome (controllers only)");
		if ((same = same_rerun(doc, at))) {
			pt_ex_run_time_text(same->ev->t_min, a, sizeof a);
			fprintf(f, ": the same as at %s", a);
			break;
		}
		stat_text(figure(ln->sim, 0), 0, a, sizeof a);
		fprintf(f, ": deaths %s", a);
		stat_text(figure(ln->sim, 4), 1, a, sizeof a);
		fprintf(f, "; critical mortality (%%) %s", a);
		stat_text(figure(ln->sim, 5), 0, a, sizeof a);
		fprintf(f, "\n" INDENT "  first treatment of the critically injured (min) %s", a);
		if (ln->sim->n_rows && ln->sim->rows[0].n_hospitals) {
			const struct pt_sim_row *row = &ln->sim->rows[0];
			fprintf(f, "\n" INDENT "  peak patients:");
			for (k = 0; k < row->n_hospitals; k++) {
				fputc(' ', f);
				put_cut(f, row->hospitals[k].name, 40);
				fprintf(f, " %.1f%s", row->hospitals[k].peak_mean,
					k + 1 < row->n_hospitals ? ";" : "");
			}
		}
		break;
	}
	case PT_EX_EV_ENDEX:
		fprintf(f, "end of the exercise");
		break;
	default:
		break;
	}
	fputc('\n', f);
}

/* The injects whose expected action was late or not done (delivered ones). */
static void table_late(FILE *f, const struct pt_ex_run_doc *doc)
{
	const struct pt_ex_scenario *sc = doc->sc;
	size_t i, n = 0, n_unmarked = 0;
	fprintf(f, "\nEXPECTED ACTIONS LATE OR NOT DONE\n");
	for (i = 0; i < sc->n_injects; i++) {
		const struct pt_ex_inject *in = &sc->injects[i];
		const struct pt_ex_run_inject *ri = &doc->run->inj[i];
		char when[32], dl[32], done[32];
		if (!has_action(in) || ri->status != PT_EX_DELIVERED)
			continue;
		if (ri->done_min >= 0 && !(ri->deadline_min >= 0 && ri->done_min > ri->deadline_min))
			continue;
		if (doc->headless && ri->done_min < 0 && !in->satisfied_by) {
			n_unmarked++;
			continue;
		}
		if (n++ == 0)
			fprintf(f, "%-7s %-6s %-8s %-8s %s\n", "SEQ", "SENT", "DEADLINE", "DONE",
				"EXPECTED ACTION");
		pt_ex_run_time_text(ri->delivered_min, when, sizeof when);
		pt_ex_run_time_text(ri->deadline_min, dl, sizeof dl);
		if (ri->done_min >= 0)
			pt_ex_run_time_text(ri->done_min, done, sizeof done);
		else
			snprintf(done, sizeof done, "not done");
		fprintf(f, "#%-6u %-6s %-8s %-8s ", in->seq, when, dl, done);
		put_cut(f, in->expected_action, DETAIL_COLS);
		fputc('\n', f);
	}
	if (n == 0)
		fprintf(f, "none\n");
	if (n_unmarked) {
		size_t k = 0;
		fprintf(f, "no decision satisfies the expected action%s of", n_unmarked == 1 ? "" : "s");
		for (i = 0; i < sc->n_injects; i++) {
			const struct pt_ex_inject *in = &sc->injects[i];
			const struct pt_ex_run_inject *ri = &doc->run->inj[i];
			if (!has_action(in) || ri->status != PT_EX_DELIVERED || ri->done_min >= 0 ||
			    in->satisfied_by)
				continue;
			fprintf(f, "%s #%u", k++ ? "," : "", in->seq);
		}
		fprintf(f, ": in a live run the facilitator marks %s done\n",
			n_unmarked == 1 ? "it" : "them");
	}
}

static void table_compare(FILE *f, const struct pt_ex_run_doc *doc)
{
	const struct pt_sim_result *a = doc->outcome, *b = doc->baseline;
	size_t k, h;
	fprintf(f, "\nOUTCOME OF THE DECISIONS MADE (%zu) VS THE BASELINE (%zu)\n",
		doc->run->n_made, doc->sc->n_baseline);
	fprintf(f, "%zu replications each, seed %llu, the same random numbers; mean [95%% "
		   "confidence interval of the mean]; the difference paired by replication\n",
		a->replications, (unsigned long long)doc->seed);
	fprintf(f, "%-24s %-26s %-26s %s\n", "OUTPUT", "DECISIONS MADE", "BASELINE", "DIFFERENCE");
	for (k = 0; k < N_FIGURES; k++) {
		const struct pt_mci_stat *sa = figure(a, k), *sb = figure(b, k);
		int pct = strcmp(figure_names[k], "critical_mortality") == 0;
		char ca[96], cb[96], diff[48];
		stat_text(sa, pct, ca, sizeof ca);
		stat_text(sb, pct, cb, sizeof cb);
		if (doc->difference && output_index(figure_names[k]) >= 0) {
			const struct pt_mci_stat *sd = &doc->difference[output_index(figure_names[k])];
			double m = pct ? 100 : 1;
			if (!isfinite(sd->mean))
				snprintf(diff, sizeof diff, "-");
			else if (!isfinite(sd->lo))
				snprintf(diff, sizeof diff, "%+.2f", m * sd->mean);
			else
				snprintf(diff, sizeof diff, "%+.2f [%+.2f, %+.2f]", m * sd->mean,
					 m * sd->lo, m * sd->hi);
		} else if (sa && sb && isfinite(sa->mean) && isfinite(sb->mean)) {
			snprintf(diff, sizeof diff, "%+.2f", (pct ? 100 : 1) * (sa->mean - sb->mean));
		} else {
			snprintf(diff, sizeof diff, "-");
		}
		fprintf(f, "%-24s %-26s %-26s %s\n", pct ? "critical_mortality (%)" : figure_names[k],
			ca, cb, diff);
	}
	if (a->n_rows && b->n_rows && a->rows[0].n_hospitals) {
		fprintf(f, "\n%-40s %-16s %-16s %s\n", "HOSPITAL (mean peak patients)", "DECISIONS MADE",
			"BASELINE", "DIFFERENCE");
		for (h = 0; h < a->rows[0].n_hospitals && h < b->rows[0].n_hospitals; h++) {
			double pa = a->rows[0].hospitals[h].peak_mean, pb = b->rows[0].hospitals[h].peak_mean;
			char cell[48];
			int w;
			put_cut(f, a->rows[0].hospitals[h].name, 40);
			/* pad to 40 characters */
			{
				const unsigned char *p = (const unsigned char *)a->rows[0].hospitals[h].name;
				int n = 0;
				for (; *p; p++)
					n += (*p & 0xC0) != 0x80;
				for (w = n < 40 ? n : 40; w < 40; w++)
					fputc(' ', f);
			}
			snprintf(cell, sizeof cell, "%.2f", pa);
			fprintf(f, " %-16s", cell);
			snprintf(cell, sizeof cell, "%.2f", pb);
			fprintf(f, " %-16s %+.2f\n", cell, pa - pb);
		}
	}
}

enum pt_err pt_ex_run_table(FILE *f, const struct pt_ex_run_doc *doc)
{
	const struct pt_ex_scenario *sc = doc->sc;
	char dur[32];
	size_t i;
	pt_ex_run_time_text(sc->duration_min, dur, sizeof dur);
	fprintf(f, "exercise: ");
	put_cut(f, sc->title, 120);
	fprintf(f, " (%s), %s\n", sc->id, dur);
	fprintf(f, "run %s, seed %llu, headless: scenario time only\n", doc->run_id,
		(unsigned long long)doc->seed);
	fprintf(f, "\n%-6s %-8s %s\n", "TIME", "EVENT", "DETAIL");
	for (i = 0; i < doc->n_lines; i++)
		table_line(f, doc, i);
	table_late(f, doc);
	if (doc->outcome && doc->baseline)
		table_compare(f, doc);
	return ferror(f) ? PT_EIO : PT_OK;
}
