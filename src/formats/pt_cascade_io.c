/* pt_cascade_io.c - the JSON and CSV writers of a cascade and of the SPOF
 * sweep (issue 12), shared by the command line and the API. */
#include "pt_cascade_io.h"

#include <math.h>

#include "pt_csv.h"
#include "pt_marking_io.h"

/* A figure, or null when it is not a number (never, not within the horizon). */
static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *affected_json(const struct pt_app_cascade_site *a)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:o, s:o, s:o, s:o}", "site_id",
			 a->site_id, "name", a->name, "kind", a->kind, "sector", a->sector, "lat",
			 real_or_null(a->lat), "lon", real_or_null(a->lon), "population_served",
			 (json_int_t)a->population_served, "failed_at_h",
			 real_or_null(a->failed_at_h), "restored_at_h",
			 real_or_null(a->restored_at_h), "min_service", real_or_null(a->min_service),
			 "person_hours_lost", real_or_null(a->person_hours_lost));
}

json_t *pt_cascade_json(const struct pt_app_cascade_result *r)
{
	json_t *root, *fail, *affected, *steps, *series;
	size_t i;
	int bad = 0;

	fail = json_array();
	affected = json_array();
	steps = json_array();
	series = json_array();
	root = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "fail", fail,
			 "hours", real_or_null(r->hours), "repair_hours",
			 real_or_null(r->repair_h), "threshold", real_or_null(r->threshold),
			 "affected", affected, "steps", steps, "series", series,
			 "person_hours_lost", real_or_null(r->person_hours_lost), "recovery_h",
			 real_or_null(r->recovery_h), "withheld", json_integer((json_int_t)r->withheld));
	if (!root)
		return NULL;
	if (!r->show_withheld) /* docs/access.md, "Counts of hidden records" */
		json_object_del(root, "withheld");
	for (i = 0; i < r->n_fail; i++)
		bad |= json_array_append_new(fail, json_string(r->fail[i]));
	for (i = 0; i < r->n_affected; i++)
		bad |= json_array_append_new(affected, affected_json(&r->affected[i]));
	for (i = 0; i < r->n_steps; i++)
		bad |= json_array_append_new(steps,
					     json_pack("{s:o, s:s, s:o}", "t_h",
						       real_or_null(r->steps[i].t_h), "site_id",
						       r->steps[i].site_id, "service",
						       real_or_null(r->steps[i].service)));
	for (i = 0; i < r->n_series; i++)
		bad |= json_array_append_new(
			series, json_pack("{s:o, s:o}", "t_h", real_or_null(r->series[i].t_h),
					  "people_without_service",
					  real_or_null(r->series[i].people_without_service)));
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return pt_marking_json(root, r->tlp);
}

/* A figure's CSV cell: empty when it is not a number. */
static void csv_number(FILE *f, double v)
{
	char buf[40];
	if (isfinite(v)) {
		pt_number_format(v, buf, sizeof buf);
		fputs(buf, f);
	}
}

void pt_cascade_csv(FILE *f, const struct pt_app_cascade_result *r)
{
	size_t i;
	pt_marking_csv_line(f, r->tlp);
	fputs("site_id,name,kind,sector,population_served,failed_at_h,restored_at_h,min_service,"
	      "person_hours_lost\n",
	      f);
	for (i = 0; i < r->n_affected; i++) {
		const struct pt_app_cascade_site *a = &r->affected[i];
		pt_csv_write_field(f, a->site_id);
		fputc(',', f);
		pt_csv_write_field(f, a->name);
		fputc(',', f);
		pt_csv_write_field(f, a->kind);
		fputc(',', f);
		pt_csv_write_field(f, a->sector);
		fprintf(f, ",%lld,", a->population_served);
		csv_number(f, a->failed_at_h);
		fputc(',', f);
		csv_number(f, a->restored_at_h);
		fputc(',', f);
		csv_number(f, a->min_service);
		fputc(',', f);
		csv_number(f, a->person_hours_lost);
		fputc('\n', f);
	}
}

json_t *pt_spof_json(const struct pt_app_spof_result *r)
{
	json_t *root, *rows;
	size_t i;
	int bad = 0;

	rows = json_array();
	root = json_pack("{s:o, s:o, s:o, s:o, s:o, s:I, s:I}", "hours", real_or_null(r->hours),
			 "repair_hours", real_or_null(r->repair_h), "threshold",
			 real_or_null(r->threshold), "value_person_hour_eur",
			 real_or_null(r->value_person_hour_eur), "spof", rows, "supplying_sites",
			 (json_int_t)r->supplying_sites, "withheld", (json_int_t)r->withheld);
	if (!root)
		return NULL;
	if (!r->show_withheld) /* docs/access.md, "Counts of hidden records" */
		json_object_del(root, "withheld");
	for (i = 0; i < r->n_rows; i++) {
		const struct pt_app_spof_row *w = &r->rows[i];
		bad |= json_array_append_new(
			rows,
			json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:o}", "rank",
				  (json_int_t)w->rank, "site_id", w->site_id, "name", w->name,
				  "person_hours_lost", real_or_null(w->e.person_hours_lost),
				  "downstream_person_hours",
				  real_or_null(w->e.downstream_person_hours), "downstream_eur",
				  real_or_null(w->downstream_eur), "sites_failed",
				  (json_int_t)w->e.sites_failed, "sites_affected",
				  (json_int_t)w->e.sites_affected, "recovery_h",
				  real_or_null(w->e.recovery_h)));
	}
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return pt_marking_json(root, r->tlp);
}

void pt_spof_csv(FILE *f, const struct pt_app_spof_result *r)
{
	size_t i;
	pt_marking_csv_line(f, r->tlp);
	fputs("rank,site_id,name,person_hours_lost,downstream_person_hours,downstream_eur,"
	      "sites_failed,sites_affected,recovery_h\n",
	      f);
	for (i = 0; i < r->n_rows; i++) {
		const struct pt_app_spof_row *w = &r->rows[i];
		fprintf(f, "%zu,", w->rank);
		pt_csv_write_field(f, w->site_id);
		fputc(',', f);
		pt_csv_write_field(f, w->name);
		fputc(',', f);
		csv_number(f, w->e.person_hours_lost);
		fputc(',', f);
		csv_number(f, w->e.downstream_person_hours);
		fputc(',', f);
		csv_number(f, w->downstream_eur);
		fprintf(f, ",%u,%u,", (unsigned)w->e.sites_failed, (unsigned)w->e.sites_affected);
		csv_number(f, w->e.recovery_h);
		fputc('\n', f);
	}
}
