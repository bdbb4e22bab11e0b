/* cmd_survey.c - `protect survey questionnaire|list|show|start|answer|rate|confirm`:
 * assessment visits (issue 16 item 3) as a user (--as USER) or as the system
 * administrator; the same use cases as the API (src/app/pt_app_surveys.c). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "app/pt_app_surveys.h"
#include "formats/pt_marking_io.h"
#include "formats/pt_survey_io.h"

/* Options common to every form: --as USER and --format table|json; others left to the caller. */
struct survey_opts {
	const char *as;
	enum pt_format fmt;
	const char *method, *date, *reason;
	int asset, threat, vuln;
	const char *p_success;
	const char *pos[64]; /* positional arguments after the form */
	int n_pos;
};

/* Parse a 1-10 rating of option name into *out. */
static int rating_opt(struct pt_cli *cli, const char *name, const char *val, int *out)
{
	unsigned long v;
	if (pt_cli_parse_ulong(val, 1, 10, &v))
		return pt_cli_usage_error(cli, "%s is a whole number from 1 to 10", name);
	*out = (int)v;
	return 0;
}

static int parse(struct pt_cli *cli, struct survey_opts *o)
{
	const char *val;
	int i, rc;
	memset(o, 0, sizeof *o);
	for (i = 1; i < cli->argc; i++) {
		if ((val = pt_cli_option(cli, &i, "--as")) != NULL) {
			if (!val[0])
				return pt_cli_usage_error(cli, "--as needs a USER");
			o->as = val;
		} else if ((val = pt_cli_option(cli, &i, "--format")) != NULL) {
			if (pt_cli_parse_format(val, 0, &o->fmt) || o->fmt == PT_FORMAT_CSV)
				return pt_cli_usage_error(cli, "--format is table or json");
		} else if ((val = pt_cli_option(cli, &i, "--method")) != NULL) {
			o->method = val;
		} else if ((val = pt_cli_option(cli, &i, "--date")) != NULL) {
			o->date = val;
		} else if ((val = pt_cli_option(cli, &i, "--reason")) != NULL) {
			o->reason = val;
		} else if ((val = pt_cli_option(cli, &i, "--asset-value")) != NULL) {
			if ((rc = rating_opt(cli, "--asset-value", val, &o->asset)))
				return rc;
		} else if ((val = pt_cli_option(cli, &i, "--threat-rating")) != NULL) {
			if ((rc = rating_opt(cli, "--threat-rating", val, &o->threat)))
				return rc;
		} else if ((val = pt_cli_option(cli, &i, "--vulnerability")) != NULL) {
			if ((rc = rating_opt(cli, "--vulnerability", val, &o->vuln)))
				return rc;
		} else if ((val = pt_cli_option(cli, &i, "--p-success")) != NULL) {
			o->p_success = val;
		} else if (cli->argv[i][0] == '-' && cli->argv[i][1]) {
			return pt_cli_usage_error(cli, "unknown option '%s'", cli->argv[i]);
		} else if (o->n_pos < (int)(sizeof o->pos / sizeof *o->pos)) {
			o->pos[o->n_pos++] = cli->argv[i];
		} else
			return pt_cli_usage_error(cli, "too many arguments");
	}
	return 0;
}

/* A visit id argument. */
static int visit_id(struct pt_cli *cli, const char *s, long long *id)
{
	unsigned long v;
	if (!s || pt_cli_parse_ulong(s, 1, 0x7fffffffUL, &v))
		return pt_cli_usage_error(cli, "give the visit's ID (a number)");
	*id = (long long)v;
	return 0;
}

