/* pt_http_routes.c - the route table of the server: every path and method,
 * its handler, and the declared validator of every query parameter and body field. */
#include <stddef.h>
#include <string.h>

#include "pt_http_api.h"


static const char *const tlp_names[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", NULL};
/* issue 11 (fit): the site attributes a change may set */
static const char *const enclosure_names[] = {"enclosed", "open", "fenced", NULL};
static const char *const staffed_names[] = {"yes", "no", NULL};
static const char *const basis_names[] = {"none", "entry", "statute", NULL};
static const char *const level_names[] = {"LOW", "MODERATE", "SUBSTANTIAL", "SEVERE", "CRITICAL",
					  NULL};
static const char *const org_types[] = {"government", "operator", "private_security", "ngo", NULL};
static const char *const role_names[] = {"admin", "coordinator", "analyst", "operator", "viewer",
					 "pio", "facilitator", "player", "evaluator", NULL};

/* ---- query parameters ---- */

#define Q_PAGE                                                                             \
	{"limit", PT_V_INT, 1, PT_LIST_LIMIT_MAX, NULL},                                   \
	{"offset", PT_V_INT, 0, PT_LIST_OFFSET_MAX, NULL}

/* issue 16 item 5: the filters (each repeatable or comma-separated, split on raw commas,
 * then decoded) and the CSV download of what is shown */
#define Q_FILTER                                                                           \
	{"sector", PT_V_QUERY_LIST, 0, 4096, NULL},                                        \
	{"region", PT_V_QUERY_LIST, 0, 8192, NULL},                                        \
	{"kind", PT_V_QUERY_LIST, 0, 4096, NULL},                                          \
	{"owner", PT_V_QUERY_LIST, 0, 4096, NULL},                                         \
	{"band", PT_V_QUERY_LIST, 0, 256, NULL},                                           \
	{"tlp", PT_V_QUERY_LIST, 0, 256, NULL}
static const char *const filter_formats[] = {"json", "csv", NULL};
#define Q_FORMAT {"format", PT_V_STRING, 3, 4, filter_formats}

static const struct pt_vquery q_none[] = {{NULL, PT_V_INT, 0, 0, NULL}};
static const struct pt_vquery q_alert_list[] = { /* issue 15 attack review 2, round 2 */
	{"runs", PT_V_INT, 0, 1, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};
static const struct pt_vquery q_page[] = {Q_PAGE, {NULL, PT_V_INT, 0, 0, NULL}};
static const struct pt_vquery q_ranking[] = {
	Q_PAGE,
	{"samples", PT_V_INT, 0, 100000, NULL},
	{"seed", PT_V_INT, 0, (1ULL << 53) - 1, NULL},
	{"top_k", PT_V_INT, 1, 1000, NULL},
	Q_FILTER, /* issue 16 item 5 */
	Q_FORMAT,
	{NULL, PT_V_INT, 0, 0, NULL},
};
/* issue 16 item 5: the matrix's filters and one cell's site-threat pairs */
static const struct pt_vquery q_matrix[] = {
	Q_FILTER,
	{"likelihood", PT_V_INT, 1, 5, NULL},
	{"consequence", PT_V_INT, 1, 5, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};
/* issue 16 item 5: the sites list's filters and CSV */
static const struct pt_vquery q_sites[] = {Q_PAGE, Q_FILTER, Q_FORMAT, {NULL, PT_V_INT, 0, 0, NULL}};

static const struct pt_vquery q_plan[] = {
	{"budget", PT_V_STRING, 0, 64, NULL},
	{"solver", PT_V_STRING, 0, 16, NULL},
	Q_FILTER, /* issue 16 item 5: the scope (region was one region, PT_V_QUERY_TEXT) */
	{"frontier", PT_V_INT, 0, 1, NULL},
	{"sensitivity", PT_V_INT, 0, 1, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};
static const struct pt_vquery q_plan_get[] = {
	{"budget", PT_V_STRING, 0, 64, NULL},
	{"solver", PT_V_STRING, 0, 16, NULL},
	Q_FILTER, /* issue 16 item 5: the scope (region was one region, PT_V_QUERY_TEXT) */
	Q_FORMAT,
	{"frontier", PT_V_INT, 0, 1, NULL},
	{"sensitivity", PT_V_INT, 0, 1, NULL},
	{"rejected", PT_V_INT, 0, 1, NULL},
	{"not_chosen", PT_V_INT, 0, 1, NULL}, /* issue 11 review M1 */
	{NULL, PT_V_INT, 0, 0, NULL},
};
static const struct pt_vquery q_register[] = {
	Q_PAGE,
	{"site", PT_V_STRING, 1, 63, NULL},
	Q_FILTER, /* issue 16 item 5 */
	Q_FORMAT,
	{NULL, PT_V_INT, 0, 0, NULL},
};

/* issue 12: resilience (hours are parsed by the handler: a number, within the role's budget;
 * percent-decoded once, as URLSearchParams encodes "VM-1,VM-2" as "VM-1%2CVM-2") */
static const struct pt_vquery q_cascade[] = {
	{"fail", PT_V_QUERY_TEXT, 1, 16384, NULL},
	{"hours", PT_V_QUERY_TEXT, 1, 32, NULL},
	{"repair_hours", PT_V_QUERY_TEXT, 1, 32, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};
/* issue 16, item 8: the counts of withheld sites take no filter, so two answers cannot be differenced */
static const struct pt_vquery q_withheld[] = {
	{"method", PT_V_STRING, 1, 16, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};
/* issue 16, item 7: peers and what-if */
static const struct pt_vquery q_peers[] = {
	{"method", PT_V_STRING, 1, 16, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};
static const struct pt_vquery q_what_if[] = {
	{"method", PT_V_STRING, 1, 16, NULL},
	{"measure", PT_V_STRING, 1, 63, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};
static const struct pt_vquery q_spof[] = {
	{"top", PT_V_INT, 1, 100000, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};

/* issue 16 item 3: attachments (the body is the file; its name and caption as query text) */
static const struct pt_vquery q_attach_upload[] = {
	{"name", PT_V_QUERY_TEXT, 1, 120, NULL},
	{"caption", PT_V_QUERY_TEXT, 0, 500, NULL},
	{"survey", PT_V_INT, 1, (1ULL << 53) - 1, NULL},
	{"people", PT_V_INT, 0, 1, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};
static const struct pt_vquery q_attach_list[] = {
	{"survey", PT_V_INT, 1, (1ULL << 53) - 1, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};

/* ---- bodies ---- */

#define END {NULL, PT_V_STRING, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL}
#define STR(name, req, lo, hi) {name, PT_V_STRING, req, 0, lo, hi, NULL, NULL, NULL, NULL, NULL}
#define ID(name, req) {name, PT_V_STRING, req, 0, 1, 63, NULL, pt_valid_id, "1-63 characters of A-Z a-z 0-9 . _ -", NULL, NULL}
#define TEXT(name, req, lo, hi) {name, PT_V_STRING, req, 0, lo, hi, NULL, pt_valid_text, "text without control characters", NULL, NULL}
#define ENUM(name, req, list) {name, PT_V_STRING, req, 0, 0, 0, list, NULL, NULL, NULL, NULL}
#define INT(name, req, lo, hi) {name, PT_V_INT, req, 0, lo, hi, NULL, NULL, NULL, NULL, NULL}
#define NINT(name, req, lo, hi) {name, PT_V_INT, req, 1, lo, hi, NULL, NULL, NULL, NULL, NULL}
#define NUM(name, req, lo, hi) {name, PT_V_NUMBER, req, 0, lo, hi, NULL, NULL, NULL, NULL, NULL}
#define OBJ(name, req, schema) {name, PT_V_OBJECT, req, 0, 0, 0, NULL, NULL, NULL, schema, NULL}
#define ARR(name, req, lo, hi, elem) {name, PT_V_ARRAY, req, 0, lo, hi, NULL, NULL, NULL, NULL, elem}

static const struct pt_vfield f_login[] = {
	STR("user", 1, 1, 63),
	STR("password", 1, 1, 1024),
	STR("code", 0, 1, 32), /* the second factor in the same request (issue 10) */
	END,
};
static const struct pt_vschema b_login = {f_login, 0};

/* The second factor (issue 10): the log-in's second step and enrolment. */
static const struct pt_vfield f_second_factor[] = {
	STR("pending_token", 1, 43, 43),
	STR("code", 1, 1, 32),
	END,
};
static const struct pt_vschema b_second_factor = {f_second_factor, 0};
static const struct pt_vfield f_enrolment[] = {
	STR("pending_token", 1, 43, 43),
	END,
};
static const struct pt_vschema b_enrolment = {f_enrolment, 0};
static const struct pt_vfield f_account_sf[] = {END};
static const struct pt_vschema b_account_sf = {f_account_sf, 0};
static const struct pt_vfield f_account_sf_confirm[] = {
	STR("code", 1, 1, 32),
	END,
};
static const struct pt_vschema b_account_sf_confirm = {f_account_sf_confirm, 0};

/* Names and regions may span lines, as in the CSV (docs/formats.md); pt_site_check decides. */
static const struct pt_vfield f_site_patch[] = {
	STR("name", 0, 1, 255),
	ID("kind", 0),
	ID("sector", 0),
	NUM("lat", 0, -90, 90),
	NUM("lon", 0, -180, 180),
	STR("region", 0, 0, 127),
	NINT("capacity", 0, 0, 9007199254740991.0),
	INT("peak_occupancy", 0, 0, 9007199254740991.0),
	INT("population_served", 0, 0, 9007199254740991.0),
	NUM("economic_value_eur", 0, 0, 1e18),
	ENUM("tlp", 0, tlp_names),
	/* issue 11 (fit): null sets an attribute unknown */
	NINT("staff", 0, 0, 10000000),
	NINT("entrances", 0, 0, 10000000),
	NINT("perimeter_m", 0, 0, 10000000),
	NINT("vehicle_approaches", 0, 0, 10000000),
	NINT("screened_per_day", 0, 0, 10000000),
	NINT("control_systems", 0, 0, 10000000),
	{"enclosure", PT_V_STRING, 0, 1, 0, 0, enclosure_names, NULL, NULL, NULL, NULL},
	{"staffed", PT_V_STRING, 0, 1, 0, 0, staffed_names, NULL, NULL, NULL, NULL},
	{"legal_basis", PT_V_STRING, 0, 1, 0, 0, basis_names, NULL, NULL, NULL, NULL},
	/* issue 16 (item 2): a hospital's emergency department; null sets it unknown */
	{"emergency_department", PT_V_STRING, 0, 1, 0, 0, staffed_names, NULL, NULL, NULL, NULL},
	END,
};
static const struct pt_vschema b_site_patch = {f_site_patch, 1};

static const struct pt_vfield f_fema_row[] = {
	ID("threat_id", 1),
	INT("asset_value", 1, 1, 10),
	INT("threat_rating", 1, 1, 10),
	INT("vulnerability_rating", 1, 1, 10),
	END,
};
static const struct pt_vschema s_fema_row = {f_fema_row, 0};
static const struct pt_vfield e_fema_row = OBJ("", 1, &s_fema_row);
static const struct pt_vfield f_fema_patch[] = {ARR("items", 1, 1, PT_PATCH_ROWS_MAX, &e_fema_row),
						END};
static const struct pt_vschema b_fema_patch = {f_fema_patch, 0};

static const struct pt_vfield f_carver_row[] = {
	INT("criticality", 1, 1, 10),   INT("accessibility", 1, 1, 10),
	INT("recuperability", 1, 1, 10), INT("vulnerability", 1, 1, 10),
	INT("effect", 1, 1, 10),        INT("recognizability", 1, 1, 10),
	INT("shock", 1, 1, 10),         END,
};
static const struct pt_vschema s_carver_row = {f_carver_row, 0};
static const struct pt_vfield e_carver_row = OBJ("", 1, &s_carver_row);
static const struct pt_vfield f_carver_patch[] = {ARR("items", 1, 1, 1, &e_carver_row), END};
static const struct pt_vschema b_carver_patch = {f_carver_patch, 0};

static const struct pt_vfield f_prob[] = {NUM("min", 1, 0, 1), NUM("mode", 1, 0, 1),
					  NUM("max", 1, 0, 1), END};
static const struct pt_vschema s_prob = {f_prob, 0};
static const struct pt_vfield f_count[] = {NUM("min", 1, 0, 1e9), NUM("mode", 1, 0, 1e9),
					   NUM("max", 1, 0, 1e9), END};
static const struct pt_vschema s_count = {f_count, 0};
static const struct pt_vfield f_eur[] = {NUM("min", 1, 0, 1e15), NUM("mode", 1, 0, 1e15),
					 NUM("max", 1, 0, 1e15), END};
static const struct pt_vschema s_eur = {f_eur, 0};
static const struct pt_vfield f_quant_row[] = {
	ID("threat_id", 1),
	OBJ("p_attempt", 1, &s_prob),
	OBJ("p_success", 1, &s_prob),
	OBJ("fatalities", 1, &s_count),
	OBJ("injuries", 1, &s_count),
	OBJ("loss_eur", 1, &s_eur),
	END,
};
static const struct pt_vschema s_quant_row = {f_quant_row, 0};
static const struct pt_vfield e_quant_row = OBJ("", 1, &s_quant_row);
static const struct pt_vfield f_quant_patch[] = {ARR("items", 1, 1, PT_PATCH_ROWS_MAX, &e_quant_row),
						 END};
static const struct pt_vschema b_quant_patch = {f_quant_patch, 0};

/* ---- issue 16 item 3: surveys ---- */
static const char *const survey_methods[] = {"fema", "quant", NULL};
static const char *const answer_names[] = {"yes", "partly", "no", "na", NULL};
static const struct pt_vfield f_survey_post[] = {
	ENUM("method", 1, survey_methods),
	STR("visited_on", 0, 10, 10),
	END,
};
static const struct pt_vschema b_survey_post = {f_survey_post, 0};
static const struct pt_vfield f_survey_answer[] = {
	ID("question_id", 1),
	{"answer", PT_V_STRING, 1, 1, 0, 0, answer_names, NULL, NULL, NULL, NULL}, /* null: clear */
	END,
};
static const struct pt_vschema s_survey_answer = {f_survey_answer, 0};
static const struct pt_vfield e_survey_answer = OBJ("", 1, &s_survey_answer);
static const struct pt_vfield f_survey_answers[] = {
	ARR("answers", 1, 1, 200, &e_survey_answer), /* PT_Q_QUESTIONS_MAX */
	END,
};
static const struct pt_vschema b_survey_answers = {f_survey_answers, 0};
static const struct pt_vfield f_survey_rating[] = {
	ID("threat_id", 1),
	INT("asset_value", 0, 1, 10),
	INT("threat_rating", 0, 1, 10),
	INT("vulnerability_rating", 0, 1, 10),
	OBJ("p_attempt", 0, &s_prob),
	OBJ("p_success", 0, &s_prob),
	OBJ("fatalities", 0, &s_count),
	OBJ("injuries", 0, &s_count),
	OBJ("loss_eur", 0, &s_eur),
	TEXT("reason", 0, 0, 1000), /* PT_SURVEY_REASON_MAX - 1 */
	END,
};
static const struct pt_vschema s_survey_rating = {f_survey_rating, 0};
static const struct pt_vfield e_survey_rating = OBJ("", 1, &s_survey_rating);
static const struct pt_vfield f_survey_ratings[] = {
	ARR("items", 1, 1, 64, &e_survey_rating),
	END,
};
static const struct pt_vschema b_survey_ratings = {f_survey_ratings, 0};

static const struct pt_vfield f_reader[] = {ID("user", 1), END};
static const struct pt_vschema b_reader = {f_reader, 0};

/* issue 15: the after-action report (format) and an improvement item's links */
static const char *const run_report_formats[] = {"html", "csv", NULL};
static const struct pt_vquery q_run_report[] = {
	{"format", PT_V_STRING, 3, 4, run_report_formats},
	{NULL, PT_V_INT, 0, 0, NULL},
};
static const struct pt_vfield f_run_link_measure[] = {ID("site_id", 1), ID("measure_id", 1), END};
static const struct pt_vschema b_run_link_measure = {f_run_link_measure, 0};
static const struct pt_vfield f_run_link_register[] = {ID("site_id", 0), ID("threat_id", 0), END};
static const struct pt_vschema b_run_link_register = {f_run_link_register, 0};
static const char *const run_item_statuses[] = {"open", "in progress", "done", "cancelled", NULL};
static const struct pt_vfield f_run_item_status[] = {
	ENUM("status", 1, run_item_statuses),
	END,
};
static const struct pt_vschema b_run_item_status = {f_run_item_status, 0};

/* issue 11: level null clears a scope's entry; one scope at most; a rationale always */
static const struct pt_vfield f_threat_level[] = {
	{"level", PT_V_STRING, 1, 1, 0, 0, level_names, NULL, NULL, NULL, NULL},
	ID("threat_id", 0),
	ID("sector_id", 0),
	TEXT("region", 0, 1, 127),
	{"below", PT_V_BOOL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL},
	TEXT("rationale", 1, 1, 511),
	STR("until", 0, 1, 32),
	END};
static const struct pt_vschema b_threat_level = {f_threat_level, 0};

static const struct pt_vfield e_org_id = INT("", 1, 1, 9007199254740991.0);
static const struct pt_vfield f_org_post[] = {
	TEXT("name", 1, 1, 255),
	ENUM("type", 1, org_types),
	ARR("partners", 0, 0, 100, &e_org_id),
	END,
};
static const struct pt_vschema b_org_post = {f_org_post, 0};
static const struct pt_vfield f_org_patch[] = {
	TEXT("name", 0, 1, 255),
	ENUM("type", 0, org_types),
	ARR("partners", 0, 0, 100, &e_org_id),
	END,
};
static const struct pt_vschema b_org_patch = {f_org_patch, 1};
/* issue 16, item 8: a critical entity's designation (the days are checked by src/core/pt_cer) */
static const struct pt_vfield e_cer_site = {"", PT_V_STRING, 1, 0, 1, 63, NULL, pt_valid_id, "1-63 characters of A-Z a-z 0-9 . _ -", NULL, NULL};
static const struct pt_vfield f_cer_put[] = {
	STR("designated_on", 1, 10, 10),
	STR("notified_on", 1, 10, 10),
	STR("risk_assessment_on", 0, 0, 10),
	STR("resilience_plan_on", 0, 0, 10),
	ARR("sites", 0, 0, 1000, &e_cer_site),
	END,
};
static const struct pt_vschema b_cer_put = {f_cer_put, 0};
static const struct pt_vfield f_cer_patch[] = {
	STR("designated_on", 0, 10, 10),
	STR("notified_on", 0, 10, 10),
	STR("risk_assessment_on", 0, 0, 10),
	STR("resilience_plan_on", 0, 0, 10),
	ARR("sites", 0, 0, 1000, &e_cer_site),
	END,
};
static const struct pt_vschema b_cer_patch = {f_cer_patch, 1};

static const struct pt_vfield f_user_post[] = {
	ID("name", 1),
	STR("password", 1, 8, 1024),
	ENUM("role", 1, role_names),
	INT("organisation_id", 1, 1, 9007199254740991.0),
	END,
};
static const struct pt_vschema b_user_post = {f_user_post, 0};
static const struct pt_vfield f_user_patch[] = {
	STR("password", 0, 8, 1024),
	ENUM("role", 0, role_names),
	END,
};
static const struct pt_vschema b_user_patch = {f_user_patch, 1};

static const char *const solver_names[] = {"fast", "exact", NULL};
static const char *const treatment_names[] = {"accept", "reduce", "transfer", "avoid", NULL};

/* "" (clears) or an id. */
static int id_or_empty(const char *s)
{
	return !s[0] || pt_valid_id(s);
}

/* "" (clears) or YYYY-MM-DD (the store checks that the day exists). */
static int date_or_empty(const char *s)
{
	int i;
	if (!s[0])
		return 1;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	return s[10] == '\0';
}

/* issue 16 item 1: a saved plan's scope, the filters as arrays of values */
static const struct pt_vfield e_filter_value = TEXT("", 1, 1, 255);
static const struct pt_vfield f_filter[] = {
	ARR("sector", 0, 1, 64, &e_filter_value), ARR("region", 0, 1, 64, &e_filter_value),
	ARR("kind", 0, 1, 64, &e_filter_value),   ARR("owner", 0, 1, 64, &e_filter_value),
	ARR("band", 0, 1, 64, &e_filter_value),   ARR("tlp", 0, 1, 64, &e_filter_value),
	END,
};
static const struct pt_vschema s_filter = {f_filter, 0};
static const struct pt_vfield f_plan_post[] = {
	ID("name", 1),
	NUM("budget_eur", 1, 0, 1e12),
	ENUM("solver", 0, solver_names),
	TEXT("region", 0, 0, 127),
	OBJ("filter", 0, &s_filter), /* issue 16 item 1: the plan's scope */
	END,
};
static const struct pt_vschema b_plan_post = {f_plan_post, 0};

static const struct pt_vfield e_measure_id = ID("", 1);
static const struct pt_vfield f_register_set[] = {
	ENUM("treatment", 0, treatment_names),
	{"responsible", PT_V_STRING, 0, 0, 0, 63, NULL, id_or_empty, "a user name (1-63 characters of A-Z a-z 0-9 . _ -) or \"\"", NULL, NULL},
	{"review_date", PT_V_STRING, 0, 0, 0, 10, NULL, date_or_empty, "a date YYYY-MM-DD or \"\"", NULL, NULL},
	ARR("measures", 0, 0, 64, &e_measure_id),
	TEXT("note", 0, 0, 1023),
	END,
};
static const struct pt_vschema b_register_set = {f_register_set, 1};

/* issue 16, item 4: what a measure's step records (the use case checks the rest: a date not
 * in the future, re-verification after the verification and within 5 years) */
static const char *const verify_method_names[] = {"test", "inspection", NULL};
static const struct pt_vfield f_measure_step[] = {
	TEXT("note", 0, 0, 1023),
	END,
};
static const struct pt_vschema b_measure_step = {f_measure_step, 0};
static const struct pt_vfield f_measure_install[] = {
	{"on_date", PT_V_STRING, 0, 0, 0, 10, NULL, date_or_empty, "a date YYYY-MM-DD or \"\"", NULL, NULL},
	TEXT("note", 0, 0, 1023),
	END,
};
static const struct pt_vschema b_measure_install = {f_measure_install, 0};
static const struct pt_vfield f_measure_verify[] = {
	ENUM("method", 0, verify_method_names),
	{"on_date", PT_V_STRING, 0, 0, 0, 10, NULL, date_or_empty, "a date YYYY-MM-DD or \"\"", NULL, NULL},
	{"reverify_by", PT_V_STRING, 0, 0, 0, 10, NULL, date_or_empty, "a date YYYY-MM-DD", NULL, NULL},
	TEXT("note", 0, 0, 1023),
	END,
};
static const struct pt_vschema b_measure_verify = {f_measure_verify, 0};
#define STEP_BODY (PT_R_JSON | PT_R_JSON_OPTIONAL) /* nothing, or the step's fields */

/* issue 13: public alerts. A language tag as xs:language takes it: 1-8 letters, then
 * -subtags of 1-8 letters or digits (15 bytes at most); a template id [a-z0-9-]; a CAP
 * polygon's characters (the use case parses it). */
static const char *const alert_status_names[] = {"Actual", "Exercise", "Test", NULL};
static int alert_lang_ok(const char *s)
{
	size_t run = 0, i;
	int first = 1;
	for (i = 0; s[i]; i++) {
		char ch = s[i];
		if (ch == '-') {
			if (run == 0)
				return 0;
			run = 0;
			first = 0;
		} else if (((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (!first && ch >= '0' && ch <= '9')) && run < 8) {
			run++;
		} else {
			return 0;
		}
	}
	return run > 0 && i <= 15;
}
static int alert_template_ok(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return i > 0;
}
static int alert_polygon_ok(const char *s)
{
	return s[0] && strspn(s, "0123456789.,-+ ") == strlen(s);
}
#define ALERT_NOTE_MAX 1024 /* PT_APP_ALERT_NOTE_MAX */
#define ALERT_FIELDS                                                                              \
	{"template", PT_V_STRING, 0, 0, 1, 63, NULL, alert_template_ok, "a template id (a-z 0-9 -)", NULL, NULL}, \
	ID("site_id", 0),                                                                         \
	NUM("radius_km", 0, 0.05, 100),                                                           \
	ARR("languages", 0, 1, 8, &e_alert_lang),                                                 \
	ENUM("status", 0, alert_status_names),                                                    \
	{"polygon", PT_V_STRING, 0, 0, 1, 60000, NULL, alert_polygon_ok, "a CAP polygon \"lat,lon lat,lon ...\"", NULL, NULL}, \
	{"generic_area", PT_V_BOOL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL},                     \
	NUM("duration_h", 0, 0.25, 168),                                                          \
	TEXT("note", 0, 0, ALERT_NOTE_MAX)
static const struct pt_vfield e_alert_lang = {"", PT_V_STRING, 1, 0, 1, 15, NULL, alert_lang_ok, "a language tag (en, mk, sq)", NULL, NULL};
static const struct pt_vfield f_alert_preview[] = {
	ALERT_FIELDS,
	{"updates", PT_V_STRING, 0, 1, 1, 63, NULL, pt_valid_id, "an alert identifier", NULL, NULL},
	{"cancels", PT_V_STRING, 0, 1, 1, 63, NULL, pt_valid_id, "an alert identifier", NULL, NULL},
	END,
};
static const struct pt_vschema b_alert_preview = {f_alert_preview, 0};
static const struct pt_vfield f_alert_new[] = {
	{"template", PT_V_STRING, 1, 0, 1, 63, NULL, alert_template_ok, "a template id (a-z 0-9 -)", NULL, NULL},
	ID("site_id", 1),
	NUM("radius_km", 0, 0.05, 100),
	ARR("languages", 0, 1, 8, &e_alert_lang),
	ENUM("status", 0, alert_status_names),
	{"polygon", PT_V_STRING, 0, 0, 1, 60000, NULL, alert_polygon_ok, "a CAP polygon \"lat,lon lat,lon ...\"", NULL, NULL},
	{"generic_area", PT_V_BOOL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL},
	NUM("duration_h", 0, 0.25, 168),
	TEXT("note", 0, 0, ALERT_NOTE_MAX),
	END,
};
static const struct pt_vschema b_alert_new = {f_alert_new, 0};
static const struct pt_vfield f_alert_update[] = {ALERT_FIELDS, END};
static const struct pt_vschema b_alert_update = {f_alert_update, 0};
static const struct pt_vfield f_alert_cancel[] = {TEXT("note", 0, 0, ALERT_NOTE_MAX), END};
static const struct pt_vschema b_alert_cancel = {f_alert_cancel, 0};
static const struct pt_vfield f_alert_reject[] = {TEXT("reason", 0, 0, ALERT_NOTE_MAX), END};
static const struct pt_vschema b_alert_reject = {f_alert_reject, 0};
/* issue 13 review fix: the approval names the SHA-256 the approver reviewed (64 hex digits) */
static int alert_sha256_ok(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}
static const struct pt_vfield f_alert_approve[] = {
	{"sha256", PT_V_STRING, 0, 0, 64, 64, NULL, alert_sha256_ok, "64 lower-case hex digits (the SHA-256 reviewed)", NULL, NULL},
	END,
};
static const struct pt_vschema b_alert_approve = {f_alert_approve, 0};


/* issue 15: exercise runs (docs/api.md, "Exercise runs"). Text a participant writes may span
 * lines: no control characters but tab and new line, no bidi controls, no U+2028/U+2029 (attack
 * review 8: pt_text_public_ok, PT_TEXT_LINES_LF); a title is one line of the same. */
static int run_text_ok(const char *s)
{
	return pt_text_public_ok(s, PT_TEXT_LINES_LF, NULL);
}
static int run_line_ok(const char *s)
{
	return pt_text_public_ok(s, 0, NULL);
}
static int run_date_ok(const char *s)
{
	return s[0] && date_or_empty(s);
}
#define RUN_TEXT_MAX 3999 /* PT_APP_RUN_TEXT_MAX - 1 */
#define RTEXT(name, req, lo) {name, PT_V_STRING, req, 0, lo, RUN_TEXT_MAX, NULL, run_text_ok, "text without control characters (tab and new line allowed; no carriage return, no bidi controls U+202A-U+202E, U+2066-U+2069, no U+2028/U+2029)", NULL, NULL}
#define RUN_MINUTES_MAX 20160 /* PT_EX_TIME_MAX */
static const char *const run_member_names[] = {"player", "evaluator", "facilitator", NULL};
static const char *const run_obs_names[] = {"observation", "strength", "improvement", NULL};
static const char *const run_rating_names[] = {"P", "S", "M", "U", NULL};
static const char *const run_element_names[] = {"planning", "organisation", "equipment",
						 "training", "exercise", NULL};
static const struct pt_vfield f_run_create[] = {
	ID("builtin", 0),
	OBJ("scenario", 0, NULL),
	OBJ("simulation", 0, NULL),
	{"title", PT_V_STRING, 0, 0, 1, 199, NULL, run_line_ok, "one line of text without control characters, bidi controls (U+202A-U+202E, U+2066-U+2069) or U+2028/U+2029", NULL, NULL},
	ENUM("tlp", 0, tlp_names),
	INT("seed", 0, 0, 9007199254740991.0),
	END,
};
static const struct pt_vschema b_run_create = {f_run_create, 0};
static const struct pt_vfield f_run_assign[] = {
	ID("user", 1),
	ENUM("member", 1, run_member_names),
	ID("role", 0),
	END,
};
static const struct pt_vschema b_run_assign = {f_run_assign, 0};
static const struct pt_vfield f_run_empty[] = {END};
static const struct pt_vschema b_run_empty = {f_run_empty, 0};
static const struct pt_vfield f_run_shift[] = {NUM("minutes", 1, -RUN_MINUTES_MAX, RUN_MINUTES_MAX), END};
static const struct pt_vschema b_run_shift = {f_run_shift, 0};
static const struct pt_vfield f_run_speed[] = {NUM("factor", 1, 0.1, 60), END};
static const struct pt_vschema b_run_speed = {f_run_speed, 0};
static const struct pt_vfield f_run_endex[] = {
	RTEXT("message", 0, 0),
	{"real_world", PT_V_BOOL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL},
	END,
};
static const struct pt_vschema b_run_endex = {f_run_endex, 0};
static const struct pt_vfield f_run_suspend[] = {RTEXT("message", 0, 0), END};
static const struct pt_vschema b_run_suspend = {f_run_suspend, 0};
static const struct pt_vfield f_run_decide[] = {
	ID("decision", 1),
	ID("role", 1),
	{"value", PT_V_SCALAR, 0, 1, 0, 127, NULL, pt_valid_text, "text without control characters", NULL, NULL},
	END,
};
static const struct pt_vschema b_run_decide = {f_run_decide, 0};
static const struct pt_vfield f_run_respond[] = {ID("role", 1), RTEXT("text", 1, 1), END};
static const struct pt_vschema b_run_respond = {f_run_respond, 0};
static const struct pt_vfield f_run_log[] = {
	RTEXT("activity", 1, 1),
	ID("role", 0),
	NUM("t_min", 0, 0, RUN_MINUTES_MAX),
	END,
};
static const struct pt_vschema b_run_log = {f_run_log, 0};
static const struct pt_vfield f_run_observe[] = {
	ENUM("kind", 0, run_obs_names),
	RTEXT("text", 1, 1),
	TEXT("capability", 0, 1, 199),
	ID("target", 0),
	NUM("t_min", 0, 0, RUN_MINUTES_MAX),
	END,
};
static const struct pt_vschema b_run_observe = {f_run_observe, 0};
static const struct pt_vfield f_run_rate[] = {
	ID("target", 1),
	ENUM("rating", 1, run_rating_names),
	RTEXT("note", 0, 0),
	{"final", PT_V_BOOL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL},
	END,
};
static const struct pt_vschema b_run_rate = {f_run_rate, 0};
static const struct pt_vfield f_run_improve[] = {
	RTEXT("issue", 1, 1),
	RTEXT("action", 1, 1),
	ENUM("element", 1, run_element_names),
	TEXT("responsible", 1, 1, 63),
	TEXT("capability", 0, 1, 199),
	{"due", PT_V_STRING, 0, 0, 10, 10, NULL, run_date_ok, "a date YYYY-MM-DD", NULL, NULL},
	ID("measure", 0),
	ID("risk_site", 0),
	ID("risk_threat", 0),
	/* HSEEP 2020 (review finding 7): the app requires start and due, real dates */
	INT("afi", 0, 0, 9007199254740991.0),
	ID("objective", 0),
	ID("target", 0),
	RTEXT("analysis", 0, 0),
	TEXT("poc", 0, 0, 63),
	{"start", PT_V_STRING, 0, 0, 10, 10, NULL, run_date_ok, "a date YYYY-MM-DD", NULL, NULL},
	END,
};
static const struct pt_vschema b_run_improve = {f_run_improve, 0};
static const struct pt_vquery q_run_unassign[] = {
	{"role", PT_V_STRING, 1, 63, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};
/* attack review 4: GET /runs/ID pages the run's entries, newest first */
static const struct pt_vquery q_run_get[] = {
	{"limit", PT_V_INT, 1, 1000, NULL}, /* PT_APP_RUN_PAGE_MAX */
	{"before", PT_V_INT, 1, (1ULL << 53) - 1, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};
static const struct pt_vquery q_run_events[] = {
	{"last_event_id", PT_V_INT, 0, (1ULL << 53) - 1, NULL},
	{NULL, PT_V_INT, 0, 0, NULL},
};
#define RUN_NO_BODY (PT_R_JSON | PT_R_JSON_OPTIONAL) /* nothing, or {} */

/* ---- the table: literal routes before patterns that could match the same path ---- */

/* ---- issue 16 item 6: history and comparison ---- */
static const char *const hist_methods[] = {"fema", "quant", NULL};
static const char *const hist_levels[] = {"later", "own", "LOW", "MODERATE", "SUBSTANTIAL",
					  "SEVERE", "CRITICAL", NULL};
static const struct pt_vquery q_snapshot[] = {
	{"method", PT_V_STRING, 1, 8, hist_methods},
	{NULL, PT_V_INT, 0, 0, NULL},
};
static const struct pt_vquery q_compare[] = {
	{"from", PT_V_INT, 1, 1000000000, NULL},
	{"to", PT_V_STRING, 1, 10, NULL},
	{"method", PT_V_STRING, 1, 8, hist_methods},
	{"threat_level", PT_V_STRING, 1, 16, hist_levels},
	{NULL, PT_V_INT, 0, 0, NULL},
};
static const struct pt_vfield f_snapshot_post[] = {
	TEXT("name", 1, 1, 127),
	ENUM("method", 0, hist_methods),
	END,
};
static const struct pt_vschema b_snapshot_post = {f_snapshot_post, 0};

const struct pt_route pt_routes[] = {
	{"POST", "/api/v1/session", pt_h_session_post, PT_R_PUBLIC | PT_R_JSON | PT_R_NO_CSRF, q_none, &b_login},
	{"GET", "/api/v1/session", pt_h_session_get, 0, q_none, NULL},
	{"DELETE", "/api/v1/session", pt_h_session_delete, 0, q_none, NULL},
	/* the second factor (issue 10) */
	{"POST", "/api/v1/session/second-factor", pt_h_session_second_factor, PT_R_PUBLIC | PT_R_JSON | PT_R_NO_CSRF, q_none, &b_second_factor},
	{"POST", "/api/v1/session/enrolment", pt_h_session_enrolment, PT_R_PUBLIC | PT_R_JSON | PT_R_NO_CSRF, q_none, &b_enrolment},
	{"POST", "/api/v1/account/second-factor", pt_h_account_second_factor, PT_R_JSON, q_none, &b_account_sf},
	{"POST", "/api/v1/account/second-factor/confirm", pt_h_account_second_factor_confirm, PT_R_JSON, q_none, &b_account_sf_confirm},
	{"GET", "/api/v1/sites", pt_h_sites_list, 0, q_sites, NULL}, /* issue 16 item 5: q_sites */
	{"GET", "/api/v1/sites/{id}", pt_h_site_get, 0, q_none, NULL},
	{"PATCH", "/api/v1/sites/{id}", pt_h_site_patch, PT_R_JSON, q_none, &b_site_patch},
	{"GET", "/api/v1/sites/{id}/assessments", pt_h_assessments_get, 0, q_none, NULL},
	{"PATCH", "/api/v1/sites/{id}/assessments/fema", pt_h_assessment_patch, PT_R_JSON | PT_R_JSON_ROWS, q_none, &b_fema_patch},
	{"PATCH", "/api/v1/sites/{id}/assessments/carver", pt_h_assessment_patch, PT_R_JSON, q_none, &b_carver_patch},
	{"PATCH", "/api/v1/sites/{id}/assessments/quant", pt_h_assessment_patch, PT_R_JSON | PT_R_JSON_ROWS, q_none, &b_quant_patch},
	{"GET", "/api/v1/sites/{id}/assessments/{method}", pt_h_assessment_get, 0, q_none, NULL},
	/* issue 16 item 3: surveys (pt_http_surveys.c) */
	{"GET", "/api/v1/questionnaires/{kind}", pt_h_questionnaire_get, 0, q_none, NULL},
	{"GET", "/api/v1/sites/{id}/surveys", pt_h_site_surveys, 0, q_none, NULL},
	{"POST", "/api/v1/sites/{id}/surveys", pt_h_site_survey_post, PT_R_JSON, q_none, &b_survey_post},
	{"GET", "/api/v1/surveys/{id}", pt_h_survey_get, 0, q_none, NULL},
	{"PATCH", "/api/v1/surveys/{id}/answers", pt_h_survey_answers, PT_R_JSON, q_none, &b_survey_answers},
	{"PATCH", "/api/v1/surveys/{id}/ratings", pt_h_survey_ratings, PT_R_JSON, q_none, &b_survey_ratings},
	{"POST", "/api/v1/surveys/{id}/confirm", pt_h_survey_confirm, 0, q_none, NULL},
	{"GET", "/api/v1/sites/{id}/readers", pt_h_readers_get, 0, q_none, NULL},
	{"POST", "/api/v1/sites/{id}/readers", pt_h_reader_post, PT_R_JSON, q_none, &b_reader},
	{"DELETE", "/api/v1/sites/{id}/readers/{name}", pt_h_reader_delete, 0, q_none, NULL},
	{"GET", "/api/v1/ranking/{method}", pt_h_ranking, 0, q_ranking, NULL},
	{"GET", "/api/v1/matrix/{method}", pt_h_matrix, 0, q_matrix, NULL}, /* issue 16 item 5: q_matrix */
	{"POST", "/api/v1/imports/sites", pt_h_import_sites, PT_R_CSV | PT_R_GEOJSON | PT_R_IMPORT_SITES, q_none, NULL},
	{"POST", "/api/v1/imports/assessments", pt_h_import_assessments, PT_R_CSV | PT_R_IMPORT_ASSESSMENTS, q_none, NULL},
	{"GET", "/api/v1/catalog/{name}", pt_h_catalog, 0, q_page, NULL},
	{"GET", "/api/v1/threat-level", pt_h_threat_level_get, 0, q_none, NULL},
	{"PUT", "/api/v1/threat-level", pt_h_threat_level_put, PT_R_JSON, q_none, &b_threat_level},
	{"PATCH", "/api/v1/threat-level", pt_h_threat_level_put, PT_R_JSON, q_none, &b_threat_level},
	{"GET", "/api/v1/organisations", pt_h_orgs_list, 0, q_page, NULL},
	{"POST", "/api/v1/organisations", pt_h_org_post, PT_R_JSON, q_none, &b_org_post},
	{"PATCH", "/api/v1/organisations/{id}", pt_h_org_patch, PT_R_JSON, q_none, &b_org_patch},
	{"GET", "/api/v1/users", pt_h_users_list, 0, q_page, NULL},
	{"POST", "/api/v1/users", pt_h_user_post, PT_R_JSON, q_none, &b_user_post},
	{"PATCH", "/api/v1/users/{name}", pt_h_user_patch, PT_R_JSON, q_none, &b_user_patch},
	{"POST", "/api/v1/users/{name}/password-reset/approve", pt_h_password_reset_approve, 0, q_none, NULL},
	{"GET", "/api/v1/audit", pt_h_audit_list, 0, q_page, NULL},
	{"GET", "/api/v1/measures", pt_h_measures_list, 0, q_page, NULL},
	{"GET", "/api/v1/sites/{id}/measures", pt_h_site_measures, 0, q_none, NULL},
	{"GET", "/api/v1/plan", pt_h_plan_get, 0, q_plan_get, NULL},
	{"GET", "/api/v1/plan/report", pt_h_plan_report, 0, q_plan, NULL},
	{"GET", "/api/v1/plans", pt_h_plans_list, 0, q_page, NULL},
	{"POST", "/api/v1/plans", pt_h_plan_post, PT_R_JSON, q_none, &b_plan_post},
	{"GET", "/api/v1/plans/{name}", pt_h_plan_saved_get, 0, q_none, NULL},
	{"GET", "/api/v1/register", pt_h_register_list, 0, q_register, NULL},
	{"POST", "/api/v1/register/{site}/{threat}", pt_h_register_set, PT_R_JSON, q_none, &b_register_set},
	{"POST", "/api/v1/register/{site}/{threat}/approve", pt_h_register_approve, 0, q_none, NULL},
	{"GET", "/api/v1/register/{site}/{threat}/history", pt_h_register_history, 0, q_none, NULL},
	/* issue 15: the after-action report and its improvement links (pt_http_run_report.c) */
	{"GET", "/api/v1/runs/{id}/report", pt_h_run_report, 0, q_run_report, NULL},
	{"POST", "/api/v1/runs/{id}/improvements/{item}/measure", pt_h_run_improvement_measure, PT_R_JSON, q_none, &b_run_link_measure},
	{"POST", "/api/v1/runs/{id}/improvements/{item}/register", pt_h_run_improvement_register, PT_R_JSON, q_none, &b_run_link_register},
	{"POST", "/api/v1/runs/{id}/improvements/{item}/status", pt_h_run_improvement_status, PT_R_JSON, q_none, &b_run_item_status},
	/* issue 11, item 7: measure states at a site, withdrawing a saved plan */
	/* issue 16, item 4: each step takes an optional body (a note; install its date; verify
	 * needs its method and re-verification date), and the owner commits its own measure */
	{"POST", "/api/v1/sites/{id}/measures/{measure}/approve", pt_h_site_measure_step, STEP_BODY, q_none, &b_measure_step},
	{"POST", "/api/v1/sites/{id}/measures/{measure}/accept", pt_h_site_measure_step, STEP_BODY, q_none, &b_measure_step},
	{"POST", "/api/v1/sites/{id}/measures/{measure}/decline", pt_h_site_measure_step, STEP_BODY, q_none, &b_measure_step},
	{"POST", "/api/v1/sites/{id}/measures/{measure}/install", pt_h_site_measure_step, STEP_BODY, q_none, &b_measure_install},
	{"POST", "/api/v1/sites/{id}/measures/{measure}/verify", pt_h_site_measure_step, STEP_BODY, q_none, &b_measure_verify},
	{"POST", "/api/v1/sites/{id}/measures/{measure}/commit", pt_h_site_measure_commit, STEP_BODY, q_none, &b_measure_step},
	{"POST", "/api/v1/plans/{name}/withdraw", pt_h_plan_withdraw, 0, q_none, NULL},
	/* issue 12: resilience */
	{"GET", "/api/v1/cascade", pt_h_cascade, 0, q_cascade, NULL},
	{"GET", "/api/v1/spof", pt_h_spof, 0, q_spof, NULL},
	{"GET", "/api/v1/dependencies", pt_h_dependencies_list, 0, q_page, NULL},
	{"GET", "/api/v1/sites/{id}/dependencies", pt_h_site_dependencies, 0, q_none, NULL},
	{"POST", "/api/v1/imports/dependencies", pt_h_import_dependencies, PT_R_CSV, q_none, NULL},
	/* review of issue 12: remove a wrong dependency */
	{"DELETE", "/api/v1/dependencies/{provider}/{consumer}", pt_h_dependency_delete, 0, q_none, NULL},
	/* issue 13: public alerts; the paths without a log-in before the page's static files */
	{"GET", "/api/v1/alert-templates", pt_h_alert_templates, 0, q_none, NULL},
	{"POST", "/api/v1/alerts/preview", pt_h_alert_preview, PT_R_JSON, q_none, &b_alert_preview},
	{"GET", "/api/v1/alerts", pt_h_alerts_list, 0, q_alert_list, NULL},
	{"POST", "/api/v1/alerts", pt_h_alert_post, PT_R_JSON, q_none, &b_alert_new},
	{"GET", "/api/v1/alerts/{id}", pt_h_alert_get, 0, q_none, NULL},
	{"GET", "/api/v1/alerts/{id}/cap", pt_h_alert_cap, 0, q_none, NULL},
	{"POST", "/api/v1/alerts/{id}/update", pt_h_alert_update, PT_R_JSON, q_none, &b_alert_update},
	{"POST", "/api/v1/alerts/{id}/cancel", pt_h_alert_cancel, PT_R_JSON, q_none, &b_alert_cancel},
	{"POST", "/api/v1/alerts/{id}/approve", pt_h_alert_approve, PT_R_JSON | PT_R_JSON_OPTIONAL, q_none, &b_alert_approve},
	{"POST", "/api/v1/alerts/{id}/reject", pt_h_alert_reject, PT_R_JSON, q_none, &b_alert_reject},
	{"GET", "/alerts.atom", pt_h_alerts_feed, PT_R_PUBLIC | PT_R_CACHEABLE | PT_R_QUERY_IGNORED, q_none, NULL},
	{"GET", "/alerts/{file}", pt_h_alerts_cap_public, PT_R_PUBLIC | PT_R_CACHEABLE | PT_R_QUERY_IGNORED, q_none, NULL},
	/* issue 14: the mass-casualty simulation (a free-form scenario: the handler checks the body) */
	{"POST", "/api/v1/simulations", pt_h_simulate, PT_R_JSON, q_none, NULL},
	/* issue 15: exercise runs and their live stream (pt_http_runs.c, pt_http_live.c) */
	{"GET", "/api/v1/exercises", pt_h_exercises, 0, q_none, NULL},
	{"GET", "/api/v1/runs", pt_h_runs_list, 0, q_page, NULL},
	{"POST", "/api/v1/runs", pt_h_run_create, PT_R_JSON | PT_R_JSON_ROWS, q_none, &b_run_create},
	{"GET", "/api/v1/runs/{id}", pt_h_run_get, 0, q_run_get, NULL},
	{"POST", "/api/v1/runs/{id}/participants", pt_h_run_assign, PT_R_JSON, q_none, &b_run_assign},
	{"DELETE", "/api/v1/runs/{id}/participants/{user}", pt_h_run_unassign, 0, q_run_unassign, NULL},
	{"POST", "/api/v1/runs/{id}/start", pt_h_run_clock, RUN_NO_BODY, q_none, &b_run_empty},
	{"POST", "/api/v1/runs/{id}/pause", pt_h_run_clock, RUN_NO_BODY, q_none, &b_run_empty},
	{"POST", "/api/v1/runs/{id}/resume", pt_h_run_clock, RUN_NO_BODY, q_none, &b_run_empty},
	{"POST", "/api/v1/runs/{id}/shift", pt_h_run_clock, PT_R_JSON, q_none, &b_run_shift},
	{"POST", "/api/v1/runs/{id}/speed", pt_h_run_clock, PT_R_JSON, q_none, &b_run_speed},
	{"POST", "/api/v1/runs/{id}/endex", pt_h_run_clock, RUN_NO_BODY, q_none, &b_run_endex},
	{"POST", "/api/v1/runs/{id}/suspend", pt_h_run_clock, RUN_NO_BODY, q_none, &b_run_suspend},
	{"POST", "/api/v1/runs/{id}/injects/{seq}/trigger", pt_h_run_inject, RUN_NO_BODY, q_none, &b_run_empty},
	{"POST", "/api/v1/runs/{id}/injects/{seq}/skip", pt_h_run_inject, RUN_NO_BODY, q_none, &b_run_empty},
	{"POST", "/api/v1/runs/{id}/injects/{seq}/done", pt_h_run_inject, RUN_NO_BODY, q_none, &b_run_empty},
	{"POST", "/api/v1/runs/{id}/injects/{seq}/responses", pt_h_run_respond, PT_R_JSON, q_none, &b_run_respond},
	{"POST", "/api/v1/runs/{id}/decisions", pt_h_run_decide, PT_R_JSON, q_none, &b_run_decide},
	{"POST", "/api/v1/runs/{id}/log", pt_h_run_log, PT_R_JSON, q_none, &b_run_log},
	{"POST", "/api/v1/runs/{id}/observations", pt_h_run_observe, PT_R_JSON, q_none, &b_run_observe},
	{"POST", "/api/v1/runs/{id}/ratings", pt_h_run_rate, PT_R_JSON, q_none, &b_run_rate},
	{"POST", "/api/v1/runs/{id}/improvements", pt_h_run_improve, PT_R_JSON, q_none, &b_run_improve},
	{"POST", "/api/v1/runs/{id}/alerts", pt_h_run_alert, PT_R_JSON, q_none, &b_alert_new},
	{"GET", "/api/v1/runs/{id}/events", pt_h_run_events, 0, q_run_events, NULL},
	/* issue 16, item 8: critical entities under the CER Directive (pt_http_cer.c) */
	{"GET", "/api/v1/cer", pt_h_cer_list, 0, q_none, NULL},
	{"PUT", "/api/v1/organisations/{id}/cer", pt_h_cer_put, PT_R_JSON, q_none, &b_cer_put},
	{"PATCH", "/api/v1/organisations/{id}/cer", pt_h_cer_put, PT_R_JSON, q_none, &b_cer_patch},
	{"DELETE", "/api/v1/organisations/{id}/cer", pt_h_cer_delete, 0, q_none, NULL},
	{"GET", "/api/v1/withheld", pt_h_withheld, 0, q_withheld, NULL}, /* no filter: no differencing */
	/* issue 16, item 7: a site against its sector, and what a measure would change (pt_http_peers.c) */
	{"GET", "/api/v1/sites/{id}/peers", pt_h_site_peers, 0, q_peers, NULL},
	{"GET", "/api/v1/sites/{id}/what-if", pt_h_site_what_if, 0, q_what_if, NULL},
	/* issue 16 item 3: attachments of a site or survey (pt_http_attachments.c) */
	{"POST", "/api/v1/sites/{id}/attachments", pt_h_attachment_upload, PT_R_ATTACHMENT, q_attach_upload, NULL},
	{"GET", "/api/v1/sites/{id}/attachments", pt_h_attachments_list, 0, q_attach_list, NULL},
	{"GET", "/api/v1/attachments/{id}", pt_h_attachment_get, 0, q_none, NULL},
	{"DELETE", "/api/v1/attachments/{id}", pt_h_attachment_delete, 0, q_none, NULL},
	/* issue 16 item 6: history and comparison */
	{"GET", "/api/v1/snapshots", pt_h_snapshots_list, 0, q_page, NULL},
	{"POST", "/api/v1/snapshots", pt_h_snapshot_post, PT_R_JSON, q_none, &b_snapshot_post},
	{"GET", "/api/v1/snapshots/{id}", pt_h_snapshot_get, 0, q_snapshot, NULL},
	{"DELETE", "/api/v1/snapshots/{id}", pt_h_snapshot_delete, 0, q_none, NULL},
	{"GET", "/api/v1/compare", pt_h_compare, 0, q_compare, NULL},
	{"GET", "/", NULL, PT_R_PUBLIC | PT_R_STATIC, NULL, NULL},
	{NULL, NULL, NULL, 0, NULL, NULL},
};
