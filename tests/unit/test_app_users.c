/* test_app_users.c - unit tests of src/app/pt_app_users.c: organisations,
 * users, and the password resets of RED readers that a second admin approves. */
#include "app/pt_app_sites.h"
#include "app/pt_app_users.h"
#include "app_fixture.h"
#include "store/pt_resets.h"

struct world {
	struct pt_db *db;
	long long gov, a, b;
};

/* A ministry (gov-admin), org A (admin-a, admin-a2, red-reader, plain), org B (admin-b);
 * A's RED site naming red-reader. */
static int setup(struct world *w)
{
	static const char rows[] = SITES_HEADER
		"A-RED,Arena,soft_target,stadium_arena,Org A,47.3,-12.3,R,100,50,0,1,RED\n";
	struct pt_sites_import in;
	struct pt_sites_import_result res;
	struct pt_caller sys;
	struct pt_diag d;
	long long reader;
	memset(&d, 0, sizeof d);
	if (!(w->db = fx_open()))
		return 1;
	w->gov = fx_org(w->db, "Ministry", PT_ORG_GOVERNMENT);
	w->a = fx_org(w->db, "Org A", PT_ORG_OPERATOR);
	w->b = fx_org(w->db, "Org B", PT_ORG_OPERATOR);
	fx_user(w->db, "gov-admin", PT_ROLE_ADMIN, w->gov);
	fx_user(w->db, "admin-a", PT_ROLE_ADMIN, w->a);
	fx_user(w->db, "admin-a2", PT_ROLE_ADMIN, w->a);
	reader = fx_user(w->db, "red-reader", PT_ROLE_OPERATOR, w->a);
	fx_user(w->db, "plain", PT_ROLE_VIEWER, w->a);
	fx_user(w->db, "admin-b", PT_ROLE_ADMIN, w->b);
	memset(&in, 0, sizeof in);
	in.data = rows;
	in.len = strlen(rows);
	pt_caller_system(&sys);
	CHECK_INT(pt_app_sites_import(&sys, w->db, &in, &res, &d), PT_OK);
	CHECK_INT(pt_db_site_reader_add(w->db, "A-RED", reader, &d), PT_OK);
	return 0;
}

static void test_users_list_create(void)
{
	struct world w;
	struct pt_caller ga, aa, rr;
	struct pt_user_list l;
	struct pt_user_new in;
	struct pt_user u;
	struct pt_diag d;
	size_t i;
	if (setup(&w))
		return;
	ga = fx_caller(w.db, "gov-admin");
	aa = fx_caller(w.db, "admin-a");
	rr = fx_caller(w.db, "red-reader");
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_app_users_list(&ga, w.db, 0, &l, &d), PT_OK);
	CHECK_INT(l.n, 6);
	pt_user_list_clear(&l);
	CHECK_INT(pt_app_users_list(&aa, w.db, 0, &l, &d), PT_OK);
	CHECK_INT(l.n, 4);
	for (i = 0; i < l.n; i++)
		CHECK_INT(l.items[i].org_id, w.a);
	pt_user_list_clear(&l);
	CHECK_INT(pt_app_users_list(&rr, w.db, 0, &l, &d), PT_EFORBIDDEN);
	CHECK_STR(d.msg, "only admins list users");
	/* create */
	memset(&in, 0, sizeof in);
	in.name = "new-a";
	in.password = "long-enough-1";
	in.role = PT_ROLE_VIEWER;
	in.org_id = w.b;
	CHECK_INT(pt_app_user_create(&aa, w.db, &in, &u, &d), PT_EFORBIDDEN);
	CHECK_STR(d.field, "organisation_id");
	in.org_id = 999;
	CHECK_INT(pt_app_user_create(&ga, w.db, &in, &u, &d), PT_EINVAL);
	CHECK_STR(d.field, "organisation_id");
	in.org_id = w.a;
	CHECK_INT(pt_app_user_create(&aa, w.db, &in, &u, &d), PT_OK);
	CHECK_STR(u.org_name, "Org A");
	CHECK_INT(pt_app_user_create(&aa, w.db, &in, &u, &d), PT_ECONFLICT);
	/* a user another organisation's admin may not list is not there for it */
	CHECK_INT(pt_app_user_get(&(struct pt_caller){0}, w.db, "new-a", &u, &d), PT_ENOTFOUND);
	{
		struct pt_caller ab = fx_caller(w.db, "admin-b");
		CHECK_INT(pt_app_user_get(&ab, w.db, "new-a", &u, &d), PT_ENOTFOUND);
	}
	pt_app_db_close(w.db);
}

