/* pt_register.c - treatment names and the approval rule of the risk register. */
#include "pt_register.h"
#include "pt_plan_records.h"

#include "pt_matrix.h"

#include <string.h>

static const char *const treatment_names[PT_TREAT_COUNT] = {"none", "accept", "reduce",
							    "transfer", "avoid"};

const char *pt_treatment_name(enum pt_treatment t)
{
	return (unsigned)t < PT_TREAT_COUNT ? treatment_names[t] : "";
}

enum pt_err pt_treatment_parse(const char *s, enum pt_treatment *out)
{
	for (unsigned i = 0; s && i < PT_TREAT_COUNT; i++)
		if (strcmp(s, treatment_names[i]) == 0) {
			*out = (enum pt_treatment)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

int pt_register_needs_approval(const struct pt_config *c, enum pt_treatment t, enum pt_band b)
{
	return c && t == PT_TREAT_ACCEPT && (int)b > c->register_accept_max_band;
}

int pt_register_reopened(const struct pt_config *c, enum pt_treatment t, enum pt_band decided,
			 enum pt_band now)
{
	return c && t == PT_TREAT_ACCEPT && decided != PT_BAND_NONE && now > decided &&
	       (int)now > c->register_accept_max_band;
}

int pt_register_overdue(const char *review_date, const char *today)
{
	/* YYYY-MM-DD dates compare as text */
	return review_date && today && review_date[0] && strcmp(review_date, today) < 0;
}

void pt_register_residual(const struct pt_config *cfg, double p_attack, double p_success,
			  double consequence_eur, const uint32_t *committed, size_t n_committed,
			  size_t n_measures, const double *v_effect, const double *c_effect,
			  size_t threats_n, size_t threat, double *risk_eur_year,
			  enum pt_band *band)
{
	size_t i;
	int l = 0, c = 0;
	for (i = 0; i < n_committed && v_effect && c_effect && threat < threats_n; i++) {
		size_t cell;
		if (committed[i] >= n_measures)
			continue;
		cell = (size_t)committed[i] * threats_n + threat;
		p_success *= 1 - v_effect[cell];
		consequence_eur *= 1 - c_effect[cell];
	}
	*risk_eur_year = p_attack * p_success * consequence_eur;
	pt_matrix_quant_classes(cfg, p_attack * p_success, consequence_eur, &l, &c);
	*band = pt_matrix_band(cfg, l, c);
}

static const char *const sm_names[PT_SM_COUNT] = {
	"existing", "proposed", "approved", "accepted", "declined", "installed", "verified"};

const char *pt_site_measure_status_name(enum pt_site_measure_status s)
{
	return (unsigned)s < PT_SM_COUNT ? sm_names[s] : "";
}

enum pt_err pt_site_measure_status_parse(const char *s, enum pt_site_measure_status *out)
{
	for (unsigned i = 0; s && i < PT_SM_COUNT; i++)
		if (strcmp(s, sm_names[i]) == 0) {
			*out = (enum pt_site_measure_status)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

int pt_site_measure_committed(enum pt_site_measure_status s)
{
	return s == PT_SM_ACCEPTED || s == PT_SM_INSTALLED || s == PT_SM_VERIFIED;
}

int pt_site_measure_pending(enum pt_site_measure_status s)
{
	return s == PT_SM_PROPOSED || s == PT_SM_APPROVED;
}

enum pt_err pt_site_measure_next(enum pt_site_measure_status from, enum pt_measure_step step,
				 enum pt_site_measure_status *to)
{
	enum pt_site_measure_status need, next;
	switch (step) {
	case PT_STEP_APPROVE: need = PT_SM_PROPOSED; next = PT_SM_APPROVED; break;
	case PT_STEP_ACCEPT: need = PT_SM_APPROVED; next = PT_SM_ACCEPTED; break;
	case PT_STEP_DECLINE: need = PT_SM_APPROVED; next = PT_SM_DECLINED; break;
	case PT_STEP_INSTALL: need = PT_SM_ACCEPTED; next = PT_SM_INSTALLED; break;
	case PT_STEP_VERIFY: need = PT_SM_INSTALLED; next = PT_SM_VERIFIED; break;
	default: return PT_ECONFLICT;
	}
	if (step == PT_STEP_VERIFY && from == PT_SM_VERIFIED) { /* re-verification (issue 16) */
		*to = PT_SM_VERIFIED;
		return PT_OK;
	}
	if (from != need)
		return PT_ECONFLICT;
	*to = next;
	return PT_OK;
}

/* ---- where a saved plan's measures are (issue 11, review m6) ---- */

const char *pt_saved_plan_phase(const struct pt_saved_plan *p)
{
	long long n = 0, done;
	int legacy = strcmp(p->state, "approved (legacy)") == 0;
	for (unsigned i = 1; i < PT_SM_COUNT; i++)
		n += p->by_status[i];
	if (strcmp(p->state, "withdrawn") == 0)
		return "withdrawn";
	if (n == 0)
		return legacy ? "approved (legacy)" : "proposed";
	if (legacy && p->by_status[PT_SM_ACCEPTED] == n)
		return "approved (legacy)";
	if (p->by_status[PT_SM_PROPOSED] == n)
		return "proposed";
	if (p->by_status[PT_SM_APPROVED] == n)
		return "approved";
	done = p->by_status[PT_SM_INSTALLED] + p->by_status[PT_SM_VERIFIED] +
	       p->by_status[PT_SM_DECLINED];
	return done == n ? "done" : "in progress";
}

int pt_register_review_too_far(const char *review_date, const char *today)
{
	char limit[16];
	int y, i;
	if (!review_date || !today || strlen(today) != 10 || strlen(review_date) != 10)
		return 0;
	for (i = 0, y = 0; i < 4; i++) {
		if (today[i] < '0' || today[i] > '9')
			return 0;
		y = y * 10 + (today[i] - '0');
	}
	/* the same day PT_REVIEW_HORIZON_YEARS later (Feb 29 compares as a text: fine) */
	y += PT_REVIEW_HORIZON_YEARS;
	if (y > 9999)
		return 0;
	memcpy(limit, today, 11);
	for (i = 3; i >= 0; i--, y /= 10)
		limit[i] = (char)('0' + y % 10);
	return strcmp(review_date, limit) > 0;
}

/* ---- measures through their life (issue 16, item 4) ---- */

static const char *const verify_names[] = {"test", "inspection"};

const char *pt_verify_method_name(enum pt_verify_method m)
{
	return (unsigned)m < 2 ? verify_names[m] : "";
}

enum pt_err pt_verify_method_parse(const char *s, enum pt_verify_method *out)
{
	for (unsigned i = 0; s && i < 2; i++)
		if (strcmp(s, verify_names[i]) == 0) {
			*out = (enum pt_verify_method)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

int pt_site_measure_verification_due(const char *reverify_by, const char *today)
{
	return pt_register_overdue(reverify_by, today);
}

int pt_date_valid(const char *s)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, dd, i, leap;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	dd = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || dd < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return dd <= days[m - 1] + (m == 2 && leap);
}

int pt_date_beyond_years(const char *later, const char *earlier, int years)
{
	char limit[16];
	int y, i;
	if (!later || !earlier || strlen(earlier) != 10 || strlen(later) != 10 || years < 0)
		return 0;
	for (i = 0, y = 0; i < 4; i++) {
		if (earlier[i] < '0' || earlier[i] > '9')
			return 0;
		y = y * 10 + (earlier[i] - '0');
	}
	y += years; /* the same day years later (Feb 29 compares as text: fine) */
	if (y > 9999)
		return 0;
	memcpy(limit, earlier, 11);
	for (i = 3; i >= 0; i--, y /= 10)
		limit[i] = (char)('0' + y % 10);
	return strcmp(later, limit) > 0;
}
