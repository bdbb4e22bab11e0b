/* pt_access.c - the access rules of protect in one place (docs/access.md):
 * pure decisions from the caller and the record, no I/O. */
#include "pt_access.h"

#include <string.h>

static const char *const role_names[PT_ROLE_COUNT] = {
	"admin", "coordinator", "analyst", "operator", "viewer",
	"pio", "facilitator", "player", "evaluator",
};

const char *pt_role_name(enum pt_role role)
{
	if ((unsigned)role < PT_ROLE_COUNT)
		return role_names[role];
	return "";
}

enum pt_err pt_role_parse(const char *s, enum pt_role *out)
{
	int i;
	if (!s || !out)
		return PT_EINVAL;
	for (i = 0; i < PT_ROLE_COUNT; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum pt_role)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

const char *pt_access_name(enum pt_access a)
{
	switch (a) {
	case PT_ACCESS_OK:
		return "ok";
	case PT_ACCESS_NOT_FOUND:
		return "not found";
	case PT_ACCESS_FORBIDDEN:
		return "forbidden";
	}
	return "forbidden";
}

/* The system administrator: whoever holds the database file (the command line). */
static int is_system(const struct pt_principal *who)
{
	return who && who->system;
}

/* A caller the rules can reason about: ids set, role and type in range. */
static int principal_ok(const struct pt_principal *who)
{
	return who && !who->system && who->user_id > 0 && who->org_id > 0 && (unsigned)who->role < PT_ROLE_COUNT &&
	       (unsigned)who->org_type <= PT_ORG_NGO;
}

static int record_ok(const struct pt_access_record *rec)
{
	return rec && (unsigned)rec->tlp < PT_TLP_COUNT &&
	       (rec->n_partners == 0 || rec->partners) &&
	       (rec->n_red_readers == 0 || rec->red_readers);
}

static int is_government(const struct pt_principal *who)
{
	return who->org_type == PT_ORG_GOVERNMENT;
}

static int in_list(const long long *ids, size_t n, long long id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* The caller belongs to the record's owning organisation. */
static int is_owner(const struct pt_principal *who, const struct pt_access_record *rec)
{
	return rec->owner_org_id > 0 && who->org_id == rec->owner_org_id;
}

/* Roles that write their own organisation's records. */
static int is_writer_role(enum pt_role role)
{
	return role == PT_ROLE_OPERATOR || role == PT_ROLE_ANALYST || role == PT_ROLE_ADMIN;
}

enum pt_access pt_access_read(const struct pt_principal *who, const struct pt_access_record *rec)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (!principal_ok(who) || !record_ok(rec))
		return PT_ACCESS_NOT_FOUND;
	switch (rec->tlp) {
	case PT_TLP_CLEAR:
	case PT_TLP_GREEN:
		return PT_ACCESS_OK;
	case PT_TLP_AMBER:
		if (is_owner(who, rec))
			return PT_ACCESS_OK;
		if (rec->owner_org_id > 0 && in_list(rec->partners, rec->n_partners, who->org_id))
			return PT_ACCESS_OK;
		if (is_government(who) &&
		    (who->role == PT_ROLE_COORDINATOR || who->role == PT_ROLE_ANALYST))
			return PT_ACCESS_OK;
		return PT_ACCESS_NOT_FOUND;
	case PT_TLP_AMBER_STRICT:
		return is_owner(who, rec) ? PT_ACCESS_OK : PT_ACCESS_NOT_FOUND;
	case PT_TLP_RED:
		return in_list(rec->red_readers, rec->n_red_readers, who->user_id)
			       ? PT_ACCESS_OK
			       : PT_ACCESS_NOT_FOUND;
	}
	return PT_ACCESS_NOT_FOUND;
}

enum pt_access pt_access_write(const struct pt_principal *who, const struct pt_access_record *rec)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	enum pt_access a = pt_access_read(who, rec);
	if (a != PT_ACCESS_OK)
		return a;
	if (is_owner(who, rec) && is_writer_role(who->role))
		return PT_ACCESS_OK;
	return PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_treat(const struct pt_principal *who, const struct pt_access_record *rec)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	enum pt_access a = pt_access_write(who, rec);
	if (a != PT_ACCESS_FORBIDDEN)
		return a;
	if (is_government(who) && who->role == PT_ROLE_COORDINATOR)
		return PT_ACCESS_OK;
	return PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_share(const struct pt_principal *who, const struct pt_access_record *rec)
{
	return pt_access_write(who, rec);
}

enum pt_access pt_access_import(const struct pt_principal *who, long long owner_org_id,
				const struct pt_access_record *existing)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (!principal_ok(who))
		return PT_ACCESS_FORBIDDEN;
	if (existing && pt_access_read(who, existing) != PT_ACCESS_OK) {
		/* Judged as the same row over a missing id: refused alike, or the id is taken. */
		return pt_access_import(who, owner_org_id, NULL) == PT_ACCESS_OK ? PT_ACCESS_NOT_FOUND
										  : PT_ACCESS_FORBIDDEN;
	}
	if (is_government(who) && who->role == PT_ROLE_COORDINATOR)
		return PT_ACCESS_OK;
	if (!is_writer_role(who->role) || owner_org_id <= 0 || owner_org_id != who->org_id)
		return PT_ACCESS_FORBIDDEN;
	if (existing)
		return pt_access_write(who, existing);
	return PT_ACCESS_OK;
}

enum pt_access pt_access_threat_level(const struct pt_principal *who)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (principal_ok(who) && is_government(who) && who->role == PT_ROLE_COORDINATOR)
		return PT_ACCESS_OK;
	return PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_manage_users(const struct pt_principal *who, long long target_org_id)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (!principal_ok(who) || who->role != PT_ROLE_ADMIN)
		return PT_ACCESS_FORBIDDEN;
	if (is_government(who))
		return PT_ACCESS_OK;
	return target_org_id > 0 && target_org_id == who->org_id ? PT_ACCESS_OK
								 : PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_own_password(const struct pt_principal *who, long long target_user_id,
				      long long target_org_id)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (principal_ok(who) && target_user_id > 0 && who->user_id == target_user_id)
		return PT_ACCESS_OK;
	return pt_access_manage_users(who, target_org_id);
}

