/* fuzz_surge.c - libFuzzer target of the surge catalogue readers (issue 11
 * item 6): surge_measures.csv and surge_effects.csv, all or nothing with a
 * reason on failure; an input is split at its first NUL into the two files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_diag.h"
#include "formats/pt_surge_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t mlen = nul ? (size_t)(nul - text) : size;
	struct pt_surge_catalog c;
	struct pt_diag d;
	size_t before;
	enum pt_err err;
	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	err = pt_surge_read_csv(text, mlen, NULL, &c, &d);
	if (err != PT_OK) {
		if (c.base.n || c.base.items || c.weekly_eur || !d.msg[0])
			__builtin_trap();
		return 0;
	}
	for (size_t i = 0; i < c.base.n; i++)
		if (!(c.weekly_eur[i] >= 0 && c.weekly_eur[i] <= PT_SURGE_MAX_WEEKLY_EUR))
			__builtin_trap();
	if (nul) {
		memset(&d, 0, sizeof d);
		before = c.base.n_effects;
		err = pt_surge_effects_read_csv(nul + 1, size - mlen - 1, NULL, NULL, &c, &d);
		if (err != PT_OK && (c.base.n_effects != before || !d.msg[0]))
			__builtin_trap();
	}
	pt_surge_catalog_clear(&c);
	return 0;
}
