/* pt_app_alerts.c - public alerts (issue 13): the two-person rule, the
 * Alert -> Update -> Cancel chain, reading, the public feed (composing the
 * CAP message itself is pt_app_alerts_compose.c). */
#include "pt_app_alerts.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/pt_alert_template_io.h"
#include "../formats/pt_cap_xml.h"
#include "../formats/pt_diag.h"
#include "../store/pt_alert_store.h"
#include "../store/pt_audit.h"
#include "../store/pt_catalog_store.h"
#include "../store/pt_store.h"
#include "pt_app_alerts_int.h"
#include "pt_app_audit.h"

const char *pt_app_alert_state_name(enum pt_app_alert_state s)
{
	switch (s) {
	case PT_APP_ALERT_PREVIEW: return "preview";
	case PT_APP_ALERT_PENDING: return "pending";
	case PT_APP_ALERT_ISSUED: return "issued";
	case PT_APP_ALERT_REJECTED: return "rejected";
	}
	return "";
}

void pt_app_alert_free(struct pt_app_alert *r)
{
	if (!r)
		return;
	free(r->xml);
	free(r);
}

void pt_app_alert_warn(struct pt_app_alert *r, const char *code, const char *msg)
{
	if (r->n_warnings >= PT_APP_ALERT_WARN_MAX)
		return;
	pt_strlcpy(r->warnings[r->n_warnings].code, code, sizeof r->warnings[0].code);
	pt_strlcpy(r->warnings[r->n_warnings].msg, msg, sizeof r->warnings[0].msg);
	r->n_warnings++;
}

void pt_app_alert_sha256(const char *buf, size_t len, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)buf, len);
	sodium_bin2hex(hex, 65, h, sizeof h);
}

static int parse_state(const char *s, enum pt_app_alert_state *out)
{
	if (strcmp(s, "pending") == 0)
		*out = PT_APP_ALERT_PENDING;
	else if (strcmp(s, "issued") == 0)
		*out = PT_APP_ALERT_ISSUED;
	else if (strcmp(s, "rejected") == 0)
		*out = PT_APP_ALERT_REJECTED;
	else
		return -1;
	return 0;
}

/* A stored row into r (its bytes moved when present); the feed's clock decides in_feed. */
static enum pt_err from_row(struct pt_db_alert *a, int64_t now, struct pt_app_alert *r,
			    struct pt_diag *d)
{
	int v;
	char *p, langs[sizeof a->languages];
	memset(r, 0, sizeof *r);
	pt_strlcpy(r->identifier, a->identifier, sizeof r->identifier);
	pt_strlcpy(r->chain, a->chain, sizeof r->chain);
	pt_strlcpy(r->references, a->references_id, sizeof r->references);
	if (pt_cap_enum_parse(PT_CAP_ENUM_MSG_TYPE, a->msg_type, &v) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "msg_type", "alert %s: stored msgType '%s' unknown",
				   a->identifier, a->msg_type);
	r->msg_type = (enum pt_cap_msg_type)v;
	if (pt_cap_enum_parse(PT_CAP_ENUM_STATUS, a->status, &v) != PT_OK)
		return pt_diag_set(d, PT_EDB, 0, "status", "alert %s: stored status '%s' unknown",
				   a->identifier, a->status);
	r->status = (enum pt_cap_status)v;
	if (parse_state(a->state, &r->state))
		return pt_diag_set(d, PT_EDB, 0, "state", "alert %s: stored state '%s' unknown",
				   a->identifier, a->state);
	pt_strlcpy(r->site_id, a->site_id, sizeof r->site_id);
	pt_strlcpy(r->template_id, a->template_id, sizeof r->template_id);
	pt_strlcpy(langs, a->languages, sizeof langs);
	for (p = strtok(langs, ","); p && r->n_langs < PT_ALERT_MAX_LANGS; p = strtok(NULL, ","))
		pt_strlcpy(r->langs[r->n_langs++], p, sizeof r->langs[0]);
	r->radius_km = a->radius_km;
	r->has_polygon = a->polygon;
	r->generic_area = a->generic_area;
	r->sent = a->sent;
	r->expires = a->expires;
	pt_strlcpy(r->composer, a->composer, sizeof r->composer);
	pt_strlcpy(r->approver, a->approver, sizeof r->approver);
	r->composed_at = a->composed_at;
	r->decided_at = a->decided_at;
	pt_strlcpy(r->reason, a->reason, sizeof r->reason);
	r->latest = a->latest;
	r->in_feed = r->state == PT_APP_ALERT_ISSUED && r->status == PT_CAP_ACTUAL && r->latest &&
		     now < a->feed_until;
	pt_strlcpy(r->sha256, a->sha256, sizeof r->sha256);
	r->xml = a->xml;
	r->xml_len = a->xml_len;
	a->xml = NULL;
	a->xml_len = 0;
	return PT_OK;
}

