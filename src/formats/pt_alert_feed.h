/* pt_alert_feed.h - the public alerts feed as Atom (RFC 4287), written with
 * libxml2's xmlTextWriter (issue 13): one entry per chain of CAP messages. */
#ifndef PT_ALERT_FEED_H
#define PT_ALERT_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pt_cap.h"
#include "../core/pt_err.h"

#define PT_ALERT_FEED_TAG_YEAR "2026" /**< the date of every tag URI (RFC 4151) */
#define PT_ALERT_FEED_TITLE "Public alerts"
#define PT_ALERT_FEED_HOST_MAX 256    /**< bytes of the tag URI's authority, with the NUL */
#define PT_ALERT_FEED_URL_MAX 1024    /**< bytes of public_url */

/** The feed as a whole. Strings are the caller's. */
struct pt_alert_feed_head {
	const char *public_url; /**< "http(s)://host[:port][/path]", no trailing slash (alert.public_url) */
	const char *sender;     /**< the feed's author (alert.sender) */
	int64_t updated;        /**< unix seconds: the newest entry's updated, or the time written when empty */
};

/** One entry: a chain of messages shown by its latest. Strings are the caller's. */
struct pt_alert_feed_entry {
	const char *chain;   /**< the chain's first identifier: the entry's id (a tag URI) */
	const char *cap_id;  /**< the latest message's identifier: the link /alerts/ID.cap */
	const char *title;   /**< the English headline (a Cancel: pt_alert_feed_cancel_title) */
	const char *summary; /**< NULL: none */
	int64_t updated;     /**< when the latest message became public (its approval), unix seconds */
};

/**
 * The authority of the feed's tag URIs: public_url's host (no scheme,
 * user, port, path or query; an IPv6 literal without its brackets),
 * lower-case, every character but letters, digits, '.' and '-' written
 * '-', into buf. PT_EINVAL when public_url is not http(s)://HOST... with
 * a host; PT_ELIMIT when it does not fit.
 */
enum pt_err pt_alert_feed_tag_host(const char *public_url, char *buf, size_t size);

/**
 * Write the Atom document: UTF-8, the feed's id "tag:HOST,2026:alerts",
 * title, updated, author (sender), link rel="self" (public_url +
 * "/alerts.atom"), then per entry id "tag:HOST,2026:alerts/CHAIN", title,
 * updated, summary, link rel="alternate" type="application/cap+xml" href
 * public_url + "/alerts/CAP_ID.cap". Date-times RFC 3339 in UTC ("Z").
 * *out (free() it) holds *len bytes and a NUL. PT_EINVAL (public_url, an
 * identifier), PT_ENOMEM, PT_EINTERNAL
 * (libxml2 refused). An identifier must be 1-127 characters of A-Z a-z 0-9
 * . _ - (what the URL and the tag URI take as they are).
 */
enum pt_err pt_alert_feed_write(const struct pt_alert_feed_head *h,
				const struct pt_alert_feed_entry *e, size_t n, char **out,
				size_t *len);

/**
 * The texts of an entry from a CAP message: the info block in lang (else
 * the first) gives *headline and *summary (its description; NULL when
 * absent); a message without info gives NULL for both. The pointers are
 * a's.
 */
void pt_alert_feed_texts(const struct pt_cap_alert *a, const char *lang, const char **headline,
			 const char **summary);

/**
 * Review fix of issue 13: the title of a Cancel's entry from the message
 * it cancels: "Cancelled: " + the event and the area description of its
 * info block in lang (else the first), "Cancelled: EVENT – AREA" (either
 * alone when the other is absent; the headline when both are; NULL when
 * the message has no info). A new string (free()); NULL also when out of
 * memory.
 */
char *pt_alert_feed_cancel_title(const struct pt_cap_alert *cancelled, const char *lang);

/** Prepare libxml2 for use from several threads (call once before any thread starts). */
void pt_alert_feed_init(void);

#endif
