/* pt_exercise_store.c - live exercise runs in SQLite (issue 15, migration 024):
 * statements, rows in and out, nothing else. */
#include "pt_exercise_store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pt_store_int.h"

#define RUN_COLUMNS                                                                          \
	"id, title, scenario_id, scenario_sha256, tlp, seed, owner_org_id, created_by, "     \
	"created_by_name, created_at, clock_state, base_wall_ms, base_min, speed, now_min, " \
	"next_sim_min, ended, updated_at, end_min, "                                          \
	"COALESCE((SELECT s.sim_start_min FROM exercise_run_sim_start s "                     \
	"WHERE s.run_id = exercise_runs.id), -1) "
#define RUN_FILES_COL 20

#define EVENT_COLUMNS                                                                        \
	"id, run_id, kind, t_min, at_ms, seq, made, n_made, value, audience, roles, type, "  \
	"sender, text, detail, answers "

#define ENTRY_COLUMNS                                                                        \
	"id, run_id, kind, seq, role, user_id, user_name, agency, capability, target, t_min, " \
	"at, text "

#define IMPROVEMENT_COLUMNS                                                                  \
	"id, run_id, capability, issue, action, element, responsible, due, measure_id, "     \
	"risk_site, risk_threat, user_id, user_name, at "

enum run_stmt {
	ST_RUN_INSERT,
	ST_RUN_GET,
	ST_RUN_GET_FILES,
	ST_RUN_SAVE,
	ST_RUN_SIM_START,
	ST_RUN_LIST,
	ST_RUN_RUNNING,
	ST_MEMBER_ADD,
	ST_MEMBER_REMOVE,
	ST_MEMBER_REMOVE_ROLE,
	ST_MEMBERS,
	ST_INJECT_PUT,
	ST_INJECTS,
	ST_NEXT_DUE,
	ST_DECISION_ADD,
	ST_DECISIONS,
	ST_EVENT_ADD,
	ST_EVENTS,
	ST_EVENT_GET,
	ST_EVENT_LAST,
	ST_EVENT_ANSWERED,
	ST_EVENT_SUSPENDED,
	ST_ENTRY_ADD,
	ST_ENTRIES_KIND,
	ST_ENTRIES_EVAL,
	ST_ENTRIES_COUNT,
	ST_ENTRIES_COUNTS,
	ST_ENTRIES_BEFORE,
	ST_RATING_PUT,
	ST_RATINGS,
	ST_IMPROVEMENT_ADD,
	ST_IMPROVEMENTS,
	ST_EVENT_LAST_SIM, /* issue 15 review 3 */
	ST_RUN_ALERTS,     /* issue 15 attack review 2, round 2 */
	ST_RUN_OPEN_BY,    /* issue 15 attack review 5, round 2 */
	ST_INJECT_TEXTS,   /* attack review 2, finding 3 */
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_RUN_INSERT] = "INSERT INTO exercise_runs (title, scenario_id, scenario_sha256, tlp, "
			  "seed, owner_org_id, created_by, created_by_name, created_at, "
			  "clock_state, base_wall_ms, base_min, speed, now_min, next_sim_min, "
			  "ended, updated_at, scenario_json, sim_json, end_min) VALUES (?1, ?2, ?3, "
			  "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
			  "?20)",
	[ST_RUN_GET] = "SELECT " RUN_COLUMNS "FROM exercise_runs WHERE id = ?1",
	[ST_RUN_GET_FILES] = "SELECT " RUN_COLUMNS ", scenario_json, sim_json FROM exercise_runs "
			     "WHERE id = ?1",
	[ST_RUN_SAVE] = "UPDATE exercise_runs SET title = ?2, tlp = ?3, clock_state = ?4, "
			"base_wall_ms = ?5, base_min = ?6, speed = ?7, now_min = ?8, "
			"next_sim_min = ?9, ended = ?10, updated_at = ?11, end_min = ?12 WHERE id = ?1",
	/* migration 026 (issue 15 review, finding 2): the run's attack minute after shifts */
	[ST_RUN_SIM_START] = "INSERT OR REPLACE INTO exercise_run_sim_start (run_id, sim_start_min) "
			     "VALUES (?1, ?2)",
	[ST_RUN_LIST] = "SELECT " RUN_COLUMNS "FROM exercise_runs ORDER BY id DESC LIMIT ?1",
	[ST_RUN_RUNNING] = "SELECT id FROM exercise_runs WHERE clock_state = 'running' ORDER BY id",
	[ST_MEMBER_ADD] = "INSERT INTO exercise_run_members (run_id, user_id, member, role, lead, "
			  "assigned_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_MEMBER_REMOVE] = "DELETE FROM exercise_run_members WHERE run_id = ?1 AND user_id = ?2",
	[ST_MEMBER_REMOVE_ROLE] = "DELETE FROM exercise_run_members WHERE run_id = ?1 AND "
				  "user_id = ?2 AND role = ?3",
	[ST_MEMBERS] = "SELECT m.run_id, m.user_id, m.member, m.role, m.lead, m.assigned_at, "
		       "u.name, u.role, u.org_id, o.name FROM exercise_run_members m "
		       "JOIN users u ON u.id = m.user_id JOIN organisations o ON o.id = u.org_id "
		       "WHERE m.run_id = ?1 ORDER BY CASE m.member WHEN 'facilitator' THEN 0 "
		       "WHEN 'evaluator' THEN 1 ELSE 2 END, u.name, m.role",
	[ST_INJECT_PUT] = "INSERT OR REPLACE INTO exercise_run_injects (run_id, seq, status, "
			  "due_min, deadline_min, delivered_min, done_min, done_by) VALUES (?1, "
			  "?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_INJECTS] = "SELECT seq, status, due_min, deadline_min, delivered_min, done_min, "
		       "done_by FROM exercise_run_injects WHERE run_id = ?1 ORDER BY seq",
	[ST_NEXT_DUE] = "SELECT min(due_min) FROM exercise_run_injects WHERE run_id = ?1 AND "
			"status = 'pending'",
	[ST_DECISION_ADD] = "INSERT INTO exercise_run_decisions (run_id, n, decision, t_min, "
			    "value, role, user_id, user_name, made_at) VALUES (?1, ?2, ?3, ?4, "
			    "?5, ?6, ?7, ?8, ?9)",
	[ST_DECISIONS] = "SELECT run_id, n, decision, t_min, value, role, user_id, user_name, "
			 "made_at FROM exercise_run_decisions WHERE run_id = ?1 ORDER BY n",
	[ST_EVENT_ADD] = "INSERT INTO exercise_run_events (run_id, kind, t_min, at_ms, seq, made, "
			 "n_made, value, audience, roles, type, sender, text, detail, answers) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[ST_EVENTS] = "SELECT " EVENT_COLUMNS "FROM exercise_run_events WHERE run_id = ?1 AND "
		      "id > ?2 ORDER BY id LIMIT ?3",
	[ST_EVENT_GET] = "SELECT " EVENT_COLUMNS "FROM exercise_run_events WHERE id = ?1",
	[ST_EVENT_LAST] = "SELECT coalesce(max(id), 0) FROM exercise_run_events WHERE run_id = ?1",
	[ST_EVENT_ANSWERED] = "SELECT 1 FROM exercise_run_events WHERE answers = ?1",
	[ST_EVENT_SUSPENDED] = "SELECT CASE kind WHEN 'suspend' THEN id ELSE 0 END FROM "
			       "exercise_run_events WHERE run_id = ?1 AND kind IN ('suspend', "
			       "'resume', 'endex') ORDER BY id DESC LIMIT 1",
	[ST_EVENT_LAST_SIM] = "SELECT coalesce(max(id), 0) FROM exercise_run_events WHERE "
			      "run_id = ?1 AND kind = 'sim'",
	/* the text each inject was last delivered with (SQLite: the bare column of max(id)'s row) */
	[ST_INJECT_TEXTS] = "SELECT seq, text, max(id) FROM exercise_run_events WHERE run_id = ?1 "
			    "AND kind = 'inject' GROUP BY seq ORDER BY seq",
	[ST_ENTRY_ADD] = "INSERT INTO exercise_run_entries (run_id, kind, seq, role, user_id, "
			 "user_name, agency, capability, target, t_min, at, text) VALUES (?1, ?2, "
			 "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[ST_ENTRIES_KIND] = "SELECT " ENTRY_COLUMNS "FROM exercise_run_entries WHERE run_id = ?1 "
			    "AND kind = ?2 ORDER BY id LIMIT ?3",
	[ST_ENTRIES_EVAL] = "SELECT " ENTRY_COLUMNS "FROM exercise_run_entries WHERE run_id = ?1 "
			    "AND kind IN ('observation', 'strength', 'improvement') ORDER BY id "
			    "LIMIT ?2",
	[ST_ENTRIES_COUNT] = "SELECT count(*) FROM exercise_run_entries WHERE run_id = ?1",
	/* attack review 4: the run's quotas (a player's entries: responses, logs in a role) */
	[ST_ENTRIES_COUNTS] = "SELECT count(*), coalesce(sum(kind = 'response' OR (kind = 'log' AND "
			      "role NOT IN ('', 'facilitator', 'evaluator'))), 0), "
			      "coalesce(sum(user_id = ?2 AND kind = 'response'), 0), "
			      "coalesce(sum(user_id = ?2 AND kind = 'log'), 0), "
			      "coalesce(sum(user_id = ?2 AND kind IN ('observation', 'strength', "
			      "'improvement')), 0) FROM exercise_run_entries WHERE run_id = ?1",
	/* attack review 4: a page of every kind, newest first */
	[ST_ENTRIES_BEFORE] = "SELECT " ENTRY_COLUMNS "FROM exercise_run_entries WHERE run_id = ?1 "
			      "AND id < ?2 ORDER BY id DESC LIMIT ?3",
	[ST_RATING_PUT] = "INSERT INTO exercise_run_ratings (run_id, target, final, rater, "
			  "user_id, user_name, rating, note, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
			  "?7, ?8, ?9) ON CONFLICT (run_id, target, final, rater) DO UPDATE SET "
			  "user_id = excluded.user_id, user_name = excluded.user_name, "
			  "rating = excluded.rating, note = excluded.note, at = excluded.at",
	[ST_RATINGS] = "SELECT run_id, target, final, user_id, user_name, rating, note, at FROM "
		       "exercise_run_ratings WHERE run_id = ?1 ORDER BY target, final, user_name",
	[ST_IMPROVEMENT_ADD] = "INSERT INTO exercise_run_improvements (run_id, capability, issue, "
			       "action, element, responsible, due, measure_id, risk_site, "
			       "risk_threat, user_id, user_name, at) VALUES (?1, ?2, ?3, ?4, ?5, "
			       "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[ST_IMPROVEMENTS] = "SELECT " IMPROVEMENT_COLUMNS "FROM exercise_run_improvements WHERE "
			    "run_id = ?1 ORDER BY id",
	[ST_RUN_ALERTS] = "SELECT count(*) FROM exercise_run_events WHERE run_id = ?1 AND "
			  "kind = 'alert'",
	[ST_RUN_OPEN_BY] = "SELECT count(*) FROM exercise_runs WHERE created_by = ?1 AND ended = 0",
};

