-- 016_duties.sql - separation of duties for a measure at a site (issue 11,
-- review H1; docs/access.md, "Separation of duties"): who created each user,
-- and who took each step of a measure a saved plan proposed.
--
-- Side tables rather than columns of users and site_measures, so that this
-- script runs again unchanged (tests wind user_version back and migrate anew,
-- and migration 013 rebuilds site_measures when it runs again).
--
-- user_creators: one row per user made by another user (over the API, or by
-- the command line's --as USER): created_by is that user's name. A user made
-- by the system administrator (the command line without --as) or before this
-- migration has no row: no creator is known.
CREATE TABLE IF NOT EXISTS user_creators (
	user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	created_by TEXT NOT NULL CHECK (length(created_by) BETWEEN 1 AND 63)
);

-- site_measure_steps: who took each step of a measure at a site since it was
-- last proposed (the audit log keeps every one): step is 'approve', 'accept',
-- 'decline', 'install' or 'verify'; actor the user's name, or the system
-- administrator's. Proposing a measure again clears its rows.
CREATE TABLE IF NOT EXISTS site_measure_steps (
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	measure_id TEXT NOT NULL CHECK (length(measure_id) BETWEEN 1 AND 63),
	step TEXT NOT NULL CHECK (step IN ('approve', 'accept', 'decline', 'install', 'verify')),
	actor TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 63),
	PRIMARY KEY (site_id, measure_id, step)
) WITHOUT ROWID;

PRAGMA user_version = 16;
