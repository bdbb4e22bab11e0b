/* pt_qr_svg.c - a QR code (libqrencode) as an SVG document: one path of
 * dark modules over a white square, with the quiet zone the standard asks. */
#include "pt_qr_svg.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUIET 4 /* modules of white around the symbol (ISO/IEC 18004) */

enum pt_err pt_qr_svg(const char *text, char **svg, struct pt_diag *d)
{
	QRcode *qr;
	size_t cap, len = 0, x, y, w;
	char *out;
	int n;

	if (!svg)
		return pt_diag_set(d, PT_EINVAL, 0, "", "no output");
	*svg = NULL;
	if (!text || !text[0] || strnlen(text, PT_QR_TEXT_MAX + 1) > PT_QR_TEXT_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "", "a QR code holds 1 to %d bytes here",
				   PT_QR_TEXT_MAX);
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory making a QR code");
	w = (size_t)qr->width;
	/* Each dark module is at most "M123,123h1v1h-1z" (18 bytes); the frame 300. */
	cap = w * w * 18 + 300;
	out = malloc(cap);
	if (!out) {
		QRcode_free(qr);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory making a QR code");
	}
	n = snprintf(out, cap,
		     "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %zu %zu\" "
		     "shape-rendering=\"crispEdges\"><rect width=\"%zu\" height=\"%zu\" "
		     "fill=\"#fff\"/><path fill=\"#000\" d=\"",
		     w + 2 * QUIET, w + 2 * QUIET, w + 2 * QUIET, w + 2 * QUIET);
	len = n > 0 ? (size_t)n : 0;
	for (y = 0; y < w; y++)
		for (x = 0; x < w; x++) {
			if (!(qr->data[y * w + x] & 1))
				continue;
			n = snprintf(out + len, cap - len, "M%zu,%zuh1v1h-1z", x + QUIET, y + QUIET);
			if (n > 0)
				len += (size_t)n;
		}
	snprintf(out + len, cap - len, "\"/></svg>");
	QRcode_free(qr);
	*svg = out;
	return PT_OK;
}
