/* test_app_alerts.c - unit tests of src/app/pt_app_alerts*.c (issue 13): the
 * two-person rule, who may compose, hidden sites, Exercise messages, the
 * chain (update/cancel of the latest only, one pending), approval time, the
 * public feed over time, the exact bytes, three languages and warnings. */
#include <sodium.h>
#include <sqlite3.h>

#include "app/pt_app_alerts.h"
#include "app/pt_app_sites.h"
#include "app_fixture.h"
#include "store/pt_store_int.h"

struct world {
	struct pt_db *db;
	struct pt_caller pio1, pio2, coord, op, oppio, sys;
};

static struct pt_sites_import csv_in(const char *text)
{
	struct pt_sites_import in;
	memset(&in, 0, sizeof in);
	in.data = text;
	in.len = strlen(text);
	return in;
}

/* A government with pio1, pio2 and coord; an operator with op and its own pio (oppio);
 * the operator's sites S-GREEN, S-AMBER and S-RED. */
static int setup(struct world *w)
{
	static const char rows[] = SITES_HEADER
		"S-GREEN,Green Hall,soft_target,stadium_arena,Op,47.1,-12.1,North,100,50,0,1000000,GREEN\n"
		"S-AMBER,Amber Arena,soft_target,stadium_arena,Op,47.2,-12.2,North,100,50,0,1000000,AMBER\n"
		"S-RED,Red Depot,soft_target,stadium_arena,Op,47.3,-12.3,North,100,50,0,1000000,RED\n";
	struct pt_sites_import in = csv_in(rows);
	struct pt_sites_import_result res;
	struct pt_diag d;
	long long gov, op;
	memset(&d, 0, sizeof d);
	memset(w, 0, sizeof *w);
	if (!(w->db = fx_open()))
		return 1;
	gov = fx_org(w->db, "Gov", PT_ORG_GOVERNMENT);
	op = fx_org(w->db, "Op", PT_ORG_OPERATOR);
	fx_user(w->db, "pio1", PT_ROLE_PIO, gov);
	fx_user(w->db, "pio2", PT_ROLE_PIO, gov);
	fx_user(w->db, "coord", PT_ROLE_COORDINATOR, gov);
	fx_user(w->db, "op", PT_ROLE_OPERATOR, op);
	fx_user(w->db, "oppio", PT_ROLE_PIO, op);
	pt_caller_system(&w->sys);
	CHECK_INT(pt_app_sites_import(&w->sys, w->db, &in, &res, &d), PT_OK);
	w->pio1 = fx_caller(w->db, "pio1");
	w->pio2 = fx_caller(w->db, "pio2");
	w->coord = fx_caller(w->db, "coord");
	w->op = fx_caller(w->db, "op");
	w->oppio = fx_caller(w->db, "oppio");
	w->sys.now = T0;
	return 0;
}