/* Print visit v as a table: its head, proposals, ratings and findings. */
static void print_view(const struct pt_survey_view *v)
{
	const struct pt_survey *s = &v->survey;
	size_t i, answered = 0;
	for (i = 0; i < v->qn.n; i++)
		answered += v->answers[i] != PT_ANSWER_NONE;
	printf("visit %lld of %s (%s), %s, %s, by %s on %s\n", s->id, s->site_id, v->site_name,
	       pt_method_name(s->method), s->confirmed ? "confirmed" : "draft", s->assessor,
	       s->visited_at);
	if (s->confirmed)
		printf("confirmed by %s at %s\n", s->confirmed_by, s->confirmed_at);
	if (v->qn.n)
		printf("questionnaire %s version %d: %zu of %zu answered\n", v->qn.kind, v->qn.version,
		       answered, v->qn.n);
	if (v->n_proposals) {
		printf("\n%-20s %9s %10s %8s\n", "threat", "answered", "deficiency", "proposed");
		for (i = 0; i < v->n_proposals; i++) {
			const struct pt_survey_proposal *p = &v->proposals[i];
			char ans[24], prop[40];
			snprintf(ans, sizeof ans, "%zu/%zu", p->n_answered, p->n_questions);
			if (p->proposed)
				snprintf(prop, sizeof prop, "V %d, p_success %.2f", p->vulnerability,
					 p->p_success.mode);
			else
				snprintf(prop, sizeof prop, "-");
			if (p->n_rated)
				printf("%-20s %9s %10.4f %s\n", p->threat_id, ans, p->deficiency, prop);
			else /* nothing rated: no deficiency (not 0, which reads "no weakness") */
				printf("%-20s %9s %10s %s\n", p->threat_id, ans, "-", prop);
		}
	}
	if (v->ratings.n) {
		printf("\nratings\n");
		for (i = 0; i < v->ratings.n; i++) {
			if (v->ratings.method == PT_METHOD_FEMA)
				printf("%-20s asset %d, threat %d, vulnerability %d", v->ratings.fema[i].threat_id,
				       v->ratings.fema[i].asset_value, v->ratings.fema[i].threat_rating,
				       v->ratings.fema[i].vulnerability_rating);
			else if (v->ratings.method == PT_METHOD_QUANT)
				printf("%-20s p_success %g/%g/%g", v->ratings.quant[i].threat_id,
				       v->ratings.quant[i].var[PT_QV_P_SUCCESS].min,
				       v->ratings.quant[i].var[PT_QV_P_SUCCESS].mode,
				       v->ratings.quant[i].var[PT_QV_P_SUCCESS].max);
			else
				printf("%-20s (CARVER + Shock scores)", "-");
			if (v->reasons && v->reasons[i][0]) {
				char safe[PT_SURVEY_REASON_MAX * 4];
				pt_cli_safe_text(safe, sizeof safe, v->reasons[i]);
				printf(" (%s)", safe);
			}
			printf("\n");
		}
	}
	if (v->n_findings) {
		printf("\nfindings\n");
		for (i = 0; i < v->n_findings; i++) {
			const struct pt_question *q = &v->qn.q[v->findings[i]];
			size_t k;
			printf("%-6s %s: %s\n", pt_answer_name(v->answers[v->findings[i]]), q->id, q->text);
			if (q->n_measures) {
				printf("       measures:");
				for (k = 0; k < q->n_measures; k++)
					printf(" %s", q->measures[k]);
				printf("\n");
			}
		}
	}
}

/* Show visit id as c (the form's output after a change too). */
static int show(struct pt_db *db, const struct pt_caller *c, long long id, enum pt_format fmt)
{
	struct pt_survey_view v;
	struct pt_diag d;
	enum pt_err err;
	int rc = 0;
	memset(&d, 0, sizeof d);
	if ((err = pt_app_survey_get(c, db, id, &v, &d)) != PT_OK)
		return pt_cli_fail(err, &d);
	if (fmt == PT_FORMAT_JSON)
		rc = pt_cli_write_json(pt_marking_json(pt_json_survey(&v), v.tlp), JSON_INDENT(2));
	else
		print_view(&v);
	pt_survey_view_clear(&v);
	return rc;
}

static int questionnaire(struct pt_cli *cli, struct pt_db *db, const struct pt_caller *c,
			 const struct survey_opts *o)
{
	struct pt_questionnaire q;
	struct pt_diag d;
	enum pt_err err;
	size_t i, k;
	int rc = 0;
	if (o->n_pos != 1)
		return pt_cli_usage_error(cli, "survey questionnaire KIND");
	memset(&d, 0, sizeof d);
	if ((err = pt_app_questionnaire_get(c, db, o->pos[0], 0, &q, &d)) != PT_OK)
		return pt_cli_fail(err, &d);
	if (o->fmt == PT_FORMAT_JSON) {
		rc = pt_cli_write_json(pt_json_questionnaire(&q), JSON_INDENT(2));
	} else {
		printf("%s, version %d: %s\n", q.kind, q.version, q.title);
		for (i = 0; i < q.n; i++) {
			printf("\n%s [%s, weight %g] %s\n  threats:", q.q[i].id, q.q[i].family,
			       q.q[i].weight, q.q[i].text);
			for (k = 0; k < q.q[i].n_threats; k++)
				printf(" %s", q.q[i].threats[k]);
			printf("\n");
		}
	}
	pt_questionnaire_clear(&q);
	return rc;
}

