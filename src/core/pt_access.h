/* pt_access.h - who sees what: roles, the caller and the record as the
 * access rules see them, and every access decision of protect (docs/access.md). */
#ifndef PT_ACCESS_H
#define PT_ACCESS_H

#include <stddef.h>

#include "pt_err.h"
#include "pt_model.h"

/** Roles of a user inside its organisation. */
enum pt_role {
	PT_ROLE_ADMIN = 0,   /**< manages its organisation's users (a government admin: everything) */
	PT_ROLE_COORDINATOR, /**< national coordinator (in a government organisation) */
	PT_ROLE_ANALYST,     /**< assesses risk */
	PT_ROLE_OPERATOR,    /**< a site operator or its security manager */
	PT_ROLE_VIEWER,      /**< reads only */
	PT_ROLE_PIO,         /**< public information officer */
	PT_ROLE_FACILITATOR, /**< runs exercises */
	PT_ROLE_PLAYER,      /**< takes part in exercises */
	PT_ROLE_EVALUATOR    /**< evaluates exercises */
};
#define PT_ROLE_COUNT 9

/** Canonical name: "admin", "coordinator", "analyst", "operator", "viewer", "pio",
 * "facilitator", "player", "evaluator"; "" for a value out of range. */
const char *pt_role_name(enum pt_role role);

/** Parse a role name (exact, lower case). PT_EINVAL if unknown; *out untouched then. */
enum pt_err pt_role_parse(const char *s, enum pt_role *out);

/**
 * An access decision, mapped directly to HTTP: OK the action is allowed;
 * NOT_FOUND the caller may not see the record (answer exactly as for a
 * record that does not exist, 404); FORBIDDEN the caller sees the record
 * (or the action concerns no record) but its role may not do this (403).
 * Without a session the HTTP layer answers 401 before asking.
 */
enum pt_access { PT_ACCESS_OK = 0, PT_ACCESS_NOT_FOUND, PT_ACCESS_FORBIDDEN };

/** "ok", "not found", "forbidden". */
const char *pt_access_name(enum pt_access a);

/**
 * The caller: a logged-in user, built by the store from a session
 * (pt_user_principal), or the system administrator (pt_principal_system):
 * whoever holds the database file, as the command line without --as does.
 * Plain data, nothing to free.
 */
struct pt_principal {
	long long user_id; /**< > 0 for a user; 0 for the system administrator */
	long long org_id;  /**< the user's organisation, > 0; 0 for the system administrator */
	enum pt_org_type org_type;
	enum pt_role role;
	int system;        /**< nonzero: the system administrator; every decision allows it */
	int admin_by_system; /**< nonzero: an admin whose admin role the system administrator
				  granted (the command line); 0 for an admin made over the API
				  and for every other role (pt_access_password_reset_approve) */
	int role_by_system; /**< nonzero: a user whose role the system administrator granted (the
				 command line): appointed, may approve public alerts; 0 for one
				 created or re-roled over the API (issue 13, migration 022) */
};

/**
 * Fill *out with the system administrator: the principal of the command
 * line (without --as). Every decision of this module allows it, because
 * whoever holds the database file can read and change it anyway; the
 * decisions still go through here so there is one place that says so.
 */
void pt_principal_system(struct pt_principal *out);

/**
 * A record as the rules see it: a site, or anything that inherits a
 * site's label (its assessments). The arrays are borrowed from the caller
 * (usually a struct pt_access_index of the store) and only read.
 */
struct pt_access_record {
	long long owner_org_id;        /**< owning organisation, <= 0 when the record has none */
	enum pt_tlp tlp;
	const long long *partners;     /**< organisations the owner shares AMBER with */
	size_t n_partners;
	const long long *red_readers;  /**< user ids named on the record (read RED) */
	size_t n_red_readers;
};

/**
 * May who read rec? CLEAR and GREEN: every logged-in user. AMBER: users of
 * the owning organisation, of the organisations the owner names as
 * partners, and coordinators and analysts of government organisations.
 * AMBER+STRICT: users of the owning organisation. RED: the users named on
 * the record. Returns PT_ACCESS_OK or PT_ACCESS_NOT_FOUND (also for a NULL
 * who or rec, or an out-of-range label or role).
 */
enum pt_access pt_access_read(const struct pt_principal *who, const struct pt_access_record *rec);

/**
 * May who change rec (the site and its assessments)? Only if it may read
 * it (else PT_ACCESS_NOT_FOUND); then operators, analysts and admins of the
 * owning organisation may (PT_ACCESS_OK); anyone else who can see it gets
 * PT_ACCESS_FORBIDDEN.
 */
enum pt_access pt_access_write(const struct pt_principal *who, const struct pt_access_record *rec);

/**
 * May who record a risk-treatment decision on rec? NOT_FOUND when it may
 * not read it; OK for those who may write it and for coordinators of
 * government organisations; FORBIDDEN otherwise.
 */
enum pt_access pt_access_treat(const struct pt_principal *who, const struct pt_access_record *rec);

/**
 * May who name or un-name readers of rec (the users who may read it when
 * RED)? The same as pt_access_write: NOT_FOUND, OK or FORBIDDEN.
 */
enum pt_access pt_access_share(const struct pt_principal *who, const struct pt_access_record *rec);

/**
 * May who import a row that makes or keeps a record owned by
 * owner_org_id (<= 0: an organisation that does not exist yet)?
 * existing is the record as stored when the row updates one, NULL when the
 * row creates one. A government coordinator may import for any owner
 * (over an existing record it can see). Otherwise the caller must be an
 * operator, analyst or admin, the owner must be its own organisation, and
 * an existing record must be one it may write (pt_access_write): OK or
 * FORBIDDEN.
 *
 * An existing record the caller may not see is judged as the same row over
 * a missing id, so that a refused row answers exactly as for a missing id
 * (docs/access.md, "Imports"): FORBIDDEN when that row would be refused;
 * NOT_FOUND when it would be allowed: the id is taken by a record the
 * caller may not see, which creating it necessarily reveals (the import
 * answers 409 on the id and audits the attempt).
 */
