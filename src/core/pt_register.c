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