/* The cell-broadcast figures of r from its bytes (headline + "\n" + instruction per info). */
static void cb_from_xml(struct pt_app_alert *r, unsigned max_pages)
{
	struct pt_cap_alert *a = NULL;
	struct pt_cap_problems *p = malloc(sizeof *p);
	size_t i;
	if (!p || !r->xml || pt_cap_xml_read(r->xml, r->xml_len, &a, p) != PT_OK || !a) {
		free(p);
		return;
	}
	for (i = 0; i < a->n_info && i < PT_ALERT_MAX_LANGS; i++)
		pt_app_alert_cb_fill(&r->cb[i], a->info[i].language.s ? a->info[i].language.s : "",
				     a->info[i].headline.s, a->info[i].instruction.s, max_pages);
	pt_cap_alert_free(a);
	free(p);
}

void pt_app_alert_cb_fill(struct pt_app_alert_cb *cb, const char *lang, const char *headline,
			  const char *instruction, unsigned max_pages)
{
	char *text;
	size_t hl = headline ? strlen(headline) : 0, il = instruction ? strlen(instruction) : 0;
	memset(cb, 0, sizeof *cb);
	pt_strlcpy(cb->lang, lang, sizeof cb->lang);
	if (headline) {
		size_t n = hl < sizeof cb->headline - 1 ? hl : sizeof cb->headline - 1;
		while (n > 0 && n < hl && ((unsigned char)headline[n] & 0xC0) == 0x80)
			n--; /* cut on a character's first byte */
		memcpy(cb->headline, headline, n);
		cb->headline[n] = '\0';
	}
	cb->max_pages = max_pages;
	text = malloc(hl + il + 2);
	if (!text)
		return;
	memcpy(text, headline ? headline : "", hl);
	text[hl] = '\n';
	memcpy(text + hl + 1, instruction ? instruction : "", il);
	text[hl + 1 + il] = '\0';
	pt_cap_cb_count(text, &cb->count);
	free(text);
	cb->fits = cb->count.pages <= max_pages;
}

/* The site of id as c may read it: its copy and access record into out. PT_ENOTFOUND field "site". */
enum pt_err pt_app_alert_site(const struct pt_caller *c, struct pt_db *db, const char *id,
			      struct pt_site *out, struct pt_diag *d)
{
	struct pt_snapshot *s = pt_app_snapshot(c, db, d);
	struct pt_access_record rec;
	long i;
	if (!s)
		return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
	i = id ? pt_snapshot_find(s, id) : -1;
	if (i >= 0) {
		pt_snapshot_record(s, (size_t)i, &rec);
		if (pt_access_read(&c->who, &rec) != PT_ACCESS_OK)
			i = -1;
	}
	if (i < 0) {
		pt_snapshot_release(s);
		return pt_diag_set(d, PT_ENOTFOUND, 0, "site", "no site '%s'", id ? id : "");
	}
	*out = s->sites.items[i];
	pt_snapshot_release(s);
	return PT_OK;
}

/* May c read stored message a (a snapshot s for its site)? */
static int may_read(const struct pt_caller *c, const struct pt_snapshot *s,
		    const struct pt_db_alert *a)
{
	struct pt_access_record rec;
	long i = pt_snapshot_find(s, a->site_id);
	int issued_actual = strcmp(a->state, "issued") == 0 && strcmp(a->status, "Actual") == 0;
	if (i >= 0)
		pt_snapshot_record(s, (size_t)i, &rec);
	return pt_access_alert_read(&c->who, i >= 0 ? &rec : NULL, issued_actual) ==
	       PT_ACCESS_OK;
}

