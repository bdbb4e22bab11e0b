/* pt_audit_io.c - an audit entry's time as ISO 8601 and its JSON object,
 * written once for the command line and the API. */
#include "pt_audit_io.h"

#include <stdio.h>
#include <time.h>

void pt_audit_time_iso(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "%lld", (long long)t);
}

json_t *pt_audit_entry_json(const struct pt_audit_entry *e, int withheld)
{
	char when[32];
	pt_audit_time_iso(e->time, when, sizeof when);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:b}", "seq", (json_int_t)e->seq,
			 "time", when, "user", e->user_name, "organisation", e->org_name, "action",
			 e->action, "table", e->record_table, "record",
			 withheld ? json_null() : json_string(e->record_id), "detail",
			 withheld ? json_null() : json_string(e->detail), "withheld", withheld ? 1 : 0);
}
