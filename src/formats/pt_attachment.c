/* pt_attachment.c - attachments recognised by their bytes (issue 16 item 3): the
 * JPEG segment walk and the PNG chunk walk, each checking and (when asked) copying
 * the file without its metadata. Pure: buffers in, buffers out. pt_attach_clean, which
 * also takes PDFs, is in pt_attachment_pdf.c (the files' symbols point one way). */
#include "pt_attachment.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

const char *pt_attach_mime(enum pt_attach_type t)
{
	switch (t) {
	case PT_ATTACH_JPEG: return "image/jpeg";
	case PT_ATTACH_PNG: return "image/png";
	case PT_ATTACH_PDF: return "application/pdf";
	default: return "";
	}
}

const char *pt_attach_type_name(enum pt_attach_type t)
{
	switch (t) {
	case PT_ATTACH_JPEG: return "JPEG";
	case PT_ATTACH_PNG: return "PNG";
	case PT_ATTACH_PDF: return "PDF";
	default: return "";
	}
}

enum pt_attach_type pt_attach_type_of_mime(const char *mime)
{
	static const enum pt_attach_type types[] = {PT_ATTACH_JPEG, PT_ATTACH_PNG, PT_ATTACH_PDF};
	size_t i, n;
	if (!mime)
		return PT_ATTACH_NONE;
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		const char *m = pt_attach_mime(types[i]);
		n = strlen(m);
		if (strncasecmp(mime, m, n) == 0 && (!mime[n] || mime[n] == ';' || mime[n] == ' '))
			return types[i];
	}
	return PT_ATTACH_NONE;
}

enum pt_attach_type pt_attach_sniff(const unsigned char *data, size_t len)
{
	if (!data)
		return PT_ATTACH_NONE;
	if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
		return PT_ATTACH_JPEG;
	if (len >= 8 && memcmp(data, png_signature, 8) == 0)
		return PT_ATTACH_PNG;
	if (len >= 8 && memcmp(data, "%PDF-1.", 7) == 0 && data[7] >= '0' && data[7] <= '9')
		return PT_ATTACH_PDF;
	return PT_ATTACH_NONE;
}

/* ---- output: a copy of the kept parts, never larger than the input ---- */

struct emit {
	unsigned char *buf; /* NULL: only check and count */
	size_t len;
};

static void emit(struct emit *e, const unsigned char *p, size_t n)
{
	if (e && e->buf) {
		memcpy(e->buf + e->len, p, n);
		e->len += n;
	}
}

static enum pt_err bad(struct pt_diag *d, enum pt_attach_type t, size_t at, const char *what)
{
	return pt_diag_set(d, PT_EINVAL, 0, "body", "not a valid %s file: %s (at byte %zu)",
			   pt_attach_type_name(t), what, at);
}

/* ---- JPEG ---- */

static int starts(const unsigned char *p, size_t n, const char *text, size_t tlen)
{
	return n >= tlen && memcmp(p, text, tlen) == 0;
}

/* Nonzero when the APPn segment (marker m, payload p of n bytes) is kept: JFIF/JFXX,
 * an ICC profile (APP2) and Adobe's colour transform (APP14) say how to show the pixels. */
static int jpeg_app_kept(unsigned m, const unsigned char *p, size_t n)
{
	if (m == 0xe0)
		return starts(p, n, "JFIF\0", 5) || starts(p, n, "JFXX\0", 5);
	if (m == 0xe2)
		return starts(p, n, "ICC_PROFILE\0", 12);
	if (m == 0xee)
		return starts(p, n, "Adobe", 5);
	return 0;
}

