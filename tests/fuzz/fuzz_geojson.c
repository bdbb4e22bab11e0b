/* fuzz_geojson.c - libFuzzer target of the sites GeoJSON reader (imports/sites with
 * application/geo+json, `import sites FILE.geojson`), with the round trips of fuzz_sites.h. */
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
	if (pt_sites_read_geojson((const char *)data, size, &cat, &l, &d) != PT_OK)
		check_refused(&l, &d);
	else
		check_accepted(&l);
	return 0;
}
