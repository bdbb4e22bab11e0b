/* pt_register_io.c - the risk register's entries and history as JSON, the
 * one writer both faces use. */
#include "pt_register_io.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/pt_marking.h"
#include "../core/pt_score.h"
#include "pt_csv.h"
#include "pt_marking_io.h"
#include "pt_measures_io.h"

static json_t *number(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* Issue 11, item 8: the decision's band and whether it re-opened or is overdue, on o. */
static json_t *decision_state(json_t *o, const struct pt_register_entry *e)
{
	if (!o)
		return NULL;
	if (json_object_set_new(o, "decided_band",
				e->decided_band == PT_BAND_NONE ? json_null()
								: json_string(pt_band_name(e->decided_band))) ||
	    json_object_set_new(o, "decided_level", e->decided_level[0]
							    ? json_string(e->decided_level)
							    : json_null()) ||
	    json_object_set_new(o, "threat_level", json_string(e->threat_level)) ||
	    json_object_set_new(o, "reopened", json_boolean(e->reopened)) ||
	    json_object_set_new(o, "overdue", json_boolean(e->overdue))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *entry_json(const struct pt_register_entry *e, enum pt_register_json_form form,
			  int can_treat)
{
	if (form == PT_REGISTER_JSON_API)
		return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:I,s:s,s:s,s:s,s:s,s:o,s:s,s:b,s:b,s:s,"
				 "s:s,s:s,s:s,s:b}",
				 "site_id", e->site_id, "site_name", e->site_name, "threat_id",
				 e->threat_id, "risk_band", pt_band_name(e->band), "risk_eur_year",
				 number(e->risk_eur_year), "residual_eur_year",
				 number(e->residual_eur_year), "residual_risk_band",
				 pt_band_name(e->residual_band), "committed_measures",
				 (json_int_t)e->n_committed, "treatment",
				 pt_treatment_name(e->treatment), "owner_org", e->owner_org,
				 "responsible", e->responsible, "review_date", e->review_date,
				 "measures", pt_json_id_list(e->measures), "note", e->note,
				 "needs_approval", e->needs_approval, "approved", e->approved,
				 "approved_by", e->approved_by, "approved_at", e->approved_at,
				 "updated_at", e->updated_at, "updated_by", e->updated_by,
				 "can_treat", can_treat);
	return json_pack("{s:s,s:s,s:s,s:s,s:f,s:f,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:s,"
			 "s:s,s:s}",
			 "site_id", e->site_id, "site_name", e->site_name, "threat_id", e->threat_id,
			 "risk_band", pt_band_name(e->band), "risk_eur_year", e->risk_eur_year,
			 "residual_eur_year", e->residual_eur_year, "residual_risk_band",
			 pt_band_name(e->residual_band), "committed_measures",
			 (json_int_t)e->n_committed, "treatment", pt_treatment_name(e->treatment),
			 "owner_org", e->owner_org, "responsible", e->responsible, "review_date",
			 e->review_date, "measures", e->measures, "note", e->note, "needs_approval",
			 e->needs_approval, "approved", e->approved, "approved_by", e->approved_by,
			 "approved_at", e->approved_at, "updated_at", e->updated_at, "updated_by",
			 e->updated_by);
}

json_t *pt_register_entry_to_json(const struct pt_register_entry *e,
				  enum pt_register_json_form form, int can_treat)
{
	return decision_state(entry_json(e, form, can_treat), e);
}

json_t *pt_register_history_to_json(const struct pt_register_history_row *h)
{
	return json_pack("{s:s,s:s,s:s,s:s}", "at", h->at, "actor", h->actor, "action", h->action,
			 "detail", h->detail);
}

enum pt_tlp pt_register_marking(const struct pt_register_entry *e, size_t n)
{
	enum pt_tlp m = PT_TLP_CLEAR;
	size_t i;
	for (i = 0; e && i < n; i++)
		m = pt_marking_max(m, e[i].site_tlp);
	return m;
}

/* issue 16 item 5: moved from the command line's cmd_register.c, so the API's ?format=csv
 * writes the same bytes */
static const char *approval_text(const struct pt_register_entry *e)
{
	if (e->reopened) /* issue 11: the band rose since the acceptance */
		return "reopened";
	if (e->approved)
		return "approved";
	if (e->needs_approval)
		return "pending";
	return "-";
}

void pt_register_write_csv(FILE *f, const struct pt_register_entry *rows, size_t n)
{
	size_t k;
	pt_marking_csv_line(f, pt_register_marking(rows, n));
	fprintf(f, "site_id,site_name,threat_id,risk_band,risk_eur_year,residual_eur_year,"
	       "residual_risk_band,treatment,approval,owner_org,"
	       "responsible,review_date,measures,note,updated_at,updated_by,"
	       "decided_band,reopened,overdue\r\n");
	for (k = 0; k < n; k++) {
		const struct pt_register_entry *e = &rows[k];
		pt_csv_write_field(f, e->site_id);
		fputc(',', f);
		pt_csv_write_field(f, e->site_name);
		fputc(',', f);
		pt_csv_write_field(f, e->threat_id);
		fputc(',', f);
		pt_csv_write_field(f, pt_band_name(e->band));
		fprintf(f, ",%.2f,%.2f,", e->risk_eur_year, e->residual_eur_year);
		pt_csv_write_field(f, pt_band_name(e->residual_band));
		fprintf(f, ",%s,", pt_treatment_name(e->treatment));
		pt_csv_write_field(f, approval_text(e));
		fputc(',', f);
		pt_csv_write_field(f, e->owner_org);
		fputc(',', f);
		pt_csv_write_field(f, e->responsible);
		fputc(',', f);
		pt_csv_write_field(f, e->review_date);
		fputc(',', f);
		pt_csv_write_field(f, e->measures);
		fputc(',', f);
		pt_csv_write_field(f, e->note);
		fputc(',', f);
		pt_csv_write_field(f, e->updated_at);
		fputc(',', f);
		pt_csv_write_field(f, e->updated_by);
		fprintf(f, ",%s,%d,%d",
		       e->decided_band == PT_BAND_NONE ? "" : pt_band_name(e->decided_band),
		       e->reopened, e->overdue);
		fputs("\r\n", f);
	}
}
