/* fuzz_assess.c - libFuzzer target of the assessment, catalogue and settings CSV readers
 * (settings applied with pt_config_set), with a round trip of accepted assessments. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_config.h"
#include "formats/pt_assess_io.h"
#include "formats/pt_diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pt_catalog threats;

static void setup(void)
{
	static const char *const ids[] = {"vehicle_ramming", "vbied_small", "arson", "drone"};
	struct pt_catalog_entry e;
	size_t i;
	if (threats.n)
		return;
	for (i = 0; i < 4; i++) {
		memset(&e, 0, sizeof e);
		pt_strlcpy(e.id, ids[i], sizeof e.id);
		if (pt_catalog_append(&threats, &e) != PT_OK)
			abort();
	}
}

/* Nonzero when every setting of a and b reads the same. */
static int same_config(const struct pt_config *a, const struct pt_config *b)
{
	size_t k;
	for (k = 0; k < pt_config_key_count(); k++) {
		double x = 0, y = 0;
		if (pt_config_key_is_text(k)) { /* issue 13: alert.sender, alert.public_url, ... */
			char ta[512], tb[512];
			if (pt_config_get_text(a, pt_config_key_name(k), ta, sizeof ta) != PT_OK ||
			    pt_config_get_text(b, pt_config_key_name(k), tb, sizeof tb) != PT_OK ||
			    strcmp(ta, tb) != 0)
				return 0;
			continue;
		}
		if (pt_config_get(a, pt_config_key_name(k), &x) != PT_OK ||
		    pt_config_get(b, pt_config_key_name(k), &y) != PT_OK || x != y)
			return 0;
	}
	return 1;
}

/* Apply read settings as `config set` would: a refused value leaves the settings unchanged. */
static void apply_settings(char **keys, char **values, size_t n)
{
	struct pt_config c, before;
	struct pt_diag d;
	size_t i;
	pt_config_defaults(&c);
	for (i = 0; i < n; i++) {
		before = c;
		memset(&d, 0, sizeof d);
		if (pt_config_set(&c, keys[i], values[i], &d) != PT_OK &&
		    (!same_config(&before, &c) || !d.msg[0]))
			__builtin_trap();
	}
	memset(&d, 0, sizeof d);
	if (pt_config_check(&c, &d) != PT_OK && !d.msg[0])
		__builtin_trap();
}

static int same_row(const struct pt_assessment_set *a, const struct pt_assessment_set *b,
		    size_t i)
{
	size_t v;
	switch (a->method) {
	case PT_METHOD_FEMA:
		return memcmp(&a->fema[i], &b->fema[i], sizeof a->fema[i]) == 0;
	case PT_METHOD_CARVER:
		return memcmp(&a->carver[i], &b->carver[i], sizeof a->carver[i]) == 0;
	case PT_METHOD_QUANT:
		if (strcmp(a->quant[i].site_id, b->quant[i].site_id) != 0 ||
		    strcmp(a->quant[i].threat_id, b->quant[i].threat_id) != 0)
			return 0;
		for (v = 0; v < PT_QV_COUNT; v++)
			if (a->quant[i].var[v].min != b->quant[i].var[v].min ||
			    a->quant[i].var[v].mode != b->quant[i].var[v].mode ||
			    a->quant[i].var[v].max != b->quant[i].var[v].max)
				return 0;
		return 1;
	}
	return 0;
}

static void round_trip(const struct pt_assessment_set *s)
{
	struct pt_assessment_set back;
	struct pt_diag d;
	char *mem = NULL;
	size_t len = 0, i;
	enum pt_err err;
	FILE *f = open_memstream(&mem, &len);
	if (!f)
		return;
	err = pt_assessments_write_csv(f, s);
	if (fclose(f) != 0 || err != PT_OK) {
		free(mem);
		return;
	}
	memset(&back, 0, sizeof back);
	memset(&d, 0, sizeof d);
	err = pt_assessments_read_csv(mem, len, &threats, &back, &d);
	if (err != PT_OK || back.n != s->n || back.method != s->method) {
		fprintf(stderr, "round trip: %s (line %ld, %s)\n", d.msg, d.line, d.field);
		__builtin_trap();
	}
	for (i = 0; i < s->n; i++)
		if (!same_row(s, &back, i))
			__builtin_trap();
	pt_assessment_set_clear(&back);
	free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_assessment_set set;
	struct pt_catalog cat;
	struct pt_diag d;
	char **keys = NULL, **values = NULL;
	size_t n = 0;
	enum pt_err err;
	setup();

	memset(&set, 0, sizeof set);
	memset(&d, 0, sizeof d);
	err = pt_assessments_read_csv((const char *)data, size, &threats, &set, &d);
	if (err != PT_OK && (set.n || set.fema || set.carver || set.quant || !d.msg[0]))
		__builtin_trap();
	if (err == PT_OK)
		round_trip(&set);
	pt_assessment_set_clear(&set);

	memset(&cat, 0, sizeof cat);
	memset(&d, 0, sizeof d);
	err = pt_catalog_read_csv((const char *)data, size, &cat, &d);
	if (err != PT_OK && (cat.n || !d.msg[0]))
		__builtin_trap();
	pt_catalog_clear(&cat);

	memset(&d, 0, sizeof d);
	err = pt_settings_read_csv((const char *)data, size, &keys, &values, &n, &d);
	if (err != PT_OK && (keys || values || n || !d.msg[0]))
		__builtin_trap();
	if (err == PT_OK)
		apply_settings(keys, values, n);
	pt_settings_free(keys, values, n);
	return 0;
}
