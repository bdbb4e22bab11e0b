-- 017_surge_costs.sql - issue 11 M5: a surge measure's cost driver, unit
-- weekly cost and the safeguards a chosen one needs (surge_measures.csv's
-- optional cost_driver, unit_weekly_eur and safeguards columns).
--
-- Applied by src/store/pt_db.c in one transaction when PRAGMA user_version is
-- below 17. Values are checked in C first (src/core/pt_surge.c); the
-- constraints here are the second line of defence. docs/internals/store.md.
-- Rows stored before it keep the size rule and no safeguards.

ALTER TABLE surge_measures ADD COLUMN cost_driver TEXT NOT NULL DEFAULT 'size'
	CHECK (length(cost_driver) BETWEEN 1 AND 63);
ALTER TABLE surge_measures ADD COLUMN unit_weekly_eur REAL NOT NULL DEFAULT 0
	CHECK (unit_weekly_eur BETWEEN 0 AND 1e9);
ALTER TABLE surge_measures ADD COLUMN safeguards TEXT NOT NULL DEFAULT ''
	CHECK (length(safeguards) <= 255);

PRAGMA user_version = 17;