static const struct pt_db_stmt_table stmts = {PT_DBM_EXERCISE, ST_COUNT, stmt_sql};

static enum pt_err nomem(struct pt_diag *d)
{
	return pt_diag_set(d, PT_ENOMEM, 0, "", "out of memory");
}

/* A copy of text column col (NULL: NULL when nullable, else ""), owned. */
static enum pt_err col_dup(sqlite3_stmt *st, int col, int nullable, char **out,
			   struct pt_diag *d)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	int len = sqlite3_column_bytes(st, col);
	*out = NULL;
	if (!s && nullable)
		return PT_OK;
	if (!(*out = malloc((size_t)(len > 0 ? len : 0) + 1)))
		return nomem(d);
	if (s && len > 0)
		memcpy(*out, s, (size_t)len);
	(*out)[len > 0 ? len : 0] = '\0';
	pt_utf8_repair(*out); /* a bad stored row reads as text, never fails a whole answer */
	return PT_OK;
}

/* pt_db_col_text, but a bad stored row (longer than buf, or bytes that are not
 * UTF-8) reads cut between characters and with '?' for the bad bytes, rather
 * than failing the whole run's answer. */
static enum pt_err col_text(sqlite3_stmt *st, int col, char *buf, size_t cap, struct pt_diag *d)
{
	enum pt_err err = pt_db_col_text(st, col, buf, cap, d);
	if (err == PT_ELIMIT) {
		pt_db_col_copy(st, col, buf, cap);
		pt_utf8_cut(buf);
		if (d)
			pt_diag_clear(d);
		err = PT_OK;
	}
	if (err == PT_OK)
		pt_utf8_repair(buf);
	return err;
}

