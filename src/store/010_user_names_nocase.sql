-- 010_user_names_nocase.sql - user names are unique without regard to case
-- ("Alice" and "alice" are one user; log-in and the failure counts fold case).
-- Before this runs, src/store/pt_db.c (names_fold_check) looks for clashes: when two
-- stored users differ only in case, the migration is refused with a message naming
-- them (nothing is merged silently); rename or remove all but one of each, then
-- open the registry again.
CREATE UNIQUE INDEX IF NOT EXISTS users_name_nocase ON users (name COLLATE NOCASE);

-- Failed log-ins are kept under a hash of the folded name from now on, never the
-- name as typed (people type passwords there): the old rows, a 5-minute window
-- at most, are dropped.
DELETE FROM login_failures;

PRAGMA user_version = 10;