enum pt_access pt_access_import(const struct pt_principal *who, long long owner_org_id,
				const struct pt_access_record *existing);

/** May who set the national threat level (government coordinators)? OK or FORBIDDEN. */
enum pt_access pt_access_threat_level(const struct pt_principal *who);

/**
 * May who create, change or reset the password and role of a user of
 * organisation target_org_id? Admins of government organisations: any;
 * other admins: their own organisation's users; nobody else. OK or
 * FORBIDDEN. (Every user may change its own password: pt_access_own_password.)
 */
enum pt_access pt_access_manage_users(const struct pt_principal *who, long long target_org_id);

/** May who change the password of user target_user_id? Itself always; else as pt_access_manage_users. */
enum pt_access pt_access_own_password(const struct pt_principal *who, long long target_user_id,
				      long long target_org_id);

/** What may happen to a password that someone other than its user sets (a reset). */
enum pt_reset {
	PT_RESET_ALLOWED = 0,    /**< set at once */
	PT_RESET_NEEDS_APPROVAL, /**< kept pending until a second admin approves it */
	PT_RESET_FORBIDDEN,      /**< refused */
	PT_RESET_NOT_APPOINTED   /**< refused: it would need approval, and who is an admin made
				      over the API, whose request nobody may approve */
};

/**
 * May who set the password of user target_user_id of organisation
 * target_org_id? target_guarded is nonzero when the user is named on a
 * RED record (a RED reader of any site) or is an admin appointed by the
 * system administrator (one who may approve resets). A user's own password
 * and the system administrator's resets: ALLOWED. Otherwise as
 * pt_access_manage_users (FORBIDDEN when it refuses); the reset of a
 * guarded user's password NEEDS_APPROVAL when who is an admin appointed by
 * the system administrator (who->admin_by_system), and is NOT_APPOINTED for
 * an admin made over the API: being an organisation's admin does not by
 * itself open a RED record, nor the account of an admin who approves
 * (docs/access.md, "Password resets").
 */
enum pt_reset pt_access_password_reset(const struct pt_principal *who, long long target_user_id,
				       long long target_org_id, int target_guarded);

/** What pt_access_password_reset_approve answers; every refusal is a 403. */
enum pt_approval {
	PT_APPROVAL_OK = 0,         /**< may approve */
	PT_APPROVAL_FORBIDDEN,      /**< not an admin who may manage the user */
	PT_APPROVAL_SAME_PERSON,    /**< the admin who asked for the reset, or the user itself */
	PT_APPROVAL_NOT_APPOINTED,  /**< an admin made over the API (not by the system administrator) */
	PT_APPROVAL_REQUESTER_NOT_APPOINTED /**< asked for by an admin who is not (or no longer)
					         one the system administrator appointed */
};

/**
 * May who approve the pending password reset of user target_user_id of
 * organisation target_org_id that user requester_id asked for?
 * requester_by_system is nonzero when the requester is, at approval time,
 * an admin appointed by the system administrator. The system administrator:
 * OK. Otherwise an admin who may manage the user's organisation (another
 * admin of it, or a government admin: else FORBIDDEN), neither the
 * requester nor the user itself (SAME_PERSON), whose admin role the system
 * administrator granted (who->admin_by_system: else NOT_APPOINTED), of a
 * request by such an admin (else REQUESTER_NOT_APPOINTED). An admin made
 * over the API is refused because whoever made it holds its password, so
 * its approval would be the requester's own.
 */
enum pt_approval pt_access_password_reset_approve(const struct pt_principal *who,
						  long long requester_id, int requester_by_system,
						  long long target_user_id, long long target_org_id);

/** May who list the users of organisation org_id? The same rule as pt_access_manage_users. */
enum pt_access pt_access_list_users(const struct pt_principal *who, long long org_id);

/** May who create organisations (admins of government organisations)? OK or FORBIDDEN. */
enum pt_access pt_access_org_create(const struct pt_principal *who);

/** What a change to an organisation touches. */
enum pt_org_change {
	PT_ORG_CHANGE_PARTNERS = 1, /**< the partner list */
	PT_ORG_CHANGE_NAME = 2,     /**< the name */
	PT_ORG_CHANGE_TYPE = 4      /**< the type */
};

/**
 * May who make the changes (a bit set of enum pt_org_change) to
 * organisation org_id? Government admins: anything on any organisation;
 * an organisation's own admin: its partners only. OK or FORBIDDEN.
 */
enum pt_access pt_access_org_change(const struct pt_principal *who, long long org_id,
				    unsigned changes);

/**
 * Is a read of a record labelled tlp written to the audit log? AMBER,
 * AMBER+STRICT and RED: yes (one entry per request, its ids kept); CLEAR
 * and GREEN: no. Nonzero for yes.
 */
int pt_access_read_audited(enum pt_tlp tlp);

/**
 * May who see user target_user_id of organisation target_org_id (its name,
 * role and organisation)? Itself always; otherwise as pt_access_list_users.
 * OK or NOT_FOUND (a user it may not see answers as a missing one).
 */
enum pt_access pt_access_see_user(const struct pt_principal *who, long long target_user_id,
				  long long target_org_id);

/**
 * Is who named as a reader of a site it has just made RED, so that it does
 * not lock itself out of its own record? Every user: yes; the system
 * administrator (who reads everything anyway): no. Nonzero for yes.
 */
int pt_access_red_names_maker(const struct pt_principal *who);

/**
 * Is a user of role role an appointed admin, one whose admin role the
 * system administrator granted (granted_by_system: the command line made
 * it)? Only appointed admins ask for and approve the password resets that
 * need a second admin. Nonzero for yes; any other role is never appointed.
 */
