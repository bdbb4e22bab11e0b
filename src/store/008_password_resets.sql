-- 008_password_resets.sql - password resets waiting for a second admin's
-- approval (docs/access.md, "Password resets"): an admin's reset of the
-- password of a user named on a RED record is kept here, hashed, until
-- another admin approves it or it expires. One pending reset per user.
CREATE TABLE password_resets (
	user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	password_hash TEXT NOT NULL CHECK (length(password_hash) BETWEEN 1 AND 127),
	requested_by INTEGER NOT NULL,
	requested_by_name TEXT NOT NULL,
	requested INTEGER NOT NULL,
	expires INTEGER NOT NULL CHECK (expires > requested)
);

PRAGMA user_version = 8;
