/* pt_app_users.c - organisations and users: every decision asked of
 * src/core/pt_access, every write in one transaction through src/store. */
#include "pt_app_users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/pt_resets.h"
#include "../store/pt_store.h"
#include "../store/pt_users.h"
#include "pt_app_audit.h"
#include "pt_app_second_factor.h"

/* The time of c's writes. */
static int64_t now_of(const struct pt_caller *c)
{
	return c->now ? c->now : (int64_t)time(NULL);
}

/* ---- organisations ------------------------------------------------------- */

void pt_org_entry_clear(struct pt_org_entry *e)
{
	free(e->partners);
	e->partners = NULL;
	e->n_partners = 0;
}

void pt_org_list_clear(struct pt_org_list *l)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		pt_org_entry_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

enum pt_err pt_app_orgs_list(const struct pt_caller *c, struct pt_db *db, struct pt_org_list *out,
			     struct pt_diag *d)
{
	struct pt_org *orgs = NULL;
	size_t n = 0, i;
	enum pt_err err;
	(void)c;
	memset(out, 0, sizeof *out);
	if ((err = pt_db_orgs_list(db, &orgs, &n, d)) != PT_OK)
		return err;
	if (n && !(out->items = calloc(n, sizeof *out->items))) {
		free(orgs);
		return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
	}
	for (i = 0; i < n; i++) {
		out->items[i].org = orgs[i];
		out->n = i + 1;
		err = pt_db_org_partners(db, orgs[i].id, &out->items[i].partners,
					 &out->items[i].n_partners, d);
		if (err != PT_OK)
			break;
	}
	free(orgs);
	if (err != PT_OK)
		pt_org_list_clear(out);
	return err;
}

enum pt_err pt_app_org_get(const struct pt_caller *c, struct pt_db *db, long long id,
			   struct pt_org_entry *out, struct pt_diag *d)
{
	enum pt_err err;
	(void)c;
	memset(out, 0, sizeof *out);
	if ((err = pt_db_org_get(db, id, &out->org, d)) != PT_OK)
		return err;
	return pt_db_org_partners(db, id, &out->partners, &out->n_partners, d);
}

enum pt_err pt_app_org_find(const struct pt_caller *c, struct pt_db *db, const char *name,
			    struct pt_org *out, struct pt_diag *d)
{
	(void)c;
	return pt_db_org_find(db, name, out, d);
}

struct org_write {
	const struct pt_org_edit *ch;
	long long id; /* 0: create */
	struct pt_diag *d;
};

static enum pt_err write_org(struct pt_db *db, void *ctx)
{
	struct org_write *w = ctx;
	const struct pt_org_edit *ch = w->ch;
	enum pt_org_type type = ch->type ? *ch->type : PT_ORG_OPERATOR;
	enum pt_err err = PT_OK;
	if (w->id == 0)
		err = pt_db_org_add(db, ch->name, type, &w->id, w->d);
	else if (ch->name || ch->type)
		err = pt_db_org_update(db, w->id, ch->name, ch->type, w->d);
	if (err != PT_OK || !ch->set_partners)
		return err;
	err = pt_db_org_set_partners(db, w->id, ch->partners, ch->n_partners, w->d);
	if (err == PT_ENOTFOUND || err == PT_EINVAL || err == PT_ELIMIT) {
		/* about the partner list: name the field */
		pt_strlcpy(w->d->field, "partners", sizeof w->d->field);
		err = PT_EINVAL;
	}
	return err;
}

enum pt_err pt_app_org_create(const struct pt_caller *c, struct pt_db *db,
			      const struct pt_org_edit *in, long long *id, struct pt_diag *d)
{
	struct org_write w;
	enum pt_err err;
	if (pt_access_org_create(&c->who) != PT_ACCESS_OK)
		return pt_app_refused(c, db, "org.create", "organisations", "",
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "",
						  "only admins of a government organisation create "
						  "organisations"),
				      d);
	w.ch = in;
	w.id = 0;
	w.d = d;
	pt_app_act(c, db);
	err = pt_db_transaction(db, write_org, &w, d);
	if (err == PT_OK && id)
		*id = w.id;
	return err;
}

