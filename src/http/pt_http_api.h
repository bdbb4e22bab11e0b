/* pt_http_api.h - the handlers of the JSON API and what they share: the
 * caller's session, the access checks (delegated to src/core/pt_access), record <-> JSON. */
#ifndef PT_HTTP_API_H
#define PT_HTTP_API_H

#include <jansson.h>

#include "../core/pt_access.h"
#include "../core/pt_model.h"
#include "../formats/pt_assess_io.h"
#include "../formats/pt_site_json.h"
#include "pt_http_int.h"

#define PT_CSRF_HEADER "X-CSRF-Token"
#define PT_SESSION_COOKIE "pt_session"
#define PT_LIST_LIMIT_DEFAULT 100 /**< items per page when limit is not given */
#define PT_LIST_LIMIT_MAX 1000    /**< largest limit */
#define PT_LIST_OFFSET_MAX 10000000ULL
#define PT_PATCH_ROWS_MAX 200     /**< assessment rows in one PATCH */

/**
 * Find the caller's session from its cookie; 0 with r->session set, or
 * nonzero after replying 401 (no or expired session) or 500.
 */
int pt_api_session_check(struct pt_req *r);
/** Compare X-CSRF-Token with the session's token; 0, or nonzero after replying 403. */
int pt_api_csrf_check(struct pt_req *r);

/**
 * May the caller of r import kind at all (issue 10)? Asked when the headers
 * are in, before the body: 0, or 1 after replying 403 (the same answer
 * whatever the body would hold).
 */
int pt_api_import_check(struct pt_req *r, enum pt_import_kind kind);
/** Release what the request's session holds (called at completion). */
void pt_api_request_done(struct pt_req *r);
/** Make r->db act for the caller (pt_db_set_actor), before the handler runs. */
void pt_api_prepare_db(struct pt_req *r);
/**
 * The request's caller for src/app: the session's principal and user name
 * ("anonymous" and no rights without a session), the wall clock, reads
 * audited, snapshots from the server's cache.
 */
void pt_api_caller(const struct pt_req *r, struct pt_caller *c);

/**
 * pt_api_caller, taking its snapshots from snap, the request's own snapshot (the one its
 * view and cache key were worked out from): src is the caller's storage for the source and
 * must outlive c; snap stays the caller's (each use case retains its own reference).
 */
void pt_api_caller_snapshot(const struct pt_req *r, struct pt_snapshot *snap,
			    struct pt_snapshot_source *src, struct pt_caller *c);

#define PT_VIEW_KEY_SITES_MAX 20000 /**< above this many sites, views are not cached */

/** The caller's view of a sites snapshot, and the cache key it gives. */
struct pt_view {
	unsigned char *bits; /**< per site of the snapshot: 1 visible, 2 writable */
	size_t n;
	char *key;           /**< "PREFIX#hex of the bits", NULL when not cacheable */
};

/**
 * Work out the caller's view of snap (with_write: writable bits too) and
 * its cache key prefix#bits. 0, or nonzero after replying 500. Free with
 * pt_api_view_clear.
 */
int pt_api_view(struct pt_req *r, const struct pt_snapshot *snap, const char *prefix,
		int with_write, struct pt_view *v);
/** Free what pt_api_view made. */
void pt_api_view_clear(struct pt_view *v);

/** The list page of the request: limit and offset query parameters with their defaults. */
void pt_api_page(const struct pt_req *r, size_t *limit, size_t *offset);
/** {"items": items, "next_offset": N|null, "total": total} (steals items). */
json_t *pt_api_list(json_t *items, size_t offset, size_t shown, size_t total);

/* issue 16 item 5: the filter of a ranking, register, plan or sites list (pt_http_filter.c) */
struct pt_site_filter;
/**
 * Fill f (zeroed by the caller; pt_site_filter_clear after) from the
 * request's declared filter parameters (sector, region, kind, owner, band,
 * tlp; each a PT_V_QUERY_LIST). 0, or nonzero after replying 400 naming the
 * field (a value the filter refuses) or 500.
 */
int pt_api_filter_or_reply(struct pt_req *r, struct pt_site_filter *f);
/**
 * A new string (the caller frees it): prefix followed by f's cache key text
 * (pt_site_filter_key, "mine" as the caller's organisation). NULL on ENOMEM.
 */
char *pt_api_filter_prefix(const struct pt_req *r, const char *prefix,
			   const struct pt_site_filter *f);

