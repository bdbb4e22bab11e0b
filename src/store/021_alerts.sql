-- 021_alerts.sql - issue 13: public alerts in CAP 1.2, one row per message
-- composed (docs/internals/store.md, "alerts"). The exact bytes of each
-- message are final when it is composed: the approver issues what it saw.
--
-- Append-only: triggers refuse to change a message's identifier, bytes or
-- hash, refuse every DELETE, and let state move only from 'pending' to
-- 'issued' or 'rejected' (with decided_at, and the approver for 'issued').
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version
-- is below 21, and written to run again unchanged (IF NOT EXISTS).
--
-- chain: the identifier of the chain's first message (an Alert);
-- references_id: the message this one updates or cancels ('' for an Alert);
-- sent, expires, feed_until, composed_at, decided_at: unix seconds;
-- feed_until: how long the public feed shows it (an Alert or Update: its
-- expires; a Cancel: the expires of the message it cancels); languages:
-- comma-separated tags; composer_id 0 is the system administrator.
CREATE TABLE IF NOT EXISTS alerts (
	identifier TEXT PRIMARY KEY CHECK (length(identifier) BETWEEN 1 AND 127),
	chain TEXT NOT NULL CHECK (length(chain) BETWEEN 1 AND 127),
	references_id TEXT NOT NULL DEFAULT '' CHECK (length(references_id) <= 127),
	msg_type TEXT NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
	status TEXT NOT NULL CHECK (status IN ('Actual', 'Exercise', 'Test')),
	state TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'rejected')),
	site_id TEXT NOT NULL CHECK (length(site_id) BETWEEN 1 AND 63),
	template TEXT NOT NULL CHECK (length(template) BETWEEN 1 AND 63),
	languages TEXT NOT NULL CHECK (length(languages) <= 255),
	radius_km REAL NOT NULL CHECK (radius_km >= 0),
	polygon INTEGER NOT NULL CHECK (polygon IN (0, 1)),
	generic_area INTEGER NOT NULL CHECK (generic_area IN (0, 1)),
	sent INTEGER NOT NULL,
	expires INTEGER NOT NULL,
	feed_until INTEGER NOT NULL,
	composer_id INTEGER NOT NULL CHECK (composer_id >= 0),
	composer TEXT NOT NULL CHECK (length(composer) BETWEEN 1 AND 63),
	approver_id INTEGER NOT NULL DEFAULT 0 CHECK (approver_id >= 0),
	approver TEXT NOT NULL DEFAULT '' CHECK (length(approver) <= 63),
	composed_at INTEGER NOT NULL,
	decided_at INTEGER NOT NULL DEFAULT 0,
	reason TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 1024),
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
	xml BLOB NOT NULL CHECK (length(xml) BETWEEN 1 AND 1048576)
);

CREATE INDEX IF NOT EXISTS alerts_chain ON alerts (chain, composed_at);
CREATE INDEX IF NOT EXISTS alerts_composed ON alerts (composed_at);

CREATE TRIGGER IF NOT EXISTS alerts_no_delete BEFORE DELETE ON alerts
BEGIN SELECT RAISE(ABORT, 'alerts are append-only: a message is never deleted'); END;

CREATE TRIGGER IF NOT EXISTS alerts_bytes_final BEFORE UPDATE ON alerts
WHEN NEW.identifier IS NOT OLD.identifier OR NEW.xml IS NOT OLD.xml
	OR NEW.sha256 IS NOT OLD.sha256 OR NEW.chain IS NOT OLD.chain
	OR NEW.references_id IS NOT OLD.references_id OR NEW.msg_type IS NOT OLD.msg_type
	OR NEW.status IS NOT OLD.status OR NEW.sent IS NOT OLD.sent
	OR NEW.expires IS NOT OLD.expires OR NEW.composer_id IS NOT OLD.composer_id
BEGIN SELECT RAISE(ABORT, 'alerts are append-only: a message''s bytes are final'); END;

-- The one update a message sees: its decision, once.
CREATE TRIGGER IF NOT EXISTS alerts_state_once BEFORE UPDATE ON alerts
WHEN NOT (OLD.state = 'pending' AND NEW.state IN ('issued', 'rejected'))
BEGIN SELECT RAISE(ABORT, 'an alert''s state moves only from pending to issued or rejected'); END;

PRAGMA user_version = 21;
