/* pt_matrix.h - the ISO 31000-style 5x5 likelihood x consequence matrix
 * used for communication, with configurable mappings from the FEMA and
 * quantitative methods (CARVER never goes on it). */
#ifndef PT_MATRIX_H
#define PT_MATRIX_H

#include <stddef.h>

#include "pt_config.h"
#include "pt_score.h"

/** Counts of site-threat risks per cell; [l-1][c-1] for classes 1-5. */
struct pt_matrix {
	long count[5][5];
	long total;
};

/**
 * Class 1-5 of value x given 4 ascending upper edges (x <= e[0] is 1,
 * e[0] < x <= e[1] is 2, ..., x > e[3] is 5). NaN is class 5: an unknown
 * value is never hidden in a low class.
 */
int pt_matrix_class(const double edges[4], double x);

/** FEMA: likelihood class from T x V, consequence class from asset value. */
void pt_matrix_fema_classes(const struct pt_config *c, const struct pt_fema_row *row,
			    int *likelihood, int *consequence);

/** Quant: likelihood from yearly P(successful attack) = E[T'] E[V], consequence from E[C]. */
void pt_matrix_quant_classes(const struct pt_config *c, double p_success_yearly,
			     double consequence_eur, int *likelihood, int *consequence);

/**
 * Rating band of a cell: from l x c (1-25): low up to matrix_low_max, medium
 * up to matrix_medium_max, high up to matrix_high_max, very high above.
 * PT_BAND_NONE when a class is outside 1-5.
 */
enum pt_band pt_matrix_band(const struct pt_config *c, int likelihood, int consequence);

/** Empty m (all counts zero). */
void pt_matrix_clear(struct pt_matrix *m);

/** Add one risk at (likelihood, consequence) classes (1-5 each); other classes are ignored. */
void pt_matrix_add(struct pt_matrix *m, int likelihood, int consequence);

#endif