/** Nonzero when the request asks for ?format=csv (issue 16 item 5). */
int pt_api_wants_csv(const struct pt_req *r);
/**
 * The CSV page of the request: from offset, at most limit rows when limit
 * is given, else every row (a download of what the filter shows).
 */
void pt_api_csv_page(const struct pt_req *r, size_t *limit, size_t *offset);
/**
 * Reply 200 with the CSV buf[0, len) (taken over: freed by the reply) as
 * text/csv, a download named filename (Content-Disposition: attachment).
 */
void pt_api_reply_csv(struct pt_req *r, char *buf, size_t len, const char *filename);

/* Records as JSON: src/formats/pt_site_json.h. */

/* Handlers (one per route). */
void pt_h_session_post(struct pt_req *r);
void pt_h_session_get(struct pt_req *r);
void pt_h_session_delete(struct pt_req *r);
/* The second factor (issue 10): the log-in's second step, enrolment (pt_http_session.c). */
void pt_h_session_second_factor(struct pt_req *r);
void pt_h_session_enrolment(struct pt_req *r);
void pt_h_account_second_factor(struct pt_req *r);
void pt_h_account_second_factor_confirm(struct pt_req *r);
void pt_h_sites_list(struct pt_req *r);
void pt_h_site_get(struct pt_req *r);
void pt_h_site_patch(struct pt_req *r);
void pt_h_assessments_get(struct pt_req *r);
void pt_h_assessment_get(struct pt_req *r);
void pt_h_assessment_patch(struct pt_req *r);
void pt_h_readers_get(struct pt_req *r);
void pt_h_reader_post(struct pt_req *r);
void pt_h_reader_delete(struct pt_req *r);
void pt_h_ranking(struct pt_req *r);
void pt_h_matrix(struct pt_req *r);
void pt_h_import_sites(struct pt_req *r);
void pt_h_import_assessments(struct pt_req *r);
void pt_h_catalog(struct pt_req *r);
void pt_h_threat_level_get(struct pt_req *r);
void pt_h_threat_level_put(struct pt_req *r);
void pt_h_orgs_list(struct pt_req *r);
void pt_h_org_post(struct pt_req *r);
void pt_h_org_patch(struct pt_req *r);
void pt_h_users_list(struct pt_req *r);
void pt_h_user_post(struct pt_req *r);
void pt_h_user_patch(struct pt_req *r);
void pt_h_password_reset_approve(struct pt_req *r);
void pt_h_audit_list(struct pt_req *r);
/* Measures, plans and the risk register (pt_http_plan.c). */
void pt_h_measures_list(struct pt_req *r);
void pt_h_site_measures(struct pt_req *r);
void pt_h_plan_get(struct pt_req *r);
void pt_h_plan_report(struct pt_req *r);
void pt_h_plans_list(struct pt_req *r);
void pt_h_plan_saved_get(struct pt_req *r);
void pt_h_plan_post(struct pt_req *r);
void pt_h_register_list(struct pt_req *r);
void pt_h_register_set(struct pt_req *r);
void pt_h_register_approve(struct pt_req *r);
/* issue 11, item 7: POST /api/v1/sites/{id}/measures/{measure}/STEP (approve, accept,
 * decline, install, verify: the route's last segment) and POST
 * /api/v1/plans/{name}/withdraw (pt_http_states.c) */
/** Take a step of a measure at a site: 200 the row, 403, 404, 409 (wrong state). */
void pt_h_site_measure_step(struct pt_req *r);
/* issue 16, item 4: the owner commits its own measure (pt_http_states.c) */
void pt_h_site_measure_commit(struct pt_req *r);
/** Withdraw a saved plan: 200 {name, state, removed, kept}, 403, 404, 409 (withdrawn already). */
void pt_h_plan_withdraw(struct pt_req *r);
void pt_h_register_history(struct pt_req *r);
/* issue 15: the after-action report of an exercise run (pt_http_run_report.c; docs/api.md,
 * "After-action report") */
