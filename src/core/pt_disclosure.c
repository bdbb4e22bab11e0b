/* pt_disclosure.c - primary and secondary suppression of small counts. */
#include "pt_disclosure.h"

size_t pt_disclosure_suppress(const size_t *counts, size_t n, size_t min,
			      unsigned char *suppressed)
{
	size_t i, hidden = 0, smallest = n;
	for (i = 0; i < n; i++) {
		suppressed[i] = counts[i] < min;
		hidden += suppressed[i];
	}
	if (hidden != 1)
		return hidden;
	for (i = 0; i < n; i++)
		if (!suppressed[i] && (smallest == n || counts[i] < counts[smallest]))
			smallest = i;
	if (smallest < n) {
		suppressed[smallest] = 1;
		hidden++;
	}
	return hidden;
}
