/* pt_attachment_pdf.c - a PDF attachment rewritten without its document metadata, the XMP of
 * its streams and the Exif of its JPEG images (issue 16 item 3) by libqpdf's C API: the one
 * file that includes qpdf; and pt_attach_clean, the entry point for every type. */
#include "pt_attachment.h"

#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

#define PDF_PAGES_MAX 100000    /* pages whose /Metadata is looked at; more: refused */
#define PDF_OBJECTS_MAX 1000000 /* objects (the trailer's /Size) looked at; more: refused */

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

#define PDF_DEPTH_MAX 32      /* direct objects nested deeper: refused */
#define PDF_NODES_MAX 100000  /* direct objects inside one object looked at; more: refused */

/* What pdf_active found (review item 2 and 3). */
enum pdf_found { PDF_PLAIN = 0, PDF_ACTIVE, PDF_DCT_CHAIN, PDF_UNREADABLE };

/* Keys whose presence anywhere means a PDF runs something or carries a file. /OpenAction
 * is judged by its value in look(): an action (a dictionary) is refused, a destination
 * (an array: the page to show first, which many writers set) is kept. */
static int active_key(const char *k)
{
	static const char *const keys[] = {"/JS", "/JavaScript", "/AA", "/Launch",
					   "/EmbeddedFiles", "/EmbeddedFile", "/SubmitForm",
					   "/ImportData", "/RichMedia", "/XFA", NULL};
	size_t i;
	for (i = 0; keys[i]; i++)
		if (strcmp(k, keys[i]) == 0)
			return 1;
	return 0;
}

/* Names that, as a value (/S of an action, /Type, /Subtype), mean the same. */
static int active_name(const char *v)
{
	static const char *const names[] = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData",
					    "/EmbeddedFile", "/RichMedia", "/RichMediaExecute",
					    "/GoToE", "/Rendition", "/Movie", "/Sound", NULL};
	size_t i;
	for (i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			return 1;
	return 0;
}

/* Nonzero when the /Filter f is an array that holds /DCTDecode with another filter. */
static int dct_chain(qpdf_data q, qpdf_oh f)
{
	int n, i, dct = 0;
	if (!qpdf_oh_is_array(q, f) || (n = qpdf_oh_get_array_n_items(q, f)) < 2)
		return 0;
	for (i = 0; i < n && !dct; i++) {
		qpdf_oh g = qpdf_oh_get_array_item(q, f, i);
		dct = qpdf_oh_is_name_and_equals(q, g, "/DCTDecode");
		qpdf_oh_release(q, g);
	}
	return dct;
}

/* Look through oh and the direct objects inside it (not following references: every
 * indirect object is looked at on its own by pdf_active). */
static enum pdf_found look(qpdf_data q, qpdf_oh oh, int depth, long *nodes)
{
	enum pdf_found f = PDF_PLAIN;
	if (++*nodes > PDF_NODES_MAX || depth > PDF_DEPTH_MAX)
		return PDF_UNREADABLE;
	if (qpdf_oh_is_name(q, oh))
		return active_name(qpdf_oh_get_name(q, oh)) ? PDF_ACTIVE : PDF_PLAIN;
	if (qpdf_oh_is_array(q, oh)) {
		int n = qpdf_oh_get_array_n_items(q, oh), i;
		for (i = 0; i < n && f == PDF_PLAIN; i++) {
			qpdf_oh g = qpdf_oh_get_array_item(q, oh, i);
			if (!qpdf_oh_is_indirect(q, g))
				f = look(q, g, depth + 1, nodes);
			qpdf_oh_release(q, g);
		}
		return f;
	}
	if (qpdf_oh_is_stream(q, oh) || qpdf_oh_is_dictionary(q, oh)) {
		qpdf_oh dict = qpdf_oh_is_stream(q, oh) ? qpdf_oh_get_dict(q, oh) : oh, filter;
		char **keys = NULL;
		size_t nk = 0, cap = 0, i;
		filter = qpdf_oh_get_key(q, dict, "/Filter");
		if (qpdf_oh_is_stream(q, oh) && dct_chain(q, filter))
			f = PDF_DCT_CHAIN;
		qpdf_oh_release(q, filter);
		qpdf_oh_begin_dict_key_iter(q, dict); /* one iteration at a time: copy the keys */
		while (f == PDF_PLAIN && qpdf_oh_dict_more_keys(q)) {
			const char *k = qpdf_oh_dict_next_key(q);
			if (active_key(k))
				f = PDF_ACTIVE;
			else if (nk == cap) {
				char **more = realloc(keys, (cap = cap ? 2 * cap : 16) * sizeof *keys);
				if (!more)
					f = PDF_UNREADABLE;
				else
					keys = more;
			}
			if (f == PDF_PLAIN && !(keys[nk++] = strdup(k)))
				f = PDF_UNREADABLE, nk--;
		}
		for (i = 0; i < nk; i++) {
			if (f == PDF_PLAIN) {
				qpdf_oh g = qpdf_oh_get_key(q, dict, keys[i]);
				if (strcmp(keys[i], "/OpenAction") == 0 && qpdf_oh_is_dictionary(q, g))
					f = PDF_ACTIVE; /* any action on opening, even a link */
				else if (!qpdf_oh_is_indirect(q, g))
					f = look(q, g, depth + 1, nodes);
				qpdf_oh_release(q, g);
			}
			free(keys[i]);
		}
		free(keys);
		if (dict != oh)
			qpdf_oh_release(q, dict);
	}
	return f;
}

