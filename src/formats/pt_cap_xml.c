/* pt_cap_xml.c - CAP 1.2 XML with libxml2: the reader checks the structure of
 * cap12.xsd by hand (no schema is loaded) and refuses DTDs; the writer lays out as xmlTextWriter. */
#include "pt_cap_xml.h"
#include "pt_cap_xml_int.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/entities.h>

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* ---- the sequences of cap12.xsd ---- */

struct seq {
	const char *name;            /* the complex element */
	const char *const *children; /* in schema order */
	const unsigned char *unbounded;
	int n;
};

static const char *const alert_names[] = { "identifier", "sender",    "sent",	    "status",
					   "msgType",	 "source",    "scope",	    "restriction",
					   "addresses",	 "code",      "note",	    "references",
					   "incidents",	 "info" };
static const unsigned char alert_unb[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1 };
static const char *const info_names[] = {
	"language", "category", "event",     "responseType", "urgency",	    "severity",
	"certainty", "audience", "eventCode", "effective",    "onset",	    "expires",
	"senderName", "headline", "description", "instruction", "web",	    "contact",
	"parameter", "resource", "area"
};
static const unsigned char info_unb[] = { 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0,
					  0, 0, 0, 0, 0, 0, 0, 1, 1, 1 };
static const char *const resource_names[] = { "resourceDesc", "mimeType", "size",
					       "uri",	       "derefUri", "digest" };
static const unsigned char resource_unb[] = { 0, 0, 0, 0, 0, 0 };
static const char *const area_names[] = { "areaDesc", "polygon",  "circle",
					  "geocode",  "altitude", "ceiling" };
static const unsigned char area_unb[] = { 0, 1, 1, 1, 0, 0 };
static const char *const pair_names[] = { "valueName", "value" };
static const unsigned char pair_unb[] = { 0, 0 };

static const struct seq SEQ_ALERT = { "alert", alert_names, alert_unb, 14 };
static const struct seq SEQ_INFO = { "info", info_names, info_unb, 21 };
static const struct seq SEQ_RESOURCE = { "resource", resource_names, resource_unb, 6 };
static const struct seq SEQ_AREA = { "area", area_names, area_unb, 6 };
static const struct seq SEQ_PAIR = { "pair", pair_names, pair_unb, 2 };

/* ---- reader state ---- */

struct rd {
	struct pt_cap_problems *p;
	enum pt_err err; /* first hard failure (PT_ELIMIT, PT_ENOMEM) */
	int doctype;
	struct pt_cap_alert *a; /* the model being filled: its block holds every text */
	const xmlNs *cap_ns;    /* a namespace node already found to be CAP's (compared by address first) */
};

__attribute__((format(printf, 4, 5))) static void schema(struct rd *r, long line,
							  const char *el, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pt_cap_problem_add(r->p, PT_CAP_SCHEMA, line, el, msg);
}
#define SCHEMA(r, line, el, fmt, a, b) schema(r, line, el, fmt, a, b)

static long line_of(const xmlNode *n)
{
	/* libxml2 keeps lines below 65535 in the node; xmlGetLineNo for the others */
	return n->line != 65535 ? (long)n->line : xmlGetLineNo(n);
}

static int is_cap(const xmlNode *n)
{
	return n->ns && n->ns->href && strcmp((const char *)n->ns->href, PT_CAP_NS) == 0;
}

/* is_cap, remembering the namespace node: a document declares it once or a few times. */
static int is_cap_r(struct rd *r, const xmlNode *n)
{
	if (n->ns && n->ns == r->cap_ns)
		return 1;
	if (!is_cap(n))
		return 0;
	r->cap_ns = n->ns;
	return 1;
}

static int is_dsig(const xmlNode *n)
{
	return n->ns && n->ns->href && strcmp((const char *)n->ns->href, PT_CAP_DSIG_NS) == 0;
}

static int blank(const xmlChar *s)
{
	/* strspn scans many bytes a step (the whitespace between elements is
	 * often a newline and dozens of spaces) */
	return !s || s[strspn((const char *)s, " \t\n\r")] == '\0';
}

/* Two element names equal (short strings: no call to strcmp). */
static inline int name_eq(const char *a, const char *b)
{
	if (*a != *b) /* most names differ at once */
		return 0;
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Attributes on a CAP element: the schema declares none; xsi:schemaLocation
 * and xsi:noNamespaceSchemaLocation are hints libxml2's validator ignores. */
static void check_attributes(struct rd *r, const xmlNode *n)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->ns && a->ns->href && strcmp((const char *)a->ns->href, XSI_NS) == 0 &&
		    (strcmp((const char *)a->name, "schemaLocation") == 0 ||
		     strcmp((const char *)a->name, "noNamespaceSchemaLocation") == 0))
			continue;
		SCHEMA(r, line_of(n), (const char *)n->name, "attribute %s%s is not allowed",
		       (const char *)a->name, "");
	}
}

