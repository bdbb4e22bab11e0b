/* test_attachment.c - attachments (issue 16 item 3): the JPEG and PNG metadata strippers on
 * crafted files with GPS and camera data, the PDF path through libqpdf, the download name,
 * the access rule (at least AMBER), and the use cases: add, list by survey, get, delete,
 * retention purge, all audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pt_app_attachments.h"
#include "app/pt_app_surveys.h"
#include "app/pt_app_registry.h"
#include "app/pt_app_sites.h"
#include "app_fixture.h"
#include "core/pt_access.h"
#include "formats/pt_attachment.h"

#define DATA "tests/cli/data/attach/"

static unsigned char *slurp(const char *name, size_t *len)
{
	char path[256];
	unsigned char *buf;
	long n;
	FILE *f;
	snprintf(path, sizeof path, DATA "%s", name);
	*len = 0;
	if (!(f = fopen(path, "rb")))
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		*len = (size_t)n;
	return buf;
}

/* Nonzero when the n bytes at p hold the text t of tn bytes. */
static int has_bytes(const unsigned char *p, size_t n, const char *t, size_t tn)
{
	size_t i;
	for (i = 0; i + tn <= n; i++)
		if (memcmp(p + i, t, tn) == 0)
			return 1;
	return 0;
}

/* Nonzero when any of the sample files' metadata texts is in p[0, n). */
static int has_marker(const unsigned char *p, size_t n)
{
	static const char *const markers[] = {"Exif", "Fictocam", "FX-1", "Jana Fictional",
					      "xmpmeta", "8BIM", "GPS", NULL};
	size_t i, k, m;
	for (k = 0; markers[k]; k++) {
		m = strlen(markers[k]);
		for (i = 0; i + m <= n; i++)
			if (memcmp(p + i, markers[k], m) == 0)
				return 1;
	}
	return 0;
}

static void test_jpeg(void)
{
	size_t len, plain_len, out_len, meta;
	unsigned char *in = slurp("gps.jpg", &len), *plain = slurp("photo.jpg", &plain_len), *out;
	enum pt_attach_type t;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK(in && plain);
	if (!in || !plain)
		return;
	CHECK(has_marker(in, len));
	CHECK_INT(pt_attach_sniff(in, len), PT_ATTACH_JPEG);
	CHECK_INT(pt_attach_check(in, len, PT_ATTACH_JPEG, &meta, &d), PT_OK);
	CHECK_INT(meta, 4); /* Exif, XMP, IPTC, the comment */
	CHECK_INT(pt_attach_clean(in, len, &t, &out, &out_len, &d), PT_OK);
	CHECK_INT(t, PT_ATTACH_JPEG);
	CHECK(!has_marker(out, out_len));
	CHECK_INT(pt_attach_check(out, out_len, PT_ATTACH_JPEG, &meta, &d), PT_OK);
	CHECK_INT(meta, 0);
	/* what is left is the photo as libjpeg wrote it (JFIF, tables, frame, scan): byte for byte */
	CHECK_INT(out_len, plain_len);
	CHECK(out_len == plain_len && memcmp(out, plain, out_len) == 0);
	free(out);
	/* broken files: cut before EOI, a segment running past the end, a scan before its frame */
	CHECK_INT(pt_attach_clean(in, len - 40, &t, &out, &out_len, &d), PT_EINVAL);
	CHECK_STR(d.field, "body");
	CHECK(strstr(d.msg, "not a valid JPEG file") != NULL);
	CHECK(out == NULL);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_attach_clean(in, 30, &t, &out, &out_len, &d), PT_EINVAL);
	CHECK(strstr(d.msg, "past the end") != NULL);
	free(in);
	free(plain);
}

