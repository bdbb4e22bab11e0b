/* pt_app_alerts_int.h - what the files of the alerts use cases share
 * (pt_app_alerts.c, pt_app_alerts_compose.c); nothing outside src/app sees it. */
#ifndef PT_APP_ALERTS_INT_H
#define PT_APP_ALERTS_INT_H

#include "../store/pt_alert_store.h"
#include "pt_app_alerts.h"

/** Add warning code/msg to r (dropped past PT_APP_ALERT_WARN_MAX). */
void pt_app_alert_warn(struct pt_app_alert *r, const char *code, const char *msg);

/** SHA-256 of buf[0, len) in lower-case hex. */
void pt_app_alert_sha256(const char *buf, size_t len, char hex[65]);

/** One language's cell-broadcast figures: headline + "\n" + instruction against max_pages. */
void pt_app_alert_cb_fill(struct pt_app_alert_cb *cb, const char *lang, const char *headline,
			  const char *instruction, unsigned max_pages);

/** The site id as c may read it (a copy); PT_ENOTFOUND field "site" otherwise. */
enum pt_err pt_app_alert_site(const struct pt_caller *c, struct pt_db *db, const char *id,
			      struct pt_site *out, struct pt_diag *d);

/** Stored message id as c may read it (PT_ENOTFOUND otherwise), its site's name into site_name. */
enum pt_err pt_app_alert_read_row(const struct pt_caller *c, struct pt_db *db, const char *id,
				  int with_xml, struct pt_db_alert *out, char *site_name,
				  size_t site_name_size, struct pt_diag *d);

/** A result from stored row a (its bytes moved), cell-broadcast figures read from them when with_cb. */
enum pt_err pt_app_alert_result(struct pt_db_alert *a, const char *site_name, int64_t now,
				unsigned cb_pages, int with_cb, struct pt_app_alert **out,
				struct pt_diag *d);

/**
 * issue 15: compose and issue a new alert of status Exercise (o->status set
 * to it, else PT_EINVAL field "status") from within exercise run run, as
 * pt_app_alert_new does otherwise: the right to compose is
 * pt_access_alert_compose_exercise (the run's pio player, whatever its
 * system role) instead of pt_access_alert_compose. In the caller's open
 * transaction when there is one. Refusals are not audited here (the run's
 * use case does it).
 */
enum pt_err pt_app_alert_new_exercise(const struct pt_caller *c, struct pt_db *db,
				      const struct pt_app_alert_opts *o,
				      const struct pt_run_access *run, struct pt_app_alert **out,
				      struct pt_diag *d);

#endif