static void test_password_reset_needs_second_admin(void)
{
	struct world w;
	struct pt_caller aa, aa2, ga, ab, rr, sys;
	struct pt_user_change ch;
	struct pt_user_change_result res;
	struct pt_user u;
	struct pt_diag d;
	if (setup(&w))
		return;
	aa = fx_caller(w.db, "admin-a");
	aa2 = fx_caller(w.db, "admin-a2");
	ga = fx_caller(w.db, "gov-admin");
	ab = fx_caller(w.db, "admin-b");
	rr = fx_caller(w.db, "red-reader");
	pt_caller_system(&sys);
	memset(&d, 0, sizeof d);
	memset(&ch, 0, sizeof ch);

	/* a user named on no RED record: at once, as before */
	ch.password = "changed-pw-77";
	CHECK_INT(pt_app_user_update(&aa, w.db, "plain", &ch, &res, &d), PT_OK);
	CHECK_INT(res.reset_pending, 0);
	CHECK(fx_logs_in(w.db, "plain", "changed-pw-77", T0));

	/* a RED reader: pending; the old password still logs in, the new one not */
	ch.password = "taken-over-1";
	CHECK_INT(pt_app_user_update(&aa, w.db, "red-reader", &ch, &res, &d), PT_OK);
	CHECK_INT(res.reset_pending, 1);
	CHECK_STR(res.reset.requested_by, "admin-a");
	CHECK_INT(res.reset.expires, T0 + PT_RESET_TTL_S);
	CHECK_INT(fx_audited(w.db, "user.password.request", "red-reader"), 1);
	CHECK(!fx_logs_in(w.db, "red-reader", "taken-over-1", T0 + 1));
	CHECK(fx_logs_in(w.db, "red-reader", "pw-of-red-reader", T0 + 1));
	/* not the requester, not the user itself, not another organisation's admin */
	CHECK_INT(pt_app_password_reset_approve(&aa, w.db, "red-reader", &u, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_app_password_reset_approve(&rr, w.db, "red-reader", &u, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_app_password_reset_approve(&ab, w.db, "red-reader", &u, &d), PT_ENOTFOUND);
	CHECK(!fx_logs_in(w.db, "red-reader", "taken-over-1", T0 + 2));
	/* a second admin of the organisation approves */
	CHECK_INT(pt_app_password_reset_approve(&aa2, w.db, "red-reader", &u, &d), PT_OK);
	CHECK_INT(fx_audited(w.db, "user.password.approve", "red-reader"), 1);
	CHECK(fx_logs_in(w.db, "red-reader", "taken-over-1", T0 + 3));
	CHECK(!fx_logs_in(w.db, "red-reader", "pw-of-red-reader", T0 + 3));
	/* nothing pending any more */
	CHECK_INT(pt_app_password_reset_approve(&ga, w.db, "red-reader", &u, &d), PT_ENOTFOUND);

	/* a government admin's reset waits too, and expires */
	ch.password = "second-try-22";
	CHECK_INT(pt_app_user_update(&ga, w.db, "red-reader", &ch, &res, &d), PT_OK);
	CHECK_INT(res.reset_pending, 1);
	aa.now = T0 + PT_RESET_TTL_S;
	CHECK_INT(pt_app_password_reset_approve(&aa, w.db, "red-reader", &u, &d), PT_ENOTFOUND);
	CHECK(!fx_logs_in(w.db, "red-reader", "second-try-22", T0 + PT_RESET_TTL_S));
	aa.now = T0;

	/* its own password, and the command line: at once */
	ch.password = "my-own-pw-1";
	CHECK_INT(pt_app_user_update(&rr, w.db, "red-reader", &ch, &res, &d), PT_OK);
	CHECK_INT(res.reset_pending, 0);
	CHECK(fx_logs_in(w.db, "red-reader", "my-own-pw-1", T0 + 4));
	ch.password = "by-the-system-1";
	CHECK_INT(pt_app_user_update(&sys, w.db, "red-reader", &ch, &res, &d), PT_OK);
	CHECK_INT(res.reset_pending, 0);
	CHECK(fx_logs_in(w.db, "red-reader", "by-the-system-1", T0 + 5));

	/* forbidden and hidden */
	CHECK_INT(pt_app_user_update(&ab, w.db, "red-reader", &ch, &res, &d), PT_ENOTFOUND);
	ch.password = NULL;
	{
		enum pt_role admin = PT_ROLE_ADMIN;
		ch.role = &admin;
		CHECK_INT(pt_app_user_update(&rr, w.db, "red-reader", &ch, &res, &d), PT_EFORBIDDEN);
		CHECK_STR(d.msg, "your role may not make this change to user red-reader");
		CHECK_INT(pt_app_user_update(&aa, w.db, "plain", &ch, &res, &d), PT_OK);
		CHECK_INT(res.user.role, PT_ROLE_ADMIN);
	}
	pt_app_db_close(w.db);
}

/* Make name a role: as the system administrator (sys) or as admin c (the API's way). */
static void set_role(const struct pt_caller *c, struct pt_db *db, const char *name,
		     enum pt_role role)
{
	struct pt_user_change ch;
	struct pt_user_change_result res;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	memset(&ch, 0, sizeof ch);
	ch.role = &role;
	CHECK_INT(pt_app_user_update(c, db, name, &ch, &res, &d), PT_OK);
}

/* admin-a asks for red-reader's reset with password pw: pending. */
static void ask_reset(const struct pt_caller *aa, struct pt_db *db, const char *pw)
{
	struct pt_user_change ch;
	struct pt_user_change_result res;
	struct pt_diag d;
	memset(&d, 0, sizeof d);
	memset(&ch, 0, sizeof ch);
	ch.password = pw;
	CHECK_INT(pt_app_user_update(aa, db, "red-reader", &ch, &res, &d), PT_OK);
	CHECK_INT(res.reset_pending, 1);
}

/* One person cannot supply both approvals: an admin made over the API (created or promoted by
 * another admin, who holds its password) neither approves nor asks; an appointed admin's own
 * password is guarded as a RED reader's; the approver is judged as stored at approval time. */
static void test_password_reset_one_person(void)
{
	struct world w;
	struct pt_caller aa, aa2, ga, sys, sock, made;
	struct pt_user_new in;
	struct pt_user_change ch;
	struct pt_user_change_result res;
	struct pt_user u;
	struct pt_diag d;
	if (setup(&w))
		return;
	aa = fx_caller(w.db, "admin-a");
	aa2 = fx_caller(w.db, "admin-a2");
	ga = fx_caller(w.db, "gov-admin");
	pt_caller_system(&sys);
	memset(&d, 0, sizeof d);
	CHECK_INT(aa.who.admin_by_system, 1);

	/* (A) admin-a asks, creates an admin over the API and approves as it */
	ask_reset(&aa, w.db, "taken-over-A");
	memset(&in, 0, sizeof in);
	in.name = "sock";
	in.password = "api-made-pw-1";
	in.role = PT_ROLE_ADMIN;
	in.org_id = w.a;
	CHECK_INT(pt_app_user_create(&aa, w.db, &in, &u, &d), PT_OK);
	CHECK_INT(u.admin_by_system, 0);
	sock = fx_caller(w.db, "sock");
	CHECK_INT(sock.who.admin_by_system, 0);
	CHECK_INT(pt_app_password_reset_approve(&sock, w.db, "red-reader", &u, &d), PT_EFORBIDDEN);
	CHECK_STR(d.msg, "an admin made over the API cannot approve a password reset; ask an admin "
			 "appointed by the system administrator");
	CHECK(!fx_logs_in(w.db, "red-reader", "taken-over-A", T0 + 1));
	/* nor may it ask: swapping the parts (sock asks, admin-a approves) is one person again */
	memset(&ch, 0, sizeof ch);
	ch.password = "taken-over-A2";
	CHECK_INT(pt_app_user_update(&sock, w.db, "red-reader", &ch, &res, &d), PT_EFORBIDDEN);
	CHECK(strstr(d.msg, "an admin made over the API cannot ask") != NULL);
	/* (B) a user promoted over the API, and (C) by a government admin: the same */
	set_role(&aa, w.db, "plain", PT_ROLE_ADMIN);
	made = fx_caller(w.db, "plain");
	CHECK_INT(pt_app_password_reset_approve(&made, w.db, "red-reader", &u, &d), PT_EFORBIDDEN);
	set_role(&ga, w.db, "plain", PT_ROLE_VIEWER);
	set_role(&ga, w.db, "plain", PT_ROLE_ADMIN);
	made = fx_caller(w.db, "plain");
	CHECK_INT(pt_app_password_reset_approve(&made, w.db, "red-reader", &u, &d), PT_EFORBIDDEN);
	/* an appointed admin made admin again over the API is no longer appointed */
	set_role(&ga, w.db, "admin-a2", PT_ROLE_ADMIN);
	aa2 = fx_caller(w.db, "admin-a2");
	CHECK_INT(pt_app_password_reset_approve(&aa2, w.db, "red-reader", &u, &d), PT_EFORBIDDEN);
	CHECK(!fx_logs_in(w.db, "red-reader", "taken-over-A", T0 + 2));

	/* The system administrator appoints: protect user role (sock), protect user add (cli-admin). */
	set_role(&sys, w.db, "sock", PT_ROLE_ADMIN);
	sock = fx_caller(w.db, "sock");
	CHECK_INT(sock.who.admin_by_system, 1);
	CHECK_INT(pt_app_password_reset_approve(&sock, w.db, "red-reader", &u, &d), PT_OK);
	CHECK(fx_logs_in(w.db, "red-reader", "taken-over-A", T0 + 3));
	in.name = "cli-admin";
	in.password = "cli-made-pw-1";
	CHECK_INT(pt_app_user_create(&sys, w.db, &in, &u, &d), PT_OK);
	CHECK_INT(u.admin_by_system, 1);
	ask_reset(&aa, w.db, "taken-over-B");
	made = fx_caller(w.db, "cli-admin");
	/* judged at approval time: demoted since its session began, it no longer approves */
	set_role(&sys, w.db, "cli-admin", PT_ROLE_VIEWER);
	CHECK_INT(made.who.admin_by_system, 1);
	CHECK_INT(pt_app_password_reset_approve(&made, w.db, "red-reader", &u, &d), PT_EFORBIDDEN);
	CHECK(!fx_logs_in(w.db, "red-reader", "taken-over-B", T0 + 4));
	/* nor a request whose requester is no longer appointed */
	set_role(&sys, w.db, "cli-admin", PT_ROLE_ADMIN);
	made = fx_caller(w.db, "cli-admin");
	set_role(&ga, w.db, "admin-a", PT_ROLE_ADMIN);
	CHECK_INT(pt_app_password_reset_approve(&made, w.db, "red-reader", &u, &d), PT_EFORBIDDEN);
	CHECK(strstr(d.msg, "asked for by an admin who is not appointed") != NULL);
	set_role(&sys, w.db, "admin-a", PT_ROLE_ADMIN);
	CHECK_INT(pt_app_password_reset_approve(&made, w.db, "red-reader", &u, &d), PT_OK);
	CHECK(fx_logs_in(w.db, "red-reader", "taken-over-B", T0 + 5));

	/* An appointed admin's password is guarded too: a reset of it waits for a second admin,
	 * else one admin would take over another's account and approve as it. */
	aa = fx_caller(w.db, "admin-a");
	memset(&ch, 0, sizeof ch);
	ch.password = "taken-over-C";
	CHECK_INT(pt_app_user_update(&ga, w.db, "admin-a", &ch, &res, &d), PT_OK);
	CHECK_INT(res.reset_pending, 1);
	CHECK(!fx_logs_in(w.db, "admin-a", "taken-over-C", T0 + 6));
	/* an admin made over the API is not: its maker may reset it at once */
	ch.password = "again-made-pw-2";
	set_role(&aa, w.db, "sock", PT_ROLE_ADMIN);
	CHECK_INT(pt_app_user_update(&aa, w.db, "sock", &ch, &res, &d), PT_OK);
	CHECK_INT(res.reset_pending, 0);
	pt_app_db_close(w.db);
}

static void test_orgs(void)
{
	struct world w;
	struct pt_caller ga, aa;
	struct pt_org_list l;
	struct pt_org_entry e;
	struct pt_org_edit ed;
	struct pt_org o;
	struct pt_diag d;
	enum pt_org_type ngo = PT_ORG_NGO;
	long long id = 0, partners[2];
	if (setup(&w))
		return;
	ga = fx_caller(w.db, "gov-admin");
	aa = fx_caller(w.db, "admin-a");
	memset(&d, 0, sizeof d);
	memset(&ed, 0, sizeof ed);
	ed.name = "Relief";
	ed.type = &ngo;
	CHECK_INT(pt_app_org_create(&aa, w.db, &ed, &id, &d), PT_EFORBIDDEN);
	CHECK_INT(pt_app_org_create(&ga, w.db, &ed, &id, &d), PT_OK);
	CHECK(id > 0);
	CHECK_INT(pt_app_org_create(&ga, w.db, &ed, &id, &d), PT_ECONFLICT);
	CHECK_INT(pt_app_org_find(&ga, w.db, "Relief", &o, &d), PT_OK);
	CHECK_INT(o.type, PT_ORG_NGO);
	/* an organisation's admin changes its partners only */
	memset(&ed, 0, sizeof ed);
	partners[0] = w.b;
	partners[1] = o.id;
	ed.set_partners = 1;
	ed.partners = partners;
	ed.n_partners = 2;
	CHECK_INT(pt_app_org_update(&aa, w.db, w.a, &ed, &d), PT_OK);
	CHECK_INT(pt_app_org_get(&aa, w.db, w.a, &e, &d), PT_OK);
	CHECK_INT(e.n_partners, 2);
	pt_org_entry_clear(&e);
	ed.name = "Org A2";
	CHECK_INT(pt_app_org_update(&aa, w.db, w.a, &ed, &d), PT_EFORBIDDEN);
	/* a bad partner list names the field */
	memset(&ed, 0, sizeof ed);
	partners[0] = w.a;
	ed.set_partners = 1;
	ed.partners = partners;
	ed.n_partners = 1;
	CHECK_INT(pt_app_org_update(&ga, w.db, w.a, &ed, &d), PT_EINVAL);
	CHECK_STR(d.field, "partners");
	CHECK_INT(pt_app_org_update(&ga, w.db, 9999, &ed, &d), PT_ENOTFOUND);
	CHECK_INT(pt_app_orgs_list(&aa, w.db, &l, &d), PT_OK);
	CHECK_INT(l.n, 4);
	pt_org_list_clear(&l);
	pt_app_db_close(w.db);
}

int main(void)
{
	RUN(test_users_list_create);
	RUN(test_password_reset_needs_second_admin);
	RUN(test_password_reset_one_person);
	RUN(test_orgs);
	return TEST_SUMMARY("test_app_users");
}
