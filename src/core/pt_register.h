/* pt_register.h - the risk register's treatment decisions (ISO 31000:
 * accept, reduce, transfer, avoid) and the rule on accepting a high risk. */
#ifndef PT_REGISTER_H
#define PT_REGISTER_H

#include <stddef.h>
#include <stdint.h>

#include "pt_config.h"
#include "pt_err.h"
#include "pt_score.h"

/** Treatment of one site-threat risk. */
enum pt_treatment {
	PT_TREAT_NONE = 0, /**< no decision recorded yet */
	PT_TREAT_ACCEPT,
	PT_TREAT_REDUCE,
	PT_TREAT_TRANSFER,
	PT_TREAT_AVOID
};
#define PT_TREAT_COUNT 5

/** "none", "accept", "reduce", "transfer", "avoid"; "" out of range. */
const char *pt_treatment_name(enum pt_treatment t);
/** Parse a treatment name (exact, lower case; "none" included). PT_EINVAL if unknown. */
enum pt_err pt_treatment_parse(const char *s, enum pt_treatment *out);

/**
 * Nonzero when recording treatment t for a risk of band b needs a government
 * coordinator's approval: accepting a risk whose band is above
 * c->register_accept_max_band.
 */
int pt_register_needs_approval(const struct pt_config *c, enum pt_treatment t, enum pt_band b);

/**
 * Issue 11, item 8: nonzero when a decision of treatment t taken at band
 * decided re-opens at band now: an acceptance whose band has risen above
 * both decided and c->register_accept_max_band (a falling band never
 * re-opens one; decided NONE, not known, never does). A re-opened decision
 * awaits a government coordinator's approval again.
 */
int pt_register_reopened(const struct pt_config *c, enum pt_treatment t, enum pt_band decided,
			 enum pt_band now);

/**
 * Nonzero when review_date (YYYY-MM-DD, "" none) is before today
 * (YYYY-MM-DD): the decision is overdue for review.
 */
int pt_register_overdue(const char *review_date, const char *today);

/* issue 11 review L2: a review date is at most this many years ahead */
#define PT_REVIEW_HORIZON_YEARS 5

/**
 * Nonzero when review_date (YYYY-MM-DD) is more than PT_REVIEW_HORIZON_YEARS
 * years after today (YYYY-MM-DD): beyond the review horizon. 0 when either
 * is empty or malformed (the caller checks the form first).
 */
int pt_register_review_too_far(const char *review_date, const char *today);

/**
 * The residual risk of one site-threat pair once the measures committed at
 * its site are in place: V' = V prod(1 - v), C' = C prod(1 - c) over the
 * committed measures (indexes into the effect matrices v_effect and
 * c_effect, measure-major with threats_n columns) for threat, risk
 * E[T'] V' C' and its band on cfg's quantitative matrix. Indexes outside
 * the matrix are ignored.
 */
void pt_register_residual(const struct pt_config *cfg, double p_attack, double p_success,
			  double consequence_eur, const uint32_t *committed, size_t n_committed,
			  size_t n_measures, const double *v_effect, const double *c_effect,
			  size_t threats_n, size_t threat, double *risk_eur_year,
			  enum pt_band *band);

#endif