/* The text of a simple-typed element into t, in the message's block (children
 * that are elements are a schema problem). */
static void take_text(struct rd *r, const xmlNode *n, struct pt_cap_text *t)
{
	size_t len = 0, one_len = 0;
	const xmlNode *one = NULL; /* the only text child, the usual case */
	int bad = 0, texts = 0;
	if (n->properties)
		check_attributes(r, n);
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content) {
				one = c;
				one_len = strlen((const char *)c->content);
				len += one_len;
				texts++;
			}
		} else if (c->type == XML_ELEMENT_NODE) {
			if (!bad)
				SCHEMA(r, line_of(c), (const char *)n->name,
				       "element %s is not allowed inside %s", (const char *)c->name,
				       (const char *)n->name);
			bad = 1;
		} else if (c->type == XML_ENTITY_REF_NODE) {
			SCHEMA(r, line_of(n), (const char *)n->name,
			       "entity reference %s%s is not allowed", (const char *)c->name, "");
		}
	}
	if (len > PT_CAP_TEXT_MAX) {
		if (r->err == PT_OK)
			r->err = PT_ELIMIT;
		pt_cap_problem_add(r->p, PT_CAP_SCHEMA, line_of(n), (const char *)n->name,
				   "text longer than 65536 bytes");
		return;
	}
	if (t->s) /* repeated (already reported): keep the first */
		return;
	char *s = pt_cap_alert_alloc(r->a, len + 1);
	if (!s) {
		r->err = PT_ENOMEM;
		return;
	}
	if (texts == 1) {
		memcpy(s, one->content, one_len);
	} else if (texts > 1) {
		size_t k = 0;
		for (const xmlNode *c = n->children; c; c = c->next)
			if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
			    c->content) {
				size_t m = strlen((const char *)c->content);
				memcpy(s + k, c->content, m);
				k += m;
			}
	}
	s[len] = '\0';
	t->s = s;
	t->line = line_of(n);
}

/* Append one zeroed element to an array of the model (in its block). */
static enum pt_err grow(struct rd *r, void *arr, size_t *n, size_t sz, size_t max, void *out)
{
	return pt_cap_alert_grow(r->a, (void **)arr, n, sz, max, (void **)out);
}

static void add_text(struct rd *r, const xmlNode *n, struct pt_cap_text **arr, size_t *cnt)
{
	struct pt_cap_text *t;
	enum pt_err e = grow(r, arr, cnt, sizeof(**arr), PT_CAP_MAX_REPEAT, &t);
	if (e != PT_OK) {
		if (r->err == PT_OK)
			r->err = e;
		if (e == PT_ELIMIT)
			pt_cap_problem_add(r->p, PT_CAP_SCHEMA, line_of(n), (const char *)n->name,
					   "more than 256 of this element");
		return;
	}
	take_text(r, n, t);
}

/*
 * Walk the element children of n as the sequence s: calls fill(ctx, index,
 * child) for each child of the sequence (even out of order, so its value is
 * checked too) and reports unknown, misplaced and repeated elements and
 * non-blank text. Returns the first signature-namespace child when
 * allow_dsig (the alert's wildcard), else NULL.
 */
static const xmlNode *walk_seq(struct rd *r, const xmlNode *n, const struct seq *s, int depth,
			       void (*fill)(struct rd *, void *, int, const xmlNode *, int),
			       void *ctx, int allow_dsig)
{
	int pos = -1;
	if (n->properties)
		check_attributes(r, n);
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (r->err != PT_OK)
			return NULL;
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (!blank(c->content))
				SCHEMA(r, line_of(c), (const char *)n->name,
				       "text is not allowed between the elements of %s%s",
				       (const char *)n->name, "");
			continue;
		}
		if (c->type == XML_ENTITY_REF_NODE) {
			SCHEMA(r, line_of(n), (const char *)n->name,
			       "entity reference %s%s is not allowed", (const char *)c->name, "");
			continue;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (allow_dsig && is_dsig(c))
			return c;
		int j = -1;
		if (is_cap_r(r, c)) {
			/* the names of a sequence differ, so the order of the search
			 * only saves time: from the element after the current one (or
			 * the current one when it repeats), the usual next element */
			const char *name = (const char *)c->name;
			int from = pos < 0 ? 0 : s->unbounded[pos] ? pos : pos + 1;
			for (int k = 0; k < s->n; k++) {
				int i = from + k;
				if (i >= s->n)
					i -= s->n;
				if (name_eq(name, s->children[i])) {
					j = i;
					break;
				}
			}
		}
		if (j < 0) {
			if (is_cap_r(r, c) || !c->ns)
				SCHEMA(r, line_of(c), (const char *)c->name,
				       "element %s is not allowed in %s", (const char *)c->name,
				       (const char *)n->name);
			else
				SCHEMA(r, line_of(c), (const char *)c->name,
				       "element %s of namespace %s is not allowed here",
				       (const char *)c->name, (const char *)c->ns->href);
			continue;
		}
		if (j == pos && !s->unbounded[j]) {
			SCHEMA(r, line_of(c), (const char *)c->name,
			       "element %s may appear only once in %s", (const char *)c->name,
			       (const char *)n->name);
			continue;
		}
		if (j < pos) {
			SCHEMA(r, line_of(c), (const char *)c->name,
			       "element %s is out of order: it must come before %s",
			       (const char *)c->name, s->children[pos]);
		} else {
			pos = j;
		}
		fill(r, ctx, j, c, depth + 1);
	}
	return NULL;
}