enum pt_err pt_app_org_update(const struct pt_caller *c, struct pt_db *db, long long id,
			      const struct pt_org_edit *ch, struct pt_diag *d)
{
	struct org_write w;
	struct pt_org o;
	unsigned changes = 0;
	enum pt_err err;
	if ((err = pt_db_org_get(db, id, &o, d)) != PT_OK)
		return err;
	if (ch->name)
		changes |= PT_ORG_CHANGE_NAME;
	if (ch->type)
		changes |= PT_ORG_CHANGE_TYPE;
	if (ch->set_partners)
		changes |= PT_ORG_CHANGE_PARTNERS;
	if (pt_access_org_change(&c->who, id, changes) != PT_ACCESS_OK) {
		char rec[32];
		snprintf(rec, sizeof rec, "%lld", id);
		return pt_app_refused(c, db, "org.update", "organisations", rec,
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "",
						  "your role may not make this change to "
						  "organisation %s",
						  o.name),
				      d);
	}
	/* issue 11 (last): to or from government is the system administrator's */
	if (ch->type && pt_access_org_retype(&c->who, o.type, *ch->type) != PT_ACCESS_OK) {
		char rec[32];
		snprintf(rec, sizeof rec, "%lld", id);
		return pt_app_refused(c, db, "org.update", "organisations", rec,
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "type",
						  "only the system administrator (the command "
						  "line) changes an organisation's type to or from "
						  "government (organisation %s: %s, asked %s)",
						  o.name, pt_org_type_name(o.type),
						  pt_org_type_name(*ch->type)),
				      d);
	}
	w.ch = ch;
	w.id = id;
	w.d = d;
	pt_app_act(c, db);
	return pt_db_transaction(db, write_org, &w, d);
}

/* ---- users ---------------------------------------------------------------- */

void pt_user_list_clear(struct pt_user_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

enum pt_err pt_app_users_list(const struct pt_caller *c, struct pt_db *db, long long org_id,
			      struct pt_user_list *out, struct pt_diag *d)
{
	struct pt_user *users = NULL;
	size_t n = 0, i, kept = 0;
	enum pt_err err;
	memset(out, 0, sizeof *out);
	if (pt_access_list_users(&c->who, c->who.org_id) != PT_ACCESS_OK)
		return pt_diag_set(d, PT_EFORBIDDEN, 0, "", "only admins list users");
	if ((err = pt_db_users_list(db, org_id, &users, &n, d)) != PT_OK)
		return err;
	for (i = 0; i < n; i++)
		if (pt_access_list_users(&c->who, users[i].org_id) == PT_ACCESS_OK)
			users[kept++] = users[i];
	out->items = users;
	out->n = kept;
	if (!kept) {
		free(users);
		out->items = NULL;
	}
	return PT_OK;
}

/* Nonzero when c may see user u (itself, or one it may list). */
static int sees_user(const struct pt_caller *c, const struct pt_user *u)
{
	return pt_access_see_user(&c->who, u->id, u->org_id) == PT_ACCESS_OK;
}

enum pt_err pt_app_user_get(const struct pt_caller *c, struct pt_db *db, const char *name,
			    struct pt_user *out, struct pt_diag *d)
{
	enum pt_err err;
	if (!name || !pt_user_name_valid(name))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "name", "no user named \"%s\"",
				   name ? name : "");
	if ((err = pt_db_user_get(db, name, out, d)) != PT_OK)
		return err;
	if (!sees_user(c, out))
		return pt_diag_set(d, PT_ENOTFOUND, 0, "name", "no user named \"%s\"", name);
	return PT_OK;
}

/*
 * A new password for user name: its length, then the dictionary of common
 * passwords and the user's own name (pt_password_quality, NIST SP 800-63B
 * 5.1.1.2); the demo's documented "demo-NAME" passes in the demo only.
 */
static enum pt_err password_allowed(struct pt_db *db, const char *name, const char *password,
				    struct pt_diag *d)
{
	enum pt_err err;
	if ((err = pt_password_check(password, password ? strlen(password) : 0, d)) != PT_OK)
		return err;
	if (pt_app_demo_password(db, name, password))
		return PT_OK;
	return pt_password_quality(password, name, d);
}

