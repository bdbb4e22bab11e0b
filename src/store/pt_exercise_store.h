/* pt_exercise_store.h - live exercise runs in SQLite (migration 024, issue 15):
 * runs with their scenario copies and engine state, members, inject states,
 * decisions made, events, entries (responses, ICS 214 logs, observations),
 * ratings and improvement items; SQL only. */
#ifndef PT_EXERCISE_STORE_H
#define PT_EXERCISE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "pt_store.h"

#define PT_DB_RUN_ROWS_MAX 100000 /**< rows of one kind one read returns (PT_ELIMIT past it) */
#define PT_DB_RUN_NAME 64         /**< bytes of a name or id column, with the NUL */
#define PT_DB_RUN_VALUE 96        /**< bytes of a decision's value, with the NUL (= PT_MCI_VALUE_MAX;
				       the column holds 63 characters, as a choice has) */

/** A run (a row of exercise_runs). Plain data but for the two files. */
struct pt_db_run {
	long long id;
	char title[200];
	char scenario_id[PT_DB_RUN_NAME];
	char scenario_sha256[65];
	char tlp[16];                /**< "CLEAR" ... "RED" (pt_tlp_name) */
	uint64_t seed;
	long long owner_org_id;      /**< 0: none (the system administrator made it) */
	long long created_by;        /**< user id; 0 the system administrator */
	char created_by_name[PT_DB_RUN_NAME];
	int64_t created_at;          /**< unix seconds */
	/* the engine's state, saved after every change */
	char clock_state[16];        /**< "ready", "running", "paused", "ended" */
	int64_t base_wall_ms;
	double base_min, speed, now_min, next_sim_min, end_min;
	double sim_start_min;        /**< the run's attack, moved by shifts (migration 026, table exercise_run_sim_start); -1 in
					  a run stored before it: the scenario's sim_start */
	int ended;
	int64_t updated_at;
	char *scenario_json;         /**< owned; NULL when not read */
	size_t scenario_len;
	char *sim_json;              /**< owned; NULL when the run has none or it was not read */
	size_t sim_len;
};

/** Free r's files (not r); NULL does nothing. */
void pt_db_run_clear(struct pt_db_run *r);

/** Insert r (its files required; sim_json may be NULL); *id the new run's id. */
enum pt_err pt_db_run_insert(struct pt_db *db, const struct pt_db_run *r, long long *id,
			     struct pt_diag *d);

/** Read run id (with its files when with_files). PT_ENOTFOUND without a message when none. */
enum pt_err pt_db_run_get(struct pt_db *db, long long id, int with_files, struct pt_db_run *out,
			  struct pt_diag *d);

/** Save r's engine state (clock_state ... updated_at) and title and tlp by r->id. PT_ENOTFOUND when none. */
enum pt_err pt_db_run_save(struct pt_db *db, const struct pt_db_run *r, struct pt_diag *d);

/** The runs newest first, at most max, without files; *out: free(). */
enum pt_err pt_db_run_list(struct pt_db *db, size_t max, struct pt_db_run **out, size_t *n,
			   struct pt_diag *d);

/**
 * The earliest due time of run_id's pending injects into *due_min; *any 0
 * when none is pending (the ticker's cheap check before a write).
 */
enum pt_err pt_db_run_next_due(struct pt_db *db, long long run_id, double *due_min, int *any,
			       struct pt_diag *d);

/** The ids of the running runs, in id order; *ids: free(). */
enum pt_err pt_db_run_running(struct pt_db *db, long long **ids, size_t *n, struct pt_diag *d);

/** A member of a run (a row of exercise_run_members with its user and organisation). */
struct pt_db_run_member {
	long long run_id, user_id;
	char member[16];             /**< "player", "evaluator", "facilitator" */
	char role[PT_DB_RUN_NAME];   /**< a player's exercise role; "" otherwise */
	int lead;
	int64_t assigned_at;
	/* read only: from users and organisations */
	char user_name[PT_DB_RUN_NAME];
	char user_role[16];          /**< the user's system role ("player") */
	long long org_id;
	char org_name[PT_DB_RUN_NAME];
};

/** Add m (its stored part). PT_ECONFLICT when that part is held already. */
enum pt_err pt_db_run_member_add(struct pt_db *db, const struct pt_db_run_member *m,
				 struct pt_diag *d);

/** Remove user_id's parts in run_id (role NULL: all; else that player role); *removed: how many. */
enum pt_err pt_db_run_member_remove(struct pt_db *db, long long run_id, long long user_id,
				    const char *role, long long *removed, struct pt_diag *d);

/** The members of run_id (facilitators, evaluators, players; then user name, role); *out: free(). */
enum pt_err pt_db_run_members(struct pt_db *db, long long run_id, struct pt_db_run_member **out,
			      size_t *n, struct pt_diag *d);