static struct pt_app_alert_opts opts(const char *tpl, const char *site)
{
	struct pt_app_alert_opts o;
	memset(&o, 0, sizeof o);
	o.template_id = tpl;
	o.site_id = site;
	return o;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;
	while (p && (p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* A new armed-attack alert for site by c at now, approved by b at now (b NULL: left pending). */
static struct pt_app_alert *issue(struct world *w, struct pt_caller *c, struct pt_caller *b,
				  const char *site, int64_t now)
{
	struct pt_app_alert_opts o = opts("armed-attack", site);
	struct pt_app_alert *r = NULL, *a = NULL;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	c->now = now;
	CHECK_INT(pt_app_alert_new(c, w->db, &o, 0, &r, &d), PT_OK);
	if (!r || !b)
		return r;
	b->now = now;
	CHECK_INT(pt_app_alert_approve(b, w->db, r->identifier, &a, &d), PT_OK);
	pt_app_alert_free(r);
	return a;
}

static void test_two_person_rule(void)
{
	struct world w;
	struct pt_app_alert_opts o = opts("armed-attack", "S-GREEN");
	struct pt_app_alert *r = NULL, *a = NULL, *s = NULL;
	struct pt_diag d;
	char hex[65];
	unsigned char h[32];
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	/* an operator, and an operator's pio, may not compose */
	CHECK_INT(pt_app_alert_new(&w.op, w.db, &o, 0, &r, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_app_alert_new(&w.oppio, w.db, &o, 0, &r, &d), PT_EFORBIDDEN);
	CHECK(r == NULL);
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 0, &r, &d), PT_OK);
	if (!r)
		return;
	CHECK_INT(r->state, PT_APP_ALERT_PENDING);
	CHECK_STR(r->composer, "pio1");
	CHECK_STR(r->approver, "");
	CHECK(!r->in_feed);
	/* the hash is of the exact bytes */
	crypto_hash_sha256(h, (const unsigned char *)r->xml, r->xml_len);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	CHECK_STR(r->sha256, hex);
	CHECK_INT(fx_audited(w.db, "alert.compose", r->identifier), 1);
	/* the composer may not approve; an operator (or its pio) does not even see the draft */
	CHECK_INT(pt_app_alert_approve(&w.pio1, w.db, r->identifier, &a, &d), PT_EFORBIDDEN);
	CHECK_STR(d.field, "same_person");
	CHECK_INT(pt_app_alert_approve(&w.op, w.db, r->identifier, &a, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_alert_approve(&w.oppio, w.db, r->identifier, &a, &d), PT_ENOTFOUND);
	CHECK(a == NULL);
	CHECK_INT(fx_audited(w.db, "refused", r->identifier), 1); /* the composer's attempt */
	/* another pio approves: the same bytes are issued */
	w.pio2.now = T0 + 60;
	CHECK_INT(pt_app_alert_approve(&w.pio2, w.db, r->identifier, &a, &d), PT_OK);
	if (a) {
		CHECK_INT(a->state, PT_APP_ALERT_ISSUED);
		CHECK_STR(a->approver, "pio2");
		CHECK_INT(a->xml_len, r->xml_len);
		CHECK(a->xml && memcmp(a->xml, r->xml, r->xml_len) == 0);
		CHECK_STR(a->sha256, r->sha256);
		CHECK(a->in_feed);
		CHECK(a->latest);
	}
	CHECK_INT(fx_audited(w.db, "alert.approve", r->identifier), 1);
	/* approved once: not again */
	pt_app_alert_free(a);
	a = NULL;
	CHECK_INT(pt_app_alert_approve(&w.coord, w.db, r->identifier, &a, &d), PT_ECONFLICT);
	/* issued Actual: every logged-in user reads it; the bytes check against the audit */
	CHECK_INT(pt_app_alert_show(&w.op, w.db, r->identifier, &s, &d), PT_OK);
	if (s) {
		CHECK_STR(s->sha256, r->sha256);
		CHECK_INT(s->n_langs, 3);
	}
	pt_app_alert_free(s);
	/* issue 13 review: the system administrator (the command line without --as) composes no
	 * Actual message (a preview and an Exercise it may), and approves none: an Actual alert
	 * needs two named users */
	{
		struct pt_app_alert *x = NULL, *y = NULL;
		w.sys.now = T0 + 100;
		CHECK_INT(pt_app_alert_new(&w.sys, w.db, &o, 0, &x, &d), PT_EFORBIDDEN);
		CHECK_STR(d.field, "system");
		CHECK(strstr(d.msg, "two named users") != NULL);
		CHECK(x == NULL);
		CHECK_INT(pt_app_alert_new(&w.sys, w.db, &o, 1, &x, &d), PT_OK);
		pt_app_alert_free(x);
		x = NULL;
		o.status_set = 1;
		o.status = PT_CAP_EXERCISE;
		CHECK_INT(pt_app_alert_new(&w.sys, w.db, &o, 0, &x, &d), PT_OK);
		if (x)
			CHECK_INT(x->state, PT_APP_ALERT_ISSUED);
		pt_app_alert_free(x);
		o.status_set = 0;
		x = issue(&w, &w.pio1, NULL, "S-GREEN", T0 + 100);
		if (x) {
			CHECK_INT(pt_app_alert_approve(&w.sys, w.db, x->identifier, &y, &d),
				  PT_EFORBIDDEN);
			CHECK_STR(d.field, "system");
			CHECK(y == NULL);
			CHECK_INT(fx_audited(w.db, "alert.approve", x->identifier), 0);
		}
		pt_app_alert_free(x);
	}
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

static void test_hidden_site_and_amber(void)
{
	struct world w;
	struct pt_app_alert_opts o = opts("armed-attack", "S-RED");
	struct pt_app_alert *r = NULL;
	struct pt_diag d;
	size_t i;
	int seen = 0;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_alert_new(&w.coord, w.db, &o, 0, &r, &d), PT_ENOTFOUND);
	CHECK_STR(d.field, "site");
	o.site_id = "S-NONE";
	CHECK_INT(pt_app_alert_new(&w.coord, w.db, &o, 0, &r, &d), PT_ENOTFOUND);
	CHECK_STR(d.field, "site");
	/* a pio may not read the AMBER site: as missing */
	o.site_id = "S-AMBER";
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 0, &r, &d), PT_ENOTFOUND);
	/* the coordinator may: warned that the alert reveals it */
	CHECK_INT(pt_app_alert_new(&w.coord, w.db, &o, 1, &r, &d), PT_OK);
	if (r) {
		CHECK_INT(r->state, PT_APP_ALERT_PREVIEW);
		for (i = 0; i < r->n_warnings; i++)
			if (strcmp(r->warnings[i].code, "reveals_site") == 0) {
				seen = 1;
				CHECK(strstr(r->warnings[i].msg, "--generic-area") != NULL);
			}
		CHECK(seen);
		CHECK(strstr(r->xml, "Amber Arena") != NULL);
	}
	pt_app_alert_free(r);
	r = NULL;
	/* --generic-area: no warning, the name nowhere in the message */
	o.generic_area = 1;
	CHECK_INT(pt_app_alert_new(&w.coord, w.db, &o, 1, &r, &d), PT_OK);
	if (r) {
		for (i = 0; i < r->n_warnings; i++)
			CHECK(strcmp(r->warnings[i].code, "reveals_site") != 0);
		CHECK(strstr(r->xml, "Amber Arena") == NULL);
		CHECK(strstr(r->xml, "North") != NULL); /* the region is named */
	}
	pt_app_alert_free(r);
	/* a preview stores nothing */
	{
		struct pt_app_alert_list *l = NULL;
		CHECK_INT(pt_app_alert_list(&w.coord, w.db, &l, &d), PT_OK);
		CHECK(l && l->n == 0);
		pt_app_alert_list_free(l);
	}
	pt_app_db_close(w.db);
}

static void test_exercise(void)
{
	struct world w;
	struct pt_app_alert_opts o = opts("armed-attack", "S-GREEN");
	struct pt_app_alert *r = NULL, *s = NULL;
	struct pt_app_alert_feed *f = NULL;
	struct pt_app_alert_list *l = NULL;
	struct pt_diag d;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	o.status_set = 1;
	o.status = PT_CAP_EXERCISE;
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 0, &r, &d), PT_OK);
	if (!r)
		return;
	CHECK_INT(r->state, PT_APP_ALERT_ISSUED);
	CHECK_INT(count(r->xml, "<headline>"), 3);
	CHECK_INT(count(r->xml, "<headline>EXERCISE"), 3);
	CHECK(strstr(r->xml, "<note>EXERCISE - not a real alert</note>") != NULL);
	CHECK(strstr(r->xml, "<status>Exercise</status>") != NULL);
	CHECK(!r->in_feed);
	CHECK_INT(fx_audited(w.db, "alert.issue", r->identifier), 1);
	CHECK_INT(pt_app_alert_feed(w.db, T0 + 60, &f, &d), PT_OK);
	CHECK(f && f->n == 0);
	pt_app_alert_feed_free(f);
	CHECK_INT(pt_app_alert_public(w.db, r->identifier, &s, &d), PT_ENOTFOUND);
	/* not public: an operator does not see it */
	CHECK_INT(pt_app_alert_show(&w.op, w.db, r->identifier, &s, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_alert_list(&w.op, w.db, &l, &d), PT_OK);
	CHECK(l && l->n == 0);
	pt_app_alert_list_free(l);
	/* a Test: "TEST - not a real alert" */
	o.status = PT_CAP_TEST;
	pt_app_alert_free(r);
	r = NULL;
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 0, &r, &d), PT_OK);
	if (r)
		CHECK(strstr(r->xml, "<note>TEST - not a real alert</note>") != NULL);
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