/* An admin whose admin role the system administrator granted. */
static int appointed_admin(const struct pt_principal *who)
{
	return principal_ok(who) && who->role == PT_ROLE_ADMIN && who->admin_by_system;
}

enum pt_reset pt_access_password_reset(const struct pt_principal *who, long long target_user_id,
				       long long target_org_id, int target_guarded)
{
	if (is_system(who))
		return PT_RESET_ALLOWED;
	if (principal_ok(who) && target_user_id > 0 && who->user_id == target_user_id)
		return PT_RESET_ALLOWED;
	if (pt_access_manage_users(who, target_org_id) != PT_ACCESS_OK)
		return PT_RESET_FORBIDDEN;
	if (!target_guarded)
		return PT_RESET_ALLOWED;
	return appointed_admin(who) ? PT_RESET_NEEDS_APPROVAL : PT_RESET_NOT_APPOINTED;
}

enum pt_approval pt_access_password_reset_approve(const struct pt_principal *who,
						  long long requester_id, int requester_by_system,
						  long long target_user_id, long long target_org_id)
{
	if (is_system(who))
		return PT_APPROVAL_OK;
	if (!principal_ok(who) || pt_access_manage_users(who, target_org_id) != PT_ACCESS_OK)
		return PT_APPROVAL_FORBIDDEN;
	if (who->user_id == requester_id || who->user_id == target_user_id)
		return PT_APPROVAL_SAME_PERSON;
	if (!appointed_admin(who))
		return PT_APPROVAL_NOT_APPOINTED;
	if (requester_id <= 0 || !requester_by_system)
		return PT_APPROVAL_REQUESTER_NOT_APPOINTED;
	return PT_APPROVAL_OK;
}

enum pt_access pt_access_list_users(const struct pt_principal *who, long long org_id)
{
	return pt_access_manage_users(who, org_id);
}

enum pt_access pt_access_org_create(const struct pt_principal *who)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (principal_ok(who) && who->role == PT_ROLE_ADMIN && is_government(who))
		return PT_ACCESS_OK;
	return PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_org_change(const struct pt_principal *who, long long org_id,
				    unsigned changes)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	const unsigned known = PT_ORG_CHANGE_PARTNERS | PT_ORG_CHANGE_NAME | PT_ORG_CHANGE_TYPE;
	if (!principal_ok(who) || who->role != PT_ROLE_ADMIN || (changes & ~known) || org_id <= 0)
		return PT_ACCESS_FORBIDDEN;
	if (is_government(who))
		return PT_ACCESS_OK;
	if (org_id == who->org_id && (changes & ~(unsigned)PT_ORG_CHANGE_PARTNERS) == 0)
		return PT_ACCESS_OK;
	return PT_ACCESS_FORBIDDEN;
}

enum pt_audit_scope pt_access_audit_scope(const struct pt_principal *who)
{
	if (is_system(who))
		return PT_AUDIT_SCOPE_ALL;
	if (!principal_ok(who))
		return PT_AUDIT_SCOPE_NONE;
	if (is_government(who) && (who->role == PT_ROLE_COORDINATOR || who->role == PT_ROLE_ADMIN))
		return PT_AUDIT_SCOPE_ALL;
	if (who->role == PT_ROLE_ADMIN)
		return PT_AUDIT_SCOPE_OWN_ORG;
	return PT_AUDIT_SCOPE_NONE;
}

enum pt_access pt_access_audit_record(const struct pt_principal *who,
				      const struct pt_access_record *rec)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (!rec)
		return PT_ACCESS_NOT_FOUND;
	return pt_access_read(who, rec);
}

enum pt_audit_view pt_access_audit_entry(const struct pt_principal *who, long long entry_org_id,
					 size_t n_records, size_t n_readable)
{
	switch (pt_access_audit_scope(who)) {
	case PT_AUDIT_SCOPE_NONE:
		return PT_AUDIT_VIEW_NONE;
	case PT_AUDIT_SCOPE_OWN_ORG:
		if (entry_org_id <= 0 || entry_org_id != who->org_id)
			return PT_AUDIT_VIEW_NONE;
		break;
	case PT_AUDIT_SCOPE_ALL:
		break;
	}
	if (is_system(who))
		return PT_AUDIT_VIEW_WHOLE;
	return n_readable >= n_records ? PT_AUDIT_VIEW_WHOLE : PT_AUDIT_VIEW_WITHHELD;
}

enum pt_access pt_access_audit_keys(const struct pt_principal *who)
{
	return is_system(who) ? PT_ACCESS_OK : PT_ACCESS_FORBIDDEN;
}

/* A government organisation's user of one of the roles in mask (bits 1 << role). */
static enum pt_access government_role(const struct pt_principal *who, unsigned mask)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (principal_ok(who) && is_government(who) && (mask & (1u << who->role)))
		return PT_ACCESS_OK;
	return PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_measures_change(const struct pt_principal *who)
{
	return government_role(who, 1u << PT_ROLE_ADMIN | 1u << PT_ROLE_COORDINATOR);
}

/* issue 16 item 1: an organisation plans its own budget; its operators and admins save it */
static int own_org_planner(const struct pt_principal *who)
{
	return principal_ok(who) && !is_system(who) && !is_government(who) && who->org_id > 0 &&
	       (who->role == PT_ROLE_OPERATOR || who->role == PT_ROLE_ADMIN);
}