/** One inject's state in a run (struct pt_ex_run_inject by seq). */
struct pt_db_run_inject {
	uint32_t seq;
	char status[16];             /**< "pending", "delivered", "skipped", "cancelled" */
	double due_min, deadline_min, delivered_min, done_min;
	long long done_by;           /**< -1: the facilitator (or not done); else the decision's index */
};

/** Write (insert or replace) rows[0, n) of run_id. */
enum pt_err pt_db_run_injects_put(struct pt_db *db, long long run_id,
				  const struct pt_db_run_inject *rows, size_t n, struct pt_diag *d);

/** The inject states of run_id in seq order; *out: free(). */
enum pt_err pt_db_run_injects(struct pt_db *db, long long run_id, struct pt_db_run_inject **out,
			      size_t *n, struct pt_diag *d);

/** A decision made (exercise_run_decisions). Plain data. */
struct pt_db_run_decision {
	long long run_id, n;         /**< n: index into the engine's made[] */
	char decision[PT_DB_RUN_NAME];
	double t_min;
	char value[PT_DB_RUN_VALUE];
	char role[PT_DB_RUN_NAME];
	long long user_id;
	char user_name[PT_DB_RUN_NAME];
	int64_t made_at;
};

/** Append a decision (PT_ECONFLICT when its n is taken). */
enum pt_err pt_db_run_decision_add(struct pt_db *db, const struct pt_db_run_decision *m,
				   struct pt_diag *d);

/** The decisions of run_id in order; *out: free(). */
enum pt_err pt_db_run_decisions(struct pt_db *db, long long run_id,
				struct pt_db_run_decision **out, size_t *n, struct pt_diag *d);

/** The text an inject was delivered with (its "inject" event's, placeholders filled). */
struct pt_db_run_inject_text {
	uint32_t seq;
	char *text; /**< owned */
};

/**
 * The text each inject of run_id was last delivered with, in seq order (attack
 * review 2, finding 3); injects never delivered have none. *out: free with
 * pt_db_run_inject_texts_free.
 */
enum pt_err pt_db_run_inject_texts(struct pt_db *db, long long run_id,
				   struct pt_db_run_inject_text **out, size_t *n,
				   struct pt_diag *d);

/** Free what pt_db_run_inject_texts gave; NULL: nothing. */
void pt_db_run_inject_texts_free(struct pt_db_run_inject_text *texts, size_t n);

/** An event (exercise_run_events). text and detail owned. */
struct pt_db_run_event {
	long long id, run_id;
	char kind[16];
	double t_min;
	int64_t at_ms;
	long long seq, made, n_made;
	double value;
	char audience[16];           /**< "all", "facilitators", "evaluators", "roles" */
	unsigned long long roles;
	char type[32];
	char sender[200];
	char *text;                  /**< owned (NULL stores "") */
	char *detail;                /**< owned, may be NULL */
	long long answers;           /**< a "sim" event: the SIM_DUE it answers; else 0 */
};

/** Free e's strings (not e); NULL does nothing. */
void pt_db_run_event_clear(struct pt_db_run_event *e);

/** Free events[0, n) and the array. */
void pt_db_run_events_free(struct pt_db_run_event *events, size_t n);

/** Append e; *id its id. PT_ECONFLICT when e->answers is answered already. */
enum pt_err pt_db_run_event_add(struct pt_db *db, const struct pt_db_run_event *e, long long *id,
				struct pt_diag *d);

/** The events of run_id with id > after, oldest first, at most max; *out: pt_db_run_events_free. */
enum pt_err pt_db_run_events(struct pt_db *db, long long run_id, long long after, size_t max,
			     struct pt_db_run_event **out, size_t *n, struct pt_diag *d);

/** Event id into *out (clear it). PT_ENOTFOUND without a message when none. */
enum pt_err pt_db_run_event_get(struct pt_db *db, long long id, struct pt_db_run_event *out,
				struct pt_diag *d);

/** The newest event id of run_id (0: none). */
enum pt_err pt_db_run_event_last(struct pt_db *db, long long run_id, long long *id,
				 struct pt_diag *d);

/**
 * The 'suspend' event that suspends run_id now (a real-world emergency: no
 * 'resume' or 'endex' event after it) into *id; 0 when the run is not suspended.
 */
enum pt_err pt_db_run_suspended(struct pt_db *db, long long run_id, long long *id,
				struct pt_diag *d);
/** The newest "sim" event id of run_id (0: none; issue 15 review 3). */
enum pt_err pt_db_run_event_last_sim(struct pt_db *db, long long run_id, long long *id,
				     struct pt_diag *d);

/** 1 when SIM_DUE event sim_due has its figures stored, 0 when not, -1 on failure. */
int pt_db_run_event_answered(struct pt_db *db, long long sim_due, struct pt_diag *d);