enum pt_err pt_app_user_create(const struct pt_caller *c, struct pt_db *db,
			       const struct pt_user_new *in, struct pt_user *out,
			       struct pt_diag *d)
{
	enum pt_err err;
	if (pt_access_manage_users(&c->who, in->org_id) != PT_ACCESS_OK) {
		char rec[32];
		snprintf(rec, sizeof rec, "%lld", in->org_id);
		/* the organisation is the record: the new user's name and password are not kept */
		return pt_app_refused(c, db, "user.create", "organisations", rec,
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "organisation_id",
						  "your role may not create users of organisation "
						  "%lld",
						  in->org_id),
				      d);
	}
	if (pt_user_name_valid(in->name) &&
	    (err = password_allowed(db, in->name, in->password, d)) != PT_OK)
		return err;
	pt_app_act(c, db);
	err = pt_db_user_add_by(db, in->name, in->password, in->role, in->org_id, c->who.system,
				NULL, d);
	if (err == PT_ENOTFOUND)
		return pt_diag_set(d, PT_EINVAL, 0, "organisation_id", "no organisation %lld",
				   in->org_id);
	if (err != PT_OK || !out)
		return err;
	return pt_db_user_get(db, in->name, out, d);
}

int pt_app_user_reads_red(const struct pt_snapshot *snap, long long user_id)
{
	size_t i, k;
	for (i = 0; i < snap->sites.n; i++) {
		struct pt_access_record rec;
		if (snap->sites.items[i].tlp != PT_TLP_RED)
			continue;
		pt_snapshot_record(snap, i, &rec);
		for (k = 0; k < rec.n_red_readers; k++)
			if (rec.red_readers[k] == user_id)
				return 1;
	}
	return 0;
}

struct user_write {
	const struct pt_caller *c;
	const struct pt_user *u;
	const struct pt_user_change *in;
	enum pt_reset reset;
	int64_t now;
	struct pt_diag *d;
};

static enum pt_err write_user(struct pt_db *db, void *ctx)
{
	struct user_write *w = ctx;
	enum pt_err err = PT_OK;
	if (w->in->role)
		err = pt_db_user_set_role_by(db, w->u->name, *w->in->role, w->c->who.system, w->d);
	if (err != PT_OK || !w->in->password)
		return err;
	if (w->reset == PT_RESET_NEEDS_APPROVAL)
		return pt_db_password_reset_request(db, w->u->id, w->u->name, w->in->password,
						    w->c->who.user_id, w->c->name, w->now,
						    w->now + PT_RESET_TTL_S, w->d);
	return pt_db_user_set_password(db, w->u->name, w->in->password, w->d);
}

enum pt_err pt_app_user_update(const struct pt_caller *c, struct pt_db *db, const char *name,
			       const struct pt_user_change *in, struct pt_user_change_result *out,
			       struct pt_diag *d)
{
	struct pt_snapshot *snap = NULL;
	struct user_write w;
	struct pt_user u;
	enum pt_err err;
	int may = 1;

	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	w.reset = PT_RESET_ALLOWED;
	if ((err = pt_app_user_get(c, db, name, &u, d)) != PT_OK)
		return err;
	if (in->role && pt_access_manage_users(&c->who, u.org_id) != PT_ACCESS_OK)
		may = 0;
	if (in->password) {
		int guarded = 0;
		if (!c->who.system && u.id != c->who.user_id) {
			if (!(snap = pt_app_snapshot(c, db, d)))
				return PT_EDB;
			/* issue 13 review: an appointed pio or coordinator approves public
			 * alerts; an admin who set its password at once could approve as it */
			guarded = pt_app_user_reads_red(snap, u.id) || u.admin_by_system ||
				  (u.role_by_system &&
				   (u.role == PT_ROLE_PIO || u.role == PT_ROLE_COORDINATOR));
			pt_snapshot_release(snap);
		}
		w.reset = pt_access_password_reset(&c->who, u.id, u.org_id, guarded);
		if (w.reset == PT_RESET_NOT_APPOINTED)
			return pt_app_refused(
				c, db, "user.password", "users", u.name,
				pt_diag_set(d, PT_EFORBIDDEN, 0, "",
					    "an admin made over the API cannot ask for a password reset "
					    "that a second admin approves (user %s reads a RED record or "
					    "approves resets); ask an admin appointed by the system "
					    "administrator",
					    u.name),
				d);
		if (w.reset == PT_RESET_FORBIDDEN)
			may = 0;
	}
	if (!may)
		return pt_app_refused(c, db, in->role ? "user.role" : "user.password", "users", u.name,
				      pt_diag_set(d, PT_EFORBIDDEN, 0, "",
						  "your role may not make this change to user %s",
						  u.name),
				      d);
	if (in->password && (err = password_allowed(db, u.name, in->password, d)) != PT_OK)
		return err;
	w.c = c;
	w.u = &u;
	w.in = in;
	w.now = now_of(c);
	w.d = d;
	pt_app_act(c, db);
	if ((err = pt_db_transaction(db, write_user, &w, d)) != PT_OK)
		return err;
	if (w.reset == PT_RESET_NEEDS_APPROVAL && in->password) {
		out->reset_pending = 1;
		pt_strlcpy(out->reset.requested_by, c->name, sizeof out->reset.requested_by);
		out->reset.requested = w.now;
		out->reset.expires = w.now + PT_RESET_TTL_S;
	}
	return pt_db_user_get(db, u.name, &out->user, d);
}

