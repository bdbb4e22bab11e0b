/* pt_register_io.h - the risk register as JSON (jansson): an entry with its
 * decision, a change of its history; one writer each for both faces. */
#ifndef PT_REGISTER_IO_H
#define PT_REGISTER_IO_H

#include <jansson.h>
#include <stdio.h>

#include "../core/pt_plan_records.h"

/** How a register entry is written. */
enum pt_register_json_form {
	/** The command line's: linked measures as the ';'-joined text, figures as numbers. */
	PT_REGISTER_JSON_TEXT = 0,
	/** The API's: linked measures as an array of ids, figures null when not finite, and can_treat. */
	PT_REGISTER_JSON_API
};

/**
 * e as a JSON object: {site_id, site_name, threat_id, band, risk_eur_year,
 * residual_eur_year, residual_band, committed_measures, treatment,
 * owner_org, responsible, review_date, measures, note, needs_approval,
 * approved, approved_by, approved_at, updated_at, updated_by} (+ can_treat
 * in the API form). New reference; NULL when out of memory.
 */
json_t *pt_register_entry_to_json(const struct pt_register_entry *e,
				  enum pt_register_json_form form, int can_treat);

/** One history row: {at, actor, action, detail}. New reference; NULL when out of memory. */
json_t *pt_register_history_to_json(const struct pt_register_history_row *h);

/**
 * The marking of a register output carrying e[0, n): the highest TLP of
 * their sites (site_tlp); TLP:CLEAR when n is 0.
 */
enum pt_tlp pt_register_marking(const struct pt_register_entry *e, size_t n);

/**
 * issue 16 item 5: write entries rows[0, n) as CSV to f: the marking line
 * (pt_register_marking), the header, one CRLF-ended line per entry, as
 * `protect register list --format csv` and GET /api/v1/register?format=csv
 * write it.
 */
void pt_register_write_csv(FILE *f, const struct pt_register_entry *rows, size_t n);

#endif
