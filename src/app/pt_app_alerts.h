/* pt_app_alerts.h - public alerts (issue 13): compose a CAP 1.2 message from
 * a template for a site, the two-person rule for status Actual, the
 * Alert -> Update -> Cancel chain, the public feed, and validating a file. */
#ifndef PT_APP_ALERTS_H
#define PT_APP_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_alert_template.h"
#include "../core/pt_cap.h"
#include "../core/pt_model.h"
#include "../formats/pt_alert_json.h"
#include "pt_app.h"

#define PT_APP_ALERT_LIST_MAX 10000  /**< messages one list returns (the newest) */
#define PT_APP_ALERT_FEED_MAX 500    /**< chains in the public feed (the newest) */
#define PT_APP_ALERT_WARN_MAX 16     /**< warnings kept on one result */
#define PT_APP_ALERT_NOTE_MAX 1024   /**< bytes of a note (CAP note) or a reason */

/** Where a message is in the two-person rule. */
enum pt_app_alert_state {
	PT_APP_ALERT_PREVIEW = 0, /**< composed, not stored (a preview) */
	PT_APP_ALERT_PENDING,     /**< status Actual, awaiting a second person's approval */
	PT_APP_ALERT_ISSUED,      /**< issued: its bytes are final */
	PT_APP_ALERT_REJECTED     /**< a pending message the approver (or its composer) withdrew */
};

/** "preview", "pending", "issued", "rejected". */
const char *pt_app_alert_state_name(enum pt_app_alert_state s);

/** What to compose. For an update, unset fields take the previous message's values. */
struct pt_app_alert_opts {
	const char *template_id;   /**< e.g. "armed-attack" (new: required; field "template") */
	const char *site_id;       /**< new: required (field "site"); a site c may read */
	int radius_set;            /**< nonzero: radius_km holds; else the template's */
	double radius_km;          /**< 0.05 to 100 (field "radius_km") */
	const char *const *langs;  /**< xs:language tags of the template (field "lang"); */
	size_t n_langs;            /**< 0: every language of the template (en, mk, sq) */
	int status_set;            /**< nonzero: status holds; else Actual (update: previous) */
	enum pt_cap_status status; /**< Actual, Exercise or Test (field "status") */
	const char *polygon;       /**< NULL, or a CAP polygon replacing the circle (field "polygon") */
	int generic_area;          /**< nonzero: the area description and {site} do not name the
				        site (offered when it is AMBER or above) */
	int duration_set;          /**< nonzero: duration_h holds; else the template's */
	double duration_h;         /**< hours until expires, 0.25 to 168 (field "duration_h") */
	const char *note;          /**< NULL or CAP note, at most PT_APP_ALERT_NOTE_MAX bytes */
};

/** One language's cell-broadcast fit (headline + "\n" + instruction). */
struct pt_app_alert_cb {
	char lang[PT_ALERT_LANG_MAX];
	char headline[256];   /**< the language's headline, cut to fit (for display) */
	struct pt_cap_cb_count count;
	unsigned max_pages; /**< the setting alert.cb_pages */
	int fits;           /**< count.pages <= max_pages */
};

/** A warning of composing, e.g. the site's name revealed or a language that will not fit. */
struct pt_app_alert_warning {
	char code[32];  /**< "reveals_site", "cell_broadcast", "cap" (a CAP warning), ... */
	char msg[256];
};

/** One message as stored (or previewed). The caller frees it with pt_app_alert_free. */
struct pt_app_alert {
	char identifier[PT_CAP_ID_MAX];
	char chain[PT_CAP_ID_MAX];      /**< the identifier of the chain's first message (its Alert) */
	char references[PT_CAP_ID_MAX]; /**< the identifier this one updates or cancels, "" for an Alert */
	enum pt_cap_msg_type msg_type;  /**< Alert, Update or Cancel */
	enum pt_cap_status status;      /**< Actual, Exercise or Test */
	enum pt_app_alert_state state;
	char site_id[PT_ID_MAX];
	char site_name[PT_NAME_MAX];
	char template_id[PT_ALERT_TEMPLATE_ID_MAX];
	char langs[PT_ALERT_MAX_LANGS][PT_ALERT_LANG_MAX];
	size_t n_langs;
	double radius_km;               /**< 0 when a polygon was given */
	int has_polygon;
	int generic_area;
	int64_t sent, expires;          /**< unix seconds (expires: the info blocks') */
	char composer[PT_CALLER_NAME_MAX];
	char approver[PT_CALLER_NAME_MAX]; /**< "" until approved (Exercise/Test: "" always) */
	int64_t composed_at;
	int64_t decided_at;             /**< approval, rejection, or issue time; 0 while pending */
	char reason[PT_APP_ALERT_NOTE_MAX]; /**< why it was rejected ("" otherwise) */
	int latest;                     /**< nonzero: the latest issued message of its chain */
	int in_feed;                    /**< nonzero: /alerts.atom shows it now */
	struct pt_app_alert_cb cb[PT_ALERT_MAX_LANGS]; /**< per language of langs */
	struct pt_app_alert_warning warnings[PT_APP_ALERT_WARN_MAX];
	size_t n_warnings;
	int site_withheld;              /**< nonzero: the caller may not read the site, so the
					     ALERT JSON gives no site_id or site_name (review fix) */
	char sha256[65];                /**< of xml, lower-case hex (as the audit log records it) */
	char *xml;                      /**< the exact bytes (NUL after them); owned */
	size_t xml_len;
};