static int jpeg_is_sof(unsigned m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static enum pt_err jpeg_walk(const unsigned char *p, size_t len, struct emit *out,
			     size_t *metadata, struct pt_diag *d)
{
	size_t pos = 2, dropped = 0;
	int seen_sof = 0, seen_sos = 0;

	if (len < 4 || p[0] != 0xff || p[1] != 0xd8)
		return bad(d, PT_ATTACH_JPEG, 0, "no start of image (SOI)");
	emit(out, p, 2);
	for (;;) {
		size_t seg_len, start;
		unsigned m;
		if (pos >= len)
			return bad(d, PT_ATTACH_JPEG, pos, "no end of image (EOI)");
		if (p[pos] != 0xff)
			return bad(d, PT_ATTACH_JPEG, pos, "a marker was expected");
		while (pos < len && p[pos] == 0xff) /* fill bytes */
			pos++;
		if (pos >= len)
			return bad(d, PT_ATTACH_JPEG, pos, "no end of image (EOI)");
		m = p[pos++];
		if (m == 0x00 || m == 0xd8)
			return bad(d, PT_ATTACH_JPEG, pos - 2, "a marker that may not stand here");
		if (m == 0xd9) {
			if (!seen_sos)
				return bad(d, PT_ATTACH_JPEG, pos - 2, "end of image before any scan");
			emit(out, p + pos - 2, 2);
			break; /* bytes after EOI are not kept */
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) { /* standalone markers */
			emit(out, p + pos - 2, 2);
			continue;
		}
		if (len - pos < 2)
			return bad(d, PT_ATTACH_JPEG, pos, "a segment's length is cut off");
		seg_len = (size_t)p[pos] << 8 | p[pos + 1];
		if (seg_len < 2 || seg_len > len - pos)
			return bad(d, PT_ATTACH_JPEG, pos, "a segment runs past the end of the file");
		start = pos - 2;
		if ((m >= 0xe0 && m <= 0xef && !jpeg_app_kept(m, p + pos + 2, seg_len - 2)) ||
		    m == 0xfe) {
			dropped++; /* Exif, XMP, IPTC, maker data, comments */
			pos += seg_len;
			continue;
		}
		if (jpeg_is_sof(m)) {
			if (seen_sof)
				return bad(d, PT_ATTACH_JPEG, start, "a second frame header");
			if (seg_len < 8)
				return bad(d, PT_ATTACH_JPEG, start, "a frame header too short");
			seen_sof = 1;
		}
		if (m == 0xda && !seen_sof)
			return bad(d, PT_ATTACH_JPEG, start, "a scan before the frame header");
		emit(out, p + start, seg_len + 2);
		pos += seg_len;
		if (m == 0xda) { /* entropy-coded data up to the next marker (not a stuffed 00 or RSTn) */
			size_t i = pos;
			while (i < len) {
				if (p[i] == 0xff && i + 1 < len &&
				    (p[i + 1] == 0x00 || (p[i + 1] >= 0xd0 && p[i + 1] <= 0xd7))) {
					i += 2;
					continue;
				}
				if (p[i] == 0xff)
					break;
				i++;
			}
			if (i + 1 >= len)
				return bad(d, PT_ATTACH_JPEG, i, "no end of image (EOI) after a scan");
			emit(out, p + pos, i - pos);
			pos = i;
			seen_sos = 1;
		}
	}
	if (metadata)
		*metadata = dropped;
	return PT_OK;
}

/* ---- PNG ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* CRC-32 of ISO 3309 / PNG, four bits at a time. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	static const uint32_t t[16] = {0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
				       0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
				       0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
				       0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c};
	size_t i;
	for (i = 0; i < n; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ t[crc & 15];
		crc = (crc >> 4) ^ t[crc & 15];
	}
	return crc;
}

static int png_type_is(const unsigned char *type, const char *name)
{
	return memcmp(type, name, 4) == 0;
}

/* Ancillary chunks kept: those that say how to show or animate the pixels. */
static int png_ancillary_kept(const unsigned char *type)
{
	static const char *const kept[] = {"cHRM", "gAMA", "iCCP", "sBIT", "sRGB", "bKGD",
					   "hIST", "tRNS", "pHYs", "sPLT", "cICP", "mDCv",
					   "cLLi", "acTL", "fcTL", "fdAT", NULL};
	size_t i;
	for (i = 0; kept[i]; i++)
		if (png_type_is(type, kept[i]))
			return 1;
	return 0;
}

static int png_letter(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static enum pt_err png_walk(const unsigned char *p, size_t len, struct emit *out,
			    size_t *metadata, struct pt_diag *d)
{
	size_t pos = 8, dropped = 0;
	int seen_idat = 0;

	if (len < 8 || memcmp(p, png_signature, 8) != 0)
		return bad(d, PT_ATTACH_PNG, 0, "no PNG signature");
	emit(out, p, 8);
	for (;;) {
		const unsigned char *type;
		uint32_t n;
		if (len - pos < 12)
			return bad(d, PT_ATTACH_PNG, pos, "no IEND chunk");
		n = be32(p + pos);
		type = p + pos + 4;
		if (n > 0x7fffffffu || n > len - pos - 12)
			return bad(d, PT_ATTACH_PNG, pos, "a chunk runs past the end of the file");
		if (!png_letter(type[0]) || !png_letter(type[1]) || !png_letter(type[2]) ||
		    !png_letter(type[3]))
			return bad(d, PT_ATTACH_PNG, pos + 4, "a chunk type is not four letters");
		if (crc32_update(0xffffffffu, type, 4 + (size_t)n) ^ 0xffffffffu ^
		    be32(p + pos + 8 + n))
			return bad(d, PT_ATTACH_PNG, pos + 8 + n, "a chunk's CRC does not match");
		if ((pos == 8) != png_type_is(type, "IHDR") || (pos == 8 && n != 13))
			return bad(d, PT_ATTACH_PNG, pos, "IHDR (13 bytes) must come first, once");
		if (pos == 8 && (be32(p + 16) - 1 >= PT_ATTACH_PNG_SIDE_MAX ||
				 be32(p + 20) - 1 >= PT_ATTACH_PNG_SIDE_MAX))
			return pt_diag_set(d, PT_EINVAL, 0, "body",
					   "a PNG of %lu x %lu pixels: width and height are 1 to %d each",
					   (unsigned long)be32(p + 16), (unsigned long)be32(p + 20),
					   PT_ATTACH_PNG_SIDE_MAX);
		if (png_type_is(type, "IEND")) {
			if (n != 0 || !seen_idat)
				return bad(d, PT_ATTACH_PNG, pos, "IEND with data, or before any IDAT");
			emit(out, p + pos, 12);
			break; /* bytes after IEND are not kept */
		}
		if (png_type_is(type, "IDAT"))
			seen_idat = 1;
		else if (type[0] >= 'A' && type[0] <= 'Z' && !png_type_is(type, "IHDR") &&
			 !png_type_is(type, "PLTE"))
			return bad(d, PT_ATTACH_PNG, pos + 4, "an unknown critical chunk");
		if (type[0] >= 'a' && type[0] <= 'z' && !png_ancillary_kept(type))
			dropped++; /* eXIf, tEXt, zTXt, iTXt, tIME, private chunks */
		else
			emit(out, p + pos, 12 + (size_t)n);
		pos += 12 + (size_t)n;
	}
	if (metadata)
		*metadata = dropped;
	return PT_OK;
}

/* ---- PDF (the structure as far as this file checks it; libqpdf reads the rest) ---- */

static enum pt_err pdf_check(const unsigned char *p, size_t len, struct pt_diag *d)
{
	size_t from, i;
	if (pt_attach_sniff(p, len) != PT_ATTACH_PDF)
		return bad(d, PT_ATTACH_PDF, 0, "no %PDF-1.N header");
	from = len > 1024 ? len - 1024 : 0;
	for (i = len >= 5 ? len - 5 + 1 : 0; i-- > from;)
		if (memcmp(p + i, "%%EOF", 5) == 0)
			return PT_OK;
	return bad(d, PT_ATTACH_PDF, len, "no %%EOF in its last 1024 bytes");
}

enum pt_err pt_attach_check(const unsigned char *data, size_t len, enum pt_attach_type t,
			    size_t *metadata, struct pt_diag *d)
{
	if (metadata)
		*metadata = 0;
	if (!data)
		len = 0;
	switch (t) {
	case PT_ATTACH_JPEG: return jpeg_walk(data, len, NULL, metadata, d);
	case PT_ATTACH_PNG: return png_walk(data, len, NULL, metadata, d);
	case PT_ATTACH_PDF: return pdf_check(data, len, d);
	default:
		return pt_diag_set(d, PT_EINVAL, 0, "type", "not a JPEG, PNG or PDF file");
	}
}

enum pt_err pt_attach_strip_image(const unsigned char *data, size_t len, enum pt_attach_type t,
				  unsigned char **out, size_t *out_len, struct pt_diag *d)
{
	struct emit e = {NULL, 0};
	enum pt_err err;

	*out = NULL;
	*out_len = 0;
	if (t != PT_ATTACH_JPEG && t != PT_ATTACH_PNG)
		return pt_diag_set(d, PT_EINVAL, 0, "type", "not a JPEG or PNG file");
	if (!data)
		len = 0;
	if (!(e.buf = malloc(len ? len : 1)))
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	err = t == PT_ATTACH_JPEG ? jpeg_walk(data, len, &e, NULL, d) : png_walk(data, len, &e, NULL, d);
	if (err != PT_OK) {
		free(e.buf);
		return err;
	}
	*out = e.buf;
	*out_len = e.len;
	return PT_OK;
}
