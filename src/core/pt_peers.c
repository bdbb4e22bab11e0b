/* pt_peers.c - percentiles among peers and a measure's effect on assessment rows. */
#include "pt_peers.h"

#include <math.h>
#include <string.h>

double pt_peer_percentile(const double *values, size_t n, double x)
{
	size_t below = 0, equal = 0, i;
	if (!n)
		return NAN;
	for (i = 0; i < n; i++) {
		below += values[i] < x;
		equal += values[i] == x;
	}
	return 100.0 * ((double)below + 0.5 * (double)equal) / (double)n;
}

size_t pt_what_if_fema(struct pt_fema_row *rows, size_t n, const char *site_id,
		       const struct pt_catalog *threats, const double *v)
{
	size_t i, changed = 0;
	for (i = 0; i < n; i++) {
		long t;
		int nv;
		if (strcmp(rows[i].site_id, site_id) != 0 ||
		    (t = pt_catalog_find(threats, rows[i].threat_id)) < 0 || !(v[t] > 0))
			continue;
		nv = (int)lround((double)rows[i].vulnerability_rating * (1.0 - v[t]));
		if (nv < 1)
			nv = 1;
		if (nv != rows[i].vulnerability_rating) {
			rows[i].vulnerability_rating = nv;
			changed++;
		}
	}
	return changed;
}

static void scale(struct pt_range *r, double f)
{
	r->min *= f;
	r->mode *= f;
	r->max *= f;
}

size_t pt_what_if_quant(struct pt_quant_row *rows, size_t n, const char *site_id,
			const struct pt_catalog *threats, const double *v, const double *c)
{
	size_t i, changed = 0;
	for (i = 0; i < n; i++) {
		long t;
		if (strcmp(rows[i].site_id, site_id) != 0 ||
		    (t = pt_catalog_find(threats, rows[i].threat_id)) < 0 || !(v[t] > 0 || c[t] > 0))
			continue;
		scale(&rows[i].var[PT_QV_P_SUCCESS], 1.0 - v[t]);
		scale(&rows[i].var[PT_QV_FATALITIES], 1.0 - c[t]);
		scale(&rows[i].var[PT_QV_INJURIES], 1.0 - c[t]);
		scale(&rows[i].var[PT_QV_LOSS_EUR], 1.0 - c[t]);
		changed++;
	}
	return changed;
}
