-- 027_exercise_improvement_plan.sql - issue 15 (review finding 7): an
-- improvement plan item as HSEEP 2020 writes it. Each item is linked to the
-- area for improvement it answers (afi: the id of an evaluator's entry of kind
-- improvement, or 0) and to the objective and capability target it concerns,
-- with the analysis (root cause), the organisation's point of contact and a
-- start date (the due date stays on exercise_run_improvements; the use case
-- requires both, real dates, due not before start). A table beside
-- exercise_run_improvements rather than new columns, so that the script runs
-- again unchanged (IF NOT EXISTS) and items stored before it keep no row here.
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version
-- is below 27.

CREATE TABLE IF NOT EXISTS exercise_improvement_plan (
	item_id INTEGER PRIMARY KEY REFERENCES exercise_run_improvements (id),
	run_id INTEGER NOT NULL REFERENCES exercise_runs (id),
	afi INTEGER NOT NULL DEFAULT 0 CHECK (afi >= 0),
	objective TEXT NOT NULL DEFAULT '' CHECK (length(objective) <= 63),
	target TEXT NOT NULL DEFAULT '' CHECK (length(target) <= 63),
	analysis TEXT NOT NULL DEFAULT '' CHECK (length(analysis) <= 3999),
	poc TEXT NOT NULL DEFAULT '' CHECK (length(poc) <= 63),
	start TEXT NOT NULL CHECK (start GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
);
CREATE INDEX IF NOT EXISTS exercise_improvement_plan_run ON exercise_improvement_plan (run_id, item_id);
CREATE TRIGGER IF NOT EXISTS exercise_improvement_plan_final
BEFORE UPDATE ON exercise_improvement_plan
BEGIN SELECT RAISE(ABORT, 'improvement plan details are append-only'); END;
CREATE TRIGGER IF NOT EXISTS exercise_improvement_plan_kept
BEFORE DELETE ON exercise_improvement_plan
BEGIN SELECT RAISE(ABORT, 'improvement plan details are append-only'); END;

PRAGMA user_version = 27;