int pt_access_appointed_admin(enum pt_role role, int granted_by_system);

/** How much of the audit log a caller may read. */
enum pt_audit_scope {
	PT_AUDIT_SCOPE_NONE = 0, /**< none (403) */
	PT_AUDIT_SCOPE_OWN_ORG,  /**< the entries by users of its own organisation */
	PT_AUDIT_SCOPE_ALL       /**< every entry */
};

/**
 * The audit log who may read: coordinators and admins of government
 * organisations everything; admins of other organisations their own
 * organisation's entries; nobody else anything.
 */
enum pt_audit_scope pt_access_audit_scope(const struct pt_principal *who);

/**
 * May who see, in the audit log, a record an audit entry covers: its id and
 * what the entry's detail says of it? rec is the record as it is today (its
 * label, owner, partners and named readers now, not when the entry was
 * written), NULL when it no longer exists or its id was not kept. The
 * system administrator: always OK. Anyone else: as pt_access_read, and
 * NOT_FOUND for a NULL rec (a deleted record's details are withheld).
 */
enum pt_access pt_access_audit_record(const struct pt_principal *who,
				      const struct pt_access_record *rec);

/** What a reader of the audit log sees of one entry. */
enum pt_audit_view {
	PT_AUDIT_VIEW_NONE = 0, /**< nothing: the entry is outside the reader's scope */
	PT_AUDIT_VIEW_WHOLE,    /**< everything: time, actor, action, record and detail */
	PT_AUDIT_VIEW_WITHHELD  /**< time, actor and action; record and detail withheld */
};

/**
 * What who sees of an audit entry by a user of entry_org_id (0: the system
 * administrator) that covers n_records records, of which n_readable are
 * records who may see (pt_access_audit_record). Outside who's
 * pt_access_audit_scope: NONE. Otherwise WHOLE when every record it covers
 * is readable (an entry about no labelled record, such as a user or a
 * setting, covers none), else WITHHELD: the record's id and the detail are
 * not shown, since the detail may name or describe any of them.
 */
enum pt_audit_view pt_access_audit_entry(const struct pt_principal *who, long long entry_org_id,
					 size_t n_records, size_t n_readable);

/**
 * May who check the audit log's chain against its key, or start a new
 * chain (rekey)? Only the system administrator: both need the key file
 * kept beside the database. OK or FORBIDDEN.
 */
enum pt_access pt_access_audit_keys(const struct pt_principal *who);

/**
 * The visibility filter: marks visible[i] = 1 when who may read recs[i],
 * 0 otherwise, for i < n, and returns how many are visible. Lists,
 * rankings, matrix counts, totals and exports are computed over the marked
 * records only. visible is the caller's array of n bytes; NULL who marks none.
 */
size_t pt_access_filter(const struct pt_principal *who, const struct pt_access_record *recs,
			size_t n, unsigned char *visible);

/**
 * May who change the measure catalogue (import measures and their
 * effects)? Admins and coordinators of government organisations. OK or
 * FORBIDDEN.
 */
enum pt_access pt_access_measures_change(const struct pt_principal *who);

/**
 * May who save an investment plan (which commits its measures at the
 * sites) whose scope names the owners scope_owners[0..n_scope_owners)
 * (organisation ids, "mine" resolved; none: every owner)? Admins and
 * coordinators of government organisations, whatever the scope; operators
 * and admins of any other organisation only a plan scoped to their own
 * organisation alone (n_scope_owners == 1 and it is who's organisation;
 * other filters may narrow it further), which its admin approves (issue
 * 16 item 1). OK or FORBIDDEN. (Any logged-in user may compute a plan
 * over the sites it may read.)
 */
enum pt_access pt_access_plan_save(const struct pt_principal *who,
				   const long long *scope_owners, size_t n_scope_owners);

/**
 * May who save some plan, of some scope (pt_access_plan_save for its own
 * organisation or wider)? The check made before anything is computed. OK or
 * FORBIDDEN.
 */
enum pt_access pt_access_plan_save_any(const struct pt_principal *who);

/**
 * May who approve accepting a risk above register.accept_max_band (and so
 * have its own such acceptance approved at once)? Coordinators of
 * government organisations. OK or FORBIDDEN.
 */
enum pt_access pt_access_register_approve(const struct pt_principal *who);

/**
 * May who be told how many records are hidden from it (a plan's
 * "withheld", a saved plan's "hidden_sites")? Coordinators of government
 * organisations (and the system administrator); for anyone else such a
 * count would show hidden records being created, so it is left out. OK or
 * FORBIDDEN.
 */
enum pt_access pt_access_hidden_counts(const struct pt_principal *who);

/* ---- the second factor at log-in (issue 10) ---- */

/**
 * Must a user of role log in with a second factor when the registry
 * requires one (its log-in setting second_factor is "required")? Admins,
 * coordinators and analysts: they manage users or read across
 * organisations. Any other role may enrol but need not. 1 or 0 (a role out
 * of range: 1).
 */
int pt_access_second_factor_required(enum pt_role role);

/* The right to import at all, decided before a byte of the file is read (issue 10). */

/** What an import loads. */
enum pt_import_kind {
	PT_IMPORT_SITES = 0,   /**< sites (CSV or GeoJSON) */
	PT_IMPORT_ASSESSMENTS, /**< assessments (CSV) */
	PT_IMPORT_DEPENDENCIES /**< dependencies between sites (CSV, issue 12): as sites */
};

/**
 * May who import kind at all, whatever the file holds? The decision depends
 * on the caller alone, so it is asked before the file is read (and, over
 * HTTP, before the body is received). Sites: operators, analysts and admins
 * (for their own organisation) and government coordinators (for any owner);
 * assessments: operators, analysts and admins (of their own organisation's
 * sites, pt_access_write); dependencies (issue 12): as sites; the system
 * administrator: all. OK or FORBIDDEN.
 * When it is FORBIDDEN no row of any file could pass pt_access_import
 * (sites) or pt_access_write (assessments); when it is OK each row is still
 * asked of those.
 */
