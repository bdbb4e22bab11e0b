-- 011_second_factor.sql - a second factor at log-in (issue 10, docs/users.md):
-- time-based one-time passwords (RFC 6238), single-use recovery codes, the
-- log-ins waiting for their code, and the registry's own log-in settings.

-- The registry's log-in settings (not method figures, so not in `settings`):
-- second_factor 'required' (admins, coordinators and analysts must have one:
-- pt_access_second_factor_required) or 'optional'; demo_passwords '1' in the
-- demo database (its documented passwords demo-NAME pass the password check).
-- `protect init` sets second_factor to 'required' when it is absent, `protect
-- demo` to 'optional'; absent, a second factor is optional. A registry made
-- before this migration (it holds settings) is set to 'required' here.
CREATE TABLE IF NOT EXISTS auth_settings (
	key TEXT PRIMARY KEY CHECK (key IN ('second_factor', 'demo_passwords')),
	value TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 32)
) WITHOUT ROWID;
INSERT OR IGNORE INTO auth_settings (key, value)
	SELECT 'second_factor', 'required' WHERE EXISTS (SELECT 1 FROM settings);

-- One TOTP secret per user (base32, 160 random bits, as in the otpauth:// URI),
-- kept as is (docs/users.md says why): confirmed 0 while enrolment waits for the
-- first code; last_step the 30-second step of the last code accepted (a code is
-- never accepted twice).
CREATE TABLE IF NOT EXISTS user_totp (
	user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	secret TEXT NOT NULL CHECK (length(secret) BETWEEN 16 AND 64),
	confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
	last_step INTEGER NOT NULL DEFAULT -1,
	created INTEGER NOT NULL
);

-- Single-use recovery codes, stored as keyed BLAKE2b-256 hashes (hex): a code
-- has 80 random bits, so a fast hash suffices. A used code is deleted.
CREATE TABLE IF NOT EXISTS recovery_codes (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
	PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

-- Log-ins whose password was right, waiting for the second factor (or its
-- enrolment): the token is stored as its BLAKE2b-256 hash, like a session's,
-- and lives 5 minutes.
CREATE TABLE IF NOT EXISTS login_pending (
	token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created INTEGER NOT NULL,
	expires INTEGER NOT NULL CHECK (expires > created)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS login_pending_user ON login_pending (user_id);

PRAGMA user_version = 11;
