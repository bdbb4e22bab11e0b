/* test_disclosure.c - small counts suppressed (src/core/pt_disclosure.c): every count below 3
 * (zero too), and a second cell when only one is, so that the total does not give it away. */
#include <string.h>

#include "core/pt_disclosure.h"
#include "pt_test.h"

static void test_primary(void)
{
	const size_t counts[] = {0, 1, 2, 3, 7};
	unsigned char hide[5];
	CHECK_INT((int)pt_disclosure_suppress(counts, 5, PT_DISCLOSURE_MIN, hide), 3);
	CHECK(hide[0] && hide[1] && hide[2] && !hide[3] && !hide[4]);
}

static void test_secondary(void)
{
	/* total 15: one cell of 2 shown as "fewer than 3" would be 15 - 4 - 9 = 2; the smallest
	 * shown cell (4) is hidden too */
	const size_t counts[] = {4, 2, 9};
	const size_t ties[] = {5, 1, 5, 8};
	const size_t none[] = {3, 4};
	const size_t alone[] = {1};
	unsigned char hide[4];
	CHECK_INT((int)pt_disclosure_suppress(counts, 3, PT_DISCLOSURE_MIN, hide), 2);
	CHECK(hide[0] && hide[1] && !hide[2]);
	CHECK_INT((int)pt_disclosure_suppress(ties, 4, PT_DISCLOSURE_MIN, hide), 2);
	CHECK(hide[0] && hide[1] && !hide[2] && !hide[3]); /* the first of equals */
	CHECK_INT((int)pt_disclosure_suppress(none, 2, PT_DISCLOSURE_MIN, hide), 0);
	CHECK(!hide[0] && !hide[1]);
	CHECK_INT((int)pt_disclosure_suppress(alone, 1, PT_DISCLOSURE_MIN, hide), 1);
	CHECK(hide[0]);
}

int main(void)
{
	RUN(test_primary);
	RUN(test_secondary);
	return TEST_SUMMARY("test_disclosure");
}
