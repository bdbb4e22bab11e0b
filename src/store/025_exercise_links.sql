-- 025_exercise_links.sql - issue 15: the improvement plan of an exercise run
-- turned into work on the registry (docs/exercises.md, "After-action report";
-- docs/internals/store.md, "exercise runs"). An improvement item becomes a
-- measure at a site (kind 'measure': site_id, measure_id; a measure of the
-- site's, whatever its state: the item's status follows it) or a note on a
-- register risk (kind 'register': site_id, threat_id; the note itself is in
-- risk_register and its history). One link of each kind per item; and the
-- status the facilitators give an item, with its history. The other
-- direction: the site's measure view and the register's note name the run
-- and the item ("from exercise run N, item M").
--
-- No foreign key to sites: a link outlives a removed site (the report then
-- says the measure is gone). Append-only, like the run's other records.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version
-- is below 25, and written to run again unchanged (IF NOT EXISTS).

CREATE TABLE IF NOT EXISTS exercise_improvement_links (
	run_id INTEGER NOT NULL REFERENCES exercise_runs (id),
	item_id INTEGER NOT NULL REFERENCES exercise_run_improvements (id),
	kind TEXT NOT NULL CHECK (kind IN ('measure', 'register')),
	site_id TEXT NOT NULL CHECK (length(site_id) BETWEEN 1 AND 63),
	measure_id TEXT NOT NULL DEFAULT '' CHECK (length(measure_id) <= 63
		AND (kind = 'measure') = (length(measure_id) > 0)),
	threat_id TEXT NOT NULL DEFAULT '' CHECK (length(threat_id) <= 63
		AND (kind = 'register') = (length(threat_id) > 0)),
	user_id INTEGER NOT NULL CHECK (user_id >= 0),
	user_name TEXT NOT NULL CHECK (length(user_name) BETWEEN 1 AND 63),
	at INTEGER NOT NULL,
	PRIMARY KEY (run_id, item_id, kind)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS exercise_improvement_links_site
	ON exercise_improvement_links (site_id, measure_id);
CREATE TRIGGER IF NOT EXISTS exercise_improvement_links_final
BEFORE UPDATE ON exercise_improvement_links
BEGIN SELECT RAISE(ABORT, 'improvement links are append-only'); END;
CREATE TRIGGER IF NOT EXISTS exercise_improvement_links_kept
BEFORE DELETE ON exercise_improvement_links
BEGIN SELECT RAISE(ABORT, 'improvement links are append-only'); END;

-- The status the run's facilitators give an item (open, in progress, done, cancelled), newest
-- last: its history. An item made a measure follows the measure's state instead (the report).
CREATE TABLE IF NOT EXISTS exercise_improvement_status (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	run_id INTEGER NOT NULL REFERENCES exercise_runs (id),
	item_id INTEGER NOT NULL REFERENCES exercise_run_improvements (id),
	status TEXT NOT NULL CHECK (status IN ('open', 'in progress', 'done', 'cancelled')),
	user_id INTEGER NOT NULL CHECK (user_id >= 0),
	user_name TEXT NOT NULL CHECK (length(user_name) BETWEEN 1 AND 63),
	at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS exercise_improvement_status_item
	ON exercise_improvement_status (run_id, item_id, id);
CREATE TRIGGER IF NOT EXISTS exercise_improvement_status_final
BEFORE UPDATE ON exercise_improvement_status
BEGIN SELECT RAISE(ABORT, 'improvement statuses are append-only'); END;
CREATE TRIGGER IF NOT EXISTS exercise_improvement_status_kept
BEFORE DELETE ON exercise_improvement_status
BEGIN SELECT RAISE(ABORT, 'improvement statuses are append-only'); END;

PRAGMA user_version = 25;
