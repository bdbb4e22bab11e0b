/* fuzz_sites.h - what the sites fuzz targets share (fuzz_sites, fuzz_geojson): a
 * small catalogue and the write-and-read-back round trips of what a reader accepted. */
#ifndef FUZZ_SITES_H
#define FUZZ_SITES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_diag.h"
#include "formats/pt_sites_io.h"

static struct pt_catalogs cat;
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

static void setup(void)
{
	if (ready)
		return;
	add(&cat.kinds, "critical_infrastructure");
	add(&cat.kinds, "soft_target");
	add(&cat.kinds, "public_space");
	add(&cat.sectors, "energy");
	add(&cat.sectors, "health");
	add(&cat.sectors, "stadium_arena");
	add(&cat.sectors, "public_square");
	ready = 1;
}

static int same(const struct pt_site *a, const struct pt_site *b)
{
	return strcmp(a->id, b->id) == 0 && strcmp(a->name, b->name) == 0 &&
	       strcmp(a->kind, b->kind) == 0 && strcmp(a->sector, b->sector) == 0 &&
	       strcmp(a->owner, b->owner) == 0 && a->lat == b->lat && a->lon == b->lon &&
	       strcmp(a->region, b->region) == 0 && a->capacity == b->capacity &&
	       a->peak_occupancy == b->peak_occupancy &&
	       a->population_served == b->population_served &&
	       a->economic_value_eur == b->economic_value_eur && a->tlp == b->tlp;
}

/* Write l with writer (1 CSV, 2 GeoJSON, 3 JSON); read 1 and 2 back; trap on a difference. */
static void round_trip(const struct pt_site_list *l, int writer)
{
	struct pt_site_list back;
	struct pt_diag d;
	char *mem = NULL;
	size_t len = 0, i;
	enum pt_err err;
	FILE *f = open_memstream(&mem, &len);
	if (!f)
		return;
	if (writer == 1)
		err = pt_sites_write_csv(f, l->items, l->n);
	else if (writer == 2)
		err = pt_sites_write_geojson(f, l->items, l->n);
	else
		err = pt_sites_write_json(f, l->items, l->n);
	if (fclose(f) != 0 || err != PT_OK) {
		free(mem);
		return; /* out of memory is allowed */
	}
	memset(&back, 0, sizeof back);
	memset(&d, 0, sizeof d);
	if (writer == 1)
		err = pt_sites_read_csv(mem, len, &cat, &back, &d);
	else if (writer == 2)
		err = pt_sites_read_geojson(mem, len, &cat, &back, &d);
	else
		err = PT_OK;
	if (writer != 3) {
		if (err != PT_OK || back.n != l->n) {
			fprintf(stderr, "round trip %d: %s (line %ld, %s)\n", writer, d.msg, d.line,
				d.field);
			__builtin_trap();
		}
		for (i = 0; i < l->n; i++)
			if (!same(&l->items[i], &back.items[i]))
				__builtin_trap();
	}
	pt_site_list_clear(&back);
	free(mem);
}

/* Round trips of an accepted list through every writer; frees l. */
static void check_accepted(struct pt_site_list *l)
{
	round_trip(l, 1);
	round_trip(l, 2);
	round_trip(l, 3);
	pt_site_list_clear(l);
}

/* A refused input: nothing kept, a reason given (and formattable). */
static void check_refused(const struct pt_site_list *l, const struct pt_diag *d)
{
	char msg[2048];
	if (l->n || l->items || !d->msg[0])
		__builtin_trap(); /* all-or-nothing, and a reason */
	pt_diag_format(d, msg, sizeof msg);
}

#endif
