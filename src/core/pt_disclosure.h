/* pt_disclosure.h - small counts kept from those who may not read what they count (issue 16,
 * item 8): primary and secondary suppression of a table of counts. */
#ifndef PT_DISCLOSURE_H
#define PT_DISCLOSURE_H

#include <stddef.h>

#define PT_DISCLOSURE_MIN 3 /**< a count below this is shown as "fewer than 3" */

/**
 * Which of counts[0..n) are shown as "fewer than min" (suppressed[i] nonzero): every count
 * below min (zero too: an absent cell would tell a zero); then, when exactly one cell is
 * suppressed and the total is told, it could be found as the total less the others, so the
 * smallest shown cell (the first of equals) is suppressed as well. Returns how many are.
 */
size_t pt_disclosure_suppress(const size_t *counts, size_t n, size_t min,
			      unsigned char *suppressed);

#endif