/* Step st to DONE after bindings rc; on a UNIQUE or PRIMARY KEY failure PT_ECONFLICT with conflict. */
static enum pt_err step_insert(struct pt_db *db, sqlite3_stmt *st, int rc, const char *what,
			       const char *field, const char *conflict, struct pt_diag *d)
{
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return PT_OK;
		if ((rc & 0xff) == SQLITE_CONSTRAINT && conflict) {
			int x = sqlite3_extended_errcode(pt_db_sqlite(db));
			if (x == SQLITE_CONSTRAINT_PRIMARYKEY || x == SQLITE_CONSTRAINT_UNIQUE)
				return pt_diag_set(d, PT_ECONFLICT, 0, field, "%s", conflict);
		}
		return pt_db_fail(db, rc, d, what);
	}
	sqlite3_reset(st);
	return pt_db_fail(db, rc, d, what);
}

/* Rows of owned elements: fill each; on failure every filled row is released with clear. */
typedef void row_clear_fn(void *row);

static enum pt_err rows_owned(struct pt_db *db, sqlite3_stmt *st, size_t elem, pt_db_fill_fn *fill,
			      row_clear_fn *clear, void **out, size_t *n, const char *what,
			      struct pt_diag *d)
{
	void *items = NULL;
	size_t count = 0, cap = 0, i;
	enum pt_err err = PT_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		void *row;
		if ((err = pt_db_grow(&items, &cap, count, elem, PT_DB_RUN_ROWS_MAX,
				      "too many rows for one run", d)) != PT_OK)
			goto out;
		row = (char *)items + count * elem;
		memset(row, 0, elem);
		if ((err = fill(st, row, NULL, d)) != PT_OK) {
			if (clear)
				clear(row);
			goto out;
		}
		count++;
	}
	if (rc != SQLITE_DONE)
		err = pt_db_fail(db, rc, d, what);
out:
	sqlite3_reset(st);
	if (err != PT_OK) {
		for (i = 0; clear && i < count; i++)
			clear((char *)items + i * elem);
		free(items);
		items = NULL;
		count = 0;
	}
	*out = items;
	*n = count;
	return err;
}

/* ---- runs ---- */

void pt_db_run_clear(struct pt_db_run *r)
{
	if (!r)
		return;
	free(r->scenario_json);
	free(r->sim_json);
	r->scenario_json = r->sim_json = NULL;
	r->scenario_len = r->sim_len = 0;
}

/* The run's attack minute after shifts (migration 026), beside its row. */
static enum pt_err sim_start_save(struct pt_db *db, long long id, double sim_start_min,
				  struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_RUN_SIM_START, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 2, sim_start_min);
	return pt_db_step_done(db, st, rc, "saving a run", d);
}

enum pt_err pt_db_run_insert(struct pt_db *db, const struct pt_db_run *r, long long *id,
			     struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*id = 0;
	if (!r->scenario_json || r->scenario_len > INT32_MAX || r->sim_len > INT32_MAX ||
	    r->seed > (uint64_t)INT64_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "scenario", "a run needs its scenario file");
	if ((err = pt_db_prepare(db, &stmts, ST_RUN_INSERT, &st, d)) != PT_OK)
		return err;
	rc = pt_db_bind_field(st, 1, r->title, sizeof r->title);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 2, r->scenario_id, sizeof r->scenario_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 3, r->scenario_sha256, sizeof r->scenario_sha256);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 4, r->tlp, sizeof r->tlp);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, (sqlite3_int64)r->seed);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, r->owner_org_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 7, r->created_by);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 8, r->created_by_name, sizeof r->created_by_name);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 9, r->created_at);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 10, r->clock_state, sizeof r->clock_state);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 11, r->base_wall_ms);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 12, r->base_min);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 13, r->speed);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 14, r->now_min);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 15, r->next_sim_min);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 16, r->ended != 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 17, r->updated_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(st, 18, r->scenario_json, (int)r->scenario_len,
				       SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = r->sim_json ? sqlite3_bind_blob(st, 19, r->sim_json, (int)r->sim_len,
						     SQLITE_STATIC)
				 : sqlite3_bind_null(st, 19);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 20, r->end_min);
	if ((err = step_insert(db, st, rc, "storing a run", "run", NULL, d)) != PT_OK)
		return err;
	*id = pt_db_last_id(db);
	return sim_start_save(db, *id, r->sim_start_min, d);
}