/** GET /api/v1/runs/{id}/report?format=html|csv. */
void pt_h_run_report(struct pt_req *r);
/** POST /api/v1/runs/{id}/improvements/{item}/measure {"site_id", "measure_id"}. */
void pt_h_run_improvement_measure(struct pt_req *r);
/** POST /api/v1/runs/{id}/improvements/{item}/register {"site_id", "threat_id"} (both optional). */
void pt_h_run_improvement_register(struct pt_req *r);
/** POST /api/v1/runs/{id}/improvements/{item}/status {"status"}: the facilitators' status of an item. */
void pt_h_run_improvement_status(struct pt_req *r);
/* issue 12: resilience (pt_http_resilience.c) */
/** GET /api/v1/cascade?fail=ID,ID&repair_hours=H&hours=H: the cascade (compute pool). */
void pt_h_cascade(struct pt_req *r);
/** GET /api/v1/spof?top=K: the single-points-of-failure sweep (compute pool). */
void pt_h_spof(struct pt_req *r);
/** GET /api/v1/dependencies: the dependencies the caller may see, paged, with withheld. */
void pt_h_dependencies_list(struct pt_req *r);
/** GET /api/v1/sites/{id}/dependencies: a site's providers and consumers (404 unreadable). */
void pt_h_site_dependencies(struct pt_req *r);
/** POST /api/v1/imports/dependencies: a dependencies CSV, all or nothing. */
void pt_h_import_dependencies(struct pt_req *r);
/** DELETE /api/v1/dependencies/{provider}/{consumer} (review of issue 12): 404 hidden or missing, 403 not the consumer's writer. */
void pt_h_dependency_delete(struct pt_req *r);
/* issue 16 item 3: attachments of a site or survey (pt_http_attachments.c; docs/api.md) */
/** POST /api/v1/sites/{id}/attachments?name=&caption=&survey=&people=: a JPEG, PNG or PDF body (201). */
void pt_h_attachment_upload(struct pt_req *r);
/** GET /api/v1/sites/{id}/attachments?survey=N: the site's (or a survey's) attachments (404 unreadable). */
void pt_h_attachments_list(struct pt_req *r);
/** GET /api/v1/attachments/{id}: the stored bytes as a download (404 unreadable). */
void pt_h_attachment_get(struct pt_req *r);
/** DELETE /api/v1/attachments/{id}: 404 unreadable, 403 not the site's writer. */
void pt_h_attachment_delete(struct pt_req *r);
/* issue 13: public alerts (pt_http_alerts.c; docs/api.md, "Public alerts") */
/** GET /api/v1/alert-templates: the built-in templates, raw texts. */
void pt_h_alert_templates(struct pt_req *r);
/** POST /api/v1/alerts/preview: compose a new message, an update or a cancel; nothing stored. */
void pt_h_alert_preview(struct pt_req *r);
/** POST /api/v1/alerts: compose a new Alert (201: pending for Actual, else issued). */
void pt_h_alert_post(struct pt_req *r);
/** POST /api/v1/alerts/{id}/update: an Update of the chain's latest message (201; 409 not the latest). */
void pt_h_alert_update(struct pt_req *r);
/** POST /api/v1/alerts/{id}/cancel: a Cancel of the chain's latest message (201; 409). */
void pt_h_alert_cancel(struct pt_req *r);
/** POST /api/v1/alerts/{id}/approve: issue a pending message (403 code same_person for its composer). */
void pt_h_alert_approve(struct pt_req *r);
/** POST /api/v1/alerts/{id}/reject: withdraw a pending message. */
void pt_h_alert_reject(struct pt_req *r);
/** GET /api/v1/alerts: the messages the caller may read, newest first. */
void pt_h_alerts_list(struct pt_req *r);
/** GET /api/v1/alerts/{id}: one message with its bytes. */
void pt_h_alert_get(struct pt_req *r);
/** GET /api/v1/alerts/{id}/cap: the message's bytes (application/cap+xml). */
void pt_h_alert_cap(struct pt_req *r);
/* issue 14: the mass-casualty simulation (pt_http_simulate.c; docs/api.md, "Simulations") */
/** POST /api/v1/simulations: run a scenario (or a site's) in the compute pool; the summary. */
void pt_h_simulate(struct pt_req *r);
/* issue 15: exercise runs (pt_http_runs.c; the stream pt_http_live.c; docs/api.md, "Exercise runs") */
/** GET /api/v1/exercises: the built-in exercise scenarios (no injects). */
void pt_h_exercises(struct pt_req *r);
/** GET /api/v1/runs: the runs the caller may see, newest first, paged. */
void pt_h_runs_list(struct pt_req *r);
/** POST /api/v1/runs: create a run from a built-in or uploaded scenario (201 the run). */
void pt_h_run_create(struct pt_req *r);
/** GET /api/v1/runs/{id}: the run as the caller may see it (404 hidden or missing). */
void pt_h_run_get(struct pt_req *r);
/** POST /api/v1/runs/{id}/participants: assign a user (201). */
void pt_h_run_assign(struct pt_req *r);
/** DELETE /api/v1/runs/{id}/participants/{user}?role=: unassign (204). */
void pt_h_run_unassign(struct pt_req *r);
/** POST /api/v1/runs/{id}/{start|pause|resume|shift|speed|endex|suspend} (the route's last segment): the change. */
void pt_h_run_clock(struct pt_req *r);
/** POST /api/v1/runs/{id}/injects/{seq}/{trigger|skip|done}: the change. */
void pt_h_run_inject(struct pt_req *r);
/** POST /api/v1/runs/{id}/injects/{seq}/responses: a player's response (201 the change). */
void pt_h_run_respond(struct pt_req *r);
/** POST /api/v1/runs/{id}/decisions: a player's decision (201 the change). */
void pt_h_run_decide(struct pt_req *r);
/** POST /api/v1/runs/{id}/log: an ICS 214 entry (201 {"id"}). */
void pt_h_run_log(struct pt_req *r);
/** POST /api/v1/runs/{id}/observations: an evaluator's observation (201 {"id"}). */
void pt_h_run_observe(struct pt_req *r);
/** POST /api/v1/runs/{id}/ratings: a rating, or the facilitator's final one (200). */
void pt_h_run_rate(struct pt_req *r);
/** POST /api/v1/runs/{id}/improvements: an improvement plan item (201 {"id"}). */
void pt_h_run_improve(struct pt_req *r);
/** POST /api/v1/runs/{id}/alerts: the run's PIO issues an Exercise alert (pt_http_alerts.c; 201 ALERT). */
void pt_h_run_alert(struct pt_req *r);
/** GET /api/v1/runs/{id}/events: the Server-Sent Events stream (pt_http_live.c). */
void pt_h_run_events(struct pt_req *r);
/** GET /alerts.atom, no log-in: the public feed (kept, ETag, rate-limited). */
void pt_h_alerts_feed(struct pt_req *r);
/** GET /alerts/ID.cap, no log-in: an issued Actual message's bytes, else 404 (kept, rate-limited). */
void pt_h_alerts_cap_public(struct pt_req *r);

