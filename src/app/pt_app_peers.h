/* pt_app_peers.h - a site against its sector's distribution, and what one measure would
 * change of its risk, rank and band before anyone commits to it (issue 16, item 7). */
#ifndef PT_APP_PEERS_H
#define PT_APP_PEERS_H

#include <stddef.h>

#include "../core/pt_peers.h"
#include "../core/pt_score.h"
#include "pt_app.h"

/** Free what v holds and zero it. */
void pt_peer_view_clear(struct pt_peer_view *v);

/**
 * Site site_id (which c must read: PT_ENOTFOUND otherwise) against the assessed sites of its
 * sector (its peers), by method at the current threat level (quant at its point estimate):
 * the percentile of its score and of each factor (FEMA: the vulnerability of each threat it
 * rated; CARVER: its seven factors; quant: the probability of success of each threat),
 * among every peer, readable or not; peers c may not read are never named, and how many
 * there are is told only as pt_access_hidden_counts allows. Fewer than PT_PEERS_MIN peers:
 * no comparison (comparable 0). Reads are audited as "peers.read" when c's are.
 */
enum pt_err pt_app_site_peers(const struct pt_caller *c, struct pt_db *db, const char *site_id,
			      enum pt_method method, struct pt_peer_view *out, struct pt_diag *d);

/**
 * Site site_id's score, rank (among the sites c may read) and band by method (FEMA or quant:
 * CARVER is PT_EINVAL, it has no risk) at the current threat level, and the same with
 * measure_id added (pt_what_if_fema, pt_what_if_quant: the measure's catalogue effects on
 * the site's rows), computed and never stored. PT_ENOTFOUND for a site c may not read or an
 * unknown measure (field measure).
 */
enum pt_err pt_app_site_what_if(const struct pt_caller *c, struct pt_db *db, const char *site_id,
				const char *measure_id, enum pt_method method,
				struct pt_what_if *out, struct pt_diag *d);

#endif
