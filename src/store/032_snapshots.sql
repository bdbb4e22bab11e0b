-- 032_snapshots.sql - issue 16 item 6: named, dated snapshots of the ranking's and the
-- register's inputs (docs/internals/history.md). inputs is the JSON document of
-- src/formats/pt_history_io.c: the sites with their access records then, the assessment rows
-- that counted, the measures whose effects applied with those effects, the threat levels in
-- force and the settings, and the register's decisions; enough to recompute every site's
-- risk at any threat level. A snapshot is a record of the past: it is never changed, only
-- deleted whole (by a government admin). The table does not move the data version
-- (migration 006): a snapshot changes no ranking.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version is below 32.

CREATE TABLE IF NOT EXISTS snapshots (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 127),
	taken_at INTEGER NOT NULL,
	taken_by TEXT NOT NULL CHECK (length(taken_by) BETWEEN 1 AND 63),
	method TEXT NOT NULL CHECK (method IN ('fema', 'quant')),
	inputs BLOB NOT NULL CHECK (length(inputs) BETWEEN 2 AND 67108864)
);
CREATE TRIGGER IF NOT EXISTS snapshots_final
BEFORE UPDATE ON snapshots
BEGIN SELECT RAISE(ABORT, 'a snapshot is never changed'); END;
PRAGMA user_version = 32;