/** Free r and its bytes; NULL does nothing. */
void pt_app_alert_free(struct pt_app_alert *r);

/**
 * `protect alert new` / POST /api/v1/alerts: compose a new Alert from
 * o->template_id for o->site_id. pt_access_alert_compose decides (pio,
 * or a coordinator of a government organisation; the site must be one c
 * may read, else PT_ENOTFOUND field "site"). Status Actual is stored
 * PENDING (its bytes final; approval issues them unchanged); Exercise and
 * Test are ISSUED at once, "EXERCISE" (the template's exercise_word)
 * before every headline, never in the public feed. dry_run: compose and
 * check, store nothing, state PREVIEW. Audited "alert.compose" (or
 * "alert.issue" for Exercise/Test) with the bytes' SHA-256.
 * PT_EINVAL (d field), PT_EFORBIDDEN, PT_ENOTFOUND, PT_EDB, PT_ENOMEM.
 */
enum pt_err pt_app_alert_new(const struct pt_caller *c, struct pt_db *db,
			     const struct pt_app_alert_opts *o, int dry_run,
			     struct pt_app_alert **out, struct pt_diag *d);

/**
 * `alert update ID`: an Update of the latest issued message ID of its
 * chain (else PT_ECONFLICT "only the latest message of a chain can be
 * updated"; also while a message of the chain is pending), unset options
 * the previous message's. The all-clear template makes it an all clear
 * (responseType AllClear). Same rules and results as pt_app_alert_new.
 */
enum pt_err pt_app_alert_update(const struct pt_caller *c, struct pt_db *db, const char *id,
				const struct pt_app_alert_opts *o, int dry_run,
				struct pt_app_alert **out, struct pt_diag *d);

/**
 * `alert cancel ID`: a Cancel of the latest issued message ID (o->note
 * the reason, may be NULL; other options ignored), same two-person rule.
 */
enum pt_err pt_app_alert_cancel(const struct pt_caller *c, struct pt_db *db, const char *id,
				const struct pt_app_alert_opts *o, int dry_run,
				struct pt_app_alert **out, struct pt_diag *d);

/**
 * `alert approve ID`: issue the pending message ID unchanged. Refused
 * (PT_EFORBIDDEN, d msg says which) for its composer ("the composer may
 * not approve its own message: a second person must"), for a caller
 * pt_access_alert_approve refuses, and when the draft is older than the
 * setting alert.approval_min minutes or already expired (PT_ECONFLICT);
 * PT_ECONFLICT when it is not pending. Audited "alert.approve" with the
 * bytes' SHA-256, naming composer and approver.
 */
enum pt_err pt_app_alert_approve(const struct pt_caller *c, struct pt_db *db, const char *id,
				 struct pt_app_alert **out, struct pt_diag *d);

/**
 * Review fix of issue 13: pt_app_alert_approve bound to the bytes the
 * approver reviewed. Every approval recomputes the SHA-256 of the stored
 * bytes and refuses (PT_EINTERNAL field "sha256", nothing issued, audited
 * "refused") when it differs from the hash recorded at composition (the
 * row's and the alert.compose audit entry's); sha256 non-NULL (lower-case
 * hex) must equal it too, else PT_ECONFLICT field "sha256" ("the message
 * changed since you reviewed it"). pt_app_alert_approve is this with NULL.
 */
enum pt_err pt_app_alert_approve_reviewed(const struct pt_caller *c, struct pt_db *db,
					  const char *id, const char *sha256,
					  struct pt_app_alert **out, struct pt_diag *d);

