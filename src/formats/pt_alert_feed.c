/* pt_alert_feed.c - the public alerts feed as Atom (RFC 4287) with libxml2's
 * xmlTextWriter: the writer escapes every text; nothing here writes XML by hand. */
#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pt_alert_feed.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define ID_MAX 127

void pt_alert_feed_init(void)
{
	xmlInitParser();
}

/* Nonzero when s is 1-ID_MAX characters of [A-Za-z0-9._-]. */
static int id_ok(const char *s)
{
	size_t i;
	if (!s || !s[0])
		return 0;
	for (i = 0; s[i]; i++)
		if (i >= ID_MAX ||
		    !(isalnum((unsigned char)s[i]) || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

enum pt_err pt_alert_feed_tag_host(const char *public_url, char *buf, size_t size)
{
	const char *p, *end, *at;
	size_t n, i;
	if (!public_url || size == 0)
		return PT_EINVAL;
	if (strncmp(public_url, "http://", 7) == 0)
		p = public_url + 7;
	else if (strncmp(public_url, "https://", 8) == 0)
		p = public_url + 8;
	else
		return PT_EINVAL;
	end = p + strcspn(p, "/?#"); /* the authority */
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1; /* no user information */
	if (*p == '[') { /* an IPv6 literal */
		const char *close = memchr(p, ']', (size_t)(end - p));
		if (!close || close == p + 1)
			return PT_EINVAL;
		p++;
		end = close;
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		if (colon)
			end = colon; /* no port */
	}
	if (end == p)
		return PT_EINVAL;
	n = (size_t)(end - p);
	if (n >= size)
		return PT_ELIMIT;
	/* RFC 4151's authority is a DNS name: letters, digits, '.', '-'; anything else becomes '-' */
	for (i = 0; i < n; i++)
		buf[i] = isalnum((unsigned char)p[i]) || p[i] == '.' || p[i] == '-'
				 ? (char)tolower((unsigned char)p[i])
				 : '-';
	buf[n] = '\0';
	return PT_OK;
}

/* t as RFC 3339 UTC ("2026-12-01T00:00:00Z") into buf; 0, or -1 when it cannot be. */
static int rfc3339(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -1;
	return 0;
}

/* A libxml2 call's result: failures (negative) become -1 in *bad. */
static void step(int *bad, int rc)
{
	if (rc < 0)
		*bad = 1;
}

static void element(xmlTextWriterPtr w, int *bad, const char *name, const char *text)
{
	step(bad, xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST text));
}

static void link_element(xmlTextWriterPtr w, int *bad, const char *rel, const char *type,
			 const char *href)
{
	step(bad, xmlTextWriterStartElement(w, BAD_CAST "link"));
	step(bad, xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST rel));
	step(bad, xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type));
	step(bad, xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST href));
	step(bad, xmlTextWriterEndElement(w));
}

