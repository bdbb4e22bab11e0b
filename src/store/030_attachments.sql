-- 030_attachments.sql - issue 16 item 3: the evidence of a site or survey, photos
-- (JPEG, PNG) and documents (PDF), kept in the registry itself as BLOBs (so that a
-- backup of the database file is a backup of them; docs/operations.md) with the
-- SHA-256 of the bytes stored. survey_id names a survey visit (issue 16 item 3,
-- another branch's table) without a foreign key: the integrator links them.
-- retain_until (unix seconds) is set for files marked as showing people or number
-- plates; such a file is not served after it and is deleted by the next purge.
-- The label is not stored: it is the site's, at least AMBER, when read.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version
-- is below 30.

CREATE TABLE IF NOT EXISTS attachments (
	id INTEGER PRIMARY KEY,
	site_id TEXT NOT NULL REFERENCES sites (id),
	survey_id INTEGER CHECK (survey_id IS NULL OR survey_id > 0),
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 120),
	caption TEXT NOT NULL DEFAULT '' CHECK (length(CAST(caption AS BLOB)) <= 500),
	content_type TEXT NOT NULL
		CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
	size INTEGER NOT NULL CHECK (size BETWEEN 1 AND 10485760),
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
	shows_people INTEGER NOT NULL DEFAULT 0 CHECK (shows_people IN (0, 1)),
	uploaded_at INTEGER NOT NULL,
	uploaded_by TEXT NOT NULL,
	uploaded_by_id INTEGER NOT NULL DEFAULT 0,
	retain_until INTEGER CHECK (retain_until IS NULL OR shows_people = 1),
	data BLOB NOT NULL CHECK (length(data) = size)
);
CREATE INDEX IF NOT EXISTS attachments_site ON attachments (site_id, survey_id, id);
CREATE INDEX IF NOT EXISTS attachments_retain ON attachments (retain_until)
	WHERE retain_until IS NOT NULL;
PRAGMA user_version = 30;
