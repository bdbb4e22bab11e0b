/* pt_cer.c - the obligations of a critical entity under the CER Directive by date
 * (art. 6(3), 12, 13): dates as "YYYY-MM-DD" text, which compares in order. */
#include "pt_cer.h"

#include <string.h>

static const char *const state_names[] = {"current", "due", "overdue", "review"};

const char *pt_cer_state_name(enum pt_cer_state s)
{
	return (unsigned)s < sizeof state_names / sizeof *state_names ? state_names[s] : "";
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* The digits of s[from..from+n) as a number (s checked to hold digits there). */
static int digits(const char *s, int from, int n)
{
	int v = 0, i;
	for (i = from; i < from + n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int pt_cer_date_valid(const char *s)
{
	int i, y, m, d;
	if (!s)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	if (s[10])
		return 0;
	y = digits(s, 0, 4);
	m = digits(s, 5, 2);
	d = digits(s, 8, 2);
	return y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

static void put_date(char out[PT_CER_DATE_LEN], int y, int m, int d)
{
	int v[3] = {y, m, d}, w[3] = {4, 2, 2}, k, i, at = 0;
	for (k = 0; k < 3; k++) {
		for (i = w[k] - 1; i >= 0; i--) {
			out[at + i] = (char)('0' + v[k] % 10);
			v[k] /= 10;
		}
		at += w[k];
		if (k < 2)
			out[at++] = '-';
	}
	out[at] = '\0';
}

int pt_cer_add_months(const char *date, int months, char out[PT_CER_DATE_LEN])
{
	int y, m, d, total;
	out[0] = '\0';
	if (!pt_cer_date_valid(date) || months < 0 || months > 1200)
		return -1;
	y = digits(date, 0, 4);
	m = digits(date, 5, 2);
	d = digits(date, 8, 2);
	total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	if (y > 9999)
		return -1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	put_date(out, y, m, d);
	return 0;
}

static int fail(const char **field, const char **why, const char *f, const char *w)
{
	*field = f;
	*why = w;
	return -1;
}

int pt_cer_check(const struct pt_cer_dates *e, const char *today, const char **field,
		 const char **why)
{
	static const char real[] = "must be a day from 1970-01-01 to 9999-12-31 as YYYY-MM-DD";
	static const char future[] = "must not be after today";  /* the app adds the day */
	if (!pt_cer_date_valid(e->designated_on))
		return fail(field, why, "designated_on", real);
	if (!pt_cer_date_valid(e->notified_on))
		return fail(field, why, "notified_on", real);
	if (strcmp(e->designated_on, today) > 0)
		return fail(field, why, "designated_on", future);
	if (strcmp(e->notified_on, today) > 0)
		return fail(field, why, "notified_on", future);
	if (strcmp(e->notified_on, e->designated_on) < 0)
		return fail(field, why, "notified_on",
			    "must not be before designated_on (art. 6(3): an entity is notified "
			    "after it is identified)");
	if (e->risk_assessment_on[0] && !pt_cer_date_valid(e->risk_assessment_on))
		return fail(field, why, "risk_assessment_on", real);
	if (e->risk_assessment_on[0] && strcmp(e->risk_assessment_on, today) > 0)
		return fail(field, why, "risk_assessment_on", future);
	if (e->resilience_plan_on[0] && !pt_cer_date_valid(e->resilience_plan_on))
		return fail(field, why, "resilience_plan_on", real);
	if (e->resilience_plan_on[0] && strcmp(e->resilience_plan_on, today) > 0)
		return fail(field, why, "resilience_plan_on", future);
	return 0;
}

void pt_cer_status(const struct pt_cer_dates *e, const char *today, struct pt_cer_status *out)
{
	int counted = e->risk_assessment_on[0] && strcmp(e->risk_assessment_on, e->notified_on) >= 0;
	memset(out, 0, sizeof *out);
	pt_cer_add_months(e->notified_on, PT_CER_CHAPTER3_MONTHS, out->obligations_from);
	if (counted) {
		pt_cer_add_months(e->risk_assessment_on, PT_CER_RISK_EVERY_MONTHS, out->risk_due);
		out->risk = strcmp(today, out->risk_due) <= 0 ? PT_CER_CURRENT : PT_CER_OVERDUE;
	} else {
		pt_cer_add_months(e->notified_on, PT_CER_RISK_FIRST_MONTHS, out->risk_due);
		out->risk = strcmp(today, out->risk_due) <= 0 ? PT_CER_DUE : PT_CER_OVERDUE;
	}
	memcpy(out->plan_due, out->obligations_from, sizeof out->plan_due);
	if (e->resilience_plan_on[0])
		out->plan = counted && strcmp(e->resilience_plan_on, e->risk_assessment_on) < 0
				    ? PT_CER_REVIEW
				    : PT_CER_CURRENT;
	else
		out->plan = strcmp(today, out->plan_due) <= 0 ? PT_CER_DUE : PT_CER_OVERDUE;
	out->lacks_risk_assessment = out->risk != PT_CER_CURRENT;
	out->lacks_resilience_plan = out->plan == PT_CER_DUE || out->plan == PT_CER_OVERDUE;
}
