/* fuzz_snapshot.c - libFuzzer target of a snapshot's stored document (issue 16 item 6,
 * src/formats/pt_history_io.c): the input as the document; what it accepts is compared with
 * itself at every basis and written back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_history.h"
#include "formats/pt_diag.h"
#include "formats/pt_history_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum pt_hist_basis bases[] = {PT_HIST_BASIS_LATER, PT_HIST_BASIS_LEVEL,
						   PT_HIST_BASIS_OWN};
	struct pt_hist_inputs in;
	struct pt_diag d;
	size_t b, n, i;
	memset(&d, 0, sizeof d);
	if (pt_hist_inputs_from_json((const char *)data, size, &in, &d) != PT_OK) {
		if (!d.msg[0] || in.n_sites || in.sites)
			__builtin_trap(); /* a reason, and nothing kept */
		return 0;
	}
	for (b = 0; b < sizeof bases / sizeof *bases; b++) {
		struct pt_hist_compare_opts o = {PT_METHOD_QUANT, bases[b], PT_LEVEL_SEVERE};
		struct pt_hist_row *rows = NULL;
		struct pt_hist_total *t = NULL;
		if (pt_hist_compare(&in, &in, &o, &rows, &n, NULL) == PT_OK) {
			for (i = 0; i < n; i++) /* the same inputs: nothing changed */
				if (b != PT_HIST_BASIS_OWN && rows[i].risk_to != rows[i].risk_from &&
				    rows[i].risk_to == rows[i].risk_to)
					__builtin_trap();
			if (pt_hist_totals(rows, n, NULL, PT_HIST_BY_REGION, &t, &i, NULL) == PT_OK)
				free(t);
		}
		free(rows);
		o.method = PT_METHOD_FEMA;
		if (pt_hist_compare(&in, &in, &o, &rows, &n, NULL) == PT_OK)
			free(rows);
	}
	json_decref(pt_hist_inputs_to_json(&in));
	pt_hist_inputs_clear(&in);
	return 0;
}