static void test_png(void)
{
	size_t len, out_len, meta, i;
	unsigned char *in = slurp("gps.png", &len), *out, *bad;
	enum pt_attach_type t;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK(in != NULL);
	if (!in)
		return;
	CHECK(has_marker(in, len));
	CHECK_INT(pt_attach_check(in, len, PT_ATTACH_PNG, &meta, &d), PT_OK);
	CHECK_INT(meta, 4); /* tEXt, eXIf, iTXt, tIME */
	CHECK_INT(pt_attach_clean(in, len, &t, &out, &out_len, &d), PT_OK);
	CHECK_INT(t, PT_ATTACH_PNG);
	CHECK(!has_marker(out, out_len));
	CHECK_INT(pt_attach_check(out, out_len, PT_ATTACH_PNG, &meta, &d), PT_OK);
	CHECK_INT(meta, 0);
	/* kept: IHDR, gAMA (how to show it), IDAT, IEND with their CRCs */
	CHECK(has_bytes(out, out_len, "IHDR", 4) && has_bytes(out, out_len, "gAMA", 4) &&
	      has_bytes(out, out_len, "IDAT", 4) && has_bytes(out, out_len, "IEND", 4));
	CHECK(!has_bytes(out, out_len, "tIME", 4) && !has_bytes(out, out_len, "eXIf", 4));
	free(out);
	/* a flipped bit in any chunk is a CRC mismatch */
	bad = malloc(len);
	if (bad) {
		int refused = 1;
		for (i = 8; i < len; i += 37) {
			memcpy(bad, in, len);
			bad[i] ^= 0x01;
			memset(&d, 0, sizeof d);
			if (pt_attach_check(bad, len, PT_ATTACH_PNG, NULL, &d) != PT_EINVAL)
				refused = 0;
		}
		CHECK(refused);
		free(bad);
	}
	free(in);
}

static void test_pdf(void)
{
	size_t len, out_len;
	unsigned char *in = slurp("info.pdf", &len), *out;
	enum pt_attach_type t;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK(in != NULL);
	if (!in)
		return;
	CHECK_INT(pt_attach_pdf_metadata(in, len), 2); /* /Info and the catalogue's /Metadata */
	CHECK(has_marker(in, len));
	CHECK_INT(pt_attach_clean(in, len, &t, &out, &out_len, &d), PT_OK);
	CHECK_INT(t, PT_ATTACH_PDF);
	CHECK(!has_marker(out, out_len));
	CHECK(!has_bytes(out, out_len, "/Info", 5) && !has_bytes(out, out_len, "/Metadata", 9));
	CHECK_INT(pt_attach_pdf_metadata(out, out_len), 0);
	CHECK_INT(pt_attach_check(out, out_len, PT_ATTACH_PDF, NULL, &d), PT_OK);
	free(out);
	/* a PDF showing the GPS photo as a /DCTDecode image with an XMP stream of its own */
	{
		size_t plen, plain_len;
		unsigned char *pdf = slurp("photo.pdf", &plen), *plain = slurp("photo.jpg", &plain_len);
		CHECK(pdf && plain);
		if (pdf && plain) {
			/* /Info, the image's /Metadata, the JPEG's Exif, XMP, IPTC and comment */
			CHECK_INT(pt_attach_pdf_metadata(pdf, plen), 6);
			CHECK_INT(pt_attach_clean(pdf, plen, &t, &out, &out_len, &d), PT_OK);
			CHECK(!has_marker(out, out_len));
			CHECK_INT(pt_attach_pdf_metadata(out, out_len), 0);
			CHECK(has_bytes(out, out_len, (const char *)plain, plain_len)); /* the photo is still shown */
			free(out);
		}
		free(pdf);
		free(plain);
	}
	/* the fuzzer's find: an image whose /Filter key was garbled, in a file whose trailer /Size
	 * understates its objects: its /Metadata is still removed (the second pass) */
	{
		size_t flen;
		unsigned char *f = slurp("../../../fuzz/corpus/fuzz_attachment/understated-size.pdf", &flen);
		CHECK(f != NULL);
		if (f) {
			memset(&d, 0, sizeof d);
			CHECK_INT(pt_attach_clean(f, flen, &t, &out, &out_len, &d), PT_OK);
			CHECK_INT(pt_attach_pdf_metadata(out, out_len), 0);
			CHECK(!has_bytes(out, out_len, "/Metadata", 9));
			free(out);
		}
		free(f);
	}
	/* a PDF header with no %%EOF, and one qpdf cannot read without repair */
	CHECK_INT(pt_attach_clean(in, len - 10, &t, &out, &out_len, &d), PT_EINVAL);
	CHECK(strstr(d.msg, "%%EOF") != NULL);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_attach_clean((const unsigned char *)"%PDF-1.4\nrubbish\n%%EOF\n", 23, &t, &out,
				  &out_len, &d),
		  PT_EINVAL);
	CHECK_STR(d.field, "body");
	free(in);
}