/* Read message id for c (NOT_FOUND when c may not); its site's name too. */
enum pt_err pt_app_alert_read_row(const struct pt_caller *c, struct pt_db *db, const char *id,
				  int with_xml, struct pt_db_alert *out, char *site_name,
				  size_t site_name_size, struct pt_diag *d)
{
	struct pt_snapshot *s;
	enum pt_err err;
	long i;
	if (!id || !id[0] || strlen(id) >= PT_DB_ALERT_ID_MAX)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no alert '%s'", id ? id : "");
	err = pt_db_alert_get(db, id, with_xml, out, d);
	if (err == PT_ENOTFOUND)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no alert '%s'", id);
	if (err != PT_OK)
		return err;
	if (!(s = pt_app_snapshot(c, db, d))) {
		pt_db_alert_clear(out);
		return PT_EDB;
	}
	if (!may_read(c, s, out)) {
		pt_snapshot_release(s);
		pt_db_alert_clear(out);
		return pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no alert '%s'", id);
	}
	i = pt_snapshot_find(s, out->site_id);
	if (site_name && site_name_size)
		pt_strlcpy(site_name, i >= 0 ? s->sites.items[i].name : "", site_name_size);
	pt_snapshot_release(s);
	return PT_OK;
}

enum pt_err pt_app_alert_result(struct pt_db_alert *a, const char *site_name, int64_t now,
				unsigned cb_pages, int with_cb, struct pt_app_alert **out,
				struct pt_diag *d)
{
	struct pt_app_alert *r = calloc(1, sizeof *r);
	enum pt_err err;
	if (!r)
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	if ((err = from_row(a, now, r, d)) != PT_OK) {
		pt_app_alert_free(r);
		return err;
	}
	pt_strlcpy(r->site_name, site_name ? site_name : "", sizeof r->site_name);
	if (with_cb)
		cb_from_xml(r, cb_pages);
	*out = r;
	return PT_OK;
}

/*
 * Fix of issue 13 (review: attack 3, 4): the stored bytes of a against
 * their row's sha256 and the hash the audit log recorded at composition;
 * hex receives the bytes' SHA-256. PT_EINTERNAL field "sha256" ("stored
 * bytes of ID differ from the audited hash") when they differ.
 */
static enum pt_err bytes_check(struct pt_db *db, const struct pt_db_alert *a, char hex[65],
			       struct pt_diag *d)
{
	char detail[1024], want[80];
	const char *h;
	enum pt_err err;
	pt_app_alert_sha256(a->xml ? a->xml : "", a->xml_len, hex);
	if ((err = pt_db_alert_audit_detail(db, a->identifier, detail, sizeof detail, d)) != PT_OK)
		return err;
	snprintf(want, sizeof want, "sha256=%s ", hex);
	h = strstr(detail, "sha256=");
	if (!a->xml || strcmp(hex, a->sha256) != 0 || !h || strncmp(h, want, strlen(want)) != 0)
		return pt_diag_set(d, PT_EINTERNAL, 0, "sha256",
				   "stored bytes of %s differ from the audited hash", a->identifier);
	return PT_OK;
}

/* An approval refused for a reason other than access: audited "refused" as access refusals are. */
static void refused_audit(const struct pt_caller *c, struct pt_db *db, const char *id,
			  const struct pt_diag *d)
{
	char detail[PT_AUDIT_DETAIL_MAX];
	struct pt_diag ad;
	if (pt_db_in_transaction(db))
		return;
	snprintf(detail, sizeof detail, "alert.approve: %.60s: %.900s", d->field, d->msg);
	memset(&ad, 0, sizeof ad);
	pt_app_act(c, db);
	(void)pt_audit_append(db, PT_AUDIT_REFUSED_ACTION, "alerts", id, detail, &ad);
}

/* Nonzero when c may read the site site_id (an ALERT names it only then: review attack 5b). */
static int site_visible(const struct pt_caller *c, const struct pt_snapshot *s,
			const char *site_id)
{
	struct pt_access_record rec;
	long i = pt_snapshot_find(s, site_id);
	if (i < 0)
		return 0;
	pt_snapshot_record(s, (size_t)i, &rec);
	return pt_access_read(&c->who, &rec) == PT_ACCESS_OK;
}

