/* test_alert_feed.c - unit tests of the public alerts feed (formats/pt_alert_feed):
 * the Atom document read back with libxml2, tag URIs, absolute links, escaping, bad input. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pt_alert_feed.h"
#include "pt_test.h"

/* The text of the first node xpath finds in doc ("" when none), into buf. */
static const char *xp(xmlDocPtr doc, const char *xpath, char *buf, size_t size)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	buf[0] = '\0';
	if (!ctx)
		return buf;
	xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
	o = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
	if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
		xmlChar *t = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
		snprintf(buf, size, "%s", t ? (const char *)t : "");
		xmlFree(t);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return buf;
}

/* The number of nodes xpath finds in doc. */
static int xp_count(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	int n = 0;
	if (!ctx)
		return -1;
	xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
	o = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
	if (o && o->nodesetval)
		n = o->nodesetval->nodeNr;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

static void test_tag_host(void)
{
	char b[64];
	CHECK_INT(pt_alert_feed_tag_host("http://127.0.0.1:8080", b, sizeof b), PT_OK);
	CHECK_STR(b, "127.0.0.1");
	CHECK_INT(pt_alert_feed_tag_host("https://Alerts.Vellmark.example/public", b, sizeof b), PT_OK);
	CHECK_STR(b, "alerts.vellmark.example");
	CHECK_INT(pt_alert_feed_tag_host("https://[2001:db8::1]:443", b, sizeof b), PT_OK);
	CHECK_STR(b, "2001-db8--1");
	CHECK_INT(pt_alert_feed_tag_host("ftp://x.example", b, sizeof b), PT_EINVAL);
	CHECK_INT(pt_alert_feed_tag_host("http://", b, sizeof b), PT_EINVAL);
	CHECK_INT(pt_alert_feed_tag_host("http://user:pw@X.example:80/a?b", b, sizeof b), PT_OK);
	CHECK_STR(b, "x.example");
	CHECK_INT(pt_alert_feed_tag_host("http://host_name%41", b, sizeof b), PT_OK);
	CHECK_STR(b, "host-name-41");
	CHECK_INT(pt_alert_feed_tag_host("http://:8080", b, sizeof b), PT_EINVAL);
	CHECK_INT(pt_alert_feed_tag_host("http://[]", b, sizeof b), PT_EINVAL);
	CHECK_INT(pt_alert_feed_tag_host("http://[::1", b, sizeof b), PT_EINVAL);
	CHECK_INT(pt_alert_feed_tag_host("http://a-very-long-host.example", b, 8), PT_ELIMIT);
}

static void test_feed(void)
{
	struct pt_alert_feed_head h = {"https://alerts.vellmark.example", "crisis-centre@vellmark.example",
				       1796083200}; /* 2026-12-01T00:00:00Z */
	struct pt_alert_feed_entry e[2] = {
		{"PT-20261201T000000Z-0000abcd", "PT-20261201T000000Z-0000abcd",
		 "Armed attack at <Orrinford> Arena & nearby", "Run, hide, tell.", 1796083200},
		{"PT-20261130T230000Z-00001234", "PT-20261130T233000Z-00005678",
		 "Cancelled: Explosion at the harbour", NULL, 1796081400},
	};
	char *out = NULL, b[512];
	size_t len = 0;
	xmlDocPtr doc;
	CHECK_INT(pt_alert_feed_write(&h, e, 2, &out, &len), PT_OK);
	CHECK(out != NULL && len == strlen(out));
	CHECK(out && strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38) == 0);
	doc = out ? xmlReadMemory(out, (int)len, "feed.atom", NULL, XML_PARSE_NONET) : NULL;
	CHECK(doc != NULL);
	if (doc) {
		CHECK_STR(xp(doc, "/a:feed/a:id", b, sizeof b), "tag:alerts.vellmark.example,2026:alerts");
		CHECK_STR(xp(doc, "/a:feed/a:title", b, sizeof b), "Public alerts");
		CHECK_STR(xp(doc, "/a:feed/a:updated", b, sizeof b), "2026-12-01T00:00:00Z");
		CHECK_STR(xp(doc, "/a:feed/a:author/a:name", b, sizeof b), "crisis-centre@vellmark.example");
		CHECK_STR(xp(doc, "/a:feed/a:link[@rel='self']/@href", b, sizeof b),
			  "https://alerts.vellmark.example/alerts.atom");
		CHECK_INT(xp_count(doc, "/a:feed/a:entry"), 2);
		CHECK_STR(xp(doc, "/a:feed/a:entry[1]/a:id", b, sizeof b),
			  "tag:alerts.vellmark.example,2026:alerts/PT-20261201T000000Z-0000abcd");
		/* the text comes back as given: escaped by the writer */
		CHECK_STR(xp(doc, "/a:feed/a:entry[1]/a:title", b, sizeof b),
			  "Armed attack at <Orrinford> Arena & nearby");
		CHECK_STR(xp(doc, "/a:feed/a:entry[1]/a:summary", b, sizeof b), "Run, hide, tell.");
		CHECK_STR(xp(doc, "/a:feed/a:entry[1]/a:link[@rel='alternate']/@type", b, sizeof b),
			  "application/cap+xml");
		CHECK_STR(xp(doc, "/a:feed/a:entry[1]/a:link/@href", b, sizeof b),
			  "https://alerts.vellmark.example/alerts/PT-20261201T000000Z-0000abcd.cap");
		/* the second entry: the chain's id, the latest message's link, no summary */
		CHECK_STR(xp(doc, "/a:feed/a:entry[2]/a:id", b, sizeof b),
			  "tag:alerts.vellmark.example,2026:alerts/PT-20261130T230000Z-00001234");
		CHECK_STR(xp(doc, "/a:feed/a:entry[2]/a:link/@href", b, sizeof b),
			  "https://alerts.vellmark.example/alerts/PT-20261130T233000Z-00005678.cap");
		CHECK_STR(xp(doc, "/a:feed/a:entry[2]/a:updated", b, sizeof b), "2026-11-30T23:30:00Z");
		CHECK_INT(xp_count(doc, "/a:feed/a:entry[2]/a:summary"), 0);
		xmlFreeDoc(doc);
	}
	free(out);
}