static void test_chain(void)
{
	struct world w;
	struct pt_app_alert_opts o = opts(NULL, NULL);
	struct pt_app_alert *a, *u = NULL, *u2 = NULL, *x = NULL;
	struct pt_diag d;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	a = issue(&w, &w.pio1, &w.coord, "S-GREEN", T0);
	if (!a)
		return;
	w.pio1.now = T0 + 300;
	CHECK_INT(pt_app_alert_update(&w.pio1, w.db, a->identifier, &o, 0, &u, &d), PT_OK);
	if (!u)
		return;
	CHECK_INT(u->state, PT_APP_ALERT_PENDING);
	CHECK_INT(u->msg_type, PT_CAP_UPDATE);
	CHECK_STR(u->chain, a->identifier);
	CHECK_STR(u->references, a->identifier);
	CHECK(strstr(u->xml, "<references>crisis-centre@vellmark.example,") != NULL);
	CHECK(strstr(u->xml, a->identifier) != NULL);
	/* one pending per chain */
	CHECK_INT(pt_app_alert_update(&w.pio2, w.db, a->identifier, &o, 0, &x, &d), PT_ECONFLICT);
	CHECK_INT(pt_app_alert_cancel(&w.pio2, w.db, a->identifier, &o, 0, &x, &d), PT_ECONFLICT);
	w.coord.now = T0 + 360;
	CHECK_INT(pt_app_alert_approve(&w.coord, w.db, u->identifier, &x, &d), PT_OK);
	pt_app_alert_free(x);
	x = NULL;
	/* only the latest */
	CHECK_INT(pt_app_alert_update(&w.pio2, w.db, a->identifier, &o, 0, &x, &d), PT_ECONFLICT);
	CHECK(strstr(d.msg, "latest") != NULL);
	CHECK_INT(pt_app_alert_cancel(&w.pio2, w.db, a->identifier, &o, 0, &x, &d), PT_ECONFLICT);
	/* the all clear is an update of the latest, responseType AllClear, both earlier referenced */
	o.template_id = "all-clear";
	w.pio2.now = T0 + 900;
	CHECK_INT(pt_app_alert_update(&w.pio2, w.db, u->identifier, &o, 0, &u2, &d), PT_OK);
	if (u2) {
		CHECK(strstr(u2->xml, "<responseType>AllClear</responseType>") != NULL);
		CHECK_INT(count(u2->xml, "crisis-centre@vellmark.example,PT-"), 2);
		CHECK(strstr(u2->xml, "<incidents>") != NULL);
	}
	/* an all clear does not start a chain */
	{
		struct pt_app_alert_opts n = opts("all-clear", "S-GREEN");
		CHECK_INT(pt_app_alert_new(&w.pio2, w.db, &n, 0, &x, &d), PT_EINVAL);
		CHECK_STR(d.field, "template");
	}
	/* a rejected draft frees the chain */
	CHECK_INT(pt_app_alert_reject(&w.pio2, w.db, u2 ? u2->identifier : "", "wrong", &x, &d),
		  PT_OK);
	if (x) {
		CHECK_INT(x->state, PT_APP_ALERT_REJECTED);
		CHECK_STR(x->reason, "wrong");
	}
	pt_app_alert_free(x);
	x = NULL;
	CHECK_INT(fx_audited(w.db, "alert.reject", NULL), 1);
	w.pio1.now = T0 + 960;
	CHECK_INT(pt_app_alert_cancel(&w.pio1, w.db, u->identifier, NULL, 0, &x, &d), PT_OK);
	if (x) {
		CHECK_INT(x->msg_type, PT_CAP_CANCEL);
		CHECK(strstr(x->xml, "<info>") == NULL);
	}
	pt_app_alert_free(x);
	pt_app_alert_free(a);
	pt_app_alert_free(u);
	pt_app_alert_free(u2);
	pt_app_db_close(w.db);
}

