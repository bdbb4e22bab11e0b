-- 007_audit_records.sql - the records each audit entry covers, one row per
-- record (docs/internals/audit.md): what the audit list judges by their
-- labels today, without reading the entry's text. Not covered by the MACs
-- (the entries themselves are unchanged). record_id '' stands for a record
-- whose id was not kept (a read entry cut at its detail's length): the
-- entry is then withheld from every user. No foreign key: the log outlives
-- what it names, and an edited log must still be loadable for 'verify'.
CREATE TABLE audit_records (
	seq INTEGER NOT NULL,
	record_table TEXT NOT NULL CHECK (length(record_table) BETWEEN 1 AND 31),
	record_id TEXT NOT NULL CHECK (length(record_id) <= 255),
	PRIMARY KEY (seq, record_table, record_id)
) WITHOUT ROWID;

-- Entries written before: a write naming one site ("sites", its id) ...
INSERT OR IGNORE INTO audit_records (seq, record_table, record_id)
	SELECT seq, 'sites', record_id FROM audit_log
	WHERE record_table = 'sites' AND record_id <> '' AND detail NOT GLOB '[0-9]* record*: *';

-- ... a register entry belongs to its site ("SITE/THREAT"; ids hold no '/') ...
INSERT OR IGNORE INTO audit_records (seq, record_table, record_id)
	SELECT seq, 'sites', substr(record_id, 1, instr(record_id, '/') - 1) FROM audit_log
	WHERE record_table = 'risk_register' AND instr(record_id, '/') > 1;

-- ... and a read entry ("N record(s): ID,ID,...") the ids of its detail, the
-- one place they were kept. Site ids are [A-Za-z0-9._-], so ',' splits them;
-- a list cut with ",..." or an id cut with "..." leaves a record whose id is
-- lost: '' (withheld from every user).
WITH RECURSIVE split(seq, rest, id) AS (
	SELECT seq, substr(detail, instr(detail, ': ') + 2) || ',', NULL FROM audit_log
	WHERE record_table = 'sites' AND detail GLOB '[0-9]* record*: *'
	UNION ALL
	SELECT seq, substr(rest, instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1)
	FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO audit_records (seq, record_table, record_id)
	SELECT seq, 'sites', CASE WHEN id = '' OR id GLOB '*...' THEN '' ELSE id END
	FROM split WHERE id IS NOT NULL;

PRAGMA user_version = 7;
