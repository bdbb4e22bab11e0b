-- 026_exercise_sim_start.sql - issue 15 (review finding 2): a live run's own
-- simulation start (the attack, simulation minute 0), in scenario minutes. The
-- facilitator's shift moves it with the pending injects while the attack is
-- still to come (struct pt_ex_run.sim_start_min); decisions map to the
-- simulation from it and the periodic reruns start at it. A run without a
-- row here (stored before this migration) takes its scenario's sim_start.
-- A table beside exercise_runs rather than a column, so that the script runs
-- again unchanged (IF NOT EXISTS).
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version
-- is below 26.

CREATE TABLE IF NOT EXISTS exercise_run_sim_start (
	run_id INTEGER PRIMARY KEY REFERENCES exercise_runs (id),
	sim_start_min REAL NOT NULL
);

PRAGMA user_version = 26;
