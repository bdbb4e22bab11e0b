/* fuzz_dependencies.c - libFuzzer target of the dependencies CSV reader (issue
 * 12): all or nothing with a reason on failure; what it accepts passes the
 * core's checks and writes back to CSV that reads again to the same rows. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_deps_io.h"
#include "formats/pt_diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_dep_list l, again;
	struct pt_diag d;
	char *out = NULL, *out2 = NULL;
	size_t len = 0, len2 = 0, bad;
	FILE *f;
	enum pt_err err;

	memset(&l, 0, sizeof l);
	memset(&again, 0, sizeof again);
	memset(&d, 0, sizeof d);
	err = pt_deps_read_csv((const char *)data, size, &l, &d);
	if (err != PT_OK) {
		if (l.n || l.items || !d.msg[0])
			__builtin_trap();
		return 0;
	}
	for (size_t i = 0; i < l.n; i++)
		if (pt_dependency_check(&l.items[i], NULL, 0) != PT_OK || l.lines[i] < 1)
			__builtin_trap();
	if (pt_dependencies_check(l.items, l.n, &bad, NULL) != PT_OK)
		__builtin_trap();
	/* the round trip: written, read again, written again: the same bytes and rows */
	if (!(f = open_memstream(&out, &len)))
		goto done;
	err = pt_deps_write_csv(f, l.items, l.n);
	fclose(f);
	if (err != PT_OK)
		goto done;
	memset(&d, 0, sizeof d);
	if (pt_deps_read_csv(out, len, &again, &d) != PT_OK || again.n != l.n)
		__builtin_trap();
	for (size_t i = 0; i < l.n; i++) {
		const struct pt_dependency *a = &l.items[i], *b = &again.items[i];
		if (strcmp(a->provider_id, b->provider_id) || strcmp(a->consumer_id, b->consumer_id) ||
		    strcmp(a->group, b->group) || a->type != b->type ||
		    a->autonomy_hours != b->autonomy_hours || a->service_loss != b->service_loss)
			__builtin_trap();
	}
	if (!(f = open_memstream(&out2, &len2)))
		goto done;
	pt_deps_write_csv(f, again.items, again.n);
	fclose(f);
	if (len2 != len || memcmp(out, out2, len) != 0)
		__builtin_trap();
done:
	free(out);
	free(out2);
	pt_dep_list_clear(&l);
	pt_dep_list_clear(&again);
	return 0;
}
