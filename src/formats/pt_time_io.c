/* pt_time_io.c - times as people write them (issue 11: threat-level expiries, the
 * fixed clock of tests): "2027-01-31", "2027-01-31T00:00Z", "@SECONDS", all UTC. */
#define _GNU_SOURCE /* timegm, strptime */
#include "pt_time_io.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int pt_time_parse_utc(const char *s, int64_t *out)
{
	struct tm tm;
	const char *end;
	time_t t;
	if (!s || !s[0])
		return -1;
	if (s[0] == '@') { /* unix seconds */
		char *e;
		long long v = strtoll(s + 1, &e, 10);
		if (e == s + 1 || *e || v <= 0)
			return -1;
		*out = v;
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	if (!(end = strptime(s, "%Y-%m-%d", &tm)))
		return -1;
	if (*end == 'T') {
		const char *e2 = strptime(end + 1, "%H:%M", &tm);
		if (!e2)
			return -1;
		end = e2;
		if (*end == ':' && !(end = strptime(end + 1, "%S", &tm)))
			return -1;
		if (*end == 'Z')
			end++;
	}
	if (*end)
		return -1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

