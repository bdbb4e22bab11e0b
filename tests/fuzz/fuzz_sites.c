/* fuzz_sites.c - libFuzzer target of the sites CSV reader, with write-and-read-back
 * round trips (CSV, GeoJSON, JSON) of what it accepts; fuzz_geojson covers the GeoJSON reader. */
#include <stdint.h>

#include "fuzz_sites.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_site_list l;
	struct pt_diag d;
	setup();
	memset(&l, 0, sizeof l);
	memset(&d, 0, sizeof d);
	if (pt_sites_read_csv((const char *)data, size, &cat, &l, &d) != PT_OK)
		check_refused(&l, &d);
	else
		check_accepted(&l);
	return 0;
}
