-- 028_emergency_department.sql - issue 16 (item 2): whether a site (a
-- health-sector site: a hospital) has an emergency department that receives
-- casualties: 'yes', 'no', or NULL when unknown. The mass-casualty simulation
-- offers as receiving hospitals only health-sector sites whose value is not
-- 'no' (a registry from before this migration knows none, and keeps the
-- hospitals it had). Set from the sites CSV or GeoJSON column
-- emergency_department, or PATCH /api/v1/sites/{id}; docs/formats.md.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version
-- is below 28.

ALTER TABLE sites ADD COLUMN emergency_department TEXT
	CHECK (emergency_department IS NULL OR emergency_department IN ('yes', 'no'));

PRAGMA user_version = 28;