static int list(struct pt_cli *cli, struct pt_db *db, const struct pt_caller *c,
		const struct survey_opts *o)
{
	struct pt_survey *items = NULL;
	struct pt_diag d;
	enum pt_tlp tlp;
	enum pt_err err;
	size_t n = 0, i;
	int rc = 0;
	if (o->n_pos != 1)
		return pt_cli_usage_error(cli, "survey list SITE");
	memset(&d, 0, sizeof d);
	if ((err = pt_app_surveys_list(c, db, o->pos[0], &items, &n, &tlp, &d)) != PT_OK)
		return pt_cli_fail(err, &d);
	if (o->fmt == PT_FORMAT_JSON) {
		json_t *a = json_array();
		for (i = 0; a && i < n; i++)
			json_array_append_new(a, pt_json_survey_head(&items[i]));
		rc = pt_cli_write_json(a ? pt_marking_json(json_pack("{s:s,s:o}", "site_id", o->pos[0],
								     "items", a),
							   tlp)
					 : NULL,
				       JSON_INDENT(2));
	} else {
		printf("%-6s %-20s %-6s %-9s %-9s %s\n", "id", "visited_at", "method", "source", "state",
		       "assessor");
		for (i = 0; i < n; i++)
			printf("%-6lld %-20s %-6s %-9s %-9s %s\n", items[i].id, items[i].visited_at,
			       pt_method_name(items[i].method), pt_survey_source_name(items[i].source),
			       items[i].confirmed ? "confirmed" : "draft", items[i].assessor);
	}
	free(items);
	return rc;
}

static int start(struct pt_cli *cli, struct pt_db *db, const struct pt_caller *c,
		 const struct survey_opts *o)
{
	struct pt_survey_start in;
	struct pt_diag d;
	enum pt_err err;
	long long id = 0;
	if (o->n_pos != 1 || !o->method)
		return pt_cli_usage_error(cli, "survey start SITE --method fema|quant [--date YYYY-MM-DD]");
	memset(&in, 0, sizeof in);
	if (pt_method_parse(o->method, &in.method) != PT_OK)
		return pt_cli_usage_error(cli, "--method is fema or quant");
	in.visited_on = o->date;
	memset(&d, 0, sizeof d);
	if ((err = pt_app_survey_start(c, db, o->pos[0], &in, &id, &d)) != PT_OK)
		return pt_cli_fail(err, &d);
	return show(db, c, id, o->fmt);
}

static int answer(struct pt_cli *cli, struct pt_db *db, const struct pt_caller *c,
		  const struct survey_opts *o)
{
	struct pt_survey_answer_row rows[63];
	struct pt_diag d;
	enum pt_err err;
	long long id = 0;
	int i, rc;
	if (o->n_pos < 2)
		return pt_cli_usage_error(cli, "survey answer ID QUESTION=yes|partly|no|na|none ...");
	if ((rc = visit_id(cli, o->pos[0], &id)))
		return rc;
	memset(rows, 0, sizeof rows);
	for (i = 1; i < o->n_pos; i++) {
		const char *eq = strchr(o->pos[i], '=');
		struct pt_survey_answer_row *r = &rows[i - 1];
		if (!eq || eq == o->pos[i] || (size_t)(eq - o->pos[i]) >= sizeof r->question_id)
			return pt_cli_usage_error(cli, "'%s': give QUESTION=ANSWER", o->pos[i]);
		memcpy(r->question_id, o->pos[i], (size_t)(eq - o->pos[i]));
		if (strcmp(eq + 1, "none") == 0)
			r->answer = PT_ANSWER_NONE;
		else if (pt_answer_parse(eq + 1, &r->answer) != PT_OK)
			return pt_cli_usage_error(cli, "'%s': the answer is yes, partly, no, na or none",
						  o->pos[i]);
	}
	memset(&d, 0, sizeof d);
	if ((err = pt_app_survey_answer(c, db, id, rows, (size_t)(o->n_pos - 1), &d)) != PT_OK)
		return pt_cli_fail(err, &d);
	return show(db, c, id, o->fmt);
}

