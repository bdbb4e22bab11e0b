-- 001_schema.sql - the registry's first schema: catalogues, settings,
-- organisations, sites, the three assessment methods and threat levels.
--
-- Applied by src/store/pt_store.c in one transaction when PRAGMA user_version
-- is below 1. Every migration file ends by setting user_version to its own
-- number. Lengths and ranges are checked in C first; the CHECK constraints
-- here are the second line of defence. Documented in docs/internals/store.md.

-- Catalogues (seeded from data/catalog/*.csv by pt_db_seed).
CREATE TABLE kinds (
	id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 63),
	name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
	description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 4096)
);

CREATE TABLE sectors (
	id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 63),
	kind_id TEXT REFERENCES kinds (id),
	name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
	description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 4096)
);
CREATE INDEX sectors_kind ON sectors (kind_id);

CREATE TABLE threats (
	id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 63),
	name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
	description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 4096)
);

-- Traffic Light Protocol 2.0 labels and their order (0 most shareable).
CREATE TABLE tlp_labels (
	name TEXT PRIMARY KEY,
	rank INTEGER NOT NULL UNIQUE
);
INSERT INTO tlp_labels (name, rank) VALUES
	('CLEAR', 0), ('GREEN', 1), ('AMBER', 2), ('AMBER+STRICT', 3), ('RED', 4);

-- Method figures (keys of src/core/pt_config.h), validated before storing.
CREATE TABLE settings (
	key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 127),
	value TEXT NOT NULL CHECK (length(value) <= 255)
);

CREATE TABLE organisations (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 255),
	type TEXT NOT NULL
		CHECK (type IN ('government', 'operator', 'private_security', 'ngo'))
);

-- struct pt_site; owner_id NULL when the site names no owner, capacity NULL
-- when not given (a public square).
CREATE TABLE sites (
	id TEXT PRIMARY KEY CONSTRAINT id_length CHECK (length(id) BETWEEN 1 AND 63),
	name TEXT NOT NULL CONSTRAINT name_length CHECK (length(name) BETWEEN 1 AND 255),
	kind_id TEXT NOT NULL REFERENCES kinds (id),
	sector_id TEXT NOT NULL REFERENCES sectors (id),
	owner_id INTEGER REFERENCES organisations (id),
	lat REAL NOT NULL CONSTRAINT lat_range CHECK (lat BETWEEN -90 AND 90),
	lon REAL NOT NULL CONSTRAINT lon_range CHECK (lon BETWEEN -180 AND 180),
	region TEXT NOT NULL CONSTRAINT region_length CHECK (length(region) <= 127),
	capacity INTEGER CONSTRAINT capacity_range CHECK (capacity IS NULL OR capacity >= 0),
	peak_occupancy INTEGER NOT NULL CONSTRAINT peak_occupancy_range CHECK (peak_occupancy >= 0),
	population_served INTEGER NOT NULL
		CONSTRAINT population_served_range CHECK (population_served >= 0),
	economic_value_eur REAL NOT NULL
		CONSTRAINT economic_value_eur_range CHECK (economic_value_eur >= 0),
	tlp TEXT NOT NULL REFERENCES tlp_labels (name)
);
CREATE INDEX sites_owner ON sites (owner_id);
CREATE INDEX sites_kind ON sites (kind_id);
CREATE INDEX sites_sector ON sites (sector_id);

-- FEMA 426/452: one row per site and threat, each rating 1-10.
CREATE TABLE fema_assessments (
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	threat_id TEXT NOT NULL REFERENCES threats (id),
	asset_value INTEGER NOT NULL CONSTRAINT asset_value_range CHECK (asset_value BETWEEN 1 AND 10),
	threat_rating INTEGER NOT NULL
		CONSTRAINT threat_rating_range CHECK (threat_rating BETWEEN 1 AND 10),
	vulnerability_rating INTEGER NOT NULL
		CONSTRAINT vulnerability_rating_range CHECK (vulnerability_rating BETWEEN 1 AND 10),
	PRIMARY KEY (site_id, threat_id)
) WITHOUT ROWID;

-- CARVER + Shock: one row per site, each score 1-10.
CREATE TABLE carver_assessments (
	site_id TEXT PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
	criticality INTEGER NOT NULL CONSTRAINT criticality_range CHECK (criticality BETWEEN 1 AND 10),
	accessibility INTEGER NOT NULL
		CONSTRAINT accessibility_range CHECK (accessibility BETWEEN 1 AND 10),
	recuperability INTEGER NOT NULL
		CONSTRAINT recuperability_range CHECK (recuperability BETWEEN 1 AND 10),
	vulnerability INTEGER NOT NULL
		CONSTRAINT vulnerability_range CHECK (vulnerability BETWEEN 1 AND 10),
	effect INTEGER NOT NULL CONSTRAINT effect_range CHECK (effect BETWEEN 1 AND 10),
	recognizability INTEGER NOT NULL
		CONSTRAINT recognizability_range CHECK (recognizability BETWEEN 1 AND 10),
	shock INTEGER NOT NULL CONSTRAINT shock_range CHECK (shock BETWEEN 1 AND 10)
) WITHOUT ROWID;

-- Quantitative (RAMCAP / J100): (min, mode, max) of five inputs per site and
-- threat. Probabilities in [0, 1], counts and EUR >= 0, min <= mode <= max.
CREATE TABLE quant_assessments (
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	threat_id TEXT NOT NULL REFERENCES threats (id),
	p_attempt_min REAL NOT NULL,
	p_attempt_mode REAL NOT NULL,
	p_attempt_max REAL NOT NULL,
	p_success_min REAL NOT NULL,
	p_success_mode REAL NOT NULL,
	p_success_max REAL NOT NULL,
	fatalities_min REAL NOT NULL,
	fatalities_mode REAL NOT NULL,
	fatalities_max REAL NOT NULL,
	injuries_min REAL NOT NULL,
	injuries_mode REAL NOT NULL,
	injuries_max REAL NOT NULL,
	loss_eur_min REAL NOT NULL,
	loss_eur_mode REAL NOT NULL,
	loss_eur_max REAL NOT NULL,
	PRIMARY KEY (site_id, threat_id),
	CONSTRAINT p_attempt_range CHECK (0 <= p_attempt_min AND p_attempt_min <= p_attempt_mode
		AND p_attempt_mode <= p_attempt_max AND p_attempt_max <= 1),
	CONSTRAINT p_success_range CHECK (0 <= p_success_min AND p_success_min <= p_success_mode
		AND p_success_mode <= p_success_max AND p_success_max <= 1),
	CONSTRAINT fatalities_range CHECK (0 <= fatalities_min AND fatalities_min <= fatalities_mode
		AND fatalities_mode <= fatalities_max),
	CONSTRAINT injuries_range CHECK (0 <= injuries_min AND injuries_min <= injuries_mode
		AND injuries_mode <= injuries_max),
	CONSTRAINT loss_eur_range CHECK (0 <= loss_eur_min AND loss_eur_min <= loss_eur_mode
		AND loss_eur_mode <= loss_eur_max)
) WITHOUT ROWID;

-- Threat levels: the national level is the row whose threat_id is NULL
-- (SUBSTANTIAL when there is none); other rows override one threat scenario.
CREATE TABLE threat_levels (
	id INTEGER PRIMARY KEY,
	threat_id TEXT REFERENCES threats (id) ON DELETE CASCADE,
	level TEXT NOT NULL
		CHECK (level IN ('LOW', 'MODERATE', 'SUBSTANTIAL', 'SEVERE', 'CRITICAL'))
);
CREATE UNIQUE INDEX threat_levels_scope ON threat_levels (coalesce(threat_id, ''));

-- 'PROT': marks the file as a protect registry.
PRAGMA application_id = 1347571540;
PRAGMA user_version = 1;
