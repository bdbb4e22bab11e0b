/* pt_marking.c - the TLP 2.0 marking of an output: the highest label of the
 * sites it carries (pure; every output's writer asks here). */
#include "pt_marking.h"

static const char *const labels[PT_TLP_COUNT] = {
	"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED",
};

const char *pt_marking_label(enum pt_tlp tlp)
{
	if ((unsigned)tlp < PT_TLP_COUNT)
		return labels[tlp];
	return "TLP:?";
}

enum pt_tlp pt_marking_max(enum pt_tlp a, enum pt_tlp b)
{
	return (unsigned)b > (unsigned)a && (unsigned)b < PT_TLP_COUNT ? b : a;
}

enum pt_tlp pt_marking_sites(const struct pt_site *sites, size_t n)
{
	enum pt_tlp m = PT_TLP_CLEAR;
	size_t i;
	for (i = 0; sites && i < n; i++)
		m = pt_marking_max(m, sites[i].tlp);
	return m;
}
