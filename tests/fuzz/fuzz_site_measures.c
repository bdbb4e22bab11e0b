/* fuzz_site_measures.c - libFuzzer target of the site measures reader
 * (site_measures.csv): all-or-nothing, a reason on failure, and a written
 * copy of what it accepts reads back the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_csv.h"
#include "formats/pt_diag.h"
#include "formats/pt_measures_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_site_measure_list l, back;
	struct pt_diag d;
	char msg[2048], *mem = NULL;
	size_t len = 0, i;
	FILE *f;
	enum pt_err err;
	memset(&l, 0, sizeof l);
	memset(&back, 0, sizeof back);
	memset(&d, 0, sizeof d);
	err = pt_site_measures_read_csv((const char *)data, size, &l, &d);
	if (err != PT_OK) {
		if (l.n || l.items || !d.msg[0])
			__builtin_trap();
		pt_diag_format(&d, msg, sizeof msg);
		return 0;
	}
	for (i = 0; i < l.n; i++)
		if (!pt_id_valid(l.items[i].site_id) || !pt_id_valid(l.items[i].measure_id) ||
		    l.items[i].line < 2)
			__builtin_trap();
	f = open_memstream(&mem, &len);
	if (f) {
		fputs("measure_id,site_id\n", f);
		for (i = 0; i < l.n; i++) {
			pt_csv_write_field(f, l.items[i].measure_id);
			fputc(',', f);
			pt_csv_write_field(f, l.items[i].site_id);
			fputc('\n', f);
		}
		if (fclose(f) == 0) {
			memset(&d, 0, sizeof d);
			if (pt_site_measures_read_csv(mem, len, &back, &d) != PT_OK || back.n != l.n)
				__builtin_trap();
			for (i = 0; i < l.n; i++)
				if (strcmp(back.items[i].site_id, l.items[i].site_id) != 0 ||
				    strcmp(back.items[i].measure_id, l.items[i].measure_id) != 0)
					__builtin_trap();
		}
		free(mem);
	}
	pt_site_measure_list_clear(&back);
	pt_site_measure_list_clear(&l);
	return 0;
}
