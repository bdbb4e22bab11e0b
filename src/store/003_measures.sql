-- 003_measures.sql - protective measures and the investment plan: the
-- measure catalogue and its effects, measures in place or committed per
-- site, saved plans, and the risk register with its history.
--
-- Applied by src/store/pt_store.c in one transaction when PRAGMA user_version
-- is below 3. Values are checked in C first (src/core/pt_measure.c,
-- src/store/pt_plan_store.c); the constraints here are the second line of
-- defence. Documented in docs/internals/store.md.

-- struct pt_measure: costs per site of size factor 1; kinds and sectors
-- "*" or ';'-joined ids.
CREATE TABLE measures (
	id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 63),
	name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
	family TEXT NOT NULL CHECK (family IN ('prevent', 'physical_protection',
		'respond_mitigate', 'recover', 'personnel_security', 'awareness_training')),
	capex_eur REAL NOT NULL CHECK (capex_eur BETWEEN 0 AND 1e12),
	opex_eur_year REAL NOT NULL CHECK (opex_eur_year BETWEEN 0 AND 1e12),
	lifetime_years INTEGER NOT NULL CHECK (lifetime_years BETWEEN 1 AND 100),
	privacy INTEGER NOT NULL CHECK (privacy BETWEEN 0 AND 3),
	movement INTEGER NOT NULL CHECK (movement BETWEEN 0 AND 3),
	discrimination INTEGER NOT NULL CHECK (discrimination BETWEEN 0 AND 3),
	legal_basis INTEGER NOT NULL CHECK (legal_basis IN (0, 1)),
	removes_step_free INTEGER NOT NULL CHECK (removes_step_free IN (0, 1)),
	kinds TEXT NOT NULL CHECK (length(kinds) BETWEEN 1 AND 1023),
	sectors TEXT NOT NULL CHECK (length(sectors) BETWEEN 1 AND 1023),
	exclusive_group TEXT NOT NULL DEFAULT '' CHECK (length(exclusive_group) <= 63),
	description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 1023)
) WITHOUT ROWID;

-- The effect of a measure on one threat scenario: V' = V (1 - v), C' = C (1 - c).
CREATE TABLE measure_effects (
	measure_id TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
	threat_id TEXT NOT NULL REFERENCES threats (id) ON DELETE CASCADE,
	v_reduction REAL NOT NULL CHECK (v_reduction BETWEEN 0 AND 1),
	c_reduction REAL NOT NULL CHECK (c_reduction BETWEEN 0 AND 1),
	PRIMARY KEY (measure_id, threat_id)
) WITHOUT ROWID;
CREATE INDEX measure_effects_threat ON measure_effects (threat_id);

-- Measures at a site: 'existing' (in place: the assessment includes them)
-- or 'committed' (by the saved plan named in plan). Timestamps are UTC
-- "YYYY-MM-DDTHH:MM:SSZ"; added_by is the actor's name as the audit log shows it.
CREATE TABLE site_measures (
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	measure_id TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
	status TEXT NOT NULL CHECK (status IN ('existing', 'committed')),
	plan TEXT NOT NULL DEFAULT '' CHECK (length(plan) <= 63),
	added_at TEXT NOT NULL CHECK (length(added_at) BETWEEN 1 AND 31),
	added_by TEXT NOT NULL CHECK (length(added_by) <= 63),
	PRIMARY KEY (site_id, measure_id)
) WITHOUT ROWID;
CREATE INDEX site_measures_measure ON site_measures (measure_id);

-- A saved plan: its summary and the plan as JSON (src/formats/pt_plan_io.c).
CREATE TABLE plans (
	name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 63),
	created_at TEXT NOT NULL CHECK (length(created_at) BETWEEN 1 AND 31),
	created_by TEXT NOT NULL CHECK (length(created_by) <= 63),
	solver TEXT NOT NULL CHECK (solver IN ('fast', 'exact')),
	region TEXT NOT NULL DEFAULT '' CHECK (length(region) <= 127),
	threat_level TEXT NOT NULL DEFAULT '' CHECK (length(threat_level) <= 511),
	budget_eur REAL NOT NULL CHECK (budget_eur >= 0),
	cost_eur REAL NOT NULL CHECK (cost_eur >= 0),
	risk_reduction_eur REAL NOT NULL CHECK (risk_reduction_eur >= 0),
	gap REAL NOT NULL,
	sites_funded INTEGER NOT NULL CHECK (sites_funded >= 0),
	measures INTEGER NOT NULL CHECK (measures >= 0),
	json TEXT NOT NULL,
	seq INTEGER NOT NULL UNIQUE -- the order plans were saved in (newest: largest)
) WITHOUT ROWID;

-- The decision on one site-threat risk. measures: ';'-joined ids of
-- measures existing or committed at the site. needs_approval: accepted above
-- register.accept_max_band; approved by a government coordinator.
CREATE TABLE risk_register (
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	threat_id TEXT NOT NULL REFERENCES threats (id) ON DELETE CASCADE,
	treatment TEXT NOT NULL CHECK (treatment IN ('none', 'accept', 'reduce', 'transfer',
		'avoid')),
	responsible_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	review_date TEXT NOT NULL DEFAULT '' CHECK (length(review_date) IN (0, 10)),
	measures TEXT NOT NULL DEFAULT '' CHECK (length(measures) <= 1023),
	note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1023),
	needs_approval INTEGER NOT NULL DEFAULT 0 CHECK (needs_approval IN (0, 1)),
	approved INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1)),
	approved_by TEXT NOT NULL DEFAULT '' CHECK (length(approved_by) <= 63),
	approved_at TEXT NOT NULL DEFAULT '' CHECK (length(approved_at) <= 31),
	updated_at TEXT NOT NULL CHECK (length(updated_at) BETWEEN 1 AND 31),
	updated_by TEXT NOT NULL CHECK (length(updated_by) <= 63),
	PRIMARY KEY (site_id, threat_id)
) WITHOUT ROWID;
CREATE INDEX risk_register_responsible ON risk_register (responsible_user_id);

-- Every change of a register entry, oldest first by id. No foreign keys:
-- the history outlives what it names, as the audit log does.
CREATE TABLE risk_register_history (
	id INTEGER PRIMARY KEY,
	site_id TEXT NOT NULL CHECK (length(site_id) BETWEEN 1 AND 63),
	threat_id TEXT NOT NULL CHECK (length(threat_id) BETWEEN 1 AND 63),
	at TEXT NOT NULL CHECK (length(at) BETWEEN 1 AND 31),
	actor TEXT NOT NULL CHECK (length(actor) <= 63),
	action TEXT NOT NULL CHECK (action IN ('set', 'approve', 'commit')),
	detail TEXT NOT NULL CHECK (length(detail) <= 1535)
);
CREATE INDEX risk_register_history_pair ON risk_register_history (site_id, threat_id, id);

PRAGMA user_version = 3;
