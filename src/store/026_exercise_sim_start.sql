-- 026_exercise_sim_start.sql - issue 15 (review finding 2): a live run's own
-- simulation start (the attack, simulation minute 0), in scenario minutes. The
-- facilitator's shift moves it with the pending injects while the attack is
-- still to come (struct pt_ex_run.sim_start_min); decisions map to the
-- simulation from it and the periodic reruns start at it. -1: a run stored
-- before this migration, which takes its scenario's sim_start.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version
-- is below 26.

ALTER TABLE exercise_runs ADD COLUMN sim_start_min REAL NOT NULL DEFAULT -1;

PRAGMA user_version = 26;
