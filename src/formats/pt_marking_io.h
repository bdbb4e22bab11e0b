/* pt_marking_io.h - an output's TLP 2.0 marking in each output kind: the
 * top-level "tlp" of a JSON document, a CSV's first line, a line of text, HTML. */
#ifndef PT_MARKING_IO_H
#define PT_MARKING_IO_H

#include <jansson.h>
#include <stdio.h>

#include "../core/pt_err.h"
#include "../core/pt_marking.h"

/**
 * Set root's top-level "tlp" to the label ("TLP:AMBER"); root stays the
 * caller's. Returns root, or NULL (and frees root) when out of memory or root
 * is NULL, so it can wrap a writer: pt_marking_json(pt_x_json(...), tlp).
 */
json_t *pt_marking_json(json_t *root, enum pt_tlp tlp);

/** Write the CSV marking line "# TLP:AMBER\n" (every importer skips it). */
void pt_marking_csv_line(FILE *f, enum pt_tlp tlp);

/** Write the label alone on a line ("TLP:AMBER\n"): table output puts it on stderr. */
void pt_marking_text_line(FILE *f, enum pt_tlp tlp);

/**
 * The CSS declarations of the label in TLP 2.0's colour scheme (its text
 * colour on black: RED #FF2B2B, AMBER and AMBER+STRICT #FFC000, GREEN
 * #33FF00, CLEAR #FFFFFF); a static string.
 */
const char *pt_marking_css(enum pt_tlp tlp);

/**
 * Write the label as an HTML element of class cls in TLP 2.0's colours:
 * <span class="CLS" style="...">TLP:AMBER</span>.
 */
void pt_marking_html(FILE *f, enum pt_tlp tlp, const char *cls);

#endif