/* A copy of blob column col into *out (NUL after it), or NULL for NULL. */
static enum pt_err col_blob(sqlite3_stmt *st, int col, char **out, size_t *len,
			    struct pt_diag *d)
{
	const void *b = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);
	*out = NULL;
	*len = 0;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return PT_OK;
	if (!(*out = malloc((size_t)(n > 0 ? n : 0) + 1)))
		return nomem(d);
	if (b && n > 0)
		memcpy(*out, b, (size_t)n);
	(*out)[n > 0 ? n : 0] = '\0';
	*len = (size_t)(n > 0 ? n : 0);
	return PT_OK;
}

static enum pt_err run_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_run *r = row;
	enum pt_err err;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	if ((err = col_text(st, 1, r->title, sizeof r->title, d)) != PT_OK ||
	    (err = col_text(st, 2, r->scenario_id, sizeof r->scenario_id, d)) != PT_OK ||
	    (err = col_text(st, 3, r->scenario_sha256, sizeof r->scenario_sha256, d)) !=
		    PT_OK ||
	    (err = col_text(st, 4, r->tlp, sizeof r->tlp, d)) != PT_OK ||
	    (err = col_text(st, 8, r->created_by_name, sizeof r->created_by_name, d)) !=
		    PT_OK ||
	    (err = col_text(st, 10, r->clock_state, sizeof r->clock_state, d)) != PT_OK)
		return err;
	r->seed = (uint64_t)sqlite3_column_int64(st, 5);
	r->owner_org_id = sqlite3_column_int64(st, 6);
	r->created_by = sqlite3_column_int64(st, 7);
	r->created_at = sqlite3_column_int64(st, 9);
	r->base_wall_ms = sqlite3_column_int64(st, 11);
	r->base_min = sqlite3_column_double(st, 12);
	r->speed = sqlite3_column_double(st, 13);
	r->now_min = sqlite3_column_double(st, 14);
	r->next_sim_min = sqlite3_column_double(st, 15);
	r->ended = sqlite3_column_int(st, 16);
	r->updated_at = sqlite3_column_int64(st, 17);
	r->end_min = sqlite3_column_double(st, 18);
	r->sim_start_min = sqlite3_column_double(st, 19);
	if (ctx) {
		if ((err = col_blob(st, RUN_FILES_COL, &r->scenario_json, &r->scenario_len, d)) !=
			    PT_OK ||
		    (err = col_blob(st, RUN_FILES_COL + 1, &r->sim_json, &r->sim_len, d)) != PT_OK) {
			pt_db_run_clear(r);
			return err;
		}
	}
	return PT_OK;
}

enum pt_err pt_db_run_get(struct pt_db *db, long long id, int with_files, struct pt_db_run *out,
			  struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	memset(out, 0, sizeof *out);
	if ((err = pt_db_prepare(db, &stmts, with_files ? ST_RUN_GET_FILES : ST_RUN_GET, &st, d)) !=
	    PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a run");
	}
	err = pt_db_row_one(db, st, run_row, out, with_files ? (void *)1 : NULL, "reading a run", d);
	if (err != PT_OK)
		pt_db_run_clear(out);
	return err;
}

enum pt_err pt_db_run_save(struct pt_db *db, const struct pt_db_run *r, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_RUN_SAVE, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, r->id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 2, r->title, sizeof r->title);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 3, r->tlp, sizeof r->tlp);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 4, r->clock_state, sizeof r->clock_state);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, r->base_wall_ms);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 6, r->base_min);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 7, r->speed);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 8, r->now_min);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 9, r->next_sim_min);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 10, r->ended != 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 11, r->updated_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 12, r->end_min);
	if ((err = pt_db_step_done(db, st, rc, "saving a run", d)) != PT_OK)
		return err;
	if (pt_db_changes(db) != 1)
		return pt_diag_set(d, PT_ENOTFOUND, 0, "run", "no run %lld", r->id);
	return sim_start_save(db, r->id, r->sim_start_min, d);
}

static enum pt_err run_row_plain(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	(void)ctx;
	return run_row(st, row, NULL, d);
}

enum pt_err pt_db_run_list(struct pt_db *db, size_t max, struct pt_db_run **out, size_t *n,
			   struct pt_diag *d)
{
	struct pt_db_rows rows = {.elem_size = sizeof **out, .max = max + 1,
				  .too_many = "too many runs", .fill = run_row_plain};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_RUN_LIST, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)(max > INT32_MAX ? INT32_MAX : max))) !=
	    SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "listing runs");
	}
	if ((err = pt_db_rows_read(db, st, &rows, "listing runs", d)) != PT_OK)
		return err;
	*out = rows.items;
	*n = rows.n;
	return PT_OK;
}

enum pt_err pt_db_run_running(struct pt_db *db, long long **ids, size_t *n, struct pt_diag *d)
{
	struct pt_db_rows rows = {.elem_size = sizeof **ids, .max = PT_DB_RUN_ROWS_MAX,
				  .too_many = "too many running runs", .fill = pt_db_id_row};
	sqlite3_stmt *st;
	enum pt_err err;
	*ids = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_RUN_RUNNING, &st, d)) != PT_OK ||
	    (err = pt_db_rows_read(db, st, &rows, "listing running runs", d)) != PT_OK)
		return err;
	*ids = rows.items;
	*n = rows.n;
	return PT_OK;
}

/* ---- members ---- */

enum pt_err pt_db_run_member_add(struct pt_db *db, const struct pt_db_run_member *m,
				 struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_MEMBER_ADD, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, m->run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, m->user_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 3, m->member, sizeof m->member);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 4, m->role, sizeof m->role);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 5, m->lead != 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, m->assigned_at);
	return step_insert(db, st, rc, "assigning a run member", "user",
			   "the user is assigned so already", d);
}