/* Whether q runs something, carries a file (review item 2) or hides a JPEG under another
 * filter, where its Exif cannot be removed (item 3): every object by id, the trailer. */
static enum pdf_found pdf_active(qpdf_data q)
{
	qpdf_oh trailer = qpdf_get_trailer(q), size_oh = qpdf_oh_get_key(q, trailer, "/Size");
	long long size = qpdf_oh_is_integer(q, size_oh) ? qpdf_oh_get_int_value(q, size_oh) : -1;
	enum pdf_found f;
	long nodes = 0;
	int id;
	f = look(q, trailer, 0, &nodes);
	qpdf_oh_release_all(q);
	if (size < 1 || size > PDF_OBJECTS_MAX)
		return PDF_UNREADABLE;
	for (id = 1; id < (int)size && f == PDF_PLAIN; id++) {
		qpdf_oh oh = qpdf_get_object_by_id(q, id, 0);
		nodes = 0;
		f = look(q, oh, 0, &nodes);
		qpdf_oh_release_all(q);
		if (qpdf_has_error(q))
			f = PDF_UNREADABLE;
	}
	return f;
}

/* Nonzero when the stream dictionary dict has the single filter /DCTDecode (a JPEG as it is). */
static int dct_only(qpdf_data q, qpdf_oh dict)
{
	qpdf_oh f = qpdf_oh_get_key(q, dict, "/Filter");
	int yes = qpdf_oh_is_name_and_equals(q, f, "/DCTDecode");
	if (!yes && qpdf_oh_is_array(q, f) && qpdf_oh_get_array_n_items(q, f) == 1) {
		qpdf_oh g = qpdf_oh_get_array_item(q, f, 0);
		yes = qpdf_oh_is_name_and_equals(q, g, "/DCTDecode");
		qpdf_oh_release(q, g);
	}
	qpdf_oh_release(q, f);
	return yes;
}

/* The JPEG inside image stream oh (its raw bytes): count its metadata segments and, with
 * strip, replace it with its copy without them. -1 when it is not a valid JPEG. */
static long pdf_jpeg(qpdf_data q, qpdf_oh oh, qpdf_oh dict, int strip)
{
	unsigned char *raw = NULL, *clean = NULL;
	size_t len = 0, clean_len = 0, meta = 0;
	struct pt_diag d;
	long n = -1;
	memset(&d, 0, sizeof d);
	if (qpdf_oh_get_stream_data(q, oh, qpdf_dl_none, NULL, &raw, &len) & QPDF_ERRORS || !raw)
		goto out;
	if (pt_attach_check(raw, len, PT_ATTACH_JPEG, &meta, &d) != PT_OK)
		goto out;
	n = (long)meta;
	if (strip && meta) {
		qpdf_oh f = qpdf_oh_get_key(q, dict, "/Filter"), p = qpdf_oh_get_key(q, dict, "/DecodeParms");
		if (pt_attach_strip_image(raw, len, PT_ATTACH_JPEG, &clean, &clean_len, &d) != PT_OK)
			n = -1;
		else
			qpdf_oh_replace_stream_data(q, oh, clean, clean_len, f, p);
		qpdf_oh_release(q, f);
		qpdf_oh_release(q, p);
	}
out:
	free(raw);
	free(clean);
	return n;
}

/* Remove (strip) or count the metadata of q's streams: every stream's own /Metadata (images,
 * forms) and the segments pt_attach_strip removes from each JPEG image (/DCTDecode) inside.
 * -1 when an object cannot be read, an image is no valid JPEG or there are too many objects. */
static long pdf_streams(qpdf_data q, int strip)
{
	qpdf_oh trailer = qpdf_get_trailer(q), size_oh = qpdf_oh_get_key(q, trailer, "/Size");
	long long size = qpdf_oh_is_integer(q, size_oh) ? qpdf_oh_get_int_value(q, size_oh) : -1;
	long n = 0, k;
	int id;
	qpdf_oh_release(q, size_oh);
	if (size < 1 || size > PDF_OBJECTS_MAX)
		return -1;
	for (id = 1; id < (int)size && n >= 0; id++) {
		qpdf_oh oh = qpdf_get_object_by_id(q, id, 0);
		if (qpdf_oh_is_stream(q, oh)) {
			qpdf_oh dict = qpdf_oh_get_dict(q, oh), sub = qpdf_oh_get_key(q, dict, "/Subtype");
			if (qpdf_oh_has_key(q, dict, "/Metadata")) {
				n++;
				if (strip)
					qpdf_oh_remove_key(q, dict, "/Metadata");
			}
			if (qpdf_oh_is_name_and_equals(q, sub, "/Image") && dct_only(q, dict))
				n = (k = pdf_jpeg(q, oh, dict, strip)) < 0 ? -1 : n + k;
			qpdf_oh_release(q, sub);
			qpdf_oh_release(q, dict);
		}
		qpdf_oh_release(q, oh);
		if (qpdf_has_error(q))
			n = -1;
	}
	return n;
}

