-- 029_surveys.sql - issue 16 item 3: an assessment is a dated visit by a named
-- assessor (docs/methodology.md "Surveys"; docs/access.md "Surveys").
--
-- surveys: one visit of one site by one method. source: 'survey' (a
-- questionnaire visit, 'draft' until a second person confirms it), 'import'
-- (an assessments import), 'edit' (PATCH .../assessments/{method}) or
-- 'migration' (the ratings stored before this migration). visited_at: UTC
-- "YYYY-MM-DDTHH:MM:SSZ"; the visits of a site, method and threat are ordered
-- by (visited_at, id), and the latest confirmed one that rated the threat is
-- the row of fema_assessments / carver_assessments / quant_assessments (kept
-- by src/app/pt_app_surveys.c). seen_until: measures installed or verified at
-- or before it were part of what the visit saw; '' (migrated rows): none was.
-- assessor_id: the assessor's user id, 0 for the system administrator.
--
-- survey_fema / survey_carver / survey_quant: the visit's ratings, the columns
-- of the method's table, with the assessor's reason where a rating overrides
-- the questionnaire's proposal. survey_answers: the questionnaire's answers.
--
-- The ratings stored before this migration become one confirmed visit per
-- site and method, dated at the migration, by the system administrator, that
-- saw no installed measure (seen_until ''), so that what counts does not
-- change. Written to run again safely.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version
-- is below 29.

CREATE TABLE IF NOT EXISTS surveys (
	id INTEGER PRIMARY KEY,
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	method TEXT NOT NULL CHECK (method IN ('fema', 'carver', 'quant')),
	source TEXT NOT NULL CHECK (source IN ('survey', 'import', 'edit', 'migration')),
	state TEXT NOT NULL CHECK (state IN ('draft', 'confirmed')),
	visited_at TEXT NOT NULL CHECK (length(visited_at) = 20),
	assessor TEXT NOT NULL CHECK (length(assessor) BETWEEN 1 AND 63),
	assessor_id INTEGER NOT NULL DEFAULT 0 CHECK (assessor_id >= 0),
	questionnaire TEXT NOT NULL DEFAULT '' CHECK (length(questionnaire) <= 63),
	questionnaire_version INTEGER NOT NULL DEFAULT 0
		CHECK (questionnaire_version BETWEEN 0 AND 1000000),
	confirmed_by TEXT NOT NULL DEFAULT '' CHECK (length(confirmed_by) <= 63),
	confirmed_at TEXT NOT NULL DEFAULT '' CHECK (length(confirmed_at) IN (0, 20)),
	seen_until TEXT NOT NULL DEFAULT '' CHECK (length(seen_until) IN (0, 20)),
	created_at TEXT NOT NULL CHECK (length(created_at) = 20)
);
CREATE INDEX IF NOT EXISTS surveys_site ON surveys (site_id, method, state, visited_at, id);