/* Mark r's site withheld unless c may read it. */
static enum pt_err withhold_site(const struct pt_caller *c, struct pt_db *db,
				 struct pt_app_alert *r, struct pt_diag *d)
{
	struct pt_snapshot *s = pt_app_snapshot(c, db, d);
	if (!s)
		return d && d->msg[0] ? PT_EDB : PT_ENOMEM;
	r->site_withheld = !site_visible(c, s, r->site_id);
	pt_snapshot_release(s);
	return PT_OK;
}

/* ---- approve, reject ---- */

static enum pt_err decide(const struct pt_caller *c, struct pt_db *db, const char *id,
			  int approve, const char *reason, const char *reviewed,
			  struct pt_app_alert **out, struct pt_diag *d)
{
	struct pt_db_alert a;
	struct pt_config cfg;
	char site_name[PT_NAME_MAX], detail[512], hex[65];
	int64_t now = pt_app_now(c->now);
	enum pt_alert_approval ok;
	enum pt_err err;

	*out = NULL;
	if (reason && strlen(reason) > PT_APP_ALERT_NOTE_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "reason", "longer than %d bytes",
				   PT_APP_ALERT_NOTE_MAX);
	if (reason && !pt_alert_text_ok(reason, NULL)) /* review 13 (fb): what CAP may carry */
		return pt_diag_set(d, PT_EINVAL, 0, "reason",
				   "holds a character a public alert may not carry (control characters, "
				   "bidi controls, U+2028/U+2029, U+FFFE/U+FFFF)");
	if ((err = pt_db_config_load(db, &cfg, d)) != PT_OK)
		return err;
	if ((err = pt_app_alert_read_row(c, db, id, 1, &a, site_name, sizeof site_name, d)) !=
	    PT_OK)
		return err;
	ok = pt_access_alert_approve(&c->who, a.composer_id);
	if (ok == PT_ALERT_APPROVAL_FORBIDDEN) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "role",
				  "only a public information officer or a coordinator of a government "
				  "organisation may %s alerts", approve ? "approve" : "reject");
		goto fail;
	}
	if (approve && ok == PT_ALERT_APPROVAL_SAME_PERSON) {
		err = pt_diag_set(d, PT_EFORBIDDEN, 0, "same_person",
				  "the composer may not approve its own message: a second person must");
		goto fail;
	}
	if (approve && (ok == PT_ALERT_APPROVAL_NOT_APPOINTED || ok == PT_ALERT_APPROVAL_SYSTEM)) {
		/* issue 13 review: two named users, the approver appointed (docs/access.md) */
		err = ok == PT_ALERT_APPROVAL_SYSTEM
			      ? pt_diag_set(d, PT_EFORBIDDEN, 0, "system",
					    "an Actual alert needs two named users: approve as one "
					    "(--as USER), not as the system administrator; a message the "
					    "system administrator composed cannot be approved")
			      : pt_diag_set(d, PT_EFORBIDDEN, 0, "not_appointed",
					    "only a user whose role the system administrator granted "
					    "(protect user add|role) may approve public alerts; %s's was "
					    "granted over the API", c->name);
		goto fail;
	}
	if (strcmp(a.state, "pending") != 0) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "state", "alert %s is %s, not pending", id,
				  a.state);
		goto fail;
	}
	if (now < a.composed_at) { /* issue 13 review: --now going backwards */
		err = pt_diag_set(d, PT_ECONFLICT, 0, "state",
				  "alert %s: the clock is before the message's composition", id);
		goto fail;
	}
	if (approve && now - a.composed_at > (int64_t)cfg.alert_approval_min * 60) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "state",
				  "alert %s waited more than alert.approval_min (%u minutes) for "
				  "approval: compose it again (or reject it)", id, cfg.alert_approval_min);
		goto fail;
	}
	if (approve && a.msg_type[0] != 'C' && now >= a.expires) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "state",
				  "alert %s has expired: compose it again", id);
		goto fail;
	}
	/* The bytes approved are the bytes composed, and the ones the approver reviewed. */
	if (approve && (err = bytes_check(db, &a, hex, d)) != PT_OK) {
		if (err == PT_EINTERNAL)
			refused_audit(c, db, id, d);
		goto fail;
	}
	if (approve && reviewed && strcmp(reviewed, hex) != 0) {
		err = pt_diag_set(d, PT_ECONFLICT, 0, "sha256",
				  "the message changed since you reviewed it (sha256 %.64s, it is %s now): "
				  "review %s again", reviewed, hex, id);
		refused_audit(c, db, id, d);
		goto fail;
	}
	pt_app_act(c, db);
	if ((err = pt_db_begin(db, d)) != PT_OK)
		goto fail;
	err = pt_db_alert_decide(db, id, approve ? "issued" : "rejected",
				 approve ? c->who.user_id : 0, approve ? c->name : "", now,
				 approve ? "" : (reason ? reason : ""), d);
	if (err == PT_OK) {
		const char *site = a.site_id;
		if (approve)
			snprintf(detail, sizeof detail,
				 "sha256=%s bytes=%zu composer=%s approver=%s %s %s site=%s", hex,
				 a.xml_len, a.composer, c->name, a.msg_type, a.status, a.site_id);
		else
			snprintf(detail, sizeof detail, "sha256=%s bytes=%zu composer=%s rejected by %s: %.300s",
				 a.sha256, a.xml_len, a.composer, c->name, reason ? reason : "");
		err = pt_audit_append_records(db, approve ? "alert.approve" : "alert.reject",
					      "alerts", id, detail, "sites", &site, 1, d);
	}
	if ((err = pt_db_end(db, err, d)) != PT_OK)
		goto fail;
	pt_db_alert_clear(&a);
	if ((err = pt_app_alert_read_row(c, db, id, 1, &a, NULL, 0, d)) != PT_OK)
		return err;
	err = pt_app_alert_result(&a, site_name, now, cfg.alert_cb_pages, 1, out, d);
	if (err == PT_OK && (err = withhold_site(c, db, *out, d)) != PT_OK) {
		pt_app_alert_free(*out);
		*out = NULL;
	}
