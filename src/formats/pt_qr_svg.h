/* pt_qr_svg.h - a QR code (Debian's libqrencode) as an SVG document: the
 * otpauth:// URI of a second factor, for the page to show at enrolment. */
#ifndef PT_QR_SVG_H
#define PT_QR_SVG_H

#include "../core/pt_err.h"
#include "pt_diag.h"

#define PT_QR_TEXT_MAX 512 /**< longest text encoded, bytes */

/**
 * Encode text (at most PT_QR_TEXT_MAX bytes) as a QR code (error correction
 * level M, 8-bit mode) and write it as an SVG document into *svg: one dark
 * path over a white square, a quiet zone of 4 modules, a viewBox in modules
 * (the page scales it). The caller frees *svg with free(). PT_EINVAL for
 * text too long, PT_ENOMEM.
 */
enum pt_err pt_qr_svg(const char *text, char **svg, struct pt_diag *d);

#endif
