-- 014_threat_level_governance.sql - issue 11, items 8 and 9: threat levels per scope
-- (national, sector, region, threat) kept as a history of changes, and register decisions that keep their band.

-- Every change of a scope's level, oldest first by id (docs/methodology.md,
-- "Threat level"). The entry in force for a scope is its newest change whose
-- expiry has not passed (read, not run: an expired change gives the scope back
-- what it replaced); a change with level NULL cleared the scope. replaced: the
-- level in force for the scope when the change was made (NULL: none). Times in
-- unix seconds. Today's rows become changes of the national or a threat scope.
CREATE TABLE threat_levels_014 (
	id INTEGER PRIMARY KEY,
	scope_kind TEXT NOT NULL CHECK (scope_kind IN ('national', 'sector', 'region', 'threat')),
	scope_id TEXT NOT NULL DEFAULT '' CHECK (length(scope_id) <= 127 AND
		((scope_kind = 'national') = (scope_id = ''))),
	level TEXT CHECK (level IS NULL OR
		level IN ('LOW', 'MODERATE', 'SUBSTANTIAL', 'SEVERE', 'CRITICAL')),
	below INTEGER NOT NULL DEFAULT 0 CHECK (below IN (0, 1) AND
		(below = 0 OR scope_kind = 'threat')),
	rationale TEXT NOT NULL DEFAULT '' CHECK (length(rationale) <= 511),
	set_by TEXT NOT NULL DEFAULT '' CHECK (length(set_by) <= 63),
	set_at INTEGER NOT NULL DEFAULT 0,
	expires_at INTEGER CHECK (expires_at IS NULL OR expires_at > set_at),
	replaced TEXT CHECK (replaced IS NULL OR
		replaced IN ('LOW', 'MODERATE', 'SUBSTANTIAL', 'SEVERE', 'CRITICAL'))
);

INSERT INTO threat_levels_014 (scope_kind, scope_id, level, rationale, set_by)
	SELECT CASE WHEN threat_id IS NULL THEN 'national' ELSE 'threat' END,
	       coalesce(threat_id, ''), level, 'set before threat-level governance (migration 014)', ''
	FROM threat_levels ORDER BY threat_id IS NOT NULL, id;

DROP TABLE threat_levels; -- its index and data_version triggers go with it
ALTER TABLE threat_levels_014 RENAME TO threat_levels;
CREATE INDEX threat_levels_scope_history ON threat_levels (scope_kind, scope_id, id);

CREATE TRIGGER data_version_threat_levels_insert AFTER INSERT ON threat_levels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_threat_levels_update AFTER UPDATE ON threat_levels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_threat_levels_delete AFTER DELETE ON threat_levels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- A register decision keeps the risk band (threat) of its pair when it was
-- made ('' before this migration: taken as the band of today's first read) and
-- the threat level then; a decision re-opens when the band rises above both it
-- and register.accept_max_band (item 8).
ALTER TABLE risk_register ADD COLUMN decided_band TEXT NOT NULL DEFAULT ''
	CHECK (length(decided_band) <= 15);
ALTER TABLE risk_register ADD COLUMN decided_level TEXT NOT NULL DEFAULT ''
	CHECK (length(decided_level) <= 15);

PRAGMA user_version = 14;