static void test_approval_too_late(void)
{
	struct world w;
	struct pt_app_alert *r, *a = NULL;
	struct pt_diag d;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	r = issue(&w, &w.pio1, NULL, "S-GREEN", T0);
	if (!r)
		return;
	w.coord.now = T0 + 31 * 60; /* alert.approval_min is 30 */
	CHECK_INT(pt_app_alert_approve(&w.coord, w.db, r->identifier, &a, &d), PT_ECONFLICT);
	CHECK(strstr(d.msg, "alert.approval_min") != NULL);
	w.coord.now = T0 + 30 * 60;
	CHECK_INT(pt_app_alert_approve(&w.coord, w.db, r->identifier, &a, &d), PT_OK);
	pt_app_alert_free(a);
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

/* issue 13 review (attack 1): a pio or coordinator whose role was granted over the API (by an
 * admin, who holds its password) composes but does not approve, nor does one re-roled over the
 * API; re-roled by the command line it is appointed again. */
static void test_appointed_approvers(void)
{
	struct world w;
	struct pt_app_alert *r, *a = NULL;
	struct pt_caller api_pio, analyst;
	struct pt_diag d;
	struct pt_org gov_org;
	long long gov;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	memset(&gov_org, 0, sizeof gov_org);
	CHECK_INT(pt_db_org_find(w.db, "Gov", &gov_org, &d), PT_OK);
	gov = gov_org.id;
	CHECK_INT(pt_db_user_add_by(w.db, "api-pio", "pw-of-api-pio", PT_ROLE_PIO, gov, 0, NULL, &d),
		  PT_OK);
	fx_user(w.db, "analyst", PT_ROLE_ANALYST, gov);
	CHECK_INT(pt_db_user_set_role_by(w.db, "analyst", PT_ROLE_PIO, 0, &d), PT_OK);
	api_pio = fx_caller(w.db, "api-pio");
	analyst = fx_caller(w.db, "analyst");
	CHECK_INT(api_pio.who.role_by_system, 0);
	CHECK_INT(analyst.who.role_by_system, 0);
	CHECK_INT(w.pio1.who.role_by_system, 1);
	/* the API-made pio composes; a second API-made one may not approve */
	r = issue(&w, &api_pio, NULL, "S-GREEN", T0);
	if (!r)
		return;
	CHECK_INT(r->state, PT_APP_ALERT_PENDING);
	CHECK_INT(pt_app_alert_approve(&analyst, w.db, r->identifier, &a, &d), PT_EFORBIDDEN);
	CHECK_STR(d.field, "not_appointed");
	CHECK(strstr(d.msg, "system administrator") != NULL);
	CHECK(a == NULL);
	CHECK_INT(fx_audited(w.db, "alert.approve", r->identifier), 0);
	/* an appointed pio approves what the API-made one composed */
	w.pio1.now = T0 + 60;
	CHECK_INT(pt_app_alert_approve(&w.pio1, w.db, r->identifier, &a, &d), PT_OK);
	pt_app_alert_free(a);
	a = NULL;
	pt_app_alert_free(r);
	/* the command line grants the role again: appointed */
	CHECK_INT(pt_db_user_set_role(w.db, "analyst", PT_ROLE_PIO, &d), PT_OK);
	analyst = fx_caller(w.db, "analyst");
	CHECK_INT(analyst.who.role_by_system, 1);
	r = issue(&w, &api_pio, &analyst, "S-GREEN", T0 + 120);
	if (r)
		CHECK_INT(r->state, PT_APP_ALERT_ISSUED);
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

/* issue 13 review (attack 6): a decision dated before the composition (--now going back) is
 * refused, approval and rejection alike. */
static void test_decision_before_composition(void)
{
	struct world w;
	struct pt_app_alert *r, *a = NULL;
	struct pt_diag d;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	r = issue(&w, &w.pio1, NULL, "S-GREEN", T0 + 3600);
	if (!r)
		return;
	w.coord.now = T0;
	CHECK_INT(pt_app_alert_approve(&w.coord, w.db, r->identifier, &a, &d), PT_ECONFLICT);
	CHECK(strstr(d.msg, "the clock is before the message's composition") != NULL);
	CHECK(a == NULL);
	CHECK_INT(pt_app_alert_reject(&w.coord, w.db, r->identifier, "no", &a, &d), PT_ECONFLICT);
	w.coord.now = T0 + 3600;
	CHECK_INT(pt_app_alert_approve(&w.coord, w.db, r->identifier, &a, &d), PT_OK);
	pt_app_alert_free(a);
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

static void test_feed_over_time(void)
{
	struct world w;
	struct pt_app_alert *a, *c = NULL, *x = NULL;
	struct pt_app_alert_feed *f = NULL;
	struct pt_diag d;
	int64_t expires;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	/* a pending draft is not in the feed */
	x = issue(&w, &w.pio1, NULL, "S-GREEN", T0);
	CHECK_INT(pt_app_alert_feed(w.db, T0, &f, &d), PT_OK);
	CHECK(f && f->n == 0);
	CHECK_STR(f ? f->public_url : "", "http://127.0.0.1:8080");
	pt_app_alert_feed_free(f);
	pt_app_alert_free(x);
	x = NULL;
	a = issue(&w, &w.pio2, &w.coord, "S-GREEN", T0 + 10);
	if (!a)
		return;
	expires = a->expires;
	CHECK_INT(pt_app_alert_feed(w.db, T0 + 60, &f, &d), PT_OK);
	CHECK(f && f->n == 1 && strcmp(f->items[0].identifier, a->identifier) == 0 &&
	      f->items[0].xml != NULL);
	pt_app_alert_feed_free(f);
	/* cancelled: the Cancel replaces it in the feed until the alert would have expired */
	w.pio1.now = T0 + 600;
	CHECK_INT(pt_app_alert_cancel(&w.pio1, w.db, a->identifier, NULL, 0, &c, &d), PT_OK);
	if (!c)
		return;
	CHECK_INT(pt_app_alert_feed(w.db, T0 + 610, &f, &d), PT_OK);
	CHECK(f && f->n == 1 && strcmp(f->items[0].identifier, a->identifier) == 0);
	pt_app_alert_feed_free(f);
	w.coord.now = T0 + 620;
	CHECK_INT(pt_app_alert_approve(&w.coord, w.db, c->identifier, &x, &d), PT_OK);
	pt_app_alert_free(x);
	CHECK_INT(pt_app_alert_feed(w.db, expires - 1, &f, &d), PT_OK);
	CHECK(f && f->n == 1 && strcmp(f->items[0].identifier, c->identifier) == 0);
	pt_app_alert_feed_free(f);
	CHECK_INT(pt_app_alert_feed(w.db, expires, &f, &d), PT_OK);
	CHECK(f && f->n == 0);
	pt_app_alert_feed_free(f);
	/* the public document: issued Actual only */
	CHECK_INT(pt_app_alert_public(w.db, c->identifier, &x, &d), PT_OK);
	pt_app_alert_free(x);
	pt_app_alert_free(a);
	pt_app_alert_free(c);
	pt_app_db_close(w.db);
}

static void test_languages_and_warnings(void)
{
	struct world w;
	struct pt_app_alert_opts o = opts("armed-attack", "S-GREEN");
	struct pt_app_alert *r = NULL;
	struct pt_diag d;
	const char *en_sq[] = {"en", "sq"}, *bad[] = {"de"};
	size_t i, cbw = 0;
	const char *en, *mk, *sq;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_OK);
	if (!r)
		return;
	en = strstr(r->xml, "<language>en</language>");
	mk = strstr(r->xml, "<language>mk</language>");
	sq = strstr(r->xml, "<language>sq</language>");
	CHECK(en && mk && sq && en < mk && mk < sq);
	CHECK_INT(count(r->xml, "<info>"), 3);
	CHECK_STR(r->cb[0].lang, "en");
	CHECK(!r->cb[0].count.ucs2);
	CHECK(r->cb[1].count.ucs2); /* Cyrillic */
	CHECK_INT(r->cb[1].count.per_page, 41);
	pt_app_alert_free(r);
	r = NULL;
	/* two languages */
	o.langs = en_sq;
	o.n_langs = 2;
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_OK);
	if (r)
		CHECK_INT(count(r->xml, "<info>"), 2);
	pt_app_alert_free(r);
	r = NULL;
	o.langs = bad;
	o.n_langs = 1;
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "lang");
	o.n_langs = 0;
	/* one page allowed: every language warns */
	CHECK_INT(pt_db_setting_set(w.db, "alert.cb_pages", "1", &d), PT_OK);
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_OK);
	if (r) {
		for (i = 0; i < r->n_warnings; i++)
			cbw += strcmp(r->warnings[i].code, "cell_broadcast") == 0;
		CHECK_INT(cbw, 3);
		CHECK(!r->cb[0].fits);
	}
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

