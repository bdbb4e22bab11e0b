/* pt_matrix.c - the 5x5 likelihood x consequence matrix: classes from the
 * FEMA and quantitative methods by configurable edges, bands, counts. */
#include "pt_matrix.h"

#include <math.h>
#include <string.h>

int pt_matrix_class(const double edges[4], double x)
{
	int i;
	if (isnan(x))
		return 5; /* an unknown value is never hidden in a low class */
	for (i = 0; i < 4; i++)
		if (x <= edges[i])
			return i + 1;
	return 5;
}

void pt_matrix_fema_classes(const struct pt_config *c, const struct pt_fema_row *row,
			    int *likelihood, int *consequence)
{
	double tv = (double)row->threat_rating * (double)row->vulnerability_rating;
	*likelihood = pt_matrix_class(c->fema_likelihood_edges, tv);
	*consequence = pt_matrix_class(c->fema_consequence_edges, (double)row->asset_value);
}

void pt_matrix_quant_classes(const struct pt_config *c, double p_success_yearly,
			     double consequence_eur, int *likelihood, int *consequence)
{
	*likelihood = pt_matrix_class(c->quant_likelihood_edges, p_success_yearly);
	*consequence = pt_matrix_class(c->quant_consequence_edges, consequence_eur);
}

enum pt_band pt_matrix_band(const struct pt_config *c, int likelihood, int consequence)
{
	int score;
	if (likelihood < 1 || likelihood > 5 || consequence < 1 || consequence > 5)
		return PT_BAND_NONE;
	score = likelihood * consequence;
	if (score <= c->matrix_low_max)
		return PT_BAND_LOW;
	if (score <= c->matrix_medium_max)
		return PT_BAND_MEDIUM;
	if (score <= c->matrix_high_max)
		return PT_BAND_HIGH;
	return PT_BAND_VERY_HIGH;
}

void pt_matrix_clear(struct pt_matrix *m)
{
	memset(m, 0, sizeof *m);
}

void pt_matrix_add(struct pt_matrix *m, int likelihood, int consequence)
{
	if (likelihood < 1 || likelihood > 5 || consequence < 1 || consequence > 5)
		return;
	m->count[likelihood - 1][consequence - 1]++;
	m->total++;
}
