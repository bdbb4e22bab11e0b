/* fuzz_alert_template.c - libFuzzer target of the alert template reader
 * (data/alerts/ID.json): the input as a template file; what it accepts renders. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "formats/pt_alert_template_io.h"
#include "formats/pt_diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pt_alert_template tpl;   /* large: not on the stack */
static char buf[PT_ALERT_TEXT_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_diag d;
	char msg[2048];
	size_t i;
	enum pt_err err;
	const struct pt_alert_vars v = {"Vellmark Central Hospital West", "Vellmark", 0.5,
					1796477400, 60, "Crisis Centre"};
	memset(&d, 0, sizeof d);
	err = pt_alert_template_parse((const char *)data, size, "fuzz", &tpl, &d);
	if (err != PT_OK) {
		if (!d.msg[0] || tpl.n_langs != 0 || tpl.id[0])
			__builtin_trap(); /* a reason, and nothing kept */
		pt_diag_format(&d, msg, sizeof msg);
		return 0;
	}
	if (pt_alert_template_check(&tpl, &d) != PT_OK || tpl.n_langs < 1)
		__builtin_trap(); /* the reader checks what it accepts */
	for (i = 0; i < tpl.n_langs; i++) {
		const struct pt_alert_template_lang *l = &tpl.langs[i];
		if (pt_alert_template_lang(&tpl, l->lang) != l)
			__builtin_trap();
		/* known placeholders only: rendering fails at most for length */
		if (pt_alert_render(l->headline, &v, buf, sizeof buf) == PT_EINVAL ||
		    pt_alert_render(l->instruction, &v, buf, sizeof buf) == PT_EINVAL ||
		    pt_alert_render(l->description, &v, buf, sizeof buf) == PT_EINVAL ||
		    pt_alert_render(l->area_desc, &v, buf, sizeof buf) == PT_EINVAL ||
		    pt_alert_render(l->generic_site, &v, buf, sizeof buf) == PT_EINVAL)
			__builtin_trap();
	}
	return 0;
}