CREATE TABLE IF NOT EXISTS survey_answers (
	survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
	question_id TEXT NOT NULL CHECK (length(question_id) BETWEEN 1 AND 63),
	answer TEXT NOT NULL CHECK (answer IN ('yes', 'partly', 'no', 'na')),
	PRIMARY KEY (survey_id, question_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS survey_fema (
	survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
	site_id TEXT NOT NULL,
	threat_id TEXT NOT NULL REFERENCES threats (id),
	asset_value INTEGER NOT NULL CHECK (asset_value BETWEEN 1 AND 10),
	threat_rating INTEGER NOT NULL CHECK (threat_rating BETWEEN 1 AND 10),
	vulnerability_rating INTEGER NOT NULL CHECK (vulnerability_rating BETWEEN 1 AND 10),
	reason TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
	PRIMARY KEY (survey_id, threat_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS survey_carver (
	survey_id INTEGER PRIMARY KEY REFERENCES surveys (id) ON DELETE CASCADE,
	site_id TEXT NOT NULL,
	criticality INTEGER NOT NULL CHECK (criticality BETWEEN 1 AND 10),
	accessibility INTEGER NOT NULL CHECK (accessibility BETWEEN 1 AND 10),
	recuperability INTEGER NOT NULL CHECK (recuperability BETWEEN 1 AND 10),
	vulnerability INTEGER NOT NULL CHECK (vulnerability BETWEEN 1 AND 10),
	effect INTEGER NOT NULL CHECK (effect BETWEEN 1 AND 10),
	recognizability INTEGER NOT NULL CHECK (recognizability BETWEEN 1 AND 10),
	shock INTEGER NOT NULL CHECK (shock BETWEEN 1 AND 10),
	reason TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 1000)
);

CREATE TABLE IF NOT EXISTS survey_quant (
	survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
	site_id TEXT NOT NULL,
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
	reason TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
	PRIMARY KEY (survey_id, threat_id)
) WITHOUT ROWID;

-- What a visit saw changes which measures count as effects (plan, register).
CREATE TRIGGER IF NOT EXISTS data_version_surveys_insert AFTER INSERT ON surveys
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_surveys_update AFTER UPDATE ON surveys
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS data_version_surveys_delete AFTER DELETE ON surveys
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

-- The ratings stored before: one confirmed visit per site and method.
INSERT INTO surveys (site_id, method, source, state, visited_at, assessor, confirmed_by,
		     confirmed_at, created_at)
	SELECT DISTINCT f.site_id, 'fema', 'migration', 'confirmed',
	       strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'system administrator',
	       'system administrator', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
	       strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
	FROM fema_assessments f
	WHERE NOT EXISTS (SELECT 1 FROM surveys s WHERE s.site_id = f.site_id AND s.method = 'fema');
INSERT INTO surveys (site_id, method, source, state, visited_at, assessor, confirmed_by,
		     confirmed_at, created_at)
	SELECT c.site_id, 'carver', 'migration', 'confirmed',
	       strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'system administrator',
	       'system administrator', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
	       strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
	FROM carver_assessments c
	WHERE NOT EXISTS (SELECT 1 FROM surveys s WHERE s.site_id = c.site_id AND s.method = 'carver');
INSERT INTO surveys (site_id, method, source, state, visited_at, assessor, confirmed_by,
		     confirmed_at, created_at)
	SELECT DISTINCT q.site_id, 'quant', 'migration', 'confirmed',
	       strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'system administrator',
	       'system administrator', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
	       strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
	FROM quant_assessments q
	WHERE NOT EXISTS (SELECT 1 FROM surveys s WHERE s.site_id = q.site_id AND s.method = 'quant');
INSERT OR IGNORE INTO survey_fema (survey_id, site_id, threat_id, asset_value, threat_rating,
				   vulnerability_rating)
	SELECT s.id, f.site_id, f.threat_id, f.asset_value, f.threat_rating, f.vulnerability_rating
	FROM fema_assessments f JOIN surveys s
	  ON s.site_id = f.site_id AND s.method = 'fema' AND s.source = 'migration';
INSERT OR IGNORE INTO survey_carver (survey_id, site_id, criticality, accessibility,
				     recuperability, vulnerability, effect, recognizability, shock)
	SELECT s.id, c.site_id, c.criticality, c.accessibility, c.recuperability, c.vulnerability,
	       c.effect, c.recognizability, c.shock
	FROM carver_assessments c JOIN surveys s
	  ON s.site_id = c.site_id AND s.method = 'carver' AND s.source = 'migration';
INSERT OR IGNORE INTO survey_quant (survey_id, site_id, threat_id, p_attempt_min, p_attempt_mode,
				    p_attempt_max, p_success_min, p_success_mode, p_success_max,
				    fatalities_min, fatalities_mode, fatalities_max, injuries_min,
				    injuries_mode, injuries_max, loss_eur_min, loss_eur_mode,
				    loss_eur_max)
	SELECT s.id, q.site_id, q.threat_id, q.p_attempt_min, q.p_attempt_mode, q.p_attempt_max,
	       q.p_success_min, q.p_success_mode, q.p_success_max, q.fatalities_min,
	       q.fatalities_mode, q.fatalities_max, q.injuries_min, q.injuries_mode,
	       q.injuries_max, q.loss_eur_min, q.loss_eur_mode, q.loss_eur_max
	FROM quant_assessments q JOIN surveys s
	  ON s.site_id = q.site_id AND s.method = 'quant' AND s.source = 'migration';

PRAGMA user_version = 29;
