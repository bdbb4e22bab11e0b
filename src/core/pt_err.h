/* pt_err.h - the one error enum of protect and the diagnostic that carries
 * file, line and field back to the caller. Pure: no I/O. */
#ifndef PT_ERR_H
#define PT_ERR_H

#include <stddef.h>

/** Status of every fallible function. PT_OK is zero. */
enum pt_err {
	PT_OK = 0,
	PT_ENOMEM,    /**< out of memory */
	PT_EINVAL,    /**< bad input data (maps to EX_DATAERR 65) */
	PT_EUSAGE,    /**< bad command usage (EX_USAGE 64) */
	PT_ENOTFOUND, /**< a named record or file does not exist (EX_NOINPUT 66) */
	PT_ECONFLICT, /**< a duplicate key or a conflicting write */
	PT_ELIMIT,    /**< a size limit was exceeded */
	PT_EDB,       /**< database failure (EX_IOERR 74) */
	PT_EIO,       /**< I/O failure (EX_IOERR 74) */
	PT_EINTERNAL, /**< a bug or broken invariant (EX_SOFTWARE 70) */
	PT_EFORBIDDEN, /**< the caller may see the record but not do this (EX_NOPERM 77, HTTP 403) */
	/* busy registry: */
	PT_EBUSY      /**< another write held the registry past the bounded wait (PT_BUSY_WAIT_MS);
		       *   what was asked was rolled back, so a retry is safe (EX_TEMPFAIL 75, HTTP 503) */
};

/* A busy registry (PT_EBUSY): how long a write waits for another one to finish. */
#define PT_BUSY_WAIT_MS 5000      /**< the default wait, milliseconds (`serve --busy-wait`) */
#define PT_BUSY_WAIT_MAX_MS 60000 /**< the longest wait that may be set, milliseconds */

/** Static English text for an error code; never NULL. */
const char *pt_strerror(enum pt_err err);

/**
 * The enum's own name of err ("PT_EBUSY"), static, never NULL: for logs
 * that name a cause without any of the request's data.
 */
const char *pt_err_name(enum pt_err err);

/** The sysexits(3) status a command should exit with for err. */
int pt_err_exit_status(enum pt_err err);

/**
 * Where and why input was rejected. The caller owns it (usually on the
 * stack); functions fill it on failure. file may be empty, line 0 when
 * it does not apply, field empty when the error is not about one field.
 * The user sees "FILE:LINE: field: msg" (pt_diag_format).
 */
struct pt_diag {
	char file[512];
	long line;
	char field[64];
	char msg[1024];
	long warnings; /**< count of warnings reported through warn_cb */
	/** Optional: called for each warning (e.g. occupancy above capacity). */
	void (*warn_cb)(void *ctx, const char *file, long line, const char *field, const char *msg);
	void *warn_ctx;
};

/** Clear d (keeps warn_cb and warn_ctx). */
void pt_diag_clear(struct pt_diag *d);

/**
 * Record err on d with a fixed message (copied; no formatting, so the
 * core stays free of stdio). Returns err for tail calls.
 */
enum pt_err pt_diag_put(struct pt_diag *d, enum pt_err err, long line, const char *field,
			const char *msg);

/** Copy src into dst of size dst_size, truncating; always NUL-terminates. */
void pt_strlcpy(char *dst, const char *src, size_t dst_size);

/**
 * Drop an incomplete UTF-8 character at the end of s (what a byte-limited
 * cut leaves: a lead byte without all its continuation bytes), so that a
 * cut of valid UTF-8 stays valid. Bytes before the last character are not
 * checked. s NULL: nothing.
 */
void pt_utf8_cut(char *s);

/**
 * Replace, in place, every byte of s that is not part of a valid UTF-8
 * character (stray continuation bytes, truncated or overlong sequences,
 * surrogates, code points above U+10FFFF) with '?', so that s is valid
 * UTF-8 of the same length. Returns the number of bytes replaced. s NULL: 0.
 */
size_t pt_utf8_repair(char *s);

/** pt_strlcpy, then pt_utf8_cut when src did not fit: the cut falls between characters. */
void pt_strlcpy_utf8(char *dst, const char *src, size_t dst_size);

#endif
