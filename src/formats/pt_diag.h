/* pt_diag.h - formatted diagnostics ("FILE:LINE: field: what is wrong")
 * on top of the core's struct pt_diag. */
#ifndef PT_DIAG_H
#define PT_DIAG_H

#include "../core/pt_err.h"

/** An empty struct pt_diag, for a declaration: `struct pt_diag d = PT_DIAG_INIT;`. */
#define PT_DIAG_INIT {.line = 0}

/** Set line, field and a printf-style message on d; returns err. d may be NULL. */
enum pt_err pt_diag_set(struct pt_diag *d, enum pt_err err, long line, const char *field,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** Count a warning on d and pass it to d->warn_cb when set. */
void pt_diag_warn(struct pt_diag *d, long line, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * Render d as "FILE:LINE: field: msg" into buf (empty parts left out).
 * Always NUL-terminates when size > 0.
 */
void pt_diag_format(const struct pt_diag *d, char *buf, size_t size);

#endif