static void check_depth(struct rd *r, const xmlNode *n, int depth)
{
	if (depth > PT_CAP_XML_DEPTH && r->err == PT_OK) {
		r->err = PT_ELIMIT;
		pt_cap_problem_add(r->p, PT_CAP_SCHEMA, line_of(n), (const char *)n->name,
				   "elements nested too deep");
	}
}

static void fill_pair(struct rd *r, void *ctx, int j, const xmlNode *c, int depth)
{
	struct pt_cap_pair *pr = ctx;
	check_depth(r, c, depth);
	take_text(r, c, j == 0 ? &pr->name : &pr->value);
}

static void read_pair(struct rd *r, const xmlNode *c, struct pt_cap_pair **arr, size_t *cnt,
		      int depth)
{
	struct pt_cap_pair *pr;
	enum pt_err e = grow(r, arr, cnt, sizeof(**arr), PT_CAP_MAX_REPEAT, &pr);
	if (e != PT_OK) {
		if (r->err == PT_OK)
			r->err = e;
		return;
	}
	pr->line = line_of(c);
	walk_seq(r, c, &SEQ_PAIR, depth, fill_pair, pr, 0);
}

static void fill_resource(struct rd *r, void *ctx, int j, const xmlNode *c, int depth)
{
	struct pt_cap_resource *re = ctx;
	struct pt_cap_text *f[] = { &re->desc, &re->mime_type, &re->size,
				    &re->uri,  &re->deref_uri, &re->digest };
	check_depth(r, c, depth);
	take_text(r, c, f[j]);
}

static void fill_area(struct rd *r, void *ctx, int j, const xmlNode *c, int depth)
{
	struct pt_cap_area *ar = ctx;
	check_depth(r, c, depth);
	switch (j) {
	case 0: take_text(r, c, &ar->desc); break;
	case 1: add_text(r, c, &ar->polygon, &ar->n_polygon); break;
	case 2: add_text(r, c, &ar->circle, &ar->n_circle); break;
	case 3: read_pair(r, c, &ar->geocode, &ar->n_geocode, depth); break;
	case 4: take_text(r, c, &ar->altitude); break;
	default: take_text(r, c, &ar->ceiling); break;
	}
}

static void fill_info(struct rd *r, void *ctx, int j, const xmlNode *c, int depth)
{
	struct pt_cap_info *in = ctx;
	enum pt_err e;
	check_depth(r, c, depth);
	switch (j) {
	case 0: take_text(r, c, &in->language); break;
	case 1: add_text(r, c, &in->category, &in->n_category); break;
	case 2: take_text(r, c, &in->event); break;
	case 3: add_text(r, c, &in->response, &in->n_response); break;
	case 4: take_text(r, c, &in->urgency); break;
	case 5: take_text(r, c, &in->severity); break;
	case 6: take_text(r, c, &in->certainty); break;
	case 7: take_text(r, c, &in->audience); break;
	case 8: read_pair(r, c, &in->event_code, &in->n_event_code, depth); break;
	case 9: take_text(r, c, &in->effective); break;
	case 10: take_text(r, c, &in->onset); break;
	case 11: take_text(r, c, &in->expires); break;
	case 12: take_text(r, c, &in->sender_name); break;
	case 13: take_text(r, c, &in->headline); break;
	case 14: take_text(r, c, &in->description); break;
	case 15: take_text(r, c, &in->instruction); break;
	case 16: take_text(r, c, &in->web); break;
	case 17: take_text(r, c, &in->contact); break;
	case 18: read_pair(r, c, &in->parameter, &in->n_parameter, depth); break;
	case 19: {
		struct pt_cap_resource *re;
		e = grow(r, &in->resource, &in->n_resource, sizeof(*re), PT_CAP_MAX_REPEAT, &re);
		if (e != PT_OK) {
			if (r->err == PT_OK)
				r->err = e;
			return;
		}
		re->line = line_of(c);
		walk_seq(r, c, &SEQ_RESOURCE, depth, fill_resource, re, 0);
		break;
	}
	default: {
		struct pt_cap_area *ar;
		e = grow(r, &in->area, &in->n_area, sizeof(*ar), PT_CAP_MAX_REPEAT, &ar);
		if (e != PT_OK) {
			if (r->err == PT_OK)
				r->err = e;
			return;
		}
		ar->line = line_of(c);
		walk_seq(r, c, &SEQ_AREA, depth, fill_area, ar, 0);
		break;
	}
	}
}