fail:
	pt_db_alert_clear(&a);
	return err;
}

enum pt_err pt_app_alert_approve(const struct pt_caller *c, struct pt_db *db, const char *id,
				 struct pt_app_alert **out, struct pt_diag *d)
{
	return pt_app_alert_approve_reviewed(c, db, id, NULL, out, d);
}

enum pt_err pt_app_alert_approve_reviewed(const struct pt_caller *c, struct pt_db *db,
					  const char *id, const char *sha256,
					  struct pt_app_alert **out, struct pt_diag *d)
{
	enum pt_err err = decide(c, db, id, 1, NULL, sha256, out, d);
	return pt_app_refused(c, db, "alert.approve", "alerts", id, err, d); /* audited when refused */
}

enum pt_err pt_app_alert_reject(const struct pt_caller *c, struct pt_db *db, const char *id,
				const char *reason, struct pt_app_alert **out,
				struct pt_diag *d)
{
	enum pt_err err = decide(c, db, id, 0, reason, NULL, out, d);
	return pt_app_refused(c, db, "alert.reject", "alerts", id, err, d);
}

/* ---- show, list ---- */

enum pt_err pt_app_alert_show(const struct pt_caller *c, struct pt_db *db, const char *id,
			      struct pt_app_alert **out, struct pt_diag *d)
{
	struct pt_db_alert a;
	struct pt_config cfg;
	char site_name[PT_NAME_MAX], hex[65];
	enum pt_err err;

	*out = NULL;
	if ((err = pt_db_config_load(db, &cfg, d)) != PT_OK)
		return err;
	if ((err = pt_app_alert_read_row(c, db, id, 1, &a, site_name, sizeof site_name, d)) !=
	    PT_OK)
		return err;
	/* The bytes as the audit log recorded them at composition. */
	if ((err = bytes_check(db, &a, hex, d)) != PT_OK)
		goto out;
	err = pt_app_alert_result(&a, site_name, pt_app_now(c->now), cfg.alert_cb_pages, 1, out,
				  d);
	if (err == PT_OK && (err = withhold_site(c, db, *out, d)) != PT_OK) {
		pt_app_alert_free(*out);
		*out = NULL;
	}
out:
	pt_db_alert_clear(&a);
	return err;
}

void pt_app_alert_list_free(struct pt_app_alert_list *l)
{
	size_t i;
	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		free(l->items[i].xml);
	free(l->items);
	free(l);
}