/** A response, ICS 214 log entry or observation (exercise_run_entries). text owned. */
struct pt_db_run_entry {
	long long id, run_id;
	char kind[16];               /**< "response", "log", "observation", "strength", "improvement" */
	long long seq;
	char role[PT_DB_RUN_NAME];
	long long user_id;
	char user_name[PT_DB_RUN_NAME];
	char agency[PT_DB_RUN_NAME];
	int capability;
	char target[PT_DB_RUN_NAME];
	double t_min;
	int64_t at;
	char *text;
};

/** Free entries[0, n) and the array. */
void pt_db_run_entries_free(struct pt_db_run_entry *e, size_t n);

/** Append e; *id its id (may be NULL). */
enum pt_err pt_db_run_entry_add(struct pt_db *db, const struct pt_db_run_entry *e, long long *id,
				struct pt_diag *d);

/**
 * The entries of run_id of kind (NULL: the observations, strengths and
 * improvements; "response", "log": those) in id order, at most
 * PT_DB_RUN_ROWS_MAX; *out: pt_db_run_entries_free.
 */
enum pt_err pt_db_run_entries(struct pt_db *db, long long run_id, const char *kind,
			      struct pt_db_run_entry **out, size_t *n, struct pt_diag *d);

/** How many exercise alerts run_id has issued (its 'alert' events; attack review 2, round 2). */
enum pt_err pt_db_run_alerts_count(struct pt_db *db, long long run_id, long long *n,
				   struct pt_diag *d);

/** How many runs user_id created that have not ended (attack review 5, round 2). */
enum pt_err pt_db_run_open_count(struct pt_db *db, long long user_id, long long *n,
				 struct pt_diag *d);

/** How many entries run_id holds (every kind). */
enum pt_err pt_db_run_entries_count(struct pt_db *db, long long run_id, long long *n,
				    struct pt_diag *d);

/** What a run's quotas count (attack review 4; docs/exercises.md, "Quotas"). */
struct pt_db_run_entry_counts {
	long long all;               /**< the run's entries, every kind */
	long long players;           /**< responses, and log entries in an exercise role */
	long long user_responses;    /**< the user's responses */
	long long user_log;          /**< the user's log entries */
	long long user_observations; /**< the user's observations, strengths, improvements */
};

/** The counts of run_id's entries, the user's those of user_id, into *out. */
enum pt_err pt_db_run_entry_counts(struct pt_db *db, long long run_id, long long user_id,
				   struct pt_db_run_entry_counts *out, struct pt_diag *d);

/**
 * At most max entries of run_id of every kind with an id below before (0:
 * from the newest), newest first (attack review 4: paging);
 * *out: pt_db_run_entries_free.
 */
enum pt_err pt_db_run_entries_before(struct pt_db *db, long long run_id, long long before,
				     size_t max, struct pt_db_run_entry **out, size_t *n,
				     struct pt_diag *d);

/** A rating (exercise_run_ratings). note owned. */
struct pt_db_run_rating {
	long long run_id;
	char target[PT_DB_RUN_NAME];
	int final;
	long long user_id;
	char user_name[PT_DB_RUN_NAME];
	char rating[2];              /**< "P", "S", "M", "U" */
	char *note;                  /**< owned (NULL stores "") */
	int64_t at;
};

/** Free ratings[0, n) and the array. */
void pt_db_run_ratings_free(struct pt_db_run_rating *r, size_t n);

/** Store r, replacing the same rater's (final: the final) rating of its target. */
enum pt_err pt_db_run_rating_put(struct pt_db *db, const struct pt_db_run_rating *r,
				 struct pt_diag *d);

/** The ratings of run_id by target, final last; *out: pt_db_run_ratings_free. */
enum pt_err pt_db_run_ratings(struct pt_db *db, long long run_id, struct pt_db_run_rating **out,
			      size_t *n, struct pt_diag *d);

/** An improvement plan item (exercise_run_improvements). issue and action owned. */
struct pt_db_run_improvement {
	long long id, run_id;
	int capability;
	char *issue, *action;
	char element[16];
	char responsible[PT_DB_RUN_NAME];
	char due[11];
	char measure_id[PT_DB_RUN_NAME];
	char risk_site[PT_DB_RUN_NAME];
	char risk_threat[PT_DB_RUN_NAME];
	long long user_id;
	char user_name[PT_DB_RUN_NAME];
	int64_t at;
};

/** Free items[0, n) and the array. */
void pt_db_run_improvements_free(struct pt_db_run_improvement *i, size_t n);

/** Append it; *id its id (may be NULL). */
enum pt_err pt_db_run_improvement_add(struct pt_db *db, const struct pt_db_run_improvement *it,
				      long long *id, struct pt_diag *d);

/** The improvement items of run_id in id order; *out: pt_db_run_improvements_free. */
enum pt_err pt_db_run_improvements(struct pt_db *db, long long run_id,
				   struct pt_db_run_improvement **out, size_t *n,
				   struct pt_diag *d);

#endif
