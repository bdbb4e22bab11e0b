-- 022_role_grants.sql - issue 13 (review, attack 1): who granted a user its
-- role (docs/access.md, "Public alerts"). role_by_system is 1 for a user
-- whose role the system administrator granted (the command line: protect
-- user add|role, protect demo), 0 for a user created or re-roled over the
-- API (by an admin, who chooses or can reset its password). Only appointed
-- users (1) approve public alerts: else one admin could make two pio
-- accounts and issue a real alert alone.
-- The users there when this migration runs are taken as appointed, as 009
-- did for admins: nothing recorded who made them, and they predate this
-- rule. The system administrator reviews them (the audit log's user.create
-- and user.role entries tell who made each) and changes a role where needed.
ALTER TABLE users ADD COLUMN role_by_system INTEGER NOT NULL DEFAULT 0
	CHECK (role_by_system IN (0, 1));
UPDATE users SET role_by_system = 1;

PRAGMA user_version = 22;
