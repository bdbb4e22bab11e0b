-- 031_measure_lifecycle.sql - measures through their life (issue 16, item 4;
-- docs/access.md "Measures at sites"): every step of a measure at a site kept
-- with its date and who, what an installation and a verification recorded.
--
-- site_measure_history: one row per step, oldest first by (at, id); no
-- foreign keys, the history outlives what it names (as risk_register_history
-- does). step: 'propose' (a saved plan proposed it), 'commit' (the site's
-- owner committed it outside a plan, or by linking it to a register
-- decision), 'in place' (imported as in place), or a step of the machine
-- ('approve', 'accept', 'decline', 'install', 'verify'); status: the state
-- after it. on_date: the day it was installed ('install') or verified
-- ('verify'), YYYY-MM-DD, which may be before the step's timestamp at (the
-- operator records the work after it was done). method ('test' or
-- 'inspection') and reverify_by (the day it is to be verified again) for
-- 'verify'. note: free text of the step.
--
-- Rows before this migration are rebuilt from what was kept: the addition
-- (site_measures.added_at/added_by) and every step the audit log recorded
-- (site.measure.STEP on record "SITE/MEASURE"); a pair with history already
-- is left alone, so that this script runs again unchanged.
CREATE TABLE IF NOT EXISTS site_measure_history (
	id INTEGER PRIMARY KEY,
	site_id TEXT NOT NULL CHECK (length(site_id) BETWEEN 1 AND 63),
	measure_id TEXT NOT NULL CHECK (length(measure_id) BETWEEN 1 AND 63),
	step TEXT NOT NULL CHECK (step IN ('propose', 'commit', 'in place', 'approve', 'accept',
		'decline', 'install', 'verify')),
	status TEXT NOT NULL CHECK (status IN ('existing', 'proposed', 'approved', 'accepted',
		'declined', 'installed', 'verified')),
	plan TEXT NOT NULL DEFAULT '' CHECK (length(plan) <= 63),
	at TEXT NOT NULL CHECK (length(at) BETWEEN 1 AND 31),
	actor TEXT NOT NULL CHECK (length(actor) <= 63),
	on_date TEXT NOT NULL DEFAULT '' CHECK (length(on_date) IN (0, 10)),
	method TEXT NOT NULL DEFAULT '' CHECK (method IN ('', 'test', 'inspection')),
	reverify_by TEXT NOT NULL DEFAULT '' CHECK (length(reverify_by) IN (0, 10)),
	note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1023)
);
CREATE INDEX IF NOT EXISTS site_measure_history_pair
	ON site_measure_history (site_id, measure_id, at, id);

CREATE TEMP TABLE lifecycle_fresh AS
	SELECT site_id, measure_id FROM site_measures m WHERE NOT EXISTS
		(SELECT 1 FROM site_measure_history h
		 WHERE h.site_id = m.site_id AND h.measure_id = m.measure_id);
INSERT INTO site_measure_history (site_id, measure_id, step, status, plan, at, actor)
	SELECT m.site_id, m.measure_id,
	       CASE WHEN m.status = 'existing' THEN 'in place' ELSE 'propose' END,
	       CASE WHEN m.status = 'existing' THEN 'existing' ELSE 'proposed' END,
	       m.plan, m.added_at, m.added_by
	FROM site_measures m JOIN lifecycle_fresh f
		ON f.site_id = m.site_id AND f.measure_id = m.measure_id
	ORDER BY m.site_id, m.measure_id;
INSERT INTO site_measure_history (site_id, measure_id, step, status, plan, at, actor)
	SELECT m.site_id, m.measure_id, substr(a.action, 14),
	       CASE substr(a.action, 14) WHEN 'approve' THEN 'approved' WHEN 'accept' THEN 'accepted'
		    WHEN 'decline' THEN 'declined' WHEN 'install' THEN 'installed'
		    ELSE 'verified' END,
	       m.plan, strftime('%Y-%m-%dT%H:%M:%SZ', a.time, 'unixepoch'), a.user_name
	FROM audit_log a JOIN site_measures m ON a.record_id = m.site_id || '/' || m.measure_id
	JOIN lifecycle_fresh f ON f.site_id = m.site_id AND f.measure_id = m.measure_id
	WHERE a.action IN ('site.measure.approve', 'site.measure.accept', 'site.measure.decline',
			   'site.measure.install', 'site.measure.verify')
	  AND a.record_table = 'site_measures'
	ORDER BY a.seq;
DROP TABLE lifecycle_fresh;

CREATE TRIGGER IF NOT EXISTS data_version_site_measure_history_insert
	AFTER INSERT ON site_measure_history
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;

PRAGMA user_version = 31;
