/* pt_attachment_pdf.c - a PDF attachment rewritten without its document metadata
 * (issue 16 item 3) by libqpdf's C API: the one file that includes qpdf. */
#include "pt_attachment.h"

#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

#define PDF_PAGES_MAX 100000 /* pages whose /Metadata is looked at; more: refused */

/* Close q, taking its error first (else libqpdf prints that nobody handled it). */
static void pdf_close(qpdf_data *q)
{
	if (qpdf_has_error(*q))
		(void)qpdf_get_error(*q);
	while (qpdf_more_warnings(*q))
		(void)qpdf_next_warning(*q);
	qpdf_cleanup(q);
}

/* A new qpdf handle over data, read without repair; NULL with d filled. */
static qpdf_data pdf_open(const unsigned char *data, size_t len, struct pt_diag *d)
{
	qpdf_data q = qpdf_init();
	if (!q) {
		pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		return NULL;
	}
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	qpdf_set_attempt_recovery(q, QPDF_FALSE);
	if (qpdf_read_memory(q, "attachment", (const char *)data, (unsigned long long)len, NULL) &
	    QPDF_ERRORS) {
		pdf_close(&q);
		pt_diag_set(d, PT_EINVAL, 0, "body",
			    "not a valid PDF file: it cannot be read without repair");
		return NULL;
	}
	if (qpdf_is_encrypted(q)) {
		pdf_close(&q);
		pt_diag_set(d, PT_EINVAL, 0, "body",
			    "an encrypted PDF cannot be checked for metadata; send it unencrypted");
		return NULL;
	}
	return q;
}

/* Remove (strip) or count the metadata of q: trailer /Info, catalogue and page /Metadata.
 * -1 when a page cannot be read or there are too many. */
static long pdf_metadata(qpdf_data q, int strip)
{
	qpdf_oh trailer = qpdf_get_trailer(q), root = qpdf_get_root(q);
	long n = 0;
	int pages, i;
	if (qpdf_oh_has_key(q, trailer, "/Info")) {
		n++;
		if (strip)
			qpdf_oh_remove_key(q, trailer, "/Info");
	}
	if (qpdf_oh_is_dictionary(q, root) && qpdf_oh_has_key(q, root, "/Metadata")) {
		n++;
		if (strip)
			qpdf_oh_remove_key(q, root, "/Metadata");
	}
	pages = qpdf_get_num_pages(q);
	if (pages < 0 || pages > PDF_PAGES_MAX || qpdf_has_error(q))
		return -1;
	for (i = 0; i < pages; i++) {
		qpdf_oh page = qpdf_get_page_n(q, (size_t)i);
		if (qpdf_oh_is_dictionary(q, page) && qpdf_oh_has_key(q, page, "/Metadata")) {
			n++;
			if (strip)
				qpdf_oh_remove_key(q, page, "/Metadata");
		}
	}
	if (qpdf_has_error(q))
		return -1;
	qpdf_oh_release_all(q);
	return n;
}

long pt_attach_pdf_metadata(const unsigned char *data, size_t len)
{
	struct pt_diag d;
	qpdf_data q;
	long n;
	memset(&d, 0, sizeof d);
	if (!data || !(q = pdf_open(data, len, &d)))
		return -1;
	n = pdf_metadata(q, 0);
	pdf_close(&q);
	return n;
}

enum pt_err pt_attach_pdf_strip(const unsigned char *data, size_t len, unsigned char **out,
				size_t *out_len, struct pt_diag *d)
{
	const unsigned char *buf;
	enum pt_err err = PT_OK;
	qpdf_data q;
	size_t n;

	*out = NULL;
	*out_len = 0;
	if (!data || !(q = pdf_open(data, len, d)))
		return d && d->msg[0] ? PT_EINVAL : PT_ENOMEM;
	if (pdf_metadata(q, 1) < 0) {
		err = pt_diag_set(d, PT_EINVAL, 0, "body", "not a valid PDF file: its pages cannot be read");
		goto out;
	}
	if (qpdf_init_write_memory(q) & QPDF_ERRORS) {
		err = pt_diag_set(d, PT_EINVAL, 0, "body", "the PDF file cannot be rewritten");
		goto out;
	}
	qpdf_set_deterministic_ID(q, QPDF_TRUE);
	if (qpdf_write(q) & QPDF_ERRORS) {
		err = pt_diag_set(d, PT_EINVAL, 0, "body", "the PDF file cannot be rewritten");
		goto out;
	}
	buf = qpdf_get_buffer(q);
	n = qpdf_get_buffer_length(q);
	if (!buf || !n || n > PT_ATTACH_MAX) {
		err = pt_diag_set(d, n > PT_ATTACH_MAX ? PT_ELIMIT : PT_EINVAL, 0, "body",
				  "the PDF file rewritten without its metadata is %zu bytes; at most %lu",
				  n, PT_ATTACH_MAX);
		goto out;
	}
	if (!(*out = malloc(n))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	memcpy(*out, buf, n);
	*out_len = n;
out:
	pdf_close(&q);
	return err;
}