static void test_bad_input(void)
{
	struct world w;
	struct pt_app_alert_opts o = opts("nope", "S-GREEN");
	struct pt_app_alert *r = NULL;
	struct pt_diag d;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "template");
	CHECK(strstr(d.msg, "armed-attack") != NULL);
	o.template_id = "armed-attack";
	o.radius_set = 1;
	o.radius_km = 200;
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "radius_km");
	o.radius_set = 0;
	o.polygon = "47,-12 47.1,-12 47.1,-12.1"; /* not closed, 3 points */
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "polygon");
	o.polygon = "47,-12 47.1,-12 47.1,-12.1 47,-12";
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_OK);
	if (r) {
		CHECK(r->has_polygon);
		CHECK(strstr(r->xml, "<polygon>47,-12 47.1,-12 47.1,-12.1 47,-12</polygon>") != NULL);
		CHECK(strstr(r->xml, "<circle>") == NULL);
	}
	pt_app_alert_free(r);
	r = NULL;
	o.polygon = NULL;
	o.duration_set = 1;
	o.duration_h = 0;
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "duration_h");
	CHECK_INT(pt_app_alert_show(&w.pio1, w.db, "PT-nope", &r, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_alert_approve(&w.coord, w.db, "PT-nope", &r, &d), PT_ENOTFOUND);
	pt_app_db_close(w.db);
}

/* The table refuses to change the bytes, to delete, or to decide twice. */
static void test_append_only(void)
{
	struct world w;
	struct pt_app_alert *r;
	sqlite3 *raw;
	if (setup(&w))
		return;
	r = issue(&w, &w.pio1, &w.coord, "S-GREEN", T0);
	if (!r)
		return;
	raw = pt_db_sqlite(w.db);
	CHECK(sqlite3_exec(raw, "UPDATE alerts SET xml = x'00'", NULL, NULL, NULL) != SQLITE_OK);
	CHECK(sqlite3_exec(raw, "UPDATE alerts SET sha256 = printf('%064d', 0)", NULL, NULL, NULL) !=
	      SQLITE_OK);
	CHECK(sqlite3_exec(raw, "UPDATE alerts SET identifier = 'X'", NULL, NULL, NULL) != SQLITE_OK);
	CHECK(sqlite3_exec(raw, "UPDATE alerts SET state = 'rejected'", NULL, NULL, NULL) !=
	      SQLITE_OK);
	CHECK(sqlite3_exec(raw, "UPDATE alerts SET approver = 'someone'", NULL, NULL, NULL) !=
	      SQLITE_OK);
	CHECK(sqlite3_exec(raw, "DELETE FROM alerts", NULL, NULL, NULL) != SQLITE_OK);
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

/* The ALERT object and the template list, as the CLI and the API write them. */
static void test_json(void)
{
	struct world w;
	struct pt_app_alert *r;
	struct pt_alert_json_msg v;
	const struct pt_alert_template *t = NULL;
	struct pt_diag d;
	size_t n = 0;
	json_t *j;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	r = issue(&w, &w.pio1, NULL, "S-GREEN", T0);
	if (!r)
		return;
	pt_app_alert_view(r, &v);
	j = pt_alert_json(&v, 0);
	CHECK(j != NULL);
	CHECK_STR(json_string_value(json_object_get(j, "state")), "pending");
	CHECK(json_is_null(json_object_get(j, "approver")));
	CHECK(json_is_null(json_object_get(j, "references")));
	CHECK(json_is_null(json_object_get(j, "decided_at")));
	CHECK(json_object_get(j, "xml") == NULL);
	CHECK_INT(json_array_size(json_object_get(j, "cb")), 3);
	CHECK_STR(json_string_value(json_object_get(j, "sent")), "2025-01-01T10:00:00-00:00");
	json_decref(j);
	j = pt_alert_json(&v, 1);
	CHECK(j && strcmp(json_string_value(json_object_get(j, "xml")), r->xml) == 0);
	json_decref(j);
	CHECK_INT(pt_app_alert_templates(&t, &n, &d), PT_OK);
	CHECK_INT(n, 6);
	j = pt_alert_templates_json(t, n);
	CHECK(j != NULL);
	if (j) {
		json_t *first = json_array_get(json_object_get(j, "templates"), 0);
		CHECK_STR(json_string_value(json_object_get(first, "id")), "all-clear");
		CHECK(json_is_true(json_object_get(first, "all_clear")));
		CHECK_INT(json_array_size(json_object_get(first, "languages")), 3);
		/* raw texts: the placeholders kept */
		first = json_array_get(json_object_get(j, "templates"), 1);
		CHECK_STR(json_string_value(json_object_get(first, "id")), "armed-attack");
		CHECK(strstr(json_string_value(json_object_get(
				      json_array_get(json_object_get(first, "languages"), 0), "headline")),
			      "{site}") != NULL);
	}
	json_decref(j);
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

/* ---- issue 13 review ---- */

/* Text safety: note and the site's texts refuse what XML 1.0 or a display cannot carry. */
static void test_review_text_safety(void)
{
	struct world w;
	struct pt_app_alert_opts o = opts("armed-attack", "S-GREEN");
	struct pt_app_alert *r = NULL, *a;
	struct pt_diag d;
	sqlite3 *raw;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	o.note = "false alarm \xEF\xBF\xBE \xEF\xBF\xBF";
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "note");
	CHECK(strstr(d.msg, "U+FFFE") != NULL);
	o.note = "spoof \xE2\x80\xAE" "dnE"; /* RIGHT-TO-LEFT OVERRIDE */
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_EINVAL);
	CHECK(strstr(d.msg, "U+202E") != NULL);
	o.note = "line\xE2\x80\xA8separator";
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_EINVAL);
	o.note = "bell \x07";
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_EINVAL);
	o.note = "bad \xC3";
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_EINVAL);
	CHECK(strstr(d.msg, "bytes that are not UTF-8") != NULL);
	CHECK(r == NULL);
	o.note = "tab\there, Ünïcödé and Cyrillic Ж are fine";
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_OK);
	pt_app_alert_free(r);
	r = NULL;
	/* a Cancel's note too */
	a = issue(&w, &w.pio1, &w.coord, "S-GREEN", T0);
	if (a) {
		struct pt_app_alert_opts c = opts(NULL, NULL);
		c.note = "x\xEF\xBF\xBF";
		w.pio1.now = T0 + 60;
		CHECK_INT(pt_app_alert_cancel(&w.pio1, w.db, a->identifier, &c, 0, &r, &d), PT_EINVAL);
		CHECK_STR(d.field, "note");
	}
	/* a rejection's reason too */
	{
		struct pt_app_alert *p = issue(&w, &w.pio1, NULL, "S-GREEN", T0 + 120), *x = NULL;
		w.coord.now = T0 + 180;
		if (p) {
			CHECK_INT(pt_app_alert_reject(&w.coord, w.db, p->identifier,
						      "wrong \xE2\x80\xAE", &x, &d),
				  PT_EINVAL);
			CHECK_STR(d.field, "reason");
			CHECK(x == NULL);
		}
		pt_app_alert_free(p);
	}
	/* a site's name planted by its owner: refused, and the owner named */
	raw = pt_db_sqlite(w.db);
	CHECK(sqlite3_exec(raw,
			   "UPDATE sites SET name = 'Amber' || char(65534) || ' ' || char(8238) || "
			   "'Arena' WHERE id = 'S-AMBER'",
			   NULL, NULL, NULL) == SQLITE_OK);
	o = opts("armed-attack", "S-AMBER");
	w.coord.now = T0;
	CHECK_INT(pt_app_alert_new(&w.coord, w.db, &o, 1, &r, &d), PT_EINVAL);
	CHECK_STR(d.field, "site");
	CHECK(strstr(d.msg, "the site's name contains U+FFFE") != NULL);
	CHECK(strstr(d.msg, "ask its owner to correct it") != NULL);
	CHECK(sqlite3_exec(raw, "UPDATE sites SET name = 'Amber Arena', region = 'North' || "
			   "char(8297) WHERE id = 'S-AMBER'", NULL, NULL, NULL) == SQLITE_OK);
	CHECK_INT(pt_app_alert_new(&w.coord, w.db, &o, 1, &r, &d), PT_EINVAL);
	CHECK(strstr(d.msg, "the site's region contains U+2069") != NULL);
	CHECK(r == NULL);
	pt_app_alert_free(a);
	pt_app_db_close(w.db);
}

