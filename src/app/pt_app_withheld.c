/* pt_app_withheld.c - the sites a government coordinator may not read, counted by sector and
 * band with small counts suppressed (issue 16, item 8; docs/access.md, "Counts of hidden
 * records"). */
#include "pt_app_withheld.h"

#include <stdlib.h>
#include <string.h>

#include "../core/pt_access.h"
#include "../core/pt_disclosure.h"
#include "../core/pt_ranking_core.h"
#include "../core/pt_score.h"
#include "../formats/pt_diag.h"
#include "pt_app_audit.h"
#include "pt_app_ranking.h"

static const char *const band_ids[PT_WITHHELD_BANDS] = {"low", "medium", "high", "very high",
							 "not assessed"};

void pt_withheld_totals_clear(struct pt_withheld_totals *t)
{
	if (!t)
		return;
	free(t->sectors);
	memset(t, 0, sizeof *t);
}

/* Suppress the small counts of cells[0..n). */
static enum pt_err suppress(struct pt_withheld_cell *cells, size_t n, struct pt_diag *d)
{
	size_t *counts = calloc(n ? n : 1, sizeof *counts);
	unsigned char *hide = calloc(n ? n : 1, 1);
	size_t i;
	if (!counts || !hide) {
		free(counts);
		free(hide);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	for (i = 0; i < n; i++)
		counts[i] = cells[i].count;
	pt_disclosure_suppress(counts, n, PT_DISCLOSURE_MIN, hide);
	for (i = 0; i < n; i++)
		if (hide[i]) {
			cells[i].suppressed = 1;
			cells[i].count = 0;
		}
	free(counts);
	free(hide);
	return PT_OK;
}

enum pt_err pt_app_withheld_totals(const struct pt_caller *c, struct pt_db *db,
				   enum pt_method method, struct pt_withheld_totals *out,
				   struct pt_diag *d)
{
	struct pt_ranking_opts o;
	struct pt_ranking *r = NULL;
	struct pt_snapshot *snap = NULL;
	unsigned char *bits = NULL;
	enum pt_band *band_of = NULL;
	enum pt_err err;
	size_t i, k;

	memset(out, 0, sizeof *out);
	out->method = method;
	if (pt_access_hidden_counts(&c->who) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "",
				   "only government coordinators are told about the sites they may "
				   "not read");
	if (method == PT_METHOD_CARVER)
		return pt_diag_set(d, PT_EINVAL, 0, "method",
				   "carver measures attractiveness, not risk: use fema or quant");
	if (!(snap = pt_app_snapshot(c, db, d)))
		return d->msg[0] ? PT_EDB : pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	memset(&o, 0, sizeof o);
	o.method = method;
	o.samples_set = 1; /* quant: the point estimate (no sampling): a band, not a distribution */
	o.samples = 0;
	o.now = c->now;
	if ((err = pt_ranking_run(db, &o, &r, d)) != PT_OK)
		goto out;
	if (!(bits = calloc(snap->sites.n ? snap->sites.n : 1, 1)) ||
	    !(band_of = calloc(r->sites.n ? r->sites.n : 1, sizeof *band_of)) ||
	    !(out->sectors = calloc(r->cat.sectors.n ? r->cat.sectors.n : 1, sizeof *out->sectors))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	pt_app_view_bits(c, snap, 0, bits);
	for (i = 0; i < r->n_rows; i++)
		band_of[r->rows[i].site] = r->rows[i].band;
	out->n_sectors = r->cat.sectors.n;
	for (k = 0; k < out->n_sectors; k++) {
		pt_strlcpy(out->sectors[k].id, r->cat.sectors.items[k].id, PT_ID_MAX);
		pt_strlcpy(out->sectors[k].name, r->cat.sectors.items[k].name, PT_NAME_MAX);
	}
	for (k = 0; k < PT_WITHHELD_BANDS; k++) {
		pt_strlcpy(out->bands[k].id, band_ids[k], PT_ID_MAX);
		pt_strlcpy(out->bands[k].name, band_ids[k], PT_NAME_MAX);
	}
	for (i = 0; i < snap->sites.n; i++) {
		const struct pt_site *s = &snap->sites.items[i];
		long at;
		enum pt_band b;
		if (bits[i] & 1)
			continue;
		out->total++;
		for (k = 0; k < out->n_sectors; k++)
			if (strcmp(out->sectors[k].id, s->sector) == 0)
				out->sectors[k].count++;
		at = pt_sites_find(r->sites.items, r->sites.n, s->id);
		b = at >= 0 ? band_of[at] : PT_BAND_NONE;
		out->bands[b == PT_BAND_NONE ? 4 : (int)b - 1].count++;
	}
	if ((err = suppress(out->sectors, out->n_sectors, d)) == PT_OK)
		err = suppress(out->bands, PT_WITHHELD_BANDS, d);
out:
	free(bits);
	free(band_of);
	pt_ranking_free(r);
	pt_snapshot_release(snap);
	if (err != PT_OK)
		pt_withheld_totals_clear(out);
	return err;
}
