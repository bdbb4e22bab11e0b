-- 006_data_version.sql - a version of the registry's data: one counter,
-- bumped by triggers on every change of the tables that results are computed
-- from (sites, assessments, catalogues, settings, threat levels, organisations
-- and partners, users' names, roles and organisations, RED readers, measures,
-- plans, the risk register), and by nothing else: audit entries, sessions,
-- failed log-ins and password changes leave it as it is. The server keeps
-- snapshots and rendered bodies until it changes (docs/internals/http.md).
CREATE TABLE data_version (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL CHECK (version >= 1)
);
INSERT INTO data_version (id, version) VALUES (1, 1);

-- kinds
CREATE TRIGGER data_version_kinds_insert AFTER INSERT ON kinds
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_kinds_update AFTER UPDATE ON kinds
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_kinds_delete AFTER DELETE ON kinds
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- sectors
CREATE TRIGGER data_version_sectors_insert AFTER INSERT ON sectors
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_sectors_update AFTER UPDATE ON sectors
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_sectors_delete AFTER DELETE ON sectors
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- threats
CREATE TRIGGER data_version_threats_insert AFTER INSERT ON threats
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_threats_update AFTER UPDATE ON threats
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_threats_delete AFTER DELETE ON threats
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- tlp_labels
CREATE TRIGGER data_version_tlp_labels_insert AFTER INSERT ON tlp_labels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_tlp_labels_update AFTER UPDATE ON tlp_labels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_tlp_labels_delete AFTER DELETE ON tlp_labels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- settings
CREATE TRIGGER data_version_settings_insert AFTER INSERT ON settings
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_settings_update AFTER UPDATE ON settings
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_settings_delete AFTER DELETE ON settings
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- organisations
CREATE TRIGGER data_version_organisations_insert AFTER INSERT ON organisations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_organisations_update AFTER UPDATE ON organisations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_organisations_delete AFTER DELETE ON organisations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- sites
CREATE TRIGGER data_version_sites_insert AFTER INSERT ON sites
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_sites_update AFTER UPDATE ON sites
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_sites_delete AFTER DELETE ON sites
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- fema_assessments
CREATE TRIGGER data_version_fema_assessments_insert AFTER INSERT ON fema_assessments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_fema_assessments_update AFTER UPDATE ON fema_assessments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_fema_assessments_delete AFTER DELETE ON fema_assessments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- carver_assessments
CREATE TRIGGER data_version_carver_assessments_insert AFTER INSERT ON carver_assessments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_carver_assessments_update AFTER UPDATE ON carver_assessments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_carver_assessments_delete AFTER DELETE ON carver_assessments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- quant_assessments
CREATE TRIGGER data_version_quant_assessments_insert AFTER INSERT ON quant_assessments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_quant_assessments_update AFTER UPDATE ON quant_assessments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_quant_assessments_delete AFTER DELETE ON quant_assessments
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- threat_levels
CREATE TRIGGER data_version_threat_levels_insert AFTER INSERT ON threat_levels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_threat_levels_update AFTER UPDATE ON threat_levels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_threat_levels_delete AFTER DELETE ON threat_levels
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- organisation_partners
CREATE TRIGGER data_version_organisation_partners_insert AFTER INSERT ON organisation_partners
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_organisation_partners_update AFTER UPDATE ON organisation_partners
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_organisation_partners_delete AFTER DELETE ON organisation_partners
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- site_readers
CREATE TRIGGER data_version_site_readers_insert AFTER INSERT ON site_readers
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_site_readers_update AFTER UPDATE ON site_readers
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_site_readers_delete AFTER DELETE ON site_readers
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- measures
CREATE TRIGGER data_version_measures_insert AFTER INSERT ON measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_measures_update AFTER UPDATE ON measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_measures_delete AFTER DELETE ON measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- measure_effects
CREATE TRIGGER data_version_measure_effects_insert AFTER INSERT ON measure_effects
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_measure_effects_update AFTER UPDATE ON measure_effects
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_measure_effects_delete AFTER DELETE ON measure_effects
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- site_measures
CREATE TRIGGER data_version_site_measures_insert AFTER INSERT ON site_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_site_measures_update AFTER UPDATE ON site_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_site_measures_delete AFTER DELETE ON site_measures
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- plan_site_lines (migration 005)
CREATE TRIGGER data_version_plan_site_lines_insert AFTER INSERT ON plan_site_lines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_plan_site_lines_update AFTER UPDATE ON plan_site_lines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_plan_site_lines_delete AFTER DELETE ON plan_site_lines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- plans
CREATE TRIGGER data_version_plans_insert AFTER INSERT ON plans
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_plans_update AFTER UPDATE ON plans
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_plans_delete AFTER DELETE ON plans
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- risk_register
CREATE TRIGGER data_version_risk_register_insert AFTER INSERT ON risk_register
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_risk_register_update AFTER UPDATE ON risk_register
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_risk_register_delete AFTER DELETE ON risk_register
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- risk_register_history
CREATE TRIGGER data_version_risk_register_history_insert AFTER INSERT ON risk_register_history
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_risk_register_history_update AFTER UPDATE ON risk_register_history
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_risk_register_history_delete AFTER DELETE ON risk_register_history
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- users: not their password hashes
CREATE TRIGGER data_version_users_insert AFTER INSERT ON users
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_users_update AFTER UPDATE OF name, role, org_id ON users
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_users_delete AFTER DELETE ON users
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

PRAGMA user_version = 6;