static void fill_alert(struct rd *r, void *ctx, int j, const xmlNode *c, int depth)
{
	struct pt_cap_alert *a = ctx;
	struct pt_cap_text *f[] = { &a->identifier, &a->sender, &a->sent,    &a->status,
				    &a->msg_type,   &a->source, &a->scope,   &a->restriction,
				    &a->addresses,  NULL,	&a->note,    &a->references,
				    &a->incidents };
	check_depth(r, c, depth);
	if (j == 9) {
		add_text(r, c, &a->code, &a->n_code);
	} else if (j == 13) {
		struct pt_cap_info *in;
		enum pt_err e = grow(r, &a->info, &a->n_info, sizeof(*in), PT_CAP_MAX_INFO, &in);
		if (e != PT_OK) {
			if (r->err == PT_OK)
				r->err = e;
			if (e == PT_ELIMIT)
				pt_cap_problem_add(r->p, PT_CAP_SCHEMA, line_of(c), "info",
						   "more than 32 info blocks");
			return;
		}
		in->line = line_of(c);
		walk_seq(r, c, &SEQ_INFO, depth, fill_info, in, 0);
	} else {
		take_text(r, c, f[j]);
	}
}

/* Depth of the deepest element under n (n counts 1), stopping past limit. */
static int tree_depth(const xmlNode *n, int limit)
{
	int best = 0;
	if (limit <= 0)
		return 1;
	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE) {
			int d = tree_depth(c, limit - 1);
			if (d > best)
				best = d;
			if (best >= limit)
				break;
		}
	return best + 1;
}

/* ns is declared on one of the nodes under n (n included). */
static int declared_under(const xmlNode *n, const xmlNs *ns)
{
	for (const xmlNs *d = n->nsDef; d; d = d->next)
		if (d == ns)
			return 1;
	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && declared_under(c, ns))
			return 1;
	return 0;
}

/* Every namespace that n and the elements and attributes under it use is
 * declared under top: the subtree serialises the same on its own, no copy
 * into a document of its own needed. */
static int self_contained(const xmlNode *top, const xmlNode *n)
{
	if (n->ns && !declared_under(top, n->ns))
		return 0;
	for (const xmlAttr *a = n->properties; a; a = a->next)
		if (a->ns && !declared_under(top, a->ns))
			return 0;
	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !self_contained(top, c))
			return 0;
	return 1;
}

/* ---- a growing buffer (the signature here, the whole document in the writer) ---- */

struct wb {
	char *s;
	size_t n, cap;
	int err;
};

static void put(struct wb *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->cap - b->n <= n) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap - b->n <= n)
			cap *= 2;
		char *g = realloc(b->s, cap);
		if (!g) {
			b->err = 1;
			return;
		}
		b->s = g;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
}

static void puts_(struct wb *b, const char *s)
{
	put(b, s, strlen(s));
}

/*
 * The serialisation of a signature subtree, byte for byte what libxml2's
 * xmlNodeDump(buf, doc, n, 0, 0) writes for it (libxml2 2.9's
 * xmlNodeDumpOutputInternal without formatting): "<" [prefix ":"] name, the
 * namespace declarations " xmlns[:prefix]=\"href\"" (none for the prefix
 * xml), the attributes " [prefix:]name=\"value\"", then "/>" for an element
 * without children, else ">" children "</" [prefix ":"] name ">"; comments
 * as "<!--" content "-->"; texts as they are. Whatever would be escaped
 * goes through libxml2 itself: a text holding <, >, & or CR is dumped by
 * xmlNodeDump on that text node, an attribute value holding <, >, &, ",
 * TAB, LF, CR or a byte >= 0x80 by xmlAttrSerializeTxtContent. Anything
 * else (an entity reference, a processing instruction, CDATA, a namespace
 * href holding a quote, an attribute that is not plain text, libxml2's
 * xmlSaveNoEmptyTags set) returns 0 and the caller lets xmlNodeDump write
 * the whole subtree. test_cap_xml compares the two on the fixtures and on
 * subtrees made to hold each of these cases.
 */
static unsigned char attr_special[256];
static pthread_once_t special_once = PTHREAD_ONCE_INIT;

static void special_init(void)
{
	for (int c = 0x80; c < 256; c++)
		attr_special[c] = 1;
	attr_special['<'] = attr_special['>'] = attr_special['&'] = attr_special['"'] = 1;
	attr_special['\t'] = attr_special['\n'] = attr_special['\r'] = 1;
}