struct approve_write {
	const struct pt_caller *c;
	const struct pt_user *u;
	int64_t now;
	struct pt_diag *d;
};

/* *yes: is user id, as stored now, an admin appointed by the system administrator (0 when gone)? */
static enum pt_err appointed_now(struct pt_db *db, long long id, int *yes, struct pt_diag *d)
{
	struct pt_user u;
	enum pt_err err;
	*yes = 0;
	if (id <= 0)
		return PT_OK;
	err = pt_db_user_get_id(db, id, &u, d);
	if (err == PT_ENOTFOUND)
		return PT_OK;
	if (err == PT_OK)
		*yes = pt_access_appointed_admin(u.role, u.admin_by_system);
	return err;
}

static enum pt_err write_approval(struct pt_db *db, void *ctx)
{
	struct approve_write *w = ctx;
	struct pt_password_reset r;
	struct pt_principal who = w->c->who;
	struct pt_user me;
	enum pt_err err;
	int requester_appointed;
	if ((err = pt_db_password_reset_get(db, w->u->id, w->now, &r, w->d)) != PT_OK ||
	    (err = appointed_now(db, r.requested_by, &requester_appointed, w->d)) != PT_OK)
		return err;
	/* The approver and the requester as they are now, in this transaction. */
	if (!who.system) {
		if ((err = pt_db_user_get_id(db, who.user_id, &me, w->d)) != PT_OK)
			return err == PT_ENOTFOUND ? pt_diag_set(w->d, PT_EFORBIDDEN, 0, "",
								 "your user no longer exists")
						   : err;
		pt_user_principal(&me, &who);
	}
	switch (pt_access_password_reset_approve(&who, r.requested_by, requester_appointed, w->u->id,
						 w->u->org_id)) {
	case PT_APPROVAL_OK:
		break;
	case PT_APPROVAL_NOT_APPOINTED:
		return pt_diag_set(w->d, PT_EFORBIDDEN, 0, "",
				   "an admin made over the API cannot approve a password reset; "
				   "ask an admin appointed by the system administrator");
	case PT_APPROVAL_REQUESTER_NOT_APPOINTED:
		return pt_diag_set(w->d, PT_EFORBIDDEN, 0, "",
				   "this reset was asked for by an admin who is not appointed by the "
				   "system administrator; ask one who is to ask for it again");
	case PT_APPROVAL_SAME_PERSON:
		return pt_diag_set(w->d, PT_EFORBIDDEN, 0, "",
				   "a second admin approves a password reset: not the admin who "
				   "asked for it, nor the user itself");
	case PT_APPROVAL_FORBIDDEN:
	default:
		return pt_diag_set(w->d, PT_EFORBIDDEN, 0, "",
				   "a second admin approves a password reset: an admin appointed by "
				   "the system administrator who manages user %s, not the admin who "
				   "asked for it, nor the user itself",
				   w->u->name);
	}
	return pt_db_password_reset_apply(db, w->u->id, w->u->name, w->now, w->d);
}

enum pt_err pt_app_password_reset_approve(const struct pt_caller *c, struct pt_db *db,
					  const char *name, struct pt_user *out,
					  struct pt_diag *d)
{
	struct approve_write w;
	struct pt_user u;
	enum pt_err err;
	if ((err = pt_app_user_get(c, db, name, &u, d)) != PT_OK)
		return err;
	w.c = c;
	w.u = &u;
	w.now = now_of(c);
	w.d = d;
	pt_app_act(c, db);
	if ((err = pt_db_transaction(db, write_approval, &w, d)) != PT_OK)
		return pt_app_refused(c, db, "user.password.approve", "users", u.name, err, d);
	return out ? pt_db_user_get(db, u.name, out, d) : PT_OK;
}

enum pt_err pt_app_password_check(const char *password, size_t len, struct pt_diag *d)
{
	return pt_password_check(password, len, d);
}

int pt_app_user_name_valid(const char *name)
{
	return pt_user_name_valid(name);
}
