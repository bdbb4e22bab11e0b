/* fuzz_cap.c - libFuzzer target of the CAP 1.2 reader (`alert validate`): read and
 * check, write back, read the written bytes again: the same message and verdict. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_cap.h"
#include "formats/pt_cap_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pt_cap_problems p1, p2;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_cap_alert *a = NULL, *b = NULL;
	char *out = NULL;
	size_t len = 0;
	enum pt_err e = pt_cap_xml_read((const char *)data, size, &a, &p1);
	if (e != PT_OK) {
		if (a || (e != PT_EINVAL && e != PT_ELIMIT) || p1.n_schema == 0)
			abort(); /* refused: no model, and a reason */
		return 0;
	}
	if (!a || p1.n > PT_CAP_MAX_PROBLEMS)
		abort();
	for (size_t i = 0; i < p1.n; i++)
		if (!p1.list[i].element[0] || !p1.list[i].msg[0])
			abort();
	if (pt_cap_xml_write(a, &out, &len) != PT_OK || strlen(out) != len)
		abort();
	e = pt_cap_xml_read(out, len, &b, &p2);
	if (e == PT_ELIMIT && len > PT_CAP_XML_MAX)
		goto done; /* escaping made it longer than the limit */
	if (e != PT_OK || !pt_cap_equivalent(a, b))
		abort();
	/* a message without errors stays one, with the same warnings */
	if (!pt_cap_problems_fail(&p1) &&
	    (pt_cap_problems_fail(&p2) || p1.n_warning != p2.n_warning))
		abort();
	struct pt_cap_alert *c = NULL;
	if (pt_cap_alert_copy(a, &c) != PT_OK || !pt_cap_equivalent(a, c))
		abort();
	pt_cap_alert_free(c);
done:
	pt_cap_alert_free(a);
	pt_cap_alert_free(b);
	free(out);
	return 0;
}
