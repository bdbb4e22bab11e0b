-- 024_exercise_runs.sql - issue 15: live exercise runs (docs/exercises.md,
-- "Live runs"; docs/internals/store.md, "exercise runs"). A run keeps copies
-- of its exercise scenario and simulation files, so it never depends on data/
-- again; the engine's state (the clock, each inject's state, the decisions
-- made, how far it has advanced, the next periodic rerun, ENDEX) is saved
-- (next_sim_min -1: no rerun; end_min: when ENDEX comes, moved by shifts)
-- after every change, so a restart restores the run exactly.
--
-- Times: *_min are scenario minutes (REAL, as the engine keeps them);
-- base_wall_ms and at_ms wall unix milliseconds; created_at, at wall unix
-- seconds. User ids 0 are the system administrator (the command line).
--
-- The runs' tables do not move the data version (migration 006): it tells
-- the server's caches that the registry (sites, rankings, plans) changed,
-- and a running run stores events every few seconds.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version
-- is below 24, and written to run again unchanged (IF NOT EXISTS).

CREATE TABLE IF NOT EXISTS exercise_runs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 199),
	scenario_id TEXT NOT NULL CHECK (length(scenario_id) BETWEEN 1 AND 63),
	scenario_json BLOB NOT NULL CHECK (length(scenario_json) BETWEEN 2 AND 4194304),
	sim_json BLOB CHECK (sim_json IS NULL OR length(sim_json) BETWEEN 2 AND 4194304),
	scenario_sha256 TEXT NOT NULL CHECK (length(scenario_sha256) = 64),
	tlp TEXT NOT NULL REFERENCES tlp_labels (name),
	seed INTEGER NOT NULL CHECK (seed >= 0),
	owner_org_id INTEGER NOT NULL CHECK (owner_org_id >= 0),
	created_by INTEGER NOT NULL CHECK (created_by >= 0),
	created_by_name TEXT NOT NULL CHECK (length(created_by_name) BETWEEN 1 AND 63),
	created_at INTEGER NOT NULL,
	clock_state TEXT NOT NULL CHECK (clock_state IN ('ready', 'running', 'paused', 'ended')),
	base_wall_ms INTEGER NOT NULL,
	base_min REAL NOT NULL,
	speed REAL NOT NULL CHECK (speed > 0),
	now_min REAL NOT NULL CHECK (now_min >= 0),
	next_sim_min REAL NOT NULL,
	end_min REAL NOT NULL,
	ended INTEGER NOT NULL CHECK (ended IN (0, 1)),
	updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS exercise_runs_state ON exercise_runs (clock_state);

-- The copies are final: a run plays the scenario it was created with.
CREATE TRIGGER IF NOT EXISTS exercise_runs_files_final BEFORE UPDATE ON exercise_runs
WHEN NEW.scenario_json IS NOT OLD.scenario_json OR NEW.sim_json IS NOT OLD.sim_json
	OR NEW.scenario_sha256 IS NOT OLD.scenario_sha256 OR NEW.seed IS NOT OLD.seed
	OR NEW.created_by IS NOT OLD.created_by OR NEW.owner_org_id IS NOT OLD.owner_org_id
BEGIN SELECT RAISE(ABORT, 'a run''s scenario, seed and owner are final'); END;
-- ENDEX is final.
CREATE TRIGGER IF NOT EXISTS exercise_runs_ended_final BEFORE UPDATE ON exercise_runs
WHEN OLD.clock_state = 'ended' AND NEW.clock_state <> 'ended'
BEGIN SELECT RAISE(ABORT, 'a run ended by ENDEX does not start again'); END;

