/* pt_plan_records.h - the plain records of measures at sites, saved plans
 * and the risk register, as the store reads them and the faces render them. */
#ifndef PT_PLAN_RECORDS_H
#define PT_PLAN_RECORDS_H

#include <stddef.h>

#include "pt_model.h"
#include "pt_records.h"
#include "pt_register.h"
#include "pt_score.h"

#define PT_TIMESTAMP_MAX 32   /**< "2026-11-28T04:28:33Z", bytes with the NUL */
#define PT_DATE_MAX 11        /**< "2027-03-31" */
#define PT_NOTE_MAX 1024      /**< a register note, bytes with the NUL */
#define PT_PLAN_NAME_MAX 64   /**< a saved plan's name: an id (letters, digits, '-', '_', '.') */
#define PT_REGISTER_MEASURES_MAX 1024 /**< linked measure ids joined by ';', bytes with the NUL */

/**
 * The state of a measure at a site: in place (the assessment includes it),
 * or a step of the one state machine of a measure a saved plan proposed
 * (docs/access.md, "Measures at sites"): proposed -> approved -> accepted
 * or declined -> (accepted) installed -> verified. Proposed and approved
 * are pending: never offered again, their effect not counted; accepted,
 * installed and verified are committed: their effect counts in the risk
 * before; declined counts for nothing and may be proposed again.
 */
enum pt_site_measure_status {
	PT_SM_EXISTING = 0,
	PT_SM_PROPOSED,
	PT_SM_APPROVED,
	PT_SM_ACCEPTED,
	PT_SM_DECLINED,
	PT_SM_INSTALLED,
	PT_SM_VERIFIED
};
#define PT_SM_COUNT 7

/** "existing", "proposed", "approved", "accepted", "declined", "installed", "verified"; "" out of range. */
const char *pt_site_measure_status_name(enum pt_site_measure_status s);

/** Parse a state name (exact). PT_EINVAL if unknown; *out untouched then. */
enum pt_err pt_site_measure_status_parse(const char *s, enum pt_site_measure_status *out);

/** 1 for accepted, installed and verified (their effect counts), else 0. */
int pt_site_measure_committed(enum pt_site_measure_status s);

/** 1 for proposed and approved (never offered again, effect not counted), else 0. */
int pt_site_measure_pending(enum pt_site_measure_status s);

/**
 * The state step leads to from from: PT_OK with *to set, or PT_ECONFLICT
 * when step does not apply to from (approve needs proposed; accept and
 * decline need approved; install needs accepted; verify needs installed, or verified: a re-verification, issue 16).
 */
enum pt_err pt_site_measure_next(enum pt_site_measure_status from, enum pt_measure_step step,
				 enum pt_site_measure_status *to);

/* ---- measures through their life (issue 16, item 4) ---- */

/** A verification is by a test of the measure or by an inspection of it. */
enum pt_verify_method { PT_VERIFY_TEST = 0, PT_VERIFY_INSPECTION };

/** "test", "inspection"; "" out of range. */
const char *pt_verify_method_name(enum pt_verify_method m);
/** Parse "test" or "inspection" (exact). PT_EINVAL otherwise. */
enum pt_err pt_verify_method_parse(const char *s, enum pt_verify_method *out);

/** A re-verification date is at most this many years after the verification. */
#define PT_REVERIFY_HORIZON_YEARS 5

/**
 * Nonzero when a verified measure whose re-verification date is reverify_by
 * (YYYY-MM-DD; "" none) is due on today (YYYY-MM-DD): the date has passed.
 */
int pt_site_measure_verification_due(const char *reverify_by, const char *today);

/**
 * Nonzero when later (YYYY-MM-DD) is more than years years after earlier
 * (YYYY-MM-DD); 0 when either is malformed (the caller checks the form first).
 */
int pt_date_beyond_years(const char *later, const char *earlier, int years);

/** Nonzero for a real calendar day written YYYY-MM-DD. */
int pt_date_valid(const char *s);

/** One step in the life of a measure at a site, as kept. Plain data. */
struct pt_site_measure_event {
	char site_id[PT_ID_MAX];
	char measure_id[PT_ID_MAX];
	char step[16]; /**< propose, commit, in place, approve, accept, decline, install, verify */
	enum pt_site_measure_status status; /**< the state after the step */
	char plan[PT_PLAN_NAME_MAX];        /**< the saved plan of the measure then; "" none */
	char at[PT_TIMESTAMP_MAX];          /**< when the step was recorded (UTC) */
	char actor[PT_ACTOR_NAME_MAX];      /**< who took it */
	char on_date[PT_DATE_MAX];     /**< install: the day installed; verify: the day verified */
	char method[16];               /**< verify: "test" or "inspection"; else "" */
	char reverify_by[PT_DATE_MAX]; /**< verify: the day to verify again; else "" */
	char note[PT_NOTE_MAX];
};