/* A PDF of the n objects objs (1 0 obj: the catalogue) with a classic xref, into buf. */
static size_t make_pdf(char *buf, size_t size, const char *const *objs, size_t n)
{
	size_t len, i, off[16], xref;
	len = (size_t)snprintf(buf, size, "%%PDF-1.4\n");
	for (i = 0; i < n && i < 16; i++) {
		off[i] = len;
		len += (size_t)snprintf(buf + len, size - len, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	xref = len;
	len += (size_t)snprintf(buf + len, size - len, "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
	for (i = 0; i < n && i < 16; i++)
		len += (size_t)snprintf(buf + len, size - len, "%010zu 00000 n \n", off[i]);
	len += (size_t)snprintf(buf + len, size - len,
				"trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n + 1, xref);
	return len;
}

/* Review items 2 and 3: active content and a JPEG under a filter chain refused, private
 * page data (/PieceInfo) removed, a destination to open at kept. */
static void test_pdf_active(void)
{
	static const char *const pages = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
	static const char *const refused[][4] = {
		{"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> >>", "active content"},
		{"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", "active content",
		 "<< /S /Launch /F (cmd.exe) >>"},
		{"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>", "active content",
		 "<< /Names [] >>"},
		{"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 4 0 R >> >>", "active content",
		 "<< /Length 0 >>\nstream\n\nendstream"},
		{"<< /Type /Catalog /Pages 2 0 R >>", "filter",
		 "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
		 "/BitsPerComponent 8 /Filter [/ASCIIHexDecode /DCTDecode] /Length 8 >>\nstream\nFFD8FFD9\nendstream"},
	};
	char buf[4096];
	unsigned char *out;
	size_t i, len, out_len;
	enum pt_attach_type t;
	struct pt_diag d;
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		const char *objs[4] = {refused[i][0], pages,
				       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>", refused[i][2]};
		len = make_pdf(buf, sizeof buf, objs, refused[i][2] ? 4 : 3);
		memset(&d, 0, sizeof d);
		CHECK_INT(pt_attach_clean((unsigned char *)buf, len, &t, &out, &out_len, &d), PT_EINVAL);
		CHECK_STR(d.field, "body");
		CHECK(strstr(d.msg, refused[i][1]) != NULL);
		CHECK(out == NULL);
	}
	{
		const char *objs[3] = {"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] "
				       "/PieceInfo << /Fictoedit << /Private (Jana Fictional) >> >> >>",
				       pages,
				       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
				       "/PieceInfo << /Fictoedit << /Private (gps 59.1 18.2) >> >> >>"};
		len = make_pdf(buf, sizeof buf, objs, 3);
		CHECK_INT(pt_attach_pdf_metadata((unsigned char *)buf, len), 2);
		memset(&d, 0, sizeof d);
		CHECK_INT(pt_attach_clean((unsigned char *)buf, len, &t, &out, &out_len, &d), PT_OK);
		if (out) {
			CHECK(!has_bytes(out, out_len, "/PieceInfo", 10) && !has_bytes(out, out_len, "Private", 7));
			CHECK(has_bytes(out, out_len, "/OpenAction", 11)); /* a page to open at is kept */
			free(out);
		}
	}
}

static void test_refused(void)
{
	size_t len, out_len;
	unsigned char *exe = slurp("program.jpg", &len), *out;
	enum pt_attach_type t;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	CHECK(exe != NULL);
	CHECK_INT(pt_attach_clean(exe, len, &t, &out, &out_len, &d), PT_EINVAL);
	CHECK_STR(d.field, "type");
	CHECK(out == NULL && t == PT_ATTACH_NONE);
	free(exe);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_attach_clean((const unsigned char *)"", 0, &t, &out, &out_len, &d), PT_EINVAL);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_attach_clean((const unsigned char *)"x", PT_ATTACH_MAX + 1, &t, &out, &out_len,
				  &d),
		  PT_ELIMIT);
	CHECK_INT(pt_attach_type_of_mime("image/JPEG; q=1"), PT_ATTACH_JPEG);
	CHECK_INT(pt_attach_type_of_mime("image/jpegx"), PT_ATTACH_NONE);
	CHECK_INT(pt_attach_type_of_mime(NULL), PT_ATTACH_NONE);
}

static void test_names(void)
{
	char buf[512];
	pt_attach_safe_name("C:\\photos/../north \"gate\";.jpg", buf, sizeof buf);
	CHECK_STR(buf, "north gate.jpg");
	pt_attach_safe_name("..", buf, sizeof buf);
	CHECK_STR(buf, "attachment");
	/* review item 1: the extension follows the type found in the bytes */
	pt_attach_typed_name("site-report.html", PT_ATTACH_PDF, buf, sizeof buf);
	CHECK_STR(buf, "site-report.pdf");
	pt_attach_typed_name("x.jpg", PT_ATTACH_PNG, buf, sizeof buf);
	CHECK_STR(buf, "x.png");
	pt_attach_typed_name("gate.JPEG", PT_ATTACH_JPEG, buf, sizeof buf);
	CHECK_STR(buf, "gate.JPEG");
	pt_attach_typed_name("gate", PT_ATTACH_JPEG, buf, sizeof buf);
	CHECK_STR(buf, "gate.jpg");
	pt_attach_typed_name("gate.jpeg", PT_ATTACH_PNG, buf, sizeof buf);
	CHECK_STR(buf, "gate.png");
	pt_attach_typed_name("..", PT_ATTACH_PDF, buf, sizeof buf);
	CHECK_STR(buf, "attachment.pdf");
	{
		char small[16];
		pt_attach_typed_name("abcdefghijklmnopqrstuvwxyz.html", PT_ATTACH_PDF, small, sizeof small);
		CHECK_STR(small, "abcdefghijk.pdf");
	}
	pt_attach_disposition("gate.jpg", buf, sizeof buf);
	CHECK_STR(buf, "attachment; filename=\"gate.jpg\"");
	pt_attach_disposition("Sv\xc3\xa4ti gate\r\nX-Evil: 1.png", buf, sizeof buf);
	CHECK_STR(buf, "attachment; filename=\"Sv__ti gateX-Evil: 1.png\"; "
		       "filename*=UTF-8''Sv%C3%A4ti%20gateX-Evil%3A%201.png");
}

static void test_access(void)
{
	static const long long none[1] = {0};
	struct pt_access_record green = {10, PT_TLP_GREEN, none, 0, none, 0};
	struct pt_access_record red = {10, PT_TLP_RED, none, 0, none, 0};
	struct pt_principal owner_op = {1, 10, PT_ORG_OPERATOR, PT_ROLE_OPERATOR, 0, 0, 0};
	struct pt_principal owner_viewer = {2, 10, PT_ORG_OPERATOR, PT_ROLE_VIEWER, 0, 0, 0};
	struct pt_principal other_viewer = {3, 20, PT_ORG_NGO, PT_ROLE_VIEWER, 0, 0, 0};
	struct pt_principal gov_analyst = {4, 30, PT_ORG_GOVERNMENT, PT_ROLE_ANALYST, 0, 0, 0};
	struct pt_principal sys;
	pt_principal_system(&sys);
	CHECK_INT(pt_access_attachment_label(PT_TLP_CLEAR), PT_TLP_AMBER);
	CHECK_INT(pt_access_attachment_label(PT_TLP_GREEN), PT_TLP_AMBER);
	CHECK_INT(pt_access_attachment_label(PT_TLP_AMBER_STRICT), PT_TLP_AMBER_STRICT);
	CHECK_INT(pt_access_attachment_label(PT_TLP_RED), PT_TLP_RED);
	/* the GREEN site is read by everyone, its photos are AMBER */
	CHECK_INT(pt_access_read(&other_viewer, &green), PT_ACCESS_OK);
	CHECK_INT(pt_access_attachment_read(&other_viewer, &green), PT_ACCESS_NOT_FOUND);
	CHECK_INT(pt_access_attachment_read(&gov_analyst, &green), PT_ACCESS_OK);
	CHECK_INT(pt_access_attachment_read(&owner_viewer, &green), PT_ACCESS_OK);
	CHECK_INT(pt_access_attachment_write(&owner_viewer, &green), PT_ACCESS_FORBIDDEN);
	CHECK_INT(pt_access_attachment_write(&gov_analyst, &green), PT_ACCESS_FORBIDDEN);
	CHECK_INT(pt_access_attachment_write(&other_viewer, &green), PT_ACCESS_NOT_FOUND);
	CHECK_INT(pt_access_attachment_write(&owner_op, &green), PT_ACCESS_OK);
	CHECK_INT(pt_access_attachment_write(&sys, &green), PT_ACCESS_OK);
	/* RED stays RED: the owner's operator is not named on it */
	CHECK_INT(pt_access_attachment_read(&owner_op, &red), PT_ACCESS_NOT_FOUND);
	CHECK_INT(pt_access_attachment_read(&gov_analyst, &red), PT_ACCESS_NOT_FOUND);
}

/* ---- the use cases ---- */

static struct pt_db *registry(void)
{
	static const char rows[] = SITES_HEADER
		"A-1,Stadium A,soft_target,stadium_arena,Org A,47.1,-12.1,R,100,50,0,1000000,GREEN\n"
		"A-RED,Arena A,soft_target,stadium_arena,Org A,47.3,-12.3,R,100,50,0,1000000,RED\n";
	struct pt_sites_import in;
	struct pt_sites_import_result res;
	struct pt_caller sys;
	struct pt_diag d;
	struct pt_db *db;
	long long a, n, g;
	memset(&d, 0, sizeof d);
	memset(&in, 0, sizeof in);
	in.data = rows;
	in.len = strlen(rows);
	if (!(db = fx_open()))
		return NULL;
	a = fx_org(db, "Org A", PT_ORG_OPERATOR);
	n = fx_org(db, "Relief", PT_ORG_NGO);
	g = fx_org(db, "Ministry", PT_ORG_GOVERNMENT);
	fx_user(db, "op-a", PT_ROLE_OPERATOR, a);
	fx_user(db, "view-a", PT_ROLE_VIEWER, a);
	fx_user(db, "relief", PT_ROLE_VIEWER, n);
	fx_user(db, "analyst", PT_ROLE_ANALYST, g);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_sites_import(&sys, db, &in, &res, &d), PT_OK);
	return db;
}

static enum pt_err upload(struct pt_db *db, const struct pt_caller *c, const char *site,
			  const char *file, long long survey, int people, struct pt_attachment *a,
			  struct pt_diag *d)
{
	struct pt_attach_upload in;
	enum pt_tlp label;
	enum pt_err err;
	size_t len;
	unsigned char *data = slurp(file, &len);
	memset(&in, 0, sizeof in);
	memset(d, 0, sizeof *d);
	in.site_id = site;
	in.name = file;
	in.caption = "north gate";
	in.survey_id = survey;
	in.shows_people = people;
	in.data = data;
	in.len = len;
	err = pt_app_attachment_add(c, db, &in, a, &label, d);
	free(data);
	return err;
}

static void test_use_cases(void)
{
	struct pt_db *db = registry();
	struct pt_caller op, viewer, relief, analyst;
	struct pt_attachment a, b, got;
	struct pt_app_attachment_list l;
	struct pt_config cfg;
	struct pt_diag d;
	unsigned char *data = NULL;
	enum pt_tlp label;
	long long visit = 0;
	size_t n = 0;
	if (!db)
		return;
	op = fx_caller(db, "op-a");
	viewer = fx_caller(db, "view-a");
	relief = fx_caller(db, "relief");
	analyst = fx_caller(db, "analyst");
	{ /* a visit of A-1 for the photo to be evidence of (issue 16: a visit of its own site) */
		struct pt_survey_start st;
		memset(&st, 0, sizeof st);
		st.method = PT_METHOD_FEMA;
		memset(&d, 0, sizeof d);
		CHECK_INT(pt_app_survey_start(&op, db, "A-1", &st, &visit, &d), PT_OK);
	}
	memset(&d, 0, sizeof d);
	CHECK_INT(upload(db, &op, "A-1", "gps.jpg", visit + 1000, 1, &a, &d), PT_EINVAL);
	CHECK_STR(d.field, "survey");
	memset(&d, 0, sizeof d);
	CHECK_INT(upload(db, &op, "A-1", "gps.jpg", visit, 1, &a, &d), PT_OK);
	CHECK(a.id > 0 && a.type == PT_ATTACH_JPEG && a.shows_people);
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_config_get(&op, db, &cfg, &d), PT_OK);
	CHECK_INT(cfg.attachments_retention_days, 30);
	CHECK(a.retain_until == T0 + 30 * 86400);
	CHECK_INT(fx_audited(db, "attachment.add", NULL), 1);
	CHECK_INT(upload(db, &op, "A-1", "gps.png", 0, 0, &b, &d), PT_OK);
	CHECK(b.retain_until == 0);
	/* who may not write the site, or see its photos */
	CHECK_INT(upload(db, &viewer, "A-1", "gps.png", 0, 0, &got, &d), PT_EFORBIDDEN);
	CHECK_INT(fx_audited(db, "refused", NULL), 1);
	CHECK_INT(upload(db, &relief, "A-1", "gps.png", 0, 0, &got, &d), PT_ENOTFOUND);
	CHECK_INT(upload(db, &op, "A-1", "page.jpg", 0, 0, &got, &d), PT_EINVAL);
	CHECK_STR(d.field, "type");
	CHECK_INT(upload(db, &op, "NOPE", "gps.png", 0, 0, &got, &d), PT_ENOTFOUND);
	/* the list, all of it and of the visit */
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_attachments_list(&viewer, db, "A-1", 0, &l, &d), PT_OK);
	CHECK_INT(l.n, 2);
	CHECK_INT(l.label, PT_TLP_AMBER);
	CHECK_INT(l.can_write, 0);
	pt_app_attachment_list_clear(&l);
	CHECK_INT(pt_app_attachments_list(&op, db, "A-1", visit, &l, &d), PT_OK);
	CHECK_INT(l.n, 1);
	CHECK(l.n == 1 && l.items[0].id == a.id && l.items[0].survey_id == visit);
	CHECK_INT(l.can_write, 1);
	pt_app_attachment_list_clear(&l);
	CHECK_INT(pt_app_attachments_list(&relief, db, "A-1", 0, &l, &d), PT_ENOTFOUND);
	CHECK_INT(fx_audited(db, "attachments.list", NULL), 2);
	/* survey 99 has no evidence: the empty list is marked with the site's own label, read unaudited */
	CHECK_INT(pt_app_attachments_list(&op, db, "A-1", 99, &l, &d), PT_OK);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.marking, PT_TLP_GREEN);
	CHECK_INT(l.label, PT_TLP_AMBER);
	pt_app_attachment_list_clear(&l);
	CHECK_INT(fx_audited(db, "attachments.list", NULL), 2);
	/* get: the bytes stored, their hash checked; hidden from relief */
	CHECK_INT(pt_app_attachment_get(&analyst, db, a.id, &got, &data, &label, &d), PT_OK);
	CHECK(data && got.size == a.size && !has_marker(data, got.size));
	CHECK_INT(label, PT_TLP_AMBER);
	free(data);
	CHECK_INT(fx_audited(db, "attachment.read", NULL), 1);
	CHECK_INT(pt_app_attachment_get(&relief, db, a.id, &got, &data, &label, &d), PT_ENOTFOUND);
	CHECK(data == NULL);
	/* delete: refused to the viewer (audited), done by the operator */
	CHECK_INT(pt_app_attachment_delete(&viewer, db, b.id, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_app_attachment_delete(&relief, db, b.id, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_attachment_delete(&op, db, b.id, &d), PT_OK);
	CHECK_INT(fx_audited(db, "attachment.delete", NULL), 1);
	CHECK_INT(pt_app_attachment_delete(&op, db, b.id, &d), PT_ENOTFOUND);
	/* retention: a day before its end it is served; after it, hidden, then purged by the system */
	op.now = a.retain_until - 86400;
	CHECK_INT(pt_app_attachment_get(&op, db, a.id, &got, &data, &label, &d), PT_OK);
	free(data);
	op.now = a.retain_until + 1;
	CHECK_INT(pt_app_attachment_get(&op, db, a.id, &got, &data, &label, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_attachments_purge(&op, db, &n, &d), PT_OK);
	CHECK_INT(n, 1);
	CHECK_INT(fx_audited(db, "attachment.expired", NULL), 1);
	op.now = T0;
	CHECK_INT(pt_app_attachment_get(&op, db, a.id, &got, &data, &label, &d), PT_ENOTFOUND);
	pt_app_db_close(db);
}

int main(void)
{
	RUN(test_jpeg);
	RUN(test_png);
	RUN(test_pdf);
	RUN(test_pdf_active);
	RUN(test_refused);
	RUN(test_names);
	RUN(test_access);
	RUN(test_use_cases);
	return TEST_SUMMARY("attachment");
}
