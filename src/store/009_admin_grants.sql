-- 009_admin_grants.sql - who made a user admin (docs/access.md, "Password
-- resets of RED readers"): admin_by_system is 1 for an admin the system
-- administrator appointed (the command line: protect user add|role, protect
-- demo), 0 for an admin made over the API (created or promoted by another
-- admin, who holds its password) and for every other role. Only appointed
-- admins ask for and approve the resets that need a second admin.
-- The users who are admins when this migration runs are taken as appointed:
-- nothing recorded who made them, and they predate this rule. The system
-- administrator reviews them (the audit log's user.create and user.role
-- entries tell who made each) and changes a role where needed.
ALTER TABLE users ADD COLUMN admin_by_system INTEGER NOT NULL DEFAULT 0
	CHECK (admin_by_system IN (0, 1) AND (admin_by_system = 0 OR role = 'admin'));
UPDATE users SET admin_by_system = 1 WHERE role = 'admin';

PRAGMA user_version = 9;
