-- 018_duties.sql - separation of duties for a measure at a site (issue 11,
-- review H1; docs/access.md, "Separation of duties"): who made each user
-- (created it, set its role or its password), and who took each step of a
-- measure a saved plan proposed.
--
-- Side tables rather than columns of users and site_measures, so that this
-- script runs again unchanged (tests wind user_version back and migrate anew,
-- and migration 013 rebuilds site_measures when it runs again).
--
-- user_makers: who holds, or held, power over a user's account, one row per
-- user and way: 'create' (created it: over the API, or with the command
-- line's --as USER; made_by is that user's name: "users.created_by"),
-- 'role' (set its role over the API), 'password' (set its password over the
-- API, or asked for the reset a second admin approved). The system
-- administrator (the command line without --as) records nothing, nor does a
-- user changing its own password; users from before this migration have no
-- row. The separation of duties treats a maker and its users as one.
CREATE TABLE IF NOT EXISTS user_makers (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	how TEXT NOT NULL CHECK (how IN ('create', 'role', 'password')),
	made_by TEXT NOT NULL CHECK (length(made_by) BETWEEN 1 AND 63),
	PRIMARY KEY (user_id, how, made_by)
) WITHOUT ROWID;

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

PRAGMA user_version = 18;