enum pt_err pt_alert_feed_write(const struct pt_alert_feed_head *h,
				const struct pt_alert_feed_entry *e, size_t n, char **out,
				size_t *len)
{
	char host[PT_ALERT_FEED_HOST_MAX], when[32];
	char *text = NULL; /* tag URIs and links */
	size_t url_len, i, text_size;
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	enum pt_err err;
	int bad = 0;

	*out = NULL;
	*len = 0;
	if (!h->public_url || strlen(h->public_url) >= PT_ALERT_FEED_URL_MAX || !h->sender)
		return PT_EINVAL;
	if ((err = pt_alert_feed_tag_host(h->public_url, host, sizeof host)) != PT_OK)
		return err == PT_ELIMIT ? PT_EINVAL : err;
	for (i = 0; i < n; i++)
		if (!id_ok(e[i].chain) || !id_ok(e[i].cap_id) || !e[i].title)
			return PT_EINVAL;
	url_len = strlen(h->public_url);
	text_size = url_len + sizeof host + ID_MAX + 64;
	if (!(text = malloc(text_size)) || !(buf = xmlBufferCreate()) ||
	    !(w = xmlNewTextWriterMemory(buf, 0))) {
		err = PT_ENOMEM;
		goto out;
	}
	step(&bad, xmlTextWriterSetIndent(w, 1));
	step(&bad, xmlTextWriterSetIndentString(w, BAD_CAST "  "));
	step(&bad, xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
	step(&bad, xmlTextWriterStartElementNS(w, NULL, BAD_CAST "feed", BAD_CAST ATOM_NS));
	snprintf(text, text_size, "tag:%s,%s:alerts", host, PT_ALERT_FEED_TAG_YEAR);
	element(w, &bad, "id", text);
	element(w, &bad, "title", PT_ALERT_FEED_TITLE);
	if (rfc3339(h->updated, when, sizeof when) != 0) {
		err = PT_EINVAL;
		goto out;
	}
	element(w, &bad, "updated", when);
	step(&bad, xmlTextWriterStartElement(w, BAD_CAST "author"));
	element(w, &bad, "name", h->sender);
	step(&bad, xmlTextWriterEndElement(w));
	snprintf(text, text_size, "%s/alerts.atom", h->public_url);
	link_element(w, &bad, "self", "application/atom+xml", text);
	for (i = 0; i < n && !bad; i++) {
		step(&bad, xmlTextWriterStartElement(w, BAD_CAST "entry"));
		snprintf(text, text_size, "tag:%s,%s:alerts/%s", host, PT_ALERT_FEED_TAG_YEAR,
			 e[i].chain);
		element(w, &bad, "id", text);
		element(w, &bad, "title", e[i].title);
		if (rfc3339(e[i].updated, when, sizeof when) != 0) {
			err = PT_EINVAL;
			goto out;
		}
		element(w, &bad, "updated", when);
		if (e[i].summary && e[i].summary[0])
			element(w, &bad, "summary", e[i].summary);
		snprintf(text, text_size, "%s/alerts/%s.cap", h->public_url, e[i].cap_id);
		link_element(w, &bad, "alternate", "application/cap+xml", text);
		step(&bad, xmlTextWriterEndElement(w));
	}
	step(&bad, xmlTextWriterEndDocument(w)); /* closes feed */
	xmlFreeTextWriter(w);                    /* flushes into buf */
	w = NULL;
	if (bad) {
		err = PT_EINTERNAL;
		goto out;
	}
	{
		size_t used = (size_t)xmlBufferLength(buf);
		if (!(*out = malloc(used + 1))) {
			err = PT_ENOMEM;
			goto out;
		}
		memcpy(*out, xmlBufferContent(buf), used);
		(*out)[used] = '\0';
		*len = used;
	}
	err = PT_OK;
out:
	if (w)
		xmlFreeTextWriter(w);
	if (buf)
		xmlBufferFree(buf);
	free(text);
	return err;
}

void pt_alert_feed_texts(const struct pt_cap_alert *a, const char *lang, const char **headline,
			 const char **summary)
{
	const struct pt_cap_info *pick = NULL;
	size_t i;
	*headline = *summary = NULL;
	if (!a || a->n_info == 0)
		return;
	for (i = 0; i < a->n_info && lang; i++)
		if (a->info[i].language.s && strcmp(a->info[i].language.s, lang) == 0) {
			pick = &a->info[i];
			break;
		}
	if (!pick)
		pick = &a->info[0];
	*headline = pick->headline.s;
	*summary = pick->description.s;
}

/* The info block of a in lang, else its first; NULL without any. */
static const struct pt_cap_info *info_in(const struct pt_cap_alert *a, const char *lang)
{
	size_t i;
	if (!a || a->n_info == 0)
		return NULL;
	for (i = 0; i < a->n_info && lang; i++)
		if (a->info[i].language.s && strcmp(a->info[i].language.s, lang) == 0)
			return &a->info[i];
	return &a->info[0];
}

char *pt_alert_feed_cancel_title(const struct pt_cap_alert *cancelled, const char *lang)
{
	static const char prefix[] = "Cancelled: ", dash[] = " \xE2\x80\x93 "; /* U+2013 */
	const struct pt_cap_info *in = info_in(cancelled, lang);
	const char *event, *area;
	char *t;
	size_t n;
	if (!in)
		return NULL;
	event = in->event.s && in->event.s[0] ? in->event.s : NULL;
	area = in->n_area && in->area[0].desc.s && in->area[0].desc.s[0] ? in->area[0].desc.s : NULL;
	if (!event && !area)
		event = in->headline.s ? in->headline.s : "";
	n = sizeof prefix + (event ? strlen(event) : 0) + sizeof dash + (area ? strlen(area) : 0);
	if (!(t = malloc(n)))
		return NULL;
	snprintf(t, n, "%s%s%s%s", prefix, event ? event : "", event && area ? dash : "",
		 area ? area : "");
	return t;
}
