-- 013_measure_states.sql - one state machine for a measure at a site (issue
-- 11, item 7; docs/access.md, "Measures at sites"): a saved plan proposes its
-- measures instead of committing them for good, and can be withdrawn.
--
-- site_measures.status: 'existing' (in place) or a step of the machine:
-- 'proposed' -> 'approved' -> 'accepted' | 'declined'; 'accepted' ->
-- 'installed' -> 'verified'. changed_at/changed_by: the last step (the audit
-- log keeps every one). Rows 'committed' before become 'accepted' under the
-- plan that committed them, that plan marked 'approved (legacy)' (plan_states).
-- Written to run again safely (tests wind user_version back and migrate anew).
DROP TABLE IF EXISTS site_measures_new;
CREATE TABLE site_measures_new (
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	measure_id TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
	status TEXT NOT NULL CHECK (status IN ('existing', 'proposed', 'approved', 'accepted',
		'declined', 'installed', 'verified')),
	plan TEXT NOT NULL DEFAULT '' CHECK (length(plan) <= 63),
	added_at TEXT NOT NULL CHECK (length(added_at) BETWEEN 1 AND 31),
	added_by TEXT NOT NULL CHECK (length(added_by) <= 63),
	changed_at TEXT NOT NULL DEFAULT '' CHECK (length(changed_at) <= 31),
	changed_by TEXT NOT NULL DEFAULT '' CHECK (length(changed_by) <= 63),
	PRIMARY KEY (site_id, measure_id)
) WITHOUT ROWID;
INSERT INTO site_measures_new (site_id, measure_id, status, plan, added_at, added_by)
	SELECT site_id, measure_id, CASE status WHEN 'committed' THEN 'accepted' ELSE status END,
	       plan, added_at, added_by FROM site_measures;
DROP TABLE site_measures;
ALTER TABLE site_measures_new RENAME TO site_measures;
CREATE INDEX site_measures_measure ON site_measures (measure_id);
CREATE INDEX site_measures_plan ON site_measures (plan) WHERE plan <> '';

-- The triggers of migration 006 went with the old table.
CREATE TRIGGER data_version_site_measures_insert AFTER INSERT ON site_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_site_measures_update AFTER UPDATE ON site_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_site_measures_delete AFTER DELETE ON site_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- A saved plan's state, one row per plan: 'proposed' (its measures go through
-- the machine), 'approved (legacy)' (saved before this migration: its
-- measures were committed, now accepted), 'withdrawn' (its measures not yet
-- installed removed). scope_org: the one organisation owning every site the
-- plan funds ('' when several or none): its admin approves the plan's
-- measures. A side table rather than columns of plans, so that this script
-- runs again unchanged.
CREATE TABLE IF NOT EXISTS plan_states (
	plan TEXT PRIMARY KEY REFERENCES plans (name) ON DELETE CASCADE,
	state TEXT NOT NULL CHECK (state IN ('proposed', 'approved (legacy)', 'withdrawn')),
	scope_org TEXT NOT NULL DEFAULT '' CHECK (length(scope_org) <= 255),
	withdrawn_at TEXT NOT NULL DEFAULT '' CHECK (length(withdrawn_at) <= 31),
	withdrawn_by TEXT NOT NULL DEFAULT '' CHECK (length(withdrawn_by) <= 63)
) WITHOUT ROWID;
INSERT OR IGNORE INTO plan_states (plan, state) SELECT name, 'approved (legacy)' FROM plans;
CREATE TRIGGER IF NOT EXISTS data_version_plan_states_insert AFTER INSERT ON plan_states
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_plan_states_update AFTER UPDATE ON plan_states
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_plan_states_delete AFTER DELETE ON plan_states
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

PRAGMA user_version = 13;