/* "MIN,MODE,MAX" into r. */
static int range_opt(const char *s, struct pt_range *r)
{
	char *end;
	r->min = strtod(s, &end);
	if (*end != ',')
		return -1;
	r->mode = strtod(end + 1, &end);
	if (*end != ',')
		return -1;
	r->max = strtod(end + 1, &end);
	return *end ? -1 : 0;
}

static int rate(struct pt_cli *cli, struct pt_db *db, const struct pt_caller *c,
		const struct survey_opts *o)
{
	struct pt_survey_rating_in in;
	struct pt_diag d;
	enum pt_err err;
	long long id = 0;
	int rc;
	if (o->n_pos != 2)
		return pt_cli_usage_error(cli, "survey rate ID THREAT [--vulnerability N] ...");
	if ((rc = visit_id(cli, o->pos[0], &id)))
		return rc;
	memset(&in, 0, sizeof in);
	if (strlen(o->pos[1]) >= sizeof in.threat_id)
		return pt_cli_usage_error(cli, "THREAT is a threat id");
	pt_strlcpy(in.threat_id, o->pos[1], sizeof in.threat_id);
	in.asset_value = o->asset;
	in.threat_rating = o->threat;
	in.vulnerability_rating = o->vuln;
	if (o->p_success) {
		if (range_opt(o->p_success, &in.var[PT_QV_P_SUCCESS]))
			return pt_cli_usage_error(cli, "--p-success is MIN,MODE,MAX");
		in.quant_given |= 1u << PT_QV_P_SUCCESS;
	}
	if (o->reason) {
		if (strlen(o->reason) >= sizeof in.reason)
			return pt_cli_usage_error(cli, "--reason: at most 1000 bytes");
		pt_strlcpy(in.reason, o->reason, sizeof in.reason);
	}
	memset(&d, 0, sizeof d);
	if ((err = pt_app_survey_rate(c, db, id, &in, 1, &d)) != PT_OK)
		return pt_cli_fail(err, &d);
	return show(db, c, id, o->fmt);
}

static int confirm(struct pt_cli *cli, struct pt_db *db, const struct pt_caller *c,
		   const struct survey_opts *o)
{
	struct pt_diag d;
	enum pt_err err;
	size_t counted = 0;
	long long id = 0;
	int rc;
	if (o->n_pos != 1)
		return pt_cli_usage_error(cli, "survey confirm ID");
	if ((rc = visit_id(cli, o->pos[0], &id)))
		return rc;
	memset(&d, 0, sizeof d);
	if ((err = pt_app_survey_confirm(c, db, id, &counted, &d)) != PT_OK)
		return pt_cli_fail(err, &d);
	if (o->fmt != PT_FORMAT_JSON)
		printf("visit %lld confirmed: %zu of its ratings now count\n", id, counted);
	return o->fmt == PT_FORMAT_JSON ? show(db, c, id, o->fmt) : 0;
}

int pt_cmd_survey(struct pt_cli *cli)
{
	static const struct {
		const char *name;
		int (*fn)(struct pt_cli *, struct pt_db *, const struct pt_caller *,
			  const struct survey_opts *);
	} forms[] = {{"questionnaire", questionnaire}, {"list", list}, {"show", NULL},
		     {"start", start},			  {"answer", answer}, {"rate", rate},
		     {"confirm", confirm}};
	struct survey_opts o;
	struct pt_db *db = NULL;
	struct pt_caller c;
	size_t k;
	int rc;
	if (cli->argc < 1)
		return pt_cli_usage_error(cli, "say what: questionnaire, list, show, start, answer, "
					       "rate or confirm");
	for (k = 0; k < sizeof forms / sizeof *forms; k++)
		if (strcmp(cli->argv[0], forms[k].name) == 0)
			break;
	if (k == sizeof forms / sizeof *forms)
		return pt_cli_usage_error(cli, "unknown form '%s'", cli->argv[0]);
	if ((rc = parse(cli, &o)))
		return rc;
	if ((rc = pt_cli_open_db(cli, 0, &db)))
		return rc;
	if (!(rc = pt_cli_caller(db, o.as, &c))) {
		if (forms[k].fn) {
			rc = forms[k].fn(cli, db, &c, &o);
		} else {
			long long id = 0;
			if (o.n_pos != 1)
				rc = pt_cli_usage_error(cli, "survey show ID");
			else if (!(rc = visit_id(cli, o.pos[0], &id)))
				rc = show(db, &c, id, o.fmt);
		}
	}
	pt_app_db_close(db);
	return rc;
}