/* Chains: a message sent "in the future" can be cancelled at once; an expired one cannot;
 * a draft past alert.approval_min no longer blocks its chain. */
static void test_review_chain(void)
{
	struct world w;
	struct pt_app_alert_opts o = opts(NULL, NULL);
	struct pt_app_alert *a, *b, *u = NULL, *x = NULL;
	struct pt_diag d;
	char sent[32];
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	/* composed and approved an hour ahead of the clock that cancels it */
	a = issue(&w, &w.pio1, &w.coord, "S-GREEN", T0 + 3600);
	if (!a)
		return;
	w.pio2.now = T0;
	CHECK_INT(pt_app_alert_cancel(&w.pio2, w.db, a->identifier, &o, 0, &x, &d), PT_OK);
	if (x) {
		CHECK(x->sent == a->sent); /* sent = max(now, the referenced sent) */
		pt_cap_time_format(a->sent, sent, sizeof sent);
		CHECK_INT(count(x->xml, sent), 2); /* its own sent and the reference's */
	}
	pt_app_alert_free(x);
	x = NULL;
	/* an expired message: nothing to cancel or update (armed-attack lasts 2 h) */
	b = issue(&w, &w.pio1, &w.coord, "S-GREEN", T0);
	if (!b)
		goto out;
	w.pio2.now = T0 + 3 * 3600;
	CHECK_INT(pt_app_alert_cancel(&w.pio2, w.db, b->identifier, &o, 0, &x, &d), PT_ECONFLICT);
	CHECK(strstr(d.msg, "expired at 2025-01-01T12:00:00-00:00: nothing to cancel") != NULL);
	CHECK(strstr(d.msg, b->identifier) == d.msg);
	CHECK_INT(pt_app_alert_update(&w.pio2, w.db, b->identifier, &o, 0, &x, &d), PT_ECONFLICT);
	CHECK(strstr(d.msg, "nothing to update") != NULL);
	CHECK(x == NULL);
	pt_app_alert_free(b);
	/* a pending update blocks the chain while it may be approved, and is named */
	b = issue(&w, &w.pio1, &w.coord, "S-GREEN", T0);
	if (!b)
		goto out;
	w.pio1.now = T0 + 300;
	CHECK_INT(pt_app_alert_update(&w.pio1, w.db, b->identifier, &o, 0, &u, &d), PT_OK);
	w.pio2.now = T0 + 600;
	CHECK_INT(pt_app_alert_cancel(&w.pio2, w.db, b->identifier, &o, 0, &x, &d), PT_ECONFLICT);
	if (u) {
		CHECK(strstr(d.msg, u->identifier) == d.msg);
		CHECK(strstr(d.msg, "awaits approval: approve or reject it first") != NULL);
	}
	/* 31 minutes later it has lapsed: the chain can be cancelled */
	w.pio2.now = T0 + 300 + 31 * 60;
	CHECK_INT(pt_app_alert_cancel(&w.pio2, w.db, b->identifier, &o, 0, &x, &d), PT_OK);
	pt_app_alert_free(x);
	pt_app_alert_free(u);
	pt_app_alert_free(b);
out:
	pt_app_alert_free(a);
	pt_app_db_close(w.db);
}

/* Polygons: checked against the site, normalised, {radius_km} its reach. */
static void test_review_polygon(void)
{
	static const struct {
		const char *poly, *msg;
	} bad[] = {
		{"-90,-180 -90,180 90,180 90,-180 -90,-180", "at most 100 km"},
		{"0,0 0,1 1,1 0,0", "at most 100 km"},
		{"47.1,-12.1 47.1,-12.1 47.1,-12.1 47.1,-12.1", "has no area"},
		{"47.09,-12.1 47.10,-12.1 47.11,-12.1 47.09,-12.1", "has no area"},
		{"47.09,-12.11 47.11,-12.09 47.09,-12.09 47.11,-12.11 47.09,-12.11", "crosses itself"},
		{"47.16,-12.11 47.18,-12.11 47.18,-12.09 47.16,-12.09 47.16,-12.11",
		 "nor passes within 5 km"},
	};
	struct world w;
	struct pt_app_alert_opts o = opts("armed-attack", "S-GREEN");
	struct pt_app_alert *r = NULL;
	struct pt_diag d;
	size_t i;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o.polygon = bad[i].poly;
		CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_EINVAL);
		CHECK_STR(d.field, "polygon");
		if (!strstr(d.msg, bad[i].msg))
			fprintf(stderr, "polygon %zu: %s\n", i, d.msg);
		CHECK(strstr(d.msg, bad[i].msg) != NULL);
		CHECK(r == NULL);
	}
	/* a square around the site, with doubled spaces: normalised; reach 1.35 km -> 1.4 */
	o.polygon = "47.09,-12.11  47.11,-12.11\t47.11,-12.09 47.09,-12.09 47.09,-12.11 ";
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_OK);
	if (r) {
		CHECK_INT(count(r->xml, "<polygon>47.09,-12.11 47.11,-12.11 47.11,-12.09 47.09,-12.09 "
					"47.09,-12.11</polygon>"),
			  3);
		CHECK(strstr(r->xml, " 0 km") == NULL && strstr(r->xml, " 0 км") == NULL);
		CHECK(strstr(r->xml, "within 1.4 km") != NULL);
		CHECK(r->has_polygon);
	}
	pt_app_alert_free(r);
	r = NULL;
	/* beside the site, 3.3 km away: accepted (within 5 km) */
	o.polygon = "47.13,-12.11 47.15,-12.11 47.15,-12.09 47.13,-12.09 47.13,-12.11";
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_OK);
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