enum pt_err pt_db_run_member_remove(struct pt_db *db, long long run_id, long long user_id,
				    const char *role, long long *removed, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*removed = 0;
	if ((err = pt_db_prepare(db, &stmts, role ? ST_MEMBER_REMOVE_ROLE : ST_MEMBER_REMOVE, &st,
				 d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, user_id);
	if (rc == SQLITE_OK && role)
		rc = pt_db_bind_text(st, 3, role);
	if ((err = pt_db_step_done(db, st, rc, "unassigning a run member", d)) != PT_OK)
		return err;
	*removed = pt_db_changes(db);
	return PT_OK;
}

static enum pt_err member_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_run_member *m = row;
	enum pt_err err;
	(void)ctx;
	m->run_id = sqlite3_column_int64(st, 0);
	m->user_id = sqlite3_column_int64(st, 1);
	if ((err = col_text(st, 2, m->member, sizeof m->member, d)) != PT_OK ||
	    (err = col_text(st, 3, m->role, sizeof m->role, d)) != PT_OK ||
	    (err = col_text(st, 6, m->user_name, sizeof m->user_name, d)) != PT_OK ||
	    (err = col_text(st, 7, m->user_role, sizeof m->user_role, d)) != PT_OK ||
	    (err = col_text(st, 9, m->org_name, sizeof m->org_name, d)) != PT_OK)
		return err;
	m->lead = sqlite3_column_int(st, 4);
	m->assigned_at = sqlite3_column_int64(st, 5);
	m->org_id = sqlite3_column_int64(st, 8);
	return PT_OK;
}

/* Read statement id bound to run_id (?1) into plain rows of elem bytes. */
static enum pt_err read_plain(struct pt_db *db, int id, long long run_id, size_t elem,
			      pt_db_fill_fn *fill, void **out, size_t *n, const char *what,
			      struct pt_diag *d)
{
	struct pt_db_rows rows = {.elem_size = elem, .max = PT_DB_RUN_ROWS_MAX,
				  .too_many = "too many rows for one run", .fill = fill};
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, id, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, run_id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, what);
	}
	if ((err = pt_db_rows_read(db, st, &rows, what, d)) != PT_OK)
		return err;
	*out = rows.items;
	*n = rows.n;
	return PT_OK;
}

enum pt_err pt_db_run_members(struct pt_db *db, long long run_id, struct pt_db_run_member **out,
			      size_t *n, struct pt_diag *d)
{
	return read_plain(db, ST_MEMBERS, run_id, sizeof **out, member_row, (void **)out, n,
			  "reading a run's members", d);
}

/* ---- inject states ---- */

enum pt_err pt_db_run_injects_put(struct pt_db *db, long long run_id,
				  const struct pt_db_run_inject *rows, size_t n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	size_t i;
	for (i = 0; i < n; i++) {
		const struct pt_db_run_inject *r = &rows[i];
		int rc;
		if ((err = pt_db_prepare(db, &stmts, ST_INJECT_PUT, &st, d)) != PT_OK)
			return err;
		rc = sqlite3_bind_int64(st, 1, run_id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)r->seq);
		if (rc == SQLITE_OK)
			rc = pt_db_bind_field(st, 3, r->status, sizeof r->status);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 4, r->due_min);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 5, r->deadline_min);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 6, r->delivered_min);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_double(st, 7, r->done_min);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 8, r->done_by);
		if ((err = pt_db_step_done(db, st, rc, "saving a run's injects", d)) != PT_OK)
			return err;
	}
	return PT_OK;
}

static enum pt_err inject_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_run_inject *r = row;
	(void)ctx;
	r->seq = (uint32_t)sqlite3_column_int64(st, 0);
	r->due_min = sqlite3_column_double(st, 2);
	r->deadline_min = sqlite3_column_double(st, 3);
	r->delivered_min = sqlite3_column_double(st, 4);
	r->done_min = sqlite3_column_double(st, 5);
	r->done_by = sqlite3_column_int64(st, 6);
	return col_text(st, 1, r->status, sizeof r->status, d);
}

enum pt_err pt_db_run_injects(struct pt_db *db, long long run_id, struct pt_db_run_inject **out,
			      size_t *n, struct pt_diag *d)
{
	return read_plain(db, ST_INJECTS, run_id, sizeof **out, inject_row, (void **)out, n,
			  "reading a run's injects", d);
}

enum pt_err pt_db_run_next_due(struct pt_db *db, long long run_id, double *due_min, int *any,
			       struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*due_min = 0;
	*any = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_NEXT_DUE, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, run_id)) == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
				*any = 1;
				*due_min = sqlite3_column_double(st, 0);
			}
			rc = SQLITE_DONE;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PT_OK : pt_db_fail(db, rc, d, "reading a run's injects");
}

/* ---- decisions ---- */

enum pt_err pt_db_run_decision_add(struct pt_db *db, const struct pt_db_run_decision *m,
				   struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_DECISION_ADD, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, m->run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, m->n);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 3, m->decision, sizeof m->decision);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 4, m->t_min);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 5, m->value, sizeof m->value);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 6, m->role, sizeof m->role);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 7, m->user_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 8, m->user_name, sizeof m->user_name);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 9, m->made_at);
	return step_insert(db, st, rc, "storing a decision", "decision",
			   "the run changed meanwhile: try again", d);
}

static enum pt_err decision_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_run_decision *m = row;
	enum pt_err err;
	(void)ctx;
	m->run_id = sqlite3_column_int64(st, 0);
	m->n = sqlite3_column_int64(st, 1);
	m->t_min = sqlite3_column_double(st, 3);
	m->user_id = sqlite3_column_int64(st, 6);
	m->made_at = sqlite3_column_int64(st, 8);
	if ((err = col_text(st, 2, m->decision, sizeof m->decision, d)) != PT_OK ||
	    (err = col_text(st, 4, m->value, sizeof m->value, d)) != PT_OK ||
	    (err = col_text(st, 5, m->role, sizeof m->role, d)) != PT_OK)
		return err;
	return col_text(st, 7, m->user_name, sizeof m->user_name, d);
}

