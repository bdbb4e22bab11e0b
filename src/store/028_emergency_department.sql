-- 028_emergency_department.sql - issue 16 (item 2): whether a site (a
-- health-sector site: a hospital) has an emergency department that receives
-- casualties: a row 'yes' or 'no', no row when unknown. The mass-casualty
-- simulation offers as receiving hospitals only health-sector sites whose
-- value is not 'no' (a registry from before this migration knows none, and
-- keeps the hospitals it had). Set from the sites CSV or GeoJSON column
-- emergency_department, or PATCH /api/v1/sites/{id}; docs/formats.md.
-- A table beside sites rather than a new column (as 027 does), so that the
-- script runs again unchanged (IF NOT EXISTS) on a registry whose
-- user_version was set back; written with the site in one transaction
-- (src/store/pt_site_store.c), read with a LEFT JOIN.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version
-- is below 28.

CREATE TABLE IF NOT EXISTS site_emergency_departments (
	site_id TEXT PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
	has TEXT NOT NULL CHECK (has IN ('yes', 'no'))
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS data_version_site_emergency_departments_insert
AFTER INSERT ON site_emergency_departments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_site_emergency_departments_update
AFTER UPDATE ON site_emergency_departments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_site_emergency_departments_delete
AFTER DELETE ON site_emergency_departments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

PRAGMA user_version = 28;