/* Generic area: the circle's centre is not the site's; the radius covers the real area. */
static void test_review_generic_area(void)
{
	struct world w;
	struct pt_app_alert_opts o = opts("armed-attack", "S-AMBER");
	struct pt_app_alert *r = NULL;
	struct pt_diag d;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	CHECK(sqlite3_exec(pt_db_sqlite(w.db),
			   "UPDATE sites SET lat = 47.21326, lon = -12.14242 WHERE id = 'S-AMBER'",
			   NULL, NULL, NULL) == SQLITE_OK);
	o.generic_area = 1;
	CHECK_INT(pt_app_alert_new(&w.coord, w.db, &o, 1, &r, &d), PT_OK);
	if (r) {
		/* centre 47.22,-12.14 (0.77 km away): radius 1 + 0.77 + 0.5 -> 2.3 km */
		CHECK_INT(count(r->xml, "<circle>47.22,-12.14 2.3</circle>"), 3);
		CHECK(strstr(r->xml, "47.21326") == NULL && strstr(r->xml, "12.14242") == NULL);
		CHECK(strstr(r->xml, "Amber Arena") == NULL);
	}
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

/* Exercise and Test marking, <web>, {expires} with its zone. */
static void test_review_marking(void)
{
	struct world w;
	struct pt_app_alert_opts o = opts("armed-attack", "S-GREEN");
	struct pt_app_alert *r = NULL;
	struct pt_diag d;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	o.status_set = 1;
	o.status = PT_CAP_EXERCISE;
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_OK);
	if (r) {
		CHECK_INT(count(r->xml, "<headline>EXERCISE: Armed attack"), 1);
		CHECK_INT(count(r->xml, "<headline>EXERCISE – ВЕЖБА: "), 1);
		CHECK_INT(count(r->xml, "<headline>EXERCISE – USHTRIM: "), 1);
		CHECK_INT(count(r->xml, "<description>EXERCISE: "), 1);
		CHECK_INT(count(r->xml, "<description>EXERCISE – ВЕЖБА: "), 1);
		CHECK_INT(count(r->xml, "<description>EXERCISE – USHTRIM: "), 1);
		CHECK(strstr(r->xml, "<web>") == NULL); /* alert.web_url "none" */
		CHECK_INT(count(r->xml, " UTC+1 ("), 3);
	}
	pt_app_alert_free(r);
	r = NULL;
	o.status = PT_CAP_TEST;
	CHECK_INT(pt_app_alert_new(&w.pio1, w.db, &o, 1, &r, &d), PT_OK);
	if (r) {
		CHECK_INT(count(r->xml, "<headline>EXERCISE - TEST: "), 1);
		CHECK_INT(count(r->xml, "<headline>EXERCISE – ТЕСТ: "), 1);
		CHECK_INT(count(r->xml, "<headline>EXERCISE – PROVË: "), 1);
		CHECK_INT(count(r->xml, "<description>EXERCISE"), 3);
		CHECK(strstr(r->xml, "<headline>EXERCISE: ") == NULL); /* a Test is marked as a test */
	}
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

/* ---- review fixes of issue 13 ---- */

/* Change the stored bytes of id behind the application's back (the triggers dropped, as an
 * attacker with the database file would). */
static void tamper(struct world *w, const char *id)
{
	sqlite3 *raw = pt_db_sqlite(w->db);
	char sql[512];
	CHECK_INT(sqlite3_exec(raw, "DROP TRIGGER alerts_bytes_final; DROP TRIGGER alerts_state_once",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	snprintf(sql, sizeof sql,
		 "UPDATE alerts SET xml = CAST(replace(CAST(xml AS TEXT), 'Armed', 'EVIL') AS BLOB) "
		 "WHERE identifier = '%s'", id);
	CHECK_INT(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* Approval recomputes the hash and takes the one the approver reviewed (attack 3). */
static void test_review_approve_bytes(void)
{
	struct world w;
	struct pt_app_alert *r, *a = NULL, *s = NULL;
	struct pt_app_alert_list *l = NULL;
	struct pt_diag d;
	char wrong[65];
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	r = issue(&w, &w.pio1, NULL, "S-GREEN", T0);
	if (!r)
		return;
	w.coord.now = T0 + 60;
	/* a hash other than the stored bytes': 409, nothing issued, audited refused */
	memset(wrong, 'a', 64);
	wrong[64] = '\0';
	CHECK_INT(pt_app_alert_approve_reviewed(&w.coord, w.db, r->identifier, wrong, &a, &d),
		  PT_ECONFLICT);
	CHECK_STR(d.field, "sha256");
	CHECK(strstr(d.msg, "the message changed since you reviewed it") != NULL);
	CHECK(a == NULL);
	CHECK_INT(fx_audited(w.db, "refused", r->identifier), 1);
	CHECK_INT(pt_app_alert_show(&w.pio1, w.db, r->identifier, &s, &d), PT_OK);
	CHECK(s && s->state == PT_APP_ALERT_PENDING);
	pt_app_alert_free(s);
	s = NULL;
	/* the bytes changed in the database: refused, nothing issued, audited */
	tamper(&w, r->identifier);
	CHECK_INT(pt_app_alert_approve_reviewed(&w.coord, w.db, r->identifier, r->sha256, &a, &d),
		  PT_EINTERNAL);
	CHECK_STR(d.field, "sha256");
	CHECK(strstr(d.msg, "differ from the audited hash") != NULL &&
	      strstr(d.msg, r->identifier) != NULL);
	CHECK(a == NULL);
	CHECK_INT(pt_app_alert_approve(&w.coord, w.db, r->identifier, &a, &d), PT_EINTERNAL);
	CHECK_INT(fx_audited(w.db, "refused", r->identifier), 3);
	CHECK_INT(fx_audited(w.db, "alert.approve", r->identifier), 0);
	CHECK_INT(pt_app_alert_list(&w.coord, w.db, &l, &d), PT_OK);
	CHECK(l && l->n == 1 && l->items[0].state == PT_APP_ALERT_PENDING);
	pt_app_alert_list_free(l);
	pt_app_alert_free(r);
	/* the hash reviewed, the bytes intact: issued, the audit entry hashes the issued bytes */
	r = issue(&w, &w.pio1, NULL, "S-GREEN", T0 + 100);
	if (!r)
		return;
	w.coord.now = T0 + 160;
	CHECK_INT(pt_app_alert_approve_reviewed(&w.coord, w.db, r->identifier, r->sha256, &a, &d),
		  PT_OK);
	CHECK(a && a->state == PT_APP_ALERT_ISSUED && strcmp(a->sha256, r->sha256) == 0);
	pt_app_alert_free(a);
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

/* The feed and the public document check the bytes; the feed's time is the approval's. */
static void test_review_public_checks(void)
{
	struct world w;
	struct pt_app_alert *a, *b, *x = NULL;
	struct pt_app_alert_feed *f = NULL;
	struct pt_diag d;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	/* b composed after a, a approved after b: a is first, updated at a's approval */
	a = issue(&w, &w.pio1, NULL, "S-GREEN", T0);
	b = issue(&w, &w.pio2, &w.coord, "S-GREEN", T0 + 60);
	if (!a || !b)
		return;
	w.coord.now = T0 + 300;
	CHECK_INT(pt_app_alert_approve(&w.coord, w.db, a->identifier, &x, &d), PT_OK);
	pt_app_alert_free(x);
	x = NULL;
	CHECK_INT(pt_app_alert_feed(w.db, T0 + 400, &f, &d), PT_OK);
	CHECK(f && f->n == 2 && strcmp(f->items[0].identifier, a->identifier) == 0);
	CHECK(f && f->updated == T0 + 300 && f->items[0].decided_at == T0 + 300);
	pt_app_alert_feed_free(f);
	f = NULL;
	/* tampered: left out of the feed (named), not public, show says what is wrong */
	tamper(&w, a->identifier);
	CHECK_INT(pt_app_alert_feed(w.db, T0 + 400, &f, &d), PT_OK);
	CHECK(f && f->n == 1 && strcmp(f->items[0].identifier, b->identifier) == 0);
	CHECK(f && f->n_skipped == 1 && strcmp(f->skipped[0], a->identifier) == 0);
	CHECK(f && f->updated == T0 + 60);
	pt_app_alert_feed_free(f);
	CHECK_INT(pt_app_alert_public(w.db, a->identifier, &x, &d), PT_EINTERNAL);
	CHECK(x == NULL);
	CHECK_INT(pt_app_alert_public(w.db, b->identifier, &x, &d), PT_OK);
	pt_app_alert_free(x);
	x = NULL;
	CHECK_INT(pt_app_alert_show(&w.pio1, w.db, a->identifier, &x, &d), PT_EINTERNAL);
	CHECK(strstr(d.msg, "stored bytes of") != NULL);
	pt_app_alert_free(a);
	pt_app_alert_free(b);
	pt_app_db_close(w.db);
}

/* An ALERT names its site only to callers who may read the site (attack 5b). */
static void test_review_site_withheld(void)
{
	struct world w;
	struct pt_app_alert_opts o = opts("explosion", "S-AMBER");
	struct pt_app_alert *r = NULL, *a = NULL, *s = NULL;
	struct pt_app_alert_list *l = NULL;
	struct pt_alert_json_msg v;
	struct pt_caller coord2;
	struct pt_diag d;
	json_t *j;
	if (setup(&w))
		return;
	memset(&d, 0, sizeof d);
	/* composed by the coordinator, approved by a second coordinator (both read S-AMBER) */
	fx_user(w.db, "coord2", PT_ROLE_COORDINATOR, w.coord.who.org_id);
	coord2 = fx_caller(w.db, "coord2");
	w.coord.now = T0;
	CHECK_INT(pt_app_alert_new(&w.coord, w.db, &o, 0, &r, &d), PT_OK);
	if (!r)
		return;
	coord2.now = T0 + 60;
	CHECK_INT(pt_app_alert_approve(&coord2, w.db, r->identifier, &a, &d), PT_OK);
	CHECK(a && !a->site_withheld);
	pt_app_alert_free(a);
	/* issued Actual: every user reads it, but pio2 may not read S-AMBER */
	CHECK_INT(pt_app_alert_show(&w.pio2, w.db, r->identifier, &s, &d), PT_OK);
	if (s) {
		CHECK(s->site_withheld);
		pt_app_alert_view(s, &v);
		j = pt_alert_json(&v, 0);
		CHECK(j && json_is_null(json_object_get(j, "site_id")) &&
		      json_is_null(json_object_get(j, "site_name")) &&
		      json_is_true(json_object_get(j, "site_withheld")));
		json_decref(j);
	}
	pt_app_alert_free(s);
	s = NULL;
	CHECK_INT(pt_app_alert_list(&w.pio2, w.db, &l, &d), PT_OK);
	CHECK(l && l->n == 1 && l->items[0].site_withheld);
	pt_app_alert_list_free(l);
	/* the coordinator reads the site: named, no site_withheld member */
	CHECK_INT(pt_app_alert_show(&w.coord, w.db, r->identifier, &s, &d), PT_OK);
	if (s) {
		CHECK(!s->site_withheld);
		pt_app_alert_view(s, &v);
		j = pt_alert_json(&v, 0);
		CHECK(j && strcmp(json_string_value(json_object_get(j, "site_id")), "S-AMBER") == 0 &&
		      json_object_get(j, "site_withheld") == NULL);
		json_decref(j);
	}
	pt_app_alert_free(s);
	pt_app_alert_free(r);
	pt_app_db_close(w.db);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_two_person_rule);
	RUN(test_hidden_site_and_amber);
	RUN(test_exercise);
	RUN(test_chain);
	RUN(test_approval_too_late);
	RUN(test_appointed_approvers);        /* issue 13 review */
	RUN(test_decision_before_composition); /* issue 13 review */
	RUN(test_feed_over_time);
	RUN(test_languages_and_warnings);
	RUN(test_bad_input);
	RUN(test_append_only);
	RUN(test_json);
	RUN(test_review_text_safety);
	RUN(test_review_chain);
	RUN(test_review_polygon);
	RUN(test_review_generic_area);
	RUN(test_review_marking);
	RUN(test_review_approve_bytes);
	RUN(test_review_public_checks);
	RUN(test_review_site_withheld);
	return TEST_SUMMARY("test_app_alerts");
}
