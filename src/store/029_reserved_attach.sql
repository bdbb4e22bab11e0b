-- 029_reserved_attach.sql - a placeholder on branch attach only (issue 16): migration
-- 029 belongs to another branch of issue 16, and migrations must run without gaps, so
-- this branch keeps the number free with a script that does nothing. The integrator
-- deletes this file when the other branch's migration 029 is merged.
PRAGMA user_version = 29;