/* s holds a byte marked in tab; *len gets its length. */
static int has_special(const unsigned char *tab, const xmlChar *s, size_t *len)
{
	const xmlChar *p = s;
	int any = 0;
	for (; *p; p++)
		any |= tab[*p];
	*len = (size_t)(p - s);
	return any;
}

/* libxml2's scratch buffer, made at the first escape */
static xmlBufferPtr scratch(xmlBufferPtr *tmp)
{
	if (!*tmp)
		*tmp = xmlBufferCreate();
	return *tmp;
}

/* Append what libxml2 wrote into tmp, then empty it. */
static int put_libxml(struct wb *b, xmlBufferPtr tmp)
{
	int n = xmlBufferLength(tmp);
	if (n < 0)
		return 0;
	put(b, (const char *)xmlBufferContent(tmp), (size_t)n);
	xmlBufferEmpty(tmp);
	return 1;
}

static void put_qname(struct wb *b, const xmlNode *n)
{
	if (n->ns && n->ns->prefix) {
		puts_(b, (const char *)n->ns->prefix);
		put(b, ":", 1);
	}
	puts_(b, (const char *)n->name);
}

static int dump_fast(struct wb *b, xmlBufferPtr *tmp, const xmlNode *n)
{
	size_t len;
	switch (n->type) {
	case XML_TEXT_NODE:
		if (!n->content)
			return 1;
		if (n->name != xmlStringText)
			return 0;
		/* strcspn scans many bytes a step (base64 values run for kilobytes) */
		len = strcspn((const char *)n->content, "<>&\r");
		if (n->content[len]) {
			if (!scratch(tmp) || xmlNodeDump(*tmp, n->doc, (xmlNodePtr)n, 0, 0) < 0)
				return 0;
			return put_libxml(b, *tmp);
		}
		put(b, (const char *)n->content, len);
		return 1;
	case XML_COMMENT_NODE:
		if (n->content) {
			put(b, "<!--", 4);
			puts_(b, (const char *)n->content);
			put(b, "-->", 3);
		}
		return 1;
	case XML_ELEMENT_NODE:
		break;
	default:
		return 0;
	}
	put(b, "<", 1);
	put_qname(b, n);
	for (const xmlNs *d = n->nsDef; d; d = d->next) {
		if (d->type != XML_NAMESPACE_DECL || !d->href)
			return 0;
		if (d->prefix && strcmp((const char *)d->prefix, "xml") == 0)
			continue;
		if (strchr((const char *)d->href, '"'))
			return 0;
		put(b, " xmlns", 6);
		if (d->prefix) {
			put(b, ":", 1);
			puts_(b, (const char *)d->prefix);
		}
		put(b, "=\"", 2);
		puts_(b, (const char *)d->href);
		put(b, "\"", 1);
	}
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->type != XML_ATTRIBUTE_NODE)
			return 0;
		put(b, " ", 1);
		if (a->ns && a->ns->prefix) {
			puts_(b, (const char *)a->ns->prefix);
			put(b, ":", 1);
		}
		puts_(b, (const char *)a->name);
		put(b, "=\"", 2);
		for (const xmlNode *t = a->children; t; t = t->next) {
			if (t->type != XML_TEXT_NODE)
				return 0;
			if (!t->content)
				continue;
			if (has_special(attr_special, t->content, &len)) {
				if (!scratch(tmp))
					return 0;
				xmlAttrSerializeTxtContent(*tmp, a->doc, (xmlAttrPtr)a, t->content);
				if (!put_libxml(b, *tmp))
					return 0;
			} else {
				put(b, (const char *)t->content, len);
			}
		}
		put(b, "\"", 1);
	}
	if (!n->children) {
		put(b, "/>", 2);
		return 1;
	}
	put(b, ">", 1);
	for (const xmlNode *c = n->children; c; c = c->next)
		if (!dump_fast(b, tmp, c))
			return 0;
	put(b, "</", 2);
	put_qname(b, n);
	put(b, ">", 1);
	return 1;
}

/* n serialised into b as xmlNodeDump(buf, n->doc, n, 0, 0) would: by dump_fast
 * when it can, else by libxml2. Returns 0 when out of memory. */
static int dump_node(struct wb *b, const xmlNode *n)
{
	size_t at = b->n;
	int ok;
	xmlBufferPtr tmp = NULL;
	pthread_once(&special_once, special_init);
	if (!xmlSaveNoEmptyTags && dump_fast(b, &tmp, n)) {
		ok = !b->err;
	} else {
		b->n = at; /* libxml2 writes the whole subtree */
		if (tmp)
			xmlBufferEmpty(tmp);
		ok = !b->err && scratch(&tmp) && xmlNodeDump(tmp, n->doc, (xmlNodePtr)n, 0, 0) >= 0 &&
		     put_libxml(b, tmp) && !b->err;
	}
	xmlBufferFree(tmp);
	return ok;
}