static void test_empty_and_bad(void)
{
	struct pt_alert_feed_head h = {"http://127.0.0.1:8080", "crisis-centre@vellmark.example",
				       1796083200};
	struct pt_alert_feed_entry e = {"PT-1", "bad id/..", "t", NULL, 1796083200};
	char *out = NULL, b[256];
	size_t len = 0;
	xmlDocPtr doc;
	CHECK_INT(pt_alert_feed_write(&h, NULL, 0, &out, &len), PT_OK);
	doc = out ? xmlReadMemory(out, (int)len, "feed.atom", NULL, XML_PARSE_NONET) : NULL;
	CHECK(doc != NULL);
	if (doc) {
		CHECK_INT(xp_count(doc, "/a:feed/a:entry"), 0);
		CHECK_STR(xp(doc, "/a:feed/a:id", b, sizeof b), "tag:127.0.0.1,2026:alerts");
		xmlFreeDoc(doc);
	}
	free(out);
	out = NULL;
	/* an identifier that would change the link or the tag URI */
	CHECK_INT(pt_alert_feed_write(&h, &e, 1, &out, &len), PT_EINVAL);
	CHECK(out == NULL);
	h.public_url = "javascript:alert(1)";
	CHECK_INT(pt_alert_feed_write(&h, NULL, 0, &out, &len), PT_EINVAL);
	CHECK(out == NULL);
}

static void test_texts(void)
{
	struct pt_cap_info info[2];
	struct pt_cap_alert a;
	const char *headline, *summary;
	memset(&a, 0, sizeof a);
	memset(info, 0, sizeof info);
	info[0].language.s = (char *)"mk";
	info[0].headline.s = (char *)"Напад";
	info[1].language.s = (char *)"en";
	info[1].headline.s = (char *)"Attack";
	info[1].description.s = (char *)"What happened";
	a.info = info;
	a.n_info = 2;
	pt_alert_feed_texts(&a, "en", &headline, &summary);
	CHECK_STR(headline, "Attack");
	CHECK_STR(summary, "What happened");
	pt_alert_feed_texts(&a, "sq", &headline, &summary); /* no such language: the first */
	CHECK_STR(headline, "Напад");
	CHECK(summary == NULL);
	a.n_info = 0; /* a Cancel */
	pt_alert_feed_texts(&a, "en", &headline, &summary);
	CHECK(headline == NULL && summary == NULL);
}

/* Review fix: a Cancel's title names the event and the area, not the old headline. */
static void test_cancel_title(void)
{
	struct pt_cap_info info[2];
	struct pt_cap_area area[2];
	struct pt_cap_alert a;
	char *t;
	memset(&a, 0, sizeof a);
	memset(info, 0, sizeof info);
	memset(area, 0, sizeof area);
	info[0].language.s = (char *)"mk";
	info[0].event.s = (char *)"Вооружен напад";
	info[1].language.s = (char *)"en";
	info[1].event.s = (char *)"Armed attack";
	info[1].headline.s = (char *)"Armed attack at Kessling Wind Farm: Run, Hide, Tell";
	area[1].desc.s = (char *)"Kessling Wind Farm and 1 km around it";
	info[1].area = &area[1];
	info[1].n_area = 1;
	a.info = info;
	a.n_info = 2;
	t = pt_alert_feed_cancel_title(&a, "en");
	CHECK_STR(t ? t : "", "Cancelled: Armed attack \xE2\x80\x93 Kessling Wind Farm and 1 km around it");
	free(t);
	info[1].n_area = 0; /* no area: the event alone */
	t = pt_alert_feed_cancel_title(&a, "en");
	CHECK_STR(t ? t : "", "Cancelled: Armed attack");
	free(t);
	info[1].event.s = NULL; /* neither: the headline */
	t = pt_alert_feed_cancel_title(&a, "en");
	CHECK_STR(t ? t : "", "Cancelled: Armed attack at Kessling Wind Farm: Run, Hide, Tell");
	free(t);
	a.n_info = 0;
	CHECK(pt_alert_feed_cancel_title(&a, "en") == NULL);
}

int main(void)
{
	pt_alert_feed_init();
	RUN(test_tag_host);
	RUN(test_feed);
	RUN(test_empty_and_bad);
	RUN(test_texts);
	RUN(test_cancel_title);
	xmlCleanupParser();
	return TEST_SUMMARY("test_alert_feed");
}