/** `alert reject ID`: withdraw a pending message (its composer or one who may approve). */
enum pt_err pt_app_alert_reject(const struct pt_caller *c, struct pt_db *db, const char *id,
				const char *reason, struct pt_app_alert **out,
				struct pt_diag *d);

/**
 * `alert show ID`: one message with its bytes. pt_access_alert_read
 * decides (PT_ENOTFOUND otherwise). The bytes are checked against the
 * SHA-256 the audit log recorded (PT_EINTERNAL "stored bytes differ from
 * the audited hash" when not).
 */
enum pt_err pt_app_alert_show(const struct pt_caller *c, struct pt_db *db, const char *id,
			      struct pt_app_alert **out, struct pt_diag *d);

/** A list of messages, newest first. Free with pt_app_alert_list_free. */
struct pt_app_alert_list {
	struct pt_app_alert *items; /**< xml NULL in list items */
	size_t n;
};

/** `alert list`: the messages c may read (pt_access_alert_read), newest first. */
enum pt_err pt_app_alert_list(const struct pt_caller *c, struct pt_db *db,
			      struct pt_app_alert_list **out, struct pt_diag *d);

/**
 * As pt_app_alert_list; with_runs 0 leaves out the Exercise messages issued
 * from within exercise runs (issue 15 attack review 2, round 2: the
 * operational console is not buried under a run's alerts).
 */
enum pt_err pt_app_alert_list_runs(const struct pt_caller *c, struct pt_db *db, int with_runs,
				   struct pt_app_alert_list **out, struct pt_diag *d);

/** Free a list; NULL does nothing. */
void pt_app_alert_list_free(struct pt_app_alert_list *l);

/**
 * The public feed at time now (no caller: it is public): per chain whose
 * status is Actual, its latest issued message, while now is before its
 * expires (a Cancel: before the cancelled message's expires), the one made
 * public (approved) last first, at most PT_APP_ALERT_FEED_MAX; items carry their bytes. Also
 * alert.public_url and alert.sender (for the feed's links and author).
 */
#define PT_APP_ALERT_FEED_SKIPPED_MAX 16 /**< identifiers of left-out messages kept for the log */
struct pt_app_alert_feed {
	struct pt_app_alert *items;
	size_t n;
	char public_url[256];
	char sender[256];
	int64_t updated; /**< when the newest item became public (its decided_at), or 0 */
	/** Review fix: messages left out because their stored bytes differ from the audited
	    hash (at most PT_APP_ALERT_FEED_SKIPPED_MAX named), for the server's log. */
	char skipped[PT_APP_ALERT_FEED_SKIPPED_MAX][PT_CAP_ID_MAX];
	size_t n_skipped;
};

/** Read the feed. PT_EDB, PT_ENOMEM. */
enum pt_err pt_app_alert_feed(struct pt_db *db, int64_t now, struct pt_app_alert_feed **out,
			      struct pt_diag *d);

/** Free a feed; NULL does nothing. */
void pt_app_alert_feed_free(struct pt_app_alert_feed *f);

/**
 * The public CAP document of id (/alerts/ID.cap): only an issued message
 * of status Actual (else PT_ENOTFOUND, exactly as for an unknown id), and
 * only when its bytes match the audited hash and read as CAP (else
 * PT_EINTERNAL naming it: the caller answers 404 and logs it).
 */
enum pt_err pt_app_alert_public(struct pt_db *db, const char *id, struct pt_app_alert **out,
				struct pt_diag *d);

/**
 * `alert validate FILE`: read buf[0, len) (pt_cap_xml_read) and check it
 * (pt_cap_check) into p. Returns PT_OK when p holds no error (warnings
 * allowed), PT_EINVAL when it does, PT_ELIMIT, PT_ENOMEM.
 */
enum pt_err pt_app_alert_validate(const char *buf, size_t len, struct pt_cap_problems *p);

/**
 * The JSON writer's view of r (formats/pt_alert_json.h: pt_alert_json);
 * strings borrowed from r, valid while r lives. Addition of issue 13's app
 * helper: the faces render an ALERT with pt_alert_json(&v, with_xml).
 */
void pt_app_alert_view(const struct pt_app_alert *r, struct pt_alert_json_msg *v);

/** The built-in templates (data/alerts), sorted by id; static. */
enum pt_err pt_app_alert_templates(const struct pt_alert_template **out, size_t *n,
				   struct pt_diag *d);

#endif