/* issue 16, item 8: critical entities under the CER Directive (pt_http_cer.c) */
void pt_h_cer_list(struct pt_req *r);
void pt_h_cer_put(struct pt_req *r);
void pt_h_cer_delete(struct pt_req *r);
void pt_h_withheld(struct pt_req *r); /* pt_http_withheld.c */
/* issue 16, item 7: peers and what-if (pt_http_peers.c) */
void pt_h_site_peers(struct pt_req *r);
void pt_h_site_what_if(struct pt_req *r);

/* ---- issue 16 item 3: surveys (pt_http_surveys.c) ---- */
/** GET /api/v1/questionnaires/{kind}: the current questionnaire of a kind of site (CLEAR). */
void pt_h_questionnaire_get(struct pt_req *r);
/** GET /api/v1/sites/{id}/surveys: the site's visits, newest first, marked with its label. */
void pt_h_site_surveys(struct pt_req *r);
/** POST /api/v1/sites/{id}/surveys {"method", "visited_on"}: start a visit (201 the visit). */
void pt_h_site_survey_post(struct pt_req *r);
/** GET /api/v1/surveys/{id}: a visit with answers, proposals, ratings, findings. */
void pt_h_survey_get(struct pt_req *r);
/** PATCH /api/v1/surveys/{id}/answers {"answers": [{"question_id", "answer"}]}: the visit. */
void pt_h_survey_answers(struct pt_req *r);
/** PATCH /api/v1/surveys/{id}/ratings {"items": [...]}: the visit. */
void pt_h_survey_ratings(struct pt_req *r);
/** POST /api/v1/surveys/{id}/confirm: a second person confirms (200 the visit). */
void pt_h_survey_confirm(struct pt_req *r);
/* issue 16 item 6: history and comparison (pt_http_history.c) */
/** GET /api/v1/snapshots: every snapshot's summary (a page), can_take. */
void pt_h_snapshots_list(struct pt_req *r);
/** POST /api/v1/snapshots {"name", "method"?}: take one (201 its summary). */
void pt_h_snapshot_post(struct pt_req *r);
/** GET /api/v1/snapshots/{id}?method=: its rows the caller may read, marked. */
void pt_h_snapshot_get(struct pt_req *r);
/** DELETE /api/v1/snapshots/{id}: delete it (government admins). */
void pt_h_snapshot_delete(struct pt_req *r);
/** GET /api/v1/compare?from=ID&to=ID|now&method=&threat_level=: the comparison, marked. */
void pt_h_compare(struct pt_req *r);

#endif