enum pt_access pt_access_import_right(const struct pt_principal *who, enum pt_import_kind kind);
/* ---- compute budgets (issue 10: the server's compute pool) ---- */

/** What one request of a caller may ask of the server's compute pool. Plain data. */
struct pt_compute_budget {
	/** Draws of one quantitative ranking: samples asked x site-threat pairs ranked. */
	unsigned long long quant_draws;
	/** Seconds the exact plan solver may search for one request, over all its solves. */
	double solver_s;
};

/**
 * The compute budget of who: government-wide roles that analyse
 * (admin, coordinator, analyst) 100,000,000 draws and 10 solver seconds;
 * operators 20,000,000 and 5; every other role 5,000,000 and 2; the
 * system administrator without bound; an invalid principal nothing.
 */
void pt_access_compute_budget(const struct pt_principal *who, struct pt_compute_budget *out);

/* ---- measure states at a site (issue 11, item 7) ---- */

/** A step of a measure at a site (docs/access.md, "Measures at sites"). */
enum pt_measure_step {
	PT_STEP_APPROVE = 0, /**< proposed -> approved */
	PT_STEP_ACCEPT,      /**< approved -> accepted (the site's owner) */
	PT_STEP_DECLINE,     /**< approved -> declined (the site's owner) */
	PT_STEP_INSTALL,     /**< accepted -> installed (the site's owner) */
	PT_STEP_VERIFY       /**< installed -> verified */
};
#define PT_STEP_COUNT 5

/** "approve", "accept", "decline", "install", "verify"; "" out of range. */
const char *pt_measure_step_name(enum pt_measure_step step);

/** Parse a step name (exact, lower case). PT_EINVAL if unknown; *out untouched then. */
enum pt_err pt_measure_step_parse(const char *s, enum pt_measure_step *out);

/** How many makers of a user (and their makers, ...) pt_access_measure_duty compares at most. */
#define PT_DUTY_CHAIN 16

/** Who took part in a measure's earlier steps, as the rules need them. Plain data. */
struct pt_measure_actors {
	long long proposer_user_id;  /**< the saving user of the plan; 0 the system administrator or unknown */
	long long scope_org_id;      /**< > 0: the plan was made for this organisation only (every site it considered is its) */
	long long installer_user_id; /**< who marked it installed; 0 none or the system administrator */
	/* separation of duties (review H1; pt_access_measure_duty): the users who made a user
	 * (created it, set its role or its password), their makers, ...; 0 ends a list */
	long long caller_makers[PT_DUTY_CHAIN];    /**< the caller's */
	long long proposer_makers[PT_DUTY_CHAIN];  /**< the proposer's */
	long long installer_makers[PT_DUTY_CHAIN]; /**< the installer's (step_users[PT_STEP_INSTALL]) */
	long long approver_makers[PT_DUTY_CHAIN];  /**< the approver's (step_users[PT_STEP_APPROVE]) */
	long long step_users[PT_STEP_COUNT]; /**< who took each step since it was proposed; 0 none or
						  the system administrator */
};

/**
 * May who take step at site rec (a measure of a saved plan)? First the read
 * rule (NOT_FOUND), then: approve: for a plan scoped to one organisation an
 * admin of that organisation, else a government coordinator or admin (the
 * roles that save plans), in both cases not the proposer; accept, decline, install: those who may change the site
 * (pt_access_write: operators, analysts, admins of the owning organisation);
 * verify: government coordinators and analysts, not the installer. The
 * system administrator: all. OK, NOT_FOUND or FORBIDDEN.
 */
enum pt_access pt_access_measure_step(const struct pt_principal *who,
				      const struct pt_access_record *rec, enum pt_measure_step step,
				      const struct pt_measure_actors *actors);

/* ---- separation of duties in the measure steps (review H1) ---- */

/** Why pt_access_measure_duty refuses a step. */
enum pt_duty_conflict {
	PT_DUTY_NONE = 0,   /**< no conflict */
	PT_DUTY_RELATED,    /**< approve: the caller made the proposer or was made by it
				 (created, or its role or password set, through any chain of
				 makers); verify: the same with the installer */
	PT_DUTY_RELATED_APPROVER, /**< verify: the same with the approver */
	PT_DUTY_TWO_STEPS   /**< the caller took another of approve, accept/decline/install,
				 verify of this measure (*taken says which) */
};

/**
 * The four-eyes rules of the measure steps (docs/access.md, "Separation of
 * duties"), which pt_access_measure_step applies before its role rules: one
 * user takes at most one of the steps approve, accept or decline or install
 * (the owner's: one user may take all three), verify of a measure; the
 * approver is independent of the proposer, the verifier of the installer
 * and of the approver: neither is among the other's makers (the lists of
 * struct pt_measure_actors). The system administrator: none. *taken (may be
 * NULL): for PT_DUTY_TWO_STEPS the earlier step the caller took.
 */
enum pt_duty_conflict pt_access_measure_duty(const struct pt_principal *who,
					     enum pt_measure_step step,
					     const struct pt_measure_actors *actors,
					     enum pt_measure_step *taken);

/**
 * May who withdraw a saved plan proposed by proposer_user_id (0: the system
 * administrator or unknown)? Its proposer and government coordinators; the
 * system administrator. OK or FORBIDDEN.
 */
enum pt_access pt_access_plan_withdraw(const struct pt_principal *who, long long proposer_user_id);

/* ---- review m7 (issue 11): which rule refuses a measure step ---- */

/**
 * Issue 16, item 4: whether who may commit a measure at the site of rec
 * outside a saved plan (the owner funds it itself; or links it to a
 * register decision): the site's owner, as for accept and install
 * (pt_access_write). NOT_FOUND when who may not read the site.
 */
