-- 019_dependencies.sql - issue 12: the dependencies between sites, one row
-- per provider and consumer (docs/formats.md, "Dependencies CSV").
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version is
-- below 19, and written to run again unchanged (IF NOT EXISTS). Values are
-- checked in C first (src/core/pt_dependency.c); the constraints here are the
-- second line of defence. docs/internals/store.md.
--
-- A dependency is a per-site row like an assessment: it goes with its sites.
-- Deleting either site deletes it (ON DELETE CASCADE, as fema_assessments and
-- site_measures do); a site id changed in place carries its dependencies along
-- (ON UPDATE CASCADE; no command renames sites today).
CREATE TABLE IF NOT EXISTS dependencies (
	provider_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE ON UPDATE CASCADE,
	consumer_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE ON UPDATE CASCADE,
	type TEXT NOT NULL CHECK (type IN ('physical', 'cyber', 'geographic', 'logical')),
	autonomy_hours REAL NOT NULL CONSTRAINT autonomy_hours_range
		CHECK (autonomy_hours BETWEEN 0 AND 1e6),
	service_loss REAL NOT NULL CONSTRAINT service_loss_range
		CHECK (service_loss BETWEEN 0 AND 1),
	group_name TEXT CHECK (group_name IS NULL OR length(group_name) BETWEEN 1 AND 63),
	PRIMARY KEY (provider_id, consumer_id),
	CHECK (provider_id <> consumer_id)
) WITHOUT ROWID;

-- A site's providers (the key serves its consumers).
CREATE INDEX IF NOT EXISTS dependencies_consumer ON dependencies (consumer_id, provider_id);

-- The cascade, the downstream risk and the SPOF sweep read these: a change
-- raises the data version (migration 006), so the server's caches build again.
CREATE TRIGGER IF NOT EXISTS data_version_dependencies_insert AFTER INSERT ON dependencies
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_dependencies_update AFTER UPDATE ON dependencies
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_dependencies_delete AFTER DELETE ON dependencies
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

PRAGMA user_version = 19;