enum pt_err pt_db_run_decisions(struct pt_db *db, long long run_id,
				struct pt_db_run_decision **out, size_t *n, struct pt_diag *d)
{
	return read_plain(db, ST_DECISIONS, run_id, sizeof **out, decision_row, (void **)out, n,
			  "reading a run's decisions", d);
}

/* ---- events ---- */

void pt_db_run_event_clear(struct pt_db_run_event *e)
{
	if (!e)
		return;
	free(e->text);
	free(e->detail);
	e->text = e->detail = NULL;
}

static void event_clear(void *row)
{
	pt_db_run_event_clear(row);
}

void pt_db_run_events_free(struct pt_db_run_event *events, size_t n)
{
	for (size_t i = 0; events && i < n; i++)
		pt_db_run_event_clear(&events[i]);
	free(events);
}

enum pt_err pt_db_run_event_add(struct pt_db *db, const struct pt_db_run_event *e, long long *id,
				struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (id)
		*id = 0;
	if (e->roles > (unsigned long long)INT64_MAX)
		return pt_diag_set(d, PT_EINVAL, 0, "roles", "roles out of range");
	if ((err = pt_db_prepare(db, &stmts, ST_EVENT_ADD, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, e->run_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 2, e->kind, sizeof e->kind);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 3, e->t_min);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, e->at_ms);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, e->seq);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, e->made);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 7, e->n_made);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 8, e->value);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 9, e->audience, sizeof e->audience);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 10, (sqlite3_int64)e->roles);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 11, e->type, sizeof e->type);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 12, e->sender, sizeof e->sender);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 13, e->text);
	if (rc == SQLITE_OK)
		rc = e->detail ? pt_db_bind_text(st, 14, e->detail) : sqlite3_bind_null(st, 14);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 15, e->answers);
	if ((err = step_insert(db, st, rc, "storing a run event", "event",
			       "the simulated figures of this rerun are stored already", d)) !=
	    PT_OK)
		return err;
	if (id)
		*id = pt_db_last_id(db);
	return PT_OK;
}

static enum pt_err event_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_run_event *e = row;
	enum pt_err err;
	(void)ctx;
	e->id = sqlite3_column_int64(st, 0);
	e->run_id = sqlite3_column_int64(st, 1);
	e->t_min = sqlite3_column_double(st, 3);
	e->at_ms = sqlite3_column_int64(st, 4);
	e->seq = sqlite3_column_int64(st, 5);
	e->made = sqlite3_column_int64(st, 6);
	e->n_made = sqlite3_column_int64(st, 7);
	e->value = sqlite3_column_double(st, 8);
	e->roles = (unsigned long long)sqlite3_column_int64(st, 10);
	e->answers = sqlite3_column_int64(st, 15);
	if ((err = col_text(st, 2, e->kind, sizeof e->kind, d)) != PT_OK ||
	    (err = col_text(st, 9, e->audience, sizeof e->audience, d)) != PT_OK ||
	    (err = col_text(st, 11, e->type, sizeof e->type, d)) != PT_OK ||
	    (err = col_text(st, 12, e->sender, sizeof e->sender, d)) != PT_OK ||
	    (err = col_dup(st, 13, 0, &e->text, d)) != PT_OK ||
	    (err = col_dup(st, 14, 1, &e->detail, d)) != PT_OK) {
		pt_db_run_event_clear(e);
		return err;
	}
	return PT_OK;
}

enum pt_err pt_db_run_events(struct pt_db *db, long long run_id, long long after, size_t max,
			     struct pt_db_run_event **out, size_t *n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_EVENTS, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, after);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, (sqlite3_int64)(max > PT_DB_RUN_ROWS_MAX
								? PT_DB_RUN_ROWS_MAX
								: max));
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a run's events");
	}
	return rows_owned(db, st, sizeof **out, event_row, event_clear, (void **)out, n,
			  "reading a run's events", d);
}

static void inject_text_clear(void *row)
{
	struct pt_db_run_inject_text *t = row;
	free(t->text);
	t->text = NULL;
}

static enum pt_err inject_text_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_run_inject_text *t = row;
	(void)ctx;
	t->seq = (uint32_t)sqlite3_column_int64(st, 0);
	return col_dup(st, 1, 0, &t->text, d);
}

void pt_db_run_inject_texts_free(struct pt_db_run_inject_text *texts, size_t n)
{
	for (size_t i = 0; texts && i < n; i++)
		free(texts[i].text);
	free(texts);
}

enum pt_err pt_db_run_inject_texts(struct pt_db *db, long long run_id,
				   struct pt_db_run_inject_text **out, size_t *n,
				   struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_INJECT_TEXTS, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, run_id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a run's inject texts");
	}
	return rows_owned(db, st, sizeof **out, inject_text_row, inject_text_clear, (void **)out,
			  n, "reading a run's inject texts", d);
}

