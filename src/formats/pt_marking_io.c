/* pt_marking_io.c - an output's TLP 2.0 marking in JSON, CSV, text and HTML,
 * one helper per output kind (the label itself comes from core/pt_marking). */
#include "pt_marking_io.h"

json_t *pt_marking_json(json_t *root, enum pt_tlp tlp)
{
	if (!root)
		return NULL;
	if (!json_is_object(root) ||
	    json_object_set_new(root, "tlp", json_string(pt_marking_label(tlp))) != 0) {
		json_decref(root);
		return NULL;
	}
	return root;
}

void pt_marking_csv_line(FILE *f, enum pt_tlp tlp)
{
	fprintf(f, "# %s\n", pt_marking_label(tlp));
}

void pt_marking_text_line(FILE *f, enum pt_tlp tlp)
{
	fprintf(f, "%s\n", pt_marking_label(tlp));
}

const char *pt_marking_css(enum pt_tlp tlp)
{
	switch (tlp) {
	case PT_TLP_RED:
		return "color:#FF2B2B;background:#000";
	case PT_TLP_AMBER:
	case PT_TLP_AMBER_STRICT:
		return "color:#FFC000;background:#000";
	case PT_TLP_GREEN:
		return "color:#33FF00;background:#000";
	default:
		return "color:#FFFFFF;background:#000";
	}
}

void pt_marking_html(FILE *f, enum pt_tlp tlp, const char *cls)
{
	/* The label and the class are fixed ASCII names: nothing to escape. */
	fprintf(f, "<span class=\"%s\" style=\"%s\">%s</span>", cls ? cls : "tlp",
		pt_marking_css(tlp), pt_marking_label(tlp));
}
