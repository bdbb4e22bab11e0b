/* test_cer.c - the obligations of a critical entity under the CER Directive by date
 * (src/core/pt_cer.c): calendar months, the first and the four-yearly risk assessment,
 * the resilience plan, and the checks of a designation's days. */
#include <string.h>

#include "core/pt_access.h"
#include "core/pt_cer.h"
#include "pt_test.h"

static void test_dates(void)
{
	char out[PT_CER_DATE_LEN];
	CHECK(pt_cer_date_valid("2026-01-26"));
	CHECK(pt_cer_date_valid("2028-02-29"));
	CHECK(!pt_cer_date_valid("2027-02-29"));
	CHECK(!pt_cer_date_valid("1900-02-28"));
	CHECK(!pt_cer_date_valid("2026-1-26"));
	CHECK(!pt_cer_date_valid("2026-01-26 "));
	CHECK(!pt_cer_date_valid("2026-01"));
	CHECK(!pt_cer_date_valid(""));
	CHECK(!pt_cer_date_valid(NULL));
	CHECK_INT(pt_cer_add_months("2026-01-26", 9, out), 0);
	CHECK_STR(out, "2026-10-26");
	CHECK_INT(pt_cer_add_months("2026-05-31", 9, out), 0); /* February has fewer days */
	CHECK_STR(out, "2027-02-28");
	CHECK_INT(pt_cer_add_months("2027-05-31", 9, out), 0);
	CHECK_STR(out, "2028-02-29");
	CHECK_INT(pt_cer_add_months("2028-02-29", 48, out), 0);
	CHECK_STR(out, "2032-02-29");
	CHECK_INT(pt_cer_add_months("2026-12-15", 1, out), 0);
	CHECK_STR(out, "2027-01-15");
	CHECK_INT(pt_cer_add_months("9999-05-01", 9, out), -1);
	CHECK_STR(out, "");
	CHECK_INT(pt_cer_add_months("2026-02-30", 1, out), -1);
}

static struct pt_cer_dates dates(const char *designated, const char *notified, const char *risk,
				 const char *plan)
{
	struct pt_cer_dates e;
	memset(&e, 0, sizeof e);
	strcpy(e.designated_on, designated);
	strcpy(e.notified_on, notified);
	strcpy(e.risk_assessment_on, risk);
	strcpy(e.resilience_plan_on, plan);
	return e;
}

static void test_status(void)
{
	struct pt_cer_dates e = dates("2026-01-12", "2026-01-26", "", "");
	struct pt_cer_status s;

	/* Nothing yet: the first risk assessment is due 9 months after notification (art. 12(1)),
	 * the plan when Chapter III applies, 10 months after it (art. 6(3)). */
	pt_cer_status(&e, "2026-10-26", &s);
	CHECK_STR(s.risk_due, "2026-10-26");
	CHECK_STR(pt_cer_state_name(s.risk), "due");
	CHECK_STR(s.obligations_from, "2026-11-26");
	CHECK_STR(s.plan_due, "2026-11-26");
	CHECK_STR(pt_cer_state_name(s.plan), "due");
	CHECK(s.lacks_risk_assessment && s.lacks_resilience_plan);
	pt_cer_status(&e, "2026-10-27", &s);
	CHECK_STR(pt_cer_state_name(s.risk), "overdue");
	CHECK_STR(pt_cer_state_name(s.plan), "due");
	pt_cer_status(&e, "2026-11-27", &s);
	CHECK_STR(pt_cer_state_name(s.plan), "overdue");

	/* An assessment after notification: current for four years, to the day. */
	e = dates("2026-01-12", "2026-01-26", "2026-06-30", "2026-09-15");
	pt_cer_status(&e, "2030-06-30", &s);
	CHECK_STR(s.risk_due, "2030-06-30");
	CHECK_STR(pt_cer_state_name(s.risk), "current");
	CHECK_STR(pt_cer_state_name(s.plan), "current");
	CHECK(!s.lacks_risk_assessment && !s.lacks_resilience_plan);
	pt_cer_status(&e, "2030-07-01", &s);
	CHECK_STR(pt_cer_state_name(s.risk), "overdue");
	CHECK(s.lacks_risk_assessment);

	/* An assessment before notification does not count: the first is still owed. */
	e = dates("2026-01-12", "2026-01-26", "2025-12-01", "");
	pt_cer_status(&e, "2026-03-01", &s);
	CHECK_STR(s.risk_due, "2026-10-26");
	CHECK_STR(pt_cer_state_name(s.risk), "due");

	/* A plan older than the latest risk assessment is to be reviewed; it is not missing. */
	e = dates("2026-01-12", "2026-01-26", "2026-11-30", "2026-09-15");
	pt_cer_status(&e, "2026-12-01", &s);
	CHECK_STR(pt_cer_state_name(s.plan), "review");
	CHECK(!s.lacks_resilience_plan);
	CHECK_STR(pt_cer_state_name((enum pt_cer_state)9), "");
}