enum pt_access pt_access_measure_commit(const struct pt_principal *who,
					const struct pt_access_record *rec);

/** Why pt_access_measure_step refuses a caller. */
enum pt_step_refusal {
	PT_STEP_REFUSED_ROLE, /**< the caller's role or organisation may not take the step */
	PT_STEP_REFUSED_OWN   /**< it may, but proposed the plan (approve) or installed it (verify) */
};

/**
 * The reason pt_access_measure_step(who, rec, step, actors) refuses who,
 * the role first: PT_STEP_REFUSED_OWN only when who would be allowed were
 * it not the proposer (approve) or the installer (verify), so that a caller
 * that lacks the role is told so. Meaningful when that call refused.
 */
enum pt_step_refusal pt_access_measure_step_why(const struct pt_principal *who,
						const struct pt_access_record *rec,
						enum pt_measure_step step,
						const struct pt_measure_actors *actors);
/* ---- issue 11 (owner2): who sets a site's legal basis, who moves a site to another owner ---- */

/**
 * May who set or change the legal basis of site rec (the legal fact that
 * admits intrusive measures: none, condition of entry, statute)? rec NULL:
 * a site the row creates. First the read rule (NOT_FOUND for a site who may
 * not read); then government coordinators and admins of government
 * organisations: OK; everyone else (the owner's operators, analysts and
 * admins included): FORBIDDEN. The system administrator: OK. A new site
 * whose basis is unknown or none needs no such right (the caller checks the
 * value; this answers for a basis that admits something).
 */
enum pt_access pt_access_legal_basis(const struct pt_principal *who,
				     const struct pt_access_record *rec);

/**
 * May who give an existing site another owner (an import row naming an
 * owner other than the stored one)? Only the system administrator (the
 * command line without --as): a government coordinator's import loads and
 * corrects the registry but does not take a site from its owner. OK or
 * FORBIDDEN.
 */
enum pt_access pt_access_site_owner_change(const struct pt_principal *who);

/* ---- issue 11 (last): re-typing an organisation to or from government ---- */

/**
 * May who change an organisation's type from `from` to `to`? A change to or
 * from government makes (or unmakes) the organisation's users government
 * ones, who approve plans and set legal bases: only the system
 * administrator (the command line without --as) makes it. A change between
 * other types, or none: OK (pt_access_org_change still decides who may
 * change the type at all). OK or FORBIDDEN.
 */
enum pt_access pt_access_org_retype(const struct pt_principal *who, enum pt_org_type from,
				    enum pt_org_type to);

/* ---- resilience: what one cascade or SPOF request may ask (issue 12) ---- */

/** What one request of a caller may ask of the cascade and the SPOF sweep. Plain data. */
struct pt_resilience_budget {
	size_t fail_max;   /**< most sites one cascade may fail (0: no cascade at all) */
	double hours_max;  /**< longest horizon (and repair time) of one cascade, hours */
	int spof;          /**< nonzero: may run the single-points-of-failure sweep */
};

/**
 * The resilience budget of who (docs/access.md, "Resilience budgets"):
 * admins, coordinators and analysts 1,000 failed sites (PT_APP_CASCADE_MAX_FAIL),
 * 8,760 hours (a year) and the SPOF sweep; operators 50 sites, 720 hours
 * (30 days) and the sweep; every other role 10 sites, 168 hours (a week),
 * no sweep; the system administrator 1,000 sites and PT_CASCADE_MAX_HORIZON_H;
 * an invalid principal nothing.
 */
void pt_access_resilience_budget(const struct pt_principal *who, struct pt_resilience_budget *out);

/* ---- issue 12: dependencies between sites ---- */

/**
 * May who see the dependency of consumer on provider (the records of its two
 * sites)? Only when it may read both (pt_access_read): OK, else NOT_FOUND
 * (a dependency on a site one may not see does not exist for one).
 */
enum pt_access pt_access_dependency_read(const struct pt_principal *who,
					 const struct pt_access_record *provider,
					 const struct pt_access_record *consumer);

/**
 * May who add, change or delete the dependency of consumer on provider?
 * NOT_FOUND when it may not read both sites; then OK when it may write the
 * consumer as a sites import would (pt_access_import of the consumer: its
 * operators, analysts and admins, government coordinators for any owner,
 * the system administrator), FORBIDDEN otherwise. The provider's owner has
 * no say: a dependency describes the consumer's needs and backups.
 */
enum pt_access pt_access_dependency_write(const struct pt_principal *who,
					  const struct pt_access_record *provider,
					  const struct pt_access_record *consumer);

/* issue 13: public alerts (docs/access.md, "Public alerts"). */

/**
 * May who compose public alerts (new, update, cancel, preview)? Public
 * information officers and coordinators of government organisations
 * (public warning is the authorities' voice: an operator's or an NGO's pio
 * may not) and the system administrator: OK; anyone else FORBIDDEN. The
 * site the alert is about must also be one who may read (pt_access_read).
 */
enum pt_access pt_access_alert_compose(const struct pt_principal *who);

/** What pt_access_alert_approve answers; every refusal is a 403. */
enum pt_alert_approval {
	PT_ALERT_APPROVAL_OK = 0,
	PT_ALERT_APPROVAL_FORBIDDEN,  /**< not one who may compose alerts */
	PT_ALERT_APPROVAL_SAME_PERSON, /**< the message's composer: a second person must approve */
	PT_ALERT_APPROVAL_NOT_APPOINTED, /**< a user whose role was granted over the API, not by
					      the system administrator (who->role_by_system 0) */
	PT_ALERT_APPROVAL_SYSTEM /**< the system administrator approving, or approving what it
				      composed: an Actual alert needs two named users */
};

