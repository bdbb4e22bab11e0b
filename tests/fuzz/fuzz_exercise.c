/* fuzz_exercise.c - libFuzzer target of the exercise scenario reader (issue 15):
 * all or nothing with a reason on failure; what it accepts passes the checks again
 * and writes back to JSON that reads to the same bytes; its decisions read as a
 * decisions file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_diag.h"
#include "formats/pt_exercise_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dump(const struct pt_ex_scenario *sc, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);
	if (!f)
		return NULL;
	if (pt_ex_scenario_write(f, sc) != PT_OK) {
		fclose(f);
		free(out);
		return NULL; /* out of memory */
	}
	fclose(f);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_ex_scenario *sc = NULL, *again = NULL;
	struct pt_ex_made *made = NULL;
	struct pt_diag d;
	char *out = NULL, *out2 = NULL, *base = NULL;
	size_t len = 0, len2 = 0, n = 0;
	json_t *j;

	memset(&d, 0, sizeof d);
	if (pt_ex_scenario_read((const char *)data, size, "fuzz.json", &sc, &d) != PT_OK) {
		if (sc || !d.msg[0])
			__builtin_trap();
		goto done;
	}
	memset(&d, 0, sizeof d);
	if (pt_ex_scenario_check(sc, &d) != PT_OK)
		__builtin_trap();
	if (!(out = dump(sc, &len)))
		goto done;
	if (pt_ex_scenario_read(out, len, "written.json", &again, &d) != PT_OK)
		__builtin_trap();
	if (!(out2 = dump(again, &len2)))
		goto done;
	if (len2 != len || memcmp(out, out2, len) != 0)
		__builtin_trap();
	/* the baseline as a decisions file reads back */
	if ((j = pt_ex_decisions_to_json(sc, sc->baseline, sc->n_baseline))) {
		base = json_dumps(j, 0);
		json_decref(j);
		if (base && pt_ex_decisions_read(sc, base, strlen(base), "d.json", &made, &n, &d) != PT_OK)
			__builtin_trap();
		if (base && n != sc->n_baseline)
			__builtin_trap();
	}
done:
	free(made);
	free(base);
	free(out);
	free(out2);
	pt_ex_scenario_free(sc);
	pt_ex_scenario_free(again);
	return 0;
}
