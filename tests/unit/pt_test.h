/* pt_test.h - the unit-test harness: TEST functions, CHECK macros that
 * report file:line and values, and the "N passed, N failed" summary. */
#ifndef PT_TEST_H
#define PT_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int pt_test_failed_checks;
static int pt_test_passed, pt_test_failed;

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			pt_test_failed_checks++;                                       \
		}                                                                      \
	} while (0)

#define CHECK_INT(a, b)                                                                \
	do {                                                                           \
		long long pt_a_ = (long long)(a), pt_b_ = (long long)(b);              \
		if (pt_a_ != pt_b_) {                                                  \
			fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, \
				pt_a_, pt_b_);                                         \
			pt_test_failed_checks++;                                       \
		}                                                                      \
	} while (0)

#define CHECK_STR(a, b)                                                                \
	do {                                                                           \
		const char *pt_a_ = (a), *pt_b_ = (b);                                 \
		if (!pt_a_ || !pt_b_ || strcmp(pt_a_, pt_b_) != 0) {                   \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
				#a, pt_a_ ? pt_a_ : "(null)", pt_b_ ? pt_b_ : "(null)"); \
			pt_test_failed_checks++;                                       \
		}                                                                      \
	} while (0)

/* |a - b| <= tol */
#define CHECK_NEAR(a, b, tol)                                                          \
	do {                                                                           \
		double pt_a_ = (double)(a), pt_b_ = (double)(b);                       \
		if (!(fabs(pt_a_ - pt_b_) <= (double)(tol))) {                         \
			fprintf(stderr, "%s:%d: %s == %.17g, expected %.17g +- %g\n", __FILE__, \
				__LINE__, #a, pt_a_, pt_b_, (double)(tol));            \
			pt_test_failed_checks++;                                       \
		}                                                                      \
	} while (0)

#define RUN(fn)                                                                        \
	do {                                                                           \
		int pt_before_ = pt_test_failed_checks;                                \
		fn();                                                                  \
		if (pt_test_failed_checks == pt_before_) {                             \
			pt_test_passed++;                                              \
		} else {                                                               \
			pt_test_failed++;                                              \
			fprintf(stderr, "FAIL %s\n", #fn);                             \
		}                                                                      \
	} while (0)

/* Print the per-file summary line the runner adds up; exit status 1 on failure. */
#define TEST_SUMMARY(name)                                                             \
	(printf("%s: %d passed, %d failed\n", name, pt_test_passed, pt_test_failed),      \
	 pt_test_failed ? 1 : 0)

#endif
