/* fuzz_attachment.c - libFuzzer target of the attachment checks and metadata strippers
 * (issue 16 item 3): any bytes are refused with a reason or give a file of the same type,
 * valid by the same checks, with no metadata left, that cleans to itself (JPEG, PNG) and
 * is never larger than what came in (JPEG, PNG); a PDF's copy keeps no /Info nor /Metadata. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_attachment.h"
#include "formats/pt_diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum pt_attach_type t = PT_ATTACH_NONE, t2 = PT_ATTACH_NONE;
	unsigned char *out = NULL, *again = NULL;
	size_t out_len = 0, again_len = 0, meta = 1;
	struct pt_diag d;
	enum pt_err err;

	memset(&d, 0, sizeof d);
	err = pt_attach_clean(data, size, &t, &out, &out_len, &d);
	if (err != PT_OK) {
		if (out || out_len || !d.msg[0])
			__builtin_trap();
		return 0;
	}
	if (!out || !out_len || t == PT_ATTACH_NONE || pt_attach_sniff(out, out_len) != t)
		__builtin_trap();
	memset(&d, 0, sizeof d);
	if (pt_attach_check(out, out_len, t, &meta, &d) != PT_OK || meta != 0)
		__builtin_trap();
	if (t == PT_ATTACH_PDF) {
		if (pt_attach_pdf_metadata(out, out_len) != 0)
			__builtin_trap();
	} else {
		if (out_len > size)
			__builtin_trap();
		memset(&d, 0, sizeof d);
		if (pt_attach_clean(out, out_len, &t2, &again, &again_len, &d) != PT_OK || t2 != t ||
		    again_len != out_len || memcmp(again, out, out_len) != 0)
			__builtin_trap();
		free(again);
	}
	free(out);
	return 0;
}
