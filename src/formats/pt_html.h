/* pt_html.h - HTML text output shared by the printable reports (the plan, the
 * after-action report): text escaped for element content and attribute values. */
#ifndef PT_HTML_H
#define PT_HTML_H

#include <stdio.h>

/** Writes s to f with & < > " ' escaped; NULL writes nothing. */
void pt_html_text(FILE *f, const char *s);

/** Formats like fprintf (at most 2047 bytes, the rest cut) and writes the result escaped. */
void pt_html_textf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