/* The signature-namespace elements from first on, serialised one after the
 * other (each with the namespace declarations it uses). */
static void take_signature(struct rd *r, const xmlNode *first, struct pt_cap_alert *a,
			   int depth)
{
	struct wb buf = { NULL, 0, 0, 0 };
	for (const xmlNode *c = first; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (!blank(c->content))
				SCHEMA(r, line_of(c), "alert",
				       "text is not allowed between the elements of %s%s", "alert", "");
			continue;
		}
		if (c->type == XML_ENTITY_REF_NODE) {
			SCHEMA(r, line_of(first), "alert", "entity reference %s%s is not allowed",
			       (const char *)c->name, "");
			continue;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!is_dsig(c)) {
			SCHEMA(r, line_of(c), (const char *)c->name,
			       "element %s is not allowed after the signature in %s",
			       (const char *)c->name, "alert");
			continue;
		}
		if (depth + tree_depth(c, PT_CAP_XML_DEPTH) > PT_CAP_XML_DEPTH) {
			check_depth(r, c, PT_CAP_XML_DEPTH + 1);
			break;
		}
		if (buf.n > 0)
			put(&buf, "\n", 1);
		if (self_contained(c, c)) { /* the usual: <Signature xmlns="...xmldsig#"> */
			if (!dump_node(&buf, c)) {
				r->err = PT_ENOMEM;
				break;
			}
			continue;
		}
		xmlDocPtr tmp = xmlNewDoc(BAD_CAST "1.0");
		xmlNodePtr copy = tmp ? xmlDocCopyNode((xmlNodePtr)c, tmp, 1) : NULL;
		if (!copy) {
			xmlFreeDoc(tmp);
			r->err = PT_ENOMEM;
			break;
		}
		xmlDocSetRootElement(tmp, copy);
		int ok = dump_node(&buf, copy);
		xmlFreeDoc(tmp);
		if (!ok) {
			r->err = PT_ENOMEM;
			break;
		}
	}
	size_t n = buf.n;
	if (buf.err && r->err == PT_OK)
		r->err = PT_ENOMEM;
	if (r->err == PT_OK && n > 0) {
		a->signature = pt_cap_alert_alloc(a, n + 1);
		if (!a->signature) {
			r->err = PT_ENOMEM;
		} else {
			memcpy(a->signature, buf.s, n);
			a->signature[n] = '\0';
			a->signature_len = n;
		}
	}
	free(buf.s);
}

/* The problems in document order (stable: the structure's before the values' on one line). */
static void sort_by_line(struct pt_cap_problems *p)
{
	for (size_t i = 1; i < p->n; i++) {
		struct pt_cap_problem tmp = p->list[i];
		size_t j = i;
		while (j > 0 && p->list[j - 1].line > tmp.line) {
			p->list[j] = p->list[j - 1];
			j--;
		}
		p->list[j] = tmp;
	}
}

/* ---- libxml2 set-up ---- */

static xmlParserInputPtr no_entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(no_entity_loader);
}

/* libxml2's structured errors (well-formedness) become schema problems with their line. */
static void on_error(void *data, xmlErrorPtr err)
{
	xmlParserCtxtPtr ctxt = data;
	struct rd *r = ctxt ? ctxt->_private : NULL;
	if (!r || !err || err->level == XML_ERR_WARNING)
		return;
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "not well-formed XML");
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	pt_cap_problem_add(r->p, PT_CAP_SCHEMA, err->line, "xml", msg);
}

/* A DOCTYPE stops the parse at once: no entity of it is ever declared. */
static void on_doctype(void *data, const xmlChar *name, const xmlChar *ext_id,
		       const xmlChar *sys_id)
{
	xmlParserCtxtPtr ctxt = data;
	struct rd *r = ctxt->_private;
	(void)name;
	(void)ext_id;
	(void)sys_id;
	if (r && !r->doctype) {
		r->doctype = 1;
		pt_cap_problem_add(r->p, PT_CAP_SCHEMA, xmlSAX2GetLineNumber(ctxt), "alert",
				   "DOCTYPE is not allowed");
	}
	xmlStopParser(ctxt);
}

static void on_warning(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* The walk of the parsed tree doc (structure), then pt_cap_check (values). */
static enum pt_err read_tree(struct rd *r, const xmlDoc *doc, size_t hint,
			     struct pt_cap_alert **out)
{
	struct pt_cap_problems *p = r->p;
	struct pt_cap_alert *a = NULL;
	if (doc->intSubset || doc->extSubset) {
		pt_cap_problem_add(p, PT_CAP_SCHEMA, 1, "alert", "DOCTYPE is not allowed");
		return PT_EINVAL;
	}
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || !is_cap(root) || strcmp((const char *)root->name, "alert") != 0) {
		SCHEMA(r, root ? line_of(root) : 1, root ? (const char *)root->name : "xml",
		       "the root element must be alert of the CAP 1.2 namespace %s%s", PT_CAP_NS,
		       "");
		return PT_EINVAL;
	}
	if (pt_cap_alert_new_arena(&a, hint) != PT_OK)
		return PT_ENOMEM;
	r->a = a;
	a->line = line_of(root);
	const xmlNode *sig = walk_seq(r, root, &SEQ_ALERT, 1, fill_alert, a, 1);
	if (sig && r->err == PT_OK)
		take_signature(r, sig, a, 1);
	if (r->err != PT_OK) {
		pt_cap_alert_free(a);
		return r->err;
	}
	pt_cap_check(a, p);
	sort_by_line(p);
	*out = a;
	return PT_OK;
}

