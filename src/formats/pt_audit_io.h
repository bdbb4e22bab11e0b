/* pt_audit_io.h - an audit entry for people and programs: its time as
 * ISO 8601 and the one JSON object both faces print (jansson). */
#ifndef PT_AUDIT_IO_H
#define PT_AUDIT_IO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/pt_audit_entry.h"

/** Unix seconds t as "2025-01-01T10:00:00Z" into buf (the number when it cannot be shown). */
void pt_audit_time_iso(int64_t t, char *buf, size_t size);

/**
 * The entry as the audit list shows it: {"seq", "time", "user",
 * "organisation", "action", "table", "record", "detail", "withheld"}.
 * withheld nonzero: "record" and "detail" are null and "withheld" true
 * (the reader may not see a record the entry covers: docs/access.md).
 * A new reference the caller owns (json_decref), NULL when out of memory.
 */
json_t *pt_audit_entry_json(const struct pt_audit_entry *e, int withheld);

#endif