/**
 * May who approve (issue) a pending Actual message that user composer_id
 * composed (0: the system administrator)? Only one who may compose
 * (pt_access_alert_compose), and never the composer itself: the system
 * administrator approving its own message is the same person too. Then
 * (issue 13 review) the system administrator may not approve at all, nor
 * may anyone approve what it composed (SYSTEM: --as is not a log-in, two
 * named users are needed), and the approver must be appointed: its role
 * granted by the system administrator (who->role_by_system), else
 * NOT_APPOINTED (whoever made the account over the API holds its password).
 */
enum pt_alert_approval pt_access_alert_approve(const struct pt_principal *who,
					       long long composer_id);

/**
 * May who read a stored message about site rec (NULL: the site is gone)?
 * An issued message of status Actual: every logged-in user (it is public).
 * Otherwise (pending, rejected, Exercise, Test): those who may compose
 * and may read the site (NOT_FOUND otherwise, as for a message that does
 * not exist).
 */
enum pt_access pt_access_alert_read(const struct pt_principal *who,
				    const struct pt_access_record *rec, int issued_actual);

/**
 * May who compose a message of status Actual that will be stored (issue 13
 * review: not a preview)? As pt_access_alert_compose, except the system
 * administrator (the command line without --as): FORBIDDEN, since an Actual
 * alert needs two named users. Exercise and Test stay open to it.
 */
enum pt_access pt_access_alert_compose_actual(const struct pt_principal *who);

/* issue 14: the mass-casualty simulation over the API (docs/access.md, "Simulations"). */

/** What one simulation request may ask (pt_access_simulate). */
struct pt_simulate_budget {
	size_t replications_max; /**< most replications per row (x rows of a sweep: the total) */
	unsigned victims_max;    /**< most victims of the scenario (attack.victims) */
	/* the run's cost (review H1 of issue 14) */
	double events_max;       /**< most estimated events in all: replications x rows x the
				      app's per-replication estimate (victims x (4 + horizon_min /
				      response.retriage_min)); replications_max x victims_max x 52,
				      what the defaults (720 / 15) cost */
};

/**
 * May who run a mass-casualty simulation (POST /api/v1/simulations), and
 * within what? Coordinators and analysts: OK, 10,000 replications in all
 * (rows x replications) and 5,000 victims; facilitators: OK, 2,000
 * replications and 2,000 victims; the system administrator: OK, 1,000,000
 * and 20,000 (the model's limits); events_max replications_max x
 * victims_max x 52 for each; every other role and an invalid
 * principal FORBIDDEN with a budget of zeros.
 */
enum pt_access pt_access_simulate(const struct pt_principal *who, struct pt_simulate_budget *out);

/**
 * issue 15 (attack review 2): the budget of one simulation rerun of a live
 * exercise run, whoever created the run: the facilitator role's of
 * pt_access_simulate (2,000 replications, 2,000 victims, their events).
 */
void pt_access_run_sim_budget(struct pt_simulate_budget *out);


/* ---- issue 15: exercise runs (docs/access.md, "Exercise runs") ---- */

/** A user's part in one exercise run. */
enum pt_run_member {
	PT_RUN_NONE = 0,    /**< no part */
	PT_RUN_PLAYER,      /**< plays one or more exercise roles (system role player) */
	PT_RUN_EVALUATOR,   /**< observes and rates (system role evaluator) */
	PT_RUN_FACILITATOR  /**< drives the clock and the plan (system role facilitator) */
};

/** "none", "player", "evaluator", "facilitator"; "" out of range. */
const char *pt_run_member_name(enum pt_run_member m);

/** Parse "player", "evaluator" or "facilitator" (exact). PT_EINVAL otherwise; *out untouched then. */
enum pt_err pt_run_member_parse(const char *s, enum pt_run_member *out);

/** What a caller sees of a run (pt_access_run_view). */
enum pt_run_view {
	PT_RUN_VIEW_NONE = 0,    /**< nothing: the run does not exist for it */
	PT_RUN_VIEW_PLAYER,      /**< its roles' injects delivered so far, its decisions, responses and log */
	PT_RUN_VIEW_OBSERVER,    /**< a government coordinator: as an evaluator, read only */
	PT_RUN_VIEW_EVALUATOR,   /**< the timeline, every decision, observations and ratings */
	PT_RUN_VIEW_FACILITATOR  /**< everything, the whole scenario included */
};

/** "none", "player", "observer", "evaluator", "facilitator"; "" out of range. */
const char *pt_run_view_name(enum pt_run_view v);

/** Who a stored event of a run is for. */
enum pt_run_audience {
	PT_RUN_TO_ALL = 0,       /**< every participant (ENDEX, clock changes, exercise alerts) */
	PT_RUN_TO_FACILITATORS,  /**< the facilitators only (SIM_DUE, skips, cancelled contingencies) */
	PT_RUN_TO_EVALUATORS,    /**< facilitators, evaluators and observers */
	PT_RUN_TO_ROLES          /**< facilitators, evaluators, observers and the players of a set
				      of exercise roles (bit i: the scenario's role i) */
};

/** "all", "facilitators", "evaluators", "roles"; "" out of range. */
const char *pt_run_audience_name(enum pt_run_audience a);

/** Parse one of those (exact). PT_EINVAL otherwise; *out untouched then. */
enum pt_err pt_run_audience_parse(const char *s, enum pt_run_audience *out);

/**
 * A run as the rules see it, from one caller's side: its label and owning
 * organisation (the organisation of the facilitator who created it) and the
 * caller's part in it, read by src/app from the store. Plain data.
 */
struct pt_run_access {
	long long owner_org_id;     /**< > 0; 0: created by the system administrator (none) */
	enum pt_tlp tlp;            /**< the run's records' label */
	enum pt_run_member member;  /**< the caller's part (PT_RUN_NONE: none) */
	unsigned long roles;        /**< PT_RUN_PLAYER: its exercise roles (bit i: scenario role i) */
	int pio;                    /**< nonzero: it plays the scenario's pio_role */
	int ended;                  /**< nonzero: the run is over (ENDEX) */
};

