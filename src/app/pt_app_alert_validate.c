/* pt_app_alert_validate.c - `alert validate FILE` (issue 13): read a CAP 1.2
 * message and check it (structure, values, the standard's rules). */
#include "pt_app_alerts.h"

#include "../formats/pt_cap_xml.h"

enum pt_err pt_app_alert_validate(const char *buf, size_t len, struct pt_cap_problems *p)
{
	struct pt_cap_alert *a = NULL;
	enum pt_err e = pt_cap_xml_read(buf, len, &a, p); /* runs pt_cap_check too */
	pt_cap_alert_free(a);
	if (e != PT_OK && e != PT_EINVAL)
		return e;
	return pt_cap_problems_fail(p) || e == PT_EINVAL ? PT_EINVAL : PT_OK;
}
