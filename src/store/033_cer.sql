-- 034_cer.sql - issue 16 (item 8): organisations designated as critical entities under
-- the EU CER Directive (2022/2557): the day each was identified (art. 6(1)) and notified
-- (art. 6(3)), the dates of its latest risk assessment (art. 12) and resilience plan
-- (art. 13(2)), and the sites of its critical infrastructure. What is owed by when is
-- computed from these (src/core/pt_cer.c), never stored.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version is below 33.

CREATE TABLE IF NOT EXISTS cer_entities (
	org_id INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
	designated_on TEXT NOT NULL CHECK (designated_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	notified_on TEXT NOT NULL CHECK (notified_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'
		AND notified_on >= designated_on),
	risk_assessment_on TEXT NOT NULL DEFAULT '' CHECK (risk_assessment_on = ''
		OR risk_assessment_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	resilience_plan_on TEXT NOT NULL DEFAULT '' CHECK (resilience_plan_on = ''
		OR resilience_plan_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	changed_at INTEGER NOT NULL,
	changed_by TEXT NOT NULL CHECK (length(changed_by) <= 63)
);

CREATE TABLE IF NOT EXISTS cer_entity_sites (
	org_id INTEGER NOT NULL REFERENCES cer_entities (org_id) ON DELETE CASCADE,
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	PRIMARY KEY (org_id, site_id)
);
CREATE INDEX IF NOT EXISTS cer_entity_sites_site ON cer_entity_sites (site_id);

PRAGMA user_version = 33;