enum pt_access pt_access_plan_save(const struct pt_principal *who,
				   const long long *scope_owners, size_t n_scope_owners)
{
	if (government_role(who, 1u << PT_ROLE_ADMIN | 1u << PT_ROLE_COORDINATOR) == PT_ACCESS_OK)
		return PT_ACCESS_OK;
	/* its own organisation alone, and nothing wider */
	if (own_org_planner(who) && scope_owners && n_scope_owners == 1 &&
	    scope_owners[0] == who->org_id)
		return PT_ACCESS_OK;
	return PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_plan_save_any(const struct pt_principal *who)
{
	if (government_role(who, 1u << PT_ROLE_ADMIN | 1u << PT_ROLE_COORDINATOR) == PT_ACCESS_OK)
		return PT_ACCESS_OK;
	return own_org_planner(who) ? PT_ACCESS_OK : PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_register_approve(const struct pt_principal *who)
{
	return government_role(who, 1u << PT_ROLE_COORDINATOR);
}

enum pt_access pt_access_hidden_counts(const struct pt_principal *who)
{
	return government_role(who, 1u << PT_ROLE_COORDINATOR);
}

size_t pt_access_filter(const struct pt_principal *who, const struct pt_access_record *recs,
			size_t n, unsigned char *visible)
{
	size_t i, shown = 0;
	if (!visible)
		return 0;
	for (i = 0; i < n; i++) {
		visible[i] = recs && pt_access_read(who, &recs[i]) == PT_ACCESS_OK;
		shown += visible[i];
	}
	return shown;
}

void pt_principal_system(struct pt_principal *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof *out);
	out->system = 1;
	out->org_type = PT_ORG_GOVERNMENT;
	out->role = PT_ROLE_ADMIN;
}

int pt_access_read_audited(enum pt_tlp tlp)
{
	return tlp >= PT_TLP_AMBER && tlp < PT_TLP_COUNT;
}

enum pt_access pt_access_see_user(const struct pt_principal *who, long long target_user_id,
				  long long target_org_id)
{
	if (principal_ok(who) && target_user_id > 0 && who->user_id == target_user_id)
		return PT_ACCESS_OK;
	return pt_access_list_users(who, target_org_id) == PT_ACCESS_OK ? PT_ACCESS_OK
									 : PT_ACCESS_NOT_FOUND;
}

int pt_access_red_names_maker(const struct pt_principal *who)
{
	return principal_ok(who);
}

int pt_access_appointed_admin(enum pt_role role, int granted_by_system)
{
	return role == PT_ROLE_ADMIN && granted_by_system;
}

/* ---- the second factor at log-in (issue 10) ---- */

int pt_access_second_factor_required(enum pt_role role)
{
	switch (role) {
	case PT_ROLE_ADMIN:
	case PT_ROLE_COORDINATOR:
	case PT_ROLE_ANALYST:
		return 1;
	case PT_ROLE_OPERATOR:
	case PT_ROLE_VIEWER:
	case PT_ROLE_PIO:
	case PT_ROLE_FACILITATOR:
	case PT_ROLE_PLAYER:
	case PT_ROLE_EVALUATOR:
		return 0;
	}
	return 1;
}

/* The right to import at all (issue 10): the caller's role and organisation, no row. */
enum pt_access pt_access_import_right(const struct pt_principal *who, enum pt_import_kind kind)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (!principal_ok(who))
		return PT_ACCESS_FORBIDDEN;
	if (is_writer_role(who->role))
		return PT_ACCESS_OK;
	if ((kind == PT_IMPORT_SITES || kind == PT_IMPORT_DEPENDENCIES) && is_government(who) &&
	    who->role == PT_ROLE_COORDINATOR)
		return PT_ACCESS_OK; /* issue 12: dependencies follow the sites */
	return PT_ACCESS_FORBIDDEN;
}

/* ---- compute budgets (issue 10: the server's compute pool) ---- */

void pt_access_compute_budget(const struct pt_principal *who, struct pt_compute_budget *out)
{
	memset(out, 0, sizeof *out);
	if (who && who->system) {
		out->quant_draws = ~0ULL;
		out->solver_s = 1e9;
		return;
	}
	if (!principal_ok(who))
		return;
	switch (who->role) {
	case PT_ROLE_ADMIN:
	case PT_ROLE_COORDINATOR:
	case PT_ROLE_ANALYST:
		out->quant_draws = 100000000ULL;
		out->solver_s = 10;
		break;
	case PT_ROLE_OPERATOR:
		out->quant_draws = 20000000ULL;
		out->solver_s = 5;
		break;
	default:
		out->quant_draws = 5000000ULL;
		out->solver_s = 2;
		break;
	}
}

/* ---- measure states at a site (issue 11, item 7) ---- */

static const char *const step_names[PT_STEP_COUNT] = {"approve", "accept", "decline", "install",
						      "verify"};

const char *pt_measure_step_name(enum pt_measure_step step)
{
	return (unsigned)step < PT_STEP_COUNT ? step_names[step] : "";
}

