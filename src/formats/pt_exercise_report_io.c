/* pt_exercise_report_io.c - the after-action report of an exercise run as one
 * printable HTML page (overview, timeline, ratings, simulated outcome,
 * improvement plan) and the improvement plan as CSV (issue 15). */
#include "pt_exercise_report_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pt_html.h"
#include "pt_csv.h"
#include "pt_exercise_run_io.h"
#include "pt_marking_io.h"

/* ---- the data ------------------------------------------------------------ */

void pt_ex_report_free(struct pt_ex_report *r)
{
	size_t i;
	if (!r)
		return;
	free(r->endex_text);
	pt_ex_scenario_free(r->sc);
	free(r->inj);
	for (i = 0; r->sent && i < r->n_sent; i++)
		free(r->sent[i]);
	free(r->sent);
	free(r->people);
	free(r->made);
	for (i = 0; i < r->n_obs; i++)
		free(r->obs[i].text);
	free(r->obs);
	for (i = 0; i < r->n_ratings; i++)
		free(r->ratings[i].note);
	free(r->ratings);
	for (i = 0; i < r->n_items; i++) {
		free(r->items[i].issue);
		free(r->items[i].action);
		free(r->items[i].analysis);
	}
	free(r->items);
	for (i = 0; i < r->n_entries; i++)
		free(r->entries[i].text);
	free(r->entries);
	for (i = 0; i < r->n_marks; i++)
		free(r->marks[i].text);
	free(r->marks);
	pt_sim_result_free(r->outcome.run);
	pt_sim_result_free(r->outcome.baseline);
	free(r->outcome.diff);
	free(r);
}

void pt_ex_report_item_status(struct pt_ex_report_item *it)
{
	const char *s = "open";
	if (it->linked_measure[0]) {
		if (!it->measure_state[0])
			s = "linked";
		else if (strcmp(it->measure_state, "existing") == 0)
			s = "in place";
		else
			s = it->measure_state;
	} else if (it->given_status[0]) {
		s = it->given_status;
	} else if (it->noted_site[0]) {
		s = "noted";
	}
	snprintf(it->status, sizeof it->status, "%s", s);
}

const char *pt_ex_report_rating_meaning(char rating)
{
	switch (rating) {
	case 'P': return "Performed without challenges";
	case 'S': return "Performed with some challenges";
	case 'M': return "Performed with major challenges";
	case 'U': return "Unable to be performed";
	default: return "";
	}
}

/* ---- HTML helpers ---------------------------------------------------------- */

/* A table cell with escaped text ("-" for empty). */
static void td(FILE *f, const char *s)
{
	fputs("<td>", f);
	pt_html_text(f, s && *s ? s : "-");
	fputs("</td>", f);
}

static void tdn(FILE *f, const char *s)
{
	fputs("<td class=\"n\">", f);
	pt_html_text(f, s && *s ? s : "-");
	fputs("</td>", f);
}

static void row(FILE *f, const char *label, const char *value)
{
	fputs("<tr><th scope=\"row\">", f);
	pt_html_text(f, label);
	fputs("</th>", f);
	td(f, value);
	fputs("</tr>\n", f);
}

static void wall_text(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t <= 0 || !gmtime_r(&tt, &tm)) {
		snprintf(buf, size, "-");
		return;
	}
	strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
}

static const char *cap_name(int i)
{
	const char *s = i >= 0 ? pt_ex_capability_name((size_t)i) : NULL;
	return s ? s : "";
}

static const char *inject_status(enum pt_ex_inject_status s)
{
	switch (s) {
	case PT_EX_PENDING: return "pending";
	case PT_EX_DELIVERED: return "delivered";
	case PT_EX_SKIPPED: return "skipped";
	case PT_EX_CANCELLED: return "cancelled";
	default: return "";
	}
}

