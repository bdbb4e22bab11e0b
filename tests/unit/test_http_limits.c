/* test_http_limits.c - unit tests of src/http/pt_http_limits.c (issue 10 fix F7): IPv6
 * clients grouped by /64 for the per-address limits and the log-in throttle, IPv4 per address. */
#include <stdio.h>
#include <string.h>

#include "http/pt_http_int.h"
#include "pt_test.h"

static struct pt_addr addr(const char *text)
{
	struct pt_addr a;
	CHECK(pt_addr_parse(text, &a));
	return a;
}

static void key_text(const char *text, char *buf, size_t size)
{
	struct pt_addr a = addr(text), k = pt_addr_limit_key(&a);
	pt_addr_text(&k, buf, size);
}

static void test_limit_key(void)
{
	char buf[64];
	key_text("2001:db8:1:2:aaaa:bbbb:cccc:dddd", buf, sizeof buf);
	CHECK_STR(buf, "2001:db8:1:2::");
	key_text("2001:db8:1:2::1", buf, sizeof buf);
	CHECK_STR(buf, "2001:db8:1:2::");
	key_text("2001:db8:1:3::1", buf, sizeof buf);
	CHECK_STR(buf, "2001:db8:1:3::"); /* another /64 */
	key_text("192.0.2.7", buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.7"); /* IPv4 stays per address */
	key_text("::ffff:192.0.2.8", buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.8"); /* IPv4-mapped too */
}

static void test_counts_per_64(void)
{
	struct pt_addr_count *c = pt_addr_count_new(16);
	struct pt_addr a = addr("2001:db8::1"), b = addr("2001:db8::ffff:1"),
		       other = addr("2001:db8:0:1::1"), v4a = addr("192.0.2.1"),
		       v4b = addr("192.0.2.2");
	CHECK(c != NULL);
	if (!c)
		return;
	/* Two addresses of one /64 share its count: at most 2 in all. */
	CHECK_INT(pt_addr_count_take(c, &a, 2), 1);
	CHECK_INT(pt_addr_count_take(c, &b, 2), 1);
	CHECK_INT(pt_addr_count_take(c, &b, 2), 0);
	CHECK_INT(pt_addr_count_get(c, &a), 2);
	/* Another /64 has its own. */
	CHECK_INT(pt_addr_count_take(c, &other, 2), 1);
	CHECK_INT(pt_addr_count_get(c, &other), 1);
	pt_addr_count_give(c, &a);
	CHECK_INT(pt_addr_count_get(c, &b), 1);
	CHECK_INT(pt_addr_count_take(c, &b, 2), 1);
	/* IPv4 addresses are counted one by one. */
	CHECK_INT(pt_addr_count_take(c, &v4a, 1), 1);
	CHECK_INT(pt_addr_count_take(c, &v4b, 1), 1);
	CHECK_INT(pt_addr_count_take(c, &v4a, 1), 0);
	pt_addr_count_free(c);
}

int main(void)
{
	RUN(test_limit_key);
	RUN(test_counts_per_64);
	return TEST_SUMMARY("test_http_limits");
}
