/* pt_peers_json.h - a site against its peers, and a what-if, as JSON (issue 16, item 7). */
#ifndef PT_PEERS_JSON_H
#define PT_PEERS_JSON_H

#include <jansson.h>

#include "../core/pt_peers.h"

/**
 * {"site_id", "sector", "peer_group" ("sector", or "kind" when its sector has fewer than
 * min_peers other assessed sites), "group" (the sector or kind id), "method", "assessed", "comparable", "min_peers", "peers" (only when
 * v->show_count), "quartiles": {"p25", "p50", "p75"} (null when not comparable),
 * "factors": [{"id", "name", "value", "percentile" (null when fewer than min_peers have it)}],
 * "named_peers": [{"site_id", "name", "score", "band"}]}. New reference, NULL when out of memory.
 */
json_t *pt_json_peer_view(const struct pt_peer_view *v);

/**
 * {"site_id", "method", "measure": {"id", "name"}, "applies", "in_place", "committed",
 * "threats_reduced",
 * "before": STANDING, "after": STANDING, "change": {"score", "rank"}} where STANDING is
 * {"ranked", "score", "rank", "of", "band"} (score, rank and band null when not ranked).
 */
json_t *pt_json_what_if(const struct pt_what_if *w);

#endif