enum pt_err pt_measure_step_parse(const char *s, enum pt_measure_step *out)
{
	for (unsigned i = 0; s && i < PT_STEP_COUNT; i++)
		if (strcmp(s, step_names[i]) == 0) {
			*out = (enum pt_measure_step)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

enum pt_access pt_access_measure_step(const struct pt_principal *who,
				      const struct pt_access_record *rec, enum pt_measure_step step,
				      const struct pt_measure_actors *actors)
{
	enum pt_access a;
	if (is_system(who))
		return PT_ACCESS_OK;
	if ((a = pt_access_read(who, rec)) != PT_ACCESS_OK)
		return a;
	if (!actors || (unsigned)step >= PT_STEP_COUNT)
		return PT_ACCESS_FORBIDDEN;
	/* separation of duties (review H1) */
	if (pt_access_measure_duty(who, step, actors, NULL) != PT_DUTY_NONE)
		return PT_ACCESS_FORBIDDEN;
	switch (step) {
	case PT_STEP_APPROVE:
		if (who->user_id == actors->proposer_user_id)
			return PT_ACCESS_FORBIDDEN; /* nobody approves its own proposal */
		if (actors->scope_org_id > 0)
			return who->org_id == actors->scope_org_id && who->role == PT_ROLE_ADMIN
				       ? PT_ACCESS_OK
				       : PT_ACCESS_FORBIDDEN;
		/* the roles that save plans (pt_access_plan_save) */
		return is_government(who) &&
				       (who->role == PT_ROLE_COORDINATOR || who->role == PT_ROLE_ADMIN)
			       ? PT_ACCESS_OK
			       : PT_ACCESS_FORBIDDEN;
	case PT_STEP_ACCEPT:
	case PT_STEP_DECLINE:
	case PT_STEP_INSTALL:
		return pt_access_write(who, rec);
	case PT_STEP_VERIFY:
		if (who->user_id == actors->installer_user_id)
			return PT_ACCESS_FORBIDDEN; /* nobody verifies its own installation */
		return is_government(who) &&
				       (who->role == PT_ROLE_COORDINATOR || who->role == PT_ROLE_ANALYST)
			       ? PT_ACCESS_OK
			       : PT_ACCESS_FORBIDDEN;
	}
	return PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_measure_commit(const struct pt_principal *who,
					const struct pt_access_record *rec)
{
	enum pt_access a;
	if (is_system(who))
		return PT_ACCESS_OK;
	if ((a = pt_access_read(who, rec)) != PT_ACCESS_OK)
		return a;
	return pt_access_write(who, rec); /* the owner's money, as accept and install */
}

enum pt_access pt_access_plan_withdraw(const struct pt_principal *who, long long proposer_user_id)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (!principal_ok(who))
		return PT_ACCESS_FORBIDDEN;
	if (proposer_user_id > 0 && who->user_id == proposer_user_id)
		return PT_ACCESS_OK;
	return is_government(who) && who->role == PT_ROLE_COORDINATOR ? PT_ACCESS_OK
								      : PT_ACCESS_FORBIDDEN;
}

/* ---- review m7 (issue 11): which rule refuses a measure step ---- */

enum pt_step_refusal pt_access_measure_step_why(const struct pt_principal *who,
						const struct pt_access_record *rec,
						enum pt_measure_step step,
						const struct pt_measure_actors *actors)
{
	struct pt_measure_actors other;
	if (!actors || (step != PT_STEP_APPROVE && step != PT_STEP_VERIFY))
		return PT_STEP_REFUSED_ROLE;
	other = *actors; /* the same rules with no proposer and no installer */
	other.proposer_user_id = -1;
	other.installer_user_id = -1;
	if (who && who->user_id > 0 &&
	    (step == PT_STEP_APPROVE ? who->user_id == actors->proposer_user_id
				     : who->user_id == actors->installer_user_id) &&
	    pt_access_measure_step(who, rec, step, &other) == PT_ACCESS_OK)
		return PT_STEP_REFUSED_OWN;
	return PT_STEP_REFUSED_ROLE;
}

/* ---- issue 11 (owner2): the legal basis of a site, the owner of an existing site ---- */

enum pt_access pt_access_legal_basis(const struct pt_principal *who,
				     const struct pt_access_record *rec)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (rec && pt_access_read(who, rec) != PT_ACCESS_OK)
		return PT_ACCESS_NOT_FOUND;
	if (!principal_ok(who))
		return PT_ACCESS_FORBIDDEN;
	return is_government(who) && (who->role == PT_ROLE_COORDINATOR || who->role == PT_ROLE_ADMIN)
		       ? PT_ACCESS_OK
		       : PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_site_owner_change(const struct pt_principal *who)
{
	return is_system(who) ? PT_ACCESS_OK : PT_ACCESS_FORBIDDEN;
}

/* ---- separation of duties in the measure steps (review H1) ---- */

/* Nonzero when id (> 0) is in chain (PT_DUTY_CHAIN ids, 0 ends it). */
static int in_chain(long long id, const long long *chain)
{
	for (int i = 0; id > 0 && i < PT_DUTY_CHAIN && chain[i] > 0; i++)
		if (chain[i] == id)
			return 1;
	return 0;
}

/* Nonzero when chains a and b share a maker (siblings: one maker made both users), or
 * either chain is full (a chain of makers longer than PT_DUTY_CHAIN is not followed to
 * its end, so it is taken as related). */
static int chains_related(const long long *a, const long long *b)
{
	if (!a || !b)
		return 0;
	if (a[PT_DUTY_CHAIN - 1] > 0 || b[PT_DUTY_CHAIN - 1] > 0)
		return 1;
	for (int i = 0; i < PT_DUTY_CHAIN && a[i] > 0; i++)
		if (in_chain(a[i], b))
			return 1;
	return 0;
}

/* The group of a step: 0 approve, 1 the owner's (accept, decline, install), 2 verify. */
static int duty_group(enum pt_measure_step step)
{
	return step == PT_STEP_APPROVE ? 0 : step == PT_STEP_VERIFY ? 2 : 1;
}

enum pt_duty_conflict pt_access_measure_duty(const struct pt_principal *who,
					     enum pt_measure_step step,
					     const struct pt_measure_actors *actors,
					     enum pt_measure_step *taken)
{
	long long other = 0;
	const long long *other_chain = NULL;
	if (is_system(who) || !principal_ok(who) || !actors || who->user_id <= 0 ||
	    (unsigned)step >= PT_STEP_COUNT)
		return PT_DUTY_NONE;
	for (unsigned k = 0; k < PT_STEP_COUNT; k++)
		if (actors->step_users[k] == who->user_id &&
		    duty_group((enum pt_measure_step)k) != duty_group(step)) {
			if (taken)
				*taken = (enum pt_measure_step)k;
			return PT_DUTY_TWO_STEPS;
		}
	if (step == PT_STEP_APPROVE) {
		other = actors->proposer_user_id;
		other_chain = actors->proposer_makers;
	} else if (step == PT_STEP_VERIFY) {
		other = actors->step_users[PT_STEP_INSTALL] > 0 ? actors->step_users[PT_STEP_INSTALL]
								 : actors->installer_user_id;
		other_chain = actors->installer_makers;
	}
	if (other > 0 && other != who->user_id &&
	    (in_chain(other, actors->caller_makers) || in_chain(who->user_id, other_chain) ||
	     chains_related(actors->caller_makers, other_chain)))
		return PT_DUTY_RELATED;
	other = actors->step_users[PT_STEP_APPROVE];
	if (step == PT_STEP_VERIFY && other > 0 && other != who->user_id &&
	    (in_chain(other, actors->caller_makers) ||
	     in_chain(who->user_id, actors->approver_makers) ||
	     chains_related(actors->caller_makers, actors->approver_makers)))
		return PT_DUTY_RELATED_APPROVER;
	return PT_DUTY_NONE;
}

/* ---- issue 11 (last): re-typing an organisation to or from government ---- */

enum pt_access pt_access_org_retype(const struct pt_principal *who, enum pt_org_type from,
				    enum pt_org_type to)
{
	if (is_system(who) || from == to)
		return PT_ACCESS_OK;
	if (from == PT_ORG_GOVERNMENT || to == PT_ORG_GOVERNMENT)
		return PT_ACCESS_FORBIDDEN;
	return PT_ACCESS_OK;
}

/* ---- resilience: what one cascade or SPOF request may ask (issue 12) ---- */

void pt_access_resilience_budget(const struct pt_principal *who, struct pt_resilience_budget *out)
{
	memset(out, 0, sizeof *out);
	if (is_system(who)) {
		out->fail_max = 1000;
		out->hours_max = 1e6;
		out->spof = 1;
		return;
	}
	if (!principal_ok(who))
		return;
	switch (who->role) {
	case PT_ROLE_ADMIN:
	case PT_ROLE_COORDINATOR:
	case PT_ROLE_ANALYST:
		out->fail_max = 1000;
		out->hours_max = 8760;
		out->spof = 1;
		break;
	case PT_ROLE_OPERATOR:
		out->fail_max = 50;
		out->hours_max = 720;
		out->spof = 1;
		break;
	default:
		out->fail_max = 10;
		out->hours_max = 168;
		out->spof = 0;
		break;
	}
}

/* ---- issue 12: dependencies between sites ---- */

enum pt_access pt_access_dependency_read(const struct pt_principal *who,
					 const struct pt_access_record *provider,
					 const struct pt_access_record *consumer)
{
	if (pt_access_read(who, provider) != PT_ACCESS_OK ||
	    pt_access_read(who, consumer) != PT_ACCESS_OK)
		return PT_ACCESS_NOT_FOUND;
	return PT_ACCESS_OK;
}

enum pt_access pt_access_dependency_write(const struct pt_principal *who,
					  const struct pt_access_record *provider,
					  const struct pt_access_record *consumer)
{
	if (pt_access_dependency_read(who, provider, consumer) != PT_ACCESS_OK)
		return PT_ACCESS_NOT_FOUND;
	/* as a sites import would write the consumer (issue 12: coordinators too) */
	return pt_access_import(who, consumer->owner_org_id, consumer) == PT_ACCESS_OK
		       ? PT_ACCESS_OK
		       : PT_ACCESS_FORBIDDEN;
}

/* ---- issue 13: public alerts (docs/access.md, "Public alerts") ---- */

enum pt_access pt_access_alert_compose(const struct pt_principal *who)
{
	return government_role(who, 1u << PT_ROLE_PIO | 1u << PT_ROLE_COORDINATOR);
}

enum pt_alert_approval pt_access_alert_approve(const struct pt_principal *who,
					       long long composer_id)
{
	if (pt_access_alert_compose(who) != PT_ACCESS_OK)
		return PT_ALERT_APPROVAL_FORBIDDEN;
	if (is_system(who) ? composer_id <= 0 : who->user_id == composer_id)
		return PT_ALERT_APPROVAL_SAME_PERSON;
	/* issue 13 review: two named users, the approver appointed */
	if (is_system(who) || composer_id <= 0)
		return PT_ALERT_APPROVAL_SYSTEM;
	if (!who->role_by_system)
		return PT_ALERT_APPROVAL_NOT_APPOINTED;
	return PT_ALERT_APPROVAL_OK;
}

enum pt_access pt_access_alert_read(const struct pt_principal *who,
				    const struct pt_access_record *rec, int issued_actual)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (!principal_ok(who))
		return PT_ACCESS_NOT_FOUND;
	if (issued_actual)
		return PT_ACCESS_OK; /* public: it is on the feed */
	if (!rec || pt_access_alert_compose(who) != PT_ACCESS_OK ||
	    pt_access_read(who, rec) != PT_ACCESS_OK)
		return PT_ACCESS_NOT_FOUND;
	return PT_ACCESS_OK;
}

enum pt_access pt_access_alert_compose_actual(const struct pt_principal *who)
{
	if (is_system(who))
		return PT_ACCESS_FORBIDDEN; /* issue 13 review: two named users */
	return pt_access_alert_compose(who);
}

/* ---- issue 14: the mass-casualty simulation over the API ---- */

enum pt_access pt_access_simulate(const struct pt_principal *who, struct pt_simulate_budget *out)
{
	memset(out, 0, sizeof *out);
	if (is_system(who)) {
		out->replications_max = 1000000;
		out->victims_max = 20000;
		out->events_max = (double)out->replications_max * out->victims_max * 52.0;
		return PT_ACCESS_OK;
	}
	if (!principal_ok(who))
		return PT_ACCESS_FORBIDDEN;
	switch (who->role) {
	case PT_ROLE_COORDINATOR:
	case PT_ROLE_ANALYST:
		out->replications_max = 10000;
		out->victims_max = 5000;
		break;
	case PT_ROLE_FACILITATOR:
		out->replications_max = 2000;
		out->victims_max = 2000;
		break;
	default:
		return PT_ACCESS_FORBIDDEN;
	}
	/* simulation cost (issue 14, review H1): what the limits cost at the default horizon
	 * (720 min) and re-triage interval (15 min), 4 + 720 / 15 events per victim */
	out->events_max = (double)out->replications_max * out->victims_max * 52.0;
	return PT_ACCESS_OK;
}

void pt_access_run_sim_budget(struct pt_simulate_budget *out)
{
	struct pt_principal f;
	memset(&f, 0, sizeof f);
	f.role = PT_ROLE_FACILITATOR;
	f.user_id = 1;
	f.org_id = 1;
	if (pt_access_simulate(&f, out) != PT_ACCESS_OK) /* the facilitator's, as above */
		memset(out, 0, sizeof *out);
}

/* ---- issue 15: exercise runs (docs/access.md, "Exercise runs") ---- */

static const char *const run_member_names[] = {"none", "player", "evaluator", "facilitator"};
static const char *const run_view_names[] = {"none", "player", "observer", "evaluator",
					     "facilitator"};
static const char *const run_audience_names[] = {"all", "facilitators", "evaluators", "roles"};

const char *pt_run_member_name(enum pt_run_member m)
{
	return (unsigned)m <= PT_RUN_FACILITATOR ? run_member_names[m] : "";
}

enum pt_err pt_run_member_parse(const char *s, enum pt_run_member *out)
{
	for (unsigned i = PT_RUN_PLAYER; s && i <= PT_RUN_FACILITATOR; i++)
		if (strcmp(s, run_member_names[i]) == 0) {
			*out = (enum pt_run_member)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

const char *pt_run_view_name(enum pt_run_view v)
{
	return (unsigned)v <= PT_RUN_VIEW_FACILITATOR ? run_view_names[v] : "";
}

const char *pt_run_audience_name(enum pt_run_audience a)
{
	return (unsigned)a <= PT_RUN_TO_ROLES ? run_audience_names[a] : "";
}

enum pt_err pt_run_audience_parse(const char *s, enum pt_run_audience *out)
{
	for (unsigned i = 0; s && i <= PT_RUN_TO_ROLES; i++)
		if (strcmp(s, run_audience_names[i]) == 0) {
			*out = (enum pt_run_audience)i;
			return PT_OK;
		}
	return PT_EINVAL;
}

static int run_ok(const struct pt_run_access *run)
{
	return run && (unsigned)run->tlp < PT_TLP_COUNT && (unsigned)run->member <= PT_RUN_FACILITATOR;
}

enum pt_access pt_access_run_create(const struct pt_principal *who)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	return principal_ok(who) && who->role == PT_ROLE_FACILITATOR ? PT_ACCESS_OK
								     : PT_ACCESS_FORBIDDEN;
}

/*
 * Whether a user of system role r may hold part m of a run (review finding
 * 10: real commanders hold analyst, coordinator or operator accounts): a
 * player, any role but viewer (read-only accounts never write into a run);
 * an evaluator, any role but viewer and player (player accounts exist to
 * play); a facilitator, the facilitator role only (it drives the clock and
 * assigns the participants). docs/access.md, "Exercise runs".
 */
static int role_takes_part(enum pt_role r, enum pt_run_member m)
{
	if ((unsigned)r >= PT_ROLE_COUNT || r == PT_ROLE_VIEWER)
		return 0;
	switch (m) {
	case PT_RUN_PLAYER:
		return 1;
	case PT_RUN_EVALUATOR:
		return r != PT_ROLE_PLAYER;
	case PT_RUN_FACILITATOR:
		return r == PT_ROLE_FACILITATOR;
	default:
		return 0;
	}
}

enum pt_run_view pt_access_run_view(const struct pt_principal *who, const struct pt_run_access *run)
{
	if (!run_ok(run))
		return PT_RUN_VIEW_NONE;
	if (is_system(who))
		return PT_RUN_VIEW_FACILITATOR;
	if (!principal_ok(who))
		return PT_RUN_VIEW_NONE;
	/* a part holds while the user's system role may take it (a player re-roled to viewer
	 * no longer plays) */
	if (run->member != PT_RUN_NONE && role_takes_part(who->role, run->member)) {
		/* the label limits the participants too: AMBER+STRICT the owning organisation only */
		if (run->tlp == PT_TLP_AMBER_STRICT && who->org_id != run->owner_org_id)
			return PT_RUN_VIEW_NONE;
		switch (run->member) {
		case PT_RUN_FACILITATOR:
			return PT_RUN_VIEW_FACILITATOR;
		case PT_RUN_EVALUATOR:
			return PT_RUN_VIEW_EVALUATOR;
		default:
			return PT_RUN_VIEW_PLAYER;
		}
	}
	/* government coordinators read but do not play; RED: the named participants only */
	if (who->role != PT_ROLE_COORDINATOR || !is_government(who) || run->tlp == PT_TLP_RED)
		return PT_RUN_VIEW_NONE;
	if (run->tlp == PT_TLP_AMBER_STRICT && who->org_id != run->owner_org_id)
		return PT_RUN_VIEW_NONE;
	return PT_RUN_VIEW_OBSERVER;
}

enum pt_access pt_access_run_read(const struct pt_principal *who, const struct pt_run_access *run)
{
	return pt_access_run_view(who, run) != PT_RUN_VIEW_NONE ? PT_ACCESS_OK : PT_ACCESS_NOT_FOUND;
}

enum pt_access pt_access_run_drive(const struct pt_principal *who, const struct pt_run_access *run)
{
	enum pt_run_view v = pt_access_run_view(who, run);
	if (v == PT_RUN_VIEW_NONE)
		return PT_ACCESS_NOT_FOUND;
	return v == PT_RUN_VIEW_FACILITATOR ? PT_ACCESS_OK : PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_run_play(const struct pt_principal *who, const struct pt_run_access *run,
				  unsigned role)
{
	enum pt_run_view v = pt_access_run_view(who, run);
	if (v == PT_RUN_VIEW_NONE)
		return PT_ACCESS_NOT_FOUND;
	if (role >= 32)
		return PT_ACCESS_FORBIDDEN;
	if (is_system(who))
		return PT_ACCESS_OK;
	return v == PT_RUN_VIEW_PLAYER && (run->roles >> role & 1ul) ? PT_ACCESS_OK
								     : PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_run_evaluate(const struct pt_principal *who,
				      const struct pt_run_access *run)
{
	enum pt_run_view v = pt_access_run_view(who, run);
	if (v == PT_RUN_VIEW_NONE)
		return PT_ACCESS_NOT_FOUND;
	return v == PT_RUN_VIEW_EVALUATOR || is_system(who) ? PT_ACCESS_OK : PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_run_log(const struct pt_principal *who, const struct pt_run_access *run)
{
	enum pt_run_view v = pt_access_run_view(who, run);
	if (v == PT_RUN_VIEW_NONE)
		return PT_ACCESS_NOT_FOUND;
	return v == PT_RUN_VIEW_OBSERVER ? PT_ACCESS_FORBIDDEN : PT_ACCESS_OK;
}

enum pt_access pt_access_run_alert(const struct pt_principal *who, const struct pt_run_access *run)
{
	enum pt_run_view v = pt_access_run_view(who, run);
	if (v == PT_RUN_VIEW_NONE)
		return PT_ACCESS_NOT_FOUND;
	if (is_system(who))
		return PT_ACCESS_OK;
	return v == PT_RUN_VIEW_PLAYER && run->pio && !run->ended ? PT_ACCESS_OK
								  : PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_run_member(const struct pt_run_access *run, enum pt_role target_role,
				    long long target_org_id, enum pt_run_member member)
{
	if (!run_ok(run) || member == PT_RUN_NONE || (unsigned)member > PT_RUN_FACILITATOR ||
	    !role_takes_part(target_role, member) || target_org_id <= 0)
		return PT_ACCESS_FORBIDDEN;
	if (run->tlp == PT_TLP_AMBER_STRICT && target_org_id != run->owner_org_id)
		return PT_ACCESS_FORBIDDEN;
	return PT_ACCESS_OK;
}

enum pt_access pt_access_run_event(const struct pt_principal *who, const struct pt_run_access *run,
				   enum pt_run_audience audience, unsigned long roles)
{
	switch (pt_access_run_view(who, run)) {
	case PT_RUN_VIEW_FACILITATOR:
		return (unsigned)audience <= PT_RUN_TO_ROLES ? PT_ACCESS_OK : PT_ACCESS_NOT_FOUND;
	case PT_RUN_VIEW_EVALUATOR:
	case PT_RUN_VIEW_OBSERVER:
		return audience == PT_RUN_TO_ALL || audience == PT_RUN_TO_EVALUATORS ||
			       audience == PT_RUN_TO_ROLES
			       ? PT_ACCESS_OK
			       : PT_ACCESS_NOT_FOUND;
	case PT_RUN_VIEW_PLAYER:
		return audience == PT_RUN_TO_ALL ||
			       (audience == PT_RUN_TO_ROLES && (roles & run->roles) != 0)
			       ? PT_ACCESS_OK
			       : PT_ACCESS_NOT_FOUND;
	default:
		return PT_ACCESS_NOT_FOUND;
	}
}

enum pt_access pt_access_alert_compose_exercise(const struct pt_principal *who,
						const struct pt_run_access *run)
{
	return pt_access_run_alert(who, run);
}

/* ---- issue 15: after-action report ---- */

enum pt_access pt_access_run_report(const struct pt_principal *who, const struct pt_run_access *run)
{
	enum pt_run_view v = pt_access_run_view(who, run);
	if (v == PT_RUN_VIEW_NONE)
		return PT_ACCESS_NOT_FOUND;
	return v == PT_RUN_VIEW_PLAYER ? PT_ACCESS_FORBIDDEN : PT_ACCESS_OK;
}

enum pt_access pt_access_run_link(const struct pt_principal *who, const struct pt_run_access *run)
{
	enum pt_run_view v = pt_access_run_view(who, run);
	if (v == PT_RUN_VIEW_NONE)
		return PT_ACCESS_NOT_FOUND;
	return v == PT_RUN_VIEW_FACILITATOR || v == PT_RUN_VIEW_OBSERVER ? PT_ACCESS_OK
									 : PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_run_guide(const struct pt_principal *who, const struct pt_run_access *run)
{
	enum pt_run_view v = pt_access_run_view(who, run);
	if (v == PT_RUN_VIEW_NONE)
		return PT_ACCESS_NOT_FOUND;
	return v == PT_RUN_VIEW_PLAYER ? PT_ACCESS_FORBIDDEN : PT_ACCESS_OK;
}

enum pt_access pt_access_exercise_guide(const struct pt_principal *who)
{
	if (!who)
		return PT_ACCESS_FORBIDDEN;
	/* attack review 2, finding 8: commanders play with analyst, coordinator or operator accounts */
	if (who->system || who->role == PT_ROLE_FACILITATOR || who->role == PT_ROLE_EVALUATOR)
		return PT_ACCESS_OK;
	return PT_ACCESS_FORBIDDEN;
}

/* ---- critical entities (issue 16, item 8) ---- */

enum pt_access pt_access_cer_designate(const struct pt_principal *who)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (principal_ok(who) && is_government(who) &&
	    (who->role == PT_ROLE_COORDINATOR || who->role == PT_ROLE_ADMIN))
		return PT_ACCESS_OK;
	return PT_ACCESS_FORBIDDEN;
}

enum pt_access pt_access_cer_read(const struct pt_principal *who, long long org_id)
{
	if (is_system(who))
		return PT_ACCESS_OK;
	if (!principal_ok(who) || org_id <= 0)
		return PT_ACCESS_NOT_FOUND;
	if (is_government(who) && (who->role == PT_ROLE_COORDINATOR ||
				   who->role == PT_ROLE_ANALYST || who->role == PT_ROLE_ADMIN))
		return PT_ACCESS_OK;
	if (who->org_id == org_id && (who->role == PT_ROLE_ADMIN || who->role == PT_ROLE_OPERATOR))
		return PT_ACCESS_OK;
	return PT_ACCESS_NOT_FOUND;
}

enum pt_access pt_access_cer_report(const struct pt_principal *who, long long org_id)
{
	enum pt_access a = pt_access_cer_read(who, org_id);
	if (a != PT_ACCESS_OK || is_system(who))
		return a;
	if (pt_access_cer_designate(who) == PT_ACCESS_OK ||
	    (who->org_id == org_id && who->role == PT_ROLE_ADMIN))
		return PT_ACCESS_OK;
	return PT_ACCESS_FORBIDDEN;
}

/* ---- issue 16 item 3: surveys (assessment visits) ---- */

enum pt_access pt_access_survey_record(const struct pt_principal *who,
				       const struct pt_access_record *rec)
{
	return pt_access_write(who, rec);
}

enum pt_access pt_access_survey_change(const struct pt_principal *who,
				       const struct pt_access_record *rec,
				       long long assessor_user_id)
{
	enum pt_access a = pt_access_write(who, rec);
	if (a != PT_ACCESS_OK || is_system(who))
		return a;
	return who->user_id == assessor_user_id ? PT_ACCESS_OK : PT_ACCESS_FORBIDDEN;
}

enum pt_duty_conflict pt_access_survey_duty(const struct pt_principal *who,
					    long long assessor_user_id,
					    const long long *caller_makers,
					    const long long *assessor_makers)
{
	if (is_system(who) || !principal_ok(who) || who->user_id <= 0)
		return PT_DUTY_NONE;
	if (who->user_id == assessor_user_id)
		return PT_DUTY_TWO_STEPS;
	if (assessor_user_id > 0 &&
	    (in_chain(assessor_user_id, caller_makers) || in_chain(who->user_id, assessor_makers) ||
	     chains_related(caller_makers, assessor_makers)))
		return PT_DUTY_RELATED;
	return PT_DUTY_NONE;
}

enum pt_access pt_access_survey_confirm(const struct pt_principal *who,
					const struct pt_access_record *rec)
{
	enum pt_access a;
	if (is_system(who))
		return PT_ACCESS_OK;
	if ((a = pt_access_write(who, rec)) != PT_ACCESS_FORBIDDEN)
		return a;
	if (is_government(who) &&
	    (who->role == PT_ROLE_COORDINATOR || who->role == PT_ROLE_ANALYST))
		return PT_ACCESS_OK;
	return PT_ACCESS_FORBIDDEN;
}

/* ---- issue 16 item 3: attachments (docs/access.md, "Attachments") ---- */

enum pt_tlp pt_access_attachment_label(enum pt_tlp site_tlp)
{
	return site_tlp > PT_TLP_AMBER ? site_tlp : PT_TLP_AMBER;
}

/* rec's copy at its attachments' label. */
static struct pt_access_record attachment_record(const struct pt_access_record *site)
{
	struct pt_access_record r = *site;
	r.tlp = pt_access_attachment_label(site->tlp);
	return r;
}

enum pt_access pt_access_attachment_read(const struct pt_principal *who,
					 const struct pt_access_record *site)
{
	struct pt_access_record r;
	if (!who || !site)
		return PT_ACCESS_NOT_FOUND;
	r = attachment_record(site);
	return pt_access_read(who, &r);
}

enum pt_access pt_access_attachment_write(const struct pt_principal *who,
					  const struct pt_access_record *site)
{
	struct pt_access_record r;
	if (pt_access_attachment_read(who, site) != PT_ACCESS_OK)
		return PT_ACCESS_NOT_FOUND;
	r = attachment_record(site);
	return pt_access_write(who, &r);
}

/* ---- issue 16 item 6: snapshots of the ranking and comparisons ---- */

enum pt_access pt_access_snapshot_take(const struct pt_principal *who)
{
	return government_role(who, 1u << PT_ROLE_ADMIN | 1u << PT_ROLE_COORDINATOR);
}

enum pt_access pt_access_snapshot_delete(const struct pt_principal *who)
{
	return government_role(who, 1u << PT_ROLE_ADMIN);
}

enum pt_access pt_access_history_row(const struct pt_principal *who,
				     const struct pt_access_record *const *recs, size_t n,
				     enum pt_tlp *tlp)
{
	enum pt_tlp strictest = PT_TLP_CLEAR;
	size_t i, seen = 0;
	for (i = 0; recs && i < n; i++) {
		if (!recs[i])
			continue;
		if (pt_access_read(who, recs[i]) != PT_ACCESS_OK)
			return PT_ACCESS_NOT_FOUND;
		if (recs[i]->tlp > strictest)
			strictest = recs[i]->tlp;
		seen++;
	}
	if (!seen)
		return PT_ACCESS_NOT_FOUND;
	if (tlp)
		*tlp = strictest;
	return PT_ACCESS_OK;
}