static const char *role_name(const struct pt_ex_scenario *sc, const char *id)
{
	int i = pt_ex_role_find(sc, id);
	return i >= 0 ? sc->roles[i].name : id;
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>After-action report</title>\n<style>\n"
	"body{font-family:system-ui,sans-serif;margin:2em auto;max-width:64em;padding:0 1em;"
	"color:#1a1a1a;line-height:1.4}\n"
	"h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #999}\n"
	"h3{font-size:1.05em;margin-top:1.2em}\n"
	"table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
	"th,td{text-align:left;vertical-align:top;padding:.25em .5em;border-bottom:1px solid #ddd}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"table.summary th{width:14em;font-weight:600}\n"
	".late{color:#a00;font-weight:600}.ontime{color:#060}\n"
	"ul{margin:.2em 0 .2em 1.2em;padding:0}\n"
	".note{color:#444}.meta{color:#555;font-size:.85em}\n"
	"td{overflow-wrap:break-word}td.late,td.ontime{white-space:nowrap}\n"
	"@media print{body{margin:0;max-width:none;font-size:9.5pt}"
	"h2,h3{break-after:avoid}tr{break-inside:avoid}}\n"
	/* the TLP marking: thead and tfoot repeat on every printed page (as the plan's page) */
	"table.tlp-page,table.tlp-page>*>tr>td{border:0;padding:0;margin:0}\n"
	"table.tlp-page>tbody>tr>td{white-space:normal}\n"
	"table.tlp-page>tbody>tr{break-inside:auto}\n"
	"table.tlp-page>thead>tr>td,table.tlp-page>tfoot>tr>td{text-align:right;padding:.3em 0}\n"
	".tlp{font-weight:700;font-family:monospace;padding:.1em .4em;"
	"print-color-adjust:exact;-webkit-print-color-adjust:exact}\n"
	"</style>\n</head>\n<body>\n";

/* ---- sections ------------------------------------------------------------- */

/* Scenario minute t as the clock time of day with the scenario's H-hour ("08:50"). */
static void clock_text(const struct pt_ex_scenario *sc, double t, char *buf, size_t size)
{
	long m = (long)floor((double)sc->h_hour_min + t + 1e-9);
	m = ((m % 1440) + 1440) % 1440;
	snprintf(buf, size, "%02ld:%02ld", m / 60, m % 60);
}

/* The H-hour and the run's own attack time (issue 15 review 2, item 9): a shift made before the
 * attack moved it, so the scenario's text may name another time. */
static void html_attack(FILE *f, const struct pt_ex_report *r)
{
	const struct pt_ex_scenario *sc = r->sc;
	char buf[256], t[32], ft[32], c[16], fc[16];
	double moved = r->sim_start_min - (double)sc->sim_start_min;
	if (sc->h_hour_min >= 0) {
		snprintf(buf, sizeof buf, "%02d:%02d (the clock time of scenario time 00:00)",
			 sc->h_hour_min / 60, sc->h_hour_min % 60);
		row(f, "H-hour", buf);
	}
	if (!sc->simulation)
		return;
	pt_ex_run_time_text(r->sim_start_min, t, sizeof t);
	pt_ex_run_time_text((double)sc->sim_start_min, ft, sizeof ft);
	clock_text(sc, r->sim_start_min, c, sizeof c);
	clock_text(sc, (double)sc->sim_start_min, fc, sizeof fc);
	if (fabs(moved) < 1e-9)
		snprintf(buf, sizeof buf, "scenario time %s%s%s%s, as the scenario plans it", t,
			 sc->h_hour_min >= 0 ? " (" : "", sc->h_hour_min >= 0 ? c : "",
			 sc->h_hour_min >= 0 ? ")" : "");
	else
		snprintf(buf, sizeof buf,
			 "scenario time %s%s%s%s in this run: the clock shifts moved it by %+g min "
			 "from the scenario's %s%s%s%s",
			 t, sc->h_hour_min >= 0 ? " (" : "", sc->h_hour_min >= 0 ? c : "",
			 sc->h_hour_min >= 0 ? ")" : "", moved, ft, sc->h_hour_min >= 0 ? " (" : "",
			 sc->h_hour_min >= 0 ? fc : "", sc->h_hour_min >= 0 ? ")" : "");
	row(f, "Attack (simulation minute 0)", buf);
}

static void html_overview(FILE *f, const struct pt_ex_report *r)
{
	const struct pt_ex_scenario *sc = r->sc;
	char buf[PT_EX_NAME_MAX + PT_EX_ID_MAX + 64], t[32];
	size_t i, j;

	fputs("<h2>Overview</h2>\n<table class=\"summary\">\n", f);
	snprintf(buf, sizeof buf, "%lld", r->run_id);
	row(f, "Run", buf);
	row(f, "Title", r->title);
	snprintf(buf, sizeof buf, "%s (%s)", sc->title, sc->id);
	row(f, "Exercise scenario", buf);
	if (sc->description && *sc->description)
		row(f, "Scenario", sc->description);
	html_attack(f, r);
	wall_text(r->created_at, t, sizeof t);
	snprintf(buf, sizeof buf, "%s by %s", t, r->created_by);
	row(f, "Created", buf);
	wall_text(r->started_at, t, sizeof t);
	row(f, "Started", t);
	wall_text(r->ended_at, t, sizeof t);
	row(f, "Ended (ENDEX)", r->ended_at ? t : "not ended");
	if (r->endex_text && *r->endex_text)
		row(f, "ENDEX message", r->endex_text);
	pt_ex_run_time_text(r->now_min, t, sizeof t);
	snprintf(buf, sizeof buf, "%s of %02d:%02d (clock %s)", t, sc->duration_min / 60,
		 sc->duration_min % 60, r->clock_state);
	row(f, "Scenario time reached", buf);
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)r->seed);
	row(f, "Simulation seed", buf);
	row(f, "Marking", pt_marking_label(r->tlp));
	fputs("</table>\n", f);

	fputs("<h3>Participants by role and organisation</h3>\n", f);
	if (!r->n_people) {
		fputs("<p>No participants.</p>\n", f);
		return;
	}
	fputs("<table>\n<thead><tr><th>Part</th><th>Exercise role</th><th>Plays for</th>"
	      "<th>User</th><th>Organisation</th></tr></thead>\n<tbody>\n",
	      f);
	/* facilitators, evaluators, then players in the scenario's role order */
	static const char *const parts[] = {"facilitator", "evaluator"};
	for (j = 0; j < 2; j++)
		for (i = 0; i < r->n_people; i++) {
			const struct pt_ex_report_person *p = &r->people[i];
			if (strcmp(p->part, parts[j]) != 0)
				continue;
			fputs("<tr>", f);
			snprintf(buf, sizeof buf, "%s%s", p->part, p->lead ? " (lead)" : "");
			td(f, buf);
			td(f, "");
			td(f, "");
			td(f, p->user);
			td(f, p->org);
			fputs("</tr>\n", f);
		}
	for (j = 0; j < sc->n_roles; j++)
		for (i = 0; i < r->n_people; i++) {
			const struct pt_ex_report_person *p = &r->people[i];
			if (strcmp(p->part, "player") != 0 || strcmp(p->role, sc->roles[j].id) != 0)
				continue;
			fputs("<tr>", f);
			td(f, "player");
			td(f, sc->roles[j].name);
			td(f, sc->roles[j].organisation);
			td(f, p->user);
			td(f, p->org);
			fputs("</tr>\n", f);
		}
	fputs("</tbody>\n</table>\n", f);
	for (j = 0; j < sc->n_roles; j++) {
		for (i = 0; i < r->n_people; i++)
			if (strcmp(r->people[i].role, sc->roles[j].id) == 0)
				break;
		if (i == r->n_people) {
			fputs("<p class=\"note\">Roles nobody played: ", f);
			size_t k, n = 0;
			for (k = j; k < sc->n_roles; k++) {
				for (i = 0; i < r->n_people; i++)
					if (strcmp(r->people[i].role, sc->roles[k].id) == 0)
						break;
				if (i < r->n_people)
					continue;
				if (n++)
					fputs(", ", f);
				pt_html_text(f, sc->roles[k].name);
			}
			fputs(".</p>\n", f);
			break;
		}
	}
}

/* Who did inject i's expected action: the decision's maker and role, or the facilitator. */
static void done_by(const struct pt_ex_report *r, const struct pt_ex_run_inject *ri, char *buf,
		    size_t size)
{
	if (ri->done_min < 0)
		snprintf(buf, size, "-");
	else if (ri->done_by == UINT32_MAX)
		snprintf(buf, size, "marked done by the facilitator");
	else if (ri->done_by < r->n_made) {
		const struct pt_ex_report_made *m = &r->made[ri->done_by];
		const char *label = m->m.decision < r->sc->n_decisions
					    ? r->sc->decisions[m->m.decision].label
					    : "a decision";
		snprintf(buf, size, "%s%s%s (%s, %s)", label, m->m.value[0] ? ": " : "", m->m.value,
			 m->user, role_name(r->sc, m->m.role));
		pt_utf8_cut(buf);
	} else
		snprintf(buf, size, "a decision");
}

/* The time inject i is listed under: when it was delivered; else (pending, skipped, or a
 * contingency cancelled as not needed) when it was due in the run, so that every inject keeps its
 * place in the MSEL's order, shifts included. */
static double listed_min(const struct pt_ex_report *r, size_t i)
{
	const struct pt_ex_run_inject *ri = &r->inj[i];
	return ri->status == PT_EX_DELIVERED && ri->delivered_min >= 0 ? ri->delivered_min
								       : ri->due_min;
}

/* The injects' indexes into order[] by the time they are listed under, then seq. */
static void timeline_order(const struct pt_ex_report *r, size_t *order)
{
	const struct pt_ex_scenario *sc = r->sc;
	size_t i, k;
	for (i = 0; i < sc->n_injects; i++) {
		double t = listed_min(r, i);
		for (k = i; k > 0; k--) {
			double u = listed_min(r, order[k - 1]);
			if (u < t || (u == t && sc->injects[order[k - 1]].seq < sc->injects[i].seq))
				break;
			order[k] = order[k - 1];
		}
		order[k] = i;
	}
}