enum pt_err pt_app_alert_list(const struct pt_caller *c, struct pt_db *db,
			      struct pt_app_alert_list **out, struct pt_diag *d)
{
	return pt_app_alert_list_runs(c, db, 1, out, d);
}

enum pt_err pt_app_alert_list_runs(const struct pt_caller *c, struct pt_db *db, int with_runs,
				   struct pt_app_alert_list **out, struct pt_diag *d)
{
	struct pt_db_alert *rows = NULL;
	struct pt_snapshot *s = NULL;
	struct pt_app_alert_list *l = NULL;
	int64_t now = pt_app_now(c->now);
	size_t n = 0, i;
	enum pt_err err;

	*out = NULL;
	if ((err = with_runs ? pt_db_alert_list(db, PT_APP_ALERT_LIST_MAX, &rows, &n, d)
			     : pt_db_alert_list_no_runs(db, PT_APP_ALERT_LIST_MAX, &rows, &n, d)) !=
	    PT_OK)
		return err;
	if (!(s = pt_app_snapshot(c, db, d))) {
		free(rows);
		return PT_EDB;
	}
	l = calloc(1, sizeof *l);
	if (!l || !(l->items = calloc(n ? n : 1, sizeof *l->items))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		long k;
		if (!may_read(c, s, &rows[i]))
			continue;
		if ((err = from_row(&rows[i], now, &l->items[l->n], d)) != PT_OK)
			goto out;
		k = pt_snapshot_find(s, rows[i].site_id);
		if (k >= 0)
			pt_strlcpy(l->items[l->n].site_name, s->sites.items[k].name,
				   sizeof l->items[0].site_name);
		l->items[l->n].site_withheld = !site_visible(c, s, rows[i].site_id);
		l->n++;
	}
	*out = l;
	l = NULL;
out:
	pt_app_alert_list_free(l);
	pt_snapshot_release(s);
	free(rows);
	return err;
}

/* ---- the public feed and documents ---- */

void pt_app_alert_feed_free(struct pt_app_alert_feed *f)
{
	size_t i;
	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		free(f->items[i].xml);
	free(f->items);
	free(f);
}

enum pt_err pt_app_alert_feed(struct pt_db *db, int64_t now, struct pt_app_alert_feed **out,
			      struct pt_diag *d)
{
	struct pt_db_alert *rows = NULL;
	struct pt_app_alert_feed *f = NULL;
	struct pt_config cfg;
	size_t n = 0, i;
	enum pt_err err;

	*out = NULL;
	now = pt_app_now(now);
	if ((err = pt_db_config_load(db, &cfg, d)) != PT_OK)
		return err;
	if ((err = pt_db_alert_feed(db, now, PT_APP_ALERT_FEED_MAX, &rows, &n, d)) != PT_OK)
		return err;
	f = calloc(1, sizeof *f);
	if (!f || !(f->items = calloc(n ? n : 1, sizeof *f->items))) {
		err = pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
		goto out;
	}
	pt_strlcpy(f->public_url, cfg.alert_public_url, sizeof f->public_url);
	pt_strlcpy(f->sender, cfg.alert_sender, sizeof f->sender);
	for (i = 0; i < n; i++) {
		char hex[65];
		struct pt_diag bd = PT_DIAG_INIT;
		int64_t when;
		/* A message whose bytes fail their check is left out (named for the log), not served. */
		if ((err = bytes_check(db, &rows[i], hex, &bd)) != PT_OK) {
			if (err != PT_EINTERNAL) {
				*d = bd;
				goto out;
			}
			if (f->n_skipped < PT_APP_ALERT_FEED_SKIPPED_MAX)
				pt_strlcpy(f->skipped[f->n_skipped++], rows[i].identifier,
					   sizeof f->skipped[0]);
			err = PT_OK;
			continue;
		}
		if ((err = from_row(&rows[i], now, &f->items[f->n], d)) != PT_OK)
			goto out;
		/* when it became public: its approval (an Actual message is issued then) */
		when = f->items[f->n].decided_at ? f->items[f->n].decided_at : f->items[f->n].sent;
		if (when > f->updated)
			f->updated = when;
		f->n++;
	}
	*out = f;
	f = NULL;
out:
	for (i = 0; i < n; i++)
		pt_db_alert_clear(&rows[i]);
	free(rows);
	pt_app_alert_feed_free(f);
	return err;
}

