/* pt_marking.h - the TLP 2.0 marking of an output: the highest label of the
 * sites it carries, and the label as FIRST writes it ("TLP:AMBER+STRICT"). */
#ifndef PT_MARKING_H
#define PT_MARKING_H

#include <stddef.h>

#include "pt_model.h"

/**
 * The label of tlp as TLP 2.0 writes it, with its "TLP:" prefix
 * ("TLP:CLEAR" ... "TLP:RED"); a static string, "TLP:?" out of range.
 */
const char *pt_marking_label(enum pt_tlp tlp);

/**
 * The higher of two labels in the order of docs/access.md (CLEAR, GREEN,
 * AMBER, AMBER+STRICT, RED: the later, the fewer may read it).
 */
enum pt_tlp pt_marking_max(enum pt_tlp a, enum pt_tlp b);

/**
 * The marking of an output carrying sites[0, n): the highest of their
 * labels; TLP:CLEAR when n is 0 (an output without site data).
 */
enum pt_tlp pt_marking_sites(const struct pt_site *sites, size_t n);

#endif