-- Who takes part: one row per part (a player: per exercise role).
CREATE TABLE IF NOT EXISTS exercise_run_members (
	run_id INTEGER NOT NULL REFERENCES exercise_runs (id),
	user_id INTEGER NOT NULL CHECK (user_id > 0),
	member TEXT NOT NULL CHECK (member IN ('player', 'evaluator', 'facilitator')),
	role TEXT NOT NULL DEFAULT '' CHECK (length(role) <= 63
		AND (member = 'player') = (length(role) > 0)),
	lead INTEGER NOT NULL DEFAULT 0 CHECK (lead IN (0, 1)),
	assigned_at INTEGER NOT NULL,
	PRIMARY KEY (run_id, user_id, role)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS exercise_run_members_user ON exercise_run_members (user_id);

-- The engine's state of each scenario inject (struct pt_ex_run_inject), by seq.
-- done_by: -1 the facilitator marked it (or not done), else the index of the decision made.
CREATE TABLE IF NOT EXISTS exercise_run_injects (
	run_id INTEGER NOT NULL REFERENCES exercise_runs (id),
	seq INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 999999),
	status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'skipped', 'cancelled')),
	due_min REAL NOT NULL,
	deadline_min REAL NOT NULL,
	delivered_min REAL NOT NULL,
	done_min REAL NOT NULL,
	done_by INTEGER NOT NULL CHECK (done_by >= -1),
	PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- The decisions made, in order (n: the engine's index into made[]). Append-only.
CREATE TABLE IF NOT EXISTS exercise_run_decisions (
	run_id INTEGER NOT NULL REFERENCES exercise_runs (id),
	n INTEGER NOT NULL CHECK (n >= 0),
	decision TEXT NOT NULL CHECK (length(decision) BETWEEN 1 AND 63),
	t_min REAL NOT NULL,
	value TEXT NOT NULL CHECK (length(value) <= 63),
	role TEXT NOT NULL CHECK (length(role) BETWEEN 1 AND 63),
	user_id INTEGER NOT NULL CHECK (user_id >= 0),
	user_name TEXT NOT NULL CHECK (length(user_name) BETWEEN 1 AND 63),
	made_at INTEGER NOT NULL,
	PRIMARY KEY (run_id, n)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS exercise_run_decisions_final BEFORE UPDATE ON exercise_run_decisions
BEGIN SELECT RAISE(ABORT, 'a decision made is final'); END;
CREATE TRIGGER IF NOT EXISTS exercise_run_decisions_kept BEFORE DELETE ON exercise_run_decisions
BEGIN SELECT RAISE(ABORT, 'a decision made is final'); END;

-- Everything a run emitted, in order: id is the Server-Sent Events id (never
-- reused: AUTOINCREMENT). audience: who may see it; roles: bit i = the
-- scenario's role i (audience 'roles'). answers: for a 'sim' event, the
-- SIM_DUE event whose figures it carries (once). Append-only.
CREATE TABLE IF NOT EXISTS exercise_run_events (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	run_id INTEGER NOT NULL REFERENCES exercise_runs (id),
	kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 15),
	t_min REAL NOT NULL,
	at_ms INTEGER NOT NULL,
	seq INTEGER NOT NULL DEFAULT 0,
	made INTEGER NOT NULL DEFAULT -1,
	n_made INTEGER NOT NULL DEFAULT 0 CHECK (n_made >= 0),
	value REAL NOT NULL DEFAULT 0,
	audience TEXT NOT NULL CHECK (audience IN ('all', 'facilitators', 'evaluators', 'roles')),
	roles INTEGER NOT NULL DEFAULT 0 CHECK (roles >= 0),
	type TEXT NOT NULL DEFAULT '' CHECK (length(type) <= 31),
	sender TEXT NOT NULL DEFAULT '' CHECK (length(sender) <= 199),
	text TEXT NOT NULL DEFAULT '' CHECK (length(text) <= 65536),
	detail TEXT CHECK (detail IS NULL OR length(detail) <= 4194304),
	answers INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS exercise_run_events_run ON exercise_run_events (run_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS exercise_run_events_answers ON exercise_run_events (answers)
	WHERE answers > 0;
CREATE TRIGGER IF NOT EXISTS exercise_run_events_final BEFORE UPDATE ON exercise_run_events
BEGIN SELECT RAISE(ABORT, 'run events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS exercise_run_events_kept BEFORE DELETE ON exercise_run_events
BEGIN SELECT RAISE(ABORT, 'run events are append-only'); END;

-- What participants write: responses to injects, ICS 214 activity log
-- entries, evaluators' observations (kind observation, strength, improvement).
-- role: the player's role (response) or ICS position (log); agency: the
-- user's organisation (ICS 214 "home agency"); capability: a FEMA core
-- capability index or -1; target: a capability target id or ''.
CREATE TABLE IF NOT EXISTS exercise_run_entries (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	run_id INTEGER NOT NULL REFERENCES exercise_runs (id),
	kind TEXT NOT NULL CHECK (kind IN ('response', 'log', 'observation', 'strength',
					   'improvement')),
	seq INTEGER NOT NULL DEFAULT 0,
	role TEXT NOT NULL DEFAULT '' CHECK (length(role) <= 63),
	user_id INTEGER NOT NULL CHECK (user_id >= 0),
	user_name TEXT NOT NULL CHECK (length(user_name) BETWEEN 1 AND 63),
	agency TEXT NOT NULL DEFAULT '' CHECK (length(agency) <= 63),
	capability INTEGER NOT NULL DEFAULT -1 CHECK (capability >= -1),
	target TEXT NOT NULL DEFAULT '' CHECK (length(target) <= 63),
	t_min REAL NOT NULL,
	at INTEGER NOT NULL,
	text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 3999)
);
CREATE INDEX IF NOT EXISTS exercise_run_entries_run ON exercise_run_entries (run_id, kind, id);
CREATE TRIGGER IF NOT EXISTS exercise_run_entries_final BEFORE UPDATE ON exercise_run_entries
BEGIN SELECT RAISE(ABORT, 'run entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS exercise_run_entries_kept BEFORE DELETE ON exercise_run_entries
BEGIN SELECT RAISE(ABORT, 'run entries are append-only'); END;

-- Ratings of capability targets (HSEEP P, S, M, U): one per evaluator and
-- target (rater = its user id), and the facilitator's final one (final 1,
-- rater 0, user_id who gave it). A new rating replaces the rater's earlier one.
CREATE TABLE IF NOT EXISTS exercise_run_ratings (
	run_id INTEGER NOT NULL REFERENCES exercise_runs (id),
	target TEXT NOT NULL CHECK (length(target) BETWEEN 1 AND 63),
	final INTEGER NOT NULL CHECK (final IN (0, 1)),
	rater INTEGER NOT NULL CHECK (rater >= 0 AND (final = 0 OR rater = 0)),
	user_id INTEGER NOT NULL CHECK (user_id >= 0),
	user_name TEXT NOT NULL CHECK (length(user_name) BETWEEN 1 AND 63),
	rating TEXT NOT NULL CHECK (rating IN ('P', 'S', 'M', 'U')),
	note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 3999),
	at INTEGER NOT NULL,
	PRIMARY KEY (run_id, target, final, rater)
) WITHOUT ROWID;

-- The improvement plan: issue, corrective action, capability element,
-- responsible organisation, due date; a link to a catalogue measure or a
-- register entry (site, threat) kept on the item.
CREATE TABLE IF NOT EXISTS exercise_run_improvements (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	run_id INTEGER NOT NULL REFERENCES exercise_runs (id),
	capability INTEGER NOT NULL DEFAULT -1 CHECK (capability >= -1),
	issue TEXT NOT NULL CHECK (length(issue) BETWEEN 1 AND 3999),
	action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 3999),
	element TEXT NOT NULL CHECK (element IN ('planning', 'organisation', 'equipment',
						 'training', 'exercise')),
	responsible TEXT NOT NULL CHECK (length(responsible) BETWEEN 1 AND 63),
	due TEXT NOT NULL DEFAULT '' CHECK (due = '' OR due GLOB
		'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	measure_id TEXT NOT NULL DEFAULT '' CHECK (length(measure_id) <= 63),
	risk_site TEXT NOT NULL DEFAULT '' CHECK (length(risk_site) <= 63),
	risk_threat TEXT NOT NULL DEFAULT '' CHECK (length(risk_threat) <= 63),
	user_id INTEGER NOT NULL CHECK (user_id >= 0),
	user_name TEXT NOT NULL CHECK (length(user_name) BETWEEN 1 AND 63),
	at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS exercise_run_improvements_run ON exercise_run_improvements (run_id, id);

PRAGMA user_version = 24;