/** May who create exercise runs? Facilitators (of any organisation) and the system administrator: OK; else FORBIDDEN. */
enum pt_access pt_access_run_create(const struct pt_principal *who);

/**
 * What who sees of run (docs/access.md, "Exercise runs"): the system
 * administrator and the run's facilitators FACILITATOR, its evaluators
 * EVALUATOR, its players PLAYER; a government coordinator with no part
 * OBSERVER when the label is CLEAR, GREEN or AMBER, or AMBER+STRICT and it
 * belongs to the owning organisation; everyone else NONE. A part counts only
 * while the user's system role may take it (pt_access_run_member): a user
 * re-roled since (to viewer, say) is judged as one with no part. The label also
 * limits the participants: at AMBER+STRICT a participant outside the owning
 * organisation sees NONE (pt_access_run_member keeps them out); at RED only
 * the participants (named on the run) see it. NULL who or run, a run out of
 * range: NONE.
 */
enum pt_run_view pt_access_run_view(const struct pt_principal *who, const struct pt_run_access *run);

/** May who see run at all? OK when pt_access_run_view is not NONE, else NOT_FOUND. */
enum pt_access pt_access_run_read(const struct pt_principal *who, const struct pt_run_access *run);

/**
 * May who drive run: its clock (start, pause, resume, shift, speed,
 * trigger, skip, mark done, ENDEX), its participants, its final ratings
 * and improvement plan? NOT_FOUND when it may not see it; OK for the view
 * FACILITATOR (its facilitators, the system administrator); else FORBIDDEN.
 */
enum pt_access pt_access_run_drive(const struct pt_principal *who, const struct pt_run_access *run);

/**
 * May who act for exercise role index role (decide, respond) in run?
 * NOT_FOUND when it may not see it; OK for a player holding that role and
 * for the system administrator (any role in range 0..31); else FORBIDDEN
 * (a facilitator, evaluator or coordinator does not play).
 */
enum pt_access pt_access_run_play(const struct pt_principal *who, const struct pt_run_access *run,
				  unsigned role);

/**
 * May who record observations and ratings in run? NOT_FOUND when it may
 * not see it; OK for its evaluators and the system administrator; else
 * FORBIDDEN (the facilitator gives final ratings: pt_access_run_drive).
 */
enum pt_access pt_access_run_evaluate(const struct pt_principal *who,
				      const struct pt_run_access *run);

/**
 * May who keep an ICS 214 activity log in run? NOT_FOUND when it may not
 * see it; OK for every participant (player, evaluator, facilitator) and
 * the system administrator; an observer: FORBIDDEN.
 */
enum pt_access pt_access_run_log(const struct pt_principal *who, const struct pt_run_access *run);

/**
 * May who issue exercise alerts (CAP status Exercise) within run, whatever
 * its system role? NOT_FOUND when it may not see it; OK for a player of
 * the scenario's pio_role (run->pio) while the run is not ended, and the
 * system administrator; else FORBIDDEN. Such alerts never reach the
 * public feed; the site they name must still be one who may read.
 */
enum pt_access pt_access_run_alert(const struct pt_principal *who, const struct pt_run_access *run);

/**
 * May a user of system role target_role in organisation target_org_id take
 * part member in run? A player: any system role but viewer (commanders hold
 * analyst, coordinator or operator accounts); an evaluator: any but viewer
 * and player; a facilitator: facilitator only. At AMBER+STRICT its
 * organisation must be the owning one. OK or FORBIDDEN (also for PT_RUN_NONE). The caller who assigns is
 * judged by pt_access_run_drive.
 */
enum pt_access pt_access_run_member(const struct pt_run_access *run, enum pt_role target_role,
				    long long target_org_id, enum pt_run_member member);

/**
 * May who see an event of run for audience (roles: its role bits)?
 * FACILITATOR views: all; EVALUATOR and OBSERVER: all but
 * PT_RUN_TO_FACILITATORS; PLAYER: PT_RUN_TO_ALL and PT_RUN_TO_ROLES sharing
 * a role with run->roles. OK or NOT_FOUND.
 */
enum pt_access pt_access_run_event(const struct pt_principal *who, const struct pt_run_access *run,
				   enum pt_run_audience audience, unsigned long roles);

/**
 * May who compose an alert of status Exercise from within run (issue 15)?
 * Exactly when pt_access_run_alert allows it: the run's public information
 * officer (a player of the scenario's pio_role) while the run is not ended,
 * whatever its system role, and the system administrator. OK or FORBIDDEN
 * (NOT_FOUND when it may not see the run). Such alerts never reach the
 * public feed; their site must still be one who may read.
 */
enum pt_access pt_access_alert_compose_exercise(const struct pt_principal *who,
						const struct pt_run_access *run);

/* ---- issue 15: after-action report (docs/access.md, "Exercise runs") ---- */

/**
 * May who read run's after-action report (its timeline, every decision,
 * observations, ratings and improvement plan)? NOT_FOUND when it may not
 * see the run; OK for the views FACILITATOR, EVALUATOR and OBSERVER (a
 * government coordinator); a player: FORBIDDEN (it sees its own roles only).
 */
enum pt_access pt_access_run_report(const struct pt_principal *who, const struct pt_run_access *run);

/**
 * May who turn an item of run's improvement plan into work on the registry
 * (a measure at a site, a note on a register risk)? NOT_FOUND when it may
 * not see the run; OK for the views FACILITATOR and OBSERVER (the run's
 * facilitators, government coordinators, the system administrator); else
 * FORBIDDEN. The site's own rule applies on top (pt_access_treat: the
 * owning organisation's writers or a government coordinator).
 */
enum pt_access pt_access_run_link(const struct pt_principal *who, const struct pt_run_access *run);

