/* pt_attachment.h - the evidence files of a site or survey (issue 16 item 3):
 * JPEG, PNG and PDF recognised by their bytes, checked, and rewritten without metadata. */
#ifndef PT_ATTACHMENT_H
#define PT_ATTACHMENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/pt_err.h"
#include "../core/pt_model.h"
#include "pt_diag.h"

#define PT_ATTACH_MAX (10UL * 1024 * 1024) /**< largest attachment, bytes (10 MiB) */
#define PT_ATTACH_NAME_MAX 120     /**< longest file name, bytes */
#define PT_ATTACH_CAPTION_MAX 500  /**< longest caption, bytes */
#define PT_ATTACH_LIST_MAX 10000   /**< most attachments of one site listed */
#define PT_ATTACH_SITE_MAX 100     /**< most attachments stored for one site (413 beyond) */
#define PT_ATTACH_SITE_BYTES (200UL * 1024 * 1024) /**< most bytes stored for one site (200 MiB) */
#define PT_ATTACH_PNG_SIDE_MAX 20000 /**< widest and highest PNG, pixels (IHDR) */

/** What an attachment is, by its bytes. */
enum pt_attach_type {
	PT_ATTACH_NONE = 0, /**< none of the three */
	PT_ATTACH_JPEG,
	PT_ATTACH_PNG,
	PT_ATTACH_PDF
};

/** An attachment as it is listed (its bytes apart). Plain data. */
struct pt_attachment {
	long long id;
	char site_id[PT_ID_MAX];
	long long survey_id;               /**< the survey visit it is evidence of; 0: none */
	char name[PT_ATTACH_NAME_MAX + 1]; /**< the file name given at upload (a download's name) */
	char caption[PT_ATTACH_CAPTION_MAX + 1];
	enum pt_attach_type type;          /**< by its bytes */
	size_t size;                       /**< bytes stored (after metadata was removed) */
	char sha256[65];                   /**< of the bytes stored, lower-case hex */
	int shows_people;                  /**< marked as showing people or number plates */
	int64_t uploaded_at;               /**< unix seconds */
	char uploaded_by[64];              /**< the uploader's user name */
	int64_t retain_until;              /**< deleted after (unix seconds); 0: kept */
};

/**
 * The one JSON writer of an attachment: {"id", "site_id", "survey_id" (null
 * when none), "name", "caption", "type", "size", "sha256", "shows_people",
 * "uploaded_at", "uploaded_by" (ISO 8601 UTC), "label" ("TLP:AMBER"), "retain_until"
 * (ISO 8601 or null)}. label is the attachment's (pt_access_attachment_label).
 * A new reference, NULL when out of memory.
 */
json_t *pt_attachment_json(const struct pt_attachment *a, enum pt_tlp label);

/**
 * A file name safe to give as a download's name: name without path
 * (up to its last '/' or '\\'), control characters, quotes and
 * semicolons, cut to fit size bytes; "attachment" when nothing is left.
 */
void pt_attach_safe_name(const char *name, char *buf, size_t size);

/**
 * pt_attach_safe_name of name with its extension forced to type t (so that a
 * download never opens as another type): ".jpg" for a JPEG (".jpeg" kept when
 * given), ".png", ".pdf", any case; a wrong extension (after the last '.') is
 * replaced, none is appended; the stem is cut to fit size bytes (at least 16).
 */
void pt_attach_typed_name(const char *name, enum pt_attach_type t, char *buf, size_t size);

/**
 * The Content-Disposition of a download of name (RFC 6266): attachment;
 * filename="ASCII" (pt_attach_safe_name with every other byte '_'); and,
 * when the name holds other characters, filename*=UTF-8''PERCENT-ENCODED.
 * Cut to fit size bytes (at least 64).
 */
void pt_attach_disposition(const char *name, char *buf, size_t size);

/** "image/jpeg", "image/png", "application/pdf"; "" for PT_ATTACH_NONE. */
const char *pt_attach_mime(enum pt_attach_type t);

/** "JPEG", "PNG", "PDF"; "" for PT_ATTACH_NONE. */
const char *pt_attach_type_name(enum pt_attach_type t);