enum pt_err pt_cap_xml_read_doc(const xmlDoc *doc, struct pt_cap_alert **out,
				struct pt_cap_problems *p)
{
	struct rd r = { p, PT_OK, 0, NULL, NULL };
	*out = NULL;
	pt_cap_problems_clear(p);
	return read_tree(&r, doc, 0, out);
}

enum pt_err pt_cap_xml_read(const char *buf, size_t len, struct pt_cap_alert **out,
			    struct pt_cap_problems *p)
{
	struct rd r = { p, PT_OK, 0, NULL, NULL };
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	enum pt_err ret = PT_EINVAL;

	*out = NULL;
	pt_cap_problems_clear(p);
	if (len > PT_CAP_XML_MAX) {
		pt_cap_problem_add(p, PT_CAP_SCHEMA, 0, "alert", "larger than 1 MiB");
		return PT_ELIMIT;
	}
	if (len == 0) {
		pt_cap_problem_add(p, PT_CAP_SCHEMA, 1, "xml", "empty document");
		return PT_EINVAL;
	}
	pthread_once(&init_once, init_libxml);
	ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
	if (!ctxt)
		return PT_ENOMEM;
	ctxt->_private = &r;
	ctxt->sax->serror = on_error;
	ctxt->sax->warning = on_warning;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->externalSubset = NULL;
	ctxt->sax->resolveEntity = NULL;
	ctxt->vctxt.error = on_warning;
	ctxt->vctxt.warning = on_warning;
	/* No NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE. */
	/* COMPACT: short texts live in their node (fewer allocations, same tree). */
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |
					XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
	ctxt->sax->serror = on_error;
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (r.doctype) /* already reported */
		goto out;
	if (doc && (doc->intSubset || doc->extSubset)) {
		pt_cap_problem_add(p, PT_CAP_SCHEMA, 1, "alert", "DOCTYPE is not allowed");
		goto out;
	}
	if (!ctxt->wellFormed || !doc) {
		if (p->n_schema == 0)
			pt_cap_problem_add(p, PT_CAP_SCHEMA, 1, "xml", "not well-formed XML");
		goto out;
	}
	ret = read_tree(&r, doc, len, out);
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return ret;
}

/* ---- writer ---- */

/*
 * The document goes into one growing buffer, laid out exactly as libxml2's
 * xmlTextWriter lays it out with a two-space indent (what this writer used
 * before; test_cap_xml and the CLI's golden files hold those bytes): each
 * text element on its line, "<name/>" for an element without content, the
 * kept signature between two newlines. Text is escaped by libxml2's
 * xmlEncodeSpecialChars (what xmlTextWriterWriteString calls), skipped
 * when the text holds none of the five characters it escapes.
 */
static void indent(struct wb *b, int level)
{
	static const char sp[] = "                                ";
	put(b, sp, (size_t)level * 2 < sizeof(sp) - 1 ? (size_t)level * 2 : sizeof(sp) - 1);
}

static void w_text(struct wb *b, int level, const char *name, const struct pt_cap_text *t)
{
	if (!t->s)
		return;
	indent(b, level);
	put(b, "<", 1);
	puts_(b, name);
	put(b, ">", 1);
	if (strpbrk(t->s, "<>&\"\r")) {
		xmlChar *e = xmlEncodeSpecialChars(NULL, BAD_CAST t->s);
		if (!e)
			b->err = 1;
		else
			puts_(b, (const char *)e);
		xmlFree(e);
	} else {
		puts_(b, t->s);
	}
	put(b, "</", 2);
	puts_(b, name);
	put(b, ">\n", 2);
}

static void w_texts(struct wb *b, int level, const char *name, const struct pt_cap_text *t,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		w_text(b, level, name, &t[i]);
}

/* "<name>\n" now; w_close turns it into "<name/>\n" when nothing came in between. */
static size_t w_open(struct wb *b, int level, const char *name)
{
	indent(b, level);
	put(b, "<", 1);
	puts_(b, name);
	size_t at = b->n;
	put(b, ">\n", 2);
	return at;
}

