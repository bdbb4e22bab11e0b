/* test_http_limits.c - unit tests of src/http/pt_http_limits.c (issue 10 fixes F4, F7): IPv6
 * clients grouped by /64 for the per-address limits and the log-in throttle, IPv4 per address;
 * the body budget shared out per user. */
#include <stdio.h>
#include <stdlib.h>
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

static void test_user_share(void)
{
	struct pt_http_server *s = calloc(1, sizeof *s);
	struct pt_req a1, a2, b1, anon;
	CHECK(s != NULL);
	if (!s)
		return;
	s->cfg.body_budget = 1000;
	s->user_body_share = 600;
	s->per_user = pt_user_bytes_new(4);
	CHECK(s->per_user != NULL);
	memset(&a1, 0, sizeof a1);
	memset(&a2, 0, sizeof a2);
	memset(&b1, 0, sizeof b1);
	memset(&anon, 0, sizeof anon);
	a1.body_user = a2.body_user = 7;
	b1.body_user = 8;
	CHECK_INT(pt_body_reserve(s, &a1, 400), 1);
	CHECK_INT(pt_body_reserve(s, &a2, 201), 0); /* user 7 over its 600, whatever the request */
	CHECK_INT(a2.body_user_full, 1);
	CHECK_INT(pt_body_reserve(s, &a2, 200), 1);
	CHECK_INT(pt_body_reserve(s, &b1, 400), 1); /* another user has its own share */
	CHECK_INT(pt_body_reserve(s, &anon, 1), 0); /* the budget (1000) is full */
	CHECK_INT(anon.body_user_full, 0);
	CHECK_INT(pt_body_reserve(s, &b1, 1), 0);   /* budget full: user 8 not charged for it */
	CHECK_INT(b1.body_user_full, 0);
	pt_body_release(s, &a1);
	CHECK_INT(pt_body_reserve(s, &b1, 200), 1); /* 600 of user 8 */
	CHECK_INT(pt_body_reserve(s, &a1, 200), 1); /* the budget full again: 200 + 600 + 200 */
	CHECK_INT((int)a1.body_held, 200);
	pt_body_release(s, &a1);
	pt_body_release(s, &a2);
	pt_body_release(s, &b1);
	CHECK_INT((int)atomic_load(&s->body_held), 0);
	pt_user_bytes_free(s->per_user);
	free(s);
}

int main(void)
{
	RUN(test_limit_key);
	RUN(test_counts_per_64);
	RUN(test_user_share);
	return TEST_SUMMARY("test_http_limits");
}
