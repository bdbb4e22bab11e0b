/* test_http_rate.c - unit tests of src/http/pt_http_rate.c (issue 13): the token bucket per
 * client address of the paths without a log-in: the burst, exact refills, Retry-After. */
#include <stdio.h>
#include <string.h>

#include "http/pt_http_int.h"
#include "pt_test.h"

static void test_burst_and_wait(void)
{
	struct pt_rate *t = pt_rate_new(4);
	int i;
	CHECK(t != NULL);
	if (!t)
		return;
	for (i = 0; i < 4; i++)
		CHECK_INT(pt_rate_take(t, "192.0.2.1", 1000), 0); /* a minute's worth at once */
	CHECK_INT(pt_rate_take(t, "192.0.2.1", 1000), 15);     /* 4 a minute: one every 15 s */
	CHECK_INT(pt_rate_take(t, "192.0.2.2", 1000), 0);      /* another address has its own */
	CHECK_INT(pt_rate_take(t, "192.0.2.1", 1000 + 14999), 1);
	CHECK_INT(pt_rate_take(t, "192.0.2.1", 1000 + 15000), 0); /* one token back after 15 s */
	CHECK_INT(pt_rate_take(t, "192.0.2.1", 1000 + 15000), 15);
	CHECK_INT(pt_rate_take(t, "192.0.2.1", 1000 + 15000 + 600000), 0); /* full again, no more */
	for (i = 0; i < 3; i++)
		CHECK_INT(pt_rate_take(t, "192.0.2.1", 1000 + 15000 + 600000), 0);
	CHECK(pt_rate_take(t, "192.0.2.1", 1000 + 15000 + 600000) > 0);
	pt_rate_free(t);
}

static void test_slow_rate_exact(void)
{
	/* one a minute, asked every millisecond: the refills add up (none is lost to rounding) */
	struct pt_rate *t = pt_rate_new(1);
	long long ms;
	int allowed = 0;
	CHECK(t != NULL);
	if (!t)
		return;
	for (ms = 0; ms <= 180000; ms++)
		if (pt_rate_take(t, "2001:db8::/64", ms) == 0)
			allowed++;
	CHECK_INT(allowed, 4); /* the first, then at 60, 120 and 180 s */
	pt_rate_free(t);
}

static void test_many_keys(void)
{
	/* more clients than the table holds: a forgotten one starts with a full bucket */
	struct pt_rate *t = pt_rate_new(2);
	char key[32];
	int i, refused = 0;
	CHECK(t != NULL);
	if (!t)
		return;
	for (i = 0; i < 3 * PT_RATE_KEYS; i++) {
		snprintf(key, sizeof key, "10.0.%d.%d", i / 256, i % 256);
		if (pt_rate_take(t, key, i) != 0)
			refused++;
	}
	CHECK_INT(refused, 0);
	CHECK(pt_rate_new(0) == NULL);
	pt_rate_free(NULL);
	pt_rate_free(t);
}

/* attack review 6, round 2: peek answers as take would, and takes nothing */
static void test_peek(void)
{
	struct pt_rate *t = pt_rate_new(2);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_INT(pt_rate_peek(t, "refused user 7", 1000), 0); /* unknown: a full bucket */
	CHECK_INT(pt_rate_take(t, "refused user 7", 1000), 0);
	CHECK_INT(pt_rate_peek(t, "refused user 7", 1000), 0);
	CHECK_INT(pt_rate_peek(t, "refused user 7", 1000), 0); /* peeking twice took nothing */
	CHECK_INT(pt_rate_take(t, "refused user 7", 1000), 0);
	CHECK_INT(pt_rate_peek(t, "refused user 7", 1000), 30); /* 2 a minute: one every 30 s */
	CHECK_INT(pt_rate_peek(t, "refused user 7", 1000 + 29999), 1);
	CHECK_INT(pt_rate_peek(t, "refused user 7", 1000 + 30000), 0);
	CHECK_INT(pt_rate_take(t, "refused user 7", 1000 + 30000), 0);
	CHECK_INT(pt_rate_peek(t, "refused user 7", 1000 + 30000), 30);
	CHECK_INT(pt_rate_peek(t, "refused user 8", 1000 + 30000), 0);
	pt_rate_free(t);
}

int main(void)
{
	RUN(test_burst_and_wait);
	RUN(test_slow_rate_exact);
	RUN(test_many_keys);
	RUN(test_peek);
	return TEST_SUMMARY("test_http_rate");
}