/* Nonzero when a's bytes read as a CAP message (pt_cap_xml_read: well-formed, CAP 1.2). */
static int cap_reads(const struct pt_db_alert *a)
{
	struct pt_cap_alert *m = NULL;
	struct pt_cap_problems *p = malloc(sizeof *p);
	int ok = p && a->xml && pt_cap_xml_read(a->xml, a->xml_len, &m, p) == PT_OK && m;
	pt_cap_alert_free(m);
	free(p);
	return ok;
}

enum pt_err pt_app_alert_public(struct pt_db *db, const char *id, struct pt_app_alert **out,
				struct pt_diag *d)
{
	struct pt_db_alert a;
	enum pt_err err;
	*out = NULL;
	if (!id || !id[0] || strlen(id) >= PT_DB_ALERT_ID_MAX)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no alert");
	err = pt_db_alert_get(db, id, 1, &a, d);
	if (err == PT_ENOTFOUND ||
	    (err == PT_OK && (strcmp(a.state, "issued") != 0 || strcmp(a.status, "Actual") != 0))) {
		if (err == PT_OK)
			pt_db_alert_clear(&a);
		return pt_diag_set(d, PT_ENOTFOUND, 0, "id", "no alert '%s'", id);
	}
	if (err != PT_OK)
		return err;
	/* Served only when its bytes are the audited ones and read as CAP (review attack 2, 4). */
	{
		char hex[65];
		if ((err = bytes_check(db, &a, hex, d)) == PT_OK && !cap_reads(&a))
			err = pt_diag_set(d, PT_EINTERNAL, 0, "xml",
					  "stored bytes of %s do not read as CAP", a.identifier);
	}
	if (err == PT_OK)
		err = pt_app_alert_result(&a, "", pt_app_now(0), 0, 0, out, d);
	pt_db_alert_clear(&a);
	return err;
}

enum pt_err pt_app_alert_templates(const struct pt_alert_template **out, size_t *n,
				   struct pt_diag *d)
{
	return pt_alert_templates_builtin(out, n, d);
}

void pt_app_alert_view(const struct pt_app_alert *r, struct pt_alert_json_msg *v)
{
	size_t i;
	memset(v, 0, sizeof *v);
	v->identifier = r->identifier;
	v->chain = r->chain;
	v->references = r->references;
	v->msg_type = pt_cap_enum_name(PT_CAP_ENUM_MSG_TYPE, (int)r->msg_type);
	v->status = pt_cap_enum_name(PT_CAP_ENUM_STATUS, (int)r->status);
	v->state = pt_app_alert_state_name(r->state);
	v->site_id = r->site_withheld ? NULL : r->site_id;
	v->site_name = r->site_withheld ? NULL : r->site_name;
	v->site_withheld = r->site_withheld;
	v->template_id = r->template_id;
	for (i = 0; i < r->n_langs && i < PT_ALERT_MAX_LANGS; i++)
		v->langs[v->n_langs++] = r->langs[i];
	v->radius_km = r->radius_km;
	v->has_polygon = r->has_polygon;
	v->generic_area = r->generic_area;
	v->sent = r->sent;
	v->expires = r->expires;
	v->composed_at = r->composed_at;
	v->decided_at = r->decided_at;
	v->composer = r->composer;
	v->approver = r->approver;
	v->reason = r->reason;
	v->latest = r->latest;
	v->in_feed = r->in_feed;
	v->sha256 = r->sha256;
	for (i = 0; i < PT_ALERT_MAX_LANGS && r->cb[i].lang[0]; i++) {
		struct pt_alert_json_cb *c = &v->cb[v->n_cb++];
		c->language = r->cb[i].lang;
		c->headline = r->cb[i].headline;
		c->count = r->cb[i].count;
		c->max_pages = r->cb[i].max_pages;
		c->fits = r->cb[i].fits;
	}
	for (i = 0; i < r->n_warnings && i < PT_ALERT_JSON_WARN_MAX; i++) {
		v->warnings[v->n_warnings].code = r->warnings[i].code;
		v->warnings[v->n_warnings++].message = r->warnings[i].msg;
	}
	v->xml = r->xml;
	v->xml_len = r->xml_len;
}