static void html_timeline(FILE *f, const struct pt_ex_report *r)
{
	const struct pt_ex_scenario *sc = r->sc;
	size_t i, j, k, n_delivered = 0, n_skipped = 0, n_cancelled = 0, n_pending = 0;
	size_t n_actions = 0, n_done = 0, n_late = 0, *order;
	char t[32], buf[512];

	for (i = 0; i < sc->n_injects; i++) {
		const struct pt_ex_run_inject *ri = &r->inj[i];
		n_delivered += ri->status == PT_EX_DELIVERED;
		n_skipped += ri->status == PT_EX_SKIPPED;
		n_cancelled += ri->status == PT_EX_CANCELLED;
		n_pending += ri->status == PT_EX_PENDING;
		if (ri->status == PT_EX_DELIVERED && sc->injects[i].expected_action &&
		    *sc->injects[i].expected_action) {
			n_actions++;
			n_done += ri->done_min >= 0;
			n_late += ri->done_min >= 0 && ri->deadline_min >= 0 &&
				  ri->done_min > ri->deadline_min;
		}
	}
	fputs("<h2>Timeline</h2>\n<p>", f);
	pt_html_textf(f,
	      "%zu injects: %zu delivered, %zu skipped, %zu cancelled (contingencies not needed), "
	      "%zu never delivered. Expected actions of the injects delivered: %zu, done %zu "
	      "(%zu after their deadline). Decisions made: %zu.",
	      sc->n_injects, n_delivered, n_skipped, n_cancelled, n_pending, n_actions, n_done,
	      n_late, r->n_made);
	fputs("</p>\n<h3>Injects</h3>\n<table>\n<thead><tr><th class=\"n\">Time</th><th>#</th>"
	      "<th>Inject</th><th>Status</th><th>Expected action</th><th>Done</th>"
	      "<th>On time</th></tr></thead>\n<tbody>\n",
	      f);
	order = sc->n_injects ? malloc(sc->n_injects * sizeof *order) : NULL;
	if (order)
		timeline_order(r, order);
	for (j = 0; j < sc->n_injects; j++) {
		const size_t x = order ? order[j] : j;
		const struct pt_ex_inject *in = &sc->injects[x];
		const struct pt_ex_run_inject *ri = &r->inj[x];
		const char *sent = x < r->n_sent ? r->sent[x] : NULL;
		int action = in->expected_action && *in->expected_action;
		int stage = pt_ex_stage_find(sc, in->stage);
		fputs("<tr>", f);
		pt_ex_run_time_text(listed_min(r, x), t, sizeof t);
		if (fabs(listed_min(r, x) - (double)in->t_min) > 1e-9) {
			/* shifted or triggered early: the MSEL's time too */
			char ft[32];
			pt_ex_run_time_text((double)in->t_min, ft, sizeof ft);
			fputs("<td class=\"n\">", f);
			pt_html_text(f, t);
			fputs("<div class=\"meta\">", f);
			pt_html_textf(f, "file %s", ft);
			fputs("</div></td>", f);
		} else
			tdn(f, t);
		snprintf(buf, sizeof buf, "%u", in->seq);
		td(f, buf);
		/* the inject: stage, type, sender and roles on a line of their own, then its text */
		fputs("<td><div class=\"meta\">", f);
		pt_html_text(f, stage >= 0 ? sc->stages[stage].name : in->stage);
		fputs(" &middot; ", f);
		pt_html_text(f, pt_ex_inject_type_name(in->type));
		fputs(" &middot; ", f);
		pt_html_text(f, in->from && *in->from ? in->from : "-");
		fputs(" &rarr; ", f);
		for (k = 0; k < in->n_to; k++) {
			if (k)
				fputs(", ", f);
			pt_html_text(f, role_name(sc, in->to[k]));
		}
		fputs("</div>", f);
		/* what the players read (issue 15 review 2, item 3); the MSEL's template as the
		 * controllers' note when the run filled it differently */
		if (!sent && ri->status != PT_EX_DELIVERED)
			/* review 15C item D: nobody received it, so the template is the note too */
			pt_html_text(f, "(not delivered: nobody received it)");
		else
			pt_html_text(f, sent ? sent : in->description);
		if ((sent && strcmp(sent, in->description) != 0) ||
		    (!sent && ri->status != PT_EX_DELIVERED)) {
			fputs("<div class=\"meta\">", f);
			pt_html_text(f, "Controller's note, the MSEL's text: ");
			pt_html_text(f, in->description);
			fputs("</div>", f);
		}
		fputs("</td>", f);
		snprintf(buf, sizeof buf, "%s%s", inject_status(ri->status),
			 in->contingency_of ? " (contingency)" : "");
		if (ri->status == PT_EX_CANCELLED || ri->status == PT_EX_SKIPPED) {
			char at[32];
			pt_ex_run_time_text(ri->delivered_min, at, sizeof at);
			snprintf(buf, sizeof buf, "%s at %s%s", inject_status(ri->status), at,
				 !in->contingency_of ? ""
				 : ri->status == PT_EX_CANCELLED ? " (contingency not needed)"
								 : " (contingency)");
		}
		td(f, buf);
		fputs("<td>", f);
		if (action) {
			pt_html_text(f, in->expected_action);
			pt_ex_run_time_text(ri->deadline_min, t, sizeof t);
			fputs("<div class=\"meta\">", f);
			pt_html_textf(f, "deadline %s", ri->deadline_min >= 0 ? t : "none");
			fputs("</div>", f);
		} else
			fputs("-", f);
		fputs("</td><td>", f);
		if (action && ri->done_min >= 0) {
			pt_ex_run_time_text(ri->done_min, t, sizeof t);
			done_by(r, ri, buf, sizeof buf);
			pt_html_text(f, t);
			fputs("<div class=\"meta\">", f);
			pt_html_text(f, buf);
			fputs("</div>", f);
		} else
			fputs("-", f);
		fputs("</td>", f);
		if (!action || ri->status != PT_EX_DELIVERED)
			td(f, "");
		else if (ri->done_min < 0)
			fputs("<td class=\"late\">not done</td>", f);
		else if (ri->deadline_min < 0)
			td(f, "no deadline");
		else if (ri->done_min <= ri->deadline_min)
			fputs("<td class=\"ontime\">on time</td>", f);
		else {
			fputs("<td class=\"late\">", f);
			pt_html_textf(f, "late by %.0f min", ceil(ri->done_min - ri->deadline_min - 1e-9));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	free(order);
	fputs("</tbody>\n</table>\n<h3>Decisions</h3>\n", f);
	if (!r->n_made) {
		fputs("<p>No decision was made.</p>\n", f);
		return;
	}
	fputs("<table>\n<thead><tr><th class=\"n\">Time</th><th>Decision</th><th>Value</th>"
	      "<th>Role</th><th>By</th><th>Reaches the simulation</th></tr></thead>\n<tbody>\n",
	      f);
	for (i = 0; i < r->n_made; i++) {
		const struct pt_ex_report_made *m = &r->made[i];
		const struct pt_ex_decision *dec =
			m->m.decision < sc->n_decisions ? &sc->decisions[m->m.decision] : NULL;
		fputs("<tr>", f);
		pt_ex_run_time_text(m->m.t_min, t, sizeof t);
		tdn(f, t);
		td(f, dec ? dec->label : "?");
		td(f, m->m.value);
		td(f, role_name(sc, m->m.role));
		td(f, m->user);
		td(f, dec && dec->apply != PT_EX_APPLY_LOG ? dec->path : "no (logged)");
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

static void obs_list(FILE *f, const struct pt_ex_report *r, const char *kind, const char *target,
		     int capability, const char *title)
{
	size_t i, n = 0;
	char t[32];
	for (i = 0; i < r->n_obs; i++) {
		const struct pt_ex_report_obs *o = &r->obs[i];
		if (strcmp(o->kind, kind) != 0)
			continue;
		if (target ? strcmp(o->target, target) != 0
			   : (o->target[0] || o->capability != capability))
			continue;
		if (!n++) {
			fputs("<p><strong>", f);
			pt_html_text(f, title);
			fputs("</strong></p>\n<ul>\n", f);
		}
		pt_ex_run_time_text(o->t_min, t, sizeof t);
		fputs("<li>", f);
		pt_html_text(f, o->text);
		fputs(" <span class=\"note\">(", f);
		pt_html_textf(f, "%s, %s", o->user, t);
		fputs(")</span></li>\n", f);
	}
	if (n)
		fputs("</ul>\n", f);
}

static void html_ratings(FILE *f, const struct pt_ex_report *r)
{
	const struct pt_ex_scenario *sc = r->sc;
	size_t o, t, i, k;
	char buf[256];

	fputs("<h2>Ratings per capability target</h2>\n<p class=\"note\">HSEEP ratings: ", f);
	for (k = 0; k < 4; k++) {
		char c = "PSMU"[k];
		pt_html_textf(f, "%s%c: %s", k ? "; " : "", c, pt_ex_report_rating_meaning(c));
	}
	fputs(". The final rating is the facilitator's where evaluators differ.</p>\n", f);
	for (o = 0; o < sc->n_objectives; o++) {
		const struct pt_ex_objective *ob = &sc->objectives[o];
		fputs("<h3>", f);
		pt_html_text(f, cap_name(ob->capability));
		fputs(": ", f);
		pt_html_text(f, ob->text); /* up to PT_EX_TEXT_MAX: never through htmlf's buffer */
		fputs("</h3>\n", f);
		for (t = 0; t < ob->n_targets; t++) {
			const struct pt_ex_target *tg = &ob->targets[t];
			const struct pt_ex_report_rating *fin = NULL;
			size_t n = 0;
			fputs("<table>\n<tbody>\n<tr><th scope=\"row\" style=\"width:14em\">", f);
			pt_html_textf(f, "Target %s", tg->id);
			fputs("</th>", f);
			td(f, tg->text);
			fputs("</tr>\n<tr><th scope=\"row\">Critical tasks</th><td><ul>", f);
			for (k = 0; k < tg->n_tasks; k++) {
				fputs("<li>", f);
				pt_html_text(f, tg->tasks[k]);
				fputs("</li>", f);
			}
			fputs("</ul></td></tr>\n<tr><th scope=\"row\">Evaluators' ratings</th><td>", f);
			for (i = 0; i < r->n_ratings; i++) {
				const struct pt_ex_report_rating *ra = &r->ratings[i];
				if (strcmp(ra->target, tg->id) != 0)
					continue;
				if (ra->final) {
					fin = ra;
					continue;
				}
				fputs(n++ ? "<br>" : "", f);
				pt_html_textf(f, "%c (%s) by %s", ra->rating,
				      pt_ex_report_rating_meaning(ra->rating), ra->user);
				if (ra->note && *ra->note) {
					fputs(": ", f);
					pt_html_text(f, ra->note);
				}
			}
			if (!n)
				fputs("not rated", f);
			fputs("</td></tr>\n<tr><th scope=\"row\">Final rating</th><td>", f);
			if (fin) {
				fputs("<strong>", f);
				pt_html_textf(f, "%c (%s)", fin->rating, pt_ex_report_rating_meaning(fin->rating));
				fputs("</strong>", f);
				pt_html_textf(f, " by %s", fin->user);
				if (fin->note && *fin->note) {
					fputs(": ", f);
					pt_html_text(f, fin->note);
				}
			} else {
				/* one evaluator, or all agreeing: that rating stands */
				char one = 0;
				int agree = 1;
				size_t raters = 0;
				for (i = 0; i < r->n_ratings; i++) {
					if (r->ratings[i].final || strcmp(r->ratings[i].target, tg->id))
						continue;
					raters++;
					if (!one)
						one = r->ratings[i].rating;
					else if (one != r->ratings[i].rating)
						agree = 0;
				}
				if (one && raters == 1)
					pt_html_textf(f, "%c (%s), the one evaluator's rating", one,
					      pt_ex_report_rating_meaning(one));
				else if (one && agree)
					pt_html_textf(f, "%c (%s), the %zu evaluators agreeing", one,
					      pt_ex_report_rating_meaning(one), raters);
				else if (one)
					fputs("not set: the evaluators differ and the facilitator has "
					      "not given a final rating",
					      f);
				else
					fputs("not rated", f);
			}
			fputs("</td></tr>\n</tbody>\n</table>\n", f);
			snprintf(buf, sizeof buf, "Strengths (%s)", tg->id);
			obs_list(f, r, "strength", tg->id, -1, buf);
			snprintf(buf, sizeof buf, "Areas for improvement (%s)", tg->id);
			obs_list(f, r, "improvement", tg->id, -1, buf);
			snprintf(buf, sizeof buf, "Observations (%s)", tg->id);
			obs_list(f, r, "observation", tg->id, -1, buf);
		}
		/* observed of the capability, no target named */
		for (k = 0; k < o; k++)
			if (sc->objectives[k].capability == ob->capability)
				break;
		if (k == o) {
			snprintf(buf, sizeof buf, "Strengths (%s)", cap_name(ob->capability));
			obs_list(f, r, "strength", NULL, ob->capability, buf);
			snprintf(buf, sizeof buf, "Areas for improvement (%s)", cap_name(ob->capability));
			obs_list(f, r, "improvement", NULL, ob->capability, buf);
			snprintf(buf, sizeof buf, "Observations (%s)", cap_name(ob->capability));
			obs_list(f, r, "observation", NULL, ob->capability, buf);
		}
	}
	/* observations of no objective's capability and no target */
	{
		size_t n = 0;
		for (i = 0; i < r->n_obs; i++) {
			const struct pt_ex_report_obs *ob = &r->obs[i];
			char tm[32];
			if (ob->target[0])
				continue;
			for (o = 0; o < sc->n_objectives; o++)
				if (ob->capability >= 0 && sc->objectives[o].capability == ob->capability)
					break;
			if (o < sc->n_objectives)
				continue;
			if (!n++)
				fputs("<h3>Other observations</h3>\n<ul>\n", f);
			pt_ex_run_time_text(ob->t_min, tm, sizeof tm);
			fputs("<li>", f);
			pt_html_textf(f, "%s%s%s: ", ob->kind, ob->capability >= 0 ? ", " : "",
			      cap_name(ob->capability));
			pt_html_text(f, ob->text);
			fputs(" <span class=\"note\">(", f);
			pt_html_textf(f, "%s, %s", ob->user, tm);
			fputs(")</span></li>\n", f);
		}
		if (n)
			fputs("</ul>\n", f);
	}
}

/* The figures of the outcome, in this order (as the headless run's). */
static const char *const figure_names[] = {
	"deaths", "deaths_scene", "deaths_transport", "deaths_hospital",
	"critical_mortality", "first_treatment_min", "surgery_min",
};
static const char *const figure_labels[] = {
	"Deaths", "Deaths at the scene", "Deaths in transport", "Deaths in hospital",
	"Critical mortality (%)", "First treatment of the critically injured (min)",
	"Surgery of the critically injured (min)",
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

static void stat_cell(FILE *f, const struct pt_mci_stat *st, double k, int sign)
{
	char buf[128];
	if (!st || !isfinite(st->mean))
		snprintf(buf, sizeof buf, "-");
	else if (!isfinite(st->lo))
		snprintf(buf, sizeof buf, sign ? "%+.2f" : "%.2f", k * st->mean);
	else
		snprintf(buf, sizeof buf, sign ? "%+.2f [%+.2f, %+.2f]" : "%.2f [%.2f, %.2f]",
			 k * st->mean, k * st->lo, k * st->hi);
	tdn(f, buf);
}

static void html_outcome(FILE *f, const struct pt_ex_report *r)
{
	const struct pt_ex_report_outcome *oc = &r->outcome;
	size_t k, h;
	fputs("<h2>Simulated outcome: the run's decisions against the baseline</h2>\n", f);
	if (r->sim_note[0]) {
		fputs("<p>Not available: ", f);
		pt_html_text(f, r->sim_note);
		fputs(".</p>\n", f);
		return;
	}
	if (!r->has_sim) {
		fputs("<p>Not available: the scenario drives no simulation.</p>\n", f);
		return;
	}
	if (!oc->run || !oc->baseline || !oc->run->n_rows || !oc->baseline->n_rows) {
		fputs("<p>Not available: the outcome was not computed (the improvement plan as CSV "
		      "never computes it).</p>\n", f);
		return;
	}
	fputs("<p>", f);
	pt_html_textf(f,
	      "The mass-casualty simulation with the %zu decision%s of the run that reach it and "
	      "with the scenario's baseline decision set (%zu): %zu replications each with the "
	      "run's seed %llu, so both meet the same random numbers. Mean [95%% confidence "
	      "interval of the mean]; the difference is the run's minus the baseline's, replication "
	      "by replication where both have a value (negative: fewer than the baseline).",
	      oc->n_decisions, oc->n_decisions == 1 ? "" : "s", oc->n_baseline, oc->replications, (unsigned long long)oc->seed);
	fputs("</p>\n<table>\n<thead><tr><th>Output</th><th class=\"n\">Run's decisions</th>"
	      "<th class=\"n\">Baseline</th><th class=\"n\">Difference</th></tr></thead>\n<tbody>\n",
	      f);
	for (k = 0; k < N_FIGURES; k++) {
		long o = output_index(figure_names[k]);
		double m = strcmp(figure_names[k], "critical_mortality") == 0 ? 100 : 1;
		if (o < 0)
			continue;
		fputs("<tr>", f);
		td(f, figure_labels[k]);
		stat_cell(f, &oc->run->rows[0].stats[o], m, 0);
		stat_cell(f, &oc->baseline->rows[0].stats[o], m, 0);
		stat_cell(f, oc->diff ? &oc->diff[o] : NULL, m, 1);
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	if (oc->run->rows[0].n_hospitals) {
		fputs("<table>\n<thead><tr><th>Hospital (mean peak patients)</th>"
		      "<th class=\"n\">Run's decisions</th><th class=\"n\">Baseline</th>"
		      "<th class=\"n\">Difference</th></tr></thead>\n<tbody>\n",
		      f);
		for (h = 0; h < oc->run->rows[0].n_hospitals && h < oc->baseline->rows[0].n_hospitals;
		     h++) {
			double a = oc->run->rows[0].hospitals[h].peak_mean;
			double b = oc->baseline->rows[0].hospitals[h].peak_mean;
			char buf[64];
			fputs("<tr>", f);
			td(f, oc->run->rows[0].hospitals[h].name);
			snprintf(buf, sizeof buf, "%.2f", a);
			tdn(f, buf);
			snprintf(buf, sizeof buf, "%.2f", b);
			tdn(f, buf);
			snprintf(buf, sizeof buf, "%+.2f", a - b);
			tdn(f, buf);
			fputs("</tr>\n", f);
		}
		fputs("</tbody>\n</table>\n", f);
		if (r->hospital_note[0]) {
			fputs("<p class=\"meta\" data-testid=\"hospital-note\">", f);
			pt_html_text(f, r->hospital_note);
			fputs("</p>\n", f);
		}
	}
}

/* ---- executive summary, clock history, annex (review findings 6, 7) ------- */

/* The rating that stands for target id: the final one, else the evaluators' when they agree;
 * 0 when none. */
static char standing_rating(const struct pt_ex_report *r, const char *id)
{
	char one = 0;
	size_t i;
	for (i = 0; i < r->n_ratings; i++)
		if (r->ratings[i].final && strcmp(r->ratings[i].target, id) == 0)
			return r->ratings[i].rating;
	for (i = 0; i < r->n_ratings; i++) {
		if (strcmp(r->ratings[i].target, id) != 0)
			continue;
		if (one && one != r->ratings[i].rating)
			return 0;
		one = r->ratings[i].rating;
	}
	return one;
}

static void summary_obs(FILE *f, const struct pt_ex_report *r, const char *kind, const char *title)
{
	size_t i, n = 0;
	for (i = 0; i < r->n_obs; i++) {
		const struct pt_ex_report_obs *o = &r->obs[i];
		if (strcmp(o->kind, kind) != 0)
			continue;
		if (!n++) {
			fputs("<p><strong>", f);
			pt_html_text(f, title);
			fputs("</strong></p>\n<ul>\n", f);
		}
		fputs("<li>", f);
		if (o->target[0])
			pt_html_textf(f, "%s: ", o->target);
		else if (o->capability >= 0)
			pt_html_textf(f, "%s: ", cap_name(o->capability));
		pt_html_text(f, o->text);
		fputs("</li>\n", f);
	}
	if (!n) {
		fputs("<p><strong>", f);
		pt_html_text(f, title);
		fputs("</strong>: none recorded.</p>\n", f);
	} else
		fputs("</ul>\n", f);
}

/* FEMA, National Preparedness Goal, 2nd edition (2015), table 1: the mission areas each core
 * capability serves (Planning, Public Information and Warning and Operational Coordination
 * serve all five). */
enum { MA_PREVENTION = 1, MA_PROTECTION = 2, MA_MITIGATION = 4, MA_RESPONSE = 8, MA_RECOVERY = 16,
       MA_ALL = 31 };
static const struct {
	const char *capability;
	unsigned areas;
} mission_areas[] = {
	{"Planning", MA_ALL},
	{"Public Information and Warning", MA_ALL},
	{"Operational Coordination", MA_ALL},
	{"Forensics and Attribution", MA_PREVENTION},
	{"Intelligence and Information Sharing", MA_PREVENTION | MA_PROTECTION},
	{"Interdiction and Disruption", MA_PREVENTION | MA_PROTECTION},
	{"Screening, Search, and Detection", MA_PREVENTION | MA_PROTECTION},
	{"Access Control and Identity Verification", MA_PROTECTION},
	{"Cybersecurity", MA_PROTECTION},
	{"Physical Protective Measures", MA_PROTECTION},
	{"Risk Management for Protection Programs and Activities", MA_PROTECTION},
	{"Supply Chain Integrity and Security", MA_PROTECTION},
	{"Community Resilience", MA_MITIGATION},
	{"Long-term Vulnerability Reduction", MA_MITIGATION},
	{"Risk and Disaster Resilience Assessment", MA_MITIGATION},
	{"Threats and Hazards Identification", MA_MITIGATION},
	{"Infrastructure Systems", MA_RESPONSE | MA_RECOVERY},
	{"Economic Recovery", MA_RECOVERY},
	{"Health and Social Services", MA_RECOVERY},
	{"Housing", MA_RECOVERY},
	{"Natural and Cultural Resources", MA_RECOVERY},
};
static const char *const mission_area_names[] = {"Prevention", "Protection", "Mitigation",
						 "Response", "Recovery"};

/* The mission areas of core capability i (the response capabilities not listed above). */
static unsigned capability_areas(int i)
{
	const char *name = cap_name(i);
	size_t k;
	if (!*name)
		return 0;
	for (k = 0; k < sizeof mission_areas / sizeof mission_areas[0]; k++)
		if (strcmp(mission_areas[k].capability, name) == 0)
			return mission_areas[k].areas;
	return MA_RESPONSE;
}

static void html_summary(FILE *f, const struct pt_ex_report *r)
{
	const struct pt_ex_scenario *sc = r->sc;
	size_t i, k, o, t, n_actions = 0, n_ontime = 0, n_targets = 0, n_rated = 0, n_players = 0;
	unsigned areas;
	char t1[32], t2[32];

	for (i = 0; i < sc->n_injects; i++) {
		const struct pt_ex_run_inject *ri = &r->inj[i];
		if (ri->status != PT_EX_DELIVERED || !sc->injects[i].expected_action ||
		    !*sc->injects[i].expected_action)
			continue;
		n_actions++;
		n_ontime += ri->done_min >= 0 &&
			    (ri->deadline_min < 0 || ri->done_min <= ri->deadline_min);
	}
	for (i = 0; i < r->n_people; i++)
		n_players += strcmp(r->people[i].part, "player") == 0;
	fputs("<h2>Executive summary</h2>\n<p>", f);
	wall_text(r->started_at, t1, sizeof t1);
	pt_ex_run_time_text(r->now_min, t2, sizeof t2);
	pt_html_textf(f, "Exercise run %lld of the scenario \"", r->run_id);
	pt_html_text(f, sc->title);
	pt_html_textf(f, "\": started %s, scenario time reached %s of %02d:%02d, %s. ",
		      r->started_at ? t1 : "never", t2, sc->duration_min / 60, sc->duration_min % 60,
		      r->ended_at ? "ended (ENDEX)" : "not ended");
	pt_html_textf(f, "Scope: %zu exercise role%s, %zu player assignment%s, %zu inject%s, %zu "
		      "objective%s.", sc->n_roles, sc->n_roles == 1 ? "" : "s", n_players,
		      n_players == 1 ? "" : "s", sc->n_injects, sc->n_injects == 1 ? "" : "s",
		      sc->n_objectives, sc->n_objectives == 1 ? "" : "s");
	fputs("</p>\n<p><strong>Mission areas</strong>: ", f);
	for (o = 0, areas = 0; o < sc->n_objectives; o++)
		areas |= capability_areas(sc->objectives[o].capability);
	for (i = 0, k = 0; i < 5; i++)
		if (areas & (1u << i)) {
			fputs(k++ ? ", " : "", f);
			pt_html_text(f, mission_area_names[i]);
		}
	fputs(k ? ".</p>\n" : "none.</p>\n", f);
	fputs("<p><strong>Core capabilities exercised</strong>: ", f);
	for (o = 0, k = 0; o < sc->n_objectives; o++) {
		for (i = 0; i < o; i++)
			if (sc->objectives[i].capability == sc->objectives[o].capability)
				break;
		if (i < o)
			continue;
		fputs(k++ ? "; " : "", f);
		pt_html_text(f, cap_name(sc->objectives[o].capability));
	}
	fputs(k ? ".</p>\n" : "none.</p>\n", f);
	fputs("<p><strong>Expected actions on time</strong>: ", f);
	if (n_actions)
		pt_html_textf(f, "%zu of %zu (%.0f%%) of the injects delivered with an expected "
			      "action were done by their deadline.",
			      n_ontime, n_actions, 100.0 * (double)n_ontime / (double)n_actions);
	else
		fputs("no inject with an expected action was delivered.", f);
	fputs("</p>\n<table>\n<thead><tr><th>Target</th><th>Core capability</th>"
	      "<th>Rating</th></tr></thead>\n<tbody>\n", f);
	for (o = 0; o < sc->n_objectives; o++)
		for (t = 0; t < sc->objectives[o].n_targets; t++) {
			const struct pt_ex_target *tg = &sc->objectives[o].targets[t];
			char rating = standing_rating(r, tg->id), buf[96];
			n_targets++;
			n_rated += rating != 0;
			fputs("<tr>", f);
			td(f, tg->id);
			td(f, cap_name(sc->objectives[o].capability));
			if (rating) {
				snprintf(buf, sizeof buf, "%c (%s)", rating,
					 pt_ex_report_rating_meaning(rating));
				td(f, buf);
			} else
				fputs("<td class=\"late\">gap: not rated</td>", f);
			fputs("</tr>\n", f);
		}
	fputs("</tbody>\n</table>\n<p>", f);
	pt_html_textf(f, "%zu of %zu capability targets rated; %zu left unrated (gaps in the "
		      "evaluation).", n_rated, n_targets, n_targets - n_rated);
	fputs("</p>\n", f);
	summary_obs(f, r, "strength", "Major strengths");
	summary_obs(f, r, "improvement", "Areas for improvement");
}

static void html_clock(FILE *f, const struct pt_ex_report *r)
{
	size_t i, n = 0, shifts = 0;
	int suspended = 0;
	char t[32], w[32], buf[600];
	const char *text;
	fputs("<h2>Clock history</h2>\n", f);
	for (i = 0; i < r->n_marks; i++) {
		const struct pt_ex_report_mark *m = &r->marks[i];
		if (strcmp(m->kind, "alert") == 0)
			continue;
		if (!n++)
			fputs("<table>\n<thead><tr><th class=\"n\">Scenario time</th>"
			      "<th>Wall time</th><th>Event</th></tr></thead>\n<tbody>\n", f);
		pt_ex_run_time_text(m->t_min, t, sizeof t);
		wall_text(m->at, w, sizeof w);
		shifts += strcmp(m->kind, "shift") == 0;
		text = buf;
		if (strcmp(m->kind, "start") == 0)
			snprintf(buf, sizeof buf, "clock started");
		else if (strcmp(m->kind, "pause") == 0 && m->server && m->text && m->text[0])
			text = m->text; /* the server's pause says why */
		else if (strcmp(m->kind, "pause") == 0)
			snprintf(buf, sizeof buf, "paused");
		else if (strcmp(m->kind, "resume") == 0)
			snprintf(buf, sizeof buf, suspended ? "resumed after the real-world emergency"
							    : "resumed");
		else if (strcmp(m->kind, "speed") == 0)
			snprintf(buf, sizeof buf, "speed set to x%g", m->value);
		else if (strcmp(m->kind, "shift") == 0)
			snprintf(buf, sizeof buf, "pending injects shifted by %+g min (%s)", m->value,
				 m->value > 0 ? "later" : "earlier");
		else if (strcmp(m->kind, "suspend") == 0) /* "REAL-WORLD EMERGENCY - ...: message" */
			text = m->text && m->text[0] ? m->text : "EXERCISE SUSPENDED";
		else { /* ENDEX ("ENDEX: ..." or "REAL-WORLD EMERGENCY: ..."), its message whole */
			text = r->endex_text ? r->endex_text : m->text ? m->text : "";
			if (!text[0])
				text = "ENDEX";
		}
		if (strcmp(m->kind, "suspend") == 0 || strcmp(m->kind, "resume") == 0)
			suspended = strcmp(m->kind, "suspend") == 0;
		fputs(strcmp(m->kind, "suspend") == 0 ? "<tr class=\"late\">" : "<tr>", f);
		tdn(f, t);
		td(f, w);
		td(f, text);
		fputs("</tr>\n", f);
	}
	if (n)
		fputs("</tbody>\n</table>\n", f);
	if (shifts)
		fputs("<p class=\"note\">A shift moves the injects still pending: the timeline shows "
		      "each shifted inject's time in the MSEL file beneath its time in the run.</p>\n",
		      f);
	if (!n)
		fputs("<p>The clock never started.</p>\n", f);
}

static void html_annex(FILE *f, const struct pt_ex_report *r)
{
	const struct pt_ex_scenario *sc = r->sc;
	size_t i, j, n;
	char t[32], buf[64];
	fputs("<h2>Annex: players' outputs</h2>\n<p class=\"note\">The evidence the evaluators rate "
	      "against: each role's responses to injects and ICS 214 activity log entries in "
	      "scenario time, and the exercise CAP alerts issued.</p>\n", f);
	/* per role of the scenario, then the log positions no role names */
	for (j = 0; j <= sc->n_roles; j++) {
		n = 0;
		for (i = 0; i < r->n_entries; i++) {
			const struct pt_ex_report_entry *e = &r->entries[i];
			int rix = pt_ex_role_find(sc, e->role);
			if (j < sc->n_roles ? rix != (int)j : rix >= 0)
				continue;
			if (!n++) {
				fputs("<h3>", f);
				pt_html_text(f, j < sc->n_roles ? sc->roles[j].name : "Other ICS positions");
				fputs("</h3>\n<table>\n<thead><tr><th class=\"n\">Time</th><th>Kind</th>"
				      "<th>By</th><th>Text</th></tr></thead>\n<tbody>\n", f);
			}
			pt_ex_run_time_text(e->t_min, t, sizeof t);
			fputs("<tr>", f);
			tdn(f, t);
			if (strcmp(e->kind, "response") == 0)
				snprintf(buf, sizeof buf, "response to inject #%lld", e->seq);
			else
				snprintf(buf, sizeof buf, "ICS 214 log%s%.40s", rix < 0 ? ", " : "",
					 rix < 0 ? e->role : "");
			td(f, buf);
			fputs("<td>", f);
			pt_html_text(f, e->user);
			if (e->agency[0]) {
				fputs("<div class=\"meta\">", f);
				pt_html_text(f, e->agency);
				fputs("</div>", f);
			}
			fputs("</td>", f);
			td(f, e->text);
			fputs("</tr>\n", f);
		}
		if (n)
			fputs("</tbody>\n</table>\n", f);
	}
	if (!r->n_entries)
		fputs("<p>No response or ICS 214 entry was written.</p>\n", f);
	fputs("<h3>Exercise alerts issued</h3>\n", f);
	for (i = 0, n = 0; i < r->n_marks; i++) {
		const struct pt_ex_report_mark *m = &r->marks[i];
		if (strcmp(m->kind, "alert") != 0)
			continue;
		if (!n++)
			fputs("<table>\n<thead><tr><th class=\"n\">Time</th><th>Alert</th>"
			      "<th>Site</th><th>Composed by</th><th>State</th></tr></thead>\n<tbody>\n",
			      f);
		pt_ex_run_time_text(m->t_min, t, sizeof t);
		fputs("<tr>", f);
		tdn(f, t);
		td(f, m->text ? m->text : "");
		td(f, m->site);
		td(f, m->composer);
		td(f, m->state);
		fputs("</tr>\n", f);
	}
	if (n)
		fputs("</tbody>\n</table>\n", f);
	else
		fputs("<p>No exercise alert was issued.</p>\n", f);
}

/* An item's core capability: its own, else its objective's (HSEEP's plan is per capability). */
static const char *item_capability(const struct pt_ex_report *r, const struct pt_ex_report_item *it)
{
	size_t o;
	if (it->capability >= 0 || !it->objective[0] || !r->sc)
		return cap_name(it->capability);
	for (o = 0; o < r->sc->n_objectives; o++)
		if (strcmp(r->sc->objectives[o].id, it->objective) == 0)
			return cap_name(r->sc->objectives[o].capability);
	return "";
}

/* The area for improvement an item answers: the observation, else the target or objective. */
static void item_afi(const struct pt_ex_report *r, const struct pt_ex_report_item *it, char *buf,
		     size_t size)
{
	buf[0] = '\0';
	if (it->afi)
		snprintf(buf, size, "observation %lld%s%s", it->afi, it->target[0] ? ", target " : "",
			 it->target);
	else if (it->target[0])
		snprintf(buf, size, "target %s", it->target);
	else if (it->objective[0])
		snprintf(buf, size, "objective %s", it->objective);
	(void)r;
}

static void html_plan(FILE *f, const struct pt_ex_report *r)
{
	size_t i;
	char buf[512];
	fputs("<h2>Improvement plan</h2>\n", f);
	if (!r->n_items) {
		fputs("<p>No improvement item was recorded.</p>\n", f);
		return;
	}
	fputs("<table>\n<thead><tr><th>Item</th><th>Capability</th><th>Area for improvement</th>"
	      "<th>Issue</th><th>Analysis (root cause)</th><th>Corrective action</th>"
	      "<th>Capability element</th><th>Responsible organisation</th>"
	      "<th>Point of contact</th><th>Start</th><th>Due</th><th>Status</th><th>Links</th>"
	      "</tr></thead>\n<tbody>\n",
	      f);
	for (i = 0; i < r->n_items; i++) {
		const struct pt_ex_report_item *it = &r->items[i];
		int n = 0;
		fputs("<tr>", f);
		snprintf(buf, sizeof buf, "%lld", it->id);
		td(f, buf);
		td(f, item_capability(r, it));
		item_afi(r, it, buf, sizeof buf);
		td(f, buf);
		td(f, it->issue);
		td(f, it->analysis);
		td(f, it->action);
		td(f, it->element);
		td(f, it->responsible);
		td(f, it->poc);
		td(f, it->start);
		td(f, it->due);
		td(f, it->status);
		fputs("<td>", f);
		if (it->linked_measure[0]) {
			pt_html_textf(f, "measure %s at site %s", it->linked_measure, it->linked_site);
			n++;
		}
		if (it->noted_site[0]) {
			fputs(n++ ? "<br>" : "", f);
			pt_html_textf(f, "note on register risk %s / %s", it->noted_site, it->noted_threat);
		}
		if (it->measure_id[0] && strcmp(it->measure_id, it->linked_measure) != 0) {
			fputs(n++ ? "<br>" : "", f);
			pt_html_textf(f, "names measure %s", it->measure_id);
		}
		if (it->risk_site[0] && (strcmp(it->risk_site, it->noted_site) != 0 ||
					 strcmp(it->risk_threat, it->noted_threat) != 0)) {
			fputs(n++ ? "<br>" : "", f);
			pt_html_textf(f, "names register risk %s / %s", it->risk_site, it->risk_threat);
		}
		if (!n)
			fputs("-", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

enum pt_err pt_ex_report_html(FILE *f, const struct pt_ex_report *r)
{
	if (!f || !r || !r->sc || !r->inj)
		return PT_EINVAL;
	fputs(html_head, f);
	fputs("<table class=\"tlp-page\">\n<thead><tr><td>", f);
	pt_marking_html(f, r->tlp, "tlp tlp-header");
	fputs("</td></tr></thead>\n<tfoot><tr><td>", f);
	pt_marking_html(f, r->tlp, "tlp tlp-footer");
	fputs("</td></tr></tfoot>\n<tbody><tr><td>\n", f);
	fputs("<h1>After-action report: ", f);
	pt_html_text(f, r->title);
	fputs("</h1>\n", f);
	html_summary(f, r);
	html_overview(f, r);
	html_clock(f, r);
	html_timeline(f, r);
	html_ratings(f, r);
	html_outcome(f, r);
	html_plan(f, r);
	html_annex(f, r);
	fputs("<h2>Method</h2>\n<p class=\"note\">", f);
	pt_html_text(f, "The report follows the Homeland Security Exercise and Evaluation Program (HSEEP, "
		"2020): capability targets and critical tasks from the Exercise Evaluation Guide, "
		"rated P, S, M or U; an improvement plan with, per area for improvement, its "
		"analysis, corrective action, capability element (POETE), responsible organisation, "
		"point of contact, start and due date. Capabilities are FEMA's core "
		"capabilities (National Preparedness Goal, 2nd edition, 2015). Times are scenario "
		"time (HH:MM from the exercise's start) unless marked UTC. The simulated outcome is "
		"the mass-casualty simulation of docs/scenarios.md.");
	fputs("</p>\n</td></tr></tbody>\n</table>\n</body>\n</html>\n", f);
	return ferror(f) ? PT_EIO : PT_OK;
}

/* ---- CSV ------------------------------------------------------------------ */

enum pt_err pt_ex_report_csv(FILE *f, const struct pt_ex_report *r)
{
	size_t i;
	if (!f || !r)
		return PT_EINVAL;
	fprintf(f, "# %s\r\n", pt_marking_label(r->tlp));
	fputs("run_id,item,capability,objective,target,area_for_improvement,issue,analysis,"
	      "corrective_action,capability_element,responsible_organisation,point_of_contact,"
	      "start,due,status,measure_site,measure_id,register_site,register_threat\r\n",
	      f);
	for (i = 0; i < r->n_items; i++) {
		const struct pt_ex_report_item *it = &r->items[i];
		fprintf(f, "%lld,%lld,", r->run_id, it->id);
		pt_csv_write_field(f, item_capability(r, it));
		fputc(',', f);
		pt_csv_write_field(f, it->objective);
		fputc(',', f);
		pt_csv_write_field(f, it->target);
		fputc(',', f);
		if (it->afi)
			fprintf(f, "%lld", it->afi);
		fputc(',', f);
		pt_csv_write_field(f, it->issue);
		fputc(',', f);
		pt_csv_write_field(f, it->analysis);
		fputc(',', f);
		pt_csv_write_field(f, it->action);
		fputc(',', f);
		pt_csv_write_field(f, it->element);
		fputc(',', f);
		pt_csv_write_field(f, it->responsible);
		fputc(',', f);
		pt_csv_write_field(f, it->poc);
		fputc(',', f);
		pt_csv_write_field(f, it->start);
		fputc(',', f);
		pt_csv_write_field(f, it->due);
		fputc(',', f);
		pt_csv_write_field(f, it->status);
		fputc(',', f);
		pt_csv_write_field(f, it->linked_site);
		fputc(',', f);
		pt_csv_write_field(f, it->linked_measure);
		fputc(',', f);
		pt_csv_write_field(f, it->noted_site);
		fputc(',', f);
		pt_csv_write_field(f, it->noted_threat);
		fputs("\r\n", f);
	}
	return ferror(f) ? PT_EIO : PT_OK;
}