enum pt_err pt_db_run_event_get(struct pt_db *db, long long id, struct pt_db_run_event *out,
				struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	memset(out, 0, sizeof *out);
	if ((err = pt_db_prepare(db, &stmts, ST_EVENT_GET, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a run event");
	}
	return pt_db_row_one(db, st, event_row, out, NULL, "reading a run event", d);
}

/* The first column of statement id's first row with ?1 bound to key, into *out (0: no row). */
static enum pt_err query_id(struct pt_db *db, int id, long long key, long long *out,
			    const char *what, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = 0;
	if ((err = pt_db_prepare(db, &stmts, id, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, key)) == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_DONE;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PT_OK : pt_db_fail(db, rc, d, what);
}

enum pt_err pt_db_run_event_last(struct pt_db *db, long long run_id, long long *id,
				 struct pt_diag *d)
{
	return query_id(db, ST_EVENT_LAST, run_id, id, "reading a run's events", d);
}

enum pt_err pt_db_run_suspended(struct pt_db *db, long long run_id, long long *id,
				struct pt_diag *d)
{
	return query_id(db, ST_EVENT_SUSPENDED, run_id, id, "reading a run's events", d);
}

enum pt_err pt_db_run_event_last_sim(struct pt_db *db, long long run_id, long long *id,
				     struct pt_diag *d)
{
	return query_id(db, ST_EVENT_LAST_SIM, run_id, id, "reading a run's events", d);
}

int pt_db_run_event_answered(struct pt_db *db, long long sim_due, struct pt_diag *d)
{
	long long v;
	if (query_id(db, ST_EVENT_ANSWERED, sim_due, &v, "reading a run's events", d) != PT_OK)
		return -1;
	return v != 0;
}

/* ---- entries ---- */

static void entry_clear(void *row)
{
	struct pt_db_run_entry *e = row;
	free(e->text);
	e->text = NULL;
}

void pt_db_run_entries_free(struct pt_db_run_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++)
		entry_clear(&e[i]);
	free(e);
}

enum pt_err pt_db_run_entry_add(struct pt_db *db, const struct pt_db_run_entry *e, long long *id,
				struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (id)
		*id = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_ENTRY_ADD, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, e->run_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 2, e->kind, sizeof e->kind);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, e->seq);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 4, e->role, sizeof e->role);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, e->user_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 6, e->user_name, sizeof e->user_name);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 7, e->agency, sizeof e->agency);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 8, e->capability);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 9, e->target, sizeof e->target);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_double(st, 10, e->t_min);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 11, e->at);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 12, e->text);
	if ((err = step_insert(db, st, rc, "storing a run entry", "text", NULL, d)) != PT_OK)
		return err;
	if (id)
		*id = pt_db_last_id(db);
	return PT_OK;
}

static enum pt_err entry_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_run_entry *e = row;
	enum pt_err err;
	(void)ctx;
	e->id = sqlite3_column_int64(st, 0);
	e->run_id = sqlite3_column_int64(st, 1);
	e->seq = sqlite3_column_int64(st, 3);
	e->user_id = sqlite3_column_int64(st, 5);
	e->capability = sqlite3_column_int(st, 8);
	e->t_min = sqlite3_column_double(st, 10);
	e->at = sqlite3_column_int64(st, 11);
	if ((err = col_text(st, 2, e->kind, sizeof e->kind, d)) != PT_OK ||
	    (err = col_text(st, 4, e->role, sizeof e->role, d)) != PT_OK ||
	    (err = col_text(st, 6, e->user_name, sizeof e->user_name, d)) != PT_OK ||
	    (err = col_text(st, 7, e->agency, sizeof e->agency, d)) != PT_OK ||
	    (err = col_text(st, 9, e->target, sizeof e->target, d)) != PT_OK)
		return err;
	return col_dup(st, 12, 0, &e->text, d);
}

enum pt_err pt_db_run_entries(struct pt_db *db, long long run_id, const char *kind,
			      struct pt_db_run_entry **out, size_t *n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, kind ? ST_ENTRIES_KIND : ST_ENTRIES_EVAL, &st, d)) !=
	    PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, run_id);
	if (rc == SQLITE_OK && kind)
		rc = pt_db_bind_text(st, 2, kind);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, kind ? 3 : 2, PT_DB_RUN_ROWS_MAX);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a run's entries");
	}
	return rows_owned(db, st, sizeof **out, entry_row, entry_clear, (void **)out, n,
			  "reading a run's entries", d);
}

enum pt_err pt_db_run_entries_count(struct pt_db *db, long long run_id, long long *n,
				    struct pt_diag *d)
{
	return query_id(db, ST_ENTRIES_COUNT, run_id, n, "counting a run's entries", d);
}

enum pt_err pt_db_run_alerts_count(struct pt_db *db, long long run_id, long long *n,
				    struct pt_diag *d)
{
	return query_id(db, ST_RUN_ALERTS, run_id, n, "counting a run's exercise alerts", d);
}

enum pt_err pt_db_run_open_count(struct pt_db *db, long long user_id, long long *n,
				 struct pt_diag *d)
{
	return query_id(db, ST_RUN_OPEN_BY, user_id, n, "counting a user's runs not ended", d);
}

