/* pt_app_history.h - history of the ranking (issue 16 item 6): take, list, show and delete
 * named snapshots of the ranking's and the register's inputs, and compare two of them (or one
 * with now) at one threat level, each change attributed to its causes. */
#ifndef PT_APP_HISTORY_H
#define PT_APP_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_history.h"
#include "../formats/pt_history_io.h"
#include "pt_app.h"

/**
 * The inputs the ranking and the register's residual risk use now, as the
 * app layer chooses them (the one place a snapshot's content comes from):
 * every site with its access record, the assessment rows that count for
 * FEMA and the quantitative method (pt_ranking_run's), each site's
 * downstream consequence, the measures whose effects apply (committed:
 * accepted, installed, verified, as the register counts them) with their
 * effects, the threat levels in force at now (unix seconds), the settings
 * and the register's decisions. Read in one transaction; every site, not
 * the caller's view (a snapshot is filtered when it is read). out is zeroed
 * first (empty it with pt_hist_inputs_clear). PT_EDB, PT_ENOMEM, PT_ELIMIT.
 */
enum pt_err pt_app_history_inputs(struct pt_db *db, int64_t now, struct pt_hist_inputs *out,
				  struct pt_diag *d);

/**
 * Take a snapshot named name (1-127 characters, no control character;
 * unique: PT_ECONFLICT naming "name") of pt_app_history_inputs at c's clock,
 * shown by method (FEMA or quant; PT_EINVAL naming "method" otherwise), as
 * c: pt_access_snapshot_take, else PT_EFORBIDDEN (audited "refused"). One
 * transaction, audited "snapshot.take". *out: its summary.
 */
enum pt_err pt_app_snapshot_take(const struct pt_caller *c, struct pt_db *db, const char *name,
				 enum pt_method method, struct pt_hist_meta *out,
				 struct pt_diag *d);

/**
 * Every snapshot's summary (name, date, who took it: nothing of what it
 * holds, so every logged-in user may list them), oldest first. *out: free().
 */
enum pt_err pt_app_snapshots_list(const struct pt_caller *c, struct pt_db *db,
				  struct pt_hist_meta **out, size_t *n, struct pt_diag *d);

/**
 * Snapshot id as c may read it: each site's risk then at the snapshot's own
 * threat levels by method (PT_METHOD_CARVER: the snapshot's own method), its
 * band and measures, and the register's decisions, only for the sites c may
 * read then and now (pt_access_history_row), each marked with the stricter
 * label. Reads of AMBER and above audited "snapshot.read". PT_ENOTFOUND.
 */
enum pt_err pt_app_snapshot_show(const struct pt_caller *c, struct pt_db *db, long long id,
				 enum pt_method method, struct pt_hist_view *out,
				 struct pt_diag *d);

/**
 * Delete snapshot id as c (pt_access_snapshot_delete, else PT_EFORBIDDEN,
 * audited "refused"); audited "snapshot.delete". PT_ENOTFOUND.
 */
enum pt_err pt_app_snapshot_delete(const struct pt_caller *c, struct pt_db *db, long long id,
				   struct pt_diag *d);

/**
 * Compare snapshot from_id with snapshot to_id (0: the registry now, at c's
 * clock) by o (pt_hist_compare): the rows c may read under the site's
 * records in each and now (pt_access_history_row), each under the stricter
 * label, with the totals of those rows for the nation, each sector and
 * each region. Reads of AMBER and above audited "snapshot.compare".
 * PT_ENOTFOUND naming "from" or "to"; PT_EINVAL.
 */
enum pt_err pt_app_snapshot_compare(const struct pt_caller *c, struct pt_db *db,
				    long long from_id, long long to_id,
				    const struct pt_hist_compare_opts *o, struct pt_hist_view *out,
				    struct pt_diag *d);

/**
 * The demo's "2025 baseline" (data/demo/README.md, "History"): unless a
 * snapshot of that name exists, install access control at Orrinford General
 * Hospital (VM-012) and store a snapshot dated 365 days before now whose
 * inputs are today's with what the year changed taken back: VM-012 without
 * that measure, the national level SEVERE, Orrinford Central Mosque
 * (VM-036) assessed more vulnerable (its attempts succeeding more often),
 * and Brackwater Harbour Guesthouse (VM-067, registered since) left out.
 * As c (the system administrator), audited.
 */
enum pt_err pt_app_history_demo(const struct pt_caller *c, struct pt_db *db, int64_t now,
				struct pt_diag *d);

#endif
