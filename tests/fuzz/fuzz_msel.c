/* fuzz_msel.c - libFuzzer target of the MSEL CSV reader (issue 15): the input is an
 * MSEL, or a column mapping, a 0x1E byte and an MSEL. All or nothing (the scenario
 * unchanged on failure, with a reason); what it accepts exports to a CSV that
 * imports to the same injects and exports to the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_diag.h"
#include "formats/pt_exercise_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *export(const struct pt_ex_scenario *sc, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);
	if (!f)
		return NULL;
	if (pt_ex_msel_write(f, sc) != PT_OK) {
		fclose(f);
		free(out);
		return NULL;
	}
	fclose(f);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_ex_scenario *sc = pt_ex_scenario_new(), *again = pt_ex_scenario_new();
	const char *text = (const char *)data, *map = NULL, *sep;
	size_t len = size, map_len = 0, out_len = 0, out2_len = 0;
	char *out = NULL, *out2 = NULL;
	struct pt_diag d;

	if (!sc || !again)
		goto done;
	if ((sep = memchr(data, 0x1e, size))) {
		map = text;
		map_len = (size_t)(sep - text);
		text = sep + 1;
		len = size - map_len - 1;
	}
	memset(&d, 0, sizeof d);
	if (pt_ex_msel_read(sc, text, len, "fuzz.csv", map, map_len, "map.csv", &d) != PT_OK) {
		if (sc->n_injects || sc->n_roles || sc->n_stages || sc->id || !d.msg[0])
			__builtin_trap();
		goto done;
	}
	if (!(out = export(sc, &out_len)))
		goto done;
	memset(&d, 0, sizeof d);
	if (pt_ex_msel_read(again, out, out_len, "export.csv", NULL, 0, NULL, &d) != PT_OK)
		__builtin_trap();
	if (again->n_injects != sc->n_injects)
		__builtin_trap();
	if (!(out2 = export(again, &out2_len)))
		goto done;
	if (out2_len != out_len || memcmp(out, out2, out_len) != 0)
		__builtin_trap();
done:
	free(out);
	free(out2);
	pt_ex_scenario_free(sc);
	pt_ex_scenario_free(again);
	return 0;
}
