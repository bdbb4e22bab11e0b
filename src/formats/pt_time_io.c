/* pt_time_io.c - times as people write them (issue 11: threat-level expiries, the
 * fixed clock of tests): "2027-01-31", "2027-01-31T00:00Z", "@SECONDS", all UTC. */
#define _GNU_SOURCE /* timegm */
#include "pt_time_io.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* n digits at s as a number; -1 when any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0, i;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int pt_time_parse_utc(const char *s, int64_t *out)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	struct tm tm;
	size_t len;
	int y, mo, dd, hh = 0, mi = 0, ss = 0, leap;
	time_t t;
	if (!s || !s[0])
		return -1;
	if (s[0] == '@') { /* unix seconds */
		char *e;
		long long v;
		if (s[1] < '0' || s[1] > '9')
			return -1;
		v = strtoll(s + 1, &e, 10);
		if (e == s + 1 || *e || v <= 0)
			return -1;
		*out = v;
		return 0;
	}
	/* canonical forms only (issue 11, M4): YYYY-MM-DD, YYYY-MM-DDTHH:MMZ,
	 * YYYY-MM-DDTHH:MM:SSZ, a real calendar day and time of day, no rollover */
	len = strlen(s);
	if (len != 10 && len != 17 && len != 20)
		return -1;
	if (s[4] != '-' || s[7] != '-' || (y = digits(s, 4)) < 1 || (mo = digits(s + 5, 2)) < 1 ||
	    mo > 12 || (dd = digits(s + 8, 2)) < 1)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (dd > days[mo - 1] + (mo == 2 && leap))
		return -1;
	if (len > 10) {
		if (s[10] != 'T' || s[13] != ':' || s[len - 1] != 'Z' ||
		    (hh = digits(s + 11, 2)) < 0 || hh > 23 || (mi = digits(s + 14, 2)) < 0 ||
		    mi > 59)
			return -1;
		if (len == 20 && (s[16] != ':' || (ss = digits(s + 17, 2)) < 0 || ss > 59))
			return -1;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = dd;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_sec = ss;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}
