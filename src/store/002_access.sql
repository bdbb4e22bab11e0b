-- 002_access.sql - who sees what: organisation partners, users and their
-- roles, sessions, failed log-ins, the named readers of RED records and the audit log.
--
-- Applied by src/store/pt_store.c in one transaction when PRAGMA user_version
-- is below 2. Lengths and ranges are checked in C first (src/store/pt_users.c,
-- src/store/pt_audit.c); the constraints here are the second line of
-- defence. Documented in docs/internals/users.md and docs/internals/audit.md.

-- Directional sharing: org_id names partner_id as an organisation that may
-- read org_id's AMBER records.
CREATE TABLE organisation_partners (
	org_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
	partner_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
	PRIMARY KEY (org_id, partner_id),
	CHECK (org_id <> partner_id)
) WITHOUT ROWID;

-- A user of one organisation with one role; password_hash is an argon2id
-- string of libsodium's crypto_pwhash_str ("$argon2id$v=19$m=...").
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE CONSTRAINT name_length CHECK (length(name) BETWEEN 1 AND 63),
	password_hash TEXT NOT NULL CHECK (length(password_hash) BETWEEN 1 AND 127),
	role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'analyst', 'operator', 'viewer',
		'pio', 'facilitator', 'player', 'evaluator')),
	org_id INTEGER NOT NULL REFERENCES organisations (id),
	created INTEGER NOT NULL
);
CREATE INDEX users_org ON users (org_id);

-- Sessions: the cookie's token is never stored, only its BLAKE2b-256 hash
-- (hex); the CSRF token is returned to the page, so it is kept as is.
CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf TEXT NOT NULL CHECK (length(csrf) = 43),
	created INTEGER NOT NULL,
	expires INTEGER NOT NULL CHECK (expires > created)
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);

-- Failed log-ins per user name (known or not), so a caller can answer 429
-- with Retry-After without ever sleeping.
CREATE TABLE login_failures (
	name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 63),
	failures INTEGER NOT NULL CHECK (failures >= 0),
	first_at INTEGER NOT NULL,
	blocked_until INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- The users named on a site: who reads it when it is RED (its creator at first).
CREATE TABLE site_readers (
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (site_id, user_id)
) WITHOUT ROWID;
CREATE INDEX site_readers_user ON site_readers (user_id);

-- The audit log: one row per write (and per request reading AMBER or
-- above). mac = HMAC-SHA-256 under the key kept in DB.key of the previous
-- entry's MAC and this entry's fields (docs/internals/audit.md). user_id 0
-- is the system administrator (the command line). No foreign keys: the log
-- outlives what it names.
CREATE TABLE audit_log (
	seq INTEGER PRIMARY KEY CHECK (seq >= 1),
	time INTEGER NOT NULL,
	user_id INTEGER NOT NULL CHECK (user_id >= 0),
	user_name TEXT NOT NULL CHECK (length(user_name) <= 63),
	org_id INTEGER NOT NULL CHECK (org_id >= 0),
	action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 63),
	record_table TEXT NOT NULL CHECK (length(record_table) <= 31),
	record_id TEXT NOT NULL CHECK (length(record_id) <= 255),
	detail TEXT NOT NULL CHECK (length(detail) <= 1023),
	mac TEXT NOT NULL CHECK (length(mac) = 64)
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);

PRAGMA user_version = 2;