/** A measure at a site as stored. Plain data. */
struct pt_site_measure_row {
	char site_id[PT_ID_MAX];
	char measure_id[PT_ID_MAX];
	enum pt_site_measure_status status;
	char plan[PT_PLAN_NAME_MAX]; /**< the saved plan that proposed it; existing: "" */
	char added_at[PT_TIMESTAMP_MAX];
	char added_by[PT_ACTOR_NAME_MAX];
	char changed_at[PT_TIMESTAMP_MAX];   /**< its last step ("" none since added) */
	char changed_by[PT_ACTOR_NAME_MAX];  /**< who took it */
};

/** A saved plan's summary. Plain data. */
struct pt_saved_plan {
	char name[PT_PLAN_NAME_MAX];
	char created_at[PT_TIMESTAMP_MAX];
	char created_by[PT_ACTOR_NAME_MAX];
	char solver[16];
	char region[PT_REGION_MAX];
	char threat_level[512];
	double budget_eur, cost_eur, risk_reduction_eur, gap;
	long long sites_funded, measures;
	char state[24];              /**< "proposed", "approved (legacy)", "withdrawn" */
	char scope_org[PT_NAME_MAX]; /**< the one organisation owning every site the plan considered; "" several */
	char withdrawn_at[PT_TIMESTAMP_MAX]; /**< "" not withdrawn */
	char withdrawn_by[PT_ACTOR_NAME_MAX];
	/** The plan's measures at sites by state (index enum pt_site_measure_status), as far
	 * as the reader may read the sites; filled when the plan is read, not stored. */
	long long by_status[PT_SM_COUNT];
};

/**
 * Where a saved plan's measures are (docs/access.md, "Measures at sites"),
 * from its stored state and p->by_status: "withdrawn"; "approved (legacy)"
 * (saved before measure states, its rows all still accepted); "proposed" (all
 * proposed, or no rows); "approved" (all approved); "done" (every one
 * installed, verified or declined); else "in progress". A static string.
 */
const char *pt_saved_plan_phase(const struct pt_saved_plan *p);

/** One funded site of a saved plan with its figures (as in the plan's JSON). Plain data. */
struct pt_plan_site_line {
	char site_id[PT_ID_MAX];
	double cost_eur;            /**< present value */
	double risk_reduction_eur;  /**< present value */
	long long measures;         /**< measures chosen at the site */
};

/** One site-threat risk with its decision (treatment none when none recorded). Plain data. */
struct pt_register_entry {
	char site_id[PT_ID_MAX];
	char site_name[PT_NAME_MAX];
	char threat_id[PT_ID_MAX];
	enum pt_band band;           /**< the pair's band on the quant matrix, current threat level */
	double risk_eur_year;        /**< the pair's E[T'] E[V] E[C] */
	/** The risk once the measures committed at the site are in place, and its band. */
	double residual_eur_year;
	enum pt_band residual_band;
	size_t n_committed;          /**< measures committed at the site (0: residual = risk) */
	enum pt_treatment treatment;
	char owner_org[PT_NAME_MAX]; /**< the site's owning organisation (who records decisions) */
	char responsible[PT_ACTOR_NAME_MAX]; /**< responsible user's name, "" none */
	char review_date[PT_DATE_MAX];       /**< "" none */
	char measures[PT_REGISTER_MEASURES_MAX]; /**< linked measure ids, ';'-joined */
	char note[PT_NOTE_MAX];
	int needs_approval;          /**< 1: accepted above register.accept_max_band */
	int approved;                /**< 1: approved by a government coordinator */
	char approved_by[PT_ACTOR_NAME_MAX];
	char approved_at[PT_TIMESTAMP_MAX];
	char updated_at[PT_TIMESTAMP_MAX];
	char updated_by[PT_ACTOR_NAME_MAX];
	enum pt_tlp site_tlp;        /**< the site's TLP label (the marking of outputs carrying it) */
	/* Issue 11, item 8: the decision's band and what became of it since. */
	enum pt_band decided_band;   /**< the pair's band when decided or approved; NONE: not known */
	char decided_level[16];      /**< the threat level of the pair then ("" not known) */
	int reopened;                /**< 1: accepted, and the band has risen above decided_band and
				      *   register.accept_max_band: awaits approval again */
	int overdue;                 /**< 1: the review date has passed */
	char threat_level[16];       /**< the level the pair's band is at today (its site and threat) */
};

/** A change to a decision; NULL fields are left as they are. Borrowed strings. */
struct pt_register_change {
	const char *treatment;   /**< "accept", "reduce", "transfer", "avoid" */
	const char *responsible; /**< a user name of the owning organisation; "" clears */
	const char *review_date; /**< YYYY-MM-DD, a real date; "" clears */
	const char *measures;    /**< ';' or ','-separated measure ids existing or committed at the site; "" clears */
	const char *note;        /**< free text up to PT_NOTE_MAX - 1 bytes */
};

/** One change of a register entry. Plain data. */
struct pt_register_history_row {
	char at[PT_TIMESTAMP_MAX];
	char actor[PT_ACTOR_NAME_MAX];
	char action[32];   /**< "set", "approve", "commit" */
	char detail[PT_NOTE_MAX + 512]; /**< "treatment accept -> reduce; review_date 2027-03-31" */
};

#endif