static void w_close(struct wb *b, int level, const char *name, size_t at)
{
	if (b->err)
		return;
	if (b->n == at + 2) {
		b->n = at;
		put(b, "/>\n", 3);
		return;
	}
	indent(b, level);
	put(b, "</", 2);
	puts_(b, name);
	put(b, ">\n", 2);
}

static void w_pairs(struct wb *b, int level, const char *name, const struct pt_cap_pair *pr,
		    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t at = w_open(b, level, name);
		w_text(b, level + 1, "valueName", &pr[i].name);
		w_text(b, level + 1, "value", &pr[i].value);
		w_close(b, level, name, at);
	}
}

static void w_info(struct wb *b, const struct pt_cap_info *in)
{
	size_t at = w_open(b, 1, "info");
	w_text(b, 2, "language", &in->language);
	w_texts(b, 2, "category", in->category, in->n_category);
	w_text(b, 2, "event", &in->event);
	w_texts(b, 2, "responseType", in->response, in->n_response);
	w_text(b, 2, "urgency", &in->urgency);
	w_text(b, 2, "severity", &in->severity);
	w_text(b, 2, "certainty", &in->certainty);
	w_text(b, 2, "audience", &in->audience);
	w_pairs(b, 2, "eventCode", in->event_code, in->n_event_code);
	w_text(b, 2, "effective", &in->effective);
	w_text(b, 2, "onset", &in->onset);
	w_text(b, 2, "expires", &in->expires);
	w_text(b, 2, "senderName", &in->sender_name);
	w_text(b, 2, "headline", &in->headline);
	w_text(b, 2, "description", &in->description);
	w_text(b, 2, "instruction", &in->instruction);
	w_text(b, 2, "web", &in->web);
	w_text(b, 2, "contact", &in->contact);
	w_pairs(b, 2, "parameter", in->parameter, in->n_parameter);
	for (size_t i = 0; i < in->n_resource; i++) {
		const struct pt_cap_resource *r = &in->resource[i];
		size_t ra = w_open(b, 2, "resource");
		w_text(b, 3, "resourceDesc", &r->desc);
		w_text(b, 3, "mimeType", &r->mime_type);
		w_text(b, 3, "size", &r->size);
		w_text(b, 3, "uri", &r->uri);
		w_text(b, 3, "derefUri", &r->deref_uri);
		w_text(b, 3, "digest", &r->digest);
		w_close(b, 2, "resource", ra);
	}
	for (size_t i = 0; i < in->n_area; i++) {
		const struct pt_cap_area *ar = &in->area[i];
		size_t aa = w_open(b, 2, "area");
		w_text(b, 3, "areaDesc", &ar->desc);
		w_texts(b, 3, "polygon", ar->polygon, ar->n_polygon);
		w_texts(b, 3, "circle", ar->circle, ar->n_circle);
		w_pairs(b, 3, "geocode", ar->geocode, ar->n_geocode);
		w_text(b, 3, "altitude", &ar->altitude);
		w_text(b, 3, "ceiling", &ar->ceiling);
		w_close(b, 2, "area", aa);
	}
	w_close(b, 1, "info", at);
}

enum pt_err pt_cap_xml_write(const struct pt_cap_alert *a, char **out, size_t *len)
{
	struct wb b = { NULL, 0, 0, 0 };

	*out = NULL;
	*len = 0;
	pthread_once(&init_once, init_libxml);
	puts_(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<alert xmlns=\"" PT_CAP_NS "\"");
	size_t at = b.n;
	put(&b, ">\n", 2);
	w_text(&b, 1, "identifier", &a->identifier);
	w_text(&b, 1, "sender", &a->sender);
	w_text(&b, 1, "sent", &a->sent);
	w_text(&b, 1, "status", &a->status);
	w_text(&b, 1, "msgType", &a->msg_type);
	w_text(&b, 1, "source", &a->source);
	w_text(&b, 1, "scope", &a->scope);
	w_text(&b, 1, "restriction", &a->restriction);
	w_text(&b, 1, "addresses", &a->addresses);
	w_texts(&b, 1, "code", a->code, a->n_code);
	w_text(&b, 1, "note", &a->note);
	w_text(&b, 1, "references", &a->references);
	w_text(&b, 1, "incidents", &a->incidents);
	for (size_t i = 0; i < a->n_info; i++)
		w_info(&b, &a->info[i]);
	if (a->signature && a->signature_len) {
		/* The kept signature, byte for byte as it was read (opaque). */
		if (b.n == at + 2) /* no element before it: the start tag closes without a newline */
			b.n = at + 1;
		put(&b, "\n", 1);
		put(&b, a->signature, a->signature_len);
		put(&b, "\n</alert>\n", 10);
	} else {
		w_close(&b, 0, "alert", at);
	}
	put(&b, "", 1); /* the NUL after the bytes */
	if (b.err) {
		free(b.s);
		return PT_ENOMEM;
	}
	*out = b.s;
	*len = b.n - 1;
	return PT_OK;
}