static void test_check(void)
{
	const char *field = "", *why = "";
	struct pt_cer_dates e = dates("2026-01-12", "2026-01-26", "2026-06-30", "");
	CHECK_INT(pt_cer_check(&e, "2026-12-01", &field, &why), 0);
	e = dates("2026-01-12", "2026-01-11", "", "");
	CHECK_INT(pt_cer_check(&e, "2026-12-01", &field, &why), -1);
	CHECK_STR(field, "notified_on");
	CHECK(strstr(why, "art. 6(3)") != NULL);
	e = dates("2026-12-02", "2026-12-02", "", "");
	CHECK_INT(pt_cer_check(&e, "2026-12-01", &field, &why), -1);
	CHECK_STR(field, "designated_on");
	CHECK_STR(why, "must not be after today");
	e = dates("2026-01-12", "2026-01-26", "2026-13-01", "");
	CHECK_INT(pt_cer_check(&e, "2026-12-01", &field, &why), -1);
	CHECK_STR(field, "risk_assessment_on");
	e = dates("2026-01-12", "2026-01-26", "", "2026-12-02");
	CHECK_INT(pt_cer_check(&e, "2026-12-01", &field, &why), -1);
	CHECK_STR(field, "resilience_plan_on");
	e = dates("", "2026-01-26", "", "");
	CHECK_INT(pt_cer_check(&e, "2026-12-01", &field, &why), -1);
	CHECK_STR(field, "designated_on");
}

static void test_access(void)
{
	struct pt_principal gov = {0}, op = {0};
	gov.user_id = 1;
	gov.org_id = 5;
	gov.org_type = PT_ORG_GOVERNMENT;
	op.user_id = 2;
	op.org_id = 4;
	op.org_type = PT_ORG_OPERATOR;

	gov.role = PT_ROLE_COORDINATOR;
	CHECK_INT(pt_access_cer_designate(&gov), PT_ACCESS_OK);
	CHECK_INT(pt_access_cer_report(&gov, 4), PT_ACCESS_OK);
	gov.role = PT_ROLE_ANALYST;
	CHECK_INT(pt_access_cer_designate(&gov), PT_ACCESS_FORBIDDEN);
	CHECK_INT(pt_access_cer_read(&gov, 4), PT_ACCESS_OK);
	CHECK_INT(pt_access_cer_report(&gov, 4), PT_ACCESS_FORBIDDEN);
	gov.role = PT_ROLE_VIEWER;
	CHECK_INT(pt_access_cer_read(&gov, 4), PT_ACCESS_NOT_FOUND);

	op.role = PT_ROLE_ADMIN;
	CHECK_INT(pt_access_cer_designate(&op), PT_ACCESS_FORBIDDEN);
	CHECK_INT(pt_access_cer_report(&op, 4), PT_ACCESS_OK);
	CHECK_INT(pt_access_cer_report(&op, 3), PT_ACCESS_NOT_FOUND);
	op.role = PT_ROLE_OPERATOR;
	CHECK_INT(pt_access_cer_read(&op, 4), PT_ACCESS_OK);
	CHECK_INT(pt_access_cer_report(&op, 4), PT_ACCESS_FORBIDDEN);
	op.role = PT_ROLE_VIEWER;
	CHECK_INT(pt_access_cer_read(&op, 4), PT_ACCESS_NOT_FOUND);
}

int main(void)
{
	RUN(test_dates);
	RUN(test_status);
	RUN(test_check);
	RUN(test_access);
	return TEST_SUMMARY("test_cer");
}
