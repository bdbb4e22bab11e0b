/* fuzz_measures.c - libFuzzer target of the measure catalogue readers: the
 * input (or its part before a line "%%") as measures.csv, then the input (or
 * the part after "%%") as measure_effects.csv, with round trips of what they accept. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_diag.h"
#include "formats/pt_measures_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pt_catalogs cat;
static struct pt_measure_catalog base; /* measures every effects file may name */
static int ready;

static void add(struct pt_catalog *c, const char *id)
{
	struct pt_catalog_entry e;
	memset(&e, 0, sizeof e);
	pt_strlcpy(e.id, id, sizeof e.id);
	pt_strlcpy(e.name, id, sizeof e.name);
	if (pt_catalog_append(c, &e) != PT_OK)
		abort();
}

static void add_measure(const char *id)
{
	struct pt_measure m;
	memset(&m, 0, sizeof m);
	pt_strlcpy(m.id, id, sizeof m.id);
	pt_strlcpy(m.name, id, sizeof m.name);
	m.lifetime_years = 10;
	pt_strlcpy(m.kinds, "*", sizeof m.kinds);
	pt_strlcpy(m.sectors, "*", sizeof m.sectors);
	if (pt_measure_catalog_add(&base, &m) != PT_OK)
		abort();
}

static void setup(void)
{
	if (ready)
		return;
	add(&cat.kinds, "critical_infrastructure");
	add(&cat.kinds, "soft_target");
	add(&cat.kinds, "public_space");
	add(&cat.sectors, "energy");
	add(&cat.sectors, "stadium_arena");
	add(&cat.sectors, "public_square");
	add(&cat.threats, "vehicle_ramming");
	add(&cat.threats, "pbied");
	add(&cat.threats, "arson");
	add_measure("cctv");
	add_measure("hvm_bollards");
	ready = 1;
}

static int same(const struct pt_measure *a, const struct pt_measure *b)
{
	int r;
	for (r = 0; r < PT_RIGHT_COUNT; r++)
		if (a->rights[r] != b->rights[r])
			return 0;
	return strcmp(a->id, b->id) == 0 && strcmp(a->name, b->name) == 0 &&
	       a->family == b->family && a->capex_eur == b->capex_eur &&
	       a->opex_eur_year == b->opex_eur_year && a->lifetime_years == b->lifetime_years &&
	       a->legal_basis == b->legal_basis && a->removes_step_free == b->removes_step_free &&
	       strcmp(a->kinds, b->kinds) == 0 && strcmp(a->sectors, b->sectors) == 0 &&
	       strcmp(a->exclusive_group, b->exclusive_group) == 0 &&
	       strcmp(a->description, b->description) == 0;
}

/* Write c (effects when effects is set) and read it back; trap on a difference. */
static void round_trip(const struct pt_measure_catalog *c, const struct pt_measure_catalog *known,
		       int effects)
{
	struct pt_measure_catalog back;
	struct pt_diag d;
	char *mem = NULL;
	size_t len = 0, i;
	enum pt_err err;
	FILE *f = open_memstream(&mem, &len);
	if (!f)
		return;
	err = effects ? pt_measure_effects_write_csv(f, c) : pt_measures_write_csv(f, c);
	if (fclose(f) != 0 || err != PT_OK) {
		free(mem);
		return; /* out of memory is allowed */
	}
	memset(&back, 0, sizeof back);
	memset(&d, 0, sizeof d);
	if (effects)
		err = pt_measure_effects_read_csv(mem, len, &cat.threats, known, &back, &d);
	else
		err = pt_measures_read_csv(mem, len, &cat, &back, &d);
	if (err != PT_OK) {
		fprintf(stderr, "round trip: %s (line %ld, %s)\n", d.msg, d.line, d.field);
		__builtin_trap();
	}
	if (effects) {
		if (back.n_effects != c->n_effects)
			__builtin_trap();
		for (i = 0; i < c->n_effects; i++)
			if (strcmp(c->effects[i].measure_id, back.effects[i].measure_id) != 0 ||
			    strcmp(c->effects[i].threat_id, back.effects[i].threat_id) != 0 ||
			    c->effects[i].v_reduction != back.effects[i].v_reduction ||
			    c->effects[i].c_reduction != back.effects[i].c_reduction)
				__builtin_trap();
	} else {
		if (back.n != c->n)
			__builtin_trap();
		for (i = 0; i < c->n; i++)
			if (!same(&c->items[i], &back.items[i]))
				__builtin_trap();
	}
	pt_measure_catalog_clear(&back);
	free(mem);
}

/* Read text as effects into c (its measures and base known); check all-or-nothing. */
static void effects(const char *text, size_t len, struct pt_measure_catalog *c)
{
	struct pt_diag d;
	size_t before = c->n_effects, i;
	enum pt_err err;
	char msg[2048];
	memset(&d, 0, sizeof d);
	err = pt_measure_effects_read_csv(text, len, &cat.threats, &base, c, &d);
	if (err == PT_OK)
		for (i = 0; i < base.n; i++) /* so that the copy reads back against c alone */
			if (pt_measure_catalog_find(c, base.items[i].id) < 0 &&
			    pt_measure_catalog_add(c, &base.items[i]) != PT_OK)
				return;
	if (err != PT_OK) {
		if (c->n_effects != before || !d.msg[0])
			__builtin_trap();
		pt_diag_format(&d, msg, sizeof msg);
		return;
	}
	round_trip(c, c, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *split = NULL;
	size_t i, mlen = size;
	struct pt_measure_catalog c;
	struct pt_diag d;
	enum pt_err err;
	char msg[2048];
	setup();
	for (i = 0; i + 4 <= size; i++)
		if (memcmp(text + i, "\n%%\n", 4) == 0) {
			split = text + i + 4;
			mlen = i + 1;
			break;
		}
	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	err = pt_measures_read_csv(text, mlen, &cat, &c, &d);
	if (err != PT_OK) {
		if (c.n || c.items || !d.msg[0])
			__builtin_trap(); /* all-or-nothing, and a reason */
		pt_diag_format(&d, msg, sizeof msg);
	} else {
		round_trip(&c, NULL, 0);
	}
	if (split)
		effects(split, size - (size_t)(split - text), &c);
	else
		effects(text, size, &c);
	pt_measure_catalog_clear(&c);
	return 0;
}