/**
 * The type a declared media type names ("image/jpeg", "image/png",
 * "application/pdf", case-insensitive, parameters after ';' ignored);
 * PT_ATTACH_NONE for any other (or NULL).
 */
enum pt_attach_type pt_attach_type_of_mime(const char *mime);

/** The type data[0, len) starts as (magic number only: the structure is not checked). */
enum pt_attach_type pt_attach_sniff(const unsigned char *data, size_t len);

/**
 * Check data[0, len) as a file of type t and count its metadata: JPEG: SOI,
 * a segment walk (lengths within the file, a frame header before the first
 * scan, EOI); PNG: the signature, a chunk walk with every CRC, IHDR first
 * (width and height 1 to PT_ATTACH_PNG_SIDE_MAX),
 * an IDAT, IEND; PDF: "%PDF-1.N" at the start and "%%EOF" in the last 1024
 * bytes. *metadata (may be NULL) gets how many JPEG segments or PNG chunks
 * pt_attach_strip would remove (0 for PDF). PT_OK, or PT_EINVAL with d's
 * field "body" and what is wrong (the byte offset).
 */
enum pt_err pt_attach_check(const unsigned char *data, size_t len, enum pt_attach_type t,
			    size_t *metadata, struct pt_diag *d);

/**
 * Recognise data[0, len) by its bytes (*type; PT_EINVAL, field "type",
 * when it is not a JPEG, PNG or PDF), check it (pt_attach_check) and
 * write a copy without metadata into *out (malloc'd, *out_len bytes; the
 * caller frees it): JPEG without APP1 (Exif, XMP), APP13 (IPTC,
 * Photoshop), COM and every other APPn but APP0 (JFIF), APP2 ICC_PROFILE
 * and APP14 Adobe (colour), nor bytes after EOI; PNG without eXIf, tEXt,
 * zTXt, iTXt, tIME and every other ancillary chunk but those that say how
 * to show the pixels (docs/formats.md), nor bytes after IEND; PDF without
 * its document information dictionary and XMP metadata streams
 * (pt_attach_pdf_strip). Larger than PT_ATTACH_MAX: PT_ELIMIT. Nothing is
 * allocated on an error. pt_attachment_pdf.c.
 */
enum pt_err pt_attach_clean(const unsigned char *data, size_t len, enum pt_attach_type *type,
			    unsigned char **out, size_t *out_len, struct pt_diag *d);

/**
 * The JPEG or PNG (t) data[0, len) checked and copied without its metadata
 * into *out (malloc'd, *out_len bytes, never more than len; the caller
 * frees it), as pt_attach_clean does for those types. PT_EINVAL (field
 * "body") for a broken file, "type" for another t. pt_attachment.c.
 */
enum pt_err pt_attach_strip_image(const unsigned char *data, size_t len, enum pt_attach_type t,
				  unsigned char **out, size_t *out_len, struct pt_diag *d);

/**
 * The PDF data[0, len) rewritten by libqpdf without the trailer's /Info,
 * the catalogue's, every page's and every stream's /Metadata, the catalogue's
 * and every page's /PieceInfo, and with each
 * JPEG image (/DCTDecode alone) stripped as pt_attach_clean strips a JPEG
 * (unreferenced objects are not written), with a deterministic /ID. An encrypted or damaged PDF (one
 * qpdf would have to repair), one with active content (JavaScript, actions on
 * opening or on events, launch, embedded files, submit or import, rich media,
 * XFA) and one with a JPEG image under a filter chain are PT_EINVAL, field
 * "body" (docs/formats.md). *out malloc'd;
 * the caller frees it. pt_attachment_pdf.c.
 */
enum pt_err pt_attach_pdf_strip(const unsigned char *data, size_t len, unsigned char **out,
				size_t *out_len, struct pt_diag *d);

/**
 * How many metadata items the PDF data[0, len) still carries (a trailer
 * /Info, a catalogue, page or stream /Metadata, each metadata segment of a
 * JPEG image): >= 0, or -1 when libqpdf cannot read it. For the tests and
 * the fuzz target.
 */
long pt_attach_pdf_metadata(const unsigned char *data, size_t len);

#endif
