-- 015_planning_surge.sql - issue 11 item 6: the surge catalogue (temporary
-- measures a raised threat level calls for, costed per week) and its effects.
-- The planning level itself is a setting (plan.planning_level, settings.csv).
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version is
-- below 15. Values are checked in C first (src/core/pt_surge.c); the
-- constraints here are the second line of defence. docs/internals/store.md.

-- A surge measure: as a catalogue measure (struct pt_measure) with a weekly
-- cost per site of size factor 1 instead of capital and running costs.
CREATE TABLE IF NOT EXISTS surge_measures (
	id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 63),
	name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
	family TEXT NOT NULL CHECK (family IN ('prevent', 'physical_protection',
		'respond_mitigate', 'recover', 'personnel_security', 'awareness_training')),
	weekly_eur REAL NOT NULL CHECK (weekly_eur BETWEEN 0 AND 1e9),
	privacy INTEGER NOT NULL CHECK (privacy BETWEEN 0 AND 3),
	movement INTEGER NOT NULL CHECK (movement BETWEEN 0 AND 3),
	discrimination INTEGER NOT NULL CHECK (discrimination BETWEEN 0 AND 3),
	legal_basis INTEGER NOT NULL CHECK (legal_basis IN (0, 1, 2)), -- 0 none, 1 entry, 2 statute
	removes_step_free INTEGER NOT NULL CHECK (removes_step_free IN (0, 1)),
	kinds TEXT NOT NULL CHECK (length(kinds) BETWEEN 1 AND 1023),
	sectors TEXT NOT NULL CHECK (length(sectors) BETWEEN 1 AND 1023),
	description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 1023)
) WITHOUT ROWID;

-- The effect of a surge measure on one threat scenario while it runs.
CREATE TABLE IF NOT EXISTS surge_effects (
	measure_id TEXT NOT NULL REFERENCES surge_measures (id) ON DELETE CASCADE,
	threat_id TEXT NOT NULL REFERENCES threats (id) ON DELETE CASCADE,
	v_reduction REAL NOT NULL CHECK (v_reduction BETWEEN 0 AND 1),
	c_reduction REAL NOT NULL CHECK (c_reduction BETWEEN 0 AND 1),
	PRIMARY KEY (measure_id, threat_id)
) WITHOUT ROWID;

-- A plan's model and surge read these: a change raises the data version
-- (migration 006), so the server's plan cache builds again.
CREATE TRIGGER IF NOT EXISTS data_version_surge_measures_insert AFTER INSERT ON surge_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_surge_measures_update AFTER UPDATE ON surge_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_surge_measures_delete AFTER DELETE ON surge_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_surge_effects_insert AFTER INSERT ON surge_effects
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_surge_effects_update AFTER UPDATE ON surge_effects
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_surge_effects_delete AFTER DELETE ON surge_effects
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

PRAGMA user_version = 15;
