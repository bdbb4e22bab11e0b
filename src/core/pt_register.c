/* pt_register.c - treatment names and the approval rule of the risk register. */
#include "pt_register.h"

#include <string.h>

static const char *const treatment_names[PT_TREAT_COUNT] = {"none", "accept", "reduce",
							    "transfer", "avoid"};

const char *pt_treatment_name(enum pt_treatment t)
{
	return (unsigned)t < PT_TREAT_COUNT ? treatment_names[t] : "";
}

enum pt_err pt_treatment_parse(const char *s, enum pt_treatment *out)
{
	for (unsigned i = 0; s && i < PT_TREAT_COUNT; i++)
		if (strcmp(s, treatment_names[i]) == 0) {
			*out = (enum pt_treatment)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

int pt_register_needs_approval(const struct pt_config *c, enum pt_treatment t, enum pt_band b)
{
	return c && t == PT_TREAT_ACCEPT && (int)b > c->register_accept_max_band;
}
