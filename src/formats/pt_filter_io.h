/* pt_filter_io.h - issue 16 item 5: a filter (core/pt_site_filter.h) as the answers echo
 * it ("filter": {...}) and as a key for the server's cache of answers. */
#ifndef PT_FILTER_IO_H
#define PT_FILTER_IO_H

#include <jansson.h>

#include "../core/pt_site_filter.h"

/**
 * The filter as an object: one member per field given, an array of its
 * values as given ({"sector": ["health"], "tlp": ["AMBER+STRICT"]}); with
 * an owner, "owner_ids": the organisation ids its values resolved to (once
 * checked). {} for NULL or no filter. A new reference, NULL on ENOMEM.
 */
json_t *pt_site_filter_json(const struct pt_site_filter *f);

/**
 * Append to buf (size bytes, NUL-ended, PT_ELIMIT when it does not fit) a
 * text that differs for any two filters that keep different sites for the
 * same caller: the values of each field, and mine_org for the value
 * "mine" (the caller's organisation, which the text alone does not say).
 */
enum pt_err pt_site_filter_key(const struct pt_site_filter *f, long long mine_org, char *buf,
			       size_t size);

#endif