/**
 * May who see run's Exercise Evaluation Guide (the objectives' capability
 * targets and critical tasks), its baseline, its simulation settings
 * (replications, rerun period, start, the roles its figures go to, the
 * simulation file) and its seed (attack review 6)? NOT_FOUND when it may not
 * see the run; FORBIDDEN for the view PLAYER; else OK (facilitators,
 * evaluators, observers, the system administrator).
 */
enum pt_access pt_access_run_guide(const struct pt_principal *who, const struct pt_run_access *run);

/**
 * May who see the evaluation guide and simulation settings of the built-in
 * exercises (GET /exercises: objectives, sim_to, the simulation file and its
 * start)? OK for the system administrator and users of system role
 * facilitator or evaluator; FORBIDDEN for every other role, since the
 * commanders who play hold player, analyst, coordinator or operator accounts
 * (attack review 2, finding 8).
 */
enum pt_access pt_access_exercise_guide(const struct pt_principal *who);

/* ---- critical entities (issue 16, item 8; docs/access.md, "Critical entities") ---- */

/**
 * May who designate an organisation a critical entity, change the days of its
 * designation or revoke it (the CER Directive's art. 6 is the state's act)? Coordinators
 * and admins of government organisations. OK or FORBIDDEN.
 */
enum pt_access pt_access_cer_designate(const struct pt_principal *who);

/**
 * May who see that organisation org_id is a designated critical entity, and its
 * obligations? Coordinators, analysts and admins of government organisations; the
 * entity's own admins and operators. OK or NOT_FOUND (a list of critical entities is
 * itself sensitive: to anyone else the designation does not exist).
 */
enum pt_access pt_access_cer_read(const struct pt_principal *who, long long org_id);

/**
 * May who record the dates of entity org_id's risk assessment and resilience plan, and
 * the sites of its critical infrastructure? Coordinators and admins of government
 * organisations, and the entity's own admins. OK, NOT_FOUND (as pt_access_cer_read) or
 * FORBIDDEN.
 */
enum pt_access pt_access_cer_report(const struct pt_principal *who, long long org_id);

/* ---- issue 16 item 3: surveys (assessment visits; docs/access.md "Surveys") ---- */

/**
 * May who start a visit (survey) of rec? As pt_access_write: operators,
 * analysts and admins of the owning organisation (NOT_FOUND, OK, FORBIDDEN).
 */
enum pt_access pt_access_survey_record(const struct pt_principal *who,
				       const struct pt_access_record *rec);

/**
 * May who change the answers and ratings of a draft visit of rec made by
 * assessor_user_id? pt_access_write, and only the assessor itself (a visit
 * is one named person's); the system administrator always.
 */
enum pt_access pt_access_survey_change(const struct pt_principal *who,
				       const struct pt_access_record *rec,
				       long long assessor_user_id);

/**
 * May who confirm a visit of rec (the role rule; pt_access_survey_duty is the
 * four-eyes rule)? NOT_FOUND when it may not read rec; OK for those who may
 * write rec (the owner's operators, analysts, admins) and for coordinators
 * and analysts of government organisations; FORBIDDEN otherwise.
 */
enum pt_access pt_access_survey_confirm(const struct pt_principal *who,
					const struct pt_access_record *rec);

/**
 * The four-eyes rule of a visit's confirmation: PT_DUTY_TWO_STEPS when who
 * is its assessor; PT_DUTY_RELATED when either made the other or they share
 * a maker (the lists as struct pt_measure_actors holds them, 0 ends a list,
 * NULL none); PT_DUTY_NONE otherwise and for the system administrator.
 */
enum pt_duty_conflict pt_access_survey_duty(const struct pt_principal *who,
					    long long assessor_user_id,
					    const long long *caller_makers,
					    const long long *assessor_makers);

/* ---- issue 16 item 3: attachments (photos and documents of a site or survey) ---- */

/**
 * The label of an attachment of a site labelled site_tlp: the higher of
 * the two and AMBER (a photo of a site shows what a plan of it would not;
 * docs/access.md, "Attachments"). Computed when read, never stored, so a
 * site relabelled RED takes its attachments with it.
 */
enum pt_tlp pt_access_attachment_label(enum pt_tlp site_tlp);

/**
 * May who read (list, download) an attachment of the site site? As
 * pt_access_read of the site's record at pt_access_attachment_label: OK or
 * NOT_FOUND (a viewer of a GREEN site outside its owner's audience does
 * not see its photos; as for a missing one).
 */
enum pt_access pt_access_attachment_read(const struct pt_principal *who,
					 const struct pt_access_record *site);

/**
 * May who add or delete an attachment of site? NOT_FOUND when it may not
 * read it (pt_access_attachment_read); then as pt_access_write of the site
 * at the attachment's label: OK for operators, analysts and admins of the
 * owning organisation (and the system administrator), FORBIDDEN otherwise.
 */
enum pt_access pt_access_attachment_write(const struct pt_principal *who,
					  const struct pt_access_record *site);


/* ---- issue 16 item 6: snapshots of the ranking and comparisons (docs/access.md, "History") ---- */

/** May who take a snapshot (government coordinators and admins; the system administrator)? OK or FORBIDDEN. */
enum pt_access pt_access_snapshot_take(const struct pt_principal *who);

/** May who delete a snapshot (government admins; the system administrator)? OK or FORBIDDEN. */
enum pt_access pt_access_snapshot_delete(const struct pt_principal *who);

/**
 * May who see a site's row of a snapshot or a comparison? recs[0, n) are the
 * site's access records at each time the row shows (then, and now when the
 * site is still in the registry; NULL entries are times it did not exist):
 * OK only when who may read it under every one of them (pt_access_read), so
 * a row never shows a site that was hidden from who then or is now.
 * NOT_FOUND otherwise, and when no record is given. *tlp (may be NULL) gets
 * the strictest of their labels: the row's marking.
 */
enum pt_access pt_access_history_row(const struct pt_principal *who,
				     const struct pt_access_record *const *recs, size_t n,
				     enum pt_tlp *tlp);


#endif