/* Remove (strip) or count the metadata of q: trailer /Info, catalogue and page /Metadata,
 * then those of its streams (pdf_streams). -1 when a page or object cannot be read, or
 * there are too many. */
static long pdf_metadata(qpdf_data q, int strip)
{
	qpdf_oh trailer = qpdf_get_trailer(q), root = qpdf_get_root(q);
	long n = 0, k;
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
	if (qpdf_oh_is_dictionary(q, root) && qpdf_oh_has_key(q, root, "/PieceInfo")) {
		n++; /* applications' private data (review item 3) */
		if (strip)
			qpdf_oh_remove_key(q, root, "/PieceInfo");
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
		if (qpdf_oh_is_dictionary(q, page) && qpdf_oh_has_key(q, page, "/PieceInfo")) {
			n++;
			if (strip)
				qpdf_oh_remove_key(q, page, "/PieceInfo");
		}
	}
	if (qpdf_has_error(q))
		return -1;
	qpdf_oh_release_all(q);
	if ((k = pdf_streams(q, strip)) < 0)
		return -1;
	qpdf_oh_release_all(q);
	return n + k;
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

/* One pass: read data, strip q's metadata, write it into *out (malloc'd). */
static enum pt_err strip_pass(const unsigned char *data, size_t len, unsigned char **out,
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
	switch (pdf_active(q)) {
	case PDF_PLAIN: break;
	case PDF_ACTIVE:
		err = pt_diag_set(d, PT_EINVAL, 0, "body",
				  "a PDF with active content (JavaScript, launch actions, embedded files, "
				  "forms that submit) is not accepted: print it to a plain PDF");
		goto out;
	case PDF_DCT_CHAIN:
		err = pt_diag_set(d, PT_EINVAL, 0, "body",
				  "a PDF with a JPEG image under another filter (/DCTDecode in a filter "
				  "chain) is not accepted: its photo metadata cannot be removed; print it "
				  "to a plain PDF");
		goto out;
	default:
		err = pt_diag_set(d, PT_EINVAL, 0, "body",
				  "not a valid PDF file: its objects cannot be read (or nest deeper than "
				  "%d, or it has more than %d objects)",
				  PDF_DEPTH_MAX, PDF_OBJECTS_MAX);
		goto out;
	}
	if (pdf_metadata(q, 1) < 0) {
		err = pt_diag_set(d, PT_EINVAL, 0, "body",
				  "not a valid PDF file: its pages, objects or JPEG images cannot be read "
				  "(or it has more than %d objects)",
				  PDF_OBJECTS_MAX);
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

/*
 * Two passes: the stream walk of the first goes by the file's own trailer /Size, which a
 * file may understate (objects above it are still written when referenced); the second
 * reads what libqpdf wrote, whose objects are numbered 1 to its /Size - 1, all reachable.
 */
enum pt_err pt_attach_pdf_strip(const unsigned char *data, size_t len, unsigned char **out,
				size_t *out_len, struct pt_diag *d)
{
	unsigned char *first = NULL;
	size_t first_len = 0;
	enum pt_err err;

	*out = NULL;
	*out_len = 0;
	if ((err = strip_pass(data, len, &first, &first_len, d)) != PT_OK)
		return err;
	err = strip_pass(first, first_len, out, out_len, d);
	free(first);
	return err;
}

enum pt_err pt_attach_clean(const unsigned char *data, size_t len, enum pt_attach_type *type,
			    unsigned char **out, size_t *out_len, struct pt_diag *d)
{
	enum pt_attach_type t;
	enum pt_err err;

	*out = NULL;
	*out_len = 0;
	*type = PT_ATTACH_NONE;
	if (len > PT_ATTACH_MAX)
		return pt_diag_set(d, PT_ELIMIT, 0, "body", "the file is %zu bytes; at most %lu",
				   len, PT_ATTACH_MAX);
	t = pt_attach_sniff(data, len);
	if (t == PT_ATTACH_NONE)
		return pt_diag_set(d, PT_EINVAL, 0, "type",
				   "the file is not a JPEG, PNG or PDF (judged by its bytes, not "
				   "its name or declared type)");
	*type = t;
	if ((err = pt_attach_check(data, len, t, NULL, d)) != PT_OK)
		return err;
	if (t == PT_ATTACH_PDF)
		return pt_attach_pdf_strip(data, len, out, out_len, d);
	return pt_attach_strip_image(data, len, t, out, out_len, d);
}
