/* fuzz_scenario.c - libFuzzer target of the scenario file reader (issue 14):
 * all or nothing with a reason on failure; what it accepts passes the model's
 * checks and writes back to JSON that reads again to the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_diag.h"
#include "formats/pt_scenario_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_mci_scenario *s = malloc(sizeof *s), *again = malloc(sizeof *again);
	struct pt_diag d;
	char *out = NULL, *out2 = NULL;
	size_t len = 0, len2 = 0;
	FILE *f;
	enum pt_err err;

	if (!s || !again)
		goto done;
	memset(&d, 0, sizeof d);
	err = pt_scenario_read((const char *)data, size, "fuzz.json", s, &d);
	if (err != PT_OK) {
		/* the defaults, and a reason */
		if (s->n_hospitals != 0 || !d.msg[0])
			__builtin_trap();
		goto done;
	}
	if (pt_mci_check(s, NULL) != PT_OK)
		__builtin_trap();
	if (!(f = open_memstream(&out, &len)))
		goto done;
	err = pt_scenario_write(f, s);
	fclose(f);
	if (err != PT_OK)
		goto done; /* out of memory */
	memset(&d, 0, sizeof d);
	if (pt_scenario_read(out, len, "written.json", again, &d) != PT_OK)
		__builtin_trap();
	if (!(f = open_memstream(&out2, &len2)))
		goto done;
	pt_scenario_write(f, again);
	fclose(f);
	if (len2 != len || memcmp(out, out2, len) != 0)
		__builtin_trap();
done:
	free(out);
	free(out2);
	free(s);
	free(again);
	return 0;
}
