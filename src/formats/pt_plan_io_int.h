/* pt_plan_io_int.h - private to src/formats: the helpers that the plan's
 * JSON and CSV writers (pt_plan_io.c) and its HTML report (pt_plan_html.c) share. */
#ifndef PT_PLAN_IO_INT_H
#define PT_PLAN_IO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pt_plan_io.h"

/** The option chosen at site, NULL when none. */
const struct pt_plan_option *pt_plan_chosen_option(const struct pt_plan_view *v, size_t site);
/** The present-value factor of yearly costs over the plan's horizon. */
double pt_plan_cost_factor(const struct pt_plan_view *v);
/** Whole euros with ',' between thousands. */
void pt_plan_eur_full(char *buf, size_t size, double eur);
/** Euros rounded for a sentence ("EUR 1.2 million"). */
void pt_plan_eur_short(char *buf, size_t size, double eur);
/** The plan's horizon in years. */
unsigned pt_plan_horizon(const struct pt_plan_view *v);
/** The id of measure m of the catalogue. */
const char *pt_plan_measure_id(const struct pt_plan_view *v, uint32_t m);
/** Covered sites without an assessment. */
size_t pt_plan_not_assessed(const struct pt_plan_view *v);
/** x as a percentage for a sentence. */
void pt_plan_percent_text(char *buf, size_t size, double x);
/** benefit / cost (INFINITY without cost, NAN for nothing). */
double pt_plan_ratio(double benefit, double cost);
/** A benefit-cost ratio for a sentence. */
void pt_plan_ratio_text(char *buf, size_t size, double r);
/** Why less intrusive alternative alt of screening s at site falls short, or
 * that it rules s out (the aim's threats with both effects), as one sentence. */
void pt_plan_alt_text(const struct pt_plan_view *v, size_t site, const struct pt_plan_screen *s,
		      const struct pt_plan_alt *alt, char *buf, size_t size);
/** The id of site i. */
const char *pt_plan_site_id(const struct pt_plan_view *v, size_t i);
/** The name of site i. */
const char *pt_plan_site_name(const struct pt_plan_view *v, size_t i);

#endif
