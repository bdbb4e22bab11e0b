-- 020_downstream.sql - issue 12: the cache of the downstream consequence,
-- the person-hours of lost service each supplying site's failure costs the
-- other sites (each failed alone for resilience.repair_h, followed for
-- resilience.horizon_h), with the data version it was computed at.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version is
-- below 20, and written to run again unchanged (IF NOT EXISTS). The rows are
-- valid only while downstream_state.version is the registry's data version
-- (migration 006: sites, dependencies and settings all move it); writing them
-- moves nothing (no trigger), so the cache does not invalidate itself.
-- docs/internals/store.md.
CREATE TABLE IF NOT EXISTS downstream_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS downstream (
	site_id TEXT PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE ON UPDATE CASCADE,
	person_hours REAL NOT NULL CHECK (person_hours >= 0),
	version INTEGER NOT NULL
) WITHOUT ROWID;

PRAGMA user_version = 20;