enum pt_err pt_db_run_entry_counts(struct pt_db *db, long long run_id, long long user_id,
				   struct pt_db_run_entry_counts *out, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	memset(out, 0, sizeof *out);
	if ((err = pt_db_prepare(db, &stmts, ST_ENTRIES_COUNTS, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, user_id);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->all = sqlite3_column_int64(st, 0);
		out->players = sqlite3_column_int64(st, 1);
		out->user_responses = sqlite3_column_int64(st, 2);
		out->user_log = sqlite3_column_int64(st, 3);
		out->user_observations = sqlite3_column_int64(st, 4);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PT_OK : pt_db_fail(db, rc, d, "counting a run's entries");
}

enum pt_err pt_db_run_entries_before(struct pt_db *db, long long run_id, long long before,
				     size_t max, struct pt_db_run_entry **out, size_t *n,
				     struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = NULL;
	*n = 0;
	if (max > PT_DB_RUN_ROWS_MAX)
		max = PT_DB_RUN_ROWS_MAX;
	if ((err = pt_db_prepare(db, &stmts, ST_ENTRIES_BEFORE, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, before > 0 ? before : INT64_MAX);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	if (rc != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a run's entries");
	}
	return rows_owned(db, st, sizeof **out, entry_row, entry_clear, (void **)out, n,
			  "reading a run's entries", d);
}

/* ---- ratings ---- */

static void rating_clear(void *row)
{
	struct pt_db_run_rating *r = row;
	free(r->note);
	r->note = NULL;
}

void pt_db_run_ratings_free(struct pt_db_run_rating *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++)
		rating_clear(&r[i]);
	free(r);
}

enum pt_err pt_db_run_rating_put(struct pt_db *db, const struct pt_db_run_rating *r,
				 struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if ((err = pt_db_prepare(db, &stmts, ST_RATING_PUT, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, r->run_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 2, r->target, sizeof r->target);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 3, r->final != 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, r->final ? 0 : r->user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, r->user_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 6, r->user_name, sizeof r->user_name);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 7, r->rating, sizeof r->rating);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 8, r->note);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 9, r->at);
	return pt_db_step_done(db, st, rc, "storing a rating", d);
}

static enum pt_err rating_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_run_rating *r = row;
	enum pt_err err;
	(void)ctx;
	r->run_id = sqlite3_column_int64(st, 0);
	r->final = sqlite3_column_int(st, 2);
	r->user_id = sqlite3_column_int64(st, 3);
	r->at = sqlite3_column_int64(st, 7);
	if ((err = col_text(st, 1, r->target, sizeof r->target, d)) != PT_OK ||
	    (err = col_text(st, 4, r->user_name, sizeof r->user_name, d)) != PT_OK ||
	    (err = col_text(st, 5, r->rating, sizeof r->rating, d)) != PT_OK)
		return err;
	return col_dup(st, 6, 0, &r->note, d);
}

enum pt_err pt_db_run_ratings(struct pt_db *db, long long run_id, struct pt_db_run_rating **out,
			      size_t *n, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_RATINGS, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, run_id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a run's ratings");
	}
	return rows_owned(db, st, sizeof **out, rating_row, rating_clear, (void **)out, n,
			  "reading a run's ratings", d);
}

/* ---- improvement items ---- */

static void improvement_clear(void *row)
{
	struct pt_db_run_improvement *it = row;
	free(it->issue);
	free(it->action);
	it->issue = it->action = NULL;
}

void pt_db_run_improvements_free(struct pt_db_run_improvement *i, size_t n)
{
	for (size_t k = 0; i && k < n; k++)
		improvement_clear(&i[k]);
	free(i);
}

enum pt_err pt_db_run_improvement_add(struct pt_db *db, const struct pt_db_run_improvement *it,
				      long long *id, struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	if (id)
		*id = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_IMPROVEMENT_ADD, &st, d)) != PT_OK)
		return err;
	rc = sqlite3_bind_int64(st, 1, it->run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, it->capability);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 3, it->issue);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_text(st, 4, it->action);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 5, it->element, sizeof it->element);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 6, it->responsible, sizeof it->responsible);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 7, it->due, sizeof it->due);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 8, it->measure_id, sizeof it->measure_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 9, it->risk_site, sizeof it->risk_site);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 10, it->risk_threat, sizeof it->risk_threat);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 11, it->user_id);
	if (rc == SQLITE_OK)
		rc = pt_db_bind_field(st, 12, it->user_name, sizeof it->user_name);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 13, it->at);
	if ((err = step_insert(db, st, rc, "storing an improvement item", "issue", NULL, d)) !=
	    PT_OK)
		return err;
	if (id)
		*id = pt_db_last_id(db);
	return PT_OK;
}

static enum pt_err improvement_row(sqlite3_stmt *st, void *row, void *ctx, struct pt_diag *d)
{
	struct pt_db_run_improvement *it = row;
	enum pt_err err;
	(void)ctx;
	it->id = sqlite3_column_int64(st, 0);
	it->run_id = sqlite3_column_int64(st, 1);
	it->capability = sqlite3_column_int(st, 2);
	it->user_id = sqlite3_column_int64(st, 11);
	it->at = sqlite3_column_int64(st, 13);
	if ((err = col_text(st, 5, it->element, sizeof it->element, d)) != PT_OK ||
	    (err = col_text(st, 6, it->responsible, sizeof it->responsible, d)) != PT_OK ||
	    (err = col_text(st, 7, it->due, sizeof it->due, d)) != PT_OK ||
	    (err = col_text(st, 8, it->measure_id, sizeof it->measure_id, d)) != PT_OK ||
	    (err = col_text(st, 9, it->risk_site, sizeof it->risk_site, d)) != PT_OK ||
	    (err = col_text(st, 10, it->risk_threat, sizeof it->risk_threat, d)) != PT_OK ||
	    (err = col_text(st, 12, it->user_name, sizeof it->user_name, d)) != PT_OK)
		return err;
	if ((err = col_dup(st, 3, 0, &it->issue, d)) != PT_OK)
		return err;
	return col_dup(st, 4, 0, &it->action, d);
}

enum pt_err pt_db_run_improvements(struct pt_db *db, long long run_id,
				   struct pt_db_run_improvement **out, size_t *n,
				   struct pt_diag *d)
{
	sqlite3_stmt *st;
	enum pt_err err;
	int rc;
	*out = NULL;
	*n = 0;
	if ((err = pt_db_prepare(db, &stmts, ST_IMPROVEMENTS, &st, d)) != PT_OK)
		return err;
	if ((rc = sqlite3_bind_int64(st, 1, run_id)) != SQLITE_OK) {
		sqlite3_reset(st);
		return pt_db_fail(db, rc, d, "reading a run's improvement plan");
	}
	return rows_owned(db, st, sizeof **out, improvement_row, improvement_clear, (void **)out, n,
			  "reading a run's improvement plan", d);
}
